/*
 * The workbook timer: runs commands in interleaved rounds and prints how
 * long each run took, measured here, next to the program, so that what it
 * costs to start a sandbox is never part of a figure.
 *
 * workbook carries this source inside its binary (build/gen/timer_src.c,
 * made by scripts/embed.sh), builds it once into the build cache and runs
 * it through check_exec(): see measure_in_box() in runner/measure.h.
 *
 *   timer ROUNDS WARM LIMIT_S OUT NCMD  IN WANT ARGC ARG... (NCMD times)
 *
 * IN is a file for stdin ("-": /dev/null); stdout and stderr of every run
 * go to the file OUT.  WARM untimed rounds come first.  Prints
 * "t I WALL CPU" (seconds) for each timed run of command I; when a run does
 * not exit with WANT, it prints "f I exit N" or "f I signal N" and stops
 * with status 3.  Each run is killed by SIGALRM after LIMIT_S seconds.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAXCMD 8

struct cmd {
	int in, want;
	char **argv;
};

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static long num(const char *s)
{
	return strtol(s, NULL, 10);
}

/* One run; its wait status, or -1. */
static int once(const struct cmd *c, int out, long limit, double *secs,
		double *cpu)
{
	struct rusage ru;
	double t0;
	pid_t pid;
	int st;

	if (lseek(c->in, 0, SEEK_SET) < 0 && errno != ESPIPE)
		return -1;
	if (ftruncate(out, 0) < 0 || lseek(out, 0, SEEK_SET) < 0)
		return -1;
	t0 = now();
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (dup2(c->in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
			_exit(126);
		alarm((unsigned)limit); /* survives exec: a hung run dies */
		execv(c->argv[0], c->argv);
		_exit(127);
	}
	while (wait4(pid, &st, 0, &ru) < 0)
		if (errno != EINTR)
			return -1;
	*secs = now() - t0;
	*cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
	return st;
}

int main(int argc, char **argv)
{
	struct cmd c[MAXCMD];
	long rounds, warm, limit, n, r;
	int out, k = 6;

	if (argc < 6)
		return 2;
	rounds = num(argv[1]);
	warm = num(argv[2]);
	limit = num(argv[3]);
	n = num(argv[5]);
	/* What we run cannot reach our stdout through /proc. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	out = open(argv[4], O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (out < 0 || n < 1 || n > MAXCMD || limit < 1)
		return 2;
	for (long i = 0; i < n; i++) {
		if (k + 3 > argc)
			return 2;
		const char *in = argv[k];
		long m = num(argv[k + 2]);
		c[i].in = open(in[0] == '-' && !in[1] ? "/dev/null" : in,
			       O_RDONLY | O_CLOEXEC);
		c[i].want = (int)num(argv[k + 1]);
		if (c[i].in < 0 || m < 1 || m > argc - k - 3)
			return 2;
		c[i].argv = calloc((size_t)m + 1, sizeof(char *));
		if (!c[i].argv)
			return 2;
		for (long j = 0; j < m; j++)
			c[i].argv[j] = argv[k + 3 + j];
		k += 3 + (int)m;
	}
	for (r = -warm; r < rounds; r++) {
		for (long i = 0; i < n; i++) {
			double secs = 0, cpu = 0;
			int st = once(&c[i], out, limit, &secs, &cpu);
			if (st < 0)
				return 2;
			if (WIFSIGNALED(st)) {
				printf("f %ld signal %d\n", i, WTERMSIG(st));
				return 3;
			}
			if (!WIFEXITED(st) || WEXITSTATUS(st) != c[i].want) {
				printf("f %ld exit %d\n", i, WEXITSTATUS(st));
				return 3;
			}
			if (r >= 0)
				printf("t %ld %.9f %.9f\n", i, secs, cpu);
		}
	}
	return fflush(stdout) ? 2 : 0;
}
