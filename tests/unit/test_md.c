/*
 * Unit tests for tui/md.c (Markdown parsed with md4c, laid out into styled
 * lines) and tui/text.c (UTF-8 widths).  No terminal involved.
 */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tui/md.h"
#include "tui/text.h"

struct fixture {
	struct md_doc *doc;
	struct md_layout l;
	char *joined;
};

static struct fixture fx;

/* Parse and lay out; returns the lines joined with '\n'. */
static const char *render(const char *md, int width, int ascii)
{
	struct md_opts o = {width, ascii};
	size_t i, n = 0;

	md_doc_free(fx.doc);
	free(fx.joined);
	fx.doc = md_doc_parse(md, strlen(md));
	assert_non_null(fx.doc);
	md_layout(&fx.l, fx.doc, &o);
	fx.joined = malloc(fx.l.len + fx.l.nlines + 1);
	assert_non_null(fx.joined);
	for (i = 0; i < fx.l.nlines; i++) {
		memcpy(fx.joined + n, fx.l.text + fx.l.lines[i].off,
		       fx.l.lines[i].len);
		n += fx.l.lines[i].len;
		fx.joined[n++] = '\n';
	}
	fx.joined[n] = '\0';
	return fx.joined;
}

static const char *line(size_t i)
{
	static char buf[4096];
	const struct md_line *ln;

	assert_true(i < fx.l.nlines);
	ln = &fx.l.lines[i];
	assert_true(ln->len < sizeof(buf));
	memcpy(buf, fx.l.text + ln->off, ln->len);
	buf[ln->len] = '\0';
	return buf;
}

/* The style of the first segment of line i that contains `word`. */
static unsigned style_of(size_t i, const char *word)
{
	const struct md_line *ln = &fx.l.lines[i];
	size_t k;

	for (k = ln->seg; k < ln->seg + ln->nseg; k++) {
		const struct md_seg *s = &fx.l.segs[k];

		if (md_find_ci(fx.l.text + s->off, s->len, word, 0) >= 0)
			return s->style;
	}
	fail_msg("no segment with '%s' in line %zu", word, i);
	return 0;
}

static int setup(void **state)
{
	(void)state;
	md_layout_init(&fx.l);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	md_layout_release(&fx.l);
	md_doc_free(fx.doc);
	free(fx.joined);
	memset(&fx, 0, sizeof(fx));
	return 0;
}

static void test_paragraph_wraps_at_width(void **state)
{
	const char *src = "Native code wins where it wins: true parallelism, "
			  "memory control, fast start-up and tiny binaries.";
	char rejoined[512] = "";
	size_t i, n = 0;

	(void)state;
	render(src, 20, 0);
	assert_true(fx.l.nlines > 3);
	for (i = 0; i < fx.l.nlines; i++) {
		assert_true(fx.l.lines[i].width <= 20);
		assert_false(fx.l.lines[i].flags & MD_LINE_WIDE);
		n += (size_t)snprintf(rejoined + n, sizeof(rejoined) - n,
				      "%s%s", i ? " " : "", line(i));
	}
	/* Breaks happen only at spaces: no word is cut. */
	assert_string_equal(rejoined, src);
}

static void test_soft_break_is_a_space(void **state)
{
	(void)state;
	assert_string_equal(render("one\ntwo\nthree\n", 80, 0),
			    "one two three\n");
	assert_string_equal(render("*one*\ntwo\n", 80, 0), "one two\n");
}

static void test_rewrap_keeps_reading_position(void **state)
{
	char text[4096] = "";
	struct md_opts narrow = {24, 0};
	struct md_pos pos;
	char *want;
	size_t top, i;
	size_t n = 0;
	int k;

	(void)state;

	for (k = 0; k < 40; k++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "word%02d %s",
				      k, k == 19 ? "\n\n" : "");
	render(text, 60, 0);
	top = 4;
	pos = md_layout_pos(&fx.l, top);
	want = strdup(line(top));
	assert_non_null(want);
	*strchr(want, ' ') = '\0'; /* its first word */
	md_layout(&fx.l, fx.doc, &narrow);
	i = md_layout_find(&fx.l, pos);
	assert_string_equal(strtok((char *)line(i), " "), want);
	/* And back: a wide layout finds the line holding that word. */
	pos = md_layout_pos(&fx.l, i);
	render(text, 60, 0);
	i = md_layout_find(&fx.l, pos);
	assert_true(md_find_ci(line(i), strlen(line(i)), want, 0) >= 0);
	free(want);
}

static void test_lists_bullets_and_indent(void **state)
{
	(void)state;
	assert_string_equal(render("- one\n- two\n  - inner\n- three\n", 40, 0),
			    "\u2022 one\n\u2022 two\n  \u25e6 inner\n"
			    "\u2022 three\n");
	assert_string_equal(render("- one\n- two\n  - inner\n", 40, 1),
			    "* one\n* two\n  - inner\n");
}

