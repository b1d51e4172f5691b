//===- Sarif.cpp - Findings as SARIF 2.1.0 --------------------------------===//
//
// The log is meant for code-scanning services (GitHub) and SARIF viewers
// (VS Code): rules with a description and a help page, repository-relative
// URIs under the SRCROOT base, notes as a code flow, fingerprints that
// survive line shifts, and the run's notices (files that did not parse) as
// toolExecutionNotifications. It validates with the SARIF Multitool's SARIF
// and GitHub (Ghas) rules (test/driver/sarif-validate.test).
//
//===----------------------------------------------------------------------===//

#include "Finding.h"
#include "Report.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/xxhash.h"
#include <map>

#ifndef CUSTODY_DOCS_URL
#define CUSTODY_DOCS_URL ""
#endif

using namespace custody;

std::string custody::defaultDocsURL() { return CUSTODY_DOCS_URL; }

namespace {

/// The first paragraph of each check's page, from docs/checks/NAME.md.
const llvm::StringMap<llvm::StringRef> &checkPages() {
  static const llvm::StringMap<llvm::StringRef> Pages = [] {
    static const std::pair<const char *, const char *> Rows[] = {
#include "CheckDocs.inc"
    };
    llvm::StringMap<llvm::StringRef> M;
    for (const auto &[Name, Text] : Rows)
      M[Name] = Text;
    return M;
  }();
  return Pages;
}

std::string percentEncode(llvm::StringRef Path) {
  std::string Out;
  for (char C : Path) {
    if (llvm::isAlnum(C) || llvm::StringRef("/-._~").contains(C))
      Out += C;
    else
      Out += llvm::formatv("%{0:X-2}", (unsigned char)C).str();
  }
  return Out;
}

std::string fileURI(llvm::StringRef Path) {
  llvm::SmallString<256> Abs(Path);
  llvm::sys::fs::make_absolute(Abs);
  llvm::sys::path::remove_dots(Abs, /*remove_dot_dot=*/true);
  return "file://" + percentEncode(Abs);
}

/// Markdown links [text](target) turned into their text.
std::string plainText(llvm::StringRef Markdown) {
  std::string Out;
  while (!Markdown.empty()) {
    size_t Open = Markdown.find('[');
    size_t Mid =
        Open == llvm::StringRef::npos ? Open : Markdown.find("](", Open);
    size_t Close = Mid == llvm::StringRef::npos ? Mid : Markdown.find(')', Mid);
    if (Close == llvm::StringRef::npos) {
      Out += Markdown;
      break;
    }
    Out += Markdown.take_front(Open);
    Out += Markdown.slice(Open + 1, Mid);
    Markdown = Markdown.drop_front(Close + 1);
  }
  return Out;
}

/// Markdown whose relative links (written from docs/checks/) point into the
/// docs at DocsURL.
std::string absoluteLinks(llvm::StringRef Markdown, llvm::StringRef DocsURL) {
  std::string Out;
  size_t Pos;
  while ((Pos = Markdown.find("](")) != llvm::StringRef::npos) {
    Out += Markdown.take_front(Pos + 2);
    Markdown = Markdown.drop_front(Pos + 2);
    if (Markdown.starts_with("http:") || Markdown.starts_with("https:") ||
        Markdown.starts_with("#"))
      continue;
    if (Markdown.consume_front("../"))
      Out += (DocsURL + "/").str();
    else
      Out += (DocsURL + "/checks/").str();
  }
  Out += Markdown;
  return Out;
}

/// Locations as SARIF wants them: relative to SRCROOT when under it.
class Locator {
public:
  explicit Locator(llvm::StringRef Root) {
    if (Root.empty())
      return;
    llvm::SmallString<256> Real;
    if (llvm::sys::fs::real_path(Root, Real))
      Real = Root;
    this->Root = std::string(Real);
  }

  bool hasRoot() const { return !Root.empty(); }
  std::string rootURI() const {
    std::string URI = fileURI(Root);
    if (!llvm::StringRef(URI).ends_with("/"))
      URI += "/";
    return URI;
  }

  /// The file of L relative to the root (unencoded) and true when it is
  /// under it; else its absolute real path and false.
  const std::pair<std::string, bool> &resolve(const PrintedLoc &L) {
    llvm::StringRef Path = L.AbsFile.empty() ? L.File : L.AbsFile;
    auto [It, New] = Cache.try_emplace(Path);
    if (New) {
      llvm::SmallString<256> Real;
      if (llvm::sys::fs::real_path(Path, Real)) {
        Real = Path;
        llvm::sys::fs::make_absolute(Real);
        llvm::sys::path::remove_dots(Real, /*remove_dot_dot=*/true);
      }
      llvm::StringRef R = Real;
      if (hasRoot() && R.consume_front(Root) &&
          (llvm::StringRef(Root).ends_with("/") || R.consume_front("/")))
        It->second = {R.str(), true};
      else
        It->second = {std::string(Real), false};
    }
    return It->second;
  }

