#!/usr/bin/env python3
"""expect_exit.py CODE CMD...: run CMD, pass its output through, and fail
unless it exits with CODE. lit's `not` only knows "non-zero"."""
import subprocess
import sys

want = int(sys.argv[1])
got = subprocess.call(sys.argv[2:])
if got != want:
    sys.stderr.write("expected exit code %d, got %d\n" % (want, got))
    sys.exit(1)
