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
// ERR: custody: tracing 30 JNI functions with a JVMTI agent (JAVA_TOOL_OPTIONS)
// ERR: custody: 4 resources live at VM death, from 2 acquisition stacks; 2 confirm a static finding, 0 are contract or analysis gaps
//
// The same in JSON, with --jni spelled out and the JVM's own options kept:
// RUN: env JAVA_TOOL_OPTIONS=-Dcustody.test=1 %expect-exit 1 %custody trace --jni --findings %t/findings.json --format json --output %t/out.json -- %{java} %{java_flags} -Djava.library.path=%t -cp %t JniLeaks signal 2> %t/json-err.txt
// RUN: FileCheck %s --check-prefix=JSON < %t/out.json
// RUN: FileCheck %s --check-prefix=SIGNAL < %t/out.json
// RUN: FileCheck %s --check-prefix=JSON-ERR < %t/json-err.txt
// JSON-ERR: Picked up JAVA_TOOL_OPTIONS: -Dcustody.test=1 -agentpath:{{.*}}libcustody-jni-agent.so
//
// The program sends itself SIGUSR1 once it is done: the snapshot has the
// same two groups, before the report at VM death.
// SIGNAL: "reports": [
// SIGNAL-NEXT: {
// SIGNAL-NEXT: "event": "signal",
// SIGNAL-NEXT: "live": [
// SIGNAL: "count": 3,
// SIGNAL: "function": "NewGlobalRef",
// SIGNAL: "count": 1,
// SIGNAL: "function": "GetIntArrayElements",
// SIGNAL: "signal": "SIGUSR1",
// SIGNAL-NEXT: "snapshot": 1
// SIGNAL-NEXT: },
// SIGNAL-NEXT: {
// SIGNAL-NEXT: "event": "vm-death",

#include <jni.h>

JNIEXPORT void JNICALL Java_JniLeaks_keep(JNIEnv *env, jclass cls, jobject o) {
  (void)cls;
  // CHECK: trace-jni.c:[[@LINE+3]]:18: warning: 3 'jni-global-ref' (JNI global reference from 'NewGlobalRef') still live at VM death [runtime-leak]
  // CHECK-NEXT: JniLeaks.java:15:1: note: 'Java_JniLeaks_keep' called here
  // CHECK-NEXT: trace-jni.c:[[@LINE+3]]:1: note: confirmed at run time: 'kept' (JNI global reference from 'NewGlobalRef') is not released on this path [jni-global-ref-leak]
  jobject kept = (*env)->NewGlobalRef(env, o);
  (void)kept; /* BUG: never deleted */
}
// JSON: "event": "vm-death",
// JSON-NEXT: "live": [
// JSON-NEXT: {
// JSON-NEXT: "check": "runtime-leak",
// JSON-NEXT: "count": 3,
// JSON-NEXT: "description": "JNI global reference",
// JSON-NEXT: "function": "NewGlobalRef",
// JSON-NEXT: "gap": false,
// JSON-NEXT: "location": {
// JSON-NEXT: "column": 18,
// JSON-NEXT: "file": "{{.*}}trace-jni.c",
// JSON-NEXT: "line": [[@LINE-14]]
// JSON: "function": "Java_JniLeaks_keep",
// JSON: "file": "JniLeaks.java",
// JSON-NEXT: "function": "JniLeaks.main",
// JSON-NEXT: "line": 15,
// JSON-NEXT: "module": "java",
// JSON: "static_finding": {
// JSON-NEXT: "check": "jni-global-ref-leak",

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
  // CHECK: trace-jni.c:[[@LINE+7]]:17: warning: 1 'jni-int-array-elements' (JNI int array elements from 'GetIntArrayElements') still live at VM death [runtime-leak]
  // CHECK-NEXT: JniLeaks.java:18:1: note: 'Java_JniLeaks_sum' called here
  // CHECK-NEXT: trace-jni.c:[[@LINE+9]]:5: note: confirmed at run time: 'elems' (JNI int array elements from 'GetIntArrayElements') is not released on this path [jni-elements-leak]
  // JSON: "count": 1,
  // JSON-NEXT: "description": "JNI int array elements",
  // JSON-NEXT: "function": "GetIntArrayElements",
  // JSON: "line": [[@LINE+1]]
  jint *elems = (*env)->GetIntArrayElements(env, a, NULL);
  if (!elems)
    return -1;
  if (early)
    return elems[0]; /* BUG: the elements stay pinned */
  // JSON: "function": "JniLeaks.main",
  // JSON-NEXT: "line": 18,
  // JSON: "static_finding": {
  // JSON-NEXT: "check": "jni-elements-leak",
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

// JSON: "static_findings_not_seen": [],
// JSON: "traced": [
// JSON-NEXT: "NewGlobalRef",
