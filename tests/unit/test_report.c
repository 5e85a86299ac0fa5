/*
 * Tests for report_text.c and report_json.c over run results built by
 * hand: a passing exercise, a failing one with diagnostics, subtests,
 * feedback and a hidden check, one with measured values, a skipped check
 * and a lesson error, and one whose output holds invalid UTF-8 and control
 * characters.  The text must hold the right lines (and no colour escapes
 * unless asked); the JSON must parse back with jansson, as valid UTF-8.
 */
#include "report.h"

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>

#include "util/buf.h"
#include "util/xalloc.h"

/* ---- the run ----------------------------------------------------------- */

static void add_passing(struct run_result *r)
{
	struct exercise_result *x = run_result_add(r, "intro/hello", "Hello",
						   "exercises/intro/hello.c");
	struct check_result *c =
	    exercise_add_check(x, "compiles", "compiles", "compile");

	c->status = VS_PASS;
	/* A warning on a passing check is not shown without --verbose. */
	diag_list_add(&c->diags, "gcc", "warning", "hello.c", 3, 2,
		      "-Wunused-parameter", "unused parameter 'argc'", NULL);
	c = exercise_add_check(x, "io", "io", "test");
	c->status = VS_PASS;
	check_set_message(c, "output matches");
	check_add_subtest(c, "prints hello", 1, NULL);
	x->status = VS_PASS;
	x->score = 1;
	x->max_score = 1;
}

static void add_failing(struct run_result *r)
{
	struct exercise_result *x =
	    run_result_add(r, "memory/overflow", "Copy a name safely",
			   "exercises/memory/overflow.c");
	struct check_result *c;
	const char *log = "[==========] tests: Running 2 test(s).\n"
			  "[ RUN      ] test_long\n"
			  "ERROR: copy_name wrote past dst[3]\n"
			  "[  FAILED  ] test_long\n";

	x->status = VS_FAIL;
	x->stage = xstrdup("test");
	x->message = xstrdup("1 of 2 tests failed");
	x->score = 1;
	x->max_score = 2;
	x->attempts = 3;

	c = exercise_add_check(x, "compiles", "compiles", "compile");
	c->status = VS_PASS;

	c = exercise_add_check(x, "tests", "tests", "test");
	c->status = VS_FAIL;
	check_set_message(c, "1 of 2 tests failed");
	check_add_subtest(c, "test_short", 1, NULL);
	check_add_subtest(c, "test_long", 0, "\"ferris\" != \"ferr\"");
	check_set_output(c, log, strlen(log), 0);
	c->points = 1;
	c->max_points = 2;

	c = exercise_add_check(x, "sanitize", "sanitize", "test");
	c->status = VS_FAIL;
	check_set_message(c, "AddressSanitizer found a bug");
	diag_list_add(&c->diags, "asan", "error", "/tmp/wb/overflow.c", 7, 10,
		      "heap-buffer-overflow",
		      "heap-buffer-overflow: WRITE of size 1 (allocated at "
		      "overflow.c:12)",
		      "copy_name");
	diag_list_add(&c->diags, "gcc", "warning",
		      "exercises/memory/overflow.c", 12, 5, "-Wunused-variable",
		      "unused variable 'x'", NULL);
	check_set_output(c, "==1==ERROR: AddressSanitizer\n", 29, 0);

	c = exercise_add_check(x, "edge cases", "tests", "test");
	c->status = VS_FAIL;
	c->hidden = 1;
	check_set_message(c, "an empty name crashes");

	exercise_add_feedback(x, "Your loop writes one byte past the end.");
	exercise_add_feedback(x, "Look at the <= in copy_name.");
	x->feedback_hint = xstrdup("n bytes hold the indices 0 to n-1");
}

