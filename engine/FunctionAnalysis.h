//===- FunctionAnalysis.h - The walk over one function (internal) -*- C++
//-*-===//
//
// Shared by the engine's implementation files only. The walk over a
// function's CFG follows ownership and path facts: FunctionAnalysis.cpp (the
// worklist, each statement, exits, the summary), Calls.cpp (calls and
// assignments), Values.cpp (tracked values and findings), Branches.cpp (path
// facts and pruning), FreedOnReturn.cpp (when values the runtime frees are
// leaked). Every other protocol is a domain it calls (Domain.h); TUAnalysis
// is the translation unit's cache of results and callee contracts.
//
//===----------------------------------------------------------------------===//

#ifndef CUSTODY_ENGINE_FUNCTIONANALYSIS_H
#define CUSTODY_ENGINE_FUNCTIONANALYSIS_H

#include "Domain.h"
#include "OwnershipAnalysis.h"
#include "PathState.h"
#include "SummaryStore.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ParentMap.h"
#include "clang/AST/Stmt.h"
#include "clang/Analysis/CFG.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/StringSaver.h"
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <tuple>
#include <vector>

namespace custody {
namespace impl {

using namespace clang;

/// E without parentheses, casts, C++ temporaries and identity calls around
/// it.
const Expr *strip(const Expr *E);
/// The argument a call of a function whose whole body returns one of its
/// pointer parameters, cast or not, gives back (OpenSSL's typed stack
/// checks, 'ossl_check_X509_sk_type(sk)'); null for other calls.
const Expr *identityArgument(const CallExpr *CE);
/// The function E names or takes the address of, through casts.
const FunctionDecl *functionRef(const Expr *E);
/// The local, non-static variable an expression names, if any.
const VarDecl *localVar(const Expr *E);
/// The first reference in E that the code wrote as an argument of the
/// macro E expands from (in the file that uses the macro) and that Accept
/// takes.
const DeclRefExpr *
macroArgument(const Expr *E, const SourceManager &SM,
              llvm::function_ref<bool(const DeclRefExpr *)> Accept);
/// The words for a value's resource in messages.
std::string describe(const Value &V);
/// The lock a lock token is of, in messages ("GIL").
inline std::string lockName(const Value &V) {
  return V.Res && !V.Res->Checks.empty()
             ? llvm::StringRef(V.Res->Checks).upper()
             : std::string("lock");
}
/// Whether the path assumed a branch (a loop's too, if CountLoops) since
/// path-note sequence number Seq.
bool assumedBranchSince(const PathState &St, unsigned Seq, bool CountLoops);
/// The global variable E names or takes the address of (Py_None is
/// '&_Py_NoneStruct'), if any.
const VarDecl *globalOf(const Expr *E);
/// A function's name, or "" for operators and the like.
std::string nameOf(const FunctionDecl *FD);
/// A C++ declaration's qualified name as contracts write it: namespaces and
/// classes without template arguments, inline and anonymous namespaces left
/// out ('ns::Class::~Class', 'ns::Class::operator='); "" for a local class's.
std::string cxxName(const NamedDecl *ND);
/// Its parameter list as a contract key ends: '(constchar*,int)', or the
/// canonical types when Canonical.
std::string cxxParams(const FunctionDecl *FD, bool Canonical);
/// E with std::move and std::forward seen through, and the copies C++11
/// elides.
const Expr *objectExpr(const Expr *E);
/// The "custody: ..." annotations on D's declarations (custody/annotations.h,
/// and the CPython checker's attributes, which Annotations.cpp turns into
/// them).
std::vector<llvm::StringRef> annotations(const Decl *D);
/// A template's pattern is not analyzable (its instantiations are); code
/// that did not compile is skipped rather than guessed at.
bool isAnalyzable(const FunctionDecl *FD);
/// Whether T points (through any number of pointers) to a function table a
/// contract names: the JNIEnv * a helper receives.
bool isTablePointer(QualType T, const ContractSet &C);

/// What the analysis learnt about a function defined in the TU, used as a
/// contract at its call sites.
struct FunctionResult {
  std::unique_ptr<FunctionContract> Summary; // Null: behaves as unknown.
  std::vector<Finding> Findings;
  std::optional<LockNeed> NeedsLock;
  /// What calling it does to the lock, when every exit agrees (a helper
  /// that takes it, gives it up, or gives back its caller's take).
  std::optional<LockEffect> LockSummary;
  /// Set when the analysis was cut short: where, and what may be missing.
  std::optional<Note> Notice;
  /// How long the analysis took, in seconds (its callees' summaries too).
  double Seconds = 0;
};

class TUAnalysis;

/// A destroy function and what it must release: the owning fields of the
/// object it is given (its first parameter, or 'this'), or the owning
/// globals of a library's unload function (HeapOwnership.cpp).
struct DestroyPlan {
  enum KindTy { Dealloc, Named, Destructor, Unload } Kind = Named;
  /// What makes it a destroy function, for messages ("the tp_dealloc of
  /// 'FooType'").
  std::string Why;
  /// The parameter that is the object (Fields are rooted at it).
  unsigned Param = 0;
  std::vector<const FieldDecl *> Fields;
  std::vector<const VarDecl *> Globals;
};

class FunctionAnalysis {
public:
  FunctionAnalysis(TUAnalysis &TU, const FunctionDecl *FD, unsigned Depth,
                   const DestroyPlan *Destroy = nullptr)
      : TU(TU), FD(FD), Depth(Depth), Destroy(Destroy) {}
  FunctionResult run();

