#include <stdlib.h>
/* Latin-1, not UTF-8: café, naïve; and stray bytes: ÿþ€ */
const char *greeting = "grüß Gott ©";

void latin1(void) {
  char *p = malloc(4);
}
