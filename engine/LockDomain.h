//===- LockDomain.h - An interpreter lock (CPython's GIL) --------*- C++
//-*-===//
//
// Owns: whether the lock is held on a path (and the takes still open), the
// lock effect of each call (a contract's 'lock:', a library's lock prefixes,
// a helper's summary, a guard object's constructor and destructor), the
// lock-not-held and lock-unbalanced findings, and the function's lock
// summary (what calling it needs or does to the lock). Contract keys: the
// library's 'lock:' section and each function's 'lock:' effect.
//
//===----------------------------------------------------------------------===//

#ifndef CUSTODY_ENGINE_LOCKDOMAIN_H
#define CUSTODY_ENGINE_LOCKDOMAIN_H

#include "Domain.h"
#include "clang/Basic/SourceLocation.h"
#include <set>
#include <string>
#include <vector>

namespace custody {

/// The interpreter lock on one path.
struct LockPath {
  /// Unknown until the function's entry says or a call changes it.
  enum class State : uint8_t { Unknown, Held, Released };
  State Now = State::Unknown;
  /// The states before each take (PyGILState_Ensure) still open, innermost
  /// last.
  std::vector<State> Stack;
  /// Still the state the function was entered with.
  bool FromEntry = true;
  /// Gave back a take of its caller's (a release helper).
  bool UndidCaller = false;
  /// Its first change was to take the lock (PyEval_AcquireThread): the
  /// function runs without its caller holding it.
  bool TookFirst = false;
  // Not part of the identity: where and by what the lock was last given up.
  clang::SourceLocation GoneAt;
  std::string GoneWhy;

  bool operator==(const LockPath &O) const {
    return Now == O.Now && Stack == O.Stack && FromEntry == O.FromEntry &&
           UndidCaller == O.UndidCaller && TookFirst == O.TookFirst;
  }
  /// What differs is unknown: nothing is reported from it.
  static LockPath join(const LockPath &A, const LockPath &B) {
    LockPath J = A;
    if (!(A == B)) {
      J.Now = State::Unknown;
      J.FromEntry = false;
      J.TookFirst = A.TookFirst && B.TookFirst;
      if (A.Stack != B.Stack)
        J.Stack.clear();
    }
    return J;
  }
};

namespace impl {

/// A function that calls, with the lock its caller holds, something that
/// needs an interpreter lock.
struct LockNeed {
  clang::SourceLocation Loc; // The call inside that needs it.
  std::string Fn;            // What it calls there.
  std::string Lock;          // The lock's name ("gil").
};

/// What a function's entry says about the interpreter lock.
struct LockEntry {
  LockPath::State State = LockPath::State::Unknown;
  std::string Why; // "'f' is called from Java", for notes.
};

class LockDomain : public Domain {
public:
  using Domain::Domain;
  void beforeCall(const CallSite &C, PathState &St) override;
  void afterCall(const CallSite &C, std::optional<bool> Succeeded,
                 PathState &St) override;
  void onResult(const CallSite &C, Value &V) override;
  void onDestructor(const clang::CXXDestructorDecl *Dtor,
                    clang::SourceLocation Loc, PathState &St) override;
  void atExit(PathState &St) override;
  void summarize(FunctionResult &R, FunctionContract &S, bool &Useful) override;

private:
  /// The lock effect of a call: its contract's, a library prefix's, or a
  /// summary's need (Inner: the call inside that needs it).
  std::optional<LockEffect> lockEffect(const clang::FunctionDecl *Callee,
                                       const FunctionContract *FC,
                                       llvm::StringRef &LockName,
                                       const LockNeed *&Inner);
  void apply(PathState &S, LockEffect E, llvm::StringRef LockName,
             clang::SourceLocation Loc, llvm::StringRef Fn);
  /// The effect of the call being walked, from beforeCall to afterCall.
  std::optional<LockEffect> Current;
  llvm::StringRef CurrentLock;
  std::optional<LockNeed> FirstNeed;
  /// The lock effect of each exit seen (nullopt: none); Mixed if they differ.
  std::optional<std::optional<LockEffect>> ExitLock;
  bool ExitLockMixed = false;
  /// Where the lock went, for those already reported: one report per
  /// release, not one per call after it.
  std::set<unsigned> Reported;
};

} // namespace impl
} // namespace custody

#endif
