//===- ExceptionDomain.cpp - Exceptions left pending (JNI) ----------------===//
//
// A call whose contract says it 'throws' may leave an exception pending; the
// next call of the same library that is not 'exception_safe' is reported
// unless the path checked first: a check function ('checks_exception'), a
// test of the failing call's result or of the local holding it, a store of
// the result where the walk cannot follow its tests, or a helper given the
// function table.
//
//===----------------------------------------------------------------------===//

#include "FunctionAnalysis.h"

using namespace clang;
using namespace custody;
using namespace custody::impl;

/// Whether T points (through any number of pointers) to a function table a
/// contract names: the JNIEnv * a helper receives.
bool impl::isTablePointer(QualType T, const ContractSet &C) {
  bool Pointer = false;
  while (T->isPointerType()) {
    T = T->getPointeeType();
    Pointer = true;
  }
  const auto *RT = T->getAs<RecordType>();
  if (!Pointer || !RT || !RT->getDecl()->getIdentifier())
    return false;
  llvm::StringRef Name = RT->getDecl()->getName();
  for (const LibraryContract &L : C.Libraries)
    if (llvm::is_contained(L.MembersOf, Name))
      return true;
  return false;
}

std::string ExceptionDomain::checker(llvm::StringRef Library) const {
  // The first, by name, of the library's functions that check: stable.
  std::string Best;
  for (const auto &F : FA.tu().Contracts.Functions)
    if (F.second.ChecksException && F.second.Library == Library &&
        !F.second.Returns && (Best.empty() || F.first() < Best))
      Best = F.first().str();
  return Best.empty() ? "" : " (" + Best + ")";
}

bool ExceptionDomain::testsPending(const PathState &St,
                                   const Stmt *Cond) const {
  if (!Cond || !St.Pending.OnResult)
    return false;
  if (const auto *E = dyn_cast<Expr>(Cond)) {
    if (strip(E) == St.Pending.At)
      return true;
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E->IgnoreParenImpCasts()))
      if (St.Pending.Var && DRE->getDecl() == St.Pending.Var)
        return true;
  }
  for (const Stmt *C : Cond->children())
    if (testsPending(St, C))
      return true;
  return false;
}

void ExceptionDomain::beforeCall(const CallSite &C, PathState &St) {
  if (!St.Pending.At)
    return;
  PendingException &P = St.Pending;
  if (!C.contracted()) {
    // A helper given the function table may check it.
    if (llvm::any_of(C.Args, [&](const Expr *A) {
          return isTablePointer(A->getType(), FA.tu().Contracts);
        }))
      P = PendingException();
    return;
  }
  if (C.FC->ChecksException) {
    P = PendingException();
    return;
  }
  if (C.FC->ExceptionSafe || C.FC->Library != P.Lib)
    return;
  std::vector<Note> Notes{
      {FA.locOf(P.At),
       "'" + P.Fn.str() + "' may leave an exception pending here"}};
  FA.report(
      FindingKind::ExceptionPending, C.FC->Checks, FA.locOf(C.Call), C.Call,
      "'" + C.Fn.str() + "' is called while an exception from '" + P.Fn.str() +
          "' may be pending; check for it" + checker(C.FC->Library) + " first",
      std::move(Notes));
  P = PendingException();
}

void ExceptionDomain::afterCall(const CallSite &C,
                                std::optional<bool> Succeeded, PathState &S) {
  const FunctionContract *FC = C.FC;
  // The error indicator: a call of the family that asks whether it is set
  // answers no right after one of its calls succeeded; code this analysis
  // does not know may set it.
  if (!C.contracted()) {
    // A helper of this program that returns a new value, NULL on failure,
    // is told by its result as the library's own calls are.
    const Resource *R = FC && FC->IsSummary && FC->Returns && Succeeded
                            ? FA.tu().Contracts.resource(FC->Returns->Resource)
                            : nullptr;
    if (R && !R->Checks.empty())
      S.Indicator = {R->Checks, !*Succeeded};
    else
      S.Indicator = ErrorIndicator();
  } else if (FC->ChecksException && FC->Returns && !FC->Checks.empty() &&
             S.Indicator.Family == FC->Checks && !S.Indicator.Set) {
    Fact F = Fact::exactly(0);
    F.Assumed = true;
    S.Facts.Exprs[C.Call] = F;
  } else if (Succeeded && !FC->Checks.empty()) {
    S.Indicator.Family = FC->Checks;
    S.Indicator.Set = !*Succeeded;
  } else {
    // No outcome to go by (PyLong_AsLong tells its failure only through
    // the indicator).
    S.Indicator = ErrorIndicator();
  }
  if (!FC ||
      !(FC->Throws == Throws::Always ||
        (FC->Throws == Throws::OnFailure && (!Succeeded || !*Succeeded))))
    return;
  S.Pending.At = C.Call;
  S.Pending.Var = nullptr;
  S.Pending.OnResult = FC->Throws == Throws::OnFailure && Succeeded;
  S.Pending.Fn = C.Fn;
  S.Pending.Lib = FC->Library;
}

void ExceptionDomain::onStore(const Expr *RHS, const VarDecl *ToLocal,
                              PathState &St) {
  if (!RHS || !St.Pending.At || strip(RHS) != St.Pending.At)
    return;
  if (ToLocal)
    St.Pending.Var = ToLocal; // Testing it is checking.
  else
    St.Pending = PendingException(); // Its tests are not followed there.
}

void ExceptionDomain::beforeBranch(const Expr *Cond, PathState &St) {
  if (St.Pending.At && testsPending(St, Cond))
    St.Pending = PendingException();
}

void ExceptionDomain::atExit(PathState &St) {
  ++Exits;
  bool Null = St.ReturnedConstant
                  ? *St.ReturnedConstant == 0
                  : St.ReturnedFact && St.ReturnedFact->isZero();
  if (!St.Pending.At) {
    if (Null)
      PendingOnlyWhenNull = false;
    return;
  }
  ++PendingExits;
  if (!Null)
    PendingOnlyWhenNull = false;
  PendingOnResult &= St.Pending.OnResult;
  if (!PendingLib.empty() && PendingLib != St.Pending.Lib)
    PendingLib = "-";
  else
    PendingLib = St.Pending.Lib;
}

void ExceptionDomain::summarize(FunctionResult &, FunctionContract &S,
                                bool &Useful) {
  // A helper that leaves its library's exception pending for its caller:
  // on every exit, or on exactly the exits that return null.
  if (!PendingExits || PendingLib.empty() || PendingLib == "-")
    return;
  const FunctionDecl *FD = FA.fd();
  if (PendingExits == Exits && !PendingOnResult) {
    S.Throws = Throws::Always;
  } else if (PendingOnlyWhenNull && PendingOnResult &&
             FD->getReturnType()->isPointerType()) {
    S.Throws = Throws::OnFailure;
    S.Success = Condition{Condition::NE, 0};
  } else {
    return;
  }
  S.Library = PendingLib.str();
  Useful = true;
}
