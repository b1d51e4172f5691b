// RUN: not %custody --contracts %S/Inputs/raii.yaml %s -- %cxxflags -I%S/Inputs | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -config="{CheckOptions: {CustodyContracts: '%S/Inputs/raii.yaml'}}" -- %cxxflags -I%S/Inputs | FileCheck %s --implicit-check-not=warning:

// A user's C++ SDK contract (Inputs/raii.yaml over Inputs/acme-raii.h):
// an RAII owner type (types:), std::unique_ptr with a contract releaser as
// its deleter, and C++ functions named in 'functions:' (a member function,
// a constructor, overloads by parameter types, an operator, a virtual
// function). The wording of the messages is not settled: the lines below
// match the position and the check only.

#include <memory>
#include <utility>

#include "acme-raii.h"

using ThingPtr = std::unique_ptr<acme_thing, decltype(&acme_thing_destroy)>;

void keep(acme::ScopedHandle h);

// --- Must warn: the owner type ----------------------------------------------

// The context keeps what acme_thing_peek returns: the handle's destructor
// would drop a reference the code does not own.
int checkStealBorrowed01Constructor(acme_ctx *ctx) {
  acme::ScopedHandle h(ctx, acme_thing_peek(ctx));
  // CHECK: :[[@LINE-1]]:22: warning: the result of 'acme_thing_peek' is borrowed and must not be handed to 'acme::ScopedHandle', which takes ownership: the acme::ScopedHandle releases it when destroyed [contract-release-unowned]
  return acme_thing_size(h.get());
}

int checkStealBorrowed02Factory(acme_ctx *ctx) {
  acme::ScopedHandle h = acme::ScopedHandle::adopt(acme_thing_peek(ctx));
  // CHECK: :[[@LINE-1]]:26: warning: the result of 'acme_thing_peek' is borrowed and must not be handed to 'adopt', which takes ownership: the acme::ScopedHandle releases it when destroyed [contract-release-unowned]
  return acme_thing_size(h.get());
}

// release() gives the thing back to the caller, who drops it.
void checkLeak01ReleaseDropped(acme_ctx *ctx) {
  acme::ScopedHandle h(ctx, acme_thing_open("a"));
  if (!h.get())
    return;
  h.release();
  // CHECK: :[[@LINE-1]]:3: warning: the result of 'release' (acme thing) is discarded, so it can never be released [contract-resource-leak]
}

// share() takes a reference of its own: the new thing from acme_thing_open
// is never dropped.
int checkLeak02ShareOfNew() {
  acme_thing *t = acme_thing_open("b");
  if (!t)
    return -1;
  acme::ScopedHandle h = acme::ScopedHandle::share(t);
  return acme_thing_size(h.get());
  // CHECK: :[[@LINE-1]]:3: warning: 't' (acme thing from 'acme_thing_open') is not released on this path [contract-resource-leak]
}

// After the move, a holds nothing.
int checkUse01AfterMove(acme_ctx *ctx) {
  acme::ScopedHandle a(ctx, acme_thing_open("c"));
  acme::ScopedHandle b = std::move(a);
  return acme_thing_size(a.get());
  // CHECK: :[[@LINE-1]]:26: warning: 'a' is used after it was moved from: its acme::ScopedHandle holds nothing now [contract-use-after-release]
}

// reset() dropped the thing raw still points to.
int checkUse02AfterReset(acme_ctx *ctx) {
  acme::ScopedHandle h(ctx, acme_thing_open("d"));
  acme_thing *raw = h.get();
  h.reset();
  return acme_thing_size(raw);
  // CHECK: :[[@LINE-1]]:10: warning: 'raw' is used after it was released by '~ScopedHandle' [contract-use-after-release]
}

// Two owners of one reference: both destructors drop it.
void checkDouble01TwoOwners(acme_ctx *ctx) {
  acme_thing *t = acme_thing_open("e");
  if (!t)
    return;
  acme::ScopedHandle a(ctx, t);
  acme::ScopedHandle b(ctx, t);
  // CHECK: :[[@LINE-1]]:22: warning: 't' is already held by another acme::ScopedHandle; 'acme::ScopedHandle' takes it over a second time, so it is released twice [contract-double-release]
}

