#!/usr/bin/env bash
# Instructor tooling on a lesson pack of its own (tests/grade/course, used
# through --course and WORKBOOK_COURSE): partial credit per check and
# hidden checks in grades and reports; export --student without solutions
# or hidden checks (both conventions), loadable, as a git repository and a
# reproducible tarball; the GitHub Classroom workflow's points step; the
# hidden-check conventions' errors.
. "$(dirname "$0")/../lib.sh"
schemas=$WB_TOP/tests/schemas

pack=$(tmpdir)
cp -r "$WB_TOP/tests/grade/course/." "$pack/"
ws=$(tmpdir) # an instructor's folder outside the pack
mkdir -p "$ws/.workbook"

# --- grading with partial credit ---------------------------------------------
subs=$(tmpdir)
mkdir -p "$subs"/{full,partial,none}/count
cp "$pack/solutions/count/count.c" "$subs/full/count/"
cp "$pack/exercises/count/count.c" "$subs/none/count/"
cat > "$subs/partial/count/count.c" <<'C'
#include <stddef.h>

/* Counts the terminator too when asked for '\0': the hidden edge case. */
size_t count_char(const char *s, char c)
{
	size_t n = 0;

	for (;; s++) {
		n += *s == c;
		if (!*s)
			break;
	}
	return n;
}
C
run_wb "$ws" --course "$pack" grade "$subs" --format csv
expect_rc 1 "grade --course: some students fail"
expect_match "$out" '^full,4,4,4' "full marks: 4 of 4"
expect_match "$out" '^partial,3,3,4' "partial credit: the hidden edge cases cost 1 point"
expect_match "$out" '^none,2,2,4' "the starter keeps the compile point and the edge case it gets right"
WORKBOOK_COURSE=$pack run_wb "$ws" grade "$subs" --format csv
expect_match "$out" '^partial,3,3,4' "WORKBOOK_COURSE works like --course"

run_wb "$ws" --course "$pack" grade "$subs" --format json
printf '%s\n' "$out" > "$ws/class.json"
expect_match "$(python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
s=[s for s in d["students"] if s["student"]=="partial"][0]
print(" ".join("%s:%s:%s" % (c["name"], c["hidden"], c["status"]) for c in s["exercises"][0]["checks"]))' "$ws/class.json")" \
  '^compiles:False:pass tests:False:pass edge cases:True:fail sanitize \(hidden\):True:fail$' \
  "json: hidden checks are marked hidden"
run_wb "$ws" --course "$pack" grade "$subs" --format gradescope --out "$ws/gs"
expect_match "$(python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
print(" ".join(t["visibility"] for t in d["tests"]))' "$ws/gs/partial/results.json")" \
  '^visible visible visible hidden hidden$' "gradescope: hidden checks have visibility hidden"

# --- export --student ----------------------------------------------------------
out_dir=$ws/student
run_wb "$ws" --course "$pack" export --student "$out_dir" --git --tar "$ws/student.tar.gz"
expect_rc 0 "export --student succeeds"
expect_match "$out" 'hidden checks and 1 file only they use' "export says what it left out"
check "no solutions/ in the copy" test ! -e "$out_dir/solutions"
check "the hidden test file stays behind" test ! -e "$out_dir/lessons/count/count_hidden_test.c"
check "the visible test file is there" test -f "$out_dir/lessons/count/count_test.c"
check "the starter is there" cmp "$pack/exercises/count/count.c" "$out_dir/exercises/count/count.c"
expect_no_match "$(cat "$out_dir/lessons/count/lesson.lua")" 'hidden *= *true|-- hidden [{}]|count_hidden_test' \
  "lesson.lua keeps no hidden check, marker or hidden file name"
expect_match "$(cat "$out_dir/lessons/count/lesson.lua")" 'tests \{ file = "count_test.c", points = 2 \}' \
  "lesson.lua keeps the visible checks as written"
