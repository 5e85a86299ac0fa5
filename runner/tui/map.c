/*
 * map: the course map, the first screen.  Sections and their steps
 * (reading pages, quizzes, exercises) with marks, a progress bar, the
 * cursor on the first unfinished exercise; Enter opens, / filters as you
 * type.  Navigation between steps (ui_open_step) lives here too.
 */
#include "tui/ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "course.h"
#include "progress.h"
#include "tui/md.h"
#include "tui/text.h"
#include "util/xalloc.h"

struct item {
	const struct section *sec;
	long step; /* -1: the section's own row */
};

struct map {
	struct item *items; /* every row, unfiltered */
	size_t nitems;
	size_t *shown; /* indices of rows passing the filter */
	size_t nshown;
	size_t cursor; /* into shown */
	size_t top;
	char filter[256];
	int filtering;	 /* the / prompt is open */
	unsigned serial; /* the last step followed (tui.step_serial) */
	struct view v;
};

static void map_free(void *data)
{
	struct map *m = data;

	free(m->items);
	free(m->shown);
	view_release(&m->v);
	free(m);
}

static enum ex_state ex_state(struct tui *t, const struct exercise *x)
{
	const struct progress_ex *r =
	    progress_ex_find(&t->a->progress, x->name);

	return r ? r->state : EX_NOT_TRIED;
}

/* Quizzes: right (at any try) is done, a wrong last answer failed. */
static enum ex_state quiz_state(struct tui *t, const struct quiz *q)
{
	const struct progress_quiz *r =
	    progress_quiz_find(&t->a->progress, q->name);

	if (!r || r->tries == 0)
		return EX_NOT_TRIED;
	return r->correct ? EX_DONE : EX_FAILED;
}

static int ci_contains(const char *hay, const char *needle)
{
	return hay && md_find_ci(hay, strlen(hay), needle, 0) >= 0;
}

static int step_matches(const struct section *s, size_t i, const char *f)
{
	const struct step *st = &s->steps[i];

	switch (st->kind) {
	case STEP_PAGE:
		return ci_contains(s->pages[st->index].title, f) ||
		       ci_contains(s->pages[st->index].rel, f);
	case STEP_QUIZ:
		return ci_contains(s->quizzes[st->index].ask, f) ||
		       ci_contains(s->quizzes[st->index].name, f);
	case STEP_EXERCISE:
		return ci_contains(s->exercises[st->index].name, f) ||
		       ci_contains(s->exercises[st->index].title, f);
	}
	return 0;
}

static const char *current_filter(struct tui *t, struct map *m)
{
	return m->filtering ? t->prompt_buf : m->filter;
}

/* Recompute the shown rows, keeping the cursor on the same item. */
static void apply_filter(struct tui *t, struct map *m)
{
	const char *f = current_filter(t, m);
	size_t keep = m->nshown ? m->shown[m->cursor] : 0, i, j;

	m->nshown = 0;
	for (i = 0; i < m->nitems; i++) {
		const struct item *it = &m->items[i];
		int ok = !*f;

		if (!ok && it->step < 0) {
			ok = ci_contains(it->sec->id, f) ||
			     ci_contains(it->sec->title, f);
			for (j = 0; !ok && j < it->sec->nsteps; j++)
				ok = step_matches(it->sec, j, f);
		} else if (!ok) {
			ok = ci_contains(it->sec->id, f) ||
			     step_matches(it->sec, (size_t)it->step, f);
		}
		if (ok)
			m->shown[m->nshown++] = i;
	}
	m->cursor = 0;
	for (i = 0; i < m->nshown; i++)
		if (m->shown[i] >= keep) {
			m->cursor = i;
			break;
		}
}

