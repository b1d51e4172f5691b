//===- Values.cpp - Tracked values, their typestate and findings ---------===//
//
// Binding variables to values, releasing and using them, and turning what
// goes wrong into findings with path notes.
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

SourceLocation FunctionAnalysis::locOf(const Stmt *S) const {
  SourceLocation L = S->getBeginLoc();
  if (const auto *CE = dyn_cast<CallExpr>(S))
    if (const Expr *Callee = CE->getCallee())
      L = Callee->getBeginLoc();
  return TU.Ctx.getSourceManager().getExpansionLoc(L);
}

std::optional<int64_t> FunctionAnalysis::constant(const Expr *E) const {
  E = E->IgnoreParenCasts();
  if (E->isValueDependent() || E->isTypeDependent())
    return std::nullopt;
  if (E->isNullPointerConstant(TU.Ctx, Expr::NPC_ValueDependentIsNotNull))
    return 0;
  Expr::EvalResult R;
  if (E->getType()->isIntegralOrEnumerationType() &&
      E->EvaluateAsInt(R, TU.Ctx))
    return R.Val.getInt().getExtValue();
  return std::nullopt;
}

std::optional<ValueKey> FunctionAnalysis::valueOf(const PathState &St,
                                                  const Expr *E) const {
  if (!E)
    return std::nullopt;
  E = strip(E);
  if (const auto *UO = dyn_cast<UnaryOperator>(E))
    if (UO->getOpcode() == UO_AddrOf)
      E = strip(UO->getSubExpr());
  if (const VarDecl *VD = localVar(E)) {
    if (const ValueKey *K = St.Bind.lookup(VD))
      return *K;
    return std::nullopt;
  }
  if (!St.Places.empty() && isa<MemberExpr, DeclRefExpr, ArraySubscriptExpr>(E))
    if (std::optional<PlaceKey> P = placeOf(St, E))
      if (const ValueKey *K = St.Places.lookup(*P))
        return *K;
  if (const auto *BO = dyn_cast<BinaryOperator>(E))
    if (BO->getOpcode() == BO_Assign || BO->getOpcode() == BO_Comma)
      return valueOf(St, BO->getOpcode() == BO_Assign ? BO->getLHS()
                                                      : BO->getRHS());
  if (const auto *CO = dyn_cast<ConditionalOperator>(E)) {
    // The arm this path took: the one whose result this path computed
    // (only the arm taken is evaluated), or the one its facts decide.
    auto Computed = [&](const Expr *Arm) -> const ValueKey * {
      auto It = St.ExprVals.find(strip(Arm));
      return It == St.ExprVals.end() ? nullptr : &It->second;
    };
    const ValueKey *TV = Computed(CO->getTrueExpr());
    const ValueKey *FV = Computed(CO->getFalseExpr());
    if (TV && !FV)
      return *TV;
    if (FV && !TV)
      return *FV;
    std::optional<bool> T =
        const_cast<FunctionAnalysis *>(this)->truthOf(St, CO->getCond());
    if (!T)
      return std::nullopt;
    return valueOf(St, *T ? CO->getTrueExpr() : CO->getFalseExpr());
  }
  auto It = St.ExprVals.find(E);
  if (It != St.ExprVals.end())
    return It->second;
  return std::nullopt;
}

