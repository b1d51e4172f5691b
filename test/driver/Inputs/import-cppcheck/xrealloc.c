#include <stddef.h>

void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);

void grown_and_leaked(size_t n) {
  char *buf = xmalloc(n);
  buf = xrealloc(buf, 2 * n);
  buf[0] = 0;
}
