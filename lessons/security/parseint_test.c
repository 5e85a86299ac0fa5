/*
 * Tests for security/parseint: parse_long() on good and hostile text.
 * Under UBSan (the sanitize check) an overflowing multiplication stops
 * the run and names the line.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>

int parse_long(const char *s, long min, long max, long *out);

static void accepts(const char *s, long min, long max, long want)
{
	long out = 12345;

	errno = EDOM; /* a stale errno must not matter */
	if (parse_long(s, min, max, &out) != 0)
		fail_msg("parse_long(\"%s\", %ld, %ld) failed, expected %ld", s,
			 min, max, want);
	if (out != want)
		fail_msg("parse_long(\"%s\") gave %ld, expected %ld", s, out,
			 want);
}

static void rejects(const char *s, long min, long max, int want_errno)
{
	long out = 12345;

	errno = 0;
	if (parse_long(s, min, max, &out) != -1)
		fail_msg("parse_long(\"%s\", %ld, %ld) accepted it (as %ld); "
			 "expected -1 with errno %s",
			 s, min, max, out,
			 want_errno == EINVAL ? "EINVAL" : "ERANGE");
	if (errno != want_errno)
		fail_msg("parse_long(\"%s\") set errno %d, expected %s", s,
			 errno, want_errno == EINVAL ? "EINVAL" : "ERANGE");
	if (out != 12345)
		fail_msg("parse_long(\"%s\") failed but changed *out", s);
}

static void test_plain_numbers(void **state)
{
	(void)state;
	accepts("0", 0, 100, 0);
	accepts("42", 0, 100, 42);
	accepts("-17", -100, 100, -17);
	accepts("+5", 0, 100, 5);
	accepts("0065535", 0, 65535, 65535);
}

static void test_limits_of_a_long(void **state)
{
	(void)state;
	accepts("9223372036854775807", LONG_MIN, LONG_MAX, LONG_MAX);
	accepts("-9223372036854775808", LONG_MIN, LONG_MAX, LONG_MIN);
}

static void test_garbage_is_einval(void **state)
{
	(void)state;
	rejects("", 0, 100, EINVAL);
	rejects("abc", 0, 100, EINVAL);
	rejects("12abc", 0, 100, EINVAL);
	rejects("-", 0, 100, EINVAL);
	rejects("+", 0, 100, EINVAL);
	rejects("1.5", 0, 100, EINVAL);
	rejects("0x10", 0, 100, EINVAL);
	rejects("--1", -100, 100, EINVAL);
}

static void test_spaces_are_einval(void **state)
{
	(void)state;
	rejects(" 7", 0, 100, EINVAL);
	rejects("7 ", 0, 100, EINVAL);
	rejects("\t7", 0, 100, EINVAL);
	rejects("7\n", 0, 100, EINVAL);
}

static void test_out_of_range_is_erange(void **state)
{
	(void)state;
	rejects("65536", 0, 65535, ERANGE);
	rejects("-1", 0, 65535, ERANGE);
}

static void test_too_big_for_a_long_is_erange(void **state)
{
	(void)state;
	rejects("9223372036854775808", LONG_MIN, LONG_MAX, ERANGE);
	rejects("-9223372036854775809", LONG_MIN, LONG_MAX, ERANGE);
	rejects("99999999999999999999999999", LONG_MIN, LONG_MAX, ERANGE);
	/* Wraps around to a small positive number in a naive loop. */
	rejects("18446744073709551617", 0, 100, ERANGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain_numbers),
	    cmocka_unit_test(test_limits_of_a_long),
	    cmocka_unit_test(test_garbage_is_einval),
	    cmocka_unit_test(test_spaces_are_einval),
	    cmocka_unit_test(test_out_of_range_is_erange),
	    cmocka_unit_test(test_too_big_for_a_long_is_erange),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
