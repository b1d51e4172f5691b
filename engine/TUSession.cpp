//===- TUSession.cpp - One translation unit, start to finish --------------===//

#include "TUSession.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/Basic/Builtins.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/Support/Path.h"

using namespace custody;

/// The functions the translation unit only declares implicitly: C code that
/// calls them without a declaration (no header), which Clang accepts in C89
/// or with -Wno-implicit-function-declaration. Builtins that are not library
/// functions (__builtin_expect) are left out.
static std::vector<std::string> implicitFunctions(clang::ASTContext &Ctx) {
  std::vector<std::string> Out;
  if (Ctx.getLangOpts().CPlusPlus)
    return Out;
  for (const clang::Decl *D : Ctx.getTranslationUnitDecl()->decls()) {
    const auto *FD = llvm::dyn_cast<clang::FunctionDecl>(D);
    if (!FD || !FD->getIdentifier() || !FD->isFirstDecl() ||
        !llvm::all_of(FD->redecls(), [](const clang::FunctionDecl *R) {
          return R->isImplicit();
        }))
      continue;
    unsigned ID = FD->getBuiltinID();
    if (ID && !Ctx.BuiltinInfo.isPredefinedLibFunction(ID))
      continue;
    Out.push_back(FD->getName().str());
  }
  return Out;
}

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
  std::vector<std::string> Implicit = implicitFunctions(Ctx);
  // Built-in files are parsed only for the headers the TU includes; a
  // function declared implicitly may belong to any of them, so then they are
  // all parsed.
  std::shared_ptr<const ContractSet> All =
      loadContracts(Files, Config.BuiltinContracts,
                    Implicit.empty() ? &Included : nullptr, Errors);
  if (!All)
    return nullptr;
  // A library whose contract names one of those functions applies as if
  // its first header were included: the call is to the library's function
  // all the same (malloc called without <stdlib.h> gets libc's contract).
  for (const std::string &F : Implicit) {
    const FunctionContract *FC = All->lookup(F);
    if (!FC)
      continue;
    for (const LibraryContract &L : All->Libraries)
      if (L.Library == FC->Library && !L.Headers.empty())
        Included.push_back(L.Headers.front());
  }
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
