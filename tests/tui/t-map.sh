#!/usr/bin/env bash
# The course map: marks, progress bar, cursor on the first unfinished
# exercise, Enter opens, / filters, q goes back.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.sh"
need_tmux

ws=$(tui_workspace)
tui_start "$ws" 80 24
expect_screen 'TUI test course' "the map shows the course title"
expect_screen 'Progress \[-{20}\] +0/2 exercises, 0/1 quizzes' "a progress bar and totals"
expect_screen '· hello +Print hello' "exercises are marked not tried"
expect_screen 'map +0/2 done .*\?:help' "the status line shows the mode and keys"

# The cursor (reverse video) starts on the first unfinished exercise.
if screen_e | grep -E $'\e\\[7m' | grep -q 'hello'; then
  ok "the cursor is on the first unfinished exercise"
else
  not_ok "the cursor is on the first unfinished exercise"; diag "$(screen_e | cat -v)"
fi

# Up twice (the quiz, the page) and Enter opens the reader.
keys k k Enter
expect_screen 'demo › Reading for the tests' "Enter opens the lesson page"
expect_screen 'reader +[0-9]+%' "the reader's status line"
keys q
expect_screen 'TUI test course' "q goes back to the map"

# Filter: only matching rows stay.
keys /
expect_screen 'filter:' "/ opens the filter prompt"
type_text spin
expect_screen 'spin +A program that never ends' "the filter applies while typing"
wait_gone 'Print hello' 5
expect_not_screen 'Print hello' "rows that do not match are hidden"
keys Enter
expect_screen 'filter: spin' "the filter shows in the status line"
keys Escape
expect_screen 'Print hello' "Esc clears the filter"

# A section row opens its first step.
keys g Enter
expect_screen 'Reading for the tests' "Enter on a section opens its first step"
keys Q
expect_screen '\[exit 0\]' "Q quits from anywhere with status 0"
done_testing
