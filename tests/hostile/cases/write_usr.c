// expect: OK host-absent=/usr/local/bin/wb-hostile
/* Plant a program in the system folders. */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	FILE *f = fopen("/usr/local/bin/wb-hostile", "w");

	if (f && fputs("#!/bin/sh\n", f) >= 0 && fclose(f) == 0) {
		printf("ESCAPED: wrote /usr/local/bin/wb-hostile\n");
		return 42;
	}
	if (unlink("/usr/bin/true") == 0) {
		printf("ESCAPED: removed /usr/bin/true\n");
		return 42;
	}
	return 0;
}
