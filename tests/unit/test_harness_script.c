/*
 * Tests for harness_script.c: reading a harness's report (the lines with
 * this run's prefix, wherever they start; the first "fail" wins; times
 * accumulate over runs, read the same in every locale), the verdict after
 * "ok" (the ratio against min_speedup, the pass message and its parts) and
 * the check of a module's name.  Running a real harness is covered by
 * tests/cli/t-wasm.sh and t-hybrid.sh.
 */
#define _GNU_SOURCE
#include "harness_script.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "course.h"
#include "verdict.h"
#include "util/err.h"

#define PREFIX "WB1 0123abcd "

static void parse(struct harness_script_report *r, const char *text)
{
	harness_script_parse(r, text, strlen(text), PREFIX);
}

/* ---- the report ------------------------------------------------------- */

static void test_reads_every_kind_of_line(void **state)
{
	struct harness_script_report r = {0};

	(void)state;
	parse(&r,
	      PREFIX "step loading the module\n" PREFIX "note 1 MiB\n" PREFIX
		     "note 60 fps\n" PREFIX "time base 0.004 5\n" PREFIX
		     "time native 0.001 5\n" PREFIX "ok all right\n");
	assert_int_equal(r.verdict, 1);
	assert_string_equal(r.text, "all right");
	assert_string_equal(r.step, "loading the module");
	assert_string_equal(r.notes, "1 MiB; 60 fps");
	assert_true(r.base == 0.004);
	assert_true(r.native == 0.001);
	assert_int_equal(r.runs, 5);
}

static void test_ignores_other_lines_and_other_nonces(void **state)
{
	struct harness_script_report r = {0};

	(void)state;
	parse(&r, "ok\n"
		  "WB1 ffffffff ok forged\n"
		  "WB1 0123abcd\n" /* the prefix lacks its space */
		  "plain output\n");
	assert_int_equal(r.verdict, 0);
	assert_string_equal(r.text, "");
}

static void test_finds_the_prefix_after_other_text(void **state)
{
	struct harness_script_report r = {0};

	(void)state;
	parse(&r, "half a line of the learner's " PREFIX "fail got 3, want 4");
	assert_int_equal(r.verdict, -1);
	assert_string_equal(r.text, "got 3, want 4");
}

static void test_the_first_fail_wins(void **state)
{
	struct harness_script_report r = {0};

	(void)state;
	parse(&r, PREFIX "fail the first\n" PREFIX "fail the second\n" PREFIX
			 "ok\n");
	assert_int_equal(r.verdict, -1);
	assert_string_equal(r.text, "the first");

	/* A fail after ok still fails the run. */
	parse(&r, PREFIX "ok fine\n" PREFIX "fail not fine\n");
	assert_int_equal(r.verdict, -1);
	assert_string_equal(r.text, "not fine");

	/* A bare "fail" or "ok" has no text; "okay" is not "ok". */
	parse(&r, PREFIX "okay\n");
	assert_int_equal(r.verdict, 0);
	parse(&r, PREFIX "fail\n");
	assert_int_equal(r.verdict, -1);
	assert_string_equal(r.text, "");
}

static void test_times_accumulate_and_the_rest_is_per_run(void **state)
{
	struct harness_script_report r = {0};

	(void)state;
	parse(&r,
	      PREFIX "time base 0.02 3\n" PREFIX "time native 0.01 3\n" PREFIX
		     "note first run\n" PREFIX "ok\n");
	parse(&r, PREFIX "step again\n" PREFIX "time base 0.03\n" PREFIX
			 "time native 0.004 4\n");
	assert_true(r.base == 0.02);
	assert_true(r.native == 0.004);
	assert_int_equal(r.runs, 4); /* 3, then 1 for a base without RUNS */
	assert_int_equal(r.verdict, 0);
	assert_string_equal(r.notes, "");
	assert_string_equal(r.step, "again");
}

static void test_times_in_every_locale(void **state)
{
	struct harness_script_report r = {0};

	(void)state;
	/* Under a locale with a decimal comma (where one is installed)
	 * strtod would stop at the point. */
	if (!setlocale(LC_NUMERIC, "de_DE.UTF-8"))
		setlocale(LC_NUMERIC, "fr_FR.UTF-8");
	parse(&r, PREFIX "time base 4.8e-3 2\n" PREFIX "time native 1.2E-3\n");
	setlocale(LC_NUMERIC, "C");
	assert_true(r.base > 0.00479 && r.base < 0.00481);
	assert_true(r.native > 0.00119 && r.native < 0.00121);

	/* No number, zero or a negative time is not a time. */
	struct harness_script_report z = {0};
	parse(&z, PREFIX "time base x\n" PREFIX "time native 0\n" PREFIX
			 "time native -1\n" PREFIX "time other 1\n");
	assert_true(z.base == 0 && z.native == 0);
	assert_int_equal(z.runs, 0);
}

static void test_long_lines_are_cut(void **state)
{
	struct harness_script_report r = {0};
	char text[2048];

	(void)state;
	memset(text, 'x', sizeof(text));
	memcpy(text, PREFIX "fail ", strlen(PREFIX "fail "));
	text[sizeof(text) - 1] = '\0';
	parse(&r, text);
	assert_int_equal(r.verdict, -1);
	assert_int_equal(strlen(r.text), sizeof(r.text) - 1);
}

