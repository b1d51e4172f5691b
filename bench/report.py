#!/usr/bin/env python3
"""Tables and targets for bench/run.sh, from the rows it measured.

    report.py ROWS.tsv [--markdown]

Each row (tab-separated): group, name, lines, findings, then for
clang -fsyntax-only, clang --analyze and custody in turn 'median min max
peak_rss_kib' (from timecmd.py), then custody's analysis time (the median of
what --verbose reports: contracts and analysis, no parsing), the parse time
of function bodies (from clang -ftime-trace's ParseFunctionDefinition
events) and 1 when the file is one generated function (its own stress case),
else 0.

The targets (issue 7):
  * total time: custody at most 1.2 x clang -fsyntax-only, summed over the
    files of a group and over all files;
  * no function more than 10 x slower to analyze than to parse: measured
    exactly for the generated one-function files; for the other files, the
    file's analysis time over the parse time of all its function bodies (an
    average over the file's functions: one slow function can hide in it);
  * peak memory: custody at most 1.5 x clang -fsyntax-only, per file;
  * the worst generated function is analyzed in under a second.

Only the standard library is used.
"""
import sys

TIME_TARGET = 1.2
FN_TARGET = 10.0
MEM_TARGET = 1.5
WORST_FN_SECONDS = 1.0


def load(path):
    rows = []
    with open(path) as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) < 7:
                continue
            tool = [list(map(float, p[i].split())) for i in (4, 5, 6)]
            rows.append({
                "group": p[0], "name": p[1], "lines": int(p[2]),
                "findings": int(p[3]), "syn": tool[0], "ana": tool[1],
                "cus": tool[2], "analysis": float(p[7]),
                "fnparse": float(p[8]), "single": p[9] == "1"})
    return rows


def table(md, header, rows):
    if md:
        out = ["| " + " | ".join(header) + " |",
               "|" + "|".join("---" if i == 0 else "---:"
                              for i in range(len(header))) + "|"]
        out += ["| " + " | ".join(r) + " |" for r in rows]
    else:
        widths = [max(len(x) for x in col) for col in zip(header, *rows)]
        fmt = lambda r: "  ".join(
            (c.ljust(w) if i == 0 else c.rjust(w))
            for i, (c, w) in enumerate(zip(r, widths)))
        out = [fmt(header), fmt(["-" * w for w in widths])]
        out += [fmt(r) for r in rows]
    return "\n".join(out)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    md = "--markdown" in sys.argv
    rows = load(args[0])
    verdicts = []

    def verdict(ok, text):
        verdicts.append(("met    " if ok else "MISSED ") + text)

    tr = []
    for r in rows:
        s, a, c = r["syn"][0], r["ana"][0], r["cus"][0]
        tr.append([r["name"], str(r["lines"]), str(r["findings"]),
                   "%.3f" % s, "%.3f" % a, "%.3f" % c, "%.3f" % r["analysis"],
                   "%.2fx" % (c / s), "%.2fx" % (c / a),
                   "%.0f" % (r["syn"][3] / 1024), "%.0f" % (r["ana"][3] / 1024),
                   "%.0f" % (r["cus"][3] / 1024),
                   "%.2fx" % (r["cus"][3] / r["syn"][3])])
    print(table(md, ["file", "lines", "findings", "syntax s", "analyze s",
                     "custody s", "analysis s", "c/syntax", "c/analyze",
                     "syntax MiB", "analyze MiB", "custody MiB", "mem c/syntax"],
                tr))
    print()

    # Totals by group and overall.
    groups = []
    for r in rows:
        if r["group"] not in groups:
            groups.append(r["group"])
    gt = []
    for g in groups + ["all"]:
        sel = [r for r in rows if g == "all" or r["group"] == g]
        s = sum(r["syn"][0] for r in sel)
        a = sum(r["ana"][0] for r in sel)
        c = sum(r["cus"][0] for r in sel)
        gt.append([g, str(len(sel)), "%.3f" % s, "%.3f" % a, "%.3f" % c,
                   "%.2fx" % (c / s), "%.2fx" % (c / a)])
        verdict(c / s <= TIME_TARGET,
                "total time, %s: custody %.2fx clang -fsyntax-only (target <= %.1fx)"
                % (g, c / s, TIME_TARGET))
    print(table(md, ["total", "files", "syntax s", "analyze s", "custody s",
                     "c/syntax", "c/analyze"], gt))
    print()

    # Analysis against parsing, per function where it can be told apart.
    fr = []
    for r in rows:
        if r["fnparse"] <= 0:
            continue
        ratio = r["analysis"] / r["fnparse"]
        fr.append([r["name"], "one function" if r["single"] else "file average",
                   "%.4f" % r["fnparse"], "%.4f" % r["analysis"],
                   "%.1fx" % ratio])
    print(table(md, ["file", "measured as", "parse of bodies s", "analysis s",
                     "analysis/parse"], fr))
    print()
    singles = [r for r in rows if r["single"] and r["fnparse"] > 0]
    others = [r for r in rows if not r["single"] and r["fnparse"] > 0]
    if singles:
        w = max(singles, key=lambda r: r["analysis"] / r["fnparse"])
        ratio = w["analysis"] / w["fnparse"]
        verdict(ratio <= FN_TARGET,
                "slowest generated function to analyze against its parse: "
                "%s, %.1fx (target <= %.0fx)" % (w["name"], ratio, FN_TARGET))
        w = max(singles, key=lambda r: r["analysis"])
        verdict(w["analysis"] < WORST_FN_SECONDS,
                "worst generated function: %s, analyzed in %.3f s (target < %.0f s)"
                % (w["name"], w["analysis"], WORST_FN_SECONDS))
    if others:
        w = max(others, key=lambda r: r["analysis"] / r["fnparse"])
        ratio = w["analysis"] / w["fnparse"]
        verdict(ratio <= FN_TARGET,
                "worst file, analysis against the parse of its function bodies "
                "(an average over its functions): %s, %.1fx (target <= %.0fx)"
                % (w["name"], ratio, FN_TARGET))
    w = max(rows, key=lambda r: r["cus"][3] / r["syn"][3])
    ratio = w["cus"][3] / w["syn"][3]
    verdict(ratio <= MEM_TARGET,
            "peak memory, worst file: %s, custody %.2fx clang -fsyntax-only "
            "(target <= %.1fx)" % (w["name"], ratio, MEM_TARGET))
    print("Targets:" if not md else "Targets:\n")
    for v in verdicts:
        print(("- " if md else "  ") + v)


if __name__ == "__main__":
    main()
