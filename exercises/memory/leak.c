/*
 * memory/leak: split a command line into words, and give every byte back
 *
 * A tiny shell splits each command line into words before running it:
 * "  cp  notes.txt backup/ " becomes "cp", "notes.txt", "backup/".  Commands
 * may have at most `max_words` words; a longer line is rejected.  Two
 * functions do the work:
 *
 *     char **split_words(const char *text, size_t max_words, size_t *count);
 *     void free_words(char **words);
 *
 * The contract:
 *   - words are separated by one or more spaces or tabs; separators at the
 *     start and the end are ignored;
 *   - split_words returns a NULL-terminated array of words, each one its own
 *     malloc'ed string, and stores the number of words in *count.  Empty or
 *     blank text gives an array holding only NULL, with *count = 0;
 *   - with more than max_words words, or when malloc fails, it returns NULL
 *     and leaves nothing allocated;
 *   - free_words releases everything split_words allocated: every word and
 *     the array.  free_words(NULL) does nothing.
 *
 * The starter gives the right answers, and the plain tests pass.  But
 * memory goes missing, in more than one place.  The sanitize check runs
 * LeakSanitizer, which reports every block still allocated at exit and
 * where it was allocated.
 *
 * Check your work:   workbook check memory/leak
 * Stuck?             workbook hint memory/leak
 */
#include <stdlib.h>
#include <string.h>

#define SEPARATORS " \t"

/* A new string holding the len bytes at p, or NULL when out of memory. */
static char *copy_word(const char *p, size_t len)
{
	char *word = malloc(len + 1);

	if (word == NULL)
		return NULL;
	memcpy(word, p, len);
	word[len] = '\0';
	return word;
}

char **split_words(const char *text, size_t max_words, size_t *count)
{
	/* One slot per word, plus one for the terminating NULL. */
	char **words = malloc((max_words + 1) * sizeof *words);
	size_t n = 0;

	if (words == NULL)
		return NULL;
	for (;;) {
		text += strspn(text, SEPARATORS); /* skip to the next word */
		if (*text == '\0')
			break;
		if (n == max_words)
			return NULL; /* too many words */
		size_t len = strcspn(text, SEPARATORS);
		words[n] = copy_word(text, len);
		if (words[n] == NULL)
			return NULL; /* out of memory */
		n++;
		text += len;
	}
	words[n] = NULL;
	*count = n;
	return words;
}

void free_words(char **words)
{
	free(words);
}
