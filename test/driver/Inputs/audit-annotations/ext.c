#define PY_SSIZE_T_CLEAN
#include <Python.h>

#if defined(WITH_CPYCHECKER_RETURNS_BORROWED_REF_ATTRIBUTE)
#define BORROWED __attribute__((cpychecker_returns_borrowed_ref))
#else
#define BORROWED
#endif

#include <stdlib.h>

typedef struct pool pool_t;
BORROWED PyObject *registry_get(const char *name);
pool_t *pool_open(const char *name);
void *arena_alloc(size_t n) __attribute__((ownership_returns(malloc)));
char *label_of(int id);

PyObject *lookup(const char *name) {
  PyObject *o = registry_get(name);
  pool_t *p = pool_open(name);
  void *a = arena_alloc(16);
  char *l = label_of(3);
  (void)p;
  free(a);
  (void)l;
  Py_XINCREF(o);
  return o;
}
