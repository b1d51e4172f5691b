// RUN: not %custody %s -- %cflags | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- %cflags | FileCheck %s --implicit-check-not=warning:

// jni-wrong-release: a reference deleted with the function for another kind
// of reference, a buffer released with the function for another kind, or
// with another array or string than the one it came from.

#include <jni.h>
#include <stddef.h>

JNIEXPORT void JNICALL Java_Demo_wrongRelease01DeleteLocalRefOnGlobal(
    JNIEnv *env, jclass cls, jobject o) {
  jobject g = (*env)->NewGlobalRef(env, o);
  if (g == NULL)
    return;
  (*env)->DeleteLocalRef(env, g);
  // CHECK: :[[@LINE-1]]:3: warning: 'g' (JNI global reference from 'NewGlobalRef') is released with 'DeleteLocalRef', which releases JNI local reference [jni-wrong-release]
  // CHECK: :[[@LINE-5]]:15: note: JNI global reference acquired here from 'NewGlobalRef'; the contract says 'DeleteGlobalRef' releases it
}

JNIEXPORT void JNICALL Java_Demo_wrongRelease02DeleteGlobalRefOnLocal(
    JNIEnv *env, jclass cls, jobject o) {
  jclass k = (*env)->GetObjectClass(env, o);
  (*env)->DeleteGlobalRef(env, k);
  // CHECK: :[[@LINE-1]]:3: warning: 'k' (JNI local reference from 'GetObjectClass') is released with 'DeleteGlobalRef', which releases JNI global reference [jni-wrong-release]
  // CHECK: :[[@LINE-3]]:14: note: JNI local reference acquired here from 'GetObjectClass'; the contract says 'DeleteLocalRef' releases it
}

JNIEXPORT void JNICALL Java_Demo_wrongRelease03DeleteGlobalRefOnWeak(
    JNIEnv *env, jclass cls, jobject o) {
  jweak w = (*env)->NewWeakGlobalRef(env, o);
  if (w == NULL)
    return;
  (*env)->DeleteGlobalRef(env, w);
  // CHECK: :[[@LINE-1]]:3: warning: 'w' (JNI weak global reference from 'NewWeakGlobalRef') is released with 'DeleteGlobalRef', which releases JNI global reference [jni-wrong-release]
  // CHECK: :[[@LINE-5]]:13: note: JNI weak global reference acquired here from 'NewWeakGlobalRef'; the contract says 'DeleteWeakGlobalRef' releases it
}

JNIEXPORT void JNICALL Java_Demo_wrongRelease04AnotherArray(JNIEnv *env,
                                                           jclass cls,
                                                           jintArray src,
                                                           jintArray dst) {
  jint *e = (*env)->GetIntArrayElements(env, src, NULL);
  if (e == NULL)
    return;
  e[0] = 1;
  (*env)->ReleaseIntArrayElements(env, dst, e, 0);
  // CHECK: :[[@LINE-1]]:3: warning: 'e' (JNI int array elements from 'GetIntArrayElements') came from 'src' but 'ReleaseIntArrayElements' is given 'dst' [jni-wrong-release]
  // CHECK: :[[@LINE-6]]:13: note: JNI int array elements acquired here from 'GetIntArrayElements'; the contract says 'ReleaseIntArrayElements' releases it
}

JNIEXPORT void JNICALL Java_Demo_wrongRelease05StringCharsOnUtf(JNIEnv *env,
                                                               jclass cls,
                                                               jstring s) {
  const char *c = (*env)->GetStringUTFChars(env, s, NULL);
  if (c == NULL)
    return;
  (*env)->ReleaseStringChars(env, s, (const jchar *)c);
  // CHECK: :[[@LINE-1]]:3: warning: 'c' (JNI UTF-8 characters from 'GetStringUTFChars') is released with 'ReleaseStringChars', which releases JNI string characters [jni-wrong-release]
  // CHECK: :[[@LINE-5]]:19: note: JNI UTF-8 characters acquired here from 'GetStringUTFChars'; the contract says 'ReleaseStringUTFChars' releases it
}

JNIEXPORT void JNICALL Java_Demo_wrongRelease06AnotherString(JNIEnv *env,
                                                            jclass cls,
                                                            jstring name,
                                                            jstring value) {
  const char *c = (*env)->GetStringUTFChars(env, name, NULL);
  if (c == NULL)
    return;
  (*env)->ReleaseStringUTFChars(env, value, c);
  // CHECK: :[[@LINE-1]]:3: warning: 'c' (JNI UTF-8 characters from 'GetStringUTFChars') came from 'name' but 'ReleaseStringUTFChars' is given 'value' [jni-wrong-release]
  // CHECK: :[[@LINE-5]]:19: note: JNI UTF-8 characters acquired here from 'GetStringUTFChars'; the contract says 'ReleaseStringUTFChars' releases it
}

JNIEXPORT void JNICALL Java_Demo_wrongRelease07ByteReleaseOnIntElements(
    JNIEnv *env, jclass cls, jintArray a) {
  jint *e = (*env)->GetIntArrayElements(env, a, NULL);
  if (e == NULL)
    return;
  (*env)->ReleaseByteArrayElements(env, (jbyteArray)a, (jbyte *)e, JNI_ABORT);
  // CHECK: :[[@LINE-1]]:3: warning: 'e' (JNI int array elements from 'GetIntArrayElements') is released with 'ReleaseByteArrayElements', which releases JNI byte array elements [jni-wrong-release]
  // CHECK: :[[@LINE-5]]:13: note: JNI int array elements acquired here from 'GetIntArrayElements'; the contract says 'ReleaseIntArrayElements' releases it
}

// --- Must stay silent -------------------------------------------------------

// A local reference received as an argument may be deleted.
JNIEXPORT void JNICALL Java_Demo_okDeleteLocalRefArgument(JNIEnv *env,
                                                          jclass cls,
                                                          jobject o) {
  (*env)->DeleteLocalRef(env, o);
}

JNIEXPORT void JNICALL Java_Demo_okMatchingReleasers(JNIEnv *env, jclass cls,
                                                     jobject o, jstring s) {
  jweak w = (*env)->NewWeakGlobalRef(env, o);
  if (w == NULL)
    return;
  jobject g = (*env)->NewGlobalRef(env, o);
  const char *c = (*env)->GetStringUTFChars(env, s, NULL);
  if (c != NULL)
    (*env)->ReleaseStringUTFChars(env, s, c);
  if (g != NULL)
    (*env)->DeleteGlobalRef(env, g);
  (*env)->DeleteWeakGlobalRef(env, w);
}

JNIEXPORT void JNICALL Java_Demo_okByteElements(JNIEnv *env, jclass cls,
                                                jbyteArray a) {
  jbyte *b = (*env)->GetByteArrayElements(env, a, NULL);
  if (b == NULL)
    return;
  b[0] = 0;
  (*env)->ReleaseByteArrayElements(env, a, b, 0);
}

// The same array through a copy of the variable.
JNIEXPORT void JNICALL Java_Demo_okSameArrayThroughCopy(JNIEnv *env,
                                                        jclass cls,
                                                        jintArray a) {
  jintArray same = a;
  jint *e = (*env)->GetIntArrayElements(env, a, NULL);
  if (e == NULL)
    return;
  e[0] = 0;
  (*env)->ReleaseIntArrayElements(env, same, e, 0);
}
