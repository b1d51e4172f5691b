// C++ extension code: a throw between acquiring and releasing a raw
// PyObject * is a leaking exit; a wrapper whose destructor releases the
// reference owns it.
// RUN: not %custody %s -- %cxxflags | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- %cxxflags | FileCheck %s --implicit-check-not=warning:

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdexcept>
#include <utility>

long checked(long v);

PyObject *checkLeakThrow(long n) {
  PyObject *list = PyList_New(0);
  if (!list)
    return nullptr;
  if (n < 0)
    throw std::invalid_argument("negative");
  // CHECK: :[[@LINE-1]]:5: warning: 'list' (Python reference from 'PyList_New') is not released on this path [cpython-missing-decref]
  // CHECK: :[[@LINE-6]]:20: note: Python reference acquired here from 'PyList_New'; the contract says 'Py_DECREF', 'Py_XDECREF' or 'Py_DecRef' releases it
  // CHECK: :[[@LINE-4]]:7: note: assuming 'n < 0' is true
  return list;
}

// An owning wrapper, as C++ extensions write them.
class Ref {
public:
  explicit Ref(PyObject *p) : p_(p) {}
  ~Ref() { Py_XDECREF(p_); }
  Ref(const Ref &) = delete;
  Ref &operator=(const Ref &) = delete;
  PyObject *get() const { return p_; }
  PyObject *release() { return std::exchange(p_, nullptr); }

private:
  PyObject *p_;
};

PyObject *checkNoLeakWrapper(long n) {
  Ref list(PyList_New(0));
  if (!list.get())
    return nullptr;
  Ref item(PyLong_FromLong(checked(n)));
  if (!item.get())
    return nullptr;
  if (PyList_Append(list.get(), item.get()) < 0)
    throw std::runtime_error("append");
  return list.release();
}

// A project macro that converts a value and may return early: what was
// created before it leaks on that return.
#define CONVERT_OR_RETURN(var, obj)                                            \
  long var = PyLong_AsLong(obj);                                               \
  if (var == -1 && PyErr_Occurred())                                           \
    return nullptr;

PyObject *checkLeakMacroReturn(PyObject *arg) {
  PyObject *out = PyDict_New();
  if (!out)
    return nullptr;
  CONVERT_OR_RETURN(v, arg)
  // CHECK: :[[@LINE-1]]:3: warning: 'out' (Python reference from 'PyDict_New') is not released on this path [cpython-missing-decref]
  // CHECK: :[[@LINE-5]]:19: note: Python reference acquired here from 'PyDict_New'; the contract says 'Py_DECREF', 'Py_XDECREF' or 'Py_DecRef' releases it
  // CHECK: :[[@LINE-3]]:3: note: assuming the condition is true
  if (PyDict_SetItemString(out, "v", arg) < 0) {
    Py_DECREF(out);
    return nullptr;
  }
  (void)v;
  return out;
}

// A return hidden in a library's initialisation macro (numpy's import_array
// is shaped like this): nothing created before it, nothing leaked.
#define IMPORT_OR_FAIL()                                                       \
  do {                                                                         \
    if (PyErr_Occurred())                                                      \
      return nullptr;                                                          \
  } while (0)

PyObject *checkNoLeakImportMacro(void) {
  IMPORT_OR_FAIL();
  PyObject *m = PyDict_New();
  return m;
}

// A wrapper class of the program, with no contract: its get() returns the
// member it holds, and incref() takes a reference on it that this analysis
// does not link to the object; handing get() to a call that steals is then
// not reported as a borrowed value given away.
class HeldRef {
public:
  explicit HeldRef(PyObject *o) : obj_(o) {}
  PyObject *get() const { return obj_; }
  void incref() { Py_INCREF(obj_); }

private:
  PyObject *obj_;
};

void checkNoReportWrapperIncref(PyObject *exc, PyObject *cause) {
  HeldRef next(cause);
  next.incref();
  PyException_SetCause(exc, next.get());
}

// An instance of a heap type holds a reference to its type: one taken for
// Py_SET_TYPE is handed to the object.
PyObject *checkNoLeakSetType(PyTypeObject *type, PyTypeObject *alloc) {
  PyObject *obj = alloc->tp_alloc(alloc, 0);
  if (!obj)
    return nullptr;
  Py_INCREF(type);
  Py_SET_TYPE(obj, type);
  Py_DECREF(alloc);
  return obj;
}
