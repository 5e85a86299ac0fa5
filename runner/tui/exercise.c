/*
 * exercise: one exercise, checked on a worker thread (job.c) while the
 * screen stays live: each check's status as it runs, a spinner and the
 * elapsed time, Esc to cancel.  Saving the file re-checks it without a key
 * (watch.c; the status line says whether inotify or polling noticed).
 * Then: measured values against thresholds as bars, compiler diagnostics
 * with file:line, sanitizer findings condensed to kind and line, the
 * lesson's feedback, hints one at a time, the whole output (o), the editor
 * (e), reset (x), skip (s) and, once passed, the solution (c).
 *
 * While a check runs the UI must not touch the app (progress, Lua; see
 * job.h): what the screen shows of progress is a copy taken when no job
 * runs, and the keys that change progress wait or refuse.
 */
#include "tui/ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app.h"
#include "course.h"
#include "progress.h"
#include "tui/job.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/path.h"
#include "util/xalloc.h"
#include "verdict.h"
#include "watch.h"
#include "workspace.h"

#define MAX_DIAGS   8 /* per check on the screen; o shows all */
#define MAX_EXCERPT 8 /* output lines of a failing check */
#define NAME_COL    22
#define BAR_CELLS   10

struct exscr {
	const struct exercise *ex;
	const struct section *sec;
	char *path; /* the learner's file, absolute */
	struct watch w;
	int watching;
	struct job *cur;   /* running, or NULL */
	struct job *last;  /* the last finished run, or NULL */
	int rerun;	   /* saved again while checking */
	int pending_hint;  /* h pressed while checking */
	int trace_verdict; /* record the verdict after the next paint */
	/* A copy of the exercise's progress (see above). */
	enum ex_state state;
	int attempts, hints, skipped;
	char *error; /* our own failure to run the checks */
	struct view v;
	size_t top;
};

/* ---- progress ------------------------------------------------------------ */

static void load_progress(struct tui *t, struct exscr *x)
{
	const struct progress_ex *r =
	    progress_ex_find(&t->a->progress, x->ex->name);

	x->state = r ? r->state : EX_NOT_TRIED;
	x->attempts = r ? r->attempts : 0;
	x->hints = r ? r->hints : 0;
	x->skipped = r ? r->skipped : 0;
}

static int mark_skipped(struct progress *p, void *arg)
{
	progress_ex_get(p, arg)->skipped = 1;
	return 0;
}

/* ---- running
 * ----------------------------------------------------------------- */

static void start_check(struct tui *t, struct exscr *x)
{
	struct err e;

	if (x->cur) {
		x->rerun = 1;
		return;
	}
	x->cur = xcalloc(1, sizeof(*x->cur));
	if (job_start(x->cur, t->a, x->ex, t->wake[1], &e) < 0) {
		free(x->cur);
		x->cur = NULL;
		ui_message(t, ST_ERROR, "%s", e.msg);
		return;
	}
	x->rerun = 0;
	x->top = 0;
	t->dirty = 1;
}

static void drop_job(struct job **j)
{
	if (*j) {
		job_release(*j);
		free(*j);
		*j = NULL;
	}
}

static void reveal_hint(struct tui *t, struct exscr *x)
{
	const char *text;
	struct err e;
	int n = app_next_hint(t->a, x->ex, &text, &e);

	if (n < 0) {
		ui_message(t, ST_ERROR, "%s", e.msg);
		return;
	}
	load_progress(t, x);
	if (x->ex->nhints == 0)
		ui_message(t, ST_DIM, "this exercise has no hints");
	else if (n == 0)
		ui_message(t, ST_DIM, "no more hints: that was %zu of %zu",
			   x->ex->nhints, x->ex->nhints);
	else
		ui_message(t, ST_NOTE, "hint %d of %zu below", n,
			   x->ex->nhints);
}

