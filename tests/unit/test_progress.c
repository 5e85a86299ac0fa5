// WRAP: rename fsync
/*
 * Tests for progress.c: the state file's format, setting bad files aside,
 * atomic saving (failures injected by wrapping rename and fsync), the lock
 * across processes, and a writer killed at random moments.
 */
#include "progress.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/err.h"
#include "util/path.h"
#include "util/xalloc.h"

/* ---- injected failures ------------------------------------------------ */

int __real_rename(const char *from, const char *to);
int __wrap_rename(const char *from, const char *to);
int __real_fsync(int fd);
int __wrap_fsync(int fd);

static int rename_errno;  /* nonzero: rename fails with it */
static int fsync_errno;	  /* nonzero: the fsync_fail_at-th fsync fails */
static int fsync_fail_at; /* 1-based */
static int fsync_calls;

int __wrap_rename(const char *from, const char *to)
{
	if (rename_errno) {
		errno = rename_errno;
		return -1;
	}
	return __real_rename(from, to);
}

int __wrap_fsync(int fd)
{
	fsync_calls++;
	if (fsync_errno && fsync_calls == fsync_fail_at) {
		errno = fsync_errno;
		return -1;
	}
	return __real_fsync(fd);
}

/* ---- fixture ---------------------------------------------------------- */

struct fx {
	char *dir;  /* a fresh temporary folder */
	char *path; /* <dir>/progress */
};

static int setup(void **state)
{
	const char *t = getenv("TMPDIR");
	char *tmpl = xasprintf("%s/wbprogress.XXXXXX", t && *t ? t : "/tmp");
	struct fx *f = xcalloc(1, sizeof(*f));

	if (!mkdtemp(tmpl)) {
		free(tmpl);
		free(f);
		return -1;
	}
	f->dir = tmpl;
	f->path = path_join(tmpl, "progress");
	rename_errno = fsync_errno = fsync_fail_at = fsync_calls = 0;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	struct err e;

	rename_errno = fsync_errno = 0;
	path_remove_tree(f->dir, &e);
	free(f->dir);
	free(f->path);
	free(f);
	return 0;
}

#define TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

/* ---- helpers ---------------------------------------------------------- */

static void write_bytes(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

static char *read_bytes(const char *path, size_t *len)
{
	struct err e;
	char *s = path_read_file(path, (size_t)64 << 20, len, &e);

	if (!s)
		fail_msg("%s", e.msg);
	return s;
}

/* Files in dir whose names start with prefix; the first one's full path
 * into *first (when there is one). */
static int count_files(const char *dir, const char *prefix, char **first)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	if (first)
		*first = NULL;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, prefix, strlen(prefix)) != 0)
			continue;
		if (first && !*first)
			*first = path_join(dir, de->d_name);
		n++;
	}
	closedir(d);
	return n;
}

static char *format_str(const struct progress *p)
{
	size_t len;
	char *s = progress_format(p, &len);

	assert_int_equal(strlen(s), len);
	return s;
}

/*
 * Load a file holding `data`: it must be moved to <path>.<kind>-* with its
 * bytes intact, p left empty, and a notice naming `want` and the new name.
 */
static void expect_set_aside(struct fx *f, const char *data, size_t len,
			     const char *kind, const char *want)
{
	struct progress p;
	struct err e;
	char *prefix = xasprintf("progress.%s-", kind);
	char *aside, *kept;
	size_t klen;

	write_bytes(f->path, data, len);
	progress_init(&p, f->path);
	progress_ex_get(&p, "stale/record"); /* load must drop it */
	assert_int_equal(progress_load(&p, &e), 0);
	assert_int_equal(p.nex + p.nquiz + p.nother, 0);
	assert_non_null(p.notice);
	if (!strstr(p.notice, want))
		fail_msg("notice '%s' does not name '%s'", p.notice, want);
	assert_null(strchr(p.notice, '\n'));
	assert_false(path_exists(f->path));
	assert_int_equal(count_files(f->dir, prefix, &aside), 1);
	if (!strstr(p.notice, aside))
		fail_msg("notice '%s' does not name '%s'", p.notice, aside);
	kept = read_bytes(aside, &klen);
	assert_int_equal(klen, len);
	assert_memory_equal(kept, data, len);
	free(kept);
	free(aside);
	free(prefix);
	progress_release(&p);
}

