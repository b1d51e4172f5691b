#!/usr/bin/python3
"""Compare the findings of two custody builds on the real corpora.

usage: diff.py OLD NEW [CORPORA_DIR] [--out DIR] [--only NAME,...]
       diff.py --run CUSTODY RESULTS_DIR [CORPORA_DIR] [--only NAME,...]

OLD and NEW are each a custody binary, run here on every corpus of
manifest.json (`custody -p CORPORA_DIR/_db/NAME -j 1 --format=json`, the
databases build.py wrote), or a results directory of an earlier run.  The
findings of binaries go to DIR/old and DIR/new (default DIR
/tmp/corpora-results): per corpus NAME.json (custody's output), NAME.txt (the
same, one line a warning or note), NAME.stderr and NAME.run (exit code, wall
time, corpus directory).  Paths are compared relative to the corpus.  Prints
per corpus the warning counts old/new, the counts by check that changed, and
the warnings added (+), removed (-) or kept with other notes (~), then a
total; DIR/diff.tsv lists the same lines with an empty verdict column to
fill in.  --run only runs one binary and prints its counts by check.
Exits 0 whatever the findings (it is a report); 2 if OLD or NEW is neither
a binary nor a results directory.
"""
import collections
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def corpora(only):
    with open(os.path.join(HERE, "manifest.json")) as f:
        names = [p["name"] for p in json.load(f)["projects"]]
    return [n for n in names if not only or n in only]


def run(custody, out, root, names):
    os.makedirs(out, exist_ok=True)
    for name in names:
        base = os.path.join(out, name)
        db = os.path.join(root, "_db", name)
        start = time.monotonic()
        with open(base + ".stderr", "w") as err:
            rc = subprocess.run([custody, "-p", db, "-j", "1", "--format=json",
                                 "--output", base + ".json"],
                                stderr=err).returncode
        secs = time.monotonic() - start
        with open(base + ".run", "w") as f:
            json.dump({"custody": custody, "exit": rc, "seconds": round(secs, 2),
                       "corpus": os.path.join(root, name), "db": db}, f)
        findings = load(out, name)[0]
        with open(base + ".txt", "w") as f:
            for w in findings:
                f.write(line(w, "warning") + f" [{w['check']}]\n")
                for n in w["notes"]:
                    f.write("  " + line(n, "note") + "\n")


def load(out, name):
    """The findings of one corpus, paths relative to it, and its run record."""
    with open(os.path.join(out, name + ".run")) as f:
        info = json.load(f)
    try:
        with open(os.path.join(out, name + ".json")) as f:
            findings = json.load(f)
    except (OSError, ValueError):
        findings = []
    # Functions whose analysis was cut short come as entries of kind
    # "notice"; the comparison is of findings.
    findings = [w for w in findings if w.get("kind", "finding") == "finding"]
    prefixes = [(info["corpus"] + "/", ""), (info["db"] + "/gen/", "<gen>/")]

    def rel(loc):
        for p, r in prefixes:
            if loc["file"].startswith(p):
                loc["file"] = r + loc["file"][len(p):]
    for w in findings:
        rel(w["location"])
        for n in w["notes"]:
            rel(n["location"])
    return findings, info


def line(f, kind):
    loc = f["location"]
    return f"{loc['file']}:{loc['line']}:{loc['column']}: {kind}: {f['message']}"


def key(w):
    loc = w["location"]
    return (loc["file"], loc["line"], loc["column"], w["check"], w["message"])


def notes(w):
    return [line(n, "note") for n in w["notes"]]


