/*===- custody_jni_agent.c - JNI resources of a running JVM ---------------===*
 *
 * The JNI half of `custody trace`: a JVMTI agent, loaded with
 * -agentpath:libcustody-jni-agent.so (custody trace adds it to
 * JAVA_TOOL_OPTIONS). At VMInit it copies the JNI function table
 * (GetJNIFunctionTable), puts wrappers in place of the functions that hand
 * out something the native code must give back, and installs the copy
 * (SetJNIFunctionTable) for every thread:
 *
 *   NewGlobalRef / DeleteGlobalRef                 jni-global-ref
 *   NewWeakGlobalRef / DeleteWeakGlobalRef         jni-weak-global-ref
 *   Get/Release<Type>ArrayElements (8 types)       jni-<type>-array-elements
 *   GetStringChars / ReleaseStringChars            jni-string-chars
 *   GetStringUTFChars / ReleaseStringUTFChars      jni-utf-chars
 *   GetPrimitiveArrayCritical / Release...         jni-array-critical
 *   GetStringCritical / ReleaseStringCritical      jni-string-critical
 *   MonitorEnter / MonitorExit                     jni-monitor
 *
 * (the resource names of contracts/jni.yaml). Each acquisition is recorded
 * in the table of custody_trace_rt.c, compiled into this library, keyed by
 * the returned reference or pointer, with its native stack (the wrapper's
 * own frames are dropped by custody); a Release with JNI_COMMIT keeps it.
 * Pointers can repeat (a critical pin of the same array twice, the shared
 * address of empty arrays), so pins are counted per pointer. A monitor is an
 * entry per MonitorEnter on its thread; MonitorExit gives back the innermost
 * one of the same object (IsSameObject on a weak reference taken at entry).
 *
 * Calls from the JDK's own libraries (libjvm, libjava, libnet, ...: every
 * object under java.home) are not recorded: their caches of global
 * references live as long as the VM on purpose.
 *
 * At VMDeath the live ones are written as the final report (event
 * "vm-death"), and on $CUSTODY_TRACE_SIGNAL as a snapshot, in the format the
 * preload tracer writes, so custody reads, symbolizes and matches them the
 * same way.
 *
 *===----------------------------------------------------------------------===*/

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "custody_trace_rt.h"

#include <dlfcn.h>
#include <jvmti.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The resource kinds: the runtime tells them apart by address. */
static const char kind_global[] = "jni-global-ref";
static const char kind_weak[] = "jni-weak-global-ref";
static const char kind_string_chars[] = "jni-string-chars";
static const char kind_utf_chars[] = "jni-utf-chars";
static const char kind_array_critical[] = "jni-array-critical";
static const char kind_string_critical[] = "jni-string-critical";
static const char kind_monitor[] = "jni-monitor";
static const char kind_boolean[] = "jni-boolean-array-elements";
static const char kind_byte[] = "jni-byte-array-elements";
static const char kind_char[] = "jni-char-array-elements";
static const char kind_short[] = "jni-short-array-elements";
static const char kind_int[] = "jni-int-array-elements";
static const char kind_long[] = "jni-long-array-elements";
static const char kind_float[] = "jni-float-array-elements";
static const char kind_double[] = "jni-double-array-elements";

/* The VM's own functions, from the table as it was at VMInit. */
static struct JNINativeInterface_ real;

/* --- Who calls: the program, or the JDK -------------------------------- */

static char jdk_home[PATH_MAX]; /* realpath of java.home, with a final '/' */

#define CUSTODY_MODULE_CACHE 64
static struct {
  void *base;
  int jdk;
} module_cache[CUSTODY_MODULE_CACHE];
static int module_cache_len;
static pthread_mutex_t module_lock = PTHREAD_MUTEX_INITIALIZER;

/* Nonzero when the code at `caller` belongs to the program (not to an object
   under java.home, nor to this agent). */
