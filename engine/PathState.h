//===- PathState.h - One abstract path state of the analysis ----*- C++ -*-===//
//
// A state describes one set of paths through a function: which tracked value
// each local variable holds, the typestate of every tracked value, and simple
// path facts (an integer or pointer variable compared with constants). States
// are kept apart (disjunctive) and deduplicated per CFG block; the analysis
// bounds how many it keeps.
//
//   acquire ──> Owned ──release──> Released ──release/use──> error
//                 │ ├──consume──> Moved ──release/use──> error
//                 │ └──return / store / unknown call──> Escaped (no report)
//                 └──exit or overwrite while Owned──> leak
//   borrowed result ──> Borrowed ──release──> error
//   failed out-parameter acquisition ──> NotAcquired ──release──> error
//   parameter ──> Param (not ours to release; released twice is an error)
//
//===----------------------------------------------------------------------===//

#ifndef CUSTODY_ENGINE_PATHSTATE_H
#define CUSTODY_ENGINE_PATHSTATE_H

#include "Contract.h"
#include "ExceptionDomain.h"
#include "LockDomain.h"
#include "Persistent.h"
#include "RegionDomain.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "llvm/ADT/Hashing.h"
#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace custody {

/// A map kept as a sorted vector: path states are small and copied at every
/// fork, and one allocation per copy beats one per entry.
template <typename K, typename V> class FlatMap {
public:
  using value_type = std::pair<K, V>;
  using iterator = typename std::vector<value_type>::iterator;
  using const_iterator = typename std::vector<value_type>::const_iterator;

  iterator begin() { return Items.begin(); }
  iterator end() { return Items.end(); }
  const_iterator begin() const { return Items.begin(); }
  const_iterator end() const { return Items.end(); }
  size_t size() const { return Items.size(); }
  bool empty() const { return Items.empty(); }
  void clear() { Items.clear(); }

  iterator find(const K &Key) {
    auto It = lower(Key);
    return It != Items.end() && It->first == Key ? It : Items.end();
  }
  const_iterator find(const K &Key) const {
    auto It = std::lower_bound(
        Items.begin(), Items.end(), Key,
        [](const value_type &A, const K &B) { return A.first < B; });
    return It != Items.end() && It->first == Key ? It : Items.end();
  }
  size_t count(const K &Key) const { return find(Key) != end(); }
  V &operator[](const K &Key) {
    auto It = lower(Key);
    if (It == Items.end() || !(It->first == Key))
      It = Items.insert(It, value_type(Key, V()));
    return It->second;
  }
  iterator erase(iterator It) { return Items.erase(It); }
  bool operator==(const FlatMap &O) const { return Items == O.Items; }
  size_t erase(const K &Key) {
    auto It = find(Key);
    if (It == Items.end())
      return 0;
    Items.erase(It);
    return 1;
  }

private:
  iterator lower(const K &Key) {
    return std::lower_bound(
        Items.begin(), Items.end(), Key,
        [](const value_type &A, const K &B) { return A.first < B; });
  }
  std::vector<value_type> Items;
};

enum class VState : uint8_t {
  Owned,
  Released,
  Escaped,
  Borrowed,
  Moved,
  NotAcquired,
  Param
};

/// A tracked value. Identified by its acquisition site (a call expression,
/// or a parameter) and a generation for loops that acquire repeatedly.
using ValueKey = std::pair<const void *, unsigned>;
} // namespace custody

template <> struct llvm::ImutProfileInfo<custody::ValueKey> {
  using value_type = const custody::ValueKey;
  using value_type_ref = const custody::ValueKey &;
  static void Profile(FoldingSetNodeID &ID, value_type_ref X) {
    ID.AddPointer(X.first);
    ID.AddInteger(X.second);
  }
};

