// expect: OK
/* Read the password hashes. */
#include <stdio.h>

int main(void)
{
	const char *files[] = {"/etc/shadow", "/etc/gshadow", "/etc/sudoers"};

	for (int i = 0; i < 3; i++) {
		FILE *f = fopen(files[i], "r");
		if (f) {
			printf("ESCAPED: read %s\n", files[i]);
			return 42;
		}
	}
	return 0;
}
