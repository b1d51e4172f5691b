// RUN: not %custody %s -- %cflags | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- %cflags | FileCheck %s --implicit-check-not=warning:

// The built-in sqlite3 contract (contracts/sqlite3.yaml) on the real
// <sqlite3.h>.

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// --- Must warn ---------------------------------------------------------------

int checkLeak01OpenFailureNotClosed(const char *path) {
  sqlite3 *db;
  if (sqlite3_open(path, &db) != SQLITE_OK) {
    fprintf(stderr, "cannot open %s: %s\n", path, sqlite3_errmsg(db));
    return -1;
    // CHECK: :[[@LINE-1]]:5: warning: 'db' (sqlite3 connection from 'sqlite3_open') is not released on this path [contract-resource-leak]
    // CHECK: :[[@LINE-4]]:7: note: sqlite3 connection acquired here through argument 1 of 'sqlite3_open'; the contract says 'sqlite3_close' or 'sqlite3_close_v2' releases it
    // CHECK: :[[@LINE-5]]:7: note: assuming 'sqlite3_open' fails (its result is != 0)
  }
  sqlite3_close(db);
  return 0;
}

int checkLeak02StatementNotFinalized(sqlite3 *db) {
  sqlite3_stmt *stmt;
  int rc = sqlite3_prepare_v2(db, "SELECT id FROM t", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return rc;
  int n = 0;
  while (sqlite3_step(stmt) == SQLITE_ROW)
    n += sqlite3_column_int(stmt, 0);
  return n;
  // CHECK: :[[@LINE-1]]:3: warning: 'stmt' (sqlite3 statement from 'sqlite3_prepare_v2') is not released on this path [contract-resource-leak]
  // CHECK: :[[@LINE-8]]:12: note: sqlite3 statement acquired here through argument 3 of 'sqlite3_prepare_v2'; the contract says 'sqlite3_finalize' releases it
}

int checkLeak03ErrorPathSkipsFinalize(sqlite3 *db, int id) {
  sqlite3_stmt *stmt = NULL;
  if (sqlite3_prepare_v3(db, "DELETE FROM t WHERE id = ?", -1, 0, &stmt,
                         NULL) != SQLITE_OK)
    return -1;
  if (sqlite3_bind_int(stmt, 1, id) != SQLITE_OK)
    return -1;
  // CHECK: :[[@LINE-1]]:5: warning: 'stmt' (sqlite3 statement from 'sqlite3_prepare_v3') is not released on this path [contract-resource-leak]
  // CHECK: :[[@LINE-6]]:7: note: sqlite3 statement acquired here through argument 4 of 'sqlite3_prepare_v3'; the contract says 'sqlite3_finalize' releases it
  int rc = sqlite3_step(stmt);
  sqlite3_finalize(stmt);
  return rc == SQLITE_DONE ? 0 : -1;
}

int checkLeak04ExecErrorMessage(sqlite3 *db) {
  char *err = NULL;
  if (sqlite3_exec(db, "CREATE TABLE t(id INTEGER)", NULL, NULL, &err) !=
      SQLITE_OK) {
    fprintf(stderr, "sqlite: %s\n", err);
    return -1;
    // CHECK: :[[@LINE-1]]:5: warning: 'err' (sqlite3 memory from 'sqlite3_exec') is not released on this path [contract-resource-leak]
    // CHECK: :[[@LINE-5]]:7: note: sqlite3 memory acquired here through argument 4 of 'sqlite3_exec'; the contract says 'sqlite3_free' releases it
    // CHECK: :[[@LINE-6]]:7: note: assuming 'sqlite3_exec' fails (its result is != 0)
  }
  return 0;
}

void checkLeak05ExpandedSql(sqlite3_stmt *stmt) {
  char *sql = sqlite3_expanded_sql(stmt);
  if (sql)
    fprintf(stderr, "running %s\n", sql);
}
// CHECK: :[[@LINE-1]]:1: warning: 'sql' (sqlite3 memory from 'sqlite3_expanded_sql') is not released on this path [contract-resource-leak]
// CHECK: :[[@LINE-5]]:15: note: sqlite3 memory acquired here from 'sqlite3_expanded_sql'; the contract says 'sqlite3_free' releases it

int checkLeak06PrepareInLoop(sqlite3 *db, const char **sql, int n) {
  sqlite3_stmt *stmt = NULL;
  for (int i = 0; i < n; ++i) {
    if (sqlite3_prepare_v2(db, sql[i], -1, &stmt, NULL) != SQLITE_OK)
      return -1;
    // CHECK: :[[@LINE-2]]:9: warning: 'stmt' (sqlite3 statement from 'sqlite3_prepare_v2') is overwritten while it still owns the sqlite3 statement [contract-resource-leak]
    // CHECK: :[[@LINE-3]]:9: note: sqlite3 statement acquired here through argument 3 of 'sqlite3_prepare_v2'; the contract says 'sqlite3_finalize' releases it
    sqlite3_step(stmt);
  }
  sqlite3_finalize(stmt);
  return 0;
}

void checkWrongRelease01MprintfWithFree(sqlite3 *db, const char *name) {
  char *sql = sqlite3_mprintf("INSERT INTO t VALUES(%Q)", name);
  if (!sql)
    return;
  sqlite3_exec(db, sql, NULL, NULL, NULL);
  free(sql);
  // CHECK: :[[@LINE-1]]:3: warning: 'sql' (sqlite3 memory from 'sqlite3_mprintf') is released with 'free', which releases heap memory [contract-wrong-release]
  // CHECK: :[[@LINE-6]]:15: note: sqlite3 memory acquired here from 'sqlite3_mprintf'; the contract says 'sqlite3_free' releases it
}

void checkWrongRelease02HeapWithSqliteFree(void) {
  char *copy = strdup("abc");
  sqlite3_free(copy);
  // CHECK: :[[@LINE-1]]:3: warning: 'copy' (heap memory from 'strdup') is released with 'sqlite3_free', which releases sqlite3 memory [contract-wrong-release]
  // CHECK: :[[@LINE-3]]:16: note: heap memory acquired here from 'strdup'; the contract says 'free' releases it
}

void checkReleaseUnowned01ErrmsgFreed(sqlite3 *db) {
  const char *msg = sqlite3_errmsg(db);
  fprintf(stderr, "%s\n", msg);
  sqlite3_free((char *)msg);
  // CHECK: :[[@LINE-1]]:3: warning: 'msg' is borrowed from 'sqlite3_errmsg' and must not be released by 'sqlite3_free' [contract-release-unowned]
  // CHECK: :[[@LINE-4]]:21: note: sqlite3 memory borrowed here from 'sqlite3_errmsg'; the contract does not make the caller its owner
}

char *checkReleaseUnowned02ColumnTextFreed(sqlite3_stmt *stmt) {
  char *name = (char *)sqlite3_column_text(stmt, 0);
  char *copy = name ? strdup(name) : NULL;
  free(name);
  // CHECK: :[[@LINE-1]]:3: warning: 'name' is borrowed from 'sqlite3_column_text' and must not be released by 'free' [contract-release-unowned]
  // CHECK: :[[@LINE-4]]:24: note: sqlite3 memory borrowed here from 'sqlite3_column_text'; the contract does not make the caller its owner
  return copy;
}

void checkDoubleRelease01FinalizeTwice(sqlite3 *db) {
  sqlite3_stmt *stmt;
  if (sqlite3_prepare_v2(db, "VACUUM", -1, &stmt, NULL) != SQLITE_OK)
    return;
  if (sqlite3_step(stmt) != SQLITE_DONE) {
    sqlite3_finalize(stmt);
    goto fail;
  }
  sqlite3_finalize(stmt);
  return;
fail:
  sqlite3_finalize(stmt);
  // CHECK: :[[@LINE-1]]:3: warning: 'stmt' is released by 'sqlite3_finalize' after it was already released by 'sqlite3_finalize' [contract-double-release]
  // CHECK: :[[@LINE-11]]:7: note: sqlite3 statement acquired here through argument 3 of 'sqlite3_prepare_v2'; the contract says 'sqlite3_finalize' releases it
  // CHECK: :[[@LINE-9]]:5: note: first released here
  fprintf(stderr, "vacuum failed\n");
}

void checkDoubleRelease02CloseTwice(const char *path) {
  sqlite3 *db = NULL;
  int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
  sqlite3_close(db);
  if (rc != SQLITE_OK)
    sqlite3_close(db);
  // CHECK: :[[@LINE-1]]:5: warning: 'db' is released by 'sqlite3_close' after it was already released by 'sqlite3_close' [contract-double-release]
  // CHECK: :[[@LINE-5]]:12: note: sqlite3 connection acquired here through argument 1 of 'sqlite3_open_v2'; the contract says 'sqlite3_close' or 'sqlite3_close_v2' releases it
  // CHECK: :[[@LINE-5]]:3: note: first released here
}

int checkUseAfterRelease01StepAfterFinalize(sqlite3 *db) {
  sqlite3_stmt *stmt;
  if (sqlite3_prepare_v2(db, "SELECT 1", -1, &stmt, NULL) != SQLITE_OK)
    return -1;
  sqlite3_finalize(stmt);
  return sqlite3_step(stmt);
  // CHECK: :[[@LINE-1]]:10: warning: 'stmt' is used after it was released by 'sqlite3_finalize' [contract-use-after-release]
  // CHECK: :[[@LINE-5]]:7: note: sqlite3 statement acquired here through argument 3 of 'sqlite3_prepare_v2'; the contract says 'sqlite3_finalize' releases it
  // CHECK: :[[@LINE-4]]:3: note: released here
}

int checkLeak07GetTableNotFreed(sqlite3 *db) {
  char **rows;
  int nrow, ncol;
  char *err = NULL;
  if (sqlite3_get_table(db, "SELECT * FROM t", &rows, &nrow, &ncol, &err) !=
      SQLITE_OK) {
    sqlite3_free(err);
    return -1;
  }
  return nrow;
  // CHECK: :[[@LINE-1]]:3: warning: 'rows' (sqlite3_get_table result from 'sqlite3_get_table') is not released on this path [contract-resource-leak]
  // CHECK: :[[@LINE-7]]:7: note: sqlite3_get_table result acquired here through argument 2 of 'sqlite3_get_table'; the contract says 'sqlite3_free_table' releases it
}

struct app {
  sqlite3 *db;
  int busy_retries;
};

static int on_busy(void *arg, int n) {
  return n < ((struct app *)arg)->busy_retries;
}

// The busy handler keeps its context pointer; the connection is still ours.
int checkLeak08ConnectionAfterBusyHandler(struct app *app, const char *path) {
  sqlite3 *db;
  if (sqlite3_open(path, &db) != SQLITE_OK) {
    sqlite3_close(db);
    return -1;
  }
  sqlite3_busy_handler(db, on_busy, app);
  if (sqlite3_exec(db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL) !=
      SQLITE_OK)
    return -1;
  // CHECK: :[[@LINE-1]]:5: warning: 'db' (sqlite3 connection from 'sqlite3_open') is not released on this path [contract-resource-leak]
  // CHECK: :[[@LINE-9]]:7: note: sqlite3 connection acquired here through argument 1 of 'sqlite3_open'; the contract says 'sqlite3_close' or 'sqlite3_close_v2' releases it
  app->db = db;
  return 0;
}

// --- Must stay silent --------------------------------------------------------

// The documented way: the handle exists even when sqlite3_open fails.
int checkNoLeak01CloseAfterFailedOpen(const char *path) {
  sqlite3 *db;
  int rc = sqlite3_open(path, &db);
  if (rc != SQLITE_OK) {
    fprintf(stderr, "cannot open %s: %s\n", path, sqlite3_errmsg(db));
    sqlite3_close(db);
    return -1;
  }
  sqlite3_close(db);
  return 0;
}

// Out of memory: sqlite3_open_v2 leaves no handle at all.
int checkNoLeak02OpenOutOfMemory(const char *path) {
  sqlite3 *db = NULL;
  int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);
  if (db == NULL)
    return SQLITE_NOMEM;
  if (rc != SQLITE_OK) {
    sqlite3_close_v2(db);
    return rc;
  }
  sqlite3_close_v2(db);
  return SQLITE_OK;
}

