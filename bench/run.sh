#!/usr/bin/env bash
# bench/run.sh - how long custody takes, and how much memory, compared with
# the compiler's own front end (clang -fsyntax-only: the floor) and the Clang
# Static Analyzer (clang --analyze, default checkers), in one run on the same
# files with the same flags:
#
#   - the demo sources, examples/native/*.c (with -I examples/sdk);
#   - generated inputs (bench/gen_large.py): a translation unit of about 10k
#     lines (several hundred functions using malloc/free/fopen/fclose with
#     early returns and 'goto cleanup', and one with hundreds of branches),
#     and one file per stress shape holding one function: 2,000 lines with
#     200 resources, 500 sequential ifs, a 300-arm if/else chain in a loop,
#     four loop nests ten deep, 14 allocations in a row;
#   - with --codebase DIR, every C file of a compile_commands.json in DIR
#     (a real code base; see bench/README.md for lz4).
#
# Usage: bench/run.sh [--reps N] [--keep] [--markdown] [--codebase DIR]
#                     [--gen-args 'MORE ARGS FOR THE 10k-LINE TU']
#        bench/run.sh --shapes [--reps N]
#
# It prints, per file, wall times, custody's analysis time (what --verbose
# reports), peak memory and the ratios; then totals, analysis time against
# the parse time of function bodies (clang -ftime-trace), and whether each
# target of bench/RESULTS.md is met. --markdown prints the tables in
# Markdown, as in bench/RESULTS.md.
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
#   BENCH_CODEBASE     the same as --codebase
#
# Times are the median of the repetitions (after one warm-up run), measured
# with a monotonic clock by bench/timecmd.py; the commands are interleaved so
# background load affects them alike. custody exits with 1 when it has
# findings; that is not a failure here.
#
# Not part of the test suite: it takes minutes. Run it from anywhere.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
BUILD=${CUSTODY_BUILD_DIR:-$ROOT/build}
CUSTODY=${CUSTODY:-$BUILD/bin/custody}
CLANG=${CLANG:-clang-19}
REPS=${BENCH_REPS:-5}
KEEP=0
SHAPES=0
MARKDOWN=0
GEN_ARGS=""
CODEBASE=${BENCH_CODEBASE:-}

while [ $# -gt 0 ]; do
  case "$1" in
    --reps) REPS=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --shapes) SHAPES=1; shift ;;
    --gen-args) GEN_ARGS=$2; shift 2 ;;
    --codebase) CODEBASE=$2; shift 2 ;;
    --markdown) MARKDOWN=1; shift ;;
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
wide_function, 100 resources|--only wide --resources 100
wide_function, 200 resources|--only wide --resources 200
loop_nests, 4 nests 10 deep|--only loops --depth 10 --nests 4
loop_nests, 2 nests 20 deep|--only loops --depth 20 --nests 2
straight_line, 10 allocations|--only straight --allocs 10
straight_line, 12 allocations|--only straight --allocs 12
straight_line, 14 allocations|--only straight --allocs 14
EOF
  exit 0
fi

# The generated inputs: the large translation unit, and one file per stress
# shape holding a single function (its parse and analysis times are that
# function's). name|gen_large.py arguments|function
GENERATED=(
  "generated TU (~10k lines)|--functions 380 $GEN_ARGS|"
  "one function, 2000 lines, 200 resources|--only wide --resources 200|wide_function"
  "one function, 500 sequential ifs|--only big --chain 0 --seq 500|big_dispatch"
  "one function, 300-arm chain in a loop|--only big --chain 300 --seq 0|big_dispatch"
  "one function, 4 loop nests 10 deep|--only loops --depth 10 --nests 4|loop_nests"
  "one function, 14 allocations in a row|--only straight --allocs 14|straight_line"
)

cd "$ROOT" # The demo's paths are relative to the repository root.

