/*
 * course: the course model (DESIGN.md, "The course on disk").
 *
 * A course is a title and sections in order; a section (one lesson folder)
 * is a list of steps: reading pages, quizzes and exercises.  An exercise has
 * checks and hints.  The model is plain data: script.c fills it from the
 * Lua lesson files, everything else reads it.  A section whose lesson failed
 * to load keeps its id and an error ("lessons/x/lesson.lua:12: ...") and no
 * steps; the rest of the course is usable.
 *
 * Every string is owned by the course and lives until course_release().
 * Paths:
 *   course->root       absolute folder holding lessons/ (and solutions/)
 *   section->dir       absolute folder of the lesson
 *   exercise->file     relative to the learner's workspace ("exercises/...")
 *   exercise->solution absolute
 *   page->file         absolute
 *   check params of type PARAM_FILE: absolute
 */
#ifndef WB_COURSE_H
#define WB_COURSE_H

#include <stddef.h>

enum param_type {
	PARAM_STR,
	PARAM_INT,
	PARAM_NUM,
	PARAM_BOOL,
	PARAM_LIST, /* list of strings */
	PARAM_FILE, /* a file beside lesson.lua; must exist at load */
	PARAM_FILES, /* list of such files */
};

struct param {
	char *key;
	enum param_type type;
	char *str;      /* STR, FILE */
	long long i;    /* INT, BOOL */
	double num;     /* NUM (INT values are mirrored here too) */
	char **list;    /* LIST, FILES */
	size_t nlist;
};

struct check_spec {
	char *kind;      /* "compiles", "tests", ... (a check_kind name) */
	char *name;      /* defaults to kind */
	char *where;     /* "lessons/memory/lesson.lua:23" */
	int hidden;      /* kept out of the student copy, marked in reports */
	int optional;    /* a skip (tool missing) does not hold the exercise */
	double points;   /* partial credit; 0: all-or-nothing */
	int timeout_ms;  /* 0: the kind's default */
	struct param *params;
	size_t nparams;
};

struct page {
	char *file;      /* absolute path of the Markdown file */
	char *rel;       /* as written in lesson.lua: "reading.md" */
	char *title;     /* first heading, or the file name */
	char *where;
};

struct quiz {
	char *id;        /* "share" */
	char *name;      /* "memory/share" */
	char *ask;
	char **choices;
	size_t nchoices;
	int answer;      /* 1-based */
	char *explain;
	char *where;
	int on_answer;   /* script handle; 0: none */
};

struct exercise {
	char *id;        /* "overflow" */
	char *name;      /* "memory/overflow" */
	char *title;     /* may be NULL */
	char *file;      /* "exercises/memory/overflow.c" (workspace-relative) */
	char *solution;  /* absolute */
	char *where;
	int points;
	struct check_spec *checks;
	size_t nchecks;
	char **hints;
	size_t nhints;
	int on_result;   /* script handle; 0: none */
	struct section *section; /* the owner */
};

enum step_kind {
	STEP_PAGE,
	STEP_QUIZ,
	STEP_EXERCISE,
};

struct step {
	enum step_kind kind;
	size_t index;    /* into the section's pages, quizzes or exercises */
};

struct section {
	char *id;
	char *title;
	char *dir;       /* absolute */
	char *where;     /* where lesson{} was called */
	char *error;     /* non-NULL: the lesson did not load; why */
	char **needs;
	size_t nneeds;
	struct step *steps;
	size_t nsteps, capsteps;
	struct page *pages;
	size_t npages, cappages;
	struct quiz *quizzes;
	size_t nquizzes, capquizzes;
	struct exercise *exercises;
	size_t nexercises, capexercises;
};

struct course {
	char *title;
	char *root;      /* absolute */
	char *error;     /* course.lua itself failed: why (no sections) */
	struct section *sections;
	size_t nsections, capsections;
};

void course_init(struct course *c, const char *root);
void course_release(struct course *c);

/* Append an empty section / step members; pointers into the arrays are
 * invalidated by the next add of the same kind. */
struct section *course_add_section(struct course *c, const char *id);
struct page *section_add_page(struct section *s);
struct quiz *section_add_quiz(struct section *s);
struct exercise *section_add_exercise(struct section *s);
/* Drop every step, page, quiz and exercise (a lesson that failed to load). */
void section_clear(struct section *s);

/* Lookups by full name ("memory/overflow") or, for sections, id.  A bare
 * exercise id is accepted when it is unique in the course. */
struct section *course_find_section(const struct course *c, const char *id);
struct exercise *course_find_exercise(const struct course *c,
				      const char *name);
struct quiz *course_find_quiz(const struct course *c, const char *name);
/* Every exercise in course order, through a callback; stops when fn
 * returns nonzero and returns that value. */
int course_each_exercise(const struct course *c,
			 int (*fn)(struct exercise *, void *), void *arg);
size_t course_count_exercises(const struct course *c);
/* Number of sections that failed to load. */
size_t course_count_broken(const struct course *c);

/* Check parameters by key; the default when absent. */
const struct param *check_param(const struct check_spec *s, const char *key);
const char *check_param_str(const struct check_spec *s, const char *key,
			    const char *def);
long long check_param_int(const struct check_spec *s, const char *key,
			  long long def);
double check_param_num(const struct check_spec *s, const char *key,
		       double def);
int check_param_bool(const struct check_spec *s, const char *key, int def);
/* The list (LIST or FILES), or NULL with *n = 0. */
char **check_param_list(const struct check_spec *s, const char *key,
			size_t *n);
/* Add a parameter (used by the loader); the strings are copied. */
struct param *check_spec_add_param(struct check_spec *s, const char *key,
				   enum param_type type);

#endif
