/*
 * security/parseint: reference solution, with strtol.
 *
 * The checks, in order: the first character must be a sign or a digit
 * (strtol would skip spaces); errno is cleared so that ERANGE can only
 * come from this call; strtol must have consumed at least one digit and
 * stopped at the terminating '\0'; ERANGE means the number did not fit in
 * a long; then the caller's range.  No arithmetic happens on the digits
 * here at all, so there is nothing to overflow.
 */
#include <errno.h>
#include <stdlib.h>

int parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (!((*s >= '0' && *s <= '9') || *s == '-' || *s == '+')) {
		errno = EINVAL; /* empty, a space, or garbage up front */
		return -1;
	}
	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end != '\0') {
		errno = EINVAL; /* no digits, or text after them */
		return -1;
	}
	if (errno == ERANGE || v < min || v > max) {
		errno = ERANGE;
		return -1;
	}
	*out = v;
	return 0;
}
