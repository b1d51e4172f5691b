/*===- custody_trace_rt.c - Live resources of a traced process ------------===*
 *
 * The runtime half of `custody trace`, preloaded with the generated
 * interposers. It keeps a table of the resources the process owns, keyed by
 * (resource kind, pointer or handle), each with the stack of its
 * acquisition, and writes the table to $CUSTODY_TRACE_DIR:
 *
 *   - exit-PID.raw when the process exits (a destructor of this library,
 *     which runs after the program's atexit handlers), or when
 *     custody_rt_final_report() says so (the JNI agent, at VM death);
 *   - signal-PID-N.raw each time the process receives the signal numbered
 *     $CUSTODY_TRACE_SIGNAL (0: none). The handler only posts a semaphore; a
 *     thread of this library writes the snapshot.
 *
 * custody reads these files, symbolizes the stacks and reports. The format
 * is line-based text: a header, the loaded objects and their segments, then
 * one line per live resource: kind, acquiring function, sequence number,
 * thread id and name, references (then the size in bytes, when the contract
 * gives one), the native stack (return addresses) and,
 * from the JNI agent, the Java frames ("Class.method;File.java;line", '|'
 * between frames, innermost first). Nothing here allocates inside a signal
 *handler or calls a traced function while recording (a thread-local flag makes
 *the interposers forward straight to the real functions then).
 *
 *===----------------------------------------------------------------------===*/

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "custody_trace_rt.h"

#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define CUSTODY_MAX_FRAMES 48
#define CUSTODY_BUCKETS 4096
#define CUSTODY_MAX_ENSURES 64

struct custody_rec {
  const char *kind;
  const char *fn;
  uintptr_t key;
  unsigned long seq;
  uintptr_t state; /* what an ensure returned */
  int refs;
  unsigned long long bytes; /* 0: the contract gives no size */
  int nframes;
  pid_t tid;
  char tname[16];
  const char *managed; /* the caller's managed (Java) frames, or null */
  void *frames[CUSTODY_MAX_FRAMES];
  struct custody_rec *next;
};

static pthread_mutex_t custody_lock = PTHREAD_MUTEX_INITIALIZER;
static struct custody_rec *custody_table[CUSTODY_BUCKETS];
static unsigned long custody_seq;
static __thread int custody_busy;
/* The per-thread stack of ensures not yet given back. */
static __thread struct custody_rec *custody_ensures[CUSTODY_MAX_ENSURES];
static __thread int custody_nensures;

static char custody_dir[4096];
static int custody_signal;
static sem_t custody_snapshot_sem;
static int custody_helper_started;
static pid_t custody_helper_pid;
static unsigned custody_snapshots;

void *custody_rt_next(const char *name) {
  void *p = dlsym(RTLD_NEXT, name);
  if (!p) {
    char msg[512];
    int n = snprintf(msg, sizeof msg,
                     "custody trace: no function '%s' after the tracer in "
                     "this process\n",
                     name);
    if (n > 0)
      (void)!write(2, msg, (size_t)n < sizeof msg ? (size_t)n : sizeof msg);
    abort();
  }
  return p;
}

int custody_rt_enter(void) {
  if (custody_busy)
    return 0;
  custody_busy = 1;
  return 1;
}

void custody_rt_leave(void) { custody_busy = 0; }

int custody_rt_outside(void *caller, void *real) {
  Dl_info a, b, self;
  if (!dladdr(caller, &a) || !dladdr(real, &b))
    return 1;
  /* Called back from an interposer: the real function it called ended in a
     tail call through the library's own PLT (PyGILState_Release ending in
     PyEval_SaveThread), so the library called itself. */
  if (dladdr((void *)custody_rt_outside, &self) &&
      a.dli_fbase == self.dli_fbase)
    return 0;
  return a.dli_fbase != b.dli_fbase;
}

static unsigned custody_hash(const char *kind, uintptr_t key) {
  uintptr_t h = key ^ ((uintptr_t)kind * 0x9e3779b97f4a7c15ull);
  h ^= h >> 29;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 32;
  return (unsigned)(h % CUSTODY_BUCKETS);
}

static void custody_start_helper(void);

