// RUN: not %custody %s -- %cxxflags | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- %cxxflags | FileCheck %s --implicit-check-not=warning:

// jni-exception-pending in C++ native layers: helpers that turn a pending
// Java exception into a C++ one, RAII objects built from a result that can
// fail, and checks written as functions.

#include <jni.h>
#include <stdexcept>

JNIEnv *currentEnv();
void throwIf(bool condition);

// A smart reference built from a local reference (fbjni's adopt_local,
// ScopedLocalRef): its null test is the test of the reference it holds.
template <class T> class LocalRef {
public:
  explicit LocalRef(T p) : p_(p) {}
  explicit LocalRef(JNIEnv *, T p) : p_(p) {}
  explicit operator bool() const { return p_ != nullptr; }
  T get() const { return p_; }

private:
  T p_;
};
template <class T> LocalRef<T> adoptLocal(T p) { return LocalRef<T>(p); }

// Checks on every return and throws otherwise: a check for its callers.
void throwPendingAsCpp() {
  JNIEnv *env = currentEnv();
  if (!env->ExceptionCheck())
    return;
  env->ExceptionClear();
  throw std::runtime_error("Java exception");
}

// Without an environment nothing can be pending: that return is no
// exception to the rule.
void describePending() {
  JNIEnv *env = currentEnv();
  if (!env)
    return;
  if (env->ExceptionCheck())
    env->ExceptionDescribe();
}

// Its throw comes before the check: the returns that reach the caller
// have all checked.
void ensureThenCheck(int n) {
  if (n < 0)
    throw std::invalid_argument("n");
  currentEnv()->ExceptionCheck();
}

// Checks on one of its returns only.
void checkUnlessQuiet(bool quiet) {
  if (quiet)
    return;
  currentEnv()->ExceptionCheck();
}

extern "C" JNIEXPORT jstring JNICALL Java_Demo_callThenHelperChecks(
    JNIEnv *env, jobject self, jmethodID run) {
  env->CallVoidMethod(self, run);
  throwPendingAsCpp();
  return env->NewStringUTF("done");
}

extern "C" JNIEXPORT jstring JNICALL Java_Demo_callThenHelperDescribes(
    JNIEnv *env, jobject self, jmethodID run) {
  env->CallVoidMethod(self, run);
  describePending();
  return env->NewStringUTF("done");
}

extern "C" JNIEXPORT jstring JNICALL Java_Demo_callThenHelperThrowsFirst(
    JNIEnv *env, jobject self, jmethodID run, jint n) {
  env->CallVoidMethod(self, run);
  ensureThenCheck(n);
  return env->NewStringUTF("done");
}

extern "C" JNIEXPORT jstring JNICALL Java_Demo_callThenHelperChecksSometimes(
    JNIEnv *env, jobject self, jmethodID run, jboolean quiet) {
  env->CallVoidMethod(self, run);
  checkUnlessQuiet(quiet);
  return env->NewStringUTF("done");
  // CHECK: :[[@LINE-1]]:10: warning: 'NewStringUTF' is called while an exception from 'CallVoidMethod' may be pending; check for it (ExceptionCheck) first [jni-exception-pending]
  // CHECK: :[[@LINE-4]]:3: note: 'CallVoidMethod' may leave an exception pending here
}

extern "C" JNIEXPORT void JNICALL Java_Demo_adoptedThenTested(JNIEnv *env,
                                                              jobject self) {
  auto cls = adoptLocal(env->FindClass("com/example/Failure"));
  if (!cls)
    return;
  jmethodID m = env->GetMethodID(cls.get(), "printStackTrace", "()V");
  if (m)
    env->CallVoidMethod(self, m);
}

extern "C" JNIEXPORT void JNICALL Java_Demo_scopedThenGetTested(JNIEnv *env,
                                                                jobject self) {
  LocalRef<jclass> cls(env, env->FindClass("com/example/Failure"));
  if (cls.get() == nullptr)
    return;
  jmethodID m = env->GetMethodID(cls.get(), "printStackTrace", "()V");
  if (m)
    env->CallVoidMethod(self, m);
}

extern "C" JNIEXPORT void JNICALL Java_Demo_adoptedNotTested(JNIEnv *env,
                                                             jobject self) {
  auto cls = adoptLocal(env->FindClass("com/example/Failure"));
  jmethodID m = env->GetMethodID(cls.get(), "printStackTrace", "()V");
  // CHECK: :[[@LINE-1]]:17: warning: 'GetMethodID' is called while an exception from 'FindClass' may be pending; check for it (ExceptionCheck) first [jni-exception-pending]
  // CHECK: :[[@LINE-3]]:25: note: 'FindClass' may leave an exception pending here
  if (m)
    env->CallVoidMethod(self, m);
}

// A check written as a function given the test of the result.
extern "C" JNIEXPORT jobject JNICALL Java_Demo_throwIfNull(JNIEnv *env,
                                                           jclass) {
  jclass cls = env->FindClass("com/example/Names");
  throwIf(!cls);
  return env->NewGlobalRef(cls);
}

extern "C" JNIEXPORT jobject JNICALL Java_Demo_throwIfOther(JNIEnv *env, jclass,
                                                            jboolean closed) {
  jclass cls = env->FindClass("com/example/Names");
  throwIf(closed);
  return env->NewGlobalRef(cls);
  // CHECK: :[[@LINE-1]]:10: warning: 'NewGlobalRef' is called while an exception from 'FindClass' may be pending; check for it (ExceptionCheck) first [jni-exception-pending]
  // CHECK: :[[@LINE-4]]:16: note: 'FindClass' may leave an exception pending here
}

// A frame whose check tests its environment first: the return where the
// environment is null checks nothing, and nothing can be pending there.
class Frame {
public:
  explicit Frame(JNIEnv *env) : env_(env) {}
  void check() {
    if (env_ && env_->ExceptionCheck())
      throw std::runtime_error("Java exception");
  }

private:
  JNIEnv *env_;
};

extern "C" JNIEXPORT jobject JNICALL Java_Demo_frameChecked(JNIEnv *env,
                                                            jclass) {
  Frame frame(env);
  jclass cls = env->FindClass("com/example/Names");
  frame.check();
  return env->NewGlobalRef(cls);
}
