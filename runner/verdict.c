#include "verdict.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

static const char *const status_names[] = {
	[VS_PASS] = "pass",
	[VS_FAIL] = "fail",
	[VS_SKIP] = "skip",
	[VS_ERROR] = "error",
};

const char *vstatus_name(enum vstatus s)
{
	if ((unsigned)s >= sizeof(status_names) / sizeof(status_names[0]))
		return "error";
	return status_names[s];
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void run_result_init(struct run_result *r)
{
	memset(r, 0, sizeof(*r));
}

static void check_result_release(struct check_result *c)
{
	free(c->name);
	free(c->kind);
	free(c->stage);
	free(c->message);
	free(c->output);
	free(c->skip_package);
	free(c->unit);
	free(c->cmp);
	diag_list_release(&c->diags);
	for (size_t i = 0; i < c->nsubtests; i++) {
		free(c->subtests[i].name);
		free(c->subtests[i].message);
	}
	free(c->subtests);
	memset(c, 0, sizeof(*c));
}

void exercise_result_release(struct exercise_result *x)
{
	for (size_t i = 0; i < x->nchecks; i++)
		check_result_release(&x->checks[i]);
	free(x->checks);
	for (size_t i = 0; i < x->nfeedback; i++)
		free(x->feedback[i]);
	free(x->feedback);
	free(x->feedback_hint);
	free(x->feedback_error);
	free(x->name);
	free(x->title);
	free(x->file);
	free(x->stage);
	free(x->message);
	memset(x, 0, sizeof(*x));
}

void run_result_release(struct run_result *r)
{
	for (size_t i = 0; i < r->n; i++)
		exercise_result_release(&r->exercises[i]);
	free(r->exercises);
	free(r->student);
	free(r->sandbox_layers);
	memset(r, 0, sizeof(*r));
}

struct exercise_result *run_result_add(struct run_result *r, const char *name,
				       const char *title, const char *file)
{
	struct exercise_result *x;

	r->exercises = xgrow(r->exercises, &r->cap, r->n + 1,
			     sizeof(*r->exercises));
	x = &r->exercises[r->n++];
	memset(x, 0, sizeof(*x));
	x->name = xstrdup(name);
	x->title = dup_or_null(title);
	x->file = dup_or_null(file);
	x->status = VS_SKIP;
	return x;
}

void run_result_totals(const struct run_result *r, double *score,
		       double *max_score, size_t *passed, size_t *failed)
{
	double s = 0, m = 0;
	size_t p = 0, f = 0;

	for (size_t i = 0; i < r->n; i++) {
		s += r->exercises[i].score;
		m += r->exercises[i].max_score;
		if (r->exercises[i].status == VS_PASS)
			p++;
		else
			f++;
	}
	if (score)
		*score = s;
	if (max_score)
		*max_score = m;
	if (passed)
		*passed = p;
	if (failed)
		*failed = f;
}

struct check_result *exercise_add_check(struct exercise_result *x,
					const char *name, const char *kind,
					const char *stage)
{
	struct check_result *c;

	x->checks = xgrow(x->checks, &x->capchecks, x->nchecks + 1,
			  sizeof(*x->checks));
	c = &x->checks[x->nchecks++];
	memset(c, 0, sizeof(*c));
	c->name = xstrdup(name);
	c->kind = xstrdup(kind);
	c->stage = xstrdup(stage);
	c->status = VS_SKIP;
	diag_list_init(&c->diags);
	return c;
}

struct check_result *exercise_find_check(const struct exercise_result *x,
					 const char *name)
{
	for (size_t i = 0; i < x->nchecks; i++)
		if (!strcmp(x->checks[i].name, name))
			return &x->checks[i];
	for (size_t i = 0; i < x->nchecks; i++)
		if (!strcmp(x->checks[i].kind, name))
			return &x->checks[i];
	return NULL;
}

void exercise_add_feedback(struct exercise_result *x, const char *line)
{
	x->feedback = xrealloc(x->feedback,
			       (x->nfeedback + 1) * sizeof(*x->feedback));
	x->feedback[x->nfeedback++] = xstrdup(line);
}

void check_set_message(struct check_result *c, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	free(c->message);
	c->message = xstrdup(msg);
}

void check_set_output(struct check_result *c, const char *text, size_t len,
		      int truncated)
{
	free(c->output);
	if (len > OUTPUT_EXCERPT_MAX) {
		/* Keep the head and the tail: errors are usually at either
		 * end. */
		size_t half = OUTPUT_EXCERPT_MAX / 2;
		const char *cut = "\n[... output cut ...]\n";
		size_t cl = strlen(cut);
		c->output = xmalloc(2 * half + cl + 1);
		memcpy(c->output, text, half);
		memcpy(c->output + half, cut, cl);
		memcpy(c->output + half + cl, text + len - half, half);
		c->output[2 * half + cl] = '\0';
		c->output_truncated = 1;
		return;
	}
	c->output = xstrndup(text, len);
	/* A NUL inside the output ends the excerpt early; that is fine. */
	c->output_truncated = truncated;
}

void check_set_value(struct check_result *c, double value, const char *cmp,
		     double threshold, const char *unit)
{
	c->has_value = 1;
	c->value = value;
	c->threshold = threshold;
	free(c->cmp);
	free(c->unit);
	c->cmp = xstrdup(cmp);
	c->unit = xstrdup(unit ? unit : "");
}

void check_set_skip(struct check_result *c, const char *package,
		    const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->status = VS_SKIP;
	free(c->message);
	c->message = xstrdup(msg);
	free(c->skip_package);
	c->skip_package = dup_or_null(package);
}

void check_add_subtest(struct check_result *c, const char *name, int passed,
		       const char *message)
{
	c->subtests = xgrow(c->subtests, &c->capsubtests, c->nsubtests + 1,
			    sizeof(*c->subtests));
	c->subtests[c->nsubtests].name = xstrdup(name);
	c->subtests[c->nsubtests].passed = passed;
	c->subtests[c->nsubtests].message = dup_or_null(message);
	c->nsubtests++;
}

void check_clear_subtests(struct check_result *c)
{
	for (size_t i = 0; i < c->nsubtests; i++) {
		free(c->subtests[i].name);
		free(c->subtests[i].message);
	}
	c->nsubtests = 0;
}
