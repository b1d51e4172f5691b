// custody triage on heap profiles of a real run, from jemalloc (prof:true)
// and from gperftools' tcmalloc (HEAPPROFILE): the static leak finding is
// ranked by the bytes live through its acquisition site; the memory the
// program keeps from a library without a contract (Inputs/triage) names
// that call as the contract to write next; the string kept in a global
// (which the static analysis treats as handed over) names 'strdup', which
// has a contract.
//
// REQUIRES: jemalloc, tcmalloc
// RUN: rm -rf %t && mkdir -p %t
// RUN: %{cc_debug} -shared -fPIC -o %t/libwidget.so %S/Inputs/triage/widget.c
// RUN: %{cc_debug} -o %t/app %s -I%S/Inputs/triage -L%t -lwidget -Wl,-rpath,%t
// RUN: %expect-exit 1 %custody %s --format=json --output %t/findings.json -- -I%S/Inputs/triage
//
// jemalloc, every allocation sampled (lg_prof_sample:0), its profile
// written at exit:
// RUN: env MALLOC_CONF=prof:true,prof_final:true,lg_prof_sample:0,prof_prefix:%t/je LD_PRELOAD=%{jemalloc} %t/app
// RUN: %expect-exit 1 %custody triage --heap-profile %t/je.*.f.heap --findings %t/findings.json > %t/je.txt 2> %t/je-err.txt
// RUN: FileCheck %s --check-prefixes=CHECK,JE --implicit-check-not=warning: < %t/je.txt
// RUN: FileCheck %s --check-prefixes=ERR,JE-ERR < %t/je-err.txt
//
// tcmalloc's heap profiler, its profile written at exit too:
// RUN: env HEAPPROFILE=%t/tc LD_PRELOAD=%{tcmalloc} %t/app
// RUN: %expect-exit 1 %custody triage --heap-profile %t/tc.0001.heap --findings %t/findings.json > %t/tc.txt 2> %t/tc-err.txt
// RUN: FileCheck %s --check-prefixes=CHECK --implicit-check-not=warning: < %t/tc.txt
// RUN: FileCheck %s --check-prefixes=ERR,TC-ERR < %t/tc-err.txt
//
// The same as JSON and SARIF; without findings, every stack is listed.
// RUN: %expect-exit 1 %custody triage --heap-profile %t/tc.0001.heap --findings %t/findings.json --format json --output %t/tc.json
// RUN: FileCheck %s --check-prefix=JSON < %t/tc.json
// RUN: %expect-exit 1 %custody triage --heap-profile %t/tc.0001.heap --findings %t/findings.json --format sarif --output %t/tc.sarif
// RUN: FileCheck %s --check-prefix=SARIF < %t/tc.sarif
// RUN: %expect-exit 1 %custody triage --heap-profile %t/tc.0001.heap --top 1 > %t/top.txt 2> %t/top-err.txt
// RUN: FileCheck %s --check-prefix=NOFINDINGS --implicit-check-not=warning: < %t/top.txt
// RUN: FileCheck %s --check-prefix=NOFINDINGS-ERR < %t/top-err.txt
//
// The executable moved since the profile was written: --binary says where.
// RUN: mv %t/app %t/app-moved
// RUN: %expect-exit 1 %custody triage --heap-profile %t/tc.0001.heap --findings %t/findings.json --binary %t/app-moved > %t/moved.txt
// RUN: FileCheck %s --check-prefixes=CHECK --implicit-check-not=warning: < %t/moved.txt
// RUN: %expect-exit 1 %custody triage --heap-profile %t/tc.0001.heap 2>&1 >/dev/null | FileCheck %s --check-prefix=MOVED
// MOVED: custody: warning: the profile's executable '{{.*}}app' is not there: its frames stay addresses (give --binary EXE)

#include "widget.h"
#include <stdlib.h>
#include <string.h>

static char *program_name;

