#include <sqlite3.h>

int first(const char *path, int quick) {
  sqlite3 *db;
  if (sqlite3_open(path, &db) != SQLITE_OK)
    return -1;
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, "select 1", -1, &st, 0) != SQLITE_OK) {
    sqlite3_close(db);
    return -1;
  }
  if (quick) {
    sqlite3_close(db);
    return 0;
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return 1;
}
