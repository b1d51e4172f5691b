//===- SummaryStore.cpp - Summaries of the whole program, on disk ---------===//

#include "SummaryStore.h"
#include "clang/Index/USRGeneration.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/xxhash.h"

using namespace custody;
namespace json = llvm::json;

#ifndef CUSTODY_VERSION
#define CUSTODY_VERSION "dev"
#endif

std::string custody::storeVersion() {
  return std::string(CUSTODY_VERSION) + "/summaries-" +
         std::to_string(SummaryFormat);
}

std::string custody::usrOf(const clang::Decl *D) {
  llvm::SmallString<128> Buf;
  if (!D || clang::index::generateUSRForDecl(D, Buf))
    return "";
  return std::string(Buf);
}

//===----------------------------------------------------------------------===//
// Contracts as JSON: only what a summary can say, and only what is set.
//===----------------------------------------------------------------------===//

static const char *whenName(When W) {
  switch (W) {
  case When::Always:
    return "always";
  case When::OnSuccess:
    return "success";
  case When::OnFailure:
    return "failure";
  }
  return "always";
}

static std::optional<When> whenFrom(llvm::StringRef S) {
  if (S == "always")
    return When::Always;
  if (S == "success")
    return When::OnSuccess;
  if (S == "failure")
    return When::OnFailure;
  return std::nullopt;
}

static const char *const ArgKinds[] = {"acquires", "releases", "consumes",
                                       "borrows",  "escapes",  "retains",
                                       "lends"};
static const char *const LockNames[] = {"needs",   "free",        "check",
                                        "ensure",  "ensure_undo", "save",
                                        "restore", "acquire",     "release"};
static const char *const CondOps[] = {"==", "!=", "<", "<=", ">", ">="};

template <size_t N>
static std::optional<unsigned> indexOf(const char *const (&Names)[N],
                                       llvm::StringRef S) {
  for (unsigned I = 0; I < N; ++I)
    if (S == Names[I])
      return I;
  return std::nullopt;
}

static json::Value condJSON(const Condition &C) {
  return json::Array{CondOps[C.Op], C.Value};
}

static std::optional<Condition> condFrom(const json::Value *V) {
  const json::Array *A = V ? V->getAsArray() : nullptr;
  if (!A || A->size() != 2)
    return std::nullopt;
  auto Op = (*A)[0].getAsString();
  auto Val = (*A)[1].getAsInteger();
  if (!Op || !Val)
    return std::nullopt;
  auto I = indexOf(CondOps, *Op);
  if (!I)
    return std::nullopt;
  return Condition{Condition::OpKind(*I), *Val};
}

static json::Value argJSON(const ArgEffect &A) {
  json::Object O{{"kind", ArgKinds[A.Kind]}};
  if (!A.Resource.empty())
    O["resource"] = A.Resource;
  if (A.On != When::Always)
    O["when"] = whenName(A.On);
  if (A.SourceArg >= 0)
    O["source"] = A.SourceArg;
  if (A.Unless)
    O["unless"] = json::Array{A.Unless->first, A.Unless->second};
  return O;
}

static std::optional<ArgEffect> argFrom(const json::Value &V) {
  const json::Object *O = V.getAsObject();
  if (!O)
    return std::nullopt;
  ArgEffect A;
  auto Kind = O->getString("kind");
  auto K = Kind ? indexOf(ArgKinds, *Kind) : std::nullopt;
  if (!K)
    return std::nullopt;
  A.Kind = ArgEffect::KindTy(*K);
  if (auto R = O->getString("resource"))
    A.Resource = R->str();
  if (auto W = O->getString("when")) {
    auto On = whenFrom(*W);
    if (!On)
      return std::nullopt;
    A.On = *On;
  }
  if (auto S = O->getInteger("source"))
    A.SourceArg = int(*S);
  if (const json::Array *U = O->getArray("unless"))
    if (U->size() == 2 && (*U)[0].getAsInteger() && (*U)[1].getAsInteger())
      A.Unless = {unsigned(*(*U)[0].getAsInteger()), *(*U)[1].getAsInteger()};
  return A;
}

static json::Value regionJSON(const RegionEffect &R) {
  json::Object O{{"resource", R.Resource}};
  if (R.Borrowed)
    O["borrowed"] = true;
  if (R.KeyArg >= 0)
    O["key"] = R.KeyArg;
  if (R.On != When::Always)
    O["when"] = whenName(R.On);
  return O;
}

