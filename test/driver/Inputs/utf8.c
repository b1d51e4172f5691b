#include <stdlib.h>
void twice(void) {
  char *p = malloc(1);
  free(p);
  /* é */ free(p);
}
