/*
 * throughput { args = { "timeout", "{data}" },
 *              reference = { "grep", "-F", "timeout", "{data}" },
 *              package = "grep", min = 0.5 }
 *
 * The learner's tool against a reference tool on the same generated data:
 * both must print the same bytes and end with the same status, and the
 * learner's speed (bytes per second, best of N interleaved runs) divided
 * by the reference's must reach `min`.
 *
 * The data is made at check time from a fixed seed, so every run and every
 * machine sees the same bytes: `mb` decimal megabytes (quick mode:
 * `quick_mb`) of log lines in plain ASCII, written into the check's build
 * folder and removed afterwards.  "{data}" in args and reference stands
 * for its path.  See docs/checks/throughput.md for the line format and how
 * often each word occurs.
 *
 * The learner's file is built with -O2 for this check: speed is compared
 * with a release build of the reference.  The first run of each is
 * untimed and checks the output; a program far too slow is stopped there,
 * after a time derived from the reference's, so a learner never waits for
 * a hopeless run.  The timed runs are then done in the box
 * (measure_in_box() in measure.h): a small timer program runs through
 * check_exec() and forks the two tools itself, interleaved, reading the
 * clock around each run: in a grading run the timer is in the sandbox with
 * them, and what a sandbox costs to set up never enters a figure.  Best of
 * N; a ratio below `min` is measured again before it is reported.
 */
#define _GNU_SOURCE
#include "check.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
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
    {"args", PARAM_LIST, 1,
     "arguments for the learner's program; \"{data}\" is the data file"},
    {"reference", PARAM_LIST, 1,
     "the reference command and its arguments, e.g. { \"grep\", \"-F\", "
     "\"x\", \"{data}\" }"},
    {"package", PARAM_STR, 0,
     "the Debian package of the reference (default: its name)"},
    {"min", PARAM_NUM, 1,
     "the learner's speed over the reference's must reach this"},
    {"mb", PARAM_INT, 0, "megabytes of data (default 32)"},
    {"quick_mb", PARAM_INT, 0, "megabytes in quick mode (default 4)"},
    {"seed", PARAM_INT, 0, "the generator's seed (default 1)"},
    {"exit", PARAM_INT, 0, "the exit status both must end with (default 0)"},
    {"runs", PARAM_INT, 0, "interleaved rounds per measurement (default 5)"},
    {NULL, 0, 0, NULL},
};

#define DEFAULT_MB     32
#define QUICK_MB       4
#define MAX_MB	       256
#define DEFAULT_RUNS   5
#define MAX_RUNS       30
#define REMEASURES     2
#define REF_TIMEOUT_MS 60000
#define CAPTURE	       ((size_t)8 << 20) /* outputs compared in full up to this */
/* The learner's run is stopped after GRACE_MS plus this many times the
 * time the reference needed at the threshold's speed. */
#define SLOW_FACTOR 8
/* A ratio below min / HOPELESS after two measurements is not noise. */
#define HOPELESS 4
#define GRACE_MS 1000

static pthread_mutex_t measuring = PTHREAD_MUTEX_INITIALIZER;

_Static_assert((MAX_RUNS) * (REMEASURES + 1) <= MEASURE_MAX_SAMPLES,
	       "measure_series keeps every timed run");

/* --- the data ------------------------------------------------------------ */

static uint64_t next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned below(uint64_t *s, unsigned n)
{
	return (unsigned)(next(s) % n);
}

/*
 * One log line, e.g.
 *   2024-05-17 08:14:03 INFO  api-3 GET /v1/items/48213 200 12ms\tuser=u1837
 * with, now and then, a message after the user.
 */
