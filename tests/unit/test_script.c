/*
 * Tests for script.c and script_api.c: loading a course through the Lua
 * lesson DSL, the validation errors (each with its exact file:line), the
 * sandbox, the instruction budget and memory cap, and the on_result /
 * on_answer callbacks.
 *
 * Every test builds a small course in a fresh mkdtemp folder: lessons/
 * course.lua, lessons/<id>/lesson.lua and the files they name.  A lesson
 * body is written so that its first item is on line 3 (lines 1-2 are
 * "lesson {" and the id and title), which keeps the expected line numbers
 * readable.  Budgets are made small with script_set_limits so that the
 * runaway scripts stop quickly.
 */
#define _GNU_SOURCE
#include "script.h"

#include <limits.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "course.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/path.h"
#include "util/xalloc.h"
#include "verdict.h"

#define TEST_MEM_MAX ((size_t)16 << 20)
#define TEST_BUDGET  1000000L

/* ---- fixture ------------------------------------------------------------ */

struct fx {
	char dir[PATH_MAX];
	struct script *s;
	struct course c;
	int course_rc;
	struct err e;
};

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");

	snprintf(f->dir, sizeof(f->dir), "%s/wb-script.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(f->dir))
		return -1;
	course_init(&f->c, f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	struct err e;

	script_free(f->s);
	course_release(&f->c);
	path_remove_tree(f->dir, &e);
	free(f);
	return 0;
}

/* Write `text` to dir/rel, making the folders. */
static void put(struct fx *f, const char *rel, const char *text)
{
	struct err e;
	char *path = path_join(f->dir, rel);
	char *parent = path_dirname(path);

	assert_int_equal(path_mkdirs(parent, &e), 0);
	assert_int_equal(path_write_file(path, text, strlen(text), 0644, &e),
			 0);
	free(parent);
	free(path);
}

/* course.lua listing `sections` (a Lua list body: "\"x\", \"y\""). */
static void put_course(struct fx *f, const char *sections)
{
	char *text = xasprintf("course {\n"
			       "  title = \"Test course\",\n"
			       "  sections = { %s },\n"
			       "}\n",
			       sections);

	put(f, "lessons/course.lua", text);
	free(text);
}

/* The files a section's lesson may name: reading.md, a_test.c, the
 * starter and solution of exercise "a". */
static void put_section_files(struct fx *f, const char *id)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "lessons/%s/reading.md", id);
	put(f, rel, "# Reading\n\nText.\n");
	snprintf(rel, sizeof(rel), "lessons/%s/a_test.c", id);
	put(f, rel, "int main(void) { return 0; }\n");
	snprintf(rel, sizeof(rel), "exercises/%s/a.c", id);
	put(f, rel, "int a(void) { return 0; }\n");
	snprintf(rel, sizeof(rel), "solutions/%s/a.c", id);
	put(f, rel, "int a(void) { return 1; }\n");
}

/* lessons/<id>/lesson.lua: "lesson {", id and title on lines 1-2, `items`
 * from line 3, then "}". */
static void put_lesson(struct fx *f, const char *id, const char *items)
{
	char rel[256];
	char *text = xasprintf("lesson {\n"
			       "  id = \"%s\", title = \"Lesson %s\",\n"
			       "%s"
			       "}\n",
			       id, id, items);

	snprintf(rel, sizeof(rel), "lessons/%s/lesson.lua", id);
	put_section_files(f, id);
	put(f, rel, text);
	free(text);
}

/* Load the course with these limits.  Returns script_load_course's code. */
static int load_limits(struct fx *f, size_t mem_max, long budget)
{
	f->s = script_new(&f->e);
	assert_non_null(f->s);
	script_set_limits(f->s, mem_max, budget);
	f->course_rc = script_load_course(f->s, &f->c, f->dir, &f->e);
	return f->course_rc;
}

static int load(struct fx *f)
{
	return load_limits(f, TEST_MEM_MAX, TEST_BUDGET);
}

static struct section *section(struct fx *f, const char *id)
{
	struct section *s = course_find_section(&f->c, id);

	assert_non_null(s);
	return s;
}

/* The course loads, and section `id` failed with exactly `want`. */
static void expect_error(struct fx *f, const char *id, const char *want)
{
	struct section *s;

	assert_int_equal(load(f), 0);
	s = section(f, id);
	if (!s->error)
		fail_msg("lesson '%s' loaded; wanted the error \"%s\"", id,
			 want);
	assert_string_equal(s->error, want);
	/* A broken lesson keeps no steps. */
	assert_int_equal(s->nsteps, 0);
	assert_int_equal(s->nexercises, 0);
}

/* Section `id` failed with an error matching the extended regex `re`. */
static void expect_error_re(struct fx *f, const char *id, const char *re)
{
	struct section *s;
	regex_t rx;

	assert_int_equal(load(f), 0);
	s = section(f, id);
	if (!s->error)
		fail_msg("lesson '%s' loaded; wanted an error like /%s/", id,
			 re);
	assert_int_equal(regcomp(&rx, re, REG_EXTENDED | REG_NOSUB), 0);
	if (regexec(&rx, s->error, 0, NULL, 0) != 0) {
		regfree(&rx);
		fail_msg("error \"%s\" does not match /%s/", s->error, re);
	}
	regfree(&rx);
	assert_int_equal(s->nsteps, 0);
}

/* Section `id` loaded cleanly. */
static void expect_loaded(struct fx *f, const char *id)
{
	struct section *s = section(f, id);

	if (s->error)
		fail_msg("lesson '%s' did not load: %s", id, s->error);
	assert_true(s->nsteps > 0);
}

/* A valid exercise "a" whose extra fields are `extra` (a line or more). */
#define EXERCISE(extra)                                                        \
	"  exercise {\n"                                                       \
	"    id = \"a\", file = \"exercises/x/a.c\", solution = "              \
	"\"solutions/x/a.c\",\n"                                               \
	"    checks = { compiles {}, tests \"a_test.c\" },\n"                  \
	"    hints = { \"one\", \"two\" },\n" extra "  },\n"

/* ---- a valid course ----------------------------------------------------- */

