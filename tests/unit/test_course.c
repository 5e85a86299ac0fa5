/*
 * Tests for course.c: the course model built by hand (no Lua), its
 * lookups, the check parameter accessors and their defaults, and
 * section_clear.
 */
#include "course.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/xalloc.h"

/* ---- a small course ------------------------------------------------------ */

static struct exercise *add_exercise(struct section *s, const char *id)
{
	struct exercise *x = section_add_exercise(s);

	x->id = xstrdup(id);
	x->name = xasprintf("%s/%s", s->id, id);
	x->file = xasprintf("exercises/%s/%s.c", s->id, id);
	x->points = 1;
	return x;
}

static struct quiz *add_quiz(struct section *s, const char *id)
{
	struct quiz *q = section_add_quiz(s);

	q->id = xstrdup(id);
	q->name = xasprintf("%s/%s", s->id, id);
	q->ask = xstrdup("?");
	q->nchoices = 2;
	q->choices = xcalloc(3, sizeof(*q->choices));
	q->choices[0] = xstrdup("a");
	q->choices[1] = xstrdup("b");
	q->answer = 1;
	return q;
}

/*
 *   intro:  page, quiz "q", exercise "hello"
 *   memory: exercise "overflow", exercise "leak", quiz "q"
 *   extra:  exercise "leak" (so the bare id "leak" is ambiguous)
 */
static void make_course(struct course *c)
{
	struct section *s;
	struct page *p;

	course_init(c, "/nowhere/course");
	s = course_add_section(c, "intro");
	p = section_add_page(s);
	p->rel = xstrdup("reading.md");
	p->file = xstrdup("/nowhere/course/lessons/intro/reading.md");
	add_quiz(s, "q");
	add_exercise(s, "hello");
	s = course_add_section(c, "memory");
	add_exercise(s, "overflow");
	add_exercise(s, "leak");
	add_quiz(s, "q");
	s = course_add_section(c, "extra");
	add_exercise(s, "leak");
}

static int setup(void **state)
{
	struct course *c = xcalloc(1, sizeof(*c));

	make_course(c);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct course *c = *state;

	course_release(c);
	free(c);
	return 0;
}

/* ---- building ------------------------------------------------------------ */

static void test_init_copies_root(void **state)
{
	struct course c;
	char root[] = "/some/root";

	(void)state;
	course_init(&c, root);
	root[1] = 'X';
	assert_string_equal(c.root, "/some/root");
	assert_int_equal(c.nsections, 0);
	assert_null(c.title);
	assert_null(c.error);
	assert_int_equal(course_count_exercises(&c), 0);
	course_release(&c);
	assert_null(c.root);
}

static void test_steps_keep_lesson_order(void **state)
{
	struct course *c = *state;
	struct section *s = &c->sections[0];

	assert_int_equal(s->nsteps, 3);
	assert_int_equal(s->steps[0].kind, STEP_PAGE);
	assert_int_equal(s->steps[0].index, 0);
	assert_int_equal(s->steps[1].kind, STEP_QUIZ);
	assert_int_equal(s->steps[1].index, 0);
	assert_int_equal(s->steps[2].kind, STEP_EXERCISE);
	assert_int_equal(s->steps[2].index, 0);
	s = &c->sections[1];
	assert_int_equal(s->nsteps, 3);
	assert_int_equal(s->steps[1].kind, STEP_EXERCISE);
	assert_int_equal(s->steps[1].index, 1);
	assert_int_equal(s->steps[2].kind, STEP_QUIZ);
	assert_int_equal(s->steps[2].index, 0);
}

/* Exercises point at their section, even after the sections array and
 * the exercises array have been reallocated. */
static void test_exercise_section_pointer_survives_growth(void **state)
{
	struct course *c = *state;
	char id[32];

	for (int i = 0; i < 50; i++) {
		snprintf(id, sizeof(id), "s%d", i);
		struct section *s = course_add_section(c, id);
		for (int j = 0; j < 5; j++) {
			snprintf(id, sizeof(id), "e%d", j);
			add_exercise(s, id);
		}
	}
	for (size_t i = 0; i < c->nsections; i++)
		for (size_t j = 0; j < c->sections[i].nexercises; j++)
			assert_ptr_equal(c->sections[i].exercises[j].section,
					 &c->sections[i]);
	assert_int_equal(course_count_exercises(c), 4 + 50 * 5);
}

