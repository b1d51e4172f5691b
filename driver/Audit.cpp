//===- Audit.cpp - custody audit: calls no contract describes -------------===//
//
//   custody audit [-p BUILD_DIR] [FILES...] [-- FLAGS] [--format text|json]
//
// Lists every external function the audited files call that returns a
// pointer or a handle, or takes a handle out-parameter, and that nothing
// describes to the analysis: no contract in force, no annotation, no
// non_owning prefix, no default_returns convention, and no body in any
// audited file or in a header. Those are the calls whose ownership custody
// cannot follow; each is a contract entry to write (docs/audit.md).
//
// Exit codes: 0 nothing listed, 1 functions listed, 2 usage or configuration
// error, 3 a file could not be parsed (the others are still audited).
//
//===----------------------------------------------------------------------===//

#include "Options.h"
#include "TUSession.h"
#include "clang/AST/ASTConsumer.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/Builtins.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Lex/HeaderSearch.h"
#include "clang/Lex/Lexer.h"
#include "clang/Lex/Preprocessor.h"
#include "clang/Tooling/CommonOptionsParser.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/Threading.h"
#include "llvm/Support/raw_ostream.h"
#include <map>
#include <mutex>
#include <set>
#include <tuple>

using namespace clang;
using namespace clang::tooling;
using namespace custody;

namespace {

/// Why a function is ownership-relevant, in order of precedence: the first
/// that applies is the one reported.
enum class Why { ReturnsPointer, ReturnsHandle, HandleOutParam };

llvm::StringRef whyText(Why W) {
  switch (W) {
  case Why::ReturnsPointer:
    return "returns pointer";
  case Why::ReturnsHandle:
    return "returns handle";
  case Why::HandleOutParam:
    return "handle out-parameter";
  }
  return "";
}

struct CallSite {
  std::string File;
  unsigned Line = 0, Column = 0;
  std::string Macro; // The macro the call is written through, if not seen.
  // Ordered by place only: a place is one call.
  bool operator<(const CallSite &O) const {
    return std::tie(File, Line, Column) < std::tie(O.File, O.Line, O.Column);
  }
};

/// What is known of one function with no contract.
struct Missing {
  std::string Library, Header, HeaderPath, Signature;
  Why Reason = Why::ReturnsPointer;
  bool InSourceFile = false; // Declared in an audited file, not a header.
  std::string USR;
  std::set<CallSite> Calls; // A file parsed twice counts its calls once.

