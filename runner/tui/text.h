/*
 * text: UTF-8 decoding and terminal column widths, shared by the Markdown
 * layout (md.c) and the screens.
 *
 * Decoding never fails: a byte that does not start a valid sequence is one
 * U+FFFD.  Widths come from wcwidth() in the current LC_CTYPE locale; a
 * code point it does not know (or every non-ASCII one in a non-UTF-8
 * locale) counts as one column, so layout never goes negative.  Control
 * characters count as zero columns; callers that print replace them.
 */
#ifndef WB_TUI_TEXT_H
#define WB_TUI_TEXT_H

#include <stddef.h>

#define TEXT_REPLACEMENT 0xFFFDu

/* Decode the code point at s[i] (i < len) into *cp; returns the index just
 * past it (always > i). */
size_t text_next(const char *s, size_t len, size_t i, unsigned *cp);

/* Columns taken by one code point: 0 (controls, combining marks), 1 or 2. */
int text_cpwidth(unsigned cp);

/* Columns taken by s[0..len). */
int text_width(const char *s, size_t len);

/* The longest prefix of s[0..len) that fits in `cols` columns, ending on a
 * code point boundary: returns its length in bytes and sets *used (may be
 * NULL) to its width. */
size_t text_fit(const char *s, size_t len, int cols, int *used);

/* Encode cp as UTF-8 into out (at least 4 bytes); returns the length. */
size_t text_encode(unsigned cp, char *out);

#endif
