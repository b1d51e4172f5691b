//===- LockDomain.cpp - An interpreter lock (CPython's GIL) ---------------===//
//
// What each call does to the lock (needs it, takes it, gives it up, gives
// back a take, asks whether it is held), the path's lock state, reports of a
// call that needs the lock where it is not held and of a give-back without
// a take, and what calling this function needs or does to the lock.
//
//===----------------------------------------------------------------------===//

#include "FunctionAnalysis.h"
#include "clang/AST/ExprCXX.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"

using namespace clang;
using namespace custody;
using namespace custody::impl;

/// The macro the code wrote around Loc (Py_RETURN_NONE around the Py_NewRef
/// it expands to), or empty if Loc is not in one.
static llvm::StringRef outermostMacro(SourceLocation Loc, ASTContext &Ctx) {
  const SourceManager &SM = Ctx.getSourceManager();
  llvm::StringRef Name;
  while (Loc.isMacroID()) {
    if (SM.isMacroArgExpansion(Loc)) {
      Loc = SM.getImmediateSpellingLoc(Loc);
      continue;
    }
    Name = Lexer::getImmediateMacroName(Loc, SM, Ctx.getLangOpts());
    Loc = SM.getImmediateMacroCallerLoc(Loc);
  }
  return Name;
}

std::optional<LockEffect> LockDomain::lockEffect(const FunctionDecl *Callee,
                                                 const FunctionContract *FC,
                                                 llvm::StringRef &LockName,
                                                 const LockNeed *&Inner) {
  TUAnalysis &TU = FA.tu();
  Inner = nullptr;
  const LibraryContract *Locked = TU.lockedLibrary();
  if (!Locked)
    return std::nullopt;
  if (FC && FC->Lock && !FC->IsSummary) {
    for (const LibraryContract &L : TU.Contracts.Libraries)
      if (L.Library == FC->LockLibrary && !L.LockName.empty())
        LockName = L.LockName;
    if (!LockName.empty())
      return FC->Lock;
  }
  if (!Callee)
    return std::nullopt;
  if (Callee->getIdentifier())
    for (const LibraryContract &L : TU.Contracts.Libraries)
      for (const std::string &P : L.LockPrefixes)
        if (Callee->getName().starts_with(P) &&
            TU.inLibraryHeaders(Callee, L)) {
          LockName = L.LockName;
          return LockEffect::Needs;
        }
  if (const FunctionResult *R = TU.definedResult(Callee, FA.depth())) {
    if (R->LockSummary) {
      LockName = Locked->LockName;
      return R->LockSummary;
    }
    if (R->NeedsLock) {
      Inner = &*R->NeedsLock;
      LockName = R->NeedsLock->Lock;
      return LockEffect::Needs;
    }
  }
  return std::nullopt;
}

void LockDomain::beforeCall(const CallSite &C, PathState &St) {
  using LS = LockPath::State;
  CurrentLock = "";
  const LockNeed *Inner = nullptr;
  Current = lockEffect(C.Callee, C.FC, CurrentLock, Inner);
  if (!Current) {
    // A guard object whose constructor this file cannot see may take the
    // lock (a project's RAII class): from here it is not known to be gone.
    if (isa<CXXConstructExpr>(C.Call) && C.Callee && !C.Callee->hasBody() &&
        St.Lock.Now == LS::Released &&
        !FA.tu().Ctx.getSourceManager().isInSystemHeader(
            C.Callee->getLocation())) {
      St.Lock.Now = LS::Unknown;
      St.Lock.FromEntry = false;
    }
    return;
  }
  SourceLocation Loc = FA.locOf(C.Call);
  llvm::StringRef LockName = CurrentLock;
  std::string Lock = LockName.upper();
  LockEffect E = *Current;
  bool Needs = E == LockEffect::Needs || E == LockEffect::Save ||
               E == LockEffect::Release;
  if (Needs && St.Lock.Now == LS::Released) {
    if (!Reported.insert(St.Lock.GoneAt.getRawEncoding()).second)
      return;
    std::vector<Note> Notes;
    if (St.Lock.GoneAt.isValid())
      Notes.push_back({St.Lock.GoneAt, St.Lock.GoneWhy});
    std::string Msg = "'" + C.Fn.str() + "'";
    llvm::StringRef Macro = outermostMacro(C.Call->getBeginLoc(), FA.tu().Ctx);
    if (!Macro.empty() && Macro != C.Fn)
      Msg += " (in '" + Macro.str() + "')";
    Msg += " needs the " + Lock + ", which is not held here";
    if (Inner) {
      Msg += ": it calls '" + Inner->Fn + "'";
      if (Inner->Loc.isValid()) // Not for a helper of another file.
        Notes.push_back({Inner->Loc, "'" + Inner->Fn + "' is called here"});
    }
    FA.report(FindingKind::LockNotHeld, LockName, Loc, C.Call, Msg,
              std::move(Notes));
  } else if (Needs && St.Lock.FromEntry && !FirstNeed &&
             St.Lock.Now != LS::Released) {
    // Held only if the caller holds it: callers must.
    FirstNeed = LockNeed{Loc, Inner ? Inner->Fn : C.Fn.str(), LockName.str()};
    if (Inner && Inner->Loc.isValid())
      FirstNeed->Loc = Inner->Loc;
  }
  if (E == LockEffect::EnsureUndo && St.Lock.Stack.empty() && !C.Args.empty())
    if (const VarDecl *VD = localVar(C.Args[0]))
      if (!isa<ParmVarDecl>(VD) && !FA.valueOf(St, C.Args[0]))
        FA.report(FindingKind::LockUnbalanced, LockName, Loc, C.Call,
                  "'" + C.Fn.str() + "' gives back the " + Lock +
                      " without a matching take ('" + VD->getName().str() +
                      "' holds no state from one on this path)",
                  FA.pathNotes(St, Value(), 2));
}

