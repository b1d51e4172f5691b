//===- PyMethodFlagsCheck.cpp - PyMethodDef flags against signatures ------===//
//
// cpython-method-flags. Each PyMethodDef initializer (a module's or a type's
// method table, written anywhere in the main file, through macros too) names
// a C function and METH_* flags; the flags say how CPython calls it:
//
//   METH_NOARGS                              f(self, NULL)
//   METH_O                                   f(self, arg)
//   METH_VARARGS                             f(self, args)
//   METH_VARARGS | METH_KEYWORDS             f(self, args, kwargs)
//   METH_FASTCALL                            f(self, args, nargs)
//   METH_FASTCALL | METH_KEYWORDS            f(self, args, nargs, kwnames)
//   METH_METHOD | METH_FASTCALL | METH_KEYWORDS
//                                   f(self, defining_class, args, nargs,
//                                   kwnames)
//
// METH_CLASS, METH_STATIC and METH_COEXIST do not change the call. Any other
// combination makes CPython raise SystemError when it creates the method.
// The function's own signature is read through the (PyCFunction) cast:
// more parameters than the call passes read garbage; fewer lose what is
// passed last (keyword arguments are then ignored instead of rejected),
// except for METH_NOARGS, where a function of one parameter is common
// practice and works on every ABI CPython supports: that is not reported.
//
//===----------------------------------------------------------------------===//

#include "OwnershipAnalysis.h"
#include "PyApiChecks.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringExtras.h"

using namespace clang;
using namespace custody;
using namespace custody::pyapi;

namespace {

enum : unsigned {
  Varargs = 0x1,
  Keywords = 0x2,
  Noargs = 0x4,
  MethO = 0x8,
  Class = 0x10,
  Static = 0x20,
  Coexist = 0x40,
  Fastcall = 0x80,
  Stackless = 0x100,
  Method = 0x200,
};

/// What a parameter position receives.
enum class Slot { Object, Array, Size };

struct Convention {
  unsigned Flags;
  std::vector<Slot> Slots;
  const char *Names; // "(self, args)"
};

const Convention Conventions[] = {
    {Noargs, {Slot::Object, Slot::Object}, "(self, NULL)"},
    {MethO, {Slot::Object, Slot::Object}, "(self, arg)"},
    {Varargs, {Slot::Object, Slot::Object}, "(self, args)"},
    {Varargs | Keywords,
     {Slot::Object, Slot::Object, Slot::Object},
     "(self, args, kwargs)"},
    {Fastcall, {Slot::Object, Slot::Array, Slot::Size}, "(self, args, nargs)"},
    {Fastcall | Keywords,
     {Slot::Object, Slot::Array, Slot::Size, Slot::Object},
     "(self, args, nargs, kwnames)"},
    {Method | Fastcall | Keywords,
     {Slot::Object, Slot::Object, Slot::Array, Slot::Size, Slot::Object},
     "(self, defining_class, args, nargs, kwnames)"},
};

std::string flagNames(unsigned Flags) {
  static const std::pair<unsigned, const char *> Names[] = {
      {Varargs, "METH_VARARGS"},     {Keywords, "METH_KEYWORDS"},
      {Noargs, "METH_NOARGS"},       {MethO, "METH_O"},
      {Class, "METH_CLASS"},         {Static, "METH_STATIC"},
      {Coexist, "METH_COEXIST"},     {Fastcall, "METH_FASTCALL"},
      {Stackless, "METH_STACKLESS"}, {Method, "METH_METHOD"}};
  std::string Out;
  for (const auto &[Bit, Name] : Names)
    if (Flags & Bit) {
      Out += Out.empty() ? "" : " | ";
      Out += Name;
      Flags &= ~Bit;
    }
  if (Flags || Out.empty()) {
    Out += Out.empty() ? "" : " | ";
    Out += "0x" + llvm::utohexstr(Flags);
  }
  return Out;
}

const char *ordinal(unsigned I) {
  static const char *Names[] = {"first", "second", "third",   "fourth",
                                "fifth", "sixth",  "seventh", "eighth"};
  return I < 8 ? Names[I] : "next";
}

const char *slotText(Slot S) {
  switch (S) {
  case Slot::Object:
    return "an object ('PyObject *')";
  case Slot::Array:
    return "the argument array ('PyObject *const *')";
  case Slot::Size:
    return "the number of arguments ('Py_ssize_t')";
  }
  return "";
}

/// " ('kwargs')" for a named parameter.
std::string paramName(const ParmVarDecl *P) {
  if (!P->getIdentifier())
    return "";
  return " ('" + P->getName().str() + "')";
}

/// Whether a parameter of type T can receive S. Unknown types pass.
bool fitsSlot(Slot S, QualType T) {
  if (T.isNull() || T->isDependentType())
    return true;
  QualType C = T.getCanonicalType();
  switch (S) {
  case Slot::Object:
    return C->isPointerType() && !C->getPointeeType()->isPointerType();
  case Slot::Array:
    return C->isPointerType() && (C->getPointeeType()->isPointerType() ||
                                  C->getPointeeType()->isVoidType());
  case Slot::Size:
    return C->isIntegralOrEnumerationType();
  }
  return true;
}

bool isMethodDef(QualType T) {
  const RecordDecl *RD = T->getAsRecordDecl();
  return RD && RD->getIdentifier() && RD->getName() == "PyMethodDef";
}

class MethodTableVisitor : public RecursiveASTVisitor<MethodTableVisitor> {
public:
  MethodTableVisitor(ASTContext &Ctx, std::vector<Finding> &Out)
      : Ctx(Ctx), SM(Ctx.getSourceManager()), Out(Out) {}

