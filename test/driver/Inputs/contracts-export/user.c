// A program of another team that uses the SDK with only its header and the
// exported contract: what the SDK's code does is known from the contract.
#include "sdk.h"

int make_two(void) {
  sdk_buf *a = sdk_buf_new(4);
  if (!a)
    return -1;
  sdk_buf *b;
  if (sdk_buf_open(8, &b) != 0)
    return -1;
  sdk_buf_free(a);
  return 0;
}

void drop_first(PyObject *tuple) {
  PyObject *first = sdk_first(tuple);
  Py_DECREF(first);
}

PyObject *list_without_gil(void) {
  PyObject *l;
  Py_BEGIN_ALLOW_THREADS
  l = sdk_make_list();
  Py_END_ALLOW_THREADS
  return l;
}
