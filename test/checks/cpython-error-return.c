// RUN: not %custody %s -- %cflags | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- %cflags | FileCheck %s --implicit-check-not=warning:

// cpython-error-return: a function the interpreter calls (a method, a slot,
// a getter, a module's init) returns NULL without an exception set, or a
// value while the exception of a failed call is still set.

#define PY_SSIZE_T_CLEAN
#include <Python.h>

typedef struct {
  PyObject_HEAD PyObject *items;
  Py_ssize_t pos;
} Bag;

// --- Must warn ---------------------------------------------------------------

static PyObject *bag_first(PyObject *self, PyObject *unused) {
  Bag *b = (Bag *)self;
  if (b->items == NULL)
    return NULL;
  // CHECK: :[[@LINE-1]]:5: warning: 'bag_first' returns NULL without an exception set; Python raises SystemError ('error return without exception set') [cpython-error-return]
  // CHECK: :[[@LINE-3]]:7: note: assuming 'b->items == NULL' is true
  return PySequence_GetItem(b->items, 0);
}

static PyObject *bag_name_or_none(PyObject *self, PyObject *unused) {
  PyObject *name = PyObject_GetAttrString(self, "name");
  if (name != NULL)
    return name;
  return Py_NewRef(Py_None);
  // CHECK: :[[@LINE-1]]:3: warning: 'bag_name_or_none' returns a value while the exception of a failed call is still set; Python raises SystemError, or the exception surfaces later; clear it (PyErr_Clear) or return NULL [cpython-error-return]
  // CHECK: :[[@LINE-5]]:20: note: assuming 'PyObject_GetAttrString' fails
}

static PyObject *bag_get_size(PyObject *self, void *closure) {
  Bag *b = (Bag *)self;
  if (b->pos < 0)
    return NULL;
  // CHECK: :[[@LINE-1]]:5: warning: 'bag_get_size' returns NULL without an exception set; Python raises SystemError ('error return without exception set') [cpython-error-return]
  // CHECK: :[[@LINE-3]]:7: note: assuming 'b->pos < 0' is true
  return PyLong_FromSsize_t(b->pos);
}

static int bag_set_size(PyObject *self, PyObject *value, void *closure) {
  if (value == NULL)
    return -1;
  // CHECK: :[[@LINE-1]]:5: warning: 'bag_set_size' returns -1 without an exception set; Python raises SystemError ('error return without exception set') [cpython-error-return]
  // CHECK: :[[@LINE-3]]:7: note: assuming 'value == NULL' is true
  Py_ssize_t n = PyLong_AsSsize_t(value);
  if (n == -1 && PyErr_Occurred())
    return -1;
  ((Bag *)self)->pos = n;
  return 0;
}

static int bag_init(PyObject *self, PyObject *args, PyObject *kwds) {
  Bag *b = (Bag *)self;
  b->items = PyList_New(0);
  if (b->items == NULL)
    return -1;
  if (kwds != NULL)
    return -1;
  // CHECK: :[[@LINE-1]]:5: warning: 'bag_init' returns -1 without an exception set; Python raises SystemError ('error return without exception set') [cpython-error-return]
  // CHECK: :[[@LINE-3]]:7: note: assuming 'kwds != NULL' is true
  b->pos = 0;
  return 0;
}

// A failure ignored: the setter reports success with the exception set.
static int bag_set_label(PyObject *self, PyObject *value, void *closure) {
  PyObject *s = PyObject_Str(value);
  if (s != NULL)
    Py_XSETREF(((Bag *)self)->items, s);
  return 0;
  // CHECK: :[[@LINE-1]]:3: warning: 'bag_set_label' returns 0 while the exception of a failed call is still set; the exception surfaces later, in unrelated code; clear it (PyErr_Clear) or return -1 [cpython-error-return]
  // CHECK: :[[@LINE-5]]:17: note: assuming 'PyObject_Str' fails (returns null)
}

// --- Must stay silent ---------------------------------------------------------

// The same failure ignored on purpose, and said so.
static int bag_set_tag(PyObject *self, PyObject *value, void *closure) {
  PyObject *s = PyObject_Str(value);
  if (s != NULL)
    Py_XSETREF(((Bag *)self)->items, s);
  else
    PyErr_Clear();
  return 0;
}

static int bag_set_items(PyObject *self, PyObject *value, void *closure) {
  if (value == NULL) {
    PyErr_SetString(PyExc_AttributeError, "cannot delete items");
    return -1;
  }
  if (!PyList_Check(value)) {
    PyErr_Format(PyExc_TypeError, "items must be a list");
    return -1;
  }
  Py_INCREF(value);
  Py_XSETREF(((Bag *)self)->items, value);
  return 0;
}

// Two allocations tested together: the one that worked does not clear the
// exception the other set.
static PyObject *bag_pair(PyObject *self, PyObject *unused) {
  PyObject *a = PyList_New(0);
  PyObject *b = PyDict_New();
  if (!a || !b) {
    Py_XDECREF(a);
    Py_XDECREF(b);
    return NULL;
  }
  PyObject *r = PyTuple_Pack(2, a, b);
  Py_DECREF(a);
  Py_DECREF(b);
  return r;
}

// tp_clear returns 0, and is no error return.
static int bag_clear(PyObject *self) {
  Py_CLEAR(((Bag *)self)->items);
  return 0;
}

static PyObject *bag_add(PyObject *self, PyObject *args) {
  PyObject *item;
  if (!PyArg_ParseTuple(args, "O", &item))
    return NULL;
  Bag *b = (Bag *)self;
  if (b->items == NULL) {
    PyErr_SetString(PyExc_RuntimeError, "bag is closed");
    return NULL;
  }
  if (PyList_Append(b->items, item) < 0)
    return NULL;
  Py_RETURN_NONE;
}

