#!/usr/bin/env bash
# fuzz/run.sh - a bounded run of custody's fuzzers, as CI runs them.
#
#   fuzz/run.sh [--time SECONDS] [--replay-only] [BUILD_DIR]
#
# BUILD_DIR is a build configured with -DCUSTODY_FUZZ=ON (default:
# build-asan at the repository root; see fuzz/README.md). For each target:
#
#   1. every input of its corpus, fuzz/corpus/<target>/, is run once: the
#      seeds, and the inputs that once crashed or hung (regressions);
#   2. then it is fuzzed for SECONDS (default 60), starting from that corpus.
#      New inputs go to a scratch folder, never into the repository.
#
# A crash, a sanitizer report, a leak or an input that takes more than 10 s
# fails the run; the input is kept in the scratch folder, whose path is
# printed. Once the bug is fixed, copy the input into the corpus under a name
# that says what it found.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
TIME=60
REPLAY_ONLY=0
BUILD=""
while [ $# -gt 0 ]; do
  case "$1" in
    --time) TIME=$2; shift 2 ;;
    --replay-only) REPLAY_ONLY=1; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    -*) echo "run.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
    *) BUILD=$1; shift ;;
  esac
done
BUILD=$(cd "${BUILD:-$ROOT/build-asan}" && pwd)

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/custody-fuzz.XXXXXX")
echo "fuzz: scratch folder $SCRATCH"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:strict_string_checks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$HERE/lsan.supp}"

status=0
for target in contract-loader analysis; do
  bin="$BUILD/bin/custody-fuzz-$target"
  [ -x "$bin" ] || { echo "fuzz: no $bin (configure with -DCUSTODY_FUZZ=ON)" >&2; exit 2; }
  corpus="$HERE/corpus/$target"
  work="$SCRATCH/$target"
  mkdir -p "$work/new" "$work/cwd"
  flags=(-timeout=10 -rss_limit_mb=4096 -artifact_prefix="$work/")
  [ -f "$HERE/$target.dict" ] && flags+=(-dict="$HERE/$target.dict")
  # Includes in fuzzed contracts resolve against an empty folder.
  cd "$work/cwd"
  n=$(find "$corpus" -type f | wc -l)
  start=$SECONDS
  if ! find "$corpus" -type f -print0 | sort -z |
      xargs -0 "$bin" "${flags[@]}" >"$work/replay.log" 2>&1; then
    echo "fuzz: $target: an input of fuzz/corpus/$target fails (log: $work/replay.log)" >&2
    tail -n 40 "$work/replay.log" >&2
    status=1
    continue
  fi
  echo "fuzz: $target: replayed $n corpus inputs in $((SECONDS - start)) s"
  [ "$REPLAY_ONLY" = 1 ] && continue
  start=$SECONDS
  if ! "$bin" "${flags[@]}" -seed="${CUSTODY_FUZZ_SEED:-1}" \
      -max_total_time="$TIME" -print_final_stats=1 \
      "$work/new" "$corpus" >"$work/fuzz.log" 2>&1; then
    echo "fuzz: $target: found a problem (log: $work/fuzz.log); the input:" >&2
    ls "$work"/crash-* "$work"/timeout-* "$work"/leak-* "$work"/oom-* 2>/dev/null >&2 || true
    tail -n 60 "$work/fuzz.log" >&2
    status=1
    continue
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/fuzz.log")
  cov=$(grep -o 'cov: [0-9]*' "$work/fuzz.log" | tail -n 1)
  echo "fuzz: $target: ${runs:-?} inputs in $((SECONDS - start)) s, $cov, $(find "$work/new" -type f | wc -l) new corpus inputs, no crash"
done
cd "$ROOT"
[ "$status" = 0 ] && rm -rf "$SCRATCH"
exit "$status"
