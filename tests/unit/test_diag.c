/*
 * Tests for diag.c: every fixture under tests/unit/fixtures/ is the real
 * stderr of gcc, ld or a sanitized program (see fixtures/diag-src/README.md
 * for how each was made); each is parsed and the fields asserted exactly.
 * Then the edges: truncation at every byte, garbage, NUL bytes, the cap on
 * entries, diag_format, and one live gcc run.
 */
#define _GNU_SOURCE
#include "diag.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/path.h"
#include "util/xalloc.h"

/* ---- fixtures ---------------------------------------------------------- */

/* The fixtures folder: $WB_TOP/tests/unit/fixtures, else beside this file
 * relative to the folder the test runs in (the repository top). */
static char *fixture_path(const char *name)
{
	const char *top = getenv("WB_TOP");
	char *dir, *p;

	if (top && *top)
		return xasprintf("%s/tests/unit/fixtures/%s", top, name);
	dir = path_dirname(__FILE__);
	p = xasprintf("%s/fixtures/%s", dir, name);
	free(dir);
	return p;
}

static char *load(const char *name, size_t *len)
{
	struct err e;
	char *path = fixture_path(name);
	char *text = path_read_file(path, BUF_CAPTURE_MAX, len, &e);

	if (!text)
		fail_msg("cannot read fixture: %s", e.msg);
	free(path);
	return text;
}

/* One expected diagnostic; NULL strings mean "must be NULL". */
struct want {
	const char *tool, *severity, *file;
	int line, column;
	const char *option, *message, *function;
};

static void assert_str_or_null(const char *want, const char *got,
			       const char *what)
{
	if (!want && !got)
		return;
	if (!want || !got || strcmp(want, got))
		fail_msg("%s: want \"%s\", got \"%s\"", what,
			 want ? want : "(null)", got ? got : "(null)");
}

static void assert_diag(const struct diag *d, const struct want *w)
{
	assert_str_or_null(w->tool, d->tool, "tool");
	assert_str_or_null(w->severity, d->severity, "severity");
	assert_str_or_null(w->file, d->file, "file");
	assert_int_equal(d->line, w->line);
	assert_int_equal(d->column, w->column);
	assert_str_or_null(w->option, d->option, "option");
	assert_str_or_null(w->message, d->message, "message");
	assert_str_or_null(w->function, d->function, "function");
}

enum parser { GCC, SAN };

/* A fixture, how to parse it, and what must come out. */
struct fixture_case {
	const char *fixture;
	enum parser parser;
	const char *prefer;
	int count;	 /* return value */
	int check_index; /* which entry `want` describes */
	struct want want;
	int check_index2; /* a second entry, or -1 */
	struct want want2;
};

#define NONE                                                                   \
	-1,                                                                    \
	{                                                                      \
		0                                                              \
	}