static PyObject *bag_name_cleared(PyObject *self, PyObject *unused) {
  PyObject *name = PyObject_GetAttrString(self, "name");
  if (name != NULL)
    return name;
  PyErr_Clear();
  Py_RETURN_NONE;
}

static PyObject *bag_copy(PyObject *self, PyObject *unused) {
  PyObject *list = PyList_New(0);
  if (list == NULL)
    return NULL;
  Bag *b = (Bag *)self;
  if (b->items && PyList_SetSlice(list, 0, 0, b->items) < 0) {
    Py_DECREF(list);
    return NULL;
  }
  return list;
}

// The end of iteration is a NULL without an exception.
static PyObject *bag_iternext(PyObject *self) {
  Bag *b = (Bag *)self;
  if (b->items == NULL || b->pos >= PyList_GET_SIZE(b->items))
    return NULL;
  return Py_NewRef(PyList_GET_ITEM(b->items, b->pos++));
}

// PyLong_AsSsize_t tells its failure only through the error indicator: -1
// may come with one set or not, so the analysis does not claim either.
static PyObject *bag_nth(PyObject *self, PyObject *arg) {
  Py_ssize_t n = PyLong_AsSsize_t(arg);
  if (n < 0)
    return NULL;
  return PyLong_FromSsize_t(n);
}

// A helper the interpreter does not call may return NULL for "not found".
static PyObject *find_item(Bag *b, Py_ssize_t i) {
  if (b->items == NULL)
    return NULL;
  return PySequence_GetItem(b->items, i);
}

static PyObject *bag_at(PyObject *self, PyObject *arg) {
  PyObject *it = find_item((Bag *)self, PyLong_AsSsize_t(arg));
  if (it == NULL && !PyErr_Occurred())
    PyErr_SetString(PyExc_IndexError, "no item");
  return it;
}

static PyMethodDef bag_methods[] = {
    {"nth", bag_nth, METH_O, NULL},
    {"first", bag_first, METH_NOARGS, NULL},
    {"name_or_none", bag_name_or_none, METH_NOARGS, NULL},
    {"add", bag_add, METH_VARARGS, NULL},
    {"name_cleared", bag_name_cleared, METH_NOARGS, NULL},
    {"copy", bag_copy, METH_NOARGS, NULL},
    {"pair", bag_pair, METH_NOARGS, NULL},
    {"at", bag_at, METH_O, NULL},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef bag_getset[] = {
    {"size", bag_get_size, bag_set_size, NULL, NULL},
    {"items", NULL, bag_set_items, NULL, NULL},
    {"label", NULL, bag_set_label, NULL, NULL},
    {"tag", NULL, bag_set_tag, NULL, NULL},
    {NULL},
};

static PyType_Slot bag_slots[] = {
    {Py_tp_methods, bag_methods},
    {Py_tp_getset, bag_getset},
    {Py_tp_iternext, bag_iternext},
    {Py_tp_init, bag_init},
    {Py_tp_clear, bag_clear},
    {0, NULL},
};

static PyType_Spec bag_spec = {"bag.Bag", sizeof(Bag), 0, Py_TPFLAGS_DEFAULT,
                               bag_slots};

static struct PyModuleDef bag_module = {PyModuleDef_HEAD_INIT, "bag", NULL, -1,
                                        NULL};

PyMODINIT_FUNC PyInit_bag(void) {
  PyObject *m = PyModule_Create(&bag_module);
  if (m == NULL)
    return NULL;
  PyObject *t = PyType_FromSpec(&bag_spec);
  if (t == NULL || PyModule_AddObject(m, "Bag", t) < 0) {
    Py_XDECREF(t);
    Py_DECREF(m);
    return NULL;
  }
  return m;
}

// Multi-phase init: a Py_mod_exec slot returns 0, or -1 with an exception.
static int bag_exec_count;

static int bag_exec(PyObject *m) {
  if (bag_exec_count++ > 0)
    return -1;
  // CHECK: :[[@LINE-1]]:5: warning: 'bag_exec' returns -1 without an exception set; Python raises SystemError ('error return without exception set') [cpython-error-return]
  if (PyModule_AddObject(m, "ready", PyBool_FromLong(1)) < 0)
    return -1;
  return 0;
}

static PyModuleDef_Slot bag_exec_slots[] = {{Py_mod_exec, bag_exec},
                                            {0, NULL}};

static struct PyModuleDef bag2_module = {PyModuleDef_HEAD_INIT, "bag2", NULL, 0,
                                         NULL, bag_exec_slots};

PyMODINIT_FUNC PyInit_bag2(void) { return PyModuleDef_Init(&bag2_module); }

// The extension tutorial's module init: the exception type kept in a global
// is NULL when PyErr_NewException failed, and PyModule_AddObject then fails
// too, so the value is returned only when nothing failed.
static PyObject *SpamError;
static struct PyModuleDef spam_module = {PyModuleDef_HEAD_INIT, "spam", NULL,
                                         -1, NULL};

PyMODINIT_FUNC PyInit_spam(void) {
  PyObject *m = PyModule_Create(&spam_module);
  if (m == NULL)
    return NULL;
  SpamError = PyErr_NewException("spam.error", NULL, NULL);
  Py_XINCREF(SpamError);
  if (PyModule_AddObject(m, "error", SpamError) < 0) {
    Py_XDECREF(SpamError);
    Py_CLEAR(SpamError);
    Py_DECREF(m);
    return NULL;
  }
  return m;
}