/* The worker finished: keep its result, catch up on what waited. */
static void job_ended(struct tui *t, struct exscr *x)
{
	job_finish(x->cur);
	drop_job(&x->last);
	x->last = x->cur;
	x->cur = NULL;
	free(x->error);
	x->error = x->last->rc < 0 ? xstrdup(x->last->e.msg) : NULL;
	load_progress(t, x);
	x->trace_verdict = 1;
	if (x->last->cancelled)
		ui_message(t, ST_DIM, "check cancelled");
	if (x->pending_hint) {
		x->pending_hint = 0;
		reveal_hint(t, x);
	}
	if (x->rerun)
		start_check(t, x);
	t->dirty = 1;
}

static void ex_tick(struct tui *t, struct screen *s)
{
	struct exscr *x = s->data;

	int ms = 1000;

	if (x->cur && job_done(x->cur))
		job_ended(t, x);
	if (x->watching) {
		if (watch_poll(&x->w) == 1) {
			ui_trace(t, "save_seen", 0);
			start_check(t, x);
		}
		t->poll_fd = watch_fd(&x->w);
		ms = watch_timeout_ms(&x->w);
		if (ms < 1)
			ms = 1;
	}
	if (x->cur) {
		/* The spinner and the clock move. */
		if (ms > 100)
			ms = 100;
		t->tick++;
		t->dirty = 1;
	}
	t->poll_ms = ms;
}

/* ---- the view
 * ---------------------------------------------------------------- */

static const char *status_mark(struct tui *t, enum vstatus st, int *style)
{
	switch (st) {
	case VS_PASS:
		*style = ST_PASS;
		return ui_glyph(t, G_DONE);
	case VS_FAIL:
	case VS_ERROR:
		*style = ST_FAIL;
		return ui_glyph(t, G_FAILED);
	default:
		*style = ST_SKIP;
		return ui_glyph(t, G_NOT_TRIED);
	}
}

static void add_value(struct view *v, const struct check_result *c)
{
	char bar[32], val[64], thr[64];
	const char *unit = c->unit ? c->unit : "";
	int ok = c->status == VS_PASS;

	snprintf(val, sizeof(val), "%.3g%s%s", c->value,
		 strcmp(unit, "x") == 0 || !*unit ? "" : " ", unit);
	snprintf(thr, sizeof(thr), "%s %.3g%s%s",
		 c->cmp ? c->cmp : ">=", c->threshold,
		 strcmp(unit, "x") == 0 || !*unit ? "" : " ", unit);
	view_bar(bar, sizeof(bar),
		 view_value_frac(c->value, c->threshold, c->cmp), BAR_CELLS);
	view_line(v, 0);
	view_pad_to(v, 6);
	view_adds(v, ST_TEXT, c->name);
	view_adds(v, ST_TEXT, " ");
	view_adds(v, ok ? ST_PASS : ST_FAIL, val);
	view_adds(v, ST_TEXT, "  ");
	view_adds(v, ok ? ST_BAR_ON : ST_FAIL, bar);
	view_adds(v, ST_TEXT, " ");
	view_adds(v, ST_DIM, thr);
}

static int is_sanitizer(const struct diag *d)
{
	return d->tool && strcmp(d->tool, "gcc") != 0 &&
	       strcmp(d->tool, "clang") != 0;
}

static int severity_style(const char *sev)
{
	if (!sev || strcmp(sev, "error") == 0 ||
	    strcmp(sev, "fatal error") == 0)
		return ST_ERROR;
	if (strcmp(sev, "warning") == 0)
		return ST_WARN;
	return ST_NOTE;
}

/* Compiler: "file:line:col: severity: message [option]"; sanitizer:
 * "kind  file:line (in function)". */
