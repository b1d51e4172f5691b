// Python C-API calls made without the GIL: in thread start routines, in
// callbacks that run without it, inside Py_BEGIN_ALLOW_THREADS regions and
// after the GIL was given back; helpers defined here are reported at their
// call sites.
// RUN: not %custody %s -- %cflags -I%src/contracts/annotations | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- %cflags -I%src/contracts/annotations | FileCheck %s --implicit-check-not=warning:

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <custody/annotations.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

//===----------------------------------------------------------------------===//
// Thread start routines: pthread_create's argument 2 runs without the GIL.
//===----------------------------------------------------------------------===//

static void *checkWorkerWithoutGil(void *arg) {
  PyObject *n = PyLong_FromLong(42);
  // CHECK: :[[@LINE-1]]:17: warning: 'PyLong_FromLong' needs the GIL, which is not held here [gil-not-held]
  // CHECK: :[[@LINE-3]]:14: note: 'checkWorkerWithoutGil' is handed over as 'pthread_create:2', which a contract says runs without the GIL
  Py_XDECREF(n);
  return NULL;
}

static void *checkWorkerAddressTaken(void *arg) {
  PyErr_Clear();
  // CHECK: :[[@LINE-1]]:3: warning: 'PyErr_Clear' needs the GIL, which is not held here [gil-not-held]
  // CHECK: :[[@LINE-3]]:14: note: 'checkWorkerAddressTaken' is handed over as 'pthread_create:2', which a contract says runs without the GIL
  return NULL;
}

static void *checkWorkerEnsures(void *arg) {
  PyGILState_STATE g = PyGILState_Ensure();
  PyObject *n = PyLong_FromLong(42);
  Py_XDECREF(n);
  PyGILState_Release(g);
  return NULL;
}

static void *checkWorkerGotoDone(void *arg) {
  PyGILState_STATE g = PyGILState_Ensure();
  PyObject *mod = NULL, *res = NULL;
  mod = PyImport_ImportModule("json");
  if (mod == NULL)
    goto done;
  res = PyObject_CallMethod(mod, "dumps", "(i)", 1);
  if (res == NULL) {
    PyErr_Print();
    goto done;
  }
done:
  Py_XDECREF(res);
  Py_XDECREF(mod);
  PyGILState_Release(g);
  return NULL;
}

// PyMem_Raw* and the PyThread_* locks are documented as callable without it.
static void *checkWorkerRawMemory(void *arg) {
  char *buf = PyMem_RawMalloc(64);
  if (buf == NULL)
    return NULL;
  memset(buf, 0, 64);
  PyMem_RawFree(buf);
  return NULL;
}

static void *checkWorkerThreadLock(void *arg) {
  PyThread_type_lock lk = PyThread_allocate_lock();
  if (lk == NULL)
    return NULL;
  PyThread_acquire_lock(lk, WAIT_LOCK);
  PyThread_release_lock(lk);
  PyThread_free_lock(lk);
  return NULL;
}

// Looking at the interpreter's state needs no GIL.
static void *checkWorkerChecksFirst(void *arg) {
  if (!Py_IsInitialized())
    return NULL;
  if (PyGILState_Check())
    return NULL;
  PyGILState_STATE g = PyGILState_Ensure();
  PyRun_SimpleString("print(1)");
  PyGILState_Release(g);
  return NULL;
}

// A reference released after the GIL was given back.
static void *checkWorkerUsesAfterRelease(void *arg) {
  PyGILState_STATE g = PyGILState_Ensure();
  PyObject *s = PyUnicode_FromString("done");
  PyGILState_Release(g);
  Py_XDECREF(s);
  // CHECK: :[[@LINE-1]]:3: warning: 'Py_XDECREF' needs the GIL, which is not held here [gil-not-held]
  // CHECK: :[[@LINE-3]]:3: note: the GIL is given back here by 'PyGILState_Release'
  return NULL;
}

