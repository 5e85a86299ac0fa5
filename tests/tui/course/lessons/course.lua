-- A small fixed course for the terminal UI tests (tests/tui/t-*.sh), so
-- they do not change when the real course does.
course {
  title = "TUI test course",
  sections = { "demo" },
}
