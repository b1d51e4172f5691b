//===- Trace.h - custody trace: contracts watching a running process -*- C++
//-*-===//
//
// `custody trace [OPTIONS] -- COMMAND ARGS...` generates typed interposers
// for the contracted functions of the libraries in force (from their
// headers, parsed with Clang), builds them with the runtime in runtime/ into
// a library preloaded into COMMAND, and reports the resources still live when
// the process exits or receives a signal. docs/runtime.md describes it.
//
// Trace.cpp: options, the header's declarations, the generated C, the build
// and the run. TraceReport.cpp: the runtime's dumps, symbolized and grouped
// by acquisition stack, matched with static findings, as text, JSON and
// SARIF; the stack handling there is shared with Triage.cpp (`custody
// triage`: heap profiles of jemalloc and gperftools, read the same way).
//
//===----------------------------------------------------------------------===//

#ifndef CUSTODY_DRIVER_TRACE_H
#define CUSTODY_DRIVER_TRACE_H

#include "Contract.h"
#include "Report.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace custody {

/// `custody trace ...`: argv[0] is "trace".
int traceMain(int argc, const char **argv);

/// `custody triage --heap-profile FILE ...`: argv[0] is "triage"
/// (Triage.cpp).
int triageMain(int argc, const char **argv);

/// A contracted function the tracer does not interpose, and why.
struct NotTraced {
  std::string Function, Library, Reason;
};

/// One frame of an acquisition stack, symbolized when debug information
/// allows.
struct TraceFrame {
  std::string Module;
  uint64_t Offset = 0; // in the module, as a symbolizer takes it
  std::string Function, File;
  unsigned Line = 0, Column = 0;
};

/// Live resources with the same kind, acquiring function and stack.
struct LiveGroup {
  std::string Check;    // runtime-leak, runtime-gil-unbalanced
  std::string Resource; // the contract's resource name
  std::string Description;
  std::string Function; // the acquiring function
  std::string Releasers;
  unsigned Count = 0;
  /// The sum of their sizes, when the contract gives one ('size').
  uint64_t Bytes = 0;
  bool Sized = false;
  std::vector<unsigned> Pids;
  std::string Thread; // per-thread balances: "12345 'worker'"
  std::vector<TraceFrame> Stack;
  /// The static finding whose acquisition site is on the stack.
  bool Confirmed = false;
  std::string StaticCheck, StaticMessage, StaticFile;
  unsigned StaticLine = 0, StaticColumn = 0;
};

/// One report: at a process's exit (all exited processes together), or at a
/// signal (one process's snapshot).
struct TraceReport {
  std::string Event; // "exit" or "signal"
  unsigned Pid = 0, Snapshot = 0;
  std::vector<LiveGroup> Groups;
};

/// A static finding read from custody's JSON output: its check, message,
/// location and acquisition site.
struct StaticFinding {
  std::string Check, Message, File, SiteFile;
  unsigned Line = 0, Column = 0, SiteLine = 0;
  bool Seen = false;
};

/// What the reports need to know of the contracts and the run.
struct ReportContext {
  const ContractSet *Contracts = nullptr;
  std::string PreloadPath; // frames in it are the tracer's own
  std::string SignalName;  // "SIGUSR1"
  std::vector<StaticFinding> *Findings = nullptr;
};

/// Where a loaded object's segment is: the addresses in [Start, End) are
/// Bias plus an address of the object at Path.
struct Segment {
  uint64_t Bias = 0, Start = 0, End = 0;
  std::string Path;
};

/// A stack as (object, address in it) pairs, innermost first.
using RawStack = std::vector<std::pair<std::string, uint64_t>>;

/// The real path of P, or P.
std::string normalPath(llvm::StringRef P);

/// "file:line:column", or "object+0xoffset" without debug information.
std::string frameLocation(const TraceFrame &F);

/// Return addresses (hexadecimal, separated by spaces) mapped to their
/// objects; the stack ends at the first address in none.
RawStack mapStack(llvm::StringRef Addresses,
                  const std::vector<Segment> &Segments);

/// The frames of a raw stack symbolized (inlined frames included; cached),
/// up to main or to the last frame with a source location.
std::vector<TraceFrame> symbolizeStack(const RawStack &Raw);

/// The static finding whose acquisition site is on Stack, the one nearest
/// the acquisition; every finding at that site is marked Seen.
const StaticFinding *findingOnStack(const std::vector<TraceFrame> &Stack,
                                    std::vector<StaticFinding> &Findings);

/// The frame a stack is reported at: the first with a source location.
size_t siteFrame(const std::vector<TraceFrame> &Stack);

/// The stack as notes around its site frame: "'Callee' called here" for the
/// library frames before it, then each caller after it.
std::vector<std::pair<const TraceFrame *, std::string>>
stackNotes(const std::vector<TraceFrame> &Stack, llvm::StringRef Callee);
void printStackNotes(llvm::raw_ostream &OS,
                     const std::vector<TraceFrame> &Stack,
                     llvm::StringRef Callee);

/// A frame in JSON: module, offset and, when symbolized, function, file,
/// line and column.
llvm::json::Value frameJson(const TraceFrame &F);

/// A static finding in JSON: check, message and location.
llvm::json::Value staticFindingJson(const StaticFinding &F);

/// A frame as a location of SARIF (with its source line, for fingerprints).
PrintedLoc printedLoc(const TraceFrame &F);

/// The SARIF rules of custody trace's and custody triage's checks.
std::vector<SarifRule> runtimeRules();

/// A SARIF log of runtime findings, with paths relative to the current
/// directory.
void writeRuntimeSarif(llvm::raw_ostream &OS,
                       const std::set<PrintedFinding> &Findings);

/// Reads the runtime's dumps (Paths: one process's snapshot, or every
/// process's exit file), symbolizes and groups them.
TraceReport readReport(const std::vector<std::string> &Paths,
                       const ReportContext &Ctx, std::string &Error);

/// Reads custody's JSON findings. False, with Error, when the file is not
/// such a list.
bool readStaticFindings(const std::string &Path,
                        std::vector<StaticFinding> &Out, std::string &Error);

/// custody's diagnostic format: a warning per group at its acquisition site,
/// the stack as notes, the static finding it confirms (or the gap).
void printReportText(llvm::raw_ostream &OS, const TraceReport &R,
                     const ReportContext &Ctx);

/// The whole run as one JSON document.
void printReportsJson(llvm::raw_ostream &OS,
                      const std::vector<TraceReport> &Reports,
                      const std::vector<NotTraced> &Skipped,
                      const std::vector<std::string> &Traced,
                      const ReportContext &Ctx, int CommandStatus);

/// The reports as SARIF: a result per live group, its stack and the static
/// finding it confirms as notes.
void printReportsSarif(llvm::raw_ostream &OS,
                       const std::vector<TraceReport> &Reports,
                       const ReportContext &Ctx);

} // namespace custody

#endif
