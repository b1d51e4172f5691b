#ifndef UTIL_H
#define UTIL_H
#include <custody/annotations.h>

/* Defined in b.c. */
char *util_join(const char *a, const char *b);
/* Annotated. */
char *util_strbuf(int n) CUSTODY_RETURNS_OWNED(heap-memory);
/* Declared here, defined in no audited file. */
void *util_pool_get(int slot);

#endif
