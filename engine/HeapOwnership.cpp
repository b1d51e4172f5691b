//===- HeapOwnership.cpp - Owning fields and the functions that destroy ---===//
//
// A value stored into a field is owned by the field's object, and the
// object's destroy function must release it. The walk of every function
// records which fields (and globals) receive owned values; this file finds
// the destroy functions of the translation unit (tp_dealloc slots, C++
// destructors, functions named like 'foo_free' that take the object, JNI's
// unload function), and says what each must release. A second walk of each
// (FunctionAnalysis with a DestroyPlan) binds those fields to the values they
// hold at entry and reports the ones left unreleased.
//
//===----------------------------------------------------------------------===//

#include "FunctionAnalysis.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include <functional>
#include <set>

using namespace clang;
using namespace custody;
using namespace custody::impl;

bool TUAnalysis::isRefCounted(const Resource *R) {
  if (!R)
    return false;
  if (!RefCounted) {
    RefCounted.emplace();
    for (const auto &F : Contracts.Functions)
      for (const auto &[I, AE] : F.getValue().Args)
        if (AE.Kind == ArgEffect::Retains)
          RefCounted->insert(AE.Resource);
  }
  return RefCounted->count(R->Name);
}

namespace {

/// What one function releases through a contract's releaser: fields
/// ('Py_CLEAR(self->cb)', 'DeleteGlobalRef(env, s->listener)', also through a
/// local loaded from the field) and globals, each with the resource the
/// releaser names.
struct ReleaseScan : RecursiveASTVisitor<ReleaseScan> {
  TUAnalysis &TU;
  llvm::DenseMap<const FieldDecl *, const Resource *> Fields;
  llvm::DenseMap<const VarDecl *, const Resource *> Globals;
  /// Locals loaded from a field ('tmp = self->cb', Py_CLEAR's temporary).
  llvm::DenseMap<const VarDecl *, const FieldDecl *> Loaded;
  explicit ReleaseScan(TUAnalysis &TU) : TU(TU) {}

  static const FieldDecl *fieldOf(const Expr *E) {
    if (const auto *ME = dyn_cast_or_null<MemberExpr>(strip(E)))
      return dyn_cast<FieldDecl>(ME->getMemberDecl());
    return nullptr;
  }
  bool VisitVarDecl(VarDecl *VD) {
    if (const FieldDecl *F = fieldOf(VD->getInit()))
      Loaded[VD] = F;
    return true;
  }
  bool VisitBinaryOperator(BinaryOperator *BO) {
    if (BO->getOpcode() == BO_Assign)
      if (const VarDecl *VD = localVar(BO->getLHS()))
        if (const FieldDecl *F = fieldOf(BO->getRHS()))
          Loaded[VD] = F;
    return true;
  }
  bool VisitCallExpr(CallExpr *CE) {
    const FunctionContract *FC = nullptr;
    unsigned Shift = 0;
    if (const FunctionDecl *Callee = CE->getDirectCallee()) {
      if (const auto *MD = dyn_cast<CXXMethodDecl>(Callee)) {
        // env->DeleteGlobalRef(ref): the contract counts env as 0.
        if (MD->getParent()->getIdentifier() && MD->getIdentifier())
          FC = TU.Contracts.lookupMember(MD->getParent()->getName(),
                                         MD->getName());
        Shift = 1;
      } else if (Callee->getIdentifier()) {
        FC = TU.Contracts.lookup(Callee->getName());
      }
    } else if (const auto *ME = dyn_cast<MemberExpr>(strip(CE->getCallee()))) {
      // (*env)->DeleteGlobalRef(env, ref)
      if (const auto *RD =
              dyn_cast<RecordDecl>(ME->getMemberDecl()->getDeclContext()))
        if (RD->getIdentifier() && ME->getMemberDecl()->getIdentifier())
          FC = TU.Contracts.lookupMember(RD->getName(),
                                         ME->getMemberDecl()->getName());
    }
    if (!FC)
      return true;
    for (const auto &[I, AE] : FC->Args) {
      if (AE.Kind != ArgEffect::Releases && AE.Kind != ArgEffect::Consumes)
        continue;
      if (I < Shift || I - Shift >= CE->getNumArgs())
        continue;
      const Expr *A = CE->getArg(I - Shift);
      const Resource *R = TU.Contracts.resource(AE.Resource);
      const FieldDecl *F = fieldOf(A);
      const VarDecl *VD = localVar(A);
      if (!F && VD)
        F = Loaded.lookup(VD);
      if (F)
        Fields.insert({F, R});
      else if (const VarDecl *G = globalOf(A); G && !VD)
        Globals.insert({G->getCanonicalDecl(), R});
    }
    return true;
  }
};

} // namespace

