/*
 * diag: diagnostics parsed out of tool output.
 *
 * Two sources: gcc's (and clang's) -fdiagnostics-format=json on stderr, and
 * the reports sanitizers print (AddressSanitizer, LeakSanitizer,
 * UndefinedBehaviorSanitizer, ThreadSanitizer).  Both become the same
 * struct diag so reports and the UI handle one shape.
 *
 * All strings are owned by the diag list.
 */
#ifndef WB_DIAG_H
#define WB_DIAG_H

#include <stddef.h>

struct diag {
	char *tool;     /* "gcc", "asan", "lsan", "ubsan", "tsan" */
	char *severity; /* gcc: "error", "warning", "note"; sanitizers: "error" */
	char *file;     /* as the tool printed it; may be NULL */
	int line;       /* 0 when unknown */
	int column;     /* 0 when unknown */
	char *option;   /* gcc: "-Wunused-variable"; sanitizers: the kind,
			   "heap-buffer-overflow", "memory leak", ... */
	char *message;  /* one line */
	char *function; /* sanitizers: the function at the reported frame */
};

struct diag_list {
	struct diag *v;
	size_t n, cap;
};

void diag_list_init(struct diag_list *l);
void diag_list_release(struct diag_list *l);
/* Append a copy of each string (NULLs allowed). */
void diag_list_add(struct diag_list *l, const char *tool,
		   const char *severity, const char *file, int line,
		   int column, const char *option, const char *message,
		   const char *function);

/*
 * Parse gcc's JSON diagnostics (the whole stderr of one compiler run; gcc
 * prints one JSON array per translation unit, possibly mixed with linker
 * text, which is skipped).  Children ("note: ..." attached to an error)
 * become entries of their own with severity "note".
 * Returns the number of diagnostics added, or -1 if no JSON was found.
 */
int diag_parse_gcc_json(struct diag_list *l, const char *text, size_t len);

/*
 * Parse sanitizer reports from a run's stderr.  Each report becomes one
 * diag: the kind ("heap-buffer-overflow", "heap-use-after-free",
 * "stack-buffer-overflow", "memory leak", "signed-integer-overflow",
 * "data race", ...), the message line, and the first stack frame whose file
 * is `prefer_file` (matched by basename) or, failing that, the first frame
 * with a file.  For a data race the message names both racing lines.
 * Returns the number added.
 */
int diag_parse_sanitizer(struct diag_list *l, const char *text, size_t len,
			 const char *prefer_file);

/* "overflow.c:12:5: warning: unused variable 'x' [-Wunused-variable]" */
void diag_format(const struct diag *d, char *out, size_t n);

#endif
