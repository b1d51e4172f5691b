//===- custody.cpp - The custody command-line tool ------------------------===//
//
//   custody [options] FILES... -- COMPILER FLAGS
//   custody [options] -p BUILD_DIR [FILES...]
//
// Exit codes: 0 no findings, 1 findings, 2 usage or configuration error,
// 3 some file could not be parsed (other files are still checked).
//
//===----------------------------------------------------------------------===//

#include "Options.h"
#include "Report.h"
#include "TUSession.h"
#include "TidyConfig.h"
#include "Trace.h"
#include "WholeProgram.h"
#include "clang/AST/ASTConsumer.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Lex/Lexer.h"
#include "clang/Lex/Preprocessor.h"
#include "clang/Tooling/CommonOptionsParser.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "clang/Tooling/JSONCompilationDatabase.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/CrashRecoveryContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/GlobPattern.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/Threading.h"
#include "llvm/Support/Unicode.h"
#include "llvm/Support/raw_ostream.h"
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>

using namespace clang;
using namespace clang::tooling;
using namespace custody;

llvm::cl::OptionCategory custody::Category("custody options");
llvm::cl::OptionCategory custody::AuditCategory("custody audit options");

static llvm::cl::opt<std::string>
    Checks("checks",
           llvm::cl::desc("Comma-separated globs of checks to run, '-' "
                          "prefix to remove (default: all custody checks)"),
           llvm::cl::init("*"), llvm::cl::cat(Category));
llvm::cl::list<std::string> custody::ContractFiles(
    "contracts", llvm::cl::desc("A YAML contract file (repeatable)"),
    llvm::cl::cat(Category), llvm::cl::cat(AuditCategory));
llvm::cl::opt<bool>
    custody::NoBuiltins("no-builtin-contracts",
                        llvm::cl::desc("Do not use the built-in contracts"),
                        llvm::cl::cat(Category), llvm::cl::cat(AuditCategory));
static llvm::cl::opt<std::string>
    Baseline("baseline",
             llvm::cl::desc("Report only findings not in this baseline file"),
             llvm::cl::cat(Category));
static llvm::cl::opt<std::string> WriteBaseline(
    "write-baseline",
    llvm::cl::desc("Write the current findings to this baseline file and "
                   "exit 0"),
    llvm::cl::cat(Category));
static llvm::cl::opt<std::string> DiffBase(
    "diff-base",
    llvm::cl::desc("Report only findings on lines changed since this git "
                   "revision (and in files git does not track)"),
    llvm::cl::cat(Category));
static llvm::cl::opt<std::string>
    Shard("shard",
          llvm::cl::desc("I/N: check only the I-th of N equal parts of the "
                         "files (1-based), for splitting a run over CI jobs"),
          llvm::cl::cat(Category));
llvm::cl::opt<bool> custody::NoProjectContract(
    "no-project-contract",
    llvm::cl::desc("Do not look for .custody.yaml next to the source files"),
    llvm::cl::cat(Category), llvm::cl::cat(AuditCategory));
llvm::cl::opt<unsigned>
    custody::Jobs("j", llvm::cl::desc("Translation units analyzed in parallel"),
                  llvm::cl::init(0), llvm::cl::cat(Category),
                  llvm::cl::cat(AuditCategory));
llvm::cl::opt<std::string>
    custody::Format("format",
                    llvm::cl::desc("Output format: text, json, sarif or "
                                   "codequality (GitLab Code Quality); "
                                   "audit: text or json"),
                    llvm::cl::init("text"), llvm::cl::cat(Category),
                    llvm::cl::cat(AuditCategory));
llvm::cl::opt<std::string>
    custody::OutputFile("output", llvm::cl::desc("Write findings to this file"),
                        llvm::cl::cat(Category), llvm::cl::cat(AuditCategory));
static llvm::cl::opt<double> FunctionTimeBudget(
    "function-time-budget",
    llvm::cl::desc("Seconds the analysis of one function may take (0: no "
                   "limit); a function cut short gets a notice"),
    llvm::cl::init(20), llvm::cl::cat(Category));
static llvm::cl::opt<unsigned> StatesPerFunction(
    "states-per-function",
    llvm::cl::desc("Path states kept per function, shared out over its "
                   "blocks (4 to 48 each); past them states are joined"),
    llvm::cl::init(8000), llvm::cl::cat(Category));
static llvm::cl::opt<unsigned> VisitsPerBlock(
    "visits-per-block",
    llvm::cl::desc("Block visits per CFG block of a function before its "
                   "analysis stops (at least 40000 in all)"),
    llvm::cl::init(64), llvm::cl::cat(Category));
static llvm::cl::opt<bool> OomProtocol(
    "oom-protocol",
    llvm::cl::desc("Also report protocol findings that only an allocation "
                   "failure raises (a JNI call while an OutOfMemoryError may "
                   "be pending), as -Xcheck:jni does; leaks on such paths are "
                   "reported either way"),
    llvm::cl::cat(Category));
static llvm::cl::opt<bool>
    ListChecks("list-checks", llvm::cl::desc("List the checks and exit"),
               llvm::cl::cat(Category));
llvm::cl::opt<bool> custody::Verbose(
    "verbose",
    llvm::cl::desc("Say which contracts apply and what the analysis "
                   "gave up on, and end with a summary of the run"),
    llvm::cl::cat(Category), llvm::cl::cat(AuditCategory));
llvm::cl::opt<bool> custody::Progress(
    "progress",
    llvm::cl::desc("A line per file on standard error as it is done "
                   "(default: when standard error is a terminal; "
                   "--progress=false turns it off)"),
    llvm::cl::cat(Category), llvm::cl::cat(AuditCategory));
static llvm::cl::opt<bool> AllowNoChecks(
    "allow-no-checks",
    llvm::cl::desc("Run even when --checks enables no check (nothing is "
                   "reported then)"),
    llvm::cl::cat(Category));
static llvm::cl::opt<std::string>
    SarifOutput("sarif-output",
                llvm::cl::desc("Also write the findings as SARIF to this file"),
                llvm::cl::cat(Category));
static llvm::cl::opt<std::string>
    JsonOutput("json-output",
               llvm::cl::desc("Also write the findings as JSON to this file"),
               llvm::cl::cat(Category));
static llvm::cl::opt<std::string> CodeQualityOutput(
    "codequality-output",
    llvm::cl::desc("Also write the findings as a GitLab Code Quality report "
                   "to this file"),
    llvm::cl::cat(Category));
static llvm::cl::opt<std::string> DocsURL(
    "docs-url",
    llvm::cl::desc("Base URL of custody's docs/ folder, for the help "
                   "links of SARIF rules (default: " CUSTODY_DOCS_URL ")"),
    llvm::cl::init(CUSTODY_DOCS_URL), llvm::cl::cat(Category));
/// --color=auto|always|never. Read from the command line before LLVM's
/// parser sees it: LLVM registers a --color option of its own (true/false).
static std::string Color = "auto";
static llvm::cl::opt<std::string> SummaryStore(
    "summary-store",
    llvm::cl::desc("Where -p keeps the whole program's summaries and each "
                   "file's results (default: BUILD_DIR/.custody/summaries)"),
    llvm::cl::value_desc("dir"), llvm::cl::cat(custody::Category));
static llvm::cl::opt<bool> NoSummaries(
    "no-summaries",
    llvm::cl::desc("With -p, analyze each file on its own: functions defined "
                   "in other files are unknown, and nothing is stored"),
    llvm::cl::cat(custody::Category));
static llvm::cl::opt<bool> FreshSummaries(
    "fresh-summaries",
    llvm::cl::desc("With -p, make every summary again, ignoring the store"),
    llvm::cl::cat(custody::Category));
static llvm::cl::opt<std::string> SourceRoot(
    "source-root",
    llvm::cl::desc("The directory SARIF file URIs are relative to (default: "
                   "the git top level of the current directory, else the "
                   "current directory)"),
    llvm::cl::cat(Category));

namespace {

/// clang-tidy's check-glob convention: later entries win. The globs point
/// into the filter's copy of the spec: a filter is neither copied nor moved.
class CheckFilter {
public:
  struct Entry {
    llvm::StringRef Text; // As written, without the '-' (points into Spec).
    bool Positive;
    std::optional<llvm::GlobPattern> Glob; // None if it is not a valid glob.
  };

  explicit CheckFilter(llvm::StringRef Text) : Spec(Text.str()) {
    llvm::SmallVector<llvm::StringRef, 8> Parts;
    llvm::StringRef(Spec).split(Parts, ',', -1, false);
    for (llvm::StringRef P : Parts) {
      P = P.trim();
      if (P.empty())
        continue;
      bool Neg = P.consume_front("-");
      Entry E{P.trim(), !Neg, std::nullopt};
      if (auto G = llvm::GlobPattern::create(E.Text))
        E.Glob = std::move(*G);
      else
        llvm::consumeError(G.takeError());
      Entries.push_back(std::move(E));
    }
  }
  bool enabled(llvm::StringRef Name) const {
    bool On = false;
    for (const Entry &E : Entries)
      if (E.Glob && E.Glob->match(Name))
        On = E.Positive;
    return On;
  }
  const std::vector<Entry> &entries() const { return Entries; }
  const std::string &spec() const { return Spec; }
  CheckFilter(const CheckFilter &) = delete;
  CheckFilter &operator=(const CheckFilter &) = delete;

private:
  std::string Spec;
  std::vector<Entry> Entries;
};

std::vector<llvm::StringRef> allCheckNames() {
  std::vector<llvm::StringRef> Names;
  for (unsigned K = 0; K < NumFindingKinds; ++K)
    Names.push_back(checkName(FindingKind(K)));
  return Names;
}

/// The candidate nearest to Word, if it is near enough to be what was meant.
std::optional<std::string> nearest(llvm::StringRef Word,
                                   llvm::ArrayRef<llvm::StringRef> Candidates) {
  std::optional<std::string> Best;
  unsigned BestDistance = std::max<unsigned>(2, Word.size() / 3) + 1;
  for (llvm::StringRef C : Candidates) {
    unsigned D = Word.edit_distance(C, true, BestDistance);
    if (D < BestDistance) {
      BestDistance = D;
      Best = C.str();
    }
  }
  return Best;
}

/// Whether a --checks entry speaks of custody's checks: its text before any
/// wildcard starts with one of their families ("contract-", "jni-" ...).
/// Other entries (a clang-tidy 'Checks' string shared with other checks) are
/// allowed to match nothing.
bool namesOurFamily(llvm::StringRef Glob) {
  llvm::StringRef Literal = Glob.take_until(
      [](char C) { return C == '*' || C == '?' || C == '[' || C == '\\'; });
  for (llvm::StringRef Name : allCheckNames()) {
    llvm::StringRef Family = Name.take_until([](char C) { return C == '-'; });
    if (Literal.starts_with((Family + "-").str()))
      return true;
  }
  return false;
}

/// A --checks value (Label "--checks") or a .clang-tidy's Checks (Label
/// "'FILE': Checks") that names a check that does not exist, or with
/// RequireSome, enables none: an error (false, after saying what to do),
/// since a gate that checks nothing passes.
bool validateChecks(const CheckFilter &Filter, llvm::StringRef Label,
                    bool RequireSome) {
  std::vector<llvm::StringRef> Names = allCheckNames();
  std::vector<llvm::StringRef> Unmatched; // Positive entries matching none.
  for (const CheckFilter::Entry &E : Filter.entries()) {
    if (!E.Glob) {
      llvm::errs() << "custody: error: " << Label << ": '" << E.Text
                   << "' is not a valid glob\n";
      return false;
    }
    if (std::any_of(Names.begin(), Names.end(),
                    [&](llvm::StringRef N) { return E.Glob->match(N); }))
      continue;
    if (E.Positive)
      Unmatched.push_back(E.Text);
    if (!namesOurFamily(E.Text))
      continue;
    llvm::errs() << "custody: error: " << Label << ": no check is named '"
                 << E.Text << "'";
    if (std::optional<std::string> Near = nearest(E.Text, Names))
      llvm::errs() << "; did you mean '" << *Near << "'?";
    llvm::errs() << " ('custody --list-checks' lists the checks)\n";
    return false;
  }
  if (!RequireSome ||
      std::any_of(Names.begin(), Names.end(),
                  [&](llvm::StringRef N) { return Filter.enabled(N); }))
    return true;
  llvm::errs() << "custody: error: " << Label << "='" << Filter.spec()
               << "' enables no check";
  for (llvm::StringRef U : Unmatched)
    if (std::optional<std::string> Near = nearest(U, Names)) {
      llvm::errs() << ": '" << U << "' names none; did you mean '" << *Near
                   << "'?";
      break;
    }
  llvm::errs() << " ('custody --list-checks' lists the checks; "
                  "--allow-no-checks runs anyway)\n";
  return false;
}

/// Whether a Checks value speaks of custody's checks: one of its entries
/// names one of their families. One that does not (`-*,bugprone-*`, a
/// configuration for other tools) leaves custody's checks at their default.
bool namesOurChecks(llvm::StringRef Spec) {
  llvm::SmallVector<llvm::StringRef, 8> Parts;
  Spec.split(Parts, ',', -1, false);
  return llvm::any_of(Parts, [](llvm::StringRef P) {
    P = P.trim();
    P.consume_front("-");
    return namesOurFamily(P.trim());
  });
}

/// What one source file is checked with: the command line over the
/// .clang-tidy files that apply to it.
struct FileSettings {
  SessionConfig Config;
  std::unique_ptr<CheckFilter> Filter;
  /// Where the check selection comes from, for messages: "--checks", a
  /// .clang-tidy file, or empty for the default (all checks).
  std::string ChecksFrom;
  /// The .clang-tidy files read, for --verbose.
  std::vector<std::string> TidyFiles;
};

/// The settings of every file checked, per directory and compile directory:
/// options given on the command line win over a .clang-tidy's.
class Configurations {
public:
  explicit Configurations(const SessionConfig &Base) : Base(Base) {}

