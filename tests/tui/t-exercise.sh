#!/usr/bin/env bash
# An exercise: checks run on request and on save (without a key press),
# diagnostics and feedback show, hints one at a time, the whole output,
# the solution once passed, progress saved.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.sh"
need_tmux

ws=$(tui_workspace)
tui_start "$ws" 80 30
wait_for 'TUI test course' || { not_ok "map"; diag "$last"; }
keys Enter
expect_screen 'demo › hello: Print hello' "Enter opens the first unfinished exercise"
expect_screen 'File +exercises/demo/hello.c' "the file path is shown"
expect_screen 'watch: (inotify|polling)' "the status line says how the file is watched"
expect_screen 'not checked yet' "nothing runs until asked or saved"

keys Enter
expect_screen '✗ says hello .*expected .hello' "Enter checks: the failing check and why"
expect_screen '✓ compiles' "the passing check"
expect_screen 'not passing yet +1 check' "the state and the attempt count"
if wait_file_match "$ws/.workbook/progress" '^exercise demo/hello .*status=failed'; then
  ok "the verdict is saved"
else
  not_ok "the verdict is saved"; diag "$(progress_of "$ws")"
fi

keys h
expect_screen 'Hint 1/2' "h reveals the first hint"
expect_screen 'Read the expected output' "with its text"
keys h
expect_screen 'Hint 2/2' "h again reveals the next"
keys h
expect_screen 'no more hints' "and says when there are no more"

keys c
expect_screen 'the solution opens once the exercise passes' "c waits for a pass"

keys o
expect_screen 'hello › output' "o opens the whole output"
expect_screen '== says hello \(fail\)' "with every check"
keys q
expect_screen 'demo › hello: Print hello' "q goes back to the exercise"

# A save from outside: the pass appears with no key pressed.
cp "$ws/solutions/demo/hello.c" "$ws/exercises/demo/hello.c.tmp"
mv "$ws/exercises/demo/hello.c.tmp" "$ws/exercises/demo/hello.c"
expect_screen '✓ passed' "saving the file re-checks it without a key press"
expect_screen '✓ says hello' "every check passes"
if wait_file_match "$ws/.workbook/progress" '^exercise demo/hello .*status=done'; then
  ok "the pass is saved"
else
  not_ok "the pass is saved"; diag "$(progress_of "$ws")"
fi
# And a write in place (not a rename) is seen too.
printf '/* broken */\nint main(void) { return 1 }\n' >"$ws/exercises/demo/hello.c"
expect_screen '✗ compiles' "a write in place is seen"
expect_screen "hello.c:2:[0-9]+: error: expected" "compiler errors show with file:line"
cp "$ws/solutions/demo/hello.c" "$ws/exercises/demo/hello.c"
expect_screen '✓ says hello' "and the fix after it"
expect_screen 'State +✓ passed' "the run is over"

keys c
expect_screen 'hello › solution' "c shows the solution once passed"
expect_screen 'reference solution' "the solution's text"
# Saves are noticed even under the solution view: the check runs and is
# recorded while the view stays open.
before=$(grep -oE '^exercise demo/hello .*attempts=[0-9]+' "$ws/.workbook/progress" | grep -oE '[0-9]+$')
printf '/* saved under the solution view */\n' >>"$ws/exercises/demo/hello.c"
if wait_file_match "$ws/.workbook/progress" "^exercise demo/hello .*attempts=$((before + 1))( |\$)"; then
  ok "a save under the output view is checked"
else
  not_ok "a save under the output view is checked"; diag "$(progress_of "$ws")"
fi
expect_screen 'hello › solution' "the view stays open meanwhile"
keys q
expect_screen 'State +✓ passed' "the result is there on return"

# Reset asks first; n keeps the file.
keys x
expect_screen 'reset exercises/demo/hello.c to the starter\? .*\[y/n\]' "x asks before resetting"
keys n
if grep -q 'printf("hello' "$ws/exercises/demo/hello.c"; then ok "n keeps the file"; else not_ok "n keeps the file"; fi
keys x y
expect_screen 'is back to the starter' "y resets"
if grep -q goodbye "$ws/exercises/demo/hello.c"; then ok "the starter is back"; else not_ok "the starter is back"; fi

# Skip: on to the next step, remembered in progress.
keys s
expect_screen 'spin: A program that never ends' "s skips to the next step"
expect_screen 'skipped demo/hello' "and says so"
if wait_file_match "$ws/.workbook/progress" '^exercise demo/hello .*skipped=1'; then
  ok "the skip is saved"
else
  not_ok "the skip is saved"; diag "$(progress_of "$ws")"
fi
keys q
expect_screen 'TUI test course' "q goes back to the map"
keys Q
expect_screen '\[exit 0\]' "quits"
tui_stop

# e: the editor gets the terminal and the file; the file is checked when
# it returns.  The "editor" here copies the solution over the file.
tui_start "$ws" 80 30 -u VISUAL "EDITOR=cp $ws/solutions/demo/hello.c"
wait_for 'TUI test course' || { not_ok "map"; diag "$last"; }
keys Enter
expect_screen 'demo › hello: Print hello' "the exercise again"
keys e
expect_screen '✓ says hello' "e runs the editor and checks the file on return"
expect_screen 'State +✓ passed' "the exercise passes"
keys q
expect_screen '✓ hello +Print hello' "the map shows it done"
keys q
expect_screen '\[exit 0\]' "quits"
tui_stop

# An editor that cannot run is reported, not fatal.
tui_start "$ws" 80 30 -u VISUAL EDITOR=/nonexistent/editor
wait_for 'TUI test course' || { not_ok "map"; diag "$last"; }
keys j Enter
wait_for 'File +exercises/demo' || { not_ok "exercise"; diag "$last"; }
keys e
expect_screen "cannot run editor '/nonexistent/editor'" "a missing editor is reported"
keys Q
expect_screen '\[exit 0\]' "quits"
done_testing
