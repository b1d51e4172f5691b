// A program that releases everything it acquires (through the SDK, sqlite3
// and stdio): the report is empty and custody trace exits with 0. Resources
// the library acquires and releases for itself (sqlite3's own statements
// inside sqlite3_exec) are not the program's and are not counted.
//
// RUN: rm -rf %t && mkdir -p %t
// RUN: %{cc_debug} -shared -fPIC -o %t/libvault.so %S/Inputs/vault/vault.c
// RUN: %{cc_debug} -o %t/clean %s -I%S/Inputs/vault -L%t -lvault -lsqlite3 -Wl,-rpath,%t
// RUN: %expect-exit 0 %custody trace --contracts %S/Inputs/vault/vault.yaml --header %S/Inputs/vault/vault.h -- %t/clean > %t/out.txt 2> %t/err.txt
// RUN: count 0 < %t/out.txt
// RUN: FileCheck %s < %t/err.txt
// CHECK: custody: 0 resources live at exit
//
// The command's own output and exit status pass through; a failing command
// is exit code 3:
// RUN: %expect-exit 3 %custody trace --contracts %S/Inputs/vault/vault.yaml --header %S/Inputs/vault/vault.h -- %t/clean fail > %t/fail.txt 2> %t/fail-err.txt
// RUN: FileCheck %s --check-prefix=FAIL < %t/fail-err.txt
// FAIL: custody: 0 resources live at exit
// FAIL: custody: '{{.*}}clean' exited with 7

#include "vault.h"
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
  vault *v;
  if (vault_open("clean", &v) != 0)
    return 1;
  for (int i = 0; i < 10; ++i) {
    vault_entry *e = vault_get(v, "key");
    if (e)
      vault_entry_free(e);
  }
  vault_close(v);

  sqlite3 *db;
  sqlite3_open(":memory:", &db);
  sqlite3_exec(db, "create table t(x); insert into t values (1)", NULL, NULL,
               NULL);
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, "select x from t", -1, &st, NULL) == SQLITE_OK) {
    while (sqlite3_step(st) == SQLITE_ROW)
      ;
    sqlite3_finalize(st);
  }
  sqlite3_close(db);

  FILE *f = fopen("/dev/null", "w");
  if (f)
    fclose(f);
  return argc > 1 && strcmp(argv[1], "fail") == 0 ? 7 : 0;
}
