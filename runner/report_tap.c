/*
 * report_tap: the Test Anything Protocol, read by prove and CI systems.
 *
 * The stream has TAP 14's shape (child tests as 4-space indented streams
 * introduced by "# Subtest:", 2-space YAML diagnostics, '#' and '\'
 * escaped in descriptions) and declares "TAP version 13": TAP 14 is
 * designed to be read by TAP 13 harnesses, and the prove in Debian 12
 * (Test::Harness 3.44) rejects a version 14 line.  WORKBOOK_TAP_VERSION=14
 * declares 14 for harnesses that know it.
 *
 * One run: a test point per exercise, its checks as a child stream.
 * A class: a test point per student, exercises and checks nested below.
 */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/text.h"

static void indent(FILE *f, int depth)
{
	for (int i = 0; i < depth; i++)
		fputs("    ", f);
}

/* A description: one line, '#' and '\' escaped. */
static void put_desc(FILE *f, const char *s)
{
	struct buf b;

	buf_init(&b, 4096);
	text_cleans(&b, s, TEXT_LINE);
	for (size_t i = 0; i < b.len; i++) {
		if (b.data[i] == '#' || b.data[i] == '\\')
			fputc('\\', f);
		fputc(b.data[i], f);
	}
	buf_release(&b);
}

static void yaml_str(FILE *f, int depth, const char *key, const char *s)
{
	struct buf b;

	if (!s)
		return;
	buf_init(&b, 64 * 1024);
	text_cleans(&b, s, TEXT_JSON);
	indent(f, depth);
	fprintf(f, "  %s: \"%s\"\n", key, buf_cstr(&b));
	buf_release(&b);
}

static void put_check(FILE *f, int depth, size_t n, const struct check_result *c)
{
	indent(f, depth);
	fprintf(f, "%s %zu - ", c->status == VS_FAIL || c->status == VS_ERROR
					? "not ok" : "ok", n);
	put_desc(f, c->name);
	if (c->status == VS_SKIP) {
		fputs(" # SKIP ", f);
		put_desc(f, c->message ? c->message : "skipped");
	}
	fputc('\n', f);
	if (c->status != VS_FAIL && c->status != VS_ERROR && !c->has_value)
		return;
	indent(f, depth);
	fputs("  ---\n", f);
	yaml_str(f, depth, "message", c->message);
	indent(f, depth);
	fprintf(f, "  severity: %s\n", c->status == VS_PASS ? "comment"
					 : c->status == VS_ERROR ? "error"
								 : "fail");
	if (c->has_value) {
		indent(f, depth);
		fprintf(f, "  data:\n");
		indent(f, depth);
		fprintf(f, "    measured: %g\n", c->value);
		indent(f, depth);
		fprintf(f, "    threshold: \"%s %g\"\n", c->cmp ? c->cmp : ">=",
			c->threshold);
	}
	if (c->diags.n) {
		const struct diag *d = &c->diags.v[0];
		indent(f, depth);
		fprintf(f, "  at:\n");
		yaml_str(f, depth + 1, "file", d->file ? d->file : "");
		indent(f, depth);
		fprintf(f, "      line: %d\n", d->line);
	}
	if (c->status != VS_PASS)
		yaml_str(f, depth, "output", c->output);
	indent(f, depth);
	fputs("  ...\n", f);
}

static void put_exercise(FILE *f, int depth, size_t n,
			 const struct exercise_result *x)
{
	indent(f, depth);
	fputs("# Subtest: ", f);
	put_desc(f, x->name);
	fputc('\n', f);
	indent(f, depth + 1);
	fprintf(f, "1..%zu\n", x->nchecks);
	for (size_t i = 0; i < x->nchecks; i++)
		put_check(f, depth + 1, i + 1, &x->checks[i]);
	indent(f, depth);
	fprintf(f, "%s %zu - ", x->status == VS_PASS || x->status == VS_SKIP
					? "ok" : "not ok", n);
	put_desc(f, x->name);
	if (x->status == VS_SKIP)
		fputs(" # SKIP not run", f);
	fputc('\n', f);
	if (x->status != VS_PASS) {
		indent(f, depth);
		fputs("  ---\n", f);
		yaml_str(f, depth, "message", x->message);
		indent(f, depth);
		fprintf(f, "  score: %g\n", x->score);
		for (size_t i = 0; i < x->nfeedback; i++) {
			if (i == 0) {
				indent(f, depth);
				fputs("  feedback:\n", f);
			}
			struct buf b;
			buf_init(&b, 8192);
			text_cleans(&b, x->feedback[i], TEXT_JSON);
			indent(f, depth);
			fprintf(f, "    - \"%s\"\n", buf_cstr(&b));
			buf_release(&b);
		}
		indent(f, depth);
		fputs("  ...\n", f);
	}
}

static const char *version(void)
{
	const char *v = getenv("WORKBOOK_TAP_VERSION");

	return v && !strcmp(v, "14") ? "14" : "13";
}

static void put_run(FILE *f, int depth, const struct run_result *r)
{
	double score, max;

	indent(f, depth);
	fprintf(f, "1..%zu\n", r->n);
	for (size_t i = 0; i < r->n; i++)
		put_exercise(f, depth, i + 1, &r->exercises[i]);
	run_result_totals(r, &score, &max, NULL, NULL);
	indent(f, depth);
	fprintf(f, "# score %g/%g\n", score, max);
}

int report_tap_write(FILE *f, const struct run_result *r,
		     const struct report_opts *o)
{
	(void)o;
	fprintf(f, "TAP version %s\n", version());
	put_run(f, 0, r);
	return ferror(f) ? -1 : 0;
}

int report_tap_write_class(FILE *f, const struct run_result *runs, size_t n,
			   const struct report_opts *o)
{
	(void)o;
	fprintf(f, "TAP version %s\n1..%zu\n", version(), n);
	for (size_t i = 0; i < n; i++) {
		size_t passed, failed;
		run_result_totals(&runs[i], NULL, NULL, &passed, &failed);
		fputs("# Subtest: ", f);
		put_desc(f, runs[i].student ? runs[i].student : "student");
		fputc('\n', f);
		put_run(f, 1, &runs[i]);
		fprintf(f, "%s %zu - ", failed ? "not ok" : "ok", i + 1);
		put_desc(f, runs[i].student ? runs[i].student : "student");
		fputc('\n', f);
	}
	return ferror(f) ? -1 : 0;
}
