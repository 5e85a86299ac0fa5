/*
 * Tests for measure.c: the median helper, and timing in the box
 * (measure_timer, measure_in_box) end to end: the timer is compiled into a
 * temporary build cache once for the file and runs real commands (/bin/sh,
 * /bin/true, /bin/sleep) through check_exec, as a practice run.
 *
 * No timing thresholds: the tests count samples, read messages and look at
 * which series failed, never at how long a run took.
 */
#define _GNU_SOURCE
#include "measure.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "build.h"
#include "check.h"
#include "course.h"
#include "util/err.h"
#include "util/path.h"
#include "util/xalloc.h"
#include "verdict.h"

/* ---- fixture --------------------------------------------------------- */

static char root[PATH_MAX]; /* the file's temporary folder */
static char *workdir;	    /* root/work: where the runs happen */
static struct build bld;    /* one cache: the timer is compiled once */
static struct exercise ex;
static struct check_options opts;
static struct check_ctx ctx;
static char *timer; /* from measure_timer(), for the whole file */

static int group_setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	struct err e;
	char *b;

	(void)state;
	snprintf(root, sizeof(root), "%s/wb-measure.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(root))
		return -1;
	b = path_join(root, "build");
	workdir = path_join(root, "work");
	if (build_init(&bld, b, &e) < 0 || path_mkdirs(workdir, &e) < 0) {
		fprintf(stderr, "%s\n", e.msg);
		free(b);
		return -1;
	}
	free(b);
	ctx = (struct check_ctx){
	    .ex = &ex, .workdir = workdir, .build = &bld, .opts = &opts};
	timer = measure_timer(&ctx, &e);
	if (!timer) {
		fprintf(stderr, "measure_timer: %s\n", e.msg);
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	struct err e;

	(void)state;
	free(timer);
	build_release(&bld);
	path_remove_tree(root, &e);
	free(workdir);
	return 0;
}

/* A check result to fill, released by the test's teardown. */
struct fx {
	struct exercise_result x;
	struct check_result *out;
	struct measure_series s[MEASURE_BOX_MAX_CMDS + 1];
};

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));

	f->out = exercise_add_check(&f->x, "timed", "startup", "verify");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	exercise_result_release(&f->x);
	free(f);
	return 0;
}

/* argv vectors the series borrow (static: they outlive every call). */
static char sh[] = "/bin/sh", dash_c[] = "-c", true_path[] = "/bin/true";
static char sleep_path[] = "/bin/sleep", thirty[] = "30";

static void series(struct measure_series *s, const char *label, char **argv,
		   const char *in, int want)
{
	memset(s, 0, sizeof(*s));
	s->label = label;
	s->argv = argv;
	s->in = in;
	s->want = want;
}

/* ---- measure_median ---------------------------------------------------- */

static void test_median_odd_count_is_the_middle(void **state)
{
	const double v[] = {3, 1, 2, 9, 0.5};
	double best = -1;

	(void)state;
	assert_true(measure_median(v, 5, &best) == 2);
	assert_true(best == 0.5);
	assert_true(v[0] == 3 && v[4] == 0.5); /* not sorted in place */
}

static void test_median_even_count_is_the_mean_of_the_middle(void **state)
{
	const double v[] = {4, 1, 3, 2};
	double best = -1;

	(void)state;
	assert_true(measure_median(v, 4, &best) == 2.5);
	assert_true(best == 1);
	assert_true(measure_median(v + 1, 2, NULL) == 2); /* {1, 3} */
}

static void test_median_of_nothing_is_zero(void **state)
{
	double best = -1;

	(void)state;
	assert_true(measure_median(NULL, 0, &best) == 0);
	assert_true(best == 0);
}

/* ---- measure_timer ------------------------------------------------------ */