static void add_diag(struct tui *t, struct view *v, const struct diag *d,
		     int width)
{
	char loc[320], text[512];

	view_line(v, 0);
	view_pad_to(v, 6);
	if (d->file && d->line)
		snprintf(loc, sizeof(loc), "%s:%d", d->file, d->line);
	else
		snprintf(loc, sizeof(loc), "%s", d->file ? d->file : "");
	if (is_sanitizer(d)) {
		view_adds(v, ST_ERROR, d->option ? d->option : "error");
		if (loc[0]) {
			view_adds(v, ST_TEXT, " at ");
			view_adds(v, ST_CODE, loc);
		}
		if (d->function)
			view_addf(v, ST_DIM, " (in %s)", d->function);
		return;
	}
	if (loc[0]) {
		view_adds(v, ST_CODE, loc);
		if (d->column)
			view_addf(v, ST_CODE, ":%d", d->column);
		view_adds(v, ST_TEXT, ": ");
	}
	view_adds(v, severity_style(d->severity),
		  d->severity ? d->severity : "error");
	view_adds(v, ST_TEXT, ": ");
	view_ellipsize(text, sizeof(text), d->message ? d->message : "",
		       width - v->lines[v->nlines - 1].width -
			   (d->option ? (int)strlen(d->option) + 3 : 0),
		       t->ascii);
	view_adds(v, ST_TEXT, text);
	if (d->option)
		view_addf(v, ST_DIM, " [%s]", d->option);
}

static void add_excerpt(struct view *v, const char *out)
{
	const char *s = out, *nl;
	int n = 0;

	while (*s && n < MAX_EXCERPT) {
		nl = strchr(s, '\n');
		if (!nl)
			nl = s + strlen(s);
		view_line(v, 0);
		view_pad_to(v, 6);
		view_add(v, ST_DIM, s, (size_t)(nl - s));
		n++;
		s = *nl ? nl + 1 : nl;
	}
	if (*s) {
		view_line(v, 0);
		view_pad_to(v, 6);
		view_adds(v, ST_DIM, "(o shows the whole output)");
	}
}

static void add_check(struct tui *t, struct view *v,
		      const struct check_result *c, int width)
{
	char dur[32], msg[512];
	const char *m;
	int style, shown = 0;
	size_t i;

	m = status_mark(t, c->status, &style);
	view_line(v, 0);
	view_adds(v, ST_TEXT, "  ");
	view_adds(v, style, m);
	view_adds(v, ST_TEXT, " ");
	view_adds(v, ST_TEXT, c->name);
	view_pad_to(v, NAME_COL);
	if (c->seconds > 0 && c->status != VS_SKIP) {
		view_duration(dur, sizeof(dur), c->seconds);
		view_adds(v, ST_DIM, dur);
	}
	view_pad_to(v, NAME_COL + 8);
	if (c->message) {
		view_ellipsize(msg, sizeof(msg), c->message,
			       width - v->lines[v->nlines - 1].width, t->ascii);
		view_adds(v, c->status == VS_PASS ? ST_DIM : style, msg);
	}
	if (c->has_value)
		add_value(v, c);
	for (i = 0; i < c->nsubtests; i++) {
		if (c->subtests[i].passed)
			continue;
		view_line(v, 0);
		view_pad_to(v, 6);
		view_adds(v, ST_FAIL, ui_glyph(t, G_FAILED));
		view_adds(v, ST_TEXT, " ");
		view_adds(v, ST_TEXT, c->subtests[i].name);
		if (c->subtests[i].message) {
			view_ellipsize(msg, sizeof(msg), c->subtests[i].message,
				       width - v->lines[v->nlines - 1].width -
					   2,
				       t->ascii);
			view_adds(v, ST_DIM, ": ");
			view_adds(v, ST_DIM, msg);
		}
	}
	for (i = 0; i < c->diags.n && shown < MAX_DIAGS; i++, shown++)
		add_diag(t, v, &c->diags.v[i], width);
	if (c->diags.n > MAX_DIAGS) {
		view_line(v, 0);
		view_pad_to(v, 6);
		view_addf(v, ST_DIM, "%zu more (o shows all)",
			  c->diags.n - MAX_DIAGS);
	}
	if ((c->status == VS_FAIL || c->status == VS_ERROR) &&
	    c->diags.n == 0 && c->nsubtests == 0 && c->output && *c->output)
		add_excerpt(v, c->output);
}

