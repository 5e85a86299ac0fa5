// expect: OK host-absent=/etc/wb-hostile
/* Write into /etc, and replace a file there. */
#include <stdio.h>

int main(void)
{
	FILE *f = fopen("/etc/wb-hostile", "w");

	if (f && fputs("planted\n", f) >= 0 && fclose(f) == 0) {
		printf("ESCAPED: wrote /etc/wb-hostile\n");
		return 42;
	}
	if (rename("/etc/hostname", "/etc/wb-hostile") == 0) {
		printf("ESCAPED: renamed in /etc\n");
		return 42;
	}
	return 0;
}
