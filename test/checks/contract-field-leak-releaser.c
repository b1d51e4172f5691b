// RUN: not %custody --contracts %S/Inputs/session-releaser.yaml %s -- %cflags | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -config="{CheckOptions: {CustodyContracts: '%S/Inputs/session-releaser.yaml'}}" -- %cflags | FileCheck %s --implicit-check-not=warning:

// The file that implements an SDK: the contract's releaser of 'session'
// ('session_end') is the destroy function of the struct, whatever its name.

#include <stdlib.h>
#include <string.h>

typedef struct session {
  char *user;
  char *token;
} session;

session *session_begin(const char *u) {
  session *s = calloc(1, sizeof *s);
  if (!s)
    return NULL;
  s->user = strdup(u);
  s->token = strdup("t");
  return s;
}

void session_end(session *s) {
  free(s->user);
  free(s);
  // CHECK: :[[@LINE-1]]:3: warning: 's->token' still holds the heap memory that 'session_begin' stored there when 'free' frees the object; 'session_end' (the destroy function of 'session') must release it [contract-field-leak]
  // CHECK: :[[@LINE-8]]:3: note: the field owns the heap memory stored here
}