// The path that skips the branch reaches the last call without the GIL.
static void *checkWorkerEnsuresOnOneBranch(void *arg) {
  if (arg != NULL) {
    PyGILState_STATE g = PyGILState_Ensure();
    PyErr_Clear();
    PyGILState_Release(g);
  }
  PyErr_Clear();
  // CHECK: :[[@LINE-1]]:3: warning: 'PyErr_Clear' needs the GIL, which is not held here [gil-not-held]
  // CHECK: :[[@LINE-8]]:14: note: 'checkWorkerEnsuresOnOneBranch' is handed over as 'pthread_create:2', which a contract says runs without the GIL
  return NULL;
}

// Taken, used and given back under the same local flag.
static void *checkWorkerSameFlagTwice(void *arg) {
  int flag = *(int *)arg;
  PyGILState_STATE g;
  if (flag)
    g = PyGILState_Ensure();
  if (flag)
    PyErr_Clear();
  if (flag)
    PyGILState_Release(g);
  return NULL;
}

// A helper that takes the GIL itself can be called from anywhere.
static void log_taking_gil(const char *msg) {
  PyGILState_STATE g = PyGILState_Ensure();
  PySys_WriteStderr("%s\n", msg);
  PyGILState_Release(g);
}

// A helper that does not touch Python.
static size_t count_bytes(const char *s) { return strlen(s); }

// A helper defined here needs the GIL of whoever calls it.
static int log_to_python(const char *msg) {
  PyObject *s = PyUnicode_FromString(msg);
  if (s == NULL)
    return -1;
  PySys_WriteStdout("%s\n", msg);
  Py_DECREF(s);
  return 0;
}

static void *checkWorkerCallsHelper(void *arg) {
  log_to_python("started");
  // CHECK: :[[@LINE-1]]:3: warning: 'log_to_python' needs the GIL, which is not held here: it calls 'PyUnicode_FromString' [gil-not-held]
  // CHECK: :[[@LINE-3]]:14: note: 'checkWorkerCallsHelper' is handed over as 'pthread_create:2', which a contract says runs without the GIL
  // CHECK: :[[@LINE-12]]:17: note: 'PyUnicode_FromString' is called here
  return NULL;
}

static void *checkWorkerCallsHelperWithGil(void *arg) {
  PyGILState_STATE g = PyGILState_Ensure();
  log_to_python("started");
  PyGILState_Release(g);
  return NULL;
}

static void *checkWorkerCallsSelfLockingHelper(void *arg) {
  log_taking_gil("started");
  return (void *)count_bytes("started");
}

// Helpers that take and give back the GIL for their caller.
static PyGILState_STATE gil_enter(void) { return PyGILState_Ensure(); }
static void gil_leave(PyGILState_STATE g) { PyGILState_Release(g); }

static void *checkWorkerEnterLeaveHelpers(void *arg) {
  PyGILState_STATE g = gil_enter();
  PyRun_SimpleString("pass");
  gil_leave(g);
  return NULL;
}

static void *checkWorkerCallAfterLeaveHelper(void *arg) {
  PyGILState_STATE g = gil_enter();
  PyObject *s = PyUnicode_FromString("done");
  gil_leave(g);
  Py_XDECREF(s);
  // CHECK: :[[@LINE-1]]:3: warning: 'Py_XDECREF' needs the GIL, which is not held here [gil-not-held]
  // CHECK: :[[@LINE-3]]:3: note: the GIL is given back here by 'gil_leave'
  return NULL;
}

int start_workers(void) {
  pthread_t t;
  int rc = 0;
  rc |= pthread_create(&t, NULL, checkWorkerWithoutGil, NULL);
  rc |= pthread_create(&t, NULL, &checkWorkerAddressTaken, NULL);
  rc |= pthread_create(&t, NULL, checkWorkerEnsures, NULL);
  rc |= pthread_create(&t, NULL, checkWorkerGotoDone, NULL);
  rc |= pthread_create(&t, NULL, checkWorkerRawMemory, NULL);
  rc |= pthread_create(&t, NULL, checkWorkerThreadLock, NULL);
  rc |= pthread_create(&t, NULL, checkWorkerChecksFirst, NULL);
  rc |= pthread_create(&t, NULL, checkWorkerUsesAfterRelease, NULL);
  rc |= pthread_create(&t, NULL, checkWorkerEnsuresOnOneBranch, NULL);
  rc |= pthread_create(&t, NULL, checkWorkerSameFlagTwice, NULL);
  rc |= pthread_create(&t, NULL, checkWorkerCallsHelper, NULL);
  rc |= pthread_create(&t, NULL, checkWorkerCallsHelperWithGil, NULL);
  rc |= pthread_create(&t, NULL, checkWorkerCallsSelfLockingHelper, NULL);
  rc |= pthread_create(&t, NULL, checkWorkerEnterLeaveHelpers, NULL);
  rc |= pthread_create(&t, NULL, checkWorkerCallAfterLeaveHelper, NULL);
  return rc;
}

