// A function whose contract says it returns an owned value must not return a
// borrowed one (here: an SDK shim implemented in this file).
// RUN: not %custody --contracts %S/Inputs/sdk.yaml %s -- %cflags -I%S/Inputs | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -config="{CheckOptions: {CustodyContracts: '%S/Inputs/sdk.yaml'}}" -- %cflags -I%S/Inputs | FileCheck %s --implicit-check-not=warning:

#include "sdk.h"

sdk_tpl *sdk_tpl_dup(sdk_ctx *ctx, int fresh) {
  sdk_tpl *t;
  if (fresh) {
    if (sdk_tpl_open(ctx, 0, 0, &t) != 0)
      return 0;
    return t;
  }
  t = sdk_tpl_get_cached(ctx);
  return t;
  // CHECK: :[[@LINE-1]]:3: warning: 't' is borrowed from 'sdk_tpl_get_cached', but 'sdk_tpl_dup' must return a new sdk template (its contract says it returns an owned value) [contract-return-unowned]
  // CHECK: :[[@LINE-3]]:7: note: sdk template borrowed here from 'sdk_tpl_get_cached'; the contract does not make the caller its owner
}

// Not in a contract: returning a borrowed value is this function's business.
sdk_tpl *checkNoReturnUnowned01Helper(sdk_ctx *ctx) {
  return sdk_tpl_get_cached(ctx);
}
