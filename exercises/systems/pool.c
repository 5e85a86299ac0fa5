/*
 * systems/pool: a pool of fixed-size objects with a free list
 *
 * A program that creates and destroys millions of small objects of one
 * size (network packets, tree nodes, particles) spends much of its time
 * in malloc and free, which must handle every size and every pattern.  A
 * pool handles one size only, and can be much faster.  It cuts a buffer
 * into equal slots, and keeps the free slots in a linked list threaded
 * through the free slots themselves: a free slot's first bytes hold the
 * address of the next free slot.  Taking a slot is popping the list;
 * giving one back is pushing it.  No search, no header, no system call.
 * The functions:
 *
 *     size_t pool_init(struct pool *p, void *buf, size_t buf_size,
 *                      size_t obj_size);
 *     void *pool_alloc(struct pool *p);
 *     void pool_free(struct pool *p, void *obj);
 *
 * The contract:
 *   - a slot is obj_size rounded up to a multiple of 16 (and at least
 *     16), so every object is aligned for any type, as malloc's are;
 *   - buf is the caller's, aligned to 16, and pool_init returns how many
 *     objects fit: buf_size / slot, every byte used for objects, none
 *     for bookkeeping (0 when obj_size is 0);
 *   - pool_alloc returns a free slot, or NULL when all are taken;
 *   - pool_free gives a slot back (obj came from this pool and is not
 *     already free); pool_free(p, NULL) does nothing.
 * Keep the fields of struct pool as they are: the tests use it.
 *
 * The starter works, but keeps a byte of bookkeeping per slot at the end
 * of the buffer (so fewer objects fit) and searches that table from the
 * start on every pool_alloc, which gets slower the fuller the pool is.
 * The speedup check times a benchmark against the same functions done
 * with malloc and free, and wants the pool at least twice as fast.
 *
 * Check your work:   workbook check systems/pool
 * Stuck?             workbook hint systems/pool
 */
#include <stddef.h>
#include <string.h>

struct pool {
	unsigned char *base; /* the caller's buffer */
	size_t slot;	     /* bytes per slot */
	size_t count;	     /* slots in the pool */
	void *free_list;     /* the first free slot, or NULL */
	unsigned char *used; /* bookkeeping: one byte per slot, 1 = taken */
};

size_t pool_init(struct pool *p, void *buf, size_t buf_size, size_t obj_size)
{
	memset(p, 0, sizeof(*p));
	if (obj_size == 0)
		return 0;
	p->base = buf;
	p->slot = (obj_size + 15) / 16 * 16;
	/* Each object needs its slot plus a byte in the table. */
	p->count = buf_size / (p->slot + 1);
	p->used = p->base + p->count * p->slot;
	memset(p->used, 0, p->count);
	return p->count;
}

void *pool_alloc(struct pool *p)
{
	for (size_t i = 0; i < p->count; i++)
		if (!p->used[i]) {
			p->used[i] = 1;
			return p->base + i * p->slot;
		}
	return NULL;
}

void pool_free(struct pool *p, void *obj)
{
	if (obj == NULL)
		return;
	size_t i = (size_t)((unsigned char *)obj - p->base) / p->slot;
	p->used[i] = 0;
}
