// RUN: not %custody %s -- %cflags | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- %cflags | FileCheck %s --implicit-check-not=warning:

// jni-global-ref-leak: global and weak global references (NewGlobalRef,
// NewWeakGlobalRef) live until DeleteGlobalRef / DeleteWeakGlobalRef, so one
// that is dropped on some path is never freed.

#include <jni.h>
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>

JNIEXPORT jint JNICALL Java_Demo_globalRefLeak01EarlyReturn(JNIEnv *env,
                                                           jclass cls,
                                                           jobject o, jint n) {
  jobject g = (*env)->NewGlobalRef(env, o);
  if (g == NULL)
    return -1;
  if (n < 0)
    return -1;
  // CHECK: :[[@LINE-1]]:5: warning: 'g' (JNI global reference from 'NewGlobalRef') is not released on this path [jni-global-ref-leak]
  // CHECK: :[[@LINE-6]]:15: note: JNI global reference acquired here from 'NewGlobalRef'; the contract says 'DeleteGlobalRef' releases it
  // CHECK: :[[@LINE-4]]:7: note: assuming 'n < 0' is true
  (*env)->DeleteGlobalRef(env, g);
  return 0;
}

JNIEXPORT void JNICALL Java_Demo_globalRefLeak02DeletedOnOneBranch(
    JNIEnv *env, jclass cls, jobject o, jboolean done) {
  jobject g = (*env)->NewGlobalRef(env, o);
  if (g == NULL)
    return;
  if (done)
    (*env)->DeleteGlobalRef(env, g);
}
// CHECK: :[[@LINE-1]]:1: warning: 'g' (JNI global reference from 'NewGlobalRef') is not released on this path [jni-global-ref-leak]
// CHECK: :[[@LINE-7]]:15: note: JNI global reference acquired here from 'NewGlobalRef'; the contract says 'DeleteGlobalRef' releases it
// CHECK: :[[@LINE-5]]:7: note: assuming 'done' is false

JNIEXPORT void JNICALL Java_Demo_globalRefLeak03WeakNeverDeleted(JNIEnv *env,
                                                                jclass cls,
                                                                jobject o) {
  jweak w = (*env)->NewWeakGlobalRef(env, o);
  if (w == NULL)
    return;
}
// CHECK: :[[@LINE-1]]:1: warning: 'w' (JNI weak global reference from 'NewWeakGlobalRef') is not released on this path [jni-global-ref-leak]
// CHECK: :[[@LINE-5]]:13: note: JNI weak global reference acquired here from 'NewWeakGlobalRef'; the contract says 'DeleteWeakGlobalRef' releases it

JNIEXPORT void JNICALL Java_Demo_globalRefLeak04Discarded(JNIEnv *env,
                                                         jclass cls,
                                                         jobject o) {
  (*env)->NewGlobalRef(env, o);
  // CHECK: :[[@LINE-1]]:3: warning: the result of 'NewGlobalRef' (JNI global reference) is discarded, so it can never be released [jni-global-ref-leak]
}

// A helper defined here is summarized: its caller owns what it returns.
static jobject make_global(JNIEnv *env, jobject o) {
  return (*env)->NewGlobalRef(env, o);
}

static jobject g_saved;

JNIEXPORT void JNICALL Java_Demo_globalRefLeak05FromHelper(JNIEnv *env,
                                                          jclass cls,
                                                          jobject o,
                                                          jboolean keep) {
  jobject g = make_global(env, o);
  if (g == NULL)
    return;
  if (!keep)
    return;
  // CHECK: :[[@LINE-1]]:5: warning: 'g' (JNI global reference from 'make_global') is not released on this path [jni-global-ref-leak]
  // CHECK: :[[@LINE-6]]:15: note: JNI global reference acquired here from 'make_global'; the contract says 'DeleteGlobalRef' releases it
  // CHECK: :[[@LINE-4]]:7: note: assuming '!keep' is true
  g_saved = g;
}

static jobject g_listener;
static jmethodID g_on_event;

