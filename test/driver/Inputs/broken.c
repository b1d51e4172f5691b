#include <stdlib.h>
void broken(void) {
  char *p = malloc(1)   /* missing semicolon */
  free(p);
  undeclared_function_call(p);
}
