// The GIL taken with PyGILState_Ensure and not given back on some path, given
// back twice or without being taken, and Py_BEGIN_ALLOW_THREADS or
// PyEval_SaveThread regions left without taking it back.
// RUN: not %custody %s -- %cflags | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- %cflags | FileCheck %s --implicit-check-not=warning:

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <unistd.h>

//===----------------------------------------------------------------------===//
// PyGILState_Ensure / PyGILState_Release
//===----------------------------------------------------------------------===//

int checkEnsureNotReleasedOnError(void) {
  PyGILState_STATE g = PyGILState_Ensure();
  PyObject *mod = PyImport_ImportModule("json");
  if (mod == NULL)
    return -1;
    // CHECK: :[[@LINE-1]]:5: warning: the GIL taken by 'PyGILState_Ensure' is not given back on this path [gil-unbalanced]
    // CHECK: :[[@LINE-5]]:24: note: the GIL is taken here by 'PyGILState_Ensure'
    // CHECK: :[[@LINE-5]]:19: note: assuming 'PyImport_ImportModule' fails (returns null)
  Py_DECREF(mod);
  PyGILState_Release(g);
  return 0;
}

int checkEnsureGotoDone(const char *code) {
  int rc = -1;
  PyGILState_STATE g = PyGILState_Ensure();
  PyObject *mod = PyImport_ImportModule("json");
  if (mod == NULL)
    goto done;
  if (PyRun_SimpleString(code) != 0)
    goto done;
  rc = 0;
done:
  Py_XDECREF(mod);
  PyGILState_Release(g);
  return rc;
}

int checkEnsureReleasedBeforeEveryReturn(const char *code) {
  PyGILState_STATE g = PyGILState_Ensure();
  PyObject *mod = PyImport_ImportModule("json");
  if (mod == NULL) {
    PyErr_Print();
    PyGILState_Release(g);
    return -1;
  }
  Py_DECREF(mod);
  if (PyRun_SimpleString(code) != 0) {
    PyGILState_Release(g);
    return -2;
  }
  PyGILState_Release(g);
  return 0;
}

int checkEnsureReturnInSwitch(int op) {
  PyGILState_STATE g = PyGILState_Ensure();
  switch (op) {
  case 0:
    return PyRun_SimpleString("a = 0");
    // CHECK: :[[@LINE-1]]:5: warning: the GIL taken by 'PyGILState_Ensure' is not given back on this path [gil-unbalanced]
    // CHECK: :[[@LINE-5]]:24: note: the GIL is taken here by 'PyGILState_Ensure'
  default:
    break;
  }
  PyGILState_Release(g);
  return 0;
}

int checkSwitchReleasesInEveryCase(int op) {
  PyGILState_STATE g = PyGILState_Ensure();
  int rc;
  switch (op) {
  case 0:
    rc = PyRun_SimpleString("a = 0");
    PyGILState_Release(g);
    return rc;
  case 1:
    rc = PyRun_SimpleString("a = 1");
    break;
  default:
    PyGILState_Release(g);
    return -1;
  }
  PyGILState_Release(g);
  return rc;
}

void checkReleaseWithoutEnsure(void) {
  PyGILState_STATE g = PyGILState_UNLOCKED;
  PyGILState_Release(g);
  // CHECK: :[[@LINE-1]]:3: warning: 'PyGILState_Release' gives back the GIL without a matching take ('g' holds no state from one on this path) [gil-unbalanced]
}

void checkReleaseUninitialized(void) {
  PyGILState_STATE g;
  PyGILState_Release(g);
  // CHECK: :[[@LINE-1]]:3: warning: 'PyGILState_Release' gives back the GIL without a matching take ('g' holds no state from one on this path) [gil-unbalanced]
}

void checkReleaseTwice(void) {
  PyGILState_STATE g = PyGILState_Ensure();
  PyRun_SimpleString("pass");
  PyGILState_Release(g);
  PyGILState_Release(g);
  // CHECK: :[[@LINE-1]]:3: warning: 'g' is released by 'PyGILState_Release' after it was already released by 'PyGILState_Release' [gil-unbalanced]
  // CHECK: :[[@LINE-5]]:24: note: the GIL is taken here by 'PyGILState_Ensure'
  // CHECK: :[[@LINE-4]]:3: note: first released here
}

void checkEnsureResultDiscarded(void) {
  PyGILState_Ensure();
  // CHECK: :[[@LINE-1]]:3: warning: the result of 'PyGILState_Ensure' (GIL state) is discarded, so it can never be released [gil-unbalanced]
  PyRun_SimpleString("pass");
}

void checkEnsureInLoopReleasedEachTime(int n) {
  for (int i = 0; i < n; ++i) {
    PyGILState_STATE g = PyGILState_Ensure();
    PyRun_SimpleString("pass");
    PyGILState_Release(g);
  }
}

