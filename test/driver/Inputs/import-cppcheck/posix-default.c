#include <dlfcn.h>
#include <stdlib.h>
#include <wchar.h>

int load(const char *path, int flags) {
  void *h = dlopen(path, RTLD_NOW);
  if (!h)
    return -1;
  if (flags)
    return 1;
  dlclose(h);
  return 0;
}
void copy(const wchar_t *s) {
  wchar_t *w = wcsdup(s);
  dlclose(w);
}
void copied(const wchar_t *s) {
  wchar_t *w = wcsdup(s);
  free(w);
}
