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

#include "OwnershipAnalysis.h"
#include "PathState.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Analysis/CFG.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/Support/StringSaver.h"
#include <deque>
#include <set>
#include <memory>

using namespace clang;
using namespace custody;

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

std::optional<bool> Fact::satisfies(const Condition &C) const {
  Fact Yes = *this, No = *this;
  bool CanBeTrue = Yes.meet(Fact::of(C));
  bool CanBeFalse = No.meet(Fact::of(C.negate()));
  if (CanBeTrue && !CanBeFalse)
    return true;
  if (!CanBeTrue && CanBeFalse)
    return false;
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// Small AST helpers
//===----------------------------------------------------------------------===//

static const Expr *strip(const Expr *E) {
  while (E) {
    const Expr *N = E->IgnoreParenCasts();
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

/// The local, non-static variable an expression names, if any.
static const VarDecl *localVar(const Expr *E) {
  const auto *DRE = dyn_cast_or_null<DeclRefExpr>(strip(E));
  if (!DRE)
    return nullptr;
  const auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
  if (!VD || !VD->hasLocalStorage() || VD->getType()->isReferenceType())
    return nullptr;
  return VD;
}

static std::string describe(const Value &V) {
  return V.Res ? V.Res->Description : std::string("resource");
}

static std::string nameOf(const FunctionDecl *FD) {
  if (!FD || !FD->getIdentifier())
    return "";
  return FD->getName().str();
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
  if (const auto *E = dyn_cast<Expr>(S))
    if (E->containsErrors())
      return true;
  for (const Stmt *C : S->children())
    if (containsErrors(C))
      return true;
  return false;
}

/// Templates are analyzed through nothing (no instantiation is); code that
/// did not compile is skipped rather than guessed at.
static bool isAnalyzable(const FunctionDecl *FD) {
  return !FD->isDependentContext() && !FD->isInvalidDecl() &&
         !containsErrors(FD->getBody());
}

namespace {

/// What the analysis learnt about a function defined in the TU, used as a
/// contract at its call sites.
struct FunctionResult {
  std::unique_ptr<FunctionContract> Summary; // Null: behaves as unknown.
  std::vector<Finding> Findings;
};

class TUAnalysis;

class FunctionAnalysis {
public:
  FunctionAnalysis(TUAnalysis &TU, const FunctionDecl *FD, unsigned Depth)
      : TU(TU), FD(FD), Depth(Depth) {}
  FunctionResult run();

private:
  TUAnalysis &TU;
  const FunctionDecl *FD;
  unsigned Depth;
  const CFGBlock *CurBlock = nullptr;
  std::map<std::tuple<FindingKind, unsigned, const void *>, Finding> Found;
  std::set<std::pair<unsigned, std::string>> LeakPlaces;
  /// Calls written as statements of their own: their result is dropped.
  llvm::DenseSet<const Expr *> Discarded;
  void collectDiscarded(const Stmt *S);

  // Summary collection.
  struct ReturnSeen {
    bool AnyOwned = false, AnyBorrowed = false, AnyNull = false,
         AnyOther = false;
    const Resource *Res = nullptr;
    bool Mixed = false;
  } Returns;
  struct ParamSeen {
    bool Used = false, Escaped = false, Released = false;
    const Resource *Res = nullptr;
    bool Mixed = false;
  };
  std::map<const ParmVarDecl *, ParamSeen> Params;
  bool SawExit = false;
  /// For each exit: what was stored through each out-parameter, and the
  /// constant returned if any.
  struct ExitSeen {
    FlatMap<const ParmVarDecl *, const Resource *> OutStores;
    std::optional<int64_t> Returned;
  };
  std::vector<ExitSeen> Exits;


  using States = std::vector<PathState>;

  void transfer(const CFGElement &E, States &SS);
  void transferStmt(const Stmt *S, PathState &St, States &Out);
  void handleCall(const Expr *Call, const FunctionDecl *Callee,
                  llvm::ArrayRef<const Expr *> Args, unsigned ParamOffset,
                  PathState &St, States &Out);
  void handleAssign(const Expr *LHS, const Expr *RHS, const Stmt *At,
                    PathState &St);
  void assignVar(const VarDecl *VD, const Expr *RHS, const Stmt *At,
                 PathState &St);
  void bindVar(PathState &St, const VarDecl *VD, std::optional<ValueKey> V,
               std::optional<Fact> F, const Stmt *At);
  enum class Lost { Overwritten, OutOfScope };
  /// Drops one variable's hold on K; if nothing holds it any more and it is
  /// still owned, it leaks at At.
  void dropValueRef(PathState &St, ValueKey K, const Stmt *At, Lost How,
                    llvm::StringRef VarName);
  void reportLeak(PathState &St, ValueKey K, const Value &V, SourceLocation At,
                  std::string Msg);
  SourceLocation scopeExitLoc(const Stmt *Trigger) const;
  void checkUse(PathState &St, const Expr *E, const Stmt *At);
  /// Stops following VD without judging its value: it now points somewhere
  /// this analysis cannot name (pointer arithmetic, written by a callee).
  void forget(PathState &St, const VarDecl *VD);
  void escape(PathState &St, const Expr *E);
  std::optional<ValueKey> valueOf(const PathState &St, const Expr *E) const;
  ValueKey newValue(PathState &St, const void *Site, Value V);
  void release(PathState &St, ValueKey K, const Expr *Call, const Expr *Arg,
               llvm::StringRef Fn, const ArgEffect &AE, bool Consume);
  /// How to call the value E evaluates to in a message: the variable
  /// written there if there is one.
  std::string nameAt(const PathState &St, ValueKey K, const Expr *E) const;
  void atExit(PathState &St);
  void gc(PathState &St);

  bool assume(PathState &St, const Expr *Cond, bool Truth, const Stmt *Term);
  /// The truth of a condition on this path, when the facts decide it.
  std::optional<bool> truthOf(const PathState &St, const Expr *Cond);
  bool assumeCompare(PathState &St, const Expr *Subject, Condition C);
  /// Restricts St to the paths of switch SW that reach Target.
  bool assumeSwitchCase(PathState &St, const SwitchStmt *SW,
                        const CFGBlock *Target);
  /// The variable or current-block expression whose facts describe E.
  struct Subject {
    const VarDecl *Var = nullptr;
    const Expr *E = nullptr;
    std::optional<PathState::MemberKey> Member;
    explicit operator bool() const { return Var || E || Member; }
  };
  Subject subjectOf(const PathState &St, const Expr *E) const;
  const Fact *factOf(const PathState &St, const Expr *E) const;
  std::optional<int64_t> constant(const Expr *E) const;

  void report(FindingKind K, SourceLocation Loc, const void *Site,
              std::string Msg, std::vector<Note> Notes);
  std::vector<Note> pathNotes(const PathState &St, const Value &V,
                              unsigned MaxBranchNotes) const;
  Note noteText(const PathNote &N) const;
  std::string varName(const PathState &St, ValueKey K) const;
  SourceLocation locOf(const Stmt *S) const;
};

class TUAnalysis {
public:
  TUAnalysis(ASTContext &Ctx, const ContractSet &Contracts,
             const AnalysisLimits &Limits, llvm::raw_ostream *Log)
      : Ctx(Ctx), Contracts(Contracts), Limits(Limits), Log(Log) {}

  ASTContext &Ctx;
  const ContractSet &Contracts;
  const AnalysisLimits &Limits;
  llvm::raw_ostream *Log;

  llvm::StringRef intern(llvm::StringRef S) { return Strings.save(S); }

  const FunctionResult &resultFor(const FunctionDecl *Def, unsigned Depth) {
    auto It = Results.find(Def);
    if (It != Results.end())
      return It->second;
    InProgress.insert(Def);
    FunctionResult R = FunctionAnalysis(*this, Def, Depth).run();
    InProgress.erase(Def);
    return Results.emplace(Def, std::move(R)).first->second;
  }

  /// The contract of a callee: from the contract files, else a summary of
  /// its definition in this TU, else null (unknown).
  const FunctionContract *contractFor(const FunctionDecl *Callee,
                                      unsigned Depth) {
    if (!Callee)
      return nullptr;
    if (!isa<CXXMethodDecl>(Callee)) {
      std::string Name = nameOf(Callee);
      if (!Name.empty()) {
        if (const FunctionContract *FC = Contracts.lookup(Name))
          return FC;
        if (Contracts.isNonOwningByPrefix(Name)) {
          auto &Slot = PrefixContracts[Name];
          if (!Slot) {
            Slot = std::make_unique<FunctionContract>();
            Slot->Name = Name;
            Slot->NonOwning = true;
          }
          return Slot.get();
        }
      }
    }
    const FunctionDecl *Def = nullptr;
    // Library code in system headers is not summarized: it is large, and
    // what it does with ownership is what contracts are for.
    if (!Callee->hasBody(Def) || !Def || !isAnalyzable(Def) ||
        Ctx.getSourceManager().isInSystemHeader(Def->getLocation()) ||
        InProgress.count(Def) || Depth >= Limits.MaxSummaryDepth)
      return nullptr;
    return resultFor(Def, Depth + 1).Summary.get();
  }

private:
  std::map<const FunctionDecl *, FunctionResult> Results;
  llvm::DenseSet<const FunctionDecl *> InProgress;
  llvm::StringMap<std::unique_ptr<FunctionContract>> PrefixContracts;
  llvm::BumpPtrAllocator Alloc;
  llvm::StringSaver Strings{Alloc};
};

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
    auto It = St.Bind.find(VD);
    if (It != St.Bind.end())
      return It->second;
    return std::nullopt;
  }
  if (const auto *BO = dyn_cast<BinaryOperator>(E))
    if (BO->getOpcode() == BO_Assign || BO->getOpcode() == BO_Comma)
      return valueOf(St, BO->getOpcode() == BO_Assign ? BO->getLHS()
                                                      : BO->getRHS());
  if (const auto *CO = dyn_cast<ConditionalOperator>(E)) {
    // The arm this path took, when its facts decide the condition.
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
  auto It = St.Vals.find(K);
  if (It != St.Vals.end() && !It->second.Name.empty())
    return "'" + It->second.Name.str() + "'";
  if (It != St.Vals.end())
    return "the result of '" + It->second.AcqFn.str() + "'";
  return "the value";
}

ValueKey FunctionAnalysis::newValue(PathState &St, const void *Site,
                                    Value V) {
  unsigned Gen = 0;
  while (St.Vals.count({Site, Gen}))
    ++Gen;
  ValueKey K{Site, Gen};
  St.Vals[K] = std::move(V);
  return K;
}

void FunctionAnalysis::report(FindingKind K, SourceLocation Loc,
                              const void *Site, std::string Msg,
                              std::vector<Note> Notes) {
  // One finding per acquisition site and kind for leaks; per place otherwise.
  unsigned Raw = K == FindingKind::ResourceLeak ? 0 : Loc.getRawEncoding();
  auto Key = std::make_tuple(K, Raw, Site);
  if (Found.count(Key))
    return;
  Found[Key] = Finding{K, Loc, std::move(Msg), std::move(Notes)};
}

Note FunctionAnalysis::noteText(const PathNote &N) const {
  const SourceManager &SM = TU.Ctx.getSourceManager();
  if (N.Kind == PathNote::CallFails) {
    std::string Msg = "assuming '" + N.Fn.str() + "' fails";
    Msg += N.FC && N.FC->Success
               ? " (its result is not " + N.FC->Success->str() + ")"
               : std::string(" (returns null)");
    return {locOf(N.S), Msg};
  }
  std::string Text =
      Lexer::getSourceText(CharSourceRange::getTokenRange(N.S->getSourceRange()),
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
    else if (V.St == VState::Borrowed)
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
          Msg += (I ? (I + 1 == V.Res->Releasers.size() ? " or '" : ", '")
                    : "'") +
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
  report(FindingKind::ResourceLeak, At, K.first, Msg, pathNotes(St, V, 3));
}

void FunctionAnalysis::dropValueRef(PathState &St, ValueKey K, const Stmt *At,
                                    Lost How, llvm::StringRef VarName) {
  auto It = St.Vals.find(K);
  if (It == St.Vals.end() ||
      llvm::any_of(St.Bind, [&](const auto &B) { return B.second == K; }))
    return;
  Value &V = It->second;
  if (V.St == VState::Owned && V.Refs < Value::MaxRefs && At) {
    if (!VarName.empty())
      V.Name = VarName;
    std::string Msg = varName(St, K) + " (" + describe(V) + " from '" +
                      V.AcqFn.str() + "') ";
    SourceLocation Loc;
    if (How == Lost::Overwritten) {
      Msg += "is overwritten while it still owns the " + describe(V);
      Loc = locOf(At);
    } else {
      Msg += "is not released on this path";
      Loc = scopeExitLoc(At);
    }
    reportLeak(St, K, V, Loc, Msg);
  }
  St.Vals.erase(It);
  for (auto EI = St.ExprVals.begin(); EI != St.ExprVals.end();)
    EI = EI->second == K ? St.ExprVals.erase(EI) : std::next(EI);
}

SourceLocation FunctionAnalysis::scopeExitLoc(const Stmt *Trigger) const {
  const SourceManager &SM = TU.Ctx.getSourceManager();
  if (const auto *CS = dyn_cast<CompoundStmt>(Trigger))
    return SM.getExpansionLoc(CS->getRBracLoc());
  if (isa<ReturnStmt, ContinueStmt, BreakStmt, GotoStmt, CXXThrowExpr>(
          Trigger))
    return SM.getExpansionLoc(Trigger->getBeginLoc());
  return SM.getExpansionLoc(Trigger->getEndLoc());
}

void FunctionAnalysis::bindVar(PathState &St, const VarDecl *VD,
                               std::optional<ValueKey> V,
                               std::optional<Fact> F, const Stmt *At) {
  std::optional<ValueKey> Old;
  St.forgetMembers(VD);
  auto It = St.Bind.find(VD);
  if (It != St.Bind.end())
    Old = It->second;
  if (V) {
    St.Bind[VD] = *V;
    auto VI = St.Vals.find(*V);
    if (VI != St.Vals.end() && VD->getIdentifier())
      VI->second.Name = VD->getName();
    // __attribute__((cleanup(f))): f runs at scope exit and owns the value.
    if (VI != St.Vals.end() && VI->second.St == VState::Owned &&
        VD->hasAttr<CleanupAttr>())
      VI->second.St = VState::Escaped;
  } else {
    St.Bind.erase(VD);
  }
  if (F)
    St.VarFacts[VD] = *F;
  else
    St.VarFacts.erase(VD);
  if (Old && Old != V)
    dropValueRef(St, *Old, At, Lost::Overwritten, VD->getName());
}

void FunctionAnalysis::forget(PathState &St, const VarDecl *VD) {
  St.VarFacts.erase(VD);
  auto It = St.Bind.find(VD);
  if (It == St.Bind.end())
    return;
  ValueKey K = It->second;
  St.Bind.erase(It);
  auto VI = St.Vals.find(K);
  if (VI != St.Vals.end() && VI->second.St == VState::Owned &&
      llvm::none_of(St.Bind, [&](const auto &B) { return B.second == K; }))
    VI->second.St = VState::Escaped;
}

void FunctionAnalysis::checkUse(PathState &St, const Expr *E, const Stmt *At) {
  std::optional<ValueKey> K = valueOf(St, E);
  if (!K)
    return;
  auto It = St.Vals.find(*K);
  if (It == St.Vals.end())
    return;
  Value &V = It->second;
  if (V.St != VState::Released && V.St != VState::Moved)
    return;
  std::string Msg =
      nameAt(St, *K, E) + " is used after " +
      (V.St == VState::Released ? "it was released by '"
                                : "its ownership moved into '") +
      V.ReleaseFn.str() + "'";
  std::vector<Note> Notes = pathNotes(St, V, 0);
  Notes.push_back({V.ReleaseLoc, V.St == VState::Released
                                     ? "released here"
                                     : "ownership moved here"});
  report(FindingKind::UseAfterRelease, locOf(At), K->first, Msg, Notes);
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
  auto It = St.Vals.find(*K);
  if (It != St.Vals.end() && (It->second.St == VState::Owned ||
                              It->second.St == VState::Param))
    It->second.St = VState::Escaped;
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

void FunctionAnalysis::release(PathState &St, ValueKey K, const Expr *Call,
                               const Expr *Arg, llvm::StringRef Fn,
                               const ArgEffect &AE, bool Consume) {
  auto It = St.Vals.find(K);
  if (It == St.Vals.end())
    return;
  Value &V = It->second;
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
    if (!Consume && V.Res && !AE.Resource.empty() &&
        AE.Resource != V.Res->Name) {
      const Resource *Wanted = TU.Contracts.resource(AE.Resource);
      std::string Msg = Who + " (" + describe(V) + " from '" + V.AcqFn.str() +
                        "') is released with '" + Fn.str() + "', which releases " +
                        (Wanted ? Wanted->Description : AE.Resource);
      std::vector<Note> Notes = pathNotes(St, V, 0);
      report(FindingKind::WrongRelease, Loc, K.first, Msg, Notes);
    }
    Done(Consume ? VState::Moved : VState::Released);
    return;
  case VState::Released:
  case VState::Moved: {
    std::string Msg =
        Who + " is " + (Consume ? "handed to '" : "released by '") + Fn.str() +
        "' after " +
        (V.St == VState::Released ? "it was already released by '"
                                  : "its ownership moved into '") +
        V.ReleaseFn.str() + "'";
    std::vector<Note> Notes = pathNotes(St, V, 0);
    Notes.push_back({V.ReleaseLoc, V.St == VState::Released
                                       ? "first released here"
                                       : "ownership moved here"});
    report(Consume ? FindingKind::UseAfterRelease : FindingKind::DoubleRelease,
           Loc, K.first, Msg, Notes);
    return;
  }
  case VState::Borrowed:
    // Handing a borrowed value to a function that takes ownership gives
    // away a reference this code never had.
    report(FindingKind::ReleaseUnowned, Loc, K.first,
           Who + " is borrowed from '" + V.AcqFn.str() + "' and must not be " +
               (Consume ? "handed to '" + Fn.str() + "', which takes ownership"
                        : "released by '" + Fn.str() + "'"),
           pathNotes(St, V, 0));
    Done(Consume ? VState::Moved : VState::Released);
    return;
  case VState::NotAcquired:
    report(FindingKind::ReleaseUnowned, Loc, K.first,
           Who + " is released by '" + Fn.str() + "' but '" + V.AcqFn.str() +
               "' failed, so it was never acquired",
           pathNotes(St, V, 2));
    return;
  case VState::Escaped:
    // Whoever else holds it, once released here it is gone: a second
    // release or a use after this one is still an error.
    if (!Consume)
      Done(VState::Released);
    return;
  }
}

//===----------------------------------------------------------------------===//
// Calls
//===----------------------------------------------------------------------===//

void FunctionAnalysis::handleCall(const Expr *Call, const FunctionDecl *Callee,
                                  llvm::ArrayRef<const Expr *> Args,
                                  unsigned ParamOffset, PathState &St,
                                  States &Out) {
  const FunctionContract *FC = TU.contractFor(Callee, Depth);
  // What a callee may write: fields reached through its arguments, and for
  // code this analysis does not know, any field at all.
  // A callee reaches the fields this function knows of through what it is
  // given; facts about the fields of anything passed are dropped. (A callee
  // that changes them through a global is not followed: forgetting every
  // field at every call would lose the common flag-guarded release.)
  {
    for (const Expr *A : Args) {
      const Expr *SA = strip(A);
      if (const auto *UO = dyn_cast<UnaryOperator>(SA))
        if (UO->getOpcode() == UO_AddrOf) {
          SA = strip(UO->getSubExpr());
          if (const auto *ME = dyn_cast<MemberExpr>(SA))
            St.forgetField(ME->getMemberDecl()); // sscanf(s, "%d", &o->n)
        }
      if (const VarDecl *VD = localVar(SA))
        St.forgetMembers(VD);
    }
  }
  llvm::StringRef Fn = "a function pointer";
  if (Callee)
    Fn = Callee->getIdentifier() ? Callee->getName()
                                 : TU.intern(Callee->getNameAsString());

  std::optional<Condition> Success = FC ? FC->successCondition() : std::nullopt;
  bool HasOutcome = Success.has_value();

  // The outcomes to produce: a single one, or success and failure.
  std::vector<std::pair<PathState, std::optional<bool>>> Outcomes;
  if (HasOutcome) {
    Outcomes.push_back({St, true});
    Outcomes.push_back({std::move(St), false});
  } else {
    Outcomes.push_back({std::move(St), std::nullopt});
  }

  for (auto &[S, Succeeded] : Outcomes) {
    auto Applies = [&, Succeeded = Succeeded](When W) {
      return W == When::Always || !Succeeded ||
             (W == When::OnSuccess) == *Succeeded;
    };
    std::vector<std::pair<const VarDecl *, ValueKey>> OutBinds;
    std::vector<const VarDecl *> OutUnbinds, OutForgets;
    std::vector<ValueKey> TakenHere;
    for (unsigned I = 0; I < Args.size(); ++I) {
      const Expr *A = Args[I];
      unsigned PI = I >= ParamOffset ? I - ParamOffset : ~0u;
      const ArgEffect *AE = nullptr;
      if (FC) {
        auto It = FC->Args.find(PI);
        if (It != FC->Args.end())
          AE = &It->second;
        else if (FC->VarArgs && Callee && Callee->isVariadic() &&
                 PI != ~0u && PI >= Callee->getNumParams())
          AE = &*FC->VarArgs;
      }
      const Expr *SA = strip(A);
      const auto *AddrOf = dyn_cast<UnaryOperator>(SA);
      bool IsAddr = AddrOf && AddrOf->getOpcode() == UO_AddrOf;
      const VarDecl *AddrVar = IsAddr ? localVar(AddrOf->getSubExpr()) : nullptr;

      if (AE && AE->Kind == ArgEffect::Acquires) {
        if (!AddrVar || !Applies(AE->On)) {
          if (AddrVar && AE->On != When::Always && !AddrVar->getType()->isPointerType()) {
            Value V;
            V.St = VState::NotAcquired;
            V.Res = TU.Contracts.resource(AE->Resource);
            V.AcqFn = Fn;
            V.AcqLoc = locOf(Call);
            V.AcqArg = I;
            OutBinds.push_back({AddrVar, newValue(S, AddrOf, V)});
          } else if (AddrVar) {
            OutUnbinds.push_back(AddrVar);
          }
          continue;
        }
        Value V;
        V.St = VState::Owned;
        V.Res = TU.Contracts.resource(AE->Resource);
        V.AcqFn = Fn;
        V.AcqLoc = locOf(Call);
        V.AcqArg = I;
        V.AcqSeq = S.NextSeq++;
        OutBinds.push_back({AddrVar, newValue(S, AddrOf, V)});
        continue;
      }

      std::optional<ValueKey> K = valueOf(S, A);
      if (AE && (AE->Kind == ArgEffect::Releases ||
                 AE->Kind == ArgEffect::Consumes)) {
        if (!Applies(AE->On))
          continue;
        if (K) {
          // One call taking the same value through two arguments
          // (SSL_set_bio(ssl, bio, bio)) takes it once.
          if (llvm::is_contained(TakenHere, *K))
            continue;
          TakenHere.push_back(*K);
          release(S, *K, Call, A, Fn, *AE, AE->Kind == ArgEffect::Consumes);
          continue;
        }
        // A null passed to a releaser that does not accept it.
        if (const VarDecl *VD = localVar(A)) {
          auto FI = S.VarFacts.find(VD);
          const Resource *R = TU.Contracts.resource(AE->Resource);
          if (FI != S.VarFacts.end() && FI->second.isZero() &&
              !FI->second.Assumed && R &&
              !R->NullReleaseOk && AE->Kind == ArgEffect::Releases)
            report(FindingKind::ReleaseUnowned, locOf(Call), VD,
                   "'" + VD->getName().str() + "' is null here and '" +
                       Fn.str() + "' must not be called with null",
                   pathNotes(S, Value(), 2));
        }
        continue;
      }
      if (AE && AE->Kind == ArgEffect::Retains) {
        checkUse(S, A, Call);
        if (!Applies(AE->On))
          continue;
        if (std::optional<ValueKey> K = valueOf(S, A)) {
          Value &V = S.Vals[*K];
          if (V.St == VState::Owned) {
            if (V.Refs < Value::MaxRefs)
              ++V.Refs;
          } else if (V.St == VState::Borrowed || V.St == VState::Param) {
            // The caller now owns a reference of its own.
            V.St = VState::Owned;
            V.Refs = 1;
            if (!V.Res)
              V.Res = TU.Contracts.resource(AE->Resource);
            V.AcqFn = Fn;
            V.AcqArg = -1;
            V.AcqLoc = locOf(Call);
            V.AcqSeq = S.NextSeq++;
          }
        }
        continue;
      }
      // A variable whose address goes to a non-const parameter may be
      // written by the callee.
      bool MayWrite = AddrVar && !(Callee && PI < Callee->getNumParams() &&
                                   Callee->getParamDecl(PI)
                                       ->getType()
                                       ->getPointeeType()
                                       .isConstQualified());
      if ((AE && AE->Kind == ArgEffect::Borrows) ||
          (FC && !FC->IsSummary && !AE)) {
        // A contract describes its function whole: the arguments it is
        // silent on are only used.
        checkUse(S, A, Call);
        if (MayWrite)
          OutForgets.push_back(AddrVar);
        continue;
      }
      if (AE && AE->Kind == ArgEffect::Escapes) {
        // 'keeps: R' keeps values of resource R only; others are just used.
        bool OtherKind = false;
        if (!AE->Resource.empty())
          if (std::optional<ValueKey> K = valueOf(S, A)) {
            auto VI = S.Vals.find(*K);
            OtherKind = VI != S.Vals.end() && VI->second.Res &&
                        VI->second.Res->Name != AE->Resource;
          }
        if (!Applies(AE->On) || OtherKind) {
          checkUse(S, A, Call);
          continue;
        }
      }
      // Unknown callee: the value may be kept, so it escapes; a variable
      // whose address is passed may be overwritten. A pointer-to-const
      // parameter cannot be released without a cast, so it is only used.
      checkUse(S, A, Call);
      if (!FC && Callee && PI < Callee->getNumParams()) {
        QualType PT = Callee->getParamDecl(PI)->getType();
        if (PT->isPointerType() && PT->getPointeeType().isConstQualified())
          continue;
      }
      escape(S, A);
      if (AddrVar) {
        escape(S, AddrOf->getSubExpr());
        OutUnbinds.push_back(AddrVar);
      }
    }

    for (const VarDecl *VD : OutUnbinds)
      bindVar(S, VD, std::nullopt, std::nullopt, nullptr);
    for (const VarDecl *VD : OutForgets)
      forget(S, VD);
    for (auto &[VD, K] : OutBinds)
      bindVar(S, VD, K, std::nullopt, Call);

    // The returned value.
    if (FC && FC->Returns && Applies(FC->Returns->NullOnFailure
                                         ? When::OnSuccess
                                         : When::Always)) {
      Value V;
      V.St = FC->Returns->Owned ? VState::Owned : VState::Borrowed;
      V.Res = TU.Contracts.resource(FC->Returns->Resource);
      V.AcqFn = Fn;
      V.AcqLoc = locOf(Call);
      V.AcqSeq = S.NextSeq++;
      if (V.St == VState::Owned && Discarded.count(Call)) {
        report(FindingKind::ResourceLeak, locOf(Call), Call,
               "the result of '" + Fn.str() + "' (" + describe(V) +
                   ") is discarded, so it can never be released",
               {});
      } else {
        S.ExprVals[Call] = newValue(S, Call, V);
      }
    }
    if (Succeeded && Success) {
      Fact F = Fact::of(*Succeeded ? *Success : Success->negate());
      F.Assumed = true;
      S.ExprFacts[Call] = F;
      if (!*Succeeded) {
        PathNote N;
        N.Kind = PathNote::CallFails;
        N.S = Call;
        N.Fn = Fn;
        N.FC = FC;
        S.addNote(std::move(N));
      }
    }
    gc(S);
    if (Callee && Callee->isNoReturn())
      S.Dead = true;
    Out.push_back(std::move(S));
  }
}

/// Forgets values nothing refers to any more and that cannot be reported.
void FunctionAnalysis::gc(PathState &St) {
  for (auto It = St.Vals.begin(); It != St.Vals.end();) {
    bool Keep = It->second.St == VState::Owned || St.refCount(It->first) > 0;
    It = Keep ? std::next(It) : St.Vals.erase(It);
  }
}

void FunctionAnalysis::assignVar(const VarDecl *VD, const Expr *RHS,
                                 const Stmt *At, PathState &St) {
  std::optional<ValueKey> K = RHS ? valueOf(St, RHS) : std::nullopt;
  if (RHS && !K && isa<ConditionalOperator>(strip(RHS)))
    escape(St, RHS); // An arm this analysis cannot pick: stop following it.
  if (RHS && !K)
    if (const auto *BO = dyn_cast<BinaryOperator>(strip(RHS)))
      if (BO->isAdditiveOp() && BO->getType()->isPointerType()) {
        // An interior pointer: whoever holds it may free from it later.
        escape(St, BO->getLHS());
        escape(St, BO->getRHS());
      }

  std::optional<Fact> F;
  if (RHS) {
    if (std::optional<int64_t> C = constant(RHS))
      F = Fact::exactly(*C);
    else if (const Fact *Known = factOf(St, RHS))
      F = *Known;
    else if (std::optional<bool> B = truthOf(St, RHS))
      F = Fact::exactly(*B);
  }
  bindVar(St, VD, K, F, At);
}

void FunctionAnalysis::handleAssign(const Expr *LHS, const Expr *RHS,
                                    const Stmt *At, PathState &St) {
  std::optional<ValueKey> K = RHS ? valueOf(St, RHS) : std::nullopt;
  if (const VarDecl *VD = localVar(LHS))
    return assignVar(VD, RHS, At, St);
  const Expr *L = strip(LHS);
  if (const auto *ME = dyn_cast<MemberExpr>(L)) {
    // Any base may alias this one: what was known of the field is gone.
    St.forgetField(ME->getMemberDecl());
    Subject Subj = subjectOf(St, ME);
    std::optional<Fact> F;
    if (Subj.Member && RHS) {
      if (std::optional<int64_t> C = constant(RHS))
        F = Fact::exactly(*C);
      else if (const Fact *Known = factOf(St, RHS))
        F = *Known;
    }
    if (F)
      St.MemberFacts[*Subj.Member] = *F;
  }
  // '*out = v' through a parameter: remembered for the summary.
  if (const auto *UO = dyn_cast<UnaryOperator>(L))
    if (UO->getOpcode() == UO_Deref)
      if (const auto *DRE = dyn_cast<DeclRefExpr>(strip(UO->getSubExpr())))
        if (const auto *P = dyn_cast<ParmVarDecl>(DRE->getDecl())) {
          const Value *V = nullptr;
          if (K) {
            auto VI = St.Vals.find(*K);
            if (VI != St.Vals.end())
              V = &VI->second;
          }
          if (V && V->St == VState::Owned && V->Res)
            St.OutStores[P] = V->Res;
          else
            St.OutStores.erase(P);
        }
  // Stored somewhere this analysis does not follow: a field, a global, an
  // array element, through a pointer. Whoever owns that place owns it now.
  if (K && RHS)
    escape(St, RHS);
  if (const auto *ME = dyn_cast<MemberExpr>(L))
    checkUse(St, ME->getBase(), At);
}

//===----------------------------------------------------------------------===//
// Branches
//===----------------------------------------------------------------------===//

FunctionAnalysis::Subject
FunctionAnalysis::subjectOf(const PathState &St, const Expr *E) const {
  E = strip(E);
  Subject S;
  if ((S.Var = localVar(E)))
    return S;
  if (const auto *ME = dyn_cast<MemberExpr>(E)) {
    if (const VarDecl *Base = localVar(ME->getBase()))
      if (ME->getType()->isScalarType())
        S.Member = PathState::MemberKey{Base, ME->getMemberDecl()};
    return S;
  }
  if (const auto *BO = dyn_cast<BinaryOperator>(E)) {
    if (BO->getOpcode() == BO_Assign)
      return subjectOf(St, BO->getLHS());
    if (BO->getOpcode() == BO_Comma)
      return subjectOf(St, BO->getRHS());
  }
  if (St.ExprFacts.count(E) || St.ExprVals.count(E))
    S.E = E;
  return S;
}

const Fact *FunctionAnalysis::factOf(const PathState &St,
                                     const Expr *E) const {
  Subject S = subjectOf(St, E);
  if (S.Var) {
    auto It = St.VarFacts.find(S.Var);
    return It == St.VarFacts.end() ? nullptr : &It->second;
  }
  if (S.Member) {
    auto It = St.MemberFacts.find(*S.Member);
    return It == St.MemberFacts.end() ? nullptr : &It->second;
  }
  if (S.E) {
    auto It = St.ExprFacts.find(S.E);
    return It == St.ExprFacts.end() ? nullptr : &It->second;
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
  if (const auto *UO = dyn_cast<UnaryOperator>(Cond))
    if (UO->getOpcode() == UO_LNot)
      return assume(St, UO->getSubExpr(), !Truth, Term);
  if (const auto *BO = dyn_cast<BinaryOperator>(Cond)) {
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

bool FunctionAnalysis::assumeCompare(PathState &St, const Expr *SubjectExpr,
                                     Condition C) {
  Subject Subj = subjectOf(St, SubjectExpr);
  if (!Subj)
    return true;
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
  F.Assumed = false; // The code tested it.
  if (Subj.Var)
    St.VarFacts[Subj.Var] = F;
  else if (Subj.Member)
    St.MemberFacts[*Subj.Member] = F;
  else
    St.ExprFacts[Subj.E] = F;
  // A tracked pointer known to be null on this path holds nothing.
  if (Bound && F.isZero()) {
    auto VI = St.Vals.find(*Bound);
    if (VI != St.Vals.end() && (VI->second.St == VState::Owned ||
                                VI->second.St == VState::Borrowed))
      VI->second.St = VState::Escaped;
  }
  return true;
}

//===----------------------------------------------------------------------===//
// Statements
//===----------------------------------------------------------------------===//

void FunctionAnalysis::transferStmt(const Stmt *S, PathState &St,
                                    States &Out) {
  if (const auto *CE = dyn_cast<CallExpr>(S)) {
    const FunctionDecl *Callee = CE->getDirectCallee();
    unsigned Offset = 0;
    std::vector<const Expr *> Args(CE->arg_begin(), CE->arg_end());
    if (const auto *MCE = dyn_cast<CXXMemberCallExpr>(CE)) {
      if (const Expr *Obj = MCE->getImplicitObjectArgument())
        checkUse(St, Obj, CE);
    } else if (isa<CXXOperatorCallExpr>(CE) && isa_and_nonnull<CXXMethodDecl>(Callee)) {
      Offset = 1;
    } else if (!Callee) {
      // Through a function pointer: everything passed may be kept.
      checkUse(St, CE->getCallee(), CE);
    }
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
        St.forgetField(ME->getMemberDecl());
    }
  } else if (const auto *DS = dyn_cast<DeclStmt>(S)) {
    for (const Decl *D : DS->decls())
      if (const auto *VD = dyn_cast<VarDecl>(D)) {
        if (VD->getType()->isReferenceType()) {
          if (VD->getInit())
            escape(St, VD->getInit());
        } else if (VD->hasLocalStorage()) {
          if (const Expr *Init = VD->getInit())
            assignVar(VD, Init, DS, St);
        } else if (VD->getInit()) {
          escape(St, VD->getInit()); // A static local keeps it.
        }
      }
  } else if (const auto *UO = dyn_cast<UnaryOperator>(S)) {
    if (UO->getOpcode() == UO_Deref)
      checkUse(St, UO->getSubExpr(), UO);
    else if (UO->isIncrementDecrementOp()) {
      if (const VarDecl *VD = localVar(UO->getSubExpr()))
        forget(St, VD);
      if (const auto *ME = dyn_cast<MemberExpr>(strip(UO->getSubExpr())))
        St.forgetField(ME->getMemberDecl());
    }
  } else if (const auto *ME = dyn_cast<MemberExpr>(S)) {
    if (ME->isArrow())
      checkUse(St, ME->getBase(), ME);
  } else if (const auto *AS = dyn_cast<ArraySubscriptExpr>(S)) {
    checkUse(St, AS->getBase(), AS);
  } else if (const auto *RS = dyn_cast<ReturnStmt>(S)) {
    St.ExitStmt = RS;
    if (const Expr *RV = RS->getRetValue()) {
      checkUse(St, RV, RS);
      if (std::optional<int64_t> C = constant(RV))
        St.ReturnedConstant = C;
      else if (const Fact *F = factOf(St, RV); F && F->Lo == F->Hi)
        St.ReturnedConstant = F->Lo;
      // Summary: what the function hands back.
      std::optional<ValueKey> K = valueOf(St, RV);
      const Value *V = nullptr;
      if (K) {
        auto It = St.Vals.find(*K);
        if (It != St.Vals.end())
          V = &It->second;
      }
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
      if (V && V->St == VState::Owned) {
        Returns.AnyOwned = true;
        NoteRes(V->Res);
      } else if (V && V->St == VState::Borrowed) {
        Returns.AnyBorrowed = true;
        NoteRes(V->Res);
      } else if (IsNull) {
        Returns.AnyNull = true;
      } else {
        Returns.AnyOther = true;
      }
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
          auto BI = St.Bind.find(VD);
          if (BI != St.Bind.end()) {
            auto VI = St.Vals.find(BI->second);
            if (VI != St.Vals.end() && VI->second.St == VState::Owned)
              VI->second.St = VState::Escaped;
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
  if (std::optional<CFGLifetimeEnds> LE = E.getAs<CFGLifetimeEnds>()) {
    // A local goes out of scope (end of block, return, break, continue,
    // goto): what only it held is lost there.
    const VarDecl *VD = LE->getVarDecl();
    for (PathState &St : SS) {
      St.VarFacts.erase(VD);
      auto BI = St.Bind.find(VD);
      if (BI == St.Bind.end())
        continue;
      ValueKey K = BI->second;
      St.Bind.erase(BI);
      dropValueRef(St, K, LE->getTriggerStmt(), Lost::OutOfScope,
                   VD->getName());
    }
    return;
  }
  std::optional<CFGStmt> CS = E.getAs<CFGStmt>();
  if (!CS)
    return;
  States Out;
  Out.reserve(SS.size());
  for (PathState &St : SS) {
    if (St.Dead)
      continue;
    transferStmt(CS->getStmt(), St, Out);
  }
  SS = std::move(Out);
}

void FunctionAnalysis::atExit(PathState &St) {
  SawExit = true;
  Exits.push_back({St.OutStores, St.ReturnedConstant});
  SourceManager &SM = TU.Ctx.getSourceManager();
  SourceLocation Loc =
      St.ExitStmt ? locOf(St.ExitStmt)
                  : SM.getExpansionLoc(FD->getBody()->getEndLoc());
  std::vector<std::pair<ValueKey, const Value *>> Leaked;
  for (auto &[K, V] : St.Vals)
    if (V.St == VState::Owned && V.Refs < Value::MaxRefs)
      Leaked.push_back({K, &V});
  std::sort(Leaked.begin(), Leaked.end(), [](const auto &A, const auto &B) {
    return A.second->AcqLoc < B.second->AcqLoc;
  });
  for (auto &[K, V] : Leaked)
    reportLeak(St, K, *V, Loc,
               varName(St, K) + " (" + describe(*V) + " from '" +
                   V->AcqFn.str() + "') is not released on this path");
  for (const ParmVarDecl *P : FD->parameters()) {
    ParamSeen &PS = Params[P];
    auto VI = St.Vals.find(ValueKey{P, 0});
    if (VI == St.Vals.end()) {
      PS.Escaped = true; // Rebound and lost track: not summarizable.
      continue;
    }
    const Value &V = VI->second;
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
      if (const auto *CE = dyn_cast<CStyleCastExpr>(X))
        if (CE->getType()->isVoidType())
          X = CE->getSubExpr()->IgnoreParens();
      if (isa<CallExpr>(X))
        Discarded.insert(X);
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

FunctionResult FunctionAnalysis::run() {
  FunctionResult Result;
  const Stmt *Body = FD->getBody();
  if (!Body)
    return Result;
  collectDiscarded(Body);
  CFG::BuildOptions Opts;
  Opts.setAllAlwaysAdd();
  Opts.AddImplicitDtors = true;
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

  PathState Init;
  for (const ParmVarDecl *P : FD->parameters()) {
    Value V;
    V.St = VState::Param;
    V.Name = P->getName();
    V.AcqFn = TU.intern(FD->getNameAsString());
    ValueKey K{P, 0};
    Init.Vals[K] = V;
    Init.Bind[P] = K;
  }

  // The states each block was entered with, by hash. A function's budget
  // of states is shared out over its blocks, so a very large function keeps
  // fewer per block and still finishes in bounded time.
  llvm::DenseMap<const CFGBlock *, llvm::SmallVector<uint64_t, 8>> Seen;
  unsigned Cap = std::clamp<unsigned>(
      TU.Limits.StatesPerFunction / std::max(1u, G->getNumBlockIDs()), 4,
      TU.Limits.MaxStatesPerBlock);
  std::deque<std::pair<const CFGBlock *, PathState>> Work;
  Work.push_back({&G->getEntry(), std::move(Init)});
  unsigned Visits = 0;
  bool Truncated = false;
  while (!Work.empty()) {
    auto [B, St] = std::move(Work.front());
    Work.pop_front();
    auto &SeenHere = Seen[B];
    uint64_t H = St.hash();
    if (llvm::is_contained(SeenHere, H))
      continue;
    if (SeenHere.size() >= Cap) {
      Truncated = true;
      continue;
    }
    if (++Visits > TU.Limits.MaxBlockVisits) {
      if (TU.Log)
        *TU.Log << "custody: gave up on '" << FD->getNameAsString()
                << "' after " << TU.Limits.MaxBlockVisits
                << " block visits\n";
      break;
    }
    SeenHere.push_back(H);
    CurBlock = B;
    if (B == &G->getExit()) {
      atExit(St);
      continue;
    }
    // Expression results do not outlive their block; an owned value held
    // only by one (a '?:' arm, say) is no longer followed.
    std::vector<ValueKey> HeldByExprs;
    for (auto &[E, K] : St.ExprVals)
      HeldByExprs.push_back(K);
    St.ExprVals.clear();
    for (ValueKey K : HeldByExprs) {
      auto VI = St.Vals.find(K);
      if (VI != St.Vals.end() && VI->second.St == VState::Owned &&
          St.refCount(K) == 0)
        VI->second.St = VState::Escaped;
    }
    St.ExprFacts.clear();
    gc(St);
    States SS;
    SS.push_back(std::move(St));
    for (const CFGElement &E : *B)
      transfer(E, SS);

    const Stmt *Term = B->getTerminatorStmt();
    if (isa_and_nonnull<CXXThrowExpr>(Term))
      for (PathState &S : SS)
        S.ExitStmt = Term;
    const Expr *Cond = dyn_cast_or_null<Expr>(B->getTerminatorCondition(false));
    bool Binary = Cond && B->succ_size() == 2 && !isa_and_nonnull<SwitchStmt>(Term);
    for (PathState &S : SS) {
      if (S.Dead)
        continue;
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
          T->addNote({PathNote::Branch, Cond, true});
          S.addNote({PathNote::Branch, Cond, false});
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
  if (Truncated && TU.Log)
    *TU.Log << "custody: '" << FD->getNameAsString()
            << "' has more paths than kept; some were not explored\n";

  for (auto &F : Found)
    Result.Findings.push_back(std::move(F.second));

  // Summary.
  if (!SawExit)
    return Result;
  auto S = std::make_unique<FunctionContract>();
  S->Name = FD->getNameAsString();
  S->IsSummary = true;
  bool Useful = false;
  if (!Returns.AnyOther && !Returns.Mixed && Returns.Res &&
      (Returns.AnyOwned != Returns.AnyBorrowed)) {
    S->Returns = ReturnEffect{Returns.AnyOwned, Returns.Res->Name,
                              Returns.AnyNull};
    Useful = true;
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
    if (!AnyStored || !SameResource || !R)
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
      if (!E.OutStores.count(P) && (!E.Returned || E.Returned == StoredRet))
        Separated = false;
    if (!Separated)
      continue;
    S->Success = Condition{Condition::EQ, *StoredRet};
    S->Args[I] = {ArgEffect::Acquires, R->Name, When::OnSuccess};
    Useful = true;
  }
  // Arguments a summary says nothing about stay unknown (they escape).
  if (Useful)
    Result.Summary = std::move(S);
  return Result;
}

class FunctionCollector : public RecursiveASTVisitor<FunctionCollector> {
public:
  explicit FunctionCollector(const SourceManager &SM) : SM(SM) {}
  std::vector<const FunctionDecl *> Functions;
  // Declarations from headers are not walked into: only the main file's
  // functions are reported on (callees are reached through summaries).
  bool TraverseDecl(Decl *D) {
    if (D && !isa<TranslationUnitDecl, NamespaceDecl, LinkageSpecDecl>(D)) {
      SourceLocation L = SM.getExpansionLoc(D->getLocation());
      if (L.isValid() && !SM.isWrittenInMainFile(L))
        return true;
    }
    return RecursiveASTVisitor::TraverseDecl(D);
  }
  bool VisitFunctionDecl(FunctionDecl *FD) {
    if (FD->doesThisDeclarationHaveABody() && isAnalyzable(FD) &&
        SM.isWrittenInMainFile(SM.getExpansionLoc(FD->getLocation())))
      Functions.push_back(FD);
    return true;
  }

private:
  const SourceManager &SM;
};

} // namespace

std::vector<Finding>
custody::analyzeTranslationUnit(ASTContext &Ctx, const ContractSet &Contracts,
                                const AnalysisLimits &Limits,
                                llvm::raw_ostream *Log) {
  FunctionCollector C(Ctx.getSourceManager());
  C.TraverseDecl(Ctx.getTranslationUnitDecl());
  TUAnalysis TU(Ctx, Contracts, Limits, Log);
  std::vector<Finding> All;
  for (const FunctionDecl *FD : C.Functions) {
    const FunctionResult &R = TU.resultFor(FD, 0);
    All.insert(All.end(), R.Findings.begin(), R.Findings.end());
  }
  const SourceManager &SM = Ctx.getSourceManager();
  std::stable_sort(All.begin(), All.end(),
                   [&](const Finding &A, const Finding &B) {
                     if (A.Loc != B.Loc)
                       return SM.isBeforeInTranslationUnit(A.Loc, B.Loc);
                     return A.Kind < B.Kind;
                   });
  return All;
}
