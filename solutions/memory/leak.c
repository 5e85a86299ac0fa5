/*
 * memory/leak: reference solution.
 *
 * Every malloc has exactly one matching free.  free_words walks the array
 * to the NULL that ends it, frees each word, then the array.  split_words
 * keeps the array NULL-terminated at every moment, so its error paths can
 * hand a half-built array to free_words: one cleanup function, used by
 * callers and by the error paths alike.
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

void free_words(char **words)
{
	if (words == NULL)
		return;
	for (char **w = words; *w != NULL; w++)
		free(*w);
	free(words);
}

char **split_words(const char *text, size_t max_words, size_t *count)
{
	/* One slot per word, plus one for the terminating NULL. */
	char **words = malloc((max_words + 1) * sizeof *words);
	size_t n = 0;

	if (words == NULL)
		return NULL;
	words[0] = NULL;
	for (;;) {
		text += strspn(text, SEPARATORS); /* skip to the next word */
		if (*text == '\0')
			break;
		if (n == max_words)
			goto fail; /* too many words */
		size_t len = strcspn(text, SEPARATORS);
		words[n] = copy_word(text, len);
		if (words[n] == NULL)
			goto fail; /* out of memory; words[n] is the NULL end */
		words[++n] = NULL;
		text += len;
	}
	*count = n;
	return words;

fail:
	free_words(words); /* the words so far, then the array */
	return NULL;
}
