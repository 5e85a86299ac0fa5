/*
 * speedup { driver = "sum_bench.c", threads = 2, min = 1.5,
 *           args = { "4000000" }, quick_args = { "600000" } }
 * speedup { driver = "pool_bench.c", baseline = "pool_malloc.c",
 *           label = "malloc/free", min = 2.0 }
 *
 * A measured ratio.  The program timed is the lesson's driver (a main
 * beside lesson.lua) linked with the learner's object, or without a
 * driver the learner's own program.
 *   - thread mode (no baseline): the same program with 1 thread and with
 *     `threads` threads; the thread count is argv[1];
 *   - baseline mode: the driver linked with the lesson's baseline source
 *     (the same functions done the ordinary way) against the driver
 *     linked with the learner's object.
 * Runs are interleaved, best of N, and only program runs are timed, never
 * a compile.  The cost of starting a program (fork, exec, the sandbox when
 * grading) is timed too, with an empty run, and taken off every figure so
 * the ratio is the workload's.  When the ratio misses `min`, the check
 * measures again before it reports a fail.
 *
 * On a busy machine a 2-thread program may not get 2 cores.  So the
 * re-measure also times a reference that is perfectly parallel, sized
 * like the learner's run: a miss fails only when the learner's figure is
 * clearly below the reference's; when it is close, the machine did not
 * offer the parallelism to judge by, and the check is skipped with both
 * figures.
 *
 * `python`: a Python threads script run with the same thread counts
 * (python3 -I SCRIPT THREADS python_args...), timed and shown beside the
 * C figure; it is not judged.  Without python3 that half is skipped and
 * the check says why.
 */
#define _GNU_SOURCE
#include "check.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "build.h"
#include "measure.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/path.h"
#include "util/xalloc.h"

static const struct check_field fields[] = {
    {"min", PARAM_NUM, 1, "the ratio to reach, e.g. 1.5"},
    {"driver", PARAM_FILE, 0,
     "the benchmark's main, beside lesson.lua, linked with the learner's "
     "file (default: the learner's own main)"},
    {"threads", PARAM_INT, 0,
     "thread mode: compare 1 thread with this many (default 2); "
     "passed to the program as argv[1]"},
    {"baseline", PARAM_FILE, 0,
     "baseline mode: a source with the same functions done the ordinary "
     "way, linked with the driver instead of the learner's file"},
    {"label", PARAM_STR, 0,
     "the baseline's name in messages (default \"baseline\")"},
    {"args", PARAM_LIST, 0,
     "arguments for the program (after the thread count)"},
    {"quick_args", PARAM_LIST, 0,
     "arguments in quick mode (dev check, make test); default: args"},
    {"runs", PARAM_INT, 0, "interleaved rounds per measurement (default 5)"},
    {"same_output", PARAM_BOOL, 0,
     "both programs must print the same thing (default true)"},
    {"python", PARAM_FILE, 0,
     "a Python threads script timed with 1 and `threads` threads beside "
     "the C figure (shown, not judged)"},
    {"python_args", PARAM_LIST, 0,
     "arguments for the Python script (after the thread count)"},
    {"quick_python_args", PARAM_LIST, 0,
     "Python arguments in quick mode; default: python_args"},
    {NULL, 0, 0, NULL},
};

#define DEFAULT_RUNS	 5
#define MAX_RUNS	 50
#define REMEASURES	 4     /* at most this many re-measures */
#define REF_SHARE	 0.8   /* below this share of the reference: fail */
#define REF_SHARE_MEDIAN 0.75  /* ... by median times (noisier) */
#define BUDGET_QUICK	 6.0   /* seconds spent re-measuring, quick mode */
#define BUDGET_FULL	 10.0  /* ... and for learners */
#define MIN_WORK	 0.002 /* seconds: less than this is not measurable */
#define RUN_TIMEOUT_MS	 20000
#define PYTHON_RUNS	 5
#define CAL_ITERATIONS	 20000000UL /* the reference's calibration run */

/* The commands of one measurement, in plan.cmd[]. */
enum {
	SLOW,	 /* 1 thread, or the baseline */
	LEARNER, /* N threads, or the learner's */
	EMPTY,	 /* the reference doing nothing: the cost of a start */
	REF1,	 /* the reference, 1 thread */
	REFN,	 /* the reference, N threads */
	NCMDS,
};

