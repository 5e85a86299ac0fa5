/*
 * compiles { werror = true, std = "c11", cflags = { ... } }
 *
 * The learner's file builds on its own with -Wall -Wextra; with werror, a
 * warning fails it.  The object is kept for the checks that follow.
 */
#include "check.h"

#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "util/err.h"
#include "util/xalloc.h"

static const struct check_field fields[] = {
	{"werror", PARAM_BOOL, 0, "treat warnings as errors"},
	{"std", PARAM_STR, 0, "the C standard, default \"c11\""},
	{"cflags", PARAM_LIST, 0, "extra compiler flags"},
	{NULL, 0, 0, NULL},
};

static void count(const struct diag_list *l, size_t *errors, size_t *warnings)
{
	*errors = *warnings = 0;
	for (size_t i = 0; i < l->n; i++) {
		const char *s = l->v[i].severity ? l->v[i].severity : "";
		const char *o = l->v[i].option ? l->v[i].option : "";
		if (!strncmp(o, "-Werror", 7))
			(*warnings)++;
		else if (!strcmp(s, "error") || !strcmp(s, "fatal error"))
			(*errors)++;
		else if (!strcmp(s, "warning"))
			(*warnings)++;
	}
}

static int run(struct check_ctx *ctx, const struct check_spec *spec,
	       struct check_result *out, struct err *e)
{
	size_t ncflags;
	char **cflags = check_param_list(spec, "cflags", &ncflags);
	const char *src[] = {ctx->source, NULL};
	struct build_job j = {
		.sources = src,
		.std = check_param_str(spec, "std", "c11"),
		.warnings = 1,
		.werror = check_param_bool(spec, "werror", 0),
		.opt = "-O1 -g",
		.cflags = (const char *const *)cflags,
	};
	struct build_result r;
	size_t errors, warnings;
	char *obj;

	e->msg[0] = '\0';
	obj = build_cached_object(ctx->build, &j, &r, e);
	if (!obj && e->msg[0]) {
		build_result_release(&r);
		return -1;
	}
	check_take_build(out, &r);
	count(&out->diags, &errors, &warnings);
	if (obj) {
		out->status = VS_PASS;
		if (warnings)
			check_set_message(out, "builds, with %zu warning%s",
					  warnings, warnings == 1 ? "" : "s");
		else
			check_set_message(out, "builds cleanly");
		/* The plain object serves the tests; the one with this
		 * check's own flags is the same file when no cflags. */
		free(ctx->learner_obj);
		ctx->learner_obj = obj;
	} else {
		out->status = VS_FAIL;
		if (j.werror && errors == 0 && warnings > 0)
			check_set_message(out, "%zu warning%s, and warnings count as errors here",
					  warnings, warnings == 1 ? "" : "s");
		else if (errors)
			check_set_message(out, "does not compile: %zu error%s",
					  errors, errors == 1 ? "" : "s");
		else
			check_set_message(out, "does not compile");
	}
	build_result_release(&r);
	return 0;
}

const struct check_kind check_compiles = {
	.name = "compiles",
	.stage = STAGE_COMPILE,
	.positional = NULL,
	.fields = fields,
	.summary = "the file builds on its own (with werror: without a warning)",
	.run = run,
};