std::optional<PlaceKey> FunctionAnalysis::placeOf(const PathState &St,
                                                  const Expr *E) const {
  E = strip(E);
  // A fixed slot of an array field or variable ('s->refs[2]').
  if (const auto *AS = dyn_cast<ArraySubscriptExpr>(E)) {
    const Expr *Base = strip(AS->getBase());
    std::optional<int64_t> I = constant(AS->getIdx());
    if (!I || *I < 0 || !Base->getType()->isArrayType())
      return std::nullopt;
    std::optional<PlaceKey> P;
    if (const auto *DRE = dyn_cast<DeclRefExpr>(Base)) {
      if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
        P = PlaceKey{{VD->getCanonicalDecl(), PlaceKey::DeclRoot}, TU.path({})};
    } else if (isa<MemberExpr>(Base)) {
      P = placeOf(St, Base);
    }
    if (!P || P->Slot >= 0)
      return std::nullopt;
    P->Slot = *I;
    return P;
  }
  FieldPath Fields;
  while (const auto *ME = dyn_cast<MemberExpr>(E)) {
    const auto *F = dyn_cast<FieldDecl>(ME->getMemberDecl());
    if (!F)
      return std::nullopt;
    Fields.insert(Fields.begin(), F);
    const Expr *Base = strip(ME->getBase());
    if (!ME->isArrow()) {
      E = Base;
      continue;
    }
    if (isa<CXXThisExpr>(Base))
      return PlaceKey{{FD->getCanonicalDecl(), PlaceKey::ThisRoot},
                      TU.path(std::move(Fields))};
    if (std::optional<ValueKey> K = valueOf(St, Base))
      return PlaceKey{*K, TU.path(std::move(Fields))};
    if (const auto *DRE = dyn_cast<DeclRefExpr>(Base))
      if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
        if (!VD->getType()->isReferenceType())
          return PlaceKey{{VD->getCanonicalDecl(), PlaceKey::DeclRoot},
                          TU.path(std::move(Fields))};
    return std::nullopt;
  }
  // The end of a '.' chain, or a global itself.
  const auto *DRE = dyn_cast<DeclRefExpr>(E);
  const auto *VD = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
  if (!VD || VD->getType()->isReferenceType() ||
      (Fields.empty() && !VD->hasGlobalStorage()))
    return std::nullopt;
  if (!Fields.empty() && VD->getType()->isPointerType())
    return std::nullopt;
  return PlaceKey{{VD->getCanonicalDecl(), PlaceKey::DeclRoot},
                  TU.path(std::move(Fields))};
}

std::optional<ValueKey> FunctionAnalysis::rootOf(const PathState &St,
                                                 const Expr *A) const {
  const Expr *E = strip(A);
  if (const auto *UO = dyn_cast<UnaryOperator>(E))
    if (UO->getOpcode() == UO_AddrOf) {
      // '&s' of a struct variable: its fields; '&p->f': the place itself.
      E = strip(UO->getSubExpr());
      if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
        if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
          return ValueKey{VD->getCanonicalDecl(), PlaceKey::DeclRoot};
      return std::nullopt;
    }
  if (isa<CXXThisExpr>(E))
    return ValueKey{FD->getCanonicalDecl(), PlaceKey::ThisRoot};
  if (std::optional<ValueKey> K = valueOf(St, E))
    return K;
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
    if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
      return ValueKey{VD->getCanonicalDecl(), PlaceKey::DeclRoot};
  return std::nullopt;
}

std::string FunctionAnalysis::sourceText(const Expr *E) const {
  const SourceManager &SM = TU.Ctx.getSourceManager();
  CharSourceRange R = CharSourceRange::getTokenRange(
      SM.getExpansionRange(E->getSourceRange()).getAsRange());
  std::string Text = Lexer::getSourceText(R, SM, TU.Ctx.getLangOpts()).str();
  if (Text.size() > 60 || Text.find('\n') != std::string::npos)
    Text.clear();
  return Text;
}

std::string FunctionAnalysis::varName(const PathState &St, ValueKey K) const {
  // A variable that still holds the value, the first declared if several:
  // the name the value last had may belong to a variable since rebound.
  const VarDecl *Best = nullptr;
  for (const auto &[VD, BK] : St.Bind)
    if (BK == K && VD->getIdentifier() &&
        (!Best || VD->getLocation() < Best->getLocation()))
      Best = VD;
  if (Best)
    return "'" + Best->getName().str() + "'";
  const Value *V = St.value(K);
  if (V && !V->Name.empty())
    return "'" + V->Name.str() + "'";
  if (V)
    return "the result of '" + V->AcqFn.str() + "'";
  return "the value";
}

ValueKey FunctionAnalysis::newValue(PathState &St, const void *Site, Value V) {
  unsigned Gen = 0;
  while (St.Vals.count({Site, Gen}))
    ++Gen;
  ValueKey K{Site, Gen};
  if (V.Region || V.Interior || (V.Res && V.Res->Critical))
    St.Special.set(K, 1);
  St.setValue(K, V);
  St.MaybeGarbage.push_back(K);
  return K;
}

