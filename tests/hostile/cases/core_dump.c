// expect: SG no-core
/* Crash on purpose: named by its signal, and no core file is left in the
 * box. */
#include <stdlib.h>

int main(void)
{
	abort();
}