  // What the walk offers the protocol domains (Domain.h).
  TUAnalysis &tu() const { return TU; }
  const FunctionDecl *fd() const { return FD; }
  unsigned depth() const { return Depth; }
  /// Whether Call's result is dropped (a statement of its own).
  bool isDiscarded(const Expr *Call) const { return Discarded.count(Call); }
  void report(FindingKind K, const Resource *R, SourceLocation Loc,
              const void *Site, std::string Msg, std::vector<Note> Notes);
  void report(FindingKind K, llvm::StringRef Family, SourceLocation Loc,
              const void *Site, std::string Msg, std::vector<Note> Notes);
  /// The notes of the path that made V (at most MaxBranchNotes branches).
  std::vector<Note> pathNotes(const PathState &St, const Value &V,
                              unsigned MaxBranchNotes) const;
  SourceLocation locOf(const Stmt *S) const;
  /// The tracked value E evaluates to on this path, if any.
  std::optional<ValueKey> valueOf(const PathState &St, const Expr *E) const;
  ValueKey newValue(PathState &St, const void *Site, Value V);
  /// The declaration an argument names (a local, a parameter, a global or a
  /// field), to tell regions and sources apart.
  const Decl *declOf(const Expr *E) const;
  /// Resolves a call through a function table a contract names ('members_of');
  /// Obj is set for the C++ form's object.
  const FunctionContract *tableContract(const CallExpr *CE,
                                        const Expr *&Obj) const;

  /// The place E names ('p->f', 's.f.g', 'this->m', a global), if this
  /// analysis can name it.
  std::optional<PlaceKey> placeOf(const PathState &St, const Expr *E) const;

private:
  TUAnalysis &TU;
  const FunctionDecl *FD;
  unsigned Depth;
  /// Set when walking a destroy function for what its owning fields hold at
  /// entry: only those findings are reported.
  const DestroyPlan *Destroy;
  std::map<std::tuple<FindingKind, unsigned, const void *>, Finding> Found;
  std::set<std::pair<unsigned, std::string>> LeakPlaces;
  /// Calls written as statements of their own: their result is dropped.
  llvm::DenseSet<const Expr *> Discarded;
  /// The discarded calls written '(void)f()'.
  llvm::DenseSet<const Expr *> VoidCast;
  void collectDiscarded(const Stmt *S);
  /// Marks the globals and fields a branch condition reads as tested.
  void touchTested(PathState &St, const Stmt *Cond);

