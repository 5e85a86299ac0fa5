/*
 * Tests for embedded/ring: a 64-byte queue with static storage.
 *
 * The starter fails test_holds_64_bytes (with "one slot always empty" it
 * holds 63) and test_count_after_wrap_around (head - tail on wrapped
 * indexes goes negative, which for size_t means enormous).  Its malloc is
 * for the freestanding and forbid checks to find.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>

#define RING_SIZE 64

void ring_reset(void);
bool ring_put(uint8_t byte);
bool ring_get(uint8_t *byte);
size_t ring_count(void);

static int setup(void **state)
{
	(void)state;
	ring_reset();
	return 0;
}

static void test_starts_empty(void **state)
{
	uint8_t byte = 0xaa;
	(void)state;

	assert_int_equal(ring_count(), 0);
	assert_false(ring_get(&byte));
	assert_int_equal(byte, 0xaa); /* untouched when there is nothing */
}

static void test_first_in_first_out(void **state)
{
	uint8_t byte;
	(void)state;

	assert_true(ring_put('a'));
	assert_true(ring_put('b'));
	assert_true(ring_put('c'));
	assert_int_equal(ring_count(), 3);
	assert_true(ring_get(&byte));
	assert_int_equal(byte, 'a');
	assert_true(ring_get(&byte));
	assert_int_equal(byte, 'b');
	assert_int_equal(ring_count(), 1);
	assert_true(ring_get(&byte));
	assert_int_equal(byte, 'c');
	assert_false(ring_get(&byte));
}

static void test_holds_64_bytes(void **state)
{
	uint8_t byte;
	(void)state;

	for (int i = 0; i < RING_SIZE; i++)
		if (!ring_put((uint8_t)i))
			fail_msg("ring_put refused byte %d: the queue holds "
				 "%d bytes, and only %d are inside",
				 i + 1, RING_SIZE, i);
	assert_int_equal(ring_count(), RING_SIZE);
	assert_false(ring_put(99)); /* full: refused... */
	assert_int_equal(ring_count(), RING_SIZE);
	for (int i = 0; i < RING_SIZE; i++) {
		assert_true(ring_get(&byte));
		assert_int_equal(byte, i); /* ...and nothing overwritten */
	}
	assert_false(ring_get(&byte));
	assert_int_equal(ring_count(), 0);
}

static void test_full_then_one_out_one_in(void **state)
{
	uint8_t byte;
	(void)state;

	for (int i = 0; i < RING_SIZE; i++)
		assert_true(ring_put((uint8_t)i));
	assert_true(ring_get(&byte));
	assert_int_equal(byte, 0);
	assert_true(ring_put(200)); /* room for exactly one */
	assert_false(ring_put(201));
	for (int i = 1; i < RING_SIZE; i++) {
		assert_true(ring_get(&byte));
		assert_int_equal(byte, i);
	}
	assert_true(ring_get(&byte));
	assert_int_equal(byte, 200);
}

static void test_wraps_around_many_times(void **state)
{
	uint8_t next_in = 0, next_out = 0, byte;
	(void)state;

	/* 40 in, 40 out, over and over: the positions pass the end of the
	 * array again and again, at a different place each time. */
	for (int round = 0; round < 1000; round++) {
		for (int i = 0; i < 40; i++)
			assert_true(ring_put(next_in++));
		assert_int_equal(ring_count(), 40);
		for (int i = 0; i < 40; i++) {
			assert_true(ring_get(&byte));
			if (byte != next_out)
				fail_msg("round %d: got byte %u, expected %u",
					 round, byte, next_out);
			next_out++;
		}
		assert_int_equal(ring_count(), 0);
	}
}

static void test_count_after_wrap_around(void **state)
{
	uint8_t byte;
	(void)state;

	/* Move the front near the end of the array, then fill across it. */
	for (int i = 0; i < 50; i++) {
		assert_true(ring_put(1));
		assert_true(ring_get(&byte));
	}
	for (int i = 0; i < 30; i++)
		assert_true(ring_put((uint8_t)i));
	assert_int_equal(ring_count(), 30);
	for (int i = 0; i < 10; i++)
		assert_true(ring_get(&byte));
	assert_int_equal(ring_count(), 20);
}

static void test_full_after_wrap_around(void **state)
{
	uint8_t byte;
	(void)state;

	for (int i = 0; i < 37; i++) {
		assert_true(ring_put(1));
		assert_true(ring_get(&byte));
	}
	for (int i = 0; i < RING_SIZE; i++)
		assert_true(ring_put((uint8_t)(i + 100)));
	assert_false(ring_put(0));
	assert_int_equal(ring_count(), RING_SIZE);
	for (int i = 0; i < RING_SIZE; i++) {
		assert_true(ring_get(&byte));
		assert_int_equal(byte, i + 100);
	}
	assert_false(ring_get(&byte));
}

static void test_reset_empties(void **state)
{
	uint8_t byte = 7;
	(void)state;

	for (int i = 0; i < 10; i++)
		assert_true(ring_put((uint8_t)i));
	ring_reset();
	assert_int_equal(ring_count(), 0);
	assert_false(ring_get(&byte));
	assert_int_equal(byte, 7);
	for (int i = 0; i < RING_SIZE; i++)
		assert_true(ring_put((uint8_t)i)); /* the whole room again */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_starts_empty, setup),
	    cmocka_unit_test_setup(test_first_in_first_out, setup),
	    cmocka_unit_test_setup(test_holds_64_bytes, setup),
	    cmocka_unit_test_setup(test_full_then_one_out_one_in, setup),
	    cmocka_unit_test_setup(test_wraps_around_many_times, setup),
	    cmocka_unit_test_setup(test_count_after_wrap_around, setup),
	    cmocka_unit_test_setup(test_full_after_wrap_around, setup),
	    cmocka_unit_test_setup(test_reset_empties, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
