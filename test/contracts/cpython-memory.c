// RUN: not %custody %s -- %cflags | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- %cflags | FileCheck %s --implicit-check-not=warning:

// The built-in contract of CPython's memory allocators
// (contracts/cpython-memory.yaml) on the real <Python.h> of Python 3.11:
// PyMem_Raw*, PyMem_* and PyObject_Malloc/Calloc/Realloc/Free are three
// families, each released by its own free; PyMem_New, PyMem_Del and
// PyObject_Del are macros over them.

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdlib.h>
#include <string.h>

// --- Must warn ---------------------------------------------------------------

static PyObject *checkLeak01PyMemOnError(PyObject *self, PyObject *arg) {
  Py_ssize_t n = PyBytes_Size(arg);
  char *copy = PyMem_Malloc(n + 1);
  if (copy == NULL)
    return PyErr_NoMemory();
  if (n == 0)
    return PyLong_FromLong(0);
  // CHECK: :[[@LINE-1]]:5: warning: 'copy' (PyMem_Malloc memory from 'PyMem_Malloc') is not released on this path [contract-resource-leak]
  // CHECK: :[[@LINE-6]]:16: note: PyMem_Malloc memory acquired here from 'PyMem_Malloc'; the contract says 'PyMem_Free' releases it
  // CHECK: :[[@LINE-4]]:7: note: assuming 'n == 0' is true
  memcpy(copy, PyBytes_AsString(arg), n + 1);
  PyObject *res = PyUnicode_FromString(copy);
  PyMem_Free(copy);
  return res;
}

void checkWrongRelease01PyMemWithFree(size_t n) {
  char *p = PyMem_Calloc(n, 1);
  if (!p)
    return;
  free(p);
  // CHECK: :[[@LINE-1]]:3: warning: 'p' (PyMem_Malloc memory from 'PyMem_Calloc') is released with 'free', which releases heap memory [contract-wrong-release]
  // CHECK: :[[@LINE-5]]:13: note: PyMem_Malloc memory acquired here from 'PyMem_Calloc'; the contract says 'PyMem_Free' releases it
}

void checkWrongRelease02RawWithPyMemFree(size_t n) {
  char *p = PyMem_RawMalloc(n);
  if (!p)
    return;
  PyMem_Free(p);
  // CHECK: :[[@LINE-1]]:3: warning: 'p' (PyMem_RawMalloc memory from 'PyMem_RawMalloc') is released with 'PyMem_Free', which releases PyMem_Malloc memory [contract-wrong-release]
  // CHECK: :[[@LINE-5]]:13: note: PyMem_RawMalloc memory acquired here from 'PyMem_RawMalloc'; the contract says 'PyMem_RawFree' releases it
}

void checkWrongRelease03ObjectMemoryWithPyMemDel(size_t n) {
  char *p = PyObject_Malloc(n);
  if (!p)
    return;
  PyMem_Del(p);
  // CHECK: :[[@LINE-1]]:3: warning: 'p' (PyObject_Malloc memory from 'PyObject_Malloc') is released with 'PyMem_Del', which releases PyMem_Malloc memory [contract-wrong-release]
  // CHECK: :[[@LINE-5]]:13: note: PyObject_Malloc memory acquired here from 'PyObject_Malloc'; the contract says 'PyObject_Free' releases it
}

void checkWrongRelease04PyMemWithRawFree(size_t n) {
  int *v = PyMem_New(int, n);
  if (v == NULL)
    return;
  PyMem_RawFree(v);
  // CHECK: :[[@LINE-1]]:3: warning: 'v' (PyMem_Malloc memory from 'PyMem_New') is released with 'PyMem_RawFree', which releases PyMem_RawMalloc memory [contract-wrong-release]
  // CHECK: :[[@LINE-5]]:12: note: PyMem_Malloc memory acquired here from 'PyMem_New'; the contract says 'PyMem_Free' releases it
}

