//===- FunctionAnalysis.cpp - One function over its CFG ------------------===//
//
// The worklist over CFG blocks with bounded states, the transfer of each
// statement, what happens at the exit, and the function's summary.
//
//===----------------------------------------------------------------------===//

#include "FunctionAnalysis.h"
#include "clang/AST/ExprCXX.h"
#include "clang/Analysis/CFG.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/Support/Format.h"
#include <chrono>
#include <deque>

using namespace clang;
using namespace custody;
using namespace custody::impl;

//===----------------------------------------------------------------------===//
// Statements
//===----------------------------------------------------------------------===//

/// Whether S has a call that takes a reference on field F ('Py_INCREF(
/// self->name)'), which this analysis does not follow for fields it never
/// stored.
static bool retainsField(TUAnalysis &TU, const Stmt *S, const ValueDecl *F) {
  if (!S)
    return false;
  if (const auto *CE = dyn_cast<CallExpr>(S); CE && CE->getDirectCallee())
    if (const FunctionContract *FC = TU.namedContract(CE->getDirectCallee()))
      for (const auto &[I, AE] : FC->Args)
        if (AE.Kind == ArgEffect::Retains && I < CE->getNumArgs())
          if (const auto *ME = dyn_cast<MemberExpr>(strip(CE->getArg(I))))
            if (ME->getMemberDecl() == F)
              return true;
  for (const Stmt *C : S->children())
    if (retainsField(TU, C, F))
      return true;
  return false;
}

/// The resource a getter lends when it returns a field it does not follow
/// ('return ((PyJPClass *)type)->nullBoxed;'): the object keeps its
/// reference, so its callers borrow one, whatever the library's convention
/// for results of that type says.
static const Resource *fieldLoadLent(TUAnalysis &TU, const FunctionDecl *FD,
                                     const Expr *RV) {
  // A member of this object is left to the RAII types of contracts: its
  // class may take references in members this analysis does not link.
  const auto *ME = dyn_cast<MemberExpr>(strip(RV));
  if (!ME || isa<CXXThisExpr>(ME->getBase()->IgnoreParenImpCasts()) ||
      retainsField(TU, FD->getBody(), ME->getMemberDecl()))
    return nullptr;
  const DefaultReturn *D = TU.conventionFor(FD);
  return D && D->Effect.Owned ? TU.Contracts.resource(D->Effect.Resource)
                              : nullptr;
}

