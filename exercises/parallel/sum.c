/*
 * parallel/sum: add up a CPU-bound function on every core
 *
 * The Collatz rule takes a number x to x / 2 when x is even and to
 * 3x + 1 when it is odd; every start value ever tried reaches 1.  The
 * number of steps it takes varies wildly (27 needs 111 steps, 28 needs
 * 18), and working it out is pure arithmetic: no input, no output, no
 * memory to speak of.  That is the kind of work where more cores should
 * mean less time.  The function:
 *
 *     uint64_t collatz_total(uint64_t n, int threads);
 *
 * The contract:
 *   - return the sum of collatz_steps(x) for every x from 1 to n
 *     (collatz_steps is given below; collatz_steps(1) is 0);
 *   - use `threads` POSIX threads (1 to 64) to do it, each working on its
 *     own share of the range at the same time as the others;
 *   - the answer must not depend on the number of threads, and n may be 0
 *     or smaller than threads.
 *
 * The starter already starts the threads, and on a quiet day it even
 * prints the right total.  But every thread adds into the same variable,
 * and `total += ...` is a load, an add and a store: two threads can load
 * the same old value, and one of the two additions is lost.
 *
 * Three checks watch this.  The tests compare totals for many thread
 * counts; sanitize runs them under ThreadSanitizer, which reports any
 * variable two threads touch without synchronisation, naming both lines;
 * speedup times the benchmark with 1 thread and with 2, best of several
 * runs, and wants at least 1.5x, so a fix that makes the threads take
 * turns does not count.
 *
 * Check your work:   workbook check parallel/sum
 * Stuck?             workbook hint parallel/sum
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

/* One thread's share of the numbers: first..last, inclusive. */
struct part {
	uint64_t first, last;
};

static uint64_t total; /* the sum so far, for every thread to add to */

/* A thread's start function: add the steps of one share to the total. */
static void *sum_part(void *arg)
{
	const struct part *p = arg;

	for (uint64_t x = p->first; x <= p->last; x++)
		total += collatz_steps(x);
	return NULL;
}

uint64_t collatz_total(uint64_t n, int threads)
{
	struct part parts[MAX_THREADS];
	pthread_t tid[MAX_THREADS];

	if (threads < 1)
		threads = 1;
	if (threads > MAX_THREADS)
		threads = MAX_THREADS;
	total = 0;
	/* Share t is n*t/threads + 1 .. n*(t+1)/threads: together the
	 * shares cover 1..n exactly (an empty share has first > last). */
	for (int t = 0; t < threads; t++) {
		parts[t].first = n * (uint64_t)t / (uint64_t)threads + 1;
		parts[t].last = n * (uint64_t)(t + 1) / (uint64_t)threads;
	}
	/* Start every thread before waiting for any of them. */
	for (int t = 0; t < threads; t++)
		pthread_create(&tid[t], NULL, sum_part, &parts[t]);
	for (int t = 0; t < threads; t++)
		pthread_join(tid[t], NULL);
	return total;
}
