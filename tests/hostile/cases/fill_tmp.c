// expect: OK
/* Ignore SIGXFSZ and fill /tmp with many files: the private /tmp is
 * small and says so (ENOSPC or EFBIG) long before the host's would. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	static char block[1 << 16];
	long long total = 0;

	signal(SIGXFSZ, SIG_IGN);
	for (int i = 0; i < 1000; i++) {
		char name[64];
		int fd;

		snprintf(name, sizeof(name), "/tmp/fill-%d", i);
		fd = open(name, O_WRONLY | O_CREAT, 0644);
		if (fd < 0)
			break;
		for (;;) {
			ssize_t n = write(fd, block, sizeof(block));
			if (n <= 0)
				break;
			total += n;
		}
		close(fd);
		if (errno == ENOSPC)
			break;
	}
	printf("wrote %lld bytes (%s)\n", total, strerror(errno));
	if (total > (256LL << 20)) {
		printf("ESCAPED: /tmp took more than 256 MiB\n");
		return 42;
	}
	return 0;
}
