#define _GNU_SOURCE
#include <stdlib.h>
#include <unistd.h>

char *xstrdup(const char *s);

int temp(char *tmpl, int flags) {
  int fd = mkostemp(tmpl, flags);
  if (fd < 0)
    return -1;
  if (flags)
    return 1;
  close(fd);
  return 0;
}
void copied(const char *s) {
  char *p = xstrdup(s);
  free(p);
}
