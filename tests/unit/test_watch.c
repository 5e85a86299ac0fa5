/*
 * Unit tests for watch.c: inotify on the file's folder, the polling
 * fallback, and the switch from one to the other when inotify stays
 * silent.  A silent inotify (what network file systems give) is simulated
 * by wrapping inotify_init1 and inotify_add_watch.
 *
 * No test sleeps for a fixed time: each waits for a condition (an event,
 * the watch's own next comparison) up to a deadline.
 */
// WRAP: inotify_init1 inotify_add_watch
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/err.h"
#include "util/path.h"
#include "watch.h"

int __real_inotify_init1(int flags);
int __wrap_inotify_init1(int flags);
int __real_inotify_add_watch(int fd, const char *path, uint32_t mask);
int __wrap_inotify_add_watch(int fd, const char *path, uint32_t mask);

enum fake { REAL, SILENT, UNAVAILABLE };
static enum fake fake;
static int silent_pipe[2] = {-1, -1};

/* SILENT: a descriptor that never becomes readable, as on a file system
 * that accepts the watch but never reports. */
int __wrap_inotify_init1(int flags)
{
	if (fake == UNAVAILABLE) {
		errno = EMFILE;
		return -1;
	}
	if (fake == SILENT) {
		if (pipe2(silent_pipe, O_NONBLOCK | O_CLOEXEC) != 0)
			return -1;
		return silent_pipe[0];
	}
	return __real_inotify_init1(flags);
}

int __wrap_inotify_add_watch(int fd, const char *path, uint32_t mask)
{
	if (fake == SILENT)
		return 1;
	return __real_inotify_add_watch(fd, path, mask);
}

static char dir[256];
static char file[300];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "%s/wbwatch.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(dir));
	snprintf(file, sizeof(file), "%s/ex.c", dir);
	fake = REAL;
	unsetenv("WORKBOOK_WATCH");
	return 0;
}

static int teardown(void **state)
{
	struct err e;

	(void)state;
	assert_int_equal(path_remove_tree(dir, &e), 0);
	if (silent_pipe[1] >= 0)
		close(silent_pipe[1]);
	silent_pipe[0] = silent_pipe[1] = -1;
	return 0;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* The next comparison comes `ms` after the last one. */
static void set_interval(struct watch *w, int ms)
{
	w->interval_ms = ms;
	w->next_stat_ms = w->stat_ms + ms;
}

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait the way an event loop does (poll on the fd, at most the watch's
 * timeout) until watch_poll reports a change; 0 when `ms` passed first. */
static int wait_change(struct watch *w, int ms)
{
	long long end = mono_ms() + ms;

	while (mono_ms() < end) {
		struct pollfd p = {watch_fd(w), POLLIN, 0};

		poll(&p, p.fd >= 0 ? 1 : 0, watch_timeout_ms(w));
		if (watch_poll(w))
			return 1;
	}
	return 0;
}

/* Let the watch make `n` more stat comparisons; returns how many changes
 * it reported meanwhile. */
static int run_comparisons(struct watch *w, int n)
{
	int changes = 0;
	long long last = w->stat_ms;

	while (n > 0) {
		struct pollfd p = {watch_fd(w), POLLIN, 0};

		poll(&p, p.fd >= 0 ? 1 : 0, watch_timeout_ms(w));
		changes += watch_poll(w);
		if (w->stat_ms != last) {
			last = w->stat_ms;
			n--;
		}
	}
	return changes;
}

static void test_inotify_reports_a_save(void **state)
{
	struct watch w;
	struct err e;

	(void)state;
	write_file(file, "int x;\n");
	assert_int_equal(watch_open(&w, file, 0, &e), 0);
	assert_string_equal(watch_mode_name(&w), "inotify");
	assert_true(watch_fd(&w) >= 0);
	set_interval(&w, 10000); /* only inotify can report in time */
	write_file(file, "int x = 1;\n");
	assert_true(wait_change(&w, 5000));
	assert_string_equal(watch_mode_name(&w), "inotify");
	watch_close(&w);
}

static void test_rename_over_the_file_is_a_save(void **state)
{
	char tmp[320];
	struct watch w;
	struct err e;

	(void)state;
	write_file(file, "old\n");
	assert_int_equal(watch_open(&w, file, 0, &e), 0);
	set_interval(&w, 10000);
	snprintf(tmp, sizeof(tmp), "%s/.ex.c.swp", dir);
	write_file(tmp, "new contents\n");
	assert_int_equal(rename(tmp, file), 0);
	assert_true(wait_change(&w, 5000));
	watch_close(&w);
}

static void test_other_files_are_ignored(void **state)
{
	char other[320];
	struct watch w;
	struct err e;
	struct pollfd p;

	(void)state;
	write_file(file, "x\n");
	assert_int_equal(watch_open(&w, file, 0, &e), 0);
	set_interval(&w, 10000);
	snprintf(other, sizeof(other), "%s/other.c", dir);
	write_file(other, "y\n");
	/* The event for other.c is queued: wait until it is readable. */
	p = (struct pollfd){watch_fd(&w), POLLIN, 0};
	assert_int_equal(poll(&p, 1, 5000), 1);
	assert_int_equal(watch_poll(&w), 0);
	/* A save of our file after it is still seen. */
	write_file(file, "xx\n");
	assert_true(wait_change(&w, 5000));
	watch_close(&w);
}

static void test_polling_mode_sees_a_save(void **state)
{
	struct watch w;
	struct err e;

	(void)state;
	write_file(file, "a\n");
	assert_int_equal(watch_open(&w, file, WATCH_POLL, &e), 0);
	assert_string_equal(watch_mode_name(&w), "polling");
	assert_int_equal(watch_fd(&w), -1);
	set_interval(&w, 20);
	assert_int_equal(run_comparisons(&w, 3), 0);
	write_file(file, "ab\n");
	assert_true(wait_change(&w, 5000));
	/* Reported once, not again at the next comparisons. */
	assert_int_equal(run_comparisons(&w, 3), 0);
	watch_close(&w);
}

static void test_environment_forces_polling(void **state)
{
	struct watch w;
	struct err e;

	(void)state;
	setenv("WORKBOOK_WATCH", "poll", 1);
	assert_int_equal(watch_open(&w, file, 0, &e), 0);
	assert_string_equal(watch_mode_name(&w), "polling");
	watch_close(&w);
	unsetenv("WORKBOOK_WATCH");
}

static void test_silent_inotify_falls_back_to_polling(void **state)
{
	struct watch w;
	struct err e;

	(void)state;
	fake = SILENT;
	write_file(file, "a\n");
	assert_int_equal(watch_open(&w, file, 0, &e), 0);
	assert_string_equal(watch_mode_name(&w), "inotify");
	set_interval(&w, 20);
	write_file(file, "abc\n");
	assert_true(wait_change(&w, 5000));
	assert_string_equal(watch_mode_name(&w), "polling");
	assert_true(w.fell_back);
	/* And polling goes on seeing saves. */
	write_file(file, "abcd\n");
	assert_true(wait_change(&w, 5000));
	watch_close(&w);
}

static void test_working_inotify_does_not_fall_back(void **state)
{
	struct watch w;
	struct err e;
	int fd;

	(void)state;
	write_file(file, "a\n");
	assert_int_equal(watch_open(&w, file, 0, &e), 0);
	set_interval(&w, 20);
	/* A write left open: no close event yet, but inotify saw it. */
	fd = open(file, O_WRONLY | O_APPEND);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "more\n", 5), 5);
	assert_true(wait_change(&w, 5000));
	assert_string_equal(watch_mode_name(&w), "inotify");
	close(fd);
	watch_close(&w);
}

