#include <Python.h>

typedef struct Thing {
  int n;
  char *buf;
} Thing;

Thing *thing_new(int n);
int thing_open(int n, Thing **out);
void thing_free(Thing *t);
PyObject *get_cached(PyObject *holder);
PyObject *make_list(void);
void log_message(const char *msg);
