//===- Finding.h - What the engine reports ----------------------*- C++ -*-===//

#ifndef CUSTODY_ENGINE_FINDING_H
#define CUSTODY_ENGINE_FINDING_H

#include "clang/Basic/SourceLocation.h"
#include "llvm/ADT/StringRef.h"
#include <string>
#include <vector>

namespace custody {

enum class FindingKind {
#define CUSTODY_CHECK(Kind, Name, Summary) Kind,
#include "Checks.def"
};

/// The check name ("contract-resource-leak") of a finding kind.
llvm::StringRef checkName(FindingKind K);
llvm::StringRef checkSummary(FindingKind K);
constexpr unsigned NumFindingKinds = 0
#define CUSTODY_CHECK(Kind, Name, Summary) +1
#include "Checks.def"
    ;

struct Note {
  clang::SourceLocation Loc;
  std::string Message;
};

/// One warning with its notes in path order.
struct Finding {
  FindingKind Kind;
  clang::SourceLocation Loc;
  std::string Message;
  std::vector<Note> Notes;
  /// The last token of the code the finding is about (the call, the
  /// return, the assignment that starts at Loc), when it is on Loc's line;
  /// invalid otherwise. Diagnostics underline Loc to it.
  clang::SourceLocation End = {};
};

} // namespace custody

#endif
