//===- Calls.cpp - Calls and assignments ---------------------------------===//
//
// What a call does to the values passed to it and returned from it (from its
// contract, its summary, or nothing known), and what an assignment does.
//
//===----------------------------------------------------------------------===//

#include "FormatStrings.h"
#include "FunctionAnalysis.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Analysis/CFG.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"

using namespace clang;
using namespace custody;
using namespace custody::impl;

//===----------------------------------------------------------------------===//
// Calls
//===----------------------------------------------------------------------===//

/// Whether E converts a pointer to an integer on its way to the call.
static bool pointerAsInteger(const Expr *E) {
  while (E) {
    E = E->IgnoreParens();
    const auto *CE = dyn_cast<CastExpr>(E);
    if (!CE)
      return false;
    if (CE->getCastKind() == CK_PointerToIntegral)
      return true;
    E = CE->getSubExpr();
  }
  return false;
}

/// What one argument's effect does on one outcome of a call.
void FunctionAnalysis::argumentEffect(const CallSite &C, unsigned I,
                                      unsigned PI, const ArgEffect *AE,
                                      std::optional<bool> Succeeded,
                                      PathState &S, ArgChanges &Ch) {
  const Expr *A = C.Args[I];
  const Expr *Call = C.Call;
  const FunctionDecl *Callee = C.Callee;
  const FunctionContract *FC = C.FC;
  llvm::ArrayRef<const Expr *> Args = C.Args;
  llvm::StringRef Fn = C.Fn;
  auto Applies = [&](When W) { return appliesOn(W, Succeeded); };
  const Expr *SA = strip(A);
  const auto *AddrOf = dyn_cast<UnaryOperator>(SA);
  bool IsAddr = AddrOf && AddrOf->getOpcode() == UO_AddrOf;
  const VarDecl *AddrVar = IsAddr ? localVar(AddrOf->getSubExpr()) : nullptr;

  if (AE && AE->Kind == ArgEffect::Acquires && AE->Elements > 0) {
    acquireSlots(C, I, *AE, Applies(AE->On), S);
    return;
  }
  if (AE && (AE->Kind == ArgEffect::Acquires || AE->Kind == ArgEffect::Lends)) {
    // This function's own out-parameter handed on ('return load(ctx,
    // out);'): what the callee stores there is this function's to give.
    if (const auto *DRE = dyn_cast<DeclRefExpr>(SA))
      if (const auto *P = dyn_cast<ParmVarDecl>(DRE->getDecl());
          P && P->getType()->isPointerType() &&
          AE->Kind == ArgEffect::Acquires) {
        const Resource *R = TU.Contracts.resource(AE->Resource);
        if (Applies(AE->On) && R)
          S.OutStores[P] = R;
        else
          S.OutStores.erase(P);
      }
    if (!AddrVar)
      return;
    // 'if_null': a new one only where the path knows the variable is null;
    // otherwise the call adds to what it holds, or to what it is not
    // known to hold.
    if (AE->IfNull) {
      const Fact *F = S.Facts.Vars.lookup(AddrVar);
      if (!F || !F->isZero())
        return;
    }
    bool Acquired = Applies(AE->On);
    // Not acquired: a pointer is just no longer followed; a struct
    // (regex_t) stays marked, since releasing it would be an error.
    if (!Acquired && AddrVar->getType()->isPointerType()) {
      Ch.Unbinds.push_back(AddrVar);
      return;
    }
    Value V;
    V.St = !Acquired                      ? VState::NotAcquired
           : AE->Kind == ArgEffect::Lends ? VState::Borrowed
                                          : VState::Owned;
    V.WasBorrowed = V.St == VState::Borrowed;
    V.Res = TU.Contracts.resource(AE->Resource);
    V.AcqFn = Fn;
    V.AcqLoc = locOf(Call);
    V.AcqArg = I;
    V.AcqStmt = Call;
    if (Acquired)
      V.AcqSeq = S.NextSeq++;
    Ch.Binds.push_back({AddrVar, newValue(S, AddrOf, V)});
    return;
  }

  if (!AE && wrapperArgument(C, I, PI, S))
    return;
  std::optional<ValueKey> K = valueOf(S, A);
  if (AE &&
      (AE->Kind == ArgEffect::Releases || AE->Kind == ArgEffect::Consumes)) {
    if (!Applies(AE->On))
      return;
    // A destroy function's path that releases something cleans up.
    if (Destroy)
      S.CleanedUp = true;
    if (!localVar(A))
      S.touch(declOf(A)); // DeleteGlobalRef(env, g_listener)
    if (K) {
      // One call taking the same value through two arguments
      // (SSL_set_bio(ssl, bio, bio)) takes it once.
      if (llvm::is_contained(Ch.Taken, *K))
        return;
      Ch.Taken.push_back(*K);
      if (AE->Unless && AE->Unless->first < Args.size())
        if (std::optional<int64_t> C = constant(Args[AE->Unless->first]);
            C && *C == AE->Unless->second) {
          // Released in name only (JNI_COMMIT copies back, keeps it).
          PathNote N;
          N.Kind = PathNote::Said;
          N.S = Call;
          std::string Mode = std::to_string(*C);
          SourceLocation ML = Args[AE->Unless->first]->getExprLoc();
          const SourceManager &SM = TU.Ctx.getSourceManager();
          if (ML.isMacroID())
            Mode = Lexer::getImmediateMacroName(ML, SM, TU.Ctx.getLangOpts())
                       .str();
          N.Fn = TU.intern("'" + Fn.str() + "' with " + Mode +
                           " copies back but does not release it");
          S.addNote(std::move(N));
          checkUse(S, A, Call);
          return;
        }
      if (AE->SourceArg >= 0 && unsigned(AE->SourceArg) < Args.size())
        checkSource(S, *K, Call, Args[AE->SourceArg], Fn);
      release(S, *K, Call, A, Fn, *AE, AE->Kind == ArgEffect::Consumes);
      return;
    }
    // A null passed to a releaser that does not accept it.
    if (const VarDecl *VD = localVar(A)) {
      const Fact *FI = S.Facts.Vars.lookup(VD);
      const Resource *R = TU.Contracts.resource(AE->Resource);
      if (FI && FI->isZero() && !FI->Assumed && R && !R->NullReleaseOk &&
          AE->Kind == ArgEffect::Releases)
        report(FindingKind::ReleaseUnowned, R, locOf(Call), VD,
               "'" + VD->getName().str() + "' is null here and '" + Fn.str() +
                   "' must not be called with null",
               pathNotes(S, Value(), 2));
    }
    return;
  }
  if (AE && AE->Kind == ArgEffect::Retains) {
    checkUse(S, A, Call);
    if (!Applies(AE->On))
      return;
    if (const VarDecl *G = globalOf(A)) {
      uint8_t &N = S.RetainedGlobals[G];
      if (N < Value::MaxRefs)
        ++N;
    } else if (std::optional<ValueKey> K = valueOf(S, A)) {
      const Value *Was = S.value(*K);
      Value V = Was ? *Was : Value();
      if (V.St == VState::Owned) {
        if (V.Refs < Value::MaxRefs)
          ++V.Refs;
      } else if (V.St == VState::Borrowed || V.St == VState::Param) {
        // This code now owns a reference of its own; giving it back leaves
        // the value what it was.
        V.Under = V.St;
        V.St = VState::Owned;
        V.WasBorrowed = false;
        V.Refs = 1;
        if (!V.Res)
          V.Res = TU.Contracts.resource(AE->Resource);
        V.AcqFn = Fn;
        V.AcqArg = -1;
        V.AcqLoc = locOf(Call);
        V.AcqSeq = S.NextSeq++;
      } else if (V.St == VState::Escaped) {
        // Handed to code that may have kept a reference, and now one
        // more is taken: at least one is this code's, how many is not
        // known, so no leak or extra release is claimed from here on.
        V.St = VState::Owned;
        V.Refs = Value::MaxRefs;
      }
      S.setValue(*K, V);
    }
    return;
  }
  // A variable whose address goes to a non-const parameter may be
  // written by the callee.
  bool MayWrite = AddrVar;
  if (AddrVar && Callee && PI < Callee->getNumParams()) {
    QualType PT = Callee->getParamDecl(PI)->getType();
    MayWrite = !PT->isPointerType() || !PT->getPointeeType().isConstQualified();
  }
  // A pointer turned into an integer ('(jlong) self') is a handle the
  // callee may keep (a Java object that owns it): whatever the callee's
  // contract says of an integer, the value escapes.
  if (!IsAddr && pointerAsInteger(A)) {
    checkUse(S, A, Call);
    escape(S, A);
    return;
  }
  if ((AE && AE->Kind == ArgEffect::Borrows) || (FC && !FC->IsSummary && !AE)) {
    // A contract describes its function whole: the arguments it is
    // silent on are only used.
    checkUse(S, A, Call);
    if (MayWrite)
      Ch.Forgets.push_back(AddrVar);
    return;
  }
  if (AE && AE->Kind == ArgEffect::Escapes) {
    // 'keeps: R' keeps values of resource R only; others are just used.
    bool OtherKind = false;
    if (!AE->Resource.empty())
      if (std::optional<ValueKey> K = valueOf(S, A)) {
        const Value *V = S.value(*K);
        OtherKind = V && V->Res && V->Res->Name != AE->Resource;
      }
    if (!Applies(AE->On) || OtherKind) {
      checkUse(S, A, Call);
      return;
    }
  }
  // Unknown callee: the value may be kept, so it escapes; a variable
  // whose address is passed may be overwritten. A pointer-to-const
  // parameter cannot be released without a cast, so it is only used.
  checkUse(S, A, Call);
  if (!FC && Callee && PI < Callee->getNumParams()) {
    QualType PT = Callee->getParamDecl(PI)->getType();
    if (PT->isPointerType() && PT->getPointeeType().isConstQualified())
      return;
  }
  escape(S, A);
  if (AddrVar) {
    escape(S, AddrOf->getSubExpr());
    Ch.Unbinds.push_back(AddrVar);
  }
}

