# tests/lib.sh: shared helpers for the shell test suites (cli, tui, hostile,
# docs).  Source it; every test prints one TAP line.
#
#   . "$(dirname "$0")/../lib.sh"
#   ws=$(make_workspace)            # a temporary copy of the course
#   run_wb "$ws" check intro/hello  # sets $out, $err, $rc
#   expect_rc 1 "starter fails"
#   expect_match "$out" 'compiles' "names the failing check"
#   done_testing

set -u
: "${WB_TOP:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
: "${WB:=$WB_TOP/build/workbook}"
export NO_COLOR=1 LC_ALL=C.UTF-8
_n=0
_failed=0
_tmp_root=$(mktemp -d "${TMPDIR:-/tmp}/wbtest.XXXXXX")
trap 'rm -rf "$_tmp_root"' EXIT

ok() { _n=$((_n + 1)); echo "ok $_n - $*"; }
not_ok() { _n=$((_n + 1)); _failed=$((_failed + 1)); echo "not ok $_n - $*"; }
skip() { _n=$((_n + 1)); echo "ok $_n - $1 # SKIP ${2:-}"; }
diag() { printf '# %s\n' "$@" | head -40; }

# check COND... -- NAME: run a command; ok when it succeeds.
check() {
  local name=$1; shift
  if "$@" >/dev/null 2>&1; then ok "$name"; else not_ok "$name"; fi
}

# A fresh temporary folder below the suite's root (removed at exit).
tmpdir() { mktemp -d "$_tmp_root/t.XXXXXX"; }

# A temporary copy of the course: lessons/, exercises/, solutions/.
make_workspace() {
  local ws
  ws=$(tmpdir)
  cp -r "$WB_TOP/lessons" "$WB_TOP/exercises" "$WB_TOP/solutions" "$ws"/
  echo "$ws"
}

# run_wb DIR ARGS...: run workbook in DIR; sets out, err, rc.
run_wb() {
  local dir=$1; shift
  local o e
  o=$(mktemp "$_tmp_root/o.XXXXXX"); e=$(mktemp "$_tmp_root/e.XXXXXX")
  (cd "$dir" && "$WB" "$@" >"$o" 2>"$e" </dev/null)
  rc=$?
  out=$(cat "$o"); err=$(cat "$e")
  # A sanitizer report from workbook itself (a build with SANITIZE=) is a
  # failure even when the command's result looked right.  (Reports from
  # learners' programs arrive on stdout, inside check reports.)
  if grep -qE 'runtime error:|ERROR: (Address|Leak)Sanitizer' "$e"; then
    not_ok "sanitizer report from workbook $*"; diag "$err"
  fi
}

expect_rc() {
  if [ "$rc" -eq "$1" ]; then ok "$2"; else
    not_ok "$2 (status $rc, wanted $1)"; diag "stdout:" "$out" "stderr:" "$err"
  fi
}

# expect_match TEXT REGEX NAME (grep -E)
expect_match() {
  if printf '%s\n' "$1" | grep -qE -- "$2"; then ok "$3"; else
    not_ok "$3 (no match for /$2/)"; diag "$1"
  fi
}

expect_no_match() {
  if printf '%s\n' "$1" | grep -qE -- "$2"; then
    not_ok "$3 (unexpected match for /$2/)"; diag "$1"
  else ok "$3"; fi
}

done_testing() { echo "1..$_n"; [ "$_failed" -eq 0 ]; }