/// The check a finding about resource R is reported under: its contract's
/// check family if it has one.
static FindingKind specialize(FindingKind K, llvm::StringRef Family) {
  if (Family.empty())
    return K;
#define CUSTODY_DOMAIN_CHECK(Domain, Generic, Specific)                        \
  if (Family == Domain && K == FindingKind::Generic)                           \
    return FindingKind::Specific;
#include "Checks.def"
  return K;
}

void FunctionAnalysis::report(FindingKind K, const Resource *R,
                              SourceLocation Loc, const void *Site,
                              std::string Msg, std::vector<Note> Notes) {
  report(K, R ? llvm::StringRef(R->Checks) : "", Loc, Site, std::move(Msg),
         std::move(Notes));
}

void FunctionAnalysis::report(FindingKind K, llvm::StringRef Family,
                              SourceLocation Loc, const void *Site,
                              std::string Msg, std::vector<Note> Notes) {
  // A destroy function's second walk reports only what its owning fields
  // held; the first walk reported the rest.
  if (Destroy && K != FindingKind::FieldLeak)
    return;
  // One finding per acquisition site and kind for leaks; per place otherwise.
  unsigned Raw = K == FindingKind::ResourceLeak ? 0 : Loc.getRawEncoding();
  K = specialize(K, Family);
  auto Key = std::make_tuple(K, Raw, Site);
  if (Found.count(Key))
    return;
  Found[Key] = Finding{K, Loc, std::move(Msg), std::move(Notes)};
}

Note FunctionAnalysis::noteText(const PathNote &N) const {
  const SourceManager &SM = TU.Ctx.getSourceManager();
  if (N.Kind == PathNote::Said)
    return {locOf(N.S), N.Fn.str()};
  if (N.Kind == PathNote::CallFails) {
    std::string Msg = "assuming '" + N.Fn.str() + "' fails";
    Msg += N.FC && N.FC->Failure
               ? " (its result is " + N.FC->Failure->str() + ")"
           : N.FC && N.FC->Success
               ? " (its result is " + N.FC->Success->negate().str() + ")"
               : std::string(" (returns null)");
    return {locOf(N.S), Msg};
  }
  std::string Text = Lexer::getSourceText(
                         CharSourceRange::getTokenRange(N.S->getSourceRange()),
                         SM, TU.Ctx.getLangOpts())
                         .str();
  Text = Text.size() > 60 || Text.empty() ? "the condition" : "'" + Text + "'";
  return {SM.getExpansionLoc(N.S->getBeginLoc()),
          "assuming " + Text + " is " + (N.Truth ? "true" : "false")};
}

std::vector<Note> FunctionAnalysis::pathNotes(const PathState &St,
                                              const Value &V,
                                              unsigned MaxBranchNotes) const {
  std::vector<Note> Out;
  if (V.AcqLoc.isValid()) {
    std::string Msg;
    if (V.St == VState::Param)
      Msg = "received here as a parameter";
    else if (V.LockToken)
      Msg = "the " + lockName(V) +
            (V.LockToken == 1 ? " is taken here by '"
                              : " is given up here by '") +
            V.AcqFn.str() + "'";
    else if (V.Region && (V.St == VState::Borrowed || V.WasBorrowed))
      Msg = "'" + V.AcqFn.str() + "' finds a " + describe(V) +
            " already open here";
    else if (V.Region && V.St != VState::NotAcquired)
      Msg = describe(V) + " opened here by '" + V.AcqFn.str() + "'";
    else if (V.Interior && !V.Res)
      Msg = "'" + V.AcqFn.str() + "' returns here a pointer into " +
            (V.OwnerName.empty() ? std::string("its argument's storage")
                                 : "'" + V.OwnerName.str() + "'") +
            ", valid while that is";
    else if (V.St == VState::Borrowed || V.WasBorrowed)
      Msg = describe(V) + " borrowed here from '" + V.AcqFn.str() +
            "'; the contract does not make the caller its owner";
    else if (V.St == VState::NotAcquired)
      Msg = "'" + V.AcqFn.str() + "' fails here, so it does not acquire the " +
            describe(V);
    else {
      Msg = describe(V) + " acquired here";
      if (V.AcqArg >= 0)
        Msg += " through argument " + std::to_string(V.AcqArg) + " of '" +
               V.AcqFn.str() + "'";
      else
        Msg += " from '" + V.AcqFn.str() + "'";
      if (V.Res && !V.Res->Releasers.empty() && V.St != VState::Borrowed) {
        Msg += "; the contract says ";
        for (size_t I = 0; I < V.Res->Releasers.size(); ++I)
          Msg +=
              (I ? (I + 1 == V.Res->Releasers.size() ? " or '" : ", '") : "'") +
              V.Res->Releasers[I] + "'";
        Msg += " releases it";
      }
    }
    Out.push_back({V.AcqLoc, Msg});
  }
  std::vector<const PathNote *> Steps;
  for (const PathNote *N = St.Notes.get();
       N && N->Seq > V.AcqSeq && Steps.size() < MaxBranchNotes;
       N = N->Prev.get())
    Steps.push_back(N);
  for (auto It = Steps.rbegin(); It != Steps.rend(); ++It)
    Out.push_back(noteText(**It));
  return Out;
}