/// The value a call returns on one outcome, or the finding when an owned
/// one is dropped.
void FunctionAnalysis::callResult(const CallSite &C,
                                  std::optional<bool> Succeeded, PathState &S) {
  const Expr *Call = C.Call;
  const FunctionContract *FC = C.FC;
  llvm::ArrayRef<const Expr *> Args = C.Args;
  llvm::StringRef Fn = C.Fn;
  auto Applies = [&](When W) { return appliesOn(W, Succeeded); };
  // A pointer into an argument's storage, with no resource of its own.
  if (FC && !FC->Returns && FC->Interior >= 0 &&
      unsigned(FC->Interior) < Args.size() && !Discarded.count(Call) &&
      Applies(When::Always))
    if (std::optional<ValueKey> K =
            interiorValue(S, Call, Args[FC->Interior], Fn, locOf(Call)))
      S.ExprVals[Call] = *K;
  // The returned value.
  if (FC && FC->Returns &&
      Applies(FC->Returns->NullOnFailure ? When::OnSuccess : When::Always)) {
    Value V;
    V.St = FC->Returns->Owned ? VState::Owned : VState::Borrowed;
    V.WasBorrowed = V.St == VState::Borrowed;
    V.Res = TU.Contracts.resource(FC->Returns->Resource);
    V.AcqFn = Fn;
    V.AcqLoc = locOf(Call);
    V.AcqStmt = Call;
    V.AcqSeq = S.NextSeq++;
    if (FC->Returns->SourceArg >= 0 &&
        unsigned(FC->Returns->SourceArg) < Args.size()) {
      V.Source = declOf(Args[FC->Returns->SourceArg]);
      V.SourceVal = valueOf(S, Args[FC->Returns->SourceArg]);
    }
    if (FC->Interior >= 0 && unsigned(FC->Interior) < Args.size())
      if (std::optional<ValueKey> O = valueOf(S, Args[FC->Interior])) {
        V.Interior = true;
        V.SourceVal = O;
        if (const Value *OV = S.value(*O))
          V.OwnerName = OV->Name;
      }
    for (auto &D : Domains)
      D->onResult(C, V);
    // Returned inside an RAII object: the object holds it.
    const WrapperType *RW = TU.wrapperOf(Call->getType());
    if (RW && RW->Owns && V.St == VState::Owned) {
      V.Wrapped = 1;
      ValueKey K = newValue(S, Call, V);
      S.ExprVals[Call] = K;
      S.Temps[Call] = K;
    } else if (!Discarded.count(Call)) {
      S.ExprVals[Call] = newValue(S, Call, V);
    } else if (V.LockToken == 2) {
      // A lock given up without keeping its token may be taken back by
      // other means (PyEval_AcquireThread with a state kept elsewhere).
    } else if (V.St == VState::Owned && V.Res && V.Res->FreedOnReturn) {
      reportPiledTemporary(S, V, /*Discarded=*/true);
    } else if (V.St == VState::Owned && !FC->IsConventional) {
      // A result known only by convention is not reported when dropped:
      // error helpers declared to return PyObject * return NULL only.
      report(FindingKind::ResourceLeak, V.Res, locOf(Call), Call,
             "the result of '" + Fn.str() + "' (" + describe(V) +
                 ") is discarded, so it can never be released",
             {});
    }
  }
}

std::optional<ValueKey>
FunctionAnalysis::interiorValue(PathState &St, const void *Site,
                                const Expr *OwnerArg, llvm::StringRef Fn,
                                SourceLocation Loc, const VarDecl *OwnerVar) {
  std::optional<ValueKey> O;
  if (OwnerVar) {
    if (const ValueKey *B = St.Bind.lookup(OwnerVar))
      O = *B;
  } else {
    O = valueOf(St, OwnerArg);
  }
  if (!O)
    return std::nullopt;
  const Value *OV = St.value(*O);
  if (!OV || OV->St == VState::Released || OV->St == VState::Moved)
    return std::nullopt;
  Value V;
  V.St = VState::Borrowed;
  V.WasBorrowed = true;
  V.AcqFn = Fn;
  V.AcqLoc = Loc;
  V.Interior = true;
  V.SourceVal = O;
  V.OwnerName = OV->Name;
  V.AcqSeq = St.NextSeq++;
  return newValue(St, Site, V);
}

std::optional<ValueKey> FunctionAnalysis::interiorMacro(PathState &St,
                                                        const Expr *E) {
  E = E->IgnoreParens();
  SourceLocation L = E->getBeginLoc();
  const SourceManager &SM = TU.Ctx.getSourceManager();
  if (!L.isMacroID() || SM.isMacroArgExpansion(L))
    return std::nullopt;
  llvm::StringRef Macro =
      Lexer::getImmediateMacroName(L, SM, TU.Ctx.getLangOpts());
  const FunctionContract *FC = TU.Contracts.lookup(Macro);
  if (!FC || FC->Interior != 0)
    return std::nullopt;
  // The macro's argument: the tracked variable written in it.
  const DeclRefExpr *Arg = macroArgument(
      E, SM, [](const DeclRefExpr *DRE) { return localVar(DRE) != nullptr; });
  if (!Arg)
    return std::nullopt;
  // The macro's argument is what the variable holds.
  return interiorValue(St, E, nullptr, TU.intern(Macro), SM.getExpansionLoc(L),
                       localVar(Arg));
}

