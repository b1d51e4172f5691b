//===- Annotations.cpp - Ownership written on declarations ----------------===//
//
// Projects already describe ownership in their headers, in three dialects.
// Each becomes a function contract here, so an annotated function is checked
// like one a YAML contract names:
//  - custody/annotations.h (Clang's annotate attribute, "custody: ...");
//  - Clang's own ownership_returns/_takes/_holds (the analyzer's malloc
//    checker) and acquire_handle/release_handle/use_handle (handles);
//  - the CPython checker's attributes (cpychecker_returns_borrowed_ref,
//    cpychecker_steals_reference_to_arg(N), cpychecker_sets_exception,
//    cpychecker_negative_result_sets_exception). Clang drops attributes it
//    does not know, so they are registered here and kept as annotations.
//    Projects spell them in macros defined only under
//    WITH_CPYCHECKER_*_ATTRIBUTE, which the CPython checker defines; custody
//    must not (NumPy's headers switch to their internal API under one), so
//    AttributeMacros reads those macros from the branch the preprocessor
//    skips and annotates the declarations where they are used.
//
//===----------------------------------------------------------------------===//

#include "FunctionAnalysis.h"
#include "TUSession.h"
#include "clang/AST/Attr.h"
#include "clang/Lex/Lexer.h"
#include "clang/Lex/MacroArgs.h"
#include "clang/Lex/PPCallbacks.h"
#include "clang/Sema/ParsedAttr.h"
#include "clang/Sema/Sema.h"
#include <set>

using namespace clang;
using namespace custody;
using namespace custody::impl;