static int log_line(uint64_t *s, char *out, size_t n)
{
	static const char *const svc[] = {"api",    "auth",   "billing",
					  "search", "upload", "mailer"};
	static const char *const meth[] = {"GET",  "GET", "GET",
					   "POST", "PUT", "DELETE"};
	static const char *const res[] = {"/v1/items",	"/v1/users",
					  "/v1/orders", "/v1/search",
					  "/v1/cart",	"/health"};
	static const unsigned status[] = {200, 200, 200, 200, 201,
					  204, 304, 404, 500};
	unsigned lv = below(s, 100), m = below(s, 1000);
	const char *level = lv < 88   ? "INFO"
			    : lv < 96 ? "WARN"
			    : lv < 99 ? "ERROR"
				      : "DEBUG";
	const char *msg = m < 5	   ? " upstream timeout after 30s"
			  : m == 5 ? " Upstream Timeout in cache"
			  : m < 9  ? " retrying request"
				   : "";

	return snprintf(out, n,
			"2024-05-%02u %02u:%02u:%02u %-5s %s-%u %s %s/%u %u "
			"%ums\tuser=u%04u%s\n",
			1 + below(s, 28), below(s, 24), below(s, 60),
			below(s, 60), level, svc[below(s, 6)], 1 + below(s, 9),
			meth[below(s, 6)], res[below(s, 6)], below(s, 100000),
			status[below(s, 9)], 1 + below(s, 900), below(s, 10000),
			msg);
}

/* Write the data file: whole lines until `bytes` are reached. */
static int make_data(const char *path, long long bytes, uint64_t seed,
		     long long *written, struct err *e)
{
	FILE *f = fopen(path, "w");
	char line[256];
	uint64_t s = seed;
	long long total = 0;

	if (!f)
		return err_errno(e, "cannot create '%s'", path);
	setvbuf(f, NULL, _IOFBF, 1 << 16);
	while (total < bytes) {
		int n = log_line(&s, line, sizeof(line));
		if (n <= 0 || (size_t)n >= sizeof(line) ||
		    fwrite(line, 1, (size_t)n, f) != (size_t)n)
			break;
		total += n;
	}
	if (ferror(f) | fclose(f) || total < bytes) {
		unlink(path);
		return err_errno(e, "cannot write the test data '%s'", path);
	}
	*written = total;
	return 0;
}

/* --- programs ------------------------------------------------------------ */

/* The learner's file built with -O2 and linked. */
static char *learner_program(struct check_ctx *ctx, struct check_result *out,
			     struct err *e)
{
	const char *src[] = {ctx->source, NULL};
	struct build_job cj = {.sources = src, .std = "c11", .opt = "-O2"};
	struct build_result r;
	char *obj, *exe = NULL;

	e->msg[0] = '\0';
	obj = build_cached_object(ctx->build, &cj, &r, e);
	if (!obj && !e->msg[0]) {
		out->status = VS_FAIL;
		check_take_build(out, &r);
		check_set_message(out, "the file does not compile with -O2");
	}
	build_result_release(&r);
	if (!obj)
		return NULL;
	const char *objs[] = {obj, NULL};
	struct build_job lj = {.sources = objs, .link = 1, .opt = "-O2"};
	exe = build_cached_object(ctx->build, &lj, &r, e);
	if (!exe && !e->msg[0]) {
		out->status = VS_FAIL;
		check_take_build(out, &r);
		check_set_message(
		    out, "the program does not link (is main missing?)");
	}
	build_result_release(&r);
	free(obj);
	return exe;
}

/* argv with "{data}" replaced; strings borrowed. */
static char **make_argv(const char *prog, char **args, size_t nargs,
			const char *data)
{
	char **argv = xcalloc(nargs + 2, sizeof(*argv));
	size_t k = 0;

	if (prog)
		argv[k++] = (char *)prog;
	for (size_t i = 0; i < nargs; i++)
		argv[k++] = !strcmp(args[i], "{data}") ? (char *)data : args[i];
	return argv;
}

/* "grep -F timeout DATA": a label for messages. */
static void describe(char **args, size_t nargs, char *out, size_t n)
{
	size_t o = 0;

	out[0] = '\0';
	for (size_t i = 0; i < nargs && o + 1 < n; i++) {
		const char *a = !strcmp(args[i], "{data}") ? "DATA" : args[i];
		int w = snprintf(out + o, n - o, "%s%s", i ? " " : "", a);
		if (w < 0 || (size_t)w >= n - o)
			break;
		o += (size_t)w;
	}
}

