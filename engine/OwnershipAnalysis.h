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
#include "clang/AST/ASTContext.h"
#include "llvm/Support/raw_ostream.h"
#include <vector>

namespace custody {

struct AnalysisLimits {
  /// Distinct path states kept per CFG block; further states arriving at a
  /// full block are dropped (fewer paths explored, never a false report).
  unsigned MaxStatesPerBlock = 24;
  /// States per function, shared out over its blocks (at least 4 each).
  unsigned StatesPerFunction = 8000;
  /// Block visits per function before the analysis of that function stops.
  unsigned MaxBlockVisits = 40000;
  /// How deep summaries of called functions are computed.
  unsigned MaxSummaryDepth = 8;
};

/// Files (absolute or as spelled) that are part of the translation unit;
/// used to decide which built-in contracts apply.
std::vector<std::string> includedFiles(const clang::SourceManager &SM);

/// Analyzes every function defined in the main file of Ctx. Log, if given,
/// receives what the analysis gave up on (the CLI's --verbose).
std::vector<Finding> analyzeTranslationUnit(clang::ASTContext &Ctx,
                                            const ContractSet &Contracts,
                                            const AnalysisLimits &Limits,
                                            llvm::raw_ostream *Log);

} // namespace custody

#endif