static void test_valid_course_loads(void **state)
{
	struct fx *f = *state;
	struct section *s;

	put_course(f, "\"x\"");
	put_lesson(f, "x",
		   "  page \"reading.md\",\n"
		   "  quiz { id = \"q\", ask = \"?\", choices = { \"a\", \"b\" "
		   "}, answer = 2 },\n"
		   "  exercise {\n"
		   "    id = \"a\", title = \"An exercise\", file = "
		   "\"exercises/x/a.c\",\n"
		   "    solution = \"solutions/x/a.c\", points = 3,\n"
		   "    checks = { compiles { werror = true }, tests { file = "
		   "\"a_test.c\", timeout = 2, points = 1.5 } },\n"
		   "    hints = { \"one\", \"two\", \"three\" },\n"
		   "  },\n");
	assert_int_equal(load(f), 0);
	assert_null(f->c.error);
	assert_string_equal(f->c.title, "Test course");
	assert_int_equal(f->c.nsections, 1);
	s = &f->c.sections[0];
	assert_null(s->error);
	assert_string_equal(s->title, "Lesson x");
	assert_string_equal(s->where, "lessons/x/lesson.lua:1");
	assert_int_equal(s->nsteps, 3);
	assert_int_equal(s->steps[0].kind, STEP_PAGE);
	assert_int_equal(s->steps[1].kind, STEP_QUIZ);
	assert_int_equal(s->steps[2].kind, STEP_EXERCISE);
	assert_string_equal(s->pages[0].rel, "reading.md");
	assert_string_equal(s->pages[0].title, "Reading");
	assert_string_equal(s->quizzes[0].name, "x/q");
	assert_int_equal(s->quizzes[0].answer, 2);
	assert_int_equal(s->quizzes[0].nchoices, 2);
	assert_string_equal(s->quizzes[0].where, "lessons/x/lesson.lua:4");

	struct exercise *ex = &s->exercises[0];
	assert_string_equal(ex->name, "x/a");
	assert_string_equal(ex->title, "An exercise");
	assert_string_equal(ex->file, "exercises/x/a.c");
	assert_int_equal(ex->points, 3);
	assert_int_equal(ex->nhints, 3);
	assert_string_equal(ex->hints[2], "three");
	assert_ptr_equal(ex->section, s);
	assert_int_equal(ex->nchecks, 2);
	assert_string_equal(ex->checks[0].kind, "compiles");
	assert_string_equal(ex->checks[0].name, "compiles");
	assert_true(check_param_bool(&ex->checks[0], "werror", 0));
	assert_string_equal(ex->checks[1].kind, "tests");
	assert_int_equal(ex->checks[1].timeout_ms, 2000);
	assert_true(ex->checks[1].points == 1.5);
	/* Files named by checks become absolute paths beside lesson.lua. */
	char *want = xasprintf("%s/lessons/x/a_test.c", f->dir);
	assert_string_equal(check_param_str(&ex->checks[1], "file", NULL),
			    want);
	free(want);
	want = xasprintf("%s/solutions/x/a.c", f->dir);
	assert_string_equal(ex->solution, want);
	free(want);
}

/* ---- validation errors, each with its file:line ------------------------ */

static void test_unknown_field_suggests_the_name(void **state)
{
	struct fx *f = *state;

	put_course(f, "\"x\"");
	put_lesson(f, "x",
		   "  page \"reading.md\",\n"
		   "  quiz {\n"
		   "    id = \"q\", ask = \"?\",\n"
		   "    choices = { \"a\", \"b\" }, anwser = 1,\n"
		   "  },\n");
	expect_error(f, "x",
		     "lessons/x/lesson.lua:4: unknown field 'anwser' in quiz "
		     "(did you mean 'answer'?)");
}

static void test_unknown_field_without_close_name(void **state)
{
	struct fx *f = *state;

	put_course(f, "\"x\"");
	put_lesson(f, "x", EXERCISE("    zebra = 1,\n"));
	expect_error(
	    f, "x",
	    "lessons/x/lesson.lua:3: unknown field 'zebra' in exercise");
}

static void test_unknown_check_field_suggests_the_name(void **state)
{
	struct fx *f = *state;

	put_course(f, "\"x\"");
	put_lesson(f, "x",
		   "  exercise {\n"
		   "    id = \"a\", file = \"exercises/x/a.c\", solution = "
		   "\"solutions/x/a.c\",\n"
		   "    checks = { compiles { werorr = true } },\n"
		   "    hints = { \"one\", \"two\" },\n"
		   "  },\n");
	expect_error(f, "x",
		     "lessons/x/lesson.lua:5: unknown field 'werorr' in "
		     "compiles (did you mean 'werror'?)");
}

static void test_wrong_field_type(void **state)
{
	struct fx *f = *state;

	put_course(f, "\"x\"");
	put_lesson(f, "x",
		   "  page \"reading.md\",\n"
		   "  quiz {\n"
		   "    id = \"q\", ask = \"?\", choices = { \"a\", \"b\" },\n"
		   "    answer = \"2\",\n"
		   "  },\n");
	expect_error(f, "x",
		     "lessons/x/lesson.lua:4: field 'answer' in quiz must be "
		     "a whole number, not string");
}

static void test_wrong_check_field_type(void **state)
{
	struct fx *f = *state;

	put_course(f, "\"x\"");
	put_lesson(f, "x",
		   "  exercise {\n"
		   "    id = \"a\", file = \"exercises/x/a.c\", solution = "
		   "\"solutions/x/a.c\",\n"
		   "    checks = { compiles { werror = \"yes\" } },\n"
		   "    hints = { \"one\", \"two\" },\n"
		   "  },\n");
	expect_error(f, "x",
		     "lessons/x/lesson.lua:5: field 'werror' in compiles must "
		     "be true or false, not string");
}

static void test_missing_required_field(void **state)
{
	struct fx *f = *state;

	put_course(f, "\"x\"");
	put_lesson(
	    f, "x",
	    "  page \"reading.md\",\n"
	    "  quiz { id = \"q\", choices = { \"a\", \"b\" }, answer = 1 },\n");
	expect_error(f, "x",
		     "lessons/x/lesson.lua:4: quiz needs a field 'ask'");
}

static void test_missing_page_file(void **state)
{
	struct fx *f = *state;
	char *want;

	put_course(f, "\"x\"");
	put_lesson(f, "x", "  page \"reading.md\",\n  page \"nope.md\",\n");
	want = xasprintf("lessons/x/lesson.lua:4: page 'nope.md' not found in "
			 "%s/lessons/x",
			 f->dir);
	expect_error(f, "x", want);
	free(want);
}

static void test_page_outside_the_lesson_is_refused(void **state)
{
	struct fx *f = *state;

	put_course(f, "\"x\"");
	put(f, "secret.md", "# not a lesson page\n");
	put_lesson(f, "x", "  page \"../../secret.md\",\n");
	expect_error(f, "x",
		     "lessons/x/lesson.lua:3: page '../../secret.md' must be "
		     "a file beside lesson.lua");
}

static void test_missing_exercise_file(void **state)
{
	struct fx *f = *state;

	put_course(f, "\"x\"");
	put_lesson(f, "x",
		   "  exercise {\n"
		   "    id = \"a\", file = \"exercises/x/nope.c\", solution = "
		   "\"solutions/x/a.c\",\n"
		   "    checks = { compiles {} },\n"
		   "    hints = { \"one\", \"two\" },\n"
		   "  },\n");
	expect_error(f, "x",
		     "lessons/x/lesson.lua:3: exercise file "
		     "'exercises/x/nope.c' not found");
}

