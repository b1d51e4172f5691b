#include "sdk.h"
#include <stdlib.h>

sdk_buf *sdk_buf_new(int len) {
  sdk_buf *b = malloc(sizeof *b);
  if (!b)
    return NULL;
  b->data = NULL;
  b->len = len;
  return b;
}

void sdk_buf_free(sdk_buf *b) {
  if (b)
    free(b->data);
  free(b);
}

int sdk_buf_open(int len, sdk_buf **out) {
  sdk_buf *b = sdk_buf_new(len);
  if (!b)
    return -1;
  *out = b;
  return 0;
}

int sdk_buf_fill(sdk_buf *b, int len) {
  char *d = malloc(len);
  if (!d)
    return -1;
  b->data = d;
  return 0;
}

int sdk_buf_len(const sdk_buf *b) { return b->len; }

void sdk_maybe_free(int flag, char *p) {
  if (flag)
    free(p);
}

int sdk_version(void) { return 3; }

/* Not in the header: an internal helper. */
char *sdk_internal_name(void) { return malloc(8); }
