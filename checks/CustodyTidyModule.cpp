//===- CustodyTidyModule.cpp - custody's checks as a clang-tidy plugin ----===//
//
// Load with: clang-tidy --load=libcustody-tidy.so -checks='-*,contract-*'
//
// Every check is the same thin adapter (FindingCheck) over the engine: the
// first check to run in a translation unit analyzes it, and each check
// reports the findings of its own kind. The checks are generated from
// Checks.def, the list the CLI uses too.
//
// Options (CheckOptions in .clang-tidy, global keys, shared by all checks;
// the custody command reads them from the same files):
//   CustodyContracts           ';'-separated contract files     (default: "")
//   CustodyBuiltinContracts    use the built-in contracts     (default: true)
//   CustodyFunctionTimeBudget  seconds per function, 0: none    (default: 20)
//   CustodyVisitsPerBlock      block visits per CFG block       (default: 64)
//   CustodySummaries           a summary store made by custody -p (default:
//                              none: functions of other files are unknown)
//   CustodyOomProtocol         also report protocol findings only an
//                              allocation failure raises   (default: false)
//
//===----------------------------------------------------------------------===//

#include "ClangTidyCheck.h"
#include "ClangTidyModule.h"
#include "ClangTidyModuleRegistry.h"
#include "TUSession.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Lex/Preprocessor.h"
#include "llvm/ADT/StringExtras.h"
#include <mutex>

using namespace clang;
using namespace clang::tidy;
using namespace clang::ast_matchers;

namespace custody {
namespace {

/// The findings of the translation unit being checked, shared by all checks.
struct SharedFindings {
  bool Valid = false;
  std::vector<Finding> Findings;
  std::vector<ContractError> Errors;
  AnalysisReport Report;
};
SharedFindings &shared() {
  static SharedFindings S;
  return S;
}

/// The CPython checker's attribute macros of the file being checked.
struct MacroState {
  const Preprocessor *PP = nullptr;
  std::shared_ptr<AttributeMacros> Macros;
};
MacroState &macros() {
  static MacroState M;
  return M;
}

/// The summary store named by CustodySummaries, read once per process.
struct StoreState {
  std::shared_ptr<const SummaryIndex> Index;
  unsigned Stale = 0;
  std::string Error;
};
const StoreState &summaryStore(const std::string &Dir) {
  static std::mutex Mu;
  static std::map<std::string, StoreState> Loaded;
  std::lock_guard<std::mutex> Lock(Mu);
  auto [It, New] = Loaded.try_emplace(Dir);
  if (New)
    It->second.Index = loadStore(Dir, It->second.Stale, It->second.Error);
  return It->second;
}

class FindingCheck : public ClangTidyCheck {
public:
  FindingCheck(StringRef Name, ClangTidyContext *Context, FindingKind Kind)
      : ClangTidyCheck(Name, Context), Kind(Kind),
        Contracts(Options.getLocalOrGlobal("CustodyContracts", "")),
        // Read as a string: the typed getters are templates that the
        // clang-tidy executable does not export to plugins.
        Builtins(!llvm::is_contained(
            {"false", "0", "no", "off"},
            Options.getLocalOrGlobal("CustodyBuiltinContracts", "true")
                .lower())),
        TimeBudget(Options.getLocalOrGlobal("CustodyFunctionTimeBudget", "")),
        VisitsPerBlock(Options.getLocalOrGlobal("CustodyVisitsPerBlock", "")),
        StatesPerFunction(
            Options.getLocalOrGlobal("CustodyStatesPerFunction", "")),
        Summaries(Options.getLocalOrGlobal("CustodySummaries", "")),
        OomProtocol(llvm::is_contained(
            {"true", "1", "yes", "on"},
            Options.getLocalOrGlobal("CustodyOomProtocol", "false").lower())) {}

  void storeOptions(ClangTidyOptions::OptionMap &Opts) override {
    Options.store(Opts, "CustodyContracts", Contracts);
    Options.store(Opts, "CustodyBuiltinContracts", Builtins ? "true" : "false");
    Options.store(Opts, "CustodyFunctionTimeBudget", TimeBudget);
    Options.store(Opts, "CustodyVisitsPerBlock", VisitsPerBlock);
    Options.store(Opts, "CustodyStatesPerFunction", StatesPerFunction);
    Options.store(Opts, "CustodySummaries", Summaries);
    Options.store(Opts, "CustodyOomProtocol", OomProtocol ? "true" : "false");
  }

  void registerPPCallbacks(const SourceManager &SM, Preprocessor *PP,
                           Preprocessor *) override {
    // Every check of the module is asked; one recorder per file is enough
    // (check() clears PP once the file is analyzed).
    MacroState &M = macros();
    if (M.PP == PP)
      return;
    M.PP = PP;
    M.Macros = std::make_shared<AttributeMacros>();
    PP->addPPCallbacks(M.Macros->callbacks(SM));
  }

