/*
 * workbook new lesson NAME [--exercise ID]: scaffold a lesson that `dev
 * check` passes at once: lessons/NAME/lesson.lua (every field shown and
 * explained), reading.md, a cmocka test file, the exercise's starter in
 * exercises/NAME/ (which fails the tests) and its solution in
 * solutions/NAME/ (which passes them, under the sanitizers too); NAME is
 * added to the sections of lessons/course.lua.
 */
#include "cmd.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/path.h"
#include "util/xalloc.h"

#define USAGE	   "new lesson NAME [--exercise ID]"
#define COURSE_MAX ((size_t)1 << 20)

static const char lesson_tpl[] =
    "-- @NAME@: (say in a line what this lesson teaches)\n"
    "--\n"
    "-- Every field the lesson DSL knows is shown below with what it does;\n"
    "-- `workbook dev check @NAME@` proves the lesson: it loads, every\n"
    "-- exercise's starter fails and its solution passes.  The instructor\n"
    "-- guide (docs/instructor-guide.md) lists every check kind.\n"
    "lesson {\n"
    "  id = \"@NAME@\",                 -- the folder name; exercises are "
    "\"@NAME@/<id>\"\n"
    "  title = \"@TITLE@\",             -- shown in the map and in reports\n"
    "  summary = \"One sentence for the map.\", -- optional\n"
    "  needs = { @NEEDS@ },           -- optional: lessons to finish first\n"
    "\n"
    "  -- Steps run in the order written: pages, quizzes, exercises.\n"
    "  page \"reading.md\",             -- Markdown beside this file\n"
    "\n"
    "  quiz {\n"
    "    id = \"sizes\",                -- full name \"@NAME@/sizes\"\n"
    "    ask = \"How many bytes does an int array of 4 elements take, with "
    "4-byte ints?\",\n"
    "    choices = { \"4\", \"8\", \"16\" },\n"
    "    answer = 3,                   -- 1-based index into choices\n"
    "    explain = \"4 elements of 4 bytes each: sizeof v is 16.\", -- shown "
    "after answering\n"
    "    -- on_answer: optional; a.choice, a.correct, a.first.  Return\n"
    "    -- feedback { \"line\", ..., go = \"reading.md\" } to send the "
    "learner back.\n"
    "    on_answer = function(a)\n"
    "      if not a.correct then\n"
    "        return feedback { \"Count the bytes: elements times the size of "
    "one.\", go = \"reading.md\" }\n"
    "      end\n"
    "    end,\n"
    "  },\n"
    "\n"
    "  exercise {\n"
    "    id = \"@EX@\",\n"
    "    title = \"Add up an array of ints\",\n"
    "    summary = \"sum_ints returns the sum of n ints.\", -- optional\n"
    "    file = \"exercises/@NAME@/@EX@.c\",      -- the starter the learner "
    "edits\n"
    "    solution = \"solutions/@NAME@/@EX@.c\",  -- never in a student copy\n"
    "    points = 2,                   -- for grading (default 1)\n"
    "    checks = {\n"
    "      -- Stages run in order: compile, test, verify; a failing stage\n"
    "      -- stops the later ones.  Every check takes name, points (partial\n"
    "      -- credit), timeout (seconds) and hidden (kept out of the\n"
    "      -- student copy and marked in reports; write a hidden check on\n"
    "      -- one line, or between \"-- hidden {\" and \"-- hidden }\" "
    "lines).\n"
    "      compiles { werror = true },  -- also std = \"c11\", cflags = { ... "
    "}\n"
    "      tests \"@EX@_test.c\",          -- cmocka, linked with the "
    "learner's file\n"
    "      sanitize { \"address\", \"undefined\" }, -- the same tests under "
    "ASan + UBSan\n"
    "      -- io { args = { \"x\" }, stdin = \"...\", stdout = \"...\", exit = "
    "0 },\n"
    "      --   runs the learner's own main and compares what it prints\n"
    "    },\n"
    "    hints = {                     -- at least 2, from a nudge to the "
    "answer\n"
    "      \"The starter returns 0 whatever it is given. Walk the array.\",\n"
    "      \"long total = 0; for (size_t i = 0; i < n; i++) total += v[i]; "
    "return total;\",\n"
    "    },\n"
    "    -- on_result: optional tailored feedback.  r.passed, r.stage,\n"
    "    -- r.attempts, r.checks[i] = { name, kind, status, message, ... },\n"
    "    -- r:failed(name_or_kind), r:passed_check(name), r:value(name),\n"
    "    -- r:diag_matches(pattern), r:output_matches(pattern).\n"
    "    on_result = function(r)\n"
    "      if r:diag_matches(\"test_negative_numbers\") then\n"
    "        return feedback {\n"
    "          \"Positive numbers add up, negative ones do not.\",\n"
    "          hint = \"Keep the running total in a signed type.\",\n"
    "        }\n"
    "      end\n"
    "    end,\n"
    "  },\n"
    "}\n";

