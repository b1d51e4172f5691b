#!/usr/bin/env python3
"""run_limited.py SECONDS CMD...: run CMD with at most SECONDS of CPU time
and pass its output and exit code through; a command the limit stops exits
with 128 + the signal (SIGXCPU or SIGKILL), which no test expects. For
inputs that once made custody run away."""
import resource
import subprocess
import sys

seconds = int(sys.argv[1])


def limit():
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))


code = subprocess.call(sys.argv[2:], preexec_fn=limit)
sys.exit(128 - code if code < 0 else code)