void FunctionAnalysis::transferStmt(const Stmt *S, PathState &St, States &Out) {
  if (isa<CallExpr, CXXConstructExpr>(S) &&
      wrapperCall(cast<Expr>(S), St, ArgConstruct)) {
    Out.push_back(std::move(St));
    return;
  }
  if (const auto *CE = dyn_cast<CallExpr>(S)) {
    const FunctionDecl *Callee = CE->getDirectCallee();
    // It only gives its argument back: uses of the call are uses of the
    // argument (strip sees through it).
    if (identityArgument(CE) && !TU.namedContract(Callee)) {
      Out.push_back(std::move(St));
      return;
    }
    unsigned Offset = 0;
    std::vector<const Expr *> Args(CE->arg_begin(), CE->arg_end());
    // A function table named by a contract ('members_of').
    const Expr *Obj = nullptr;
    const FunctionContract *Table = tableContract(CE, Obj);
    if (const auto *MCE = dyn_cast<CXXMemberCallExpr>(CE))
      if (const Expr *O = MCE->getImplicitObjectArgument()) {
        checkUse(St, O, CE);
        // A method of this object may change its fields.
        if (isa<CXXThisExpr>(strip(O)))
          St.Facts.forgetThisMembers();
      }
    if (Obj)
      Args.insert(Args.begin(), Obj);
    if (Table) {
      // The method's parameters do not count the object the contract's
      // argument 0 stands for: the contract says all there is.
      handleCall(CE, nullptr, Args, 0, St, Out, Table);
      return;
    }
    if (isa<CXXOperatorCallExpr>(CE) && isa_and_nonnull<CXXMethodDecl>(Callee))
      Offset = 1; // The object is argument 0.
    else if (!Callee && !isa<CXXMemberCallExpr>(CE))
      checkUse(St, CE->getCallee(), CE); // Calling through a pointer uses it.
    handleCall(CE, Callee, Args, Offset, St, Out);
    return;
  }
  if (const auto *CC = dyn_cast<CXXConstructExpr>(S)) {
    std::vector<const Expr *> Args(CC->arg_begin(), CC->arg_end());
    handleCall(CC, CC->getConstructor(), Args, 0, St, Out);
    return;
  }
  if (const auto *BO = dyn_cast<BinaryOperator>(S)) {
    if (BO->getOpcode() == BO_Assign)
      handleAssign(BO->getLHS(), BO->getRHS(), BO, St);
    else if (BO->isCompoundAssignmentOp()) {
      if (const VarDecl *VD = localVar(BO->getLHS()))
        forget(St, VD);
      if (const auto *ME = dyn_cast<MemberExpr>(strip(BO->getLHS())))
        St.Facts.forgetField(ME->getMemberDecl());
    }
  } else if (const auto *DS = dyn_cast<DeclStmt>(S)) {
    for (const Decl *D : DS->decls())
      if (const auto *VD = dyn_cast<VarDecl>(D)) {
        if (VD->getType()->isReferenceType()) {
          if (VD->getInit())
            escape(St, VD->getInit());
        } else if (VD->hasLocalStorage()) {
          if (const Expr *Init = VD->getInit()) {
            assignVar(VD, Init, DS, St);
            // An RAII object made from a temporary holds what it held.
            Holder H = holderOf(Init);
            if (H.Temp && St.Bind.lookup(VD))
              dropHold(St, H);
            St.MovedFrom.erase(VD);
          }
        } else if (VD->getInit()) {
          escape(St, VD->getInit()); // A static local keeps it.
        }
      }
  } else if (const auto *UO = dyn_cast<UnaryOperator>(S)) {
    if (UO->getOpcode() == UO_Deref) {
      checkUse(St, UO->getSubExpr(), UO);
      checkNullDeref(UO->getSubExpr(), UO, St);
    } else if (UO->isIncrementDecrementOp()) {
      if (const VarDecl *VD = localVar(UO->getSubExpr())) {
        // A counter known not negative is positive after '++': a loop's
        // 'i == 0' holds in its first iteration only. (Only the lower bound
        // is kept, so the iterations after the first share one state.)
        const Fact *Was = St.Facts.Vars.lookup(VD);
        bool Positive = UO->isIncrementOp() && Was && Was->Lo >= 0 &&
                        VD->getType()->isIntegerType();
        forget(St, VD);
        if (Positive) {
          Fact F;
          F.Lo = 1;
          St.Facts.Vars.set(VD, F);
        }
      }
      if (const auto *ME = dyn_cast<MemberExpr>(strip(UO->getSubExpr())))
        St.Facts.forgetField(ME->getMemberDecl());
    }
  } else if (const auto *ME = dyn_cast<MemberExpr>(S)) {
    if (ME->isArrow()) {
      checkUse(St, ME->getBase(), ME);
      checkNullDeref(ME->getBase(), ME, St);
    }
  } else if (const auto *AS = dyn_cast<ArraySubscriptExpr>(S)) {
    checkUse(St, AS->getBase(), AS);
    checkNullDeref(AS->getBase(), AS, St);
  } else if (const auto *RS = dyn_cast<ReturnStmt>(S)) {
    St.ExitStmt = RS;
    if (const Expr *RV = RS->getRetValue()) {
      checkUse(St, RV, RS);
      bool KeepRest = false;
      // An RAII object returned hands its hold to the caller.
      if (const WrapperType *RW = TU.wrapperOf(RV->getType()); RW && RW->Owns)
        for (Holder H : {holderOf(RV), Holder{nullptr, strip(RV)}})
          if (std::optional<ValueKey> K = H ? heldBy(St, H) : std::nullopt) {
            dropHold(St, H);
            St.ExprVals[strip(RV)] = *K;
            // One reference goes to the caller; others this code took
            // (reinterpret_borrow of a new one) are still its own.
            const Value *V = St.value(*K);
            if (V && V->St == VState::Owned && V->Refs > 1 &&
                V->Refs < Value::MaxRefs) {
              St.updateValue(*K, [](Value &X) {
                --X.Refs;
                if (X.Wrapped)
                  --X.Wrapped;
              });
              KeepRest = true;
            } else {
              St.updateValue(*K, [](Value &X) {
                if (X.Wrapped)
                  --X.Wrapped;
              });
            }
          }
      // A global this function took a reference on ('Py_INCREF(cache);
      // return cache;') hands that reference out.
      const Resource *RetainedGlobal = nullptr;
      if (const VarDecl *G = globalOf(RV)) {
        auto N = St.RetainedGlobals.find(G);
        if (N != St.RetainedGlobals.end() && N->second > 0)
          if (const DefaultReturn *D = TU.conventionFor(FD))
            RetainedGlobal = TU.Contracts.resource(D->Effect.Resource);
      }
      checkReturnOwned(St, RV, RS);
      if (std::optional<int64_t> C = constant(RV))
        St.ReturnedConstant = C;
      else if (const Fact *F = factOf(St, RV); F && F->Lo == F->Hi)
        St.ReturnedConstant = F->Lo;
      else if (F)
        St.ReturnedFact = *F;
      // Summary: what the function hands back.
      std::optional<ValueKey> K = valueOf(St, RV);
      const Value *V = nullptr;
      if (K)
        V = St.value(*K);
      bool IsNull = false;
      if (std::optional<int64_t> C = constant(RV))
        IsNull = *C == 0;
      else if (const Fact *F = factOf(St, RV))
        IsNull = F->isZero();
      auto NoteRes = [&](const Resource *R) {
        if (Returns.Res && Returns.Res != R)
          Returns.Mixed = true;
        Returns.Res = R;
      };
      bool WrappersRelease = K && heldOnlyByWrappers(St, *K, RV);
      if (WrappersRelease) {
        Returns.AnyBorrowed = true;
        NoteRes(V->Res);
      } else if (V && V->St == VState::Owned) {
        Returns.AnyOwned = true;
        NoteRes(V->Res);
        // What made it says what type it is: a function of this program
        // that returns PyUnicode_DecodeUTF16's result returns a str too.
        llvm::StringRef T = resultTypeOf(*V);
        if (T.empty() || (!Returns.Type.empty() && Returns.Type != T))
          Returns.TypeMixed = true;
        Returns.Type = T.str();
      } else if (!V && RetainedGlobal) {
        Returns.AnyOwned = true;
        NoteRes(RetainedGlobal);
      } else if (V && V->St == VState::Borrowed) {
        Returns.AnyBorrowed = true;
        NoteRes(V->Res);
      } else if (IsNull) {
        Returns.AnyNull = true;
      } else if (const Resource *R = !V ? fieldLoadLent(TU, FD, RV) : nullptr) {
        Returns.AnyBorrowed = true;
        NoteRes(R);
      } else {
        Returns.AnyOther = true;
      }
      if (!WrappersRelease && !KeepRest)
        escape(St, RV);
    }
  } else if (const auto *TE = dyn_cast<CXXThrowExpr>(S)) {
    St.ExitStmt = TE;
  } else if (const auto *DE = dyn_cast<CXXDeleteExpr>(S)) {
    escape(St, DE->getArgument());
  } else if (const auto *LE = dyn_cast<LambdaExpr>(S)) {
    for (const LambdaCapture &C : LE->captures())
      if (C.capturesVariable())
        if (const auto *VD = dyn_cast<VarDecl>(C.getCapturedVar())) {
          if (const ValueKey *K = St.Bind.lookup(VD)) {
            const Value *V = St.value(*K);
            if (V && V->St == VState::Owned)
              St.updateValue(*K, [](Value &X) { X.St = VState::Escaped; });
          }
        }
  } else if (const auto *IL = dyn_cast<InitListExpr>(S)) {
    for (const Expr *E : IL->inits())
      escape(St, E); // Stored into an aggregate.
  }
  Out.push_back(std::move(St));
}

