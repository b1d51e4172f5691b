# Compares two summary stores: the same files, with the same summaries and
# the same results (paths and keys aside). Prints the first difference.
import glob
import json
import os
import sys


def load(d):
    out = {}
    for f in glob.glob(os.path.join(d, "*.json")):
        e = json.load(open(f))
        out[e["file"]] = (e["summaries"], e["results"]["findings"])
    return out


a, b = load(sys.argv[1]), load(sys.argv[2])
if sorted(a) != sorted(b):
    sys.exit("files differ: %s vs %s" % (sorted(a), sorted(b)))
for f in sorted(a):
    if a[f] != b[f]:
        sys.exit("%s differs" % f)
print("same %d files" % len(a))
