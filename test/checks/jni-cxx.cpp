// RUN: not %custody %s -- %cxxflags | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- %cxxflags | FileCheck %s --implicit-check-not=warning:

// The jni-* checks on the C++ form of the JNI, env->F(...): the object a
// method is called on stands for the C form's JNIEnv argument. RAII wrappers
// whose destructors delete or release are silent.

#include <jni.h>
#include <cstring>
#include <stdexcept>

extern "C" JNIEXPORT jint JNICALL
Java_Demo_cxxLocalRefLeak01Loop(JNIEnv *env, jclass, jobjectArray a) {
  jint total = 0;
  jsize n = env->GetArrayLength(a);
  for (jsize i = 0; i < n; i++) {
    auto s = static_cast<jstring>(env->GetObjectArrayElement(a, i));
    total += env->GetStringUTFLength(s);
  }
  // CHECK: :[[@LINE-1]]:3: warning: 's' (JNI local reference from 'GetObjectArrayElement') is not deleted with 'DeleteLocalRef' before the loop's next iteration; one piles up per iteration [jni-local-ref-leak]
  // CHECK: :[[@LINE-4]]:35: note: JNI local reference acquired here from 'GetObjectArrayElement'; the contract says 'DeleteLocalRef' releases it
  return total;
}

extern "C" JNIEXPORT void JNICALL
Java_Demo_cxxGlobalRefLeak02Throw(JNIEnv *env, jclass, jobject o, jint n) {
  jobject g = env->NewGlobalRef(o);
  if (!g)
    return;
  if (n < 0)
    throw std::invalid_argument("n");
  // CHECK: :[[@LINE-1]]:5: warning: 'g' (JNI global reference from 'NewGlobalRef') is not released on this path [jni-global-ref-leak]
  // CHECK: :[[@LINE-6]]:15: note: JNI global reference acquired here from 'NewGlobalRef'; the contract says 'DeleteGlobalRef' releases it
  // CHECK: :[[@LINE-4]]:7: note: assuming 'n < 0' is true
  env->DeleteGlobalRef(g);
}

extern "C" JNIEXPORT jint JNICALL
Java_Demo_cxxElementsLeak03EarlyReturn(JNIEnv *env, jclass, jintArray a) {
  jint *e = env->GetIntArrayElements(a, nullptr);
  if (!e)
    return -1;
  if (e[0] < 0)
    return -1;
  // CHECK: :[[@LINE-1]]:5: warning: 'e' (JNI int array elements from 'GetIntArrayElements') is not released on this path [jni-elements-leak]
  // CHECK: :[[@LINE-6]]:13: note: JNI int array elements acquired here from 'GetIntArrayElements'; the contract says 'ReleaseIntArrayElements' releases it
  // CHECK: :[[@LINE-4]]:7: note: assuming 'e[0] < 0' is true
  jint first = e[0];
  env->ReleaseIntArrayElements(a, e, JNI_ABORT);
  return first;
}

extern "C" JNIEXPORT void JNICALL
Java_Demo_cxxCallInCritical04(JNIEnv *env, jclass, jintArray a) {
  auto *p = static_cast<jint *>(env->GetPrimitiveArrayCritical(a, nullptr));
  if (!p)
    return;
  jsize n = env->GetArrayLength(a);
  // CHECK: :[[@LINE-1]]:13: warning: 'GetArrayLength' is called inside the critical region opened by 'GetPrimitiveArrayCritical'; nothing but its release may be called until then [jni-call-in-critical]
  // CHECK: :[[@LINE-5]]:33: note: JNI critical array acquired here from 'GetPrimitiveArrayCritical'; the contract says 'ReleasePrimitiveArrayCritical' releases it
  for (jsize i = 0; i < n; i++)
    p[i] = i;
  env->ReleasePrimitiveArrayCritical(a, p, 0);
}

extern "C" JNIEXPORT void JNICALL
Java_Demo_cxxExceptionPending05(JNIEnv *env, jobject self) {
  jclass k = env->FindClass("Demo$Listener");
  jmethodID m = env->GetMethodID(k, "run", "()V");
  // CHECK: :[[@LINE-1]]:17: warning: 'GetMethodID' is called while an exception from 'FindClass' may be pending; check for it (ExceptionCheck) first [jni-exception-pending]
  // CHECK: :[[@LINE-3]]:14: note: 'FindClass' may leave an exception pending here
  if (!m)
    return;
  env->CallVoidMethod(self, m);
}

extern "C" JNIEXPORT void JNICALL
Java_Demo_cxxMonitorNotExited06Throw(JNIEnv *env, jobject self, jint n) {
  if (env->MonitorEnter(self) != JNI_OK)
    return;
  if (n < 0)
    throw std::invalid_argument("n");
  // CHECK: :[[@LINE-1]]:5: warning: 'MonitorEnter' on 'self' (JNI monitor) is not matched by 'MonitorExit' on this path [jni-monitor-not-exited]
  // CHECK: :[[@LINE-5]]:7: note: JNI monitor opened here by 'MonitorEnter'
  // CHECK: :[[@LINE-4]]:7: note: assuming 'n < 0' is true
  env->MonitorExit(self);
}