void FunctionAnalysis::transfer(const CFGElement &E, States &SS) {
  if (std::optional<CFGInitializer> CI = E.getAs<CFGInitializer>()) {
    // A constructor's member initializer stores into a field.
    if (const Expr *Init = CI->getInitializer()->getInit())
      for (PathState &St : SS)
        escape(St, Init);
    return;
  }
  if (std::optional<CFGAutomaticObjDtor> D = E.getAs<CFGAutomaticObjDtor>()) {
    // A guard object's destructor (the lock's, say).
    if (const CXXDestructorDecl *Dtor = D->getDestructorDecl(TU.Ctx)) {
      const WrapperType *W = TU.wrapperOf(D->getVarDecl()->getType());
      for (PathState &St : SS) {
        if (W && W->Owns)
          wrapperDestroyed(St, Holder{D->getVarDecl(), nullptr}, *W,
                           scopeExitLoc(D->getTriggerStmt()), D->getVarDecl());
        for (auto &Dom : Domains)
          Dom->onDestructor(Dtor, scopeExitLoc(D->getTriggerStmt()), St);
      }
    }
    return;
  }
  if (std::optional<CFGTemporaryDtor> TD = E.getAs<CFGTemporaryDtor>()) {
    const CXXBindTemporaryExpr *BTE = TD->getBindTemporaryExpr();
    const Expr *Made = strip(BTE->getSubExpr());
    const WrapperType *W = TU.wrapperOf(BTE->getType());
    if (W && W->Owns)
      for (PathState &St : SS)
        if (St.Temps.count(Made))
          wrapperDestroyed(
              St, Holder{nullptr, Made}, *W,
              TU.Ctx.getSourceManager().getExpansionLoc(BTE->getEndLoc()),
              Made);
    return;
  }
  if (std::optional<CFGLifetimeEnds> LE = E.getAs<CFGLifetimeEnds>()) {
    // A local goes out of scope (end of block, return, break, continue,
    // goto): what only it held is lost there.
    // On the way out of the function the exit looks at what is still owned
    // (the same report, at the same return): a return past thousands of
    // locals costs nothing per local.
    if (LeavesFunction)
      return;
    const VarDecl *VD = LE->getVarDecl();
    for (PathState &St : SS) {
      const ValueKey *BK = St.Bind.lookup(VD);
      St.Facts.Vars.erase(VD);
      if (!BK)
        continue;
      ValueKey K = *BK;
      St.unbind(VD);
      dropValueRef(St, K, LE->getTriggerStmt(), Lost::OutOfScope,
                   VD->getName());
    }
    return;
  }
  std::optional<CFGStmt> CS = E.getAs<CFGStmt>();
  if (!CS)
    return;
  ArgConstruct = false;
  if (std::optional<CFGConstructor> CC = E.getAs<CFGConstructor>())
    ArgConstruct = CC->getConstructionContext()->getKind() ==
                   ConstructionContext::ArgumentKind;
  // Most elements (names, casts, literals) change nothing.
  const Stmt *S = CS->getStmt();
  // Reading a global or a field takes what an earlier store put there.
  if (const auto *IC = dyn_cast<ImplicitCastExpr>(S)) {
    if (IC->getCastKind() == CK_LValueToRValue) {
      if (const Decl *D = declOf(IC->getSubExpr()))
        for (PathState &St : SS)
          if (!St.StoredOwned.empty())
            St.touch(D);
      if (isa<MemberExpr>(IC->getSubExpr()->IgnoreParens()) && isSetter())
        for (PathState &St : SS)
          readPlace(St, IC->getSubExpr());
    }
    return;
  }
  if (!isa<CallExpr, CXXConstructExpr, BinaryOperator, DeclStmt, UnaryOperator,
           MemberExpr, ArraySubscriptExpr, ReturnStmt, CXXThrowExpr,
           CXXDeleteExpr, LambdaExpr, InitListExpr>(S))
    return;
  States Out;
  Out.reserve(SS.size());
  for (PathState &St : SS) {
    if (St.Dead)
      continue;
    transferStmt(S, St, Out);
  }
  SS = std::move(Out);
  // Calls that fork inside one block (unchecked allocations in a row) would
  // double the states at each: a cap holds here too, no larger than the
  // block's and at most MaxStatesWithinBlock, since each call pays for every
  // state it forks. Past the cap, the others are joined into the last one
  // kept.
  unsigned Cap = std::min(BlockCap, TU.Limits.MaxStatesWithinBlock);
  if (SS.size() > Cap) {
    States Kept;
    for (PathState &St : SS) {
      if (llvm::any_of(Kept, [&](const PathState &K) { return K.sameAs(St); }))
        continue;
      if (Kept.size() < Cap)
        Kept.push_back(std::move(St));
      else {
        Kept.back() = joinStates(Kept.back(), St);
        ++Joins;
      }
    }
    SS = std::move(Kept);
  }
}

