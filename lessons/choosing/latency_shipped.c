/*
 * choosing/latency: profile first, then make it 10 times faster
 *
 * This program is in production.  After every load test it reads the
 * latencies of the requests and prints a report: percentiles, the
 * slowest endpoints, and a histogram.  Here it makes its own test data
 * (the load test is simulated from a fixed seed), so
 *
 *     latency N
 *
 * reports on N requests, and prints the same report every time.  With a
 * few thousand requests it answers at once; with the 30,000 of the
 * nightly test it takes seconds, and the team wants to rewrite it in
 * another language.  Before anyone does: find out where the time goes,
 * and fix that.
 *
 *   1. Measure, don't guess.  Build it and profile it, for instance:
 *          cc -O2 -g -o /tmp/latency exercises/choosing/latency.c
 *          time /tmp/latency 30000 > /dev/null
 *          perf record -g /tmp/latency 30000 > /dev/null && perf report
 *      or, where perf is not allowed,
 *          valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out \
 *              /tmp/latency 5000 > /dev/null
 *          callgrind_annotate /tmp/cg.out | head -30
 *      or gprof: cc -O2 -pg ..., run it, then gprof /tmp/latency gmon.out.
 *   2. Change the one function that matters.
 *   3. The output must stay byte for byte the same.
 *
 * The speedup check times your version against the shipped one (best of
 * several runs) and wants it at least 10 times faster; the io checks
 * compare the reports.
 *
 * Check your work:   workbook check choosing/latency
 * Stuck?             workbook hint choosing/latency
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ENDPOINTS 24

static const char *const endpoint_names[ENDPOINTS] = {
    "GET /v1/items",	 "GET /v1/items/:id",  "POST /v1/items",
    "GET /v1/users/:id", "PUT /v1/users/:id",  "GET /v1/orders",
    "POST /v1/orders",	 "GET /v1/orders/:id", "GET /v1/search",
    "GET /v1/cart",	 "PUT /v1/cart",       "POST /v1/checkout",
    "GET /v1/stock",	 "GET /v1/prices",     "POST /v1/login",
    "POST /v1/logout",	 "GET /v1/profile",    "PUT /v1/profile",
    "GET /v1/reviews",	 "POST /v1/reviews",   "GET /health",
    "GET /metrics",	 "POST /v1/upload",    "GET /v1/export",
};

struct request {
	int endpoint;
	uint32_t micros; /* latency in microseconds */
};

/* --- the simulated load test ---------------------------------------- */

static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

/* xorshift64*: a small, fast, deterministic generator. */
static uint32_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545f4914f6cdd1dULL) >> 32);
}

/* Popular endpoints are hit more often: pick one of ENDPOINTS with
 * weights 24, 23, ..., 1. */
static int pick_endpoint(void)
{
	uint32_t total = ENDPOINTS * (ENDPOINTS + 1) / 2;
	uint32_t r = rng() % total;
	int e = 0;

	while (r >= (uint32_t)(ENDPOINTS - e)) {
		r -= (uint32_t)(ENDPOINTS - e);
		e++;
	}
	return e;
}

/* Mostly 2-30 ms, slower for some endpoints, a tail of slow requests
 * and now and then a timeout-sized spike. */
static uint32_t pick_latency(int endpoint)
{
	uint32_t us = 2000 + rng() % 28000;

	us += (uint32_t)endpoint * 700;
	if (rng() % 20 == 0)
		us *= 2 + rng() % 6;
	if (rng() % 1000 == 0)
		us += 500000 + rng() % 1500000;
	return us;
}

static struct request *simulate(size_t n)
{
	struct request *r = malloc(n * sizeof(*r));

	if (!r) {
		fprintf(stderr, "latency: out of memory\n");
		exit(2);
	}
	for (size_t i = 0; i < n; i++) {
		r[i].endpoint = pick_endpoint();
		r[i].micros = pick_latency(r[i].endpoint);
	}
	return r;
}

/* --- statistics ----------------------------------------------------- */

static void sort_latencies(uint32_t *v, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		uint32_t x = v[i];
		size_t j = i;
		while (j > 0 && v[j - 1] > x) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
}

/* The nearest-rank percentile: the smallest latency that at least
 * `per_mille` thousandths of the requests do not exceed. */
