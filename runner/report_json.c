/*
 * report_json: the verdict as JSON, schema "workbook-report/1"
 * (docs/json-report.md describes every field).
 *
 * Built with jansson, never by hand.  Every string is first made valid
 * UTF-8 (each byte of an invalid sequence becomes U+FFFD), since a
 * learner's program may print anything; control characters are kept and
 * jansson escapes them, so the text stays what the program printed.  Keys keep
 * the order they are added in and numbers are printed with 15 significant
 * digits, so two reports of the same verdict differ only in their timing
 * fields.
 */
#include "report.h"

#include <math.h>
#include <string.h>

#include <jansson.h>

#include "util/buf.h"
#include "util/text.h"
#include "util/xalloc.h"

#define SCHEMA "workbook-report/1"
#ifndef WB_VERSION
#define WB_VERSION "unknown"
#endif
#define DUMP_FLAGS                                                             \
	(JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15))

static json_t *must(json_t *v)
{
	if (!v)
		xfatal("out of memory building a JSON report");
	return v;
}

static void set(json_t *obj, const char *key, json_t *v)
{
	if (json_object_set_new(obj, key, must(v)) < 0)
		xfatal("out of memory building a JSON report");
}

static void push(json_t *arr, json_t *v)
{
	if (json_array_append_new(arr, must(v)) < 0)
		xfatal("out of memory building a JSON report");
}

/* A JSON string of s with invalid UTF-8 replaced, or null for NULL. */
static json_t *str(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len, n;
	struct buf b;
	json_t *v;

	if (!s)
		return json_null();
	len = strlen(s);
	buf_init(&b, BUF_UNLIMITED);
	while (len) {
		n = text_utf8_seq(p, len);
		if (n) {
			buf_add(&b, p, n);
		} else {
			buf_add(&b, "\xef\xbf\xbd", 3); /* U+FFFD */
			n = 1;
		}
		p += n;
		len -= n;
	}
	v = json_stringn(buf_cstr(&b), b.len);
	buf_release(&b);
	return must(v);
}

/* A number, or null for NaN and infinities (JSON has neither). */
static json_t *num(double d)
{
	return isfinite(d) ? json_real(d) : json_null();
}

static json_t *diag_json(const struct diag *d)
{
	json_t *o = must(json_object());

	set(o, "tool", str(d->tool));
	set(o, "severity", str(d->severity));
	set(o, "file", str(d->file));
	set(o, "line", json_integer(d->line));
	set(o, "column", json_integer(d->column));
	set(o, "option", str(d->option));
	set(o, "message", str(d->message));
	set(o, "function", str(d->function));
	return o;
}

static json_t *measure_json(const struct check_result *c)
{
	json_t *o;

	if (!c->has_value)
		return json_null();
	o = must(json_object());
	set(o, "value", num(c->value));
	set(o, "cmp", str(c->cmp));
	set(o, "threshold", num(c->threshold));
	set(o, "unit", str(c->unit));
	return o;
}

static json_t *check_json(const struct check_result *c)
{
	json_t *o = must(json_object());
	json_t *subs = must(json_array()), *diags = must(json_array());

	set(o, "name", str(c->name));
	set(o, "kind", str(c->kind));
	set(o, "stage", str(c->stage));
	set(o, "status", str(vstatus_name(c->status)));
	set(o, "message", str(c->message));
	set(o, "hidden", json_boolean(c->hidden));
	set(o, "points", num(c->points));
	set(o, "max_points", num(c->max_points));
	set(o, "skip_package", str(c->skip_package));
	set(o, "measure", measure_json(c));
	for (size_t i = 0; i < c->nsubtests; i++) {
		json_t *t = must(json_object());
		set(t, "name", str(c->subtests[i].name));
		set(t, "passed", json_boolean(c->subtests[i].passed));
		set(t, "message", str(c->subtests[i].message));
		push(subs, t);
	}
	set(o, "subtests", subs);
	for (size_t i = 0; i < c->diags.n; i++)
		push(diags, diag_json(&c->diags.v[i]));
	set(o, "diagnostics", diags);
	set(o, "output", str(c->output));
	set(o, "output_truncated", json_boolean(c->output_truncated));
	set(o, "seconds", num(c->seconds));
	return o;
}

