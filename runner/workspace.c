#include "workspace.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "util/err.h"
#include "util/path.h"
#include "util/xalloc.h"


static int has_course(const char *dir)
{
	char *p = path_join(dir, "lessons/course.lua");
	int yes = path_exists(p);

	free(p);
	return yes;
}

/* The first folder from `start` upward for which test() holds. */
static char *search_up(const char *start, int (*test)(const char *))
{
	char *dir = path_absolute(start);

	for (;;) {
		if (test(dir))
			return dir;
		char *parent = path_dirname(dir);
		if (!strcmp(parent, dir)) {
			free(parent);
			free(dir);
			return NULL;
		}
		free(dir);
		dir = parent;
	}
}

static int is_workspace(const char *dir)
{
	char *a = path_join(dir, ".workbook");
	char *b = path_join(dir, "exercises");
	int yes = path_is_dir(a) || path_is_dir(b);

	free(a);
	free(b);
	return yes;
}

/* A workspace made by `workbook init` records its course. */
static char *recorded_course(const char *ws)
{
	char *p = path_join(ws, ".workbook/course");
	struct err e;
	size_t len;
	char *text = path_read_file(p, 4096, &len, &e);

	free(p);
	if (!text)
		return NULL;
	text[strcspn(text, "\n")] = '\0';
	if (!has_course(text)) {
		free(text);
		return NULL;
	}
	return text;
}

int workspace_find(struct workspace *w, const char *course_dir,
		   struct err *e)
{
	const char *env = getenv("WORKBOOK_COURSE");
	const char *state = getenv("WORKBOOK_STATE");

	memset(w, 0, sizeof(*w));
	w->root = search_up(".", is_workspace);
	if (!course_dir && env && *env)
		course_dir = env;
	if (course_dir) {
		if (!has_course(course_dir)) {
			workspace_release(w);
			return err_set(e, "no course in '%s' (no lessons/course.lua)",
				       course_dir);
		}
		w->course_root = path_absolute(course_dir);
	} else {
		w->course_root = search_up(".", has_course);
		if (!w->course_root && w->root)
			w->course_root = recorded_course(w->root);
		if (!w->course_root && has_course(wb_datadir))
			w->course_root = xstrdup(wb_datadir);
	}
	if (!w->course_root) {
		workspace_release(w);
		return err_set(e, "no course found: run workbook inside a workspace (see 'workbook init DIR') or the repository, or give --course DIR");
	}
	if (!w->root)
		w->root = xstrdup(w->course_root);
	w->state_dir = path_join(w->root, ".workbook");
	w->build_dir = path_join(w->state_dir, "build");
	w->progress_path = state && *state ? path_absolute(state)
					   : path_join(w->state_dir, "progress");
	return 0;
}

void workspace_release(struct workspace *w)
{
	free(w->root);
	free(w->course_root);
	free(w->state_dir);
	free(w->build_dir);
	free(w->progress_path);
	memset(w, 0, sizeof(*w));
}

char *workspace_path(const struct workspace *w, const char *rel)
{
	return path_join(w->root, rel);
}

int workspace_prepare(const struct workspace *w, struct err *e)
{
	if (path_mkdirs(w->build_dir, e) < 0)
		return -1;
	return 0;
}