static struct custody_rec *custody_new_rec(const char *kind, uintptr_t key,
                                           const char *fn) {
  struct custody_rec *r = calloc(1, sizeof *r);
  if (!r)
    return NULL;
  r->kind = kind;
  r->key = key;
  r->fn = fn;
  r->refs = 1;
  r->nframes = backtrace(r->frames, CUSTODY_MAX_FRAMES);
  r->tid = (pid_t)syscall(SYS_gettid);
  pthread_getname_np(pthread_self(), r->tname, sizeof r->tname);
  return r;
}

static void custody_insert(struct custody_rec *r) {
  unsigned b = custody_hash(r->kind, r->key);
  r->seq = ++custody_seq;
  r->next = custody_table[b];
  custody_table[b] = r;
}

/* Unlinks and returns the record of (kind, key); any kind when kind is 0. */
static struct custody_rec *custody_unlink(const char *kind, uintptr_t key) {
  if (kind) {
    struct custody_rec **p = &custody_table[custody_hash(kind, key)];
    for (; *p; p = &(*p)->next)
      if ((*p)->kind == kind && (*p)->key == key) {
        struct custody_rec *r = *p;
        *p = r->next;
        return r;
      }
    return NULL;
  }
  for (unsigned b = 0; b < CUSTODY_BUCKETS; ++b)
    for (struct custody_rec **p = &custody_table[b]; *p; p = &(*p)->next)
      if ((*p)->key == key) {
        struct custody_rec *r = *p;
        *p = r->next;
        return r;
      }
  return NULL;
}

static struct custody_rec *custody_find(const char *kind, uintptr_t key) {
  for (struct custody_rec *r = custody_table[custody_hash(kind, key)]; r;
       r = r->next)
    if (r->kind == kind && r->key == key)
      return r;
  return NULL;
}

void custody_rt_acquire(const char *kind, uintptr_t key, const char *fn) {
  custody_rt_acquire_in(kind, key, fn, NULL);
}

void custody_rt_acquire_in(const char *kind, uintptr_t key, const char *fn,
                           const char *managed) {
  custody_start_helper();
  struct custody_rec *r = custody_new_rec(kind, key, fn);
  if (!r)
    return;
  r->managed = managed;
  pthread_mutex_lock(&custody_lock);
  /* The same key again: the old one was released where we could not see
     it (by the library itself); the new acquisition replaces it. */
  free(custody_unlink(kind, key));
  custody_insert(r);
  pthread_mutex_unlock(&custody_lock);
}

void custody_rt_size(const char *kind, uintptr_t key,
                     unsigned long long bytes) {
  pthread_mutex_lock(&custody_lock);
  struct custody_rec *r = custody_find(kind, key);
  if (r)
    r->bytes = bytes;
  pthread_mutex_unlock(&custody_lock);
}

void custody_rt_release(const char *kind, uintptr_t key) {
  pthread_mutex_lock(&custody_lock);
  struct custody_rec *r = kind ? custody_find(kind, key) : NULL;
  if (r && r->refs > 1) {
    --r->refs;
    pthread_mutex_unlock(&custody_lock);
    return;
  }
  r = custody_unlink(kind, key);
  pthread_mutex_unlock(&custody_lock);
  free(r);
}

void custody_rt_retain(const char *kind, uintptr_t key, const char *fn) {
  custody_rt_retain_in(kind, key, fn, NULL);
}

void custody_rt_retain_in(const char *kind, uintptr_t key, const char *fn,
                          const char *managed) {
  pthread_mutex_lock(&custody_lock);
  struct custody_rec *r = custody_find(kind, key);
  if (r) {
    ++r->refs;
    pthread_mutex_unlock(&custody_lock);
    return;
  }
  pthread_mutex_unlock(&custody_lock);
  custody_rt_acquire_in(kind, key, fn, managed);
}

void custody_rt_ensure(const char *kind, uintptr_t state, const char *fn) {
  custody_start_helper();
  /* Each ensure is its own entry: the key only has to be unique. */
  struct custody_rec *r = custody_new_rec(kind, 0, fn);
  if (!r)
    return;
  r->state = state;
  pthread_mutex_lock(&custody_lock);
  r->key = (uintptr_t)r;
  custody_insert(r);
  pthread_mutex_unlock(&custody_lock);
  if (custody_nensures < CUSTODY_MAX_ENSURES)
    custody_ensures[custody_nensures++] = r;
}

