//===- ExportContracts.cpp - custody contracts export ---------------------===//
//
// `custody contracts export -p BUILD`: what the whole program's summaries
// (engine/SummaryStore.h) tell callers of a library's public functions,
// written as a contract in the YAML of docs/contracts.md for a team to
// review and commit. With --check CONTRACT.yaml it writes nothing and
// compares the summaries with a committed contract instead: a gate for an
// SDK's own repository (docs/export.md).
//
// One model serves both: for each function, the entry that says what its
// summary tells callers (Entry::Want). Export writes it; --check compares it
// with the contract's entry on the points where the summary is definite (an
// argument the summary knows nothing of, or a result it does not follow, is
// no disagreement). Export loads what it wrote and compares it so before
// writing: checking an exported contract against the same store finds
// nothing.
//
//===----------------------------------------------------------------------===//

#include "ContractLoader.h"
#include "Options.h"
#include "SummaryStore.h"
#include "WholeProgram.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/GlobPattern.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include <functional>
#include <map>
#include <set>
#include <tuple>

using namespace custody;
using llvm::StringRef;

namespace {

struct Request {
  std::string BuildDir, StoreDir, Output, Check, Library;
  std::vector<std::string> Globs, Headers, ContractFiles;
  bool Builtins = true;
  std::string CommandLine; // For the generated file's first line.
};

const char Usage[] =
    "usage: custody contracts export -p BUILD [--summary-store DIR] "
    "[--functions GLOB]... [--header H]... [--library NAME] "
    "[--contracts FILE]... [-o OUT.yaml | --check CONTRACT.yaml]\n";

void help() {
  llvm::outs() << Usage << R"(
Writes what custody's analysis of the whole program says of its functions
(the summaries 'custody -p BUILD' keeps) as a contract to review and commit,
or, with --check, compares them with a contract. docs/export.md describes it.

  -p BUILD               the build directory 'custody -p BUILD' analyzed
  --summary-store DIR    the store it kept (default: BUILD/.custody/summaries)
  --functions GLOB       the functions whose name matches GLOB (repeatable)
  --header H             the functions declared in header H (repeatable);
                         the contract then applies to files that include it
  --library NAME         the contract's 'library:' (default: the first
                         header's stem, else the project directory's name)
  --contracts FILE       a contract the exported one is loaded with: its
                         resources are not defined again, its functions not
                         exported (repeatable; the built-in ones always)
  --no-builtin-contracts the summaries were made without the built-in ones
  -o OUT.yaml            write the contract to OUT.yaml (default: standard
                         output)
  --check CONTRACT.yaml  write nothing: report where CONTRACT.yaml and the
                         code disagree, as warnings [contract-drift]
  --help                 print this help

Without --functions or --header, every function of the store is selected;
with both, those either selects.

Exit codes: 0 written, or no disagreement; 1 disagreements (--check); 2
usage error, no store, a contract that does not load, an output file that
cannot be written.
)";
}

int usageError(const llvm::Twine &Message) {
  llvm::errs() << "custody: error: " << Message << "\n" << Usage;
  return 2;
}

//===----------------------------------------------------------------------===//
// The functions a header declares
//===----------------------------------------------------------------------===//

bool isIdent(char C) { return llvm::isAlnum(C) || C == '_'; }

/// Text with its comments, the contents of its string and character
/// literals and its preprocessor lines blanked out (newlines kept).
std::string stripC(StringRef Text) {
  std::string Out;
  Out.reserve(Text.size());
  bool LineStart = true;
  size_t N = Text.size();
  for (size_t I = 0; I < N;) {
    char C = Text[I];
    if (LineStart && C == '#') {
      // A directive, with its continuation lines.
      while (I < N && Text[I] != '\n')
        I += Text[I] == '\\' && I + 1 < N ? 2 : 1;
      continue;
    }
    if (C == '/' && I + 1 < N && Text[I + 1] == '/') {
      while (I < N && Text[I] != '\n')
        ++I;
      continue;
    }
    if (C == '/' && I + 1 < N && Text[I + 1] == '*') {
      size_t End = Text.find("*/", I + 2);
      End = End == StringRef::npos ? N : End + 2;
      Out += ' ';
      Out.append(Text.slice(I, End).count('\n'), '\n');
      I = End;
      continue;
    }
    if (C == '"' || C == '\'') {
      Out += C;
      for (++I; I < N && Text[I] != C && Text[I] != '\n'; ++I)
        if (Text[I] == '\\')
          ++I;
      Out += C;
      if (I < N && Text[I] == C)
        ++I;
      LineStart = false;
      continue;
    }
    Out += C;
    if (C == '\n')
      LineStart = true;
    else if (!llvm::isSpace(C))
      LineStart = false;
    ++I;
  }
  return Out;
}

/// Whether an identifier followed by '(' may be a function's name: not a
/// keyword, not a compiler extension (__attribute__), not a macro (no lower
/// case letter: DEPRECATED("...")).
bool mayBeFunctionName(StringRef Name) {
  static const char *const Keywords[] = {
      "_Alignas", "_Atomic",  "_Bool",    "_Noreturn", "_Static_assert",
      "alignas",  "auto",     "char",     "const",     "decltype",
      "double",   "enum",     "extern",   "float",     "if",
      "inline",   "int",      "long",     "noexcept",  "operator",
      "register", "restrict", "return",   "short",     "signed",
      "sizeof",   "static",   "struct",   "switch",    "throw",
      "typeof",   "union",    "unsigned", "void",      "volatile",
      "while"};
  if (Name.starts_with("__") || llvm::none_of(Name, llvm::isLower))
    return false;
  return llvm::none_of(Keywords, [&](const char *K) { return Name == K; });
}

