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
 * own frames are dropped by custody) and its Java frames (JVMTI
 * GetStackTrace, with line numbers); a Release with JNI_COMMIT keeps it.
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
static jvmtiEnv *jvmti_env;
static int have_lines, have_sources; /* the JVMTI capabilities we got */

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

/* --- The Java frames of an acquisition ------------------------------------ */

#define CUSTODY_JAVA_FRAMES 16
#define CUSTODY_JAVA_BUCKETS 1024

/* Strings that live as long as the process: one per Java frame (method,
   bytecode index) and one per whole Java stack, each made once. */
struct custody_interned {
  const void *method;
  long long location;
  const char *text;
  struct custody_interned *next;
};
static struct custody_interned *interned[CUSTODY_JAVA_BUCKETS];
static pthread_mutex_t interned_lock = PTHREAD_MUTEX_INITIALIZER;

static unsigned interned_hash(const void *method, long long location,
                              const char *text) {
  unsigned long long h =
      (uintptr_t)method * 0x9e3779b97f4a7c15ull ^ (unsigned long long)location;
  if (text)
    for (const char *c = text; *c; ++c)
      h = (h ^ (unsigned char)*c) * 0x100000001b3ull;
  h ^= h >> 31;
  return (unsigned)(h % CUSTODY_JAVA_BUCKETS);
}

/* The interned copy of (method, location) -> text, or of the string text
   (method null); null when there is none yet and text is null. */
static const char *intern(const void *method, long long location,
                          const char *text) {
  unsigned b = interned_hash(method, location, method ? NULL : text);
  pthread_mutex_lock(&interned_lock);
  for (struct custody_interned *e = interned[b]; e; e = e->next)
    if (e->method == method && e->location == location &&
        (method || strcmp(e->text, text) == 0)) {
      pthread_mutex_unlock(&interned_lock);
      return e->text;
    }
  const char *out = NULL;
  struct custody_interned *e = text ? malloc(sizeof *e) : NULL;
  char *copy = e ? strdup(text) : NULL;
  if (copy) {
    e->method = method;
    e->location = location;
    e->text = out = copy;
    e->next = interned[b];
    interned[b] = e;
  } else {
    free(e);
  }
  pthread_mutex_unlock(&interned_lock);
  return out;
}

static void dealloc(void *p) {
  if (p)
    (*jvmti_env)->Deallocate(jvmti_env, (unsigned char *)p);
}

/* "pkg.Class.method;pkg/File.java;line" for a frame. */
static const char *java_frame(JNIEnv *env, jmethodID method,
                              jlocation location) {
  const char *known = intern(method, location, NULL);
  if (known)
    return known;
  jclass cls = NULL;
  char *sig = NULL, *name = NULL, *source = NULL;
  if ((*jvmti_env)->GetMethodDeclaringClass(jvmti_env, method, &cls) !=
          JVMTI_ERROR_NONE ||
      (*jvmti_env)->GetClassSignature(jvmti_env, cls, &sig, NULL) !=
          JVMTI_ERROR_NONE ||
      (*jvmti_env)->GetMethodName(jvmti_env, method, &name, NULL, NULL) !=
          JVMTI_ERROR_NONE) {
    if (cls)
      real.DeleteLocalRef(env, cls);
    dealloc(sig);
    return NULL;
  }
  /* "Lpkg/Class;" -> "pkg.Class"; the source file in the package's
     folder. */
  char cname[512], file[512];
  const char *c = sig[0] == 'L' ? sig + 1 : sig;
  size_t n = 0, pkg = 0;
  for (; c[n] && c[n] != ';' && n + 1 < sizeof cname; ++n) {
    cname[n] = c[n] == '/' ? '.' : c[n];
    if (c[n] == '/')
      pkg = n + 1;
  }
  cname[n] = 0;
  file[0] = 0;
  if (have_sources &&
      (*jvmti_env)->GetSourceFileName(jvmti_env, cls, &source) ==
          JVMTI_ERROR_NONE &&
      source)
    snprintf(file, sizeof file, "%.*s%s", (int)pkg, c, source);
  int line = 0;
  jint count = 0;
  jvmtiLineNumberEntry *table = NULL;
  if (have_lines && location >= 0 &&
      (*jvmti_env)->GetLineNumberTable(jvmti_env, method, &count, &table) ==
          JVMTI_ERROR_NONE) {
    jlocation best = -1;
    for (jint i = 0; i < count; ++i)
      if (table[i].start_location <= location &&
          table[i].start_location > best) {
        best = table[i].start_location;
        line = table[i].line_number;
      }
    dealloc(table);
  }
  char text[1200];
  snprintf(text, sizeof text, "%s.%s;%s;%d", cname, name, file, line);
  dealloc(sig);
  dealloc(name);
  dealloc(source);
  real.DeleteLocalRef(env, cls);
  return intern(method, location, text);
}

