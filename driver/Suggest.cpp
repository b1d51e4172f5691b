//===- Suggest.cpp - A first contract for a C SDK from its header ---------===//
//
// `custody contracts suggest HEADER.h [-o OUT.yaml] [--library NAME]
// [-- FLAGS]` parses the header and proposes a contract from the names and
// types of the functions it declares: handle types with a release function,
// the functions that return them or store them through an out-parameter,
// status-code returns, borrowed getters and reference counting. Each
// proposal carries its reason as a YAML comment; guesses are written
// commented out. docs/suggest.md describes the rules.
//
//===----------------------------------------------------------------------===//

#include "ContractLoader.h"
#include "Options.h"
#include "clang/AST/ASTConsumer.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Lex/HeaderSearch.h"
#include "clang/Lex/Preprocessor.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include <map>
#include <optional>
#include <set>

using namespace clang;
using namespace clang::tooling;

namespace {

/// The words of a C name, split at underscores ("EVP_MD_CTX_new" is EVP, MD,
/// CTX, new).
std::vector<std::string> words(llvm::StringRef Name) {
  llvm::SmallVector<llvm::StringRef, 8> Parts;
  Name.split(Parts, '_', -1, /*KeepEmpty=*/false);
  std::vector<std::string> Out;
  for (llvm::StringRef P : Parts)
    Out.push_back(P.str());
  return Out;
}

std::string lower(llvm::StringRef S) { return S.lower(); }

/// "v2", "ex", "64": a version or variant suffix, not part of a verb.
bool isVariantWord(llvm::StringRef W) {
  std::string L = lower(W);
  llvm::StringRef R(L);
  if (R == "ex")
    return true;
  if (R.consume_front("v") && !R.empty() && llvm::all_of(R, llvm::isDigit))
    return true;
  return !L.empty() && llvm::all_of(L, llvm::isDigit);
}

/// Lower-case words of Name without trailing variant words.
std::vector<std::string> coreWords(llvm::StringRef Name) {
  std::vector<std::string> W = words(Name);
  while (W.size() > 1 && isVariantWord(W.back()))
    W.pop_back();
  for (std::string &S : W)
    S = lower(S);
  return W;
}

std::string join(const std::vector<std::string> &W, size_t From, size_t To) {
  std::string S;
  for (size_t I = From; I < To; ++I) {
    if (I > From)
      S += "_";
    S += W[I];
  }
  return S;
}

const std::set<std::string> ReleaseVerbs = {
    "free",     "destroy", "close",  "cleanup", "release", "unref",
    "finalize", "finish",  "delete", "dispose", "deinit",  "fini"};
const std::set<std::string> CreateVerbs = {"create", "new",   "open",
                                           "init",   "alloc", "dup",
                                           "copy",   "clone", "acquire"};

/// X_up_ref, X_retain, X_incref, or X_ref where X is the type's name
/// (git_revwalk_push_ref pushes a reference name: not a retain).
bool retainName(const std::vector<std::string> &CW, llvm::StringRef Type) {
  if (CW.size() < 2)
    return false;
  if (CW.back() == "retain" || CW.back() == "incref")
    return true;
  if (CW.back() != "ref")
    return false;
  return CW[CW.size() - 2] == "up" || join(CW, 0, CW.size() - 1) == lower(Type);
}

/// "sqlite3" -> "sqlite", "X509" -> "x": a prefix compared without digits.
std::string bareLower(llvm::StringRef S) {
  std::string L = lower(S);
  while (!L.empty() && llvm::isDigit(L.back()))
    L.pop_back();
  return L;
}

/// Whether Path is Dir or below it.
bool isUnder(llvm::StringRef Path, llvm::StringRef Dir) {
  if (Dir.empty() || !Path.starts_with(Dir))
    return false;
  return Path.size() == Dir.size() || Dir.ends_with("/") ||
         Path[Dir.size()] == '/';
}

std::string realPath(llvm::StringRef P) {
  llvm::SmallString<256> Out;
  if (llvm::sys::fs::real_path(P, Out))
    return P.str();
  return std::string(Out);
}

/// What the command was asked.
struct Request {
  std::string Header;  // absolute, real path
  std::string Library; // --library, or the header's stem
  bool LibraryGiven = false;
  std::string Output; // -o, or empty for stdout
  std::vector<std::string> Flags;
};

/// A handle type: a pointer to a library struct (or to a typedef of one, or of
/// void), or a typedef of such a pointer. Key identifies it.
struct Handle {
  const Decl *Key = nullptr;
  std::string Spelling; // the type as written without qualifiers: "sqlite3"
  bool PointeeConst = false;
  explicit operator bool() const { return Key != nullptr; }
};

struct ResourceInfo {
  std::string Name;
  std::string Type; // "sqlite3_stmt"
  std::vector<std::string> Releasers;
  std::vector<std::string> Why;
  std::vector<std::string> Stems; // releaser names without their verb
  bool Used = false;
};

/// One proposed function entry.
struct Proposal {
  std::string Function;
  bool Live = true;
  std::vector<std::string> Why;   // reasons, one comment line each
  std::vector<std::string> Doubt; // why it is commented out
  std::string Success;
  std::string Returns; // "{owned: r, null_on_failure: true}"
  std::vector<std::pair<unsigned, std::string>> Args;
  std::vector<std::string> ResourcesUsed;
};

class Suggester {
public:
  Suggester(ASTContext &Ctx, Preprocessor &PP, const Request &Req)
      : Ctx(Ctx), SM(Ctx.getSourceManager()), PP(PP), Req(Req) {}