void FunctionAnalysis::acquireSlots(const CallSite &C, unsigned I,
                                    const ArgEffect &AE, bool Acquired,
                                    PathState &S) {
  const Expr *A = strip(C.Args[I]);
  if (!A->getType()->isArrayType())
    return; // A pointer: where it points is not followed.
  std::optional<PlaceKey> Base;
  // A local array's slots also have facts ('fds[0] >= 0').
  const VarDecl *Local = nullptr;
  if (const auto *DRE = dyn_cast<DeclRefExpr>(A)) {
    if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
      Base =
          PlaceKey{{VD->getCanonicalDecl(), PlaceKey::DeclRoot}, TU.path({})};
    Local = localVar(DRE);
  } else if (isa<MemberExpr>(A)) {
    Base = placeOf(S, A);
  }
  if (!Base || Base->Slot >= 0)
    return;
  std::string Text = sourceText(A);
  QualType Elem = A->getType()->castAsArrayTypeUnsafe()->getElementType();
  for (int J = 0; J < AE.Elements; ++J) {
    PlaceKey P = *Base;
    P.Slot = J;
    if (const ValueKey *Old = S.Places.lookup(P)) {
      ValueKey OK = *Old;
      S.unbindPlace(P);
      dropPlaceValue(S, OK, nullptr, C.Call);
    }
    PathState::MemberKey MK{Local, nullptr, J};
    if (Local)
      S.Facts.Members.erase(MK);
    // A failed call leaves the slots as they were: nothing to follow, and
    // nothing known.
    if (!Acquired)
      continue;
    Value V;
    V.St = VState::Owned;
    V.Res = TU.Contracts.resource(AE.Resource);
    V.Name = TU.intern(Text + "[" + std::to_string(J) + "]");
    V.AcqFn = C.Fn;
    V.AcqLoc = locOf(C.Call);
    V.AcqArg = I;
    V.AcqStmt = C.Call;
    V.AcqSeq = S.NextSeq++;
    S.bindPlace(P, newValue(S, C.Call, V));
    // After a success, a descriptor (not negative) or a handle (not null).
    Fact F;
    F.Assumed = true;
    if (Elem->isSignedIntegerType())
      F.Lo = 0;
    else if (Elem->isPointerType())
      F.Ne = 0;
    else
      continue;
    if (Local)
      S.Facts.Members[MK] = F;
  }
}

bool FunctionAnalysis::keptWhole(const VarDecl *VD) {
  auto [It, New] = KeptWhole.try_emplace(VD, true);
  if (!New)
    return It->second;
  struct Uses : RecursiveASTVisitor<Uses> {
    const VarDecl *VD;
    llvm::SmallVector<const DeclRefExpr *, 8> Found;
    bool Captured = false;
    bool VisitDeclRefExpr(DeclRefExpr *DRE) {
      if (DRE->getDecl()->getCanonicalDecl() == VD) {
        Found.push_back(DRE);
        // A lambda or block that captures it may run after any statement.
        Captured |= DRE->refersToEnclosingVariableOrCapture();
      }
      return true;
    }
  } U;
  U.VD = VD->getCanonicalDecl();
  U.TraverseStmt(FD->getBody());
  bool Whole =
      !U.Captured && llvm::all_of(U.Found, [&](const DeclRefExpr *DRE) {
        return usedInPlace(DRE);
      });
  KeptWhole[VD] = Whole;
  return Whole;
}

/// E, a part of a local aggregate, is only read, written or filled where
/// it is: a field or fixed slot of it, a scalar of it, or an array a
/// contract fills ('pipe(fds)').
bool FunctionAnalysis::usedInPlace(const Expr *E) {
  if (!Parents)
    Parents = std::make_unique<ParentMap>(const_cast<Stmt *>(FD->getBody()));
  const Stmt *P = Parents->getParentIgnoreParenImpCasts(const_cast<Expr *>(E));
  auto Is = [&](const Expr *X) {
    return X && X->IgnoreParenImpCasts() == E->IgnoreParenImpCasts();
  };
  // A scalar (an int, a pointer) is copied out; whatever follows is about
  // the value, which the analysis follows itself.
  bool Scalar = E->getType()->isScalarType();
  if (const auto *ME = dyn_cast_or_null<MemberExpr>(P))
    if (!ME->isArrow() && Is(ME->getBase()))
      return usedInPlace(ME);
  if (const auto *AS = dyn_cast_or_null<ArraySubscriptExpr>(P))
    if (Is(AS->getBase()) && constant(AS->getIdx()))
      return usedInPlace(AS);
  if (isa_and_nonnull<UnaryExprOrTypeTraitExpr>(P))
    return true; // sizeof
  if (const auto *CE = dyn_cast_or_null<CallExpr>(P))
    if (const FunctionDecl *Callee = CE->getDirectCallee())
      if (const FunctionContract *FC = TU.namedContract(Callee))
        for (const auto &[J, AE] : FC->Args)
          if (AE.Elements > 0 && J < CE->getNumArgs() && Is(CE->getArg(J)))
            return true;
  if (Scalar) {
    // '&s.fd' hands the slot itself over.
    const auto *UO = dyn_cast_or_null<UnaryOperator>(P);
    return !UO || UO->getOpcode() != UO_AddrOf;
  }
  return false;
}

const DeclRefExpr *
impl::macroArgument(const Expr *E, const SourceManager &SM,
                    llvm::function_ref<bool(const DeclRefExpr *)> Accept) {
  struct Find : RecursiveASTVisitor<Find> {
    const SourceManager &SM;
    llvm::function_ref<bool(const DeclRefExpr *)> Accept;
    const DeclRefExpr *Found = nullptr;
    bool VisitDeclRefExpr(DeclRefExpr *DRE) {
      // Written where the macro is used, not in a definition that passes
      // it on to another macro.
      SourceLocation L = DRE->getBeginLoc();
      if (SM.isMacroArgExpansion(L) &&
          SM.getFileID(SM.getSpellingLoc(L)) ==
              SM.getFileID(SM.getExpansionLoc(L)) &&
          Accept(DRE))
        Found = DRE;
      return !Found;
    }
  } F{{}, SM, Accept};
  F.TraverseStmt(const_cast<Expr *>(E));
  return F.Found;
}

void FunctionAnalysis::applyFieldStores(const CallSite &C,
                                        std::optional<bool> Succeeded,
                                        PathState &S) {
  if (!C.FC || C.FC->FieldStores.empty())
    return;
  for (const FieldStoreEffect &FS : C.FC->FieldStores) {
    if (!appliesOn(FS.On, Succeeded) || FS.Arg >= C.Args.size())
      continue;
    std::optional<ValueKey> Root = rootOf(S, C.Args[FS.Arg]);
    if (!Root)
      continue;
    PlaceKey P{*Root, TU.path({static_cast<const FieldDecl *>(FS.Field)})};
    Value V;
    V.Res = TU.Contracts.resource(FS.Resource);
    V.AcqFn = C.Fn;
    V.AcqLoc = locOf(C.Call);
    V.AcqStmt = C.Call;
    V.AcqSeq = S.NextSeq++;
    V.Name =
        TU.intern(sourceText(C.Args[FS.Arg]) + "->" +
                  static_cast<const FieldDecl *>(FS.Field)->getName().str());
    std::optional<ValueKey> Old;
    if (const ValueKey *O = S.Places.lookup(P))
      Old = *O;
    S.bindPlace(P, newValue(S, C.Call, V));
    if (Old)
      dropPlaceValue(S, *Old, C.Args[FS.Arg], C.Call);
  }
}