void FunctionAnalysis::atExit(PathState &St) {
  SawExit = true;
  for (auto &D : Domains)
    D->atExit(St);
  Exits.push_back({St.OutStores, St.ReturnedConstant, St.ReturnedFact, {}});
  if (!Destroy)
    for (const auto &[P, K] : St.Places) {
      if (P.Root.second != 0 || P.Path->size() != 1 || !P.isField())
        continue;
      const auto *PD =
          dyn_cast<ParmVarDecl>(static_cast<const Decl *>(P.Root.first));
      const Value *V = St.value(K);
      if (PD && V && V->St == VState::Owned && V->Res && !V->Region &&
          !V->Res->FreedOnReturn && V->Refs < Value::MaxRefs)
        Exits.back()
            .FieldStores[{PD->getFunctionScopeIndex(), P.Path->front()}] =
            V->Res;
    }
  SourceManager &SM = TU.Ctx.getSourceManager();
  SourceLocation Loc = St.ExitStmt
                           ? locOf(St.ExitStmt)
                           : SM.getExpansionLoc(FD->getBody()->getEndLoc());
  for (const auto &[D, SF] : St.StoredFreedOnReturn) {
    const PathState::Stored &S = SF.S;
    // Not if this path released it, nor after a branch that did not test
    // the global itself: one that found the call failed (an exception check
    // after it) would leave NULL there.
    if (!SF.Confirmed && assumedBranchSince(St, S.Seq, /*CountLoops=*/false))
      continue;
    const Value *SV = St.value(SF.K);
    if (SV && SV->St != VState::Owned && SV->St != VState::Escaped)
      continue;
    if (!StoredReported.insert(S.At.getRawEncoding()).second)
      continue;
    std::string Desc = S.Res ? S.Res->Description : "value";
    std::string Name = cast<NamedDecl>(D)->getNameAsString();
    report(FindingKind::StoredPastReturn, S.Res, S.At, D,
           "'" + Name + "' still holds the " + Desc + " from '" +
               S.AcqFn.str() + "' when '" + FD->getNameAsString() +
               "' returns; the runtime frees it when the call that made it "
               "ends, so later uses of '" +
               Name + "' are invalid",
           {{Loc, "'" + FD->getNameAsString() + "' returns here"}});
  }
  if (Destroy)
    return destroyExit(St, Loc);
  // What fields hold is their objects' to release; what a local array or
  // struct holds is lost with it, unless the code hands it over whole.
  llvm::DenseSet<ValueKey> InPlaces;
  for (const auto &[P, K] : St.Places)
    if (!heldByLocal(P))
      InPlaces.insert(K);
  std::vector<std::pair<ValueKey, const Value *>> Leaked;
  for (const auto &KO : St.Owned) {
    const Value *V = St.value(KO.first);
    // What RAII objects hold, their destructors release (a throw's
    // unwinding too, which the CFG does not show).
    if (V->Refs < Value::MaxRefs && !V->Wrapped && leaksAtExit(St, *V) &&
        !InPlaces.count(KO.first))
      Leaked.push_back({KO.first, V});
  }
  std::sort(Leaked.begin(), Leaked.end(), [](const auto &A, const auto &B) {
    return A.second->AcqLoc < B.second->AcqLoc;
  });
  for (auto &[K, V] : Leaked) {
    // Freed-on-return values that still leak here do so for good.
    Lost How = V->Res && V->Res->FreedOnReturn && !V->Region ? Lost::ForGood
                                                             : Lost::AtExit;
    reportLeak(St, K, *V, Loc, leakMessage(St, K, *V, How));
  }
  for (const ParmVarDecl *P : FD->parameters()) {
    ParamSeen &PS = Params[P];
    const Value *PV = St.value(ValueKey{P, 0});
    if (!PV) {
      PS.Escaped = true; // Rebound and lost track: not summarizable.
      continue;
    }
    const Value &V = *PV;
    if (V.St == VState::Param)
      PS.Used = true;
    else if (V.St == VState::Released) {
      PS.Released = true;
      const FunctionContract *RFC = TU.Contracts.lookup(V.ReleaseFn);
      const Resource *R = nullptr;
      if (RFC)
        for (auto &[I, AE] : RFC->Args)
          if (AE.Kind == ArgEffect::Releases)
            R = TU.Contracts.resource(AE.Resource);
      if (PS.Res && PS.Res != R)
        PS.Mixed = true;
      PS.Res = R;
    } else
      PS.Escaped = true;
  }
}

bool FunctionAnalysis::heldByLocal(const PlaceKey &P) {
  if (P.Root.second != PlaceKey::DeclRoot)
    return false;
  const auto *VD = dyn_cast<VarDecl>(static_cast<const Decl *>(P.Root.first));
  return VD && VD->hasLocalStorage() && !isa<ParmVarDecl>(VD) &&
         (VD->getType()->isArrayType() || VD->getType()->isRecordType()) &&
         // A destructor or a cleanup function may release what it holds.
         !VD->getType().isDestructedType() && !VD->hasAttr<CleanupAttr>() &&
         keptWhole(VD);
}

void FunctionAnalysis::destroyExit(PathState &St, SourceLocation Loc) {
  // Only a path that releases some of what the object owns is one that
  // destroys it: the others return early (a null object, a count still
  // above zero, an environment not found).
  if (!St.CleanedUp && Destroy->Kind != DestroyPlan::Dealloc &&
      Destroy->Kind != DestroyPlan::Destructor)
    return;
  std::vector<std::pair<ValueKey, const Value *>> Left;
  for (const auto &[P, K] : St.Places) {
    const Value *V = St.value(K);
    if (V && V->FieldEntry && V->St == VState::Owned && St.holders(K) <= 1)
      Left.push_back({K, V});
  }
  llvm::sort(Left, [](const auto &A, const auto &B) {
    return A.second->Name < B.second->Name;
  });
  for (auto &[K, V] : Left) {
    std::string Desc = V->Res ? V->Res->Description : "owned value";
    report(FindingKind::FieldLeak, V->Res, Loc, K.first,
           "'" + V->Name.str() + "' still holds " + heldText(*V) + " when '" +
               FD->getNameAsString() + "' (" + Destroy->Why +
               ") returns, never released",
           {heldNote(*V)});
  }
}

void FunctionAnalysis::touchTested(PathState &St, const Stmt *Cond) {
  if (!Cond)
    return;
  if (const auto *DRE = dyn_cast<DeclRefExpr>(Cond)) {
    if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
      if (VD->hasGlobalStorage())
        St.touch(VD->getCanonicalDecl());
  } else if (const auto *ME = dyn_cast<MemberExpr>(Cond)) {
    St.touch(ME->getMemberDecl());
  }
  for (const Stmt *C : Cond->children())
    touchTested(St, C);
}

