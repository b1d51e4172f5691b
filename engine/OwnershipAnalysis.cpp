//===- OwnershipAnalysis.cpp - Contract-driven ownership analysis ---------===//
//
// Per-function, path-sensitive analysis over the Clang CFG with bounded
// disjunctive states (see PathState.h for the state machine). A contracted
// call with a success condition forks the state into its success and failure
// outcomes; branches on the call's result, or on a variable that holds it,
// prune the outcome that cannot reach them. Functions defined in the
// translation unit are summarized bottom-up (returns an owned resource,
// releases or only uses an argument) and those summaries act as contracts.
//
//===----------------------------------------------------------------------===//

#include "ContractLoader.h"
#include "FunctionAnalysis.h"
#include "PyApiChecks.h"
#include "clang/AST/ExprCXX.h"
#include "clang/Analysis/CFG.h"
#include "clang/Basic/FileManager.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/Support/Path.h"

using namespace clang;
using namespace custody;
using namespace custody::impl;
#include "clang/AST/RecursiveASTVisitor.h"

llvm::StringRef custody::checkName(FindingKind K) {
  switch (K) {
#define CUSTODY_CHECK(Kind, Name, Summary)                                     \
  case FindingKind::Kind:                                                      \
    return Name;
#include "Checks.def"
  }
  return "";
}

llvm::StringRef custody::checkSummary(FindingKind K) {
  switch (K) {
#define CUSTODY_CHECK(Kind, Name, Summary)                                     \
  case FindingKind::Kind:                                                      \
    return Summary;
#include "Checks.def"
  }
  return "";
}

//===----------------------------------------------------------------------===//
// Small AST helpers
//===----------------------------------------------------------------------===//

const Expr *impl::identityArgument(const CallExpr *CE) {
  const FunctionDecl *Callee = CE->getDirectCallee();
  const FunctionDecl *Def = nullptr;
  if (!Callee || !Callee->getReturnType()->isPointerType() ||
      !Callee->hasBody(Def))
    return nullptr;
  const auto *Body = dyn_cast_or_null<CompoundStmt>(Def->getBody());
  const auto *Ret = Body && Body->size() == 1
                        ? dyn_cast<ReturnStmt>(Body->body_front())
                        : nullptr;
  const Expr *RV = Ret ? Ret->getRetValue() : nullptr;
  const auto *DRE =
      RV ? dyn_cast<DeclRefExpr>(RV->IgnoreParenCasts()) : nullptr;
  const auto *P = DRE ? dyn_cast<ParmVarDecl>(DRE->getDecl()) : nullptr;
  if (!P || !P->getType()->isPointerType() ||
      P->getFunctionScopeIndex() >= CE->getNumArgs())
    return nullptr;
  return CE->getArg(P->getFunctionScopeIndex());
}

const Expr *impl::strip(const Expr *E) {
  while (E) {
    const Expr *N = E->IgnoreParenCasts();
    // 'return (OPENSSL_STACK *)sk;': a typed view of the same pointer.
    if (const auto *CE = dyn_cast<CallExpr>(N))
      if (const Expr *A = identityArgument(CE))
        N = A;
    if (const auto *EWC = dyn_cast<ExprWithCleanups>(N))
      N = EWC->getSubExpr();
    else if (const auto *MT = dyn_cast<MaterializeTemporaryExpr>(N))
      N = MT->getSubExpr();
    else if (const auto *BT = dyn_cast<CXXBindTemporaryExpr>(N))
      N = BT->getSubExpr();
    if (N == E)
      break;
    E = N;
  }
  return E;
}

const DeclRefExpr *custody::functionRefExpr(const Expr *E) {
  if (!E)
    return nullptr;
  const Expr *S = E->IgnoreParenCasts();
  if (const auto *UO = dyn_cast<UnaryOperator>(S))
    if (UO->getOpcode() == UO_AddrOf)
      S = UO->getSubExpr()->IgnoreParenCasts();
  const auto *DRE = dyn_cast<DeclRefExpr>(S);
  return DRE && isa<FunctionDecl>(DRE->getDecl()) ? DRE : nullptr;
}

