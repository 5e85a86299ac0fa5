#include "course.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

void course_init(struct course *c, const char *root)
{
	memset(c, 0, sizeof(*c));
	c->root = xstrdup(root);
}

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void check_spec_release(struct check_spec *s)
{
	for (size_t i = 0; i < s->nparams; i++) {
		free(s->params[i].key);
		free(s->params[i].str);
		free_list(s->params[i].list, s->params[i].nlist);
	}
	free(s->params);
	free(s->kind);
	free(s->name);
	free(s->where);
}

static void exercise_release(struct exercise *x)
{
	for (size_t i = 0; i < x->nchecks; i++)
		check_spec_release(&x->checks[i]);
	free(x->checks);
	free_list(x->hints, x->nhints);
	free(x->id);
	free(x->name);
	free(x->title);
	free(x->file);
	free(x->solution);
	free(x->where);
}

void section_clear(struct section *s)
{
	for (size_t i = 0; i < s->npages; i++) {
		free(s->pages[i].file);
		free(s->pages[i].rel);
		free(s->pages[i].title);
		free(s->pages[i].where);
	}
	for (size_t i = 0; i < s->nquizzes; i++) {
		struct quiz *q = &s->quizzes[i];
		free(q->id);
		free(q->name);
		free(q->ask);
		free_list(q->choices, q->nchoices);
		free(q->explain);
		free(q->where);
	}
	for (size_t i = 0; i < s->nexercises; i++)
		exercise_release(&s->exercises[i]);
	s->npages = s->nquizzes = s->nexercises = s->nsteps = 0;
}

static void section_release(struct section *s)
{
	section_clear(s);
	free(s->pages);	free(s->quizzes);
	free(s->exercises);
	free(s->steps);
	free_list(s->needs, s->nneeds);
	free(s->id);
	free(s->title);
	free(s->dir);
	free(s->where);
	free(s->error);
}

void course_release(struct course *c)
{
	for (size_t i = 0; i < c->nsections; i++)
		section_release(&c->sections[i]);
	free(c->sections);
	free(c->title);
	free(c->root);
	free(c->error);
	memset(c, 0, sizeof(*c));
}

struct section *course_add_section(struct course *c, const char *id)
{
	struct section *s;

	c->sections = xgrow(c->sections, &c->capsections, c->nsections + 1,
			    sizeof(*c->sections));
	s = &c->sections[c->nsections++];
	memset(s, 0, sizeof(*s));
	s->id = xstrdup(id);
	/* Exercises point back at their section: fix them after a move. */
	for (size_t i = 0; i < c->nsections; i++)
		for (size_t j = 0; j < c->sections[i].nexercises; j++)
			c->sections[i].exercises[j].section = &c->sections[i];
	return s;
}

static void add_step(struct section *s, enum step_kind kind, size_t index)
{
	s->steps = xgrow(s->steps, &s->capsteps, s->nsteps + 1,
			 sizeof(*s->steps));
	s->steps[s->nsteps].kind = kind;
	s->steps[s->nsteps].index = index;
	s->nsteps++;
}

struct page *section_add_page(struct section *s)
{
	struct page *p;

	s->pages = xgrow(s->pages, &s->cappages, s->npages + 1,
			 sizeof(*s->pages));
	p = &s->pages[s->npages];
	memset(p, 0, sizeof(*p));
	add_step(s, STEP_PAGE, s->npages++);
	return p;
}

struct quiz *section_add_quiz(struct section *s)
{
	struct quiz *q;

	s->quizzes = xgrow(s->quizzes, &s->capquizzes, s->nquizzes + 1,
			   sizeof(*s->quizzes));
	q = &s->quizzes[s->nquizzes];
	memset(q, 0, sizeof(*q));
	add_step(s, STEP_QUIZ, s->nquizzes++);
	return q;
}

struct exercise *section_add_exercise(struct section *s)
{
	struct exercise *x;