/* ---- format ------------------------------------------------------------ */

static const char full_text[] =
    "workbook-progress 1\n"
    "# a comment, dropped\n"
    "\n"
    "quiz memory/share answer=3 correct=1 first=1 tries=2 seen=yes\n"
    "exercise memory/overflow status=done attempts=3 hints=1 skipped=1 "
    "time=1732700000 color=blue note=a=b\n"
    "step memory 2\n"
    "exercise intro/hello status=failed attempts=1\n"
    "  \t \n"
    "exercise intro/zero\n"
    "future-record with anything at all: \x01\xff\n";

static const char full_canonical[] =
    "workbook-progress 1\n"
    "exercise intro/hello status=failed attempts=1\n"
    "exercise intro/zero\n"
    "exercise memory/overflow status=done attempts=3 hints=1 skipped=1 "
    "time=1732700000 color=blue note=a=b\n"
    "quiz memory/share answer=3 correct=1 first=1 tries=2 seen=yes\n"
    "step memory 2\n"
    "future-record with anything at all: \x01\xff\n";

static void test_parse_reads_every_field(void **state)
{
	struct progress p;
	struct err e;
	const struct progress_ex *x;
	const struct progress_quiz *q;

	(void)state;
	progress_init(&p, "unused");
	if (progress_parse(&p, full_text, strlen(full_text), &e) < 0)
		fail_msg("%s", e.msg);
	assert_int_equal(p.nex, 3);
	x = progress_ex_find(&p, "memory/overflow");
	assert_non_null(x);
	assert_int_equal(x->state, EX_DONE);
	assert_int_equal(x->attempts, 3);
	assert_int_equal(x->hints, 1);
	assert_int_equal(x->skipped, 1);
	assert_true(x->time == 1732700000LL);
	assert_string_equal(x->extra, "color=blue note=a=b");
	x = progress_ex_find(&p, "intro/hello");
	assert_int_equal(x->state, EX_FAILED);
	assert_null(x->extra);
	x = progress_ex_find(&p, "intro/zero");
	assert_int_equal(x->state, EX_NOT_TRIED);
	assert_int_equal(x->attempts, 0);
	q = progress_quiz_find(&p, "memory/share");
	assert_non_null(q);
	assert_int_equal(q->answer, 3);
	assert_int_equal(q->correct, 1);
	assert_int_equal(q->first, 1);
	assert_int_equal(q->tries, 2);
	assert_string_equal(q->extra, "seen=yes");
	assert_int_equal(p.nother, 2);
	assert_string_equal(p.other[0], "step memory 2");
	assert_string_equal(p.other[1],
			    "future-record with anything at all: \x01\xff");
	progress_release(&p);
}

static void test_format_is_sorted_and_stable(void **state)
{
	struct progress p, p2;
	struct err e;
	char *out, *out2;

	(void)state;
	progress_init(&p, "unused");
	assert_int_equal(progress_parse(&p, full_text, strlen(full_text), &e),
			 0);
	out = format_str(&p);
	assert_string_equal(out, full_canonical);
	progress_init(&p2, "unused");
	assert_int_equal(progress_parse(&p2, out, strlen(out), &e), 0);
	out2 = format_str(&p2);
	assert_string_equal(out2, out);
	free(out);
	free(out2);
	progress_release(&p);
	progress_release(&p2);
}

