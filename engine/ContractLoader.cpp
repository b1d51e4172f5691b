//===- ContractLoader.cpp - YAML contracts to the contract model ----------===//
//
// Every key is checked: an unknown or misspelt key is an error, never ignored,
// because a typo that silently drops an effect would silently switch a check
// off. Errors carry the file, line and column of the offending node.
//
//===----------------------------------------------------------------------===//

#include "ContractLoader.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <dlfcn.h>
#include <mutex>
#include <set>

#ifndef CUSTODY_SOURCE_CONTRACTS_DIR
#define CUSTODY_SOURCE_CONTRACTS_DIR ""
#endif

using namespace custody;

std::string ContractLoc::str() const {
  // A whole file (one that cannot be read) has no line to name.
  if (!Line)
    return File;
  return File + ":" + std::to_string(Line) + ":" + std::to_string(Column);
}

/// The candidate nearest to Word, if it is near enough to be a typo:
/// " (did you mean 'X'?)", else empty.
template <typename Range>
static std::string didYouMean(llvm::StringRef Word, const Range &Candidates) {
  std::string Best;
  unsigned BestDist = std::max<size_t>(2, Word.size() / 3) + 1;
  for (const auto &C : Candidates) {
    llvm::StringRef Cand(C);
    unsigned D = Word.edit_distance(Cand, true, BestDist);
    if (D < BestDist && Cand != Word) {
      BestDist = D;
      Best = Cand.str();
    }
  }
  return Best.empty() ? "" : "; did you mean '" + Best + "'?";
}

std::string ContractError::str() const {
  return Loc.str() + ": error: " + Message;
}

namespace {

class Loader {
public:
  Loader(ContractSet &Set, std::vector<ContractError> &Errors)
      : Set(Set), Errors(Errors) {}

  void loadFile(const std::string &Path, const ContractLoc *IncludedFrom);
  void loadText(const std::string &Text, const std::string &Name);
  void finish();
  bool failed() const { return Failed; }

private:
  ContractSet &Set;
  std::vector<ContractError> &Errors;
  std::set<std::string> Loaded;

  /// The resources defined so far, for did-you-mean.
  std::vector<std::string> resourceNames() const {
    std::vector<std::string> Names;
    for (const auto &R : Set.Resources)
      Names.push_back(R.first().str());
    return Names;
  }
  bool Failed = false;
  std::string CurFile;

  ContractLoc loc(const YAML::Node &N) const {
    YAML::Mark M = N.Mark();
    return {CurFile, unsigned(M.line + 1), unsigned(M.column + 1)};
  }
  void error(const ContractLoc &L, const std::string &Msg) {
    Errors.push_back({L, Msg});
    Failed = true;
  }
  void error(const YAML::Node &N, const std::string &Msg) {
    error(loc(N), Msg);
  }

  void loadDocument(const YAML::Node &Root, const std::string &Path);
  bool expectMap(const YAML::Node &N, const std::string &What);
  bool scalar(const YAML::Node &N, const std::string &What, std::string &Out);
  bool stringList(const YAML::Node &N, const std::string &What,
                  std::vector<std::string> &Out);
  void loadResource(const std::string &Name, const YAML::Node &N,
                    const LibraryContract &Lib, const YAML::Node &KeyNode);
  void loadFunction(const std::string &Name, const YAML::Node &N,
                    const LibraryContract &Lib, const YAML::Node &KeyNode);
  bool parseCondition(const YAML::Node &N, const std::string &Key,
                      Condition &C);
  bool parseWhen(const YAML::Node &N, When &W);
  bool boolean(const YAML::Node &N, const std::string &What, bool &Out);
  bool index(const YAML::Node &N, const std::string &What, int &Out);
  bool checksKey(const YAML::Node &N, std::string &Out);
  std::optional<RegionEffect>
  parseRegion(const YAML::Node &N, const std::string &What, bool Opening);
  std::optional<ArgEffect> parseArgEffect(const YAML::Node &X,
                                          const std::string &ArgWhat);
  void addFunction(FunctionContract FC);
  void loadType(const std::string &Name, const YAML::Node &N,
                const LibraryContract &Lib, const YAML::Node &KeyNode);
  std::optional<TakeSpec> parseTake(const YAML::Node &N,
                                    const std::string &What);

