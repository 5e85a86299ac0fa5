/*
 * testrun: build and run a lesson's cmocka tests against a learner's
 * object through the workbook harness (runner/harness/harness.c), and read
 * the results from the harness's private channel.
 *
 * Used by the `tests` and `sanitize` check kinds.  The test file and the
 * harness are compiled once per flag set and kept in the build cache; only
 * the link and the run happen every time.
 */
#ifndef WB_TESTRUN_H
#define WB_TESTRUN_H

#include <stddef.h>

struct check_ctx;
struct check_result;
struct err;

struct testrun_opts {
	const char *test_file;  /* absolute path of the cmocka test source */
	const char *sanitize;   /* "address,undefined", "thread", or NULL */
	const char *std;        /* C standard for the test file */
	int timeout_ms;         /* 0: default */
};

/*
 * Compile what is missing, link, run, and fill `out`: status, message,
 * sub-tests, diagnostics (sanitizer findings), output excerpt.
 * Returns 0, or -1 with e set for our own failure.
 */
int testrun(struct check_ctx *ctx, const struct testrun_opts *o,
	    struct check_result *out, struct err *e);

/* What the harness's channel said. */
struct testrun_channel {
	int started, ended;
	int total, failed;
	char running[256]; /* the test that started last and did not end */
};

/* Parse the channel's records (lines without `nonce` are ignored); each
 * finished test becomes a sub-test of out. */
void testrun_read_channel(const char *text, size_t len, const char *nonce,
			  struct check_result *out, struct testrun_channel *ch);
/* Attach cmocka's failure messages in `text` to out's failing sub-tests. */
void testrun_attach_messages(struct check_result *out, const char *text,
			     size_t len);

/* The harness source, built into the binary (build/gen/harness_src.c). */
extern const char wb_harness_src[];
extern const unsigned long wb_harness_src_len;

#endif