const FunctionDecl *impl::functionRef(const Expr *E) {
  const DeclRefExpr *DRE = functionRefExpr(E);
  return DRE ? cast<FunctionDecl>(DRE->getDecl()) : nullptr;
}

const VarDecl *impl::localVar(const Expr *E) {
  const auto *DRE = dyn_cast_or_null<DeclRefExpr>(strip(E));
  if (!DRE)
    return nullptr;
  const auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
  if (!VD || !VD->hasLocalStorage() || VD->getType()->isReferenceType())
    return nullptr;
  return VD;
}

std::string impl::describe(const Value &V) {
  return V.Res ? V.Res->Description : std::string("resource");
}

std::string impl::nameOf(const FunctionDecl *FD) {
  if (!FD || !FD->getIdentifier())
    return "";
  return FD->getName().str();
}

bool custody::outsideMainFile(const SourceManager &SM, const Decl *D) {
  if (!D || isa<TranslationUnitDecl, NamespaceDecl, LinkageSpecDecl>(D))
    return false;
  SourceLocation L = SM.getExpansionLoc(D->getLocation());
  return L.isValid() && !SM.isWrittenInMainFile(L);
}

std::vector<std::string> custody::includedFiles(const SourceManager &SM) {
  std::vector<std::string> Files;
  for (auto It = SM.fileinfo_begin(), E = SM.fileinfo_end(); It != E; ++It)
    Files.push_back(It->first.getName().str());
  return Files;
}

//===----------------------------------------------------------------------===//
// The analysis
//===----------------------------------------------------------------------===//

static bool containsErrors(const Stmt *S) {
  if (!S)
    return false;
  // An expression's error bit covers its whole tree: no need (and, for
  // expressions thousands of operators deep, no stack) to walk into it.
  if (const auto *E = dyn_cast<Expr>(S))
    return E->containsErrors();
  for (const Stmt *C : S->children())
    if (containsErrors(C))
      return true;
  return false;
}

const VarDecl *impl::globalOf(const Expr *E) {
  const Expr *S = strip(E);
  if (const auto *UO = dyn_cast_or_null<UnaryOperator>(S))
    if (UO->getOpcode() == UO_AddrOf)
      S = strip(UO->getSubExpr());
  if (const auto *DRE = dyn_cast_or_null<DeclRefExpr>(S))
    if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
      if (VD->hasGlobalStorage())
        return VD;
  return nullptr;
}

bool impl::isAnalyzable(const FunctionDecl *FD) {
  return !FD->isDependentContext() && !FD->isInvalidDecl() &&
         !containsErrors(FD->getBody());
}

bool TUAnalysis::inLibraryHeaders(const FunctionDecl *Fn,
                                  const LibraryContract &L) {
  const SourceManager &SM = Ctx.getSourceManager();
  auto [It, New] = HeaderDirs.try_emplace(L.Library);
  if (New)
    for (auto FI = SM.fileinfo_begin(); FI != SM.fileinfo_end(); ++FI) {
      llvm::StringRef Name = FI->first.getName();
      for (const std::string &H : L.Headers)
        if (headerIncluded(H, {Name.str()}))
          It->second.push_back(Name.drop_back(H.size()).str());
    }
  llvm::StringRef File =
      SM.getFilename(SM.getExpansionLoc(Fn->getCanonicalDecl()->getLocation()));
  return llvm::any_of(
      It->second, [&](const std::string &D) { return File.starts_with(D); });
}

