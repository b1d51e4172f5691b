#!/usr/bin/env python3
"""package_check.py COMMAND ...: what the tests check of the Debian package,
the container image definition and the CI recipes that run an installed
custody.

  depends DEB ROOT      every shared library the ELF files under ROOT (the
                        unpacked DEB) load directly comes from a package the
                        DEB's Depends names, and every package it names is
                        known to apt; prints one line per library and package
  dockerfile FILE SETUP prints the stages of FILE (base image, packages it
                        installs, .deb it installs), and whether its builder
                        installs the packages .ci/setup.sh (SETUP) builds with
  same-steps A B STEP.. each STEP of the GitHub workflows A and B has the same
                        'run' and 'env' once the gate's path is made one
  same-script A B KEY   the GitLab jobs A and B run the same script once the
                        gate's path is made one, but for the lines only A has
                        (those that build custody)
"""
import os
import re
import shlex
import subprocess
import sys

GATE_SRC = "custody/integrations/ci/custody-gate.sh"
GATE_INSTALLED = "/usr/share/custody/ci/custody-gate.sh"


def depends_names(deb):
    field = subprocess.check_output(["dpkg-deb", "-f", deb, "Depends"],
                                    text=True)
    names = []
    for dep in field.split(","):
        alts = [re.sub(r"\s*\(.*\)", "", a).strip() for a in dep.split("|")]
        names.append(alts)
    return names


def elf_files(root):
    for d, _, files in os.walk(root):
        for f in files:
            p = os.path.join(d, f)
            if not os.path.islink(p):
                with open(p, "rb") as fh:
                    if fh.read(4) == b"\x7fELF":
                        yield p


def library_paths():
    out = subprocess.check_output(["ldconfig", "-p"], text=True)
    paths = {}
    for line in out.splitlines()[1:]:
        m = re.match(r"\s*(\S+) \((.*?)\) => (\S+)", line)
        if m and ("x86-64" in m.group(2) or "64bit" in m.group(2)):
            paths.setdefault(m.group(1), m.group(3))
    return paths


def cmd_depends(deb, root):
    names = depends_names(deb)
    flat = {n for alts in names for n in alts}
    libs = library_paths()
    bad = 0
    seen = set()
    for elf in sorted(elf_files(root)):
        dyn = subprocess.check_output(["readelf", "-d", elf], text=True)
        for lib in re.findall(r"\(NEEDED\)\s+Shared library: \[(.*?)\]", dyn):
            if lib in seen:
                continue
            seen.add(lib)
            if re.match(r"lib(asan|ubsan|clang_rt)", lib):
                # An instrumented build (CUSTODY_SANITIZE) is never released.
                print("library %s: sanitizer runtime" % lib)
                continue
            path = libs.get(lib)
            if not path:
                print("library %s: not found" % lib)
                bad = 1
                continue
            real = os.path.realpath(path)
            pkg = None
            for p in (path, real, real.replace("/usr/lib/", "/lib/", 1),
                      real.replace("/lib/", "/usr/lib/", 1)):
                r = subprocess.run(["dpkg", "-S", p], capture_output=True,
                                   text=True)
                if r.returncode == 0:
                    pkg = r.stdout.split(":")[0].strip()
                    break
            ok = pkg in flat
            bad |= not ok
            print("library %s: %s %s" % (lib, pkg,
                                         "depended on" if ok else "MISSING"))
    for alts in names:
        known = any(subprocess.run(["apt-cache", "show", "--no-all-versions", a],
                                   capture_output=True).returncode == 0
                    for a in alts)
        bad |= not known
        print("package %s: %s" % (" | ".join(alts),
                                  "known to apt" if known else "UNKNOWN"))
    return bad


