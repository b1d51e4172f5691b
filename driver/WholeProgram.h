//===- WholeProgram.h - custody -p over the whole program -------*- C++ -*-===//
//
// With a compile database, every file of the program is analyzed with the
// summaries of the functions the others define (engine/SummaryStore.h).
// Files are run callees first, as far as their text tells (a function
// defined in one and called in another); a file whose callees' summaries
// change after it ran runs again, until nothing changes or a bound. Each
// file's results are kept in the store beside its summaries, so that a run
// on an unchanged tree parses nothing.
//
//===----------------------------------------------------------------------===//

#ifndef CUSTODY_DRIVER_WHOLEPROGRAM_H
#define CUSTODY_DRIVER_WHOLEPROGRAM_H

#include "SummaryStore.h"
#include "clang/Tooling/CompilationDatabase.h"
#include <functional>
#include <set>

namespace custody {

struct WholeProgramOptions {
  std::string StoreDir;
  /// Everything beside the file and its compile command that its results
  /// depend on (the options in force).
  std::string OptionsKey;
  unsigned Jobs = 1;
  unsigned MaxRounds = 4;
  bool Progress = false;
  /// Read nothing from the store (still write it).
  bool Fresh = false;
  /// Run only these files (a shard); the others' summaries are read from
  /// the store as they are. Empty: every file.
  std::set<std::string> Only;
};

/// Analyzes File with the summaries of Program.Index: fills Program's
/// Defined and Consulted, the files the results depend on (Deps: the
/// translation unit's files and the configuration files read) and the
/// results, as JSON. False when the file did not parse.
using AnalyzeFileFn = std::function<bool(
    const std::string &File, ProgramContext &Program,
    std::vector<std::string> &Deps, llvm::json::Value &Results)>;

struct WholeProgramStats {
  unsigned Files = 0;
  unsigned Reused = 0;    // Results taken from the store, file not parsed.
  unsigned Runs = 0;      // Files parsed and analyzed, counting re-runs.
  unsigned Rounds = 0;    // Rounds with at least one run.
  unsigned Unsettled = 0; // Files whose callees changed after the last round.
  unsigned StoreErrors = 0;
  std::vector<std::string> Notes;
};

/// Runs every file of Files (each once at least, unless the store holds
/// its results) and returns each file's results; the files that did not
/// parse are in Failed (sorted).
std::map<std::string, llvm::json::Value>
runWholeProgram(const clang::tooling::CompilationDatabase &DB,
                const std::vector<std::string> &Files,
                const WholeProgramOptions &Options, AnalyzeFileFn Analyze,
                WholeProgramStats &Stats, std::vector<std::string> &Failed);

/// A hash of Path's contents, as text ("-" if it cannot be read); each file
/// is read once per run.
std::string fileStamp(llvm::StringRef Path);

/// `custody summaries merge OUT DIR...`: argv[0] is "merge".
int mergeSummariesMain(int argc, const char **argv);

} // namespace custody

#endif