static json_t *exercise_json(const struct exercise_result *x)
{
	json_t *o = must(json_object());
	json_t *checks = must(json_array()), *fb = must(json_object());
	json_t *lines = must(json_array());

	set(o, "name", str(x->name));
	set(o, "title", str(x->title));
	set(o, "file", str(x->file));
	set(o, "status", str(vstatus_name(x->status)));
	set(o, "stage", str(x->stage));
	set(o, "message", str(x->message));
	set(o, "score", num(x->score));
	set(o, "max_score", num(x->max_score));
	set(o, "attempts", json_integer(x->attempts));
	for (size_t i = 0; i < x->nchecks; i++)
		push(checks, check_json(&x->checks[i]));
	set(o, "checks", checks);
	for (size_t i = 0; i < x->nfeedback; i++)
		push(lines, str(x->feedback[i]));
	set(fb, "lines", lines);
	set(fb, "hint", str(x->feedback_hint));
	set(fb, "error", str(x->feedback_error));
	set(o, "feedback", fb);
	set(o, "seconds", num(x->seconds));
	return o;
}

/* Totals; `students` is left out when negative (one run). */
static json_t *totals_json(long students, size_t exercises, size_t passed,
			   size_t failed, double score, double max)
{
	json_t *o = must(json_object());

	if (students >= 0)
		set(o, "students", json_integer(students));
	set(o, "exercises", json_integer((json_int_t)exercises));
	set(o, "passed", json_integer((json_int_t)passed));
	set(o, "failed", json_integer((json_int_t)failed));
	set(o, "score", num(score));
	set(o, "max_score", num(max));
	return o;
}

/* One run's fields, after whatever the caller put first. */
static void run_fields(json_t *o, const struct run_result *r)
{
	json_t *xs = must(json_array());
	double score, max;
	size_t passed, failed;

	run_result_totals(r, &score, &max, &passed, &failed);
	set(o, "student", str(r->student));
	set(o, "sandbox_layers", str(r->sandbox_layers));
	set(o, "totals", totals_json(-1, r->n, passed, failed, score, max));
	for (size_t i = 0; i < r->n; i++)
		push(xs, exercise_json(&r->exercises[i]));
	set(o, "exercises", xs);
	set(o, "seconds", num(r->seconds));
}

static int dump(FILE *f, json_t *root)
{
	int rc = json_dumpf(root, f, DUMP_FLAGS);

	json_decref(root);
	if (rc < 0 || fputc('\n', f) == EOF || fflush(f) != 0 || ferror(f))
		return -1;
	return 0;
}

static json_t *header(const char *kind, const struct report_opts *o)
{
	json_t *root = must(json_object());

	set(root, "schema", str(SCHEMA));
	set(root, "kind", str(kind));
	set(root, "generator", str("workbook " WB_VERSION));
	set(root, "title", str(o ? o->title : NULL));
	return root;
}

int report_json_write(FILE *f, const struct run_result *r,
		      const struct report_opts *o)
{
	json_t *root = header("run", o);

	run_fields(root, r);
	return dump(f, root);
}

int report_json_write_class(FILE *f, const struct run_result *runs, size_t n,
			    const struct report_opts *o)
{
	json_t *root = header("class", o);
	json_t *students = must(json_array());
	size_t ex = 0, passed = 0, failed = 0, p, fl;
	double score = 0, max = 0, s, m;

	for (size_t i = 0; i < n; i++) {
		json_t *one = must(json_object());
		run_fields(one, &runs[i]);
		push(students, one);
		run_result_totals(&runs[i], &s, &m, &p, &fl);
		ex += runs[i].n;
		passed += p;
		failed += fl;
		score += s;
		max += m;
	}
	set(root, "students", students);
	set(root, "totals",
	    totals_json((long)n, ex, passed, failed, score, max));
	return dump(f, root);
}