/* Measurements in one process take turns: two measured checks run by dev
 * check's workers must not compete for the same cores. */
static pthread_mutex_t measuring = PTHREAD_MUTEX_INITIALIZER;

/* The reference: a perfectly parallel spin, the same total work split
 * over argv[1] threads.  Built once (cached) from this text. */
static const char reference_src[] =
    "#include <pthread.h>\n"
    "#include <stdio.h>\n"
    "#include <stdlib.h>\n"
    "struct part { unsigned long n, x; char pad[64]; };\n"
    "static void *spin(void *arg)\n"
    "{\n"
    "\tstruct part *p = arg;\n"
    "\tunsigned long x = 88172645463325252UL;\n"
    "\tfor (unsigned long i = 0; i < p->n; i++) {\n"
    "\t\tx ^= x << 13;\n"
    "\t\tx ^= x >> 7;\n"
    "\t\tx ^= x << 17;\n"
    "\t}\n"
    "\tp->x = x;\n"
    "\treturn NULL;\n"
    "}\n"
    "int main(int argc, char **argv)\n"
    "{\n"
    "\tint t = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 1;\n"
    "\tunsigned long n = argc > 2 ? strtoul(argv[2], NULL, 10) : 0;\n"
    "\tstruct part p[64];\n"
    "\tpthread_t th[64];\n"
    "\tunsigned long all = 0;\n"
    "\tif (t < 1 || t > 64)\n"
    "\t\treturn 2;\n"
    "\tif (n == 0)\n"
    "\t\treturn 0;\n"
    "\tfor (int i = 0; i < t; i++) {\n"
    "\t\tp[i].n = n / (unsigned long)t;\n"
    "\t\tif (pthread_create(&th[i], NULL, spin, &p[i]))\n"
    "\t\t\treturn 3;\n"
    "\t}\n"
    "\tfor (int i = 0; i < t; i++) {\n"
    "\t\tpthread_join(th[i], NULL);\n"
    "\t\tall ^= p[i].x;\n"
    "\t}\n"
    "\tprintf(\"%lu\\n\", all & 1);\n"
    "\treturn 0;\n"
    "}\n";

struct plan {
	int threads;	   /* thread mode: N; baseline mode: 0 */
	const char *label; /* the baseline's name */
	double min;
	int runs;
	struct measure_cmd cmd[NCMDS];
	int have_ref;	/* REF1 and REFN were measured */
	size_t last;	/* where the last re-measure's samples start */
	char iters[32]; /* the reference's work, argv[2] of REF1 and REFN */
};

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Compile a fixed source (driver, baseline, reference) through the
 * cache; a compile error there is the lesson's bug. */
static char *fixed_object(struct check_ctx *ctx, const char *src,
			  struct check_result *out, struct err *e)
{
	const char *srcs[] = {src, NULL};
	struct build_job j = {.sources = srcs, .opt = "-O1 -g"};
	struct build_result r;
	char *obj;

	e->msg[0] = '\0';
	obj = build_cached_object(ctx->build, &j, &r, e);
	if (!obj && !e->msg[0]) {
		check_take_build(out, &r);
		err_set(e, "'%s' does not compile (a lesson bug)",
			path_basename(src));
	}
	build_result_release(&r);
	return obj;
}

/* Link one or two objects into a program.  A failure is the learner's (a
 * function missing or misnamed) unless `ours`. */
static char *link_program(struct check_ctx *ctx, const char *a, const char *b,
			  int ours, struct check_result *out, struct err *e)
{
	const char *srcs[] = {a, b, NULL};
	static const char *const ld[] = {"-lpthread", "-lm", NULL};
	struct build_job j = {
	    .sources = srcs, .link = 1, .opt = "-g", .ldflags = ld};
	struct build_result r;
	char *exe;

	e->msg[0] = '\0';
	exe = build_cached_object(ctx->build, &j, &r, e);
	if (!exe && !e->msg[0]) {
		check_take_build(out, &r);
		if (ours) {
			err_set(e, "the benchmark does not link with its "
				   "baseline (a lesson bug)");
		} else {
			out->status = VS_FAIL;
			check_set_message(
			    out, b ? "the benchmark does not link with your "
				     "file (is a function missing or misnamed?)"
				   : "your program does not link (is main "
				     "missing?)");
		}
	}
	build_result_release(&r);
	return exe;
}