  /// The settings for the source file AbsFile, whose compile command runs in
  /// WorkDir (relative CustodyContracts paths are resolved against it, as
  /// the plugin does). Null, with Error set, when a .clang-tidy value is
  /// wrong.
  std::shared_ptr<const FileSettings>
  forFile(llvm::StringRef AbsFile, llvm::StringRef WorkDir, std::string &Error);
  TidyConfigReader Reader;

private:
  const SessionConfig &Base;
  std::mutex Mu;
  std::map<std::pair<std::string, std::string>,
           std::shared_ptr<const FileSettings>>
      Cache;
};

std::shared_ptr<const FileSettings>
Configurations::forFile(llvm::StringRef AbsFile, llvm::StringRef WorkDir,
                        std::string &Error) {
  const TidySettings &T = Reader.settingsFor(AbsFile);
  std::lock_guard<std::mutex> Lock(Mu);
  std::pair<std::string, std::string> Key{
      llvm::formatv("{0}", static_cast<const void *>(&T)).str(), WorkDir.str()};
  auto It = Cache.find(Key);
  if (It != Cache.end())
    return It->second;
  auto S = std::make_shared<FileSettings>();
  S->Config = Base;
  S->TidyFiles = T.Files;
  std::string Nearest = T.Files.empty() ? "" : T.Files.back();
  // The check selection: --checks, else the Checks of the .clang-tidy files
  // over the default (all custody checks) when they name custody's checks,
  // else the default.
  std::string Spec = "*";
  if (Checks.getNumOccurrences()) {
    Spec = Checks;
    S->ChecksFrom = "--checks";
  } else if (namesOurChecks(T.Checks)) {
    Spec = "*," + T.Checks;
    for (size_t I = T.Files.size(); I-- > 0;)
      if (!T.FileChecks[I].empty()) {
        S->ChecksFrom = T.Files[I];
        break;
      }
  }
  S->Filter = std::make_unique<CheckFilter>(Spec);
  // The contracts: --contracts, else CustodyContracts (';'-separated).
  if (!ContractFiles.getNumOccurrences()) {
    S->Config.ContractFiles.clear();
    if (std::optional<std::string> V = T.option("CustodyContracts")) {
      llvm::SmallVector<llvm::StringRef, 4> Files;
      llvm::StringRef(*V).split(Files, ';', -1, false);
      for (llvm::StringRef F : Files) {
        llvm::SmallString<256> Abs(F.trim());
        if (Abs.empty())
          continue;
        if (!llvm::sys::path::is_absolute(Abs))
          makeAbsoluteTo(WorkDir, Abs);
        llvm::sys::path::remove_dots(Abs, /*remove_dot_dot=*/true);
        S->Config.ContractFiles.push_back(std::string(Abs));
      }
    }
  }
  if (!NoBuiltins.getNumOccurrences())
    if (std::optional<std::string> V = T.option("CustodyBuiltinContracts"))
      S->Config.BuiltinContracts = !llvm::is_contained(
          {"false", "0", "no", "off"}, llvm::StringRef(*V).trim().lower());
  if (!OomProtocol.getNumOccurrences())
    if (std::optional<std::string> V = T.option("CustodyOomProtocol"))
      S->Config.Limits.OomProtocol = llvm::is_contained(
          {"true", "1", "yes", "on"}, llvm::StringRef(*V).trim().lower());
  if (!FunctionTimeBudget.getNumOccurrences())
    if (std::optional<std::string> V = T.option("CustodyFunctionTimeBudget")) {
      double Seconds;
      if (llvm::StringRef(*V).trim().getAsDouble(Seconds) || Seconds < 0) {
        Error = "custody: error: '" + Nearest +
                "': CustodyFunctionTimeBudget must be a number of seconds "
                "(0: no limit); got '" +
                *V + "'";
        return nullptr;
      }
      S->Config.Limits.FunctionSeconds = Seconds;
    }
  if (!VisitsPerBlock.getNumOccurrences())
    if (std::optional<std::string> V = T.option("CustodyVisitsPerBlock")) {
      unsigned Visits;
      if (llvm::StringRef(*V).trim().getAsInteger(10, Visits)) {
        Error = "custody: error: '" + Nearest +
                "': CustodyVisitsPerBlock must be a whole number; got '" + *V +
                "'";
        return nullptr;
      }
      S->Config.Limits.VisitsPerBlock = Visits;
    }
  if (!StatesPerFunction.getNumOccurrences())
    if (std::optional<std::string> V = T.option("CustodyStatesPerFunction")) {
      unsigned States;
      if (llvm::StringRef(*V).trim().getAsInteger(10, States)) {
        Error = "custody: error: '" + Nearest +
                "': CustodyStatesPerFunction must be a whole number; got '" +
                *V + "'";
        return nullptr;
      }
      S->Config.Limits.StatesPerFunction = States;
    }
  Cache[Key] = S;
  return S;
}

/// A diagnostic about a NOLINT comment, on standard error.
struct NolintMessage {
  std::string Where; // file:line:column
  std::string Level; // "warning" or "error"
  std::string Message;
  bool operator<(const NolintMessage &O) const {
    return std::tie(Where, Level, Message) <
           std::tie(O.Where, O.Level, O.Message);
  }
};

struct Results {
  std::mutex Mu;
  std::set<PrintedFinding> Findings; // Headers seen from several TUs once.
  std::vector<std::string> ConfigErrors;
  std::vector<std::string> Failed;
  /// What the run says about itself (SARIF toolExecutionNotifications).
  std::vector<Notice> Notices;
  /// Each analyzed function and its time, for --verbose.
  std::vector<std::pair<std::string, double>> Times;
  /// What is wrong with NOLINT comments: a check name that does not exist
  /// (a warning), an unmatched NOLINTBEGIN or NOLINTEND (an error).
  std::set<NolintMessage> NolintMessages;

  /// Adds a notice; callers hold Mu when files are parsed in parallel.
  void notice(PrintedLoc Loc, std::string Message,
              Notice::LevelKind Level = Notice::Note) {
    Notices.push_back({Level, std::move(Loc), std::move(Message)});
  }
};

std::string absolutePath(const FileManager &FM, llvm::StringRef File) {
  llvm::SmallString<256> Abs(File);
  FM.makeAbsolutePath(Abs);
  llvm::sys::path::remove_dots(Abs, /*remove_dot_dot=*/true);
  return std::string(Abs);
}

PrintedLoc printLoc(const SourceManager &SM, SourceLocation L) {
  PrintedLoc P;
  L = SM.getExpansionLoc(L);
  PresumedLoc PL = SM.getPresumedLoc(L);
  if (PL.isInvalid())
    return P;
  P.File = PL.getFilename();
  // Relative names are relative to the compile command's directory, which is
  // the file manager's working directory.
  P.AbsFile = absolutePath(SM.getFileManager(), P.File);
  P.Line = PL.getLine();
  P.Column = PL.getColumn();
  bool Invalid = false;
  const char *Start = SM.getCharacterData(L, &Invalid);
  if (!Invalid) {
    const char *Begin = Start - (P.Column - 1);
    const char *End = Start;
    while (*End && *End != '\n' && *End != '\r')
      ++End;
    P.SourceLine.assign(Begin, End);
  }
  return P;
}

std::string displayName(llvm::StringRef File);

/// A clang-tidy suppression comment. Only comments hold one: "NOLINT" in a
/// string literal, or inside a longer word, is not a directive.
struct NolintDirective {
  enum KindT { SameLine, NextLine, Begin, End } Kind;
  unsigned Offset = 0; // Of "NOLINT" in the file.
  unsigned Line = 0;
  /// No list in parentheses: every check.
  bool All = true;
  /// The list without blanks; a NOLINTEND closes the NOLINTBEGIN with the
  /// same list, as in clang-tidy.
  std::string List;
  /// Each glob of the list and its offset in the file.
  std::vector<std::pair<llvm::StringRef, unsigned>> Globs;

