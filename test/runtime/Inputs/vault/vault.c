/* The made-up SDK's implementation, built as a shared library by the tests. */
#include "vault.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vault {
  char name[32];
};
struct vault_entry {
  int size;
};

int vault_open(const char *name, vault **out) {
  if (!name || !*name)
    return -1;
  vault *v = calloc(1, sizeof *v);
  if (!v)
    return -1;
  strncpy(v->name, name, sizeof v->name - 1);
  *out = v;
  return 0;
}

void vault_close(vault *v) { free(v); }

vault_entry *vault_get(vault *v, const char *key) {
  (void)v;
  vault_entry *e = malloc(sizeof *e);
  if (e)
    e->size = (int)strlen(key);
  return e;
}

void vault_entry_free(vault_entry *e) { free(e); }

int vault_entry_size(const vault_entry *e) { return e->size; }

vault_entry *vault_format(vault *v, const char *fmt, ...) {
  char buf[64];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  return vault_get(v, buf);
}