/// The names a declaration (the text before its ';') declares as
/// functions: each identifier followed by '(' outside parentheses.
void addDeclared(StringRef Decl, std::set<std::string> &Names) {
  Decl = Decl.trim();
  // A typedef names a type, even a function's.
  if (Decl.starts_with("typedef") && (Decl.size() == 7 || !isIdent(Decl[7])))
    return;
  unsigned Parens = 0;
  for (size_t I = 0; I < Decl.size();) {
    char C = Decl[I];
    if (!isIdent(C)) {
      Parens += C == '(';
      Parens -= C == ')' && Parens;
      ++I;
      continue;
    }
    size_t B = I;
    while (I < Decl.size() && isIdent(Decl[I]))
      ++I;
    StringRef Name = Decl.slice(B, I);
    size_t J = I;
    while (J < Decl.size() && llvm::isSpace(Decl[J]))
      ++J;
    if (!Parens && J < Decl.size() && Decl[J] == '(' &&
        !llvm::isDigit(Name[0]) && mayBeFunctionName(Name))
      Names.insert(Name.str());
  }
}

/// The functions a C header declares: a name followed by '(' in a
/// declaration that ends with ';', at file scope or in an `extern "C"`
/// block. Text only: conditional compilation is not followed, and a
/// declaration a macro makes is not seen.
std::set<std::string> declaredFunctions(StringRef Text) {
  std::string Clean = stripC(Text);
  std::set<std::string> Names;
  std::string Cur; // The declaration being read, at file scope.
  struct Block {
    bool Transparent; // extern "C" { ... }
    bool Body;        // A function's body: what preceded it is done.
  };
  std::vector<Block> Blocks;
  unsigned Depth = 0; // Blocks that are not transparent.
  for (char C : Clean) {
    if (C == '{') {
      StringRef Before = StringRef(Cur).rtrim();
      bool Transparent = !Depth && Before.ends_with("extern \"\"");
      Blocks.push_back({Transparent, !Depth && Before.ends_with(")")});
      if (Transparent)
        Cur.clear();
      else
        ++Depth;
      continue;
    }
    if (C == '}') {
      if (Blocks.empty())
        continue;
      Block B = Blocks.back();
      Blocks.pop_back();
      if (!B.Transparent && --Depth)
        continue;
      if (B.Transparent || B.Body)
        Cur.clear();
      continue;
    }
    if (Depth)
      continue;
    if (C == ';') {
      addDeclared(Cur, Names);
      Cur.clear();
      continue;
    }
    Cur += C;
  }
  return Names;
}

//===----------------------------------------------------------------------===//
// What a summary tells callers, as a contract entry
//===----------------------------------------------------------------------===//

/// One selected function: the entry export writes for it, or why it has
/// none (then a comment).
struct Entry {
  std::string Name;
  const StoredSummary *S = nullptr; // Null: declared in a header only.
  std::string Skip;                 // Why it has no entry.
  FunctionContract Want;
  std::string LockName; // The lock Want.Lock is about.
  std::vector<std::string> Comments;
};

const char *whenText(When W) {
  return W == When::OnSuccess   ? "success"
         : W == When::OnFailure ? "failure"
                                : "always";
}

const char *lockText(LockEffect E) {
  static const char *const Names[] = {"needs",   "free",           "check",
                                      "ensure",  "ensure_release", "save",
                                      "restore", "acquire",        "release"};
  return Names[unsigned(E)];
}

std::string quoted(StringRef S) { return "'" + S.str() + "'"; }

/// What the summary of S tells callers, as the entry a contract would need
/// to tell them the same, and what it says that no key of the format can.
void makeWant(const StoredSummary &S, Entry &E) {
  FunctionContract &W = E.Want;
  W.Name = E.Name;
  const FunctionContract *C = S.Contract.get();
  unsigned Params = S.Params;
  if (C) {
    W.Returns = C->Returns;
    W.Success = C->Success;
    W.Failure = C->Failure;
    W.VarArgs = C->VarArgs;
    W.Format = C->Format;
    W.Opens = C->Opens;
    W.Closes = C->Closes;
    W.Throws = C->Throws;
    W.ExceptionSafe = C->ExceptionSafe;
    W.ChecksException = C->ChecksException;
    W.MustCheck = C->MustCheck;
    W.CriticalSafe = C->CriticalSafe;
    W.Reserves = C->Reserves;
    W.Interior = C->Interior;
    W.Lock = C->Lock;
    // An entry's silence on an argument means "only used".
    for (const auto &[I, A] : C->Args) {
      if (A.Kind != ArgEffect::Borrows)
        W.Args[I] = A;
      Params = std::max(Params, I + 1);
    }
    for (const FieldStoreEffect &F : C->FieldStores)
      E.Comments.push_back("left out (no key for it): stores an owned " +
                           quoted(F.Resource) + " value in field " +
                           quoted(F.FieldName) + " of argument " +
                           std::to_string(F.Arg) +
                           (F.On == When::OnSuccess   ? " when it succeeds"
                            : F.On == When::OnFailure ? " when it fails"
                                                      : ""));
  }
  // What the summary says nothing of is unknown to callers: it may be kept.
  for (unsigned I = 0; I < Params; ++I)
    if (!C || !C->Args.count(I))
      W.Args[I] = {ArgEffect::Escapes, "", When::Always};
  if (S.Variadic && !W.VarArgs && !W.Format)
    W.VarArgs = ArgEffect{ArgEffect::Escapes, "", When::Always};
  // What callers see of the lock: the effect when every exit agrees, else
  // the need.
  if (S.LockSummary)
    W.Lock = S.LockSummary;
  else if (!S.NeedsLock.empty())
    W.Lock = LockEffect::Needs;
  E.LockName = S.NeedsLock.empty() ? "gil" : S.NeedsLock;
  if (!S.NeedsLock.empty())
    E.Comments.push_back("needs the " + StringRef(S.NeedsLock).upper() +
                         ": it calls " + quoted(S.NeedsLockFn));
  if (!C)
    E.Comments.push_back("nothing else is known of it from its code");
}

