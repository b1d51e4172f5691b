#include <dirent.h>
#include <netdb.h>
#include <stdlib.h>

void *aligned(size_t n) {
  void *p;
  if (posix_memalign(&p, 64, n) != 0)
    return NULL;
  return p;
}
int resolve(const char *host) {
  struct addrinfo *res;
  if (getaddrinfo(host, "80", NULL, &res) != 0)
    return -1;
  freeaddrinfo(res);
  return 0;
}
int count(const char *path) {
  struct dirent **list;
  int n = scandir(path, &list, NULL, alphasort);
  if (n < 0)
    return -1;
  free(list);
  return n;
}
int resolve_leaked(const char *host) {
  struct addrinfo *res;
  if (getaddrinfo(host, "80", NULL, &res) != 0)
    return -1;
  return res->ai_family;
}
