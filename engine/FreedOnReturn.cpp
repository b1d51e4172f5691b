//===- FreedOnReturn.cpp - Leaks of values the runtime frees on return ----===//
//
// Part of the ownership walk: when a lost value is a leak. A value of a
// 'freed_on_return' resource (a JNI local reference) leaks only where such
// values pile up: made in a loop and lost once per iteration (unless a local
// frame or reserved room holds them), or made in a thread this code
// attached. A region left open (Value::Region, RegionDomain) leaks unless no
// path of the function closes such regions (a helper's). Also the function
// table calls ('members_of') and the declarations arguments name, which the
// walk and the domains share.
//
//===----------------------------------------------------------------------===//

#include "FunctionAnalysis.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMap.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"

using namespace clang;
using namespace custody;
using namespace custody::impl;

const FunctionContract *
FunctionAnalysis::tableContract(const CallExpr *CE, const Expr *&Obj) const {
  Obj = nullptr;
  // The C form calls a field, (*env)->F(env, ...); the C++ form a method,
  // env->F(...), whose object stands for the C form's first argument.
  if (const auto *ME =
          dyn_cast<MemberExpr>(CE->getCallee()->IgnoreParenImpCasts()))
    if (const auto *Field = dyn_cast<FieldDecl>(ME->getMemberDecl()))
      if (Field->getIdentifier())
        if (const FunctionContract *FC = TU.Contracts.lookupMember(
                Field->getParent()->getName(), Field->getName()))
          return FC;
  if (const auto *MCE = dyn_cast<CXXMemberCallExpr>(CE))
    if (const CXXMethodDecl *M = MCE->getMethodDecl())
      if (M->getIdentifier() && MCE->getImplicitObjectArgument())
        if (const FunctionContract *FC = TU.Contracts.lookupMember(
                M->getParent()->getName(), M->getName())) {
          Obj = MCE->getImplicitObjectArgument();
          return FC;
        }
  return nullptr;
}

const Decl *FunctionAnalysis::declOf(const Expr *E) const {
  const Expr *S = strip(E);
  if (const auto *UO = dyn_cast_or_null<UnaryOperator>(S))
    if (UO->getOpcode() == UO_AddrOf || UO->getOpcode() == UO_Deref)
      S = strip(UO->getSubExpr());
  if (const auto *DRE = dyn_cast_or_null<DeclRefExpr>(S))
    return DRE->getDecl()->getCanonicalDecl();
  if (const auto *ME = dyn_cast_or_null<MemberExpr>(S))
    return ME->getMemberDecl();
  return nullptr;
}

//===----------------------------------------------------------------------===//
// Loops that pile up values the runtime frees only on return
//===----------------------------------------------------------------------===//

const Stmt *FunctionAnalysis::enclosingLoop(const Stmt *S) {
  if (!Parents)
    Parents = std::make_unique<ParentMap>(const_cast<Stmt *>(FD->getBody()));
  for (const Stmt *P = Parents->getParent(S); P; P = Parents->getParent(P))
    if (isa<ForStmt, WhileStmt, DoStmt, CXXForRangeStmt>(P))
      return P;
  return nullptr;
}

/// A for loop bounded by a small constant ('i < 4'): the runtime guarantees
/// room for that many (JNI: 16 local references).
static bool smallConstantBound(const Stmt *Loop, ASTContext &Ctx) {
  const auto *FS = dyn_cast<ForStmt>(Loop);
  if (!FS || !FS->getCond())
    return false;
  const auto *BO = dyn_cast<BinaryOperator>(FS->getCond()->IgnoreParenCasts());
  if (!BO)
    return false;
  const Expr *Bound = nullptr;
  if (BO->getOpcode() == BO_LT || BO->getOpcode() == BO_LE)
    Bound = BO->getRHS();
  else if (BO->getOpcode() == BO_GT || BO->getOpcode() == BO_GE)
    Bound = BO->getLHS();
  Expr::EvalResult R;
  if (!Bound || Bound->isValueDependent() || !Bound->EvaluateAsInt(R, Ctx))
    return false;
  return R.Val.getInt().getExtValue() <= 16;
}

const Stmt *FunctionAnalysis::pilingLoop(const Stmt *Site, const Stmt *At,
                                         bool Overwrite) {
  if (!Site || !At)
    return nullptr;
  const Stmt *Loop = enclosingLoop(Site);
  if (!Loop || smallConstantBound(Loop, TU.Ctx))
    return nullptr;
  // Lost once per iteration: overwritten inside the loop, or its variable's
  // scope ends at the end of an iteration (the body's end, a 'continue'),
  // not when the loop is left ('break', 'return').
  if (!Overwrite && !isa<CompoundStmt, ContinueStmt>(At))
    return nullptr;
  for (const Stmt *P = At; P; P = Parents->getParent(P))
    if (P == Loop)
      return Loop;
  return nullptr;
}

