//===- TraceReport.cpp - custody trace: what was live, and where ----------===//
//
// The runtime writes its table of live resources as text (custody_trace_rt.c
// says the format): the loaded objects, then one line per resource with its
// kind, acquiring function, thread and raw stack. Here the stacks are mapped
// to objects and offsets, symbolized with LLVM's symbolizer (file:line:col
// from the debug information), trimmed to the program's part, grouped by
// (kind, acquiring function, stack) with counts, matched with the static
// findings whose acquisition site the stack passes through, and printed as
// custody's diagnostics or JSON.
//
//===----------------------------------------------------------------------===//

#include "Trace.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/DebugInfo/Symbolize/Symbolize.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include <algorithm>
#include <map>
#include <tuple>

using namespace custody;

namespace {

/// Symbolized frames, cached by (module, offset).
class Symbolizer {
public:
  std::vector<TraceFrame> frames(const std::string &Module, uint64_t Offset) {
    auto Key = std::make_pair(Module, Offset);
    auto It = Cache.find(Key);
    if (It != Cache.end())
      return It->second;
    std::vector<TraceFrame> Out;
    // A return address: the call is the instruction before it.
    auto Res = Sym.symbolizeInlinedCode(
        Module, {Offset ? Offset - 1 : 0,
                 llvm::object::SectionedAddress::UndefSection});
    if (Res) {
      for (uint32_t I = 0; I < Res->getNumberOfFrames(); ++I) {
        const llvm::DILineInfo &L = Res->getFrame(I);
        TraceFrame F;
        F.Module = Module;
        F.Offset = Offset;
        if (L.FunctionName != llvm::DILineInfo::BadString)
          F.Function = L.FunctionName;
        if (L.FileName != llvm::DILineInfo::BadString && L.Line) {
          F.File = L.FileName;
          F.Line = L.Line;
          F.Column = L.Column;
        }
        Out.push_back(F);
      }
    } else {
      llvm::consumeError(Res.takeError());
    }
    if (Out.empty()) {
      TraceFrame F;
      F.Module = Module;
      F.Offset = Offset;
      Out.push_back(F);
    }
    Cache[Key] = Out;
    return Out;
  }

private:
  llvm::symbolize::LLVMSymbolizer Sym;
  std::map<std::pair<std::string, uint64_t>, std::vector<TraceFrame>> Cache;
};

Symbolizer &symbolizer() {
  static Symbolizer S;
  return S;
}

const FunctionContract *contractOf(const ReportContext &Ctx,
                                   llvm::StringRef Fn) {
  return Ctx.Contracts ? Ctx.Contracts->lookup(Fn) : nullptr;
}

bool perThread(const ReportContext &Ctx, llvm::StringRef Fn) {
  const FunctionContract *FC = contractOf(Ctx, Fn);
  return FC && FC->Lock == LockEffect::Ensure;
}

std::string releasersOf(const ReportContext &Ctx, llvm::StringRef Name) {
  const Resource *R = Ctx.Contracts ? Ctx.Contracts->resource(Name) : nullptr;
  if (!R || R->Releasers.empty())
    return "";
  return "'" + llvm::join(R->Releasers, "' or '") + "'";
}

/// The checks whose findings are about something never given back to its
/// releaser, and so have an acquisition site a live resource at exit can
/// confirm: leaks, unbalanced regions, and releases by the wrong function
/// (which the tracer, following the contract's releasers, sees as never
/// released).
bool isLeakCheck(llvm::StringRef Check) {
  return Check.ends_with("-leak") || Check.ends_with("-wrong-release") ||
         Check == "cpython-missing-decref" || Check == "gil-unbalanced" ||
         Check == "contract-lock-unbalanced" ||
         Check == "jni-monitor-not-exited" ||
         Check == "jni-local-frame-mismatch" ||
         Check == "jni-thread-attach-mismatch";
}

std::string whenText(const TraceReport &R, const ReportContext &Ctx) {
  if (R.Event == "signal")
    return "at " + Ctx.SignalName + " (snapshot " + std::to_string(R.Snapshot) +
           " of process " + std::to_string(R.Pid) + ")";
  if (R.Event == "vm-death")
    return "at VM death";
  return "at exit";
}

std::string message(const LiveGroup &G, const TraceReport &R,
                    const ReportContext &Ctx) {
  std::string S = std::to_string(G.Count) + " ";
  if (G.Check == "runtime-gil-unbalanced") {
    S += "'" + G.Function + "' on thread " + G.Thread + " not given back";
    if (!G.Releasers.empty())
      S += " by " + G.Releasers;
    return S + " " + whenText(R, Ctx);
  }
  std::string Bytes = G.Sized ? ", " + std::to_string(G.Bytes) +
                                    (G.Bytes == 1 ? " byte" : " bytes")
                              : "";
  return S + "'" + G.Resource + "' (" + G.Description + " from '" + G.Function +
         "'" + Bytes + ") still live " + whenText(R, Ctx);
}

} // namespace

