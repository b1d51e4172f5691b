// Embedded CPython: PyGILState_Ensure and PyGILState_Release are interposed
// and balanced per thread. One thread takes the GIL again in a helper that
// forgets to give it back on one path; the report names that thread and the
// helper's PyGILState_Ensure (the release of the outer state pairs with the
// outer ensure, by the state it returned), and confirms the static
// gil-unbalanced finding there. The balanced thread, and the main thread's
// PyEval_SaveThread/PyEval_RestoreThread, are not reported.
//
// RUN: rm -rf %t && mkdir -p %t
// RUN: %{cc_debug} -o %t/embed %s %{python_cflags} %{python_ldflags} -lpthread
// RUN: %expect-exit 1 %custody %s --format=json --output %t/findings.json -- %{python_cflags}
// RUN: %expect-exit 1 %custody trace --header %{python_header} --findings %t/findings.json -- %t/embed > %t/out.txt 2> %t/err.txt
// RUN: FileCheck %s --implicit-check-not=warning: < %t/out.txt
// RUN: FileCheck %s --check-prefix=ERR < %t/err.txt
// ERR: custody: tracing {{[0-9]+}} functions of cpython-gil, {{.*}}
// ERR: custody: 1 resource live at exit, from 1 acquisition stack; 1 confirms a static finding, 0 are contract or analysis gaps
//
// --list says what of CPython is interposed, and why references are not:
// RUN: %custody trace --list --header %{python_header} | FileCheck %s --check-prefix=LIST
// LIST-DAG: traced: PyGILState_Ensure (cpython-gil): takes a per-thread GIL state
// LIST-DAG: traced: PyGILState_Release (cpython-gil): gives back GIL state (argument 0)
// LIST-DAG: traced: PyEval_SaveThread (cpython-gil): returns an owned saved thread state
// LIST-DAG: not traced: PyList_New (cpython): its Python reference is released by 'Py_DECREF', which is a macro
// LIST-DAG: not traced: Py_BuildValue (cpython): variadic

#include <Python.h>
#include <pthread.h>

static void *balanced(void *arg) {
  (void)arg;
  PyGILState_STATE g = PyGILState_Ensure();
  PyRun_SimpleString("x = 1 + 1");
  PyGILState_Release(g);
  return NULL;
}

static void helper(void) {
  // CHECK: trace-gil.c:[[@LINE+1]]:28: warning: 1 'PyGILState_Ensure' on thread 'unbalanced' ({{[0-9]+}}) not given back by 'PyGILState_Release' at exit [runtime-gil-unbalanced]
  PyGILState_STATE inner = PyGILState_Ensure();
  // CHECK-NEXT: trace-gil.c:{{[0-9]+}}:3: note: 'helper' called here
  // CHECK-NEXT: trace-gil.c:[[@LINE+2]]:5: note: confirmed at run time: {{.*}} [gil-unbalanced]
  if (PyRun_SimpleString("y = 2") == 0)
    return; /* BUG: inner is not given back */
  PyGILState_Release(inner);
}

static void *unbalanced(void *arg) {
  (void)arg;
  pthread_setname_np(pthread_self(), "unbalanced");
  PyGILState_STATE outer = PyGILState_Ensure();
  helper();
  /* Gives back the outer state: the GIL is released, the inner ensure still
     counts on this thread. */
  PyGILState_Release(outer);
  return NULL;
}

int main(void) {
  Py_Initialize();
  PyThreadState *main_state = PyEval_SaveThread();
  pthread_t a, b;
  pthread_create(&a, NULL, balanced, NULL);
  pthread_join(a, NULL);
  pthread_create(&b, NULL, unbalanced, NULL);
  pthread_join(b, NULL);
  PyEval_RestoreThread(main_state);
  Py_FinalizeEx();
  return 0;
}