const llvm::DenseMap<const FieldDecl *, const Resource *> &
TUAnalysis::releasedFields() {
  if (ReleasedFields)
    return *ReleasedFields;
  ReleasedFields.emplace();
  // A field the contract says owns its values holds what must be released.
  ReleasedFields->insert(DeclaredFields.begin(), DeclaredFields.end());
  for (const FunctionDecl *FD : MainFunctions) {
    ReleaseScan S(*this);
    S.TraverseStmt(const_cast<Stmt *>(FD->getBody()));
    ReleasedFields->insert(S.Fields.begin(), S.Fields.end());
  }
  return *ReleasedFields;
}

namespace {

/// The slot number of tp_dealloc in PyType_Slot tables (part of CPython's
/// stable ABI, so fixed).
constexpr int64_t PyTpDeallocSlot = 52;

/// A struct's name, or the typedef's that names an untagged one.
std::string recordName(const TagDecl *D) {
  if (D->getIdentifier())
    return D->getName().str();
  if (const TypedefNameDecl *TD = D->getTypedefNameForAnonDecl())
    return TD->getName().str();
  return "";
}

/// The tp_dealloc functions of the type objects defined in the TU, with the
/// name of their type object.
class DeallocFinder : public RecursiveASTVisitor<DeallocFinder> {
public:
  explicit DeallocFinder(ASTContext &Ctx) : Ctx(Ctx) {}
  std::vector<std::pair<const FunctionDecl *, std::string>> Found;

  bool VisitVarDecl(VarDecl *VD) {
    if (const auto *IL = dyn_cast_or_null<InitListExpr>(VD->getInit()))
      fromInit(IL, VD->getName().str());
    return true;
  }
  bool VisitInitListExpr(InitListExpr *IL) {
    // '{Py_tp_dealloc, f}' in a PyType_Slot array.
    const auto *RT = IL->getType()->getAs<RecordType>();
    if (!RT || recordName(RT->getDecl()) != "PyType_Slot" ||
        IL->getNumInits() != 2)
      return true;
    Expr::EvalResult R;
    if (IL->getInit(0)->EvaluateAsInt(R, Ctx) &&
        R.Val.getInt().getExtValue() == PyTpDeallocSlot)
      if (const FunctionDecl *Fn = functionRef(IL->getInit(1)))
        Found.push_back({Fn, "its type's Py_tp_dealloc slot"});
    return true;
  }
  bool VisitBinaryOperator(BinaryOperator *BO) {
    // 'FooType.tp_dealloc = foo_dealloc;'
    if (BO->getOpcode() != BO_Assign)
      return true;
    if (const auto *ME = dyn_cast<MemberExpr>(BO->getLHS()->IgnoreParens()))
      if (ME->getMemberDecl()->getName() == "tp_dealloc")
        if (const FunctionDecl *Fn = functionRef(BO->getRHS()))
          Found.push_back({Fn, "the tp_dealloc of its type"});
    return true;
  }

private:
  void fromInit(const InitListExpr *IL, std::string Var) {
    const InitListExpr *Sem = IL->isSemanticForm() ? IL : IL->getSemanticForm();
    const auto *RT = Sem ? Sem->getType()->getAs<RecordType>() : nullptr;
    if (!RT)
      return;
    unsigned I = 0;
    for (const FieldDecl *F : RT->getDecl()->fields()) {
      if (I >= Sem->getNumInits())
        break;
      const Expr *Init = Sem->getInit(I++);
      if (F->getName() == "tp_dealloc")
        if (const FunctionDecl *Fn = functionRef(Init))
          Found.push_back({Fn, "the tp_dealloc of '" + Var + "'"});
    }
  }
  ASTContext &Ctx;
};

/// The records a function's first parameter is seen as: its own pointee,
/// and what the body casts it to ('FooObject *self = (FooObject *)op').
std::set<const TagDecl *> objectRecords(const FunctionDecl *FD,
                                        unsigned Param = 0) {
  std::set<const TagDecl *> Out;
  if (Param >= FD->getNumParams())
    return Out;
  const ParmVarDecl *P = FD->getParamDecl(Param);
  auto Add = [&](QualType T) {
    if (!T->isPointerType())
      return;
    if (const auto *RT = T->getPointeeType()->getAs<RecordType>())
      Out.insert(RT->getDecl()->getCanonicalDecl());
  };
  Add(P->getType());
  struct Casts : RecursiveASTVisitor<Casts> {
    const ParmVarDecl *P;
    std::function<void(QualType)> Add;
    bool VisitCastExpr(CastExpr *CE) {
      if (const auto *DRE =
              dyn_cast<DeclRefExpr>(CE->getSubExpr()->IgnoreParenCasts()))
        if (DRE->getDecl() == P)
          Add(CE->getType());
      return true;
    }
  } C;
  C.P = P;
  C.Add = Add;
  C.TraverseStmt(FD->getBody());
  return Out;
}

bool namedLikeDestroy(const FunctionDecl *FD) {
  if (!FD->getIdentifier())
    return false;
  std::string N = FD->getName().lower();
  for (const char *Suffix :
       {"free", "destroy", "release", "close", "cleanup", "dispose", "dealloc",
        "delete", "finalize", "fini"})
    if (llvm::StringRef(N).ends_with(Suffix))
      return true;
  return false;
}

} // namespace

