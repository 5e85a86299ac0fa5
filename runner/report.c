#include "report.h"

#include <string.h>

/* Every report format, in the order usage messages list them. */
static const struct report_format formats[] = {
	{"text", "txt", report_text_write, NULL},
	{"json", "json", report_json_write, report_json_write_class},
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
