// expect: FL
/* Write one file in the box without end. */
#include <stdio.h>
#include <string.h>

int main(void)
{
	static char block[1 << 16];
	FILE *f = fopen("huge.bin", "w");

	if (!f)
		return 3;
	memset(block, 'z', sizeof(block));
	for (;;)
		fwrite(block, 1, sizeof(block), f);
}
