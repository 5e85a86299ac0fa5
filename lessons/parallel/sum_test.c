/*
 * Tests for parallel/sum: collatz_total().
 *
 * The starter passes these: its answer is right, it is only slow.  They
 * guard the answer while you add threads: the same total for any number
 * of threads, shares that cover 1..n exactly (no number missed or counted
 * twice), and small n with more threads than numbers.  The sanitize
 * check runs them again under ThreadSanitizer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

uint64_t collatz_total(uint64_t n, int threads);

/* The test's own serial answer. */
static uint64_t expected(uint64_t n)
{
	uint64_t total = 0;

	for (uint64_t x = 2; x <= n; x++)
		for (uint64_t v = x; v != 1; total++)
			v = v % 2 ? 3 * v + 1 : v / 2;
	return total;
}

static void test_known_small_totals(void **state)
{
	(void)state;
	/* 1..10 take 0,1,7,2,5,8,16,3,19,6 steps. */
	assert_int_equal(collatz_total(10, 1), 67);
	assert_int_equal(collatz_total(10, 2), 67);
	assert_int_equal(collatz_total(1, 1), 0);
	assert_int_equal(collatz_total(2, 2), 1);
}

static void test_zero_is_empty(void **state)
{
	(void)state;
	assert_int_equal(collatz_total(0, 1), 0);
	assert_int_equal(collatz_total(0, 4), 0);
}

static void test_same_total_for_any_thread_count(void **state)
{
	const uint64_t n = 20000;
	const uint64_t want = expected(n);
	(void)state;

	for (int threads = 1; threads <= 8; threads++) {
		uint64_t got = collatz_total(n, threads);
		if (got != want)
			fail_msg(
			    "collatz_total(%llu, %d) = %llu, expected %llu",
			    (unsigned long long)n, threads,
			    (unsigned long long)got, (unsigned long long)want);
	}
}

static void test_shares_cover_every_number_once(void **state)
{
	(void)state;
	/* Sizes that do not divide evenly: a number left out or counted
	 * twice at a share boundary changes the total. */
	for (uint64_t n = 1; n <= 40; n++)
		for (int threads = 1; threads <= 7; threads++) {
			uint64_t got = collatz_total(n, threads);
			if (got != expected(n))
				fail_msg("collatz_total(%llu, %d) = %llu, "
					 "expected %llu",
					 (unsigned long long)n, threads,
					 (unsigned long long)got,
					 (unsigned long long)expected(n));
		}
}

static void test_more_threads_than_numbers(void **state)
{
	(void)state;
	assert_int_equal(collatz_total(3, 8), expected(3));
	assert_int_equal(collatz_total(5, 64), expected(5));
}

static void test_many_threads(void **state)
{
	(void)state;
	assert_int_equal(collatz_total(100000, 64), expected(100000));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_known_small_totals),
	    cmocka_unit_test(test_zero_is_empty),
	    cmocka_unit_test(test_same_total_for_any_thread_count),
	    cmocka_unit_test(test_shares_cover_every_number_once),
	    cmocka_unit_test(test_more_threads_than_numbers),
	    cmocka_unit_test(test_many_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
