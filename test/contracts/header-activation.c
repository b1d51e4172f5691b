// A built-in contract applies only when its library's header is part of the
// translation unit: here nothing includes <stdlib.h>, so 'malloc' and 'free'
// are this file's own functions and nothing is reported.
// RUN: %custody %s -- | FileCheck %s --allow-empty --implicit-check-not=warning:
// RUN: %tidy %s -- | FileCheck %s --allow-empty --implicit-check-not=warning:
// RUN: %custody --verbose %s -- 2>&1 | FileCheck %s --check-prefix=VERBOSE
// VERBOSE: custody: contracts in force:{{$}}

typedef unsigned long size_t;
void *malloc(size_t n);
void free(void *p);

void pool_only(void) {
  void *p = malloc(4);
  free(p);
  free(p);
}
