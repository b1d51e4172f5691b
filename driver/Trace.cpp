//===- Trace.cpp - custody trace: interposers from contracts --------------===//
//
// `custody trace [--contracts F]... [--header H]... -- COMMAND ARGS...`:
//
//  1. the contracts in force: the built-in ones, --contracts files and the
//     nearest .custody.yaml, as for the static check;
//  2. the declarations: a C file that includes every --header and each
//     contract's headers the compiler finds is parsed with Clang, and the
//     contracted functions it declares are read with their real types;
//  3. the interposers: a C function of the same name and type for each,
//     calling the real one (dlsym(RTLD_NEXT)) and telling the runtime what
//     the contract says the call did (acquired, released, retained, handed
//     over), on the outcome the contract gives;
//  4. the build: the system compiler links them with the runtime
//     (runtime/custody_trace_rt.c, embedded in this binary) into a shared
//     library;
//  5. the run: COMMAND runs with it in LD_PRELOAD; the runtime writes the
//     live resources at exit and on a signal, and TraceReport.cpp reports
//     them.
//
// `custody trace --jni -- java ...` (implied when COMMAND is `java`) skips
// steps 2-4: the JVMTI agent built with custody (runtime/custody_jni_agent.c,
// lib/libcustody-jni-agent.so) goes into JAVA_TOOL_OPTIONS instead, wraps the
// JNI function table and writes the same dumps at VM death.
//
//===----------------------------------------------------------------------===//

#include "Trace.h"
#include "ContractLoader.h"
#include "Options.h"
#include "TUSession.h"
#include "clang/AST/ASTConsumer.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Attr.h"
#include "clang/AST/Decl.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Lex/Preprocessor.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <dirent.h>
#include <set>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace clang;
using namespace clang::tooling;
using namespace custody;

extern char **environ;

namespace {

// The runtime's sources, embedded at build time (runtime/embed.py).
#include "TraceRuntime.inc"

struct TraceRequest {
  std::vector<std::string> ContractFiles;
  std::vector<std::string> Headers; // absolute
  std::vector<std::string> CFlags;
  bool Builtins = true;
  bool ProjectContract = true;
  std::string Format = "text";
  std::string Output;
  std::string FindingsFile;
  std::string Signal = "USR1";
  int SignalNumber = SIGUSR1;
  std::string KeepDir;
  std::string Compiler;
  bool List = false;
  bool Verbose = false;
  bool Jni = false;
  std::vector<std::string> Command;
};

/// The JNI functions the agent wraps (runtime/custody_jni_agent.c).
const char *const JniWrapped[] = {
#define CUSTODY_JNI_WRAP(Name) #Name,
#include "custody_jni_functions.def"
};

/// The JVMTI agent built with this custody: ../lib from the binary, in the
/// build tree and once installed.
std::string jniAgentPath() {
  std::string Exe = llvm::sys::fs::getMainExecutable(
      nullptr, reinterpret_cast<void *>(&jniAgentPath));
  llvm::SmallString<256> P(
      llvm::sys::path::parent_path(llvm::sys::path::parent_path(Exe)));
  llvm::sys::path::append(P, "lib", "libcustody-jni-agent.so");
  return std::string(P);
}

/// What a value of a C type is to the tracer.
enum class ValueKind { Pointer, Integer, Other };

ValueKind valueKind(QualType T) {
  T = T.getCanonicalType();
  if (T->isPointerType())
    return ValueKind::Pointer;
  if (T->isIntegralOrEnumerationType())
    return ValueKind::Integer;
  return ValueKind::Other;
}

struct Param {
  std::string Decl; // "sqlite3 **a1"
  ValueKind Kind = ValueKind::Other;
  ValueKind Pointee = ValueKind::Other; // for pointers
};

/// A function the tracer interposes, with what its header declares.
struct Traced {
  std::string Name, Library;
  std::string Return; // the return type as written; "void" for none
  ValueKind ReturnKind = ValueKind::Other;
  bool ReturnsVoid = false;
  std::vector<Param> Params;
  const FunctionContract *FC = nullptr;
};

/// What the parse of the headers found.
struct Declarations {
  bool Done = false;
  std::shared_ptr<ContractSet> Contracts;
  std::vector<ContractError> Errors;
  std::vector<Traced> Functions;
  std::vector<NotTraced> Skipped;
};

/// The allocator the tracer itself (dlsym, backtrace, its table) and every
/// library below the traced one use: heap memory is for heap profilers.
bool isAllocator(llvm::StringRef Name) {
  static const char *const Names[] = {
      "malloc",        "calloc",         "realloc",  "reallocarray", "free",
      "aligned_alloc", "posix_memalign", "memalign", "valloc",       "pvalloc"};
  return llvm::is_contained(Names, Name);
}

std::string describe(const ContractSet &Set, llvm::StringRef Resource) {
  if (const custody::Resource *R = Set.resource(Resource))
    if (!R->Description.empty())
      return R->Description;
  return Resource.str();
}

/// The resources each function releases or hands over, for deciding which
/// resources can be followed: all their releasers must be interposed.
std::vector<std::string> releasedBy(const FunctionContract &FC) {
  std::vector<std::string> Out;
  for (const auto &[N, E] : FC.Args)
    if ((E.Kind == ArgEffect::Releases || E.Kind == ArgEffect::Consumes) &&
        !E.Resource.empty())
      Out.push_back(E.Resource);
  if (FC.Closes)
    Out.push_back(FC.Closes->Resource);
  return Out;
}

/// The resources a function hands out.
std::vector<std::string> acquiredBy(const FunctionContract &FC) {
  std::vector<std::string> Out;
  if (FC.Returns && FC.Returns->Owned)
    Out.push_back(FC.Returns->Resource);
  for (const auto &[N, E] : FC.Args)
    if (E.Kind == ArgEffect::Acquires || E.Kind == ArgEffect::Retains)
      Out.push_back(E.Resource);
  if (FC.Opens && !FC.Opens->Borrowed)
    Out.push_back(FC.Opens->Resource);
  return Out;
}

class CollectConsumer : public ASTConsumer {
public:
  CollectConsumer(CompilerInstance &CI, const TraceRequest &Req,
                  Declarations &Out)
      : CI(CI), Req(Req), Out(Out) {}

