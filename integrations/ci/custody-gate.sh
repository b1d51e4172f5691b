#!/bin/sh
# custody-gate.sh: the CI gate the GitHub Actions and GitLab CI recipes run.
#
#   custody-gate.sh BUILD_DIR [OUTPUT.sarif]
#
# Environment (all optional):
#   CUSTODY          the custody binary (default: custody on PATH)
#   CUSTODY_BASELINE a baseline file: fail only on findings not in it
#   CUSTODY_DIFF_BASE a git revision: fail only on findings on changed lines
#   CUSTODY_SHARD    I/N: check only this shard of the compile database
#   CUSTODY_JOBS     parallel jobs (default: the number of processors)
#
# Prints the findings as text, writes SARIF for code-scanning UIs, and exits
# with custody's code: 0 clean, 1 findings, 2 configuration error, 3 a file
# did not parse.
set -u
build=${1:?usage: custody-gate.sh BUILD_DIR [OUTPUT.sarif]}
sarif=${2:-custody.sarif}
custody=${CUSTODY:-custody}
jobs=${CUSTODY_JOBS:-$(nproc 2>/dev/null || echo 2)}
set -- -p "$build" -j "$jobs"
[ -n "${CUSTODY_BASELINE:-}" ] && set -- "$@" --baseline "$CUSTODY_BASELINE"
[ -n "${CUSTODY_DIFF_BASE:-}" ] && set -- "$@" --diff-base "$CUSTODY_DIFF_BASE"
[ -n "${CUSTODY_SHARD:-}" ] && set -- "$@" --shard "$CUSTODY_SHARD"
"$custody" "$@" --format=sarif --output "$sarif"
rc=$?
# The same findings as text for the job log (no second analysis when clean).
[ "$rc" -eq 1 ] && "$custody" "$@"
exit "$rc"
