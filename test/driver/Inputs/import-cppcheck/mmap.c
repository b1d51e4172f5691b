#include <stddef.h>
#include <sys/mman.h>

int map_checked(size_t n) {
  void *p = mmap(NULL, n, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED)
    return -1;
  munmap(p, n);
  return 0;
}
int map_leaked(size_t n, int flags) {
  void *p = mmap(NULL, n, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED)
    return -1;
  if (flags)
    return 1;
  munmap(p, n);
  return 0;
}
