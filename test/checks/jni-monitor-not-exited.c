// RUN: not %custody %s -- %cflags | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- %cflags | FileCheck %s --implicit-check-not=warning:

// jni-monitor-not-exited: MonitorEnter without MonitorExit of the same object
// on some path, or a MonitorExit in a native method that entered no monitor.

#include <jni.h>
#include <stddef.h>

JNIEXPORT jint JNICALL Java_Demo_monitorNotExited01EarlyReturn(JNIEnv *env,
                                                              jclass cls,
                                                              jobject lock,
                                                              jint n) {
  if ((*env)->MonitorEnter(env, lock) != JNI_OK)
    return -1;
  if (n < 0)
    return -1;
  // CHECK: :[[@LINE-1]]:5: warning: 'MonitorEnter' on 'lock' (JNI monitor) is not matched by 'MonitorExit' on this path [jni-monitor-not-exited]
  // CHECK: :[[@LINE-5]]:7: note: JNI monitor opened here by 'MonitorEnter'
  // CHECK: :[[@LINE-4]]:7: note: assuming 'n < 0' is true
  (*env)->MonitorExit(env, lock);
  return 0;
}

JNIEXPORT void JNICALL Java_Demo_monitorNotExited02ExitWithoutEnter(
    JNIEnv *env, jclass cls, jobject lock) {
  (*env)->MonitorExit(env, lock);
  // CHECK: :[[@LINE-1]]:3: warning: 'MonitorExit' closes a JNI monitor that this path never opened [jni-monitor-not-exited]
}

JNIEXPORT void JNICALL Java_Demo_monitorNotExited03ExitOtherObject(
    JNIEnv *env, jclass cls, jobject a, jobject b) {
  if ((*env)->MonitorEnter(env, a) != JNI_OK)
    return;
  (*env)->MonitorExit(env, b);
  // CHECK: :[[@LINE-1]]:3: warning: 'MonitorExit' closes a JNI monitor that this path never opened [jni-monitor-not-exited]
}
// CHECK: :[[@LINE-1]]:1: warning: 'MonitorEnter' on 'a' (JNI monitor) is not matched by 'MonitorExit' on this path [jni-monitor-not-exited]
// CHECK: :[[@LINE-6]]:7: note: JNI monitor opened here by 'MonitorEnter'

JNIEXPORT jint JNICALL Java_Demo_monitorNotExited04InnerNotExited(
    JNIEnv *env, jclass cls, jobject a, jobject b, jint n) {
  if ((*env)->MonitorEnter(env, a) != JNI_OK)
    return -1;
  if ((*env)->MonitorEnter(env, b) != JNI_OK) {
    (*env)->MonitorExit(env, a);
    return -1;
  }
  if (n == 0) {
    (*env)->MonitorExit(env, a);
    return 0;
    // CHECK: :[[@LINE-1]]:5: warning: 'MonitorEnter' on 'b' (JNI monitor) is not matched by 'MonitorExit' on this path [jni-monitor-not-exited]
    // CHECK: :[[@LINE-8]]:7: note: JNI monitor opened here by 'MonitorEnter'
    // CHECK: :[[@LINE-5]]:7: note: assuming 'n == 0' is true
  }
  (*env)->MonitorExit(env, b);
  (*env)->MonitorExit(env, a);
  return 1;
}

JNIEXPORT void JNICALL Java_Demo_monitorNotExited05OnlyEnters(JNIEnv *env,
                                                             jclass cls,
                                                             jobject lock) {
  if ((*env)->MonitorEnter(env, lock) != JNI_OK)
    return;
}
// CHECK: :[[@LINE-1]]:1: warning: 'MonitorEnter' on 'lock' (JNI monitor) is not matched by 'MonitorExit' on this path [jni-monitor-not-exited]
// CHECK: :[[@LINE-4]]:7: note: JNI monitor opened here by 'MonitorEnter'

// Registered with RegisterNatives (the table at the end of the file): the JVM
// calls it as it calls Java_ functions, with no monitor entered.
static void Demo_monitorNotExited06RegisteredExit(JNIEnv *env, jobject self) {
  (*env)->MonitorExit(env, self);
  // CHECK: :[[@LINE-1]]:3: warning: 'MonitorExit' closes a JNI monitor that this path never opened [jni-monitor-not-exited]
}

