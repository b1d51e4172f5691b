// RUN: not %custody %s -- %cxxflags | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- %cxxflags | FileCheck %s --implicit-check-not=warning:

// The pybind11 contract (contracts/pybind11.yaml) against the real headers
// (Debian's pybind11-dev, /usr/include/pybind11): py::handle views a
// reference, py::object owns one; reinterpret_borrow takes a reference of
// its own, reinterpret_steal takes the caller's; release() hands it back.
// The wording of the messages is not settled: the lines below match the
// position and the check only.

#include <pybind11/pybind11.h>

#include <string>
#include <utility>

namespace py = pybind11;

void consume(py::object o);

// --- Must warn -------------------------------------------------------------

// PyList_GetItem lends the item: the object's destructor would release a
// reference the code never had.
void checkStealBorrowed01ListGetItem(PyObject *list) {
  PyObject *item = PyList_GetItem(list, 0);
  if (!item)
    throw py::error_already_set();
  py::object o = py::reinterpret_steal<py::object>(item);
  // CHECK: :[[@LINE-1]]:18: warning: the result of 'PyList_GetItem' is borrowed and must not be handed to 'reinterpret_steal', which takes ownership: the pybind11::object releases it when destroyed [cpython-borrowed-decref]
  consume(o);
}

// The same straight into the call.
py::object checkStealBorrowed02TupleGetItem(PyObject *args) {
  return py::reinterpret_steal<py::object>(PyTuple_GetItem(args, 0));
  // CHECK: :[[@LINE-1]]:10: warning: the result of 'PyTuple_GetItem' is borrowed and must not be handed to 'reinterpret_steal', which takes ownership: the pybind11::object releases it when destroyed [cpython-borrowed-decref]
}

// reinterpret_borrow takes a reference of its own: the new one from
// PyLong_FromLong is never released.
py::object checkLeak01BorrowOfNewReference(long v) {
  PyObject *raw = PyLong_FromLong(v);
  if (!raw)
    throw py::error_already_set();
  py::object o = py::reinterpret_borrow<py::object>(raw);
  return o;
  // CHECK: :[[@LINE-1]]:3: warning: 'raw' (Python reference from 'PyLong_FromLong') is not released on this path [cpython-missing-decref]
}

// The same with the new reference as a temporary.
py::list checkLeak02BorrowOfNewTemporary() {
  py::list l = py::reinterpret_borrow<py::list>(PyList_New(0));
  return l;
  // CHECK: :[[@LINE-1]]:3: warning: 'l' (Python reference from 'PyList_New') is not released on this path [cpython-missing-decref]
}

// release() makes the reference the caller's; dropping its result leaks it.
void checkLeak03ReleaseDropped() {
  py::object o = py::reinterpret_steal<py::object>(PyDict_New());
  if (!o)
    throw py::error_already_set();
  o.release();
  // CHECK: :[[@LINE-1]]:3: warning: the result of 'release' (Python reference) is discarded, so it can never be released [cpython-missing-decref]
}

// The released handle only views the reference; nobody releases it.
Py_ssize_t checkLeak04ReleasedIntoHandle() {
  py::object o = py::reinterpret_steal<py::object>(PyList_New(0));
  if (!o)
    throw py::error_already_set();
  py::handle h = o.release();
  return PyObject_Size(h.ptr());
  // CHECK: :[[@LINE-1]]:3: warning: 'h' (Python reference from 'PyList_New') is not released on this path [cpython-missing-decref]
}

// A handle over a new reference does not release it.
void checkLeak05HandleOfNewReference() {
  py::handle h = PyList_New(0);
  if (!h)
    return;
  PyObject_Size(h.ptr());
  // CHECK: :[[@LINE+1]]:1: warning: 'h' (Python reference from 'PyList_New') is not released on this path [cpython-missing-decref]
}

// inc_ref() adds a reference the destructor does not drop.
void checkLeak06IncRefNotReleased() {
  py::object o = py::reinterpret_steal<py::object>(PyList_New(0));
  if (!o)
    throw py::error_already_set();
  o.inc_ref();
  // CHECK: :[[@LINE+1]]:1: warning: 'o' (Python reference from 'PyList_New') is not released on this path [cpython-missing-decref]
}

