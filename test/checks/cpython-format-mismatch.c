// Literal format strings of PyArg_Parse*, Py_BuildValue,
// PyObject_CallFunction/CallMethod, PyUnicode_FromFormat and PyErr_Format
// against their variadic arguments and keyword lists, with PY_SSIZE_T_CLEAN.
// RUN: not %custody %s -- %cflags | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- %cflags | FileCheck %s --implicit-check-not=warning:

#define PY_SSIZE_T_CLEAN
#include <Python.h>

// PyArg_ParseTuple: pointers to the C type each unit writes.

PyObject *checkParseIntIntoLong(PyObject *self, PyObject *args) {
  long n;
  if (!PyArg_ParseTuple(args, "i", &n))
    // CHECK: :[[@LINE-1]]:36: warning: format unit 'i' (argument 3 of 'PyArg_ParseTuple') writes an 'int', but '&n' points to a 'long' [cpython-format-mismatch]
    return NULL;
  return PyLong_FromLong(n);
}

PyObject *checkParseLengthInt(PyObject *self, PyObject *args) {
  const char *s;
  int len;
  if (!PyArg_ParseTuple(args, "s#", &s, &len))
    // CHECK: :[[@LINE-1]]:41: warning: format unit 's#' (argument 4 of 'PyArg_ParseTuple') writes its length as a 'Py_ssize_t', but '&len' points to an 'int' [cpython-format-mismatch]
    return NULL;
  return PyLong_FromLong(len);
}

PyObject *checkParseTypeObjectMissing(PyObject *self, PyObject *args) {
  PyObject *list;
  if (!PyArg_ParseTuple(args, "O!", &list))
    // CHECK: :[[@LINE-1]]:37: warning: format unit 'O!' (argument 3 of 'PyArg_ParseTuple') takes a type object ('PyTypeObject *') first, but '&list' is a 'PyObject **'; the format "O!" takes 2 arguments after it, but 1 is given [cpython-format-mismatch]
    return NULL;
  return PyList_GetSlice(list, 0, 1);
}

PyObject *checkParseObjectWithoutAddress(PyObject *self, PyObject *args) {
  PyObject *obj = NULL;
  if (!PyArg_ParseTuple(args, "O", obj))
    // CHECK: :[[@LINE-1]]:36: warning: format unit 'O' (argument 3 of 'PyArg_ParseTuple') writes a 'PyObject *', but 'obj' points to a 'PyObject' [cpython-format-mismatch]
    return NULL;
  Py_RETURN_NONE;
}

PyObject *checkParseStringIntoBuffer(PyObject *self, PyObject *args) {
  char buf[64];
  if (!PyArg_ParseTuple(args, "s", &buf))
    // CHECK: :[[@LINE-1]]:36: warning: format unit 's' (argument 3 of 'PyArg_ParseTuple') writes a 'const char *', but '&buf' points to a 'char[64]' [cpython-format-mismatch]
    return NULL;
  Py_RETURN_NONE;
}

PyObject *checkParseOptionalMissing(PyObject *self, PyObject *args) {
  PyObject *a;
  int b = 0;
  if (!PyArg_ParseTuple(args, "O|ii:f", &a, &b))
    // CHECK: :[[@LINE-1]]:47: warning: format unit 'i' (argument 5 of 'PyArg_ParseTuple') has no argument; the format "O|ii:f" takes 3 arguments after it, but 2 are given [cpython-format-mismatch]
    return NULL;
  Py_RETURN_NONE;
}

PyObject *checkParseExtraArgument(PyObject *self, PyObject *args) {
  double x, y;
  if (!PyArg_ParseTuple(args, "d;two floats", &x, &y))
    // CHECK: :[[@LINE-1]]:51: warning: argument 4 of 'PyArg_ParseTuple' ('&y') has no format unit; the format "d;two floats" takes 1 argument after it, but 2 are given [cpython-format-mismatch]
    return NULL;
  return PyFloat_FromDouble(x);
}

PyObject *checkParseFloatIntoDouble(PyObject *self, PyObject *args) {
  double x;
  if (!PyArg_ParseTuple(args, "f", &x))
    // CHECK: :[[@LINE-1]]:36: warning: format unit 'f' (argument 3 of 'PyArg_ParseTuple') writes a 'float', but '&x' points to a 'double' [cpython-format-mismatch]
    return NULL;
  return PyFloat_FromDouble(x);
}

PyObject *checkParseBoolIntoChar(PyObject *self, PyObject *args) {
  char flag;
  if (!PyArg_ParseTuple(args, "(ii)p", &flag, &flag, &flag))
    // CHECK: :[[@LINE-1]]:40: warning: format unit 'i' (argument 3 of 'PyArg_ParseTuple') writes an 'int', but '&flag' points to a 'char' [cpython-format-mismatch]
    return NULL;
  return PyBool_FromLong(flag);
}