static void test_list_continuation_lines_indent(void **state)
{
	(void)state;
	render("- alpha beta gamma delta epsilon\n", 14, 1);
	assert_string_equal(line(0), "* alpha beta");
	assert_string_equal(line(1), "  gamma delta");
	assert_string_equal(line(2), "  epsilon");
	assert_int_equal(style_of(0, "*") & MD_MARK, MD_MARK);
}

static void test_ordered_list_numbers_and_loose_gaps(void **state)
{
	(void)state;
	assert_string_equal(render("3. c\n4. d\n", 40, 0), "3. c\n4. d\n");
	assert_string_equal(render("1) a\n\n2) b\n\n   more\n", 40, 0),
			    "1) a\n\n2) b\n\n   more\n");
}

static void test_task_list(void **state)
{
	(void)state;
	assert_string_equal(render("- [x] done\n- [ ] todo\n", 40, 1),
			    "* [x] done\n* [ ] todo\n");
}

static void test_nested_quotes(void **state)
{
	(void)state;
	assert_string_equal(
	    render("> outer\n>\n> > inner\n>\n> again\n", 40, 0),
	    "\u2502 outer\n\u2502\n\u2502 \u2502 inner\n"
	    "\u2502\n\u2502 again\n");
	assert_true(style_of(2, "inner") & MD_QUOTE);
	assert_true(style_of(2, "\u2502") & MD_MARK);
	/* Wrapped quote lines keep their bars. */
	render("> > a b c d e f g h i j k l\n", 10, 1);
	assert_true(fx.l.nlines > 1);
	assert_memory_equal(line(fx.l.nlines - 1), "| | ", 4);
}

static void test_table_columns_align(void **state)
{
	(void)state;
	render("| Lang | ms |\n|---|---:|\n| C | 1 |\n| Python | 20 |\n", 40,
	       1);
	assert_int_equal(fx.l.nlines, 4);
	assert_string_equal(line(0), "Lang   | ms");
	assert_string_equal(line(1), "-------+---");
	assert_string_equal(line(2), "C      |  1");
	assert_string_equal(line(3), "Python | 20");
	assert_true(style_of(0, "Lang") & MD_TABLEHEAD);
	assert_false(style_of(2, "C") & MD_TABLEHEAD);
}

static void test_table_wraps_wide_cells(void **state)
{
	size_t i;

	(void)state;
	render("| a | b |\n|---|---|\n| x | one two three four five six |\n",
	       20, 1);
	assert_true(fx.l.nlines > 3);
	for (i = 0; i < fx.l.nlines; i++)
		assert_true(fx.l.lines[i].width <= 20);
	/* Continuation lines of a row keep the column separator. */
	assert_memory_equal(line(3), "  | ", 4);
}

static void test_code_block_never_wrapped(void **state)
{
	const char *src = "```c\nint main(void) { return some_very_long_name"
			  "_that_does_not_fit(); }\n\tindented();\n```\n";

	(void)state;
	render(src, 20, 0);
	assert_int_equal(fx.l.nlines, 2);
	assert_true(fx.l.lines[0].width > 20);
	assert_true(fx.l.lines[0].flags & MD_LINE_WIDE);
	assert_true(fx.l.lines[1].flags & MD_LINE_WIDE);
	/* Tabs expand to 4 columns after the 2-column code indent. */
	assert_string_equal(line(1), "      indented();");
	assert_true(style_of(0, "main") & MD_CODEBLOCK);
	assert_true(fx.l.max_width > 20);
}

static void test_links_numbered_with_reference_list(void **state)
{
	(void)state;
	render("See [the guide](https://a.example/g), [again]"
	       "(https://a.example/g) and [other](https://b.example).\n",
	       80, 1);
	assert_string_equal(line(0),
			    "See the guide[1], again[1] and other[2].");
	assert_true(style_of(0, "guide") & MD_LINK);
	assert_true(style_of(0, "[1]") & MD_LINKREF);
	assert_false(style_of(0, "[1]") & MD_LINK);
	assert_int_equal(md_doc_nlinks(fx.doc), 2);
	assert_string_equal(md_doc_link(fx.doc, 1), "https://a.example/g");
	assert_string_equal(md_doc_link(fx.doc, 2), "https://b.example");
	assert_null(md_doc_link(fx.doc, 3));
	assert_string_equal(line(fx.l.nlines - 2), "[1] https://a.example/g");
	assert_string_equal(line(fx.l.nlines - 1), "[2] https://b.example");
}