/* ---- lookups ---------------------------------------------------------------
 */

static void test_find_section(void **state)
{
	struct course *c = *state;

	assert_ptr_equal(course_find_section(c, "intro"), &c->sections[0]);
	assert_ptr_equal(course_find_section(c, "memory"), &c->sections[1]);
	assert_null(course_find_section(c, "mem"));
	assert_null(course_find_section(c, ""));
	assert_null(course_find_section(c, "memory/overflow"));
}

static void test_find_exercise_by_full_name(void **state)
{
	struct course *c = *state;
	struct exercise *x;

	x = course_find_exercise(c, "memory/overflow");
	assert_non_null(x);
	assert_ptr_equal(x, &c->sections[1].exercises[0]);
	x = course_find_exercise(c, "memory/leak");
	assert_ptr_equal(x, &c->sections[1].exercises[1]);
	x = course_find_exercise(c, "extra/leak");
	assert_ptr_equal(x, &c->sections[2].exercises[0]);
	assert_null(course_find_exercise(c, "memory/nothing"));
	assert_null(course_find_exercise(c, "intro/overflow"));
	assert_null(course_find_exercise(c, "memory"));
}

static void test_find_exercise_by_unique_id(void **state)
{
	struct course *c = *state;

	assert_ptr_equal(course_find_exercise(c, "overflow"),
			 &c->sections[1].exercises[0]);
	assert_ptr_equal(course_find_exercise(c, "hello"),
			 &c->sections[0].exercises[0]);
}

static void test_find_exercise_ambiguous_id(void **state)
{
	struct course *c = *state;

	/* "leak" is in memory and in extra: only the full names work. */
	assert_null(course_find_exercise(c, "leak"));
	assert_non_null(course_find_exercise(c, "memory/leak"));
	assert_non_null(course_find_exercise(c, "extra/leak"));
}

static void test_find_quiz(void **state)
{
	struct course *c = *state;

	assert_ptr_equal(course_find_quiz(c, "intro/q"),
			 &c->sections[0].quizzes[0]);
	assert_ptr_equal(course_find_quiz(c, "memory/q"),
			 &c->sections[1].quizzes[0]);
	/* Quizzes are found by full name only. */
	assert_null(course_find_quiz(c, "q"));
	assert_null(course_find_quiz(c, "extra/q"));
}

static int count_fn(struct exercise *x, void *arg)
{
	int *n = arg;

	(void)x;
	(*n)++;
	return 0;
}

static int stop_at_leak(struct exercise *x, void *arg)
{
	const char **seen = arg;

	*seen = x->name;
	return strcmp(x->id, "leak") ? 0 : 7;
}

