#!/usr/bin/env python3
"""Writes eight C files with findings, one that does not parse, and a
compile_commands.json for them into the folder given as the only argument,
for test/driver/jobs-determinism.test.

The files differ in size (the first sorts first and takes longest), so with
several jobs they finish in another order than they are named.
"""
import json
import os
import sys

out = sys.argv[1]
LEAK = """
int leak_{i}(const char *path) {{
  char *buf = malloc({i} + 1);
  FILE *f = fopen(path, "r");
  if (!f)
    return -1; /* leaks buf */
  fclose(f);
  free(buf);
  return 0;
}}
"""
DOUBLE = """
void twice_{i}(void) {{
  char *p = malloc({i} + 2);
  free(p);
  if ({i} % 2)
    free(p);
}}
"""
CLEAN = """
int clean_{i}(void) {{
  char *p = malloc({i} + 3);
  if (!p)
    return -1;
  free(p);
  return 0;
}}
"""
files = []
for n in range(8):
    name = os.path.join(out, "unit%d.c" % n)
    parts = ["#include <stdio.h>\n#include <stdlib.h>\n"]
    count = 300 if n == 0 else 2 + n
    for i in range(count):
        parts.append((LEAK, DOUBLE, CLEAN)[(i + n) % 3].format(i=i))
    with open(name, "w") as f:
        f.write("".join(parts))
    files.append(name)
broken = os.path.join(out, "unit9-broken.c")
with open(broken, "w") as f:
    f.write("#include <stdlib.h>\nvoid broken(void) {\n  char *p = malloc(1)\n}\n")
files.append(broken)
with open(os.path.join(out, "compile_commands.json"), "w") as f:
    json.dump([{"directory": out, "file": p,
                "arguments": ["cc", "-c", p, "-DJOBS=1"]} for p in files], f,
              indent=1)
