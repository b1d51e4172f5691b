//===- TidyConfig.h - The .clang-tidy files the CLI reads -------*- C++ -*-===//
//
// The custody command reads the same configuration as the clang-tidy plugin:
// the nearest `.clang-tidy` above each source file (with the files above it
// when it says `InheritParentConfig: true`), as clang-tidy finds it. Only
// what custody uses is kept: `Checks` and custody's CheckOptions.
//
//===----------------------------------------------------------------------===//

#ifndef CUSTODY_DRIVER_TIDYCONFIG_H
#define CUSTODY_DRIVER_TIDYCONFIG_H

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace custody {

/// What the `.clang-tidy` files that apply to one source file say.
struct TidySettings {
  /// The `.clang-tidy` files read, farthest first (one unless a file says
  /// InheritParentConfig); empty when there is none.
  std::vector<std::string> Files;
  /// Their `Checks`, each file's as written, in the order of Files (empty
  /// for a file without `Checks`).
  std::vector<std::string> FileChecks;
  /// The merged `Checks` (farthest first, joined with ','), as clang-tidy
  /// merges them.
  std::string Checks;
  /// The global CheckOptions keys (a nearer file's value wins).
  llvm::StringMap<std::string> Options;

  /// The value of a global CheckOptions key, if a file sets it.
  std::optional<std::string> option(llvm::StringRef Key) const {
    auto It = Options.find(Key);
    if (It == Options.end())
      return std::nullopt;
    return It->second;
  }
};

/// Reads and caches `.clang-tidy` files; safe to use from several threads.
class TidyConfigReader {
public:
  /// The settings for the source file at AbsFile (an absolute path).
  const TidySettings &settingsFor(llvm::StringRef AbsFile);
  /// The errors met so far in `.clang-tidy` files that do not parse
  /// (`FILE:LINE:COL: error: ...`), once each.
  std::vector<std::string> errors();

private:
  struct FileConfig {
    bool Exists = false;
    bool Inherit = false;
    std::optional<std::string> Checks;
    llvm::StringMap<std::string> Options;
  };
  /// The `.clang-tidy` of directory Dir itself (not its parents).
  const FileConfig &configOf(const std::string &Dir);
  const TidySettings &settingsForDir(const std::string &Dir);

  std::recursive_mutex Mu;
  std::map<std::string, std::unique_ptr<FileConfig>> Configs;
  std::map<std::string, std::unique_ptr<TidySettings>> Settings;
  std::vector<std::string> Errors;
};

} // namespace custody

#endif
