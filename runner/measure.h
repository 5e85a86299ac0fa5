/*
 * measure: timing programs for measured checks (speedup, startup,
 * throughput, ...).
 *
 * Commands run interleaved (one run of each per round), so a busy machine
 * slows them alike, and each gets its best and median wall time over the
 * rounds.  Only the program's run is timed, never a compile.  A measured
 * check that misses its threshold calls measure_interleaved() again before
 * it reports a fail (DESIGN.md: "best of N, and a re-measure before a fail
 * is reported"); samples accumulate across calls.
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
	const char *label;        /* "1 thread", "python3 -c pass", ... */
	struct proc_opts po;      /* what to run (check_exec defaults apply) */
	int expect_exit;          /* the exit status a good run has */
	double samples[MEASURE_MAX_SAMPLES];
	size_t nsamples;
	double best, median;      /* seconds, over all samples so far */
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

#endif
