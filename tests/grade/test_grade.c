/*
 * Unit tests for runner/grade.c: student names, the roster, reading a
 * submission without following links, and the pool (slots, not submitted,
 * progress, cancel, reference solutions) on a course made in C with one
 * `compiles` check, graded with practice runs.  Built and run by
 * tests/grade/t-unit.sh.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build.h"
#include "course.h"
#include "grade.h"
#include "util/err.h"
#include "util/path.h"
#include "util/xalloc.h"

static char root[] = "/tmp/wbgradeXXXXXX";

static void put(const char *rel, const char *text)
{
	struct err e;
	char *p = path_join(root, rel);
	char *d = path_dirname(p);

	assert_int_equal(path_mkdirs(d, &e), 0);
	assert_int_equal(path_write_file(p, text, strlen(text), 0644, &e), 0);
	free(d);
	free(p);
}

static void link_to(const char *target, const char *rel)
{
	char *p = path_join(root, rel);
	char *d = path_dirname(p);
	struct err e;

	assert_int_equal(path_mkdirs(d, &e), 0);
	assert_int_equal(symlink(target, p), 0);
	free(d);
	free(p);
}

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "%s", "/tmp/wbgradeXXXXXX");
	return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
	struct err e;

	(void)state;
	return path_remove_tree(root, &e);
}

static void test_names(void **state)
{
	char longname[GRADE_NAME_MAX + 2];

	(void)state;
	assert_true(grade_name_ok("ada"));
	assert_true(grade_name_ok("first.last@uni.edu"));
	assert_true(grade_name_ok("a+b_c-1"));
	assert_false(grade_name_ok(""));
	assert_false(grade_name_ok(".git"));
	assert_false(grade_name_ok(".."));
	assert_false(grade_name_ok("a/b"));
	assert_false(grade_name_ok("bad name"));
	assert_false(grade_name_ok("caf\xc3\xa9"));
	assert_false(grade_name_ok("x\n"));
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_false(grade_name_ok(longname));
	longname[GRADE_NAME_MAX] = '\0';
	assert_true(grade_name_ok(longname));
}

static void test_roster(void **state)
{
	struct grade_roster r;
	struct err e;
	char *subs;

	(void)state;
	put("subs/zoe/memory/x.c", "int x;\n");
	put("subs/ada/memory/x.c", "int x;\n");
	put("subs/notes.txt", "hi\n");
	put("subs/bad name/x.c", "int x;\n");
	put("subs/.git/config", "\n");
	link_to("ada", "subs/linked");
	subs = path_join(root, "subs");
	assert_int_equal(grade_roster_read(&r, subs, &e), 0);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.names[0], "ada");
	assert_string_equal(r.names[1], "zoe");
	assert_int_equal(r.nskipped, 3); /* not .git: passed over silently */
	int seen = 0;
	for (size_t i = 0; i < r.nskipped; i++) {
		if (!strcmp(r.skipped[i].entry, "linked"))
			seen |= 1, assert_non_null(strstr(r.skipped[i].reason,
							  "symbolic link"));
		if (!strcmp(r.skipped[i].entry, "notes.txt"))
			seen |= 2, assert_non_null(strstr(r.skipped[i].reason,
							  "not a folder"));
		if (!strcmp(r.skipped[i].entry, "bad name"))
			seen |= 4;
	}
	assert_int_equal(seen, 7);
	grade_roster_release(&r);
	assert_int_equal(grade_roster_single(&r, subs, "ok", &e), 0);
	assert_int_equal(r.n, 1);
	assert_true(r.single);
	grade_roster_release(&r);
	assert_int_equal(grade_roster_single(&r, subs, "../x", &e), -1);
	free(subs);
	assert_int_equal(grade_roster_read(&r, "/nonexistent/wb", &e), -1);
}

static enum grade_found find(const char *student, const char *file, int flat_ok,
			     size_t max, char **data, char *rel, char *why)
{
	struct exercise ex = {.file = (char *)file};
	char *dir = path_join(root, student);
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	size_t len;

	assert_true(fd >= 0);
	enum grade_found f = grade_read_submission(fd, &ex, flat_ok, max, data,
						   &len, rel, 256, why, 256);
	close(fd);
	free(dir);
	return f;
}

