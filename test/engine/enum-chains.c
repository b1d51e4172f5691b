// RUN: not %custody %s -- %cflags | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- %cflags | FileCheck %s --implicit-check-not=warning:

// A variable of an enum holds one of its enumerators: an if/else-if chain
// that tests every one of them has no path past its end, as a switch that
// covers them all has none. A flag enum's variables also hold combinations,
// so chains over its bits are not taken as complete.

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

enum store { STORE_MEMORY, STORE_FILE, STORE_TEMP };

// --- Must stay silent -------------------------------------------------------

// Every enumerator is tested, in the order they are declared, and each
// branch hands the connection to the caller.
sqlite3 *openStore(enum store kind, const char *path) {
  sqlite3 *db = NULL;
  if (sqlite3_open(kind == STORE_FILE ? path : ":memory:", &db) != SQLITE_OK) {
    sqlite3_close(db);
    return NULL;
  }
  if (kind == STORE_MEMORY)
    return db;
  else if (kind == STORE_FILE)
    return db;
  else if (kind == STORE_TEMP)
    return db;
  return NULL;
}

// In another order, with the middle one first; the buffer is only made on
// paths the chain leaves, and each of them frees it.
enum level { LOW = 10, MID = 20, HIGH = 30 };

int describe(enum level l, char *out, size_t n) {
  char *buf = malloc(64);
  if (!buf)
    return -1;
  if (l == MID) {
    strcpy(buf, "mid");
  } else if (l == LOW) {
    strcpy(buf, "low");
  } else if (l == HIGH) {
    strcpy(buf, "high");
  } else {
    return -1; // Not reached: no value is left.
  }
  strncpy(out, buf, n);
  free(buf);
  return 0;
}

// A field of an enum type.
struct job {
  enum store where;
  char *name;
};

int jobCost(struct job *j) {
  char *tmp = malloc(8);
  if (!tmp)
    return -1;
  if (j->where == STORE_FILE) {
    free(tmp);
    return 1;
  } else if (j->where == STORE_TEMP) {
    free(tmp);
    return 2;
  } else if (j->where == STORE_MEMORY) {
    free(tmp);
    return 3;
  }
  return 0;
}

// --- Must warn ---------------------------------------------------------------

// One enumerator is left out: 'STORE_TEMP' reaches the end with the
// buffer.
int describeStore(enum store kind, char *out, size_t n) {
  char *buf = malloc(64);
  if (!buf)
    return -1;
  if (kind == STORE_MEMORY) {
    strcpy(buf, "memory");
  } else if (kind == STORE_FILE) {
    strcpy(buf, "file");
  } else {
    return -1;
    // CHECK: enum-chains.c:[[@LINE-1]]:5: warning: 'buf' (heap memory from 'malloc') is not released on this path [contract-resource-leak]
  }
  strncpy(out, buf, n);
  free(buf);
  return 0;
}

// A flag enum: 'OPT_A | OPT_B' is neither, so the last branch is taken.
enum opts { OPT_A = 1, OPT_B = 2, OPT_C = 4 };

int withOptions(enum opts o) {
  char *buf = malloc(16);
  if (!buf)
    return -1;
  if (o == OPT_A)
    buf[0] = 'a';
  else if (o == OPT_B)
    buf[0] = 'b';
  else if (o == OPT_C)
    buf[0] = 'c';
  else
    return 0;
    // CHECK: enum-chains.c:[[@LINE-1]]:5: warning: 'buf' (heap memory from 'malloc') is not released on this path [contract-resource-leak]
  free(buf);
  return 1;
}