JNIEXPORT jint JNICALL Java_Demo_globalRefLeak06LookupFails(JNIEnv *env,
                                                           jclass cls,
                                                           jobject listener) {
  jobject g = (*env)->NewGlobalRef(env, listener);
  if (g == NULL)
    return -1;
  jclass k = (*env)->GetObjectClass(env, listener);
  jmethodID m = (*env)->GetMethodID(env, k, "onEvent", "(I)V");
  if (m == NULL)
    return -1;
  // CHECK: :[[@LINE-1]]:5: warning: 'g' (JNI global reference from 'NewGlobalRef') is not released on this path [jni-global-ref-leak]
  // CHECK: :[[@LINE-8]]:15: note: JNI global reference acquired here from 'NewGlobalRef'; the contract says 'DeleteGlobalRef' releases it
  // CHECK: :[[@LINE-5]]:17: note: assuming 'GetMethodID' fails (its result is == 0)
  g_listener = g;
  g_on_event = m;
  return 0;
}

// --- Must stay silent -------------------------------------------------------

// Stored into a static in JNI_OnLoad, deleted in JNI_OnUnload.
static jclass g_demo_class;

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved) {
  JNIEnv *env;
  if ((*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_6) != JNI_OK)
    return JNI_ERR;
  jclass local = (*env)->FindClass(env, "Demo");
  if (local == NULL)
    return JNI_ERR;
  g_demo_class = (jclass)(*env)->NewGlobalRef(env, local);
  (*env)->DeleteLocalRef(env, local);
  if (g_demo_class == NULL)
    return JNI_ERR;
  return JNI_VERSION_1_6;
}

JNIEXPORT void JNICALL JNI_OnUnload(JavaVM *vm, void *reserved) {
  JNIEnv *env;
  if ((*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_6) != JNI_OK)
    return;
  if (g_demo_class != NULL)
    (*env)->DeleteGlobalRef(env, g_demo_class);
  g_demo_class = NULL;
}
// The unload function deletes one global reference but not the others that
// native methods stored in globals.
// CHECK: :[[@LINE-3]]:1: warning: 'g_demo_listener' still holds the JNI global reference that 'Java_Demo_checkGlobalOverwritten' stored there when 'JNI_OnUnload' (the library's unload function) returns, never released [jni-global-ref-field-leak]
// CHECK: :[[@LINE-4]]:1: warning: 'g_listener' still holds the JNI global reference that 'Java_Demo_globalRefLeak06LookupFails' stored there when 'JNI_OnUnload' (the library's unload function) returns, never released [jni-global-ref-field-leak]
// CHECK: :[[@LINE-5]]:1: warning: 'g_saved' still holds the JNI global reference that 'Java_Demo_globalRefLeak05FromHelper' stored there when 'JNI_OnUnload' (the library's unload function) returns, never released [jni-global-ref-field-leak]

// Stored into a struct field, deleted by a close function.
struct listener {
  jobject callback;
};

JNIEXPORT void JNICALL Java_Demo_okStoredInField(JNIEnv *env, jclass cls,
                                                 jlong handle, jobject cb) {
  struct listener *l = (struct listener *)(intptr_t)handle;
  jobject g = (*env)->NewGlobalRef(env, cb);
  if (g == NULL)
    return;
  l->callback = g;
}

JNIEXPORT void JNICALL Java_Demo_okClose(JNIEnv *env, jclass cls,
                                         jlong handle) {
  struct listener *l = (struct listener *)(intptr_t)handle;
  if (l->callback != NULL)
    (*env)->DeleteGlobalRef(env, l->callback);
  l->callback = NULL;
}

JNIEXPORT void JNICALL Java_Demo_okReplaceStatic(JNIEnv *env, jclass cls,
                                                 jobject o) {
  jobject g = (*env)->NewGlobalRef(env, o);
  if (g == NULL)
    return;
  if (g_saved != NULL)
    (*env)->DeleteGlobalRef(env, g_saved);
  g_saved = g;
}

