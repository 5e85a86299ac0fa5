/*
 * report_junit: JUnit XML as the Jenkins xUnit schema describes it
 * (../shared/schemas/junit-10.xsd): a testsuite per student (or one for a
 * run), a testcase per check, classname "<student>.<section>.<exercise>".
 * Student output is cleaned for XML 1.0 (invalid UTF-8 and forbidden
 * control characters become U+FFFD), so the document is always valid.
 */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/text.h"

static void put_text(FILE *f, const char *s)
{
	struct buf b;

	buf_init(&b, 2 * BUF_CAPTURE_MAX);
	text_cleans(&b, s, TEXT_XML);
	fputs(buf_cstr(&b), f);
	buf_release(&b);
}

/* "memory/overflow" -> "memory.overflow" for the classname. */
static void put_class(FILE *f, const char *student, const char *exercise)
{
	struct buf b;

	buf_init(&b, 4096);
	if (student) {
		buf_addstr(&b, student);
		buf_addch(&b, '.');
	}
	buf_addstr(&b, exercise);
	for (size_t i = 0; i < b.len; i++)
		if (b.data[i] == '/')
			b.data[i] = '.';
	put_text(f, buf_cstr(&b));
	buf_release(&b);
}

static void put_case(FILE *f, const char *student,
		     const struct exercise_result *x,
		     const struct check_result *c)
{
	fputs("    <testcase name=\"", f);
	put_text(f, c->name);
	fputs("\" classname=\"", f);
	put_class(f, student, x->name);
	fprintf(f, "\" time=\"%.3f\">\n", c->seconds);
	if (c->status == VS_FAIL || c->status == VS_ERROR) {
		const char *tag = c->status == VS_FAIL ? "failure" : "error";
		fprintf(f, "      <%s type=\"%s\" message=\"", tag, c->kind);
		put_text(f, c->message ? c->message : "failed");
		fputs("\">", f);
		for (size_t i = 0; i < c->diags.n; i++) {
			char line[1024];
			diag_format(&c->diags.v[i], line, sizeof(line));
			put_text(f, line);
			fputs("\n", f);
		}
		for (size_t i = 0; i < c->nsubtests; i++)
			if (!c->subtests[i].passed) {
				put_text(f, c->subtests[i].name);
				fputs(": ", f);
				put_text(f, c->subtests[i].message
						    ? c->subtests[i].message
						    : "failed");
				fputs("\n", f);
			}
		fprintf(f, "</%s>\n", tag);
		if (c->output) {
			fputs("      <system-out>", f);
			put_text(f, c->output);
			fputs("</system-out>\n", f);
		}
	} else if (c->status == VS_SKIP) {
		fputs("      <skipped message=\"", f);
		put_text(f, c->message ? c->message : "skipped");
		fputs("\"/>\n", f);
	} else if (c->has_value) {
		fprintf(f, "      <system-out>measured %g%s (%s %g)</system-out>\n",
			c->value, c->unit ? c->unit : "", c->cmp ? c->cmp : ">=",
			c->threshold);
	}
	fputs("    </testcase>\n", f);
}

static void put_suite(FILE *f, const struct run_result *r)
{
	size_t tests = 0, failures = 0, errors = 0, skipped = 0;
	double score, max;

	for (size_t i = 0; i < r->n; i++)
		for (size_t j = 0; j < r->exercises[i].nchecks; j++) {
			enum vstatus s = r->exercises[i].checks[j].status;
			tests++;
			failures += s == VS_FAIL;
			errors += s == VS_ERROR;
			skipped += s == VS_SKIP;
		}
	run_result_totals(r, &score, &max, NULL, NULL);
	fputs("  <testsuite name=\"", f);
	put_text(f, r->student ? r->student : "workbook");
	fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" time=\"%.3f\">\n",
		tests, failures, errors, skipped, r->seconds);
	fprintf(f, "    <properties>\n"
		   "      <property name=\"score\" value=\"%g\"/>\n"
		   "      <property name=\"max_score\" value=\"%g\"/>\n",
		score, max);
	if (r->sandbox_layers) {
		fputs("      <property name=\"sandbox\" value=\"", f);
		put_text(f, r->sandbox_layers);
		fputs("\"/>\n", f);
	}
	fputs("    </properties>\n", f);
	for (size_t i = 0; i < r->n; i++)
		for (size_t j = 0; j < r->exercises[i].nchecks; j++)
			put_case(f, r->student, &r->exercises[i],
				 &r->exercises[i].checks[j]);
	fputs("  </testsuite>\n", f);
}

int report_junit_write_class(FILE *f, const struct run_result *runs,
			     size_t n, const struct report_opts *o)
{
	(void)o;
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"workbook\">\n",
	      f);
	for (size_t i = 0; i < n; i++)
		put_suite(f, &runs[i]);
	fputs("</testsuites>\n", f);
	return ferror(f) ? -1 : 0;
}

int report_junit_write(FILE *f, const struct run_result *r,
		       const struct report_opts *o)
{
	return report_junit_write_class(f, r, 1, o);
}
