//===- Wrappers.cpp - C++ names and RAII types ---------------------------===//
//
// Contracts name C++ functions by qualified name, and describe RAII classes
// ('types:'): owners whose destructor releases what they hold, and views that
// only refer to it. An owner holds a reference of a tracked value: the value
// counts it in Wrapped, and the object (a local variable bound to the value,
// or a temporary in PathState::Temps) releases it when destroyed. Moves hand
// the hold on; release() hands it to the caller; get() lends the value.
//
//===----------------------------------------------------------------------===//

#include "FunctionAnalysis.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"
#include "clang/Basic/SourceManager.h"

using namespace clang;
using namespace custody;
using namespace custody::impl;

//===----------------------------------------------------------------------===//
// Names
//===----------------------------------------------------------------------===//

std::string impl::cxxName(const NamedDecl *ND) {
  std::string Name;
  if (const auto *Ctor = dyn_cast<CXXConstructorDecl>(ND))
    Name = Ctor->getParent()->getName().str();
  else if (const auto *Dtor = dyn_cast<CXXDestructorDecl>(ND))
    Name = "~" + Dtor->getParent()->getName().str();
  else
    Name = ND->getDeclName().getAsString();
  for (const DeclContext *DC = ND->getDeclContext(); DC; DC = DC->getParent()) {
    if (const auto *NS = dyn_cast<NamespaceDecl>(DC)) {
      if (NS->isAnonymousNamespace() || NS->isInline())
        continue;
      Name = NS->getName().str() + "::" + Name;
    } else if (const auto *RD = dyn_cast<RecordDecl>(DC)) {
      if (!RD->getIdentifier())
        return "";
      Name = RD->getName().str() + "::" + Name;
    } else if (isa<FunctionDecl>(DC)) {
      return "";
    }
  }
  return Name;
}

std::string impl::cxxParams(const FunctionDecl *FD, bool Canonical) {
  PrintingPolicy PP(FD->getASTContext().getLangOpts());
  PP.SuppressTagKeyword = true;
  std::string Out = "(";
  for (unsigned I = 0; I < FD->getNumParams(); ++I) {
    QualType T = FD->getParamDecl(I)->getType();
    if (Canonical)
      T = T.getCanonicalType();
    if (I)
      Out += ",";
    for (char C : T.getAsString(PP))
      if (!isspace(static_cast<unsigned char>(C)))
        Out += C;
  }
  return Out + ")";
}

static bool isStdCast(const FunctionDecl *FD) {
  return FD && FD->isInStdNamespace() && FD->getIdentifier() &&
         (FD->getName() == "move" || FD->getName() == "forward");
}

const Expr *impl::objectExpr(const Expr *E) {
  while (E) {
    E = strip(E);
    if (const auto *CE = dyn_cast_or_null<CallExpr>(E);
        CE && CE->getNumArgs() == 1 && isStdCast(CE->getDirectCallee())) {
      E = CE->getArg(0);
      continue;
    }
    if (const auto *CC = dyn_cast_or_null<CXXConstructExpr>(E);
        CC && CC->isElidable() && CC->getNumArgs() == 1) {
      E = CC->getArg(0);
      continue;
    }
    return E;
  }
  return E;
}

const FunctionContract *TUAnalysis::namedContract(const FunctionDecl *Fn) {
  auto [It, New] = Named.try_emplace(Fn, nullptr);
  if (!New)
    return It->second;
  const FunctionContract *FC = nullptr;
  bool Method = isa<CXXMethodDecl>(Fn);
  if (Ctx.getLangOpts().CPlusPlus) {
    std::string Q = cxxName(Fn);
    if (!Q.empty() && (Method || Q.find("::") != std::string::npos ||
                       Fn->getIdentifier() == nullptr)) {
      FC = Contracts.lookup(Q + cxxParams(Fn, false));
      if (!FC)
        FC = Contracts.lookup(Q + cxxParams(Fn, true));
      if (!FC)
        FC = Contracts.lookup(Q);
    }
    if (!FC)
      if (const auto *MD = dyn_cast<CXXMethodDecl>(Fn))
        for (const CXXMethodDecl *O : MD->overridden_methods())
          if ((FC = namedContract(O)))
            break;
  }
  // A C function (or one in a namespace, named without it).
  if (!FC && !Method && Fn->getIdentifier())
    FC = Contracts.lookup(Fn->getName());
  Named[Fn] = FC;
  return FC;
}

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

