// RUN: not %custody %s -- %cflags | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- %cflags | FileCheck %s --implicit-check-not=warning:

// jni-elements-leak: what Get<Type>ArrayElements, GetStringUTFChars,
// GetStringChars, GetStringCritical and GetPrimitiveArrayCritical hand out
// must go back through the matching Release* on every path.

#include <jni.h>
#include <stddef.h>
#include <string.h>

JNIEXPORT jint JNICALL Java_Demo_elementsLeak01IntArrayEarlyReturn(
    JNIEnv *env, jclass cls, jintArray a) {
  jint *e = (*env)->GetIntArrayElements(env, a, NULL);
  if (e == NULL)
    return -1;
  if (e[0] < 0)
    return -1;
  // CHECK: :[[@LINE-1]]:5: warning: 'e' (JNI int array elements from 'GetIntArrayElements') is not released on this path [jni-elements-leak]
  // CHECK: :[[@LINE-6]]:13: note: JNI int array elements acquired here from 'GetIntArrayElements'; the contract says 'ReleaseIntArrayElements' releases it
  // CHECK: :[[@LINE-4]]:7: note: assuming 'e[0] < 0' is true
  jint first = e[0];
  (*env)->ReleaseIntArrayElements(env, a, e, JNI_ABORT);
  return first;
}

JNIEXPORT jint JNICALL Java_Demo_elementsLeak02UtfChars(JNIEnv *env,
                                                       jclass cls,
                                                       jstring s) {
  const char *c = (*env)->GetStringUTFChars(env, s, NULL);
  if (c == NULL)
    return -1;
  if (strchr(c, '/') != NULL)
    return 0;
  // CHECK: :[[@LINE-1]]:5: warning: 'c' (JNI UTF-8 characters from 'GetStringUTFChars') is not released on this path [jni-elements-leak]
  // CHECK: :[[@LINE-6]]:19: note: JNI UTF-8 characters acquired here from 'GetStringUTFChars'; the contract says 'ReleaseStringUTFChars' releases it
  // CHECK: :[[@LINE-4]]:7: note: assuming 'strchr(c, '/') != NULL' is true
  jint n = (jint)strlen(c);
  (*env)->ReleaseStringUTFChars(env, s, c);
  return n;
}

JNIEXPORT jint JNICALL Java_Demo_elementsLeak03StringChars(JNIEnv *env,
                                                          jclass cls,
                                                          jstring s) {
  const jchar *c = (*env)->GetStringChars(env, s, NULL);
  if (c == NULL)
    return -1;
  if (c[0] == 'x')
    return 1;
  // CHECK: :[[@LINE-1]]:5: warning: 'c' (JNI string characters from 'GetStringChars') is not released on this path [jni-elements-leak]
  // CHECK: :[[@LINE-6]]:20: note: JNI string characters acquired here from 'GetStringChars'; the contract says 'ReleaseStringChars' releases it
  // CHECK: :[[@LINE-4]]:7: note: assuming 'c[0] == 'x'' is true
  (*env)->ReleaseStringChars(env, s, c);
  return 0;
}

JNIEXPORT jint JNICALL Java_Demo_elementsLeak04StringCritical(JNIEnv *env,
                                                             jclass cls,
                                                             jstring s) {
  const jchar *c = (*env)->GetStringCritical(env, s, NULL);
  if (c == NULL)
    return -1;
  if (c[0] == 'x')
    return 1;
  // CHECK: :[[@LINE-1]]:5: warning: 'c' (JNI critical string characters from 'GetStringCritical') is not released on this path [jni-elements-leak]
  // CHECK: :[[@LINE-6]]:20: note: JNI critical string characters acquired here from 'GetStringCritical'; the contract says 'ReleaseStringCritical' releases it
  // CHECK: :[[@LINE-4]]:7: note: assuming 'c[0] == 'x'' is true
  (*env)->ReleaseStringCritical(env, s, c);
  return 0;
}

JNIEXPORT jint JNICALL Java_Demo_elementsLeak05ArrayCritical(JNIEnv *env,
                                                            jclass cls,
                                                            jbyteArray a) {
  jbyte *p = (*env)->GetPrimitiveArrayCritical(env, a, NULL);
  if (p == NULL)
    return -1;
  if (p[0] == 0)
    return 0;
  // CHECK: :[[@LINE-1]]:5: warning: 'p' (JNI critical array from 'GetPrimitiveArrayCritical') is not released on this path [jni-elements-leak]
  // CHECK: :[[@LINE-6]]:14: note: JNI critical array acquired here from 'GetPrimitiveArrayCritical'; the contract says 'ReleasePrimitiveArrayCritical' releases it
  // CHECK: :[[@LINE-4]]:7: note: assuming 'p[0] == 0' is true
  jint first = p[0];
  (*env)->ReleasePrimitiveArrayCritical(env, a, p, JNI_ABORT);
  return first;
}

JNIEXPORT void JNICALL Java_Demo_elementsLeak06OnlyCommitted(JNIEnv *env,
                                                            jclass cls,
                                                            jdoubleArray a) {
  jdouble *d = (*env)->GetDoubleArrayElements(env, a, NULL);
  if (d == NULL)
    return;
  d[0] = 1.0;
  (*env)->ReleaseDoubleArrayElements(env, a, d, JNI_COMMIT);
}
// CHECK: :[[@LINE-1]]:1: warning: 'd' (JNI double array elements from 'GetDoubleArrayElements') is not released on this path [jni-elements-leak]
// CHECK: :[[@LINE-7]]:16: note: JNI double array elements acquired here from 'GetDoubleArrayElements'; the contract says 'ReleaseDoubleArrayElements' releases it
// CHECK: :[[@LINE-4]]:3: note: 'ReleaseDoubleArrayElements' with JNI_COMMIT copies back but does not release it

