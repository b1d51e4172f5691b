// Contracts can include other contract files; resources defined in an
// included file are usable by the including one.
// RUN: not %custody --no-builtin-contracts --contracts %S/Inputs/good-include.yaml %s -- | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -config="{CheckOptions: {CustodyContracts: '%S/Inputs/good-include.yaml', CustodyBuiltinContracts: 'false'}}" -- | FileCheck %s --implicit-check-not=warning:

typedef struct lib_handle lib_handle;
lib_handle *lib_open(const char *name);
void lib_close(lib_handle *h);

void checkLeak01(void) {
  lib_handle *h = lib_open("x");
}
// CHECK: :[[@LINE-1]]:1: warning: 'h' (lib handle from 'lib_open') is not released on this path [contract-resource-leak]

void checkNoLeak01(void) {
  lib_handle *h = lib_open("x");
  lib_close(h);
}
