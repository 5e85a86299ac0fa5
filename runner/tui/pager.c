/*
 * pager: the output view.  A page of plain text (the whole output of a
 * check run, a solution file), never wrapped, scrolled both ways, with
 * search.  Compiler and sanitizer lines are coloured by what they say.
 */
#include "tui/ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/md.h"
#include "util/xalloc.h"

#define SIDE_STEP 8

struct pager {
	struct view v;
	size_t top;
	int xoff;
	char needle[256];
	long match;
};

static void pager_free(void *data)
{
	struct pager *p = data;

	view_release(&p->v);
	free(p);
}

/* How a line of tool output looks. */
static int line_style(const char *s, size_t n)
{
	if (n >= 3 && memcmp(s, "== ", 3) == 0)
		return ST_TITLE;
	if (md_find_ci(s, n, ": error:", 0) >= 0 ||
	    md_find_ci(s, n, "ERROR: AddressSanitizer", 0) >= 0 ||
	    md_find_ci(s, n, "ERROR: LeakSanitizer", 0) >= 0 ||
	    md_find_ci(s, n, "runtime error:", 0) >= 0 ||
	    md_find_ci(s, n, "WARNING: ThreadSanitizer", 0) >= 0)
		return ST_ERROR;
	if (md_find_ci(s, n, ": warning:", 0) >= 0)
		return ST_WARN;
	if (md_find_ci(s, n, ": note:", 0) >= 0)
		return ST_NOTE;
	if (n >= 5 && memcmp(s, "    #", 5) == 0)
		return ST_DIM; /* stack frames */
	return ST_TEXT;
}

static void fill(struct pager *p, const char *text)
{
	const char *s = text, *nl;

	while (*s) {
		nl = strchr(s, '\n');
		if (!nl)
			nl = s + strlen(s);
		view_line(&p->v, 0);
		view_add(&p->v, line_style(s, (size_t)(nl - s)), s,
			 (size_t)(nl - s));
		s = *nl ? nl + 1 : nl;
	}
	if (p->v.nlines == 0)
		view_line(&p->v, 0);
}

static size_t max_top(struct tui *t, const struct pager *p)
{
	size_t rows = (size_t)ui_body_rows(t);

	return p->v.nlines > rows ? p->v.nlines - rows : 0;
}

static void pager_draw(struct tui *t, struct screen *s)
{
	struct pager *p = s->data;

	if (p->top > max_top(t, p))
		p->top = max_top(t, p);
	ui_draw_view(t, &p->v, p->top, 1, ui_body_rows(t), 1, t->cols - 2,
		     p->xoff, -1, p->needle[0] ? p->needle : NULL);
}

static void pager_status(struct tui *t, struct screen *s, char *buf, size_t n)
{
	struct pager *p = s->data;
	size_t end = p->top + (size_t)ui_body_rows(t);

	snprintf(buf, n, "output  lines %zu-%zu of %zu", p->top + 1,
		 end < p->v.nlines ? end : p->v.nlines, p->v.nlines);
}

/* The line text of view line i. */
static const char *line_text(const struct pager *p, size_t i, size_t *len)
{
	const struct vline *l = &p->v.lines[i];

	if (l->nseg == 0) {
		*len = 0;
		return "";
	}
	*len = p->v.segs[l->seg + l->nseg - 1].off +
	       p->v.segs[l->seg + l->nseg - 1].len - p->v.segs[l->seg].off;
	return p->v.text + p->v.segs[l->seg].off;
}

static void find(struct tui *t, struct pager *p, size_t from, int dir)
{
	size_t k, i, n = p->v.nlines, len;
	const char *s;

	if (!p->needle[0] || n == 0)
		return;
	for (k = 0; k < n; k++) {
		i = dir > 0 ? (from + k) % n : (from + n - k) % n;
		s = line_text(p, i, &len);
		if (md_find_ci(s, len, p->needle, 0) >= 0) {
			p->match = (long)i;
			p->top = i >= 2 ? i - 2 : 0;
			return;
		}
	}
	ui_message(t, ST_FAIL, "not found: %s", p->needle);
}

static void search_done(struct tui *t, struct screen *s, const char *text,
			int accepted)
{
	struct pager *p = s->data;

	if (!accepted || !*text)
		return;
	snprintf(p->needle, sizeof(p->needle), "%s", text);
	find(t, p, p->top, 1);
}

static int pager_key(struct tui *t, struct screen *s, int key)
{
	struct pager *p = s->data;
	long page = ui_body_rows(t) - 1, top = (long)p->top;

	switch (key) {
	case 'j':
	case K_DOWN:
		top++;
		break;
	case 'k':
	case K_UP:
		top--;
		break;
	case ' ':
	case K_PGDN:
		top += page;
		break;
	case 'b':
	case K_PGUP:
		top -= page;
		break;
	case 'g':
	case K_HOME:
		top = 0;
		break;
	case 'G':
	case K_END:
		top = (long)max_top(t, p);
		break;
	case 'l':
	case K_RIGHT:
		if (p->xoff + t->cols / 2 < p->v.max_width)
			p->xoff += SIDE_STEP;
		return 1;
	case 'h':
	case K_LEFT:
		p->xoff = p->xoff > SIDE_STEP ? p->xoff - SIDE_STEP : 0;
		return 1;
	case '/':
		ui_prompt(t, PROMPT_TEXT, "search:", search_done);
		return 1;
	case 'n':
		find(t, p, p->match >= 0 ? (size_t)p->match + 1 : p->top, 1);
		return 1;
	case 'N':
		find(t, p,
		     p->match > 0 ? (size_t)p->match - 1 : p->v.nlines - 1, -1);
		return 1;
	case UI_ESC:
		ui_pop(t);
		return 1;
	default:
		return 0;
	}
	if (top < 0)
		top = 0;
	if (top > (long)max_top(t, p))
		top = (long)max_top(t, p);
	p->top = (size_t)top;
	return 1;
}

static const struct screen_kind pager_kind = {
    .name = "output",
    .keys = KS_PAGER,
    .draw = pager_draw,
    .key = pager_key,
    .status = pager_status,
    .free = pager_free,
};

void pager_open(struct tui *t, const char *title, const char *text)
{
	struct pager *p = xcalloc(1, sizeof(*p));
	struct screen *s;

	view_init(&p->v);
	p->match = -1;
	fill(p, text ? text : "");
	s = ui_push(t, &pager_kind, p);
	if (s)
		snprintf(s->title, sizeof(s->title), "%s", title);
}
