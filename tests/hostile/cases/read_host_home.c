// expect: OK
/* List the grader's home folder. */
#include <dirent.h>
#include <stdio.h>

int main(void)
{
	DIR *d = opendir(HOST_HOME);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	if (n > 0) {
		printf("ESCAPED: %d entries in %s\n", n, HOST_HOME);
		return 42;
	}
	return 0;
}
