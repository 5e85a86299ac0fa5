/*
 * The benchmark for systems/pool, run by the speedup check as
 *     pool_bench OBJECTS ROUNDS
 * Each round takes OBJECTS objects of 48 bytes, writes to each, and gives
 * them back in a scrambled order (the same every run); the pattern of a
 * program that builds and drops many small nodes.  It prints a checksum
 * of what it wrote, the same whatever allocator is underneath.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

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

struct node {
	uint64_t key, value;
	struct node *left, *right;
	uint64_t pad[2];
};

int main(int argc, char **argv)
{
	char *e1, *e2;
	long n, rounds;
	struct pool pool;
	uint64_t sum = 0, x = 12345;

	if (argc != 3)
		return 2;
	n = strtol(argv[1], &e1, 10);
	rounds = strtol(argv[2], &e2, 10);
	if (*e1 || *e2 || n < 1 || n > 1000000 || rounds < 1)
		return 2;
	size_t slot = (sizeof(struct node) + 15) / 16 * 16;
	void *buf = aligned_alloc(16, (size_t)n * slot);
	struct node **live = malloc((size_t)n * sizeof(*live));
	size_t *order = malloc((size_t)n * sizeof(*order));
	if (!buf || !live || !order)
		return 3;
	if (pool_init(&pool, buf, (size_t)n * slot, sizeof(struct node)) <
	    (size_t)n)
		return 4; /* the pool must hold n objects */
	for (long i = 0; i < n; i++)
		order[i] = (size_t)i;
	for (long i = n - 1; i > 0; i--) { /* a fixed shuffle */
		x = x * 6364136223846793005u + 1442695040888963407u;
		size_t j = (size_t)(x >> 33) % (size_t)(i + 1), t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	for (long r = 0; r < rounds; r++) {
		for (long i = 0; i < n; i++) {
			live[i] = pool_alloc(&pool);
			if (!live[i])
				return 5;
			live[i]->key = (uint64_t)(i + r);
			live[i]->value = (uint64_t)i * 7;
		}
		for (long i = 0; i < n; i++) {
			struct node *nd = live[order[i]];
			sum += nd->key ^ nd->value;
			pool_free(&pool, nd);
		}
	}
	printf("%llu\n", (unsigned long long)sum);
	free(order);
	free(live);
	free(buf);
	return 0;
}