  /// The description to keep when TUs disagree (different include paths):
  /// the smallest, so that the output does not depend on -j.
  auto key() const {
    return std::tie(Library, Header, HeaderPath, Signature, Reason);
  }
};

struct AuditResults {
  std::mutex Mu;
  std::map<std::string, Missing> Functions; // By qualified name.
  llvm::StringSet<> Defined; // Externally visible functions with a body.
  std::vector<std::string> ConfigErrors;
  std::vector<std::string> Failed;
};

/// A typedef name that says "handle": lowercased, without a trailing "_t",
/// it ends in "handle", "hdl", "hnd", "fd", "socket" or "sock"
/// (nx_handle_t, HANDLE, curl_socket_t, SOCKET, event_fd).
bool handleLikeName(llvm::StringRef Name) {
  std::string Lower = Name.lower();
  llvm::StringRef N(Lower);
  N.consume_back("_t");
  for (llvm::StringRef Suffix :
       {"handle", "hdl", "hnd", "fd", "socket", "sock"})
    if (N.ends_with(Suffix))
      return true;
  return false;
}

bool isFunctionPointer(QualType T) {
  if (const auto *P = T->getAs<PointerType>())
    return P->getPointeeType()->isFunctionType();
  return T->isBlockPointerType() || T->isMemberFunctionPointerType();
}

bool isPlainPointer(QualType T) {
  return T->isAnyPointerType() && !isFunctionPointer(T);
}

/// A struct of function pointers (and reserved slots): JNI's
/// JNINativeInterface_ and JNIInvokeInterface_, an SDK's vtable.
bool isFunctionTable(QualType T) {
  const RecordDecl *RD = T->getAsRecordDecl();
  if (!RD || !(RD = RD->getDefinition()))
    return false;
  bool AnyFunction = false;
  for (const FieldDecl *F : RD->fields()) {
    QualType FT = F->getType().getCanonicalType();
    if (!FT->isPointerType())
      return false;
    if (FT->getPointeeType()->isFunctionType())
      AnyFunction = true;
    else if (!FT->getPointeeType()->isVoidType())
      return false;
  }
  return AnyFunction;
}

/// A handle type: a typedef of a data pointer, or of an integer whose name
/// looks like a handle. The outermost typedef name written decides. A
/// pointer to a function table (JNIEnv, JavaVM) is an interface, not a
/// handle someone releases.
bool isHandleType(QualType T) {
  const auto *TT = T->getAs<TypedefType>();
  if (!TT)
    return false;
  QualType Canon = T.getCanonicalType();
  if (isPlainPointer(Canon))
    return !isFunctionTable(Canon->getPointeeType());
  if (Canon->isIntegerType() && !Canon->isBooleanType() &&
      !Canon->isEnumeralType() && !Canon->isAnyCharacterType())
    for (const TypedefType *Cur = TT; Cur;
         Cur = Cur->desugar()->getAs<TypedefType>())
      if (handleLikeName(Cur->getDecl()->getName()))
        return true;
  return false;
}

/// A parameter through which the function hands out a handle: `T **` where
/// neither T nor the pointer pointed to is const and T is neither a
/// character type nor a function type (`struct x **`, `void **`), or a
/// pointer to a handle type (`nx_handle_t *`, `HANDLE *`). `const T **` is
/// left out: it is an input array (`const git_commit **parents`) or hands
/// out a borrowed pointer.
bool isHandleOutParam(QualType T) {
  const auto *P = T->getAs<PointerType>();
  if (!P)
    return false;
  QualType Pointee = P->getPointeeType();
  if (Pointee.getCanonicalType().isConstQualified())
    return false;
  if (isHandleType(Pointee))
    return true;
  const auto *PP = Pointee->getAs<PointerType>();
  if (!PP)
    return false;
  QualType Inner = PP->getPointeeType();
  // 'JNIEnv **': the interface a call fills in, not a handle.
  if (Inner->isPointerType() && isFunctionTable(Inner->getPointeeType()))
    return false;
  return !Inner.getCanonicalType().isConstQualified() &&
         !Inner->isFunctionType() && !Inner->isAnyCharacterType();
}

std::optional<Why> relevance(const FunctionDecl *FD) {
  QualType Ret = FD->getReturnType();
  if (isHandleType(Ret))
    return Why::ReturnsHandle;
  if (isPlainPointer(Ret.getCanonicalType()))
    return Why::ReturnsPointer;
  for (const ParmVarDecl *P : FD->parameters())
    if (isHandleOutParam(P->getType()))
      return Why::HandleOutParam;
  return std::nullopt;
}

std::string signatureOf(const FunctionDecl *FD, const PrintingPolicy &Policy) {
  std::string Params;
  llvm::raw_string_ostream PS(Params);
  const auto *Proto = FD->getType()->getAs<FunctionProtoType>();
  for (unsigned I = 0; I < FD->getNumParams(); ++I) {
    if (I)
      PS << ", ";
    const ParmVarDecl *P = FD->getParamDecl(I);
    P->getType().print(PS, Policy, P->getName());
  }
  if (Proto && Proto->isVariadic())
    PS << (FD->getNumParams() ? ", ..." : "...");
  else if (Proto && FD->getNumParams() == 0 &&
           !FD->getASTContext().getLangOpts().CPlusPlus)
    PS << "void";
  std::string Sig;
  llvm::raw_string_ostream SS(Sig);
  FD->getReturnType().print(
      SS, Policy, FD->getQualifiedNameAsString() + "(" + PS.str() + ")");
  return SS.str();
}

/// The C and POSIX headers glibc and the other C libraries provide: their
/// functions are grouped under "libc", as in the built-in contract.
bool isLibcHeader(llvm::StringRef Header) {
  static const llvm::StringSet<> Names = {
      "alloca.h",  "assert.h",   "complex.h",  "ctype.h",     "dirent.h",
      "dlfcn.h",   "err.h",      "errno.h",    "fcntl.h",     "fenv.h",
      "fnmatch.h", "ftw.h",      "getopt.h",   "glob.h",      "grp.h",
      "iconv.h",   "ifaddrs.h",  "inttypes.h", "langinfo.h",  "libgen.h",
      "libintl.h", "locale.h",   "malloc.h",   "math.h",      "mntent.h",
      "netdb.h",   "nl_types.h", "poll.h",     "pthread.h",   "pwd.h",
      "regex.h",   "sched.h",    "search.h",   "semaphore.h", "setjmp.h",
      "signal.h",  "spawn.h",    "stdio.h",    "stdlib.h",    "string.h",
      "strings.h", "syslog.h",   "termios.h",  "threads.h",   "time.h",
      "uchar.h",   "unistd.h",   "utime.h",    "utmp.h",      "wchar.h",
      "wctype.h",  "wordexp.h",  "stdint.h",   "stddef.h",    "stdarg.h"};
  if (Names.count(Header))
    return true;
  for (llvm::StringRef Dir : {"sys/", "bits/", "netinet/", "arpa/", "net/"})
    if (Header.starts_with(Dir))
      return true;
  return false;
}

/// The library a header belongs to: the first directory of its include path
/// (openssl/evp.h: openssl, curl/easy.h: curl); for a header at the top of
/// a system include directory, its name without the extension (sqlite3.h:
/// sqlite3), or libc for the C library's; "project" for the project's own
/// headers at the top of an include directory or not found through one.
std::string libraryOf(llvm::StringRef Header, bool System) {
  if (System && isLibcHeader(Header))
    return "libc";
  if (llvm::sys::path::is_absolute(Header) || Header.starts_with(".."))
    return System ? llvm::sys::path::stem(Header).str() : "project";
  size_t Slash = Header.find('/');
  if (Slash != llvm::StringRef::npos)
    return Header.take_front(Slash).str();
  return System ? llvm::sys::path::stem(Header).str() : "project";
}

class AuditVisitor : public RecursiveASTVisitor<AuditVisitor> {
public:
  AuditVisitor(ASTContext &Ctx, const HeaderSearch &HS, CalleeContracts &CC)
      : Ctx(Ctx), SM(Ctx.getSourceManager()), HS(HS), CC(CC),
        Policy(Ctx.getLangOpts()) {
    Policy.SuppressScope = false;
    if (OptionalFileEntryRef Main = SM.getFileEntryRefForID(SM.getMainFileID()))
      MainFile = Main->getName().str();
  }

