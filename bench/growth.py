#!/usr/bin/env python3
"""The growth curve: one long function per shape (gen_growth.py) at several
sizes, custody against clang-19 -fsyntax-only on the same file, and whether
the leak planted at the end was reported.

  bench/growth.py [--custody build/bin/custody] [--lines 3000,6000,20000]
                  [--reps 3] [--markdown]

Times are the median of --reps runs of each command, in CPU seconds (user +
system; driver start-up included). Standard library only.
"""
import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SHAPES = ["goto", "switch", "loops", "cpython"]


def timed(cmd, reps):
    # CPU time (user + system) of the command: steadier than wall time on a
    # machine that is doing other work.
    times, out = [], None
    for _ in range(reps):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        times.append(after.ru_utime - before.ru_utime +
                     after.ru_stime - before.ru_stime)
    return statistics.median(times), out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--custody", default=os.path.join(HERE, "..", "build", "bin",
                                                      "custody"))
    ap.add_argument("--lines", default="3000,6000,20000")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--markdown", action="store_true")
    a = ap.parse_args()
    py = subprocess.run(["python3-config", "--includes"], stdout=subprocess.PIPE,
                        text=True).stdout.split()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for shape in SHAPES:
            for n in [int(x) for x in a.lines.split(",")]:
                src = os.path.join(tmp, f"{shape}-{n}.c")
                gen = [sys.executable, os.path.join(HERE, "gen_growth.py"), shape,
                       "--lines", str(n)]
                subprocess.run(gen + ["-o", src], check=True)
                leak = subprocess.run(gen + ["--print-leak-line"],
                                      stdout=subprocess.PIPE, text=True,
                                      check=True).stdout.strip()
                lines = sum(1 for _ in open(src))
                parse, _ = timed(["clang-19", "-fsyntax-only", "-w", src] + py,
                                 a.reps)
                check, out = timed([a.custody, "--verbose", src, "--"] + py,
                                   a.reps)
                found = f"{src}:{leak}:" in out.stdout
                stopped = "stopped after" in out.stderr or "gave up" in out.stderr
                rows.append((shape, lines, parse, check, check / parse,
                             "yes" if found else "NO",
                             "stopped" if stopped else "to the end"))
    head = ("shape", "lines", "parse s", "custody s", "ratio", "leak found",
            "analysis")
    if a.markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for r in rows:
            print(f"| {r[0]} | {r[1]} | {r[2]:.2f} | {r[3]:.2f} | {r[4]:.1f}x | "
                  f"{r[5]} | {r[6]} |")
    else:
        for r in rows:
            print(f"{r[0]:8} {r[1]:6} parse {r[2]:6.2f} s  custody {r[3]:6.2f} s "
                  f" {r[4]:5.1f}x  leak {r[5]:3}  {r[6]}")


if __name__ == "__main__":
    main()
