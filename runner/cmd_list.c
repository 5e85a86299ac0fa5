/*
 * workbook list: the course's sections and exercises with their marks,
 * and a progress line ("7/24 done").
 */
#include "cmd.h"

#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "course.h"
#include "progress.h"

static const char *mark(enum ex_state s, int utf8)
{
	switch (s) {
	case EX_DONE:
		return utf8 ? "\u2713" : "+";
	case EX_FAILED:
		return utf8 ? "\u2717" : "x";
	default:
		return utf8 ? "\u00b7" : ".";
	}
}

static enum ex_state state_of(const struct app *a, const char *name)
{
	const struct progress_ex *r = progress_ex_find(&a->progress, name);

	return r ? r->state : EX_NOT_TRIED;
}

static int list_text(struct app *a)
{
	int utf8 = MB_CUR_MAX > 1;
	size_t done = 0, total = 0;
	const char *green = a->color ? "\033[32m" : "";
	const char *red = a->color ? "\033[31m" : "";
	const char *bold = a->color ? "\033[1m" : "";
	const char *off = a->color ? "\033[0m" : "";

	if (a->course.title)
		printf("%s%s%s\n\n", bold, a->course.title, off);
	for (size_t i = 0; i < a->course.nsections; i++) {
		const struct section *s = &a->course.sections[i];
		if (s->error) {
			printf("%s%-10s%s %sbroken:%s %s\n", bold, s->id, off,
			       red, off, s->error);
			continue;
		}
		printf("%s%-10s%s %s\n", bold, s->id, off,
		       s->title ? s->title : "");
		for (size_t j = 0; j < s->nexercises; j++) {
			const struct exercise *x = &s->exercises[j];
			enum ex_state st = state_of(a, x->name);
			const char *col = st == EX_DONE	    ? green
					  : st == EX_FAILED ? red
							    : "";
			printf("  %s%s%s %-24s %s\n", col, mark(st, utf8), off,
			       x->name, x->title ? x->title : "");
			total++;
			if (st == EX_DONE)
				done++;
		}
	}
	printf("\n%zu/%zu done\n", done, total);
	return 0;
}

static int list_json(struct app *a)
{
	json_t *root = json_object(), *secs = json_array();
	size_t done = 0, total = 0;
	static const char *const names[] = {"not-tried", "failed", "done"};

	json_object_set_new(root, "title",
			    json_string(a->course.title ? a->course.title : ""));
	for (size_t i = 0; i < a->course.nsections; i++) {
		const struct section *s = &a->course.sections[i];
		json_t *js = json_object(), *exs = json_array();
		json_object_set_new(js, "id", json_string(s->id));
		if (s->title)
			json_object_set_new(js, "title", json_string(s->title));
		if (s->error)
			json_object_set_new(js, "error", json_string(s->error));
		for (size_t j = 0; j < s->nexercises; j++) {
			const struct exercise *x = &s->exercises[j];
			enum ex_state st = state_of(a, x->name);
			json_t *jx = json_object();
			json_object_set_new(jx, "name", json_string(x->name));
			if (x->title)
				json_object_set_new(jx, "title",
						    json_string(x->title));
			json_object_set_new(jx, "file", json_string(x->file));
			json_object_set_new(jx, "points",
					    json_integer(x->points));
			json_object_set_new(jx, "status",
					    json_string(names[st]));
			json_array_append_new(exs, jx);
			total++;
			done += st == EX_DONE;
		}
		json_object_set_new(js, "exercises", exs);
		json_array_append_new(secs, js);
	}
	json_object_set_new(root, "sections", secs);
	json_object_set_new(root, "done", json_integer((json_int_t)done));
	json_object_set_new(root, "total", json_integer((json_int_t)total));
	json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	putchar('\n');
	json_decref(root);
	return 0;
}

int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'},
		{NULL, 0, NULL, 0},
	};
	const char *format = "text";
	struct app a;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+f:", opts, NULL)) != -1) {
		if (c == 'f')
			format = optarg;
		else
			return cmd_usage("list [--format text|json]");
	}
	if (optind < argc || (strcmp(format, "text") && strcmp(format, "json")))
		return cmd_usage("list [--format text|json]");
	if (app_open(&a) < 0)
		return 2;
	app_warn_broken(&a, stderr);
	rc = !strcmp(format, "json") ? list_json(&a) : list_text(&a);
	app_close(&a);
	return rc;
}
