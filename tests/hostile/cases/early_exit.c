// expect: OK channel=empty
/* Exit 0 before any test ran.  The box reports what happened (OK, and an
 * empty channel); the grader turns "no tests reported" into a failure. */
#include <stdlib.h>

int main(void)
{
	exit(0);
}
