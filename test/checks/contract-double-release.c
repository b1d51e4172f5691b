// RUN: not %custody --contracts %S/Inputs/sdk.yaml %s -- %cflags -I%S/Inputs | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -config="{CheckOptions: {CustodyContracts: '%S/Inputs/sdk.yaml'}}" -- %cflags -I%S/Inputs | FileCheck %s --implicit-check-not=warning:

#include <stdlib.h>
#include "sdk.h"

void checkDoubleRelease01(void) {
  char *p = malloc(10);
  free(p);
  free(p);
  // CHECK: :[[@LINE-1]]:3: warning: 'p' is released by 'free' after it was already released by 'free' [contract-double-release]
  // CHECK: :[[@LINE-4]]:13: note: heap memory acquired here from 'malloc'; the contract says 'free' releases it
  // CHECK: :[[@LINE-4]]:3: note: first released here
}

int checkDoubleRelease02SharedLabel(sdk_ctx *ctx, const unsigned char *img) {
  sdk_tpl *tpl = NULL;
  if (sdk_tpl_open(ctx, img, 4, &tpl) != 0)
    return -1;
  if (sdk_tpl_score(tpl) < 10) {
    sdk_tpl_destroy(tpl);
    goto fail;
  }
  sdk_engine_enroll(ctx, tpl);
  return 0;
fail:
  sdk_tpl_destroy(tpl);
  // CHECK: :[[@LINE-1]]:3: warning: 'tpl' is released by 'sdk_tpl_destroy' after it was already released by 'sdk_tpl_destroy' [contract-double-release]
  // CHECK: :[[@LINE-11]]:7: note: sdk template acquired here through argument 3 of 'sdk_tpl_open'; the contract says 'sdk_tpl_destroy' or 'sdk_tpl_destroy_secure' releases it
  // CHECK: :[[@LINE-9]]:5: note: first released here
  return -1;
}

void checkDoubleRelease03AfterMove(sdk_ctx *ctx, sdk_tpl *unused) {
  sdk_tpl *tpl;
  if (sdk_tpl_open(ctx, 0, 0, &tpl) != 0)
    return;
  sdk_engine_enroll(ctx, tpl);
  sdk_tpl_destroy(tpl);
  // CHECK: :[[@LINE-1]]:3: warning: 'tpl' is released by 'sdk_tpl_destroy' after its ownership moved into 'sdk_engine_enroll' [contract-double-release]
  // CHECK: :[[@LINE-5]]:7: note: sdk template acquired here through argument 3 of 'sdk_tpl_open'; the contract says 'sdk_tpl_destroy' or 'sdk_tpl_destroy_secure' releases it
  // CHECK: :[[@LINE-4]]:3: note: ownership moved here
}

void checkDoubleRelease04Alias(void) {
  char *p = malloc(4);
  char *q = p;
  free(p);
  free(q);
  // CHECK: :[[@LINE-1]]:3: warning: 'q' is released by 'free' after it was already released by 'free' [contract-double-release]
  // CHECK: :[[@LINE-5]]:13: note: heap memory acquired here from 'malloc'; the contract says 'free' releases it
  // CHECK: :[[@LINE-4]]:3: note: first released here
}

void checkDoubleRelease05Parameter(char *p) {
  free(p);
  free(p);
  // CHECK: :[[@LINE-1]]:3: warning: 'p' is released by 'free' after it was already released by 'free' [contract-double-release]
  // CHECK: :[[@LINE-3]]:3: note: first released here
}

// --- Must stay silent -------------------------------------------------------

void checkNoDoubleRelease01NulledAfterFree(void) {
  char *p = malloc(4);
  free(p);
  p = NULL;
  free(p);
}

void checkNoDoubleRelease02ReleasedOnEachBranch(int c) {
  char *p = malloc(4);
  if (c)
    free(p);
  else
    free(p);
}

