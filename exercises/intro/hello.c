/*
 * intro/hello: greet people by name
 *
 * Your first exercise is a small program.  Run without arguments, it greets
 * the world; given names on the command line, it greets each of them on its
 * own line, in the order given:
 *
 *     $ ./hello
 *     Hello, world!
 *     $ ./hello Ada Grace
 *     Hello, Ada!
 *     Hello, Grace!
 *
 * The contract, checked to the byte:
 *   - no arguments: print "Hello, world!" followed by a newline;
 *   - otherwise: print one line "Hello, NAME!" for each argument;
 *   - exit with status 0.
 *
 * This starter builds, but gcc warns about it, and it prints the wrong
 * line.  The workbook compiles your file with -Werror, so the warning alone
 * is enough to fail the first check.  Fix both.
 *
 * Check your work:   workbook check intro/hello
 * Stuck?             workbook hint intro/hello
 */
#include <stdio.h>

int main(int argc, char *argv[])
{
	printf("Hello world\n");
	return 0;
}