  std::string run();
  /// When run() proposed nothing: what it looked at and for, to say why.
  std::string Empty;

private:
  ASTContext &Ctx;
  SourceManager &SM;
  Preprocessor &PP;
  const Request &Req;

  // Which files belong to the SDK.
  std::string HeaderDir;
  std::string Stem;
  bool Flat = false; // the header sits directly in an include directory
  std::string IncludeName;
  std::map<FileID, bool> SelectedCache;

  std::vector<const FunctionDecl *> Functions;
  std::vector<const EnumConstantDecl *> Enumerators;
  // Two-word constants with value 0 ("SQLITE_OK"), by bare lower prefix.
  std::map<std::string, std::string> OkConstants;

  std::map<const Decl *, ResourceInfo> Resources;
  std::set<std::string> ResourceNames;
  std::set<std::string> Releasers;
  // Memory released by PREFIX_free(void *): prefix -> resource name.
  std::map<std::string, std::string> MemoryByPrefix;
  std::map<std::string, std::string> MemoryReleaser; // resource -> function
  std::map<std::string, std::string> MemoryWhy;

  void chooseFiles();
  bool selected(SourceLocation Loc);
  bool declSelected(const Decl *D);
  void collect();
  void findOkConstants();
  Handle handleOf(QualType T);
  Handle outHandleOf(QualType T);
  ResourceInfo &resourceFor(const Handle &H);
  void findReleasers();
  std::optional<std::string> statusReason(const FunctionDecl *F);
  std::optional<Proposal> propose(const FunctionDecl *F);
  std::string explainEmpty();
  std::string memoryFor(const std::vector<std::string> &W);
  std::string render(const std::vector<Proposal> &Ps);
  static std::string typeText(QualType T) {
    PrintingPolicy PPol{LangOptions()};
    PPol.SuppressTagKeyword = false;
    return T.getAsString(PPol);
  }
};

void Suggester::chooseFiles() {
  HeaderDir = std::string(llvm::sys::path::parent_path(Req.Header));
  Stem = std::string(llvm::sys::path::stem(Req.Header));
  // The include directories of this parse, as real paths.
  std::vector<std::string> SearchDirs;
  HeaderSearch &HS = PP.getHeaderSearchInfo();
  for (auto It = HS.search_dir_begin(), E = HS.search_dir_end(); It != E; ++It)
    if (auto Dir = It->getDirRef())
      SearchDirs.push_back(realPath(Dir->getName()));
  std::string Best;
  for (const std::string &D : SearchDirs) {
    if (D == HeaderDir)
      Flat = true;
    if (isUnder(Req.Header, D) && D.size() > Best.size())
      Best = D;
  }
  if (!Best.empty()) {
    llvm::StringRef Rel = llvm::StringRef(Req.Header).drop_front(Best.size());
    IncludeName = Rel.ltrim('/').str();
  } else {
    IncludeName = std::string(llvm::sys::path::filename(Req.Header));
  }
}

bool Suggester::selected(SourceLocation Loc) {
  if (Loc.isInvalid())
    return false;
  FileID FID = SM.getFileID(SM.getExpansionLoc(Loc));
  auto It = SelectedCache.find(FID);
  if (It != SelectedCache.end())
    return It->second;
  bool Yes = false;
  if (OptionalFileEntryRef FE = SM.getFileEntryRefForID(FID)) {
    std::string P = realPath(FE->getName());
    if (P == Req.Header) {
      Yes = true;
    } else if (Flat) {
      // Only the library's own files next to it: same stem, or the
      // directory named after it (git2.h and git2/).
      llvm::StringRef Name = llvm::sys::path::filename(P);
      llvm::StringRef Parent = llvm::sys::path::parent_path(P);
      Yes = (Parent == HeaderDir && Name.starts_with(Stem)) ||
            isUnder(P, HeaderDir + "/" + Stem);
    } else {
      Yes = isUnder(P, HeaderDir);
    }
  }
  SelectedCache[FID] = Yes;
  return Yes;
}

bool Suggester::declSelected(const Decl *D) {
  for (const Decl *R : D->redecls())
    if (selected(R->getLocation()))
      return true;
  return false;
}

class Collector : public RecursiveASTVisitor<Collector> {
public:
  std::vector<const FunctionDecl *> &Functions;
  std::vector<const EnumConstantDecl *> &Enumerators;
  Collector(std::vector<const FunctionDecl *> &F,
            std::vector<const EnumConstantDecl *> &E)
      : Functions(F), Enumerators(E) {}
  bool VisitFunctionDecl(FunctionDecl *F) {
    if (!isa<CXXMethodDecl>(F) && !F->isImplicit() && F->getIdentifier() &&
        F->getDeclContext()->getRedeclContext()->isFileContext())
      Functions.push_back(F);
    return true;
  }
  bool VisitEnumConstantDecl(EnumConstantDecl *E) {
    Enumerators.push_back(E);
    return true;
  }
  bool TraverseFunctionDecl(FunctionDecl *F) {
    // Declarations only: no need to walk bodies of inline functions.
    return WalkUpFromFunctionDecl(F);
  }
};

void Suggester::collect() {
  std::vector<const FunctionDecl *> All;
  std::vector<const EnumConstantDecl *> AllEnums;
  Collector C(All, AllEnums);
  C.TraverseDecl(Ctx.getTranslationUnitDecl());
  std::set<std::string> Seen;
  for (const FunctionDecl *F : All) {
    std::string Name = F->getNameAsString();
    // Static (inline) helpers are not functions of the library.
    if (Name.empty() || Name[0] == '_' || !F->isExternallyVisible() ||
        F->getStorageClass() == SC_Static || !selected(F->getLocation()) ||
        !Seen.insert(Name).second)
      continue;
    Functions.push_back(F);
  }
  for (const EnumConstantDecl *E : AllEnums)
    if (selected(E->getLocation()))
      Enumerators.push_back(E);
}

/// A constant named PREFIX_OK, PREFIXE_OK or PREFIX_SUCCESS whose value is 0.
static std::optional<std::string> okPrefix(llvm::StringRef Name) {
  std::vector<std::string> W = words(Name);
  if (W.size() != 2)
    return std::nullopt;
  std::string Tail = lower(W[1]);
  if (Tail != "ok" && Tail != "success")
    return std::nullopt;
  return bareLower(W[0]);
}

void Suggester::findOkConstants() {
  auto Add = [&](llvm::StringRef Name) {
    if (auto P = okPrefix(Name))
      OkConstants.emplace(*P, Name.str());
  };
  for (const EnumConstantDecl *E : Enumerators)
    if (E->getInitVal() == 0)
      Add(E->getName());
  for (const auto &M : PP.macros()) {
    const IdentifierInfo *II = M.first;
    const MacroInfo *MI = PP.getMacroInfo(II);
    if (!MI || MI->isFunctionLike() || !selected(MI->getDefinitionLoc()))
      continue;
    std::string Text;
    for (const Token &T : MI->tokens())
      Text += PP.getSpelling(T);
    if (Text == "0" || Text == "(0)")
      Add(II->getName());
  }
}

Handle Suggester::handleOf(QualType T) {
  Handle H;
  if (T.isNull())
    return H;
  // typedef struct x *x_t;
  if (const auto *TT = T->getAs<TypedefType>()) {
    QualType C = TT->getDecl()->getUnderlyingType().getCanonicalType();
    if (const auto *PT = C->getAs<PointerType>()) {
      QualType P = PT->getPointeeType();
      if ((P->isRecordType() || P->isVoidType()) &&
          declSelected(TT->getDecl())) {
        H.Key = TT->getDecl()->getCanonicalDecl();
        H.Spelling = TT->getDecl()->getName().str();
        H.PointeeConst = P.isConstQualified();
        return H;
      }
    }
  }
  const auto *PT = T->getAs<PointerType>();
  if (!PT)
    return H;
  QualType P = PT->getPointeeType();
  H.PointeeConst = P.isConstQualified();
  if (const auto *TT = P->getAs<TypedefType>()) {
    QualType C = P.getCanonicalType();
    if (const auto *RT = C->getAs<RecordType>()) {
      if (!declSelected(RT->getDecl()) && !declSelected(TT->getDecl()))
        return Handle();
      H.Key = RT->getDecl()->getCanonicalDecl();
      H.Spelling = TT->getDecl()->getName().str();
      return H;
    }
    if (C->isVoidType() && declSelected(TT->getDecl())) {
      H.Key = TT->getDecl()->getCanonicalDecl();
      H.Spelling = TT->getDecl()->getName().str();
      return H;
    }
    return Handle();
  }
  if (const auto *RT = P->getAs<RecordType>()) {
    if (!declSelected(RT->getDecl()) || RT->getDecl()->getName().empty())
      return Handle();
    H.Key = RT->getDecl()->getCanonicalDecl();
    H.Spelling = RT->getDecl()->getName().str();
    return H;
  }
  return Handle();
}

Handle Suggester::outHandleOf(QualType T) {
  const auto *PT = T->getAs<PointerType>();
  if (!PT || handleOf(T))
    return Handle();
  QualType P = PT->getPointeeType();
  if (P.isConstQualified())
    return Handle();
  Handle H = handleOf(P);
  if (H.PointeeConst)
    return Handle();
  return H;
}

ResourceInfo &Suggester::resourceFor(const Handle &H) {
  auto It = Resources.find(H.Key);
  if (It != Resources.end())
    return It->second;
  ResourceInfo R;
  R.Type = H.Spelling;
  std::string Base = lower(H.Spelling);
  std::replace(Base.begin(), Base.end(), '_', '-');
  while (!Base.empty() && Base.back() == '-')
    Base.pop_back();
  while (!Base.empty() && Base.front() == '-')
    Base.erase(Base.begin());
  if (Base.empty())
    Base = "handle";
  std::string Name = Base;
  for (unsigned N = 2; ResourceNames.count(Name); ++N)
    Name = Base + "-" + std::to_string(N);
  ResourceNames.insert(Name);
  R.Name = Name;
  return Resources.emplace(H.Key, std::move(R)).first->second;
}

/// Whether T is a status-like result (void, an integer or an enum).
static bool voidOrStatus(QualType T) {
  T = T.getCanonicalType();
  return T->isVoidType() || T->isIntegralOrEnumerationType();
}

void Suggester::findReleasers() {
  struct Candidate {
    const FunctionDecl *F;
    Handle H;
    std::string Stem, Verb;
    bool Exact;
  };
  std::vector<Candidate> Candidates;
  for (const FunctionDecl *F : Functions) {
    if (F->getNumParams() == 0 || !voidOrStatus(F->getReturnType()))
      continue;
    const ParmVarDecl *P0 = F->getParamDecl(0);
    std::string Name = F->getNameAsString();
    // PREFIX_free(void *): the library's own heap.
    QualType T0 = P0->getType().getCanonicalType();
    std::vector<std::string> W = words(Name);
    if (W.size() == 2 && lower(W[1]) == "free" && T0->isPointerType() &&
        T0->getPointeeType()->isVoidType() &&
        !T0->getPointeeType().isConstQualified() && !handleOf(P0->getType())) {
      std::string Res = lower(W[0]) + "-memory";
      if (!ResourceNames.insert(Res).second)
        continue;
      MemoryByPrefix[bareLower(W[0])] = Res;
      MemoryReleaser[Res] = Name;
      MemoryWhy[Res] = Name + " takes a void *: the library's own free";
      Releasers.insert(Name);
      continue;
    }
    Handle H = handleOf(P0->getType());
    if (!H)
      continue;
    std::vector<std::string> CW = coreWords(Name);
    std::string Verb, StemName;
    if (CW.size() >= 3 && CW[CW.size() - 2] == "free" && CW.back() == "all") {
      Verb = "free_all";
      StemName = join(words(Name), 0, CW.size() - 2);
    } else if (CW.size() >= 2 && ReleaseVerbs.count(CW.back())) {
      Verb = CW.back();
      StemName = join(words(Name), 0, CW.size() - 1);
    } else if (CW.size() >= 2 && ReleaseVerbs.count(CW.front()) &&
               join(CW, 1, CW.size()) == lower(H.Spelling)) {
      Verb = CW.front();
    } else {
      continue;
    }
    Candidate C;
    C.F = F;
    C.H = H;
    C.Stem = StemName;
    C.Verb = Verb;
    C.Exact = StemName.empty() || lower(StemName) == lower(H.Spelling);
    Candidates.push_back(C);
  }
  // A type with a release function named after it (git_repository_free)
  // keeps only those: git_repository_state_cleanup cleans up something else.
  // Otherwise (sqlite3_finalize for a sqlite3_stmt, curl_easy_cleanup for a
  // CURL) a function that takes nothing but the handle.
  // Some verbs also name operations that end something else than the
  // object's life: git_reference_delete removes the reference from disk,
  // X509_STORE_CTX_cleanup resets the context, SSL_CONF_CTX_finish ends a
  // configuration. A type keeps only its releasers of the best tier: free
  // or destroy, then cleanup, release, unref, finalize..., then close,
  // finish or delete.
  auto Tier = [](const Candidate &C) {
    if (C.Verb == "free" || C.Verb == "free_all" || C.Verb == "destroy")
      return 0;
    if (C.Verb == "close" || C.Verb == "finish" || C.Verb == "delete")
      return 2;
    return 1;
  };
  auto Keep = [&](const Candidate &C, const std::set<const Decl *> &HasExact) {
    return HasExact.count(C.H.Key) ? C.Exact : C.F->getNumParams() == 1;
  };
  std::set<const Decl *> HasExact;
  std::map<const Decl *, int> BestTier;
  for (const Candidate &C : Candidates)
    if (C.Exact)
      HasExact.insert(C.H.Key);
  for (const Candidate &C : Candidates)
    if (Keep(C, HasExact)) {
      auto [It, New] = BestTier.emplace(C.H.Key, Tier(C));
      if (!New)
        It->second = std::min(It->second, Tier(C));
    }
  for (const Candidate &C : Candidates) {
    if (!Keep(C, HasExact) || Tier(C) != BestTier[C.H.Key])
      continue;
    std::string Name = C.F->getNameAsString();
    ResourceInfo &R = resourceFor(C.H);
    R.Releasers.push_back(Name);
    if (!C.Stem.empty())
      R.Stems.push_back(C.Stem);
    std::string Why = Name + " takes '" +
                      typeText(C.F->getParamDecl(0)->getType()) +
                      "' first and is named ";
    Why += C.Stem.empty() ? C.Verb + "_" + C.H.Spelling : "*_" + C.Verb;
    if (!C.Exact)
      Why += " (its only parameter)";
    R.Why.push_back(Why);
    Releasers.insert(Name);
  }
}

std::optional<std::string> Suggester::statusReason(const FunctionDecl *F) {
  QualType R = F->getReturnType();
  if (const auto *ET = R->getAs<EnumType>()) {
    for (const EnumConstantDecl *E : ET->getDecl()->enumerators()) {
      std::string U = llvm::StringRef(E->getName()).upper();
      if (E->getInitVal() == 0 && (llvm::StringRef(U).ends_with("OK") ||
                                   llvm::StringRef(U).ends_with("SUCCESS")))
        return "returns " + typeText(R) + ", whose " + E->getName().str() +
               " is 0";
    }
    return std::nullopt;
  }
  if (!R.getCanonicalType()->isSpecificBuiltinType(BuiltinType::Int))
    return std::nullopt;
  std::vector<std::string> W = words(F->getName());
  if (W.empty())
    return std::nullopt;
  std::string P = bareLower(W[0]);
  auto It = OkConstants.find(P);
  if (It == OkConstants.end())
    It = OkConstants.find(P + "e");
  if (It == OkConstants.end())
    return std::nullopt;
  return "returns int and " + It->second + " is 0";
}

/// The library memory a function named with these words would hand out: the
/// one of its own prefix, or the only one there is.
std::string Suggester::memoryFor(const std::vector<std::string> &W) {
  auto It = MemoryByPrefix.find(W.empty() ? "" : bareLower(W[0]));
  if (It != MemoryByPrefix.end())
    return It->second;
  if (MemoryReleaser.size() == 1)
    return MemoryReleaser.begin()->first;
  return "";
}

static bool hasWord(const std::vector<std::string> &W, llvm::StringRef S) {
  return llvm::is_contained(W, S.str());
}

std::optional<Proposal> Suggester::propose(const FunctionDecl *F) {
  std::string Name = F->getNameAsString();
  if (Releasers.count(Name))
    return std::nullopt;
  Proposal P;
  P.Function = Name;
  std::vector<std::string> CW = coreWords(Name);
  std::vector<std::string> AllW;
  for (const std::string &S : words(Name))
    AllW.push_back(lower(S));
  bool Get0 = hasWord(AllW, "get0"), Get1 = hasWord(AllW, "get1");
  auto status = statusReason(F);
  bool Any = false;

  // Out-parameters: T **out.
  for (unsigned I = 0; I < F->getNumParams(); ++I) {
    const ParmVarDecl *Parm = F->getParamDecl(I);
    Handle H = outHandleOf(Parm->getType());
    if (!H || !Resources.count(H.Key) || Get0)
      continue;
    ResourceInfo &R = Resources[H.Key];
    std::string What =
        "argument " + std::to_string(I) + " (" + typeText(Parm->getType()) +
        (Parm->getName().empty() ? "" : " ") + Parm->getName().str() +
        ") is an out-parameter for '" + R.Type + "'";
    P.ResourcesUsed.push_back(R.Name);
    Any = true;
    if (status) {
      P.Success = "== 0";
      P.Args.push_back({I, "{acquires: " + R.Name + ", when: success}"});
      P.Why.push_back(What + "; " + *status + ": acquired on success");
    } else if (F->getReturnType()->isVoidType()) {
      P.Args.push_back({I, "{acquires: " + R.Name + "}"});
      P.Why.push_back(What);
      P.Live = false;
      P.Doubt.push_back("returns nothing: is the handle always set?");
    } else {
      P.Success = "== 0";
      P.Args.push_back({I, "{acquires: " + R.Name + ", when: success}"});
      P.Why.push_back(What);
      P.Live = false;
      P.Doubt.push_back("returns " + typeText(F->getReturnType()) +
                        " but no 0-valued *_OK constant says which result "
                        "means success: check the condition");
    }
  }

  // char **out with the library's own free: a string it allocates?
  std::string Mem = memoryFor(AllW);
  for (unsigned I = 0; I < F->getNumParams() && status && !Mem.empty() && !Get0;
       ++I) {
    const ParmVarDecl *Parm = F->getParamDecl(I);
    const auto *PT = Parm->getType()->getAs<PointerType>();
    if (!PT || PT->getPointeeType().isConstQualified())
      continue;
    const auto *PP2 = PT->getPointeeType()->getAs<PointerType>();
    if (!PP2 || PP2->getPointeeType().isConstQualified() ||
        !PP2->getPointeeType().getCanonicalType()->isCharType())
      continue;
    P.ResourcesUsed.push_back(Mem);
    P.Success = "== 0";
    P.Args.push_back({I, "{acquires: " + Mem + ", when: success}"});
    P.Why.push_back("argument " + std::to_string(I) + " (" +
                    typeText(Parm->getType()) + " " + Parm->getName().str() +
                    ") is an out-parameter for a string; " + *status);
    P.Live = false;
    P.Doubt.push_back("a string the caller frees with " + MemoryReleaser[Mem] +
                      ", or one the library keeps? On which outcome?");
    Any = true;
  }

  // Returned handles.
  QualType RT = F->getReturnType();
  Handle H = handleOf(RT);
  if (H && Resources.count(H.Key)) {
    ResourceInfo &R = Resources[H.Key];
    P.ResourcesUsed.push_back(R.Name);
    Any = true;
    std::string Ret = "returns " + typeText(RT);
    Handle A0 = F->getNumParams() > 0 ? handleOf(F->getParamDecl(0)->getType())
                                      : Handle();
    bool TakesSame = A0.Key == H.Key;
    bool ArgConst = A0.PointeeConst;
    bool BareStem =
        llvm::any_of(R.Stems, [&](const std::string &S) { return S == Name; });
    bool Create = false;
    std::string CreateWord;
    for (const std::string &W : AllW)
      if (CreateVerbs.count(W) ||
          (W.size() > 3 && llvm::StringRef(W).starts_with("dup"))) {
        Create = true;
        CreateWord = W;
        break;
      }
    auto ReleasedBy = [&] {
      std::string S;
      for (size_t I = 0; I < R.Releasers.size(); ++I)
        S += (I ? " or " : "") + R.Releasers[I];
      return S;
    };
    if (Get0) {
      P.Returns = "{borrowed: " + R.Name + "}";
      P.Why.push_back(Ret + " and is named get0: borrowed");
    } else if (H.PointeeConst) {
      P.Returns = "{borrowed: " + R.Name + "}";
      P.Why.push_back(Ret + ": a const handle, which " + ReleasedBy() +
                      " cannot take back");
    } else if (Get1) {
      P.Returns = "{owned: " + R.Name + ", null_on_failure: true}";
      P.Why.push_back(Ret +
                      " and is named get1: a new reference, released "
                      "with " +
                      ReleasedBy());
    } else if (Create && TakesSame && !ArgConst &&
               !llvm::StringRef(CreateWord).starts_with("dup")) {
      P.Returns = "{owned: " + R.Name + ", null_on_failure: true}";
      P.Why.push_back(Ret + ", its name has the word '" + CreateWord +
                      "' and it takes a non-const one as argument 0");
      P.Live = false;
      P.Doubt.push_back("does it fill in argument 0 and return it "
                        "(BN_copy(to, from)) rather than a new one?");
    } else if (Create) {
      P.Returns = "{owned: " + R.Name + ", null_on_failure: true}";
      P.Why.push_back(Ret + " and its name has the word '" + CreateWord +
                      "'; " + ReleasedBy() + " releases it");
    } else if (BareStem) {
      P.Returns = "{owned: " + R.Name + ", null_on_failure: true}";
      P.Why.push_back(Ret +
                      " and is named like its release function without "
                      "the verb (" +
                      Name + " / " + ReleasedBy() + ")");
    } else if (TakesSame && retainName(CW, H.Spelling)) {
      P.Returns = "{owned: " + R.Name + "}";
      P.Why.push_back(Ret + ", takes one and is named *_" + CW.back() +
                      ": a new reference to it");
    } else if (hasWord(AllW, "get")) {
      P.Returns = "{borrowed: " + R.Name + "}";
      P.Why.push_back(Ret + " and is named get");
      P.Live = false;
      P.Doubt.push_back("a getter: usually borrowed; owned if the "
                        "documentation says the caller releases it");
    } else if (TakesSame) {
      P.Returns = "{owned: " + R.Name + ", null_on_failure: true}";
      P.Why.push_back(Ret + " and takes one as argument 0");
      P.Live = false;
      P.Doubt.push_back("a new object, the same one, or one that takes "
                        "over argument 0 (a list's new head)?");
    } else {
      P.Returns = "{owned: " + R.Name + ", null_on_failure: true}";
      P.Why.push_back(Ret);
      P.Live = false;
      P.Doubt.push_back("the name has no constructor or getter word: owned "
                        "or borrowed?");
    }
  } else if (F->getNumParams() > 0 && voidOrStatus(RT) && !Any) {
    // Reference counting: X_up_ref(T *), X_ref(T *).
    Handle A = handleOf(F->getParamDecl(0)->getType());
    if (A && Resources.count(A.Key) && retainName(CW, A.Spelling)) {
      ResourceInfo &R = Resources[A.Key];
      P.ResourcesUsed.push_back(R.Name);
      P.Args.push_back({0, "{retains: " + R.Name + "}"});
      std::string Form = CW.size() >= 2 && CW[CW.size() - 2] == "up"
                             ? "*_up_ref"
                             : "*_" + CW.back();
      P.Why.push_back("takes '" + typeText(F->getParamDecl(0)->getType()) +
                      "' and is named " + Form +
                      ": the caller gets a "
                      "reference of its own");
      Any = true;
    }
  }

  // The library's own heap: PREFIX_malloc and strings.
  if (!Any && !Get0 && !MemoryReleaser.empty() && RT->isPointerType() && !H) {
    QualType Pointee = RT->getPointeeType();
    std::string Res = Mem;
    bool Void = Pointee.getCanonicalType()->isVoidType();
    bool Char = Pointee.getCanonicalType()->isCharType();
    if (!Res.empty() && !Pointee.isConstQualified() && (Void || Char)) {
      std::string Last = CW.back();
      llvm::StringRef L(Last);
      bool Alloc =
          L.rtrim("0123456789").ends_with("alloc") && !L.starts_with("re");
      // mprintf, vmprintf, aprintf, vaprintf: printf into new memory.
      bool Printf = L.ends_with("printf") && L.size() > 6 &&
                    (L[L.size() - 7] == 'm' || L[L.size() - 7] == 'a');
      bool Realloc = L.starts_with("realloc");
      bool Strdup = L == "strdup" || L == "strndup";
      std::string By = MemoryReleaser[Res];
      std::string Ret = "returns " + typeText(RT);
      P.ResourcesUsed.push_back(Res);
      P.Returns = "{owned: " + Res + ", null_on_failure: true}";
      // PREFIX_malloc pairs with PREFIX_free; CRYPTO_secure_malloc has a
      // free of its own (CRYPTO_secure_free).
      bool Plain = AllW.size() == 2;
      if ((Char && Printf) || (Void && Alloc) || Strdup) {
        P.Why.push_back(Ret + " and is named *_" + Last +
                        (Printf ? ": formats into new memory; " : "; ") + By +
                        " frees the library's memory");
        if (!Plain) {
          P.Live = false;
          P.Doubt.push_back("named " + Name + ", not " + words(Name)[0] + "_" +
                            Last + ": is it released by " + By +
                            " or by a function of its own?");
        }
      } else if (Void && Realloc) {
        P.Why.push_back(Ret + " and is named *_" + Last);
        P.Live = false;
        P.Doubt.push_back("realloc-like: the old block (argument 0) is "
                          "released only on success; write it as an "
                          "argument effect too");
      } else if (Char) {
        P.Why.push_back(Ret + " (not const)");
        P.Live = false;
        P.Doubt.push_back("a string the caller frees with " + By +
                          ", or the library's own buffer?");
      } else {
        P.ResourcesUsed.pop_back();
        P.Returns.clear();
        return std::nullopt;
      }
      Any = true;
    }
  }
  if (!Any)
    return std::nullopt;
  return P;
}

std::string Suggester::render(const std::vector<Proposal> &Ps) {
  std::string S;
  llvm::raw_string_ostream OS(S);
  OS << "# Ownership contract suggested by 'custody contracts suggest' from "
     << IncludeName << ".\n"
     << "# Each entry says why it was proposed. Entries written as comments "
        "are\n"
     << "# guesses: check the library's documentation, then uncomment or "
        "delete them.\n"
     << "version: 1\n"
     << "library: " << Req.Library << "\n"
     << "headers: [" << IncludeName << "]\n";

  std::set<std::string> Used;
  for (const Proposal &P : Ps)
    Used.insert(P.ResourcesUsed.begin(), P.ResourcesUsed.end());

  // Resources by name.
  std::map<std::string, std::string> Blocks;
  for (const auto &[Key, R] : Resources) {
    if (!Used.count(R.Name))
      continue;
    std::string B;
    for (const std::string &W : R.Why)
      B += "  # " + W + "\n";
    B += "  " + R.Name + ":\n    description: " + R.Type + "\n    release: [";
    for (size_t I = 0; I < R.Releasers.size(); ++I)
      B += (I ? ", " : "") + R.Releasers[I];
    B += "]\n";
    Blocks[R.Name] = B;
  }
  for (const auto &[Res, Fn] : MemoryReleaser) {
    if (!Used.count(Res))
      continue;
    Blocks[Res] = "  # " + MemoryWhy[Res] + "\n  " + Res +
                  ":\n    description: " + Fn.substr(0, Fn.rfind('_')) +
                  " memory\n    release: [" + Fn + "]\n";
  }
  if (!Blocks.empty()) {
    OS << "\nresources:\n";
    bool First = true;
    for (const auto &[N, B] : Blocks) {
      if (!First)
        OS << "\n";
      First = false;
      OS << B;
    }
  }
  if (!Ps.empty()) {
    OS << "\nfunctions:\n";
    bool First = true;
    for (const Proposal &P : Ps) {
      if (!First)
        OS << "\n";
      First = false;
      for (const std::string &W : P.Why)
        OS << "  # " << W << "\n";
      for (const std::string &D : P.Doubt)
        OS << "  # uncertain: " << D << "\n";
      std::string C = P.Live ? "" : "# ";
      OS << "  " << C << P.Function << ":\n";
      if (!P.Success.empty())
        OS << "  " << C << "  success: \"" << P.Success << "\"\n";
      if (!P.Returns.empty())
        OS << "  " << C << "  returns: " << P.Returns << "\n";
      if (!P.Args.empty()) {
        OS << "  " << C << "  args:\n";
        for (const auto &[I, E] : P.Args)
          OS << "  " << C << "    " << I << ": " << E << "\n";
      }
    }
  }
  return S;
}

std::string Suggester::run() {
  chooseFiles();
  collect();
  findOkConstants();
  findReleasers();
  std::vector<Proposal> Ps;
  for (const FunctionDecl *F : Functions)
    if (auto P = propose(F))
      Ps.push_back(std::move(*P));
  if (Ps.empty())
    Empty = explainEmpty();
  return render(Ps);
}

std::string Suggester::explainEmpty() {
  std::string S;
  llvm::raw_string_ostream OS(S);
  OS << "no entries proposed for '" << IncludeName << "': ";
  std::string Files =
      Flat ? "the header, the headers next to it whose name starts with '" +
                 Stem + "' and those in '" + Stem + "/'"
           : "the header and the headers it includes from '" + HeaderDir +
                 "' and below";
  if (Functions.empty()) {
    OS << "no function is declared in the files read as the library's ("
       << Files
       << "; static functions and names starting with '_' are skipped). If "
          "its functions are declared in another header, name that one, or "
          "the main header that includes them";
    return S;
  }
  OS << Functions.size() << " function" << (Functions.size() == 1 ? "" : "s")
     << " read in " << Files << ", but none ";
  if (Resources.empty() && MemoryReleaser.empty())
    OS << "releases a handle. custody first looks for release functions: "
          "a function returning void or a status whose first parameter is a "
          "pointer to a library type (a struct, or a typedef of one) and "
          "whose name ends in a release verb (free, destroy, close, cleanup, "
          "release, unref, finalize, delete, dispose, deinit ...), or "
          "PREFIX_free(void *); then for the functions that return such a "
          "handle or store one through an out-parameter. A library whose "
          "functions only take and return numbers, or strings the caller "
          "keeps, needs no contract";
  else
    OS << "returns or stores a handle of the " << Resources.size() << " type"
       << (Resources.size() == 1 ? "" : "s")
       << " with a release function found, or returns a status code or a "
          "borrowed value custody could recognize";
  return S;
}

struct Result {
  std::string Yaml;
  std::string Empty; // Why nothing was proposed, when nothing was.
  bool Done = false;
};

class SuggestConsumer : public ASTConsumer {
public:
  SuggestConsumer(CompilerInstance &CI, const Request &Req, Result &Out)
      : CI(CI), Req(Req), Out(Out) {}
  void HandleTranslationUnit(ASTContext &Ctx) override {
    if (CI.getDiagnostics().hasErrorOccurred())
      return;
    Suggester S(Ctx, CI.getPreprocessor(), Req);
    Out.Yaml = S.run();
    Out.Empty = S.Empty;
    Out.Done = true;
  }

private:
  CompilerInstance &CI;
  const Request &Req;
  Result &Out;
};

class SuggestAction : public ASTFrontendAction {
public:
  SuggestAction(const Request &Req, Result &Out) : Req(Req), Out(Out) {}
  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &CI,
                                                 llvm::StringRef) override {
    return std::make_unique<SuggestConsumer>(CI, Req, Out);
  }

private:
  const Request &Req;
  Result &Out;
};

