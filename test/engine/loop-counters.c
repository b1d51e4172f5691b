// RUN: not %custody %s -- %cflags | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- %cflags | FileCheck %s --implicit-check-not=warning:

// A counter known not to be negative is positive after '++': 'i == 0'
// holds in a loop's first iteration only, so what that iteration made is
// not taken for made again in the next.

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdlib.h>
#include <string.h>

// --- Must stay silent -------------------------------------------------------

static PyObject *sum_all(PyObject *self, PyObject *seq) {
  PyObject *acc = NULL;
  Py_ssize_t n = PySequence_Size(seq);
  if (n < 0)
    return NULL;
  for (Py_ssize_t i = 0; i < n; i++) {
    PyObject *item = PySequence_GetItem(seq, i);
    if (item == NULL) {
      Py_XDECREF(acc);
      return NULL;
    }
    if (i == 0) {
      acc = item;
      continue;
    }
    PyObject *t = PyNumber_Add(acc, item);
    Py_DECREF(acc);
    Py_DECREF(item);
    if (t == NULL)
      return NULL;
    acc = t;
  }
  if (acc == NULL)
    return PyLong_FromLong(0);
  return acc;
}

char *copyWords(char **words, int n) {
  char *buf = NULL;
  int i = 0;
  while (i < n) {
    if (i == 0)
      buf = malloc(64);
    if (buf == NULL)
      return NULL;
    strncpy(buf, words[i], 63);
    ++i;
  }
  return buf;
}

// --- Must warn ---------------------------------------------------------------

// 'i < 2' holds in the first two iterations: the second overwrites.
char *firstTwo(char **words, int n) {
  char *buf = NULL;
  for (int i = 0; i < n; i++) {
    if (i < 2)
      buf = malloc(64);
    // CHECK: :[[@LINE-1]]:7: warning: 'buf' (heap memory from 'malloc') is overwritten while it still owns the heap memory [contract-resource-leak]
    if (buf == NULL)
      return NULL;
    strncpy(buf, words[i], 63);
  }
  return buf;
}

static PyMethodDef methods[] = {{"sum_all", sum_all, METH_O, NULL},
                                {NULL, NULL, 0, NULL}};
