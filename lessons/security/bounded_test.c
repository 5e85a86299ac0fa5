/*
 * Tests for security/bounded: join_path() with ordinary and hostile
 * lengths.  Every dst is malloc'ed at exactly `size` bytes, so under
 * AddressSanitizer (the sanitize check) one byte too many is reported.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

int join_path(char *dst, size_t size, const char *dir, const char *name);

/* Buffers of one test, freed by the teardown even if the test fails. */
static char *buffers[16];
static size_t nbuffers;

static char *buffer(size_t n)
{
	char *b = malloc(n ? n : 1);

	assert_non_null(b);
	assert_true(nbuffers < 16);
	memset(b, '#', n ? n : 1);
	buffers[nbuffers++] = b;
	return b;
}

static int free_buffers(void **state)
{
	(void)state;
	while (nbuffers > 0)
		free(buffers[--nbuffers]);
	return 0;
}

/* A string of n copies of c (in a test buffer). */
static char *repeat(char c, size_t n)
{
	char *s = buffer(n + 1);

	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static void joins(const char *dir, const char *name, const char *want)
{
	size_t size = strlen(want) + 1;
	char *dst = buffer(size); /* exactly big enough */

	if (join_path(dst, size, dir, name) != 0)
		fail_msg("join_path(\"%s\", \"%s\") failed with %zu bytes, "
			 "exactly enough",
			 dir, name, size);
	if (strcmp(dst, want) != 0)
		fail_msg(
		    "join_path(\"%s\", \"%s\") gave \"%s\", expected \"%s\"",
		    dir, name, dst, want);
}

static void test_joins_with_one_slash(void **state)
{
	(void)state;
	joins("/srv/files", "report.pdf", "/srv/files/report.pdf");
	joins("/srv/files/", "report.pdf", "/srv/files/report.pdf");
	joins("", "report.pdf", "report.pdf");
	joins("/", "etc", "/etc");
	joins("a", "", "a/");
}

static void test_one_byte_short_fails(void **state)
{
	char *dst = buffer(21); /* "/srv/files/report.pdf" needs 22 */
	(void)state;

	assert_int_equal(join_path(dst, 21, "/srv/files", "report.pdf"), -1);
	assert_string_equal(dst, ""); /* no truncated path */
}

static void test_hostile_name(void **state)
{
	char *dst = buffer(256);
	(void)state;

	assert_int_equal(join_path(dst, 256, "/srv/files", repeat('A', 5000)),
			 -1);
	assert_string_equal(dst, "");
	/* Just fits: 10 + 1 + 244 = 255 characters. */
	assert_int_equal(join_path(dst, 256, "/srv/files", repeat('B', 244)),
			 0);
	assert_int_equal(strlen(dst), 255);
}

static void test_hostile_dir(void **state)
{
	char *dst = buffer(64);
	(void)state;

	assert_int_equal(join_path(dst, 64, repeat('d', 4000), "x"), -1);
	assert_string_equal(dst, "");
}

static void test_size_zero_writes_nothing(void **state)
{
	char *dst = buffer(0); /* 1 byte allocated, 0 given */
	(void)state;

	assert_int_equal(join_path(dst, 0, "a", "b"), -1);
	assert_int_equal(dst[0], '#'); /* untouched */
}

static void test_size_one_holds_only_the_end(void **state)
{
	char *dst = buffer(1);
	(void)state;

	assert_int_equal(join_path(dst, 1, "", ""), 0);
	assert_string_equal(dst, "");
	assert_int_equal(join_path(dst, 1, "", "x"), -1);
	assert_string_equal(dst, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_joins_with_one_slash, free_buffers),
	    cmocka_unit_test_teardown(test_one_byte_short_fails, free_buffers),
	    cmocka_unit_test_teardown(test_hostile_name, free_buffers),
	    cmocka_unit_test_teardown(test_hostile_dir, free_buffers),
	    cmocka_unit_test_teardown(test_size_zero_writes_nothing,
				      free_buffers),
	    cmocka_unit_test_teardown(test_size_one_holds_only_the_end,
				      free_buffers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
