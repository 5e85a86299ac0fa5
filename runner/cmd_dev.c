/*
 * workbook dev check [-j N] [EX...]: for lesson authors.  Every lesson
 * loads; every exercise's starter fails and its solution passes.  Output is
 * one TAP-style line per exercise ("ok - memory/overflow: ..."), so `make
 * test` and CI read it as they are.
 *
 * The checks of different exercises run on worker threads (the engine is
 * thread-safe); lesson callbacks run afterwards on this thread, since the
 * Lua state is not.
 */
#include "cmd.h"

#include <getopt.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "check.h"
#include "report.h"
#include "sandbox.h"
#include "script.h"
#include "tui/tui.h"
#include "util/err.h"
#include "util/path.h"
#include "util/xalloc.h"

#define USAGE "dev check [-j N] [--verbose] [--no-sandbox] [EX...] | dev book | dev keys"

struct job {
	const struct exercise *ex;
	char *starter;   /* the pristine starter */
	struct exercise_result starter_x, solution_x;
	char error[ERR_MAX];
};

struct pool {
	struct app *app;
	struct job *jobs;
	size_t n, next;
	pthread_mutex_t lock;
	struct check_options opts;
};

static void run_job(struct pool *p, struct job *j)
{
	struct err e;
	char *dir = xasprintf("%s/dev/%s", p->app->ws.build_dir, j->ex->name);
	char *sdir = path_join(dir, "starter");
	char *odir = path_join(dir, "solution");

	j->starter_x.name = xstrdup(j->ex->name);
	j->solution_x.name = xstrdup(j->ex->name);
	if (!j->starter) {
		snprintf(j->error, sizeof(j->error), "no starter file '%s'",
			 j->ex->file);
	} else if (!path_exists(j->ex->solution)) {
		snprintf(j->error, sizeof(j->error), "no solution file '%s'",
			 j->ex->solution);
	} else if (check_run_exercise(&p->app->course, j->ex, j->starter, sdir,
				      &p->app->build, &p->opts, &j->starter_x,
				      &e) < 0 ||
		   check_run_exercise(&p->app->course, j->ex, j->ex->solution,
				      odir, &p->app->build, &p->opts,
				      &j->solution_x, &e) < 0) {
		snprintf(j->error, sizeof(j->error), "%s", e.msg);
	}
	free(sdir);
	free(odir);
	free(dir);
}

static void *worker(void *arg)
{
	struct pool *p = arg;

	for (;;) {
		pthread_mutex_lock(&p->lock);
		size_t i = p->next++;
		pthread_mutex_unlock(&p->lock);
		if (i >= p->n)
			return NULL;
		run_job(p, &p->jobs[i]);
	}
}

/* The first check that failed, for the one-line summary. */
static const struct check_result *first_failure(const struct exercise_result *x)
{
	for (size_t i = 0; i < x->nchecks; i++)
		if (x->checks[i].status == VS_FAIL ||
		    x->checks[i].status == VS_ERROR)
			return &x->checks[i];
	return NULL;
}

static int report_job(struct app *a, struct job *j, int verbose)
{
	struct report_opts ro = {.color = 0, .verbose = 1};
	struct run_result one;
	const struct check_result *f = first_failure(&j->starter_x);
	int ok = 1;
	char why[512] = "";

	if (j->error[0]) {
		printf("not ok - %s: %s\n", j->ex->name, j->error);
		return 0;
	}
	/* Run the lesson's callbacks once each way: they must not raise. */
	script_on_result(a->script, j->ex, &j->starter_x);
	script_on_result(a->script, j->ex, &j->solution_x);
	if (j->starter_x.status == VS_PASS) {
		ok = 0;
		snprintf(why, sizeof(why), "the starter passes every check");
	} else if (j->starter_x.status == VS_ERROR) {
		ok = 0;
		snprintf(why, sizeof(why), "the starter run failed: %s",
			 j->starter_x.message ? j->starter_x.message : "?");
	} else if (j->solution_x.status != VS_PASS) {
		ok = 0;
		snprintf(why, sizeof(why), "the solution fails: %s",
			 j->solution_x.message ? j->solution_x.message : "?");
	} else if (j->starter_x.feedback_error || j->solution_x.feedback_error) {
		ok = 0;
		snprintf(why, sizeof(why), "on_result raised: %s",
			 j->starter_x.feedback_error ? j->starter_x.feedback_error
						     : j->solution_x.feedback_error);
	}
	if (ok) {
		size_t skipped = 0;
		for (size_t i = 0; i < j->solution_x.nchecks; i++)
			skipped += j->solution_x.checks[i].status == VS_SKIP;
		printf("ok - %s: starter fails at %s (%s); solution passes %zu check%s%s\n",
		       j->ex->name, f ? f->name : "?",
		       f && f->message ? f->message : "",
		       j->solution_x.nchecks - skipped,
		       j->solution_x.nchecks - skipped == 1 ? "" : "s",
		       skipped ? " (some skipped: see doctor)" : "");
	} else {
		printf("not ok - %s: %s\n", j->ex->name, why);
	}
	if (!ok || verbose) {
		run_result_init(&one);
		one.exercises = j->solution_x.status != VS_PASS ? &j->solution_x
								: &j->starter_x;
		one.n = 1;
		fflush(stdout);
		printf("# %s with the %s:\n", j->ex->name,
		       one.exercises == &j->starter_x ? "starter" : "solution");
		report_text_write(stdout, &one, &ro);
		one.exercises = NULL;
		one.n = 0;
	}
	return ok;
}

