// A user contract names the project's callbacks that run without the GIL (a
// function pointer typedef, a function, an argument of a call) and says what
// its own functions need: 'lock:' in a contract given with --contracts.
// RUN: not %custody --contracts %S/Inputs/gil-user.yaml %s -- %cflags | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -config="{CheckOptions: {CustodyContracts: '%S/Inputs/gil-user.yaml'}}" -- %cflags | FileCheck %s --implicit-check-not=warning:
// Without it, nothing says these callbacks run without the GIL.
// RUN: %custody %s -- %cflags | count 0

#define PY_SSIZE_T_CLEAN
#include <Python.h>

typedef void (*sensor_cb_t)(void *user, double value);
typedef void (*sensor_log_t)(void *user, const char *line);
void sensor_subscribe(sensor_cb_t cb, void *user);
void sensor_set_logger(sensor_log_t log, void *user);
void sensor_spawn(void (*fn)(void *), void *user);

// Defined in other files; the contract says what they do.
void app_notify_python(double value);
PyGILState_STATE app_gil_enter(void);
void app_gil_leave(PyGILState_STATE g);

static void checkCallbackTypedefWithoutGil(void *user, double value) {
  PyObject *f = PyFloat_FromDouble(value);
  // CHECK: :[[@LINE-1]]:17: warning: 'PyFloat_FromDouble' needs the GIL, which is not held here [gil-not-held]
  // CHECK: :[[@LINE-3]]:13: note: 'checkCallbackTypedefWithoutGil' is handed over as 'sensor_cb_t', which a contract says runs without the GIL
  Py_XDECREF(f);
}

static void checkCallbackTypedefEnsures(void *user, double value) {
  PyGILState_STATE g = PyGILState_Ensure();
  PyObject *f = PyFloat_FromDouble(value);
  Py_XDECREF(f);
  PyGILState_Release(g);
}

static void checkContractNeedsWithoutGil(void *user, double value) {
  app_notify_python(value);
  // CHECK: :[[@LINE-1]]:3: warning: 'app_notify_python' needs the GIL, which is not held here [gil-not-held]
  // CHECK: :[[@LINE-3]]:13: note: 'checkContractNeedsWithoutGil' is handed over as 'sensor_cb_t', which a contract says runs without the GIL
}

static void checkContractEnsureWrappers(void *user, double value) {
  PyGILState_STATE g = app_gil_enter();
  app_notify_python(value);
  app_gil_leave(g);
}

static void checkContractEnsureNotReleased(void *user, double value) {
  PyGILState_STATE g = app_gil_enter();
  if (value < 0)
    return;
    // CHECK: :[[@LINE-1]]:5: warning: the GIL taken by 'app_gil_enter' is not given back on this path [gil-unbalanced]
    // CHECK: :[[@LINE-4]]:24: note: the GIL is taken here by 'app_gil_enter'
    // CHECK: :[[@LINE-4]]:7: note: assuming 'value < 0' is true
  app_notify_python(value);
  app_gil_leave(g);
}

// sensor_log_t is not named: its callers are unknown.
static void checkCallbackOfOtherTypedef(void *user, const char *line) {
  PySys_WriteStderr("%s\n", line);
}

void sensor_on_shutdown(void *user) {
  PyErr_WarnEx(PyExc_RuntimeWarning, "sensor stopped", 1);
  // CHECK: :[[@LINE-1]]:3: warning: 'PyErr_WarnEx' needs the GIL, which is not held here [gil-not-held]
  // CHECK: :[[@LINE-3]]:6: note: a contract says 'sensor_on_shutdown' runs without the GIL
}

static void checkCallbackArgumentWithoutGil(void *user) {
  PyRun_SimpleString("pass");
  // CHECK: :[[@LINE-1]]:3: warning: 'PyRun_SimpleString' needs the GIL, which is not held here [gil-not-held]
  // CHECK: :[[@LINE-3]]:13: note: 'checkCallbackArgumentWithoutGil' is handed over as 'sensor_spawn:0', which a contract says runs without the GIL
}

void install(void *user) {
  sensor_subscribe(checkCallbackTypedefWithoutGil, user);
  sensor_subscribe(checkCallbackTypedefEnsures, user);
  sensor_subscribe(checkContractNeedsWithoutGil, user);
  sensor_subscribe(checkContractEnsureWrappers, user);
  sensor_subscribe(checkContractEnsureNotReleased, user);
  sensor_set_logger(checkCallbackOfOtherTypedef, user);
  sensor_spawn(checkCallbackArgumentWithoutGil, user);
}

// A method of the module: the GIL is held.
static PyObject *checkContractNeedsWithGil(PyObject *self, PyObject *arg) {
  app_notify_python(1.0);
  Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"poll", checkContractNeedsWithGil, METH_NOARGS, NULL}, {NULL}};
