#!/usr/bin/env bash
# Things going wrong around the course and its state: a lesson with a
# syntax error (named with file:line, the rest still listed), doctor, a
# corrupt or newer progress file (set aside with its bytes, a notice), and
# WORKBOOK_STATE choosing the progress file.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/fixtures/helpers.sh"

# ---- a broken lesson ---------------------------------------------------------

ws=$(make_workspace)
mapfile -t secs < <(sections "$ws")
mapfile -t rows < <(exercises "$ws")
check "the course has at least two sections" test "${#secs[@]}" -ge 2
broken=${secs[1]}
keep=${secs[0]}
cat >"$ws/lessons/$broken/lesson.lua" <<'EOF'
-- broken on purpose by tests/cli/t-state.sh
lesson {
  id = "BROKEN",
  title = "the comma at the end of this line is missing"
  page "reading.md",
}
EOF

run_wb "$ws" list
expect_rc 0 "list with a broken lesson exits 0"
expect_match "$err" "lessons/$broken/lesson\\.lua:5:" \
  "the broken lesson is named on stderr with file:line"
expect_match "$out" "^$keep( |\$)" "list still shows section $keep"
for row in "${rows[@]}"; do
  x=${row%%$'\t'*}
  case $x in
    "$broken"/*) ;;
    *) expect_match "$out" "^  [^ ]+ $x( |\$)" "list still shows $x" ;;
  esac
done
expect_match "$out" "^$broken .*broken" "the broken section is marked in the list"
expect_no_match "$out" "^  [^ ]+ $broken/" "the broken section lists no exercise"

run_wb "$ws" list --format json
expect_rc 0 "list --format json with a broken lesson exits 0"
err_field=$(printf '%s' "$out" | python3 -c '
import json, sys
for s in json.load(sys.stdin)["sections"]:
    if s["id"] == sys.argv[1]:
        print(s.get("error", ""))' "$broken" 2>/dev/null)
expect_match "$err_field" "lessons/$broken/lesson\\.lua:5:" "the JSON carries the error with file:line"

first=${rows[0]%%$'\t'*}
case $first in
  "$broken"/*) skip "a check outside the broken lesson" "first exercise is in it" ;;
  *)
    run_wb "$ws" check "$first"
    expect_rc 1 "an exercise of another lesson can still be checked"
    ;;
esac
run_wb "$ws" check "$broken"
expect_rc 2 "checking the broken section exits 2"
expect_match "$err" "lessons/$broken/lesson\\.lua:5:" "check names the broken lesson's error"

# dev check runs every exercise: keep the course to the two sections.
printf 'course { title = "two sections", sections = { "%s", "%s" } }\n' \
  "$keep" "$broken" >"$ws/lessons/course.lua"
run_wb "$ws" dev check
expect_rc 1 "dev check fails with a broken lesson"
expect_match "$out" "^not ok .*lessons/$broken/lesson\\.lua:5:" "dev check reports the broken lesson as 'not ok'"

# ---- doctor -------------------------------------------------------------------

ws=$(make_workspace)
run_wb "$ws" doctor
expect_rc 0 "doctor exits 0 (every required tool is here)"
expect_match "$out" "^gcc +ok" "doctor finds gcc"
expect_match "$out" "^cmocka +ok" "doctor finds cmocka"
expect_match "$out" "enables" "doctor says what each tool enables"

# ---- corrupt and newer progress files ------------------------------------------

ws=$(make_workspace)
mkdir -p "$ws/.workbook"
printf 'this is not a progress file\n\001\002 garbage\n' >"$ws/.workbook/progress"
old=$(tmpdir)/old
cp "$ws/.workbook/progress" "$old"
run_wb "$ws" list
expect_rc 0 "list with a corrupt progress file exits 0"
expect_match "$err" "corrupt" "a notice says the progress file was corrupt"
aside=$(ls "$ws/.workbook/" | grep '^progress\.corrupt-' | head -1)
check "the corrupt file is set aside as progress.corrupt-*" test -n "$aside"
check "the set-aside file holds the old bytes" cmp -s "$old" "$ws/.workbook/$aside"
expect_match "$err" "$aside" "the notice names where the old file went"
expect_match "$out" "^0/[0-9]+ done\$" "list starts from empty progress"
run_wb "$ws" list
expect_no_match "$err" "corrupt" "the notice is shown once"
run_wb "$ws" check "$first"
check "progress works again after the set-aside" \
  test "$(progress_field "$ws" "$first" attempts)" = 1

ws=$(make_workspace)
mkdir -p "$ws/.workbook"
printf 'workbook-progress 99\nexercise %s status=done attempts=1\n' "$first" >"$ws/.workbook/progress"
newer=$(tmpdir)/newer
cp "$ws/.workbook/progress" "$newer"
run_wb "$ws" list
expect_rc 0 "list with a progress file from a newer workbook exits 0"
expect_match "$err" "newer" "a notice says the file is from a newer workbook"
aside=$(ls "$ws/.workbook/" | grep '^progress\.newer-' | head -1)
check "the newer file is set aside, not overwritten" test -n "$aside"
check "the set-aside newer file holds its bytes" cmp -s "$newer" "$ws/.workbook/$aside"

# ---- WORKBOOK_STATE --------------------------------------------------------------

ws=$(make_workspace)
state=$(tmpdir)/elsewhere/progress
mkdir -p "$(dirname "$state")"
WORKBOOK_STATE=$state run_wb "$ws" check "$first"
expect_rc 1 "check with WORKBOOK_STATE exits 1 (starter)"
check "WORKBOOK_STATE: the progress is written there" \
  grep -qE "^exercise $first .*attempts=1" "$state"
check "WORKBOOK_STATE: nothing in the workspace's own progress" \
  bash -c "! grep -qsE '^exercise $first ' '$ws/.workbook/progress'"
WORKBOOK_STATE=$state run_wb "$ws" hint "$first"
check "WORKBOOK_STATE: hints are counted there" grep -qE "^exercise $first .*hints=1" "$state"
WORKBOOK_STATE=$state run_wb "$ws" list
expect_match "$out" "^  ✗ $first( |\$)" "WORKBOOK_STATE: list reads the marks from there"
run_wb "$ws" list
expect_match "$out" "^  · $first( |\$)" "without WORKBOOK_STATE the workspace's progress is used"

done_testing
