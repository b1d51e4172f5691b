//===- ImportCppcheck.cpp - cppcheck library configs to contracts ---------===//
//
// `custody contracts import-cppcheck FILE.cfg... [-o OUT.yaml]` turns the
// allocation and deallocation groups of cppcheck library configurations
// (<memory> and <resource>) and their <leak-ignore/> functions into one
// custody contract. Several configurations are merged as cppcheck merges the
// libraries it is given together. Everything the contract format cannot say
// is reported as a note on standard error and listed in a comment at the top
// of the output: nothing is dropped silently. The contract is loaded with the
// engine's loader before it is written, so what is printed always loads.
//
//===----------------------------------------------------------------------===//

#include "ContractLoader.h"
#include "Options.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/YAMLParser.h"
#include "llvm/Support/raw_ostream.h"
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <map>
#include <optional>
#include <string>
#include <vector>

using namespace custody;
using llvm::StringRef;

namespace {

const char *const Usage =
    "usage: custody contracts import-cppcheck FILE.cfg... [-o OUT.yaml] "
    "[--keep-builtin-functions] [--contracts FILE.yaml]...\n";

const char *const Help =
    "\n"
    "Turns the <memory> and <resource> groups of a cppcheck library\n"
    "configuration into a custody contract, and its <leak-ignore/> functions\n"
    "into 'non_owning'. What the contract format cannot express is reported\n"
    "on standard error as notes and listed at the top of the contract.\n"
    "Several configurations make one contract, merged as cppcheck merges\n"
    "them (--library=posix --library=gnu): groups that share a deallocator\n"
    "are one resource, and where they disagree the first file given wins.\n"
    "\n"
    "  -o OUT.yaml   write the contract to OUT.yaml instead of standard "
    "output\n"
    "  --keep-builtin-functions\n"
    "                also import functions custody's built-in contracts\n"
    "                describe (malloc, fopen, sqlite3_open ...); the contract\n"
    "                must then be loaded with --no-builtin-contracts\n"
    "  --contracts FILE.yaml\n"
    "                a contract this one is loaded beside (another import):\n"
    "                functions it describes are left out, groups it releases\n"
    "                hand out its resources, and the contract includes it;\n"
    "                may be given more than once\n"
    "  --help        print this help\n"
    "\n"
    "Exit codes: 0 imported, 2 usage error or a file that is missing, is not\n"
    "XML or is not a cppcheck library configuration.\n";

bool isCIdentifier(StringRef S) {
  if (S.empty() || !(isalpha((unsigned char)S[0]) || S[0] == '_'))
    return false;
  return llvm::all_of(
      S, [](char C) { return isalnum((unsigned char)C) || C == '_'; });
}

/// Letters, digits, '_' and '-' kept, runs of anything else become one '-'.
std::string sanitizeName(StringRef S) {
  std::string Out;
  for (char C : S) {
    if (isalnum((unsigned char)C) || C == '_' || C == '-')
      Out += C;
    else if (!Out.empty() && Out.back() != '-')
      Out += '-';
  }
  while (!Out.empty() && Out.back() == '-')
    Out.pop_back();
  return Out;
}

std::string text(xmlNode *N) {
  xmlChar *C = xmlNodeGetContent(N);
  std::string S = C ? (const char *)C : "";
  xmlFree(C);
  return StringRef(S).trim().str();
}

std::optional<std::string> attr(xmlNode *N, const char *Name) {
  xmlChar *V = xmlGetProp(N, (const xmlChar *)Name);
  if (!V)
    return std::nullopt;
  std::string S = (const char *)V;
  xmlFree(V);
  return S;
}

StringRef name(xmlNode *N) { return (const char *)N->name; }

unsigned lineOf(xmlNode *N) {
  long L = xmlGetLineNo(N);
  return L > 0 ? (unsigned)L : 0;
}

/// An argument number as cppcheck writes it: 1 is the first argument.
std::optional<unsigned> parseArgNumber(StringRef S) {
  unsigned N;
  if (S.trim().getAsInteger(10, N) || N == 0)
    return std::nullopt;
  return N;
}

/// Whether a return type is an integer (a file descriptor, a count), which
/// has no NULL to fail with. Anything else, including the handle typedefs
/// of Windows (HANDLE, HPEN), is taken as a pointer.
bool isIntegerType(StringRef Type) {
  static const llvm::StringSet<> Words = {
      "int",      "long",     "short",   "char",    "unsigned", "signed",
      "const",    "ssize_t",  "size_t",  "off_t",   "pid_t",    "mqd_t",
      "key_t",    "SOCKET",   "BOOL",    "DWORD",   "intptr_t", "uintptr_t",
      "int8_t",   "int16_t",  "int32_t", "int64_t", "uint8_t",  "uint16_t",
      "uint32_t", "uint64_t", "bool",    "void",    "errno_t",  "RPC_STATUS"};
  llvm::SmallVector<StringRef, 4> Parts;
  Type.split(Parts, ' ', -1, false);
  if (Parts.empty() || Type.contains('*'))
    return false;
  return llvm::all_of(Parts, [](StringRef P) { return Words.contains(P); });
}

/// Pointer allocators that fail with (void *)-1 rather than NULL: POSIX
/// specifies MAP_FAILED for mmap (and Linux for mmap64 and mremap), and
/// (void *)-1 for shmat. cppcheck's configurations list them as allocators
/// without saying what they return on failure (posix.cfg has MAP_FAILED only
/// as a <define>), so the import knows these few by name.
bool failsWithMinusOne(StringRef Fn) {
  return Fn == "mmap" || Fn == "mmap64" || Fn == "mremap" || Fn == "shmat";
}

/// Whether Fn is an x-prefixed wrapper of a C library allocator (xmalloc,
/// xcalloc, xrealloc, xstrdup ...): GNU's libiberty and gnulib define these
/// to report an allocation failure and exit, so they never return NULL.
/// cppcheck's configurations do not say so (gnu.cfg gives xmalloc the same
/// <use-retval/> and return type as malloc, and no no-fail="true"), so the
/// import goes by the name.
bool exitsOnFailure(StringRef Fn) {
  static const llvm::StringSet<> Wrapped = {
      "malloc", "calloc", "realloc", "reallocarray", "strdup", "strndup"};
  return Fn.size() > 1 && Fn[0] == 'x' && Wrapped.contains(Fn.drop_front());
}

/// When an allocator through an out-parameter (<alloc arg="N">) sets it.
struct OutParam {
  /// The success condition of the result; empty: *arg is acquired on every
  /// outcome.
  std::string Success;
  std::string Why; // for the comment above the entry
};

/// cppcheck does not say whether *arg is set when the call fails. The
/// convention of C functions that return an object through a pointer is to
/// report success through their result and to set the pointer only then
/// (posix_memalign, getaddrinfo, _dupenv_s): the result's type gives the
/// success condition. Two short lists name the exceptions the convention
/// cannot tell: results that are counts, and pointers set even on failure.
OutParam outParamRule(StringRef Fn, StringRef ReturnType) {
  // The object is there to release even when the call fails.
  static const llvm::StringMap<const char *> SetOnFailure = {
      {"getline", "POSIX says the buffer it allocates must be freed even when "
                  "it fails"},
      {"getdelim", "POSIX says the buffer it allocates must be freed even "
                   "when it fails"},
      {"sqlite3_open", "SQLite returns a connection even when the open "
                       "fails, and it must be closed"},
      {"sqlite3_open16", "SQLite returns a connection even when the open "
                         "fails, and it must be closed"},
      {"sqlite3_open_v2", "SQLite returns a connection even when the open "
                          "fails, and it must be closed"}};
  // Their result is a count, or -1 on failure (POSIX, GNU).
  static const llvm::StringSet<> Counts = {"scandir", "scandirat", "asprintf",
                                           "vasprintf"};
  auto S = SetOnFailure.find(Fn);
  if (S != SetOnFailure.end())
    return {"", std::string("*arg is acquired on every outcome: ") + S->second +
                    "."};
  if (Counts.contains(Fn))
    return {">= 0", "*arg is set only when the call succeeds: its result is "
                    "a count, -1 on failure."};
  if (ReturnType == "BOOL" || ReturnType == "bool")
    return {"!= 0", "*arg is set only when the call succeeds: it returns " +
                        ReturnType.str() + ", true on success."};
  if (!ReturnType.empty() && ReturnType != "void" && isIntegerType(ReturnType))
    return {"== 0", "*arg is set only when the call succeeds: it returns " +
                        ReturnType.str() +
                        ", taken as a status, 0 on success and an error code "
                        "otherwise, as functions that return an object "
                        "through a pointer do (the configuration does not "
                        "say)."};
  return {"", "The configuration does not say whether *arg is set when the "
              "call fails; if only on success, add a 'success' condition "
              "and 'when: success'."};
}

/// A place in the configurations: which of the files given (0 for the
/// first) and the line in it.
struct Loc {
  unsigned File = 0;
  unsigned Line = 0;

