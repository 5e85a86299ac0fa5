/*
 * workbook reset EX: put the starter file back (from the course, or the
 * snapshot kept in .workbook/starters/) and forget the exercise's progress.
 */
#include "cmd.h"

#include "app.h"
#include "util/err.h"

int cmd_reset(int argc, char **argv)
{
	struct app a;
	struct err e;
	int rc = 0;

	if (argc != 2)
		return cmd_usage("reset EX");
	if (app_open_for(&a, argv + 1, 1) < 0)
		return 2;
	struct exercise *ex = cmd_find_exercise(&a, argv[1]);
	if (!ex) {
		app_close(&a);
		return 2;
	}
	if (app_reset_exercise(&a, ex, &e) < 0) {
		fprintf(stderr, "workbook: %s\n", e.msg);
		rc = 2;
	} else {
		printf("%s is back to its starter.\n", ex->file);
	}
	app_close(&a);
	return rc;
}
