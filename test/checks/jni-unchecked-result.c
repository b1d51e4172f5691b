// RUN: not %custody %s -- %cflags | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- %cflags | FileCheck %s --implicit-check-not=warning:

// jni-unchecked-result: EnsureLocalCapacity and PushLocalFrame fail (with an
// OutOfMemoryError pending) when the JVM cannot give the room asked for.

#include <jni.h>
#include <stddef.h>

JNIEXPORT void JNICALL Java_Demo_uncheckedResult01EnsureLocalCapacity(
    JNIEnv *env, jclass cls, jint n) {
  (*env)->EnsureLocalCapacity(env, n);
  // CHECK: :[[@LINE-1]]:3: warning: the result of 'EnsureLocalCapacity' is ignored, but the call can fail (it succeeds when its result is == 0) [jni-unchecked-result]
}

JNIEXPORT jint JNICALL Java_Demo_uncheckedResult02EnsureThenCall(
    JNIEnv *env, jclass cls, jobjectArray a) {
  (*env)->EnsureLocalCapacity(env, 64);
  // CHECK: :[[@LINE-1]]:3: warning: the result of 'EnsureLocalCapacity' is ignored, but the call can fail (it succeeds when its result is == 0) [jni-unchecked-result]
  return (*env)->GetArrayLength(env, a);
}

// --- Must stay silent -------------------------------------------------------

// A '(void)' cast says the result is ignored on purpose.
JNIEXPORT jint JNICALL Java_Demo_okEnsureIgnoredOnPurpose(JNIEnv *env,
                                                          jclass cls,
                                                          jobjectArray a) {
  (void)(*env)->EnsureLocalCapacity(env, 64);
  return (*env)->GetArrayLength(env, a);
}

JNIEXPORT void JNICALL Java_Demo_okFrameIgnoredOnPurpose(JNIEnv *env,
                                                         jclass cls) {
  (void)(*env)->PushLocalFrame(env, 8);
  (*env)->PopLocalFrame(env, NULL);
}

JNIEXPORT jint JNICALL Java_Demo_okEnsureChecked(JNIEnv *env, jclass cls,
                                                 jobjectArray a) {
  if ((*env)->EnsureLocalCapacity(env, 64) != 0)
    return -1;
  return (*env)->GetArrayLength(env, a);
}

JNIEXPORT jint JNICALL Java_Demo_okEnsureCheckedThroughVariable(
    JNIEnv *env, jclass cls, jobjectArray a) {
  jint rc = (*env)->EnsureLocalCapacity(env, 64);
  if (rc < 0)
    return rc;
  return (*env)->GetArrayLength(env, a);
}

JNIEXPORT jint JNICALL Java_Demo_okEnsureResultReturned(JNIEnv *env,
                                                        jclass cls, jint n) {
  return (*env)->EnsureLocalCapacity(env, n);
}

JNIEXPORT jobject JNICALL Java_Demo_okPushChecked(JNIEnv *env, jclass cls) {
  if ((*env)->PushLocalFrame(env, 8) < 0)
    return NULL;
  jstring s = (*env)->NewStringUTF(env, "x");
  return (*env)->PopLocalFrame(env, s);
}
