#include <stdlib.h>
void leaky(void) {
  char *p = malloc(1);
  free(p);
}