// o.ptr() is lent: o releases it when the function returns, and the caller
// (the interpreter, through the PyMethodDef table below) releases it again.
static PyObject *checkReturnBorrowed01Ptr(PyObject *, PyObject *) {
  py::object o = py::reinterpret_steal<py::object>(PyList_New(0));
  if (!o)
    return nullptr;
  return o.ptr();
  // CHECK: :[[@LINE-1]]:3: warning: 'o.ptr()' is still owned by an RAII object that releases it when 'checkReturnBorrowed01Ptr' returns, but 'checkReturnBorrowed01Ptr' must return a new Python reference (a callback returning 'PyObject *' hands its caller a new reference) [cpython-return-borrowed]
}

// Two objects stealing one reference: both destructors release it.
void checkDouble01TwoObjectsStealOne() {
  PyObject *raw = PyList_New(0);
  if (!raw)
    throw py::error_already_set();
  py::object a = py::reinterpret_steal<py::object>(raw);
  py::object b = py::reinterpret_steal<py::object>(raw);
  // CHECK: :[[@LINE-1]]:18: warning: 'raw' is already held by another pybind11::object; 'reinterpret_steal' takes it over a second time, so it is released twice [cpython-double-decref]
}

// Py_DECREF of a reference o still owns: o's destructor releases it again.
void checkDouble02DecrefWhileOwned() {
  py::object o = py::reinterpret_steal<py::object>(PyList_New(0));
  if (!o)
    throw py::error_already_set();
  Py_DECREF(o.ptr());
  // CHECK: :[[@LINE+1]]:1: warning: 'o' releases its Python reference again when destroyed: it was already released by 'Py_DECREF' [cpython-double-decref]
}

// dec_ref() on an owner: the destructor releases once more.
void checkDouble03DecRefOnObject(PyObject *p) {
  py::object o = py::reinterpret_borrow<py::object>(p);
  o.dec_ref();
  // CHECK: :[[@LINE+1]]:1: warning: 'o' releases its Python reference again when destroyed: the reference it took was already released [cpython-double-decref]
}

// A handle over a borrowed item must not drop it.
void checkBorrowed03DecRefBorrowedHandle(PyObject *list) {
  py::handle h = PyList_GetItem(list, 0);
  if (!h)
    return;
  h.dec_ref();
  // CHECK: :[[@LINE-1]]:3: warning: 'h' is borrowed from 'PyList_GetItem' and must not be released by 'dec_ref' [cpython-borrowed-decref]
}

// After the move, a holds nothing: its reference belongs to b.
Py_ssize_t checkUse01AfterMove() {
  py::object a = py::reinterpret_steal<py::object>(PyList_New(0));
  if (!a)
    throw py::error_already_set();
  py::object b = std::move(a);
  return PyObject_Size(a.ptr());
  // CHECK: :[[@LINE-1]]:24: warning: 'a' is used after it was moved from: its pybind11::object holds nothing now [cpython-use-after-decref]
}

// --- Must stay silent ------------------------------------------------------

// The usual way out of a C callback: release() hands the reference over.
static PyObject *checkNoLeak01ReturnReleased(PyObject *, PyObject *) {
  py::list l = py::reinterpret_steal<py::list>(PyList_New(0));
  if (!l)
    return nullptr;
  py::object item = py::reinterpret_steal<py::object>(PyLong_FromLong(1));
  if (!item)
    return nullptr;
  if (PyList_Append(l.ptr(), item.ptr()) < 0)
    return nullptr;
  return l.release().ptr();
}

// inc_ref().ptr(): a new reference for the caller, o keeps its own.
static PyObject *checkNoLeak02ReturnIncRef(PyObject *, PyObject *arg) {
  py::object o = py::reinterpret_borrow<py::object>(arg);
  return o.inc_ref().ptr();
}

// A handle over a borrowed argument, with a reference of its own.
static PyObject *checkNoLeak03HandleIncRef(PyObject *self, PyObject *) {
  py::handle h = self;
  return h.inc_ref().ptr();
}

PyMethodDef custody_test_methods[] = {
    {"bad_ptr", checkReturnBorrowed01Ptr, METH_NOARGS, nullptr},
    {"released", checkNoLeak01ReturnReleased, METH_NOARGS, nullptr},
    {"inc_ref", checkNoLeak02ReturnIncRef, METH_O, nullptr},
    {"self", checkNoLeak03HandleIncRef, METH_NOARGS, nullptr},
    {nullptr, nullptr, 0, nullptr}};

// reinterpret_steal of a new reference: the object releases it.
py::str checkNoLeak04StealNew(PyObject *x) {
  py::str s = py::reinterpret_steal<py::str>(PyObject_Str(x));
  if (!s)
    throw py::error_already_set();
  return s;
}