static void test_save_and_load_round_trip(void **state)
{
	struct fx *f = *state;
	struct progress p, q;
	struct progress_ex *x;
	struct progress_quiz *z;
	struct err e;
	char *a, *b, *disk;
	size_t len;

	progress_init(&p, f->path);
	assert_int_equal(progress_parse(&p, full_text, strlen(full_text), &e),
			 0);
	/* Added out of order, found in order. */
	x = progress_ex_get(&p, "zeta/last");
	x->state = EX_DONE;
	x->attempts = 7;
	x->time = 42;
	x = progress_ex_get(&p, "alpha/first");
	x->hints = 2;
	z = progress_quiz_get(&p, "alpha/q");
	z->tries = 1;
	if (progress_save(&p, &e) < 0)
		fail_msg("%s", e.msg);
	progress_init(&q, f->path);
	if (progress_load(&q, &e) < 0)
		fail_msg("%s", e.msg);
	assert_null(q.notice);
	a = format_str(&p);
	b = format_str(&q);
	assert_string_equal(a, b);
	disk = read_bytes(f->path, &len);
	assert_string_equal(disk, a);
	assert_non_null(strstr(disk, "exercise alpha/first hints=2\n"
				     "exercise intro/hello"));
	assert_non_null(strstr(disk, "exercise zeta/last status=done "
				     "attempts=7 time=42\nquiz alpha/q"));
	assert_int_equal(q.ex[0].hints, 2);
	assert_string_equal(q.ex[q.nex - 1].name, "zeta/last");
	free(a);
	free(b);
	free(disk);
	progress_release(&p);
	progress_release(&q);
}

static void test_line_of_4096_bytes_is_accepted(void **state)
{
	char *text = xmalloc(8192);
	struct progress p;
	struct err e;
	int n = snprintf(text, 8192, "workbook-progress 1\nexercise a x=");

	(void)state;
	memset(text + n, 'y', 4096 - (sizeof("exercise a x=") - 1));
	n += 4096 - (int)(sizeof("exercise a x=") - 1);
	text[n++] = '\n';
	progress_init(&p, "unused");
	if (progress_parse(&p, text, (size_t)n, &e) < 0)
		fail_msg("%s", e.msg);
	assert_int_equal(p.nex, 1);
	/* One byte more is too long. */
	text[n - 1] = 'y';
	text[n++] = '\n';
	assert_int_equal(progress_parse(&p, text, (size_t)n, &e), -1);
	assert_non_null(strstr(e.msg, "line 2"));
	assert_int_equal(p.nex, 0);
	free(text);
	progress_release(&p);
}

static void test_duplicate_record_is_corrupt(void **state)
{
	static const char text[] = "workbook-progress 1\n"
				   "exercise a/b attempts=1\n"
				   "quiz a/b\n"
				   "exercise a/b attempts=2\n";
	struct progress p;
	struct err e;

	(void)state;
	progress_init(&p, "unused");
	assert_int_equal(progress_parse(&p, text, strlen(text), &e), -1);
	assert_non_null(strstr(e.msg, "line 4"));
	assert_non_null(strstr(e.msg, "line 2"));
	progress_release(&p);
}

static void test_ex_get_creates_not_tried_and_remove_forgets(void **state)
{
	struct progress p;
	struct progress_ex *x;

	(void)state;
	progress_init(&p, "unused");
	assert_null(progress_ex_find(&p, "m/b"));
	x = progress_ex_get(&p, "m/b");
	assert_string_equal(x->name, "m/b");
	assert_int_equal(x->state, EX_NOT_TRIED);
	assert_int_equal(x->attempts + x->hints + x->skipped, 0);
	assert_null(x->extra);
	x->attempts = 4;
	progress_ex_get(&p, "m/a");
	progress_ex_get(&p, "m/c");
	assert_int_equal(progress_ex_get(&p, "m/b")->attempts, 4);
	assert_int_equal(p.nex, 3);
	progress_ex_remove(&p, "m/b");
	progress_ex_remove(&p, "m/missing");
	assert_int_equal(p.nex, 2);
	assert_null(progress_ex_find(&p, "m/b"));
	assert_non_null(progress_ex_find(&p, "m/a"));
	assert_non_null(progress_ex_find(&p, "m/c"));
	assert_int_equal(progress_quiz_get(&p, "m/q")->answer, 0);
	progress_release(&p);
}