static void test_missing_solution_with_solutions_folder(void **state)
{
	struct fx *f = *state;

	put_course(f, "\"x\"");
	put_lesson(f, "x",
		   "  exercise {\n"
		   "    id = \"a\", file = \"exercises/x/a.c\", solution = "
		   "\"solutions/x/nope.c\",\n"
		   "    checks = { compiles {} },\n"
		   "    hints = { \"one\", \"two\" },\n"
		   "  },\n");
	expect_error(f, "x",
		     "lessons/x/lesson.lua:3: solution 'solutions/x/nope.c' "
		     "not found");
}

/* A student copy has no solutions/ folder: a missing solution is fine. */
static void test_missing_solution_without_solutions_folder(void **state)
{
	struct fx *f = *state;
	struct err e;
	char *sol = path_join(f->dir, "solutions");

	put_course(f, "\"x\"");
	put_lesson(f, "x", EXERCISE(""));
	assert_int_equal(path_remove_tree(sol, &e), 0);
	free(sol);
	assert_int_equal(load(f), 0);
	expect_loaded(f, "x");
}

static void test_missing_tests_file(void **state)
{
	struct fx *f = *state;

	put_course(f, "\"x\"");
	put_lesson(f, "x",
		   "  exercise {\n"
		   "    id = \"a\", file = \"exercises/x/a.c\", solution = "
		   "\"solutions/x/a.c\",\n"
		   "    checks = {\n"
		   "      compiles {},\n"
		   "      tests \"nope_test.c\",\n"
		   "    },\n"
		   "    hints = { \"one\", \"two\" },\n"
		   "  },\n");
	expect_error(f, "x",
		     "lessons/x/lesson.lua:7: tests: file 'nope_test.c' not "
		     "found beside lesson.lua");
}

static void test_duplicate_ids(void **state)
{
	struct fx *f = *state;
	struct section *s;

	put_course(f, "\"x\"");
	put_lesson(f, "x",
		   "  quiz { id = \"a\", ask = \"?\", choices = { \"a\", \"b\" "
		   "}, answer = 1 },\n" EXERCISE(""));
	assert_int_equal(load(f), 0);
	s = section(f, "x");
	assert_non_null(s->error);
	/* The duplicate (the exercise, line 4) is named, with its id. */
	assert_non_null(strstr(s->error, "lessons/x/lesson.lua:4: "
					 "duplicate id 'a' in lesson 'x'"));
	assert_int_equal(strncmp(s->error, "lessons/x/lesson.lua:", 21), 0);
	assert_int_equal(s->nsteps, 0);
}

static void test_duplicate_check_names(void **state)
{
	struct fx *f = *state;

	put_course(f, "\"x\"");
	put_lesson(
	    f, "x",
	    "  exercise {\n"
	    "    id = \"a\", file = \"exercises/x/a.c\", solution = "
	    "\"solutions/x/a.c\",\n"
	    "    checks = { io { stdout = \"1\" }, io { stdout = \"2\" } },\n"
	    "    hints = { \"one\", \"two\" },\n"
	    "  },\n");
	expect_error(f, "x",
		     "lessons/x/lesson.lua:3: two checks are named 'io': give "
		     "one a name = \"...\"");
}

static void test_duplicate_section_in_course(void **state)
{
	struct fx *f = *state;

	put_course(f, "\"x\", \"x\"");
	put_lesson(f, "x", "  page \"reading.md\",\n");
	assert_int_equal(load(f), -1);
	assert_non_null(f->c.error);
	assert_string_equal(f->c.error, "lessons/course.lua:1: section 'x' "
					"is listed twice");
	assert_string_equal(f->e.msg, f->c.error);
}

static void test_quiz_answer_out_of_range(void **state)
{
	struct fx *f = *state;

	put_course(f, "\"x\"");
	put_lesson(f, "x",
		   "  page \"reading.md\",\n"
		   "  quiz {\n"
		   "    id = \"q\", ask = \"?\",\n"
		   "    choices = { \"a\", \"b\", \"c\" },\n"
		   "    answer = 4,\n"
		   "  },\n");
	expect_error(f, "x",
		     "lessons/x/lesson.lua:4: quiz answer 4 is out of range "
		     "(choices 1 to 3)");
}

static void test_quiz_answer_zero_out_of_range(void **state)
{
	struct fx *f = *state;

	put_course(f, "\"x\"");
	put_lesson(f, "x",
		   "  quiz { id = \"q\", ask = \"?\", choices = { \"a\", \"b\" "
		   "}, answer = 0 },\n");
	expect_error(f, "x",
		     "lessons/x/lesson.lua:3: quiz answer 0 is out of range "
		     "(choices 1 to 2)");
}

static void test_exercise_without_checks(void **state)
{
	struct fx *f = *state;

	put_course(f, "\"x\"");
	put_lesson(f, "x",
		   "  page \"reading.md\",\n"
		   "  exercise {\n"
		   "    id = \"a\", file = \"exercises/x/a.c\", solution = "
		   "\"solutions/x/a.c\",\n"
		   "    checks = {},\n"
		   "    hints = { \"one\", \"two\" },\n"
		   "  },\n");
	expect_error(
	    f, "x",
	    "lessons/x/lesson.lua:4: exercise needs at least one check");
}

static void test_exercise_with_one_hint(void **state)
{
	struct fx *f = *state;

	put_course(f, "\"x\"");
	put_lesson(f, "x",
		   "  exercise {\n"
		   "    id = \"a\", file = \"exercises/x/a.c\", solution = "
		   "\"solutions/x/a.c\",\n"
		   "    checks = { compiles {} },\n"
		   "    hints = { \"only one\" },\n"
		   "  },\n");
	expect_error(f, "x",
		     "lessons/x/lesson.lua:3: exercise needs at least 2 hints "
		     "(has 1)");
}

static void test_lesson_id_must_match_folder(void **state)
{
	struct fx *f = *state;

	put_course(f, "\"x\"");
	put_section_files(f, "x");
	put(f, "lessons/x/lesson.lua",
	    "-- a copied lesson that kept its old id\n"
	    "lesson {\n"
	    "  id = \"y\", title = \"Y\",\n"
	    "  page \"reading.md\",\n"
	    "}\n");
	expect_error(f, "x",
		     "lessons/x/lesson.lua:2: lesson id 'y' does not match its "
		     "folder lessons/x");
}

static void test_lesson_without_lesson_call(void **state)
{
	struct fx *f = *state;

	put_course(f, "\"x\"");
	put(f, "lessons/x/lesson.lua", "local x = 1\n");
	expect_error(f, "x",
		     "lessons/x/lesson.lua: no lesson { ... } in this file");
}

