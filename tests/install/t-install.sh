#!/usr/bin/env bash
# make install into a temporary DESTDIR: the files land, DESTDIR stays out
# of the binary, the installed binary makes a workspace and checks an
# exercise there, and make uninstall leaves no file behind.
. "$(dirname "$0")/../lib.sh"
cd "$WB_TOP" || exit 1
stage=$(tmpdir)
prefix=/usr/local

[ -f docs/build/workbook.1 ] || WB="$WB" scripts/build-docs >/dev/null 2>&1

# The build folder of the binary under test (WB_BUILD=build-san ...).
bdir=$(basename "$(dirname "$WB")")
if out=$(make -s install B="$bdir" DESTDIR="$stage" 2>&1); then ok "make install DESTDIR=..."; else
  not_ok "make install"; diag "$out"; done_testing; exit 1
fi
bin=$stage$prefix/bin/workbook
data=$stage$prefix/share/workbook
check "binary installed" test -x "$bin"
check "course installed" test -f "$data/lessons/course.lua"
check "exercises installed" test -d "$data/exercises/memory"
check "solutions installed" test -d "$data/solutions/memory"
check "man page installed" test -f "$stage$prefix/share/man/man1/workbook.1"
check "bash completion installed" test -f "$stage$prefix/share/bash-completion/completions/workbook"
if grep -qF "$stage" "$bin"; then not_ok "DESTDIR is not in the binary"; else ok "DESTDIR is not in the binary"; fi
if grep -qF "$prefix/share/workbook" "$bin"; then ok "PREFIX is in the binary"; else not_ok "PREFIX is in the binary"; fi

# The staged course stands where PREFIX would put it.
ws=$(tmpdir)/learner
if out=$(WORKBOOK_COURSE=$data "$bin" init "$ws" 2>&1); then ok "installed binary: init"; else not_ok "init"; diag "$out"; fi
check "init made exercises/" test -f "$ws/exercises/intro/hello.c"
check "init recorded the course" test -f "$ws/.workbook/course"
(cd "$ws" && "$bin" check intro/hello >/dev/null 2>&1); rc=$?
expect_rc 1 "the starter fails in the new workspace"
cp "$data/solutions/intro/hello.c" "$ws/exercises/intro/hello.c"
(cd "$ws" && "$bin" check intro/hello >/dev/null 2>&1); rc=$?
expect_rc 0 "the solution passes in the new workspace"
(cd "$ws/exercises" && "$bin" list >/dev/null 2>&1); rc=$?
expect_rc 0 "list works from a folder inside the workspace"
WORKBOOK_COURSE=$data "$bin" init "$ws" >/dev/null 2>&1; rc=$?
expect_rc 2 "init refuses a folder that holds a workspace"

if out=$(make -s uninstall B="$bdir" DESTDIR="$stage" 2>&1); then ok "make uninstall"; else not_ok "make uninstall"; diag "$out"; fi
left=$(find "$stage" -type f | head)
if [ -z "$left" ]; then ok "uninstall leaves no file behind"; else not_ok "uninstall leaves files"; diag "$left"; fi
done_testing