static void test_unwritable_record_name_is_left_out(void **state)
{
	struct progress p, q;
	struct err e;
	char *out;

	(void)state;
	progress_init(&p, "unused");
	progress_ex_get(&p, "has space")->attempts = 1;
	progress_ex_get(&p, "ok/name")->attempts = -3; /* not writable */
	out = format_str(&p);
	assert_string_equal(out, "workbook-progress 1\nexercise ok/name\n");
	progress_init(&q, "unused");
	assert_int_equal(progress_parse(&q, out, strlen(out), &e), 0);
	free(out);
	progress_release(&p);
	progress_release(&q);
}

/* ---- loading and setting aside ---------------------------------------- */

static void test_missing_file_is_empty_progress(void **state)
{
	struct fx *f = *state;
	struct progress p;
	struct err e;

	progress_init(&p, f->path);
	assert_int_equal(progress_load(&p, &e), 0);
	assert_int_equal(p.nex + p.nquiz + p.nother, 0);
	assert_null(p.notice);
	assert_false(path_exists(f->path));
	progress_release(&p);
}

static void test_empty_file_is_corrupt(void **state)
{
	expect_set_aside(*state, "", 0, "corrupt", "line 1");
}

static void test_bad_header_is_corrupt(void **state)
{
	static const char t[] = "workbook-progres 1\nexercise a/b\n";

	expect_set_aside(*state, t, strlen(t), "corrupt", "line 1");
}

static void test_bad_number_is_corrupt(void **state)
{
	static const char t[] = "workbook-progress 1\n"
				"exercise a/a attempts=2\n"
				"exercise a/b attempts=3x\n";

	expect_set_aside(*state, t, strlen(t), "corrupt", "line 3");
}

static void test_bad_status_is_corrupt(void **state)
{
	static const char t[] = "workbook-progress 1\n"
				"exercise a/b status=passed\n";

	expect_set_aside(*state, t, strlen(t), "corrupt", "line 2");
}

static void test_nul_byte_is_corrupt(void **state)
{
	static const char t[] = "workbook-progress 1\n"
				"exercise a/b\n"
				"exercise a/c hints=1\0\n";

	expect_set_aside(*state, t, sizeof(t) - 1, "corrupt", "line 3");
}

static void test_record_without_name_is_corrupt(void **state)
{
	static const char t[] = "workbook-progress 1\nquiz   \n";

	expect_set_aside(*state, t, strlen(t), "corrupt", "line 2");
}

static void test_bad_name_is_corrupt(void **state)
{
	static const char t[] = "workbook-progress 1\nexercise a;b\n";

	expect_set_aside(*state, t, strlen(t), "corrupt", "line 2");
}

static void test_overlong_line_is_corrupt(void **state)
{
	size_t len = 20 + 5000 + 1;
	char *t = xmalloc(len);

	memcpy(t, "workbook-progress 1\n", 20);
	memset(t + 20, 'x', 5000);
	t[len - 1] = '\n';
	expect_set_aside(*state, t, len, "corrupt", "line 2");
	free(t);
}

static void test_oversized_file_is_corrupt(void **state)
{
	size_t len = ((size_t)4 << 20) + 100, at = 0;
	char *t = xmalloc(len);

	at += (size_t)snprintf(t, len, "workbook-progress 1\n");
	while (at < len) {
		t[at] = (at + 1) % 64 == 0 ? '\n' : '#';
		at++;
	}
	expect_set_aside(*state, t, len, "corrupt", "4 MiB");
	free(t);
}

static void test_newer_version_is_set_aside_as_newer(void **state)
{
	static const char t[] = "workbook-progress 2\n"
				"exercise a/b fancy stuff\n";

	expect_set_aside(*state, t, strlen(t), "newer", "newer workbook");
}

