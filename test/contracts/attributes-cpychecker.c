// RUN: not %custody %s -- %cflags | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- %cflags | FileCheck %s --implicit-check-not=warning:

// The CPython checker's attributes count as contracts. Projects spell them
// in macros defined only under WITH_CPYCHECKER_*_ATTRIBUTE, as below. custody
// leaves those undefined (NumPy's headers switch to their internal API under
// one) and reads the macros' definitions from the skipped branch; it also
// knows the attributes written out (Clang alone ignores them):
// returns_borrowed_ref, steals_reference_to_arg(N) (1-based),
// sets_exception (an error helper: its result is never a new reference) and
// negative_result_sets_exception (a negative result is the failure).

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#if defined(WITH_CPYCHECKER_RETURNS_BORROWED_REF_ATTRIBUTE)
#define CPYCHECKER_RETURNS_BORROWED_REF()                                      \
  __attribute__((cpychecker_returns_borrowed_ref))
#else
#define CPYCHECKER_RETURNS_BORROWED_REF()
#endif
#if defined(WITH_CPYCHECKER_STEALS_REFERENCE_TO_ARG_ATTRIBUTE)
#define CPYCHECKER_STEALS_REFERENCE_TO_ARG(n)                                  \
  __attribute__((cpychecker_steals_reference_to_arg(n)))
#else
#define CPYCHECKER_STEALS_REFERENCE_TO_ARG(n)
#endif
#if defined(WITH_CPYCHECKER_SETS_EXCEPTION_ATTRIBUTE)
#define CPYCHECKER_SETS_EXCEPTION __attribute__((cpychecker_sets_exception))
#else
#define CPYCHECKER_SETS_EXCEPTION
#endif
#if defined(WITH_CPYCHECKER_NEGATIVE_RESULT_SETS_EXCEPTION_ATTRIBUTE)
#define CPYCHECKER_NEGATIVE_RESULT_SETS_EXCEPTION                              \
  __attribute__((cpychecker_negative_result_sets_exception))
#else
#define CPYCHECKER_NEGATIVE_RESULT_SETS_EXCEPTION
#endif

#if defined(WITH_CPYCHECKER_STEALS_REFERENCE_TO_ARG_ATTRIBUTE)
#error "custody must leave the CPython checker's macros undefined"
#endif

// psycopg2's style: a macro without parentheses, before the declaration.
#if defined(WITH_CPYCHECKER_RETURNS_BORROWED_REF_ATTRIBUTE)
#define BORROWED __attribute__((cpychecker_returns_borrowed_ref))
#else
#define BORROWED
#endif

PyObject *cache_lookup(PyObject *key) CPYCHECKER_RETURNS_BORROWED_REF();
BORROWED PyObject *cache_peek(PyObject *key);
PyObject *cache_first(PyObject *c) __attribute__((cpychecker_returns_borrowed_ref));
int slot_put(PyObject *list, Py_ssize_t i, PyObject *item)
    CPYCHECKER_STEALS_REFERENCE_TO_ARG(3);
PyObject *raise_bad_key(PyObject *key) CPYCHECKER_SETS_EXCEPTION;
int register_row(PyObject *row) CPYCHECKER_NEGATIVE_RESULT_SETS_EXCEPTION;

// --- Must warn ---------------------------------------------------------------

PyObject *checkBorrowedDecref(PyObject *key) {
  PyObject *v = cache_lookup(key);
  if (!v)
    return NULL;
  Py_DECREF(v);
  // CHECK: :[[@LINE-1]]:3: warning: 'v' is borrowed from 'cache_lookup' and must not be released by 'Py_DECREF' [cpython-borrowed-decref]
  // CHECK: :[[@LINE-5]]:17: note: Python reference borrowed here from 'cache_lookup'; the contract does not make the caller its owner
  Py_RETURN_NONE;
}

void checkBorrowedDecrefPrefixMacro(PyObject *key) {
  PyObject *v = cache_peek(key);
  Py_XDECREF(v);
  // CHECK: :[[@LINE-1]]:3: warning: 'v' is borrowed from 'cache_peek' and must not be released by 'Py_XDECREF' [cpython-borrowed-decref]
  // CHECK: :[[@LINE-3]]:17: note: Python reference borrowed here from 'cache_peek'
}

void checkBorrowedDecrefWrittenOut(PyObject *c) {
  PyObject *v = cache_first(c);
  Py_XDECREF(v);
  // CHECK: :[[@LINE-1]]:3: warning: 'v' is borrowed from 'cache_first' and must not be released by 'Py_XDECREF' [cpython-borrowed-decref]
  // CHECK: :[[@LINE-3]]:17: note: Python reference borrowed here from 'cache_first'
}

int checkDecrefAfterSteal(PyObject *list) {
  PyObject *n = PyLong_FromLong(1);
  if (!n)
    return -1;
  if (slot_put(list, 0, n) < 0) {
    Py_DECREF(n);
    // CHECK: :[[@LINE-1]]:5: warning: 'n' is released by 'Py_DECREF' after its ownership moved into 'slot_put' [cpython-double-decref]
    // CHECK: :[[@LINE-6]]:17: note: Python reference acquired here from 'PyLong_FromLong'
    // CHECK: :[[@LINE-4]]:7: note: ownership moved here
    return -1;
  }
  return 0;
}

int checkLeakOnNegativeResult(PyObject *row) {
  PyObject *n = PyLong_FromLong(1);
  if (!n)
    return -1;
  if (register_row(row) < 0)
    return -1;
  // CHECK: :[[@LINE-1]]:5: warning: 'n' (Python reference from 'PyLong_FromLong') is not released on this path [cpython-missing-decref]
  // CHECK: :[[@LINE-6]]:17: note: Python reference acquired here from 'PyLong_FromLong'
  Py_DECREF(n);
  return 0;
}

// Written before the declaration, on a definition (the attribute wins over
// what the body would say).
CPYCHECKER_STEALS_REFERENCE_TO_ARG(3)
static void register_enum(PyObject *module, const char *name,
                          PyObject *constants) {
  if (PyModule_AddObject(module, name, constants) < 0)
    Py_DECREF(constants);
}

int checkDecrefAfterStealingDefinition(PyObject *m) {
  PyObject *d = PyDict_New();
  if (d == NULL)
    return -1;
  register_enum(m, "E", d);
  Py_DECREF(d);
  // CHECK: :[[@LINE-1]]:3: warning: 'd' is released by 'Py_DECREF' after its ownership moved into 'register_enum' [cpython-double-decref]
  // CHECK: :[[@LINE-6]]:17: note: Python reference acquired here from 'PyDict_New'
  // CHECK: :[[@LINE-4]]:3: note: ownership moved here
  return 0;
}

// --- Must stay silent --------------------------------------------------------

PyObject *okBorrowedThenOwned(PyObject *key) {
  PyObject *v = cache_lookup(key);
  if (!v)
    return NULL;
  Py_INCREF(v);
  return v;
}

int okStolen(PyObject *list) {
  PyObject *n = PyLong_FromLong(1);
  if (!n)
    return -1;
  return slot_put(list, 0, n);
}

// Without the attribute this would be a new reference never released.
PyObject *okErrorHelperResultKept(PyObject *key) {
  PyObject *err = raise_bad_key(key);
  (void)err;
  return NULL;
}

PyObject *okErrorHelperReturned(PyObject *key) { return raise_bad_key(key); }
