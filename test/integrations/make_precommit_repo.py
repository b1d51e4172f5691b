#!/usr/bin/env python3
"""make_precommit_repo.py CUSTODY_SRC REPO: a git repository at REPO that uses
custody's .pre-commit-hooks.yaml (from CUSTODY_SRC at its current commit)
with a compile database for REPO/native.c."""
import json
import os
import subprocess
import sys

src, repo = sys.argv[1], sys.argv[2]
rev = subprocess.check_output(["git", "-C", src, "rev-parse", "HEAD"],
                              text=True).strip()
os.makedirs(os.path.join(repo, "build"), exist_ok=True)
subprocess.check_call(["git", "-C", repo, "init", "-q"])
with open(os.path.join(repo, ".pre-commit-config.yaml"), "w") as f:
    f.write("repos:\n- repo: %s\n  rev: %s\n  hooks:\n  - id: custody\n"
            % (src, rev))
native = os.path.join(repo, "native.c")
with open(os.path.join(repo, "build", "compile_commands.json"), "w") as f:
    json.dump([{"directory": repo, "file": native,
                "arguments": ["cc", "-c", native]}], f)
