/*
 * Tests for build.c: compiler runs, parsed diagnostics, and the object
 * cache (hits, misses on changed bytes or flags, failed compiles, threads).
 *
 * The compiler is a wrapper script, "counting-gcc", that appends a line to
 * a file and then runs gcc: the number of lines is the number of compiler
 * runs, so a cache hit is seen to run nothing.  It reaches build.c through
 * $WORKBOOK_CC.  Every test has its own temporary folder.
 */
#define _GNU_SOURCE
#include "build.h"

#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "proc.h"
#include "util/err.h"
#include "util/path.h"
#include "util/xalloc.h"

struct fx {
	char dir[PATH_MAX];
	char *cc;    /* the counting wrapper */
	char *count; /* its log: one line per run */
	struct build b;
};

static void put(const char *path, const char *text)
{
	struct err e;

	if (path_write_file(path, text, strlen(text), 0644, &e) < 0)
		fail_msg("%s", e.msg);
}

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");
	struct err e;
	char *script, *bdir;

	snprintf(f->dir, sizeof(f->dir), "%s/wb-build.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(f->dir))
		return -1;
	f->cc = path_join(f->dir, "counting-gcc");
	f->count = path_join(f->dir, "runs");
	script = xasprintf("#!/bin/sh\n"
			   "echo run >> '%s'\n"
			   "exec gcc \"$@\"\n",
			   f->count);
	put(f->cc, script);
	free(script);
	chmod(f->cc, 0755);
	setenv("WORKBOOK_CC", f->cc, 1);
	bdir = path_join(f->dir, "build");
	if (build_init(&f->b, bdir, &e) < 0) {
		free(bdir);
		return -1;
	}
	free(bdir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	struct err e;

	unsetenv("WORKBOOK_CC");
	build_release(&f->b);
	path_remove_tree(f->dir, &e);
	free(f->cc);
	free(f->count);
	free(f);
	return 0;
}

/* How many times the compiler ran. */
static int runs(struct fx *f)
{
	struct err e;
	size_t len;
	char *text;
	int n = 0;

	if (!path_exists(f->count))
		return 0;
	text = path_read_file(f->count, 1 << 20, &len, &e);
	assert_non_null(text);
	for (size_t i = 0; i < len; i++)
		n += text[i] == '\n';
	free(text);
	return n;
}

/* Files in the cache folder whose name ends with `suffix`. */
static int cache_files(struct fx *f, const char *suffix)
{
	DIR *d = opendir(f->b.cache_dir);
	struct dirent *de;
	size_t ls = strlen(suffix);
	int n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		if (l >= ls && !strcmp(de->d_name + l - ls, suffix))
			n++;
	}
	closedir(d);
	return n;
}

/* Write src/<name> and return its absolute path. */
static char *source(struct fx *f, const char *name, const char *text)
{
	char *p = xasprintf("%s/%s", f->dir, name);

	put(p, text);
	return p;
}

static const char hello_c[] = "#include <stdio.h>\n"
			      "int main(void)\n"
			      "{\n"
			      "	puts(\"built\");\n"
			      "	return 0;\n"
			      "}\n";

/* Line 3 declares a variable it never uses. */
static const char unused_c[] = "int f(void)\n"
			       "{\n"
			       "	int spare;\n"
			       "	return 1;\n"
			       "}\n";

/* Line 3 has a syntax error. */
static const char broken_c[] = "int f(void)\n"
			       "{\n"
			       "	return 1 +;\n"
			       "}\n";

static const struct diag *find_diag(const struct build_result *r,
				    const char *severity)
{
	for (size_t i = 0; i < r->diags.n; i++)
		if (r->diags.v[i].severity &&
		    !strcmp(r->diags.v[i].severity, severity))
			return &r->diags.v[i];
	return NULL;
}

/* ---- build_init and build_run -------------------------------------------- */

static void test_init_uses_workbook_cc(void **state)
{
	struct fx *f = *state;
	char *cache = path_join(f->dir, "build/cache");

	assert_string_equal(f->b.cc, f->cc);
	assert_string_equal(f->b.cache_dir, cache);
	assert_true(f->b.timeout_ms > 0);
	free(cache);
}

