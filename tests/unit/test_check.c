/*
 * Tests for the check pipeline end to end (check.c, checks/<kind>.c, testrun.c,
 * the harness): each test writes a one-exercise course into a temporary
 * folder (lesson.lua, a cmocka test file, the learner's file), loads it
 * through script_load_course and runs check_run_exercise on it.
 *
 * The exercise is x/e, its learner file exercises/x/e.c, its test file
 * lessons/x/e_test.c; the learner implements `int add(int a, int b)`.
 * One build cache is shared by the whole file (the harness is compiled
 * once).  The runaway programs get `timeout = 1` so the file stays quick.
 */
#define _GNU_SOURCE
#include "check.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "build.h"
#include "course.h"
#include "script.h"
#include "util/err.h"
#include "util/path.h"
#include "util/xalloc.h"
#include "verdict.h"

/* ---- fixture ---------------------------------------------------------------
 */

static char root[PATH_MAX]; /* the file's temporary folder */
static struct build bld;    /* shared: one cache for every test */
static int serial;

struct fx {
	char *dir; /* this test's course */
	struct script *s;
	struct course c;
	struct exercise *ex;
	struct run_result run;
	struct exercise_result *x;
};

static int group_setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	struct err e;
	char *b;

	(void)state;
	snprintf(root, sizeof(root), "%s/wb-check.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(root))
		return -1;
	b = path_join(root, "build");
	if (build_init(&bld, b, &e) < 0) {
		fprintf(stderr, "%s\n", e.msg);
		free(b);
		return -1;
	}
	free(b);
	return 0;
}

static int group_teardown(void **state)
{
	struct err e;

	(void)state;
	build_release(&bld);
	path_remove_tree(root, &e);
	return 0;
}

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));

	f->dir = xasprintf("%s/t%d", root, ++serial);
	run_result_init(&f->run);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	run_result_release(&f->run);
	script_free(f->s);
	course_release(&f->c);
	free(f->dir);
	free(f);
	return 0;
}

static void put(const char *dir, const char *rel, const char *text)
{
	struct err e;
	char *path = path_join(dir, rel);
	char *parent = path_dirname(path);

	assert_int_equal(path_mkdirs(parent, &e), 0);
	if (path_write_file(path, text, strlen(text), 0644, &e) < 0)
		fail_msg("%s", e.msg);
	free(parent);
	free(path);
}

/*
 * A course whose exercise x/e has the checks `checks` (Lua, inside
 * "checks = { ... }"), `points` points, the cmocka file `test_c` and the
 * learner file `learner`.  Loads it; the exercise is f->ex.
 */
static void make(struct fx *f, const char *checks, int points,
		 const char *test_c, const char *learner)
{
	struct err e;
	struct section *s;
	char *lesson =
	    xasprintf("lesson {\n"
		      "  id = \"x\", title = \"X\",\n"
		      "  exercise {\n"
		      "    id = \"e\", file = \"exercises/x/e.c\",\n"
		      "    solution = \"solutions/x/e.c\", points = %d,\n"
		      "    checks = { %s },\n"
		      "    hints = { \"one\", \"two\" },\n"
		      "  },\n"
		      "}\n",
		      points, checks);

	put(f->dir, "lessons/course.lua",
	    "course { title = \"T\", sections = { \"x\" } }\n");
	put(f->dir, "lessons/x/lesson.lua", lesson);
	free(lesson);
	if (test_c)
		put(f->dir, "lessons/x/e_test.c", test_c);
	put(f->dir, "exercises/x/e.c", learner);
	put(f->dir, "solutions/x/e.c", learner);
	f->s = script_new(&e);
	assert_non_null(f->s);
	course_init(&f->c, f->dir);
	assert_int_equal(script_load_course(f->s, &f->c, f->dir, &e), 0);
	s = course_find_section(&f->c, "x");
	assert_non_null(s);
	if (s->error)
		fail_msg("the test lesson did not load: %s", s->error);
	f->ex = course_find_exercise(&f->c, "x/e");
	assert_non_null(f->ex);
}

/* Run the exercise's checks on its learner file. */
static struct exercise_result *run(struct fx *f)
{
	struct err e;
	char *src = path_join(f->dir, "exercises/x/e.c");
	char *work = path_join(f->dir, "work");

	f->x = run_result_add(&f->run, f->ex->name, NULL, f->ex->file);
	e.msg[0] = '\0';
	if (check_run_exercise(&f->c, f->ex, src, work, &bld, NULL, f->x, &e) <
	    0)
		fail_msg("check_run_exercise: %s", e.msg);
	free(src);
	free(work);
	return f->x;
}

static struct check_result *check(struct exercise_result *x, const char *name)
{
	struct check_result *c = exercise_find_check(x, name);

	if (!c)
		fail_msg("no check '%s'", name);
	return c;
}

