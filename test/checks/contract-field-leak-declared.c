// RUN: not %custody --contracts %S/Inputs/fields-sdk.yaml %s -- %cflags -I%S/Inputs | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -config="{CheckOptions: {CustodyContracts: '%S/Inputs/fields-sdk.yaml'}}" -- %cflags -I%S/Inputs | FileCheck %s --implicit-check-not=warning:
// A field named in the contract's 'fields:' owns its values even when no
// function of this file stores one there.
// RUN: not %custody --contracts %S/Inputs/fields-sdk.yaml --contracts %S/Inputs/fields-bad.yaml %s -- %cflags -I%S/Inputs 2>&1 | FileCheck %s --check-prefix=BAD
// BAD: fields-bad.yaml:5:10: error: field 'ctx' of 'reader' names resource 'fp-ctxx', which no contract defines; did you mean 'fp-ctx'?

#include "fields-sdk.h"
#include <stdlib.h>

struct reader {
  fp_ctx *ctx;
  fp_template *enrolled;
  int n;
};

void reader_free(struct reader *r) {
  fp_ctx_destroy(r->ctx);
  free(r);
  // CHECK: :[[@LINE-1]]:3: warning: 'r->enrolled' still holds the fingerprint template the field is declared to own when 'free' frees the object; 'reader_free' (the destroy function of 'reader') must release it [contract-field-leak]
  // CHECK: :[[@LINE-8]]:16: note: this field is declared to own the fingerprint template
}

void reader_set_enrolled(struct reader *r, fp_template *t) {
  r->enrolled = t;
  // CHECK: :[[@LINE-1]]:3: warning: 'r->enrolled' is overwritten without releasing the fingerprint template an earlier call may have stored there; release it first (or test that the field is empty) [contract-field-leak]
  // CHECK: :[[@LINE-14]]:16: note: this field is declared to own the fingerprint template
}

/* Correct: both released; the setter releases the old one first. */
struct station {
  fp_ctx *ctx;
};

void reader_replace_enrolled(struct reader *r, fp_template *t) {
  if (r->enrolled)
    fp_template_destroy(r->enrolled);
  r->enrolled = t;
}

void reader_close(struct reader *r) {
  fp_template_destroy(r->enrolled);
  fp_ctx_destroy(r->ctx);
  free(r);
}
