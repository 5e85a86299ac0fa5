/*
 * Tests for systems/pool.  The pools sit on malloc'ed buffers of exactly
 * their size, so under AddressSanitizer (the sanitize check) a slot that
 * reaches past the end is reported.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

struct pool {
	unsigned char *base;
	size_t slot;
	size_t count;
	void *free_list;
	unsigned char *used;
};

size_t pool_init(struct pool *p, void *buf, size_t buf_size, size_t obj_size);
void *pool_alloc(struct pool *p);
void pool_free(struct pool *p, void *obj);

#define MAX_OBJECTS 64

/* Take every slot; check each is inside buf, aligned, distinct, and
 * writable to its last byte.  Returns how many were taken. */

/* Buffers for one test, freed by the teardown even when the test fails
 * half-way (a failing assertion leaves the test function early). */
static void *buffers[4];
static size_t nbuffers;

static void *buffer(size_t n)
{
	void *b = aligned_alloc(16, n);

	assert_non_null(b);
	assert_true(nbuffers < 4);
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

static size_t take_all(struct pool *p, unsigned char *buf, size_t size,
		       size_t obj_size, void **got)
{
	size_t n = 0;
	void *o;

	while ((o = pool_alloc(p)) != NULL) {
		unsigned char *c = o;
		if (n == MAX_OBJECTS)
			fail_msg("pool_alloc handed out more objects than fit");
		if (c < buf || (size_t)(c - buf) + obj_size > size)
			fail_msg("object %zu is outside the buffer", n);
		if ((uintptr_t)c % 16 != 0)
			fail_msg("object %zu is not aligned to 16", n);
		for (size_t i = 0; i < n; i++)
			if (got[i] == o)
				fail_msg(
				    "the same object was handed out twice");
		memset(o, (int)n, obj_size);
		got[n++] = o;
	}
	return n;
}

static void test_capacity_uses_every_byte(void **state)
{
	struct pool p;
	(void)state;

	unsigned char *buf = buffer(480);
	/* 24-byte objects take 32-byte slots: 480 / 32 = 15. */
	assert_int_equal(pool_init(&p, buf, 480, 24), 15);
	assert_int_equal(pool_init(&p, buf, 480, 32), 15);
	assert_int_equal(pool_init(&p, buf, 480, 1), 30); /* 16-byte slots */
	assert_int_equal(pool_init(&p, buf, 480, 48), 10);
	assert_int_equal(pool_init(&p, buf, 480, 0), 0);
}

static void test_hands_out_every_slot_once(void **state)
{
	struct pool p;
	void *got[MAX_OBJECTS];
	(void)state;

	unsigned char *buf = buffer(320);
	size_t n = pool_init(&p, buf, 320, 40); /* 48-byte slots: 6 */
	assert_int_equal(n, 6);
	assert_int_equal(take_all(&p, buf, 320, 40, got), 6);
	assert_null(pool_alloc(&p)); /* still empty */
}

static void test_freed_objects_come_back(void **state)
{
	struct pool p;
	void *got[MAX_OBJECTS];
	(void)state;

	unsigned char *buf = buffer(256);
	assert_int_equal(pool_init(&p, buf, 256, 16), 16);
	assert_int_equal(take_all(&p, buf, 256, 16, got), 16);
	pool_free(&p, got[3]);
	pool_free(&p, got[9]);
	void *a = pool_alloc(&p), *b = pool_alloc(&p);
	assert_true((a == got[3] && b == got[9]) ||
		    (a == got[9] && b == got[3]));
	assert_null(pool_alloc(&p));
}

static void test_objects_keep_their_contents(void **state)
{
	struct pool p;
	void *got[MAX_OBJECTS];
	(void)state;

	unsigned char *buf = buffer(512);
	size_t n = pool_init(&p, buf, 512, 32);
	assert_int_equal(take_all(&p, buf, 512, 32, got), n);
	/* Free every other object; the others must be left alone. */
	for (size_t i = 0; i < n; i += 2)
		pool_free(&p, got[i]);
	for (size_t i = 1; i < n; i += 2)
		for (size_t k = 0; k < 32; k++)
			if (((unsigned char *)got[i])[k] != (unsigned char)i)
				fail_msg(
				    "object %zu changed when others were freed",
				    i);
}

static void test_many_rounds(void **state)
{
	struct pool p;
	void *got[MAX_OBJECTS];
	(void)state;

	unsigned char *buf = buffer(1024);
	size_t n = pool_init(&p, buf, 1024, 64);
	assert_int_equal(n, 16);
	for (int round = 0; round < 100; round++) {
		assert_int_equal(take_all(&p, buf, 1024, 64, got), n);
		for (size_t i = 0; i < n; i++)
			pool_free(&p, got[(i * 7 + (size_t)round) % n]);
	}
}

static void test_free_null_does_nothing(void **state)
{
	struct pool p;
	void *got[MAX_OBJECTS];
	(void)state;

	unsigned char *buf = buffer(64);
	assert_int_equal(pool_init(&p, buf, 64, 16), 4);
	pool_free(&p, NULL);
	assert_int_equal(take_all(&p, buf, 64, 16, got), 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_capacity_uses_every_byte,
				      free_buffers),
	    cmocka_unit_test_teardown(test_hands_out_every_slot_once,
				      free_buffers),
	    cmocka_unit_test_teardown(test_freed_objects_come_back,
				      free_buffers),
	    cmocka_unit_test_teardown(test_objects_keep_their_contents,
				      free_buffers),
	    cmocka_unit_test_teardown(test_many_rounds, free_buffers),
	    cmocka_unit_test_teardown(test_free_null_does_nothing,
				      free_buffers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