static void add_measured(struct run_result *r)
{
	struct exercise_result *x = run_result_add(r, "speed/threads", NULL,
						   "exercises/speed/threads.c");
	struct check_result *c;

	x->status = VS_FAIL;
	x->score = 1;
	x->max_score = 3;

	c = exercise_add_check(x, "speedup", "speedup", "measure");
	c->status = VS_PASS;
	check_set_value(c, 1.91, ">=", 1.5, "x");
	check_set_message(c, "4 threads against 1");

	c = exercise_add_check(x, "startup", "startup", "measure");
	c->status = VS_FAIL;
	check_set_value(c, 80, "<=", 50, "ms");
	check_set_message(c, "median of 20 runs");

	c = exercise_add_check(x, "race-free", "sanitize", "test");
	check_set_skip(c, "clang", "clang not found");

	x->feedback_error =
	    xstrdup("lessons/speed/lesson.lua:40: attempt to index a nil "
		    "value (local 'r')");
}

/* Output with invalid UTF-8, an escape sequence and more lines than the
 * text report shows. */
static const char bad_output_head[] = "abc\xff\xfe\x1b[31mred\x01 caf\xc3\xa9"
				      " \xe2\x82\n";

static void add_bad_output(struct run_result *r)
{
	struct exercise_result *x =
	    run_result_add(r, "io/echo\xff", "Echo", "exercises/io/echo.c");
	struct check_result *c = exercise_add_check(x, "io", "io", "test");
	struct buf b;

	buf_init(&b, BUF_UNLIMITED);
	buf_addstr(&b, bad_output_head);
	for (int i = 2; i <= 60; i++)
		buf_printf(&b, "line %d\n", i);
	c->status = VS_FAIL;
	check_set_message(c, "expected \"hi\\n\", got \"\xff\"");
	check_set_output(c, b.data, b.len, 0);
	buf_release(&b);
	x->status = VS_FAIL;
	x->max_score = 1;
}

static void build_run(struct run_result *r)
{
	run_result_init(r);
	add_passing(r);
	add_failing(r);
	add_measured(r);
	add_bad_output(r);
}

/* ---- capturing --------------------------------------------------------- */

typedef int (*writer)(FILE *, const struct run_result *,
		      const struct report_opts *);

static char *render(writer w, const struct run_result *r,
		    const struct report_opts *o, size_t *len)
{
	char *text = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&text, &n);

	assert_non_null(f);
	assert_int_equal(w(f, r, o), 0);
	assert_int_equal(fclose(f), 0);
	if (len)
		*len = n;
	return text;
}

static void assert_contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("missing \"%s\" in:\n%s", needle, hay);
}

static void assert_lacks(const char *hay, const char *needle)
{
	if (strstr(hay, needle))
		fail_msg("unexpected \"%s\" in:\n%s", needle, hay);
}

/* A whole line, so a test cannot pass on a fragment. */
static void assert_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; p && *p;
	     p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (!strncmp(p, line, n) && (p[n] == '\n' || !p[n]))
			return;
	fail_msg("no line \"%s\" in:\n%s", line, text);
}

/* ---- text -------------------------------------------------------------- */