const FunctionResult *TUAnalysis::externalResult(const FunctionDecl *Callee) {
  if (!Program || !Program->Index)
    return nullptr;
  Callee = Callee->getCanonicalDecl();
  auto [It, New] = External.try_emplace(Callee);
  if (!New)
    return It->second.get();
  if (Ctx.getSourceManager().isInSystemHeader(Callee->getLocation()))
    return nullptr;
  std::string USR = usrOf(Callee);
  if (USR.empty())
    return nullptr;
  Program->Consulted.insert(USR);
  const StoredSummary *S = Program->Index->lookup(USR);
  if (!S)
    return nullptr;
  auto R = std::make_unique<FunctionResult>();
  if (S->Contract) {
    // Resources and fields are named in the summary: those this TU lacks
    // (an attribute's resource, a struct it never sees) are left out.
    auto C = std::make_unique<FunctionContract>(*S->Contract);
    C->Name = nameOf(Callee);
    auto Known = [&](const std::string &Res) {
      return Res.empty() || Contracts.resource(Res);
    };
    if (C->Returns && !Known(C->Returns->Resource))
      C->Returns.reset();
    for (auto &[I, A] : C->Args)
      if (!Known(A.Resource))
        A = ArgEffect{ArgEffect::Escapes, "", When::Always};
    if (C->Opens && !Known(C->Opens->Resource))
      C->Opens.reset();
    if (C->Closes && !Known(C->Closes->Resource))
      C->Closes.reset();
    std::vector<FieldStoreEffect> Stores;
    for (FieldStoreEffect &F : C->FieldStores) {
      if (F.Arg >= Callee->getNumParams() || !Known(F.Resource))
        continue;
      QualType T = Callee->getParamDecl(F.Arg)->getType();
      const RecordDecl *RD =
          T->isPointerType() ? T->getPointeeType()->getAsRecordDecl() : nullptr;
      if (RD)
        RD = RD->getDefinition();
      if (!RD)
        continue;
      for (const FieldDecl *FD : RD->fields())
        if (FD->getName() == F.FieldName) {
          F.Field = FD;
          Stores.push_back(F);
        }
    }
    C->FieldStores = std::move(Stores);
    R->Summary = std::move(C);
  }
  if (!S->NeedsLock.empty())
    R->NeedsLock = LockNeed{SourceLocation(), S->NeedsLockFn, S->NeedsLock};
  R->LockSummary = S->LockSummary;
  It->second = std::move(R);
  return It->second.get();
}

namespace {

class FunctionCollector : public RecursiveASTVisitor<FunctionCollector> {
public:
  explicit FunctionCollector(const SourceManager &SM) : SM(SM) {}
  std::vector<const FunctionDecl *> Functions;
  // Declarations from headers are not walked into: only the main file's
  // functions are reported on (callees are reached through summaries).
  bool TraverseDecl(Decl *D) {
    return outsideMainFile(SM, D) || RecursiveASTVisitor::TraverseDecl(D);
  }
  // Each instantiation of a template the main file defines is analyzed;
  // findings they share are told once (analyzeTranslationUnit).
  bool shouldVisitTemplateInstantiations() const { return true; }
  bool VisitFunctionDecl(FunctionDecl *FD) {
    if (FD->doesThisDeclarationHaveABody() && isAnalyzable(FD) &&
        SM.isWrittenInMainFile(SM.getExpansionLoc(FD->getLocation())))
      Functions.push_back(FD);
    return true;
  }
  // Functions stored in tables of callbacks (PyMethodDef, type slots,
  // JNINativeMethod), with the table's struct.
  // Names of the table: its struct's tag, and the typedef names it is
  // written with (JNINativeMethod is an untagged struct).
  std::vector<std::pair<const FunctionDecl *, std::vector<std::string>>>
      Callbacks;
  // Functions handed over as callbacks, with how: the name of the function
  // pointer typedef they are passed or stored as, and "callee:N" for
  // argument N of a call.
  struct Handed {
    const FunctionDecl *Fn;
    std::string How;
    const TypedefNameDecl *Typedef; // Null for "callee:N".
  };
  std::vector<Handed> HandedOver;

