/*
 * wasm/checksum: an Adler-32 checksum that beats JavaScript
 * (reference solution).
 *
 * The modulo is a division, by far the most expensive step of the loop,
 * and it is only needed before a sum can overflow.  With 32-bit unsigned
 * sums that starts at 5552 bytes: 5552 is the largest n for which
 *     255 * n * (n + 1) / 2 + (n + 1) * (65521 - 1) <= 2^32 - 1,
 * the worst case for b when a and b both start just below 65521 and every
 * byte is 255.  So add up blocks of 5552 bytes with plain additions and
 * reduce once per block, as zlib does.
 */
#include <stddef.h>

#define MOD_ADLER 65521u
#define BLOCK	  5552

unsigned adler32(const unsigned char *data, size_t len)
{
	unsigned a = 1, b = 0;

	while (len > 0) {
		size_t n = len < BLOCK ? len : BLOCK;
		len -= n;
		while (n--) {
			a += *data++;
			b += a;
		}
		a %= MOD_ADLER;
		b %= MOD_ADLER;
	}
	return (b << 16) | a;
}
