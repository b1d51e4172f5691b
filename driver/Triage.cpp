//===- Triage.cpp - custody triage: heap profiles and static findings -----===//
//
// `custody triage --heap-profile FILE [--findings custody.json]` reads a
// heap profile of a real run and says where its live memory comes from:
//
//  - the profile: jemalloc's (`heap_v2/PERIOD`, then for each stack an
//    `@ ADDRESSES` line and `t*: OBJECTS: BYTES [...]` of all threads) or
//    gperftools' (`heap profile: ...`, then `OBJECTS: BYTES [OBJECTS: BYTES]
//    @ ADDRESSES` per stack); both end with `MAPPED_LIBRARIES:` and the
//    process's /proc/self/maps, which map the addresses to objects. Sampled
//    jemalloc profiles are scaled up as jeprof does;
//  - each stack, its allocator frames left out, symbolized as custody trace
//    does (TraceReport.cpp), and matched with the static finding whose
//    acquisition site it passes through;
//  - the findings ranked by the live bytes (then objects) of their stacks;
//  - the heaviest stacks through no finding, each with the library call the
//    program made (the frame the program's own code called; the target of
//    its call instruction when the call goes through the PLT) and whether a
//    contract covers that function: if not, a contract to write next; if
//    so, memory kept on purpose or an analysis gap.
//
//===----------------------------------------------------------------------===//

#include "ContractLoader.h"
#include "Options.h"
#include "Trace.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Object/ELFObjectFile.h"
#include "llvm/Object/ObjectFile.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/TargetSelect.h"
#if LLVM_VERSION_MAJOR >= 21
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#endif
#include <algorithm>
#include <cmath>
#include <map>

/// The PLT entries of an ELF file (LLVM 21 needs the target's subtarget
/// info to decode them).
static std::vector<llvm::object::ELFPltEntry>
pltEntries(const llvm::object::ELFObjectFileBase &F) {
#if LLVM_VERSION_MAJOR >= 21
  llvm::Triple TT = F.makeTriple();
  std::string Err;
  const llvm::Target *T = llvm::TargetRegistry::lookupTarget(TT.str(), Err);
  if (!T)
    return {};
  std::unique_ptr<llvm::MCSubtargetInfo> STI(
      T->createMCSubtargetInfo(TT.str(), "", ""));
  if (!STI)
    return {};
  return F.getPltEntries(*STI);
#else
  return F.getPltEntries();
#endif
}

using namespace custody;

namespace {

struct TriageRequest {
  std::string Profile, FindingsFile, Output, Binary;
  std::string Format = "text";
  unsigned Top = 10;
  std::vector<std::string> ContractFiles;
  bool Builtins = true, ProjectContract = true;
};

/// One stack of the profile, as the allocator wrote it.
struct ProfileRecord {
  uint64_t Objects = 0, Bytes = 0;
  std::string Addresses;
};

struct HeapProfile {
  std::string Kind;          // "jemalloc" or "gperftools"
  uint64_t SamplePeriod = 0; // bytes between samples; 0 or 1: every one
  std::vector<ProfileRecord> Records;
  std::vector<Segment> Segments;
  std::string Executable; // the first object mapped
};

/// Memory live on one stack, the allocator's frames left out.
struct LiveStack {
  std::vector<TraceFrame> Stack;
  uint64_t Objects = 0, Bytes = 0;
  const StaticFinding *Finding = nullptr;
  bool FromProgram = false; // a frame of the program is on it
  std::string Call;         // the library function the program called
  std::string Allocation;   // the function the innermost frame called
  const FunctionContract *CallContract = nullptr;
};

/// A static finding and the live stacks through its acquisition site.
struct RankedFinding {
  const StaticFinding *Finding = nullptr;
  uint64_t Objects = 0, Bytes = 0;
  std::vector<const LiveStack *> Stacks; // heaviest first
};

int usage() {
  llvm::errs() << "usage: custody triage --heap-profile FILE [--findings "
                  "custody.json] [--format text|json|sarif] [--output FILE] "
                  "[--top N] [--binary EXE] [--contracts FILE]...\n";
  return 2;
}

void help() {
  llvm::outs() << R"(custody triage: a heap profile against the static findings

usage: custody triage --heap-profile FILE [OPTIONS]

Reads a heap profile of a run (jemalloc's with prof:true, or gperftools'
HEAPPROFILE), symbolizes its stacks, ranks the static findings by the live
bytes of the stacks that pass through their acquisition site, and lists the
heaviest live stacks that pass through none, each with the library call the
program made and whether a contract covers it (if not: the contract to
write next). docs/runtime.md describes it.

Options:
  --heap-profile FILE  the heap profile (jemalloc heap_v2 or gperftools)
  --findings FILE      custody's JSON findings (custody --format=json)
  --format text|json|sarif
                       the report's format (default text)
  --output FILE        write the report to FILE instead of standard output
  --top N              the live stacks through no finding to list (default
                       10; 0 for all)
  --binary EXE         the program's executable, when the profile names it
                       by another path (or the first object is not it)
  --contracts FILE     a contract file, as for the check (repeatable)
  --no-builtin-contracts, --no-project-contract

Exit codes: 0 no live memory in the profile, 1 live memory reported, 2 usage
error or a file that cannot be read.
)";
}