static void totals(struct tui *t, size_t *done, size_t *total, size_t *qdone,
		   size_t *qtotal)
{
	const struct course *c = &t->a->course;
	size_t i, j;

	*done = *total = *qdone = *qtotal = 0;
	for (i = 0; i < c->nsections; i++) {
		const struct section *s = &c->sections[i];

		for (j = 0; j < s->nexercises; j++) {
			(*total)++;
			*done += ex_state(t, &s->exercises[j]) == EX_DONE;
		}
		for (j = 0; j < s->nquizzes; j++) {
			(*qtotal)++;
			*qdone += quiz_state(t, &s->quizzes[j]) == EX_DONE;
		}
	}
}

static int mark_style(enum ex_state s)
{
	return s == EX_DONE ? ST_PASS : s == EX_FAILED ? ST_FAIL : ST_DIM;
}

static const char *mark(struct tui *t, enum ex_state s)
{
	return ui_glyph(t, s == EX_DONE	    ? G_DONE
			   : s == EX_FAILED ? G_FAILED
					    : G_NOT_TRIED);
}

static void section_row(struct tui *t, struct view *v, const struct section *s,
			int width)
{
	char buf[512];
	size_t j, done = 0;

	view_adds(v, ST_TITLE, s->id);
	view_adds(v, ST_TEXT, "  ");
	if (s->error) {
		view_adds(v, ST_FAIL, "broken: ");
		view_ellipsize(buf, sizeof(buf), s->error,
			       width - v->lines[v->nlines - 1].width, t->ascii);
		view_adds(v, ST_FAIL, buf);
		return;
	}
	view_ellipsize(buf, sizeof(buf), s->title ? s->title : "",
		       width - v->lines[v->nlines - 1].width - 8, t->ascii);
	view_adds(v, ST_TITLE, buf);
	for (j = 0; j < s->nexercises; j++)
		done += ex_state(t, &s->exercises[j]) == EX_DONE;
	if (s->nexercises) {
		snprintf(buf, sizeof(buf), "%zu/%zu", done, s->nexercises);
		view_pad_to(v, width - (int)strlen(buf));
		view_adds(v, done == s->nexercises ? ST_PASS : ST_DIM, buf);
	}
}

static void step_row(struct tui *t, struct view *v, const struct section *s,
		     size_t i, int width)
{
	const struct step *st = &s->steps[i];
	char buf[512];
	const char *label = "";
	enum ex_state state;
	int room;

	view_adds(v, ST_TEXT, "   ");
	switch (st->kind) {
	case STEP_PAGE:
		view_adds(v, ST_DIM, ui_glyph(t, G_PAGE));
		view_adds(v, ST_DIM, " Read   ");
		label = s->pages[st->index].title ? s->pages[st->index].title
						  : s->pages[st->index].rel;
		break;
	case STEP_QUIZ:
		state = quiz_state(t, &s->quizzes[st->index]);
		view_adds(v, mark_style(state), mark(t, state));
		view_adds(v, ST_DIM, " Quiz   ");
		label = s->quizzes[st->index].ask;
		break;
	case STEP_EXERCISE:
		state = ex_state(t, &s->exercises[st->index]);
		view_adds(v, mark_style(state), mark(t, state));
		view_adds(v, ST_TEXT, " ");
		view_adds(v, ST_TEXT, s->exercises[st->index].id);
		view_pad_to(v, 20);
		label = s->exercises[st->index].title
			    ? s->exercises[st->index].title
			    : s->exercises[st->index].file;
		break;
	}
	room = width - v->lines[v->nlines - 1].width;
	view_ellipsize(buf, sizeof(buf), label ? label : "", room, t->ascii);
	view_adds(v, st->kind == STEP_EXERCISE ? ST_TEXT : ST_DIM, buf);
}

static void build(struct tui *t, struct map *m, int width)
{
	size_t i;

	view_clear(&m->v);
	for (i = 0; i < m->nshown; i++) {
		const struct item *it = &m->items[m->shown[i]];

		view_line(&m->v, (int)i);
		if (it->step < 0)
			section_row(t, &m->v, it->sec, width);
		else
			step_row(t, &m->v, it->sec, (size_t)it->step, width);
	}
}