static int from_program(void *caller) {
  Dl_info info;
  if (!dladdr(caller, &info) || !info.dli_fname)
    return 1;
  pthread_mutex_lock(&module_lock);
  for (int i = 0; i < module_cache_len; ++i)
    if (module_cache[i].base == info.dli_fbase) {
      int jdk = module_cache[i].jdk;
      pthread_mutex_unlock(&module_lock);
      return !jdk;
    }
  pthread_mutex_unlock(&module_lock);
  int jdk = 0;
  Dl_info self;
  if (dladdr((void *)from_program, &self) && self.dli_fbase == info.dli_fbase)
    jdk = 1;
  char path[PATH_MAX];
  if (!jdk && jdk_home[0] && realpath(info.dli_fname, path))
    jdk = strncmp(path, jdk_home, strlen(jdk_home)) == 0;
  pthread_mutex_lock(&module_lock);
  if (module_cache_len < CUSTODY_MODULE_CACHE) {
    module_cache[module_cache_len].base = info.dli_fbase;
    module_cache[module_cache_len].jdk = jdk;
    ++module_cache_len;
  }
  pthread_mutex_unlock(&module_lock);
  return !jdk;
}

#define CALLER __builtin_return_address(0)

/* --- References -------------------------------------------------------- */

static jobject JNICALL wrap_NewGlobalRef(JNIEnv *env, jobject obj) {
  jobject r = real.NewGlobalRef(env, obj);
  if (r && from_program(CALLER))
    custody_rt_acquire(kind_global, (uintptr_t)r, "NewGlobalRef");
  return r;
}

static void JNICALL wrap_DeleteGlobalRef(JNIEnv *env, jobject ref) {
  /* Before the real call: once it returns, the slot may be handed out
     again. */
  if (ref)
    custody_rt_release(kind_global, (uintptr_t)ref);
  real.DeleteGlobalRef(env, ref);
}

static jweak JNICALL wrap_NewWeakGlobalRef(JNIEnv *env, jobject obj) {
  jweak r = real.NewWeakGlobalRef(env, obj);
  if (r && from_program(CALLER))
    custody_rt_acquire(kind_weak, (uintptr_t)r, "NewWeakGlobalRef");
  return r;
}

static void JNICALL wrap_DeleteWeakGlobalRef(JNIEnv *env, jweak ref) {
  if (ref)
    custody_rt_release(kind_weak, (uintptr_t)ref);
  real.DeleteWeakGlobalRef(env, ref);
}

/* --- Pins: array elements, string characters, critical regions ---------- */

#define CUSTODY_PIN(r, kind, fn)                                               \
  do {                                                                         \
    if ((r) && from_program(CALLER))                                           \
      custody_rt_retain(kind, (uintptr_t)(r), fn);                             \
  } while (0)

/* JNI_COMMIT copies back and keeps the elements. */
#define CUSTODY_UNPIN(p, kind, mode)                                           \
  do {                                                                         \
    if ((p) && (mode) != JNI_COMMIT)                                           \
      custody_rt_release(kind, (uintptr_t)(p));                                \
  } while (0)

#define CUSTODY_ARRAY(Type, type)                                              \
  static j##type *JNICALL wrap_Get##Type##ArrayElements(                       \
      JNIEnv *env, j##type##Array array, jboolean *isCopy) {                   \
    j##type *r = real.Get##Type##ArrayElements(env, array, isCopy);            \
    CUSTODY_PIN(r, kind_##type, "Get" #Type "ArrayElements");                  \
    return r;                                                                  \
  }                                                                            \
  static void JNICALL wrap_Release##Type##ArrayElements(                       \
      JNIEnv *env, j##type##Array array, j##type *elems, jint mode) {          \
    CUSTODY_UNPIN(elems, kind_##type, mode);                                   \
    real.Release##Type##ArrayElements(env, array, elems, mode);                \
  }

CUSTODY_ARRAY(Boolean, boolean)
CUSTODY_ARRAY(Byte, byte)
CUSTODY_ARRAY(Char, char)
CUSTODY_ARRAY(Short, short)
CUSTODY_ARRAY(Int, int)
CUSTODY_ARRAY(Long, long)
CUSTODY_ARRAY(Float, float)
CUSTODY_ARRAY(Double, double)

static const jchar *JNICALL wrap_GetStringChars(JNIEnv *env, jstring s,
                                                jboolean *isCopy) {
  const jchar *r = real.GetStringChars(env, s, isCopy);
  CUSTODY_PIN(r, kind_string_chars, "GetStringChars");
  return r;
}

static void JNICALL wrap_ReleaseStringChars(JNIEnv *env, jstring s,
                                            const jchar *chars) {
  CUSTODY_UNPIN(chars, kind_string_chars, 0);
  real.ReleaseStringChars(env, s, chars);
}

