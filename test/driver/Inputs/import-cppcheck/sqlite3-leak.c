#include <sqlite3.h>

int count_rows(const char *path) {
  sqlite3 *db;
  if (sqlite3_open(path, &db) != SQLITE_OK)
    return -1;
  sqlite3_exec(db, "SELECT 1", 0, 0, 0);
  return 0;
}

int closed(const char *path) {
  sqlite3 *db;
  int rc = sqlite3_open(path, &db);
  sqlite3_close(db);
  return rc;
}