/// The resource a CUSTODY_OWNS(R) annotation on D names, if any.
static const Resource *ownsAnnotation(TUAnalysis &TU, const Decl *D) {
  for (const auto *A : D->specific_attrs<AnnotateAttr>()) {
    llvm::StringRef Text = A->getAnnotation();
    if (Text.consume_front("custody: owns "))
      return TU.Contracts.resource(Text.trim());
  }
  return nullptr;
}

void impl::declareFields(TUAnalysis &TU) {
  struct Records : RecursiveASTVisitor<Records> {
    TUAnalysis &TU;
    explicit Records(TUAnalysis &TU) : TU(TU) {}
    bool TraverseStmt(Stmt *) { return true; }
    bool VisitFieldDecl(FieldDecl *F) {
      if (const Resource *R = ownsAnnotation(TU, F)) {
        TU.DeclaredFields[F] = R;
        TU.OwningFields[F] = {
            R, "", "",
            TU.Ctx.getSourceManager().getExpansionLoc(F->getLocation())};
      }
      return true;
    }
    bool VisitVarDecl(VarDecl *V) {
      if (V->hasGlobalStorage())
        if (const Resource *R = ownsAnnotation(TU, V))
          TU.OwningGlobals[V->getCanonicalDecl()] = {
              R, "", "",
              TU.Ctx.getSourceManager().getExpansionLoc(V->getLocation())};
      return true;
    }
    bool VisitRecordDecl(RecordDecl *RD) {
      if (!RD->isThisDeclarationADefinition())
        return true;
      std::string Name = recordName(RD);
      for (const OwningFieldDecl &D : TU.Contracts.Fields) {
        if (D.Record != Name)
          continue;
        const Resource *R = TU.Contracts.resource(D.Resource);
        for (const FieldDecl *F : RD->fields())
          if (R && F->getName() == D.Field) {
            TU.DeclaredFields[F] = R;
            TU.OwningFields[F] = {
                R, "", "",
                TU.Ctx.getSourceManager().getExpansionLoc(F->getLocation())};
          }
      }
      return true;
    }
  } V(TU);
  V.TraverseDecl(TU.Ctx.getTranslationUnitDecl());
}

