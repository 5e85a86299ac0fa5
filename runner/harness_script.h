/*
 * harness_script: what the check kinds that hand the learner's build to a
 * script of the lesson share (wasm, luamod, pyext;
 * docs/checks/script-harness.md).  Each kind builds its artifact and
 * names its interpreter; this module runs
 *
 *     INTERPRETER HARNESS MODULE ARGS...
 *
 * with a random nonce as the one line of the script's stdin, reads the
 * script's report and gives the verdict.  The script reports on stdout,
 * one line each, every line carrying "WB1 NONCE ": "step TEXT",
 * "fail TEXT", "note TEXT", "time base|native SECONDS [RUNS]",
 * "ok [TEXT]".  Other output is kept for the learner.  For the kinds whose
 * artifact is a shared object (luamod, pyext) it also builds that.
 *
 * The kind's fields table must have the fields this module reads from the
 * spec: "harness" (PARAM_FILE), "args" and "quick_args" (PARAM_LIST),
 * "min_speedup" (PARAM_NUM) and "baseline" (PARAM_STR); for
 * harness_script_check_name "module" (PARAM_STR), and for
 * harness_script_check_so "cflags" (PARAM_LIST) and "werror"
 * (PARAM_BOOL).
 */
#ifndef WB_HARNESS_SCRIPT_H
#define WB_HARNESS_SCRIPT_H

#include <stddef.h>

struct check_ctx;
struct check_result;
struct check_spec;
struct err;

/* What the harness reported over one or more runs.  Zero-initialise it
 * before the first run: the times accumulate across runs, the rest is the
 * last run's. */
struct harness_script_report {
	int verdict;	     /* 1 ok, -1 fail, 0 none */
	char text[512];	     /* the fail message, or the ok text */
	char step[256];	     /* the last step announced */
	char notes[512];     /* "; "-joined notes of the last run */
	double base, native; /* best times over every run; 0: none */
	long runs;	     /* timed runs behind the best times */
};

/*
 * How a kind runs its harness and words its verdict.  Every pointer is
 * borrowed: it must stay valid during the call it is passed to.
 */
struct harness_script_opts {
	const char *interpreter; /* argv[0]: the path of node, lua5.4, ... */
	/* The interpreter in a crash message; NULL: its file name. */
	const char *label;
	const char *noun; /* "harness" or "script", in messages */
	/* The harness in a lesson-bug error; NULL: its file name. */
	const char *shown;
	const char *module; /* argv[2]: the built artifact */
	/* "K=V" strings added to check_child_env(), NULL-terminated; NULL:
	 * the child environment as it is. */
	const char *const *env;
	const char *cwd;      /* the folder to run in; NULL: ctx->workdir */
	const char *baseline; /* the default of the "baseline" field */
	int ratio_digits;     /* decimals of the ratio in the message */
	const char *passed;   /* the pass message when "ok" has no text;
				 NULL: none */
};

/*
 * Read one run's report from the script's stdout (len bytes): the lines
 * carrying prefix ("WB1 NONCE "), anywhere on the line.  Times
 * accumulate into r (best base, best native, runs); verdict, text, step
 * and notes are this run's.  The first "fail" wins over any "ok".
 */
void harness_script_parse(struct harness_script_report *r, const char *text,
			  size_t len, const char *prefix);

/*
 * Run the harness, and when spec's min_speedup is missed, run it again
 * (up to twice more) before the miss counts; the best times of every run
 * are in r.  Returns 1 when the last run said "ok" (call
 * harness_script_judge, after any check of the kind's own), 0 when out
 * holds the verdict (VS_FAIL: the script reported "fail", crashed, timed
 * out, or ended without a verdict), -1 with e set for our failure or a
 * lesson bug (min_speedup without "time" lines).  The script's output,
 * without the report lines, is kept in out whenever it ran.
 */
int harness_script_measure(struct check_ctx *ctx, const struct check_spec *spec,
			   const struct harness_script_opts *o,
			   struct harness_script_report *r,
			   struct check_result *out, struct err *e);

/*
 * The verdict after "ok": with min_speedup, the ratio best base time /
 * best native time against it (value and threshold set, unit "x");
 * without, a pass.  extra (NULL: none) is a "; "-joined part of the
 * message before the script's notes, such as the module's size.
 */
void harness_script_judge(const struct check_spec *spec,
			  const struct harness_script_opts *o,
			  const struct harness_script_report *r,
			  const char *extra, struct check_result *out);

/*
 * harness_script_measure, then harness_script_judge with no extra part:
 * for a kind with no check of its own after "ok".  Returns 0 (out holds
 * the verdict), or -1 with e set.
 */
int harness_script_check(struct check_ctx *ctx, const struct check_spec *spec,
			 const struct harness_script_opts *o,
			 struct check_result *out, struct err *e);

/*
 * Check that spec's "module" field is a C identifier, as the entry point
 * (luaopen_NAME, PyInit_NAME) needs.  Returns 0, or -1 with e set ("KIND:
 * module 'NAME' is not a C identifier (a lesson bug)").
 */
int harness_script_check_name(const struct check_spec *spec, struct err *e);

/*
 * For a kind whose artifact is a shared object (luamod, pyext): build the
 * learner's file as one (gcc -shared -fPIC -O2, include (NULL: none) and
 * spec's "cflags", through the build cache; the compiler's diagnostics go
 * to out), copy it to o->module (its folder made), then
 * harness_script_check.  A file that does not compile is a verdict in
 * out.  Returns 0, or -1 with e set.
 */
int harness_script_check_so(struct check_ctx *ctx,
			    const struct check_spec *spec, const char *include,
			    const struct harness_script_opts *o,
			    struct check_result *out, struct err *e);

#endif
