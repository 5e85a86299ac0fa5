// expect: OK
/* Make empty files in /tmp until the system refuses. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	int n = 0;

	for (; n < 200000; n++) {
		char name[64];
		int fd;

		snprintf(name, sizeof(name), "/tmp/f%d", n);
		fd = open(name, O_WRONLY | O_CREAT, 0644);
		if (fd < 0)
			break;
		close(fd);
	}
	printf("%d files\n", n);
	if (n >= 200000) {
		printf("ESCAPED: no inode limit on /tmp\n");
		return 42;
	}
	return 0;
}
