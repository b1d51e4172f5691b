//===- AnalysisFuzzer.cpp - libFuzzer target: the ownership analysis ------===//
//
// Bytes -> a small C translation unit (CGenerator.h) -> Clang, from memory
// -> the analysis, through the same session both front ends use
// (analyzeWithContracts in TUSession.h), with the built-in libc contract and
// fuzz/fuzzlib.yaml. Whatever the source, the analysis must return, and
// every finding must have a message and a place in the file.
//
// To see the C source an input stands for:
//   CUSTODY_FUZZ_PRINT=1 custody-fuzz-analysis INPUT
// and with CUSTODY_FUZZ_VERBOSE=1 what the analysis gave up on (the CLI's
// --verbose).
//
//===----------------------------------------------------------------------===//

#include "CGenerator.h"
#include "TUSession.h"
#include "clang/AST/ASTConsumer.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/VirtualFileSystem.h"
#include "llvm/Support/raw_ostream.h"
#include <cstdint>
#include <cstdlib>

using namespace clang;
using namespace custody;

namespace {

const char *const MainFile = "/custody-fuzz/fuzz.c";

const SessionConfig &config() {
  static const SessionConfig Config = [] {
    SessionConfig C;
    C.ContractFiles = {CUSTODY_FUZZ_SOURCE_DIR "/fuzzlib.yaml"};
    C.ProjectContract = false;
    return C;
  }();
  return Config;
}

[[noreturn]] void fail(const llvm::Twine &Why) {
  llvm::errs() << "custody-fuzz-analysis: " << Why << "\n";
  abort();
}

class Consumer : public ASTConsumer {
public:
  void HandleTranslationUnit(ASTContext &Ctx) override {
    std::vector<Finding> Findings;
    std::vector<ContractError> Errors;
    bool Verbose = getenv("CUSTODY_FUZZ_VERBOSE");
    if (!analyzeWithContracts(Ctx, config(), Findings, Errors,
                              Verbose ? &llvm::errs() : nullptr)) {
      // The contracts are fixed: this is a broken set-up, not a finding.
      for (const ContractError &E : Errors)
        llvm::errs() << E.str() << "\n";
      fail("the contracts did not load");
    }
    const SourceManager &SM = Ctx.getSourceManager();
    auto CheckLoc = [&](SourceLocation L, const std::string &Message) {
      if (Message.empty())
        fail("a finding or note without a message");
      if (L.isInvalid() || SM.getPresumedLoc(SM.getExpansionLoc(L)).isInvalid())
        fail("'" + Message + "' has no location");
    };
    for (const Finding &F : Findings) {
      CheckLoc(F.Loc, F.Message);
      for (const Note &N : F.Notes)
        CheckLoc(N.Loc, N.Message);
      if (Verbose)
        llvm::errs() << SM.getPresumedLoc(SM.getExpansionLoc(F.Loc)).getLine()
                     << ": " << F.Message << " [" << checkName(F.Kind)
                     << "]\n";
    }
  }
};

class Action : public ASTFrontendAction {
  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &,
                                                 llvm::StringRef) override {
    return std::make_unique<Consumer>();
  }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  std::string Source = fuzz::generateC(Data, Size);
  if (getenv("CUSTODY_FUZZ_PRINT"))
    llvm::errs() << Source;
  // Everything the compiler reads is in memory: no disk, no system headers.
  auto Memory = llvm::makeIntrusiveRefCnt<llvm::vfs::InMemoryFileSystem>();
  Memory->addFile(MainFile, 0, llvm::MemoryBuffer::getMemBufferCopy(Source));
  std::string Dir = fuzz::generatorIncludeDir();
  for (const auto &[Name, Text] : fuzz::generatorHeaders())
    Memory->addFile(Dir + "/" + Name, 0, llvm::MemoryBuffer::getMemBuffer(Text));
  auto Files =
      llvm::makeIntrusiveRefCnt<FileManager>(FileSystemOptions(), Memory);
  std::vector<std::string> Args = {"custody-fuzz", "-fsyntax-only",
                                   "-std=gnu11",   "-w",
                                   "-nostdinc",    "-I" + Dir,
                                   MainFile};
  tooling::ToolInvocation Invocation(Args, std::make_unique<Action>(),
                                     Files.get());
  IgnoringDiagConsumer Diags; // Generated code may not compile: that is fine.
  Invocation.setDiagnosticConsumer(&Diags);
  Invocation.run();
  return 0;
}