// The handle still owns what get() lent: its destructor drops it again.
void checkDouble02DestroyGet(acme_ctx *ctx) {
  acme::ScopedHandle h(ctx, acme_thing_open("f"));
  acme_thing_destroy(h.get());
  // CHECK: :[[@LINE+1]]:1: warning: 'h' releases its acme thing again when destroyed: it was already released by 'acme_thing_destroy' [contract-double-release]
}

// A member function whose contract says it returns an owned thing returns
// one the handle drops on the way out.
acme_thing *acme::Pool::take(const char *name) {
  acme::ScopedHandle h(ctx_, acme_thing_open(name));
  return h.get();
  // CHECK: :[[@LINE-1]]:3: warning: 'h.get()' is still owned by an RAII object that releases it when 'take' returns, but 'take' must return a new acme thing (its contract says it returns an owned value) [contract-return-unowned]
}

// --- Must warn: std::unique_ptr with a contract releaser --------------------

int checkUniqueBorrowed(acme_ctx *ctx) {
  ThingPtr p(acme_thing_peek(ctx), &acme_thing_destroy);
  // CHECK: :[[@LINE-1]]:12: warning: the result of 'acme_thing_peek' is borrowed and must not be handed to 'unique_ptr', which takes ownership: the std::unique_ptr releases it when destroyed [contract-release-unowned]
  return acme_thing_size(p.get());
}

void checkUniqueDestroyGet() {
  ThingPtr p(acme_thing_open("g"), &acme_thing_destroy);
  if (p)
    acme_thing_destroy(p.get());
  // CHECK: :[[@LINE+1]]:1: warning: 'p' releases its acme thing again when destroyed: it was already released by 'acme_thing_destroy' [contract-double-release]
}

void checkUniqueReleaseDropped() {
  ThingPtr p(acme_thing_open("h"), acme_thing_destroy);
  p.release();
  // CHECK: :[[@LINE-1]]:3: warning: the result of 'release' (acme thing) is discarded, so it can never be released [contract-resource-leak]
}

// --- Must warn: C++ functions named in the contract -------------------------

// A member function returning an owned thing, called through a reference.
int checkLeak03SessionOpen(acme::Session &s) {
  acme_thing *t = s.open("i");
  if (!t)
    return -1;
  return acme_thing_size(t);
  // CHECK: :[[@LINE-1]]:3: warning: 't' (acme thing from 'open') is not released on this path [contract-resource-leak]
}

// The same through a pointer.
void checkLeak04SessionOpenPointer(acme::Session *s) {
  acme_thing *t = s->open("j");
  if (t)
    s->pending();
  // CHECK: :[[@LINE+1]]:1: warning: 't' (acme thing from 'open') is not released on this path [contract-resource-leak]
}

// The constructor took the context over.
int checkDouble03ConstructorTookIt() {
  acme_ctx *ctx = acme_ctx_new();
  if (!ctx)
    return -1;
  acme::Session s(ctx);
  acme_ctx_free(ctx);
  // CHECK: :[[@LINE-1]]:3: warning: 'ctx' is released by 'acme_ctx_free' after its ownership moved into 'Session' [contract-double-release]
  return s.pending();
}

// operator<< took the thing over.
void checkDouble04OperatorTookIt(acme::Session &s) {
  acme_thing *t = acme_thing_open("k");
  if (!t)
    return;
  s << t;
  acme_thing_destroy(t);
  // CHECK: :[[@LINE-1]]:3: warning: 't' is released by 'acme_thing_destroy' after its ownership moved into 'operator<<' [contract-double-release]
}

// The acme_thing * overload of dispose releases it.
void checkDouble05OverloadTwice() {
  acme_thing *t = acme_thing_open("l");
  if (!t)
    return;
  acme::dispose(t);
  acme::dispose(t);
  // CHECK: :[[@LINE-1]]:3: warning: 't' is released by 'dispose' after it was already released by 'dispose' [contract-double-release]
}

// A virtual function's contract: called through the base class.
int checkLeak05Virtual(acme::Source &src) {
  acme_thing *t = src.fetch();
  if (!t)
    return -1;
  return acme_thing_size(t);
  // CHECK: :[[@LINE-1]]:3: warning: 't' (acme thing from 'fetch') is not released on this path [contract-resource-leak]
}