// *ppStmt is NULL when sqlite3_prepare_v2 fails: nothing to finalize.
int checkNoLeak03PrepareFailureReturns(sqlite3 *db, const char *name) {
  sqlite3_stmt *stmt;
  int rc = sqlite3_prepare_v2(db, "INSERT INTO t(name) VALUES(?)", -1, &stmt,
                              NULL);
  if (rc != SQLITE_OK) {
    fprintf(stderr, "prepare: %s\n", sqlite3_errmsg(db));
    return rc;
  }
  sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
  rc = sqlite3_step(stmt);
  sqlite3_finalize(stmt);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

// One cleanup label for everything, as most real code does it.
int checkNoLeak04GotoCleanup(const char *path, int id, char **out) {
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_open(path, &db);
  if (rc != SQLITE_OK)
    goto cleanup;
  rc = sqlite3_prepare_v2(db, "SELECT name FROM t WHERE id = ?", -1, &stmt,
                          NULL);
  if (rc != SQLITE_OK)
    goto cleanup;
  rc = sqlite3_bind_int(stmt, 1, id);
  if (rc != SQLITE_OK)
    goto cleanup;
  rc = sqlite3_step(stmt);
  if (rc == SQLITE_ROW) {
    *out = strdup((const char *)sqlite3_column_text(stmt, 0));
    rc = SQLITE_OK;
  }
cleanup:
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return rc;
}

int checkNoLeak05ExecErrorFreed(sqlite3 *db, const char *sql) {
  char *err = NULL;
  int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
  if (rc != SQLITE_OK) {
    fprintf(stderr, "sqlite: %s\n", err ? err : "?");
    sqlite3_free(err);
    return -1;
  }
  return 0;
}

// sqlite3_exec sets the message to NULL on success: freeing it on every path
// is fine.
int checkNoLeak06ExecErrorFreedUnconditionally(sqlite3 *db) {
  char *err = NULL;
  int rc = sqlite3_exec(db, "BEGIN", NULL, NULL, &err);
  if (rc != SQLITE_OK)
    fprintf(stderr, "%s\n", err);
  sqlite3_free(err);
  return rc;
}

struct store {
  sqlite3 *db;
  sqlite3_stmt *insert;
};

// Ownership moves to the caller's struct.
int checkNoLeak07StoredInStruct(struct store *s, const char *path) {
  if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                      NULL) != SQLITE_OK) {
    sqlite3_close(s->db);
    s->db = NULL;
    return -1;
  }
  sqlite3_stmt *stmt;
  if (sqlite3_prepare_v2(s->db, "INSERT INTO t VALUES(?)", -1, &stmt, NULL) !=
      SQLITE_OK)
    return -1;
  s->insert = stmt;
  return 0;
}

