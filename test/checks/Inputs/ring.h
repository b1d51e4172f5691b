/* A user's SDK: a ring buffer of records (stand-in header for tests). */
#include <stddef.h>
typedef struct ring ring;
typedef struct record record;
ring *ring_open(size_t capacity);
void ring_close(ring *r);
record *record_new(const char *name);
void record_free(record *rec);
int ring_push(ring *r, record *rec);
int ring_adopt(ring *r, record *rec);
size_t ring_size(const ring *r);
