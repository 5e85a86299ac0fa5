/*
 * verdict: the result model (DESIGN.md, "Verdicts and reports").
 *
 * A run holds exercises; an exercise holds checks.  Every string is owned by
 * the structure that holds it and freed by the matching _release.  Renderers
 * (report_*.c), the terminal UI and lesson callbacks read this and nothing
 * else.
 */
#ifndef WB_VERDICT_H
#define WB_VERDICT_H

#include <stddef.h>

#include "diag.h"

enum vstatus {
	VS_PASS,
	VS_FAIL,
	VS_SKIP,  /* could not run here (missing tool) or not reached */
	VS_ERROR, /* our own failure: a tool crashed, the disk is full */
};

/* "pass", "fail", "skip", "error" */
const char *vstatus_name(enum vstatus s);

struct check_result {
	char *name;      /* the check's name (defaults to its kind) */
	char *kind;      /* "compiles", "tests", ... */
	char *stage;     /* "compile", "test", "measure" */
	enum vstatus status;
	char *message;   /* one line: why it failed, what it measured */
	char *output;    /* bounded excerpt of the relevant output, or NULL */
	int output_truncated;
	char *skip_package; /* when skipped for a missing tool: the package */
	struct diag_list diags;
	/* Measured checks. */
	int has_value;
	double value;
	double threshold;
	char *unit;      /* "x", "ms", "bytes", "MB/s" */
	char *cmp;       /* ">=" or "<=" */
	/* Sub-tests (cmocka cases): name and whether it passed. */
	struct subtest {
		char *name;
		int passed;
		char *message;
	} *subtests;
	size_t nsubtests, capsubtests;
	double points, max_points; /* partial credit; 0/0 when not used */
	int hidden;
	int optional;    /* a skip of this check does not hold the exercise */
	double seconds;
};

struct exercise_result {
	char *name;      /* "memory/overflow" */
	char *title;     /* may be NULL */
	char *file;      /* the learner's file, as shown to the learner */
	enum vstatus status;
	char *stage;     /* the first failing stage, or NULL */
	char *message;   /* one-line summary */
	double score, max_score;
	int attempts;
	struct check_result *checks;
	size_t nchecks, capchecks;
	/* Feedback returned by the lesson's on_result. */
	char **feedback;
	size_t nfeedback;
	char *feedback_hint;
	char *feedback_error; /* on_result raised: its file:line message */
	double seconds;
};

struct run_result {
	char *student;   /* grading: the student; NULL otherwise */
	struct exercise_result *exercises;
	size_t n, cap;
	char *sandbox_layers; /* grading runs: the layers in effect */
	double seconds;
};

void run_result_init(struct run_result *r);
void run_result_release(struct run_result *r);
/* A new exercise at the end; its strings are copies. */
struct exercise_result *run_result_add(struct run_result *r, const char *name,
				       const char *title, const char *file);
/* Totals over the run. */
void run_result_totals(const struct run_result *r, double *score,
		       double *max_score, size_t *passed, size_t *failed);

void exercise_result_release(struct exercise_result *x);
/* A new check at the end of x, status VS_SKIP until set. */
struct check_result *exercise_add_check(struct exercise_result *x,
					const char *name, const char *kind,
					const char *stage);
/* The first check named `name` (or of kind `name`), or NULL. */
struct check_result *exercise_find_check(const struct exercise_result *x,
					 const char *name);
void exercise_add_feedback(struct exercise_result *x, const char *line);

/* Setters that copy. */
void check_set_message(struct check_result *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void check_set_output(struct check_result *c, const char *text, size_t len,
		      int truncated);
void check_set_value(struct check_result *c, double value, const char *cmp,
		     double threshold, const char *unit);
void check_set_skip(struct check_result *c, const char *package,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void check_add_subtest(struct check_result *c, const char *name, int passed,
		       const char *message);
/* Forget the sub-tests (before the same tests run again). */
void check_clear_subtests(struct check_result *c);

#define OUTPUT_EXCERPT_MAX 4096 /* bytes of output kept in a check result */

#endif
