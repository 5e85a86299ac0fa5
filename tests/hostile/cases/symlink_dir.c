// expect: OK read-refused=out/etc/hostname
/* Make the output folder a link to the root, so reading out/... reads
 * the host's files. */
#include <unistd.h>

int main(void)
{
	return symlink("/", "out") == 0 ? 0 : 3;
}