static void test_text_plain(void **state)
{
	struct run_result r;
	struct report_opts o = {0};
	char *t;

	(void)state;
	build_run(&r);
	t = render(report_text_write, &r, &o, NULL);
	assert_null(strchr(t, '\033'));
	/* Headers: mark, name, title, score (ASCII marks in the C locale). */
	assert_line(t, "ok intro/hello - Hello  1/1");
	assert_line(t, "FAIL memory/overflow - Copy a name safely  1/2");
	assert_line(t, "  1 of 2 tests failed");
	assert_line(t, "FAIL speed/threads  1/3");
	/* Checks. */
	assert_line(t, "  ok compiles");
	assert_line(t, "  FAIL tests: 1 of 2 tests failed  1/2");
	assert_line(t, "      FAIL test_long: \"ferris\" != \"ferr\"");
	assert_lacks(t, "test_short");
	assert_line(t, "  FAIL edge cases (hidden): an empty name crashes");
	/* Diagnostics: the sanitizer condensed, the compiler's as gcc says. */
	assert_line(t,
		    "      heap-buffer-overflow at overflow.c:7 in copy_name: "
		    "WRITE of size 1 (allocated at overflow.c:12)");
	assert_line(t, "      exercises/memory/overflow.c:12:5: warning: "
		       "unused variable 'x' [-Wunused-variable]");
	/* Diagnostics replace the raw output; what the tests printed shows,
	 * without cmocka's framing (the subtests say it). */
	assert_lacks(t, "==1==ERROR");
	assert_line(t, "      | ERROR: copy_name wrote past dst[3]");
	assert_lacks(t, "[  FAILED  ]");
	assert_lacks(t, "Running 2 test(s)");
	/* A passing check's warning stays quiet. */
	assert_lacks(t, "unused parameter");
	/* Measures. */
	assert_line(t, "  ok speedup 1.91x  [######----] >= 1.5x");
	assert_line(t, "  FAIL startup 80 ms  [########--] <= 50 ms: median of "
		       "20 runs");
	/* Skips say why and what to install. */
	assert_line(t,
		    "  skip race-free  skip: clang not found (install clang)");
	/* Feedback, hint, lesson error. */
	assert_line(t, "  feedback: Your loop writes one byte past the end.");
	assert_line(t, "            Look at the <= in copy_name.");
	assert_line(t, "  hint: n bytes hold the indices 0 to n-1");
	assert_line(t,
		    "  lesson error (a bug in the lesson, not in your code): "
		    "lessons/speed/lesson.lua:40: attempt to index a nil "
		    "value (local 'r')");
	/* The totals. */
	assert_line(t, "1 of 4 exercises passed, 3/7 points");
	free(t);
	run_result_release(&r);
}

static void test_text_hostile_output(void **state)
{
	struct run_result r;
	struct report_opts o = {0};
	char *t;

	(void)state;
	build_run(&r);
	t = render(report_text_write, &r, &o, NULL);
	/* Control characters in caret notation, bytes that are not ASCII as
	 * '?' outside a UTF-8 locale: nothing can reach the terminal raw. */
	assert_line(t, "FAIL io/echo? - Echo  0/1");
	assert_line(t, "      | abc??^[[31mred^A caf? ??");
	assert_line(t, "      | line 40");
	assert_lacks(t, "line 41\n");
	assert_line(t, "      | [... 20 more lines not shown]");
	for (const unsigned char *p = (const unsigned char *)t; *p; p++)
		assert_true(*p == '\n' || (*p >= 0x20 && *p < 0x7f));
	free(t);
	run_result_release(&r);
}

static void test_text_color(void **state)
{
	struct run_result r;
	struct report_opts o = {.color = 1};
	char *t;

	(void)state;
	build_run(&r);
	t = render(report_text_write, &r, &o, NULL);
	assert_contains(t, "\033[31mFAIL\033[0m");
	assert_contains(t, "\033[32mok\033[0m");
	assert_contains(t, "\033[35mwarning:\033[0m");
	/* The learner's escape is still neutralised. */
	assert_contains(t, "abc??^[[31mred");
	free(t);
	run_result_release(&r);
}

static void test_text_verbose(void **state)
{
	struct run_result r;
	struct report_opts o = {.verbose = 1, .title = "Native code, measured"};
	char *t;

	(void)state;
	build_run(&r);
	r.exercises[0].checks[0].seconds = 0.25;
	t = render(report_text_write, &r, &o, NULL);
	assert_line(t, "Native code, measured");
	assert_line(t, "      ok test_short");
	assert_line(t, "  ok compiles  (0.25s)");
	assert_contains(t, "unused parameter 'argc'");
	/* With --verbose the raw output shows beside the diagnostics. */
	assert_line(t, "      | ==1==ERROR: AddressSanitizer");
	assert_line(t, "      | [  FAILED  ] test_long");
	assert_line(t, "  ok speedup 1.91x  [######----] >= 1.5x: 4 threads "
		       "against 1");
	free(t);
	run_result_release(&r);
}