void FunctionAnalysis::collectDiscarded(const Stmt *S) {
  if (!S)
    return;
  auto Statement = [&](const Stmt *C) {
    if (const auto *E = dyn_cast_or_null<Expr>(C)) {
      const Expr *X = E;
      if (const auto *EWC = dyn_cast<ExprWithCleanups>(X))
        X = EWC->getSubExpr();
      X = X->IgnoreParens();
      // '(void)f()' says the result is dropped on purpose, but an owned
      // result dropped is lost all the same.
      bool Void = false;
      if (const auto *CE = dyn_cast<CStyleCastExpr>(X))
        if (CE->getType()->isVoidType()) {
          X = CE->getSubExpr()->IgnoreParens();
          Void = true;
        }
      if (isa<CallExpr>(X)) {
        Discarded.insert(X);
        if (Void)
          VoidCast.insert(X);
      }
    }
  };
  if (const auto *CS = dyn_cast<CompoundStmt>(S))
    for (const Stmt *C : CS->body())
      Statement(C);
  else if (const auto *IS = dyn_cast<IfStmt>(S)) {
    Statement(IS->getThen());
    Statement(IS->getElse());
  } else if (const auto *WS = dyn_cast<WhileStmt>(S))
    Statement(WS->getBody());
  else if (const auto *FS = dyn_cast<ForStmt>(S))
    Statement(FS->getBody());
  else if (const auto *DS = dyn_cast<DoStmt>(S))
    Statement(DS->getBody());
  else if (const auto *SC = dyn_cast<SwitchCase>(S))
    Statement(SC->getSubStmt());
  else if (const auto *LS = dyn_cast<LabelStmt>(S))
    Statement(LS->getSubStmt());
  for (const Stmt *C : S->children())
    if (C && !isa<Expr>(C))
      collectDiscarded(C);
}

Note FunctionAnalysis::stoppedNotice(
    const std::deque<std::pair<const CFGBlock *, PathState>> &Work,
    unsigned Visits, double Seconds, bool OutOfTime) const {
  const SourceManager &SM = TU.Ctx.getSourceManager();
  // The earliest place a path was left at: findings past it may be missing.
  SourceLocation First;
  for (const auto &[B, St] : Work)
    for (const CFGElement &E : *B)
      if (std::optional<CFGStmt> CS = E.getAs<CFGStmt>()) {
        SourceLocation L = locOf(CS->getStmt());
        if (L.isValid() &&
            (First.isInvalid() || SM.isBeforeInTranslationUnit(L, First)))
          First = L;
        break;
      }
  std::string Budget;
  llvm::raw_string_ostream OS(Budget);
  OS << llvm::format("%.1f s", Seconds);
  std::string Msg =
      "analysis of '" + FD->getNameAsString() + "' stopped after " +
      (OutOfTime ? "its time budget (" + Budget + ", " +
                       std::to_string(Visits) + " block visits)"
                 : std::to_string(Visits) + " block visits (" + Budget + ")");
  Msg += First.isValid()
             ? "; findings after line " +
                   std::to_string(SM.getExpansionLineNumber(First)) +
                   " may be missing"
             : std::string("; findings in it may be missing");
  return {SM.getExpansionLoc(FD->getLocation()), Msg};
}

/// The state at the function's entry: each parameter holds a value of its
/// own; the lock is what the function's callers say.
/// A local of the body that holds parameter P seen as a pointer to
/// Record ('Foo *self = (Foo *)op'), if P is not one itself.
static const VarDecl *objectVariable(const ParmVarDecl *P,
                                     const RecordDecl *Record) {
  auto PointsTo = [&](QualType T) {
    if (!T->isPointerType())
      return false;
    const auto *RT = T->getPointeeType()->getAs<RecordType>();
    return RT &&
           RT->getDecl()->getCanonicalDecl() == Record->getCanonicalDecl();
  };
  if (PointsTo(P->getType()))
    return P;
  const auto *FD = dyn_cast<FunctionDecl>(P->getDeclContext());
  if (!FD || !FD->getBody())
    return nullptr;
  for (const Stmt *S : FD->getBody()->children())
    if (const auto *DS = dyn_cast<DeclStmt>(S))
      for (const Decl *D : DS->decls())
        if (const auto *VD = dyn_cast<VarDecl>(D))
          if (VD->getInit() && PointsTo(VD->getType()))
            if (const auto *DRE =
                    dyn_cast<DeclRefExpr>(VD->getInit()->IgnoreParenCasts()))
              if (DRE->getDecl() == P)
                return VD;
  return nullptr;
}