// PyArg_ParseTupleAndKeywords: the keyword list names each argument.

PyObject *checkKeywordsTooFew(PyObject *self, PyObject *args, PyObject *kw) {
  static char *kwlist[] = {"a", "b", NULL};
  PyObject *a;
  int b = 0, c = 0;
  if (!PyArg_ParseTupleAndKeywords(args, kw, "O|ii", kwlist, &a, &b, &c))
    // CHECK: :[[@LINE-1]]:54: warning: keyword list 'kwlist' has 2 names, but the format "O|ii" of 'PyArg_ParseTupleAndKeywords' has 3 arguments; every call fails with SystemError [cpython-format-mismatch]
    return NULL;
  Py_RETURN_NONE;
}

static char *file_kwlist[] = {"x", "", NULL};

PyObject *checkKeywordsEmptyAfterNamed(PyObject *self, PyObject *args,
                                       PyObject *kw) {
  int x, y;
  if (!PyArg_ParseTupleAndKeywords(args, kw, "ii", file_kwlist, &x, &y))
    // CHECK: :[[@LINE-1]]:52: warning: keyword list 'file_kwlist' of 'PyArg_ParseTupleAndKeywords' has an empty name after a named one; only the leading names may be empty (positional-only), every call fails with SystemError [cpython-format-mismatch]
    return NULL;
  Py_RETURN_NONE;
}

PyObject *checkKeywordsUnterminated(PyObject *self, PyObject *args,
                                    PyObject *kw) {
  static char *kwlist[] = {"x"};
  int x;
  if (!PyArg_ParseTupleAndKeywords(args, kw, "i", kwlist, &x))
    // CHECK: :[[@LINE-1]]:51: warning: keyword list 'kwlist' of 'PyArg_ParseTupleAndKeywords' does not end with NULL; CPython reads past its end [cpython-format-mismatch]
    return NULL;
  Py_RETURN_NONE;
}

// Py_BuildValue and the calls that build their arguments with it: values,
// after the default argument promotions.

PyObject *checkBuildLongForInt(long n) {
  return Py_BuildValue("(ii)", 1, n);
  // CHECK: :[[@LINE-1]]:35: warning: format unit 'i' (argument 3 of 'Py_BuildValue') takes an 'int', but 'n' is a 'long' [cpython-format-mismatch]
}

PyObject *checkBuildIntLength(const char *s) {
  return Py_BuildValue("s#", s, 5);
  // CHECK: :[[@LINE-1]]:33: warning: format unit 's#' (argument 3 of 'Py_BuildValue') takes its length as a 'Py_ssize_t', but '5' is an 'int' [cpython-format-mismatch]
}

PyObject *checkBuildStringForObject(const char *name) {
  return Py_BuildValue("{s:O}", "name", name);
  // CHECK: :[[@LINE-1]]:41: warning: format unit 'O' (argument 3 of 'Py_BuildValue') takes a 'PyObject *', but 'name' is a 'const char *' [cpython-format-mismatch]
}

PyObject *checkBuildIntForDouble(int n) {
  return Py_BuildValue("d", n);
  // CHECK: :[[@LINE-1]]:29: warning: format unit 'd' (argument 2 of 'Py_BuildValue') takes a 'double', but 'n' is an 'int' [cpython-format-mismatch]
}

PyObject *checkCallMethodSizeForInt(PyObject *obj, Py_ssize_t i) {
  return PyObject_CallMethod(obj, "pop", "i", i);
  // CHECK: :[[@LINE-1]]:47: warning: format unit 'i' (argument 4 of 'PyObject_CallMethod') takes an 'int', but 'i' is a 'Py_ssize_t' [cpython-format-mismatch]
}

PyObject *checkCallFunctionMissing(PyObject *callable) {
  return PyObject_CallFunction(callable, "si", "x");
  // CHECK: :[[@LINE-1]]:51: warning: format unit 'i' (argument 4 of 'PyObject_CallFunction') has no argument; the format "si" takes 2 arguments after it, but 1 is given [cpython-format-mismatch]
}

// PyUnicode_FromFormat and PyErr_Format: printf-like conversions and the
// object ones.

PyObject *checkErrObjectForString(PyObject *key) {
  PyErr_Format(PyExc_KeyError, "no key %s", key);
  // CHECK: :[[@LINE-1]]:45: warning: conversion '%s' (argument 3 of 'PyErr_Format') takes a 'const char *', but 'key' is a 'PyObject *' [cpython-format-mismatch]
  return NULL;
}

