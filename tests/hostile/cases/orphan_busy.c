// expect: OK
/* Leave a busy child behind and exit 0 at once.  The run ends with the
 * parent; the child must die with the box (the suite checks that no box
 * process is left). */
#include <unistd.h>

int main(void)
{
	if (fork() == 0)
		for (;;)
			;
	return 0;
}
