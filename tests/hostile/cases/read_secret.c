// expect: OK
/* Read a file outside the box (its path is compiled in as SECRET; the
 * suite checks no output holds its contents). */
#include <stdio.h>

int main(void)
{
	char line[256];
	FILE *f = fopen(SECRET, "r");

	if (f && fgets(line, sizeof(line), f)) {
		printf("ESCAPED: %s", line);
		return 42;
	}
	return 0;
}