static const struct fixture_case cases[] = {
    /* gcc -fdiagnostics-format=json */
    {"gcc-json-warning.txt",
     GCC,
     NULL,
     1,
     0,
     {"gcc", "warning", "warn.c", 5, 13, "-Wunused-variable",
      "unused variable \xe2\x80\x98unused\xe2\x80\x99", NULL},
     NONE},
    {"gcc-json-error-notes.txt",
     GCC,
     NULL,
     2,
     0,
     {"gcc", "error", "err.c", 12, 21, NULL,
      "too many arguments to function \xe2\x80\x98"
      "add\xe2\x80\x99",
      NULL},
     1,
     {"gcc", "note", "err.c", 3, 12, NULL, "declared here", NULL}},
    {"gcc-json-children.txt",
     GCC,
     NULL,
     6,
     0,
     {"gcc", "error", "err2.c", 3, 6, NULL,
      "conflicting types for \xe2\x80\x98"
      "area\xe2\x80\x99; have "
      "\xe2\x80\x98long int(int,  int)\xe2\x80\x99",
      NULL},
     1,
     {"gcc", "note", "err2.c", 1, 5, NULL,
      "previous declaration of \xe2\x80\x98"
      "area\xe2\x80\x99 with type "
      "\xe2\x80\x98int(int,  int)\xe2\x80\x99",
      NULL}},
    {"gcc-json-children.txt",
     GCC,
     NULL,
     6,
     2,
     {"gcc", "warning", "err2.c", 10, 19, "-Wimplicit-function-declaration",
      "implicit declaration of function \xe2\x80\x98malloc\xe2\x80\x99", NULL},
     3,
     {"gcc", "note", "err2.c", 1, 1, NULL,
      "include \xe2\x80\x98<stdlib.h>\xe2\x80\x99 or provide a "
      "declaration of \xe2\x80\x98malloc\xe2\x80\x99",
      NULL}},
    {"gcc-json-fatal.txt",
     GCC,
     NULL,
     1,
     0,
     {"gcc", "error", "inc.c", 1, 10, NULL,
      "missing.h: No such file or directory", NULL},
     NONE},
    {"gcc-json-werror.txt",
     GCC,
     NULL,
     1,
     0,
     {"gcc", "error", "werr.c", 3, 13, "-Werror=unused-variable",
      "unused variable \xe2\x80\x98x\xe2\x80\x99", NULL},
     NONE},
    {"gcc-json-two-units.txt",
     GCC,
     NULL,
     2,
     0,
     {"gcc", "warning", "a.c", 3, 13, "-Wunused-variable",
      "unused variable \xe2\x80\x98y\xe2\x80\x99", NULL},
     1,
     {"gcc", "warning", "b.c", 6, 18, "-Wformat=",
      "format \xe2\x80\x98%d\xe2\x80\x99 expects argument of type "
      "\xe2\x80\x98int\xe2\x80\x99, but argument 2 has type "
      "\xe2\x80\x98long int\xe2\x80\x99",
      NULL}},
    /* linker text after the JSON */
    {"gcc-json-undefined-reference.txt",
     GCC,
     NULL,
     1,
     0,
     {"ld", "error", "link.c", 0, 0, NULL, "undefined reference to 'helper'",
      "main"},
     NONE},
    {"gcc-json-undefined-reference-g.txt",
     GCC,
     NULL,
     1,
     0,
     {"ld", "error", "/tmp/dg/json/link.c", 5, 0, NULL,
      "undefined reference to 'helper'", "main"},
     NONE},
    {"gcc-json-multiple-definition.txt",
     GCC,
     NULL,
     1,
     0,
     {"ld", "error", "/tmp/dg/json/dup2.c", 1, 0, NULL,
      "multiple definition of 'shared'", NULL},
     NONE},
    {"ld-undefined-clang.txt",
     GCC,
     NULL,
     1,
     0,
     {"ld", "error", "link.c", 0, 0, NULL, "undefined reference to 'helper'",
      "main"},
     NONE},
    {"ld-lld-undefined-clang.txt",
     GCC,
     NULL,
     1,
     0,
     {"ld", "error", "link.c", 5, 0, NULL, "undefined reference to 'helper'",
      "main"},
     NONE},

    /* AddressSanitizer */
    {"asan-heap-overflow-gcc.txt",
     SAN,
     "overflow.c",
     1,
     0,
     {"asan", "error", "/tmp/dg/overflow.c", 7, 0, "heap-buffer-overflow",
      "heap-buffer-overflow: WRITE of size 1 (allocated at overflow.c:12)",
      "copy_name"},
     NONE},
    {"asan-heap-overflow-clang.txt",
     SAN,
     "overflow.c",
     1,
     0,
     {"asan", "error", "/tmp/dg/overflow.c", 7, 10, "heap-buffer-overflow",
      "heap-buffer-overflow: WRITE of size 1 (allocated at overflow.c:12)",
      "copy_name"},
     NONE},
    {"asan-stack-overflow-gcc.txt",
     SAN,
     "stack.c",
     1,
     0,
     {"asan", "error", "/tmp/dg/stack.c", 7, 0, "stack-buffer-overflow",
      "stack-buffer-overflow: READ of size 4", "sum"},
     NONE},
    {"asan-stack-overflow-clang.txt",
     SAN,
     "stack.c",
     1,
     0,
     {"asan", "error", "/tmp/dg/stack.c", 7, 8, "stack-buffer-overflow",
      "stack-buffer-overflow: READ of size 4", "sum"},
     NONE},
    {"asan-use-after-free-gcc.txt",
     SAN,
     "uaf.c",
     1,
     0,
     {"asan", "error", "/tmp/dg/uaf.c", 9, 0, "heap-use-after-free",
      "heap-use-after-free: READ of size 4 (freed at uaf.c:8)", "main"},
     NONE},
    {"asan-use-after-free-clang.txt",
     SAN,
     "uaf.c",
     1,
     0,
     {"asan", "error", "/tmp/dg/uaf.c", 9, 17, "heap-use-after-free",
      "heap-use-after-free: READ of size 4 (freed at uaf.c:8)", "main"},
     NONE},
    {"asan-double-free-gcc.txt",
     SAN,
     "dfree.c",
     1,
     0,
     {"asan", "error", "/tmp/dg/dfree.c", 5, 0, "double-free",
      "attempting double-free (freed at dfree.c:11)", "release"},
     NONE},
    {"asan-double-free-clang.txt",
     SAN,
     "dfree.c",
     1,
     0,
     {"asan", "error", "/tmp/dg/dfree.c", 5, 2, "double-free",
      "attempting double-free (freed at dfree.c:11)", "release"},
     NONE},
    {"asan-bad-free-gcc.txt",
     SAN,
     "badfree.c",
     1,
     0,
     {"asan", "error", "/tmp/dg/badfree.c", 7, 0, "bad-free",
      "attempting free on address which was not malloc()-ed", "main"},
     NONE},
    {"asan-bad-free-clang.txt",
     SAN,
     "badfree.c",
     1,
     0,
     {"asan", "error", "/tmp/dg/badfree.c", 7, 2, "bad-free",
      "attempting free on address which was not malloc()-ed", "main"},
     NONE},
    {"asan-segv-gcc.txt",
     SAN,
     "segv.c",
     1,
     0,
     {"asan", "error", "/tmp/dg/segv.c", 5, 0, "SEGV",
      "SEGV on unknown address 0x000000000000: READ memory access "
      "(address points to the zero page)",
      "first"},
     NONE},
    {"asan-segv-clang.txt",
     SAN,
     "segv.c",
     1,
     0,
     {"asan", "error", "/tmp/dg/segv.c", 5, 9, "SEGV",
      "SEGV on unknown address 0x000000000000: READ memory access "
      "(address points to the zero page)",
      "first"},
     NONE},
    {"asan-global-overflow-gcc.txt",
     SAN,
     "global.c",
     1,
     0,
     {"asan", "error", "/tmp/dg/global.c", 7, 0, "global-buffer-overflow",
      "global-buffer-overflow: READ of size 4", "get"},
     NONE},
    {"asan-global-overflow-clang.txt",
     SAN,
     "global.c",
     1,
     0,
     {"asan", "error", "/tmp/dg/global.c", 7, 9, "global-buffer-overflow",
      "global-buffer-overflow: READ of size 4", "get"},
     NONE},
    {"asan-stack-use-after-return-gcc.txt",
     SAN,
     "retstack.c",
     1,
     0,
     {"asan", "error", "/tmp/dg/retstack.c", 13, 0, "stack-use-after-return",
      "stack-use-after-return: READ of size 4", "main"},
     NONE},
    {"asan-stack-use-after-return-clang.txt",
     SAN,
     "retstack.c",
     1,
     0,
     {"asan", "error", "/tmp/dg/retstack.c", 13, 17, "stack-use-after-return",
      "stack-use-after-return: READ of size 4", "main"},
     NONE},
    /* Inside a cmocka test: the learner's file wins over the test's, and
     * with no preference the first frame outside the runtime does. */
    {"asan-cmocka-gcc.txt",
     SAN,
     "name.c",
     1,
     0,
     {"asan", "error", "/tmp/dg/cm/name.c", 8, 0, "heap-buffer-overflow",
      "heap-buffer-overflow: WRITE of size 7 (allocated at name.c:7)",
      "copy_name"},
     NONE},
    {"asan-cmocka-gcc.txt",
     SAN,
     "name_test.c",
     1,
     0,
     {"asan", "error", "/tmp/dg/cm/name_test.c", 13, 0, "heap-buffer-overflow",
      "heap-buffer-overflow: WRITE of size 7 (allocated at name_test.c:13)",
      "test_copy"},
     NONE},
    {"asan-cmocka-gcc.txt",
     SAN,
     NULL,
     1,
     0,
     {"asan", "error", "/tmp/dg/cm/name.c", 8, 0, "heap-buffer-overflow",
      "heap-buffer-overflow: WRITE of size 7 (allocated at name.c:7)",
      "copy_name"},
     NONE},

    /* LeakSanitizer, alone and inside ASan */
    {"lsan-leak-gcc.txt",
     SAN,
     "leak.c",
     4,
     0,
     {"lsan", "error", "/tmp/dg/leak.c", 11, 0, "memory leak",
      "direct leak of 16 bytes in 1 object", "make_node"},
     3,
     {"lsan", "error", "/tmp/dg/leak.c", 12, 0, "memory leak",
      "indirect leak of 64 bytes in 1 object", "make_node"}},
    {"lsan-leak-clang.txt",
     SAN,
     "leak.c",
     4,
     1,
     {"lsan", "error", "/tmp/dg/leak.c", 11, 19, "memory leak",
      "direct leak of 16 bytes in 1 object", "make_node"},
     2,
     {"lsan", "error", "/tmp/dg/leak.c", 12, 12, "memory leak",
      "indirect leak of 64 bytes in 1 object", "make_node"}},
    {"asan-leak-gcc.txt",
     SAN,
     "leak.c",
     4,
     0,
     {"lsan", "error", "/tmp/dg/leak.c", 11, 0, "memory leak",
      "direct leak of 16 bytes in 1 object", "make_node"},
     NONE},
    {"asan-leak-clang.txt",
     SAN,
     "leak.c",
     2,
     1,
     {"lsan", "error", "/tmp/dg/leak.c", 12, 12, "memory leak",
      "indirect leak of 64 bytes in 1 object", "make_node"},
     NONE},

    /* UndefinedBehaviorSanitizer */
    {"ubsan-signed-overflow-gcc.txt",
     SAN,
     "ub.c",
     1,
     0,
     {"ubsan", "error", "ub.c", 6, 11, "signed-integer-overflow",
      "signed integer overflow: 2147483647 + 1 cannot be represented in "
      "type 'int'",
      NULL},
     NONE},
    {"ubsan-signed-overflow-clang.txt",
     SAN,
     "ub.c",
     1,
     0,
     {"ubsan", "error", "ub.c", 6, 11, "signed-integer-overflow",
      "signed integer overflow: 2147483647 + 1 cannot be represented in "
      "type 'int'",
      NULL},
     NONE},
    {"ubsan-stacktrace-gcc.txt",
     SAN,
     "ub.c",
     1,
     0,
     {"ubsan", "error", "ub.c", 6, 11, "signed-integer-overflow",
      "signed integer overflow: 2147483647 + 1 cannot be represented in "
      "type 'int'",
      "next"},
     NONE},
    {"ubsan-shift-gcc.txt",
     SAN,
     NULL,
     1,
     0,
     {"ubsan", "error", "shift.c", 7, 19, "shift-exponent",
      "shift exponent 41 is too large for 32-bit type 'int'", NULL},
     NONE},
    {"ubsan-shift-clang.txt",
     SAN,
     NULL,
     1,
     0,
     {"ubsan", "error", "shift.c", 7, 19, "shift-exponent",
      "shift exponent 41 is too large for 32-bit type 'int'", NULL},
     NONE},
    {"ubsan-null-gcc.txt",
     SAN,
     NULL,
     1,
     0,
     {"ubsan", "error", "nullp.c", 9, 10, "null-pointer",
      "member access within null pointer of type 'struct point'", NULL},
     NONE},
    {"ubsan-null-clang.txt",
     SAN,
     NULL,
     1,
     0,
     {"ubsan", "error", "nullp.c", 9, 12, "null-pointer",
      "member access within null pointer of type 'struct point'", NULL},
     NONE},
    {"ubsan-div-gcc.txt",
     SAN,
     NULL,
     1,
     0,
     {"ubsan", "error", "div.c", 7, 20, "division by zero", "division by zero",
      NULL},
     NONE},
    {"ubsan-div-clang.txt",
     SAN,
     NULL,
     1,
     0,
     {"ubsan", "error", "div.c", 7, 20, "division by zero", "division by zero",
      NULL},
     NONE},
    {"ubsan-oob-gcc.txt",
     SAN,
     NULL,
     1,
     0,
     {"ubsan", "error", "oob.c", 7, 18, "out-of-bounds index",
      "index 5 out of bounds for type 'int [4]'", NULL},
     NONE},
    {"ubsan-oob-clang.txt",
     SAN,
     NULL,
     1,
     0,
     {"ubsan", "error", "oob.c", 7, 17, "out-of-bounds index",
      "index 5 out of bounds for type 'int[4]'", NULL},
     NONE},
    {"ubsan-misaligned-gcc.txt",
     SAN,
     NULL,
     1,
     0,
     {"ubsan", "error", "misal.c", 7, 2, "misaligned",
      "load of misaligned address 0x7ffcacdbc571 for type 'int', which "
      "requires 4 byte alignment",
      NULL},
     NONE},
    {"ubsan-misaligned-clang.txt",
     SAN,
     NULL,
     1,
     0,
     {"ubsan", "error", "misal.c", 7, 17, "misaligned",
      "load of misaligned address 0x7fffcd682e51 for type 'int', which "
      "requires 4 byte alignment",
      NULL},
     NONE},
    {"ubsan-recover-gcc.txt",
     SAN,
     NULL,
     2,
     0,
     {"ubsan", "error", "multi.c", 6, 11, "signed-integer-overflow",
      "signed integer overflow: 2147483647 * 2 cannot be represented in "
      "type 'int'",
      NULL},
     1,
     {"ubsan", "error", "multi.c", 15, 29, "shift-exponent",
      "shift exponent 33 is too large for 32-bit type 'int'", NULL}},

    /* ThreadSanitizer */
    {"tsan-race-gcc.txt",
     SAN,
     "race.c",
     1,
     0,
     {"tsan", "error", "/tmp/dg/race.c", 20, 0, "data race",
      "data race: read at race.c:20 (main thread) and write at race.c:10 "
      "(thread T1)",
      "main"},
     NONE},
    {"tsan-race-clang.txt",
     SAN,
     "race.c",
     1,
     0,
     {"tsan", "error", "/tmp/dg/race.c", 20, 11, "data race",
      "data race: read at race.c:20 (main thread) and write at race.c:10 "
      "(thread T1)",
      "main"},
     NONE},
    {"tsan-lock-order-gcc.txt",
     SAN,
     "lockorder.c",
     1,
     0,
     {"tsan", "error", "/tmp/dg/lockorder.c", 10, 0, "lock-order-inversion",
      "lock-order-inversion: M1 locked while holding M0 at lockorder.c:10 "
      "(main thread), M0 locked while holding M1 at lockorder.c:14 (main "
      "thread)",
      "main"},
     NONE},
    {"tsan-lock-order-clang.txt",
     SAN,
     "lockorder.c",
     1,
     0,
     {"tsan", "error", "/tmp/dg/lockorder.c", 10, 2, "lock-order-inversion",
      "lock-order-inversion: M1 locked while holding M0 at lockorder.c:10 "
      "(main thread), M0 locked while holding M1 at lockorder.c:14 (main "
      "thread)",
      "main"},
     NONE},
    {"tsan-thread-leak-gcc.txt",
     SAN,
     "threadleak.c",
     1,
     0,
     {"tsan", "error", "/tmp/dg/threadleak.c", 13, 0, "thread leak",
      "thread leak: thread T1 created at threadleak.c:13 and never joined",
      "main"},
     NONE},
    {"tsan-thread-leak-clang.txt",
     SAN,
     "threadleak.c",
     1,
     0,
     {"tsan", "error", "/tmp/dg/threadleak.c", 13, 2, "thread leak",
      "thread leak: thread T1 created at threadleak.c:13 and never joined",
      "main"},
     NONE},
    {"tsan-use-after-free-gcc.txt",
     SAN,
     "tsanuaf.c",
     1,
     0,
     {"tsan", "error", "/tmp/dg/tsanuaf.c", 10, 0, "heap-use-after-free",
      "heap-use-after-free: write at tsanuaf.c:10 (thread T1) after free "
      "at tsanuaf.c:17 (main thread)",
      "work"},
     NONE},
    {"tsan-use-after-free-clang.txt",
     SAN,
     "tsanuaf.c",
     1,
     0,
     {"tsan", "error", "/tmp/dg/tsanuaf.c", 10, 12, "heap-use-after-free",
      "heap-use-after-free: write at tsanuaf.c:10 (thread T1) after free "
      "at tsanuaf.c:17 (main thread)",
      "work"},
     NONE},
};

