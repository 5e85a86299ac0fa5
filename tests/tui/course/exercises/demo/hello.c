/* demo/hello: print "hello" and a newline. */
#include <stdio.h>

int main(void)
{
	printf("goodbye\n");
	return 0;
}
