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
#include "clang/AST/ASTConsumer.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Lex/Preprocessor.h"
#include "clang/Tooling/CommonOptionsParser.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/CrashRecoveryContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/GlobPattern.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/Threading.h"
#include "llvm/Support/raw_ostream.h"
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <set>

using namespace clang;
using namespace clang::tooling;
using namespace custody;

llvm::cl::OptionCategory custody::Category("custody options");

static llvm::cl::opt<std::string>
    Checks("checks",
           llvm::cl::desc("Comma-separated globs of checks to run, '-' "
                          "prefix to remove (default: all custody checks)"),
           llvm::cl::init("*"), llvm::cl::cat(Category));
llvm::cl::list<std::string>
    custody::ContractFiles("contracts",
                           llvm::cl::desc("A YAML contract file (repeatable)"),
                           llvm::cl::cat(Category));
llvm::cl::opt<bool>
    custody::NoBuiltins("no-builtin-contracts",
                        llvm::cl::desc("Do not use the built-in contracts"),
                        llvm::cl::cat(Category));
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
    llvm::cl::cat(Category));
llvm::cl::opt<unsigned>
    custody::Jobs("j", llvm::cl::desc("Translation units analyzed in parallel"),
                  llvm::cl::init(0), llvm::cl::cat(Category));
llvm::cl::opt<std::string>
    custody::Format("format",
                    llvm::cl::desc("Output format: text, json or sarif"),
                    llvm::cl::init("text"), llvm::cl::cat(Category));
llvm::cl::opt<std::string>
    custody::OutputFile("output", llvm::cl::desc("Write findings to this file"),
                        llvm::cl::cat(Category));
static llvm::cl::opt<bool>
    ListChecks("list-checks", llvm::cl::desc("List the checks and exit"),
               llvm::cl::cat(Category));
llvm::cl::opt<bool> custody::Verbose(
    "verbose",
    llvm::cl::desc("Say which contracts apply and what the analysis "
                   "gave up on"),
    llvm::cl::cat(Category));

