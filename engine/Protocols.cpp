//===- Protocols.cpp - What calls require of the path besides ownership ---===//
//
// Regions held by no variable (monitors, local frames, attached threads),
// critical regions, exceptions left pending, values the runtime frees on
// return that pile up in loops, and an interpreter lock (CPython's GIL): the
// contract says what each call opens, closes, throws or needs; this file
// keeps those facts on the path state and reports what goes wrong.
//
//===----------------------------------------------------------------------===//

#include "FunctionAnalysis.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMap.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"

using namespace clang;
using namespace custody;
using namespace custody::impl;

const FunctionContract *
FunctionAnalysis::tableContract(const CallExpr *CE, const Expr *&Obj) const {
  Obj = nullptr;
  // The C form calls a field, (*env)->F(env, ...); the C++ form a method,
  // env->F(...), whose object stands for the C form's first argument.
  if (const auto *ME =
          dyn_cast<MemberExpr>(CE->getCallee()->IgnoreParenImpCasts()))
    if (const auto *Field = dyn_cast<FieldDecl>(ME->getMemberDecl()))
      if (Field->getIdentifier())
        if (const FunctionContract *FC = TU.Contracts.lookupMember(
                Field->getParent()->getName(), Field->getName()))
          return FC;
  if (const auto *MCE = dyn_cast<CXXMemberCallExpr>(CE))
    if (const CXXMethodDecl *M = MCE->getMethodDecl())
      if (M->getIdentifier() && MCE->getImplicitObjectArgument())
        if (const FunctionContract *FC = TU.Contracts.lookupMember(
                M->getParent()->getName(), M->getName())) {
          Obj = MCE->getImplicitObjectArgument();
          return FC;
        }
  return nullptr;
}

const Decl *FunctionAnalysis::declOf(const Expr *E) const {
  const Expr *S = strip(E);
  if (const auto *UO = dyn_cast_or_null<UnaryOperator>(S))
    if (UO->getOpcode() == UO_AddrOf || UO->getOpcode() == UO_Deref)
      S = strip(UO->getSubExpr());
  if (const auto *DRE = dyn_cast_or_null<DeclRefExpr>(S))
    return DRE->getDecl()->getCanonicalDecl();
  if (const auto *ME = dyn_cast_or_null<MemberExpr>(S))
    return ME->getMemberDecl();
  return nullptr;
}

/// Whether T points (through any number of pointers) to a function table a
/// contract names: the JNIEnv * a helper receives.
/// The macro the code wrote around Loc (Py_RETURN_NONE around the Py_NewRef
/// it expands to), or empty if Loc is not in one.
static llvm::StringRef outermostMacro(SourceLocation Loc, ASTContext &Ctx) {
  const SourceManager &SM = Ctx.getSourceManager();
  llvm::StringRef Name;
  while (Loc.isMacroID()) {
    if (SM.isMacroArgExpansion(Loc)) {
      Loc = SM.getImmediateSpellingLoc(Loc);
      continue;
    }
    Name = Lexer::getImmediateMacroName(Loc, SM, Ctx.getLangOpts());
    Loc = SM.getImmediateMacroCallerLoc(Loc);
  }
  return Name;
}

