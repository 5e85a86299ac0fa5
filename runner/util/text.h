/*
 * text: making untrusted bytes safe for a document format.
 *
 * Student output may hold invalid UTF-8, NUL bytes and control characters.
 * Every renderer passes such text through text_clean() with the mode of
 * its format: invalid UTF-8 becomes U+FFFD, and each mode escapes what its
 * format needs.  The result is appended to a buf (bounded by its limit).
 */
#ifndef WB_TEXT_H
#define WB_TEXT_H

#include <stddef.h>

struct buf;

enum text_mode {
	TEXT_UTF8,   /* valid UTF-8; control characters but \t \n kept as is */
	TEXT_XML,    /* XML 1.0 character data or attribute value: &<>"'
			escaped, characters XML forbids become U+FFFD */
	TEXT_JSON,   /* the inside of a JSON (and YAML) double-quoted string */
	TEXT_LINE,   /* one line: newlines and tabs become spaces, other
			controls U+FFFD */
};

/* Length of the valid UTF-8 sequence at s (1-4), or 0 when invalid. */
size_t text_utf8_seq(const unsigned char *s, size_t left);

/* Append a cleaned copy of s[0..len) to out. */
void text_clean(struct buf *out, const char *s, size_t len,
		enum text_mode mode);
/* The same for a C string (NULL is ""). */
void text_cleans(struct buf *out, const char *s, enum text_mode mode);

#endif
