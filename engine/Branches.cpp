//===- Branches.cpp - Path facts and branch pruning ----------------------===//
//
// Which branch outcomes a path can take, from the facts it carries.
//
//===----------------------------------------------------------------------===//

#include "FunctionAnalysis.h"
#include "clang/AST/ExprCXX.h"
#include "clang/Analysis/CFG.h"
#include "clang/Basic/Builtins.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"

using namespace clang;
using namespace custody;
using namespace custody::impl;

//===----------------------------------------------------------------------===//
// Branches
//===----------------------------------------------------------------------===//

FunctionAnalysis::Subject FunctionAnalysis::subjectOf(const PathState &St,
                                                      const Expr *E) const {
  E = strip(E);
  Subject S;
  if ((S.Var = localVar(E)))
    return S;
  // A global this function gave a value the path still knows.
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
    if (const auto *G = dyn_cast<VarDecl>(DRE->getDecl());
        G && G->hasGlobalStorage() && St.Facts.Vars.lookup(G)) {
      S.Var = G;
      return S;
    }
  if (const auto *ME = dyn_cast<MemberExpr>(E)) {
    // A field of a local or parameter, or of 'this' (a null base).
    const VarDecl *Base = localVar(ME->getBase());
    if ((Base || isa<CXXThisExpr>(strip(ME->getBase()))) &&
        ME->getType()->isScalarType())
      S.Member = PathState::MemberKey{Base, ME->getMemberDecl()};
    return S;
  }
  // A fixed slot of a local array ('fds[0]').
  if (const auto *AS = dyn_cast<ArraySubscriptExpr>(E)) {
    const auto *Base = dyn_cast<DeclRefExpr>(strip(AS->getBase()));
    const VarDecl *VD = Base ? localVar(Base) : nullptr;
    if (VD && VD->getType()->isArrayType() && AS->getType()->isScalarType())
      if (std::optional<int64_t> I = constant(AS->getIdx()); I && *I >= 0) {
        S.Member = PathState::MemberKey{VD, nullptr, *I};
        return S;
      }
  }
  if (const auto *BO = dyn_cast<BinaryOperator>(E)) {
    if (BO->getOpcode() == BO_Assign) {
      // '(g = f())' tested: what is known of g, else of what was stored.
      Subject L = subjectOf(St, BO->getLHS());
      return L ? L : subjectOf(St, BO->getRHS());
    }
    if (BO->getOpcode() == BO_Comma)
      return subjectOf(St, BO->getRHS());
  }
  if (St.Facts.Exprs.count(E) || St.ExprVals.count(E))
    S.E = E;
  return S;
}

const Fact *FunctionAnalysis::factOf(const PathState &St, const Expr *E) const {
  if (const auto *CO = dyn_cast_or_null<ConditionalOperator>(strip(E))) {
    // The arm this path evaluated, as for its value.
    const Fact *T = factOf(St, CO->getTrueExpr());
    const Fact *F = factOf(St, CO->getFalseExpr());
    bool TE = St.Facts.Exprs.count(strip(CO->getTrueExpr()));
    bool FE = St.Facts.Exprs.count(strip(CO->getFalseExpr()));
    if (TE != FE)
      return TE ? T : F;
    return nullptr;
  }
  Subject S = subjectOf(St, E);
  if (S.Var) {
    return St.Facts.Vars.lookup(S.Var);
  }
  if (S.Member) {
    auto It = St.Facts.Members.find(*S.Member);
    return It == St.Facts.Members.end() ? nullptr : &It->second;
  }
  if (S.E) {
    auto It = St.Facts.Exprs.find(S.E);
    return It == St.Facts.Exprs.end() ? nullptr : &It->second;
  }
  return nullptr;
}

static std::optional<Condition::OpKind> compareOp(BinaryOperatorKind K) {
  switch (K) {
  case BO_EQ:
    return Condition::EQ;
  case BO_NE:
    return Condition::NE;
  case BO_LT:
    return Condition::LT;
  case BO_LE:
    return Condition::LE;
  case BO_GT:
    return Condition::GT;
  case BO_GE:
    return Condition::GE;
  default:
    return std::nullopt;
  }
}

static Condition::OpKind mirror(Condition::OpKind Op) {
  switch (Op) {
  case Condition::LT:
    return Condition::GT;
  case Condition::LE:
    return Condition::GE;
  case Condition::GT:
    return Condition::LT;
  case Condition::GE:
    return Condition::LE;
  default:
    return Op;
  }
}