/// What one outcome of a call tells of its result: facts, the note of a
/// failure, an ignored result that can fail. False: the outcome is not
/// followed further.
bool FunctionAnalysis::callOutcome(const CallSite &C,
                                   std::optional<bool> Succeeded,
                                   const std::optional<Condition> &Success,
                                   PathState &S) {
  const Expr *Call = C.Call;
  const FunctionContract *FC = C.FC;
  llvm::StringRef Fn = C.Fn;
  // An open whose result is ignored: what follows assumes it worked.
  if (FC && FC->Opens && !FC->MustCheck && Discarded.count(Call) && Succeeded &&
      !*Succeeded)
    return false;
  if (FC && FC->MustCheck && Discarded.count(Call) && Succeeded &&
      !*Succeeded) {
    // '(void)f()' ignores the result on purpose: what follows assumes the
    // call worked, as for an open whose result is ignored.
    if (VoidCast.count(Call))
      return false;
    report(FindingKind::UncheckedResult, FC->Checks, locOf(Call), Call,
           "the result of '" + Fn.str() +
               "' is ignored, but the call can fail" +
               (FC->Success ? " (it succeeds when its result is " +
                                  FC->Success->str() + ")"
                            : std::string()),
           {});
    // Reported once here; the paths where it failed would only repeat it.
    return false;
  }
  if (Succeeded && Success) {
    Fact F = Fact::of(*Succeeded    ? *Success
                      : FC->Failure ? *FC->Failure
                                    : Success->negate());
    F.Assumed = true;
    S.Facts.Exprs[Call] = F;
    if (!*Succeeded) {
      PathNote N;
      N.Kind = PathNote::CallFails;
      N.S = Call;
      N.Fn = Fn;
      N.FC = FC;
      S.addNote(std::move(N));
    }
  }
  return true;
}

void FunctionAnalysis::forgetFieldsOf(llvm::ArrayRef<const Expr *> Args,
                                      PathState &St) {
  // What a callee may write: fields reached through its arguments, and for
  // code this analysis does not know, any field at all.
  // A callee reaches the fields this function knows of through what it is
  // given; facts about the fields of anything passed are dropped. (A callee
  // that changes them through a global is not followed: forgetting every
  // field at every call would lose the common flag-guarded release.)
  for (const Expr *A : Args) {
    const Expr *SA = strip(A);
    if (const auto *UO = dyn_cast<UnaryOperator>(SA))
      if (UO->getOpcode() == UO_AddrOf) {
        SA = strip(UO->getSubExpr());
        if (const auto *ME = dyn_cast<MemberExpr>(SA))
          St.Facts.forgetField(ME->getMemberDecl()); // sscanf(s, "%d", &o->n)
      }
    if (const auto *UO = dyn_cast<UnaryOperator>(SA);
        UO && UO->getOpcode() == UO_AddrOf)
      if (const VarDecl *G = globalOf(UO))
        St.Facts.Vars.erase(G); // '&g' handed over: it may be written.
    if (const VarDecl *VD = localVar(SA))
      St.Facts.forgetMembers(VD);
    else if (isa<CXXThisExpr>(SA))
      St.Facts.forgetThisMembers();
  }
}

llvm::StringRef FunctionAnalysis::callName(const Expr *Call,
                                           const FunctionDecl *Callee,
                                           const FunctionContract *Forced) {
  llvm::StringRef Fn = Forced ? llvm::StringRef(Forced->Name)
                              : llvm::StringRef("a function pointer");
  if (Callee && !Forced)
    Fn = Callee->getIdentifier() ? Callee->getName()
                                 : TU.intern(Callee->getNameAsString());
  // Messages use the name the code wrote: PyObject_CallMethod, not the
  // _PyObject_CallMethod_SizeT its macro expands to.
  // (Not for a function table's member: that name is the one to tell.)
  if (const auto *CE = dyn_cast<CallExpr>(Call); CE && !Forced) {
    const SourceManager &SM = TU.Ctx.getSourceManager();
    SourceLocation L = CE->getCallee()->getBeginLoc();
    if (L.isMacroID() && !SM.isMacroArgExpansion(L)) {
      llvm::StringRef Macro =
          Lexer::getImmediateMacroName(L, SM, TU.Ctx.getLangOpts());
      if (!Macro.empty())
        Fn = Macro;
    }
  }
  return Fn;
}

void FunctionAnalysis::handleCall(const Expr *Call, const FunctionDecl *Callee,
                                  llvm::ArrayRef<const Expr *> Args,
                                  unsigned ParamOffset, PathState &St,
                                  States &Out, const FunctionContract *Forced) {
  const FunctionContract *FC = Forced ? Forced : TU.contractFor(Callee, Depth);
  LibraryCall = FC && !FC->IsSummary;
  forgetFieldsOf(Args, St);
  // Code of this program, or unknown code, may write any global.
  if (!FC || FC->IsSummary || FC->IsConventional)
    forgetGlobalFacts(St);
  llvm::StringRef Fn = callName(Call, Callee, Forced);
  CallSite Site{Call, Callee, FC, Args, Fn};
  if (!checkNullArguments(Site, ParamOffset, St))
    return;
  for (auto &D : Domains)
    D->beforeCall(Site, St);

  std::optional<Condition> Success = FC ? FC->successCondition() : std::nullopt;
  bool HasOutcome = Success.has_value();

  // The outcomes to produce: a single one, or success and failure.
  std::vector<std::pair<PathState, std::optional<bool>>> Outcomes;
  // A literal format string says what happens to each variadic argument.
  std::optional<std::vector<std::optional<ArgEffect>>> FormatArgs;
  if (FC && FC->Format && Callee && Callee->isVariadic() &&
      FC->Format->Arg < Args.size())
    if (const auto *Lit = dyn_cast<StringLiteral>(strip(Args[FC->Format->Arg])))
      if (Lit->getCharByteWidth() == 1)
        FormatArgs = formatEffects(Lit->getString(), FC->Format->Style,
                                   FC->Format->Resource);

  // A null where the call reports failure for it leaves only the failure:
  // 'fails_on_null', and the object units of a building format
  // (Py_BuildValue("(NN)", PyLong_FromLong(a), ...) returns NULL).
  auto IsNull = [&](unsigned I) {
    const Fact *F = I < Args.size() ? factOf(St, Args[I]) : nullptr;
    return F && F->isZero();
  };
  bool FailsOnNull =
      HasOutcome && llvm::any_of(FC->FailsOnNull, [&](unsigned P) {
        return IsNull(P + ParamOffset);
      });
  if (HasOutcome && FormatArgs && FC->Format->Style == FormatStyle::Build)
    for (unsigned VI = 0; VI < FormatArgs->size() && !FailsOnNull; ++VI)
      if ((*FormatArgs)[VI] &&
          IsNull(ParamOffset + Callee->getNumParams() + VI))
        FailsOnNull = true;
  if (HasOutcome) {
    if (!FailsOnNull)
      Outcomes.push_back({St, true});
    Outcomes.push_back({std::move(St), false});
  } else {
    Outcomes.push_back({std::move(St), std::nullopt});
  }

  for (auto &[S, Succeeded] : Outcomes) {
    slotFree(S, Args, Call);
    ArgChanges Ch;
    for (unsigned I = 0; I < Args.size(); ++I) {
      unsigned PI = I >= ParamOffset ? I - ParamOffset : ~0u;
      const ArgEffect *AE = nullptr;
      if (FC) {
        auto It = FC->Args.find(PI);
        if (It != FC->Args.end())
          AE = &It->second;
        else if (Callee && Callee->isVariadic() && PI != ~0u &&
                 PI >= Callee->getNumParams()) {
          unsigned VI = PI - Callee->getNumParams();
          if (FormatArgs) {
            if (VI < FormatArgs->size() && (*FormatArgs)[VI])
              AE = &*(*FormatArgs)[VI];
          } else if (FC->VarArgs) {
            AE = &*FC->VarArgs;
          }
        }
      }
      argumentEffect(Site, I, PI, AE, Succeeded, S, Ch);
    }

    invalidatePlaces(S, Args, FC, Call);
    for (const VarDecl *VD : Ch.Unbinds)
      bindVar(S, VD, std::nullopt, std::nullopt, nullptr);
    for (const VarDecl *VD : Ch.Forgets)
      forget(S, VD);
    for (auto &[VD, K] : Ch.Binds)
      bindVar(S, VD, K, std::nullopt, Call);
    for (auto &D : Domains)
      D->afterCall(Site, Succeeded, S);

    applyFieldStores(Site, Succeeded, S);
    callResult(Site, Succeeded, S);
    if (!callOutcome(Site, Succeeded, Success, S))
      continue;
    gc(S);
    if (Callee && Callee->isNoReturn())
      S.Dead = true;
    Out.push_back(std::move(S));
  }
}