static void test_autolink_has_no_number(void **state)
{
	(void)state;
	render("Go to <https://c.example>.\n", 80, 1);
	assert_string_equal(line(0), "Go to https://c.example.");
	assert_int_equal(md_doc_nlinks(fx.doc), 0);
	assert_int_equal(fx.l.nlines, 1);
}

static void test_long_reference_url_breaks(void **state)
{
	size_t i;

	(void)state;
	render(
	    "[x](https://example.com/a/very/long/path/that/goes/on/and/on)\n",
	    20, 1);
	for (i = 0; i < fx.l.nlines; i++)
		assert_true(fx.l.lines[i].width <= 20);
	assert_memory_equal(line(fx.l.nlines - 1), "    ", 4);
}

static void test_utf8_width(void **state)
{
	size_t i;

	(void)state;
	assert_int_equal(text_width("\u65e5\u672c", 6), 4);
	assert_int_equal(text_width("caf\u00e9", 5), 4);
	assert_int_equal(text_width("e\u0301", 3), 1); /* combining */
	render("\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8\u306f"
	       "\u5e45\u304c\u4e8c\u3064\u3067\u3059",
	       10, 0);
	assert_true(fx.l.nlines >= 3);
	for (i = 0; i < fx.l.nlines; i++) {
		assert_true(fx.l.lines[i].width <= 10);
		assert_int_equal(fx.l.lines[i].width,
				 text_width(line(i), strlen(line(i))));
	}
	assert_int_equal(fx.l.lines[0].width, 10);
}

static void test_text_fit_and_decode(void **state)
{
	int used;
	unsigned cp;

	(void)state;
	/* A wide character does not fit into the last column. */
	assert_int_equal(text_fit("ab\u65e5", 5, 3, &used), 2);
	assert_int_equal(used, 2);
	assert_int_equal(text_fit("ab\u65e5", 5, 4, &used), 5);
	assert_int_equal(used, 4);
	assert_int_equal(text_next("\xc3\x28", 2, 0, &cp), 1);
	assert_int_equal(cp, TEXT_REPLACEMENT);
	assert_int_equal(text_next("\xe2\x82", 2, 0, &cp), 1); /* truncated */
	assert_int_equal(cp, TEXT_REPLACEMENT);
	assert_int_equal(text_next("\xc0\xaf", 2, 0, &cp), 1); /* overlong */
	assert_int_equal(text_next("\xf0\x9f\x98\x80", 4, 0, &cp), 4);
	assert_int_equal(cp, 0x1F600);
}

static void test_very_long_word_is_split(void **state)
{
	char word[200];
	size_t i;

	(void)state;
	memset(word, 'x', 150);
	snprintf(word + 150, sizeof(word) - 150, " tail");
	render(word, 40, 0);
	assert_int_equal(fx.l.nlines, 4);
	for (i = 0; i < 3; i++)
		assert_int_equal(fx.l.lines[i].width, 40);
	assert_string_equal(line(3), "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx tail");
	/* At the smallest width, still no line is wider than 8. */
	render(word, 1, 0);
	for (i = 0; i < fx.l.nlines; i++)
		assert_true(fx.l.lines[i].width <= 8);
}

static void test_inline_styles(void **state)
{
	(void)state;
	render("plain **bold** *it* `code` ~~gone~~ ***both***\n", 80, 0);
	assert_int_equal(style_of(0, "plain"), 0);
	assert_int_equal(style_of(0, "bold"), MD_BOLD);
	assert_int_equal(style_of(0, "it"), MD_ITALIC);
	assert_int_equal(style_of(0, "code"), MD_CODE);
	assert_int_equal(style_of(0, "gone"), MD_STRIKE);
	assert_int_equal(style_of(0, "both"), MD_BOLD | MD_ITALIC);
}

static void test_headings(void **state)
{
	(void)state;
	assert_string_equal(render("# Top\n\ntext\n\n### Small\n", 40, 1),
			    "Top\n===\n\ntext\n\nSmall\n");
	assert_true(fx.l.lines[0].flags & MD_LINE_HEADING);
	assert_int_equal(MD_HLEVEL(style_of(0, "Top")), 1);
	assert_true(style_of(0, "Top") & MD_HEADING);
	assert_int_equal(MD_HLEVEL(style_of(5, "Small")), 3);
	assert_string_equal(render("## Two\n", 40, 0),
			    "Two\n\u2500\u2500\u2500\n");
}

static void test_controls_and_bad_utf8_sanitised(void **state)
{
	size_t i;

	(void)state;
	render("red \x1b[31m text \xff end\n\n```\nbell\a\r\n```\n", 80, 0);
	for (i = 0; i < fx.l.len; i++) {
		unsigned char c = (unsigned char)fx.l.text[i];

		assert_true(c >= 0x20 || c == '\0');
	}
	assert_non_null(strstr(line(0), "\ufffd[31m"));
	assert_non_null(strstr(line(0), "text \ufffd end"));
}