JNIEXPORT jint JNICALL Java_Demo_okDeletedOnEveryPath(JNIEnv *env,
                                                      jclass cls, jobject o,
                                                      jint n) {
  jobject g = (*env)->NewGlobalRef(env, o);
  if (g == NULL)
    return -1;
  if (n < 0) {
    (*env)->DeleteGlobalRef(env, g);
    return -1;
  }
  (*env)->DeleteGlobalRef(env, g);
  return 0;
}

JNIEXPORT void JNICALL Java_Demo_okWeakDeleted(JNIEnv *env, jclass cls,
                                               jobject o) {
  jweak w = (*env)->NewWeakGlobalRef(env, o);
  if (w == NULL)
    return;
  jobject strong = (*env)->NewLocalRef(env, w);
  if (strong != NULL)
    (*env)->DeleteLocalRef(env, strong);
  (*env)->DeleteWeakGlobalRef(env, w);
}

JNIEXPORT void JNICALL Java_Demo_okHelperResultStored(JNIEnv *env,
                                                      jclass cls, jobject o) {
  jobject g = make_global(env, o);
  if (g == NULL)
    return;
  g_saved = g;
}

JNIEXPORT jobject JNICALL Java_Demo_okReturnedToCaller(JNIEnv *env,
                                                       jclass cls,
                                                       jobject o) {
  // A native method returning a global reference hands it to Java code
  // that deletes it through another native method.
  return (*env)->NewGlobalRef(env, o);
}

// A global given a second reference on the same path loses the first.
static jobject g_demo_listener;

JNIEXPORT void JNICALL Java_Demo_checkGlobalOverwritten(JNIEnv *env, jclass cls,
                                                        jobject a, jobject b) {
  g_demo_listener = (*env)->NewGlobalRef(env, a);
  g_demo_listener = (*env)->NewGlobalRef(env, b);
  // CHECK: :[[@LINE-1]]:3: warning: 'g_demo_listener' is overwritten while it holds the JNI global reference from 'NewGlobalRef' stored there before, never released [jni-global-ref-leak]
  // CHECK: :[[@LINE-3]]:3: note: the JNI global reference is stored here
}

JNIEXPORT void JNICALL Java_Demo_checkGlobalOverwrittenInLoop(
    JNIEnv *env, jclass cls, jobjectArray arr, jint n) {
  for (jint i = 0; i < n; i++) {
    jobject e = (*env)->GetObjectArrayElement(env, arr, i);
    g_demo_listener = (*env)->NewGlobalRef(env, e);
    // CHECK: :[[@LINE-1]]:5: warning: 'g_demo_listener' is overwritten while it holds the JNI global reference from 'NewGlobalRef' stored there before, never released [jni-global-ref-leak]
    // CHECK: :[[@LINE-2]]:5: note: the JNI global reference is stored here
    (*env)->DeleteLocalRef(env, e);
  }
}

JNIEXPORT void JNICALL Java_Demo_okGlobalReplaced(JNIEnv *env, jclass cls,
                                                  jobject a, jobject b) {
  g_demo_listener = (*env)->NewGlobalRef(env, a);
  if (g_demo_listener)
    (*env)->DeleteGlobalRef(env, g_demo_listener);
  g_demo_listener = (*env)->NewGlobalRef(env, b);
}

struct demo_node {
  jobject ref;
  struct demo_node *next;
};

// Each node is another object: its field is not overwritten.
JNIEXPORT void JNICALL Java_Demo_okGlobalRefsInNewNodes(JNIEnv *env, jclass cls,
                                                        jobjectArray arr,
                                                        jint n,
                                                        struct demo_node **head) {
  for (jint i = 0; i < n; i++) {
    struct demo_node *nd = malloc(sizeof *nd);
    if (!nd)
      return;
    jobject e = (*env)->GetObjectArrayElement(env, arr, i);
    nd->ref = (*env)->NewGlobalRef(env, e);
    (*env)->DeleteLocalRef(env, e);
    nd->next = *head;
    *head = nd;
  }
}