std::string custody::normalPath(llvm::StringRef P) {
  llvm::SmallString<256> Out;
  if (!llvm::sys::fs::real_path(P, Out))
    return std::string(Out);
  return P.str();
}

std::string custody::frameLocation(const TraceFrame &F) {
  if (!F.File.empty())
    return F.File + ":" + std::to_string(F.Line) + ":" +
           std::to_string(F.Column ? F.Column : 1);
  return F.Module + "+0x" + llvm::utohexstr(F.Offset, /*LowerCase=*/true);
}

RawStack custody::mapStack(llvm::StringRef Addresses,
                           const std::vector<Segment> &Segments) {
  llvm::SmallVector<llvm::StringRef, 48> Addrs;
  Addresses.split(Addrs, ' ', -1, false);
  RawStack Raw;
  for (llvm::StringRef A : Addrs) {
    uint64_t Addr = 0;
    A.consume_front("0x");
    if (A.getAsInteger(16, Addr))
      continue;
    const Segment *Seg = nullptr;
    for (const Segment &S : Segments)
      if (Addr >= S.Start && Addr < S.End)
        Seg = &S;
    // Code in no object is generated code (a JVM's compiled Java or its
    // native-call stubs, which differ between the interpreter and compiled
    // callers): the native stack ends there.
    if (!Seg)
      break;
    Raw.push_back({Seg->Path, Addr - Seg->Bias});
  }
  return Raw;
}

std::vector<TraceFrame> custody::symbolizeStack(const RawStack &Raw) {
  std::vector<TraceFrame> Stack;
  for (const auto &[Mod, Off] : Raw)
    for (TraceFrame &TF : symbolizer().frames(Mod, Off))
      Stack.push_back(TF);
  // Up to main, or to the last frame with a source location (a thread's
  // start routine): libc's start-up is not the program's.
  size_t End = Stack.size();
  for (size_t I = 0; I < Stack.size(); ++I)
    if (Stack[I].Function == "main") {
      End = I + 1;
      break;
    }
  while (End > 1 && Stack[End - 1].File.empty())
    --End;
  Stack.resize(End);
  return Stack;
}

const StaticFinding *
custody::findingOnStack(const std::vector<TraceFrame> &Stack,
                        std::vector<StaticFinding> &Findings) {
  // Nearest the acquisition first; every finding at that site is seen.
  for (const TraceFrame &F : Stack) {
    if (F.File.empty())
      continue;
    std::string File = normalPath(F.File);
    const StaticFinding *First = nullptr;
    for (StaticFinding &S : Findings)
      if (!S.SiteFile.empty() && S.SiteLine == F.Line && S.SiteFile == File) {
        S.Seen = true;
        if (!First)
          First = &S;
      }
    if (First)
      return First;
  }
  return nullptr;
}

size_t custody::siteFrame(const std::vector<TraceFrame> &Stack) {
  size_t At = 0;
  while (At < Stack.size() && Stack[At].File.empty())
    ++At;
  return At == Stack.size() ? 0 : At;
}

std::vector<std::pair<const TraceFrame *, std::string>>
custody::stackNotes(const std::vector<TraceFrame> &Stack,
                    llvm::StringRef Callee) {
  std::vector<std::pair<const TraceFrame *, std::string>> Out;
  // Frames before the site (inside a library without debug information),
  // then the callers after it.
  size_t At = siteFrame(Stack);
  for (size_t I = 0; I < At; ++I) {
    std::string Called = I ? Stack[I - 1].Function : Callee.str();
    Out.push_back(
        {&Stack[I],
         (Called.empty() ? std::string("called from here")
                         : "'" + Called + "' called here") +
             (Stack[I].Function.empty() ? ""
                                        : ", in '" + Stack[I].Function + "'")});
  }
  for (size_t I = At + 1; I < Stack.size(); ++I) {
    const std::string &Called = Stack[I - 1].Function;
    Out.push_back({&Stack[I], Called.empty() ? std::string("called from here")
                                             : "'" + Called + "' called here"});
  }
  return Out;
}