  // Summary collection.
  struct ReturnSeen {
    bool AnyOwned = false, AnyBorrowed = false, AnyNull = false,
         AnyOther = false;
    const Resource *Res = nullptr;
    bool Mixed = false;
    /// The object type ('result_type') of every value returned, if one.
    std::string Type;
    bool TypeMixed = false;
  } Returns;
  struct ParamSeen {
    bool Used = false, Escaped = false, Released = false;
    const Resource *Res = nullptr;
    bool Mixed = false;
  };
  std::map<const ParmVarDecl *, ParamSeen> Params;
  bool SawExit = false;
  /// For each exit: what was stored through each out-parameter, and the
  /// constant returned if any.
  struct ExitSeen {
    FlatMap<const ParmVarDecl *, const Resource *> OutStores;
    std::optional<int64_t> Returned;
    std::optional<Fact> ReturnedFact;
    /// Owned values left in fields of parameters ('s->ref = ...').
    std::map<std::pair<unsigned, const FieldDecl *>, const Resource *>
        FieldStores;
  };
  /// A summary's stores into fields of the arguments, on this outcome.
  void applyFieldStores(const CallSite &C, std::optional<bool> Succeeded,
                        PathState &S);
  std::vector<ExitSeen> Exits;
  /// The nodes of this function's path states; declared before anything
  /// that holds a state.
  StateFactories Factories;
  /// The block being walked goes straight to the function's exit.
  bool LeavesFunction = false;

  using States = std::vector<PathState>;
  using Worklist = std::deque<std::pair<const CFGBlock *, PathState>>;
  PathState entryState();
  void enterBlock(PathState &St, const CFGBlock *B);
  void leaveBlock(const CFGBlock *B, States &SS, Worklist &Work);
  void summarize(FunctionResult &Result);
  /// How many states a block keeps; more paths than that are not explored.
  unsigned BlockCap = 24;
  bool Truncated = false;
  /// States joined with others for lack of room.
  unsigned Joins = 0;
  /// The notice for an analysis stopped with Work left to do.
  Note
  stoppedNotice(const std::deque<std::pair<const CFGBlock *, PathState>> &Work,
                unsigned Visits, double Seconds, bool OutOfTime) const;

