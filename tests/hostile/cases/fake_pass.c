// expect: RE channel=empty stdout~PASSED
/* Print what a passing test run looks like, then fail.  Verdicts come
 * from the exit status and the channel (fd 3 here), never from stdout:
 * the status is RE and nothing arrived on the channel. */
#include <stdio.h>

int main(void)
{
	printf("ok 1 - everything\n1..1\n[  PASSED  ] 1 test(s).\n");
	fprintf(stderr, "ALL TESTS PASSED\n");
	return 1;
}