/* Back from a lesson: the cursor on the step seen last. */
static void follow_step(struct tui *t, struct map *m)
{
	size_t i;

	if (m->serial == t->step_serial)
		return;
	m->serial = t->step_serial;
	for (i = 0; i < m->nshown; i++) {
		const struct item *it = &m->items[m->shown[i]];

		if (it->sec == t->last_section &&
		    it->step == (long)t->last_step) {
			m->cursor = i;
			return;
		}
	}
}

static void map_draw(struct tui *t, struct screen *s)
{
	struct map *m = s->data;
	size_t done, total, qdone, qtotal;
	char bar[64], line[256];
	int rows = ui_body_rows(t) - 2, width = t->cols - 2, col;

	if (m->filtering)
		apply_filter(t, m);
	follow_step(t, m);
	totals(t, &done, &total, &qdone, &qtotal);
	view_bar(bar, sizeof(bar), total ? (double)done / (double)total : 0,
		 20);
	col = 1 + ui_draw_text(t, 1, 1, width, ST_TEXT, "Progress ");
	col += ui_draw_text(t, 1, col, 22, ST_BAR_ON, bar);
	snprintf(line, sizeof(line), "  %zu/%zu exercises, %zu/%zu quizzes",
		 done, total, qdone, qtotal);
	ui_draw_text(t, 1, col, t->cols - col - 1, ST_TEXT, line);
	build(t, m, width);
	if (rows < 1)
		rows = 1;
	if (m->cursor < m->top)
		m->top = m->cursor;
	if (m->cursor >= m->top + (size_t)rows)
		m->top = m->cursor - (size_t)rows + 1;
	if (m->nshown == 0)
		ui_draw_text(t, 3, 1, width, ST_DIM,
			     "nothing matches the filter");
	ui_draw_view(t, &m->v, m->top, 3, rows, 1, width, 0, (long)m->cursor,
		     NULL);
}

static void map_status(struct tui *t, struct screen *s, char *buf, size_t n)
{
	struct map *m = s->data;
	size_t done, total, qdone, qtotal;

	totals(t, &done, &total, &qdone, &qtotal);
	if (m->filter[0])
		snprintf(buf, n, "map  %zu/%zu done  filter: %s", done, total,
			 m->filter);
	else
		snprintf(buf, n, "map  %zu/%zu done", done, total);
}

static void filter_done(struct tui *t, struct screen *s, const char *text,
			int accepted)
{
	struct map *m = s->data;

	m->filtering = 0;
	snprintf(m->filter, sizeof(m->filter), "%s", accepted ? text : "");
	apply_filter(t, m);
}

static void open_row(struct tui *t, struct map *m)
{
	const struct item *it;

	if (m->nshown == 0)
		return;
	it = &m->items[m->shown[m->cursor]];
	if (it->sec->error) {
		ui_message(t, ST_FAIL, "this lesson did not load: %s",
			   it->sec->error);
		return;
	}
	if (it->sec->nsteps == 0) {
		ui_message(t, ST_DIM, "this section has no steps yet");
		return;
	}
	ui_open_step(t, it->sec, it->step < 0 ? 0 : (size_t)it->step);
}

static void move_cursor(struct map *m, long by)
{
	long c = (long)m->cursor + by;

	if (m->nshown == 0)
		return;
	if (c < 0)
		c = 0;
	if (c >= (long)m->nshown)
		c = (long)m->nshown - 1;
	m->cursor = (size_t)c;
}

static int map_key(struct tui *t, struct screen *s, int key)
{
	struct map *m = s->data;
	long page = ui_body_rows(t) - 3;

	if (page < 1)
		page = 1;
	follow_step(t, m);
	switch (key) {
	case 'j':
	case K_DOWN:
		move_cursor(m, 1);
		return 1;
	case 'k':
	case K_UP:
		move_cursor(m, -1);
		return 1;
	case ' ':
	case K_PGDN:
		move_cursor(m, page);
		return 1;
	case 'b':
	case K_PGUP:
		move_cursor(m, -page);
		return 1;
	case 'g':
	case K_HOME:
		m->cursor = 0;
		return 1;
	case 'G':
	case K_END:
		move_cursor(m, (long)m->nshown);
		return 1;
	case UI_ENTER:
		open_row(t, m);
		return 1;
	case '/':
		m->filtering = 1;
		ui_prompt(t, PROMPT_TEXT, "filter:", filter_done);
		return 1;
	case UI_ESC:
		if (m->filter[0]) {
			m->filter[0] = '\0';
			apply_filter(t, m);
		}
		return 1;
	}
	return 0;
}

