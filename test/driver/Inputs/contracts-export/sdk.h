/* A small SDK whose own repository checks its contract against its code. */
#ifndef SDK_H
#define SDK_H

#include <Python.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sdk_buf {
  char *data;
  int len;
} sdk_buf;

typedef void (*sdk_callback)(void *user_data);

#define SDK_DEPRECATED(msg) __attribute__((deprecated(msg)))

/* A new buffer, or NULL when out of memory. sdk_buf_alloc(n) is gone. */
SDK_DEPRECATED("use sdk_buf_open") sdk_buf *sdk_buf_new(int len);
void sdk_buf_free(sdk_buf *b);
/* Returns 0 and sets *out on success. */
int sdk_buf_open(int len, sdk_buf **out) __attribute__((warn_unused_result));
/* Returns 0 and fills b->data (the buffer owns it) on success. */
int sdk_buf_fill(sdk_buf *b, int len);
int sdk_buf_len(const sdk_buf *b);
static inline int sdk_buf_empty(const sdk_buf *b) {
  return sdk_buf_len(b) == 0;
}
/* Frees p when flag is set. */
void sdk_maybe_free(int flag, char *p);
/* The first item of a tuple: borrowed. */
PyObject *sdk_first(PyObject *tuple);
PyObject *sdk_make_list(void);
/* Calls Python: hold the GIL. */
void sdk_log(const char *fmt, ...);
int sdk_version(void);
/* Declared, not implemented yet. */
int sdk_reserved(sdk_buf *b);

#ifdef __cplusplus
}
#endif

#endif
