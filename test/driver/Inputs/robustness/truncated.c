#include <stdlib.h>

void whole(void) {
  char *p = malloc(4);
}

void cut(void) {
  char *q = malloc(4);
  if (q