static bool isTablePointer(QualType T, const ContractSet &C) {
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

//===----------------------------------------------------------------------===//
// Loops that pile up values the runtime frees only on return
//===----------------------------------------------------------------------===//

const Stmt *FunctionAnalysis::enclosingLoop(const Stmt *S) {
  if (!Parents)
    Parents = std::make_unique<ParentMap>(const_cast<Stmt *>(FD->getBody()));
  for (const Stmt *P = Parents->getParent(S); P; P = Parents->getParent(P))
    if (isa<ForStmt, WhileStmt, DoStmt, CXXForRangeStmt>(P))
      return P;
  return nullptr;
}

/// A for loop bounded by a small constant ('i < 4'): the runtime guarantees
/// room for that many (JNI: 16 local references).
static bool smallConstantBound(const Stmt *Loop, ASTContext &Ctx) {
  const auto *FS = dyn_cast<ForStmt>(Loop);
  if (!FS || !FS->getCond())
    return false;
  const auto *BO = dyn_cast<BinaryOperator>(FS->getCond()->IgnoreParenCasts());
  if (!BO)
    return false;
  const Expr *Bound = nullptr;
  if (BO->getOpcode() == BO_LT || BO->getOpcode() == BO_LE)
    Bound = BO->getRHS();
  else if (BO->getOpcode() == BO_GT || BO->getOpcode() == BO_GE)
    Bound = BO->getLHS();
  Expr::EvalResult R;
  if (!Bound || Bound->isValueDependent() || !Bound->EvaluateAsInt(R, Ctx))
    return false;
  return R.Val.getInt().getExtValue() <= 16;
}

const Stmt *FunctionAnalysis::pilingLoop(const Stmt *Site, const Stmt *At,
                                         bool Overwrite) {
  if (!Site || !At)
    return nullptr;
  const Stmt *Loop = enclosingLoop(Site);
  if (!Loop || smallConstantBound(Loop, TU.Ctx))
    return nullptr;
  // Lost once per iteration: overwritten inside the loop, or its variable's
  // scope ends at the end of an iteration (the body's end, a 'continue'),
  // not when the loop is left ('break', 'return').
  if (!Overwrite && !isa<CompoundStmt, ContinueStmt>(At))
    return nullptr;
  for (const Stmt *P = At; P; P = Parents->getParent(P))
    if (P == Loop)
      return Loop;
  return nullptr;
}

/// Whether a region of this persistence, open since before V was made,
/// frees V's resource when it closes. MaybeOpen: a region no longer followed
/// (after a join) counts too.
static bool openRegionFrees(const PathState &St, const Value &V,
                            bool Persistent, bool MaybeOpen = false) {
  for (const auto &KS : St.Special) {
    const Value &R = *St.value(KS.first);
    if (R.Region &&
        (R.St == VState::Owned || (MaybeOpen && R.St == VState::Escaped)) &&
        R.Res &&
        R.Res->Persistent == Persistent && V.Res &&
        llvm::is_contained(R.Res->Frees, V.Res->Name) && V.AcqSeq > R.AcqSeq)
      return true;
  }
  return false;
}

bool FunctionAnalysis::inOpenFrame(const PathState &St, const Value &V) const {
  // Room made for them beforehand counts as a frame sized for them.
  if (V.Res && St.Reserved == V.Res)
    return true;
  // A local frame opened before it frees it when popped (or is reported);
  // whoever pushed it sized it for what the code between makes.
  return openRegionFrees(St, V, /*Persistent=*/false, /*MaybeOpen=*/true);
}

bool FunctionAnalysis::leaksAtExit(const PathState &St, const Value &V) const {
  // A region no path of this function closes is a helper's ('lock' for a
  // later 'unlock'), unless the runtime calls this function directly.
  if (V.Region)
    return !V.Res || ClosedHere.count(V.Res->Name) ||
           (!V.Res->Persistent &&
            TU.ForeignEntries.count(FD->getCanonicalDecl()));
  if (!V.Res || !V.Res->FreedOnReturn)
    return true;
  if (inOpenFrame(St, V))
    return false;
  // Returning frees it, unless this code opened a region that keeps such
  // values alive past the return (a thread it attached).
  return openRegionFrees(St, V, /*Persistent=*/true);
}

std::string FunctionAnalysis::leakMessage(const PathState &St, ValueKey K,
                                          const Value &V, Lost How) {
  if (V.Region) {
    std::string On;
    if (const auto *ND = dyn_cast_or_null<NamedDecl>(V.Source))
      if (ND->getIdentifier())
        On = " on '" + ND->getName().str() + "'";
    std::string Closers;
    if (V.Res)
      for (size_t I = 0; I < V.Res->Releasers.size(); ++I)
        Closers += (I ? " or '" : "'") + V.Res->Releasers[I] + "'";
    return "'" + V.AcqFn.str() + "'" + On + " (" + describe(V) +
           ") is not matched by " + (Closers.empty() ? "a close" : Closers) +
           " on this path";
  }
  if (V.LockToken) {
    std::string Lock = lockName(V);
    return V.LockToken == 1 ? "the " + Lock + " taken by '" + V.AcqFn.str() +
                                  "' is not given back on this path"
                            : "the " + Lock + " given up by '" + V.AcqFn.str() +
                                  "' is not taken back on this path";
  }
  std::string Msg =
      varName(St, K) + " (" + describe(V) + " from '" + V.AcqFn.str() + "') ";
  if (V.Res && V.Res->FreedOnReturn) {
    std::string Deleter =
        V.Res->Releasers.empty() ? "release" : "'" + V.Res->Releasers[0] + "'";
    if (How == Lost::Overwritten)
      return Msg + "is overwritten in a loop without " + Deleter +
             "; one piles up per iteration";
    if (How == Lost::OutOfScope)
      return Msg + "is not deleted with " + Deleter +
             " before the loop's next iteration; one piles up per iteration";
    return Msg + "is never deleted; this code attached the thread, so "
                 "returning does not free it";
  }
  return Msg + (How == Lost::Overwritten
                    ? "is overwritten while it still owns the " + describe(V)
                    : std::string("is not released on this path"));
}

void FunctionAnalysis::reportPiledTemporary(const PathState &St, const Value &V,
                                            bool Discarded) {
  if (!V.Res || !V.Res->FreedOnReturn || inOpenFrame(St, V) ||
      !pilingLoop(V.AcqStmt, V.AcqStmt, true))
    return;
  report(FindingKind::ResourceLeak, V.Res, V.AcqLoc, V.AcqStmt,
         "the " + describe(V) + " returned by '" + V.AcqFn.str() +
             (Discarded ? "' is discarded inside a loop without being "
                          "deleted; one piles up per iteration"
                        : "' is never deleted inside a loop; one piles up "
                          "per iteration"),
         {});
}

bool impl::assumedBranchSince(const PathState &St, unsigned Seq,
                              bool CountLoops) {
  for (const PathNote *N = St.Notes.get(); N && N->Seq > Seq; N = N->Prev.get())
    if (N->Kind == PathNote::Branch && (CountLoops || !N->LoopCond))
      return true;
  return false;
}

//===----------------------------------------------------------------------===//
// Regions
//===----------------------------------------------------------------------===//

void FunctionAnalysis::collectClosed(const Stmt *Body) {
  // A worklist, not recursion: expressions may be thousands deep.
  llvm::SmallVector<const Stmt *, 64> Work{Body};
  while (!Work.empty()) {
    const Stmt *S = Work.pop_back_val();
    if (!S)
      continue;
    if (const auto *CE = dyn_cast<CallExpr>(S)) {
      const Expr *Obj;
      const FunctionContract *FC = tableContract(CE, Obj);
      if (!FC && CE->getDirectCallee() &&
          CE->getDirectCallee()->getIdentifier())
        FC = TU.Contracts.lookup(CE->getDirectCallee()->getName());
      if (FC && FC->Closes)
        ClosedHere.insert(FC->Closes->Resource);
      if (FC && FC->Opens && !FC->Opens->Borrowed)
        OpenedHere.insert(FC->Opens->Resource);
    }
    for (const Stmt *C : S->children())
      Work.push_back(C);
  }
}

void FunctionAnalysis::openRegion(const Expr *Call, const RegionEffect &RE,
                                  llvm::ArrayRef<const Expr *> Args,
                                  llvm::StringRef Fn, bool Opened,
                                  PathState &S) {
  Value V;
  V.Region = true;
  V.Res = TU.Contracts.resource(RE.Resource);
  V.AcqFn = Fn;
  V.AcqLoc = locOf(Call);
  V.AcqStmt = Call;
  if (RE.KeyArg >= 0 && unsigned(RE.KeyArg) < Args.size())
    V.Source = declOf(Args[RE.KeyArg]);
  if (Opened) {
    V.St = RE.Borrowed ? VState::Borrowed : VState::Owned;
    V.WasBorrowed = RE.Borrowed;
    V.AcqSeq = S.NextSeq++;
  } else {
    // A failed open the code never looked at is reported as such; closing
    // after it is the same bug.
    if (Discarded.count(Call) || RE.Borrowed)
      return;
    V.St = VState::NotAcquired;
  }
  newValue(S, Call, V);
}

void FunctionAnalysis::freeWithRegion(PathState &S, const Value &Region,
                                      llvm::StringRef Fn, SourceLocation Loc) {
  if (!Region.Res || Region.Res->Frees.empty())
    return;
  std::vector<ValueKey> Freed;
  for (const auto &[K, V] : S.Vals)
    if (!V.Region && V.St == VState::Owned && V.Res &&
        V.AcqSeq > Region.AcqSeq &&
        llvm::is_contained(Region.Res->Frees, V.Res->Name))
      Freed.push_back(K);
  for (ValueKey K : Freed) {
    S.Vals.update(K, [&](Value &V) {
      V.St = VState::Released;
      V.ReleaseFn = Fn;
      V.ReleaseLoc = Loc;
    });
    S.MaybeGarbage.push_back(K);
  }
}

void FunctionAnalysis::closeRegion(const Expr *Call, const RegionEffect &RE,
                                   llvm::ArrayRef<const Expr *> Args,
                                   llvm::StringRef Fn, PathState &S) {
  const Resource *R = TU.Contracts.resource(RE.Resource);
  const Decl *Key = RE.KeyArg >= 0 && unsigned(RE.KeyArg) < Args.size()
                        ? declOf(Args[RE.KeyArg])
                        : nullptr;
  // The innermost open region of that resource (and key, when both known).
  const Value *Best = nullptr;
  ValueKey BestKey;
  for (const auto &KS : S.Special) {
    const Value &V = *S.value(KS.first);
    if (!V.Region || V.Res != R ||
        (V.St != VState::Owned && V.St != VState::Borrowed &&
         V.St != VState::NotAcquired && V.St != VState::Escaped) ||
        (Key && V.Source && V.Source != Key))
      continue;
    auto Rank = [](const Value &X) {
      return std::make_pair(X.St != VState::NotAcquired, X.AcqSeq);
    };
    if (!Best || Rank(V) > Rank(*Best)) {
      Best = &V;
      BestKey = KS.first;
    }
  }
  SourceLocation Loc = locOf(Call);
  std::string Desc = R ? R->Description : RE.Resource;
  if (!Best) {
    // A helper closing what its caller opened ('unlock(env, obj)'): its
    // callers see it as the close, keyed by the parameter it was given.
    if (!TU.ForeignEntries.count(FD->getCanonicalDecl())) {
      RegionEffect Summary = RE;
      Summary.KeyArg = -1;
      for (unsigned I = 0; I < FD->getNumParams(); ++I)
        if (Key && FD->getParamDecl(I)->getCanonicalDecl() == Key)
          Summary.KeyArg = int(I);
      if (!Key || Summary.KeyArg >= 0)
        ClosesForCaller = Summary;
    }
    // Only an entry point of the runtime cannot have inherited it open,
    // unless a helper given the table opened it.
    if (TU.ForeignEntries.count(FD->getCanonicalDecl()) && !S.TableHandedOut)
      report(FindingKind::ReleaseUnowned, R, Loc, Call,
             "'" + Fn.str() + "' closes a " + Desc +
                 " that this path never opened",
             {});
    return;
  }
  Value V = *Best;
  // Found open by someone else: reported when this function opens such
  // regions itself (it means to close only its own) and the close follows
  // on every path from the finding, with no branch this analysis assumed.
  bool Certain = OpenedHere.count(RE.Resource) &&
                 !assumedBranchSince(S, V.AcqSeq, /*CountLoops=*/true);
  if (V.St == VState::Borrowed && Certain)
    report(FindingKind::ReleaseUnowned, R, Loc, Call,
           "'" + Fn.str() + "' closes a " + Desc + " that '" + V.AcqFn.str() +
               "' found already open: this code did not open it",
           pathNotes(S, V, 0));
  else if (V.St == VState::NotAcquired)
    report(FindingKind::ReleaseUnowned, R, Loc, Call,
           "'" + Fn.str() + "' closes a " + Desc + " but '" + V.AcqFn.str() +
               "' failed, so none was opened",
           pathNotes(S, V, 2));
  if (V.St == VState::Owned)
    freeWithRegion(S, V, Fn, Loc);
  V.St = VState::Released;
  V.ReleaseFn = Fn;
  V.ReleaseLoc = Loc;
  S.Vals.set(BestKey, V);
  S.MaybeGarbage.push_back(BestKey);
}

//===----------------------------------------------------------------------===//
// The interpreter lock
//===----------------------------------------------------------------------===//

std::optional<LockEffect> FunctionAnalysis::lockEffect(
    const FunctionDecl *Callee, const FunctionContract *FC,
    llvm::StringRef &LockName, const LockNeed *&Inner) {
  Inner = nullptr;
  const LibraryContract *Locked = TU.lockedLibrary();
  if (!Locked)
    return std::nullopt;
  if (FC && FC->Lock && !FC->IsSummary) {
    for (const LibraryContract &L : TU.Contracts.Libraries)
      if (L.Library == FC->LockLibrary && !L.LockName.empty())
        LockName = L.LockName;
    if (!LockName.empty())
      return FC->Lock;
  }
  if (!Callee)
    return std::nullopt;
  if (Callee->getIdentifier())
    for (const LibraryContract &L : TU.Contracts.Libraries)
      for (const std::string &P : L.LockPrefixes)
        if (Callee->getName().starts_with(P) &&
            TU.inLibraryHeaders(Callee, L)) {
          LockName = L.LockName;
          return LockEffect::Needs;
        }
  if (const FunctionResult *R = TU.definedResult(Callee, Depth)) {
    if (R->LockSummary) {
      LockName = Locked->LockName;
      return R->LockSummary;
    }
    if (R->NeedsLock) {
      Inner = &*R->NeedsLock;
      LockName = R->NeedsLock->Lock;
      return LockEffect::Needs;
    }
  }
  return std::nullopt;
}

std::string FunctionAnalysis::exceptionChecker(llvm::StringRef Library) const {
  // The first, by name, of the library's functions that check: stable.
  std::string Best;
  for (const auto &F : TU.Contracts.Functions)
    if (F.second.ChecksException && F.second.Library == Library &&
        !F.second.Returns && (Best.empty() || F.first() < Best))
      Best = F.first().str();
  return Best.empty() ? "" : " (" + Best + ")";
}

bool FunctionAnalysis::testsPending(const PathState &St, const Stmt *Cond) {
  if (!Cond || !St.PendingOnResult)
    return false;
  if (const auto *E = dyn_cast<Expr>(Cond)) {
    if (strip(E) == St.PendingAt)
      return true;
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E->IgnoreParenImpCasts()))
      if (St.PendingVar && DRE->getDecl() == St.PendingVar)
        return true;
  }
  for (const Stmt *C : Cond->children())
    if (testsPending(St, C))
      return true;
  return false;
}

