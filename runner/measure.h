/*
 * measure: timing programs for measured checks (speedup, startup,
 * throughput, ...).
 *
 * Commands run interleaved (one run of each per round), so a busy machine
 * slows them alike, and each gets its best and median wall time over the
 * rounds.  Only the program's run is timed, never a compile.  A measured
 * check that misses its threshold measures again before it reports a fail
 * (DESIGN.md: "best of N, and a re-measure before a fail is reported");
 * samples accumulate across calls.
 *
 * Two ways to time a run:
 *   - measure_interleaved(): one check_exec() per run, timed from outside.
 *     In a grading run that includes setting a sandbox up for every run.
 *   - measure_in_box(): one check_exec() of a small timer program (its
 *     source is runner/harness/timer.c, carried in the binary), which
 *     forks and execs the commands itself and reads the clock around each
 *     run.  In a grading run the timer is in the sandbox with them, so no
 *     figure includes what a sandbox costs to set up (several times a C
 *     program's whole start-up).  It also reports processor time.
 */
#ifndef WB_MEASURE_H
#define WB_MEASURE_H

#include <stddef.h>

#include "proc.h"

struct check_ctx;
struct check_result;
struct err;

#define MEASURE_MAX_SAMPLES 256

struct measure_cmd {
	const char *label;   /* "1 thread", "python3 -c pass", ... */
	struct proc_opts po; /* what to run (check_exec defaults apply) */
	int expect_exit;     /* the exit status a good run has */
	double samples[MEASURE_MAX_SAMPLES];
	size_t nsamples;
	double best, median; /* seconds, over all samples so far */
	/* The output of the first run, when keep_output is set. */
	int keep_output;
	char *output;
	size_t output_len;
};

/*
 * Run `rounds` rounds over cmds (plus one untimed warm-up round the first
 * time).  A run that crashes, times out or exits with another status
 * stops the measurement: out is set to VS_FAIL naming the command and what
 * happened, and 1 is returned.  Returns 0 when all runs went well, -1 with
 * e set for our own failure.
 */
int measure_interleaved(struct check_ctx *ctx, struct measure_cmd *cmds,
			size_t n, int rounds, struct check_result *out,
			struct err *e);

/* Free what measure_interleaved kept (outputs). */
void measure_release(struct measure_cmd *cmds, size_t n);

/* Online cores, for checks that need more than one. */
int measure_cores(void);

/*
 * The median of v[0], ..., v[n - 1] (n at most MEASURE_MAX_SAMPLES; more
 * are ignored), and in *best (unless NULL) the smallest.  Both are 0 when
 * n is 0.  v is not changed.
 */
double measure_median(const double *v, size_t n, double *best);

/* --- timing in the box ------------------------------------------------- */

#define MEASURE_BOX_MAX_CMDS 8 /* commands one measure_in_box() call runs */

/* One command the timer runs, and what it measured.  Zero-initialise,
 * then fill the first four fields; the strings are borrowed and must
 * outlive every measure_in_box() call that uses the series. */
struct measure_series {
	const char *label; /* in messages: "your program" */
	char **argv;	   /* NULL-terminated; argv[0] a path, not searched */
	const char *in;	   /* a file for standard input, or "-": /dev/null */
	int want;	   /* the exit status of a good run */
	/* Filled by measure_in_box(), appended to on every call: */
	double wall[MEASURE_MAX_SAMPLES]; /* seconds on the clock, per run */
	double cpu[MEASURE_MAX_SAMPLES];  /* user + system seconds, per run */
	size_t n;			  /* timed runs so far */
	int failed;			  /* set when a run of it went wrong */
};

/*
 * The timer program, compiled once into ctx's build cache (found there on
 * later calls).  Returns its path, allocated (the caller frees it), or
 * NULL with e set: the timer not compiling is our own failure.
 */
char *measure_timer(struct check_ctx *ctx, struct err *e);

/*
 * Run `warm` untimed rounds, then `rounds` timed rounds, over s[0..n)
 * (n from 1 to MEASURE_BOX_MAX_CMDS) in one check_exec() of `timer` (from
 * measure_timer()).  Each run is killed after limit_s seconds (>= 1); its
 * output goes to a scratch file in ctx->workdir, never into a figure.
 * Every timed run appends its wall and processor seconds to its series
 * (samples beyond MEASURE_MAX_SAMPLES are dropped).
 *
 * A run that exits with another status than its series' `want`, is killed
 * by a signal or outlives limit_s stops the measurement: that series gets
 * `failed` set, out is set to VS_FAIL with a message naming its label
 * ("your program exited with status 1, expected 0", "... was killed by
 * SIGSEGV (...)", "... did not finish within 5 s"), and 1 is returned;
 * the samples of the runs before it are kept.  Returns 0 when every run
 * went well, -1 with e set for our own failure (the timer could not run).
 */
int measure_in_box(struct check_ctx *ctx, const char *timer,
		   struct measure_series *s, size_t n, int rounds, int warm,
		   int limit_s, struct check_result *out, struct err *e);

/* The timer's source, built into the binary (build/gen/timer_src.c). */
extern const char wb_timer_src[];
extern const unsigned long wb_timer_src_len;

#endif