/// The entries of the selected functions, by name. Base holds the contracts
/// the exported one is loaded with: the functions they describe are left
/// out.
std::map<std::string, Entry>
makeEntries(const SummaryIndex &Index, const ContractSet &Base,
            const std::function<bool(StringRef)> &Selected,
            const std::map<std::string, std::string> &DeclaredIn) {
  std::map<std::string, std::vector<const StoredSummary *>> ByName;
  for (const auto &It : Index.ByUSR)
    if (Selected(It.second.Name))
      ByName[It.second.Name].push_back(&It.second);
  std::map<std::string, Entry> Out;
  for (auto &[Name, Sums] : ByName) {
    Entry &E = Out[Name];
    E.Name = Name;
    E.S = Sums.front();
    const StoredSummary &S = *E.S;
    if (StringRef(Name).contains("::"))
      E.Skip = "a C++ function: contracts name C functions only";
    else if (Sums.size() > 1)
      E.Skip = "defined " + std::to_string(Sums.size()) +
               " times with different signatures: a contract entry would "
               "name them all";
    else if (Name == "main")
      E.Skip = "the program's entry point: no caller to tell";
    else if (const FunctionContract *FC = Base.lookup(Name))
      E.Skip = "the contract of " + quoted(FC->Library) + " describes it";
    else if (!S.Contract && S.NeedsLock.empty() && !S.LockSummary)
      E.Skip = "nothing known: its code gives callers nothing to rely on";
    else
      makeWant(S, E);
  }
  // Declared by a header, defined nowhere.
  for (const auto &[Name, Header] : DeclaredIn)
    if (!Out.count(Name)) {
      Entry &E = Out[Name];
      E.Name = Name;
      E.Skip = "declared in " + quoted(Header) +
               ", defined in no file of the program";
    }
  return Out;
}

//===----------------------------------------------------------------------===//
// Writing the contract
//===----------------------------------------------------------------------===//

/// S as a YAML scalar: plain when that reads back as the same string.
std::string yamlScalar(StringRef S) {
  static const char *const Special[] = {"true", "false", "null", "yes", "no",
                                        "on",   "off",   "y",    "n",   "~"};
  bool Plain =
      !S.empty() && (llvm::isAlpha(S[0]) || S[0] == '_') &&
      llvm::all_of(S,
                   [](char C) { return isIdent(C) || C == '-' || C == '.'; }) &&
      llvm::none_of(Special,
                    [&](const char *W) { return S.equals_insensitive(W); });
  if (Plain)
    return S.str();
  std::string Out = "\"";
  for (char C : S) {
    if (C == '"' || C == '\\')
      Out += '\\';
    Out += C;
  }
  return Out + "\"";
}

std::string resourceText(StringRef R) {
  return R.empty() ? "any" : yamlScalar(R);
}

std::string argText(const ArgEffect &A) {
  static const char *const Kinds[] = {"acquires", "releases", "consumes",
                                      "borrows",  "keeps",    "retains",
                                      "lends"};
  std::string S =
      std::string("{") + Kinds[A.Kind] + ": " + resourceText(A.Resource);
  if (A.On != When::Always)
    S += std::string(", when: ") + whenText(A.On);
  if (A.SourceArg >= 0)
    S += ", source: " + std::to_string(A.SourceArg);
  if (A.Unless)
    S += ", unless_arg: {" + std::to_string(A.Unless->first) + ": " +
         std::to_string(A.Unless->second) + "}";
  return S + "}";
}

std::string regionText(const RegionEffect &R, bool Opening) {
  std::string S = Opening ? std::string(R.Borrowed ? "{borrowed: " : "{owned: ")
                          : std::string("{resource: ");
  S += yamlScalar(R.Resource);
  if (R.KeyArg >= 0)
    S += ", key: " + std::to_string(R.KeyArg);
  if (Opening && R.On != When::Always)
    S += std::string(", when: ") + whenText(R.On);
  return S + "}";
}

