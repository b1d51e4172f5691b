// RUN: not %custody --contracts %S/Inputs/fields-sdk.yaml %s -- %cflags -I%S/Inputs -I%src/contracts/annotations | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -config="{CheckOptions: {CustodyContracts: '%S/Inputs/fields-sdk.yaml'}}" -- %cflags -I%S/Inputs -I%src/contracts/annotations | FileCheck %s --implicit-check-not=warning:
// CUSTODY_OWNS(R) on a field or a global says it owns values of R, as the
// contract's 'fields:' does. A resource no contract defines is an error.
// RUN: not %custody --contracts %S/Inputs/fields-sdk.yaml %s -- %cflags -I%S/Inputs -I%src/contracts/annotations -DTYPO 2>&1 | FileCheck %s --check-prefix=TYPO
// TYPO: error: the annotation on 'spare' names resource 'fp-templat', which no contract in force defines; did you mean 'fp-template'?

#include "fields-sdk.h"
#include <custody/annotations.h>
#include <stdlib.h>

struct scanner {
  fp_ctx *ctx CUSTODY_OWNS(fp-ctx);
  fp_template *last CUSTODY_OWNS(fp-template);
#ifdef TYPO
  fp_template *spare CUSTODY_OWNS(fp-templat);
#endif
};

void scanner_destroy(struct scanner *s) {
  fp_template_destroy(s->last);
  free(s);
  // CHECK: :[[@LINE-1]]:3: warning: 's->ctx' still holds the fingerprint context the field is declared to own when 'free' frees the object; 'scanner_destroy' (the destroy function of 'scanner') must release it [contract-field-leak]
  // CHECK: :[[@LINE-11]]:11: note: this field is declared to own the fingerprint context
}

void scanner_set_last(struct scanner *s, fp_template *t) {
  if (s->last)
    fp_template_destroy(s->last);
  s->last = t;
}

/* Correct. */
void scanner_close(struct scanner *s) {
  fp_template_destroy(s->last);
  fp_ctx_destroy(s->ctx);
  free(s);
}
