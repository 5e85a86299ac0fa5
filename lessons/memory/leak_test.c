/*
 * Tests for memory/leak: split_words() and free_words().
 *
 * The starter passes every test at `tests`: its answers are right.  It
 * fails at `sanitize`, where LeakSanitizer reports the memory it never
 * frees: the words themselves (free_words releases only the array), and
 * everything built so far when a line has too many words
 * (test_too_many_words_returns_null).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

char **split_words(const char *text, size_t max_words, size_t *count);
void free_words(char **words);

/* Fail unless words holds exactly want[0..n-1] followed by NULL. */
static void assert_words_are(char **words, const char *const *want, size_t n)
{
	assert_non_null(words); /* split_words returned NULL */
	for (size_t i = 0; i < n; i++) {
		if (words[i] == NULL)
			fail_msg("only %zu word(s), expected %zu", i, n);
		if (strcmp(words[i], want[i]) != 0)
			fail_msg("word %zu is \"%s\", expected \"%s\"", i,
				 words[i], want[i]);
	}
	if (words[n] != NULL)
		fail_msg("words[%zu] should be the terminating NULL, "
			 "but holds \"%s\"",
			 n, words[n]);
}

static void test_splits_a_simple_line(void **state)
{
	const char *want[] = {"cp", "notes.txt", "backup/"};
	size_t count = 99;
	(void)state;

	char **words = split_words("cp notes.txt backup/", 8, &count);
	assert_words_are(words, want, 3);
	assert_int_equal(count, 3); /* *count is the number of words */
	free_words(words);
}

static void test_ignores_extra_separators(void **state)
{
	const char *want[] = {"cp", "notes.txt", "backup/"};
	size_t count = 99;
	(void)state;

	/* Spaces and tabs, in runs, at both ends. */
	char **words = split_words("  cp \t notes.txt   backup/\t ", 8, &count);
	assert_words_are(words, want, 3);
	assert_int_equal(count, 3);
	free_words(words);
}

static void test_single_word(void **state)
{
	const char *want[] = {"ls"};
	size_t count = 99;
	(void)state;

	char **words = split_words("ls", 8, &count);
	assert_words_are(words, want, 1);
	assert_int_equal(count, 1);
	free_words(words);
}

static void test_blank_text_gives_empty_array(void **state)
{
	size_t count = 99;
	(void)state;

	char **words = split_words("", 8, &count);
	assert_non_null(words); /* an empty array, not NULL */
	assert_null(words[0]);	/* ... holding only the NULL end */
	assert_int_equal(count, 0);
	free_words(words);

	count = 99;
	words = split_words(" \t  ", 8, &count); /* separators only */
	assert_non_null(words);
	assert_null(words[0]);
	assert_int_equal(count, 0);
	free_words(words);
}

static void test_exactly_max_words_is_accepted(void **state)
{
	const char *want[] = {"mv", "a", "b"};
	size_t count = 99;
	(void)state;

	char **words = split_words("mv a b", 3, &count); /* 3 of at most 3 */
	assert_words_are(words, want, 3);
	assert_int_equal(count, 3);
	free_words(words);
}

static void test_too_many_words_returns_null(void **state)
{
	size_t count = 99;
	(void)state;

	/* Three words where at most two are allowed: rejected, and nothing
	 * allocated along the way may stay allocated. */
	assert_null(split_words("rm -rf tmp", 2, &count));
	assert_null(split_words("a b c d e f g h i", 0, &count));
}

static void test_words_are_copies(void **state)
{
	char line[] = "echo hello";
	const char *want[] = {"echo", "hello"};
	size_t count = 99;
	(void)state;

	char **words = split_words(line, 8, &count);
	memset(line, 'x', sizeof line - 1); /* the caller reuses its buffer */
	assert_words_are(words, want, 2);   /* words must not point into line */
	free_words(words);
}

static void test_free_words_accepts_null(void **state)
{
	(void)state;

	free_words(NULL); /* like free(NULL): does nothing */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_splits_a_simple_line),
	    cmocka_unit_test(test_ignores_extra_separators),
	    cmocka_unit_test(test_single_word),
	    cmocka_unit_test(test_blank_text_gives_empty_array),
	    cmocka_unit_test(test_exactly_max_words_is_accepted),
	    cmocka_unit_test(test_too_many_words_returns_null),
	    cmocka_unit_test(test_words_are_copies),
	    cmocka_unit_test(test_free_words_accepts_null),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
