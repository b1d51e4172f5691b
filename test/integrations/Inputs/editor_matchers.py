#!/usr/bin/env python3
"""editor_matchers.py TASKS.json VIM_COMPILER.vim OUTPUT.txt FINDINGS.json

Applies the problem matcher of each VS Code task and the 'errorformat' of the
Vim compiler file to custody's text output, as the editors do, and checks
that each reads exactly the warnings and notes of the JSON output of the same
run (file, line, column, severity, message), and nothing from the other
lines. Prints what each read, one line per entry."""
import json
import re
import sys

tasks_file, vim_file, output_file, json_file = sys.argv[1:5]
lines = open(output_file).read().splitlines()

expected = []
for f in json.load(open(json_file)):
    loc = f["location"]
    expected.append((loc["file"], loc["line"], loc["column"], "warning",
                     "%s [%s]" % (f["message"], f["check"])))
    for n in f["notes"]:
        nl = n["location"]
        expected.append((nl["file"], nl["line"], nl["column"], "note",
                         n["message"]))
assert expected, "the run has findings"


def check(name, got):
    for g in got:
        print("%s: %s %s:%d:%d %s" % (name, g[3], g[0], g[1], g[2], g[4]))
    if got != expected:
        sys.exit("%s reads\n  %s\nnot\n  %s" % (name, got, expected))


# VS Code: the JavaScript regexp of each task's pattern (this one means the
# same in Python) and its group numbers.
for task in json.load(open(tasks_file))["tasks"]:
    pattern = task["problemMatcher"]["pattern"]
    rx = re.compile(pattern["regexp"])
    got = []
    for line in lines:
        m = rx.search(line)
        if m:
            got.append((m.group(pattern["file"]), int(m.group(pattern["line"])),
                        int(m.group(pattern["column"])),
                        m.group(pattern["severity"]),
                        m.group(pattern["message"])))
    check("vscode[%s]" % task["label"], got)

# Vim: 'errorformat' from the CompilerSet line, turned into regular
# expressions as Vim reads it (%f up to the next literal character, whole
# lines, the first format that matches wins, %-G drops the line).
efm = None
for line in open(vim_file):
    if line.startswith("CompilerSet errorformat="):
        efm = line.strip()[len("CompilerSet errorformat="):]
assert efm, "the compiler file sets errorformat"
efm = efm.replace("\\ ", " ")
formats = re.split(r"(?<!\\),", efm)
TYPES = {"e": "error", "w": "warning", "n": "note"}
compiled = []
for fmt in formats:
    drop = fmt.startswith("%-G")
    body = fmt[3:] if drop else fmt
    rx, i, fields = "", 0, []
    while i < len(body):
        if body[i] == "%":
            c = body[i + 1]
            i += 2
            if c == "f":
                rx += "(.+?)"
                fields.append("f")
            elif c in "lc":
                rx += r"(\d+)"
                fields.append(c)
            elif c == "t":
                rx += "(.)"
                fields.append("t")
            elif c == "m":
                rx += "(.+)"
                fields.append("m")
            elif c == ".":
                rx += "."
            elif c == "#":
                rx += "*"
            else:
                sys.exit("editor_matchers.py: %%%s is not handled" % c)
        else:
            rx += re.escape(body[i])
            i += 1
    compiled.append((re.compile("^" + rx + "$"), fields, drop))
got = []
for line in lines:
    for rx, fields, drop in compiled:
        m = rx.match(line)
        if not m:
            continue
        if not drop:
            v = dict(zip(fields, m.groups()))
            got.append((v["f"], int(v["l"]), int(v["c"]), TYPES[v["t"]],
                        v["m"]))
        break
check("vim", got)
