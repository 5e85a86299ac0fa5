// expect: TO
/* Use no CPU at all and never end: only the wall clock stops it. */
#include <unistd.h>

int main(void)
{
	for (;;)
		pause();
}