static const char *JNICALL wrap_GetStringUTFChars(JNIEnv *env, jstring s,
                                                  jboolean *isCopy) {
  const char *r = real.GetStringUTFChars(env, s, isCopy);
  CUSTODY_PIN(r, kind_utf_chars, "GetStringUTFChars");
  return r;
}

static void JNICALL wrap_ReleaseStringUTFChars(JNIEnv *env, jstring s,
                                               const char *chars) {
  CUSTODY_UNPIN(chars, kind_utf_chars, 0);
  real.ReleaseStringUTFChars(env, s, chars);
}

static void *JNICALL wrap_GetPrimitiveArrayCritical(JNIEnv *env, jarray array,
                                                    jboolean *isCopy) {
  void *r = real.GetPrimitiveArrayCritical(env, array, isCopy);
  CUSTODY_PIN(r, kind_array_critical, "GetPrimitiveArrayCritical");
  return r;
}

static void JNICALL wrap_ReleasePrimitiveArrayCritical(JNIEnv *env,
                                                       jarray array,
                                                       void *carray,
                                                       jint mode) {
  CUSTODY_UNPIN(carray, kind_array_critical, mode);
  real.ReleasePrimitiveArrayCritical(env, array, carray, mode);
}

static const jchar *JNICALL wrap_GetStringCritical(JNIEnv *env, jstring s,
                                                   jboolean *isCopy) {
  const jchar *r = real.GetStringCritical(env, s, isCopy);
  CUSTODY_PIN(r, kind_string_critical, "GetStringCritical");
  return r;
}

static void JNICALL wrap_ReleaseStringCritical(JNIEnv *env, jstring s,
                                               const jchar *chars) {
  CUSTODY_UNPIN(chars, kind_string_critical, 0);
  real.ReleaseStringCritical(env, s, chars);
}

/* --- Monitors ------------------------------------------------------------ */

/* One MonitorEnter not yet exited on this thread; its address is the key of
   its record. */
struct custody_monitor {
  jobject entered; /* the reference given to MonitorEnter */
  jweak object;    /* the object, for IsSameObject */
  struct custody_monitor *next;
};
static __thread struct custody_monitor *monitors;

static jint JNICALL wrap_MonitorEnter(JNIEnv *env, jobject obj) {
  jint r = real.MonitorEnter(env, obj);
  if (r != JNI_OK || !obj || !from_program(CALLER))
    return r;
  struct custody_monitor *m = calloc(1, sizeof *m);
  if (!m)
    return r;
  m->entered = obj;
  m->object = real.NewWeakGlobalRef(env, obj);
  m->next = monitors;
  monitors = m;
  custody_rt_acquire(kind_monitor, (uintptr_t)m, "MonitorEnter");
  return r;
}

static jint JNICALL wrap_MonitorExit(JNIEnv *env, jobject obj) {
  if (obj && monitors && from_program(CALLER)) {
    /* The innermost entry of the same reference, else of the same object. */
    struct custody_monitor **at = NULL;
    for (struct custody_monitor **p = &monitors; *p && !at; p = &(*p)->next)
      if ((*p)->entered == obj)
        at = p;
    for (struct custody_monitor **p = &monitors; *p && !at; p = &(*p)->next)
      if ((*p)->object && real.IsSameObject(env, (*p)->object, obj))
        at = p;
    if (at) {
      struct custody_monitor *m = *at;
      *at = m->next;
      custody_rt_release(kind_monitor, (uintptr_t)m);
      if (m->object)
        real.DeleteWeakGlobalRef(env, m->object);
      free(m);
    }
  }
  return real.MonitorExit(env, obj);
}

/* --- JVMTI ---------------------------------------------------------------- */

static void report(const char *fmt, const char *arg) {
  fprintf(stderr, "custody trace: JNI agent: ");
  fprintf(stderr, fmt, arg);
  fputc('\n', stderr);
}