namespace custody {

/// A field path from a place's root ('p->f.g' is [f, g]); interned per
/// translation unit, so a pointer names it.
using FieldPath = std::vector<const clang::FieldDecl *>;

/// A place in memory that holds a value: a field path from a root. The root
/// is the tracked value of the base pointer ('p->f' with p's value, so a
/// copy of p reaches the same place), or a declaration marked DeclRoot (a
/// global, a struct variable, a pointer variable that holds nothing tracked)
/// or ThisRoot (the function, for 'this').
struct PlaceKey {
  ValueKey Root;
  const FieldPath *Path = nullptr;
  /// A fixed slot of the array the path ends at ('s->refs[2]', 'g[0]'), or
  /// -1.
  int64_t Slot = -1;
  static constexpr unsigned DeclRoot = ~0u - 1;
  static constexpr unsigned ThisRoot = ~0u - 2;
  bool operator==(const PlaceKey &O) const {
    return Root == O.Root && Path == O.Path && Slot == O.Slot;
  }
  bool operator<(const PlaceKey &O) const {
    if (Root != O.Root)
      return Root < O.Root;
    if (Path != O.Path)
      return std::less<const FieldPath *>()(Path, O.Path);
    return Slot < O.Slot;
  }
  /// A field of an object ('s->f', 's.f.g'), not a global or a slot.
  bool isField() const { return !Path->empty() && Slot < 0; }
};
} // namespace custody

template <> struct llvm::ImutProfileInfo<custody::PlaceKey> {
  using value_type = const custody::PlaceKey;
  using value_type_ref = const custody::PlaceKey &;
  static void Profile(FoldingSetNodeID &ID, value_type_ref X) {
    ID.AddPointer(X.Root.first);
    ID.AddInteger(X.Root.second);
    ID.AddPointer(X.Path);
    ID.AddInteger(X.Slot);
  }
};

namespace custody {

struct Value {
  VState St = VState::Owned;
  const Resource *Res = nullptr;
  // Names point into the AST or the analysis' string pool: copying a value
  // (which every path fork does) copies no characters.
  llvm::StringRef AcqFn;
  clang::SourceLocation AcqLoc;
  int AcqArg = -1; // Out-parameter index, -1 for a returned value.
  llvm::StringRef Name;
  llvm::StringRef ReleaseFn; // Releaser, consumer or failed acquirer.
  clang::SourceLocation ReleaseLoc;
  unsigned AcqSeq = 0; // Path-note sequence number at acquisition.
  /// Owned references held (retains add one, releases drop one); kept small
  /// so that a loop of retains does not make new states forever.
  uint8_t Refs = 1;
  /// How many of Refs RAII objects ('types:' owners) hold: their destructors
  /// release them, so they are not the code's to release by hand.
  uint8_t Wrapped = 0;
  /// Acquired as a borrowed value (its state may have moved on since).
  bool WasBorrowed = false;
  /// A reference taken (retains) on a value this code did not own (a
  /// parameter, a borrowed value): what it is again once the references
  /// taken are all given back. Owned otherwise.
  VState Under = VState::Owned;
  /// A region held by no variable (a monitor, a local frame, an attached
  /// thread): closed by a call naming its resource, not by passing it.
  bool Region = false;
  /// What it was taken from (a declaration: the array of array elements, the
  /// object of a monitor), when known.
  const clang::Decl *Source = nullptr;
  /// The tracked value it was taken from, when there is one (a copy of the
  /// array variable holds the same).
  std::optional<ValueKey> SourceVal;
  /// The call that made it, for values made by calls.
  const clang::Stmt *AcqStmt = nullptr;
  /// A token of an interpreter lock: 1 the lock was taken (PyGILState_Ensure),
  /// 2 it was given up (PyEval_SaveThread).
  uint8_t LockToken = 0;
  /// What a destroy function finds in an owning field at its entry (the
  /// value some other function stored there).
  bool FieldEntry = false;
  /// Points into the storage of SourceVal ('interior' in a contract):
  /// released with it.
  bool Interior = false;
  /// NotAcquired: the code has tested the status of a call that failed on
  /// this path; before that, the value may as well have been made.
  bool FailureSeen = false;
  /// An interior pointer's owner, by name, once the owner is gone.
  llvm::StringRef OwnerName;
  const Resource *OwnerRes = nullptr;
  static constexpr uint8_t MaxRefs = 4;

