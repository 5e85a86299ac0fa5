/*
 * err: a caller-owned error message.
 *
 * Recoverable failures in the engine return -1 (or NULL) and describe
 * themselves in a struct err that the caller provides.  The message is a
 * fixed-size array: filling it never allocates, so it works when memory is
 * short.  Messages start lowercase and quote their subject, git style:
 *     cannot open 'exercises/memory/overflow.c': No such file or directory
 */
#ifndef WB_ERR_H
#define WB_ERR_H

#include <stddef.h>

#define ERR_MAX 1024

struct err {
	char msg[ERR_MAX];
};

/* Set the message; always returns -1 so callers can `return err_set(...)`. */
int err_set(struct err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Like err_set, then appends ": strerror(errno)" for the errno at entry. */
int err_errno(struct err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Prefix an existing message with more context ("loading 'x': <old>"). */
int err_prefix(struct err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Clear the message. */
void err_clear(struct err *e);

#endif
