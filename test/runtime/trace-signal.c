// A long-running process: on SIGUSR1 the tracer writes the resources live at
// that moment, and custody trace reports them while the process runs. This
// program sends the signal to itself with an entry live, waits for the
// snapshot, then releases everything: the report at the signal names the
// entry, the report at exit is empty.
//
// RUN: rm -rf %t && mkdir -p %t
// RUN: %{cc_debug} -shared -fPIC -o %t/libvault.so %S/Inputs/vault/vault.c
// RUN: %{cc_debug} -o %t/service %s -I%S/Inputs/vault -L%t -lvault -Wl,-rpath,%t
// RUN: %expect-exit 0 %custody trace --contracts %S/Inputs/vault/vault.yaml --header %S/Inputs/vault/vault.h -- %t/service > %t/out.txt 2> %t/err.txt
// RUN: FileCheck %s --implicit-check-not=warning: < %t/out.txt
// RUN: FileCheck %s --check-prefix=ERR < %t/err.txt
// ERR: custody: 0 resources live at exit
//
// Another signal, and the reports in JSON
// RUN: %expect-exit 0 %custody trace --signal USR2 --format json --output %t/out.json --contracts %S/Inputs/vault/vault.yaml --header %S/Inputs/vault/vault.h -- %t/service USR2
// RUN: FileCheck %s --check-prefix=JSON < %t/out.json
// JSON: "reports": [
// JSON-NEXT: {
// JSON-NEXT: "event": "signal",
// JSON-NEXT: "live": [
// JSON: "count": 1,
// JSON: "function": "vault_open",
// JSON: "count": 1,
// JSON: "function": "vault_get",
// JSON: "pid":
// JSON: "signal": "SIGUSR2",
// JSON: "snapshot": 1
// JSON: "event": "exit",
// JSON-NEXT: "live": []

#include "vault.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Waits (up to 10 s) until the tracer has written its snapshot,
   $CUSTODY_TRACE_DIR/signal-PID-1.raw, so that the test does not depend on
   timing. (access() is not traced: an opendir() here could be live in the
   snapshot.) */
static void wait_for_snapshot(void) {
  const char *dir = getenv("CUSTODY_TRACE_DIR");
  char path[4096];
  if (!dir)
    return;
  snprintf(path, sizeof path, "%s/signal-%d-1.raw", dir, (int)getpid());
  for (int i = 0; i < 1000 && access(path, F_OK) != 0; ++i)
    usleep(10000);
}

int main(int argc, char **argv) {
  int sig = argc > 1 && strcmp(argv[1], "USR2") == 0 ? SIGUSR2 : SIGUSR1;
  // CHECK: custody: report at SIGUSR1 (snapshot 1 of process {{[0-9]+}}): 2 live
  // CHECK-NEXT: trace-signal.c:[[@LINE+3]]:7: warning: 1 'vault' (vault from 'vault_open') still live at SIGUSR1 (snapshot 1 of process {{[0-9]+}}) [runtime-leak]
  // CHECK-NEXT: trace-signal.c:[[@LINE+4]]:20: warning: 1 'vault-entry' (vault entry from 'vault_get') still live at SIGUSR1 (snapshot 1 of process {{[0-9]+}}) [runtime-leak]
  vault *v;
  if (vault_open("service", &v) != 0)
    return 1;
  vault_entry *e = vault_get(v, "request");
  kill(getpid(), sig);
  wait_for_snapshot();
  vault_entry_free(e);
  vault_close(v);
  return 0;
}
