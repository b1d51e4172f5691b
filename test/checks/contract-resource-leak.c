// RUN: not %custody --contracts %S/Inputs/sdk.yaml %s -- %cflags -I%S/Inputs | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -config="{CheckOptions: {CustodyContracts: '%S/Inputs/sdk.yaml'}}" -- %cflags -I%S/Inputs | FileCheck %s --implicit-check-not=warning:

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *checkLeak01EarlyReturn(const char *s, int n) {
  char *p = malloc(strlen(s) + 1);
  if (!p)
    return NULL;
  if (n < 0)
    return NULL;
  // CHECK: :[[@LINE-1]]:5: warning: 'p' (heap memory from 'malloc') is not released on this path [contract-resource-leak]
  // CHECK: :[[@LINE-6]]:13: note: heap memory acquired here from 'malloc'; the contract says 'free' releases it
  // CHECK: :[[@LINE-4]]:7: note: assuming 'n < 0' is true
  strcpy(p, s);
  return p;
}

void checkLeak02FallOffEnd(void) {
  FILE *f = fopen("/tmp/x", "w");
  if (f)
    fputs("x", f);
}
// CHECK: :[[@LINE-1]]:1: warning: 'f' (FILE stream from 'fopen') is not released on this path [contract-resource-leak]
// CHECK: :[[@LINE-5]]:13: note: FILE stream acquired here from 'fopen'; the contract says 'fclose' releases it

void checkLeak03Overwritten(void) {
  char *p = strdup("a");
  p = strdup("b");
  // CHECK: :[[@LINE-1]]:3: warning: 'p' (heap memory from 'strdup') is overwritten while it still owns the heap memory [contract-resource-leak]
  free(p);
}

void *checkLeak04ReallocLosesBlock(void *p, size_t n) {
  p = malloc(16);
  p = realloc(p, n);
  // CHECK: :[[@LINE-1]]:3: warning: 'p' (heap memory from 'malloc') is overwritten while it still owns the heap memory [contract-resource-leak]
  // CHECK: :[[@LINE-3]]:7: note: heap memory acquired here from 'malloc'; the contract says 'free' releases it
  // CHECK: :[[@LINE-3]]:7: note: assuming 'realloc' fails (returns null)
  return p;
}

int checkLeak05DirInLoop(const char **paths, int n) {
  for (int i = 0; i < n; ++i) {
    DIR *d = opendir(paths[i]);
    if (!d)
      continue;
    if (readdir(d) == NULL)
      return -1;
    // CHECK: :[[@LINE-1]]:7: warning: 'd' (directory stream from 'opendir') is not released on this path [contract-resource-leak]
    closedir(d);
  }
  return 0;
}

// --- Must stay silent -------------------------------------------------------

int checkNoLeak01GotoCleanup(const char *path) {
  int rc = -1;
  char *buf = NULL;
  FILE *f = fopen(path, "r");
  if (!f)
    goto out;
  buf = malloc(100);
  if (!buf)
    goto out;
  if (!fgets(buf, 100, f))
    goto out;
  rc = 0;
out:
  free(buf);
  if (f)
    fclose(f);
  return rc;
}

char *checkNoLeak02Returned(const char *s) {
  char *p = strdup(s);
  if (p == NULL)
    return NULL;
  return p;
}

struct holder {
  char *name;
  FILE *log;
};

int checkNoLeak03StoredInStruct(struct holder *h, const char *s) {
  char *n = strdup(s);
  if (!n)
    return -1;
  h->name = n;
  return 0;
}

static char *g_cache;
void checkNoLeak04StoredInGlobal(void) { g_cache = malloc(10); }

void checkNoLeak05OutParameter(char **out) {
  char *p = malloc(8);
  *out = p;
}

void checkNoLeak06ReleaseUnderFlag(int n) {
  char *buf = NULL;
  int have = 0;
  if (n > 0) {
    buf = malloc(n);
    have = 1;
  }
  if (have)
    free(buf);
}

void *checkNoLeak07ReallocIdiom(void *p, size_t n) {
  void *q = realloc(p, n);
  if (!q) {
    free(p);
    return NULL;
  }
  return q;
}

