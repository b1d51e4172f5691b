// C++: an RAII guard that takes the GIL in its constructor and gives it back
// in its destructor, a scoped release, and JNI entry points written in C++.
// RUN: not %custody %s -- %cxxflags | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- %cxxflags | FileCheck %s --implicit-check-not=warning:

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <algorithm>
#include <jni.h>
#include <pthread.h>
#include <string>
#include <vector>

class GilGuard {
public:
  GilGuard() : state_(PyGILState_Ensure()) {}
  ~GilGuard() { PyGILState_Release(state_); }
  GilGuard(const GilGuard &) = delete;
  GilGuard &operator=(const GilGuard &) = delete;

private:
  PyGILState_STATE state_;
};

class GilRelease {
public:
  GilRelease() : save_(PyEval_SaveThread()) {}
  ~GilRelease() { PyEval_RestoreThread(save_); }
  GilRelease(const GilRelease &) = delete;
  GilRelease &operator=(const GilRelease &) = delete;

private:
  PyThreadState *save_;
};

// A guard whose members are defined in another file: what it does is not
// known here.
class PyLock {
public:
  PyLock();
  ~PyLock();
  PyLock(const PyLock &) = delete;
  PyLock &operator=(const PyLock &) = delete;

private:
  PyGILState_STATE state_;
};

// Callers unknown: the guard is enough either way.
int checkGuardInUnknownContext(const char *code) {
  GilGuard gil;
  return PyRun_SimpleString(code);
}

int checkGuardEarlyReturnInUnknownContext(const char *name) {
  GilGuard gil;
  PyObject *m = PyImport_ImportModule(name);
  if (!m)
    return -1;
  Py_DECREF(m);
  return 0;
}

std::string checkGuardAroundConversion(PyObject *o) {
  GilGuard gil;
  PyObject *s = PyObject_Str(o);
  if (!s)
    return std::string();
  std::string out(PyUnicode_AsUTF8(s));
  Py_DECREF(s);
  return out;
}

static void *checkWorkerWithoutGuard(void *) {
  PyRun_SimpleString("pass");
  // CHECK: :[[@LINE-1]]:3: warning: 'PyRun_SimpleString' needs the GIL, which is not held here [gil-not-held]
  // CHECK: :[[@LINE-3]]:14: note: 'checkWorkerWithoutGuard' is handed over as 'pthread_create:2', which a contract says runs without the GIL
  return nullptr;
}

static void *checkWorkerExplicitEnsure(void *) {
  PyGILState_STATE g = PyGILState_Ensure();
  PyObject *m = PyImport_ImportModule("json");
  if (!m) {
    PyErr_Print();
    PyGILState_Release(g);
    return nullptr;
  }
  Py_DECREF(m);
  PyGILState_Release(g);
  return nullptr;
}

// The guard's constructor takes the GIL, its destructor gives it back.
static void *checkWorkerWithGuard(void *) {
  GilGuard gil;
  PyRun_SimpleString("pass");
  return nullptr;
}

static void *checkWorkerGuardEarlyReturn(void *arg) {
  GilGuard gil;
  PyObject *m = PyImport_ImportModule("json");
  if (!m)
    return nullptr;
  Py_DECREF(m);
  return arg;
}

static void *checkWorkerGuardInnerScope(void *arg) {
  long n = 0;
  {
    GilGuard gil;
    n = PyLong_AsLong(static_cast<PyObject *>(arg));
  }
  return reinterpret_cast<void *>(n);
}

int start_workers() {
  pthread_t t;
  int rc = pthread_create(&t, nullptr, checkWorkerWithoutGuard, nullptr);
  rc |= pthread_create(&t, nullptr, checkWorkerExplicitEnsure, nullptr);
  rc |= pthread_create(&t, nullptr, checkWorkerWithGuard, nullptr);
  rc |= pthread_create(&t, nullptr, checkWorkerGuardEarlyReturn, nullptr);
  rc |= pthread_create(&t, nullptr, checkWorkerGuardInnerScope, nullptr);
  return rc;
}

// Methods of an extension module.
static PyObject *checkScopedReleaseAroundSort(PyObject *self, PyObject *arg) {
  std::vector<double> v(1000, 1.0);
  {
    GilRelease nogil;
    std::sort(v.begin(), v.end());
  }
  return PyFloat_FromDouble(v.front());
}

static PyObject *checkAllowThreadsAroundStdString(PyObject *self,
                                                  PyObject *arg) {
  size_t n;
  Py_BEGIN_ALLOW_THREADS
  std::string s(4096, 'x');
  n = s.find('y');
  Py_END_ALLOW_THREADS
  return PyLong_FromSize_t(n);
}

static PyObject *checkApiInsideAllowThreads(PyObject *self, PyObject *arg) {
  Py_ssize_t n;
  Py_BEGIN_ALLOW_THREADS
  n = PyObject_Length(arg);
  // CHECK: :[[@LINE-1]]:7: warning: 'PyObject_Length' needs the GIL, which is not held here [gil-not-held]
  // CHECK: :[[@LINE-3]]:3: note: the GIL is given up here by 'Py_BEGIN_ALLOW_THREADS'
  Py_END_ALLOW_THREADS
  return PyLong_FromSsize_t(n);
}

