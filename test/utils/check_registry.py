#!/usr/bin/env python3
"""Verifies checks/Checks.def: unique names and kinds, and a doc page
docs/checks/<name>.md for each check."""
import os
import re
import sys

root = sys.argv[1]
text = open(os.path.join(root, "checks", "Checks.def")).read()
entries = re.findall(r'^CUSTODY_CHECK\((\w+),\s*"([^"]+)"', text, re.M)
errors = []
if not entries:
    errors.append("no checks found in Checks.def")
for what, values in (("kind", [k for k, _ in entries]),
                     ("name", [n for _, n in entries])):
    seen = set()
    for v in values:
        if v in seen:
            errors.append("duplicate check %s '%s'" % (what, v))
        seen.add(v)
for _, name in entries:
    if not re.fullmatch(r"[a-z]+(-[a-z]+)+", name):
        errors.append("check name '%s' is not module-words-in-lowercase" % name)
    doc = os.path.join(root, "docs", "checks", name + ".md")
    if not os.path.isfile(doc):
        errors.append("check '%s' has no doc page %s" % (name, doc))
for e in errors:
    print("error: " + e)
print("%d checks, %d problems" % (len(entries), len(errors)))
sys.exit(1 if errors else 0)
