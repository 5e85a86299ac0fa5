/*
 * Tests for cli/grep: the learner's whole program, main included.
 *
 * The workbook harness links this file with -Wl,--wrap=main, so the
 * learner's own main is reachable as __real_main.  Each test writes its
 * input files into a fresh temporary folder, then runs the program in a
 * child process (fork, then exit(__real_main(argc, argv)) in the child)
 * with stdin, stdout and stderr redirected to files, and compares what
 * came out.  A child that loops forever is stopped by alarm().
 *
 * The starter fails most of these: it has no -i/-n/-c, ignores files it
 * cannot open (test_missing_file_is_reported), cuts lines at 255 bytes
 * (test_long_line_is_one_line) and always exits with 0
 * (test_no_match_exits_1).
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int __real_main(int argc, char **argv);

#define MAX_ARGS 16
#define OUT_MAX	 (4u << 20)

struct run {
	int status; /* exit status, or 128 + signal */
	char *out;  /* stdout, NUL-terminated */
	size_t outlen;
	char *err;     /* stderr */
	char cmd[200]; /* "grep -n rain poem.txt", for messages */
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

static void put_text(const char *name, const char *text)
{
	put_file(name, text, strlen(text));
}

static char *slurp(const char *name, size_t *len)
{
	char path[512];
	FILE *f;
	char *data = malloc(OUT_MAX + 1);
	size_t n;

	assert_non_null(data);
	snprintf(path, sizeof(path), "%s/%s", folder, name);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(data, 1, OUT_MAX, f);
	fclose(f);
	data[n] = '\0';
	if (len)
		*len = n;
	return data;
}

/* Text on one line for a message: newlines and tabs escaped, cut with
 * "..." when longer than the room. */
static void shown(const char *s, size_t len, char *out, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < len && o + 6 < n; i++) {
		if (s[i] == '\n' || s[i] == '\t') {
			out[o++] = '\\';
			out[o++] = s[i] == '\n' ? 'n' : 't';
		} else {
			out[o++] = s[i];
		}
	}
	if (o + 6 >= n) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

/* The run printed exactly `want`. */
static void expect_out(const struct run *r, const char *want)
{
	char a[240], b[240];
	size_t wl = strlen(want);

	if (r->outlen == wl && !memcmp(r->out, want, wl))
		return;
	shown(want, wl, a, sizeof(a));
	shown(r->out, r->outlen, b, sizeof(b));
	fail_msg("'%s' printed '%s', expected '%s'", r->cmd, b, a);
}

/* The run ended with status `want`: 0 a line matched, 1 none, 2 error. */
static void expect_status(const struct run *r, int want)
{
	static const char *const meaning[] = {"a line matched",
					      "no line matched", "an error"};

	if (r->status > 128)
		fail_msg("'%s' was killed by signal %d", r->cmd,
			 r->status - 128);
	if (r->status != want)
		fail_msg("'%s' exited with status %d, expected %d (%s)", r->cmd,
			 r->status, want, meaning[want]);
}

/* stderr mentions `text`. */
static void expect_err(const struct run *r, const char *text)
{
	char b[240];

	if (strstr(r->err, text))
		return;
	shown(r->err, strlen(r->err), b, sizeof(b));
	fail_msg("'%s' should say '%s' on stderr; it said '%s'", r->cmd, text,
		 b);
}

/* Run the program with `input` on stdin (NULL: an empty stdin) and the
 * arguments after it, up to a NULL. */
