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
        !F.second.IsSummary && !F.second.Returns &&
        (Best.empty() || F.first() < Best))
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

/// Whether E is a truth value made from its operands ('!p', 'p == NULL').
static bool isTruthTest(const Expr *E) {
  E = E->IgnoreParenImpCasts();
  if (const auto *UO = dyn_cast<UnaryOperator>(E))
    return UO->getOpcode() == UO_LNot;
  if (const auto *BO = dyn_cast<BinaryOperator>(E))
    return BO->isComparisonOp() || BO->isLogicalOp();
  if (const auto *OC = dyn_cast<CXXOperatorCallExpr>(E))
    return OC->getOperator() == OO_Exclaim || OC->isComparisonOp();
  return false;
}

/// Whether the call only takes or gives back references, and cannot fail:
/// Py_INCREF, Py_DECREF, and Py_NewRef (a new reference to its argument).
static bool refcountOnly(const FunctionContract &FC) {
  if (FC.Success || FC.Failure || FC.Throws != Throws::Never || FC.VarArgs ||
      FC.Opens || FC.Closes)
    return false;
  if (FC.Returns)
    return llvm::is_contained(
        {"Py_NewRef", "_Py_NewRef", "Py_XNewRef", "_Py_XNewRef"}, FC.Name);
  return !FC.Args.empty() && llvm::all_of(FC.Args, [](const auto &A) {
    return A.second.Kind == ArgEffect::Retains ||
           A.second.Kind == ArgEffect::Releases;
  });
}

/// Nothing pending, what the path has checked kept.
static void clearPending(PathState &St) {
  llvm::StringRef Checked = St.Pending.Checked;
  St.Pending = PendingException();
  St.Pending.Checked = Checked;
}

/// Whether the call's only failure is running out of memory, by its
/// contract ('fails_only_on_oom').
static bool oomOnly(const CallSite &C) {
  const FunctionContract *FC = C.FC;
  if (!FC || !FC->OomOnly)
    return false;
  if (FC->OomArg < 0)
    return true;
  if (unsigned(FC->OomArg) >= C.Args.size())
    return false;
  const auto *SL =
      dyn_cast<StringLiteral>(C.Args[FC->OomArg]->IgnoreParenImpCasts());
  return SL && SL->getCharByteWidth() == 1 &&
         SL->getString().starts_with(FC->OomPrefix);
}

bool ExceptionDomain::checks(const CallSite &C) const {
  return C.FC && C.FC->ChecksException && !C.FC->IsConventional;
}

void ExceptionDomain::beforeCall(const CallSite &C, PathState &St) {
  PendingException &P = St.Pending;
  if (checks(C)) {
    P = PendingException();
    P.Checked = C.FC->Library;
    return;
  }
  if (!P.At)
    return;
  if (!C.contracted()) {
    // A helper given the function table may check it, and one given a
    // test of the result decides on it ('throwCppExceptionIf(!cls)').
    if (llvm::any_of(C.Args, [&](const Expr *A) {
          return isTablePointer(A->getType(), FA.tu().Contracts) ||
                 (isTruthTest(A) && testsPending(St, A));
        }))
      clearPending(St);
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
          "' may be pending" +
          (P.Oom ? " (an OutOfMemoryError: it fails only when memory runs "
                   "out)"
                 : "") +
          "; check for it" + checker(C.FC->Library) + " first",
      std::move(Notes));
  clearPending(St);
}

/// A C function of a system library that is not the indicator family's:
/// no contract of the family, and not named as the family's functions are
/// (the prefixes of its lock: Py, _Py).
bool ExceptionDomain::otherLibrary(const CallSite &C, llvm::StringRef Family) {
  const FunctionDecl *FD = C.Callee;
  if (!FD || !FD->isExternC() || !FD->getIdentifier() ||
      (C.FC && (C.FC->Checks == Family || C.FC->ChecksException)) ||
      !FA.tu().Ctx.getSourceManager().isInSystemHeader(FD->getLocation()))
    return false;
  if (const LibraryContract *L = FA.tu().lockedLibrary())
    for (const std::string &P : L->LockPrefixes)
      if (FD->getName().starts_with(P))
        return false;
  return true;
}

