// PyMethodDef entries whose METH_* flags do not match the signature of their
// function, read through the (PyCFunction) cast.
// RUN: not %custody %s -- %cflags | FileCheck %s --implicit-check-not=warning: --implicit-check-not=note:
// RUN: %tidy %s -- %cflags | FileCheck %s --implicit-check-not=warning: --implicit-check-not=note:

#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject *with_kwargs(PyObject *self, PyObject *args, PyObject *kw) {
  Py_RETURN_NONE;
}
static PyObject *plain(PyObject *self, PyObject *args) { Py_RETURN_NONE; }
static PyObject *fast(PyObject *self, PyObject *const *args, Py_ssize_t n) {
  Py_RETURN_NONE;
}
static PyObject *fast_kw(PyObject *self, PyObject *const *args, Py_ssize_t n,
                         PyObject *kwnames) {
  Py_RETURN_NONE;
}
static PyObject *self_only(PyObject *self) { Py_RETURN_NONE; }
static PyObject *by_value(PyObject *self, PyObject arg) { Py_RETURN_NONE; }
static PyObject *defining(PyObject *self, PyTypeObject *cls,
                          PyObject *const *args, Py_ssize_t n,
                          PyObject *kwnames) {
  Py_RETURN_NONE;
}

typedef struct {
  PyObject_HEAD
  int value;
} Counter;

static PyObject *counter_get(Counter *self, PyObject *Py_UNUSED(ignored)) {
  return PyLong_FromLong(self->value);
}

#define METHOD(name, fn, flags) {name, (PyCFunction)(fn), flags, NULL}

static PyMethodDef module_methods[] = {
    {"kwargs_dropped", (PyCFunction)with_kwargs, METH_VARARGS, NULL},
    // CHECK: :[[@LINE-1]]:37: warning: 'with_kwargs' takes 3 parameters, but its flags METH_VARARGS pass 2 (self, args): the third parameter ('kw') holds garbage; keyword arguments need METH_VARARGS | METH_KEYWORDS [cpython-method-flags]
    // CHECK: :9:18: note: 'with_kwargs' is declared here
    {"kwargs_ignored", (PyCFunction)plain, METH_VARARGS | METH_KEYWORDS, NULL},
    // CHECK: :[[@LINE-1]]:37: warning: 'plain' takes 2 parameters, but its flags METH_VARARGS | METH_KEYWORDS pass 3 (self, args, kwargs): keyword arguments are ignored instead of rejected [cpython-method-flags]
    // CHECK: :12:18: note: 'plain' is declared here
    {"keywords_alone", (PyCFunction)with_kwargs, METH_KEYWORDS, NULL},
    // CHECK: :[[@LINE-1]]:37: warning: the flags METH_KEYWORDS of method 'keywords_alone' are not a calling convention CPython accepts (METH_KEYWORDS goes with METH_VARARGS or METH_FASTCALL); creating the method raises SystemError [cpython-method-flags]
    // CHECK: :9:18: note: 'with_kwargs' is declared here
    {"noargs_and_o", plain, METH_NOARGS | METH_O, NULL},
    // CHECK: :[[@LINE-1]]:22: warning: the flags METH_NOARGS | METH_O of method 'noargs_and_o' are not a calling convention CPython accepts; creating the method raises SystemError [cpython-method-flags]
    // CHECK: :12:18: note: 'plain' is declared here
    {"fast_as_varargs", (PyCFunction)(void (*)(void))fast,
     METH_VARARGS | METH_KEYWORDS, NULL},
    // CHECK: :[[@LINE-2]]:54: warning: parameter 2 of 'fast' is a 'PyObject *const *', but METH_VARARGS | METH_KEYWORDS passes an object ('PyObject *') there [cpython-method-flags]
    // CHECK: :13:18: note: 'fast' is declared here
    {"varargs_as_fast", _PyCFunction_CAST(with_kwargs), METH_FASTCALL, NULL},
    // CHECK: :[[@LINE-1]]:43: warning: parameter 2 of 'with_kwargs' is a 'PyObject *', but METH_FASTCALL passes the argument array ('PyObject *const *') there [cpython-method-flags]
    // CHECK: :9:18: note: 'with_kwargs' is declared here
    {"kwnames_dropped", _PyCFunction_CAST(fast_kw), METH_FASTCALL, NULL},
    // CHECK: :[[@LINE-1]]:43: warning: 'fast_kw' takes 4 parameters, but its flags METH_FASTCALL pass 3 (self, args, nargs): the fourth parameter ('kwnames') holds garbage; keyword names need METH_FASTCALL | METH_KEYWORDS [cpython-method-flags]
    // CHECK: :16:18: note: 'fast_kw' is declared here
    {"o_self_only", (PyCFunction)self_only, METH_O, NULL},
    // CHECK: :[[@LINE-1]]:34: warning: 'self_only' takes 1 parameter, but its flags METH_O pass 2 (self, arg): what it is passed last is ignored [cpython-method-flags]
    // CHECK: :20:18: note: 'self_only' is declared here
    {"by_value", (PyCFunction)by_value, METH_NOARGS, NULL},
    // CHECK: :[[@LINE-1]]:31: warning: parameter 2 of 'by_value' is a 'PyObject', but METH_NOARGS passes an object ('PyObject *') there [cpython-method-flags]
    // CHECK: :21:18: note: 'by_value' is declared here
    {"class_and_static", plain, METH_VARARGS | METH_CLASS | METH_STATIC, NULL},
    // CHECK: :[[@LINE-1]]:26: warning: method 'class_and_static' has both METH_CLASS and METH_STATIC (METH_VARARGS | METH_CLASS | METH_STATIC); creating it raises ValueError [cpython-method-flags]
    // CHECK: :12:18: note: 'plain' is declared here
    METHOD("through_macro", with_kwargs, METH_O),
    // CHECK: :[[@LINE-1]]:29: warning: 'with_kwargs' takes 3 parameters, but its flags METH_O pass 2 (self, arg): the third parameter ('kw') holds garbage [cpython-method-flags]
    // CHECK: :9:18: note: 'with_kwargs' is declared here
    {NULL, NULL, 0, NULL}};

