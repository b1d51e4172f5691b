#!/usr/bin/python3
"""Write a compile_commands.json for each corpus of manifest.json.

usage: build.py [CORPORA_DIR] [--only NAME,...] [--check]
       build.py --list      (NAME REPO COMMIT, a line a project)
       build.py --packages  (the Debian packages all the corpora need)

CORPORA_DIR (default /tmp/corpora) holds one extracted checkout per project,
CORPORA_DIR/NAME.  For each project this writes CORPORA_DIR/_db/NAME/
compile_commands.json, and under CORPORA_DIR/_db/NAME/gen the files the
project's own build would generate (JNI headers from `javac -h`, and the
files of gen/ that the manifest's `generate` names).  --check then runs
`clang-19 -fsyntax-only` on every file, one process a file, and prints per
corpus the files, lines, files that do not parse and the wall time.
Exits 1 if a corpus is missing, javac fails or a file does not parse.
Standard library only.
"""
import glob
import json
import os
import shlex
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
COMPILERS = {".c": "/usr/bin/clang-19", ".cpp": "/usr/bin/clang++-19",
             ".cc": "/usr/bin/clang++-19"}


def load_manifest():
    with open(os.path.join(HERE, "manifest.json")) as f:
        return json.load(f)


def variables(manifest):
    v = dict(manifest["vars"])
    for name, cmd in manifest["shell_vars"].items():
        v[name] = subprocess.run(cmd, shell=True, check=True, text=True,
                                 capture_output=True).stdout.strip()
    return v


def expand(items, v):
    out = []
    for item in items:
        out += shlex.split(item.format(**v))
    return out


def source_files(p, src):
    files = set()
    for pattern in p["files"]:
        files.update(glob.glob(os.path.join(src, pattern), recursive=True))
    for pattern in p.get("exclude", []):
        files -= set(glob.glob(os.path.join(src, pattern), recursive=True))
    return sorted(files)


def generate(p, v):
    gen = v["gen"]
    os.makedirs(gen, exist_ok=True)
    for rel, ours in p.get("generate", {}).items():
        path = os.path.join(gen, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        shutil.copyfile(os.path.join(HERE, ours), path)
    jh = p.get("javah")
    if jh:  # the JNI headers the project's build makes with `javac -h`
        cmd = [os.path.join(v["jdk"], "bin", "javac"), "-nowarn",
               "-encoding", "UTF-8", "-implicit:none",
               "-h", os.path.join(gen, "jni"),
               "-d", os.path.join(gen, "classes"),
               "-sourcepath", ":".join(expand(jh["sourcepath"], v))]
        r = subprocess.run(cmd + expand(jh["sources"], v), cwd=v["src"],
                           capture_output=True, text=True)
        if r.returncode:
            print(f"{p['name']}: javac failed:\n{r.stderr}")
            return False
    return True


def database(p, v):
    flags = expand(p["flags"], v) + ["-D" + d for d in p.get("defines", [])]
    entries = []
    for f in source_files(p, v["src"]):
        cc = COMPILERS[os.path.splitext(f)[1]]
        entries.append({"directory": v["src"], "file": f,
                        "arguments": [cc] + flags + ["-c", f]})
    return entries


def check(name, entries):
    bad, lines, start = [], 0, time.monotonic()
    for e in entries:
        with open(e["file"], "rb") as f:
            lines += f.read().count(b"\n")
        args = e["arguments"]  # [compiler, flags..., "-c", file]
        cmd = [args[0], "-fsyntax-only", "-w"] + args[1:-2] + [e["file"]]
        r = subprocess.run(cmd, cwd=e["directory"], capture_output=True,
                           text=True)
        if r.returncode:
            errors = [l for l in r.stderr.splitlines() if "error:" in l]
            bad.append((e["file"], errors[:3]))
    secs = time.monotonic() - start
    print(f"{name}: {len(entries)} files, {lines} lines, "
          f"{len(bad)} do not parse, clang-19 -fsyntax-only {secs:.2f} s")
    for f, errors in bad:
        print(f"  {f}")
        for e in errors:
            print(f"    {e}")
    return not bad


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    only = None
    if "--only" in argv:
        only = argv[argv.index("--only") + 1].split(",")
        args.remove(argv[argv.index("--only") + 1])
    root = os.path.abspath(args[0] if args else "/tmp/corpora")
    manifest = load_manifest()
    if "--list" in argv:
        for p in manifest["projects"]:
            print(p["name"], p["repo"], p["commit"])
        return 0
    if "--packages" in argv:
        packages = set(manifest["packages"])
        for p in manifest["projects"]:
            packages.update(p.get("packages", []))
        print(" ".join(sorted(packages)))
        return 0
    base = variables(manifest)
    ok = True
    for p in manifest["projects"]:
        if only and p["name"] not in only:
            continue
        v = dict(base, src=os.path.join(root, p["name"]),
                 gen=os.path.join(root, "_db", p["name"], "gen"))
        if not os.path.isdir(v["src"]):
            print(f"{p['name']}: {v['src']} is missing; see README.md")
            ok = False
            continue
        ok = generate(p, v) and ok
        entries = database(p, v)
        out = os.path.join(root, "_db", p["name"], "compile_commands.json")
        with open(out, "w") as f:
            json.dump(entries, f, indent=1)
        if not entries:
            print(f"{p['name']}: no files match")
            ok = False
        if "--check" in argv:
            ok = check(p["name"], entries) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
