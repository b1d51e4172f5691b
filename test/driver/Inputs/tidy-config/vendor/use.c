#include "widget.h"
#include <stdlib.h>

int draw(const char *name) {
  widget *w = widget_open(name);
  if (!w)
    return -1;
  if (widget_draw(w) < 0)
    return -1;
  widget_close(w);
  return 0;
}

void twice(void) {
  char *p = malloc(1);
  free(p);
  free(p);
}

void leak(void) {
  char *q = malloc(1);
}
