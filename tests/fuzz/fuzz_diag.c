/*
 * fuzz_diag: libFuzzer target for diag_parse_gcc_json and
 * diag_parse_sanitizer.
 *
 * The first byte picks the parser (bit 0: 0 gcc JSON, 1 sanitizer) and the
 * preferred file (bits 1-2: none, "overflow.c", "race.c", "leak.c"); the
 * rest is the tool output.  Whatever the input, parsing must not crash or
 * read out of bounds, every entry must have a tool, a severity and a
 * one-line message, line and column are never negative, and diag_format
 * always terminates its output.
 *
 * Build and run by hand from the top of the checkout (a line comment, since
 * the file list holds a glob):
 */
// clang-format off
// clang -g -O1 -fsanitize=fuzzer,address,undefined -Irunner -o build/fuzz_diag tests/fuzz/fuzz_diag.c runner/diag.c runner/util/*.c $(pkg-config --cflags --libs jansson)
// build/fuzz_diag -max_total_time=120 -max_len=65536 tests/fuzz/diag_corpus
// clang-format on
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void broken(const char *what)
{
	fprintf(stderr, "fuzz_diag: %s\n", what);
	abort();
}

static void check(const struct diag_list *l)
{
	char out[512], tiny[4];

	for (size_t i = 0; i < l->n; i++) {
		const struct diag *d = &l->v[i];
		if (!d->tool || !d->severity || !d->message)
			broken("an entry without tool, severity or message");
		if (strchr(d->message, '\n') || strchr(d->message, '\r'))
			broken("a message of more than one line");
		if (d->line < 0 || d->column < 0)
			broken("a negative line or column");
		diag_format(d, out, sizeof(out));
		if (strlen(out) >= sizeof(out))
			broken("diag_format overran");
		diag_format(d, tiny, sizeof(tiny));
		if (strlen(tiny) >= sizeof(tiny))
			broken("diag_format overran a small buffer");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const prefer[] = {NULL, "overflow.c", "race.c",
					     "leak.c"};
	struct diag_list l;
	const char *text;
	int n;

	if (size == 0)
		return 0;
	text = (const char *)data + 1;
	diag_list_init(&l);
	if (data[0] & 1)
		n = diag_parse_sanitizer(&l, text, size - 1,
					 prefer[(data[0] >> 1) & 3]);
	else
		n = diag_parse_gcc_json(&l, text, size - 1);
	if (n < -1 || (n >= 0 && (size_t)n != l.n) || (n == -1 && l.n))
		broken("the count returned does not match the list");
	check(&l);
	diag_list_release(&l);
	return 0;
}