/* The reference program, written into the cache and built once. */
static char *reference_program(struct check_ctx *ctx, struct check_result *out,
			       struct err *e)
{
	unsigned long long h = build_hash(BUILD_HASH_INIT, reference_src,
					  sizeof(reference_src) - 1);
	char *src =
	    xasprintf("%s/speedup-ref-%016llx.c", ctx->build->cache_dir, h);
	char *obj = NULL, *exe = NULL;

	if (!path_exists(src) &&
	    (path_mkdirs(ctx->build->cache_dir, e) < 0 ||
	     path_write_file(src, reference_src, sizeof(reference_src) - 1,
			     0644, e) < 0))
		goto out;
	obj = fixed_object(ctx, src, out, e);
	if (obj)
		exe = link_program(ctx, obj, NULL, 1, out, e);
out:
	free(src);
	free(obj);
	return exe;
}

static void set_cmd(struct measure_cmd *c, const char *label, char **argv,
		    int threads, int timeout_ms)
{
	memset(c, 0, sizeof(*c));
	c->label = label;
	c->po.argv = argv;
	c->po.timeout_ms = timeout_ms;
	/* RLIMIT_CPU counts the time of every thread. */
	c->po.cpu_seconds =
	    (threads > 0 ? threads : 1) * (timeout_ms / 1000 + 1);
}

/* The best of a command's samples from index `from` on. */
static double best_since(const struct measure_cmd *c, size_t from)
{
	double best = 0;

	for (size_t i = from; i < c->nsamples; i++)
		if (i == from || c->samples[i] < best)
			best = c->samples[i];
	return best;
}

/* The workload's own time: the best run less the cost of a start. */
static double work(const struct plan *p, int i, size_t from)
{
	double t = best_since(&p->cmd[i], from);

	if (p->cmd[EMPTY].nsamples)
		t -= p->cmd[EMPTY].best;
	return t > MIN_WORK ? t : MIN_WORK;
}

/* A ratio over every sample (from 0), or over the last re-measure. */
static double ratio_of(const struct plan *p, int slow, int fast, size_t from)
{
	return work(p, slow, from) / work(p, fast, from);
}

static double learner_ratio(const struct plan *p)
{
	return ratio_of(p, SLOW, LEARNER, 0);
}

static double ref_ratio(const struct plan *p)
{
	return p->have_ref ? ratio_of(p, REF1, REFN, 0) : 0;
}

/* The same ratio from median times: slower to move than the best times
 * on a busy machine, where one lucky window can make a best time. */
static double median_ratio(const struct plan *p, int slow, int fast)
{
	double e = p->cmd[EMPTY].median;
	double a = p->cmd[slow].median - e, b = p->cmd[fast].median - e;

	return (a > MIN_WORK ? a : MIN_WORK) / (b > MIN_WORK ? b : MIN_WORK);
}

/* Is the miss the program's?  Judged against what the machine allowed a
 * perfectly parallel program of the same length at the same time: the
 * program stayed clearly below the reference by best times and by median
 * times, over all samples, and by best times in the last re-measure alone
 * (on a busy machine one lucky window is not evidence).  Without a
 * reference (baseline mode) every miss is real. */
static int miss_is_real(const struct plan *p)
{
	double r = learner_ratio(p), rr = ref_ratio(p);

	if (!p->have_ref)
		return 1;
	if (r >= REF_SHARE * rr)
		return 0;
	if (median_ratio(p, SLOW, LEARNER) >=
	    REF_SHARE_MEDIAN * median_ratio(p, REF1, REFN))
		return 0;
	/* The reference's samples all come from re-measures. */
	double r_last = ratio_of(p, SLOW, LEARNER, p->last);
	double rr_last =
	    ratio_of(p, REF1, REFN,
		     p->cmd[REF1].nsamples - (p->cmd[SLOW].nsamples - p->last));
	return r_last < p->min && r_last < REF_SHARE * rr_last;
}