/// Drops one reference to K (a variable rebound, or a temporary consumed).
/// If that was the last one and the value is still owned, it leaks here.
void FunctionAnalysis::reportLeak(PathState &St, ValueKey K, const Value &V,
                                  SourceLocation At, std::string Msg) {
  // The same variable leaking at the same place is one bug, whichever
  // acquisition (malloc before the loop, realloc inside it) it held last.
  std::string Who = varName(St, K);
  if (!LeakPlaces.insert({At.getRawEncoding(), Who}).second)
    return;
  report(FindingKind::ResourceLeak, V.Res, At, K.first, Msg,
         pathNotes(St, V, 3));
}

void FunctionAnalysis::dropValueRef(PathState &St, ValueKey K, const Stmt *At,
                                    Lost How, llvm::StringRef VarName) {
  const Value *Held = St.value(K);
  if (!Held || St.holders(K))
    return;
  Value V = *Held;
  if (V.St == VState::Owned && V.Refs < Value::MaxRefs && At) {
    if (!VarName.empty()) {
      V.Name = VarName;
      St.setValue(K, V); // The message names it.
    }
    // A value the runtime frees on return only piles up in a loop.
    SourceLocation Loc =
        How == Lost::Overwritten ? locOf(At) : scopeExitLoc(At);
    bool Reported = !V.Res || !V.Res->FreedOnReturn;
    if (!Reported && !inOpenFrame(St, V) &&
        pilingLoop(V.AcqStmt, At, How == Lost::Overwritten))
      Reported = true;
    else if (!Reported && leaksAtExit(St, V)) {
      Reported = true;
      How = Lost::ForGood;
    }
    if (Reported)
      reportLeak(St, K, V, Loc, leakMessage(St, K, V, How));
  }
  St.eraseValue(K);
  for (auto EI = St.ExprVals.begin(); EI != St.ExprVals.end();)
    EI = EI->second == K ? St.ExprVals.erase(EI) : std::next(EI);
  // Nothing reaches the object any more, nor its fields.
  forgetPlacesRootedAt(St, K);
}

SourceLocation FunctionAnalysis::scopeExitLoc(const Stmt *Trigger) const {
  const SourceManager &SM = TU.Ctx.getSourceManager();
  if (const auto *CS = dyn_cast<CompoundStmt>(Trigger))
    return SM.getExpansionLoc(CS->getRBracLoc());
  if (isa<ReturnStmt, ContinueStmt, BreakStmt, GotoStmt, CXXThrowExpr>(Trigger))
    return SM.getExpansionLoc(Trigger->getBeginLoc());
  return SM.getExpansionLoc(Trigger->getEndLoc());
}

