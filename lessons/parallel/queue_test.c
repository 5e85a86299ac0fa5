/*
 * Tests for parallel/queue: run_tasks().
 *
 * Every result must match the test's own serial answer, for many thread
 * counts and queue lengths.  The starter usually passes these (a task run
 * twice still gives the right result); the sanitize check runs them under
 * ThreadSanitizer, which reports the unsynchronised queue.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

struct task {
	uint64_t seed;
	uint32_t rounds;
};

void run_tasks(const struct task *tasks, size_t n, uint64_t *results,
	       int threads);

#define MAX_TASKS 200

static uint64_t expected(const struct task *t)
{
	uint64_t x = t->seed;

	for (uint32_t r = 0; r < t->rounds; r++) {
		x = x * 6364136223846793005u + 1442695040888963407u;
		x ^= x >> 29;
	}
	return x;
}

/* n tasks of uneven sizes; results filled with a marker first. */
static void check_run(size_t n, int threads)
{
	struct task tasks[MAX_TASKS];
	uint64_t results[MAX_TASKS + 1];

	for (size_t i = 0; i < n; i++) {
		tasks[i].seed = 1000 + i;
		tasks[i].rounds = (uint32_t)((i * 7919) % 3000);
	}
	for (size_t i = 0; i <= n; i++)
		results[i] = 0xdeadbeef;
	run_tasks(tasks, n, results, threads);
	for (size_t i = 0; i < n; i++)
		if (results[i] != expected(&tasks[i]))
			fail_msg("with %d thread(s) and %zu tasks, "
				 "results[%zu] is wrong%s",
				 threads, n, i,
				 results[i] == 0xdeadbeef ? ": task never ran"
							  : "");
	if (results[n] != 0xdeadbeef)
		fail_msg("run_tasks wrote results[%zu], past the end", n);
}

static void test_one_thread(void **state)
{
	(void)state;
	check_run(10, 1);
}

static void test_every_task_runs_for_any_thread_count(void **state)
{
	(void)state;
	for (int threads = 1; threads <= 8; threads++)
		check_run(MAX_TASKS, threads);
}

static void test_short_queues(void **state)
{
	(void)state;
	for (size_t n = 0; n <= 5; n++)
		for (int threads = 1; threads <= 6; threads++)
			check_run(n, threads);
}

static void test_many_threads(void **state)
{
	(void)state;
	check_run(MAX_TASKS, 64);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_one_thread),
	    cmocka_unit_test(test_every_task_runs_for_any_thread_count),
	    cmocka_unit_test(test_short_queues),
	    cmocka_unit_test(test_many_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