static int parse(enum parser p, struct diag_list *l, const char *text,
		 size_t len, const char *prefer)
{
	if (p == GCC)
		return diag_parse_gcc_json(l, text, len);
	return diag_parse_sanitizer(l, text, len, prefer);
}

static void test_fixture(void **state)
{
	const struct fixture_case *c = *state;
	struct diag_list l;
	size_t len;
	char *text = load(c->fixture, &len);
	int n;

	diag_list_init(&l);
	n = parse(c->parser, &l, text, len, c->prefer);
	assert_int_equal(n, c->count);
	assert_int_equal(l.n, (size_t)c->count);
	assert_diag(&l.v[c->check_index], &c->want);
	if (c->check_index2 >= 0)
		assert_diag(&l.v[c->check_index2], &c->want2);
	diag_list_release(&l);
	free(text);
}

/* ---- edges ------------------------------------------------------------- */

/* Cut at every byte: never a crash, never more than the whole gives, and
 * (for these) the parse is monotonic: a longer prefix loses nothing. */
static void check_prefixes(const char *fixture, enum parser p,
			   const char *prefer)
{
	size_t len;
	char *text = load(fixture, &len);
	struct diag_list l;
	int full, n;

	diag_list_init(&l);
	full = parse(p, &l, text, len, prefer);
	diag_list_release(&l);
	for (size_t cut = 0; cut <= len; cut++) {
		/* A copy of exactly `cut` bytes, so ASan sees any overread. */
		char *part = xmalloc(cut ? cut : 1);
		memcpy(part, text, cut);
		diag_list_init(&l);
		n = parse(p, &l, part, cut, prefer);
		assert_true(n <= full);
		assert_true(n >= -1);
		for (size_t i = 0; i < l.n; i++) {
			assert_non_null(l.v[i].tool);
			assert_non_null(l.v[i].message);
		}
		diag_list_release(&l);
		free(part);
	}
	free(text);
}

