/*
 * workspace: where the learner works and where the course lives.
 *
 * The workspace is the folder that holds exercises/ (and .workbook/, the
 * state: progress, lock, build folder).  The course root is the folder that
 * holds lessons/course.lua; in the repository both are the same folder.
 *
 * Found, in order:
 *   course: --course DIR, $WORKBOOK_COURSE, the first folder upward from the
 *           current one with lessons/course.lua, the course recorded in
 *           <workspace>/.workbook/course (by `workbook init`), the installed
 *           course (wb_datadir, from PREFIX).
 *   workspace: the first folder upward holding .workbook/ or exercises/;
 *           otherwise the course root.
 */
#ifndef WB_WORKSPACE_H
#define WB_WORKSPACE_H

struct err;

struct workspace {
	char *root;        /* absolute: holds exercises/ */
	char *course_root; /* absolute: holds lessons/course.lua */
	char *state_dir;   /* <root>/.workbook */
	char *build_dir;   /* <state_dir>/build */
	char *progress_path; /* $WORKBOOK_STATE or <state_dir>/progress */
};

/* `course_dir` overrides the search (NULL: search).  Returns 0, or -1 with
 * e set ("no course found ..."). */
int workspace_find(struct workspace *w, const char *course_dir,
		   struct err *e);
void workspace_release(struct workspace *w);
/* Absolute path of a workspace-relative file ("exercises/x/y.c"). */
char *workspace_path(const struct workspace *w, const char *rel);
/* Create .workbook/ and its build folder. */
int workspace_prepare(const struct workspace *w, struct err *e);

#endif