  llvm::json::Object artifact(const PrintedLoc &L) {
    const auto &[Path, Relative] = resolve(L);
    if (!Relative)
      return llvm::json::Object{{"uri", fileURI(Path)}};
    return llvm::json::Object{{"uri", percentEncode(Path)},
                              {"uriBaseId", "SRCROOT"}};
  }

  llvm::json::Object physical(const PrintedLoc &L) {
    llvm::json::Object P{{"artifactLocation", artifact(L)}};
    if (L.Line > 0) {
      llvm::json::Object R{
          {"startLine", L.Line},
          {"startColumn", utf16Column(L.SourceLine, L.Column)}};
      // SARIF's end column is the one after the region.
      if (L.EndColumn > L.Column)
        R["endColumn"] = utf16Column(L.SourceLine, L.EndColumn + 1);
      P["region"] = std::move(R);
    }
    return P;
  }

  llvm::json::Object location(const PrintedLoc &L, llvm::StringRef Message) {
    llvm::json::Object Loc{{"physicalLocation", physical(L)}};
    if (!Message.empty())
      Loc["message"] = llvm::json::Object{{"text", Message}};
    return Loc;
  }

private:
  std::string Root;
  llvm::StringMap<std::pair<std::string, bool>> Cache;
};

llvm::json::Object rule(FindingKind K, llvm::StringRef DocsURL) {
  llvm::StringRef Name = checkName(K);
  std::string Summary = checkSummary(K).str();
  if (!Summary.empty())
    Summary[0] = llvm::toUpper(Summary[0]);
  Summary += ".";
  llvm::StringRef Page = checkPages().lookup(Name);
  std::string Markdown = Page.empty() ? Summary : absoluteLinks(Page, DocsURL);
  std::string Full = Page.empty() ? Summary : plainText(Page);
  llvm::json::Object Rule{
      {"id", Name},
      {"shortDescription", llvm::json::Object{{"text", Summary}}},
      {"fullDescription", llvm::json::Object{{"text", Full}}},
      {"defaultConfiguration", llvm::json::Object{{"level", "warning"}}}};
  if (!DocsURL.empty()) {
    std::string URI = (DocsURL + "/checks/" + Name + ".md").str();
    Markdown +=
        "\n\nExamples, options and limits: [" + Name.str() + "](" + URI + ").";
    Rule["helpUri"] = URI;
  }
  Rule["help"] =
      llvm::json::Object{{"text", plainText(Markdown)}, {"markdown", Markdown}};
  return Rule;
}

const char *levelName(Notice::LevelKind L) {
  switch (L) {
  case Notice::Note:
    return "note";
  case Notice::Warning:
    return "warning";
  case Notice::Error:
    return "error";
  }
  return "note";
}

} // namespace

