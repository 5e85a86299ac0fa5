/*
 * parallel/counter: reference solution, with a mutex.
 *
 * One lock guards both fields: stats_record holds it for the two updates,
 * and stats_read for the two loads, so a reader also never sees a request
 * counted without its bytes.  The critical section is two additions, so
 * threads wait for each other only briefly.
 *
 * C11 atomics work too, with no lock at all:
 *     struct stats { atomic_long requests, bytes; };
 *     atomic_fetch_add_explicit(&s->requests, 1, memory_order_relaxed);
 * Each total is then exact, but a reader may see the two fields from
 * slightly different moments.
 */
#include <pthread.h>
#include <stdlib.h>

struct stats {
	pthread_mutex_t lock; /* guards both fields below */
	long requests;
	long bytes;
};

struct stats *stats_new(void)
{
	struct stats *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	if (pthread_mutex_init(&s->lock, NULL) != 0) {
		free(s);
		return NULL;
	}
	return s;
}

void stats_record(struct stats *s, long bytes)
{
	pthread_mutex_lock(&s->lock);
	s->requests++;
	s->bytes += bytes;
	pthread_mutex_unlock(&s->lock);
}

void stats_read(struct stats *s, long *requests, long *bytes)
{
	pthread_mutex_lock(&s->lock);
	*requests = s->requests;
	*bytes = s->bytes;
	pthread_mutex_unlock(&s->lock);
}

void stats_free(struct stats *s)
{
	if (s == NULL)
		return;
	pthread_mutex_destroy(&s->lock);
	free(s);
}