std::vector<std::pair<const FunctionDecl *, DestroyPlan>>
impl::destroyFunctions(TUAnalysis &TU,
                       llvm::ArrayRef<const FunctionDecl *> Functions) {
  std::vector<std::pair<const FunctionDecl *, DestroyPlan>> Out;
  if (TU.OwningFields.empty() && TU.OwningGlobals.empty())
    return Out;
  llvm::DenseSet<const FunctionDecl *> Defined;
  for (const FunctionDecl *FD : Functions)
    Defined.insert(FD->getCanonicalDecl());
  llvm::DenseSet<const FunctionDecl *> Planned;
  auto FieldsOf = [&](const std::set<const TagDecl *> &Records) {
    std::vector<const FieldDecl *> Fields;
    for (const auto &[F, Store] : TU.OwningFields)
      if (Records.count(F->getParent()->getCanonicalDecl()))
        Fields.push_back(F);
    return Fields;
  };
  auto Add = [&](const FunctionDecl *FD, DestroyPlan Plan) {
    // What the function releases on some path is not what it forgot: only
    // the fields (globals) it never releases are followed.
    ReleaseScan S(TU);
    S.TraverseStmt(const_cast<Stmt *>(FD->getBody()));
    llvm::erase_if(Plan.Fields,
                   [&](const FieldDecl *F) { return S.Fields.count(F); });
    llvm::erase_if(Plan.Globals,
                   [&](const VarDecl *G) { return S.Globals.count(G); });
    if (Plan.Fields.empty() && Plan.Globals.empty())
      return;
    if (!Planned.insert(FD->getCanonicalDecl()).second)
      return;
    Out.push_back({FD, std::move(Plan)});
  };
  auto DefinitionOf = [&](const FunctionDecl *Fn) -> const FunctionDecl * {
    const FunctionDecl *Def = nullptr;
    if (!Fn || !Fn->hasBody(Def) || !Def ||
        !Defined.count(Def->getCanonicalDecl()))
      return nullptr;
    return Def;
  };

  DeallocFinder DF(TU.Ctx);
  DF.TraverseDecl(TU.Ctx.getTranslationUnitDecl());
  for (const auto &[Fn, Why] : DF.Found)
    if (const FunctionDecl *Def = DefinitionOf(Fn)) {
      DestroyPlan P;
      P.Kind = DestroyPlan::Dealloc;
      P.Why = Why;
      P.Fields = FieldsOf(objectRecords(Def));
      Add(Def, std::move(P));
    }
  for (const FunctionDecl *FD : Functions) {
    if (const auto *DD = dyn_cast<CXXDestructorDecl>(FD)) {
      DestroyPlan P;
      P.Kind = DestroyPlan::Destructor;
      P.Why = "the destructor of '" + recordName(DD->getParent()) + "'";
      P.Fields = FieldsOf({DD->getParent()->getCanonicalDecl()});
      Add(FD, std::move(P));
      continue;
    }
    if (FD->getIdentifier() && FD->getName().starts_with("JNI_OnUnload")) {
      DestroyPlan P;
      P.Kind = DestroyPlan::Unload;
      P.Why = "the library's unload function";
      for (const auto &[G, Store] : TU.OwningGlobals)
        P.Globals.push_back(G);
      Add(FD, std::move(P));
      continue;
    }
    // A contract's releaser defined here (the SDK's own 'session_close' in
    // the file that implements it) destroys what it is given, whatever its
    // name.
    bool Releaser = false;
    if (FD->getIdentifier())
      for (const auto &R : TU.Contracts.Resources)
        Releaser |= llvm::is_contained(R.getValue().Releasers, FD->getName());
    // A method the interpreter calls on a live object (cursor.close())
    // is not its destructor.
    if (isa<CXXMethodDecl>(FD) || (!namedLikeDestroy(FD) && !Releaser) ||
        TU.RaisingEntries.count(FD->getCanonicalDecl()))
      continue;
    // The object is the first parameter whose struct has owning fields
    // (a JNI native's handle comes after the environment); one it cannot
    // change ('const struct options *') is not destroyed through it.
    DestroyPlan P;
    P.Kind = DestroyPlan::Named;
    for (unsigned I = 0; I < FD->getNumParams() && P.Fields.empty(); ++I) {
      QualType T = FD->getParamDecl(I)->getType();
      if (T->isPointerType() && T->getPointeeType().isConstQualified())
        continue;
      P.Param = I;
      P.Fields = FieldsOf(objectRecords(FD, I));
    }
    if (!P.Fields.empty())
      P.Why = "the destroy function of '" +
              recordName(P.Fields.front()->getParent()) + "'";
    Add(FD, std::move(P));
  }
  return Out;
}
