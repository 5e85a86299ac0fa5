// expect: OK
/* Lift the limits the box set. */
#include <stdio.h>
#include <sys/resource.h>

int main(void)
{
	int res[] = {RLIMIT_CPU, RLIMIT_FSIZE, RLIMIT_NOFILE, RLIMIT_NPROC,
		     RLIMIT_CORE};
	const char *names[] = {"CPU", "FSIZE", "NOFILE", "NPROC", "CORE"};

	for (int i = 0; i < 5; i++) {
		struct rlimit rl;

		if (getrlimit(res[i], &rl) < 0 || rl.rlim_max == RLIM_INFINITY)
			continue;
		rl.rlim_max = RLIM_INFINITY;
		rl.rlim_cur = RLIM_INFINITY;
		if (setrlimit(res[i], &rl) == 0) {
			printf("ESCAPED: raised RLIMIT_%s\n", names[i]);
			return 42;
		}
	}
	return 0;
}