static void test_read_submission(void **state)
{
	char rel[256], why[256];
	char *data;

	(void)state;
	put("s/a/memory/x.c", "layout\n");
	put("s/b/exercises/memory/x.c", "workspace\n");
	put("s/c/x.c", "flat\n");
	put("s/d/memory/big.c", "0123456789");
	put("s/secret.c", "secret\n");
	link_to("../../secret.c", "s/e/memory/x.c");
	link_to("../secret", "s/f/memory");
	put("s/secret/x.c", "secret\n");
	char *fifo = path_join(root, "s/g/memory/x.c");
	put("s/g/memory/keep", "");
	assert_int_equal(mkfifo(fifo, 0644), 0);
	free(fifo);
	put("s/h/memory/x.c/inside", "a folder named like the file\n");

	assert_int_equal(
	    find("s/a", "exercises/memory/x.c", 1, 0, &data, rel, why),
	    GRADE_FOUND);
	assert_string_equal(data, "layout\n");
	assert_string_equal(rel, "memory/x.c");
	free(data);
	assert_int_equal(
	    find("s/b", "exercises/memory/x.c", 1, 0, &data, rel, why),
	    GRADE_FOUND);
	assert_string_equal(data, "workspace\n");
	assert_string_equal(rel, "exercises/memory/x.c");
	free(data);
	assert_int_equal(
	    find("s/c", "exercises/memory/x.c", 1, 0, &data, rel, why),
	    GRADE_FOUND);
	assert_string_equal(data, "flat\n");
	free(data);
	/* A flat file is taken only when its name is unique. */
	assert_int_equal(
	    find("s/c", "exercises/memory/x.c", 0, 0, &data, rel, why),
	    GRADE_MISSING);
	assert_string_equal(rel, "memory/x.c");
	/* Over the size cap. */
	assert_int_equal(
	    find("s/d", "exercises/memory/big.c", 1, 5, &data, rel, why),
	    GRADE_REFUSED);
	assert_non_null(strstr(why, "limit"));
	assert_int_equal(
	    find("s/d", "exercises/memory/big.c", 1, 10, &data, rel, why),
	    GRADE_FOUND);
	free(data);
	/* Links, at the file or on the way: never followed. */
	assert_int_equal(
	    find("s/e", "exercises/memory/x.c", 1, 0, &data, rel, why),
	    GRADE_REFUSED);
	assert_non_null(strstr(why, "symbolic link"));
	assert_int_equal(
	    find("s/f", "exercises/memory/x.c", 1, 0, &data, rel, why),
	    GRADE_REFUSED);
	assert_non_null(strstr(why, "symbolic link"));
	/* A FIFO is refused without being opened (which would block). */
	assert_int_equal(
	    find("s/g", "exercises/memory/x.c", 1, 0, &data, rel, why),
	    GRADE_REFUSED);
	assert_non_null(strstr(why, "not a regular file"));
	assert_int_equal(
	    find("s/h", "exercises/memory/x.c", 1, 0, &data, rel, why),
	    GRADE_REFUSED);
	assert_non_null(strstr(why, "folder"));
}

/* --- the pool ------------------------------------------------------------ */

static int progress_calls;

static void on_progress(void *arg, const struct grade_progress *p)
{
	(void)arg;
	assert_true(p->students_done <= p->students);
	assert_true(p->jobs_done <= p->jobs);
	progress_calls++;
}

static int cancel_now(void *arg)
{
	(void)arg;
	return 1;
}

/* A course with one exercise checked by compiles { werror = true }. */
static void make_course(struct course *c)
{
	course_init(c, root);
	struct section *s = course_add_section(c, "memory");
	s->dir = xstrdup(root);
	struct exercise *ex = section_add_exercise(s);
	ex->id = xstrdup("x");
	ex->name = xstrdup("memory/x");
	ex->file = xstrdup("exercises/memory/x.c");
	ex->solution = path_join(root, "solutions/memory/x.c");
	ex->points = 2;
	ex->checks = xcalloc(1, sizeof(*ex->checks));
	ex->nchecks = 1;
	ex->checks[0].kind = xstrdup("compiles");
	ex->checks[0].name = xstrdup("compiles");
	check_spec_add_param(&ex->checks[0], "werror", PARAM_BOOL)->i = 1;
}

static void grade_class(struct grade_class *gc, int jobs, int (*cancel)(void *),
			int reference)
{
	struct course c;
	struct build b;
	struct grade_roster r;
	struct err e;
	char *subs = path_join(root, "class");
	char *bdir = path_join(root, "build");
	char *work = path_join(root, "build/grade");

	make_course(&c);
	assert_int_equal(build_init(&b, bdir, &e), 0);
	assert_int_equal(grade_roster_read(&r, subs, &e), 0);
	const struct exercise *exs[] = {&c.sections[0].exercises[0]};
	struct grade_opts o = {
	    .jobs = jobs,
	    .workdir = work,
	    .reference = reference,
	    .progress = on_progress,
	    .cancel = cancel,
	};
	assert_int_equal(grade_run(&c, &b, exs, 1, &r, &o, gc, &e), 0);
	grade_roster_release(&r);
	build_release(&b);
	course_release(&c);
	free(subs);
	free(bdir);
	free(work);
}