/// Whether Call's result is what VD receives: its initializer or the right
/// side of an assignment to it.
static bool storedInto(ASTContext &Ctx, const Stmt *Call, const VarDecl *VD) {
  DynTypedNode N = DynTypedNode::create(*Call);
  for (unsigned Up = 0; Up < 4; ++Up) {
    auto Parents = Ctx.getParents(N);
    if (Parents.size() != 1)
      return false;
    N = Parents[0];
    if (const auto *D = N.get<VarDecl>())
      return D == VD;
    if (const auto *BO = N.get<BinaryOperator>()) {
      if (BO->getOpcode() != BO_Assign)
        return false;
      const auto *DR = dyn_cast<DeclRefExpr>(BO->getLHS()->IgnoreParenCasts());
      return DR && DR->getDecl() == VD;
    }
    if (!N.get<ImplicitCastExpr>() && !N.get<ParenExpr>() &&
        !N.get<CStyleCastExpr>())
      return false;
  }
  return false;
}

/// The failed call that made A null on this path: A itself, or the call
/// stored into the variable A names.
static const PathNote *failedCallFor(ASTContext &Ctx, const PathState &St,
                                     const Expr *A) {
  const Expr *SA = strip(A);
  const VarDecl *VD = localVar(A);
  for (const PathNote *N = St.Notes.get(); N; N = N->Prev.get())
    if (N->Kind == PathNote::CallFails &&
        (N->S == SA || (VD && storedInto(Ctx, N->S, VD))))
      return N;
  return nullptr;
}

std::string FunctionAnalysis::nullWhenFailed(const PathNote &Failed,
                                             const Expr *A) const {
  if (Failed.S == strip(A))
    return "the result of '" + Failed.Fn.str() +
           "' is NULL when the call fails";
  const VarDecl *VD = localVar(A);
  return "'" + (VD ? VD->getName().str() : sourceText(A)) + "' is NULL when '" +
         Failed.Fn.str() + "' fails";
}

std::vector<Note> FunctionAnalysis::failureNotes(const PathState &St,
                                                 const PathNote &Failed) const {
  std::vector<const PathNote *> Steps;
  for (const PathNote *N = St.Notes.get(); N != &Failed && Steps.size() < 2;
       N = N->Prev.get())
    Steps.push_back(N);
  std::vector<Note> Notes{noteText(Failed)};
  for (auto It = Steps.rbegin(); It != Steps.rend(); ++It)
    Notes.push_back(noteText(**It));
  return Notes;
}

bool FunctionAnalysis::checkNullArguments(const CallSite &C,
                                          unsigned ParamOffset,
                                          const PathState &St) {
  if (!C.FC || C.FC->RejectsNull.empty())
    return true;
  for (unsigned I = ParamOffset; I < C.Args.size(); ++I) {
    const Expr *A = C.Args[I];
    if (!C.FC->rejectsNull(I - ParamOffset) || !A->getType()->isPointerType())
      continue;
    const Fact *F = factOf(St, A);
    if (!F || !F->isZero())
      continue;
    const PathNote *Failed = failedCallFor(TU.Ctx, St, A);
    // An assumed null the code never saw comes from a failed call, or it is
    // not one this check can tell of (PyErr_Occurred() taken as NULL).
    if (F->Assumed && !Failed)
      continue;
    const VarDecl *VD = localVar(A);
    std::string Name = VD ? VD->getName().str() : sourceText(A);
    std::string Callee = "'" + C.Fn.str() + "', which does not accept NULL";
    std::string Msg;
    std::vector<Note> Notes;
    if (Failed) {
      if (!F->Assumed)
        Msg = "'" + Name + "' is NULL here, where '" + Failed->Fn.str() +
              "' failed, and it is passed to " + Callee;
      else
        Msg = nullWhenFailed(*Failed, A) + ", and it is passed untested to " +
              Callee;
      Notes = failureNotes(St, *Failed);
    } else {
      Msg = "'" + Name + "' is NULL here, and it is passed to " + Callee;
      Notes = pathNotes(St, Value(), 2);
    }
    report(FindingKind::NullArgument, C.FC->Checks, locOf(A), A, Msg,
           std::move(Notes));
    return false;
  }
  return true;
}

void FunctionAnalysis::forgetGlobalFacts(PathState &St) {
  std::vector<const VarDecl *> Globals;
  for (const auto &[VD, F] : St.Facts.Vars)
    if (VD->hasGlobalStorage())
      Globals.push_back(VD);
  for (const VarDecl *G : Globals)
    St.Facts.Vars.erase(G);
}

bool FunctionAnalysis::checkNullDeref(const Expr *Base, const Expr *At,
                                      PathState &St) {
  const Fact *F = factOf(St, Base);
  if (!F || !F->isZero() || !F->Assumed)
    return true;
  // Only for libraries whose contract says which arguments reject NULL: a
  // malloc result written through untested is left to other tools.
  const PathNote *Failed = failedCallFor(TU.Ctx, St, Base);
  if (!Failed || !Failed->FC || Failed->FC->Checks.empty() ||
      !TU.Contracts.rejectsNullIn(Failed->FC->Checks))
    return true;
  report(FindingKind::NullArgument, Failed->FC->Checks, locOf(At), At,
         nullWhenFailed(*Failed, Base) +
             ", and it is dereferenced here untested",
         failureNotes(St, *Failed));
  St.Dead = true;
  return false;
}

void FunctionAnalysis::checkSource(PathState &St, ValueKey K, const Expr *Call,
                                   const Expr *SourceArg, llvm::StringRef Fn) {
  const Value *VP = St.value(K);
  if (!VP || !VP->Source || VP->St != VState::Owned)
    return;
  const Value &V = *VP;
  const Decl *Given = declOf(SourceArg);
  if (!Given || Given == V.Source)
    return;
  // Two variables holding one tracked value are the same array.
  if (std::optional<ValueKey> Now = valueOf(St, SourceArg);
      Now && V.SourceVal && *Now == *V.SourceVal)
    return;
  // Fields through different objects may hold the same array: only two
  // distinct named variables are known to differ.
  const auto *Was = dyn_cast<VarDecl>(V.Source);
  const auto *Now = dyn_cast<VarDecl>(Given);
  if (!Was || !Now || !Was->getIdentifier() || !Now->getIdentifier())
    return;
  report(FindingKind::WrongRelease, V.Res, locOf(Call), Call,
         varName(St, K) + " (" + describe(V) + " from '" + V.AcqFn.str() +
             "') came from '" + Was->getName().str() + "' but '" + Fn.str() +
             "' is given '" + Now->getName().str() + "'",
         pathNotes(St, V, 0));
}

