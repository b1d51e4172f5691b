// RUN: not %custody --contracts %S/Inputs/ring.yaml %s -- %cflags -I%S/Inputs | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -config="{CheckOptions: {CustodyContracts: '%S/Inputs/ring.yaml'}}" -- %cflags -I%S/Inputs | FileCheck %s --implicit-check-not=warning:

// contract-null-argument: a value that is null when its call fails reaches,
// untested, an argument the contract marks 'rejects_null'.

#include "ring.h"

// --- Must warn ---------------------------------------------------------------

int pushName(ring *r, const char *name) {
  record *rec = record_new(name);
  int rc = ring_push(r, rec);
  // CHECK: :[[@LINE-1]]:25: warning: 'rec' is NULL when 'record_new' fails, and it is passed untested to 'ring_push', which does not accept NULL [contract-null-argument]
  // CHECK: :[[@LINE-3]]:17: note: assuming 'record_new' fails (returns null)
  record_free(rec);
  return rc;
}

// (The ring is also never closed.)
size_t sizeOfNew(void) {
  return ring_size(ring_open(16));
  // CHECK: :[[@LINE-1]]:3: warning: the result of 'ring_open' (ring buffer from 'ring_open') is not released on this path [contract-resource-leak]
  // CHECK: :[[@LINE-2]]:20: warning: the result of 'ring_open' is NULL when the call fails, and it is passed untested to 'ring_size', which does not accept NULL [contract-null-argument]
  // CHECK: :[[@LINE-3]]:20: note: assuming 'ring_open' fails (returns null)
}

size_t sizeAfterFailure(void) {
  ring *r = ring_open(4);
  if (!r)
    return ring_size(r);
  // CHECK: :[[@LINE-1]]:22: warning: 'r' is NULL here, where 'ring_open' failed, and it is passed to 'ring_size', which does not accept NULL [contract-null-argument]
  // CHECK: :[[@LINE-4]]:13: note: assuming 'ring_open' fails (returns null)
  size_t n = ring_size(r);
  ring_close(r);
  return n;
}

// --- Must stay silent -------------------------------------------------------

int pushTested(ring *r, const char *name) {
  record *rec = record_new(name);
  if (!rec)
    return -1;
  int rc = ring_push(r, rec);
  record_free(rec);
  return rc;
}

// ring_adopt returns -1 for a NULL record: a failure, not a crash, and the
// record is not taken over on that path.
int adoptUntested(ring *r, const char *name) {
  record *rec = record_new(name);
  if (ring_adopt(r, rec) != 0) {
    if (rec)
      record_free(rec);
    return -1;
  }
  return 0;
}

// A parameter may be null for all this function knows: its callers decide.
size_t sizeOfParam(ring *r) { return ring_size(r); }
