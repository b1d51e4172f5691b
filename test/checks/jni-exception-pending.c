// RUN: not %custody %s -- %cflags | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- %cflags | FileCheck %s --implicit-check-not=warning:

// jni-exception-pending: after a JNI function that can throw, only the
// exception-safe functions (ExceptionCheck, ExceptionOccurred,
// ExceptionClear, DeleteLocalRef, Release*, ...) may be called until the
// exception is checked.

#include <jni.h>
#include <stddef.h>

JNIEXPORT void JNICALL Java_Demo_exceptionPending01FindClassThenGetMethodID(
    JNIEnv *env, jobject self) {
  jclass k = (*env)->FindClass(env, "Demo$Listener");
  jmethodID m = (*env)->GetMethodID(env, k, "run", "()V");
  // CHECK: :[[@LINE-1]]:17: warning: 'GetMethodID' is called while an exception from 'FindClass' may be pending; check for it (ExceptionCheck) first [jni-exception-pending]
  // CHECK: :[[@LINE-3]]:14: note: 'FindClass' may leave an exception pending here
  if (m == NULL)
    return;
  (*env)->CallVoidMethod(env, self, m);
}

JNIEXPORT jint JNICALL Java_Demo_exceptionPending02CallThenCall(
    JNIEnv *env, jobject self, jmethodID run, jstring s) {
  (*env)->CallVoidMethod(env, self, run);
  return (*env)->GetStringLength(env, s);
  // CHECK: :[[@LINE-1]]:10: warning: 'GetStringLength' is called while an exception from 'CallVoidMethod' may be pending; check for it (ExceptionCheck) first [jni-exception-pending]
  // CHECK: :[[@LINE-3]]:3: note: 'CallVoidMethod' may leave an exception pending here
}

JNIEXPORT void JNICALL Java_Demo_exceptionPending03ThrowThenCall(JNIEnv *env,
                                                                jclass cls) {
  jclass ex = (*env)->FindClass(env, "java/lang/IllegalStateException");
  if (ex == NULL)
    return;
  (*env)->ThrowNew(env, ex, "closed");
  jstring s = (*env)->NewStringUTF(env, "closed");
  // CHECK: :[[@LINE-1]]:15: warning: 'NewStringUTF' is called while an exception from 'ThrowNew' may be pending; check for it (ExceptionCheck) first [jni-exception-pending]
  // CHECK: :[[@LINE-3]]:3: note: 'ThrowNew' may leave an exception pending here
  (void)s;
}

JNIEXPORT void JNICALL Java_Demo_exceptionPending04FieldIDUnchecked(
    JNIEnv *env, jobject self) {
  jclass k = (*env)->GetObjectClass(env, self);
  jfieldID f = (*env)->GetFieldID(env, k, "count", "I");
  (*env)->SetIntField(env, self, f, 1);
  // CHECK: :[[@LINE-1]]:3: warning: 'SetIntField' is called while an exception from 'GetFieldID' may be pending; check for it (ExceptionCheck) first [jni-exception-pending]
  // CHECK: :[[@LINE-3]]:16: note: 'GetFieldID' may leave an exception pending here
}

JNIEXPORT jobject JNICALL Java_Demo_exceptionPending05NewObjectUnchecked(
    JNIEnv *env, jclass cls, jmethodID ctor, jobject list, jmethodID add) {
  jobject o = (*env)->NewObject(env, cls, ctor);
  (*env)->CallBooleanMethod(env, list, add, o);
  // CHECK: :[[@LINE-1]]:3: warning: 'CallBooleanMethod' is called while an exception from 'NewObject' may be pending; check for it (ExceptionCheck) first [jni-exception-pending]
  // CHECK: :[[@LINE-3]]:15: note: 'NewObject' may leave an exception pending here
  return o;
}

// The value of a Call<Type>Method says nothing about an exception.
JNIEXPORT jint JNICALL Java_Demo_exceptionPending06IntResultTested(
    JNIEnv *env, jobject self, jmethodID size, jstring s) {
  jint n = (*env)->CallIntMethod(env, self, size);
  if (n < 0)
    return -1;
  return n + (*env)->GetStringLength(env, s);
  // CHECK: :[[@LINE-1]]:14: warning: 'GetStringLength' is called while an exception from 'CallIntMethod' may be pending; check for it (ExceptionCheck) first [jni-exception-pending]
  // CHECK: :[[@LINE-5]]:12: note: 'CallIntMethod' may leave an exception pending here
}

// --- Must stay silent -------------------------------------------------------

JNIEXPORT void JNICALL Java_Demo_okNullCheckedLookups(JNIEnv *env,
                                                      jobject self) {
  jclass k = (*env)->FindClass(env, "Demo$Listener");
  if (k == NULL)
    return;
  jmethodID m = (*env)->GetMethodID(env, k, "run", "()V");
  if (m == NULL)
    return;
  (*env)->CallVoidMethod(env, self, m);
}

