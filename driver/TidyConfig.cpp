//===- TidyConfig.cpp - The .clang-tidy files the CLI reads ---------------===//

#include "TidyConfig.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/YAMLParser.h"
#include "llvm/Support/raw_ostream.h"

using namespace custody;

namespace {

/// The text of a scalar or block scalar node; nullopt for other nodes.
std::optional<std::string> scalarText(llvm::yaml::Node *N) {
  if (auto *S = llvm::dyn_cast_or_null<llvm::yaml::ScalarNode>(N)) {
    llvm::SmallString<64> Storage;
    return S->getValue(Storage).str();
  }
  if (auto *B = llvm::dyn_cast_or_null<llvm::yaml::BlockScalarNode>(N))
    return B->getValue().str();
  return std::nullopt;
}

/// clang-tidy's merge of two check lists: the later one after a ','.
void appendChecks(std::string &To, llvm::StringRef More) {
  if (More.empty())
    return;
  if (!To.empty())
    To += ",";
  To += More.str();
}

} // namespace

const TidyConfigReader::FileConfig &
TidyConfigReader::configOf(const std::string &Dir) {
  std::unique_ptr<FileConfig> &Slot = Configs[Dir];
  if (Slot)
    return *Slot;
  Slot = std::make_unique<FileConfig>();
  FileConfig &C = *Slot;
  llvm::SmallString<256> Path(Dir);
  llvm::sys::path::append(Path, ".clang-tidy");
  // clang-tidy takes a directory's .clang-tidy only if it is a regular file.
  if (!llvm::sys::fs::is_regular_file(Path))
    return C;
  auto Buf = llvm::MemoryBuffer::getFile(Path);
  if (!Buf) {
    Errors.push_back(("custody: error: cannot read '" + Path +
                      "': " + Buf.getError().message())
                         .str());
    return C;
  }
  C.Exists = true;
  llvm::SourceMgr SM;
  std::vector<std::string> FileErrors;
  SM.setDiagHandler(
      [](const llvm::SMDiagnostic &D, void *Context) {
        std::string Text;
        llvm::raw_string_ostream OS(Text);
        OS << D.getFilename() << ":" << D.getLineNo() << ":"
           << (D.getColumnNo() + 1) << ": error: " << D.getMessage();
        static_cast<std::vector<std::string> *>(Context)->push_back(OS.str());
      },
      &FileErrors);
  llvm::yaml::Stream YS((*Buf)->getMemBufferRef(), SM, /*ShowColors=*/false);
  for (llvm::yaml::Document &Doc : YS) {
    llvm::yaml::Node *Root = Doc.getRoot();
    if (!Root || llvm::isa<llvm::yaml::NullNode>(Root))
      continue;
    auto *Map = llvm::dyn_cast<llvm::yaml::MappingNode>(Root);
    if (!Map) {
      YS.printError(Root, "a .clang-tidy file is a mapping of keys "
                          "(Checks, CheckOptions, ...)");
      break;
    }
    for (llvm::yaml::KeyValueNode &KV : *Map) {
      std::optional<std::string> Key = scalarText(KV.getKey());
      llvm::yaml::Node *Value = KV.getValue();
      if (!Key || !Value)
        continue;
      if (*Key == "Checks") {
        // A string of comma-separated globs, or a list of them.
        if (std::optional<std::string> S = scalarText(Value)) {
          C.Checks = *S;
        } else if (auto *Seq =
                       llvm::dyn_cast<llvm::yaml::SequenceNode>(Value)) {
          std::string All;
          for (llvm::yaml::Node &Item : *Seq)
            if (std::optional<std::string> S = scalarText(&Item))
              appendChecks(All, *S);
          C.Checks = All;
        } else {
          YS.printError(Value, "'Checks' must be a string or a list of "
                               "strings");
        }
      } else if (*Key == "InheritParentConfig") {
        std::optional<std::string> S = scalarText(Value);
        C.Inherit = S && llvm::StringRef(*S).equals_insensitive("true");
      } else if (*Key == "CheckOptions") {
        // A mapping (`Key: value`), or the older list of `{key: K, value: V}`.
        if (auto *Opts = llvm::dyn_cast<llvm::yaml::MappingNode>(Value)) {
          for (llvm::yaml::KeyValueNode &O : *Opts) {
            std::optional<std::string> K = scalarText(O.getKey());
            std::optional<std::string> V = scalarText(O.getValue());
            if (K && V)
              C.Options[*K] = *V;
            else if (K)
              YS.printError(O.getValue(),
                            "the value of '" + *K + "' must be a string");
          }
        } else if (auto *Seq =
                       llvm::dyn_cast<llvm::yaml::SequenceNode>(Value)) {
          for (llvm::yaml::Node &Item : *Seq) {
            auto *Entry = llvm::dyn_cast<llvm::yaml::MappingNode>(&Item);
            if (!Entry)
              continue;
            std::optional<std::string> K, V;
            for (llvm::yaml::KeyValueNode &O : *Entry) {
              std::optional<std::string> Name = scalarText(O.getKey());
              if (Name && *Name == "key")
                K = scalarText(O.getValue());
              else if (Name && *Name == "value")
                V = scalarText(O.getValue());
            }
            if (K && V)
              C.Options[*K] = *V;
          }
        } else if (!llvm::isa<llvm::yaml::NullNode>(Value)) {
          YS.printError(Value, "'CheckOptions' must be a mapping");
        }
      } else {
        // Other keys are clang-tidy's (WarningsAsErrors, HeaderFilterRegex
        // ...): read past them.
        Value->skip();
      }
    }
    break; // clang-tidy reads the first document.
  }
  Errors.insert(Errors.end(), FileErrors.begin(), FileErrors.end());
  return C;
}

