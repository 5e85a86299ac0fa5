#define _GNU_SOURCE
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "build.h"
#include "exec.h"
#include "util/err.h"
#include "util/path.h"
#include "util/xalloc.h"

/* Every check kind.  Adding one is a file in checks/ and a line here. */
static const struct check_kind *const kinds[] = {
	&check_compiles,
	&check_tests,
	&check_io,
	&check_sanitize,
	&check_startup,
	&check_throughput,
	&check_size,
	&check_freestanding,
	&check_speedup,
	&check_forbid,
	&check_fuzz,
	&check_wasm,
	&check_luamod,
	&check_pyext,
};

#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))
#define DEFAULT_RUN_TIMEOUT_MS 10000

const struct check_kind *const *check_kinds(size_t *n)
{
	*n = NKINDS;
	return kinds;
}

const struct check_kind *check_kind_find(const char *name)
{
	for (size_t i = 0; i < NKINDS; i++)
		if (!strcmp(kinds[i]->name, name))
			return kinds[i];
	return NULL;
}

const char *check_stage_name(enum check_stage s)
{
	switch (s) {
	case STAGE_COMPILE:
		return "compile";
	case STAGE_TEST:
		return "test";
	case STAGE_VERIFY:
		return "verify";
	}
	return "?";
}

char *const *check_child_env(void)
{
	static char path[] = "PATH=/usr/local/bin:/usr/bin:/bin";
	static char home[] = "HOME=/tmp";
	static char lang[] = "LANG=C.UTF-8";
	static char lc_all[] = "LC_ALL=C.UTF-8";
	static char tmpdir[] = "TMPDIR=/tmp";
	static char cmocka[] = "CMOCKA_MESSAGE_OUTPUT=STDOUT";
	static char asan[] =
		"ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1:"
		"exitcode=86:allocator_may_return_null=1:color=never";
	static char ubsan[] = "UBSAN_OPTIONS=print_stacktrace=1:"
			      "halt_on_error=1:exitcode=87:color=never";
	static char lsan[] = "LSAN_OPTIONS=exitcode=88:color=never";
	static char tsan[] = "TSAN_OPTIONS=halt_on_error=0:exitcode=89:"
			     "color=never:second_deadlock_stack=1";
	static char *env[] = {path,   home, lang, lc_all, tmpdir, cmocka,
			      asan,   ubsan, lsan, tsan,  NULL};
	return env;
}

#define BINDS_MAX 15

struct binds {
	char *v[BINDS_MAX];
	size_t n;
};

/*
 * Every path below `root` that `s` names (a command-line argument, or an
 * environment value such as "LUA_CPATH=/cache/x/?.so;..."), to be bound
 * into the box: the file itself, or the folder of a pattern holding '?'.
 */
static void bind_named(struct binds *b, const char *s, const char *root)
{
	size_t rl = root ? strlen(root) : 0;

	for (const char *p = s; rl && (p = strstr(p, root)); p += rl) {
		if (p[rl] != '/' && p[rl] != '\0')
			continue;
		size_t n = strcspn(p, ";: ");
		char *path = xstrndup(p, n);
		char *q = strchr(path, '?');
		if (q) {
			char *dir;
			*q = '\0';
			dir = path_dirname(path);
			free(path);
			path = dir;
		}
		int dup = 0;
		for (size_t i = 0; i < b->n && !dup; i++)
			dup = !strcmp(b->v[i], path);
		if (dup || b->n == BINDS_MAX || !path_exists(path))
			free(path);
		else
			b->v[b->n++] = path;
	}
}

