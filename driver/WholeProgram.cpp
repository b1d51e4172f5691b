//===- WholeProgram.cpp - custody -p over the whole program ---------------===//

#include "WholeProgram.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

using namespace custody;
using namespace clang::tooling;

std::string custody::fileStamp(llvm::StringRef Path) {
  // Contents, not times: a store made on another machine (a CI shard, a
  // cache) is good for the same files. Each file is read once per run.
  static std::mutex Mu;
  static std::map<std::string, std::string> Seen;
  {
    std::lock_guard<std::mutex> Lock(Mu);
    auto It = Seen.find(Path.str());
    if (It != Seen.end())
      return It->second;
  }
  std::string Stamp = "-";
  if (auto Buf = llvm::MemoryBuffer::getFile(Path, /*IsText=*/false,
                                             /*RequiresNullTerminator=*/false))
    Stamp = llvm::utohexstr(llvm::xxh3_64bits((*Buf)->getBuffer()),
                            /*LowerCase=*/true);
  std::lock_guard<std::mutex> Lock(Mu);
  Seen[Path.str()] = Stamp;
  return Stamp;
}

namespace {

std::string hashText(llvm::StringRef Text) {
  return llvm::utohexstr(llvm::xxh3_64bits(Text), /*LowerCase=*/true);
}

/// custody's own binary: a rebuilt custody does not trust what it wrote
/// before, even at the same version.
const std::string &selfStamp() {
  static std::string Stamp = [] {
    static int Anchor;
    std::string Exe = llvm::sys::fs::getMainExecutable("custody", &Anchor);
    return fileStamp(Exe);
  }();
  return Stamp;
}

struct FileState {
  std::string File; // As the database names it.
  std::string Abs;
  std::string Text;
  std::string Key;
  StoreEntry Entry;
  bool Stored = false; // Entry holds results valid for Key.
  bool RanNow = false; // Analyzed in this run.
  bool Parsed = true;
  bool Fixed = false; // Another shard's: read from the store, never run.
  std::vector<size_t> Callees; // Files whose functions its text calls.
  size_t Component = 0;        // Its cycle of files calling each other.
  size_t CallersInCycle = 0;   // Files of its cycle that call it.
};

/// Tarjan's strongly connected components of the files' call graph,
/// numbered callees first.
void components(std::vector<FileState> &States) {
  size_t N = States.size(), Next = 0, Count = 0;
  std::vector<size_t> Index(N, SIZE_MAX), Low(N, 0), Stack;
  std::vector<bool> OnStack(N, false);
  std::function<void(size_t)> Visit = [&](size_t V) {
    Index[V] = Low[V] = Next++;
    Stack.push_back(V);
    OnStack[V] = true;
    for (size_t W : States[V].Callees) {
      if (Index[W] == SIZE_MAX) {
        Visit(W);
        Low[V] = std::min(Low[V], Low[W]);
      } else if (OnStack[W]) {
        Low[V] = std::min(Low[V], Index[W]);
      }
    }
    if (Low[V] == Index[V]) {
      size_t W;
      do {
        W = Stack.back();
        Stack.pop_back();
        OnStack[W] = false;
        States[W].Component = Count;
      } while (W != V);
      ++Count;
    }
  };
  for (size_t V = 0; V < N; ++V)
    if (Index[V] == SIZE_MAX)
      Visit(V);
}

std::string absolute(const CompilationDatabase &DB, const std::string &File) {
  llvm::SmallString<256> P(File);
  if (!llvm::sys::path::is_absolute(P)) {
    std::vector<CompileCommand> C = DB.getCompileCommands(File);
    if (!C.empty()) {
      llvm::SmallString<256> D(C[0].Directory);
      llvm::sys::path::append(D, P);
      P = D;
    } else {
      llvm::sys::fs::make_absolute(P);
    }
  }
  llvm::sys::path::remove_dots(P, /*remove_dot_dot=*/true);
  return std::string(P);
}

bool isIdent(char C) { return llvm::isAlnum(C) || C == '_'; }

/// Names a C file defines (a name and '(' on a line that starts at column
/// 0 and does not end a declaration) and names it calls (a name and '(').
/// Only for ordering the files: a miss costs one more run, never a result.
void scanText(llvm::StringRef Text, std::set<std::string> &Defines,
              std::set<std::string> &Calls) {
  llvm::SmallVector<llvm::StringRef, 0> Lines;
  Text.split(Lines, '\n');
  for (llvm::StringRef Line : Lines) {
    bool TopLevel = !Line.empty() && (isIdent(Line[0]) || Line[0] == '*') &&
                    !Line.rtrim().ends_with(";");
    bool First = true;
    for (size_t I = 0; I < Line.size();) {
      if (!isIdent(Line[I]) || llvm::isDigit(Line[I])) {
        ++I;
        continue;
      }
      size_t B = I;
      while (I < Line.size() && isIdent(Line[I]))
        ++I;
      size_t J = I;
      while (J < Line.size() && (Line[J] == ' ' || Line[J] == '\t'))
        ++J;
      if (J < Line.size() && Line[J] == '(') {
        std::string Name = Line.slice(B, I).str();
        if (TopLevel && First)
          Defines.insert(Name);
        else
          Calls.insert(Name);
        First = false;
      }
    }
  }
}

class Scheduler {
public:
  Scheduler(std::vector<FileState> &States, const WholeProgramOptions &O,
            AnalyzeFileFn &Analyze, WholeProgramStats &Stats)
      : States(States), O(O), Analyze(Analyze), Stats(Stats) {}

