/*
 * workbook check EX...: run exercises' checks and report.  EX is an
 * exercise ("memory/overflow"), a unique exercise id, or a section
 * ("memory": all its exercises).
 */
#include "cmd.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "check.h"
#include "report.h"
#include "util/err.h"
#include "util/xalloc.h"

#define USAGE "check [--format FORMAT] [--verbose] EX..."

/* Add the exercises named by `arg` to the run; -1 when unknown. */
static int add_target(struct app *a, const char *arg,
		      const struct exercise **v, size_t *n, size_t max)
{
	const struct section *s = course_find_section(&a->course, arg);

	if (s && !course_find_exercise(&a->course, arg)) {
		if (s->error) {
			fprintf(stderr, "workbook: broken lesson: %s\n", s->error);
			return -1;
		}
		for (size_t i = 0; i < s->nexercises && *n < max; i++)
			v[(*n)++] = &s->exercises[i];
		return 0;
	}
	const struct exercise *ex = cmd_find_exercise(a, arg);
	if (!ex)
		return -1;
	if (*n < max)
		v[(*n)++] = ex;
	return 0;
}

int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'},
		{"verbose", no_argument, NULL, 'v'},
		{NULL, 0, NULL, 0},
	};
	const char *format = "text";
	const struct report_format *rf;
	struct report_opts ro = {0};
	struct app a;
	struct run_result run;
	int c, rc = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+f:v", opts, NULL)) != -1) {
		if (c == 'f')
			format = optarg;
		else if (c == 'v')
			ro.verbose = 1;
		else
			return cmd_usage(USAGE);
	}
	if (optind >= argc)
		return cmd_usage(USAGE);
	rf = report_find(format);
	if (!rf) {
		fprintf(stderr, "workbook: unknown format '%s' (known: %s)\n",
			format, report_names());
		return 2;
	}
	if (app_open_for(&a, argv + optind, argc - optind) < 0)
		return 2;
	size_t max = course_count_exercises(&a.course) + (size_t)argc;
	const struct exercise **targets = calloc(max, sizeof(*targets));
	size_t n = 0;
	for (int i = optind; i < argc; i++)
		if (add_target(&a, argv[i], targets, &n, max) < 0) {
			free(targets);
			app_close(&a);
			return 2;
		}
	ro.color = a.color;
	ro.title = a.course.title;
	run_result_init(&run);
	for (size_t i = 0; i < n; i++) {
		struct err e;
		const struct exercise *ex = targets[i];
		struct exercise_result *x =
			run_result_add(&run, ex->name, ex->title, ex->file);
		if (app_check_exercise(&a, ex, NULL, x, &e) < 0) {
			fprintf(stderr, "workbook: %s: %s\n", ex->name, e.msg);
			x->status = VS_ERROR;
			x->message = xstrdup(e.msg);
			rc = 2;
		}
	}
	if (rf->write(stdout, &run, &ro) < 0)
		rc = 2;
	fflush(stdout);
	if (rc == 0) {
		size_t passed, failed;
		run_result_totals(&run, NULL, NULL, &passed, &failed);
		rc = failed ? 1 : 0;
	}
	run_result_release(&run);
	free(targets);
	app_close(&a);
	return rc;
}
