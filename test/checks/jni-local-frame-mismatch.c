// RUN: not %custody %s -- %cflags | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- %cflags | FileCheck %s --implicit-check-not=warning:

// jni-local-frame-mismatch: PushLocalFrame without PopLocalFrame on some
// path, a PopLocalFrame after a PushLocalFrame that failed, or one in a
// native method that pushed no frame.

#include <jni.h>
#include <stddef.h>

JNIEXPORT jint JNICALL Java_Demo_localFrameMismatch01EarlyReturn(
    JNIEnv *env, jclass cls) {
  if ((*env)->PushLocalFrame(env, 16) != 0)
    return -1;
  jstring s = (*env)->NewStringUTF(env, "x");
  if (s == NULL)
    return -1;
  // CHECK: :[[@LINE-1]]:5: warning: 'PushLocalFrame' (JNI local frame) is not matched by 'PopLocalFrame' on this path [jni-local-frame-mismatch]
  // CHECK: :[[@LINE-6]]:7: note: JNI local frame opened here by 'PushLocalFrame'
  // CHECK: :[[@LINE-5]]:15: note: assuming 'NewStringUTF' fails (returns null)
  (*env)->PopLocalFrame(env, NULL);
  return 0;
}

JNIEXPORT jobject JNICALL Java_Demo_localFrameMismatch02PopAfterFailedPush(
    JNIEnv *env, jclass cls) {
  if ((*env)->PushLocalFrame(env, 16) < 0) {
    (*env)->PopLocalFrame(env, NULL);
    // CHECK: :[[@LINE-1]]:5: warning: 'PopLocalFrame' closes a JNI local frame but 'PushLocalFrame' failed, so none was opened [jni-local-frame-mismatch]
    // CHECK: :[[@LINE-3]]:7: note: 'PushLocalFrame' fails here, so it does not acquire the JNI local frame
    // CHECK: :[[@LINE-4]]:7: note: assuming 'PushLocalFrame' fails (its result is < 0)
    return NULL;
  }
  jstring s = (*env)->NewStringUTF(env, "x");
  return (*env)->PopLocalFrame(env, s);
}

JNIEXPORT void JNICALL Java_Demo_localFrameMismatch03PopWithoutPush(
    JNIEnv *env, jclass cls) {
  (*env)->PopLocalFrame(env, NULL);
  // CHECK: :[[@LINE-1]]:3: warning: 'PopLocalFrame' closes a JNI local frame that this path never opened [jni-local-frame-mismatch]
}

JNIEXPORT void JNICALL Java_Demo_localFrameMismatch04PoppedTwice(JNIEnv *env,
                                                                jclass cls) {
  if ((*env)->PushLocalFrame(env, 4) < 0)
    return;
  (*env)->PopLocalFrame(env, NULL);
  (*env)->PopLocalFrame(env, NULL);
  // CHECK: :[[@LINE-1]]:3: warning: 'PopLocalFrame' closes a JNI local frame that this path never opened [jni-local-frame-mismatch]
}

JNIEXPORT jint JNICALL Java_Demo_localFrameMismatch05BreakSkipsPop(
    JNIEnv *env, jclass cls, jobjectArray a) {
  jsize n = (*env)->GetArrayLength(env, a);
  for (jsize i = 0; i < n; i++) {
    if ((*env)->PushLocalFrame(env, 4) != 0)
      return -1;
    jobject e = (*env)->GetObjectArrayElement(env, a, i);
    if (e == NULL)
      break;
    (*env)->PopLocalFrame(env, NULL);
  }
  return 0;
  // CHECK: :[[@LINE-1]]:3: warning: 'PushLocalFrame' (JNI local frame) is not matched by 'PopLocalFrame' on this path [jni-local-frame-mismatch]
  // CHECK: :[[@LINE-9]]:9: note: JNI local frame opened here by 'PushLocalFrame'
  // CHECK: :[[@LINE-7]]:9: note: assuming 'e == NULL' is true
}

JNIEXPORT jobjectArray JNICALL Java_Demo_localFrameMismatch06ReturnInsideFrame(
    JNIEnv *env, jclass cls, jint n) {
  if ((*env)->PushLocalFrame(env, 4) != 0)
    return NULL;
  if (n <= 0)
    return NULL;
  // CHECK: :[[@LINE-1]]:5: warning: 'PushLocalFrame' (JNI local frame) is not matched by 'PopLocalFrame' on this path [jni-local-frame-mismatch]
  // CHECK: :[[@LINE-5]]:7: note: JNI local frame opened here by 'PushLocalFrame'
  // CHECK: :[[@LINE-4]]:7: note: assuming 'n <= 0' is true
  jobjectArray a = (*env)->NewObjectArray(env, n, cls, NULL);
  return (*env)->PopLocalFrame(env, a);
}

// Registered with RegisterNatives (the table at the end of the file).
static void Demo_localFrameMismatch07RegisteredPop(JNIEnv *env, jobject self) {
  (*env)->PopLocalFrame(env, NULL);
  // CHECK: :[[@LINE-1]]:3: warning: 'PopLocalFrame' closes a JNI local frame that this path never opened [jni-local-frame-mismatch]
}

// --- Must stay silent -------------------------------------------------------

JNIEXPORT jobject JNICALL Java_Demo_okPopReturnsResult(JNIEnv *env,
                                                       jclass cls) {
  if ((*env)->PushLocalFrame(env, 16) != 0)
    return NULL;
  jstring s = (*env)->NewStringUTF(env, "x");
  return (*env)->PopLocalFrame(env, s);
}

JNIEXPORT jint JNICALL Java_Demo_okPopOnEveryPath(JNIEnv *env, jclass cls) {
  if ((*env)->PushLocalFrame(env, 16) < 0)
    return -1;
  jstring s = (*env)->NewStringUTF(env, "x");
  if (s == NULL) {
    (*env)->PopLocalFrame(env, NULL);
    return -1;
  }
  (*env)->PopLocalFrame(env, NULL);
  return 0;
}

JNIEXPORT jint JNICALL Java_Demo_okFrameInLoop(JNIEnv *env, jclass cls,
                                               jobjectArray a) {
  jint found = 0;
  jsize n = (*env)->GetArrayLength(env, a);
  for (jsize i = 0; i < n; i++) {
    if ((*env)->PushLocalFrame(env, 4) != 0)
      return -1;
    jobject e = (*env)->GetObjectArrayElement(env, a, i);
    if (e != NULL && (*env)->IsInstanceOf(env, e, cls))
      found++;
    (*env)->PopLocalFrame(env, NULL);
  }
  return found;
}

JNIEXPORT jobject JNICALL Java_Demo_okNestedFrames(JNIEnv *env, jclass cls) {
  if ((*env)->PushLocalFrame(env, 8) != 0)
    return NULL;
  if ((*env)->PushLocalFrame(env, 4) != 0) {
    (*env)->PopLocalFrame(env, NULL);
    return NULL;
  }
  jstring inner = (*env)->NewStringUTF(env, "x");
  jobject moved = (*env)->PopLocalFrame(env, inner);
  return (*env)->PopLocalFrame(env, moved);
}

static const JNINativeMethod demo_methods[] = {
    {"pop", "()V", (void *)Demo_localFrameMismatch07RegisteredPop},
};

jint Demo_registerNatives(JNIEnv *env, jclass cls) {
  return (*env)->RegisterNatives(env, cls, demo_methods, 1);
}
