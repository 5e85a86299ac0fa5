// expect: OL
/* Write to stderr without end. */
#include <string.h>
#include <unistd.h>

int main(void)
{
	char line[4096];

	memset(line, 'y', sizeof(line));
	for (;;)
		if (write(2, line, sizeof(line)) < 0)
			return 1;
}
