// RUN: not %custody %s -- %cflags | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- %cflags | FileCheck %s --implicit-check-not=warning:

// contract-field-leak: a field that owns what it holds (some function stores
// an owned value there) must be released by the object's destroy function
// before the object is freed; freeing an object whose field still owns a
// value loses it.

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ctx {
  char *buf;
  FILE *log;
  char *name;
};

struct ctx *ctx_open(const char *path, const char *name) {
  struct ctx *c = calloc(1, sizeof *c);
  if (!c)
    return NULL;
  c->buf = malloc(64);
  if (!c->buf) {
    free(c);
    return NULL;
  }
  c->log = fopen(path, "w");
  if (!c->log) {
    free(c);
    // CHECK: :[[@LINE-1]]:5: warning: 'free' frees the object whose field 'buf' holds the heap memory from 'malloc', which is never released [contract-resource-leak]
    // CHECK: :[[@LINE-9]]:12: note: heap memory acquired here from 'malloc'; the contract says 'free' releases it
    // CHECK: :[[@LINE-5]]:12: note: assuming 'fopen' fails (returns null)
    return NULL;
  }
  c->name = strdup(name);
  return c;
}

void ctx_close(struct ctx *c) {
  if (!c)
    return;
  fclose(c->log);
  free(c->buf);
  free(c);
  // CHECK: :[[@LINE-1]]:3: warning: 'c->name' still holds the heap memory that 'ctx_open' stored there when 'free' frees the object; 'ctx_close' (the destroy function of 'ctx') must release it [contract-field-leak]
  // CHECK: :[[@LINE-11]]:3: note: the field owns the heap memory stored here
}

void ctx_rename(struct ctx *c, const char *name) {
  c->name = strdup(name);
}

/* Correct. */
struct pair {
  char *a;
  char *b;
};

struct pair *pair_new(void) {
  struct pair *p = malloc(sizeof *p);
  if (!p)
    return NULL;
  p->a = strdup("a");
  p->b = strdup("b");
  if (!p->a || !p->b) {
    free(p->a);
    free(p->b);
    free(p);
    return NULL;
  }
  return p;
}

static void pair_clear(struct pair *p) {
  free(p->a);
  free(p->b);
}

void pair_free(struct pair *p) {
  pair_clear(p);
  free(p);
}

void pair_set_a(struct pair *p, const char *s) {
  char *n = strdup(s);
  if (!n)
    return;
  free(p->a);
  p->a = n;
}

/* Fields and fixed slots of arrays hold values within a function too. */
struct table {
  char *names[4];
  int n;
};

void table_fill(struct table *t, const char *a, const char *b) {
  t->names[0] = strdup(a);
  t->names[0] = strdup(b);
  // CHECK: :[[@LINE-1]]:3: warning: 't->names[0]' (heap memory from 'strdup') is overwritten while it still owns the heap memory [contract-resource-leak]
  // CHECK: :[[@LINE-3]]:17: note: heap memory acquired here from 'strdup'; the contract says 'free' releases it
}

void table_fill_ok(struct table *t, const char *a, const char *b) {
  t->names[0] = strdup(a);
  t->names[1] = strdup(b);
  free(t->names[0]);
  t->names[0] = strdup(b);
}

void table_fill_loop(struct table *t, const char **v, int n) {
  t->names[0] = strdup(v[0]);
  for (int i = 0; i < n; i++)
    t->names[i] = strdup(v[i]);
}

int table_use(char **names);

void table_local(const char *a) {
  char *arr[2];
  arr[0] = strdup(a);
  table_use(arr);
  arr[0] = strdup(a);
  free(arr[0]);
  free(arr[0]);
  // CHECK: :[[@LINE-1]]:3: warning: 'arr[0]' is released by 'free' after it was already released by 'free' [contract-double-release]
  // CHECK: :[[@LINE-4]]:12: note: heap memory acquired here from 'strdup'; the contract says 'free' releases it
  // CHECK: :[[@LINE-4]]:3: note: first released here
}

// Named like a destroy function, but it closes a descriptor it was given
// and only reads the options: not the options' destroy function.
#include <unistd.h>
int ctx_read_or_close(int fd, char *buf, const struct ctx *c) {
  if (read(fd, buf, 1) <= 0) {
    fprintf(stderr, "read failed for %s\n", c->name);
    close(fd);
    return 0;
  }
  return 1;
}
