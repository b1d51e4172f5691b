// RUN: not %custody %s -- %cflags | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- %cflags | FileCheck %s --implicit-check-not=warning:

// The built-in libc contract (contracts/libc.yaml) on the real C library and
// POSIX headers.

#define _GNU_SOURCE
#include <dirent.h>
#include <netdb.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

// --- Must warn ---------------------------------------------------------------

char *checkLeak01MallocOnErrorPath(FILE *in, size_t n) {
  char *buf = malloc(n + 1);
  if (buf == NULL)
    return NULL;
  if (fread(buf, 1, n, in) != n)
    return NULL;
  // CHECK: :[[@LINE-1]]:5: warning: 'buf' (heap memory from 'malloc') is not released on this path [contract-resource-leak]
  // CHECK: :[[@LINE-6]]:15: note: heap memory acquired here from 'malloc'; the contract says 'free' releases it
  // CHECK: :[[@LINE-4]]:7: note: assuming 'fread(buf, 1, n, in) != n' is true
  buf[n] = '\0';
  return buf;
}

int checkLeak02ReallocLosesBuffer(size_t n) {
  int *v = calloc(4, sizeof *v);
  if (!v)
    return -1;
  v = realloc(v, n * sizeof *v);
  // CHECK: :[[@LINE-1]]:3: warning: 'v' (heap memory from 'calloc') is overwritten while it still owns the heap memory [contract-resource-leak]
  // CHECK: :[[@LINE-5]]:12: note: heap memory acquired here from 'calloc'; the contract says 'free' releases it
  // CHECK: :[[@LINE-3]]:7: note: assuming 'realloc' fails (returns null)
  if (!v)
    return -1;
  free(v);
  return 0;
}

int checkLeak03StreamOnReadError(const char *path, char *line, int n) {
  FILE *f = fopen(path, "r");
  if (!f)
    return -1;
  if (fgets(line, n, f) == NULL)
    return -1;
  // CHECK: :[[@LINE-1]]:5: warning: 'f' (FILE stream from 'fopen') is not released on this path [contract-resource-leak]
  // CHECK: :[[@LINE-6]]:13: note: FILE stream acquired here from 'fopen'; the contract says 'fclose' releases it
  fclose(f);
  return 0;
}

int checkLeak04DirectoryOnEarlyReturn(const char *path, const char *want) {
  DIR *d = opendir(path);
  if (d == NULL)
    return -1;
  struct dirent *e;
  while ((e = readdir(d)) != NULL)
    if (strcmp(e->d_name, want) == 0)
      return 1;
  // CHECK: :[[@LINE-1]]:7: warning: 'd' (directory stream from 'opendir') is not released on this path [contract-resource-leak]
  // CHECK: :[[@LINE-8]]:12: note: directory stream acquired here from 'opendir'; the contract says 'closedir' releases it
  closedir(d);
  return 0;
}

int checkLeak05RegexNotFreed(const char *pattern, const char *s) {
  regex_t re;
  if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
    return -1;
  return regexec(&re, s, 0, NULL, 0) == 0;
  // CHECK: :[[@LINE-1]]:3: warning: 're' (compiled regular expression from 'regcomp') is not released on this path [contract-resource-leak]
  // CHECK: :[[@LINE-4]]:7: note: compiled regular expression acquired here through argument 0 of 'regcomp'; the contract says 'regfree' releases it
}

int checkReleaseUnowned01RegfreeAfterFailedRegcomp(const char *pattern) {
  regex_t re;
  int rc = regcomp(&re, pattern, REG_EXTENDED);
  if (rc != 0) {
    char msg[128];
    regerror(rc, &re, msg, sizeof msg);
    fprintf(stderr, "bad pattern: %s\n", msg);
    regfree(&re);
    // CHECK: :[[@LINE-1]]:5: warning: 're' is released by 'regfree' but 'regcomp' failed, so it was never acquired [contract-release-unowned]
    // CHECK: :[[@LINE-7]]:12: note: 'regcomp' fails here, so it does not acquire the compiled regular expression
    return -1;
  }
  regfree(&re);
  return 0;
}

int checkLeak06AddrinfoOnConnect(const char *host, const char *port) {
  struct addrinfo hints, *res, *ai;
  memset(&hints, 0, sizeof hints);
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo(host, port, &hints, &res) != 0)
    return -1;
  for (ai = res; ai != NULL; ai = ai->ai_next) {
    int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd < 0)
      continue;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
      return fd;
    // The warning names 'res', the variable that still holds the list.
    // CHECK: :[[@LINE-2]]:7: warning: 'res' (addrinfo list from 'getaddrinfo') is not released on this path [contract-resource-leak]
    // CHECK: :[[@LINE-10]]:7: note: addrinfo list acquired here through argument 3 of 'getaddrinfo'; the contract says 'freeaddrinfo' releases it
    close(fd);
  }
  freeaddrinfo(res);
  return -1;
}