static void test_syntax_error_names_line(void **state)
{
	struct fx *f = *state;

	put_course(f, "\"x\"");
	put_section_files(f, "x");
	put(f, "lessons/x/lesson.lua",
	    "lesson {\n"
	    "  id = \"x\", title = \"X\",\n"
	    "  page \"reading.md\"\n"
	    "  page \"reading.md\",\n"
	    "}\n");
	expect_error_re(f, "x", "^lessons/x/lesson\\.lua:4: .*'}' expected");
}

static void test_runtime_error_names_line(void **state)
{
	struct fx *f = *state;

	put_course(f, "\"x\"");
	put_section_files(f, "x");
	put(f, "lessons/x/lesson.lua",
	    "local t = nil\n"
	    "\n"
	    "local y = t.field\n");
	expect_error(f, "x",
		     "lessons/x/lesson.lua:3: attempt to index a nil value "
		     "(local 't')");
}

static void test_missing_lesson_file(void **state)
{
	struct fx *f = *state;

	put_course(f, "\"x\", \"ghost\"");
	put_lesson(f, "x", "  page \"reading.md\",\n");
	expect_error_re(f, "ghost", "lessons/ghost/lesson\\.lua");
	expect_loaded(f, "x");
}

static void test_broken_course_lua(void **state)
{
	struct fx *f = *state;

	put(f, "lessons/course.lua", "course {\n  title = 1,\n}\n");
	assert_int_equal(load(f), -1);
	assert_int_equal(f->c.nsections, 0);
	assert_non_null(f->c.error);
	assert_string_equal(
	    f->c.error, "lessons/course.lua:1: field 'title' in course must "
			"be a string, not number");
}

/* ---- a broken lesson leaves the others loaded --------------------------- */

static void test_broken_lesson_leaves_others(void **state)
{
	struct fx *f = *state;

	put_course(f, "\"a\", \"b\", \"c\"");
	put_lesson(f, "a", "  page \"reading.md\",\n");
	put_lesson(f, "b", "  page \"reading.md\",\n  quiz { id = \"q\" },\n");
	put_lesson(f, "c",
		   "  page \"reading.md\",\n"
		   "  quiz { id = \"q\", ask = \"?\", choices = { \"a\", \"b\" "
		   "}, answer = 1 },\n");
	assert_int_equal(load(f), 0);
	assert_int_equal(f->c.nsections, 3);
	assert_string_equal(f->c.sections[0].id, "a");
	assert_string_equal(f->c.sections[1].id, "b");
	assert_string_equal(f->c.sections[2].id, "c");
	assert_null(f->c.sections[0].error);
	assert_non_null(f->c.sections[1].error);
	assert_null(f->c.sections[2].error);
	assert_int_equal(f->c.sections[0].nsteps, 1);
	assert_int_equal(f->c.sections[1].nsteps, 0);
	assert_int_equal(f->c.sections[2].nsteps, 2);
	assert_int_equal(course_count_broken(&f->c), 1);
	assert_non_null(course_find_quiz(&f->c, "c/q"));
	assert_null(course_find_quiz(&f->c, "b/q"));
}

static void test_needs_unknown_section(void **state)
{
	struct fx *f = *state;

	put_course(f, "\"a\", \"b\"");
	put_lesson(f, "a", "  page \"reading.md\",\n");
	put_lesson(f, "b",
		   "  needs = { \"a\", \"nowhere\" },\n"
		   "  page \"reading.md\",\n");
	assert_int_equal(load(f), 0);
	assert_null(section(f, "a")->error);
	assert_non_null(section(f, "b")->error);
	assert_string_equal(section(f, "b")->error,
			    "lessons/b/lesson.lua:1: needs unknown section "
			    "'nowhere'");
}

static void test_needs_known_section(void **state)
{
	struct fx *f = *state;
	struct section *b;

	put_course(f, "\"a\", \"b\"");
	put_lesson(f, "a", "  page \"reading.md\",\n");
	put_lesson(f, "b", "  needs = { \"a\" },\n  page \"reading.md\",\n");
	assert_int_equal(load(f), 0);
	b = section(f, "b");
	expect_loaded(f, "b");
	assert_int_equal(b->nneeds, 1);
	assert_string_equal(b->needs[0], "a");
}

/* ---- runaway lessons ------------------------------------------------------
 */

/* Section x runs `code` (its lines start at 1); section y is valid and must
 * still load in the same state afterwards. */
static void put_runaway(struct fx *f, const char *code)
{
	put_course(f, "\"x\", \"y\"");
	put_section_files(f, "x");
	put(f, "lessons/x/lesson.lua", code);
	put_lesson(f, "y", "  page \"reading.md\",\n");
}

#define TOO_LONG                                                               \
	": stopped: the script ran too long (more than 1 million "             \
	"instructions)"
#define TOO_LONG_RE                                                            \
	": stopped: the script ran too long \\(more than 1 million "           \
	"instructions\\)"

static void test_infinite_loop_is_stopped(void **state)
{
	struct fx *f = *state;

	put_runaway(f, "local n = 0\n"
		       "\n"
		       "while true do n = n + 1 end\n");
	expect_error(f, "x", "lessons/x/lesson.lua:3" TOO_LONG);
	expect_loaded(f, "y");
}

static void test_pcall_cannot_swallow_the_stop(void **state)
{
	struct fx *f = *state;

	put_runaway(
	    f, "local caught = 0\n"
	       "for i = 1, 100 do\n"
	       "  if not pcall(function() while true do end end) then caught = "
	       "caught + 1 end\n"
	       "end\n"
	       "lesson { id = \"x\", title = \"X\", page \"reading.md\" }\n");
	expect_error_re(f, "x", "^lessons/x/lesson\\.lua:[23]" TOO_LONG_RE "$");
	expect_loaded(f, "y");
}

static void test_pcall_in_endless_loop_is_stopped(void **state)
{
	struct fx *f = *state;

	put_runaway(
	    f, "while true do pcall(function() while true do end end) end\n");
	expect_error(f, "x", "lessons/x/lesson.lua:1" TOO_LONG);
	expect_loaded(f, "y");
}

static void test_xpcall_handler_cannot_swallow_the_stop(void **state)
{
	struct fx *f = *state;

	put_runaway(f, "local function spin() while true do end end\n"
		       "while true do xpcall(spin, function() return 'ignored' "
		       "end) end\n");
	expect_error_re(f, "x", "^lessons/x/lesson\\.lua:[12]" TOO_LONG_RE "$");
	expect_loaded(f, "y");
}

#define MEM_STOP "stopped: the script used more than 16 MiB of memory"

