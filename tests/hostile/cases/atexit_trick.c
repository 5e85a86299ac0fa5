// expect: OK channel=empty stdout~ALL.TESTS.PASSED
/* A failing assertion turned into exit 0 by a SIGABRT handler, with a
 * cheerful line printed on the way out.  The status is what the process
 * did (OK); the channel shows that no test finished. */
#include <assert.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void cheer(void)
{
	printf("ALL TESTS PASSED\n");
	fflush(stdout);
}

static void swallow(int sig)
{
	(void)sig;
	cheer();
	_exit(0);
}

int main(void)
{
	atexit(cheer);
	signal(SIGABRT, swallow);
	abort(); /* where a failed test would land */
}
