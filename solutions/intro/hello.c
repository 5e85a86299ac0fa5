/*
 * intro/hello: reference solution.
 *
 * argv[0] is the program's own name, so the names start at argv[1];
 * argc counts argv[0] too, which is why "no names" means argc < 2.
 */
#include <stdio.h>

int main(int argc, char *argv[])
{
	if (argc < 2) {
		puts("Hello, world!"); /* puts adds the newline */
		return 0;
	}
	for (int i = 1; i < argc; i++)
		printf("Hello, %s!\n", argv[i]);
	return 0;
}