/* Print the whole verdict when an expectation fails. */
static void dump(const struct exercise_result *x)
{
	fprintf(stderr, "# %s: %s: %s\n", x->name, vstatus_name(x->status),
		x->message ? x->message : "");
	for (size_t i = 0; i < x->nchecks; i++) {
		const struct check_result *c = &x->checks[i];
		fprintf(stderr, "#   %s %s: %s\n", vstatus_name(c->status),
			c->name, c->message ? c->message : "");
		for (size_t k = 0; k < c->diags.n; k++)
			fprintf(stderr, "#     diag %s %s:%d %s [%s]\n",
				c->diags.v[k].severity, c->diags.v[k].file,
				c->diags.v[k].line, c->diags.v[k].message,
				c->diags.v[k].option ? c->diags.v[k].option
						     : "");
		for (size_t k = 0; k < c->nsubtests; k++)
			fprintf(stderr, "#     %s %s %s\n",
				c->subtests[k].passed ? "ok" : "FAIL",
				c->subtests[k].name,
				c->subtests[k].message ? c->subtests[k].message
						       : "");
		if (c->output)
			fprintf(stderr, "#     output: %.300s\n", c->output);
	}
}

static void expect_status(const struct exercise_result *x,
			  const struct check_result *c, enum vstatus want)
{
	if (c->status != want) {
		dump(x);
		fail_msg("check '%s' is %s, wanted %s", c->name,
			 vstatus_name(c->status), vstatus_name(want));
	}
}

static void expect_in(const struct exercise_result *x, const char *text,
		      const char *needle)
{
	if (!text || !strstr(text, needle)) {
		dump(x);
		fail_msg("'%s' not in \"%s\"", needle, text ? text : "(null)");
	}
}

static const struct subtest *subtest(const struct check_result *c,
				     const char *name)
{
	for (size_t i = 0; i < c->nsubtests; i++)
		if (!strcmp(c->subtests[i].name, name))
			return &c->subtests[i];
	return NULL;
}

/* The first diagnostic of c whose option is `option`; it must exist. */
static const struct diag *expect_diag(const struct exercise_result *x,
				      const struct check_result *c,
				      const char *option)
{
	for (size_t i = 0; i < c->diags.n; i++)
		if (c->diags.v[i].option &&
		    strstr(c->diags.v[i].option, option))
			return &c->diags.v[i];
	dump(x);
	fail_msg("no '%s' diagnostic in check '%s'", option, c->name);
	return NULL;
}

/* ---- sources ------------------------------------------------------------- */

#define CMOCKA_HEAD                                                            \
	"#include <stdarg.h>\n"                                                \
	"#include <stddef.h>\n"                                                \
	"#include <stdint.h>\n"                                                \
	"#include <setjmp.h>\n"                                                \
	"#include <cmocka.h>\n"                                                \
	"int add(int a, int b);\n" /* line 6 */

/* test_add's assertion is on line 10. */
static const char add_test[] =
    CMOCKA_HEAD "\n"					   /* 7 */
		"static void test_add(void **state)\n"	   /* 8 */
		"{\n"					   /* 9 */
		"	assert_int_equal(add(2, 2), 4);\n" /* 10 */
		"	(void)state;\n"			   /* 11 */
		"}\n"					   /* 12 */
		"static void test_add_zero(void **state)\n"
		"{\n"
		"	assert_int_equal(add(5, 0), 5);\n"
		"	(void)state;\n"
		"}\n"
		"int main(void)\n"
		"{\n"
		"	const struct CMUnitTest tests[] = {\n"
		"		cmocka_unit_test(test_add),\n"
		"		cmocka_unit_test(test_add_zero),\n"
		"	};\n"
		"	return cmocka_run_group_tests(tests, NULL, NULL);\n"
		"}\n";

static const char good_c[] = "int add(int a, int b)\n"
			     "{\n"
			     "	return a + b;\n"
			     "}\n";

static const char wrong_c[] = "int add(int a, int b)\n"
			      "{\n"
			      "	return a - b;\n"
			      "}\n";

#define TESTS_CHECKS "compiles {}, tests \"e_test.c\""

/* ---- the pipeline ----------------------------------------------------------
 */

static void test_passing_exercise(void **state)
{
	struct fx *f = *state;
	struct exercise_result *x;
	struct check_result *t;

	make(f, TESTS_CHECKS, 2, add_test, good_c);
	x = run(f);
	expect_status(x, check(x, "compiles"), VS_PASS);
	t = check(x, "tests");
	expect_status(x, t, VS_PASS);
	assert_int_equal(x->status, VS_PASS);
	assert_null(x->stage);
	assert_int_equal(t->nsubtests, 2);
	assert_non_null(subtest(t, "test_add"));
	assert_true(subtest(t, "test_add")->passed);
	assert_true(subtest(t, "test_add_zero")->passed);
	expect_in(x, t->message, "2 tests passed");
	assert_true(x->score == 2 && x->max_score == 2);
	/* Results keep the lesson's order and stages. */
	assert_string_equal(x->checks[0].name, "compiles");
	assert_string_equal(x->checks[0].stage, "compile");
	assert_string_equal(x->checks[1].name, "tests");
	assert_string_equal(x->checks[1].stage, "test");
}

