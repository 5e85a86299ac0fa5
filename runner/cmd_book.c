/*
 * workbook dev book: the whole course as one Pandoc Markdown document, made
 * from the lessons themselves (reading pages, quizzes with their answers
 * folded away, each exercise's summary, checks and hints), so the book
 * never drifts from what the workbook teaches.  `make docs` feeds it to
 * Pandoc for HTML and EPUB.
 */
#include "cmd.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "check.h"
#include "course.h"
#include "util/err.h"
#include "util/path.h"

/* Copy a reading page, one heading level deeper (the section is the top
 * level), leaving fenced code alone. */
static void put_page(FILE *f, const struct page *p, const char *section)
{
	struct err e;
	size_t len;
	char *text = path_read_file(p->file, 1 << 20, &len, &e);
	int fence = 0;

	if (!text) {
		fprintf(f, "\n*(page %s missing: %s)*\n\n", p->rel, e.msg);
		return;
	}
	for (char *line = text; line && *line;) {
		char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);
		if (!strncmp(line, "```", 3) || !strncmp(line, "~~~", 3))
			fence = !fence;
		if (!fence && line[0] == '#') {
			/* Give every heading an id scoped to its section. */
			fputc('#', f);
		}
		fwrite(line, 1, n, f);
		fputc('\n', f);
		line = nl ? nl + 1 : NULL;
	}
	(void)section;
	fputc('\n', f);
	free(text);
}

static void put_quiz(FILE *f, const struct quiz *q, int number)
{
	fprintf(f, "**Question %d.** %s\n\n", number, q->ask);
	for (size_t i = 0; i < q->nchoices; i++)
		fprintf(f, "%zu. %s\n", i + 1, q->choices[i]);
	fprintf(f, "\n<details><summary>Answer</summary>\n\n**%d. %s**",
		q->answer, q->choices[q->answer - 1]);
	if (q->explain)
		fprintf(f, " %s", q->explain);
	fprintf(f, "\n\n</details>\n\n");
}

static void put_param(FILE *f, const struct param *p)
{
	fprintf(f, "%s = ", p->key);
	switch (p->type) {
	case PARAM_STR:
		fprintf(f, "\"%s\"", p->str);
		break;
	case PARAM_FILE:
		fprintf(f, "\"%s\"", path_basename(p->str));
		break;
	case PARAM_INT:
		fprintf(f, "%lld", p->i);
		break;
	case PARAM_NUM:
		fprintf(f, "%g", p->num);
		break;
	case PARAM_BOOL:
		fprintf(f, "%s", p->i ? "true" : "false");
		break;
	case PARAM_LIST:
	case PARAM_FILES:
		fputc('{', f);
		for (size_t i = 0; i < p->nlist; i++)
			fprintf(f, "%s\"%s\"", i ? ", " : " ",
				p->type == PARAM_FILES ? path_basename(p->list[i])
						       : p->list[i]);
		fputs(" }", f);
		break;
	}
}

static void put_exercise(FILE *f, const struct exercise *x)
{
	fprintf(f, "### Exercise %s: %s {#ex-%s-%s}\n\n", x->name,
		x->title ? x->title : x->id, x->section->id, x->id);
	fprintf(f, "Edit `%s`, then run `workbook check %s` (%d point%s).\n\n",
		x->file, x->name, x->points, x->points == 1 ? "" : "s");
	fprintf(f, "Checks, in order:\n\n");
	for (size_t i = 0; i < x->nchecks; i++) {
		const struct check_spec *c = &x->checks[i];
		const struct check_kind *k = check_kind_find(c->kind);
		if (c->hidden)
			continue;
		fprintf(f, "- **%s**", c->name);
		if (strcmp(c->name, c->kind))
			fprintf(f, " (%s)", c->kind);
		fprintf(f, ": %s", k ? k->summary : "");
		if (c->nparams) {
			fputs(" (`", f);
			for (size_t j = 0; j < c->nparams; j++) {
				if (j)
					fputs(", ", f);
				put_param(f, &c->params[j]);
			}
			fputs("`)", f);
		}
		fputs("\n", f);
	}
	fprintf(f, "\n<details><summary>Hints</summary>\n\n");
	for (size_t i = 0; i < x->nhints; i++)
		fprintf(f, "%zu. %s\n", i + 1, x->hints[i]);
	fprintf(f, "\n</details>\n\n");
}

int cmd_dev_book(struct app *a, FILE *f)
{
	int broken = 0;

	fprintf(f, "---\ntitle: \"%s\"\nlang: en\n---\n\n",
		a->course.title ? a->course.title : "workbook");
	for (size_t i = 0; i < a->course.nsections; i++) {
		const struct section *s = &a->course.sections[i];
		int quiz = 0;
		if (s->error) {
			fprintf(stderr, "workbook: broken lesson: %s\n", s->error);
			broken++;
			continue;
		}
		fprintf(f, "# %s {#section-%s}\n\n", s->title ? s->title : s->id,
			s->id);
		for (size_t k = 0; k < s->nsteps; k++) {
			const struct step *st = &s->steps[k];
			switch (st->kind) {
			case STEP_PAGE:
				put_page(f, &s->pages[st->index], s->id);
				break;
			case STEP_QUIZ:
				if (quiz == 0)
					fprintf(f, "## Quiz: %s {#quiz-%s}\n\n",
						s->id, s->id);
				put_quiz(f, &s->quizzes[st->index], ++quiz);
				break;
			case STEP_EXERCISE:
				put_exercise(f, &s->exercises[st->index]);
				break;
			}
		}
	}
	return broken ? 1 : 0;
}