  void HandleTranslationUnit(ASTContext &Ctx) override {
    SessionConfig Config;
    Config.ContractFiles = Req.ContractFiles;
    Config.BuiltinContracts = Req.Builtins;
    Config.ProjectContract = Req.ProjectContract;
    Out.Contracts = contractsInForce(Ctx, Config, Out.Errors);
    if (!Out.Contracts)
      return;
    const ContractSet &Set = *Out.Contracts;
    Preprocessor &PP = CI.getPreprocessor();
    PrintingPolicy Policy = Ctx.getPrintingPolicy();
    Policy.SuppressTagKeyword = false;

    // The declarations of the contracted functions.
    std::map<std::string, const FunctionDecl *> Decls;
    for (Decl *D : Ctx.getTranslationUnitDecl()->decls())
      if (auto *FD = dyn_cast<FunctionDecl>(D))
        if (FD->getIdentifier() && Set.lookup(FD->getName()))
          Decls[FD->getName().str()] = FD->getMostRecentDecl();

    // First pass: which functions could be interposed at all.
    std::map<std::string, std::string> Reasons; // name -> why not
    std::map<std::string, Traced> Candidates;
    for (const auto &Entry : Set.Functions) {
      const FunctionContract &FC = Entry.second;
      if (FC.MemberOnly || FC.IsSummary || FC.IsConventional)
        continue;
      std::string Name = Entry.first().str();
      IdentifierInfo *II = PP.getIdentifierInfo(Name);
      auto It = Decls.find(Name);
      if (II && PP.getMacroInfo(II)) {
        Reasons[Name] = "a macro";
        continue;
      }
      if (It == Decls.end())
        continue; // not declared by these headers: nothing can call it
      const FunctionDecl *FD = It->second;
      if (isAllocator(Name)) {
        Reasons[Name] = "the allocator (heap memory is for heap profilers)";
        continue;
      }
      if (FD->isVariadic()) {
        Reasons[Name] = "variadic";
        continue;
      }
      if (FD->isInlined() || FD->hasBody() ||
          FD->getStorageClass() == SC_Static) {
        Reasons[Name] = "defined inline in the header";
        continue;
      }
      if (FD->hasAttr<AsmLabelAttr>()) {
        Reasons[Name] = "renamed by an asm label";
        continue;
      }
      Traced T;
      T.Name = Name;
      T.Library = FC.Library;
      T.FC = &FC;
      QualType R = FD->getReturnType();
      T.ReturnsVoid = R->isVoidType();
      T.ReturnKind = valueKind(R);
      if (R->isFunctionPointerType() || R->isArrayType()) {
        Reasons[Name] = "its return type is not supported";
        continue;
      }
      T.Return = R.getUnqualifiedType().getAsString(Policy);
      bool Ok = true;
      for (unsigned I = 0; I < FD->getNumParams(); ++I) {
        const ParmVarDecl *P = FD->getParamDecl(I);
        Param PD;
        std::string S;
        llvm::raw_string_ostream OS(S);
        // As written: va_list, not what it decays to.
        P->getOriginalType().print(OS, Policy, "a" + std::to_string(I));
        PD.Decl = OS.str();
        PD.Kind = valueKind(P->getType());
        if (PD.Kind == ValueKind::Pointer)
          PD.Pointee = valueKind(P->getType()->getPointeeType());
        T.Params.push_back(PD);
      }
      // Every argument the contract acts on must be a pointer or a handle.
      auto Usable = [&](unsigned N) {
        return N >= T.Params.size() || T.Params[N].Kind != ValueKind::Other;
      };
      for (const auto &[N, E] : FC.Args)
        if (E.Kind != ArgEffect::Borrows && E.Kind != ArgEffect::Escapes &&
            E.Kind != ArgEffect::Lends && !Usable(N))
          Ok = false;
      if (!Ok) {
        Reasons[Name] = "an argument it acts on is neither a pointer nor an "
                        "integer";
        continue;
      }
      Candidates[Name] = std::move(T);
    }

    // A resource is followed only when every function that releases it is
    // interposed: one released behind the tracer's back would look leaked.
    std::map<std::string, std::string> Untraceable; // resource -> why
    auto NoteReleaser = [&](const std::string &Resource,
                            const std::string &Fn) {
      if (Candidates.count(Fn) || !Decls.count(Fn) && !Reasons.count(Fn))
        return;
      if (!Untraceable.count(Resource))
        Untraceable[Resource] =
            "released by '" + Fn + "', which is " +
            (Reasons.count(Fn) ? Reasons[Fn] : std::string("not traced"));
    };
    for (const auto &Entry : Set.Resources)
      for (const std::string &Fn : Entry.second.Releasers)
        NoteReleaser(Entry.first().str(), Fn);
    for (const auto &Entry : Set.Functions)
      for (const std::string &Res : releasedBy(Entry.second))
        NoteReleaser(Res, Entry.first().str());
    // Resources released only by functions no header declares.
    for (const auto &Entry : Set.Resources) {
      bool Any = false;
      for (const auto &F : Set.Functions)
        for (const std::string &Res : releasedBy(F.second))
          Any |= Res == Entry.first() && Candidates.count(F.first().str());
      for (const std::string &Fn : Entry.second.Releasers)
        Any |= Candidates.count(Fn) > 0;
      if (!Any && !Untraceable.count(Entry.first().str()))
        Untraceable[Entry.first().str()] = "no declared function releases it";
    }

    for (auto &[Name, T] : Candidates) {
      const FunctionContract &FC = *T.FC;
      std::vector<std::string> Acq = acquiredBy(FC);
      std::vector<std::string> Rel = releasedBy(FC);
      bool Useful = false;
      std::string Why;
      for (const std::string &R : Acq) {
        if (Untraceable.count(R))
          Why = "its " + describe(Set, R) + " is " + Untraceable[R];
        else
          Useful = true;
      }
      for (const std::string &R : Rel)
        Useful |= !Untraceable.count(R);
      // A release of any resource, or of one that is followed.
      for (const auto &[N, E] : FC.Args)
        Useful |= E.Kind == ArgEffect::Releases && E.Resource.empty();
      if (Useful) {
        Out.Functions.push_back(std::move(T));
      } else if (!Why.empty()) {
        Reasons[Name] = Why;
      }
    }
    for (const auto &[Name, Why] : Reasons) {
      const FunctionContract *FC = Set.lookup(Name);
      // Only what would have mattered: functions that hand out or take back
      // a resource.
      if (!FC || (acquiredBy(*FC).empty() && releasedBy(*FC).empty() &&
                  !llvm::any_of(FC->Args, [](const auto &A) {
                    return A.second.Kind == ArgEffect::Releases;
                  })))
        continue;
      Out.Skipped.push_back({Name, FC->Library, Why});
    }
    std::sort(Out.Functions.begin(), Out.Functions.end(),
              [](const Traced &A, const Traced &B) { return A.Name < B.Name; });
    Out.Done = true;
  }

private:
  CompilerInstance &CI;
  const TraceRequest &Req;
  Declarations &Out;
};

class CollectAction : public ASTFrontendAction {
public:
  CollectAction(const TraceRequest &Req, Declarations &Out)
      : Req(Req), Out(Out) {}
  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &CI,
                                                 llvm::StringRef) override {
    return std::make_unique<CollectConsumer>(CI, Req, Out);
  }

private:
  const TraceRequest &Req;
  Declarations &Out;
};