  /// Calls F(key, value) for each entry, reporting duplicate keys and keys
  /// outside Allowed (when Allowed is non-empty).
  template <typename Fn>
  void forEachEntry(const YAML::Node &Map, const std::string &What,
                    std::initializer_list<const char *> Allowed, Fn F) {
    std::set<std::string> Seen;
    for (auto It = Map.begin(); It != Map.end(); ++It) {
      std::string Key;
      if (!scalar(It->first, "key in " + What, Key))
        continue;
      if (!Seen.insert(Key).second) {
        error(It->first, "duplicate key '" + Key + "' in " + What);
        continue;
      }
      if (Allowed.size() &&
          llvm::none_of(Allowed, [&](const char *A) { return Key == A; })) {
        std::string List;
        for (const char *A : Allowed)
          List += std::string(List.empty() ? "" : ", ") + A;
        std::vector<llvm::StringRef> Names(Allowed.begin(), Allowed.end());
        error(It->first, "unknown key '" + Key + "' in " + What +
                             " (expected one of: " + List + ")" +
                             didYouMean(Key, Names));
        continue;
      }
      F(Key, It->second, It->first);
    }
  }
};

bool Loader::expectMap(const YAML::Node &N, const std::string &What) {
  if (N.IsMap())
    return true;
  error(N, What + " must be a mapping");
  return false;
}

bool Loader::scalar(const YAML::Node &N, const std::string &What,
                    std::string &Out) {
  if (!N.IsScalar()) {
    error(N, What + " must be a scalar");
    return false;
  }
  Out = N.Scalar();
  return true;
}

bool Loader::stringList(const YAML::Node &N, const std::string &What,
                        std::vector<std::string> &Out) {
  if (N.IsScalar()) {
    Out.push_back(N.Scalar());
    return true;
  }
  if (!N.IsSequence()) {
    error(N, What + " must be a string or a list of strings");
    return false;
  }
  for (const auto &E : N) {
    std::string S;
    if (!scalar(E, "entry of " + What, S))
      return false;
    Out.push_back(S);
  }
  return true;
}

bool Loader::parseCondition(const YAML::Node &N, const std::string &Key,
                            Condition &C) {
  std::string S;
  if (!scalar(N, "'" + Key + "'", S))
    return false;
  llvm::StringRef R = llvm::StringRef(S).trim();
  if (R == "nonnull") {
    C = {Condition::NE, 0};
    return true;
  }
  if (R == "null") {
    C = {Condition::EQ, 0};
    return true;
  }
  static const std::pair<const char *, Condition::OpKind> Ops[] = {
      {"==", Condition::EQ}, {"!=", Condition::NE}, {"<=", Condition::LE},
      {">=", Condition::GE}, {"<", Condition::LT},  {">", Condition::GT}};
  for (const auto &[Text, Op] : Ops) {
    if (!R.consume_front(Text))
      continue;
    long long V;
    if (R.trim().getAsInteger(0, V))
      break;
    C = {Op, V};
    return true;
  }
  error(N, "'" + Key +
               "' must be a comparison with an integer such as '== 0' or "
               "'> 0', or one of 'nonnull', 'null'; got '" +
               S + "'");
  return false;
}

bool Loader::boolean(const YAML::Node &N, const std::string &What, bool &Out) {
  std::string S;
  if (!scalar(N, What, S))
    return false;
  if (S != "true" && S != "false") {
    error(N, What + " must be true or false; got '" + S + "'");
    return false;
  }
  Out = S == "true";
  return true;
}

bool Loader::index(const YAML::Node &N, const std::string &What, int &Out) {
  std::string S;
  unsigned I;
  if (!scalar(N, What, S))
    return false;
  if (llvm::StringRef(S).getAsInteger(10, I)) {
    error(N, What + " must be an argument index; got '" + S + "'");
    return false;
  }
  Out = int(I);
  return true;
}

/// The check families a 'checks:' key may name: the domains of Checks.def.
static bool knownDomain(llvm::StringRef D, std::string &List) {
  static const char *Domains[] = {
#define CUSTODY_DOMAIN_CHECK(Domain, Generic, Kind) Domain,
#include "Checks.def"
  };
  std::set<std::string> Unique(std::begin(Domains), std::end(Domains));
  for (const std::string &U : Unique)
    List += (List.empty() ? "" : ", ") + U;
  return Unique.count(D.str());
}

bool Loader::checksKey(const YAML::Node &N, std::string &Out) {
  std::string List;
  if (!scalar(N, "'checks'", Out))
    return false;
  if (knownDomain(Out, List))
    return true;
  error(N, "'checks' must name one of custody's check families besides "
           "contract-* (" +
               List + "); got '" + Out + "'");
  return false;
}

bool Loader::parseWhen(const YAML::Node &N, When &W) {
  std::string S;
  if (!scalar(N, "'when'", S))
    return false;
  if (S == "always")
    W = When::Always;
  else if (S == "success")
    W = When::OnSuccess;
  else if (S == "failure")
    W = When::OnFailure;
  else {
    error(N,
          "'when' must be one of: always, success, failure; got '" + S + "'");
    return false;
  }
  return true;
}

void Loader::loadResource(const std::string &Name, const YAML::Node &N,
                          const LibraryContract &Lib,
                          const YAML::Node &KeyNode) {
  Resource R;
  R.Name = Name;
  R.Library = Lib.Library;
  R.Checks = Lib.Checks;
  R.Loc = loc(KeyNode);
  R.Description = Name;
  if (!N.IsNull()) {
    if (!expectMap(N, "resource '" + Name + "'"))
      return;
    forEachEntry(
        N, "resource '" + Name + "'",
        {"description", "release", "null_release", "checks", "freed_on_return",
         "critical", "persistent", "frees"},
        [&](const std::string &Key, const YAML::Node &V, const YAML::Node &) {
          if (Key == "description")
            scalar(V, "'description'", R.Description);
          else if (Key == "release")
            stringList(V, "'release'", R.Releasers);
          else if (Key == "checks")
            checksKey(V, R.Checks);
          else if (Key == "freed_on_return")
            boolean(V, "'freed_on_return'", R.FreedOnReturn);
          else if (Key == "critical")
            boolean(V, "'critical'", R.Critical);
          else if (Key == "persistent")
            boolean(V, "'persistent'", R.Persistent);
          else if (Key == "frees")
            stringList(V, "'frees'", R.Frees);
          else {
            std::string S;
            if (!scalar(V, "'null_release'", S))
              return;
            if (S == "ok")
              R.NullReleaseOk = true;
            else if (S == "error")
              R.NullReleaseOk = false;
            else
              error(V,
                    "'null_release' must be 'ok' or 'error'; got '" + S + "'");
          }
        });
  }
  auto [It, Inserted] = Set.Resources.try_emplace(Name, R);
  if (!Inserted)
    error(KeyNode, "resource '" + Name + "' is already defined at " +
                       It->second.Loc.str());
}

std::optional<RegionEffect> Loader::parseRegion(const YAML::Node &N,
                                                const std::string &What,
                                                bool Opening) {
  if (!expectMap(N, What))
    return std::nullopt;
  RegionEffect RE;
  bool HaveKind = false;
  std::initializer_list<const char *> OpenKeys = {"owned", "borrowed", "key",
                                                  "when"};
  std::initializer_list<const char *> CloseKeys = {"resource", "key"};
  forEachEntry(
      N, What, Opening ? OpenKeys : CloseKeys,
      [&](const std::string &K, const YAML::Node &X, const YAML::Node &) {
        if (K == "key")
          index(X, "'key'", RE.KeyArg);
        else if (K == "when")
          parseWhen(X, RE.On);
        else {
          HaveKind = true;
          RE.Borrowed = K == "borrowed";
          scalar(X, "'" + K + "'", RE.Resource);
        }
      });
  if (!HaveKind) {
    error(N, What + (Opening ? " needs 'owned' or 'borrowed'"
                             : " needs 'resource'"));
    return std::nullopt;
  }
  return RE;
}

void Loader::loadFunction(const std::string &Name, const YAML::Node &N,
                          const LibraryContract &Lib,
                          const YAML::Node &KeyNode) {
  const std::string &Library = Lib.Library;
  FunctionContract FC;
  FC.Name = Name;
  FC.Library = Library;
  FC.Checks = Lib.Checks;
  FC.Loc = loc(KeyNode);
  std::string What = "function '" + Name + "'";
  if (N.IsNull() || (N.IsMap() && N.size() == 0)) {
    FC.NonOwning = true;
    addFunction(std::move(FC));
    return;
  }
  if (!expectMap(N, What))
    return;
  forEachEntry(
      N, What,
      {"returns",
       "args",
       "varargs",
       "format",
       "success",
       "failure",
       "opens",
       "closes",
       "throws",
       "exception_safe",
       "checks_exception",
       "must_check",
       "critical_safe",
       "lock",
       "reserves",
       "interior",
       "fails_only_on_oom",
       "rejects_null",
       "fails_on_null",
       "raises_on_failure",
       "result_type",
       "tests_type",
       "size"},
      [&](const std::string &Key, const YAML::Node &V, const YAML::Node &) {
        if (Key == "rejects_null" || Key == "fails_on_null" || Key == "size") {
          // An index or a list of indices of parameters.
          std::vector<unsigned> &Out = Key == "rejects_null" ? FC.RejectsNull
                                       : Key == "size"       ? FC.SizeArgs
                                                             : FC.FailsOnNull;
          if (V.IsSequence()) {
            for (const auto &E : V) {
              int I;
              if (index(E, "entry of '" + Key + "'", I))
                Out.push_back(unsigned(I));
            }
          } else {
            int I;
            if (index(V, "'" + Key + "'", I))
              Out.push_back(unsigned(I));
          }
          llvm::sort(Out);
          return;
        }
        if (Key == "fails_only_on_oom") {
          // true, or {arg: N, prefix: S}: only when argument N is a string
          // literal that starts with S.
          if (!V.IsMap()) {
            boolean(V, "'fails_only_on_oom'", FC.OomOnly);
            return;
          }
          forEachEntry(V, "'fails_only_on_oom'", {"arg", "prefix"},
                       [&](const std::string &K, const YAML::Node &X,
                           const YAML::Node &) {
                         if (K == "arg")
                           index(X, "'arg' of 'fails_only_on_oom'", FC.OomArg);
                         else
                           scalar(X, "'prefix' of 'fails_only_on_oom'",
                                  FC.OomPrefix);
                       });
          if (FC.OomArg < 0 || FC.OomPrefix.empty())
            error(V, "'fails_only_on_oom' needs true, or both 'arg' and "
                     "'prefix'");
          else
            FC.OomOnly = true;
          return;
        }
        if (Key == "interior") {
          std::string S;
          if (!scalar(V, "'interior'", S))
            return;
          unsigned I;
          if (llvm::StringRef(S).getAsInteger(10, I))
            error(V, "'interior' must be an argument index; got '" + S + "'");
          else
            FC.Interior = int(I);
          return;
        }
        if (Key == "opens" || Key == "closes") {
          bool Opening = Key == "opens";
          if (auto RE = parseRegion(V, "'" + Key + "' of " + What, Opening))
            (Opening ? FC.Opens : FC.Closes) = *RE;
          return;
        }
        if (Key == "throws") {
          std::string S;
          if (!scalar(V, "'throws'", S))
            return;
          if (S == "never")
            FC.Throws = Throws::Never;
          else if (S == "on_failure")
            FC.Throws = Throws::OnFailure;
          else if (S == "always")
            FC.Throws = Throws::Always;
          else
            error(V, "'throws' must be one of: never, on_failure, always; "
                     "got '" +
                         S + "'");
          return;
        }
        static const std::pair<const char *, bool FunctionContract::*> Flags[] =
            {{"exception_safe", &FunctionContract::ExceptionSafe},
             {"checks_exception", &FunctionContract::ChecksException},
             {"must_check", &FunctionContract::MustCheck},
             {"raises_on_failure", &FunctionContract::RaisesOnFailure},
             {"critical_safe", &FunctionContract::CriticalSafe}};
        for (const auto &[Name, Member] : Flags)
          if (Key == Name) {
            boolean(V, "'" + Key + "'", FC.*Member);
            return;
          }
        if (Key == "reserves") {
          scalar(V, "'reserves'", FC.Reserves);
          return;
        }
        if (Key == "result_type" || Key == "tests_type") {
          scalar(V, "'" + Key + "'",
                 Key == "result_type" ? FC.ResultType : FC.TestsType);
          return;
        }
        if (Key == "lock") {
          static const std::pair<const char *, LockEffect> Effects[] = {
              {"needs", LockEffect::Needs},
              {"free", LockEffect::Free},
              {"check", LockEffect::Check},
              {"ensure", LockEffect::Ensure},
              {"ensure_release", LockEffect::EnsureUndo},
              {"save", LockEffect::Save},
              {"restore", LockEffect::Restore},
              {"acquire", LockEffect::Acquire},
              {"release", LockEffect::Release}};
          std::string S, List;
          if (!scalar(V, "'lock'", S))
            return;
          for (const auto &[Text, E] : Effects) {
            List += std::string(List.empty() ? "" : ", ") + Text;
            if (S == Text)
              FC.Lock = E;
          }
          if (!FC.Lock)
            error(V, "'lock' must be one of: " + List + "; got '" + S + "'");
          FC.LockLibrary = Library;
          return;
        }
        if (Key == "success" || Key == "failure") {
          Condition C;
          if (parseCondition(V, Key, C))
            (Key == "success" ? FC.Success : FC.Failure) = C;
          return;
        }
        if (Key == "format") {
          if (!expectMap(V, "'format' of " + What))
            return;
          FormatSpec F;
          bool HaveArg = false, HaveStyle = false;
          forEachEntry(
              V, "'format' of " + What, {"arg", "style", "resource"},
              [&](const std::string &K, const YAML::Node &X,
                  const YAML::Node &) {
                std::string S;
                if (!scalar(X, "'" + K + "'", S))
                  return;
                if (K == "arg") {
                  HaveArg = !llvm::StringRef(S).getAsInteger(10, F.Arg);
                  if (!HaveArg)
                    error(X,
                          "'arg' must be an argument index; got '" + S + "'");
                } else if (K == "style") {
                  HaveStyle = S == "build" || S == "parse";
                  F.Style =
                      S == "parse" ? FormatStyle::Parse : FormatStyle::Build;
                  if (!HaveStyle)
                    error(X, "'style' must be 'build' (Py_BuildValue) or "
                             "'parse' (PyArg_ParseTuple); got '" +
                                 S + "'");
                } else {
                  F.Resource = S;
                }
              });
          if (HaveArg && HaveStyle && !F.Resource.empty())
            FC.Format = F;
          else if (HaveArg && HaveStyle)
            error(V, "'format' of " + What + " needs 'resource'");
          else
            error(V, "'format' of " + What + " needs 'arg' and 'style'");
          return;
        }
        if (Key == "varargs") {
          if (std::optional<ArgEffect> AE =
                  parseArgEffect(V, "'varargs' of " + What)) {
            if (AE->Kind == ArgEffect::Acquires)
              error(V, "'varargs' of " + What +
                           " cannot acquire: name the argument instead");
            else
              FC.VarArgs = *AE;
          }
          return;
        }
        if (Key == "returns") {
          if (!expectMap(V, "'returns' of " + What))
            return;
          ReturnEffect RE;
          bool HaveKind = false;
          forEachEntry(V, "'returns' of " + What,
                       {"owned", "borrowed", "null_on_failure", "source"},
                       [&](const std::string &K, const YAML::Node &X,
                           const YAML::Node &KN) {
                         if (K == "source") {
                           index(X, "'source'", RE.SourceArg);
                           return;
                         }
                         if (K == "null_on_failure") {
                           std::string S;
                           if (!scalar(X, "'null_on_failure'", S))
                             return;
                           if (S != "true" && S != "false")
                             error(X,
                                   "'null_on_failure' must be true or false");
                           RE.NullOnFailure = S == "true";
                           return;
                         }
                         if (HaveKind) {
                           error(KN, "'returns' of " + What +
                                         " must be either owned or borrowed");
                           return;
                         }
                         HaveKind = true;
                         RE.Owned = K == "owned";
                         scalar(X, "'" + K + "'", RE.Resource);
                       });
          if (!HaveKind)
            error(V, "'returns' of " + What + " needs 'owned' or 'borrowed'");
          else
            FC.Returns = RE;
          return;
        }
        // args
        if (!expectMap(V, "'args' of " + What))
          return;
        forEachEntry(
            V, "'args' of " + What, {},
            [&](const std::string &K, const YAML::Node &X,
                const YAML::Node &KN) {
              unsigned Index;
              if (llvm::StringRef(K).getAsInteger(10, Index)) {
                error(KN, "argument index '" + K + "' of " + What +
                              " must be a non-negative integer (0 is the "
                              "first argument)");
                return;
              }
              std::string ArgWhat =
                  "argument " + std::to_string(Index) + " of " + What;
              if (std::optional<ArgEffect> AE = parseArgEffect(X, ArgWhat))
                FC.Args[Index] = *AE;
            });
      });
  if (FC.Failure && !FC.Success)
    error(FC.Loc, What + " has a 'failure' condition but no 'success' one");
  if (FC.Opens && FC.Opens->On != When::Always && !FC.successCondition())
    error(FC.Loc, "'opens' of " + What +
                      " has a 'when' but the function has no 'success' "
                      "condition");
  for (auto &[I, AE] : FC.Args)
    if (AE.On != When::Always && !FC.successCondition())
      error(FC.Loc, "argument " + std::to_string(I) + " of " + What +
                        " says 'when: " +
                        (AE.On == When::OnSuccess ? "success" : "failure") +
                        "' but the function has no 'success' condition");
  addFunction(std::move(FC));
}

std::optional<ArgEffect> Loader::parseArgEffect(const YAML::Node &X,
                                                const std::string &ArgWhat) {
  if (!expectMap(X, ArgWhat))
    return std::nullopt;
  ArgEffect AE;
  bool HaveKind = false;
  forEachEntry(
      X, ArgWhat,
      {"acquires", "releases", "consumes", "borrows", "keeps", "retains",
       "lends", "when", "source", "unless_arg", "null_with", "elements",
       "if_null"},
      [&](const std::string &EK, const YAML::Node &EV, const YAML::Node &EKN) {
        if (EK == "when") {
          parseWhen(EV, AE.On);
          return;
        }
        if (EK == "if_null") {
          boolean(EV, "'if_null'", AE.IfNull);
          return;
        }
        if (EK == "elements") {
          if (index(EV, "'elements'", AE.Elements) && AE.Elements < 1)
            error(EV, "'elements' must be at least 1");
          return;
        }
        if (EK == "source") {
          index(EV, "'source'", AE.SourceArg);
          return;
        }
        if (EK == "null_with") {
          index(EV, "'null_with'", AE.NullWith);
          return;
        }
        if (EK == "unless_arg") {
          // {3: 1}: no release when argument 3 is 1.
          if (!expectMap(EV, "'unless_arg' of " + ArgWhat) || EV.size() != 1) {
            if (EV.IsMap())
              error(EV, "'unless_arg' of " + ArgWhat +
                            " must have exactly one entry {argument: value}");
            return;
          }
          int Arg;
          std::string V;
          long long Val;
          auto E = *EV.begin();
          if (!index(E.first, "argument of 'unless_arg'", Arg) ||
              !scalar(E.second, "value of 'unless_arg'", V))
            return;
          if (llvm::StringRef(V).getAsInteger(0, Val)) {
            error(E.second,
                  "value of 'unless_arg' must be an integer; got '" + V + "'");
            return;
          }
          AE.Unless = std::make_pair(unsigned(Arg), int64_t(Val));
          return;
        }
        if (HaveKind) {
          error(EKN, ArgWhat + " has more than one effect");
          return;
        }
        HaveKind = true;
        AE.Kind = EK == "acquires"   ? ArgEffect::Acquires
                  : EK == "releases" ? ArgEffect::Releases
                  : EK == "consumes" ? ArgEffect::Consumes
                  : EK == "keeps"    ? ArgEffect::Escapes
                  : EK == "retains"  ? ArgEffect::Retains
                  : EK == "lends"    ? ArgEffect::Lends
                                     : ArgEffect::Borrows;
        scalar(EV, "'" + EK + "'", AE.Resource);
        // "any" stands for every resource.
        if (AE.Resource == "any")
          AE.Resource.clear();
      });
  if (!HaveKind) {
    error(X, ArgWhat + " needs one of: acquires, releases, consumes, "
                       "borrows, keeps, retains, lends");
    return std::nullopt;
  }
  if ((AE.Elements > 0 || AE.IfNull) && AE.Kind != ArgEffect::Acquires) {
    error(X, std::string(AE.IfNull ? "'if_null'" : "'elements'") + " of " +
                 ArgWhat + " goes with 'acquires' only");
    return std::nullopt;
  }
  return AE;
}

std::optional<TakeSpec> Loader::parseTake(const YAML::Node &N,
                                          const std::string &What) {
  if (!expectMap(N, What))
    return std::nullopt;
  TakeSpec T;
  T.Loc = loc(N);
  bool HaveTakes = false;
  forEachEntry(
      N, What, {"arg", "takes", "params"},
      [&](const std::string &K, const YAML::Node &X, const YAML::Node &) {
        if (K == "arg") {
          index(X, "'arg' of " + What, T.Arg);
        } else if (K == "params") {
          std::vector<std::string> Ps;
          if (stringList(X, "'params' of " + What, Ps))
            for (const std::string &P : Ps) {
              std::string Q;
              for (char C : P)
                if (!isspace(static_cast<unsigned char>(C)))
                  Q += C;
              T.Params.push_back(Q);
            }
        } else {
          std::string S;
          if (!scalar(X, "'takes' of " + What, S))
            return;
          HaveTakes = true;
          if (S == "steal")
            T.How = Takes::Steal;
          else if (S == "borrow")
            T.How = Takes::Borrow;
          else if (S == "new")
            T.How = Takes::New;
          else
            error(X, "'takes' of " + What +
                         " must be steal, borrow or new; got '" + S + "'" +
                         didYouMean(S, std::vector<std::string>{
                                           "steal", "borrow", "new"}));
        }
      });
  if (!HaveTakes) {
    error(N, What + " needs 'takes' (steal, borrow or new)");
    return std::nullopt;
  }
  if (T.How != Takes::New && T.Arg < 0) {
    error(N, What + " needs 'arg': the argument whose value it takes");
    return std::nullopt;
  }
  return T;
}

void Loader::loadType(const std::string &Name, const YAML::Node &N,
                      const LibraryContract &Lib, const YAML::Node &KeyNode) {
  std::string What = "type '" + Name + "'";
  if (!expectMap(N, What))
    return;
  WrapperType T;
  T.Name = Name;
  T.Library = Lib.Library;
  T.Loc = loc(KeyNode);
  bool HaveKind = false;
  std::vector<std::pair<std::string, TakeSpec>> Factories;
  forEachEntry(
      N, What,
      {"owns", "views", "constructors", "factories", "members", "copy"},
      [&](const std::string &Key, const YAML::Node &V, const YAML::Node &) {
        if (Key == "owns" || Key == "views") {
          if (HaveKind)
            error(V, What + " says both 'owns' and 'views'");
          HaveKind = true;
          T.Owns = Key == "owns";
          scalar(V, "'" + Key + "' of " + What, T.Resource);
        } else if (Key == "copy") {
          std::string S;
          if (!scalar(V, "'copy' of " + What, S))
            return;
          if (S == "retain" || S == "none")
            T.CopyRetains = S == "retain";
          else
            error(V, "'copy' of " + What + " must be retain or none; got '" +
                         S + "'");
        } else if (Key == "constructors") {
          if (!V.IsSequence()) {
            error(V, "'constructors' of " + What +
                         " must be a list of {arg: N, takes: steal|borrow}");
            return;
          }
          for (const auto &E : V)
            if (auto TS = parseTake(E, "a constructor of " + What))
              T.Constructors.push_back(*TS);
        } else if (Key == "factories") {
          if (!expectMap(V, "'factories' of " + What))
            return;
          forEachEntry(V, "'factories' of " + What, {},
                       [&](const std::string &F, const YAML::Node &X,
                           const YAML::Node &) {
                         if (auto TS = parseTake(X, "factory '" + F + "'"))
                           Factories.push_back({F, *TS});
                       });
        } else if (Key == "members") {
          if (!expectMap(V, "'members' of " + What))
            return;
          static const std::pair<const char *, MemberOp> Ops[] = {
              {"get", MemberOp::Get},
              {"release", MemberOp::Release},
              {"reset", MemberOp::Reset},
              {"retains", MemberOp::Retains},
              {"releases", MemberOp::Releases}};
          forEachEntry(V, "'members' of " + What, {},
                       [&](const std::string &M, const YAML::Node &X,
                           const YAML::Node &) {
                         std::string S;
                         if (!scalar(X, "member '" + M + "'", S))
                           return;
                         for (const auto &[OpName, Op] : Ops)
                           if (S == OpName) {
                             T.Members[M] = Op;
                             return;
                           }
                         error(X,
                               "member '" + M + "' of " + What +
                                   " must be get, release, reset, retains "
                                   "or releases; got '" +
                                   S + "'" +
                                   didYouMean(S, std::vector<std::string>{
                                                     "get", "release", "reset",
                                                     "retains", "releases"}));
                       });
        }
      });
  if (!HaveKind) {
    error(N, What + " needs 'owns: RESOURCE' (its destructor releases what "
                    "it holds) or 'views: RESOURCE' (it only refers to it)");
    return;
  }
  for (auto &[F, TS] : Factories) {
    std::string Key = ContractSet::functionKey(F);
    if (Set.Factories.count(Key)) {
      error(TS.Loc, "factory '" + F + "' is already declared for type '" +
                        Set.Factories[Key].Type + "'");
      continue;
    }
    Set.Factories[Key] = {Name, TS};
  }
  if (Set.Types.count(Name)) {
    error(T.Loc, "type '" + Name + "' is already declared at " +
                     Set.Types[Name].Loc.str());
    return;
  }
  Set.Types[Name] = std::move(T);
}

void Loader::addFunction(FunctionContract FC) {
  std::string Key = ContractSet::functionKey(FC.Name);
  auto It = Set.Functions.find(Key);
  if (It == Set.Functions.end()) {
    Set.Functions.try_emplace(Key, std::move(FC));
    return;
  }
  if (It->second.sameEffects(FC))
    return;
  // One library's entry may only add the lock effect to another's.
  auto LockOnly = [](const FunctionContract &C) {
    FunctionContract Bare;
    Bare.Lock = C.Lock;
    return C.Lock && C.sameEffects(Bare);
  };
  FunctionContract &Old = It->second;
  if (!Old.Lock && LockOnly(FC) && Old.Library != FC.Library) {
    Old.Lock = FC.Lock;
    Old.LockLibrary = FC.LockLibrary;
    return;
  }
  if (!FC.Lock && LockOnly(Old) && Old.Library != FC.Library) {
    FC.Lock = Old.Lock;
    FC.LockLibrary = Old.LockLibrary;
    Old = std::move(FC);
    return;
  }
  error(FC.Loc, "conflicting contract for function '" + FC.Name +
                    "': it is already declared differently at " +
                    It->second.Loc.str());
}

void Loader::loadDocument(const YAML::Node &Root, const std::string &Path) {
  if (Root.IsNull())
    return error(ContractLoc{CurFile, 1, 1}, "empty contract file");
  if (!expectMap(Root, "a contract file"))
    return;
  if (!Root["version"])
    error(Root, "missing key 'version' (this format is version 1)");
  if (!Root["library"])
    error(Root, "missing key 'library'");

  LibraryContract Lib;
  Lib.Path = Path;
  std::vector<std::pair<std::string, ContractLoc>> Includes;
  std::vector<std::pair<YAML::Node, YAML::Node>> Resources, Functions, Types;
  std::vector<std::pair<std::string, ContractLoc>> NonOwning;
  std::vector<DefaultReturn> Defaults;
  forEachEntry(
      Root, "a contract file",
      {"version", "library", "headers", "include", "resources", "functions",
       "non_owning", "non_owning_prefixes", "checks", "default_returns",
       "members_of", "entry_points", "lock", "fields", "types"},
      [&](const std::string &Key, const YAML::Node &V, const YAML::Node &) {
        if (Key == "version") {
          std::string S;
          if (scalar(V, "'version'", S) && S != "1")
            error(V, "unsupported contract version '" + S +
                         "' (this custody reads version 1)");
        } else if (Key == "library") {
          scalar(V, "'library'", Lib.Library);
        } else if (Key == "checks") {
          checksKey(V, Lib.Checks);
        } else if (Key == "entry_points") {
          if (!expectMap(V, "'entry_points'"))
            return;
          forEachEntry(V, "'entry_points'", {"prefixes", "names", "tables"},
                       [&](const std::string &K, const YAML::Node &X,
                           const YAML::Node &) {
                         stringList(X, "'" + K + "'",
                                    K == "prefixes" ? Lib.EntryPrefixes
                                    : K == "names"  ? Lib.EntryNames
                                                    : Lib.EntryTables);
                       });
        } else if (Key == "lock") {
          if (!expectMap(V, "'lock'"))
            return;
          forEachEntry(V, "'lock'", {"name", "prefixes", "runs_without"},
                       [&](const std::string &K, const YAML::Node &X,
                           const YAML::Node &) {
                         if (K == "name")
                           scalar(X, "'name'", Lib.LockName);
                         else
                           stringList(X, "'" + K + "'",
                                      K == "prefixes" ? Lib.LockPrefixes
                                                      : Lib.RunsWithoutLock);
                       });
          if (Lib.LockName.empty())
            error(V, "'lock' needs 'name' (the lock's name in messages)");
        } else if (Key == "default_returns") {
          if (V.IsScalar() && V.Scalar() == "none") {
            Lib.NoDefaultReturns = true;
            return;
          }
          if (!V.IsSequence()) {
            error(V, "'default_returns' must be 'none' or a list of "
                     "{type: T, owned|borrowed: R, null_on_failure: ...}");
            return;
          }
          for (const auto &E : V) {
            if (!expectMap(E, "an entry of 'default_returns'"))
              continue;
            DefaultReturn D;
            D.Loc = loc(E);
            bool HaveKind = false;
            forEachEntry(E, "an entry of 'default_returns'",
                         {"type", "owned", "borrowed", "null_on_failure"},
                         [&](const std::string &K, const YAML::Node &X,
                             const YAML::Node &) {
                           std::string S;
                           if (!scalar(X, "'" + K + "'", S))
                             return;
                           if (K == "type")
                             D.Type = S;
                           else if (K == "null_on_failure") {
                             if (S != "true" && S != "false")
                               error(X, "'null_on_failure' must be true or "
                                        "false");
                             D.Effect.NullOnFailure = S == "true";
                           } else {
                             HaveKind = true;
                             D.Effect.Owned = K == "owned";
                             D.Effect.Resource = S;
                           }
                         });
            if (D.Type.empty() || !HaveKind)
              error(E, "an entry of 'default_returns' needs 'type' and "
                       "'owned' or 'borrowed'");
            else
              Defaults.push_back(D);
          }
        } else if (Key == "headers") {
          stringList(V, "'headers'", Lib.Headers);
        } else if (Key == "members_of") {
          stringList(V, "'members_of'", Lib.MembersOf);
        } else if (Key == "non_owning_prefixes") {
          stringList(V, "'non_owning_prefixes'", Lib.NonOwningPrefixes);
        } else if (Key == "include") {
          std::vector<std::string> Files;
          if (stringList(V, "'include'", Files))
            for (auto &F : Files)
              Includes.push_back({F, loc(V)});
        } else if (Key == "fields") {
          // fields: {STRUCT: {FIELD: RESOURCE}}
          if (!expectMap(V, "'fields'"))
            return;
          for (auto It = V.begin(); It != V.end(); ++It) {
            std::string Record;
            if (!scalar(It->first, "struct name", Record) ||
                !expectMap(It->second, "the fields of '" + Record + "'"))
              continue;
            for (auto FI = It->second.begin(); FI != It->second.end(); ++FI) {
              OwningFieldDecl D;
              D.Record = Record;
              if (!scalar(FI->first, "field name", D.Field) ||
                  !scalar(FI->second, "the resource of field '" + D.Field + "'",
                          D.Resource))
                continue;
              D.Loc = loc(FI->second);
              Set.Fields.push_back(std::move(D));
            }
          }
        } else if (Key == "non_owning") {
          std::vector<std::string> Names;
          if (stringList(V, "'non_owning'", Names))
            for (auto &Name : Names)
              NonOwning.push_back({Name, loc(V)});
        } else if (Key == "resources" || Key == "functions" || Key == "types") {
          if (!expectMap(V, "'" + Key + "'"))
            return;
          for (auto It = V.begin(); It != V.end(); ++It)
            (Key == "resources"   ? Resources
             : Key == "functions" ? Functions
                                  : Types)
                .push_back({It->first, It->second});
        }
      });

  // Keys of 'resources', 'functions' and 'types' are checked for
  // duplicates here; forEachEntry is not used because an entry's value is
  // parsed later, once the library name is known.
  auto EachEntry = [&](auto &Entries, const char *What, auto Duplicate,
                       auto Load) {
    std::set<std::string> Seen;
    for (auto &[K, V] : Entries) {
      std::string Name;
      if (!scalar(K, What, Name))
        continue;
      if (!Seen.insert(Name).second)
        error(K, Duplicate(Name));
      else
        Load(Name, V, K);
    }
  };
  EachEntry(
      Resources, "resource name",
      [](const std::string &N) {
        return "duplicate key '" + N + "' in 'resources'";
      },
      [&](const std::string &N, const YAML::Node &V, const YAML::Node &K) {
        loadResource(N, V, Lib, K);
      });
  EachEntry(
      Functions, "function name",
      [](const std::string &N) {
        return "duplicate entry for function '" + N + "'";
      },
      [&](const std::string &N, const YAML::Node &V, const YAML::Node &K) {
        loadFunction(N, V, Lib, K);
      });
  EachEntry(
      Types, "type name",
      [](const std::string &N) {
        return "duplicate entry for type '" + N + "'";
      },
      [&](const std::string &N, const YAML::Node &V, const YAML::Node &K) {
        loadType(N, V, Lib, K);
      });
  for (auto &[Name, L] : NonOwning) {
    FunctionContract FC;
    FC.Name = Name;
    FC.Library = Lib.Library;
    FC.NonOwning = true;
    FC.Loc = L;
    addFunction(std::move(FC));
  }
  for (auto &FE : Set.Functions)
    if (FE.second.Library == Lib.Library) {
      if (!Lib.MembersOf.empty())
        FE.second.MemberOnly = true;
      if (!FE.second.RejectsNull.empty())
        Lib.RejectsNull = true;
    }
  for (DefaultReturn &D : Defaults) {
    D.Library = Lib.Library;
    Set.DefaultReturns.push_back(D);
  }
  Set.Libraries.push_back(Lib);

  for (auto &[File, L] : Includes) {
    llvm::SmallString<256> Full(File);
    if (!llvm::sys::path::is_absolute(Full)) {
      Full = llvm::sys::path::parent_path(Path);
      llvm::sys::path::append(Full, File);
    }
    loadFile(std::string(Full), &L);
  }
}

void Loader::loadFile(const std::string &Path,
                      const ContractLoc *IncludedFrom) {
  llvm::SmallString<256> Real;
  if (std::error_code EC = llvm::sys::fs::real_path(Path, Real)) {
    if (IncludedFrom)
      error(*IncludedFrom, "cannot open included contract file '" + Path +
                               "': " + EC.message());
    else
      error(ContractLoc{Path, 0, 0},
            "cannot open contract file: " + EC.message());
    return;
  }
  if (llvm::sys::fs::is_directory(Real)) {
    error(ContractLoc{Path, 0, 0},
          "cannot open contract file: it is a directory");
    return;
  }
  if (!Loaded.insert(std::string(Real)).second)
    return; // Already loaded (diamond or cyclic include).
  std::string Saved = CurFile;
  CurFile = Path;
  try {
    loadDocument(YAML::LoadFile(Path), Path);
  } catch (const YAML::Exception &E) {
    error(ContractLoc{Path, unsigned(E.mark.line + 1),
                      unsigned(E.mark.column + 1)},
          "invalid YAML: " + E.msg);
  }
  CurFile = Saved;
}

void Loader::loadText(const std::string &Text, const std::string &Name) {
  CurFile = Name;
  try {
    loadDocument(YAML::Load(Text), Name);
  } catch (const YAML::Exception &E) {
    error(ContractLoc{Name, unsigned(E.mark.line + 1),
                      unsigned(E.mark.column + 1)},
          "invalid YAML: " + E.msg);
  }
}

// Cross-file checks, once every file is in: every resource named exists, and
// each resource's 'release' list becomes "argument 0 releases it".
void Loader::finish() {
  for (auto &RE : Set.Resources) {
    Resource &R = RE.second;
    for (const std::string &F : R.Releasers) {
      auto It = Set.Functions.find(ContractSet::functionKey(F));
      if (It == Set.Functions.end()) {
        FunctionContract FC;
        FC.Name = F;
        FC.Library = R.Library;
        FC.Loc = R.Loc;
        FC.Args[0] = {ArgEffect::Releases, R.Name, When::Always};
        Set.Functions.try_emplace(F, std::move(FC));
        continue;
      }
      FunctionContract &FC = It->second;
      bool Found = false;
      for (auto &[I, AE] : FC.Args)
        if (AE.Kind == ArgEffect::Releases &&
            (AE.Resource == R.Name || AE.Resource.empty()))
          Found = true;
      if (Found)
        continue;
      if (FC.Args.count(0)) {
        error(FC.Loc,
              "function '" + F + "' is listed as a releaser of '" + R.Name +
                  "' at " + R.Loc.str() +
                  " but its argument 0 is declared with another effect");
        continue;
      }
      FC.NonOwning = false;
      FC.Args[0] = {ArgEffect::Releases, R.Name, When::Always};
    }
  }
  for (auto &RE : Set.Resources)
    for (const std::string &F : RE.second.Frees)
      if (!Set.Resources.count(F))
        error(RE.second.Loc, "resource '" + RE.second.Name + "' frees '" + F +
                                 "', which no contract defines" +
                                 didYouMean(F, resourceNames()));
  for (const OwningFieldDecl &F : Set.Fields)
    if (!Set.Resources.count(F.Resource))
      error(F.Loc, "field '" + F.Field + "' of '" + F.Record +
                       "' names resource '" + F.Resource +
                       "', which no contract defines" +
                       didYouMean(F.Resource, resourceNames()));
  for (const auto &TE : Set.Types)
    if (!Set.Resources.count(TE.second.Resource))
      error(TE.second.Loc, "type '" + TE.second.Name + "' names resource '" +
                               TE.second.Resource +
                               "', which no contract defines" +
                               didYouMean(TE.second.Resource, resourceNames()));
  for (const DefaultReturn &D : Set.DefaultReturns)
    if (!Set.Resources.count(D.Effect.Resource))
      error(D.Loc, "'default_returns' for type '" + D.Type +
                       "' names resource '" + D.Effect.Resource +
                       "', which no contract defines" +
                       didYouMean(D.Effect.Resource, resourceNames()));
  for (auto &FE : Set.Functions) {
    FunctionContract &FC = FE.second;
    if (FC.Lock && llvm::none_of(Set.Libraries, [&](const LibraryContract &L) {
          return L.Library == FC.LockLibrary && !L.LockName.empty();
        }))
      error(FC.Loc, "function '" + FC.Name + "' says 'lock' but its library '" +
                        FC.LockLibrary +
                        "' has no 'lock:' section naming the lock");
    auto Check = [&](const std::string &Res) {
      if (!Res.empty() && !Set.Resources.count(Res))
        error(FC.Loc, "function '" + FC.Name + "' names resource '" + Res +
                          "', which no contract defines" +
                          didYouMean(Res, resourceNames()));
    };
    if (FC.Returns)
      Check(FC.Returns->Resource);
    if (FC.Opens)
      Check(FC.Opens->Resource);
    Check(FC.Reserves);
    if (FC.Closes) {
      Check(FC.Closes->Resource);
      auto RI = Set.Resources.find(FC.Closes->Resource);
      if (RI != Set.Resources.end() &&
          !llvm::is_contained(RI->second.Releasers, FC.Name))
        RI->second.Releasers.push_back(FC.Name);
    }
    if (FC.Format)
      Check(FC.Format->Resource);
    for (auto &[I, AE] : FC.Args) {
      Check(AE.Resource);
      // Conditional releasers (realloc) are not named as "the" releaser.
      if (AE.Kind == ArgEffect::Releases && !AE.Resource.empty() &&
          AE.On == When::Always) {
        auto RI = Set.Resources.find(AE.Resource);
        if (RI != Set.Resources.end() &&
            !llvm::is_contained(RI->second.Releasers, FC.Name))
          RI->second.Releasers.push_back(FC.Name);
      }
    }
  }
}

} // namespace

