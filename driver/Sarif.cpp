//===- Sarif.cpp - Findings as SARIF 2.1.0 --------------------------------===//

#include "Finding.h"
#include "Report.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/xxhash.h"
#include <map>

#ifndef CUSTODY_SOURCE_DOCS_DIR
#define CUSTODY_SOURCE_DOCS_DIR ""
#endif

using namespace custody;

std::string custody::docsDir(const char *Argv0) {
  std::string Self = llvm::sys::fs::getMainExecutable(
      Argv0, reinterpret_cast<void *>(&custody::docsDir));
  llvm::SmallString<256> P(llvm::sys::path::parent_path(Self));
  llvm::sys::path::append(P, "..", "share", "doc", "custody");
  if (llvm::sys::fs::is_directory(P)) {
    llvm::sys::path::remove_dots(P, /*remove_dot_dot=*/true);
    return std::string(P);
  }
  return CUSTODY_SOURCE_DOCS_DIR;
}

static std::string fileURI(llvm::StringRef Path) {
  llvm::SmallString<256> Abs(Path);
  llvm::sys::fs::make_absolute(Abs);
  llvm::sys::path::remove_dots(Abs, /*remove_dot_dot=*/true);
  std::string URI = "file://";
  for (char C : Abs) {
    if (llvm::isAlnum(C) || llvm::StringRef("/-._~").contains(C))
      URI += C;
    else
      URI += llvm::formatv("%{0:X-2}", (unsigned char)C).str();
  }
  return URI;
}

std::vector<std::string>
custody::fingerprints(const std::set<PrintedFinding> &Findings) {
  std::vector<std::string> Out;
  // Identical findings (same check, file, message and line text) are told
  // apart by their order, so fingerprints stay unique and stable.
  std::map<uint64_t, unsigned> Seen;
  for (const PrintedFinding &F : Findings) {
    std::string Key =
        F.Check + "\n" + llvm::sys::path::filename(F.Loc.File).str() + "\n" +
        F.Message + "\n" + llvm::StringRef(F.Loc.SourceLine).trim().str();
    uint64_t H = llvm::xxh3_64bits(Key);
    unsigned Nth = Seen[H]++;
    Out.push_back(
        llvm::formatv("{0}:{1}", llvm::format_hex_no_prefix(H, 16), Nth).str());
  }
  return Out;
}

static llvm::json::Object physical(const PrintedLoc &L) {
  return llvm::json::Object{
      {"artifactLocation", llvm::json::Object{{"uri", fileURI(L.File)}}},
      {"region",
       llvm::json::Object{{"startLine", L.Line}, {"startColumn", L.Column}}}};
}

void custody::writeSarif(llvm::raw_ostream &OS,
                         const std::set<PrintedFinding> &Findings,
                         const std::string &DocsDir) {
  llvm::json::Array Rules;
  std::map<std::string, unsigned> RuleIndex;
  for (unsigned K = 0; K < NumFindingKinds; ++K) {
    llvm::StringRef Name = checkName(FindingKind(K));
    RuleIndex[Name.str()] = K;
    llvm::json::Object Rule{
        {"id", Name},
        {"shortDescription",
         llvm::json::Object{{"text", checkSummary(FindingKind(K))}}},
        {"defaultConfiguration", llvm::json::Object{{"level", "warning"}}}};
    if (!DocsDir.empty()) {
      llvm::SmallString<256> Page(DocsDir);
      llvm::sys::path::append(Page, "checks", Name + ".md");
      Rule["helpUri"] = fileURI(Page);
    }
    Rules.push_back(std::move(Rule));
  }

  llvm::json::Array Results;
  std::vector<std::string> Prints = fingerprints(Findings);
  unsigned Index = 0;
  for (const PrintedFinding &F : Findings) {
    const std::string &Print = Prints[Index++];
    llvm::json::Array Related;
    unsigned Id = 0;
    for (const PrintedNote &N : F.Notes) {
      llvm::json::Object Loc{
          {"id", Id++},
          {"physicalLocation", physical(N.Loc)},
          {"message", llvm::json::Object{{"text", N.Message}}}};
      Related.push_back(std::move(Loc));
    }
    llvm::json::Object R{
        {"ruleId", F.Check},
        {"ruleIndex", RuleIndex[F.Check]},
        {"level", "warning"},
        {"message", llvm::json::Object{{"text", F.Message}}},
        {"locations", llvm::json::Array{llvm::json::Object{
                          {"physicalLocation", physical(F.Loc)}}}},
        {"partialFingerprints",
         llvm::json::Object{{"custodyFinding/v1", Print}}}};
    if (!Related.empty())
      R["relatedLocations"] = std::move(Related);
    Results.push_back(std::move(R));
  }

  llvm::json::Object Driver{{"name", "custody"},
                            {"version", CUSTODY_VERSION},
                            {"rules", std::move(Rules)}};
  if (!DocsDir.empty())
    Driver["informationUri"] = fileURI(DocsDir);
  llvm::json::Object Log{
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs", llvm::json::Array{llvm::json::Object{
                   {"tool", llvm::json::Object{{"driver", std::move(Driver)}}},
                   {"results", std::move(Results)}}}}};
  OS << llvm::formatv("{0:2}", llvm::json::Value(std::move(Log))) << "\n";
}