extern "C" JNIEXPORT jint JNICALL
Java_Demo_cxxLocalFrameMismatch07(JNIEnv *env, jclass) {
  if (env->PushLocalFrame(8) != 0)
    return -1;
  jstring s = env->NewStringUTF("x");
  if (!s)
    return -1;
  // CHECK: :[[@LINE-1]]:5: warning: 'PushLocalFrame' (JNI local frame) is not matched by 'PopLocalFrame' on this path [jni-local-frame-mismatch]
  // CHECK: :[[@LINE-6]]:7: note: JNI local frame opened here by 'PushLocalFrame'
  // CHECK: :[[@LINE-5]]:15: note: assuming 'NewStringUTF' fails (returns null)
  env->PopLocalFrame(nullptr);
  return 0;
}

extern "C" JNIEXPORT void JNICALL
Java_Demo_cxxUncheckedResult08(JNIEnv *env, jclass, jint n) {
  env->EnsureLocalCapacity(n);
  // CHECK: :[[@LINE-1]]:3: warning: the result of 'EnsureLocalCapacity' is ignored, but the call can fail (it succeeds when its result is == 0) [jni-unchecked-result]
}

extern "C" JNIEXPORT void JNICALL
Java_Demo_cxxWrongRelease09(JNIEnv *env, jclass, jobject o) {
  jobject g = env->NewGlobalRef(o);
  if (!g)
    return;
  env->DeleteLocalRef(g);
  // CHECK: :[[@LINE-1]]:3: warning: 'g' (JNI global reference from 'NewGlobalRef') is released with 'DeleteLocalRef', which releases JNI local reference [jni-wrong-release]
  // CHECK: :[[@LINE-5]]:15: note: JNI global reference acquired here from 'NewGlobalRef'; the contract says 'DeleteGlobalRef' releases it
}

extern "C" JNIEXPORT jint JNICALL
Java_Demo_cxxUseAfterRelease10(JNIEnv *env, jclass, jstring s) {
  const char *c = env->GetStringUTFChars(s, nullptr);
  if (!c)
    return -1;
  env->ReleaseStringUTFChars(s, c);
  return static_cast<jint>(std::strlen(c));
  // CHECK: :[[@LINE-1]]:28: warning: 'c' is used after it was released by 'ReleaseStringUTFChars' [jni-use-after-release]
  // CHECK: :[[@LINE-6]]:19: note: JNI UTF-8 characters acquired here from 'GetStringUTFChars'; the contract says 'ReleaseStringUTFChars' releases it
  // CHECK: :[[@LINE-4]]:3: note: released here
}

static JavaVM *g_vm;

void Demo_cxxThreadAttachMismatch11(bool quick) {
  JNIEnv *env;
  if (g_vm->AttachCurrentThread(reinterpret_cast<void **>(&env), nullptr) !=
      JNI_OK)
    return;
  if (quick)
    return;
  // CHECK: :[[@LINE-1]]:5: warning: 'AttachCurrentThread' (thread attached to the JVM) is not matched by 'DetachCurrentThread' on this path [jni-thread-attach-mismatch]
  // CHECK: :[[@LINE-6]]:7: note: thread attached to the JVM opened here by 'AttachCurrentThread'
  // CHECK: :[[@LINE-4]]:7: note: assuming 'quick' is true
  g_vm->DetachCurrentThread();
}

static jclass g_listener;
static jmethodID g_on_event;

// Attaches only when GetEnv fails, detaches always.
void Demo_cxxThreadAttachMismatch12GetOrAttach(JavaVM *vm, jint code) {
  JNIEnv *env = nullptr;
  if (vm->GetEnv(reinterpret_cast<void **>(&env), JNI_VERSION_1_6) != JNI_OK) {
    if (vm->AttachCurrentThread(reinterpret_cast<void **>(&env), nullptr) !=
        JNI_OK)
      return;
  }
  env->CallStaticVoidMethod(g_listener, g_on_event, code);
  env->ExceptionClear();
  vm->DetachCurrentThread();
  // CHECK: :[[@LINE-1]]:3: warning: 'DetachCurrentThread' closes a thread attached to the JVM that 'GetEnv' found already open: this code did not open it [jni-thread-attach-mismatch]
  // CHECK: :[[@LINE-9]]:7: note: 'GetEnv' finds a thread attached to the JVM already open here
}

// --- Must stay silent -------------------------------------------------------

// RAII for a local reference.
class LocalRef {
public:
  LocalRef(JNIEnv *env, jobject o) : env_(env), o_(o) {}
  ~LocalRef() {
    if (o_)
      env_->DeleteLocalRef(o_);
  }
  LocalRef(const LocalRef &) = delete;
  LocalRef &operator=(const LocalRef &) = delete;
  jobject get() const { return o_; }

private:
  JNIEnv *env_;
  jobject o_;
};