static void test_text_utf8(void **state)
{
	struct run_result r;
	struct report_opts o = {0};
	char *t;

	(void)state;
	if (!setlocale(LC_CTYPE, "C.UTF-8") || MB_CUR_MAX == 1) {
		setlocale(LC_CTYPE, "C");
		skip();
	}
	build_run(&r);
	t = render(report_text_write, &r, &o, NULL);
	setlocale(LC_CTYPE, "C");
	assert_line(t, "\xe2\x9c\x93 intro/hello \xe2\x80\x94 Hello  1/1");
	assert_line(t, "  \xe2\x9c\x97 tests: 1 of 2 tests failed  1/2");
	assert_line(t, "  - race-free  skip: clang not found (install clang)");
	/* Valid UTF-8 kept, invalid sequences made '?'. */
	assert_line(t, "      | abc??^[[31mred^A caf\xc3\xa9 ??");
	free(t);
	run_result_release(&r);
}

static void test_text_single_and_student(void **state)
{
	struct run_result r;
	struct report_opts o = {0};
	char *t;

	(void)state;
	run_result_init(&r);
	add_passing(&r);
	r.student = xstrdup("ada");
	r.sandbox_layers = xstrdup("userns,pidns,seccomp");
	t = render(report_text_write, &r, &o, NULL);
	assert_line(t, "student: ada");
	assert_line(t, "sandbox: userns,pidns,seccomp");
	/* No totals line for a single exercise. */
	assert_lacks(t, "exercises passed");
	free(t);
	run_result_release(&r);
}

/* ---- JSON -------------------------------------------------------------- */

static json_t *parse_json(const char *text, size_t len)
{
	json_error_t e;
	/* jansson rejects invalid UTF-8 on load: this also proves it. */
	json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &e);

	if (!j)
		fail_msg("invalid JSON: %s at line %d", e.text, e.line);
	return j;
}

static json_t *at(json_t *j, const char *path)
{
	/* "exercises.1.checks.2.name": objects by key, arrays by index. */
	char *copy = xstrdup(path), *save = NULL;

	for (char *k = strtok_r(copy, ".", &save); k && j;
	     k = strtok_r(NULL, ".", &save)) {
		if (json_is_array(j))
			j = json_array_get(j, strtoul(k, NULL, 10));
		else
			j = json_object_get(j, k);
	}
	free(copy);
	if (!j)
		fail_msg("no %s in the report", path);
	return j;
}

static void assert_jstr(json_t *root, const char *path, const char *want)
{
	json_t *v = at(root, path);

	if (!json_is_string(v))
		fail_msg("%s is not a string", path);
	assert_string_equal(json_string_value(v), want);
}

static void assert_jnum(json_t *root, const char *path, double want)
{
	json_t *v = at(root, path);

	if (!json_is_number(v))
		fail_msg("%s is not a number", path);
	assert_true(fabs(json_number_value(v) - want) < 1e-9);
}

