// RUN: not %custody %s -- %cflags | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- %cflags | FileCheck %s --implicit-check-not=warning:

// Clang's handle attributes count as contracts: acquire_handle on a function
// (its result) or on an out-parameter, release_handle and use_handle on a
// parameter, all with the same tag. A handle written through an
// out-parameter of a function that returns a status exists only when the
// status is success (0); one returned by the function always does. The
// declarations follow the shape of Zircon's system calls.

#include <stdint.h>

typedef int32_t zx_status_t;
typedef uint32_t zx_handle_t;
#define ZX_OK 0
#define ZX_ACQ __attribute__((acquire_handle("zircon")))
#define ZX_REL __attribute__((release_handle("zircon")))
#define ZX_USE __attribute__((use_handle("zircon")))

zx_status_t zx_channel_create(uint32_t options, zx_handle_t *out0 ZX_ACQ,
                              zx_handle_t *out1 ZX_ACQ);
zx_status_t zx_handle_close(zx_handle_t handle ZX_REL);
zx_status_t zx_channel_write(zx_handle_t handle ZX_USE, const void *bytes,
                             uint32_t n);
zx_handle_t port_open(int n) __attribute__((acquire_handle("zircon")));
// Zircon's headers write ZX_HANDLE_ACQUIRE before the declaration too.
__attribute__((acquire_handle("zircon"))) zx_handle_t port_open_lead(int n);
void send_elsewhere(zx_handle_t h);

// --- Must warn ---------------------------------------------------------------

void checkLeakOfSecondEnd(void) {
  zx_handle_t a, b;
  if (zx_channel_create(0, &a, &b) != ZX_OK)
    return;
  zx_handle_close(a);
}
// CHECK: :[[@LINE-1]]:1: warning: 'b' (zircon handle from 'zx_channel_create') is not released on this path [contract-resource-leak]
// CHECK: :[[@LINE-5]]:7: note: zircon handle acquired here through argument 2 of 'zx_channel_create'; the contract says 'zx_handle_close' releases it

void checkUseAfterClose(void) {
  zx_handle_t a, b;
  if (zx_channel_create(0, &a, &b))
    return;
  zx_handle_close(a);
  zx_channel_write(a, "x", 1);
  // CHECK: :[[@LINE-1]]:3: warning: 'a' is used after it was released by 'zx_handle_close' [contract-use-after-release]
  // CHECK: :[[@LINE-5]]:7: note: zircon handle acquired here through argument 1 of 'zx_channel_create'
  // CHECK: :[[@LINE-4]]:3: note: released here
  zx_handle_close(b);
}

void checkDoubleClose(void) {
  zx_handle_t a, b;
  if (zx_channel_create(0, &a, &b))
    return;
  zx_handle_close(a);
  zx_handle_close(a);
  // CHECK: :[[@LINE-1]]:3: warning: 'a' is released by 'zx_handle_close' after it was already released by 'zx_handle_close' [contract-double-release]
  // CHECK: :[[@LINE-5]]:7: note: zircon handle acquired here
  // CHECK: :[[@LINE-4]]:3: note: first released here
  zx_handle_close(b);
}

int checkReturnedHandleLeak(int k) {
  zx_handle_t p = port_open(k);
  if (k > 3)
    return -1;
  // CHECK: :[[@LINE-1]]:5: warning: 'p' (zircon handle from 'port_open') is not released on this path [contract-resource-leak]
  // CHECK: :[[@LINE-4]]:19: note: zircon handle acquired here from 'port_open'; the contract says 'zx_handle_close' releases it
  zx_handle_close(p);
  return 0;
}

int checkLeadingAttributeLeak(int k) {
  zx_handle_t p = port_open_lead(k);
  return k;
  // CHECK: :[[@LINE-1]]:3: warning: 'p' (zircon handle from 'port_open_lead') is not released on this path [contract-resource-leak]
  // CHECK: :[[@LINE-3]]:19: note: zircon handle acquired here from 'port_open_lead'; the contract says 'zx_handle_close' releases it
}

// The status says the call failed: there is nothing to close.
void checkCloseAfterKnownFailure(void) {
  zx_handle_t a, b;
  if (zx_channel_create(0, &a, &b) != ZX_OK) {
    zx_handle_close(a);
    // CHECK: :[[@LINE-1]]:5: warning: 'a' is released by 'zx_handle_close' but 'zx_channel_create' failed, so it was never acquired [contract-release-unowned]
    // CHECK: :[[@LINE-3]]:7: note: assuming 'zx_channel_create' fails
    return;
  }
  zx_handle_close(a);
  zx_handle_close(b);
}

// --- Must stay silent --------------------------------------------------------

// Closed before the status is looked at: the handles may exist, and closing
// them is what the code must do if they do.
void okCloseBeforeStatus(void) {
  zx_handle_t a, b;
  zx_channel_create(0, &a, &b);
  zx_handle_close(a);
  zx_handle_close(b);
}

zx_status_t okCloseThenReturnStatus(void) {
  zx_handle_t a, b;
  zx_status_t st = zx_channel_create(0, &a, &b);
  zx_handle_close(a);
  zx_handle_close(b);
  return st;
}


void okFailedCreateAcquiresNothing(void) {
  zx_handle_t a, b;
  zx_status_t st = zx_channel_create(0, &a, &b);
  if (st != ZX_OK)
    return;
  zx_channel_write(a, "x", 1);
  zx_handle_close(a);
  zx_handle_close(b);
}

void okHandedToUnannotatedFunction(void) {
  zx_handle_t a, b;
  if (zx_channel_create(0, &a, &b))
    return;
  send_elsewhere(a);
  zx_handle_close(b);
}

zx_handle_t okReturnedHandle(int k) { return port_open(k); }

int okSharedCleanup(int k) {
  zx_handle_t a, b;
  int rc = -1;
  if (zx_channel_create(0, &a, &b))
    return -1;
  if (zx_channel_write(a, "x", 1) != ZX_OK)
    goto out;
  rc = k;
out:
  zx_handle_close(a);
  zx_handle_close(b);
  return rc;
}
