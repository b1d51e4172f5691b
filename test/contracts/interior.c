// RUN: not %custody %s -- %cflags | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- %cflags | FileCheck %s --implicit-check-not=warning:

// 'interior: N': the result points into argument N's storage, and is
// invalid once that is released (CPython's string buffers, sqlite3 column
// values, JNI direct buffers).

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <jni.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

size_t name_len(PyObject *obj) {
  PyObject *bname = PyObject_Str(obj);
  if (!bname)
    return 0;
  const char *cname = PyUnicode_AsUTF8(bname);
  if (!cname) {
    Py_DECREF(bname);
    return 0;
  }
  Py_DECREF(bname);
  return strlen(cname);
  // CHECK: :[[@LINE-1]]:10: warning: 'cname' (from 'PyUnicode_AsUTF8') points into 'bname' and is used after that was released by 'Py_DECREF' [cpython-use-after-decref]
  // CHECK: :[[@LINE-8]]:23: note: 'PyUnicode_AsUTF8' returns here a pointer into 'bname', valid while that is
  // CHECK: :[[@LINE-4]]:3: note: released here
}

PyObject *copy_bytes(void) {
  PyObject *b = PyBytes_FromString("abc");
  if (!b)
    return NULL;
  char *s = PyBytes_AS_STRING(b);
  Py_CLEAR(b);
  return PyUnicode_FromString(s);
  // CHECK: :[[@LINE-1]]:10: warning: 's' (from 'PyBytes_AS_STRING') points into 'b' and is used after that was released by 'Py_DECREF' [cpython-use-after-decref]
  // CHECK: :[[@LINE-4]]:13: note: 'PyBytes_AS_STRING' returns here a pointer into 'b', valid while that is
  // CHECK: :[[@LINE-4]]:3: note: released here
}

/* Correct: used while the owner lives; a borrowed argument's buffer. */
size_t ok_len(PyObject *obj) {
  PyObject *bname = PyObject_Str(obj);
  if (!bname)
    return 0;
  const char *cname = PyUnicode_AsUTF8(bname);
  size_t n = cname ? strlen(cname) : 0;
  Py_DECREF(bname);
  return n;
}

size_t arg_len(PyObject *self, PyObject *arg) {
  const char *s = PyUnicode_AsUTF8(arg);
  return s ? strlen(s) : 0;
}

PyObject *bytes_then_copy(PyObject *obj) {
  PyObject *b = PyObject_Bytes(obj);
  if (!b)
    return NULL;
  PyObject *r = PyUnicode_FromString(PyBytes_AS_STRING(b));
  Py_DECREF(b);
  return r;
}

int first_name(sqlite3 *db, char *out, size_t n) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, "select name from t", -1, &st, NULL) != SQLITE_OK)
    return -1;
  if (sqlite3_step(st) != SQLITE_ROW) {
    sqlite3_finalize(st);
    return -1;
  }
  const unsigned char *name = sqlite3_column_text(st, 0);
  sqlite3_finalize(st);
  snprintf(out, n, "%s", (const char *)name);
  // CHECK: :[[@LINE-1]]:3: warning: 'name' (from 'sqlite3_column_text') points into 'st' and is used after that was released by 'sqlite3_finalize' [contract-use-after-release]
  // CHECK: :[[@LINE-4]]:31: note: sqlite3 memory borrowed here from 'sqlite3_column_text'; the contract does not make the caller its owner
  // CHECK: :[[@LINE-4]]:3: note: released here
  return 0;
}

int first_name_ok(sqlite3 *db, char *out, size_t n) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, "select name from t", -1, &st, NULL) != SQLITE_OK)
    return -1;
  if (sqlite3_step(st) != SQLITE_ROW) {
    sqlite3_finalize(st);
    return -1;
  }
  const unsigned char *name = sqlite3_column_text(st, 0);
  snprintf(out, n, "%s", name ? (const char *)name : "");
  sqlite3_finalize(st);
  return 0;
}

JNIEXPORT jint JNICALL Java_Demo_peek(JNIEnv *env, jclass cls, jobject holder) {
  jobject buf = (*env)->CallObjectMethod(env, holder, NULL);
  if (!buf)
    return -1;
  char *p = (*env)->GetDirectBufferAddress(env, buf);
  (*env)->DeleteLocalRef(env, buf);
  if (!p)
    return -1;
  return p[0];
  // CHECK: :[[@LINE-1]]:10: warning: 'p' (from 'GetDirectBufferAddress') points into 'buf' and is used after that was released by 'DeleteLocalRef' [jni-use-after-release]
  // CHECK: :[[@LINE-6]]:13: note: 'GetDirectBufferAddress' returns here a pointer into 'buf', valid while that is
  // CHECK: :[[@LINE-6]]:3: note: released here
}

JNIEXPORT jint JNICALL Java_Demo_peekOk(JNIEnv *env, jclass cls, jobject buf) {
  char *p = (*env)->GetDirectBufferAddress(env, buf);
  return p ? p[0] : -1;
}
