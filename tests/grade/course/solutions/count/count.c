/* count/count: reference solution. */
#include <stddef.h>

size_t count_char(const char *s, char c)
{
	size_t n = 0;

	if (c == '\0')
		return 0;
	for (; *s; s++)
		n += *s == c;
	return n;
}
