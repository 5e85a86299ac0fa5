// expect: RE cflags=-fsanitize=address,-g stderr~heap-buffer-overflow
/* AddressSanitizer must work inside the box (no address-space limit). */
#include <stdlib.h>

int main(void)
{
	char *volatile p = malloc(10);

	p[10] = 1;
	free(p);
	return 0;
}
