// expect: OK host-absent=/tmp/wb-hostile-tmp
/* Write into /tmp: it works, in the box's own /tmp, and the host's /tmp
 * never sees the file. */
#include <stdio.h>

int main(void)
{
	FILE *f = fopen("/tmp/wb-hostile-tmp", "w");

	if (!f || fputs("planted\n", f) < 0 || fclose(f) != 0) {
		perror("/tmp/wb-hostile-tmp");
		return 1;
	}
	return 0;
}