  /// Identity: what decides the rest of the path. Names, places and note
  /// numbers only tell the story, and do not make two states differ.
  bool operator==(const Value &O) const {
    return St == O.St && Res == O.Res &&
           ReleaseFn.data() == O.ReleaseFn.data() && Refs == O.Refs &&
           Wrapped == O.Wrapped && Source == O.Source && Under == O.Under &&
           FailureSeen == O.FailureSeen;
  }
  void Profile(llvm::FoldingSetNodeID &ID) const {
    ID.AddInteger(unsigned(St));
    ID.AddPointer(Res);
    ID.AddPointer(ReleaseFn.data());
    ID.AddInteger(Refs);
    ID.AddInteger(Wrapped);
    ID.AddPointer(Source);
    ID.AddInteger(unsigned(Under));
    ID.AddBoolean(FailureSeen);
  }
};

/// What is known of an integer or pointer: a range [Lo, Hi] that may exclude
/// one point. Pointers use 0 for null.
struct Fact {
  int64_t Lo = std::numeric_limits<int64_t>::min();
  int64_t Hi = std::numeric_limits<int64_t>::max();
  std::optional<int64_t> Ne;
  /// Only assumed: the outcome of a contracted call that the code never
  /// tested. Errors that need the code to have seen the value (a null passed
  /// to a releaser) are not reported on assumed facts alone.
  bool Assumed = false;

  static Fact exactly(int64_t V) {
    Fact F;
    F.Lo = F.Hi = V;
    return F;
  }
  static Fact of(const Condition &C);
  /// Intersects with another fact; false if nothing is left (infeasible).
  bool meet(const Fact &O);
  /// Narrows to the values of Sorted (ascending) it allows; false if none.
  bool oneOf(llvm::ArrayRef<int64_t> Sorted);
  bool isZero() const { return Lo == 0 && Hi == 0; }

  bool operator==(const Fact &O) const {
    return Lo == O.Lo && Hi == O.Hi && Ne == O.Ne && Assumed == O.Assumed;
  }
  void Profile(llvm::FoldingSetNodeID &ID) const {
    ID.AddInteger(Lo);
    ID.AddInteger(Hi);
    ID.AddInteger(Ne.value_or(0));
    ID.AddBoolean(Ne.has_value());
    ID.AddBoolean(Assumed);
  }
};

/// A step on the path worth telling in a finding's notes. Notes form a list
/// shared between the states that forked from one another; the text is only
/// built when a finding is reported.
struct PathNote {
  enum KindTy { Branch, CallFails, Said }; // Said: Fn holds the text.
  KindTy Kind;
  const clang::Stmt *S; // The condition, or the call.
  bool Truth = false;
  llvm::StringRef Fn;
  const FunctionContract *FC = nullptr;
  unsigned Seq;
  /// A branch on a loop's condition (another iteration or not).
  bool LoopCond = false;
  std::shared_ptr<const PathNote> Prev;
};

using BindMap = PMap<const clang::VarDecl *, ValueKey>;
using ValueMap = PMap<ValueKey, Value>;
using FactMap = PMap<const clang::VarDecl *, Fact>;
using CountMap = PMap<ValueKey, unsigned>;
using PlaceMap = PMap<PlaceKey, ValueKey>;

/// What one path knows of scalars: path facts. The walk assumes them at
/// branches (Branches.cpp, Facts.cpp) and prunes what they make infeasible.
struct FactState {
  explicit FactState(FactMap::Factory &F) : Vars(F) {}
  /// Scalar locals and parameters (pointers: 0 is null).
  FactMap Vars;
  /// Fields read through a local or parameter ('opts->xml'), and fixed
  /// slots of a local array ('fds[0]'), dropped when something may write
  /// them.
  struct MemberKey {
    const clang::VarDecl *Base = nullptr;    // Null: 'this'.
    const clang::ValueDecl *Field = nullptr; // Null: slot Slot of Base.
    int64_t Slot = -1;
    bool operator==(const MemberKey &O) const {
      return Base == O.Base && Field == O.Field && Slot == O.Slot;
    }
    bool operator<(const MemberKey &O) const {
      return std::tie(Base, Field, Slot) < std::tie(O.Base, O.Field, O.Slot);
    }
  };
  FlatMap<MemberKey, Fact> Members;
  /// What the expressions of the current block evaluated to; cleared when
  /// the path moves to another block.
  FlatMap<const clang::Expr *, Fact> Exprs;
  /// Facts for the next block's expressions: the value of a '&&' or '||'
  /// its short-circuit decided.
  FlatMap<const clang::Expr *, Fact> Carried;

