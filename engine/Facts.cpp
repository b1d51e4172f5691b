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
  if (!Ne)
    Ne = O.Ne; // Keeping one excluded point is enough for our conditions.
  if (Lo > Hi)
    return false;
  if (Ne) {
    if (*Ne == Lo && Lo == Hi)
      return false;
    if (*Ne == Lo)
      ++Lo, Ne.reset();
    else if (*Ne == Hi)
      --Hi, Ne.reset();
    else if (*Ne < Lo || *Ne > Hi)
      Ne.reset();
  }
  return true;
}