// ... and its overrides must return an owned thing.
struct PeekSource : acme::Source {
  acme_ctx *ctx = nullptr;
  acme_thing *fetch() override {
    return acme_thing_peek(ctx);
    // CHECK: :[[@LINE-1]]:5: warning: the result of 'acme_thing_peek' is borrowed, but 'fetch' must return a new acme thing (its contract says it returns an owned value) [contract-return-unowned]
  }
};

// --- Must stay silent ---------------------------------------------------------

int checkNoLeak01Raii(acme_ctx *ctx) {
  acme::ScopedHandle h(ctx, acme_thing_open("m"));
  if (!h.get())
    return -1;
  return acme_thing_size(h.get());
}

// release() into something that takes it over.
void checkNoLeak02ReleaseIntoSession(acme::Session &s, acme_ctx *ctx) {
  acme::ScopedHandle h(ctx, acme_thing_open("n"));
  if (h.get())
    s << h.release();
}

// reset() with a value takes it over and drops the old one.
int checkNoLeak03Reset(acme_ctx *ctx) {
  acme::ScopedHandle h(ctx, acme_thing_open("o"));
  h.reset(acme_thing_open("p"));
  return h.get() ? acme_thing_size(h.get()) : 0;
}

// Factories: adopt a new thing, share a borrowed one, make one.
int checkNoLeak04Factories(acme_ctx *ctx) {
  acme::ScopedHandle a = acme::ScopedHandle::adopt(acme_thing_open("q"));
  acme::ScopedHandle b = acme::ScopedHandle::share(acme_thing_peek(ctx));
  acme::ScopedHandle c = acme::make_scoped(ctx, "r");
  return acme_thing_size(a.get()) + acme_thing_size(b.get()) +
         acme_thing_size(c.get());
}

// Returned and passed by value, moved.
acme::ScopedHandle checkNoLeak05ReturnByValue(acme_ctx *ctx) {
  acme::ScopedHandle h(ctx, acme_thing_open("s"));
  return h;
}

void checkNoLeak06MoveIntoCall(acme_ctx *ctx) {
  acme::ScopedHandle a(ctx, acme_thing_open("t"));
  acme::ScopedHandle b;
  b = std::move(a);
  keep(std::move(b));
}

// A member function's owned result given to the owner type.
int checkNoLeak07OpenIntoHandle(acme::Session &s, acme_ctx *ctx) {
  acme::ScopedHandle h(ctx, s.open("u"));
  return h.get() ? acme_thing_size(h.get()) : 0;
}

// The session took the context over; the operator took the thing.
int checkNoLeak08SessionTakesOver() {
  acme_ctx *ctx = acme_ctx_new();
  if (!ctx)
    return -1;
  acme::Session s(ctx);
  acme_thing *t = acme_thing_open("v");
  if (t)
    s << t;
  return s.pending();
}

// Each overload of dispose releases its own kind: no wrong release.
void checkNoLeak09Overloads() {
  acme_ctx *ctx = acme_ctx_new();
  acme_thing *t = acme_thing_open("w");
  if (t)
    acme::dispose(t);
  if (ctx)
    acme::dispose(ctx);
}

// std::unique_ptr with the releaser as its deleter.
int checkNoLeak10UniquePtr(acme::Session &s) {
  ThingPtr p(acme_thing_open("x"), &acme_thing_destroy);
  if (!p)
    return -1;
  int n = acme_thing_size(p.get());
  ThingPtr q(acme_thing_open("y"), acme_thing_destroy);
  if (q)
    s << q.release();
  return n;
}

// An override that returns a new thing.
struct OpenSource : acme::Source {
  acme_thing *fetch() override { return acme_thing_open("z"); }
};

// A borrowed thing with a reference of its own, owned by the handle.
int checkNoLeak11RefThenAdopt(acme_ctx *ctx) {
  acme_thing *t = acme_thing_peek(ctx);
  if (!t)
    return -1;
  acme_thing_ref(t);
  acme::ScopedHandle h(ctx, t);
  return acme_thing_size(h.get());
}