  /// Workers read snapshots of it: it is copied before a change only while
  /// one of them still holds it.
  std::shared_ptr<SummaryIndex> Index = std::make_shared<SummaryIndex>();
  /// Which file each summary in Index came from, and each file's summaries.
  std::map<std::string, size_t> Owner;
  std::map<size_t, std::vector<std::string>> Owned;

  /// Index with file F's summaries replaced by Defined (the first file of
  /// the list wins a function defined twice).
  void publish(size_t F, const std::vector<StoredSummary> &Defined) {
    if (Index.use_count() > 1)
      Index = std::make_shared<SummaryIndex>(*Index);
    for (const std::string &USR : Owned[F]) {
      auto It = Owner.find(USR);
      if (It != Owner.end() && It->second == F) {
        Index->erase(USR);
        Owner.erase(It);
      }
    }
    Owned[F].clear();
    for (const StoredSummary &S : Defined) {
      auto It = Owner.find(S.USR);
      if (It != Owner.end() && It->second < F)
        continue;
      if (It != Owner.end())
        llvm::erase(Owned[It->second], S.USR);
      Owner[S.USR] = F;
      Owned[F].push_back(S.USR);
      Index->put(S);
    }
  }

  /// Whether F's results were computed with what Index now says.
  bool current(size_t F) const {
    for (const auto &[USR, Print] : States[F].Entry.Inputs)
      if (Index->fingerprint(USR) != Print)
        return false;
    return true;
  }

  /// Runs the files of Work, callees first, Jobs at a time.
  void run(const std::vector<size_t> &Work) {
    std::set<size_t> InWork(Work.begin(), Work.end());
    Waiting.assign(Work.begin(), Work.end());
    // Callees' cycles first; in a cycle, the files most of it calls.
    llvm::stable_sort(Waiting, [&](size_t A, size_t B) {
      return std::make_pair(States[A].Component,
                            -long(States[A].CallersInCycle)) <
             std::make_pair(States[B].Component,
                            -long(States[B].CallersInCycle));
    });
    Done.clear();
    Running = 0;
    unsigned N = std::max(1u, std::min<unsigned>(O.Jobs, Work.size()));
    std::vector<std::thread> Threads;
    for (unsigned I = 0; I < N; ++I)
      Threads.emplace_back([&] { worker(InWork); });
    for (std::thread &T : Threads)
      T.join();
  }

private:
  std::vector<FileState> &States;
  const WholeProgramOptions &O;
  AnalyzeFileFn &Analyze;
  WholeProgramStats &Stats;
  std::mutex Mu;
  std::condition_variable CV;
  std::vector<size_t> Waiting;
  std::set<size_t> Done;
  unsigned Running = 0;
  size_t Finished = 0;

  /// The next file to run: the first whose callees in this round are done,
  /// but for those of its own cycle; with none and nothing running, the
  /// first waiting (not reached: some cycle has all its callees done).
  std::optional<size_t> pick(const std::set<size_t> &InWork) {
    for (size_t K = 0; K < Waiting.size(); ++K) {
      size_t F = Waiting[K];
      bool Ready = llvm::all_of(States[F].Callees, [&](size_t C) {
        return States[C].Component == States[F].Component || !InWork.count(C) ||
               Done.count(C);
      });
      if (Ready) {
        Waiting.erase(Waiting.begin() + K);
        return F;
      }
    }
    if (Running == 0 && !Waiting.empty()) {
      size_t F = Waiting.front();
      Waiting.erase(Waiting.begin());
      return F;
    }
    return std::nullopt;
  }