static void test_init_without_compiler_fails(void **state)
{
	struct fx *f = *state;
	struct build b;
	struct err e;
	char *old = getenv("PATH") ? xstrdup(getenv("PATH")) : NULL;

	/* No gcc, no cc anywhere. */
	setenv("WORKBOOK_CC", "no-such-compiler-here", 1);
	setenv("PATH", f->dir, 1);
	e.msg[0] = '\0';
	assert_int_equal(build_init(&b, f->dir, &e), -1);
	if (old)
		setenv("PATH", old, 1);
	free(old);
	assert_non_null(strstr(e.msg, "no C compiler"));
}

static void test_run_compiles_an_object(void **state)
{
	struct fx *f = *state;
	char *src = source(f, "hello.c", hello_c);
	char *obj = path_join(f->dir, "hello.o");
	const char *srcs[] = {src, NULL};
	struct build_job j = {.sources = srcs, .output = obj, .warnings = 1};
	struct build_result r;
	struct err e;

	assert_int_equal(build_run(&f->b, &j, &r, &e), 0);
	assert_true(r.ok);
	assert_int_equal(r.diags.n, 0);
	assert_true(path_exists(obj));
	assert_int_equal(runs(f), 1);
	assert_non_null(r.command);
	assert_non_null(strstr(r.command, " -c "));
	assert_non_null(strstr(r.command, "-std=c11"));
	assert_non_null(strstr(r.command, src));
	build_result_release(&r);
	free(src);
	free(obj);
}

static void test_run_links_a_program(void **state)
{
	struct fx *f = *state;
	char *src = source(f, "hello.c", hello_c);
	char *exe = path_join(f->dir, "hello");
	const char *srcs[] = {src, NULL};
	struct build_job j = {.sources = srcs, .output = exe, .link = 1};
	struct build_result r;
	struct err e;
	char *av[] = {exe, NULL};
	struct proc_opts po = {.argv = av, .timeout_ms = 10000};
	struct proc_result pr;

	assert_int_equal(build_run(&f->b, &j, &r, &e), 0);
	assert_true(r.ok);
	build_result_release(&r);
	assert_int_equal(proc_run(&po, &pr, &e), 0);
	assert_true(pr.exited);
	assert_int_equal(pr.exit_code, 0);
	assert_string_equal(buf_cstr(&pr.out), "built\n");
	proc_result_release(&pr);
	free(src);
	free(exe);
}

static void test_warning_parsed_with_option(void **state)
{
	struct fx *f = *state;
	char *src = source(f, "unused.c", unused_c);
	char *obj = path_join(f->dir, "unused.o");
	const char *srcs[] = {src, NULL};
	struct build_job j = {.sources = srcs, .output = obj, .warnings = 1};
	struct build_result r;
	struct err e;
	const struct diag *d;

	assert_int_equal(build_run(&f->b, &j, &r, &e), 0);
	assert_true(r.ok); /* a warning is not a failure */
	d = find_diag(&r, "warning");
	assert_non_null(d);
	assert_string_equal(d->option, "-Wunused-variable");
	assert_int_equal(d->line, 3);
	assert_true(d->column > 0);
	assert_non_null(strstr(d->message, "spare"));
	assert_string_equal(d->file, src);
	build_result_release(&r);
	free(src);
	free(obj);
}

static void test_no_warnings_without_wall(void **state)
{
	struct fx *f = *state;
	char *src = source(f, "unused.c", unused_c);
	char *obj = path_join(f->dir, "unused.o");
	const char *srcs[] = {src, NULL};
	struct build_job j = {.sources = srcs, .output = obj};
	struct build_result r;
	struct err e;

	assert_int_equal(build_run(&f->b, &j, &r, &e), 0);
	assert_true(r.ok);
	assert_null(find_diag(&r, "warning"));
	build_result_release(&r);
	free(src);
	free(obj);
}