static void test_truncated_everywhere(void **state)
{
	(void)state;
	check_prefixes("gcc-json-children.txt", GCC, NULL);
	check_prefixes("gcc-json-undefined-reference-g.txt", GCC, NULL);
	check_prefixes("ld-lld-undefined-clang.txt", GCC, NULL);
	check_prefixes("asan-use-after-free-clang.txt", SAN, "uaf.c");
	check_prefixes("lsan-leak-gcc.txt", SAN, "leak.c");
	check_prefixes("tsan-race-gcc.txt", SAN, "race.c");
	check_prefixes("ubsan-stacktrace-gcc.txt", SAN, "ub.c");
}

/* A cut-off JSON array still yields its complete leading entries. */
static void test_truncated_json_salvaged(void **state)
{
	size_t len;
	char *text = load("gcc-json-children.txt", &len);
	const char *second = strstr(text, "{\"kind\": \"warning\"");
	struct diag_list l;

	(void)state;
	assert_non_null(second);
	diag_list_init(&l);
	/* Cut in the middle of the second entry: the error and its note. */
	assert_int_equal(
	    diag_parse_gcc_json(&l, text, (size_t)(second - text) + 40), 2);
	assert_string_equal(l.v[0].severity, "error");
	assert_string_equal(l.v[1].severity, "note");
	diag_list_release(&l);
	free(text);
}

