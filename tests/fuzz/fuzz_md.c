/*
 * libFuzzer target for the Markdown renderer (runner/tui/md.c): parse the
 * input, lay it out at a few widths in both glyph sets, and check what the
 * layout promises: lines in position order, no control bytes in the text,
 * each line's recorded width matching its text, and only lines flagged
 * MD_LINE_WIDE wider than the layout.
 *
 * Build and run by hand (a few minutes), from the repository root:
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c11 \
 *     -D_POSIX_C_SOURCE=200809L -D_XOPEN_SOURCE=600 -Irunner \
 *     tests/fuzz/fuzz_md.c runner/tui/md.c runner/tui/text.c \
 *     runner/util/xalloc.c -lmd4c -o build/fuzz_md
 *   mkdir -p build/fuzz_md_work
 *   build/fuzz_md -max_total_time=300 -max_len=4096 \
 *     build/fuzz_md_work tests/fuzz/md_corpus
 *
 * Inputs that crashed once are kept in tests/fuzz/md_corpus/ (with the
 * seeds), so replaying the folder is a regression test:
 *   build/fuzz_md -runs=0 tests/fuzz/md_corpus
 */
#include <locale.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "tui/md.h"
#include "tui/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_layout(const struct md_layout *l)
{
	size_t i, k;

	for (i = 0; i < l->nlines; i++) {
		const struct md_line *ln = &l->lines[i];

		if (i > 0) {
			struct md_pos a = l->lines[i - 1].pos, b = ln->pos;

			if (a.block > b.block ||
			    (a.block == b.block && a.off > b.off))
				abort();
		}
		if (!(ln->flags & MD_LINE_WIDE) && ln->width > l->width)
			abort();
		if (text_width(l->text + ln->off, ln->len) != ln->width)
			abort();
		for (k = 0; k < ln->len; k++)
			if ((unsigned char)l->text[ln->off + k] < 0x20)
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int widths[] = {1, 9, 33, 100};
	static int ready;
	struct md_doc *d;
	struct md_layout l;
	size_t i;

	if (!ready) {
		setlocale(LC_CTYPE, "C.UTF-8");
		ready = 1;
	}
	d = md_doc_parse((const char *)data, size);
	if (!d)
		return 0;
	md_layout_init(&l);
	for (i = 0; i < sizeof(widths) / sizeof(widths[0]); i++) {
		struct md_opts o = {widths[i], (int)(i & 1)};

		md_layout(&l, d, &o);
		check_layout(&l);
		if (l.nlines)
			md_layout_find(&l, md_layout_pos(&l, l.nlines / 2));
		md_layout_search(&l, "a", 0, 1, NULL);
	}
	md_layout_release(&l);
	md_doc_free(d);
	return 0;
}
