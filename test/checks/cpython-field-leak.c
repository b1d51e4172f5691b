// RUN: not %custody %s -- %cflags | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- %cflags | FileCheck %s --implicit-check-not=warning:

// cpython-field-leak: a Python object's fields that its tp_init (or any
// function) fills with new references must be released by its tp_dealloc,
// and a setter must release what a field held before storing a new one.

#define PY_SSIZE_T_CLEAN
#include <Python.h>

typedef struct {
  PyObject_HEAD
  PyObject *name;
  PyObject *cache;
  PyObject *callback;
} NodeObject;

static int Node_init(NodeObject *self, PyObject *args, PyObject *kwds) {
  PyObject *name = NULL;
  if (!PyArg_ParseTuple(args, "U", &name))
    return -1;
  Py_INCREF(name);
  Py_XSETREF(self->name, name);
  self->cache = PyDict_New();
  if (self->cache == NULL)
    return -1;
  return 0;
}

static int Node_set_callback(NodeObject *self, PyObject *value, void *closure) {
  Py_INCREF(value);
  self->callback = value;
  // CHECK: :[[@LINE-1]]:3: warning: 'self->callback' is overwritten with the Python reference from 'Py_INCREF' without releasing the Python reference an earlier call may have stored there; release it first (or test that the field is empty) [cpython-field-leak]
  // CHECK: :[[@LINE-3]]:3: note: the Python reference stored is acquired here
  return 0;
}

static void Node_dealloc(NodeObject *self) {
  Py_XDECREF(self->name);
  Py_XDECREF(self->callback);
  Py_TYPE(self)->tp_free((PyObject *)self);
  // CHECK: :[[@LINE-1]]:3: warning: 'self->cache' still holds the Python reference that 'Node_init' stored there when 'tp_free' frees the object; 'Node_dealloc' (the tp_dealloc of 'NodeType') must release it [cpython-field-leak]
  // CHECK: :[[@LINE-19]]:3: note: the field owns the Python reference stored here
}

static PyGetSetDef Node_getset[] = {
    {"callback", NULL, (setter)Node_set_callback, NULL, NULL},
    {NULL}};

static PyTypeObject NodeType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "m.Node",
    .tp_basicsize = sizeof(NodeObject),
    .tp_dealloc = (destructor)Node_dealloc,
    .tp_init = (initproc)Node_init,
    .tp_getset = Node_getset,
    .tp_new = PyType_GenericNew,
};

/* Correct: every field released, through a clear helper or Py_CLEAR. */
typedef struct {
  PyObject_HEAD
  PyObject *a;
  PyObject *b;
  PyObject *handler;
} GoodObject;

static int Good_init(GoodObject *self, PyObject *args, PyObject *kwds) {
  self->a = PyList_New(0);
  if (!self->a)
    return -1;
  self->b = PyDict_New();
  if (!self->b)
    return -1;
  return 0;
}

static int Good_set_handler(GoodObject *self, PyObject *value, void *closure) {
  Py_INCREF(value);
  Py_XSETREF(self->handler, value);
  return 0;
}

static int Good_set_handler2(GoodObject *self, PyObject *value, void *c) {
  Py_XDECREF(self->handler);
  Py_XINCREF(value);
  self->handler = value;
  return 0;
}

static int Good_clear(GoodObject *self) {
  Py_CLEAR(self->a);
  Py_CLEAR(self->handler);
  return 0;
}

static void Good_dealloc(GoodObject *self) {
  PyObject_GC_UnTrack(self);
  Good_clear(self);
  Py_CLEAR(self->b);
  Py_TYPE(self)->tp_free((PyObject *)self);
}

/* A close() method runs on a live object; its dealloc releases the rest. */
static PyObject *Good_close(GoodObject *self, PyObject *unused) {
  Py_CLEAR(self->handler);
  Py_RETURN_NONE;
}

static PyMethodDef Good_methods[] = {
    {"close", (PyCFunction)Good_close, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static PyType_Slot Good_slots[] = {
    {Py_tp_methods, Good_methods},
    {Py_tp_dealloc, Good_dealloc},
    {Py_tp_init, Good_init},
    {Py_tp_clear, Good_clear},
    {0, NULL},
};

/* Forgotten in a dealloc of a slots type. */
typedef struct {
  PyObject_HEAD
  PyObject *items;
  PyObject *index;
} TableObject;

static int Table_init(PyObject *op, PyObject *args, PyObject *kwds) {
  TableObject *self = (TableObject *)op;
  self->items = PyList_New(0);
  self->index = PyDict_New();
  if (!self->items || !self->index)
    return -1;
  return 0;
}

static void Table_dealloc(PyObject *op) {
  TableObject *self = (TableObject *)op;
  Py_XDECREF(self->items);
  PyObject_Free(op);
  // CHECK: :[[@LINE-1]]:3: warning: 'self->index' still holds the Python reference that 'Table_init' stored there when 'PyObject_Free' frees the object; 'Table_dealloc' (its type's Py_tp_dealloc slot) must release it [cpython-field-leak]
  // CHECK: :[[@LINE-11]]:3: note: the field owns the Python reference stored here
}

static PyType_Slot Table_slots[] = {
    {Py_tp_dealloc, Table_dealloc},
    {Py_tp_init, Table_init},
    {0, NULL},
};

/* A global table keeps its own reference, taken after the module took the
   first one: globals are not followed as places. */
static PyObject *errobjects[4];

int add_errors(PyObject *m) {
  PyObject *exc = PyErr_NewException("m.Error", NULL, NULL);
  if (exc == NULL)
    return -1;
  errobjects[1] = exc;
  if (PyModule_AddObject(m, "Error", exc) != 0)
    return -1;
  Py_INCREF(exc);
  return 0;
}