run_wb "$out_dir" list
expect_rc 0 "the student copy loads as a course of its own"
run_wb "$out_dir" check count/count
expect_rc 1 "in the student copy the starter fails"
expect_match "$out" 'compiles' "with the visible checks"
expect_no_match "$out" 'edge cases|hidden' "and no hidden one"
cp "$pack/solutions/count/count.c" "$out_dir/exercises/count/count.c"
run_wb "$out_dir" check count/count
expect_rc 0 "in the student copy the solution passes"
expect_match "$(git -C "$out_dir" log --oneline 2>&1)" 'Student copy of "Grading fixture"' "--git: one commit"
tarlist=$(tar tzf "$ws/student.tar.gz")
expect_match "$tarlist" '^student/lessons/count/lesson.lua$' "--tar: the copy is in the tarball"
expect_no_match "$tarlist" '\.git/|solutions|\.workbook' "--tar: no .git, solutions or state"
mkdir -p "$ws/r1" "$ws/r2"
run_wb "$ws" --course "$pack" export --student "$ws/r1/copy" --tar "$ws/r1.tar.gz"
run_wb "$ws" --course "$pack" export --student "$ws/r2/copy" --tar "$ws/r2.tar.gz"
check "the tarball is reproducible (byte for byte)" cmp "$ws/r1.tar.gz" "$ws/r2.tar.gz"
run_wb "$ws" --course "$pack" export --student "$out_dir"
expect_rc 2 "export refuses a folder that is not empty"

# The conventions' errors: a multi-line hidden check without markers, a
# marker never closed.  Nothing is left behind.
bad=$(tmpdir)
cp -r "$pack/." "$bad/"
python3 - "$bad/lessons/count/lesson.lua" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
s = s.replace('      -- hidden {\n', '').replace('      -- hidden }\n', '')
open(p, 'w').write(s)
PY
run_wb "$ws" --course "$bad" export --student "$ws/bad1"
expect_rc 2 "a hidden check over several lines without markers is refused"
expect_match "$err" 'lesson\.lua:[0-9]+: a hidden check written over several lines' "with file:line"
check "and nothing is left behind" test ! -e "$ws/bad1"
cp "$pack/lessons/count/lesson.lua" "$bad/lessons/count/lesson.lua"
sed -i '/-- hidden }/d' "$bad/lessons/count/lesson.lua"
run_wb "$ws" --course "$bad" export --student "$ws/bad2"
expect_rc 2 "an unclosed '-- hidden {' is refused"
expect_match "$err" "never closed" "and named"

# --- the GitHub Classroom workflow ----------------------------------------------
run_wb "$ws" --course "$pack" export --student "$ws/classroom" --github-classroom
wf=$ws/classroom/.github/workflows/classroom.yml
check "--github-classroom adds .github/workflows/classroom.yml" test -f "$wf"
if python3 -c 'import yaml' 2>/dev/null; then
  # Run the workflow's grading step here, as the runner would.
  python3 - "$wf" > "$ws/step.sh" <<'PY'
import sys, yaml
wf = yaml.safe_load(open(sys.argv[1]))
job = wf["jobs"]["run-autograding-tests"]
assert job["name"] == "Autograding Tests"
step = [s for s in job["steps"] if s.get("id") == "workbook"][0]
print(step["run"])
PY
  cp "$pack/solutions/count/count.c" "$ws/classroom/exercises/count/count.c"
  (cd "$ws/classroom" && WB=$WB GITHUB_OUTPUT=$ws/gh_output WORKBOOK_EXERCISES="" \
    bash -e "$ws/step.sh" > "$ws/step.out" 2> "$ws/step.err")
  rc=$?
  out=$(cat "$ws/step.out"); err=$(cat "$ws/step.err")
  expect_rc 0 "the workflow's check step runs"
  expect_match "$out" '^Points 4/4$' "it reports the points (4/4 for the solution)"
  check "it writes workbook-junit.xml" test -s "$ws/classroom/workbook-junit.xml"
  if command -v xmllint >/dev/null; then
    check "the JUnit report validates" xmllint --noout --schema "$schemas/junit-10.xsd" "$ws/classroom/workbook-junit.xml"
  fi
  expect_match "$(python3 -c 'import base64,json,sys
line=[l for l in open(sys.argv[1]) if l.startswith("result=")][0]
r=json.loads(base64.b64decode(line[7:]))
print(r["status"], r["max_score"], sum(t["score"] for t in r["tests"]))' "$ws/gh_output")" \
    '^pass 4(\.0)? 4(\.0)?$' "the runner result for the grading reporter sums to 4 of 4"
  cp "$pack/exercises/count/count.c" "$ws/classroom/exercises/count/count.c"
  rm -f "$ws/gh_output"
  (cd "$ws/classroom" && WB=$WB GITHUB_OUTPUT=$ws/gh_output WORKBOOK_EXERCISES="count" \
    bash -e "$ws/step.sh" > "$ws/step.out" 2>&1)
  expect_match "$(cat "$ws/step.out")" '^Points 1\.33333/4$' "the starter gets partial credit in the workflow too"
else
  skip "the workflow's check step" "python3-yaml missing"
fi
done_testing