  bool covers(llvm::StringRef Check) const {
    if (All)
      return true;
    for (const auto &G : Globs) {
      auto P = llvm::GlobPattern::create(G.first);
      if (!P) {
        llvm::consumeError(P.takeError());
        continue;
      }
      if (P->match(Check))
        return true;
    }
    return false;
  }
};

/// The NOLINT comments of one file, with the NOLINTBEGIN/NOLINTEND pairs and
/// those that have no partner.
struct NolintFile {
  std::vector<NolintDirective> Directives;
  std::vector<std::pair<size_t, size_t>> Blocks; // Begin, End indices.
  std::vector<size_t> Unmatched;
};

bool isIdentChar(char C) { return llvm::isAlnum(C) || C == '_'; }

/// Reads the directives of the comment Text, which starts at Offset.
void parseNolintComment(const SourceManager &SM, FileID FID,
                        llvm::StringRef Text, unsigned Offset,
                        std::vector<NolintDirective> &Out) {
  for (size_t Pos = Text.find("NOLINT"); Pos != llvm::StringRef::npos;
       Pos = Text.find("NOLINT", Pos + 1)) {
    if (Pos > 0 && isIdentChar(Text[Pos - 1]))
      continue;
    NolintDirective D;
    llvm::StringRef Rest = Text.substr(Pos + 6);
    if (Rest.consume_front("NEXTLINE"))
      D.Kind = NolintDirective::NextLine;
    else if (Rest.consume_front("BEGIN"))
      D.Kind = NolintDirective::Begin;
    else if (Rest.consume_front("END"))
      D.Kind = NolintDirective::End;
    else
      D.Kind = NolintDirective::SameLine;
    if (!Rest.empty() && isIdentChar(Rest[0]))
      continue;
    D.Offset = Offset + unsigned(Pos);
    D.Line = SM.getLineNumber(FID, D.Offset);
    if (Rest.consume_front("(")) {
      size_t Close = Rest.find_first_of(")\n");
      if (Close != llvm::StringRef::npos && Rest[Close] == ')') {
        D.All = false;
        llvm::SmallVector<llvm::StringRef, 4> Globs;
        Rest.take_front(Close).split(Globs, ',', -1, false);
        for (llvm::StringRef G : Globs) {
          G = G.trim();
          if (G.empty())
            continue;
          D.Globs.push_back({G, Offset + unsigned(G.data() - Text.data())});
        }
        for (char C : Rest.take_front(Close))
          if (!llvm::isSpace(C))
            D.List += C;
      }
    }
    Out.push_back(std::move(D));
  }
}

/// The NOLINT directives of a file: its comments, found with Clang's raw
/// lexer, and the NOLINTBEGIN/NOLINTEND pairs among them, matched as
/// clang-tidy matches them (an end closes the innermost open begin with the
/// same list).
NolintFile scanNolint(const SourceManager &SM, FileID FID,
                      const LangOptions &LangOpts) {
  NolintFile NF;
  bool Invalid = false;
  llvm::StringRef Buf = SM.getBufferData(FID, &Invalid);
  if (Invalid || !Buf.contains("NOLINT"))
    return NF;
  Lexer L(SM.getLocForStartOfFile(FID), LangOpts, Buf.begin(), Buf.begin(),
          Buf.end());
  L.SetCommentRetentionState(true);
  Token T;
  do {
    L.LexFromRawLexer(T);
    if (!T.is(tok::comment))
      continue;
    unsigned Offset = SM.getFileOffset(T.getLocation());
    parseNolintComment(SM, FID, Buf.substr(Offset, T.getLength()), Offset,
                       NF.Directives);
  } while (T.isNot(tok::eof));
  std::vector<size_t> Open;
  for (size_t I = 0; I < NF.Directives.size(); ++I) {
    const NolintDirective &D = NF.Directives[I];
    if (D.Kind == NolintDirective::Begin) {
      Open.push_back(I);
    } else if (D.Kind == NolintDirective::End) {
      if (!Open.empty() && NF.Directives[Open.back()].List == D.List) {
        NF.Blocks.push_back({Open.back(), I});
        Open.pop_back();
      } else {
        NF.Unmatched.push_back(I);
      }
    }
  }
  NF.Unmatched.insert(NF.Unmatched.end(), Open.begin(), Open.end());
  llvm::sort(NF.Unmatched, [&](size_t A, size_t B) {
    return NF.Directives[A].Offset < NF.Directives[B].Offset;
  });
  return NF;
}

/// clang-tidy's suppression comments, so that the CLI drops what the plugin
/// drops: NOLINT on the line, NOLINTNEXTLINE on the line before, and
/// NOLINTBEGIN/NOLINTEND around it.
bool suppressed(const NolintFile &NF, unsigned Offset, unsigned Line,
                llvm::StringRef Check) {
  for (const NolintDirective &D : NF.Directives)
    if (((D.Kind == NolintDirective::SameLine && D.Line == Line) ||
         (D.Kind == NolintDirective::NextLine && D.Line + 1 == Line)) &&
        D.covers(Check))
      return true;
  for (const auto &[B, E] : NF.Blocks)
    if (NF.Directives[B].Offset < Offset && Offset < NF.Directives[E].Offset &&
        NF.Directives[B].covers(Check))
      return true;
  return false;
}

/// What is wrong with the NOLINT comments of a file: an unmatched
/// NOLINTBEGIN or NOLINTEND (an error, with clang-tidy's words), and a list
/// that names, in one of custody's families, a check that does not exist
/// (the finding it was meant for is still reported, and the warning says
/// why, with the nearest name).
void checkNolint(const SourceManager &SM, FileID FID, const NolintFile &NF,
                 bool CheckNames, std::set<NolintMessage> &Messages) {
  auto Where = [&](unsigned Offset) {
    PrintedLoc L = printLoc(SM, SM.getComposedLoc(FID, Offset));
    return L.File + ":" + std::to_string(L.Line) + ":" +
           std::to_string(L.Column);
  };
  for (size_t I : NF.Unmatched) {
    const NolintDirective &D = NF.Directives[I];
    Messages.insert(
        {Where(D.Offset), "error",
         D.Kind == NolintDirective::Begin
             ? "unmatched 'NOLINTBEGIN' comment without a subsequent "
               "'NOLINTEND' comment [clang-tidy-nolint]"
             : "unmatched 'NOLINTEND' comment without a previous "
               "'NOLINTBEGIN' comment [clang-tidy-nolint]"});
  }
  if (!CheckNames)
    return;
  std::vector<llvm::StringRef> Names = allCheckNames();
  for (const NolintDirective &D : NF.Directives)
    for (const auto &[G, Offset] : D.Globs) {
      if (!namesOurFamily(G))
        continue;
      auto P = llvm::GlobPattern::create(G);
      if (P &&
          llvm::any_of(Names, [&](llvm::StringRef N) { return P->match(N); }))
        continue;
      if (!P)
        llvm::consumeError(P.takeError());
      std::string Msg = "NOLINT names no check '" + G.str() + "'";
      if (std::optional<std::string> Near = nearest(G, Names))
        Msg += "; did you mean '" + *Near + "'?";
      Msg += " (it suppresses nothing of custody's)";
      Messages.insert({Where(Offset), "warning", Msg});
    }
}

/// Every function declaration of a translation unit, without entering
/// function bodies.
class FunctionDecls : public RecursiveASTVisitor<FunctionDecls> {
public:
  explicit FunctionDecls(std::function<void(const FunctionDecl *)> Visit)
      : Visit(std::move(Visit)) {}
  bool TraverseStmt(Stmt *) { return true; }
  bool VisitFunctionDecl(FunctionDecl *FD) {
    Visit(FD);
    return true;
  }

private:
  std::function<void(const FunctionDecl *)> Visit;
};

/// Annotations of custody/annotations.h (outside system headers) that name
/// a resource no contract in force defines: the analysis ignores them, so a
/// typo would silently turn a contract off. One error each, with its place.
void checkAnnotationResources(ASTContext &Ctx, const SessionConfig &Config,
                              std::vector<std::string> &Errors) {
  const SourceManager &SM = Ctx.getSourceManager();
  struct Use {
    SourceLocation Loc;
    std::string Function, Resource;
  };
  std::vector<Use> Uses;
  auto Scan = [&](const Decl *D, const FunctionDecl *FD, bool Param) {
    for (const auto *A : D->specific_attrs<AnnotateAttr>()) {
      llvm::StringRef Text = A->getAnnotation();
      if (!Text.consume_front("custody: "))
        continue;
      llvm::SmallVector<llvm::StringRef, 3> Words;
      Text.split(Words, ' ', -1, false);
      llvm::StringRef Resource;
      if (Param && Words.size() >= 2 &&
          llvm::is_contained({"consumes", "releases", "keeps", "borrows"},
                             Words[0]))
        Resource = Words[1];
      else if (!Param && Words.size() >= 3 && Words[0] == "returns")
        Resource = Words[2];
      else if (!Param && Words.size() >= 2 && Words[0] == "consumes-arg")
        Resource = Words[1];
      if (Resource.empty() || Resource == "any")
        continue;
      SourceLocation Loc = SM.getExpansionLoc(A->getLocation());
      if (Loc.isInvalid() || SM.isInSystemHeader(Loc))
        continue;
      Uses.push_back({Loc, FD->getNameAsString(), Resource.str()});
    }
  };
  FunctionDecls([&](const FunctionDecl *FD) {
    Scan(FD, FD, false);
    for (const ParmVarDecl *P : FD->parameters())
      Scan(P, FD, true);
  }).TraverseDecl(Ctx.getTranslationUnitDecl());
  // CUSTODY_OWNS(R) on a field or a global.
  struct Owners : RecursiveASTVisitor<Owners> {
    std::function<void(const DeclaratorDecl *)> Visit;
    bool TraverseStmt(Stmt *) { return true; }
    bool VisitFieldDecl(FieldDecl *F) {
      Visit(F);
      return true;
    }
    bool VisitVarDecl(VarDecl *V) {
      if (V->hasGlobalStorage())
        Visit(V);
      return true;
    }
  } O;
  O.Visit = [&](const DeclaratorDecl *D) {
    for (const auto *A : D->specific_attrs<AnnotateAttr>()) {
      llvm::StringRef Text = A->getAnnotation();
      if (!Text.consume_front("custody: owns "))
        continue;
      SourceLocation Loc = SM.getExpansionLoc(A->getLocation());
      if (Loc.isInvalid() || SM.isInSystemHeader(Loc))
        continue;
      Uses.push_back({Loc, D->getNameAsString(), Text.trim().str()});
    }
  };
  O.TraverseDecl(Ctx.getTranslationUnitDecl());
  if (Uses.empty())
    return;
  std::vector<ContractError> ContractErrors;
  std::shared_ptr<ContractSet> Set =
      contractsInForce(Ctx, Config, ContractErrors);
  if (!Set)
    return; // The analysis reports the contract errors.
  std::vector<llvm::StringRef> Known;
  for (const auto &R : Set->Resources)
    Known.push_back(R.getKey());
  for (const Use &U : Uses) {
    if (Set->resource(U.Resource))
      continue;
    PrintedLoc L = printLoc(SM, U.Loc);
    std::string Msg;
    llvm::raw_string_ostream OS(Msg);
    OS << L.File << ":" << L.Line << ":" << L.Column
       << ": error: the annotation on '" << U.Function << "' names resource '"
       << U.Resource << "', which no contract in force defines";
    if (std::optional<std::string> Near = nearest(U.Resource, Known))
      OS << "; did you mean '" << *Near << "'?";
    else
      OS << "; define it in a contract (--contracts or .custody.yaml) or "
            "correct the name";
    Errors.push_back(OS.str());
  }
}

/// A file's part of a whole-program run: the summaries it reads and adds,
/// and the files its results depend on.
struct FileRun {
  ProgramContext *Program = nullptr;
  std::vector<std::string> Deps;
};

/// Every file a translation unit's results depend on: its own files and the
/// configuration read for it.
void collectDeps(const SourceManager &SM, const FileSettings &Settings,
                 std::vector<std::string> &Deps) {
  for (const std::string &F : includedFiles(SM))
    Deps.push_back(absolutePath(SM.getFileManager(), F));
  Deps.insert(Deps.end(), Settings.TidyFiles.begin(), Settings.TidyFiles.end());
  Deps.insert(Deps.end(), Settings.Config.ContractFiles.begin(),
              Settings.Config.ContractFiles.end());
  if (auto Main = SM.getFileEntryRefForID(SM.getMainFileID())) {
    std::string Dir(llvm::sys::path::parent_path(
        absolutePath(SM.getFileManager(), Main->getName())));
    std::string Project = findProjectContract(Dir.empty() ? "." : Dir);
    if (!Project.empty())
      Deps.push_back(Project);
  }
  // The built-in contracts: a change to them is a change of custody.
  static const std::vector<std::string> Builtins = [] {
    std::vector<std::string> Files;
    std::error_code EC;
    for (llvm::sys::fs::recursive_directory_iterator
             It(builtinContractsDir(), EC),
         End;
         It != End && !EC; It.increment(EC))
      if (llvm::StringRef(It->path()).ends_with(".yaml"))
        Files.push_back(It->path());
    return Files;
  }();
  if (Settings.Config.BuiltinContracts)
    Deps.insert(Deps.end(), Builtins.begin(), Builtins.end());
}

class Consumer : public ASTConsumer {
public:
  Consumer(std::shared_ptr<const FileSettings> Settings, Results &Out,
           std::shared_ptr<AttributeMacros> Macros, FileRun *Run)
      : Settings(std::move(Settings)), Config(this->Settings->Config),
        Filter(*this->Settings->Filter), Out(Out), Macros(std::move(Macros)),
        Run(Run) {}

