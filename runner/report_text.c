/*
 * report_text: the verdict for people, in a terminal or a log.
 *
 *   ✗ memory/overflow — Copy a name safely  1/2
 *     ✓ compiles
 *     ✗ tests: 1 of 3 tests failed
 *         ✗ test_long_name: "ferris" != "ferr"
 *     ✓ speedup 1.91x  [######----] >= 1.5x
 *     - sanitize  skip: clang not found (install clang)
 *
 * Marks are ✓ ✗ - ! in a UTF-8 locale (MB_CUR_MAX > 1, after the caller's
 * setlocale) and ok FAIL skip ERROR otherwise.  Colour only when o->color
 * (the caller decides, NO_COLOR included).  Everything that came from the
 * learner's program is made safe to print: control characters in caret
 * notation, invalid UTF-8 (or any non-ASCII byte outside a UTF-8 locale)
 * as '?', so a report can never drive the terminal.
 */
#include "report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/text.h"

#define OUTPUT_LINES_MAX 40 /* lines of a failing check's output shown */
#define DIAGS_MAX	 12 /* diagnostics shown per check */
#define BAR_CELLS	 10

/* ANSI styles, and the style of each status and severity. */
#define C_RESET	  "\033[0m"
#define C_BOLD	  "\033[1m"
#define C_DIM	  "\033[2m"
#define C_RED	  "\033[31m"
#define C_GREEN	  "\033[32m"
#define C_YELLOW  "\033[33m"
#define C_MAGENTA "\033[35m"
#define C_CYAN	  "\033[36m"

struct out {
	FILE *f;
	int color;
	int utf8;
	int verbose;
};

static const struct {
	const char *utf8, *ascii, *color;
} marks[] = {
    [VS_PASS] = {"\xe2\x9c\x93", "ok", C_GREEN},
    [VS_FAIL] = {"\xe2\x9c\x97", "FAIL", C_RED},
    [VS_SKIP] = {"-", "skip", C_YELLOW},
    [VS_ERROR] = {"!", "ERROR", C_RED},
};

static void style(const struct out *o, const char *code)
{
	if (o->color)
		fputs(code, o->f);
}

static void reset(const struct out *o)
{
	if (o->color)
		fputs(C_RESET, o->f);
}

/* Write n bytes of s made safe (see the top of the file). */
static void put_n(const struct out *o, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = p + len;

	while (p < end) {
		size_t n = text_utf8_seq(p, (size_t)(end - p));
		if (*p == '\t') {
			fputc(' ', o->f);
		} else if (*p < 0x20 || *p == 0x7f) {
			fputc('^', o->f);
			fputc(*p == 0x7f ? '?' : *p + '@', o->f);
		} else if (n == 1 || (n > 1 && o->utf8)) {
			fwrite(p, 1, n, o->f);
		} else {
			fputc('?', o->f);
		}
		p += n ? n : 1;
	}
}

static void put(const struct out *o, const char *s)
{
	if (s)
		put_n(o, s, strlen(s));
}

static void put_mark(const struct out *o, enum vstatus s)
{
	if ((unsigned)s > VS_ERROR)
		s = VS_ERROR;
	style(o, marks[s].color);
	fputs(o->utf8 ? marks[s].utf8 : marks[s].ascii, o->f);
	reset(o);
}

/* "2", "1.5", "0.25": short and exact enough for points and measures. */
static void put_num(const struct out *o, double v)
{
	if (!isfinite(v))
		fputs("?", o->f);
	else if (fabs(v) >= 100)
		fprintf(o->f, "%.0f", v);
	else
		fprintf(o->f, "%.3g", v);
}

static void put_value(const struct out *o, double v, const char *unit)
{
	put_num(o, v);
	if (unit && unit[0]) {
		/* "1.91x", "12%", but "350 MB/s", "4 ms". */
		if (strcmp(unit, "x") && strcmp(unit, "%"))
			fputc(' ', o->f);
		put(o, unit);
	}
}

/* [######----]: the threshold sits at the middle of the scale. */
static void put_bar(const struct out *o, const struct check_result *c)
{
	double scale = 2 * fabs(c->threshold);
	int fill = 0;

	if (scale > 0 && isfinite(c->value))
		fill = (int)(c->value / scale * BAR_CELLS + 0.5);
	if (fill < 0)
		fill = 0;
	if (fill > BAR_CELLS)
		fill = BAR_CELLS;
	fputc('[', o->f);
	style(o, c->status == VS_PASS ? C_GREEN : C_RED);
	for (int i = 0; i < fill; i++)
		fputc('#', o->f);
	reset(o);
	for (int i = fill; i < BAR_CELLS; i++)
		fputc('-', o->f);
	fputc(']', o->f);
}

static int is_sanitizer(const struct diag *d)
{
	static const char *const tools[] = {"asan", "lsan", "ubsan", "tsan"};

	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++)
		if (d->tool && !strcmp(d->tool, tools[i]))
			return 1;
	return 0;
}

