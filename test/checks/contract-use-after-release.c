// RUN: not %custody --contracts %S/Inputs/sdk.yaml %s -- %cflags -I%S/Inputs | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -config="{CheckOptions: {CustodyContracts: '%S/Inputs/sdk.yaml'}}" -- %cflags -I%S/Inputs | FileCheck %s --implicit-check-not=warning:

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sdk.h"

struct point { int x, y; };

int checkUseAfterRelease01Deref(void) {
  struct point *p = malloc(sizeof *p);
  if (!p)
    return 0;
  free(p);
  return p->x;
  // CHECK: :[[@LINE-1]]:10: warning: 'p' is used after it was released by 'free' [contract-use-after-release]
  // CHECK: :[[@LINE-6]]:21: note: heap memory acquired here from 'malloc'; the contract says 'free' releases it
  // CHECK: :[[@LINE-4]]:3: note: released here
}

size_t checkUseAfterRelease02PassedOn(void) {
  char *s = strdup("abc");
  free(s);
  return strlen(s);
  // CHECK: :[[@LINE-1]]:10: warning: 's' is used after it was released by 'free' [contract-use-after-release]
  // CHECK: :[[@LINE-4]]:13: note: heap memory acquired here from 'strdup'; the contract says 'free' releases it
  // CHECK: :[[@LINE-4]]:3: note: released here
}

int checkUseAfterRelease03AfterMove(sdk_ctx *ctx) {
  sdk_tpl *tpl;
  if (sdk_tpl_open(ctx, 0, 0, &tpl) != 0)
    return -1;
  sdk_engine_enroll(ctx, tpl);
  return sdk_tpl_score(tpl);
  // CHECK: :[[@LINE-1]]:10: warning: 'tpl' is used after its ownership moved into 'sdk_engine_enroll' [contract-use-after-release]
  // CHECK: :[[@LINE-5]]:7: note: sdk template acquired here through argument 3 of 'sdk_tpl_open'; the contract says 'sdk_tpl_destroy' or 'sdk_tpl_destroy_secure' releases it
  // CHECK: :[[@LINE-4]]:3: note: ownership moved here
}

void checkUseAfterRelease04FileAfterClose(void) {
  FILE *f = fopen("/tmp/log", "a");
  if (!f)
    return;
  fclose(f);
  fprintf(f, "done\n");
  // CHECK: :[[@LINE-1]]:3: warning: 'f' is used after it was released by 'fclose' [contract-use-after-release]
  // CHECK: :[[@LINE-6]]:13: note: FILE stream acquired here from 'fopen'; the contract says 'fclose' releases it
  // CHECK: :[[@LINE-4]]:3: note: released here
}

void checkUseAfterRelease05Index(int n) {
  int *a = calloc(n, sizeof *a);
  free(a);
  a[0] = 1;
  // CHECK: :[[@LINE-1]]:3: warning: 'a' is used after it was released by 'free' [contract-use-after-release]
  // CHECK: :[[@LINE-4]]:12: note: heap memory acquired here from 'calloc'; the contract says 'free' releases it
  // CHECK: :[[@LINE-4]]:3: note: released here
}

// --- Must stay silent -------------------------------------------------------

int checkNoUseAfterRelease01CompareAfterFree(void) {
  char *p = malloc(4);
  free(p);
  return p != NULL; // Comparing the pointer is not a use of the memory.
}

void checkNoUseAfterRelease02Reassigned(void) {
  char *p = malloc(4);
  free(p);
  p = malloc(4);
  if (p)
    p[0] = 0;
  free(p);
}

int checkNoUseAfterRelease03UsedBefore(void) {
  char *p = strdup("x");
  if (!p)
    return -1;
  int c = p[0];
  free(p);
  return c;
}

void checkNoUseAfterRelease04OtherBranch(int c) {
  char *p = malloc(4);
  if (!p)
    return;
  if (c) {
    free(p);
    return;
  }
  p[0] = 1;
  free(p);
}

int checkNoUseAfterRelease05Kept(sdk_ctx *ctx) {
  sdk_tpl *tpl;
  if (sdk_tpl_open(ctx, 0, 0, &tpl) != 0)
    return -1;
  sdk_ctx_register(ctx, tpl); // The context keeps a reference: no leak.
  return sdk_tpl_score(tpl);  // Still usable.
}