bool parseArgs(int argc, const char **argv, TriageRequest &Req, int &Exit) {
  for (int I = 1; I < argc; ++I) {
    llvm::StringRef A(argv[I]);
    std::string V;
    auto Value = [&](llvm::StringRef Name) {
      return optionValue(argc, argv, I, Name, V);
    };
    if (Value("--heap-profile")) {
      Req.Profile = V;
    } else if (Value("--findings")) {
      Req.FindingsFile = V;
    } else if (Value("--format")) {
      Req.Format = V;
    } else if (Value("--output") || Value("-o")) {
      Req.Output = V;
    } else if (Value("--binary")) {
      Req.Binary = V;
    } else if (Value("--top")) {
      if (llvm::StringRef(V).getAsInteger(10, Req.Top)) {
        llvm::errs() << "custody: error: --top '" << V << "' is not a number\n";
        Exit = 2;
        return false;
      }
    } else if (Value("--contracts")) {
      llvm::SmallString<256> Abs(V);
      llvm::sys::fs::make_absolute(Abs);
      Req.ContractFiles.push_back(std::string(Abs));
    } else if (A == "--no-builtin-contracts") {
      Req.Builtins = false;
    } else if (A == "--no-project-contract") {
      Req.ProjectContract = false;
    } else if (A == "-h" || A == "--help" || A == "-help") {
      help();
      Exit = 0;
      return false;
    } else {
      llvm::errs() << "custody: error: "
                   << (A.starts_with("-") ? "unknown option '"
                                          : "unexpected argument '")
                   << A << "' for 'custody triage'\n";
      Exit = usage();
      return false;
    }
  }
  if (Req.Profile.empty()) {
    llvm::errs() << "custody: error: no heap profile (give it with "
                    "--heap-profile FILE)\n";
    Exit = usage();
    return false;
  }
  if (Req.Format != "text" && Req.Format != "json" && Req.Format != "sarif") {
    llvm::errs() << "custody: error: unknown --format '" << Req.Format
                 << "' (expected text, json or sarif)\n";
    Exit = 2;
    return false;
  }
  if (!Req.Binary.empty() && !llvm::sys::fs::is_regular_file(Req.Binary)) {
    llvm::errs() << "custody: error: --binary '" << Req.Binary
                 << "': no such file\n";
    Exit = 2;
    return false;
  }
  return true;
}

/// 2 when the ELF file at Path is an executable linked at fixed addresses
/// (ET_EXEC), 3 for a position-independent one or a shared object, 0 when
/// it cannot be read.
unsigned elfType(const std::string &Path) {
  auto Buf = llvm::MemoryBuffer::getFileSlice(Path, 18, 0);
  if (!Buf || (*Buf)->getBufferSize() < 18 ||
      !(*Buf)->getBuffer().starts_with("\x7f"
                                       "ELF"))
    return 0;
  const unsigned char *P =
      reinterpret_cast<const unsigned char *>((*Buf)->getBufferStart());
  return P[16] | P[17] << 8;
}

/// The process's mappings (the lines of /proc/self/maps) as segments of the
/// objects they map.
std::vector<Segment> readMaps(llvm::ArrayRef<llvm::StringRef> Lines,
                              std::string &Executable) {
  struct Mapping {
    uint64_t Start, End, Offset;
    std::string Path;
  };
  std::vector<Mapping> Maps;
  for (llvm::StringRef Line : Lines) {
    // start-end perms offset dev inode path
    llvm::SmallVector<llvm::StringRef, 6> F;
    llvm::StringRef Rest = Line.trim();
    for (int I = 0; I < 5 && !Rest.empty(); ++I) {
      auto [Word, Tail] = Rest.split(' ');
      F.push_back(Word);
      Rest = Tail.ltrim();
    }
    if (F.size() != 5 || !Rest.starts_with("/"))
      continue;
    llvm::StringRef Path = Rest;
    Path.consume_back(" (deleted)");
    auto [From, To] = F[0].split('-');
    Mapping M;
    if (From.getAsInteger(16, M.Start) || To.getAsInteger(16, M.End) ||
        F[2].getAsInteger(16, M.Offset))
      continue;
    M.Path = normalPath(Path);
    if (Executable.empty())
      Executable = M.Path;
    Maps.push_back(std::move(M));
  }
  // An object's addresses are relative to where its first page is mapped;
  // an executable linked at fixed addresses has them absolute.
  std::map<std::string, uint64_t> Base;
  for (const Mapping &M : Maps)
    if (!Base.count(M.Path))
      Base[M.Path] = elfType(M.Path) == 2 ? 0 : M.Start - M.Offset;
  std::vector<Segment> Out;
  for (const Mapping &M : Maps) {
    Segment S;
    S.Start = M.Start;
    S.End = M.End;
    S.Bias = Base[M.Path];
    S.Path = M.Path;
    Out.push_back(std::move(S));
  }
  return Out;
}

