//===- OwnershipAnalysis.h - Contract-driven ownership analysis -*- C++ -*-===//
//
// The engine's interface: hand it a translation unit and the contracts in
// force, get back findings. Front ends (clang-tidy checks, the custody CLI)
// only filter and print what this returns, so both report the same.
//
//===----------------------------------------------------------------------===//

#ifndef CUSTODY_ENGINE_OWNERSHIPANALYSIS_H
#define CUSTODY_ENGINE_OWNERSHIPANALYSIS_H

#include "Contract.h"
#include "Finding.h"
#include "SummaryStore.h"
#include "clang/AST/ASTContext.h"
#include "llvm/Support/raw_ostream.h"
#include <vector>

namespace custody {

namespace impl {
class TUAnalysis;
}

struct AnalysisLimits {
  /// Distinct path states kept per CFG block at most; further states
  /// arriving at a full block are joined into one it keeps, and what they
  /// disagree on is no longer followed. Small functions get this many:
  /// fewer joins lose fewer findings (an error label that many paths
  /// reach); more cost time in long functions (bench/RESULTS.md).
  unsigned MaxStatesPerBlock = 48;
  /// States kept while calls inside one block fork them (each call forks
  /// every state it is given), at most.
  unsigned MaxStatesWithinBlock = 24;
  /// States per function, shared out over its blocks (at least 4 each).
  unsigned StatesPerFunction = 8000;
  /// Block visits per function before the analysis of that function stops:
  /// at least this many, and VisitsPerBlock for each block of its CFG, so
  /// the budget grows with the function rather than cutting long ones short.
  unsigned MaxBlockVisits = 40000;
  unsigned VisitsPerBlock = 64;
  /// Joins into a full block before arriving states are dropped.
  unsigned MaxJoinsPerBlock = 16;
  /// Seconds one function may take (0: no limit). When the budget in time
  /// or in visits runs out, the function gets a notice.
  double FunctionSeconds = 20;
  /// How deep summaries of called functions are computed.
  unsigned MaxSummaryDepth = 8;
  /// Also report protocol findings that only an allocation failure raises
  /// (a JNI call while an OutOfMemoryError from NewStringUTF may be
  /// pending). Leaks, double releases and uses after release on such paths
  /// are reported either way.
  bool OomProtocol = false;
};

/// Whether a walk of the main file's declarations skips D: one written in a
/// header (namespaces, linkage specs and the TU itself are entered).
bool outsideMainFile(const clang::SourceManager &SM, const clang::Decl *D);

/// The reference to a function E names or takes the address of, through
/// casts ('(PyCFunction)f', '&f'), or null.
const clang::DeclRefExpr *functionRefExpr(const clang::Expr *E);

/// Files (absolute or as spelled) that are part of the translation unit;
/// used to decide which built-in contracts apply.
std::vector<std::string> includedFiles(const clang::SourceManager &SM);

/// What the analysis says of itself, beside its findings.
struct AnalysisReport {
  /// Functions whose analysis was cut short, each as a note at the function
  /// that says where findings may be missing.
  std::vector<Note> Notices;
  /// Each analyzed function's name and time in seconds, slowest first.
  std::vector<std::pair<std::string, double>> Times;
};

/// Analyzes every function defined in the main file of Ctx. Log, if given,
/// receives what the analysis gave up on (the CLI's --verbose).
std::vector<Finding> analyzeTranslationUnit(clang::ASTContext &Ctx,
                                            const ContractSet &Contracts,
                                            const AnalysisLimits &Limits,
                                            llvm::raw_ostream *Log,
                                            AnalysisReport *Report = nullptr,
                                            ProgramContext *Program = nullptr);

/// What tells the analysis how calls to a function treat ownership, short of
/// analyzing its body (custody audit lists the functions nothing describes).
class CalleeContracts {
public:
  CalleeContracts(clang::ASTContext &Ctx, const ContractSet &Contracts);
  ~CalleeContracts();
  /// "contract" (a contract in force names it), "annotation" (written on its
  /// declaration), "prefix" (a contract's non_owning prefix), "convention" (a
  /// contract's default_returns for its return type), or empty: nothing.
  llvm::StringRef describedBy(const clang::FunctionDecl *Callee);

private:
  AnalysisLimits Limits;
  std::unique_ptr<impl::TUAnalysis> TU;
};

} // namespace custody

#endif
