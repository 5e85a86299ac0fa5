#include "report.h"

#include <stdlib.h>
#include <string.h>

/* Every report format, in the order usage messages list them. */
static const struct report_format formats[] = {
	{"text", "txt", report_text_write, NULL},
	{"json", "json", report_json_write, report_json_write_class},
	{"gradescope", "json", report_gradescope_write, NULL},
	{"junit", "xml", report_junit_write, report_junit_write_class},
	{"tap", "tap", report_tap_write, report_tap_write_class},
	{"csv", "csv", report_csv_write, report_csv_write_class},
};

const struct report_format *report_find(const char *name)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (!strcmp(formats[i].name, name))
			return &formats[i];
	return NULL;
}

const char *report_names(void)
{
	static char names[256];

	if (names[0])
		return names;
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		if (i)
			strncat(names, ", ", sizeof(names) - strlen(names) - 1);
		strncat(names, formats[i].name,
			sizeof(names) - strlen(names) - 1);
	}
	return names;
}

char *report_exercise_text(const struct exercise_result *x, int hide_hidden)
{
	struct run_result one;
	struct report_opts o = {0};
	struct exercise_result shown = *x;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	/* A shallow copy without the hidden checks: their names, messages
	 * and output stay out of what students read. */
	if (hide_hidden) {
		shown.checks = calloc(x->nchecks + 1, sizeof(*shown.checks));
		if (!shown.checks)
			return NULL;
		shown.nchecks = 0;
		for (size_t i = 0; i < x->nchecks; i++)
			if (!x->checks[i].hidden)
				shown.checks[shown.nchecks++] = x->checks[i];
		for (size_t i = 0; i < x->nchecks; i++) {
			const struct check_result *c = &x->checks[i];
			if (c->status != VS_FAIL && c->status != VS_ERROR)
				continue;
			if (c->hidden)
				shown.message = (char *)"a hidden check failed";
			break;
		}
	}
	f = open_memstream(&text, &len);
	if (f) {
		run_result_init(&one);
		one.exercises = &shown;
		one.n = 1;
		report_text_write(f, &one, &o);
		fclose(f);
	}
	if (hide_hidden)
		free(shown.checks);
	return text;
}