static const char *severity_color(const char *sev)
{
	if (!sev || strstr(sev, "error"))
		return C_RED;
	if (!strcmp(sev, "warning"))
		return C_MAGENTA;
	return C_CYAN;
}

/* "heap-buffer-overflow at overflow.c:7 in copy_name: WRITE of size 1" */
static void put_sanitizer(const struct out *o, const struct diag *d)
{
	const char *msg = d->message ? d->message : "";
	const char *base;
	size_t ol = d->option ? strlen(d->option) : 0;

	style(o, C_RED);
	put(o, d->option ? d->option : d->tool);
	reset(o);
	if (d->file) {
		base = strrchr(d->file, '/');
		fputs(" at ", o->f);
		put(o, base ? base + 1 : d->file);
		if (d->line)
			fprintf(o->f, ":%d", d->line);
	}
	if (d->function) {
		fputs(" in ", o->f);
		put(o, d->function);
	}
	/* The message usually starts with the kind: do not say it twice. */
	if (ol && !strncmp(msg, d->option, ol) && msg[ol] == ':')
		msg += ol + 1;
	else if (ol && !strcmp(msg, d->option))
		msg += ol;
	while (*msg == ' ')
		msg++;
	if (*msg) {
		fputs(": ", o->f);
		put(o, msg);
	}
}

/* "overflow.c:12:5: warning: unused variable 'x' [-Wunused-variable]" */
static void put_compiler(const struct out *o, const struct diag *d)
{
	if (d->file) {
		style(o, C_BOLD);
		put(o, d->file);
		if (d->line)
			fprintf(o->f, ":%d", d->line);
		if (d->line && d->column)
			fprintf(o->f, ":%d", d->column);
		fputs(":", o->f);
		reset(o);
		fputc(' ', o->f);
	}
	style(o, severity_color(d->severity));
	put(o, d->severity ? d->severity : "error");
	fputs(":", o->f);
	reset(o);
	fputc(' ', o->f);
	put(o, d->message);
	if (d->function && d->tool && strcmp(d->tool, "gcc")) {
		fputs(" (in ", o->f);
		put(o, d->function);
		fputc(')', o->f);
	}
	if (d->option) {
		fputs(" [", o->f);
		put(o, d->option);
		fputc(']', o->f);
	}
}

static void put_diags(const struct out *o, const struct diag_list *l)
{
	for (size_t i = 0; i < l->n && i < DIAGS_MAX; i++) {
		fputs("      ", o->f);
		if (is_sanitizer(&l->v[i]))
			put_sanitizer(o, &l->v[i]);
		else
			put_compiler(o, &l->v[i]);
		fputc('\n', o->f);
	}
	if (l->n > DIAGS_MAX)
		fprintf(o->f, "      ... and %zu more\n", l->n - DIAGS_MAX);
}

static void put_subtests(const struct out *o, const struct check_result *c)
{
	for (size_t i = 0; i < c->nsubtests; i++) {
		const struct subtest *t = &c->subtests[i];
		if (t->passed && !o->verbose)
			continue;
		fputs("      ", o->f);
		put_mark(o, t->passed ? VS_PASS : VS_FAIL);
		fputc(' ', o->f);
		put(o, t->name);
		if (t->message && t->message[0]) {
			fputs(": ", o->f);
			put(o, t->message);
		}
		fputc('\n', o->f);
	}
}

/* cmocka's own progress lines: the subtests already say what they say. */
static int cmocka_framing(const char *line, size_t n)
{
	static const char *const tags[] = {
	    "[ RUN      ]", "[       OK ]", "[  FAILED  ]", "[  PASSED  ]",
	    "[==========]", "[  ERROR   ]", "[   LINE   ]", "[  SKIPPED ]",
	};

	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		if (n >= strlen(tags[i]) &&
		    !strncmp(line, tags[i], strlen(tags[i])))
			return 1;
	return 0;
}

/*
 * The output excerpt, indented, at most OUTPUT_LINES_MAX lines.  When the
 * check has subtests, cmocka's framing lines are left out (unless verbose):
 * what remains is what the program and the tests printed.
 */
static void put_output(const struct out *o, const struct check_result *c)
{
	const char *p = c->output, *nl;
	size_t n, shown = 0, more = 0;
	int filter = c->nsubtests > 0 && !o->verbose;

	for (; *p; p = nl ? nl + 1 : p + n) {
		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		if (filter && cmocka_framing(p, n))
			continue;
		if (shown == OUTPUT_LINES_MAX) {
			more++;
			continue;
		}
		style(o, C_DIM);
		fputs("      | ", o->f);
		reset(o);
		put_n(o, p, n);
		fputc('\n', o->f);
		shown++;
	}
	if (more)
		fprintf(o->f, "      | [... %zu more lines not shown]\n", more);
	else if (c->output_truncated)
		fputs("      | [output was cut]\n", o->f);
}

