/* Includes itself until the compiler's include depth limit. */
#include "include-loop.c"
int x;
