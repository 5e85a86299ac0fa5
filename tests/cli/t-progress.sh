#!/usr/bin/env bash
# The learner's loop through the command line, and what progress keeps:
# hint (counted, capped), reset (exact starter bytes, no git needed,
# progress forgotten), solution (refused before the pass, shown after),
# next (checks the first unfinished exercise).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/fixtures/helpers.sh"

ws=$(make_workspace)
mapfile -t rows < <(exercises "$ws")
row=${rows[0]}
name=${row%%$'\t'*}
file=${row#*$'\t'}
second=${rows[1]%%$'\t'*}
starter=$(tmpdir)/starter.c
cp "$ws/$file" "$starter"
check "the workspace is not a git repository" \
  bash -c "! git -C '$ws' rev-parse --git-dir >/dev/null 2>&1"

# ---- hint ----------------------------------------------------------------------

run_wb "$ws" hint "$name"
expect_rc 0 "hint $name exits 0"
expect_match "$out" '^Hint 1/[0-9]+' "the first hint is 'Hint 1/N'"
nhints=$(printf '%s\n' "$out" | sed -n 's|^Hint 1/\([0-9]*\).*|\1|p')
check "the exercise has at least 2 hints ($nhints)" test "${nhints:-0}" -ge 2
first_hint=$out

run_wb "$ws" hint "$name"
expect_rc 0 "hint $name again exits 0"
expect_match "$out" "^Hint 2/$nhints" "the second hint is 'Hint 2/$nhints'"
check "the second hint differs from the first" test "$out" != "$first_hint"
check "progress records hints=2" test "$(progress_field "$ws" "$name" hints)" = 2

for ((i = 3; i <= nhints + 2; i++)); do run_wb "$ws" hint "$name"; done
expect_rc 0 "asking past the last hint exits 0"
expect_match "$out" "^Hint $nhints/$nhints" "past the end the last hint is shown again"
check "hints stop counting at $nhints" \
  test "$(progress_field "$ws" "$name" hints)" = "$nhints"

# Hints leave the exercise's file alone.
check "hints do not touch $file" cmp -s "$starter" "$ws/$file"

# ---- reset -------------------------------------------------------------------

run_wb "$ws" check "$name"
expect_rc 1 "the starter of $name fails"
check "progress records an attempt" test "$(progress_field "$ws" "$name" attempts)" = 1

printf '/* my own attempt */\nint broken(void) { return ; }\n' >"$ws/$file"
run_wb "$ws" reset "$name"
expect_rc 0 "reset $name exits 0"
expect_match "$out" "$file" "reset names the file it restored"
check "reset restores the exact starter bytes" cmp -s "$starter" "$ws/$file"
check "reset forgets the exercise's progress" \
  bash -c "! grep -qE '^exercise $name( |\$)' '$ws/.workbook/progress'"

# The learner deleted the file: the lesson must still load, or nothing
# can bring the file back.
rm -f "$ws/$file"
run_wb "$ws" list
expect_no_match "$err" "broken" "a deleted exercise file does not break its lesson"
run_wb "$ws" check "$name"
expect_rc 2 "check of a deleted exercise file exits 2"
expect_match "$err" "reset" "a deleted file points at 'workbook reset'"
run_wb "$ws" reset "$name"
expect_rc 0 "reset brings back a deleted file"
check "the deleted file is back, byte for byte" cmp -s "$starter" "$ws/$file"
[ -f "$ws/$file" ] || cp "$starter" "$ws/$file" # keep the rest independent
run_wb "$ws" list
expect_no_match "$err" "broken" "with the file back, the lesson loads"

# ---- solution ------------------------------------------------------------------

run_wb "$ws" solution "$name"
expect_rc 1 "solution before the pass exits 1"
expect_match "$err" "not passed" "solution before the pass says why"
check "solution before the pass prints nothing on stdout" test -z "$out"

sol=$ws/$(solution_of "$file")
cp "$sol" "$ws/$file"
run_wb "$ws" check "$name"
expect_rc 0 "the solution of $name passes"
check "progress records status=done" \
  test "$(progress_field "$ws" "$name" status)" = done
run_wb "$ws" solution "$name"
expect_rc 0 "solution after the pass exits 0"
if [ "$out" = "$(cat "$sol")" ]; then ok "solution prints the reference solution"
else not_ok "solution prints the reference solution"; diag "$out"; fi

# ---- next ------------------------------------------------------------------------

ws2=$(make_workspace)
run_wb "$ws2" next
expect_rc 1 "next on a fresh workspace exits 1 (the first starter fails)"
expect_match "$out" "^Next: $name( |\$)" "next picks the first exercise, $name"
check "next recorded an attempt for $name" \
  test "$(progress_field "$ws2" "$name" attempts)" = 1

cp "$ws2/$(solution_of "$file")" "$ws2/$file"
run_wb "$ws2" next
expect_rc 0 "next passes once $name is solved"
expect_match "$out" "^Next: $name( |\$)" "next still checks $name until it is done"
check "next recorded $name as done" \
  test "$(progress_field "$ws2" "$name" status)" = done

run_wb "$ws2" next
expect_match "$out" "^Next: $second( |\$)" "then next moves on to $second"
check "next recorded an attempt for $second" \
  test "$(progress_field "$ws2" "$second" attempts)" = 1

done_testing
