#include "widget.h"
#include <stdlib.h>

struct widget {
  char bytes[1];
};

widget *widget_new(int size) { return malloc(size); }

void widget_free(widget *w) { free(w); }