/* A record of 96 bytes; leaks it for odd numbers. */
static char *make_record(int i) {
  char *r = malloc(96);
  if (!r)
    return NULL;
  memset(r, i, 96);
  if (i % 2)
    // CHECK: triage-heap.c:[[@LINE+1]]:5: warning: 480 bytes in 5 objects live in the heap profile come through this finding's acquisition site: 'r' (heap memory from 'malloc') is not released on this path [contract-resource-leak]
    return NULL; /* BUG: r is not released */
  // CHECK-NEXT: triage-heap.c:[[@LINE-7]]:13: note: 480 bytes in 5 objects from 'malloc' on this stack
  // CHECK-NEXT: triage-heap.c:[[@LINE+6]]:10: note: 'make_record' called here
  return r;
}

int main(void) {
  for (int i = 0; i < 10; i++)
    free(make_record(i));
  // The library's own allocation at start-up (jemalloc's libstdc++):
  // JE: libstdc++.so.6{{.*}}: warning: {{[0-9]+}} bytes in 1 object live in the heap profile, allocated with no frame of the program on the stack [heap-uncovered]
  // CHECK: widget.c:8:{{[0-9]+}}: warning: 192 bytes in 3 objects live in the heap profile from 'widget_new', through no static finding [heap-uncovered]
  // CHECK-NEXT: triage-heap.c:[[@LINE+8]]:15: note: 'widget_new' called here
  // CHECK-NEXT: triage-heap.c:[[@LINE+7]]:15: note: no contract covers 'widget_new': write one for it next
  // CHECK-NEXT: triage-heap.c:[[@LINE+1]]:18: warning: 16 bytes in 1 object live in the heap profile from 'strdup', through no static finding [heap-uncovered]
  program_name = strdup("heap-profile-ok");
  // CHECK-NEXT: libc.so.6{{.*}}: note: 'malloc' called here, in 'strdup'
  // CHECK-NEXT: triage-heap.c:[[@LINE-2]]:18: note: 'strdup' has a contract (libc): memory kept on purpose, or an analysis gap
  widget *kept[3];
  for (int i = 0; i < 3; i++)
    kept[i] = widget_new(64);
  (void)kept;
  return 0;
}

// JE-ERR: custody: jemalloc heap profile: {{[0-9]+}} bytes in 10 objects live, on 4 stacks; 480 bytes through 1 of 1 static leak finding, {{[0-9]+}} bytes through none
// TC-ERR: custody: gperftools heap profile: 688 bytes in 9 objects live, on 3 stacks; 480 bytes through 1 of 1 static leak finding, 208 bytes through none
// ERR-NEXT: custody: library calls with live memory and no contract (write contracts for them next): 'widget_new' (192 bytes)
// ERR-NOT: custody:

// JSON: "findings": [
// JSON: "check": "contract-resource-leak",
// JSON-NEXT: "live_bytes": 480,
// JSON-NEXT: "live_objects": 5,
// JSON: "call": "malloc",
// JSON: "findings_not_live": [],
// JSON: "format": "gperftools",
// JSON-NEXT: "live_bytes": 688,
// JSON-NEXT: "live_objects": 9,
// JSON: "uncovered": [
// JSON-NEXT: {
// JSON-NEXT: "call": "widget_new",
// JSON-NEXT: "contract": null,
// JSON-NEXT: "from_program": true,
// JSON-NEXT: "live_bytes": 192,
// JSON-NEXT: "live_objects": 3,
// JSON: "call": "strdup",
// JSON-NEXT: "contract": "libc",
// JSON: "uncovered_stacks": 2

// SARIF: "ruleId": "heap-uncovered"
// SARIF: "ruleId": "contract-resource-leak"
// SARIF: "text": "16 bytes in 1 object live in the heap profile from 'strdup', through no static finding: 'strdup' has a contract (libc): memory kept on purpose, or an analysis gap"
// SARIF: "id": "heap-uncovered"

// NOFINDINGS: triage-heap.c:{{[0-9]+}}:13: warning: 480 bytes in 5 objects live in the heap profile from 'malloc' [heap-uncovered]
// NOFINDINGS-NEXT: triage-heap.c:{{[0-9]+}}:10: note: 'make_record' called here
// NOFINDINGS-NEXT: triage-heap.c:{{[0-9]+}}:13: note: 'malloc' has a contract (libc): memory kept on purpose, or an analysis gap
// NOFINDINGS-ERR: custody: gperftools heap profile: 688 bytes in 9 objects live, on 3 stacks{{$}}
