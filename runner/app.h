/*
 * app: what every front end (command line, terminal UI) sets up before
 * working: the workspace, the course loaded through the script engine, the
 * progress file and the build cache.  Commands call app_open() and
 * app_close(); nothing here draws or prints except app_warn_broken().
 */
#ifndef WB_APP_H
#define WB_APP_H

#include <stdio.h>

#include "build.h"
#include "course.h"
#include "progress.h"
#include "workspace.h"

struct script;

struct app {
	struct workspace ws;
	struct course course;
	struct script *script;
	struct progress progress;
	struct build build;
	int color;          /* colour on stdout */
};

/* Global options, parsed by main.c before the command runs. */
struct app_globals {
	const char *course_dir;   /* --course DIR (or $WORKBOOK_COURSE) */
	const char *color;        /* --color=auto|always|never */
	int plain;                /* --plain */
};
extern struct app_globals app_globals;

/* Find the workspace and course, load the lessons and progress.  A broken
 * lesson is not an error (see course.h).  Returns 0, or -1 after printing
 * the reason to stderr (a usage/setup error: exit 2). */
int app_open(struct app *a);
/* The same, loading only the lessons the command line names: "memory",
 * "memory/overflow".  A bare exercise id ("overflow") loads every lesson,
 * since any of them may hold it. */
int app_open_for(struct app *a, char *const *names, int n);
void app_close(struct app *a);

/* Print each broken lesson's error to f ("workbook: lessons/x/lesson.lua:3:
 * ...").  Returns how many. */
int app_warn_broken(const struct app *a, FILE *f);

/*
 * Check one exercise with the learner's file, record the verdict in
 * progress (attempts, done/failed), and run the lesson's on_result.
 * x is filled; returns 0, or -1 with e set (our failure).
 */
struct check_options;
struct exercise_result;
struct err;
int app_check_exercise(struct app *a, const struct exercise *ex,
		       const struct check_options *o,
		       struct exercise_result *x, struct err *e);

/* Record a quiz answer (1-based) in progress; returns whether it was
 * right, or -1 with e set. */
int app_answer_quiz(struct app *a, const struct quiz *q, int choice,
		    struct err *e);

/* Show the next hint: returns its 1-based number and sets *text, or 0 when
 * there are no more (*text = the last one). -1 with e on error. */
int app_next_hint(struct app *a, const struct exercise *ex,
		  const char **text, struct err *e);

/*
 * The pristine starter of an exercise, for reset: the course's copy when
 * the course lives apart from the workspace (an installed course,
 * `workbook init`); in a checkout that is both, the committed version
 * (git), else the snapshot kept in .workbook/starters/, taken by app_open
 * the first time workbook sees the file.  Allocated; NULL when none.
 */
char *app_starter_path(const struct app *a, const struct exercise *ex);

/* The course's own copy of an exercise's starter, as its author keeps it
 * (what dev check proves and export hands out).  Allocated, or NULL. */
char *app_course_file(const struct app *a, const struct exercise *ex);

/* Put the starter back in place of the learner's file and forget the
 * exercise's progress.  Returns 0, or -1 with e set. */
int app_reset_exercise(struct app *a, const struct exercise *ex,
		       struct err *e);

#endif
