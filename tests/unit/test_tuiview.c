/*
 * Unit tests for tui/view.c: the terminal UI's layout helpers that need no
 * terminal (styled lines, value bars, the key strip that shortens with
 * the width, durations, ellipsis).
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
#include "tui/view.h"

/* The text of view line i. */
static const char *vtext(const struct view *v, size_t i)
{
	static char buf[1024];
	const struct vline *l = &v->lines[i];
	size_t k, n = 0;

	for (k = l->seg; k < l->seg + l->nseg; k++) {
		memcpy(buf + n, v->text + v->segs[k].off, v->segs[k].len);
		n += v->segs[k].len;
	}
	buf[n] = '\0';
	return buf;
}

static void test_view_lines_and_segments(void **state)
{
	struct view v;

	(void)state;
	view_init(&v);
	view_line(&v, 7);
	view_adds(&v, ST_PASS, "ok");
	view_adds(&v, ST_PASS, " done");
	view_adds(&v, ST_DIM, " 0.1s");
	view_line(&v, 8);
	view_pad_to(&v, 4);
	view_addf(&v, ST_TEXT, "%d items", 3);
	assert_int_equal(v.nlines, 2);
	assert_string_equal(vtext(&v, 0), "ok done 0.1s");
	/* Same style merges into one segment. */
	assert_int_equal(v.lines[0].nseg, 2);
	assert_int_equal(v.lines[0].tag, 7);
	assert_string_equal(vtext(&v, 1), "    3 items");
	assert_int_equal(v.lines[1].width, 11);
	assert_int_equal(v.max_width, 12);
	view_clear(&v);
	assert_int_equal(v.nlines, 0);
	view_release(&v);
}

static void test_view_cleans_control_characters(void **state)
{
	struct view v;

	(void)state;
	view_init(&v);
	view_adds(&v, ST_TEXT, "a\x1b[31mb\tc\xff");
	assert_string_equal(vtext(&v, 0), "a\ufffd[31mb    c\ufffd");
	view_release(&v);
}

static void test_view_markdown_wraps_and_indents(void **state)
{
	struct view v;
	int n;
	size_t i;

	(void)state;
	view_init(&v);
	n = view_markdown(&v, 3, ST_NOTE, "Hint: ", 6, 30,
			  "Use `argv[i]` whole: the first *argument* may "
			  "hold a space.");
	assert_true(n >= 2);
	assert_memory_equal(vtext(&v, 0), "Hint: Use argv[i]", 17);
	for (i = 1; i < v.nlines; i++)
		assert_memory_equal(vtext(&v, i), "      ", 6);
	for (i = 0; i < v.nlines; i++) {
		assert_true(v.lines[i].width <= 30);
		assert_int_equal(v.lines[i].tag, 3);
	}
	/* Inline code keeps its Markdown style under the UI style. */
	for (i = 0; i < v.lines[0].nseg; i++)
		if (v.segs[v.lines[0].seg + i].md & MD_CODE)
			break;
	assert_true(i < v.lines[0].nseg);
	assert_int_equal(v.segs[v.lines[0].seg + i].style, ST_NOTE);
	view_release(&v);
}

static void test_bar(void **state)
{
	char b[32];

	(void)state;
	view_bar(b, sizeof(b), 0.6, 10);
	assert_string_equal(b, "[######----]");
	view_bar(b, sizeof(b), -1, 4);
	assert_string_equal(b, "[----]");
	view_bar(b, sizeof(b), 7, 4);
	assert_string_equal(b, "[####]");
	/* Too small a buffer: empty, never overflowing. */
	view_bar(b, 5, 0.5, 10);
	assert_string_equal(b, "");
}

