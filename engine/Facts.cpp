//===- Facts.cpp - What is known of an integer or a pointer --------------===//
//
// Ranges with one excluded point, met with the conditions of branches.
//
//===----------------------------------------------------------------------===//

#include "FunctionAnalysis.h"
#include "clang/AST/ExprCXX.h"
#include "clang/Analysis/CFG.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"

using namespace clang;
using namespace custody;
using namespace custody::impl;

//===----------------------------------------------------------------------===//
// Facts
//===----------------------------------------------------------------------===//

static constexpr int64_t Min = std::numeric_limits<int64_t>::min();
static constexpr int64_t Max = std::numeric_limits<int64_t>::max();

Fact Fact::of(const Condition &C) {
  Fact F;
  int64_t K = C.Value;
  switch (C.Op) {
  case Condition::EQ:
    F.Lo = F.Hi = K;
    break;
  case Condition::NE:
    F.Ne = K;
    break;
  case Condition::LT:
    F.Hi = K == Min ? Min : K - 1;
    break;
  case Condition::LE:
    F.Hi = K;
    break;
  case Condition::GT:
    F.Lo = K == Max ? Max : K + 1;
    break;
  case Condition::GE:
    F.Lo = K;
    break;
  }
  return F;
}

bool Fact::meet(const Fact &O) {
  Lo = std::max(Lo, O.Lo);
  Hi = std::min(Hi, O.Hi);
  // Both excluded points count: 'c != A' then 'c != B' over a small range
  // may leave nothing. A point at a bound moves the bound, which may bring
  // the other point to it; one interior point is kept.
  std::optional<int64_t> Points[2] = {Ne, O.Ne};
  Ne.reset();
  for (bool Moved = true; Moved;) {
    Moved = false;
    if (Lo > Hi)
      return false;
    for (std::optional<int64_t> &P : Points) {
      if (!P)
        continue;
      if (*P < Lo || *P > Hi) {
        P.reset();
      } else if (*P == Lo || *P == Hi) {
        if (Lo == Hi)
          return false;
        *P == Lo ? ++Lo : --Hi;
        P.reset();
        Moved = true;
      }
    }
  }
  Ne = Points[0] ? Points[0] : Points[1];
  return true;
}

bool Fact::oneOf(llvm::ArrayRef<int64_t> Sorted) {
  std::optional<int64_t> First, Last;
  for (int64_t V : Sorted) {
    if (V < Lo || V > Hi || (Ne && V == *Ne))
      continue;
    if (!First)
      First = V;
    Last = V;
  }
  if (!First)
    return false;
  Lo = *First;
  Hi = *Last;
  if (Ne && (*Ne <= Lo || *Ne >= Hi))
    Ne.reset();
  return true;
}
