/*
 * security/bounded: build a path from untrusted parts without overflow
 *
 * A file server turns a folder and a name from a request into a path:
 * "/srv/files" and "report.pdf" make "/srv/files/report.pdf", in a buffer
 * of PATH_MAX bytes.  The name comes from the network and can be 5000
 * characters long.  strcpy and strcat copy until the '\0', however far
 * away it is: they have no idea how big dst is.  The function:
 *
 *     int join_path(char *dst, size_t size, const char *dir,
 *                   const char *name);
 *
 * The contract:
 *   - dst is a buffer of `size` bytes; write dir, then one '/', then
 *     name, and a terminating '\0'.  If dir is empty the result is name;
 *     if dir already ends with '/', do not add another;
 *   - return 0 when the whole path fits (its length is at most size - 1);
 *   - otherwise return -1, and leave dst holding "" (when size > 0) rather
 *     than a truncated path, which could name a different file;
 *   - never write outside dst[0..size-1], even when size is 0.
 *
 * The starter uses strcpy and strcat.  The tests give it names as long
 * as the buffer and longer, with every buffer allocated at exactly its
 * size, so AddressSanitizer (the sanitize check) reports the first byte
 * written past the end.  The forbid check reads your object file and
 * fails on strcpy, strcat, sprintf, vsprintf, gets and stpcpy.
 *
 * Check your work:   workbook check security/bounded
 * Stuck?             workbook hint security/bounded
 */
#include <stddef.h>
#include <string.h>

int join_path(char *dst, size_t size, const char *dir, const char *name)
{
	(void)size; /* the caller made dst big enough ... surely */
	strcpy(dst, dir);
	if (dir[0] != '\0' && dir[strlen(dir) - 1] != '/')
		strcat(dst, "/");
	strcat(dst, name);
	return 0;
}
