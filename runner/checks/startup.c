/*
 * startup { max_ms = 5, args = { "x", "/dev/null" }, exit = 1 }
 *
 * How long the learner's program takes from exec to exit when it has
 * (almost) nothing to do: the median over many runs must stay at or under
 * max_ms.  Beside it, in the same interleaved rounds, the check times
 * `/usr/bin/python3 -c pass` (the interpreter starting and doing nothing)
 * so the learner sees both figures measured on the same machine at the
 * same moment.  The Python figure is shown, never judged.
 *
 * The runs are timed in the box (measure_in_box() in measure.h): a small
 * timer program, built once, runs through check_exec() and forks and execs
 * each command itself, reading the clock around it.  In a grading run the
 * timer runs in the sandbox with the programs it times, so a figure never
 * includes what it costs to set a sandbox up, which is several times a
 * C program's whole start-up.
 *
 * The runs are taken in batches; a batch's figure is its median.  When a
 * batch misses max_ms, the check measures another batch before it says
 * fail, and the best batch counts: a busy moment can spoil one batch, not
 * the program's start-up time.  When even the best batch misses it on
 * the clock while python3 -c pass (which never waits for anything) spent
 * far longer on the clock than on the processor, the machine is busy and
 * the clock measures the queue for the processor: the program's own
 * processor time is judged instead, and the message says so.
 */
#define _GNU_SOURCE
#include "check.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build.h"
#include "measure.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/path.h"
#include "util/xalloc.h"

static const struct check_field fields[] = {
    {"max_ms", PARAM_NUM, 1,
     "the median start-up time must be at most this many milliseconds"},
    {"args", PARAM_LIST, 0, "arguments for every run (default: none)"},
    {"stdin", PARAM_STR, 0, "bytes on standard input (default: none)"},
    {"exit", PARAM_INT, 0, "the exit status of a good run (default 0)"},
    {"runs", PARAM_INT, 0, "runs per batch (default 41; 15 in quick mode)"},
    {"compare", PARAM_BOOL, 0,
     "also time /usr/bin/python3 -c pass (default true)"},
    {NULL, 0, 0, NULL},
};

#define PYTHON	     "/usr/bin/python3"
#define DEFAULT_RUNS 41
#define QUICK_RUNS   15
#define MAX_RUNS     81
#define MAX_BATCHES  3
#define RUN_LIMIT_S  5
/* A first run this many times over the budget: short batches, since the
 * verdict is not in doubt and the learner should not wait for it. */
#define SLOW_FACTOR 20
#define SLOW_RUNS   5
/* python3 -c pass taking this many times its processor time on the
 * clock: the machine is busy (see busy()). */
#define BUSY_RATIO 1.5

/* dev check runs exercises on several threads: measurements of this kind
 * take turns, so two of them never share the cores. */
static pthread_mutex_t measuring = PTHREAD_MUTEX_INITIALIZER;

_Static_assert((MAX_RUNS) * (MAX_BATCHES) <= MEASURE_MAX_SAMPLES,
	       "measure_series keeps every run of every batch");

/* --- the check ---------------------------------------------------------- */

/* The learner's program, linked as io links it (the same cache entry). */
static char *learner_program(struct check_ctx *ctx, struct check_result *out,
			     struct err *e)
{
	char *obj = check_learner_object(ctx, NULL, out, e);
	struct build_result r;
	char *exe;

	if (!obj)
		return NULL;
	const char *srcs[] = {obj, NULL};
	struct build_job j = {.sources = srcs, .link = 1, .opt = "-g"};
	e->msg[0] = '\0';
	exe = build_cached_object(ctx->build, &j, &r, e);
	free(obj);
	if (!exe && !e->msg[0]) {
		out->status = VS_FAIL;
		check_take_build(out, &r);
		check_set_message(
		    out, "the program does not link (is main missing?)");
	}
	build_result_release(&r);
	return exe;
}

/* One batch's figures for one command, in seconds. */
struct figures {
	double wall, best, cpu; /* medians, and the fastest run */
};

struct batch {
	struct figures mine, python;
	size_t runs;
};

struct plan {
	struct measure_series cmd[2]; /* [0] the learner's, [1] python3 */
	size_t ncmd;
	struct batch batch[MAX_BATCHES];
	size_t nbatch, best; /* best: the batch that counts */
	double max_s;
	int limit;
	const char *timer;
};

static void figures_of(const struct measure_series *c, size_t from,
		       struct figures *f)
{
	f->wall = measure_median(c->wall + from, c->n - from, &f->best);
	f->cpu = measure_median(c->cpu + from, c->n - from, NULL);
}

/* Close the batch that began at these sample indexes. */
static void close_batch(struct plan *p, size_t from, size_t pfrom)
{
	struct batch *b = &p->batch[p->nbatch];

	b->runs = p->cmd[0].n - from;
	figures_of(&p->cmd[0], from, &b->mine);
	if (p->ncmd > 1)
		figures_of(&p->cmd[1], pfrom, &b->python);
	if (p->nbatch == 0 || b->mine.wall < p->batch[p->best].mine.wall)
		p->best = p->nbatch;
	p->nbatch++;
}

