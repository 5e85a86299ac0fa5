/*
 * xalloc: allocation that never returns NULL.
 *
 * Out of memory is fatal (STYLE.md): the process prints a message and exits
 * with status 2, after running the hook set by xalloc_set_fatal_hook() so a
 * front end can restore the terminal first.  Every returned pointer is owned
 * by the caller and released with free().
 */
#ifndef WB_XALLOC_H
#define WB_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* Grow an array of `*cap` elements of `size` so it holds at least `need`. */
void *xgrow(void *p, size_t *cap, size_t need, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* A freshly allocated formatted string. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Called once before a fatal exit (out of memory, broken invariant). */
void xalloc_set_fatal_hook(void (*hook)(void));

/* Print "workbook: fatal: ..." to stderr, run the hook, exit(2). */
_Noreturn void xfatal(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

#endif