static void test_json_fields(void **state)
{
	struct run_result r;
	struct report_opts o = {.title = "Native code, measured"};
	size_t len;
	char *t;
	json_t *j;

	(void)state;
	build_run(&r);
	t = render(report_json_write, &r, &o, &len);
	j = parse_json(t, len);
	assert_jstr(j, "schema", "workbook-report/1");
	assert_jstr(j, "kind", "run");
	assert_jstr(j, "title", "Native code, measured");
	assert_true(json_is_null(at(j, "student")));
	assert_jnum(j, "totals.exercises", 4);
	assert_jnum(j, "totals.passed", 1);
	assert_jnum(j, "totals.failed", 3);
	assert_jnum(j, "totals.score", 3);
	assert_jnum(j, "totals.max_score", 7);
	assert_int_equal(json_array_size(at(j, "exercises")), 4);

	assert_jstr(j, "exercises.0.status", "pass");
	assert_jstr(j, "exercises.1.name", "memory/overflow");
	assert_jstr(j, "exercises.1.file", "exercises/memory/overflow.c");
	assert_jstr(j, "exercises.1.stage", "test");
	assert_jnum(j, "exercises.1.attempts", 3);
	assert_jstr(j, "exercises.1.checks.1.status", "fail");
	assert_jnum(j, "exercises.1.checks.1.points", 1);
	assert_jnum(j, "exercises.1.checks.1.max_points", 2);
	assert_jstr(j, "exercises.1.checks.1.subtests.1.name", "test_long");
	assert_true(json_is_false(at(j, "exercises.1.checks.1.subtests.1."
					"passed")));
	assert_jstr(j, "exercises.1.checks.1.subtests.1.message",
		    "\"ferris\" != \"ferr\"");
	assert_true(json_is_null(at(j, "exercises.1.checks.1.subtests.0."
				       "message")));
	assert_jstr(j, "exercises.1.checks.2.diagnostics.0.tool", "asan");
	assert_jstr(j, "exercises.1.checks.2.diagnostics.0.option",
		    "heap-buffer-overflow");
	assert_jnum(j, "exercises.1.checks.2.diagnostics.0.line", 7);
	assert_jnum(j, "exercises.1.checks.2.diagnostics.0.column", 10);
	assert_jstr(j, "exercises.1.checks.2.diagnostics.0.function",
		    "copy_name");
	assert_true(json_is_null(at(j, "exercises.1.checks.2.diagnostics.1."
				       "function")));
	assert_true(json_is_true(at(j, "exercises.1.checks.3.hidden")));
	assert_jstr(j, "exercises.1.feedback.lines.1",
		    "Look at the <= in copy_name.");
	assert_jstr(j, "exercises.1.feedback.hint",
		    "n bytes hold the indices 0 to n-1");
	assert_true(json_is_null(at(j, "exercises.1.feedback.error")));

	assert_true(json_is_null(at(j, "exercises.2.title")));
	assert_jnum(j, "exercises.2.checks.0.measure.value", 1.91);
	assert_jstr(j, "exercises.2.checks.0.measure.cmp", ">=");
	assert_jnum(j, "exercises.2.checks.0.measure.threshold", 1.5);
	assert_jstr(j, "exercises.2.checks.0.measure.unit", "x");
	assert_true(json_is_null(at(j, "exercises.1.checks.0.measure")));
	assert_jstr(j, "exercises.2.checks.2.status", "skip");
	assert_jstr(j, "exercises.2.checks.2.skip_package", "clang");
	assert_jstr(j, "exercises.2.checks.2.message", "clang not found");
	assert_jstr(j, "exercises.2.feedback.error",
		    "lessons/speed/lesson.lua:40: attempt to index a nil "
		    "value (local 'r')");
	json_decref(j);
	free(t);
	run_result_release(&r);
}

static void test_json_invalid_utf8(void **state)
{
	struct run_result r;
	size_t len;
	char *t;
	const char *out;
	json_t *j;

	(void)state;
	build_run(&r);
	t = render(report_json_write, &r, NULL, &len);
	/* Raw bytes: no invalid UTF-8 and no raw control characters. */
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)t[i];
		assert_true(c != 0xff && c != 0xfe && c != 0x1b && c != 0x01);
	}
	j = parse_json(t, len);
	assert_jstr(j, "exercises.3.name", "io/echo\xef\xbf\xbd");
	assert_jstr(j, "exercises.3.checks.0.message",
		    "expected \"hi\\n\", got \"\xef\xbf\xbd\"");
	out = json_string_value(at(j, "exercises.3.checks.0.output"));
	assert_non_null(out);
	/* Each invalid byte became U+FFFD; the escape and the control byte
	 * survive (escaped in the JSON text); valid UTF-8 is untouched; a
	 * sequence cut short is replaced byte by byte. */
	assert_true(
	    !strncmp(out,
		     "abc\xef\xbf\xbd\xef\xbf\xbd\x1b[31mred\x01 "
		     "caf\xc3\xa9 \xef\xbf\xbd\xef\xbf\xbd\n",
		     strlen("abc\xef\xbf\xbd\xef\xbf\xbd\x1b[31mred\x01 "
			    "caf\xc3\xa9 \xef\xbf\xbd\xef\xbf\xbd\n")));
	assert_contains(out, "line 60\n");
	assert_true(json_is_false(at(j, "exercises.3.checks.0."
					"output_truncated")));
	json_decref(j);
	free(t);
	run_result_release(&r);
}