bool custody::loadContractFile(const std::string &Path, ContractSet &Set,
                               std::vector<ContractError> &Errors) {
  Loader L(Set, Errors);
  L.loadFile(Path, nullptr);
  L.finish();
  return !L.failed();
}

bool custody::loadContractText(const std::string &Text, const std::string &Name,
                               ContractSet &Set,
                               std::vector<ContractError> &Errors) {
  Loader L(Set, Errors);
  L.loadText(Text, Name);
  L.finish();
  return !L.failed();
}

static std::string dirOfThisBinary() {
  Dl_info Info;
  if (dladdr(reinterpret_cast<void *>(&dirOfThisBinary), &Info) &&
      Info.dli_fname)
    return std::string(llvm::sys::path::parent_path(Info.dli_fname));
  return "";
}

std::string custody::builtinContractsDir() {
  if (const char *Env = getenv("CUSTODY_CONTRACTS_DIR"))
    return Env;
  // Installed layout: <prefix>/{bin,lib}/... and <prefix>/share/custody.
  std::string Self = dirOfThisBinary();
  if (!Self.empty()) {
    llvm::SmallString<256> P(Self);
    llvm::sys::path::append(P, "..", "share", "custody", "contracts");
    if (llvm::sys::fs::is_directory(P))
      return std::string(P);
  }
  return CUSTODY_SOURCE_CONTRACTS_DIR;
}

