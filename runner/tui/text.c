#include "tui/text.h"

#include <wchar.h>

size_t text_next(const char *s, size_t len, size_t i, unsigned *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned c = u[i], v;
	size_t n, k;

	if (c < 0x80) {
		*cp = c;
		return i + 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		n = 1;
		v = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 2;
		v = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 3;
		v = c & 0x07;
	} else {
		*cp = TEXT_REPLACEMENT;
		return i + 1;
	}
	if (len - i - 1 < n)
		goto bad;
	for (k = 1; k <= n; k++) {
		if ((u[i + k] & 0xC0) != 0x80)
			goto bad;
		v = (v << 6) | (u[i + k] & 0x3F);
	}
	/* Overlong forms, surrogates and values past U+10FFFF. */
	if ((n == 2 && v < 0x800) || (n == 3 && v < 0x10000) ||
	    (v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF)
		goto bad;
	*cp = v;
	return i + 1 + n;
bad:
	*cp = TEXT_REPLACEMENT;
	return i + 1;
}

int text_cpwidth(unsigned cp)
{
	int w;

	if (cp < 0x20 || cp == 0x7F)
		return 0;
	if (cp < 0x7F)
		return 1;
	if (cp >= 0x80 && cp < 0xA0)
		return 0;
	w = wcwidth((wchar_t)cp);
	if (w < 0)
		return 1;
	return w > 2 ? 2 : w;
}

int text_width(const char *s, size_t len)
{
	size_t i = 0;
	int w = 0;
	unsigned cp;

	while (i < len) {
		i = text_next(s, len, i, &cp);
		w += text_cpwidth(cp);
	}
	return w;
}

size_t text_fit(const char *s, size_t len, int cols, int *used)
{
	size_t i = 0, next;
	int w = 0, cw;
	unsigned cp;

	while (i < len) {
		next = text_next(s, len, i, &cp);
		cw = text_cpwidth(cp);
		if (w + cw > cols)
			break;
		w += cw;
		i = next;
	}
	if (used)
		*used = w;
	return i;
}

size_t text_encode(unsigned cp, char *out)
{
	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = TEXT_REPLACEMENT;
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}