static std::optional<RegionEffect> regionFrom(const json::Value *V) {
  const json::Object *O = V ? V->getAsObject() : nullptr;
  if (!O || !O->getString("resource"))
    return std::nullopt;
  RegionEffect R;
  R.Resource = O->getString("resource")->str();
  R.Borrowed = O->getBoolean("borrowed").value_or(false);
  R.KeyArg = int(O->getInteger("key").value_or(-1));
  if (auto W = O->getString("when"))
    R.On = whenFrom(*W).value_or(When::Always);
  return R;
}

static json::Value contractJSON(const FunctionContract &C) {
  json::Object O;
  if (C.Returns) {
    json::Object R{{"owned", C.Returns->Owned},
                   {"resource", C.Returns->Resource}};
    if (C.Returns->NullOnFailure)
      R["null_on_failure"] = true;
    if (C.Returns->SourceArg >= 0)
      R["source"] = C.Returns->SourceArg;
    O["returns"] = std::move(R);
  }
  if (!C.ResultType.empty())
    O["result_type"] = C.ResultType;
  if (!C.Args.empty()) {
    json::Object A;
    for (const auto &[I, E] : C.Args)
      A[std::to_string(I)] = argJSON(E);
    O["args"] = std::move(A);
  }
  if (C.VarArgs)
    O["varargs"] = argJSON(*C.VarArgs);
  if (C.Success)
    O["success"] = condJSON(*C.Success);
  if (C.Failure)
    O["failure"] = condJSON(*C.Failure);
  if (C.NonOwning)
    O["non_owning"] = true;
  if (C.Opens)
    O["opens"] = regionJSON(*C.Opens);
  if (C.Closes)
    O["closes"] = regionJSON(*C.Closes);
  if (C.Throws != Throws::Never)
    O["throws"] = C.Throws == Throws::Always ? "always" : "on_failure";
  if (C.ExceptionSafe)
    O["exception_safe"] = true;
  if (C.ChecksException)
    O["checks_exception"] = true;
  if (C.MustCheck)
    O["must_check"] = true;
  if (C.CriticalSafe)
    O["critical_safe"] = true;
  if (C.Lock)
    O["lock"] = LockNames[unsigned(*C.Lock)];
  if (!C.LockLibrary.empty())
    O["lock_library"] = C.LockLibrary;
  if (!C.Library.empty())
    O["library"] = C.Library;
  if (C.Interior >= 0)
    O["interior"] = C.Interior;
  if (!C.Reserves.empty())
    O["reserves"] = C.Reserves;
  if (!C.FieldStores.empty()) {
    json::Array F;
    for (const FieldStoreEffect &S : C.FieldStores) {
      json::Object E{
          {"arg", S.Arg}, {"field", S.FieldName}, {"resource", S.Resource}};
      if (S.On != When::Always)
        E["when"] = whenName(S.On);
      F.push_back(std::move(E));
    }
    O["field_stores"] = std::move(F);
  }
  return O;
}

static bool contractFrom(const json::Object &O, FunctionContract &C) {
  C.IsSummary = true;
  if (const json::Object *R = O.getObject("returns")) {
    ReturnEffect E;
    E.Owned = R->getBoolean("owned").value_or(true);
    auto Res = R->getString("resource");
    if (!Res)
      return false;
    E.Resource = Res->str();
    E.NullOnFailure = R->getBoolean("null_on_failure").value_or(false);
    E.SourceArg = int(R->getInteger("source").value_or(-1));
    C.Returns = E;
  }
  if (auto T = O.getString("result_type"))
    C.ResultType = T->str();
  if (const json::Object *A = O.getObject("args"))
    for (const auto &[K, V] : *A) {
      unsigned I;
      auto E = argFrom(V);
      if (llvm::StringRef(K).getAsInteger(10, I) || !E)
        return false;
      C.Args[I] = *E;
    }
  if (const json::Value *V = O.get("varargs")) {
    C.VarArgs = argFrom(*V);
    if (!C.VarArgs)
      return false;
  }
  C.Success = condFrom(O.get("success"));
  C.Failure = condFrom(O.get("failure"));
  C.NonOwning = O.getBoolean("non_owning").value_or(false);
  C.Opens = regionFrom(O.get("opens"));
  C.Closes = regionFrom(O.get("closes"));
  if (auto T = O.getString("throws"))
    C.Throws = *T == "always" ? Throws::Always : Throws::OnFailure;
  C.ExceptionSafe = O.getBoolean("exception_safe").value_or(false);
  C.ChecksException = O.getBoolean("checks_exception").value_or(false);
  C.MustCheck = O.getBoolean("must_check").value_or(false);
  C.CriticalSafe = O.getBoolean("critical_safe").value_or(false);
  if (auto L = O.getString("lock")) {
    auto I = indexOf(LockNames, *L);
    if (!I)
      return false;
    C.Lock = LockEffect(*I);
  }
  if (auto L = O.getString("library"))
    C.Library = L->str();
  if (auto L = O.getString("lock_library"))
    C.LockLibrary = L->str();
  C.Interior = int(O.getInteger("interior").value_or(-1));
  if (auto R = O.getString("reserves"))
    C.Reserves = R->str();
  if (const json::Array *F = O.getArray("field_stores"))
    for (const json::Value &V : *F) {
      const json::Object *E = V.getAsObject();
      if (!E || !E->getInteger("arg") || !E->getString("field") ||
          !E->getString("resource"))
        return false;
      FieldStoreEffect S;
      S.Arg = unsigned(*E->getInteger("arg"));
      S.FieldName = E->getString("field")->str();
      S.Resource = E->getString("resource")->str();
      if (auto W = E->getString("when"))
        S.On = whenFrom(*W).value_or(When::Always);
      C.FieldStores.push_back(std::move(S));
    }
  return true;
}