static const char reading_tpl[] =
    "# @TITLE@\n"
    "\n"
    "Write the lesson's reading here, in Markdown. The terminal shows it\n"
    "with headings, lists, `code` and fenced blocks; `make docs` puts it in\n"
    "the book.\n"
    "\n"
    "## The exercise\n"
    "\n"
    "`sum_ints(v, n)` returns the sum of the `n` ints at `v`, and 0 when\n"
    "`n` is 0.\n";

static const char test_tpl[] =
    "/*\n"
    " * Tests for @NAME@/@EX@: sum_ints(v, n).  The starter returns 0, so\n"
    " * every test but the empty array fails.\n"
    " */\n"
    "#include <stdarg.h>\n"
    "#include <stddef.h>\n"
    "#include <stdint.h>\n"
    "#include <setjmp.h>\n"
    "#include <cmocka.h>\n"
    "\n"
    "long sum_ints(const int *v, size_t n);\n"
    "\n"
    "static void test_empty_array(void **state)\n"
    "{\n"
    "\t(void)state;\n"
    "\tassert_int_equal(sum_ints(NULL, 0), 0);\n"
    "}\n"
    "\n"
    "static void test_small_array(void **state)\n"
    "{\n"
    "\tconst int v[] = {1, 2, 3, 4};\n"
    "\n"
    "\t(void)state;\n"
    "\tassert_int_equal(sum_ints(v, 4), 10);\n"
    "}\n"
    "\n"
    "static void test_negative_numbers(void **state)\n"
    "{\n"
    "\tconst int v[] = {5, -7, 1};\n"
    "\n"
    "\t(void)state;\n"
    "\tassert_int_equal(sum_ints(v, 3), -1);\n"
    "}\n"
    "\n"
    "int main(void)\n"
    "{\n"
    "\tconst struct CMUnitTest tests[] = {\n"
    "\t\tcmocka_unit_test(test_empty_array),\n"
    "\t\tcmocka_unit_test(test_small_array),\n"
    "\t\tcmocka_unit_test(test_negative_numbers),\n"
    "\t};\n"
    "\treturn cmocka_run_group_tests(tests, NULL, NULL);\n"
    "}\n";

static const char starter_tpl[] =
    "/*\n"
    " * @NAME@/@EX@: add up an array of ints.\n"
    " *\n"
    " * sum_ints(v, n) returns v[0] + ... + v[n - 1], and 0 when n is 0 (v\n"
    " * may then be NULL).\n"
    " *\n"
    " * Check your work:   workbook check @NAME@/@EX@\n"
    " * Stuck?             workbook hint @NAME@/@EX@\n"
    " */\n"
    "#include <stddef.h>\n"
    "\n"
    "long sum_ints(const int *v, size_t n)\n"
    "{\n"
    "\t(void)v;\n"
    "\t(void)n;\n"
    "\treturn 0;\n"
    "}\n";

static const char solution_tpl[] = "/* @NAME@/@EX@: reference solution. */\n"
				   "#include <stddef.h>\n"
				   "\n"
				   "long sum_ints(const int *v, size_t n)\n"
				   "{\n"
				   "\tlong total = 0;\n"
				   "\n"
				   "\tfor (size_t i = 0; i < n; i++)\n"
				   "\t\ttotal += v[i];\n"
				   "\treturn total;\n"
				   "}\n";

struct names {
	const char *name;  /* the lesson */
	const char *ex;	   /* its exercise */
	const char *needs; /* the lesson before it, or NULL */
};

/* tpl with @NAME@, @EX@, @TITLE@ and @NEEDS@ replaced; allocated. */
static char *fill(const char *tpl, const struct names *n, size_t *len)
{
	static const char *const keys[] = {"@NAME@", "@EX@", "@TITLE@",
					   "@NEEDS@"};
	struct buf b;

	buf_init(&b, BUF_UNLIMITED);
	for (const char *p = tpl; *p;) {
		size_t k = 0;
		for (; k < 4; k++)
			if (!strncmp(p, keys[k], strlen(keys[k])))
				break;
		if (k == 4) {
			buf_addch(&b, *p++);
			continue;
		}
		if (k == 0)
			buf_addstr(&b, n->name);
		else if (k == 1)
			buf_addstr(&b, n->ex);
		else if (k == 2)
			buf_printf(&b, "The %s lesson", n->name);
		else if (n->needs)
			buf_printf(&b, "\"%s\"", n->needs);
		p += strlen(keys[k]);
	}
	return buf_detach(&b, len);
}

/* Lesson and exercise ids: a lowercase letter, then letters, digits, _ -. */
static int id_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 32 || s[0] < 'a' || s[0] > 'z')
		return 0;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '_' || *p == '-'))
			return 0;
	return 1;
}

