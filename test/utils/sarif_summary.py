#!/usr/bin/env python3
"""sarif_summary.py FILE: one line per rule and per result of a SARIF log,
for FileCheck."""
import json
import sys

log = json.load(open(sys.argv[1]))
print("version", log["version"])
run = log["runs"][0]
for rule in run["tool"]["driver"]["rules"]:
    print("rule", rule["id"], "help", rule.get("helpUri", "-"))
for r in run["results"]:
    loc = r["locations"][0]["physicalLocation"]
    name = loc["artifactLocation"]["uri"].rsplit("/", 1)[-1]
    region = loc["region"]
    print("result", r["ruleId"], "%s:%d:%d" % (name, region["startLine"],
                                              region["startColumn"]),
          "related=%d" % len(r.get("relatedLocations", [])),
          "fingerprint=" + ",".join(sorted(r["partialFingerprints"])))
