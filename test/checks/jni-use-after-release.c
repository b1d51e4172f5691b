// RUN: not %custody %s -- %cflags | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- %cflags | FileCheck %s --implicit-check-not=warning:

// jni-use-after-release: a reference or buffer used after DeleteLocalRef,
// DeleteGlobalRef, a Release* or the PopLocalFrame that freed it.

#include <jni.h>
#include <stddef.h>
#include <string.h>

JNIEXPORT jint JNICALL Java_Demo_useAfterRelease01UtfChars(JNIEnv *env,
                                                          jclass cls,
                                                          jstring s) {
  const char *c = (*env)->GetStringUTFChars(env, s, NULL);
  if (c == NULL)
    return -1;
  (*env)->ReleaseStringUTFChars(env, s, c);
  return (jint)strlen(c);
  // CHECK: :[[@LINE-1]]:16: warning: 'c' is used after it was released by 'ReleaseStringUTFChars' [jni-use-after-release]
  // CHECK: :[[@LINE-6]]:19: note: JNI UTF-8 characters acquired here from 'GetStringUTFChars'; the contract says 'ReleaseStringUTFChars' releases it
  // CHECK: :[[@LINE-4]]:3: note: released here
}

JNIEXPORT jboolean JNICALL Java_Demo_useAfterRelease02LocalRef(JNIEnv *env,
                                                              jclass cls,
                                                              jobject o) {
  jclass k = (*env)->GetObjectClass(env, o);
  (*env)->DeleteLocalRef(env, k);
  return (*env)->IsSameObject(env, k, cls);
  // CHECK: :[[@LINE-1]]:10: warning: 'k' is used after it was released by 'DeleteLocalRef' [jni-use-after-release]
  // CHECK: :[[@LINE-4]]:14: note: JNI local reference acquired here from 'GetObjectClass'; the contract says 'DeleteLocalRef' releases it
  // CHECK: :[[@LINE-4]]:3: note: released here
}

JNIEXPORT jint JNICALL Java_Demo_useAfterRelease03ArrayElements(JNIEnv *env,
                                                               jclass cls,
                                                               jintArray a) {
  jint *e = (*env)->GetIntArrayElements(env, a, NULL);
  if (e == NULL)
    return -1;
  e[0] += 1;
  (*env)->ReleaseIntArrayElements(env, a, e, 0);
  return e[0];
  // CHECK: :[[@LINE-1]]:10: warning: 'e' is used after it was released by 'ReleaseIntArrayElements' [jni-use-after-release]
  // CHECK: :[[@LINE-7]]:13: note: JNI int array elements acquired here from 'GetIntArrayElements'; the contract says 'ReleaseIntArrayElements' releases it
  // CHECK: :[[@LINE-4]]:3: note: released here
}

JNIEXPORT jobject JNICALL Java_Demo_useAfterRelease04PoppedFrame(JNIEnv *env,
                                                                jclass cls) {
  if ((*env)->PushLocalFrame(env, 4) != 0)
    return NULL;
  jstring s = (*env)->NewStringUTF(env, "x");
  (*env)->PopLocalFrame(env, NULL);
  return s;
  // CHECK: :[[@LINE-1]]:3: warning: 's' is used after it was released by 'PopLocalFrame' [jni-use-after-release]
  // CHECK: :[[@LINE-4]]:15: note: JNI local reference acquired here from 'NewStringUTF'; the contract says 'DeleteLocalRef' releases it
  // CHECK: :[[@LINE-4]]:3: note: released here
}

JNIEXPORT void JNICALL Java_Demo_useAfterRelease05GlobalRef(JNIEnv *env,
                                                           jclass cls,
                                                           jobject o,
                                                           jmethodID run) {
  jobject g = (*env)->NewGlobalRef(env, o);
  if (g == NULL)
    return;
  (*env)->DeleteGlobalRef(env, g);
  (*env)->CallVoidMethod(env, g, run);
  // CHECK: :[[@LINE-1]]:3: warning: 'g' is used after it was released by 'DeleteGlobalRef' [jni-use-after-release]
  // CHECK: :[[@LINE-6]]:15: note: JNI global reference acquired here from 'NewGlobalRef'; the contract says 'DeleteGlobalRef' releases it
  // CHECK: :[[@LINE-4]]:3: note: released here
}

// --- Must stay silent -------------------------------------------------------

JNIEXPORT jint JNICALL Java_Demo_okUseAfterCommit(JNIEnv *env, jclass cls,
                                                  jintArray a) {
  jint *e = (*env)->GetIntArrayElements(env, a, NULL);
  if (e == NULL)
    return -1;
  e[0] = 1;
  (*env)->ReleaseIntArrayElements(env, a, e, JNI_COMMIT);
  jint first = e[0];
  (*env)->ReleaseIntArrayElements(env, a, e, JNI_ABORT);
  return first;
}

JNIEXPORT jobject JNICALL Java_Demo_okPopLocalFrameResult(JNIEnv *env,
                                                          jclass cls) {
  if ((*env)->PushLocalFrame(env, 4) != 0)
    return NULL;
  jstring s = (*env)->NewStringUTF(env, "x");
  return (*env)->PopLocalFrame(env, s);
}

JNIEXPORT jint JNICALL Java_Demo_okCopiedBeforeRelease(JNIEnv *env,
                                                       jclass cls,
                                                       jstring s) {
  const char *c = (*env)->GetStringUTFChars(env, s, NULL);
  if (c == NULL)
    return -1;
  jint n = (jint)strlen(c);
  (*env)->ReleaseStringUTFChars(env, s, c);
  return n;
}

JNIEXPORT jobject JNICALL Java_Demo_okRefMadeBeforeFrame(JNIEnv *env,
                                                         jclass cls) {
  jstring outer = (*env)->NewStringUTF(env, "outer");
  if (outer == NULL)
    return NULL;
  if ((*env)->PushLocalFrame(env, 4) != 0)
    return NULL;
  jstring inner = (*env)->NewStringUTF(env, "inner");
  (void)inner;
  (*env)->PopLocalFrame(env, NULL);
  return outer;
}
