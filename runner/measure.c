#define _GNU_SOURCE
#include "measure.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build.h"
#include "check.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/path.h"
#include "util/xalloc.h"
#include "verdict.h"

/* The longest a timer's check_exec() may be given, in seconds (plus a
 * little for the timer itself). */
#define BOX_MAX_S 600

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double measure_median(const double *v, size_t n, double *best)
{
	double w[MEASURE_MAX_SAMPLES];

	if (n > MEASURE_MAX_SAMPLES)
		n = MEASURE_MAX_SAMPLES;
	if (best)
		*best = 0;
	if (n == 0)
		return 0;
	memcpy(w, v, n * sizeof(double));
	qsort(w, n, sizeof(double), cmp_double);
	if (best)
		*best = w[0];
	return n % 2 ? w[n / 2] : (w[n / 2 - 1] + w[n / 2]) / 2;
}

static void summarise(struct measure_cmd *c)
{
	if (c->nsamples)
		c->median = measure_median(c->samples, c->nsamples, &c->best);
}

/* One run; 1 when it went wrong (out filled), 0 fine, -1 error. */
static int run_once(struct check_ctx *ctx, struct measure_cmd *c, int keep,
		    struct check_result *out, struct err *e)
{
	struct proc_result pr;
	struct proc_opts po = c->po;
	char how[256];

	if (check_exec(ctx, &po, &pr, e) < 0)
		return -1;
	if (pr.timed_out || pr.cancelled || pr.signaled || !pr.exited ||
	    pr.exit_code != c->expect_exit) {
		proc_describe(&pr, &po, how, sizeof(how));
		out->status = VS_FAIL;
		check_set_message(out, "%s: the program %s", c->label, how);
		check_set_output(out, buf_cstr(&pr.err), pr.err.len,
				 pr.err.truncated);
		proc_result_release(&pr);
		return 1;
	}
	if (keep && c->keep_output && !c->output) {
		c->output = xmalloc(pr.out.len + 1);
		memcpy(c->output, buf_cstr(&pr.out), pr.out.len + 1);
		c->output_len = pr.out.len;
	}
	if (!keep && c->nsamples < MEASURE_MAX_SAMPLES)
		c->samples[c->nsamples++] = pr.wall_seconds;
	proc_result_release(&pr);
	return 0;
}

int measure_interleaved(struct check_ctx *ctx, struct measure_cmd *cmds,
			size_t n, int rounds, struct check_result *out,
			struct err *e)
{
	int warm = 1;

	for (size_t i = 0; i < n; i++)
		if (cmds[i].nsamples)
			warm = 0;
	for (int r = warm ? -1 : 0; r < rounds; r++) {
		for (size_t i = 0; i < n; i++) {
			int rc = run_once(ctx, &cmds[i], r < 0, out, e);
			if (rc)
				return rc;
		}
	}
	for (size_t i = 0; i < n; i++)
		summarise(&cmds[i]);
	return 0;
}

void measure_release(struct measure_cmd *cmds, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(cmds[i].output);
		cmds[i].output = NULL;
	}
}

int measure_cores(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (int)n : 1;
}

/* --- timing in the box ---------------------------------------------------- */

char *measure_timer(struct check_ctx *ctx, struct err *e)
{
	unsigned long long h =
	    build_hash(BUILD_HASH_INIT, wb_timer_src, wb_timer_src_len);
	char *src = xasprintf("%s/timer-%016llx.c", ctx->build->cache_dir, h);
	char *obj = NULL, *exe = NULL;
	struct build_result r;

	if (!path_exists(src) &&
	    (path_mkdirs(ctx->build->cache_dir, e) < 0 ||
	     path_write_file(src, wb_timer_src, wb_timer_src_len, 0644, e) < 0))
		goto out;
	const char *srcs[] = {src, NULL};
	struct build_job cj = {.sources = srcs, .opt = "-O1"};
	e->msg[0] = '\0';
	obj = build_cached_object(ctx->build, &cj, &r, e);
	build_result_release(&r);
	if (!obj) {
		if (!e->msg[0])
			err_set(e,
				"the timer does not compile (a workbook bug)");
		goto out;
	}
	const char *objs[] = {obj, NULL};
	struct build_job lj = {.sources = objs, .link = 1, .opt = "-O1"};
	exe = build_cached_object(ctx->build, &lj, &r, e);
	build_result_release(&r);
	if (!exe && !e->msg[0])
		err_set(e, "the timer does not link (a workbook bug)");
out:
	free(src);
	free(obj);
	return exe;
}

/* The numbers on the timer's command line, kept while it runs. */
struct box_args {
	char rounds[24], warm[24], limit[24], n[24];
	char want[MEASURE_BOX_MAX_CMDS][24], argc[MEASURE_BOX_MAX_CMDS][24];
};