/// jemalloc's estimate of what a sample stands for (as jeprof computes it):
/// an object of size S is sampled with probability 1 - exp(-S / Period).
void unsample(ProfileRecord &R, uint64_t Period) {
  if (Period <= 1 || !R.Objects || !R.Bytes)
    return;
  double Size = double(R.Bytes) / double(R.Objects);
  double Scale = 1 / (1 - std::exp(-Size / double(Period)));
  R.Objects = uint64_t(std::llround(double(R.Objects) * Scale));
  R.Bytes = uint64_t(std::llround(double(R.Bytes) * Scale));
}

/// "OBJECTS: BYTES", the live part of a line of either profile.
bool liveCounts(llvm::StringRef Text, ProfileRecord &R) {
  auto [Objects, Bytes] = Text.split(':');
  return !Objects.trim().getAsInteger(10, R.Objects) &&
         !Bytes.trim().getAsInteger(10, R.Bytes);
}

bool readProfile(const std::string &Path, HeapProfile &P, std::string &Error) {
  auto Buf = llvm::MemoryBuffer::getFile(Path);
  if (!Buf) {
    Error = Buf.getError().message();
    return false;
  }
  llvm::SmallVector<llvm::StringRef, 0> Lines;
  (*Buf)->getBuffer().split(Lines, '\n', -1, false);
  llvm::StringRef Head = Lines.empty() ? "" : Lines[0].trim();
  if (Head.starts_with("heap_v2/"))
    P.Kind = "jemalloc";
  else if (Head.starts_with("heap profile:"))
    P.Kind = "gperftools";
  else {
    Error = "neither a jemalloc heap profile ('heap_v2/...') nor a "
            "gperftools one ('heap profile: ...')";
    return false;
  }
  // The sampling period: jemalloc's "heap_v2/524288"; gperftools' sampled
  // profiles end their first line with "@ heap_v2/524288".
  size_t V2 = Head.find("heap_v2/");
  if (V2 != llvm::StringRef::npos)
    Head.substr(V2 + 8).trim().getAsInteger(10, P.SamplePeriod);
  size_t I = 1;
  bool Pending = false; // jemalloc: a stack waiting for its t* line
  for (; I < Lines.size(); ++I) {
    llvm::StringRef L = Lines[I].trim();
    if (L == "MAPPED_LIBRARIES:")
      break;
    if (P.Kind == "jemalloc") {
      if (L.consume_front("@ ")) {
        ProfileRecord R;
        R.Addresses = L.str();
        P.Records.push_back(std::move(R));
        Pending = true;
      } else if (Pending && L.consume_front("t*:")) {
        // "t*: 5: 5120 [0: 0]": live objects and bytes of all threads.
        if (!liveCounts(L.split('[').first, P.Records.back())) {
          Error = "line " + std::to_string(I + 1) + ": not 'OBJECTS: BYTES'";
          return false;
        }
        Pending = false;
      }
      continue;
    }
    // "5: 5000 [10: 10000] @ 0x... 0x...".
    auto [Counts, Addresses] = L.split('@');
    ProfileRecord R;
    if (Addresses.empty() || !liveCounts(Counts.split('[').first, R)) {
      Error = "line " + std::to_string(I + 1) +
              ": not 'OBJECTS: BYTES [OBJECTS: BYTES] @ ADDRESSES'";
      return false;
    }
    R.Addresses = Addresses.trim().str();
    P.Records.push_back(std::move(R));
  }
  if (I == Lines.size()) {
    Error = "no MAPPED_LIBRARIES section (the profile was cut short?)";
    return false;
  }
  P.Segments = readMaps(llvm::ArrayRef(Lines).drop_front(I + 1), P.Executable);
  for (ProfileRecord &R : P.Records)
    unsample(R, P.SamplePeriod);
  return true;
}

