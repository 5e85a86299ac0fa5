#!/usr/bin/env bash
# The embedded section as a learner meets it, and the freestanding and size
# check kinds: the starters fail with feedback that explains them, the
# solutions pass with their code size shown, typical wrong answers
# (fixtures/embedded/) fail the right check with the right message, and
# the optional Cortex-M run skips with its packages named when the tools
# are missing (or runs and passes when they are there).
. "$(dirname "$0")/../lib.sh"
fix="$WB_TOP/tests/cli/fixtures/embedded"

ws=$(make_workspace)

run_wb "$ws" dev check embedded
expect_rc 0 "dev check embedded: starters fail, solutions pass"
expect_match "$out" '^ok - embedded/blink: starter fails at tests' "dev check: embedded/blink"
expect_match "$out" '^ok - embedded/ring: starter fails at tests' "dev check: embedded/ring"

# --- embedded/blink --------------------------------------------------------
run_wb "$ws" check embedded/blink
expect_rc 1 "blink: the starter fails"
expect_match "$out" 'test_init_keeps_other_pins_modes' "blink: the failing tests are named"
expect_match "$out" 'blink_init wrote odr directly' "blink: the simulated port catches a direct odr write"
expect_match "$out" 'Your code assigns odr' "blink: feedback explains why odr is off limits"

cp "$WB_TOP/solutions/embedded/blink.c" "$ws/exercises/embedded/blink.c"
run_wb "$ws" check embedded/blink
expect_rc 0 "blink: the solution passes"
expect_match "$out" 'size [0-9]+ bytes .*<= 256 bytes' "blink: the code size is shown against its budget"
expect_match "$out" 'freestanding: builds freestanding with -Os and needs nothing from a C library' \
  "blink: the freestanding build needs no library"
expect_match "$out" 'Its code is [0-9]+ bytes' "blink: feedback puts the size beside the guide's figures"
if command -v arm-none-eabi-gcc >/dev/null 2>&1 && command -v qemu-system-arm >/dev/null 2>&1; then
  expect_match "$out" 'cortex-m: runs on an emulated cortex-m3' "blink: the Cortex-M3 run passes"
elif command -v arm-none-eabi-gcc >/dev/null 2>&1; then
  expect_match "$out" 'cortex-m +skip: qemu-system-arm not found.*\(install qemu-system-arm\)' \
    "blink: without qemu the Cortex-M run skips, naming the package"
else
  expect_match "$out" 'cortex-m +skip: arm-none-eabi-gcc not found: the cortex-m3 build is optional \(install gcc-arm-none-eabi\)' \
    "blink: without the ARM compiler the Cortex-M check skips, naming the package"
fi

cp "$fix/blink_debug_printf.c" "$ws/exercises/embedded/blink.c"
run_wb "$ws" check embedded/blink
expect_rc 1 "blink: a debug printf fails"
expect_match "$out" 'tests: 12 tests passed' "blink: ... although the host tests pass"
expect_match "$out" 'freestanding failed: built freestanding with -Os, the object still needs printf from outside' \
  "blink: freestanding names printf"
expect_match "$out" 'printf +there is no stdio' "blink: the output says why printf is missing"
expect_match "$out" 'The object needs printf from a library' "blink: feedback names the symbol"

cp "$fix/blink_bloated.c" "$ws/exercises/embedded/blink.c"
run_wb "$ws" check embedded/blink
expect_rc 1 "blink: code over the budget fails"
expect_match "$out" 'size failed: \.text is [0-9]+ bytes, needs <= 256 \(blink_' "blink: size names the largest functions"
expect_match "$out" 'blink_self_test +[0-9]+ bytes' "blink: the output lists every function's size"
expect_match "$out" 'does not fit the budget' "blink: feedback on the size"

# --- embedded/ring -----------------------------------------------------------
run_wb "$ws" check embedded/ring
expect_rc 1 "ring: the starter fails"
expect_match "$out" 'ring_put refused byte 64' "ring: the test says which byte was refused"
expect_match "$out" 'keeps one slot empty' "ring: feedback on the wasted slot"

cp "$fix/ring_malloc.c" "$ws/exercises/embedded/ring.c"
run_wb "$ws" check embedded/ring
expect_rc 1 "ring: storage from malloc fails"
expect_match "$out" 'tests: 8 tests passed' "ring: ... although the tests pass"
expect_match "$out" 'forbid failed: uses malloc \(line [0-9]+\), which is not allowed here: firmware has no heap' "ring: forbid names malloc"
expect_match "$out" 'freestanding: built freestanding with -Os, the object still needs malloc from outside' "ring: freestanding names malloc too"
expect_match "$out" 'takes its storage from the heap' "ring: feedback on the heap"

cp "$WB_TOP/solutions/embedded/ring.c" "$ws/exercises/embedded/ring.c"
run_wb "$ws" check embedded/ring
expect_rc 0 "ring: the solution passes"

done_testing
