#!/usr/bin/env bash
# workbook grade on a generated class (make-class.sh): every student graded
# with the expected score and reason, hostile and cheating work scored 0 for
# that exercise, nothing forged on the host, entries that are not students
# passed over; every report format valid (JSON parses, Gradescope against
# its schema, JUnit against the XSD, TAP through prove, CSV a gradebook);
# the same submissions give the same reports with 1 or N jobs.
. "$(dirname "$0")/../lib.sh"
schemas=$WB_TOP/tests/schemas
here=$WB_TOP/tests/grade

# The hostile students need the grading sandbox; without one this machine
# cannot run the suite safely.
if "$WB" sandbox --layers --require strict >/dev/null 2>&1; then level=strict
elif "$WB" sandbox --layers --require basic >/dev/null 2>&1; then level=basic
else
  skip "grade a generated class" "no grading sandbox here ('workbook sandbox --layers')"
  done_testing
  exit
fi
diag "sandbox level: $level"

ws=$(make_workspace)
cls=$(tmpdir)
bash "$here/make-class.sh" "$cls"
nstudents=$(cut -d' ' -f1 "$cls/expected" | sort -u | wc -l)
if [ "$nstudents" -ge 30 ]; then ok "the generated class has $nstudents students (>= 30)"
else not_ok "the generated class has only $nstudents students"; fi

# --- the whole class, JSON, one file per student -----------------------------
run_wb "$ws" grade "$cls/subs" --only intro,memory --require "$level" --format json --out "$cls/json"
expect_rc 1 "grade exits 1 when some student failed something"
expect_match "$out" "^class: $nstudents students" "the summary counts every student"
while IFS= read -r entry; do
  expect_match "$err" "skipped '$entry'" "'$entry' is passed over with the reason"
done < "$cls/skipped"
expect_no_match "$err" "\.git" "dot folders are passed over silently"

while IFS=$'\t' read -r verdict detail; do
  student=${verdict#* }
  case $verdict in
    PASS*) ok "$student: scored as expected" ;;
    SKIP*) skip "$student: scored as expected" "known gap: $detail" ;;
    *) not_ok "$student: $detail" ;;
  esac
done < <(python3 "$here/expect.py" "$cls/json/class.json" "$cls/expected" "$cls/gaps")

missing=0
for s in $(cut -d' ' -f1 "$cls/expected" | sort -u); do
  [ -f "$cls/json/$s/results.json" ] || { missing=1; diag "no $cls/json/$s/results.json"; }
done
if [ $missing -eq 0 ]; then ok "a results.json for every student"; else not_ok "a results.json for every student"; fi
if [ ! -e "$cls/json/linked-student" ] && [ ! -e "$cls/json/bad name" ]; then
  ok "no report for entries that are not students"
else not_ok "no report for entries that are not students"; fi

forged=0
while IFS= read -r f; do
  [ -e "$f" ] && { forged=1; diag "a submission created $f on the host"; }
done < "$cls/forged.list"
if [ $forged -eq 0 ]; then ok "no file forged on the host by a submission's constructor"
else not_ok "no file forged on the host"; fi

py() { python3 -c "$1" "$cls/json/class.json"; }
expect_match "$(py 'import json,sys; d=json.load(open(sys.argv[1])); print(d["kind"], d["totals"]["students"])')" \
  "^class $nstudents\$" "class.json is a class document with every student"
expect_match "$(py 'import json,sys; d=json.load(open(sys.argv[1])); print(set(s["sandbox_layers"] for s in d["students"]))')" \
  "seccomp" "every result records the sandbox layers"
expect_match "$(py 'import json,sys
d=json.load(open(sys.argv[1]))
s=[s for s in d["students"] if s["student"]=="starter-01"][0]
x=[x for x in s["exercises"] if x["name"]=="memory/overflow"][0]
print(len(x["feedback"]["lines"]))')" '^[1-9]' "lesson on_result feedback reaches the graded results"
expect_match "$(py 'import json,sys
d=json.load(open(sys.argv[1]))
s=[s for s in d["students"] if s["student"]=="missing-all"][0]
print(" ".join(str(len(x["checks"])) + str(x["feedback"]["lines"]) for x in s["exercises"]))')" '^0\[\] 0\[\] 0\[\] 0\[\]$' \
  "a file not submitted has no checks and no feedback"

# --- every format, on a few students (the hostile loop takes seconds) --------
few=$(tmpdir)
for s in correct-01 first.last@uni.edu starter-01 missing-some garbage-output cheat-fakepass hostile-flood; do
  cp -a "$cls/subs/$s" "$few/"
