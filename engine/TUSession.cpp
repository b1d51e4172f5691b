//===- TUSession.cpp - One translation unit, start to finish --------------===//

#include "TUSession.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/Support/Path.h"

using namespace custody;

std::shared_ptr<ContractSet>
custody::contractsInForce(clang::ASTContext &Ctx, const SessionConfig &Config,
                          std::vector<ContractError> &Errors) {
  const clang::SourceManager &SM = Ctx.getSourceManager();
  std::vector<std::string> Files = Config.ContractFiles;
  if (Config.ProjectContract) {
    if (auto Main = SM.getFileEntryRefForID(SM.getMainFileID())) {
      std::string Dir(llvm::sys::path::parent_path(Main->getName()));
      std::string Project = findProjectContract(Dir.empty() ? "." : Dir);
      if (!Project.empty())
        Files.push_back(Project);
    }
  }
  std::vector<std::string> Included = includedFiles(SM);
  std::shared_ptr<const ContractSet> All =
      loadContracts(Files, Config.BuiltinContracts, &Included, Errors);
  if (!All)
    return nullptr;
  std::shared_ptr<ContractSet> Active = All->activeFor(Included);
  addAttributeResources(Ctx, *Active);
  return Active;
}

bool custody::analyzeWithContracts(
    clang::ASTContext &Ctx, const SessionConfig &Config,
    std::vector<Finding> &Findings, std::vector<ContractError> &Errors,
    llvm::raw_ostream *Log, AnalysisReport *Report, ProgramContext *Program) {
  std::shared_ptr<ContractSet> Active = contractsInForce(Ctx, Config, Errors);
  if (!Active)
    return false;
  if (Log) {
    *Log << "custody: contracts in force:";
    for (const LibraryContract &L : Active->Libraries)
      *Log << " " << L.Library;
    *Log << "\n";
  }
  Findings =
      analyzeTranslationUnit(Ctx, *Active, Config.Limits, Log, Report, Program);
  return true;
}
