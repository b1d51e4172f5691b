//===- Persistent.h - Maps that path states share -------------*- C++ -*-===//
//
// A path state forks at every branch and every call with outcomes; in a long
// function it holds thousands of variables. Its large maps are persistent
// (llvm::ImmutableMap, an AVL tree whose nodes are shared between the states
// that forked from one another): a fork copies a pointer, an update copies
// one path of the tree, and comparing two states skips the subtrees they
// share. Identity is exact: two maps are the same when every key and every
// value compares equal (the value type's operator== says what counts).
//
//===----------------------------------------------------------------------===//

#ifndef CUSTODY_ENGINE_PERSISTENT_H
#define CUSTODY_ENGINE_PERSISTENT_H

#include "llvm/ADT/FoldingSet.h"
#include "llvm/ADT/ImmutableMap.h"
#include <memory>

namespace custody {

/// A persistent map. Every map made from one Factory may share nodes with
/// the others; the Factory must outlive them all.
template <typename K, typename V> class PMap {
  using Impl = llvm::ImmutableMap<K, V>;

public:
  class Factory {
    friend class PMap;
    typename Impl::Factory F{/*canonicalize=*/false};
  };
  using const_iterator = typename Impl::iterator;

  PMap() : M(nullptr) {}
  explicit PMap(Factory &F) : Fac(&F), M(F.F.getEmptyMap()) {}

  const V *lookup(const K &Key) const { return M.lookup(Key); }
  bool count(const K &Key) const { return M.contains(Key); }
  const_iterator begin() const { return M.begin(); }
  const_iterator end() const { return M.end(); }
  bool empty() const { return M.isEmpty(); }

  void set(const K &Key, const V &Val) {
    // A value equal by identity may still differ in what it tells (a name
    // for messages); newer LLVMs keep the old node for an equal value.
    if (const V *Old = M.lookup(Key); Old && *Old == Val)
      M = Fac->F.remove(M, Key);
    M = Fac->F.add(M, Key, Val);
  }
  void erase(const K &Key) {
    if (M.contains(Key))
      M = Fac->F.remove(M, Key);
  }
  /// Changes the value at Key, which must be there.
  template <typename Fn> void update(const K &Key, Fn Change) {
    V Val = *M.lookup(Key);
    Change(Val);
    set(Key, Val);
  }

  bool operator==(const PMap &O) const { return M == O.M; }
  bool operator!=(const PMap &O) const { return !(M == O.M); }

private:
  Factory *Fac = nullptr;
  Impl M;
};

} // namespace custody

#endif