static void test_growing_table_is_stopped(void **state)
{
	struct fx *f = *state;

	put_runaway(f, "t = {}\n"
		       "while true do t[#t+1] = (\"x\"):rep(1000) .. #t end\n");
	expect_error_re(f, "x",
			"^lessons/x/lesson\\.lua:[0-9]+: " MEM_STOP "$");
	expect_loaded(f, "y");
	/* What the dead lesson held was given back. */
	assert_true(script_memory(f->s) < TEST_MEM_MAX / 2);
}

static void test_string_rep_bomb_is_stopped(void **state)
{
	struct fx *f = *state;

	put_runaway(f, "local big = 1e9\n"
		       "local s = string.rep(\"x\", big)\n");
	expect_error_re(f, "x", "^lessons/x/lesson\\.lua:2: ");
	expect_loaded(f, "y");
}

/* ("x"):rep goes through the string metatable to the real string.rep. */
static void test_string_method_rep_bomb_is_stopped(void **state)
{
	struct fx *f = *state;

	put_runaway(f, "local s = (\"abc\"):rep(1e9, \",\")\n");
	expect_error_re(f, "x", "^lessons/x/lesson\\.lua:1: ");
	expect_loaded(f, "y");
}

/* One allocation over the cap, before the count hook ever ran. */
static void test_single_huge_allocation_is_stopped(void **state)
{
	struct fx *f = *state;

	put_runaway(f, "local s = (\"x\"):rep(1e8)\n");
	expect_error_re(f, "x", "^lessons/x/lesson\\.lua:1: " MEM_STOP "$");
	expect_loaded(f, "y");
}

static void test_doubling_string_is_stopped(void **state)
{
	struct fx *f = *state;

	put_runaway(f, "local s = \"x\"\n"
		       "while true do s = s .. s end\n");
	expect_error_re(f, "x",
			"^lessons/x/lesson\\.lua:[0-9]+: " MEM_STOP "$");
	expect_loaded(f, "y");
}

static void test_pcall_cannot_swallow_memory_stop(void **state)
{
	struct fx *f = *state;

	struct section *s;
	regex_t rx;

	/* Each refused allocation is caught, but the loop never ends: the
	 * instruction budget must end it.  (A small cap keeps the copying
	 * short: the budget counts instructions, not bytes.) */
	put_runaway(f, "while true do\n"
		       "  pcall(function() local s = \"x\" while true do s = s "
		       ".. s end end)\n"
		       "end\n");
	assert_int_equal(load_limits(f, (size_t)2 << 20, TEST_BUDGET), 0);
	s = section(f, "x");
	assert_non_null(s->error);
	assert_int_equal(regcomp(&rx,
				 "^lessons/x/lesson\\.lua:[0-9]+: stopped: ",
				 REG_EXTENDED | REG_NOSUB),
			 0);
	if (regexec(&rx, s->error, 0, NULL, 0) != 0)
		fail_msg("unexpected error: %s", s->error);
	regfree(&rx);
	expect_loaded(f, "y");
}

/* Few instructions, much work: each step copies a MiB.  Bytes allocated
 * must count against the budget, or a pcall loop of doublings runs for
 * minutes within "20 million instructions". */
static void test_allocation_counts_against_budget(void **state)
{
	struct fx *f = *state;

	put_runaway(
	    f, "for i = 1, 300 do local s = (\"x\"):rep(1 << 20) end\n"
	       "lesson { id = \"x\", title = \"X\", page \"reading.md\" }\n");
	expect_error(f, "x", "lessons/x/lesson.lua:1" TOO_LONG);
	expect_loaded(f, "y");
}

static void test_deep_recursion_is_stopped(void **state)
{
	struct fx *f = *state;

	put_runaway(f, "local function f(n)\n"
		       "  return f(n + 1) + 1\n"
		       "end\n"
		       "f(1)\n");
	expect_error_re(
	    f, "x",
	    "^lessons/x/lesson\\.lua:[0-9]+: (.*stack overflow|stopped: )");
	expect_loaded(f, "y");
}

/* ---- sandbox --------------------------------------------------------------
 */

static void test_unsafe_globals_are_nil(void **state)
{
	struct fx *f = *state;
	/* Each a Lua expression that is true when the thing is reachable.
	 * `io` is the io{} check constructor (a function), so the library is
	 * gone when io is not a table.  coroutine: the count hook is per
	 * thread, a coroutine would run outside the budget; _G: the real
	 * globals. */
	static const char *const reachable[] = {
	    "type(io) == 'table'", "os ~= nil",
	    "require ~= nil",	   "dofile ~= nil",
	    "loadfile ~= nil",	   "load ~= nil",
	    "loadstring ~= nil",   "debug ~= nil",
	    "package ~= nil",	   "collectgarbage ~= nil",
	    "string.dump ~= nil",  "coroutine ~= nil",
	    "_G ~= nil",	   NULL,
	};
	char code[512];

	for (size_t i = 0; reachable[i]; i++) {
		struct section *s;
		snprintf(code, sizeof(code),
			 "if %s then error(\"reachable\") end\n"
			 "lesson { id = \"x\", title = \"X\", page "
			 "\"reading.md\" }\n",
			 reachable[i]);
		put_course(f, "\"x\"");
		put_section_files(f, "x");
		put(f, "lessons/x/lesson.lua", code);
		script_free(f->s);
		course_release(&f->c);
		course_init(&f->c, f->dir);
		assert_int_equal(load(f), 0);
		s = section(f, "x");
		if (s->error)
			fail_msg("%s: %s", reachable[i], s->error);
	}
}

static void test_safe_libraries_are_there(void **state)
{
	struct fx *f = *state;

	put_course(f, "\"x\"");
	put_section_files(f, "x");
	put(f, "lessons/x/lesson.lua",
	    "assert(string.format(\"%d\", 7) == \"7\")\n"
	    "assert(table.concat({ \"a\", \"b\" }, \",\") == \"a,b\")\n"
	    "assert(math.max(1, 2) == 2)\n"
	    "assert(utf8.char(72) == \"H\")\n"
	    "assert(select(\"#\", 1, 2) == 2 and tostring(1) == \"1\")\n"
	    "assert(pcall(error, \"x\") == false)\n"
	    "lesson { id = \"x\", title = \"X\", page \"reading.md\" }\n");
	assert_int_equal(load(f), 0);
	expect_loaded(f, "x");
}

/* Genuine bytecode, made by a separate, ordinary Lua state. */
static int collect(lua_State *L, const void *p, size_t n, void *ud)
{
	struct buf *b = ud;

	(void)L;
	buf_add(b, p, n);
	return 0;
}