class CollectFactory : public FrontendActionFactory {
public:
  CollectFactory(const TraceRequest &Req, Declarations &Out)
      : Req(Req), Out(Out) {}
  std::unique_ptr<FrontendAction> create() override {
    return std::make_unique<CollectAction>(Req, Out);
  }

private:
  const TraceRequest &Req;
  Declarations &Out;
};

/// The includes both the parse and the generated file start with: every
/// contract's headers the compiler finds, then the user's headers.
std::string includeText(const ContractSet &All, const TraceRequest &Req) {
  std::string S;
  llvm::raw_string_ostream OS(S);
  std::set<std::string> Seen;
  for (const LibraryContract &L : All.Libraries) {
    if (!L.MembersOf.empty())
      continue; // function tables (JNI): not free functions
    if (llvm::any_of(All.Types, [&](const auto &T) {
          return T.second.Library == L.Library;
        }))
      continue; // C++ classes (pybind11): nothing to interpose
    for (const std::string &H : L.Headers)
      if (Seen.insert(H).second)
        OS << "#if __has_include(<" << H << ">)\n#include <" << H
           << ">\n#endif\n";
  }
  for (const std::string &H : Req.Headers)
    OS << "#include \"" << H << "\"\n";
  return OS.str();
}

/// The flags of both compilations: the user's, and each header's directory.
std::vector<std::string> headerFlags(const TraceRequest &Req) {
  std::vector<std::string> Flags = {"-std=gnu11"};
  for (const std::string &H : Req.Headers)
    Flags.push_back("-I" + std::string(llvm::sys::path::parent_path(H)));
  Flags.insert(Flags.end(), Req.CFlags.begin(), Req.CFlags.end());
  return Flags;
}

const char *whenText(When W) {
  switch (W) {
  case When::Always:
    return "";
  case When::OnSuccess:
    return " when it succeeds";
  case When::OnFailure:
    return " when it fails";
  }
  return "";
}

/// One line of `custody trace --list`: what the interposer follows.
std::string summary(const Traced &T, const ContractSet &Set) {
  const FunctionContract &FC = *T.FC;
  std::vector<std::string> Parts;
  if (FC.Returns && FC.Returns->Owned)
    Parts.push_back(std::string(FC.Lock == LockEffect::Ensure
                                    ? "takes a per-thread "
                                    : "returns an owned ") +
                    describe(Set, FC.Returns->Resource));
  for (const auto &[N, E] : FC.Args) {
    std::string Arg = " (argument " + std::to_string(N) + ")";
    std::string R = E.Resource.empty() ? std::string("any resource")
                                       : describe(Set, E.Resource);
    switch (E.Kind) {
    case ArgEffect::Acquires:
      Parts.push_back("acquires " + R + " through argument " +
                      std::to_string(N) + whenText(E.On));
      break;
    case ArgEffect::Releases:
      Parts.push_back(
          (FC.Lock == LockEffect::EnsureUndo ? "gives back " : "releases ") +
          R + Arg + whenText(E.On));
      break;
    case ArgEffect::Consumes:
      Parts.push_back("takes over " + R + Arg + whenText(E.On));
      break;
    case ArgEffect::Retains:
      Parts.push_back("retains " + R + Arg + whenText(E.On));
      break;
    default:
      break;
    }
  }
  if (FC.Opens && !FC.Opens->Borrowed)
    Parts.push_back("opens " + describe(Set, FC.Opens->Resource) +
                    whenText(FC.Opens->On));
  if (FC.Closes)
    Parts.push_back("closes " + describe(Set, FC.Closes->Resource));
  return llvm::join(Parts, "; ");
}

std::string cIdent(llvm::StringRef S) {
  std::string Out;
  for (char C : S)
    Out += llvm::isAlnum(C) ? C : '_';
  return Out;
}

/// The C test of a call's success on its result.
std::string successTest(const Traced &T) {
  std::optional<Condition> C = T.FC->successCondition();
  if (!C || T.ReturnsVoid || T.ReturnKind == ValueKind::Other)
    return "1";
  static const char *Ops[] = {"==", "!=", "<", "<=", ">", ">="};
  return "((intptr_t)custody_r " + std::string(Ops[C->Op]) + " " +
         std::to_string(C->Value) + "LL)";
}

std::string whenTest(When W) {
  switch (W) {
  case When::Always:
    return "1";
  case When::OnSuccess:
    return "custody_ok";
  case When::OnFailure:
    return "!custody_ok";
  }
  return "1";
}

