// RUN: not %custody --contracts %S/Inputs/scratch.yaml %s -- | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -config="{CheckOptions: {CustodyContracts: '%S/Inputs/scratch.yaml'}}" -- | FileCheck %s --implicit-check-not=warning:

// contract-stored-past-return: a value of a 'freed_on_return' resource of a
// user's contract left in a global variable when the function returns.

typedef struct handle handle;
handle *scratch_string(const char *s);
void scratch_drop(handle *h);
handle *scratch_pin(handle *h);

static handle *g_name;
static handle *g_pinned;

void checkCached(const char *s) {
  g_name = scratch_string(s);
  // CHECK: :[[@LINE-1]]:3: warning: 'g_name' still holds the scratch handle from 'scratch_string' when 'checkCached' returns; the runtime frees it when the call that made it ends, so later uses of 'g_name' are invalid [contract-stored-past-return]
  // CHECK: :[[@LINE+1]]:1: note: 'checkCached' returns here
}

void okPinned(const char *s) {
  handle *h = scratch_string(s);
  if (!h)
    return;
  g_pinned = scratch_pin(h);
}

void okNotKept(const char *s) {
  g_name = scratch_string(s);
  g_name = 0;
}
