/*
 * memory/overflow: copy an untrusted name into a fixed-size buffer
 *
 * A chat server keeps each user's display name in a small fixed-size
 * buffer.  Names arrive from the network, so they can be any length, and a
 * long one must never write past the end of the buffer.  Write copy_name():
 *
 *     size_t copy_name(char *dst, size_t size, const char *src);
 *
 * The contract (the same one as snprintf's):
 *   - dst points to a buffer of `size` bytes; src is a NUL-terminated string;
 *   - copy as much of src as fits, at most size - 1 bytes, and always end
 *     dst with '\0', so that dst is a valid string afterwards;
 *   - when size is 0, write nothing at all;
 *   - return strlen(src): the length dst would have needed.  A caller
 *     detects truncation by comparing:
 *         if (copy_name(buf, sizeof buf, name) >= sizeof buf)
 *                 ... the name was cut short ...
 *
 * The starter below compiles without a warning and works for short names.
 * Try a name as long as the buffer, or longer.
 *
 * Check your work:   workbook check memory/overflow
 * Stuck?             workbook hint memory/overflow
 */
#include <stddef.h>
#include <string.h>

size_t copy_name(char *dst, size_t size, const char *src)
{
	size_t len = strlen(src);
	size_t n = len;

	if (n > size)
		n = size; /* keep the copy inside dst */
	memcpy(dst, src, n);
	dst[n] = '\0';
	return len;
}
