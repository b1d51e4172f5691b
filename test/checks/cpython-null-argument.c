// RUN: not %custody %s -- %cflags | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- %cflags | FileCheck %s --implicit-check-not=warning:

// cpython-null-argument: a result that is NULL when its call fails reaches,
// untested, a C-API function whose object argument must not be NULL
// ('rejects_null' in contracts/cpython.yaml).

#define PY_SSIZE_T_CLEAN
#include <Python.h>

typedef struct {
  PyObject_HEAD PyObject *items;
} Bag;

// --- Must warn ---------------------------------------------------------------

static PyObject *append_number(PyObject *self, PyObject *list) {
  if (PyList_Append(list, PyLong_FromLong(3)) < 0)
    // CHECK: :[[@LINE-1]]:27: warning: the result of 'PyLong_FromLong' is NULL when the call fails, and it is passed untested to 'PyList_Append', which does not accept NULL [cpython-null-argument]
    // CHECK: :[[@LINE-2]]:27: note: assuming 'PyLong_FromLong' fails (returns null)
    return NULL;
  Py_RETURN_NONE;
}

static PyObject *pair_of_names(PyObject *self, PyObject *unused) {
  PyObject *t = PyTuple_New(1);
  if (t == NULL)
    return NULL;
  PyTuple_SET_ITEM(t, 0, PyUnicode_FromString("first"));
  // CHECK: :[[@LINE-1]]:3: warning: the result of 'PyUnicode_FromString' is NULL when the call fails, and it is passed untested to 'PyTuple_SET_ITEM', which does not accept NULL [cpython-null-argument]
  return t;
}

static PyObject *print_it(PyObject *self, PyObject *arg) {
  PyObject *s = PyObject_Str(arg);
  Py_DECREF(s);
  // CHECK: :[[@LINE-1]]:3: warning: 's' is NULL when 'PyObject_Str' fails, and it is passed untested to 'Py_DECREF', which does not accept NULL [cpython-null-argument]
  // CHECK: :[[@LINE-3]]:17: note: assuming 'PyObject_Str' fails (returns null)
  Py_RETURN_NONE;
}

static PyObject *store_count(PyObject *self, PyObject *d) {
  PyObject *v = PyLong_FromSsize_t(PyDict_Size(d));
  int rc = PyDict_SetItemString(d, "count", v);
  // CHECK: :[[@LINE-1]]:45: warning: 'v' is NULL when 'PyLong_FromSsize_t' fails, and it is passed untested to 'PyDict_SetItemString', which does not accept NULL [cpython-null-argument]
  Py_XDECREF(v);
  if (rc < 0)
    return NULL;
  Py_RETURN_NONE;
}

// The error label releases with Py_DECREF what may never have been made.
static PyObject *two_numbers(PyObject *self, PyObject *unused) {
  PyObject *a = NULL, *b = NULL;
  a = PyLong_FromLong(1);
  if (a == NULL)
    goto fail;
  b = PyLong_FromLong(2);
  if (b == NULL)
    goto fail;
  PyObject *t = PyTuple_Pack(2, a, b);
  Py_DECREF(a);
  Py_DECREF(b);
  return t;
fail:
  Py_DECREF(a);
  // CHECK: :[[@LINE-1]]:3: warning: 'a' is NULL here, where 'PyLong_FromLong' failed, and it is passed to 'Py_DECREF', which does not accept NULL [cpython-null-argument]
  // CHECK: :[[@LINE-13]]:7: note: assuming 'PyLong_FromLong' fails (returns null)
  Py_XDECREF(b);
  return NULL;
}

// A C++-style call through a struct's field is checked the same way.
static int bag_init(Bag *self, PyObject *args, PyObject *kwds) {
  PyObject *first = PySequence_GetItem(args, 0);
  self->items = PyList_New(0);
  if (self->items == NULL || PyList_Append(self->items, first) < 0) {
    // CHECK: :[[@LINE-1]]:57: warning: 'first' is NULL when 'PySequence_GetItem' fails, and it is passed untested to 'PyList_Append', which does not accept NULL [cpython-null-argument]
    Py_XDECREF(first);
    return -1;
  }
  Py_DECREF(first);
  return 0;
}

// The new object is written to before anyone looked at it.
static PyObject *bag_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
  Bag *self = (Bag *)type->tp_alloc(type, 0);
  self->items = PyList_New(0);
  // CHECK: :[[@LINE-1]]:3: warning: 'self' is NULL when 'tp_alloc' fails, and it is dereferenced here untested [cpython-null-argument]
  // CHECK: :[[@LINE-3]]:22: note: assuming 'tp_alloc' fails (returns null)
  if (self->items == NULL) {
    Py_DECREF(self);
    return NULL;
  }
  return (PyObject *)self;
}

// --- Must stay silent -------------------------------------------------------

// The same, tested.
static PyObject *bag_new_tested(PyTypeObject *type, PyObject *args,
                                PyObject *kwds) {
  Bag *self = (Bag *)type->tp_alloc(type, 0);
  if (self == NULL)
    return NULL;
  self->items = PyList_New(0);
  if (self->items == NULL) {
    Py_DECREF(self);
    return NULL;
  }
  return (PyObject *)self;
}

// malloc's NULL written through is not this check's: libc's contract says
// nothing of NULL arguments.
static int *fresh_counter(void) {
  int *c = malloc(sizeof *c);
  *c = 0;
  return c;
}

