#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

void *xmalloc(size_t n);
char *xstrdup(const char *s);
void xfree(void *p);

/* open is posix.cfg's, mkostemp gnu.cfg's: close releases both. */
int copy(const char *from, char *tmpl) {
  int in = open(from, O_RDONLY);
  if (in < 0)
    return -1;
  int out = mkostemp(tmpl, O_CLOEXEC);
  if (out < 0)
    return -1;
  close(out);
  close(in);
  return 0;
}
/* mmap allocates (posix.cfg), though gnu.cfg marks it <leak-ignore/>. */
int map(size_t n, int flags) {
  void *p = mmap(NULL, n, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED)
    return -1;
  if (flags)
    return 1;
  munmap(p, n);
  return 0;
}
/* free and xfree release the memory of posix.cfg's and gnu.cfg's
   allocators alike. */
void crossed(size_t n) {
  void *a = valloc(n);
  xfree(a);
  char *b = xmalloc(n);
  free(b);
}
void twice(const char *s) {
  char *p = xstrdup(s);
  xfree(p);
  free(p);
}
