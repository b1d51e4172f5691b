//===- ExceptionDomain.h - Exceptions left pending (JNI) ---------*- C++
//-*-===//
//
// Owns: the call that may have left an exception pending on a path and not
// yet checked, what counts as checking it (a test of the failing call's
// result, a check function, a store of the result where the walk cannot
// follow its tests, a helper given the function table), and the
// exception-pending finding. Contract keys: 'throws', 'exception_safe',
// 'checks_exception'.
//
//===----------------------------------------------------------------------===//

#ifndef CUSTODY_ENGINE_EXCEPTIONDOMAIN_H
#define CUSTODY_ENGINE_EXCEPTIONDOMAIN_H

#include "Domain.h"
#include "llvm/ADT/StringRef.h"

namespace custody {

/// The exception that may be pending on one path.
struct PendingException {
  const clang::Expr *At = nullptr; // The call that may have raised it.
  /// The local that holds the call's result: testing it is checking.
  const clang::VarDecl *Var = nullptr;
  /// The call's result tells its failure (a null from FindClass), rather
  /// than only an exception check (CallVoidMethod).
  bool OnResult = false;
  /// Its only failure is running out of memory (an OutOfMemoryError).
  bool Oom = false;
  /// The library whose exception check this path has called: a helper
  /// whose every return has checked is a check for its callers.
  llvm::StringRef Checked;
  // Not part of the identity: for messages.
  llvm::StringRef Fn, Lib;

  bool operator==(const PendingException &O) const {
    return At == O.At && Var == O.Var && Checked == O.Checked;
  }
  /// Pending on only one side: not claimed.
  static PendingException join(const PendingException &A,
                               const PendingException &B) {
    if (A == B)
      return A;
    PendingException J;
    if (A.Checked == B.Checked)
      J.Checked = A.Checked;
    return J;
  }
};

/// Whether the last call of a library family on this path left its error
/// indicator set: right after a CPython call that succeeded, PyErr_Occurred()
/// is NULL ('checks_exception' of a function returning a pointer).
struct ErrorIndicator {
  llvm::StringRef Family; // Empty: not known.
  bool Set = false;
  bool operator==(const ErrorIndicator &O) const {
    return Family == O.Family && Set == O.Set;
  }
  static ErrorIndicator join(const ErrorIndicator &A, const ErrorIndicator &B) {
    return A == B ? A : ErrorIndicator();
  }
};

namespace impl {

class ExceptionDomain : public Domain {
public:
  using Domain::Domain;
  void beforeCall(const CallSite &C, PathState &St) override;
  void afterCall(const CallSite &C, std::optional<bool> Succeeded,
                 PathState &St) override;
  /// A C function of another system library: it leaves the error
  /// indicator of Family alone.
  bool otherLibrary(const CallSite &C, llvm::StringRef Family);
  void onStore(const clang::Expr *RHS, const clang::VarDecl *ToLocal,
               PathState &St) override;
  void beforeBranch(const clang::Expr *Cond, PathState &St) override;
  void atExit(PathState &St) override;
  void summarize(FunctionResult &R, FunctionContract &S, bool &Useful) override;

private:
  /// Exits, and those that leave an exception pending for the caller (and
  /// whether they return null, and the others do not).
  unsigned Exits = 0, PendingExits = 0, CheckedExits = 0;
  llvm::StringRef CheckedLib;
  bool PendingOnlyWhenNull = true, PendingOnResult = true;
  llvm::StringRef PendingLib;
  /// Whether the call checks for a pending exception of the library: by
  /// contract, or a helper of this program that checks on every return.
  bool checks(const CallSite &C) const;
  /// cpython-error-return at a return of a function CPython calls.
  void checkErrorReturn(const PathState &St, bool Null);
  /// Whether Cond tests the result of the pending call.
  bool testsPending(const PathState &St, const clang::Stmt *Cond) const;
  /// " (ExceptionCheck)": how the library checks for a pending exception.
  std::string checker(llvm::StringRef Library) const;
};

} // namespace impl
} // namespace custody

#endif