/* Size the reference like the learner's 1-thread run, so both are
 * equally exposed to a busy moment: one timed run of a known amount of
 * work, scaled.  0 or -1 (error). */
static int calibrate(struct check_ctx *ctx, struct plan *p, struct err *e)
{
	struct proc_opts po = p->cmd[REF1].po;
	struct proc_result pr;
	char one[] = "1", cal[32];
	char *argv[] = {p->cmd[REF1].po.argv[0], one, cal, NULL};
	double per, want = work(p, SLOW, 0);
	unsigned long long n = CAL_ITERATIONS;

	snprintf(cal, sizeof(cal), "%lu", CAL_ITERATIONS);
	po.argv = argv;
	if (check_exec(ctx, &po, &pr, e) < 0)
		return -1;
	per = (pr.wall_seconds - p->cmd[EMPTY].best) / (double)CAL_ITERATIONS;
	if (pr.exited && pr.exit_code == 0 && per > 0)
		n = (unsigned long long)(want / per);
	proc_result_release(&pr);
	if (n < 1000000)
		n = 1000000;
	if (n > 4000000000ULL)
		n = 4000000000ULL;
	snprintf(p->iters, sizeof(p->iters), "%llu", n);
	return 0;
}

/* Measure, and again while the ratio misses; 1 when a run went wrong
 * (out is set), -1 on error.  Re-measures add the reference (thread mode)
 * and stop once the miss is settled: the reference reached `min` (the
 * machine could deliver, so the miss is the program's), or the time
 * budget is spent. */
static int measure(struct check_ctx *ctx, struct plan *p, double budget,
		   struct check_result *out, struct err *e)
{
	double t0 = now_seconds();
	size_t n = p->threads ? NCMDS : EMPTY + 1;
	int rc = measure_interleaved(ctx, p->cmd, EMPTY + 1, p->runs, out, e);

	for (int again = 0; rc == 0 && again < REMEASURES; again++) {
		if (learner_ratio(p) >= p->min)
			return 0;
		if (again > 0 && (!p->threads || miss_is_real(p) ||
				  now_seconds() - t0 > budget))
			return 0;
		if (again == 0 && p->threads && calibrate(ctx, p, e) < 0)
			return -1;
		p->last = p->cmd[SLOW].nsamples;
		rc = measure_interleaved(ctx, p->cmd, n, p->runs, out, e);
		p->have_ref = p->threads > 0;
	}
	return rc;
}

static void put_row(struct buf *b, const struct measure_cmd *c)
{
	buf_printf(b, "  %-28s best %8.4f s   median %8.4f s   (%zu runs)\n",
		   c->label, c->best, c->median, c->nsamples);
}

/* A program's output on one line, shortened. */
static void one_line(const char *s, size_t len, char *out, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < len && o + 4 < n; i++)
		out[o++] =
		    (s[i] == '\n' || s[i] == '\r' || s[i] == '\t') ? ' ' : s[i];
	while (o > 0 && out[o - 1] == ' ')
		o--;
	if (o + 4 >= n && len > o)
		memcpy(out + o - 3, "...", 3);
	out[o] = '\0';
}

/* With same_output: the two programs must agree. */
static int outputs_differ(const struct plan *p, struct check_result *out)
{
	const struct measure_cmd *a = &p->cmd[SLOW], *b = &p->cmd[LEARNER];
	char x[160], y[160];

	if (a->output_len == b->output_len &&
	    (!a->output_len || !memcmp(a->output, b->output, a->output_len)))
		return 0;
	one_line(a->output ? a->output : "", a->output_len, x, sizeof(x));
	one_line(b->output ? b->output : "", b->output_len, y, sizeof(y));
	out->status = VS_FAIL;
	if (p->threads)
		check_set_message(out,
				  "the answers differ: with 1 thread the "
				  "program printed '%s', with %d threads '%s'",
				  x, p->threads, y);
	else
		check_set_message(out,
				  "the answers differ: with %s the benchmark "
				  "printed '%s', with yours '%s'",
				  p->label, x, y);
	return 1;
}

/* How many cores a run kept busy on average: one untimed extra run. */
static double cores_busy(struct check_ctx *ctx, const struct measure_cmd *c,
			 struct err *e)
{
	struct proc_opts po = c->po;
	struct proc_result pr;
	double busy = 0;