void consume(void *p); // Unknown: may keep the pointer.
void checkNoLeak08PassedToUnknown(void) {
  char *p = malloc(4);
  consume(p);
}

void checkNoLeak09ExitOnFailure(void) {
  char *p = malloc(4);
  if (!p)
    return;
  if (p[0] == 'x')
    exit(1); // The process ends: nothing to release.
  free(p);
}

int checkNoLeak10StatusVariable(const char *path) {
  FILE *f = fopen(path, "r");
  int ok = f != NULL;
  if (!ok)
    return -1;
  fclose(f);
  return 0;
}

void checkNoLeak11Alias(void) {
  char *p = malloc(3);
  char *q = p;
  free(q);
}

void checkNoLeak12ArrayOfOwned(char **arr, int n) {
  for (int i = 0; i < n; ++i)
    arr[i] = strdup("x");
}

static char *make_name(const char *s) {
  char *r = malloc(strlen(s) + 2);
  if (!r)
    return NULL;
  strcpy(r, s);
  return r;
}

void checkLeak06ThroughHelper(const char *s) {
  char *n = make_name(s);
  if (n && n[0] == 0)
    return;
  // CHECK: :[[@LINE-1]]:5: warning: 'n' (heap memory from 'make_name') is not released on this path [contract-resource-leak]
  // CHECK: :[[@LINE-4]]:13: note: heap memory acquired here from 'make_name'; the contract says 'free' releases it
  // CHECK: :[[@LINE-4]]:7: note: assuming 'n && n[0] == 0' is true
  free(n);
}

static void free_ptr(char **p) { free(*p); }

void checkNoLeak13CleanupAttribute(void) {
  __attribute__((cleanup(free_ptr))) char *p = malloc(10);
  if (!p)
    return;
  p[0] = 0;
}

char *checkNoLeak14InteriorPointer(void) {
  char *base = malloc(16);
  if (!base)
    return NULL;
  char *payload = base + 8; // The caller frees from the header.
  return payload;
}

void fill(char **slot);
void checkNoLeak15AddressPassedOn(void) {
  char *p = malloc(4);
  fill(&p); // May free and replace it.
  free(p);
}

struct node {
  char *name;
  struct node *next;
};

static void node_destroy(struct node *n) {
  free(n->name);
  free(n);
}

void checkNoLeak16ReleasedByHelper(void) {
  struct node *n = malloc(sizeof *n);
  if (!n)
    return;
  n->name = NULL;
  node_destroy(n);
}

static void maybe_release(char *p, int really) {
  if (really)
    free(p);
}

void checkNoLeak17ConditionalHelper(void) {
  char *p = malloc(4);
  maybe_release(p, 1);
}

void checkDoubleRelease01ThroughHelper(void) {
  struct node *n = calloc(1, sizeof *n);
  node_destroy(n);
  node_destroy(n);
}
// CHECK: :[[@LINE-2]]:3: warning: 'n' is released by 'node_destroy' after it was already released by 'node_destroy' [contract-double-release]
// CHECK: :[[@LINE-5]]:20: note: heap memory acquired here from 'calloc'; the contract says 'free' releases it
// CHECK: :[[@LINE-5]]:3: note: first released here

char *checkNoLeak18ConditionalReturn(const char *s, int ok) {
  char *p = strdup(s);
  if (!p)
    return NULL;
  if (!ok)
    free(p);
  return ok ? p : NULL;
}

char *checkNoLeak19UndecidedConditional(const char *s, const char *dflt) {
  char *p = strdup(s);
  return strlen(s) > 3 ? p : (free(p), NULL);
}

int checkLeak07ContinueInLoop(const char **v, int n) {
  for (int i = 0; i < n; ++i) {
    char *s = strdup(v[i]);
    if (!s)
      return -1;
    if (s[0] == '#')
      continue;
    // CHECK: :[[@LINE-1]]:7: warning: 's' (heap memory from 'strdup') is not released on this path [contract-resource-leak]
    // CHECK: :[[@LINE-6]]:15: note: heap memory acquired here from 'strdup'; the contract says 'free' releases it
    // CHECK: :[[@LINE-4]]:9: note: assuming 's[0] == '#'' is true
    free(s);
  }
  return 0;
}