class SuggestFactory : public FrontendActionFactory {
public:
  SuggestFactory(const Request &Req, Result &Out) : Req(Req), Out(Out) {}
  std::unique_ptr<FrontendAction> create() override {
    return std::make_unique<SuggestAction>(Req, Out);
  }

private:
  const Request &Req;
  Result &Out;
};

const char Usage[] = "usage: custody contracts suggest HEADER.h [-o OUT.yaml] "
                     "[--library NAME] [-- COMPILER FLAGS]\n";

int usage() {
  llvm::errs() << Usage;
  return 2;
}

void help() {
  llvm::outs()
      << Usage
      << "\n"
         "Parses a C SDK's header and writes a draft contract for it: the "
         "handle\n"
         "types that have a release function, the functions that hand them "
         "out,\n"
         "status-code results, borrowed getters, reference counting. Each\n"
         "proposal says why it was made; guesses are written commented "
         "out.\n"
         "\n"
         "  -o OUT.yaml     write the contract to OUT.yaml instead of "
         "standard output\n"
         "  --library NAME  the contract's 'library:' (default: the "
         "header's stem)\n"
         "  -- FLAGS        compiler flags for the parse (-I..., -D..., -x "
         "c++)\n"
         "  --help          print this help\n"
         "\n"
         "Exit codes: 0 written, 2 usage error, a missing header, a header "
         "that does\n"
         "not parse, or an output file that cannot be written.\n";
}

} // namespace

