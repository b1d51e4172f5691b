//===- RegionDomain.h - Regions, critical regions, reserved room -*- C++
//-*-===//
//
// Owns: regions held by no variable (monitors, local frames, attached
// threads: 'opens'/'closes', keyed by an argument), what closing one frees
// ('frees'), critical regions ('critical', 'critical_safe': nothing but the
// release may be called inside), room made for values ('reserves'), whether
// a helper was handed the function table (it may open or close regions for
// this function), and the function's summary of a region it closes for its
// caller. The regions themselves are tracked values (Value::Region), so
// leaving one open is the ownership walk's leak.
//
//===----------------------------------------------------------------------===//

#ifndef CUSTODY_ENGINE_REGIONDOMAIN_H
#define CUSTODY_ENGINE_REGIONDOMAIN_H

#include "Domain.h"
#include "llvm/ADT/StringSet.h"

namespace custody {

/// What one path knows of regions besides the regions themselves.
struct RegionPath {
  /// A resource room was made for ('reserves'): its values may pile up.
  const Resource *Reserved = nullptr;
  /// A function this analysis does not follow was given the function table
  /// (the JNIEnv): it may have opened or closed regions for this one.
  bool TableHandedOut = false;

  bool operator==(const RegionPath &O) const {
    return Reserved == O.Reserved && TableHandedOut == O.TableHandedOut;
  }
  static RegionPath join(const RegionPath &A, const RegionPath &B) {
    RegionPath J;
    J.Reserved = A.Reserved == B.Reserved ? A.Reserved : nullptr;
    J.TableHandedOut = A.TableHandedOut || B.TableHandedOut;
    return J;
  }
};

namespace impl {

class RegionDomain : public Domain {
public:
  explicit RegionDomain(FunctionAnalysis &FA);
  void beforeCall(const CallSite &C, PathState &St) override;
  void afterCall(const CallSite &C, std::optional<bool> Succeeded,
                 PathState &St) override;
  void summarize(FunctionResult &R, FunctionContract &S, bool &Useful) override;

  /// Regions some call of this function closes (by resource name).
  bool closedHere(llvm::StringRef Resource) const {
    return ClosedHere.count(Resource);
  }

private:
  void open(const CallSite &C, const RegionEffect &RE, bool Opened,
            PathState &S);
  void close(const CallSite &C, const RegionEffect &RE, PathState &S);
  /// Values of the resources a closed region frees become released.
  void freeWith(PathState &S, const Value &Region, llvm::StringRef Fn,
                clang::SourceLocation Loc);
  void collect(const clang::Stmt *Body);
  llvm::StringSet<> ClosedHere, OpenedHere;
  /// A region this function closes for its caller, for its summary.
  std::optional<RegionEffect> ClosesForCaller;
};

} // namespace impl
} // namespace custody

#endif
