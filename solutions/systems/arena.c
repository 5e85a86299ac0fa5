/*
 * systems/arena: reference solution.
 *
 * Alignment is about the address, not the offset: the caller's buffer
 * can start anywhere, so the next free address is rounded up with
 * (addr + align - 1) & ~(align - 1) and the padding is counted as used.
 * Every comparison is written so that nothing can wrap around: the room
 * left is computed first (it cannot underflow, since used <= size), and
 * padding and size are each compared with it, never added to a large
 * number first.
 */
#include <stddef.h>
#include <stdint.h>

struct arena {
	unsigned char *base;
	size_t size;
	size_t used; /* always <= size */
};

void arena_init(struct arena *a, void *buf, size_t size)
{
	a->base = buf;
	a->size = size;
	a->used = 0;
}

void *arena_alloc(struct arena *a, size_t size, size_t align)
{
	if (size == 0 || align == 0 || (align & (align - 1)) != 0)
		return NULL;
	uintptr_t next = (uintptr_t)(a->base + a->used);
	size_t pad = (size_t)(-next & (align - 1)); /* bytes up to a multiple */
	size_t left = a->size - a->used;
	if (pad > left || size > left - pad)
		return NULL; /* does not fit: say so, get nothing elsewhere */
	a->used += pad;
	void *p = a->base + a->used;
	a->used += size;
	return p;
}

void arena_reset(struct arena *a)
{
	a->used = 0;
}