  void transfer(const CFGElement &E, States &SS);
  void transferStmt(const Stmt *S, PathState &St, States &Out);
  /// Forced: the contract of a call through a function table (JNI's
  /// (*env)->F(env, ...) and env->F(...)), found by the member's name.
  void handleCall(const Expr *Call, const FunctionDecl *Callee,
                  llvm::ArrayRef<const Expr *> Args, unsigned ParamOffset,
                  PathState &St, States &Out,
                  const FunctionContract *Forced = nullptr);
  /// What the arguments of one outcome of a call change once all are seen.
  struct ArgChanges {
    std::vector<std::pair<const VarDecl *, ValueKey>> Binds;
    std::vector<const VarDecl *> Unbinds, Forgets;
    /// Values taken already (one call taking one value twice takes it once).
    std::vector<ValueKey> Taken;
  };
  /// A callee reaches the fields of what it is given: what was known of
  /// them is forgotten.
  void forgetFieldsOf(llvm::ArrayRef<const Expr *> Args, PathState &St);
  /// The callee's name as messages use it: the macro the code wrote
  /// (PyObject_CallMethod), not the function it expands to.
  llvm::StringRef callName(const Expr *Call, const FunctionDecl *Callee,
                           const FunctionContract *Forced);
  void callResult(const CallSite &C, std::optional<bool> Succeeded,
                  PathState &S);
  /// A null passed where the contract rejects it ('rejects_null'): false
  /// if reported (the path ends there, as for an unchecked result).
  bool checkNullArguments(const CallSite &C, unsigned ParamOffset,
                          const PathState &St);
  /// '->', '*' or '[]' on the untested NULL of a failed call of a library
  /// that says which arguments reject NULL: false if reported (the path
  /// ends).
  bool checkNullDeref(const Expr *Base, const Expr *At, PathState &St);
  /// Drops the facts on globals (kept from this function's own stores).
  void forgetGlobalFacts(PathState &St);
  /// "'x' is NULL when 'f' fails" (or "the result of 'f' ..." for the call
  /// itself) for A, made null by the failed call of note Failed.
  std::string nullWhenFailed(const PathNote &Failed,
                             const clang::Expr *A) const;
  /// What a store of RHS tells of its destination: a constant, or a fact
  /// the path has of RHS.
  std::optional<Fact> storedFact(const PathState &St,
                                 const clang::Expr *RHS) const;
  /// The note of the failed call and the steps after it.
  std::vector<Note> failureNotes(const PathState &St,
                                 const PathNote &Failed) const;
  bool callOutcome(const CallSite &C, std::optional<bool> Succeeded,
                   const std::optional<Condition> &Success, PathState &S);
  void argumentEffect(const CallSite &C, unsigned I, unsigned PI,
                      const ArgEffect *AE, std::optional<bool> Succeeded,
                      PathState &S, ArgChanges &Ch);
  /// An array argument whose first slots each get a value ('elements').
  void acquireSlots(const CallSite &C, unsigned I, const ArgEffect &AE,
                    bool Acquired, PathState &S);
  /// Whether the code uses local aggregate VD only through its fields and
  /// fixed slots (and calls that fill its slots): then what those hold when
  /// the function returns is lost with it.
  bool keptWhole(const VarDecl *VD);
  bool usedInPlace(const Expr *E);
  /// A place in a local array or struct that keptWhole.
  bool heldByLocal(const PlaceKey &P);
  llvm::DenseMap<const VarDecl *, bool> KeptWhole;
  /// A releaser given another source (array, string) than the value came
  /// from.
  void checkSource(PathState &St, ValueKey K, const Expr *Call,
                   const Expr *SourceArg, llvm::StringRef Fn);
  /// A new owned value stored over a global or field that may hold one from
  /// an earlier call (a native method that sets a listener).
  void checkStoreOver(PathState &St, const Expr *L, const Expr *RHS,
                      const Stmt *At);
  void handleAssign(const Expr *LHS, const Expr *RHS, const Stmt *At,
                    PathState &St);
  /// 'L = RHS' into a field place P.
  void storePlace(PathState &St, const PlaceKey &P, const Expr *L,
                  const Expr *RHS, const Stmt *At);
  /// A place no longer holds Old (overwritten or cleared at At).
  void dropPlaceValue(PathState &St, ValueKey Old, const Expr *L,
                      const Stmt *At);
  /// The call being handled is described by a library's contract (not a
  /// summary of this program's code, which may release fields itself).
  bool LibraryCall = false;
  /// Stops following the places rooted at Root: what they hold may be
  /// changed by code this analysis does not see.
  void forgetPlacesRootedAt(PathState &St, ValueKey Root);
  void forgetPlace(PathState &St, const PlaceKey &P);
  /// Forgets the slots of the array Array names ('s->refs', 'g_refs').
  void forgetSlotsOf(PathState &St, const Expr *Array);
  /// The object at Root is freed by Fn at Call: the owned values its fields
  /// still hold are lost with it.
  void rootFreed(PathState &St, ValueKey Root, const Expr *Call,
                 llvm::StringRef Fn, const Resource *Freed);
  /// The root a call argument gives a callee (the value or declaration
  /// whose fields it reaches), if any.
  std::optional<ValueKey> rootOf(const PathState &St, const Expr *A) const;
  /// The places a call's arguments reach, forgotten unless a library's
  /// contract says what the call does.
  /// 'Py_TYPE(self)->tp_free(self)': the object's fields are lost.
  void slotFree(PathState &St, llvm::ArrayRef<const Expr *> Args,
                const Expr *Call);
  void invalidatePlaces(PathState &St, llvm::ArrayRef<const Expr *> Args,
                        const FunctionContract *FC, const Expr *Call);
  /// A setter stores an owned value into a field of its caller's object
  /// without looking at what the field held.
  void checkSetterOverwrite(const PathState &St, const PlaceKey &P,
                            const Expr *L, const Value *New, const Expr *RHS,
                            const Stmt *At);
  /// Whether this function is a setter: named for setting, installing or
  /// replacing something, which the program does again and again on one
  /// object (computed once).
  bool isSetter();
  std::optional<bool> Setter;
  /// A setter reads field place P: what it holds on entry is followed from
  /// here, so a release or a test of it is seen.
  void readPlace(PathState &St, const Expr *E);
  /// The text of E in the source, for messages ("s->listener").
  std::string sourceText(const Expr *E) const;

  void assignVar(const VarDecl *VD, const Expr *RHS, const Stmt *At,
                 PathState &St);
  void bindVar(PathState &St, const VarDecl *VD, std::optional<ValueKey> V,
               std::optional<Fact> F, const Stmt *At);
  /// ForGood: at the exit, for a value returning does not free.
  enum class Lost { Overwritten, OutOfScope, AtExit, ForGood };
  /// Drops one variable's hold on K; if nothing holds it any more and it is
  /// still owned, it leaks at At.
  void dropValueRef(PathState &St, ValueKey K, const Stmt *At, Lost How,
                    llvm::StringRef VarName);
  void reportLeak(PathState &St, ValueKey K, const Value &V, SourceLocation At,
                  std::string Msg);
  SourceLocation scopeExitLoc(const Stmt *Trigger) const;
  void checkUse(PathState &St, const Expr *E, const Stmt *At);
  /// A function that must return an owned value returns a borrowed one.
  void checkReturnOwned(PathState &St, const Expr *RV, const ReturnStmt *RS);
  /// Stops following VD without judging its value: it now points somewhere
  /// this analysis cannot name (pointer arithmetic, written by a callee).
  void forget(PathState &St, const VarDecl *VD);
  void escape(PathState &St, const Expr *E);

