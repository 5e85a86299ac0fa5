#!/usr/bin/env bash
# For lesson authors: `workbook new lesson` scaffolds a lesson that dev
# check passes at once; dev check reports reading pages that do not render,
# a solution that passes only without sanitizers, quiz answers out of
# range, and speaks JSON for CI.
. "$(dirname "$0")/../lib.sh"
ws=$(make_workspace)

run_wb "$ws" new lesson demo
expect_rc 0 "new lesson demo"
for f in lessons/demo/lesson.lua lessons/demo/reading.md lessons/demo/first_test.c \
  exercises/demo/first.c solutions/demo/first.c; do
  check "new lesson writes $f" test -s "$ws/$f"
done
expect_match "$(cat "$ws/lessons/course.lua")" 'sections = \{.*"demo" *\}' "demo is added to course.lua's sections"
lesson=$(cat "$ws/lessons/demo/lesson.lua")
for field in 'id = ' 'title = ' 'summary = ' 'needs = ' 'page "' 'quiz \{' 'ask = ' 'choices = ' \
  'answer = ' 'explain = ' 'on_answer = ' 'exercise \{' 'file = ' 'solution = ' 'points = ' \
  'checks = \{' 'compiles \{' 'tests "' 'sanitize \{' 'hints = \{' 'on_result = ' 'hidden'; do
  expect_match "$lesson" "$field" "lesson.lua shows '$field' with a comment"
done
run_wb "$ws" dev check demo
expect_rc 0 "dev check passes on the new lesson at once"
expect_match "$out" '^ok - demo/first: starter fails at tests' "its starter fails the tests, its solution passes"
expect_match "$out" '^ok - page demo/reading.md: renders' "its page renders"
expect_match "$out" '^ok - lesson demo: 1 quiz with answers in range; 1 exercise with hints and checks' "its quiz and exercise are sound"

run_wb "$ws" new lesson demo
expect_rc 2 "a second 'new lesson demo' is refused"
expect_match "$err" "already has a lesson 'demo'" "and says why"
run_wb "$ws" new lesson 'Bad Name'
expect_rc 2 "a lesson name with spaces is refused"
run_wb "$ws" new lesson
expect_rc 2 "new lesson without a name: usage"

# --- dev check's other reports --------------------------------------------------
cp "$ws/lessons/demo/reading.md" "$ws/reading.md.good"
printf '# Title\n\nbad byte: \xff here\n' > "$ws/lessons/demo/reading.md"
run_wb "$ws" dev check demo
expect_rc 1 "a page that is not UTF-8 fails dev check"
expect_match "$out" '^not ok - page demo/reading.md: is not UTF-8 \(line 3\)' "and names the line"
printf 'Only a paragraph, no heading.\n' > "$ws/lessons/demo/reading.md"
run_wb "$ws" dev check demo
expect_match "$out" '^not ok - page demo/reading.md: has no heading' "a page without a heading is reported"
cp "$ws/reading.md.good" "$ws/lessons/demo/reading.md"

# An exercise without a sanitize check whose solution reads past the array:
# its plain tests pass, AddressSanitizer does not.
sed -i '/^ *sanitize { "address", "undefined" },/d' "$ws/lessons/demo/lesson.lua"
cat > "$ws/solutions/demo/first.c" <<'C'
#include <stddef.h>
#include <string.h>

long sum_ints(const int *v, size_t n)
{
	int copy[64];
	long total = 0;

	if (n == 0 || n >= 64)
		return 0;
	memcpy(copy, v, (n + 1) * sizeof *v); /* one int too many */
	for (size_t i = 0; i < n; i++)
		total += copy[i];
	return total;
}
C
run_wb "$ws" dev check demo
expect_rc 1 "a solution that passes only without sanitizers fails dev check"
expect_match "$out" '^not ok - demo/first: the solution passes only without sanitizers: under address,undefined' \
  "and says so"
expect_match "$out" 'stack-buffer-overflow' "with the sanitizer's finding"

run_wb "$ws" dev check --format json demo
expect_rc 1 "dev check --format json: exit status 1 on a failure"
printf '%s\n' "$out" > "$ws/dev.json"
expect_match "$(python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
r={x["kind"]+" "+x["name"]: x for x in d["results"]}
print(d["schema"], d["total"], d["failed"], r["exercise demo/first"]["ok"],
      r["exercise demo/first"]["sanitized"]["status"], r["page demo/reading.md"]["ok"])' "$ws/dev.json" 2>&1)" \
  '^workbook-devcheck/1 3 1 False fail True$' "the JSON document holds every result, the sanitizer run included"
run_wb "$ws" dev check --format yaml demo
expect_rc 2 "an unknown dev check format is a usage error"

# A quiz whose answer is not one of its choices never loads: dev check
# names it as a broken lesson.
sed -i 's/^    answer = 3,/    answer = 5,/' "$ws/lessons/demo/lesson.lua"
run_wb "$ws" dev check demo
expect_rc 1 "a quiz answer out of range fails dev check"
expect_match "$out" '^not ok - lesson demo: .*lesson\.lua:[0-9]+: quiz answer 5 is out of range' \
  "and is named with file:line"
done_testing
