/*
 * parallel/queue: share uneven work through a queue
 *
 * A batch job has n tasks of very different sizes: think of files to
 * compress, sorted largest first.  Cutting the list into one block per
 * thread is simple and wrong here: the thread that gets the first block
 * gets nearly all the work, and the other finishes early and sits idle.
 * A work queue fixes that.  Every thread takes the next task nobody has
 * taken yet, runs it, and comes back for more, so they all stay busy
 * until the queue is empty.  The function:
 *
 *     void run_tasks(const struct task *tasks, size_t n, uint64_t *results,
 *                    int threads);
 *
 * The contract:
 *   - for every i < n, results[i] = task_run(&tasks[i]) (given below);
 *   - use `threads` POSIX threads (1 to 64), all taking tasks from one
 *     shared queue; every task runs exactly once;
 *   - n may be 0, or smaller than threads.
 *
 * The starter has the queue, and it gets the right results.  But the
 * queue itself is shared: two threads can read the same `next`, run the
 * same task twice, and write `next` back in any order.  The tests may
 * pass; the sanitize check (ThreadSanitizer) reports the race.  The
 * speedup check times the benchmark (64 tasks, largest first) with 1
 * thread and with 2, and wants at least 1.5x: taking a task must be
 * quick and safe, and running it must happen outside any lock.
 *
 * Check your work:   workbook check parallel/queue
 * Stuck?             workbook hint parallel/queue
 */
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#define MAX_THREADS 64

struct task {
	uint64_t seed;
	uint32_t rounds; /* how much work: the cost grows with rounds */
};

/* One task's work: a number mixed `rounds` times. */
static uint64_t task_run(const struct task *t)
{
	uint64_t x = t->seed;

	for (uint32_t r = 0; r < t->rounds; r++) {
		x = x * 6364136223846793005u + 1442695040888963407u;
		x ^= x >> 29;
	}
	return x;
}

/* The queue every thread takes tasks from. */
struct queue {
	const struct task *tasks;
	uint64_t *results;
	size_t n;
	size_t next; /* the first task no thread has taken yet */
};

static void *worker(void *arg)
{
	struct queue *q = arg;

	for (;;) {
		size_t i = q->next; /* take the next task ... */
		if (i >= q->n)
			return NULL;
		q->next = i + 1; /* ... and move the queue on */
		q->results[i] = task_run(&q->tasks[i]);
	}
}

void run_tasks(const struct task *tasks, size_t n, uint64_t *results,
	       int threads)
{
	struct queue q = {.tasks = tasks, .results = results, .n = n};
	pthread_t tid[MAX_THREADS];

	if (threads < 1)
		threads = 1;
	if (threads > MAX_THREADS)
		threads = MAX_THREADS;
	for (int t = 0; t < threads; t++)
		pthread_create(&tid[t], NULL, worker, &q);
	for (int t = 0; t < threads; t++)
		pthread_join(tid[t], NULL);
}
