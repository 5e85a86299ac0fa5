#include "text.h"

#include <string.h>

#include "buf.h"

#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD */

size_t text_utf8_seq(const unsigned char *s, size_t left)
{
	unsigned c = s[0];
	size_t n;
	unsigned long cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	if (n > left)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* No overlong forms, no surrogates, nothing past U+10FFFF. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

/* Code point of a valid sequence (for XML's forbidden U+FFFE/U+FFFF). */
static unsigned long decode(const unsigned char *s, size_t n)
{
	unsigned long cp = n == 1 ? s[0] : (s[0] & (0xff >> (n + 1)));

	for (size_t i = 1; i < n; i++)
		cp = (cp << 6) | (s[i] & 0x3f);
	return cp;
}

static void put_control(struct buf *out, unsigned char c,
			enum text_mode mode)
{
	switch (mode) {
	case TEXT_UTF8:
		if (c == '\t' || c == '\n' || c == '\r')
			buf_addch(out, (char)c);
		else
			buf_addstr(out, REPLACEMENT);
		break;
	case TEXT_XML:
		if (c == '\t' || c == '\n' || c == '\r')
			buf_printf(out, "&#%u;", c);
		else
			buf_addstr(out, REPLACEMENT);
		break;
	case TEXT_JSON:
		if (c == '\n')
			buf_addstr(out, "\\n");
		else if (c == '\t')
			buf_addstr(out, "\\t");
		else if (c == '\r')
			buf_addstr(out, "\\r");
		else
			buf_printf(out, "\\u%04x", c);
		break;
	case TEXT_LINE:
		if (c == '\t' || c == '\n' || c == '\r')
			buf_addch(out, ' ');
		else
			buf_addstr(out, REPLACEMENT);
		break;
	}
}

void text_clean(struct buf *out, const char *s, size_t len,
		enum text_mode mode)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		size_t n = text_utf8_seq(p + i, len - i);
		unsigned char c = p[i];
		if (n == 0) {
			buf_addstr(out, REPLACEMENT);
			i++;
			continue;
		}
		if (n == 1 && (c < 0x20 || c == 0x7f)) {
			put_control(out, c, mode);
		} else if (n == 1 && mode == TEXT_XML &&
			   strchr("&<>\"'", c)) {
			static const char *const ent[] = {"&amp;", "&lt;",
							  "&gt;", "&quot;",
							  "&apos;"};
			buf_addstr(out, ent[strchr("&<>\"'", c) - "&<>\"'"]);
		} else if (n == 1 && mode == TEXT_JSON &&
			   (c == '"' || c == '\\')) {
			buf_addch(out, '\\');
			buf_addch(out, (char)c);
		} else if (n == 3 && mode == TEXT_XML &&
			   decode(p + i, n) >= 0xfffe) {
			buf_addstr(out, REPLACEMENT);
		} else {
			buf_add(out, p + i, n);
		}
		i += n;
	}
}

void text_cleans(struct buf *out, const char *s, enum text_mode mode)
{
	if (s)
		text_clean(out, s, strlen(s), mode);
}
