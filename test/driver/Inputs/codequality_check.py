#!/usr/bin/env python3
"""codequality_check.py REPORT.json: checks a GitLab Code Quality report has
exactly the fields GitLab reads, of the right types, with relative paths and
unique fingerprints; prints one line per issue: check path:line fingerprint."""
import json
import sys

SEVERITIES = {"info", "minor", "major", "critical", "blocker"}
issues = json.load(open(sys.argv[1]))
assert isinstance(issues, list), "the report is a JSON array"
seen = set()
for i in issues:
    assert set(i) == {"description", "check_name", "fingerprint", "severity",
                      "location"}, sorted(i)
    assert isinstance(i["description"], str) and i["description"]
    assert isinstance(i["check_name"], str) and i["check_name"]
    assert isinstance(i["fingerprint"], str) and i["fingerprint"]
    assert i["fingerprint"] not in seen, "fingerprints are unique"
    seen.add(i["fingerprint"])
    assert i["severity"] in SEVERITIES, i["severity"]
    loc = i["location"]
    assert set(loc) == {"path", "lines"}, sorted(loc)
    assert not loc["path"].startswith("/"), "paths are repository-relative"
    assert set(loc["lines"]) == {"begin"}, sorted(loc["lines"])
    assert isinstance(loc["lines"]["begin"], int) and loc["lines"]["begin"] > 0
    print("%s %s:%d %s" % (i["check_name"], loc["path"], loc["lines"]["begin"],
                           i["fingerprint"]))