static void add_live(struct tui *t, struct exscr *x, struct view *v)
{
	struct job_check live[64];
	size_t n = job_snapshot(x->cur, live, 64), i;
	char dur[32];
	int style;

	for (i = 0; i < n; i++) {
		view_line(v, 0);
		view_adds(v, ST_TEXT, "  ");
		if (live[i].state == JC_RUNNING) {
			view_adds(v, ST_RUN, view_spinner(t->tick, t->ascii));
		} else if (live[i].state == JC_DONE) {
			const char *m = status_mark(t, live[i].status, &style);

			view_adds(v, style, m);
		} else {
			view_adds(v, ST_DIM, ui_glyph(t, G_NOT_TRIED));
		}
		view_adds(v, ST_TEXT, " ");
		view_adds(v, live[i].state == JC_PENDING ? ST_DIM : ST_TEXT,
			  live[i].name);
		view_pad_to(v, NAME_COL);
		if (live[i].state == JC_DONE) {
			view_duration(dur, sizeof(dur), live[i].seconds);
			view_adds(v, ST_DIM, dur);
		} else if (live[i].state == JC_RUNNING) {
			view_adds(v, ST_RUN, "running");
		}
	}
}

static void add_pending(struct tui *t, struct exscr *x, struct view *v)
{
	size_t i;

	if (x->state != EX_NOT_TRIED) {
		view_line(v, 0);
		view_adds(v, ST_DIM,
			  "  (not checked since you opened it; "
			  "Enter checks now)");
	}
	for (i = 0; i < x->ex->nchecks; i++) {
		const struct check_spec *c = &x->ex->checks[i];

		view_line(v, 0);
		view_adds(v, ST_TEXT, "  ");
		view_adds(v, ST_DIM, ui_glyph(t, G_NOT_TRIED));
		view_adds(v, ST_TEXT, " ");
		view_adds(v, ST_DIM, c->name ? c->name : c->kind);
	}
}

static void add_header(struct tui *t, struct exscr *x, struct view *v)
{
	char dur[32];
	const char *m;
	int style;

	view_line(v, 0);
	view_adds(v, ST_DIM, "File   ");
	view_adds(v, ST_CODE, x->ex->file);
	view_adds(v, ST_DIM, "  (e edits it; saving it checks again)");
	view_line(v, 0);
	view_adds(v, ST_DIM, "State  ");
	if (x->cur) {
		view_duration(dur, sizeof(dur), job_elapsed(x->cur));
		view_adds(v, ST_RUN, view_spinner(t->tick, t->ascii));
		view_addf(v, ST_RUN, " checking %s", dur);
		view_adds(v, ST_DIM, "  (Esc cancels)");
		return;
	}
	m = x->state == EX_DONE	    ? ui_glyph(t, G_DONE)
	    : x->state == EX_FAILED ? ui_glyph(t, G_FAILED)
				    : ui_glyph(t, G_NOT_TRIED);
	style = x->state == EX_DONE	? ST_PASS
		: x->state == EX_FAILED ? ST_FAIL
					: ST_DIM;
	view_adds(v, style, m);
	view_adds(v, style,
		  x->state == EX_DONE	  ? " passed"
		  : x->state == EX_FAILED ? " not passing yet"
					  : " not checked yet");
	if (x->attempts)
		view_addf(v, ST_DIM, "  %d check%s", x->attempts,
			  x->attempts == 1 ? "" : "s");
	if (x->ex->nhints)
		view_addf(v, ST_DIM, "  hints %d/%zu", x->hints, x->ex->nhints);
	if (x->skipped && x->state != EX_DONE)
		view_adds(v, ST_DIM, "  skipped");
}

