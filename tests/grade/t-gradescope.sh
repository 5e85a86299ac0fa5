#!/usr/bin/env bash
# The Gradescope bundle end to end in a temporary autograder root: the
# builder makes a zip with setup.sh and run_autograder at the top and no
# solutions; setup.sh builds workbook from it; run_autograder grades a
# submission into results/results.json, valid against the schema, with the
# expected score, whatever the submission tries (a constructor forging the
# results file); a broken grader still leaves a valid results.json.
. "$(dirname "$0")/../lib.sh"
schemas=$WB_TOP/tests/schemas
validate() { # FILE NAME
  if /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
    if msg=$(/usr/bin/python3 -m jsonschema -i "$1" "$schemas/gradescope-results.schema.json" 2>&1); then
      ok "$2"
    else not_ok "$2"; diag "$msg"; fi
  else skip "$2" "python3-jsonschema missing"; fi
}
score() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["score"])' "$1"; }

for tool in zip unzip make; do
  command -v $tool >/dev/null || { skip "gradescope bundle" "$tool missing"; done_testing; exit; }
done

t=$(tmpdir)
out=$(cd "$WB_TOP" && make -n gradescope ONLY="intro memory/overflow" 2>&1)
expect_match "$out" 'make-bundle.sh --out autograder.zip --only "intro memory/overflow"' \
  "make gradescope runs the bundle builder with ONLY"

if "$WB_TOP/scripts/gradescope/make-bundle.sh" --out "$t/autograder.zip" \
  --only intro/hello,memory/overflow > "$t/bundle.log" 2>&1; then
  ok "the bundle builds"
else not_ok "the bundle builds"; diag "$(cat "$t/bundle.log")"; done_testing; exit; fi
list=$(unzip -Z1 "$t/autograder.zip")
expect_match "$list" '^setup\.sh$' "setup.sh at the top of the zip"
expect_match "$list" '^run_autograder$' "run_autograder at the top of the zip"
expect_match "$list" '^lessons/memory/overflow_test\.c$' "the lessons' test files are in it"
expect_no_match "$list" '^solutions/' "no solution is in it"
"$WB_TOP/scripts/gradescope/make-bundle.sh" --out "$t/again.zip" \
  --only intro/hello,memory/overflow > /dev/null 2>&1
check "the same sources give the same zip" cmp "$t/autograder.zip" "$t/again.zip"

root=$t/root
mkdir -p "$root/source"
(cd "$root/source" && unzip -q "$t/autograder.zip")
expect_match "$(ls -l "$root/source/run_autograder")" '^-rwx' "run_autograder is executable"
if AUTOGRADER_ROOT=$root bash "$root/source/setup.sh" > "$t/setup.log" 2>&1; then
  ok "setup.sh builds workbook in the autograder root"
else not_ok "setup.sh builds workbook"; diag "$(tail -20 "$t/setup.log")"; done_testing; exit; fi

# A submission: hello right, overflow wrong and forging the results file
# from a constructor (the tests run it first thing).
sub=$root/submission
mkdir -p "$sub/memory"
cp "$WB_TOP/solutions/intro/hello.c" "$sub/hello.c"   # a flat upload
cat > "$sub/memory/overflow.c" <<C
#include <stddef.h>
#include <stdio.h>
#include <string.h>

__attribute__((constructor)) static void forge(void)
{
	FILE *f = fopen("$root/results/results.json", "w");
	if (f) {
		fputs("{\"score\": 100, \"tests\": []}\n", f);
		fclose(f);
	}
}

size_t copy_name(char *dst, size_t size, const char *src)
{
	strncpy(dst, src, size);
	return strlen(src);
}
C
if AUTOGRADER_ROOT=$root bash "$root/source/run_autograder" > "$t/run.log" 2>&1; then
  ok "run_autograder exits 0"
else not_ok "run_autograder exits 0"; diag "$(cat "$t/run.log")"; fi
res=$root/results/results.json
validate "$res" "results.json validates against the Gradescope schema"
expect_match "$(score "$res")" '^1(\.0)?$' "the submission scores 1 of 3 (hello right, overflow wrong), not the forged 100"
expect_match "$(python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
print([t["status"] for t in d["tests"] if t["name"] == "memory/overflow"])' "$res")" "failed" \
  "memory/overflow is reported failed"

# An empty submission: every exercise "not submitted", still valid.
rm -rf "$sub"; mkdir -p "$sub"
AUTOGRADER_ROOT=$root bash "$root/source/run_autograder" > "$t/run2.log" 2>&1
validate "$res" "an empty submission still gives a valid results.json"
expect_match "$(score "$res")" '^0(\.0)?$' "an empty submission scores 0"
expect_match "$(cat "$res")" 'not submitted' "and says what is missing"

# A grader that cannot run: a valid report that says so.
AUTOGRADER_ROOT=$root WORKBOOK=/bin/false bash "$root/source/run_autograder" > "$t/run3.log" 2>&1
validate "$res" "a failing grader still leaves a valid results.json"
expect_match "$(cat "$res")" 'could not grade' "which tells the student to ask"
done_testing
