/*
 * grade: grading a class (DESIGN.md, "Command line": grade DIR).
 *
 * A submissions folder holds one folder per student, each laid out like
 * exercises/: a student's memory/overflow.c is SUBMISSIONS/<student>/
 * memory/overflow.c.  Every (student, exercise) pair is one job; jobs run
 * on a pool of threads, student-major, each in its own build folder
 * <workdir>/<student>/<section>/<exercise>/ and, when a sandbox is given,
 * in its own box.  Objects that do not depend on the student (the harness,
 * the lesson's test files) come from the build cache, so they are built
 * once for the whole class.
 *
 * Everything a student hands in is untrusted: folder names are checked
 * (grade_name_ok), symbolic links are never followed, files are read with
 * O_NOFOLLOW and a size cap, and copied into the build folder before the
 * compiler sees them.  A student's code failing, hanging or lying is a
 * verdict; the run never stops on one bad submission.
 *
 * The engine never calls the lesson scripts: the caller runs on_result
 * afterwards, on its own thread, in class order.
 */
#ifndef WB_GRADE_H
#define WB_GRADE_H

#include <stddef.h>

#include "verdict.h"

struct build;
struct course;
struct err;
struct exercise;
struct sandbox;

#define GRADE_FILE_MAX ((size_t)512 << 10) /* bytes of one submitted file */
#define GRADE_NAME_MAX 128		   /* bytes of a student's name */

/* 1 when `name` may name a student: 1 to GRADE_NAME_MAX characters from
 * A-Z a-z 0-9 . _ @ + -, not starting with a dot. */
int grade_name_ok(const char *name);

/* The students of a submissions folder. */
struct grade_roster {
	char *root;   /* absolute submissions folder */
	char **names; /* the students, sorted bytewise */
	size_t n;
	/* Entries that are not graded, with the reason ("a symbolic link",
	 * "not a folder", "the name has characters other than ...").
	 * Names are cleaned for printing (no control bytes). */
	struct grade_skip {
		char *entry;
		char *reason;
	} * skipped;
	size_t nskipped;
	int single; /* root is one student's submission (grade_roster_single) */
};

/* List the student folders of `dir`.  Dot entries are passed over
 * silently; other entries that are not valid student folders are listed
 * in r->skipped.  Returns 0, or -1 with e set (cannot read dir). */
int grade_roster_read(struct grade_roster *r, const char *dir, struct err *e);
/* `dir` is one student's submission (a Gradescope submission), graded
 * under the name `name` (which must pass grade_name_ok).  Returns 0, or -1
 * with e set. */
int grade_roster_single(struct grade_roster *r, const char *dir,
			const char *name, struct err *e);
void grade_roster_release(struct grade_roster *r);

/* How the submission of an exercise was found. */
enum grade_found {
	GRADE_FOUND,   /* read into *data */
	GRADE_MISSING, /* not submitted */
	GRADE_REFUSED, /* there, but not graded: *why says why */
};

/*
 * Find and read a student's file for `ex` below the folder `student_dir`
 * (an fd opened on it).  Tried in order, never following a symbolic link:
 * <section>/<name>.c (the layout of exercises/), exercises/<section>/
 * <name>.c (a whole workspace handed in), and <name>.c at the top when
 * flat_ok (the caller knows no other graded exercise has that file name).
 * On GRADE_FOUND *data is allocated (NUL-terminated, *len bytes) and *rel
 * names the path used; on GRADE_REFUSED *why is set (static storage or
 * `whybuf`).  max: the size cap (0: GRADE_FILE_MAX).
 */
enum grade_found grade_read_submission(int student_dir,
				       const struct exercise *ex, int flat_ok,
				       size_t max, char **data, size_t *len,
				       char *rel, size_t nrel, char *whybuf,
				       size_t nwhy);

/* Where the pool stands; passed to the progress callback. */
struct grade_progress {
	size_t students, students_done;
	size_t jobs, jobs_done, running;
	double seconds;
};

struct grade_opts {
	int jobs;		 /* worker threads (>= 1) */
	int quick;		 /* lessons' small workloads (tests only) */
	struct sandbox *sandbox; /* NULL: practice runs (say so loudly) */
	const char *workdir;	 /* absolute: the grading build folder */
	size_t max_file;	 /* 0: GRADE_FILE_MAX */
	int reference;		 /* also grade each exercise's solution first */
	/* Called on the calling thread about every 250 ms while jobs run,
	 * and once at the end. */
	void (*progress)(void *arg, const struct grade_progress *p);
	void *progress_arg;
	/* Polled while children run and between jobs; nonzero stops the run
	 * (jobs not started get status error, "grading was interrupted"). */
	int (*cancel)(void *arg);
	void *cancel_arg;
};

struct grade_class {
	/* One run per student, in roster order; each holds the exercises in
	 * the order given.  A not-submitted or refused exercise has status
	 * fail, no checks and the reason as its message. */
	struct run_result *runs;
	size_t n;
	/* With opts.reference: each exercise's solution graded the same way
	 * (status skip, message "no solution", when there is none). */
	struct exercise_result *reference;
	size_t nreference;
	int interrupted; /* cancel() stopped the run */
	double seconds;
};

/*
 * Grade every student of `roster` on the exercises exs[0..nexs).  The
 * build b is shared (its cache serves every student); set b->sandbox too
 * for compiles in the sandbox.  Fills gc (release with
 * grade_class_release).  Returns 0, or -1 with e set when grading could
 * not start (the build folder cannot be made).
 */
int grade_run(const struct course *c, struct build *b,
	      const struct exercise *const *exs, size_t nexs,
	      const struct grade_roster *roster, const struct grade_opts *o,
	      struct grade_class *gc, struct err *e);
void grade_class_release(struct grade_class *gc);

#endif
