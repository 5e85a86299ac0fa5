#!/usr/bin/env bash
# The systems section as a learner meets it, and the forbid and baseline
# speedup checks: the starters fail with feedback that explains them, the
# solutions pass (the pool with the factor it measured against malloc),
# and an arena that is right in every test but calls malloc fails the
# forbid check, which names malloc and its line.
. "$(dirname "$0")/../lib.sh"
fix="$WB_TOP/tests/cli/fixtures/systems"

ws=$(make_workspace)

run_wb "$ws" check systems/arena
expect_rc 1 "arena: the starter fails"
expect_match "$out" 'test_addresses_are_aligned' "arena: the alignment test is named"
expect_match "$out" 'not a multiple of' "arena: the failure says the address is not aligned"
expect_match "$out" 'Round the address, not the offset' "arena: feedback on alignment"

cp "$WB_TOP/solutions/systems/arena.c" "$ws/exercises/systems/arena.c"
run_wb "$ws" check systems/arena
expect_rc 0 "arena: the solution passes"
expect_match "$out" 'forbid: uses none of malloc, calloc, realloc, free' "arena: forbid finds no allocator call"

cp "$fix/arena_malloc.c" "$ws/exercises/systems/arena.c"
run_wb "$ws" check systems/arena
expect_rc 1 "arena: a malloc fallback fails"
expect_match "$out" 'tests: 9 tests passed' "arena: ... although every test passes"
expect_match "$out" 'forbid failed: uses malloc \(line [0-9]+\), which is not allowed here: an arena hands out memory it already owns' \
  "arena: forbid names malloc, its line and why"
expect_match "$out" "arena\.c:[0-9]+: .*'malloc' is not allowed in this exercise" "arena: the diagnostic points at the line"
expect_match "$out" 'The object file still refers to malloc' "arena: feedback on forbid"

run_wb "$ws" check systems/pool
expect_rc 1 "pool: the starter fails"
expect_match "$out" 'test_capacity_uses_every_byte' "pool: the capacity test is named"
expect_match "$out" 'Fewer objects fit than the buffer allows' "pool: feedback on the bookkeeping table"

cp "$WB_TOP/solutions/systems/pool.c" "$ws/exercises/systems/pool.c"
run_wb "$ws" check systems/pool
expect_rc 0 "pool: the solution passes"
expect_match "$out" 'speedup [0-9.]+x' "pool: the factor against malloc is printed"
expect_match "$out" 'The pool ran the benchmark [0-9.]+ times faster than malloc and free' \
  "pool: feedback gives the factor"

done_testing
