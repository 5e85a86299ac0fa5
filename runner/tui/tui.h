/*
 * tui: the full-screen front end (DESIGN.md, "tui/").
 *
 * main.c opens the app (workspace, course, progress) and, when no command
 * is given and tui_usable() says the terminal can take it (and --plain is
 * not given), hands it to tui_main().  Everything else in runner/tui/ is
 * private to the terminal UI.
 */
#ifndef WB_TUI_H
#define WB_TUI_H

#include <stdio.h>

struct app;

/*
 * Run the terminal UI over an opened app until the learner quits.  The
 * terminal is restored on every way out (q, Q, SIGINT, SIGTERM, SIGHUP, a
 * fatal error or signal).  Progress is saved by the engine after every
 * verdict and answer, so nothing is lost on the way out.  Returns the
 * process exit status: 0, or 2 when the terminal could not be set up.
 */
int tui_main(struct app *a);

/*
 * Whether the full-screen UI can run here: stdin and stdout are terminals,
 * TERM is set and not "dumb", its terminfo entry loads and it can address
 * the cursor.  (--plain is main.c's business.)
 */
int tui_usable(void);

/* The key table as a Markdown table (for docs/workbook.1.md and
 * `workbook keys --markdown`). */
void tui_keys_markdown(FILE *f);

#endif
