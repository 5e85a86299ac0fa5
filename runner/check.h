/*
 * check: the check pipeline (DESIGN.md, "Check kinds").
 *
 * One table lists the check kinds; each kind lives in checks/<kind>.c and
 * exports one run function.  Checks of an exercise run in stage order
 * (compile, then test, then measure); when a stage has a failing check the
 * later stages are not run (their checks are "skip: not run").  The learner's
 * code failing is a verdict, never an error: check_run_exercise returns -1
 * only for our own failures (cannot create the build folder, ...).
 *
 * Programs run through check_exec(), the one place that chooses between a
 * practice run (proc.c) and the strict sandbox (sandbox.c, grading).
 */
#ifndef WB_CHECK_H
#define WB_CHECK_H

#include <stddef.h>

#include "course.h"
#include "proc.h"
#include "verdict.h"

struct build;
struct err;
struct sandbox;

enum check_stage {
	STAGE_COMPILE,
	STAGE_TEST,
	STAGE_VERIFY, /* sanitizers, measurements, everything after the tests */
};

const char *check_stage_name(enum check_stage s);

/* One field a check kind accepts (besides the common ones: name, hidden,
 * points, timeout). */
struct check_field {
	const char *name;
	enum param_type type;
	int required;
	const char *doc;   /* one line for docs and `dev check` */
};

struct check_ctx;

struct check_kind {
	const char *name;
	enum check_stage stage;
	/* The field a bare argument fills: tests "x_test.c" sets "file",
	 * sanitize { "address" } sets "kinds".  NULL: table form only. */
	const char *positional;
	const struct check_field *fields; /* ends with a {NULL} entry */
	const char *summary;
	/* Run one check; fill `out` (status, message, values).  Return 0, or
	 * -1 with e set for our own failure. */
	int (*run)(struct check_ctx *ctx, const struct check_spec *spec,
		   struct check_result *out, struct err *e);
};

/* The kind called `name`, or NULL. */
const struct check_kind *check_kind_find(const char *name);
/* All kinds, in table order; *n set to their number. */
const struct check_kind *const *check_kinds(size_t *n);

/* The kinds, one per file in checks/ (the table in check.c lists them). */
extern const struct check_kind check_compiles, check_tests, check_io,
	check_sanitize, check_startup, check_throughput, check_size,
	check_freestanding, check_wasm, check_luamod, check_pyext,
	check_speedup, check_forbid, check_fuzz;

/* How a run is done; zero-initialise for defaults. */
struct check_options {
	int quick;           /* dev check / tests: small workloads */
	int jobs;            /* parallel workers the caller runs (measured
				checks re-measure when > 1) */
	struct sandbox *sandbox; /* non-NULL: grading, strict isolation */
	int (*cancel)(void *arg); /* polled while children run */
	void *cancel_arg;
	/* Called when a check starts (done = 0) and ends (done = 1). */
	void (*progress)(void *arg, const struct check_result *c, int done);
	void *progress_arg;
};

/* What one exercise run shares between its checks. */
struct check_ctx {
	const struct course *course;
	const struct exercise *ex;
	const char *source;    /* absolute path of the C file under test */
	const char *workdir;   /* absolute build folder for this run */
	struct build *build;
	const struct check_options *opts;
	char *learner_obj;     /* set by compiles: the object built from source */
};

/*
 * Run every check of `ex` on `source` (the learner's file, or a solution),
 * building in `workdir`.  Fills x (status, stage, score, checks).
 * Returns 0, or -1 with e set when we could not run at all.
 */
int check_run_exercise(const struct course *c, const struct exercise *ex,
		       const char *source, const char *workdir,
		       struct build *b, const struct check_options *o,
		       struct exercise_result *x, struct err *e);

/*
 * Run a program for a check: practice run or sandbox, per ctx->opts.
 * po->timeout_ms of 0 means the default (10 s).  Returns like proc_run.
 */
int check_exec(struct check_ctx *ctx, struct proc_opts *po,
	       struct proc_result *pr, struct err *e);

/*
 * The learner's file compiled to an object (cached by content and flags).
 * sanitize: NULL or a -fsanitize list.  On a compile failure returns NULL
 * with the diagnostics and log in `out` (status VS_FAIL, message set); on
 * our own failure NULL with e set (e->msg non-empty).  The path is
 * allocated.  The plain object (no sanitizer, no cflags) is kept in
 * ctx->learner_obj and reused.
 */
char *check_learner_object(struct check_ctx *ctx, const char *sanitize,
			   struct check_result *out, struct err *e);

/* Copy a compiler's diagnostics and log into a check result. */
struct build_result;
void check_take_build(struct check_result *c, const struct build_result *r);

/* The learner's file as the learner knows it ("exercises/memory/x.c"),
 * for messages; points into ctx's strings. */
const char *check_shown_name(const struct check_ctx *ctx);
/* Rename diagnostics about ctx->source to the shown name. */
void check_relabel(const struct check_ctx *ctx, struct check_result *c);

/* The clean environment children get: PATH, HOME, LANG=C.UTF-8, TMPDIR,
 * and sanitizer options.  Static storage, NULL-terminated. */
char *const *check_child_env(void);

#endif