namespace {

/// One CPython checker attribute, kept as "custody: <Text>" (with the
/// argument number appended for steals_reference_to_arg).
struct CpycheckerAttr : public ParsedAttrInfo {
  CpycheckerAttr(const char *Name, const char *Text, unsigned Args)
      : Text(Text) {
    NumArgs = Args;
    Spelling[0] = {ParsedAttr::AS_GNU, Name};
    Spelling[1] = {ParsedAttr::AS_C23, Name};
    Spelling[2] = {ParsedAttr::AS_CXX11, Name};
    Spellings = Spelling;
  }
  bool diagAppertainsToDecl(Sema &S, const ParsedAttr &Attr,
                            const Decl *D) const override {
    if (isa<FunctionDecl>(D))
      return true;
    S.Diag(Attr.getLoc(), diag::warn_attribute_wrong_decl_type_str)
        << Attr << Attr.isRegularKeywordAttribute() << "functions";
    return false;
  }
  AttrHandling handleDeclAttribute(Sema &S, Decl *D,
                                   const ParsedAttr &Attr) const override {
    std::string Annotation = std::string("custody: ") + Text;
    if (NumArgs) {
      Expr *E = Attr.getArgAsExpr(0);
      std::optional<llvm::APSInt> N =
          E ? E->getIntegerConstantExpr(S.Context) : std::nullopt;
      auto *FD = cast<FunctionDecl>(D);
      if (!N || *N < 1 || *N > FD->getNumParams())
        return AttributeNotApplied;
      Annotation += " " + std::to_string(N->getZExtValue() - 1);
    }
    D->addAttr(AnnotateAttr::CreateImplicit(S.Context, Annotation, nullptr, 0,
                                            Attr.getRange()));
    return AttributeApplied;
  }
  const char *Text;
  Spelling Spelling[3];
};

#define CUSTODY_CPYCHECKER(Class, Name, Text, Args)                            \
  struct Class : CpycheckerAttr {                                              \
    Class() : CpycheckerAttr(Name, Text, Args) {}                              \
  };                                                                           \
  ParsedAttrInfoRegistry::Add<Class> Register##Class(Name, Text);
CUSTODY_CPYCHECKER(ReturnsBorrowed, "cpychecker_returns_borrowed_ref",
                   "returns borrowed pyobject", 0)
CUSTODY_CPYCHECKER(StealsArg, "cpychecker_steals_reference_to_arg",
                   "consumes-arg pyobject", 1)
CUSTODY_CPYCHECKER(SetsException, "cpychecker_sets_exception", "sets-exception",
                   0)
CUSTODY_CPYCHECKER(NegativeSetsException,
                   "cpychecker_negative_result_sets_exception",
                   "negative-result-sets-exception", 0)
#undef CUSTODY_CPYCHECKER

/// The resource an ownership_* module or a handle tag stands for: a resource
/// of that name if a contract defines one (malloc is libc's heap-memory),
/// else one made up for this translation unit.
std::string moduleResource(llvm::StringRef Module, const ContractSet &Set) {
  if (Module == "malloc" && Set.resource("heap-memory"))
    return "heap-memory";
  return Module.str();
}
std::string handleResource(llvm::StringRef Tag, const ContractSet &Set) {
  if (Set.resource(Tag))
    return Tag.str();
  return (Tag + "-handle").str();
}

/// The tag of acquire_handle on a function. Clang keeps that attribute in
/// the function's type, without its argument: the tag is read back from the
/// declaration's text, else it is the only tag the translation unit uses on
/// parameters, else "handle". Empty when the function has no such attribute.
bool returnsHandle(const FunctionDecl *FD) {
  // Written before the declaration, the attribute is the function's own.
  if (FD->hasAttr<AcquireHandleAttr>())
    return true;
  for (QualType T = FD->getType(); const auto *AT = T->getAs<AttributedType>();
       T = AT->getModifiedType())
    if (AT->getAttrKind() == attr::AcquireHandle)
      return true;
  return false;
}

/// ParamTags is asked for only when the text does not say.
std::string returnedHandleTag(
    const FunctionDecl *FD,
    llvm::function_ref<const std::set<std::string> &()> ParamTags) {
  if (!returnsHandle(FD))
    return "";
  if (const auto *A = FD->getAttr<AcquireHandleAttr>())
    return A->getHandleType().str();
  const SourceManager &SM = FD->getASTContext().getSourceManager();
  CharSourceRange Range = SM.getExpansionRange(FD->getSourceRange());
  bool Invalid = false;
  llvm::StringRef Text = Lexer::getSourceText(
      Range, SM, FD->getASTContext().getLangOpts(), &Invalid);
  size_t At = Invalid ? llvm::StringRef::npos : Text.find("acquire_handle");
  if (At != llvm::StringRef::npos) {
    llvm::StringRef Rest = Text.substr(At).split('(').second.ltrim();
    if (Rest.consume_front("\""))
      return Rest.split('"').first.str();
  }
  const std::set<std::string> &Tags = ParamTags();
  return Tags.size() == 1 ? *Tags.begin() : "handle";
}

/// Every function declared in the translation unit, headers included.
template <typename Fn> void forEachFunction(const DeclContext *DC, Fn F) {
  for (const Decl *D : DC->decls()) {
    if (const auto *FD = dyn_cast<FunctionDecl>(D))
      F(FD);
    else if (isa<LinkageSpecDecl, NamespaceDecl, ExportDecl>(D))
      forEachFunction(cast<DeclContext>(D), F);
  }
}

void addParamTags(const ParmVarDecl *P, std::set<std::string> &Tags) {
  if (const auto *A = P->getAttr<AcquireHandleAttr>())
    Tags.insert(A->getHandleType().str());
  if (const auto *A = P->getAttr<ReleaseHandleAttr>())
    Tags.insert(A->getHandleType().str());
  if (const auto *A = P->getAttr<UseHandleAttr>())
    Tags.insert(A->getHandleType().str());
}

/// The tags of the handle attributes on the translation unit's parameters.
std::set<std::string> handleTags(ASTContext &Ctx) {
  std::set<std::string> Tags;
  forEachFunction(Ctx.getTranslationUnitDecl(), [&](const FunctionDecl *FD) {
    for (const ParmVarDecl *P : FD->parameters())
      addParamTags(P, Tags);
  });
  return Tags;
}

} // namespace