static void test_werror_fails_on_warning(void **state)
{
	struct fx *f = *state;
	char *src = source(f, "unused.c", unused_c);
	char *obj = path_join(f->dir, "unused.o");
	const char *srcs[] = {src, NULL};
	struct build_job j = {
	    .sources = srcs, .output = obj, .warnings = 1, .werror = 1};
	struct build_result r;
	struct err e;
	const struct diag *d;

	assert_int_equal(build_run(&f->b, &j, &r, &e), 0);
	assert_false(r.ok);
	d = find_diag(&r, "error");
	assert_non_null(d);
	assert_string_equal(d->option, "-Werror=unused-variable");
	assert_int_equal(d->line, 3);
	assert_false(path_exists(obj));
	build_result_release(&r);
	free(src);
	free(obj);
}

static void test_error_parsed(void **state)
{
	struct fx *f = *state;
	char *src = source(f, "broken.c", broken_c);
	char *obj = path_join(f->dir, "broken.o");
	const char *srcs[] = {src, NULL};
	struct build_job j = {.sources = srcs, .output = obj};
	struct build_result r;
	struct err e;
	const struct diag *d;

	assert_int_equal(build_run(&f->b, &j, &r, &e), 0);
	assert_false(r.ok);
	d = find_diag(&r, "error");
	assert_non_null(d);
	assert_int_equal(d->line, 3);
	assert_string_equal(d->file, src);
	assert_non_null(d->message);
	/* The raw stderr is kept, and the JSON is not in the log. */
	assert_true(r.raw.len > 0);
	assert_null(strstr(buf_cstr(&r.log), "\"kind\""));
	build_result_release(&r);
	free(src);
	free(obj);
}

static void test_missing_compiler_is_an_error(void **state)
{
	struct fx *f = *state;
	char *src = source(f, "hello.c", hello_c);
	char *obj = path_join(f->dir, "hello.o");
	const char *srcs[] = {src, NULL};
	struct build_job j = {
	    .sources = srcs, .output = obj, .compiler = "/nonexistent/bin/gcc"};
	struct build_result r;
	struct err e;

	e.msg[0] = '\0';
	assert_int_equal(build_run(&f->b, &j, &r, &e), -1);
	assert_non_null(strstr(e.msg, "cannot run the compiler"));
	build_result_release(&r);
	free(src);
	free(obj);
}

/* ---- the cache -------------------------------------------------------------
 */

static void test_cache_hit_runs_nothing_and_replays(void **state)
{
	struct fx *f = *state;
	char *src = source(f, "unused.c", unused_c);
	const char *srcs[] = {src, NULL};
	struct build_job j = {.sources = srcs, .warnings = 1};
	struct build_result r;
	struct err e;
	char *first, *second;
	long long mtime;

	first = build_cached_object(&f->b, &j, &r, &e);
	assert_non_null(first);
	assert_true(r.ok);
	assert_int_equal(runs(f), 1);
	assert_int_equal(strncmp(first, f->b.cache_dir, strlen(f->b.cache_dir)),
			 0);
	assert_true(path_exists(first));
	assert_non_null(find_diag(&r, "warning"));
	mtime = path_mtime_ns(first);
	build_result_release(&r);

	second = build_cached_object(&f->b, &j, &r, &e);
	assert_non_null(second);
	assert_true(r.ok);
	assert_string_equal(second, first);
	assert_int_equal(runs(f), 1); /* no compiler run */
	assert_true(path_mtime_ns(second) == mtime);
	assert_int_equal(cache_files(f, ".o"), 1);
	/* The warning is replayed from the kept log. */
	const struct diag *d = find_diag(&r, "warning");
	assert_non_null(d);
	assert_string_equal(d->option, "-Wunused-variable");
	assert_int_equal(d->line, 3);
	build_result_release(&r);
	free(first);
	free(second);
	free(src);
}

static void test_cache_clean_compile_replays_nothing(void **state)
{
	struct fx *f = *state;
	char *src = source(f, "hello.c", hello_c);
	const char *srcs[] = {src, NULL};
	struct build_job j = {.sources = srcs, .warnings = 1};
	struct build_result r;
	struct err e;
	char *a, *b;

	a = build_cached_object(&f->b, &j, &r, &e);
	assert_non_null(a);
	build_result_release(&r);
	b = build_cached_object(&f->b, &j, &r, &e);
	assert_non_null(b);
	assert_int_equal(r.diags.n, 0);
	assert_int_equal(runs(f), 1);
	build_result_release(&r);
	free(a);
	free(b);
	free(src);
}