json::Value custody::toJSON(const StoredSummary &S) {
  json::Object O{{"usr", S.USR},   {"name", S.Name},     {"file", S.File},
                 {"line", S.Line}, {"column", S.Column}, {"params", S.Params}};
  if (S.Variadic)
    O["variadic"] = true;
  if (S.Contract)
    O["summary"] = contractJSON(*S.Contract);
  if (!S.NeedsLock.empty())
    O["needs_lock"] = json::Array{S.NeedsLock, S.NeedsLockFn};
  if (S.LockSummary)
    O["lock_effect"] = LockNames[unsigned(*S.LockSummary)];
  return O;
}

bool custody::fromJSON(const json::Value &V, StoredSummary &S) {
  const json::Object *O = V.getAsObject();
  if (!O || !O->getString("usr") || !O->getString("name"))
    return false;
  S.USR = O->getString("usr")->str();
  S.Name = O->getString("name")->str();
  if (auto F = O->getString("file"))
    S.File = F->str();
  S.Line = unsigned(O->getInteger("line").value_or(0));
  S.Column = unsigned(O->getInteger("column").value_or(0));
  S.Params = unsigned(O->getInteger("params").value_or(0));
  S.Variadic = O->getBoolean("variadic").value_or(false);
  if (const json::Object *C = O->getObject("summary")) {
    auto FC = std::make_shared<FunctionContract>();
    FC->Name = S.Name;
    if (!contractFrom(*C, *FC))
      return false;
    S.Contract = std::move(FC);
  }
  if (const json::Array *N = O->getArray("needs_lock"))
    if (N->size() == 2 && (*N)[0].getAsString() && (*N)[1].getAsString()) {
      S.NeedsLock = (*N)[0].getAsString()->str();
      S.NeedsLockFn = (*N)[1].getAsString()->str();
    }
  if (auto L = O->getString("lock_effect"))
    if (auto I = indexOf(LockNames, *L))
      S.LockSummary = LockEffect(*I);
  return true;
}

void SummaryIndex::put(StoredSummary S) {
  // Where it is defined is not what its callers depend on.
  StoredSummary Effects = S;
  Effects.File.clear();
  Effects.Line = Effects.Column = 0;
  std::string Text;
  llvm::raw_string_ostream OS(Text);
  OS << json::Value(toJSON(Effects));
  Prints[S.USR] = llvm::utohexstr(llvm::xxh3_64bits(OS.str()));
  std::string USR = S.USR;
  ByUSR[USR] = std::move(S);
}

void SummaryIndex::erase(llvm::StringRef USR) {
  ByUSR.erase(USR);
  Prints.erase(USR);
}

llvm::StringRef SummaryIndex::fingerprint(llvm::StringRef USR) const {
  auto It = Prints.find(USR);
  return It == Prints.end() ? llvm::StringRef("-") : It->second;
}

//===----------------------------------------------------------------------===//
// The store's files
//===----------------------------------------------------------------------===//

json::Value custody::toJSON(const StoreEntry &E) {
  json::Array Deps, Sums;
  for (const auto &[F, Stamp] : E.Deps)
    Deps.push_back(json::Array{F, Stamp});
  for (const StoredSummary &S : E.Summaries)
    Sums.push_back(toJSON(S));
  json::Object Inputs;
  for (const auto &[U, F] : E.Inputs)
    Inputs[U] = F;
  return json::Object{{"version", E.Version},
                      {"file", E.File},
                      {"key", E.Key},
                      {"deps", std::move(Deps)},
                      {"inputs", std::move(Inputs)},
                      {"summaries", std::move(Sums)},
                      {"results", E.Results}};
}