  void handedAs(const FunctionDecl *Fn, QualType T) {
    // 'cb_fn *f' names the function type's typedef under the pointer.
    if (T->isPointerType() && !T->getAs<TypedefType>())
      T = T->getPointeeType();
    // Every typedef the type is written through: 'audio_cb' of 'sdk_cb'.
    while (const auto *TT = T->getAs<TypedefType>()) {
      HandedOver.push_back({Fn, TT->getDecl()->getName().str(), TT->getDecl()});
      QualType Next = TT->getDecl()->getUnderlyingType();
      if (Next == T)
        break;
      T = Next;
    }
  }
  /// CPython's slot numbers (typeslots.h) and the types of those slots.
  static constexpr std::pair<int, const char *> PySlotTypes[] = {
      {63, "iternextfunc"}, {60, "initproc"},     {69, "setattrofunc"},
      {68, "setattrfunc"},  {3, "objobjargproc"}, {39, "ssizeobjargproc"}};
  bool VisitInitListExpr(InitListExpr *IL) {
    const RecordDecl *RD = nullptr;
    if (const auto *RT = IL->getType()->getAs<RecordType>())
      RD = RT->getDecl();
    std::vector<std::string> Names;
    if (RD && RD->getIdentifier())
      Names.push_back(RD->getName().str());
    if (RD)
      if (const TypedefNameDecl *TD = RD->getTypedefNameForAnonDecl())
        Names.push_back(TD->getName().str());
    for (QualType T = IL->getType();;) {
      const auto *TT = T->getAs<TypedefType>();
      if (!TT)
        break;
      Names.push_back(TT->getDecl()->getName().str());
      T = TT->getDecl()->getUnderlyingType();
    }
    InitListExpr *Sem = IL->isSemanticForm() ? IL : IL->getSemanticForm();
    for (unsigned I = 0; I < IL->getNumInits(); ++I) {
      const Expr *E = IL->getInit(I);
      // '.tp_repr = f' in the written form of the initializer.
      if (const auto *DIE = dyn_cast_or_null<DesignatedInitExpr>(E))
        E = DIE->getInit();
      if (const FunctionDecl *Fn = functionRef(E))
        Callbacks.push_back({Fn, Names});
    }
    // '{Py_tp_iternext, f}': the slot number says which slot f fills, as
    // the field's type does in a PyTypeObject.
    if (llvm::is_contained(Names, "PyType_Slot") && Sem &&
        Sem->getNumInits() == 2)
      if (const FunctionDecl *Fn = functionRef(Sem->getInit(1))) {
        Expr::EvalResult R;
        if (Sem->getInit(0)->EvaluateAsInt(R, Fn->getASTContext()))
          for (const auto &[Slot, Type] : PySlotTypes)
            if (R.Val.getInt() == Slot)
              HandedOver.push_back({Fn, Type, nullptr});
      }
    // '{Py_mod_exec, f}': f returns 0, or -1 with an exception set.
    if (llvm::is_contained(Names, "PyModuleDef_Slot") && Sem &&
        Sem->getNumInits() == 2)
      if (const FunctionDecl *Fn = functionRef(Sem->getInit(1))) {
        Expr::EvalResult R;
        if (Sem->getInit(0)->EvaluateAsInt(R, Fn->getASTContext()) &&
            R.Val.getInt() == 2)
          HandedOver.push_back({Fn, "Py_mod_exec", nullptr});
      }
    if (RD && Sem && !RD->isUnion()) {
      unsigned I = 0;
      for (const FieldDecl *F : RD->fields()) {
        if (I >= Sem->getNumInits())
          break;
        if (const FunctionDecl *Fn = functionRef(Sem->getInit(I++)))
          handedAs(Fn, F->getType());
      }
    }
    return true;
  }
  bool VisitCallExpr(CallExpr *CE) {
    const FunctionDecl *Callee = CE->getDirectCallee();
    for (unsigned I = 0; I < CE->getNumArgs(); ++I) {
      const FunctionDecl *Fn = functionRef(CE->getArg(I));
      if (!Fn)
        continue;
      if (Callee && Callee->getIdentifier())
        HandedOver.push_back(
            {Fn, Callee->getName().str() + ":" + std::to_string(I), nullptr});
      if (Callee && I < Callee->getNumParams())
        handedAs(Fn, Callee->getParamDecl(I)->getType());
    }
    return true;
  }
  bool VisitBinaryOperator(BinaryOperator *BO) {
    if (BO->getOpcode() == BO_Assign)
      if (const FunctionDecl *Fn = functionRef(BO->getRHS()))
        handedAs(Fn, BO->getLHS()->getType());
    return true;
  }

private:
  const SourceManager &SM;
};

} // namespace