void FunctionAnalysis::checkStoreOver(PathState &St, const Expr *L,
                                      const Expr *RHS, const Stmt *At) {
  const Decl *D = declOf(L);
  // A global, or a field of a parameter or global ('self->cb'): places that
  // stay the same; a field through a local may be another object each time.
  bool Fixed =
      isa_and_nonnull<VarDecl>(D) && cast<VarDecl>(D)->hasGlobalStorage();
  if (const auto *ME = dyn_cast<MemberExpr>(L))
    if (const auto *Base = dyn_cast<DeclRefExpr>(strip(ME->getBase())))
      if (const auto *BV = dyn_cast<VarDecl>(Base->getDecl()))
        Fixed = isa<ParmVarDecl>(BV) || BV->hasGlobalStorage();
  if (!D || !Fixed)
    return;
  // The owned value stored, if any, and what to remember of it.
  std::optional<ValueKey> K = RHS ? valueOf(St, RHS) : std::nullopt;
  const Value *New = K ? St.value(*K) : nullptr;
  if (New && (New->St != VState::Owned || !New->Res || New->Region))
    New = nullptr;
  PathState::Stored Here;
  if (New)
    Here = {New->Res, New->AcqFn, locOf(At), St.NextSeq - 1};
  if (isa<VarDecl>(D) && cast<VarDecl>(D)->hasGlobalStorage()) {
    St.StoredFreedOnReturn.erase(D);
    if (New && New->Res->FreedOnReturn)
      St.StoredFreedOnReturn[D] = {*K, Here, false};
  }
  // Only what this path itself stored there is known to be lost: whether an
  // earlier call left something is not this function's to know.
  auto It = St.StoredOwned.find(D);
  if (It != St.StoredOwned.end()) {
    PathState::Stored Old = It->second;
    St.StoredOwned.erase(It);
    // Certain only if no branch this analysis assumed (but a loop's) lies
    // between the two stores.
    if (assumedBranchSince(St, Old.Seq, /*CountLoops=*/false))
      return;
    std::string Desc = Old.Res ? Old.Res->Description : "owned value";
    report(FindingKind::ResourceLeak, Old.Res, locOf(At), At,
           "'" + cast<NamedDecl>(D)->getNameAsString() +
               "' is overwritten while it holds the " + Desc + " from '" +
               Old.AcqFn.str() + "' stored there before, never released",
           {{Old.At, "the " + Desc + " is stored here"}});
  }
  if (New && !New->Res->FreedOnReturn) {
    St.StoredOwned[D] = Here;
    if (const auto *G = dyn_cast<VarDecl>(D); G && !Destroy && !New->LockToken)
      TU.OwningGlobals.insert(
          {G->getCanonicalDecl(),
           {New->Res, TU.intern(FD->getNameAsString()), New->AcqFn, Here.At}});
  }
}

/// Forgets values nothing refers to any more and that cannot be reported.
/// Only values that lost a holder or were made since the last collection
/// are looked at: a long function's state holds thousands.
void FunctionAnalysis::gc(PathState &St) {
  llvm::SmallVector<ValueKey, 4> Candidates;
  std::swap(Candidates, St.MaybeGarbage);
  for (ValueKey K : Candidates) {
    const Value *V = St.value(K);
    if (!V || V->St == VState::Owned || St.refCount(K) > 0 ||
        (V->Region && V->St != VState::Released))
      continue;
    St.eraseValue(K);
    // Nothing reaches the object any more, nor its fields.
    forgetPlacesRootedAt(St, K);
  }
}

void FunctionAnalysis::assignVar(const VarDecl *VD, const Expr *RHS,
                                 const Stmt *At, PathState &St) {
  for (auto &D : Domains)
    D->onStore(RHS, VD, St);
  std::optional<ValueKey> K = RHS ? valueOf(St, RHS) : std::nullopt;
  if (RHS && !K && VD->getType()->isPointerType())
    K = interiorMacro(St, RHS);
  if (RHS && !K && isa<ConditionalOperator>(strip(RHS)))
    escape(St, RHS); // An arm this analysis cannot pick: stop following it.
  if (RHS && !K)
    if (const auto *BO = dyn_cast<BinaryOperator>(strip(RHS)))
      if (BO->isAdditiveOp() && BO->getType()->isPointerType()) {
        // An interior pointer: whoever holds it may free from it later.
        escape(St, BO->getLHS());
        escape(St, BO->getRHS());
      }

  std::optional<Fact> F = storedFact(St, RHS);
  if (!F && RHS)
    if (std::optional<bool> B = truthOf(St, RHS))
      F = Fact::exactly(*B);
  bindVar(St, VD, K, F, At);
}

std::optional<Fact> FunctionAnalysis::storedFact(const PathState &St,
                                                 const Expr *RHS) const {
  if (!RHS)
    return std::nullopt;
  if (std::optional<int64_t> C = constant(RHS))
    return Fact::exactly(*C);
  if (const Fact *Known = factOf(St, RHS))
    return *Known;
  return std::nullopt;
}

void FunctionAnalysis::handleAssign(const Expr *LHS, const Expr *RHS,
                                    const Stmt *At, PathState &St) {
  std::optional<ValueKey> K = RHS ? valueOf(St, RHS) : std::nullopt;
  if (const VarDecl *VD = localVar(LHS))
    return assignVar(VD, RHS, At, St);
  // The failed result stored where this analysis cannot follow its tests.
  for (auto &D : Domains)
    D->onStore(RHS, nullptr, St);
  const Expr *L = strip(LHS);
  checkStoreOver(St, L, RHS, At);
  // What a global was just given ('Error = PyErr_NewException(...)'), kept
  // until code that may write it runs (forgetGlobalFacts).
  const auto *GRef = dyn_cast<DeclRefExpr>(L);
  const auto *G = GRef ? dyn_cast<VarDecl>(GRef->getDecl()) : nullptr;
  if (G && G->hasGlobalStorage() && G->getType()->isScalarType()) {
    if (std::optional<Fact> F = storedFact(St, RHS))
      St.Facts.Vars.set(G, *F);
    else
      St.Facts.Vars.erase(G);
  }
  if (const auto *ME = dyn_cast<MemberExpr>(L)) {
    // Any base may alias this one: what was known of the field is gone.
    St.Facts.forgetField(ME->getMemberDecl());
    Subject Subj = subjectOf(St, ME);
    if (Subj.Member)
      if (std::optional<Fact> F = storedFact(St, RHS))
        St.Facts.Members[*Subj.Member] = *F;
  }
  if (const auto *AS = dyn_cast<ArraySubscriptExpr>(L)) {
    Subject Subj = subjectOf(St, AS);
    if (Subj.Member) {
      St.Facts.Members.erase(*Subj.Member);
      if (std::optional<Fact> F = storedFact(St, RHS))
        St.Facts.Members[*Subj.Member] = *F;
    } else if (const VarDecl *VD = localVar(AS->getBase())) {
      St.Facts.forgetMembers(VD); // 'fds[i] = ...': any slot.
    }
  }
  // '*out = v' through a parameter: remembered for the summary.
  if (const auto *UO = dyn_cast<UnaryOperator>(L))
    if (UO->getOpcode() == UO_Deref)
      if (const auto *DRE = dyn_cast<DeclRefExpr>(strip(UO->getSubExpr())))
        if (const auto *P = dyn_cast<ParmVarDecl>(DRE->getDecl())) {
          const Value *V = K ? St.value(*K) : nullptr;
          if (V && V->St == VState::Owned && V->Res)
            St.OutStores[P] = V->Res;
          else
            St.OutStores.erase(P);
        }
  // A field this analysis can name holds what is stored there.
  std::optional<PlaceKey> P;
  if (isa<MemberExpr, DeclRefExpr, ArraySubscriptExpr>(L))
    P = placeOf(St, L);
  // A slot this analysis cannot name: any slot of that array may change.
  if (const auto *AS = dyn_cast<ArraySubscriptExpr>(L); AS && !P)
    forgetSlotsOf(St, AS->getBase());
  // Globals (their fields and slots too) are not followed as places: what
  // a global keeps outlives the function, whoever holds other references.
  bool InGlobal = false;
  if (P && P->Root.second == PlaceKey::DeclRoot)
    if (const auto *VD =
            dyn_cast<VarDecl>(static_cast<const Decl *>(P->Root.first)))
      InGlobal = VD->hasGlobalStorage();
  if (P && !InGlobal && (!P->Path->empty() || P->Slot >= 0)) {
    storePlace(St, *P, L, RHS, At);
  } else {
    // A global (followed as a place only by a destroy function's walk), an
    // array element, a store through a pointer: whoever owns that place
    // owns it now.
    if (P)
      if (const ValueKey *Old = St.Places.lookup(*P)) {
        ValueKey OK = *Old;
        St.unbindPlace(*P);
        dropPlaceValue(St, OK, L, At);
      }
    if (K && RHS)
      escape(St, RHS);
  }
  if (const auto *ME = dyn_cast<MemberExpr>(L))
    checkUse(St, ME->getBase(), At);
}

