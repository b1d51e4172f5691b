// RUN: not %custody %s -- %cflags | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- %cflags | FileCheck %s --implicit-check-not=warning:

// The POSIX part of the built-in libc contract (contracts/libc.yaml) on the
// real headers: file descriptors (-1 on failure), memory mappings
// (MAP_FAILED on failure), dlopen handles, and the static results of
// localtime and friends.

#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

// --- Must warn ---------------------------------------------------------------

int checkLeak01OpenOnShortRead(const char *path, char *buf, size_t n) {
  int fd = open(path, O_RDONLY);
  if (fd < 0)
    return -1;
  if (read(fd, buf, n) != (ssize_t)n)
    return -1;
  // CHECK: :[[@LINE-1]]:5: warning: 'fd' (file descriptor from 'open') is not released on this path [contract-resource-leak]
  // CHECK: :[[@LINE-6]]:12: note: file descriptor acquired here from 'open'; the contract says 'close' releases it
  // CHECK: :[[@LINE-4]]:7: note: assuming 'read(fd, buf, n) != (ssize_t)n' is true
  close(fd);
  return 0;
}

int checkLeak02SocketOnConnectError(const struct sockaddr *sa, socklen_t len) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd == -1)
    return -1;
  if (connect(fd, sa, len) != 0)
    return -1;
  // CHECK: :[[@LINE-1]]:5: warning: 'fd' (file descriptor from 'socket') is not released on this path [contract-resource-leak]
  // CHECK: :[[@LINE-6]]:12: note: file descriptor acquired here from 'socket'; the contract says 'close' releases it
  // CHECK: :[[@LINE-4]]:7: note: assuming 'connect(fd, sa, len) != 0' is true
  return fd;
}

void checkLeak03AcceptedNeverClosed(int listener) {
  int c = accept(listener, NULL, NULL);
  if (c < 0)
    return;
  write(c, "hi\n", 3);
}
// CHECK: :[[@LINE-1]]:1: warning: 'c' (file descriptor from 'accept') is not released on this path [contract-resource-leak]
// CHECK: :[[@LINE-6]]:11: note: file descriptor acquired here from 'accept'; the contract says 'close' releases it

void checkLeak04Accept4Discarded(int listener) {
  accept4(listener, NULL, NULL, SOCK_CLOEXEC);
  // CHECK: :[[@LINE-1]]:3: warning: the result of 'accept4' (file descriptor) is discarded, so it can never be released [contract-resource-leak]
}

int checkLeak05DupOverwritten(int fd) {
  int copy = dup(fd);
  if (copy < 0)
    return -1;
  copy = dup(fd);
  // CHECK: :[[@LINE-1]]:3: warning: 'copy' (file descriptor from 'dup') is overwritten while it still owns the file descriptor [contract-resource-leak]
  // CHECK: :[[@LINE-5]]:14: note: file descriptor acquired here from 'dup'; the contract says 'close' releases it
  return copy;
}

int checkLeak06Openat(int dir) {
  int fd = openat(dir, "a", O_RDONLY);
  if (fd < 0)
    return -1;
  return 0;
  // CHECK: :[[@LINE-1]]:3: warning: 'fd' (file descriptor from 'openat') is not released on this path [contract-resource-leak]
  // CHECK: :[[@LINE-5]]:12: note: file descriptor acquired here from 'openat'; the contract says 'close' releases it
}

void checkLeak07Creat(const char *path, const char *data) {
  int fd = creat(path, 0600);
  if (fd < 0)
    return;
  write(fd, data, strlen(data));
}
// CHECK: :[[@LINE-1]]:1: warning: 'fd' (file descriptor from 'creat') is not released on this path [contract-resource-leak]
// CHECK: :[[@LINE-6]]:12: note: file descriptor acquired here from 'creat'; the contract says 'close' releases it

int checkLeak08TemporaryFile(char *tmpl, const char *data) {
  int fd = mkstemp(tmpl);
  if (fd == -1)
    return -1;
  if (write(fd, data, strlen(data)) < 0) {
    unlink(tmpl);
    return -1;
    // CHECK: :[[@LINE-1]]:5: warning: 'fd' (file descriptor from 'mkstemp') is not released on this path [contract-resource-leak]
    // CHECK: :[[@LINE-7]]:12: note: file descriptor acquired here from 'mkstemp'; the contract says 'close' releases it
    // CHECK: :[[@LINE-5]]:7: note: assuming 'write(fd, data, strlen(data)) < 0' is true
  }
  close(fd);
  return 0;
}

