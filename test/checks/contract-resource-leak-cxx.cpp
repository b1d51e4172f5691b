// RUN: not %custody --contracts %S/Inputs/sdk.yaml %s -- %cxxflags -I%S/Inputs | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -config="{CheckOptions: {CustodyContracts: '%S/Inputs/sdk.yaml'}}" -- %cxxflags -I%S/Inputs | FileCheck %s --implicit-check-not=warning:

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>
#include "sdk.h"

int parse(const char *);

// A throw between acquiring and releasing a raw pointer is a leaking exit.
void checkLeak01Throw(const char *s) {
  char *copy = strdup(s);
  if (!copy)
    return;
  if (parse(copy) < 0)
    throw std::runtime_error("bad input");
  // CHECK: :[[@LINE-1]]:5: warning: 'copy' (heap memory from 'strdup') is not released on this path [contract-resource-leak]
  // CHECK: :[[@LINE-6]]:16: note: heap memory acquired here from 'strdup'; the contract says 'free' releases it
  // CHECK: :[[@LINE-4]]:7: note: assuming 'parse(copy) < 0' is true
  free(copy);
}

void checkLeak02Method(sdk_ctx *ctx);
struct Enroller {
  sdk_ctx *ctx;
  int run() {
    sdk_tpl *t = nullptr;
    if (sdk_tpl_open(ctx, nullptr, 0, &t) != 0)
      return -1;
    if (sdk_tpl_score(t) < 5)
      return -2;
    // CHECK: :[[@LINE-1]]:7: warning: 't' (sdk template from 'sdk_tpl_open') is not released on this path [contract-resource-leak]
    // CHECK: :[[@LINE-5]]:9: note: sdk template acquired here through argument 3 of 'sdk_tpl_open'; the contract says 'sdk_tpl_destroy' or 'sdk_tpl_destroy_secure' releases it
    // CHECK: :[[@LINE-4]]:9: note: assuming 'sdk_tpl_score(t) < 5' is true
    sdk_engine_enroll(ctx, t);
    return 0;
  }
};

// --- Must stay silent -------------------------------------------------------

// An RAII wrapper whose destructor releases the template owns it.
class Template {
public:
  explicit Template(sdk_tpl *t) : t_(t) {}
  ~Template() { sdk_tpl_destroy(t_); }
  Template(const Template &) = delete;
  Template &operator=(const Template &) = delete;
  sdk_tpl *get() const { return t_; }

private:
  sdk_tpl *t_;
};

int checkNoLeak01RaiiWrapper(sdk_ctx *ctx) {
  sdk_tpl *raw = nullptr;
  if (sdk_tpl_open(ctx, nullptr, 0, &raw) != 0)
    return -1;
  Template t(raw);
  if (sdk_tpl_score(t.get()) < 5)
    throw std::runtime_error("low quality");
  return 0;
}

struct FreeDeleter {
  void operator()(void *p) const { std::free(p); }
};

int checkNoLeak02UniquePtr(const char *s) {
  std::unique_ptr<char, FreeDeleter> copy(strdup(s));
  if (!copy)
    return -1;
  if (parse(copy.get()) < 0)
    throw std::runtime_error("bad input");
  return 0;
}

int checkNoLeak03UniquePtrFunctionDeleter(const char *path) {
  std::unique_ptr<FILE, int (*)(FILE *)> f(std::fopen(path, "r"), &std::fclose);
  if (!f)
    return -1;
  return std::fgetc(f.get());
}

void checkNoLeak04IntoContainer(std::vector<char *> &out, const char *s) {
  char *c = strdup(s);
  if (c)
    out.push_back(c);
}

std::string checkNoLeak05CopiedOut(const char *s) {
  char *c = strdup(s);
  if (!c)
    return {};
  std::string r(c);
  free(c);
  return r;
}

void checkNoLeak06Lambda(const char *s) {
  char *c = strdup(s);
  auto release = [c] { free(c); };
  release();
}
