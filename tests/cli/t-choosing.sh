#!/usr/bin/env bash
# The choosing section as a learner meets it: the scenario quizzes load
# with their answers, the shipped program (the starter) fails the speedup
# check with feedback that sends the learner to the profile, the solution
# passes, a half fix (sorting once, still quadratic) and a fast but wrong
# fix (a percentile off by one) fail with the right feedback, and the
# lesson's Python twin prints the same report as the C program.
. "$(dirname "$0")/../lib.sh"
fix="$WB_TOP/tests/cli/fixtures/choosing"

ws=$(make_workspace)

run_wb "$ws" dev check --verbose choosing
expect_rc 0 "dev check choosing: the starter fails, the solution passes"
expect_match "$out" '^ok - lesson choosing: ([0-9]+) quizzes' "dev check: the lesson and its quizzes load"
n=$(printf '%s\n' "$out" | sed -n 's/^ok - lesson choosing: \([0-9]*\) quizzes.*/\1/p')
if [ "${n:-0}" -ge 8 ]; then ok "at least 8 scenario quizzes ($n)"; else not_ok "at least 8 scenario quizzes (${n:-none})"; fi
expect_match "$out" '^ok - choosing/latency: starter fails at speedup \([0-9.]+x as fast as the shipped version' \
  "dev check: the shipped program is not faster than itself"
expect_match "$out" 'the time is still going where it went before' "the starter's feedback sends the learner to the profile"

# The starter is the shipped program, and the baseline is a copy of it.
if cmp -s "$WB_TOP/exercises/choosing/latency.c" "$WB_TOP/lessons/choosing/latency_shipped.c"; then
  ok "the speedup baseline is the starter, byte for byte"
else
  not_ok "the speedup baseline is the starter, byte for byte"
fi

cp "$fix/latency_off_by_one.c" "$ws/exercises/choosing/latency.c"
run_wb "$ws" check choosing/latency
expect_rc 1 "an off-by-one percentile fails"
expect_match "$out" 'report for 2000 requests failed: line 3: expected' "the io check names the first line that differs"
expect_match "$out" 'speedup +skip: not run' "no time is spent measuring a wrong report"
expect_match "$out" 'The report changed' "feedback: an optimisation must not change the output"

# The half fix measures about 6x at the quick size and 7-8x at the
# learner's size: the quick size keeps it well clear of the 10x bar, so a
# busy machine cannot push it over.
cp "$fix/latency_sort_once.c" "$ws/exercises/choosing/latency.c"
WORKBOOK_QUICK=1 run_wb "$ws" check choosing/latency
expect_rc 1 "sorting once with insertion sort is not enough"
expect_match "$out" 'speedup failed: [0-9.]+x as fast as the shipped version' "the half fix is measured"
expect_match "$out" 'still quadratic' "feedback: the sort itself is the problem"

cp "$WB_TOP/solutions/choosing/latency.c" "$ws/exercises/choosing/latency.c"
run_wb "$ws" check choosing/latency
expect_rc 0 "the solution passes"
expect_match "$out" 'speedup [0-9.]+x .*>= 10x' "the speed-up is shown against its threshold"
expect_match "$out" 'found by profiling' "feedback on the solution"

# The Python twin named in the reading prints the same report.
if [ -x /usr/bin/python3 ]; then
  for n in 1 2000; do
    /usr/bin/python3 "$WB_TOP/lessons/choosing/latency.py" "$n" >"$ws/py-$n.txt" 2>&1
    if cmp -s "$ws/py-$n.txt" "$WB_TOP/lessons/choosing/latency-$n.out"; then
      ok "latency.py $n prints the C program's report"
    else
      not_ok "latency.py $n prints the C program's report"
      diag "$(diff "$ws/py-$n.txt" "$WB_TOP/lessons/choosing/latency-$n.out" | head -10)"
    fi
  done
else
  skip "latency.py" "python3 is not installed (scripts/deps installs it)"
fi

done_testing
