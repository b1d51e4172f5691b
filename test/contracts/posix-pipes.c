// RUN: not %custody %s -- %cflags | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- %cflags | FileCheck %s --implicit-check-not=warning:

// Descriptors written into an array (pipe, pipe2, socketpair: 'elements: 2'
// in contracts/libc.yaml), and what a local array or struct holds when the
// function returns: lost with it, unless the code hands the aggregate over
// whole or reaches its slots in ways the analysis does not follow.

#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

struct channel {
  int rfd, wfd;
};

void register_pipe(int fds[2]);

// --- Must warn ---------------------------------------------------------------

// The write end is forgotten when the fork fails.
int spawnReader(void) {
  int fds[2];
  if (pipe(fds) < 0)
    return -1;
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    return -1;
    // CHECK: posix-pipes.c:[[@LINE-1]]:5: warning: 'fds[1]' (file descriptor from 'pipe') is not released on this path [contract-resource-leak]
    // CHECK: posix-pipes.c:[[@LINE-7]]:7: note: file descriptor acquired here through argument 0 of 'pipe'; the contract says 'close' releases it
  }
  close(fds[1]);
  return fds[0];
}

// Only one end of the pair is closed.
int pingPair(void) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
    return -1;
  int n = (int)write(sv[0], "x", 1);
  close(sv[0]);
  return n;
  // CHECK: posix-pipes.c:[[@LINE-1]]:3: warning: 'sv[1]' (file descriptor from 'socketpair') is not released on this path [contract-resource-leak]
}

// pipe2 overwrites a slot that still held a descriptor.
int reopen(const char *path) {
  int fds[2];
  fds[0] = open(path, O_RDONLY);
  if (fds[0] < 0)
    return -1;
  if (pipe2(fds, O_CLOEXEC) != 0) {
    // CHECK: posix-pipes.c:[[@LINE-1]]:7: warning: 'fds[0]' (file descriptor from 'open') is overwritten while it still owns the file descriptor [contract-resource-leak]
    close(fds[0]);
    return -1;
  }
  close(fds[0]);
  close(fds[1]);
  return 0;
}

// A local struct's field dies with the struct.
int readHeader(const char *path, char *buf) {
  struct channel ch;
  ch.rfd = open(path, O_RDONLY);
  if (ch.rfd < 0)
    return -1;
  if (read(ch.rfd, buf, 16) != 16)
    return -1;
  // CHECK: posix-pipes.c:[[@LINE-1]]:5: warning: 'ch.rfd' (file descriptor from 'open') is not released on this path [contract-resource-leak]
  close(ch.rfd);
  return 0;
}

// --- Must stay silent --------------------------------------------------------

int pipeBothClosed(void) {
  int fds[2];
  if (pipe(fds) == -1)
    return -1;
  write(fds[1], "x", 1);
  close(fds[1]);
  char c;
  read(fds[0], &c, 1);
  close(fds[0]);
  return c;
}

// Both ends handed to the caller's struct.
int openChannel(struct channel *out) {
  int fds[2];
  if (pipe(fds))
    return -1;
  out->rfd = fds[0];
  out->wfd = fds[1];
  return 0;
}

// Closed in a loop: slots the analysis does not name.
int closeInLoop(void) {
  int fds[2];
  if (pipe(fds) < 0)
    return -1;
  for (int i = 0; i < 2; i++)
    close(fds[i]);
  return 0;
}

// A shared cleanup label that tests each slot.
int withCleanup(int fail) {
  int fds[2] = {-1, -1};
  int rc = -1;
  if (pipe(fds) != 0)
    goto out;
  if (fail)
    goto out;
  rc = 0;
out:
  if (fds[0] >= 0)
    close(fds[0]);
  if (fds[1] >= 0)
    close(fds[1]);
  return rc;
}

// The array is handed over whole.
int registered(void) {
  int fds[2];
  if (pipe(fds) < 0)
    return -1;
  register_pipe(fds);
  return 0;
}

// A struct returned by value carries its descriptors to the caller.
struct channel makeChannel(void) {
  struct channel ch = {-1, -1};
  int fds[2];
  if (pipe(fds) == 0) {
    ch.rfd = fds[0];
    ch.wfd = fds[1];
  }
  return ch;
}

// dup2 only uses its arguments; both ends are closed after it.
void redirect(void) {
  int fds[2];
  if (pipe(fds) < 0)
    exit(1);
  dup2(fds[1], 1);
  close(fds[1]);
  close(fds[0]);
}
