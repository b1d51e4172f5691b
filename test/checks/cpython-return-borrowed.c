// Functions stored in tables of callbacks (PyMethodDef, type slots) that
// return PyObject * must hand their caller a new reference.
// RUN: not %custody %s -- %cflags | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- %cflags | FileCheck %s --implicit-check-not=warning:

#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject *checkReturnBorrowed01None(PyObject *self, PyObject *args) {
  return Py_None;
  // CHECK: :[[@LINE-1]]:3: warning: 'Py_None' is returned without a reference of its own, but 'checkReturnBorrowed01None' must return a new Python reference (a callback returning 'PyObject *' hands its caller a new reference) [cpython-return-borrowed]
}

static PyObject *checkReturnBorrowed02Item(PyObject *self, PyObject *list) {
  PyObject *item = PyList_GetItem(list, 0);
  if (item == NULL)
    return NULL;
  return item;
  // CHECK: :[[@LINE-1]]:3: warning: 'item' is borrowed from 'PyList_GetItem', but 'checkReturnBorrowed02Item' must return a new Python reference (a callback returning 'PyObject *' hands its caller a new reference) [cpython-return-borrowed]
  // CHECK: :[[@LINE-5]]:20: note: Python reference borrowed here from 'PyList_GetItem'; the contract does not make the caller its owner
}

static PyObject *checkReturnBorrowed03Self(PyObject *self, PyObject *unused) {
  return self;
  // CHECK: :[[@LINE-1]]:3: warning: 'self' is a parameter, returned without a reference of its own, but 'checkReturnBorrowed03Self' must return a new Python reference (a callback returning 'PyObject *' hands its caller a new reference) [cpython-return-borrowed]
}

static PyObject *checkReturnBorrowed04DictGet(PyObject *self, PyObject *d) {
  return PyDict_GetItemString(d, "key");
  // CHECK: :[[@LINE-1]]:3: warning: the result of 'PyDict_GetItemString' is borrowed, but 'checkReturnBorrowed04DictGet' must return a new Python reference (a callback returning 'PyObject *' hands its caller a new reference) [cpython-return-borrowed]
  // CHECK: :[[@LINE-2]]:10: note: Python reference borrowed here from 'PyDict_GetItemString'; the contract does not make the caller its owner
}

// --- Must stay silent -------------------------------------------------------

static PyObject *checkNoReturnBorrowed01ReturnNone(PyObject *self,
                                                   PyObject *args) {
  Py_RETURN_NONE;
}

static PyObject *checkNoReturnBorrowed02IncrefNone(PyObject *self,
                                                   PyObject *args) {
  Py_INCREF(Py_None);
  return Py_None;
}

static PyObject *checkNoReturnBorrowed03IncrefSelf(PyObject *self,
                                                   PyObject *args) {
  Py_INCREF(self);
  return self;
}

static PyObject *checkNoReturnBorrowed04NewRef(PyObject *self, PyObject *list) {
  PyObject *item = PyList_GetItem(list, 0);
  if (item == NULL)
    return NULL;
  return Py_NewRef(item);
}

static PyObject *checkNoReturnBorrowed05NewObject(PyObject *self,
                                                  PyObject *args) {
  return PyLong_FromLong(42);
}

static PyObject *checkNoReturnBorrowed06ErrorNull(PyObject *self,
                                                  PyObject *args) {
  PyErr_SetString(PyExc_ValueError, "no");
  return NULL;
}

// Not in a table: a helper may return a borrowed reference to its caller.
static PyObject *lookup(PyObject *d) { return PyDict_GetItemString(d, "k"); }

static PyObject *checkNoReturnBorrowed07UsesHelper(PyObject *self,
                                                   PyObject *d) {
  PyObject *v = lookup(d);
  if (v == NULL)
    Py_RETURN_NONE;
  Py_INCREF(v);
  return v;
}

static PyObject *checkNoReturnBorrowed08Repr(PyObject *self) {
  return PyUnicode_FromString("<thing>");
}

static PyMethodDef Methods[] = {
    {"a", checkReturnBorrowed01None, METH_VARARGS, NULL},
    {"b", checkReturnBorrowed02Item, METH_O, NULL},
    {"c", checkReturnBorrowed03Self, METH_NOARGS, NULL},
    {"d", checkReturnBorrowed04DictGet, METH_O, NULL},
    {"e", checkNoReturnBorrowed01ReturnNone, METH_VARARGS, NULL},
    {"f", checkNoReturnBorrowed02IncrefNone, METH_VARARGS, NULL},
    {"g", checkNoReturnBorrowed03IncrefSelf, METH_NOARGS, NULL},
    {"h", checkNoReturnBorrowed04NewRef, METH_O, NULL},
    {"i", checkNoReturnBorrowed05NewObject, METH_VARARGS, NULL},
    {"j", checkNoReturnBorrowed06ErrorNull, METH_VARARGS, NULL},
    {"k", checkNoReturnBorrowed07UsesHelper, METH_O, NULL},
    {NULL, NULL, 0, NULL}};

static PyType_Slot Slots[] = {
    {Py_tp_repr, checkNoReturnBorrowed08Repr},
    {0, NULL}};

// Type objects written with designated initializers.
static PyObject *checkReturnBorrowed05Designated(PyObject *self) {
  return self;
  // CHECK: :[[@LINE-1]]:3: warning: 'self' is a parameter, returned without a reference of its own, but 'checkReturnBorrowed05Designated' must return a new Python reference (a callback returning 'PyObject *' hands its caller a new reference) [cpython-return-borrowed]
}

static PyTypeObject DesignatedType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "m.Designated",
    .tp_repr = checkReturnBorrowed05Designated,
};