//===----------------------------------------------------------------------===//
// Methods of an extension module: called with the GIL held.
//===----------------------------------------------------------------------===//

static PyObject *checkApiInsideAllowThreads(PyObject *self, PyObject *arg) {
  long v;
  Py_BEGIN_ALLOW_THREADS
  v = PyLong_AsLong(arg);
  // CHECK: :[[@LINE-1]]:7: warning: 'PyLong_AsLong' needs the GIL, which is not held here [gil-not-held]
  // CHECK: :[[@LINE-3]]:3: note: the GIL is given up here by 'Py_BEGIN_ALLOW_THREADS'
  Py_END_ALLOW_THREADS
  return PyLong_FromLong(v + 1);
}

// Reported once for each place the GIL went away.
static PyObject *checkReportedOncePerRegion(PyObject *self, PyObject *arg) {
  Py_BEGIN_ALLOW_THREADS
  PyErr_Clear();
  // CHECK: :[[@LINE-1]]:3: warning: 'PyErr_Clear' needs the GIL, which is not held here [gil-not-held]
  // CHECK: :[[@LINE-3]]:3: note: the GIL is given up here by 'Py_BEGIN_ALLOW_THREADS'
  PyErr_Clear();
  Py_END_ALLOW_THREADS
  Py_BEGIN_ALLOW_THREADS
  PyErr_Clear();
  // CHECK: :[[@LINE-1]]:3: warning: 'PyErr_Clear' needs the GIL, which is not held here [gil-not-held]
  // CHECK: :[[@LINE-3]]:3: note: the GIL is given up here by 'Py_BEGIN_ALLOW_THREADS'
  Py_END_ALLOW_THREADS
  Py_RETURN_NONE;
}

static PyObject *checkDecrefInsideAllowThreads(PyObject *self, PyObject *arg) {
  PyObject *tmp = PyObject_Str(arg);
  if (tmp == NULL)
    return NULL;
  Py_BEGIN_ALLOW_THREADS
  usleep(10);
  Py_DECREF(tmp);
  // CHECK: :[[@LINE-1]]:3: warning: 'Py_DECREF' needs the GIL, which is not held here [gil-not-held]
  // CHECK: :[[@LINE-4]]:3: note: the GIL is given up here by 'Py_BEGIN_ALLOW_THREADS'
  Py_END_ALLOW_THREADS
  Py_RETURN_NONE;
}

static PyObject *checkReadInsideAllowThreads(PyObject *self, PyObject *arg) {
  char buf[256];
  ssize_t n;
  int fd = (int)PyLong_AsLong(arg);
  if (fd == -1 && PyErr_Occurred())
    return NULL;
  Py_BEGIN_ALLOW_THREADS
  n = read(fd, buf, sizeof buf);
  Py_END_ALLOW_THREADS
  if (n < 0)
    return PyErr_SetFromErrno(PyExc_OSError);
  return PyBytes_FromStringAndSize(buf, n);
}

static PyObject *checkMemcpyInsideAllowThreads(PyObject *self, PyObject *arg) {
  Py_buffer view;
  if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0)
    return NULL;
  char *copy = PyMem_Malloc(view.len);
  if (copy == NULL) {
    PyBuffer_Release(&view);
    return PyErr_NoMemory();
  }
  Py_BEGIN_ALLOW_THREADS
  memcpy(copy, view.buf, view.len);
  Py_END_ALLOW_THREADS
  PyObject *res = PyBytes_FromStringAndSize(copy, view.len);
  PyMem_Free(copy);
  PyBuffer_Release(&view);
  return res;
}

