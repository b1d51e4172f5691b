// RUN: not %custody %s -- %cflags | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- %cflags | FileCheck %s --implicit-check-not=warning:

// jni-double-release: a reference, array elements or string characters
// released twice.

#include <jni.h>
#include <stddef.h>
#include <string.h>

JNIEXPORT void JNICALL Java_Demo_doubleRelease01UtfChars(JNIEnv *env,
                                                        jclass cls,
                                                        jstring s) {
  const char *c = (*env)->GetStringUTFChars(env, s, NULL);
  if (c == NULL)
    return;
  (*env)->ReleaseStringUTFChars(env, s, c);
  (*env)->ReleaseStringUTFChars(env, s, c);
  // CHECK: :[[@LINE-1]]:3: warning: 'c' is released by 'ReleaseStringUTFChars' after it was already released by 'ReleaseStringUTFChars' [jni-double-release]
  // CHECK: :[[@LINE-6]]:19: note: JNI UTF-8 characters acquired here from 'GetStringUTFChars'; the contract says 'ReleaseStringUTFChars' releases it
  // CHECK: :[[@LINE-4]]:3: note: first released here
}

JNIEXPORT void JNICALL Java_Demo_doubleRelease02LocalRef(JNIEnv *env,
                                                        jclass cls,
                                                        jobject o) {
  jclass k = (*env)->GetObjectClass(env, o);
  (*env)->DeleteLocalRef(env, k);
  (*env)->DeleteLocalRef(env, k);
  // CHECK: :[[@LINE-1]]:3: warning: 'k' is released by 'DeleteLocalRef' after it was already released by 'DeleteLocalRef' [jni-double-release]
  // CHECK: :[[@LINE-4]]:14: note: JNI local reference acquired here from 'GetObjectClass'; the contract says 'DeleteLocalRef' releases it
  // CHECK: :[[@LINE-4]]:3: note: first released here
}

JNIEXPORT void JNICALL Java_Demo_doubleRelease03GlobalRefOnErrorPath(
    JNIEnv *env, jclass cls, jobject o, jint n) {
  jobject g = (*env)->NewGlobalRef(env, o);
  if (g == NULL)
    return;
  if (n < 0)
    (*env)->DeleteGlobalRef(env, g);
  (*env)->DeleteGlobalRef(env, g);
  // CHECK: :[[@LINE-1]]:3: warning: 'g' is released by 'DeleteGlobalRef' after it was already released by 'DeleteGlobalRef' [jni-double-release]
  // CHECK: :[[@LINE-7]]:15: note: JNI global reference acquired here from 'NewGlobalRef'; the contract says 'DeleteGlobalRef' releases it
  // CHECK: :[[@LINE-4]]:5: note: first released here
}

JNIEXPORT void JNICALL Java_Demo_doubleRelease04ArrayElements(JNIEnv *env,
                                                             jclass cls,
                                                             jintArray a) {
  jint *e = (*env)->GetIntArrayElements(env, a, NULL);
  if (e == NULL)
    return;
  e[0] = 1;
  (*env)->ReleaseIntArrayElements(env, a, e, 0);
  (*env)->ReleaseIntArrayElements(env, a, e, JNI_ABORT);
  // CHECK: :[[@LINE-1]]:3: warning: 'e' is released by 'ReleaseIntArrayElements' after it was already released by 'ReleaseIntArrayElements' [jni-double-release]
  // CHECK: :[[@LINE-7]]:13: note: JNI int array elements acquired here from 'GetIntArrayElements'; the contract says 'ReleaseIntArrayElements' releases it
  // CHECK: :[[@LINE-4]]:3: note: first released here
}

// --- Must stay silent -------------------------------------------------------

JNIEXPORT void JNICALL Java_Demo_okCommitThenRelease(JNIEnv *env, jclass cls,
                                                     jintArray a) {
  jint *e = (*env)->GetIntArrayElements(env, a, NULL);
  if (e == NULL)
    return;
  e[0] = 1;
  (*env)->ReleaseIntArrayElements(env, a, e, JNI_COMMIT);
  e[1] = 2;
  (*env)->ReleaseIntArrayElements(env, a, e, 0);
}

JNIEXPORT void JNICALL Java_Demo_okNulledAfterDelete(JNIEnv *env, jclass cls,
                                                     jobject o, jint n) {
  jobject g = (*env)->NewGlobalRef(env, o);
  if (n < 0 && g != NULL) {
    (*env)->DeleteGlobalRef(env, g);
    g = NULL;
  }
  if (g != NULL)
    (*env)->DeleteGlobalRef(env, g);
}

JNIEXPORT void JNICALL Java_Demo_okOnePerBranch(JNIEnv *env, jclass cls,
                                                jstring s, jint n) {
  const jchar *c = (*env)->GetStringChars(env, s, NULL);
  if (c == NULL)
    return;
  if (n > 0 && c[0] == 'x')
    (*env)->ReleaseStringChars(env, s, c);
  else
    (*env)->ReleaseStringChars(env, s, c);
}

JNIEXPORT void JNICALL Java_Demo_okTwoRefsSameObject(JNIEnv *env, jclass cls,
                                                     jobject o) {
  jobject a = (*env)->NewLocalRef(env, o);
  jobject b = (*env)->NewLocalRef(env, o);
  (*env)->DeleteLocalRef(env, a);
  (*env)->DeleteLocalRef(env, b);
}
