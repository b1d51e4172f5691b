// RUN: not %custody %s -- %cxxflags | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- %cxxflags | FileCheck %s --implicit-check-not=warning:

// The JNI contract in C++: env->F(...) are methods of JNIEnv_, whose object
// stands for the C form's JNIEnv argument.

#include <jni.h>
#include <cstring>
#include <stdexcept>

extern "C" JNIEXPORT jint JNICALL Java_Demo_checkLeak01Throw(JNIEnv *env,
                                                             jclass,
                                                             jstring s) {
  const char *c = env->GetStringUTFChars(s, nullptr);
  if (!c)
    return -1;
  if (std::strlen(c) > 64)
    throw std::length_error("too long");
  // CHECK: :[[@LINE-1]]:5: warning: 'c' (JNI UTF-8 characters from 'GetStringUTFChars') is not released on this path [jni-elements-leak]
  // CHECK: :[[@LINE-6]]:19: note: JNI UTF-8 characters acquired here from 'GetStringUTFChars'; the contract says 'ReleaseStringUTFChars' releases it
  // CHECK: :[[@LINE-4]]:7: note: assuming 'std::strlen(c) > 64' is true
  env->ReleaseStringUTFChars(s, c);
  return 0;
}

// An RAII wrapper for the characters: silent.
class Utf {
public:
  Utf(JNIEnv *env, jstring s)
      : env_(env), s_(s), c_(env->GetStringUTFChars(s, nullptr)) {}
  ~Utf() {
    if (c_)
      env_->ReleaseStringUTFChars(s_, c_);
  }
  const char *get() const { return c_; }

private:
  JNIEnv *env_;
  jstring s_;
  const char *c_;
};

extern "C" JNIEXPORT jint JNICALL Java_Demo_checkNoLeak01Raii(JNIEnv *env,
                                                              jclass,
                                                              jstring s) {
  Utf u(env, s);
  if (!u.get())
    return -1;
  if (std::strlen(u.get()) > 64)
    throw std::length_error("too long");
  return 0;
}

extern "C" JNIEXPORT void JNICALL Java_Demo_checkNoLeak02Global(JNIEnv *env,
                                                                jobject o) {
  jobject g = env->NewGlobalRef(o);
  if (!g)
    return;
  env->DeleteGlobalRef(g);
}