static void put_check(const struct out *o, const struct check_result *c)
{
	int detail =
	    o->verbose || c->status == VS_FAIL || c->status == VS_ERROR;

	fputs("  ", o->f);
	put_mark(o, c->status);
	fputc(' ', o->f);
	put(o, c->name);
	if (c->has_value) {
		fputc(' ', o->f);
		put_value(o, c->value, c->unit);
		fputs("  ", o->f);
		put_bar(o, c);
		fputc(' ', o->f);
		put(o, c->cmp ? c->cmp : ">=");
		fputc(' ', o->f);
		put_value(o, c->threshold, c->unit);
	}
	if (c->hidden)
		fputs(" (hidden)", o->f);
	if (c->status == VS_SKIP) {
		fputs("  skip", o->f);
		if (c->message && c->message[0]) {
			fputs(": ", o->f);
			put(o, c->message);
		}
		if (c->skip_package) {
			fputs(" (install ", o->f);
			put(o, c->skip_package);
			fputc(')', o->f);
		}
	} else if (c->message && c->message[0] && (detail || !c->has_value)) {
		fputs(": ", o->f);
		put(o, c->message);
	}
	if (c->max_points > 0) {
		fputs("  ", o->f);
		put_num(o, c->points);
		fputc('/', o->f);
		put_num(o, c->max_points);
	}
	if (o->verbose && c->seconds > 0)
		fprintf(o->f, "  (%.2fs)", c->seconds);
	fputc('\n', o->f);
	if (!detail)
		return;
	put_subtests(o, c);
	put_diags(o, &c->diags);
	/* Parsed diagnostics say it better than the raw text they came
	 * from; the raw text stays available with --verbose. */
	if (c->output && c->output[0] &&
	    (c->status != VS_PASS && (!c->diags.n || o->verbose)))
		put_output(o, c);
}

static void put_feedback(const struct out *o, const struct exercise_result *x)
{
	for (size_t i = 0; i < x->nfeedback; i++) {
		fputs(i ? "            " : "  feedback: ", o->f);
		put(o, x->feedback[i]);
		fputc('\n', o->f);
	}
	if (x->feedback_hint) {
		style(o, C_CYAN);
		fputs("  hint:", o->f);
		reset(o);
		fputc(' ', o->f);
		put(o, x->feedback_hint);
		fputc('\n', o->f);
	}
	if (x->feedback_error) {
		style(o, C_MAGENTA);
		fputs("  lesson error (a bug in the lesson, not in your code):",
		      o->f);
		reset(o);
		fputc(' ', o->f);
		put(o, x->feedback_error);
		fputc('\n', o->f);
	}
}

static void put_exercise(const struct out *o, const struct exercise_result *x)
{
	put_mark(o, x->status);
	fputc(' ', o->f);
	style(o, C_BOLD);
	put(o, x->name);
	reset(o);
	if (x->title && x->title[0]) {
		fputs(o->utf8 ? " \xe2\x80\x94 " : " - ", o->f);
		put(o, x->title);
	}
	if (x->max_score > 0) {
		fputs("  ", o->f);
		put_num(o, x->score);
		fputc('/', o->f);
		put_num(o, x->max_score);
	}
	if (o->verbose && x->seconds > 0)
		fprintf(o->f, "  (%.1fs)", x->seconds);
	fputc('\n', o->f);
	if (x->status != VS_PASS && x->message && x->message[0]) {
		fputs("  ", o->f);
		put(o, x->message);
		fputc('\n', o->f);
	}
	for (size_t i = 0; i < x->nchecks; i++)
		put_check(o, &x->checks[i]);
	put_feedback(o, x);
}

int report_text_write(FILE *f, const struct run_result *r,
		      const struct report_opts *opts)
{
	struct out o = {
	    .f = f,
	    .color = opts && opts->color,
	    .utf8 = MB_CUR_MAX > 1,
	    .verbose = opts && opts->verbose,
	};
	double score, max;
	size_t passed, failed;

	if (opts && opts->title) {
		style(&o, C_BOLD);
		put(&o, opts->title);
		reset(&o);
		fputc('\n', f);
	}
	if (r->student) {
		fputs("student: ", f);
		put(&o, r->student);
		fputc('\n', f);
	}
	if (r->sandbox_layers) {
		fputs("sandbox: ", f);
		put(&o, r->sandbox_layers);
		fputc('\n', f);
	}
	for (size_t i = 0; i < r->n; i++) {
		if (i)
			fputc('\n', f);
		put_exercise(&o, &r->exercises[i]);
	}
	if (r->n > 1) {
		run_result_totals(r, &score, &max, &passed, &failed);
		fprintf(f, "\n%zu of %zu exercises passed", passed, r->n);
		if (max > 0) {
			fputs(", ", f);
			put_num(&o, score);
			fputc('/', f);
			put_num(&o, max);
			fputs(" points", f);
		}
		fputc('\n', f);
	}
	if (fflush(f) != 0 || ferror(f))
		return -1;
	return 0;
}