bool custody::fromJSON(const json::Value &V, StoreEntry &E,
                       std::string &Error) {
  const json::Object *O = V.getAsObject();
  if (!O || !O->getString("version")) {
    Error = "not a custody summary file";
    return false;
  }
  E.Version = O->getString("version")->str();
  if (E.Version != storeVersion()) {
    Error = "written by custody " + E.Version + ", not " + storeVersion();
    return false;
  }
  if (auto F = O->getString("file"))
    E.File = F->str();
  if (auto K = O->getString("key"))
    E.Key = K->str();
  if (const json::Array *D = O->getArray("deps"))
    for (const json::Value &X : *D)
      if (const json::Array *P = X.getAsArray();
          P && P->size() == 2 && (*P)[0].getAsString() && (*P)[1].getAsString())
        E.Deps.push_back(
            {(*P)[0].getAsString()->str(), (*P)[1].getAsString()->str()});
  if (const json::Object *I = O->getObject("inputs"))
    for (const auto &[U, F] : *I)
      if (auto S = F.getAsString())
        E.Inputs[U.str()] = S->str();
  if (const json::Array *S = O->getArray("summaries"))
    for (const json::Value &X : *S) {
      StoredSummary Sum;
      if (!fromJSON(X, Sum)) {
        Error = "a summary it holds is malformed";
        return false;
      }
      E.Summaries.push_back(std::move(Sum));
    }
  if (const json::Value *R = O->get("results"))
    E.Results = *R;
  return true;
}

std::string custody::entryPath(llvm::StringRef StoreDir, llvm::StringRef File) {
  llvm::SmallString<256> P(StoreDir);
  llvm::sys::path::append(
      P, llvm::sys::path::filename(File) + "-" +
             llvm::utohexstr(llvm::xxh3_64bits(File), /*LowerCase=*/true) +
             ".json");
  return std::string(P);
}

bool custody::readEntry(llvm::StringRef Path, StoreEntry &E,
                        std::string &Error) {
  auto Buf = llvm::MemoryBuffer::getFile(Path);
  if (!Buf) {
    Error = Buf.getError().message();
    return false;
  }
  llvm::Expected<json::Value> V = json::parse((*Buf)->getBuffer());
  if (!V) {
    Error = llvm::toString(V.takeError());
    return false;
  }
  return fromJSON(*V, E, Error);
}

bool custody::writeEntry(llvm::StringRef Path, const StoreEntry &E,
                         std::string &Error) {
  // Written aside and renamed: a reader never sees half a file, and two
  // runs on one store (an editor's and a build's) never share the aside.
  std::string Tmp =
      (Path + "." + llvm::Twine(llvm::sys::Process::getProcessId()) + ".tmp")
          .str();
  {
    std::error_code EC;
    llvm::raw_fd_ostream OS(Tmp, EC);
    if (EC) {
      Error = EC.message();
      return false;
    }
    OS << json::Value(toJSON(E)) << "\n";
  }
  if (std::error_code EC = llvm::sys::fs::rename(Tmp, Path)) {
    Error = EC.message();
    return false;
  }
  return true;
}

std::shared_ptr<const SummaryIndex>
custody::loadStore(llvm::StringRef Dir, unsigned &Stale, std::string &Error) {
  Stale = 0;
  if (!llvm::sys::fs::is_directory(Dir)) {
    Error = "'" + Dir.str() + "' is not a directory";
    return nullptr;
  }
  auto Index = std::make_shared<SummaryIndex>();
  std::error_code EC;
  std::vector<std::string> Paths;
  for (llvm::sys::fs::directory_iterator It(Dir, EC), End; It != End && !EC;
       It.increment(EC))
    if (llvm::StringRef(It->path()).ends_with(".json"))
      Paths.push_back(It->path());
  if (EC) {
    Error = EC.message();
    return nullptr;
  }
  // The same order on every machine: a function defined in two files (a
  // program with two mains) keeps the first file's summary.
  llvm::sort(Paths);
  for (const std::string &P : Paths) {
    StoreEntry E;
    std::string Why;
    if (!readEntry(P, E, Why)) {
      ++Stale;
      continue;
    }
    for (StoredSummary &S : E.Summaries)
      if (!Index->lookup(S.USR))
        Index->put(std::move(S));
  }
  return Index;
}
