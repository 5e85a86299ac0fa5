/*
 * parallel/gil: the loop Python threads cannot speed up, on C threads
 *
 * lessons/parallel/gil.py counts, among the numbers below n, those whose
 * square leaves 1 when divided by 7, and splits the range over Python
 * threads.  Because of CPython's global interpreter lock, only one of
 * those threads runs Python code at any moment: two threads take as long
 * as one, or longer.  This program does the same count on C threads,
 * which have no such lock.  Run it yourself:
 *
 *     gcc -O1 -o gil exercises/parallel/gil.c && ./gil 2 100000000
 *
 * and `workbook check parallel/gil` times it with 1 thread and with 2,
 * next to gil.py on the same machine, so you see both speed-ups side by
 * side.
 *
 * The function to fix:
 *
 *     uint64_t count_parallel(uint64_t n, int threads);
 *
 * It must return how many x in 0..n-1 have x * x % 7 == 1, using
 * `threads` POSIX threads (1 to 64) that run at the same time, each on
 * its own share of the range.
 *
 * The starter gets the right count, but it is no faster with 2 threads
 * than with 1.  Read count_parallel closely: when does the second thread
 * start, and what is the first one doing then?  The tests check that
 * the threads really overlap: each one, as it starts, waits (up to a few
 * seconds) to see the others running too.
 *
 * Check your work:   workbook check parallel/gil
 * Stuck?             workbook hint parallel/gil
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

	if (threads < 1 || threads > MAX_THREADS)
		return 0;
	for (int t = 0; t < threads; t++) {
		shares[t].first = n * (uint64_t)t / (uint64_t)threads;
		shares[t].last = n * (uint64_t)(t + 1) / (uint64_t)threads;
		if (pthread_create(&tid[t], NULL, count_share, &shares[t]) != 0)
			return 0;
		pthread_join(tid[t], NULL); /* wait for this share */
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
