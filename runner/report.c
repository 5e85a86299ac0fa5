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

char *report_exercise_text(const struct exercise_result *x)
{
	struct run_result one;
	struct report_opts o = {0};
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	run_result_init(&one);
	one.exercises = (struct exercise_result *)x;
	one.n = 1;
	report_text_write(f, &one, &o);
	fclose(f);
	return text;
}