/// Who calls a library's entry points, in messages.
static std::string entryRuntime(const LibraryContract &L) {
  return L.Library == "jni" ? "the JVM" : "the runtime of " + L.Library;
}

/// Which functions another runtime calls into, and what the interpreter lock
/// is at the entry of those whose callers are known.
static void findEntries(TUAnalysis &TU, const FunctionCollector &C) {
  const ContractSet &CS = TU.Contracts;
  auto Name = [](const FunctionDecl *Fn) {
    return Fn->getIdentifier() ? Fn->getName() : llvm::StringRef();
  };
  for (const LibraryContract &L : CS.Libraries) {
    for (const FunctionDecl *FD : C.Functions) {
      llvm::StringRef N = Name(FD);
      if (N.empty() || isa<CXXMethodDecl>(FD))
        continue;
      if (llvm::is_contained(L.EntryNames, N) ||
          llvm::any_of(L.EntryPrefixes,
                       [&](const std::string &P) { return N.starts_with(P); }))
        TU.ForeignEntries.try_emplace(FD->getCanonicalDecl(), entryRuntime(L));
    }
    for (const auto &[Fn, Names] : C.Callbacks)
      if (llvm::any_of(Names, [&](const std::string &N) {
            return llvm::is_contained(L.EntryTables, N);
          }))
        TU.ForeignEntries.try_emplace(Fn->getCanonicalDecl(), entryRuntime(L));
  }

  const LibraryContract *Locked = TU.lockedLibrary();
  if (!Locked)
    return;
  std::string Lock = llvm::StringRef(Locked->LockName).upper();
  using LS = LockPath::State;
  auto Set = [&](const FunctionDecl *Fn, LS State, std::string Why) {
    auto [It, New] = TU.LockEntries.try_emplace(Fn->getCanonicalDecl());
    // Without the lock wins: one caller without it is enough to crash.
    if (New || State == LS::Released)
      It->second = {State, std::move(Why)};
  };
  // A table of the locked library's own structs is called by it, lock held.
  for (const auto &[Fn, Names] : C.Callbacks)
    if (llvm::any_of(Names, [&](const std::string &N) {
          return llvm::any_of(Locked->LockPrefixes, [&](const std::string &P) {
            return llvm::StringRef(N).starts_with(P);
          });
        }))
      Set(Fn, LS::Held, "");
  for (const auto &[FD, Lib] : TU.ForeignEntries)
    Set(FD, LS::Released,
        "'" + FD->getNameAsString() + "' is called by " + Lib +
            " (an entry point in its contract), without the " + Lock);
  auto Without = [&](llvm::StringRef What) {
    for (const LibraryContract &L : CS.Libraries)
      if (llvm::is_contained(L.RunsWithoutLock, What))
        return true;
    return false;
  };
  std::string Mark = "custody: runs-without-lock " + Locked->LockName;
  auto MarkedOn = [&](const Decl *D) {
    for (const Decl *R : D->redecls())
      for (const auto *A : R->specific_attrs<AnnotateAttr>())
        if (A->getAnnotation() == Mark)
          return true;
    return false;
  };
  for (const FunctionDecl *FD : C.Functions) {
    if (MarkedOn(FD))
      Set(FD, LS::Released,
          "'" + FD->getNameAsString() + "' is annotated to run without the " +
              Lock);
    else if (!Name(FD).empty() && Without(Name(FD)))
      Set(FD, LS::Released,
          "a contract says '" + FD->getNameAsString() + "' runs without the " +
              Lock);
  }
  for (const auto &H : C.HandedOver) {
    if (Without(H.How))
      Set(H.Fn, LS::Released,
          "'" + H.Fn->getNameAsString() + "' is handed over as '" + H.How +
              "', which a contract says runs without the " + Lock);
    else if (H.Typedef && MarkedOn(H.Typedef))
      Set(H.Fn, LS::Released,
          "'" + H.Fn->getNameAsString() + "' is handed over as '" + H.How +
              "', annotated to run without the " + Lock);
  }
}

