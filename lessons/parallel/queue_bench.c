/*
 * The benchmark for parallel/queue, run by the speedup check as
 *     queue_bench THREADS TASKS BIGGEST
 * TASKS tasks, largest first: task i has BIGGEST * ((TASKS-i)/TASKS)^2
 * rounds, so the first half of the list holds 7/8 of the work.  Prints a
 * checksum of the results; the check compares it between 1 and 2 threads.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct task {
	uint64_t seed;
	uint32_t rounds;
};

void run_tasks(const struct task *tasks, size_t n, uint64_t *results,
	       int threads);

int main(int argc, char **argv)
{
	char *e1, *e2, *e3;
	long threads, n;
	unsigned long biggest;
	struct task *tasks;
	uint64_t *results, sum = 0;

	if (argc != 4)
		return 2;
	threads = strtol(argv[1], &e1, 10);
	n = strtol(argv[2], &e2, 10);
	biggest = strtoul(argv[3], &e3, 10);
	if (*e1 || *e2 || *e3 || threads < 1 || threads > 64 || n < 1 ||
	    n > 100000 || biggest > 4000000000UL)
		return 2;
	tasks = calloc((size_t)n, sizeof(*tasks));
	results = calloc((size_t)n, sizeof(*results));
	if (!tasks || !results)
		return 3;
	for (long i = 0; i < n; i++) {
		double share = (double)(n - i) / (double)n;
		tasks[i].seed = (uint64_t)i * 2654435761u + 1;
		tasks[i].rounds =
		    (uint32_t)((double)biggest * share * share) + 1;
	}
	run_tasks(tasks, (size_t)n, results, (int)threads);
	for (long i = 0; i < n; i++)
		sum = sum * 31 + results[i];
	printf("%llu\n", (unsigned long long)sum);
	free(tasks);
	free(results);
	return 0;
}
