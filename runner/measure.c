#define _GNU_SOURCE
#include "measure.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "util/err.h"
#include "util/xalloc.h"
#include "verdict.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void summarise(struct measure_cmd *c)
{
	double sorted[MEASURE_MAX_SAMPLES];

	if (c->nsamples == 0)
		return;
	memcpy(sorted, c->samples, c->nsamples * sizeof(double));
	qsort(sorted, c->nsamples, sizeof(double), cmp_double);
	c->best = sorted[0];
	c->median = c->nsamples % 2
			    ? sorted[c->nsamples / 2]
			    : (sorted[c->nsamples / 2 - 1] +
			       sorted[c->nsamples / 2]) / 2;
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