/// The generated interposers.
std::string generate(const std::vector<Traced> &Fns, const ContractSet &Set,
                     const std::string &Includes,
                     std::set<std::string> &KindsOut) {
  std::string S;
  llvm::raw_string_ostream OS(S);
  OS << "/* Generated by custody trace: interposers for the contracted "
        "functions. */\n"
        "#define _GNU_SOURCE\n"
     << Includes
     << "#include <errno.h>\n#include <stdint.h>\n"
        "#include \"custody_trace_rt.h\"\n\n";
  // One string per resource kind: the runtime tells kinds apart by address.
  std::set<std::string> Kinds;
  for (const Traced &T : Fns) {
    for (const std::string &R : acquiredBy(*T.FC))
      Kinds.insert(R);
    for (const std::string &R : releasedBy(*T.FC))
      Kinds.insert(R);
  }
  for (const std::string &K : Kinds)
    OS << "static const char custody_kind_" << cIdent(K) << "[] = \"" << K
       << "\";\n";
  KindsOut = Kinds;
  auto Kind = [&](const std::string &R) {
    return R.empty() ? std::string("(const char *)0")
                     : "custody_kind_" + cIdent(R);
  };
  auto Known = [&](const std::string &R) {
    return R.empty() || Kinds.count(R);
  };

  for (const Traced &T : Fns) {
    const FunctionContract &FC = *T.FC;
    std::string Args;
    for (size_t I = 0; I < T.Params.size(); ++I)
      Args += (I ? ", a" : "a") + std::to_string(I);
    std::string Params;
    for (size_t I = 0; I < T.Params.size(); ++I)
      Params += (I ? ", " : "") + T.Params[I].Decl;
    if (Params.empty())
      Params = "void";
    auto Value = [&](unsigned N) { return "(uintptr_t)a" + std::to_string(N); };
    // The size in bytes of what it hands out: the product of the integer
    // arguments the contract names ('size').
    auto Size = [&](const std::string &Resource, const std::string &Key) {
      std::string Product;
      for (unsigned N : FC.SizeArgs) {
        if (N >= T.Params.size() || T.Params[N].Kind != ValueKind::Integer)
          return std::string();
        Product += (Product.empty() ? "" : " * ") +
                   std::string("(unsigned long long)a") + std::to_string(N);
      }
      if (Product.empty())
        return Product;
      return "      custody_rt_size(" + Kind(Resource) + ", " + Key + ", " +
             Product + ");\n";
    };
    auto NonNull = [&](unsigned N) {
      return T.Params[N].Kind == ValueKind::Pointer
                 ? "a" + std::to_string(N) + " != 0"
                 : std::string("1");
    };

    OS << "\n/* " << T.Name << " (" << T.Library << "): " << summary(T, Set)
       << " */\n";
    OS << T.Return << " " << T.Name << "(" << Params << ") {\n";
    OS << "  static __typeof__(&" << T.Name << ") custody_real;\n";
    OS << "  if (!custody_real)\n    custody_real = (__typeof__(&" << T.Name
       << "))custody_rt_next(\"" << T.Name << "\");\n";
    OS << "  if (!custody_rt_enter())\n    "
       << (T.ReturnsVoid ? "{ custody_real(" + Args + "); return; }"
                         : "return custody_real(" + Args + ");")
       << "\n";
    OS << "  int custody_out = custody_rt_outside(__builtin_return_address(0), "
          "(void *)custody_real);\n";
    OS << "  (void)custody_out;\n";
    // Releases on every outcome happen before the call: once the real
    // release returns, another thread may be handed the same address.
    bool IsUndo = FC.Lock == LockEffect::EnsureUndo;
    for (const auto &[N, E] : FC.Args) {
      if (N >= T.Params.size() || !Known(E.Resource))
        continue;
      bool Releasing =
          E.Kind == ArgEffect::Releases || E.Kind == ArgEffect::Consumes;
      if (!Releasing || E.On != When::Always || E.Unless || IsUndo)
        continue;
      OS << "  if (" << NonNull(N) << ")\n    custody_rt_release("
         << Kind(E.Resource) << ", " << Value(N) << ");\n";
    }
    OS << "  custody_rt_leave();\n";
    if (T.ReturnsVoid)
      OS << "  custody_real(" << Args << ");\n";
    else
      OS << "  " << T.Return << " custody_r = custody_real(" << Args << ");\n";
    OS << "  int custody_errno = errno;\n";
    OS << "  if (custody_rt_enter()) {\n";
    OS << "    int custody_ok = " << successTest(T) << ";\n";
    OS << "    (void)custody_ok;\n";
    // The result.
    if (FC.Returns && FC.Returns->Owned && !T.ReturnsVoid &&
        Known(FC.Returns->Resource) && T.ReturnKind != ValueKind::Other) {
      std::string Valid = T.ReturnKind == ValueKind::Pointer ? "custody_r != 0"
                                                             : std::string("1");
      if (FC.Lock == LockEffect::Ensure)
        OS << "    if (custody_out)\n      custody_rt_ensure("
           << Kind(FC.Returns->Resource) << ", (uintptr_t)custody_r, \""
           << T.Name << "\");\n";
      else
        OS << "    if (custody_out && custody_ok && " << Valid << ") {\n"
           << "      custody_rt_acquire(" << Kind(FC.Returns->Resource)
           << ", (uintptr_t)custody_r, \"" << T.Name << "\");\n"
           << Size(FC.Returns->Resource, "(uintptr_t)custody_r") << "    }\n";
    }
    for (const auto &[N, E] : FC.Args) {
      if (N >= T.Params.size() || !Known(E.Resource))
        continue;
      const Param &P = T.Params[N];
      std::string A = "a" + std::to_string(N);
      std::string W = whenTest(E.On);
      switch (E.Kind) {
      case ArgEffect::Acquires: {
        if (P.Kind != ValueKind::Pointer)
          break;
        // Through a pointer to a pointer or a handle: the value stored;
        // into an object (regcomp's regex_t): the object's address.
        std::string Key = P.Pointee == ValueKind::Other ? "(uintptr_t)" + A
                                                        : "(uintptr_t)*" + A;
        std::string Valid = P.Pointee == ValueKind::Pointer
                                ? " && *" + A + " != 0"
                                : std::string("");
        OS << "    if (custody_out && " << W << " && " << A << " != 0" << Valid
           << ") {\n      custody_rt_acquire(" << Kind(E.Resource) << ", "
           << Key << ", \"" << T.Name << "\");\n"
           << Size(E.Resource, Key) << "    }\n";
        break;
      }
      case ArgEffect::Releases:
      case ArgEffect::Consumes: {
        if (IsUndo) {
          OS << "    if (custody_out)\n      custody_rt_ensure_release("
             << Kind(E.Resource) << ", " << Value(N) << ");\n";
          break;
        }
        if (E.On == When::Always && !E.Unless)
          break; // done before the call
        std::string Unless;
        if (E.Unless && E.Unless->first < T.Params.size())
          Unless = " && (intptr_t)a" + std::to_string(E.Unless->first) +
                   " != " + std::to_string(E.Unless->second) + "LL";
        OS << "    if (" << W << " && " << NonNull(N) << Unless
           << ")\n      custody_rt_release(" << Kind(E.Resource) << ", "
           << Value(N) << ");\n";
        break;
      }
      case ArgEffect::Retains:
        OS << "    if (custody_out && " << W << " && " << NonNull(N)
           << ")\n      custody_rt_retain(" << Kind(E.Resource) << ", "
           << Value(N) << ", \"" << T.Name << "\");\n";
        break;
      default:
        break;
      }
    }
    auto RegionKey = [&](int KeyArg) {
      return KeyArg >= 0 && unsigned(KeyArg) < T.Params.size()
                 ? Value(KeyArg)
                 : std::string("(uintptr_t)0");
    };
    if (FC.Opens && !FC.Opens->Borrowed && Known(FC.Opens->Resource))
      OS << "    if (custody_out && " << whenTest(FC.Opens->On)
         << ")\n      custody_rt_retain(" << Kind(FC.Opens->Resource) << ", "
         << RegionKey(FC.Opens->KeyArg) << ", \"" << T.Name << "\");\n";
    if (FC.Closes && Known(FC.Closes->Resource))
      OS << "    custody_rt_release(" << Kind(FC.Closes->Resource) << ", "
         << RegionKey(FC.Closes->KeyArg) << ");\n";
    OS << "    custody_rt_leave();\n  }\n";
    OS << "  errno = custody_errno;\n";
    if (!T.ReturnsVoid)
      OS << "  return custody_r;\n";
    OS << "}\n";
  }
  return OS.str();
}