void custody::printStackNotes(llvm::raw_ostream &OS,
                              const std::vector<TraceFrame> &Stack,
                              llvm::StringRef Callee) {
  for (const auto &[F, Text] : stackNotes(Stack, Callee))
    OS << frameLocation(*F) << ": note: " << Text << "\n";
}

llvm::json::Value custody::staticFindingJson(const StaticFinding &F) {
  return llvm::json::Object{
      {"check", F.Check},
      {"message", F.Message},
      {"location", llvm::json::Object{{"file", F.File},
                                      {"line", int64_t(F.Line)},
                                      {"column", int64_t(F.Column)}}}};
}

llvm::json::Value custody::frameJson(const TraceFrame &F) {
  llvm::json::Object FO{{"module", F.Module}, {"offset", int64_t(F.Offset)}};
  if (!F.Function.empty())
    FO["function"] = F.Function;
  if (!F.File.empty()) {
    FO["file"] = F.File;
    FO["line"] = int64_t(F.Line);
    FO["column"] = int64_t(F.Column);
  }
  return FO;
}

PrintedLoc custody::printedLoc(const TraceFrame &F) {
  static std::map<std::string, std::vector<std::string>> Sources;
  PrintedLoc L;
  if (F.File.empty()) {
    L.File = F.Module;
    return L;
  }
  L.File = F.File;
  L.AbsFile = normalPath(F.File);
  L.Line = F.Line;
  L.Column = F.Column ? F.Column : 1;
  auto [It, New] = Sources.try_emplace(L.AbsFile);
  if (New)
    if (auto Buf = llvm::MemoryBuffer::getFile(L.AbsFile)) {
      llvm::SmallVector<llvm::StringRef, 0> Lines;
      (*Buf)->getBuffer().split(Lines, '\n');
      for (llvm::StringRef Line : Lines)
        It->second.push_back(Line.rtrim('\r').str());
    }
  if (L.Line && L.Line <= It->second.size())
    L.SourceLine = It->second[L.Line - 1];
  return L;
}

std::vector<SarifRule> custody::runtimeRules() {
  return {{"runtime-leak",
           "A resource acquired at run time and not released when the "
           "process exits or is asked for a report.",
           "runtime.md#reports"},
          {"runtime-gil-unbalanced",
           "A PyGILState_Ensure not given back by PyGILState_Release on its "
           "thread.",
           "runtime.md#embedded-cpython-the-gil-per-thread"},
          {"heap-uncovered",
           "Heap memory live in a heap profile whose stack passes through no "
           "static finding's acquisition site.",
           "runtime.md#heap-profiles-custody-triage"}};
}

void custody::writeRuntimeSarif(llvm::raw_ostream &OS,
                                const std::set<PrintedFinding> &Findings) {
  SarifRun Run;
  Run.DocsURL = defaultDocsURL();
  llvm::SmallString<256> Cwd;
  llvm::sys::fs::current_path(Cwd);
  Run.SourceRoot = std::string(Cwd);
  Run.ExtraRules = runtimeRules();
  writeSarif(OS, Findings, Run);
}

