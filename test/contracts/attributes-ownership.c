// RUN: not %custody %s -- %cflags | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- %cflags | FileCheck %s --implicit-check-not=warning:

// Clang's ownership_returns/ownership_takes/ownership_holds, the annotations
// the analyzer's malloc checker reads, count as contracts. A function that
// returns memory is an allocator whose result may be NULL; 'takes' frees the
// argument (using it afterwards is a use after free); 'holds' keeps it (still
// usable, no longer the caller's to free). The module names the kind of
// memory: malloc is the C heap that free() releases; any other module is a
// kind of its own, released only by its 'takes' functions.

#include <stdlib.h>

typedef struct record {
  int key;
  char *name;
} record_t;

void *rec_alloc(size_t n) __attribute__((ownership_returns(malloc)));
void *rec_alloc_sized(size_t n) __attribute__((ownership_returns(malloc, 1)));
void rec_free(void *p) __attribute__((ownership_takes(malloc, 1)));
void table_store(int key, record_t *val) __attribute__((ownership_holds(malloc, 2)));
void *arena_get(size_t n) __attribute__((ownership_returns(arena)));
void arena_put(void *p) __attribute__((ownership_takes(arena, 1)));
void arena_put_two(void *a, void *b) __attribute__((ownership_takes(arena, 1, 2)));
typedef struct draft draft_t;
typedef struct doc doc_t;
draft_t *draft_new(void) __attribute__((ownership_returns(draft)));
doc_t *draft_publish(draft_t *d) __attribute__((ownership_returns(doc)))
    __attribute__((ownership_takes(draft, 1)));
void doc_free(doc_t *d) __attribute__((ownership_takes(doc, 1)));

// --- Must warn ---------------------------------------------------------------

int checkLeakOfReturned(int k) {
  record_t *r = rec_alloc(sizeof *r);
  if (!r)
    return -1;
  if (k < 0)
    return -2;
  // CHECK: :[[@LINE-1]]:5: warning: 'r' (heap memory from 'rec_alloc') is not released on this path [contract-resource-leak]
  // CHECK: :[[@LINE-6]]:17: note: heap memory acquired here from 'rec_alloc'; the contract says 'free' or 'rec_free' releases it
  rec_free(r);
  return 0;
}

int checkUseAfterTakes(void) {
  record_t *r = rec_alloc(sizeof *r);
  if (!r)
    return -1;
  rec_free(r);
  return r->key;
  // CHECK: :[[@LINE-1]]:10: warning: 'r' is used after it was released by 'rec_free' [contract-use-after-release]
  // CHECK: :[[@LINE-6]]:17: note: heap memory acquired here
  // CHECK: :[[@LINE-4]]:3: note: released here
}

void checkDoubleFreeThroughTakes(void) {
  char *p = rec_alloc_sized(8);
  free(p);
  rec_free(p);
  // CHECK: :[[@LINE-1]]:3: warning: 'p' is released by 'rec_free' after it was already released by 'free' [contract-double-release]
  // CHECK: :[[@LINE-4]]:13: note: heap memory acquired here from 'rec_alloc_sized'
  // CHECK: :[[@LINE-4]]:3: note: first released here
}

void checkOtherModuleFreedWithFree(void) {
  char *p = arena_get(8);
  free(p);
  // CHECK: :[[@LINE-1]]:3: warning: 'p' (arena memory from 'arena_get') is released with 'free', which releases heap memory [contract-wrong-release]
  // CHECK: :[[@LINE-3]]:13: note: arena memory acquired here from 'arena_get'; the contract says 'arena_put' or 'arena_put_two' releases it
}

void checkOtherModuleLeak(int k) {
  char *p = arena_get(8);
  if (k)
    return;
  // CHECK: :[[@LINE-1]]:5: warning: 'p' (arena memory from 'arena_get') is not released on this path [contract-resource-leak]
  // CHECK: :[[@LINE-4]]:13: note: arena memory acquired here from 'arena_get'
  arena_put(p);
}

void checkSecondTakenArgument(void) {
  char *a = arena_get(8);
  char *b = arena_get(8);
  arena_put_two(a, b);
  arena_put(b);
  // CHECK: :[[@LINE-1]]:3: warning: 'b' is released by 'arena_put' after it was already released by 'arena_put_two' [contract-double-release]
  // CHECK: :[[@LINE-4]]:13: note: arena memory acquired here from 'arena_get'
  // CHECK: :[[@LINE-4]]:3: note: first released here
}

// One kind goes in, another comes out.
int checkConvertedLeak(void) {
  draft_t *d = draft_new();
  doc_t *doc = draft_publish(d);
  return doc != 0;
  // CHECK: :[[@LINE-1]]:3: warning: 'doc' (doc memory from 'draft_publish') is not released on this path [contract-resource-leak]
  // CHECK: :[[@LINE-3]]:16: note: doc memory acquired here from 'draft_publish'; the contract says 'doc_free' releases it
}

// --- Must stay silent --------------------------------------------------------

int okConverted(void) {
  draft_t *d = draft_new();
  doc_t *doc = draft_publish(d);
  if (!doc)
    return -1;
  doc_free(doc);
  return 0;
}

int okReleasedOnEveryPath(int k) {
  record_t *r = rec_alloc(sizeof *r);
  if (!r)
    return -1;
  if (k < 0)
    goto out;
  r->key = k;
out:
  rec_free(r);
  return 0;
}

int okHeldStaysUsable(int k) {
  record_t *r = rec_alloc(sizeof *r);
  if (!r)
    return -1;
  table_store(k, r);
  return r->key;
}

record_t *okReturnedToCaller(int k) {
  record_t *r = rec_alloc(sizeof *r);
  if (r)
    r->key = k;
  return r;
}

void okFreedByLibc(void) {
  char *p = rec_alloc_sized(16);
  free(p);
}

void okOtherModule(void) {
  char *a = arena_get(8);
  char *b = arena_get(8);
  arena_put_two(a, b);
}
