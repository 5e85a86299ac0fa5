/*
 * quiz: one question.  Choose by number, or move with j/k (arrows) and
 * press Enter.  After an answer: right or wrong, the explanation, and what
 * the lesson's on_answer says (possibly "go back to the reading", which
 * Enter then does).  Every answer is recorded in progress; the first try
 * is what counts as first-try right.  A digit answers again.
 */
#include "tui/ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "course.h"
#include "progress.h"
#include "script.h"
#include "util/err.h"
#include "util/path.h"
#include "util/xalloc.h"

struct quizscr {
	const struct quiz *q;
	const struct section *sec;
	size_t cursor; /* 0-based choice under the cursor */
	int answered;  /* the last answer (1-based), 0 none yet */
	int correct;
	int first_right; /* progress says the first try was right */
	int tries;
	struct script_feedback fb;
	int have_fb;
	long go_step; /* on_answer's "go", resolved; -1 none */
	size_t top;
	struct view v;
	long cursor_line; /* view line of the cursor choice */
	long result_line; /* view line of the verdict */
};

static void quiz_free(void *data)
{
	struct quizscr *z = data;

	if (z->have_fb)
		script_feedback_release(&z->fb);
	view_release(&z->v);
	free(z);
}

/* A step named by on_answer's `go`: a page file ("reading.md") or a quiz
 * or exercise id. */
static long find_step(const struct section *s, const char *go)
{
	size_t i;

	for (i = 0; go && i < s->nsteps; i++) {
		const struct step *st = &s->steps[i];
		const char *a = NULL, *b = NULL;

		if (st->kind == STEP_PAGE) {
			a = s->pages[st->index].rel;
			b = path_basename(s->pages[st->index].file);
		} else if (st->kind == STEP_QUIZ) {
			a = s->quizzes[st->index].id;
		} else {
			a = s->exercises[st->index].id;
		}
		if ((a && strcmp(a, go) == 0) || (b && strcmp(b, go) == 0))
			return (long)i;
	}
	return -1;
}

static void load_state(struct tui *t, struct quizscr *z)
{
	const struct progress_quiz *r =
	    progress_quiz_find(&t->a->progress, z->q->name);

	z->tries = r ? r->tries : 0;
	z->first_right = r ? r->first : 0;
	if (r && r->answer >= 1 && (size_t)r->answer <= z->q->nchoices &&
	    !z->answered)
		z->cursor = (size_t)r->answer - 1;
}

static void build(struct tui *t, struct quizscr *z, int width)
{
	const struct quiz *q = z->q;
	struct view *v = &z->v;
	char lead[32];
	size_t i;

	view_clear(v);
	view_markdown(v, 0, ST_TEXT, NULL, 0, width, q->ask);
	view_line(v, 0);
	for (i = 0; i < q->nchoices; i++) {
		int style = ST_TEXT;
		const char *m = " ";

		if (z->answered && (int)i + 1 == q->answer) {
			style = ST_PASS;
			m = ui_glyph(t, G_DONE);
		} else if (z->answered && (int)i + 1 == z->answered) {
			style = ST_FAIL;
			m = ui_glyph(t, G_FAILED);
		}
		if (i == z->cursor)
			z->cursor_line = (long)v->nlines;
		snprintf(lead, sizeof(lead), " %s %zu) ", m, i + 1);
		view_markdown(v, (int)i + 1, style, lead, 6, width,
			      q->choices[i]);
	}
	view_line(v, 0);
	z->result_line = -1;
	if (!z->answered) {
		view_line(v, 0);
		view_adds(v, ST_DIM,
			  z->tries ? "Answered before; answer again "
				     "with a number, or Enter."
				   : "Answer with a number, or "
				     "move and press Enter.");
		return;
	}
	view_line(v, 0);
	z->result_line = (long)v->nlines - 1;
	if (z->correct)
		view_adds(v, ST_PASS, "Right.");
	else
		view_addf(v, ST_FAIL, "Not quite: the answer is %d.",
			  q->answer);
	if (z->tries > 1)
		view_addf(v, ST_DIM, "  (try %d; first try %s)", z->tries,
			  z->first_right ? "right" : "wrong");
	if (q->explain) {
		view_line(v, 0);
		view_markdown(v, 0, ST_TEXT, NULL, 0, width, q->explain);
	}
	if (z->have_fb) {
		for (i = 0; i < z->fb.nlines; i++) {
			view_line(v, 0);
			view_markdown(v, 0, ST_NOTE, NULL, 2, width,
				      z->fb.lines[i]);
		}
		if (z->fb.hint) {
			view_line(v, 0);
			view_markdown(v, 0, ST_NOTE, "Hint: ", 6, width,
				      z->fb.hint);
		}
		if (z->fb.error) {
			view_line(v, 0);
			view_markdown(v, 0, ST_ERROR, "on_answer failed: ", 2,
				      width, z->fb.error);
		}
	}
	view_line(v, 0);
	view_line(v, 0);
	if (z->go_step >= 0)
		view_adds(v, ST_DIM,
			  "Enter: back to the part that explains it;"
			  " ]: next step");
	else
		view_adds(v, ST_DIM,
			  "Enter: next step; a number answers again");
}