namespace {

/// The attribute a project macro would expand to, from its definition's text
/// in a skipped preprocessor branch.
struct MacroAttr {
  std::string Text;   // the annotation: "returns borrowed pyobject" ...
  int Param = -1;     // steals_reference_to_arg(n): the macro's parameter
  std::string Number; // ... or a number written in the definition
};

std::optional<MacroAttr> attrOfDefinition(llvm::StringRef Params,
                                          llvm::StringRef Body) {
  static const std::pair<const char *, const char *> Known[] = {
      {"cpychecker_returns_borrowed_ref", "returns borrowed pyobject"},
      {"cpychecker_steals_reference_to_arg", "consumes-arg pyobject"},
      {"cpychecker_negative_result_sets_exception",
       "negative-result-sets-exception"},
      {"cpychecker_sets_exception", "sets-exception"}};
  for (auto [Name, Text] : Known) {
    size_t At = Body.find(Name);
    if (At == llvm::StringRef::npos)
      continue;
    llvm::StringRef After = Body.substr(At + strlen(Name));
    if (!After.empty() && (isalnum(After[0]) || After[0] == '_'))
      continue; // a longer name
    MacroAttr M{Text};
    if (llvm::StringRef(Text).starts_with("consumes-arg")) {
      llvm::StringRef Arg = After.ltrim();
      if (!Arg.consume_front("("))
        return std::nullopt;
      Arg = Arg.split(')').first.trim();
      llvm::SmallVector<llvm::StringRef, 4> Ps;
      Params.split(Ps, ',');
      for (size_t I = 0; I < Ps.size(); ++I)
        if (Ps[I].trim() == Arg)
          M.Param = int(I);
      if (M.Param < 0)
        M.Number = Arg.str();
    }
    return M;
  }
  return std::nullopt;
}

class MacroRecorder : public PPCallbacks {
public:
  MacroRecorder(AttributeMacros &Out, const SourceManager &SM)
      : Out(Out), SM(SM) {}

  void SourceRangeSkipped(SourceRange Range, SourceLocation) override {
    bool Invalid = false;
    const char *B = SM.getCharacterData(Range.getBegin(), &Invalid);
    const char *E = Invalid ? nullptr : SM.getCharacterData(Range.getEnd());
    if (Invalid || !E || E < B)
      return;
    llvm::StringRef Text(B, E - B);
    if (!Text.contains("cpychecker_"))
      return;
    // Logical lines: a definition may go on over backslash-newlines.
    std::string Joined;
    for (size_t I = 0; I < Text.size(); ++I) {
      if (Text[I] == '\\' && I + 1 < Text.size() &&
          (Text[I + 1] == '\n' || Text[I + 1] == '\r')) {
        I += Text[I + 1] == '\r' && I + 2 < Text.size() && Text[I + 2] == '\n'
                 ? 2
                 : 1;
        Joined += ' ';
        continue;
      }
      Joined += Text[I];
    }
    llvm::SmallVector<llvm::StringRef, 16> Lines;
    llvm::StringRef(Joined).split(Lines, '\n');
    for (llvm::StringRef L : Lines) {
      L = L.trim();
      if (!L.consume_front("#"))
        continue;
      L = L.ltrim();
      if (!L.consume_front("define"))
        continue;
      L = L.ltrim();
      size_t NameEnd =
          L.find_if_not([](char C) { return isalnum(C) || C == '_'; });
      llvm::StringRef Name = L.take_front(NameEnd),
                      Rest = L.drop_front(NameEnd);
      llvm::StringRef Params;
      if (Rest.consume_front("(")) {
        Params = Rest.split(')').first;
        Rest = Rest.split(')').second;
      }
      if (std::optional<MacroAttr> A = attrOfDefinition(Params, Rest))
        Out.Macros[Name.str()] = {A->Text, A->Param, A->Number};
    }
  }

