// RUN: not %custody %s -- %cflags | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- %cflags | FileCheck %s --implicit-check-not=warning:

// jni-local-ref-in-global: a local reference left in a global (or static)
// variable when the function returns. The JVM frees local references when
// the native call that made them returns; the global then holds a dangling
// reference that a later call uses.

#include <jni.h>
#include <stddef.h>

static jclass g_oom;
static jclass g_string;
static jobject g_order;
static jclass g_helper;
static jmethodID g_length;
static jobject g_current;

// --- Must warn ---------------------------------------------------------------

JNIEXPORT void JNICALL Java_Demo_init01(JNIEnv *env, jclass cls) {
  g_oom = (*env)->FindClass(env, "java/lang/OutOfMemoryError");
  // CHECK: :[[@LINE-1]]:3: warning: 'g_oom' still holds the JNI local reference from 'FindClass' when 'Java_Demo_init01' returns; the runtime frees it when the call that made it ends, so later uses of 'g_oom' are invalid [jni-local-ref-in-global]
  // CHECK: :[[@LINE+1]]:1: note: 'Java_Demo_init01' returns here
}

JNIEXPORT jint JNICALL Java_Demo_init02NullChecked(JNIEnv *env, jclass cls) {
  g_string = (*env)->FindClass(env, "java/lang/String");
  // CHECK: :[[@LINE-1]]:3: warning: 'g_string' still holds the JNI local reference from 'FindClass' when 'Java_Demo_init02NullChecked' returns; the runtime frees it when the call that made it ends, so later uses of 'g_string' are invalid [jni-local-ref-in-global]
  if (g_string == NULL)
    return -1;
  g_length = (*env)->GetMethodID(env, g_string, "length", "()I");
  return 0;
  // CHECK: :[[@LINE-1]]:3: note: 'Java_Demo_init02NullChecked' returns here
}

// A helper that a native method calls: the reference outlives that call too.
static void cacheHelper(JNIEnv *env) {
  jclass c = (*env)->FindClass(env, "java/lang/Object");
  if (c == NULL)
    return;
  g_helper = c;
  // CHECK: :[[@LINE-1]]:3: warning: 'g_helper' still holds the JNI local reference from 'FindClass' when 'cacheHelper' returns; the runtime frees it when the call that made it ends, so later uses of 'g_helper' are invalid [jni-local-ref-in-global]
}

// --- Must stay silent --------------------------------------------------------

JNIEXPORT jint JNICALL Java_Demo_okGlobalRef(JNIEnv *env, jclass cls) {
  jclass local = (*env)->FindClass(env, "java/lang/String");
  if (local == NULL)
    return -1;
  g_string = (*env)->NewGlobalRef(env, local);
  (*env)->DeleteLocalRef(env, local);
  return g_string == NULL ? -1 : 0;
}

// Stored, tested, then replaced by a global reference made from it.
JNIEXPORT jint JNICALL Java_Demo_okReplacedByGlobalRef(JNIEnv *env,
                                                       jclass cls) {
  g_oom = (*env)->FindClass(env, "java/lang/OutOfMemoryError");
  if (g_oom == NULL)
    return -1;
  g_oom = (*env)->NewGlobalRef(env, g_oom);
  return 0;
}

// JNA's macros: the assignment tested in a '&&' chain, then a weak global.
#define FIND(ENV, VAR, NAME) (VAR = (*ENV)->FindClass(ENV, NAME))
#define WEAKEN(ENV, VAR)                                                       \
  ((VAR == 0) ? 0 : ((VAR = (*ENV)->NewWeakGlobalRef(ENV, VAR)) == 0 ? 0 : VAR))
JNIEXPORT jint JNICALL Java_Demo_okWeakenedInChain(JNIEnv *env, jclass cls) {
  if (!(FIND(env, g_helper, "java/lang/Void") && WEAKEN(env, g_helper)))
    return -1;
  return 0;
}

// An exception check after the store: where it found one, the call failed
// and left NULL; where not, a global reference replaces it.
JNIEXPORT jint JNICALL Java_Demo_okExceptionChecked(JNIEnv *env, jclass cls,
                                                    jfieldID f) {
  if (g_order == NULL) {
    g_order = (*env)->GetStaticObjectField(env, cls, f);
    if ((*env)->ExceptionCheck(env))
      return -1;
    g_order = (*env)->NewGlobalRef(env, g_order);
  }
  return 0;
}

// Kept in a global only while the call runs.
JNIEXPORT void JNICALL Java_Demo_okClearedBeforeReturn(JNIEnv *env, jclass cls,
                                                       jmethodID run) {
  jobject o = (*env)->AllocObject(env, cls);
  if (o == NULL)
    return;
  g_current = o;
  (*env)->CallVoidMethod(env, g_current, run);
  g_current = NULL;
  (*env)->DeleteLocalRef(env, o);
}
