#include "no-such-header.h"
#include <stdlib.h>

void after_missing_header(void) {
  char *p = malloc(1);
}