  bool operator==(const Loc &O) const {
    return File == O.File && Line == O.Line;
  }
  bool operator<(const Loc &O) const {
    return File != O.File ? File < O.File : Line < O.Line;
  }
};

/// What a <function> entry says that matters here, merged over every entry
/// of the function in every file.
struct FunctionInfo {
  Loc At; // the first entry
  bool LeakIgnore = false;
  std::string ReturnType;
  std::map<unsigned, bool> ArgNotNull; // 1-based argument -> <not-null/>
};

struct AllocEntry {
  std::string Name;
  Loc At;
  bool Realloc = false;
  unsigned Arg = 0;        // 1-based out-parameter; 0: the result
  unsigned ReallocArg = 1; // 1-based argument a <realloc> takes over
  bool NoFail = false;
};

struct DeallocEntry {
  std::string Name;
  Loc At;
  unsigned Arg = 1; // 1-based
};

struct Group {
  bool IsResource = false;
  Loc At;
  std::vector<Loc> MergedAt; // the groups merged into this one
  std::vector<AllocEntry> Allocs;
  std::vector<DeallocEntry> Deallocs;
  std::string Name; // the custody resource
  /// A resource of a contract the import is loaded beside (a built-in one,
  /// or one given with --contracts): a deallocator of the group is that
  /// contract's, so its remaining allocators hand out that resource, its
  /// remaining deallocators release it, and the group gets no resource of
  /// its own.
  std::string Builtin;
  std::string BuiltinLibrary; // the library of that contract
  /// Its entries were moved into another group.
  bool Merged = false;
};

struct ArgEffect {
  std::string Kind; // acquires, releases
  std::string Resource;
  std::string When; // empty: always
  Loc At;
  bool ViaReleaseList = false; // argument 0 released through `release:`
};

/// One function of the output, as effects are added to it.
struct FunctionModel {
  std::string Name;
  Loc At; // where it first appears
  std::optional<std::string> Returns;
  bool NullOnFailure = false;
  std::string Success; // a success condition, if not implied
  Loc ReturnsAt;
  std::map<unsigned, ArgEffect> Args; // 0-based
  std::vector<std::string> Comments;

  bool needsEntry() const {
    if (Returns)
      return true;
    return llvm::any_of(Args,
                        [](const auto &A) { return !A.second.ViaReleaseList; });
  }
};

/// One configuration given on the command line.
struct Input {
  std::string Path;
  std::string Stem;  // for resource names: the file name without .cfg
  std::string Short; // how a place in it is named among several files
  std::unique_ptr<llvm::MemoryBuffer> Buffer;
};

class Importer {
public:
  /// Paths: the configurations, merged in this order (the first wins where
  /// they disagree).
  /// Known: the contracts this one is loaded beside (the built-in ones, and
  /// those given with --contracts), whose functions are left out; null to
  /// import everything.
  /// BuiltinLibraries: the libraries of Known that are built in; Includes:
  /// the files given with --contracts, as the contract's 'include' names
  /// them.
  Importer(const std::vector<std::string> &Paths, const ContractSet *Known,
           llvm::StringSet<> BuiltinLibraries,
           std::vector<std::string> Includes);

  /// Reads the files; false after printing an error.
  bool read();
  std::string contract();
  void printNotes(llvm::raw_ostream &OS);

private:
  struct KindNote {
    Loc At;
    unsigned Count;
    std::string What;
    std::string Why;
  };
  struct Note {
    Loc At;
    std::string Text;
  };

  std::vector<Input> Inputs;
  unsigned Current = 0; // the file being read
  const ContractSet *Known;
  llvm::StringSet<> BuiltinLibraries;
  std::vector<std::string> Includes;
  std::vector<Group> Groups;
  llvm::StringMap<size_t> DeallocGroup; // dealloc name -> group
  llvm::StringMap<FunctionInfo> Functions;
  std::vector<std::pair<std::string, Loc>> LeakIgnored; // in file order
  std::vector<std::pair<std::string, Loc>> Used;        // <use>
  std::vector<FunctionModel> Models;
  llvm::StringMap<size_t> ModelIndex;
  std::vector<Note> Notes;
  std::vector<KindNote> KindNotes;
  llvm::StringMap<size_t> KindIndex;

  bool readFile(unsigned File);
  Loc at(xmlNode *N) { return {Current, lineOf(N)}; }
  /// "line N" when there is one file, "FILE:N" among several.
  std::string where(Loc L) const {
    if (Inputs.size() == 1)
      return "line " + std::to_string(L.Line);
    return Inputs[L.File].Short + ":" + std::to_string(L.Line);
  }
  /// Whether A and B come from different files: the same entry in two
  /// configurations is no contradiction.
  static bool apart(Loc A, Loc B) { return A.File != B.File; }
  void error(unsigned File, unsigned Line, unsigned Col,
             const llvm::Twine &Message);
  unsigned columnOf(unsigned File, unsigned Line, StringRef Tag);
  void note(Loc At, const llvm::Twine &Text) {
    Notes.push_back({At, Text.str()});
  }
  void noteKind(StringRef Key, Loc At, StringRef What, StringRef Why);

