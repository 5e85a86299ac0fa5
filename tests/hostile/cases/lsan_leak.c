// expect: RE cflags=-fsanitize=address,-g stderr~LeakSanitizer:.detected.memory.leaks
/* LeakSanitizer (it stops the world with ptrace on our own threads) must
 * work inside the box. */
#include <stdlib.h>

void *volatile keep;

int main(void)
{
	keep = malloc(100);
	keep = NULL;
	return 0;
}