/// The lines of one function's entry, at two spaces of indentation.
void writeEntry(llvm::raw_ostream &OS, const Entry &E) {
  for (const std::string &C : E.Comments)
    OS << "  # " << C << "\n";
  const FunctionContract &W = E.Want;
  std::vector<std::string> Keys;
  if (W.Returns) {
    std::string S = std::string(W.Returns->Owned ? "{owned: " : "{borrowed: ") +
                    yamlScalar(W.Returns->Resource);
    if (W.Returns->NullOnFailure)
      S += ", null_on_failure: true";
    if (W.Returns->SourceArg >= 0)
      S += ", source: " + std::to_string(W.Returns->SourceArg);
    Keys.push_back("returns: " + S + "}");
  }
  if (W.Success)
    Keys.push_back("success: \"" + W.Success->str() + "\"");
  if (W.Failure)
    Keys.push_back("failure: \"" + W.Failure->str() + "\"");
  if (!W.Args.empty()) {
    std::string S = "args:";
    for (const auto &[I, A] : W.Args)
      S += "\n      " + std::to_string(I) + ": " + argText(A);
    Keys.push_back(S);
  }
  if (W.VarArgs)
    Keys.push_back("varargs: " + argText(*W.VarArgs));
  if (W.Format)
    Keys.push_back("format: {arg: " + std::to_string(W.Format->Arg) +
                   ", style: " +
                   (W.Format->Style == FormatStyle::Parse ? "parse" : "build") +
                   ", resource: " + yamlScalar(W.Format->Resource) + "}");
  if (W.Opens)
    Keys.push_back("opens: " + regionText(*W.Opens, true));
  if (W.Closes)
    Keys.push_back("closes: " + regionText(*W.Closes, false));
  if (W.Throws != Throws::Never)
    Keys.push_back(std::string("throws: ") +
                   (W.Throws == Throws::Always ? "always" : "on_failure"));
  if (W.ExceptionSafe)
    Keys.push_back("exception_safe: true");
  if (W.ChecksException)
    Keys.push_back("checks_exception: true");
  if (W.MustCheck)
    Keys.push_back("must_check: true");
  if (W.CriticalSafe)
    Keys.push_back("critical_safe: true");
  if (!W.Reserves.empty())
    Keys.push_back("reserves: " + yamlScalar(W.Reserves));
  if (W.Interior >= 0)
    Keys.push_back("interior: " + std::to_string(W.Interior));
  if (W.Lock)
    Keys.push_back(std::string("lock: ") + lockText(*W.Lock));
  OS << "  " << yamlScalar(E.Name) << ":";
  if (Keys.empty()) {
    OS << " {}\n"; // Only uses its arguments.
    return;
  }
  OS << "\n";
  for (const std::string &K : Keys)
    OS << "    " << K << "\n";
}

/// The resources the entries name.
std::set<std::string> resourcesNamed(const std::map<std::string, Entry> &Es) {
  std::set<std::string> Out;
  auto Add = [&](const std::string &R) {
    if (!R.empty())
      Out.insert(R);
  };
  for (const auto &[Name, E] : Es) {
    if (!E.Skip.empty())
      continue;
    const FunctionContract &W = E.Want;
    if (W.Returns)
      Add(W.Returns->Resource);
    for (const auto &[I, A] : W.Args)
      Add(A.Resource);
    if (W.VarArgs)
      Add(W.VarArgs->Resource);
    if (W.Format)
      Add(W.Format->Resource);
    if (W.Opens)
      Add(W.Opens->Resource);
    if (W.Closes)
      Add(W.Closes->Resource);
    Add(W.Reserves);
  }
  return Out;
}

std::string contractText(const Request &Req,
                         std::map<std::string, Entry> &Entries,
                         const ContractSet &Base) {
  std::string Text;
  llvm::raw_string_ostream OS(Text);
  OS << "# Generated by: " << Req.CommandLine << "\n"
     << "# What custody's analysis of the code tells the callers of these "
        "functions.\n"
     << "# Review it before committing it; --check compares it with the code "
        "again.\n"
     << "version: 1\n"
     << "library: " << yamlScalar(Req.Library) << "\n";
  if (!Req.Headers.empty()) {
    std::vector<std::string> Names;
    for (const std::string &H : Req.Headers) {
      std::string N = yamlScalar(llvm::sys::path::filename(H));
      if (!llvm::is_contained(Names, N))
        Names.push_back(N);
    }
    OS << "headers: [" << llvm::join(Names, ", ") << "]\n";
  }
  // A function's 'lock:' takes effect with a 'lock:' section of its file's
  // own, and a file has one.
  std::string Lock;
  for (auto &[Name, E] : Entries) {
    if (!E.Skip.empty() || !E.Want.Lock)
      continue;
    if (Lock.empty())
      Lock = E.LockName;
    if (E.LockName != Lock) {
      E.Comments.push_back("left out (one lock per file): lock: " +
                           std::string(lockText(*E.Want.Lock)) + " of the " +
                           StringRef(E.LockName).upper());
      E.Want.Lock.reset();
    }
  }
  if (!Lock.empty())
    OS << "lock:\n  name: " << yamlScalar(Lock) << "\n";
  std::vector<std::string> Undefined;
  for (const std::string &R : resourcesNamed(Entries))
    if (!Base.resource(R))
      Undefined.push_back(R);
  if (!Undefined.empty()) {
    OS << "\nresources:\n"
       << "  # Named by the summaries, defined by no contract this one is "
          "loaded with\n"
       << "  # (--contracts): say what each one is.\n";
    for (const std::string &R : Undefined)
      OS << "  " << yamlScalar(R) << ": {description: " << yamlScalar(R)
         << "}\n";
  }
  bool Any = llvm::any_of(
      Entries, [](const auto &It) { return It.second.Skip.empty(); });
  OS << "\nfunctions:" << (Any ? "\n" : " {}\n");
  for (const auto &[Name, E] : Entries) {
    if (E.Skip.empty())
      writeEntry(OS, E);
    else
      OS << "  # " << Name << ": " << E.Skip << "\n";
  }
  return Text;
}

//===----------------------------------------------------------------------===//
// Comparing a summary with a contract
//===----------------------------------------------------------------------===//

std::string returnsText(const ReturnEffect &R) {
  return std::string("returns ") + (R.Owned ? "an owned " : "a borrowed ") +
         quoted(R.Resource) + " value" + (R.NullOnFailure ? " or null" : "");
}

