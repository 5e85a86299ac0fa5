/*
 * fuzz_progress: libFuzzer target for the progress file parser.
 *
 * Any input either parses, or is refused with a message and leaves the
 * progress empty.  What parses must format to text that parses again to
 * the same text (the round trip is stable), and formatting never makes
 * the text longer than the input plus a final newline, so a file we load
 * can always be saved and loaded again within the size and line limits.
 *
 * Build and run by hand from the top of the checkout (the two lines below;
 * a line comment, since the file list holds a glob):
 */
// clang-format off
// clang -g -O1 -fsanitize=fuzzer,address,undefined -Irunner -o build/fuzz_progress tests/fuzz/fuzz_progress.c runner/progress.c runner/util/*.c
// build/fuzz_progress -max_total_time=60 tests/fuzz/progress_corpus
// clang-format on
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "progress.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void broken(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_progress: %s%s%s\n", what, detail ? ": " : "",
		detail ? detail : "");
	abort();
}

static int is_empty(const struct progress *p)
{
	return p->nex == 0 && p->nquiz == 0 && p->nother == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct progress p, q;
	struct err e;
	char *once, *twice;
	size_t n1, n2;

	progress_init(&p, "fuzz/progress");
	e.msg[0] = '\0';
	if (progress_parse(&p, (const char *)data, size, &e) < 0) {
		if (!is_empty(&p))
			broken("a refused file left records behind", e.msg);
		if (!e.msg[0])
			broken("a refused file has no message", NULL);
		progress_release(&p);
		return 0;
	}
	once = progress_format(&p, &n1);
	if (n1 > size + 1)
		broken("formatting made the file longer", NULL);
	progress_init(&q, "fuzz/progress");
	if (progress_parse(&q, once, n1, &e) < 0)
		broken("formatted output does not parse", e.msg);
	twice = progress_format(&q, &n2);
	if (n1 != n2 || memcmp(once, twice, n1) != 0)
		broken("the round trip is not stable", NULL);
	if (p.nex != q.nex || p.nquiz != q.nquiz || p.nother != q.nother)
		broken("the round trip changed the record counts", NULL);
	/* Removing a record keeps the rest writable. */
	if (q.nex > 0) {
		char *name = strdup(q.ex[q.nex / 2].name);
		progress_ex_remove(&q, name);
		if (progress_ex_find(&q, name))
			broken("a removed exercise is still there", name);
		free(name);
	}
	free(once);
	free(twice);
	progress_release(&p);
	progress_release(&q);
	return 0;
}
