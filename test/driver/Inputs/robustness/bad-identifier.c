#include <stdlib.h>

/* A byte that is not UTF-8 in an identifier: an error. */
void bad_identifier(void) {
  char *pÿ = malloc(1);
}