static void test_cache_miss_on_changed_bytes(void **state)
{
	struct fx *f = *state;
	char *src = source(f, "hello.c", hello_c);
	const char *srcs[] = {src, NULL};
	struct build_job j = {.sources = srcs};
	struct build_result r;
	struct err e;
	char *a, *b, *c;
	char *changed = xstrdup(hello_c);

	a = build_cached_object(&f->b, &j, &r, &e);
	assert_non_null(a);
	build_result_release(&r);
	/* One byte: "built" becomes "Built". */
	*strstr(changed, "built") = 'B';
	put(src, changed);
	b = build_cached_object(&f->b, &j, &r, &e);
	assert_non_null(b);
	build_result_release(&r);
	assert_string_not_equal(a, b);
	assert_int_equal(runs(f), 2);
	/* Back to the old bytes: the first object again, no compile. */
	put(src, hello_c);
	c = build_cached_object(&f->b, &j, &r, &e);
	assert_non_null(c);
	build_result_release(&r);
	assert_string_equal(a, c);
	assert_int_equal(runs(f), 2);
	free(a);
	free(b);
	free(c);
	free(changed);
	free(src);
}

static void test_cache_miss_on_changed_flags(void **state)
{
	struct fx *f = *state;
	char *src = source(f, "hello.c", hello_c);
	const char *srcs[] = {src, NULL};
	const char *cflags[] = {"-DEXTRA=1", NULL};
	const char *defines[] = {"-DOTHER=2", NULL};
	struct build_job jobs[] = {
	    {.sources = srcs},
	    {.sources = srcs, .warnings = 1},
	    {.sources = srcs, .warnings = 1, .werror = 1},
	    {.sources = srcs, .std = "c17"},
	    {.sources = srcs, .opt = "-O0 -g"},
	    {.sources = srcs, .cflags = cflags},
	    {.sources = srcs, .defines = defines},
	    {.sources = srcs, .sanitize = "undefined"},
	};
	size_t n = sizeof(jobs) / sizeof(jobs[0]);
	char *paths[sizeof(jobs) / sizeof(jobs[0])];
	struct build_result r;
	struct err e;

	for (size_t i = 0; i < n; i++) {
		paths[i] = build_cached_object(&f->b, &jobs[i], &r, &e);
		if (!paths[i])
			fail_msg("job %zu: %s %s", i, e.msg, buf_cstr(&r.log));
		build_result_release(&r);
		assert_int_equal(runs(f), (int)i + 1);
		for (size_t k = 0; k < i; k++)
			assert_string_not_equal(paths[i], paths[k]);
	}
	/* Each is a hit the second time. */
	for (size_t i = 0; i < n; i++) {
		char *again = build_cached_object(&f->b, &jobs[i], &r, &e);
		assert_non_null(again);
		assert_string_equal(again, paths[i]);
		build_result_release(&r);
		free(again);
	}
	assert_int_equal(runs(f), (int)n);
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(src);
}

static void test_failed_compile_is_not_cached(void **state)
{
	struct fx *f = *state;
	char *src = source(f, "broken.c", broken_c);
	const char *srcs[] = {src, NULL};
	struct build_job j = {.sources = srcs};
	struct build_result r;
	struct err e;

	assert_null(build_cached_object(&f->b, &j, &r, &e));
	assert_string_equal(e.msg, ""); /* a verdict, not our error */
	assert_false(r.ok);
	assert_non_null(find_diag(&r, "error"));
	assert_int_equal(find_diag(&r, "error")->line, 3);
	build_result_release(&r);
	assert_null(build_cached_object(&f->b, &j, &r, &e));
	assert_non_null(find_diag(&r, "error"));
	build_result_release(&r);
	assert_int_equal(runs(f), 2); /* compiled again: nothing kept */
	assert_int_equal(cache_files(f, ".o"), 0);
	free(src);
}

static void test_missing_source_is_an_error(void **state)
{
	struct fx *f = *state;
	char *src = path_join(f->dir, "absent.c");
	const char *srcs[] = {src, NULL};
	struct build_job j = {.sources = srcs};
	struct build_result r;
	struct err e;

	assert_null(build_cached_object(&f->b, &j, &r, &e));
	assert_string_not_equal(e.msg, "");
	assert_non_null(strstr(e.msg, "absent.c"));
	assert_int_equal(runs(f), 0);
	build_result_release(&r);
	free(src);
}