int usage() {
  llvm::errs()
      << "usage: custody trace [--contracts FILE]... [--header HEADER]... "
         "[--cflag FLAG]... [--findings custody.json] [--format "
         "text|json|sarif] "
         "[--output FILE] [--signal USR1|USR2|none] [--keep DIR] [--list] "
         "-- COMMAND ARGS...\n"
         "       custody trace --jni [--findings custody.json] [--format "
         "text|json|sarif] [--output FILE] [--signal ...] -- java ARGS...\n";
  return 2;
}

void help() {
  llvm::outs()
      << R"(custody trace: the contracts in force, watching a running process

usage: custody trace [OPTIONS] -- COMMAND ARGS...
       custody trace --jni [OPTIONS] -- java ARGS...
       custody trace --list [OPTIONS]

Interposes the contracted functions of the libraries in force (read from
their headers with Clang), runs COMMAND with them preloaded, and reports the
resources still live at exit, grouped by acquisition stack, as warnings of
check 'runtime-leak' (and 'runtime-gil-unbalanced' for PyGILState_Ensure
not given back on a thread). docs/runtime.md describes it.

With --jni (implied when COMMAND is 'java' and no --header is given), a
JVMTI agent goes into JAVA_TOOL_OPTIONS instead: it wraps the JNI function
table and reports at VM death the global and weak global references, array
and string elements, critical regions and monitors that native code
acquired and did not give back.

Options:
  --contracts FILE     a contract file, as for the check (repeatable)
  --no-builtin-contracts, --no-project-contract
  --header HEADER      a library header to read the declarations from; its
                       directory is added to the include path (repeatable)
  --cflag FLAG         a compiler flag for the headers (-I..., -D...)
  --findings FILE      custody's JSON findings: name the static finding each
                       runtime leak confirms, list the others as gaps
  --format text|json|sarif
                       the report's format (default text)
  --output FILE        write the report to FILE instead of standard output
  --signal NAME        the signal that makes a report while the process runs
                       (default USR1; 'none' for none)
  --keep DIR           keep the generated sources and library in DIR
  --jni                trace JNI calls in a JVM (-agentpath: through
                       JAVA_TOOL_OPTIONS) instead of preloading interposers
  --list               list the functions traced and those that are not, and
                       exit without running anything
  --verbose            also say what is not traced, and the build

Exit codes: 0 nothing live at exit, 1 resources live at exit, 2 usage,
contract or build error, 3 COMMAND failed (exited with a non-zero status or
was killed; its reports are still printed).
)";
}

/// "SIGUSR1"; "signal 40" for one without a name.
std::string signalName(int Sig) {
  const char *Abbrev = sigabbrev_np(Sig);
  return Abbrev ? std::string("SIG") + Abbrev : "signal " + std::to_string(Sig);
}

bool parseArgs(int argc, const char **argv, TraceRequest &Req, int &Exit) {
  int I = 1;
  auto Value = [&](llvm::StringRef Name, std::string &Out) {
    return optionValue(argc, argv, I, Name, Out);
  };
  for (; I < argc; ++I) {
    llvm::StringRef A(argv[I]);
    std::string V;
    if (A == "--") {
      ++I;
      break;
    }
    if (Value("--contracts", V)) {
      llvm::SmallString<256> Abs(V);
      llvm::sys::fs::make_absolute(Abs);
      Req.ContractFiles.push_back(std::string(Abs));
    } else if (Value("--header", V)) {
      llvm::SmallString<256> Abs;
      if (llvm::sys::fs::real_path(V, Abs) ||
          !llvm::sys::fs::is_regular_file(Abs)) {
        llvm::errs() << "custody: error: no such header '" << V << "'\n";
        Exit = 2;
        return false;
      }
      Req.Headers.push_back(std::string(Abs));
    } else if (Value("--cflag", V)) {
      Req.CFlags.push_back(V);
    } else if (Value("--findings", V)) {
      Req.FindingsFile = V;
    } else if (Value("--format", V)) {
      Req.Format = V;
    } else if (Value("--output", V) || Value("-o", V)) {
      Req.Output = V;
    } else if (Value("--signal", V)) {
      Req.Signal = V;
    } else if (Value("--keep", V)) {
      Req.KeepDir = V;
    } else if (A == "--no-builtin-contracts") {
      Req.Builtins = false;
    } else if (A == "--no-project-contract") {
      Req.ProjectContract = false;
    } else if (A == "--list") {
      Req.List = true;
    } else if (A == "--verbose") {
      Req.Verbose = true;
    } else if (A == "--jni") {
      Req.Jni = true;
    } else if (A == "-h" || A == "--help" || A == "-help") {
      help();
      Exit = 0;
      return false;
    } else {
      llvm::errs() << "custody: error: unknown option '" << A
                   << "' for 'custody trace'\n";
      Exit = usage();
      return false;
    }
  }
  for (; I < argc; ++I)
    Req.Command.push_back(argv[I]);
  // A JVM: its native code's JNI calls, not the libraries it preloads.
  if (!Req.Command.empty() && Req.Headers.empty() && Req.CFlags.empty() &&
      llvm::sys::path::filename(Req.Command[0]) == "java")
    Req.Jni = true;
  if (Req.Jni && (!Req.Headers.empty() || !Req.CFlags.empty())) {
    llvm::errs() << "custody: error: --jni traces the JNI function table; "
                    "--header and --cflag are for the preload tracer\n";
    Exit = 2;
    return false;
  }
  if (Req.Format != "text" && Req.Format != "json" && Req.Format != "sarif") {
    llvm::errs() << "custody: error: unknown --format '" << Req.Format
                 << "' (expected text, json or sarif)\n";
    Exit = 2;
    return false;
  }
  llvm::StringRef Sig(Req.Signal);
  Sig.consume_front("SIG");
  if (Sig == "none" || Sig == "0")
    Req.SignalNumber = 0;
  else if (Sig == "USR1")
    Req.SignalNumber = SIGUSR1;
  else if (Sig == "USR2")
    Req.SignalNumber = SIGUSR2;
  else if (Sig == "HUP")
    Req.SignalNumber = SIGHUP;
  else if (Sig.getAsInteger(10, Req.SignalNumber) || Req.SignalNumber <= 0 ||
           Req.SignalNumber >= NSIG) {
    llvm::errs() << "custody: error: unknown --signal '" << Req.Signal
                 << "' (expected USR1, USR2, HUP, a number or none)\n";
    Exit = 2;
    return false;
  }
  if (Req.SignalNumber)
    Req.Signal = signalName(Req.SignalNumber);
  if (Req.Command.empty() && !Req.List) {
    llvm::errs() << "custody: error: no command to trace (give it after "
                    "'--')\n";
    Exit = usage();
    return false;
  }
  return true;
}

