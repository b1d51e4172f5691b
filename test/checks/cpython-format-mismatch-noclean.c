// Without PY_SSIZE_T_CLEAN, Python 3.10 to 3.12 reject the '#' units of
// PyArg_Parse* at run time, and Py_BuildValue reads their lengths as int.
// RUN: not %custody %s -- %cflags | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- %cflags | FileCheck %s --implicit-check-not=warning:

#include <Python.h>

PyObject *checkParseLengthWithoutClean(PyObject *self, PyObject *args) {
  const char *s;
  Py_ssize_t len;
  if (!PyArg_ParseTuple(args, "s#", &s, &len))
    // CHECK: :[[@LINE-1]]:31: warning: format unit 's#' of 'PyArg_ParseTuple' needs PY_SSIZE_T_CLEAN defined before Python.h is included; without it, Python 3.10 to 3.12 raise SystemError on every call [cpython-format-mismatch]
    return NULL;
  Py_RETURN_NONE;
}

PyObject *checkBuildSizeLengthWithoutClean(const char *s, Py_ssize_t len) {
  return Py_BuildValue("y#", s, len);
  // CHECK: :[[@LINE-1]]:33: warning: format unit 'y#' (argument 3 of 'Py_BuildValue') takes its length as an 'int', but 'len' is a 'Py_ssize_t' [cpython-format-mismatch]
}

// Units without a length are judged as with PY_SSIZE_T_CLEAN.
PyObject *checkParseWithoutClean(PyObject *self, PyObject *args) {
  long n;
  if (!PyArg_ParseTuple(args, "i", &n))
    // CHECK: :[[@LINE-1]]:36: warning: format unit 'i' (argument 3 of 'PyArg_ParseTuple') writes an 'int', but '&n' points to a 'long' [cpython-format-mismatch]
    return NULL;
  return PyLong_FromLong(n);
}

static PyObject *okBuildIntLength(const char *s, int len) {
  return Py_BuildValue("s#", s, len);
}