bool custody::headerIncluded(llvm::StringRef Header,
                             const std::vector<std::string> &Files) {
  for (const std::string &F : Files) {
    llvm::StringRef FR(F);
    // 'pybind11/detail/../pytypes.h' is 'pybind11/pytypes.h'.
    llvm::SmallString<256> Clean;
    if (FR.contains("/./") || FR.contains("/../")) {
      Clean = FR;
      llvm::sys::path::remove_dots(Clean, /*remove_dot_dot=*/true);
      FR = Clean;
    }
    // Whole path components: "curl/curl.h" matches
    // ".../include/x86_64-linux-gnu/curl/curl.h", not ".../libcurl/curl.h".
    if (FR == Header ||
        (FR.ends_with(Header) && FR.drop_back(Header.size()).ends_with("/")))
      return true;
  }
  return false;
}

namespace {
/// A built-in contract file and the headers it applies to, read with a
/// cheap scan of its top-level 'headers:' line so that the YAML of a library
/// the translation unit does not use is never parsed.
struct BuiltinFile {
  std::string Path;
  std::vector<std::string> Headers; // Empty: always loaded.
};
} // namespace

static std::vector<BuiltinFile>
scanBuiltins(std::vector<ContractError> &Errors) {
  std::vector<BuiltinFile> Out;
  std::string Dir = builtinContractsDir();
  std::error_code EC;
  for (llvm::sys::fs::directory_iterator I(Dir, EC), E; I != E && !EC;
       I.increment(EC))
    if (llvm::StringRef(I->path()).ends_with(".yaml"))
      Out.push_back({I->path(), {}});
  if (Out.empty()) {
    Errors.push_back({ContractLoc{Dir, 0, 0},
                      "no built-in contracts found here; set "
                      "CUSTODY_CONTRACTS_DIR to the folder that holds them"});
    return Out;
  }
  std::sort(Out.begin(), Out.end(),
            [](const BuiltinFile &A, const BuiltinFile &B) {
              return A.Path < B.Path;
            });
  for (BuiltinFile &F : Out) {
    auto Buf = llvm::MemoryBuffer::getFile(F.Path);
    if (!Buf)
      continue;
    llvm::SmallVector<llvm::StringRef, 64> Lines;
    (*Buf)->getBuffer().split(Lines, '\n');
    for (llvm::StringRef Line : Lines) {
      if (!Line.consume_front("headers:"))
        continue;
      Line = Line.split('#').first.trim();
      if (!Line.consume_front("[") || !Line.consume_back("]"))
        break; // Not the one-line form: load the file whatever the TU has.
      llvm::SmallVector<llvm::StringRef, 8> Items;
      Line.split(Items, ',', -1, false);
      for (llvm::StringRef Item : Items)
        F.Headers.push_back(Item.trim().trim("\"'").str());
      break;
    }
  }
  return Out;
}