/// What callers in other files may know of FD.
static StoredSummary storedSummary(const SourceManager &SM,
                                   const FunctionDecl *FD,
                                   const FunctionResult &R) {
  StoredSummary S;
  S.USR = usrOf(FD->getCanonicalDecl());
  S.Name = FD->getQualifiedNameAsString();
  PresumedLoc PL = SM.getPresumedLoc(SM.getExpansionLoc(FD->getLocation()));
  if (PL.isValid()) {
    // Absolute: the compile command's directory is not in the store.
    llvm::SmallString<256> File(PL.getFilename());
    SM.getFileManager().makeAbsolutePath(File);
    llvm::sys::path::remove_dots(File, /*remove_dot_dot=*/true);
    S.File = std::string(File);
    S.Line = PL.getLine();
    S.Column = PL.getColumn();
  }
  S.Params = FD->getNumParams();
  S.Variadic = FD->isVariadic();
  if (R.Summary)
    S.Contract = std::make_shared<FunctionContract>(*R.Summary);
  if (R.NeedsLock) {
    S.NeedsLock = R.NeedsLock->Lock;
    S.NeedsLockFn = R.NeedsLock->Fn;
  }
  S.LockSummary = R.LockSummary;
  return S;
}

/// Functions CPython calls that must set an exception when they return
/// NULL: those in its tables (methods, slots, getters) and module init
/// functions, but not tp_iternext, whose NULL without one ends the loop;
/// and the setters and slots whose -1 says the same.
static void findRaisingEntries(TUAnalysis &TU, const FunctionCollector &C) {
  const LibraryContract *Locked = TU.lockedLibrary();
  if (!Locked || !llvm::StringRef(Locked->Library).starts_with("cpython"))
    return;
  llvm::DenseSet<const FunctionDecl *> IterNext;
  for (const auto &H : C.HandedOver) {
    if (H.How == "iternextfunc")
      IterNext.insert(H.Fn->getCanonicalDecl());
    // Slots that return 0, or -1 with an exception set.
    if (H.Fn->getReturnType()->isIntegerType() &&
        llvm::is_contained({"setter", "initproc", "setattrofunc", "setattrfunc",
                            "objobjargproc", "ssizeobjargproc", "Py_mod_exec"},
                           H.How))
      TU.RaisingEntries.insert(H.Fn->getCanonicalDecl());
  }
  auto Add = [&](const FunctionDecl *Fn) {
    if (Fn->getReturnType()->isPointerType() &&
        !IterNext.count(Fn->getCanonicalDecl()))
      TU.RaisingEntries.insert(Fn->getCanonicalDecl());
  };
  for (const auto &[Fn, Names] : C.Callbacks)
    if (llvm::any_of(Names, [&](const std::string &N) {
          return llvm::any_of(Locked->LockPrefixes, [&](const std::string &P) {
            return llvm::StringRef(N).starts_with(P);
          });
        }))
      Add(Fn);
  for (const FunctionDecl *FD : C.Functions)
    if (FD->getIdentifier() && FD->getName().starts_with("PyInit_"))
      Add(FD);
}
/// Underlines each finding as Clang underlines an expression: from its
/// location to the end of the outermost expression (or return) that starts
/// there and ends on the same line.
static void attachRanges(ASTContext &Ctx,
                         llvm::ArrayRef<const FunctionDecl *> Functions,
                         std::vector<Finding> &All) {
  const SourceManager &SM = Ctx.getSourceManager();
  llvm::DenseMap<unsigned, SourceLocation> Ends;
  for (const Finding &F : All)
    if (F.Loc.isValid() && F.Loc.isFileID() && F.End.isInvalid())
      Ends.try_emplace(F.Loc.getRawEncoding(), SourceLocation());
  if (Ends.empty())
    return;
  struct Walk : RecursiveASTVisitor<Walk> {
    const SourceManager &SM;
    llvm::DenseMap<unsigned, SourceLocation> &Ends;
    Walk(const SourceManager &SM, llvm::DenseMap<unsigned, SourceLocation> &E)
        : SM(SM), Ends(E) {}
    bool VisitStmt(Stmt *S) {
      if (!isa<Expr, ReturnStmt>(S))
        return true;
      SourceLocation B = SM.getExpansionLoc(S->getBeginLoc());
      auto It = Ends.find(B.getRawEncoding());
      if (It == Ends.end())
        return true;
      SourceLocation E = SM.getExpansionRange(S->getEndLoc()).getEnd();
      if (E.isInvalid() || SM.getFileID(E) != SM.getFileID(B) ||
          SM.getSpellingLineNumber(E) != SM.getSpellingLineNumber(B))
        return true;
      if (It->second.isInvalid() || SM.isBeforeInTranslationUnit(It->second, E))
        It->second = E;
      return true;
    }
  } W(SM, Ends);
  for (const FunctionDecl *FD : Functions)
    if (const Stmt *Body = FD->getBody())
      W.TraverseStmt(const_cast<Stmt *>(Body));
  for (Finding &F : All)
    if (F.End.isInvalid())
      if (auto It = Ends.find(F.Loc.getRawEncoding()); It != Ends.end())
        F.End = It->second;
}

