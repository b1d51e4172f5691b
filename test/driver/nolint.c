// NOLINT comments suppress findings in the CLI exactly as in the plugin.
// RUN: not %custody %s -- | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- | FileCheck %s --implicit-check-not=warning:
#include <stdlib.h>

void suppressedOnLine(void) {
  char *p = malloc(1);
} // NOLINT(contract-resource-leak)

void suppressedAll(void) {
  char *p = malloc(1);
} // NOLINT

void suppressedNextLine(void) {
  char *p = malloc(1);
  // NOLINTNEXTLINE(contract-*)
}

// NOLINTBEGIN(contract-resource-leak)
void suppressedBlock(void) {
  char *p = malloc(1);
}
// NOLINTEND(contract-resource-leak)

void otherCheckNamed(void) {
  char *p = malloc(1);
} // NOLINT(contract-double-release)
// CHECK: :[[@LINE-1]]:1: warning: 'p' (heap memory from 'malloc') is not released on this path [contract-resource-leak]

void notSuppressed(void) {
  char *p = malloc(1);
}
// CHECK: :[[@LINE-1]]:1: warning: 'p' (heap memory from 'malloc') is not released on this path [contract-resource-leak]