void FunctionAnalysis::storePlace(PathState &St, const PlaceKey &P,
                                  const Expr *L, const Expr *RHS,
                                  const Stmt *At) {
  std::optional<ValueKey> K = RHS ? valueOf(St, RHS) : std::nullopt;
  std::optional<ValueKey> Old;
  if (const ValueKey *O = St.Places.lookup(P))
    Old = *O;
  // The same field through another root may be this one: what it was
  // known to hold is no longer followed.
  llvm::SmallVector<PlaceKey, 4> Aliases;
  for (const auto &[Q, QK] : St.Places)
    if (!(Q.Root == P.Root) && !Q.Path->empty() && !P.Path->empty() &&
        Q.Path->back() == P.Path->back() && Q.Slot == P.Slot)
      Aliases.push_back(Q);
  for (const PlaceKey &Q : Aliases)
    forgetPlace(St, Q);
  const Value *NV = K ? St.value(*K) : nullptr;
  if (!Old && !Destroy)
    checkSetterOverwrite(St, P, L, NV, RHS, At);
  bool Follow = NV && NV->St == VState::Owned && !NV->Region;
  if (Follow) {
    // Named as written when no variable names it ('arr[0]').
    if (NV->Name.empty())
      if (std::string Text = sourceText(L); !Text.empty()) {
        St.updateValue(*K, [&](Value &X) { X.Name = TU.intern(Text); });
        NV = St.value(*K);
      }
    St.bindPlace(P, *K);
    St.MaybeGarbage.push_back(*K);
    // The field owns such values: its object's destroy function must
    // release them.
    if (NV->Res && !NV->Res->FreedOnReturn && !Destroy && !NV->LockToken &&
        P.isField())
      TU.OwningFields.insert(
          {P.Path->back(),
           {NV->Res, TU.intern(FD->getNameAsString()), NV->AcqFn, locOf(At)}});
  } else {
    St.unbindPlace(P);
    if (K && RHS)
      escape(St, RHS);
    // A setter's path knows what it put there ('self->x = NULL' after a
    // release): a later store over it loses nothing.
    if (isSetter() && P.Path->size() == 1 && P.isField()) {
      Value Known;
      Known.St = VState::Escaped;
      Known.AcqFn = TU.intern(FD->getNameAsString());
      St.bindPlace(P, newValue(St, At, Known));
    }
  }
  if (Old && (!K || *Old != *K))
    dropPlaceValue(St, *Old, L, At);
}

std::string impl::heldText(const Value &V) {
  std::string Desc = V.Res ? V.Res->Description : "owned value";
  if (V.AcqFn.empty())
    return "the " + Desc + " the field is declared to own";
  return "the " + Desc + " that '" + V.AcqFn.str() + "' stored there";
}

Note impl::heldNote(const Value &V) {
  std::string Desc = V.Res ? V.Res->Description : "owned value";
  if (V.AcqFn.empty())
    return {V.AcqLoc, "this field is declared to own the " + Desc};
  return {V.AcqLoc, "the field owns the " + Desc + " stored here"};
}

void FunctionAnalysis::dropPlaceValue(PathState &St, ValueKey Old,
                                      const Expr *L, const Stmt *At) {
  if (St.holders(Old))
    return;
  const Value *V = St.value(Old);
  if (!V || V->St != VState::Owned)
    return;
  // Named as written, or (no expression: a slot a call fills) as held.
  std::string Name = L ? sourceText(L) : std::string();
  if (V->FieldEntry) {
    std::string Desc = V->Res ? V->Res->Description : "owned value";
    report(FindingKind::FieldLeak, V->Res, locOf(At), At,
           "'" + (Name.empty() ? V->Name.str() : Name) +
               "' is overwritten while it holds " + heldText(*V) +
               ", never released",
           {heldNote(*V)});
    St.updateValue(Old, [](Value &X) { X.St = VState::Escaped; });
    return;
  }
  dropValueRef(St, Old, At, Lost::Overwritten,
               Name.empty() ? llvm::StringRef() : TU.intern(Name));
}

void FunctionAnalysis::forgetPlace(PathState &St, const PlaceKey &P) {
  const ValueKey *K = St.Places.lookup(P);
  if (!K)
    return;
  ValueKey Key = *K;
  St.unbindPlace(P);
  // Whoever may change the field may also take what it holds, whatever
  // variables still hold it too.
  const Value *V = St.value(Key);
  if (V && V->St == VState::Owned)
    St.updateValue(Key, [](Value &X) { X.St = VState::Escaped; });
}

void FunctionAnalysis::forgetSlotsOf(PathState &St, const Expr *Array) {
  if (St.Places.empty() || !strip(Array)->getType()->isArrayType())
    return;
  std::optional<PlaceKey> A = placeOf(St, Array);
  if (!A)
    if (const auto *DRE = dyn_cast<DeclRefExpr>(strip(Array)))
      if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
        A = PlaceKey{{VD->getCanonicalDecl(), PlaceKey::DeclRoot}, TU.path({})};
  if (!A)
    return;
  llvm::SmallVector<PlaceKey, 4> Gone;
  for (const auto &[P, K] : St.Places)
    if (P.Root == A->Root && P.Path == A->Path && P.Slot >= 0)
      Gone.push_back(P);
  for (const PlaceKey &P : Gone)
    forgetPlace(St, P);
}

void FunctionAnalysis::forgetPlacesRootedAt(PathState &St, ValueKey Root) {
  if (St.Places.empty())
    return;
  llvm::SmallVector<PlaceKey, 4> Gone;
  for (const auto &[P, K] : St.Places)
    if (P.Root == Root)
      Gone.push_back(P);
  for (const PlaceKey &P : Gone) {
    // What the forgotten fields held may root places of their own.
    const ValueKey *K = St.Places.lookup(P);
    if (!K)
      continue; // Forgotten already, through a cycle of fields.
    ValueKey Held = *K;
    forgetPlace(St, P);
    if (!(Held == Root))
      forgetPlacesRootedAt(St, Held);
  }
}