/// Whether a deleter releases what the smart pointer holds: a function a
/// contract (or a summary) says releases its argument 0.
static bool releasesArg0(TUAnalysis &TU, const FunctionDecl *FD,
                         unsigned Depth) {
  if (!FD)
    return false;
  const FunctionContract *FC = TU.contractFor(FD, Depth);
  if (!FC)
    return false;
  auto It = FC->Args.find(0);
  return It != FC->Args.end() && It->second.Kind == ArgEffect::Releases &&
         It->second.On == When::Always;
}

const WrapperType *TUAnalysis::wrapperOf(QualType T) {
  if (!Ctx.getLangOpts().CPlusPlus)
    return nullptr;
  const auto *RD = T.getNonReferenceType()->getAsCXXRecordDecl();
  if (!RD || !RD->hasDefinition())
    return nullptr;
  RD = RD->getDefinition();
  auto [It, New] = WrapperTypes.try_emplace(RD, nullptr);
  if (!New)
    return It->second;
  const WrapperType *W = nullptr;
  if (RD->isInStdNamespace() && RD->getIdentifier() &&
      (RD->getName() == "unique_ptr" || RD->getName() == "shared_ptr")) {
    if (UniquePtr.Name.empty()) {
      UniquePtr.Name = "std::unique_ptr";
      UniquePtr.CopyRetains = false;
      UniquePtr.Members = {{"get", MemberOp::Get},
                           {"release", MemberOp::Release},
                           {"reset", MemberOp::Reset}};
      SharedPtr.Name = "std::shared_ptr";
      SharedPtr.Members = {{"get", MemberOp::Get}, {"reset", MemberOp::Reset}};
    }
    W = RD->getName() == "unique_ptr" ? &UniquePtr : &SharedPtr;
  } else if (!Contracts.Types.empty()) {
    std::string Q = cxxName(RD);
    auto TI = Contracts.Types.find(Q);
    if (TI != Contracts.Types.end())
      W = &TI->second;
    else
      for (const CXXBaseSpecifier &B : RD->bases())
        if ((W = wrapperOf(B.getType())))
          break;
  }
  WrapperTypes[RD] = W;
  return W;
}

const WrapperFactory *TUAnalysis::factoryFor(const FunctionDecl *Fn) {
  if (Contracts.Factories.empty() || !Fn)
    return nullptr;
  std::string Q = cxxName(Fn);
  if (Q.empty())
    return nullptr;
  auto It = Contracts.Factories.find(Q);
  if (It == Contracts.Factories.end())
    return nullptr;
  // 'cast' to a C++ value is not an object of the type.
  const WrapperType *W = wrapperOf(Fn->getReturnType());
  if (!W || !W->Owns)
    return nullptr;
  return &It->second;
}

//===----------------------------------------------------------------------===//
// Objects
//===----------------------------------------------------------------------===//

FunctionAnalysis::Holder FunctionAnalysis::holderOf(const Expr *E) const {
  Holder H;
  E = objectExpr(E);
  if (!E)
    return H;
  if (const VarDecl *VD = localVar(E)) {
    if (!VD->getType()->isReferenceType())
      H.Var = VD;
  } else if (isa<CallExpr, CXXConstructExpr>(E)) {
    H.Temp = E;
  }
  return H;
}

std::optional<ValueKey> FunctionAnalysis::heldBy(const PathState &St,
                                                 Holder H) const {
  if (H.Var) {
    if (const ValueKey *K = St.Bind.lookup(H.Var))
      return *K;
  } else if (H.Temp) {
    auto It = St.Temps.find(H.Temp);
    if (It != St.Temps.end())
      return It->second;
  }
  return std::nullopt;
}

void FunctionAnalysis::dropHold(PathState &St, Holder H) {
  if (H.Var)
    St.unbind(H.Var);
  else if (H.Temp)
    St.Temps.erase(H.Temp); // ExprVals keeps it while the statement runs.
}

