// A JNI library that embeds CPython: JNI_OnLoad starts the interpreter and
// gives up the GIL, each native method takes it around its Python calls, and
// a callback of a C SDK runs on the SDK's own thread. Entry points of the JVM
// are called without the GIL.
// RUN: not %custody %s -- %cflags -I%src/contracts/annotations | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- %cflags -I%src/contracts/annotations | FileCheck %s --implicit-check-not=warning:

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <custody/annotations.h>
#include <jni.h>
#include <signal.h>
#include <string.h>

// The C SDK calls its listeners on its own thread.
typedef void (*sdk_listener)(void *user, const char *event, int code)
    CUSTODY_RUNS_WITHOUT_GIL;
int sdk_add_listener(sdk_listener fn, void *user);
// The same said of a function type.
typedef void sdk_idle_fn(void *user) CUSTODY_RUNS_WITHOUT_GIL;
int sdk_on_idle(sdk_idle_fn *fn, void *user);

static PyThreadState *main_state;
static PyObject *handler_module;

//===----------------------------------------------------------------------===//
// Loading and unloading
//===----------------------------------------------------------------------===//

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved) {
  Py_Initialize();
  handler_module = PyImport_ImportModule("handler");
  if (handler_module == NULL)
    PyErr_Print();
  main_state = PyEval_SaveThread();
  return JNI_VERSION_1_8;
}

JNIEXPORT void JNICALL JNI_OnUnload(JavaVM *vm, void *reserved) {
  PyEval_RestoreThread(main_state);
  Py_CLEAR(handler_module);
  Py_FinalizeEx();
}

//===----------------------------------------------------------------------===//
// Native methods
//===----------------------------------------------------------------------===//

JNIEXPORT jint JNICALL Java_org_example_PyBridge_eval(JNIEnv *env, jclass cls,
                                                      jstring code) {
  const char *src = (*env)->GetStringUTFChars(env, code, NULL);
  if (src == NULL)
    return -1;
  PyGILState_STATE g = PyGILState_Ensure();
  int rc = PyRun_SimpleString(src);
  PyGILState_Release(g);
  (*env)->ReleaseStringUTFChars(env, code, src);
  return rc;
}

JNIEXPORT jint JNICALL Java_org_example_PyBridge_evalNoGil(JNIEnv *env,
                                                           jclass cls,
                                                           jstring code) {
  const char *src = (*env)->GetStringUTFChars(env, code, NULL);
  if (src == NULL)
    return -1;
  int rc = PyRun_SimpleString(src);
  // CHECK: :[[@LINE-1]]:12: warning: 'PyRun_SimpleString' needs the GIL, which is not held here [gil-not-held]
  // CHECK: :[[@LINE-8]]:24: note: 'Java_org_example_PyBridge_evalNoGil' is called by the JVM (an entry point in its contract), without the GIL
  (*env)->ReleaseStringUTFChars(env, code, src);
  return rc;
}

JNIEXPORT jstring JNICALL Java_org_example_PyBridge_call(JNIEnv *env,
                                                         jclass cls,
                                                         jstring name,
                                                         jlong arg) {
  jstring result = NULL;
  const char *fn = (*env)->GetStringUTFChars(env, name, NULL);
  if (fn == NULL)
    return NULL;
  PyGILState_STATE g = PyGILState_Ensure();
  PyObject *func = NULL, *res = NULL, *text = NULL;
  func = PyObject_GetAttrString(handler_module, fn);
  if (func == NULL)
    goto done;
  res = PyObject_CallFunction(func, "L", (long long)arg);
  if (res == NULL)
    goto done;
  text = PyObject_Str(res);
  if (text == NULL)
    goto done;
  const char *utf8 = PyUnicode_AsUTF8(text);
  if (utf8 != NULL)
    result = (*env)->NewStringUTF(env, utf8);
done:
  if (PyErr_Occurred())
    PyErr_Print();
  Py_XDECREF(text);
  Py_XDECREF(res);
  Py_XDECREF(func);
  PyGILState_Release(g);
  (*env)->ReleaseStringUTFChars(env, name, fn);
  return result;
}

JNIEXPORT jint JNICALL Java_org_example_PyBridge_callKeepsGil(JNIEnv *env,
                                                              jclass cls,
                                                              jlong arg) {
  PyGILState_STATE g = PyGILState_Ensure();
  PyObject *res = PyObject_CallMethod(handler_module, "run", "L", (long long)arg);
  if (res == NULL) {
    PyErr_Print();
    return -1;
    // CHECK: :[[@LINE-1]]:5: warning: the GIL taken by 'PyGILState_Ensure' is not given back on this path [gil-unbalanced]
    // CHECK: :[[@LINE-6]]:24: note: the GIL is taken here by 'PyGILState_Ensure'
    // CHECK: :[[@LINE-6]]:19: note: assuming 'PyObject_CallMethod' fails (returns null)
  }
  long v = PyLong_AsLong(res);
  Py_DECREF(res);
  PyGILState_Release(g);
  return (jint)v;
}

