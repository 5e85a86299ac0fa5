// expect: OK
/* Push characters into the input of whatever terminal we might hold. */
#include <stdio.h>
#include <sys/ioctl.h>

int main(void)
{
	char c = 'x';

	for (int fd = 0; fd < 3; fd++)
		if (ioctl(fd, TIOCSTI, &c) == 0) {
			printf("ESCAPED: TIOCSTI on fd %d\n", fd);
			return 42;
		}
	return 0;
}
