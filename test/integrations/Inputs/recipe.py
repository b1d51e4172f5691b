#!/usr/bin/env python3
"""recipe.py RECIPE.yml COMMAND...: what a CI recipe of integrations/ci does,
for the tests.

  steps                      one line per step: its name, or what it uses
  run STEP WORKDIR           runs the step's 'run' with its 'env' in WORKDIR
                             with bash, as the CI service would; exits with
                             its code
  with STEP KEY              prints the value of the step's 'with' KEY
  if STEP                    prints the step's 'if' condition
"""
import os
import subprocess
import sys

import yaml

recipe = yaml.safe_load(open(sys.argv[1]))
steps = [s for job in recipe["jobs"].values() for s in job["steps"]]


def step(name):
    for s in steps:
        if s.get("name") == name:
            return s
    sys.exit("recipe.py: no step named %r" % name)


cmd = sys.argv[2]
if cmd == "steps":
    for s in steps:
        print(s.get("name") or s.get("uses"))
elif cmd == "run":
    s = step(sys.argv[3])
    env = dict(os.environ)
    env.update({k: str(v) for k, v in s.get("env", {}).items()})
    sys.exit(subprocess.call(["bash", "-e", "-c", s["run"]], cwd=sys.argv[4],
                             env=env))
elif cmd == "with":
    print(step(sys.argv[3])["with"][sys.argv[4]])
elif cmd == "if":
    print(step(sys.argv[3]).get("if", "-"))
