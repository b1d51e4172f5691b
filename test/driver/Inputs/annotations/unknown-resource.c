#include <stdlib.h>
#include <custody/annotations.h>

void *buffer_new(size_t n) CUSTODY_RETURNS_OWNED(heap-memroy);
void buffer_free(void *p CUSTODY_RELEASES(heap-memory));
void sink(void *p CUSTODY_CONSUMES(widget));

void use(void) {
  void *b = buffer_new(8);
  (void)b;
}