/// Restricts St to the paths where Cond has the value Truth. Returns false if
/// there are none. Only subjects the analysis already knows something about
/// get new facts, so unrelated branches do not multiply states.
bool FunctionAnalysis::assume(PathState &St, const Expr *Cond, bool Truth,
                              const Stmt *Term) {
  Cond = strip(Cond);
  // 'likely(x)' and 'unlikely(x)': __builtin_expect(x, c) is x.
  if (const auto *CE = dyn_cast<CallExpr>(Cond))
    if (unsigned ID = CE->getBuiltinCallee();
        (ID == Builtin::BI__builtin_expect ||
         ID == Builtin::BI__builtin_expect_with_probability) &&
        CE->getNumArgs() >= 1)
      return assume(St, CE->getArg(0), Truth, Term);
  if (const auto *UO = dyn_cast<UnaryOperator>(Cond))
    if (UO->getOpcode() == UO_LNot)
      return assume(St, UO->getSubExpr(), !Truth, Term);
  // 'if (!h)' of an RAII object or view: whether it holds anything.
  if (const auto *MCE = dyn_cast<CXXMemberCallExpr>(Cond))
    if (isa_and_nonnull<CXXConversionDecl>(MCE->getMethodDecl()) &&
        MCE->getType()->isBooleanType())
      if (const Expr *Obj = MCE->getImplicitObjectArgument();
          Obj && TU.wrapperOf(objectExpr(Obj)->getType()))
        return assume(St, objectExpr(Obj), Truth, Term);
  if (const auto *BO = dyn_cast<BinaryOperator>(Cond)) {
    // Its short-circuit already decided it (carried from that branch).
    if (BO->isLogicalOp())
      if (auto It = St.Facts.Exprs.find(BO); It != St.Facts.Exprs.end())
        return !It->second.isZero() == Truth;
    if (BO->isLogicalOp() && Term && BO != Term)
      // The block holding the right operand: the left one was decided in
      // an earlier block.
      return assume(St, BO->getRHS(), Truth, Term);
    if (BO->isLogicalOp() && !Term) {
      // A whole '&&' or '||' outside a branch: refine only when every
      // operand must have the same truth.
      bool And = BO->getOpcode() == BO_LAnd;
      if (And == Truth)
        return assume(St, BO->getLHS(), Truth, nullptr) &&
               assume(St, BO->getRHS(), Truth, nullptr);
      PathState L = St, R = St;
      return assume(L, BO->getLHS(), Truth, nullptr) ||
             assume(R, BO->getRHS(), Truth, nullptr);
    }
    if (BO->getOpcode() == BO_Comma)
      return assume(St, BO->getRHS(), Truth, Term);
  }
  if (std::optional<int64_t> C = constant(Cond))
    return (*C != 0) == Truth;
  if (std::optional<bool> T = typeTest(St, Cond))
    return *T == Truth;

  const Expr *Subject = Cond;
  Condition C{Condition::NE, 0};
  if (const auto *BO = dyn_cast<BinaryOperator>(Cond)) {
    if (std::optional<Condition::OpKind> Op = compareOp(BO->getOpcode())) {
      std::optional<int64_t> R = constant(BO->getRHS());
      std::optional<int64_t> L = constant(BO->getLHS());
      if (R && !L) {
        Subject = BO->getLHS();
        C = {*Op, *R};
      } else if (L && !R) {
        Subject = BO->getRHS();
        C = {mirror(*Op), *L};
      } else {
        return true;
      }
    }
  }
  if (!Truth)
    C = C.negate();
  return assumeCompare(St, Subject, C);
}

std::optional<bool> FunctionAnalysis::typeTest(const PathState &St,
                                               const Expr *Cond) {
  const FunctionContract *FC = nullptr;
  const Expr *Arg = nullptr;
  if (const auto *CE = dyn_cast<CallExpr>(Cond);
      CE && CE->getDirectCallee() && CE->getNumArgs() >= 1) {
    FC = TU.namedContract(CE->getDirectCallee());
    Arg = CE->getArg(0);
  }
  const SourceManager &SM = TU.Ctx.getSourceManager();
  SourceLocation L = Cond->getBeginLoc();
  if ((!FC || FC->TestsType.empty()) && L.isMacroID() &&
      SM.getExpansionRange(L).getAsRange() ==
          SM.getExpansionRange(Cond->getEndLoc()).getAsRange()) {
    // A macro the code wrote ('PyUnicode_Check(v)'), and the condition is
    // all of its expansion: the outermost macro of the chain.
    llvm::StringRef Macro;
    for (SourceLocation M = L; M.isMacroID();
         M = SM.getImmediateMacroCallerLoc(M))
      if (!SM.isMacroArgExpansion(M))
        Macro = Lexer::getImmediateMacroName(M, SM, TU.Ctx.getLangOpts());
    FC = Macro.empty() ? nullptr : TU.Contracts.lookup(Macro);
    // Its argument: the variable written in it.
    Arg = FC && !FC->TestsType.empty()
              ? macroArgument(Cond, SM,
                              [](const DeclRefExpr *DRE) {
                                return isa<VarDecl>(DRE->getDecl());
                              })
              : nullptr;
  }
  if (!FC || FC->TestsType.empty() || !Arg)
    return std::nullopt;
  std::optional<ValueKey> K = valueOf(St, Arg);
  const Value *V = K ? St.value(*K) : nullptr;
  // Only a value the call made: a failed call's NULL is no object.
  if (!V || V->St == VState::NotAcquired)
    return std::nullopt;
  if (resultTypeOf(*V) != FC->TestsType)
    return std::nullopt;
  return true;
}