  // RAII types ('types:' in contracts, std::unique_ptr with a releasing
  // deleter): Wrappers.cpp.
  /// An RAII object: a local variable, or a temporary by the expression
  /// that made it.
  struct Holder {
    const VarDecl *Var = nullptr;
    const Expr *Temp = nullptr;
    explicit operator bool() const { return Var || Temp; }
  };
  Holder holderOf(const Expr *E) const;
  std::optional<ValueKey> heldBy(const PathState &St, Holder H) const;
  void dropHold(PathState &St, Holder H);
  /// A call or construction an RAII type describes: handled (true), or left
  /// to the ordinary call (false).
  bool wrapperCall(const Expr *E, PathState &St, bool IntoArgument);
  /// An argument that is an RAII object: handled (true) or not.
  bool wrapperArgument(const CallSite &C, unsigned I, unsigned PI,
                       PathState &St);
  /// An RAII object is destroyed: what it holds loses a reference.
  void wrapperDestroyed(PathState &St, Holder H, const WrapperType &W,
                        SourceLocation Loc, const void *Site);
  /// A value the object made by E takes over (by Spec), for the object E
  /// makes: what it holds from now on.
  void wrapperTakes(PathState &St, const Expr *E, const WrapperType &W,
                    const TakeSpec &Spec, llvm::ArrayRef<const Expr *> Args,
                    llvm::StringRef Fn, const FunctionDecl *Deleter);
  /// Whether every owned reference of K is held by RAII objects that the
  /// return of RV destroys.
  bool heldOnlyByWrappers(const PathState &St, ValueKey K,
                          const Expr *RV) const;
  /// V is null on this path: so are the out-parameters 'null_with' it.
  void assumeNullsWith(PathState &St, const Value &V);
  /// A call's status is tested: failed acquisitions are known as such.
  void seeFailures(PathState &St);
  /// The objects constructed as arguments of the element being walked.
  bool ArgConstruct = false;
  /// Owner is released (or handed over): what points into it is invalid.
  void invalidateInterior(PathState &St, ValueKey Owner, const Value &O,
                          const Expr *Call, llvm::StringRef Fn);
  /// The value of a pointer into Owner's storage that Fn returned at Site.
  /// (OwnerVar, when set, names the owner instead of OwnerArg.)
  std::optional<ValueKey> interiorValue(PathState &St, const void *Site,
                                        const Expr *OwnerArg,
                                        llvm::StringRef Fn, SourceLocation Loc,
                                        const VarDecl *OwnerVar = nullptr);
  /// 'PyBytes_AS_STRING(b)', a macro with an 'interior' contract that
  /// expands to no call: the value E points into, if so.
  std::optional<ValueKey> interiorMacro(PathState &St, const Expr *E);
  void release(PathState &St, ValueKey K, const Expr *Call, const Expr *Arg,
               llvm::StringRef Fn, const ArgEffect &AE, bool Consume);
  /// release() on a copy of K's value, which the caller stores back.
  void releaseValue(PathState &St, ValueKey K, Value &V, const Expr *Call,
                    const Expr *Arg, llvm::StringRef Fn, const ArgEffect &AE,
                    bool Consume);
  /// How to call the value E evaluates to in a message: the variable
  /// written there if there is one.
  std::string nameAt(const PathState &St, ValueKey K, const Expr *E) const;
  void atExit(PathState &St);
  /// A destroy function's exit: the owning fields it did not release.
  void destroyExit(PathState &St, SourceLocation Loc);
  void gc(PathState &St);