/* --- comparing outputs ---------------------------------------------------- */

/* One line of output, escaped and cut to fit. */
static void show(const char *s, size_t len, char *out, size_t n)
{
	size_t o = 0, i = 0;

	for (; i < len && s[i] != '\n' && o + 5 < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\t') {
			out[o++] = '\\';
			out[o++] = 't';
		} else if (c < 32 || c == 127) {
			o += (size_t)snprintf(out + o, n - o, "\\x%02x", c);
		} else {
			out[o++] = (char)c;
		}
	}
	if (i < len && s[i] != '\n' && o + 4 <= n) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

/* "line 12: expected '...', got '...'" for the first line that differs. */
static void first_difference(const struct buf *want, const struct buf *got,
			     char *msg, size_t n)
{
	const char *w = buf_cstr(want), *g = buf_cstr(got);
	size_t i = 0, line = 1, start = 0;
	char a[160], b[160];

	while (i < want->len && i < got->len && w[i] == g[i]) {
		if (w[i] == '\n') {
			line++;
			start = i + 1;
		}
		i++;
	}
	show(w + start, want->len - start, a, sizeof(a));
	show(g + start, got->len - start, b, sizeof(b));
	if (start >= got->len)
		snprintf(msg, n,
			 "your output stops after %zu lines; line %zu should "
			 "be '%s'",
			 line - 1, line, a);
	else if (start >= want->len)
		snprintf(
		    msg, n,
		    "your output goes on after the reference's %zu lines: '%s'",
		    line - 1, b);
	else
		snprintf(msg, n, "line %zu differs: expected '%s', got '%s'",
			 line, a, b);
}

/* --- the check ------------------------------------------------------------ */

struct plan {
	const char *ref_name; /* "grep -F timeout DATA" */
	double min;
	int runs, want_exit, limit;
	long long bytes;
	const char *timer;
	struct measure_series cmd[2]; /* [0] reference, [1] learner's */
	double best[2], median[2];
};

static double mbps(const struct plan *p, double seconds)
{
	return seconds > 0 ? (double)p->bytes / 1e6 / seconds : 0;
}

static void summarise(struct plan *p)
{
	for (int i = 0; i < 2; i++)
		if (p->cmd[i].n)
			p->median[i] = measure_median(p->cmd[i].wall,
						      p->cmd[i].n, &p->best[i]);
}

/*
 * The untimed first runs: the reference must work (else it is the
 * lesson's bug), the learner's must finish in time with the same output
 * and status.  Returns 0 when both agree, 1 when `out` holds a fail, -1
 * on error.  Sets the time limit of the timed runs from the reference's.
 */
static int first_runs(struct check_ctx *ctx, struct plan *p,
		      struct check_result *out, struct err *e)
{
	struct proc_opts ro = {.argv = p->cmd[0].argv,
			       .timeout_ms = REF_TIMEOUT_MS,
			       .capture_max = CAPTURE};
	struct proc_opts lo = {.argv = p->cmd[1].argv, .capture_max = CAPTURE};
	struct proc_result rr, lr;
	char how[256], msg[600];
	int rc = 1;