/* Measured twice, and the program's own work alone is over the budget:
 * no quieter moment can bring it under. */
static int hopeless(const struct plan *p)
{
	return p->nbatch >= 2 && p->batch[p->best].mine.cpu > p->max_s;
}

/*
 * Batches of `runs` rounds until one meets the budget or MAX_BATCHES were
 * taken.  A single round comes first: a program far over the budget gets
 * short batches.  Returns 0, 1 (out says what went wrong) or -1.
 */
static int measure(struct check_ctx *ctx, struct plan *p, int runs,
		   struct check_result *out, struct err *e)
{
	int rc = measure_in_box(ctx, p->timer, p->cmd, p->ncmd, 1, 1, p->limit,
				out, e);

	if (rc == 0 && p->cmd[0].wall[0] > SLOW_FACTOR * p->max_s &&
	    runs > SLOW_RUNS)
		runs = SLOW_RUNS;
	if (rc == 0)
		rc = measure_in_box(ctx, p->timer, p->cmd, p->ncmd, runs - 1, 0,
				    p->limit, out, e);
	if (rc == 0)
		close_batch(p, 0, 0);
	while (rc == 0 && p->batch[p->best].mine.wall > p->max_s &&
	       p->nbatch < MAX_BATCHES && !hopeless(p)) {
		size_t from = p->cmd[0].n,
		       pfrom = p->ncmd > 1 ? p->cmd[1].n : 0;
		rc = measure_in_box(ctx, p->timer, p->cmd, p->ncmd, runs, 0,
				    p->limit, out, e);
		if (rc == 0)
			close_batch(p, from, pfrom);
	}
	if (rc == 1 && !p->cmd[0].failed) /* python3 failed: our problem */
		rc = err_set(e, "%s",
			     out->message ? out->message : "python3 failed");
	return rc;
}

static void put_row(struct buf *b, const char *label, const struct figures *f,
		    size_t runs)
{
	buf_printf(b,
		   "  %-22s median %7.2f ms  best %7.2f ms  cpu %7.2f ms  "
		   "(%zu runs)\n",
		   label, f->wall * 1e3, f->best * 1e3, f->cpu * 1e3, runs);
}

/* The machine is busy when python3 -c pass, which never waits for
 * anything, spent much longer on the clock than on the processor. */
static int busy(const struct plan *p, const struct batch *b)
{
	return p->ncmd > 1 && b->python.cpu > 0 &&
	       b->python.wall > BUSY_RATIO * b->python.cpu;
}

/* The figures, the table and the verdict. */
/* The per-batch table, into t. */
static void table(const struct plan *p, const char *name, int python_missing,
		  struct buf *t)
{
	char label[64];

	snprintf(label, sizeof(label), "yours (%s)", name);
	for (size_t i = 0; i < p->nbatch; i++) {
		const struct batch *x = &p->batch[i];
		if (p->nbatch > 1)
			buf_printf(t, "batch %zu%s:\n", i + 1,
				   i == p->best ? " (counts)" : "");
		put_row(t, label, &x->mine, x->runs);
		if (p->ncmd > 1)
			put_row(t, "python3 -c pass", &x->python, x->runs);
	}
	buf_printf(t, "median: half the runs took longer; cpu: time on the "
		      "processor (user + system)\n");
	if (p->ncmd > 1)
		buf_printf(t, "python3 -c pass starts the interpreter and runs "
			      "nothing: no Python tool starts faster.\n");
	else if (python_missing)
		buf_printf(t, "python3 was not found at " PYTHON
			      ": install the python3 package to see the "
			      "comparison.\n");
}

/*
 * The figures and the verdict.  The message puts both start-up times
 * first, where a narrow screen still shows them:
 *   "starts in 1.12 ms, python3 -c pass in 16.1 ms (14x longer);
 *    medians of 41 runs, needs <= 5 ms"
 */
static void judge(struct plan *p, const char *name, int python_missing,
		  struct check_result *out)
{
	const struct batch *b = &p->batch[p->best];
	double ms = b->mine.wall * 1e3, max_ms = p->max_s * 1e3;
	double py_ms = b->python.wall * 1e3;
	struct buf t;
	char py[160] = "", runs[64];

