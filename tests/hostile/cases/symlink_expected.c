// expect: OK read-refused=expected.txt
/* Plant a link where the grader will look for the program's output, so
 * that it reads a file of its own choosing (here the secret; in a grader,
 * the expected answer). */
#include <unistd.h>

int main(void)
{
	return symlink(SECRET, "expected.txt") == 0 ? 0 : 3;
}