namespace {

/// clang-tidy's check-glob convention: later entries win.
class CheckFilter {
public:
  explicit CheckFilter(llvm::StringRef Spec) {
    llvm::SmallVector<llvm::StringRef, 8> Parts;
    Spec.split(Parts, ',', -1, false);
    for (llvm::StringRef P : Parts) {
      P = P.trim();
      bool Neg = P.consume_front("-");
      if (auto G = llvm::GlobPattern::create(P))
        Globs.push_back({!Neg, std::move(*G)});
    }
  }
  bool enabled(llvm::StringRef Name) const {
    bool On = false;
    for (auto &[Positive, G] : Globs)
      if (G.match(Name))
        On = Positive;
    return On;
  }

private:
  std::vector<std::pair<bool, llvm::GlobPattern>> Globs;
};

struct Results {
  std::mutex Mu;
  std::set<PrintedFinding> Findings; // Headers seen from several TUs once.
  std::vector<std::string> ConfigErrors;
  std::vector<std::string> Failed;
};

PrintedLoc printLoc(const SourceManager &SM, SourceLocation L) {
  PrintedLoc P;
  L = SM.getExpansionLoc(L);
  PresumedLoc PL = SM.getPresumedLoc(L);
  if (PL.isInvalid())
    return P;
  P.File = PL.getFilename();
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

/// Whether a NOLINT comment names Check: "NOLINT" alone, or a list of globs
/// in parentheses ("NOLINT(contract-*, bugprone-foo)").
bool nolintCovers(llvm::StringRef Text, llvm::StringRef Marker,
                  llvm::StringRef Check) {
  size_t Pos = Text.find(Marker);
  while (Pos != llvm::StringRef::npos) {
    llvm::StringRef Rest = Text.substr(Pos + Marker.size());
    if (!Rest.starts_with("(")) {
      // "NOLINT" must not be the start of "NOLINTNEXTLINE" here.
      if (Rest.empty() || !isalpha(Rest[0]))
        return true;
    } else {
      llvm::StringRef List = Rest.drop_front().split(')').first;
      llvm::SmallVector<llvm::StringRef, 4> Globs;
      List.split(Globs, ',', -1, false);
      for (llvm::StringRef G : Globs)
        if (auto P = llvm::GlobPattern::create(G.trim()))
          if (P->match(Check))
            return true;
    }
    Pos = Text.find(Marker, Pos + 1);
  }
  return false;
}

/// clang-tidy's suppression comments, so that the CLI drops what the plugin
/// drops: NOLINT on the line, NOLINTNEXTLINE on the line before, and
/// NOLINTBEGIN/NOLINTEND around it.
bool suppressed(const SourceManager &SM, SourceLocation Loc,
                llvm::StringRef Check,
                llvm::DenseMap<FileID, bool> &HasNolint) {
  Loc = SM.getExpansionLoc(Loc);
  FileID FID = SM.getFileID(Loc);
  bool Invalid = false;
  llvm::StringRef Buf = SM.getBufferData(FID, &Invalid);
  if (Invalid)
    return false;
  auto [HI, New] = HasNolint.try_emplace(FID, false);
  if (New)
    HI->second = Buf.contains("NOLINT");
  if (!HI->second)
    return false;
  unsigned Offset = SM.getFileOffset(Loc);
  size_t LineStart = Buf.rfind('\n', Offset);
  LineStart = LineStart == llvm::StringRef::npos ? 0 : LineStart + 1;
  size_t LineEnd = Buf.find('\n', Offset);
  llvm::StringRef Line = Buf.slice(LineStart, LineEnd);
  if (nolintCovers(Line, "NOLINT", Check))
    return true;
  if (LineStart > 0) {
    size_t PrevStart = Buf.rfind('\n', LineStart - 1);
    PrevStart = PrevStart == llvm::StringRef::npos ? 0 : PrevStart + 1;
    if (nolintCovers(Buf.slice(PrevStart, LineStart), "NOLINTNEXTLINE", Check))
      return true;
  }
  // Innermost unmatched NOLINTBEGIN before the location.
  llvm::StringRef Before = Buf.take_front(LineStart);
  int Depth = 0;
  for (size_t P = Before.size(); P != llvm::StringRef::npos && P > 0;) {
    size_t B = Before.take_front(P).rfind("NOLINTBEGIN");
    size_t E = Before.take_front(P).rfind("NOLINTEND");
    if (B == llvm::StringRef::npos && E == llvm::StringRef::npos)
      break;
    if (E != llvm::StringRef::npos && (B == llvm::StringRef::npos || E > B)) {
      ++Depth;
      P = E;
      continue;
    }
    if (Depth > 0) {
      --Depth;
    } else {
      size_t EOL = Before.find('\n', B);
      if (nolintCovers(Before.slice(B, EOL), "NOLINTBEGIN", Check))
        return true;
    }
    P = B;
  }
  return false;
}

class Consumer : public ASTConsumer {
public:
  Consumer(const SessionConfig &Config, const CheckFilter &Filter, Results &Out,
           std::shared_ptr<AttributeMacros> Macros)
      : Config(Config), Filter(Filter), Out(Out), Macros(std::move(Macros)) {}

  void HandleTranslationUnit(ASTContext &Ctx) override {
    Macros->apply(Ctx);
    std::vector<Finding> Findings;
    std::vector<ContractError> Errors;
    std::string LogText;
    llvm::raw_string_ostream Log(LogText);
    auto Start = std::chrono::steady_clock::now();
    bool Ok = analyzeWithContracts(Ctx, Config, Findings, Errors,
                                   Verbose ? &Log : nullptr);
    if (Verbose)
      Log << "custody: analysis took "
          << llvm::format("%.3f", std::chrono::duration<double>(
                                      std::chrono::steady_clock::now() - Start)
                                      .count())
          << " s\n";
    const SourceManager &SM = Ctx.getSourceManager();
    llvm::DenseMap<FileID, bool> HasNolint;
    std::lock_guard<std::mutex> Lock(Out.Mu);
    if (Verbose)
      llvm::errs() << Log.str();
    if (!Ok) {
      for (const ContractError &E : Errors)
        Out.ConfigErrors.push_back(E.str());
      return;
    }
    for (const Finding &F : Findings) {
      if (!Filter.enabled(checkName(F.Kind)) ||
          suppressed(SM, F.Loc, checkName(F.Kind), HasNolint))
        continue;
      PrintedFinding P;
      P.Loc = printLoc(SM, F.Loc);
      P.Check = checkName(F.Kind).str();
      P.Message = F.Message;
      for (const Note &N : F.Notes)
        P.Notes.push_back({printLoc(SM, N.Loc), N.Message});
      Out.Findings.insert(std::move(P));
    }
  }

private:
  const SessionConfig &Config;
  const CheckFilter &Filter;
  Results &Out;
  std::shared_ptr<AttributeMacros> Macros;
};

/// A Consumer per file, with the preprocessor callbacks that read the
/// CPython checker's attribute macros.
class CheckAction : public ASTFrontendAction {
public:
  CheckAction(const SessionConfig &Config, const CheckFilter &Filter,
              Results &Out)
      : Config(Config), Filter(Filter), Out(Out) {}
  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &CI,
                                                 llvm::StringRef) override {
    auto Macros = std::make_shared<AttributeMacros>();
    CI.getPreprocessor().addPPCallbacks(
        Macros->callbacks(CI.getSourceManager()));
    return std::make_unique<Consumer>(Config, Filter, Out, std::move(Macros));
  }

private:
  const SessionConfig &Config;
  const CheckFilter &Filter;
  Results &Out;
};

struct CheckActionFactory : public FrontendActionFactory {
  CheckActionFactory(const SessionConfig &Config, const CheckFilter &Filter,
                     Results &Out)
      : Config(Config), Filter(Filter), Out(Out) {}
  std::unique_ptr<FrontendAction> create() override {
    return std::make_unique<CheckAction>(Config, Filter, Out);
  }
  const SessionConfig &Config;
  const CheckFilter &Filter;
  Results &Out;
};

void printText(llvm::raw_ostream &OS, const PrintedLoc &L,
               llvm::StringRef Level, llvm::StringRef Message) {
  OS << L.File << ":" << L.Line << ":" << L.Column << ": " << Level << ": "
     << Message << "\n";
  if (L.Line == 0)
    return;
  std::string Num = std::to_string(L.Line);
  std::string Gutter(std::max<size_t>(Num.size(), 5), ' ');
  OS << Gutter.substr(Num.size()) << Num << " | " << L.SourceLine << "\n";
  std::string Caret;
  for (unsigned I = 0; I + 1 < L.Column && I < L.SourceLine.size(); ++I)
    Caret += L.SourceLine[I] == '\t' ? '\t' : ' ';
  OS << Gutter << " | " << Caret << "^\n";
}

llvm::json::Value locJSON(const PrintedLoc &L) {
  return llvm::json::Object{
      {"file", L.File}, {"line", L.Line}, {"column", L.Column}};
}

} // namespace

