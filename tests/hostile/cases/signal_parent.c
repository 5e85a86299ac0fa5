// expect: OK
/* Kill whoever started us, and pid 1.  Had it worked, the box would end
 * without a report (XX); it must go on as if nothing happened. */
#include <signal.h>
#include <unistd.h>

int main(void)
{
	kill(getppid(), SIGKILL);
	kill(1, SIGKILL);
	kill(getppid(), SIGTERM);
	return 0;
}
