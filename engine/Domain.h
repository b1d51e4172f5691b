//===- Domain.h - A protocol beside ownership, as one module -----*- C++
//-*-===//
//
// The walk over a function's CFG (FunctionAnalysis) follows ownership and
// path facts itself; every other protocol a contract can describe is a
// domain: a module with its own part of the path state (identity and join
// included), its transfer on calls, branches, assignments and exits, its
// findings and its part of the function's summary. The walk calls each
// registered domain at these points and knows nothing of what is inside.
//
// Adding a kind of protocol: its state struct (operator== for identity, a
// static join) as a member of PathState, a Domain subclass in a file of its
// own, a line in makeDomains() (Domain.cpp), its contract keys in the loader
// and Contract.h, and its checks in Checks.def. docs/engine.md walks
// through an example.
//
//===----------------------------------------------------------------------===//

#ifndef CUSTODY_ENGINE_DOMAIN_H
#define CUSTODY_ENGINE_DOMAIN_H

#include "Contract.h"
#include "clang/AST/Decl.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/Expr.h"
#include "llvm/ADT/ArrayRef.h"
#include <memory>
#include <optional>
#include <vector>

namespace custody {

struct PathState;
struct Value;

namespace impl {

class FunctionAnalysis;
struct FunctionResult;

/// One call as the walk sees it.
struct CallSite {
  const clang::Expr *Call;
  const clang::FunctionDecl *Callee; // Null through a pointer or a table.
  const FunctionContract *FC;        // Null: unknown callee.
  llvm::ArrayRef<const clang::Expr *> Args;
  llvm::StringRef Fn; // The name messages use.
  /// Described by a contract (not a summary or a convention).
  bool contracted() const {
    return FC && !FC->IsSummary && !FC->IsConventional;
  }
};

/// Whether an effect that holds on outcome W applies on this one
/// (Succeeded: none when the call has no success condition).
inline bool appliesOn(When W, std::optional<bool> Succeeded) {
  return W == When::Always || !Succeeded ||
         (W == When::OnSuccess) == *Succeeded;
}

class Domain {
public:
  explicit Domain(FunctionAnalysis &FA) : FA(FA) {}
  virtual ~Domain() = default;

  /// Before a call runs, once per path.
  virtual void beforeCall(const CallSite &C, PathState &St) {}
  /// After it, on each of its outcomes (Succeeded: none if it has no
  /// success condition).
  virtual void afterCall(const CallSite &C, std::optional<bool> Succeeded,
                         PathState &St) {}
  /// The value the call returns, before it is tracked.
  virtual void onResult(const CallSite &C, Value &V) {}
  /// RHS is stored: into a local (ToLocal), or somewhere the walk does not
  /// follow (a field, a global, through a pointer).
  virtual void onStore(const clang::Expr *RHS, const clang::VarDecl *ToLocal,
                       PathState &St) {}
  /// A two-way branch on Cond, before either side is assumed.
  virtual void beforeBranch(const clang::Expr *Cond, PathState &St) {}
  /// A local object's destructor runs at Loc (a scope guard).
  virtual void onDestructor(const clang::CXXDestructorDecl *Dtor,
                            clang::SourceLocation Loc, PathState &St) {}
  /// A path reaches the function's exit.
  virtual void atExit(PathState &St) {}
  /// After the walk: this protocol's part of the summary. Sets Useful when
  /// it added something to S.
  virtual void summarize(FunctionResult &R, FunctionContract &S, bool &Useful) {
  }

protected:
  FunctionAnalysis &FA;
};

/// The registered domains, in the order the walk calls them.
/// Regions: the one ownership's leak decisions ask about.
class RegionDomain;
std::vector<std::unique_ptr<Domain>> makeDomains(FunctionAnalysis &FA,
                                                 RegionDomain *&Regions);

} // namespace impl
} // namespace custody

#endif
