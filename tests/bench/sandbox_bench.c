/*
 * The cost of one sandboxed run: N runs of /bin/true through sandbox_run()
 * (one probed sandbox, reused, as the grader does) against N plain
 * fork+exec+wait of the same program.  Prints the medians in milliseconds.
 *
 *   sandbox_bench [N] [BOX] [LAYERS-TO-DISABLE]
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sandbox.h"
#include "util/err.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* CPU seconds of this thread, and of our reaped children. */
static double cpu_of(int who)
{
	struct rusage ru;

	getrusage(who, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int plain_run(char *const *argv)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		/* as the sandbox does for its program */
		struct sched_param sp = {0};
		sched_setscheduler(0, SCHED_OTHER, &sp);
		execv(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	static char prog[] = "/bin/true";
	char *const args[] = {prog, NULL};
	int n = argc > 1 ? atoi(argv[1]) : 200;
	const char *box = argc > 2 ? argv[2] : ".";
	double *plain = calloc((size_t)n, sizeof(double));
	double *boxed = calloc((size_t)n, sizeof(double));
	double *plain_cpu = calloc((size_t)n, sizeof(double));
	double *boxed_cpu = calloc((size_t)n, sizeof(double));
	struct sandbox *sb;
	struct err e;

	if (n < 1 || !plain || !boxed || !plain_cpu || !boxed_cpu)
		return 2;
	struct sandbox_config cfg;

	memset(&cfg, 0, sizeof(cfg));
	if (argc > 3 && sandbox_layers_parse(argv[3], &cfg.disable, &e) < 0) {
		fprintf(stderr, "sandbox_bench: %s\n", e.msg);
		return 2;
	}
	sb = sandbox_new(&cfg, &e);
	if (!sb) {
		fprintf(stderr, "sandbox_bench: %s\n", e.msg);
		return 2;
	}
	for (int i = 0; i < n; i++) {
		struct sandbox_run_opts o;
		struct sandbox_result r;
		double t0 = now_ms();
		double c0 = cpu_of(RUSAGE_THREAD) + cpu_of(RUSAGE_CHILDREN);

		if (plain_run(args) < 0) {
			fprintf(stderr, "sandbox_bench: plain run failed\n");
			return 1;
		}
		plain[i] = now_ms() - t0;
		plain_cpu[i] =
		    (cpu_of(RUSAGE_THREAD) + cpu_of(RUSAGE_CHILDREN) - c0) *
		    1e3;
		memset(&o, 0, sizeof(o));
		o.argv = args;
		o.box = box;
		t0 = now_ms();
		c0 = cpu_of(RUSAGE_THREAD);
		if (sandbox_run(sb, &o, &r, &e) < 0 || r.status != SB_OK) {
			fprintf(stderr, "sandbox_bench: %s\n",
				e.msg[0] ? e.msg : r.message);
			return 1;
		}
		boxed[i] = now_ms() - t0;
		/* ours, plus the box's (keeper, program) from its cgroup */
		boxed_cpu[i] =
		    (cpu_of(RUSAGE_THREAD) - c0 + r.cpu_seconds) * 1e3;
		sandbox_result_release(&r);
	}
	double p = median(plain, n), b = median(boxed, n);
	printf("layers: %s\n", sandbox_layers(sb));
	printf("plain fork+exec of /bin/true: %.3f ms (median of %d)\n", p, n);
	printf("sandboxed run of /bin/true:   %.3f ms (median of %d)\n", b, n);
	printf("extra cost of the sandbox:    %.3f ms\n", b - p);
	p = median(plain_cpu, n);
	b = median(boxed_cpu, n);
	printf("CPU per plain run:            %.3f ms (median)\n", p);
	printf("CPU per sandboxed run:        %.3f ms (median; the box's "
	       "part from its cgroup)\n",
	       b);
	printf("extra CPU of the sandbox:     %.3f ms\n", b - p);
	sandbox_free(sb);
	free(plain);
	free(boxed);
	free(plain_cpu);
	free(boxed_cpu);
	return 0;
}
