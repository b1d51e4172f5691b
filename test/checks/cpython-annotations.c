// A project's own functions, described in the source with
// custody/annotations.h instead of a YAML contract.
// RUN: not %custody %s -- %cflags -I%src/contracts/annotations | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- %cflags -I%src/contracts/annotations | FileCheck %s --implicit-check-not=warning:

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <custody/annotations.h>

PyObject *row_cache_get(long id) CUSTODY_RETURNS_BORROWED(pyobject);
PyObject *make_row(long id) CUSTODY_RETURNS_OWNED_OR_NULL(pyobject);
int table_insert(PyObject *table, PyObject *row CUSTODY_CONSUMES(pyobject));

void checkBorrowedDecrefAnnotated(long id) {
  PyObject *row = row_cache_get(id);
  Py_XDECREF(row);
  // CHECK: :[[@LINE-1]]:3: warning: 'row' is borrowed from 'row_cache_get' and must not be released by 'Py_XDECREF' [cpython-borrowed-decref]
  // CHECK: :[[@LINE-3]]:19: note: Python reference borrowed here from 'row_cache_get'; the contract does not make the caller its owner
}

int checkDoubleDecrefAfterConsume(PyObject *table, long id) {
  PyObject *row = make_row(id);
  if (row == NULL)
    return -1;
  if (table_insert(table, row) < 0) {
    Py_DECREF(row);
    // CHECK: :[[@LINE-1]]:5: warning: 'row' is released by 'Py_DECREF' after its ownership moved into 'table_insert' [cpython-double-decref]
    // CHECK: :[[@LINE-6]]:19: note: Python reference acquired here from 'make_row'; the contract says 'Py_DECREF', 'Py_XDECREF' or 'Py_DecRef' releases it
    // CHECK: :[[@LINE-4]]:7: note: ownership moved here
    return -1;
  }
  return 0;
}

int checkNoLeakConsumed(PyObject *table, long id) {
  PyObject *row = make_row(id);
  if (row == NULL)
    return -1;
  return table_insert(table, row);
}

// The annotated definition is held to its own contract.
PyObject *make_row(long id) {
  PyObject *cached = row_cache_get(id);
  if (cached != NULL)
    return cached;
  // CHECK: :[[@LINE-1]]:5: warning: 'cached' is borrowed from 'row_cache_get', but 'make_row' must return a new Python reference (its contract says it returns an owned value) [cpython-return-borrowed]
  // CHECK: :[[@LINE-4]]:22: note: Python reference borrowed here from 'row_cache_get'; the contract does not make the caller its owner
  return PyLong_FromLong(id);
}

// A borrowed value released twice: the second warning's note still says it
// was borrowed.
void checkBorrowedDecrefTwice(long id) {
  PyObject *row = row_cache_get(id);
  Py_DECREF(row);
  // CHECK: :[[@LINE-1]]:3: warning: 'row' is borrowed from 'row_cache_get' and must not be released by 'Py_DECREF' [cpython-borrowed-decref]
  // CHECK: :[[@LINE-3]]:19: note: Python reference borrowed here from 'row_cache_get'; the contract does not make the caller its owner
  Py_DECREF(row);
  // CHECK: :[[@LINE-1]]:3: warning: 'row' is released by 'Py_DECREF' after it was already released by 'Py_DECREF' [cpython-double-decref]
  // CHECK: :[[@LINE-6]]:19: note: Python reference borrowed here from 'row_cache_get'; the contract does not make the caller its owner
  // CHECK: :[[@LINE-6]]:3: note: first released here
}