  std::map<std::string, Missing> Functions;
  std::set<std::string> Defined;

  // Only the main file's declarations are walked: calls in headers (inline
  // functions, macros of system headers) are not the project's.
  bool TraverseDecl(Decl *D) {
    return outsideMainFile(SM, D) || RecursiveASTVisitor::TraverseDecl(D);
  }

  bool VisitFunctionDecl(FunctionDecl *FD) {
    if (FD->doesThisDeclarationHaveABody() && FD->isExternallyVisible() &&
        !isa<CXXMethodDecl>(FD))
      Defined.insert(FD->getQualifiedNameAsString());
    return true;
  }

  bool VisitCallExpr(CallExpr *CE) {
    if (isa<CXXOperatorCallExpr, CXXMemberCallExpr, CUDAKernelCallExpr>(CE))
      return true;
    const FunctionDecl *FD = CE->getDirectCallee();
    if (!FD || isa<CXXMethodDecl>(FD) || FD->isOverloadedOperator() ||
        !FD->getIdentifier())
      return true;
    if (unsigned ID = FD->getBuiltinID())
      if (!Ctx.BuiltinInfo.isPredefinedLibFunction(ID))
        return true;
    if (FD->getName().starts_with("__builtin_"))
      return true;
    // A body in this translation unit (the main file's, or an inline
    // function of a project header): the analysis summarizes it. Bodies in
    // system headers are not summarized (engine/FunctionAnalysis.h), so
    // those functions are as unknown to it as external ones.
    const FunctionDecl *Def = nullptr;
    if (FD->hasBody(Def) && Def && !SM.isInSystemHeader(Def->getLocation()))
      return true;
    SourceLocation Loc = CE->getBeginLoc();
    if (Loc.isInvalid())
      return true;
    SourceLocation Exp = SM.getExpansionLoc(Loc);
    if (!SM.isWrittenInMainFile(Exp))
      return true;
    // A call a system header's macro makes where the project uses it
    // (OPENSSL_strdup is CRYPTO_strdup(...), sk_X509_pop calls
    // OPENSSL_sk_pop) is one the analysis sees, so it counts; but not the
    // macro's plumbing: the implementation's reserved names
    // (__errno_location for errno) and inline helpers of the header.
    if (SM.isInSystemMacro(Loc) &&
        (FD->getName().starts_with("_") || FD->hasBody()))
      return true;
    std::optional<Why> W = relevance(FD);
    if (!W || !CC.describedBy(FD).empty())
      return true;
    PresumedLoc PL = SM.getPresumedLoc(Exp);
    if (PL.isInvalid())
      return true;

    std::string Name = FD->getQualifiedNameAsString();
    auto [It, New] = Functions.try_emplace(Name);
    Missing &M = It->second;
    if (New) {
      M.Reason = *W;
      describeHeader(FD, M);
      M.Signature = signatureOf(FD->getFirstDecl(), Policy);
      M.USR = usrOf(FD->getCanonicalDecl());
    }
    M.Calls.insert(
        {PL.getFilename(), PL.getLine(), PL.getColumn(), viaMacro(Loc)});
    return true;
  }

private:
  /// The outermost macro a call comes from, when the call is not written
  /// in the main file (sk_X509_pop for its OPENSSL_sk_pop); else empty.
  std::string viaMacro(SourceLocation Loc) const {
    if (!Loc.isMacroID() || SM.isWrittenInMainFile(SM.getSpellingLoc(Loc)))
      return "";
    llvm::StringRef Name;
    while (Loc.isMacroID()) {
      Name = Lexer::getImmediateMacroName(Loc, SM, Ctx.getLangOpts());
      Loc = SM.getImmediateMacroCallerLoc(Loc);
    }
    return Name.str();
  }