int custody::suggestMain(int argc, const char **argv) {
  Request Req;
  std::vector<std::string> Files;
  int I = 1;
  for (; I < argc; ++I) {
    llvm::StringRef A(argv[I]);
    if (A == "--") {
      ++I;
      break;
    }
    if ((A == "-o" || A == "--library") && I + 1 < argc) {
      (A == "-o" ? Req.Output : Req.Library) = argv[++I];
      Req.LibraryGiven |= A == "--library";
    } else if (A.consume_front("-o=") || A.consume_front("--output=")) {
      Req.Output = A.str();
    } else if (A.consume_front("--library=")) {
      Req.Library = A.str();
      Req.LibraryGiven = true;
    } else if (A == "-h" || A == "--help" || A == "-help") {
      help();
      return 0;
    } else if (A.starts_with("-")) {
      llvm::errs() << "custody: error: unknown option '" << A
                   << "' for 'custody contracts suggest'\n";
      return usage();
    } else {
      Files.push_back(A.str());
    }
  }
  for (; I < argc; ++I)
    Req.Flags.push_back(argv[I]);
  if (Files.empty())
    return usage();
  if (Files.size() > 1) {
    llvm::errs() << "custody: error: 'custody contracts suggest' reads one "
                    "header; got "
                 << Files.size() << "\n";
    return usage();
  }
  if (!llvm::sys::fs::is_regular_file(Files[0])) {
    llvm::errs() << "custody: error: no such header '" << Files[0] << "'\n";
    return 2;
  }
  Req.Header = realPath(Files[0]);
  if (!Req.LibraryGiven)
    Req.Library = std::string(llvm::sys::path::stem(Req.Header));
  if (Req.Library.empty() || llvm::any_of(Req.Library, [](char C) {
        return !llvm::isAlnum(C) && C != '_' && C != '-' && C != '.';
      })) {
    llvm::errs() << "custody: error: --library must be a plain name; got '"
                 << Req.Library << "'\n";
    return 2;
  }

  // A tiny C file next to the header that includes it: the header is parsed
  // as the language of a .c file unless the flags say otherwise.
  llvm::SmallString<256> Main(llvm::sys::path::parent_path(Req.Header));
  llvm::sys::path::append(Main, "custody-suggest-" +
                                    llvm::sys::path::stem(Req.Header) + ".c");
  llvm::SmallString<256> Cwd;
  llvm::sys::fs::current_path(Cwd);
  FixedCompilationDatabase DB(Cwd, Req.Flags);
  ClangTool Tool(DB, {std::string(Main)});
  // mapVirtualFile keeps a reference to the text.
  std::string MainText = "#include \"" + Req.Header + "\"\n";
  Tool.mapVirtualFile(Main, MainText);
  adjustArguments(Tool);
  Result Out;
  SuggestFactory Factory(Req, Out);
  if (!runSafely(Tool, Factory) || !Out.Done) {
    llvm::errs() << "custody: error: '" << Files[0]
                 << "' could not be parsed\n";
    return 2;
  }

  // What we write must load.
  ContractSet Set;
  std::vector<ContractError> Errors;
  if (!loadContractText(Out.Yaml, "suggested contract", Set, Errors)) {
    for (const ContractError &E : Errors)
      llvm::errs() << E.str() << "\n";
    llvm::errs() << "custody: error: the suggested contract does not load\n";
    return 2;
  }

  // An empty draft says why, in the file and on standard error.
  if (!Out.Empty.empty()) {
    llvm::errs() << "custody: note: " << Out.Empty << "\n";
    Out.Yaml += "\n# " + Out.Empty + "\n";
  }
  return writeOutput(Req.Output, Out.Yaml);
}