	buf_init(&t, OUTPUT_EXCERPT_MAX);
	table(p, name, python_missing, &t);
	if (p->ncmd > 1 && b->python.wall > b->mine.wall)
		snprintf(py, sizeof(py),
			 ", python3 -c pass in %.1f ms (%.0fx longer)", py_ms,
			 b->python.wall / b->mine.wall);
	else if (p->ncmd > 1)
		snprintf(py, sizeof(py),
			 ", python3 -c pass in %.1f ms (shorter)", py_ms);
	snprintf(runs, sizeof(runs), "%s of %zu runs%s",
		 p->ncmd > 1 ? "medians" : "median", b->runs,
		 p->nbatch > 1 ? ", best batch" : "");
	check_set_value(out, ms, "<=", max_ms, "ms");
	out->status = ms <= max_ms ? VS_PASS : VS_FAIL;
	if (out->status == VS_FAIL && busy(p, b) && b->mine.cpu <= p->max_s) {
		/* The clock measured the queue for the processor, not the
		 * program: judge what the program itself spent. */
		out->status = VS_PASS;
		check_set_value(out, b->mine.cpu * 1e3, "<=", max_ms, "ms");
		check_set_message(
		    out,
		    "starts in %.2f ms of processor time, "
		    "python3 -c pass in %.1f ms (%.1f and %.1f ms "
		    "on the clock: the machine was busy); %s, "
		    "needs <= %g ms",
		    b->mine.cpu * 1e3, b->python.cpu * 1e3, ms, py_ms, runs,
		    max_ms);
	} else {
		check_set_message(out,
				  "starts in %.2f ms%s; %s, needs <= %g ms%s",
				  ms, py, runs, max_ms,
				  python_missing ? "; no python3 at " PYTHON
						   " for the comparison "
						   "(package python3)"
						 : "");
	}
	check_set_output(out, buf_cstr(&t), t.len, 0);
	buf_release(&t);
}

/* stdin for the runs: a file in the build folder, or "-". */
static char *stdin_file(struct check_ctx *ctx, const char *text, struct err *e)
{
	char *path;

	if (!text)
		return xstrdup("-");
	path = xasprintf("%s/startup-stdin.txt", ctx->workdir);
	if (path_write_file(path, text, strlen(text), 0644, e) < 0) {
		free(path);
		return NULL;
	}
	return path;
}

static int run(struct check_ctx *ctx, const struct check_spec *spec,
	       struct check_result *out, struct err *e)
{
	size_t nargs;
	char **args = check_param_list(spec, "args", &nargs);
	int runs = (int)check_param_int(
	    spec, "runs", ctx->opts->quick ? QUICK_RUNS : DEFAULT_RUNS);
	int compare = check_param_bool(spec, "compare", 1);
	struct plan p = {
	    .max_s = check_param_num(spec, "max_ms", 5) / 1e3,
	    .limit = spec->timeout_ms ? (spec->timeout_ms + 999) / 1000
				      : RUN_LIMIT_S,
	};
	static char py_path[] = PYTHON, py_c[] = "-c", py_pass[] = "pass";
	char *py_argv[] = {py_path, py_c, py_pass, NULL};
	char *exe = NULL, *timer = NULL, *in = NULL, **argv = NULL;
	int python_missing = 0, rc = -1;

	if (ctx->opts->quick && runs > QUICK_RUNS)
		runs = QUICK_RUNS;
	if (runs < 3 || runs > MAX_RUNS)
		return err_set(e,
			       "startup: runs must be 3 to %d (a lesson bug)",
			       MAX_RUNS);
	if (p.max_s <= 0)
		return err_set(
		    e, "startup: max_ms must be above 0 (a lesson bug)");
	exe = learner_program(ctx, out, e);
	if (!exe)
		return e->msg[0] ? -1 : 0;
	timer = measure_timer(ctx, e);
	in = timer ? stdin_file(ctx, check_param_str(spec, "stdin", NULL), e)
		   : NULL;
	if (!in)
		goto out;
	argv = xcalloc(nargs + 2, sizeof(*argv));
	argv[0] = exe;
	for (size_t i = 0; i < nargs; i++)
		argv[i + 1] = args[i];
	p.timer = timer;
	p.cmd[0] = (struct measure_series){
	    .label = "your program",
	    .argv = argv,
	    .in = in,
	    .want = (int)check_param_int(spec, "exit", 0),
	};
	p.ncmd = 1;
	if (compare && path_exists(PYTHON)) {
		p.cmd[1] = (struct measure_series){
		    .label = "python3 -c pass", .argv = py_argv, .in = "-"};
		p.ncmd = 2;
	} else if (compare) {
		python_missing = 1;
	}

	pthread_mutex_lock(&measuring);
	int m = measure(ctx, &p, runs, out, e);
	pthread_mutex_unlock(&measuring);
	if (m == 0)
		judge(&p, path_basename(check_shown_name(ctx)), python_missing,
		      out);
	rc = m < 0 ? -1 : 0;
out:
	if (in && strcmp(in, "-"))
		unlink(in);
	free(in);
	free(argv);
	free(timer);
	free(exe);
	return rc;
}

const struct check_kind check_startup = {
    .name = "startup",
    .stage = STAGE_VERIFY,
    .positional = NULL,
    .fields = fields,
    .summary = "the median start-up time of the program, beside "
	       "python3 -c pass",
    .run = run,
};