  void describeHeader(const FunctionDecl *FD, Missing &M) {
    SourceLocation DeclLoc =
        SM.getExpansionLoc(FD->getFirstDecl()->getLocation());
    FileID FID = SM.getFileID(DeclLoc);
    OptionalFileEntryRef File = SM.getFileEntryRefForID(FID);
    if (!File || FID == SM.getMainFileID()) {
      // Declared in the audited file itself (or implicitly, in C89).
      PresumedLoc PL = SM.getPresumedLoc(DeclLoc);
      M.Header = PL.isValid() ? PL.getFilename() : "<implicit>";
      M.HeaderPath = M.Header;
      M.Library = "project";
      M.InSourceFile = true;
      return;
    }
    bool System = SM.isInSystemHeader(DeclLoc);
    M.Header = HS.suggestPathToFileForDiagnostics(*File, MainFile);
    llvm::SmallString<256> Real;
    if (SM.getFileManager().getVirtualFileSystem().getRealPath(File->getName(),
                                                               Real))
      Real = File->getName();
    M.HeaderPath = std::string(Real);
    if (llvm::sys::path::is_absolute(M.Header) && !System) {
      // Found through no include directory: relative to the working
      // directory when it is under it.
      llvm::SmallString<256> Cwd;
      if (!llvm::sys::fs::current_path(Cwd)) {
        llvm::StringRef H(M.Header);
        if (H.consume_front(Cwd) && H.consume_front("/"))
          M.Header = H.str();
      }
    }
    M.Library = libraryOf(M.Header, System);
  }

  ASTContext &Ctx;
  const SourceManager &SM;
  const HeaderSearch &HS;
  CalleeContracts &CC;
  PrintingPolicy Policy;
  std::string MainFile;
};

class AuditConsumer : public ASTConsumer {
public:
  AuditConsumer(const SessionConfig &Config, AuditResults &Out,
                const Preprocessor &PP, std::shared_ptr<AttributeMacros> Macros)
      : Config(Config), Out(Out), PP(PP), Macros(std::move(Macros)) {}