llvm::StringRef FunctionAnalysis::resultTypeOf(const Value &V) {
  const auto *Made = dyn_cast_or_null<CallExpr>(V.AcqStmt);
  const FunctionContract *FC =
      Made && V.AcqArg < 0 ? TU.contractFor(Made->getDirectCallee(), Depth)
                           : nullptr;
  return FC ? llvm::StringRef(FC->ResultType) : llvm::StringRef();
}

std::optional<bool> FunctionAnalysis::truthOf(const PathState &St,
                                              const Expr *Cond) {
  const Expr *S = strip(Cond);
  bool Boolean = isa<UnaryOperator>(S) || isa<BinaryOperator>(S);
  if (const auto *UO = dyn_cast<UnaryOperator>(S))
    Boolean = UO->getOpcode() == UO_LNot;
  if (const auto *BO = dyn_cast<BinaryOperator>(S))
    Boolean = BO->isComparisonOp() || BO->isLogicalOp();
  if (!Boolean)
    return std::nullopt;
  PathState T = St, F = St;
  bool CanBeTrue = assume(T, Cond, true, nullptr);
  bool CanBeFalse = assume(F, Cond, false, nullptr);
  if (CanBeTrue != CanBeFalse)
    return CanBeTrue;
  return std::nullopt;
}

bool FunctionAnalysis::assumeSwitchCase(PathState &St, const SwitchStmt *SW,
                                        const CFGBlock *Target) {
  const Stmt *Label = Target->getLabel();
  if (const auto *CS = dyn_cast_or_null<CaseStmt>(Label)) {
    if (CS->getRHS())
      return true; // A GNU case range: not narrowed.
    if (std::optional<int64_t> K = constant(CS->getLHS()))
      return assumeCompare(St, SW->getCond(), {Condition::EQ, *K});
    return true;
  }
  // The default label, or past the switch when there is none: every case
  // value is excluded.
  bool IsDefault = isa_and_nonnull<DefaultStmt>(Label);
  if (!IsDefault) {
    for (const SwitchCase *C = SW->getSwitchCaseList(); C;
         C = C->getNextSwitchCase())
      if (isa<DefaultStmt>(C))
        return true; // Some other successor: a plain fall-through.
  }
  for (const SwitchCase *C = SW->getSwitchCaseList(); C;
       C = C->getNextSwitchCase())
    if (const auto *CS = dyn_cast<CaseStmt>(C))
      if (!CS->getRHS())
        if (std::optional<int64_t> K = constant(CS->getLHS()))
          if (!assumeCompare(St, SW->getCond(), {Condition::NE, *K}))
            return false;
  return true;
}

/// The values of an enum whose variables hold only its enumerators; none
/// for a flag enum, whose variables also hold their combinations.
static std::optional<llvm::SmallVector<int64_t, 8>>
enumeratorValues(QualType T) {
  const auto *ET = T->getAs<EnumType>();
  const EnumDecl *ED = ET ? ET->getDecl()->getDefinition() : nullptr;
  if (!ED || ED->hasAttr<FlagEnumAttr>() || ED->enumerators().empty())
    return std::nullopt;
  llvm::SmallVector<int64_t, 8> Values;
  bool AllBits = true;
  for (const EnumConstantDecl *K : ED->enumerators()) {
    const llvm::APSInt &V = K->getInitVal();
    if (V.getSignificantBits() > 64)
      return std::nullopt;
    int64_t X = V.isSigned() ? V.getExtValue() : int64_t(V.getZExtValue());
    AllBits &= X == 0 || (X > 0 && llvm::isPowerOf2_64(uint64_t(X)));
    Values.push_back(X);
  }
  llvm::sort(Values);
  Values.erase(std::unique(Values.begin(), Values.end()), Values.end());
  // Powers of two beyond 1, 2: most likely bits that are or'ed together.
  if (AllBits && Values.back() > 2)
    return std::nullopt;
  return Values;
}

