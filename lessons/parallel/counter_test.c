/*
 * Tests for parallel/counter: struct stats shared by several threads.
 *
 * The starter passes the one-thread tests.  The many-thread test usually
 * fails on a machine with two cores or more (updates are lost), but not
 * always: a race does not have to show up on a given run.  That is why
 * the sanitize check runs the same tests under ThreadSanitizer, which
 * reports the race whether or not an update was lost this time.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>

struct stats;
struct stats *stats_new(void);
void stats_record(struct stats *s, long bytes);
void stats_read(struct stats *s, long *requests, long *bytes);
void stats_free(struct stats *s);

#define WORKERS	   4
#define PER_WORKER 100000L

static void test_new_object_is_zero(void **state)
{
	long requests = -1, bytes = -1;
	(void)state;

	struct stats *s = stats_new();
	assert_non_null(s);
	stats_read(s, &requests, &bytes);
	assert_int_equal(requests, 0);
	assert_int_equal(bytes, 0);
	stats_free(s);
}

static void test_counts_on_one_thread(void **state)
{
	long requests, bytes;
	(void)state;

	struct stats *s = stats_new();
	assert_non_null(s);
	stats_record(s, 512);
	stats_record(s, 0);
	stats_record(s, 1500);
	stats_read(s, &requests, &bytes);
	assert_int_equal(requests, 3);
	assert_int_equal(bytes, 2012);
	stats_free(s);
}

static void test_free_accepts_null(void **state)
{
	(void)state;
	stats_free(NULL);
}

struct worker {
	struct stats *s;
	long bytes; /* what this worker sends per request */
};

static void *serve(void *arg)
{
	const struct worker *w = arg;

	for (long i = 0; i < PER_WORKER; i++)
		stats_record(w->s, w->bytes);
	return NULL;
}

static void test_exact_totals_from_many_threads(void **state)
{
	pthread_t tid[WORKERS];
	struct worker w[WORKERS];
	long requests, bytes, want_bytes = 0;
	(void)state;

	struct stats *s = stats_new();
	assert_non_null(s);
	for (int i = 0; i < WORKERS; i++) {
		w[i].s = s;
		w[i].bytes = 100 * (i + 1);
		want_bytes += PER_WORKER * w[i].bytes;
		assert_int_equal(pthread_create(&tid[i], NULL, serve, &w[i]),
				 0);
	}
	for (int i = 0; i < WORKERS; i++)
		pthread_join(tid[i], NULL);
	stats_read(s, &requests, &bytes);
	if (requests != WORKERS * PER_WORKER)
		fail_msg("%ld requests counted, expected %ld: %ld lost",
			 requests, WORKERS * PER_WORKER,
			 WORKERS * PER_WORKER - requests);
	if (bytes != want_bytes)
		fail_msg("%ld bytes counted, expected %ld", bytes, want_bytes);
	stats_free(s);
}

/* A reader while the writers run: allowed, and it must be race-free. */
static void *reader(void *arg)
{
	long requests, bytes, last = 0;

	for (int i = 0; i < 1000; i++) {
		stats_read(arg, &requests, &bytes);
		if (requests < last)
			return (void *)1; /* totals never go down */
		last = requests;
	}
	return NULL;
}

static void test_reading_while_others_record(void **state)
{
	pthread_t tid[2], rd;
	struct worker w = {0};
	void *bad = NULL;
	(void)state;

	w.s = stats_new();
	w.bytes = 1;
	assert_non_null(w.s);
	assert_int_equal(pthread_create(&rd, NULL, reader, w.s), 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&tid[i], NULL, serve, &w), 0);
	for (int i = 0; i < 2; i++)
		pthread_join(tid[i], NULL);
	pthread_join(rd, &bad);
	assert_null(bad); /* a reader saw the count go down */
	stats_free(w.s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_new_object_is_zero),
	    cmocka_unit_test(test_counts_on_one_thread),
	    cmocka_unit_test(test_free_accepts_null),
	    cmocka_unit_test(test_exact_totals_from_many_threads),
	    cmocka_unit_test(test_reading_while_others_record),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
