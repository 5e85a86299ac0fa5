#!/usr/bin/env bash
# Progress survives abuse: `workbook check` killed with SIGKILL at many
# different moments (compiling, testing, saving) never leaves a progress
# file that the next run calls corrupt, and the lock dies with its holder;
# concurrent checks each record their attempt (no lost update).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/fixtures/helpers.sh"

ws=$(make_workspace)
mapfile -t rows < <(exercises "$ws")
quick=${rows[0]%%$'\t'*} # fails at its first check: the save comes early
slow=${rows[1]%%$'\t'*}  # runs tests: the kill lands in builds and runs
wb_real=$(readlink -f "$WB")

# started PID: wait until the background job has become workbook.
started() {
  local i
  for ((i = 0; i < 500; i++)); do
    [ "$(readlink -f "/proc/$1/exe" 2>/dev/null)" = "$wb_real" ] && return 0
    kill -0 "$1" 2>/dev/null || return 1
    sleep 0.01
  done
  return 1
}

# kill_during NAME DELAY: start `check NAME`, SIGKILL it DELAY s later.
kill_during() {
  (cd "$ws" && exec "$WB" check "$1" >/dev/null 2>&1 </dev/null) &
  local pid=$!
  started "$pid" || true
  sleep "$2"
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
}

# healthy LABEL: the next run loads the progress without a notice.
healthy() {
  run_wb "$ws" list --format json
  if [ "$rc" -eq 0 ] && ! printf '%s\n' "$err" | grep -qiE 'corrupt|newer|set aside|moved'; then
    ok "$1: the next list loads progress cleanly"
  else
    not_ok "$1: the next list loads progress cleanly (status $rc)"; diag "$err"
  fi
  if [ -e "$ws/.workbook/progress" ]; then
    check "$1: the progress file starts with its header" \
      grep -qx 'workbook-progress 1' <(head -1 "$ws/.workbook/progress")
  fi
}

for d in 0 0.01 0.03 0.06 0.1 0.15 0.2 0.3 0.45 0.7; do
  kill_during "$quick" "$d"
  healthy "SIGKILL of check $quick after ${d}s"
done
for d in 0.2 0.5 0.9 1.4 2; do
  kill_during "$slow" "$d"
  healthy "SIGKILL of check $slow after ${d}s"
done
check "no corrupt file was ever set aside" \
  bash -c "! ls '$ws/.workbook/' | grep -q 'corrupt'"

# Kills at the exact moments of the save, injected by strace: at the
# rename that puts the new file in place, and at the fsync before it.
# The old progress must come through byte for byte.
if command -v strace >/dev/null 2>&1; then
  for sc in rename,renameat,renameat2 fsync,fdatasync; do
    snap=$(tmpdir)/progress
    cp "$ws/.workbook/progress" "$snap"
    (cd "$ws" && strace -f -o /dev/null -e trace="$sc" \
      -e inject="$sc":signal=KILL "$WB" check "$quick" >/dev/null 2>&1 </dev/null) 2>/dev/null
    st=$?
    check "strace killed check at ${sc%%,*} (status $st)" test "$st" -eq 137
    check "killed at ${sc%%,*}: the old progress is intact" \
      cmp -s "$snap" "$ws/.workbook/progress"
    healthy "SIGKILL at ${sc%%,*}"
  done
  leftovers=$(ls "$ws/.workbook/" | grep -c '\.tmp-' || true)
  diag "temporary progress files left by the killed runs: $leftovers"
else
  skip "SIGKILL at the save's rename and fsync" "strace is not installed"
fi

# After all that, a check still records exactly one more attempt: the lock
# of every killed run was released.
before=$(progress_field "$ws" "$quick" attempts)
before=${before:-0}
run_wb "$ws" check "$quick"
expect_rc 1 "a check after the kills runs to the end"
check "it records exactly one more attempt ($before -> $((before + 1)))" \
  test "$(progress_field "$ws" "$quick" attempts)" = $((before + 1))

# ---- concurrent checks -----------------------------------------------------------

ws=$(make_workspace)
a=${rows[0]%%$'\t'*}
b=${rows[1]%%$'\t'*}
for round in 1 2 3; do
  (cd "$ws" && "$WB" check "$a" >/dev/null 2>&1) &
  pa=$!
  (cd "$ws" && "$WB" check "$b" >/dev/null 2>&1) &
  pb=$!
  wait "$pa"; ra=$?
  wait "$pb"; rb=$?
  check "round $round: both concurrent checks finished with a verdict ($ra, $rb)" \
    test "$ra" -eq 1 -a "$rb" -eq 1
done
check "concurrent checks: $a recorded 3 attempts" \
  test "$(progress_field "$ws" "$a" attempts)" = 3
check "concurrent checks: $b recorded 3 attempts" \
  test "$(progress_field "$ws" "$b" attempts)" = 3

# The same exercise twice at once: both attempts count.
(cd "$ws" && "$WB" check "$a" >/dev/null 2>&1) &
p1=$!
(cd "$ws" && "$WB" check "$a" >/dev/null 2>&1) &
p2=$!
wait "$p1" "$p2"
check "two checks of $a at once: 5 attempts in all" \
  test "$(progress_field "$ws" "$a" attempts)" = 5
healthy "after the concurrent checks"

done_testing
