#!/usr/bin/env bash
# The hybrid section as a learner meets it: the starters fail with the
# feedback that explains them (a crashed interpreter, a leaked reference),
# the solutions pass with their measured speed-up, typical half-fixes
# (fixtures/hybrid/) fail with the right feedback, the pyext check's ctypes
# mode works, and a missing interpreter makes the checks skip.
. "$(dirname "$0")/../lib.sh"
fix="$WB_TOP/tests/cli/fixtures/hybrid"

ws=$(make_workspace)

# The lesson author's proof: every starter fails and every solution passes.
# (make test installs lua5.4, liblua5.4-dev and python3-dev first.)
run_wb "$ws" dev check hybrid
expect_rc 0 "dev check hybrid: starters fail, solutions pass"
expect_match "$out" '^ok - hybrid/fuzzy: ' "dev check: hybrid/fuzzy"
expect_match "$out" '^ok - hybrid/dither: ' "dev check: hybrid/dither"

# --- hybrid/fuzzy: a Lua C module -------------------------------------
if ! command -v lua5.4 >/dev/null 2>&1 || [ ! -f /usr/include/lua5.4/lua.h ]; then
  skip "hybrid/fuzzy" "lua5.4 or liblua5.4-dev is not installed (scripts/deps installs them)"
else
  run_wb "$ws" check hybrid/fuzzy
  expect_rc 1 "fuzzy: the starter fails"
  expect_match "$out" 'lua5.4 killed by SIGSEGV.* while calling fuzzy.distance\(nil, "abc"\)' \
    "fuzzy: the crash is named with the call that caused it"
  expect_match "$out" 'crashed the Lua interpreter itself' "fuzzy: feedback explains the crash"

  cp "$fix/fuzzy_tolstring.c" "$ws/exercises/hybrid/fuzzy.c"
  run_wb "$ws" check hybrid/fuzzy
  expect_rc 1 "fuzzy: an unchecked argument fails"
  expect_match "$out" 'fuzzy.distance\(nil, "abc"\) returned 3 instead of raising' "fuzzy: the script names the call"
  expect_match "$out" 'accepts arguments that are not strings' "fuzzy: feedback asks for the standard error"

  cp "$fix/fuzzy_strlen.c" "$ws/exercises/hybrid/fuzzy.c"
  run_wb "$ws" check hybrid/fuzzy
  expect_rc 1 "fuzzy: strlen on a Lua string fails"
  expect_match "$out" 'fuzzy.distance\("ab\\0cd", "ab\\0ce"\) returned 0, want 1' "fuzzy: the script shows the '\\0' bytes"
  expect_match "$out" 'strlen stops at the first' "fuzzy: feedback explains counted strings"

  cp "$WB_TOP/solutions/hybrid/fuzzy.c" "$ws/exercises/hybrid/fuzzy.c"
  run_wb "$ws" check hybrid/fuzzy
  expect_rc 0 "fuzzy: the solution passes"
  expect_match "$out" 'luamod [0-9.]+x .*>= 5x' "fuzzy: the speed-up is shown against its threshold"

  run_wb "$ws" check --verbose hybrid/fuzzy
  expect_match "$out" 'as fast as pure Lua \(best of [0-9]+ interleaved runs: ' "fuzzy: the message says how it was measured"

  o=$(cd "$ws" && WORKBOOK_LUA=/nonexistent/lua5.4 "$WB" check hybrid/fuzzy 2>&1)
  expect_match "$o" 'luamod +skip: lua5.4 not found.*install lua5.4' "fuzzy: without the interpreter the check skips, naming the package"
  expect_no_match "$o" '✓ hybrid/fuzzy' "fuzzy: a skipped check does not pass the exercise"
fi

# --- hybrid/dither: a CPython extension --------------------------------
if [ ! -x /usr/bin/python3 ] || ! /usr/bin/python3 -c 'import sysconfig, os, sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))'; then
  skip "hybrid/dither" "python3-dev is not installed (scripts/deps installs it)"
