//===- Options.h - What the custody command's subcommands share -*- C++ -*-===//
//
// `custody` checks files; `custody audit` and `custody contracts ...` are
// subcommands in files of their own (Audit.cpp, ImportCppcheck.cpp,
// Suggest.cpp, ExportContracts.cpp). They share these options and the way
// files are parsed.
//
//===----------------------------------------------------------------------===//

#ifndef CUSTODY_DRIVER_OPTIONS_H
#define CUSTODY_DRIVER_OPTIONS_H

#include "TUSession.h"
#include "clang/Tooling/CommonOptionsParser.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Path.h"
#include <optional>

namespace custody {

/// Makes Path absolute against Base when it is relative (LLVM 22 dropped
/// the two-argument llvm::sys::fs::make_absolute).
inline void makeAbsoluteTo(llvm::StringRef Base,
                           llvm::SmallVectorImpl<char> &Path) {
  if (llvm::sys::path::is_absolute(Path))
    return;
  llvm::SmallString<256> Out(Base);
  llvm::sys::path::append(Out, llvm::StringRef(Path.data(), Path.size()));
  Path.assign(Out.begin(), Out.end());
}

/// For the subcommands that read their own arguments: whether argv[I] is
/// option Name with a value ('--name V' or '--name=V'); the value goes to
/// Out, and I past it.
inline bool optionValue(int argc, const char **argv, int &I,
                        llvm::StringRef Name, std::string &Out) {
  llvm::StringRef A(argv[I]);
  if (A == Name && I + 1 < argc) {
    Out = argv[++I];
    return true;
  }
  if (A.consume_front(Name) && A.consume_front("=")) {
    Out = A.str();
    return true;
  }
  return false;
}

/// Writes Text to the file Path, or to standard output when Path is empty
/// or "-". 0, or 2 after saying why the file cannot be written.
int writeOutput(llvm::StringRef Path, llvm::StringRef Text);

/// The check command's options (all of them) and, among them, those
/// `custody audit` takes too: each command's --help lists its own.
extern llvm::cl::OptionCategory Category;
extern llvm::cl::OptionCategory AuditCategory;

/// Before a command parses its options: the options of category C keep only
/// that category of custody's two, so that its --help lists each once and
/// hides the other command's.
void useCategory(llvm::cl::OptionCategory &C);
extern llvm::cl::list<std::string> ContractFiles;
extern llvm::cl::opt<bool> NoBuiltins;
extern llvm::cl::opt<bool> NoProjectContract;
extern llvm::cl::opt<unsigned> Jobs;
extern llvm::cl::opt<std::string> Format;
extern llvm::cl::opt<std::string> OutputFile;
extern llvm::cl::opt<bool> Verbose;
extern llvm::cl::opt<bool> Progress;

/// The contract files and switches given on the command line, with relative
/// contract paths made absolute (compile commands run in other directories).
/// The user's contract files are loaded once here, so that an error in one
/// is reported before any file is parsed: nullopt, after printing it.
std::optional<SessionConfig> sessionConfigFromOptions();

/// Prints each distinct contract error met while parsing (every file that
/// includes a broken contract reports it). True if there was one.
bool reportConfigErrors(const std::vector<std::string> &Errors);

/// What every parse by custody adds to a compile command: no warnings, and
/// Clang's own headers from the resource directory custody was built with.
void adjustArguments(clang::tooling::ClangTool &Tool);

/// Runs Tool on a thread with a large stack under crash recovery. Returns
/// false if a file did not parse or the parse crashed.
bool runSafely(clang::tooling::ClangTool &Tool,
               clang::tooling::FrontendActionFactory &Factory);

/// Before the command line is parsed (which would fall back to no flags):
/// a -p directory must hold a compile database that loads, or be below one
/// that does. False, after saying what to do, when not.
bool checkBuildDir(int argc, const char **argv);

/// The -p value given on the command line, or empty.
std::string buildDirOption(int argc, const char **argv);

/// The files named on the command line, or with none named, every file of
/// the compile database given with -p (then loaded into WholeDB); sorted,
/// without repeats. False, after saying why, when there are none or a named
/// file does not exist or is a directory.
bool inputFiles(int argc, const char **argv,
                clang::tooling::CommonOptionsParser &Parser,
                std::vector<std::string> &Files,
                std::unique_ptr<clang::tooling::CompilationDatabase> &WholeDB);

/// Parses each of Files with the actions Factory makes, -j at a time, each
/// on a large-stack thread under crash recovery, with a progress line per
/// file on standard error when asked (--progress) or on a terminal. Returns
/// the files that did not parse or crashed, sorted.
std::vector<std::string>
parseFiles(const clang::tooling::CompilationDatabase &DB,
           const std::vector<std::string> &Files,
           clang::tooling::FrontendActionFactory &Factory);

/// `custody audit ...`: argv[0] is "audit".
int auditMain(int argc, const char **argv);
/// `custody contracts import-cppcheck FILE.cfg`: argv[0] is "import-cppcheck".
int importCppcheckMain(int argc, const char **argv);
/// `custody contracts suggest HEADER.h [-- FLAGS]`: argv[0] is "suggest".
int suggestMain(int argc, const char **argv);
/// `custody contracts export -p BUILD ...`: argv[0] is "export".
int exportContractsMain(int argc, const char **argv);

} // namespace custody

#endif
