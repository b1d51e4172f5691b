// RUN: not %custody %s -- %cflags | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- %cflags | FileCheck %s --implicit-check-not=warning:

// jni-thread-attach-mismatch: a thread attached with AttachCurrentThread is
// not detached on a path when another path detaches it, or a thread is
// detached that this code did not attach (GetEnv found it attached, or the
// JVM called this native method on a Java thread).

#include <jni.h>
#include <stddef.h>

static JavaVM *g_vm;
static jclass g_listener_class;
static jmethodID g_on_event;

void demo_run_listeners(JNIEnv *env);

void Demo_threadAttachMismatch01EarlyReturn(int event) {
  JNIEnv *env;
  if ((*g_vm)->AttachCurrentThread(g_vm, (void **)&env, NULL) != JNI_OK)
    return;
  if (event < 0)
    return;
  // CHECK: :[[@LINE-1]]:5: warning: 'AttachCurrentThread' (thread attached to the JVM) is not matched by 'DetachCurrentThread' on this path [jni-thread-attach-mismatch]
  // CHECK: :[[@LINE-5]]:7: note: thread attached to the JVM opened here by 'AttachCurrentThread'
  // CHECK: :[[@LINE-4]]:7: note: assuming 'event < 0' is true
  (*env)->CallStaticVoidMethod(env, g_listener_class, g_on_event, event);
  if ((*env)->ExceptionCheck(env))
    (*env)->ExceptionClear(env);
  (*g_vm)->DetachCurrentThread(g_vm);
}

// Attaches only when GetEnv says the thread is not attached, but detaches
// always: a Java thread that called in here is detached under the JVM.
void Demo_threadAttachMismatch02DetachAfterGetEnv(int event) {
  JNIEnv *env;
  if ((*g_vm)->GetEnv(g_vm, (void **)&env, JNI_VERSION_1_6) != JNI_OK) {
    if ((*g_vm)->AttachCurrentThread(g_vm, (void **)&env, NULL) != JNI_OK)
      return;
  }
  (*env)->CallStaticVoidMethod(env, g_listener_class, g_on_event, event);
  (*env)->ExceptionClear(env);
  (*g_vm)->DetachCurrentThread(g_vm);
  // CHECK: :[[@LINE-1]]:3: warning: 'DetachCurrentThread' closes a thread attached to the JVM that 'GetEnv' found already open: this code did not open it [jni-thread-attach-mismatch]
  // CHECK: :[[@LINE-8]]:7: note: 'GetEnv' finds a thread attached to the JVM already open here
}

void *Demo_threadAttachMismatch03Daemon(void *arg) {
  JNIEnv *env;
  if ((*g_vm)->AttachCurrentThreadAsDaemon(g_vm, (void **)&env, NULL) !=
      JNI_OK)
    return NULL;
  if (arg == NULL)
    return NULL;
  // CHECK: :[[@LINE-1]]:5: warning: 'AttachCurrentThreadAsDaemon' (thread attached to the JVM) is not matched by 'DetachCurrentThread' on this path [jni-thread-attach-mismatch]
  // CHECK: :[[@LINE-6]]:7: note: thread attached to the JVM opened here by 'AttachCurrentThreadAsDaemon'
  // CHECK: :[[@LINE-4]]:7: note: assuming 'arg == NULL' is true
  (*g_vm)->DetachCurrentThread(g_vm);
  return NULL;
}

JNIEXPORT void JNICALL Java_Demo_threadAttachMismatch04DetachInNative(
    JNIEnv *env, jclass cls) {
  JavaVM *vm;
  if ((*env)->GetJavaVM(env, &vm) != 0)
    return;
  (*vm)->DetachCurrentThread(vm);
  // CHECK: :[[@LINE-1]]:3: warning: 'DetachCurrentThread' closes a thread attached to the JVM that this path never opened [jni-thread-attach-mismatch]
}