void custody_rt_ensure_release(const char *kind, uintptr_t state) {
  /* The innermost ensure of this thread that returned this state; else the
     innermost one. */
  int at = -1;
  for (int i = custody_nensures - 1; i >= 0 && at < 0; --i)
    if (custody_ensures[i]->kind == kind && custody_ensures[i]->state == state)
      at = i;
  for (int i = custody_nensures - 1; i >= 0 && at < 0; --i)
    if (custody_ensures[i]->kind == kind)
      at = i;
  if (at < 0)
    return;
  struct custody_rec *r = custody_ensures[at];
  for (int i = at; i + 1 < custody_nensures; ++i)
    custody_ensures[i] = custody_ensures[i + 1];
  --custody_nensures;
  pthread_mutex_lock(&custody_lock);
  r = custody_unlink(kind, r->key);
  pthread_mutex_unlock(&custody_lock);
  free(r);
}

/* --- Writing the table ---------------------------------------------------- */

struct custody_out {
  int fd;
  size_t len;
  char buf[8192];
};

static void custody_flush(struct custody_out *o) {
  size_t off = 0;
  while (off < o->len) {
    ssize_t n = write(o->fd, o->buf + off, o->len - off);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    off += (size_t)n;
  }
  o->len = 0;
}

static void custody_put(struct custody_out *o, const char *s) {
  for (; *s; ++s) {
    if (o->len == sizeof o->buf)
      custody_flush(o);
    o->buf[o->len++] = *s;
  }
}

static void custody_putf(struct custody_out *o, const char *fmt,
                         unsigned long long v) {
  char tmp[64];
  snprintf(tmp, sizeof tmp, fmt, v);
  custody_put(o, tmp);
}

/* A name without tabs or newlines, which separate the fields. */
static void custody_put_field(struct custody_out *o, const char *s) {
  char c[2] = {0, 0};
  for (; *s; ++s) {
    c[0] = (*s == '\t' || *s == '\n' || *s == '\r') ? ' ' : *s;
    custody_put(o, c);
  }
}

static int custody_module(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  struct custody_out *o = data;
  char exe[4096];
  const char *name = info->dlpi_name;
  if (!name || !*name) {
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
      return 0;
    exe[n] = 0;
    name = exe;
  }
  if (name[0] != '/')
    return 0; /* the vDSO */
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
      continue;
    custody_putf(o, "module %llx", (unsigned long long)info->dlpi_addr);
    custody_putf(o, " %llx",
                 (unsigned long long)(info->dlpi_addr + ph->p_vaddr));
    custody_putf(
        o, " %llx\t",
        (unsigned long long)(info->dlpi_addr + ph->p_vaddr + ph->p_memsz));
    custody_put_field(o, name);
    custody_put(o, "\n");
  }
  return 0;
}

/* Writes the table to DIR/NAME (through a temporary name, so that a reader
   never sees half a file). Called with custody_busy set. */
static void custody_dump(const char *event, unsigned snapshot) {
  if (!custody_dir[0])
    return;
  pid_t pid = getpid();
  char path[4200], tmp[4300];
  if (snapshot)
    snprintf(path, sizeof path, "%s/signal-%d-%u.raw", custody_dir, (int)pid,
             snapshot);
  else
    snprintf(path, sizeof path, "%s/exit-%d.raw", custody_dir, (int)pid);
  snprintf(tmp, sizeof tmp, "%s.part", path);
  static struct custody_out out; /* under custody_lock */
  pthread_mutex_lock(&custody_lock);
  out.fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (out.fd < 0) {
    pthread_mutex_unlock(&custody_lock);
    return;
  }
  out.len = 0;
  custody_put(&out, "custody-trace 1\n");
  custody_putf(&out, "pid %llu\n", (unsigned long long)pid);
  custody_put(&out, "event ");
  custody_put(&out, event);
  custody_putf(&out, "\nsnapshot %llu\n", snapshot);
  dl_iterate_phdr(custody_module, &out);
  for (unsigned b = 0; b < CUSTODY_BUCKETS; ++b)
    for (struct custody_rec *r = custody_table[b]; r; r = r->next) {
      custody_put(&out, "live ");
      custody_put_field(&out, r->kind);
      custody_put(&out, "\t");
      custody_put_field(&out, r->fn);
      custody_putf(&out, "\t%llu\t", (unsigned long long)r->seq);
      custody_putf(&out, "%llu\t", (unsigned long long)r->tid);
      custody_put_field(&out, r->tname);
      custody_putf(&out, "\t%llu", (unsigned long long)r->refs);
      if (r->bytes)
        custody_putf(&out, " %llu", r->bytes);
      custody_put(&out, "\t");
      for (int i = 0; i < r->nframes; ++i)
        custody_putf(&out, i ? " %llx" : "%llx",
                     (unsigned long long)(uintptr_t)r->frames[i]);
      if (r->managed) {
        custody_put(&out, "\t");
        custody_put_field(&out, r->managed);
      }
      custody_put(&out, "\n");
    }
  custody_put(&out, "end\n");
  custody_flush(&out);
  close(out.fd);
  pthread_mutex_unlock(&custody_lock);
  rename(tmp, path);
}