  void MacroExpands(const Token &Name, const MacroDefinition &,
                    SourceRange Range, const MacroArgs *Args) override {
    if (Out.Macros.empty())
      return;
    auto It = Out.Macros.find(Name.getIdentifierInfo()->getName().str());
    if (It == Out.Macros.end())
      return;
    const AttributeMacros::Macro &M = It->second;
    std::string Text = M.Text;
    if (llvm::StringRef(Text).starts_with("consumes-arg")) {
      std::string N = M.Number;
      if (M.Param >= 0 && Args &&
          unsigned(M.Param) < Args->getNumMacroArguments())
        if (const Token *T = Args->getUnexpArgument(M.Param))
          if (T->isLiteral() && T->getLiteralData())
            N.assign(T->getLiteralData(), T->getLength());
      unsigned I = 0;
      if (llvm::StringRef(N).getAsInteger(10, I) || I == 0)
        return;
      Text += " " + std::to_string(I - 1);
    }
    Out.Uses.push_back({SM.getExpansionLoc(Range.getBegin()), Text});
  }

private:
  AttributeMacros &Out;
  const SourceManager &SM;
};

/// Top-level declarations, in the order of the translation unit.
void topLevelDecls(const DeclContext *DC, std::vector<const Decl *> &Out) {
  for (const Decl *D : DC->decls()) {
    if (isa<LinkageSpecDecl, ExportDecl>(D))
      topLevelDecls(cast<DeclContext>(D), Out);
    else
      Out.push_back(D);
  }
}

} // namespace

std::unique_ptr<PPCallbacks>
AttributeMacros::callbacks(const SourceManager &SM) {
  return std::make_unique<MacroRecorder>(*this, SM);
}

void AttributeMacros::apply(ASTContext &Ctx) const {
  if (Uses.empty())
    return;
  const SourceManager &SM = Ctx.getSourceManager();
  std::vector<const Decl *> Decls;
  topLevelDecls(Ctx.getTranslationUnitDecl(), Decls);
  // Uses were recorded as the preprocessor met them and the declarations are
  // in the same order: one pass over both.
  size_t I = 0;
  const Decl *Prev = nullptr;
  for (const Use &U : Uses) {
    // The declaration the macro is part of: the last one that begins before
    // it, if nothing but that declaration's tail lies between (Clang's range
    // for `T f(...) MACRO;` ends before the macro); else the next one (the
    // macro came before its specifiers).
    const Decl *Next = nullptr;
    for (; I < Decls.size(); ++I) {
      SourceLocation B = SM.getExpansionLoc(Decls[I]->getBeginLoc());
      if (B.isInvalid())
        continue;
      if (SM.isBeforeInTranslationUnit(U.Loc, B)) {
        Next = Decls[I];
        break;
      }
      Prev = Decls[I];
    }
    const Decl *Target = Next;
    if (Prev) {
      SourceLocation End = SM.getExpansionLoc(Prev->getEndLoc());
      if (End.isValid() && SM.getFileID(End) == SM.getFileID(U.Loc) &&
          !SM.isBeforeInTranslationUnit(U.Loc, End)) {
        bool Invalid = false;
        const char *From = SM.getCharacterData(End, &Invalid);
        const char *To = Invalid ? nullptr : SM.getCharacterData(U.Loc);
        // From points at the end token; what follows it must not close the
        // declaration, and a body's closing brace closes it too.
        llvm::StringRef Between =
            To && From < To && *From != '}'
                ? llvm::StringRef(From, To - From).drop_front()
                : llvm::StringRef(";");
        if (!Between.contains(';') && !Between.contains('}'))
          Target = Prev;
      } else if (End.isValid() && !SM.isBeforeInTranslationUnit(End, U.Loc)) {
        Target = Prev; // inside it
      }
    }
    if (auto *FD =
            const_cast<FunctionDecl *>(dyn_cast_or_null<FunctionDecl>(Target)))
      FD->addAttr(AnnotateAttr::CreateImplicit(Ctx, "custody: " + U.Text,
                                               nullptr, 0, SourceRange(U.Loc)));
  }
}

