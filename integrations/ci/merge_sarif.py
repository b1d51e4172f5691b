#!/usr/bin/env python3
"""merge_sarif.py OUT.sarif IN.sarif...: merge the SARIF logs of custody's
shards (custody --shard I/N --format=sarif) into one log with one run, for
code-scanning UIs that take a single file. Standard library only."""
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
    merged["runs"][0]["results"].extend(run.get("results", []))
if merged is None:
    sys.exit("merge_sarif.py: no input")
with open(sys.argv[1], "w") as out:
    json.dump(merged, out, indent=2)
    out.write("\n")
