/*
 * The baseline for systems/pool's speedup check: the same three functions
 * done the ordinary way, with malloc and free (glibc's allocator, with its
 * per-thread caches for small sizes).  The benchmark is linked once with
 * this file and once with the learner's.
 */
#include <stdlib.h>
#include <string.h>

struct pool {
	unsigned char *base;
	size_t slot;
	size_t count;
	void *free_list;
	unsigned char *used;
};

size_t pool_init(struct pool *p, void *buf, size_t buf_size, size_t obj_size)
{
	memset(p, 0, sizeof(*p));
	if (obj_size == 0)
		return 0;
	p->base = buf;
	p->slot = (obj_size + 15) / 16 * 16;
	p->count = buf_size / p->slot;
	return p->count;
}

void *pool_alloc(struct pool *p)
{
	return malloc(p->slot);
}

void pool_free(struct pool *p, void *obj)
{
	(void)p;
	free(obj);
}