// Ownership moves to the caller through an out-parameter.
int checkNoLeak08ReturnedThroughOutParam(const char *path, sqlite3 **out) {
  sqlite3 *db;
  int rc = sqlite3_open(path, &db);
  if (rc != SQLITE_OK) {
    sqlite3_close(db);
    *out = NULL;
    return rc;
  }
  sqlite3_busy_timeout(db, 1000);
  *out = db;
  return SQLITE_OK;
}

// The string is bound as SQLITE_TRANSIENT (SQLite copies it), so the caller
// still frees its own buffer.
int checkNoLeak09BindTransient(sqlite3_stmt *stmt, const char *first,
                               const char *last) {
  size_t n = strlen(first) + strlen(last) + 2;
  char *full = malloc(n);
  if (!full)
    return SQLITE_NOMEM;
  snprintf(full, n, "%s %s", first, last);
  int rc = sqlite3_bind_text(stmt, 1, full, -1, SQLITE_TRANSIENT);
  free(full);
  if (rc != SQLITE_OK)
    return rc;
  rc = sqlite3_step(stmt);
  sqlite3_reset(stmt);
  return rc;
}

int checkNoLeak10MprintfFreed(sqlite3 *db, const char *table) {
  char *sql = sqlite3_mprintf("DROP TABLE IF EXISTS %w", table);
  if (sql == NULL)
    return SQLITE_NOMEM;
  int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
  sqlite3_free(sql);
  return rc;
}