PathState FunctionAnalysis::entryState() {
  PathState Init(Factories);
  // The interpreter calls it with no exception set.
  if (TU.RaisingEntries.count(FD->getCanonicalDecl()))
    Init.Indicator = {"cpython", false};
  auto LE = TU.LockEntries.find(FD->getCanonicalDecl());
  if (LE != TU.LockEntries.end()) {
    Init.Lock.Now = LE->second.State;
    Init.Lock.GoneAt =
        TU.Ctx.getSourceManager().getExpansionLoc(FD->getLocation());
    Init.Lock.GoneWhy = LE->second.Why;
  }
  for (const ParmVarDecl *P : FD->parameters()) {
    Value V;
    V.St = VState::Param;
    V.Name = P->getName();
    V.AcqFn = TU.intern(FD->getNameAsString());
    ValueKey K{P, 0};
    Init.setValue(K, V);
    Init.bind(P, K);
  }
  if (Destroy) {
    // What the owning fields (globals) hold at entry: values some other
    // function stored there, which this one must release.
    auto Entry = [&](const void *Site, PlaceKey P,
                     const TUAnalysis::OwningStore &O, std::string Name) {
      Value V;
      V.St = VState::Owned;
      V.Res = O.Res;
      V.AcqFn = O.Fn;
      V.AcqLoc = O.At;
      V.Name = TU.intern(Name);
      V.FieldEntry = true;
      ValueKey K = newValue(Init, Site, V);
      Init.bindPlace(P, K);
    };
    ValueKey Root{FD->getCanonicalDecl(), PlaceKey::ThisRoot};
    std::string Base = "this->";
    if (Destroy->Kind != DestroyPlan::Destructor &&
        Destroy->Param < FD->getNumParams()) {
      const ParmVarDecl *P = FD->getParamDecl(Destroy->Param);
      Root = {P, 0};
      Base = P->getName().str() + "->";
    }
    for (const FieldDecl *F : Destroy->Fields) {
      // Named as the code names the object: 'self->x' where the body
      // casts its 'PyObject *op' to 'Foo *self'.
      std::string Obj = Base;
      if (Root.second == 0)
        if (const VarDecl *Named = objectVariable(
                cast<ParmVarDecl>(static_cast<const Decl *>(Root.first)),
                F->getParent()))
          Obj = Named->getName().str() + "->";
      Entry(F, PlaceKey{Root, TU.path({F})}, TU.OwningFields[F],
            Obj + F->getNameAsString());
    }
    for (const VarDecl *G : Destroy->Globals)
      Entry(G, PlaceKey{{G, PlaceKey::DeclRoot}, TU.path({})},
            TU.OwningGlobals[G], G->getNameAsString());
  }

  return Init;
}

/// What a path carries into a block: expression results do not outlive
/// the block they were computed in.
void FunctionAnalysis::enterBlock(PathState &St, const CFGBlock *B) {
  // Expression results do not outlive their block, but for the arms of a
  // '?:' this block evaluates (its value is the arm's); an owned value held
  // only by another is no longer followed.
  llvm::SmallPtrSet<const Expr *, 4> Arms;
  if (!St.ExprVals.empty() || !St.Facts.Exprs.empty())
    for (const CFGElement &El : *B)
      if (auto CS = El.getAs<CFGStmt>())
        if (const auto *CO = dyn_cast<ConditionalOperator>(CS->getStmt())) {
          Arms.insert(strip(CO->getTrueExpr()));
          Arms.insert(strip(CO->getFalseExpr()));
        }
  std::vector<ValueKey> HeldByExprs;
  FlatMap<const Expr *, ValueKey> Kept;
  for (auto &[E, K] : St.ExprVals) {
    if (Arms.count(strip(E)))
      Kept[E] = K;
    else
      HeldByExprs.push_back(K);
  }
  St.ExprVals = std::move(Kept);
  for (ValueKey K : HeldByExprs) {
    St.MaybeGarbage.push_back(K);
    const Value *V = St.value(K);
    if (!V || V->St != VState::Owned || St.refCount(K) != 0)
      continue;
    // A value the runtime frees on return, made and dropped in a loop
    // ('Set(..., NewStringUTF(...))') piles up all the same.
    reportPiledTemporary(St, *V, /*Discarded=*/false);
    St.updateValue(K, [](Value &X) { X.St = VState::Escaped; });
  }
  FlatMap<const Expr *, Fact> Exprs = std::move(St.Facts.Carried);
  for (auto &[E, F] : St.Facts.Exprs)
    if (Arms.count(strip(E)))
      Exprs[E] = F;
  St.Facts.Exprs = std::move(Exprs);
  St.Facts.Carried.clear();
  gc(St);
}

/// Sends each state leaving B to the successors it can take: both sides of
/// a two-way branch (each assumed), the cases of a switch, or the one next.
void FunctionAnalysis::leaveBlock(const CFGBlock *B, States &SS,
                                  Worklist &Work) {
  const Stmt *Term = B->getTerminatorStmt();
  if (isa_and_nonnull<CXXThrowExpr>(Term))
    for (PathState &S : SS)
      S.ExitStmt = Term;
  const Expr *Cond = dyn_cast_or_null<Expr>(B->getTerminatorCondition(false));
  bool Binary =
      Cond && B->succ_size() == 2 && !isa_and_nonnull<SwitchStmt>(Term);
  for (PathState &S : SS) {
    if (S.Dead)
      continue;
    if (Binary) {
      for (auto &D : Domains)
        D->beforeBranch(Cond, S);
      touchTested(S, Cond);
    }
    if (Binary) {
      // One copy per two-way branch: the true side gets the copy, the
      // false side the original.
      const CFGBlock *TB = B->succ_begin()->getReachableBlock();
      const CFGBlock *FB = std::next(B->succ_begin())->getReachableBlock();
      std::optional<PathState> T;
      if (TB) {
        T = S;
        if (!assume(*T, Cond, true, Term))
          T.reset();
      }
      bool FOK = FB && assume(S, Cond, false, Term);
      // Branches of '&&', '||' and '?:' are told by their enclosing one.
      if (T && FOK && !isa<BinaryOperator>(Term) &&
          !isa<AbstractConditionalOperator>(Term)) {
        bool Loop = isa<ForStmt, WhileStmt, DoStmt, CXXForRangeStmt>(Term);
        PathNote TN{PathNote::Branch, Cond, true}, FN{PathNote::Branch, Cond};
        TN.LoopCond = FN.LoopCond = Loop;
        T->addNote(std::move(TN));
        S.addNote(std::move(FN));
      }
      // A short-circuit decides the value of the whole '&&' or '||',
      // which a later block may test ('!(a && b)').
      if (const auto *LO = dyn_cast_or_null<BinaryOperator>(Term)) {
        if (LO->getOpcode() == BO_LAnd && FOK)
          S.Facts.Carried[LO] = Fact::exactly(0);
        if (LO->getOpcode() == BO_LOr && T)
          T->Facts.Carried[LO] = Fact::exactly(1);
      }
      if (T)
        Work.push_back({TB, std::move(*T)});
      if (FOK)
        Work.push_back({FB, std::move(S)});
      continue;
    }
    const auto *SW = dyn_cast_or_null<SwitchStmt>(Term);
    for (const CFGBlock::AdjacentBlock &Succ : B->succs()) {
      const CFGBlock *Next = Succ.getReachableBlock();
      if (!Next)
        continue;
      PathState N = S;
      if (SW && !assumeSwitchCase(N, SW, Next))
        continue;
      Work.push_back({Next, std::move(N)});
    }
  }
}

