#include "demo.h"

/* Released on every path, through one shared error label. */
int clean(const char *path) {
  int rc = -1;
  char *buf = 0;
  dm_handle *h = dm_open(path);
  if (!h)
    goto out;
  buf = dm_alloc(64);
  if (!buf)
    goto out;
  char *bigger = dm_realloc(buf, 128);
  if (!bigger)
    goto out;
  buf = bigger;
  if (dm_read(h, buf, dm_len(path)) < 0)
    goto out;
  rc = 0;
out:
  dm_free(buf);
  if (h)
    dm_close(h);
  return rc;
}

/* Released on each path. */
int each(const char *path) {
  char *name = dm_strdup(path);
  if (!name)
    return -1;
  dm_handle *h = dm_open(name);
  if (!h) {
    dm_free(name);
    return -1;
  }
  dm_close(h);
  dm_free(name);
  return 0;
}

/* A descriptor: a negative result is the failure. */
int descriptor(const char *path) {
  int fd = dm_fd_open(path);
  if (fd < 0)
    return -1;
  dm_fd_close(fd);
  return 0;
}