static void run_grep(struct run *r, const char *input, ...)
{
	char *argv[MAX_ARGS + 2];
	int argc = 0, status;
	va_list ap;
	pid_t pid;
	static char name[] = "grep";

	argv[argc++] = name;
	va_start(ap, input);
	for (char *a; argc <= MAX_ARGS && (a = va_arg(ap, char *)) != NULL;)
		argv[argc++] = a;
	va_end(ap);
	argv[argc] = NULL;
	r->cmd[0] = '\0';
	for (int i = 0; i < argc; i++) {
		size_t o = strlen(r->cmd);
		snprintf(r->cmd + o, sizeof(r->cmd) - o, "%s%s", i ? " " : "",
			 argv[i][0] ? argv[i] : "''");
	}
	if (input)
		snprintf(r->cmd + strlen(r->cmd),
			 sizeof(r->cmd) - strlen(r->cmd), " < input");
	put_text(".stdin", input ? input : "");
	fflush(NULL); /* nothing of ours may be printed twice */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (chdir(folder) != 0 || !freopen(".stdin", "r", stdin) ||
		    !freopen(".stdout", "w", stdout) ||
		    !freopen(".stderr", "w", stderr))
			_exit(99);
		alarm(5);
		exit(__real_main(argc, argv));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	r->status =
	    WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	r->out = slurp(".stdout", &r->outlen);
	r->err = slurp(".stderr", NULL);
}

static void release(struct run *r)
{
	free(r->out);
	free(r->err);
}

