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
#   CUSTODY_CODEQUALITY a file: also write every finding there as a GitLab
#                    Code Quality report
#
# Runs the analysis once: the findings that fail the gate (all of them, or
# the new ones with a baseline or a diff base) as text in the job log, and
# every finding in the SARIF file for code-scanning services (those the
# baseline or diff base left out marked "unchanged"). Exits with custody's
# code: 0 nothing new, 1 new findings, 2 configuration error, 3 a file did
# not parse.
set -u
build=${1:?usage: custody-gate.sh BUILD_DIR [OUTPUT.sarif]}
sarif=${2:-custody.sarif}
custody=${CUSTODY:-custody}
jobs=${CUSTODY_JOBS:-$(nproc 2>/dev/null || echo 2)}
set -- -p "$build" -j "$jobs" --sarif-output "$sarif"
[ -n "${CUSTODY_BASELINE:-}" ] && set -- "$@" --baseline "$CUSTODY_BASELINE"
[ -n "${CUSTODY_DIFF_BASE:-}" ] && set -- "$@" --diff-base "$CUSTODY_DIFF_BASE"
[ -n "${CUSTODY_SHARD:-}" ] && set -- "$@" --shard "$CUSTODY_SHARD"
[ -n "${CUSTODY_CODEQUALITY:-}" ] && set -- "$@" --codequality-output "$CUSTODY_CODEQUALITY"
exec "$custody" "$@"
