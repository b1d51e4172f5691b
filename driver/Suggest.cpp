//===- Suggest.cpp - A first contract for a C SDK from its header ---------===//

#include "Options.h"

int custody::suggestMain(int, const char **) {
  llvm::errs() << "custody: error: 'custody contracts suggest' is not "
                  "implemented yet\n";
  return 2;
}