static void test_compile_error_skips_later_stages(void **state)
{
	struct fx *f = *state;
	struct exercise_result *x;
	struct check_result *c, *t;

	make(f, TESTS_CHECKS, 1, add_test,
	     "int add(int a, int b)\n"
	     "{\n"
	     "	return a + ;\n"
	     "}\n");
	x = run(f);
	c = check(x, "compiles");
	expect_status(x, c, VS_FAIL);
	assert_true(c->diags.n >= 1);
	/* Named as the learner knows the file, with the line. */
	assert_string_equal(c->diags.v[0].file, "exercises/x/e.c");
	assert_int_equal(c->diags.v[0].line, 3);
	assert_string_equal(c->diags.v[0].severity, "error");
	expect_in(x, c->message, "does not compile");
	t = check(x, "tests");
	expect_status(x, t, VS_SKIP);
	expect_in(x, t->message, "not run");
	assert_int_equal(x->status, VS_FAIL);
	assert_string_equal(x->stage, "compile");
	expect_in(x, x->message, "compiles failed");
	assert_true(x->score == 0);
}

static void test_werror_warning_fails_compiles(void **state)
{
	struct fx *f = *state;
	struct exercise_result *x;
	struct check_result *c;

	make(f, "compiles { werror = true }, tests \"e_test.c\"", 1, add_test,
	     "int add(int a, int b)\n"
	     "{\n"
	     "	int unused;\n"
	     "	return a + b;\n"
	     "}\n");
	x = run(f);
	c = check(x, "compiles");
	expect_status(x, c, VS_FAIL);
	expect_in(x, c->message, "warnings count as errors");
	assert_true(c->diags.n >= 1);
	assert_int_equal(c->diags.v[0].line, 3);
	expect_in(x, c->diags.v[0].option, "unused-variable");
	expect_status(x, check(x, "tests"), VS_SKIP);
}

static void test_failing_test_named_with_message(void **state)
{
	struct fx *f = *state;
	struct exercise_result *x;
	struct check_result *t;
	const struct subtest *st;

	make(f, TESTS_CHECKS, 1, add_test, wrong_c);
	x = run(f);
	expect_status(x, check(x, "compiles"), VS_PASS);
	t = check(x, "tests");
	expect_status(x, t, VS_FAIL);
	expect_in(x, t->message, "1 of 2 tests failed");
	st = subtest(t, "test_add");
	assert_non_null(st);
	assert_false(st->passed);
	assert_non_null(st->message);
	/* cmocka's words: the values and the assertion's place. */
	expect_in(x, st->message, "0 != 0x4");
	expect_in(x, st->message, "e_test.c:10");
	assert_true(subtest(t, "test_add_zero")->passed);
	assert_int_equal(x->status, VS_FAIL);
	assert_string_equal(x->stage, "test");
}

static void test_learner_main_is_ignored(void **state)
{
	struct fx *f = *state;
	struct exercise_result *x;
	struct check_result *t;

	make(f, TESTS_CHECKS, 1, add_test,
	     "#include <stdio.h>\n"
	     "int add(int a, int b)\n"
	     "{\n"
	     "	return a + b;\n"
	     "}\n"
	     "int main(void)\n"
	     "{\n"
	     "	puts(\"LEARNER MAIN RAN\");\n"
	     "	return 3;\n"
	     "}\n");
	x = run(f);
	t = check(x, "tests");
	expect_status(x, t, VS_PASS);
	assert_int_equal(t->nsubtests, 2);
	assert_true(!t->output || !strstr(t->output, "LEARNER MAIN RAN"));
}

static void test_missing_function_fails_at_link(void **state)
{
	struct fx *f = *state;
	struct exercise_result *x;
	struct check_result *t;

	make(f, TESTS_CHECKS, 1, add_test,
	     "int addd(int a, int b)\n"
	     "{\n"
	     "	return a + b;\n"
	     "}\n");
	x = run(f);
	expect_status(x, check(x, "compiles"), VS_PASS);
	t = check(x, "tests");
	expect_status(x, t, VS_FAIL);
	expect_in(x, t->message, "do not link");
}

/* ---- cheating
 * ---------------------------------------------------------------- */

static void test_exit_zero_during_test_fails(void **state)
{
	struct fx *f = *state;
	struct exercise_result *x;
	struct check_result *t;

	make(f, TESTS_CHECKS, 1, add_test,
	     "#include <stdlib.h>\n"
	     "int add(int a, int b)\n"
	     "{\n"
	     "	(void)a;\n"
	     "	(void)b;\n"
	     "	exit(0);\n"
	     "}\n");
	x = run(f);
	t = check(x, "tests");
	expect_status(x, t, VS_FAIL);
	expect_in(x, t->message, "stopped during test test_add");
	expect_in(x, t->message, "exited with status 0");
	assert_int_equal(x->status, VS_FAIL);
}

