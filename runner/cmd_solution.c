/*
 * workbook solution EX: print the reference solution, once EX has passed.
 */
#include "cmd.h"

#include <stdlib.h>

#include "app.h"
#include "util/err.h"
#include "util/path.h"

int cmd_solution(int argc, char **argv)
{
	struct app a;
	struct err e;
	size_t len;
	char *text;

	if (argc != 2)
		return cmd_usage("solution EX");
	if (app_open_for(&a, argv + 1, 1) < 0)
		return 2;
	struct exercise *ex = cmd_find_exercise(&a, argv[1]);
	if (!ex) {
		app_close(&a);
		return 2;
	}
	const struct progress_ex *r = progress_ex_find(&a.progress, ex->name);
	if (!r || r->state != EX_DONE) {
		fprintf(stderr, "workbook: %s has not passed yet: the solution opens once it does ('workbook hint %s' helps)\n",
			ex->name, ex->name);
		app_close(&a);
		return 1;
	}
	text = path_read_file(ex->solution, 1 << 20, &len, &e);
	if (!text) {
		fprintf(stderr, "workbook: %s\n", e.msg);
		app_close(&a);
		return 2;
	}
	fwrite(text, 1, len, stdout);
	free(text);
	app_close(&a);
	return 0;
}
