#!/usr/bin/env bash
# The course proves itself: `workbook dev check` in the repository (every
# lesson loads, every starter fails, every solution passes).  Its TAP
# lines ("ok - ...", "not ok - ...", "1..N", "# ...") pass through as they
# are; any other line it prints (a failing exercise's report) becomes a
# "# " comment so TAP readers keep their footing.  Exits with its status.
set -u
cd "$(dirname "$0")/.." || exit 2
: "${WB:=$(pwd)/build/workbook}"
export NO_COLOR=1 LC_ALL=C.UTF-8
unset WORKBOOK_STATE WORKBOOK_COURSE

if [ ! -x "$WB" ]; then
  echo "not ok 1 - $WB is not built (run make)"
  echo "1..1"
  exit 1
fi

out=$(mktemp "${TMPDIR:-/tmp}/devcheck.XXXXXX")
trap 'rm -f "$out"' EXIT
"$WB" dev check "$@" >"$out" 2>&1 </dev/null
rc=$?
sed -E '/^(ok|not ok)( |$)|^1\.\.[0-9]+|^#/!s/^/# /' "$out"
if [ "$rc" -ne 0 ] && ! grep -q '^not ok' "$out"; then
  # It failed without saying which test: make that a failure too.
  echo "not ok - workbook dev check exited with status $rc"
fi
exit "$rc"
