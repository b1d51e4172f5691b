//===- Report.h - Findings as the CLI prints them ---------------*- C++ -*-===//

#ifndef CUSTODY_DRIVER_REPORT_H
#define CUSTODY_DRIVER_REPORT_H

#include "llvm/Support/raw_ostream.h"
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace custody {

/// A finding turned into plain text while its SourceManager is alive.
struct PrintedLoc {
  /// The file name as the compiler saw it (as named on the command line or
  /// in the compile database).
  std::string File;
  /// The same file made absolute against the compile command's directory.
  std::string AbsFile;
  unsigned Line = 0, Column = 0; // Column counts bytes, as Clang's do.
  /// The last byte's column of the code underlined from Column, on the same
  /// line (inclusive); 0 when nothing is underlined.
  unsigned EndColumn = 0;
  std::string SourceLine;
};
struct PrintedNote {
  PrintedLoc Loc;
  std::string Message;
};
struct PrintedFinding {
  PrintedLoc Loc;
  std::string Check, Message;
  std::vector<PrintedNote> Notes;
  bool operator<(const PrintedFinding &O) const {
    return std::tie(Loc.File, Loc.Line, Loc.Column, Check, Message) <
           std::tie(O.Loc.File, O.Loc.Line, O.Loc.Column, O.Check, O.Message);
  }
};

/// Something the run has to say about itself rather than about the code: a
/// file that did not parse, a function whose analysis was cut short. SARIF
/// writes them as the invocation's toolExecutionNotifications.
struct Notice {
  enum LevelKind { Note, Warning, Error };
  LevelKind Level = Note;
  PrintedLoc Loc; // File only (Line 0) when it is about a whole file.
  std::string Message;
  bool operator<(const Notice &O) const {
    return std::tie(Loc.File, Loc.Line, Loc.Column, Message, Level) <
           std::tie(O.Loc.File, O.Loc.Line, O.Loc.Column, O.Message, O.Level);
  }
};

/// A rule that is not a check of the static analysis (custody trace's and
/// custody triage's): its id, a sentence, and its page under the docs.
struct SarifRule {
  std::string Id, Summary, Page;
};

/// What a SARIF log (or a Code Quality report) says besides the findings.
struct SarifRun {
  /// Where the check pages are, without a trailing slash: a rule's helpUri
  /// is DocsURL + "/checks/NAME.md".
  std::string DocsURL;
  /// Files under this directory get URIs relative to it (uriBaseId
  /// SRCROOT); others absolute file:// URIs.
  std::string SourceRoot;
  /// run.automationDetails.id ("custody/", "custody/shard-1-of-2/").
  std::string AutomationId;
  /// Findings left out of the gate by --baseline or --diff-base: written
  /// with baselineState "unchanged", the others "new". Only when Baselined.
  bool Baselined = false;
  std::set<PrintedFinding> Unchanged;
  std::vector<Notice> Notices;
  bool Successful = true;
  /// Rules after the checks' own, for findings of other checks.
  std::vector<SarifRule> ExtraRules;
};

/// SARIF 2.1.0: one run, a rule per check with its description and help
/// page, one result per finding with its notes as a code flow (and related
/// locations), fingerprints that survive line shifts (check, file, message
/// and the text of the line), and the run's notices as
/// toolExecutionNotifications.
void writeSarif(llvm::raw_ostream &OS, const std::set<PrintedFinding> &Findings,
                const SarifRun &Run);

/// GitLab Code Quality (a JSON array of issues with description,
/// check_name, fingerprint, severity and location.path/lines.begin): every
/// finding, also those a baseline or a diff base left out, with paths
/// relative to Run.SourceRoot and the fingerprints of SARIF.
void writeCodeQuality(llvm::raw_ostream &OS,
                      const std::set<PrintedFinding> &Findings,
                      const SarifRun &Run);

/// One fingerprint per finding, in order: the check, the file name, the
/// message and the text of the finding's line, not its number, so that
/// unrelated edits do not change it. Used by SARIF and baselines.
std::vector<std::string> fingerprints(const std::set<PrintedFinding> &Findings);

/// The documentation base URL built in (CUSTODY_DOCS_URL).
std::string defaultDocsURL();

/// The 1-based column in UTF-16 code units (SARIF's and editors' count) of
/// byte column Column of Line. Bytes that are not UTF-8 count one each.
unsigned utf16Column(llvm::StringRef Line, unsigned Column);

} // namespace custody

#endif