static void test_bytecode_is_refused(void **state)
{
	struct fx *f = *state;
	lua_State *L = luaL_newstate();
	struct buf b;
	struct err e;
	static const char src[] =
	    "lesson { id = \"x\", title = \"X\", page \"reading.md\" }\n";

	assert_non_null(L);
	buf_init(&b, BUF_UNLIMITED);
	assert_int_equal(luaL_loadbuffer(L, src, sizeof(src) - 1, "=x"),
			 LUA_OK);
	assert_int_equal(lua_dump(L, collect, &b, 1), 0);
	lua_close(L);
	assert_true(b.len > 4);
	assert_memory_equal(b.data, "\033Lua", 4);

	put_course(f, "\"x\", \"y\"");
	put_section_files(f, "x");
	put_lesson(f, "y", "  page \"reading.md\",\n");
	char *path = path_join(f->dir, "lessons/x/lesson.lua");
	assert_int_equal(path_write_file(path, b.data, b.len, 0644, &e), 0);
	free(path);
	buf_release(&b);
	expect_error_re(f, "x",
			"^lessons/x/lesson\\.lua: .*(precompiled|binary)");
	expect_loaded(f, "y");
}

static void test_lesson_cannot_change_another_lessons_string(void **state)
{
	struct fx *f = *state;

	put_course(f, "\"a\", \"b\"");
	put_section_files(f, "a");
	put_section_files(f, "b");
	put(f, "lessons/a/lesson.lua",
	    "string.upper = function() return \"hacked\" end\n"
	    "string.rep = nil\n"
	    "table.concat = nil\n"
	    "math.max = nil\n"
	    "assert(getmetatable(\"\") == false, \"the string metatable is "
	    "reachable\")\n"
	    "assert(not pcall(setmetatable, \"\", {}))\n"
	    "pcall(function() getmetatable(\"\").__index = {} end)\n"
	    "pcall(function() getmetatable(\"\").__index.upper = nil end)\n"
	    "lesson { id = \"a\", title = \"A\", page \"reading.md\" }\n");
	put(f, "lessons/b/lesson.lua",
	    "assert(string.upper(\"b\") == \"B\", \"string.upper was "
	    "changed\")\n"
	    "assert((\"b\"):upper() == \"B\", \"the string metatable was "
	    "changed\")\n"
	    "assert(string.rep(\"b\", 2) == \"bb\", \"string.rep was "
	    "removed\")\n"
	    "assert(table.concat({ \"b\" }) == \"b\", \"table.concat was "
	    "removed\")\n"
	    "assert(math.max(1, 2) == 2, \"math.max was removed\")\n"
	    "lesson { id = \"b\", title = \"B\", page \"reading.md\" }\n");
	assert_int_equal(load(f), 0);
	expect_loaded(f, "a");
	expect_loaded(f, "b");
}

static void test_lesson_globals_do_not_leak(void **state)
{
	struct fx *f = *state;

	put_course(f, "\"a\", \"b\"");
	put_section_files(f, "a");
	put_section_files(f, "b");
	put(f, "lessons/a/lesson.lua",
	    "shared = \"from a\"\n"
	    "lesson = nil\n"
	    "feedback = nil\n");
	put(f, "lessons/b/lesson.lua",
	    "assert(shared == nil, \"a global of lesson a is visible\")\n"
	    "assert(feedback ~= nil)\n"
	    "lesson { id = \"b\", title = \"B\", page \"reading.md\" }\n");
	assert_int_equal(load(f), 0);
	assert_non_null(section(f, "a")->error); /* a never called lesson{} */
	expect_loaded(f, "b");
}

static void test_course_call_in_lesson_is_refused(void **state)
{
	struct fx *f = *state;

	put_course(f, "\"x\"");
	put_lesson(f, "x", "  page \"reading.md\",\n");
	put(f, "lessons/x/lesson.lua",
	    "course { title = \"evil\", sections = { \"x\" } }\n");
	expect_error(f, "x",
		     "lessons/x/lesson.lua:1: course{} belongs in "
		     "lessons/course.lua");
	assert_string_equal(f->c.title, "Test course");
}

/* ---- callbacks ------------------------------------------------------------
 */

/* A course with one exercise whose on_result is `fn` (Lua source of a
 * function expression; it starts on line 7). */
static struct exercise *load_on_result(struct fx *f, const char *fn)
{
	char *items = xasprintf(
	    "  exercise {\n" /* 3 */
	    "    id = \"a\", file = \"exercises/x/a.c\", solution = "
	    "\"solutions/x/a.c\",\n"				  /* 4 */
	    "    checks = { compiles {}, tests \"a_test.c\" },\n" /* 5 */
	    "    hints = { \"one\", \"two\" },\n"		  /* 6 */
	    "    on_result = %s,\n"				  /* 7 */
	    "  },\n",
	    fn);
	struct exercise *ex;

	put_course(f, "\"x\"");
	put_lesson(f, "x", items);
	free(items);
	assert_int_equal(load(f), 0);
	expect_loaded(f, "x");
	ex = course_find_exercise(&f->c, "x/a");
	assert_non_null(ex);
	assert_int_not_equal(ex->on_result, 0);
	return ex;
}

/* A verdict made by hand: compiles passed with a warning diagnostic, tests
 * failed with a failing sub-test and some output. */
static struct exercise_result *make_verdict(struct run_result *run,
					    int attempts)
{
	struct exercise_result *x =
	    run_result_add(run, "x/a", NULL, "exercises/x/a.c");
	struct check_result *c;

	x->status = VS_FAIL;
	x->stage = xstrdup("test");
	x->attempts = attempts;
	c = exercise_add_check(x, "compiles", "compiles", "compile");
	c->status = VS_PASS;
	diag_list_add(&c->diags, "gcc", "warning", "exercises/x/a.c", 3, 7,
		      "-Wunused-parameter", "unused parameter 'argc'", NULL);
	c = exercise_add_check(x, "tests", "tests", "test");
	c->status = VS_FAIL;
	check_set_message(c, "1 of 2 tests failed");
	check_set_output(c, "[ RUN      ] test_hello\nhello, world\n", 36, 0);
	check_add_subtest(c, "test_hello", 0, "0 != 0x4");
	check_add_subtest(c, "test_bye", 1, NULL);
	return x;
}

static void test_on_result_feedback_and_hint(void **state)
{
	struct fx *f = *state;
	struct exercise *ex = load_on_result(
	    f,
	    "function(r) return feedback { \"a\", \"b\", hint = \"h\" } end");
	struct run_result run;
	struct exercise_result *x;

	run_result_init(&run);
	x = make_verdict(&run, 1);
	script_on_result(f->s, ex, x);
	assert_null(x->feedback_error);
	assert_int_equal(x->nfeedback, 2);
	assert_string_equal(x->feedback[0], "a");
	assert_string_equal(x->feedback[1], "b");
	assert_non_null(x->feedback_hint);
	assert_string_equal(x->feedback_hint, "h");
	run_result_release(&run);
}

