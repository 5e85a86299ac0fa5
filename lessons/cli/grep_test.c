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
	char *err; /* stderr */
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
	assert_string_equal(r.out, "The rain in Spain\nstays mainly\n"
				   "in the plain.\nRAIN again\n");
	assert_int_equal(r.status, 0);
	release(&r);
	run_grep(&r, NULL, "rain", "poem.txt", NULL);
	assert_string_equal(r.out, "The rain in Spain\n"); /* case matters */
	assert_int_equal(r.status, 0);
	release(&r);
}

static void test_no_match_exits_1(void **state)
{
	struct run r;
	(void)state;

	put_text("poem.txt", poem);
	run_grep(&r, NULL, "snow", "poem.txt", NULL);
	assert_string_equal(r.out, "");
	assert_int_equal(r.status, 1); /* 1: no line selected */
	release(&r);
}

static void test_reads_stdin_without_a_file(void **state)
{
	struct run r;
	(void)state;

	run_grep(&r, poem, "plain", NULL);
	assert_string_equal(r.out, "in the plain.\n");
	assert_int_equal(r.status, 0);
	release(&r);
}

static void test_several_files_show_names(void **state)
{
	struct run r;
	(void)state;

	put_text("poem.txt", poem);
	put_text("notes.txt", "buy grain\nfix the drain\n");
	run_grep(&r, NULL, "ain.", "poem.txt", "notes.txt", NULL);
	assert_string_equal(r.out, "poem.txt:in the plain.\n");
	release(&r);
	run_grep(&r, NULL, "rain", "poem.txt", "notes.txt", NULL);
	assert_string_equal(r.out, "poem.txt:The rain in Spain\n"
				   "notes.txt:buy grain\n"
				   "notes.txt:fix the drain\n");
	assert_int_equal(r.status, 0);
	release(&r);
}

static void test_dash_means_stdin(void **state)
{
	struct run r;
	(void)state;

	put_text("notes.txt", "buy grain\n");
	run_grep(&r, "rain on me\n", "rain", "-", "notes.txt", NULL);
	assert_string_equal(r.out, "(standard input):rain on me\n"
				   "notes.txt:buy grain\n");
	release(&r);
}

static void test_ignore_case(void **state)
{
	struct run r;
	(void)state;

	put_text("poem.txt", poem);
	run_grep(&r, NULL, "-i", "RaIn", "poem.txt", NULL);
	assert_string_equal(r.out, "The rain in Spain\nRAIN again\n");
	assert_int_equal(r.status, 0);
	release(&r);
}

static void test_line_numbers(void **state)
{
	struct run r;
	(void)state;

	put_text("poem.txt", poem);
	put_text("notes.txt", "buy grain\nfix the drain\n");
	run_grep(&r, NULL, "-n", "in", "poem.txt", NULL);
	assert_string_equal(r.out, "1:The rain in Spain\n2:stays mainly\n"
				   "3:in the plain.\n4:RAIN again\n");
	release(&r);
	run_grep(&r, NULL, "-n", "the", "poem.txt", "notes.txt", NULL);
	assert_string_equal(r.out, "poem.txt:3:in the plain.\n"
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
	assert_string_equal(r.out, "4\n");
	assert_int_equal(r.status, 0);
	release(&r);
	run_grep(&r, NULL, "-c", "Spain", "poem.txt", "notes.txt", NULL);
	assert_string_equal(r.out, "poem.txt:1\nnotes.txt:0\n");
	release(&r);
	run_grep(&r, NULL, "-c", "snow", "poem.txt", NULL);
	assert_string_equal(r.out, "0\n"); /* a count is printed... */
	assert_int_equal(r.status, 1);	   /* ...and still no line matched */
	release(&r);
}

static void test_options_combine(void **state)
{
	struct run r;
	(void)state;

	put_text("poem.txt", poem);
	run_grep(&r, NULL, "-in", "rain", "poem.txt", NULL);
	assert_string_equal(r.out, "1:The rain in Spain\n4:RAIN again\n");
	release(&r);
	run_grep(&r, NULL, "-i", "-c", "RAIN", "poem.txt", NULL);
	assert_string_equal(r.out, "2\n");
	release(&r);
}

static void test_missing_file_is_reported(void **state)
{
	struct run r;
	(void)state;

	put_text("poem.txt", poem);
	run_grep(&r, NULL, "Spain", "nosuch.txt", "poem.txt", NULL);
	/* The message names the file and says why, on stderr... */
	assert_non_null(strstr(r.err, "nosuch.txt"));
	assert_non_null(strstr(r.err, "No such file or directory"));
	/* ...the other file is still searched... */
	assert_string_equal(r.out, "poem.txt:The rain in Spain\n");
	/* ...and the status says something went wrong. */
	assert_int_equal(r.status, 2);
	release(&r);
}

static void test_directory_is_an_error(void **state)
{
	struct run r;
	(void)state;

	run_grep(&r, NULL, "x", ".", NULL);
	assert_non_null(strstr(r.err, "Is a directory"));
	assert_int_equal(r.status, 2);
	release(&r);
}

static void test_usage_errors_exit_2(void **state)
{
	struct run r;
	(void)state;

	run_grep(&r, NULL, NULL);
	assert_int_equal(r.status, 2);	/* no pattern */
	assert_true(strlen(r.err) > 0); /* and a word about it on stderr */
	assert_string_equal(r.out, "");
	release(&r);
	run_grep(&r, NULL, "-x", "rain", NULL);
	assert_int_equal(r.status, 2); /* an option we do not have */
	assert_true(strlen(r.err) > 0);
	release(&r);
}

static void test_last_line_without_newline(void **state)
{
	struct run r;
	(void)state;

	put_text("tail.txt", "first\nlast line");
	run_grep(&r, NULL, "last", "tail.txt", NULL);
	assert_string_equal(r.out, "last line\n"); /* printed with one */
	release(&r);
	run_grep(&r, NULL, "-c", "line", "tail.txt", NULL);
	assert_string_equal(r.out, "1\n");
	release(&r);
}

static void test_empty_input(void **state)
{
	struct run r;
	(void)state;

	put_text("empty.txt", "");
	run_grep(&r, NULL, "x", "empty.txt", NULL);
	assert_string_equal(r.out, "");
	assert_int_equal(r.status, 1);
	release(&r);
	run_grep(&r, NULL, "-c", "x", "empty.txt", NULL);
	assert_string_equal(r.out, "0\n");
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
	assert_int_equal(r.outlen, n + 1); /* the whole line, once */
	assert_memory_equal(r.out, line, n + 1);
	release(&r);
	run_grep(&r, NULL, "-c", "aaa", "long.txt", NULL);
	assert_string_equal(r.out, "1\n"); /* one line, however long */
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
	assert_int_equal(r.outlen, wlen);
	assert_memory_equal(r.out, want, wlen);
	release(&r);
	run_grep(&r, NULL, "-n", "needle", "big.txt", NULL);
	/* The first needle sits across 4096, on line 103. */
	assert_memory_equal(r.out, "103:", 4);
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
	assert_string_equal(r.out, "4\n");
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