	if (check_exec(ctx, &ro, &rr, e) < 0)
		return -1;
	if (!rr.exited || rr.exit_code != p->want_exit || rr.out.truncated) {
		proc_describe(&rr, &ro, how, sizeof(how));
		err_set(e, "the reference '%s' %s%s (a lesson bug)",
			p->ref_name, how,
			rr.out.truncated ? " and printed too much to compare"
					 : "");
		proc_result_release(&rr);
		return -1;
	}
	/* At the threshold's speed the learner needs ref / min: allow
	 * SLOW_FACTOR times that, plus start-up grace. */
	double limit = rr.wall_seconds / p->min * SLOW_FACTOR;
	lo.timeout_ms = GRACE_MS + (int)(limit * 1000);
	p->limit = (lo.timeout_ms + 999) / 1000;
	if (check_exec(ctx, &lo, &lr, e) < 0) {
		proc_result_release(&rr);
		return -1;
	}
	proc_describe(&lr, &lo, how, sizeof(how));
	out->status = VS_FAIL;
	if (lr.timed_out) {
		check_set_value(out, 0, ">=", p->min, "x");
		check_set_message(out,
				  "your program did not get through %.0f MB in "
				  "%.1f s; %s took %.0f ms",
				  (double)p->bytes / 1e6,
				  lo.timeout_ms / 1000.0, p->ref_name,
				  rr.wall_seconds * 1e3);
	} else if (lr.cancelled || lr.signaled || !lr.exited) {
		check_set_message(out, "on %.0f MB of data your program %s",
				  (double)p->bytes / 1e6, how);
	} else if (lr.out.len != rr.out.len ||
		   memcmp(buf_cstr(&lr.out), buf_cstr(&rr.out), rr.out.len)) {
		first_difference(&rr.out, &lr.out, msg, sizeof(msg));
		check_set_message(out, "the output differs from %s's: %s",
				  p->ref_name, msg);
	} else if (lr.exit_code != rr.exit_code) {
		check_set_message(out,
				  "the output is right, but your program "
				  "exited with status %d where %s exits with "
				  "%d",
				  lr.exit_code, p->ref_name, rr.exit_code);
	} else {
		out->status = VS_SKIP;
		rc = 0;
	}
	if (rc && lr.err.len)
		check_set_output(out, buf_cstr(&lr.err), lr.err.len,
				 lr.err.truncated);
	proc_result_release(&rr);
	proc_result_release(&lr);
	return rc;
}

static double ratio(const struct plan *p)
{
	return p->best[1] > 0 ? p->best[0] / p->best[1] : 0;
}

/* Timed rounds, and again while the ratio misses.  Returns 0, 1 (out
 * says what went wrong) or -1. */
static int measure(struct check_ctx *ctx, struct plan *p,
		   struct check_result *out, struct err *e)
{
	int rc = measure_in_box(ctx, p->timer, p->cmd, 2, p->runs, 1, p->limit,
				out, e);

	summarise(p);
	/* Measured twice and still a quarter of the way or less: no quiet
	 * moment will close that gap, and the learner need not wait. */
	for (int again = 0;
	     rc == 0 && again < REMEASURES && ratio(p) < p->min &&
	     !(again > 0 && ratio(p) < p->min / HOPELESS);
	     again++) {
		rc = measure_in_box(ctx, p->timer, p->cmd, 2, p->runs, 0,
				    p->limit, out, e);
		summarise(p);
	}
	if (rc == 1 && p->cmd[0].failed) /* the reference: the lesson's bug */
		rc = err_set(e, "%s (a lesson bug)",
			     out->message ? out->message
					  : "the reference failed");
	return rc;
}

static void judge(struct plan *p, const char *mine, long long seed,
		  struct check_result *out)
{
	double r = ratio(p);
	struct buf t;

	buf_init(&t, OUTPUT_EXCERPT_MAX);
	buf_printf(&t,
		   "  data: %lld bytes of generated log lines (seed %lld)\n",
		   p->bytes, seed);
	for (int i = 0; i < 2; i++)
		buf_printf(&t,
			   "  %-34s best %8.1f ms  median %8.1f ms  %7.0f MB/s "
			   " (%zu runs)\n",
			   i ? mine : p->ref_name, p->best[i] * 1e3,
			   p->median[i] * 1e3, mbps(p, p->best[i]),
			   p->cmd[i].n);
	buf_printf(&t, "  %-34s %.2fx (needs >= %.2fx)\n",
		   "your speed / reference", r, p->min);
	check_set_output(out, buf_cstr(&t), t.len, 0);
	buf_release(&t);
	check_set_value(out, r, ">=", p->min, "x");
	out->status = r >= p->min ? VS_PASS : VS_FAIL;
	check_set_message(out,
			  "%.0f MB/s against %.0f MB/s for %s on %.0f MB: "
			  "%.2fx (best of %zu), needs >= %.2fx",
			  mbps(p, p->best[1]), mbps(p, p->best[0]), p->ref_name,
			  (double)p->bytes / 1e6, r, p->cmd[1].n, p->min);
}