// The environment goes to a helper; the detach is still unconditional.
void Demo_threadAttachMismatch05GetOrAttach(JavaVM *vm) {
  JNIEnv *env = NULL;
  if ((*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_6) != JNI_OK) {
    if ((*vm)->AttachCurrentThread(vm, (void **)&env, NULL) != JNI_OK)
      return;
  }
  demo_run_listeners(env);
  (*vm)->DetachCurrentThread(vm);
  // CHECK: :[[@LINE-1]]:3: warning: 'DetachCurrentThread' closes a thread attached to the JVM that 'GetEnv' found already open: this code did not open it [jni-thread-attach-mismatch]
  // CHECK: :[[@LINE-7]]:7: note: 'GetEnv' finds a thread attached to the JVM already open here
}

void Demo_threadAttachMismatch06GetEnvResultKept(JavaVM *vm) {
  JNIEnv *env = NULL;
  jint rc = (*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_6);
  if (rc == JNI_EDETACHED) {
    if ((*vm)->AttachCurrentThread(vm, (void **)&env, NULL) != JNI_OK)
      return;
  }
  demo_run_listeners(env);
  (*vm)->DetachCurrentThread(vm);
  // CHECK: :[[@LINE-1]]:3: warning: 'DetachCurrentThread' closes a thread attached to the JVM that 'GetEnv' found already open: this code did not open it [jni-thread-attach-mismatch]
  // CHECK: :[[@LINE-8]]:13: note: 'GetEnv' finds a thread attached to the JVM already open here
}

// --- Must stay silent -------------------------------------------------------

void Demo_okAttachIfDetached(int event) {
  JNIEnv *env;
  int attached = 0;
  if ((*g_vm)->GetEnv(g_vm, (void **)&env, JNI_VERSION_1_6) == JNI_EDETACHED) {
    if ((*g_vm)->AttachCurrentThread(g_vm, (void **)&env, NULL) != JNI_OK)
      return;
    attached = 1;
  }
  (*env)->CallStaticVoidMethod(env, g_listener_class, g_on_event, event);
  if ((*env)->ExceptionCheck(env))
    (*env)->ExceptionClear(env);
  if (attached)
    (*g_vm)->DetachCurrentThread(g_vm);
}

void Demo_okAttachDetach(int event) {
  JNIEnv *env;
  if ((*g_vm)->AttachCurrentThread(g_vm, (void **)&env, NULL) != JNI_OK)
    return;
  (*env)->CallStaticVoidMethod(env, g_listener_class, g_on_event, event);
  if ((*env)->ExceptionCheck(env))
    (*env)->ExceptionClear(env);
  (*g_vm)->DetachCurrentThread(g_vm);
}

void Demo_okGetEnvWithoutDetach(int event) {
  JNIEnv *env;
  if ((*g_vm)->GetEnv(g_vm, (void **)&env, JNI_VERSION_1_6) != JNI_OK)
    return;
  (*env)->CallStaticVoidMethod(env, g_listener_class, g_on_event, event);
  if ((*env)->ExceptionCheck(env))
    (*env)->ExceptionClear(env);
}

// Attached for the rest of the thread's life (detached elsewhere, by a
// thread-exit hook): nothing here detaches, nothing to match.
JNIEnv *Demo_okAttachForThreadLifetime(void) {
  JNIEnv *env;
  if ((*g_vm)->AttachCurrentThread(g_vm, (void **)&env, NULL) != JNI_OK)
    return NULL;
  return env;
}

void *Demo_okDetachOnEveryPath(void *arg) {
  JNIEnv *env;
  if ((*g_vm)->AttachCurrentThread(g_vm, (void **)&env, NULL) != JNI_OK)
    return NULL;
  if (arg == NULL) {
    (*g_vm)->DetachCurrentThread(g_vm);
    return NULL;
  }
  (*env)->CallStaticVoidMethod(env, g_listener_class, g_on_event, 1);
  if ((*env)->ExceptionCheck(env))
    (*env)->ExceptionClear(env);
  (*g_vm)->DetachCurrentThread(g_vm);
  return NULL;
}

// A thread-exit hook (a pthread key's destructor): the thread was attached
// elsewhere, and nothing here attaches it.
void Demo_okDetachInThreadExitHook(void *value) {
  JNIEnv *env;
  if ((*g_vm)->GetEnv(g_vm, (void **)&env, JNI_VERSION_1_6) == JNI_OK)
    (*g_vm)->DetachCurrentThread(g_vm);
}