  void HandleTranslationUnit(ASTContext &Ctx) override {
    // Functions annotated through the CPython checker's macros are described.
    Macros->apply(Ctx);
    std::vector<ContractError> Errors;
    std::shared_ptr<ContractSet> Set = contractsInForce(Ctx, Config, Errors);
    if (!Set) {
      std::lock_guard<std::mutex> Lock(Out.Mu);
      for (const ContractError &E : Errors)
        Out.ConfigErrors.push_back(E.str());
      return;
    }
    CalleeContracts CC(Ctx, *Set);
    AuditVisitor V(Ctx, PP.getHeaderSearchInfo(), CC);
    V.TraverseDecl(Ctx.getTranslationUnitDecl());

    std::lock_guard<std::mutex> Lock(Out.Mu);
    for (const std::string &D : V.Defined)
      Out.Defined.insert(D);
    for (auto &[Name, M] : V.Functions) {
      auto [It, New] = Out.Functions.try_emplace(Name, M);
      if (New)
        continue;
      Missing &Have = It->second;
      Have.Calls.insert(M.Calls.begin(), M.Calls.end());
      if (M.key() < Have.key()) {
        std::set<CallSite> Calls = std::move(Have.Calls);
        Have = std::move(M);
        Have.Calls = std::move(Calls);
      }
    }
  }

private:
  const SessionConfig &Config;
  AuditResults &Out;
  const Preprocessor &PP;
  std::shared_ptr<AttributeMacros> Macros;
};

class AuditAction : public ASTFrontendAction {
public:
  AuditAction(const SessionConfig &Config, AuditResults &Out)
      : Config(Config), Out(Out) {}
  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &CI,
                                                 llvm::StringRef) override {
    auto Macros = std::make_shared<AttributeMacros>();
    CI.getPreprocessor().addPPCallbacks(
        Macros->callbacks(CI.getSourceManager()));
    return std::make_unique<AuditConsumer>(Config, Out, CI.getPreprocessor(),
                                           std::move(Macros));
  }

private:
  const SessionConfig &Config;
  AuditResults &Out;
};

class AuditActionFactory : public FrontendActionFactory {
public:
  AuditActionFactory(const SessionConfig &Config, AuditResults &Out)
      : Config(Config), Out(Out) {}
  std::unique_ptr<FrontendAction> create() override {
    return std::make_unique<AuditAction>(Config, Out);
  }

private:
  const SessionConfig &Config;
  AuditResults &Out;
};

/// The report, grouped: libraries, their headers, their functions, each
/// level by calls (most first), then name.
struct FunctionEntry {
  std::string Name;
  const Missing *M;
};
struct HeaderGroup {
  std::string Header, Path;
  bool InSourceFile = false;
  size_t Calls = 0;
  std::vector<FunctionEntry> Functions;
};
struct LibraryGroup {
  std::string Library;
  size_t Calls = 0, NumFunctions = 0;
  std::vector<HeaderGroup> Headers;
};

std::vector<LibraryGroup>
groupReport(const std::map<std::string, Missing> &Functions) {
  std::map<std::string, std::map<std::string, HeaderGroup>> ByLib;
  for (const auto &[Name, M] : Functions) {
    HeaderGroup &H = ByLib[M.Library][M.Header];
    H.Header = M.Header;
    if (H.Path.empty() || M.HeaderPath < H.Path)
      H.Path = M.HeaderPath;
    H.Calls += M.Calls.size();
    H.InSourceFile = M.InSourceFile;
    H.Functions.push_back({Name, &M});
  }
  std::vector<LibraryGroup> Libs;
  for (auto &[Lib, Headers] : ByLib) {
    LibraryGroup L;
    L.Library = Lib;
    for (auto &[Name, H] : Headers) {
      std::sort(H.Functions.begin(), H.Functions.end(),
                [](const FunctionEntry &A, const FunctionEntry &B) {
                  return std::make_tuple(-(long)A.M->Calls.size(), A.Name) <
                         std::make_tuple(-(long)B.M->Calls.size(), B.Name);
                });
      L.Calls += H.Calls;
      L.NumFunctions += H.Functions.size();
      L.Headers.push_back(std::move(H));
    }
    std::sort(L.Headers.begin(), L.Headers.end(),
              [](const HeaderGroup &A, const HeaderGroup &B) {
                return std::make_tuple(-(long)A.Calls, A.Header) <
                       std::make_tuple(-(long)B.Calls, B.Header);
              });
    Libs.push_back(std::move(L));
  }
  std::sort(Libs.begin(), Libs.end(),
            [](const LibraryGroup &A, const LibraryGroup &B) {
              return std::make_tuple(-(long)A.Calls, A.Library) <
                     std::make_tuple(-(long)B.Calls, B.Library);
            });
  return Libs;
}