static void test_on_result_returning_nothing(void **state)
{
	struct fx *f = *state;
	struct exercise *ex = load_on_result(
	    f, "function(r) if r.passed then return feedback \"yes\" end end");
	struct run_result run;
	struct exercise_result *x;

	run_result_init(&run);
	x = make_verdict(&run, 1);
	script_on_result(f->s, ex, x);
	assert_null(x->feedback_error);
	assert_int_equal(x->nfeedback, 0);
	assert_null(x->feedback_hint);
	/* A plain table is not feedback. */
	run_result_release(&run);
}

static void test_on_result_verdict_methods(void **state)
{
	struct fx *f = *state;
	struct exercise *ex = load_on_result(
	    f,
	    "function(r)\n"
	    "      local function s(v) return tostring(v) end\n"
	    "      return feedback {\n"
	    "        s(r:failed(\"tests\")), s(r:failed(\"compiles\")),\n"
	    "        s(r:passed_check(\"compiles\")), "
	    "s(r:passed_check(\"tests\")),\n"
	    "        s(r:diag_matches(\"unused%-parameter\")), "
	    "s(r:diag_matches(\"nothing like this\")),\n"
	    "        s(r:diag_matches(\"test_hello\")), "
	    "s(r:diag_matches(\"test_bye\")),\n"
	    "        s(r:output_matches(\"hello, world\")), "
	    "s(r:output_matches(\"goodbye\")),\n"
	    "        s(r.stage), s(r.attempts), s(r.passed), s(r.exercise),\n"
	    "        s(r:failed(\"no such check\")), "
	    "s(r:check(\"tests\").message),\n"
	    "      }\n"
	    "    end");
	static const char *const want[] = {
	    "true",  "false", "true",  "false",
	    "true",  "false", "true",  "false",
	    "true",  "false", "test",  "3",
	    "false", "x/a",   "false", "1 of 2 tests failed",
	};
	struct run_result run;
	struct exercise_result *x;

	run_result_init(&run);
	x = make_verdict(&run, 3);
	script_on_result(f->s, ex, x);
	if (x->feedback_error)
		fail_msg("on_result raised: %s", x->feedback_error);
	assert_int_equal(x->nfeedback, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < x->nfeedback; i++)
		if (strcmp(x->feedback[i], want[i]))
			fail_msg("line %zu: got '%s', wanted '%s'", i + 1,
				 x->feedback[i], want[i]);

	/* The same methods on another verdict give other answers. */
	x = run_result_add(&run, "x/a", NULL, NULL);
	x->status = VS_PASS;
	x->attempts = 1;
	exercise_add_check(x, "compiles", "compiles", "compile")->status =
	    VS_PASS;
	exercise_add_check(x, "tests", "tests", "test")->status = VS_PASS;
	script_on_result(f->s, ex, x);
	assert_null(x->feedback_error);
	assert_int_equal(x->nfeedback, 16);
	assert_string_equal(x->feedback[0], "false");
	assert_string_equal(x->feedback[3], "true");
	assert_string_equal(x->feedback[4], "false");
	assert_string_equal(x->feedback[8], "false");
	assert_string_equal(x->feedback[10], "nil");
	assert_string_equal(x->feedback[11], "1");
	assert_string_equal(x->feedback[12], "true");
	assert_string_equal(x->feedback[15], "nil"); /* no message */
	run_result_release(&run);
}

static void test_on_result_error_names_line(void **state)
{
	struct fx *f = *state;
	struct exercise *ex = load_on_result(f, "function(r)\n"		 /* 7 */
						"      local t = nil\n"	 /* 8 */
						"      return t.field\n" /* 9 */
						"    end");
	struct run_result run;
	struct exercise_result *x;

	run_result_init(&run);
	x = make_verdict(&run, 1);
	script_on_result(f->s, ex, x);
	assert_non_null(x->feedback_error);
	assert_string_equal(x->feedback_error,
			    "lessons/x/lesson.lua:9: attempt to index a nil "
			    "value (local 't')");
	assert_int_equal(x->nfeedback, 0);
	run_result_release(&run);
}

static void test_on_result_bad_feedback_is_an_error(void **state)
{
	struct fx *f = *state;
	struct exercise *ex = load_on_result(
	    f, "function(r) return feedback { \"a\", hnit = \"x\" } end");
	struct run_result run;
	struct exercise_result *x;

	run_result_init(&run);
	x = make_verdict(&run, 1);
	script_on_result(f->s, ex, x);
	assert_non_null(x->feedback_error);
	assert_string_equal(x->feedback_error,
			    "lessons/x/lesson.lua:7: unknown field 'hnit' in "
			    "feedback (did you mean 'hint'?)");
	run_result_release(&run);
}

static void test_on_result_endless_loop_then_state_works(void **state)
{
	struct fx *f = *state;
	struct exercise *ex = load_on_result(
	    f, "function(r)\n"					   /* 7 */
	       "      if r.attempts == 1 then\n"		   /* 8 */
	       "        while true do pcall(function() end) end\n" /* 9 */
	       "      end\n"
	       "      return feedback { \"attempt \" .. r.attempts }\n"
	       "    end");
	struct run_result run;
	struct exercise_result *x;

	run_result_init(&run);
	x = make_verdict(&run, 1);
	script_on_result(f->s, ex, x);
	assert_non_null(x->feedback_error);
	assert_string_equal(x->feedback_error,
			    "lessons/x/lesson.lua:9" TOO_LONG);
	assert_int_equal(x->nfeedback, 0);

	/* The state is usable afterwards: the same callback answers. */
	x = make_verdict(&run, 2);
	script_on_result(f->s, ex, x);
	if (x->feedback_error)
		fail_msg("second call failed: %s", x->feedback_error);
	assert_int_equal(x->nfeedback, 1);
	assert_string_equal(x->feedback[0], "attempt 2");
	run_result_release(&run);
}

static void test_on_result_memory_bomb_then_state_works(void **state)
{
	struct fx *f = *state;
	struct exercise *ex = load_on_result(
	    f, "function(r)\n"
	       "      if r.attempts == 1 then\n"
	       "        local t = {} while true do t[#t + 1] = "
	       "(\"y\"):rep(4096) .. #t end\n"
	       "      end\n"
	       "      return feedback { \"attempt \" .. r.attempts }\n"
	       "    end");
	struct run_result run;
	struct exercise_result *x;

	run_result_init(&run);
	x = make_verdict(&run, 1);
	script_on_result(f->s, ex, x);
	assert_non_null(x->feedback_error);
	assert_non_null(strstr(x->feedback_error, "lessons/x/lesson.lua:"));
	assert_non_null(strstr(x->feedback_error, "stopped: "));
	x = make_verdict(&run, 2);
	script_on_result(f->s, ex, x);
	assert_null(x->feedback_error);
	assert_int_equal(x->nfeedback, 1);
	assert_string_equal(x->feedback[0], "attempt 2");
	run_result_release(&run);
}