static void test_inotify_unavailable_polls(void **state)
{
	struct watch w;
	struct err e;

	(void)state;
	fake = UNAVAILABLE;
	write_file(file, "a\n");
	assert_int_equal(watch_open(&w, file, 0, &e), 0);
	assert_string_equal(watch_mode_name(&w), "polling");
	set_interval(&w, 20);
	write_file(file, "ab\n");
	assert_true(wait_change(&w, 5000));
	watch_close(&w);
}

static void test_creation_is_a_change(void **state)
{
	struct watch w;
	struct err e;

	(void)state;
	assert_int_equal(watch_open(&w, file, 0, &e), 0);
	set_interval(&w, 10000);
	write_file(file, "born\n");
	assert_true(wait_change(&w, 5000));
	watch_close(&w);
}

static void test_sync_forgets_our_own_write(void **state)
{
	struct watch w;
	struct err e;

	(void)state;
	write_file(file, "a\n");
	assert_int_equal(watch_open(&w, file, 0, &e), 0);
	set_interval(&w, 20);
	write_file(file, "reset to the starter\n");
	watch_sync(&w);
	assert_int_equal(run_comparisons(&w, 3), 0);
	assert_string_equal(watch_mode_name(&w), "inotify");
	watch_close(&w);
}

static void test_bad_path_is_an_error(void **state)
{
	struct watch w;
	struct err e;

	(void)state;
	assert_int_equal(watch_open(&w, "", 0, &e), -1);
	assert_int_equal(watch_open(&w, "/tmp/", 0, &e), -1);
	assert_non_null(strstr(e.msg, "cannot watch"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_inotify_reports_a_save, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_rename_over_the_file_is_a_save,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_other_files_are_ignored, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_polling_mode_sees_a_save,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_environment_forces_polling,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_silent_inotify_falls_back_to_polling, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_working_inotify_does_not_fall_back, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_inotify_unavailable_polls,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_creation_is_a_change, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_sync_forgets_our_own_write,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_path_is_an_error, setup,
					    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
