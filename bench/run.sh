#!/usr/bin/env bash
# bench/run.sh - how long custody takes compared with the compiler's own front
# end (clang -fsyntax-only) and the Clang Static Analyzer (clang --analyze,
# default checkers), on the same files with the same flags:
#
#   - the demo sources, examples/native/*.c (with -I examples/sdk);
#   - a large generated translation unit (bench/gen_large.py): several hundred
#     functions using malloc/free/fopen/fclose with early returns and
#     'goto cleanup', plus one function with hundreds of branches.
#
# Usage: bench/run.sh [--reps N] [--keep] [--gen-args 'ARGS FOR gen_large.py']
#        bench/run.sh --shapes [--reps N]
#
# --shapes times custody against -fsyntax-only on one generated file per
# shape of code instead (each kind of small function alone, then the
# many-branch function whole and in parts), to find what makes custody slow.
#
# Environment:
#   CUSTODY_BUILD_DIR  build directory holding bin/custody (default: build/ at
#                      the repository root)
#   CUSTODY            the custody binary (default: $CUSTODY_BUILD_DIR/bin/custody)
#   CLANG              the clang to compare with (default: clang-19)
#   BENCH_REPS         repetitions per command (default: 5; --reps wins)
#
# Times are the median of the repetitions (after one warm-up run), measured
# with a monotonic clock by bench/timecmd.py; the commands are interleaved so
# background load affects them alike. The target is custody/syntax-only <= 1.3.
# custody exits with 1 when it has findings; that is not a failure here.
#
# Not part of the test suite: it takes tens of seconds. Run it from anywhere.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
BUILD=${CUSTODY_BUILD_DIR:-$ROOT/build}
CUSTODY=${CUSTODY:-$BUILD/bin/custody}
CLANG=${CLANG:-clang-19}
REPS=${BENCH_REPS:-5}
KEEP=0
SHAPES=0
GEN_ARGS=""

while [ $# -gt 0 ]; do
  case "$1" in
    --reps) REPS=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --shapes) SHAPES=1; shift ;;
    --gen-args) GEN_ARGS=$2; shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done

