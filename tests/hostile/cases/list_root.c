// expect: OK
/* Look around: the root holds system folders and the box's path, nothing
 * of the host's data. */
#include <dirent.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
	const char *bad[] = {"root", "home", "var", "srv", "mnt", "opt",
			     "boot", "sys", "run", "media"};
	DIR *d = opendir("/");
	struct dirent *e;
	int found = 0;

	if (!d)
		return 3;
	while ((e = readdir(d)))
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			if (!strcmp(e->d_name, bad[i])) {
				printf("ESCAPED: /%s is visible\n", bad[i]);
				found = 1;
			}
	return found ? 42 : 0;
}
