/*
 * workbook init DIR: a fresh learner workspace from the installed (or
 * given) course: DIR/exercises/ holds the starters to edit, DIR/.workbook/
 * the progress and a pointer to the course.  `workbook` run anywhere inside
 * DIR finds both.
 */
#include "cmd.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app.h"
#include "util/err.h"
#include "util/path.h"
#include "util/xalloc.h"
#include "workspace.h"

/* Copy the folder `from` into `to`, recursively, refusing to overwrite. */
static int copy_tree(const char *from, const char *to, struct err *e)
{
	DIR *d = opendir(from);
	struct dirent *de;
	int rc = 0;

	if (!d)
		return err_errno(e, "cannot open folder '%s'", from);
	if (path_mkdirs(to, e) < 0) {
		closedir(d);
		return -1;
	}
	while (rc == 0 && (de = readdir(d))) {
		struct stat st;
		if (de->d_name[0] == '.')
			continue;
		char *src = path_join(from, de->d_name);
		char *dst = path_join(to, de->d_name);
		if (lstat(src, &st) < 0)
			rc = err_errno(e, "cannot read '%s'", src);
		else if (S_ISDIR(st.st_mode))
			rc = copy_tree(src, dst, e);
		else if (S_ISREG(st.st_mode) && path_exists(dst))
			rc = err_set(e, "'%s' exists already: not overwriting it", dst);
		else if (S_ISREG(st.st_mode))
			rc = path_copy_file(src, dst, e);
		free(src);
		free(dst);
	}
	closedir(d);
	return rc;
}

int cmd_init(int argc, char **argv)
{
	struct workspace w;
	struct err e;
	int rc = 0;

	if (argc != 2)
		return cmd_usage("init DIR");
	const char *dir = argv[1];
	if (workspace_find(&w, app_globals.course_dir, &e) < 0) {
		fprintf(stderr, "workbook: %s\n", e.msg);
		return 2;
	}
	char *abs = path_absolute(dir);
	char *ex_from = path_join(w.course_root, "exercises");
	char *ex_to = path_join(abs, "exercises");
	char *state = path_join(abs, ".workbook");
	char *pointer = path_join(state, "course");
	if (path_exists(ex_to) || path_exists(state)) {
		fprintf(stderr, "workbook: '%s' already holds a workspace; 'workbook reset EX' restores one exercise\n",
			dir);
		rc = 2;
		goto out;
	}
	char *line = xasprintf("%s\n", w.course_root);
	if (copy_tree(ex_from, ex_to, &e) < 0 ||
	    path_mkdirs(state, &e) < 0 ||
	    path_write_file(pointer, line, strlen(line), 0644, &e) < 0) {
		fprintf(stderr, "workbook: %s\n", e.msg);
		rc = 2;
	} else {
		printf("A workspace for \"%s\" is ready in %s.\n"
		       "Start with:  cd %s && workbook\n",
		       w.course_root, abs, dir);
	}
	free(line);
out:
	free(abs);
	free(ex_from);
	free(ex_to);
	free(state);
	free(pointer);
	workspace_release(&w);
	return rc;
}
