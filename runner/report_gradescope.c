/*
 * report_gradescope: /autograder/results/results.json as Gradescope reads
 * it (../shared/schemas/gradescope-results.schema.json).  A test per
 * exercise carries its points and the text report; a test per check
 * follows with its status (and its points when the lesson gives checks
 * partial credit).  Hidden checks get visibility "hidden".
 */
#include "report.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/text.h"
#include "util/xalloc.h"

/* jansson wants valid UTF-8: clean first. */
static json_t *str(const char *s)
{
	struct buf b;
	json_t *v;

	buf_init(&b, 2 * BUF_CAPTURE_MAX);
	text_cleans(&b, s ? s : "", TEXT_UTF8);
	v = json_stringn(buf_cstr(&b), b.len);
	buf_release(&b);
	if (!v)
		xfatal("out of memory building JSON");
	return v;
}

static json_t *check_test(const struct exercise_result *x,
			  const struct check_result *c, int number)
{
	json_t *t = json_object();
	char name[512], num[32];
	struct buf out;

	snprintf(name, sizeof(name), "%s: %s", x->name, c->name);
	snprintf(num, sizeof(num), "%d", number);
	json_object_set_new(t, "name", str(name));
	json_object_set_new(t, "number", str(num));
	/* A skip for a missing tool is not the student's failing; a check
	 * not reached because an earlier stage failed is. */
	json_object_set_new(t, "status",
			    json_string(c->status == VS_PASS ||
						(c->status == VS_SKIP &&
						 (c->skip_package || c->optional))
					? "passed" : "failed"));
	if (c->max_points > 0) {
		json_object_set_new(t, "score", json_real(c->points));
		json_object_set_new(t, "max_score", json_real(c->max_points));
	}
	buf_init(&out, BUF_CAPTURE_MAX);
	buf_printf(&out, "%s: %s\n", vstatus_name(c->status),
		   c->message ? c->message : "");
	if (c->status != VS_PASS && c->output)
		buf_printf(&out, "\n%s\n", c->output);
	json_object_set_new(t, "output", str(buf_cstr(&out)));
	buf_release(&out);
	json_object_set_new(t, "tags", json_pack("[s]", c->kind));
	json_object_set_new(t, "visibility",
			    json_string(c->hidden ? "hidden" : "visible"));
	return t;
}

int report_gradescope_write(FILE *f, const struct run_result *r,
			    const struct report_opts *o)
{
	json_t *root = json_object(), *tests = json_array();
	double score, max;
	size_t passed, failed;
	int number = 0, rc;

	(void)o;
	run_result_totals(r, &score, &max, &passed, &failed);
	json_object_set_new(root, "score", json_real(score));
	json_object_set_new(root, "execution_time", json_real(r->seconds));
	{
		char summary[512];
		snprintf(summary, sizeof(summary),
			 "%zu of %zu exercises passed, %g/%g points.%s%s\n",
			 passed, passed + failed, score, max,
			 r->sandbox_layers ? " Sandbox: " : "",
			 r->sandbox_layers ? r->sandbox_layers : "");
		json_object_set_new(root, "output", str(summary));
	}
	json_object_set_new(root, "output_format", json_string("text"));
	json_object_set_new(root, "visibility", json_string("visible"));
	for (size_t i = 0; i < r->n; i++) {
		const struct exercise_result *x = &r->exercises[i];
		json_t *t = json_object();
		char num[32];
		char *text = report_exercise_text(x, 1);
		snprintf(num, sizeof(num), "%d", ++number);
		json_object_set_new(t, "name", str(x->name));
		json_object_set_new(t, "number", str(num));
		json_object_set_new(t, "score", json_real(x->score));
		json_object_set_new(t, "max_score", json_real(x->max_score));
		json_object_set_new(t, "status",
				    json_string(x->status == VS_PASS ? "passed"
								     : "failed"));
		json_object_set_new(t, "output", str(text ? text : ""));
		free(text);
		json_object_set_new(t, "visibility", json_string("visible"));
		json_array_append_new(tests, t);
		for (size_t j = 0; j < x->nchecks; j++)
			json_array_append_new(
				tests, check_test(x, &x->checks[j], ++number));
	}
	json_object_set_new(root, "tests", tests);
	rc = json_dumpf(root, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', f);
	json_decref(root);
	return rc < 0 || ferror(f) ? -1 : 0;
}