// RAII for UTF-8 characters.
class UtfChars {
public:
  UtfChars(JNIEnv *env, jstring s)
      : env_(env), s_(s), c_(env->GetStringUTFChars(s, nullptr)) {}
  ~UtfChars() {
    if (c_)
      env_->ReleaseStringUTFChars(s_, c_);
  }
  UtfChars(const UtfChars &) = delete;
  UtfChars &operator=(const UtfChars &) = delete;
  const char *get() const { return c_; }

private:
  JNIEnv *env_;
  jstring s_;
  const char *c_;
};

extern "C" JNIEXPORT jint JNICALL
Java_Demo_okRaiiInLoop(JNIEnv *env, jclass, jobjectArray a) {
  jint total = 0;
  jsize n = env->GetArrayLength(a);
  for (jsize i = 0; i < n; i++) {
    LocalRef e(env, env->GetObjectArrayElement(a, i));
    UtfChars c(env, static_cast<jstring>(e.get()));
    if (!c.get())
      return -1;
    total += static_cast<jint>(std::strlen(c.get()));
  }
  return total;
}

extern "C" JNIEXPORT jint JNICALL
Java_Demo_okRaiiThrow(JNIEnv *env, jclass, jstring s) {
  UtfChars c(env, s);
  if (!c.get())
    return -1;
  if (std::strlen(c.get()) > 64)
    throw std::length_error("too long");
  return 0;
}

extern "C" JNIEXPORT void JNICALL
Java_Demo_okCxxDeletedEachIteration(JNIEnv *env, jclass, jobjectArray a) {
  jsize n = env->GetArrayLength(a);
  for (jsize i = 0; i < n; i++) {
    jobject e = env->GetObjectArrayElement(a, i);
    if (env->IsSameObject(e, nullptr))
      break;
    env->DeleteLocalRef(e);
  }
}

extern "C" JNIEXPORT void JNICALL
Java_Demo_okCxxGlobalDeleted(JNIEnv *env, jclass, jobject o) {
  jobject g = env->NewGlobalRef(o);
  if (!g)
    return;
  env->DeleteGlobalRef(g);
}

extern "C" JNIEXPORT void JNICALL
Java_Demo_okCxxCriticalOnlyRelease(JNIEnv *env, jclass, jbyteArray a,
                                   const void *src, jsize n) {
  void *p = env->GetPrimitiveArrayCritical(a, nullptr);
  if (!p)
    return;
  std::memcpy(p, src, static_cast<size_t>(n));
  env->ReleasePrimitiveArrayCritical(a, p, 0);
}

extern "C" JNIEXPORT void JNICALL
Java_Demo_okCxxExceptionChecked(JNIEnv *env, jobject self) {
  jclass k = env->FindClass("Demo$Listener");
  if (!k)
    return;
  jmethodID m = env->GetMethodID(k, "run", "()V");
  if (!m)
    return;
  env->CallVoidMethod(self, m);
  if (env->ExceptionCheck())
    return;
  env->DeleteLocalRef(k);
}

extern "C" JNIEXPORT jobject JNICALL
Java_Demo_okCxxFrame(JNIEnv *env, jclass) {
  if (env->PushLocalFrame(8) != 0)
    return nullptr;
  jstring s = env->NewStringUTF("x");
  return env->PopLocalFrame(s);
}

extern "C" JNIEXPORT jint JNICALL
Java_Demo_okCxxMonitor(JNIEnv *env, jobject self, jint n) {
  if (env->MonitorEnter(self) != JNI_OK)
    return -1;
  jint r = n < 0 ? -1 : n;
  env->MonitorExit(self);
  return r;
}

void Demo_okCxxAttachDetach() {
  JNIEnv *env;
  if (g_vm->AttachCurrentThread(reinterpret_cast<void **>(&env), nullptr) !=
      JNI_OK)
    return;
  jstring s = env->NewStringUTF("tick");
  (void)s;
  g_vm->DetachCurrentThread();
}

JNIEnv *Demo_okCxxGetEnv(JavaVM *vm) {
  JNIEnv *env = nullptr;
  if (vm->GetEnv(reinterpret_cast<void **>(&env), JNI_VERSION_1_6) != JNI_OK)
    return nullptr;
  return env;
}

void Demo_okCxxAttachDetachVmArgument(JavaVM *vm, jint code) {
  JNIEnv *env;
  if (vm->AttachCurrentThread(reinterpret_cast<void **>(&env), nullptr) !=
      JNI_OK)
    return;
  env->CallStaticVoidMethod(g_listener, g_on_event, code);
  if (env->ExceptionCheck())
    env->ExceptionClear();
  vm->DetachCurrentThread();
}

// RAII for a monitor: entered in the constructor, exited in the destructor.
class MonitorLock {
public:
  MonitorLock(JNIEnv *env, jobject o) : env_(env), o_(o) {
    env_->MonitorEnter(o_);
  }
  ~MonitorLock() { env_->MonitorExit(o_); }
  MonitorLock(const MonitorLock &) = delete;
  MonitorLock &operator=(const MonitorLock &) = delete;

private:
  JNIEnv *env_;
  jobject o_;
};

extern "C" JNIEXPORT jint JNICALL
Java_Demo_okCxxMonitorGuardThrow(JNIEnv *env, jobject self, jint n) {
  MonitorLock lock(env, self);
  if (n < 0)
    throw std::invalid_argument("n");
  return n;
}