  bool assume(PathState &St, const Expr *Cond, bool Truth, const Stmt *Term);
  /// A type test ('tests_type') of a value made by a call whose contract
  /// gives its result's type: true when the types agree.
  std::optional<bool> typeTest(const PathState &St, const Expr *Cond);
  /// The object type ('result_type') of what the call that made V returns
  /// on success; empty when V is no call's result or the type is not known.
  llvm::StringRef resultTypeOf(const Value &V);
  /// The truth of a condition on this path, when the facts decide it.
  std::optional<bool> truthOf(const PathState &St, const Expr *Cond);
  bool assumeCompare(PathState &St, const Expr *Subject, Condition C);
  /// Restricts St to the paths of switch SW that reach Target.
  bool assumeSwitchCase(PathState &St, const SwitchStmt *SW,
                        const CFGBlock *Target);
  /// The variable or current-block expression whose facts describe E.
  struct Subject {
    const VarDecl *Var = nullptr;
    const Expr *E = nullptr;
    std::optional<PathState::MemberKey> Member;
    explicit operator bool() const { return Var || E || Member; }
  };
  Subject subjectOf(const PathState &St, const Expr *E) const;
  const Fact *factOf(const PathState &St, const Expr *E) const;
  std::optional<int64_t> constant(const Expr *E) const;

  /// The loop whose every iteration makes a new value at Site, if the
  /// value lost at At is lost once per iteration of it.
  const Stmt *pilingLoop(const Stmt *Site, const Stmt *At, bool Overwrite);
  const Stmt *enclosingLoop(const Stmt *S);
  std::unique_ptr<ParentMap> Parents;
  /// Whether a value of resource R leaks at this exit, given what is open.
  bool leaksAtExit(const PathState &St, const Value &V) const;
  bool inOpenFrame(const PathState &St, const Value &V) const;
  /// A value freed on return, dropped as a temporary (or discarded) inside a
  /// loop: one piles up per iteration.
  void reportPiledTemporary(const PathState &St, const Value &V,
                            bool Discarded);
  std::string leakMessage(const PathState &St, ValueKey K, const Value &V,
                          Lost How);
  /// Stores of freed-on-return values into globals already reported.
  std::set<unsigned> StoredReported;
  Note noteText(const PathNote &N) const;
  std::string varName(const PathState &St, ValueKey K) const;
  /// The protocols beside ownership (Domain.cpp), and the one leak
  /// decisions ask about regions.
  std::vector<std::unique_ptr<Domain>> Domains;
  RegionDomain *Regions = nullptr;
};

/// What an owning field holds at a destroy function's entry, in words ("the
/// JNI global reference that 'open' stored there"), and the note that says
/// where it comes from.
std::string heldText(const Value &V);
Note heldNote(const Value &V);
/// Adds the fields the contracts declare ('fields:') to the owning fields
/// of the TU (HeapOwnership.cpp).
void declareFields(TUAnalysis &TU);

/// The destroy functions among Functions (defined in the main file), each
/// with what it must release (HeapOwnership.cpp). Call once every function
/// was walked: the walks find the owning fields.
std::vector<std::pair<const FunctionDecl *, DestroyPlan>>
destroyFunctions(TUAnalysis &TU,
                 llvm::ArrayRef<const FunctionDecl *> Functions);

/// A function that must hand its caller an owned resource, and why.
struct ReturnObligation {
  const Resource *Res = nullptr;
  std::string Why;
};

class TUAnalysis {
public:
  /// Where an owning field or global got its owned value (the first store
  /// seen): what destroy functions must release.
  struct OwningStore {
    const Resource *Res = nullptr;
    llvm::StringRef Fn;    // The function that stored it.
    llvm::StringRef AcqFn; // What made the value.
    SourceLocation At;
  };
  std::map<const FieldDecl *, OwningStore> OwningFields;
  std::map<const VarDecl *, OwningStore> OwningGlobals;
  /// Interned field paths: a pointer names one.
  const FieldPath *path(FieldPath P) {
    return &*Paths.insert(std::move(P)).first;
  }
  /// Whether values of R carry a reference count (some function retains
  /// them): releasing the last reference runs the object's own destructor,
  /// which releases its fields.
  bool isRefCounted(const Resource *R);
  /// The functions defined in the main file (set before any is walked).
  std::vector<const FunctionDecl *> MainFunctions;
  /// Fields some function of the main file releases ('Py_CLEAR(self->cb)',
  /// 'DeleteGlobalRef(env, s->listener)'): what they hold is owned, and
  /// storing over it without a release loses it.
  /// With the resource the releaser releases (null: any).
  const llvm::DenseMap<const FieldDecl *, const Resource *> &releasedFields();

