/*
 * The workbook test harness.  workbook compiles this file once per flag set
 * (it is kept in the build cache) and links it with a lesson's cmocka test
 * file, built with -Dmain=wb_test_main, and the learner's object, using
 *     -Wl,--wrap=main -Wl,--wrap=_cmocka_run_group_tests
 * so that the C start-up code calls __wrap_main below (the learner's own
 * main, if any, is never run) and every cmocka group runs through
 * __wrap__cmocka_run_group_tests, one test at a time.
 *
 * Results travel over a private pipe (the fd named by WB_CHANNEL_FD), never
 * over stdout, and every record carries a nonce the runner chose for this
 * run.  The nonce arrives as the first line of standard input, which a
 * constructor reads before any of the learner's constructors run (the
 * learner's file is compiled with -Werror=prio-ctor-dtor, so it cannot ask
 * to run earlier): once read it is gone from the pipe, and it was never in
 * the environment, where /proc/self/environ would keep it.  The runner counts a run as complete only when the final
 * "end" record arrives: an early exit(0), _exit, abort or a closed channel
 * leaves it missing, and the tests fail.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

int wb_test_main(void);
int __wrap_main(int argc, char **argv);
int __real__cmocka_run_group_tests(const char *group,
				   const struct CMUnitTest *tests, size_t n,
				   CMFixtureFunction setup,
				   CMFixtureFunction teardown);
int __wrap__cmocka_run_group_tests(const char *group,
				   const struct CMUnitTest *tests, size_t n,
				   CMFixtureFunction setup,
				   CMFixtureFunction teardown);

static int wb_chan = -1;
static char wb_nonce[64];
static int wb_total, wb_failed;

/* The first line of stdin, byte by byte so nothing more is consumed. */
static void wb_read_nonce(void)
{
	size_t n = 0;
	char c;

	while (n + 1 < sizeof(wb_nonce)) {
		ssize_t r = read(0, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || c == '\n')
			break;
		wb_nonce[n++] = c;
	}
	wb_nonce[n] = '\0';
}

__attribute__((constructor(101))) static void wb_harness_init(void)
{
	const char *fd = getenv("WB_CHANNEL_FD");

	if (fd) {
		char *end;
		long v = strtol(fd, &end, 10);
		if (*end == '\0' && v >= 3 && v < 1024) {
			wb_chan = (int)v;
			fcntl(wb_chan, F_SETFD, FD_CLOEXEC);
		}
	}
	wb_read_nonce();
	unsetenv("WB_CHANNEL_FD");
}

static void wb_record(const char *fmt, ...)
{
	char line[1024];
	int n, m;
	va_list ap;

	if (wb_chan < 0)
		return;
	n = snprintf(line, sizeof(line), "WB1 %s ", wb_nonce);
	va_start(ap, fmt);
	m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (m < 0)
		return;
	n += m;
	if ((size_t)n > sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	for (int off = 0; off < n;) {
		ssize_t w = write(wb_chan, line + off, (size_t)(n - off));
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		off += (int)w;
	}
}

/* Test names travel as one word. */
static const char *wb_word(const char *name, char *out, size_t n)
{
	size_t i = 0;

	for (; name && name[i] && i + 1 < n; i++)
		out[i] = (name[i] == ' ' || name[i] == '\n') ? '_' : name[i];
	out[i] = '\0';
	return out;
}

int __wrap__cmocka_run_group_tests(const char *group,
				   const struct CMUnitTest *tests, size_t n,
				   CMFixtureFunction setup,
				   CMFixtureFunction teardown)
{
	int failed = 0;
	char name[256];

	wb_record("group %zu %s", n, group ? wb_word(group, name, sizeof(name)) : "tests");
	for (size_t i = 0; i < n; i++) {
		wb_word(tests[i].name, name, sizeof(name));
		wb_record("run %s", name);
		fflush(stdout);
		int rc = __real__cmocka_run_group_tests(group, &tests[i], 1,
							setup, teardown);
		fflush(stdout);
		wb_total++;
		if (rc != 0) {
			failed++;
			wb_failed++;
		}
		wb_record("%s %s", rc == 0 ? "pass" : "fail", name);
	}
	return failed;
}

int __wrap_main(int argc, char **argv)
{
	int rc;

	(void)argc;
	(void)argv;
	wb_record("start");
	rc = wb_test_main();
	fflush(stdout);
	fflush(stderr);
	wb_record("end %d %d %d", wb_total, wb_failed, rc);
	return rc;
}