  void HandleTranslationUnit(ASTContext &Ctx) override {
    Macros->apply(Ctx);
    std::vector<Finding> Findings;
    std::vector<ContractError> Errors;
    std::string LogText;
    llvm::raw_string_ostream Log(LogText);
    auto Start = std::chrono::steady_clock::now();
    AnalysisReport Report;
    if (Verbose && !Settings->TidyFiles.empty()) {
      Log << "custody: configuration:";
      for (const std::string &F : Settings->TidyFiles)
        Log << " " << F;
      Log << "\n";
    }
    bool Ok = analyzeWithContracts(Ctx, Config, Findings, Errors,
                                   Verbose ? &Log : nullptr, &Report,
                                   Run ? Run->Program : nullptr);
    if (Run)
      collectDeps(Ctx.getSourceManager(), *Settings, Run->Deps);
    if (Verbose)
      Log << "custody: analysis took "
          << llvm::format("%.3f", std::chrono::duration<double>(
                                      std::chrono::steady_clock::now() - Start)
                                      .count())
          << " s\n";
    std::vector<std::string> AnnotationErrors;
    if (Ok)
      checkAnnotationResources(Ctx, Config, AnnotationErrors);
    const SourceManager &SM = Ctx.getSourceManager();
    std::lock_guard<std::mutex> Lock(Out.Mu);
    if (Verbose) {
      // Each line names the file it is about: with -j, the lines of several
      // files follow each other.
      std::string Main = "<main>";
      if (auto Entry = SM.getFileEntryRefForID(SM.getMainFileID()))
        Main = displayName(Entry->getName());
      llvm::SmallVector<llvm::StringRef, 8> Lines;
      llvm::StringRef(Log.str()).split(Lines, '\n', -1, false);
      for (llvm::StringRef L : Lines)
        llvm::errs() << Main << ": " << L << "\n";
    }
    if (!Ok) {
      for (const ContractError &E : Errors)
        Out.ConfigErrors.push_back(E.str());
      return;
    }
    Out.ConfigErrors.insert(Out.ConfigErrors.end(), AnnotationErrors.begin(),
                            AnnotationErrors.end());
    for (const Note &N : Report.Notices)
      Out.notice(printLoc(SM, N.Loc), N.Message);
    for (auto &T : Report.Times)
      Out.Times.push_back(
          {printLoc(SM, SM.getLocForStartOfFile(SM.getMainFileID())).File +
               ": '" + T.first + "'",
           T.second});
    std::map<FileID, NolintFile> Nolint;
    auto NolintOf = [&](FileID FID) -> const NolintFile & {
      auto [It, New] = Nolint.try_emplace(FID);
      if (New) {
        It->second = scanNolint(SM, FID, Ctx.getLangOpts());
        checkNolint(SM, FID, It->second, FID == SM.getMainFileID(),
                    Out.NolintMessages);
      }
      return It->second;
    };
    NolintOf(SM.getMainFileID());
    for (const Finding &F : Findings) {
      if (!Filter.enabled(checkName(F.Kind)))
        continue;
      SourceLocation Loc = SM.getExpansionLoc(F.Loc);
      FileID FID = SM.getFileID(Loc);
      unsigned Offset = SM.getFileOffset(Loc);
      if (FID.isValid() &&
          suppressed(NolintOf(FID), Offset, SM.getLineNumber(FID, Offset),
                     checkName(F.Kind)))
        continue;
      PrintedFinding P;
      P.Loc = printLoc(SM, F.Loc);
      if (F.End.isValid()) {
        // The end token's last byte, when it is on the same line.
        SourceLocation E = SM.getExpansionLoc(F.End);
        if (SM.getFileID(E) == FID &&
            SM.getLineNumber(FID, SM.getFileOffset(E)) == P.Loc.Line) {
          unsigned Len = Lexer::MeasureTokenLength(E, SM, Ctx.getLangOpts());
          unsigned Col = SM.getColumnNumber(FID, SM.getFileOffset(E));
          if (Len > 0 && Col + Len - 1 > P.Loc.Column)
            P.Loc.EndColumn = Col + Len - 1;
        }
      }
      P.Check = checkName(F.Kind).str();
      P.Message = F.Message;
      for (const Note &N : F.Notes)
        P.Notes.push_back({printLoc(SM, N.Loc), N.Message});
      Out.Findings.insert(std::move(P));
    }
  }

private:
  std::shared_ptr<const FileSettings> Settings;
  const SessionConfig &Config;
  const CheckFilter &Filter;
  Results &Out;
  std::shared_ptr<AttributeMacros> Macros;
  FileRun *Run;
};

/// A Consumer per file, with its settings (the command line over its
/// .clang-tidy files) and the preprocessor callbacks that read the CPython
/// checker's attribute macros.
class CheckAction : public ASTFrontendAction {
public:
  CheckAction(Configurations &Configs, Results &Out, FileRun *Run)
      : Configs(Configs), Out(Out), Run(Run) {}
  std::unique_ptr<ASTConsumer>
  CreateASTConsumer(CompilerInstance &CI, llvm::StringRef InFile) override {
    // The compile command's directory, which relative names are relative to.
    llvm::SmallString<256> WorkDir, File(InFile);
    if (auto Cwd = CI.getVirtualFileSystem().getCurrentWorkingDirectory())
      WorkDir = *Cwd;
    else
      llvm::sys::fs::current_path(WorkDir);
    if (!llvm::sys::path::is_absolute(File))
      makeAbsoluteTo(WorkDir, File);
    llvm::sys::path::remove_dots(File, /*remove_dot_dot=*/true);
    std::string Error;
    std::shared_ptr<const FileSettings> Settings =
        Configs.forFile(File, WorkDir, Error);
    if (!Settings) {
      // Checked for every file before the analysis; not reached.
      std::lock_guard<std::mutex> Lock(Out.Mu);
      Out.ConfigErrors.push_back(Error);
      return std::make_unique<ASTConsumer>();
    }
    auto Macros = std::make_shared<AttributeMacros>();
    CI.getPreprocessor().addPPCallbacks(
        Macros->callbacks(CI.getSourceManager()));
    return std::make_unique<Consumer>(std::move(Settings), Out,
                                      std::move(Macros), Run);
  }

private:
  Configurations &Configs;
  Results &Out;
  FileRun *Run;
};

struct CheckActionFactory : public FrontendActionFactory {
  CheckActionFactory(Configurations &Configs, Results &Out,
                     FileRun *Run = nullptr)
      : Configs(Configs), Out(Out), Run(Run) {}
  std::unique_ptr<FrontendAction> create() override {
    return std::make_unique<CheckAction>(Configs, Out, Run);
  }
  Configurations &Configs;
  Results &Out;
  FileRun *Run;
};

// One file's results in the summary store, and back.
llvm::json::Value printedLocJSON(const PrintedLoc &L) {
  return llvm::json::Array{L.File,   L.AbsFile,    L.Line,
                           L.Column, L.SourceLine, L.EndColumn};
}

PrintedLoc printedLocFrom(const llvm::json::Value *V) {
  PrintedLoc L;
  const llvm::json::Array *A = V ? V->getAsArray() : nullptr;
  if (!A || A->size() < 5)
    return L;
  L.File = (*A)[0].getAsString().value_or("").str();
  L.AbsFile = (*A)[1].getAsString().value_or("").str();
  L.Line = unsigned((*A)[2].getAsInteger().value_or(0));
  L.Column = unsigned((*A)[3].getAsInteger().value_or(0));
  L.SourceLine = (*A)[4].getAsString().value_or("").str();
  if (A->size() > 5)
    L.EndColumn = unsigned((*A)[5].getAsInteger().value_or(0));
  return L;
}

llvm::json::Value resultsJSON(const Results &R) {
  llvm::json::Array Findings, Notices, Nolint, Errors, Times;
  for (const PrintedFinding &F : R.Findings) {
    llvm::json::Array Notes;
    for (const PrintedNote &N : F.Notes)
      Notes.push_back(llvm::json::Array{printedLocJSON(N.Loc), N.Message});
    Findings.push_back(llvm::json::Object{{"loc", printedLocJSON(F.Loc)},
                                          {"check", F.Check},
                                          {"message", F.Message},
                                          {"notes", std::move(Notes)}});
  }
  for (const Notice &N : R.Notices)
    Notices.push_back(
        llvm::json::Array{int(N.Level), printedLocJSON(N.Loc), N.Message});
  for (const NolintMessage &M : R.NolintMessages)
    Nolint.push_back(llvm::json::Array{M.Where, M.Level, M.Message});
  for (const std::string &E : R.ConfigErrors)
    Errors.push_back(E);
  for (const auto &[Name, Seconds] : R.Times)
    Times.push_back(llvm::json::Array{Name, Seconds});
  return llvm::json::Object{{"findings", std::move(Findings)},
                            {"notices", std::move(Notices)},
                            {"nolint", std::move(Nolint)},
                            {"errors", std::move(Errors)},
                            {"times", std::move(Times)}};
}

void mergeResults(const llvm::json::Value &V, Results &Out) {
  const llvm::json::Object *O = V.getAsObject();
  if (!O)
    return;
  auto Str = [](const llvm::json::Value &X) {
    return X.getAsString().value_or("").str();
  };
  if (const llvm::json::Array *A = O->getArray("findings"))
    for (const llvm::json::Value &X : *A) {
      const llvm::json::Object *F = X.getAsObject();
      if (!F)
        continue;
      PrintedFinding P;
      P.Loc = printedLocFrom(F->get("loc"));
      P.Check = F->getString("check").value_or("").str();
      P.Message = F->getString("message").value_or("").str();
      if (const llvm::json::Array *Notes = F->getArray("notes"))
        for (const llvm::json::Value &N : *Notes)
          if (const llvm::json::Array *NA = N.getAsArray();
              NA && NA->size() == 2)
            P.Notes.push_back({printedLocFrom(&(*NA)[0]), Str((*NA)[1])});
      Out.Findings.insert(std::move(P));
    }
  if (const llvm::json::Array *A = O->getArray("notices"))
    for (const llvm::json::Value &X : *A)
      if (const llvm::json::Array *N = X.getAsArray(); N && N->size() == 3)
        Out.Notices.push_back(
            {Notice::LevelKind((*N)[0].getAsInteger().value_or(0)),
             printedLocFrom(&(*N)[1]), Str((*N)[2])});
  if (const llvm::json::Array *A = O->getArray("nolint"))
    for (const llvm::json::Value &X : *A)
      if (const llvm::json::Array *N = X.getAsArray(); N && N->size() == 3)
        Out.NolintMessages.insert({Str((*N)[0]), Str((*N)[1]), Str((*N)[2])});
  if (const llvm::json::Array *A = O->getArray("errors"))
    for (const llvm::json::Value &X : *A)
      Out.ConfigErrors.push_back(Str(X));
  if (const llvm::json::Array *A = O->getArray("times"))
    for (const llvm::json::Value &X : *A)
      if (const llvm::json::Array *T = X.getAsArray(); T && T->size() == 2)
        Out.Times.push_back({Str((*T)[0]), (*T)[1].getAsNumber().value_or(0)});
}

/// A source line as Clang prints it under a diagnostic: tabs expanded to
/// the next multiple of 8 columns, each character as wide as a terminal
/// shows it (none for a combining mark, two for a wide CJK character), a
/// character that does not print as <U+XXXX> and a byte that is not UTF-8 as
/// <XX>. Sets CaretColumn to the 0-based display column of byte ByteColumn
/// (1-based).
std::string displayLine(llvm::StringRef Line, unsigned ByteColumn,
                        unsigned &CaretColumn) {
  std::string Out;
  unsigned Width = 0;
  CaretColumn = 0;
  size_t I = 0;
  while (I < Line.size()) {
    if (I + 1 == ByteColumn)
      CaretColumn = Width;
    unsigned char C = Line[I];
    if (C == '\t') {
      unsigned To = (Width / 8 + 1) * 8;
      Out.append(To - Width, ' ');
      Width = To;
      ++I;
      continue;
    }
    unsigned Len = llvm::getNumBytesForUTF8(C);
    const llvm::UTF8 *Begin =
        reinterpret_cast<const llvm::UTF8 *>(Line.data() + I);
    const llvm::UTF8 *Src = Begin;
    llvm::UTF32 CP = 0;
    if (I + Len > Line.size() ||
        llvm::convertUTF8Sequence(&Src, Src + Len, &CP,
                                  llvm::strictConversion) !=
            llvm::conversionOK) {
      std::string Hex = llvm::formatv("<{0:X-2}>", unsigned(C)).str();
      Out += Hex;
      Width += Hex.size();
      ++I;
      continue;
    }
    llvm::StringRef Char = Line.substr(I, Len);
    int W = llvm::sys::unicode::columnWidthUTF8(Char);
    if (W < 0) {
      std::string Hex = llvm::formatv("<U+{0:X-4}>", unsigned(CP)).str();
      Out += Hex;
      Width += Hex.size();
    } else {
      Out += Char.str();
      Width += unsigned(W);
    }
    I += Len;
  }
  if (ByteColumn > Line.size())
    CaretColumn = Width + (ByteColumn - 1 - Line.size());
  return Out;
}

/// The first line of a diagnostic in Clang's colours, when OS has colours
/// enabled: the location in bold, the level in its colour (warning magenta,
/// error red, note cyan, all bold), a warning's or an error's message in
/// bold.
void printHeading(llvm::raw_ostream &OS, llvm::StringRef Where,
                  llvm::StringRef Level, llvm::StringRef Message) {
  OS.changeColor(llvm::raw_ostream::SAVEDCOLOR, true);
  OS << Where << ": ";
  OS.resetColor();
  OS.changeColor(Level == "warning" ? llvm::raw_ostream::MAGENTA
                 : Level == "error" ? llvm::raw_ostream::RED
                                    : llvm::raw_ostream::CYAN,
                 true);
  OS << Level << ": ";
  OS.resetColor();
  if (Level != "note")
    OS.changeColor(llvm::raw_ostream::SAVEDCOLOR, true);
  OS << Message;
  OS.resetColor();
  OS << "\n";
}

void printText(llvm::raw_ostream &OS, const PrintedLoc &L,
               llvm::StringRef Level, llvm::StringRef Message) {
  printHeading(OS,
               L.File + ":" + std::to_string(L.Line) + ":" +
                   std::to_string(L.Column),
               Level, Message);
  if (L.Line == 0)
    return;
  std::string Num = std::to_string(L.Line);
  std::string Gutter(std::max<size_t>(Num.size(), 5), ' ');
  unsigned CaretColumn = 0;
  std::string Shown = displayLine(L.SourceLine, L.Column, CaretColumn);
  // The underline runs to the display column after the range's last byte.
  unsigned Tilde = 0;
  if (L.EndColumn > L.Column) {
    unsigned After = 0;
    displayLine(L.SourceLine, L.EndColumn + 1, After);
    if (After > CaretColumn + 1)
      Tilde = After - CaretColumn - 1;
  }
  OS << Gutter.substr(Num.size()) << Num << " | " << Shown << "\n";
  OS << Gutter << " | ";
  OS.changeColor(llvm::raw_ostream::GREEN, true);
  OS << std::string(CaretColumn, ' ') << "^" << std::string(Tilde, '~');
  OS.resetColor();
  OS << "\n";
}

llvm::json::Value locJSON(const PrintedLoc &L) {
  llvm::json::Object O{
      {"file", L.File}, {"line", L.Line}, {"column", L.Column}};
  if (L.EndColumn)
    O["end_column"] = L.EndColumn;
  return O;
}

void writeText(llvm::raw_ostream &OS,
               const std::set<PrintedFinding> &Findings) {
  for (const PrintedFinding &F : Findings) {
    printText(OS, F.Loc, "warning", F.Message + " [" + F.Check + "]");
    for (const PrintedNote &N : F.Notes)
      printText(OS, N.Loc, "note", N.Message);
  }
}

/// The functions whose analysis was cut short, as notes.
std::vector<Notice> functionNotices(const std::vector<Notice> &All) {
  std::vector<Notice> Out;
  for (const Notice &N : All)
    if (N.Level == Notice::Note && N.Loc.Line)
      Out.push_back(N);
  std::sort(Out.begin(), Out.end());
  return Out;
}

void writeJSON(llvm::raw_ostream &OS, const std::set<PrintedFinding> &Findings,
               const std::vector<Notice> &Notices) {
  llvm::json::Array Arr;
  for (const PrintedFinding &F : Findings) {
    llvm::json::Array Notes;
    for (const PrintedNote &N : F.Notes)
      Notes.push_back(llvm::json::Object{{"location", locJSON(N.Loc)},
                                         {"message", N.Message}});
    Arr.push_back(llvm::json::Object{{"kind", "finding"},
                                     {"check", F.Check},
                                     {"message", F.Message},
                                     {"location", locJSON(F.Loc)},
                                     {"notes", std::move(Notes)}});
  }
  // A function cut short: an entry of kind "notice", after the findings
  // (with an empty check and no notes, so readers that ignore the kind
  // still find the fields they expect).
  for (const Notice &N : functionNotices(Notices))
    Arr.push_back(llvm::json::Object{{"kind", "notice"},
                                     {"check", ""},
                                     {"message", N.Message},
                                     {"location", locJSON(N.Loc)},
                                     {"notes", llvm::json::Array()}});
  OS << llvm::formatv("{0:2}", llvm::json::Value(std::move(Arr))) << "\n";
}

/// Runs git and returns what it printed, or nullopt if it failed (then
/// Error holds what it said on standard error, when asked for).
std::optional<std::string> runGit(llvm::ArrayRef<llvm::StringRef> Args,
                                  std::string *Error = nullptr) {
  static llvm::ErrorOr<std::string> Git = llvm::sys::findProgramByName("git");
  if (!Git) {
    if (Error)
      *Error = "git is not on PATH";
    return std::nullopt;
  }
  llvm::SmallString<128> Out, Err;
  if (llvm::sys::fs::createTemporaryFile("custody-git", "txt", Out) ||
      llvm::sys::fs::createTemporaryFile("custody-git", "err", Err))
    return std::nullopt;
  std::vector<llvm::StringRef> Argv{*Git};
  Argv.insert(Argv.end(), Args.begin(), Args.end());
  std::optional<llvm::StringRef> Redirects[] = {llvm::StringRef(""), Out.str(),
                                                Err.str()};
  int RC = llvm::sys::ExecuteAndWait(*Git, Argv, std::nullopt, Redirects);
  auto Buf = llvm::MemoryBuffer::getFile(Out);
  auto ErrBuf = llvm::MemoryBuffer::getFile(Err);
  llvm::sys::fs::remove(Out);
  llvm::sys::fs::remove(Err);
  if (RC != 0 || !Buf) {
    if (Error && ErrBuf)
      *Error = (*ErrBuf)->getBuffer().trim().str();
    return std::nullopt;
  }
  return (*Buf)->getBuffer().str();
}

/// The git top level of Dir, as a real path, or empty.
std::string gitTopLevel(llvm::StringRef Dir, std::string *Error = nullptr) {
  std::optional<std::string> Top =
      runGit({"-C", Dir, "rev-parse", "--show-toplevel"}, Error);
  return Top ? llvm::StringRef(*Top).trim().str() : std::string();
}

/// The real path of a file name, made absolute if it cannot be resolved.
std::string realPath(llvm::StringRef Path) {
  llvm::SmallString<256> Real;
  if (!llvm::sys::fs::real_path(Path, Real))
    return std::string(Real);
  Real = Path;
  llvm::sys::fs::make_absolute(Real);
  llvm::sys::path::remove_dots(Real, /*remove_dot_dot=*/true);
  return std::string(Real);
}

/// --diff-base: the lines changed since a revision, from one 'git diff' over
/// the whole repository, and the files git tracks.
class DiffFilter {
public:
  /// The repository that holds Dir, with Rev checked; nullopt after saying
  /// what is wrong.
  static std::optional<DiffFilter> open(llvm::StringRef Dir,
                                        llvm::StringRef Rev) {
    DiffFilter D;
    std::string Error;
    D.Top = gitTopLevel(Dir, &Error);
    if (D.Top.empty()) {
      llvm::errs() << "custody: error: --diff-base needs a git repository; '"
                   << Dir << "' is not in one"
                   << (Error.empty() ? "" : " (git: " + Error + ")") << "\n";
      return std::nullopt;
    }
    if (!runGit({"-C", D.Top, "rev-parse", "--verify", "--quiet",
                 (Rev + "^{commit}").str()})) {
      llvm::errs() << "custody: error: --diff-base: '" << Rev
                   << "' is not a revision of the git repository '" << D.Top
                   << "'; a shallow clone may lack it: fetch it (git fetch "
                      "origin "
                   << Rev
                   << "), or clone with more history (actions/checkout: "
                      "fetch-depth: 0)\n";
      return std::nullopt;
    }
    std::optional<std::string> Files =
        runGit({"-C", D.Top, "ls-files", "-z"}, &Error);
    std::optional<std::string> Diff =
        Files ? runGit({"-C", D.Top, "-c", "core.quotepath=off", "diff", "-U0",
                        "--no-color", "--no-ext-diff", "--src-prefix=a/",
                        "--dst-prefix=b/", Rev.str()},
                       &Error)
              : std::nullopt;
    if (!Diff) {
      llvm::errs() << "custody: error: --diff-base: git failed in '" << D.Top
                   << "': " << Error << "\n";
      return std::nullopt;
    }
    llvm::SmallVector<llvm::StringRef, 256> Names;
    llvm::StringRef(*Files).split(Names, '\0', -1, false);
    for (llvm::StringRef N : Names)
      D.Tracked.insert(N.str());
    D.parse(*Diff);
    return D;
  }