void checkEnsureInLoopBreakSkipsRelease(int n) {
  for (int i = 0; i < n; ++i) {
    PyGILState_STATE g = PyGILState_Ensure();
    if (PyRun_SimpleString("pass") != 0)
      break;
      // CHECK: :[[@LINE-1]]:7: warning: the GIL taken by 'PyGILState_Ensure' is not given back on this path [gil-unbalanced]
      // CHECK: :[[@LINE-4]]:26: note: the GIL is taken here by 'PyGILState_Ensure'
      // CHECK: :[[@LINE-4]]:9: note: assuming 'PyRun_SimpleString("pass") != 0' is true
    PyGILState_Release(g);
  }
}

void checkEnsureOverwrittenInLoop(int n) {
  PyGILState_STATE g;
  for (int i = 0; i < n; ++i)
    g = PyGILState_Ensure();
    // CHECK: :[[@LINE-1]]:5: warning: the GIL taken by 'PyGILState_Ensure' is not given back on this path [gil-unbalanced]
    // CHECK: :[[@LINE-2]]:9: note: the GIL is taken here by 'PyGILState_Ensure'
    // CHECK: :[[@LINE-4]]:19: note: assuming 'i < n' is true
  PyGILState_Release(g);
  // CHECK: :[[@LINE-1]]:3: warning: 'PyGILState_Release' gives back the GIL without a matching take ('g' holds no state from one on this path) [gil-unbalanced]
  // CHECK: :[[@LINE-7]]:19: note: assuming 'i < n' is false
}

void checkNestedEnsure(void) {
  PyGILState_STATE outer = PyGILState_Ensure();
  PyGILState_STATE inner = PyGILState_Ensure();
  PyRun_SimpleString("pass");
  PyGILState_Release(inner);
  PyGILState_Release(outer);
}

void checkConditionalEnsureSameFlag(int need) {
  PyGILState_STATE g;
  if (need)
    g = PyGILState_Ensure();
  if (need)
    PyRun_SimpleString("pass");
  if (need)
    PyGILState_Release(g);
}

// The state handed to the caller, or received from it.
PyGILState_STATE checkEnterReturnsState(void) { return PyGILState_Ensure(); }

void checkLeaveTakesState(PyGILState_STATE g) { PyGILState_Release(g); }

void checkEnterLeaveThroughHelpers(void) {
  PyGILState_STATE g = checkEnterReturnsState();
  PyRun_SimpleString("pass");
  checkLeaveTakesState(g);
}

void app_leave_python(PyGILState_STATE g); // Defined in another file.

void checkStateHandedToUnknownFunction(void) {
  PyGILState_STATE g = PyGILState_Ensure();
  PyRun_SimpleString("pass");
  app_leave_python(g);
}

//===----------------------------------------------------------------------===//
// Py_BEGIN_ALLOW_THREADS / PyEval_SaveThread
//===----------------------------------------------------------------------===//

static PyObject *checkAllowThreadsReturnInside(PyObject *self, PyObject *arg) {
  char buf[64];
  ssize_t n;
  Py_BEGIN_ALLOW_THREADS
  n = read(0, buf, sizeof buf);
  if (n < 0)
    return NULL;
    // CHECK: :[[@LINE-1]]:5: warning: the GIL given up by 'Py_BEGIN_ALLOW_THREADS' is not taken back on this path [gil-unbalanced]
    // CHECK: :[[@LINE-5]]:3: note: the GIL is given up here by 'Py_BEGIN_ALLOW_THREADS'
    // CHECK: :[[@LINE-4]]:7: note: assuming 'n < 0' is true
  Py_END_ALLOW_THREADS
  return PyLong_FromSsize_t(n);
}

static PyObject *checkAllowThreadsBlockBeforeReturn(PyObject *self,
                                                    PyObject *arg) {
  char buf[64];
  ssize_t n;
  Py_BEGIN_ALLOW_THREADS
  n = read(0, buf, sizeof buf);
  if (n < 0) {
    Py_BLOCK_THREADS
    return PyErr_SetFromErrno(PyExc_OSError);
  }
  Py_END_ALLOW_THREADS
  return PyLong_FromSsize_t(n);
}

static PyObject *checkAllowThreadsUnblockAgain(PyObject *self, PyObject *arg) {
  char buf[64];
  ssize_t n;
  Py_BEGIN_ALLOW_THREADS
  n = read(0, buf, sizeof buf);
  Py_BLOCK_THREADS
  if (PyErr_CheckSignals() < 0) {
    Py_UNBLOCK_THREADS
    n = -1;
  } else {
    Py_UNBLOCK_THREADS
  }
  Py_END_ALLOW_THREADS
  return PyLong_FromSsize_t(n);
}