JNIEXPORT void JNICALL Java_org_example_PyBridge_dropAfterRelease(JNIEnv *env,
                                                                  jclass cls) {
  PyGILState_STATE g = PyGILState_Ensure();
  PyObject *state = PyObject_GetAttrString(handler_module, "state");
  PyGILState_Release(g);
  Py_XDECREF(state);
  // CHECK: :[[@LINE-1]]:3: warning: 'Py_XDECREF' needs the GIL, which is not held here [gil-not-held]
  // CHECK: :[[@LINE-3]]:3: note: the GIL is given back here by 'PyGILState_Release'
}

JNIEXPORT jint JNICALL Java_org_example_PyBridge_gilTwice(JNIEnv *env,
                                                          jclass cls) {
  PyGILState_STATE g = PyGILState_Ensure();
  int rc = PyRun_SimpleString("handler.flush()");
  PyGILState_Release(g);
  PyGILState_Release(g);
  // CHECK: :[[@LINE-1]]:3: warning: 'g' is released by 'PyGILState_Release' after it was already released by 'PyGILState_Release' [gil-unbalanced]
  // CHECK: :[[@LINE-5]]:24: note: the GIL is taken here by 'PyGILState_Ensure'
  // CHECK: :[[@LINE-4]]:3: note: first released here
  return rc;
}

// Pure C work between two Python calls: the GIL is given up meanwhile.
JNIEXPORT jint JNICALL Java_org_example_PyBridge_copyBuffer(JNIEnv *env,
                                                            jclass cls,
                                                            jbyteArray arr) {
  jsize len = (*env)->GetArrayLength(env, arr);
  jbyte *bytes = (*env)->GetByteArrayElements(env, arr, NULL);
  if (bytes == NULL)
    return -1;
  PyGILState_STATE g = PyGILState_Ensure();
  PyObject *buf = PyByteArray_FromStringAndSize(NULL, len);
  if (buf == NULL) {
    PyErr_Clear();
    PyGILState_Release(g);
    (*env)->ReleaseByteArrayElements(env, arr, bytes, JNI_ABORT);
    return -1;
  }
  char *dst = PyByteArray_AsString(buf);
  Py_BEGIN_ALLOW_THREADS
  memcpy(dst, bytes, len);
  Py_END_ALLOW_THREADS
  PyObject *r = PyObject_CallMethod(handler_module, "feed", "O", buf);
  Py_XDECREF(r);
  Py_DECREF(buf);
  PyGILState_Release(g);
  (*env)->ReleaseByteArrayElements(env, arr, bytes, JNI_ABORT);
  return 0;
}

// Raw memory and the interpreter's state can be looked at without the GIL.
JNIEXPORT jboolean JNICALL Java_org_example_PyBridge_ready(JNIEnv *env,
                                                           jclass cls) {
  char *scratch = PyMem_RawMalloc(16);
  if (scratch == NULL)
    return JNI_FALSE;
  PyMem_RawFree(scratch);
  return Py_IsInitialized() && !PyGILState_Check() ? JNI_TRUE : JNI_FALSE;
}

// A helper that needs its caller to hold the GIL.
static int set_option(const char *key, long value) {
  PyObject *v = PyLong_FromLong(value);
  if (v == NULL)
    return -1;
  int rc = PyObject_SetAttrString(handler_module, key, v);
  Py_DECREF(v);
  return rc;
}

JNIEXPORT jint JNICALL Java_org_example_PyBridge_setTimeout(JNIEnv *env,
                                                            jclass cls,
                                                            jlong ms) {
  return set_option("timeout", (long)ms);
  // CHECK: :[[@LINE-1]]:10: warning: 'set_option' needs the GIL, which is not held here: it calls 'PyLong_FromLong' [gil-not-held]
  // CHECK: :[[@LINE-5]]:24: note: 'Java_org_example_PyBridge_setTimeout' is called by the JVM (an entry point in its contract), without the GIL
  // CHECK: :[[@LINE-14]]:17: note: 'PyLong_FromLong' is called here
}

JNIEXPORT jint JNICALL Java_org_example_PyBridge_setLimit(JNIEnv *env,
                                                          jclass cls,
                                                          jlong limit) {
  PyGILState_STATE g = PyGILState_Ensure();
  int rc = set_option("limit", (long)limit);
  if (rc < 0)
    PyErr_Clear();
  PyGILState_Release(g);
  return rc;
}

// Helpers that take and give back the GIL, with the state in a global.
static PyGILState_STATE gil_state;
static void take_gil(void) { gil_state = PyGILState_Ensure(); }
static void give_gil(void) { PyGILState_Release(gil_state); }

JNIEXPORT jint JNICALL Java_org_example_PyBridge_flush(JNIEnv *env,
                                                       jclass cls) {
  take_gil();
  PyObject *r = PyObject_CallMethod(handler_module, "flush", NULL);
  if (r == NULL)
    PyErr_Clear();
  Py_XDECREF(r);
  give_gil();
  return 0;
}