  void readGroup(xmlNode *G);
  void mergeGroup(Group &Into, Group &&From);
  void readFunction(xmlNode *F);
  void dropBuiltinFunctions();
  void buildModels();
  FunctionModel &model(const std::string &Name, Loc At);
  bool addReturns(const std::string &Fn, Loc At, const Group &G,
                  bool NullOnFailure);
  bool addArg(const std::string &Fn, Loc At, unsigned Index, ArgEffect E,
              const Group &G);
  std::string describe(const std::string &Fn);
  std::string contractOf(StringRef Library) {
    return BuiltinLibraries.contains(Library)
               ? "a built-in contract"
               : "the contract of '" + Library.str() + "' (--contracts)";
  }
  std::string nullRelease(const Group &G, std::string &Why);
  std::vector<std::pair<Loc, std::string>> allNotes();
};

Importer::Importer(const std::vector<std::string> &Paths,
                   const ContractSet *Known, llvm::StringSet<> BuiltinLibraries,
                   std::vector<std::string> Includes)
    : Known(Known), BuiltinLibraries(std::move(BuiltinLibraries)),
      Includes(std::move(Includes)) {
  llvm::StringMap<unsigned> Names; // file name -> how many inputs have it
  for (const std::string &P : Paths)
    ++Names[llvm::sys::path::filename(P)];
  for (const std::string &P : Paths) {
    Input I;
    I.Path = P;
    I.Stem = sanitizeName(llvm::sys::path::stem(P));
    if (I.Stem.empty())
      I.Stem = "cppcheck";
    // Two inputs of the same file name are named by their paths.
    StringRef Name = llvm::sys::path::filename(P);
    I.Short = Names[Name] > 1 ? P : Name.str();
    Inputs.push_back(std::move(I));
  }
}

void Importer::error(unsigned File, unsigned Line, unsigned Col,
                     const llvm::Twine &Message) {
  llvm::errs() << "custody: error: " << Inputs[File].Path << ":" << Line << ":"
               << Col << ": " << Message << "\n";
}

/// The column of "<Tag" on Line of the file, 1 if it is not found.
unsigned Importer::columnOf(unsigned File, unsigned Line, StringRef Tag) {
  StringRef Rest = Inputs[File].Buffer->getBuffer();
  for (unsigned L = 1; L < Line && !Rest.empty(); ++L)
    Rest = Rest.split('\n').second;
  size_t Pos = Rest.split('\n').first.find(("<" + Tag).str());
  return Pos == StringRef::npos ? 1 : Pos + 1;
}

void Importer::noteKind(StringRef Key, Loc At, StringRef What, StringRef Why) {
  // One note per kind and file.
  std::string K = std::to_string(At.File) + "/" + Key.str();
  auto It = KindIndex.find(K);
  if (It != KindIndex.end()) {
    ++KindNotes[It->second].Count;
    return;
  }
  KindIndex[K] = KindNotes.size();
  KindNotes.push_back({At, 1, What.str(), Why.str()});
}

bool Importer::read() {
  for (unsigned F = 0; F < Inputs.size(); ++F)
    if (!readFile(F))
      return false;
  llvm::erase_if(Groups, [](const Group &G) { return G.Merged; });
  dropBuiltinFunctions();
  buildModels();
  return true;
}

bool Importer::readFile(unsigned File) {
  Current = File;
  Input &In = Inputs[File];
  auto BufOrErr = llvm::MemoryBuffer::getFile(In.Path, /*IsText=*/true);
  if (!BufOrErr) {
    error(File, 0, 0, "cannot open: " + BufOrErr.getError().message());
    return false;
  }
  In.Buffer = std::move(*BufOrErr);

  xmlParserCtxtPtr Ctxt = xmlNewParserCtxt();
  if (!Ctxt) {
    error(File, 0, 0, "cannot create an XML parser");
    return false;
  }
  xmlDocPtr Doc = xmlCtxtReadMemory(
      Ctxt, In.Buffer->getBufferStart(), (int)In.Buffer->getBufferSize(),
      In.Path.c_str(), nullptr,
      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
          XML_PARSE_BIG_LINES);
  if (!Doc) {
    xmlErrorPtr E = xmlCtxtGetLastError(Ctxt);
    std::string Msg = E && E->message ? StringRef(E->message).trim().str()
                                      : std::string("cannot parse");
    error(File, E ? E->line : 0, E ? E->int2 : 0, "invalid XML: " + Msg);
    xmlFreeParserCtxt(Ctxt);
    return false;
  }
  xmlFreeParserCtxt(Ctxt);

  xmlNode *Root = xmlDocGetRootElement(Doc);
  if (!Root || name(Root) != "def") {
    unsigned Line = Root ? lineOf(Root) : 1;
    error(File, Line, Root ? columnOf(File, Line, name(Root)) : 1,
          "not a cppcheck library configuration: the root element is <" +
              (Root ? name(Root) : StringRef("none")) + ">, not <def>");
    xmlFreeDoc(Doc);
    return false;
  }

  // Functions first: groups need their return types and <not-null/> marks.
  for (xmlNode *N = Root->children; N; N = N->next)
    if (N->type == XML_ELEMENT_NODE && name(N) == "function")
      readFunction(N);

  for (xmlNode *N = Root->children; N; N = N->next) {
    if (N->type != XML_ELEMENT_NODE)
      continue;
    StringRef Tag = name(N);
    Loc At = at(N);
    if (Tag == "memory" || Tag == "resource")
      readGroup(N);
    else if (Tag == "function")
      continue;
    else if (Tag == "define")
      noteKind("define", At, "<define>",
               "custody reads macros from the headers the code includes");
    else if (Tag == "podtype" || Tag == "platformtype")
      noteKind(Tag, At, ("<" + Tag + ">").str(),
               "custody reads types from the code's own declarations");
    else if (Tag == "container" || Tag == "smart-pointer")
      noteKind(Tag, At, ("<" + Tag + ">").str(),
               "C++ classes have no counterpart in contracts, which describe "
               "C functions");
    else if (Tag == "entrypoint")
      noteKind(Tag, At, "<entrypoint>",
               "it feeds cppcheck's unused-function check, which custody "
               "does not have");
    else
      noteKind(Tag, At, ("<" + Tag + ">").str(),
               "no counterpart in custody contracts");
  }
  xmlFreeDoc(Doc);
  return true;
}

void Importer::dropBuiltinFunctions() {
  if (!Known)
    return;
  auto Described = [&](StringRef Fn) -> const FunctionContract * {
    const FunctionContract *FC = Known->lookup(Fn);
    // Entries of a lock's own library describe no ownership; one that another
    // library's entry took the lock effect of does (PyMem_RawMalloc: the
    // result from cpython-memory, the lock from cpython-gil).
    return FC && (FC->LockLibrary.empty() || FC->LockLibrary != FC->Library)
               ? FC
               : nullptr;
  };
  auto Drop = [&](StringRef Fn, Loc At, const FunctionContract *FC) {
    if (BuiltinLibraries.contains(FC->Library))
      noteKind("builtin", At, "functions a built-in contract describes",
               "custody's own contract (" + FC->Library +
                   ") wins; --keep-builtin-functions imports them too");
    else
      noteKind("beside", At,
               "functions a contract given with --contracts describes",
               "its entry (" + FC->Library +
                   ") wins: this contract is loaded beside it");
  };
  for (Group &G : Groups) {
    // The resource the built-in contract releases with the first known
    // deallocator: what the group's other allocators then hand out.
    std::string Released, Library;
    for (const DeallocEntry &D : G.Deallocs)
      if (const FunctionContract *FC = Described(D.Name)) {
        auto A = FC->Args.find(D.Arg - 1);
        if (Released.empty() && A != FC->Args.end() &&
            A->second.Kind == custody::ArgEffect::Releases &&
            !A->second.Resource.empty()) {
          Released = A->second.Resource;
          Library = FC->Library;
        }
        Drop(D.Name, D.At, FC);
      }
    llvm::erase_if(G.Deallocs,
                   [&](const DeallocEntry &D) { return Described(D.Name); });
    for (const AllocEntry &A : G.Allocs)
      if (const FunctionContract *FC = Described(A.Name))
        Drop(A.Name, A.At, FC);
    llvm::erase_if(G.Allocs,
                   [&](const AllocEntry &A) { return Described(A.Name); });
    // Its other deallocators (gnu.cfg's xfree beside free) release that
    // resource too.
    if (!Released.empty()) {
      G.Builtin = Released;
      G.BuiltinLibrary = Library;
    }
  }
  llvm::erase_if(Groups, [](const Group &G) {
    return G.Allocs.empty() && G.Deallocs.empty();
  });
  llvm::erase_if(LeakIgnored, [&](const std::pair<std::string, Loc> &F) {
    return Described(F.first) != nullptr;
  });
}

void Importer::readFunction(xmlNode *F) {
  Loc At = at(F);
  std::string Names = attr(F, "name").value_or("");
  FunctionInfo Info;
  Info.At = At;
  for (xmlNode *C = F->children; C; C = C->next) {
    if (C->type != XML_ELEMENT_NODE)
      continue;
    StringRef Tag = name(C);
    Loc CAt = at(C);
    if (Tag == "leak-ignore") {
      Info.LeakIgnore = true;
    } else if (Tag == "returnValue") {
      Info.ReturnType = StringRef(attr(C, "type").value_or("")).trim().str();
      if (!text(C).empty())
        noteKind("function/returnValue", CAt, "<returnValue> expressions",
                 "contracts do not describe return values beyond ownership");
    } else if (Tag == "arg") {
      std::optional<unsigned> Nr = parseArgNumber(attr(C, "nr").value_or(""));
      bool NotNull = false;
      for (xmlNode *A = C->children; A; A = A->next)
        if (A->type == XML_ELEMENT_NODE) {
          if (name(A) == "not-null")
            NotNull = true;
          noteKind(("arg/" + name(A)).str(), at(A),
                   ("argument check <" + name(A) + ">").str(),
                   "custody checks ownership, not argument values");
        }
      if (Nr)
        Info.ArgNotNull[*Nr] = Info.ArgNotNull[*Nr] || NotNull;
    } else if (Tag == "noreturn") {
      noteKind("function/noreturn", CAt, "<noreturn>",
               "custody takes noreturn from the functions' declarations");
    } else if (Tag == "use-retval") {
      noteKind("function/use-retval", CAt, "<use-retval/>",
               "custody's must_check is narrower (a result that reports a "
               "failure nothing else reports)");
    } else {
      noteKind(("function/" + Tag).str(), CAt, ("<" + Tag + ">").str(),
               "no counterpart in custody contracts");
    }
  }

  llvm::SmallVector<StringRef, 4> Parts;
  StringRef(Names).split(Parts, ',', -1, false);
  for (StringRef P : Parts) {
    std::string N = P.trim().str();
    if (N.empty())
      continue;
    FunctionInfo &I = Functions[N];
    if (I.At.Line == 0) {
      I = Info;
    } else {
      I.LeakIgnore = I.LeakIgnore || Info.LeakIgnore;
      if (I.ReturnType.empty())
        I.ReturnType = Info.ReturnType;
      for (auto &[Nr, NN] : Info.ArgNotNull)
        I.ArgNotNull[Nr] = I.ArgNotNull[Nr] || NN;
    }
    if (Info.LeakIgnore)
      LeakIgnored.push_back({N, At});
  }
}

void Importer::readGroup(xmlNode *GNode) {
  Group G;
  G.IsResource = name(GNode) == "resource";
  G.At = at(GNode);
  std::vector<std::pair<std::string, Loc>> Uses;
  for (xmlNode *C = GNode->children; C; C = C->next) {
    if (C->type != XML_ELEMENT_NODE)
      continue;
    StringRef Tag = name(C);
    Loc At = at(C);
    std::string Fn = text(C);
    bool IsAlloc = Tag == "alloc" || Tag == "realloc";
    if (!IsAlloc && Tag != "dealloc" && Tag != "use") {
      note(At, "<" + Tag + "> in <" + name(GNode) +
                   "> not imported: custody does not know this element");
      continue;
    }
    if (Fn.empty()) {
      note(At, "empty <" + Tag + "> not imported: it names no function");
      continue;
    }
    if (Tag == "use") {
      Uses.push_back({Fn, At});
      continue;
    }
    if (!isCIdentifier(Fn)) {
      note(At, "<" + Tag + ">" + Fn + "</" + Tag +
                   "> not imported: contracts name C functions, and '" + Fn +
                   "' is not a C identifier");
      continue;
    }
    bool Bad = false;
    AllocEntry A;
    DeallocEntry D;
    for (xmlAttr *Attr = C->properties; Attr; Attr = Attr->next) {
      StringRef AName = (const char *)Attr->name;
      std::string Value = attr(C, (const char *)Attr->name).value_or("");
      if (AName == "arg" || (IsAlloc && AName == "realloc-arg")) {
        std::optional<unsigned> Nr = parseArgNumber(Value);
        if (!Nr) {
          note(At, "<" + Tag + ">" + Fn + "</" + Tag +
                       "> not imported: " + AName + "=\"" + Value +
                       "\" is not an argument number (1 is the first)");
          Bad = true;
        } else if (AName == "realloc-arg") {
          A.ReallocArg = *Nr;
        } else if (IsAlloc) {
          A.Arg = *Nr;
        } else {
          D.Arg = *Nr;
        }
      } else if (IsAlloc && AName == "init") {
        noteKind("init", At, "init=\"...\"",
                 "custody does not follow whether memory is initialized");
      } else if (IsAlloc && AName == "buffer-size") {
        noteKind("buffer-size", At, "buffer-size=\"...\"",
                 "custody does not follow buffer sizes");
      } else if (IsAlloc && AName == "no-fail") {
        A.NoFail = Value == "true";
      } else {
        noteKind(("attr/" + Tag + "/" + AName).str(), At,
                 ("attribute " + AName + " of <" + Tag + ">").str(),
                 "custody does not know this attribute");
      }
    }
    if (Bad)
      continue;
    if (Tag == "dealloc") {
      D.Name = Fn;
      D.At = At;
      G.Deallocs.push_back(D);
    } else {
      if (Tag == "realloc" && A.Arg) {
        note(At, "<realloc arg=\"" + llvm::Twine(A.Arg) + "\">" + Fn +
                     "</realloc> not imported: a reallocation through an "
                     "out-parameter has no counterpart in contracts");
        continue;
      }
      A.Name = Fn;
      A.At = At;
      A.Realloc = Tag == "realloc";
      G.Allocs.push_back(A);
    }
  }
  for (auto &[Fn, At] : Uses) {
    noteKind("use", At, "<use>",
             "custody already treats a function with no entry as taking "
             "care of what it is passed");
    Used.push_back({Fn, At});
  }

  // cppcheck identifies a group by its deallocators, over all the libraries
  // it is given: groups that share one are a single group, also when they
  // come from different files, and one group that shares a deallocator with
  // two others joins all three.
  std::vector<size_t> Shared;
  for (const DeallocEntry &D : G.Deallocs) {
    auto It = DeallocGroup.find(D.Name);
    if (It != DeallocGroup.end() && !llvm::is_contained(Shared, It->second))
      Shared.push_back(It->second);
  }
  size_t Index = Groups.size();
  if (Shared.empty()) {
    Groups.push_back(std::move(G));
  } else {
    llvm::sort(Shared);
    Index = Shared.front();
    for (size_t Other : llvm::drop_begin(Shared))
      mergeGroup(Groups[Index], std::move(Groups[Other]));
    mergeGroup(Groups[Index], std::move(G));
  }
  for (const DeallocEntry &D : Groups[Index].Deallocs)
    DeallocGroup[D.Name] = Index;
}

void Importer::mergeGroup(Group &Into, Group &&From) {
  Into.MergedAt.push_back(From.At);
  llvm::append_range(Into.MergedAt, From.MergedAt);
  llvm::sort(Into.MergedAt);
  llvm::append_range(Into.Allocs, From.Allocs);
  // The shared deallocators are what merges the groups, not duplicates.
  for (DeallocEntry &E : From.Deallocs)
    if (llvm::none_of(Into.Deallocs, [&](const DeallocEntry &Old) {
          return Old.Name == E.Name && Old.Arg == E.Arg;
        }))
      Into.Deallocs.push_back(E);
  From = Group();
  From.Merged = true;
}

FunctionModel &Importer::model(const std::string &Name, Loc At) {
  auto It = ModelIndex.find(Name);
  if (It != ModelIndex.end())
    return Models[It->second];
  ModelIndex[Name] = Models.size();
  Models.push_back({});
  Models.back().Name = Name;
  Models.back().At = At;
  return Models.back();
}

std::string Importer::describe(const std::string &Fn) {
  auto It = ModelIndex.find(Fn);
  if (It == ModelIndex.end())
    return "";
  const FunctionModel &M = Models[It->second];
  if (M.Returns)
    return "it already returns " + *M.Returns + " (" + where(M.ReturnsAt) + ")";
  return "";
}

bool Importer::addReturns(const std::string &Fn, Loc At, const Group &G,
                          bool NullOnFailure) {
  auto It = ModelIndex.find(Fn);
  if (It != ModelIndex.end() && Models[It->second].Returns) {
    const FunctionModel &M = Models[It->second];
    // Another configuration that says the same is no news.
    if (apart(M.ReturnsAt, At) && *M.Returns == G.Name &&
        M.NullOnFailure == NullOnFailure)
      return false;
    note(At,
         "'" + Fn + "' as an allocator of " + G.Name + " not imported: " +
             (M.ReturnsAt == At ? std::string("listed twice") : describe(Fn)));
    return false;
  }
  FunctionModel &M = model(Fn, At);
  M.Returns = G.Name;
  M.NullOnFailure = NullOnFailure;
  M.ReturnsAt = At;
  return true;
}

bool Importer::addArg(const std::string &Fn, Loc At, unsigned Index,
                      ArgEffect E, const Group &G) {
  auto It = ModelIndex.find(Fn);
  if (It != ModelIndex.end()) {
    auto A = Models[It->second].Args.find(Index);
    if (A != Models[It->second].Args.end()) {
      const ArgEffect &Old = A->second;
      bool Same = Old.Kind == E.Kind && Old.Resource == E.Resource;
      // Another configuration that says the same is no news.
      if (Same && Old.When == E.When && apart(Old.At, At))
        return false;
      std::string Why = Same ? "it is listed twice (" + where(Old.At) + ")"
                             : "its argument " + std::to_string(Index) +
                                   " already " + Old.Kind + " " + Old.Resource +
                                   " (" + where(Old.At) + ")";
      note(At, "'" + Fn + "' as " +
                   (E.Kind == "releases" ? "a deallocator" : "an allocator") +
                   " of " + G.Name + " not imported: " + Why);
      return false;
    }
  }
  E.At = At;
  model(Fn, At).Args[Index] = E;
  return true;
}

void Importer::buildModels() {
  // Resource names: the configuration's name and the group's first function
  // (for groups merged from several files, the first file's name).
  llvm::StringSet<> Taken;
  for (Group &G : Groups) {
    if (!G.Builtin.empty()) {
      G.Name = G.Builtin;
      continue;
    }
    std::string First;
    if (!G.Allocs.empty())
      First = G.Allocs.front().Name;
    else if (!G.Deallocs.empty())
      First = G.Deallocs.front().Name;
    else
      First = "group-" + std::to_string(G.At.Line);
    std::string Base = Inputs[G.At.File].Stem + "-" + sanitizeName(First);
    std::string Name = Base;
    for (unsigned I = 2; Taken.contains(Name); ++I)
      Name = Base + "-" + std::to_string(I);
    Taken.insert(Name);
    G.Name = Name;
  }

  // Effects, file by file in the order given, so that the first file wins
  // where they disagree (a group of the first file may hold entries of the
  // second, merged into it), and in the file's order within each group:
  // deallocators first, so that a function that frees one resource and
  // returns another (the configuration lists it in two groups) gets both.
  for (unsigned F = 0; F < Inputs.size(); ++F) {
    for (const Group &G : Groups) {
      for (const DeallocEntry &D : G.Deallocs) {
        if (D.At.File != F)
          continue;
        ArgEffect E;
        E.Kind = "releases";
        E.Resource = G.Name;
        // A built-in resource's 'release' list is not ours to extend.
        E.ViaReleaseList = D.Arg == 1 && G.Builtin.empty();
        if (addArg(D.Name, D.At, D.Arg - 1, E, G) && !G.Builtin.empty())
          model(D.Name, D.At)
              .Comments.push_back(
                  where(D.At) + ": in a group with a deallocator of " +
                  contractOf(G.BuiltinLibrary) +
                  ", so it releases that contract's " + G.Builtin + ".");
      }
    }
    for (const Group &G : Groups) {
      for (const AllocEntry &A : G.Allocs) {
        if (A.At.File != F)
          continue;
        const FunctionInfo *Info = nullptr;
        auto FI = Functions.find(A.Name);
        if (FI != Functions.end())
          Info = &FI->second;
        if (A.Arg) {
          OutParam Rule =
              outParamRule(A.Name, Info ? StringRef(Info->ReturnType) : "");
          ArgEffect E;
          E.Kind = "acquires";
          E.Resource = G.Name;
          E.When = Rule.Success.empty() ? "" : "success";
          if (!addArg(A.Name, A.At, A.Arg - 1, E, G))
            continue;
          FunctionModel &M = model(A.Name, A.At);
          std::string Head = where(A.At) + ": arg=\"" + std::to_string(A.Arg) +
                             "\" (custody numbers arguments from 0). ";
          if (!Rule.Success.empty() && M.Success.empty())
            M.Success = Rule.Success;
          M.Comments.push_back(Head + Rule.Why);
          continue;
        }
        bool Integer = Info && !Info->ReturnType.empty() &&
                       isIntegerType(Info->ReturnType);
        // An integer result (a descriptor) owns nothing when the call fails
        // either: null_on_failure with a success condition says so. So does a
        // pointer that fails with (void *)-1.
        bool ExitsOnFailure = !A.NoFail && exitsOnFailure(A.Name);
        bool NullOnFailure = !A.NoFail && !ExitsOnFailure;
        Integer = Integer && NullOnFailure;
        bool MinusOne = !Integer && NullOnFailure && failsWithMinusOne(A.Name);
        // A realloc's two effects go in together or not at all.
        if (A.Realloc) {
          auto MI = ModelIndex.find(A.Name);
          if (MI != ModelIndex.end() &&
              Models[MI->second].Args.count(A.ReallocArg - 1)) {
            const FunctionModel &Had = Models[MI->second];
            const ArgEffect &Old = Had.Args.at(A.ReallocArg - 1);
            // Another configuration that says the same is no news.
            if (apart(Old.At, A.At) && Old.Kind == "releases" &&
                Old.Resource == G.Name && Had.Returns == G.Name &&
                Had.NullOnFailure == NullOnFailure)
              continue;
            note(A.At, "'" + A.Name + "' as a reallocator of " + G.Name +
                           " not imported: its argument " +
                           llvm::Twine(A.ReallocArg - 1) + " already " +
                           Old.Kind + " " + Old.Resource + " (" +
                           where(Old.At) + ")");
            continue;
          }
        }
        if (!addReturns(A.Name, A.At, G, NullOnFailure))
          continue;
        FunctionModel &M = model(A.Name, A.At);
        if (!G.Builtin.empty())
          M.Comments.push_back(where(A.At) + ": released by a function of " +
                               contractOf(G.BuiltinLibrary) +
                               ", so it hands out that contract's " +
                               G.Builtin + ".");
        if (A.NoFail)
          M.Comments.push_back(where(A.At) +
                               ": no-fail=\"true\": it never returns NULL.");
        else if (ExitsOnFailure)
          M.Comments.push_back(
              where(A.At) +
              ": like every x-prefixed "
              "wrapper of " +
              A.Name.substr(1) +
              "(), it exits when it cannot allocate: it never returns NULL.");
        else if (Integer) {
          M.Success = ">= 0";
          M.Comments.push_back(
              where(A.At) + ": it returns " + Info->ReturnType +
              ", not a pointer: assumed to fail with a negative value, as "
              "file descriptors do (the configuration does not say); the "
              "result is owned only when it succeeds.");
        } else if (MinusOne) {
          M.Success = "!= -1";
          M.Comments.push_back(
              where(A.At) +
              ": it fails with (void *)-1 (MAP_FAILED), not NULL, as POSIX "
              "specifies; the result is owned only when it succeeds.");
        }
        if (A.Realloc) {
          ArgEffect E;
          E.Kind = "releases";
          E.Resource = G.Name;
          E.When = NullOnFailure ? "success" : "";
          E.At = A.At;
          M.Args[A.ReallocArg - 1] = E;
          M.Comments.push_back(
              where(A.At) + ": <realloc" +
              (A.ReallocArg != 1
                   ? " realloc-arg=\"" + std::to_string(A.ReallocArg) + "\""
                   : std::string()) +
              ">: the block passed as argument " +
              std::to_string(A.ReallocArg - 1) + " is released " +
              (NullOnFailure ? "when the call succeeds, as by realloc()."
                             : "by every call."));
        }
      }
    }
  }
}

/// null_release of a group, and why.
std::string Importer::nullRelease(const Group &G, std::string &Why) {
  std::vector<std::string> Marked, Described, Unknown;
  for (const DeallocEntry &D : G.Deallocs) {
    auto FI = Functions.find(D.Name);
    std::string Where = "argument " + std::to_string(D.Arg) + " of " + D.Name;
    if (FI == Functions.end() || !FI->second.ArgNotNull.count(D.Arg))
      Unknown.push_back(D.Name);
    else if (FI->second.ArgNotNull.at(D.Arg))
      Marked.push_back(Where);
    else
      Described.push_back(D.Name);
  }
  auto Join = [](const std::vector<std::string> &V) {
    std::string S;
    for (size_t I = 0; I < V.size(); ++I)
      S += (I ? ", " : "") + V[I];
    return S;
  };
  if (!Marked.empty()) {
    Why = "the configuration marks " + Join(Marked) + " <not-null/>";
    return "error";
  }
  if (!Unknown.empty() && G.IsResource) {
    Why = "the configuration does not say whether " + Join(Unknown) +
          " accepts NULL: assumed not, as for fclose()";
    return "error";
  }
  if (!Unknown.empty()) {
    Why = "the configuration does not say whether " + Join(Unknown) +
          " accepts NULL: memory deallocators accept it, as free() does";
    return "ok";
  }
  Why = "the configuration describes the argument of " + Join(Described) +
        " without <not-null/>";
  return "ok";
}

std::vector<std::pair<Loc, std::string>> Importer::allNotes() {
  std::vector<std::pair<Loc, std::string>> All;
  for (const Note &N : Notes)
    All.push_back({N.At, N.Text});
  for (const KindNote &K : KindNotes)
    All.push_back({K.At, K.What + " not imported" +
                             (K.Count > 1 ? " (" + std::to_string(K.Count) +
                                                " entries, the first here)"
                                          : std::string()) +
                             ": " + K.Why});
  llvm::stable_sort(
      All, [](const auto &A, const auto &B) { return A.first < B.first; });
  return All;
}

void Importer::printNotes(llvm::raw_ostream &OS) {
  for (auto &[At, Text] : allNotes())
    OS << Inputs[At.File].Path << ":" << At.Line << ": note: " << Text << "\n";
}

/// Writes Text as comment lines of at most 79 columns after Indent; lines
/// after the first start with Hang.
void comment(llvm::raw_ostream &OS, StringRef Indent, StringRef Text,
             StringRef Hang = "") {
  llvm::SmallVector<StringRef, 16> Words;
  Text.split(Words, ' ', -1, false);
  std::string Line;
  bool First = true;
  auto Flush = [&] {
    OS << Indent << "# " << (First ? "" : Hang) << Line << "\n";
    First = false;
    Line.clear();
  };
  for (StringRef W : Words) {
    size_t Width = Indent.size() + 2 + (First ? 0 : Hang.size()) + Line.size();
    if (!Line.empty() && Width + 1 + W.size() > 79)
      Flush();
    Line += (Line.empty() ? "" : " ") + W.str();
  }
  if (!Line.empty())
    Flush();
}

std::string Importer::contract() {
  // Which <leak-ignore/> functions become non_owning.
  llvm::StringSet<> UsedNames;
  for (auto &[Fn, At] : Used)
    UsedNames.insert(Fn);
  std::vector<std::string> NonOwning;
  // Each file's mark is noted where it is not imported; a function that
  // several files mark is listed once.
  llvm::StringSet<> Seen, Listed;
  for (auto &[Fn, At] : LeakIgnored) {
    if (!Seen.insert(std::to_string(At.File) + "/" + Fn).second)
      continue;
    if (!isCIdentifier(Fn))
      noteKind("leak-ignore/name", At,
               "<leak-ignore/> of a function whose name is not a C "
               "identifier",
               "contracts name C functions");
    else if (ModelIndex.count(Fn))
      noteKind("leak-ignore/entry", At,
               "<leak-ignore/> of an allocator or deallocator",
               "its entry says what it does with its arguments");
    else if (UsedNames.contains(Fn))
      noteKind("leak-ignore/use", At,
               "<leak-ignore/> of a function also named by <use>",
               "the two contradict each other; the function is left with no "
               "entry");
    else if (Listed.insert(Fn).second)
      NonOwning.push_back(Fn);
  }

  std::string Out;
  llvm::raw_string_ostream OS(Out);
  OS << "# Ownership contract imported from the cppcheck library "
        "configuration"
     << (Inputs.size() > 1 ? "s" : "") << "\n";
  for (const Input &In : Inputs)
    OS << "# " << In.Path << "\n";
  OS << "# by 'custody contracts import-cppcheck'.\n#\n";
  if (Inputs.size() > 1)
    comment(OS, "",
            "They are merged as cppcheck merges the libraries it is given "
            "together: groups that share a deallocator are one resource, "
            "named after the first file that has one of them; where the files "
            "disagree about a function, the first one given wins, and what "
            "the others say is listed below as not imported.");
  comment(OS, "",
          "cppcheck configurations do not name headers. Without a 'headers' "
          "key this contract applies to every translation unit; set "
          "'headers' to the library's headers to apply it only where they "
          "are included.");
  if (!BuiltinLibraries.empty())
    comment(OS, "",
            "Functions custody's built-in contracts describe (libc, sqlite3, "
            "...) are left out, and allocators whose result a built-in "
            "function releases hand out that contract's resource: load it "
            "together with the built-in contracts (the default).");
  else
    comment(OS, "",
            "It keeps the functions custody's built-in contracts describe "
            "too: load it with --no-builtin-contracts.");
  if (!Includes.empty())
    comment(OS, "",
            "It was imported beside the contracts it includes: functions "
            "they describe are left out, and allocators whose result one of "
            "their functions releases hand out their resource.");
  std::vector<std::pair<Loc, std::string>> All = allNotes();
  if (!All.empty()) {
    OS << "#\n# Not imported:\n";
    for (auto &[At, Text] : All)
      comment(OS, "", "  " + where(At) + ": " + Text, "    ");
  }
  OS << "version: 1\n";
  std::string Library;
  for (const Input &In : Inputs)
    Library += (Library.empty() ? "" : "-") + In.Stem;
  OS << "library: " << Library << "\n";
  if (!Includes.empty()) {
    OS << "include:\n";
    for (const std::string &I : Includes)
      OS << "  - \"" << llvm::yaml::escape(I) << "\"\n";
  }
  OS << "# headers: []\n";

  if (llvm::any_of(Groups, [](const Group &G) { return G.Builtin.empty(); })) {
    OS << "\nresources:\n";
    for (const Group &G : Groups) {
      if (!G.Builtin.empty())
        continue;
      std::string Fns;
      for (const AllocEntry &A : G.Allocs)
        Fns += (Fns.empty() ? "" : ", ") + A.Name;
      std::string Origin =
          where(G.At) + ": <" + (G.IsResource ? "resource" : "memory") + ">";
      for (Loc L : G.MergedAt)
        Origin += ", " + where(L);
      if (!G.MergedAt.empty())
        Origin += " (cppcheck merges groups that share a deallocator)";
      comment(OS, "  ", Origin);
      OS << "  " << G.Name << ":\n";
      // The first deallocator imported as one of this resource (not one
      // whose entry says something else).
      std::string First;
      for (const DeallocEntry &D : G.Deallocs) {
        auto MI = ModelIndex.find(D.Name);
        if (MI == ModelIndex.end())
          continue;
        auto A = Models[MI->second].Args.find(D.Arg - 1);
        if (A != Models[MI->second].Args.end() &&
            A->second.Kind == "releases" && A->second.Resource == G.Name) {
          First = D.Name;
          break;
        }
      }
      OS << "    description: " << (First.empty() ? G.Name : First) << " "
         << (G.IsResource ? "resource" : "memory") << "\n";
      std::vector<std::string> Release;
      for (const DeallocEntry &D : G.Deallocs) {
        auto MI = ModelIndex.find(D.Name);
        if (D.Arg == 1 && MI != ModelIndex.end()) {
          auto A = Models[MI->second].Args.find(0);
          if (A != Models[MI->second].Args.end() && A->second.ViaReleaseList &&
              A->second.Resource == G.Name && A->second.At == D.At)
            Release.push_back(D.Name);
        }
      }
      if (!Release.empty()) {
        OS << "    release: [";
        for (size_t I = 0; I < Release.size(); ++I)
          OS << (I ? ", " : "") << Release[I];
        OS << "]\n";
      }
      if (G.Deallocs.empty())
        comment(OS, "    ", "The configuration names no deallocator.");
      std::string Why;
      std::string NR = nullRelease(G, Why);
      if (!G.Deallocs.empty()) {
        comment(OS, "    ", Why + ".");
        OS << "    null_release: " << NR << "\n";
      }
    }
  }

  std::vector<const FunctionModel *> Entries;
  for (const FunctionModel &M : Models)
    if (M.needsEntry())
      Entries.push_back(&M);
  llvm::stable_sort(Entries,
                    [](const FunctionModel *A, const FunctionModel *B) {
                      return A->At < B->At;
                    });
  if (!Entries.empty()) {
    OS << "\nfunctions:\n";
    for (const FunctionModel *M : Entries) {
      for (const std::string &C : M->Comments)
        comment(OS, "  ", C);
      OS << "  " << M->Name << ":\n";
      if (!M->Success.empty())
        OS << "    success: \"" << M->Success << "\"\n";
      if (M->Returns) {
        OS << "    returns: {owned: " << *M->Returns;
        if (M->NullOnFailure)
          OS << ", null_on_failure: true";
        OS << "}\n";
      }
      bool Any = false;
      for (auto &[Index, E] : M->Args) {
        if (E.ViaReleaseList)
          continue;
        if (!Any)
          OS << "    args:\n";
        Any = true;
        OS << "      " << Index << ": {" << E.Kind << ": " << E.Resource;
        if (!E.When.empty())
          OS << ", when: " << E.When;
        OS << "}\n";
      }
    }
  }

  if (!NonOwning.empty()) {
    OS << "\n# <leak-ignore/>: functions that only use their arguments.\n";
    OS << "non_owning: [";
    std::string Line;
    for (size_t I = 0; I < NonOwning.size(); ++I) {
      std::string Item = NonOwning[I] + (I + 1 < NonOwning.size() ? "," : "");
      if (!Line.empty() && Line.size() + 1 + Item.size() > 76) {
        OS << "\n  " << Line;
        Line.clear();
      }
      Line += (Line.empty() ? "" : " ") + Item;
    }
    OS << "\n  " << Line << " ]\n";
  }
  return Out;
}

} // namespace