//===----------------------------------------------------------------------===//
// Before and after a call
//===----------------------------------------------------------------------===//

std::optional<LockEffect> FunctionAnalysis::beforeCall(
    const Expr *Call, const FunctionDecl *Callee, const FunctionContract *FC,
    llvm::ArrayRef<const Expr *> Args, llvm::StringRef Fn, PathState &St,
    llvm::StringRef &LockName) {
  SourceLocation Loc = locOf(Call);
  bool Contracted = FC && !FC->IsSummary && !FC->IsConventional;
  // Critical regions: only the library's critical-safe functions.
  if (Contracted && !FC->CriticalSafe)
    for (const auto &KS : St.Special)
      if (const Value &V = *St.value(KS.first);
          V.St == VState::Owned && V.Res && V.Res->Critical &&
          V.Res->Library == FC->Library) {
        report(FindingKind::CallInCritical, V.Res, Loc, Call,
               "'" + Fn.str() +
                   "' is called inside the critical region "
                   "opened by '" +
                   V.AcqFn.str() +
                   "'; nothing but its release may be called "
                   "until then",
               pathNotes(St, V, 0));
        break;
      }

  // Pending exceptions: a helper given the function table may check them.
  bool GivesTable = !Contracted && llvm::any_of(Args, [&](const Expr *A) {
    return isTablePointer(A->getType(), TU.Contracts);
  });
  if (GivesTable)
    St.TableHandedOut = true;
  if (St.PendingAt) {
    if (!Contracted) {
      if (GivesTable)
        St.PendingAt = nullptr;
    } else if (FC->ChecksException) {
      St.PendingAt = nullptr;
    } else if (!FC->ExceptionSafe && FC->Library == St.PendingLib) {
      std::vector<Note> Notes{
          {locOf(St.PendingAt),
           "'" + St.PendingFn.str() + "' may leave an exception pending here"}};
      report(FindingKind::ExceptionPending, FC->Checks, Loc, Call,
             "'" + Fn.str() + "' is called while an exception from '" +
                 St.PendingFn.str() + "' may be pending; check for it" +
                 exceptionChecker(FC->Library) + " first",
             std::move(Notes));
      St.PendingAt = nullptr;
    }
  }

  // The interpreter lock.
  const LockNeed *Inner = nullptr;
  std::optional<LockEffect> E = lockEffect(Callee, FC, LockName, Inner);
  if (!E)
    return E;
  std::string Lock = LockName.upper();
  bool Needs = *E == LockEffect::Needs || *E == LockEffect::Save ||
               *E == LockEffect::Release;
  if (Needs && St.Lock == PathState::LockState::Released) {
    if (!LockReported.insert(St.LockGoneAt.getRawEncoding()).second)
      return E;
    std::vector<Note> Notes;
    if (St.LockGoneAt.isValid())
      Notes.push_back({St.LockGoneAt, St.LockGoneWhy});
    std::string Msg = "'" + Fn.str() + "'";
    llvm::StringRef Macro = outermostMacro(Call->getBeginLoc(), TU.Ctx);
    if (!Macro.empty() && Macro != Fn)
      Msg += " (in '" + Macro.str() + "')";
    Msg += " needs the " + Lock + ", which is not held here";
    if (Inner) {
      Msg += ": it calls '" + Inner->Fn + "'";
      Notes.push_back({Inner->Loc, "'" + Inner->Fn + "' is called here"});
    }
    report(FindingKind::LockNotHeld, LockName, Loc, Call, Msg,
           std::move(Notes));
  } else if (Needs && St.LockFromEntry && !FirstNeed &&
             St.Lock != PathState::LockState::Released) {
    // Held only if the caller holds it: callers must.
    FirstNeed = LockNeed{Loc, Inner ? Inner->Fn : Fn.str(), LockName.str()};
    if (Inner)
      FirstNeed->Loc = Inner->Loc;
  }
  if (*E == LockEffect::EnsureUndo && St.LockStack.empty() && !Args.empty())
    if (const VarDecl *VD = localVar(Args[0]))
      if (!isa<ParmVarDecl>(VD) && !valueOf(St, Args[0]))
        report(FindingKind::LockUnbalanced, LockName, Loc, Call,
               "'" + Fn.str() + "' gives back the " + Lock +
                   " without a matching take ('" + VD->getName().str() +
                   "' holds no state from one on this path)",
               pathNotes(St, Value(), 2));
  return E;
}