bool writeFile(const std::string &Path, llvm::StringRef Text) {
  std::error_code EC;
  llvm::raw_fd_ostream OS(Path, EC, llvm::sys::fs::OF_Text);
  if (EC) {
    llvm::errs() << "custody: error: cannot write '" << Path
                 << "': " << EC.message() << "\n";
    return false;
  }
  OS << Text;
  return true;
}

/// The C compiler: $CC, cc, or the Clang custody was built with.
std::string findCompiler() {
  if (const char *CC = getenv("CC"))
    if (*CC) {
      if (auto P = llvm::sys::findProgramByName(CC))
        return *P;
    }
  if (auto P = llvm::sys::findProgramByName("cc"))
    return *P;
  if (auto P =
          llvm::sys::findProgramByName("clang", {CUSTODY_LLVM_ROOT "/bin"}))
    return *P;
  return "";
}

/// Builds the preload library in Dir. False, after printing why, on failure.
bool build(const std::string &Dir, const std::string &Generated,
           const TraceRequest &Req, std::string &Library) {
  std::string Gen = Dir + "/custody_trace_interposers.c";
  std::string Rt = Dir + "/custody_trace_rt.c";
  if (!writeFile(Gen, Generated) || !writeFile(Rt, RuntimeSource) ||
      !writeFile(Dir + "/custody_trace_rt.h", RuntimeHeader))
    return false;
  std::string CC = findCompiler();
  if (CC.empty()) {
    llvm::errs() << "custody: error: no C compiler found (set CC)\n";
    return false;
  }
  Library = Dir + "/libcustody-trace.so";
  std::vector<std::string> Args = {CC,
                                   "-shared",
                                   "-fPIC",
                                   "-O1",
                                   "-g0",
                                   "-w",
                                   "-fno-delete-null-pointer-checks",
                                   "-U_FORTIFY_SOURCE",
                                   "-I" + Dir};
  for (const std::string &F : headerFlags(Req))
    Args.push_back(F);
  Args.insert(Args.end(), {"-o", Library, Gen, Rt, "-ldl", "-lpthread"});
  std::vector<llvm::StringRef> Refs(Args.begin(), Args.end());
  std::string Log = Dir + "/build.log";
  std::optional<llvm::StringRef> Redirects[] = {std::nullopt, Log, Log};
  std::string Err;
  int RC =
      llvm::sys::ExecuteAndWait(CC, Refs, std::nullopt, Redirects, 0, 0, &Err);
  if (Req.Verbose)
    llvm::errs() << "custody: built " << Library << " with "
                 << llvm::join(Args, " ") << "\n";
  if (RC != 0) {
    llvm::errs() << "custody: error: building the interposers failed ("
                 << (Err.empty() ? "exit " + std::to_string(RC) : Err)
                 << "):\n";
    if (auto Buf = llvm::MemoryBuffer::getFile(Log))
      llvm::errs() << (*Buf)->getBuffer();
    llvm::errs() << "custody: note: the generated file is " << Gen
                 << (Req.KeepDir.empty() ? " (--keep DIR keeps it)" : "")
                 << "\n";
    return false;
  }
  return true;
}

/// The dumps in Dir whose names start with Prefix, in the order written.
std::vector<std::string> dumps(const std::string &Dir, llvm::StringRef Prefix) {
  std::vector<std::pair<std::pair<unsigned, unsigned>, std::string>> Found;
  std::error_code EC;
  for (llvm::sys::fs::directory_iterator It(Dir, EC), End; It != End && !EC;
       It.increment(EC)) {
    llvm::StringRef Name = llvm::sys::path::filename(It->path());
    if (!Name.consume_front(Prefix) || !Name.consume_back(".raw"))
      continue;
    auto [PidS, NS] = Name.split('-');
    unsigned Pid = 0, N = 0;
    PidS.getAsInteger(10, Pid);
    NS.getAsInteger(10, N);
    Found.push_back({{Pid, N}, It->path()});
  }
  std::sort(Found.begin(), Found.end());
  std::vector<std::string> Out;
  for (auto &F : Found)
    Out.push_back(F.second);
  return Out;
}

/// Where the report goes: standard output or --output.
struct Sink {
  std::unique_ptr<llvm::raw_fd_ostream> File;
  llvm::raw_ostream &os() { return File ? *File : llvm::outs(); }
};

} // namespace