def compare(name, old_dir, new_dir, tsv):
    (old, oinfo), (new, ninfo) = load(old_dir, name), load(new_dir, name)
    ow, nw = collections.Counter(map(key, old)), collections.Counter(map(key, new))
    added, removed = nw - ow, ow - nw
    onotes = {key(w): notes(w) for w in old}
    changed = [w for w in new if key(w) in onotes and key(w) not in added
               and notes(w) != onotes[key(w)]]
    print(f"== {name}: old {len(old)}, new {len(new)} "
          f"(+{sum(added.values())} -{sum(removed.values())} ~{len(changed)}); "
          f"exit {oinfo['exit']} -> {ninfo['exit']}; "
          f"{oinfo['seconds']:.1f} s -> {ninfo['seconds']:.1f} s")
    oc = collections.Counter(w["check"] for w in old)
    nc = collections.Counter(w["check"] for w in new)
    moved = [f"{c} {oc[c]} -> {nc[c]}" for c in sorted(oc | nc) if oc[c] != nc[c]]
    if moved:
        print("   by check: " + ", ".join(moved))
    for info in (oinfo, ninfo):
        if info["exit"] not in (0, 1):
            print(f"   ! {info['custody']} exited {info['exit']}: "
                  f"see {os.path.join(old_dir if info is oinfo else new_dir, name)}.stderr")
    rows = [("+", k) for k in sorted(added.elements())] + \
           [("-", k) for k in sorted(removed.elements())] + \
           [("~", key(w)) for w in changed]
    for sign, k in rows:
        f, l, c, check, msg = k
        print(f"   {sign} {check} {f}:{l}:{c}: {msg}")
        tsv.write(f"{sign}\t{name}\t{check}\t{f}:{l}:{c}\t{msg}\t\n")
        if sign == "~":  # the notes that differ
            now = next(notes(w) for w in changed if key(w) == k)
            print("".join(f"       - {n}\n" for n in onotes[k] if n not in now) +
                  "".join(f"       + {n}\n" for n in now if n not in onotes[k]), end="")
    return len(old), len(new), sum(added.values()), sum(removed.values()), len(changed)


def summary(out, names):
    for name in names:
        findings, info = load(out, name)
        counts = collections.Counter(w["check"] for w in findings)
        by = ", ".join(f"{c} {n}" for c, n in sorted(counts.items()))
        print(f"{name}: {len(findings)} warnings, exit {info['exit']}, "
              f"{info['seconds']:.2f} s" + (f"; {by}" if by else ""))


def main(argv):
    opts = {}
    for o in ("--out", "--only"):
        if o in argv:
            i = argv.index(o)
            opts[o] = argv[i + 1]
            del argv[i:i + 2]
    only = opts["--only"].split(",") if "--only" in opts else None
    if argv and argv[0] == "--run":
        custody, out = argv[1], argv[2]
        root = os.path.abspath(argv[3] if len(argv) > 3 else "/tmp/corpora")
        run(os.path.abspath(custody), out, root, corpora(only))
        summary(out, corpora(only))
        return 0
    if len(argv) < 2:
        print(__doc__)
        return 0
    root = os.path.abspath(argv[2] if len(argv) > 2 else "/tmp/corpora")
    out = opts.get("--out", "/tmp/corpora-results")
    names = corpora(only)
    for what in argv[:2]:
        if not os.path.isdir(what) and not os.access(what, os.X_OK):
            print(f"diff.py: {what} is neither a custody binary nor a results directory")
            return 2
    dirs = []
    for side, what in (("old", argv[0]), ("new", argv[1])):
        if os.path.isdir(what):
            dirs.append(what)
        else:
            dirs.append(os.path.join(out, side))
            run(os.path.abspath(what), dirs[-1], root, names)
    os.makedirs(out, exist_ok=True)
    totals = [0] * 5
    with open(os.path.join(out, "diff.tsv"), "w") as tsv:
        tsv.write("change\tcorpus\tcheck\tlocation\tmessage\tverdict\n")
        for name in names:
            missing = [d for d in dirs if not os.path.exists(os.path.join(d, name + ".run"))]
            if missing:
                print(f"== {name}: no results in {', '.join(missing)}")
                continue
            totals = [a + b for a, b in zip(totals, compare(name, *dirs, tsv))]
    print("TOTAL: old {}, new {}, +{} -{} ~{}".format(*totals) +
          f"; review list: {os.path.join(out, 'diff.tsv')}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
