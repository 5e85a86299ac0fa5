#!/usr/bin/env bash
# workbook list: every section and exercise with its mark, the "D/N done"
# line, and the marks following the verdicts.  N and the names come from
# `list --format json`, never from this file.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/fixtures/helpers.sh"

ws=$(make_workspace)

run_wb "$ws" list --format json
expect_rc 0 "list --format json exits 0"
if is_json "$out"; then ok "list --format json is valid JSON"; else
  not_ok "list --format json is valid JSON"; diag "$out"; fi
json=$out

mapfile -t secs < <(sections "$ws")
mapfile -t exs < <(exercises "$ws" | cut -f1)
n=${#exs[@]}
check "the course has sections" test "${#secs[@]}" -gt 0
check "the course has exercises" test "$n" -gt 0
total=$(printf '%s' "$json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
check "json total ($total) counts every exercise ($n)" test "$total" = "$n"

run_wb "$ws" list
expect_rc 0 "list exits 0"
check "list writes nothing to stderr" test -z "$err"
expect_match "$out" "^0/$n done\$" "list ends with '0/$n done'"
for s in "${secs[@]}"; do
  expect_match "$out" "^$s( |\$)" "list shows section $s"
done
for x in "${exs[@]}"; do
  # Not tried yet: the middle dot, then the name.
  expect_match "$out" "^  · $x( |\$)" "list shows $x, not tried"
done
# Sections come in course order.
order=$(printf '%s\n' "$out" | grep -oE "^($(IFS='|'; echo "${secs[*]}"))( |\$)" | tr -d ' ' | paste -sd ' ')
check "sections are listed in course order" test "$order" = "${secs[*]}"

# No argument: line mode shows the same list.
run_wb "$ws"
expect_rc 0 "workbook with no command (not a terminal) exits 0"
expect_match "$out" "^0/$n done\$" "with no command it lists the course"

# A failed check marks the exercise with a cross.
first=$(exercises "$ws" | sed -n 1p)
name=${first%%$'\t'*}
file=${first#*$'\t'}
run_wb "$ws" check "$name"
expect_rc 1 "the starter of $name fails"
run_wb "$ws" list
expect_match "$out" "^  ✗ $name( |\$)" "after a failed check $name is marked ✗"
expect_match "$out" "^0/$n done\$" "still 0/$n done"
run_wb "$ws" list --format json
status=$(printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print([x["status"] for s in d["sections"] for x in s["exercises"] if x["name"] == sys.argv[1]][0])' "$name")
check "json status of $name is 'failed' ($status)" test "$status" = failed

# A pass marks it with a tick and counts it.
cp "$ws/$(solution_of "$file")" "$ws/$file"
run_wb "$ws" check "$name"
expect_rc 0 "the solution of $name passes"
run_wb "$ws" list
expect_match "$out" "^  ✓ $name( |\$)" "after a pass $name is marked ✓"
expect_match "$out" "^1/$n done\$" "list says 1/$n done"
run_wb "$ws" list --format json
done_n=$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["done"])')
check "json done is 1 ($done_n)" test "$done_n" = 1

# A later failure does not take a pass away.
printf 'this does not compile\n' >>"$ws/$file"
run_wb "$ws" check "$name"
expect_rc 1 "a broken edit of $name fails"
run_wb "$ws" list
expect_match "$out" "^  ✓ $name( |\$)" "a passed exercise stays ✓ after a later failure"

# Without UTF-8 the marks are plain ASCII.
o=$(cd "$ws" && LC_ALL=C "$WB" list 2>/dev/null)
expect_match "$o" "^  \\+ $name( |\$)" "in the C locale a pass is marked '+'"
expect_match "$o" "^  \\. ${exs[$((n - 1))]}( |\$)" "in the C locale not tried is '.'"

done_testing
