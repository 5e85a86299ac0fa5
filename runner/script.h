/*
 * script: the only Lua state (DESIGN.md, "The course on disk").
 *
 * Lesson scripts run in a sandboxed Lua 5.4 state: text chunks only; an
 * environment holding the lesson DSL and the safe parts of base, string,
 * table, math and utf8 (no io, os, package, debug, load, dofile, require,
 * collectgarbage, string.dump); a memory cap; an instruction budget per call
 * that pcall cannot swallow (once spent, the hook raises again at every
 * count until control is back in C).  Every entry goes through one protected
 * call with a message handler, so errors come back as "file:line: message".
 *
 * The Lua types stay inside script*.c: nothing here exposes lua.h.
 */
#ifndef WB_SCRIPT_H
#define WB_SCRIPT_H

#include <stddef.h>

struct course;
struct err;
struct exercise;
struct exercise_result;
struct quiz;

#define SCRIPT_MEM_MAX ((size_t)64 << 20)   /* bytes for the whole state */
#define SCRIPT_LOAD_BUDGET 20000000L        /* VM instructions per lesson */
#define SCRIPT_CALL_BUDGET 2000000L         /* per on_result / on_answer */

struct script;

/* A new state; NULL with e set when Lua cannot start. */
struct script *script_new(struct err *e);
void script_free(struct script *s);

/* Limits, for tests; 0 keeps the default. */
void script_set_limits(struct script *s, size_t mem_max, long budget);

/*
 * Load the course whose root folder is c->root: lessons/course.lua, then
 * lessons/<id>/lesson.lua for each listed section.  `workspace` is where
 * exercises/ lives (starter files are looked up there, then in the course).
 * A lesson that fails gets section->error and no steps; the others load.
 * Returns 0, or -1 when course.lua itself failed (c->error is set too).
 */
int script_load_course(struct script *s, struct course *c,
		       const char *workspace, struct err *e);

/* The same, loading only the lessons for which want(id, arg) is true (the
 * others keep their id, no steps and no error): a command about one
 * exercise need not run every lesson.  want NULL loads all. */
int script_load_course_some(struct script *s, struct course *c,
			    const char *workspace,
			    int (*want)(const char *id, void *arg), void *arg,
			    struct err *e);

/*
 * Validate one lesson file on its own (for `dev check` and tests); the
 * lesson is added to c as a section.  Returns 0, or -1 with the
 * "file:line: message" in e.
 */
int script_load_lesson(struct script *s, struct course *c, const char *id,
		       const char *workspace, struct err *e);

/* The same, from text in memory named as lessons/<id>/lesson.lua (the
 * fuzz target uses it).  Files the lesson names are still looked up on
 * disk. */
int script_load_lesson_text(struct script *s, struct course *c,
			    const char *id, const char *text, size_t len,
			    const char *workspace, struct err *e);

/*
 * Run the exercise's on_result (if any) with verdict x.  Feedback lines,
 * the hint and any error ("lessons/x/lesson.lua:40: attempt to index a nil
 * value") are stored in x; nothing is raised.
 */
void script_on_result(struct script *s, const struct exercise *ex,
		      struct exercise_result *x);

/* Feedback from on_answer. Strings owned by the struct. */
struct script_feedback {
	char **lines;
	size_t nlines;
	char *hint;
	char *go;     /* a step to go to: a page file ("reading.md") or id */
	char *error;  /* the callback raised: its message */
};
void script_feedback_release(struct script_feedback *f);

/* Run the quiz's on_answer (if any). choice is 1-based. */
void script_on_answer(struct script *s, const struct quiz *q, int choice,
		      int correct, int first, struct script_feedback *f);

/* Bytes the Lua state holds now (for `make bench`). */
size_t script_memory(const struct script *s);

#endif