// A statement prepared once and reused in a loop.
int checkNoLeak11ReuseWithReset(sqlite3 *db, const int *ids, int n) {
  sqlite3_stmt *stmt;
  int rc = sqlite3_prepare_v2(db, "INSERT INTO t(id) VALUES(?)", -1, &stmt,
                              NULL);
  if (rc != SQLITE_OK)
    return rc;
  for (int i = 0; i < n; ++i) {
    sqlite3_bind_int(stmt, 1, ids[i]);
    rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
      break;
  }
  sqlite3_finalize(stmt);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

// Closing a connection: finalize every statement it still has.
void checkNoLeak12FinalizeAllThenClose(sqlite3 *db) {
  sqlite3_stmt *stmt;
  while ((stmt = sqlite3_next_stmt(db, NULL)) != NULL)
    sqlite3_finalize(stmt);
  sqlite3_close(db);
}

char *checkNoLeak13StrBuilder(sqlite3 *db, const char **cols, int n) {
  sqlite3_str *s = sqlite3_str_new(db);
  sqlite3_str_appendall(s, "SELECT ");
  for (int i = 0; i < n; ++i)
    sqlite3_str_appendf(s, "%s%w", i ? ", " : "", cols[i]);
  return sqlite3_str_finish(s);
}

int checkNoLeak14Realloc(int n) {
  char *buf = sqlite3_malloc(16);
  if (!buf)
    return SQLITE_NOMEM;
  char *bigger = sqlite3_realloc(buf, n);
  if (!bigger) {
    sqlite3_free(buf);
    return SQLITE_NOMEM;
  }
  memset(bigger, 0, n);
  sqlite3_free(bigger);
  return SQLITE_OK;
}

int checkNoLeak15Backup(sqlite3 *dst, sqlite3 *src) {
  sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
  if (!b)
    return sqlite3_errcode(dst);
  while (sqlite3_backup_step(b, 64) == SQLITE_OK)
    ;
  return sqlite3_backup_finish(b);
}

// An empty statement: prepare succeeds and leaves *ppStmt NULL.
int checkNoLeak16EmptyStatement(sqlite3 *db, const char *sql) {
  sqlite3_stmt *stmt = NULL;
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return -1;
  if (stmt == NULL)
    return 0;
  int rc = sqlite3_step(stmt);
  sqlite3_finalize(stmt);
  return rc;
}

int checkNoLeak17GetTableFreed(sqlite3 *db) {
  char **rows = NULL;
  int nrow = 0, ncol = 0;
  char *err = NULL;
  int rc = sqlite3_get_table(db, "SELECT * FROM t", &rows, &nrow, &ncol, &err);
  if (rc != SQLITE_OK) {
    fprintf(stderr, "%s\n", err);
    sqlite3_free(err);
    return -1;
  }
  for (int i = 1; i <= nrow; ++i)
    puts(rows[i * ncol]);
  sqlite3_free_table(rows);
  return nrow;
}

int checkNoLeak18BlobHandle(sqlite3 *db, sqlite3_int64 row, char *buf, int n) {
  sqlite3_blob *blob;
  int rc = sqlite3_blob_open(db, "main", "t", "data", row, 0, &blob);
  if (rc != SQLITE_OK)
    return rc;
  if (sqlite3_blob_bytes(blob) < n)
    n = sqlite3_blob_bytes(blob);
  rc = sqlite3_blob_read(blob, buf, n, 0);
  sqlite3_blob_close(blob);
  return rc;
}

// With a destructor, SQLite takes the buffer over (even if the call fails).
int checkNoLeak19BindWithDestructor(sqlite3_stmt *stmt, const char *name) {
  char *sql_name = sqlite3_mprintf("%q", name);
  if (!sql_name)
    return SQLITE_NOMEM;
  int rc = sqlite3_bind_text(stmt, 1, sql_name, -1, sqlite3_free);
  if (rc != SQLITE_OK)
    return rc;
  return sqlite3_step(stmt);
}

struct progress {
  int ticks;
};

static int on_progress(void *arg) {
  ((struct progress *)arg)->ticks++;
  return 0;
}

// The connection keeps the progress context until the handler is replaced.
int checkNoLeak20ProgressContext(sqlite3 *db) {
  struct progress *p = calloc(1, sizeof *p);
  if (!p)
    return -1;
  sqlite3_progress_handler(db, 1000, on_progress, p);
  return 0;
}