void FunctionAnalysis::rootFreed(PathState &St, ValueKey Root, const Expr *Call,
                                 llvm::StringRef Fn, const Resource *Freed) {
  if (St.Places.empty())
    return;
  // Releasing the last reference of a counted object runs its destructor,
  // which is where its fields are released.
  if (!TU.isRefCounted(Freed)) {
    std::vector<std::pair<PlaceKey, ValueKey>> Held;
    for (const auto &[P, K] : St.Places)
      if (P.Root == Root && P.isField())
        Held.push_back({P, K});
    for (auto &[P, K] : Held) {
      const Value *V = St.value(K);
      if (!V || V->St != VState::Owned || V->Refs >= Value::MaxRefs ||
          St.holders(K) > 1)
        continue;
      std::string Desc = V->Res ? V->Res->Description : "owned value";
      std::string Field;
      for (const FieldDecl *F : *P.Path)
        Field += (Field.empty() ? "" : ".") + F->getNameAsString();
      std::string Owner =
          Destroy && V->FieldEntry ? V->Name.str() : "'" + Field + "'";
      if (V->FieldEntry) {
        report(FindingKind::FieldLeak, V->Res, locOf(Call), K.first,
               "'" + V->Name.str() + "' still holds " + heldText(*V) +
                   " when '" + Fn.str() + "' frees the object; '" +
                   FD->getNameAsString() + "' (" + Destroy->Why +
                   ") must release it",
               {heldNote(*V)});
      } else {
        std::vector<Note> Notes = pathNotes(St, *V, 3);
        report(FindingKind::ResourceLeak, V->Res, locOf(Call), K.first,
               "'" + Fn.str() + "' frees the object whose field '" + Field +
                   "' holds the " + Desc + " from '" + V->AcqFn.str() +
                   "', which is never released",
               Notes);
      }
      St.updateValue(K, [](Value &X) { X.St = VState::Escaped; });
    }
  }
  forgetPlacesRootedAt(St, Root);
}

void FunctionAnalysis::invalidatePlaces(PathState &St,
                                        llvm::ArrayRef<const Expr *> Args,
                                        const FunctionContract *FC,
                                        const Expr *Call) {
  if (St.Places.empty())
    return;
  // A library's contract says all its function does; code of this program
  // (summarized or not) may change any field it reaches.
  bool Library = FC && !FC->IsSummary;
  for (const Expr *A : Args) {
    const Expr *SA = strip(A);
    if (const auto *UO = dyn_cast<UnaryOperator>(SA))
      if (UO->getOpcode() == UO_AddrOf)
        if (std::optional<PlaceKey> P = placeOf(St, UO->getSubExpr()))
          if (!Library || !P->Path->empty())
            forgetPlace(St, *P); // Written through: '&self->x'.
    if (!Library)
      forgetSlotsOf(St, A); // 'fill(s->refs)': its slots.
    std::optional<ValueKey> Root = rootOf(St, A);
    if (!Root)
      continue;
    if (!Library)
      forgetPlacesRootedAt(St, *Root);
  }
}

void FunctionAnalysis::slotFree(PathState &St,
                                llvm::ArrayRef<const Expr *> Args,
                                const Expr *Call) {
  // Freeing through a type's slot: 'Py_TYPE(self)->tp_free(self)', before
  // the call's contract takes the object: its fields still hold what they
  // held.
  const auto *CE = dyn_cast<CallExpr>(Call);
  const auto *ME = CE ? dyn_cast<MemberExpr>(strip(CE->getCallee())) : nullptr;
  if (!ME || ME->getMemberDecl()->getName() != "tp_free" || St.Places.empty())
    return;
  for (const Expr *A : Args)
    if (std::optional<ValueKey> Root = rootOf(St, A))
      rootFreed(St, *Root, Call, "tp_free", nullptr);
}

bool FunctionAnalysis::isSetter() {
  if (Setter)
    return *Setter;
  Setter = false;
  if (Destroy || isa<CXXConstructorDecl>(FD))
    return false;
  std::string Name = llvm::StringRef(FD->getNameAsString()).lower();
  if (Name.find("set") == std::string::npos &&
      Name.find("install") == std::string::npos &&
      Name.find("replace") == std::string::npos)
    return false;
  // Functions that fill a new object (init, new, create...) start from an
  // empty one.
  for (const char *Word :
       {"init", "new", "creat", "alloc", "make", "setup", "build", "open",
        "ctor", "construct", "clone", "copy", "dup", "load", "start", "ensure",
        "lazy", "reset"})
    if (Name.find(Word) != std::string::npos)
      return false;
  Setter = true;
  return true;
}

/// Whether the object at P's root is the caller's (a parameter, or reached
/// from one), not one this function made: an earlier call may have filled
/// its fields.
static bool callersObject(const PathState &St, const PlaceKey &P) {
  if (P.Root.second == PlaceKey::ThisRoot)
    return true;
  if (P.Root.second == PlaceKey::DeclRoot)
    return isa<ParmVarDecl>(static_cast<const Decl *>(P.Root.first));
  const Value *R = St.value(P.Root);
  return R && R->St == VState::Param;
}

void FunctionAnalysis::readPlace(PathState &St, const Expr *E) {
  const auto *ME = dyn_cast<MemberExpr>(strip(E));
  if (!ME || !ME->getType()->isPointerType())
    return;
  const auto *F = dyn_cast<FieldDecl>(ME->getMemberDecl());
  if (!F || !TU.releasedFields().count(F))
    return;
  std::optional<PlaceKey> P = placeOf(St, ME);
  if (!P || P->Path->size() != 1 || !P->isField() || St.Places.count(*P) ||
      !callersObject(St, *P))
    return;
  // What the field holds on entry: not this function's to release, but
  // followed, so that a release or a test of it is seen.
  Value V;
  V.St = VState::Escaped;
  V.Name = TU.intern(sourceText(ME));
  V.AcqFn = TU.intern(FD->getNameAsString());
  V.AcqLoc = locOf(ME);
  auto It = TU.OwningFields.find(F);
  V.Res = It != TU.OwningFields.end() ? It->second.Res
                                      : TU.releasedFields().lookup(F);
  St.bindPlace(*P, newValue(St, ME, V));
}

void FunctionAnalysis::checkSetterOverwrite(const PathState &St,
                                            const PlaceKey &P, const Expr *L,
                                            const Value *New, const Expr *RHS,
                                            const Stmt *At) {
  if (P.Path->size() != 1 || !P.isField() || !isSetter() ||
      !callersObject(St, P))
    return;
  // Only a field the program releases somewhere holds what it owns; a
  // setter that read it on this path (tested it, released it) knows.
  const FieldDecl *F = P.Path->back();
  auto Released = TU.releasedFields().find(F);
  if (Released == TU.releasedFields().end())
    return;
  const Resource *R = New && New->St == VState::Owned ? New->Res : nullptr;
  auto It = TU.OwningFields.find(F);
  if (It != TU.OwningFields.end() && (!R || R == It->second.Res))
    R = It->second.Res;
  if (!R)
    R = Released->second;
  if (!R || R->FreedOnReturn)
    return;
  std::string Text = sourceText(L);
  if (Text.empty())
    Text = F->getNameAsString();
  std::string Desc = R->Description;
  std::vector<Note> Notes;
  std::string What;
  if (New && New->St == VState::Owned) {
    What =
        "is overwritten with the " + Desc + " from '" + New->AcqFn.str() + "'";
    Notes.push_back({New->AcqLoc, "the " + Desc + " stored is acquired here"});
  } else {
    What = "is overwritten";
    if (RHS && constant(RHS) == 0)
      What = "is cleared";
  }
  if (It != TU.OwningFields.end())
    Notes.push_back(
        {It->second.At, It->second.Fn.empty()
                            ? "this field is declared to own the " + Desc
                            : "the field owns the " + Desc + " that '" +
                                  It->second.Fn.str() + "' stores here"});
  report(FindingKind::FieldLeak, R, locOf(At), At,
         "'" + Text + "' " + What + " without releasing the " + Desc +
             " an earlier call may have stored there; release it first (or "
             "test that the field is empty)",
         Notes);
}