else
  run_wb "$ws" check hybrid/dither
  expect_rc 1 "dither: the starter fails"
  expect_match "$out" 'every result comes back with 1 reference too many.*leaked [0-9.]+ MiB' \
    "dither: the script measures the leak"
  expect_match "$out" 'Py_BuildValue\("O", out\) adds a reference' "dither: the hint names the extra reference"

  cp "$fix/dither_norelease.c" "$ws/exercises/hybrid/dither.c"
  run_wb "$ws" check hybrid/dither
  expect_rc 1 "dither: an unreleased buffer on the error path fails"
  expect_match "$out" 'after dither\(data, 0\) raised, the input has 1 more reference' "dither: the script names the error path"
  expect_match "$out" 'PyBuffer_Release, on every path' "dither: feedback explains Py_buffer"

  cp "$WB_TOP/solutions/hybrid/dither.c" "$ws/exercises/hybrid/dither.c"
  run_wb "$ws" check hybrid/dither
  expect_rc 0 "dither: the solution passes"
  expect_match "$out" 'pyext [0-9.]+x .*>= 10x' "dither: the speed-up is shown against its threshold"

  o=$(cd "$ws" && WORKBOOK_PYTHON=/nonexistent/python3 "$WB" check hybrid/dither 2>&1)
  expect_match "$o" 'pyext +skip: python3 not found.*install python3' "dither: without python3 the check skips, naming the package"

  # The ctypes mode, in a lesson of its own added to the workspace.
  cp -r "$fix/ctdemo" "$ws/lessons/ctdemo"
  mkdir -p "$ws/exercises/ctdemo" "$ws/solutions/ctdemo"
  cp "$fix/ctdemo_sum.c" "$ws/solutions/ctdemo/sum.c"
  cp "$fix/ctdemo_sum_wrong.c" "$ws/exercises/ctdemo/sum.c"
  sed -i 's/sections = {/sections = { "ctdemo",/' "$ws/lessons/course.lua"
  run_wb "$ws" check --verbose ctdemo/sum
  expect_rc 1 "ctypes: a wrong library fails"
  expect_match "$out" 'sum_squares of 256000 bytes is [0-9]+, want 5559680000' "ctypes: the script's message is the check's"
  expect_match "$out" 'learner-visible output' "ctypes: the script's own output is kept for the learner"
  expect_no_match "$out" 'WB1 ' "ctypes: report lines are not shown as output"

  cp "$fix/ctdemo_sum.c" "$ws/exercises/ctdemo/sum.c"
  run_wb "$ws" check --verbose ctdemo/sum
  expect_rc 0 "ctypes: the right library passes"
  expect_match "$out" 'sum_squares matches Python; arguments --big' "ctypes: a learner's run uses args"
  [ -f "$ws/.workbook/build/ctdemo/sum/pyext/libsum.so" ] && ok "ctypes: the library is named libsum.so" \
    || not_ok "ctypes: the library is named libsum.so"

  # A script that ends without a verdict, or dies, fails the check with
  # what happened; a report line with another nonce is not a verdict; a
  # lesson bug is an error, not a failure of the learner's code.
  run_wb "$ws" check --verbose ctdemo/odd
  expect_rc 1 "odd harness: the exercise does not pass"
  expect_match "$out" 'silent: the script ended without a verdict after doing something odd' "a script without a verdict fails"
  expect_match "$out" 'raises: python3 exited with status 1 while doing something odd: ValueError: the harness gave up' "a dying script is named with its exception"
  expect_match "$out" "bad mode: pyext: mode 'cffi' is neither" "an unknown mode is reported as a lesson bug"

  # dev check proves the course's own files: put the starter back first.
  cp "$fix/ctdemo_sum_wrong.c" "$ws/exercises/ctdemo/sum.c"
  run_wb "$ws" dev check ctdemo/sum
  expect_match "$out" '^ok - ctdemo/sum: starter fails at pyext \(sum_squares of 256000 bytes' "ctypes: dev check sees the starter fail and the solution pass"
fi

done_testing