command -v "$CLANG" >/dev/null || { echo "run.sh: $CLANG not found (set CLANG)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "run.sh: python3 not found" >&2; exit 2; }
# The binary may be missing for a moment while it is being rebuilt (its
# folder is still there then); wait up to three minutes.
for _ in $(seq 36); do
  [ -x "$CUSTODY" ] || [ ! -d "$(dirname "$CUSTODY")" ] && break
  echo "run.sh: waiting for $CUSTODY ..." >&2
  sleep 5
done
[ -x "$CUSTODY" ] || { echo "run.sh: no custody binary at $CUSTODY (set CUSTODY_BUILD_DIR)" >&2; exit 2; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/custody-bench.XXXXXX")
if [ "$KEEP" = 1 ]; then
  echo "run.sh: keeping $TMP" >&2
else
  trap 'rm -rf "$TMP"' EXIT
fi

if [ "$SHAPES" = 1 ]; then
  echo "custody:  $CUSTODY"
  echo "machine:  $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "reps:     $REPS (median shown; one warm-up run first)"
  echo
  printf '%-36s %6s %10s %10s %9s\n' "generated shape" "lines" "syntax s" "custody s" "c/syntax"
  printf '%-36s %6s %10s %10s %9s\n' "---------------" "-----" "--------" "---------" "--------"
  while IFS='|' read -r name gen; do
    # shellcheck disable=SC2086
    python3 "$HERE/gen_large.py" $gen -o "$TMP/shape.c"
    out=$(python3 "$HERE/timecmd.py" --reps "$REPS" --ok '0:::0,1' -- \
          "$CLANG" -fsyntax-only "$TMP/shape.c" ::: "$CUSTODY" "$TMP/shape.c" --)
    s=$(echo "$out" | sed -n 1p | cut -d' ' -f1)
    c=$(echo "$out" | sed -n 2p | cut -d' ' -f1)
    awk -v n="$name" -v l="$(wc -l <"$TMP/shape.c")" -v s="$s" -v c="$c" \
      'BEGIN { printf "%-36s %6d %10.3f %10.3f %8.2fx\n", n, l, s, c, c / s }'
  done <<'EOF'
includes only|--only none
600 x early returns|--only early
600 x goto cleanup|--only goto
600 x returns owned buffer|--only owned
600 x caller of a summarized helper|--only caller
600 x realloc growth loop|--only grow
600 x stored into a struct|--only store
big_dispatch, default (300 + 200)|--only big
big_dispatch, 300-arm chain in loop|--only big --chain 300 --seq 0
big_dispatch, 600-arm chain in loop|--only big --chain 600 --seq 0
big_dispatch, 200 sequential ifs|--only big --chain 0 --seq 200
big_dispatch, 400 sequential ifs|--only big --chain 0 --seq 400
EOF
  exit 0
fi

# shellcheck disable=SC2086 # GEN_ARGS is a list of words on purpose.
python3 "$HERE/gen_large.py" $GEN_ARGS -o "$TMP/large.c"

cd "$ROOT" # The demo's paths are relative to the repository root.

# name|file|flags
CASES=()
for f in examples/native/*.c; do
  CASES+=("$f|$f|-I examples/sdk")
done
CASES+=("generated large.c|$TMP/large.c|")

echo "custody:  $CUSTODY"
echo "compiler: $(command -v "$CLANG") ($("$CLANG" --version | head -1))"
echo "machine:  $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "reps:     $REPS (median shown; one warm-up run first)"
echo

ROWS=()
for c in "${CASES[@]}"; do
  IFS='|' read -r name file flags <<<"$c"
  lines=$(wc -l <"$file")
  # Findings, from one run whose output is kept.
  rc=0
  # shellcheck disable=SC2086
  "$CUSTODY" "$file" -- $flags >"$TMP/findings.txt" 2>"$TMP/findings.err" || rc=$?
  if [ "$rc" -gt 1 ]; then
    echo "run.sh: custody failed on $file (exit $rc):" >&2
    cat "$TMP/findings.err" >&2
    exit 1
  fi
  findings=$(grep -c ': warning: ' "$TMP/findings.txt" || true)
  # shellcheck disable=SC2086
  out=$(python3 "$HERE/timecmd.py" --reps "$REPS" --ok '0:::0:::0,1' -- \
        "$CLANG" -fsyntax-only $flags "$file" ::: \
        "$CLANG" --analyze -o /dev/null $flags "$file" ::: \
        "$CUSTODY" "$file" -- $flags)
  ROWS+=("$name|$lines|$findings|$(echo "$out" | tr '\n' '|')")
done

# One row: name|lines|findings|syn med min max rss|csa ...|cust ...|
printf '%s\n' "${ROWS[@]}" | awk -F'|' '
  function col(s, i,   a) { split(s, a, " "); return a[i] }
  BEGIN {
    printf "%-28s %6s %8s %10s %10s %10s %9s %9s\n", "file", "lines", "findings",
           "syntax s", "analyze s", "custody s", "c/syntax", "c/analyze"
    printf "%-28s %6s %8s %10s %10s %10s %9s %9s\n", "----", "-----", "--------",
           "--------", "---------", "---------", "--------", "---------"
  }
  {
    s = col($4, 1); a = col($5, 1); c = col($6, 1)
    printf "%-28s %6d %8d %10.3f %10.3f %10.3f %8.2fx %8.2fx%s\n", $1, $2, $3,
           s, a, c, c / s, c / a, (c / s > 1.3 ? "  (over 1.3)" : "")
    mem[NR] = sprintf("%-28s %10.1f %10.1f %10.1f", $1, col($4, 4) / 1024,
                      col($5, 4) / 1024, col($6, 4) / 1024)
    rng[NR] = sprintf("%-28s %7.3f-%-7.3f %7.3f-%-7.3f %7.3f-%-7.3f", $1,
                      col($4, 2), col($4, 3), col($5, 2), col($5, 3),
                      col($6, 2), col($6, 3))
  }
  END {
    print ""
    printf "%-28s %15s %15s %15s\n", "min-max seconds", "syntax", "analyze", "custody"
    for (i = 1; i <= NR; i++) print rng[i]
    print ""
    printf "%-28s %10s %10s %10s\n", "peak RSS MiB", "syntax", "analyze", "custody"
    for (i = 1; i <= NR; i++) print mem[i]
  }'
echo
echo "c/syntax = custody / clang -fsyntax-only (target <= 1.3); c/analyze = custody / clang --analyze."