static int dev_check(struct app *a, char **names, int nnames, int jobs,
		     int verbose, struct sandbox *sb)
{
	struct pool p = {.app = a};
	size_t max = course_count_exercises(&a->course);
	int failed = 0, total = 0;

	p.jobs = xcalloc(max + 1, sizeof(*p.jobs));
	p.opts.quick = 1;
	p.opts.jobs = jobs;
	p.opts.sandbox = sb;
	a->build.sandbox = sb;
	for (size_t i = 0; i < a->course.nsections; i++) {
		const struct section *s = &a->course.sections[i];
		if (s->error && nnames == 0) {
			printf("not ok - lesson %s: %s\n", s->id, s->error);
			failed++;
			total++;
		}
		for (size_t k = 0; k < s->nexercises; k++) {
			const struct exercise *ex = &s->exercises[k];
			int want = nnames == 0;
			for (int m = 0; m < nnames; m++)
				want |= !strcmp(names[m], ex->name) ||
					!strcmp(names[m], s->id);
			if (!want)
				continue;
			p.jobs[p.n].ex = ex;
			p.jobs[p.n].starter = app_starter_path(a, ex);
			if (!p.jobs[p.n].starter) {
				char *w = workspace_path(&a->ws, ex->file);
				if (path_exists(w))
					p.jobs[p.n].starter = w;
				else
					free(w);
			}
			p.n++;
		}
	}
	if (nnames && p.n == 0) {
		fprintf(stderr, "workbook: no exercise matches\n");
		free(p.jobs);
		return 2;
	}
	struct err e;
	if (workspace_prepare(&a->ws, &e) < 0) {
		fprintf(stderr, "workbook: %s\n", e.msg);
		free(p.jobs);
		return 2;
	}
	pthread_mutex_init(&p.lock, NULL);
	pthread_t *threads = xcalloc((size_t)jobs, sizeof(*threads));
	int started = 0;
	for (int t = 0; t < jobs; t++)
		if (pthread_create(&threads[t], NULL, worker, &p) == 0)
			started++;
	if (started == 0)
		worker(&p);
	for (int t = 0; t < started; t++)
		pthread_join(threads[t], NULL);
	free(threads);
	pthread_mutex_destroy(&p.lock);
	for (size_t i = 0; i < p.n; i++) {
		total++;
		if (!report_job(a, &p.jobs[i], verbose))
			failed++;
		exercise_result_release(&p.jobs[i].starter_x);
		exercise_result_release(&p.jobs[i].solution_x);
		free(p.jobs[i].starter);
	}
	free(p.jobs);
	printf("1..%d\n# dev check: %d of %d ok\n", total, total - failed,
	       total);
	return failed ? 1 : 0;
}

int cmd_dev(int argc, char **argv)
{
	static const struct option opts[] = {
		{"jobs", required_argument, NULL, 'j'},
		{"verbose", no_argument, NULL, 'v'},
		{"no-sandbox", no_argument, NULL, 'S'},
		{NULL, 0, NULL, 0},
	};
	int jobs = (int)sysconf(_SC_NPROCESSORS_ONLN), verbose = 0, c, rc;
	int use_sandbox = 1;
	struct sandbox *sb = NULL;
	struct app a;

	if (argc == 2 && !strcmp(argv[1], "keys")) {
		tui_keys_markdown(stdout);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "book")) {
		if (app_open(&a) < 0)
			return 2;
		rc = cmd_dev_book(&a, stdout);
		app_close(&a);
		return rc;
	}
	if (argc < 2 || strcmp(argv[1], "check"))
		return cmd_usage(USAGE);
	argc--;
	argv++;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+j:v", opts, NULL)) != -1) {
		if (c == 'j') {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*end || v < 1 || v > 64)
				return cmd_usage(USAGE);
			jobs = (int)v;
		} else if (c == 'v') {
			verbose = 1;
		} else if (c == 'S') {
			use_sandbox = 0;
		} else {
			return cmd_usage(USAGE);
		}
	}
	if (jobs < 1)
		jobs = 1;
	if (app_open(&a) < 0)
		return 2;
	/* The same sandbox grading uses, so a lesson that cannot run in it
	 * shows up here first. */
	if (use_sandbox) {
		struct err e;
		sb = sandbox_new(NULL, &e);
		if (sb)
			printf("# sandbox: %s\n", sandbox_layers(sb));
		else
			printf("# no sandbox here (%s): practice runs\n", e.msg);
	}
	rc = dev_check(&a, argv + optind, argc - optind, jobs, verbose, sb);
	a.build.sandbox = NULL;
	sandbox_free(sb);
	app_close(&a);
	return rc;
}