	if (check_exec(ctx, &po, &pr, e) < 0)
		return -1;
	if (pr.exited && pr.exit_code == 0 && pr.wall_seconds > 0)
		busy = pr.cpu_seconds / pr.wall_seconds;
	proc_result_release(&pr);
	return busy;
}

static void release_scratch(struct check_result *c)
{
	free(c->message);
	free(c->output);
	free(c->unit);
	free(c->cmp);
	free(c->skip_package);
	diag_list_release(&c->diags);
}

/* The Python half: timed, shown, never judged. */
static void python_half(struct check_ctx *ctx, const struct check_spec *spec,
			int threads, struct buf *table, char *summary, size_t n,
			struct err *e)
{
	char *script = (char *)check_param_str(spec, "python", NULL);
	static char isolated[] = "-I"; /* no PYTHON* variables, no user site */
	char one[] = "1", many[16], label[64];
	char **args = NULL, **argv1, **argvn, *py;
	struct measure_cmd c[2];
	struct check_result scratch;
	size_t nargs = 0;

	summary[0] = '\0';
	if (!script)
		return;
	if (ctx->opts->quick)
		args = check_param_list(spec, "quick_python_args", &nargs);
	if (!args)
		args = check_param_list(spec, "python_args", &nargs);
	py = path_exists("/usr/bin/python3") ? xstrdup("/usr/bin/python3")
					     : proc_which("python3");
	if (!py) {
		snprintf(summary, n,
			 "; the Python half is skipped: python3 not found "
			 "(install python3)");
		buf_printf(table, "  python3 not found: the Python half is "
				  "skipped (install the python3 package)\n");
		return;
	}
	snprintf(many, sizeof(many), "%d", threads);
	snprintf(label, sizeof(label), "python3, %d threads", threads);
	/* python3 -I SCRIPT COUNT args... */
	argv1 = xcalloc(nargs + 5, sizeof(*argv1));
	argvn = xcalloc(nargs + 5, sizeof(*argvn));
	argv1[0] = argvn[0] = py;
	argv1[1] = argvn[1] = isolated;
	argv1[2] = argvn[2] = script;
	argv1[3] = one;
	argvn[3] = many;
	for (size_t i = 0; i < nargs; i++)
		argv1[4 + i] = argvn[4 + i] = args[i];
	set_cmd(&c[0], "python3, 1 thread", argv1, 1, RUN_TIMEOUT_MS);
	set_cmd(&c[1], label, argvn, threads, RUN_TIMEOUT_MS);
	memset(&scratch, 0, sizeof(scratch));
	int rc = measure_interleaved(ctx, c, 2, PYTHON_RUNS, &scratch, e);
	if (rc < 0) {
		/* Our failure here must not hide the C verdict. */
		buf_printf(table, "  python3 could not run: %s\n", e->msg);
		err_clear(e);
	} else if (rc > 0) {
		buf_printf(table,
			   "  the Python script failed (a lesson bug): %s\n",
			   scratch.message ? scratch.message : "?");
	} else {
		double r = c[1].best > 0 ? c[0].best / c[1].best : 0;
		put_row(table, &c[0]);
		put_row(table, &c[1]);
		buf_printf(table, "  %-28s %.2fx (whole runs)\n",
			   "python3 speed-up", r);
		snprintf(summary, n, "; Python threads: %.2fx with %d threads",
			 r, threads);
	}
	release_scratch(&scratch);
	measure_release(c, 2);
	free(argv1);
	free(argvn);
	free(py);
}

static void put_table(struct buf *t, const struct plan *p)
{
	put_row(t, &p->cmd[SLOW]);
	put_row(t, &p->cmd[LEARNER]);
	put_row(t, &p->cmd[EMPTY]);
	buf_printf(t, "  %-28s %.2fx (start-up taken off; needs >= %.2fx)\n",
		   "ratio", learner_ratio(p), p->min);
	if (p->have_ref) {
		put_row(t, &p->cmd[REF1]);
		put_row(t, &p->cmd[REFN]);
		buf_printf(t, "  %-28s %.2fx (what this machine allowed)\n",
			   "reference speed-up", ref_ratio(p));
	}
}

