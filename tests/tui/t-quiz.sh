#!/usr/bin/env bash
# A quiz: answered wrong, then right; the explanation; the first try is
# what progress keeps as first-try right.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.sh"
need_tmux

ws=$(tui_workspace)
tui_start "$ws" 80 24
wait_for 'TUI test course' || { not_ok "map"; diag "$last"; }
keys k Enter
expect_screen 'Which of these numbers is even\?' "the question is shown"
expect_screen '1\) three' "choices are numbered"
expect_screen 'quiz +3 choices' "the quiz status line"

keys 3
expect_screen 'Not quite: the answer is 2\.' "a wrong answer is told so, with the right one"
expect_screen 'Four divides by two' "the explanation follows the answer"
expect_screen '✗ 3\) +five' "the wrong choice is marked"
expect_screen 'Even numbers are explained in the reading' "the lesson's on_answer feedback is shown"
expect_screen 'Enter: back to the part that explains it' "and where Enter leads"
# (progress writes only the keys that are set: no first=1 means wrong.)
if wait_file_match "$ws/.workbook/progress" '^quiz demo/even .*tries=1' &&
   ! grep -qE '^quiz demo/even .*(first|correct)=1' "$ws/.workbook/progress"; then
  ok "the wrong first try is saved at once"
else
  not_ok "the wrong first try is saved at once"; diag "$(progress_of "$ws")"
fi

# Arrows and Enter answer too; Enter after an answer goes on.
keys 2
expect_screen 'Right\.' "the right answer is told so"
expect_screen 'try 2; first try wrong' "the first try stays wrong"
if wait_file_match "$ws/.workbook/progress" '^quiz demo/even .*correct=1' &&
   ! grep -qE '^quiz demo/even .*first=1' "$ws/.workbook/progress"; then
  ok "progress keeps the first try and the last answer"
else
  not_ok "progress keeps the first try and the last answer"; diag "$(progress_of "$ws")"
fi
keys q
expect_screen '✓ Quiz +Which of these numbers' "the map marks the quiz done"
keys Enter
expect_screen 'Answered before' "reopening says it was answered"
keys Up Enter
expect_screen 'Not quite: the answer is 2\.' "Up and Enter answer the choice under the cursor"
keys Enter
expect_screen 'demo › Reading for the tests' "Enter after a wrong answer goes to the page on_answer names"
keys q
expect_screen 'TUI test course' "back at the map"
if screen_e | grep -E $'\e\\[7m' | grep -q 'Reading for the tests'; then
  ok "the map's cursor follows to the step seen last"
else
  not_ok "the map's cursor follows to the step seen last"; diag "$(screen_e | cat -v)"
fi
keys j Enter
expect_screen 'Which of these numbers is even\?' "back at the quiz"
keys 2
expect_screen 'Right\.' "answered right"
keys Enter
expect_screen 'hello: Print hello' "Enter after a right answer goes to the next step"
keys Q
expect_screen '\[exit 0\]' "quits"
done_testing