void checkWrongRelease01AddrinfoWithFree(const char *host) {
  struct addrinfo *res;
  if (getaddrinfo(host, NULL, NULL, &res) != 0)
    return;
  printf("family %d\n", res->ai_family);
  free(res);
  // CHECK: :[[@LINE-1]]:3: warning: 'res' (addrinfo list from 'getaddrinfo') is released with 'free', which releases heap memory [contract-wrong-release]
  // CHECK: :[[@LINE-5]]:7: note: addrinfo list acquired here through argument 3 of 'getaddrinfo'; the contract says 'freeaddrinfo' releases it
}

void checkDoubleRelease01StreamClosedTwice(const char *path, const char *msg) {
  FILE *f = fopen(path, "a");
  if (!f)
    return;
  if (fputs(msg, f) < 0) {
    fclose(f);
    goto fail;
  }
  fclose(f);
  return;
fail:
  fclose(f);
  // CHECK: :[[@LINE-1]]:3: warning: 'f' is released by 'fclose' after it was already released by 'fclose' [contract-double-release]
  // CHECK: :[[@LINE-12]]:13: note: FILE stream acquired here from 'fopen'; the contract says 'fclose' releases it
  // CHECK: :[[@LINE-9]]:5: note: first released here
  perror(path);
}

void checkUseAfterRelease01WriteAfterClose(const char *path) {
  FILE *f = fopen(path, "w");
  if (!f)
    return;
  fclose(f);
  fprintf(f, "done\n");
  // CHECK: :[[@LINE-1]]:3: warning: 'f' is used after it was released by 'fclose' [contract-use-after-release]
  // CHECK: :[[@LINE-6]]:13: note: FILE stream acquired here from 'fopen'; the contract says 'fclose' releases it
  // CHECK: :[[@LINE-4]]:3: note: released here
}

int checkReleaseUnowned02ClosedirNull(const char *path) {
  int n = 0;
  DIR *d = opendir(path);
  if (d == NULL)
    goto out;
  while (readdir(d) != NULL)
    ++n;
out:
  closedir(d);
  // CHECK: :[[@LINE-1]]:3: warning: 'd' is null here and 'closedir' must not be called with null [contract-release-unowned]
  return n;
}

void checkDoubleRelease02StrdupFreedTwice(const char *s, int upper) {
  char *copy = strdup(s);
  if (!copy)
    return;
  if (upper) {
    puts(copy);
    free(copy);
  }
  free(copy);
  // CHECK: :[[@LINE-1]]:3: warning: 'copy' is released by 'free' after it was already released by 'free' [contract-double-release]
  // CHECK: :[[@LINE-9]]:16: note: heap memory acquired here from 'strdup'; the contract says 'free' releases it
  // CHECK: :[[@LINE-5]]:5: note: first released here
}

void checkLeak07AsprintfNotFreed(int id) {
  char *name;
  if (asprintf(&name, "job-%d", id) < 0)
    return;
  puts(name);
}
// CHECK: :[[@LINE-1]]:1: warning: 'name' (heap memory from 'asprintf') is not released on this path [contract-resource-leak]
// CHECK: :[[@LINE-5]]:7: note: heap memory acquired here through argument 0 of 'asprintf'; the contract says 'free' releases it

// --- Must stay silent --------------------------------------------------------

int checkNoLeak01GotoCleanup(const char *dir, const char *name) {
  int rc = -1;
  char *path = NULL;
  FILE *f = NULL;
  char *line = NULL;
  size_t n = strlen(dir) + strlen(name) + 2;
  path = malloc(n);
  if (!path)
    goto out;
  snprintf(path, n, "%s/%s", dir, name);
  f = fopen(path, "r");
  if (!f)
    goto out;
  line = calloc(1, 256);
  if (!line)
    goto out;
  if (fgets(line, 256, f) == NULL)
    goto out;
  rc = (int)strlen(line);
out:
  free(line);
  if (f)
    fclose(f);
  free(path);
  return rc;
}

int checkNoLeak02ReallocWithTemporary(char **buf, size_t *cap) {
  size_t ncap = *cap ? *cap * 2 : 64;
  char *grown = realloc(*buf, ncap);
  if (!grown)
    return -1;
  *buf = grown;
  *cap = ncap;
  return 0;
}