int checkLeak09EventLoop(void) {
  int ep = epoll_create1(EPOLL_CLOEXEC);
  if (ep < 0)
    return -1;
  int ev = eventfd(0, EFD_NONBLOCK);
  if (ev < 0)
    return -1;
  // CHECK: :[[@LINE-1]]:5: warning: 'ep' (file descriptor from 'epoll_create1') is not released on this path [contract-resource-leak]
  // CHECK: :[[@LINE-7]]:12: note: file descriptor acquired here from 'epoll_create1'; the contract says 'close' releases it
  // CHECK: :[[@LINE-5]]:12: note: assuming 'eventfd' fails (its result is == -1)
  struct epoll_event e = {.events = EPOLLIN, .data.fd = ev};
  if (epoll_ctl(ep, EPOLL_CTL_ADD, ev, &e) != 0) {
    close(ev);
    close(ep);
    return -1;
  }
  close(ev);
  return ep;
}

int checkDoubleRelease01MemfdClosedTwice(size_t n) {
  int fd = memfd_create("buf", MFD_CLOEXEC);
  if (fd < 0)
    return -1;
  if (ftruncate(fd, (off_t)n) != 0) {
    close(fd);
    goto fail;
  }
  close(fd);
  return 0;
fail:
  close(fd);
  // CHECK: :[[@LINE-1]]:3: warning: 'fd' is released by 'close' after it was already released by 'close' [contract-double-release]
  // CHECK: :[[@LINE-12]]:12: note: file descriptor acquired here from 'memfd_create'; the contract says 'close' releases it
  // CHECK: :[[@LINE-9]]:5: note: first released here
  return -1;
}

void checkUseAfterRelease01WriteAfterClose(const char *path) {
  int fd = open(path, O_WRONLY | O_APPEND);
  if (fd < 0)
    return;
  close(fd);
  write(fd, "x", 1);
  // CHECK: :[[@LINE-1]]:3: warning: 'fd' is used after it was released by 'close' [contract-use-after-release]
  // CHECK: :[[@LINE-6]]:12: note: file descriptor acquired here from 'open'; the contract says 'close' releases it
  // CHECK: :[[@LINE-4]]:3: note: released here
}

int checkUseAfterRelease02FdAfterFdopendir(int fd) {
  DIR *d = fdopendir(fd);
  if (!d)
    return -1;
  struct stat st;
  int rc = fstat(fd, &st);
  // CHECK: :[[@LINE-1]]:12: warning: 'fd' is used after its ownership moved into 'fdopendir' [contract-use-after-release]
  // CHECK: :[[@LINE-6]]:12: note: ownership moved here
  closedir(d);
  return rc;
}

int checkLeak10MappingOnEarlyReturn(int fd, size_t n) {
  unsigned char *p = mmap(NULL, n, PROT_READ, MAP_PRIVATE, fd, 0);
  if (p == MAP_FAILED)
    return -1;
  if (p[0] != 0x7f)
    return -1;
  // CHECK: :[[@LINE-1]]:5: warning: 'p' (memory mapping from 'mmap') is not released on this path [contract-resource-leak]
  // CHECK: :[[@LINE-6]]:22: note: memory mapping acquired here from 'mmap'; the contract says 'munmap' releases it
  // CHECK: :[[@LINE-4]]:7: note: assuming 'p[0] != 0x7f' is true
  munmap(p, n);
  return 0;
}

void checkWrongRelease01MappingFreed(size_t n) {
  void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                 -1, 0);
  if (p == MAP_FAILED)
    return;
  free(p);
  // CHECK: :[[@LINE-1]]:3: warning: 'p' (memory mapping from 'mmap') is released with 'free', which releases heap memory [contract-wrong-release]
  // CHECK: :[[@LINE-6]]:13: note: memory mapping acquired here from 'mmap'; the contract says 'munmap' releases it
}

int checkLeak11PluginNotClosed(const char *path) {
  void *h = dlopen(path, RTLD_NOW);
  if (!h)
    return -1;
  int (*init)(void) = (int (*)(void))dlsym(h, "plugin_init");
  if (!init)
    return -1;
  // CHECK: :[[@LINE-1]]:5: warning: 'h' (shared object handle from 'dlopen') is not released on this path [contract-resource-leak]
  // CHECK: :[[@LINE-7]]:13: note: shared object handle acquired here from 'dlopen'; the contract says 'dlclose' releases it
  // CHECK: :[[@LINE-4]]:7: note: assuming '!init' is true
  int rc = init();
  dlclose(h);
  return rc;
}

void checkDoubleRelease02Dlclose(const char *path) {
  void *h = dlopen(path, RTLD_LAZY);
  if (h == NULL)
    return;
  dlclose(h);
  dlclose(h);
  // CHECK: :[[@LINE-1]]:3: warning: 'h' is released by 'dlclose' after it was already released by 'dlclose' [contract-double-release]
  // CHECK: :[[@LINE-6]]:13: note: shared object handle acquired here from 'dlopen'; the contract says 'dlclose' releases it
  // CHECK: :[[@LINE-4]]:3: note: first released here
}