std::vector<Finding> custody::analyzeTranslationUnit(
    ASTContext &Ctx, const ContractSet &Contracts, const AnalysisLimits &Limits,
    llvm::raw_ostream *Log, AnalysisReport *Report, ProgramContext *Program) {
  FunctionCollector C(Ctx.getSourceManager());
  C.TraverseDecl(Ctx.getTranslationUnitDecl());
  TUAnalysis TU(Ctx, Contracts, Limits, Log);
  // What must return an owned value: a callback stored in a table whose
  // return type has an owned default (the C API's PyObject * convention),
  // and a function whose own contract says it returns an owned value.
  for (const auto &[Fn, Names] : C.Callbacks)
    if (const DefaultReturn *D = TU.conventionFor(Fn); D && D->Effect.Owned)
      TU.MustReturnOwned[Fn->getCanonicalDecl()] = {
          Contracts.resource(D->Effect.Resource),
          "a callback returning '" + D->Type +
              " *' hands its caller a new reference"};
  findRaisingEntries(TU, C);
  for (const FunctionDecl *FD : C.Functions) {
    const FunctionContract *FC = TU.namedContract(FD);
    if (!FC)
      FC = TU.annotatedContract(FD);
    if (FC && FC->Returns && FC->Returns->Owned)
      TU.MustReturnOwned[FD->getCanonicalDecl()] = {
          Contracts.resource(FC->Returns->Resource),
          "its contract says it returns an owned value"};
  }
  findEntries(TU, C);
  TU.MainFunctions = C.Functions;
  declareFields(TU);
  TU.Program = Program;
  std::vector<Finding> All;
  const SourceManager &SM = Ctx.getSourceManager();
  // Findings of template instantiations, by place and text: the first is
  // kept, with a note naming the instantiations that have it.
  std::map<std::tuple<unsigned, unsigned, std::string>,
           std::pair<size_t, std::vector<std::string>>>
      FromTemplates;
  for (const FunctionDecl *FD : C.Functions) {
    const FunctionResult &R = TU.resultFor(FD, 0);
    if (Program && FD->isExternallyVisible() && FD->isGlobal() &&
        !FD->getTemplateInstantiationPattern())
      Program->Defined.push_back(storedSummary(SM, FD, R));
    if (FD->getTemplateInstantiationPattern()) {
      std::string Inst;
      llvm::raw_string_ostream OS(Inst);
      FD->getNameForDiagnostic(OS, Ctx.getPrintingPolicy(), /*Qualified=*/true);
      for (const Finding &F : R.Findings) {
        auto Key = std::make_tuple(unsigned(F.Kind), F.Loc.getRawEncoding(),
                                   F.Message);
        auto [It, New] = FromTemplates.try_emplace(Key, All.size(),
                                                   std::vector<std::string>());
        It->second.second.push_back(OS.str());
        if (New)
          All.push_back(F);
      }
    } else {
      All.insert(All.end(), R.Findings.begin(), R.Findings.end());
    }
    if (Report && R.Notice)
      Report->Notices.push_back(*R.Notice);
    if (Report)
      Report->Times.push_back({FD->getQualifiedNameAsString(), R.Seconds});
  }
  for (auto &[Key, At] : FromTemplates) {
    std::vector<std::string> &Names = At.second;
    std::string Text = "in the instantiation '" + Names.front() + "'";
    if (Names.size() > 1)
      Text += " (and " + std::to_string(Names.size() - 1) + " more)";
    Finding &F = All[At.first];
    F.Notes.push_back({F.Loc, Text});
  }
  // Destroy functions walked again, with what their object's fields hold.
  for (auto &[FD, Plan] : destroyFunctions(TU, C.Functions)) {
    FunctionResult R = FunctionAnalysis(TU, FD, 0, &Plan).run();
    All.insert(All.end(), R.Findings.begin(), R.Findings.end());
  }
  checkPythonApiCalls(Ctx, All);
  attachRanges(Ctx, C.Functions, All);
  if (Report) {
    llvm::stable_sort(Report->Notices, [&](const Note &A, const Note &B) {
      return SM.isBeforeInTranslationUnit(A.Loc, B.Loc);
    });
    llvm::stable_sort(Report->Times, [](const auto &A, const auto &B) {
      return A.second > B.second;
    });
  }
  std::stable_sort(All.begin(), All.end(),
                   [&](const Finding &A, const Finding &B) {
                     if (A.Loc != B.Loc)
                       return SM.isBeforeInTranslationUnit(A.Loc, B.Loc);
                     return A.Kind < B.Kind;
                   });
  return All;
}

CalleeContracts::CalleeContracts(ASTContext &Ctx, const ContractSet &Contracts)
    : TU(std::make_unique<TUAnalysis>(Ctx, Contracts, Limits, nullptr)) {}

CalleeContracts::~CalleeContracts() = default;

llvm::StringRef CalleeContracts::describedBy(const FunctionDecl *Callee) {
  // The same order as TUAnalysis::contractFor.
  std::string Name = isa<CXXMethodDecl>(Callee) ? "" : nameOf(Callee);
  if (TU->namedContract(Callee))
    return "contract";
  if (TU->annotatedContract(Callee))
    return "annotation";
  if (!Name.empty() && TU->Contracts.isNonOwningByPrefix(Name))
    return "prefix";
  if (TU->defaultFor(Callee))
    return "convention";
  return "";
}
