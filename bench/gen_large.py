#!/usr/bin/env python3
"""Generates a large C translation unit for bench/run.sh.

The file includes <stdlib.h>, <stdio.h> and <string.h> and holds:

  * --functions small functions in five rotating shapes that use
    malloc/free/fopen/fclose the way real code does: early returns, a single
    'goto cleanup' exit, an owned buffer returned to the caller, a caller that
    uses such a helper (interprocedural summaries), a realloc growth loop and
    handles stored into a struct. About one in --bug-every has a leak on an
    error path, so the checker has something to report.
  * one function, big_dispatch(), with hundreds of branches touching a few
    owned resources: a loop around an if/else-if chain of --chain arms (an
    interpreter's dispatch), then --seq independent if statements in a row,
    each of which may acquire or release a scratch buffer or write to a log.

With --only, one shape alone, among them the stress shapes that are not
part of the default file:

  * wide_function(): one function of about 2,000 lines that holds 200
    tracked resources (--resources) at the same time;
  * loop_nests(): --nests loop nests, each --depth loops deep, with a buffer
    acquired and released on every level and early continue/break/goto;
  * straight_line(): --allocs allocations in a row in one basic block, all
    checked together afterwards.

Only the standard library is used. The output is deterministic for given
arguments. Use --only to generate one shape at a time when looking for what
makes an analysis slow.
"""
import argparse
import sys

SHAPES = ["early", "goto", "owned", "caller", "grow", "store"]


def fn_early(i, bug):
    # Early returns, each releasing what is held so far.
    leak = "    return -4; /* leaks f and buf */\n" if bug else \
        "    fclose(f);\n    free(buf);\n    return -4;\n"
    return f"""
int early_{i}(const char *path, size_t n) {{
  char *buf = malloc(n + {i % 7 + 1});
  if (!buf)
    return -1;
  FILE *f = fopen(path, "r");
  if (!f) {{
    free(buf);
    return -2;
  }}
  if (!fgets(buf, (int)n, f)) {{
    fclose(f);
    free(buf);
    return -3;
  }}
  int v = atoi(buf);
  if (v < {i % 5}) {{
{leak}  }}
  if (buf[0] == '#') {{
    fclose(f);
    free(buf);
    return 0;
  }}
  fclose(f);
  free(buf);
  return v + {i};
}}
"""


def fn_goto(i, bug):
    # One exit, everything released at the cleanup label.
    release_out = "" if bug else "  if (out)\n    fclose(out);\n"
    return f"""
int copy_{i}(const char *src, const char *dst, size_t chunk) {{
  int rc = -1;
  FILE *in = NULL, *out = NULL;
  char *buf = NULL;
  in = fopen(src, "rb");
  if (!in)
    goto cleanup;
  out = fopen(dst, "wb");
  if (!out)
    goto cleanup;
  buf = malloc(chunk + {i % 3});
  if (!buf)
    goto cleanup;
  for (;;) {{
    size_t n = fread(buf, 1, chunk, in);
    if (n == 0)
      break;
    if (fwrite(buf, 1, n, out) != n)
      goto cleanup;
  }}
  if (ferror(in))
    goto cleanup;
  rc = {i % 2};
cleanup:
  free(buf);
{release_out}  if (in)
    fclose(in);
  return rc;
}}
"""


def fn_owned(i, bug):
    # Returns an owned buffer to the caller, NULL on failure.
    extra = "  if (la > 4096)\n    return NULL; /* leaks r */\n" if bug else \
        "  if (la > 4096) {\n    free(r);\n    return NULL;\n  }\n"
    return f"""
char *join_{i}(const char *a, const char *b) {{
  size_t la = strlen(a), lb = strlen(b);
  char *r = malloc(la + lb + {i % 4 + 2});
  if (!r)
    return NULL;
{extra}  memcpy(r, a, la);
  r[la] = '/';
  memcpy(r + la + 1, b, lb + 1);
  return r;
}}
"""


