// RUN: not %custody --contracts %S/Inputs/sdk.yaml %s -- %cflags -I%S/Inputs | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -config="{CheckOptions: {CustodyContracts: '%S/Inputs/sdk.yaml'}}" -- %cflags -I%S/Inputs | FileCheck %s --implicit-check-not=warning:

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include "sdk.h"

void checkReleaseUnowned01Borrowed(sdk_ctx *ctx) {
  sdk_tpl *t = sdk_tpl_get_cached(ctx);
  if (sdk_tpl_score(t) < 0)
    sdk_tpl_destroy(t);
  // CHECK: :[[@LINE-1]]:5: warning: 't' is borrowed from 'sdk_tpl_get_cached' and must not be released by 'sdk_tpl_destroy' [contract-release-unowned]
  // CHECK: :[[@LINE-4]]:16: note: sdk template borrowed here from 'sdk_tpl_get_cached'; the contract does not make the caller its owner
}

int checkReleaseUnowned02FailedAcquisition(const char *pattern) {
  regex_t re;
  int rc = regcomp(&re, pattern, REG_EXTENDED);
  if (rc != 0) {
    regfree(&re);
    // CHECK: :[[@LINE-1]]:5: warning: 're' is released by 'regfree' but 'regcomp' failed, so it was never acquired [contract-release-unowned]
    // CHECK: :[[@LINE-4]]:12: note: 'regcomp' fails here, so it does not acquire the compiled regular expression
    return -1;
  }
  regfree(&re);
  return 0;
}

void checkReleaseUnowned03NullStream(const char *path) {
  FILE *f = fopen(path, "r");
  if (f == NULL) {
    fclose(f);
    // CHECK: :[[@LINE-1]]:5: warning: 'f' is null here and 'fclose' must not be called with null [contract-release-unowned]
    return;
  }
  fclose(f);
}

// --- Must stay silent -------------------------------------------------------

void checkNoReleaseUnowned01FreeNull(void) {
  char *p = malloc(4);
  if (!p) {
    free(p); // free(NULL) is allowed.
    return;
  }
  free(p);
}

void checkNoReleaseUnowned02BorrowedUsed(sdk_ctx *ctx) {
  sdk_tpl *t = sdk_tpl_get_cached(ctx);
  sdk_tpl_score(t);
}

void checkNoReleaseUnowned03Parameter(sdk_tpl *t) {
  sdk_tpl_destroy(t); // The caller's contract, not ours to judge here.
}

int checkNoReleaseUnowned04RegcompChecked(const char *pattern) {
  regex_t re;
  if (regcomp(&re, pattern, 0))
    return -1;
  regfree(&re);
  return 0;
}

void checkReleaseUnowned04BorrowedHandedOver(sdk_ctx *ctx) {
  sdk_tpl *t = sdk_tpl_get_cached(ctx);
  sdk_engine_enroll(ctx, t);
  // CHECK: :[[@LINE-1]]:3: warning: 't' is borrowed from 'sdk_tpl_get_cached' and must not be handed to 'sdk_engine_enroll', which takes ownership [contract-release-unowned]
  // CHECK: :[[@LINE-3]]:16: note: sdk template borrowed here from 'sdk_tpl_get_cached'; the contract does not make the caller its owner
}

void checkNoReleaseUnowned05SameValueTwice(sdk_ctx *ctx) {
  sdk_tpl *t;
  if (sdk_tpl_open(ctx, 0, 0, &t) != 0)
    return;
  sdk_pair_take(ctx, t, t); // One handle for both roles, taken once.
}

void use_files(FILE *out, FILE *in);
void checkNoReleaseUnowned06UncheckedOpen(const char *a, const char *b) {
  // Never tested for null: closing what fopen returned is not reported as a
  // null release (the failure was only assumed, never seen by the code).
  FILE *in = fopen(a, "rb");
  FILE *out = fopen(b, "wb");
  use_files(out, in);
  fclose(out);
  fclose(in);
}

void checkReleaseUnowned07ExplicitNull(void) {
  FILE *f = NULL;
  fclose(f);
  // CHECK: :[[@LINE-1]]:3: warning: 'f' is null here and 'fclose' must not be called with null [contract-release-unowned]
}
