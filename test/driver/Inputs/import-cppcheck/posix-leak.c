#include <dirent.h>
#include <stdio.h>

int count_entries(const char *path) {
  DIR *d = opendir(path);
  if (!d)
    return -1;
  int n = 0;
  while (readdir(d))
    ++n;
  return n;
}

int first_line(const char *path, char *buf, int size) {
  FILE *f = fopen(path, "r");
  if (!f)
    return -1;
  if (!fgets(buf, size, f))
    return -1;
  fclose(f);
  return 0;
}