int check_exec(struct check_ctx *ctx, struct proc_opts *po,
	       struct proc_result *pr, struct err *e)
{
	if (!po->timeout_ms)
		po->timeout_ms = DEFAULT_RUN_TIMEOUT_MS;
	if (!po->env)
		po->env = check_child_env();
	if (!po->cwd)
		po->cwd = ctx->workdir;
	if (!po->cpu_seconds)
		po->cpu_seconds = (po->timeout_ms + 999) / 1000 + 1;
	if (!po->fsize_max)
		po->fsize_max = 64LL << 20;
	if (!po->nofile_max)
		po->nofile_max = 256;
	if (ctx->opts) {
		po->cancel = ctx->opts->cancel;
		po->cancel_arg = ctx->opts->cancel_arg;
	}
	if (!ctx->opts || !ctx->opts->sandbox)
		return exec_run(NULL, ctx->workdir, NULL, po, pr, e);
	/* A grading run sees its build folder (read-write) and, read-only,
	 * only the files of the cache and of the lesson that its command
	 * names: not the rest of the cache (other students' programs), not
	 * the lesson's other files (hidden tests), not solutions/. */
	struct binds b = {0};
	const char *roots[] = {ctx->build->cache_dir,
			       ctx->ex->section ? ctx->ex->section->dir : NULL};
	for (size_t i = 0; po->argv[i]; i++)
		for (size_t r = 0; r < 2; r++)
			bind_named(&b, po->argv[i], roots[r]);
	for (size_t i = 0; po->env && po->env[i]; i++)
		for (size_t r = 0; r < 2; r++)
			bind_named(&b, strchr(po->env[i], '=') ? strchr(po->env[i], '=') + 1
							      : po->env[i],
				   roots[r]);
	const char *list[BINDS_MAX + 1];
	for (size_t i = 0; i < b.n; i++)
		list[i] = b.v[i];
	list[b.n] = NULL;
	int rc = exec_run(ctx->opts->sandbox, ctx->workdir, list, po, pr, e);
	for (size_t i = 0; i < b.n; i++)
		free(b.v[i]);
	return rc;
}

