/*
 * workbook next: check the first exercise that is not done yet, in course
 * order, skipping sections whose lesson is broken.
 */
#include "cmd.h"

#include <string.h>

#include "app.h"
#include "report.h"
#include "util/err.h"

static const struct exercise *first_open(const struct app *a)
{
	for (size_t i = 0; i < a->course.nsections; i++) {
		const struct section *s = &a->course.sections[i];
		for (size_t j = 0; j < s->nexercises; j++) {
			const struct progress_ex *r = progress_ex_find(
				&a->progress, s->exercises[j].name);
			if (!r || r->state != EX_DONE)
				return &s->exercises[j];
		}
	}
	return NULL;
}

int cmd_next(int argc, char **argv)
{
	struct app a;
	struct run_result run;
	struct report_opts ro = {0};
	struct err e;
	int rc;

	(void)argv;
	if (argc > 1)
		return cmd_usage("next");
	if (app_open(&a) < 0)
		return 2;
	app_warn_broken(&a, stderr);
	const struct exercise *ex = first_open(&a);
	if (!ex) {
		printf("Every exercise is done. Well played!\n");
		app_close(&a);
		return 0;
	}
	printf("Next: %s (%s)\n\n", ex->name, ex->file);
	run_result_init(&run);
	struct exercise_result *x = run_result_add(&run, ex->name, ex->title,
						   ex->file);
	if (app_check_exercise(&a, ex, NULL, x, &e) < 0) {
		fprintf(stderr, "workbook: %s: %s\n", ex->name, e.msg);
		rc = 2;
	} else {
		ro.color = a.color;
		report_text_write(stdout, &run, &ro);
		rc = x->status == VS_PASS ? 0 : 1;
		if (rc)
			printf("\nEdit %s and run 'workbook next' again; 'workbook hint %s' helps.\n",
			       ex->file, ex->name);
	}
	run_result_release(&run);
	app_close(&a);
	return rc;
}
