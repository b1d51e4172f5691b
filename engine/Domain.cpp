//===- Domain.cpp - The registered protocol domains ----------------------===//
//
// The one list of domains the walk calls, in order. A call's domains run
// before its effect on ownership (beforeCall) and after it on each outcome
// (afterCall): regions first (a critical region is checked before anything
// else is said of the call), then pending exceptions, then the lock.
//
//===----------------------------------------------------------------------===//

#include "FunctionAnalysis.h"

using namespace custody;
using namespace custody::impl;

std::vector<std::unique_ptr<Domain>> impl::makeDomains(FunctionAnalysis &FA,
                                                       RegionDomain *&Regions) {
  std::vector<std::unique_ptr<Domain>> Ds;
  auto R = std::make_unique<RegionDomain>(FA);
  Regions = R.get();
  Ds.push_back(std::move(R));
  Ds.push_back(std::make_unique<ExceptionDomain>(FA));
  Ds.push_back(std::make_unique<LockDomain>(FA));
  return Ds;
}
