// custody trace on a real JVM (OpenJDK 17): Inputs/jni/JniLeaks.java calls
// the native methods below, which keep one global reference per call
// (three calls from one site), pin an int array and forget it on one path,
// and give back every other reference, pin, critical region and monitor.
// The report names the two leaking acquisitions with their counts and
// nothing else; with the static findings on this file, each confirms one.
//
// REQUIRES: jdk
// RUN: rm -rf %t && mkdir -p %t
// RUN: %{cc_debug} %cflags -shared -fPIC -o %t/libjnileaks.so %s
// RUN: %{javac} -d %t %S/Inputs/jni/JniLeaks.java
// RUN: %expect-exit 1 %custody %s --format=json --output %t/findings.json -- %cflags
// RUN: %expect-exit 1 %custody trace --findings %t/findings.json -- %{java} %{java_flags} -Djava.library.path=%t -cp %t JniLeaks > %t/out.txt 2> %t/err.txt
// RUN: FileCheck %s --implicit-check-not=warning: < %t/out.txt
// RUN: FileCheck %s --check-prefix=ERR < %t/err.txt

#include <jni.h>

JNIEXPORT void JNICALL Java_JniLeaks_keep(JNIEnv *env, jclass cls, jobject o) {
  (void)cls;
  jobject kept = (*env)->NewGlobalRef(env, o);
  (void)kept; /* BUG: never deleted */
}

JNIEXPORT void JNICALL Java_JniLeaks_keepAndDrop(JNIEnv *env, jclass cls,
                                                 jobject o) {
  (void)cls;
  jobject g = (*env)->NewGlobalRef(env, o);
  jweak w = (*env)->NewWeakGlobalRef(env, o);
  if (w)
    (*env)->DeleteWeakGlobalRef(env, w);
  if (g)
    (*env)->DeleteGlobalRef(env, g);
}

JNIEXPORT jint JNICALL Java_JniLeaks_sum(JNIEnv *env, jclass cls, jintArray a,
                                         jboolean early) {
  (void)cls;
  jint *elems = (*env)->GetIntArrayElements(env, a, NULL);
  if (!elems)
    return -1;
  if (early)
    return elems[0]; /* BUG: the elements stay pinned */
  jint n = (*env)->GetArrayLength(env, a), total = 0;
  for (jint i = 0; i < n; ++i)
    total += elems[i];
  (*env)->ReleaseIntArrayElements(env, a, elems, JNI_ABORT);
  return total;
}

JNIEXPORT jint JNICALL Java_JniLeaks_length(JNIEnv *env, jclass cls,
                                            jstring s) {
  (void)cls;
  const char *utf = (*env)->GetStringUTFChars(env, s, NULL);
  if (!utf)
    return -1;
  jint n = 0;
  while (utf[n])
    ++n;
  (*env)->ReleaseStringUTFChars(env, s, utf);
  const jchar *chars = (*env)->GetStringChars(env, s, NULL);
  if (chars)
    (*env)->ReleaseStringChars(env, s, chars);
  return n;
}

JNIEXPORT jlong JNICALL Java_JniLeaks_criticalSum(JNIEnv *env, jclass cls,
                                                  jintArray a) {
  (void)cls;
  jsize n = (*env)->GetArrayLength(env, a);
  jint *p = (*env)->GetPrimitiveArrayCritical(env, a, NULL);
  if (!p)
    return -1;
  jlong total = 0;
  for (jsize i = 0; i < n; ++i)
    total += p[i];
  (*env)->ReleasePrimitiveArrayCritical(env, a, p, JNI_ABORT);
  return total;
}

JNIEXPORT void JNICALL Java_JniLeaks_locked(JNIEnv *env, jclass cls,
                                            jobject o) {
  (void)cls;
  if ((*env)->MonitorEnter(env, o) != JNI_OK)
    return;
  (*env)->MonitorEnter(env, o);
  (*env)->MonitorExit(env, o);
  (*env)->MonitorExit(env, o);
}