void FunctionAnalysis::bindVar(PathState &St, const VarDecl *VD,
                               std::optional<ValueKey> V, std::optional<Fact> F,
                               const Stmt *At) {
  std::optional<ValueKey> Old;
  St.Facts.forgetMembers(VD);
  // Fields reached through what VD held before are not reached any more.
  if (!St.Places.empty())
    forgetPlacesRootedAt(St, {VD->getCanonicalDecl(), PlaceKey::DeclRoot});
  if (const ValueKey *B = St.Bind.lookup(VD))
    Old = *B;
  if (V) {
    St.bind(VD, *V);
    if (const Value *Val = St.value(*V)) {
      Value NewV = *Val;
      if (VD->getIdentifier())
        NewV.Name = VD->getName();
      // __attribute__((cleanup(f))): f runs at scope exit and owns it.
      if (NewV.St == VState::Owned && VD->hasAttr<CleanupAttr>())
        NewV.St = VState::Escaped;
      St.setValue(*V, NewV);
    }
  } else {
    St.unbind(VD);
  }
  if (F)
    St.Facts.Vars.set(VD, *F);
  else
    St.Facts.Vars.erase(VD);
  if (Old && Old != V)
    dropValueRef(St, *Old, At, Lost::Overwritten, VD->getName());
}

void FunctionAnalysis::forget(PathState &St, const VarDecl *VD) {
  St.Facts.Vars.erase(VD);
  const ValueKey *B = St.Bind.lookup(VD);
  if (!B)
    return;
  ValueKey K = *B;
  St.unbind(VD);
  const Value *V = St.value(K);
  if (V && V->St == VState::Owned && !St.holders(K))
    St.updateValue(K, [](Value &X) { X.St = VState::Escaped; });
}

/// How a released or handed-over value went: "it was released by 'free'",
/// "its ownership moved into 'g'".
static std::string howGone(const Value &V, bool Already) {
  return (V.St == VState::Released
              ? std::string(Already ? "it was already released by '"
                                    : "it was released by '")
              : std::string("its ownership moved into '")) +
         V.ReleaseFn.str() + "'";
}

static Note goneNote(const Value &V, bool First) {
  if (V.St != VState::Released)
    return {V.ReleaseLoc, "ownership moved here"};
  return {V.ReleaseLoc, First ? "first released here" : "released here"};
}

void FunctionAnalysis::checkReturnOwned(PathState &St, const Expr *RV,
                                        const ReturnStmt *RS) {
  auto It = TU.MustReturnOwned.find(FD->getCanonicalDecl());
  if (It == TU.MustReturnOwned.end())
    return;
  const ReturnObligation &O = It->second;
  if (std::optional<int64_t> C = constant(RV); C && *C == 0)
    return; // NULL: the error return.
  const Resource *R = O.Res;
  std::string What;
  std::vector<Note> Notes;
  if (std::optional<ValueKey> K = valueOf(St, RV)) {
    const Value *VP = St.value(*K);
    if (!VP)
      return;
    const Value &V = *VP;
    if (heldOnlyByWrappers(St, *K, RV)) {
      What = "'" + sourceText(RV) + "' is still owned by an RAII object " +
             "that releases it when '" + FD->getNameAsString() + "' returns";
      Notes = pathNotes(St, V, 0);
      if (V.Res)
        R = V.Res;
    } else if (V.St == VState::Borrowed) {
      What = localVar(RV) ? nameAt(St, *K, RV) + " is borrowed from '" +
                                V.AcqFn.str() + "'"
                          : "the result of '" + V.AcqFn.str() + "' is borrowed";
      Notes = pathNotes(St, V, 0);
      if (V.Res)
        R = V.Res;
    } else if (V.St == VState::Param) {
      What = nameAt(St, *K, RV) +
             " is a parameter, returned without a reference of its own";
    } else {
      return;
    }
  } else if (const VarDecl *G = globalOf(RV)) {
    auto GI = St.RetainedGlobals.find(G);
    if (GI != St.RetainedGlobals.end() && GI->second > 0) {
      if (GI->second < Value::MaxRefs)
        --GI->second; // This reference is the one handed out.
      return;
    }
    const SourceManager &SM = TU.Ctx.getSourceManager();
    std::string Text =
        Lexer::getSourceText(
            CharSourceRange::getTokenRange(
                SM.getExpansionRange(RV->getSourceRange()).getAsRange()),
            SM, TU.Ctx.getLangOpts())
            .str();
    if (Text.empty() || Text.size() > 40)
      Text = G->getName().str();
    What = "'" + Text + "' is returned without a reference of its own";
  } else {
    return;
  }
  std::string Desc = R ? R->Description : std::string("owned value");
  report(FindingKind::ReturnUnowned, R, locOf(RS), RS,
         What + ", but '" + FD->getNameAsString() + "' must return a new " +
             Desc + " (" + O.Why + ")",
         Notes);
}

