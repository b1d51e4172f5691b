// RUN: not %custody %s -- -std=c++17 | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- -std=c++17 | FileCheck %s --implicit-check-not=warning:

// What a local struct or array holds is lost with it at the exit, unless
// the code hands the variable over: C++ adds destructors and lambdas that
// capture it.

#include <fcntl.h>
#include <unistd.h>

struct Pair {
  int rfd = -1, wfd = -1;
};

// A destructor closes what the object holds.
struct OwnedPair {
  int rfd = -1, wfd = -1;
  ~OwnedPair() {
    if (rfd >= 0)
      close(rfd);
    if (wfd >= 0)
      close(wfd);
  }
};

// Keeps the callable to run later.
template <typename F> void atExit(F f) {
  static F *Kept = new F(f);
  (void)Kept;
}

// --- Must warn ---------------------------------------------------------------

int plainPair(const char *path) {
  Pair p;
  p.rfd = open(path, O_RDONLY);
  if (p.rfd < 0)
    return -1;
  return 0;
  // CHECK: local-aggregates.cpp:[[@LINE-1]]:3: warning: 'p.rfd' (file descriptor from 'open') is not released on this path [contract-resource-leak]
}

// --- Must stay silent --------------------------------------------------------

int withDestructor(const char *path) {
  OwnedPair p;
  p.rfd = open(path, O_RDONLY);
  if (p.rfd < 0)
    return -1;
  return 0;
}

// Captured by reference: the lambda closes them later.
int captured() {
  int fds[2];
  if (pipe(fds) != 0)
    return -1;
  atExit([&] {
    close(fds[0]);
    close(fds[1]);
  });
  return 0;
}