char *checkNoLeak03ReallocLocal(const char *a, const char *b) {
  char *s = strdup(a);
  if (!s)
    return NULL;
  char *t = realloc(s, strlen(a) + strlen(b) + 1);
  if (t == NULL) {
    free(s);
    return NULL;
  }
  strcat(t, b);
  return t;
}

int checkNoLeak04RegexChecked(const char *pattern, const char **lines, int n) {
  regex_t re;
  int rc = regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB);
  if (rc != 0) {
    char msg[128];
    regerror(rc, &re, msg, sizeof msg);
    fprintf(stderr, "bad pattern: %s\n", msg);
    return -1;
  }
  int hits = 0;
  for (int i = 0; i < n; ++i)
    if (regexec(&re, lines[i], 0, NULL, 0) == 0)
      ++hits;
  regfree(&re);
  return hits;
}

int checkNoLeak05AddrinfoLoop(const char *host, const char *port) {
  struct addrinfo hints = {0}, *res = NULL, *ai;
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  int err = getaddrinfo(host, port, &hints, &res);
  if (err != 0) {
    fprintf(stderr, "%s: %s\n", host, gai_strerror(err));
    return -1;
  }
  int fd = -1;
  for (ai = res; ai; ai = ai->ai_next) {
    fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd < 0)
      continue;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
      break;
    close(fd);
    fd = -1;
  }
  freeaddrinfo(res);
  return fd;
}

struct entry {
  char *name;
  struct entry *next;
};

int checkNoLeak06ListDirectory(const char *path, struct entry **head) {
  DIR *d = opendir(path);
  if (!d) {
    perror(path);
    return -1;
  }
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    struct entry *e = malloc(sizeof *e);
    if (!e)
      break;
    e->name = strdup(de->d_name);
    e->next = *head;
    *head = e;
  }
  closedir(d);
  return 0;
}

FILE *checkNoLeak07StreamReturned(const char *path) {
  FILE *f = fopen(path, "r");
  if (f == NULL)
    return NULL;
  setvbuf(f, NULL, _IOFBF, 1 << 16);
  return f;
}

char **checkNoLeak08ArrayOfCopies(const char **src, int n) {
  char **out = calloc(n + 1, sizeof *out);
  if (!out)
    return NULL;
  for (int i = 0; i < n; ++i) {
    out[i] = strdup(src[i]);
    if (!out[i]) {
      for (int j = 0; j < i; ++j)
        free(out[j]);
      free(out);
      return NULL;
    }
  }
  return out;
}

int checkNoLeak09CloseUnderFlag(const char *path, int verbose) {
  FILE *log = NULL;
  int opened = 0;
  if (verbose) {
    log = fopen(path, "a");
    if (!log)
      return -1;
    opened = 1;
  }
  if (opened) {
    fputs("start\n", log);
    fclose(log);
  }
  return 0;
}

void *checkNoLeak10AlignedBuffers(size_t n) {
  void *a = NULL;
  if (posix_memalign(&a, 64, n) != 0)
    return NULL;
  char *b = aligned_alloc(64, n);
  if (!b) {
    free(a);
    return NULL;
  }
  memcpy(b, a, n);
  free(a);
  return b;
}

int checkNoLeak11Asprintf(int id) {
  char *name = NULL;
  if (asprintf(&name, "job-%d", id) == -1)
    return -1;
  int len = (int)strlen(name);
  free(name);
  return len;
}

int checkNoLeak12MemoryStream(const char *text) {
  char buf[64];
  FILE *f = fmemopen(buf, sizeof buf, "w");
  if (!f)
    return -1;
  fputs(text, f);
  return fclose(f);
}

void checkNoLeak13ExitOnError(const char *path) {
  FILE *f = fopen(path, "w");
  if (!f) {
    perror(path);
    exit(1);
  }
  char *buf = malloc(64);
  if (!buf)
    abort();
  fputs("x", f);
  free(buf);
  fclose(f);
}

void checkWrongReleasePipeClosedAsFile(void) {
  FILE *p = popen("ls", "r");
  if (p)
    fclose(p);
  // CHECK: :[[@LINE-1]]:5: warning: 'p' (pipe stream from 'popen') is released with 'fclose', which releases FILE stream [contract-wrong-release]
  // CHECK: :[[@LINE-4]]:13: note: pipe stream acquired here from 'popen'; the contract says 'pclose' releases it
}

int checkNoLeakPipe(void) {
  FILE *p = popen("ls", "r");
  if (!p)
    return -1;
  return pclose(p);
}
