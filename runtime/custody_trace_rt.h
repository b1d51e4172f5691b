/*===- custody_trace_rt.h - What generated interposers call ---------------===*
 *
 * `custody trace` generates one C file of interposers for the contracted
 * functions of a library and builds it, with custody_trace_rt.c, into a
 * library that is preloaded into the traced command. The interposers call
 * these functions; custody_trace_rt.c keeps the table of live resources and
 * writes it out at exit and on a signal. Both files are embedded in the
 * custody binary and written next to the generated file at trace time.
 *
 *===----------------------------------------------------------------------===*/

#ifndef CUSTODY_TRACE_RT_H
#define CUSTODY_TRACE_RT_H

#include <stdint.h>

/* The real function after this library in the lookup order; aborts with a
   message when there is none. */
void *custody_rt_next(const char *name);

/* Nonzero when the calling thread may record now (not already inside the
   tracer); then custody_rt_leave() must follow. */
int custody_rt_enter(void);
void custody_rt_leave(void);

/* Nonzero when the call comes from outside the object that defines the real
   function: calls a library makes to itself are not recorded. */
int custody_rt_outside(void *caller, void *real);

/* A resource of kind `kind` with this key (pointer or handle) is now owned by
   the caller; `fn` names the acquiring function. */
void custody_rt_acquire(const char *kind, uintptr_t key, const char *fn);
/* The same, with the caller's managed frames (the JNI agent's Java stack:
   "Class.method;File.java;line" joined by '|', innermost first); the string
   must live as long as the process. */
void custody_rt_acquire_in(const char *kind, uintptr_t key, const char *fn,
                           const char *managed);
void custody_rt_retain_in(const char *kind, uintptr_t key, const char *fn,
                          const char *managed);
/* The size in bytes of the live resource (kind, key), from the arguments
   its contract names ('size'). */
void custody_rt_size(const char *kind, uintptr_t key, unsigned long long bytes);
/* Released (or handed over); a null kind releases it whatever its kind. */
void custody_rt_release(const char *kind, uintptr_t key);
/* One more reference owned by the caller. */
void custody_rt_retain(const char *kind, uintptr_t key, const char *fn);
/* A per-thread balance (PyGILState_Ensure/Release): `state` is the value the
   ensure returned, given back to the release. */
void custody_rt_ensure(const char *kind, uintptr_t state, const char *fn);
void custody_rt_ensure_release(const char *kind, uintptr_t state);

/* Writes the table now as the final report, event `event` (what the JNI
   agent does at VM death). A runtime built with CUSTODY_RT_NO_EXIT_REPORT
   writes no report of its own at exit. */
void custody_rt_final_report(const char *event);

#endif
