// expect: OK
/* Tracing our own child is allowed (LeakSanitizer depends on ptrace of
 * the program's own threads). */
#include <signal.h>
#include <stdio.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		for (;;)
			pause();
	}
	if (ptrace(PTRACE_ATTACH, pid, NULL, NULL) < 0) {
		perror("ptrace");
		return 1;
	}
	waitpid(pid, &st, 0);
	ptrace(PTRACE_DETACH, pid, NULL, NULL);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return 0;
}
