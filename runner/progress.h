/*
 * progress: the learner's state file (DESIGN.md, "Progress").
 *
 * A versioned, line-oriented text file, by default <workspace>/.workbook/
 * progress, or $WORKBOOK_STATE.  It records, per exercise: done or failed,
 * attempts, hints shown; per quiz: the answer given and whether the first
 * try was right.  It is parsed, never executed.
 *
 * Format (version 1):
 *     workbook-progress 1
 *     exercise memory/overflow status=done attempts=3 hints=1 time=1732700000
 *     quiz memory/share answer=3 correct=1 first=1 tries=1
 *     step memory 2
 * Unknown keys are kept and written back; unknown record types are kept.
 *
 * Saving is atomic: a temporary file in the same folder, fsync, rename,
 * fsync of the folder.  A lock file (flock) keeps two instances from racing;
 * progress_update() takes the lock, re-reads the file, applies a change and
 * saves, so no update is lost.  A corrupt file, or one from a newer version,
 * is renamed aside (progress.corrupt-<time>) with a message, never
 * overwritten.
 */
#ifndef WB_PROGRESS_H
#define WB_PROGRESS_H

#include <stddef.h>

struct err;

#define PROGRESS_VERSION 1

enum ex_state {
	EX_NOT_TRIED,
	EX_FAILED,
	EX_DONE,
};

struct progress_ex {
	char *name;          /* "memory/overflow" */
	enum ex_state state;
	int attempts;
	int hints;           /* hints shown */
	int skipped;         /* the learner moved on without passing */
	long long time;      /* last verdict, seconds since the epoch */
	char *extra;         /* unknown key=value pairs, kept verbatim */
};

struct progress_quiz {
	char *name;          /* "memory/share" */
	int answer;          /* last answer, 1-based; 0 none */
	int correct;         /* last answer was right */
	int first;           /* first try was right */
	int tries;
	char *extra;
};

struct progress {
	char *path;          /* the state file */
	struct progress_ex *ex;
	size_t nex, capex;
	struct progress_quiz *quiz;
	size_t nquiz, capquiz;
	char **other;        /* unknown lines, kept verbatim */
	size_t nother, capother;
	/* Set by progress_load when a bad file was set aside. */
	char *notice;
};

/* An empty progress for the file at `path` (copied). */
void progress_init(struct progress *p, const char *path);
void progress_release(struct progress *p);

/*
 * Read the file.  A missing file is an empty progress.  A corrupt or newer
 * file is renamed aside, p is left empty, p->notice says what happened and
 * where the old file went, and 0 is returned.  -1 only for an I/O error we
 * cannot work around (then e is set).
 */
int progress_load(struct progress *p, struct err *e);

/* Write atomically (temp, fsync, rename, fsync folder). */
int progress_save(const struct progress *p, struct err *e);

/*
 * Lock, re-read, call fn(p, arg) to change the fresh copy, save, unlock.
 * On return p holds what was saved.  fn returns 0 to save, -1 to abort.
 */
int progress_update(struct progress *p, int (*fn)(struct progress *, void *),
		    void *arg, struct err *e);

/* Find or create records.  Pointers stay valid until the next _get_ call. */
struct progress_ex *progress_ex_get(struct progress *p, const char *name);
const struct progress_ex *progress_ex_find(const struct progress *p,
					   const char *name);
struct progress_quiz *progress_quiz_get(struct progress *p, const char *name);
const struct progress_quiz *progress_quiz_find(const struct progress *p,
					       const char *name);
/* Forget an exercise (reset). */
void progress_ex_remove(struct progress *p, const char *name);

/* Parse from memory (used by load and by the fuzz target).  Returns 0, or -1
 * with e naming the line ("line 3: ...") for a corrupt file. */
int progress_parse(struct progress *p, const char *text, size_t len,
		   struct err *e);
/* Serialise into an allocated string. */
char *progress_format(const struct progress *p, size_t *len);

#endif
