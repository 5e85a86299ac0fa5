// expect: TO needs=cgroup-pids
/* A fork bomb whose children leave the process group and session, so a
 * group kill would miss them. */
#include <unistd.h>

int main(void)
{
	for (;;)
		if (fork() == 0)
			setsid();
}