// reinterpret_borrow of borrowed references.
py::tuple checkNoLeak05BorrowBorrowed(PyObject *list, PyObject *args) {
  py::object first = py::reinterpret_borrow<py::object>(PyList_GetItem(list, 0));
  if (!first)
    throw py::error_already_set();
  py::object arg0 = py::reinterpret_borrow<py::object>(PyTuple_GET_ITEM(args, 0));
  return py::make_tuple(first, arg0);
}

// Objects moved into containers: append() and make_tuple() take references
// of their own; the locals release theirs.
py::tuple checkNoLeak06MoveIntoContainers(long v) {
  py::object a = py::reinterpret_steal<py::object>(PyLong_FromLong(v));
  if (!a)
    throw py::error_already_set();
  py::object b = py::cast(v + 1);
  py::list l;
  l.append(std::move(a));
  return py::make_tuple(std::move(b), l);
}

// A stolen reference handed to a tuple with release().
py::tuple checkNoLeak07SetItemReleased() {
  py::tuple t(2);
  py::object a = py::reinterpret_steal<py::object>(PyLong_FromLong(1));
  if (!a)
    throw py::error_already_set();
  PyTuple_SET_ITEM(t.ptr(), 0, a.release().ptr());
  PyTuple_SET_ITEM(t.ptr(), 1, py::int_(2).release().ptr());
  return t;
}

// pybind11's own idiom: the list steals a reference inc_ref() added.
void checkNoLeak08SetItemIncRef(py::list l, py::object o) {
  if (PyList_SetItem(l.ptr(), 0, o.inc_ref().ptr()) != 0)
    throw py::error_already_set();
}

// Returned by value: named (NRVO), moved, or converted to the base class.
py::object checkNoLeak09ReturnNamed(PyObject *p) {
  py::object o = py::reinterpret_borrow<py::object>(p);
  return o;
}

py::object checkNoLeak10ReturnMoved() {
  py::object a = py::reinterpret_steal<py::object>(PyList_New(0));
  if (!a)
    throw py::error_already_set();
  py::object b = std::move(a);
  return b;
}

py::object checkNoLeak11ReturnDerived() {
  py::list l = py::reinterpret_steal<py::list>(PyList_New(0));
  if (!l)
    throw py::error_already_set();
  l.append(1);
  return l;
}

// Copies take a reference of their own; assignments keep the count right.
py::object checkNoLeak12Copies(py::object a) {
  py::object b = a;
  py::object c;
  c = b;
  c = std::move(b);
  return c;
}

// Handles passed around: nothing to release.
long checkNoLeak13Handles(py::handle h) {
  py::handle h2 = h;
  py::object o = py::reinterpret_borrow<py::object>(h2);
  py::handle view = o;
  return PyLong_AsLong(view.ptr());
}

py::handle first_item(py::handle seq) { return PyTuple_GET_ITEM(seq.ptr(), 0); }

std::string checkNoLeak14HandleResult(py::handle seq) {
  return py::str(first_item(seq));
}

// A handle over a new reference, released with dec_ref().
void checkNoLeak15HandleDecRef() {
  py::handle h = PyList_New(0);
  if (!h)
    return;
  PyObject_Size(h.ptr());
  h.dec_ref();
}

// py::cast results own what they hold.
int checkNoLeak16Casts(py::handle h) {
  py::object o = py::cast(42);
  int i = o.cast<int>();
  py::list l = py::cast<py::list>(h);
  py::object s = py::cast(std::string("x"));
  return i + static_cast<int>(l.size()) + static_cast<int>(py::len(s)) +
         h.cast<int>();
}

// Released and stolen back: one reference, one owner.
py::object checkNoLeak17ReleaseSteal() {
  py::object a = py::reinterpret_steal<py::object>(PyList_New(0));
  if (!a)
    throw py::error_already_set();
  PyObject *raw = a.release().ptr();
  return py::reinterpret_steal<py::object>(raw);
}

// A converting constructor from an object rvalue.
py::list checkNoLeak18ConvertMoved() {
  py::object o = py::reinterpret_steal<py::object>(PyList_New(0));
  if (!o)
    throw py::error_already_set();
  py::list l = std::move(o);
  return l;
}

// A module: PYBIND11_MODULE's PyInit function returns m.ptr() of a module
// that create_extension_module made with an extra reference.
static int add(int a, int b) { return a + b; }

PYBIND11_MODULE(custody_pybind11_test, m) {
  m.doc() = "test module";
  m.def("add", &add);
  m.def("count", [](py::list l) { return l.size(); });
  m.attr("answer") = py::int_(42);
}