void FunctionAnalysis::applyLock(PathState &S, LockEffect E,
                                 llvm::StringRef LockName, SourceLocation Loc,
                                 llvm::StringRef Fn) {
  using LS = PathState::LockState;
  std::string Name = LockName.upper();
  auto Gone = [&](const std::string &Why) {
    S.Lock = LS::Released;
    S.LockGoneAt = Loc;
    S.LockGoneWhy = Why;
  };
  switch (E) {
  case LockEffect::Needs:
  case LockEffect::Free:
  case LockEffect::Check:
    break;
  case LockEffect::Ensure:
    S.LockStack.push_back(S.Lock);
    S.Lock = LS::Held;
    S.LockFromEntry = false;
    break;
  case LockEffect::EnsureUndo:
    if (!S.LockStack.empty()) {
      S.Lock = S.LockStack.back();
      S.LockStack.pop_back();
      if (S.Lock == LS::Released)
        Gone("the " + Name + " is given back here by '" + Fn.str() + "'");
    } else {
      S.Lock = LS::Unknown;
      S.UndidCaller = true;
    }
    S.LockFromEntry = false;
    break;
  case LockEffect::Save:
  case LockEffect::Release:
    Gone("the " + Name + " is given up here by '" + Fn.str() + "'");
    S.LockFromEntry = false;
    break;
  case LockEffect::Restore:
  case LockEffect::Acquire:
    S.Lock = LS::Held;
    S.LockFromEntry = false;
    break;
  }
}