#include <regex.h>
int checkNoLeak20SwitchOnResult(const char *pat) {
  regex_t re;
  switch (regcomp(&re, pat, 0)) {
  case 0:
    break;
  default:
    return -1;
  }
  regfree(&re);
  return 0;
}

void checkLeak08DiscardedResult(void) {
  strdup("lost");
  // CHECK: :[[@LINE-1]]:3: warning: the result of 'strdup' (heap memory) is discarded, so it can never be released [contract-resource-leak]
}

void checkNoLeak21DiscardedButVoid(void) {
  (void)strlen("x");
}

#include "sdk.h"
void checkNoLeak22KeptByResourceKind(sdk_ctx *ctx) {
  char *state = malloc(32);
  sdk_ctx_set_user_data(ctx, state); // The context keeps heap memory.
}

int checkLeak09NotTheKeptKind(sdk_ctx *ctx) {
  sdk_tpl *t;
  if (sdk_tpl_open(ctx, 0, 0, &t) != 0)
    return -1;
  sdk_ctx_set_user_data(ctx, t); // Only heap memory is kept: 't' is used.
  return 0;
  // CHECK: :[[@LINE-1]]:3: warning: 't' (sdk template from 'sdk_tpl_open') is not released on this path [contract-resource-leak]
  // CHECK: :[[@LINE-5]]:7: note: sdk template acquired here through argument 3 of 'sdk_tpl_open'; the contract says 'sdk_tpl_destroy' or 'sdk_tpl_destroy_secure' releases it
}

static int make_copy(const char *s, char **out) {
  char *c = strdup(s);
  if (!c)
    return -1;
  *out = c;
  return 0;
}

int checkLeak10OutParameterHelper(const char *s) {
  char *t;
  if (make_copy(s, &t) != 0)
    return -1;
  if (t[0] == 'x')
    return 1;
  // CHECK: :[[@LINE-1]]:5: warning: 't' (heap memory from 'make_copy') is not released on this path [contract-resource-leak]
  // CHECK: :[[@LINE-5]]:7: note: heap memory acquired here through argument 1 of 'make_copy'; the contract says 'free' releases it
  // CHECK: :[[@LINE-4]]:7: note: assuming 't[0] == 'x'' is true
  free(t);
  return 0;
}

int checkNoLeak23OutParameterHelper(const char *s) {
  char *t;
  if (make_copy(s, &t))
    return -1;
  free(t);
  return 0;
}

enum mode { MODE_COMPRESS, MODE_DECOMPRESS };
char *checkNoLeak24CorrelatedBranches(enum mode m, const char *in) {
  char *name = NULL;
  char *buf;
  if (m == MODE_COMPRESS) {
    buf = malloc(8);
    if (!buf)
      return NULL;
    name = buf;
  }
  if (m == MODE_DECOMPRESS) { // Not taken after the first branch.
    buf = malloc(16);
    if (!buf)
      return NULL;
    name = buf;
  }
  return name;
}

struct options {
  FILE *xml;
  int verbose;
};
void log_line(const char *s);
void reconfigure(struct options *o);

void checkNoLeak25ReleaseUnderFieldFlag(struct options *o, const char *path) {
  char *buf = NULL;
  if (o->verbose)
    buf = malloc(64);
  if (buf)
    snprintf(buf, 64, "%s", path);
  fputs(path, stdout); // A library call given nothing of 'o'.
  log_line(path);       // Neither is this one.
  if (o->verbose)
    free(buf);
}

void checkLeak11FieldMayChange(struct options *o) {
  char *buf = NULL;
  if (o->verbose)
    buf = malloc(64);
  reconfigure(o); // Given 'o', it may change o->verbose.
  if (o->verbose)
    free(buf);
}
// CHECK: :[[@LINE-1]]:1: warning: 'buf' (heap memory from 'malloc') is not released on this path [contract-resource-leak]
// CHECK: :[[@LINE-6]]:11: note: heap memory acquired here from 'malloc'; the contract says 'free' releases it
// CHECK: :[[@LINE-5]]:7: note: assuming 'o->verbose' is false
