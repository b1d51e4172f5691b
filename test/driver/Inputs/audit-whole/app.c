#include "lib.h"

int run(JavaVM *vm) {
  JNIEnv *env;
  if (attach_env(vm, &env) != 0)
    return -1;
  store *s = store_open("db");
  store *d = store_default();
  (void)d;
  store_close(s);
  return 0;
}
