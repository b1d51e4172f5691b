//===- Contract.h - The in-memory ownership contract model ------*- C++ -*-===//
//
// A contract says, for one C library, which kinds of resources exist, how each
// is released, and what every function does to ownership: acquire (through the
// return value or an out-parameter), borrow, consume (ownership moves into the
// callee) or release. The YAML format is documented in docs/contracts.md; the
// loader in ContractLoader.cpp is the only place that knows that syntax.
//
//===----------------------------------------------------------------------===//

#ifndef CUSTODY_ENGINE_CONTRACT_H
#define CUSTODY_ENGINE_CONTRACT_H

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace custody {

/// Where something was written in a contract file (1-based line and column).
struct ContractLoc {
  std::string File;
  unsigned Line = 0;
  unsigned Column = 0;
  std::string str() const;
};

struct Resource {
  std::string Name;
  std::string
      Description; // Human words used in messages ("sqlite3 statement").
  std::string Library;
  std::vector<std::string> Releasers;
  /// Whether the releasers accept NULL (free(NULL) is fine, fclose(NULL) not).
  bool NullReleaseOk = true;
  /// The check family its findings are reported under ('checks:' of its
  /// contract file; empty: the generic contract-* checks).
  std::string Checks;
  ContractLoc Loc;
};

/// A comparison of an integer or pointer result with a constant: the success
/// condition of a call ("== 0", "> 0", "nonnull").
struct Condition {
  enum OpKind { EQ, NE, LT, LE, GT, GE };
  OpKind Op = EQ;
  int64_t Value = 0;
  bool operator==(const Condition &O) const {
    return Op == O.Op && Value == O.Value;
  }
  Condition negate() const;
  std::string str() const;
};

/// When an effect of a call takes place.
enum class When { Always, OnSuccess, OnFailure };

struct ArgEffect {
  /// Escapes ("keeps" in YAML): the callee keeps a reference and who
  /// releases the value is no longer this function's business; summaries
  /// use it for an argument the callee may store.
  /// Retains: the call adds a reference the caller now owns (X509_up_ref,
  /// Py_INCREF): a borrowed value becomes owned, an owned one needs one more
  /// release.
  /// Lends: an out-parameter receives a borrowed value (PyArg_ParseTuple's
  /// "O" outputs).
  enum KindTy {
    Acquires,
    Releases,
    Consumes,
    Borrows,
    Escapes,
    Retains,
    Lends
  };
  KindTy Kind = Borrows;
  std::string Resource; // Empty for Releases/Consumes means "any resource".
  When On = When::Always;
  bool operator==(const ArgEffect &O) const {
    return Kind == O.Kind && Resource == O.Resource && On == O.On;
  }
};

struct ReturnEffect {
  bool Owned = true; // Otherwise borrowed.
  std::string Resource;
  bool NullOnFailure = false;
  bool operator==(const ReturnEffect &O) const {
    return Owned == O.Owned && Resource == O.Resource &&
           NullOnFailure == O.NullOnFailure;
  }
};

/// How a format-string argument describes the variadic arguments.
enum class FormatStyle { Build, Parse };

struct FormatSpec {
  unsigned Arg = 0; // The format string's argument index.
  FormatStyle Style = FormatStyle::Build;
  std::string Resource;
  bool operator==(const FormatSpec &O) const {
    return Arg == O.Arg && Style == O.Style && Resource == O.Resource;
  }
};

struct FunctionContract {
  std::string Name;
  std::string Library;
  std::optional<ReturnEffect> Returns;
  std::map<unsigned, ArgEffect> Args;
  /// The effect on every argument of the variadic part ('...').
  std::optional<ArgEffect> VarArgs;
  /// A format string that says what happens to each variadic argument; it
  /// wins over VarArgs when the call's format is a literal.
  std::optional<FormatSpec> Format;
  std::optional<Condition> Success;
  /// What the result is on failure, when narrower than "not a success"
  /// (PyModule_AddObject: 0 or -1).
  std::optional<Condition> Failure;
  /// Set for functions known to use their arguments without keeping them.
  bool NonOwning = false;
  /// Inferred from the function's body rather than written in a contract.
  bool IsSummary = false;
  /// Made from a contract's 'default_returns' for a function it does not
  /// name.
  bool IsConventional = false;
  /// A member of a function table ('members_of'): never a free function.
  bool MemberOnly = false;
  ContractLoc Loc;

  bool sameEffects(const FunctionContract &O) const {
    return Returns == O.Returns && Args == O.Args && VarArgs == O.VarArgs &&
           Format == O.Format && Success == O.Success && Failure == O.Failure &&
           NonOwning == O.NonOwning;
  }
  /// The success condition in force: the declared one, or "nonnull" for a
  /// function whose owned result is NULL on failure.
  std::optional<Condition> successCondition() const;
};

/// One library's contract (one YAML file plus what it includes).
struct LibraryContract {
  std::string Library;
  std::string Path;
  /// Built-in contracts apply when one of these headers is part of the
  /// translation unit. Empty means "always".
  std::vector<std::string> Headers;
  std::vector<std::string> NonOwningPrefixes;
  std::string Checks;
  /// 'default_returns: none': no default for functions without contracts.
  bool NoDefaultReturns = false;
  /// Function tables whose members this contract's functions are ('members_of':
  /// JNINativeInterface_, JNIEnv_ ...).
  std::vector<std::string> MembersOf;
};

/// Every contract in force for one translation unit.
/// What a function without a contract or a body returns, by the type it
/// returns ("PyObject": CPython's convention of a new reference or NULL).
struct DefaultReturn {
  std::string Type;
  ReturnEffect Effect;
  std::string Library;
  ContractLoc Loc;
};

class ContractSet {
public:
  std::vector<LibraryContract> Libraries;
  std::vector<DefaultReturn> DefaultReturns;
  /// A contract in force said 'default_returns: none'.
  bool DefaultReturnsOff = false;
  llvm::StringMap<Resource> Resources;
  llvm::StringMap<FunctionContract> Functions;

  const FunctionContract *lookup(llvm::StringRef Name) const;
  /// The contract of member Name of the function table Record, if a library
  /// in force names that table.
  const FunctionContract *lookupMember(llvm::StringRef Record,
                                       llvm::StringRef Name) const;
  const Resource *resource(llvm::StringRef Name) const;
  /// True if a library in the set says its unlisted functions with this
  /// prefix only use their arguments.
  bool isNonOwningByPrefix(llvm::StringRef Name) const;
  /// The subset that applies to a TU including these files.
  std::shared_ptr<ContractSet>
  activeFor(const std::vector<std::string> &IncludedFiles) const;
};

} // namespace custody

#endif