static void add_feedback(struct view *v, const struct exercise_result *r,
			 int width)
{
	size_t i;

	if (!r->nfeedback && !r->feedback_hint && !r->feedback_error)
		return;
	view_line(v, 0);
	view_line(v, 0);
	view_adds(v, ST_TITLE, "Feedback");
	for (i = 0; i < r->nfeedback; i++)
		view_markdown(v, 0, ST_TEXT, NULL, 2, width, r->feedback[i]);
	if (r->feedback_hint)
		view_markdown(v, 0, ST_NOTE, "  Hint: ", 8, width,
			      r->feedback_hint);
	if (r->feedback_error)
		view_markdown(v, 0, ST_ERROR, "  on_result failed: ", 4, width,
			      r->feedback_error);
}

static void build(struct tui *t, struct exscr *x, int width)
{
	struct view *v = &x->v;
	const struct exercise_result *r =
	    x->last && x->last->rc == 0 ? x->last->x : NULL;
	size_t i;

	view_clear(v);
	add_header(t, x, v);
	view_line(v, 0);
	view_line(v, 0);
	view_adds(v, ST_TITLE, "Checks");
	if (x->cur)
		add_live(t, x, v);
	else if (r)
		for (i = 0; i < r->nchecks; i++)
			add_check(t, v, &r->checks[i], width);
	else
		add_pending(t, x, v);
	if (x->error) {
		view_line(v, 0);
		view_markdown(v, 0, ST_ERROR, "  ", 2, width, x->error);
	}
	if (!x->cur && r)
		add_feedback(v, r, width);
	if (x->hints > 0 && (size_t)x->hints <= x->ex->nhints) {
		view_line(v, 0);
		view_line(v, 0);
		view_addf(v, ST_TITLE, "Hint %d/%zu", x->hints, x->ex->nhints);
		view_markdown(v, 0, ST_TEXT, NULL, 2, width,
			      x->ex->hints[x->hints - 1]);
	}
	if (!x->cur && !r && x->state == EX_NOT_TRIED) {
		view_line(v, 0);
		view_line(v, 0);
		view_adds(v, ST_DIM,
			  "Edit the file (e, or any editor) and "
			  "save: the checks run by themselves. "
			  "Enter checks now.");
	}
	if (!x->cur && x->state == EX_DONE) {
		view_line(v, 0);
		view_line(v, 0);
		view_adds(v, ST_PASS, "Passed. ");
		view_adds(v, ST_DIM,
			  "c shows the reference solution; ] goes "
			  "to the next step.");
	}
}

static void ex_draw(struct tui *t, struct screen *s)
{
	struct exscr *x = s->data;
	int rows = ui_body_rows(t), width = t->cols - 2;

	build(t, x, width);
	if (x->top + (size_t)rows > x->v.nlines)
		x->top =
		    x->v.nlines > (size_t)rows ? x->v.nlines - (size_t)rows : 0;
	ui_draw_view(t, &x->v, x->top, 1, rows, 1, width, 0, -1, NULL);
	if (x->trace_verdict) {
		x->trace_verdict = 0;
		ui_trace(t, "verdict", x->last ? x->last->wall : 0);
	}
}

static void ex_status(struct tui *t, struct screen *s, char *buf, size_t n)
{
	struct exscr *x = s->data;
	char dur[32];

	if (x->cur) {
		view_duration(dur, sizeof(dur), job_elapsed(x->cur));
		snprintf(buf, n, "exercise  watch: %s  %s checking %s",
			 x->watching ? watch_mode_name(&x->w) : "off",
			 view_spinner(t->tick, t->ascii), dur);
	} else {
		snprintf(buf, n, "exercise  watch: %s%s",
			 x->watching ? watch_mode_name(&x->w) : "off",
			 x->watching && x->w.fell_back
			     ? " (no file events here)"
			     : "");
	}
}

/* ---- actions --------------------------------------------------------------
 */

