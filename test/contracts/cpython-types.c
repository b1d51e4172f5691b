// RUN: not %custody %s -- %cflags | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- %cflags | FileCheck %s --implicit-check-not=warning:

// Object types in the CPython contract ('result_type', 'tests_type'):
// PyObject_Str returns a str, so after it worked PyUnicode_Check of its
// result is true and the branch that would drop the result is not taken.
// Results of other types, and results of functions the contract gives no
// type, keep both branches.

#define PY_SSIZE_T_CLEAN
#include <Python.h>

// --- Must stay silent -------------------------------------------------------

// A message with the exception's text appended, as error reporters build it.
static PyObject *withReason(PyObject *message, PyObject *exc) {
  PyObject *v = PyObject_Str(exc);
  if (v != NULL && PyUnicode_Check(v)) {
    PyObject *t = PyUnicode_FromFormat("%U: %U", message, v);
    Py_DECREF(v);
    return t;
  }
  return Py_NewRef(message);
}

// The test written the other way round, on a new list.
static int appendAll(PyObject *dst, PyObject *items) {
  PyObject *copy = PySequence_List(items);
  if (!copy)
    return -1;
  if (!PyList_Check(copy))
    return -1;
  int rc = PyList_SetSlice(dst, PyList_GET_SIZE(dst), PyList_GET_SIZE(dst),
                           copy);
  Py_DECREF(copy);
  return rc;
}

// --- Must warn ---------------------------------------------------------------

// A str is no int: the branch where PyLong_Check fails is taken, and drops
// the str.
static long asNumber(PyObject *o) {
  PyObject *s = PyObject_Repr(o);
  if (s == NULL)
    return -1;
  if (!PyLong_Check(s))
    return -1;
    // CHECK: cpython-types.c:[[@LINE-1]]:5: warning: 's' (Python reference from 'PyObject_Repr') is not released on this path [cpython-missing-decref]
  long n = PyLong_AsLong(s);
  Py_DECREF(s);
  return n;
}

// An attribute may be of any type.
static PyObject *nameOf(PyObject *o) {
  PyObject *v = PyObject_GetAttrString(o, "name");
  if (v != NULL && PyUnicode_Check(v))
    return v;
  return NULL;
  // CHECK: cpython-types.c:[[@LINE-1]]:3: warning: 'v' (Python reference from 'PyObject_GetAttrString') is not released on this path [cpython-missing-decref]
}

// --- Through this program's functions ---------------------------------------

// A helper that returns what PyUnicode_DecodeUTF8 made returns a str too.
static PyObject *decoded(const char *s, Py_ssize_t n) {
  PyObject *r = PyUnicode_DecodeUTF8(s, n, "replace");
  return r;
}

static PyObject *describe(PyObject *prefix, const char *s, Py_ssize_t n) {
  PyObject *v = decoded(s, n);
  if (v != NULL && PyUnicode_Check(v)) {
    PyObject *t = PyUnicode_Concat(prefix, v);
    Py_DECREF(v);
    return t;
  }
  return Py_NewRef(prefix);
}

// One that may return an object of any type does not.
static PyObject *attrOrStr(PyObject *o, int asStr) {
  if (asStr)
    return PyObject_Str(o);
  return PyObject_GetAttrString(o, "value");
}

static PyObject *describeAttr(PyObject *prefix, PyObject *o) {
  PyObject *v = attrOrStr(o, 0);
  if (v != NULL && PyUnicode_Check(v)) {
    PyObject *t = PyUnicode_Concat(prefix, v);
    Py_DECREF(v);
    return t;
  }
  return Py_NewRef(prefix);
  // CHECK: cpython-types.c:[[@LINE-1]]:3: warning: 'v' (Python reference from 'attrOrStr') is not released on this path [cpython-missing-decref]
}