/// The allocators whose own frames begin jemalloc's stacks (gperftools
/// leaves its own out).
bool isAllocatorObject(llvm::StringRef Path) {
  llvm::StringRef Name = llvm::sys::path::filename(Path);
  return Name.starts_with("libjemalloc") || Name.starts_with("libtcmalloc");
}

/// The functions the calls of a program go to, read from its call
/// instructions: a call through the PLT names the function it binds to.
class CallTargets {
public:
  /// The function called by the instruction before ReturnAddress in the
  /// object at Path, when the call goes through the PLT or the GOT; "" else.
  std::string callee(const std::string &Path, uint64_t ReturnAddress) {
    Object &O = object(Path);
    if (!O.File)
      return "";
    llvm::StringRef Code;
    uint64_t Address = 0;
    for (const llvm::object::SectionRef &S : O.File->sections())
      if (S.isText() && ReturnAddress > S.getAddress() + 6 &&
          ReturnAddress <= S.getAddress() + S.getSize()) {
        if (auto C = S.getContents())
          Code = *C, Address = S.getAddress();
        else
          llvm::consumeError(C.takeError());
        break;
      }
    if (Code.empty())
      return "";
    size_t At = ReturnAddress - Address;
    auto Int32 = [&](size_t Pos) {
      return int32_t(uint32_t(uint8_t(Code[Pos])) |
                     uint32_t(uint8_t(Code[Pos + 1])) << 8 |
                     uint32_t(uint8_t(Code[Pos + 2])) << 16 |
                     uint32_t(uint8_t(Code[Pos + 3])) << 24);
    };
    // call rel32: E8, then the target relative to the return address.
    if (uint8_t(Code[At - 5]) == 0xe8) {
      auto It = O.Plt.find(ReturnAddress + int64_t(Int32(At - 4)));
      return It == O.Plt.end() ? "" : It->second;
    }
    // call *slot(%rip): FF 15 (-fno-plt), the GOT slot of the function.
    if (uint8_t(Code[At - 6]) == 0xff && uint8_t(Code[At - 5]) == 0x15) {
      auto It = O.Got.find(ReturnAddress + int64_t(Int32(At - 4)));
      return It == O.Got.end() ? "" : It->second;
    }
    return "";
  }

private:
  struct Object {
    llvm::object::OwningBinary<llvm::object::ObjectFile> Owner;
    const llvm::object::ELFObjectFileBase *File = nullptr;
    std::map<uint64_t, std::string> Plt, Got;
  };

  Object &object(const std::string &Path) {
    auto [It, New] = Objects.try_emplace(Path);
    Object &O = It->second;
    if (!New)
      return O;
    auto Bin = llvm::object::ObjectFile::createObjectFile(Path);
    if (!Bin) {
      llvm::consumeError(Bin.takeError());
      return O;
    }
    O.Owner = std::move(*Bin);
    O.File =
        llvm::dyn_cast<llvm::object::ELFObjectFileBase>(O.Owner.getBinary());
    if (!O.File)
      return O;
    static bool Targets = [] {
      llvm::InitializeAllTargetInfos();
      llvm::InitializeAllTargetMCs();
      return true;
    }();
    (void)Targets;
    for (const llvm::object::ELFPltEntry &E : pltEntries(*O.File))
      if (E.Symbol) {
        llvm::object::SymbolRef Sym(*E.Symbol, O.File);
        if (auto Name = Sym.getName())
          O.Plt[E.Address] = Name->str();
        else
          llvm::consumeError(Name.takeError());
      }
    for (const llvm::object::SectionRef &S : O.File->sections())
      for (const llvm::object::RelocationRef &R : S.relocations()) {
        auto Sym = R.getSymbol();
        if (Sym == O.File->symbol_end())
          continue;
        if (auto Name = Sym->getName())
          O.Got.try_emplace(R.getOffset(), Name->str());
        else
          llvm::consumeError(Name.takeError());
      }
    return O;
  }

  std::map<std::string, Object> Objects;
};

std::string plural(uint64_t N, llvm::StringRef One, llvm::StringRef Many) {
  return std::to_string(N) + " " + (N == 1 ? One : Many).str();
}

std::string amount(uint64_t Bytes, uint64_t Objects) {
  return plural(Bytes, "byte", "bytes") + " in " +
         plural(Objects, "object", "objects");
}

std::string callName(const LiveStack &S) {
  return S.Call.empty() ? std::string("the allocator") : "'" + S.Call + "'";
}

std::string findingMessage(const RankedFinding &R) {
  return amount(R.Bytes, R.Objects) +
         " live in the heap profile come through this finding's acquisition "
         "site: " +
         R.Finding->Message;
}