	s->exercises = xgrow(s->exercises, &s->capexercises,
			     s->nexercises + 1, sizeof(*s->exercises));
	x = &s->exercises[s->nexercises];
	memset(x, 0, sizeof(*x));
	add_step(s, STEP_EXERCISE, s->nexercises++);
	for (size_t i = 0; i < s->nexercises; i++)
		s->exercises[i].section = s;
	return x;
}

struct section *course_find_section(const struct course *c, const char *id)
{
	for (size_t i = 0; i < c->nsections; i++)
		if (!strcmp(c->sections[i].id, id))
			return &c->sections[i];
	return NULL;
}

struct exercise *course_find_exercise(const struct course *c,
				      const char *name)
{
	struct exercise *found = NULL;
	int count = 0;

	for (size_t i = 0; i < c->nsections; i++) {
		struct section *s = &c->sections[i];
		for (size_t j = 0; j < s->nexercises; j++) {
			if (!strcmp(s->exercises[j].name, name))
				return &s->exercises[j];
			if (!strcmp(s->exercises[j].id, name)) {
				found = &s->exercises[j];
				count++;
			}
		}
	}
	return count == 1 ? found : NULL;
}

struct quiz *course_find_quiz(const struct course *c, const char *name)
{
	for (size_t i = 0; i < c->nsections; i++) {
		struct section *s = &c->sections[i];
		for (size_t j = 0; j < s->nquizzes; j++)
			if (!strcmp(s->quizzes[j].name, name))
				return &s->quizzes[j];
	}
	return NULL;
}

int course_each_exercise(const struct course *c,
			 int (*fn)(struct exercise *, void *), void *arg)
{
	for (size_t i = 0; i < c->nsections; i++) {
		struct section *s = &c->sections[i];
		for (size_t j = 0; j < s->nexercises; j++) {
			int rc = fn(&s->exercises[j], arg);
			if (rc)
				return rc;
		}
	}
	return 0;
}

size_t course_count_exercises(const struct course *c)
{
	size_t n = 0;

	for (size_t i = 0; i < c->nsections; i++)
		n += c->sections[i].nexercises;
	return n;
}

size_t course_count_broken(const struct course *c)
{
	size_t n = 0;

	for (size_t i = 0; i < c->nsections; i++)
		if (c->sections[i].error)
			n++;
	return n;
}

const struct param *check_param(const struct check_spec *s, const char *key)
{
	for (size_t i = 0; i < s->nparams; i++)
		if (!strcmp(s->params[i].key, key))
			return &s->params[i];
	return NULL;
}

const char *check_param_str(const struct check_spec *s, const char *key,
			    const char *def)
{
	const struct param *p = check_param(s, key);

	return p && p->str ? p->str : def;
}

long long check_param_int(const struct check_spec *s, const char *key,
			  long long def)
{
	const struct param *p = check_param(s, key);

	if (!p)
		return def;
	if (p->type == PARAM_NUM)
		return (long long)p->num;
	return p->i;
}

double check_param_num(const struct check_spec *s, const char *key,
		       double def)
{
	const struct param *p = check_param(s, key);

	if (!p)
		return def;
	if (p->type == PARAM_INT || p->type == PARAM_BOOL)
		return (double)p->i;
	return p->num;
}

int check_param_bool(const struct check_spec *s, const char *key, int def)
{
	const struct param *p = check_param(s, key);

	return p ? p->i != 0 : def;
}

char **check_param_list(const struct check_spec *s, const char *key,
			size_t *n)
{
	const struct param *p = check_param(s, key);

	if (!p || !p->list) {
		*n = 0;
		return NULL;
	}
	*n = p->nlist;
	return p->list;
}

struct param *check_spec_add_param(struct check_spec *s, const char *key,
				   enum param_type type)
{
	struct param *p;

	s->params = xrealloc(s->params, (s->nparams + 1) * sizeof(*s->params));
	p = &s->params[s->nparams++];
	memset(p, 0, sizeof(*p));
	p->key = xstrdup(key);
	p->type = type;
	return p;
}