  bool operator==(const FactState &O) const {
    return Vars == O.Vars && Members == O.Members && Exprs == O.Exprs &&
           Carried == O.Carried;
  }
  /// The facts both have (Join.cpp).
  static FactState join(const FactState &A, const FactState &B);
  /// Forgets what is known of fields read through VD (null: all of them).
  /// Forgets the fields of 'this' (the null base).
  void forgetThisMembers() {
    for (auto It = Members.begin(); It != Members.end();)
      It = !It->first.Base ? Members.erase(It) : std::next(It);
  }
  void forgetMembers(const clang::VarDecl *VD) {
    for (auto It = Members.begin(); It != Members.end();)
      It = !VD || It->first.Base == VD ? Members.erase(It) : std::next(It);
  }
  void forgetField(const clang::ValueDecl *Field) {
    for (auto It = Members.begin(); It != Members.end();)
      It = It->first.Field == Field ? Members.erase(It) : std::next(It);
  }
};

/// The nodes of one function's path states.
struct StateFactories {
  BindMap::Factory Bind;
  ValueMap::Factory Vals;
  FactMap::Factory Facts;
  CountMap::Factory Counts;
  PlaceMap::Factory Places;
};

struct PathState {
  explicit PathState(StateFactories &F)
      : Bind(F.Bind), Vals(F.Vals), Facts(F.Facts), Holders(F.Counts),
        Special(F.Counts), Owned(F.Counts), Places(F.Places) {}

  /// Which tracked value each variable holds. Written only through bind()
  /// and unbind(), which keep Holders.
  BindMap Bind;
  ValueMap Vals;
  /// How many variables hold each value (derived from Bind).
  CountMap Holders;
  /// The values of regions and critical resources, which calls check
  /// against: a call need not look through every value.
  CountMap Special;
  /// The values still owned (derived from Vals): what an exit looks at.
  CountMap Owned;
  /// What fields and globals hold ('p->f = v'), followed like variables.
  /// Written only through bindPlace() and unbindPlace(), which keep Holders.
  PlaceMap Places;
  /// A destroy function's path released a value an owning field held at
  /// its entry: it is a path that cleans up.
  bool CleanedUp = false;

  /// Values are written only through these, which keep Owned.
  void setValue(ValueKey K, const Value &V) {
    Vals.set(K, V);
    if (V.St == VState::Owned)
      Owned.set(K, 1);
    else
      Owned.erase(K);
  }
  template <typename Fn> void updateValue(ValueKey K, Fn Change) {
    Value V = *Vals.lookup(K);
    Change(V);
    setValue(K, V);
  }
  void eraseValue(ValueKey K) {
    Vals.erase(K);
    Owned.erase(K);
    Special.erase(K);
  }