static char *whole_output(const struct exercise_result *r)
{
	struct buf b;
	char line[1200];
	size_t i, k;

	buf_init(&b, BUF_UNLIMITED);
	buf_printf(&b, "%s: %s\n\n", r->name,
		   r->message ? r->message : vstatus_name(r->status));
	for (i = 0; i < r->nchecks; i++) {
		const struct check_result *c = &r->checks[i];

		buf_printf(&b, "== %s (%s)%s%s\n", c->name,
			   vstatus_name(c->status), c->message ? ": " : "",
			   c->message ? c->message : "");
		for (k = 0; k < c->nsubtests; k++)
			buf_printf(&b, "  %s %s%s%s\n",
				   c->subtests[k].passed ? "pass" : "FAIL",
				   c->subtests[k].name,
				   c->subtests[k].message ? ": " : "",
				   c->subtests[k].message
				       ? c->subtests[k].message
				       : "");
		for (k = 0; k < c->diags.n; k++) {
			diag_format(&c->diags.v[k], line, sizeof(line));
			buf_printf(&b, "%s\n", line);
		}
		if (c->output && *c->output)
			buf_printf(&b, "%s%s\n", c->output,
				   c->output_truncated ? "\n[... cut ...]"
						       : "");
		buf_addstr(&b, "\n");
	}
	return buf_detach(&b, NULL);
}

static void show_output(struct tui *t, struct exscr *x)
{
	char *text, title[256];

	if (!x->last || x->last->rc < 0 || !x->last->x) {
		ui_message(t, ST_DIM, "no output yet: check first (Enter)");
		return;
	}
	text = whole_output(x->last->x);
	snprintf(title, sizeof(title), "%s %s output", x->ex->name,
		 ui_glyph(t, G_ARROW));
	pager_open(t, title, text);
	free(text);
}

static void show_solution(struct tui *t, struct exscr *x)
{
	char *text, title[256];
	struct err e;

	if (x->state != EX_DONE) {
		ui_message(t, ST_DIM,
			   "the solution opens once the exercise passes");
		return;
	}
	text = path_read_file(x->ex->solution, (size_t)1 << 20, NULL, &e);
	if (!text) {
		ui_message(t, ST_ERROR, "%s", e.msg);
		return;
	}
	snprintf(title, sizeof(title), "%s %s solution", x->ex->name,
		 ui_glyph(t, G_ARROW));
	pager_open(t, title, text);
	free(text);
}

static void reset_done(struct tui *t, struct screen *s, const char *text,
		       int accepted)
{
	struct exscr *x = s->data;
	struct err e;

	(void)text;
	if (!accepted)
		return;
	if (x->cur) {
		ui_message(t, ST_DIM, "a check is running: Esc cancels it");
		return;
	}
	if (app_reset_exercise(t->a, x->ex, &e) < 0) {
		ui_message(t, ST_ERROR, "%s", e.msg);
		return;
	}
	if (x->watching)
		watch_sync(&x->w);
	drop_job(&x->last);
	load_progress(t, x);
	ui_message(t, ST_NOTE, "%s is back to the starter", x->ex->file);
}

static void skip(struct tui *t, struct exscr *x)
{
	const char *name;
	struct err e;

	if (progress_update(&t->a->progress, mark_skipped, (void *)x->ex->name,
			    &e) < 0) {
		ui_message(t, ST_ERROR, "%s", e.msg);
		return;
	}
	/* The next step replaces this screen: x is gone after the call. */
	name = x->ex->name;
	if (ui_next_step(t, 1) == 0)
		ui_message(t, ST_DIM, "skipped %s; come back any time", name);
}

static void edit(struct tui *t, struct exscr *x)
{
	if (ui_run_editor(t, x->path) < 0)
		return;
	/* Whatever the editor did, check what is on disk now, once. */
	if (x->watching)
		watch_sync(&x->w);
	start_check(t, x);
}

/* Keys that change progress or the file wait for the worker. */
static int busy(struct tui *t, struct exscr *x)
{
	if (x->cur)
		ui_message(t, ST_DIM,
			   "a check is running: wait, or Esc cancels");
	return x->cur != NULL;
}