int custody::traceMain(int argc, const char **argv) {
  TraceRequest Req;
  int Exit = 0;
  if (!parseArgs(argc, argv, Req, Exit))
    return Exit;

  // Every contract, to know which headers to read. Errors in the user's
  // files are reported here, before anything is parsed.
  std::vector<std::string> Files = Req.ContractFiles;
  if (Req.ProjectContract) {
    std::string Project = findProjectContract(".");
    if (!Project.empty())
      Files.push_back(Project);
  }
  std::vector<ContractError> Errors;
  std::shared_ptr<const ContractSet> All =
      loadContracts(Files, Req.Builtins, nullptr, Errors);
  if (!All) {
    for (const ContractError &E : Errors)
      llvm::errs() << E.str() << "\n";
    if (Errors.empty())
      llvm::errs() << "custody: error: no contracts (the built-in ones were "
                      "not found in '"
                   << builtinContractsDir() << "')\n";
    return 2;
  }

  // The contracts name the JNI resources and describe them.
  const ContractSet *SetPtr = All.get();
  Declarations Decls;
  std::string Includes;
  std::vector<std::string> TracedNames;
  if (Req.Jni) {
    for (const char *Fn : JniWrapped)
      TracedNames.push_back(Fn);
    if (Req.List) {
      for (const char *Fn : JniWrapped) {
        const FunctionContract *FC =
            All->lookupMember("JNINativeInterface_", Fn);
        Traced T;
        T.FC = FC;
        llvm::outs() << "traced: " << Fn << " (jni): "
                     << (FC ? summary(T, *All) : std::string("wrapped"))
                     << "\n";
      }
      return 0;
    }
    llvm::errs() << "custody: tracing " << TracedNames.size()
                 << " JNI functions with a JVMTI agent (JAVA_TOOL_OPTIONS)\n";
    // HotSpot suspends threads with SIGUSR2 and shuts down on SIGHUP.
    if (Req.SignalNumber == SIGUSR2 || Req.SignalNumber == SIGHUP)
      llvm::errs() << "custody: warning: the JVM handles " << Req.Signal
                   << " itself: no reports on it (use USR1 or a free signal "
                      "number)\n";
  } else {
    // The declarations, from a C file in the current directory (so that the
    // nearest .custody.yaml applies) that includes the headers.
    Includes = includeText(*All, Req);
    llvm::SmallString<256> Cwd;
    llvm::sys::fs::current_path(Cwd);
    llvm::SmallString<256> Main(Cwd);
    llvm::sys::path::append(Main, "custody-trace-headers.c");
    FixedCompilationDatabase DB(Cwd, headerFlags(Req));
    ClangTool Tool(DB, {std::string(Main)});
    Tool.mapVirtualFile(Main, Includes);
    adjustArguments(Tool);
    CollectFactory Factory(Req, Decls);
    bool Parsed = runSafely(Tool, Factory);
    if (!Decls.Errors.empty()) {
      for (const ContractError &E : Decls.Errors)
        llvm::errs() << E.str() << "\n";
      return 2;
    }
    if (!Parsed || !Decls.Done) {
      llvm::errs() << "custody: error: the headers could not be parsed\n";
      return 2;
    }
    SetPtr = Decls.Contracts.get();
    const ContractSet &Set = *SetPtr;
    std::set<std::string> Libraries;
    for (const Traced &T : Decls.Functions) {
      TracedNames.push_back(T.Name);
      Libraries.insert(T.Library);
    }
    if (Req.List) {
      for (const Traced &T : Decls.Functions)
        llvm::outs() << "traced: " << T.Name << " (" << T.Library
                     << "): " << summary(T, Set) << "\n";
      for (const NotTraced &N : Decls.Skipped)
        llvm::outs() << "not traced: " << N.Function << " (" << N.Library
                     << "): " << N.Reason << "\n";
      return 0;
    }
    if (Decls.Functions.empty()) {
      llvm::errs() << "custody: error: no contracted function is declared by "
                      "the headers (give the library's header with --header)\n";
      return 2;
    }
    llvm::errs() << "custody: tracing " << Decls.Functions.size()
                 << " functions of " << llvm::join(Libraries, ", ");
    if (!Decls.Skipped.empty())
      llvm::errs() << "; " << Decls.Skipped.size()
                   << " not traced (--list says which and why)";
    llvm::errs() << "\n";
    if (Req.Verbose)
      for (const NotTraced &N : Decls.Skipped)
        llvm::errs() << "custody: not traced: " << N.Function << " ("
                     << N.Library << "): " << N.Reason << "\n";
  }

  const ContractSet &Set = *SetPtr;

  // The static findings to match.
  std::vector<StaticFinding> Findings;
  if (!Req.FindingsFile.empty()) {
    std::string Err;
    if (!readStaticFindings(Req.FindingsFile, Findings, Err)) {
      llvm::errs() << "custody: error: --findings '" << Req.FindingsFile
                   << "': " << Err << "\n";
      return 2;
    }
  }

  // Build.
  llvm::SmallString<256> Work;
  if (!Req.KeepDir.empty()) {
    Work = Req.KeepDir;
    llvm::sys::fs::make_absolute(Work);
    if (std::error_code EC = llvm::sys::fs::create_directories(Work)) {
      llvm::errs() << "custody: error: cannot create '" << Work
                   << "': " << EC.message() << "\n";
      return 2;
    }
  } else if (std::error_code EC =
                 llvm::sys::fs::createUniqueDirectory("custody-trace", Work)) {
    llvm::errs() << "custody: error: cannot create a temporary directory: "
                 << EC.message() << "\n";
    return 2;
  }
  std::string WorkDir(Work);
  auto Cleanup = llvm::make_scope_exit([&] {
    if (Req.KeepDir.empty())
      llvm::sys::fs::remove_directories(WorkDir);
  });
  // The preload library, or the JNI agent.
  std::string Library;
  if (Req.Jni) {
    Library = jniAgentPath();
    if (!llvm::sys::fs::exists(Library)) {
      llvm::errs() << "custody: error: no JNI agent at '" << Library
                   << "' (custody was built without a JDK's jvmti.h)\n";
      return 2;
    }
  } else {
    std::set<std::string> Kinds;
    std::string Generated = generate(Decls.Functions, Set, Includes, Kinds);
    if (!build(WorkDir, Generated, Req, Library))
      return 2;
  }
  std::string OutDir = WorkDir + "/out";
  llvm::sys::fs::remove_directories(OutDir);
  llvm::sys::fs::create_directories(OutDir);

  Sink Out;
  if (!Req.Output.empty() && Req.Output != "-") {
    std::error_code EC;
    Out.File = std::make_unique<llvm::raw_fd_ostream>(Req.Output, EC,
                                                      llvm::sys::fs::OF_Text);
    if (EC) {
      llvm::errs() << "custody: error: cannot write '" << Req.Output
                   << "': " << EC.message() << "\n";
      return 2;
    }
  }

  // Run.
  std::string Preload = Library;
  if (const char *Old = getenv("LD_PRELOAD"))
    if (*Old)
      Preload += std::string(":") + Old;
  // The JVM reads JAVA_TOOL_OPTIONS (after the options of its command
  // line): the agent is added to what is there.
  std::string JavaOptions = "-agentpath:" + Library;
  if (Library.find_first_of(" \t'\"") != std::string::npos)
    JavaOptions = "\"-agentpath:" + Library + "\"";
  if (const char *Old = getenv("JAVA_TOOL_OPTIONS"))
    if (*Old)
      JavaOptions = std::string(Old) + " " + JavaOptions;
  pid_t Child = fork();
  if (Child < 0) {
    llvm::errs() << "custody: error: fork: " << strerror(errno) << "\n";
    return 2;
  }
  if (Child == 0) {
    if (Req.Jni)
      setenv("JAVA_TOOL_OPTIONS", JavaOptions.c_str(), 1);
    else
      setenv("LD_PRELOAD", Preload.c_str(), 1);
    setenv("CUSTODY_TRACE_DIR", OutDir.c_str(), 1);
    setenv("CUSTODY_TRACE_SIGNAL", std::to_string(Req.SignalNumber).c_str(), 1);
    std::vector<char *> CArgs;
    for (std::string &A : Req.Command)
      CArgs.push_back(A.data());
    CArgs.push_back(nullptr);
    execvp(CArgs[0], CArgs.data());
    fprintf(stderr, "custody: error: cannot run '%s': %s\n", CArgs[0],
            strerror(errno));
    _exit(127);
  }
  // Ctrl-C goes to the command; custody stays to report.
  signal(SIGINT, SIG_IGN);
  signal(SIGQUIT, SIG_IGN);

  ReportContext Ctx;
  Ctx.Contracts = &Set;
  Ctx.PreloadPath = Library;
  Ctx.SignalName = Req.Signal;
  Ctx.Findings = Req.FindingsFile.empty() ? nullptr : &Findings;
  std::vector<TraceReport> Reports;
  std::set<std::string> SeenSnapshots;
  auto WriteJson = [&](int Status) {
    if (Req.Format != "json")
      return;
    if (Out.File) {
      // Rewritten after each report, so that a service's file is current.
      std::error_code EC;
      llvm::raw_fd_ostream OS(Req.Output, EC, llvm::sys::fs::OF_Text);
      if (!EC)
        printReportsJson(OS, Reports, Decls.Skipped, TracedNames, Ctx, Status);
    } else if (Status != -1) {
      printReportsJson(llvm::outs(), Reports, Decls.Skipped, TracedNames, Ctx,
                       Status);
    }
  };
  auto TakeSnapshots = [&] {
    for (const std::string &P : dumps(OutDir, "signal-")) {
      if (!SeenSnapshots.insert(P).second)
        continue;
      std::string Err;
      TraceReport R = readReport({P}, Ctx, Err);
      if (!Err.empty()) {
        llvm::errs() << "custody: error: " << Err << "\n";
        continue;
      }
      if (Req.Format == "text") {
        printReportText(Out.os(), R, Ctx);
        Out.os().flush();
      }
      Reports.push_back(std::move(R));
      WriteJson(-1);
    }
  };
  int Status = 0;
  for (;;) {
    pid_t W = waitpid(Child, &Status, WNOHANG);
    if (W == Child)
      break;
    if (W < 0 && errno != EINTR) {
      Status = 0;
      break;
    }
    TakeSnapshots();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  TakeSnapshots();
  signal(SIGINT, SIG_DFL);
  signal(SIGQUIT, SIG_DFL);

  int CommandStatus = 0;
  if (WIFEXITED(Status))
    CommandStatus = WEXITSTATUS(Status);
  else if (WIFSIGNALED(Status))
    CommandStatus = 128 + WTERMSIG(Status);

  std::vector<std::string> Exits = dumps(OutDir, "exit-");
  bool ChildReported = llvm::any_of(Exits, [&](const std::string &P) {
    return llvm::sys::path::filename(P) ==
           "exit-" + std::to_string(Child) + ".raw";
  });
  // The agent reports at VM death, the preload library at exit.
  std::string AtEnd = Req.Jni ? "at VM death" : "at exit";
  if (!ChildReported)
    llvm::errs() << "custody: note: '" << Req.Command[0] << "' ended without "
                 << (Req.Jni ? "a VM death event" : "running its exit handlers")
                 << " ("
                 << (WIFSIGNALED(Status)
                         ? "killed by " + signalName(WTERMSIG(Status))
                         : std::string("_exit, exec or a crash"))
                 << "): no report " << AtEnd
                 << (Req.SignalNumber
                         ? "; send " + Req.Signal + " for one while it runs"
                         : std::string())
                 << "\n";
  unsigned Live = 0;
  if (!Exits.empty()) {
    std::string Err;
    TraceReport R = readReport(Exits, Ctx, Err);
    if (!Err.empty()) {
      llvm::errs() << "custody: error: " << Err << "\n";
      return 2;
    }
    for (const LiveGroup &G : R.Groups)
      Live += G.Count;
    if (Req.Format == "text")
      printReportText(Out.os(), R, Ctx);
    Reports.push_back(std::move(R));
  }
  WriteJson(CommandStatus);
  if (Req.Format == "sarif")
    printReportsSarif(Out.os(), Reports, Ctx);
  Out.os().flush();

  // The summary, on standard error.
  unsigned Groups = Reports.empty() || Reports.back().Event == "signal"
                        ? 0
                        : Reports.back().Groups.size();
  llvm::errs() << "custody: " << Live << " resource" << (Live == 1 ? "" : "s")
               << " live " << AtEnd;
  if (Live)
    llvm::errs() << ", from " << Groups << " acquisition stack"
                 << (Groups == 1 ? "" : "s");
  if (!Req.FindingsFile.empty() && Groups) {
    unsigned Confirmed = 0;
    for (const LiveGroup &G : Reports.back().Groups)
      Confirmed += G.Confirmed;
    llvm::errs() << "; " << Confirmed << " confirm"
                 << (Confirmed == 1 ? "s" : "") << " a static finding, "
                 << Groups - Confirmed << " "
                 << (Groups - Confirmed == 1 ? "is a" : "are")
                 << " contract or analysis gap"
                 << (Groups - Confirmed == 1 ? "" : "s");
  }
  llvm::errs() << "\n";
  if (!Req.FindingsFile.empty()) {
    unsigned NotSeen = 0;
    for (const StaticFinding &F : Findings)
      NotSeen += !F.SiteFile.empty() && !F.Seen;
    if (NotSeen)
      llvm::errs() << "custody: " << NotSeen << " static leak finding"
                   << (NotSeen == 1 ? " was" : "s were")
                   << " not seen at run time (the path did not run, or the "
                      "resource is not traced):\n";
    for (const StaticFinding &F : Findings)
      if (!F.SiteFile.empty() && !F.Seen)
        llvm::errs() << "  " << F.File << ":" << F.Line << ":" << F.Column
                     << ": " << F.Message << " [" << F.Check << "]\n";
  }
  if (CommandStatus != 0) {
    llvm::errs() << "custody: '" << Req.Command[0] << "' "
                 << (WIFSIGNALED(Status)
                         ? "was killed by " + signalName(WTERMSIG(Status))
                         : "exited with " + std::to_string(CommandStatus))
                 << "\n";
    return 3;
  }
  return Live ? 1 : 0;
}
