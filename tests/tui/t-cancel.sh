#!/usr/bin/env bash
# A runaway program: the UI stays live (spinner, keys) and Esc cancels the
# check, killing the program.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.sh"
need_tmux

ws=$(tui_workspace)
tui_start "$ws" 80 24
wait_for 'TUI test course' || { not_ok "map"; diag "$last"; }
keys G Enter
expect_screen 'spin: A program that never ends' "the runaway exercise opens"
keys Enter
expect_screen 'checking [0-9.]+s' "a spinner and elapsed time while the check runs"
expect_screen 'finishes +running' "the running check is marked live"
# The clock moves: a later screen shows a later time.
first=$(screen | grep -oE 'checking [0-9.]+s' | head -1)
if wait_for 'checking [0-9.]+s' && wait_gone "$first" 10; then
  ok "the elapsed time keeps moving"
else
  not_ok "the elapsed time keeps moving"; diag "$last"
fi
# Keys still work while it runs: the help overlay opens and closes.
keys '?'
expect_screen 'Help: any key closes' "keys work while a check runs"
keys Escape
wait_gone 'Help: any key closes' 5
if pgrep -f "$ws/.workbook/build" >/dev/null; then ok "the program is running"; else
  not_ok "the program is running"; fi
keys Escape
expect_screen 'check cancelled' "Esc cancels the check"
expect_screen '✗ finishes' "the cancelled check is not a pass"
gone=0
for _ in $(seq 1 100); do
  pgrep -f "$ws/.workbook/build" >/dev/null || { gone=1; break; }
  sleep 0.05
done
if [ "$gone" = 1 ]; then ok "the runaway program is killed"; else
  not_ok "the runaway program is killed"; diag "$(pgrep -af "$ws/.workbook/build")"; fi

# Leaving the screen while a check runs stops it too.
keys Enter
expect_screen 'checking' "checking again"
keys q
expect_screen 'TUI test course' "q leaves while it runs"
gone=0
for _ in $(seq 1 100); do
  pgrep -f "$ws/.workbook/build" >/dev/null || { gone=1; break; }
  sleep 0.05
done
if [ "$gone" = 1 ]; then ok "leaving the exercise stops its program"; else
  not_ok "leaving the exercise stops its program"; fi
keys q
expect_screen '\[exit 0\]' "quits"
done_testing