FunctionResult FunctionAnalysis::run() {
  FunctionResult Result;
  const Stmt *Body = FD->getBody();
  if (!Body)
    return Result;
  collectDiscarded(Body);
  CFG::BuildOptions Opts;
  Opts.setAllAlwaysAdd();
  Opts.AddImplicitDtors = true;
  Opts.AddTemporaryDtors = true;
  Opts.AddInitializers = true;
  Opts.AddLifetime = true;
  Opts.AddEHEdges = false;
  std::unique_ptr<CFG> G =
      CFG::buildCFG(FD, const_cast<Stmt *>(Body), &TU.Ctx, Opts);
  if (!G) {
    if (TU.Log)
      *TU.Log << "custody: no CFG for '" << FD->getNameAsString() << "'\n";
    return Result;
  }

  Domains = makeDomains(*this, Regions);
  PathState Init = entryState();
  // The states each block was entered with (they share structure with the
  // states that go on). A function's budget of states is shared out over
  // its blocks, so a very large function keeps fewer per block and still
  // finishes in bounded time.
  struct Entered {
    uint64_t Digest;
    PathState St;
  };
  llvm::DenseMap<const CFGBlock *, std::vector<Entered>> Seen;
  unsigned Cap = std::clamp<unsigned>(TU.Limits.StatesPerFunction /
                                          std::max(1u, G->getNumBlockIDs()),
                                      4, TU.Limits.MaxStatesPerBlock);
  BlockCap = Cap;
  llvm::DenseMap<const CFGBlock *, unsigned> JoinsAt;
  Worklist Work;
  Work.push_back({&G->getEntry(), std::move(Init)});
  unsigned Visits = 0;
  unsigned MaxVisits = std::max(TU.Limits.MaxBlockVisits,
                                TU.Limits.VisitsPerBlock * G->getNumBlockIDs());
  auto Start = std::chrono::steady_clock::now();
  auto Elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         Start)
        .count();
  };
  while (!Work.empty()) {
    auto [B, St] = std::move(Work.front());
    Work.pop_front();
    // Every path that reaches the exit is judged there, never joined: the
    // leaks of the locals a return leaves are found at the exit.
    if (B == &G->getExit()) {
      ++Visits;
      atExit(St);
      continue;
    }
    auto &SeenHere = Seen[B];
    uint64_t H = St.digest();
    if (llvm::any_of(SeenHere, [&](const Entered &E) {
          return E.Digest == H && E.St.sameAs(St);
        }))
      continue;
    if (SeenHere.size() >= Cap) {
      // No room: joined into the last state kept here, and walked on if
      // that says something new.
      unsigned &N = JoinsAt[B];
      if (N >= TU.Limits.MaxJoinsPerBlock) {
        Truncated = true;
        continue;
      }
      PathState J = joinStates(SeenHere.back().St, St);
      if (J.sameAs(SeenHere.back().St))
        continue;
      ++N;
      ++Joins;
      SeenHere.back() = {J.digest(), J};
      St = std::move(J);
      H = St.digest();
    } else {
      SeenHere.push_back({H, St});
    }
    bool OutOfTime = TU.Limits.FunctionSeconds > 0 && (Visits & 255) == 0 &&
                     Elapsed() > TU.Limits.FunctionSeconds;
    if (++Visits > MaxVisits || OutOfTime) {
      Work.push_front({B, std::move(St)});
      Result.Notice = stoppedNotice(Work, Visits - 1, Elapsed(), OutOfTime);
      if (TU.Log)
        *TU.Log << "custody: " << Result.Notice->Message << "\n";
      break;
    }
    enterBlock(St, B);
    States SS;
    SS.push_back(std::move(St));
    LeavesFunction = B->succ_size() == 1 && *B->succ_begin() == &G->getExit();
    for (const CFGElement &E : *B)
      transfer(E, SS);

    leaveBlock(B, SS, Work);
  }
  if (Truncated && TU.Log)
    *TU.Log << "custody: '" << FD->getNameAsString()
            << "' has more paths than kept; some were not explored\n";
  if (Joins && TU.Log)
    *TU.Log << "custody: '" << FD->getNameAsString() << "' has more paths "
            << "than kept; " << Joins << " were joined with others\n";
  Result.Seconds = Elapsed();

  for (auto &F : Found)
    Result.Findings.push_back(std::move(F.second));
  summarize(Result);
  return Result;
}

/// Whether an exit is known to return something other than V.
static bool excludes(const std::optional<int64_t> &Returned,
                     const std::optional<Fact> &ReturnedFact, int64_t V) {
  if (Returned)
    return *Returned != V;
  if (ReturnedFact)
    return V < ReturnedFact->Lo || V > ReturnedFact->Hi ||
           ReturnedFact->Ne == V;
  return false;
}

/// Whether S reads the value P points to ('*P' or 'P[i]' other than as the
/// target of an assignment).
static bool readsThrough(const Stmt *S, const ParmVarDecl *P) {
  if (!S)
    return false;
  auto IsDerefOfP = [&](const Expr *E) {
    E = E->IgnoreParenImpCasts();
    const Expr *Base = nullptr;
    if (const auto *UO = dyn_cast<UnaryOperator>(E);
        UO && UO->getOpcode() == UO_Deref)
      Base = UO->getSubExpr();
    else if (const auto *AS = dyn_cast<ArraySubscriptExpr>(E))
      Base = AS->getBase();
    const auto *DRE =
        Base ? dyn_cast<DeclRefExpr>(Base->IgnoreParenImpCasts()) : nullptr;
    return DRE && DRE->getDecl() == P;
  };
  if (const auto *BO = dyn_cast<BinaryOperator>(S);
      BO && BO->getOpcode() == BO_Assign && IsDerefOfP(BO->getLHS()))
    return readsThrough(BO->getRHS(), P);
  if (const auto *E = dyn_cast<Expr>(S); E && IsDerefOfP(E))
    return true;
  for (const Stmt *C : S->children())
    if (readsThrough(C, P))
      return true;
  return false;
}