bool custody::readStaticFindings(const std::string &Path,
                                 std::vector<StaticFinding> &Out,
                                 std::string &Error) {
  auto Buf = llvm::MemoryBuffer::getFile(Path);
  if (!Buf) {
    Error = Buf.getError().message();
    return false;
  }
  llvm::Expected<llvm::json::Value> V = llvm::json::parse((*Buf)->getBuffer());
  if (!V) {
    Error = "not JSON: " + llvm::toString(V.takeError());
    return false;
  }
  const llvm::json::Array *A = V->getAsArray();
  if (!A) {
    Error = "not custody's JSON output (a list of findings; custody "
            "--format=json)";
    return false;
  }
  for (const llvm::json::Value &E : *A) {
    const llvm::json::Object *O = E.getAsObject();
    if (!O)
      continue;
    // Notices (a function whose analysis was cut short) are no findings.
    if (O->getString("kind").value_or("finding") != "finding")
      continue;
    StaticFinding F;
    if (auto C = O->getString("check"))
      F.Check = C->str();
    if (auto M = O->getString("message"))
      F.Message = M->str();
    if (const llvm::json::Object *L = O->getObject("location")) {
      if (auto File = L->getString("file"))
        F.File = File->str();
      F.Line = L->getInteger("line").value_or(0);
      F.Column = L->getInteger("column").value_or(0);
    }
    if (F.Check.empty())
      continue;
    if (isLeakCheck(F.Check))
      if (const llvm::json::Array *Notes = O->getArray("notes"))
        for (const llvm::json::Value &N : *Notes) {
          const llvm::json::Object *NO = N.getAsObject();
          if (!NO)
            continue;
          llvm::StringRef M = NO->getString("message").value_or("");
          if (!M.contains(" acquired here") && !M.contains(" taken here") &&
              !M.contains(" opened here") && !M.contains(" entered here"))
            continue;
          if (const llvm::json::Object *L = NO->getObject("location")) {
            F.SiteFile = normalPath(L->getString("file").value_or(""));
            F.SiteLine = L->getInteger("line").value_or(0);
          }
          break;
        }
    Out.push_back(std::move(F));
  }
  return true;
}

TraceReport custody::readReport(const std::vector<std::string> &Paths,
                                const ReportContext &Ctx, std::string &Error) {
  TraceReport R;
  R.Event = "exit";
  std::string Preload = normalPath(Ctx.PreloadPath);
  // Group key: check, resource, function, thread, stack of (module, offset),
  // Java frames.
  using Key =
      std::tuple<std::string, std::string, std::string, std::string,
                 std::vector<std::pair<std::string, uint64_t>>, std::string>;
  std::map<Key, LiveGroup> Groups;

  for (const std::string &Path : Paths) {
    auto Buf = llvm::MemoryBuffer::getFile(Path);
    if (!Buf) {
      Error = "cannot read '" + Path + "': " + Buf.getError().message();
      return R;
    }
    std::vector<Segment> Segments;
    unsigned Pid = 0;
    llvm::SmallVector<llvm::StringRef, 0> Lines;
    (*Buf)->getBuffer().split(Lines, '\n', -1, false);
    if (Lines.empty() || Lines[0] != "custody-trace 1") {
      Error = "'" + Path + "' is not a trace of this custody";
      return R;
    }
    for (llvm::StringRef Line : Lines) {
      auto [Word, Rest] = Line.split(' ');
      if (Word == "pid") {
        Rest.getAsInteger(10, Pid);
        R.Pid = Pid;
      } else if (Word == "event") {
        R.Event = Rest.str();
      } else if (Word == "snapshot") {
        Rest.getAsInteger(10, R.Snapshot);
      } else if (Word == "module") {
        auto [Nums, ModPath] = Rest.split('\t');
        llvm::SmallVector<llvm::StringRef, 3> N;
        Nums.split(N, ' ');
        if (N.size() != 3)
          continue;
        Segment S;
        N[0].getAsInteger(16, S.Bias);
        N[1].getAsInteger(16, S.Start);
        N[2].getAsInteger(16, S.End);
        S.Path = normalPath(ModPath);
        Segments.push_back(S);
      } else if (Word == "live") {
        llvm::SmallVector<llvm::StringRef, 8> F;
        Rest.split(F, '\t');
        if (F.size() != 7 && F.size() != 8)
          continue;
        // The JNI agent's Java frames, after the native ones.
        llvm::StringRef Java = F.size() == 8 ? F[7] : "";
        std::string Kind = F[0].str(), Fn = F[1].str();
        std::string Thread = "'" + F[4].str() + "' (" + F[3].str() + ")";
        RawStack Raw = mapStack(F[6], Segments);
        // The tracer's own frames come first.
        size_t First = 0;
        while (First < Raw.size() && Raw[First].first == Preload)
          ++First;
        Raw.erase(Raw.begin(), Raw.begin() + First);
        bool PerThread = perThread(Ctx, Fn);
        Key K{PerThread ? "runtime-gil-unbalanced" : "runtime-leak",
              Kind,
              Fn,
              PerThread ? Thread : "",
              Raw,
              Java.str()};
        LiveGroup &G = Groups[K];
        if (!G.Count) {
          G.Check = std::get<0>(K);
          G.Resource = Kind;
          const Resource *Res =
              Ctx.Contracts ? Ctx.Contracts->resource(Kind) : nullptr;
          G.Description =
              Res && !Res->Description.empty() ? Res->Description : Kind;
          G.Function = Fn;
          G.Releasers = releasersOf(Ctx, Kind);
          G.Thread = std::get<3>(K);
          G.Stack = symbolizeStack(Raw);
          // "pkg.Class.method;pkg/Class.java;line", innermost first.
          llvm::SmallVector<llvm::StringRef, 16> JavaFrames;
          Java.split(JavaFrames, '|', -1, false);
          for (llvm::StringRef J : JavaFrames) {
            llvm::SmallVector<llvm::StringRef, 3> P;
            J.split(P, ';');
            if (P.size() != 3)
              continue;
            TraceFrame TF;
            TF.Module = "java";
            TF.Function = P[0].str();
            if (!P[1].empty() && !P[2].getAsInteger(10, TF.Line) && TF.Line)
              TF.File = P[1].str();
            G.Stack.push_back(TF);
          }
        }
        ++G.Count;
        // "REFS" or "REFS BYTES".
        uint64_t Bytes = 0;
        if (!F[5].split(' ').second.getAsInteger(10, Bytes)) {
          G.Bytes += Bytes;
          G.Sized = true;
        }
        if (!llvm::is_contained(G.Pids, Pid))
          G.Pids.push_back(Pid);
      }
    }
  }

  for (auto &[K, G] : Groups) {
    // The static finding whose acquisition site is on this stack, nearest
    // the acquisition first.
    if (Ctx.Findings)
      if (const StaticFinding *S = findingOnStack(G.Stack, *Ctx.Findings)) {
        G.Confirmed = true;
        G.StaticCheck = S->Check;
        G.StaticMessage = S->Message;
        G.StaticFile = S->File;
        G.StaticLine = S->Line;
        G.StaticColumn = S->Column;
      }
    R.Groups.push_back(std::move(G));
  }
  // In source order of the acquisition site.
  auto Site = [](const LiveGroup &G) {
    for (const TraceFrame &F : G.Stack)
      if (!F.File.empty())
        return std::make_tuple(F.File, F.Line, F.Column);
    return std::make_tuple(std::string("~"), 0u, 0u);
  };
  std::stable_sort(R.Groups.begin(), R.Groups.end(),
                   [&](const LiveGroup &A, const LiveGroup &B) {
                     return std::make_tuple(Site(A), A.Resource, A.Thread) <
                            std::make_tuple(Site(B), B.Resource, B.Thread);
                   });
  return R;
}

