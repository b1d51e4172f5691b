#include <stdlib.h>
void clean(void) {
  char *p = malloc(1);
  free(p);
}
