/*
 * memory/overflow: reference solution.
 *
 * The buffer holds `size` bytes, and one of them must be the terminator,
 * so at most size - 1 bytes of text fit.  size == 0 is handled first:
 * there is no room even for the terminator, and size - 1 would wrap around
 * to SIZE_MAX.
 */
#include <stddef.h>
#include <string.h>

size_t copy_name(char *dst, size_t size, const char *src)
{
	size_t len = strlen(src);
	size_t n;

	if (size == 0)
		return len;
	n = len < size - 1 ? len : size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
	return len;
}
