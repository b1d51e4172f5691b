#!/usr/bin/python3
"""Times custody -p on compile databases: each file on its own
(--no-summaries), the whole program from nothing (--fresh-summaries), and
the whole program again on an unchanged tree (the store holds everything).

usage: wholeprogram.py [--custody BIN] [--reps N] [-j N] [--markdown] DB...

Each DB is a directory with a compile_commands.json (bench/corpora/build.py
writes one per corpus under CORPORA_DIR/_db).  Wall seconds, median of N
runs; "runs" is how many files the whole-program run analyzed (a file whose
callees' summaries changed after it ran is analyzed again).
"""
import argparse
import os
import re
import statistics
import subprocess
import time


def run(cmd):
    start = time.monotonic()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       text=True)
    secs = time.monotonic() - start
    m = re.search(r"summaries: (\d+) files, (\d+) from the store, (\d+) "
                  r"analyzed in (\d+) round", p.stderr)
    return secs, (m.groups() if m else None)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--custody", default=os.path.join(
        os.environ.get("CUSTODY_BUILD_DIR", "build"), "bin", "custody"))
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("-j", type=int, default=1)
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("dbs", nargs="+")
    a = ap.parse_args()
    rows = []
    for db in a.dbs:
        base = [a.custody, "-p", db, "-j", str(a.j), "--verbose",
                "--format=json", "--output", os.devnull]
        one, cold, warm = [], [], []
        info = None
        for _ in range(a.reps):
            one.append(run(base + ["--no-summaries"])[0])
            s, info = run(base + ["--fresh-summaries"])
            cold.append(s)
            warm.append(run(base)[0])
        o, c, w = (statistics.median(x) for x in (one, cold, warm))
        files, _, runs, rounds = info if info else ("?",) * 4
        rows.append((os.path.basename(os.path.normpath(db)), files, runs,
                     rounds, o, c, w))
    head = ("| corpus | files | runs | rounds | one file at a time s | "
            "whole program s | ratio | unchanged s | ratio |")
    if a.markdown:
        print(head)
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, f, r, k, o, c, w in rows:
        cells = [n, f, r, k, "%.2f" % o, "%.2f" % c, "%.2fx" % (c / o),
                 "%.2f" % w, "%.2fx" % (w / o)]
        print(("| " + " | ".join(cells) + " |") if a.markdown
              else "  ".join(cells))


if __name__ == "__main__":
    main()
