//===- ContractLoaderFuzzer.cpp - libFuzzer target: the contract loader ---===//
//
// Feeds arbitrary bytes to the YAML contract loader as the text of a
// contract file, the way `--contracts FILE` and `.custody.yaml` reach it.
// Whatever the bytes, the loader must return, and a refused contract must
// say why; an accepted one is then queried the way the analysis queries it.
//
// Includes are resolved against the working directory: run the fuzzer from
// an empty one (fuzz/run.sh does).
//
//===----------------------------------------------------------------------===//

#include "ContractLoader.h"
#include <cstdint>
#include <cstdio>
#include <cstdlib>

using namespace custody;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  std::string Text(reinterpret_cast<const char *>(Data), Size);
  ContractSet Set;
  std::vector<ContractError> Errors;
  bool Ok = loadContractText(Text, "fuzz.yaml", Set, Errors);
  if (!Ok && Errors.empty()) {
    fprintf(stderr, "contract refused without an error message\n");
    abort();
  }
  for (const ContractError &E : Errors)
    if (E.str().empty())
      abort();
  if (!Ok)
    return 0;
  // What a translation unit asks of the contracts in force.
  std::vector<std::string> Included = {"/usr/include/stdio.h", "fuzz.h"};
  for (const LibraryContract &L : Set.Libraries)
    for (const std::string &H : L.Headers)
      Included.push_back("/include/" + H);
  std::shared_ptr<ContractSet> Active = Set.activeFor(Included);
  for (const auto &F : Set.Functions) {
    const FunctionContract *FC = Active->lookup(F.getKey());
    if (FC) {
      (void)FC->successCondition();
      if (FC->Returns)
        (void)Active->resource(FC->Returns->Resource);
      for (const auto &[I, AE] : FC->Args)
        (void)Active->resource(AE.Resource);
    }
    (void)Active->isNonOwningByPrefix(F.getKey());
  }
  return 0;
}
