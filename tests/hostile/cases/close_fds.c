// expect: OK
/* Close stdin, stdout and stderr, then succeed. */
#include <unistd.h>

int main(void)
{
	close(0);
	close(1);
	close(2);
	return 0;
}