  /// Functions whose returned value must be owned (callbacks returning
  /// PyObject *, functions whose contract says they return an owned value).
  llvm::DenseMap<const FunctionDecl *, ReturnObligation> MustReturnOwned;
  /// What the interpreter lock is at the entry of functions whose callers
  /// are known (canonical declarations).
  llvm::DenseMap<const FunctionDecl *, LockEntry> LockEntries;
  /// Functions CPython calls that must set an exception when they return
  /// NULL (canonical declarations; cpython-error-return).
  llvm::DenseSet<const FunctionDecl *> RaisingEntries;
  /// Functions another runtime calls into ('entry_points': JNI natives).
  /// With who calls them, for messages.
  llvm::DenseMap<const FunctionDecl *, std::string> ForeignEntries;

  TUAnalysis(ASTContext &Ctx, const ContractSet &Contracts,
             const AnalysisLimits &Limits, llvm::raw_ostream *Log)
      : Ctx(Ctx), Contracts(Contracts), Limits(Limits), Log(Log) {}

  ASTContext &Ctx;
  const ContractSet &Contracts;
  const AnalysisLimits &Limits;
  llvm::raw_ostream *Log;

  llvm::StringRef intern(llvm::StringRef S) { return Strings.save(S); }

  /// Whether Fn is declared in the folder (or below) of one of L's headers:
  /// the library's own API, not a project function with a similar name.
  bool inLibraryHeaders(const FunctionDecl *Fn, const LibraryContract &L);

  /// The library in force that has an interpreter lock ('lock:'), if any.
  const LibraryContract *lockedLibrary() {
    if (!LockedLookedUp) {
      LockedLookedUp = true;
      for (const LibraryContract &L : Contracts.Libraries)
        if (!L.LockName.empty())
          Locked = &L;
    }
    return Locked;
  }

  /// The analysis of a function defined in this TU, if it may be used from
  /// a caller at this depth (not a library's, not one in progress).
  const FunctionResult *definedResult(const FunctionDecl *Callee,
                                      unsigned Depth) {
    const FunctionDecl *Def = nullptr;
    if (Callee && !Callee->hasBody(Def))
      return externalResult(Callee);
    if (!Callee || !Def || !isAnalyzable(Def) ||
        Ctx.getSourceManager().isInSystemHeader(Def->getLocation()) ||
        InProgress.count(Def) || Depth >= Limits.MaxSummaryDepth)
      return nullptr;
    return &resultFor(Def, Depth + 1);
  }

  /// What the whole program's summaries say of a function this TU declares
  /// but another defines (null: the program does not define it, or there
  /// are no summaries). Summary() of the result is null for one defined
  /// without a useful summary.
  const FunctionResult *externalResult(const FunctionDecl *Callee);

  const FunctionResult &resultFor(const FunctionDecl *Def, unsigned Depth) {
    auto It = Results.find(Def);
    if (It != Results.end())
      return It->second;
    InProgress.insert(Def);
    FunctionResult R = FunctionAnalysis(*this, Def, Depth).run();
    InProgress.erase(Def);
    return Results.emplace(Def, std::move(R)).first->second;
  }

  /// The contract of a callee: from the contract files, else a summary of
  /// its definition in this TU, else null (unknown).
  const FunctionContract *contractFor(const FunctionDecl *Callee,
                                      unsigned Depth) {
    if (!Callee)
      return nullptr;
    std::string Name = isa<CXXMethodDecl>(Callee) ? "" : nameOf(Callee);
    if (const FunctionContract *FC = namedContract(Callee))
      return FC;
    if (const FunctionContract *FC = annotatedContract(Callee))
      return FC;
    if (!Name.empty() && Contracts.isNonOwningByPrefix(Name)) {
      auto &Slot = PrefixContracts[Name];
      if (!Slot) {
        Slot = std::make_unique<FunctionContract>();
        Slot->Name = Name;
        Slot->NonOwning = true;
      }
      return Slot.get();
    }
    const FunctionDecl *Def = nullptr;
    if (!Callee->hasBody(Def))
      if (const FunctionResult *R = externalResult(Callee))
        return R->Summary.get(); // A summary beats a convention.
    // Library code in system headers is not summarized: it is large, and
    // what it does with ownership is what contracts are for.
    if (!Def || !isAnalyzable(Def) ||
        Ctx.getSourceManager().isInSystemHeader(Def->getLocation()) ||
        InProgress.count(Def) || Depth >= Limits.MaxSummaryDepth)
      return defaultFor(Callee);
    return resultFor(Def, Depth + 1).Summary.get();
  }