done
only=(--only intro/hello,memory/overflow)
run_wb "$ws" grade "$few" "${only[@]}" --format gradescope --out "$cls/gs"
expect_rc 1 "gradescope: graded"
if /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
  bad=0
  for f in "$cls"/gs/*/results.json; do
    if ! msg=$(/usr/bin/python3 -m jsonschema -i "$f" "$schemas/gradescope-results.schema.json" 2>&1); then
      bad=1; diag "$f: $msg"
    fi
  done
  if [ $bad -eq 0 ]; then ok "every results.json validates against the Gradescope schema"
  else not_ok "every results.json validates against the Gradescope schema"; fi
else skip "gradescope schema" "python3-jsonschema missing"; fi
expect_match "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["score"])' "$cls/gs/correct-01/results.json")" \
  '^3(\.0)?$' "gradescope: a correct student scores 3 of 3"

run_wb "$ws" grade "$few" "${only[@]}" --format junit --out "$cls/junit"
if command -v xmllint >/dev/null; then
  bad=0
  for f in "$cls/junit/class.xml" "$cls"/junit/*/results.xml; do
    if ! msg=$(xmllint --noout --schema "$schemas/junit-10.xsd" "$f" 2>&1); then
      bad=1; diag "$msg"
    fi
  done
  if [ $bad -eq 0 ]; then ok "junit: class and student files validate against junit-10.xsd"
  else not_ok "junit: class and student files validate against junit-10.xsd"; fi
else skip "junit schema" "xmllint (libxml2-utils) missing"; fi

run_wb "$ws" grade "$few" "${only[@]}" --format tap
printf '#!/bin/sh\ncat <<"TAPEND"\n%s\nTAPEND\n' "$out" > "$cls/class.t"
chmod +x "$cls/class.t"
prove_out=$(prove "$cls/class.t" 2>&1)
expect_no_match "$prove_out" 'Parse errors' "tap: prove reads the class without a parse error"
expect_match "$prove_out" 'Failed: [1-9]|Failed [1-9]' "tap: prove counts the failing students"

run_wb "$ws" grade "$few" "${only[@]}" --format csv
expect_match "$out" '^student,intro/hello,memory/overflow,total,max' "csv: a column per exercise, then total and max"
expect_match "$out" '^correct-01,1,2,3,3' "csv: a correct student's row"
expect_match "$out" '^missing-some,1,2,3,3' "csv: missing-some handed in these two"
expect_match "$out" '^starter-01,0,0,0,3' "csv: the starters score nothing"
rows=$(printf '%s\n' "$out" | grep -c .)
if [ "$rows" -eq 8 ]; then ok "csv: a header and one row per student"; else not_ok "csv: $rows lines, wanted 8"; diag "$out"; fi

# --- the same submissions, the same results --------------------------------
strip() { python3 -c 'import json,sys
def drop(v):
    if isinstance(v, dict): return {k: drop(x) for k, x in v.items() if k not in ("seconds", "generator")}
    if isinstance(v, list): return [drop(x) for x in v]
    return v
print(json.dumps(drop(json.load(open(sys.argv[1]))), indent=1, sort_keys=True))' "$1"; }
run_wb "$ws" grade "$few" "${only[@]}" --format json --jobs 2
printf '%s\n' "$out" > "$cls/a.json"
run_wb "$ws" grade "$few" "${only[@]}" --format json --jobs 1
printf '%s\n' "$out" > "$cls/b.json"
if diff <(strip "$cls/a.json") <(strip "$cls/b.json") > "$cls/ab.diff"; then
  ok "two runs (2 jobs, 1 job) give the same results apart from timings"
else not_ok "two runs differ"; diag "$(head -30 "$cls/ab.diff")"; fi
run_wb "$ws" grade "$few" "${only[@]}" --format text
printf '%s\n' "$out" > "$cls/a.txt"
run_wb "$ws" grade "$few" "${only[@]}" --format text --jobs 1
if [ "$out" = "$(cat "$cls/a.txt")" ]; then ok "the text summary is byte for byte the same"
else not_ok "the text summary differs"; diag "$(diff "$cls/a.txt" <(printf '%s\n' "$out") | head)"; fi

# --- one submission (a Gradescope submission folder) ------------------------
run_wb "$ws" grade --single "$cls/subs/correct-02" "${only[@]}" --format gradescope
expect_rc 0 "--single: a correct submission exits 0"
printf '%s\n' "$out" > "$cls/single.json"
expect_match "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["score"])' "$cls/single.json")" \
  '^3(\.0)?$' "--single: gradescope results on stdout"

# --- usage -----------------------------------------------------------------
run_wb "$ws" grade "$few" --format nonsense
expect_rc 2 "an unknown format is a usage error"
run_wb "$ws" grade "$few" --format gradescope
expect_rc 2 "gradescope for a class without --out is refused"
expect_match "$err" 'use --out' "and says what to do"
run_wb "$ws" grade "$cls/no-such-folder"
expect_rc 2 "a missing submissions folder is a setup error"
run_wb "$ws" grade "$few" --only no/such
expect_rc 2 "an unknown exercise in --only is a usage error"
run_wb "$ws" grade "$few" --require nonsense
expect_rc 2 "an unknown --require level is refused"
run_wb "$ws" grade
expect_rc 2 "no submissions folder: usage"
done_testing