static void test_second_set_aside_keeps_the_first(void **state)
{
	struct fx *f = *state;
	static const char one[] = "garbage one\n";
	static const char two[] = "garbage two\n";
	int attempt;

	/* Two set-asides in the same second must get two names; retry in
	 * the rare case the clock ticked between them. */
	for (attempt = 0; attempt < 5; attempt++) {
		struct progress p;
		struct err e;
		char *first, *second, *data;
		size_t len;

		path_remove_tree(f->dir, &e);
		assert_int_equal(mkdir(f->dir, 0700), 0);
		progress_init(&p, f->path);
		write_bytes(f->path, one, strlen(one));
		assert_int_equal(progress_load(&p, &e), 0);
		assert_int_equal(
		    count_files(f->dir, "progress.corrupt-", &first), 1);
		write_bytes(f->path, two, strlen(two));
		assert_int_equal(progress_load(&p, &e), 0);
		assert_int_equal(count_files(f->dir, "progress.corrupt-", NULL),
				 2);
		second = xasprintf("%s-1", first);
		if (!path_exists(second)) { /* a different second */
			free(first);
			free(second);
			progress_release(&p);
			continue;
		}
		assert_non_null(strstr(p.notice, second));
		data = read_bytes(first, &len);
		assert_string_equal(data, one);
		free(data);
		data = read_bytes(second, &len);
		assert_string_equal(data, two);
		free(data);
		free(first);
		free(second);
		progress_release(&p);
		return;
	}
	fail_msg("never managed two set-asides within one second");
}

static void test_saving_after_set_aside_keeps_it(void **state)
{
	struct fx *f = *state;
	static const char bad[] = "workbook-progress 1\nexercise x status=?\n";
	struct progress p;
	struct err e;
	char *aside, *data;
	size_t len;

	write_bytes(f->path, bad, strlen(bad));
	progress_init(&p, f->path);
	assert_int_equal(progress_load(&p, &e), 0);
	assert_non_null(p.notice);
	progress_ex_get(&p, "x")->attempts = 1;
	assert_int_equal(progress_save(&p, &e), 0);
	assert_int_equal(count_files(f->dir, "progress.corrupt-", &aside), 1);
	data = read_bytes(aside, &len);
	assert_string_equal(data, bad);
	free(data);
	free(aside);
	progress_release(&p);
}

static void test_leftover_tmp_file_does_not_confuse_loading(void **state)
{
	struct fx *f = *state;
	struct progress p;
	struct err e;
	char *tmp = xasprintf("%s.tmp-99999", f->path);
	char *mine = xasprintf("%s.tmp-%ld", f->path, (long)getpid());

	progress_init(&p, f->path);
	progress_ex_get(&p, "a/b")->attempts = 2;
	assert_int_equal(progress_save(&p, &e), 0);
	/* A killed writer's half-written file, and one with our pid. */
	write_bytes(tmp, "workbook-progress 1\nexercise a/b attem", 38);
	write_bytes(mine, "garbage", 7);
	assert_int_equal(progress_load(&p, &e), 0);
	assert_null(p.notice);
	assert_int_equal(progress_ex_find(&p, "a/b")->attempts, 2);
	assert_int_equal(count_files(f->dir, "progress.corrupt-", NULL), 0);
	/* Saving over a stale temp file of our own pid works. */
	progress_ex_get(&p, "a/b")->attempts = 3;
	if (progress_save(&p, &e) < 0)
		fail_msg("%s", e.msg);
	assert_int_equal(progress_load(&p, &e), 0);
	assert_int_equal(progress_ex_find(&p, "a/b")->attempts, 3);
	assert_false(path_exists(mine));
	free(tmp);
	free(mine);
	progress_release(&p);
}

/* ---- saving ------------------------------------------------------------ */

static void test_save_creates_the_parent_folder(void **state)
{
	struct fx *f = *state;
	char *deep = xasprintf("%s/a/b/progress", f->dir);
	struct progress p;
	struct err e;

	progress_init(&p, deep);
	progress_quiz_get(&p, "q/one")->answer = 2;
	if (progress_save(&p, &e) < 0)
		fail_msg("%s", e.msg);
	assert_int_equal(progress_load(&p, &e), 0);
	assert_int_equal(progress_quiz_find(&p, "q/one")->answer, 2);
	free(deep);
	progress_release(&p);
}

/*
 * Save over an existing file with a failure injected (rename failing with
 * rename_err, or the fsync_at-th fsync failing with fsync_err).  The old
 * file must stay as it was, no temporary file may be left, and e must
 * name `step`.
 */