def stages(path):
    """[(base, args, [RUN/COPY instructions])], continuation lines joined."""
    text = re.sub(r"\\\n", " ", open(path).read())
    out = []
    args = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, _, rest = line.partition(" ")
        word = word.upper()
        if word == "ARG":
            k, _, v = rest.partition("=")
            args[k.strip()] = v.strip().strip('"')
            continue
        rest = re.sub(r"\$\{(\w+)\}", lambda m: args.get(m.group(1), m.group(0)),
                      rest)
        if word == "FROM":
            out.append((rest.split()[0], rest, []))
        elif out:
            out[-1][2].append((word, rest))
    return out


def apt_installs(cmd):
    pkgs = []
    for part in cmd.split("&&"):
        words = shlex.split(part)
        if "apt-get" in words and "install" in words:
            pkgs += [w for w in words[words.index("install") + 1:]
                     if not w.startswith("-")]
    return pkgs


def setup_packages(path, llvm="19"):
    text = open(path).read()
    body = re.search(r"custody_packages=\((.*?)\)", text, re.S).group(1)
    body = re.sub(r"#.*", "", body).replace("$CUSTODY_LLVM_VERSION", llvm)
    return shlex.split(body)


def cmd_dockerfile(path, setup):
    bad = 0
    st = stages(path)
    for i, (base, _, instrs) in enumerate(st):
        print("stage %d: FROM %s" % (i + 1, base))
        for word, rest in instrs:
            if word == "RUN":
                pkgs = apt_installs(rest)
                if pkgs:
                    print("  apt-get install: %s" % " ".join(pkgs))
                for c in ("cpack -G DEB", "custody --version"):
                    if c in rest:
                        print("  runs: %s" % c)
            elif word == "COPY" and "--from" in rest:
                print("  copies: %s" % rest)
    builder = [p for w, r in st[0][2] if w == "RUN" for p in apt_installs(r)]
    want = setup_packages(setup)
    if sorted(builder) == sorted(want):
        print("builder installs the packages of .ci/setup.sh")
    else:
        print("builder differs from .ci/setup.sh: %s" %
              sorted(set(builder) ^ set(want)))
        bad = 1
    return bad


def load(path):
    import yaml
    return yaml.safe_load(open(path))


def cmd_same_steps(a, b, names):
    def steps(path):
        return {s.get("name"): s for job in load(path)["jobs"].values()
                for s in job["steps"]}
    sa, sb = steps(a), steps(b)
    bad = 0
    for n in names:
        ra = (sa[n].get("run", "").replace(GATE_SRC, GATE_INSTALLED),
              sa[n].get("env"), sa[n].get("with"), sa[n].get("if"))
        rb = (sb[n].get("run", ""), sb[n].get("env"), sb[n].get("with"),
              sb[n].get("if"))
        same = ra == rb
        bad |= not same
        print("step %s: %s" % (n, "same" if same else "DIFFERS %r %r" % (ra, rb)))
    return bad


def cmd_same_script(a, b, key):
    ja, jb = load(a)[key], load(b)[key]
    ja_script = [l.replace(GATE_SRC, GATE_INSTALLED) for l in ja["script"]]
    sb = jb["script"]
    dropped = [l for l in ja_script if l not in sb]
    kept = [l for l in ja_script if l in sb]
    bad = kept != sb
    for l in dropped:
        print("only in %s: %s" % (os.path.basename(a), l))
    print("script: %s" % ("same" if not bad else "DIFFERS"))
    for k in ("parallel", "variables", "artifacts", "stage"):
        same = ja.get(k) == jb.get(k)
        bad |= not same
        print("%s: %s" % (k, "same" if same else "DIFFERS"))
    print("image: %s" % jb.get("image"))
    return bad


cmd = sys.argv[1]
if cmd == "depends":
    sys.exit(cmd_depends(sys.argv[2], sys.argv[3]))
elif cmd == "dockerfile":
    sys.exit(cmd_dockerfile(sys.argv[2], sys.argv[3]))
elif cmd == "same-steps":
    sys.exit(cmd_same_steps(sys.argv[2], sys.argv[3], sys.argv[4:]))
elif cmd == "same-script":
    sys.exit(cmd_same_script(sys.argv[2], sys.argv[3], sys.argv[4]))
sys.exit(__doc__)
