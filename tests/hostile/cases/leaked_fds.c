// expect: OK
/* Look for file descriptors we were not meant to get (the grader's own
 * files, pipes of other boxes), then redirect our own. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	int leaked = 0;

	for (int fd = 3; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) >= 0) {
			char path[64], target[256] = "";
			snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
			readlink(path, target, sizeof(target) - 1);
			printf("leaked fd %d -> %s\n", fd, target);
			leaked = 1;
		}
	if (leaked)
		return 42;
	int f = open("out.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (f < 0 || dup2(f, 1) < 0 || dup2(f, 2) < 0)
		return 3;
	printf("into the file\n");
	return 0;
}
