// cpython-format-mismatch in C++: NULL and nullptr, templates (not judged
// until instantiated, and instantiations are not reported).
// RUN: not %custody %s -- %cxxflags | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- %cxxflags | FileCheck %s --implicit-check-not=warning:

#define PY_SSIZE_T_CLEAN
#include <Python.h>

PyObject *checkCxxLongForInt(long n) {
  return Py_BuildValue("i", n);
  // CHECK: :[[@LINE-1]]:29: warning: format unit 'i' (argument 2 of 'Py_BuildValue') takes an 'int', but 'n' is a 'long' [cpython-format-mismatch]
}

PyObject *checkCxxObjectForString(PyObject *callable, const char *name) {
  return PyObject_CallFunction(callable, "O", name);
  // CHECK: :[[@LINE-1]]:47: warning: format unit 'O' (argument 3 of 'PyObject_CallFunction') takes a 'PyObject *', but 'name' is a 'const char *' [cpython-format-mismatch]
}

static PyObject *okCxxNulls(PyObject *self, PyObject *args) {
  PyObject *a = nullptr;
  if (!PyArg_ParseTuple(args, "|O", &a))
    return nullptr;
  PyObject *r = Py_BuildValue("(zz)", NULL, nullptr);
  Py_XDECREF(r);
  return PyObject_CallMethod(a, "m", "O", Py_None);
}

template <typename T> PyObject *okTemplate(T value) {
  return Py_BuildValue("i", value);
}
PyObject *okInstantiate() { return okTemplate(1L); }