bool FunctionAnalysis::assumeCompare(PathState &St, const Expr *SubjectExpr,
                                     Condition C) {
  // A global found null holds no local reference on this path; one found
  // set holds it.
  const Expr *Tested = strip(SubjectExpr);
  // '(g = f())' tests what it stored in g.
  if (const auto *BO = dyn_cast_or_null<BinaryOperator>(Tested))
    if (BO->getOpcode() == BO_Assign)
      Tested = BO->getLHS();
  if (!St.StoredFreedOnReturn.empty())
    if (const Decl *D = declOf(Tested)) {
      auto It = St.StoredFreedOnReturn.find(D);
      Fact Zero = Fact::exactly(0);
      if (It != St.StoredFreedOnReturn.end()) {
        if (Fact::of(C).isZero())
          St.StoredFreedOnReturn.erase(It);
        else if (!Zero.meet(Fact::of(C)))
          It->second.Confirmed = true;
      }
    }
  Subject Subj = subjectOf(St, SubjectExpr);
  if (!Subj) {
    // A global or field found null holds nothing on this path.
    if (!St.Places.empty() && Fact::of(C).isZero())
      if (std::optional<ValueKey> B = valueOf(St, SubjectExpr)) {
        const Value *V = St.value(*B);
        if (V && V->St == VState::Owned)
          St.updateValue(*B, [](Value &X) { X.St = VState::Escaped; });
      }
    return true;
  }
  std::optional<ValueKey> Bound = valueOf(St, SubjectExpr);
  const Fact *Known = factOf(St, SubjectExpr);
  // A local scalar tested against a constant is remembered even when
  // nothing was known of it: 'if (mode == A) ...; if (mode == B) ...' then
  // cannot take both branches.
  bool Scalar =
      (Subj.Var && Subj.Var->getType()->isScalarType()) || Subj.Member;
  if (!Known && !Bound && !Scalar)
    return true;
  Fact F = Known ? *Known : Fact();
  if (!F.meet(Fact::of(C)))
    return false;
  // An enum holds one of its enumerators: a chain of 'else if (c == K)'
  // over all of them leaves no path past its end.
  if (std::optional<llvm::SmallVector<int64_t, 8>> Values =
          enumeratorValues(strip(SubjectExpr)->getType()))
    if (!F.oneOf(*Values))
      return false;
  if (Known && Known->Assumed)
    seeFailures(St);
  F.Assumed = false; // The code tested it.
  if (Subj.Var)
    St.Facts.Vars.set(Subj.Var, F);
  else if (Subj.Member)
    St.Facts.Members[*Subj.Member] = F;
  else
    St.Facts.Exprs[Subj.E] = F;
  // A tracked pointer known to be null on this path holds nothing, and
  // has no fields.
  if (Bound && F.isZero()) {
    const Value *V = St.value(*Bound);
    std::optional<Value> Was;
    if (V)
      Was = *V; // V does not outlive the update.
    if (V && (V->St == VState::Owned || V->St == VState::Borrowed ||
              (V->FieldEntry && V->St != VState::Released)))
      St.updateValue(*Bound, [](Value &X) { X.St = VState::Escaped; });
    forgetPlacesRootedAt(St, *Bound);
    if (Was)
      assumeNullsWith(St, *Was);
  }
  return true;
}

/// The code tests a call's status: what a failed call did not make is
/// known not to be there from now on.
void FunctionAnalysis::seeFailures(PathState &St) {
  llvm::SmallVector<ValueKey, 4> Unseen;
  for (const auto &[K, V] : St.Vals)
    if (V.St == VState::NotAcquired && !V.FailureSeen)
      Unseen.push_back(K);
  for (ValueKey K : Unseen)
    St.updateValue(K, [](Value &X) { X.FailureSeen = true; });
}

/// Out-parameters of the call that made V that are null whenever V is
/// ('null_with' in a contract) hold nothing either.
void FunctionAnalysis::assumeNullsWith(PathState &St, const Value &V) {
  const auto *CE = dyn_cast_or_null<CallExpr>(V.AcqStmt);
  if (!CE || V.AcqArg < 0 || !CE->getDirectCallee())
    return;
  const FunctionContract *FC = TU.namedContract(CE->getDirectCallee());
  if (!FC || llvm::none_of(FC->Args, [&](const auto &A) {
        return A.second.NullWith == V.AcqArg;
      }))
    return;
  llvm::SmallVector<ValueKey, 4> Follow;
  for (const auto &[K, W] : St.Vals)
    if (W.AcqStmt == CE && W.AcqArg >= 0 && W.St == VState::Owned) {
      auto It = FC->Args.find(unsigned(W.AcqArg));
      if (It != FC->Args.end() && It->second.NullWith == V.AcqArg)
        Follow.push_back(K);
    }
  for (ValueKey K : Follow)
    St.updateValue(K, [](Value &X) { X.St = VState::Escaped; });
}
