#!/usr/bin/env python3
"""Runs a guide in docs/ as written and checks that it shows what happens.

    run_doc.py GUIDE.md SOURCE_ROOT CUSTODY SCRATCH

SCRATCH gets a copy of the repository's examples/ and a build/bin/custody
link to CUSTODY, so the guide's commands run as they are written from the
repository root. Each ```sh block runs in one shell (the directory it ends
in carries over to the next block). The block that follows it decides what
is checked:
  - a plain ``` block is its output: stdout and stderr, without source-line
    snippets, carets and notes, paths relative to the scratch root;
  - a ```yaml block is the file the commands wrote with '-o FILE', without
    its leading comment.
Other blocks (```yaml elsewhere, ```text) are not run. Exits 1 with a diff
at the first difference.
"""
import difflib
import os
import re
import shutil
import subprocess
import sys


def blocks(text):
    """(info, lines) for each fenced block, in order."""
    out, info, body = [], None, []
    for line in text.splitlines():
        if info is None:
            m = re.match(r"^```(\S*)\s*$", line)
            if m:
                info, body = m.group(1), []
        elif line.startswith("```"):
            out.append((info, body))
            info = None
        else:
            body.append(line)
    return out


def shown(output, root):
    lines = []
    for line in output.replace(root + "/", "").splitlines():
        if re.match(r"^\s*\d*\s+\| ", line) or ": note: " in line:
            continue
        lines.append(line.rstrip())
    while lines and not lines[-1]:
        lines.pop()
    return lines


def main():
    guide, src, custody, scratch = sys.argv[1:5]
    root = os.path.realpath(scratch)
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(os.path.join(src, "examples"), os.path.join(root, "examples"))
    os.makedirs(os.path.join(root, "build", "bin"))
    os.symlink(os.path.realpath(custody), os.path.join(root, "build", "bin", "custody"))
    cwd = root
    all_blocks = blocks(open(guide).read())
    failures = 0
    ran = 0
    for i, (info, body) in enumerate(all_blocks):
        if info != "sh":
            continue
        script = "\n".join(body)
        proc = subprocess.run(
            ["bash", "-c", script + '\necho "@@cwd $PWD"'],
            cwd=cwd, capture_output=True, text=True)
        out = proc.stdout + proc.stderr
        m = re.search(r"^@@cwd (.*)$", proc.stdout, re.M)
        if m:
            cwd = m.group(1)
        out = re.sub(r"^@@cwd .*\n?", "", out, flags=re.M)
        ran += 1
        nxt = all_blocks[i + 1] if i + 1 < len(all_blocks) else None
        if nxt is None:
            continue
        if nxt[0] == "":
            got, want = shown(out, root), [l.rstrip() for l in nxt[1]]
        elif nxt[0] == "yaml":
            m = re.search(r"-o\s+(\S+)", script)
            if not m:
                continue
            text = open(os.path.join(cwd, m.group(1))).read().splitlines()
            while text and text[0].startswith("#"):
                text.pop(0)
            got, want = [l.rstrip() for l in text], [l.rstrip() for l in nxt[1]]
        else:
            continue
        while got and not got[-1]:
            got.pop()
        if got != want:
            failures += 1
            print("guide block %d (%s) shows something else than it does:" % (i, body[0]))
            sys.stdout.writelines(
                l + "\n" for l in difflib.unified_diff(want, got, "guide", "actual", lineterm=""))
    print("%d command blocks run, %d differ" % (ran, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