void checkWrongRelease05HeapWithRawRealloc(size_t n) {
  char *p = malloc(n);
  if (!p)
    return;
  char *q = PyMem_RawRealloc(p, 2 * n);
  // CHECK: :[[@LINE-1]]:13: warning: 'p' (heap memory from 'malloc') is released with 'PyMem_RawRealloc', which releases PyMem_RawMalloc memory [contract-wrong-release]
  // CHECK: :[[@LINE-5]]:13: note: heap memory acquired here from 'malloc'; the contract says 'free' releases it
  if (q)
    PyMem_RawFree(q);
  else
    free(p);
}

void checkDoubleRelease01ObjectFreeTwice(size_t n) {
  void *p = PyObject_Calloc(1, n);
  if (!p)
    return;
  PyObject_Free(p);
  PyObject_Free(p);
  // CHECK: :[[@LINE-1]]:3: warning: 'p' is released by 'PyObject_Free' after it was already released by 'PyObject_Free' [contract-double-release]
  // CHECK: :[[@LINE-6]]:13: note: PyObject_Malloc memory acquired here from 'PyObject_Calloc'; the contract says 'PyObject_Free' releases it
  // CHECK: :[[@LINE-4]]:3: note: first released here
}

int checkLeak02ReallocLosesBlock(size_t n) {
  char *buf = PyMem_RawMalloc(n);
  if (!buf)
    return -1;
  buf = PyMem_RawRealloc(buf, 2 * n);
  // CHECK: :[[@LINE-1]]:3: warning: 'buf' (PyMem_RawMalloc memory from 'PyMem_RawMalloc') is overwritten while it still owns the PyMem_RawMalloc memory [contract-resource-leak]
  // CHECK: :[[@LINE-5]]:15: note: PyMem_RawMalloc memory acquired here from 'PyMem_RawMalloc'; the contract says 'PyMem_RawFree' releases it
  // CHECK: :[[@LINE-3]]:9: note: assuming 'PyMem_RawRealloc' fails (returns null)
  if (!buf)
    return -1;
  PyMem_RawFree(buf);
  return 0;
}

// --- Must stay silent --------------------------------------------------------

static PyObject *checkNoLeak01PyMemCopy(PyObject *self, PyObject *arg) {
  Py_ssize_t n = PyBytes_Size(arg);
  char *copy = PyMem_Malloc(n + 1);
  if (copy == NULL)
    return PyErr_NoMemory();
  memcpy(copy, PyBytes_AsString(arg), n + 1);
  PyObject *res = PyUnicode_FromString(copy);
  PyMem_Free(copy);
  return res;
}

int checkNoLeak02ResizeWithTemporary(int **items, size_t *cap) {
  int *grown = *items;
  PyMem_Resize(grown, int, *cap * 2);
  if (grown == NULL)
    return -1;
  *items = grown;
  *cap *= 2;
  return 0;
}

char *checkNoLeak03RawRealloc(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  char *s = PyMem_RawMalloc(la + 1);
  if (!s)
    return NULL;
  memcpy(s, a, la + 1);
  char *t = PyMem_RawRealloc(s, la + lb + 1);
  if (t == NULL) {
    PyMem_RawFree(s);
    return NULL;
  }
  memcpy(t + la, b, lb + 1);
  return t;
}

struct table {
  PyObject_HEAD
  double *values;
};

static int checkNoLeak04StoredInObject(struct table *self, size_t n) {
  double *v = PyObject_Calloc(n, sizeof *v);
  if (v == NULL)
    return -1;
  PyObject_Free(self->values);
  self->values = v;
  return 0;
}

static void checkNoLeak05DeallocFreesObjectMemory(PyObject *op) {
  struct table *self = (struct table *)op;
  PyObject_Free(self->values);
  PyObject_Del(op);
}

static PyObject *checkNoLeak06FreshObjectDeleted(PyTypeObject *tp, int fail) {
  PyObject *op = PyObject_New(PyObject, tp);
  if (op == NULL)
    return NULL;
  if (fail) {
    PyObject_Del(op);
    return NULL;
  }
  return op;
}
