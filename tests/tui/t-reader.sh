#!/usr/bin/env bash
# The reader: Markdown rendered, search with / n N, code not wrapped and
# scrolled sideways, Enter goes to the next step.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.sh"
need_tmux

ws=$(tui_workspace)
tui_start "$ws" 80 24
wait_for 'TUI test course' || { not_ok "map"; diag "$last"; }
keys g Enter
expect_screen '^ Reading for the tests' "the heading is shown"
expect_screen '^ demo › Reading for the tests +step 1/4 *$' "the title row says which step of the lesson"
expect_screen '^ ═+' "a level-1 heading is underlined"
expect_screen '^ • one item' "list items get bullets"
expect_screen '^   ◦ a nested item' "nested items are indented"
expect_screen 'Language │ Start-up' "tables keep their columns"
expect_screen '^ ─+┼─+' "the table header has a rule"
keys Space
expect_screen 'int main\(void\) \{ return 0; \}' "Space pages down to the code"
expect_not_screen 'any width \*/' "long code lines are not wrapped"
keys l l l l l l
expect_screen 'any width \*/' "l scrolls wide lines sideways"
keys h h h h h h

# Search: the first match, then the next, then back.
keys /
expect_screen 'search:' "/ opens the search prompt"
type_text zebrafish
keys Enter
expect_screen '│ A quote mentioning the zebrafish' "the first match comes into view"
keys n
expect_screen 'names the zebrafish again' "n goes to the next match"
expect_screen 'reader +[0-9]+% +/zebrafish' "the status line shows the search"
keys N
expect_screen 'A quote mentioning the zebrafish' "N goes back to the previous match"
expect_screen 'See the guide\[1\] for more' "link text carries its number"
keys / ; type_text nosuchword ; keys Enter
expect_screen 'not found: nosuchword' "a missing word is reported"

keys G
expect_screen '\[1\] https://example.com/guide' "links are listed as numbered references"
expect_screen 'reader +100%' "G goes to the end"
keys Enter
expect_screen 'Quiz: even' "Enter goes on to the next step"
keys q q
expect_screen '\[exit 0\]' "q from the map quits"
done_testing