  /// Whether a finding at Line of the file (an absolute path) is on a
  /// changed line or in a file git does not track.
  bool keep(llvm::StringRef AbsFile, unsigned Line) {
    auto [It, New] = Relative.try_emplace(AbsFile);
    if (New) {
      std::string Real = realPath(AbsFile);
      llvm::StringRef R = Real;
      It->second = R.consume_front(Top) && R.consume_front("/") ? R.str() : "";
    }
    const std::string &Rel = It->second;
    if (Rel.empty() || !Tracked.count(Rel))
      return true; // Outside the repository, or new to git.
    auto C = Changed.find(Rel);
    return C != Changed.end() && C->second.count(Line);
  }

private:
  void parse(llvm::StringRef Diff) {
    llvm::SmallVector<llvm::StringRef, 256> Rows;
    Diff.split(Rows, '\n');
    std::set<unsigned> *Lines = nullptr;
    for (llvm::StringRef Row : Rows) {
      if (Row.consume_front("+++ ")) {
        Lines = Row.consume_front("b/") ? &Changed[Row.rtrim("\r").str()]
                                        : nullptr; // "+++ /dev/null"
        continue;
      }
      // "@@ -a,b +c,d @@": lines c .. c+d-1 of the new file (d defaults to 1).
      if (!Lines || !Row.consume_front("@@ "))
        continue;
      llvm::StringRef New = Row.split(' ').second.split(' ').first;
      if (!New.consume_front("+"))
        continue;
      auto [StartS, CountS] = New.split(',');
      unsigned Start = 0, Count = 1;
      if (StartS.getAsInteger(10, Start) ||
          (!CountS.empty() && CountS.getAsInteger(10, Count)))
        continue;
      for (unsigned L = Start; L < Start + Count; ++L)
        Lines->insert(L);
    }
  }

