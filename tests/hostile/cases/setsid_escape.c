// expect: OK
/* A child leaves our session and process group and keeps working after
 * we exit: it must not outlive the box. */
#include <unistd.h>

int main(void)
{
	if (fork() == 0) {
		setsid();
		if (fork() == 0)
			for (;;)
				;
		_exit(0);
	}
	return 0;
}
