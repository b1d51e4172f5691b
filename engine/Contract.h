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

#include "llvm/ADT/STLExtras.h"
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
  /// The check family its findings are reported under ('checks:' of the
  /// resource or of its contract file; empty: the generic contract-* checks).
  std::string Checks;
  /// Freed by the runtime when the function that made it returns (JNI local
  /// references): only lost in a loop, or while a region that suspends that
  /// (a thread attached by this code) is open, is it a leak.
  bool FreedOnReturn = false;
  /// While one is held, only the library's functions marked critical_safe
  /// may be called (JNI critical regions).
  bool Critical = false;
  /// A region that may be left open on purpose when no path of the function
  /// closes it (a thread attached for good).
  bool Persistent = false;
  /// Resources whose values, acquired while this region is open, the region's
  /// closing frees (PopLocalFrame, DetachCurrentThread free local references).
  std::vector<std::string> Frees;
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
  /// Releases: this argument must be the one the value was acquired from
  /// (ReleaseIntArrayElements(env, array, elems, mode): 'source: 1').
  int SourceArg = -1;
  /// Releases: no release when argument First is the constant Second
  /// (JNI_COMMIT copies back but keeps the buffer).
  std::optional<std::pair<unsigned, int64_t>> Unless;
  /// Acquires: the out-parameter is null whenever out-parameter NullWith of
  /// the same call is (PyErr_Fetch: no type, no value nor traceback).
  int NullWith = -1;
  /// Acquires: the argument is an array whose first Elements slots each get
  /// one ('pipe(fds)': 2); 0 for a pointer to a single out-parameter.
  int Elements = 0;
  /// Acquires: only when the out-parameter holds null; otherwise the call
  /// adds to what it holds (curl_formadd's list).
  bool IfNull = false;
  bool operator==(const ArgEffect &O) const {
    return Kind == O.Kind && Resource == O.Resource && On == O.On &&
           SourceArg == O.SourceArg && Unless == O.Unless &&
           NullWith == O.NullWith && Elements == O.Elements &&
           IfNull == O.IfNull;
  }
};

struct ReturnEffect {
  bool Owned = true; // Otherwise borrowed.
  std::string Resource;
  bool NullOnFailure = false;
  /// The argument the value is taken from (the array of
  /// GetIntArrayElements), checked against its releaser's 'source'.
  int SourceArg = -1;
  bool operator==(const ReturnEffect &O) const {
    return Owned == O.Owned && Resource == O.Resource &&
           NullOnFailure == O.NullOnFailure && SourceArg == O.SourceArg;
  }
};

/// A call that opens or closes a region not held in any variable: a monitor,
/// a local frame, an attached thread. 'Key' names the argument that tells
/// regions of one resource apart (the monitor's object).
struct RegionEffect {
  std::string Resource;
  bool Borrowed = false; // Opened by someone else (GetEnv found it attached).
  int KeyArg = -1;
  When On = When::Always;
  bool operator==(const RegionEffect &O) const {
    return Resource == O.Resource && Borrowed == O.Borrowed &&
           KeyArg == O.KeyArg && On == O.On;
  }
};

/// When a call may leave an exception pending.
enum class Throws : uint8_t { Never, OnFailure, Always };

