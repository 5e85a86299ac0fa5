#!/usr/bin/env bash
# Resizing: the map and the reader lay out again; the reader keeps its
# place; below 40x10 a notice; back to normal after.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.sh"
need_tmux

# no line of the screen is wider than N columns
fits() {
  screen | python3 -c 'import sys
sys.exit(any(len(l.rstrip("\n")) > int(sys.argv[1]) for l in sys.stdin))' "$1"
}

ws=$(tui_workspace)
tui_start "$ws" 80 24
wait_for 'TUI test course' || { not_ok "map"; diag "$last"; }
tmux_ resize-window -t t -x 40 -y 12
expect_screen '^ map .*\?:help' "the map's status line fits 40 columns"
if fits 40; then ok "nothing is drawn past 40 columns"; else not_ok "nothing is drawn past 40 columns"; diag "$(screen)"; fi
tmux_ resize-window -t t -x 80 -y 24
expect_screen 'Progress \[' "back at 80x24"

# The reader: scroll to a paragraph, narrow the window, the paragraph is
# still on screen (re-wrapped), then widen again.
keys g Enter
wait_for 'Reading for the tests' || { not_ok "reader"; diag "$last"; }
keys / ; type_text 'Filler paragraph three' ; keys Enter
# The match goes two lines below the top: the top is the paragraph before.
expect_screen '^ Filler paragraph two, so that the page is longer than a small screen.$' "the reader is at the second filler paragraph"
if screen | sed -n 2p | grep -q '^ Filler paragraph two'; then ok "it is the top line"; else not_ok "it is the top line"; diag "$(screen)"; fi
tmux_ resize-window -t t -x 40 -y 12
expect_screen '^ is longer than a small screen' "the page is laid out for 40 columns"
if screen | sed -n 2p | grep -q '^ Filler paragraph two, so that the'; then
  ok "after narrowing, the same text is at the top, re-wrapped"
else
  not_ok "after narrowing, the same text is at the top, re-wrapped"; diag "$(screen)"
fi
if fits 40; then ok "prose re-wraps to 40 columns"; else not_ok "prose re-wraps to 40 columns"; diag "$(screen)"; fi
tmux_ resize-window -t t -x 80 -y 24
expect_screen 'Filler paragraph three, so that the page is longer than a small screen' "after widening, lines are long again"
if screen | sed -n 2p | grep -q '^ Filler paragraph two, so that the page'; then
  ok "after widening, still the same place"
else
  not_ok "after widening, still the same place"; diag "$(screen)"
fi

# Too small.
tmux_ resize-window -t t -x 30 -y 8
expect_screen 'terminal too small' "below 40x10 a notice"
tmux_ resize-window -t t -x 80 -y 24
expect_screen 'Reading for the tests|Filler paragraph' "the page comes back at a usable size"
keys q q
expect_screen '\[exit 0\]' "quits"
done_testing