void custody::printReportText(llvm::raw_ostream &OS, const TraceReport &R,
                              const ReportContext &Ctx) {
  if (R.Event == "signal") {
    unsigned Live = 0;
    for (const LiveGroup &G : R.Groups)
      Live += G.Count;
    OS << "custody: report at " << Ctx.SignalName << " (snapshot " << R.Snapshot
       << " of process " << R.Pid << "): " << Live << " live\n";
  }
  for (const LiveGroup &G : R.Groups) {
    // The warning at the first frame with a source location; frames before
    // it (inside a library without debug information) become notes.
    size_t At = siteFrame(G.Stack);
    TraceFrame Unknown;
    Unknown.Module = "?";
    const TraceFrame &Site = G.Stack.empty() ? Unknown : G.Stack[At];
    OS << frameLocation(Site) << ": warning: " << message(G, R, Ctx) << " ["
       << G.Check << "]\n";
    printStackNotes(OS, G.Stack, G.Function);
    if (G.Confirmed)
      OS << G.StaticFile << ":" << G.StaticLine << ":" << G.StaticColumn
         << ": note: confirmed at run time: " << G.StaticMessage << " ["
         << G.StaticCheck << "]\n";
    else if (Ctx.Findings)
      OS << frameLocation(Site)
         << ": note: no static finding acquires at this site: a contract or "
            "analysis gap\n";
  }
}