  std::string Top;
  std::set<std::string> Tracked;
  std::map<std::string, std::set<unsigned>> Changed;
  llvm::StringMap<std::string> Relative;
};

/// How a file is shown in progress lines: relative to the current directory
/// when under it.
std::string displayName(llvm::StringRef File) {
  llvm::SmallString<256> Cwd;
  if (llvm::sys::fs::current_path(Cwd))
    return File.str();
  llvm::StringRef F = File;
  if (F.consume_front(Cwd) && F.consume_front("/"))
    return F.str();
  return File.str();
}

bool showProgress() {
  if (Progress.getNumOccurrences())
    return Progress;
  return llvm::sys::Process::StandardErrIsDisplayed();
}

/// The -p value given on the command line, or empty.
std::string buildDirArg(int argc, const char **argv) {
  std::string BuildDir;
  for (int I = 1; I < argc; ++I) {
    llvm::StringRef A(argv[I]);
    if (A == "--")
      break;
    if ((A == "-p" || A == "--p") && I + 1 < argc)
      BuildDir = argv[I + 1];
    else if (A.consume_front("-p=") || A.consume_front("--p="))
      BuildDir = A.str();
  }
  return BuildDir;
}

/// When BuildDir holds a compile_commands.json that does not load: says
/// which file and why, and returns true.
bool reportUnreadableDatabase(llvm::StringRef BuildDir) {
  llvm::SmallString<256> File(BuildDir);
  llvm::sys::path::append(File, "compile_commands.json");
  if (!llvm::sys::fs::exists(File))
    return false;
  std::string Err;
  if (JSONCompilationDatabase::loadFromFile(File, Err,
                                            JSONCommandLineSyntax::AutoDetect))
    return false;
  llvm::errs() << "custody: error: cannot read the compile database '" << File
               << "': " << llvm::StringRef(Err).trim() << "\n";
  return true;
}

/// The settings of every file, checked before the analysis: a .clang-tidy
/// that does not parse, a value custody cannot use, a Checks entry that
/// names no custody check, or no check enabled for any file is an error
/// (false, after saying what to do).
bool checkConfigurations(Configurations &Configs, const CompilationDatabase &DB,
                         const std::vector<std::string> &Files) {
  llvm::SmallString<256> Cwd;
  llvm::sys::fs::current_path(Cwd);
  std::set<std::string> Checked; // .clang-tidy files whose Checks are valid.
  std::shared_ptr<const FileSettings> First;
  bool AnyEnabled = false;
  for (const std::string &F : Files) {
    std::vector<CompileCommand> Commands = DB.getCompileCommands(F);
    llvm::SmallString<256> WorkDir(Commands.empty() ? llvm::StringRef(Cwd)
                                                    : Commands[0].Directory);
    makeAbsoluteTo(Cwd, WorkDir);
    llvm::sys::path::remove_dots(WorkDir, /*remove_dot_dot=*/true);
    llvm::SmallString<256> Abs(F);
    if (!llvm::sys::path::is_absolute(Abs))
      makeAbsoluteTo(WorkDir, Abs);
    std::string Error;
    std::shared_ptr<const FileSettings> S =
        Configs.forFile(Abs, WorkDir, Error);
    std::vector<std::string> ReadErrors = Configs.Reader.errors();
    if (!ReadErrors.empty()) {
      for (const std::string &E : ReadErrors)
        llvm::errs() << E << "\n";
      llvm::errs() << "custody: error: a .clang-tidy file custody reads "
                      "does not parse; correct it (clang-tidy reads it too)\n";
      return false;
    }
    if (!S) {
      llvm::errs() << Error << "\n";
      return false;
    }
    if (!First)
      First = S;
    if (!Checks.getNumOccurrences()) {
      const TidySettings &T = Configs.Reader.settingsFor(Abs);
      for (size_t I = 0; I < T.Files.size(); ++I) {
        if (T.FileChecks[I].empty() || !Checked.insert(T.Files[I]).second)
          continue;
        CheckFilter Own(T.FileChecks[I]);
        if (!validateChecks(Own, "'" + T.Files[I] + "': Checks",
                            /*RequireSome=*/false))
          return false;
      }
    }
    for (llvm::StringRef N : allCheckNames())
      AnyEnabled |= S->Filter->enabled(N);
  }
  if (AnyEnabled || AllowNoChecks || !First || First->ChecksFrom == "--checks")
    return true;
  // Only .clang-tidy files can disable every check here (--checks was
  // validated on its own).
  llvm::errs() << "custody: error: the Checks of '" << First->ChecksFrom
               << "' enable none of custody's checks for the files checked "
                  "(custody's checks are on unless a .clang-tidy names them; "
                  "'custody --list-checks' lists them; --checks overrides "
                  "the file; --allow-no-checks runs anyway)\n";
  return false;
}

} // namespace

void custody::useCategory(llvm::cl::OptionCategory &C) {
  for (auto &Entry : llvm::cl::getRegisteredOptions()) {
    llvm::cl::Option *O = Entry.second;
    if (!llvm::is_contained(O->Categories, &C))
      continue;
    llvm::erase_if(O->Categories, [&](llvm::cl::OptionCategory *Other) {
      return Other != &C && (Other == &Category || Other == &AuditCategory);
    });
  }
}

bool custody::reportConfigErrors(const std::vector<std::string> &Errors) {
  // Every file that includes a broken contract reports it: once each.
  std::set<std::string> Unique(Errors.begin(), Errors.end());
  for (const std::string &E : Unique)
    llvm::errs() << E << "\n";
  return !Unique.empty();
}

std::optional<SessionConfig> custody::sessionConfigFromOptions() {
  SessionConfig Config;
  // Relative to where custody was started, whatever directory a compile
  // command runs in.
  for (const std::string &F : ContractFiles) {
    llvm::SmallString<256> Abs(F);
    llvm::sys::fs::make_absolute(Abs);
    Config.ContractFiles.push_back(std::string(Abs));
  }
  Config.BuiltinContracts = !NoBuiltins;
  Config.ProjectContract = !NoProjectContract;
  Config.Limits.FunctionSeconds = FunctionTimeBudget;
  Config.Limits.VisitsPerBlock = VisitsPerBlock;
  Config.Limits.StatesPerFunction = StatesPerFunction;
  Config.Limits.OomProtocol = OomProtocol;
  // Errors in the user's contracts are reported once, up front, before any
  // file is parsed (built-in contracts are otherwise only read when needed).
  if (!Config.ContractFiles.empty()) {
    std::vector<ContractError> Errors;
    if (!loadContracts(Config.ContractFiles, Config.BuiltinContracts, nullptr,
                       Errors)) {
      for (const ContractError &E : Errors)
        llvm::errs() << E.str() << "\n";
      return std::nullopt;
    }
  }
  return Config;
}

void custody::adjustArguments(ClangTool &Tool) {
  // Compiler warnings are not ours to report; errors still show.
  Tool.appendArgumentsAdjuster(
      getInsertArgumentAdjuster("-w", ArgumentInsertPosition::END));
  Tool.appendArgumentsAdjuster(
      getInsertArgumentAdjuster("-Wno-error", ArgumentInsertPosition::END));
  // Clang's own headers (stddef.h, stdarg.h) come from the resource
  // directory of the Clang this tool was built with.
  Tool.appendArgumentsAdjuster(
      [](const CommandLineArguments &Args, llvm::StringRef) {
        for (const std::string &A : Args)
          if (llvm::StringRef(A).starts_with("-resource-dir"))
            return Args;
        CommandLineArguments Out = Args;
        Out.insert(Out.begin() + (Out.empty() ? 0 : 1),
                   "-resource-dir=" CUSTODY_CLANG_RESOURCE_DIR);
        return Out;
      });
}

std::vector<std::string>
custody::parseFiles(const CompilationDatabase &DB,
                    const std::vector<std::string> &Files,
                    FrontendActionFactory &Factory) {
  std::mutex Mu;
  std::vector<std::string> Failed;
  bool ShowProgress = showProgress();
  size_t Done = 0;
  auto RunOne = [&](const std::string &File) {
    auto Start = std::chrono::steady_clock::now();
    ClangTool Tool(DB, {File});
    adjustArguments(Tool);
    // A file that crashes the parser (or the analysis) is reported like one
    // that does not parse; the other files are still checked.
    bool Ok = runSafely(Tool, Factory);
    double Seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - Start)
            .count();
    std::lock_guard<std::mutex> Lock(Mu);
    if (!Ok)
      Failed.push_back(File);
    ++Done;
    // One write, so that the compiler's messages from other threads do not
    // land inside the line.
    if (ShowProgress)
      llvm::errs() << llvm::formatv("[{0}/{1}] {2} {3:F2} s{4}\n", Done,
                                    Files.size(), displayName(File), Seconds,
                                    Ok ? "" : " (did not parse)")
                          .str();
  };
  unsigned N = Jobs ? unsigned(Jobs) : 1;
  if (N <= 1 || Files.size() == 1) {
    for (const std::string &F : Files)
      RunOne(F);
  } else {
    llvm::DefaultThreadPool Pool(llvm::hardware_concurrency(N));
    for (const std::string &F : Files)
      Pool.async([&, F] { RunOne(F); });
    Pool.wait();
  }
  // Files finish in any order with -j: report them in a stable one.
  std::sort(Failed.begin(), Failed.end());
  return Failed;
}

bool custody::runSafely(ClangTool &Tool, FrontendActionFactory &Factory) {
  int RC = 1;
  llvm::CrashRecoveryContext CRC;
  if (!CRC.RunSafelyOnThread([&] { RC = Tool.run(&Factory); }, 1u << 30))
    RC = 1;
  return RC == 0;
}

int custody::writeOutput(llvm::StringRef Path, llvm::StringRef Text) {
  if (Path.empty() || Path == "-") {
    llvm::outs() << Text;
    return 0;
  }
  std::error_code EC;
  llvm::raw_fd_ostream OS(Path, EC, llvm::sys::fs::OF_Text);
  if (EC) {
    llvm::errs() << "custody: error: cannot write '" << Path
                 << "': " << EC.message() << "\n";
    return 2;
  }
  OS << Text;
  return 0;
}

std::string custody::buildDirOption(int argc, const char **argv) {
  return buildDirArg(argc, argv);
}