static void test_timer_is_built_once(void **state)
{
	struct stat a, b;
	struct err e;
	char *again;

	(void)state;
	assert_int_equal(stat(timer, &a), 0);
	assert_true(a.st_mode & S_IXUSR);
	again = measure_timer(&ctx, &e);
	assert_non_null(again);
	assert_string_equal(again, timer);
	assert_int_equal(stat(again, &b), 0);
	assert_true(a.st_ino == b.st_ino &&
		    a.st_mtim.tv_sec == b.st_mtim.tv_sec &&
		    a.st_mtim.tv_nsec == b.st_mtim.tv_nsec);
	free(again);
}

/* ---- measure_in_box ---------------------------------------------------- */

static void test_each_timed_round_adds_one_sample(void **state)
{
	struct fx *f = *state;
	char *t_argv[] = {true_path, NULL};
	char exit3[] = "exit 3", *x_argv[] = {sh, dash_c, exit3, NULL};
	struct err e;

	series(&f->s[0], "true", t_argv, "-", 0);
	series(&f->s[1], "exit 3", x_argv, "-", 3);
	assert_int_equal(
	    measure_in_box(&ctx, timer, f->s, 2, 4, 1, 5, f->out, &e), 0);
	assert_int_equal(f->s[0].n, 4);
	assert_int_equal(f->s[1].n, 4);
	for (size_t i = 0; i < 4; i++)
		assert_true(f->s[0].wall[i] > 0 && f->s[0].cpu[i] >= 0);
	assert_false(f->s[0].failed || f->s[1].failed);
	assert_int_equal(f->out->status, VS_SKIP); /* untouched */
	/* A second call adds to the samples (a re-measure). */
	assert_int_equal(
	    measure_in_box(&ctx, timer, f->s, 2, 2, 0, 5, f->out, &e), 0);
	assert_int_equal(f->s[0].n, 6);
	assert_int_equal(f->s[1].n, 6);
}

static void test_samples_stop_at_the_cap(void **state)
{
	struct fx *f = *state;
	char *t_argv[] = {true_path, NULL};
	struct err e;

	series(&f->s[0], "true", t_argv, "-", 0);
	assert_int_equal(measure_in_box(&ctx, timer, f->s, 1,
					MEASURE_MAX_SAMPLES + 4, 0, 5, f->out,
					&e),
			 0);
	assert_int_equal(f->s[0].n, MEASURE_MAX_SAMPLES);
}

/* What a command prints never reaches the timer's own lines. */
static void test_output_of_a_run_is_not_a_figure(void **state)
{
	struct fx *f = *state;
	char say[] = "echo 't 0 99 99'; echo 'f 0 exit 7' >&2",
	     *argv[] = {sh, dash_c, say, NULL};
	struct err e;

	series(&f->s[0], "liar", argv, "-", 0);
	assert_int_equal(
	    measure_in_box(&ctx, timer, f->s, 1, 3, 0, 5, f->out, &e), 0);
	assert_int_equal(f->s[0].n, 3);
	for (size_t i = 0; i < 3; i++)
		assert_true(f->s[0].wall[i] != 99 && f->s[0].cpu[i] != 99);
	assert_false(f->s[0].failed);
}

static void test_wrong_exit_names_the_command_and_both_statuses(void **state)
{
	struct fx *f = *state;
	char *t_argv[] = {true_path, NULL};
	char exit2[] = "exit 2", *x_argv[] = {sh, dash_c, exit2, NULL};
	struct err e;

	series(&f->s[0], "true", t_argv, "-", 0);
	series(&f->s[1], "your program", x_argv, "-", 0);
	assert_int_equal(
	    measure_in_box(&ctx, timer, f->s, 2, 3, 1, 5, f->out, &e), 1);
	assert_false(f->s[0].failed);
	assert_true(f->s[1].failed);
	assert_int_equal(f->out->status, VS_FAIL);
	assert_string_equal(f->out->message,
			    "your program exited with status 2, expected 0");
}