unsigned custody::utf16Column(llvm::StringRef Line, unsigned Column) {
  if (Column == 0)
    return 1;
  unsigned Units = 0;
  size_t I = 0, End = std::min<size_t>(Column - 1, Line.size());
  while (I < End) {
    unsigned char C = Line[I];
    unsigned Len = llvm::getNumBytesForUTF8(C);
    const llvm::UTF8 *P = reinterpret_cast<const llvm::UTF8 *>(Line.data() + I);
    if (Len > 1 && I + Len <= Line.size() &&
        llvm::isLegalUTF8Sequence(P, P + Len)) {
      Units += Len == 4 ? 2 : 1;
      I += Len;
    } else {
      ++Units;
      ++I;
    }
  }
  // A column past the end of the line (a location at its end).
  return Units + 1 + (Column - 1 > Line.size() ? Column - 1 - Line.size() : 0);
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

void custody::writeSarif(llvm::raw_ostream &OS,
                         const std::set<PrintedFinding> &Findings,
                         const SarifRun &Run) {
  llvm::json::Array Rules;
  std::map<std::string, unsigned> RuleIndex;
  for (unsigned K = 0; K < NumFindingKinds; ++K) {
    RuleIndex[checkName(FindingKind(K)).str()] = K;
    Rules.push_back(rule(FindingKind(K), Run.DocsURL));
  }
  for (const SarifRule &X : Run.ExtraRules) {
    RuleIndex[X.Id] = Rules.size();
    llvm::json::Object Rule{
        {"id", X.Id},
        {"shortDescription", llvm::json::Object{{"text", X.Summary}}},
        {"fullDescription", llvm::json::Object{{"text", X.Summary}}},
        {"defaultConfiguration", llvm::json::Object{{"level", "warning"}}}};
    if (!Run.DocsURL.empty() && !X.Page.empty())
      Rule["helpUri"] = Run.DocsURL + "/" + X.Page;
    Rules.push_back(std::move(Rule));
  }

  Locator Where(Run.SourceRoot);
  // Every finding, in the order of the text output; with a baseline, those
  // it left out too, marked unchanged, since code-scanning services close
  // the alerts an upload does not contain.
  std::set<PrintedFinding> All = Findings;
  if (Run.Baselined)
    All.insert(Run.Unchanged.begin(), Run.Unchanged.end());
  std::vector<std::string> Prints = fingerprints(All);
  llvm::json::Array Results;
  unsigned Index = 0;
  for (const PrintedFinding &F : All) {
    const std::string &Print = Prints[Index++];
    llvm::json::Array Related, Steps;
    unsigned Id = 0;
    for (const PrintedNote &N : F.Notes) {
      llvm::json::Object Loc = Where.location(N.Loc, N.Message);
      Loc["id"] = Id++;
      Related.push_back(std::move(Loc));
      Steps.push_back(
          llvm::json::Object{{"location", Where.location(N.Loc, N.Message)}});
    }
    llvm::json::Object R{
        {"ruleId", F.Check},
        {"ruleIndex", RuleIndex[F.Check]},
        {"level", "warning"},
        {"message", llvm::json::Object{{"text", F.Message}}},
        {"locations", llvm::json::Array{Where.location(F.Loc, "")}},
        {"partialFingerprints",
         llvm::json::Object{{"custodyFinding/v1", Print}}}};
    if (!Related.empty()) {
      // The path: the notes in order, then the finding itself.
      Steps.push_back(
          llvm::json::Object{{"location", Where.location(F.Loc, F.Message)}});
      R["relatedLocations"] = std::move(Related);
      R["codeFlows"] = llvm::json::Array{llvm::json::Object{
          {"threadFlows", llvm::json::Array{llvm::json::Object{
                              {"locations", std::move(Steps)}}}}}};
    }
    if (Run.Baselined)
      R["baselineState"] = Findings.count(F) ? "new" : "unchanged";
    Results.push_back(std::move(R));
  }

  std::vector<Notice> Notices = Run.Notices;
  std::sort(Notices.begin(), Notices.end());
  llvm::json::Array Notifications;
  for (const Notice &N : Notices) {
    llvm::json::Object Loc{{"physicalLocation", Where.physical(N.Loc)}};
    Notifications.push_back(
        llvm::json::Object{{"level", levelName(N.Level)},
                           {"message", llvm::json::Object{{"text", N.Message}}},
                           {"locations", llvm::json::Array{std::move(Loc)}}});
  }
  llvm::json::Object Invocation{{"executionSuccessful", Run.Successful}};
  if (!Notifications.empty())
    Invocation["toolExecutionNotifications"] = std::move(Notifications);

  llvm::json::Object Driver{{"name", "custody"},
                            {"version", CUSTODY_VERSION},
                            {"semanticVersion", CUSTODY_VERSION},
                            {"rules", std::move(Rules)}};
  if (!Run.DocsURL.empty())
    Driver["informationUri"] = Run.DocsURL + "/cli.md";
  llvm::json::Object SarifRun{
      {"tool", llvm::json::Object{{"driver", std::move(Driver)}}},
      {"invocations", llvm::json::Array{std::move(Invocation)}},
      {"columnKind", "utf16CodeUnits"},
      {"results", std::move(Results)}};
  if (!Run.AutomationId.empty())
    SarifRun["automationDetails"] =
        llvm::json::Object{{"id", Run.AutomationId}};
  if (Where.hasRoot())
    SarifRun["originalUriBaseIds"] = llvm::json::Object{
        {"SRCROOT", llvm::json::Object{{"uri", Where.rootURI()}}}};
  llvm::json::Object Log{
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs", llvm::json::Array{std::move(SarifRun)}}};
  OS << llvm::formatv("{0:2}", llvm::json::Value(std::move(Log))) << "\n";
}

void custody::writeCodeQuality(llvm::raw_ostream &OS,
                               const std::set<PrintedFinding> &Findings,
                               const SarifRun &Run) {
  Locator Where(Run.SourceRoot);
  // Every finding, as in SARIF: GitLab compares a merge request's report
  // with its target branch's and calls what a report lacks resolved.
  std::set<PrintedFinding> All = Findings;
  All.insert(Run.Unchanged.begin(), Run.Unchanged.end());
  std::vector<std::string> Prints = fingerprints(All);
  llvm::json::Array Issues;
  unsigned Index = 0;
  for (const PrintedFinding &F : All)
    Issues.push_back(llvm::json::Object{
        {"description", F.Message},
        {"check_name", F.Check},
        {"fingerprint", Prints[Index++]},
        {"severity", "major"},
        {"location",
         llvm::json::Object{
             {"path", Where.resolve(F.Loc).first},
             {"lines", llvm::json::Object{{"begin", F.Loc.Line}}}}}});
  OS << llvm::formatv("{0:2}", llvm::json::Value(std::move(Issues))) << "\n";
}