JNIEXPORT jint JNICALL Java_org_example_PyBridge_resetAfterGive(JNIEnv *env,
                                                                jclass cls) {
  take_gil();
  PyObject *r = PyObject_CallMethod(handler_module, "reset", NULL);
  give_gil();
  Py_XDECREF(r);
  // CHECK: :[[@LINE-1]]:3: warning: 'Py_XDECREF' needs the GIL, which is not held here [gil-not-held]
  // CHECK: :[[@LINE-3]]:3: note: the GIL is given back here by 'give_gil'
  return 0;
}

// Registered with RegisterNatives: called by the JVM like Java_ functions.
static jint nativeEvalNoGil(JNIEnv *env, jobject self, jstring code) {
  const char *src = (*env)->GetStringUTFChars(env, code, NULL);
  if (src == NULL)
    return -1;
  int rc = PyRun_SimpleString(src);
  // CHECK: :[[@LINE-1]]:12: warning: 'PyRun_SimpleString' needs the GIL, which is not held here [gil-not-held]
  // CHECK: :[[@LINE-6]]:13: note: 'nativeEvalNoGil' is called by the JVM (an entry point in its contract), without the GIL
  (*env)->ReleaseStringUTFChars(env, code, src);
  return rc;
}

static jint nativeEval(JNIEnv *env, jobject self, jstring code) {
  const char *src = (*env)->GetStringUTFChars(env, code, NULL);
  if (src == NULL)
    return -1;
  PyGILState_STATE g = PyGILState_Ensure();
  int rc = PyRun_SimpleString(src);
  PyGILState_Release(g);
  (*env)->ReleaseStringUTFChars(env, code, src);
  return rc;
}

static const JNINativeMethod natives[] = {
    {"evalNoGil", "(Ljava/lang/String;)I", (void *)nativeEvalNoGil},
    {"eval2", "(Ljava/lang/String;)I", (void *)nativeEval},
};

jint register_natives(JNIEnv *env, jclass cls) {
  return (*env)->RegisterNatives(env, cls, natives, 2);
}

//===----------------------------------------------------------------------===//
// Listeners of the C SDK: called on its thread, without the GIL.
//===----------------------------------------------------------------------===//

static void onSdkEvent(void *user, const char *event, int code) {
  PyGILState_STATE g = PyGILState_Ensure();
  PyObject *r = PyObject_CallMethod(handler_module, "on_event", "si", event, code);
  if (r == NULL)
    PyErr_Print();
  Py_XDECREF(r);
  PyGILState_Release(g);
}

static void onSdkEventNoGil(void *user, const char *event, int code) {
  PyObject *r = PyObject_CallMethod(handler_module, "on_event", "si", event, code);
  // CHECK: :[[@LINE-1]]:17: warning: 'PyObject_CallMethod' needs the GIL, which is not held here [gil-not-held]
  // CHECK: :[[@LINE-3]]:13: note: 'onSdkEventNoGil' is handed over as 'sdk_listener', annotated to run without the GIL
  Py_XDECREF(r);
}

static void onSdkEventCountOnly(void *user, const char *event, int code) {
  if (strcmp(event, "tick") == 0)
    ++*(long *)user;
}

static void onSdkIdleNoGil(void *user) {
  if (PyErr_CheckSignals() < 0)
    PyErr_Clear();
  // CHECK: :[[@LINE-2]]:7: warning: 'PyErr_CheckSignals' needs the GIL, which is not held here [gil-not-held]
  // CHECK: :[[@LINE-4]]:13: note: 'onSdkIdleNoGil' is handed over as 'sdk_idle_fn', annotated to run without the GIL
}

static void onSdkIdle(void *user) {
  PyGILState_STATE g = PyGILState_Ensure();
  if (PyErr_CheckSignals() < 0)
    PyErr_Clear();
  PyGILState_Release(g);
}

// A Java thread asks a running script to stop: these need no GIL.
static int stop_pending(void *arg) {
  PyErr_SetString(PyExc_KeyboardInterrupt, "stopped");
  return -1;
}

JNIEXPORT jint JNICALL Java_org_example_PyBridge_interrupt(JNIEnv *env,
                                                           jclass cls) {
  if (!Py_IsInitialized() || PyGILState_Check())
    return -1;
  char *note = PyMem_RawMalloc(32);
  if (note != NULL)
    PyMem_RawFree(note);
  if (PyErr_SetInterruptEx(SIGINT) != 0)
    return -1;
  return Py_AddPendingCall(stop_pending, NULL);
}

JNIEXPORT jint JNICALL Java_org_example_PyBridge_listen(JNIEnv *env,
                                                        jclass cls) {
  static long ticks;
  int rc = sdk_add_listener(onSdkEvent, NULL);
  rc |= sdk_add_listener(onSdkEventNoGil, NULL);
  rc |= sdk_add_listener(onSdkEventCountOnly, &ticks);
  rc |= sdk_on_idle(onSdkIdleNoGil, NULL);
  rc |= sdk_on_idle(onSdkIdle, NULL);
  return rc;
}