  void worker(const std::set<size_t> &InWork) {
    std::unique_lock<std::mutex> Lock(Mu);
    while (true) {
      std::optional<size_t> F;
      CV.wait(Lock, [&] {
        if (Waiting.empty())
          return true;
        F = pick(InWork);
        return F.has_value();
      });
      if (!F)
        return;
      ++Running;
      ProgramContext Program;
      Program.Index = Index;
      Lock.unlock();
      FileState &S = States[*F];
      auto Start = std::chrono::steady_clock::now();
      std::vector<std::string> Deps;
      llvm::json::Value Results = nullptr;
      bool Ok = Analyze(S.File, Program, Deps, Results);
      double Seconds = std::chrono::duration<double>(
                           std::chrono::steady_clock::now() - Start)
                           .count();
      Lock.lock();
      --Running;
      Done.insert(*F);
      ++Stats.Runs;
      S.RanNow = true;
      S.Parsed = Ok;
      S.Entry = StoreEntry();
      S.Entry.Version = storeVersion();
      S.Entry.File = S.Abs;
      S.Entry.Key = S.Key;
      llvm::sort(Deps);
      Deps.erase(std::unique(Deps.begin(), Deps.end()), Deps.end());
      for (const std::string &D : Deps)
        S.Entry.Deps.push_back({D, fileStamp(D)});
      // What it read, as the index it read said it.
      for (const std::string &USR : Program.Consulted)
        S.Entry.Inputs[USR] = Program.Index->fingerprint(USR).str();
      Program.Index.reset(); // Its snapshot is no longer read.
      S.Entry.Summaries = Program.Defined;
      S.Entry.Results = std::move(Results);
      publish(*F, Ok ? Program.Defined : std::vector<StoredSummary>());
      ++Finished;
      if (O.Progress)
        llvm::errs() << llvm::formatv("[{0}/{1}] {2} {3:F2} s{4}\n", Finished,
                                      States.size(), S.File, Seconds,
                                      Ok ? "" : " (did not parse)")
                            .str();
      CV.notify_all();
    }
  }
};

} // namespace

std::map<std::string, llvm::json::Value> custody::runWholeProgram(
    const CompilationDatabase &DB, const std::vector<std::string> &Files,
    const WholeProgramOptions &O, AnalyzeFileFn Analyze,
    WholeProgramStats &Stats, std::vector<std::string> &Failed) {
  std::vector<FileState> States(Files.size());
  Stats.Files = O.Only.empty() ? Files.size() : O.Only.size();
  bool StoreOk = true;
  if (std::error_code EC = llvm::sys::fs::create_directories(O.StoreDir)) {
    Stats.Notes.push_back("cannot create the summary store '" + O.StoreDir +
                          "': " + EC.message() + "; nothing is kept");
    StoreOk = false;
  }
  // Keys, and what the store holds that is still good.
  unsigned Stale = 0;
  std::string StaleWhy;
  for (size_t I = 0; I < Files.size(); ++I) {
    FileState &S = States[I];
    S.File = Files[I];
    S.Abs = absolute(DB, Files[I]);
    if (auto Buf = llvm::MemoryBuffer::getFile(S.Abs))
      S.Text = (*Buf)->getBuffer().str();
    std::string K = storeVersion() + "\n" + selfStamp() + "\n" + O.OptionsKey +
                    "\n" + hashText(S.Text) + "\n";
    for (const CompileCommand &C : DB.getCompileCommands(Files[I])) {
      K += C.Directory + "\n";
      for (const std::string &A : C.CommandLine)
        K += A + "\n";
    }
    S.Key = hashText(K);
    S.Fixed = !O.Only.empty() && !O.Only.count(S.File);
    if ((O.Fresh && !S.Fixed) || !StoreOk)
      continue;
    std::string Why;
    StoreEntry E;
    if (!readEntry(entryPath(O.StoreDir, S.Abs), E, Why)) {
      if (llvm::StringRef(Why).starts_with("written by")) {
        ++Stale;
        StaleWhy = Why;
      }
      continue;
    }
    if (E.Key != S.Key || E.File != S.Abs)
      continue;
    bool Same = llvm::all_of(
        E.Deps, [](const auto &D) { return fileStamp(D.first) == D.second; });
    if (!Same)
      continue;
    S.Entry = std::move(E);
    S.Stored = true;
  }

  if (Stale)
    Stats.Notes.push_back(
        llvm::formatv("the summary store '{0}' holds {1} file{2} {3}; not "
                      "trusted, {4} made again",
                      O.StoreDir, Stale, Stale == 1 ? "" : "s", StaleWhy,
                      Stale == 1 ? "it is" : "they are")
            .str());
  Scheduler Sched(States, O, Analyze, Stats);
  for (size_t I = 0; I < States.size(); ++I)
    if (States[I].Stored)
      Sched.publish(I, States[I].Entry.Summaries);

  std::vector<size_t> Work;
  for (size_t I = 0; I < States.size(); ++I)
    if (!States[I].Fixed && (!States[I].Stored || !Sched.current(I)))
      Work.push_back(I);

  if (Work.size() > 1) {
    // Callees first, as the files' text tells.
    std::vector<std::set<std::string>> Defines(States.size()),
        Calls(States.size());
    std::map<std::string, std::vector<size_t>> DefinedIn;
    for (size_t I = 0; I < States.size(); ++I) {
      scanText(States[I].Text, Defines[I], Calls[I]);
      for (const std::string &N : Defines[I])
        DefinedIn[N].push_back(I);
    }
    for (size_t I = 0; I < States.size(); ++I) {
      std::set<size_t> C;
      for (const std::string &N : Calls[I]) {
        if (Defines[I].count(N))
          continue;
        auto It = DefinedIn.find(N);
        if (It != DefinedIn.end() && It->second.size() == 1)
          C.insert(It->second.front());
      }
      States[I].Callees.assign(C.begin(), C.end());
    }
    components(States);
    for (FileState &S : States)
      for (size_t C : S.Callees)
        if (States[C].Component == S.Component)
          ++States[C].CallersInCycle;
  }

  for (unsigned Round = 0; !Work.empty() && Round < O.MaxRounds; ++Round) {
    ++Stats.Rounds;
    Sched.run(Work);
    Work.clear();
    for (size_t I = 0; I < States.size(); ++I)
      if (!States[I].Fixed && States[I].Parsed && !Sched.current(I))
        Work.push_back(I);
  }
  Stats.Unsettled = Work.size();

  std::map<std::string, llvm::json::Value> Out;
  for (FileState &S : States) {
    if (S.Fixed)
      continue;
    if (!S.RanNow)
      ++Stats.Reused;
    if (!S.Parsed) {
      Failed.push_back(S.File);
      llvm::sys::fs::remove(entryPath(O.StoreDir, S.Abs));
      continue;
    }
    if (S.RanNow && StoreOk) {
      std::string Error;
      if (!writeEntry(entryPath(O.StoreDir, S.Abs), S.Entry, Error)) {
        ++Stats.StoreErrors;
        if (Stats.StoreErrors == 1)
          Stats.Notes.push_back("cannot write to the summary store '" +
                                O.StoreDir + "': " + Error);
      }
    }
    Out.insert_or_assign(S.File, S.Entry.Results);
  }
  llvm::sort(Failed);
  return Out;
}

