/*
 * The benchmark for parallel/sum, run by the speedup check as
 *     sum_bench THREADS N
 * It prints collatz_total(N, THREADS); the check times the whole run
 * with 1 thread and with 2, and compares the answers.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

uint64_t collatz_total(uint64_t n, int threads);

int main(int argc, char **argv)
{
	char *end1, *end2;
	long threads;
	unsigned long long n;

	if (argc != 3)
		return 2;
	threads = strtol(argv[1], &end1, 10);
	n = strtoull(argv[2], &end2, 10);
	if (*end1 || *end2 || threads < 1 || threads > 64)
		return 2;
	printf("%llu\n", (unsigned long long)collatz_total(n, (int)threads));
	return 0;
}
