/*
 * view: lines of styled text that a screen composes and ui.c draws, plus
 * the small formatting helpers the screens share (bars, key strips,
 * durations).  Nothing here includes curses, so the layout decisions are
 * unit-tested without a terminal (tests/unit/test_tuiview.c).
 *
 * A view line is a list of segments; each segment has a UI style (enum
 * ui_style: what it means on screen) and, for text that came through the
 * Markdown layout, the md.h style flags (bold, code, link...).  ui.c turns
 * both into curses attributes.
 */
#ifndef WB_TUI_VIEW_H
#define WB_TUI_VIEW_H

#include <stdarg.h>
#include <stddef.h>

struct md_layout;

/* What a piece of text is; ui.c maps each to colour and monochrome
 * attributes (one table). */
enum ui_style {
	ST_TEXT,
	ST_TITLE, /* screen titles, section names */
	ST_DIM,	  /* secondary information */
	ST_PASS,
	ST_FAIL,
	ST_SKIP,
	ST_RUN, /* a check running now */
	ST_WARN,
	ST_ERROR, /* diagnostics: error lines */
	ST_NOTE,
	ST_CODE,
	ST_KEY,	   /* a key name in help and prompts */
	ST_SELECT, /* the cursor row */
	ST_MATCH,  /* a search match */
	ST_STATUS, /* the status line */
	ST_BAR_ON, /* filled part of a bar */
	ST_BAR_OFF,
	ST_LINK,
	ST_COUNT
};

struct vseg {
	size_t off, len;     /* into view.text */
	unsigned char style; /* enum ui_style */
	unsigned md;	     /* md.h style flags, 0 for plain text */
};

struct vline {
	size_t seg, nseg;
	int width;
	int tag; /* for the screen: which item the line shows */
};

struct view {
	char *text;
	size_t len, cap;
	struct vseg *segs;
	size_t nsegs, capsegs;
	struct vline *lines;
	size_t nlines, caplines;
	int max_width;
};

void view_init(struct view *v);
void view_release(struct view *v);
/* Empty it, keeping the memory. */
void view_clear(struct view *v);

/* Start a new line (tagged); text is added to the last line. */
void view_line(struct view *v, int tag);
/* Add text (control characters shown as U+FFFD). */
void view_add(struct view *v, int style, const char *s, size_t n);
void view_adds(struct view *v, int style, const char *s);
void view_addf(struct view *v, int style, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Pad the current line with spaces up to column `col`. */
void view_pad_to(struct view *v, int col);

/*
 * Add text as Markdown, wrapped to `width` columns, each line starting
 * with `indent` spaces (the first line with `first` instead when non-NULL,
 * padded to the indent).  `style` is the base UI style of the text.
 * Starts new lines (tagged); returns how many.
 */
int view_markdown(struct view *v, int tag, int style, const char *first,
		  int indent, int width, const char *md);
/* The lines of an md layout, indented (the first one led by `first` when
 * non-NULL). */
void view_add_layout(struct view *v, int tag, int style, const char *first,
		     int indent, const struct md_layout *l);

/*
 * "[######----]": `cells` cells, `frac` of them filled (clamped to
 * 0..1).  Written to out (n bytes, at least cells + 3).
 */
void view_bar(char *out, size_t n, double frac, int cells);

/*
 * How full a measured value's bar is: the value as a share of the
 * threshold for ">=" (reaching the threshold fills 2/3 of the bar: room
 * to show a value well past it), and for "<=" the mirror image (at the
 * threshold: 2/3; at zero: full).  Returns 0..1.
 */
double view_value_frac(double value, double threshold, const char *cmp);

/* "0.4s", "12.3s", "2m05s". */
void view_duration(char *out, size_t n, double seconds);

/* One frame of the spinner (ASCII "|/-\" or Braille dots). */
const char *view_spinner(unsigned tick, int ascii);

/*
 * A key strip: items "key:label" joined by two spaces, dropping the
 * lowest-priority items (largest prio) until it fits `width` columns; the
 * item marked must (prio 0) stays even when nothing else fits.  Returns
 * the number of items kept.
 */
struct strip_item {
	const char *key;
	const char *label;
	int prio;
};
int view_strip(char *out, size_t n, const struct strip_item *items,
	       size_t nitems, int width);

/* Shorten s into out to fit `cols` columns, ending with "..." (or "…")
 * when cut.  Returns its width. */
int view_ellipsize(char *out, size_t n, const char *s, int cols, int ascii);

#endif