static void expect_failed_save(struct fx *f, int rename_err, int fsync_err,
			       int fsync_at, const char *step)
{
	struct progress p;
	struct err e;
	char *before, *after;
	size_t n1, n2;

	progress_init(&p, f->path);
	progress_ex_get(&p, "old/one")->attempts = 1;
	assert_int_equal(progress_save(&p, &e), 0);
	before = read_bytes(f->path, &n1);
	progress_ex_get(&p, "new/two")->attempts = 2;
	rename_errno = rename_err;
	fsync_errno = fsync_err;
	fsync_fail_at = fsync_at;
	fsync_calls = 0;
	err_clear(&e);
	assert_int_equal(progress_save(&p, &e), -1);
	rename_errno = fsync_errno = 0;
	if (!strstr(e.msg, step) || !strstr(e.msg, f->path))
		fail_msg("message '%s' does not name '%s' and the file", e.msg,
			 step);
	after = read_bytes(f->path, &n2);
	assert_int_equal(n1, n2);
	assert_memory_equal(before, after, n1);
	assert_int_equal(count_files(f->dir, "progress.tmp-", NULL), 0);
	free(before);
	free(after);
	progress_release(&p);
}

static void test_failed_rename_keeps_the_old_file(void **state)
{
	expect_failed_save(*state, EXDEV, 0, 0, "cannot rename");
	expect_failed_save(*state, EIO, 0, 0, "Input/output error");
}

static void test_failed_fsync_keeps_the_old_file(void **state)
{
	expect_failed_save(*state, 0, EIO, 1, "cannot fsync");
}

static void test_failed_folder_fsync_is_reported(void **state)
{
	struct fx *f = *state;
	struct progress p;
	struct err e;

	progress_init(&p, f->path);
	progress_ex_get(&p, "a/b")->hints = 1;
	fsync_errno = EIO;
	fsync_fail_at = 2; /* the first is the file's */
	fsync_calls = 0;
	assert_int_equal(progress_save(&p, &e), -1);
	fsync_errno = 0;
	assert_non_null(strstr(e.msg, "cannot fsync folder"));
	assert_non_null(strstr(e.msg, f->dir));
	/* The rename had happened: the new file is whole. */
	assert_int_equal(progress_load(&p, &e), 0);
	assert_null(p.notice);
	assert_int_equal(progress_ex_find(&p, "a/b")->hints, 1);
	assert_int_equal(count_files(f->dir, "progress.tmp-", NULL), 0);
	progress_release(&p);
}

static void test_save_syncs_file_and_folder(void **state)
{
	struct fx *f = *state;
	struct progress p;
	struct err e;

	progress_init(&p, f->path);
	fsync_calls = 0;
	assert_int_equal(progress_save(&p, &e), 0);
	assert_int_equal(fsync_calls, 2);
	progress_release(&p);
}

/* ---- two instances ----------------------------------------------------- */

static int bump(struct progress *p, void *arg)
{
	const char *quiz = arg;

	progress_ex_get(p, "memory/overflow")->attempts++;
	progress_quiz_get(p, quiz)->tries++;
	return 0;
}

#define WRITERS 4
#define BUMPS	50

