/*
 * security/bounded: reference solution.
 *
 * Measure first, copy second: the lengths of the parts are known before
 * a single byte is written, so the decision "does it fit" is one
 * comparison, made up front.  The comparison adds only lengths of strings
 * that exist in memory, so the sum cannot overflow a size_t.  Then
 * memcpy copies exactly those lengths.  snprintf would do as well:
 * n = snprintf(dst, size, "%s%s%s", dir, sep, name), and the path fits
 * when 0 <= n < size.
 */
#include <stddef.h>
#include <string.h>

int join_path(char *dst, size_t size, const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);
	size_t sep = (dl > 0 && dir[dl - 1] != '/') ? 1 : 0;

	if (dl + sep + nl >= size) {
		if (size > 0)
			dst[0] = '\0'; /* no truncated path left behind */
		return -1;
	}
	memcpy(dst, dir, dl);
	if (sep)
		dst[dl] = '/';
	memcpy(dst + dl + sep, name, nl);
	dst[dl + sep + nl] = '\0';
	return 0;
}