void ExceptionDomain::afterCall(const CallSite &C,
                                std::optional<bool> Succeeded, PathState &S) {
  const FunctionContract *FC = C.FC;
  // The error indicator: a call of the family that asks whether it is set
  // answers no right after one of its calls succeeded; code this analysis
  // does not know may set it.
  if (!S.Indicator.Family.empty() && otherLibrary(C, S.Indicator.Family)) {
    // A C function of the system's libraries (strlen, free, memcpy) does
    // not touch this family's indicator.
  } else if (!C.contracted()) {
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
             S.Indicator.Family == FC->Checks) {
    // PyErr_Occurred() answers what the path knows.
    Fact F;
    if (S.Indicator.Set)
      F.Ne = 0;
    else
      F = Fact::exactly(0);
    F.Assumed = true;
    S.Facts.Exprs[C.Call] = F;
  } else if (Succeeded && !FC->Checks.empty()) {
    // A call that works does not clear an exception an earlier one set
    // ('a = PyList_New(0); b = PyDict_New(); if (!a || !b) return -1;').
    bool WasSet = S.Indicator.Family == FC->Checks && S.Indicator.Set;
    if (!*Succeeded && !FC->RaisesOnFailure && !WasSet) {
      // PyIter_Next's NULL may be the end of the iteration.
      S.Indicator = ErrorIndicator();
    } else {
      S.Indicator.Family = FC->Checks;
      S.Indicator.Set = WasSet || !*Succeeded;
    }
  } else if (refcountOnly(*FC)) {
    // Py_INCREF, Py_DECREF, Py_NewRef: a deallocation keeps the error
    // indicator as it was.
  } else {
    // No outcome to go by (PyLong_AsLong tells its failure only through
    // the indicator).
    S.Indicator = ErrorIndicator();
  }
  if (!FC ||
      !(FC->Throws == Throws::Always ||
        (FC->Throws == Throws::OnFailure && (!Succeeded || !*Succeeded))))
    return;
  bool Oom = oomOnly(C);
  if (Oom && !FA.tu().Limits.OomProtocol) {
    // Only running out of memory raises it: left to --oom-protocol.
    return;
  }
  S.Pending.At = C.Call;
  S.Pending.Oom = Oom;
  S.Pending.Var = nullptr;
  S.Pending.OnResult = FC->Throws == Throws::OnFailure && Succeeded;
  S.Pending.Fn = C.Fn;
  S.Pending.Lib = FC->Library;
}

/// Whether E is the call At, or a C++ object built from At's result by a
/// function or constructor (fbjni's 'adopt_local(env->FindClass(..))', a
/// 'ScopedLocalRef' or 'unique_ptr'): testing such an object for null tests
/// the result it holds.
static bool holdsResult(const Expr *E, const Expr *At) {
  E = strip(E);
  if (E == At)
    return true;
  if (!E || !E->getType()->isRecordType())
    return false;
  llvm::ArrayRef<const Expr *> Args;
  if (const auto *CE = dyn_cast<CallExpr>(E))
    Args = llvm::ArrayRef(CE->getArgs(), CE->getNumArgs());
  else if (const auto *CE = dyn_cast<CXXConstructExpr>(E))
    Args = llvm::ArrayRef(CE->getArgs(), CE->getNumArgs());
  return llvm::any_of(Args, [&](const Expr *A) { return strip(A) == At; });
}

void ExceptionDomain::onStore(const Expr *RHS, const VarDecl *ToLocal,
                              PathState &St) {
  if (!RHS || !St.Pending.At || !holdsResult(RHS, St.Pending.At))
    return;
  if (ToLocal)
    St.Pending.Var = ToLocal; // Testing it is checking.
  else
    clearPending(St); // Its tests are not followed there.
}

void ExceptionDomain::beforeBranch(const Expr *Cond, PathState &St) {
  if (St.Pending.At && testsPending(St, Cond))
    clearPending(St);
}

/// Whether the path knows the function table is null ('if (m_Env &&
/// m_Env->ExceptionCheck())'): nothing can be pending there.
static bool tableIsNull(const PathState &St, const ContractSet &C) {
  for (const auto &[VD, F] : St.Facts.Vars)
    if (F.isZero() && isTablePointer(VD->getType(), C))
      return true;
  for (const auto &[MK, F] : St.Facts.Members)
    if (F.isZero() && MK.Field && isTablePointer(MK.Field->getType(), C))
      return true;
  return false;
}

