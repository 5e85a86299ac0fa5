/*
 * Tests for systems/arena.  Every arena sits on a malloc'ed buffer of
 * exactly the arena's size, so under AddressSanitizer (the sanitize
 * check) a piece that reaches past the end is reported, and every piece
 * handed out is written to the last byte.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

struct arena {
	unsigned char *base;
	size_t size;
	size_t used;
};

void arena_init(struct arena *a, void *buf, size_t size);
void *arena_alloc(struct arena *a, size_t size, size_t align);
void arena_reset(struct arena *a);

/* Is [p, p+n) inside the arena's buffer? */

/* Buffers for one test, freed by the teardown even when the test fails
 * half-way (a failing assertion leaves the test function early). */
static void *buffers[4];
static size_t nbuffers;

static void *buffer(size_t n)
{
	void *b = malloc(n);

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

static int inside(const struct arena *a, const void *p, size_t n)
{
	const unsigned char *c = p;

	return c >= a->base && n <= a->size &&
	       (size_t)(c - a->base) <= a->size - n;
}

/* A piece must be inside, aligned, and writable to its last byte. */
static void *take(struct arena *a, size_t size, size_t align)
{
	void *p = arena_alloc(a, size, align);

	if (p == NULL)
		fail_msg("arena_alloc(%zu, %zu) returned NULL with %zu of %zu "
			 "bytes used",
			 size, align, a->used, a->size);
	if (!inside(a, p, size))
		fail_msg("arena_alloc(%zu, %zu) returned memory outside the "
			 "arena's buffer",
			 size, align);
	if ((uintptr_t)p % align != 0)
		fail_msg("arena_alloc(%zu, %zu) returned an address that is "
			 "not a multiple of %zu (it ends in 0x%x)",
			 size, align, align, (unsigned)((uintptr_t)p & 0xff));
	memset(p, 0xab, size);
	return p;
}

static void test_pieces_do_not_overlap(void **state)
{
	unsigned char *buf = buffer(256);
	struct arena a;
	(void)state;

	arena_init(&a, buf, 256);
	unsigned char *x = take(&a, 10, 1);
	unsigned char *y = take(&a, 20, 1);
	memset(x, 1, 10);
	memset(y, 2, 20);
	for (int i = 0; i < 10; i++)
		assert_int_equal(x[i], 1); /* y was written over x */
}

static void test_addresses_are_aligned(void **state)
{
	unsigned char *buf = buffer(1024);
	struct arena a;
	(void)state;

	arena_init(&a, buf, 1024);
	take(&a, 1, 1); /* the next free byte is now odd */
	take(&a, 8, 8);
	take(&a, 3, 1);
	take(&a, 16, 16);
	take(&a, 1, 1);
	take(&a, 64, 64);
	take(&a, 2, 2);
	take(&a, 4, 4);
}

static void test_alignment_of_an_unaligned_buffer(void **state)
{
	unsigned char *raw = buffer(301);
	struct arena a;
	(void)state;

	/* The buffer starts at an odd address: aligning the offset is not
	 * aligning the address. */
	arena_init(&a, raw + 1, 300);
	take(&a, 8, 8);
	take(&a, 16, 16);
	take(&a, 4, 4);
}

static void test_full_arena_returns_null(void **state)
{
	unsigned char *buf = buffer(64);
	struct arena a;
	(void)state;

	arena_init(&a, buf, 64);
	take(&a, 60, 1);
	assert_null(arena_alloc(&a, 5, 1)); /* 4 bytes left */
	take(&a, 4, 1);			    /* exactly what is left */
	assert_null(arena_alloc(&a, 1, 1)); /* nothing left */
}

static void test_padding_counts_toward_the_size(void **state)
{
	unsigned char *raw = buffer(64 + 64);
	struct arena a;
	(void)state;

	/* 32 bytes at an address 1 past a multiple of 64: the 63 bytes of
	 * padding before the next multiple of 64 leave no room for 1 more. */
	unsigned char *start = raw + (64 - (uintptr_t)raw % 64) % 64 + 1;
	arena_init(&a, start, 63);
	assert_null(arena_alloc(&a, 1, 64));
	assert_non_null(take(&a, 63, 1));
}

static void test_huge_requests_return_null(void **state)
{
	unsigned char *buf = buffer(128);
	struct arena a;
	(void)state;

	arena_init(&a, buf, 128);
	take(&a, 16, 1);
	/* used + size wraps around to a small number: still too big. */
	assert_null(arena_alloc(&a, SIZE_MAX, 1));
	assert_null(arena_alloc(&a, SIZE_MAX - 8, 1));
	assert_null(arena_alloc(&a, SIZE_MAX - 200, 16));
	take(&a, 16, 1); /* and the arena still works */
}

static void test_bad_arguments_return_null(void **state)
{
	unsigned char *buf = buffer(64);
	struct arena a;
	(void)state;

	arena_init(&a, buf, 64);
	assert_null(arena_alloc(&a, 0, 1));  /* nothing to hand out */
	assert_null(arena_alloc(&a, 8, 0));  /* not a power of two */
	assert_null(arena_alloc(&a, 8, 12)); /* not a power of two */
	take(&a, 64, 1);
}

static void test_reset_gives_everything_back(void **state)
{
	unsigned char *buf = buffer(100);
	struct arena a;
	(void)state;

	arena_init(&a, buf, 100);
	for (int round = 0; round < 3; round++) {
		take(&a, 100, 1);
		assert_null(arena_alloc(&a, 1, 1));
		arena_reset(&a);
	}
}

static void test_empty_arena(void **state)
{
	struct arena a;
	(void)state;

	arena_init(&a, NULL, 0);
	assert_null(arena_alloc(&a, 1, 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_pieces_do_not_overlap, free_buffers),
	    cmocka_unit_test_teardown(test_addresses_are_aligned, free_buffers),
	    cmocka_unit_test_teardown(test_alignment_of_an_unaligned_buffer,
				      free_buffers),
	    cmocka_unit_test_teardown(test_full_arena_returns_null,
				      free_buffers),
	    cmocka_unit_test_teardown(test_padding_counts_toward_the_size,
				      free_buffers),
	    cmocka_unit_test_teardown(test_huge_requests_return_null,
				      free_buffers),
	    cmocka_unit_test_teardown(test_bad_arguments_return_null,
				      free_buffers),
	    cmocka_unit_test_teardown(test_reset_gives_everything_back,
				      free_buffers),
	    cmocka_unit_test_teardown(test_empty_arena, free_buffers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
