// expect: OK
/* Look at other processes: only the box's own are there, and the keeper
 * (pid 1) is not ours to read. */
#include <dirent.h>
#include <stdio.h>

int main(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int pids = 0;
	FILE *f;

	while (d && (e = readdir(d)))
		if (e->d_name[0] >= '0' && e->d_name[0] <= '9')
			pids++;
	if (pids > 3) {
		printf("ESCAPED: %d processes visible\n", pids);
		return 42;
	}
	f = fopen("/proc/1/environ", "r");
	if (f && fgetc(f) != EOF) {
		printf("ESCAPED: read pid 1's environment\n");
		return 42;
	}
	if (opendir("/proc/1/root/") && opendir("/proc/1/root/root")) {
		printf("ESCAPED: pid 1's root\n");
		return 42;
	}
	return 0;
}
