/*
 * tests "x_test.c"   (or tests { file = "x_test.c", std = "c11" })
 *
 * A cmocka test file beside lesson.lua, linked with the learner's object
 * through the workbook harness; every test case is reported by name.
 */
#include "check.h"

#include "testrun.h"

static const struct check_field fields[] = {
	{"file", PARAM_FILE, 1, "the cmocka test file beside lesson.lua"},
	{"std", PARAM_STR, 0, "the C standard for the test file"},
	{NULL, 0, 0, NULL},
};

static int run(struct check_ctx *ctx, const struct check_spec *spec,
	       struct check_result *out, struct err *e)
{
	struct testrun_opts o = {
		.test_file = check_param_str(spec, "file", NULL),
		.std = check_param_str(spec, "std", "c11"),
		.timeout_ms = spec->timeout_ms,
	};

	return testrun(ctx, &o, out, e);
}

const struct check_kind check_tests = {
	.name = "tests",
	.stage = STAGE_TEST,
	.positional = "file",
	.fields = fields,
	.summary = "the lesson's cmocka tests pass with the learner's file",
	.run = run,
};
