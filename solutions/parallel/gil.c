/*
 * parallel/gil: reference solution.
 *
 * Start every thread first, then join them all: while the main thread
 * waits in the first pthread_join, the other threads are already running
 * on the other cores.  Each thread counts into its own struct share, and
 * the main thread reads those counts only after joining, so nothing is
 * shared while the threads run.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define MAX_THREADS 64

/* One thread's share: first..last-1, and what it counted. */
struct share {
	uint64_t first, last;
	uint64_t hits;
};

static void *count_share(void *arg)
{
	struct share *s = arg;
	uint64_t hits = 0;

	for (uint64_t x = s->first; x < s->last; x++)
		if (x * x % 7 == 1)
			hits++;
	s->hits = hits;
	return NULL;
}

uint64_t count_parallel(uint64_t n, int threads)
{
	struct share shares[MAX_THREADS];
	pthread_t tid[MAX_THREADS];
	uint64_t hits = 0;
	int started = 0;

	if (threads < 1 || threads > MAX_THREADS)
		return 0;
	for (int t = 0; t < threads; t++) {
		shares[t].first = n * (uint64_t)t / (uint64_t)threads;
		shares[t].last = n * (uint64_t)(t + 1) / (uint64_t)threads;
	}
	for (int t = 0; t < threads; t++) {
		if (pthread_create(&tid[t], NULL, count_share, &shares[t]) != 0)
			break;
		started = t + 1;
	}
	/* Only now wait: every thread was started before the first join. */
	for (int t = 0; t < started; t++) {
		pthread_join(tid[t], NULL);
		hits += shares[t].hits;
	}
	/* A share whose thread could not start is counted here. */
	for (int t = started; t < threads; t++) {
		count_share(&shares[t]);
		hits += shares[t].hits;
	}
	return hits;
}

/* gil THREADS N: print how many x < N have x * x % 7 == 1. */
int main(int argc, char **argv)
{
	char *end1, *end2;
	long threads;
	unsigned long long n;

	if (argc != 3) {
		fprintf(stderr, "usage: %s THREADS N\n", argv[0]);
		return 2;
	}
	threads = strtol(argv[1], &end1, 10);
	n = strtoull(argv[2], &end2, 10);
	if (*end1 || *end2 || threads < 1 || threads > MAX_THREADS) {
		fprintf(stderr, "%s: THREADS must be 1 to %d, N a number\n",
			argv[0], MAX_THREADS);
		return 2;
	}
	printf("%llu\n", (unsigned long long)count_parallel(n, (int)threads));
	return 0;
}