/// An object's hold on K goes to code that is not followed (a callee's
/// parameter): what it held is no longer this code's to release.
static void handOver(PathState &St, ValueKey K) {
  const Value *V = St.value(K);
  if (V && V->Wrapped)
    St.updateValue(K, [](Value &X) {
      --X.Wrapped;
      if (X.St == VState::Owned)
        X.St = VState::Escaped;
    });
}

/// One more reference of V is this code's (an object's borrow, inc_ref):
/// false if none can be counted.
static bool takeReference(Value &V, llvm::StringRef Fn, SourceLocation Loc,
                          unsigned &Seq) {
  if (V.St == VState::Owned) {
    if (V.Refs >= Value::MaxRefs)
      return false;
    ++V.Refs;
    return true;
  }
  if (V.St != VState::Borrowed && V.St != VState::Param)
    return false;
  V.Under = V.St;
  V.St = VState::Owned;
  V.Refs = 1;
  V.AcqFn = Fn;
  V.AcqLoc = Loc;
  V.AcqSeq = Seq++;
  return true;
}

/// Records that the object E makes holds K (an owner's hold is counted in
/// the value already).
static void holdIn(PathState &St, const Expr *E, ValueKey K, bool Owner) {
  St.ExprVals[E] = K;
  if (Owner)
    St.Temps[E] = K;
}

void FunctionAnalysis::wrapperTakes(PathState &St, const Expr *E,
                                    const WrapperType &W, const TakeSpec &Spec,
                                    llvm::ArrayRef<const Expr *> Args,
                                    llvm::StringRef Fn,
                                    const FunctionDecl *Deleter) {
  if (Spec.How == Takes::New) {
    Value V;
    V.Res = TU.Contracts.resource(W.Resource);
    V.AcqFn = Fn;
    V.AcqLoc = locOf(E);
    V.AcqStmt = E;
    V.AcqSeq = St.NextSeq++;
    V.Wrapped = 1;
    holdIn(St, E, newValue(St, E, V), true);
    return;
  }
  if (Spec.Arg < 0 || unsigned(Spec.Arg) >= Args.size())
    return;
  const Expr *A = Args[Spec.Arg];
  checkUse(St, A, E);
  std::optional<ValueKey> K = valueOf(St, A);
  if (!K)
    return;
  const Value *VP = St.value(*K);
  if (!VP)
    return;
  if (!W.Owns) {
    St.ExprVals[E] = *K;
    return;
  }
  Value V = *VP;
  std::string Who = nameAt(St, *K, A);
  if (Spec.How == Takes::Steal) {
    if (V.St == VState::Borrowed) {
      std::string What =
          localVar(A) ? Who + " is borrowed from '" + V.AcqFn.str() + "'"
                      : "the result of '" + V.AcqFn.str() + "' is borrowed";
      report(FindingKind::ReleaseUnowned, V.Res, locOf(E), K->first,
             What + " and must not be handed to '" + Fn.str() +
                 "', which takes ownership: the " + W.Name +
                 " releases it when destroyed",
             pathNotes(St, V, 0));
      return;
    }
    if (V.St != VState::Owned || V.Refs >= Value::MaxRefs)
      return; // A parameter, or handed on already: not this code's to judge.
    if (V.Wrapped >= V.Refs) {
      report(FindingKind::DoubleRelease, V.Res, locOf(E), K->first,
             Who + " is already held by another " + W.Name + "; '" + Fn.str() +
                 "' takes it over a second time, so it is released twice",
             pathNotes(St, V, 0));
      return;
    }
    if (Deleter && Deleter->getIdentifier())
      V.ReleaseFn = Deleter->getName();
    ++V.Wrapped;
  } else {
    // Borrow: the object takes a reference of its own.
    if (!takeReference(V, Fn, locOf(E), St.NextSeq))
      return;
    ++V.Wrapped;
  }
  St.setValue(*K, V);
  holdIn(St, E, *K, true);
}