# group|name|file|flags|dir|function
CASES=()
for f in examples/native/*.c; do
  CASES+=("examples|$f|$f|-I examples/sdk|$ROOT|")
done
n=0
for g in "${GENERATED[@]}"; do
  IFS='|' read -r name gen fn <<<"$g"
  # shellcheck disable=SC2086 # gen is a list of words on purpose.
  python3 "$HERE/gen_large.py" $gen -o "$TMP/gen$n.c"
  CASES+=("generated|$name|$TMP/gen$n.c||$ROOT|$fn")
  n=$((n + 1))
done
if [ -n "$CODEBASE" ]; then
  [ -f "$CODEBASE/compile_commands.json" ] ||
    { echo "run.sh: no compile_commands.json in $CODEBASE" >&2; exit 2; }
  # One case per entry of the database: its file, directory and flags
  # (the compiler, -c, -o and the file itself taken out).
  while IFS= read -r c; do CASES+=("$c"); done < <(python3 - "$CODEBASE" <<'PY'
import json, os, shlex, sys
db = json.load(open(os.path.join(sys.argv[1], "compile_commands.json")))
root = os.path.commonpath([os.path.join(e["directory"], e["file"]) for e in db])
seen = set()
for e in sorted(db, key=lambda e: e["file"]):
    path = os.path.normpath(os.path.join(e["directory"], e["file"]))
    if path in seen or not path.endswith(".c"):
        continue
    seen.add(path)
    args = e.get("arguments") or shlex.split(e["command"])
    flags, skip = [], False
    for a in args[1:]:
        if skip:
            skip = False
        elif a == "-o":
            skip = True
        elif a in ("-c",) or a.startswith("-o") or \
                os.path.normpath(os.path.join(e["directory"], a)) == path:
            continue
        else:
            flags.append(a)
    print("codebase|%s|%s|%s|%s|" % (os.path.relpath(path, os.path.dirname(root)),
                                     path, " ".join(flags), e["directory"]))
PY
)
fi

echo "custody:  $CUSTODY"
echo "compiler: $(command -v "$CLANG") ($("$CLANG" --version | head -1))"
echo "machine:  $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "reps:     $REPS (median shown; one warm-up run first)"
[ -n "$CODEBASE" ] && echo "codebase: $CODEBASE"
echo

# The median of what custody --verbose says the analysis took (seconds).
analysis_time() { # dir file flags...
  local dir=$1 file=$2
  shift 2
  for _ in 1 2 3; do
    (cd "$dir" && "$CUSTODY" --verbose "$file" -- "$@" 2>&1 >/dev/null || true) |
      sed -n 's/.*custody: analysis took \([0-9.]*\) s.*/\1/p' |
      awk '{ t += $1 } END { print t + 0 }'
  done | sort -n | sed -n 2p
}

# Parse time of the function bodies (seconds, from -ftime-trace): of the one
# named, or of all of them.
parse_time() { # dir function file flags...
  local dir=$1 fn=$2 file=$3
  shift 3
  for _ in 1 2 3; do
    (cd "$dir" && "$CLANG" -fsyntax-only -w -Xclang -ftime-trace="$TMP/trace.json" \
      -Xclang -ftime-trace-granularity=0 "$@" "$file" >/dev/null 2>&1) || true
    python3 - "$TMP/trace.json" "$fn" <<'PY'
import json, sys
fn = sys.argv[2]
try:
    events = json.load(open(sys.argv[1]))["traceEvents"]
except (OSError, ValueError):
    print(0)
    sys.exit()
print(sum(e["dur"] for e in events if e.get("name") == "ParseFunctionDefinition"
          and (not fn or e.get("args", {}).get("detail") == fn)) / 1e6)
PY
  done | sort -n | sed -n 2p
}

: >"$TMP/rows.tsv"
for c in "${CASES[@]}"; do
  IFS='|' read -r group name file flags dir fn <<<"$c"
  echo "run.sh: $name" >&2
  lines=$(wc -l <"$file")
  rc=0
  # shellcheck disable=SC2086 # flags is a list of words on purpose.
  (cd "$dir" && "$CUSTODY" "$file" -- $flags) >"$TMP/findings.txt" 2>"$TMP/findings.err" || rc=$?
  if [ "$rc" -gt 1 ]; then
    echo "run.sh: custody failed on $file (exit $rc):" >&2
    tail -n 20 "$TMP/findings.err" >&2
    exit 1
  fi
  findings=$(grep -c ': warning: ' "$TMP/findings.txt" || true)
  # The same flags for all three; -w as custody adds it, so that clang does
  # not spend time on warnings custody does not print.
  # shellcheck disable=SC2086
  out=$(python3 "$HERE/timecmd.py" --reps "$REPS" --ok '0:::0:::0,1' --cwd "$dir" -- \
        "$CLANG" -fsyntax-only -w $flags "$file" ::: \
        "$CLANG" --analyze -o /dev/null $flags "$file" ::: \
        "$CUSTODY" "$file" -- $flags)
  # shellcheck disable=SC2086
  analysis=$(analysis_time "$dir" "$file" $flags)
  # shellcheck disable=SC2086
  fnparse=$(parse_time "$dir" "$fn" "$file" $flags)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$group" "$name" "$lines" "$findings" \
    "$(echo "$out" | tr '\n' '\t' | sed 's/\t$//')" "$analysis" "$fnparse" \
    "$([ -n "$fn" ] && echo 1 || echo 0)" >>"$TMP/rows.tsv"
done

python3 "$HERE/report.py" "$TMP/rows.tsv" $([ "$MARKDOWN" = 1 ] && echo --markdown)
echo
echo "syntax/analyze/custody s: median wall time; analysis s: what custody --verbose"
echo "reports for contracts and analysis (no parsing); MiB: peak RSS."