/// Runs git and returns what it printed, or nullopt if it failed.
static std::optional<std::string> runGit(llvm::ArrayRef<llvm::StringRef> Args) {
  static llvm::ErrorOr<std::string> Git = llvm::sys::findProgramByName("git");
  if (!Git)
    return std::nullopt;
  llvm::SmallString<128> Out;
  if (llvm::sys::fs::createTemporaryFile("custody-git", "txt", Out))
    return std::nullopt;
  std::vector<llvm::StringRef> Argv{*Git};
  Argv.insert(Argv.end(), Args.begin(), Args.end());
  std::optional<llvm::StringRef> Redirects[] = {std::nullopt, Out.str(),
                                                llvm::StringRef("")};
  int RC = llvm::sys::ExecuteAndWait(*Git, Argv, std::nullopt, Redirects);
  auto Buf = llvm::MemoryBuffer::getFile(Out);
  llvm::sys::fs::remove(Out);
  if (RC != 0 || !Buf)
    return std::nullopt;
  return (*Buf)->getBuffer().str();
}

/// The lines of File changed since Rev, from 'git diff -U0'; nullopt when
/// git does not track the file (all of it is new).
static std::optional<std::set<unsigned>> changedLines(const std::string &File,
                                                      const std::string &Rev) {
  std::string Dir(llvm::sys::path::parent_path(File));
  if (!runGit({"-C", Dir, "ls-files", "--error-unmatch", File}))
    return std::nullopt;
  std::set<unsigned> Lines;
  std::optional<std::string> Diff =
      runGit({"-C", Dir, "diff", "-U0", "--no-color", Rev, "--", File});
  if (!Diff)
    return Lines;
  llvm::SmallVector<llvm::StringRef, 64> Rows;
  llvm::StringRef(*Diff).split(Rows, '\n');
  for (llvm::StringRef Row : Rows) {
    // "@@ -a,b +c,d @@": lines c .. c+d-1 of the new file (d defaults to 1).
    if (!Row.consume_front("@@ "))
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
      Lines.insert(L);
  }
  return Lines;
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
  auto RunOne = [&](const std::string &File) {
    ClangTool Tool(DB, {File});
    adjustArguments(Tool);
    // A file that crashes the parser (or the analysis) is reported like one
    // that does not parse; the other files are still checked.
    if (!runSafely(Tool, Factory)) {
      std::lock_guard<std::mutex> Lock(Mu);
      Failed.push_back(File);
    }
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

bool custody::inputFiles(int argc, const char **argv,
                         CommonOptionsParser &Parser,
                         std::vector<std::string> &Files,
                         std::unique_ptr<CompilationDatabase> &WholeDB) {
  Files = Parser.getSourcePathList();
  // With no files named, CommonOptionsParser loads no database: every file of
  // the one given with -p is taken.
  if (Files.empty()) {
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
    if (BuildDir.empty()) {
      llvm::errs() << "custody: error: no input files (name files, or give "
                      "-p BUILD_DIR with a compile_commands.json)\n";
      return false;
    }
    std::string Err;
    WholeDB = CompilationDatabase::loadFromDirectory(BuildDir, Err);
    if (!WholeDB) {
      llvm::errs() << "custody: error: " << Err << "\n";
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

int main(int argc, const char **argv) {
  llvm::sys::PrintStackTraceOnErrorSignal(argv[0]);
  llvm::CrashRecoveryContext::Enable();
  llvm::cl::AddExtraVersionPrinter(
      [](llvm::raw_ostream &OS) { OS << "custody " CUSTODY_VERSION "\n"; });
  llvm::cl::extrahelp More(
      "\nExit codes: 0 no findings, 1 findings, 2 usage or configuration "
      "error, 3 a file could not be parsed.\n");

  // Subcommands, each with its own arguments.
  if (argc > 1) {
    llvm::StringRef Cmd(argv[1]);
    if (Cmd == "audit")
      return auditMain(argc - 1, argv + 1);
    if (Cmd == "contracts") {
      llvm::StringRef Sub = argc > 2 ? argv[2] : "";
      if (Sub == "import-cppcheck")
        return importCppcheckMain(argc - 2, argv + 2);
      if (Sub == "suggest")
        return suggestMain(argc - 2, argv + 2);
      llvm::errs() << "custody: error: 'custody contracts' needs a "
                      "subcommand: import-cppcheck FILE.cfg, or suggest "
                      "HEADER.h [-- FLAGS]\n";
      return 2;
    }
  }

  for (int I = 1; I < argc; ++I)
    if (llvm::StringRef(argv[I]) == "--list-checks" ||
        llvm::StringRef(argv[I]) == "-list-checks") {
#define CUSTODY_CHECK(Kind, Name, Summary)                                     \
  llvm::outs() << Name << "\t" << Summary << "\n";
#include "Checks.def"
      return 0;
    }

  auto Parser =
      CommonOptionsParser::create(argc, argv, Category, llvm::cl::ZeroOrMore);
  if (!Parser) {
    // The message already names the tool.
    llvm::errs() << llvm::toString(Parser.takeError());
    return 2;
  }
  if (Format != "text" && Format != "json" && Format != "sarif") {
    llvm::errs() << "custody: error: unknown --format '" << Format
                 << "' (expected text, json or sarif)\n";
    return 2;
  }
  std::vector<std::string> Files;
  std::unique_ptr<CompilationDatabase> WholeDB;
  if (!inputFiles(argc, argv, *Parser, Files, WholeDB))
    return 2;
  const CompilationDatabase &DB =
      WholeDB ? *WholeDB : Parser->getCompilations();
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
    if (Files.empty())
      return 0;
  }

  std::optional<SessionConfig> Config = sessionConfigFromOptions();
  if (!Config)
    return 2;
  CheckFilter Filter(Checks);
  Results Out;

  CheckActionFactory Factory(*Config, Filter, Out);
  Out.Failed = parseFiles(DB, Files, Factory);

  if (reportConfigErrors(Out.ConfigErrors))
    return 2;

  if (!DiffBase.empty()) {
    std::set<PrintedFinding> Kept;
    std::map<std::string, std::optional<std::set<unsigned>>> Changed;
    for (const PrintedFinding &F : Out.Findings) {
      auto It = Changed.find(F.Loc.File);
      if (It == Changed.end())
        It = Changed.emplace(F.Loc.File, changedLines(F.Loc.File, DiffBase))
                 .first;
      // No line set: the file is new to git, every line is a changed one.
      if (!It->second || It->second->count(F.Loc.Line))
        Kept.insert(F);
    }
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
      if (!Known.count(Prints[I++]))
        New.insert(F);
    Out.Findings = std::move(New);
  }

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
  if (Format == "sarif") {
    writeSarif(OS, Out.Findings, docsDir(argv[0]));
  } else if (Format == "json") {
    llvm::json::Array Arr;
    for (const PrintedFinding &F : Out.Findings) {
      llvm::json::Array Notes;
      for (const PrintedNote &N : F.Notes)
        Notes.push_back(llvm::json::Object{{"location", locJSON(N.Loc)},
                                           {"message", N.Message}});
      Arr.push_back(llvm::json::Object{{"check", F.Check},
                                       {"message", F.Message},
                                       {"location", locJSON(F.Loc)},
                                       {"notes", std::move(Notes)}});
    }
    OS << llvm::formatv("{0:2}", llvm::json::Value(std::move(Arr))) << "\n";
  } else {
    for (const PrintedFinding &F : Out.Findings) {
      printText(OS, F.Loc, "warning", F.Message + " [" + F.Check + "]");
      for (const PrintedNote &N : F.Notes)
        printText(OS, N.Loc, "note", N.Message);
    }
  }
  OS.flush();
  for (const std::string &F : Out.Failed)
    llvm::errs() << "custody: error: '" << F
                 << "' could not be parsed; its findings may be incomplete\n";
  if (Format == "text" && !Out.Findings.empty())
    llvm::errs() << Out.Findings.size() << " finding"
                 << (Out.Findings.size() == 1 ? "" : "s") << ".\n";
  if (!Out.Failed.empty())
    return 3;
  return Out.Findings.empty() ? 0 : 1;
}
