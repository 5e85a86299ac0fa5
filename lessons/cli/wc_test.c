/*
 * Tests for cli/wc: the learner's whole program, main included, reached
 * as __real_main (the harness links with -Wl,--wrap=main).  Each run is a
 * child process with stdin, stdout and stderr redirected to files in a
 * temporary folder, as in grep_test.c.
 *
 * The starter passes these: it is correct, only slow.  They are here so
 * that a faster version stays correct: a count carried wrongly from one
 * read() to the next shows in test_word_across_read_boundaries.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int __real_main(int argc, char **argv);

#define OUT_MAX 4096

struct run {
	int status;
	char out[OUT_MAX];
	char err[OUT_MAX];
	char cmd[64]; /* "wc notes.txt", for messages */
};

static char folder[256];

static void put_file(const char *name, const char *text, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", folder, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void slurp(const char *name, char *out)
{
	char path[512];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", folder, name);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(out, 1, OUT_MAX - 1, f);
	fclose(f);
	out[n] = '\0';
}

/* Text on one line for a message, newlines escaped. */
static void shown(const char *s, char *out, size_t n)
{
	size_t o = 0;

	for (; *s && o + 3 < n; s++) {
		if (*s == '\n') {
			out[o++] = '\\';
			out[o++] = 'n';
		} else {
			out[o++] = *s;
		}
	}
	out[o] = '\0';
}

static void expect_out(const struct run *r, const char *want)
{
	char a[200], b[200];

	if (!strcmp(r->out, want))
		return;
	shown(want, a, sizeof(a));
	shown(r->out, b, sizeof(b));
	fail_msg("'%s' printed '%s', expected '%s'", r->cmd, b, a);
}

static void expect_status(const struct run *r, int want)
{
	if (r->status != want)
		fail_msg("'%s' exited with status %d, expected %d", r->cmd,
			 r->status, want);
}

/* wc [file] with `input` on stdin. */
static void run_wc(struct run *r, const char *input, const char *file)
{
	static char name[] = "wc";
	char *argv[] = {name, (char *)file, NULL};
	int status;
	pid_t pid;

	snprintf(r->cmd, sizeof(r->cmd), "wc%s%s%s", file ? " " : "",
		 file ? file : "", input ? " < input" : "");
	put_file(".stdin", input ? input : "", input ? strlen(input) : 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (chdir(folder) != 0 || !freopen(".stdin", "r", stdin) ||
		    !freopen(".stdout", "w", stdout) ||
		    !freopen(".stderr", "w", stderr))
			_exit(99);
		alarm(10);
		exit(__real_main(file ? 2 : 1, argv));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	r->status =
	    WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	slurp(".stdout", r->out);
	slurp(".stderr", r->err);
}

static int setup(void **state)
{
	(void)state;
	snprintf(folder, sizeof(folder), "%s/wbwc.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	return mkdtemp(folder) ? 0 : -1;
}

static int teardown(void **state)
{
	const char *names[] = {".stdin",    ".stdout", ".stderr", "notes.txt",
			       "empty.txt", "big.txt", NULL};
	(void)state;
	for (int i = 0; names[i]; i++) {
		char path[512];
		snprintf(path, sizeof(path), "%s/%s", folder, names[i]);
		unlink(path);
	}
	rmdir(folder);
	return 0;
}

static const char notes[] = "buy grain\nfix the  drain\n\tcall Ada\n";

static void test_counts_a_file(void **state)
{
	struct run r;
	(void)state;

	put_file("notes.txt", notes, strlen(notes)); /* 35 bytes: width 2 */
	run_wc(&r, NULL, "notes.txt");
	expect_out(&r, " 3  7 35 notes.txt\n");
	expect_status(&r, 0);
}

static void test_width_follows_file_size(void **state)
{
	size_t n = 123456; /* six digits */
	char *text = malloc(n);
	struct run r;
	(void)state;

	assert_non_null(text);
	for (size_t i = 0; i < n; i++)
		text[i] = i % 10 == 9 ? '\n' : i % 5 == 4 ? ' ' : 'x';
	put_file("big.txt", text, n);
	run_wc(&r, NULL, "big.txt");
	expect_out(&r, " 12345  24692 123456 big.txt\n");
	free(text);
}

static void test_empty_file(void **state)
{
	struct run r;
	(void)state;

	put_file("empty.txt", "", 0);
	run_wc(&r, NULL, "empty.txt");
	expect_out(&r, "0 0 0 empty.txt\n");
	expect_status(&r, 0);
}

static void test_missing_file(void **state)
{
	struct run r;
	(void)state;

	run_wc(&r, NULL, "nosuch.txt");
	expect_out(&r, "");
	assert_non_null(strstr(r.err, "nosuch.txt"));
	assert_non_null(strstr(r.err, "No such file or directory"));
	expect_status(&r, 1);
}

static void test_word_across_read_boundaries(void **state)
{
	size_t n = 520 * 1024;
	char *text = malloc(n), want[64];
	struct run r;
	(void)state;

	/* One word of 520 KiB, then " x\n": wherever the input is cut into
	 * reads (4 KiB, 64 KiB, 256 KiB...), the long word counts once. */
	assert_non_null(text);
	memset(text, 'w', n - 3);
	memcpy(text + n - 3, " x\n", 3);
	put_file("big.txt", text, n);
	run_wc(&r, NULL, "big.txt");
	snprintf(want, sizeof(want), "     1      2 %zu big.txt\n", n);
	expect_out(&r, want);
	free(text);
}

static void test_stdin_from_a_file(void **state)
{
	struct run r;
	(void)state;

	/* Here stdin is a regular file (4 bytes): the width comes from its
	 * size, as GNU wc does it.  From a pipe it would be 7 (the io checks
	 * try that). */
	run_wc(&r, "a b\n", NULL);
	expect_out(&r, "1 2 4\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_counts_a_file),
	    cmocka_unit_test(test_width_follows_file_size),
	    cmocka_unit_test(test_empty_file),
	    cmocka_unit_test(test_missing_file),
	    cmocka_unit_test(test_word_across_read_boundaries),
	    cmocka_unit_test(test_stdin_from_a_file),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
