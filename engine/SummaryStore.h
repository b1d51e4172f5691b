//===- SummaryStore.h - Summaries of the whole program, on disk -*- C++ -*-===//
//
// What each function defined anywhere in the program does to ownership, as
// its callers in other translation units see it, keyed by the function's
// USR. `custody -p` computes them file by file (driver/WholeProgram.cpp) and
// keeps them in a store: a directory with one JSON file per translation
// unit, which the clang-tidy plugin reads too. A store written by another
// version of custody is never trusted.
//
//===----------------------------------------------------------------------===//

#ifndef CUSTODY_ENGINE_SUMMARYSTORE_H
#define CUSTODY_ENGINE_SUMMARYSTORE_H

#include "Contract.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/JSON.h"
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace clang {
class Decl;
}

namespace custody {

/// Bumped whenever what a summary says, or how it is written, changes.
constexpr int SummaryFormat = 3;

/// One function defined in the program, as callers elsewhere see it.
struct StoredSummary {
  std::string USR;
  std::string Name; // Qualified, for messages and `contracts export`.
  std::string File; // Where it is defined (absolute), line and column.
  unsigned Line = 0, Column = 0;
  /// Its parameters: an argument the summary says nothing of is unknown.
  unsigned Params = 0;
  bool Variadic = false;
  /// Null: defined, but its analysis found nothing callers can rely on, so
  /// they treat it as unknown (never by a contract's convention).
  std::shared_ptr<const FunctionContract> Contract;
  /// Callers must hold the interpreter lock: it calls NeedsLockFn.
  std::string NeedsLock, NeedsLockFn;
  /// What calling it does to the lock, when every exit agrees.
  std::optional<LockEffect> LockSummary;
};

llvm::json::Value toJSON(const StoredSummary &S);
bool fromJSON(const llvm::json::Value &V, StoredSummary &S);

/// The summaries a translation unit's analysis may use for functions it
/// declares but does not define.
class SummaryIndex {
public:
  /// Read here; changed only through put() and erase().
  llvm::StringMap<StoredSummary> ByUSR;
  const StoredSummary *lookup(llvm::StringRef USR) const {
    auto It = ByUSR.find(USR);
    return It == ByUSR.end() ? nullptr : &It->second;
  }
  /// Adds S, or replaces the summary of its USR.
  void put(StoredSummary S);
  void erase(llvm::StringRef USR);
  /// What a caller of USR depends on, as text: equal texts mean the same
  /// effects at every call ("-" when the program does not define it).
  llvm::StringRef fingerprint(llvm::StringRef USR) const;

private:
  /// Each summary's fingerprint, made once when it is put: runs compare
  /// them for every file after every round.
  llvm::StringMap<std::string> Prints;
};

/// A translation unit's part of the whole-program analysis: the index it
/// reads and, after its analysis, what it adds and what it looked up.
struct ProgramContext {
  std::shared_ptr<const SummaryIndex> Index; // May be null.
  std::vector<StoredSummary> Defined;
  std::set<std::string> Consulted;
};

/// The USR of a declaration ("" when Clang cannot make one).
std::string usrOf(const clang::Decl *D);

/// The version a store must have been written by to be read: custody's
/// release and the summary format.
std::string storeVersion();

/// One translation unit's file in the store.
struct StoreEntry {
  std::string Version;
  std::string File; // The main file, absolute.
  /// What its results depend on beside its callees' summaries: its text,
  /// its compile command, the contracts and options in force, custody.
  std::string Key;
  /// Each file of the translation unit with its size and time, to tell when
  /// a header changed.
  std::vector<std::pair<std::string, std::string>> Deps;
  /// The fingerprint of every summary it looked up, when it was analyzed.
  std::map<std::string, std::string> Inputs;
  std::vector<StoredSummary> Summaries;
  /// The front end's findings and messages for this file, kept as written.
  llvm::json::Value Results = nullptr;
};

llvm::json::Value toJSON(const StoreEntry &E);
bool fromJSON(const llvm::json::Value &V, StoreEntry &E, std::string &Error);

/// The store's file for the translation unit of main file File.
std::string entryPath(llvm::StringRef StoreDir, llvm::StringRef File);

/// Reads one entry; false with Error set when it is missing or unreadable.
bool readEntry(llvm::StringRef Path, StoreEntry &E, std::string &Error);
bool writeEntry(llvm::StringRef Path, const StoreEntry &E, std::string &Error);

/// Every summary of a store (for the plugin and `contracts export`).
/// Entries written by another version are skipped and counted in Stale;
/// null, with Error set, when Dir is not a store.
std::shared_ptr<const SummaryIndex>
loadStore(llvm::StringRef Dir, unsigned &Stale, std::string &Error);

} // namespace custody

#endif
