//===- Join.cpp - One state for two, when a block has no room left --------===//
//
// States are kept apart up to a block's cap. Past it, an arriving state is
// joined into one the block already holds instead of being dropped, so the
// rest of the function is still walked: what the two agree on is kept, what
// they disagree on is forgotten. Forgetting never reports: a value whose
// typestate differs, or that only one state has, is no longer followed
// (Escaped, with an unknown count of references); a region no longer
// followed counts as possibly open where that keeps a report back (values
// made inside a local frame); a fact or a protocol state that differs becomes
// unknown. And
// since a forgotten fact may be what kept an owned value from leaking on a
// path (a flag tested before its release), owned values become unfollowed
// too when the facts differ. Values acquired after the join are followed as
// usual: a leak further down is still found.
//
//===----------------------------------------------------------------------===//

#include "PathState.h"

using namespace custody;

namespace {

/// Entries of A that B has with the same identity.
template <typename Map> Map agreed(const Map &A, const Map &B) {
  Map Out = A;
  for (const auto &[K, V] : A) {
    auto Other = B.find(K);
    if (Other == B.end() || !(Other->second == V))
      Out.erase(K);
  }
  return Out;
}

template <typename K, typename V>
PMap<K, V> agreedP(const PMap<K, V> &A, const PMap<K, V> &B) {
  if (A == B)
    return A;
  PMap<K, V> Out = A;
  for (const auto &[Key, Val] : A) {
    const V *Other = B.lookup(Key);
    if (!Other || !(*Other == Val))
      Out.erase(Key);
  }
  return Out;
}

} // namespace

FactState FactState::join(const FactState &A, const FactState &B) {
  if (A == B)
    return A;
  FactState J = A;
  J.Vars = agreedP(A.Vars, B.Vars);
  J.Members = agreed(A.Members, B.Members);
  J.Exprs = agreed(A.Exprs, B.Exprs);
  J.Carried = agreed(A.Carried, B.Carried);
  return J;
}

PathState custody::joinStates(const PathState &A, const PathState &B) {
  PathState J = A;
  bool FactsDiffer = !(A.Facts == B.Facts);
  J.Facts = FactState::join(A.Facts, B.Facts);

  // Bindings both states have; the others are let go (their values stay
  // for the variables that still hold them, or are collected).
  if (A.Bind != B.Bind)
    for (const auto &[VD, K] : A.Bind) {
      const ValueKey *Other = B.Bind.lookup(VD);
      if (!Other || *Other != K)
        J.unbind(VD);
    }
  auto Unfollow = [&](ValueKey K) {
    const Value *V = J.value(K);
    if (V && (V->St == VState::Owned || V->St == VState::Borrowed ||
              V->St == VState::Param || V->St == VState::NotAcquired))
      J.updateValue(K, [](Value &X) {
        // Escaped with an unknown count: neither a leak nor a release of
        // it is ever reported again.
        X.St = VState::Escaped;
        X.Refs = Value::MaxRefs;
      });
  };
  // Places likewise: a field the two fill differently is no longer known,
  // nor is what it held.
  if (A.Places != B.Places)
    for (const auto &[P, K] : A.Places) {
      const ValueKey *Other = B.Places.lookup(P);
      if (!Other || *Other != K) {
        J.unbindPlace(P);
        Unfollow(K);
      }
    }
  J.CleanedUp = A.CleanedUp && B.CleanedUp;
  if (A.Vals != B.Vals || FactsDiffer) {
    for (const auto &[K, V] : A.Vals) {
      const Value *Other = B.value(K);
      if (!Other || !(*Other == V) || (FactsDiffer && V.St == VState::Owned))
        Unfollow(K);
    }
  }
  J.ExprVals = agreed(A.ExprVals, B.ExprVals);
  J.Temps = agreed(A.Temps, B.Temps);
  J.MovedFrom = agreed(A.MovedFrom, B.MovedFrom);
  J.OutStores = agreed(A.OutStores, B.OutStores);
  J.RetainedGlobals = agreed(A.RetainedGlobals, B.RetainedGlobals);
  J.StoredOwned = agreed(A.StoredOwned, B.StoredOwned);
  J.StoredFreedOnReturn = agreed(A.StoredFreedOnReturn, B.StoredFreedOnReturn);

  // Each protocol joins its own part.
  J.Pending = PendingException::join(A.Pending, B.Pending);
  J.Indicator = ErrorIndicator::join(A.Indicator, B.Indicator);
  J.Regions = RegionPath::join(A.Regions, B.Regions);
  J.Lock = LockPath::join(A.Lock, B.Lock);
  return J;
}
