#include "helpers.h"

int use_thing(int n) {
  Thing *t = thing_new(n);
  if (!t)
    return -1;
  if (n > 3)
    return 1;
  thing_free(t);
  return 0;
}

int use_open(int n) {
  Thing *t;
  if (thing_open(n, &t) != 0)
    return -1;
  return t->n;
}

int use_cached(PyObject *h) {
  PyObject *c = get_cached(h);
  if (!c)
    return -1;
  return PyObject_IsTrue(c);
}

int use_list(void) {
  PyObject *l = make_list();
  if (!l)
    return -1;
  Py_DECREF(l);
  return 0;
}

void slow(void) {
  Py_BEGIN_ALLOW_THREADS
  log_message("working");
  Py_END_ALLOW_THREADS
}