std::shared_ptr<const ContractSet>
custody::loadContracts(const std::vector<std::string> &UserFiles,
                       bool WithBuiltins,
                       const std::vector<std::string> *IncludedFiles,
                       std::vector<ContractError> &Errors) {
  static std::mutex Mu;
  static std::map<
      std::vector<std::string>,
      std::pair<std::shared_ptr<const ContractSet>, std::vector<ContractError>>>
      Cache;
  static std::optional<std::vector<BuiltinFile>> Builtins;
  static std::vector<ContractError> BuiltinErrors;
  std::lock_guard<std::mutex> Lock(Mu);
  if (WithBuiltins && !Builtins)
    Builtins = scanBuiltins(BuiltinErrors);

  auto Load = [&](bool AllBuiltins, bool &SkippedAny) {
    std::vector<std::string> Files;
    SkippedAny = false;
    if (WithBuiltins)
      for (const BuiltinFile &B : *Builtins) {
        bool Needed = AllBuiltins || !IncludedFiles || B.Headers.empty() ||
                      llvm::any_of(B.Headers, [&](const std::string &H) {
                        return headerIncluded(H, *IncludedFiles);
                      });
        if (Needed)
          Files.push_back(B.Path);
        else
          SkippedAny = true;
      }
    Files.insert(Files.end(), UserFiles.begin(), UserFiles.end());
    auto It = Cache.find(Files);
    if (It != Cache.end())
      return It->second;
    auto Set = std::make_shared<ContractSet>();
    std::vector<ContractError> Errs;
    if (WithBuiltins)
      Errs = BuiltinErrors;
    Loader L(*Set, Errs);
    for (const auto &F : Files)
      L.loadFile(F, nullptr);
    L.finish();
    std::shared_ptr<const ContractSet> Result;
    if (!L.failed() && Errs.empty())
      Result = Set;
    return Cache[Files] = {Result, Errs};
  };
  bool Skipped = false;
  auto R = Load(false, Skipped);
  // A user contract may name a resource of a built-in library whose header
  // this file does not include: load them all before calling that an error.
  if (!R.first && Skipped)
    R = Load(true, Skipped);
  Errors.insert(Errors.end(), R.second.begin(), R.second.end());
  return R.first;
}

std::string custody::findProjectContract(const std::string &Dir) {
  llvm::SmallString<256> D(Dir);
  llvm::sys::fs::make_absolute(D);
  while (!D.empty()) {
    llvm::SmallString<256> P(D);
    llvm::sys::path::append(P, ".custody.yaml");
    if (llvm::sys::fs::exists(P))
      return std::string(P);
    llvm::StringRef Parent = llvm::sys::path::parent_path(D);
    if (Parent == D)
      break;
    D = Parent;
  }
  return "";
}