void FunctionAnalysis::checkUse(PathState &St, const Expr *E, const Stmt *At) {
  std::optional<ValueKey> K = valueOf(St, E);
  if (!K)
    return;
  const Value *VP = St.value(*K);
  if (!VP)
    return;
  const Value &V = *VP;
  if (V.St != VState::Released && V.St != VState::Moved)
    return;
  std::string Msg = nameAt(St, *K, E) + " is used after " + howGone(V, false);
  if (V.Interior)
    Msg = nameAt(St, *K, E) + " (from '" + V.AcqFn.str() + "') points into " +
          (V.OwnerName.empty() ? std::string("an object")
                               : "'" + V.OwnerName.str() + "'") +
          " and is used after that was released by '" + V.ReleaseFn.str() + "'";
  std::vector<Note> Notes = pathNotes(St, V, 0);
  Notes.push_back(goneNote(V, false));
  report(FindingKind::UseAfterRelease, V.Interior ? V.OwnerRes : V.Res,
         locOf(At), K->first, Msg, Notes);
}

void FunctionAnalysis::escape(PathState &St, const Expr *E) {
  if (const auto *CO = dyn_cast_or_null<ConditionalOperator>(strip(E))) {
    // Whichever arm it was, it went where the whole expression went.
    escape(St, CO->getTrueExpr());
    escape(St, CO->getFalseExpr());
    return;
  }
  std::optional<ValueKey> K = valueOf(St, E);
  if (!K)
    return;
  const Value *V = St.value(*K);
  if (V && (V->St == VState::Owned || V->St == VState::Param))
    St.updateValue(*K, [](Value &X) { X.St = VState::Escaped; });
}

std::string FunctionAnalysis::nameAt(const PathState &St, ValueKey K,
                                     const Expr *E) const {
  const Expr *S = strip(E);
  if (const auto *UO = dyn_cast_or_null<UnaryOperator>(S))
    if (UO->getOpcode() == UO_AddrOf)
      S = UO->getSubExpr();
  if (const VarDecl *VD = localVar(S))
    if (VD->getIdentifier())
      return "'" + VD->getName().str() + "'";
  return varName(St, K);
}

void FunctionAnalysis::invalidateInterior(PathState &St, ValueKey Owner,
                                          const Value &O, const Expr *Call,
                                          llvm::StringRef Fn) {
  llvm::SmallVector<ValueKey, 2> Gone;
  for (const auto &KS : St.Special) {
    const Value *V = St.value(KS.first);
    if (V && V->Interior && V->SourceVal && *V->SourceVal == Owner &&
        V->St != VState::Released)
      Gone.push_back(KS.first);
  }
  for (ValueKey K : Gone)
    St.updateValue(K, [&](Value &X) {
      X.St = VState::Released;
      X.ReleaseFn = Fn;
      X.ReleaseLoc = locOf(Call);
      if (X.OwnerName.empty())
        X.OwnerName = O.Name;
      X.OwnerRes = O.Res;
    });
}

void FunctionAnalysis::release(PathState &St, ValueKey K, const Expr *Call,
                               const Expr *Arg, llvm::StringRef Fn,
                               const ArgEffect &AE, bool Consume) {
  const Value *Held = St.value(K);
  if (!Held)
    return;
  Value V = *Held;
  VState Was = V.St;
  releaseValue(St, K, V, Call, Arg, Fn, AE, Consume);
  St.setValue(K, V);
  if (V.St == Was)
    return;
  if (V.St == VState::Released || V.St == VState::Moved)
    invalidateInterior(St, K, V, Call, Fn);
  if (St.Places.empty())
    return;
  // The object is gone: what its fields hold goes with it (a leak, unless
  // its own destructor releases them), and what pointed into it is invalid.
  if (V.St == VState::Released && LibraryCall)
    rootFreed(St, K, Call, Fn,
              V.Res ? V.Res : TU.Contracts.resource(AE.Resource));
  else
    forgetPlacesRootedAt(St, K);
}

