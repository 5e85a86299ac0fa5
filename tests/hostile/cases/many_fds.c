// expect: OK
/* Open files until the system refuses. */
#include <fcntl.h>
#include <stdio.h>

int main(void)
{
	int n = 0;

	while (n < 100000 && open("/dev/null", O_RDONLY) >= 0)
		n++;
	printf("%d open files\n", n);
	if (n >= 10000) {
		printf("ESCAPED: no open-file limit\n");
		return 42;
	}
	return 0;
}
