// RUN: not %custody %s -- %cflags | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- %cflags | FileCheck %s --implicit-check-not=warning:

// jni-local-ref-leak: local references are freed when the native method
// returns, so one that is not deleted is a leak only where they pile up: one
// per iteration of a loop, or in a thread this code attached (returning to
// native code frees nothing until DetachCurrentThread).

#include <jni.h>
#include <stddef.h>

JNIEXPORT jint JNICALL Java_Demo_localRefLeak01LoopNotDeleted(
    JNIEnv *env, jclass cls, jobjectArray a) {
  jint total = 0;
  jsize n = (*env)->GetArrayLength(env, a);
  for (jsize i = 0; i < n; i++) {
    jstring s = (jstring)(*env)->GetObjectArrayElement(env, a, i);
    total += (*env)->GetStringUTFLength(env, s);
  }
  // CHECK: :[[@LINE-1]]:3: warning: 's' (JNI local reference from 'GetObjectArrayElement') is not deleted with 'DeleteLocalRef' before the loop's next iteration; one piles up per iteration [jni-local-ref-leak]
  // CHECK: :[[@LINE-4]]:26: note: JNI local reference acquired here from 'GetObjectArrayElement'; the contract says 'DeleteLocalRef' releases it
  return total;
}

JNIEXPORT void JNICALL Java_Demo_localRefLeak02OverwrittenInWhile(
    JNIEnv *env, jclass cls, jobjectArray a, jint n) {
  jobject e = NULL;
  jint i = 0;
  while (i < n) {
    e = (*env)->GetObjectArrayElement(env, a, i++);
    // CHECK: :[[@LINE-1]]:5: warning: 'e' (JNI local reference from 'GetObjectArrayElement') is overwritten in a loop without 'DeleteLocalRef'; one piles up per iteration [jni-local-ref-leak]
    // CHECK: :[[@LINE-2]]:9: note: JNI local reference acquired here from 'GetObjectArrayElement'; the contract says 'DeleteLocalRef' releases it
    // CHECK: :[[@LINE+2]]:9: note: assuming 'e == NULL' is false
    // CHECK: :[[@LINE-5]]:10: note: assuming 'i < n' is true
    if (e == NULL)
      break;
  }
}

JNIEXPORT void JNICALL Java_Demo_localRefLeak03DiscardedInLoop(JNIEnv *env,
                                                              jclass cls,
                                                              jint n) {
  for (jint i = 0; i < n; i++) {
    (*env)->NewStringUTF(env, "tick");
    // CHECK: :[[@LINE-1]]:5: warning: the JNI local reference returned by 'NewStringUTF' is discarded inside a loop without being deleted; one piles up per iteration [jni-local-ref-leak]
    if ((*env)->ExceptionCheck(env))
      return;
  }
}

JNIEXPORT void JNICALL Java_Demo_localRefLeak04DoWhile(JNIEnv *env, jclass cls,
                                                      jobjectArray a,
                                                      jobject key) {
  jsize n = (*env)->GetArrayLength(env, a);
  jsize i = 0;
  do {
    jobject e = (*env)->GetObjectArrayElement(env, a, i);
    if ((*env)->IsSameObject(env, e, key))
      break;
  } while (++i < n);
  // CHECK: :[[@LINE-1]]:3: warning: 'e' (JNI local reference from 'GetObjectArrayElement') is not deleted with 'DeleteLocalRef' before the loop's next iteration; one piles up per iteration [jni-local-ref-leak]
  // CHECK: :[[@LINE-5]]:17: note: JNI local reference acquired here from 'GetObjectArrayElement'; the contract says 'DeleteLocalRef' releases it
  // CHECK: :[[@LINE-5]]:9: note: assuming '(*env)->IsSameObject(env, e, key)' is false
}

JNIEXPORT void JNICALL Java_Demo_localRefLeak05StoredButNotDeleted(
    JNIEnv *env, jclass cls, jobjectArray out, jint n) {
  for (jint i = 0; i < n; i++) {
    jstring s = (*env)->NewStringUTF(env, "x");
    if (s == NULL)
      return;
    (*env)->SetObjectArrayElement(env, out, i, s);
  }
  // CHECK: :[[@LINE-1]]:3: warning: 's' (JNI local reference from 'NewStringUTF') is not deleted with 'DeleteLocalRef' before the loop's next iteration; one piles up per iteration [jni-local-ref-leak]
  // CHECK: :[[@LINE-6]]:17: note: JNI local reference acquired here from 'NewStringUTF'; the contract says 'DeleteLocalRef' releases it
}

// A native thread this code attached: its local references stay until the
// thread detaches.
static JavaVM *g_vm;

void *Demo_localRefLeak06AttachedThread(void *arg) {
  JNIEnv *env;
  if ((*g_vm)->AttachCurrentThread(g_vm, (void **)&env, NULL) != JNI_OK)
    return NULL;
  jstring s = (*env)->NewStringUTF(env, "tick");
  if (s == NULL)
    return NULL;
  (*env)->SetObjectArrayElement(env, (jobjectArray)arg, 0, s);
  return NULL;
  // CHECK: :[[@LINE-1]]:3: warning: 's' (JNI local reference from 'NewStringUTF') is never deleted; this code attached the thread, so returning does not free it [jni-local-ref-leak]
  // CHECK: :[[@LINE-6]]:15: note: JNI local reference acquired here from 'NewStringUTF'; the contract says 'DeleteLocalRef' releases it
}