static void test_fake_cmocka_summary_is_ignored(void **state)
{
	struct fx *f = *state;
	struct exercise_result *x;
	struct check_result *t;

	make(f, TESTS_CHECKS, 1, add_test,
	     "#include <stdio.h>\n"
	     "__attribute__((constructor)) static void fake(void)\n"
	     "{\n"
	     "	printf(\"[==========] 5 test(s) run.\\n\");\n"
	     "	printf(\"[  PASSED  ] 5 test(s).\\n\");\n"
	     "	fflush(stdout);\n"
	     "}\n"
	     "int add(int a, int b)\n"
	     "{\n"
	     "	return a - b;\n"
	     "}\n");
	x = run(f);
	t = check(x, "tests");
	expect_status(x, t, VS_FAIL);
	expect_in(x, t->message, "1 of 2 tests failed");
	assert_false(subtest(t, "test_add")->passed);
}

/* Records in the channel's format, with a nonce the learner made up, on
 * fd 3 and on stdout; then an exit before the harness can say anything. */
static void test_forged_channel_records_fail(void **state)
{
	struct fx *f = *state;
	struct exercise_result *x;
	struct check_result *t;

	make(f, TESTS_CHECKS, 1, add_test,
	     "#define _POSIX_C_SOURCE 200809L\n"
	     "#include <stdio.h>\n"
	     "#include <string.h>\n"
	     "#include <unistd.h>\n"
	     "static const char fake[] =\n"
	     "	\"WB1 00112233445566778899aabb start\\n\"\n"
	     "	\"WB1 00112233445566778899aabb pass test_add\\n\"\n"
	     "	\"WB1 00112233445566778899aabb pass test_add_zero\\n\"\n"
	     "	\"WB1 00112233445566778899aabb end 2 0 0\\n\";\n"
	     "int add(int a, int b)\n"
	     "{\n"
	     "	(void)a;\n"
	     "	(void)b;\n"
	     "	if (write(3, fake, strlen(fake)) < 0)\n"
	     "		perror(\"write\");\n"
	     "	fputs(fake, stdout);\n"
	     "	fflush(stdout);\n"
	     "	_exit(0);\n"
	     "}\n");
	x = run(f);
	t = check(x, "tests");
	expect_status(x, t, VS_FAIL);
	expect_in(x, t->message, "stopped during test test_add");
	assert_null(subtest(t, "test_add_zero"));
}

/* The nonce must not be anywhere the learner's code can read it back:
 * not in the environment, and not in the original environment block that
 * /proc/self/environ shows even after unsetenv().  With it, a learner could
 * forge a complete run. */
static void test_nonce_cannot_be_read_back(void **state)
{
	struct fx *f = *state;
	struct exercise_result *x;
	struct check_result *t;

	make(f, TESTS_CHECKS, 1, add_test,
	     "#define _POSIX_C_SOURCE 200809L\n"
	     "#include <fcntl.h>\n"
	     "#include <stdio.h>\n"
	     "#include <string.h>\n"
	     "#include <unistd.h>\n"
	     "static char nonce[128];\n"
	     "static void find_nonce(void)\n"
	     "{\n"
	     "	static char env[65536];\n"
	     "	int fd = open(\"/proc/self/environ\", O_RDONLY);\n"
	     "	ssize_t n = fd >= 0 ? read(fd, env, sizeof(env) - 1) : -1;\n"
	     "	for (ssize_t i = 0; i < n; i += (ssize_t)strlen(env + i) + 1)\n"
	     "		if (!strncmp(env + i, \"WB_NONCE=\", 9))\n"
	     "			snprintf(nonce, sizeof(nonce), \"%s\", env + i "
	     "+ 9);\n"
	     "}\n"
	     "int add(int a, int b)\n"
	     "{\n"
	     "	char rec[512];\n"
	     "	(void)a;\n"
	     "	(void)b;\n"
	     "	find_nonce();\n"
	     "	if (!nonce[0])\n"
	     "		return -1;\n"
	     "	int n = snprintf(rec, sizeof(rec),\n"
	     "		\"WB1 %s pass test_add\\nWB1 %s run "
	     "test_add_zero\\n\"\n"
	     "		\"WB1 %s pass test_add_zero\\nWB1 %s end 2 0 0\\n\",\n"
	     "		nonce, nonce, nonce, nonce);\n"
	     "	if (write(3, rec, (size_t)n) < 0)\n"
	     "		return -1;\n"
	     "	_exit(0);\n"
	     "}\n");
	x = run(f);
	t = check(x, "tests");
	expect_status(x, t, VS_FAIL);
}