JNIEXPORT void JNICALL Java_Demo_okExceptionCheckThenRelease(JNIEnv *env,
                                                            jobject self,
                                                            jmethodID m,
                                                            jstring s) {
  const char *c = (*env)->GetStringUTFChars(env, s, NULL);
  if (c == NULL)
    return;
  (*env)->CallVoidMethod(env, self, m);
  if ((*env)->ExceptionCheck(env)) {
    (*env)->ReleaseStringUTFChars(env, s, c);
    return;
  }
  (*env)->ReleaseStringUTFChars(env, s, c);
}

JNIEXPORT void JNICALL Java_Demo_okExceptionOccurredThenDelete(JNIEnv *env,
                                                              jobject self,
                                                              jmethodID m) {
  jstring s = (*env)->NewStringUTF(env, "x");
  if (s == NULL)
    return;
  (*env)->CallVoidMethod(env, self, m, s);
  jthrowable t = (*env)->ExceptionOccurred(env);
  if (t != NULL) {
    (*env)->DeleteLocalRef(env, s);
    return;
  }
  (*env)->DeleteLocalRef(env, s);
}

// Cleanup that is allowed with an exception pending.
JNIEXPORT void JNICALL Java_Demo_okCleanupBeforeCheck(JNIEnv *env,
                                                      jobject self,
                                                      jmethodID m,
                                                      jstring s) {
  const char *c = (*env)->GetStringUTFChars(env, s, NULL);
  if (c == NULL)
    return;
  (*env)->CallVoidMethod(env, self, m);
  (*env)->ReleaseStringUTFChars(env, s, c);
  if ((*env)->ExceptionCheck(env))
    return;
}

static void describe_and_clear(JNIEnv *env) {
  if ((*env)->ExceptionCheck(env)) {
    (*env)->ExceptionDescribe(env);
    (*env)->ExceptionClear(env);
  }
}

JNIEXPORT jint JNICALL Java_Demo_okHelperChecks(JNIEnv *env, jobject self,
                                                jmethodID m, jstring s) {
  (*env)->CallVoidMethod(env, self, m);
  describe_and_clear(env);
  return (*env)->GetStringLength(env, s);
}

JNIEXPORT void JNICALL Java_Demo_okCleared(JNIEnv *env, jobject self,
                                           jmethodID m) {
  (*env)->CallVoidMethod(env, self, m);
  (*env)->ExceptionClear(env);
  (*env)->CallVoidMethod(env, self, m);
}

JNIEXPORT void JNICALL Java_Demo_okThrowThenReturn(JNIEnv *env, jclass cls) {
  jclass ex = (*env)->FindClass(env, "java/lang/IllegalStateException");
  if (ex == NULL)
    return;
  (*env)->ThrowNew(env, ex, "closed");
  (*env)->DeleteLocalRef(env, ex);
}

JNIEXPORT jobject JNICALL Java_Demo_okResultNullChecked(JNIEnv *env,
                                                        jobject self,
                                                        jmethodID get) {
  jobject r = (*env)->CallObjectMethod(env, self, get);
  if (r == NULL)
    return NULL;
  jclass k = (*env)->GetObjectClass(env, r);
  (*env)->DeleteLocalRef(env, k);
  return r;
}

JNIEXPORT jint JNICALL Java_Demo_okCheckedInLoop(JNIEnv *env, jobject self,
                                                 jmethodID m,
                                                 jobjectArray a) {
  jsize n = (*env)->GetArrayLength(env, a);
  for (jsize i = 0; i < n; i++) {
    jobject e = (*env)->GetObjectArrayElement(env, a, i);
    (*env)->CallVoidMethod(env, e, m);
    (*env)->DeleteLocalRef(env, e);
    if ((*env)->ExceptionCheck(env))
      return -1;
  }
  return 0;
}

// Lookups cached in globals, each one guarded by the macro: the failure path
// returns at once.
static jclass g_point_class;
static jclass g_line_class;

#define CACHE_CLASS(var, name)                                                 \
  if (!((var = (*env)->FindClass(env, name)) &&                                \
        (var = (*env)->NewWeakGlobalRef(env, var))))                           \
    return -1;

JNIEXPORT jint JNICALL Java_Demo_okShortCircuitMacro(JNIEnv *env, jclass cls) {
  CACHE_CLASS(g_point_class, "demo/Point");
  CACHE_CLASS(g_line_class, "demo/Line");
  return 0;
}

// Results stored into a global or a field are tested later, all at once.
struct demo_ids {
  jfieldID x;
  jmethodID init;
};
static struct demo_ids g_ids;
static jmethodID g_to_string;

JNIEXPORT jint JNICALL Java_Demo_okIdsCachedThenTested(JNIEnv *env,
                                                       jclass cls) {
  g_to_string = (*env)->GetMethodID(env, cls, "toString",
                                    "()Ljava/lang/String;");
  g_ids.x = (*env)->GetFieldID(env, cls, "x", "I");
  g_ids.init = (*env)->GetMethodID(env, cls, "<init>", "(I)V");
  if (g_to_string == NULL || g_ids.x == NULL || g_ids.init == NULL)
    return -1;
  return 0;
}