static int setup(void **state)
{
	(void)state;
	snprintf(folder, sizeof(folder), "%s/wbgrep.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	return mkdtemp(folder) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	/* Only the files the tests made, then the folder mkdtemp made. */
	const char *names[] = {".stdin",    ".stdout",	 ".stderr",  "poem.txt",
			       "notes.txt", "empty.txt", "long.txt", "big.txt",
			       "tail.txt",  NULL};
	for (int i = 0; names[i]; i++) {
		char path[512];
		snprintf(path, sizeof(path), "%s/%s", folder, names[i]);
		unlink(path);
	}
	rmdir(folder);
	return 0;
}

static const char poem[] = "The rain in Spain\n"
			   "stays mainly\n"
			   "in the plain.\n"
			   "RAIN again\n";

static void test_finds_lines_in_a_file(void **state)
{
	struct run r;
	(void)state;

	put_text("poem.txt", poem);
	run_grep(&r, NULL, "ain", "poem.txt", NULL);
	expect_out(&r, "The rain in Spain\nstays mainly\n"
		       "in the plain.\nRAIN again\n");
	expect_status(&r, 0);
	release(&r);
	run_grep(&r, NULL, "rain", "poem.txt", NULL);
	expect_out(&r, "The rain in Spain\n"); /* case matters */
	expect_status(&r, 0);
	release(&r);
}

static void test_no_match_exits_1(void **state)
{
	struct run r;
	(void)state;

	put_text("poem.txt", poem);
	run_grep(&r, NULL, "snow", "poem.txt", NULL);
	expect_out(&r, "");
	expect_status(&r, 1); /* 1: no line selected */
	release(&r);
}

static void test_reads_stdin_without_a_file(void **state)
{
	struct run r;
	(void)state;

	run_grep(&r, poem, "plain", NULL);
	expect_out(&r, "in the plain.\n");
	expect_status(&r, 0);
	release(&r);
}

static void test_several_files_show_names(void **state)
{
	struct run r;
	(void)state;

	put_text("poem.txt", poem);
	put_text("notes.txt", "buy grain\nfix the drain\n");
	run_grep(&r, NULL, "ain.", "poem.txt", "notes.txt", NULL);
	expect_out(&r, "poem.txt:in the plain.\n");
	release(&r);
	run_grep(&r, NULL, "rain", "poem.txt", "notes.txt", NULL);
	expect_out(&r, "poem.txt:The rain in Spain\n"
		       "notes.txt:buy grain\n"
		       "notes.txt:fix the drain\n");
	expect_status(&r, 0);
	release(&r);
}

static void test_dash_means_stdin(void **state)
{
	struct run r;
	(void)state;

	put_text("notes.txt", "buy grain\n");
	run_grep(&r, "rain on me\n", "rain", "-", "notes.txt", NULL);
	expect_out(&r, "(standard input):rain on me\n"
		       "notes.txt:buy grain\n");
	release(&r);
}

static void test_ignore_case(void **state)
{
	struct run r;
	(void)state;

	put_text("poem.txt", poem);
	run_grep(&r, NULL, "-i", "RaIn", "poem.txt", NULL);
	expect_out(&r, "The rain in Spain\nRAIN again\n");
	expect_status(&r, 0);
	release(&r);
}

static void test_line_numbers(void **state)
{
	struct run r;
	(void)state;

	put_text("poem.txt", poem);
	put_text("notes.txt", "buy grain\nfix the drain\n");
	run_grep(&r, NULL, "-n", "in", "poem.txt", NULL);
	expect_out(&r, "1:The rain in Spain\n2:stays mainly\n"
		       "3:in the plain.\n4:RAIN again\n");
	release(&r);
	run_grep(&r, NULL, "-n", "the", "poem.txt", "notes.txt", NULL);
	expect_out(&r, "poem.txt:3:in the plain.\n"
		       "notes.txt:2:fix the drain\n");
	release(&r);
}

static void test_count(void **state)
{
	struct run r;
	(void)state;

	put_text("poem.txt", poem);
	put_text("notes.txt", "buy grain\nfix the drain\n");
	run_grep(&r, NULL, "-c", "ain", "poem.txt", NULL);
	expect_out(&r, "4\n");
	expect_status(&r, 0);
	release(&r);
	run_grep(&r, NULL, "-c", "Spain", "poem.txt", "notes.txt", NULL);
	expect_out(&r, "poem.txt:1\nnotes.txt:0\n");
	release(&r);
	run_grep(&r, NULL, "-c", "snow", "poem.txt", NULL);
	expect_out(&r, "0\n"); /* a count is printed... */
	expect_status(&r, 1);  /* ...and still no line matched */
	release(&r);
}

static void test_options_combine(void **state)
{
	struct run r;
	(void)state;

	put_text("poem.txt", poem);
	run_grep(&r, NULL, "-in", "rain", "poem.txt", NULL);
	expect_out(&r, "1:The rain in Spain\n4:RAIN again\n");
	release(&r);
	run_grep(&r, NULL, "-i", "-c", "RAIN", "poem.txt", NULL);
	expect_out(&r, "2\n");
	release(&r);
}

static void test_missing_file_is_reported(void **state)
{
	struct run r;
	(void)state;

	put_text("poem.txt", poem);
	run_grep(&r, NULL, "Spain", "nosuch.txt", "poem.txt", NULL);
	/* The message names the file and says why, on stderr... */
	expect_err(&r, "nosuch.txt");
	expect_err(&r, "No such file or directory");
	/* ...the other file is still searched... */
	expect_out(&r, "poem.txt:The rain in Spain\n");
	/* ...and the status says something went wrong. */
	expect_status(&r, 2);
	release(&r);
}

static void test_directory_is_an_error(void **state)
{
	struct run r;
	(void)state;

	run_grep(&r, NULL, "x", ".", NULL);
	expect_err(&r, "Is a directory");
	expect_status(&r, 2);
	release(&r);
}

static void test_usage_errors_exit_2(void **state)
{
	struct run r;
	(void)state;

	run_grep(&r, NULL, NULL);
	expect_status(&r, 2); /* no pattern */
	if (!r.err[0])	      /* and a word about it on stderr */
		fail_msg("'%s' exited with 2 but said nothing on stderr",
			 r.cmd);
	expect_out(&r, "");
	release(&r);
	run_grep(&r, NULL, "-x", "rain", NULL);
	expect_status(&r, 2); /* an option we do not have */
	if (!r.err[0])
		fail_msg("'%s' exited with 2 but said nothing on stderr",
			 r.cmd);
	release(&r);
}

static void test_last_line_without_newline(void **state)
{
	struct run r;
	(void)state;

	put_text("tail.txt", "first\nlast line");
	run_grep(&r, NULL, "last", "tail.txt", NULL);
	expect_out(&r, "last line\n"); /* printed with one */
	release(&r);
	run_grep(&r, NULL, "-c", "line", "tail.txt", NULL);
	expect_out(&r, "1\n");
	release(&r);
}

static void test_empty_input(void **state)
{
	struct run r;
	(void)state;

	put_text("empty.txt", "");
	run_grep(&r, NULL, "x", "empty.txt", NULL);
	expect_out(&r, "");
	expect_status(&r, 1);
	release(&r);
	run_grep(&r, NULL, "-c", "x", "empty.txt", NULL);
	expect_out(&r, "0\n");
	release(&r);
}

static void test_long_line_is_one_line(void **state)
{
	size_t n = 200000;
	char *line = malloc(n + 2);
	struct run r;
	(void)state;

	assert_non_null(line);
	memset(line, 'a', n);
	memcpy(line + n - 6, "needle", 6); /* at the very end */
	line[n] = '\n';
	line[n + 1] = '\0';
	put_text("long.txt", line);
	run_grep(&r, NULL, "needle", "long.txt", NULL);
	if (r.outlen != n + 1 || memcmp(r.out, line, n + 1))
		fail_msg("'%s' printed %zu bytes; the matching line is one "
			 "line of %zu bytes with its newline, and should come "
			 "out whole, once",
			 r.cmd, r.outlen, n + 1);
	release(&r);
	run_grep(&r, NULL, "-c", "aaa", "long.txt", NULL);
	expect_out(&r, "1\n"); /* one line, however long */
	release(&r);
	free(line);
}

/* Lines of 40 bytes with "needle" placed across every power-of-two offset
 * from 4 KiB to 2 MiB, where a program reading in blocks cuts its input. */
static void test_matches_across_read_boundaries(void **state)
{
	const size_t lines = 80000, width = 40;
	char *text = malloc(lines * width + 1), *want = malloc(64 * width);
	size_t wlen = 0;
	struct run r;
	(void)state;

	assert_non_null(text);
	assert_non_null(want);
	for (size_t i = 0; i < lines; i++) {
		char *l = text + i * width;
		snprintf(l, width + 1,
			 "%07zu haystack haystack haystack hays\n", i + 1);
	}
	for (size_t b = 4096; b <= (size_t)2 << 20; b *= 2) {
		size_t at = b - 3; /* "nee" before the boundary, "dle" after */
		size_t line = at / width;
		if (at % width < 8 || at % width + 6 >= width - 1)
			at = line * width + 10; /* keep it inside the text */
		memcpy(text + at, "needle", 6);
		memcpy(want + wlen, text + line * width, width);
		wlen += width;
	}
	put_file("big.txt", text, lines * width);
	run_grep(&r, NULL, "needle", "big.txt", NULL);
	if (r.outlen != wlen || memcmp(r.out, want, wlen))
		fail_msg(
		    "'%s' printed %zu bytes, expected the %zu lines of %zu "
		    "bytes that hold a needle: a match cut by a block "
		    "boundary was lost or printed wrong",
		    r.cmd, r.outlen, wlen / width, width);
	release(&r);
	run_grep(&r, NULL, "-n", "needle", "big.txt", NULL);
	/* The first needle sits across 4096, on line 103. */
	if (r.outlen < 4 || memcmp(r.out, "103:", 4))
		fail_msg("'%s': the first needle is on line 103", r.cmd);
	release(&r);
	free(text);
	free(want);
}

static void test_empty_pattern_matches_every_line(void **state)
{
	struct run r;
	(void)state;

	put_text("poem.txt", poem);
	run_grep(&r, NULL, "-c", "", "poem.txt", NULL);
	expect_out(&r, "4\n");
	release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_finds_lines_in_a_file),
	    cmocka_unit_test(test_no_match_exits_1),
	    cmocka_unit_test(test_reads_stdin_without_a_file),
	    cmocka_unit_test(test_several_files_show_names),
	    cmocka_unit_test(test_dash_means_stdin),
	    cmocka_unit_test(test_ignore_case),
	    cmocka_unit_test(test_line_numbers),
	    cmocka_unit_test(test_count),
	    cmocka_unit_test(test_options_combine),
	    cmocka_unit_test(test_missing_file_is_reported),
	    cmocka_unit_test(test_directory_is_an_error),
	    cmocka_unit_test(test_usage_errors_exit_2),
	    cmocka_unit_test(test_last_line_without_newline),
	    cmocka_unit_test(test_empty_input),
	    cmocka_unit_test(test_long_line_is_one_line),
	    cmocka_unit_test(test_matches_across_read_boundaries),
	    cmocka_unit_test(test_empty_pattern_matches_every_line),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
