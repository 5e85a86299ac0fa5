#include "cmd.h"

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "course.h"

int cmd_usage(const char *usage)
{
	fprintf(stderr, "usage: workbook %s\n", usage);
	return 2;
}

/* Letters in common, in order: a cheap closeness for suggestions. */
static size_t common_prefix(const char *a, const char *b)
{
	size_t n = 0;

	while (a[n] && a[n] == b[n])
		n++;
	return n;
}

struct exercise *cmd_find_exercise(struct app *a, const char *name)
{
	struct exercise *ex = course_find_exercise(&a->course, name);
	const char *best = NULL;
	size_t best_n = 0;

	if (ex)
		return ex;
	for (size_t i = 0; i < a->course.nsections; i++) {
		struct section *s = &a->course.sections[i];
		for (size_t j = 0; j < s->nexercises; j++) {
			const char *full = s->exercises[j].name;
			size_t n = common_prefix(name, full);
			if (strstr(full, name) && strlen(name) >= 3)
				n += 100;
			if (n > best_n) {
				best_n = n;
				best = full;
			}
		}
	}
	if (best && best_n >= 3)
		fprintf(stderr, "workbook: unknown exercise '%s' (did you mean '%s'?)\n",
			name, best);
	else
		fprintf(stderr, "workbook: unknown exercise '%s' (see 'workbook list')\n",
			name);
	return NULL;
}
