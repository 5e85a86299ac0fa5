/*
 * workbook hint EX: show the next hint (and all earlier ones); the count is
 * kept in progress.
 */
#include "cmd.h"

#include "app.h"
#include "util/err.h"

int cmd_hint(int argc, char **argv)
{
	struct app a;
	struct err e;
	const char *text;
	int n;

	if (argc != 2)
		return cmd_usage("hint EX");
	if (app_open_for(&a, argv + 1, 1) < 0)
		return 2;
	struct exercise *ex = cmd_find_exercise(&a, argv[1]);
	if (!ex) {
		app_close(&a);
		return 2;
	}
	n = app_next_hint(&a, ex, &text, &e);
	if (n < 0) {
		fprintf(stderr, "workbook: %s\n", e.msg);
		app_close(&a);
		return 2;
	}
	if (!text) {
		printf("%s has no hints.\n", ex->name);
	} else if (n == 0) {
		printf("Hint %zu/%zu (the last one): %s\n", ex->nhints,
		       ex->nhints, text);
	} else {
		printf("Hint %d/%zu: %s\n", n, ex->nhints, text);
	}
	app_close(&a);
	return 0;
}
