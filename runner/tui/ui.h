/*
 * ui: what the screens share: the terminal, the style table, the screen
 * stack, the one event loop, the status line, prompts and the editor.
 *
 * The screen is three parts: a title row (row 0), the body (the top
 * screen draws rows 1 .. rows-2) and the status line (last row, reverse
 * video: the mode on the left, a key strip that shortens with the width on
 * the right).  Screens are pushed on a stack: the map at the bottom, a
 * step (reader, quiz, exercise) above it, a pager (output, solution) on
 * top; q pops, and quits at the bottom.  Only the top screen draws.
 *
 * Every screen is one file and one struct screen_kind; its open function
 * pushes it.  Nothing here runs while a check runs on the worker thread
 * except drawing and key handling (see job.h).
 */
#ifndef WB_TUI_UI_H
#define WB_TUI_UI_H

#include <stddef.h>

#include "tui/view.h"

struct app;
struct section;
struct tui;
struct screen;

/* Key sets (help.c's table says which keys a screen uses). */
#define KS_ALL	    0x01u
#define KS_MAP	    0x02u
#define KS_READER   0x04u
#define KS_QUIZ	    0x08u
#define KS_EXERCISE 0x10u
#define KS_PAGER    0x20u
#define KS_STEP	    0x40u /* reader, quiz and exercise: [ and ] */

struct screen_kind {
	const char *name; /* the mode shown in the status line */
	unsigned keys;	  /* KS_* */
	/* Draw the body (rows 1 .. t->rows - 2). */
	void (*draw)(struct tui *t, struct screen *s);
	/* Handle a key; return 1 when used (else ui.c handles q, Esc...). */
	int (*key)(struct tui *t, struct screen *s, int key);
	/* Called every loop turn (may be NULL): poll workers and watches. */
	void (*tick)(struct tui *t, struct screen *s);
	/* The left part of the status line (may be NULL: the name). */
	void (*status)(struct tui *t, struct screen *s, char *buf, size_t n);
	/* Before the screen goes away: stop its work (may be NULL). */
	void (*close)(struct tui *t, struct screen *s);
	void (*free)(void *data);
};

struct screen {
	const struct screen_kind *kind;
	void *data;
	char title[256];
	/* Steps: the section and step index this screen shows, for [ and ]. */
	const struct section *section;
	size_t step;
	int is_step;
};

enum prompt_kind {
	PROMPT_NONE,
	PROMPT_TEXT,	/* a line of text, Enter accepts */
	PROMPT_CONFIRM, /* y or n */
};

typedef void (*prompt_fn)(struct tui *t, struct screen *s, const char *text,
			  int accepted);

#define UI_MAX_DEPTH 8

struct tui {
	struct app *a;
	struct screen *stack[UI_MAX_DEPTH];
	int depth;
	int rows, cols;
	int ascii; /* no UTF-8: ASCII glyphs */
	int color; /* colours in use */
	int quit;
	int dirty;     /* redraw at the next turn */
	unsigned tick; /* spinner frames */
	int help;      /* the help overlay is shown */
	int help_top;
	/* The prompt on the status line. */
	enum prompt_kind prompt;
	char prompt_label[64];
	char prompt_buf[256];
	size_t prompt_len;
	prompt_fn prompt_done;
	/* A transient message in the status line. */
	char message[256];
	int message_style;
	/* What the loop waits on besides the keyboard: the worker's wake-up
	 * pipe, and a descriptor and timeout a screen asks for in its tick. */
	int wake[2];
	int poll_fd;
	int poll_ms;
	/* The step opened last (ui_open_step), so the map can follow. */
	const struct section *last_section;
	size_t last_step;
	unsigned step_serial;
	/* Timing trace for `make bench` ($WORKBOOK_TUI_TRACE). */
	void *trace;
};

