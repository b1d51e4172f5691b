#!/usr/bin/env python3
"""Writes the starting corpus of custody-fuzz-analysis into corpus/analysis/:
seed-NN files of pseudo-random bytes (fixed seeds, so the files do not
change when regenerated) from 16 to 600 bytes long. Each byte string stands
for a generated C file (fuzz/CGenerator.cpp); to see it:
  CUSTODY_FUZZ_PRINT=1 build-asan/bin/custody-fuzz-analysis corpus/analysis/seed-00

Inputs that once crashed or hung are kept next to them under names that
say what they found, and are replayed with the rest.
"""
import os
import random

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus",
                    "analysis")
os.makedirs(here, exist_ok=True)
for n in range(24):
    r = random.Random(n)
    size = 16 + (n * 37) % 585
    with open(os.path.join(here, "seed-%02d" % n), "wb") as f:
        f.write(bytes(r.randrange(256) for _ in range(size)))