void checkReleaseUnowned01FreeLocaltime(time_t t) {
  struct tm *tm = localtime(&t);
  if (!tm)
    return;
  printf("%d\n", tm->tm_year);
  free(tm);
  // CHECK: :[[@LINE-1]]:3: warning: 'tm' is borrowed from 'localtime' and must not be released by 'free' [contract-release-unowned]
}

void checkReleaseUnowned02FreeCtime(time_t t) {
  free(ctime(&t));
  // CHECK: :[[@LINE-1]]:3: warning: the result of 'ctime' is borrowed from 'ctime' and must not be released by 'free' [contract-release-unowned]
}

// --- Must stay silent --------------------------------------------------------

int checkNoLeak01ReadWholeFile(const char *path, char *buf, size_t n) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  ssize_t got = read(fd, buf, n);
  close(fd);
  return got < 0 ? -1 : (int)got;
}

struct conn {
  int fd;
  int epoll;
};

int checkNoLeak02StoredInStruct(struct conn *c, const struct sockaddr *sa,
                                socklen_t len) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd == -1)
    return -1;
  if (connect(fd, sa, len) < 0) {
    close(fd);
    return -1;
  }
  c->fd = fd;
  c->epoll = epoll_create1(0);
  return 0;
}

int checkNoLeak03Returned(const char *path) {
  int fd = open(path, O_RDWR | O_CREAT, 0644);
  if (fd < 0)
    return -1;
  struct stat st;
  if (fstat(fd, &st) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

FILE *checkNoLeak04Fdopen(const char *path) {
  int fd = open(path, O_RDONLY);
  if (fd < 0)
    return NULL;
  FILE *f = fdopen(fd, "r");
  if (!f) {
    close(fd);
    return NULL;
  }
  return f;
}

FILE *checkNoLeak05FdUsedWhileStreamOpen(const char *path, struct stat *st) {
  int fd = open(path, O_RDONLY);
  if (fd == -1)
    return NULL;
  FILE *f = fdopen(fd, "r");
  if (f == NULL) {
    close(fd);
    return NULL;
  }
  fstat(fd, st);
  return f;
}

int checkNoLeak06CountEntries(int dirfd_) {
  int fd = dup(dirfd_);
  if (fd < 0)
    return -1;
  DIR *d = fdopendir(fd);
  if (!d) {
    close(fd);
    return -1;
  }
  int n = 0;
  while (readdir(d))
    ++n;
  closedir(d);
  return n;
}

void checkNoLeak07AcceptLoop(int listener) {
  for (;;) {
    int c = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
    if (c < 0)
      break;
    send(c, "ok\n", 3, 0);
    shutdown(c, SHUT_RDWR);
    close(c);
  }
}

int checkNoLeak08RedirectStdout(const char *path) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd == -1)
    return -1;
  int saved = dup(STDOUT_FILENO);
  if (saved == -1) {
    close(fd);
    return -1;
  }
  dup2(fd, STDOUT_FILENO);
  close(fd);
  puts("to the file");
  fflush(stdout);
  dup2(saved, STDOUT_FILENO);
  close(saved);
  return 0;
}

long checkNoLeak09MapAndSum(const char *path, size_t n) {
  int fd = open(path, O_RDONLY);
  if (fd < 0)
    return -1;
  unsigned char *p = mmap(NULL, n, PROT_READ, MAP_SHARED, fd, 0);
  close(fd);
  if (p == MAP_FAILED)
    return -1;
  long sum = 0;
  for (size_t i = 0; i < n; ++i)
    sum += p[i];
  munmap(p, n);
  return sum;
}

void *checkNoLeak10MappingReturned(size_t n) {
  void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                 -1, 0);
  if (p == MAP_FAILED)
    return NULL;
  if (madvise(p, n, MADV_HUGEPAGE) != 0) {
    munmap(p, n);
    return NULL;
  }
  return p;
}

int checkNoLeak11Plugin(const char *path) {
  void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (h == NULL) {
    fprintf(stderr, "%s\n", dlerror());
    return -1;
  }
  int (*init)(void) = (int (*)(void))dlsym(h, "plugin_init");
  int rc = init ? init() : -1;
  dlclose(h);
  return rc;
}

size_t checkNoLeak12FormatTime(char *out, size_t n) {
  time_t now = time(NULL);
  struct tm *tm = localtime(&now);
  if (!tm)
    return 0;
  size_t len = strftime(out, n, "%Y-%m-%d", tm);
  const struct tm *utc = gmtime(&now);
  if (utc)
    printf("%s%s", asctime(utc), ctime(&now));
  return len;
}
