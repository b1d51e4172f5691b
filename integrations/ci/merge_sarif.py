#!/usr/bin/env python3
"""merge_sarif.py OUT.sarif IN.sarif...: merge the SARIF logs of custody's
shards (custody --shard I/N --format=sarif) into one log with one run, for
code-scanning UIs that take a single file: the results and the tool's
notifications of every shard, successful only if every shard was, and the
automation id of an unsharded run. Standard library only."""
import json
import sys

if len(sys.argv) < 3:
    sys.exit("usage: merge_sarif.py OUT.sarif IN.sarif...")
merged = None
for path in sys.argv[2:]:
    log = json.load(open(path))
    run = log["runs"][0]
    if merged is None:
        merged = log
        continue
    into = merged["runs"][0]
    into["results"].extend(run.get("results", []))
    for inv_from, inv_into in zip(run.get("invocations", []),
                                  into.get("invocations", [])):
        notes = inv_from.get("toolExecutionNotifications", [])
        if notes:
            inv_into.setdefault("toolExecutionNotifications", []).extend(notes)
        inv_into["executionSuccessful"] = (
            inv_into.get("executionSuccessful", True)
            and inv_from.get("executionSuccessful", True))
if merged is None:
    sys.exit("merge_sarif.py: no input")
run = merged["runs"][0]
if "automationDetails" in run:
    run["automationDetails"]["id"] = "custody/"
with open(sys.argv[1], "w") as out:
    json.dump(merged, out, indent=2)
    out.write("\n")