// A local reference passed straight into a call is not deleted either.
JNIEXPORT void JNICALL Java_Demo_localRefLeak07PassedStraightIn(
    JNIEnv *env, jclass cls, jobjectArray out) {
  jsize n = (*env)->GetArrayLength(env, out);
  for (jsize i = 0; i < n; i++)
    (*env)->SetObjectArrayElement(env, out, i, (*env)->NewStringUTF(env, ""));
  // CHECK: :[[@LINE-1]]:48: warning: the JNI local reference returned by 'NewStringUTF' is never deleted inside a loop; one piles up per iteration [jni-local-ref-leak]
}

// --- Must stay silent -------------------------------------------------------

JNIEXPORT jint JNICALL Java_Demo_okDeletedEachIteration(JNIEnv *env,
                                                        jclass cls,
                                                        jobjectArray a) {
  jint total = 0;
  jsize n = (*env)->GetArrayLength(env, a);
  for (jsize i = 0; i < n; i++) {
    jstring s = (jstring)(*env)->GetObjectArrayElement(env, a, i);
    total += (*env)->GetStringUTFLength(env, s);
    (*env)->DeleteLocalRef(env, s);
  }
  return total;
}

JNIEXPORT jint JNICALL Java_Demo_okLocalFrameInLoop(JNIEnv *env, jclass cls,
                                                   jobjectArray a) {
  jint total = 0;
  jsize n = (*env)->GetArrayLength(env, a);
  for (jsize i = 0; i < n; i++) {
    if ((*env)->PushLocalFrame(env, 4) != 0)
      return -1;
    jobject e = (*env)->GetObjectArrayElement(env, a, i);
    jclass k = (*env)->GetObjectClass(env, e);
    total += (*env)->IsInstanceOf(env, e, cls) ? 1 : 0;
    (void)k;
    (*env)->PopLocalFrame(env, NULL);
  }
  return total;
}

// One frame around the whole loop: PopLocalFrame frees what the loop made.
JNIEXPORT jint JNICALL Java_Demo_okFrameAroundLoop(JNIEnv *env, jclass cls,
                                                  jobjectArray a) {
  jsize n = (*env)->GetArrayLength(env, a);
  if ((*env)->PushLocalFrame(env, n + 1) != 0)
    return -1;
  jint found = 0;
  for (jsize i = 0; i < n; i++) {
    jobject e = (*env)->GetObjectArrayElement(env, a, i);
    if ((*env)->IsInstanceOf(env, e, cls))
      found++;
  }
  (*env)->PopLocalFrame(env, NULL);
  return found;
}

JNIEXPORT void JNICALL Java_Demo_okSmallConstantBound(JNIEnv *env, jclass cls,
                                                      jobjectArray a) {
  for (int i = 0; i < 4; i++) {
    jobject e = (*env)->GetObjectArrayElement(env, a, i);
    if ((*env)->IsSameObject(env, e, NULL))
      return;
  }
}

JNIEXPORT jstring JNICALL Java_Demo_okNotInLoop(JNIEnv *env, jclass cls,
                                                jobject o) {
  jclass k = (*env)->GetObjectClass(env, o);
  jstring s = (*env)->NewStringUTF(env, "x");
  (void)k;
  return s;
}

JNIEXPORT jobject JNICALL Java_Demo_okReturnedFromLoop(JNIEnv *env,
                                                       jclass cls,
                                                       jobjectArray a,
                                                       jobject key) {
  jsize n = (*env)->GetArrayLength(env, a);
  for (jsize i = 0; i < n; i++) {
    jobject e = (*env)->GetObjectArrayElement(env, a, i);
    if ((*env)->IsSameObject(env, e, key))
      return e;
    (*env)->DeleteLocalRef(env, e);
  }
  return NULL;
}

void *Demo_okAttachedAndDeleted(void *arg) {
  JNIEnv *env;
  if ((*g_vm)->AttachCurrentThread(g_vm, (void **)&env, NULL) != JNI_OK)
    return NULL;
  jstring s = (*env)->NewStringUTF(env, "tick");
  if (s != NULL)
    (*env)->DeleteLocalRef(env, s);
  return NULL;
}

void *Demo_okAttachedAndDetached(void *arg) {
  JNIEnv *env;
  if ((*g_vm)->AttachCurrentThread(g_vm, (void **)&env, NULL) != JNI_OK)
    return NULL;
  jclass k = (*env)->FindClass(env, "Demo");
  if (k == NULL)
    (*env)->ExceptionClear(env);
  (*g_vm)->DetachCurrentThread(g_vm);
  return NULL;
}

// A checked EnsureLocalCapacity makes room for what the loop makes.
JNIEXPORT void JNICALL Java_Demo_okLoopAfterEnsureLocalCapacity(
    JNIEnv *env, jclass cls, jobjectArray arr, jint n) {
  if ((*env)->EnsureLocalCapacity(env, n) != 0)
    return;
  for (jint i = 0; i < n; i++) {
    jobject e = (*env)->GetObjectArrayElement(env, arr, i);
    (void)e;
  }
}