static void test_on_result_cannot_change_the_verdict_methods(void **state)
{
	struct fx *f = *state;
	struct exercise *ex = load_on_result(
	    f, "function(r)\n"
	       "      if r.attempts == 1 then\n"
	       "        pcall(function() getmetatable(r).failed = function() "
	       "return 'evil' end end)\n"
	       "        pcall(setmetatable, r, { __index = { failed = "
	       "function() return 'evil' end } })\n"
	       "      end\n"
	       "      return feedback { tostring(r:failed(\"tests\")) }\n"
	       "    end");
	struct run_result run;
	struct exercise_result *x;

	run_result_init(&run);
	x = make_verdict(&run, 1);
	script_on_result(f->s, ex, x);
	assert_null(x->feedback_error);
	assert_int_equal(x->nfeedback, 1);
	assert_string_equal(x->feedback[0], "true");
	x = make_verdict(&run, 2);
	script_on_result(f->s, ex, x);
	assert_int_equal(x->nfeedback, 1);
	assert_string_equal(x->feedback[0], "true");
	run_result_release(&run);
}

static void test_on_answer_with_go(void **state)
{
	struct fx *f = *state;
	struct script_feedback fb;
	struct quiz *q;

	put_course(f, "\"x\"");
	put_lesson(
	    f, "x",
	    "  page \"reading.md\",\n"
	    "  quiz {\n"
	    "    id = \"q\", ask = \"?\", choices = { \"a\", \"b\", \"c\" }, "
	    "answer = 2,\n"
	    "    on_answer = function(a)\n"
	    "      if a.correct then return nil end\n"
	    "      return feedback { \"you chose \" .. a.choice .. \" in \" .. "
	    "a.quiz,\n"
	    "                        \"first: \" .. tostring(a.first),\n"
	    "                        hint = \"think\", go = \"reading.md\" }\n"
	    "    end,\n"
	    "  },\n");
	assert_int_equal(load(f), 0);
	expect_loaded(f, "x");
	q = course_find_quiz(&f->c, "x/q");
	assert_non_null(q);
	assert_int_not_equal(q->on_answer, 0);

	script_on_answer(f->s, q, 3, 0, 1, &fb);
	assert_null(fb.error);
	assert_int_equal(fb.nlines, 2);
	assert_string_equal(fb.lines[0], "you chose 3 in x/q");
	assert_string_equal(fb.lines[1], "first: true");
	assert_non_null(fb.hint);
	assert_string_equal(fb.hint, "think");
	assert_non_null(fb.go);
	assert_string_equal(fb.go, "reading.md");
	script_feedback_release(&fb);

	script_on_answer(f->s, q, 2, 1, 0, &fb);
	assert_null(fb.error);
	assert_int_equal(fb.nlines, 0);
	assert_null(fb.go);
	assert_null(fb.hint);
	script_feedback_release(&fb);
}

static void test_on_answer_error_and_no_callback(void **state)
{
	struct fx *f = *state;
	struct script_feedback fb;
	struct quiz *q;

	put_course(f, "\"x\"");
	put_lesson(
	    f, "x",
	    "  quiz { id = \"q\", ask = \"?\", choices = { \"a\", \"b\" }, "
	    "answer = 1,\n"
	    "    on_answer = function(a) error(\"broken on purpose\") end },\n"
	    "  quiz { id = \"p\", ask = \"?\", choices = { \"a\", \"b\" }, "
	    "answer = 1 },\n");
	assert_int_equal(load(f), 0);
	expect_loaded(f, "x");
	q = course_find_quiz(&f->c, "x/q");
	assert_non_null(q);
	script_on_answer(f->s, q, 2, 0, 1, &fb);
	assert_non_null(fb.error);
	assert_string_equal(fb.error,
			    "lessons/x/lesson.lua:4: broken on purpose");
	script_feedback_release(&fb);

	q = course_find_quiz(&f->c, "x/p");
	assert_non_null(q);
	assert_int_equal(q->on_answer, 0);
	script_on_answer(f->s, q, 2, 0, 1, &fb);
	assert_null(fb.error);
	assert_int_equal(fb.nlines, 0);
	script_feedback_release(&fb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	    T(test_valid_course_loads),
	    T(test_unknown_field_suggests_the_name),
	    T(test_unknown_field_without_close_name),
	    T(test_unknown_check_field_suggests_the_name),
	    T(test_wrong_field_type),
	    T(test_wrong_check_field_type),
	    T(test_missing_required_field),
	    T(test_missing_page_file),
	    T(test_page_outside_the_lesson_is_refused),
	    T(test_missing_exercise_file),
	    T(test_missing_solution_with_solutions_folder),
	    T(test_missing_solution_without_solutions_folder),
	    T(test_missing_tests_file),
	    T(test_duplicate_ids),
	    T(test_duplicate_check_names),
	    T(test_duplicate_section_in_course),
	    T(test_quiz_answer_out_of_range),
	    T(test_quiz_answer_zero_out_of_range),
	    T(test_exercise_without_checks),
	    T(test_exercise_with_one_hint),
	    T(test_lesson_id_must_match_folder),
	    T(test_lesson_without_lesson_call),
	    T(test_syntax_error_names_line),
	    T(test_runtime_error_names_line),
	    T(test_missing_lesson_file),
	    T(test_broken_course_lua),
	    T(test_broken_lesson_leaves_others),
	    T(test_needs_unknown_section),
	    T(test_needs_known_section),
	    T(test_infinite_loop_is_stopped),
	    T(test_pcall_cannot_swallow_the_stop),
	    T(test_pcall_in_endless_loop_is_stopped),
	    T(test_xpcall_handler_cannot_swallow_the_stop),
	    T(test_growing_table_is_stopped),
	    T(test_string_rep_bomb_is_stopped),
	    T(test_string_method_rep_bomb_is_stopped),
	    T(test_single_huge_allocation_is_stopped),
	    T(test_doubling_string_is_stopped),
	    T(test_pcall_cannot_swallow_memory_stop),
	    T(test_allocation_counts_against_budget),
	    T(test_deep_recursion_is_stopped),
	    T(test_unsafe_globals_are_nil),
	    T(test_safe_libraries_are_there),
	    T(test_bytecode_is_refused),
	    T(test_lesson_cannot_change_another_lessons_string),
	    T(test_lesson_globals_do_not_leak),
	    T(test_course_call_in_lesson_is_refused),
	    T(test_on_result_feedback_and_hint),
	    T(test_on_result_returning_nothing),
	    T(test_on_result_verdict_methods),
	    T(test_on_result_error_names_line),
	    T(test_on_result_bad_feedback_is_an_error),
	    T(test_on_result_endless_loop_then_state_works),
	    T(test_on_result_memory_bomb_then_state_works),
	    T(test_on_result_cannot_change_the_verdict_methods),
	    T(test_on_answer_with_go),
	    T(test_on_answer_error_and_no_callback),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
