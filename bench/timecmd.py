#!/usr/bin/env python3
"""Times commands with a monotonic clock, for bench/run.sh.

    timecmd.py [--reps N] [--ok CODES] [--cwd DIR] -- CMD1 ARGS ::: CMD2 ARGS ::: ...

Runs one untimed warm-up of every command, then N rounds; in each round the
commands run one after the other, so a burst of load on the machine hits all
of them alike. Output and errors of the commands are discarded.

Prints one line per command, in order:

    median_seconds min_seconds max_seconds peak_rss_kib

--ok lists the exit codes that count as success for each command, separated
by ':::' like the commands, e.g. '0:::0:::0,1' (custody exits with 1 when it
has findings). Any other exit code stops the script with the command's
stderr and exit status 2. --cwd runs the commands in DIR (a compile
database's directory).

Peak RSS is the largest resident set of the command's own process over the
rounds (os.wait4's ru_maxrss, in KiB), not of its children.

A command whose executable is momentarily missing (being rebuilt) is retried
for up to three minutes. Only the standard library is used.
"""
import os
import statistics
import subprocess
import sys
import time


def split_on(items, sep):
    groups, cur = [], []
    for it in items:
        if it == sep:
            groups.append(cur)
            cur = []
        else:
            cur.append(it)
    groups.append(cur)
    return groups


def run_once(cmd, ok, cwd=None):
    """Runs cmd; returns (seconds, peak RSS in KiB)."""
    deadline = time.monotonic() + 180
    while True:
        try:
            start = time.perf_counter()
            proc = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE)
            break
        except OSError as e:  # Missing or not yet executable: a rebuild.
            if time.monotonic() > deadline:
                sys.exit(f"timecmd: cannot run {cmd[0]}: {e}")
            time.sleep(5)
    # Read stderr before waiting so a chatty command cannot block on a full
    # pipe; wait4 gives this child's own resource usage.
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stderr.close()
    if proc.returncode not in ok:
        sys.stderr.write(err.decode(errors="replace")[-4000:])
        sys.stderr.write(f"timecmd: '{' '.join(cmd)}' exited with "
                         f"{proc.returncode}\n")
        sys.exit(2)
    return elapsed, usage.ru_maxrss


def main(argv):
    reps, oks, cwd = 5, None, None
    args = argv[1:]
    while args and args[0] != "--":
        if args[0] == "--reps":
            reps = int(args[1])
            args = args[2:]
        elif args[0] == "--ok":
            oks = args[1]
            args = args[2:]
        elif args[0] == "--cwd":
            cwd = args[1]
            args = args[2:]
        else:
            sys.exit(__doc__)
    if not args or args[0] != "--" or len(args) < 2:
        sys.exit(__doc__)
    cmds = [c for c in split_on(args[1:], ":::")]
    if any(not c for c in cmds):
        sys.exit("timecmd: empty command")
    ok_sets = [{0}] * len(cmds)
    if oks:
        parts = oks.split(":::")
        if len(parts) != len(cmds):
            sys.exit("timecmd: --ok needs one entry per command")
        ok_sets = [{int(x) for x in p.split(",")} for p in parts]

    for cmd, ok in zip(cmds, ok_sets):  # Warm-up: caches, page cache, disk.
        run_once(cmd, ok, cwd)
    times = [[] for _ in cmds]
    rss = [0] * len(cmds)
    for _ in range(max(1, reps)):
        for i, (cmd, ok) in enumerate(zip(cmds, ok_sets)):
            t, r = run_once(cmd, ok, cwd)
            times[i].append(t)
            rss[i] = max(rss[i], r)
    for ts, r in zip(times, rss):
        print(f"{statistics.median(ts):.4f} {min(ts):.4f} {max(ts):.4f} {r}")


if __name__ == "__main__":
    main(sys.argv)
