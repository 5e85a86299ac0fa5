/*
 * security/parseint: turn untrusted text into a number, or say why not
 *
 * A server reads "Content-Length: 120" from a request, a tool reads
 * "--port 8080" from its command line.  Either text can be anything:
 * empty, "12abc", "99999999999999999999", "-1".  atoi() turns all of
 * those into some number without a word of warning, and a hand-written
 * loop that multiplies by 10 overflows a long, which in C is undefined
 * behaviour, not a wrap-around you can test for afterwards.  The
 * function:
 *
 *     int parse_long(const char *s, long min, long max, long *out);
 *
 * The contract:
 *   - s must be an optional sign followed by decimal digits, and nothing
 *     else: no spaces before or after, no other characters;
 *   - on success store the number in *out and return 0;
 *   - otherwise leave *out alone, set errno and return -1:
 *     EINVAL when s is not such a number (empty, garbage, trailing text),
 *     ERANGE when it is a number but outside min..max, including numbers
 *     too large for a long at all.
 *
 * The standard tool is strtol: it reports where the number ended (so you
 * can see trailing garbage) and sets errno to ERANGE when the value does
 * not fit in a long.  Its catches: it skips leading spaces on its own,
 * it returns 0 for no digits without setting errno, and errno keeps an
 * old value unless you set it to 0 first.
 *
 * The starter does the arithmetic by hand.  The tests try hostile text;
 * the sanitize check runs them under UndefinedBehaviorSanitizer, which
 * stops at the first signed overflow; the forbid check fails on atoi and
 * its friends, which cannot report an error at all.
 *
 * Check your work:   workbook check security/parseint
 * Stuck?             workbook hint security/parseint
 */
#include <errno.h>

int parse_long(const char *s, long min, long max, long *out)
{
	long n = 0;
	int negative = 0;

	if (*s == '-' || *s == '+')
		negative = *s++ == '-';
	while (*s >= '0' && *s <= '9')
		n = n * 10 + (*s++ - '0');
	if (negative)
		n = -n;
	if (n < min || n > max) {
		errno = ERANGE;
		return -1;
	}
	*out = n;
	return 0;
}
