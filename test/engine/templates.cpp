// RUN: not %custody %s -- %cxxflags | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- %cxxflags | FileCheck %s --implicit-check-not=warning:

// Function templates and members of class templates defined in the file:
// each instantiation is analyzed; a finding every instantiation has is told
// once, with a note naming them.

#include <Python.h>

template <typename T> PyObject *from(T v);
template <> PyObject *from<long>(long v) { return PyLong_FromLong(v); }
template <> PyObject *from<double>(double v) { return PyFloat_FromDouble(v); }
template <> PyObject *from<int>(int v) { return PyLong_FromLong(v); }

// The element is never released when appending fails (both instantiations).
template <typename T> int appendAll(PyObject *list, const T *vals, int n) {
  for (int i = 0; i < n; ++i) {
    PyObject *item = from<T>(vals[i]);
    if (!item)
      return -1;
    if (PyList_Append(list, item) < 0)
      return -1;
    // CHECK: :[[@LINE-1]]:7: warning: 'item' (Python reference from 'from') is not released on this path [cpython-missing-decref]
    // CHECK: :[[@LINE-2]]:7: note: in the instantiation 'appendAll<long>' (and 1 more)
    Py_DECREF(item);
  }
  return 0;
}

// A class template's member: only one instantiation leaks (the branch on
// the type is decided per instantiation).
template <typename T> struct Box {
  PyObject *make(T v, bool twice) {
    PyObject *a = from<T>(v);
    if (!a)
      return nullptr;
    PyObject *b = from<T>(v);
    if (sizeof(T) == 4)
      return b;
    // CHECK: :[[@LINE-1]]:7: warning: 'a' (Python reference from 'from') is not released on this path [cpython-missing-decref]
    // CHECK: :[[@LINE-2]]:7: note: in the instantiation 'Box<int>::make'
    Py_DECREF(a);
    return b;
  }
};

int use(PyObject *list) {
  long l[2] = {1, 2};
  double d[2] = {1.0, 2.0};
  Box<long> bl;
  Box<int> bi;
  PyObject *x = bl.make(1, false);
  Py_XDECREF(x);
  PyObject *y = bi.make(1, false);
  Py_XDECREF(y);
  return appendAll(list, l, 2) + appendAll(list, d, 2);
}

// A template nothing instantiates is not analyzed.
template <typename T> void never(T) { PyObject *leak = PyList_New(0); }
