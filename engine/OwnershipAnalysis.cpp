//===- OwnershipAnalysis.cpp - Contract-driven ownership analysis ---------===//
//
// Per-function, path-sensitive analysis over the Clang CFG with bounded
// disjunctive states (see PathState.h for the state machine). A contracted
// call with a success condition forks the state into its success and failure
// outcomes; branches on the call's result, or on a variable that holds it,
// prune the outcome that cannot reach them. Functions defined in the
// translation unit are summarized bottom-up (returns an owned resource,
// releases or only uses an argument) and those summaries act as contracts.
//
//===----------------------------------------------------------------------===//

#include "FunctionAnalysis.h"
#include "clang/AST/ExprCXX.h"
#include "clang/Analysis/CFG.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"

using namespace clang;
using namespace custody;
using namespace custody::impl;
#include "clang/AST/RecursiveASTVisitor.h"

llvm::StringRef custody::checkName(FindingKind K) {
  switch (K) {
#define CUSTODY_CHECK(Kind, Name, Summary)                                     \
  case FindingKind::Kind:                                                      \
    return Name;
#include "Checks.def"
  }
  return "";
}

llvm::StringRef custody::checkSummary(FindingKind K) {
  switch (K) {
#define CUSTODY_CHECK(Kind, Name, Summary)                                     \
  case FindingKind::Kind:                                                      \
    return Summary;
#include "Checks.def"
  }
  return "";
}

//===----------------------------------------------------------------------===//
// Small AST helpers
//===----------------------------------------------------------------------===//

const Expr *impl::strip(const Expr *E) {
  while (E) {
    const Expr *N = E->IgnoreParenCasts();
    if (const auto *EWC = dyn_cast<ExprWithCleanups>(N))
      N = EWC->getSubExpr();
    else if (const auto *MT = dyn_cast<MaterializeTemporaryExpr>(N))
      N = MT->getSubExpr();
    else if (const auto *BT = dyn_cast<CXXBindTemporaryExpr>(N))
      N = BT->getSubExpr();
    if (N == E)
      break;
    E = N;
  }
  return E;
}

const VarDecl *impl::localVar(const Expr *E) {
  const auto *DRE = dyn_cast_or_null<DeclRefExpr>(strip(E));
  if (!DRE)
    return nullptr;
  const auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
  if (!VD || !VD->hasLocalStorage() || VD->getType()->isReferenceType())
    return nullptr;
  return VD;
}

std::string impl::describe(const Value &V) {
  return V.Res ? V.Res->Description : std::string("resource");
}

std::string impl::nameOf(const FunctionDecl *FD) {
  if (!FD || !FD->getIdentifier())
    return "";
  return FD->getName().str();
}

std::vector<std::string> custody::includedFiles(const SourceManager &SM) {
  std::vector<std::string> Files;
  for (auto It = SM.fileinfo_begin(), E = SM.fileinfo_end(); It != E; ++It)
    Files.push_back(It->first.getName().str());
  return Files;
}

//===----------------------------------------------------------------------===//
// The analysis
//===----------------------------------------------------------------------===//

static bool containsErrors(const Stmt *S) {
  if (!S)
    return false;
  if (const auto *E = dyn_cast<Expr>(S))
    if (E->containsErrors())
      return true;
  for (const Stmt *C : S->children())
    if (containsErrors(C))
      return true;
  return false;
}

const VarDecl *impl::globalOf(const Expr *E) {
  const Expr *S = strip(E);
  if (const auto *UO = dyn_cast_or_null<UnaryOperator>(S))
    if (UO->getOpcode() == UO_AddrOf)
      S = strip(UO->getSubExpr());
  if (const auto *DRE = dyn_cast_or_null<DeclRefExpr>(S))
    if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
      if (VD->hasGlobalStorage())
        return VD;
  return nullptr;
}

bool impl::isAnalyzable(const FunctionDecl *FD) {
  return !FD->isDependentContext() && !FD->isInvalidDecl() &&
         !containsErrors(FD->getBody());
}

/// The "custody: ..." annotations on D's declarations.
static std::vector<llvm::StringRef> annotations(const Decl *D) {
  std::vector<llvm::StringRef> Out;
  for (const Decl *R : D->redecls())
    for (const auto *A : R->specific_attrs<AnnotateAttr>()) {
      llvm::StringRef S = A->getAnnotation();
      if (S.consume_front("custody: "))
        Out.push_back(S);
    }
  return Out;
}