int custody::mergeSummariesMain(int argc, const char **argv) {
  if (argc < 3 || llvm::StringRef(argv[1]).starts_with("-")) {
    llvm::StringRef A = argc > 1 ? argv[1] : "";
    bool Help = A == "--help" || A == "-help" || A == "-h";
    (Help ? llvm::outs() : llvm::errs())
        << (Help ? "" : "custody: error: ")
        << "usage: custody summaries merge OUT_DIR STORE_DIR...\n"
           "  Combines the summary stores of shards (custody -p BUILD_DIR "
           "--shard I/N\n  --summary-store STORE_DIR) into OUT_DIR; a file "
           "several stores hold is\n  taken from the first of them. Then "
           "'custody -p BUILD_DIR --summary-store\n  OUT_DIR' runs again "
           "only the files whose callees another shard summarized.\n";
    return Help ? 0 : 2;
  }
  std::string Out = argv[1];
  if (std::error_code EC = llvm::sys::fs::create_directories(Out)) {
    llvm::errs() << "custody: error: cannot create '" << Out
                 << "': " << EC.message() << "\n";
    return 2;
  }
  std::set<std::string> Taken;
  unsigned Copied = 0, Skipped = 0;
  for (int I = 2; I < argc; ++I) {
    llvm::StringRef Dir = argv[I];
    if (!llvm::sys::fs::is_directory(Dir)) {
      llvm::errs() << "custody: error: '" << Dir
                   << "' is not a summary store (not a directory)\n";
      return 2;
    }
    std::vector<std::string> Paths;
    std::error_code EC;
    for (llvm::sys::fs::directory_iterator It(Dir, EC), End; It != End && !EC;
         It.increment(EC))
      if (llvm::StringRef(It->path()).ends_with(".json"))
        Paths.push_back(It->path());
    llvm::sort(Paths);
    for (const std::string &P : Paths) {
      StoreEntry E;
      std::string Why;
      if (!readEntry(P, E, Why)) {
        llvm::errs() << "custody: note: '" << P << "' left out: " << Why
                     << "\n";
        ++Skipped;
        continue;
      }
      if (!Taken.insert(E.File).second)
        continue;
      std::string Error;
      if (!writeEntry(entryPath(Out, E.File), E, Error)) {
        llvm::errs() << "custody: error: cannot write to '" << Out
                     << "': " << Error << "\n";
        return 2;
      }
      ++Copied;
    }
  }
  llvm::errs() << "custody: merged " << Copied << " file"
               << (Copied == 1 ? "" : "s") << " into '" << Out << "'";
  if (Skipped)
    llvm::errs() << " (" << Skipped << " left out)";
  llvm::errs() << "\n";
  return 0;
}
