/*
 * parallel/counter: count requests from many threads without losing any
 *
 * A web server answers requests on several worker threads, and every
 * worker reports each answer to one shared statistics object: one more
 * request, and this many bytes sent.  The operators read the totals to
 * bill customers, so a total that comes out a little low is a real bug,
 * not a rounding error.  The functions:
 *
 *     struct stats *stats_new(void);
 *     void stats_record(struct stats *s, long bytes);
 *     void stats_read(struct stats *s, long *requests, long *bytes);
 *     void stats_free(struct stats *s);
 *
 * The contract:
 *   - stats_new returns a zeroed object, or NULL when out of memory;
 *     stats_free releases it (stats_free(NULL) does nothing);
 *   - stats_record adds 1 to the request count and `bytes` to the byte
 *     count; any number of threads may call it at the same time;
 *   - stats_read stores the totals so far; once every stats_record call
 *     has returned, they must be exact.
 *
 * The starter is correct on one thread.  With several, `s->requests++` is
 * a load, an add and a store, and two threads can interleave them: both
 * load 41, both store 42, and one request is never counted.  That is a
 * data race, and in C it is undefined behaviour.
 *
 * The tests hammer one object from 4 threads and want exact totals; the
 * sanitize check runs them under ThreadSanitizer, which reports every
 * unsynchronised pair of accesses even on a run where no update was lost.
 * Two fixes work: a pthread_mutex_t in the struct around the updates, or
 * C11 atomics (<stdatomic.h>).
 *
 * Check your work:   workbook check parallel/counter
 * Stuck?             workbook hint parallel/counter
 */
#include <stdlib.h>

struct stats {
	long requests;
	long bytes;
};

struct stats *stats_new(void)
{
	return calloc(1, sizeof(struct stats));
}

void stats_record(struct stats *s, long bytes)
{
	s->requests++;
	s->bytes += bytes;
}

void stats_read(struct stats *s, long *requests, long *bytes)
{
	*requests = s->requests;
	*bytes = s->bytes;
}

void stats_free(struct stats *s)
{
	free(s);
}