/// Whether a region of this persistence, open since before V was made,
/// frees V's resource when it closes. MaybeOpen: a region no longer followed
/// (after a join) counts too.
static bool openRegionFrees(const PathState &St, const Value &V,
                            bool Persistent, bool MaybeOpen = false) {
  for (const auto &KS : St.Special) {
    const Value &R = *St.value(KS.first);
    if (R.Region &&
        (R.St == VState::Owned || (MaybeOpen && R.St == VState::Escaped)) &&
        R.Res && R.Res->Persistent == Persistent && V.Res &&
        llvm::is_contained(R.Res->Frees, V.Res->Name) && V.AcqSeq > R.AcqSeq)
      return true;
  }
  return false;
}

bool FunctionAnalysis::inOpenFrame(const PathState &St, const Value &V) const {
  // Room made for them beforehand counts as a frame sized for them.
  if (V.Res && St.Regions.Reserved == V.Res)
    return true;
  // A local frame opened before it frees it when popped (or is reported);
  // whoever pushed it sized it for what the code between makes.
  return openRegionFrees(St, V, /*Persistent=*/false, /*MaybeOpen=*/true);
}

bool FunctionAnalysis::leaksAtExit(const PathState &St, const Value &V) const {
  // A region no path of this function closes is a helper's ('lock' for a
  // later 'unlock'), unless the runtime calls this function directly.
  if (V.Region)
    return !V.Res || Regions->closedHere(V.Res->Name) ||
           (!V.Res->Persistent &&
            TU.ForeignEntries.count(FD->getCanonicalDecl()));
  if (!V.Res || !V.Res->FreedOnReturn)
    return true;
  if (inOpenFrame(St, V))
    return false;
  // Returning frees it, unless this code opened a region that keeps such
  // values alive past the return (a thread it attached).
  return openRegionFrees(St, V, /*Persistent=*/true);
}

std::string FunctionAnalysis::leakMessage(const PathState &St, ValueKey K,
                                          const Value &V, Lost How) {
  if (V.Region) {
    std::string On;
    if (const auto *ND = dyn_cast_or_null<NamedDecl>(V.Source))
      if (ND->getIdentifier())
        On = " on '" + ND->getName().str() + "'";
    std::string Closers;
    if (V.Res)
      for (size_t I = 0; I < V.Res->Releasers.size(); ++I)
        Closers += (I ? " or '" : "'") + V.Res->Releasers[I] + "'";
    return "'" + V.AcqFn.str() + "'" + On + " (" + describe(V) +
           ") is not matched by " + (Closers.empty() ? "a close" : Closers) +
           " on this path";
  }
  if (V.LockToken) {
    std::string Lock = lockName(V);
    return V.LockToken == 1 ? "the " + Lock + " taken by '" + V.AcqFn.str() +
                                  "' is not given back on this path"
                            : "the " + Lock + " given up by '" + V.AcqFn.str() +
                                  "' is not taken back on this path";
  }
  std::string Msg =
      varName(St, K) + " (" + describe(V) + " from '" + V.AcqFn.str() + "') ";
  if (V.Res && V.Res->FreedOnReturn) {
    std::string Deleter =
        V.Res->Releasers.empty() ? "release" : "'" + V.Res->Releasers[0] + "'";
    if (How == Lost::Overwritten)
      return Msg + "is overwritten in a loop without " + Deleter +
             "; one piles up per iteration";
    if (How == Lost::OutOfScope)
      return Msg + "is not deleted with " + Deleter +
             " before the loop's next iteration; one piles up per iteration";
    return Msg + "is never deleted; this code attached the thread, so "
                 "returning does not free it";
  }
  return Msg + (How == Lost::Overwritten
                    ? "is overwritten while it still owns the " + describe(V)
                    : std::string("is not released on this path"));
}

void FunctionAnalysis::reportPiledTemporary(const PathState &St, const Value &V,
                                            bool Discarded) {
  if (!V.Res || !V.Res->FreedOnReturn || inOpenFrame(St, V) ||
      !pilingLoop(V.AcqStmt, V.AcqStmt, true))
    return;
  report(FindingKind::ResourceLeak, V.Res, V.AcqLoc, V.AcqStmt,
         "the " + describe(V) + " returned by '" + V.AcqFn.str() +
             (Discarded ? "' is discarded inside a loop without being "
                          "deleted; one piles up per iteration"
                        : "' is never deleted inside a loop; one piles up "
                          "per iteration"),
         {});
}

bool impl::assumedBranchSince(const PathState &St, unsigned Seq,
                              bool CountLoops) {
  for (const PathNote *N = St.Notes.get(); N && N->Seq > Seq; N = N->Prev.get())
    if (N->Kind == PathNote::Branch && (CountLoops || !N->LoopCond))
      return true;
  return false;
}