void FunctionAnalysis::afterCall(const Expr *Call, const FunctionContract *FC,
                                 llvm::ArrayRef<const Expr *> Args,
                                 llvm::StringRef Fn,
                                 std::optional<bool> Succeeded,
                                 std::optional<LockEffect> Lock,
                                 llvm::StringRef LockName, PathState &S) {
  if (Lock == LockEffect::Check && Succeeded) {
    // The code asked: each outcome knows.
    applyLock(S, *Succeeded ? LockEffect::Acquire : LockEffect::Release,
              LockName, locOf(Call), Fn);
    if (!*Succeeded)
      S.LockGoneWhy = "'" + Fn.str() + "' says the " + LockName.upper() +
                      " is not held here";
  } else if (Lock) {
    applyLock(S, *Lock, LockName, locOf(Call), Fn);
  }
  if (FC && !FC->Reserves.empty() && Succeeded && *Succeeded)
    S.Reserved = TU.Contracts.resource(FC->Reserves);
  if (!FC)
    return;
  auto Applies = [&](When W) {
    return W == When::Always || !Succeeded ||
           (W == When::OnSuccess) == *Succeeded;
  };
  if (FC->Closes)
    closeRegion(Call, *FC->Closes, Args, Fn, S);
  if (FC->Opens)
    openRegion(Call, *FC->Opens, Args, Fn, Applies(FC->Opens->On), S);
  if (FC->Throws == Throws::Always ||
      (FC->Throws == Throws::OnFailure && (!Succeeded || !*Succeeded))) {
    S.PendingAt = Call;
    S.PendingVar = nullptr;
    S.PendingOnResult = FC->Throws == Throws::OnFailure && Succeeded;
    S.PendingFn = Fn;
    S.PendingLib = FC->Library;
  }
}