void FunctionAnalysis::wrapperDestroyed(PathState &St, Holder H,
                                        const WrapperType &W,
                                        SourceLocation Loc, const void *Site) {
  llvm::StringRef Type = W.Name;
  std::optional<ValueKey> K = heldBy(St, H);
  if (!K)
    return;
  dropHold(St, H);
  const Value *VP = St.value(*K);
  if (!VP || !VP->Wrapped)
    return;
  Value V = *VP;
  --V.Wrapped;
  std::string Fn = "~" + Type.str();
  if (size_t C = Type.rfind("::"); C != llvm::StringRef::npos)
    Fn = "~" + Type.substr(C + 2).str();
  std::string Who = H.Var && H.Var->getIdentifier()
                        ? "'" + H.Var->getName().str() + "'"
                        : "the " + Type.str();
  switch (V.St) {
  case VState::Escaped:
    // Handed to code that may have taken a reference of its own (stored it
    // with Py_INCREF): the value may well live on.
    if (V.Refs > 1 && V.Refs < Value::MaxRefs)
      --V.Refs;
    break;
  case VState::Owned:
    if (V.Refs > 1) {
      if (V.Refs < Value::MaxRefs)
        --V.Refs;
    } else if (V.Under != VState::Owned) {
      V.St = V.Under;
      V.Under = VState::Owned;
    } else {
      V.St = VState::Released;
      V.ReleaseFn = TU.intern(Fn);
      V.ReleaseLoc = Loc;
    }
    break;
  case VState::Released:
  case VState::Moved: {
    std::vector<Note> Notes = pathNotes(St, V, 0);
    Notes.push_back({V.ReleaseLoc, V.St == VState::Released
                                       ? "first released here"
                                       : "ownership moved here"});
    report(FindingKind::DoubleRelease, V.Res, Loc, Site,
           Who + " releases its " + describe(V) + " again when destroyed: " +
               (V.St == VState::Released ? "it was already released by '"
                                         : "its ownership moved into '") +
               V.ReleaseFn.str() + "'",
           Notes);
    break;
  }
  case VState::Borrowed:
  case VState::Param: {
    // The reference the object took was given back already (dec_ref):
    // destroying it releases one more.
    const Resource *R = V.Res ? V.Res : TU.Contracts.resource(W.Resource);
    report(FindingKind::DoubleRelease, R, Loc, Site,
           Who + " releases its " + (R ? R->Description : "value") +
               " again when destroyed: the reference it took was already "
               "released",
           pathNotes(St, V, 0));
    break;
  }
  default:
    break;
  }
  St.setValue(*K, V);
}

bool FunctionAnalysis::heldOnlyByWrappers(const PathState &St, ValueKey K,
                                          const Expr *RV) const {
  const Value *V = St.value(K);
  if (!V || V->St != VState::Owned || !V->Wrapped || V->Refs > V->Wrapped ||
      V->Refs >= Value::MaxRefs)
    return false;
  // Returning the object itself hands its hold to the caller.
  Holder H = holderOf(RV);
  return !(H && heldBy(St, H) == K);
}

/// The constructor spec of W that C matches, if any.
static const TakeSpec *constructorSpec(const WrapperType &W,
                                       const CXXConstructorDecl *C,
                                       unsigned NumArgs, TakeSpec &Default) {
  for (const TakeSpec &S : W.Constructors) {
    if (S.Arg >= 0 && unsigned(S.Arg) >= NumArgs)
      continue;
    if (!S.Params.empty()) {
      if (S.Params.size() != C->getNumParams())
        continue;
      std::string Written = cxxParams(C, false), Canon = cxxParams(C, true);
      std::string Want = "(";
      for (size_t I = 0; I < S.Params.size(); ++I)
        Want += (I ? "," : "") + S.Params[I];
      Want += ")";
      // A parameter may be written with or without its namespace.
      auto Same = [&](const std::string &Have) {
        if (Have == Want)
          return true;
        std::string Bare;
        for (size_t I = 0; I < Have.size(); ++I) {
          size_t E = Have.find("::", I);
          if (E == std::string::npos) {
            Bare += Have.substr(I);
            break;
          }
          // Drop the qualifier before '::' back to the last separator.
          size_t Start = Bare.find_last_of("(,<*& ");
          Bare += Have.substr(I, E - I);
          Bare.erase(Start == std::string::npos ? 0 : Start + 1);
          I = E + 1;
        }
        return Bare == Want;
      };
      if (!Same(Written) && !Same(Canon))
        continue;
    }
    return &S;
  }
  if (!W.Constructors.empty() || NumArgs != 1 || C->getNumParams() != 1 ||
      !C->getParamDecl(0)->getType()->isPointerType())
    return nullptr;
  Default = TakeSpec();
  Default.Arg = 0;
  Default.How = Takes::Steal;
  return &Default;
}

