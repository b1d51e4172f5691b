//===- RegionDomain.cpp - Regions, critical regions, reserved room --------===//
//
// A region held by no variable (a monitor, a local frame, an attached
// thread) is opened by a call naming its resource and closed by another,
// keyed by an argument; it is a tracked value (Value::Region) so that one
// left open is the ownership walk's leak. Closing one frees the values of
// the resources it 'frees'. Inside a critical region only the library's
// critical-safe functions may be called. A helper that closes what its
// caller opened is summarized as the close.
//
//===----------------------------------------------------------------------===//

#include "FunctionAnalysis.h"

using namespace clang;
using namespace custody;
using namespace custody::impl;

RegionDomain::RegionDomain(FunctionAnalysis &FA) : Domain(FA) {
  collect(FA.fd()->getBody());
}

void RegionDomain::collect(const Stmt *Body) {
  // A worklist, not recursion: expressions may be thousands deep.
  llvm::SmallVector<const Stmt *, 64> Work{Body};
  while (!Work.empty()) {
    const Stmt *S = Work.pop_back_val();
    if (!S)
      continue;
    if (const auto *CE = dyn_cast<CallExpr>(S)) {
      const Expr *Obj;
      const FunctionContract *FC = FA.tableContract(CE, Obj);
      if (!FC && CE->getDirectCallee() &&
          CE->getDirectCallee()->getIdentifier())
        FC = FA.tu().Contracts.lookup(CE->getDirectCallee()->getName());
      if (FC && FC->Closes)
        ClosedHere.insert(FC->Closes->Resource);
      if (FC && FC->Opens && !FC->Opens->Borrowed)
        OpenedHere.insert(FC->Opens->Resource);
    }
    for (const Stmt *C : S->children())
      Work.push_back(C);
  }
}

void RegionDomain::beforeCall(const CallSite &C, PathState &St) {
  // Critical regions: only the library's critical-safe functions.
  if (C.contracted() && !C.FC->CriticalSafe)
    for (const auto &KS : St.Special)
      if (const Value &V = *St.value(KS.first);
          V.St == VState::Owned && V.Res && V.Res->Critical &&
          V.Res->Library == C.FC->Library) {
        FA.report(FindingKind::CallInCritical, V.Res, FA.locOf(C.Call), C.Call,
                  "'" + C.Fn.str() +
                      "' is called inside the critical region opened by '" +
                      V.AcqFn.str() +
                      "'; nothing but its release may be called until then",
                  FA.pathNotes(St, V, 0));
        break;
      }
  // A helper given the function table may open or close regions for us.
  if (!C.contracted() && llvm::any_of(C.Args, [&](const Expr *A) {
        return isTablePointer(A->getType(), FA.tu().Contracts);
      }))
    St.Regions.TableHandedOut = true;
}

void RegionDomain::afterCall(const CallSite &C, std::optional<bool> Succeeded,
                             PathState &S) {
  const FunctionContract *FC = C.FC;
  if (!FC)
    return;
  if (!FC->Reserves.empty() && Succeeded && *Succeeded)
    S.Regions.Reserved = FA.tu().Contracts.resource(FC->Reserves);
  if (FC->Closes)
    close(C, *FC->Closes, S);
  if (FC->Opens)
    open(C, *FC->Opens, appliesOn(FC->Opens->On, Succeeded), S);
}

void RegionDomain::open(const CallSite &C, const RegionEffect &RE, bool Opened,
                        PathState &S) {
  Value V;
  V.Region = true;
  V.Res = FA.tu().Contracts.resource(RE.Resource);
  V.AcqFn = C.Fn;
  V.AcqLoc = FA.locOf(C.Call);
  V.AcqStmt = C.Call;
  if (RE.KeyArg >= 0 && unsigned(RE.KeyArg) < C.Args.size())
    V.Source = FA.declOf(C.Args[RE.KeyArg]);
  if (Opened) {
    V.St = RE.Borrowed ? VState::Borrowed : VState::Owned;
    V.WasBorrowed = RE.Borrowed;
    V.AcqSeq = S.NextSeq++;
  } else {
    // A failed open the code never looked at is reported as such; closing
    // after it is the same bug.
    if (FA.isDiscarded(C.Call) || RE.Borrowed)
      return;
    V.St = VState::NotAcquired;
  }
  FA.newValue(S, C.Call, V);
}

void RegionDomain::freeWith(PathState &S, const Value &Region,
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
    S.updateValue(K, [&](Value &V) {
      V.St = VState::Released;
      V.ReleaseFn = Fn;
      V.ReleaseLoc = Loc;
    });
    S.MaybeGarbage.push_back(K);
  }
}

void RegionDomain::close(const CallSite &C, const RegionEffect &RE,
                         PathState &S) {
  const FunctionDecl *FD = FA.fd();
  TUAnalysis &TU = FA.tu();
  const Resource *R = TU.Contracts.resource(RE.Resource);
  const Decl *Key = RE.KeyArg >= 0 && unsigned(RE.KeyArg) < C.Args.size()
                        ? FA.declOf(C.Args[RE.KeyArg])
                        : nullptr;
  // The innermost open region of that resource (and key, when both known);
  // one no longer followed (after a join) may be it.
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
  SourceLocation Loc = FA.locOf(C.Call);
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
    if (TU.ForeignEntries.count(FD->getCanonicalDecl()) &&
        !S.Regions.TableHandedOut)
      FA.report(FindingKind::ReleaseUnowned, R, Loc, C.Call,
                "'" + C.Fn.str() + "' closes a " + Desc +
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
    FA.report(FindingKind::ReleaseUnowned, R, Loc, C.Call,
              "'" + C.Fn.str() + "' closes a " + Desc + " that '" +
                  V.AcqFn.str() +
                  "' found already open: this code did not "
                  "open it",
              FA.pathNotes(S, V, 0));
  else if (V.St == VState::NotAcquired)
    FA.report(FindingKind::ReleaseUnowned, R, Loc, C.Call,
              "'" + C.Fn.str() + "' closes a " + Desc + " but '" +
                  V.AcqFn.str() + "' failed, so none was opened",
              FA.pathNotes(S, V, 2));
  if (V.St == VState::Owned)
    freeWith(S, V, C.Fn, Loc);
  V.St = VState::Released;
  V.ReleaseFn = C.Fn;
  V.ReleaseLoc = Loc;
  S.setValue(BestKey, V);
  S.MaybeGarbage.push_back(BestKey);
}

void RegionDomain::summarize(FunctionResult &, FunctionContract &S,
                             bool &Useful) {
  if (ClosesForCaller) {
    S.Closes = ClosesForCaller;
    Useful = true;
  }
}