static void test_update_from_many_processes_loses_nothing(void **state)
{
	struct fx *f = *state;
	pid_t kids[WRITERS];
	struct progress p;
	struct err e;
	int i;

	for (i = 0; i < WRITERS; i++) {
		kids[i] = fork();
		assert_true(kids[i] >= 0);
		if (kids[i] == 0) {
			char quiz[32];
			struct progress mine;
			int n, bad = 0;

			snprintf(quiz, sizeof(quiz), "writer/%d", i);
			progress_init(&mine, f->path);
			for (n = 0; n < BUMPS; n++)
				if (progress_update(&mine, bump, quiz, &e) < 0)
					bad = 1;
			if (mine.notice)
				bad = 1;
			progress_release(&mine);
			_exit(bad);
		}
	}
	for (i = 0; i < WRITERS; i++) {
		int st;
		assert_int_equal(waitpid(kids[i], &st, 0), kids[i]);
		assert_true(WIFEXITED(st));
		assert_int_equal(WEXITSTATUS(st), 0);
	}
	progress_init(&p, f->path);
	assert_int_equal(progress_load(&p, &e), 0);
	assert_null(p.notice);
	assert_int_equal(progress_ex_find(&p, "memory/overflow")->attempts,
			 WRITERS * BUMPS);
	assert_int_equal(p.nquiz, WRITERS);
	for (i = 0; i < WRITERS; i++)
		assert_int_equal(p.quiz[i].tries, BUMPS);
	/* The lock file stays. */
	assert_int_equal(count_files(f->dir, "progress.lock", NULL), 1);
	progress_release(&p);
}

static int mark_done(struct progress *p, void *arg)
{
	(void)arg;
	progress_ex_get(p, "a/b")->state = EX_DONE;
	return 0;
}

static void test_update_rereads_the_file(void **state)
{
	struct fx *f = *state;
	static const char disk[] = "workbook-progress 1\n"
				   "exercise a/b attempts=5 mine=1\n"
				   "other stuff\n";
	struct progress p;
	struct err e;

	write_bytes(f->path, disk, strlen(disk));
	progress_init(&p, f->path);
	progress_ex_get(&p, "in/memory")->attempts = 9; /* discarded */
	if (progress_update(&p, mark_done, NULL, &e) < 0)
		fail_msg("%s", e.msg);
	assert_null(progress_ex_find(&p, "in/memory"));
	assert_int_equal(progress_ex_find(&p, "a/b")->attempts, 5);
	progress_release(&p);
	progress_init(&p, f->path);
	assert_int_equal(progress_load(&p, &e), 0);
	assert_int_equal(progress_ex_find(&p, "a/b")->state, EX_DONE);
	assert_string_equal(progress_ex_find(&p, "a/b")->extra, "mine=1");
	assert_int_equal(p.nother, 1);
	progress_release(&p);
}

static int change_then_refuse(struct progress *p, void *arg)
{
	(void)arg;
	progress_ex_get(p, "a/b")->attempts = 100;
	return -1;
}

static void test_update_refused_saves_nothing(void **state)
{
	struct fx *f = *state;
	static const char disk[] = "workbook-progress 1\n"
				   "exercise a/b attempts=5\n";
	struct progress p;
	struct err e;
	char *after;
	size_t len;

	write_bytes(f->path, disk, strlen(disk));
	progress_init(&p, f->path);
	assert_int_equal(progress_update(&p, change_then_refuse, NULL, &e), -1);
	assert_true(e.msg[0] != '\0');
	assert_int_equal(progress_ex_find(&p, "a/b")->attempts, 5);
	after = read_bytes(f->path, &len);
	assert_string_equal(after, disk);
	free(after);
	progress_release(&p);
}

static void test_update_sets_aside_a_corrupt_file(void **state)
{
	struct fx *f = *state;
	static const char bad[] = "workbook-progress 1\nexercise\n";
	struct progress p;
	struct err e;
	char *aside, *data;
	size_t len;

	write_bytes(f->path, bad, strlen(bad));
	progress_init(&p, f->path);
	if (progress_update(&p, mark_done, NULL, &e) < 0)
		fail_msg("%s", e.msg);
	assert_non_null(p.notice);
	assert_non_null(strstr(p.notice, "line 2"));
	assert_int_equal(count_files(f->dir, "progress.corrupt-", &aside), 1);
	data = read_bytes(aside, &len);
	assert_string_equal(data, bad);
	free(data);
	free(aside);
	progress_release(&p);
	progress_init(&p, f->path);
	assert_int_equal(progress_load(&p, &e), 0);
	assert_null(p.notice);
	assert_int_equal(progress_ex_find(&p, "a/b")->state, EX_DONE);
	progress_release(&p);
}

/* ---- a writer killed at any moment ------------------------------------ */

#define KILLS 200

