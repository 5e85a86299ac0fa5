/*
 * path: small file-system helpers.
 *
 * Returned strings are allocated and owned by the caller.  Functions that
 * can fail return -1 (or NULL) and fill the caller's struct err.
 */
#ifndef WB_PATH_H
#define WB_PATH_H

#include <stddef.h>
#include <sys/types.h>

struct err;

/* "a" + "b" -> "a/b"; an absolute b is returned as is. */
char *path_join(const char *a, const char *b);
/* The folder part: "a/b/c.c" -> "a/b", "c.c" -> ".". */
char *path_dirname(const char *p);
/* The last component: "a/b/c.c" -> "c.c". Points into p. */
const char *path_basename(const char *p);
/* Make p and its missing parents (mode 0755). */
int path_mkdirs(const char *p, struct err *e);
int path_exists(const char *p);
int path_is_dir(const char *p);
/* Read a whole regular file of at most `max` bytes, NUL-terminated. */
char *path_read_file(const char *p, size_t max, size_t *len, struct err *e);
/* Write `len` bytes to p through a temporary file and rename (not fsynced). */
int path_write_file(const char *p, const void *data, size_t len, mode_t mode,
		    struct err *e);
/* Copy a regular file, keeping its permission bits. */
int path_copy_file(const char *from, const char *to, struct err *e);
/* Remove p and everything below it; a missing p is not an error. */
int path_remove_tree(const char *p, struct err *e);
/* Modification time in nanoseconds, or -1. */
long long path_mtime_ns(const char *p);
/* An absolute, normalised form of p (p need not exist): realpath of the
 * longest existing prefix plus the rest. */
char *path_absolute(const char *p);

#endif