// The calling conventions as CPython documents them stay silent, and so
// does METH_NOARGS with a function of one parameter (common practice).
static PyMethodDef ok_methods[] = {
    {"varargs", plain, METH_VARARGS, "doc"},
    {"kwargs", (PyCFunction)(void (*)(void))with_kwargs,
     METH_VARARGS | METH_KEYWORDS, NULL},
    {"kwargs_typed", (PyCFunction)(PyCFunctionWithKeywords)with_kwargs,
     METH_VARARGS | METH_KEYWORDS | METH_CLASS, NULL},
    {"fast", _PyCFunction_CAST(fast), METH_FASTCALL, NULL},
    {"fast_kw", _PyCFunction_CAST(fast_kw), METH_FASTCALL | METH_KEYWORDS,
     NULL},
    {"defining", _PyCFunction_CAST(defining),
     METH_METHOD | METH_FASTCALL | METH_KEYWORDS, NULL},
    {"noargs_unused", (PyCFunction)counter_get, METH_NOARGS, NULL},
    {"noargs_self_only", (PyCFunction)self_only, METH_NOARGS | METH_STATIC,
     NULL},
    {"o", plain, METH_O | METH_COEXIST, NULL},
    METHOD("macro", plain, METH_VARARGS),
    {NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "m", NULL, -1,
                                    module_methods};
PyMODINIT_FUNC PyInit_m(void) {
  PyObject *m = PyModule_Create(&module);
  if (m == NULL)
    return NULL;
  if (PyModule_AddFunctions(m, ok_methods) < 0) {
    Py_DECREF(m);
    return NULL;
  }
  return m;
}
