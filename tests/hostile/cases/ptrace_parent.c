// expect: OK
/* Attach a debugger to the process that started us and to pid 1. */
#include <stdio.h>
#include <sys/ptrace.h>
#include <unistd.h>

int main(void)
{
	if (ptrace(PTRACE_ATTACH, getppid(), NULL, NULL) == 0 ||
	    ptrace(PTRACE_ATTACH, 1, NULL, NULL) == 0 ||
	    ptrace(PTRACE_SEIZE, 1, NULL, NULL) == 0) {
		printf("ESCAPED: attached to pid %d\n", (int)getppid());
		return 42;
	}
	return 0;
}
