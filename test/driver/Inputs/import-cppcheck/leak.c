#include "demo.h"

int leaky(const char *path) {
  char *buf = dm_alloc(64);
  if (!buf)
    return -1;
  dm_handle *h = dm_open(path);
  if (!h) {
    dm_free(buf);
    return -1;
  }
  if (dm_read(h, buf, dm_len(path)) < 0)
    return -2;
  dm_close(h);
  dm_free(buf);
  return 0;
}

int descriptor(const char *path) {
  int fd = dm_fd_open(path);
  if (fd < 0)
    return -1;
  return dm_len(path) ? 0 : 1;
}