static int run(struct check_ctx *ctx, const struct check_spec *spec,
	       struct check_result *out, struct err *e)
{
	size_t nargs, nref;
	char **args = check_param_list(spec, "args", &nargs);
	char **ref = check_param_list(spec, "reference", &nref);
	const char *package = check_param_str(spec, "package", NULL);
	long long mb = ctx->opts->quick
			   ? check_param_int(spec, "quick_mb", QUICK_MB)
			   : check_param_int(spec, "mb", DEFAULT_MB);
	long long seed = check_param_int(spec, "seed", 1);
	struct plan p = {
	    .min = check_param_num(spec, "min", 1),
	    .runs = (int)check_param_int(spec, "runs", DEFAULT_RUNS),
	    .want_exit = (int)check_param_int(spec, "exit", 0),
	};
	char ref_name[160], mine[160], *ref_prog = NULL, *exe = NULL;
	char *data = NULL, *timer = NULL, **rargv = NULL, **largv = NULL;
	int rc = -1;

	if (nref == 0 || p.min <= 0 || mb < 1 || mb > MAX_MB || p.runs < 1 ||
	    p.runs > MAX_RUNS)
		return err_set(e,
			       "throughput: needs a reference, min > 0, mb 1 "
			       "to %d and runs 1 to %d (a lesson bug)",
			       MAX_MB, MAX_RUNS);
	describe(ref, nref, ref_name, sizeof(ref_name));
	p.ref_name = ref_name;
	ref_prog = strchr(ref[0], '/')
		       ? (path_exists(ref[0]) ? xstrdup(ref[0]) : NULL)
		       : proc_which(ref[0]);
	if (!ref_prog) {
		const char *pkg = package ? package : ref[0];
		check_set_skip(out, pkg,
			       "%s not found: it is the reference this check "
			       "compares with",
			       ref[0]);
		return 0;
	}
	exe = learner_program(ctx, out, e);
	if (!exe) {
		free(ref_prog);
		return e->msg[0] ? -1 : 0;
	}
	snprintf(mine, sizeof(mine), "yours: %s ",
		 path_basename(check_shown_name(ctx)));
	describe(args, nargs, mine + strlen(mine), sizeof(mine) - strlen(mine));

	data =
	    xasprintf("%s/throughput-%lld-%lldMB.txt", ctx->workdir, seed, mb);
	pthread_mutex_lock(&measuring);
	timer = measure_timer(ctx, e);
	if (!timer ||
	    make_data(data, mb * 1000000, (uint64_t)seed, &p.bytes, e) < 0)
		goto out;
	p.timer = timer;
	rargv = make_argv(ref_prog, ref + 1, nref - 1, data);
	largv = make_argv(exe, args, nargs, data);
	for (int i = 0; i < 2; i++)
		p.cmd[i] = (struct measure_series){
		    .label = i ? "your program" : ref_name,
		    .argv = i ? largv : rargv,
		    .in = "-",
		    .want = p.want_exit,
		};
	int m = first_runs(ctx, &p, out, e);
	if (m == 0)
		m = measure(ctx, &p, out, e);
	if (m == 0)
		judge(&p, mine, seed, out);
	rc = m < 0 ? -1 : 0;
out:
	unlink(data);
	pthread_mutex_unlock(&measuring);
	free(rargv);
	free(largv);
	free(data);
	free(timer);
	free(exe);
	free(ref_prog);
	return rc;
}

const struct check_kind check_throughput = {
    .name = "throughput",
    .stage = STAGE_VERIFY,
    .positional = NULL,
    .fields = fields,
    .summary = "the program's speed on generated data against a reference "
	       "tool, with the same output",
    .run = run,
};
