// expect: TO needs=cgroup-pids
/* The classic: every process forks forever. */
#include <unistd.h>

int main(void)
{
	for (;;)
		fork();
}