int custody::importCppcheckMain(int argc, const char **argv) {
  std::string Output;
  std::vector<std::string> Inputs, Beside;
  bool HaveOutput = false, KeepBuiltin = false;
  auto UsageError = [](const llvm::Twine &Message) {
    llvm::errs() << "custody: error: " << Message << "\n" << Usage;
    return 2;
  };
  for (int I = 1; I < argc; ++I) {
    StringRef A(argv[I]);
    if (A == "--help" || A == "-help" || A == "-h") {
      llvm::outs() << Usage << Help;
      return 0;
    }
    if (A == "--keep-builtin-functions") {
      KeepBuiltin = true;
    } else if (A == "--contracts") {
      if (I + 1 >= argc || !*argv[I + 1])
        return UsageError("'--contracts' needs a file name");
      Beside.push_back(argv[++I]);
    } else if (A.starts_with("--contracts=")) {
      if (A.split('=').second.empty())
        return UsageError("'--contracts' needs a file name");
      Beside.push_back(A.split('=').second.str());
    } else if (A == "-o" || A == "--output") {
      if (I + 1 >= argc)
        return UsageError("'" + A + "' needs a file name");
      Output = argv[++I];
      HaveOutput = true;
    } else if (A.starts_with("-o=") || A.starts_with("--output=")) {
      Output = A.split('=').second.str();
      HaveOutput = true;
    } else if (A.starts_with("-") && A != "-") {
      return UsageError("unknown option '" + A + "'");
    } else {
      Inputs.push_back(A.str());
    }
  }
  if (Inputs.empty())
    return UsageError("no cppcheck library configuration given");
  // The same file twice would only contradict itself.
  {
    std::vector<std::string> Seen;
    for (const std::string &In : Inputs) {
      llvm::SmallString<256> Abs(In);
      llvm::sys::fs::make_absolute(Abs);
      llvm::sys::path::remove_dots(Abs, /*remove_dot_dot=*/true);
      if (llvm::is_contained(Seen, Abs.str()))
        return UsageError("'" + In + "' is given twice");
      Seen.push_back(std::string(Abs));
    }
  }
  if (HaveOutput && Output.empty())
    return UsageError("'-o' needs a file name");

  std::vector<ContractError> Errors;
  std::shared_ptr<const ContractSet> Builtins;
  if (!KeepBuiltin) {
    Builtins = loadContracts({}, /*WithBuiltins=*/true, nullptr, Errors);
    if (!Builtins) {
      for (const ContractError &E : Errors)
        llvm::errs() << E.str() << "\n";
      llvm::errs() << "custody: error: the built-in contracts could not be "
                      "loaded; --keep-builtin-functions imports without "
                      "them\n";
      return 2;
    }
  }
  llvm::StringSet<> BuiltinLibraries;
  if (Builtins)
    for (const LibraryContract &L : Builtins->Libraries)
      BuiltinLibraries.insert(L.Library);

  // The contracts given with --contracts: their functions are left out,
  // and the contract includes them. An include is relative to the including
  // file: a file next to OUT.yaml is named by its file name, any other by
  // its absolute path.
  std::shared_ptr<const ContractSet> Known = Builtins;
  std::vector<std::string> Includes;
  llvm::SmallString<256> OutDir;
  if (HaveOutput) {
    OutDir = Output;
    llvm::sys::fs::make_absolute(OutDir);
    llvm::sys::path::remove_filename(OutDir);
    llvm::sys::path::remove_dots(OutDir, /*remove_dot_dot=*/true);
  }
  for (const std::string &F : Beside) {
    llvm::SmallString<256> Abs(F);
    llvm::sys::fs::make_absolute(Abs);
    llvm::sys::path::remove_dots(Abs, /*remove_dot_dot=*/true);
    if (HaveOutput && llvm::sys::path::parent_path(Abs) == OutDir.str())
      Includes.push_back(llvm::sys::path::filename(Abs).str());
    else
      Includes.push_back(std::string(Abs));
  }
  if (!Beside.empty()) {
    Known =
        loadContracts(Beside, /*WithBuiltins=*/!KeepBuiltin, nullptr, Errors);
    if (!Known) {
      for (const ContractError &E : Errors)
        llvm::errs() << E.str() << "\n";
      llvm::errs() << "custody: error: the contracts given with --contracts "
                      "could not be loaded\n";
      return 2;
    }
  }

  Importer Imp(Inputs, Known.get(), std::move(BuiltinLibraries), Includes);
  if (!Imp.read())
    return 2;
  std::string Text = Imp.contract();

  // What is written must load, beside the built-in contracts it relies on
  // and with the files it includes.
  ContractSet Set = Builtins ? *Builtins : ContractSet();
  std::string Name = Inputs.front();
  if (HaveOutput) {
    llvm::SmallString<256> Abs(Output);
    llvm::sys::fs::make_absolute(Abs);
    Name = std::string(Abs);
  }
  if (!loadContractText(Text, Name, Set, Errors)) {
    for (const ContractError &E : Errors)
      llvm::errs() << "custody: error: the imported contract does not load: "
                   << E.str() << "\n";
    return 2;
  }

  if (!HaveOutput) {
    Imp.printNotes(llvm::errs());
    llvm::outs() << Text;
    return 0;
  }
  // The file first: the notes may go to a pipe that closes early.
  {
    std::error_code EC;
    llvm::raw_fd_ostream OS(Output, EC, llvm::sys::fs::OF_Text);
    if (EC) {
      llvm::errs() << "custody: error: " << Output
                   << ":0:0: cannot write: " << EC.message() << "\n";
      return 2;
    }
    OS << Text;
  }
  Imp.printNotes(llvm::errs());
  return 0;
}