static PyObject *checkAllowThreadsGotoOut(PyObject *self, PyObject *arg) {
  int fd = PyObject_AsFileDescriptor(arg);
  if (fd < 0)
    return NULL;
  Py_BEGIN_ALLOW_THREADS
  if (fsync(fd) != 0)
    goto fail;
    // CHECK: :[[@LINE-1]]:5: warning: the GIL given up by 'Py_BEGIN_ALLOW_THREADS' is not taken back on this path [gil-unbalanced]
    // CHECK: :[[@LINE-4]]:3: note: the GIL is given up here by 'Py_BEGIN_ALLOW_THREADS'
    // CHECK: :[[@LINE-4]]:7: note: assuming 'fsync(fd) != 0' is true
  Py_END_ALLOW_THREADS
  Py_RETURN_NONE;
fail:
  return PyErr_SetFromErrno(PyExc_OSError);
  // CHECK: :[[@LINE-1]]:10: warning: 'PyErr_SetFromErrno' needs the GIL, which is not held here [gil-not-held]
  // CHECK: :[[@LINE-11]]:3: note: the GIL is given up here by 'Py_BEGIN_ALLOW_THREADS'
}

static PyObject *checkAllowThreadsBreakOut(PyObject *self, PyObject *arg) {
  int fd = PyObject_AsFileDescriptor(arg);
  if (fd < 0)
    return NULL;
  for (int i = 0; i < 3; ++i) {
    Py_BEGIN_ALLOW_THREADS
    if (fsync(fd) == 0)
      break;
      // CHECK: :[[@LINE-1]]:7: warning: the GIL given up by 'Py_BEGIN_ALLOW_THREADS' is not taken back on this path [gil-unbalanced]
      // CHECK: :[[@LINE-4]]:5: note: the GIL is given up here by 'Py_BEGIN_ALLOW_THREADS'
      // CHECK: :[[@LINE-4]]:9: note: assuming 'fsync(fd) == 0' is true
    Py_END_ALLOW_THREADS
  }
  Py_RETURN_NONE;
  // CHECK: :[[@LINE-1]]:3: warning: 'Py_NewRef' (in 'Py_RETURN_NONE') needs the GIL, which is not held here [gil-not-held]
  // CHECK: :[[@LINE-10]]:5: note: the GIL is given up here by 'Py_BEGIN_ALLOW_THREADS'
}

static PyObject *checkAllowThreadsInLoop(PyObject *self, PyObject *arg) {
  int fd = PyObject_AsFileDescriptor(arg);
  if (fd < 0)
    return NULL;
  int rc = -1;
  for (int i = 0; i < 3 && rc != 0; ++i) {
    Py_BEGIN_ALLOW_THREADS
    rc = fsync(fd);
    Py_END_ALLOW_THREADS
  }
  if (rc != 0)
    return PyErr_SetFromErrno(PyExc_OSError);
  Py_RETURN_NONE;
}

static PyMethodDef module_methods[] = {
    {"a", checkAllowThreadsReturnInside, METH_NOARGS, NULL},
    {"b", checkAllowThreadsBlockBeforeReturn, METH_NOARGS, NULL},
    {"c", checkAllowThreadsUnblockAgain, METH_NOARGS, NULL},
    {"d", checkAllowThreadsGotoOut, METH_O, NULL},
    {"e", checkAllowThreadsBreakOut, METH_O, NULL},
    {"f", checkAllowThreadsInLoop, METH_O, NULL},
    {NULL, NULL, 0, NULL}};

int checkSaveNotRestoredOnError(int fd) {
  PyThreadState *ts = PyEval_SaveThread();
  if (fsync(fd) != 0)
    return -1;
    // CHECK: :[[@LINE-1]]:5: warning: the GIL given up by 'PyEval_SaveThread' is not taken back on this path [gil-unbalanced]
    // CHECK: :[[@LINE-4]]:23: note: the GIL is given up here by 'PyEval_SaveThread'
    // CHECK: :[[@LINE-4]]:7: note: assuming 'fsync(fd) != 0' is true
  PyEval_RestoreThread(ts);
  return 0;
}

int checkSaveRestoredOnEveryPath(int fd) {
  PyThreadState *ts = PyEval_SaveThread();
  if (fsync(fd) != 0) {
    PyEval_RestoreThread(ts);
    PyErr_SetFromErrno(PyExc_OSError);
    return -1;
  }
  PyEval_RestoreThread(ts);
  return 0;
}

void checkRestoreTwice(void) {
  PyThreadState *ts = PyEval_SaveThread();
  usleep(1);
  PyEval_RestoreThread(ts);
  PyEval_RestoreThread(ts);
  // CHECK: :[[@LINE-1]]:3: warning: 'ts' is released by 'PyEval_RestoreThread' after it was already released by 'PyEval_RestoreThread' [gil-unbalanced]
  // CHECK: :[[@LINE-5]]:23: note: the GIL is given up here by 'PyEval_SaveThread'
  // CHECK: :[[@LINE-4]]:3: note: first released here
}

// The main thread's state kept for later, as embedders do after
// Py_Initialize, and taken back elsewhere.
static PyThreadState *saved_main;

void checkSaveIntoStatic(void) { saved_main = PyEval_SaveThread(); }

void checkRestoreFromStatic(void) {
  PyEval_RestoreThread(saved_main);
  saved_main = NULL;
}

void checkRestoreParameter(PyThreadState *ts) { PyEval_RestoreThread(ts); }

PyThreadState *checkSaveReturned(void) { return PyEval_SaveThread(); }