std::string uncoveredMessage(const LiveStack &S, bool WithFindings) {
  std::string M = amount(S.Bytes, S.Objects) + " live in the heap profile";
  if (!S.FromProgram)
    return M + ", allocated with no frame of the program on the stack";
  M += " from " + callName(S);
  if (WithFindings)
    M += ", through no static finding";
  return M;
}

/// Whether the contract says the function hands out something the caller
/// owns.
bool acquiresSomething(const FunctionContract &FC) {
  if (FC.Returns && FC.Returns->Owned)
    return true;
  if (FC.Opens && !FC.Opens->Borrowed)
    return true;
  return llvm::any_of(FC.Args, [](const auto &A) {
    return A.second.Kind == ArgEffect::Acquires ||
           A.second.Kind == ArgEffect::Retains;
  });
}

/// What to do about a stack through no finding.
std::string uncoveredAdvice(const LiveStack &S) {
  if (!S.FromProgram)
    return "";
  if (S.Call.empty())
    return "the program called the allocator here: memory kept on purpose, "
           "or an analysis gap";
  if (S.CallContract) {
    std::string Has =
        "'" + S.Call + "' has a contract (" + S.CallContract->Library + "): ";
    // Memory the call hands out is the resource of its contract; memory
    // allocated inside another call is the library's own.
    if (acquiresSomething(*S.CallContract))
      return Has + "memory kept on purpose, or an analysis gap";
    return Has +
           "memory the library keeps for itself (a stream's buffer, a "
           "cache), or a contract that does not say '" +
           S.Call + "' acquires it";
  }
  return "no contract covers '" + S.Call + "': write one for it next";
}

llvm::json::Value stackJson(const std::vector<TraceFrame> &Stack) {
  llvm::json::Array A;
  for (const TraceFrame &F : Stack)
    A.push_back(frameJson(F));
  return A;
}

llvm::json::Value siteJson(const std::vector<TraceFrame> &Stack) {
  if (Stack.empty() || Stack[siteFrame(Stack)].File.empty())
    return nullptr;
  const TraceFrame &F = Stack[siteFrame(Stack)];
  return llvm::json::Object{{"file", F.File},
                            {"line", int64_t(F.Line)},
                            {"column", int64_t(F.Column)}};
}

/// The program's frame that made the library call (the site frame when
/// there is none).
const TraceFrame &callFrame(const LiveStack &S, const std::string &Program) {
  for (const TraceFrame &F : S.Stack)
    if (F.Module == Program)
      return F;
  static TraceFrame Unknown;
  Unknown.Module = "?";
  return S.Stack.empty() ? Unknown : S.Stack[siteFrame(S.Stack)];
}

PrintedLoc findingLoc(const StaticFinding &F) {
  PrintedLoc L;
  L.File = F.File;
  L.AbsFile = normalPath(F.File);
  L.Line = F.Line;
  L.Column = F.Column;
  TraceFrame TF;
  TF.File = F.File;
  TF.Line = F.Line;
  L.SourceLine = printedLoc(TF).SourceLine;
  return L;
}

/// What a profile says, against the static findings.
struct Triage {
  HeapProfile Profile;
  std::string Program; // the executable
  std::vector<StaticFinding> Findings;
  bool WithFindings = false;
  std::vector<LiveStack> Stacks; // heaviest first
  uint64_t Bytes = 0, Objects = 0;
  std::vector<RankedFinding> Ranked; // heaviest first
  std::map<const StaticFinding *, size_t> RankOf;
  std::vector<const LiveStack *> Uncovered; // heaviest first
  size_t Listed = 0;                        // the first --top of them
};

