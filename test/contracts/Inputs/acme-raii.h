// A stand-in for a user's own C++ SDK over a C core: an RAII owner type, a
// session class whose members, constructor and operator a contract
// describes, overloads, and a virtual function. Only declarations: the SDK
// is compiled elsewhere, its contract (raii.yaml) says what it does.
#ifndef TEST_ACME_RAII_H
#define TEST_ACME_RAII_H

extern "C" {
typedef struct acme_ctx acme_ctx;
typedef struct acme_thing acme_thing;

acme_ctx *acme_ctx_new(void);                // NULL on failure
void acme_ctx_free(acme_ctx *ctx);
acme_thing *acme_thing_open(const char *name); // a new thing, NULL on failure
acme_thing *acme_thing_peek(acme_ctx *ctx);  // the context keeps it
void acme_thing_ref(acme_thing *t);          // one more reference
void acme_thing_destroy(acme_thing *t);      // drops one reference
int acme_thing_size(const acme_thing *t);
}

namespace acme {

// Owns one reference to a thing; the destructor drops it.
class ScopedHandle {
public:
  ScopedHandle() noexcept;
  ScopedHandle(acme_ctx *ctx, acme_thing *t);  // takes over t
  ScopedHandle(ScopedHandle &&other) noexcept;
  ScopedHandle &operator=(ScopedHandle &&other) noexcept;
  ScopedHandle(const ScopedHandle &) = delete;
  ScopedHandle &operator=(const ScopedHandle &) = delete;
  ~ScopedHandle();

  acme_thing *get() const;     // still owned by the handle
  acme_thing *release();       // the caller's now; the handle is empty
  void reset(acme_thing *t = nullptr);  // drops the old one, takes over t

  static ScopedHandle adopt(acme_thing *t);  // takes over t
  static ScopedHandle share(acme_thing *t);  // acme_thing_ref(t) first

private:
  acme_ctx *ctx_;
  acme_thing *t_;
};

ScopedHandle make_scoped(acme_ctx *ctx, const char *name);

class Session {
public:
  explicit Session(acme_ctx *ctx);  // takes over ctx; ~Session frees it
  Session(const Session &) = delete;
  Session &operator=(const Session &) = delete;
  ~Session();

  acme_thing *open(const char *name);  // a new thing, NULL on failure
  Session &operator<<(acme_thing *t);  // queues t; the session drops it
  int pending() const;
};

void dispose(acme_thing *t);  // acme_thing_destroy
void dispose(acme_ctx *ctx);  // acme_ctx_free

class Source {
public:
  virtual ~Source();
  virtual acme_thing *fetch() = 0;  // a new thing, NULL on failure
};

class Pool {
public:
  acme_thing *take(const char *name);  // a new thing, NULL on failure

private:
  acme_ctx *ctx_ = nullptr;
};

} // namespace acme

#endif
