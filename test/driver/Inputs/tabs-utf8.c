#include <stdlib.h>
void twice(void) {
	char *p = malloc(1);
	free(p);
	/* éé */	free(p);
}
void wide(void) {
  char *q = malloc(1); /* 日本 */ free(q); /* 日 */ free(q);
}
