#!/usr/bin/env bash
# Colour: on by default on a colour terminal; NO_COLOR=1 and --color=never
# leave only bold, reverse and underline; --color=always wins over
# NO_COLOR.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.sh"
need_tmux

# SGR colour codes (30-37, 40-47, 90-97, 100-107, 38;..., 48;...); the
# default-colour resets 39 and 49 are not colours.
has_color() {
  screen_e | grep -qE $'\e\\[([0-9;]*;)?(3[0-7]|4[0-7]|9[0-7]|10[0-7]|38;[0-9;]+|48;[0-9;]+)(;[0-9;]*)?m'
}

ws=$(tui_workspace)
# Something coloured on the first screen: a failed exercise mark.
mkdir -p "$ws/.workbook"
printf 'workbook-progress 1\nexercise demo/hello status=failed attempts=1\n' >"$ws/.workbook/progress"

tui_start "$ws" 80 24 -u NO_COLOR
wait_for 'TUI test course' || { not_ok "map"; diag "$last"; }
if has_color; then ok "colours by default"; else not_ok "colours by default"; diag "$(screen_e | cat -v | head -8)"; fi
tui_stop

tui_start "$ws" 80 24 NO_COLOR=1
wait_for 'TUI test course' || { not_ok "map"; diag "$last"; }
if has_color; then not_ok "NO_COLOR=1: no colour escapes"; diag "$(screen_e | cat -v | head -8)"; else ok "NO_COLOR=1: no colour escapes"; fi
if screen_e | grep -q $'\e\\[7m'; then ok "NO_COLOR=1: the cursor row is still reverse video"; else not_ok "NO_COLOR=1: the cursor row is still reverse video"; fi
if screen_e | grep -q $'\e\\[1m'; then ok "NO_COLOR=1: titles are still bold"; else not_ok "NO_COLOR=1: titles are still bold"; fi
expect_screen '✗ hello' "NO_COLOR=1: marks carry the meaning"
tui_stop

tui_start "$ws" 80 24 -u NO_COLOR -- --color=never
wait_for 'TUI test course' || { not_ok "map"; diag "$last"; }
if has_color; then not_ok "--color=never: no colour escapes"; else ok "--color=never: no colour escapes"; fi
tui_stop

tui_start "$ws" 80 24 NO_COLOR=1 -- --color=always
wait_for 'TUI test course' || { not_ok "map"; diag "$last"; }
if has_color; then ok "--color=always wins over NO_COLOR"; else not_ok "--color=always wins over NO_COLOR"; fi
keys q
expect_screen '\[exit 0\]' "quits"
done_testing
