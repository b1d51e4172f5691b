//===- ContractLoader.h - YAML contracts to the contract model --*- C++ -*-===//

#ifndef CUSTODY_ENGINE_CONTRACTLOADER_H
#define CUSTODY_ENGINE_CONTRACTLOADER_H

#include "Contract.h"
#include <memory>
#include <string>
#include <vector>

namespace custody {

/// A problem in a contract file: where, and what is wrong.
struct ContractError {
  ContractLoc Loc;
  std::string Message;
  std::string str() const; // "file:line:col: error: message"
};

/// Parses one contract file and the files it includes into Set. Returns false
/// if anything was wrong; every problem found is appended to Errors.
bool loadContractFile(const std::string &Path, ContractSet &Set,
                      std::vector<ContractError> &Errors);

/// Same, for YAML text that does not live in a file (Name is used in errors).
bool loadContractText(const std::string &Text, const std::string &Name,
                      ContractSet &Set, std::vector<ContractError> &Errors);

/// Where the built-in contracts live: $CUSTODY_CONTRACTS_DIR, else the
/// install tree next to the running binary or plugin, else the source tree.
std::string builtinContractsDir();

/// The built-in contracts plus the user's files, loaded once per distinct
/// list of files and shared afterwards (thread-safe). Null on error. With
/// IncludedFiles, built-in contracts whose headers are not among them are
/// not even parsed.
std::shared_ptr<const ContractSet>
loadContracts(const std::vector<std::string> &UserFiles, bool WithBuiltins,
              const std::vector<std::string> *IncludedFiles,
              std::vector<ContractError> &Errors);

/// Whether Header ("curl/curl.h") names one of Files, matching whole path
/// components from the end.
bool headerIncluded(llvm::StringRef Header,
                    const std::vector<std::string> &Files);

/// Finds `.custody.yaml` in Dir or its parents; empty if there is none.
std::string findProjectContract(const std::string &Dir);

} // namespace custody

#endif