int checkNoDoubleRelease03GalleryTookIt(sdk_gallery *gal, sdk_ctx *ctx) {
  sdk_tpl *tpl;
  if (sdk_tpl_open(ctx, 0, 0, &tpl) != 0)
    return -1;
  if (sdk_gallery_add(gal, tpl) != 0) {
    sdk_tpl_destroy(tpl); // The gallery did not take it.
    return -1;
  }
  return 0;
}

void checkNoDoubleRelease04Reacquired(void) {
  char *p = malloc(4);
  free(p);
  p = malloc(8);
  free(p);
}

void checkNoDoubleRelease05Loop(int n) {
  for (int i = 0; i < n; ++i) {
    char *p = malloc(4);
    free(p);
  }
}

struct box { char *data; };

void checkDoubleRelease06AfterStoring(struct box *b) {
  char *p = malloc(8);
  b->data = p;
  free(p);
  free(p);
  // CHECK: :[[@LINE-1]]:3: warning: 'p' is released by 'free' after it was already released by 'free' [contract-double-release]
  // CHECK: :[[@LINE-5]]:13: note: heap memory acquired here from 'malloc'; the contract says 'free' releases it
  // CHECK: :[[@LINE-4]]:3: note: first released here
}

void checkNoDoubleRelease06RetainThenHandOver(sdk_ctx *ctx) {
  sdk_tpl *t;
  if (sdk_tpl_open(ctx, 0, 0, &t) != 0)
    return;
  sdk_tpl_ref(t);           // Two references now.
  sdk_engine_enroll(ctx, t); // The engine takes one.
  sdk_tpl_destroy(t);        // This code releases the other.
}

void checkNoDoubleRelease07ManyReferences(sdk_ctx *ctx) {
  sdk_tpl *t;
  if (sdk_tpl_open(ctx, 0, 0, &t) != 0)
    return;
  sdk_tpl_ref(t); // More references than are counted: no verdict.
  sdk_tpl_ref(t);
  sdk_tpl_ref(t);
  sdk_tpl_ref(t);
  sdk_tpl_ref(t);
  sdk_tpl_destroy(t);
  sdk_tpl_destroy(t);
  sdk_tpl_destroy(t);
  sdk_tpl_destroy(t);
  sdk_tpl_destroy(t);
  sdk_tpl_destroy(t);
  sdk_tpl_destroy(t);
}

void checkDoubleRelease08OneReferenceTooMany(sdk_ctx *ctx) {
  sdk_tpl *t;
  if (sdk_tpl_open(ctx, 0, 0, &t) != 0)
    return;
  sdk_tpl_ref(t);
  sdk_tpl_destroy(t);
  sdk_tpl_destroy(t);
  sdk_tpl_destroy(t);
  // CHECK: :[[@LINE-1]]:3: warning: 't' is released by 'sdk_tpl_destroy' after it was already released by 'sdk_tpl_destroy' [contract-double-release]
  // CHECK: :[[@LINE-7]]:7: note: sdk template acquired here through argument 3 of 'sdk_tpl_open'; the contract says 'sdk_tpl_destroy' or 'sdk_tpl_destroy_secure' releases it
  // CHECK: :[[@LINE-4]]:3: note: first released here
}

void checkDoubleRelease09Varargs(sdk_ctx *ctx) {
  sdk_tpl *a, *b;
  if (sdk_tpl_open(ctx, 0, 0, &a) != 0)
    return;
  if (sdk_tpl_open(ctx, 0, 0, &b) != 0) {
    sdk_tpl_destroy(a);
    return;
  }
  sdk_log_values("%p %p", a, b);  // Only used.
  sdk_queue_push_all(ctx, 2, a, b); // Both handed over.
  sdk_tpl_destroy(b);
  // CHECK: :[[@LINE-1]]:3: warning: 'b' is released by 'sdk_tpl_destroy' after its ownership moved into 'sdk_queue_push_all' [contract-double-release]
  // CHECK: :[[@LINE-8]]:7: note: sdk template acquired here through argument 3 of 'sdk_tpl_open'; the contract says 'sdk_tpl_destroy' or 'sdk_tpl_destroy_secure' releases it
  // CHECK: :[[@LINE-4]]:3: note: ownership moved here
}
