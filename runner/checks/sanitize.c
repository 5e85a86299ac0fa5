/*
 * sanitize { "address", "undefined" }   (also "leak", "thread")
 *
 * The same tests again, with the learner's file and the tests rebuilt under
 * the sanitizers.  ThreadSanitizer cannot share a build with the address or
 * leak sanitizer, so "thread" runs as a build of its own.  Findings are
 * named by kind and line; a data race names both racing accesses and the
 * variable.
 *
 * ThreadSanitizer maps its shadow memory at fixed addresses.  With a
 * randomised address space of many bits (vm.mmap_rnd_bits = 32, the
 * default on some recent kernels) gcc 12's run-time fails at start with
 * "FATAL: ThreadSanitizer: unexpected memory mapping", or crashes.  So the
 * thread build runs with address-space randomisation off for that child
 * (personality ADDR_NO_RANDOMIZE, what `setarch -R` does), which is
 * per-thread state inherited by the children this thread starts.
 */
#define _GNU_SOURCE
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>

#include "testrun.h"
#include "util/err.h"
#include "util/xalloc.h"

static const struct check_field fields[] = {
    {"kinds", PARAM_LIST, 1,
     "sanitizers: \"address\", \"undefined\", \"leak\", \"thread\""},
    {"tests", PARAM_FILE, 0,
     "the cmocka test file (default: the exercise's tests check)"},
    {NULL, 0, 0, NULL},
};

static const char *const known[] = {"address", "undefined", "leak", "thread",
				    NULL};

/* The test file: this check's own, or the exercise's `tests` check's. */
static const char *test_file(struct check_ctx *ctx,
			     const struct check_spec *spec)
{
	const char *f = check_param_str(spec, "tests", NULL);

	if (f)
		return f;
	for (size_t i = 0; i < ctx->ex->nchecks; i++)
		if (!strcmp(ctx->ex->checks[i].kind, "tests"))
			return check_param_str(&ctx->ex->checks[i], "file",
					       NULL);
	return NULL;
}

static int run_one(struct check_ctx *ctx, const struct check_spec *spec,
		   const char *list, struct check_result *out, struct err *e)
{
	struct testrun_opts o = {
	    .test_file = test_file(ctx, spec),
	    .sanitize = list,
	    .timeout_ms = spec->timeout_ms ? spec->timeout_ms : 30000,
	};

	return testrun(ctx, &o, out, e);
}

/* "Location is global 'total' of size 8 at ...", "Location is heap block
 * of size 16 ...": what the racing accesses touched, as a short phrase. */
static void race_location(const char *text, char *out, size_t n)
{
	const char *p = text ? strstr(text, "Location is global '") : NULL;

	out[0] = '\0';
	if (p) {
		p += strlen("Location is global '");
		size_t len = strcspn(p, "'\n");
		/* "<null>": TSan could not name it (a stack object seen
		 * through another mapping); say nothing rather than that. */
		if (len > 0 && len < 64 && strncmp(p, "<null>", len))
			snprintf(out, n, " on '%.*s'", (int)len, p);
	} else if (text && strstr(text, "Location is heap block")) {
		snprintf(out, n, " on a heap block");
	} else if (text && strstr(text, "Location is stack of")) {
		snprintf(out, n, " on a local variable");
	}
}

/* A race fails with both accesses named: "data race on 'total': write at
 * sum.c:66 (thread T1) and read at sum.c:66 (thread T2) in test x". */
static void name_race(struct check_result *out)
{
	const struct diag *d = NULL;
	const char *test;
	char where[80], *msg;

	for (size_t i = 0; i < out->diags.n && !d; i++)
		if (out->diags.v[i].option &&
		    !strcmp(out->diags.v[i].option, "data race") &&
		    out->diags.v[i].message)
			d = &out->diags.v[i];
	if (out->status != VS_FAIL || !d || strncmp(d->message, "data race", 9))
		return;
	race_location(out->output, where, sizeof(where));
	test = out->message ? strstr(out->message, " in test ") : NULL;
	msg = xasprintf("data race%s%s%s", where, d->message + 9,
			test ? test : "");
	check_set_message(out, "%s", msg);
	free(msg);
}

/* The thread build, run with address-space randomisation off. */
static int run_thread(struct check_ctx *ctx, const struct check_spec *spec,
		      struct check_result *out, struct err *e)
{
	int old = personality(0xffffffff);
	int rc;

	if (old != -1)
		personality((unsigned long)old | ADDR_NO_RANDOMIZE);
	rc = run_one(ctx, spec, "thread", out, e);
	if (old != -1)
		personality((unsigned long)old);
	if (rc == 0)
		name_race(out);
	return rc;
}

static int run(struct check_ctx *ctx, const struct check_spec *spec,
	       struct check_result *out, struct err *e)
{
	size_t n;
	char **kinds = check_param_list(spec, "kinds", &n);
	int want[4] = {0}; /* indexes into known[] */
	char list[64] = "";

	if (!test_file(ctx, spec))
		return err_set(e, "sanitize needs a tests check or a tests = "
				  "\"x_test.c\" field (a lesson bug)");
	for (size_t i = 0; i < n; i++) {
		size_t k = 0;
		while (known[k] && strcmp(kinds[i], known[k]))
			k++;
		if (!known[k])
			return err_set(e,
				       "unknown sanitizer '%s' (known: "
				       "address, undefined, leak, thread)",
				       kinds[i]);
		want[k] = 1;
	}
	/* One build for address, undefined and leak (LeakSanitizer is part
	 * of AddressSanitizer); thread needs a build of its own. */
	for (size_t k = 0; k < 3; k++)
		if (want[k] && !(k == 2 && want[0]))
			snprintf(list + strlen(list), sizeof(list) - strlen(list),
				 "%s%s", list[0] ? "," : "", known[k]);
	if (list[0] && run_one(ctx, spec, list, out, e) < 0)
		return -1;
	if (want[3] && (!list[0] || out->status == VS_PASS)) {
		/* The same tests again: keep one list of them. */
		check_clear_subtests(out);
		if (run_thread(ctx, spec, out, e) < 0)
			return -1;
	}
	if (out->status == VS_PASS)
		check_set_message(
		    out, "no finding from %s%s%s", list,
		    list[0] && want[3] ? " or " : "", want[3] ? "thread" : "");
	return 0;
}

const struct check_kind check_sanitize = {
    .name = "sanitize",
    /* The test stage: its findings explain a crashing test. */
    .stage = STAGE_TEST,
    .positional = "kinds",
    .fields = fields,
    .summary = "the tests pass again under the named sanitizers",
    .run = run,
};