static void test_closing_the_channel_fails(void **state)
{
	struct fx *f = *state;
	struct exercise_result *x;
	struct check_result *t;

	make(f, TESTS_CHECKS, 1, add_test,
	     "#define _POSIX_C_SOURCE 200809L\n"
	     "#include <unistd.h>\n"
	     "int add(int a, int b)\n"
	     "{\n"
	     "	close(3);\n"
	     "	return a + b;\n"
	     "}\n");
	x = run(f);
	t = check(x, "tests");
	expect_status(x, t, VS_FAIL);
	assert_int_equal(x->status, VS_FAIL);
}

/* ---- io
 * ---------------------------------------------------------------------- */

static const char lines_c[] = "#include <stdio.h>\n"
			      "int main(void)\n"
			      "{\n"
			      "	printf(\"one\\ntwo\\nthree\\n\");\n"
			      "	return 0;\n"
			      "}\n";

static void test_io_exact_match(void **state)
{
	struct fx *f = *state;
	struct exercise_result *x;
	struct check_result *c;

	make(f, "io { stdout = \"one\\ntwo\\nthree\\n\" }", 1, NULL, lines_c);
	x = run(f);
	c = check(x, "io");
	expect_status(x, c, VS_PASS);
	assert_int_equal(x->status, VS_PASS);
	assert_string_equal(c->output, "one\ntwo\nthree\n");
}

static void test_io_mismatch_names_first_line(void **state)
{
	struct fx *f = *state;
	struct exercise_result *x;
	struct check_result *c;

	make(f, "io { stdout = \"one\\n2\\nthree\\n\" }", 1, NULL, lines_c);
	x = run(f);
	c = check(x, "io");
	expect_status(x, c, VS_FAIL);
	assert_string_equal(c->message,
			    "line 2: expected '2\\n', got 'two\\n'");
}

static void test_io_missing_trailing_output(void **state)
{
	struct fx *f = *state;
	struct exercise_result *x;
	struct check_result *c;

	make(f, "io { stdout = \"one\\ntwo\\nthree\\nfour\\n\" }", 1, NULL,
	     lines_c);
	x = run(f);
	c = check(x, "io");
	expect_status(x, c, VS_FAIL);
	expect_in(x, c->message, "line 4");
	expect_in(x, c->message, "four");
}

static void test_io_wrong_exit_code(void **state)
{
	struct fx *f = *state;
	struct exercise_result *x;
	struct check_result *c;

	make(f, "io { stdout = \"bye\\n\", exit = 0 }", 1, NULL,
	     "#include <stdio.h>\n"
	     "int main(void)\n"
	     "{\n"
	     "	puts(\"bye\");\n"
	     "	return 3;\n"
	     "}\n");
	x = run(f);
	c = check(x, "io");
	expect_status(x, c, VS_FAIL);
	assert_string_equal(c->message, "exit status 3, expected 0");
}

static void test_io_expected_nonzero_exit(void **state)
{
	struct fx *f = *state;
	struct exercise_result *x;

	make(f, "io { stdout = \"bye\\n\", exit = 3 }", 1, NULL,
	     "#include <stdio.h>\n"
	     "int main(void)\n"
	     "{\n"
	     "	puts(\"bye\");\n"
	     "	return 3;\n"
	     "}\n");
	x = run(f);
	expect_status(x, check(x, "io"), VS_PASS);
}

static void test_io_stdin_and_args_delivered(void **state)
{
	struct fx *f = *state;
	struct exercise_result *x;

	make(f,
	     "io { args = { \"two words\", \"x\" }, stdin = \"abc\\ndef\\n\",\n"
	     "      stdout = \"2 [two words] [x]\\nABC\\nDEF\\n\" }",
	     1, NULL,
	     "#include <ctype.h>\n"
	     "#include <stdio.h>\n"
	     "int main(int argc, char **argv)\n"
	     "{\n"
	     "	int c;\n"
	     "	printf(\"%d\", argc - 1);\n"
	     "	for (int i = 1; i < argc; i++)\n"
	     "		printf(\" [%s]\", argv[i]);\n"
	     "	putchar('\\n');\n"
	     "	while ((c = getchar()) != EOF)\n"
	     "		putchar(toupper(c));\n"
	     "	return 0;\n"
	     "}\n");
	x = run(f);
	expect_status(x, check(x, "io"), VS_PASS);
}

static void test_io_no_stdin_means_eof(void **state)
{
	struct fx *f = *state;
	struct exercise_result *x;

	make(f, "io { stdout = \"eof\\n\" }", 1, NULL,
	     "#include <stdio.h>\n"
	     "int main(void)\n"
	     "{\n"
	     "	puts(getchar() == EOF ? \"eof\" : \"data\");\n"
	     "	return 0;\n"
	     "}\n");
	x = run(f);
	expect_status(x, check(x, "io"), VS_PASS);
}