/* Glyphs that have an ASCII fallback. */
enum glyph {
	G_DONE,	     /* ✓ + */
	G_FAILED,    /* ✗ x */
	G_NOT_TRIED, /* · . */
	G_PAGE,	     /* ≡ = */
	G_QUIZ,	     /* ? ? */
	G_ARROW,     /* › > */
	G_DOTS,	     /* … ... */
	G_HLINE,     /* ─ - */
	G_COUNT
};
const char *ui_glyph(const struct tui *t, enum glyph g);

/* The screen stack. */
struct screen *ui_push(struct tui *t, const struct screen_kind *k, void *data);
void ui_pop(struct tui *t);
struct screen *ui_top(struct tui *t);

/* Rows the body has (at least 1). */
int ui_body_rows(const struct tui *t);

/*
 * Draw view lines [first, first + nrows) at body rows row0.., from column
 * col0 over `width` columns.  Lines wider than `width` start `xoff` columns
 * in (sideways scrolling).  The line `cursor` (or -1) is drawn in the
 * selection style; `match` (or NULL) is highlighted where it occurs
 * (ASCII case-insensitive).
 */
void ui_draw_view(struct tui *t, const struct view *v, size_t first, int row0,
		  int nrows, int col0, int width, int xoff, long cursor,
		  const char *match);
/* Draw text at (row, col) in a style, clipped to `width` columns; returns
 * the columns used. */
int ui_draw_text(struct tui *t, int row, int col, int width, int style,
		 const char *s);

/* A message in the status line until the next key. */
void ui_message(struct tui *t, int style, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Ask on the status line; `done` is called with the text (or "y"/"n")
 * and whether it was accepted (Enter, y) or not (Esc, n). */
void ui_prompt(struct tui *t, enum prompt_kind kind, const char *label,
	       prompt_fn done);

/*
 * Open `path` in $VISUAL, $EDITOR or vi (split on spaces, no shell), with
 * the terminal handed over and taken back.  Returns the editor's exit
 * status, or -1 when it could not run (message shown).
 */
int ui_run_editor(struct tui *t, const char *path);

/* Wake the event loop from another thread (async-signal-safe). */
void ui_wake(struct tui *t);

/* Record a timing event for `make bench` when tracing is on. */
void ui_trace(struct tui *t, const char *event, double value);

/* Screens (one file each). */
void map_open(struct tui *t);
void reader_open(struct tui *t, const struct section *s, size_t step);
void quiz_open(struct tui *t, const struct section *s, size_t step);
void exercise_open(struct tui *t, const struct section *s, size_t step);
/* A scrollable page of text (whole output, solution); text is copied. */
void pager_open(struct tui *t, const char *title, const char *text);

/* Open step `step` of section s (replacing the step screen on top, if
 * any); past the last step the next section's first.  Returns 0, or -1
 * when there is no such step. */
int ui_open_step(struct tui *t, const struct section *s, size_t step);
/* The step after / before the top screen's. */
int ui_next_step(struct tui *t, int dir);

/* termcap.c: what endwin would send to leave the screen (attributes off,
 * cursor visible, keypad off, main screen), written into buf for the
 * fatal-signal path, which may only write(2).  Returns its length. */
size_t termcap_restore(char *buf, size_t n);

/* help.c: the overlay, and the key strip of a screen. */
void help_draw(struct tui *t);
int help_key(struct tui *t, int key);
void help_strip(const struct tui *t, unsigned keys, int width, char *out,
		size_t n);

/*
 * Keys as screens see them: a character is its code point; the special
 * keys are these (ui.c translates from curses, so screens need no curses
 * key names).
 */
#define UI_CTRL(c) ((c)&0x1f)
#define UI_ESC	   27
#define UI_ENTER   '\n'
enum ui_key {
	K_UP = 0x110000,
	K_DOWN,
	K_LEFT,
	K_RIGHT,
	K_PGUP,
	K_PGDN,
	K_HOME,
	K_END,
	K_BACKSPACE,
	K_RESIZE,
	K_OTHER, /* a function key nobody uses */
};

#endif
