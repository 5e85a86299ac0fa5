#!/usr/bin/env bash
# Where the full-screen UI must not start: TERM=dumb, a terminal that
# cannot address the cursor, stdout not a terminal, --plain.  Each runs
# the line-mode flow instead and never switches to the alternate screen.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.sh"
need_tmux

ws=$(tui_workspace)

line_mode() { # NAME ENV... [-- ARGS]
  local name=$1; shift
  tui_start "$ws" 80 24 "$@"
  if wait_for 'TUI test course' && wait_for '\[exit [0-9]+\]|demo' ; then
    if [ "$(pane alternate_on)" = 0 ] && ! screen | grep -q 'q:back'; then
      ok "$name: line mode"
    else
      not_ok "$name: line mode"; diag "$(screen)"
    fi
  else
    not_ok "$name: line mode (no course shown)"; diag "$last"
  fi
  # Line mode may wait for input: end it.
  if ! wait_for '\[exit [0-9]+\]' 2; then
    keys C-d
    wait_for '\[exit [0-9]+\]' 10 || keys C-c
  fi
  tui_stop
}

line_mode "TERM=dumb" TERM=dumb
line_mode "--plain" -- --plain
# A terminal type with no cursor addressing (terminfo "dumb"-like).
line_mode "TERM=unknown-terminal" TERM=no-such-terminal-type

# A non-UTF-8 locale: the full-screen UI with ASCII marks and glyphs.
mkdir -p "$ws/.workbook"
printf 'workbook-progress 1\nexercise demo/hello status=failed attempts=1\n' >"$ws/.workbook/progress"
tui_start "$ws" 80 24 LC_ALL=C
expect_screen '^    x hello +Print hello' "LC_ALL=C: ASCII marks on the map"
expect_screen '^    = Read +Reading for the tests' "LC_ALL=C: ASCII page glyph"
keys g Enter
expect_screen '^ =====+$' "LC_ALL=C: ASCII heading rule"
expect_screen '^ \* one item' "LC_ALL=C: ASCII bullets"
expect_screen '^ Language \| Start-up' "LC_ALL=C: ASCII table bars"
if screen | LC_ALL=C grep -q $'[\x80-\xff]'; then
  not_ok "LC_ALL=C: nothing but ASCII on screen"; diag "$(screen)"
else
  ok "LC_ALL=C: nothing but ASCII on screen"
fi
keys q q
expect_screen '\[exit 0\]' "LC_ALL=C: quits"
tui_stop
rm -f "$ws/.workbook/progress"

# stdout not a terminal: nothing but text on it.
out=$(cd "$ws" && TERM=xterm "$WB" </dev/null 2>&1 | head -40)
if printf '%s' "$out" | grep -q 'TUI test course' &&
   ! printf '%s' "$out" | grep -q $'\e'; then
  ok "stdout not a terminal: plain text, no escape sequences"
else
  not_ok "stdout not a terminal: plain text, no escape sequences"; diag "$out"
fi
done_testing