static void test_a_signal_is_named(void **state)
{
	struct fx *f = *state;
	char die[] = "kill -SEGV $$", *argv[] = {sh, dash_c, die, NULL};
	struct err e;

	series(&f->s[0], "your program", argv, "-", 0);
	assert_int_equal(
	    measure_in_box(&ctx, timer, f->s, 1, 2, 0, 5, f->out, &e), 1);
	assert_true(f->s[0].failed);
	assert_int_equal(f->out->status, VS_FAIL);
	assert_string_equal(f->out->message,
			    "your program was killed by SIGSEGV "
			    "(segmentation fault)");
}

static void test_a_hung_run_is_stopped_at_the_limit(void **state)
{
	struct fx *f = *state;
	char *argv[] = {sleep_path, thirty, NULL};
	struct err e;

	series(&f->s[0], "your program", argv, "-", 0);
	assert_int_equal(
	    measure_in_box(&ctx, timer, f->s, 1, 1, 0, 1, f->out, &e), 1);
	assert_true(f->s[0].failed);
	assert_int_equal(f->s[0].n, 0);
	assert_string_equal(f->out->message,
			    "your program did not finish within 1 s");
}

/* Every run reads its stdin file from the start; "-" is /dev/null. */
static void test_stdin_comes_from_the_file_every_run(void **state)
{
	struct fx *f = *state;
	char check[] = "read x && test \"$x\" = hello",
	     *argv[] = {sh, dash_c, check, NULL};
	char *in = path_join(workdir, "stdin.txt");
	struct err e;

	assert_int_equal(path_write_file(in, "hello\n", 6, 0644, &e), 0);
	series(&f->s[0], "reader", argv, in, 0);
	assert_int_equal(
	    measure_in_box(&ctx, timer, f->s, 1, 3, 1, 5, f->out, &e), 0);
	assert_int_equal(f->s[0].n, 3);
	series(&f->s[0], "reader", argv, "-", 0);
	assert_int_equal(
	    measure_in_box(&ctx, timer, f->s, 1, 1, 0, 5, f->out, &e), 1);
	assert_string_equal(f->out->message,
			    "reader exited with status 1, expected 0");
	unlink(in);
	free(in);
}

static void test_too_many_commands_is_our_error(void **state)
{
	struct fx *f = *state;
	char *t_argv[] = {true_path, NULL};
	struct err e;

	for (size_t i = 0; i <= MEASURE_BOX_MAX_CMDS; i++)
		series(&f->s[i], "true", t_argv, "-", 0);
	e.msg[0] = '\0';
	assert_int_equal(measure_in_box(&ctx, timer, f->s,
					MEASURE_BOX_MAX_CMDS + 1, 1, 0, 5,
					f->out, &e),
			 -1);
	assert_true(e.msg[0] != '\0');
	e.msg[0] = '\0';
	assert_int_equal(
	    measure_in_box(&ctx, timer, f->s, 0, 1, 0, 5, f->out, &e), -1);
	assert_true(e.msg[0] != '\0');
	/* The largest count is fine. */
	assert_int_equal(measure_in_box(&ctx, timer, f->s, MEASURE_BOX_MAX_CMDS,
					1, 0, 5, f->out, &e),
			 0);
	assert_int_equal(f->s[MEASURE_BOX_MAX_CMDS - 1].n, 1);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_median_odd_count_is_the_middle),
	    cmocka_unit_test(test_median_even_count_is_the_mean_of_the_middle),
	    cmocka_unit_test(test_median_of_nothing_is_zero),
	    cmocka_unit_test(test_timer_is_built_once),
	    T(test_each_timed_round_adds_one_sample),
	    T(test_samples_stop_at_the_cap),
	    T(test_output_of_a_run_is_not_a_figure),
	    T(test_wrong_exit_names_the_command_and_both_statuses),
	    T(test_a_signal_is_named),
	    T(test_a_hung_run_is_stopped_at_the_limit),
	    T(test_stdin_comes_from_the_file_every_run),
	    T(test_too_many_commands_is_our_error),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