struct racer {
	struct fx *f;
	const struct build_job *j;
	char *path;
	int ok;
	char msg[ERR_MAX];
};

static void *race(void *arg)
{
	struct racer *t = arg;
	struct build_result r;
	struct err e;

	e.msg[0] = '\0';
	t->path = build_cached_object(&t->f->b, t->j, &r, &e);
	t->ok = t->path && r.ok;
	snprintf(t->msg, sizeof(t->msg), "%s", e.msg);
	build_result_release(&r);
	return NULL;
}

static void test_concurrent_same_job(void **state)
{
	struct fx *f = *state;
	char *src = source(f, "hello.c", hello_c);
	const char *srcs[] = {src, NULL};
	struct build_job j = {.sources = srcs, .warnings = 1};
	struct racer t[4];
	pthread_t th[4];

	for (int round = 0; round < 3; round++) {
		struct err e;
		path_remove_tree(f->b.cache_dir, &e);
		for (int i = 0; i < 4; i++) {
			t[i] = (struct racer){.f = f, .j = &j};
			assert_int_equal(
			    pthread_create(&th[i], NULL, race, &t[i]), 0);
		}
		for (int i = 0; i < 4; i++)
			pthread_join(th[i], NULL);
		for (int i = 0; i < 4; i++) {
			if (!t[i].ok)
				fail_msg("thread %d failed: %s", i, t[i].msg);
			assert_string_equal(t[i].path, t[0].path);
		}
		assert_true(path_exists(t[0].path));
		/* One object, no temporary left behind. */
		assert_int_equal(cache_files(f, ".o"), 1);
		assert_int_equal(cache_files(f, ".tmp.o"), 0);
		for (int i = 0; i < 4; i++)
			free(t[i].path);
	}

	/* The object is whole: it links and runs. */
	struct build_result r;
	struct err e;
	char *obj = build_cached_object(&f->b, &j, &r, &e);
	char *exe = path_join(f->dir, "raced");
	const char *objs[] = {obj, NULL};
	struct build_job link = {.sources = objs, .output = exe, .link = 1};
	build_result_release(&r);
	assert_int_equal(build_run(&f->b, &link, &r, &e), 0);
	assert_true(r.ok);
	build_result_release(&r);
	free(obj);
	free(exe);
	free(src);
}

/* ---- build_hash ------------------------------------------------------------
 */

static void test_hash_is_fnv1a(void **state)
{
	(void)state;
	assert_true(build_hash(BUILD_HASH_INIT, "", 0) == BUILD_HASH_INIT);
	/* Published FNV-1a 64 test vectors. */
	assert_true(build_hash(BUILD_HASH_INIT, "a", 1) ==
		    0xaf63dc4c8601ec8cULL);
	assert_true(build_hash(BUILD_HASH_INIT, "foobar", 6) ==
		    0x85944171f73967e8ULL);
	/* Chaining is the same as hashing the concatenation. */
	assert_true(build_hash(build_hash(BUILD_HASH_INIT, "foo", 3), "bar",
			       3) == build_hash(BUILD_HASH_INIT, "foobar", 6));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	    T(test_init_uses_workbook_cc),
	    T(test_init_without_compiler_fails),
	    T(test_run_compiles_an_object),
	    T(test_run_links_a_program),
	    T(test_warning_parsed_with_option),
	    T(test_no_warnings_without_wall),
	    T(test_werror_fails_on_warning),
	    T(test_error_parsed),
	    T(test_missing_compiler_is_an_error),
	    T(test_cache_hit_runs_nothing_and_replays),
	    T(test_cache_clean_compile_replays_nothing),
	    T(test_cache_miss_on_changed_bytes),
	    T(test_cache_miss_on_changed_flags),
	    T(test_failed_compile_is_not_cached),
	    T(test_missing_source_is_an_error),
	    T(test_concurrent_same_job),
	    cmocka_unit_test(test_hash_is_fnv1a),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