void LockDomain::apply(PathState &S, LockEffect E, llvm::StringRef LockName,
                       SourceLocation Loc, llvm::StringRef Fn) {
  using LS = LockPath::State;
  LockPath &L = S.Lock;
  std::string Name = LockName.upper();
  auto Gone = [&](const std::string &Why) {
    L.Now = LS::Released;
    L.GoneAt = Loc;
    L.GoneWhy = Why;
  };
  switch (E) {
  case LockEffect::Needs:
  case LockEffect::Free:
  case LockEffect::Check:
    break;
  case LockEffect::Ensure:
    L.Stack.push_back(L.Now);
    L.Now = LS::Held;
    L.FromEntry = false;
    break;
  case LockEffect::EnsureUndo:
    if (!L.Stack.empty()) {
      L.Now = L.Stack.back();
      L.Stack.pop_back();
      if (L.Now == LS::Released)
        Gone("the " + Name + " is given back here by '" + Fn.str() + "'");
    } else {
      L.Now = LS::Unknown;
      L.UndidCaller = true;
    }
    L.FromEntry = false;
    break;
  case LockEffect::Save:
  case LockEffect::Release:
    Gone("the " + Name + " is given up here by '" + Fn.str() + "'");
    L.FromEntry = false;
    break;
  case LockEffect::Restore:
  case LockEffect::Acquire:
    if (L.FromEntry && L.Now != LS::Held)
      L.TookFirst = true;
    L.Now = LS::Held;
    L.FromEntry = false;
    break;
  }
}

void LockDomain::afterCall(const CallSite &C, std::optional<bool> Succeeded,
                           PathState &S) {
  if (!Current)
    return;
  if (*Current == LockEffect::Check && Succeeded) {
    // The code asked: each outcome knows.
    apply(S, *Succeeded ? LockEffect::Acquire : LockEffect::Release,
          CurrentLock, FA.locOf(C.Call), C.Fn);
    if (!*Succeeded)
      S.Lock.GoneWhy = "'" + C.Fn.str() + "' says the " + CurrentLock.upper() +
                       " is not held here";
  } else {
    apply(S, *Current, CurrentLock, FA.locOf(C.Call), C.Fn);
  }
}

void LockDomain::onResult(const CallSite &C, Value &V) {
  V.LockToken = Current == LockEffect::Ensure ? 1
                : Current == LockEffect::Save ? 2
                                              : 0;
}

void LockDomain::onDestructor(const CXXDestructorDecl *Dtor, SourceLocation Loc,
                              PathState &St) {
  // A guard object's destructor may give the lock back (or take it).
  llvm::StringRef LockName;
  const LockNeed *Inner = nullptr;
  std::optional<LockEffect> LE = lockEffect(Dtor, nullptr, LockName, Inner);
  if (LE && *LE != LockEffect::Needs && *LE != LockEffect::Free)
    apply(St, *LE, LockName, Loc,
          FA.tu().intern("~" + Dtor->getParent()->getNameAsString()));
}

void LockDomain::atExit(PathState &St) {
  using LS = LockPath::State;
  std::optional<LockEffect> E;
  if (!St.Lock.Stack.empty())
    E = LockEffect::Ensure;
  else if (St.Lock.UndidCaller)
    E = LockEffect::EnsureUndo;
  else if (!St.Lock.FromEntry && St.Lock.Now == LS::Held)
    E = LockEffect::Acquire;
  else if (!St.Lock.FromEntry && St.Lock.Now == LS::Released)
    // Took the lock and gave it back: nothing for its caller to hold.
    E = St.Lock.TookFirst ? LockEffect::Free : LockEffect::Release;
  if (ExitLock && *ExitLock != E)
    ExitLockMixed = true;
  ExitLock = E;
}

void LockDomain::summarize(FunctionResult &R, FunctionContract &, bool &) {
  R.NeedsLock = FirstNeed;
  // A function that needs the lock on entry and holds it again at its exit
  // (a balanced Py_BEGIN/END_ALLOW_THREADS) only needs it.
  if (ExitLock && !ExitLockMixed &&
      !FA.tu().LockEntries.count(FA.fd()->getCanonicalDecl()) &&
      !(FirstNeed && *ExitLock == LockEffect::Acquire))
    R.LockSummary = *ExitLock;
}
