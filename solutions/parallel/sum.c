/*
 * parallel/sum: reference solution.
 *
 * The range 1..n is cut into `threads` contiguous shares of nearly equal
 * size, one struct part per thread.  Every thread writes only its own
 * struct, and the main thread reads the totals only after pthread_join,
 * which orders those writes before the reads: nothing is shared while
 * the threads run, so there is nothing to lock.  The shares are balanced
 * enough because the number of Collatz steps grows only slowly with x.
 */
#include <pthread.h>
#include <stdint.h>

#define MAX_THREADS 64

/* Steps from x down to 1 (x >= 1). */
static uint64_t collatz_steps(uint64_t x)
{
	uint64_t steps = 0;

	while (x != 1) {
		x = (x % 2 == 0) ? x / 2 : 3 * x + 1;
		steps++;
	}
	return steps;
}

struct part {
	uint64_t first, last;
	uint64_t total;
};

static void *sum_part(void *arg)
{
	struct part *p = arg;
	uint64_t total = 0;

	for (uint64_t x = p->first; x <= p->last; x++)
		total += collatz_steps(x);
	p->total = total;
	return NULL;
}

uint64_t collatz_total(uint64_t n, int threads)
{
	struct part parts[MAX_THREADS];
	pthread_t tid[MAX_THREADS];
	int started = 0;
	uint64_t total = 0;

	if (threads < 1)
		threads = 1;
	if (threads > MAX_THREADS)
		threads = MAX_THREADS;
	for (int t = 0; t < threads; t++) {
		/* Share t is (n*t/threads, n*(t+1)/threads]: the shares cover
		 * 1..n exactly, and an empty one (first > last) does nothing.
		 */
		parts[t].first = n * (uint64_t)t / (uint64_t)threads + 1;
		parts[t].last = n * (uint64_t)(t + 1) / (uint64_t)threads;
		parts[t].total = 0;
	}
	/* Start every thread before waiting for any. */
	for (int t = 1; t < threads; t++) {
		if (pthread_create(&tid[t], NULL, sum_part, &parts[t]) != 0)
			break;
		started = t;
	}
	/* This thread does share 0, and any share whose thread did not start.
	 */
	sum_part(&parts[0]);
	for (int t = started + 1; t < threads; t++)
		sum_part(&parts[t]);
	for (int t = 1; t <= started; t++)
		pthread_join(tid[t], NULL);
	for (int t = 0; t < threads; t++)
		total += parts[t].total;
	return total;
}