std::string plural(size_t N, llvm::StringRef One, llvm::StringRef Many) {
  return std::to_string(N) + " " + (N == 1 ? One : Many).str();
}

void printText(llvm::raw_ostream &OS, const std::vector<LibraryGroup> &Libs,
               size_t NumFunctions, size_t NumCalls) {
  for (const LibraryGroup &L : Libs) {
    OS << L.Library << ": " << plural(L.NumFunctions, "function", "functions")
       << ", " << plural(L.Calls, "call", "calls") << "\n";
    for (const HeaderGroup &H : L.Headers) {
      OS << "  " << H.Header << "\n";
      for (const FunctionEntry &F : H.Functions) {
        const CallSite &First = *F.M->Calls.begin();
        OS << "    " << F.Name << ": "
           << plural(F.M->Calls.size(), "call", "calls") << ", "
           << whyText(F.M->Reason) << "; first at " << First.File << ":"
           << First.Line << ":" << First.Column;
        if (!First.Macro.empty())
          OS << " (in " << First.Macro << ")";
        OS << "\n";
        OS << "      " << F.M->Signature << "\n";
      }
    }
    OS << "\n";
  }
  OS << plural(NumFunctions, "function", "functions") << " without a contract, "
     << "called " << plural(NumCalls, "time", "times") << ", in "
     << plural(Libs.size(), "library", "libraries") << ".\n";
  // The header with the most calls of the biggest library that has one
  // (functions declared in the audited files themselves have none).
  for (const LibraryGroup &L : Libs)
    for (const HeaderGroup &H : L.Headers)
      if (!H.InSourceFile) {
        OS << "Next: draft a contract for " << L.Library
           << " with 'custody contracts suggest " << H.Path << "'.\n";
        return;
      }
}

void printJSON(llvm::raw_ostream &OS, const std::vector<LibraryGroup> &Libs,
               size_t NumFunctions, size_t NumCalls) {
  llvm::json::Array LibArr;
  for (const LibraryGroup &L : Libs) {
    llvm::json::Array HeaderArr;
    for (const HeaderGroup &H : L.Headers) {
      llvm::json::Array FnArr;
      for (const FunctionEntry &F : H.Functions) {
        const CallSite &First = *F.M->Calls.begin();
        llvm::json::Object FirstCall{{"file", First.File},
                                     {"line", First.Line},
                                     {"column", First.Column}};
        if (!First.Macro.empty())
          FirstCall["macro"] = First.Macro;
        FnArr.push_back(
            llvm::json::Object{{"name", F.Name},
                               {"calls", int64_t(F.M->Calls.size())},
                               {"first_call", std::move(FirstCall)},
                               {"why", whyText(F.M->Reason)},
                               {"signature", F.M->Signature}});
      }
      HeaderArr.push_back(llvm::json::Object{{"header", H.Header},
                                             {"path", H.Path},
                                             {"calls", int64_t(H.Calls)},
                                             {"functions", std::move(FnArr)}});
    }
    LibArr.push_back(llvm::json::Object{{"library", L.Library},
                                        {"calls", int64_t(L.Calls)},
                                        {"headers", std::move(HeaderArr)}});
  }
  llvm::json::Object Summary{{"functions", int64_t(NumFunctions)},
                             {"calls", int64_t(NumCalls)},
                             {"libraries", int64_t(Libs.size())}};
  OS << llvm::formatv("{0:2}", llvm::json::Value(llvm::json::Object{
                                   {"libraries", std::move(LibArr)},
                                   {"summary", std::move(Summary)}}))
     << "\n";
}

} // namespace

