/*
 * Tests for memory/overflow: copy_name(dst, size, src).
 *
 * The starter fails at `tests`: for a name of `size` bytes or more it
 * writes its '\0' one byte past the end of dst (test_name_one_byte_too_long,
 * test_result_is_terminated, test_nothing_written_past_size, ...), and under
 * `sanitize` test_heap_buffer_of_exact_size turns the same write into an
 * AddressSanitizer heap-buffer-overflow report.
 *
 * Most tests give copy_name a buffer that is GUARD bytes larger than the
 * size they pass, filled with '#'.  Any '#' that changes after the call
 * was written out of bounds, which these tests can see even without a
 * sanitizer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

size_t copy_name(char *dst, size_t size, const char *src);

#define GUARD 8
#define FILL  '#'

static const char long_name[] = "Bartholomew Featherstonehaugh"; /* 29 */

/* Fill a test area with '#', ending in a '\0' so the tests themselves can
 * print it safely. */
static void fill(char *area, size_t len)
{
	memset(area, FILL, len - 1);
	area[len - 1] = '\0';
}

/* Nonzero when the n bytes at p are all still '#'. */
static int untouched(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != FILL)
			return 0;
	return 1;
}

static void test_short_name_is_copied(void **state)
{
	char area[16 + GUARD + 1];
	(void)state;

	fill(area, sizeof area);
	/* copy_name returns strlen(src). */
	assert_int_equal(copy_name(area, 16, "ada"), 3);
	assert_string_equal(area, "ada");
	assert_true(untouched(area + 16, GUARD)); /* nothing past dst[15] */
}

static void test_name_that_exactly_fits(void **state)
{
	char area[16 + GUARD + 1];
	(void)state;

	fill(area, sizeof area);
	/* 15 characters + '\0' = 16 bytes: fits with no truncation. */
	assert_int_equal(copy_name(area, 16, "Ada K. Lovelace"), 15);
	assert_string_equal(area, "Ada K. Lovelace");
	assert_true(untouched(area + 16, GUARD)); /* nothing past dst[15] */
}

static void test_name_one_byte_too_long(void **state)
{
	char area[16 + GUARD + 1];
	(void)state;

	fill(area, sizeof area);
	/* 16 characters do not fit in 16 bytes: one is for the '\0'. */
	assert_int_equal(copy_name(area, 16, "Radia J. Perlman"), 16);
	assert_true(untouched(area + 16, GUARD));     /* wrote past dst[15] */
	assert_string_equal(area, "Radia J. Perlma"); /* 15 chars + '\0' */
}

static void test_long_name_is_truncated(void **state)
{
	char area[16 + GUARD + 1];
	(void)state;

	fill(area, sizeof area);
	assert_int_equal(copy_name(area, 16, long_name), strlen(long_name));
	assert_true(untouched(area + 16, GUARD));     /* wrote past dst[15] */
	assert_string_equal(area, "Bartholomew Fea"); /* first size - 1 chars */
}

static void test_result_is_terminated(void **state)
{
	char area[8 + GUARD + 1];
	(void)state;

	fill(area, sizeof area);
	copy_name(area, 8, long_name);
	/* dst must hold a '\0' inside its own 8 bytes, or it is no string. */
	assert_non_null(memchr(area, '\0', 8)); /* no '\0' in dst[0..7] */
	assert_int_equal(area[7], '\0');	/* it belongs at dst[size-1] */
}

static void test_nothing_written_past_size(void **state)
{
	(void)state;

	for (size_t size = 1; size <= 32; size++) {
		char area[32 + GUARD + 1];

		fill(area, sizeof area);
		copy_name(area, size, long_name);
		if (!untouched(area + size, GUARD))
			fail_msg("with size %zu, copy_name wrote past dst[%zu]",
				 size, size - 1);
	}
}

static void test_size_zero_writes_nothing(void **state)
{
	char area[GUARD + 1];
	(void)state;

	fill(area, sizeof area);
	assert_int_equal(copy_name(area, 0, "ada"), 3); /* still strlen */
	assert_true(untouched(area, GUARD)); /* size 0: not one byte */
}

static void test_size_one_gives_empty_string(void **state)
{
	char area[1 + GUARD + 1];
	(void)state;

	fill(area, sizeof area);
	assert_int_equal(copy_name(area, 1, "ada"), 3);
	assert_string_equal(area, ""); /* room for the '\0' only */
	assert_true(untouched(area + 1, GUARD));
}

static void test_return_value_reports_truncation(void **state)
{
	char buf[16];
	(void)state;

	/* The caller's idiom: a result >= sizeof buf means "truncated". */
	assert_true(copy_name(buf, sizeof buf, "ada") < sizeof buf);
	assert_true(copy_name(buf, sizeof buf, long_name) >= sizeof buf);
	assert_true(copy_name(buf, sizeof buf, "") == 0);
	assert_string_equal(buf, ""); /* an empty name copies as "" */
}

static void test_heap_buffer_of_exact_size(void **state)
{
	/* No guard bytes here: a heap block of exactly 16 bytes, so that an
	 * out-of-bounds write or read is caught by AddressSanitizer. */
	char *dst = malloc(16);
	(void)state;

	assert_non_null(dst);
	copy_name(dst, 16, long_name);
	assert_string_equal(dst, "Bartholomew Fea"); /* reads dst as a string */
	free(dst);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_short_name_is_copied),
	    cmocka_unit_test(test_name_that_exactly_fits),
	    cmocka_unit_test(test_name_one_byte_too_long),
	    cmocka_unit_test(test_long_name_is_truncated),
	    cmocka_unit_test(test_result_is_terminated),
	    cmocka_unit_test(test_nothing_written_past_size),
	    cmocka_unit_test(test_size_zero_writes_nothing),
	    cmocka_unit_test(test_size_one_gives_empty_string),
	    cmocka_unit_test(test_return_value_reports_truncation),
	    cmocka_unit_test(test_heap_buffer_of_exact_size),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