static void test_each_exercise_in_order_and_stops(void **state)
{
	struct course *c = *state;
	const char *last = NULL;
	int n = 0;

	assert_int_equal(course_each_exercise(c, count_fn, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(course_count_exercises(c), 4);
	/* Stops at the first "leak" (memory/leak) and returns fn's value. */
	assert_int_equal(course_each_exercise(c, stop_at_leak, &last), 7);
	assert_string_equal(last, "memory/leak");
}

static void test_count_broken(void **state)
{
	struct course *c = *state;

	assert_int_equal(course_count_broken(c), 0);
	c->sections[1].error = xstrdup("lessons/memory/lesson.lua:3: boom");
	c->sections[2].error = xstrdup("lessons/extra/lesson.lua:1: boom");
	assert_int_equal(course_count_broken(c), 2);
}

/* ---- check parameters ------------------------------------------------------
 */

static void make_spec(struct check_spec *s)
{
	struct param *p;

	memset(s, 0, sizeof(*s));
	s->kind = xstrdup("io");
	s->name = xstrdup("io");
	p = check_spec_add_param(s, "stdout", PARAM_STR);
	p->str = xstrdup("hello\n");
	p = check_spec_add_param(s, "exit", PARAM_INT);
	p->i = 3;
	p->num = 3;
	p = check_spec_add_param(s, "ratio", PARAM_NUM);
	p->num = 1.75;
	p->i = 1;
	p = check_spec_add_param(s, "werror", PARAM_BOOL);
	p->i = 1;
	p->num = 1;
	p = check_spec_add_param(s, "quiet", PARAM_BOOL);
	p->i = 0;
	p = check_spec_add_param(s, "args", PARAM_LIST);
	p->nlist = 2;
	p->list = xcalloc(3, sizeof(*p->list));
	p->list[0] = xstrdup("Ada Lovelace");
	p->list[1] = xstrdup("Grace");
	p = check_spec_add_param(s, "file", PARAM_FILE);
	p->str = xstrdup("/course/lessons/x/x_test.c");
}

/* Free a spec made by make_spec (course.c frees specs only through a
 * course, so put it in one). */
static void free_spec(struct check_spec *s)
{
	struct course c;
	struct exercise *x;

	course_init(&c, "/");
	x = add_exercise(course_add_section(&c, "s"), "e");
	x->checks = xcalloc(1, sizeof(*x->checks));
	x->checks[0] = *s;
	x->nchecks = 1;
	course_release(&c);
	memset(s, 0, sizeof(*s));
}

static void test_param_lookup(void **state)
{
	struct check_spec s;
	const struct param *p;

	(void)state;
	make_spec(&s);
	p = check_param(&s, "exit");
	assert_non_null(p);
	assert_string_equal(p->key, "exit");
	assert_int_equal(p->type, PARAM_INT);
	assert_null(check_param(&s, "exi"));
	assert_null(check_param(&s, "nothing"));
	free_spec(&s);
}

static void test_param_str(void **state)
{
	struct check_spec s;

	(void)state;
	make_spec(&s);
	assert_string_equal(check_param_str(&s, "stdout", "def"), "hello\n");
	assert_string_equal(check_param_str(&s, "file", NULL),
			    "/course/lessons/x/x_test.c");
	assert_string_equal(check_param_str(&s, "stdin", "def"), "def");
	assert_null(check_param_str(&s, "stdin", NULL));
	/* A parameter with no string falls back to the default. */
	assert_string_equal(check_param_str(&s, "exit", "def"), "def");
	free_spec(&s);
}

static void test_param_int(void **state)
{
	struct check_spec s;

	(void)state;
	make_spec(&s);
	assert_int_equal(check_param_int(&s, "exit", 0), 3);
	assert_int_equal(check_param_int(&s, "missing", -5), -5);
	/* A NUM read as an integer is truncated from its number. */
	assert_int_equal(check_param_int(&s, "ratio", 0), 1);
	assert_int_equal(check_param_int(&s, "werror", 0), 1);
	free_spec(&s);
}

static void test_param_num(void **state)
{
	struct check_spec s;

	(void)state;
	make_spec(&s);
	assert_true(check_param_num(&s, "ratio", 0) == 1.75);
	assert_true(check_param_num(&s, "exit", 0) == 3.0);
	assert_true(check_param_num(&s, "werror", 0) == 1.0);
	assert_true(check_param_num(&s, "missing", 2.5) == 2.5);
	free_spec(&s);
}

static void test_param_bool(void **state)
{
	struct check_spec s;

	(void)state;
	make_spec(&s);
	assert_int_equal(check_param_bool(&s, "werror", 0), 1);
	assert_int_equal(check_param_bool(&s, "quiet", 1), 0);
	assert_int_equal(check_param_bool(&s, "missing", 1), 1);
	assert_int_equal(check_param_bool(&s, "missing", 0), 0);
	free_spec(&s);
}

static void test_param_list(void **state)
{
	struct check_spec s;
	char **v;
	size_t n = 99;

	(void)state;
	make_spec(&s);
	v = check_param_list(&s, "args", &n);
	assert_non_null(v);
	assert_int_equal(n, 2);
	assert_string_equal(v[0], "Ada Lovelace");
	assert_string_equal(v[1], "Grace");
	assert_null(v[2]);
	n = 99;
	assert_null(check_param_list(&s, "missing", &n));
	assert_int_equal(n, 0);
	n = 99;
	/* Not a list: nothing. */
	assert_null(check_param_list(&s, "stdout", &n));
	assert_int_equal(n, 0);
	free_spec(&s);
}

static void test_add_param_copies_key(void **state)
{
	struct check_spec s;
	char key[] = "xx";

	(void)state;
	memset(&s, 0, sizeof(s));
	for (int i = 0; i < 40; i++) {
		key[0] = (char)('a' + i % 26);
		key[1] = (char)('a' + i / 26);
		check_spec_add_param(&s, key, PARAM_INT)->i = i;
	}
	assert_int_equal(s.nparams, 40);
	assert_int_equal(check_param_int(&s, "aa", -1), 0);
	assert_int_equal(check_param_int(&s, "za", -1), 25);
	assert_int_equal(check_param_int(&s, "nb", -1), 39);
	assert_int_equal(check_param_int(&s, "ob", -1), -1);
	free_spec(&s);
}

/* ---- section_clear ----------------------------------------------------------
 */

static void test_section_clear_drops_steps(void **state)
{
	struct course *c = *state;
	struct section *s = &c->sections[1];
	struct exercise *x;

	s->exercises[0].hints = xcalloc(3, sizeof(char *));
	s->exercises[0].hints[0] = xstrdup("one");
	s->exercises[0].hints[1] = xstrdup("two");
	s->exercises[0].nhints = 2;
	s->exercises[0].checks = xcalloc(1, sizeof(struct check_spec));
	s->exercises[0].nchecks = 1;
	make_spec(&s->exercises[0].checks[0]);

	section_clear(s);
	assert_int_equal(s->nsteps, 0);
	assert_int_equal(s->npages, 0);
	assert_int_equal(s->nquizzes, 0);
	assert_int_equal(s->nexercises, 0);
	/* The section itself stays, findable by id, its exercises gone. */
	assert_ptr_equal(course_find_section(c, "memory"), s);
	assert_string_equal(s->id, "memory");
	assert_null(course_find_exercise(c, "memory/overflow"));
	assert_null(course_find_quiz(c, "memory/q"));
	assert_int_equal(course_count_exercises(c), 2);
	/* "leak" is no longer ambiguous. */
	assert_ptr_equal(course_find_exercise(c, "leak"),
			 &c->sections[2].exercises[0]);

	/* The section can be filled again. */
	x = add_exercise(s, "again");
	assert_int_equal(s->nsteps, 1);
	assert_int_equal(s->steps[0].kind, STEP_EXERCISE);
	assert_int_equal(s->steps[0].index, 0);
	assert_ptr_equal(course_find_exercise(c, "memory/again"), x);
	assert_ptr_equal(x->section, s);
}

static void test_section_clear_twice_and_empty(void **state)
{
	struct course *c = *state;

	section_clear(&c->sections[0]);
	section_clear(&c->sections[0]);
	assert_int_equal(c->sections[0].nsteps, 0);
	assert_null(course_find_exercise(c, "hello"));
	assert_non_null(course_find_exercise(c, "overflow"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	    cmocka_unit_test(test_init_copies_root),
	    T(test_steps_keep_lesson_order),
	    T(test_exercise_section_pointer_survives_growth),
	    T(test_find_section),
	    T(test_find_exercise_by_full_name),
	    T(test_find_exercise_by_unique_id),
	    T(test_find_exercise_ambiguous_id),
	    T(test_find_quiz),
	    T(test_each_exercise_in_order_and_stops),
	    T(test_count_broken),
	    cmocka_unit_test(test_param_lookup),
	    cmocka_unit_test(test_param_str),
	    cmocka_unit_test(test_param_int),
	    cmocka_unit_test(test_param_num),
	    cmocka_unit_test(test_param_bool),
	    cmocka_unit_test(test_param_list),
	    cmocka_unit_test(test_add_param_copies_key),
	    T(test_section_clear_drops_steps),
	    T(test_section_clear_twice_and_empty),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