std::string argDesc(const ArgEffect *A, const std::string &What) {
  if (!A)
    return "only uses " + What;
  std::string Value = quoted(A->Resource) + " value";
  std::string Of = A->Resource.empty() ? "" : " (a " + Value + ")";
  std::string S;
  switch (A->Kind) {
  case ArgEffect::Borrows:
    return "only uses " + What;
  case ArgEffect::Acquires:
    S = "stores an owned " + Value + " through " + What;
    break;
  case ArgEffect::Releases:
    S = "releases " + What + Of;
    break;
  case ArgEffect::Consumes:
    S = "takes over " + What + Of;
    break;
  case ArgEffect::Escapes:
    S = "keeps " + What + Of;
    break;
  case ArgEffect::Retains:
    S = "gives the caller a reference of its own to " + What + Of;
    break;
  case ArgEffect::Lends:
    S = "stores a borrowed " + Value + " through " + What;
    break;
  }
  if (A->On == When::OnSuccess)
    S += " when it succeeds";
  else if (A->On == When::OnFailure)
    S += " when it fails";
  return S;
}

/// What a contract's resource is in the code: the resources that the code
/// of its releasers releases. An SDK's handle ('sdk-buffer', released by
/// sdk_buf_free) is heap memory in its own code: no disagreement.
class ResourceMap {
public:
  ResourceMap() = default;
  ResourceMap(const ContractSet &Set, const std::map<std::string, Entry> &Es) {
    for (const auto &RE : Set.Resources)
      for (const std::string &F : RE.second.Releasers) {
        auto EI = Es.find(F);
        const FunctionContract *FC = Set.lookup(F);
        if (EI == Es.end() || !EI->second.Skip.empty() || !FC)
          continue;
        for (const auto &[I, A] : FC->Args) {
          auto WI = EI->second.Want.Args.find(I);
          if (A.Kind == ArgEffect::Releases &&
              (A.Resource.empty() || A.Resource == RE.first()) &&
              WI != EI->second.Want.Args.end() &&
              WI->second.Kind == ArgEffect::Releases)
            In[RE.first().str()].insert(WI->second.Resource);
        }
      }
  }
  /// Whether the contract's resource R is the code's resource K.
  bool same(const std::string &R, const std::string &K) const {
    auto It = In.find(R);
    return R == K || (It != In.end() && It->second.count(K));
  }

private:
  std::map<std::string, std::set<std::string>> In;
};

/// Whether the contract's effect on an argument says what the code's does.
/// Releasing and taking over both end the caller's ownership on every path.
bool sameArg(const ArgEffect *Code, const ArgEffect *Contract,
             const ResourceMap &Res) {
  auto Kind = [](const ArgEffect *A) {
    return A ? A->Kind : ArgEffect::Borrows;
  };
  ArgEffect::KindTy K = Kind(Code), CK = Kind(Contract);
  if (K == ArgEffect::Borrows || CK == ArgEffect::Borrows)
    return K == CK;
  if (K != CK && !(K == ArgEffect::Releases && CK == ArgEffect::Consumes))
    return false;
  // 'any' in the contract covers every resource.
  return Code->On == Contract->On &&
         (Contract->Resource.empty() ||
          Res.same(Contract->Resource, Code->Resource));
}

std::string regionDesc(const std::optional<RegionEffect> &R, bool Opening) {
  if (!R)
    return Opening ? "opens no region" : "closes no region";
  std::string S = std::string(Opening ? "opens a " : "closes a ") +
                  (R->Borrowed ? "borrowed " : "") + quoted(R->Resource) +
                  " region";
  if (R->KeyArg >= 0)
    S += " keyed by argument " + std::to_string(R->KeyArg);
  if (Opening && R->On != When::Always)
    S += std::string(" when it ") +
         (R->On == When::OnSuccess ? "succeeds" : "fails");
  return S;
}

std::string lockDesc(const std::optional<LockEffect> &L, StringRef Lock) {
  if (!L)
    return "does not need the " + Lock.upper();
  if (*L == LockEffect::Needs)
    return "needs the " + Lock.upper();
  return std::string("has 'lock: ") + lockText(*L) + "'";
}

