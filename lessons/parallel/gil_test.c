/*
 * Tests for parallel/gil: count_parallel().
 *
 * Besides the count, these tests check that the threads overlap, without
 * timing anything.  This file defines pthread_create itself, so the
 * learner's calls come here (the linker prefers a definition in the
 * program to the one in the C library); it wraps each start routine so
 * that a new thread first waits, for up to WAIT_SECONDS, until all the
 * threads of the call are running, then does its work.  Threads started
 * one after the other never meet: the first waits in vain, and the test
 * reports how many were ever running at once.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

uint64_t count_parallel(uint64_t n, int threads);

#define WAIT_SECONDS 3

static pthread_mutex_t meet_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t meet_cond = PTHREAD_COND_INITIALIZER;
static int expected_threads; /* 0: do not wait */
static int running, most_running;

struct start {
	void *(*fn)(void *);
	void *arg;
};

static void *met(void *arg)
{
	struct start s = *(struct start *)arg;
	struct timespec until;
	void *result;

	free(arg);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += WAIT_SECONDS;
	pthread_mutex_lock(&meet_lock);
	running++;
	if (running > most_running)
		most_running = running;
	pthread_cond_broadcast(&meet_cond);
	while (expected_threads && most_running < expected_threads)
		if (pthread_cond_timedwait(&meet_cond, &meet_lock, &until) ==
		    ETIMEDOUT)
			break;
	pthread_mutex_unlock(&meet_lock);
	result = s.fn(s.arg);
	pthread_mutex_lock(&meet_lock);
	running--;
	pthread_mutex_unlock(&meet_lock);
	return result;
}

int pthread_create(pthread_t *thread, const pthread_attr_t *attr,
		   void *(*fn)(void *), void *arg)
{
	static int (*real)(pthread_t *, const pthread_attr_t *,
			   void *(*)(void *), void *);
	struct start *s = malloc(sizeof(*s));

	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "pthread_create");
	if (!s || !real) {
		free(s);
		return EAGAIN;
	}
	s->fn = fn;
	s->arg = arg;
	int rc = real(thread, attr, met, s);
	if (rc != 0)
		free(s);
	return rc;
}

/* The answer, counted here. */
static uint64_t expected(uint64_t n)
{
	uint64_t hits = 0;

	for (uint64_t x = 0; x < n; x++)
		hits += x * x % 7 == 1;
	return hits;
}

static void test_counts_small_ranges(void **state)
{
	(void)state;
	/* 1, 6, 8, 13 below 14 */
	assert_int_equal(count_parallel(14, 1), 4);
	assert_int_equal(count_parallel(14, 2), 4);
	assert_int_equal(count_parallel(0, 2), 0);
	for (uint64_t n = 0; n < 50; n++)
		for (int threads = 1; threads <= 5; threads++)
			if (count_parallel(n, threads) != expected(n))
				fail_msg("count_parallel(%llu, %d) is %llu, "
					 "expected %llu",
					 (unsigned long long)n, threads,
					 (unsigned long long)count_parallel(
					     n, threads),
					 (unsigned long long)expected(n));
}

static void test_threads_run_at_the_same_time(void **state)
{
	(void)state;
	pthread_mutex_lock(&meet_lock);
	expected_threads = 2;
	most_running = 0;
	pthread_mutex_unlock(&meet_lock);
	uint64_t got = count_parallel(100000, 2);
	pthread_mutex_lock(&meet_lock);
	int most = most_running;
	expected_threads = 0;
	pthread_mutex_unlock(&meet_lock);
	assert_int_equal(got, expected(100000));
	if (most < 2)
		fail_msg(
		    "with 2 threads, at most %d was ever running at a time: "
		    "each thread waited %d s for the other, which had not been "
		    "started yet",
		    most, WAIT_SECONDS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_counts_small_ranges),
	    cmocka_unit_test(test_threads_run_at_the_same_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