  void bind(const clang::VarDecl *VD, ValueKey K) {
    if (const ValueKey *Old = Bind.lookup(VD)) {
      if (*Old == K)
        return;
      unbind(VD);
    }
    Bind.set(VD, K);
    addHolder(K);
  }
  void unbind(const clang::VarDecl *VD) {
    const ValueKey *K = Bind.lookup(VD);
    if (!K)
      return;
    ValueKey Key = *K;
    Bind.erase(VD);
    dropHolder(Key);
  }
  void bindPlace(const PlaceKey &P, ValueKey K) {
    if (const ValueKey *Old = Places.lookup(P)) {
      if (*Old == K)
        return;
      unbindPlace(P);
    }
    Places.set(P, K);
    addHolder(K);
  }
  void unbindPlace(const PlaceKey &P) {
    const ValueKey *K = Places.lookup(P);
    if (!K)
      return;
    ValueKey Key = *K;
    Places.erase(P);
    dropHolder(Key);
  }
  void addHolder(ValueKey K) {
    const unsigned *N = Holders.lookup(K);
    Holders.set(K, N ? *N + 1 : 1);
  }
  void dropHolder(ValueKey K) {
    MaybeGarbage.push_back(K);
    const unsigned *N = Holders.lookup(K);
    if (N && *N > 1)
      Holders.set(K, *N - 1);
    else
      Holders.erase(K);
  }
  unsigned holders(ValueKey K) const {
    const unsigned *N = Holders.lookup(K);
    return N ? *N : 0;
  }
  const Value *value(ValueKey K) const { return Vals.lookup(K); }
  /// Values no variable holds any more, to collect at the next block.
  llvm::SmallVector<ValueKey, 4> MaybeGarbage;
  using MemberKey = FactState::MemberKey;
  FactState Facts;
  /// What the expressions of the current block evaluated to (values);
  /// cleared when the path moves to another block.
  FlatMap<const clang::Expr *, ValueKey> ExprVals;
  /// RAII temporaries holding a reference, by the expression that made them
  /// (a factory's call, a constructor): released when the temporary is
  /// destroyed, unless an object is initialized from it first.
  FlatMap<const clang::Expr *, ValueKey> Temps;
  /// RAII objects moved from (std::move): empty, where they were emptied.
  FlatMap<const clang::VarDecl *, clang::SourceLocation> MovedFrom;
  /// Owned values this function stored through an out-parameter ('*out =
  /// tpl'), for its summary.
  FlatMap<const clang::ParmVarDecl *, const Resource *> OutStores;
  /// References taken on globals (Py_INCREF(Py_None)) not yet handed out.
  FlatMap<const clang::VarDecl *, uint8_t> RetainedGlobals;
  // The protocols' parts of the state (Domain.h): each says what it is and
  // how two are the same or joined.
  PendingException Pending;
  ErrorIndicator Indicator;
  RegionPath Regions;
  LockPath Lock;
  /// An owned value this path stored into a global or field and has not
  /// released, tested or cleared since: storing another one there loses it.
  struct Stored {
    const Resource *Res = nullptr;
    llvm::StringRef AcqFn;
    clang::SourceLocation At;
    unsigned Seq = 0; // Path-note sequence number at the store.
    bool operator==(const Stored &O) const { return Res == O.Res; }
  };
  FlatMap<const clang::Decl *, Stored> StoredOwned;
  /// Globals this path stored a freed_on_return value in (a JNI local
  /// reference), not overwritten since: at the function's exit, each holds
  /// something the runtime frees.
  struct StoredFreed {
    ValueKey K;
    Stored S;
    /// The path tested the global and found it set: whatever branches came
    /// after, it holds the value.
    bool Confirmed = false;
    bool operator==(const StoredFreed &O) const {
      return K == O.K && Confirmed == O.Confirmed;
    }
  };
  FlatMap<const clang::Decl *, StoredFreed> StoredFreedOnReturn;
  // Not part of the state's identity.
  std::shared_ptr<const PathNote> Notes;
  unsigned NextSeq = 1;
  const clang::Stmt *ExitStmt = nullptr;
  std::optional<int64_t> ReturnedConstant;
  /// Else what is known of the value returned (a call's failure: '!= 0').
  std::optional<Fact> ReturnedFact;
  bool Dead = false;

  /// Exact identity: the same bindings, values (by their operator==),
  /// facts, stores and protocol states. Names, notes and places are not
  /// part of it. Shared subtrees of the persistent maps are skipped.
  bool sameAs(const PathState &O) const {
    return Pending == O.Pending && Indicator == O.Indicator &&
           Regions == O.Regions && Lock == O.Lock && Bind == O.Bind &&
           Vals == O.Vals && Facts == O.Facts && Places == O.Places &&
           CleanedUp == O.CleanedUp && ExprVals == O.ExprVals &&
           Temps == O.Temps && MovedFrom.size() == O.MovedFrom.size() &&
           OutStores == O.OutStores && RetainedGlobals == O.RetainedGlobals &&
           StoredOwned == O.StoredOwned &&
           StoredFreedOnReturn == O.StoredFreedOnReturn;
  }
  /// A cheap digest of the small parts, to skip most comparisons.
  uint64_t digest() const {
    return llvm::hash_combine(Pending.At, unsigned(Lock.Now), Lock.Stack.size(),
                              ExprVals.size(), StoredOwned.size(),
                              RetainedGlobals.size(), OutStores.size());
  }

  void touch(const clang::Decl *D) {
    if (D)
      StoredOwned.erase(D);
  }

  void addNote(PathNote N) {
    N.Seq = NextSeq++;
    N.Prev = std::move(Notes);
    Notes = std::make_shared<const PathNote>(std::move(N));
  }
  unsigned refCount(ValueKey K) const {
    unsigned N = holders(K);
    for (auto &E : ExprVals)
      N += E.second == K;
    for (auto &E : Temps)
      N += E.second == K;
    return N;
  }
};

/// One state that over-approximates A and B without reporting more than
/// either would (Join.cpp).
PathState joinStates(const PathState &A, const PathState &B);

} // namespace custody

#endif
