/*
 * parallel/queue: reference solution.
 *
 * The queue's position is a C11 atomic, and a thread takes a task with
 * one atomic_fetch_add: it returns the old value and advances the queue
 * in a single indivisible step, so no two threads ever get the same index
 * and none is skipped.  The task itself runs outside any lock.  Each
 * results[i] is written by exactly one thread and read by the caller only
 * after pthread_join, which orders it.
 *
 * A mutex around the two lines that read and advance `next` works just as
 * well; what must not happen is holding it while the task runs.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define MAX_THREADS 64

struct task {
	uint64_t seed;
	uint32_t rounds;
};

static uint64_t task_run(const struct task *t)
{
	uint64_t x = t->seed;

	for (uint32_t r = 0; r < t->rounds; r++) {
		x = x * 6364136223846793005u + 1442695040888963407u;
		x ^= x >> 29;
	}
	return x;
}

struct queue {
	const struct task *tasks;
	uint64_t *results;
	size_t n;
	atomic_size_t next; /* the first task no thread has taken yet */
};

static void *worker(void *arg)
{
	struct queue *q = arg;

	for (;;) {
		/* Take a task and move the queue on, in one step. */
		size_t i = atomic_fetch_add_explicit(&q->next, 1,
						     memory_order_relaxed);
		if (i >= q->n)
			return NULL;
		q->results[i] = task_run(&q->tasks[i]);
	}
}

void run_tasks(const struct task *tasks, size_t n, uint64_t *results,
	       int threads)
{
	struct queue q = {.tasks = tasks, .results = results, .n = n};
	pthread_t tid[MAX_THREADS];
	int started = 0;

	atomic_init(&q.next, 0);
	if (threads < 1)
		threads = 1;
	if (threads > MAX_THREADS)
		threads = MAX_THREADS;
	for (int t = 1; t < threads; t++) {
		if (pthread_create(&tid[t], NULL, worker, &q) != 0)
			break;
		started = t;
	}
	worker(&q); /* this thread works too, and ends when the queue does */
	for (int t = 1; t <= started; t++)
		pthread_join(tid[t], NULL);
}