static void test_no_json(void **state)
{
	struct diag_list l;
	const char *plain = "warn.c:5:13: warning: unused variable 'unused'\n";
	const char *collect = "collect2: error: ld returned 1 exit status\n";

	(void)state;
	diag_list_init(&l);
	assert_int_equal(diag_parse_gcc_json(&l, plain, strlen(plain)), -1);
	assert_int_equal(diag_parse_gcc_json(&l, collect, strlen(collect)), -1);
	assert_int_equal(diag_parse_gcc_json(&l, "", 0), -1);
	assert_int_equal(diag_parse_gcc_json(&l, NULL, 0), -1);
	/* JSON that is not gcc's: found, but nothing in it. */
	assert_int_equal(diag_parse_gcc_json(&l, "[1, \"x\", {}]\n", 13), 0);
	assert_int_equal(l.n, 0);
	/* Linker lines alone still count. */
	const char *ld = "/usr/bin/ld: a.o: in function `main':\n"
			 "a.c:(.text+0x5): undefined reference to `sq'\n";
	assert_int_equal(diag_parse_gcc_json(&l, ld, strlen(ld)), 1);
	assert_string_equal(l.v[0].message, "undefined reference to 'sq'");
	assert_string_equal(l.v[0].file, "a.c");
	assert_string_equal(l.v[0].function, "main");
	diag_list_release(&l);
}

