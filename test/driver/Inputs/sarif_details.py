#!/usr/bin/env python3
"""sarif_details.py FILE: what custody's SARIF says besides the findings'
places, one line per item, for FileCheck: the run's properties, each rule's
descriptions and help, each result's URI base, code flow and baseline state,
and the tool's notifications."""
import json
import sys

log = json.load(open(sys.argv[1]))
run = log["runs"][0]
print("automation", run.get("automationDetails", {}).get("id", "-"))
print("columnKind", run.get("columnKind", "-"))
for name, base in sorted(run.get("originalUriBaseIds", {}).items()):
    print("base", name, base["uri"])
for rule in run["tool"]["driver"]["rules"]:
    print("rule", rule["id"], "helpUri", rule.get("helpUri", "-"))
    print("  short", rule["shortDescription"]["text"])
    print("  full", rule["fullDescription"]["text"])
    print("  help", rule["help"]["markdown"].replace("\n", "\\n"))
for r in run["results"]:
    loc = r["locations"][0]["physicalLocation"]
    art = loc["artifactLocation"]
    region = loc.get("region", {})
    steps = [s["location"] for f in r.get("codeFlows", [])
             for t in f["threadFlows"] for s in t["locations"]]
    print("result", r["ruleId"], art.get("uriBaseId", "-"), art["uri"],
          "%d:%d" % (region.get("startLine", 0), region.get("startColumn", 0)),
          "state=" + r.get("baselineState", "-"))
    for s in steps:
        p = s["physicalLocation"]
        print("  step", "%d:%d" % (p["region"]["startLine"],
                                   p["region"]["startColumn"]),
              s["message"]["text"])
for inv in run.get("invocations", []):
    print("invocation successful=%s" % inv["executionSuccessful"])
    for n in inv.get("toolExecutionNotifications", []):
        art = n["locations"][0]["physicalLocation"]["artifactLocation"]
        print("  notification", n["level"], art.get("uriBaseId", "-"),
              art["uri"], n["message"]["text"])