bool custody::checkBuildDir(int argc, const char **argv) {
  for (int I = 1; I < argc; ++I)
    if (llvm::StringRef(argv[I]) == "--")
      return true; // The flags after '--' are the compile command.
  std::string BuildDir = buildDirArg(argc, argv);
  if (BuildDir.empty())
    return true;
  if (!llvm::sys::fs::is_directory(BuildDir)) {
    llvm::errs() << "custody: error: -p '" << BuildDir
                 << "': no such directory (-p names the build directory "
                    "that holds compile_commands.json)\n";
    return false;
  }
  std::string Err;
  if (auto DB = CompilationDatabase::autoDetectFromDirectory(BuildDir, Err)) {
    if (!DB->getAllFiles().empty())
      return true;
    llvm::errs() << "custody: error: -p '" << BuildDir
                 << "': the compile database has no files\n";
    return false;
  }
  if (reportUnreadableDatabase(BuildDir))
    return false;
  llvm::errs() << "custody: error: -p '" << BuildDir
               << "': no compile_commands.json there or in a parent "
                  "directory; generate it (CMake: "
                  "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON), or give the compiler "
                  "flags after '--' instead of -p\n";
  return false;
}

bool custody::inputFiles(int argc, const char **argv,
                         CommonOptionsParser &Parser,
                         std::vector<std::string> &Files,
                         std::unique_ptr<CompilationDatabase> &WholeDB) {
  Files = Parser.getSourcePathList();
  // Named files must exist: a missing one would otherwise be reported by the
  // compiler driver as a file that does not parse.
  for (const std::string &F : Files) {
    llvm::sys::fs::file_status St;
    if (llvm::sys::fs::status(F, St) || !llvm::sys::fs::exists(St)) {
      llvm::errs() << "custody: error: no such file: '" << F << "'\n";
      return false;
    }
    if (llvm::sys::fs::is_directory(St)) {
      llvm::errs() << "custody: error: '" << F
                   << "' is a directory; name source files, or give -p "
                      "BUILD_DIR to check every file of its compile "
                      "database\n";
      return false;
    }
  }
  // With no files named, CommonOptionsParser loads no database: every file of
  // the one given with -p is taken.
  if (Files.empty()) {
    std::string BuildDir = buildDirArg(argc, argv);
    if (BuildDir.empty()) {
      llvm::errs() << "custody: error: no input files (name files, or give "
                      "-p BUILD_DIR with a compile_commands.json)\n";
      return false;
    }
    std::string Err;
    WholeDB = CompilationDatabase::loadFromDirectory(BuildDir, Err);
    if (!WholeDB) {
      if (!reportUnreadableDatabase(BuildDir))
        llvm::errs() << "custody: error: -p '" << BuildDir
                     << "': no compile_commands.json there; generate it "
                        "(CMake: -DCMAKE_EXPORT_COMPILE_COMMANDS=ON)\n";
      return false;
    }
    Files = WholeDB->getAllFiles();
    if (Files.empty()) {
      llvm::errs() << "custody: error: no files in the compilation database "
                      "in '"
                   << BuildDir << "'\n";
      return false;
    }
  }
  std::sort(Files.begin(), Files.end());
  Files.erase(std::unique(Files.begin(), Files.end()), Files.end());
  return true;
}

/// The text of `custody --help` that LLVM's option list does not give.
static const char SubcommandHelp[] =
    "\nSubcommands (each with its own --help):\n"
    "  custody audit [-p BUILD_DIR] [FILES... -- FLAGS]\n"
    "      external functions the code calls that no contract describes\n"
    "  custody contracts suggest HEADER.h [-- FLAGS]\n"
    "      a first contract for a C SDK from its header\n"
    "  custody contracts import-cppcheck FILE.cfg...\n"
    "      a contract from cppcheck library configurations, merged\n"
    "  custody contracts export -p BUILD_DIR [--header H] [--check FILE]\n"
    "      the whole program's summaries as a contract, or compared with one\n"
    "  custody summaries merge OUT_DIR STORE_DIR...\n"
    "      one summary store from those of shards (--shard with -p)\n"
    "  custody trace [--contracts F] [--header H] -- COMMAND ARGS...\n"
    "      the resources COMMAND still holds at exit, by the contracts\n"
    "  custody triage --heap-profile FILE [--findings custody.json]\n"
    "      the static findings ranked by the live bytes of a heap profile\n"
    "  custody help [SUBCOMMAND]\n"
    "      this help, or a subcommand's\n";

