// RUN: not %custody --contracts %S/Inputs/tmpl.yaml %s -- -I%S/Inputs %cflags | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -config="{CheckOptions: {CustodyContracts: '%S/Inputs/tmpl.yaml'}}" -- -I%S/Inputs %cflags | FileCheck %s --implicit-check-not=warning:

// Shapes of helpers whose summaries act as their contracts.
#include <Python.h>
#include <jni.h>
#include "tmpl.h"

// An out-parameter handed straight to the SDK, its status returned.
static int load(fp_ctx *ctx, const char *buf, fp_template **out) {
  return fp_template_load(ctx, buf, out);
}

int load_leaks(fp_ctx *ctx) {
  fp_template *t;
  if (load(ctx, "x", &t) != 0)
    return -1;
  return 0;
  // CHECK: summaries.c:[[@LINE-1]]:3: warning: 't' (fingerprint template from 'load') is not released on this path [contract-resource-leak]
}

int load_ok(fp_ctx *ctx) {
  fp_template *t;
  if (load(ctx, "x", &t) != 0)
    return -1; // Nothing was loaded.
  fp_template_free(t);
  return 0;
}

// '?:' picks one new reference or the other.
static PyObject *pick(int c) { return c ? PyLong_FromLong(1) : PyList_New(0); }

int pick_leaks(int c) {
  PyObject *o = pick(c);
  if (!o)
    return -1;
  return 0;
  // CHECK: summaries.c:[[@LINE-1]]:3: warning: 'o' (Python reference from 'pick') is not released on this path [cpython-missing-decref]
}

int pick_ok(int c) {
  PyObject *o = c ? PyLong_FromLong(1) : PyList_New(0);
  if (!o)
    return -1;
  Py_DECREF(o);
  return 0;
}

// A helper that leaves a JNI exception pending for its caller.
static jobject call_name(JNIEnv *env, jobject o, jmethodID m) {
  return (*env)->CallObjectMethod(env, o, m);
}

void name_unchecked(JNIEnv *env, jobject o, jmethodID m, jclass c,
                    jmethodID sm) {
  jobject n = call_name(env, o, m);
  (*env)->CallStaticVoidMethod(env, c, sm, n);
  // CHECK: summaries.c:[[@LINE-1]]:3: warning: 'CallStaticVoidMethod' is called while an exception from 'call_name' may be pending; check for it (ExceptionCheck) first [jni-exception-pending]
  // CHECK: summaries.c:[[@LINE-3]]:15: note: 'call_name' may leave an exception pending here
}

void name_checked(JNIEnv *env, jobject o, jmethodID m, jclass c,
                  jmethodID sm) {
  jobject n = call_name(env, o, m);
  if (!n)
    return;
  (*env)->CallStaticVoidMethod(env, c, sm, n);
  (*env)->DeleteLocalRef(env, n);
}

// A helper that checks and clears: nothing pending after it.
static jobject call_checked(JNIEnv *env, jobject o, jmethodID m) {
  jobject r = (*env)->CallObjectMethod(env, o, m);
  if ((*env)->ExceptionCheck(env)) {
    (*env)->ExceptionClear(env);
    return NULL;
  }
  return r;
}

void checked_helper(JNIEnv *env, jobject o, jmethodID m, jclass c,
                    jmethodID sm) {
  jobject n = call_checked(env, o, m);
  (*env)->CallStaticVoidMethod(env, c, sm, n);
}

// A Python object handed to Java as a jlong: the Java object owns the
// reference the INCREF after the call gives it.
static jobject wrap(JNIEnv *env, jclass c, jmethodID init, jlong ptr) {
  return (*env)->NewObject(env, c, init, ptr);
}

jobject as_java(JNIEnv *env, jclass c, jmethodID init, PyObject *o) {
  jobject j = wrap(env, c, init, (jlong)o);
  if (!j)
    return NULL;
  Py_INCREF(o);
  return j;
}

// A helper that takes the GIL itself and gives it back runs without it.
static PyThreadState *main_state;

static void import_shared(const char *name) {
  PyEval_AcquireThread(main_state);
  PyObject *m = PyImport_ImportModule(name);
  Py_XDECREF(m);
  PyEval_ReleaseThread(main_state);
}

void import_without_gil(void) {
  Py_BEGIN_ALLOW_THREADS
  import_shared("json");
  Py_END_ALLOW_THREADS
}

// '*state' read and written: not an out-parameter acquiring a saved state.
static int run_locked(PyThreadState **state) {
  PyEval_RestoreThread(*state);
  PyObject *r = PyLong_FromLong(1);
  Py_XDECREF(r);
  *state = PyEval_SaveThread();
  return 0;
}

int locked_caller(void) {
  int rv;
  Py_BEGIN_ALLOW_THREADS
  rv = run_locked(&_save);
  Py_END_ALLOW_THREADS
  return rv;
}

// A getter that takes a reference on a global hands it out; one that does
// not lends the global's.
static PyObject *cache;

static PyObject *get_cache(void) {
  Py_XINCREF(cache);
  return cache;
}

static PyObject *peek_cache(void) { return cache; }

int cache_leaks(void) {
  PyObject *c = get_cache();
  if (!c)
    return -1;
  return PyObject_IsTrue(c);
  // CHECK: summaries.c:[[@LINE-1]]:3: warning: 'c' (Python reference from 'get_cache') is not released on this path [cpython-missing-decref]
}

int cache_peeked(void) {
  PyObject *c = peek_cache();
  return c ? PyObject_IsTrue(c) : -1;
}

// A getter that returns a field lends the object's reference: its result
// is borrowed, unless the getter took a reference on the field first.
typedef struct {
  PyObject_HEAD PyObject *boxed;
  PyObject *name;
} Box;

static PyObject *box_boxed(Box *b) {
  if (!b)
    return NULL;
  return b->boxed;
}

static PyObject *box_name(Box *b) {
  Py_XINCREF(b->name);
  return b->name;
}

// A call through a pointer in a getter names no function.
static PyObject *box_boxed_after(Box *b, void (*hook)(void)) {
  hook();
  return b->boxed;
}

int box_is_boxed(Box *b, PyObject *o) {
  return o == box_boxed(b) || o == box_boxed_after(b, NULL);
}

void box_drop_boxed(Box *b) {
  Py_XDECREF(box_boxed(b));
  // CHECK: summaries.c:[[@LINE-1]]:3: warning: the result of 'box_boxed' is borrowed from 'box_boxed' and must not be released by 'Py_XDECREF' [cpython-borrowed-decref]
}

void box_drop_name(Box *b) { Py_XDECREF(box_name(b)); }
