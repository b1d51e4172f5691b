// RUN: not %custody %s -- %cflags | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- %cflags | FileCheck %s --implicit-check-not=warning:

// The built-in JNI contract (contracts/jni.yaml) on the JDK's real <jni.h>,
// C form: JNI functions are function pointers called as (*env)->F(env, ...).

#include <jni.h>
#include <stdlib.h>
#include <string.h>

JNIEXPORT jint JNICALL Java_Demo_checkLeak01UtfChars(JNIEnv *env, jclass cls,
                                                     jstring s) {
  const char *c = (*env)->GetStringUTFChars(env, s, NULL);
  if (!c)
    return -1;
  if (c[0] == 0)
    return 0;
  // CHECK: :[[@LINE-1]]:5: warning: 'c' (JNI UTF-8 characters from 'GetStringUTFChars') is not released on this path [jni-elements-leak]
  // CHECK: :[[@LINE-6]]:19: note: JNI UTF-8 characters acquired here from 'GetStringUTFChars'; the contract says 'ReleaseStringUTFChars' releases it
  // CHECK: :[[@LINE-4]]:7: note: assuming 'c[0] == 0' is true
  jint n = (jint)strlen(c);
  (*env)->ReleaseStringUTFChars(env, s, c);
  return n;
}

JNIEXPORT void JNICALL Java_Demo_checkLeak02ArrayElements(JNIEnv *env,
                                                          jclass cls,
                                                          jintArray a) {
  jint *e = (*env)->GetIntArrayElements(env, a, NULL);
  if (e == NULL)
    return;
  e[0] = 1;
}
// CHECK: :[[@LINE-1]]:1: warning: 'e' (JNI int array elements from 'GetIntArrayElements') is not released on this path [jni-elements-leak]
// CHECK: :[[@LINE-6]]:13: note: JNI int array elements acquired here from 'GetIntArrayElements'; the contract says 'ReleaseIntArrayElements' releases it

JNIEXPORT void JNICALL Java_Demo_checkDoubleRelease01GlobalRef(JNIEnv *env,
                                                               jobject obj) {
  jobject g = (*env)->NewGlobalRef(env, obj);
  (*env)->DeleteGlobalRef(env, g);
  (*env)->DeleteGlobalRef(env, g);
  // CHECK: :[[@LINE-1]]:3: warning: 'g' is released by 'DeleteGlobalRef' after it was already released by 'DeleteGlobalRef' [jni-double-release]
  // CHECK: :[[@LINE-4]]:15: note: JNI global reference acquired here from 'NewGlobalRef'; the contract says 'DeleteGlobalRef' releases it
  // CHECK: :[[@LINE-4]]:3: note: first released here
}

// --- Must stay silent -------------------------------------------------------

static jobject g_listener; // A global ref kept for the life of the library.

JNIEXPORT void JNICALL Java_Demo_checkNoLeak01StoredGlobal(JNIEnv *env,
                                                           jclass cls,
                                                           jobject l) {
  jobject ref = (*env)->NewGlobalRef(env, l);
  if (ref == NULL)
    return;
  g_listener = ref;
}

JNIEXPORT jint JNICALL Java_Demo_checkNoLeak02Released(JNIEnv *env, jclass cls,
                                                       jstring s) {
  const char *c = (*env)->GetStringUTFChars(env, s, NULL);
  if (c == NULL)
    return -1;
  jint n = (jint)strlen(c);
  (*env)->ReleaseStringUTFChars(env, s, c);
  return n;
}

JNIEXPORT jint JNICALL Java_Demo_checkNoLeak03ArrayGoto(JNIEnv *env,
                                                        jclass cls,
                                                        jbyteArray a) {
  jint rc = -1;
  jbyte *b = (*env)->GetByteArrayElements(env, a, NULL);
  if (b == NULL)
    goto out;
  if (b[0] == 0)
    goto release;
  rc = b[0];
release:
  (*env)->ReleaseByteArrayElements(env, a, b, JNI_ABORT);
out:
  return rc;
}

// A free function named like a JNI member is not the JNI one.
static void DeleteGlobalRef(void *p) { free(p); }
void checkNoLeak04NotJni(void) { DeleteGlobalRef(malloc(4)); }

JNIEXPORT void JNICALL Java_Demo_checkWrongRelease01ArrayKind(JNIEnv *env,
                                                              jclass cls,
                                                              jintArray a) {
  jint *e = (*env)->GetIntArrayElements(env, a, NULL);
  if (e == NULL)
    return;
  (*env)->ReleaseLongArrayElements(env, (jlongArray)a, (jlong *)e, 0);
  // CHECK: :[[@LINE-1]]:3: warning: 'e' (JNI int array elements from 'GetIntArrayElements') is released with 'ReleaseLongArrayElements', which releases JNI long array elements [jni-wrong-release]
  // CHECK: :[[@LINE-5]]:13: note: JNI int array elements acquired here from 'GetIntArrayElements'; the contract says 'ReleaseIntArrayElements' releases it
}