/// The stacks of the profile, symbolized, matched with the findings and
/// ranked.
void analyze(Triage &T, unsigned Top, const ContractSet *Contracts) {
  // The stacks, the allocator's frames left out (two stacks that differ
  // only there are one).
  std::map<RawStack, LiveStack> ByStack;
  for (const ProfileRecord &R : T.Profile.Records) {
    if (!R.Bytes && !R.Objects)
      continue;
    RawStack Raw = mapStack(R.Addresses, T.Profile.Segments);
    size_t Own = 0;
    while (Own < Raw.size() && isAllocatorObject(Raw[Own].first))
      ++Own;
    Raw.erase(Raw.begin(), Raw.begin() + Own);
    LiveStack &S = ByStack[Raw];
    S.Objects += R.Objects;
    S.Bytes += R.Bytes;
  }
  CallTargets Targets;
  for (auto &[Raw, S] : ByStack) {
    S.Stack = symbolizeStack(Raw);
    T.Bytes += S.Bytes;
    T.Objects += S.Objects;
    if (T.WithFindings)
      S.Finding = findingOnStack(S.Stack, T.Findings);
    // The call from the program's code into a library: at the program's
    // innermost frame.
    size_t P = 0;
    while (P < Raw.size() && Raw[P].first != T.Program)
      ++P;
    S.FromProgram = P < Raw.size();
    if (!Raw.empty())
      S.Allocation = Targets.callee(Raw[0].first, Raw[0].second);
    if (S.FromProgram) {
      S.Call = Targets.callee(Raw[P].first, Raw[P].second);
      if (S.Call.empty() && P > 0) {
        std::vector<TraceFrame> Lib = symbolizeStack({Raw[P - 1]});
        if (!Lib.empty())
          S.Call = Lib.back().Function;
      }
      if (!S.Call.empty() && Contracts)
        S.CallContract = Contracts->lookup(S.Call);
      if (S.CallContract && S.CallContract->IsSummary)
        S.CallContract = nullptr;
    }
    T.Stacks.push_back(std::move(S));
  }
  auto Heavier = [](const auto &A, const auto &B) {
    return std::tie(B.Bytes, B.Objects) < std::tie(A.Bytes, A.Objects);
  };
  std::stable_sort(T.Stacks.begin(), T.Stacks.end(), Heavier);

  // The findings, by the live bytes of the stacks through their site.
  for (const LiveStack &S : T.Stacks) {
    if (!S.Finding) {
      T.Uncovered.push_back(&S);
      continue;
    }
    auto [It, New] = T.RankOf.try_emplace(S.Finding, T.Ranked.size());
    if (New) {
      T.Ranked.emplace_back();
      T.Ranked.back().Finding = S.Finding;
    }
    RankedFinding &R = T.Ranked[It->second];
    R.Bytes += S.Bytes;
    R.Objects += S.Objects;
    R.Stacks.push_back(&S);
  }
  std::stable_sort(T.Ranked.begin(), T.Ranked.end(), Heavier);
  T.Listed = Top && Top < T.Uncovered.size() ? Top : T.Uncovered.size();
}

void printText(llvm::raw_ostream &OS, const Triage &T) {
  const unsigned NotesPerFinding = 3;
  for (const RankedFinding &R : T.Ranked) {
    const StaticFinding &F = *R.Finding;
    OS << F.File << ":" << F.Line << ":" << F.Column
       << ": warning: " << findingMessage(R) << " [" << F.Check << "]\n";
    for (size_t I = 0; I < R.Stacks.size() && I < NotesPerFinding; ++I) {
      const LiveStack &S = *R.Stacks[I];
      if (S.Stack.empty())
        continue;
      OS << frameLocation(S.Stack[siteFrame(S.Stack)])
         << ": note: " << amount(S.Bytes, S.Objects) << " from " << callName(S)
         << " on this stack\n";
      printStackNotes(OS, S.Stack, S.Allocation);
    }
    if (R.Stacks.size() > NotesPerFinding) {
      uint64_t Bytes = 0;
      for (size_t I = NotesPerFinding; I < R.Stacks.size(); ++I)
        Bytes += R.Stacks[I]->Bytes;
      OS << F.File << ":" << F.Line << ":" << F.Column << ": note: and "
         << plural(R.Stacks.size() - NotesPerFinding, "more stack",
                   "more stacks")
         << " with " << plural(Bytes, "byte", "bytes") << "\n";
    }
  }
  for (size_t I = 0; I < T.Listed; ++I) {
    const LiveStack &S = *T.Uncovered[I];
    TraceFrame Unknown;
    Unknown.Module = "?";
    const TraceFrame &Site =
        S.Stack.empty() ? Unknown : S.Stack[siteFrame(S.Stack)];
    OS << frameLocation(Site)
       << ": warning: " << uncoveredMessage(S, T.WithFindings)
       << " [heap-uncovered]\n";
    printStackNotes(OS, S.Stack, S.Allocation);
    std::string Advice = uncoveredAdvice(S);
    if (!Advice.empty())
      OS << frameLocation(callFrame(S, T.Program)) << ": note: " << Advice
         << "\n";
  }
}