def fn_caller(i, bug, owned_ids):
    # Uses a join_N helper defined earlier (a summary: returns owned memory).
    j = owned_ids[i % len(owned_ids)] if owned_ids else None
    if j is None:
        return ""
    tail = "  if (f == NULL)\n    return -1; /* leaks path */\n" if bug else \
        "  if (f == NULL) {\n    free(path);\n    return -1;\n  }\n"
    return f"""
int open_under_{i}(const char *dir, const char *name, char *line, int cap) {{
  char *path = join_{j}(dir, name);
  if (!path)
    return -1;
  FILE *f = fopen(path, "r");
{tail}  int got = fgets(line, cap, f) != NULL;
  fclose(f);
  free(path);
  return got;
}}
"""


def fn_grow(i, bug):
    # A realloc growth loop with the classic temporary.
    lost = "      return NULL; /* leaks buf */\n" if bug else \
        "      free(buf);\n      return NULL;\n"
    return f"""
char *slurp_{i}(FILE *f, size_t *out_len) {{
  size_t cap = {64 << (i % 3)}, len = 0;
  char *buf = malloc(cap);
  if (!buf)
    return NULL;
  int c;
  while ((c = fgetc(f)) != EOF) {{
    if (len + 1 >= cap) {{
      char *nb = realloc(buf, cap * 2);
      if (!nb) {{
        free(buf);
        return NULL;
      }}
      buf = nb;
      cap *= 2;
    }}
    buf[len++] = (char)c;
    if (len > {100000 + i}) {{
{lost}    }}
  }}
  buf[len] = 0;
  *out_len = len;
  return buf;
}}
"""


def fn_store(i, bug):
    # Handles stored into a struct owned by the caller.
    fail = "    return -1; /* leaks name */\n" if bug else \
        "    free(name);\n    return -1;\n"
    return f"""
int record_open_{i}(struct record *r, const char *path, const char *label) {{
  char *name = strdup(label);
  if (!name)
    return -1;
  FILE *f = fopen(path, "a+");
  if (!f) {{
{fail}  }}
  r->name = name;
  r->log = f;
  r->id = {i};
  return 0;
}}
"""


def big_dispatch(chain, seq):
    out = ["""
/* Hundreds of branches touching a few owned resources. */
int big_dispatch(const char *log_path, const int *ops, int nops, unsigned flags,
                 const int *vals) {
  int rc = -1;
  int acc = 0;
  char *buf = NULL;
  char *scratch = NULL;
  FILE *log = NULL;
  buf = malloc(256);
  if (!buf)
    goto out;
  if (flags & 1u) {
    log = fopen(log_path, "a");
    if (!log)
      goto out;
  }
"""]
    if chain:
        out.append("  for (int i = 0; i < nops; ++i) {\n    int op = ops[i];\n")
        for k in range(chain):
            kw = "if" if k == 0 else "} else if"
            out.append(f"    {kw} (op == {k}) {{\n")
            m = k % 8
            if m == 0:
                out.append(f"      acc += {k};\n")
            elif m == 1:
                out.append("      if (!scratch)\n        scratch = malloc(64);\n"
                           "      if (!scratch)\n        goto out;\n"
                           f"      scratch[0] = (char){k};\n")
            elif m == 2:
                out.append("      free(scratch);\n      scratch = NULL;\n")
            elif m == 3:
                out.append("      if (log)\n        fputs(buf, log);\n")
            elif m == 4:
                out.append(f"      if (acc > {k * 10})\n        goto out;\n")
            elif m == 5:
                out.append(f"      buf[{k % 256}] = (char)acc;\n")
            elif m == 6:
                out.append(f"      acc -= vals[{k % 16}];\n")
            else:
                out.append(f"      if (vals[{k % 16}] < 0)\n        break;\n")
        out.append("    } else {\n      acc ^= op;\n    }\n  }\n")
    for k in range(seq):
        m = k % 6
        cond = f"vals[{k % 32}] > {k}"
        if m == 0:
            out.append(f"  if ({cond})\n    acc += {k};\n")
        elif m == 1:
            out.append(f"  if ({cond} && !scratch) {{\n    scratch = malloc({k + 8});\n"
                       "    if (!scratch)\n      goto out;\n  }\n")
        elif m == 2:
            out.append(f"  if ({cond}) {{\n    free(scratch);\n    scratch = NULL;\n  }}\n")
        elif m == 3:
            out.append(f"  if ({cond} && log)\n    fprintf(log, \"%d\\n\", acc);\n")
        elif m == 4:
            out.append(f"  if (flags & {1 << (k % 16)}u)\n    acc *= 3;\n  else\n    acc += 1;\n")
        else:
            out.append(f"  if ({cond})\n    buf[{k % 256}] = 0;\n")
    out.append("""  rc = acc;
out:
  free(scratch);
  if (log)
    fclose(log);
  free(buf);
  return rc;
}
""")
    return "".join(out)


