#!/usr/bin/env bash
# The security section as a learner meets it, and the fuzz and forbid
# checks: the starters fail, the solutions pass (the fuzz run says how
# many inputs it tried), and a TLV parser with an off-by-one header check,
# which passes every test, fails the fuzz check with the crashing input
# shown in hex.  Without clang's fuzzer the fuzz check must skip, naming
# the package, never pass.
. "$(dirname "$0")/../lib.sh"
fix="$WB_TOP/tests/cli/fixtures/security"

ws=$(make_workspace)
have_fuzzer=0
if command -v clang >/dev/null 2>&1 &&
  [ -n "$(ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a 2>/dev/null)" ]; then
  have_fuzzer=1
fi

# --- security/tlv -----------------------------------------------------------
run_wb "$ws" check security/tlv
expect_rc 1 "tlv: the starter fails"
expect_match "$out" 'test_truncated_header|test_truncated_value|test_oversized_value' \
  "tlv: the truncated and oversized tests are named"

cp "$WB_TOP/solutions/security/tlv.c" "$ws/exercises/security/tlv.c"
run_wb "$ws" check security/tlv
if [ "$have_fuzzer" = 1 ]; then
  expect_rc 0 "tlv: the solution passes"
  expect_match "$out" 'fuzz [0-9]+ inputs' "tlv: the number of inputs tried is printed"
else
  expect_rc 1 "tlv: without libFuzzer the exercise is not proven"
  expect_match "$out" 'fuzz +skip: .*\(install (clang|libclang-rt-[0-9]+-dev)\)' \
    "tlv: the fuzz check skips naming the package"
fi

cp "$fix/tlv_offbyone.c" "$ws/exercises/security/tlv.c"
run_wb "$ws" check security/tlv
expect_match "$out" 'tests: 8 tests passed' "tlv: an off-by-one header check passes the tests"
if [ "$have_fuzzer" = 1 ]; then
  expect_rc 1 "tlv: ... and fails the fuzz check"
  expect_match "$out" 'fuzz failed: heap-buffer-overflow at tlv\.c:[0-9]+ on the input( [0-9a-f]{2})+ \([0-9]+ bytes, in hex\)' \
    "tlv: the fuzz check names the overflow and shows the input in hex"
  expect_match "$out" 'READ of size 1' "tlv: the diagnostic says it is a read"
  expect_match "$out" 'the fuzzer found an input that breaks the parser' "tlv: feedback on the fuzz failure"
  # The same seed and run count give the same input every time.
  first=$(printf '%s\n' "$out" | grep -o 'on the input[ 0-9a-f]*' | head -1)
  run_wb "$ws" check security/tlv
  second=$(printf '%s\n' "$out" | grep -o 'on the input[ 0-9a-f]*' | head -1)
  if [ -n "$first" ] && [ "$first" = "$second" ]; then
    ok "tlv: a second run finds the same input"
  else
    not_ok "tlv: a second run finds the same input ('$first' then '$second')"
  fi
else
  skip "tlv: ... and fails the fuzz check" "clang's libFuzzer is not installed"
fi

# --- security/parseint ------------------------------------------------------
run_wb "$ws" check security/parseint
expect_rc 1 "parseint: the starter fails"
expect_match "$out" 'test_garbage_is_einval|test_too_big_for_a_long_is_erange' "parseint: the hostile-text tests are named"
expect_match "$out" 'sanitize: .*signed-integer-overflow|signed-integer-overflow' \
  "parseint: UBSan reports the signed overflow"

cp "$WB_TOP/solutions/security/parseint.c" "$ws/exercises/security/parseint.c"
run_wb "$ws" check security/parseint
expect_rc 0 "parseint: the solution passes"
expect_match "$out" 'forbid: uses none of atoi, atol, atoll, sscanf' "parseint: no atoi in the object"

# --- security/bounded -------------------------------------------------------
run_wb "$ws" check security/bounded
expect_rc 1 "bounded: the starter fails"
expect_match "$out" 'test_hostile_name|test_one_byte_short_fails' "bounded: the hostile-length tests are named"

cp "$WB_TOP/solutions/security/bounded.c" "$ws/exercises/security/bounded.c"
run_wb "$ws" check security/bounded
expect_rc 0 "bounded: the solution passes"
expect_match "$out" 'forbid: uses none of strcpy, strcat, sprintf, vsprintf, gets, stpcpy' \
  "bounded: no unbounded copy in the object"

# A copy that is right for every test but still calls strcpy.
sed -e 's/memcpy(dst, dir, dl);/strcpy(dst, dir);/' \
  "$WB_TOP/solutions/security/bounded.c" >"$ws/exercises/security/bounded.c"
run_wb "$ws" check security/bounded
expect_rc 1 "bounded: a strcpy that happens to fit still fails"
expect_match "$out" 'forbid failed: uses strcpy \(line [0-9]+\)' "bounded: forbid names strcpy and its line"

done_testing