/* course.lua with "name" appended to its sections list; -1 with e. */
static int add_section(const char *course_lua, const char *name, struct err *e)
{
	size_t len;
	char *text = path_read_file(course_lua, COURSE_MAX, &len, e);
	struct buf b;
	int rc;

	if (!text)
		return -1;
	char *at = strstr(text, "sections");
	char *open = at ? strchr(at, '{') : NULL;
	char *close = open ? strchr(open, '}') : NULL;
	if (!close) {
		free(text);
		return err_set(e,
			       "cannot find 'sections = { ... }' in '%s': add "
			       "\"%s\" to it yourself",
			       course_lua, name);
	}
	char *last = close;
	while (last > open + 1 && strchr(" \t\r\n", last[-1]))
		last--;
	buf_init(&b, BUF_UNLIMITED);
	buf_add(&b, text, (size_t)(last - text));
	if (last == open + 1)
		buf_printf(&b, " \"%s\" ", name);
	else if (last[-1] == ',')
		buf_printf(&b, " \"%s\",", name);
	else
		buf_printf(&b, ", \"%s\"", name);
	buf_add(&b, last, len - (size_t)(last - text));
	rc = path_write_file(course_lua, buf_cstr(&b), b.len, 0644, e);
	buf_release(&b);
	free(text);
	return rc;
}

struct file_plan {
	const char *rel; /* relative to the course root, with @NAME@/@EX@ */
	const char *tpl;
};

static const struct file_plan plan[] = {
    {"lessons/@NAME@/lesson.lua", lesson_tpl},
    {"lessons/@NAME@/reading.md", reading_tpl},
    {"lessons/@NAME@/@EX@_test.c", test_tpl},
    {"exercises/@NAME@/@EX@.c", starter_tpl},
    {"solutions/@NAME@/@EX@.c", solution_tpl},
};
#define NPLAN (sizeof(plan) / sizeof(plan[0]))

static int write_files(const char *root, const struct names *n, struct err *e)
{
	for (size_t i = 0; i < NPLAN; i++) {
		size_t len;
		char *rel = fill(plan[i].rel, n, &len);
		char *path = path_join(root, rel);
		char *dir = path_dirname(path);
		char *text = fill(plan[i].tpl, n, &len);
		int rc = path_mkdirs(dir, e);
		if (rc == 0)
			rc = path_write_file(path, text, len, 0644, e);
		if (rc == 0)
			printf("  %s\n", rel);
		free(text);
		free(dir);
		free(path);
		free(rel);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int new_lesson(struct app *a, const char *name, const char *ex)
{
	const char *root = a->ws.course_root;
	const char *folders[] = {"lessons", "exercises", "solutions"};
	struct err e;

	if (!id_ok(name) || !id_ok(ex)) {
		fprintf(stderr,
			"workbook: '%s' cannot name a %s: use a lowercase "
			"letter, then a-z 0-9 _ - (at most 32)\n",
			id_ok(name) ? ex : name,
			id_ok(name) ? "exercise" : "lesson");
		return 2;
	}
	if (course_find_section(&a->course, name)) {
		fprintf(stderr,
			"workbook: the course already has a lesson '%s'\n",
			name);
		return 2;
	}
	for (size_t i = 0; i < 3; i++) {
		char *p = xasprintf("%s/%s/%s", root, folders[i], name);
		int there = path_exists(p);
		if (there)
			fprintf(
			    stderr,
			    "workbook: '%s' exists already: not touching it\n",
			    p);
		free(p);
		if (there)
			return 2;
	}
	printf("New lesson '%s' in %s:\n", name, root);
	char *course_lua = path_join(root, "lessons/course.lua");
	struct names n = {name, ex, NULL};
	for (size_t i = 0; i < a->course.nsections; i++)
		if (!a->course.sections[i].error)
			n.needs = a->course.sections[i].id;
	int rc = write_files(root, &n, &e) < 0 ||
			 add_section(course_lua, name, &e) < 0
		     ? 2
		     : 0;
	if (rc)
		fprintf(stderr, "workbook: %s\n", e.msg);
	else
		printf("  lessons/course.lua: \"%s\" added to the sections\n"
		       "Next: edit them, then run  workbook dev check %s\n",
		       name, name);
	free(course_lua);
	return rc;
}

int cmd_new(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"exercise", required_argument, NULL, 'e'},
	    {NULL, 0, NULL, 0},
	};
	const char *ex = "first";
	struct app a;
	int c, rc;

	if (argc < 2 || strcmp(argv[1], "lesson"))
		return cmd_usage(USAGE);
	argc--;
	argv++;
	optind = 1;
	while ((c = getopt_long(argc, argv, "e:", opts, NULL)) != -1) {
		if (c == 'e')
			ex = optarg;
		else
			return cmd_usage(USAGE);
	}
	if (optind != argc - 1)
		return cmd_usage(USAGE);
	if (app_open(&a) < 0)
		return 2;
	rc = new_lesson(&a, argv[optind], ex);
	app_close(&a);
	return rc;
}