  bool TraverseDecl(Decl *D) {
    return outsideMainFile(SM, D) || RecursiveASTVisitor::TraverseDecl(D);
  }

  bool VisitInitListExpr(InitListExpr *IL) {
    InitListExpr *Sem = IL->isSemanticForm() ? IL : IL->getSemanticForm();
    if (!Sem || !isMethodDef(Sem->getType()) || !Seen.insert(Sem).second ||
        Sem->isValueDependent() || Sem->containsErrors())
      return true;
    const RecordDecl *RD = Sem->getType()->getAsRecordDecl();
    const Expr *Name = nullptr, *Meth = nullptr, *Flags = nullptr;
    unsigned I = 0;
    for (const FieldDecl *F : RD->fields()) {
      if (I >= Sem->getNumInits())
        break;
      const Expr *E = Sem->getInit(I++);
      if (F->getName() == "ml_name")
        Name = E;
      else if (F->getName() == "ml_meth")
        Meth = E;
      else if (F->getName() == "ml_flags")
        Flags = E;
    }
    const DeclRefExpr *Ref = functionRefExpr(Meth);
    Expr::EvalResult R;
    if (!Ref || !Flags || Flags->isValueDependent() ||
        !Flags->EvaluateAsInt(R, Ctx))
      return true;
    check(cast<FunctionDecl>(Ref->getDecl()),
          unsigned(R.Val.getInt().getZExtValue()), Ref, Name);
    return true;
  }

private:
  ASTContext &Ctx;
  const SourceManager &SM;
  std::vector<Finding> &Out;
  llvm::DenseSet<const InitListExpr *> Seen;

  void report(SourceLocation L, std::string Msg, const FunctionDecl *Fn) {
    Finding F{
        FindingKind::CPythonMethodFlags, SM.getFileLoc(L), std::move(Msg), {}};
    const FunctionDecl *Def = Fn->getDefinition() ? Fn->getDefinition() : Fn;
    F.Notes.push_back({SM.getFileLoc(Def->getLocation()),
                       "'" + Fn->getNameAsString() + "' is declared here"});
    Out.push_back(std::move(F));
  }