static void test_io_crash_is_named(void **state)
{
	struct fx *f = *state;
	struct exercise_result *x;
	struct check_result *c;

	make(f, "io { stdout = \"\" }", 1, NULL,
	     "int main(void)\n"
	     "{\n"
	     "	int *volatile p = 0;\n"
	     "	return *p;\n"
	     "}\n");
	x = run(f);
	c = check(x, "io");
	expect_status(x, c, VS_FAIL);
	expect_in(x, c->message, "SIGSEGV");
}

/* ---- runaway programs ------------------------------------------------------
 */

static void test_infinite_loop_times_out(void **state)
{
	struct fx *f = *state;
	struct exercise_result *x;
	struct check_result *t;

	make(f, "compiles {}, tests { file = \"e_test.c\", timeout = 1 }", 1,
	     add_test,
	     "int add(int a, int b)\n"
	     "{\n"
	     "	for (volatile int spin = 1; spin;)\n"
	     "		;\n"
	     "	return a + b;\n"
	     "}\n");
	x = run(f);
	t = check(x, "tests");
	expect_status(x, t, VS_FAIL);
	expect_in(x, t->message, "timed out");
	expect_in(x, t->message, "test_add");
	assert_int_equal(x->status, VS_FAIL);
}

static void test_io_infinite_loop_times_out(void **state)
{
	struct fx *f = *state;
	struct exercise_result *x;
	struct check_result *c;

	make(f, "io { stdout = \"\", timeout = 1 }", 1, NULL,
	     "int main(void)\n"
	     "{\n"
	     "	for (volatile int spin = 1; spin;)\n"
	     "		;\n"
	     "	return 0;\n"
	     "}\n");
	x = run(f);
	c = check(x, "io");
	expect_status(x, c, VS_FAIL);
	expect_in(x, c->message, "timed out");
}

static void test_output_flood_is_bounded(void **state)
{
	struct fx *f = *state;
	struct exercise_result *x;
	struct check_result *t;

	make(f, "compiles {}, tests { file = \"e_test.c\", timeout = 1 }", 1,
	     add_test,
	     "#include <stdio.h>\n"
	     "int add(int a, int b)\n"
	     "{\n"
	     "	(void)a;\n"
	     "	(void)b;\n"
	     "	for (;;)\n"
	     "		fputs(\"flood flood flood flood flood\\n\", stdout);\n"
	     "}\n");
	x = run(f);
	t = check(x, "tests");
	expect_status(x, t, VS_FAIL);
	expect_in(x, t->message, "timed out");
	assert_non_null(t->output);
	assert_true(strlen(t->output) <= OUTPUT_EXCERPT_MAX + 64);
}

/* A flood that ends: the verdict still comes from the channel. */
static void test_finite_flood_still_judged(void **state)
{
	struct fx *f = *state;
	struct exercise_result *x;
	struct check_result *t;

	make(f, TESTS_CHECKS, 1, add_test,
	     "#include <stdio.h>\n"
	     "int add(int a, int b)\n"
	     "{\n"
	     "	for (int i = 0; i < 200000; i++)\n"
	     "		fputs(\"[  PASSED  ] 2 test(s). flood flood\\n\", "
	     "stdout);\n"
	     "	return a + b;\n"
	     "}\n");
	x = run(f);
	t = check(x, "tests");
	expect_status(x, t, VS_PASS);
	assert_int_equal(t->nsubtests, 2);
	assert_true(t->output_truncated);
	assert_true(strlen(t->output) <= OUTPUT_EXCERPT_MAX + 64);
}

/* state and process group of a pid from /proc; -1 when gone. */
static int proc_stat(long pid, char *st, long *pgrp)
{
	char path[64], line[512];
	FILE *fp;
	char *p;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	fp = fopen(path, "r");
	if (!fp)
		return -1;
	if (!fgets(line, sizeof(line), fp)) {
		fclose(fp);
		return -1;
	}
	fclose(fp);
	p = strrchr(line, ')');
	if (!p || sscanf(p + 1, " %c %*d %ld", st, pgrp) != 2)
		return -1;
	return 0;
}

/* Processes of group pgid that are alive (not zombies). */
static int group_live(long pgid)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d))) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		char st;
		long pg;
		if (*end || pid <= 0)
			continue;
		if (proc_stat(pid, &st, &pg) == 0 && pg == pgid && st != 'Z' &&
		    st != 'X')
			n++;
	}
	closedir(d);
	return n;
}