static PyObject *checkApiInsideScopedRelease(PyObject *self, PyObject *arg) {
  GilRelease nogil;
  PyErr_Clear();
  // CHECK: :[[@LINE-1]]:3: warning: 'PyErr_Clear' needs the GIL, which is not held here [gil-not-held]
  // CHECK: :[[@LINE-3]]:14: note: the GIL is given up here by 'GilRelease'
  Py_RETURN_NONE;
}

// The GIL is back when the scope of each iteration's release closes.
static PyObject *checkScopedReleaseInLoop(PyObject *self, PyObject *list) {
  Py_ssize_t n = PyList_Size(list);
  for (Py_ssize_t i = 0; i < n; ++i) {
    std::vector<double> v(100, static_cast<double>(i));
    {
      GilRelease nogil;
      std::sort(v.begin(), v.end());
    }
    PyObject *f = PyFloat_FromDouble(v.back());
    if (!f || PyList_SetItem(list, i, f) < 0)
      return nullptr;
  }
  Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"a", checkScopedReleaseAroundSort, METH_O, nullptr},
    {"b", checkAllowThreadsAroundStdString, METH_O, nullptr},
    {"c", checkApiInsideAllowThreads, METH_O, nullptr},
    {"d", checkApiInsideScopedRelease, METH_O, nullptr},
    {"e", checkScopedReleaseInLoop, METH_O, nullptr},
    {nullptr, nullptr, 0, nullptr}};

// A class whose members call Python: their callers are unknown.
class Interpreter {
public:
  int run(const char *code) {
    PyGILState_STATE g = PyGILState_Ensure();
    int rc = PyRun_SimpleString(code);
    PyGILState_Release(g);
    return rc;
  }
  int runLeavingGil(const char *code) {
    PyGILState_STATE g = PyGILState_Ensure();
    if (!code)
      return -1;
      // CHECK: :[[@LINE-1]]:7: warning: the GIL taken by 'PyGILState_Ensure' is not given back on this path [gil-unbalanced]
      // CHECK: :[[@LINE-4]]:26: note: the GIL is taken here by 'PyGILState_Ensure'
      // CHECK: :[[@LINE-4]]:9: note: assuming '!code' is true
    int rc = PyRun_SimpleString(code);
    PyGILState_Release(g);
    return rc;
  }
  void flushWithoutGil(PyObject *stream) {
    PyThreadState *ts = PyEval_SaveThread();
    PyObject *r = PyObject_CallMethod(stream, "flush", nullptr);
    // CHECK: :[[@LINE-1]]:19: warning: 'PyObject_CallMethod' needs the GIL, which is not held here [gil-not-held]
    // CHECK: :[[@LINE-3]]:25: note: the GIL is given up here by 'PyEval_SaveThread'
    PyEval_RestoreThread(ts);
    Py_XDECREF(r);
  }
};

// JNI entry points written in C++ (env->F(...)).
extern "C" JNIEXPORT jint JNICALL
Java_org_example_Cxx_eval(JNIEnv *env, jclass, jstring code) {
  const char *src = env->GetStringUTFChars(code, nullptr);
  if (!src)
    return -1;
  PyGILState_STATE g = PyGILState_Ensure();
  int rc = PyRun_SimpleString(src);
  PyGILState_Release(g);
  env->ReleaseStringUTFChars(code, src);
  return rc;
}

extern "C" JNIEXPORT jint JNICALL
Java_org_example_Cxx_evalNoGil(JNIEnv *env, jclass, jstring code) {
  const char *src = env->GetStringUTFChars(code, nullptr);
  if (!src)
    return -1;
  int rc = PyRun_SimpleString(src);
  // CHECK: :[[@LINE-1]]:12: warning: 'PyRun_SimpleString' needs the GIL, which is not held here [gil-not-held]
  // CHECK: :[[@LINE-6]]:1: note: 'Java_org_example_Cxx_evalNoGil' is called by the JVM (an entry point in its contract), without the GIL
  env->ReleaseStringUTFChars(code, src);
  return rc;
}

extern "C" JNIEXPORT jint JNICALL
Java_org_example_Cxx_evalGuarded(JNIEnv *env, jclass, jstring code) {
  const char *src = env->GetStringUTFChars(code, nullptr);
  if (!src)
    return -1;
  int rc;
  {
    GilGuard gil;
    rc = PyRun_SimpleString(src);
    if (rc != 0)
      PyErr_Clear();
  }
  env->ReleaseStringUTFChars(code, src);
  return rc;
}

extern "C" JNIEXPORT void JNICALL
Java_org_example_Cxx_dropAfterGuard(JNIEnv *env, jclass, jlong v) {
  PyObject *n;
  {
    GilGuard gil;
    n = PyLong_FromLongLong(v);
  }
  Py_XDECREF(n);
  // CHECK: :[[@LINE-1]]:3: warning: 'Py_XDECREF' needs the GIL, which is not held here [gil-not-held]
  // CHECK: :[[@LINE-3]]:3: note: the GIL is given back here by '~GilGuard'
}

// What PyLock's constructor does is unknown: nothing is reported after it.
extern "C" JNIEXPORT jint JNICALL
Java_org_example_Cxx_evalOtherFileGuard(JNIEnv *env, jclass, jlong v) {
  PyLock lock;
  PyObject *n = PyLong_FromLongLong(v);
  if (!n)
    return -1;
  Py_DECREF(n);
  return 0;
}