def wide_function(resources):
    """One function of about ten lines per resource: each is acquired and
    checked ('goto fail' on failure), used under a branch, and every tenth is
    released early; the rest are released at the one cleanup label. With 200
    resources the function has about 2,000 lines and 200 tracked values."""
    out = ["""
/* One long function: many resources live at the same time. */
int wide_function(const char *dir, const int *vals, int n) {
  int rc = -1;
  int acc = n;
"""]
    for i in range(resources):
        if i % 5 == 4:
            out.append(f"  FILE *r{i} = NULL;\n")
        else:
            out.append(f"  char *r{i} = NULL;\n")
    for i in range(resources):
        if i % 5 == 4:
            out.append(f"""  r{i} = fopen(dir, "r");
  if (!r{i})
    goto fail;
  if (vals[{i % 32}] > {i}) {{
    acc += fgetc(r{i});
    acc ^= {i};
  }}
""")
        else:
            out.append(f"""  r{i} = malloc({i % 64 + 8});
  if (!r{i})
    goto fail;
  if (vals[{i % 32}] > {i}) {{
    r{i}[0] = (char)acc;
    acc += {i};
  }}
""")
        if i % 2 == 0:
            out.append(f"  acc += n % {i + 2};\n")
        if i % 10 == 9:
            rel = "fclose" if i % 5 == 4 else "free"
            out.append(f"  {rel}(r{i});\n  r{i} = NULL;\n")
    out.append("  rc = acc;\nfail:\n")
    for i in range(resources):
        if i % 5 == 4:
            out.append(f"  if (r{i})\n    fclose(r{i});\n")
        else:
            out.append(f"  free(r{i});\n")
    out.append("  return rc;\n}\n")
    return "".join(out)


def loop_nests(depth, nests):
    """--nests loop nests, each --depth deep (for, while and do in turn),
    in one function. Every level acquires a buffer per iteration and
    releases it at the end of the iteration, or before a 'continue' or
    'break' that leaves it early; the innermost level may leave the whole
    function through 'goto out'."""
    out = ["""
/* Deep loop nests with a buffer per level and early exits. */
int loop_nests(const int *vals, int n) {
  int acc = 0;
"""]
    for k in range(nests):
        for d in range(depth):
            pad = "  " * (d + 1)
            kind = (d + k) % 3
            if kind == 0:
                out.append(f"{pad}for (int i{d} = 0; i{d} < n; ++i{d}) {{\n")
            elif kind == 1:
                out.append(f"{pad}int w{k}_{d} = n;\n{pad}while (w{k}_{d}-- > 0) {{\n")
            else:
                out.append(f"{pad}int c{k}_{d} = n;\n{pad}do {{\n")
            out.append(f"{pad}  char *b{d} = malloc({d + 16});\n"
                       f"{pad}  if (!b{d})\n{pad}    goto out;\n"
                       f"{pad}  b{d}[0] = (char)acc;\n"
                       f"{pad}  if (vals[{(d + k) % 32}] < {d}) {{\n"
                       f"{pad}    free(b{d});\n{pad}    continue;\n{pad}  }}\n"
                       f"{pad}  if (vals[{(d + k + 7) % 32}] > {d * 100 + k}) {{\n"
                       f"{pad}    free(b{d});\n{pad}    break;\n{pad}  }}\n")
        inner = "  " * (depth + 1)
        out.append(f"{inner}acc += vals[{k % 32}];\n"
                   f"{inner}if (acc > {1000 + k}) {{\n")
        for d in reversed(range(depth)):
            out.append(f"{inner}  free(b{d});\n")
        out.append(f"{inner}  goto out;\n{inner}}}\n")
        for d in reversed(range(depth)):
            pad = "  " * (d + 1)
            kind = (d + k) % 3
            out.append(f"{pad}  free(b{d});\n")
            out.append(f"{pad}}} while (--c{k}_{d} > 0);\n" if kind == 2
                       else f"{pad}}}\n")
    out.append("out:\n  return acc;\n}\n")
    return "".join(out)