static void test_fork_storm_is_stopped_and_cleaned(void **state)
{
	struct fx *f = *state;
	struct exercise_result *x;
	struct check_result *t;
	char *pgfile = path_join(f->dir, "pgid");
	char *learner =
	    xasprintf("#define _POSIX_C_SOURCE 200809L\n"
		      "#include <stdio.h>\n"
		      "#include <unistd.h>\n"
		      "int add(int a, int b)\n"
		      "{\n"
		      "	FILE *fp = fopen(\"%s\", \"w\");\n"
		      "	(void)a;\n"
		      "	(void)b;\n"
		      "	if (fp) {\n"
		      "		fprintf(fp, \"%%ld\\n\", (long)getpgrp());\n"
		      "		fclose(fp);\n"
		      "	}\n"
		      "	for (int i = 0; i < 300; i++)\n"
		      "		if (fork() == 0)\n"
		      "			for (;;)\n"
		      "				pause();\n"
		      "	for (volatile int spin = 1; spin;)\n"
		      "		;\n"
		      "	return 0;\n"
		      "}\n",
		      pgfile);
	struct err e;
	size_t len;
	char *text;
	long pgid;

	/* 2 s: the storm must start before the kill even on a busy machine. */
	make(f, "compiles {}, tests { file = \"e_test.c\", timeout = 2 }", 1,
	     add_test, learner);
	free(learner);
	x = run(f);
	t = check(x, "tests");
	expect_status(x, t, VS_FAIL);
	expect_in(x, t->message, "timed out");
	expect_in(x, t->message, "test_add");

	text = path_read_file(pgfile, 64, &len, &e);
	if (!text)
		fail_msg("the storm did not start: %s", e.msg);
	pgid = strtol(text, NULL, 10);
	free(text);
	assert_true(pgid > 1);
	assert_true(pgid != (long)getpgrp());
	/* Killed processes may take a moment to leave the table. */
	for (int i = 0; i < 100 && group_live(pgid) > 0; i++) {
		struct timespec ts = {0, 50 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	assert_int_equal(group_live(pgid), 0);
	free(pgfile);
}

/* ---- sanitizers ------------------------------------------------------------
 */

#define SAN_CHECKS(kinds)                                                      \
	"compiles {}, tests \"e_test.c\", sanitize { " kinds " }"

static void test_sanitize_heap_overflow_named_with_line(void **state)
{
	struct fx *f = *state;
	struct exercise_result *x;
	struct check_result *s;

	/* A read: gcc -O1 drops a store into a block that is freed right
	 * after, before AddressSanitizer instruments it. */
	make(f, SAN_CHECKS("\"address\""), 1, add_test,
	     "#include <stdlib.h>\n"
	     "volatile char sink;\n"
	     "int add(int a, int b)\n"
	     "{\n"
	     "	char *p = calloc(4, 1);\n"
	     "	volatile int i = 4;\n"
	     "	sink = p[i];\n" /* line 7: one past the end */
	     "	free(p);\n"
	     "	return a + b;\n"
	     "}\n");
	x = run(f);
	/* One byte past a small block lands in malloc's padding: the plain
	 * tests pass, the sanitizer does not. */
	expect_status(x, check(x, "tests"), VS_PASS);
	s = check(x, "sanitize");
	expect_status(x, s, VS_FAIL);
	assert_int_equal(expect_diag(x, s, "heap-buffer-overflow")->line, 7);
	expect_in(x, s->message, "heap-buffer-overflow");
	expect_in(x, s->message, "e.c:7");
	assert_int_equal(x->status, VS_FAIL);
}

static void test_sanitize_leak_found(void **state)
{
	struct fx *f = *state;
	struct exercise_result *x;
	struct check_result *s;

	make(f, SAN_CHECKS("\"address\""), 1, add_test,
	     "#include <stdlib.h>\n"
	     "void *volatile sink;\n"
	     "static __attribute__((noinline)) void lose(void)\n"
	     "{\n"
	     "	sink = malloc(64);\n" /* line 5: never freed */
	     "	sink = NULL;\n"
	     "}\n"
	     "int add(int a, int b)\n"
	     "{\n"
	     "	lose();\n"
	     "	return a + b;\n"
	     "}\n");
	x = run(f);
	expect_status(x, check(x, "tests"), VS_PASS);
	s = check(x, "sanitize");
	expect_status(x, s, VS_FAIL);
	assert_int_equal(expect_diag(x, s, "leak")->line, 5);
	expect_in(x, s->message, "leak");
}

static void test_sanitize_signed_overflow_found(void **state)
{
	struct fx *f = *state;
	struct exercise_result *x;
	struct check_result *s;

	make(f, SAN_CHECKS("\"undefined\""), 1, add_test,
	     "#include <limits.h>\n"
	     "int add(int a, int b)\n"
	     "{\n"
	     "	volatile int big = INT_MAX;\n"
	     "	volatile int sum = big + a;\n" /* line 5 */
	     "	(void)sum;\n"
	     "	return a + b;\n"
	     "}\n");
	x = run(f);
	s = check(x, "sanitize");
	expect_status(x, s, VS_FAIL);
	assert_int_equal(expect_diag(x, s, "signed-integer-overflow")->line, 5);
}

static void test_sanitize_clean_code_passes(void **state)
{
	struct fx *f = *state;
	struct exercise_result *x;
	struct check_result *s;

	make(f, SAN_CHECKS("\"address\", \"undefined\""), 1, add_test, good_c);
	x = run(f);
	s = check(x, "sanitize");
	expect_status(x, s, VS_PASS);
	expect_in(x, s->message, "no finding");
	assert_int_equal(x->status, VS_PASS);
}

/* Address and thread need two builds of the same tests: the report lists
 * each test once and names both sanitizers; "leak" beside "address" adds
 * no third build. */
static void test_sanitize_address_and_thread_together(void **state)
{
	struct fx *f = *state;
	struct exercise_result *x;
	struct check_result *s;

	make(f, SAN_CHECKS("\"leak\", \"address\", \"thread\""), 1, add_test,
	     good_c);
	x = run(f);
	s = check(x, "sanitize");
	expect_status(x, s, VS_PASS);
	expect_in(x, s->message, "no finding from address or thread");
	for (size_t i = 0; i < s->nsubtests; i++)
		for (size_t j = i + 1; j < s->nsubtests; j++)
			if (!strcmp(s->subtests[i].name, s->subtests[j].name))
				fail_msg("test '%s' listed twice",
					 s->subtests[i].name);
	assert_true(s->nsubtests > 0);
}

/* ---- scoring ---------------------------------------------------------------
 */

static void test_partial_credit(void **state)
{
	struct fx *f = *state;
	struct exercise_result *x;
	struct check_result *c, *t;

	make(f,
	     "compiles { points = 1 }, tests { file = \"e_test.c\", points = 3 "
	     "}",
	     4, add_test, wrong_c);
	x = run(f);
	c = check(x, "compiles");
	t = check(x, "tests");
	expect_status(x, c, VS_PASS);
	expect_status(x, t, VS_FAIL);
	assert_true(c->max_points == 1.0 && c->points == 1.0);
	assert_true(t->max_points == 3.0 && t->points == 0.0);
	assert_true(x->score == 1.0);
	assert_true(x->max_score == 4.0);
}

static void test_partial_credit_scaled_to_points(void **state)
{
	struct fx *f = *state;
	struct exercise_result *x;

	/* Check points are shares: 1 of 4 shares of 10 points. */
	make(f,
	     "compiles { points = 1 }, tests { file = \"e_test.c\", points = 3 "
	     "}",
	     10, add_test, wrong_c);
	x = run(f);
	assert_true(x->score == 2.5);
	assert_true(x->max_score == 10.0);
}

static void test_all_or_nothing_without_check_points(void **state)
{
	struct fx *f = *state;
	struct exercise_result *x;

	make(f, TESTS_CHECKS, 4, add_test, wrong_c);
	x = run(f);
	assert_true(x->score == 0.0);
	assert_true(x->max_score == 4.0);
}

static void test_full_credit_with_check_points(void **state)
{
	struct fx *f = *state;
	struct exercise_result *x;

	make(f,
	     "compiles { points = 1 }, tests { file = \"e_test.c\", points = 3 "
	     "}",
	     4, add_test, good_c);
	x = run(f);
	assert_int_equal(x->status, VS_PASS);
	assert_true(x->score == 4.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	    T(test_passing_exercise),
	    T(test_compile_error_skips_later_stages),
	    T(test_werror_warning_fails_compiles),
	    T(test_failing_test_named_with_message),
	    T(test_learner_main_is_ignored),
	    T(test_missing_function_fails_at_link),
	    T(test_exit_zero_during_test_fails),
	    T(test_fake_cmocka_summary_is_ignored),
	    T(test_forged_channel_records_fail),
	    T(test_nonce_cannot_be_read_back),
	    T(test_closing_the_channel_fails),
	    T(test_io_exact_match),
	    T(test_io_mismatch_names_first_line),
	    T(test_io_missing_trailing_output),
	    T(test_io_wrong_exit_code),
	    T(test_io_expected_nonzero_exit),
	    T(test_io_stdin_and_args_delivered),
	    T(test_io_no_stdin_means_eof),
	    T(test_io_crash_is_named),
	    T(test_infinite_loop_times_out),
	    T(test_io_infinite_loop_times_out),
	    T(test_output_flood_is_bounded),
	    T(test_finite_flood_still_judged),
	    T(test_fork_storm_is_stopped_and_cleaned),
	    T(test_sanitize_heap_overflow_named_with_line),
	    T(test_sanitize_leak_found),
	    T(test_sanitize_signed_overflow_found),
	    T(test_sanitize_clean_code_passes),
	    T(test_sanitize_address_and_thread_together),
	    T(test_partial_credit),
	    T(test_partial_credit_scaled_to_points),
	    T(test_all_or_nothing_without_check_points),
	    T(test_full_credit_with_check_points),
#undef T
	};

	/* WB_TEST_FILTER=test_io_* runs only the matching tests. */
	if (getenv("WB_TEST_FILTER"))
		cmocka_set_test_filter(getenv("WB_TEST_FILTER"));
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
