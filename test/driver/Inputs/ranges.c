#include <stdio.h>
#include <stdlib.h>

int copyFirst(const char *path, char *out) {
  FILE *f = fopen(path, "r");
  if (!f)
    return -1;
  char *line = malloc(128);
  if (!line || !fgets(line, 128, f))
    return -1;
  out[0] = line[0];
  free(line);
  free(line);
  fclose(f);
  return 0;
}