static void test_value_frac(void **state)
{
	(void)state;
	/* speedup 1.91x against >= 1.5x: past the 2/3 mark. */
	assert_true(view_value_frac(1.91, 1.5, ">=") > 2.0 / 3.0);
	assert_true(view_value_frac(1.0, 1.5, ">=") < 2.0 / 3.0);
	assert_float_equal(view_value_frac(1.5, 1.5, ">="), 2.0 / 3.0, 1e-9);
	assert_float_equal(view_value_frac(10, 1.5, ">="), 1.0, 1e-9);
	/* Smaller is better: at the threshold 2/3, at zero full. */
	assert_float_equal(view_value_frac(20, 20, "<="), 2.0 / 3.0, 1e-9);
	assert_float_equal(view_value_frac(0, 20, "<="), 1.0, 1e-9);
	assert_true(view_value_frac(30, 20, "<=") < 2.0 / 3.0);
	assert_float_equal(view_value_frac(100, 20, "<="), 0.0, 1e-9);
	/* Bars agree with pass and fail: past 2/3 passes. */
	assert_true(view_value_frac(19, 20, "<=") > 2.0 / 3.0);
	assert_float_equal(view_value_frac(1, 0, ">="), 1.0, 1e-9);
}

static void test_duration(void **state)
{
	char b[32];

	(void)state;
	view_duration(b, sizeof(b), 0.04);
	assert_string_equal(b, "0.0s");
	view_duration(b, sizeof(b), 12.34);
	assert_string_equal(b, "12.3s");
	view_duration(b, sizeof(b), 125);
	assert_string_equal(b, "2m05s");
	view_duration(b, sizeof(b), -3);
	assert_string_equal(b, "0.0s");
}

static void test_spinner_frames(void **state)
{
	(void)state;
	assert_string_equal(view_spinner(0, 1), "|");
	assert_string_equal(view_spinner(5, 1), "/");
	assert_string_not_equal(view_spinner(0, 0), view_spinner(1, 0));
	assert_string_equal(view_spinner(0, 0), view_spinner(10, 0));
}

static const struct strip_item items[] = {
    {"?", "help", 0}, {"q", "back", 1},	  {"e", "edit", 2},
    {"h", "hint", 2}, {"o", "output", 4}, {"x", "reset", 5},
};

static void test_strip_shortens_with_width(void **state)
{
	char b[256];
	int n;

	(void)state;
	n = view_strip(b, sizeof(b), items, 6, 200);
	assert_int_equal(n, 6);
	assert_string_equal(
	    b, "?:help  q:back  e:edit  h:hint  o:output  x:reset");
	/* Lower priorities go first, whole levels at a time. */
	n = view_strip(b, sizeof(b), items, 6, 39);
	assert_string_equal(b, "?:help  q:back  e:edit  h:hint");
	assert_int_equal(n, 4);
	n = view_strip(b, sizeof(b), items, 6, 20);
	assert_string_equal(b, "?:help  q:back");
	/* "?:help" stays even when nothing fits. */
	n = view_strip(b, sizeof(b), items, 6, 3);
	assert_string_equal(b, "?:help");
	assert_int_equal(n, 1);
	assert_true(text_width(b, strlen(b)) <= 6);
}

static void test_ellipsize(void **state)
{
	char b[64];

	(void)state;
	assert_int_equal(view_ellipsize(b, sizeof(b), "short", 10, 0), 5);
	assert_string_equal(b, "short");
	assert_int_equal(view_ellipsize(b, sizeof(b), "a longer title", 8, 0),
			 8);
	assert_string_equal(b, "a longe\u2026");
	assert_int_equal(view_ellipsize(b, sizeof(b), "a longer title", 8, 1),
			 8);
	assert_string_equal(b, "a lon...");
	/* Wide characters are cut on a whole character. */
	view_ellipsize(b, sizeof(b), "\u65e5\u672c\u8a9e\u306e", 6, 0);
	assert_string_equal(b, "\u65e5\u672c\u2026");
	view_ellipsize(b, sizeof(b), "abc", 0, 1);
	assert_string_equal(b, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_view_lines_and_segments),
	    cmocka_unit_test(test_view_cleans_control_characters),
	    cmocka_unit_test(test_view_markdown_wraps_and_indents),
	    cmocka_unit_test(test_bar),
	    cmocka_unit_test(test_value_frac),
	    cmocka_unit_test(test_duration),
	    cmocka_unit_test(test_spinner_frames),
	    cmocka_unit_test(test_strip_shortens_with_width),
	    cmocka_unit_test(test_ellipsize),
	};

	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		setlocale(LC_CTYPE, "");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
