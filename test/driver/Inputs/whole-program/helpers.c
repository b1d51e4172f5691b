#include "helpers.h"
#include <stdlib.h>

static PyObject *cache;

// A constructor of the project's own struct: no convention covers it.
Thing *thing_new(int n) {
  Thing *t = malloc(sizeof *t);
  if (!t)
    return NULL;
  t->n = n;
  t->buf = NULL;
  return t;
}

int thing_open(int n, Thing **out) {
  Thing *t = thing_new(n);
  if (!t)
    return -1;
  *out = t;
  return 0;
}

void thing_free(Thing *t) { free(t); }

// A getter: the reference stays the cache's.
PyObject *get_cached(PyObject *holder) {
  (void)holder;
  return cache;
}

PyObject *make_list(void) { return PyList_New(0); }

// Calls Python: callers must hold the GIL.
void log_message(const char *msg) {
  PyObject *s = PyUnicode_FromString(msg);
  Py_XDECREF(s);
}