/* ---- the verdict ------------------------------------------------------ */

static struct param params[4];
static struct check_spec spec;

static void set_spec(double min, const char *baseline)
{
	size_t n = 0;

	memset(params, 0, sizeof(params));
	memset(&spec, 0, sizeof(spec));
	if (min > 0)
		params[n++] = (struct param){.key = (char *)"min_speedup",
					     .type = PARAM_NUM,
					     .num = min};
	if (baseline)
		params[n++] = (struct param){.key = (char *)"baseline",
					     .type = PARAM_STR,
					     .str = (char *)baseline};
	spec.kind = (char *)"luamod";
	spec.params = params;
	spec.nparams = n;
}

static const struct harness_script_opts script = {
    .noun = "script",
    .baseline = "pure Lua",
    .ratio_digits = 1,
    .passed = "the script passed",
};

static struct check_result *new_check(struct exercise_result *x)
{
	memset(x, 0, sizeof(*x));
	return exercise_add_check(x, "luamod", "luamod", "verify");
}

static void test_judges_the_ratio(void **state)
{
	struct harness_script_report r = {
	    .verdict = 1, .base = 0.010, .native = 0.002, .runs = 5};
	struct exercise_result x;
	struct check_result *c = new_check(&x);

	(void)state;
	set_spec(4, NULL);
	harness_script_judge(&spec, &script, &r, NULL, c);
	assert_int_equal(c->status, VS_PASS);
	assert_true(c->has_value && c->value == 5 && c->threshold == 4);
	assert_string_equal(c->unit, "x");
	assert_string_equal(c->message,
			    "5.0x as fast as pure Lua (best of 5 interleaved "
			    "runs: 2 ms against 10 ms), needs >= 4x");
	exercise_result_release(&x);

	c = new_check(&x);
	set_spec(6, "the loop in Lua");
	snprintf(r.notes, sizeof(r.notes), "300 names");
	harness_script_judge(&spec, &script, &r, "module 9 bytes", c);
	assert_int_equal(c->status, VS_FAIL);
	assert_string_equal(c->message,
			    "5.0x as fast as the loop in Lua (best of 5 "
			    "interleaved runs: 2 ms against 10 ms), needs >= "
			    "6x; module 9 bytes; 300 names");
	exercise_result_release(&x);
}

static void test_a_pass_joins_its_parts(void **state)
{
	struct harness_script_report r = {.verdict = 1};
	struct harness_script_opts node = script;
	struct exercise_result x;
	struct check_result *c;

	(void)state;
	node.passed = NULL;
	set_spec(0, NULL);

	c = new_check(&x);
	harness_script_judge(&spec, &script, &r, NULL, c);
	assert_int_equal(c->status, VS_PASS);
	assert_false(c->has_value);
	assert_string_equal(c->message, "the script passed");
	exercise_result_release(&x);

	c = new_check(&x);
	snprintf(r.notes, sizeof(r.notes), "60 fps");
	harness_script_judge(&spec, &node, &r, "module 9 bytes", c);
	assert_string_equal(c->message, "module 9 bytes; 60 fps");
	exercise_result_release(&x);

	c = new_check(&x);
	snprintf(r.text, sizeof(r.text), "blur matches");
	harness_script_judge(&spec, &node, &r, "module 9 bytes", c);
	assert_string_equal(c->message, "blur matches; module 9 bytes; 60 fps");
	exercise_result_release(&x);

	c = new_check(&x);
	harness_script_judge(&spec, &script, &r, NULL, c);
	assert_string_equal(c->message, "blur matches; 60 fps");
	exercise_result_release(&x);
}

/* ---- the module's name ------------------------------------------------ */

static void test_module_names(void **state)
{
	static const char *const good[] = {"fuzzy", "_x1", "A_b", NULL};
	static const char *const bad[] = {"", "1x", "a-b", "a.b", "a b", NULL};
	struct param p = {.key = (char *)"module", .type = PARAM_STR};
	struct check_spec s = {
	    .kind = (char *)"pyext", .params = &p, .nparams = 1};
	struct err e;

	(void)state;
	for (size_t i = 0; good[i]; i++) {
		p.str = (char *)good[i];
		assert_int_equal(harness_script_check_name(&s, &e), 0);
	}
	for (size_t i = 0; bad[i]; i++) {
		p.str = (char *)bad[i];
		assert_int_equal(harness_script_check_name(&s, &e), -1);
	}
	assert_string_equal(e.msg, "pyext: module 'a b' is not a C identifier "
				   "(a lesson bug)");
	s.nparams = 0; /* no module at all */
	assert_int_equal(harness_script_check_name(&s, &e), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_reads_every_kind_of_line),
	    cmocka_unit_test(test_ignores_other_lines_and_other_nonces),
	    cmocka_unit_test(test_finds_the_prefix_after_other_text),
	    cmocka_unit_test(test_the_first_fail_wins),
	    cmocka_unit_test(test_times_accumulate_and_the_rest_is_per_run),
	    cmocka_unit_test(test_times_in_every_locale),
	    cmocka_unit_test(test_long_lines_are_cut),
	    cmocka_unit_test(test_judges_the_ratio),
	    cmocka_unit_test(test_a_pass_joins_its_parts),
	    cmocka_unit_test(test_module_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
