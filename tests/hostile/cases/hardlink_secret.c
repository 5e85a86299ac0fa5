// expect: OK
/* Hard-link files from outside into the box. */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	if (link(SECRET, "secret-link") == 0 ||
	    link("/etc/passwd", "passwd-link") == 0 ||
	    link("/usr/bin/true", "true-link") == 0) {
		printf("ESCAPED: hard link into the box\n");
		return 42;
	}
	return 0;
}