static void *custody_helper(void *arg) {
  (void)arg;
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, NULL);
  custody_busy = 1;
  for (;;) {
    if (sem_wait(&custody_snapshot_sem) != 0)
      continue;
    custody_dump("signal", ++custody_snapshots);
  }
  return NULL;
}

static void custody_on_signal(int sig) {
  (void)sig;
  int saved = errno;
  sem_post(&custody_snapshot_sem);
  errno = saved;
}

/* The snapshot thread, started on the first recorded acquisition of each
   process (a child of fork() starts its own). */
static void custody_start_helper(void) {
  if (!custody_signal)
    return;
  pid_t pid = getpid();
  if (__atomic_load_n(&custody_helper_started, __ATOMIC_ACQUIRE) &&
      custody_helper_pid == pid)
    return;
  pthread_mutex_lock(&custody_lock);
  if (!custody_helper_started || custody_helper_pid != pid) {
    pthread_t t;
    if (pthread_create(&t, NULL, custody_helper, NULL) == 0) {
      pthread_detach(t);
      custody_helper_pid = pid;
      __atomic_store_n(&custody_helper_started, 1, __ATOMIC_RELEASE);
    }
  }
  pthread_mutex_unlock(&custody_lock);
}

/* A child of fork() owns none of its parent's resources (its copies are its
   parent's to release), and has no snapshot thread yet. */
static void custody_after_fork_child(void) {
  for (unsigned b = 0; b < CUSTODY_BUCKETS; ++b) {
    struct custody_rec *r = custody_table[b];
    while (r) {
      struct custody_rec *n = r->next;
      free(r);
      r = n;
    }
    custody_table[b] = NULL;
  }
  custody_nensures = 0;
  custody_snapshots = 0;
  pthread_mutex_init(&custody_lock, NULL);
}

__attribute__((constructor)) static void custody_init(void) {
  custody_busy = 1;
  const char *dir = getenv("CUSTODY_TRACE_DIR");
  if (dir && strlen(dir) < sizeof custody_dir)
    strcpy(custody_dir, dir);
  const char *sig = getenv("CUSTODY_TRACE_SIGNAL");
  custody_signal = sig ? atoi(sig) : 0;
  /* backtrace() loads the unwinder on its first use: not inside a call. */
  void *warm[2];
  backtrace(warm, 2);
  pthread_atfork(NULL, NULL, custody_after_fork_child);
  if (custody_signal > 0 && custody_signal < NSIG) {
    sem_init(&custody_snapshot_sem, 0, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = custody_on_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    /* A signal the process was started ignoring stays ignored. */
    struct sigaction old;
    if (sigaction(custody_signal, NULL, &old) == 0 && old.sa_handler == SIG_DFL)
      sigaction(custody_signal, &sa, NULL);
    custody_start_helper();
  } else {
    custody_signal = 0;
  }
  custody_busy = 0;
}

void custody_rt_final_report(const char *event) {
  int busy = custody_busy;
  custody_busy = 1;
  custody_dump(event, 0);
  custody_busy = busy;
}

#ifndef CUSTODY_RT_NO_EXIT_REPORT
__attribute__((destructor)) static void custody_fini(void) {
  custody_busy = 1;
  custody_dump("exit", 0);
}
#endif
