#!/usr/bin/env bash
# workbook check on the real course: every starter fails (exit 1) and the
# report names a failing check; every solution, copied over its exercise
# file, passes (exit 0); --format json is valid JSON either way.
#
# Each phase checks all exercises in one run (the measured checks are slow)
# and reads the per-exercise verdicts from the JSON report; the text report
# is cut into one block per exercise.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/fixtures/helpers.sh"

# The small workloads dev check uses: measured checks at full size are a
# learner's business, and would take minutes here.
export WORKBOOK_QUICK=1

ws=$(make_workspace)
mapfile -t rows < <(exercises "$ws")
check "the course lists exercises" test "${#rows[@]}" -gt 0
names=()
for row in "${rows[@]}"; do names+=("${row%%$'\t'*}"); done

# status_of JSON NAME: the exercise's status in a check report.
status_of() {
  printf '%s' "$1" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(" ".join(x["status"] for x in d["exercises"] if x["name"] == sys.argv[1]) or "missing")
' "$2" 2>/dev/null || echo "unreadable"
}

# block TEXT NAME: the text report's lines about exercise NAME (its header,
# a line starting with a mark and the name, up to the next header).
block() {
  printf '%s\n' "$1" | awk -v n="$2" '
    /^[^ ]/ { inside = 0 }
    /^[^ ]+ / && ($2 == n) { inside = 1 }
    inside { print }'
}

# ---- starters --------------------------------------------------------------

run_wb "$ws" check --format json "${names[@]}"
expect_rc 1 "every starter: check --format json exits 1"
json=$out
if is_json "$json"; then ok "every starter: the report is valid JSON"; else
  not_ok "every starter: the report is valid JSON"; diag "$json"; fi

run_wb "$ws" check "${names[@]}"
expect_rc 1 "every starter: check exits 1"
text=$out

for name in "${names[@]}"; do
  st=$(status_of "$json" "$name")
  check "starter of $name fails (status $st)" test "$st" = fail
  mapfile -t failed < <(failing_checks "$json" "$name")
  if [ "${#failed[@]}" -eq 0 ]; then
    not_ok "starter of $name: the JSON report names a failed check"
    continue
  fi
  b=$(block "$text" "$name")
  # A line that starts with a mark and the failing check's name.
  expect_match "$b" "^ +[^ ]+ ${failed[0]}([: ]|\$)" \
    "starter of $name: the text report names the failing check '${failed[0]}'"
done

# One exercise alone: exit 1 as well.
run_wb "$ws" check "${names[0]}"
expect_rc 1 "starter of ${names[0]} alone: check exits 1"

# ---- solutions ---------------------------------------------------------------

for row in "${rows[@]}"; do
  name=${row%%$'\t'*}
  file=${row#*$'\t'}
  sol=$(solution_of "$file")
  if [ -f "$ws/$sol" ]; then
    cp "$ws/$sol" "$ws/$file"
  else
    not_ok "solution of $name exists at $sol"
  fi
done

run_wb "$ws" check --format json "${names[@]}"
expect_rc 0 "every solution: check --format json exits 0"
json=$out
if is_json "$json"; then ok "every solution: the report is valid JSON"; else
  not_ok "every solution: the report is valid JSON"; diag "$json"; fi
for name in "${names[@]}"; do
  st=$(status_of "$json" "$name")
  if [ "$st" = pass ]; then ok "solution of $name passes"; else
    not_ok "solution of $name passes (status $st)"
    diag "$(failing_checks "$json" "$name")"
  fi
done

# One exercise alone, in text: exit 0.
run_wb "$ws" check "${names[0]}"
expect_rc 0 "solution of ${names[0]} alone: check exits 0"

# A section name checks all of its exercises.
section=${names[0]%%/*}
run_wb "$ws" check "$section"
expect_rc 0 "check of the whole section '$section' exits 0"
expect_match "$out" "${names[0]}" "check $section reports ${names[0]}"

done_testing
