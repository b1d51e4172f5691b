#include "acme/acme.h"
#include "util.h"
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

char *util_join(const char *a, const char *b) {
  char *r = malloc(strlen(a) + strlen(b) + 1);
  if (r) {
    strcpy(r, a);
    strcat(r, b);
  }
  return r;
}

void more(void) {
  acme_ctx *c = acme_create("b");
  acme_ctx *e = acme_create("c");
  sqlite3_mutex *m = sqlite3_mutex_alloc(SQLITE_MUTEX_FAST);
  sqlite3_mutex_free(m);
  acme_batch_submit(c, 0, 0);
  acme_set_paths(c, 0, 0);
  acme_destroy(e);
  acme_destroy(c);
}