static void quiz_draw(struct tui *t, struct screen *s)
{
	struct quizscr *z = s->data;
	int rows = ui_body_rows(t) - 1;
	int width = t->cols - 4 < 100 ? t->cols - 4 : 100;

	build(t, z, width);
	if (rows < 1)
		rows = 1;
	/* Keep the cursor choice, then the verdict, in view. */
	if (!z->answered && z->cursor_line >= 0) {
		if ((size_t)z->cursor_line < z->top)
			z->top = (size_t)z->cursor_line;
		if ((size_t)z->cursor_line >= z->top + (size_t)rows)
			z->top = (size_t)z->cursor_line - (size_t)rows + 1;
	}
	if (z->top + (size_t)rows > z->v.nlines)
		z->top =
		    z->v.nlines > (size_t)rows ? z->v.nlines - (size_t)rows : 0;
	ui_draw_view(t, &z->v, z->top, 2, rows, 2, t->cols - 4, 0,
		     z->answered ? -1 : z->cursor_line, NULL);
}

static void quiz_status(struct tui *t, struct screen *s, char *buf, size_t n)
{
	struct quizscr *z = s->data;

	(void)t;
	if (z->answered)
		snprintf(buf, n, "quiz  %s", z->correct ? "right" : "wrong");
	else
		snprintf(buf, n, "quiz  %zu choices", z->q->nchoices);
}

static void answer(struct tui *t, struct quizscr *z, int choice)
{
	struct err e;
	int right;
	const struct progress_quiz *r;

	right = app_answer_quiz(t->a, z->q, choice, &e);
	if (right < 0) {
		ui_message(t, ST_ERROR, "%s", e.msg);
		return;
	}
	z->answered = choice;
	z->correct = right;
	z->cursor = (size_t)choice - 1;
	load_state(t, z);
	r = progress_quiz_find(&t->a->progress, z->q->name);
	if (z->have_fb)
		script_feedback_release(&z->fb);
	memset(&z->fb, 0, sizeof(z->fb));
	script_on_answer(t->a->script, z->q, choice, right,
			 r ? r->tries == 1 : 1, &z->fb);
	z->have_fb = 1;
	z->go_step = find_step(z->sec, z->fb.go);
	/* Bring the verdict into view. */
	build(t, z, t->cols - 4 < 100 ? t->cols - 4 : 100);
	if (z->result_line >= 0 &&
	    (size_t)z->result_line >= z->top + (size_t)(ui_body_rows(t) - 1))
		z->top = (size_t)z->result_line - 2;
}

static int quiz_key(struct tui *t, struct screen *s, int key)
{
	struct quizscr *z = s->data;
	size_t n = z->q->nchoices;

	if (key >= '1' && key <= '9') {
		if ((size_t)(key - '0') <= n)
			answer(t, z, key - '0');
		else
			ui_message(t, ST_DIM, "choose 1 to %zu", n);
		return 1;
	}
	switch (key) {
	case 'j':
	case K_DOWN:
		if (z->answered)
			z->top++;
		else if (z->cursor + 1 < n)
			z->cursor++;
		return 1;
	case 'k':
	case K_UP:
		if (z->answered) {
			if (z->top > 0)
				z->top--;
		} else if (z->cursor > 0) {
			z->cursor--;
		}
		return 1;
	case ' ':
	case K_PGDN:
		z->top += (size_t)ui_body_rows(t) / 2;
		return 1;
	case 'b':
	case K_PGUP:
		z->top = z->top > (size_t)ui_body_rows(t) / 2
			     ? z->top - (size_t)ui_body_rows(t) / 2
			     : 0;
		return 1;
	case UI_ENTER:
		if (!z->answered) {
			answer(t, z, (int)z->cursor + 1);
			return 1;
		}
		if (z->go_step >= 0) {
			ui_open_step(t, z->sec, (size_t)z->go_step);
			return 1;
		}
		ui_next_step(t, 1);
		return 1;
	case ']':
		ui_next_step(t, 1);
		return 1;
	case '[':
		ui_next_step(t, -1);
		return 1;
	}
	return 0;
}

static const struct screen_kind quiz_kind = {
    .name = "quiz",
    .keys = KS_QUIZ,
    .draw = quiz_draw,
    .key = quiz_key,
    .status = quiz_status,
    .free = quiz_free,
};

void quiz_open(struct tui *t, const struct section *sec, size_t step)
{
	struct quizscr *z = xcalloc(1, sizeof(*z));
	struct screen *s;

	z->q = &sec->quizzes[sec->steps[step].index];
	z->sec = sec;
	z->go_step = -1;
	z->cursor_line = -1;
	view_init(&z->v);
	load_state(t, z);
	s = ui_push(t, &quiz_kind, z);
	if (!s)
		return;
	s->section = sec;
	s->step = step;
	s->is_step = 1;
	snprintf(s->title, sizeof(s->title), "%s %s Quiz: %s", sec->id,
		 ui_glyph(t, G_ARROW), z->q->id);
}
