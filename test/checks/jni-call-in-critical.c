// RUN: not %custody %s -- %cflags | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- %cflags | FileCheck %s --implicit-check-not=warning:

// jni-call-in-critical: between GetPrimitiveArrayCritical/GetStringCritical
// and the matching release, no other JNI function may be called (the JVM
// may have stopped the garbage collector for this thread).

#include <jni.h>
#include <stddef.h>
#include <string.h>

JNIEXPORT void JNICALL Java_Demo_callInCritical01ArrayLength(JNIEnv *env,
                                                            jclass cls,
                                                            jintArray a) {
  jint *p = (*env)->GetPrimitiveArrayCritical(env, a, NULL);
  if (p == NULL)
    return;
  jsize n = (*env)->GetArrayLength(env, a);
  // CHECK: :[[@LINE-1]]:13: warning: 'GetArrayLength' is called inside the critical region opened by 'GetPrimitiveArrayCritical'; nothing but its release may be called until then [jni-call-in-critical]
  // CHECK: :[[@LINE-5]]:13: note: JNI critical array acquired here from 'GetPrimitiveArrayCritical'; the contract says 'ReleasePrimitiveArrayCritical' releases it
  for (jsize i = 0; i < n; i++)
    p[i] = i;
  (*env)->ReleasePrimitiveArrayCritical(env, a, p, 0);
}

JNIEXPORT jstring JNICALL Java_Demo_callInCritical02NewString(JNIEnv *env,
                                                             jclass cls,
                                                             jstring s) {
  const jchar *c = (*env)->GetStringCritical(env, s, NULL);
  if (c == NULL)
    return NULL;
  jstring copy = (*env)->NewString(env, c, 1);
  // CHECK: :[[@LINE-1]]:18: warning: 'NewString' is called inside the critical region opened by 'GetStringCritical'; nothing but its release may be called until then [jni-call-in-critical]
  // CHECK: :[[@LINE-5]]:20: note: JNI critical string characters acquired here from 'GetStringCritical'; the contract says 'ReleaseStringCritical' releases it
  (*env)->ReleaseStringCritical(env, s, c);
  return copy;
}

JNIEXPORT void JNICALL Java_Demo_callInCritical03AfterCommit(JNIEnv *env,
                                                            jclass cls,
                                                            jbyteArray a,
                                                            jbyteArray out) {
  jbyte *p = (*env)->GetPrimitiveArrayCritical(env, a, NULL);
  if (p == NULL)
    return;
  p[0] = 1;
  (*env)->ReleasePrimitiveArrayCritical(env, a, p, JNI_COMMIT);
  (*env)->SetByteArrayRegion(env, out, 0, 1, p);
  // CHECK: :[[@LINE-1]]:3: warning: 'SetByteArrayRegion' is called inside the critical region opened by 'GetPrimitiveArrayCritical'; nothing but its release may be called until then [jni-call-in-critical]
  // CHECK: :[[@LINE-7]]:14: note: JNI critical array acquired here from 'GetPrimitiveArrayCritical'; the contract says 'ReleasePrimitiveArrayCritical' releases it
  (*env)->ReleasePrimitiveArrayCritical(env, a, p, JNI_ABORT);
}

JNIEXPORT void JNICALL Java_Demo_callInCritical04CallbackInLoop(
    JNIEnv *env, jobject self, jintArray a, jint n, jmethodID progress) {
  jint *p = (*env)->GetPrimitiveArrayCritical(env, a, NULL);
  if (p == NULL)
    return;
  for (jint i = 0; i < n; i++) {
    p[i] = 0;
    (*env)->CallVoidMethod(env, self, progress, i);
    // CHECK: :[[@LINE-1]]:5: warning: 'CallVoidMethod' is called inside the critical region opened by 'GetPrimitiveArrayCritical'; nothing but its release may be called until then [jni-call-in-critical]
    // CHECK: :[[@LINE-7]]:13: note: JNI critical array acquired here from 'GetPrimitiveArrayCritical'; the contract says 'ReleasePrimitiveArrayCritical' releases it
    // CHECK: :[[@LINE-3]]:5: warning: 'CallVoidMethod' is called while an exception from 'CallVoidMethod' may be pending; check for it (ExceptionCheck) first [jni-exception-pending]
    // CHECK: :[[@LINE-4]]:5: note: 'CallVoidMethod' may leave an exception pending here
  }
  (*env)->ReleasePrimitiveArrayCritical(env, a, p, 0);
}

// --- Must stay silent -------------------------------------------------------

JNIEXPORT void JNICALL Java_Demo_okOnlyReleaseInside(JNIEnv *env, jclass cls,
                                                     jintArray a, jint n) {
  jint *p = (*env)->GetPrimitiveArrayCritical(env, a, NULL);
  if (p == NULL)
    return;
  for (jint i = 0; i < n; i++)
    p[i] = i;
  (*env)->ReleasePrimitiveArrayCritical(env, a, p, 0);
}

JNIEXPORT void JNICALL Java_Demo_okLengthBeforeRegion(JNIEnv *env, jclass cls,
                                                      jintArray a) {
  jsize n = (*env)->GetArrayLength(env, a);
  jint *p = (*env)->GetPrimitiveArrayCritical(env, a, NULL);
  if (p == NULL)
    return;
  for (jsize i = 0; i < n; i++)
    p[i] = i;
  (*env)->ReleasePrimitiveArrayCritical(env, a, p, 0);
}

JNIEXPORT void JNICALL Java_Demo_okCallAfterRelease(JNIEnv *env, jclass cls,
                                                    jstring s, jobject o,
                                                    jfieldID f) {
  const jchar *c = (*env)->GetStringCritical(env, s, NULL);
  if (c == NULL)
    return;
  jchar first = c[0];
  (*env)->ReleaseStringCritical(env, s, c);
  (*env)->SetCharField(env, o, f, first);
}

// Critical regions may nest: Get*Critical and Release*Critical are allowed
// inside one.
JNIEXPORT void JNICALL Java_Demo_okNestedCritical(JNIEnv *env, jclass cls,
                                                  jstring s, jcharArray a) {
  const jchar *c = (*env)->GetStringCritical(env, s, NULL);
  if (c == NULL)
    return;
  jchar *p = (*env)->GetPrimitiveArrayCritical(env, a, NULL);
  if (p != NULL) {
    p[0] = c[0];
    (*env)->ReleasePrimitiveArrayCritical(env, a, p, 0);
  }
  (*env)->ReleaseStringCritical(env, s, c);
}

JNIEXPORT void JNICALL Java_Demo_okLibcInside(JNIEnv *env, jclass cls,
                                              jbyteArray a, const void *src,
                                              jsize n) {
  jbyte *p = (*env)->GetPrimitiveArrayCritical(env, a, NULL);
  if (p == NULL)
    return;
  memcpy(p, src, (size_t)n);
  (*env)->ReleasePrimitiveArrayCritical(env, a, p, 0);
}

// Not critical: Get<Type>ArrayElements allows other JNI calls.
JNIEXPORT void JNICALL Java_Demo_okElementsAreNotCritical(JNIEnv *env,
                                                          jclass cls,
                                                          jintArray a) {
  jint *p = (*env)->GetIntArrayElements(env, a, NULL);
  if (p == NULL)
    return;
  jsize n = (*env)->GetArrayLength(env, a);
  for (jsize i = 0; i < n; i++)
    p[i] = i;
  (*env)->ReleaseIntArrayElements(env, a, p, 0);
}