/// Where the contract's entry C says something else than what the code's
/// summary tells callers (E.Want), on the points the summary is definite
/// about. Who names the entry in the messages.
std::vector<std::string> differences(const Entry &E, const FunctionContract &C,
                                     const ResourceMap &Res,
                                     StringRef Who = "contract") {
  std::vector<std::string> Out;
  const FunctionContract &W = E.Want;
  std::string Says = Who.str() + " says " + quoted(E.Name) + " ";
  if (W.Returns) {
    const ReturnEffect &R = *W.Returns;
    if (!C.Returns)
      Out.push_back(Who.str() + " says nothing of what " + quoted(E.Name) +
                    " returns; its code " + returnsText(R));
    else if (C.Returns->Owned != R.Owned ||
             !Res.same(C.Returns->Resource, R.Resource))
      Out.push_back(Says + returnsText(*C.Returns) + "; its code " +
                    (Res.same(C.Returns->Resource, R.Resource) &&
                             C.Returns->NullOnFailure == R.NullOnFailure
                         ? std::string("returns ") +
                               (R.Owned ? "an owned" : "a borrowed") + " one"
                         : returnsText(R)));
    else if (C.Returns->NullOnFailure && !R.NullOnFailure)
      Out.push_back(Says + returnsText(*C.Returns) +
                    "; its code never returns null");
    else if (!C.Returns->NullOnFailure && R.NullOnFailure)
      Out.push_back(Says + "never returns null; its code returns null on "
                           "some path");
  }
  auto Cond = [&](const std::optional<Condition> &Code,
                  const std::optional<Condition> &Contract, StringRef Verb) {
    if (!Code || (Contract && *Contract == *Code))
      return;
    if (!Contract)
      Out.push_back(Who.str() + " gives " + quoted(E.Name) + " no " +
                    (Verb == "succeeds" ? "success" : "failure") +
                    " condition; its code " + Verb.str() +
                    " when its result is " + Code->str());
    else
      Out.push_back(Says + Verb.str() + " when its result is " +
                    Contract->str() + "; its code " + Verb.str() +
                    " when it is " + Code->str());
  };
  Cond(W.Success, C.successCondition(), "succeeds");
  Cond(W.Failure, C.Failure, "fails");
  auto Arg = [&](const ArgEffect *Code, const ArgEffect *Contract,
                 const std::string &What) {
    // Unknown to the code's summary; a 'lends' out-parameter looks like a
    // use to it.
    if ((Code && Code->Kind == ArgEffect::Escapes && Code->Resource.empty()) ||
        (!Code && Contract && Contract->Kind == ArgEffect::Lends))
      return;
    if (!sameArg(Code, Contract, Res))
      Out.push_back(Says + argDesc(Contract, What) + "; its code " +
                    argDesc(Code, What));
  };
  std::set<unsigned> Indexes;
  for (const auto &It : W.Args)
    Indexes.insert(It.first);
  for (const auto &It : C.Args)
    if (E.S && It.first < E.S->Params)
      Indexes.insert(It.first);
  for (unsigned I : Indexes) {
    auto WI = W.Args.find(I), CI = C.Args.find(I);
    Arg(WI == W.Args.end() ? nullptr : &WI->second,
        CI == C.Args.end() ? nullptr : &CI->second,
        "argument " + std::to_string(I));
  }
  if (E.S && E.S->Variadic)
    Arg(W.VarArgs ? &*W.VarArgs : nullptr, C.VarArgs ? &*C.VarArgs : nullptr,
        "its variadic arguments");
  if (W.Opens && !(C.Opens && *C.Opens == *W.Opens))
    Out.push_back(Says + regionDesc(C.Opens, true) + "; its code " +
                  regionDesc(W.Opens, true));
  if (W.Closes && !(C.Closes && *C.Closes == *W.Closes))
    Out.push_back(Says + regionDesc(C.Closes, false) + "; its code " +
                  regionDesc(W.Closes, false));
  if (W.Lock && C.Lock != W.Lock) {
    std::string Why;
    if (E.S && !E.S->NeedsLockFn.empty())
      Why = " (it calls " + quoted(E.S->NeedsLockFn) + ")";
    Out.push_back(Says + lockDesc(C.Lock, E.LockName) + "; its code " +
                  lockDesc(W.Lock, E.LockName) + Why);
  }
  return Out;
}

//===----------------------------------------------------------------------===//
// The store
//===----------------------------------------------------------------------===//

/// The files the store's entries were made from that changed since (by size
/// and time), sorted.
std::vector<std::string> changedSince(StringRef StoreDir) {
  std::set<std::string> Changed;
  std::error_code EC;
  for (llvm::sys::fs::directory_iterator It(StoreDir, EC), End;
       It != End && !EC; It.increment(EC)) {
    if (!StringRef(It->path()).ends_with(".json"))
      continue;
    StoreEntry E;
    std::string Why;
    if (!readEntry(It->path(), E, Why))
      continue;
    for (const auto &[File, Stamp] : E.Deps)
      if (fileStamp(File) != Stamp)
        Changed.insert(File);
  }
  return {Changed.begin(), Changed.end()};
}

std::string absolute(StringRef Path) {
  llvm::SmallString<256> P(Path);
  llvm::sys::fs::make_absolute(P);
  llvm::sys::path::remove_dots(P, /*remove_dot_dot=*/true);
  return std::string(P);
}

bool parseArgs(int argc, const char **argv, Request &Req, int &Exit) {
  Req.CommandLine = "custody contracts export";
  for (int J = 1; J < argc; ++J) {
    StringRef A(argv[J]);
    bool Plain = !A.empty() && llvm::all_of(A, [](char C) {
      return llvm::isAlnum(C) || StringRef("_-+=./,:@%").contains(C);
    });
    Req.CommandLine += " " + (Plain ? A.str() : "'" + A.str() + "'");
  }
  int I = 1;
  auto Value = [&](StringRef Name, std::string &Out) {
    return optionValue(argc, argv, I, Name, Out);
  };
  bool HaveOutput = false;
  for (; I < argc; ++I) {
    StringRef A(argv[I]);
    std::string V;
    if (A == "-h" || A == "--help" || A == "-help") {
      help();
      Exit = 0;
      return false;
    }
    if (Value("-p", V)) {
      Req.BuildDir = V;
    } else if (Value("--summary-store", V)) {
      Req.StoreDir = V;
    } else if (Value("--functions", V)) {
      Req.Globs.push_back(V);
    } else if (Value("--header", V)) {
      Req.Headers.push_back(V);
    } else if (Value("--library", V)) {
      Req.Library = V;
    } else if (Value("--contracts", V)) {
      Req.ContractFiles.push_back(absolute(V));
    } else if (Value("--check", V)) {
      Req.Check = V;
    } else if (Value("-o", V) || Value("--output", V)) {
      Req.Output = V;
      HaveOutput = true;
    } else if (A == "--no-builtin-contracts") {
      Req.Builtins = false;
    } else if (llvm::is_contained({"-p", "--summary-store", "--functions",
                                   "--header", "--library", "--contracts",
                                   "--check", "-o", "--output"},
                                  A)) {
      Exit = usageError("'" + A + "' needs a value");
      return false;
    } else if (A.starts_with("-")) {
      Exit = usageError("unknown option '" + A +
                        "' for 'custody contracts export'");
      return false;
    } else {
      Exit = usageError("unexpected argument '" + A +
                        "': 'custody contracts export' reads the summary "
                        "store of -p BUILD");
      return false;
    }
  }
  Exit = 2;
  if (Req.BuildDir.empty() && Req.StoreDir.empty()) {
    Exit = usageError("'custody contracts export' needs -p BUILD, the build "
                      "directory 'custody -p BUILD' analyzed");
    return false;
  }
  if (!Req.Check.empty() && HaveOutput) {
    Exit = usageError("--check compares and writes nothing: drop -o");
    return false;
  }
  if (HaveOutput && Req.Output.empty()) {
    Exit = usageError("-o needs a file name");
    return false;
  }
  if (!Req.BuildDir.empty() && !llvm::sys::fs::is_directory(Req.BuildDir)) {
    llvm::errs() << "custody: error: -p '" << Req.BuildDir
                 << "': no such directory\n";
    return false;
  }
  if (Req.Library.empty()) {
    if (!Req.Headers.empty())
      Req.Library = llvm::sys::path::stem(Req.Headers.front()).str();
    else if (!Req.BuildDir.empty())
      Req.Library = llvm::sys::path::filename(
                        llvm::sys::path::parent_path(absolute(Req.BuildDir)))
                        .str();
  }
  if (Req.Library.empty())
    Req.Library = "program";
  return true;
}