int main(int argc, const char **argv) {
  llvm::sys::PrintStackTraceOnErrorSignal(argv[0]);
  llvm::CrashRecoveryContext::Enable();
  llvm::cl::AddExtraVersionPrinter(
      [](llvm::raw_ostream &OS) { OS << "custody " CUSTODY_VERSION "\n"; });

  // `custody help [SUBCOMMAND...]` is `custody [SUBCOMMAND...] --help`.
  std::vector<const char *> HelpArgs;
  if (argc > 1 && llvm::StringRef(argv[1]) == "help") {
    HelpArgs.push_back(argv[0]);
    HelpArgs.insert(HelpArgs.end(), argv + 2, argv + argc);
    HelpArgs.push_back("--help");
    argc = int(HelpArgs.size());
    argv = HelpArgs.data();
  }

  // Subcommands, each with its own arguments.
  if (argc > 1) {
    llvm::StringRef Cmd(argv[1]);
    if (Cmd == "audit")
      return auditMain(argc - 1, argv + 1);
    if (Cmd == "trace")
      return traceMain(argc - 1, argv + 1);
    if (Cmd == "triage")
      return triageMain(argc - 1, argv + 1);
    // A command of subcommands given none (or --help): which there are.
    llvm::StringRef Sub = argc > 2 ? argv[2] : "";
    auto Subcommands = [&](llvm::StringRef Which) {
      bool Help = Sub == "--help" || Sub == "-help" || Sub == "-h";
      (Help ? llvm::outs() : llvm::errs())
          << (Help ? "" : "custody: error: ") << "'custody " << Cmd
          << "' needs a subcommand: " << Which << "\n";
      return Help ? 0 : 2;
    };
    if (Cmd == "summaries") {
      if (Sub == "merge")
        return mergeSummariesMain(argc - 2, argv + 2);
      return Subcommands("merge OUT_DIR STORE_DIR...");
    }
    if (Cmd == "contracts") {
      if (Sub == "import-cppcheck")
        return importCppcheckMain(argc - 2, argv + 2);
      if (Sub == "suggest")
        return suggestMain(argc - 2, argv + 2);
      if (Sub == "export")
        return exportContractsMain(argc - 2, argv + 2);
      return Subcommands("import-cppcheck FILE.cfg..., suggest HEADER.h [-- "
                         "FLAGS], or export -p BUILD");
    }
  }
  llvm::cl::extrahelp Subcommands(SubcommandHelp);
  llvm::cl::extrahelp More(
      "\nExit codes: 0 no findings, 1 findings, 2 usage or configuration "
      "error, 3 a file could not be parsed.\n");

  for (int I = 1; I < argc; ++I)
    if (llvm::StringRef(argv[I]) == "--list-checks" ||
        llvm::StringRef(argv[I]) == "-list-checks") {
#define CUSTODY_CHECK(Kind, Name, Summary)                                     \
  llvm::outs() << Name << "\t" << Summary << "\n";
#include "Checks.def"
      return 0;
    }

  // --color=WHEN (or --color alone: always), before the compiler flags.
  std::vector<const char *> Args(argv, argv + argc);
  for (size_t I = 1; I < Args.size(); ++I) {
    llvm::StringRef A(Args[I]);
    if (A == "--")
      break;
    if (!A.consume_front("--") && !A.consume_front("-"))
      continue;
    if (A == "color")
      Color = "always";
    else if (A.consume_front("color="))
      Color = A.str();
    else
      continue;
    Args.erase(Args.begin() + I--);
  }
  argc = int(Args.size());
  argv = Args.data();

  if (!checkBuildDir(argc, argv))
    return 2;
  useCategory(Category);
  auto Parser =
      CommonOptionsParser::create(argc, argv, Category, llvm::cl::ZeroOrMore);
  if (!Parser) {
    // The message already names the tool.
    llvm::errs() << llvm::toString(Parser.takeError());
    return 2;
  }
  if (Color != "auto" && Color != "always" && Color != "never") {
    llvm::errs() << "custody: error: unknown --color '" << Color
                 << "' (expected auto, always or never)\n";
    return 2;
  }
  if (Format != "text" && Format != "json" && Format != "sarif" &&
      Format != "codequality") {
    llvm::errs() << "custody: error: unknown --format '" << Format
                 << "' (expected text, json, sarif or codequality)\n";
    return 2;
  }
  {
    CheckFilter Filter(Checks);
    if (!validateChecks(Filter, "--checks", !AllowNoChecks))
      return 2;
  }
  if (!llvm::StringRef(DocsURL).contains("://")) {
    llvm::errs() << "custody: error: --docs-url must be an absolute URL "
                    "(https://...); got '"
                 << DocsURL << "'\n";
    return 2;
  }
  std::vector<std::string> Files;
  std::unique_ptr<CompilationDatabase> WholeDB;
  if (!inputFiles(argc, argv, *Parser, Files, WholeDB))
    return 2;
  const CompilationDatabase &DB =
      WholeDB ? *WholeDB : Parser->getCompilations();
  std::string AutomationId = "custody/";
  if (!Shard.empty()) {
    unsigned I = 0, N = 0;
    auto [IS, NS] = llvm::StringRef(Shard).split('/');
    if (IS.getAsInteger(10, I) || NS.getAsInteger(10, N) || N == 0 || I == 0 ||
        I > N) {
      llvm::errs() << "custody: error: --shard must be I/N with 1 <= I <= N; "
                      "got '"
                   << Shard << "'\n";
      return 2;
    }
    // Every N-th file of the sorted list: deterministic, and the shards
    // together are the whole list.
    std::vector<std::string> Mine;
    for (size_t K = 0; K < Files.size(); ++K)
      if (K % N == I - 1)
        Mine.push_back(Files[K]);
    Files = std::move(Mine);
    AutomationId = llvm::formatv("custody/shard-{0}-of-{1}/", I, N).str();
    if (Files.empty())
      return 0;
  }

  // The repository and the revision are checked before the analysis: a
  // revision a shallow clone lacks would otherwise filter every finding out.
  std::optional<DiffFilter> Diff;
  if (!DiffBase.empty()) {
    // The repository that holds the files (the first one's directory).
    std::vector<CompileCommand> Commands = DB.getCompileCommands(Files[0]);
    llvm::SmallString<256> First(Files[0]);
    if (!llvm::sys::path::is_absolute(First) && !Commands.empty())
      makeAbsoluteTo(Commands[0].Directory, First);
    llvm::sys::fs::make_absolute(First);
    llvm::sys::path::remove_dots(First, /*remove_dot_dot=*/true);
    Diff = DiffFilter::open(llvm::sys::path::parent_path(First), DiffBase);
    if (!Diff)
      return 2;
  }

  std::optional<SessionConfig> Config = sessionConfigFromOptions();
  if (!Config)
    return 2;
  Results Out;
  Configurations Configs(*Config);
  if (!checkConfigurations(Configs, DB, Files))
    return 2;

  auto Start = std::chrono::steady_clock::now();
  std::string BuildDir = buildDirArg(argc, argv);
  // With a compile database the whole program is analyzed, so that a
  // function defined in one file is known in the others; a shard runs its
  // files on their own.
  if (!BuildDir.empty() && !NoSummaries) {
    WholeProgramOptions WO;
    WO.StoreDir = SummaryStore;
    if (WO.StoreDir.empty()) {
      llvm::SmallString<256> D(BuildDir);
      llvm::sys::path::append(D, ".custody", "summaries");
      WO.StoreDir = std::string(D);
    }
    WO.Jobs = Jobs ? unsigned(Jobs) : 1;
    WO.Progress = showProgress();
    WO.Fresh = FreshSummaries;
    if (!Shard.empty()) // A shard runs its files, with the others' summaries.
      WO.Only.insert(Files.begin(), Files.end());
    WO.OptionsKey = llvm::formatv("checks={0}\nbuiltins={1}\nproject={2}\n"
                                  "budget={3}\nstates={4}\nvisits={5}\noom={6}",
                                  Checks, !NoBuiltins, !NoProjectContract,
                                  FunctionTimeBudget, StatesPerFunction,
                                  VisitsPerBlock, OomProtocol)
                        .str();
    for (const std::string &C : ContractFiles)
      WO.OptionsKey += "\ncontract=" + C;
    // Every file of the database is summarized; the named ones reported.
    std::vector<std::string> All = DB.getAllFiles();
    All.insert(All.end(), Files.begin(), Files.end());
    llvm::sort(All);
    All.erase(std::unique(All.begin(), All.end()), All.end());
    WholeProgramStats Stats;
    std::vector<std::string> Failed;
    auto Analyze = [&](const std::string &File, ProgramContext &Program,
                       std::vector<std::string> &Deps,
                       llvm::json::Value &Json) {
      Results Mine;
      FileRun Run;
      Run.Program = &Program;
      CheckActionFactory Factory(Configs, Mine, &Run);
      ClangTool Tool(DB, {File});
      adjustArguments(Tool);
      bool Ok = runSafely(Tool, Factory);
      Deps = std::move(Run.Deps);
      Json = resultsJSON(Mine);
      return Ok;
    };
    std::map<std::string, llvm::json::Value> PerFile =
        runWholeProgram(DB, All, WO, Analyze, Stats, Failed);
    std::set<std::string> Named(Files.begin(), Files.end());
    for (const auto &[F, V] : PerFile)
      if (Named.count(F))
        mergeResults(V, Out);
    for (const std::string &F : Failed)
      if (Named.count(F))
        Out.Failed.push_back(F);
    for (const std::string &N : Stats.Notes)
      llvm::errs() << "custody: note: " << N << "\n";
    if (Stats.Unsettled)
      llvm::errs() << "custody: note: the summaries of " << Stats.Unsettled
                   << " file" << (Stats.Unsettled == 1 ? "" : "s")
                   << " still changed after " << Stats.Rounds
                   << " rounds; their callers may miss the last change\n";
    if (Verbose)
      llvm::errs() << "custody: summaries: " << Stats.Files << " files, "
                   << Stats.Reused << " from the store, " << Stats.Runs
                   << " analyzed in " << Stats.Rounds << " round"
                   << (Stats.Rounds == 1 ? "" : "s") << " ('" << WO.StoreDir
                   << "')\n";
  } else {
    CheckActionFactory Factory(Configs, Out);
    Out.Failed = parseFiles(DB, Files, Factory);
  }
  double Seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - Start)
          .count();

  if (reportConfigErrors(Out.ConfigErrors))
    return 2;
  for (const std::string &F : Out.Failed) {
    PrintedLoc L;
    L.File = F;
    L.AbsFile = F;
    Out.notice(L,
               "'" + F +
                   "' could not be parsed; its findings may be "
                   "incomplete",
               Notice::Error);
  }

  // What --diff-base and --baseline leave out: not new, so not reported nor
  // counted, but still in SARIF (marked unchanged) for code-scanning
  // services, which close the alerts an upload lacks.
  std::set<PrintedFinding> Unchanged;
  if (Diff) {
    std::set<PrintedFinding> Kept;
    for (const PrintedFinding &F : Out.Findings)
      (Diff->keep(F.Loc.AbsFile, F.Loc.Line) ? Kept : Unchanged).insert(F);
    Out.Findings = std::move(Kept);
  }
  if (!WriteBaseline.empty()) {
    std::error_code EC;
    llvm::raw_fd_ostream BOS(WriteBaseline, EC);
    if (EC) {
      llvm::errs() << "custody: error: cannot write '" << WriteBaseline
                   << "': " << EC.message() << "\n";
      return 2;
    }
    llvm::json::Array Entries;
    std::vector<std::string> Prints = fingerprints(Out.Findings);
    size_t I = 0;
    for (const PrintedFinding &F : Out.Findings)
      Entries.push_back(
          llvm::json::Object{{"check", F.Check},
                             {"file", llvm::sys::path::filename(F.Loc.File)},
                             {"message", F.Message},
                             {"fingerprint", Prints[I++]}});
    BOS << llvm::formatv("{0:2}",
                         llvm::json::Value(llvm::json::Object{
                             {"version", 1}, {"findings", std::move(Entries)}}))
        << "\n";
    llvm::errs() << "custody: wrote " << Out.Findings.size()
                 << " findings to the baseline '" << WriteBaseline << "'\n";
    return Out.Failed.empty() ? 0 : 3;
  }
  if (!Baseline.empty()) {
    auto Buf = llvm::MemoryBuffer::getFile(Baseline);
    llvm::Expected<llvm::json::Value> V =
        Buf ? llvm::json::parse((*Buf)->getBuffer())
            : llvm::Expected<llvm::json::Value>(
                  llvm::createStringError(Buf.getError(), "cannot read it"));
    std::set<std::string> Known;
    const llvm::json::Array *Entries = nullptr;
    if (V)
      if (const llvm::json::Object *O = V->getAsObject())
        Entries = O->getArray("findings");
    if (!V || !Entries) {
      llvm::errs() << "custody: error: '" << Baseline
                   << "' is not a custody baseline"
                   << (V ? std::string() : ": " + llvm::toString(V.takeError()))
                   << "\n";
      return 2;
    }
    for (const llvm::json::Value &E : *Entries)
      if (const llvm::json::Object *O = E.getAsObject())
        if (std::optional<llvm::StringRef> P = O->getString("fingerprint"))
          Known.insert(P->str());
    std::vector<std::string> Prints = fingerprints(Out.Findings);
    std::set<PrintedFinding> New;
    size_t I = 0;
    for (const PrintedFinding &F : Out.Findings)
      (Known.count(Prints[I++]) ? Unchanged : New).insert(F);
    Out.Findings = std::move(New);
  }

  // The main output (--format, to --output or standard output) and the extra
  // ones (--sarif-output, --json-output): all opened before any is written.
  struct Output {
    std::string Format, File;
    std::unique_ptr<llvm::raw_fd_ostream> Stream;
  };
  std::vector<Output> Outputs;
  Outputs.push_back({Format, OutputFile, nullptr});
  if (!JsonOutput.empty())
    Outputs.push_back({"json", JsonOutput, nullptr});
  if (!SarifOutput.empty())
    Outputs.push_back({"sarif", SarifOutput, nullptr});
  if (!CodeQualityOutput.empty())
    Outputs.push_back({"codequality", CodeQualityOutput, nullptr});
  for (Output &O : Outputs) {
    if (O.File.empty())
      continue;
    std::error_code EC;
    O.Stream = std::make_unique<llvm::raw_fd_ostream>(O.File, EC);
    if (EC) {
      llvm::errs() << "custody: error: cannot write '" << O.File
                   << "': " << EC.message() << "\n";
      return 2;
    }
  }
  SarifRun Run;
  bool NeedRun = llvm::any_of(Outputs, [](const Output &O) {
    return O.Format == "sarif" || O.Format == "codequality";
  });
  if (NeedRun) {
    Run.DocsURL = llvm::StringRef(DocsURL).rtrim('/').str();
    Run.SourceRoot = SourceRoot;
    if (Run.SourceRoot.empty()) {
      llvm::SmallString<256> Cwd;
      llvm::sys::fs::current_path(Cwd);
      Run.SourceRoot = gitTopLevel(Cwd);
      if (Run.SourceRoot.empty())
        Run.SourceRoot = std::string(Cwd);
    }
    Run.AutomationId = AutomationId;
    Run.Baselined = Diff || !Baseline.empty();
    Run.Unchanged = Unchanged;
    Run.Notices = Out.Notices;
    Run.Successful = Out.Failed.empty();
  }
  // --color=auto: colours on a terminal only; a file gets them with
  // --color=always.
  llvm::outs().enable_colors(
      Color == "always" ||
      (Color == "auto" && llvm::sys::Process::StandardOutIsDisplayed()));
  llvm::errs().enable_colors(
      Color == "always" ||
      (Color == "auto" && llvm::sys::Process::StandardErrIsDisplayed()));
  for (Output &O : Outputs) {
    if (O.Stream)
      O.Stream->enable_colors(Color == "always");
    llvm::raw_ostream &OS = O.Stream ? *O.Stream : llvm::outs();
    if (O.Format == "sarif")
      writeSarif(OS, Out.Findings, Run);
    else if (O.Format == "codequality")
      writeCodeQuality(OS, Out.Findings, Run);
    else if (O.Format == "json")
      writeJSON(OS, Out.Findings, Out.Notices);
    else
      writeText(OS, Out.Findings);
    OS.flush();
  }
  for (const NolintMessage &M : Out.NolintMessages)
    printHeading(llvm::errs(), M.Where, M.Level, M.Message);
  for (const Notice &N : functionNotices(Out.Notices))
    printText(llvm::errs(), N.Loc, "note", N.Message);
  for (const std::string &F : Out.Failed)
    llvm::errs() << "custody: error: '" << F
                 << "' could not be parsed; its findings may be incomplete\n";
  if (Format == "text" && !Out.Findings.empty())
    llvm::errs() << Out.Findings.size() << " finding"
                 << (Out.Findings.size() == 1 ? "" : "s") << ".\n";
  if (Verbose) {
    llvm::errs() << "custody: checked " << Files.size() << " file"
                 << (Files.size() == 1 ? "" : "s") << " in "
                 << llvm::format("%.2f", Seconds) << " s";
    if (!Out.Failed.empty())
      llvm::errs() << "; " << Out.Failed.size() << " did not parse";
    llvm::errs() << "\n";
    std::map<std::string, unsigned> ByCheck;
    for (const PrintedFinding &F : Out.Findings)
      ++ByCheck[F.Check];
    llvm::errs() << "custody: " << Out.Findings.size() << " finding"
                 << (Out.Findings.size() == 1 ? "" : "s");
    const char *Sep = ": ";
    for (const auto &[Check, N] : ByCheck) {
      llvm::errs() << Sep << Check << " " << N;
      Sep = ", ";
    }
    if (Diff || !Baseline.empty())
      llvm::errs() << " (" << Unchanged.size() << " more not new, left out by "
                   << (Diff && !Baseline.empty() ? "--diff-base and --baseline"
                       : Diff                    ? "--diff-base"
                                                 : "--baseline")
                   << ")";
    llvm::errs() << "\n";
    // The slowest functions: where a long run spends its time.
    llvm::stable_sort(Out.Times, [](const auto &A, const auto &B) {
      return A.second > B.second;
    });
    for (size_t I = 0; I < Out.Times.size() && I < 5; ++I)
      llvm::errs() << "custody: slow: " << Out.Times[I].first << " "
                   << llvm::format("%.3f", Out.Times[I].second) << " s\n";
  }
  if (!Out.Failed.empty())
    return 3;
  bool NolintError =
      llvm::any_of(Out.NolintMessages,
                   [](const NolintMessage &M) { return M.Level == "error"; });
  return Out.Findings.empty() && !NolintError ? 0 : 1;
}
