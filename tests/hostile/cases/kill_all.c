// expect: OK
/* kill(-1): every process we may signal.  Only the box's own; the suite
 * checks that its sentinel process outside is still alive. */
#include <signal.h>

int main(void)
{
	kill(-1, SIGKILL);
	return 0;
}