/* Curly quotes (ld in a UTF-8 locale) and several references at once. */
static void test_ld_quotes_and_many(void **state)
{
	const char *text =
	    "[]\n"
	    "/usr/bin/ld: /tmp/cc.o: in function "
	    "\xe2\x80\x98main\xe2\x80\x99:\n"
	    "m.c:(.text+0x5): undefined reference to "
	    "\xe2\x80\x98"
	    "area\xe2\x80\x99\n"
	    "m.c:(.text+0x9): undefined reference to `perimeter'\n"
	    "/usr/bin/ld: /tmp/cc.o:(.data+0x0): undefined reference to "
	    "`table'\n"
	    "collect2: error: ld returned 1 exit status\n";
	struct diag_list l;

	(void)state;
	diag_list_init(&l);
	assert_int_equal(diag_parse_gcc_json(&l, text, strlen(text)), 3);
	assert_string_equal(l.v[0].message, "undefined reference to 'area'");
	assert_string_equal(l.v[0].function, "main");
	assert_string_equal(l.v[1].message,
			    "undefined reference to 'perimeter'");
	assert_string_equal(l.v[1].function, "main");
	assert_string_equal(l.v[1].file, "m.c");
	/* A data reference has no function, and its file is the object. */
	assert_string_equal(l.v[2].message, "undefined reference to 'table'");
	assert_null(l.v[2].function);
	assert_string_equal(l.v[2].file, "/tmp/cc.o");
	diag_list_release(&l);
}

static void test_garbage(void **state)
{
	static const char *const junk[] = {
	    "[",
	    "[[[[[[[[[[[[[[[[",
	    "[{",
	    "[{\"kind\": ",
	    "{\"kind\":1}",
	    "[{\"message\": 5, \"locations\": 7, \"children\": {}}]",
	    "[{\"message\": \"m\", \"locations\": [{\"caret\": "
	    "{\"line\": -4, \"column\": 99999999999999}}], "
	    "\"children\": [1, [], {\"message\": null}]}]",
	    "==1==ERROR: AddressSanitizer: ",
	    "==1==ERROR: AddressSanitizer: \n    #0",
	    "    #0 0x in \n    #99999999999999999 x y:z:1\n",
	    "WARNING: ThreadSanitizer: \n  Read of size  by :\n",
	    "WARNING: ThreadSanitizer: data race\n  Previous of size 4 by\n",
	    "Direct leak of x byte(s)\n",
	    "ERROR: LeakSanitizer: \nDirect "
	    "leak of 99999999999 byte(s) in 1 object(s) allocated from:\n",
	    ": runtime error: ",
	    "::::: runtime error: x\n #0 0x1 in f :1:",
	    "  Mutex  acquired here while holding mutex ",
	    ">>> referenced by\nld.lld: error: undefined symbol: \n>>> \n>>> "
	    ":(\n>>> referenced by :1\n",
	    "undefined reference to ",
	    "in function `",
	    "multiple definition of `x'; : : : : :",
	};
	struct diag_list l;

	(void)state;
	for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		size_t n = strlen(junk[i]);
		char *copy = xmalloc(n ? n : 1);
		memcpy(copy, junk[i], n);
		diag_list_init(&l);
		diag_parse_gcc_json(&l, copy, n);
		diag_parse_sanitizer(&l, copy, n, "x.c");
		diag_parse_sanitizer(&l, copy, n, NULL);
		for (size_t k = 0; k < l.n; k++)
			assert_non_null(l.v[k].message);
		diag_list_release(&l);
		free(copy);
	}
}