static void make_class(void)
{
	put("solutions/memory/x.c", "int x(void) { return 1; }\n");
	put("class/good/memory/x.c", "int x(void) { return 1; }\n");
	put("class/warns/memory/x.c",
	    "int x(void) { int unused; return 1; }\n");
	put("class/broken/memory/x.c", "int x(void) { return }\n");
	put("class/empty/README", "nothing here\n");
	for (int i = 0; i < 12; i++) {
		char rel[64];
		snprintf(rel, sizeof(rel), "class/many%02d/memory/x.c", i);
		put(rel, "int x(void) { return 2; }\n");
	}
}

static const struct run_result *student(const struct grade_class *gc,
					const char *name)
{
	for (size_t i = 0; i < gc->n; i++)
		if (!strcmp(gc->runs[i].student, name))
			return &gc->runs[i];
	fail_msg("no result for %s", name);
	return NULL;
}

static void test_pool(void **state)
{
	struct grade_class gc;

	(void)state;
	make_class();
	progress_calls = 0;
	grade_class(&gc, 3, NULL, 1);
	assert_int_equal(gc.n, 16);
	assert_false(gc.interrupted);
	assert_true(progress_calls >= 1);
	/* Class order: sorted by name. */
	assert_string_equal(gc.runs[0].student, "broken");
	assert_string_equal(gc.runs[1].student, "empty");
	for (size_t i = 0; i < gc.n; i++) {
		assert_int_equal(gc.runs[i].n, 1);
		assert_string_equal(gc.runs[i].exercises[0].name, "memory/x");
		assert_string_equal(gc.runs[i].sandbox_layers,
				    "none (practice runs)");
	}
	const struct exercise_result *x = &student(&gc, "good")->exercises[0];
	assert_int_equal(x->status, VS_PASS);
	assert_true(x->score == 2 && x->max_score == 2);
	x = &student(&gc, "warns")->exercises[0];
	assert_int_equal(x->status, VS_FAIL);
	assert_non_null(strstr(x->message, "warning"));
	x = &student(&gc, "broken")->exercises[0];
	assert_int_equal(x->status, VS_FAIL);
	assert_true(x->score == 0 && x->max_score == 2);
	x = &student(&gc, "empty")->exercises[0];
	assert_int_equal(x->status, VS_FAIL);
	assert_int_equal(x->nchecks, 0);
	assert_string_equal(x->message, "not submitted (no memory/x.c)");
	assert_true(x->max_score == 2);
	x = &student(&gc, "many07")->exercises[0];
	assert_int_equal(x->status, VS_PASS);
	/* The reference solution went first. */
	assert_int_equal(gc.nreference, 1);
	assert_int_equal(gc.reference[0].status, VS_PASS);
	/* Each student built in a folder of its own. */
	char *src = path_join(
	    root, "build/grade/good/memory/x/src/exercises/memory/x.c");
	assert_true(path_exists(src));
	free(src);
	grade_class_release(&gc);
}

static void test_cancel(void **state)
{
	struct grade_class gc;

	(void)state;
	make_class();
	grade_class(&gc, 2, cancel_now, 0);
	assert_true(gc.interrupted);
	assert_int_equal(gc.nreference, 0);
	for (size_t i = 0; i < gc.n; i++) {
		assert_int_equal(gc.runs[i].exercises[0].status, VS_ERROR);
		assert_string_equal(gc.runs[i].exercises[0].message,
				    "grading was interrupted");
	}
	grade_class_release(&gc);
}

static void test_one_job_same_results(void **state)
{
	struct grade_class a, b;

	(void)state;
	make_class();
	grade_class(&a, 1, NULL, 0);
	grade_class(&b, 4, NULL, 0);
	assert_int_equal(a.n, b.n);
	for (size_t i = 0; i < a.n; i++) {
		const struct exercise_result *x = &a.runs[i].exercises[0];
		const struct exercise_result *y = &b.runs[i].exercises[0];
		assert_string_equal(a.runs[i].student, b.runs[i].student);
		assert_int_equal(x->status, y->status);
		assert_string_equal(x->message, y->message);
		assert_true(x->score == y->score);
	}
	grade_class_release(&a);
	grade_class_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names),
	    cmocka_unit_test_setup_teardown(test_roster, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_read_submission, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_pool, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cancel, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_one_job_same_results, setup,
					    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
