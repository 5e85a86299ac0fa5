// expect: ML needs=cgroup-mem
/* Four processes, each under the limit, together over it: the limit is
 * for the whole box, not per process. */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	for (int i = 0; i < 4; i++)
		if (fork() == 0) {
			char *p = malloc(48 << 20);
			if (!p)
				_exit(3);
			memset(p, 1, 48 << 20);
			pause();
			_exit(0);
		}
	for (int i = 0; i < 4; i++)
		wait(NULL);
	return 0;
}