void printJson(llvm::raw_ostream &OS, const Triage &T,
               const std::string &ProfilePath) {
  llvm::json::Array Ranks, Gaps, NotLive;
  for (const RankedFinding &R : T.Ranked) {
    const StaticFinding &F = *R.Finding;
    llvm::json::Array Through;
    for (const LiveStack *S : R.Stacks)
      Through.push_back(llvm::json::Object{
          {"live_bytes", int64_t(S->Bytes)},
          {"live_objects", int64_t(S->Objects)},
          {"call", S->Call.empty() ? llvm::json::Value(nullptr)
                                   : llvm::json::Value(S->Call)},
          {"stack", stackJson(S->Stack)}});
    Ranks.push_back(llvm::json::Object{
        {"check", F.Check},
        {"message", F.Message},
        {"location", llvm::json::Object{{"file", F.File},
                                        {"line", int64_t(F.Line)},
                                        {"column", int64_t(F.Column)}}},
        {"site", llvm::json::Object{{"file", F.SiteFile},
                                    {"line", int64_t(F.SiteLine)}}},
        {"live_bytes", int64_t(R.Bytes)},
        {"live_objects", int64_t(R.Objects)},
        {"stacks", std::move(Through)}});
  }
  for (size_t I = 0; I < T.Listed; ++I) {
    const LiveStack &S = *T.Uncovered[I];
    llvm::json::Object G{
        {"message", uncoveredMessage(S, T.WithFindings)},
        {"live_bytes", int64_t(S.Bytes)},
        {"live_objects", int64_t(S.Objects)},
        {"from_program", S.FromProgram},
        {"call", S.Call.empty() ? llvm::json::Value(nullptr)
                                : llvm::json::Value(S.Call)},
        {"contract", S.CallContract ? llvm::json::Value(S.CallContract->Library)
                                    : llvm::json::Value(nullptr)},
        {"location", siteJson(S.Stack)},
        {"stack", stackJson(S.Stack)}};
    Gaps.push_back(std::move(G));
  }
  for (const StaticFinding &F : T.Findings)
    if (!F.SiteFile.empty() && !T.RankOf.count(&F))
      NotLive.push_back(staticFindingJson(F));
  llvm::json::Object Top{
      {"profile",
       llvm::json::Object{{"file", ProfilePath},
                          {"format", T.Profile.Kind},
                          {"sample_period", int64_t(T.Profile.SamplePeriod)},
                          {"live_bytes", int64_t(T.Bytes)},
                          {"live_objects", int64_t(T.Objects)},
                          {"stacks", int64_t(T.Stacks.size())}}},
      {"findings", std::move(Ranks)},
      {"uncovered", std::move(Gaps)},
      {"uncovered_stacks", int64_t(T.Uncovered.size())}};
  if (T.WithFindings)
    Top["findings_not_live"] = std::move(NotLive);
  OS << llvm::formatv("{0:2}", llvm::json::Value(std::move(Top))) << "\n";
}

void printSarif(llvm::raw_ostream &OS, const Triage &T) {
  std::set<PrintedFinding> Results;
  for (const RankedFinding &R : T.Ranked) {
    PrintedFinding P;
    P.Loc = findingLoc(*R.Finding);
    P.Check = R.Finding->Check;
    P.Message = findingMessage(R);
    const LiveStack &S = *R.Stacks.front();
    if (!S.Stack.empty())
      P.Notes.push_back({printedLoc(S.Stack[siteFrame(S.Stack)]),
                         amount(S.Bytes, S.Objects) + " from " + callName(S) +
                             " on this stack"});
    for (const auto &[Frame, Note] : stackNotes(S.Stack, S.Allocation))
      P.Notes.push_back({printedLoc(*Frame), Note});
    Results.insert(std::move(P));
  }
  for (size_t I = 0; I < T.Listed; ++I) {
    const LiveStack &S = *T.Uncovered[I];
    PrintedFinding P;
    if (!S.Stack.empty())
      P.Loc = printedLoc(S.Stack[siteFrame(S.Stack)]);
    P.Check = "heap-uncovered";
    P.Message = uncoveredMessage(S, T.WithFindings);
    std::string Advice = uncoveredAdvice(S);
    if (!Advice.empty())
      P.Message += ": " + Advice;
    for (const auto &[Frame, Note] : stackNotes(S.Stack, S.Allocation))
      P.Notes.push_back({printedLoc(*Frame), Note});
    Results.insert(std::move(P));
  }
  writeRuntimeSarif(OS, Results);
}