  void registerMatchers(MatchFinder *Finder) override {
    Finder->addMatcher(translationUnitDecl().bind("tu"), this);
  }

  void onStartOfTranslationUnit() override { shared().Valid = false; }

  void check(const MatchFinder::MatchResult &Result) override {
    SharedFindings &S = shared();
    bool First = !S.Valid;
    if (First) {
      S = SharedFindings();
      SessionConfig Config;
      SmallVector<StringRef, 4> Files;
      StringRef(Contracts).split(Files, ';', -1, false);
      for (StringRef F : Files)
        Config.ContractFiles.push_back(F.trim().str());
      Config.BuiltinContracts = Builtins;
      // A value that is not a number is said, as the custody command says
      // it, and the default is kept.
      double Seconds;
      if (!TimeBudget.empty()) {
        if (!StringRef(TimeBudget).trim().getAsDouble(Seconds) && Seconds >= 0)
          Config.Limits.FunctionSeconds = Seconds;
        else
          configurationDiag("custody: CustodyFunctionTimeBudget must be a "
                            "number of seconds (0: no limit); got '%0'",
                            DiagnosticIDs::Error)
              << TimeBudget;
      }
      auto WholeNumber = [&](const std::string &Text, const char *Name,
                             unsigned &Into) {
        unsigned N;
        if (Text.empty())
          return;
        if (!StringRef(Text).trim().getAsInteger(10, N))
          Into = N;
        else
          configurationDiag("custody: %0 must be a whole number; got '%1'",
                            DiagnosticIDs::Error)
              << Name << Text;
      };
      Config.Limits.OomProtocol = OomProtocol;
      WholeNumber(VisitsPerBlock, "CustodyVisitsPerBlock",
                  Config.Limits.VisitsPerBlock);
      WholeNumber(StatesPerFunction, "CustodyStatesPerFunction",
                  Config.Limits.StatesPerFunction);
      if (macros().Macros)
        macros().Macros->apply(*Result.Context);
      // The next file gets a recorder of its own, even if its preprocessor
      // lands at the same address.
      macros().PP = nullptr;
      ProgramContext Program;
      if (!Summaries.empty()) {
        // Relative to the compile command's directory, as contracts are.
        SmallString<256> Dir(StringRef(Summaries).trim());
        Result.Context->getSourceManager().getFileManager().makeAbsolutePath(
            Dir);
        const StoreState &Store = summaryStore(std::string(Dir));
        Program.Index = Store.Index;
        if (!Store.Index)
          configurationDiag("custody: CustodySummaries: %0; functions of "
                            "other files stay unknown (make the store with "
                            "'custody -p BUILD_DIR')",
                            DiagnosticIDs::Warning)
              << Store.Error;
        else if (Store.Stale)
          configurationDiag("custody: CustodySummaries: %0 files of '%1' were "
                            "written by another version of custody and are "
                            "ignored (run 'custody -p BUILD_DIR' again)",
                            DiagnosticIDs::Warning)
              << Store.Stale << std::string(Dir);
      }
      analyzeWithContracts(*Result.Context, Config, S.Findings, S.Errors,
                           nullptr, &S.Report, &Program);
      S.Valid = true;
    }
    if (First) {
      for (const ContractError &E : S.Errors)
        configurationDiag("custody: %0", DiagnosticIDs::Error) << E.str();
      // A function analyzed only in part: said once, by the first check.
      for (const Note &N : S.Report.Notices)
        diag(N.Loc, "%0", DiagnosticIDs::Remark) << N.Message;
    }
    for (const Finding &F : S.Findings) {
      if (F.Kind != Kind)
        continue;
      if (F.End.isValid())
        diag(F.Loc, "%0") << F.Message << clang::SourceRange(F.Loc, F.End);
      else
        diag(F.Loc, "%0") << F.Message;
      for (const Note &N : F.Notes)
        diag(N.Loc, "%0", DiagnosticIDs::Note) << N.Message;
    }
  }

private:
  const FindingKind Kind;
  const std::string Contracts;
  const bool Builtins;
  const std::string TimeBudget, VisitsPerBlock, StatesPerFunction;
  const std::string Summaries;
  const bool OomProtocol;
};

class CustodyModule : public ClangTidyModule {
public:
  void addCheckFactories(ClangTidyCheckFactories &Factories) override {
#define CUSTODY_CHECK(K, Name, Summary)                                        \
  Factories.registerCheckFactory(                                              \
      Name, [](StringRef N, ClangTidyContext *Ctx) {                           \
        return std::make_unique<FindingCheck>(N, Ctx, FindingKind::K);         \
      });
#include "Checks.def"
  }
};

} // namespace
} // namespace custody

static ClangTidyModuleRegistry::Add<custody::CustodyModule>
    X("custody-module", "custody: ownership contracts for native boundaries");