PyObject *checkErrSizeForInt(Py_ssize_t n) {
  PyErr_Format(PyExc_IndexError, "index %d out of range", n);
  // CHECK: :[[@LINE-1]]:59: warning: conversion '%d' (argument 3 of 'PyErr_Format') takes an 'int', but 'n' is a 'Py_ssize_t' [cpython-format-mismatch]
  return NULL;
}

PyObject *checkUnicodeStringForObject(const char *name) {
  return PyUnicode_FromFormat("<%U>", name);
  // CHECK: :[[@LINE-1]]:39: warning: conversion '%U' (argument 2 of 'PyUnicode_FromFormat') takes a 'PyObject *', but 'name' is a 'const char *' [cpython-format-mismatch]
}

PyObject *checkUnicodeExtra(PyObject *obj, int n) {
  return PyUnicode_FromFormat("%R", obj, n);
  // CHECK: :[[@LINE-1]]:42: warning: argument 3 of 'PyUnicode_FromFormat' ('n') has no format unit; the format "%R" takes 1 argument after it, but 2 are given [cpython-format-mismatch]
}

// The idioms of real extension code stay silent.

static PyObject *okParse(PyObject *self, PyObject *args) {
  PyObject *list, *opt = NULL, *conv = NULL;
  const char *s;
  char *legacy;
  Py_ssize_t len;
  int i = 0, flag = 0;
  unsigned int u;
  unsigned long k;
  short h;
  unsigned char b;
  long long ll;
  double d;
  float f;
  Py_buffer view;
  if (!PyArg_ParseTuple(args, "O!|O:name", &PyList_Type, &list, &opt))
    return NULL;
  if (!PyArg_ParseTuple(args, "s#z|ip", &s, &len, &legacy, &i, &flag))
    return NULL;
  if (!PyArg_ParseTuple(args, "(hb)IkLdf", &h, &b, &u, &k, &ll, &d, &f))
    return NULL;
  if (!PyArg_ParseTuple(args, "y*n", &view, &len))
    return NULL;
  PyBuffer_Release(&view);
  if (!PyArg_ParseTuple(args, "O&es", PyUnicode_FSConverter, &conv, "utf-8",
                        &legacy))
    return NULL;
  PyMem_Free(legacy);
  Py_XDECREF(conv);
  if (!PyArg_ParseTuple(args, "I", &i)) // Signedness is not judged.
    return NULL;
  Py_RETURN_NONE;
}

static PyObject *okKeywords(PyObject *self, PyObject *args, PyObject *kw) {
  static char *kwlist[] = {"", "b", "c", NULL};
  static const char *const_kwlist[] = {"a", NULL};
  PyObject *a;
  int b = 0, c = 0;
  if (!PyArg_ParseTupleAndKeywords(args, kw, "O|i$i", kwlist, &a, &b, &c))
    return NULL;
  if (!PyArg_ParseTupleAndKeywords(args, kw, "O", (char **)const_kwlist, &a))
    return NULL;
  Py_RETURN_NONE;
}

static PyObject *okBuild(PyObject *obj, short h, char c, float f, size_t n,
                         unsigned char uc) {
  const char *s = "x";
  Py_ssize_t len = 1;
  PyObject *r = Py_BuildValue("(iN)", h, PyLong_FromLong(c));
  Py_XDECREF(r);
  r = Py_BuildValue("{s:O,s:d,s:n}", "a", obj, "b", f, "c", n);
  Py_XDECREF(r);
  r = Py_BuildValue("[s#,y#,z,O]", s, len, s, (Py_ssize_t)3, NULL, Py_None);
  Py_XDECREF(r);
  r = Py_BuildValue("bBhHcC", uc, uc, h, h, c, 'x');
  Py_XDECREF(r);
  return PyObject_CallFunction(obj, "Os", obj, s);
}

static PyObject *okFormat(PyObject *obj, Py_ssize_t n, size_t z, long l,
                          const char *name) {
  PyErr_Format(PyExc_TypeError, "%.200s() takes %zd arguments (%zu given)",
               name, n, z);
  PyErr_Format(PyExc_ValueError, "%S: %R %A %ld%% %c %p", obj, obj, obj, l,
               'x', (void *)obj);
  PyErr_Format(PyExc_ValueError, "%V at %5d, %-10.3s %x %lu", obj, name, 1,
               name, 15u, (unsigned long)l);
  return PyUnicode_FromFormat("<%U %llu>", obj, (unsigned long long)z);
}

// A format that is not a literal, or a unit the check does not know, is
// not judged.
static PyObject *okNotJudged(PyObject *args, const char *fmt, long n) {
  if (!PyArg_ParseTuple(args, fmt, &n))
    return NULL;
  return Py_BuildValue("i%", n);
}
