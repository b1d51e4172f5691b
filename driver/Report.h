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
  std::string File;
  unsigned Line = 0, Column = 0;
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

/// SARIF 2.1.0: one run, a rule per check with its help page, one result
/// per finding with its notes as related locations, and a fingerprint that
/// survives line shifts (check, file, message and the text of the line).
void writeSarif(llvm::raw_ostream &OS, const std::set<PrintedFinding> &Findings,
                const std::string &DocsDir);

/// One fingerprint per finding, in order: the check, the file name, the
/// message and the text of the finding's line, not its number, so that
/// unrelated edits do not change it. Used by SARIF and baselines.
std::vector<std::string> fingerprints(const std::set<PrintedFinding> &Findings);

/// Where the check pages are: the installed docs next to the binary, else
/// the source tree's.
std::string docsDir(const char *Argv0);

} // namespace custody

#endif
