// expect: TO
/* A daemonised child sleeps while the parent burns the time limit: the
 * timeout must kill the daemon too. */
#include <unistd.h>

int main(void)
{
	if (fork() == 0) {
		setsid();
		for (;;)
			pause();
	}
	for (;;)
		;
}