void custody::addAttributeResources(ASTContext &Ctx, ContractSet &Set) {
  std::set<std::string> Tags;
  std::vector<const FunctionDecl *> Returning;
  auto Add = [&](const std::string &Name, std::string Description,
                 const FunctionDecl *Releaser) {
    Resource &R = Set.Resources[Name];
    if (R.Name.empty()) {
      R.Name = Name;
      R.Description = std::move(Description);
      R.NullReleaseOk = true;
      R.Loc.File = "<attributes>";
    }
    if (Releaser && !llvm::is_contained(R.Releasers, nameOf(Releaser)))
      R.Releasers.push_back(nameOf(Releaser));
  };
  forEachFunction(Ctx.getTranslationUnitDecl(), [&](const FunctionDecl *FD) {
    for (const auto *A : FD->specific_attrs<OwnershipAttr>()) {
      std::string Name = moduleResource(A->getModule()->getName(), Set);
      Add(Name, Name + " memory",
          A->getOwnKind() == OwnershipAttr::Takes ? FD : nullptr);
    }
    for (const ParmVarDecl *P : FD->parameters()) {
      if (const auto *A = P->getAttr<AcquireHandleAttr>())
        Add(handleResource(A->getHandleType(), Set),
            A->getHandleType().str() + " handle", nullptr);
      if (const auto *A = P->getAttr<ReleaseHandleAttr>())
        Add(handleResource(A->getHandleType(), Set),
            A->getHandleType().str() + " handle", FD);
      addParamTags(P, Tags);
    }
    if (returnsHandle(FD))
      Returning.push_back(FD);
  });
  // Functions that return a handle, once the tags of parameters are known.
  for (const FunctionDecl *FD : Returning) {
    std::string Tag = returnedHandleTag(
        FD, [&]() -> const std::set<std::string> & { return Tags; });
    Add(handleResource(Tag, Set), Tag + " handle", nullptr);
  }
}

std::vector<llvm::StringRef> impl::annotations(const Decl *D) {
  std::vector<llvm::StringRef> Out;
  for (const Decl *R : D->redecls())
    for (const auto *A : R->specific_attrs<AnnotateAttr>()) {
      llvm::StringRef S = A->getAnnotation();
      if (S.consume_front("custody: "))
        Out.push_back(S);
    }
  return Out;
}