static uint32_t percentile(const struct request *r, size_t n,
			   unsigned per_mille)
{
	uint32_t *v = malloc(n * sizeof(*v));
	size_t rank = (n * per_mille + 999) / 1000;
	uint32_t result;

	if (!v) {
		fprintf(stderr, "latency: out of memory\n");
		exit(2);
	}
	for (size_t i = 0; i < n; i++)
		v[i] = r[i].micros;
	sort_latencies(v, n);
	result = v[rank > 0 ? rank - 1 : 0];
	free(v);
	return result;
}

struct endpoint_stats {
	int endpoint;
	uint64_t total_us;
	uint32_t count, worst;
};

static int slowest_first(const void *a, const void *b)
{
	const struct endpoint_stats *x = a, *y = b;
	uint64_t mx = x->count ? x->total_us / x->count : 0;
	uint64_t my = y->count ? y->total_us / y->count : 0;

	if (mx != my)
		return mx < my ? 1 : -1;
	return x->endpoint - y->endpoint;
}

/* --- the report ------------------------------------------------------ */

static void print_ms(const char *label, uint64_t us)
{
	printf("%-10s %8llu.%03llu ms\n", label,
	       (unsigned long long)(us / 1000),
	       (unsigned long long)(us % 1000));
}

static void histogram(const struct request *r, size_t n)
{
	static const uint32_t upper[] = {5000,	 10000,	 20000,	    50000,
					 100000, 500000, UINT32_MAX};
	static const char *const label[] = {"< 5 ms",	"< 10 ms",  "< 20 ms",
					    "< 50 ms",	"< 100 ms", "< 500 ms",
					    ">= 500 ms"};
	size_t count[7] = {0};

	for (size_t i = 0; i < n; i++) {
		int b = 0;
		while (r[i].micros >= upper[b])
			b++;
		count[b]++;
	}
	printf("histogram:\n");
	for (int b = 0; b < 7; b++) {
		int bar = n ? (int)(count[b] * 50 / n) : 0;
		printf("  %-10s %7zu  ", label[b], count[b]);
		for (int k = 0; k < bar; k++)
			putchar('#');
		putchar('\n');
	}
}

static void report(const struct request *r, size_t n)
{
	struct endpoint_stats s[ENDPOINTS];
	uint64_t total = 0;
	uint32_t worst = 0;

	for (int e = 0; e < ENDPOINTS; e++)
		s[e] = (struct endpoint_stats){e, 0, 0, 0};
	for (size_t i = 0; i < n; i++) {
		struct endpoint_stats *e = &s[r[i].endpoint];
		e->total_us += r[i].micros;
		e->count++;
		if (r[i].micros > e->worst)
			e->worst = r[i].micros;
		total += r[i].micros;
		if (r[i].micros > worst)
			worst = r[i].micros;
	}
	printf("requests   %12zu\n", n);
	print_ms("mean", n ? total / n : 0);
	print_ms("p50", percentile(r, n, 500));
	print_ms("p90", percentile(r, n, 900));
	print_ms("p99", percentile(r, n, 990));
	print_ms("p99.9", percentile(r, n, 999));
	print_ms("max", worst);
	qsort(s, ENDPOINTS, sizeof(s[0]), slowest_first);
	printf("slowest endpoints (mean, worst, requests):\n");
	for (int i = 0; i < 5; i++) {
		uint64_t mean = s[i].count ? s[i].total_us / s[i].count : 0;
		printf("  %-20s %5llu.%03llu ms %7llu.%03llu ms %7u\n",
		       endpoint_names[s[i].endpoint],
		       (unsigned long long)(mean / 1000),
		       (unsigned long long)(mean % 1000),
		       (unsigned long long)(s[i].worst / 1000),
		       (unsigned long long)(s[i].worst % 1000), s[i].count);
	}
	histogram(r, n);
}

int main(int argc, char **argv)
{
	char *end;
	unsigned long long n;
	struct request *r;

	if (argc != 2) {
		fprintf(stderr, "usage: latency N\n");
		return 2;
	}
	n = strtoull(argv[1], &end, 10);
	if (*end || n == 0 || n > 100000000ULL) {
		fprintf(stderr,
			"latency: N must be a number from 1 to 100000000\n");
		return 2;
	}
	r = simulate((size_t)n);
	report(r, (size_t)n);
	free(r);
	return 0;
}
