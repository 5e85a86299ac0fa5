#!/usr/bin/env bash
# The cli section as a learner meets it, and the startup and throughput
# check kinds through their paths: the starters fail with feedback that
# explains them, the solutions pass and show their measured figures (the
# startup check shows the C and the Python figure), typical wrong answers
# (fixtures/cli/) fail with the right message, and a missing reference
# tool makes a check skip with its package named.
#
# No timing threshold is tested here: the thresholds are the lesson's, and
# the fixtures that must fail are far from them (a 64 MiB table filled at
# start-up, a per-byte getc loop).
. "$(dirname "$0")/../lib.sh"
fix="$WB_TOP/tests/cli/fixtures/cli"

ws=$(make_workspace)

# The lesson author's proof: every starter fails and every solution passes.
run_wb "$ws" dev check cli
expect_rc 0 "dev check cli: starters fail, solutions pass"
expect_match "$out" '^ok - cli/grep: starter fails' "dev check: cli/grep"
expect_match "$out" '^ok - cli/wc: starter fails at throughput' "dev check: cli/wc fails only where it is slow"

# --- cli/grep -----------------------------------------------------------
run_wb "$ws" check cli/grep
expect_rc 1 "grep: the starter fails"
expect_match "$out" 'test_missing_file_is_reported' "grep: the failing tests are named"
expect_match "$out" 'A file that cannot be opened has to be reported' "grep: feedback on the silent skip"

cp "$WB_TOP/solutions/cli/grep.c" "$ws/exercises/cli/grep.c"
run_wb "$ws" check cli/grep
expect_rc 0 "grep: the solution passes"
expect_match "$out" 'startup [0-9.]+ ms .*<= 5 ms' "grep: the start-up time is shown against its budget"
expect_match "$out" 'throughput [0-9.]+x .*>= 0.5x' "grep: the speed ratio is shown against its threshold"
expect_match "$out" 'Start-up: [0-9.]+ ms for your grep, [0-9.]+ ms for python3 -c pass' \
  "grep: a new user sees the C and the Python start-up side by side"

run_wb "$ws" check --verbose cli/grep
expect_match "$out" 'starts in [0-9.]+ ms( of processor time)?, python3 -c pass in [0-9.]+ ms' \
  "grep: the startup message leads with both figures"
expect_match "$out" 'medians of 41 runs' "grep: the message says how start-up was measured"
expect_match "$out" '[0-9]+ MB/s against [0-9]+ MB/s for grep -F timeout DATA on 32 MB' \
  "grep: throughput names both speeds and the data size"

# The fixtures that must fail run with dev check's small workloads
# (WORKBOOK_QUICK=1): the verdict is the same, the suite is faster.
export WORKBOOK_QUICK=1
cp "$fix/grep_slow_start.c" "$ws/exercises/cli/grep.c"
run_wb "$ws" check cli/grep
expect_rc 1 "grep: a program that fills a big table at start-up fails"
expect_match "$out" 'startup failed: starts in [0-9.]+ ms' "grep: the startup check is the one that fails"
expect_match "$out" 'yours \(grep.c\) +median .* cpu' "grep: the failure shows the figures per batch"
expect_match "$out" 'python3 -c pass +median' "grep: ... with python3 beside them"
expect_match "$out" 'takes too long to start' "grep: feedback on start-up work"

# --- cli/wc ---------------------------------------------------------------
run_wb "$ws" check cli/wc
expect_rc 1 "wc: the starter fails"
expect_match "$out" 'tests: 6 tests passed' "wc: the starter is correct"
expect_match "$out" 'did not get through [0-9]+ MB in [0-9.]+ s; wc DATA took [0-9]+ ms' \
  "wc: a hopeless program is stopped, not waited for"
expect_match "$out" 'One read\(\) per byte' "wc: feedback names the system call per byte"

cp "$fix/wc_getc.c" "$ws/exercises/cli/wc.c"
run_wb "$ws" check cli/wc
expect_rc 1 "wc: getc per byte is not fast enough"
expect_match "$out" 'throughput failed: [0-9]+ MB/s against [0-9]+ MB/s for wc DATA' "wc: the ratio is measured"
expect_match "$out" 'not yet twice as fast' "wc: feedback on the per-byte cost"

unset WORKBOOK_QUICK
cp "$WB_TOP/solutions/cli/wc.c" "$ws/exercises/cli/wc.c"
run_wb "$ws" check cli/wc
expect_rc 0 "wc: the solution passes"
expect_match "$out" 'throughput [0-9.]+x .*>= 2x' "wc: the ratio is shown against its threshold"

# --- the kinds' other paths, in a lesson of their own ---------------------
mkdir -p "$ws/lessons/kinds" "$ws/exercises/kinds" "$ws/solutions/kinds"
cp "$fix/kinds/lesson.lua" "$ws/lessons/kinds/"
cp "$fix/kinds/cat.c" "$ws/solutions/kinds/cat.c"
cp "$fix/kinds/cat.c" "$ws/exercises/kinds/cat.c"
sed -i 's/sections = {/sections = { "kinds",/' "$ws/lessons/course.lua"
run_wb "$ws" check --verbose kinds/cat
expect_rc 1 "kinds: the exercise fails (wrong exit, tiny .text)"
expect_match "$out" 'like cat [0-9.]+x' "throughput: a program as fast as its reference passes"
expect_match "$out" 'missing tool +skip: wb-no-such-tool not found.*\(install wb-no-such-package\)' \
  "throughput: a missing reference skips, naming its package"
expect_match "$out" 'wrong exit: your program exited with status 0, expected 3' \
  "startup: a run with another exit status fails, naming both"
expect_match "$out" 'binary [0-9]+ bytes' "size: the stripped program's file size is measured"
expect_match "$out" 'tiny [0-9]+ bytes .*: \.text is [0-9]+ bytes, needs <= 10( |$)' \
  "size: a section over budget fails (a stripped program names no functions)"
expect_match "$out" '\| +\.bss +[0-9]+ bytes' "size: the output lists the allocated sections"

cp "$fix/kinds/cat_shout.c" "$ws/exercises/kinds/cat.c"
run_wb "$ws" check kinds/cat
expect_match "$out" "like cat: the output differs from cat DATA's: line [0-9]+ differs: expected '.*timeout.*', got '.*TIMEOUT.*'" \
  "throughput: different output fails with the first line that differs"

done_testing