const FunctionContract *
TUAnalysis::annotatedContract(const FunctionDecl *Callee) {
  const FunctionDecl *Canon = Callee->getCanonicalDecl();
  auto It = Annotated.find(Canon);
  if (It != Annotated.end())
    return It->second.get();
  auto FC = std::make_unique<FunctionContract>();
  FC->Name = Callee->getNameAsString();
  FC->IsSummary = true; // Parameters without an annotation may be kept.
  bool Any = false;
  auto Known = [&](llvm::StringRef R) {
    if (R == "any" || Contracts.resource(R))
      return true;
    if (Log)
      *Log << "custody: annotation on '" << FC->Name << "' names resource '"
           << R << "', which no contract in force defines\n";
    return false;
  };
  auto SetArg = [&](unsigned I, ArgEffect::KindTy Kind, llvm::StringRef Res,
                    When On = When::Always) {
    ArgEffect E;
    E.Kind = Kind;
    E.Resource = Res == "any" ? "" : Res.str();
    E.On = On;
    FC->Args[I] = E;
    Any = true;
  };
  QualType RT = Callee->getReturnType();
  bool StatusResult = RT->isIntegralOrEnumerationType() && !RT->isBooleanType();
  for (llvm::StringRef A : annotations(Callee)) {
    auto [Verb, Rest] = A.split(' ');
    if (Verb == "returns") {
      auto [How, Res] = Rest.split(' ');
      if (!Known(Res))
        continue;
      FC->Returns =
          ReturnEffect{How != "borrowed", Res.str(), How == "owned-or-null"};
      Any = true;
    } else if (Verb == "consumes-arg") {
      auto [Res, Index] = Rest.split(' ');
      unsigned I = 0;
      if (Known(Res) && !Index.getAsInteger(10, I))
        SetArg(I, ArgEffect::Consumes, Res);
    } else if (Verb == "sets-exception") {
      // An error helper: whatever it is declared to return, it returns NULL
      // (or -1), never something to release.
      Any = true;
    } else if (Verb == "negative-result-sets-exception" && StatusResult) {
      FC->Success = Condition{Condition::GE, 0};
      Any = true;
    }
  }
  // A parameter's annotations may be on any declaration of the function.
  for (const FunctionDecl *R : Callee->redecls())
    for (unsigned I = 0; I < R->getNumParams(); ++I)
      for (llvm::StringRef A : annotations(R->getParamDecl(I))) {
        auto [Verb, Res] = A.split(' ');
        if (!Known(Res))
          continue;
        if (Verb == "consumes")
          SetArg(I, ArgEffect::Consumes, Res);
        else if (Verb == "releases")
          SetArg(I, ArgEffect::Releases, Res);
        else if (Verb == "keeps")
          SetArg(I, ArgEffect::Escapes, Res);
        else if (Verb == "borrows")
          SetArg(I, ArgEffect::Borrows, Res);
      }

  // Clang's attributes. They name resources that addAttributeResources made
  // sure exist.
  for (const FunctionDecl *R : Callee->redecls()) {
    for (const auto *A : R->specific_attrs<OwnershipAttr>()) {
      std::string Res = moduleResource(A->getModule()->getName(), Contracts);
      if (!Contracts.resource(Res))
        continue;
      switch (A->getOwnKind()) {
      case OwnershipAttr::Returns:
        // Memory allocators: NULL when out of memory.
        FC->Returns = ReturnEffect{true, Res, RT->isPointerType()};
        Any = true;
        break;
      case OwnershipAttr::Takes:
        // Using taken memory afterwards is a use after free.
        for (const ParamIdx &P : A->args())
          SetArg(P.getASTIndex(), ArgEffect::Releases, Res);
        break;
      case OwnershipAttr::Holds:
        // Held memory stays usable; the callee keeps it.
        for (const ParamIdx &P : A->args())
          SetArg(P.getASTIndex(), ArgEffect::Escapes, Res);
        break;
      }
    }
    std::string Tag =
        returnedHandleTag(R, [&]() -> const std::set<std::string> & {
          if (!HandleTags)
            HandleTags = handleTags(Ctx);
          return *HandleTags;
        });
    if (!Tag.empty()) {
      std::string Res = handleResource(Tag, Contracts);
      if (Contracts.resource(Res)) {
        FC->Returns = ReturnEffect{true, Res, false};
        Any = true;
      }
    }
    for (unsigned I = 0; I < R->getNumParams(); ++I) {
      const ParmVarDecl *P = R->getParamDecl(I);
      if (const auto *A = P->getAttr<AcquireHandleAttr>()) {
        std::string Res = handleResource(A->getHandleType(), Contracts);
        if (!Contracts.resource(Res))
          continue;
        // A handle written through an out-parameter of a function that
        // returns a status exists only when the status is success (0).
        SetArg(I, ArgEffect::Acquires, Res,
               StatusResult ? When::OnSuccess : When::Always);
        if (StatusResult && !FC->Success)
          FC->Success = Condition{Condition::EQ, 0};
      } else if (const auto *A = P->getAttr<ReleaseHandleAttr>()) {
        std::string Res = handleResource(A->getHandleType(), Contracts);
        if (Contracts.resource(Res))
          SetArg(I, ArgEffect::Releases, Res);
      } else if (const auto *A = P->getAttr<UseHandleAttr>()) {
        std::string Res = handleResource(A->getHandleType(), Contracts);
        if (Contracts.resource(Res))
          SetArg(I, ArgEffect::Borrows, Res);
      }
    }
  }
  if (!Any)
    FC.reset();
  return (Annotated[Canon] = std::move(FC)).get();
}