/* The Java frames of the calling thread, innermost first, without the
   native method itself (its C frames are in the native stack); null when
   there are none. */
static const char *java_stack(JNIEnv *env) {
  if (!jvmti_env)
    return NULL;
  jvmtiFrameInfo frames[CUSTODY_JAVA_FRAMES];
  jint count = 0;
  if ((*jvmti_env)
          ->GetStackTrace(jvmti_env, NULL, 0, CUSTODY_JAVA_FRAMES, frames,
                          &count) != JVMTI_ERROR_NONE)
    return NULL;
  char text[4096];
  size_t len = 0;
  text[0] = 0;
  for (jint i = 0; i < count; ++i) {
    if (frames[i].location < 0)
      continue; /* a native method */
    const char *f = java_frame(env, frames[i].method, frames[i].location);
    if (!f)
      continue;
    size_t n = strlen(f);
    if (len + n + 2 >= sizeof text)
      break;
    if (len)
      text[len++] = '|';
    memcpy(text + len, f, n + 1);
    len += n;
  }
  return len ? intern(NULL, 0, text) : NULL;
}

/* --- References -------------------------------------------------------- */

/* The Java stack of a call from the program, computed before the call (no
   JVMTI call inside a critical region); `program` is nonzero for one. */
#define CUSTODY_CALLER_STACK(env)                                              \
  int program = from_program(CALLER);                                          \
  const char *jstack = program ? java_stack(env) : NULL

static jobject JNICALL wrap_NewGlobalRef(JNIEnv *env, jobject obj) {
  CUSTODY_CALLER_STACK(env);
  jobject r = real.NewGlobalRef(env, obj);
  if (r && program)
    custody_rt_acquire_in(kind_global, (uintptr_t)r, "NewGlobalRef", jstack);
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
  CUSTODY_CALLER_STACK(env);
  jweak r = real.NewWeakGlobalRef(env, obj);
  if (r && program)
    custody_rt_acquire_in(kind_weak, (uintptr_t)r, "NewWeakGlobalRef", jstack);
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
    if ((r) && program)                                                        \
      custody_rt_retain_in(kind, (uintptr_t)(r), fn, jstack);                  \
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
    CUSTODY_CALLER_STACK(env);                                                 \
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
  CUSTODY_CALLER_STACK(env);
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
  CUSTODY_CALLER_STACK(env);
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
  CUSTODY_CALLER_STACK(env);
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
  CUSTODY_CALLER_STACK(env);
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
  CUSTODY_CALLER_STACK(env);
  jint r = real.MonitorEnter(env, obj);
  if (r != JNI_OK || !obj || !program)
    return r;
  struct custody_monitor *m = calloc(1, sizeof *m);
  if (!m)
    return r;
  m->entered = obj;
  m->object = real.NewWeakGlobalRef(env, obj);
  m->next = monitors;
  monitors = m;
  custody_rt_acquire_in(kind_monitor, (uintptr_t)m, "MonitorEnter", jstack);
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
#define CUSTODY_JNI_WRAP(Name) table->Name = wrap_##Name;
#include "custody_jni_functions.def"
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
  jvmti_env = jvmti;
  /* Line numbers and source files of the Java frames, when the VM can. */
  jvmtiCapabilities potential, wanted;
  memset(&wanted, 0, sizeof wanted);
  if ((*jvmti)->GetPotentialCapabilities(jvmti, &potential) ==
      JVMTI_ERROR_NONE) {
    wanted.can_get_line_numbers = potential.can_get_line_numbers;
    wanted.can_get_source_file_name = potential.can_get_source_file_name;
    if ((*jvmti)->AddCapabilities(jvmti, &wanted) == JVMTI_ERROR_NONE) {
      have_lines = wanted.can_get_line_numbers;
      have_sources = wanted.can_get_source_file_name;
    }
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