// --- Must stay silent -------------------------------------------------------

JNIEXPORT jint JNICALL Java_Demo_okBalanced(JNIEnv *env, jclass cls,
                                            jobject lock, jint n) {
  if ((*env)->MonitorEnter(env, lock) != JNI_OK)
    return -1;
  jint r = n < 0 ? -1 : n;
  (*env)->MonitorExit(env, lock);
  return r;
}

JNIEXPORT jint JNICALL Java_Demo_okExitOnEveryPath(JNIEnv *env, jclass cls,
                                                   jobject lock, jint n) {
  if ((*env)->MonitorEnter(env, lock) != JNI_OK)
    return -1;
  if (n < 0) {
    (*env)->MonitorExit(env, lock);
    return -1;
  }
  (*env)->MonitorExit(env, lock);
  return 0;
}

JNIEXPORT void JNICALL Java_Demo_okNested(JNIEnv *env, jclass cls, jobject a,
                                          jobject b) {
  if ((*env)->MonitorEnter(env, a) != JNI_OK)
    return;
  if ((*env)->MonitorEnter(env, b) != JNI_OK) {
    (*env)->MonitorExit(env, a);
    return;
  }
  (*env)->MonitorExit(env, b);
  (*env)->MonitorExit(env, a);
}

JNIEXPORT jint JNICALL Java_Demo_okGotoUnlock(JNIEnv *env, jclass cls,
                                              jobject lock, jintArray a) {
  jint rc = -1;
  if ((*env)->MonitorEnter(env, lock) != JNI_OK)
    return -1;
  jint *e = (*env)->GetIntArrayElements(env, a, NULL);
  if (e == NULL)
    goto unlock;
  rc = e[0];
  (*env)->ReleaseIntArrayElements(env, a, e, JNI_ABORT);
unlock:
  (*env)->MonitorExit(env, lock);
  return rc;
}

// A function the JVM does not call directly may be called with the monitor
// entered.
void demo_leave(JNIEnv *env, jobject lock) {
  (*env)->MonitorExit(env, lock);
}

// MonitorEnter's result ignored, as much code does: the exit still matches
// the enter.
JNIEXPORT void JNICALL Java_Demo_okEnterResultIgnored(JNIEnv *env, jclass cls,
                                                      jobject lock) {
  (*env)->MonitorEnter(env, lock);
  (*env)->MonitorExit(env, lock);
}

// A lock helper: its caller exits the monitor.
static jint demo_lock(JNIEnv *env, jobject lock) {
  return (*env)->MonitorEnter(env, lock);
}

JNIEXPORT void JNICALL Java_Demo_okEnteredByHelper(JNIEnv *env, jclass cls,
                                                   jobject lock) {
  if (demo_lock(env, lock) != JNI_OK)
    return;
  (*env)->MonitorExit(env, lock);
}

static jint Demo_okRegisteredBalanced(JNIEnv *env, jobject self, jint n) {
  if ((*env)->MonitorEnter(env, self) != JNI_OK)
    return -1;
  jint r = n < 0 ? -1 : n;
  (*env)->MonitorExit(env, self);
  return r;
}

static const JNINativeMethod demo_methods[] = {
    {"unlock", "()V", (void *)Demo_monitorNotExited06RegisteredExit},
    {"locked", "(I)I", (void *)Demo_okRegisteredBalanced},
};

jint Demo_registerNatives(JNIEnv *env, jclass cls) {
  return (*env)->RegisterNatives(env, cls, demo_methods, 2);
}

// A helper that exits the monitor its caller entered is the caller's exit.
static void demoUnlock(JNIEnv *env, jobject o) { (*env)->MonitorExit(env, o); }

JNIEXPORT void JNICALL Java_Demo_okExitThroughHelper(JNIEnv *env, jclass cls,
                                                    jobject o) {
  if ((*env)->MonitorEnter(env, o) != JNI_OK)
    return;
  demoUnlock(env, o);
}
