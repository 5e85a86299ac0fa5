/*
 * reader: a lesson page.  The Markdown is parsed once; the layout is redone
 * when the width changes (resize), keeping the text at the top of the
 * screen in place.  Prose wraps at min(width, 100); code and wide tables
 * scroll sideways; / searches, n and N go to the next and previous match.
 */
#include "tui/ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "course.h"
#include "tui/md.h"
#include "util/err.h"
#include "util/path.h"
#include "util/xalloc.h"

#define READ_MAX  ((size_t)1 << 20)
#define PROSE_MAX 100
#define SIDE_STEP 8

struct reader {
	char *error; /* the page could not be read */
	struct md_doc *doc;
	struct md_layout l;
	struct view v; /* the layout as view lines */
	int width;     /* laid out for; 0: not yet */
	size_t top;
	int xoff;
	char needle[256];
	long match; /* line of the last match, -1 none */
};

static void reader_free(void *data)
{
	struct reader *r = data;

	free(r->error);
	md_doc_free(r->doc);
	md_layout_release(&r->l);
	view_release(&r->v);
	free(r);
}

static int rows_of(struct tui *t)
{
	return ui_body_rows(t);
}

/* Lay out for the current width if it changed, keeping the top text. */
static void relayout(struct tui *t, struct reader *r)
{
	int width = t->cols - 2 < PROSE_MAX ? t->cols - 2 : PROSE_MAX;
	struct md_opts o = {width, t->ascii};
	struct md_pos pos = {0, 0};

	if (!r->doc || width == r->width)
		return;
	if (r->l.nlines)
		pos = md_layout_pos(&r->l, r->top < r->l.nlines ? r->top : 0);
	md_layout(&r->l, r->doc, &o);
	r->width = width;
	r->top = md_layout_find(&r->l, pos);
	r->match = -1;
	view_clear(&r->v);
	view_add_layout(&r->v, 0, ST_TEXT, NULL, 0, &r->l);
}

static size_t max_top(struct tui *t, const struct reader *r)
{
	size_t rows = (size_t)rows_of(t);

	return r->v.nlines > rows ? r->v.nlines - rows : 0;
}

static void reader_draw(struct tui *t, struct screen *s)
{
	struct reader *r = s->data;

	if (r->error) {
		ui_draw_text(t, 2, 1, t->cols - 2, ST_FAIL, r->error);
		return;
	}
	relayout(t, r);
	if (r->top > max_top(t, r))
		r->top = max_top(t, r);
	ui_draw_view(t, &r->v, r->top, 1, rows_of(t), 1, t->cols - 2, r->xoff,
		     -1, r->needle[0] ? r->needle : NULL);
}

static void reader_status(struct tui *t, struct screen *s, char *buf, size_t n)
{
	struct reader *r = s->data;
	size_t end = r->top + (size_t)rows_of(t);
	int pct = r->v.nlines == 0 || end >= r->v.nlines
		      ? 100
		      : (int)(end * 100 / r->v.nlines);

	if (r->needle[0])
		snprintf(buf, n, "reader  %d%%  /%s", pct, r->needle);
	else
		snprintf(buf, n, "reader  %d%%", pct);
}

static void scroll(struct tui *t, struct reader *r, long by)
{
	long top = (long)r->top + by;

	if (top < 0)
		top = 0;
	if (top > (long)max_top(t, r))
		top = (long)max_top(t, r);
	r->top = (size_t)top;
}

/* Find the next (dir > 0) or previous match from `from`. */
static void find(struct tui *t, struct reader *r, size_t from, int dir)
{
	long line;

	if (!r->needle[0])
		return;
	line = md_layout_search(&r->l, r->needle, from, dir, NULL);
	if (line < 0) {
		ui_message(t, ST_FAIL, "not found: %s", r->needle);
		return;
	}
	if (dir > 0 && (size_t)line < from && r->match >= 0)
		ui_message(t, ST_DIM, "search wrapped to the top");
	r->match = line;
	/* The match two lines below the top, for context. */
	r->top = (size_t)(line >= 2 ? line - 2 : 0);
	if (r->top > max_top(t, r))
		r->top = max_top(t, r);
}

static void search_done(struct tui *t, struct screen *s, const char *text,
			int accepted)
{
	struct reader *r = s->data;

	if (!accepted || !*text)
		return;
	snprintf(r->needle, sizeof(r->needle), "%s", text);
	r->match = -1;
	find(t, r, r->top, 1);
}

static int reader_key(struct tui *t, struct screen *s, int key)
{
	struct reader *r = s->data;
	long page = rows_of(t) - 1;

	switch (key) {
	case 'j':
	case K_DOWN:
		scroll(t, r, 1);
		return 1;
	case 'k':
	case K_UP:
		scroll(t, r, -1);
		return 1;
	case ' ':
	case K_PGDN:
		scroll(t, r, page > 0 ? page : 1);
		return 1;
	case 'b':
	case K_PGUP:
		scroll(t, r, page > 0 ? -page : -1);
		return 1;
	case 'g':
	case K_HOME:
		r->top = 0;
		return 1;
	case 'G':
	case K_END:
		r->top = max_top(t, r);
		return 1;
	case 'l':
	case K_RIGHT:
		if (r->xoff + t->cols / 2 < r->l.max_width)
			r->xoff += SIDE_STEP;
		return 1;
	case 'h':
	case K_LEFT:
		r->xoff = r->xoff > SIDE_STEP ? r->xoff - SIDE_STEP : 0;
		return 1;
	case '/':
		ui_prompt(t, PROMPT_TEXT, "search:", search_done);
		return 1;
	case 'n':
		find(t, r, r->match >= 0 ? (size_t)r->match + 1 : r->top, 1);
		return 1;
	case 'N':
		find(t, r,
		     r->match > 0 ? (size_t)r->match - 1
				  : (r->match == 0 ? r->l.nlines - 1 : r->top),
		     -1);
		return 1;
	case UI_ENTER:
	case ']':
		ui_next_step(t, 1);
		return 1;
	case '[':
		ui_next_step(t, -1);
		return 1;
	}
	return 0;
}

static const struct screen_kind reader_kind = {
    .name = "reader",
    .keys = KS_READER,
    .draw = reader_draw,
    .key = reader_key,
    .status = reader_status,
    .free = reader_free,
};

void reader_open(struct tui *t, const struct section *sec, size_t step)
{
	const struct page *p = &sec->pages[sec->steps[step].index];
	struct reader *r = xcalloc(1, sizeof(*r));
	struct screen *s;
	struct err e;
	size_t len;
	char *text;

	md_layout_init(&r->l);
	view_init(&r->v);
	r->match = -1;
	text = path_read_file(p->file, READ_MAX, &len, &e);
	if (!text) {
		r->error = xstrdup(e.msg);
	} else {
		r->doc = md_doc_parse(text, len);
		if (!r->doc)
			r->error = xasprintf("cannot render '%s'", p->rel);
		free(text);
	}
	s = ui_push(t, &reader_kind, r);
	if (!s)
		return;
	s->section = sec;
	s->step = step;
	s->is_step = 1;
	snprintf(s->title, sizeof(s->title), "%s %s %s", sec->id,
		 ui_glyph(t, G_ARROW), p->title ? p->title : p->rel);
}
