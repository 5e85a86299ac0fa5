#!/usr/bin/env bash
# tests/bench/sandbox.sh: what one sandboxed run costs.
#
#   tests/bench/sandbox.sh [RUNS]
#
# 1. Per run, the grader's case: one probed sandbox reused for RUNS runs of
#    /bin/true (sandbox_run), against RUNS plain fork+exec+wait of the same
#    program, medians side by side (tests/bench/sandbox_bench.c): wall
#    time, and the CPU time spent (ours plus the box's, from its cgroup),
#    which other work on the machine hardly changes.
# 2. The whole command, probe included: `workbook sandbox -- /bin/true`
#    against /bin/true, medians from hyperfine (skipped without it or
#    without build/workbook).
#
# The target is at most 5 ms extra per run (1).  Numbers from a busy
# machine are worth little: the load average is printed with them, and
# as root (1) is also measured under SCHED_FIFO, out of the way of the
# machine's other work.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-200}
wb=${WB:-$top/build/workbook}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/wb-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
box=$tmp/box
mkdir "$box"

# shellcheck disable=SC2046
gcc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -I"$top/runner" \
	-o "$tmp/sandbox_bench" "$top/tests/bench/sandbox_bench.c" \
	"$top/runner/sandbox.c" "$top/runner/proc.c" "$top"/runner/util/*.c \
	$(pkg-config --cflags --libs libseccomp) -lpthread -lm

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "== one sandboxed run, probed sandbox reused ($runs runs)"
(cd "$box" && "$tmp/sandbox_bench" "$runs" "$box")

# The same at real-time priority (root only), so that other work on the
# machine does not add its scheduling delays to our hand-offs.  The
# program itself (/bin/true, plain or sandboxed) runs at normal priority:
# the sandbox drops real-time scheduling for what it runs.
if [ "$(id -u)" = 0 ] && command -v chrt >/dev/null 2>&1; then
	echo
	echo "== the same under SCHED_FIFO (no waiting for a CPU)"
	(cd "$box" && chrt -f 10 "$tmp/sandbox_bench" "$runs" "$box") |
		grep -v '^layers:'
fi

echo
echo "== the whole command, probe included"
if ! command -v hyperfine >/dev/null 2>&1; then
	echo "skipped: hyperfine is not installed"
	exit 0
fi
if ! [ -x "$wb" ] || ! "$wb" sandbox --layers >/dev/null 2>&1; then
	echo "skipped: no '$wb sandbox'"
	exit 0
fi
hyperfine -N --warmup 5 --runs 50 --export-json "$tmp/h.json" \
	"$wb sandbox --box $box -- /bin/true" "/bin/true" >/dev/null 2>&1
python3 - "$tmp/h.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
box, plain = r[0]["median"] * 1e3, r[1]["median"] * 1e3
print(f"workbook sandbox -- /bin/true: {box:8.3f} ms (median)")
print(f"/bin/true:                     {plain:8.3f} ms (median)")
print(f"extra, probe included:         {box - plain:8.3f} ms")
EOF
