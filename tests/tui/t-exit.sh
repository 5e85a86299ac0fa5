#!/usr/bin/env bash
# Every way out restores the terminal: q, SIGTERM, ^C; ^Z suspends and fg
# resumes.  Restored means: main screen (not the alternate one) and a
# visible cursor.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.sh"
need_tmux

restored() { # NAME
  if [ "$(pane alternate_on)" = 0 ] && [ "$(pane cursor_flag)" = 1 ]; then
    ok "$1: terminal restored"
  else
    not_ok "$1: terminal restored (alternate_on=$(pane alternate_on) cursor_flag=$(pane cursor_flag))"
    diag "$(screen)"
  fi
}

wb_pid() { pgrep -P "$(pane pane_pid)" -f "$WB" | head -1; }

ws=$(tui_workspace)

tui_start "$ws" 80 24
wait_for 'TUI test course' || { not_ok "map"; diag "$last"; }
if [ "$(pane alternate_on)" = 1 ] && [ "$(pane cursor_flag)" = 0 ]; then
  ok "the UI uses the alternate screen and hides the cursor"
else
  not_ok "the UI uses the alternate screen and hides the cursor"
fi
keys q
expect_screen '\[exit 0\]' "q at the map quits with status 0"
restored "q"
tui_stop

# SIGTERM in the middle of a lesson page.
tui_start "$ws" 80 24
wait_for 'TUI test course' || { not_ok "map"; diag "$last"; }
keys g Enter
wait_for 'Reading for the tests' || { not_ok "reader"; diag "$last"; }
kill -TERM "$(wb_pid)"
expect_screen '\[exit 143\]' "SIGTERM ends it (status 128+15)"
restored "SIGTERM"
tui_stop

# ^C.
tui_start "$ws" 80 24
wait_for 'TUI test course' || { not_ok "map"; diag "$last"; }
keys C-c
expect_screen '\[exit 130\]' "^C ends it (status 128+2)"
restored "^C"
tui_stop

# A fatal signal still gives the terminal back.
tui_start "$ws" 80 24
wait_for 'TUI test course' || { not_ok "map"; diag "$last"; }
kill -SEGV "$(wb_pid)"
expect_screen '\[exit 139\]' "a crash (SIGSEGV) ends it"
restored "SIGSEGV"
tui_stop

# ^Z from a shell with job control, then fg.
tui_start_shell "$ws" 80 24
wait_for 'sh\$' || { not_ok "shell"; diag "$last"; }
type_text "$(printf '%q' "$WB")"; keys Enter
expect_screen 'TUI test course' "started from a shell"
keys C-z
expect_screen 'Stopped' "^Z suspends"
restored "^Z"
type_text fg; keys Enter
expect_screen 'TUI test course' "fg brings it back"
if [ "$(pane alternate_on)" = 1 ]; then ok "fg: full screen again"; else not_ok "fg: full screen again"; fi
keys j
expect_screen 'map +0/2 done' "keys work after fg"
keys q
expect_screen 'sh\$ *$' "q after fg returns to the shell"
restored "q after fg"
done_testing