void custody::printReportsJson(llvm::raw_ostream &OS,
                               const std::vector<TraceReport> &Reports,
                               const std::vector<NotTraced> &Skipped,
                               const std::vector<std::string> &Traced,
                               const ReportContext &Ctx, int CommandStatus) {
  llvm::json::Array Reps;
  for (const TraceReport &R : Reports) {
    llvm::json::Array Live;
    for (const LiveGroup &G : R.Groups) {
      llvm::json::Array Stack;
      const TraceFrame *Site = nullptr;
      for (const TraceFrame &F : G.Stack) {
        if (!F.File.empty() && !Site)
          Site = &F;
        Stack.push_back(frameJson(F));
      }
      llvm::json::Object GO{
          {"check", G.Check},         {"message", message(G, R, Ctx)},
          {"resource", G.Resource},   {"description", G.Description},
          {"function", G.Function},   {"count", int64_t(G.Count)},
          {"stack", std::move(Stack)}};
      if (Site)
        GO["location"] = llvm::json::Object{{"file", Site->File},
                                            {"line", int64_t(Site->Line)},
                                            {"column", int64_t(Site->Column)}};
      else
        GO["location"] = nullptr;
      llvm::json::Array Pids;
      for (unsigned P : G.Pids)
        Pids.push_back(int64_t(P));
      GO["pids"] = std::move(Pids);
      if (!G.Thread.empty())
        GO["thread"] = G.Thread;
      if (G.Sized)
        GO["bytes"] = int64_t(G.Bytes);
      if (G.Confirmed)
        GO["static_finding"] = llvm::json::Object{
            {"check", G.StaticCheck},
            {"message", G.StaticMessage},
            {"location",
             llvm::json::Object{{"file", G.StaticFile},
                                {"line", int64_t(G.StaticLine)},
                                {"column", int64_t(G.StaticColumn)}}}};
      else
        GO["static_finding"] = nullptr;
      if (Ctx.Findings && !Ctx.Findings->empty())
        GO["gap"] = !G.Confirmed;
      Live.push_back(std::move(GO));
    }
    llvm::json::Object RO{{"event", R.Event}, {"live", std::move(Live)}};
    if (R.Event == "signal") {
      RO["pid"] = int64_t(R.Pid);
      RO["snapshot"] = int64_t(R.Snapshot);
      RO["signal"] = Ctx.SignalName;
    }
    Reps.push_back(std::move(RO));
  }
  llvm::json::Array Skip;
  for (const NotTraced &N : Skipped)
    Skip.push_back(llvm::json::Object{{"function", N.Function},
                                      {"library", N.Library},
                                      {"reason", N.Reason}});
  llvm::json::Array TracedA;
  for (const std::string &T : Traced)
    TracedA.push_back(T);
  llvm::json::Object Top{{"reports", std::move(Reps)},
                         {"traced", std::move(TracedA)},
                         {"not_traced", std::move(Skip)}};
  if (CommandStatus >= 0)
    Top["exit_status"] = int64_t(CommandStatus);
  if (Ctx.Findings) {
    llvm::json::Array NotSeen;
    for (const StaticFinding &F : *Ctx.Findings)
      if (!F.SiteFile.empty() && !F.Seen)
        NotSeen.push_back(staticFindingJson(F));
    Top["static_findings_not_seen"] = std::move(NotSeen);
  }
  OS << llvm::formatv("{0:2}", llvm::json::Value(std::move(Top))) << "\n";
}

void custody::printReportsSarif(llvm::raw_ostream &OS,
                                const std::vector<TraceReport> &Reports,
                                const ReportContext &Ctx) {
  std::set<PrintedFinding> Findings;
  for (const TraceReport &R : Reports)
    for (const LiveGroup &G : R.Groups) {
      PrintedFinding F;
      if (!G.Stack.empty())
        F.Loc = printedLoc(G.Stack[siteFrame(G.Stack)]);
      F.Check = G.Check;
      F.Message = message(G, R, Ctx);
      for (const auto &[Frame, Text] : stackNotes(G.Stack, G.Function))
        F.Notes.push_back({printedLoc(*Frame), Text});
      if (G.Confirmed) {
        PrintedNote N;
        N.Loc.File = G.StaticFile;
        N.Loc.AbsFile = normalPath(G.StaticFile);
        N.Loc.Line = G.StaticLine;
        N.Loc.Column = G.StaticColumn;
        N.Message = "confirmed at run time: " + G.StaticMessage + " [" +
                    G.StaticCheck + "]";
        F.Notes.push_back(std::move(N));
      } else if (Ctx.Findings) {
        F.Notes.push_back({F.Loc, "no static finding acquires at this site: "
                                  "a contract or analysis gap"});
      }
      Findings.insert(std::move(F));
    }
  writeRuntimeSarif(OS, Findings);
}