def straight_line(allocs):
    """--allocs allocations in a row in one basic block, none checked
    before the next (the results are checked together afterwards), then
    used and released: every contracted call forks the path state in two
    within the block."""
    out = ["""
/* Allocations in a row, checked together afterwards. */
int straight_line(int n) {
"""]
    for i in range(allocs):
        out.append(f"  char *s{i} = malloc(n + {i + 1});\n")
    conds = " || ".join(f"!s{i}" for i in range(allocs))
    out.append(f"  int rc = ({conds}) ? -1 : 0;\n")
    for i in range(allocs):
        out.append(f"  if (s{i})\n    s{i}[0] = (char)n;\n")
    for i in range(allocs):
        out.append(f"  free(s{i});\n")
    out.append("  return rc;\n}\n")
    return "".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-o", "--output", default="-", help="output file (default stdout)")
    ap.add_argument("--functions", type=int, default=600,
                    help="number of small functions (default 600)")
    ap.add_argument("--chain", type=int, default=300,
                    help="arms of the if/else-if chain in big_dispatch (default 300)")
    ap.add_argument("--seq", type=int, default=200,
                    help="sequential if statements in big_dispatch (default 200)")
    ap.add_argument("--bug-every", type=int, default=10,
                    help="every Nth small function has a leak (0: none)")
    ap.add_argument("--resources", type=int, default=200,
                    help="tracked resources of wide_function (default 200)")
    ap.add_argument("--depth", type=int, default=10,
                    help="depth of each loop nest of loop_nests (default 10)")
    ap.add_argument("--nests", type=int, default=4,
                    help="loop nests in loop_nests (default 4)")
    ap.add_argument("--allocs", type=int, default=14,
                    help="allocations in a row in straight_line (default 14)")
    ap.add_argument("--only",
                    choices=SHAPES + ["big", "wide", "loops", "straight", "none"],
                    help="generate only this shape of small function, or only "
                         "big_dispatch, wide_function (--resources), "
                         "loop_nests (--depth, --nests) or straight_line "
                         "(--allocs), or none of them ('none': the includes "
                         "and declarations alone)")
    args = ap.parse_args()

    parts = ["""/* Generated by bench/gen_large.py; do not edit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct record {
  char *name;
  FILE *log;
  int id;
};
"""]
    shapes = [args.only] if args.only in SHAPES else SHAPES
    if args.only in ("big", "wide", "loops", "straight", "none"):
        shapes = []
    owned_ids = []
    for i in range(args.functions if shapes else 0):
        shape = shapes[i % len(shapes)]
        # Every shape gets its share of bugs.
        bug = (args.bug_every > 0 and
               (i // len(shapes)) % args.bug_every == args.bug_every - 1)
        if shape == "early":
            parts.append(fn_early(i, bug))
        elif shape == "goto":
            parts.append(fn_goto(i, bug))
        elif shape == "owned":
            parts.append(fn_owned(i, bug))
            owned_ids.append(i)
        elif shape == "caller":
            if not owned_ids:  # --only caller: give it helpers to call.
                parts.append(fn_owned(i, False))
                owned_ids.append(i)
            parts.append(fn_caller(i, bug, owned_ids))
        elif shape == "grow":
            parts.append(fn_grow(i, bug))
        else:
            parts.append(fn_store(i, bug))
    if args.only in (None, "big"):
        parts.append(big_dispatch(args.chain, args.seq))
    if args.only == "wide":
        parts.append(wide_function(args.resources))
    if args.only == "loops":
        parts.append(loop_nests(args.depth, args.nests))
    if args.only == "straight":
        parts.append(straight_line(args.allocs))

    text = "".join(parts)
    if args.output == "-":
        sys.stdout.write(text)
    else:
        with open(args.output, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
