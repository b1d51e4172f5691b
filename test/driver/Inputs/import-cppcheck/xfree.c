#include <stdlib.h>

void *xmalloc(size_t n);
char *xstrdup(const char *s);
void xfree(void *p);

void freed_with_free(size_t n) {
  char *p = xmalloc(n);
  p[0] = 0;
  free(p);
}
void freed_with_xfree(size_t n) {
  char *p = malloc(n);
  if (!p)
    return;
  xfree(p);
}
void freed_twice(const char *s) {
  char *p = xstrdup(s);
  xfree(p);
  free(p);
}
