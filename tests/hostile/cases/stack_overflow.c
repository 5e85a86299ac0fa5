// expect: SG
/* Recurse until the stack runs out. */
#include <stdio.h>

static int deep(volatile int n)
{
	volatile char pad[1024];

	pad[0] = (char)n;
	return deep(n + 1) + pad[0];
}

int main(void)
{
	return deep(0);
}