/* NUL bytes and interleaved program output do not hide a report. */
static void test_nul_and_interleaved(void **state)
{
	static const char text[] =
	    "value: ub.c:6:11: runtime error: signed integer overflow: 1 + 1\n"
	    "\0\0binary\0junk\n"
	    "================================================================="
	    "\n"
	    "==9==ERROR: AddressSanitizer: heap-use-after-free on address "
	    "0x6 at pc 0x5 bp 0x7 sp 0x8\n"
	    "READ of size 4 at 0x6 thread T0\n"
	    "    #0 0x5 in main /w/uaf.c:9\n";
	struct diag_list l;

	(void)state;
	diag_list_init(&l);
	assert_int_equal(
	    diag_parse_sanitizer(&l, text, sizeof(text) - 1, "uaf.c"), 2);
	assert_string_equal(l.v[0].file, "ub.c");
	assert_int_equal(l.v[0].line, 6);
	assert_string_equal(l.v[1].option, "heap-use-after-free");
	assert_string_equal(l.v[1].file, "/w/uaf.c");
	assert_string_equal(l.v[1].message,
			    "heap-use-after-free: READ of size 4");
	diag_list_release(&l);
}

/* One parse adds a bounded number of entries. */
static void test_cap(void **state)
{
	struct buf b;
	struct diag_list l;
	int n;

	(void)state;
	buf_init(&b, BUF_UNLIMITED);
	buf_addstr(&b, "==1==ERROR: LeakSanitizer: detected memory leaks\n");
	for (int i = 0; i < 2000; i++)
		buf_printf(&b,
			   "Direct leak of 8 byte(s) in 1 object(s) allocated "
			   "from:\n    #0 0x1 in f /w/l.c:%d\n\n",
			   i + 1);
	diag_list_init(&l);
	n = diag_parse_sanitizer(&l, b.data, b.len, "l.c");
	assert_true(n > 0 && n < 2000);
	assert_int_equal((size_t)n, l.n);
	assert_int_equal(l.v[0].line, 1);
	assert_string_equal(l.v[0].message,
			    "direct leak of 8 bytes in 1 object");
	diag_list_release(&l);
	buf_release(&b);
}

/* A data race between two writes on one line names the line twice. */
static void test_tsan_same_line(void **state)
{
	static const char text[] =
	    "==================\n"
	    "WARNING: ThreadSanitizer: data race (pid=7)\n"
	    "  Write of size 4 at 0x1 by thread T2 (mutexes: write M3):\n"
	    "    #0 work /w/counter.c:14 (a.out+0x1)\n"
	    "\n"
	    "  Previous write of size 4 at 0x1 by thread T1:\n"
	    "    #0 work /w/counter.c:14 (a.out+0x1)\n"
	    "\n"
	    "SUMMARY: ThreadSanitizer: data race /w/counter.c:14 in work\n"
	    "==================\n";
	struct diag_list l;

	(void)state;
	diag_list_init(&l);
	assert_int_equal(
	    diag_parse_sanitizer(&l, text, sizeof(text) - 1, "counter.c"), 1);
	assert_string_equal(l.v[0].message,
			    "data race: write at counter.c:14 (thread T2) and "
			    "write at counter.c:14 (thread T1)");
	diag_list_release(&l);
}

static void test_add_copies_and_flattens(void **state)
{
	struct diag_list l;
	char msg[] = "two\nlines\x1b[31m";

	(void)state;
	diag_list_init(&l);
	diag_list_add(&l, "gcc", "warning", NULL, -3, -1, NULL, msg, NULL);
	msg[0] = 'X';
	assert_string_equal(l.v[0].message, "two lines [31m");
	assert_null(l.v[0].file);
	assert_null(l.v[0].option);
	assert_null(l.v[0].function);
	assert_int_equal(l.v[0].line, 0);
	assert_int_equal(l.v[0].column, 0);
	diag_list_release(&l);
	assert_int_equal(l.n, 0);
	assert_null(l.v);
}