/// What calling this function does, for its callers: each domain's part,
/// then ownership's (result, parameters, out-parameters).
void FunctionAnalysis::summarize(FunctionResult &Result) {
  // Summary: each domain's part, then ownership's.
  auto S = std::make_unique<FunctionContract>();
  bool Useful = false;
  for (auto &D : Domains)
    D->summarize(Result, *S, Useful);
  if (!SawExit)
    return;
  S->Name = FD->getNameAsString();
  S->IsSummary = true;
  if (!Returns.AnyOther && !Returns.Mixed && Returns.Res &&
      (Returns.AnyOwned != Returns.AnyBorrowed)) {
    S->Returns =
        ReturnEffect{Returns.AnyOwned, Returns.Res->Name, Returns.AnyNull};
    Useful = true;
    if (Returns.AnyOwned && !Returns.AnyBorrowed && !Returns.TypeMixed)
      S->ResultType = Returns.Type;
  }
  for (unsigned I = 0; I < FD->getNumParams(); ++I) {
    const ParamSeen &PS = Params[FD->getParamDecl(I)];
    // Through a reference the callee reaches the caller's variable, which
    // this analysis does not follow.
    if (PS.Escaped || PS.Mixed ||
        FD->getParamDecl(I)->getType()->isReferenceType())
      S->Args[I] = {ArgEffect::Escapes, "", When::Always};
    else if (PS.Released && !PS.Used && PS.Res)
      S->Args[I] = {ArgEffect::Releases, PS.Res->Name, When::Always};
    else if (!PS.Released)
      S->Args[I] = {ArgEffect::Borrows, "", When::Always};
    else
      continue;
    Useful = true;
  }
  // Out-parameters: 'static int make(..., T **out)' that stores an owned
  // value on the exits returning one constant, and nothing on the others,
  // acquires through 'out' when it returns that constant.
  for (unsigned I = 0; I < FD->getNumParams(); ++I) {
    const ParmVarDecl *P = FD->getParamDecl(I);
    const Resource *R = nullptr;
    bool SameResource = true, AnyStored = false, AllStored = true;
    bool OneReturnValue = true;
    std::optional<int64_t> StoredRet;
    for (const ExitSeen &E : Exits) {
      auto It = E.OutStores.find(P);
      if (It == E.OutStores.end()) {
        AllStored = false;
        continue;
      }
      AnyStored = true;
      SameResource &= !R || R == It->second;
      R = It->second;
      if (!E.Returned || (StoredRet && *StoredRet != *E.Returned))
        OneReturnValue = false;
      StoredRet = E.Returned;
    }
    // '*state' read as well as written: the caller's value goes in too
    // (PyEval_RestoreThread(*tstate) ... *tstate = PyEval_SaveThread()).
    if (!AnyStored || !SameResource || !R || readsThrough(FD->getBody(), P))
      continue;
    if (AllStored) {
      S->Args[I] = {ArgEffect::Acquires, R->Name, When::Always};
      Useful = true;
      continue;
    }
    if (!OneReturnValue)
      continue;
    bool Separated = StoredRet.has_value() && !S->Success && !S->Returns;
    for (const ExitSeen &E : Exits)
      if (!E.OutStores.count(P) &&
          !excludes(E.Returned, E.ReturnedFact, *StoredRet))
        Separated = false;
    if (!Separated)
      continue;
    S->Success = Condition{Condition::EQ, *StoredRet};
    S->Args[I] = {ArgEffect::Acquires, R->Name, When::OnSuccess};
    Useful = true;
  }
  // Fields of parameters: an init helper that fills 's->ref' on every exit,
  // or on the exits that return one constant (its success) and on no other.
  std::set<std::pair<unsigned, const FieldDecl *>> Stored;
  for (const ExitSeen &E : Exits)
    for (const auto &[Key, R] : E.FieldStores)
      Stored.insert(Key);
  for (const auto &Key : Stored) {
    const Resource *R = nullptr;
    bool Same = true, All = true;
    std::optional<int64_t> Ret;
    bool OneRet = true;
    for (const ExitSeen &E : Exits) {
      auto It = E.FieldStores.find(Key);
      if (It == E.FieldStores.end()) {
        All = false;
        continue;
      }
      Same &= !R || R == It->second;
      R = It->second;
      if (!E.Returned || (Ret && *Ret != *E.Returned))
        OneRet = false;
      Ret = E.Returned;
    }
    if (!Same || !R)
      continue;
    if (All) {
      S->FieldStores.push_back({Key.first, Key.second,
                                Key.second->getName().str(), R->Name,
                                When::Always});
      Useful = true;
      continue;
    }
    if (!OneRet || !Ret || S->Returns)
      continue;
    bool Separated = true;
    for (const ExitSeen &E : Exits)
      if (!E.FieldStores.count(Key) && (!E.Returned || E.Returned == Ret))
        Separated = false;
    Condition C{Condition::EQ, *Ret};
    if (!Separated || (S->Success && !(*S->Success == C)))
      continue;
    S->Success = C;
    S->FieldStores.push_back({Key.first, Key.second,
                              Key.second->getName().str(), R->Name,
                              When::OnSuccess});
    Useful = true;
  }
  // Arguments a summary says nothing about stay unknown (they escape).
  if (Useful)
    Result.Summary = std::move(S);
}