void printErrors(const std::vector<ContractError> &Errors,
                 StringRef Prefix = "") {
  for (const ContractError &E : Errors)
    llvm::errs() << Prefix << E.str() << "\n";
}

} // namespace

int custody::exportContractsMain(int argc, const char **argv) {
  Request Req;
  int Exit = 2;
  if (!parseArgs(argc, argv, Req, Exit))
    return Exit;

  // The store.
  std::string Rerun =
      "custody -p " + (Req.BuildDir.empty() ? "BUILD" : Req.BuildDir) +
      (Req.StoreDir.empty() ? "" : " --summary-store " + Req.StoreDir);
  if (Req.StoreDir.empty()) {
    llvm::SmallString<256> D(Req.BuildDir);
    llvm::sys::path::append(D, ".custody", "summaries");
    Req.StoreDir = std::string(D);
  }
  unsigned Stale = 0;
  std::string Error;
  std::shared_ptr<const SummaryIndex> Index;
  if (llvm::sys::fs::is_directory(Req.StoreDir))
    Index = loadStore(Req.StoreDir, Stale, Error);
  if (!Index) {
    llvm::errs() << "custody: error: no summary store at '" << Req.StoreDir
                 << "'" << (Error.empty() ? "" : " (" + Error + ")")
                 << "; run '" << Rerun << "' first to make it\n";
    return 2;
  }
  if (Index->ByUSR.empty()) {
    if (Stale)
      llvm::errs() << "custody: error: the summary store '" << Req.StoreDir
                   << "' holds only files written by another version of "
                      "custody; run '"
                   << Rerun << "' again\n";
    else
      llvm::errs() << "custody: error: the summary store '" << Req.StoreDir
                   << "' holds no summaries; run '" << Rerun << "' first\n";
    return 2;
  }
  if (Stale)
    llvm::errs() << "custody: note: " << Stale << " file"
                 << (Stale == 1 ? "" : "s") << " of the summary store '"
                 << Req.StoreDir << "' " << (Stale == 1 ? "was" : "were")
                 << " written by another version of custody and skipped; "
                    "run '"
                 << Rerun << "' again to include their functions\n";
  std::vector<std::string> Changed = changedSince(Req.StoreDir);
  if (!Changed.empty())
    llvm::errs() << "custody: note: " << Changed.size() << " file"
                 << (Changed.size() == 1 ? "" : "s")
                 << " changed since the summaries were made ('"
                 << Changed.front() << "'"
                 << (Changed.size() > 1 ? ", ..." : "") << "); run '" << Rerun
                 << "' again for summaries of the code as it is\n";

  // The selection.
  std::vector<llvm::GlobPattern> Globs;
  for (const std::string &G : Req.Globs) {
    llvm::Expected<llvm::GlobPattern> P = llvm::GlobPattern::create(G);
    if (!P) {
      llvm::errs() << "custody: error: --functions '" << G
                   << "': " << llvm::toString(P.takeError()) << "\n";
      return 2;
    }
    Globs.push_back(std::move(*P));
  }
  std::map<std::string, std::string> DeclaredIn; // Name -> first header.
  std::vector<std::set<std::string>> PerHeader;
  for (const std::string &H : Req.Headers) {
    auto Buf = llvm::MemoryBuffer::getFile(H);
    if (!Buf || llvm::sys::fs::is_directory(H)) {
      llvm::errs() << "custody: error: no such header '" << H << "'\n";
      return 2;
    }
    PerHeader.push_back(declaredFunctions((*Buf)->getBuffer()));
    for (const std::string &N : PerHeader.back())
      DeclaredIn.try_emplace(N, llvm::sys::path::filename(H).str());
  }
  bool All = Globs.empty() && Req.Headers.empty();
  auto Selected = [&](StringRef Name) {
    return All || DeclaredIn.count(Name.str()) ||
           llvm::any_of(Globs, [&](const llvm::GlobPattern &G) {
             return G.match(Name);
           });
  };
  for (size_t I = 0; I < Globs.size(); ++I)
    if (llvm::none_of(Index->ByUSR, [&](const auto &It) {
          return Globs[I].match(It.second.Name);
        }))
      llvm::errs() << "custody: note: --functions '" << Req.Globs[I]
                   << "' matches no function of the store\n";
  for (size_t I = 0; I < PerHeader.size(); ++I)
    if (llvm::none_of(Index->ByUSR, [&](const auto &It) {
          return PerHeader[I].count(It.second.Name) != 0;
        }))
      llvm::errs() << "custody: note: --header '" << Req.Headers[I]
                   << "' declares no function of the store\n";

  // The contracts the exported one is loaded with; never the one checked.
  std::string CheckReal;
  if (!Req.Check.empty()) {
    llvm::SmallString<256> R;
    if (!llvm::sys::fs::real_path(Req.Check, R))
      CheckReal = std::string(R);
    llvm::erase_if(Req.ContractFiles, [&](const std::string &F) {
      llvm::SmallString<256> FR;
      return !CheckReal.empty() && !llvm::sys::fs::real_path(F, FR) &&
             FR == CheckReal;
    });
  }
  std::vector<ContractError> Errors;
  std::shared_ptr<const ContractSet> Base =
      loadContracts(Req.ContractFiles, Req.Builtins, nullptr, Errors);
  if (!Base) {
    printErrors(Errors);
    return 2;
  }
  // Headers-only functions are listed only when exporting.
  std::map<std::string, Entry> Entries = makeEntries(
      *Index, *Base, Selected,
      Req.Check.empty() ? DeclaredIn : std::map<std::string, std::string>());

  if (Req.Check.empty()) {
    std::string Text = contractText(Req, Entries, *Base);
    // What is written must load, beside the contracts it relies on, and
    // tell callers what the summaries tell them.
    std::string Name = Req.Output.empty() ? "exported contract" : Req.Output;
    ContractSet Set = *Base;
    if (!loadContractText(Text, Name, Set, Errors)) {
      printErrors(Errors, "custody: error: the exported contract does not "
                          "load: ");
      return 2;
    }
    for (const auto &[N, E] : Entries) {
      if (!E.Skip.empty())
        continue;
      const FunctionContract *FC = Set.lookup(N);
      std::vector<std::string> D =
          FC ? differences(E, *FC, ResourceMap())
             : std::vector<std::string>{"it has no entry"};
      for (const std::string &M : D)
        llvm::errs() << "custody: error: the exported entry of '" << N
                     << "' does not load as the summary says: " << M << "\n";
      if (!D.empty())
        return 2;
    }
    return writeOutput(Req.Output, Text);
  }

  // --check: the contract, loaded as the check command loads it.
  std::vector<std::string> Files{Req.Check};
  Files.insert(Files.end(), Req.ContractFiles.begin(), Req.ContractFiles.end());
  std::shared_ptr<const ContractSet> Set =
      loadContracts(Files, Req.Builtins, nullptr, Errors);
  if (!Set) {
    printErrors(Errors);
    return 2;
  }
  struct Drift {
    std::string File;
    unsigned Line = 0, Column = 0;
    std::string Message;
    bool operator<(const Drift &O) const {
      return std::tie(File, Line, Column) < std::tie(O.File, O.Line, O.Column);
    }
  };
  std::vector<Drift> Drifts;
  auto AtCode = [&](const StoredSummary &S, std::string M) {
    Drifts.push_back({S.File, S.Line, std::max(S.Column, 1u), std::move(M)});
  };
  auto AtContract = [&](const ContractLoc &L, std::string M) {
    Drifts.push_back({L.File, L.Line, L.Column, std::move(M)});
  };
  // Its own entries (not those of the files it includes).
  std::map<std::string, const FunctionContract *> Own;
  for (const auto &It : Set->Functions)
    if (It.second.Loc.File == Req.Check && Selected(It.first()))
      Own[It.first().str()] = &It.second;
  FunctionContract PrefixEntry; // What 'non_owning_prefixes' says.
  PrefixEntry.NonOwning = true;
  std::vector<std::string> NotCompared;
  ResourceMap Res(*Set, Entries);
  for (const auto &[Name, E] : Entries) {
    auto It = Own.find(Name);
    if (!E.Skip.empty()) {
      if (It != Own.end() && E.S && !E.S->Contract)
        NotCompared.push_back(quoted(Name));
      continue;
    }
    if (It != Own.end()) {
      for (std::string &M : differences(E, *It->second, Res))
        AtContract(It->second->Loc, std::move(M));
      continue;
    }
    bool Prefixed = false;
    for (const LibraryContract &L : Set->Libraries)
      if (L.Path == Req.Check)
        Prefixed |=
            llvm::any_of(L.NonOwningPrefixes, [&](const std::string &P) {
              return StringRef(Name).starts_with(P);
            });
    if (Prefixed) {
      for (std::string &M : differences(
               E, PrefixEntry, Res, "contract (by its non_owning_prefixes)"))
        AtCode(*E.S, std::move(M));
      continue;
    }
    AtCode(*E.S, "the contract has no entry for " + quoted(Name) +
                     ", which the code defines");
  }
  for (const auto &[Name, FC] : Own)
    if (!Entries.count(Name))
      AtContract(FC->Loc, "the contract describes " + quoted(Name) +
                              ", which no file of the program defines");
  std::stable_sort(Drifts.begin(), Drifts.end());
  for (const Drift &D : Drifts)
    llvm::outs() << D.File << ":" << D.Line << ":" << D.Column
                 << ": warning: " << D.Message << " [contract-drift]\n";
  llvm::outs().flush();
  if (!NotCompared.empty())
    llvm::errs() << "custody: note: nothing is known of "
                 << llvm::join(NotCompared, ", ") << " from "
                 << (NotCompared.size() == 1 ? "its" : "their")
                 << " code: not compared\n";
  if (Drifts.empty())
    return 0;
  llvm::errs() << "custody: " << Drifts.size() << " difference"
               << (Drifts.size() == 1 ? "" : "s") << " between '" << Req.Check
               << "' and the code\n";
  return 1;
}
