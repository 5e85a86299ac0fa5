#!/usr/bin/env bash
# check --format for every report: JUnit validates against the xUnit XSD,
# Gradescope against its results schema, TAP is read by prove, CSV has one
# row, JSON parses; student output with invalid UTF-8 and control bytes
# keeps every document valid.
. "$(dirname "$0")/../lib.sh"
ws=$(make_workspace)
schemas=$WB_TOP/tests/schemas

# A learner program that prints garbage: invalid UTF-8, controls, markup.
cat > "$ws/exercises/intro/hello.c" <<'C'
#include <stdio.h>
int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("\xff\xfe\x01\x02 <tag> & \"q\" ]]> \x1b[31m\n", stdout);
	return 3;
}
C

run_wb "$ws" check --format junit intro memory/overflow
expect_rc 1 "junit: failing exercises exit 1"
printf '%s\n' "$out" > "$ws/r.xml"
if command -v xmllint >/dev/null && [ -f "$schemas/junit-10.xsd" ]; then
  if msg=$(xmllint --noout --schema "$schemas/junit-10.xsd" "$ws/r.xml" 2>&1); then
    ok "junit validates against junit-10.xsd (with hostile output)"
  else not_ok "junit validates"; diag "$msg"; fi
else skip "junit schema" "xmllint (libxml2-utils) or the schema missing"; fi

run_wb "$ws" check --format gradescope intro memory/overflow
printf '%s\n' "$out" > "$ws/r.json"
if /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
  if msg=$(/usr/bin/python3 -m jsonschema -i "$ws/r.json" "$schemas/gradescope-results.schema.json" 2>&1); then
    ok "gradescope validates against its schema"
  else not_ok "gradescope validates"; diag "$msg"; fi
else skip "gradescope schema" "python3-jsonschema missing"; fi
expect_match "$(/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["score"], len(d["tests"]))' "$ws/r.json")" '^0(\.0)? [0-9]+$' "gradescope has a score and tests"

run_wb "$ws" check --format tap intro memory/overflow
printf '#!/bin/sh\ncat <<"TAPEND"\n%s\nTAPEND\n' "$out" > "$ws/r.t"
chmod +x "$ws/r.t"
prove_out=$(prove "$ws/r.t" 2>&1)
expect_match "$prove_out" 'Failed: 2|Failed 2/2' "prove reads the TAP and counts both failures"
expect_no_match "$prove_out" 'Parse errors' "prove finds no parse error"

run_wb "$ws" check --format csv intro memory/overflow
expect_match "$out" '^student,intro/hello,memory/overflow,total,max' "csv header names the exercises"
expect_match "$out" '^,0,0,0,3' "csv row holds scores and the maximum"

run_wb "$ws" check --format json intro
if printf '%s' "$out" | python3 -m json.tool >/dev/null 2>&1; then ok "json parses"; else not_ok "json parses"; diag "$out"; fi

run_wb "$ws" check --format nonsense intro
expect_rc 2 "unknown format is a usage error"
expect_match "$err" 'unknown format' "unknown format is named"
done_testing