  /// The contract entry naming Fn: a C name, or a C++ qualified name (with
  /// the parameter types first; a method's overridden methods after it).
  const FunctionContract *namedContract(const FunctionDecl *Fn);
  llvm::DenseMap<const FunctionDecl *, const FunctionContract *> Named;
  /// The RAII type of T (or of a class it derives from), if any.
  const WrapperType *wrapperOf(QualType T);
  llvm::DenseMap<const RecordDecl *, const WrapperType *> WrapperTypes;
  /// std::unique_ptr and std::shared_ptr, owners when their deleter is a
  /// releaser.
  WrapperType UniquePtr, SharedPtr;
  bool isSmartPointer(const WrapperType *W) const {
    return W == &UniquePtr || W == &SharedPtr;
  }
  /// The factory entry of Fn, if it returns an object of its type.
  const WrapperFactory *factoryFor(const FunctionDecl *Fn);

  /// The contract written on the declarations with custody/annotations.h,
  /// or null if there is none.
  const FunctionContract *annotatedContract(const FunctionDecl *Callee);

  /// The 'default_returns' entry for Fn's return type ("PyObject" for
  /// PyObject *), if any.
  const DefaultReturn *conventionFor(const FunctionDecl *Fn) const {
    QualType RT = Fn->getReturnType();
    if (Contracts.DefaultReturns.empty() || !RT->isPointerType())
      return nullptr;
    std::string Pointee =
        RT->getPointeeType().getUnqualifiedType().getAsString();
    for (const DefaultReturn &D : Contracts.DefaultReturns)
      if (D.Type == Pointee)
        return &D;
    return nullptr;
  }

  /// A contract's convention for what a function it says nothing of returns
  /// (CPython: a function returning PyObject * returns a new reference or
  /// NULL). Its arguments stay unknown.
  const FunctionContract *defaultFor(const FunctionDecl *Callee) {
    if (isa<CXXMethodDecl>(Callee))
      return nullptr;
    if (const DefaultReturn *D = conventionFor(Callee)) {
      auto &Slot = Defaults[Callee];
      if (!Slot) {
        Slot = std::make_unique<FunctionContract>();
        Slot->Name = Callee->getNameAsString();
        Slot->IsSummary = true; // Unlisted arguments escape.
        Slot->IsConventional = true;
        Slot->Returns = D->Effect;
      }
      return Slot.get();
    }
    return nullptr;
  }

private:
  std::set<FieldPath> Paths;
  std::optional<std::set<std::string>> RefCounted;
  std::optional<llvm::DenseMap<const FieldDecl *, const Resource *>>
      ReleasedFields;

public:
  /// Fields the contracts declare owning ('fields:').
  llvm::DenseMap<const FieldDecl *, const Resource *> DeclaredFields;
  /// The whole program's summaries, and what this TU reads of them.
  ProgramContext *Program = nullptr;
  llvm::DenseMap<const FunctionDecl *, std::unique_ptr<FunctionResult>>
      External;
  std::map<const FunctionDecl *, FunctionResult> Results;
  llvm::DenseSet<const FunctionDecl *> InProgress;
  llvm::StringMap<std::unique_ptr<FunctionContract>> PrefixContracts;
  llvm::DenseMap<const FunctionDecl *, std::unique_ptr<FunctionContract>>
      Defaults;
  llvm::DenseMap<const FunctionDecl *, std::unique_ptr<FunctionContract>>
      Annotated;
  /// The tags of acquire_handle/release_handle on parameters in this TU.
  std::optional<std::set<std::string>> HandleTags;
  /// The folders of each library's headers in this TU, by library name.
  llvm::StringMap<std::vector<std::string>> HeaderDirs;
  const LibraryContract *Locked = nullptr;
  bool LockedLookedUp = false;
  llvm::BumpPtrAllocator Alloc;
  llvm::StringSaver Strings{Alloc};
};

} // namespace impl
} // namespace custody

#endif