int custody::auditMain(int argc, const char **argv) {
  // The check command's own options mean nothing here: say so rather than
  // ignore them.
  static const char *const CheckOnly[] = {
      "checks",      "baseline",    "write-baseline",  "diff-base",
      "shard",       "list-checks", "allow-no-checks", "sarif-output",
      "json-output", "docs-url",    "source-root"};
  std::vector<const char *> Args(argv, argv + argc);
  Args[0] = "custody audit";
  int ArgCount = int(Args.size());
  if (!checkBuildDir(ArgCount, Args.data()))
    return 2;
  useCategory(AuditCategory);
  llvm::cl::extrahelp ExitCodes(
      "\nExit codes: 0 every function called is described, 1 some are "
      "listed, 2 usage or configuration error, 3 a file could not be "
      "parsed.\n");
  auto Parser = CommonOptionsParser::create(
      ArgCount, Args.data(), AuditCategory, llvm::cl::ZeroOrMore,
      "custody audit: the external functions called in these files that "
      "return a pointer or a handle, or take a handle out-parameter, and that "
      "no contract describes.\n");
  if (!Parser) {
    llvm::errs() << llvm::toString(Parser.takeError());
    return 2;
  }
  // A StringMap before LLVM 22, a DenseMap keyed by StringRef after.
  auto &Registered = llvm::cl::getRegisteredOptions();
  for (const char *Name : CheckOnly) {
    auto It = Registered.find(llvm::StringRef(Name));
    if (It != Registered.end() && It->second->getNumOccurrences()) {
      llvm::errs() << "custody: error: --" << Name
                   << " is an option of the check command, not of 'custody "
                      "audit'\n";
      return 2;
    }
  }
  if (Format != "text" && Format != "json") {
    llvm::errs() << "custody: error: unknown --format '" << Format
                 << "' for 'custody audit' (expected text or json)\n";
    return 2;
  }

  std::vector<std::string> Files;
  std::unique_ptr<CompilationDatabase> WholeDB;
  if (!inputFiles(argc, argv, *Parser, Files, WholeDB))
    return 2;
  const CompilationDatabase &DB =
      WholeDB ? *WholeDB : Parser->getCompilations();

  std::optional<SessionConfig> Config = sessionConfigFromOptions();
  if (!Config)
    return 2;

  AuditResults Out;
  AuditActionFactory Factory(*Config, Out);
  Out.Failed = parseFiles(DB, Files, Factory);

  if (reportConfigErrors(Out.ConfigErrors))
    return 2;

  // A function defined in any audited file is known to the others by its
  // summary (custody -p): not missing, unless the summary store custody -p
  // made says its analysis found nothing callers can rely on.
  std::shared_ptr<const SummaryIndex> Store;
  std::string BuildDir = buildDirOption(argc, argv);
  if (!BuildDir.empty()) {
    llvm::SmallString<256> Dir(BuildDir);
    llvm::sys::path::append(Dir, ".custody", "summaries");
    unsigned Stale = 0;
    std::string Error;
    if (llvm::sys::fs::is_directory(Dir))
      Store = loadStore(Dir, Stale, Error);
  }
  for (auto It = Out.Functions.begin(); It != Out.Functions.end();) {
    const StoredSummary *S = Store ? Store->lookup(It->second.USR) : nullptr;
    bool Known = Store ? S && S->Contract : Out.Defined.contains(It->first);
    if (Known)
      It = Out.Functions.erase(It);
    else
      ++It;
  }
  size_t NumCalls = 0;
  for (const auto &[Name, M] : Out.Functions)
    NumCalls += M.Calls.size();
  std::vector<LibraryGroup> Libs = groupReport(Out.Functions);

  std::unique_ptr<llvm::raw_fd_ostream> FileOS;
  if (!OutputFile.empty()) {
    std::error_code EC;
    FileOS = std::make_unique<llvm::raw_fd_ostream>(OutputFile, EC);
    if (EC) {
      llvm::errs() << "custody: error: cannot write '" << OutputFile
                   << "': " << EC.message() << "\n";
      return 2;
    }
  }
  llvm::raw_ostream &OS = FileOS ? *FileOS : llvm::outs();
  if (Format == "json")
    printJSON(OS, Libs, Out.Functions.size(), NumCalls);
  else
    printText(OS, Libs, Out.Functions.size(), NumCalls);
  OS.flush();

  for (const std::string &F : Out.Failed)
    llvm::errs() << "custody: error: '" << F
                 << "' could not be parsed; its calls may be missing from the "
                    "audit\n";
  if (!Out.Failed.empty())
    return 3;
  return Out.Functions.empty() ? 0 : 1;
}