/// What a call needs or does to an interpreter lock (CPython's GIL).
enum class LockEffect : uint8_t {
  Needs,      // The default for a library with a lock: call only holding it.
  Free,       // Safe to call without it.
  Check,      // PyGILState_Check: held where it succeeds, not where it fails.
  Ensure,     // PyGILState_Ensure: held after; returns a token.
  EnsureUndo, // PyGILState_Release: back to what it was before the Ensure.
  Save,       // PyEval_SaveThread: released after; returns a token.
  Restore,    // PyEval_RestoreThread: held after.
  Acquire,    // PyEval_AcquireThread, Py_Initialize: held after.
  Release     // PyEval_ReleaseThread: released after.
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

/// A summary's store of an owned value into a field of an argument (an init
/// helper filling 's->ref'): the caller's object owns it after the call.
struct FieldStoreEffect {
  unsigned Arg = 0;
  const void *Field = nullptr; // The clang::FieldDecl.
  std::string FieldName;       // Its name, for callers in other files.
  std::string Resource;
  When On = When::Always;
  bool operator==(const FieldStoreEffect &O) const {
    return Arg == O.Arg && Field == O.Field && Resource == O.Resource &&
           On == O.On;
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
  std::optional<RegionEffect> Opens, Closes;
  enum Throws Throws = Throws::Never;
  /// May be called with an exception pending.
  bool ExceptionSafe = false;
  /// Tells the caller whether an exception is pending (ExceptionCheck).
  bool ChecksException = false;
  /// Its only failure is running out of memory ('fails_only_on_oom'):
  /// always, or when argument OomArg is a string literal starting with
  /// OomPrefix (FindClass of a "java/" class).
  bool OomOnly = false;
  int OomArg = -1;
  std::string OomPrefix;
  /// Its result must be looked at: it reports a failure nothing else shows.
  bool MustCheck = false;
  /// Parameters that must not be null ('rejects_null'): a result that may
  /// be NULL must be tested before it is passed there.
  std::vector<unsigned> RejectsNull;
  /// Parameters whose null makes the call fail ('fails_on_null'):
  /// PyModule_AddObjectRef returns -1 for the NULL of a failed constructor.
  std::vector<unsigned> FailsOnNull;
  /// The parameters whose product is the size in bytes of what it hands out
  /// ('size': malloc's 0, calloc's [0, 1]); custody trace sums them per
  /// stack. Not an effect on ownership: sameEffects leaves it out.
  std::vector<unsigned> SizeArgs;
  /// Its failure sets its library's error indicator ('raises_on_failure'):
  /// false for PyIter_Next, whose NULL at the end of the iteration is not an
  /// error.
  bool RaisesOnFailure = true;
  /// What a success returns is always an object of this type, or of a
  /// subtype ('result_type': PyObject_Str returns a str).
  std::string ResultType;
  /// A truth test of whether argument 0 is an object of this type, or of a
  /// subtype ('tests_type': PyUnicode_Check).
  std::string TestsType;
  /// May be called inside a critical region of its library.
  bool CriticalSafe = false;
  std::optional<LockEffect> Lock;
  /// The result points into the storage of this argument (PyBytes_AsString,
  /// GetDirectBufferAddress): it is valid as long as that value is.
  int Interior = -1;
  /// Summaries only: owned values stored into fields of arguments.
  std::vector<FieldStoreEffect> FieldStores;
  /// Its success leaves room for more values of this resource, so a loop
  /// after it does not pile them up (EnsureLocalCapacity).
  std::string Reserves;
  /// The library whose 'lock:' section Lock is about (an entry that only says
  /// 'lock' adds to another library's entry for the same function).
  std::string LockLibrary;
  /// The check family of its library ('checks:').
  std::string Checks;
  ContractLoc Loc;

  bool sameEffects(const FunctionContract &O) const {
    return Returns == O.Returns && Args == O.Args && VarArgs == O.VarArgs &&
           Format == O.Format && Success == O.Success && Failure == O.Failure &&
           NonOwning == O.NonOwning && Opens == O.Opens && Closes == O.Closes &&
           Throws == O.Throws && ExceptionSafe == O.ExceptionSafe &&
           ChecksException == O.ChecksException && MustCheck == O.MustCheck &&
           CriticalSafe == O.CriticalSafe && Lock == O.Lock &&
           Reserves == O.Reserves && Interior == O.Interior &&
           FieldStores == O.FieldStores && OomOnly == O.OomOnly &&
           OomArg == O.OomArg && OomPrefix == O.OomPrefix &&
           RejectsNull == O.RejectsNull && FailsOnNull == O.FailsOnNull &&
           RaisesOnFailure == O.RaisesOnFailure && ResultType == O.ResultType &&
           TestsType == O.TestsType;
  }
  /// The success condition in force: the declared one, or "nonnull" for a
  /// function whose owned result is NULL on failure.
  std::optional<Condition> successCondition() const;
  bool rejectsNull(unsigned Param) const {
    return llvm::is_contained(RejectsNull, Param);
  }
};

/// How an RAII object comes to hold a value ('takes' in a contract).
enum class Takes : uint8_t {
  Steal,  // Takes over the caller's reference.
  Borrow, // Takes a reference of its own (the value gains one).
  New     // Holds a new value the call made.
};

/// A constructor or factory of an RAII type that takes a value.
struct TakeSpec {
  int Arg = -1; // The parameter whose value it takes; -1 for Takes::New.
  Takes How = Takes::Steal;
  /// The constructor's parameter types, spaces removed (empty: any).
  std::vector<std::string> Params;
  ContractLoc Loc;
};

/// What a member function of an RAII type does to what the object holds.
enum class MemberOp : uint8_t {
  Get,     // Returns the held value, lent.
  Release, // Returns the held value, now the caller's; the object is empty.
  Reset,   // Releases the held value; an argument is then taken over.
  Retains, // The held value gains a reference (inc_ref).
  Releases // The held value loses a reference (dec_ref).
};

/// A C++ class that holds a value of a resource ('types:'): an owner whose
/// destructor releases it, or a view that only refers to it.
struct WrapperType {
  std::string Name; // Qualified, without template arguments.
  std::string Resource;
  bool Owns = true;
  /// A copy of an owner holds a reference of its own.
  bool CopyRetains = true;
  std::vector<TakeSpec> Constructors;
  std::map<std::string, MemberOp> Members;
  std::string Library;
  ContractLoc Loc;
};

/// A function that returns a new object of an RAII type ('factories').
struct WrapperFactory {
  std::string Type; // The WrapperType's name.
  TakeSpec Spec;
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
  /// Some of its functions say which arguments reject NULL ('rejects_null').
  bool RejectsNull = false;
  /// Function tables whose members this contract's functions are ('members_of':
  /// JNINativeInterface_, JNIEnv_ ...).
  std::vector<std::string> MembersOf;
  /// Functions another runtime calls into ('entry_points'): by name prefix,
  /// by name, or by being stored in a table of this struct type.
  std::vector<std::string> EntryPrefixes, EntryNames, EntryTables;
  /// 'lock:' the library has an interpreter lock its functions need, unless
  /// marked otherwise: functions with these name prefixes need it.
  std::vector<std::string> LockPrefixes;
  std::string LockName;
  /// Functions (or function pointer typedefs, or 'function:N' for the
  /// callback passed as argument N) that run without the lock.
  std::vector<std::string> RunsWithoutLock;
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

/// A struct field that owns values of a resource ('fields:'): its object's
/// destroy function must release what it holds.
struct OwningFieldDecl {
  std::string Record; // The struct's tag or typedef name.
  std::string Field;
  std::string Resource;
  ContractLoc Loc;
};

class ContractSet {
public:
  std::vector<LibraryContract> Libraries;
  std::vector<OwningFieldDecl> Fields;
  std::vector<DefaultReturn> DefaultReturns;
  /// A contract in force said 'default_returns: none'.
  bool DefaultReturnsOff = false;
  llvm::StringMap<Resource> Resources;
  llvm::StringMap<FunctionContract> Functions;
  /// RAII types by qualified name, and their factories by function name.
  llvm::StringMap<WrapperType> Types;
  llvm::StringMap<WrapperFactory> Factories;

  const FunctionContract *lookup(llvm::StringRef Name) const;
  /// The key a C++ name is filed under: an overload's parameter list loses
  /// its spaces ('f(const char *)' is 'f(constchar*)').
  static std::string functionKey(llvm::StringRef Name);
  /// The contract of member Name of the function table Record, if a library
  /// in force names that table.
  const FunctionContract *lookupMember(llvm::StringRef Record,
                                       llvm::StringRef Name) const;
  const Resource *resource(llvm::StringRef Name) const;
  /// True if a library in the set says its unlisted functions with this
  /// prefix only use their arguments.
  bool isNonOwningByPrefix(llvm::StringRef Name) const;
  /// True if a library of check family Family ('checks:') says of some
  /// function which arguments reject NULL: the family takes a stance on
  /// nulls.
  bool rejectsNullIn(llvm::StringRef Family) const;
  /// The subset that applies to a TU including these files.
  std::shared_ptr<ContractSet>
  activeFor(const std::vector<std::string> &IncludedFiles) const;
};

} // namespace custody

#endif