void FunctionAnalysis::releaseValue(PathState &St, ValueKey K, Value &V,
                                    const Expr *Call, const Expr *Arg,
                                    llvm::StringRef Fn, const ArgEffect &AE,
                                    bool Consume) {
  std::string Who = nameAt(St, K, Arg);
  SourceLocation Loc = locOf(Call);
  auto Done = [&](VState S) {
    V.St = S;
    V.ReleaseFn = Fn;
    V.ReleaseLoc = Loc;
  };
  switch (V.St) {
  case VState::Owned:
  case VState::Param:
    if (V.St == VState::Owned && V.Refs > 1) {
      // Another reference is still held. Past the cap the count is unknown
      // and stays so: no double release or leak is claimed from it.
      if (V.Refs < Value::MaxRefs)
        --V.Refs;
      return;
    }
    if (V.St == VState::Owned && V.Under != VState::Owned) {
      // The reference taken on a parameter or borrowed value is given
      // back (or handed to a call that steals it): the value is the
      // caller's (or the lender's) again.
      V.St = V.Under;
      V.Under = VState::Owned;
      return;
    }
    if (!Consume && V.Res && !AE.Resource.empty() &&
        AE.Resource != V.Res->Name) {
      const Resource *Wanted = TU.Contracts.resource(AE.Resource);
      std::string Msg = Who + " (" + describe(V) + " from '" + V.AcqFn.str() +
                        "') is released with '" + Fn.str() +
                        "', which releases " +
                        (Wanted ? Wanted->Description : AE.Resource);
      std::vector<Note> Notes = pathNotes(St, V, 0);
      report(FindingKind::WrongRelease, V.Res, Loc, K.first, Msg, Notes);
    }
    Done(Consume ? VState::Moved : VState::Released);
    return;
  case VState::Released:
  case VState::Moved: {
    std::string Msg = Who + " is " +
                      (Consume ? "handed to '" : "released by '") + Fn.str() +
                      "' after " + howGone(V, true);
    std::vector<Note> Notes = pathNotes(St, V, 0);
    Notes.push_back(goneNote(V, true));
    report(Consume ? FindingKind::UseAfterRelease : FindingKind::DoubleRelease,
           V.Res, Loc, K.first, Msg, Notes);
    return;
  }
  case VState::Borrowed:
    // Handing a borrowed value to a function that takes ownership gives
    // away a reference this code never had.
    report(FindingKind::ReleaseUnowned, V.Res, Loc, K.first,
           Who + " is borrowed from '" + V.AcqFn.str() + "' and must not be " +
               (Consume ? "handed to '" + Fn.str() + "', which takes ownership"
                        : "released by '" + Fn.str() + "'"),
           pathNotes(St, V, 0));
    Done(Consume ? VState::Moved : VState::Released);
    return;
  case VState::NotAcquired:
    // Maybe made: the code has not looked at the call's status yet.
    if (!V.FailureSeen) {
      Done(VState::Released);
      return;
    }
    report(FindingKind::ReleaseUnowned, V.Res, Loc, K.first,
           Who + " is released by '" + Fn.str() + "' but '" + V.AcqFn.str() +
               "' failed, so it was never acquired",
           pathNotes(St, V, 2));
    return;
  case VState::Escaped:
    // Whoever else holds it, once released here it is gone: a second
    // release or a use after this one is still an error. Unless this code
    // had taken more references than the one that went (Py_INCREF before
    // storing it in a struct): those are still its own.
    if (Consume)
      return;
    if (V.Refs > 1) {
      if (V.Refs < Value::MaxRefs)
        --V.Refs;
      return;
    }
    Done(VState::Released);
    return;
  }
}