  void check(const FunctionDecl *Fn, unsigned Flags, const DeclRefExpr *Ref,
             const Expr *NameExpr) {
    std::string Name = "'" + Fn->getNameAsString() + "'";
    if (const auto *S = dyn_cast_or_null<StringLiteral>(
            NameExpr ? NameExpr->IgnoreParenCasts() : nullptr))
      if (S->getCharByteWidth() == 1)
        Name = "'" + S->getString().str() + "'";
    SourceLocation L = Ref->getLocation();
    std::string Written = flagNames(Flags);
    if ((Flags & Class) && (Flags & Static)) {
      report(L,
             "method " + Name + " has both METH_CLASS and METH_STATIC (" +
                 Written + "); creating it raises ValueError",
             Fn);
      return;
    }
    unsigned Calling =
        Flags & (Varargs | Keywords | Noargs | MethO | Fastcall | Method);
    const Convention *Conv = nullptr;
    for (const Convention &C : Conventions)
      if (C.Flags == Calling)
        Conv = &C;
    if (!Conv) {
      std::string Why;
      if ((Calling & Keywords) && !(Calling & (Varargs | Fastcall)))
        Why = " (METH_KEYWORDS goes with METH_VARARGS or METH_FASTCALL)";
      report(L,
             "the flags " + Written + " of method " + Name +
                 " are not a calling convention CPython accepts" + Why +
                 "; creating the method raises SystemError",
             Fn);
      return;
    }
    const FunctionDecl *Def = Fn->getDefinition() ? Fn->getDefinition() : Fn;
    const auto *Proto = Def->getType()->getAs<FunctionProtoType>();
    if (!Proto || Proto->isVariadic())
      return;
    unsigned Params = Def->getNumParams();
    unsigned Passed = Conv->Slots.size();
    std::string Fun = "'" + Fn->getNameAsString() + "'";
    std::string Pass = "its flags " + flagNames(Conv->Flags) + " pass " +
                       std::to_string(Passed) + " " + Conv->Names;
    if (Params > Passed) {
      std::string Msg = Fun + " takes " + std::to_string(Params) +
                        " parameters, but " + Pass + ": the " +
                        ordinal(Passed) + " parameter" +
                        paramName(Def->getParamDecl(Passed)) + " holds garbage";
      if (Calling == Varargs && Params == 3)
        Msg += "; keyword arguments need METH_VARARGS | METH_KEYWORDS";
      else if (Calling == Fastcall && Params == 4)
        Msg += "; keyword names need METH_FASTCALL | METH_KEYWORDS";
      report(L, Msg, Fn);
      return;
    }
    if (Params < Passed && Calling != Noargs) {
      std::string Msg = Fun + " takes " + std::to_string(Params) +
                        (Params == 1 ? " parameter" : " parameters") +
                        ", but " + Pass;
      if ((Calling & Keywords) && Params + 1 == Passed)
        Msg += ": keyword arguments are ignored instead of rejected";
      else
        Msg += ": what it is passed last is ignored";
      report(L, Msg, Fn);
      return;
    }
    for (unsigned I = 0; I < Params && I < Passed; ++I) {
      QualType T = Def->getParamDecl(I)->getType();
      if (fitsSlot(Conv->Slots[I], T))
        continue;
      PrintingPolicy PP(Ctx.getLangOpts());
      report(L,
             "parameter " + std::to_string(I + 1) + " of " + Fun + " is " +
                 withArticle("'" + T.getAsString(PP) + "'") + ", but " +
                 flagNames(Conv->Flags) + " passes " +
                 slotText(Conv->Slots[I]) + " there",
             Fn);
      return;
    }
  }
};

} // namespace

void pyapi::checkMethodFlags(ASTContext &Ctx, std::vector<Finding> &Out) {
  MethodTableVisitor V(Ctx, Out);
  V.TraverseDecl(Ctx.getTranslationUnitDecl());
}
