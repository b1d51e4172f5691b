// RUN: not %custody %s -- %cflags | FileCheck %s --check-prefixes=COMMON --implicit-check-not=warning:
// RUN: not %custody --oom-protocol %s -- %cflags | FileCheck %s --check-prefixes=COMMON,OOM --implicit-check-not=warning:
// RUN: %tidy %s -- %cflags | FileCheck %s --check-prefixes=COMMON --implicit-check-not=warning:
// RUN: %tidy %s -config="{CheckOptions: {CustodyOomProtocol: true}}" -- %cflags | FileCheck %s --check-prefixes=COMMON,OOM --implicit-check-not=warning:

// The OOM policy: a JNI call made while the only exception that may be
// pending is an OutOfMemoryError (NewStringUTF, array and string element
// pins, FindClass of a "java/" class) is reported only with --oom-protocol
// (CustodyOomProtocol), and then says so. Leaks on the paths where such a
// call fails are reported either way.

#include <jni.h>
#include <stdlib.h>

JNIEXPORT void JNICALL Java_Demo_oom01StringThenCall(JNIEnv *env, jobject self,
                                                     jmethodID m) {
  jstring s = (*env)->NewStringUTF(env, "ready");
  (*env)->CallVoidMethod(env, self, m, s);
  // OOM: :[[@LINE-1]]:3: warning: 'CallVoidMethod' is called while an exception from 'NewStringUTF' may be pending (an OutOfMemoryError: it fails only when memory runs out); check for it (ExceptionCheck) first [jni-exception-pending]
  // OOM: :[[@LINE-3]]:15: note: 'NewStringUTF' may leave an exception pending here
}

JNIEXPORT jmethodID JNICALL Java_Demo_oom02JdkClass(JNIEnv *env, jclass cls) {
  jclass k = (*env)->FindClass(env, "java/lang/String");
  return (*env)->GetMethodID(env, k, "length", "()I");
  // OOM: :[[@LINE-1]]:10: warning: 'GetMethodID' is called while an exception from 'FindClass' may be pending (an OutOfMemoryError: it fails only when memory runs out); check for it (ExceptionCheck) first [jni-exception-pending]
  // OOM: :[[@LINE-3]]:14: note: 'FindClass' may leave an exception pending here
}

// A class of the program may be missing: reported in both modes.
JNIEXPORT jmethodID JNICALL Java_Demo_oom03OwnClass(JNIEnv *env, jclass cls) {
  jclass k = (*env)->FindClass(env, "com/example/Listener");
  return (*env)->GetMethodID(env, k, "run", "()V");
  // COMMON: :[[@LINE-1]]:10: warning: 'GetMethodID' is called while an exception from 'FindClass' may be pending; check for it (ExceptionCheck) first [jni-exception-pending]
  // COMMON: :[[@LINE-3]]:14: note: 'FindClass' may leave an exception pending here
}

// The leak on the path where the allocation fails is a leak in both modes.
JNIEXPORT jstring JNICALL Java_Demo_oom04LeakWhenOutOfMemory(JNIEnv *env,
                                                              jclass cls) {
  char *buf = malloc(16);
  if (!buf)
    return NULL;
  jstring s = (*env)->NewStringUTF(env, "x");
  if (!s)
    return NULL;
  // COMMON: :[[@LINE-1]]:5: warning: 'buf' (heap memory from 'malloc') is not released on this path [contract-resource-leak]
  free(buf);
  return s;
}