bool FunctionAnalysis::wrapperCall(const Expr *E, PathState &St,
                                   bool IntoArgument) {
  if (!TU.Ctx.getLangOpts().CPlusPlus)
    return false;
  if (const auto *CC = dyn_cast<CXXConstructExpr>(E)) {
    const WrapperType *W = TU.wrapperOf(CC->getType());
    if (!W)
      return false;
    const CXXConstructorDecl *Ctor = CC->getConstructor();
    std::vector<const Expr *> Args(CC->arg_begin(), CC->arg_end());
    // Copies and moves, including converting ones from another object of an
    // RAII type ('list(object &&)').
    if (Args.size() == 1 && TU.wrapperOf(Args[0]->getType()) &&
        Ctor->getParamDecl(0)->getType()->isReferenceType()) {
      bool Move = Ctor->getParamDecl(0)->getType()->isRValueReferenceType();
      Holder Src = holderOf(Args[0]);
      std::optional<ValueKey> K = Src ? heldBy(St, Src) : std::nullopt;
      if (!K)
        K = valueOf(St, objectExpr(Args[0]));
      if (!K)
        return true;
      const WrapperType *SW = TU.wrapperOf(Args[0]->getType());
      if (!W->Owns || !SW->Owns) {
        St.ExprVals[E] = *K;
        return true;
      }
      if (Move) {
        dropHold(St, Src);
        if (Src.Var)
          St.MovedFrom[Src.Var] = locOf(E);
        if (IntoArgument) {
          // The callee's parameter owns it now.
          St.ExprVals[E] = *K;
          handOver(St, *K);
          return true;
        }
        holdIn(St, E, *K, true);
        return true;
      }
      // A copy: another reference, unless it only lives for a call.
      const Value *V = St.value(*K);
      if (!W->CopyRetains || IntoArgument || !V || V->St != VState::Owned ||
          V->Refs >= Value::MaxRefs) {
        St.ExprVals[E] = *K;
        return true;
      }
      St.updateValue(*K, [](Value &X) {
        ++X.Refs;
        ++X.Wrapped;
      });
      holdIn(St, E, *K, true);
      return true;
    }
    if (TU.isSmartPointer(W)) {
      // unique_ptr(p, &sqlite3_close), or a deleter class whose operator()
      // releases.
      if (Args.empty())
        return false;
      const FunctionDecl *Deleter = nullptr;
      if (Args.size() >= 2)
        Deleter = functionRef(Args[1]);
      else if (const auto *Spec =
                   dyn_cast_or_null<ClassTemplateSpecializationDecl>(
                       CC->getType()->getAsCXXRecordDecl());
               Spec && Spec->getTemplateArgs().size() >= 2)
        if (const auto *DR =
                Spec->getTemplateArgs()[1].getAsType()->getAsCXXRecordDecl())
          for (const CXXMethodDecl *M : DR->methods())
            if (M->getOverloadedOperator() == OO_Call && M->getNumParams() == 1)
              Deleter = M;
      if (!Deleter || !releasesArg0(TU, Deleter, Depth))
        return false;
      if (isa<CXXMethodDecl>(Deleter))
        Deleter = nullptr; // Messages name the smart pointer.
      TakeSpec S;
      S.Arg = 0;
      wrapperTakes(St, E, *W, S, Args, callName(E, Ctor, nullptr), Deleter);
      return true;
    }
    TakeSpec Default;
    const TakeSpec *S = constructorSpec(*W, Ctor, Args.size(), Default);
    if (!S) {
      if (!W->Owns && !Args.empty() && Args[0]->getType()->isPointerType())
        if (std::optional<ValueKey> K = valueOf(St, Args[0]))
          St.ExprVals[E] = *K; // A view of a pointer.
      return !W->Owns && !Args.empty();
    }
    wrapperTakes(St, E, *W, *S, Args, TU.intern(W->Name), nullptr);
    return true;
  }

  const auto *CE = dyn_cast<CallExpr>(E);
  if (!CE)
    return false;
  const FunctionDecl *Callee = CE->getDirectCallee();
  if (!Callee)
    return false;
  if (isStdCast(Callee)) {
    if (CE->getNumArgs() == 1)
      if (std::optional<ValueKey> K = valueOf(St, CE->getArg(0)))
        St.ExprVals[E] = *K;
    return true;
  }
  std::vector<const Expr *> Args(CE->arg_begin(), CE->arg_end());
  if (const WrapperFactory *F = TU.factoryFor(Callee)) {
    auto TI = TU.Contracts.Types.find(F->Type);
    if (TI == TU.Contracts.Types.end())
      return false;
    const auto *MD = dyn_cast<CXXMethodDecl>(Callee);
    if (MD && !MD->isStatic() && !isa<CXXMemberCallExpr>(CE))
      Args.erase(Args.begin()); // An operator's object.
    wrapperTakes(St, E, TI->second, F->Spec, Args, callName(E, Callee, nullptr),
                 nullptr);
    return true;
  }
  const auto *MD = dyn_cast<CXXMethodDecl>(Callee);
  if (!MD || MD->isStatic())
    return false;
  const Expr *Obj = nullptr;
  if (const auto *MCE = dyn_cast<CXXMemberCallExpr>(CE)) {
    Obj = MCE->getImplicitObjectArgument();
  } else if (isa<CXXOperatorCallExpr>(CE) && !Args.empty()) {
    Obj = Args.front();
    Args.erase(Args.begin());
  }
  if (!Obj)
    return false;
  // The object's own type, not the base class the member is declared in.
  const WrapperType *W = TU.wrapperOf(objectExpr(Obj)->getType());
  if (!W)
    return false;
  Holder H = holderOf(Obj);
  std::optional<ValueKey> K = H ? heldBy(St, H) : std::nullopt;
  if (!K && !W->Owns)
    K = valueOf(St, objectExpr(Obj));
  llvm::StringRef Fn = callName(E, Callee, nullptr);
  // Assignment: the object lets go of what it held and takes the other's.
  if (MD->isCopyAssignmentOperator() || MD->isMoveAssignmentOperator() ||
      (MD->getOverloadedOperator() == OO_Equal && Args.size() == 1 &&
       TU.wrapperOf(Args[0]->getType()))) {
    if (Args.size() != 1)
      return false;
    Holder Src = holderOf(Args[0]);
    std::optional<ValueKey> New = Src ? heldBy(St, Src) : std::nullopt;
    if (!New)
      New = valueOf(St, objectExpr(Args[0]));
    if (!W->Owns) {
      if (H.Var)
        bindVar(St, H.Var, New, std::nullopt, E);
      return true;
    }
    if (!H.Var) {
      // Into a field or through a reference: whoever owns that object
      // owns what it takes.
      if (New && MD->isMoveAssignmentOperator())
        dropHold(St, Src);
      escape(St, Args[0]);
      return true;
    }
    if (K)
      wrapperDestroyed(St, H, *W, locOf(E), E);
    St.MovedFrom.erase(H.Var);
    if (!New)
      return true;
    bool Move = MD->isMoveAssignmentOperator() ||
                (MD->getParamDecl(0)->getType()->isRValueReferenceType());
    if (Move) {
      dropHold(St, Src);
      if (Src.Var)
        St.MovedFrom[Src.Var] = locOf(E);
    } else {
      const Value *V = St.value(*New);
      if (!W->CopyRetains || !V || V->St != VState::Owned ||
          V->Refs >= Value::MaxRefs)
        return true;
      St.updateValue(*New, [](Value &X) {
        ++X.Refs;
        ++X.Wrapped;
      });
    }
    St.bind(H.Var, *New);
    return true;
  }
  auto MI = W->Members.find(Callee->getIdentifier() ? Callee->getName().str()
                                                    : std::string());
  if (MI == W->Members.end())
    return false;
  MemberOp Op = MI->second;
  if (H.Var && W->Owns) {
    auto Moved = St.MovedFrom.find(H.Var);
    if (Moved != St.MovedFrom.end() && Op != MemberOp::Reset) {
      report(FindingKind::UseAfterRelease, TU.Contracts.resource(W->Resource),
             locOf(E), H.Var,
             "'" + H.Var->getName().str() + "' is used after it was moved " +
                 "from: its " + W->Name + " holds nothing now",
             {{Moved->second, "moved from here"}});
      return true;
    }
  }
  if (K)
    checkUse(St, objectExpr(Obj), E);
  switch (Op) {
  case MemberOp::Get:
    if (K)
      St.ExprVals[E] = *K;
    return true;
  case MemberOp::Release: {
    if (!K)
      return true;
    if (!W->Owns) {
      St.ExprVals[E] = *K;
      return true;
    }
    dropHold(St, H);
    const Value *V = St.value(*K);
    if (!V || !V->Wrapped)
      return true;
    Value NV = *V;
    --NV.Wrapped;
    St.setValue(*K, NV);
    if (Discarded.count(E) && NV.St == VState::Owned && NV.Refs == 1) {
      report(FindingKind::ResourceLeak, NV.Res, locOf(E), E,
             "the result of '" + Fn.str() + "' (" + describe(NV) +
                 ") is discarded, so it can never be released",
             {});
      NV.St = VState::Escaped; // Told here, not again at the exit.
      St.setValue(*K, NV);
    }
    St.ExprVals[E] = *K;
    return true;
  }
  case MemberOp::Reset:
    if (K && W->Owns)
      wrapperDestroyed(St, H, *W, locOf(E), E);
    if (!Args.empty() && W->Owns) {
      TakeSpec S;
      S.Arg = 0;
      if (H.Var) {
        wrapperTakes(St, E, *W, S, Args, Fn, nullptr);
        auto It = St.Temps.find(E);
        if (It != St.Temps.end()) {
          ValueKey NK = It->second;
          St.Temps.erase(It);
          St.bind(H.Var, NK);
        }
        St.ExprVals.erase(E);
      } else {
        escape(St, Args[0]);
      }
    }
    if (H.Var)
      St.MovedFrom.erase(H.Var);
    return true;
  case MemberOp::Retains:
    if (K) {
      if (const Value *V = St.value(*K)) {
        Value NV = *V;
        if (takeReference(NV, Fn, locOf(E), St.NextSeq))
          St.setValue(*K, NV);
      }
      St.ExprVals[E] = *K;
    }
    return true;
  case MemberOp::Releases:
    if (K) {
      ArgEffect AE;
      AE.Kind = ArgEffect::Releases;
      release(St, *K, E, objectExpr(Obj), Fn, AE, false);
    }
    return true;
  }
  return true;
}

bool FunctionAnalysis::wrapperArgument(const CallSite &C, unsigned I,
                                       unsigned PI, PathState &St) {
  const Expr *A = C.Args[I];
  const WrapperType *W = TU.wrapperOf(A->getType());
  if (!W || !W->Owns)
    return false;
  Holder H = holderOf(A);
  std::optional<ValueKey> K = H ? heldBy(St, H) : std::nullopt;
  if (!K) {
    // A copy made for the call: a view of what the original holds.
    checkUse(St, A, C.Call);
    return true;
  }
  checkUse(St, objectExpr(A), C.Call);
  QualType PT;
  if (C.Callee && PI < C.Callee->getNumParams())
    PT = C.Callee->getParamDecl(PI)->getType();
  // By value or by const reference, the object keeps what it holds.
  if (!PT.isNull() &&
      (!PT->isReferenceType() || (PT->isLValueReferenceType() &&
                                  PT.getNonReferenceType().isConstQualified())))
    return true;
  // By a reference the callee may move from or reset: no longer followed.
  if (C.FC && !C.FC->IsSummary)
    return true; // A contract describes its function whole.
  dropHold(St, H);
  handOver(St, *K);
  return true;
}
