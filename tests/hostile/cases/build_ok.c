// expect: OK build=inside
/* The control for the compile cases: an ordinary file compiles inside the
 * box (gcc, cc1, as and ld all run there). */
#include <stdio.h>

int main(void)
{
	printf("hello\n");
	return 0;
}
