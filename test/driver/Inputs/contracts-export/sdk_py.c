// The SDK's Python helpers.
#include "sdk.h"
#include <stdarg.h>
#include <stdio.h>

PyObject *sdk_first(PyObject *tuple) { return PyTuple_GetItem(tuple, 0); }

PyObject *sdk_make_list(void) { return PyList_New(0); }

void sdk_log(const char *fmt, ...) {
  char line[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  PyObject *s = PyUnicode_FromString(line);
  Py_XDECREF(s);
}
