// expect: OK host-absent=~/wb-hostile-home
/* Write into the home folder of whoever runs the grader (its path is
 * compiled in as HOST_HOME). */
#include <stdio.h>

int main(void)
{
	FILE *f = fopen(HOST_HOME "/wb-hostile-home", "w");

	if (f && fputs("planted\n", f) >= 0 && fclose(f) == 0) {
		printf("ESCAPED: wrote %s/wb-hostile-home\n", HOST_HOME);
		return 42;
	}
	return 0;
}
