#!/usr/bin/env python3
"""Writes one C file holding one very long function, for the growth curve.

Real code has single functions of thousands of lines (JNI call dispatchers,
Python type constructors, a JSON encoder's type switch); their analysis must
reach the end. Each shape below grows to about --lines lines and ends with a
planted leak in its last lines, which custody must report:

  goto      allocations one after another, each checked with 'goto fail',
            all released at the shared label (libc)
  switch    a switch of many cases, each calling a helper on an owned buffer,
            some returning early after releasing it (libc)
  loops     nested loops with early 'continue' and 'break', a buffer acquired
            and released on every level (libc)
  cpython   Python C-API sequences: new references, each checked, with
            Py_DECREF on every error path (Python.h)

The planted leak is reported on the line printed by --print-leak-line.
Standard library only; the output is deterministic for given arguments.
"""
import argparse
import sys


def goto_shape(n):
    # About 7 lines per allocation.
    out = ["#include <stdlib.h>", "#include <stdio.h>", "#include <string.h>",
           "int use(const void *p, int i);", "", "int big(int n) {", "  int rc = -1;"]
    k = max(1, (n - 20) // 7)
    for i in range(k):
        out.append(f"  char *b{i} = NULL;")
    for i in range(k):
        out += [f"  b{i} = malloc(n + {i});",
                f"  if (!b{i})",
                "    goto fail;",
                f"  if (use(b{i}, {i}) < 0)",
                "    goto fail;"]
    out += ["  rc = 0;", "fail:"]
    for i in range(k):
        out.append(f"  free(b{i});")
    out += leak_tail()
    return out


def leak_tail():
    return ["  char *planted = malloc(16);",
            "  if (planted && use(planted, -1) < 0)",
            "    return -9; /* LEAK */",
            "  free(planted);",
            "  return rc;",
            "}"]


def switch_shape(n):
    out = ["#include <stdlib.h>", "#include <string.h>",
           "int helper(const char *p, int v);", "int use(const void *p, int i);", "", "int big(int op, int n) {",
           "  int rc = 0;", "  char *buf = malloc(n + 1);", "  if (!buf)",
           "    return -1;", "  switch (op) {"]
    k = max(1, (n - 30) // 6)
    for i in range(k):
        if i % 7 == 3:
            out += [f"  case {i}:",
                    f"    if (helper(buf, {i}) < 0) {{",
                    "      free(buf);",
                    "      return -2;",
                    "    }",
                    "    break;"]
        else:
            out += [f"  case {i}:",
                    f"    rc = helper(buf, {i});",
                    f"    if (rc > {i % 5})",
                    "      rc = 0;",
                    "    memset(buf, 0, 1);",
                    "    break;"]
    out += ["  default:", "    rc = -3;", "    break;", "  }", "  free(buf);"]
    out += leak_tail()
    return out


def loops_shape(n):
    out = ["#include <stdlib.h>", "#include <string.h>",
           "int step(const char *p, int i, int j);", "int use(const void *p, int i);", "", "int big(int m, int n) {",
           "  int rc = 0;"]
    # About 24 lines per nest.
    k = max(1, n // 24)
    for i in range(k):
        out += [f"  for (int i{i} = 0; i{i} < m; ++i{i}) {{",
                f"    char *a{i} = malloc(n);",
                f"    if (!a{i})",
                "      continue;",
                f"    for (int j{i} = 0; j{i} < n; ++j{i}) {{",
                f"      char *c{i} = malloc(16);",
                f"      if (!c{i})",
                "        break;",
                f"      if (step(c{i}, i{i}, j{i}) < 0) {{",
                f"        free(c{i});",
                "        continue;",
                "      }",
                f"      if (step(a{i}, j{i}, {i}) > 0) {{",
                f"        free(c{i});",
                "        break;",
                "      }",
                f"      rc += step(c{i}, {i}, j{i});",
                f"      free(c{i});",
                "    }",
                f"    free(a{i});",
                f"    if (rc > {1000 + i})",
                "      break;",
                "  }",
                ""]
    out += leak_tail()
    return out


def cpython_shape(n):
    out = ["#define PY_SSIZE_T_CLEAN", "#include <Python.h>", "",
           "static PyObject *big(PyObject *self, PyObject *arg) {",
           "  PyObject *d = PyDict_New();", "  if (!d)", "    return NULL;"]
    # About 18 lines per key.
    k = max(1, (n - 20) // 18)
    for i in range(k):
        out += [f"  PyObject *k{i} = PyUnicode_FromString(\"key{i}\");",
                f"  if (!k{i}) {{",
                "    Py_DECREF(d);",
                "    return NULL;",
                "  }",
                f"  PyObject *v{i} = PyObject_GetAttr(arg, k{i});",
                f"  if (!v{i}) {{",
                f"    Py_DECREF(k{i});",
                "    Py_DECREF(d);",
                "    return NULL;",
                "  }",
                f"  int r{i} = PyDict_SetItem(d, k{i}, v{i});",
                f"  Py_DECREF(k{i});",
                f"  Py_DECREF(v{i});",
                f"  if (r{i} < 0) {{",
                "    Py_DECREF(d);",
                "    return NULL;",
                "  }"]
    out += ["  PyObject *planted = PyLong_FromLong(1);",
            "  if (planted && PyObject_IsTrue(arg) == 0)",
            "    return d; /* LEAK */",
            "  Py_XDECREF(planted);",
            "  return d;",
            "}",
            "",
            "static PyMethodDef methods[] = {{\"big\", big, METH_O, NULL},",
            "                                {NULL, NULL, 0, NULL}};",
            "PyMethodDef *table(void) { return methods; }"]
    return out


SHAPES = {"goto": goto_shape, "switch": switch_shape, "loops": loops_shape,
          "cpython": cpython_shape}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("shape", choices=sorted(SHAPES))
    ap.add_argument("--lines", type=int, default=3000,
                    help="about how many lines the function has")
    ap.add_argument("-o", "--output", default="-")
    ap.add_argument("--print-leak-line", action="store_true",
                    help="print the line of the planted leak instead")
    a = ap.parse_args()
    lines = SHAPES[a.shape](a.lines)
    if a.print_leak_line:
        print(next(i + 1 for i, l in enumerate(lines) if "/* LEAK */" in l))
        return
    text = "\n".join(lines) + "\n"
    if a.output == "-":
        sys.stdout.write(text)
    else:
        with open(a.output, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
