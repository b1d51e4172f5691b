#!/usr/bin/env python3
"""Writes the robustness inputs that are too big or too binary to keep in
the repository, into the folder given as the only argument:

  binary.c        every byte value, NUL included: not C at all
  deep-braces.c   blocks nested 300 deep, past the bracket limit of 256 (the
                  test sets it with -fbracket-depth: Clang 22 allows more)
  nested-ifs.c    120 nested ifs, each acquiring and releasing, and a leak
  long-line.c     one line of 1 MiB (a string literal) before a leak
  deep-sum.c      a sum of 40,000 terms (an expression tree that deep),
                  which clang -fsyntax-only and clang --analyze handle
  straight-line.c 24 allocations in a row, none checked, in one basic block
  compiler-crash.c a macro that expands to a sum of 2^18 terms, deeper than
                  clang-19's own parser survives (clang -fsyntax-only crashes)
"""
import os
import sys

out = sys.argv[1]


def write(name, data):
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(os.path.join(out, name), mode) as f:
        f.write(data)


write("binary.c", bytes(range(256)) * 8)
write("deep-braces.c",
      "void deep(void) " + "{" * 300 + "}" * 300 + "\n")
depth = 120
body = ["#include <stdlib.h>", "", "int nested(const int *v) {",
        "  char *p = malloc(4);"]
for i in range(depth):
    pad = "  " * (i + 1)
    body.append(f"{pad}if (v[{i}] > {i}) {{")
    body.append(f"{pad}  char *q{i} = malloc({i + 1});")
    body.append(f"{pad}  free(q{i});")
for i in reversed(range(depth)):
    body.append("  " * (i + 1) + "}")
body += ["  return 0; /* leaks p */", "}"]
write("nested-ifs.c", "\n".join(body) + "\n")
write("long-line.c",
      "#include <stdlib.h>\n"
      "const char *big = \"" + "x" * (1 << 20) + "\";\n"
      "void after_long_line(void) {\n  char *p = malloc(1);\n}\n")
write("deep-sum.c",
      "#include <stdlib.h>\n"
      "int deep_sum(int x) {\n  char *p = malloc(4);\n"
      "  int v = " + " + ".join(["x"] * 40000) + ";\n"
      "  return v; /* leaks p */\n}\n")
write("straight-line.c",
      "#include <stdlib.h>\n\nvoid straight_line(void) {\n" +
      "".join("  char *p%d = malloc(%d);\n" % (i, i + 1) for i in range(24)) +
      "".join("  free(p%d);\n" % i for i in range(23)) +
      "} /* leaks p23 */\n")
write("compiler-crash.c",
      "#define A0 x\n" +
      "".join("#define A%d A%d + A%d\n" % (i, i - 1, i - 1)
              for i in range(1, 19)) +
      "int crash(int x) { return A18; }\n")
