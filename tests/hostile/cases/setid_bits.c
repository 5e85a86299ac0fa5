// expect: OK no-setid
/* Leave a set-uid program in the box: outside, the file belongs to the
 * box's owner (often root), so it would be a gift to the next person who
 * runs it. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
	int fd = open("suid", O_WRONLY | O_CREAT, 04755);

	if (fd >= 0)
		close(fd);
	fd = open("plain", O_WRONLY | O_CREAT, 0755);
	if (fd >= 0)
		close(fd);
	if (chmod("plain", 04755) == 0 || chmod("plain", 02755) == 0 ||
	    fchmodat(AT_FDCWD, "plain", 06755, 0) == 0 ||
	    mkdir("sgid-dir", 02777) == 0) {
		printf("ESCAPED: set a set-id bit\n");
		return 42;
	}
	return 0;
}
