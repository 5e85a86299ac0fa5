/*
 * systems/pool: reference solution.
 *
 * The free list lives in the free slots: a free slot's first bytes hold
 * a pointer to the next free slot, and p->free_list points to the first.
 * Slots are at least 16 bytes and 16-aligned, so a pointer always fits
 * and is aligned.  pool_alloc pops the head of the list and pool_free
 * pushes onto it: a couple of loads and stores each, whatever the size of
 * the pool, and no byte spent on bookkeeping.  The last slot freed is the
 * first handed out again, which is also kind to the cache.
 */
#include <stddef.h>
#include <string.h>

struct pool {
	unsigned char *base;
	size_t slot;
	size_t count;
	void *free_list;     /* the first free slot, or NULL */
	unsigned char *used; /* not needed: the list is the bookkeeping */
};

size_t pool_init(struct pool *p, void *buf, size_t buf_size, size_t obj_size)
{
	memset(p, 0, sizeof(*p));
	if (obj_size == 0 || obj_size > (size_t)-1 - 15)
		return 0;
	p->base = buf;
	p->slot = (obj_size + 15) / 16 * 16;
	p->count = buf_size / p->slot;
	/* Thread the list through the slots, first slot first. */
	for (size_t i = p->count; i-- > 0;) {
		void *slot = p->base + i * p->slot;
		memcpy(slot, &p->free_list, sizeof(void *));
		p->free_list = slot;
	}
	return p->count;
}

void *pool_alloc(struct pool *p)
{
	void *slot = p->free_list;

	if (slot != NULL)
		memcpy(&p->free_list, slot, sizeof(void *)); /* pop */
	return slot;
}

void pool_free(struct pool *p, void *obj)
{
	if (obj == NULL)
		return;
	memcpy(obj, &p->free_list, sizeof(void *)); /* push */
	p->free_list = obj;
}
