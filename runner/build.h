/*
 * build: compiler command lines, flag sets, and the cache of compiled
 * harness objects.
 *
 * Every compile runs gcc (or clang) through proc with LC_ALL=C and
 * -fdiagnostics-format=json, and parses diagnostics into a diag_list.
 * Objects whose inputs never change between runs (a lesson's test file,
 * the test harness, cmocka glue) are built once and kept in the cache,
 * keyed by a hash of the source bytes, the flags and the compiler; the
 * learner's file is rebuilt only when its bytes change.  The cache lives in
 * <workspace>/.workbook/build/cache and is safe to delete.
 */
#ifndef WB_BUILD_H
#define WB_BUILD_H

#include <stddef.h>

#include "diag.h"
#include "util/buf.h"

struct err;
struct sandbox;

struct build {
	char *dir;        /* absolute build folder (.workbook/build) */
	char *cache_dir;  /* <dir>/cache */
	char *cc;         /* gcc, or $WORKBOOK_CC */
	char *clang;      /* clang, or NULL when missing */
	int timeout_ms;   /* per compiler run */
	/* Grading: compilers run in the sandbox too, so an #include or
	 * .incbin of a file outside the submission fails.  NULL: no. */
	struct sandbox *sandbox;
};

/* A compile (or link) request.  Lists are NULL-terminated; NULL is empty. */
struct build_job {
	const char *compiler;      /* NULL: b->cc */
	const char *const *sources; /* .c or .o inputs */
	const char *output;        /* the file to produce */
	int link;                  /* 0: -c to an object; 1: an executable */
	int shared;                /* link a shared object (-shared -fPIC) */
	const char *std;           /* "c11" (default), "c17", "gnu11", ... */
	int werror;
	int warnings;              /* add -Wall -Wextra */
	const char *sanitize;      /* "address,undefined", "thread", NULL */
	const char *opt;           /* "-O0" (default "-O1 -g") */
	const char *const *cflags; /* extra flags from the lesson */
	const char *const *defines; /* "-D..." already formatted */
	const char *const *ldflags; /* "-lcmocka", "-Wl,--wrap=main", ... */
};

struct build_result {
	int ok;                 /* the compiler succeeded */
	struct diag_list diags; /* parsed diagnostics */
	struct buf log;         /* compiler stderr without the JSON */
	struct buf raw;         /* compiler stderr as printed */
	double seconds;
	char *command;          /* the command line, for display */
};

int build_init(struct build *b, const char *dir, struct err *e);
void build_release(struct build *b);

/* Run the compiler.  Returns 0 (see r->ok for the verdict) or -1 with e set
 * when the compiler could not be run. */
int build_run(struct build *b, const struct build_job *j,
	      struct build_result *r, struct err *e);
void build_result_release(struct build_result *r);

/*
 * The job's output (an object, or with link set an executable or shared
 * object) from the cache when an identical job was done before: same
 * compiler, flags and input bytes.  Returns an allocated path to the
 * cached object (r->ok set), or NULL with r holding the diagnostics of a
 * failed compile (or e set on error: check e->msg[0]).
 */
char *build_cached_object(struct build *b, const struct build_job *j,
			  struct build_result *r, struct err *e);

/* 64-bit FNV-1a over bytes, chained from `h` (start with BUILD_HASH_INIT). */
#define BUILD_HASH_INIT 0xcbf29ce484222325ULL
unsigned long long build_hash(unsigned long long h, const void *p, size_t n);

#endif
