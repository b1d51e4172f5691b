#include <jni.h>

typedef struct store store;

store *store_open(const char *path);
void store_close(store *s);
store *store_default(void);
store *registry_lookup(const char *name);
int attach_env(JavaVM *vm, JNIEnv **env);