static void test_sigkill_during_save_leaves_a_whole_file(void **state)
{
	struct fx *f = *state;
	struct progress a, b, got;
	struct err e;
	char *ta, *tb;
	unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid();
	int i;

	/* Two different contents, one small and one of many lines. */
	progress_init(&a, f->path);
	progress_ex_get(&a, "only/one")->attempts = 1;
	progress_init(&b, f->path);
	for (i = 0; i < 300; i++) {
		char name[32];
		snprintf(name, sizeof(name), "section%d/ex", i);
		progress_ex_get(&b, name)->attempts = i + 1;
	}
	ta = format_str(&a);
	tb = format_str(&b);
	assert_int_equal(progress_save(&a, &e), 0);
	progress_init(&got, f->path);
	for (i = 0; i < KILLS; i++) {
		struct timespec ts = {0, 0};
		int fds[2], st;
		char c;
		pid_t kid;

		assert_int_equal(pipe(fds), 0);
		kid = fork();
		assert_true(kid >= 0);
		if (kid == 0) {
			unsigned n;
			close(fds[0]);
			if (write(fds[1], "x", 1) != 1)
				_exit(1);
			for (n = 0;; n++)
				if (progress_save(n % 2 ? &a : &b, &e) < 0)
					_exit(1);
		}
		close(fds[1]);
		/* Once it runs (or has died), wait 0-2 ms and kill it. */
		assert_true(read(fds[0], &c, 1) >= 0);
		close(fds[0]);
		ts.tv_nsec = (long)(rand_r(&seed) % 2000) * 1000;
		nanosleep(&ts, NULL);
		kill(kid, SIGKILL);
		assert_int_equal(waitpid(kid, &st, 0), kid);
		if (!WIFSIGNALED(st))
			fail_msg("writer exited by itself (status %d)", st);
		assert_int_equal(progress_load(&got, &e), 0);
		if (got.notice)
			fail_msg("kill %d: %s", i, got.notice);
		char *now = format_str(&got);
		if (strcmp(now, ta) != 0 && strcmp(now, tb) != 0)
			fail_msg("kill %d: the file is neither content", i);
		free(now);
	}
	free(ta);
	free(tb);
	progress_release(&a);
	progress_release(&b);
	progress_release(&got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    TEST(test_parse_reads_every_field),
	    TEST(test_format_is_sorted_and_stable),
	    TEST(test_save_and_load_round_trip),
	    TEST(test_line_of_4096_bytes_is_accepted),
	    TEST(test_duplicate_record_is_corrupt),
	    TEST(test_ex_get_creates_not_tried_and_remove_forgets),
	    TEST(test_unwritable_record_name_is_left_out),
	    TEST(test_missing_file_is_empty_progress),
	    TEST(test_empty_file_is_corrupt),
	    TEST(test_bad_header_is_corrupt),
	    TEST(test_bad_number_is_corrupt),
	    TEST(test_bad_status_is_corrupt),
	    TEST(test_nul_byte_is_corrupt),
	    TEST(test_record_without_name_is_corrupt),
	    TEST(test_bad_name_is_corrupt),
	    TEST(test_overlong_line_is_corrupt),
	    TEST(test_oversized_file_is_corrupt),
	    TEST(test_newer_version_is_set_aside_as_newer),
	    TEST(test_second_set_aside_keeps_the_first),
	    TEST(test_saving_after_set_aside_keeps_it),
	    TEST(test_leftover_tmp_file_does_not_confuse_loading),
	    TEST(test_save_creates_the_parent_folder),
	    TEST(test_failed_rename_keeps_the_old_file),
	    TEST(test_failed_fsync_keeps_the_old_file),
	    TEST(test_failed_folder_fsync_is_reported),
	    TEST(test_save_syncs_file_and_folder),
	    TEST(test_update_from_many_processes_loses_nothing),
	    TEST(test_update_rereads_the_file),
	    TEST(test_update_refused_saves_nothing),
	    TEST(test_update_sets_aside_a_corrupt_file),
	    TEST(test_sigkill_during_save_leaves_a_whole_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