JNIEXPORT void JNICALL Java_Demo_elementsLeak07LoopEarlyBreak(JNIEnv *env,
                                                             jclass cls,
                                                             jlongArray a,
                                                             jint n) {
  jlong *v = (*env)->GetLongArrayElements(env, a, NULL);
  if (v == NULL)
    return;
  for (jint i = 0; i < n; i++) {
    if (v[i] < 0)
      return;
    // CHECK: :[[@LINE-1]]:7: warning: 'v' (JNI long array elements from 'GetLongArrayElements') is not released on this path [jni-elements-leak]
    // CHECK: :[[@LINE-7]]:14: note: JNI long array elements acquired here from 'GetLongArrayElements'; the contract says 'ReleaseLongArrayElements' releases it
    // CHECK: :[[@LINE-5]]:20: note: assuming 'i < n' is true
    // CHECK: :[[@LINE-5]]:9: note: assuming 'v[i] < 0' is true
    v[i] *= 2;
  }
  (*env)->ReleaseLongArrayElements(env, a, v, 0);
}

JNIEXPORT void JNICALL Java_Demo_elementsLeak08IntOnlyCommitted(JNIEnv *env,
                                                               jclass cls,
                                                               jintArray a,
                                                               jint v) {
  jint *p = (*env)->GetIntArrayElements(env, a, NULL);
  if (p == NULL)
    return;
  p[0] = v;
  (*env)->ReleaseIntArrayElements(env, a, p, JNI_COMMIT);
}
// CHECK: :[[@LINE-1]]:1: warning: 'p' (JNI int array elements from 'GetIntArrayElements') is not released on this path [jni-elements-leak]
// CHECK: :[[@LINE-7]]:13: note: JNI int array elements acquired here from 'GetIntArrayElements'; the contract says 'ReleaseIntArrayElements' releases it
// CHECK: :[[@LINE-4]]:3: note: 'ReleaseIntArrayElements' with JNI_COMMIT copies back but does not release it

// --- Must stay silent -------------------------------------------------------

JNIEXPORT jint JNICALL Java_Demo_okReleasedWithAbort(JNIEnv *env, jclass cls,
                                                     jintArray a) {
  jint *e = (*env)->GetIntArrayElements(env, a, NULL);
  if (e == NULL)
    return -1;
  jint first = e[0];
  (*env)->ReleaseIntArrayElements(env, a, e, JNI_ABORT);
  return first;
}

JNIEXPORT void JNICALL Java_Demo_okReleasedWithZero(JNIEnv *env, jclass cls,
                                                    jfloatArray a) {
  jfloat *f = (*env)->GetFloatArrayElements(env, a, NULL);
  if (f == NULL)
    return;
  f[0] = 0.5f;
  (*env)->ReleaseFloatArrayElements(env, a, f, 0);
}

JNIEXPORT void JNICALL Java_Demo_okCommitThenAbort(JNIEnv *env, jclass cls,
                                                   jshortArray a) {
  jshort *s = (*env)->GetShortArrayElements(env, a, NULL);
  if (s == NULL)
    return;
  s[0] = 1;
  (*env)->ReleaseShortArrayElements(env, a, s, JNI_COMMIT);
  s[1] = 2;
  (*env)->ReleaseShortArrayElements(env, a, s, JNI_ABORT);
}

JNIEXPORT jint JNICALL Java_Demo_okGotoCleanup(JNIEnv *env, jclass cls,
                                               jstring name, jbyteArray data) {
  jint rc = -1;
  jbyte *b = NULL;
  const char *c = (*env)->GetStringUTFChars(env, name, NULL);
  if (c == NULL)
    goto out;
  b = (*env)->GetByteArrayElements(env, data, NULL);
  if (b == NULL)
    goto out;
  if (c[0] == 0)
    goto out;
  rc = b[0];
out:
  if (b != NULL)
    (*env)->ReleaseByteArrayElements(env, data, b, JNI_ABORT);
  if (c != NULL)
    (*env)->ReleaseStringUTFChars(env, name, c);
  return rc;
}

JNIEXPORT jint JNICALL Java_Demo_okCriticalCopied(JNIEnv *env, jclass cls,
                                                  jstring s, jchar *out,
                                                  jsize n) {
  const jchar *c = (*env)->GetStringCritical(env, s, NULL);
  if (c == NULL)
    return -1;
  memcpy(out, c, (size_t)n * sizeof(jchar));
  (*env)->ReleaseStringCritical(env, s, c);
  return 0;
}

JNIEXPORT void JNICALL Java_Demo_okBooleanAndChar(JNIEnv *env, jclass cls,
                                                  jbooleanArray flags,
                                                  jcharArray chars) {
  jboolean *f = (*env)->GetBooleanArrayElements(env, flags, NULL);
  if (f == NULL)
    return;
  jchar *c = (*env)->GetCharArrayElements(env, chars, NULL);
  if (c == NULL) {
    (*env)->ReleaseBooleanArrayElements(env, flags, f, JNI_ABORT);
    return;
  }
  c[0] = f[0] ? 'y' : 'n';
  (*env)->ReleaseCharArrayElements(env, chars, c, 0);
  (*env)->ReleaseBooleanArrayElements(env, flags, f, JNI_ABORT);
}
