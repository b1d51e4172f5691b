// RUN: not %custody --contracts %S/Inputs/sdk.yaml %s -- %cflags -I%S/Inputs | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -config="{CheckOptions: {CustodyContracts: '%S/Inputs/sdk.yaml'}}" -- %cflags -I%S/Inputs | FileCheck %s --implicit-check-not=warning:

#include <stdio.h>
#include <stdlib.h>
#include "sdk.h"

void checkWrongRelease01SdkStringWithFree(const sdk_tpl *tpl) {
  char *d = sdk_tpl_describe(tpl);
  if (!d)
    return;
  puts(d);
  free(d);
  // CHECK: :[[@LINE-1]]:3: warning: 'd' (sdk string from 'sdk_tpl_describe') is released with 'free', which releases heap memory [contract-wrong-release]
  // CHECK: :[[@LINE-6]]:13: note: sdk string acquired here from 'sdk_tpl_describe'; the contract says 'sdk_string_free' releases it
}

void checkWrongRelease02HeapWithSdkFree(void) {
  char *s = malloc(8);
  sdk_string_free(s);
  // CHECK: :[[@LINE-1]]:3: warning: 's' (heap memory from 'malloc') is released with 'sdk_string_free', which releases sdk string [contract-wrong-release]
  // CHECK: :[[@LINE-3]]:13: note: heap memory acquired here from 'malloc'; the contract says 'free' releases it
}

void checkWrongRelease03FileWithFree(void) {
  FILE *f = fopen("/tmp/x", "r");
  if (f)
    free(f);
  // CHECK: :[[@LINE-1]]:5: warning: 'f' (FILE stream from 'fopen') is released with 'free', which releases heap memory [contract-wrong-release]
  // CHECK: :[[@LINE-4]]:13: note: FILE stream acquired here from 'fopen'; the contract says 'fclose' releases it
}

// --- Must stay silent -------------------------------------------------------

void checkNoWrongRelease01EitherReleaser(sdk_ctx *ctx, int secure) {
  sdk_tpl *t;
  if (sdk_tpl_open(ctx, 0, 0, &t))
    return;
  if (secure)
    sdk_tpl_destroy_secure(t);
  else
    sdk_tpl_destroy(t);
}

void checkNoWrongRelease02Matching(const sdk_tpl *tpl) {
  char *d = sdk_tpl_describe(tpl);
  sdk_string_free(d);
}
