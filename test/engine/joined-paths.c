// RUN: not %custody %s -- %cflags | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- %cflags | FileCheck %s --implicit-check-not=warning:
// RUN: not %custody --verbose %s -- %cflags 2>&1 | FileCheck %s --check-prefix=JOINS

// Past a block's cap of states, arriving states are joined into one the
// block holds instead of being dropped: the rest of the function is still
// walked, so what it acquires later is still checked, and what the joined
// states disagreed on is no longer followed (never reported). Eight flags
// set on independent branches make 256 paths, more than a block keeps.

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <jni.h>
#include <stdlib.h>

int sink(const void *p);

#define FLAGS(a)                                                               \
  int f0 = 0, f1 = 0, f2 = 0, f3 = 0, f4 = 0, f5 = 0, f6 = 0, f7 = 0;          \
  if ((a) & 1)                                                                 \
    f0 = 1;                                                                    \
  if ((a) & 2)                                                                 \
    f1 = 1;                                                                    \
  if ((a) & 4)                                                                 \
    f2 = 1;                                                                    \
  if ((a) & 8)                                                                 \
    f3 = 1;                                                                    \
  if ((a) & 16)                                                                \
    f4 = 1;                                                                    \
  if ((a) & 32)                                                                \
    f5 = 1;                                                                    \
  if ((a) & 64)                                                                \
    f6 = 1;                                                                    \
  if ((a) & 128)                                                               \
    f7 = 1;                                                                    \
  sink(&f0), sink(&f1), sink(&f2), sink(&f3), sink(&f4), sink(&f5),            \
      sink(&f6), sink(&f7)

// JOINS: custody: 'checkLeak01AfterJoin' has more paths than kept; {{[0-9]+}} were joined with others
int checkLeak01AfterJoin(int a) {
  FLAGS(a);
  char *late = malloc(16);
  if (!late)
    return -1;
  if (sink(late) < 0)
    return -2;
  // CHECK: :[[@LINE-1]]:5: warning: 'late' (heap memory from 'malloc') is not released on this path [contract-resource-leak]
  // CHECK: :[[@LINE-6]]:16: note: heap memory acquired here from 'malloc'; the contract says 'free' releases it
  free(late);
  return 0;
}

// Owned before the branches, released under a flag the joins forget: not
// followed past the join, so no leak is claimed on the path the flag
// protects.
int checkNoLeak02FlagGuardedRelease(int a) {
  char *buf = malloc(8);
  int owned = buf != NULL;
  FLAGS(a);
  if (owned)
    free(buf);
  return 0;
}

// A reference taken twice (the psycopg2 execute shape): joined states that
// disagree on its count release it twice without a report.
int checkNoLeak03TwoNamesOneObject(PyObject *q, int a) {
  PyObject *query = PyObject_Str(q), *fquery = NULL;
  if (!query)
    return -1;
  if (a & 64) {
    Py_INCREF(query);
    fquery = query;
  } else {
    fquery = PyObject_Repr(q);
  }
  FLAGS(a);
  Py_XDECREF(query);
  Py_XDECREF(fquery);
  return 0;
}

// A local frame opened before the joins still frees the references made
// in the loop after them.
JNIEXPORT void JNICALL Java_Demo_checkNoLeak04FrameAfterJoin(
    JNIEnv *env, jclass cls, jobjectArray args, jint a) {
  jsize n = (*env)->GetArrayLength(env, args);
  if ((*env)->PushLocalFrame(env, n + 1) < 0)
    return;
  FLAGS(a);
  for (jsize i = 0; i < n; i++) {
    jobject o = (*env)->GetObjectArrayElement(env, args, i);
    if (!o)
      break;
    sink(o);
  }
  (*env)->PopLocalFrame(env, NULL);
}