static const struct screen_kind map_kind = {
    .name = "map",
    .keys = KS_MAP,
    .draw = map_draw,
    .key = map_key,
    .status = map_status,
    .free = map_free,
};

/* The first exercise not done, else the top. */
static void place_cursor(struct tui *t, struct map *m)
{
	size_t i;

	m->cursor = 0;
	for (i = 0; i < m->nshown; i++) {
		const struct item *it = &m->items[m->shown[i]];
		const struct step *st;

		if (it->step < 0 || it->sec->error)
			continue;
		st = &it->sec->steps[it->step];
		if (st->kind == STEP_EXERCISE &&
		    ex_state(t, &it->sec->exercises[st->index]) != EX_DONE) {
			m->cursor = i;
			return;
		}
	}
}

void map_open(struct tui *t)
{
	const struct course *c = &t->a->course;
	struct map *m = xcalloc(1, sizeof(*m));
	struct screen *s;
	size_t i, j, n = 0;

	for (i = 0; i < c->nsections; i++)
		n += 1 + c->sections[i].nsteps;
	m->items = xcalloc(n + 1, sizeof(*m->items));
	m->shown = xcalloc(n + 1, sizeof(*m->shown));
	for (i = 0; i < c->nsections; i++) {
		const struct section *sec = &c->sections[i];

		m->items[m->nitems++] = (struct item){sec, -1};
		for (j = 0; j < sec->nsteps; j++)
			m->items[m->nitems++] = (struct item){sec, (long)j};
	}
	view_init(&m->v);
	apply_filter(t, m);
	place_cursor(t, m);
	s = ui_push(t, &map_kind, m);
	if (s)
		snprintf(s->title, sizeof(s->title), "%s",
			 c->title ? c->title : "workbook");
}

/* ---- steps -------------------------------------------------------------- */

int ui_open_step(struct tui *t, const struct section *s, size_t step)
{
	const struct course *c = &t->a->course;
	size_t si = (size_t)(s - c->sections);

	/* Past the end of a section: the next one that has steps. */
	while (step >= s->nsteps || s->error) {
		if (++si >= c->nsections) {
			ui_message(t, ST_PASS,
				   "that was the last step of the course");
			return -1;
		}
		s = &c->sections[si];
		step = 0;
	}
	while (t->depth > 1)
		ui_pop(t);
	t->last_section = s;
	t->last_step = step;
	t->step_serial++;
	switch (s->steps[step].kind) {
	case STEP_PAGE:
		reader_open(t, s, step);
		break;
	case STEP_QUIZ:
		quiz_open(t, s, step);
		break;
	case STEP_EXERCISE:
		exercise_open(t, s, step);
		break;
	}
	return 0;
}

int ui_next_step(struct tui *t, int dir)
{
	const struct course *c = &t->a->course;
	struct screen *top = ui_top(t);
	const struct section *s;
	size_t si;

	if (!top || !top->is_step)
		return -1;
	s = top->section;
	if (dir > 0)
		return ui_open_step(t, s, top->step + 1);
	if (top->step > 0)
		return ui_open_step(t, s, top->step - 1);
	/* Before the first step: the last step of an earlier section. */
	for (si = (size_t)(s - c->sections); si-- > 0;)
		if (!c->sections[si].error && c->sections[si].nsteps)
			return ui_open_step(t, &c->sections[si],
					    c->sections[si].nsteps - 1);
	ui_message(t, ST_DIM, "this is the first step");
	return -1;
}
