//===- ImportCppcheck.cpp - cppcheck library configs to contracts ---------===//

#include "Options.h"

int custody::importCppcheckMain(int, const char **) {
  llvm::errs() << "custody: error: 'custody contracts import-cppcheck' is not "
                  "implemented yet\n";
  return 2;
}