/* The timer's argv: TIMER ROUNDS WARM LIMIT_S OUT NCMD, then IN WANT ARGC
 * ARG... for each series.  Strings are borrowed from a, s and outfile. */
static char **box_argv(const char *timer, const char *outfile,
		       const struct measure_series *s, size_t n, int rounds,
		       int warm, int limit_s, struct box_args *a)
{
	char **v = NULL;
	size_t k = 0, cap = 0;

	snprintf(a->rounds, sizeof(a->rounds), "%d", rounds);
	snprintf(a->warm, sizeof(a->warm), "%d", warm);
	snprintf(a->limit, sizeof(a->limit), "%d", limit_s);
	snprintf(a->n, sizeof(a->n), "%zu", n);
	const char *head[] = {timer,	a->rounds, a->warm,
			      a->limit, outfile,   a->n};
	v = xgrow(v, &cap, 8, sizeof(*v));
	for (size_t i = 0; i < 6; i++)
		v[k++] = (char *)head[i];
	for (size_t i = 0; i < n; i++) {
		size_t m = 0;
		while (s[i].argv[m])
			m++;
		snprintf(a->want[i], sizeof(a->want[i]), "%d", s[i].want);
		snprintf(a->argc[i], sizeof(a->argc[i]), "%zu", m);
		v = xgrow(v, &cap, k + m + 4, sizeof(*v));
		v[k++] = (char *)s[i].in;
		v[k++] = a->want[i];
		v[k++] = a->argc[i];
		for (size_t j = 0; j < m; j++)
			v[k++] = s[i].argv[j];
	}
	v[k] = NULL;
	return v;
}

/* What went wrong in a run, from the timer's "f I exit N" line. */
static void describe_failure(struct measure_series *c, const char *how, int n,
			     int limit_s, struct check_result *out)
{
	c->failed = 1;
	out->status = VS_FAIL;
	if (!strcmp(how, "signal") && n == SIGALRM)
		check_set_message(out, "%s did not finish within %d s",
				  c->label, limit_s);
	else if (!strcmp(how, "signal"))
		check_set_message(out, "%s was %s", c->label,
				  proc_signal_describe(n));
	else
		check_set_message(out, "%s exited with status %d, expected %d",
				  c->label, n, c->want);
}

/* Read the timer's lines into the series: 0, or 1 after an "f" line. */
static int box_read(const char *text, struct measure_series *s, size_t n,
		    int limit_s, struct check_result *out)
{
	int rc = 0;

	for (const char *p = text; *p;) {
		size_t len = strcspn(p, "\n");
		char kind, how[16];
		long i;
		double secs, cpu;
		int num;
		if (sscanf(p, "t %ld %lf %lf", &i, &secs, &cpu) == 3 &&
		    i >= 0 && (size_t)i < n && s[i].n < MEASURE_MAX_SAMPLES) {
			s[i].cpu[s[i].n] = cpu;
			s[i].wall[s[i].n++] = secs;
		} else if (sscanf(p, "%c %ld %15s %d", &kind, &i, how, &num) ==
			       4 &&
			   kind == 'f' && i >= 0 && (size_t)i < n) {
			describe_failure(&s[i], how, num, limit_s, out);
			rc = 1;
		}
		p += len + (p[len] == '\n');
	}
	return rc;
}

int measure_in_box(struct check_ctx *ctx, const char *timer,
		   struct measure_series *s, size_t n, int rounds, int warm,
		   int limit_s, struct check_result *out, struct err *e)
{
	struct box_args a;
	struct proc_result pr;
	char *outfile, **v;
	int rc = -1;

	if (n < 1 || n > MEASURE_BOX_MAX_CMDS || limit_s < 1 || rounds < 0 ||
	    warm < 0)
		return err_set(e,
			       "measure_in_box: %zu commands, limit %d s "
			       "(a workbook bug)",
			       n, limit_s);
	outfile = xasprintf("%s/timer-out.tmp", ctx->workdir);
	v = box_argv(timer, outfile, s, n, rounds, warm, limit_s, &a);
	long long total_s = (long long)(rounds + warm) * (long long)n * limit_s;
	if (total_s > BOX_MAX_S)
		total_s = BOX_MAX_S;
	struct proc_opts po = {
	    .argv = v,
	    .timeout_ms = (int)(total_s * 1000) + 5000,
	    .cpu_seconds = (int)total_s + 5,
	};
	if (check_exec(ctx, &po, &pr, e) < 0)
		goto done;
	rc = box_read(buf_cstr(&pr.out), s, n, limit_s, out);
	if (rc == 0 && !(pr.exited && pr.exit_code == 0)) {
		char how[256];
		proc_describe(&pr, &po, how, sizeof(how));
		rc = err_set(e, "the timer %s", how);
	}
	proc_result_release(&pr);
done:
	unlink(outfile);
	free(outfile);
	free(v);
	return rc;
}