static PyObject *checkBlockThreadsBeforeError(PyObject *self, PyObject *arg) {
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

static PyObject *checkSignalsBetweenUnblocks(PyObject *self, PyObject *arg) {
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

static PyObject *checkLoopWithAllowThreads(PyObject *self, PyObject *list) {
  Py_ssize_t n = PyList_Size(list);
  for (Py_ssize_t i = 0; i < n; ++i) {
    Py_BEGIN_ALLOW_THREADS
    usleep(1);
    Py_END_ALLOW_THREADS
    if (PyList_GetItem(list, i) == NULL)
      return NULL;
  }
  Py_RETURN_NONE;
}

static PyObject *checkSaveThreadExplicit(PyObject *self, PyObject *arg) {
  PyThreadState *ts = PyEval_SaveThread();
  PyObject *r = PyObject_Repr(arg);
  // CHECK: :[[@LINE-1]]:17: warning: 'PyObject_Repr' needs the GIL, which is not held here [gil-not-held]
  // CHECK: :[[@LINE-3]]:23: note: the GIL is given up here by 'PyEval_SaveThread'
  PyEval_RestoreThread(ts);
  return r;
}

static PyObject *checkSaveRestoreExplicit(PyObject *self, PyObject *arg) {
  PyThreadState *ts = PyEval_SaveThread();
  sleep(1);
  PyEval_RestoreThread(ts);
  return PyObject_Repr(arg);
}

static PyObject *checkReleaseThread(PyObject *self, PyObject *arg) {
  PyThreadState *ts = PyThreadState_Get();
  PyEval_ReleaseThread(ts);
  PyObject *r = PyObject_Str(arg);
  // CHECK: :[[@LINE-1]]:17: warning: 'PyObject_Str' needs the GIL, which is not held here [gil-not-held]
  // CHECK: :[[@LINE-3]]:3: note: the GIL is given up here by 'PyEval_ReleaseThread'
  PyEval_AcquireThread(ts);
  return r;
}

static PyObject *checkReleaseAcquireThread(PyObject *self, PyObject *arg) {
  PyThreadState *ts = PyThreadState_Get();
  PyEval_ReleaseThread(ts);
  sleep(1);
  PyEval_AcquireThread(ts);
  return PyObject_Str(arg);
}

// A helper that gives up the GIL and hands back the saved state.
static PyThreadState *gil_drop(void) { return PyEval_SaveThread(); }

static PyObject *checkApiAfterDropHelper(PyObject *self, PyObject *arg) {
  PyThreadState *ts = gil_drop();
  PyObject *r = PyObject_Repr(arg);
  // CHECK: :[[@LINE-1]]:17: warning: 'PyObject_Repr' needs the GIL, which is not held here [gil-not-held]
  // CHECK: :[[@LINE-3]]:23: note: the GIL is given up here by 'gil_drop'
  PyEval_RestoreThread(ts);
  return r;
}

static int set_status(PyObject *self, const char *status) {
  return PyObject_SetAttrString(self, "status", Py_None);
}

static PyObject *checkHelperWithGilHeld(PyObject *self, PyObject *arg) {
  if (set_status(self, "called") < 0)
    return NULL;
  Py_RETURN_NONE;
}

static PyObject *checkHelperInsideAllowThreads(PyObject *self, PyObject *arg) {
  Py_BEGIN_ALLOW_THREADS
  set_status(self, "sleeping");
  // CHECK: :[[@LINE-1]]:3: warning: 'set_status' needs the GIL, which is not held here: it calls 'PyObject_SetAttrString' [gil-not-held]
  // CHECK: :[[@LINE-3]]:3: note: the GIL is given up here by 'Py_BEGIN_ALLOW_THREADS'
  // CHECK: :[[@LINE-14]]:10: note: 'PyObject_SetAttrString' is called here
  sleep(1);
  Py_END_ALLOW_THREADS
  Py_RETURN_NONE;
}

static PyObject *checkPureHelperInsideAllowThreads(PyObject *self,
                                                   PyObject *arg) {
  size_t n;
  Py_BEGIN_ALLOW_THREADS
  n = count_bytes("sleeping");
  Py_END_ALLOW_THREADS
  return PyLong_FromSize_t(n);
}

static PyMethodDef module_methods[] = {
    {"a", checkApiInsideAllowThreads, METH_O, NULL},
    {"b", checkReportedOncePerRegion, METH_O, NULL},
    {"c", checkDecrefInsideAllowThreads, METH_O, NULL},
    {"d", checkReadInsideAllowThreads, METH_O, NULL},
    {"e", checkMemcpyInsideAllowThreads, METH_O, NULL},
    {"f", checkBlockThreadsBeforeError, METH_NOARGS, NULL},
    {"g", checkSignalsBetweenUnblocks, METH_NOARGS, NULL},
    {"h", checkLoopWithAllowThreads, METH_O, NULL},
    {"i", checkSaveThreadExplicit, METH_O, NULL},
    {"j", checkSaveRestoreExplicit, METH_O, NULL},
    {"k", checkReleaseThread, METH_O, NULL},
    {"l", checkReleaseAcquireThread, METH_O, NULL},
    {"m", checkHelperWithGilHeld, METH_O, NULL},
    {"n", checkHelperInsideAllowThreads, METH_O, NULL},
    {"o", checkPureHelperInsideAllowThreads, METH_O, NULL},
    {"p", checkApiAfterDropHelper, METH_O, NULL},
    {NULL, NULL, 0, NULL}};

// Type slots and getters are called with the GIL held too.
typedef struct {
  PyObject_HEAD
  double value;
} Meter;

static PyObject *checkTypeSlotRepr(PyObject *self) {
  return PyUnicode_FromFormat("<Meter %d>", (int)((Meter *)self)->value);
}

static PyObject *checkGetSetGetter(PyObject *self, void *closure) {
  return PyFloat_FromDouble(((Meter *)self)->value);
}

static PyGetSetDef Meter_getset[] = {
    {"value", checkGetSetGetter, NULL, NULL, NULL}, {NULL}};

static PyTypeObject MeterType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "m.Meter",
    .tp_basicsize = sizeof(Meter),
    .tp_repr = checkTypeSlotRepr,
    .tp_getset = Meter_getset,
};

//===----------------------------------------------------------------------===//
// Callbacks annotated to run without the GIL (custody/annotations.h).
//===----------------------------------------------------------------------===//

typedef void (*frame_cb)(void *ctx, const unsigned char *data, size_t len)
    CUSTODY_RUNS_WITHOUT_GIL;
void camera_set_callback(frame_cb cb, void *ctx);

static void checkTypedefCallbackWithoutGil(void *ctx, const unsigned char *data,
                                           size_t len) {
  PyObject *b = PyBytes_FromStringAndSize((const char *)data, len);
  // CHECK: :[[@LINE-1]]:17: warning: 'PyBytes_FromStringAndSize' needs the GIL, which is not held here [gil-not-held]
  // CHECK: :[[@LINE-4]]:13: note: 'checkTypedefCallbackWithoutGil' is handed over as 'frame_cb', annotated to run without the GIL
  Py_XDECREF(b);
}

static void checkTypedefCallbackEnsures(void *ctx, const unsigned char *data,
                                        size_t len) {
  PyGILState_STATE g = PyGILState_Ensure();
  PyObject *b = PyBytes_FromStringAndSize((const char *)data, len);
  if (b == NULL) {
    PyErr_Clear();
    PyGILState_Release(g);
    return;
  }
  PyObject *r = PyObject_CallOneArg((PyObject *)ctx, b);
  Py_XDECREF(r);
  Py_DECREF(b);
  PyGILState_Release(g);
}

static void checkTypedefCallbackPureC(void *ctx, const unsigned char *data,
                                      size_t len) {
  memcpy(ctx, data, len);
}

static void checkAnnotatedFunction(void *ctx) CUSTODY_RUNS_WITHOUT_GIL;
static void checkAnnotatedFunction(void *ctx) {
  PyErr_SetString(PyExc_RuntimeError, "timer");
  // CHECK: :[[@LINE-1]]:3: warning: 'PyErr_SetString' needs the GIL, which is not held here [gil-not-held]
  // CHECK: :[[@LINE-3]]:13: note: 'checkAnnotatedFunction' is annotated to run without the GIL
}

// A callback type nothing is said of: its callers are unknown.
typedef void (*plain_cb)(void *ctx);
void timer_set_callback(plain_cb cb, void *ctx);

static void checkPlainCallbackCallsApi(void *ctx) { PyErr_Clear(); }

void install_callbacks(void *ctx) {
  camera_set_callback(checkTypedefCallbackWithoutGil, ctx);
  camera_set_callback(checkTypedefCallbackEnsures, ctx);
  camera_set_callback(checkTypedefCallbackPureC, ctx);
  timer_set_callback(checkPlainCallbackCallsApi, ctx);
  timer_set_callback(checkAnnotatedFunction, ctx);
}

//===----------------------------------------------------------------------===//
// Functions whose callers are unknown: only what is certain is reported.
//===----------------------------------------------------------------------===//

void checkUnknownContextCallsApi(PyObject *list) {
  PyObject *n = PyLong_FromLong(1);
  if (n == NULL)
    return;
  PyList_Append(list, n);
  Py_DECREF(n);
}

void checkUnknownContextAfterSave(PyObject *o) {
  PyThreadState *ts = PyEval_SaveThread();
  PyObject_Print(o, stdout, 0);
  // CHECK: :[[@LINE-1]]:3: warning: 'PyObject_Print' needs the GIL, which is not held here [gil-not-held]
  // CHECK: :[[@LINE-3]]:23: note: the GIL is given up here by 'PyEval_SaveThread'
  PyEval_RestoreThread(ts);
}

int checkUnknownContextAllowThreads(PyObject *o) {
  int truth;
  Py_BEGIN_ALLOW_THREADS
  truth = PyObject_IsTrue(o);
  // CHECK: :[[@LINE-1]]:11: warning: 'PyObject_IsTrue' needs the GIL, which is not held here [gil-not-held]
  // CHECK: :[[@LINE-3]]:3: note: the GIL is given up here by 'Py_BEGIN_ALLOW_THREADS'
  Py_END_ALLOW_THREADS
  return truth;
}

void checkUnknownContextNestedEnsure(void) {
  PyGILState_STATE outer = PyGILState_Ensure();
  PyGILState_STATE inner = PyGILState_Ensure();
  PyRun_SimpleString("x = 1");
  PyGILState_Release(inner);
  PyRun_SimpleString("y = 2");
  PyGILState_Release(outer);
}

// Back to what the caller had, which is unknown.
void checkUnknownContextAfterEnsureRelease(void) {
  PyGILState_STATE g = PyGILState_Ensure();
  PyRun_SimpleString("x = 1");
  PyGILState_Release(g);
  PyRun_SimpleString("y = 2");
}

void checkUnknownContextCallsHelper(void) { log_to_python("unknown"); }

int checkEmbedderMain(void) {
  Py_Initialize();
  PyRun_SimpleString("import sys");
  return Py_FinalizeEx();
}

int checkEmbedderConfigBeforeInit(int argc, char **argv) {
  PyConfig config;
  PyConfig_InitPythonConfig(&config);
  PyStatus st = PyConfig_SetBytesArgv(&config, argc, argv);
  if (PyStatus_Exception(st)) {
    PyConfig_Clear(&config);
    return 1;
  }
  Py_Initialize();
  PyConfig_Clear(&config);
  PyRun_SimpleString("import sys");
  return Py_FinalizeEx();
}

// PyGILState_Check tells each branch whether the GIL is held.
static void okBranchOnGILStateCheck(void) {
  if (PyGILState_Check())
    PyErr_Clear();
}

static void checkCallWhereGILStateCheckFailed(void) {
  if (!PyGILState_Check())
    PyErr_Clear();
  // CHECK: :[[@LINE-1]]:5: warning: 'PyErr_Clear' needs the GIL, which is not held here [gil-not-held]
  // CHECK: :[[@LINE-3]]:8: note: 'PyGILState_Check' says the GIL is not held here
}
