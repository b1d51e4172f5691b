// Functions without a contract and without a body that return PyObject *
// follow the C API's convention: a new reference, or NULL.
// RUN: not %custody --contracts %S/Inputs/cpython-user.yaml %s -- %cflags | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -config="{CheckOptions: {CustodyContracts: '%S/Inputs/cpython-user.yaml'}}" -- %cflags | FileCheck %s --implicit-check-not=warning:
// A contract saying 'default_returns: none' turns the convention off.
// RUN: not %custody --contracts %S/Inputs/cpython-user.yaml --contracts %S/Inputs/cpython-no-defaults.yaml %s -- %cflags | FileCheck %s --check-prefix=OFF --implicit-check-not=warning:

#define PY_SSIZE_T_CLEAN
#include <Python.h>

PyObject *make_record(const char *name); // Defined in another file.
PyObject *get_cached_type(void);           // Borrowed: says the user contract.

int checkLeakDefaultConvention(PyObject *list) {
  PyObject *rec = make_record("x");
  if (rec == NULL)
    return -1;
  if (PyList_Append(list, rec) < 0)
    return -1;
  // CHECK: :[[@LINE-1]]:5: warning: 'rec' (Python reference from 'make_record') is not released on this path [cpython-missing-decref]
  // CHECK: :[[@LINE-6]]:19: note: Python reference acquired here from 'make_record'; the contract says 'Py_DECREF', 'Py_XDECREF' or 'Py_DecRef' releases it
  // CHECK: :[[@LINE-4]]:7: note: assuming 'PyList_Append(list, rec) < 0' is true
  Py_DECREF(rec);
  return 0;
}

int checkNoLeakDefaultConvention(PyObject *list) {
  PyObject *rec = make_record("x");
  if (rec == NULL)
    return -1;
  int rc = PyList_Append(list, rec);
  Py_DECREF(rec);
  return rc;
}

int checkNoLeakUserContractBorrowed(PyObject *list) {
  PyObject *t = get_cached_type();
  return PyList_Append(list, t);
}

void checkBorrowedDecrefUserContract(void) {
  PyObject *t = get_cached_type();
  Py_DECREF(t);
  // CHECK: :[[@LINE-1]]:3: warning: 't' is borrowed from 'get_cached_type' and must not be released by 'Py_DECREF' [cpython-borrowed-decref]
  // CHECK: :[[@LINE-3]]:17: note: Python reference borrowed here from 'get_cached_type'; the contract does not make the caller its owner
  // OFF: :[[@LINE-3]]:3: warning: 't' is borrowed from 'get_cached_type'
}

// A static helper defined here is summarized from its body instead.
static PyObject *new_pair(void) { return PyTuple_New(2); }

void checkLeakHelperSummary(void) {
  PyObject *p = new_pair();
}
// CHECK: :[[@LINE-1]]:1: warning: 'p' (Python reference from 'new_pair') is not released on this path [cpython-missing-decref]
// CHECK: :[[@LINE-3]]:17: note: Python reference acquired here from 'new_pair'; the contract says 'Py_DECREF', 'Py_XDECREF' or 'Py_DecRef' releases it
// OFF: :[[@LINE-3]]:1: warning: 'p' (Python reference from 'new_pair')

// An error helper declared to return PyObject * (it sets an exception and
// returns NULL) is often called for its effect alone: not reported.
PyObject *raise_os_error(const char *syscall);

PyObject *checkNoLeakErrorHelperDiscarded(int fd) {
  if (fd < 0) {
    raise_os_error("open");
    return NULL;
  }
  Py_RETURN_NONE;
}