static void test_json_deterministic_and_nonfinite(void **state)
{
	struct run_result r;
	size_t l1, l2;
	char *a, *b;
	json_t *j;

	(void)state;
	build_run(&r);
	r.exercises[2].checks[1].value = NAN;
	r.exercises[2].checks[1].threshold = INFINITY;
	a = render(report_json_write, &r, NULL, &l1);
	b = render(report_json_write, &r, NULL, &l2);
	assert_int_equal(l1, l2);
	assert_memory_equal(a, b, l1);
	/* Keys in a fixed order: schema first, then kind. */
	{
		const char *head = "{\n  \"schema\": \"workbook-report/1\",\n"
				   "  \"kind\": \"run\",\n";
		assert_true(!strncmp(a, head, strlen(head)));
	}
	j = parse_json(a, l1);
	assert_true(json_is_null(at(j, "exercises.2.checks.1.measure.value")));
	assert_true(json_is_null(at(j, "exercises.2.checks.1.measure."
				       "threshold")));
	json_decref(j);
	free(a);
	free(b);
	run_result_release(&r);
}

static void test_json_class(void **state)
{
	struct run_result runs[2];
	size_t len;
	char *t;
	json_t *j;

	(void)state;
	build_run(&runs[0]);
	runs[0].student = xstrdup("ada");
	run_result_init(&runs[1]);
	add_passing(&runs[1]);
	runs[1].student = xstrdup("grace\xc0");
	runs[1].sandbox_layers = xstrdup("userns,seccomp");
	{
		char *text = NULL;
		size_t n = 0;
		FILE *f = open_memstream(&text, &n);
		assert_non_null(f);
		assert_int_equal(report_json_write_class(f, runs, 2, NULL), 0);
		assert_int_equal(fclose(f), 0);
		t = text;
		len = n;
	}
	j = parse_json(t, len);
	assert_jstr(j, "schema", "workbook-report/1");
	assert_jstr(j, "kind", "class");
	assert_int_equal(json_array_size(at(j, "students")), 2);
	assert_jstr(j, "students.0.student", "ada");
	assert_jstr(j, "students.1.student", "grace\xef\xbf\xbd");
	assert_jstr(j, "students.1.sandbox_layers", "userns,seccomp");
	assert_jnum(j, "students.1.totals.passed", 1);
	assert_null(json_object_get(at(j, "students.0"), "schema"));
	assert_jnum(j, "totals.students", 2);
	assert_jnum(j, "totals.exercises", 5);
	assert_jnum(j, "totals.passed", 2);
	assert_jnum(j, "totals.score", 4);
	assert_jnum(j, "totals.max_score", 8);
	json_decref(j);
	free(t);
	run_result_release(&runs[0]);
	run_result_release(&runs[1]);
}

static void test_write_errors(void **state)
{
	struct run_result r;
	FILE *f;

	(void)state;
	f = fopen("/dev/full", "w");
	if (!f)
		skip();
	build_run(&r);
	assert_int_equal(report_text_write(f, &r, NULL), -1);
	clearerr(f);
	assert_int_equal(report_json_write(f, &r, NULL), -1);
	clearerr(f);
	assert_int_equal(report_json_write_class(f, &r, 1, NULL), -1);
	fclose(f);
	run_result_release(&r);
}

static void test_table(void **state)
{
	(void)state;
	assert_ptr_equal(report_find("text")->write, report_text_write);
	assert_ptr_equal(report_find("json")->write_class,
			 report_json_write_class);
	assert_null(report_find("yaml"));
	assert_contains(report_names(), "text");
	assert_contains(report_names(), "json");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_text_plain),
	    cmocka_unit_test(test_text_hostile_output),
	    cmocka_unit_test(test_text_color),
	    cmocka_unit_test(test_text_verbose),
	    cmocka_unit_test(test_text_utf8),
	    cmocka_unit_test(test_text_single_and_student),
	    cmocka_unit_test(test_json_fields),
	    cmocka_unit_test(test_json_invalid_utf8),
	    cmocka_unit_test(test_json_deterministic_and_nonfinite),
	    cmocka_unit_test(test_json_class),
	    cmocka_unit_test(test_write_errors),
	    cmocka_unit_test(test_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