/* The verdict once the figures are in. */
static int judge(struct check_ctx *ctx, struct plan *p,
		 struct check_result *out, const char *py, struct err *e)
{
	double r = learner_ratio(p), rr = ref_ratio(p);
	size_t rounds = p->cmd[LEARNER].nsamples;
	char what[96];

	if (p->threads)
		snprintf(what, sizeof(what), "speed-up %.2fx with %d threads",
			 r, p->threads);
	else
		snprintf(what, sizeof(what), "%.2fx as fast as %s", r,
			 p->label);
	check_set_value(out, r, ">=", p->min, "x");
	if (r >= p->min) {
		out->status = VS_PASS;
		check_set_message(out, "%s (best of %zu), needs >= %.2fx%s",
				  what, rounds, p->min, py);
		return 0;
	}
	if (!miss_is_real(p)) {
		check_set_skip(
		    out, NULL,
		    "too busy to judge: %s (needs >= %.2fx), while a "
		    "perfectly parallel program of the same length "
		    "reached %.2fx at the same time; run the check "
		    "again when the machine is quieter%s",
		    what, p->min, rr, py);
		return 0;
	}
	out->status = VS_FAIL;
	if (!p->threads) {
		check_set_message(out, "%s (best of %zu), needs >= %.2fx", what,
				  rounds, p->min);
		return 0;
	}
	double busy = cores_busy(ctx, &p->cmd[LEARNER], e);
	if (busy < 0)
		return -1;
	check_set_message(out,
			  "%s (best of %zu), needs >= %.2fx; the %d-thread "
			  "run kept %.1f cores busy on average%s",
			  what, rounds, p->min, p->threads, busy, py);
	return 0;
}

struct progs {
	char *learner, *driver, *base_obj, *exe, *base_exe, *ref_exe;
};

static void progs_free(struct progs *g)
{
	free(g->learner);
	free(g->driver);
	free(g->base_obj);
	free(g->exe);
	free(g->base_exe);
	free(g->ref_exe);
}

/* Build every program before timing any.  0 built, 1 the learner's code
 * failed (out set), -1 error. */
static int build_all(struct check_ctx *ctx, const struct check_spec *spec,
		     struct progs *g, struct check_result *out, struct err *e)
{
	const char *driver = check_param_str(spec, "driver", NULL);
	const char *baseline = check_param_str(spec, "baseline", NULL);

	g->learner = check_learner_object(ctx, NULL, out, e);
	if (!g->learner)
		return e->msg[0] ? -1 : 1;
	if (driver && !(g->driver = fixed_object(ctx, driver, out, e)))
		return -1;
	g->exe = g->driver ? link_program(ctx, g->driver, g->learner, 0, out, e)
			   : link_program(ctx, g->learner, NULL, 0, out, e);
	if (!g->exe)
		return e->msg[0] ? -1 : 1;
	if (baseline) {
		g->base_obj = fixed_object(ctx, baseline, out, e);
		if (!g->base_obj)
			return -1;
		g->base_exe =
		    link_program(ctx, g->driver, g->base_obj, 1, out, e);
		if (!g->base_exe)
			return -1;
	}
	g->ref_exe = reference_program(ctx, out, e);
	return g->ref_exe ? 0 : -1;
}

static int run(struct check_ctx *ctx, const struct check_spec *spec,
	       struct check_result *out, struct err *e)
{
	int baseline = check_param_str(spec, "baseline", NULL) != NULL;
	struct plan p = {
	    .threads = baseline ? 0 : (int)check_param_int(spec, "threads", 2),
	    .label = check_param_str(spec, "label", "baseline"),
	    .min = check_param_num(spec, "min", 1.5),
	    .runs = (int)check_param_int(spec, "runs", DEFAULT_RUNS),
	};
	int timeout = spec->timeout_ms ? spec->timeout_ms : RUN_TIMEOUT_MS;
	struct progs g = {0};
	char *argv[NCMDS][4 + 64] = {{0}};
	char one[] = "1", many[16], zero[] = "0";
	char label[2][96], py[160] = "";
	char **args = NULL;
	size_t nargs = 0;
	struct buf table;
	int rc;

