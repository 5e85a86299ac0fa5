/*
 * count/count: return how many times c appears in the string s.
 */
#include <stddef.h>

size_t count_char(const char *s, char c)
{
	(void)s;
	(void)c;
	return 0;
}
