// RUN: not %custody %s -- %cflags | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- %cflags | FileCheck %s --implicit-check-not=warning:
// RUN: not %custody %s -- -x c++ %cxxflags | FileCheck %s --implicit-check-not=warning:

// Type slots called through a type object (contracts/cpython-slots.yaml):
// tp_alloc makes a new reference, tp_free frees the object.
#include <Python.h>

typedef struct {
  PyObject_HEAD PyObject *items;
} Bag;

static PyObject *Bag_new_leaks(PyTypeObject *type, PyObject *args,
                               PyObject *kw) {
  Bag *self = (Bag *)type->tp_alloc(type, 0);
  if (!self)
    return NULL;
  self->items = PyList_New(0);
  if (!self->items)
    return NULL;
  // CHECK: cpython-slots.c:[[@LINE-1]]:5: warning: 'self' (Python reference from 'tp_alloc') is not released on this path [cpython-missing-decref]
  return (PyObject *)self;
}

static PyObject *Bag_new(PyTypeObject *type, PyObject *args, PyObject *kw) {
  Bag *self = (Bag *)type->tp_alloc(type, 0);
  if (!self)
    return NULL;
  self->items = PyList_New(0);
  if (!self->items) {
    Py_DECREF(self);
    return NULL;
  }
  return (PyObject *)self;
}

// An error path that frees the half-made object with the slot itself.
static PyObject *Bag_new_free(PyTypeObject *type, PyObject *args,
                              PyObject *kw) {
  PyObject *self = type->tp_alloc(type, 0);
  if (!self)
    return NULL;
  if (PyTuple_GET_SIZE(args) > 1) {
    Py_TYPE(self)->tp_free(self);
    return NULL;
  }
  return self;
}

static void Bag_dealloc(Bag *self) {
  Py_XDECREF(self->items);
  Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyTypeObject BagType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "m.Bag",
    .tp_basicsize = sizeof(Bag),
    .tp_dealloc = (destructor)Bag_dealloc,
    .tp_new = Bag_new,
};

PyObject *make_bags(void) {
  PyObject *a = Bag_new_leaks(&BagType, NULL, NULL);
  PyObject *b = Bag_new_free(&BagType, NULL, NULL);
  Py_XDECREF(a);
  return b;
}

// Right after a call that succeeded, no error is set: the test of
// PyErr_Occurred() a C++ checking macro makes cannot be true there.
#define CHECK_PY()                                                             \
  do {                                                                         \
    if (PyErr_Occurred())                                                      \
      return NULL;                                                             \
  } while (0)

static PyObject *Bag_new_checked(PyTypeObject *type, PyObject *args,
                                 PyObject *kw) {
  Bag *self = (Bag *)type->tp_alloc(type, 0);
  CHECK_PY();
  self->items = NULL;
  return (PyObject *)self;
}

// A call with no outcome of its own may set it: the test stays open.
static PyObject *Bag_new_long(PyTypeObject *type, PyObject *args,
                              PyObject *kw) {
  Bag *self = (Bag *)type->tp_alloc(type, 0);
  if (!self)
    return NULL;
  long n = PyLong_AsLong(args);
  CHECK_PY();
  // CHECK: cpython-slots.c:[[@LINE-1]]:3: warning: 'self' (Python reference from 'tp_alloc') is not released on this path [cpython-missing-decref]
  self->items = NULL;
  (void)n;
  return (PyObject *)self;
}