static void JNICALL on_vm_init(jvmtiEnv *jvmti, JNIEnv *env, jthread thread) {
  (void)env;
  (void)thread;
  char *home = NULL;
  if ((*jvmti)->GetSystemProperty(jvmti, "java.home", &home) ==
          JVMTI_ERROR_NONE &&
      home) {
    char path[PATH_MAX];
    size_t n;
    if (realpath(home, path) && (n = strlen(path)) + 2 < sizeof jdk_home) {
      memcpy(jdk_home, path, n);
      jdk_home[n] = '/';
      jdk_home[n + 1] = 0;
    }
    (*jvmti)->Deallocate(jvmti, (unsigned char *)home);
  }
  jniNativeInterface *table = NULL;
  if ((*jvmti)->GetJNIFunctionTable(jvmti, &table) != JVMTI_ERROR_NONE ||
      !table) {
    report("%s", "cannot read the JNI function table: nothing is traced");
    return;
  }
  real = *table;
  table->NewGlobalRef = wrap_NewGlobalRef;
  table->DeleteGlobalRef = wrap_DeleteGlobalRef;
  table->NewWeakGlobalRef = wrap_NewWeakGlobalRef;
  table->DeleteWeakGlobalRef = wrap_DeleteWeakGlobalRef;
#define CUSTODY_WRAP_ARRAY(Type)                                               \
  table->Get##Type##ArrayElements = wrap_Get##Type##ArrayElements;             \
  table->Release##Type##ArrayElements = wrap_Release##Type##ArrayElements
  CUSTODY_WRAP_ARRAY(Boolean);
  CUSTODY_WRAP_ARRAY(Byte);
  CUSTODY_WRAP_ARRAY(Char);
  CUSTODY_WRAP_ARRAY(Short);
  CUSTODY_WRAP_ARRAY(Int);
  CUSTODY_WRAP_ARRAY(Long);
  CUSTODY_WRAP_ARRAY(Float);
  CUSTODY_WRAP_ARRAY(Double);
#undef CUSTODY_WRAP_ARRAY
  table->GetStringChars = wrap_GetStringChars;
  table->ReleaseStringChars = wrap_ReleaseStringChars;
  table->GetStringUTFChars = wrap_GetStringUTFChars;
  table->ReleaseStringUTFChars = wrap_ReleaseStringUTFChars;
  table->GetPrimitiveArrayCritical = wrap_GetPrimitiveArrayCritical;
  table->ReleasePrimitiveArrayCritical = wrap_ReleasePrimitiveArrayCritical;
  table->GetStringCritical = wrap_GetStringCritical;
  table->ReleaseStringCritical = wrap_ReleaseStringCritical;
  table->MonitorEnter = wrap_MonitorEnter;
  table->MonitorExit = wrap_MonitorExit;
  jvmtiError err = (*jvmti)->SetJNIFunctionTable(jvmti, table);
  (*jvmti)->Deallocate(jvmti, (unsigned char *)table);
  if (err != JVMTI_ERROR_NONE) {
    report("%s", "cannot install the JNI function table: nothing is traced");
    return;
  }
}

static void JNICALL on_vm_death(jvmtiEnv *jvmti, JNIEnv *env) {
  (void)jvmti;
  (void)env;
  custody_rt_final_report("vm-death");
}

JNIEXPORT jint JNICALL Agent_OnLoad(JavaVM *vm, char *options, void *reserved) {
  (void)options;
  (void)reserved;
  jvmtiEnv *jvmti = NULL;
  if ((*vm)->GetEnv(vm, (void **)&jvmti, JVMTI_VERSION_1_0) != JNI_OK ||
      !jvmti) {
    report("%s", "no JVMTI environment: nothing is traced");
    return JNI_OK; /* the program still runs */
  }
  jvmtiEventCallbacks callbacks;
  memset(&callbacks, 0, sizeof callbacks);
  callbacks.VMInit = on_vm_init;
  callbacks.VMDeath = on_vm_death;
  if ((*jvmti)->SetEventCallbacks(jvmti, &callbacks, sizeof callbacks) !=
          JVMTI_ERROR_NONE ||
      (*jvmti)->SetEventNotificationMode(
          jvmti, JVMTI_ENABLE, JVMTI_EVENT_VM_INIT, NULL) != JVMTI_ERROR_NONE ||
      (*jvmti)->SetEventNotificationMode(
          jvmti, JVMTI_ENABLE, JVMTI_EVENT_VM_DEATH, NULL) != JVMTI_ERROR_NONE)
    report("%s", "cannot enable the VMInit and VMDeath events: nothing is "
                 "traced");
  return JNI_OK;
}
