// RUN: not %custody %s -- -std=gnu89 | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- -std=gnu89 | FileCheck %s --implicit-check-not=warning:
// RUN: not %custody %s -- -std=gnu11 -Wno-implicit-function-declaration | FileCheck %s --implicit-check-not=warning:
// RUN: not %custody --verbose %s -- -std=gnu89 2>&1 | FileCheck %s --check-prefix=VERBOSE
// VERBOSE: implicit-declaration.c: custody: contracts in force: libc{{$}}

// No header is included: C89 (or a compiler told not to stop at it) declares
// malloc, free and open implicitly at their first call. Built-in contracts
// apply when their header is included, and also when the translation unit
// declares one of their functions implicitly, so libc's contract is in force.

char *checkLeak01MallocWithoutHeader(const char *s, unsigned long n) {
  char *p = malloc(n + 1);
  if (!p)
    return 0;
  if (n > 100)
    return 0;
  // CHECK: :[[@LINE-1]]:5: warning: 'p' (heap memory from 'malloc') is not released on this path [contract-resource-leak]
  // CHECK: :[[@LINE-6]]:13: note: heap memory acquired here from 'malloc'; the contract says 'free' releases it
  // CHECK: :[[@LINE-4]]:7: note: assuming 'n > 100' is true
  p[0] = s[0];
  return p;
}

int checkLeak02OpenWithoutHeader(const char *path) {
  int fd = open(path, 0);
  if (fd < 0)
    return -1;
  return 0;
  // CHECK: :[[@LINE-1]]:3: warning: 'fd' (file descriptor from 'open') is not released on this path [contract-resource-leak]
  // CHECK: :[[@LINE-5]]:12: note: file descriptor acquired here from 'open'; the contract says 'close' releases it
}

int checkNoLeak01MallocFree(unsigned long n) {
  char *p = malloc(n);
  if (p == 0)
    return -1;
  p[0] = 0;
  free(p);
  return 0;
}