static int ex_key(struct tui *t, struct screen *s, int key)
{
	struct exscr *x = s->data;
	size_t page = (size_t)ui_body_rows(t) / 2;
	char q[300];

	switch (key) {
	case UI_ESC:
		if (x->cur) {
			job_cancel(x->cur);
			x->rerun = 0;
			ui_message(t, ST_DIM, "cancelling the check...");
		}
		return 1;
	case UI_ENTER:
		start_check(t, x);
		return 1;
	case 'e':
		edit(t, x);
		return 1;
	case 'h':
		if (x->cur) {
			x->pending_hint = 1;
			ui_message(t, ST_DIM,
				   "the hint comes when the check ends");
		} else {
			reveal_hint(t, x);
		}
		return 1;
	case 'o':
		show_output(t, x);
		return 1;
	case 'c':
		show_solution(t, x);
		return 1;
	case 'x':
		if (busy(t, x))
			return 1;
		snprintf(q, sizeof(q),
			 "reset %s to the starter? Your changes are lost.",
			 x->ex->file);
		ui_prompt(t, PROMPT_CONFIRM, q, reset_done);
		return 1;
	case 's':
		if (!busy(t, x))
			skip(t, x);
		return 1;
	case ']':
		ui_next_step(t, 1);
		return 1;
	case '[':
		ui_next_step(t, -1);
		return 1;
	case 'j':
	case K_DOWN:
		x->top++;
		return 1;
	case 'k':
	case K_UP:
		if (x->top)
			x->top--;
		return 1;
	case ' ':
	case K_PGDN:
		x->top += page;
		return 1;
	case 'b':
	case K_PGUP:
		x->top = x->top > page ? x->top - page : 0;
		return 1;
	case 'g':
	case K_HOME:
		x->top = 0;
		return 1;
	case 'G':
	case K_END:
		x->top = x->v.nlines;
		return 1;
	}
	return 0;
}

/* Leaving the screen stops its check: nothing may run unseen. */
static void ex_close(struct tui *t, struct screen *s)
{
	struct exscr *x = s->data;

	(void)t;
	if (x->cur) {
		job_cancel(x->cur);
		job_finish(x->cur);
		drop_job(&x->cur);
	}
	if (x->watching)
		watch_close(&x->w);
	x->watching = 0;
}

static void ex_free(void *data)
{
	struct exscr *x = data;

	drop_job(&x->cur);
	drop_job(&x->last);
	if (x->watching)
		watch_close(&x->w);
	free(x->path);
	free(x->error);
	view_release(&x->v);
	free(x);
}

static const struct screen_kind exercise_kind = {
    .name = "exercise",
    .keys = KS_EXERCISE,
    .draw = ex_draw,
    .key = ex_key,
    .tick = ex_tick,
    .status = ex_status,
    .close = ex_close,
    .free = ex_free,
};

/* The file changed since its last verdict: worth checking on open. */
static int changed_since_verdict(struct tui *t, const struct exscr *x)
{
	const struct progress_ex *r =
	    progress_ex_find(&t->a->progress, x->ex->name);
	struct stat st;

	if (!r || r->time == 0 || stat(x->path, &st) != 0)
		return 0;
	return (long long)st.st_mtime > r->time;
}

void exercise_open(struct tui *t, const struct section *sec, size_t step)
{
	struct exscr *x = xcalloc(1, sizeof(*x));
	struct screen *s;
	struct err e;

	x->ex = &sec->exercises[sec->steps[step].index];
	x->sec = sec;
	x->path = workspace_path(&t->a->ws, x->ex->file);
	view_init(&x->v);
	load_progress(t, x);
	if (watch_open(&x->w, x->path, 0, &e) == 0)
		x->watching = 1;
	else
		ui_message(t, ST_ERROR, "not watching the file: %s", e.msg);
	s = ui_push(t, &exercise_kind, x);
	if (!s)
		return;
	s->section = sec;
	s->step = step;
	s->is_step = 1;
	snprintf(s->title, sizeof(s->title), "%s %s %s%s%s", sec->id,
		 ui_glyph(t, G_ARROW), x->ex->id, x->ex->title ? ": " : "",
		 x->ex->title ? x->ex->title : "");
	if (changed_since_verdict(t, x))
		start_check(t, x);
}
