#!/usr/bin/env bash
# CI: replays the fuzz corpus (seeds and past crashes) and fuzzes each
# target for a bounded time on the build .ci/sanitize.sh made (build-asan/).
# CUSTODY_FUZZ_SECONDS sets the time per target (default 60).
set -euo pipefail
cd "$(dirname "$0")/.."
build="${CUSTODY_SANITIZE_BUILD:-$PWD/build-asan}"
[ -x "$build/bin/custody-fuzz-analysis" ] || bash .ci/sanitize.sh
bash fuzz/run.sh --time "${CUSTODY_FUZZ_SECONDS:-60}" "$build"