const TidySettings &TidyConfigReader::settingsForDir(const std::string &Dir) {
  std::unique_ptr<TidySettings> &Slot = Settings[Dir];
  if (Slot)
    return *Slot;
  auto S = std::make_unique<TidySettings>();
  // The nearest .clang-tidy, then its parents' while each says
  // InheritParentConfig: true.
  std::vector<std::pair<std::string, const FileConfig *>> Chain;
  for (llvm::StringRef D = Dir; !D.empty();
       D = llvm::sys::path::parent_path(D)) {
    const FileConfig &C = configOf(D.str());
    if (C.Exists) {
      llvm::SmallString<256> Path(D);
      llvm::sys::path::append(Path, ".clang-tidy");
      Chain.push_back({std::string(Path), &C});
      if (!C.Inherit)
        break;
    }
    if (llvm::sys::path::parent_path(D) == D)
      break;
  }
  for (auto It = Chain.rbegin(); It != Chain.rend(); ++It) {
    S->Files.push_back(It->first);
    const FileConfig &C = *It->second;
    S->FileChecks.push_back(C.Checks.value_or(""));
    if (C.Checks)
      appendChecks(S->Checks, *C.Checks);
    for (const auto &O : C.Options)
      S->Options[O.getKey()] = O.getValue();
  }
  Slot = std::move(S);
  return *Slot;
}

const TidySettings &TidyConfigReader::settingsFor(llvm::StringRef AbsFile) {
  std::lock_guard<std::recursive_mutex> Lock(Mu);
  llvm::SmallString<256> Dir(llvm::sys::path::parent_path(AbsFile));
  llvm::sys::path::remove_dots(Dir, /*remove_dot_dot=*/true);
  return settingsForDir(std::string(Dir));
}

std::vector<std::string> TidyConfigReader::errors() {
  std::lock_guard<std::recursive_mutex> Lock(Mu);
  std::vector<std::string> Unique;
  for (const std::string &E : Errors)
    if (!llvm::is_contained(Unique, E))
      Unique.push_back(E);
  return Unique;
}
