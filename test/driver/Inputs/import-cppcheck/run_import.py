#!/usr/bin/env python3
"""run_import.py CUSTODY NAME.cfg... [ARGS...]: runs
`CUSTODY contracts import-cppcheck DIR/NAME.cfg... ARGS...` with DIR the
directory where cppcheck's library configurations are installed, and exits
with its exit code. With NAME '--all', imports every configuration there
twice into ARGS[0]: NAME.yaml by default, which custody must load beside its
built-in contracts, and NAME.all.yaml with --keep-builtin-functions, which
it must load on its own (--no-builtin-contracts); each import must exit 0
and each run on ARGS[1] with that contract must exit 0."""
import glob
import os
import subprocess
import sys

DIRS = ["/usr/share/cppcheck/cfg"] + sorted(
    glob.glob("/usr/lib/*/cppcheck/cfg"))


def cfg_dir():
    for d in DIRS:
        if glob.glob(os.path.join(d, "*.cfg")):
            return d
    sys.stderr.write("no cppcheck library configurations in %s "
                     "(install the cppcheck package)\n" % ", ".join(DIRS))
    sys.exit(1)


custody, name = sys.argv[1], sys.argv[2]
if name != "--all":
    rest = sys.argv[2:]
    names = []
    while rest and rest[0].endswith(".cfg") and not rest[0].startswith("-"):
        names.append(os.path.join(cfg_dir(), rest.pop(0)))
    sys.exit(subprocess.call([custody, "contracts", "import-cppcheck"] +
                             names + rest))

out_dir, trivial = sys.argv[3], sys.argv[4]
os.makedirs(out_dir, exist_ok=True)
failed = 0
cfgs = sorted(glob.glob(os.path.join(cfg_dir(), "*.cfg")))
for cfg in cfgs:
    base = os.path.basename(cfg)
    for suffix, imp_args, run_args in [
            (".yaml", [], []),
            (".all.yaml", ["--keep-builtin-functions"],
             ["--no-builtin-contracts"])]:
        out = os.path.join(out_dir, base[:-4] + suffix)
        imp = subprocess.run([custody, "contracts", "import-cppcheck", cfg,
                              "-o", out] + imp_args, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, universal_newlines=True)
        if imp.returncode != 0:
            print("%s%s: import exited %d\n%s" %
                  (base, " ".join([""] + imp_args), imp.returncode,
                   imp.stderr))
            failed += 1
            continue
        if ": error:" in imp.stderr:
            print("%s: the import printed an error\n%s" % (base, imp.stderr))
            failed += 1
        run = subprocess.run([custody] + run_args + ["--contracts", out,
                              trivial, "--"], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, universal_newlines=True)
        if run.returncode != 0:
            print("%s: custody %s with the imported contract exited %d\n%s" %
                  (base, " ".join(run_args), run.returncode, run.stdout))
            failed += 1
print("imported %d configurations, %d failed" % (len(cfgs), failed))
sys.exit(1 if failed or not cfgs else 0)
