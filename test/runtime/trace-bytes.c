// Bytes per acquisition stack: sqlite3_malloc's contract says its argument
// 0 is the size ('size: 0'), so custody trace records it with each live
// buffer and reports the sum of each group; a resource whose contract gives
// no size (the statement) has a count only.
//
// RUN: rm -rf %t && mkdir -p %t
// RUN: %{cc_debug} -o %t/app %s -lsqlite3
// RUN: %expect-exit 1 %custody trace -- %t/app > %t/out.txt 2> %t/err.txt
// RUN: FileCheck %s --implicit-check-not=warning: < %t/out.txt
// RUN: %expect-exit 1 %custody trace --format json --output %t/out.json -- %t/app
// RUN: FileCheck %s --check-prefix=JSON < %t/out.json

#include <sqlite3.h>
#include <stddef.h>

/* Keeps a buffer of `size` bytes for odd numbers. */
static void *buffer(int i, int size) {
  // CHECK: trace-bytes.c:[[@LINE+1]]:13: warning: 3 'sqlite3-memory' (sqlite3 memory from 'sqlite3_malloc', 3000 bytes) still live at exit [runtime-leak]
  void *p = sqlite3_malloc(size);
  if (i % 2)
    return p;
  sqlite3_free(p);
  return NULL;
}

int main(void) {
  for (int i = 0; i < 6; ++i)
    buffer(i, 1000);
  sqlite3 *db;
  // CHECK: trace-bytes.c:[[@LINE+1]]:3: warning: 1 'sqlite3-connection' (sqlite3 connection from 'sqlite3_open') still live at exit [runtime-leak]
  sqlite3_open(":memory:", &db);
  return 0;
}

// JSON: "bytes": 3000,
// JSON-NEXT: "check": "runtime-leak",
// JSON-NEXT: "count": 3,
// JSON: "check": "runtime-leak",
// JSON-NEXT: "count": 1,
// JSON-NEXT: "description": "sqlite3 connection",
