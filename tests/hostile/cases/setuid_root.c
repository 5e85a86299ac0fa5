// expect: OK
/* Become root again, or join root's groups. */
#include <grp.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	gid_t zero = 0;

	if (getuid() == 0 || geteuid() == 0) {
		printf("ESCAPED: running as root\n");
		return 42;
	}
	if (setuid(0) == 0 || seteuid(0) == 0 || setgid(0) == 0 ||
	    setgroups(1, &zero) == 0) {
		printf("ESCAPED: became root\n");
		return 42;
	}
	return 0;
}
