//===- TUSession.h - One translation unit, start to finish ------*- C++ -*-===//
//
// What both front ends do for a translation unit: gather the contracts in
// force (built-in ones whose headers are included, the user's files, the
// nearest .custody.yaml) and run the analysis. Keeping this in one place is
// what makes the plugin and the CLI report the same findings.
//
//===----------------------------------------------------------------------===//

#ifndef CUSTODY_ENGINE_TUSESSION_H
#define CUSTODY_ENGINE_TUSESSION_H

#include "ContractLoader.h"
#include "OwnershipAnalysis.h"
#include "clang/Lex/PPCallbacks.h"
#include <map>

namespace custody {

struct SessionConfig {
  std::vector<std::string> ContractFiles;
  bool BuiltinContracts = true;
  /// Look for .custody.yaml next to the main file and in its parents.
  bool ProjectContract = true;
  AnalysisLimits Limits;
};

/// The contracts in force for Ctx's translation unit: the built-in ones whose
/// headers it includes, the user's files and its .custody.yaml. Null, with
/// Errors filled, when they could not be loaded.
std::shared_ptr<ContractSet>
contractsInForce(clang::ASTContext &Ctx, const SessionConfig &Config,
                 std::vector<ContractError> &Errors);

/// Adds to Set the resources that ownership attributes in Ctx's translation
/// unit name (ownership_returns(module), acquire_handle("tag")) and no
/// contract defines, with the functions that release them.
void addAttributeResources(clang::ASTContext &Ctx, ContractSet &Set);

/// The CPython checker's attributes as projects spell them: in macros that
/// expand to one only under WITH_CPYCHECKER_*_ATTRIBUTE, which custody leaves
/// undefined. The callbacks read those definitions from the skipped branch
/// and note where the macros are used; apply() then annotates those
/// declarations. Front ends install the callbacks before the parse and call
/// apply() before the analysis.
class AttributeMacros {
public:
  std::unique_ptr<clang::PPCallbacks> callbacks(const clang::SourceManager &SM);
  void apply(clang::ASTContext &Ctx) const;

  struct Macro {
    std::string Text;
    int Param = -1;
    std::string Number;
  };
  struct Use {
    clang::SourceLocation Loc;
    std::string Text;
  };
  std::map<std::string, Macro> Macros;
  std::vector<Use> Uses;
};

/// Runs the analysis on Ctx's translation unit. Returns false, with Errors
/// filled, when the contracts could not be loaded (nothing is analyzed then).
bool analyzeWithContracts(clang::ASTContext &Ctx, const SessionConfig &Config,
                          std::vector<Finding> &Findings,
                          std::vector<ContractError> &Errors,
                          llvm::raw_ostream *Log,
                          AnalysisReport *Report = nullptr,
                          ProgramContext *Program = nullptr);

} // namespace custody

#endif
