#!/usr/bin/env bash
# The command line's own surface: --version, --help, unknown commands and
# flags (usage on stderr, exit 2), bad arguments to each command.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/fixtures/helpers.sh"

ws=$(make_workspace)

run_wb "$ws" --version
expect_rc 0 "--version exits 0"
expect_match "$out" '^workbook [0-9]+\.[0-9]+\.[0-9]+' "--version prints 'workbook X.Y.Z'"
check "--version writes nothing to stderr" test -z "$err"

run_wb "$ws" --help
expect_rc 0 "--help exits 0"
for cmd in list check next hint reset solution doctor dev; do
  expect_match "$out" "^  $cmd( |\$)" "--help lists '$cmd'"
done
expect_match "$out" '^usage: workbook' "--help starts with usage"
expect_match "$out" 'Exit status' "--help explains the exit status"
check "--help writes nothing to stderr" test -z "$err"

run_wb "$ws" frobnicate
expect_rc 2 "an unknown command exits 2"
expect_match "$err" "frobnicate" "the unknown command is named on stderr"
expect_match "$err" "usage|--help" "stderr points at the usage"
check "an unknown command prints nothing on stdout" test -z "$out"

run_wb "$ws" --frobnicate
expect_rc 2 "an unknown global flag exits 2"
expect_match "$err" "frobnicate" "the unknown flag is named on stderr"
check "an unknown flag prints nothing on stdout" test -z "$out"

run_wb "$ws" list --bogus
expect_rc 2 "an unknown flag of list exits 2"
expect_match "$err" '^usage: workbook list' "list prints its usage on stderr"
check "list --bogus prints nothing on stdout" test -z "$out"

run_wb "$ws" list --format yaml
expect_rc 2 "list --format yaml exits 2"
expect_match "$err" 'usage: workbook list' "list names its formats"

run_wb "$ws" check
expect_rc 2 "check without an exercise exits 2"
expect_match "$err" '^usage: workbook check' "check prints its usage"

run_wb "$ws" check --bogus intro/hello
expect_rc 2 "an unknown flag of check exits 2"
expect_match "$err" '^usage: workbook check' "check --bogus prints the usage"

first=$(exercises "$ws" | sed -n 1p | cut -f1)
run_wb "$ws" check --format nosuch "$first"
expect_rc 2 "check --format nosuch exits 2"
expect_match "$err" "nosuch" "the unknown format is named"
expect_match "$err" "json" "the known formats are listed"

run_wb "$ws" check no/such-exercise
expect_rc 2 "check of an unknown exercise exits 2"
expect_match "$err" "unknown exercise 'no/such-exercise'" "the unknown exercise is named"

# A near miss gets a suggestion.
run_wb "$ws" hint "$first"x
expect_rc 2 "hint of a misspelt exercise exits 2"
expect_match "$err" "did you mean '$first'" "a misspelt exercise gets a suggestion"

for cmd in hint reset solution; do
  run_wb "$ws" "$cmd"
  expect_rc 2 "$cmd without an exercise exits 2"
  expect_match "$err" "^usage: workbook $cmd" "$cmd prints its usage"
done

run_wb "$ws" next extra-argument
expect_rc 2 "next with an argument exits 2"
run_wb "$ws" doctor extra-argument
expect_rc 2 "doctor with an argument exits 2"
run_wb "$ws" dev
expect_rc 2 "dev without 'check' exits 2"
expect_match "$err" 'usage: workbook dev check' "dev prints its usage"

run_wb "$ws" --color=sometimes list
expect_rc 2 "--color with a bad value exits 2"
expect_match "$err" "sometimes" "the bad --color value is named"

# Usage errors never touch the workspace state.
check "usage errors wrote no progress" test ! -e "$ws/.workbook/progress"

# Outside any workspace, with no course: a setup error.
empty=$(tmpdir)
run_wb "$empty" --course "$empty/nowhere" list
expect_rc 2 "a missing course exits 2"
expect_match "$err" "no course" "a missing course is explained"

done_testing
