#!/usr/bin/env bash
# The wasm section as a learner meets it: the starters fail with the
# feedback that explains them, the solutions pass and show the module's
# size, typical wrong answers (fixtures/wasm/) fail with the right
# feedback, and a missing tool makes the check skip, naming its package.
. "$(dirname "$0")/../lib.sh"
fix="$WB_TOP/tests/cli/fixtures/wasm"

for tool in clang wasm-ld node; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    skip "wasm section" "$tool is not installed (scripts/deps installs it)"
    done_testing
    exit
  fi
done

ws=$(make_workspace)

# The lesson author's proof: every starter fails and every solution passes.
run_wb "$ws" dev check wasm
expect_rc 0 "dev check wasm: starters fail, solutions pass"
expect_match "$out" '^ok - wasm/blur: starter fails at wasm' "dev check: wasm/blur"
expect_match "$out" '^ok - wasm/checksum: starter fails at wasm \(.*as fast as plain JavaScript' "dev check: wasm/checksum fails on speed"

run_wb "$ws" check wasm/blur
expect_rc 1 "blur: the starter fails"
expect_match "$out" 'wasm: .*within 1 pixel of the border' "blur: the harness names the border pixels"
expect_match "$out" 'divides by the size of the full window' "blur: feedback explains the edges"

cp "$WB_TOP/solutions/wasm/blur.c" "$ws/exercises/wasm/blur.c"
run_wb "$ws" check wasm/blur
expect_rc 0 "blur: the solution passes"
expect_match "$out" 'wasm [0-9]+ bytes .*<= 51200 bytes' "blur: the module's size is shown against its budget"
expect_match "$out" 'frames per second' "blur: feedback gives the frame rate"

run_wb "$ws" check --verbose wasm/blur
expect_match "$out" 'matches the reference on [0-9]+ images; module [0-9]+ bytes' "blur: the verbose message says what was compared"

cp "$fix/blur_rounding.c" "$ws/exercises/wasm/blur.c"
run_wb "$ws" check wasm/blur
expect_rc 1 "blur: rounding down fails"
expect_match "$out" 'each off by 1' "blur: the harness sees off-by-one pixels"
expect_match "$out" 'look at the rounding' "blur: feedback points at the rounding"

cp "$fix/blur_stringh.c" "$ws/exercises/wasm/blur.c"
run_wb "$ws" check wasm/blur
expect_rc 1 "blur: a C library header fails the wasm build"
expect_match "$out" 'does not compile for wasm32' "blur: the check says the wasm32 build failed"
expect_match "$out" "string.h' file not found" "blur: clang's message is shown"
expect_match "$out" 'no C library here' "blur: feedback explains the missing C library"

cp "$fix/blur_trap.c" "$ws/exercises/wasm/blur.c"
run_wb "$ws" check wasm/blur
expect_rc 1 "blur: an access outside linear memory fails"
expect_match "$out" 'node exited with status 1 while blurring .*memory access out of bounds' "blur: the trap and the step are named"
expect_match "$out" 'stopped it with a trap' "blur: feedback explains the trap"

run_wb "$ws" check wasm/checksum
expect_rc 1 "checksum: the starter fails"
expect_match "$out" 'as fast as plain JavaScript .*needs >= 4x' "checksum: the measured ratio and threshold are shown"

cp "$fix/checksum_overflow.c" "$ws/exercises/wasm/checksum.c"
run_wb "$ws" check wasm/checksum
expect_rc 1 "checksum: a block too long fails"
expect_match "$out" 'adler32 of 1 MiB of 0xff .* is 0x[0-9a-f]+, want 0x[0-9a-f]+' "checksum: the harness names the input"
expect_match "$out" 'b wrap around 2\^32' "checksum: feedback explains the overflow"

cp "$WB_TOP/solutions/wasm/checksum.c" "$ws/exercises/wasm/checksum.c"
run_wb "$ws" check wasm/checksum
expect_rc 0 "checksum: the solution passes"

# Without node on PATH the check skips and names the package.
bin=$(tmpdir)
for t in gcc cc as ld clang wasm-ld; do
  p=$(command -v "$t") && ln -s "$p" "$bin/$t"
done
o=$(cd "$ws" && PATH="$bin" "$WB" check --verbose wasm/blur 2>&1)
expect_match "$o" 'wasm +skip: node not found' "without node the wasm check skips"
expect_match "$o" 'nodejs' "the skip names the package to install"
expect_no_match "$o" '✓ wasm/blur' "with the check skipped the exercise does not pass"

done_testing