	if (baseline && !check_param_str(spec, "driver", NULL))
		return err_set(
		    e, "speedup: a baseline needs a driver (a lesson bug)");
	if (p.runs < 1 || p.runs > MAX_RUNS)
		return err_set(e,
			       "speedup: runs must be 1 to %d (a lesson bug)",
			       MAX_RUNS);
	if (!baseline && (p.threads < 2 || p.threads > 64))
		return err_set(
		    e, "speedup: threads must be 2 to 64 (a lesson bug)");
	if (p.threads && measure_cores() < p.threads) {
		check_set_skip(out, NULL,
			       "this check needs %d cores to run %d threads at "
			       "once; this machine has %d",
			       p.threads, p.threads, measure_cores());
		return 0;
	}
	if (ctx->opts->quick)
		args = check_param_list(spec, "quick_args", &nargs);
	if (!args)
		args = check_param_list(spec, "args", &nargs);
	if (nargs > 60)
		return err_set(e, "speedup: too many args (a lesson bug)");

	rc = build_all(ctx, spec, &g, out, e);
	if (rc != 0) {
		progs_free(&g);
		return rc < 0 ? -1 : 0;
	}
	snprintf(many, sizeof(many), "%d", p.threads);
	snprintf(p.iters, sizeof(p.iters), "%lu", CAL_ITERATIONS);
	/* argv[i] = prog [count] args..., in fixed arrays. */
	char *prog[NCMDS] = {baseline ? g.base_exe : g.exe, g.exe, g.ref_exe,
			     g.ref_exe, g.ref_exe};
	char *count[NCMDS] = {baseline ? NULL : one, baseline ? NULL : many,
			      one, one, many};
	for (int i = 0; i < NCMDS; i++) {
		size_t k = 0;
		argv[i][k++] = prog[i];
		if (count[i])
			argv[i][k++] = count[i];
		if (i <= LEARNER)
			for (size_t a = 0; a < nargs; a++)
				argv[i][k++] = args[a];
		else
			argv[i][k++] = i == EMPTY ? zero : p.iters;
	}
	if (baseline) {
		snprintf(label[0], sizeof(label[0]), "%s", p.label);
		snprintf(label[1], sizeof(label[1]), "yours");
	} else {
		snprintf(label[0], sizeof(label[0]), "yours, 1 thread");
		snprintf(label[1], sizeof(label[1]), "yours, %d threads",
			 p.threads);
	}
	set_cmd(&p.cmd[SLOW], label[0], argv[SLOW], 1, timeout);
	set_cmd(&p.cmd[LEARNER], label[1], argv[LEARNER], p.threads, timeout);
	set_cmd(&p.cmd[EMPTY], "start-up (an empty run)", argv[EMPTY], 1,
		timeout);
	set_cmd(&p.cmd[REF1], "reference, 1 thread", argv[REF1], 1, timeout);
	set_cmd(&p.cmd[REFN], "reference, N threads", argv[REFN], p.threads,
		timeout);
	p.cmd[SLOW].keep_output = p.cmd[LEARNER].keep_output = 1;

	buf_init(&table, OUTPUT_EXCERPT_MAX);
	pthread_mutex_lock(&measuring);
	/* m: 0 measured, 1 a run went wrong (out says how), -1 error. */
	int m = measure(ctx, &p, ctx->opts->quick ? BUDGET_QUICK : BUDGET_FULL,
			out, e);
	if (m == 0 && check_param_bool(spec, "same_output", 1) &&
	    outputs_differ(&p, out)) {
		m = 1; /* the figures mean nothing when the answers differ */
	} else if (m == 0) {
		put_table(&table, &p);
		python_half(ctx, spec, p.threads ? p.threads : 2, &table, py,
			    sizeof(py), e);
		m = judge(ctx, &p, out, py, e);
	}
	pthread_mutex_unlock(&measuring);
	if (m >= 0 && table.len)
		check_set_output(out, buf_cstr(&table), table.len, 0);
	buf_release(&table);
	measure_release(p.cmd, NCMDS);
	progs_free(&g);
	return m < 0 ? -1 : 0;
}

const struct check_kind check_speedup = {
    .name = "speedup",
    .stage = STAGE_VERIFY,
    .positional = NULL,
    .fields = fields,
    .summary = "a measured ratio (best of N, interleaved) against 1 thread "
	       "or a baseline reaches the threshold",
    .run = run,
};