static void test_entities_and_breaks(void **state)
{
	(void)state;
	assert_string_equal(render("a &amp; b &#65; &#x263A;  \nnext\n", 80, 0),
			    "a & b A \u263a\nnext\n");
	/* An HTML comment block is not shown. */
	assert_string_equal(render("<!-- hidden -->\n\nshown\n", 80, 0),
			    "shown\n");
}

static void test_search(void **state)
{
	size_t col;

	(void)state;
	render("alpha\n\nbeta gamma\n\nGAMMA delta\n", 80, 0);
	assert_int_equal(md_layout_search(&fx.l, "gamma", 0, 1, &col), 2);
	assert_int_equal(col, 5);
	assert_int_equal(md_layout_search(&fx.l, "gamma", 3, 1, &col), 4);
	assert_int_equal(col, 0);
	/* Forward from the last match wraps around to the first. */
	assert_int_equal(md_layout_search(&fx.l, "gamma", 5, 1, NULL), 2);
	assert_int_equal(md_layout_search(&fx.l, "gamma", 1, -1, NULL), 4);
	assert_int_equal(md_layout_search(&fx.l, "nothing", 0, 1, NULL), -1);
	assert_int_equal(md_find_ci("abcABC", 6, "abc", 1), 3);
}

static void test_positions_are_ordered(void **state)
{
	size_t i;

	(void)state;
	render("# T\n\npara one two three four five six\n\n- a\n- b\n\n"
	       "| x | y |\n|---|---|\n| 1 | 2 |\n\n```\nx\ny\n```\n\n"
	       "> q [l](u)\n",
	       12, 0);
	for (i = 1; i < fx.l.nlines; i++) {
		struct md_pos a = fx.l.lines[i - 1].pos, b = fx.l.lines[i].pos;

		assert_true(a.block < b.block ||
			    (a.block == b.block && a.off <= b.off));
		/* A blank gap line gives way to the block it precedes. */
		assert_true(md_layout_find(&fx.l, b) <=
			    i + !!(fx.l.lines[i].flags & MD_LINE_BLANK));
	}
}

static void test_empty_and_odd_documents(void **state)
{
	(void)state;
	assert_string_equal(render("", 80, 0), "");
	assert_int_equal(md_layout_find(&fx.l, (struct md_pos){3, 3}), 0);
	render("-\n\n>\n\n|\n\n***\n", 80, 1);
	/* Only empty lines: the text is still a valid pointer. */
	render("# \n", 80, 0);
	assert_non_null(fx.l.text);
	render("[a]([b](c))\n![x](y \"t\")\n", 80, 0);
}

static void test_deep_nesting_is_bounded(void **state)
{
	char src[4096];
	size_t i;

	(void)state;
	memset(src, '>', 1000);
	snprintf(src + 1000, sizeof(src) - 1000,
		 " deep text that wraps around the narrow width\n");
	render(src, 30, 1);
	for (i = 0; i < fx.l.nlines; i++)
		assert_true(fx.l.lines[i].width <= 30);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_paragraph_wraps_at_width),
	    cmocka_unit_test(test_soft_break_is_a_space),
	    cmocka_unit_test(test_rewrap_keeps_reading_position),
	    cmocka_unit_test(test_lists_bullets_and_indent),
	    cmocka_unit_test(test_list_continuation_lines_indent),
	    cmocka_unit_test(test_ordered_list_numbers_and_loose_gaps),
	    cmocka_unit_test(test_task_list),
	    cmocka_unit_test(test_nested_quotes),
	    cmocka_unit_test(test_table_columns_align),
	    cmocka_unit_test(test_table_wraps_wide_cells),
	    cmocka_unit_test(test_code_block_never_wrapped),
	    cmocka_unit_test(test_links_numbered_with_reference_list),
	    cmocka_unit_test(test_autolink_has_no_number),
	    cmocka_unit_test(test_long_reference_url_breaks),
	    cmocka_unit_test(test_utf8_width),
	    cmocka_unit_test(test_text_fit_and_decode),
	    cmocka_unit_test(test_very_long_word_is_split),
	    cmocka_unit_test(test_inline_styles),
	    cmocka_unit_test(test_headings),
	    cmocka_unit_test(test_controls_and_bad_utf8_sanitised),
	    cmocka_unit_test(test_entities_and_breaks),
	    cmocka_unit_test(test_search),
	    cmocka_unit_test(test_positions_are_ordered),
	    cmocka_unit_test(test_empty_and_odd_documents),
	    cmocka_unit_test(test_deep_nesting_is_bounded),
	};

	/* wcwidth needs a UTF-8 locale; C.UTF-8 ships with glibc. */
	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		setlocale(LC_CTYPE, "");
	return cmocka_run_group_tests(tests, setup, teardown);
}