// Tested before use, with the shared error label releasing by Py_XDECREF.
static PyObject *tested(PyObject *self, PyObject *list) {
  PyObject *a = NULL, *b = NULL, *r = NULL;
  a = PyLong_FromLong(1);
  if (a == NULL)
    goto done;
  b = PyLong_FromLong(2);
  if (b == NULL)
    goto done;
  if (PyList_Append(list, a) < 0 || PyList_Append(list, b) < 0)
    goto done;
  r = Py_NewRef(list);
done:
  Py_XDECREF(a);
  Py_XDECREF(b);
  return r;
}

// Two results tested together before either is used.
static PyObject *tested_together(PyObject *self, PyObject *unused) {
  PyObject *k = PyUnicode_FromString("k"), *v = PyLong_FromLong(7);
  if (k == NULL || v == NULL) {
    Py_XDECREF(k);
    Py_XDECREF(v);
    return NULL;
  }
  PyObject *d = PyDict_New();
  if (d == NULL || PyDict_SetItem(d, k, v) < 0) {
    Py_XDECREF(d);
    d = NULL;
  }
  Py_DECREF(k);
  Py_DECREF(v);
  return d;
}

// PyModule_AddObject and PyModule_AddObjectRef return -1 for the NULL of a
// failed constructor: the idiom of module init functions.
static struct PyModuleDef mod = {PyModuleDef_HEAD_INIT, "m", NULL, -1, NULL};

PyMODINIT_FUNC PyInit_m(void) {
  PyObject *m = PyModule_Create(&mod);
  if (m == NULL)
    return NULL;
  if (PyModule_AddObject(m, "answer", PyLong_FromLong(42)) < 0)
    goto fail;
  PyObject *err = PyErr_NewException("m.Error", NULL, NULL);
  if (PyModule_AddObjectRef(m, "Error", err) < 0) {
    Py_XDECREF(err);
    goto fail;
  }
  Py_DECREF(err);
  return m;
fail:
  Py_DECREF(m);
  return NULL;
}

// Arguments that take NULL: optional keyword arguments, a deleting setter,
// the error-chain of PyUnicode_AppendAndDel, Py_BuildValue's "N".
static PyObject *optional(PyObject *self, PyObject *callable) {
  PyObject *r = PyObject_Call(callable, self, NULL);
  if (r == NULL)
    return NULL;
  Py_DECREF(r);
  if (PyObject_SetAttrString(self, "cache", NULL) < 0)
    PyErr_Clear();
  PyObject *s = PyUnicode_FromString("a");
  PyUnicode_AppendAndDel(&s, PyUnicode_FromString("b"));
  if (s == NULL)
    return NULL;
  return Py_BuildValue("(NN)", s, PyLong_FromLong(1));
}

// A failure seen through PyErr_Occurred() ends the path before the use.
static PyObject *checked_by_occurred(PyObject *self, PyObject *arg) {
  PyObject *x = PyObject_GetAttrString(arg, "x");
  if (PyErr_Occurred())
    return NULL;
  PyObject *r = PyObject_Repr(x);
  Py_DECREF(x);
  return r;
}

// Two results, a libc call that cannot touch the error indicator, then one
// test for both.
static PyObject *checked_after_libc(PyObject *self, PyObject *args) {
  const char *name = "total";
  PyObject *a = PyLong_FromSize_t(strlen(name));
  PyObject *b = PyLong_FromLong(2);
  char copy[8];
  strncpy(copy, name, sizeof copy);
  if (PyErr_Occurred()) {
    Py_XDECREF(a);
    Py_XDECREF(b);
    return NULL;
  }
  PyObject *r = PyNumber_Add(a, b);
  Py_DECREF(a);
  Py_DECREF(b);
  return r;
}

// The end of an iteration is no error: PyErr_Occurred() decides.
static PyObject *collect(PyObject *self, PyObject *arg) {
  PyObject *it = PyObject_GetIter(arg);
  if (it == NULL)
    return NULL;
  PyObject *list = PyList_New(0), *item;
  if (list == NULL) {
    Py_DECREF(it);
    return NULL;
  }
  while ((item = PyIter_Next(it)) != NULL) {
    int rc = PyList_Append(list, item);
    Py_DECREF(item);
    if (rc < 0)
      break;
  }
  Py_DECREF(it);
  if (PyErr_Occurred()) {
    Py_DECREF(list);
    return NULL;
  }
  return list;
}

// A literal NULL is the caller's choice, not a failure left untested.
static PyObject *literal(PyObject *self, PyObject *o) {
  return PyObject_CallObject(o, NULL);
}

static PyMethodDef methods[] = {
    {"append_number", append_number, METH_O, NULL},
    {"pair_of_names", pair_of_names, METH_NOARGS, NULL},
    {"print_it", print_it, METH_O, NULL},
    {"store_count", store_count, METH_O, NULL},
    {"two_numbers", two_numbers, METH_NOARGS, NULL},
    {"tested", tested, METH_O, NULL},
    {"tested_together", tested_together, METH_NOARGS, NULL},
    {"optional", optional, METH_O, NULL},
    {"checked_by_occurred", checked_by_occurred, METH_O, NULL},
    {"collect", collect, METH_O, NULL},
    {"checked_after_libc", checked_after_libc, METH_VARARGS, NULL},
    {"literal", literal, METH_O, NULL},
    {NULL, NULL, 0, NULL}};

static PyTypeObject BagType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "m.Bag",
    .tp_basicsize = sizeof(Bag),
    .tp_init = (initproc)bag_init,
    .tp_new = bag_new,
};