static void test_format(void **state)
{
	struct diag_list l;
	char out[256];

	(void)state;
	diag_list_init(&l);
	diag_list_add(&l, "gcc", "warning", "overflow.c", 12, 5,
		      "-Wunused-variable", "unused variable 'x'", NULL);
	diag_list_add(&l, "ld", "error", "link.c", 0, 0, NULL,
		      "undefined reference to 'helper'", "main");
	diag_list_add(&l, "asan", "error", "o.c", 7, 0, "heap-buffer-overflow",
		      "heap-buffer-overflow: WRITE of size 1", "copy_name");
	diag_list_add(&l, "lsan", "error", NULL, 0, 0, "memory leak",
		      "direct leak of 8 bytes in 1 object", NULL);
	diag_format(&l.v[0], out, sizeof(out));
	assert_string_equal(out, "overflow.c:12:5: warning: unused variable "
				 "'x' [-Wunused-variable]");
	diag_format(&l.v[1], out, sizeof(out));
	assert_string_equal(out, "link.c: error: undefined reference to "
				 "'helper' (in main)");
	diag_format(&l.v[2], out, sizeof(out));
	assert_string_equal(out, "o.c:7: error: heap-buffer-overflow: WRITE "
				 "of size 1 (in copy_name)");
	diag_format(&l.v[3], out, sizeof(out));
	assert_string_equal(out, "error: direct leak of 8 bytes in 1 object "
				 "[memory leak]");
	/* Small buffers truncate, always terminated. */
	diag_format(&l.v[0], out, 8);
	assert_true(strlen(out) < 8);
	diag_format(&l.v[0], out, 1);
	assert_string_equal(out, "");
	diag_list_release(&l);
}

/* ---- live ---------------------------------------------------------------*/

static int on_path(const char *prog)
{
	const char *path = getenv("PATH");
	char *copy, *dir, *save = NULL, *full;
	int found = 0;

	if (!path)
		return 0;
	copy = xstrdup(path);
	for (dir = strtok_r(copy, ":", &save); dir && !found;
	     dir = strtok_r(NULL, ":", &save)) {
		full = xasprintf("%s/%s", dir, prog);
		found = access(full, X_OK) == 0;
		free(full);
	}
	free(copy);
	return found;
}

static void test_live_gcc(void **state)
{
	char dir[] = "/tmp/wb-diag-XXXXXX";
	char *src, *errf, *text;
	struct diag_list l;
	struct err e;
	size_t len;
	pid_t pid;
	int status, fd;

	(void)state;
	if (!on_path("gcc"))
		skip();
	assert_non_null(mkdtemp(dir));
	src = xasprintf("%s/live.c", dir);
	errf = xasprintf("%s/stderr", dir);
	{
		const char code[] = "int main(void)\n{\n\tint spare = 1;\n"
				    "\treturn 0;\n}\n";
		assert_int_equal(
		    path_write_file(src, code, sizeof(code) - 1, 0644, &e), 0);
	}
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		fd = open(errf, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || dup2(fd, 2) < 0)
			_exit(127);
		execlp("gcc", "gcc", "-Wall", "-fdiagnostics-format=json", "-c",
		       src, "-o", "/dev/null", (char *)NULL);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	text = path_read_file(errf, BUF_CAPTURE_MAX, &len, &e);
	assert_non_null(text);
	diag_list_init(&l);
	assert_int_equal(diag_parse_gcc_json(&l, text, len), 1);
	assert_string_equal(l.v[0].tool, "gcc");
	assert_string_equal(l.v[0].severity, "warning");
	assert_string_equal(l.v[0].file, src);
	assert_int_equal(l.v[0].line, 3);
	assert_string_equal(l.v[0].option, "-Wunused-variable");
	assert_non_null(strstr(l.v[0].message, "spare"));
	diag_list_release(&l);
	free(text);
	assert_int_equal(path_remove_tree(dir, &e), 0);
	free(src);
	free(errf);
}

int main(void)
{
	static const struct CMUnitTest edges[] = {
	    cmocka_unit_test(test_truncated_everywhere),
	    cmocka_unit_test(test_truncated_json_salvaged),
	    cmocka_unit_test(test_no_json),
	    cmocka_unit_test(test_ld_quotes_and_many),
	    cmocka_unit_test(test_garbage),
	    cmocka_unit_test(test_nul_and_interleaved),
	    cmocka_unit_test(test_cap),
	    cmocka_unit_test(test_tsan_same_line),
	    cmocka_unit_test(test_add_copies_and_flattens),
	    cmocka_unit_test(test_format),
	    cmocka_unit_test(test_live_gcc),
	};
	size_t nfix = sizeof(cases) / sizeof(cases[0]);
	size_t nedge = sizeof(edges) / sizeof(edges[0]);
	struct CMUnitTest *tests = xcalloc(nfix + nedge, sizeof(*tests));
	char **names = xcalloc(nfix, sizeof(*names));
	int rc;

	/* One test per fixture case, named after it. */
	for (size_t i = 0; i < nfix; i++) {
		names[i] = xasprintf("fixture %zu %s%s%s", i, cases[i].fixture,
				     cases[i].prefer ? " prefer " : "",
				     cases[i].prefer ? cases[i].prefer : "");
		tests[i].name = names[i];
		tests[i].test_func = test_fixture;
		tests[i].initial_state = (void *)&cases[i];
	}
	memcpy(tests + nfix, edges, sizeof(edges));
	rc = _cmocka_run_group_tests("diag", tests, nfix + nedge, NULL, NULL);
	for (size_t i = 0; i < nfix; i++)
		free(names[i]);
	free(names);
	free(tests);
	return rc;
}