/* The exercise's score from its checks. */
static void score(const struct exercise *ex, struct exercise_result *x)
{
	double total = 0, got = 0;

	x->max_score = ex->points;
	for (size_t i = 0; i < ex->nchecks; i++)
		total += ex->checks[i].points;
	if (total <= 0) {
		x->score = x->status == VS_PASS ? ex->points : 0;
		return;
	}
	/* Partial credit: each check's share of the exercise's points. */
	for (size_t i = 0; i < x->nchecks; i++) {
		struct check_result *c = &x->checks[i];
		c->max_points = ex->checks[i].points * ex->points / total;
		c->points = c->status == VS_PASS ? c->max_points : 0;
		got += c->points;
	}
	x->score = got;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * The exercise's status: a failing or broken check fails it; a required
 * check that could not run here (its tool is missing) leaves it unproven
 * (skip, never pass); otherwise it passes.
 */
static void summarise(struct exercise_result *x)
{
	size_t pass = 0, fail = 0, err = 0, skip = 0, held = 0;
	const struct check_result *first_bad = NULL, *first_held = NULL;

	for (size_t i = 0; i < x->nchecks; i++) {
		switch (x->checks[i].status) {
		case VS_PASS:
			pass++;
			break;
		case VS_FAIL:
			fail++;
			break;
		case VS_ERROR:
			err++;
			break;
		case VS_SKIP:
			skip++;
			if (!x->checks[i].optional) {
				held++;
				if (!first_held)
					first_held = &x->checks[i];
			}
			break;
		}
		if (!first_bad && (x->checks[i].status == VS_FAIL ||
				   x->checks[i].status == VS_ERROR))
			first_bad = &x->checks[i];
	}
	free(x->message);
	free(x->stage);
	x->stage = NULL;
	if (err) {
		x->status = VS_ERROR;
	} else if (fail) {
		x->status = VS_FAIL;
	} else if (pass && !held) {
		x->status = VS_PASS;
	} else {
		x->status = VS_SKIP;
	}
	if (first_bad) {
		x->stage = xstrdup(first_bad->stage);
		x->message = xasprintf("%s failed: %s", first_bad->name,
				       first_bad->message ? first_bad->message
							  : "see below");
	} else if (x->status == VS_PASS) {
		x->message = skip ? xasprintf("all %zu checks passed (%zu skipped)",
					      pass, skip)
				  : xasprintf("all %zu checks passed", pass);
	} else if (first_held) {
		x->message = xasprintf("not proven here: %s could not run (%s)",
				       first_held->name,
				       first_held->message ? first_held->message
							   : "skipped");
	} else {
		x->message = xstrdup("no check could run here");
	}
}

static int run_stage(struct check_ctx *ctx, enum check_stage stage,
		     struct exercise_result *x, size_t *index, int blocked,
		     struct err *e)
{
	const struct exercise *ex = ctx->ex;
	int failed = 0;

	for (size_t i = 0; i < ex->nchecks; i++) {
		const struct check_spec *spec = &ex->checks[i];
		const struct check_kind *k = check_kind_find(spec->kind);
		if (!k || k->stage != stage)
			continue;
		struct check_result *c = &x->checks[index[i]];
		if (blocked) {
			check_set_skip(c, NULL, "not run: an earlier stage failed");
			continue;
		}
		if (ctx->opts && ctx->opts->progress)
			ctx->opts->progress(ctx->opts->progress_arg, c, 0);
		double t0 = now();
		if (k->run(ctx, spec, c, e) < 0) {
			c->status = VS_ERROR;
			check_set_message(c, "%s", e->msg);
			err_clear(e);
		}
		c->seconds = now() - t0;
		check_relabel(ctx, c);
		if (c->status == VS_FAIL || c->status == VS_ERROR)
			failed = 1;
		if (ctx->opts && ctx->opts->progress)
			ctx->opts->progress(ctx->opts->progress_arg, c, 1);
	}
	return failed;
}

int check_run_exercise(const struct course *course, const struct exercise *ex,
		       const char *source, const char *workdir,
		       struct build *b, const struct check_options *o,
		       struct exercise_result *x, struct err *e)
{
	struct check_ctx ctx = {
		.course = course,
		.ex = ex,
		.source = source,
		.workdir = workdir,
		.build = b,
		.opts = o,
	};
	static const struct check_options defaults;
	size_t *index = xcalloc(ex->nchecks + 1, sizeof(*index));
	double t0 = now();
	int blocked = 0;

	if (!ctx.opts)
		ctx.opts = &defaults;
	if (path_mkdirs(workdir, e) < 0) {
		free(index);
		return -1;
	}
	/* Results appear in the order the lesson lists the checks. */
	for (size_t i = 0; i < ex->nchecks; i++) {
		const struct check_spec *spec = &ex->checks[i];
		const struct check_kind *k = check_kind_find(spec->kind);
		struct check_result *c = exercise_add_check(
			x, spec->name, spec->kind,
			check_stage_name(k ? k->stage : STAGE_VERIFY));
		c->hidden = spec->hidden;
		c->optional = spec->optional;
		index[i] = x->nchecks - 1;
	}
	for (enum check_stage s = STAGE_COMPILE; s <= STAGE_VERIFY; s++)
		if (run_stage(&ctx, s, x, index, blocked, e))
			blocked = 1;
	summarise(x);
	score(ex, x);
	x->seconds = now() - t0;
	free(ctx.learner_obj);
	free(index);
	return 0;
}

void check_take_build(struct check_result *c, const struct build_result *r)
{
	for (size_t i = 0; i < r->diags.n; i++) {
		const struct diag *d = &r->diags.v[i];
		diag_list_add(&c->diags, d->tool, d->severity, d->file, d->line,
			      d->column, d->option, d->message, d->function);
	}
	if (r->log.len)
		check_set_output(c, r->log.data, r->log.len, r->log.truncated);
}

char *check_learner_object(struct check_ctx *ctx, const char *sanitize,
			   struct check_result *out, struct err *e)
{
	const char *src[] = {ctx->source, NULL};
	struct build_job j = {
		.sources = src,
		.std = "c11",
		.warnings = 1,
		.sanitize = sanitize,
		/* Under sanitizers, -O0: the optimiser may delete the very
		 * store that overflows. */
		.opt = sanitize ? "-O0 -g" : "-O1 -g",
	};
	struct build_result r;
	char *obj;

	if (!sanitize && ctx->learner_obj)
		return xstrdup(ctx->learner_obj);
	e->msg[0] = '\0';
	obj = build_cached_object(ctx->build, &j, &r, e);
	if (!obj && !e->msg[0]) {
		out->status = VS_FAIL;
		check_take_build(out, &r);
		check_set_message(out, "the file does not compile");
	}
	build_result_release(&r);
	if (obj && !sanitize)
		ctx->learner_obj = xstrdup(obj);
	return obj;
}

const char *check_shown_name(const struct check_ctx *ctx)
{
	const char *src = ctx->source;
	size_t ls = strlen(src), lf = strlen(ctx->ex->file);
	size_t lr = strlen(ctx->course->root);

	if (ls > lf && src[ls - lf - 1] == '/' &&
	    !strcmp(src + ls - lf, ctx->ex->file))
		return ctx->ex->file;
	if (ls > lr && !strncmp(src, ctx->course->root, lr) && src[lr] == '/')
		return src + lr + 1;
	return src;
}

void check_relabel(const struct check_ctx *ctx, struct check_result *c)
{
	const char *shown = check_shown_name(ctx);

	if (shown == ctx->source)
		return;
	for (size_t i = 0; i < c->diags.n; i++) {
		struct diag *d = &c->diags.v[i];
		if (d->file && !strcmp(d->file, ctx->source)) {
			free(d->file);
			d->file = xstrdup(shown);
		}
	}
}