/// A function CPython calls returns: NULL needs an exception set, a value
/// needs none.
void ExceptionDomain::checkErrorReturn(const PathState &St, bool Null) {
  const FunctionDecl *FD = FA.fd();
  const auto *RS = dyn_cast_or_null<ReturnStmt>(St.ExitStmt);
  if (!RS || St.Indicator.Family != "cpython" ||
      !FA.tu().RaisingEntries.count(FD->getCanonicalDecl()))
    return;
  std::string Fn = "'" + FD->getNameAsString() + "'";
  if (FD->getReturnType()->isIntegerType()) {
    // A setter or tp_init: -1 says an exception is set.
    if (St.ReturnedConstant == -1 && !St.Indicator.Set)
      FA.report(FindingKind::CPythonErrorReturn, "cpython", FA.locOf(RS), RS,
                Fn + " returns -1 without an exception set; Python raises "
                     "SystemError ('error return without exception set')",
                FA.pathNotes(St, Value(), 2));
    // 0 says it worked: an exception left set surfaces in unrelated code.
    if (St.ReturnedConstant == 0 && St.Indicator.Set)
      FA.report(FindingKind::CPythonErrorReturn, "cpython", FA.locOf(RS), RS,
                Fn + " returns 0 while the exception of a failed call is "
                     "still set; the exception surfaces later, in unrelated "
                     "code; clear it (PyErr_Clear) or return -1",
                FA.pathNotes(St, Value(), 2));
    return;
  }
  if (Null && !St.Indicator.Set) {
    FA.report(FindingKind::CPythonErrorReturn, "cpython", FA.locOf(RS), RS,
              Fn + " returns NULL without an exception set; Python raises "
                   "SystemError ('error return without exception set')",
              FA.pathNotes(St, Value(), 2));
    return;
  }
  const std::optional<Fact> &F = St.ReturnedFact;
  bool NonNull = St.ReturnedConstant
                     ? *St.ReturnedConstant != 0
                     : F && (F->Lo > 0 || F->Hi < 0 || (F->Ne && *F->Ne == 0));
  // 'return Py_NewRef(Py_None);' (Py_RETURN_NONE): never NULL.
  if (const auto *CE = dyn_cast_or_null<CallExpr>(strip(RS->getRetValue())))
    if (const FunctionDecl *Callee = CE->getDirectCallee())
      if (const FunctionContract *RC = FA.tu().namedContract(Callee))
        NonNull |= RC->Returns && refcountOnly(*RC);
  if (NonNull && St.Indicator.Set)
    FA.report(FindingKind::CPythonErrorReturn, "cpython", FA.locOf(RS), RS,
              Fn + " returns a value while the exception of a failed call is "
                   "still set; Python raises SystemError, or the exception "
                   "surfaces later; clear it (PyErr_Clear) or return NULL",
              FA.pathNotes(St, Value(), 2));
}

void ExceptionDomain::atExit(PathState &St) {
  // A throw is no return: the caller does not go on after it.
  if (isa_and_nonnull<CXXThrowExpr>(St.ExitStmt) ||
      tableIsNull(St, FA.tu().Contracts))
    return;
  ++Exits;
  if (!St.Pending.At && !St.Pending.Checked.empty()) {
    ++CheckedExits;
    if (!CheckedLib.empty() && CheckedLib != St.Pending.Checked)
      CheckedLib = "-";
    else
      CheckedLib = St.Pending.Checked;
  }
  bool Null = St.ReturnedConstant
                  ? *St.ReturnedConstant == 0
                  : St.ReturnedFact && St.ReturnedFact->isZero();
  checkErrorReturn(St, Null);
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
  // A helper that checks on every return (fbjni's
  // throwPendingJniExceptionAsCppException) checks for its callers.
  if (Exits && CheckedExits == Exits && CheckedLib != "-") {
    S.ChecksException = true;
    S.Library = CheckedLib.str();
    Useful = true;
    return;
  }
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