const FunctionContract *
TUAnalysis::annotatedContract(const FunctionDecl *Callee) {
  const FunctionDecl *Canon = Callee->getCanonicalDecl();
  auto It = Annotated.find(Canon);
  if (It != Annotated.end())
    return It->second.get();
  auto FC = std::make_unique<FunctionContract>();
  FC->Name = Callee->getNameAsString();
  FC->IsSummary = true; // Parameters without an annotation may be kept.
  bool Any = false;
  auto Known = [&](llvm::StringRef R) {
    if (R == "any" || Contracts.resource(R))
      return true;
    if (Log)
      *Log << "custody: annotation on '" << FC->Name << "' names resource '"
           << R << "', which no contract in force defines\n";
    return false;
  };
  for (llvm::StringRef A : annotations(Callee)) {
    auto [Verb, Rest] = A.split(' ');
    if (Verb != "returns")
      continue;
    auto [How, Res] = Rest.split(' ');
    if (!Known(Res))
      continue;
    FC->Returns =
        ReturnEffect{How != "borrowed", Res.str(), How == "owned-or-null"};
    Any = true;
  }
  // A parameter's annotations may be on any declaration of the function.
  for (const FunctionDecl *R : Callee->redecls())
    for (unsigned I = 0; I < R->getNumParams(); ++I)
      for (llvm::StringRef A : annotations(R->getParamDecl(I))) {
        auto [Verb, Res] = A.split(' ');
        if (!Known(Res))
          continue;
        ArgEffect E;
        E.Resource = Res == "any" ? "" : Res.str();
        if (Verb == "consumes")
          E.Kind = ArgEffect::Consumes;
        else if (Verb == "releases")
          E.Kind = ArgEffect::Releases;
        else if (Verb == "keeps")
          E.Kind = ArgEffect::Escapes;
        else if (Verb == "borrows")
          E.Kind = ArgEffect::Borrows;
        else
          continue;
        FC->Args[I] = E;
        Any = true;
      }
  if (!Any)
    FC.reset();
  return (Annotated[Canon] = std::move(FC)).get();
}

namespace {

class FunctionCollector : public RecursiveASTVisitor<FunctionCollector> {
public:
  explicit FunctionCollector(const SourceManager &SM) : SM(SM) {}
  std::vector<const FunctionDecl *> Functions;
  // Declarations from headers are not walked into: only the main file's
  // functions are reported on (callees are reached through summaries).
  bool TraverseDecl(Decl *D) {
    if (D && !isa<TranslationUnitDecl, NamespaceDecl, LinkageSpecDecl>(D)) {
      SourceLocation L = SM.getExpansionLoc(D->getLocation());
      if (L.isValid() && !SM.isWrittenInMainFile(L))
        return true;
    }
    return RecursiveASTVisitor::TraverseDecl(D);
  }
  bool VisitFunctionDecl(FunctionDecl *FD) {
    if (FD->doesThisDeclarationHaveABody() && isAnalyzable(FD) &&
        SM.isWrittenInMainFile(SM.getExpansionLoc(FD->getLocation())))
      Functions.push_back(FD);
    return true;
  }
  // Functions stored in tables of callbacks (PyMethodDef, type slots).
  std::vector<const FunctionDecl *> Callbacks;
  bool VisitInitListExpr(InitListExpr *IL) {
    for (const Expr *E : IL->inits()) {
      // '.tp_repr = f' in the written form of the initializer.
      if (const auto *DIE = dyn_cast_or_null<DesignatedInitExpr>(E))
        E = DIE->getInit();
      if (!E)
        continue;
      const Expr *S = E->IgnoreParenCasts();
      if (const auto *UO = dyn_cast<UnaryOperator>(S))
        if (UO->getOpcode() == UO_AddrOf)
          S = UO->getSubExpr()->IgnoreParenCasts();
      if (const auto *DRE = dyn_cast<DeclRefExpr>(S))
        if (const auto *Fn = dyn_cast<FunctionDecl>(DRE->getDecl()))
          Callbacks.push_back(Fn);
    }
    return true;
  }

private:
  const SourceManager &SM;
};

} // namespace

std::vector<Finding>
custody::analyzeTranslationUnit(ASTContext &Ctx, const ContractSet &Contracts,
                                const AnalysisLimits &Limits,
                                llvm::raw_ostream *Log) {
  FunctionCollector C(Ctx.getSourceManager());
  C.TraverseDecl(Ctx.getTranslationUnitDecl());
  TUAnalysis TU(Ctx, Contracts, Limits, Log);
  // What must return an owned value: a callback stored in a table whose
  // return type has an owned default (the C API's PyObject * convention),
  // and a function whose own contract says it returns an owned value.
  for (const FunctionDecl *Fn : C.Callbacks)
    if (const DefaultReturn *D = TU.conventionFor(Fn); D && D->Effect.Owned)
      TU.MustReturnOwned[Fn->getCanonicalDecl()] = {
          Contracts.resource(D->Effect.Resource),
          "a callback returning '" + D->Type +
              " *' hands its caller a new reference"};
  for (const FunctionDecl *FD : C.Functions) {
    // Contracts name C functions, never C++ members.
    const FunctionContract *FC = FD->getIdentifier() && !isa<CXXMethodDecl>(FD)
                                     ? Contracts.lookup(FD->getName())
                                     : nullptr;
    if (!FC)
      FC = TU.annotatedContract(FD);
    if (FC && FC->Returns && FC->Returns->Owned)
      TU.MustReturnOwned[FD->getCanonicalDecl()] = {
          Contracts.resource(FC->Returns->Resource),
          "its contract says it returns an owned value"};
  }
  std::vector<Finding> All;
  for (const FunctionDecl *FD : C.Functions) {
    const FunctionResult &R = TU.resultFor(FD, 0);
    All.insert(All.end(), R.Findings.begin(), R.Findings.end());
  }
  const SourceManager &SM = Ctx.getSourceManager();
  std::stable_sort(All.begin(), All.end(),
                   [&](const Finding &A, const Finding &B) {
                     if (A.Loc != B.Loc)
                       return SM.isBeforeInTranslationUnit(A.Loc, B.Loc);
                     return A.Kind < B.Kind;
                   });
  return All;
}
