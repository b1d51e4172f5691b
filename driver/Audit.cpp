//===- Audit.cpp - custody audit: calls no contract describes -------------===//

#include "Options.h"

int custody::auditMain(int, const char **) {
  llvm::errs() << "custody: error: 'custody audit' is not implemented yet\n";
  return 2;
}
