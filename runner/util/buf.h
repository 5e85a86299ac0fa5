/*
 * buf: a growable byte buffer with an upper bound.
 *
 * Everything that comes from a child process or a file goes through a buf
 * with a limit (1 MiB for captured output).  Bytes past the limit are
 * dropped and `truncated` is set, so the caller can say so.  The data is
 * always NUL-terminated (the terminator is not counted in len) and may hold
 * NUL bytes of its own: use len, not strlen.
 *
 *   struct buf b;
 *   buf_init(&b, BUF_CAPTURE_MAX);
 *   buf_add(&b, data, n);
 *   ... b.data, b.len ...
 *   buf_release(&b);
 */
#ifndef WB_BUF_H
#define WB_BUF_H

#include <stddef.h>

#define BUF_CAPTURE_MAX ((size_t)1 << 20) /* 1 MiB */
#define BUF_UNLIMITED ((size_t)-1)

struct buf {
	char *data;    /* owned; NULL until the first byte (buf_cstr never is) */
	size_t len;    /* bytes kept */
	size_t cap;    /* allocated */
	size_t max;    /* most bytes kept */
	size_t total;  /* bytes offered, kept or not */
	int truncated; /* some bytes were dropped */
};

void buf_init(struct buf *b, size_t max);
/* Free the data and reset to empty (the limit stays). */
void buf_release(struct buf *b);
/* Append; bytes beyond the limit are counted in total and dropped. */
void buf_add(struct buf *b, const void *data, size_t len);
void buf_addstr(struct buf *b, const char *s);
void buf_addch(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The data as a C string; "" when empty.  Valid until the next change. */
const char *buf_cstr(const struct buf *b);
/* Hand the data to the caller (free() it); the buf is left empty. */
char *buf_detach(struct buf *b, size_t *len);

#endif