/// The profile's totals, the library calls without a contract and the
/// findings with no live memory, on standard error.
void printSummary(const Triage &T) {
  llvm::errs() << "custody: " << T.Profile.Kind << " heap profile";
  if (T.Profile.SamplePeriod > 1)
    llvm::errs() << " (sampled every " << T.Profile.SamplePeriod
                 << " bytes on average; counts are estimates)";
  llvm::errs() << ": " << amount(T.Bytes, T.Objects) << " live, on "
               << plural(T.Stacks.size(), "stack", "stacks");
  if (T.WithFindings) {
    uint64_t Through = 0;
    for (const RankedFinding &R : T.Ranked)
      Through += R.Bytes;
    unsigned Leaks = 0;
    for (const StaticFinding &F : T.Findings)
      Leaks += !F.SiteFile.empty();
    llvm::errs() << "; " << plural(Through, "byte", "bytes") << " through "
                 << T.Ranked.size() << " of "
                 << plural(Leaks, "static leak finding", "static leak findings")
                 << ", " << plural(T.Bytes - Through, "byte", "bytes")
                 << " through none";
  }
  llvm::errs() << "\n";
  // The library calls to write contracts for, heaviest first.
  std::map<std::string, uint64_t> Missing;
  for (const LiveStack *S : T.Uncovered)
    if (S->FromProgram && !S->Call.empty() && !S->CallContract)
      Missing[S->Call] += S->Bytes;
  if (!Missing.empty()) {
    std::vector<std::pair<std::string, uint64_t>> M(Missing.begin(),
                                                    Missing.end());
    std::stable_sort(M.begin(), M.end(), [](const auto &A, const auto &B) {
      return A.second > B.second;
    });
    llvm::errs() << "custody: library calls with live memory and no "
                    "contract (write contracts for them next):";
    for (const auto &[Fn, Bytes] : M)
      llvm::errs() << " '" << Fn << "' (" << plural(Bytes, "byte", "bytes")
                   << ")";
    llvm::errs() << "\n";
  }
  if (T.WithFindings) {
    unsigned NotLive = 0;
    for (const StaticFinding &F : T.Findings)
      NotLive += !F.SiteFile.empty() && !T.RankOf.count(&F);
    if (NotLive)
      llvm::errs() << "custody: "
                   << plural(NotLive, "static leak finding has",
                             "static leak findings have")
                   << " no live memory in the profile (the path did not run, "
                      "what leaks is not heap memory, or the wrong function "
                      "released it):\n";
    for (const StaticFinding &F : T.Findings)
      if (!F.SiteFile.empty() && !T.RankOf.count(&F))
        llvm::errs() << "  " << F.File << ":" << F.Line << ":" << F.Column
                     << ": " << F.Message << " [" << F.Check << "]\n";
  }
}

} // namespace

int custody::triageMain(int argc, const char **argv) {
  TriageRequest Req;
  int Exit = 0;
  if (!parseArgs(argc, argv, Req, Exit))
    return Exit;

  Triage T;
  HeapProfile &Profile = T.Profile;
  std::string Err;
  if (!readProfile(Req.Profile, Profile, Err)) {
    llvm::errs() << "custody: error: --heap-profile '" << Req.Profile
                 << "': " << Err << "\n";
    return 2;
  }
  T.WithFindings = !Req.FindingsFile.empty();
  if (T.WithFindings &&
      !readStaticFindings(Req.FindingsFile, T.Findings, Err)) {
    llvm::errs() << "custody: error: --findings '" << Req.FindingsFile
                 << "': " << Err << "\n";
    return 2;
  }
  std::vector<std::string> Files = Req.ContractFiles;
  if (Req.ProjectContract) {
    std::string Project = findProjectContract(".");
    if (!Project.empty())
      Files.push_back(Project);
  }
  std::vector<ContractError> Errors;
  std::shared_ptr<const ContractSet> Contracts =
      loadContracts(Files, Req.Builtins, nullptr, Errors);
  if (!Contracts && !Errors.empty()) {
    for (const ContractError &E : Errors)
      llvm::errs() << E.str() << "\n";
    return 2;
  }
  // --binary: the program's executable, where the profile's first object
  // was.
  std::string &Program = T.Program;
  Program = Profile.Executable;
  if (!Req.Binary.empty()) {
    Program = normalPath(Req.Binary);
    bool Fixed = elfType(Program) == 2;
    for (Segment &S : Profile.Segments)
      if (S.Path == Profile.Executable) {
        S.Path = Program;
        if (Fixed)
          S.Bias = 0;
      }
  }

  if (!Program.empty() && !llvm::sys::fs::exists(Program))
    llvm::errs() << "custody: warning: the profile's executable '" << Program
                 << "' is not there: its frames stay addresses (give "
                    "--binary EXE)\n";

  analyze(T, Req.Top, Contracts.get());

  std::string Text;
  llvm::raw_string_ostream OS(Text);
  if (Req.Format == "text")
    printText(OS, T);
  else if (Req.Format == "json")
    printJson(OS, T, Req.Profile);
  else
    printSarif(OS, T);
  OS.flush();
  if (int Rc = writeOutput(Req.Output, Text))
    return Rc;
  printSummary(T);
  return T.Bytes || T.Objects ? 1 : 0;
}
