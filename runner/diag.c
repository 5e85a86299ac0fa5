/*
 * diag: gcc's JSON diagnostics, linker lines and sanitizer reports turned
 * into struct diag (see diag.h).
 *
 * Everything here reads text a child printed, so nothing is trusted: lines
 * are copied into bounded buffers before they are looked at, JSON goes
 * through jansson, and one parse adds at most DIAG_PARSE_MAX entries.
 * Unknown or cut-off input yields fewer diagnostics, never a crash.
 */
#include "diag.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "util/xalloc.h"

#define DIAG_PARSE_MAX	256  /* entries one parse call adds at most */
#define LINE_KEEP	2048 /* bytes of a line that are looked at */
#define JSON_TRIES_MAX	64   /* failed JSON parses before giving up on JSON */
#define CHILD_DEPTH_MAX 8    /* nesting of gcc "children" that is followed */

/* ---- the list ---------------------------------------------------------- */

void diag_list_init(struct diag_list *l)
{
	memset(l, 0, sizeof(*l));
}

static void diag_release(struct diag *d)
{
	free(d->tool);
	free(d->severity);
	free(d->file);
	free(d->option);
	free(d->message);
	free(d->function);
}

void diag_list_release(struct diag_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		diag_release(&l->v[i]);
	free(l->v);
	diag_list_init(l);
}

/* A copy with control characters (newlines, escapes) made spaces: every
 * field is one line, and none can drive a terminal. */
static char *dup_line(const char *s)
{
	char *r;

	if (!s)
		return NULL;
	r = xstrdup(s);
	for (char *p = r; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return r;
}

void diag_list_add(struct diag_list *l, const char *tool, const char *severity,
		   const char *file, int line, int column, const char *option,
		   const char *message, const char *function)
{
	struct diag *d;

	l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof(*l->v));
	d = &l->v[l->n++];
	d->tool = dup_line(tool);
	d->severity = dup_line(severity);
	d->file = dup_line(file);
	d->line = line > 0 ? line : 0;
	d->column = column > 0 ? column : 0;
	d->option = dup_line(option);
	d->message = dup_line(message);
	d->function = dup_line(function);
}

/* ---- small text helpers ------------------------------------------------ */

/* A parse in progress: where it started, so it can be capped. */
struct parse {
	struct diag_list *l;
	size_t start;
};

static int parse_full(const struct parse *p)
{
	return p->l->n - p->start >= DIAG_PARSE_MAX;
}

static void emit(struct parse *p, const char *tool, const char *file, int line,
		 int column, const char *option, const char *message,
		 const char *function)
{
	if (parse_full(p))
		return;
	diag_list_add(p->l, tool, "error", file, line, column, option, message,
		      function);
}

/*
 * Copy the next line of [*pos, end) into out (at most n - 1 bytes, NULs made
 * spaces, the newline and a trailing CR dropped) and advance *pos past it.
 * Returns 0 when there is no line left.
 */
static int next_line(const char **pos, const char *end, char *out, size_t n)
{
	const char *s = *pos, *e;
	size_t len, keep;

	if (s >= end)
		return 0;
	e = memchr(s, '\n', (size_t)(end - s));
	len = e ? (size_t)(e - s) : (size_t)(end - s);
	*pos = e ? e + 1 : end;
	if (len && s[len - 1] == '\r')
		len--;
	keep = len < n - 1 ? len : n - 1;
	for (size_t i = 0; i < keep; i++)
		out[i] = s[i] ? s[i] : ' ';
	out[keep] = '\0';
	return 1;
}

static int starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static const char *skip_spaces(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Parse decimal digits at s (at most 9, so no overflow); -1 if none. */
static int read_int(const char *s, const char **end)
{
	int v = 0, n = 0;

	while (is_digit(s[n]) && n < 9) {
		v = v * 10 + (s[n] - '0');
		n++;
	}
	if (end)
		*end = s + n;
	return n ? v : -1;
}

static void copy_str(char *dst, size_t n, const char *src, size_t len)
{
	if (len > n - 1)
		len = n - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

/*
 * Split "file:line" or "file:line:col" (numbers taken from the right) into
 * its parts.  Returns 1 when a line number was found.
 */
static int split_location(const char *loc, char *file, size_t n, int *line,
			  int *col)
{
	size_t len = strlen(loc), i = len;
	int nums[2], k = 0;
	size_t cut = len;

	*line = 0;
	*col = 0;
	while (k < 2) {
		size_t j = i;
		while (j > 0 && is_digit(loc[j - 1]))
			j--;
		if (j == i || j == 0 || loc[j - 1] != ':' || i - j > 9)
			break;
		nums[k++] = read_int(loc + j, NULL);
		i = j - 1;
		cut = i;
	}
	if (k == 0)
		return 0;
	if (k == 2) {
		*line = nums[1];
		*col = nums[0];
	} else {
		*line = nums[0];
	}
	copy_str(file, n, loc, cut);
	return *line > 0 && file[0];
}

/* ---- gcc's JSON -------------------------------------------------------- */

/* gcc's "kind": "fatal error" and "sorry, unimplemented" stop the build
 * like an error, so they become "error"; the message still says what. */
static const char *severity_of(const char *kind)
{
	if (!kind)
		return "error";
	if (!strcmp(kind, "warning") || !strcmp(kind, "pedwarn"))
		return "warning";
	if (!strcmp(kind, "note"))
		return "note";
	return "error";
}

static int json_int(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	json_int_t i;

	if (!json_is_integer(v))
		return 0;
	i = json_integer_value(v);
	return i < 0 ? 0 : i > INT_MAX ? INT_MAX : (int)i;
}

static void gcc_entry(struct parse *p, json_t *obj, int depth)
{
	json_t *locs, *caret = NULL, *children;
	const char *kind, *msg, *option, *file = NULL;
	int line = 0, col = 0;
	size_t i;
	json_t *child;

	if (!json_is_object(obj) || parse_full(p))
		return;
	kind = json_string_value(json_object_get(obj, "kind"));
	msg = json_string_value(json_object_get(obj, "message"));
	option = json_string_value(json_object_get(obj, "option"));
	if (!msg)
		return;
	locs = json_object_get(obj, "locations");
	if (json_is_array(locs) && json_array_size(locs) > 0)
		caret = json_object_get(json_array_get(locs, 0), "caret");
	if (json_is_object(caret)) {
		file = json_string_value(json_object_get(caret, "file"));
		line = json_int(caret, "line");
		col = json_int(caret, "display-column");
		if (!col)
			col = json_int(caret, "column");
	}
	diag_list_add(p->l, "gcc", severity_of(kind), file, line, col, option,
		      msg, NULL);
	children = json_object_get(obj, "children");
	if (!json_is_array(children) || depth >= CHILD_DEPTH_MAX)
		return;
	json_array_foreach(children, i, child) gcc_entry(p, child, depth + 1);
}

/* Bytes a successful jansson parse used, kept within [1, n]. */
static size_t used_bytes(const json_error_t *e, size_t n)
{
	if (e->position <= 0 || (size_t)e->position > n)
		return n;
	return (size_t)e->position;
}

/*
 * Parse the array that starts at s ('[').  A cut-off array still yields its
 * complete leading entries.  Returns the bytes consumed, or 0 when no JSON
 * diagnostic was there; then adds to *wasted what the failed parse read.
 */
static size_t gcc_array(struct parse *p, const char *s, size_t n,
			size_t *wasted)
{
	json_error_t e;
	json_t *root, *v;
	size_t i, pos, got = 0;

	root = json_loadb(s, n, JSON_DISABLE_EOF_CHECK, &e);
	if (!root)
		*wasted += e.position > 0 ? (size_t)e.position : 1;
	if (root) {
		if (!json_is_array(root)) {
			json_decref(root);
			return 0;
		}
		json_array_foreach(root, i, v) gcc_entry(p, v, 0);
		json_decref(root);
		return used_bytes(&e, n);
	}
	/* Salvage: one object at a time after the '['. */
	pos = 1;
	for (;;) {
		while (pos < n && strchr(" \t\r\n,", s[pos]) && s[pos])
			pos++;
		if (pos >= n || s[pos] != '{')
			break;
		v = json_loadb(s + pos, n - pos, JSON_DISABLE_EOF_CHECK, &e);
		if (!v)
			break;
		gcc_entry(p, v, 0);
		json_decref(v);
		pos += used_bytes(&e, n - pos);
		got++;
	}
	return got ? pos : 0;
}

/* Text between a quote (` ' or U+2018) and its closing quote (' or U+2019),
 * or the rest of s. */
static void quoted_name(const char *s, char *out, size_t n)
{
	size_t len;

	if (*s == '`' || *s == '\'')
		s++;
	else if (starts(s, "\xe2\x80\x98"))
		s += 3;
	len = strcspn(s, "'");
	if (strstr(s, "\xe2\x80\x99") &&
	    (size_t)(strstr(s, "\xe2\x80\x99") - s) < len)
		len = (size_t)(strstr(s, "\xe2\x80\x99") - s);
	copy_str(out, n, s, len);
}

/*
 * The place a GNU ld message points at, from the text before ": undefined
 * reference": "link.c:(.text+0xa)", "/src/link.c:5",
 * "/usr/bin/ld: /tmp/cc1.o:/src/dup.c:1".
 */
static void ld_location(const char *loc, size_t len, char *file, size_t n,
			int *line)
{
	char buf[LINE_KEEP], name[LINE_KEEP];
	char *s = buf, *cut;
	int col;

	copy_str(buf, sizeof(buf), loc, len);
	while ((cut = strstr(s, ": ")))
		s = cut + 2;
	*line = 0;
	cut = strstr(s, ":(");
	if (cut && s[strlen(s) - 1] == ')')
		*cut = '\0';
	else if (split_location(s, name, sizeof(name), line, &col))
		s = name;
	else
		*line = 0;
	/* "/tmp/cc1.o:/src/dup.c": the source, not the temporary object. */
	if ((cut = strrchr(s, ':')))
		s = cut + 1;
	copy_str(file, n, s, strlen(s));
}

/* Linker state carried from line to line. */
struct ld_state {
	char function[256]; /* from "in function `main':" */
	size_t lld_last;    /* index + 1 of the last lld entry, or 0 */
};

static void ld_symbol_diag(struct parse *p, struct ld_state *st,
			   const char *line, const char *hit, const char *what)
{
	char sym[256], file[512], msg[384];
	size_t loclen = (size_t)(hit - line);
	int lnum;

	quoted_name(hit + strlen(what), sym, sizeof(sym));
	/* The location ends with ": " before the message. */
	if (loclen >= 2 && !strncmp(hit - 2, ": ", 2))
		loclen -= 2;
	/* Lines under an "in function" header are bare ("a.c:(.text+0x5):
	 * ..."); one that starts with "/usr/bin/ld: " stands alone, as a
	 * reference from data does. */
	for (size_t i = 0; i + 1 < loclen; i++)
		if (line[i] == ':' && line[i + 1] == ' ')
			st->function[0] = '\0';
	ld_location(line, loclen, file, sizeof(file), &lnum);
	snprintf(msg, sizeof(msg), "%s'%s'", what, sym);
	emit(p, "ld", file[0] ? file : NULL, lnum, 0, NULL, msg,
	     st->function[0] ? st->function : NULL);
}

static void ld_line(struct parse *p, struct ld_state *st, const char *line)
{
	const char *hit;
	char sym[256], msg[384], file[512];
	int lnum, col;
	struct diag *d;

	if ((hit = strstr(line, "in function "))) {
		quoted_name(hit + strlen("in function "), st->function,
			    sizeof(st->function));
	} else if ((hit = strstr(line, "undefined reference to "))) {
		ld_symbol_diag(p, st, line, hit, "undefined reference to ");
	} else if ((hit = strstr(line, "multiple definition of "))) {
		ld_symbol_diag(p, st, line, hit, "multiple definition of ");
	} else if ((hit = strstr(line, "error: undefined symbol: "))) {
		/* lld: the place follows on ">>> referenced by" lines. */
		hit += strlen("error: undefined symbol: ");
		copy_str(sym, sizeof(sym), hit, strlen(hit));
		snprintf(msg, sizeof(msg), "undefined reference to '%s'", sym);
		st->lld_last = 0;
		if (!parse_full(p)) {
			emit(p, "ld", NULL, 0, 0, NULL, msg, NULL);
			st->lld_last = p->l->n;
		}
	} else if (st->lld_last && starts(line, ">>> ")) {
		d = &p->l->v[st->lld_last - 1];
		hit = skip_spaces(line + 4);
		if (starts(hit, "referenced by ") && !d->file) {
			hit += strlen("referenced by ");
			copy_str(msg, sizeof(msg), hit, strcspn(hit, " "));
			if (split_location(msg, file, sizeof(file), &lnum,
					   &col)) {
				d->file = dup_line(file);
				d->line = lnum;
			}
		} else if (!d->function && (hit = strstr(hit, ":(")) &&
			   hit[strlen(hit) - 1] == ')') {
			copy_str(sym, sizeof(sym), hit + 2,
				 strlen(hit + 2) - 1);
			d->function = dup_line(sym);
		}
	} else {
		/* A function names the lines right below it. */
		st->function[0] = '\0';
		st->lld_last = 0;
	}
}

int diag_parse_gcc_json(struct diag_list *l, const char *text, size_t len)
{
	struct parse p = {l, l->n};
	struct ld_state st = {"", 0};
	const char *pos = text, *end = text + len, *s;
	char line[LINE_KEEP];
	int found = 0, tries = 0;
	/* Failed JSON parses may read far ahead: bound what they cost in
	 * total, so that no input makes this slower than linear. */
	size_t used, wasted = 0, budget = 2 * len + 65536;

	if (!text)
		return -1;
	while (pos < end) {
		s = pos;
		while (s < end && (*s == ' ' || *s == '\t'))
			s++;
		if (s < end && *s == '[' && tries < JSON_TRIES_MAX &&
		    wasted < budget) {
			used = gcc_array(&p, s, (size_t)(end - s), &wasted);
			if (used) {
				found = 1;
				pos = s + used;
				continue;
			}
			tries++;
		}
		if (!next_line(&pos, end, line, sizeof(line)))
			break;
		ld_line(&p, &st, line);
	}
	if (!found && l->n == p.start)
		return -1;
	return (int)(l->n - p.start);
}

/* ---- sanitizer reports ------------------------------------------------- */

struct frame {
	char func[256];
	char file[512];
	int line, col;
};

#define STACK_KEEP 12 /* frames with a file kept per stack */

/* The frames of one stack that have a file, and frame #0. */
struct stack {
	struct frame first;
	struct frame cand[STACK_KEEP];
	int nframes, ncand;
};

enum san { SAN_NONE, SAN_ASAN, SAN_LSAN, SAN_UBSAN, SAN_TSAN };

/* Where the frames now being read go. */
enum target { T_NONE, T_FIRST, T_SECOND };

/* One report being read. */
struct report {
	enum san san;
	int open;
	char option[128];
	char message[512];    /* the headline, before details */
	char access[96];      /* ASan: "WRITE of size 1"; SEGV: "READ ..." */
	char hint[96];	      /* ASan: "address points to the zero page" */
	char second_what[32]; /* ASan: "freed", "allocated" */
	/* UBSan: the place in the runtime error line itself. */
	char file[512];
	int line, col;
	/* TSan: what each of the first two stacks is. */
	char what[2][96]; /* "write", "M1 locked while holding M0" */
	char who[2][64];  /* "thread T1", "main thread" */
	int nwhat;
	struct stack st[2];
	enum target target;
};

struct san_parser {
	struct parse p;
	const char *prefer; /* basename of the preferred file, or NULL */
	enum san mode;	    /* SAN_LSAN between leak records */
	struct report r;
};

static int runtime_frame(const struct frame *f)
{
	static const char *const funcs[] = {
	    "__interceptor_", "___interceptor_", "__asan_",	 "__lsan_",
	    "__tsan_",	      "__ubsan_",	 "__sanitizer_",
	};
	static const char *const files[] = {
	    "/libsanitizer/", "compiler-rt/", "sanitizer_common/",
	    "sysdeps/",	      "csu/",
	};

	for (size_t i = 0; i < sizeof(funcs) / sizeof(funcs[0]); i++)
		if (starts(f->func, funcs[i]))
			return 1;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (strstr(f->file, files[i]))
			return 1;
	return 0;
}

/* Drop a trailing " (...)" group (a module+offset or a BuildId) from s. */
static int drop_paren_tail(char *s)
{
	size_t len = strlen(s);
	char *open;

	if (!len || s[len - 1] != ')')
		return 0;
	open = strrchr(s, '(');
	if (!open || open == s || open[-1] != ' ')
		return 0;
	open[-1] = '\0';
	return 1;
}

/*
 * A frame line, after the '#':
 *   ASan/LSan/UBSan: "3 0x55e5 in copy_name /src/overflow.c:7:10"
 *                    "4 0x55e5 in _start (/bin/prog+0x10e0) (BuildId: ab)"
 *                    "3 0x7fc5  (/lib/libcmocka.so.0+0x58f7)"
 *   TSan:            "0 main /src/race.c:20:11 (prog+0xd0135) (BuildId: 53)"
 *                    "0 pthread_mutex_lock <null> (prog+0x6ef3a)"
 */
static int parse_frame(const char *s, struct frame *f)
{
	char body[LINE_KEEP], *sp;
	const char *loc;

	memset(f, 0, sizeof(*f));
	if (read_int(s, &s) < 0 || *s != ' ')
		return 0;
	s = skip_spaces(s);
	if (starts(s, "0x")) {
		s += 2;
		while (*s && *s != ' ')
			s++;
		s = skip_spaces(s);
		if (starts(s, "in "))
			s += 3;
	}
	copy_str(body, sizeof(body), s, strlen(s));
	if (strstr(body, " (BuildId: "))
		*strstr(body, " (BuildId: ") = '\0';
	drop_paren_tail(body);
	if (body[0] == '(' || !body[0])
		return 1; /* a module and an offset: no name, no file */
	sp = strrchr(body, ' ');
	if (!sp) {
		copy_str(f->func, sizeof(f->func), body, strlen(body));
		return 1;
	}
	*sp = '\0';
	loc = sp + 1;
	copy_str(f->func, sizeof(f->func), body, strlen(body));
	if (!split_location(loc, f->file, sizeof(f->file), &f->line, &f->col))
		f->file[0] = '\0';
	return 1;
}

static void stack_add(struct stack *st, const struct frame *f)
{
	if (st->nframes++ == 0)
		st->first = *f;
	if (f->file[0] && f->line > 0 && st->ncand < STACK_KEEP)
		st->cand[st->ncand++] = *f;
}

static int same_place(const struct frame *a, const struct frame *b)
{
	return b && a->line == b->line && !strcmp(a->file, b->file);
}

/*
 * The frame a stack is reported at: the first in the preferred file, else
 * the first outside the sanitizer runtime and libc, else the first with a
 * file; one at the same place as `avoid` is passed over while another
 * qualifies.  NULL when no frame has a file.
 */
static const struct frame *stack_pick(const struct stack *st,
				      const char *prefer,
				      const struct frame *avoid)
{
	/* Which frames each pass takes: 0 preferred file, 1 outside the
	 * runtime, 2 any; and whether it passes over `avoid`. */
	static const int passes[][2] = {{0, 1}, {0, 0}, {1, 1},
					{1, 0}, {2, 1}, {2, 0}};

	for (size_t k = 0; k < sizeof(passes) / sizeof(passes[0]); k++) {
		for (int i = 0; i < st->ncand; i++) {
			const struct frame *f = &st->cand[i];
			if (passes[k][1] && same_place(f, avoid))
				continue;
			if (passes[k][0] == 0 &&
			    (!prefer || strcmp(base_name(f->file), prefer)))
				continue;
			if (passes[k][0] == 1 && runtime_frame(f))
				continue;
			return f;
		}
	}
	return NULL;
}

/* "overflow.c:12" for a message, or "" when the frame is NULL. */
static void frame_place(const struct frame *f, char *out, size_t n)
{
	if (f)
		snprintf(out, n, "%s:%d", base_name(f->file), f->line);
	else
		out[0] = '\0';
}

static void report_start(struct san_parser *sp, enum san san)
{
	memset(&sp->r, 0, sizeof(sp->r));
	sp->r.san = san;
	sp->r.open = 1;
	sp->r.target = T_FIRST;
}

/* Append to the string in out (size n), cutting what does not fit. */
__attribute__((format(printf, 3, 4))) static void appendf(char *out, size_t n,
							  const char *fmt, ...)
{
	size_t len = strnlen(out, n);
	va_list ap;

	if (len + 1 >= n)
		return;
	va_start(ap, fmt);
	vsnprintf(out + len, n - len, fmt, ap);
	va_end(ap);
}

/* "write at race.c:10 (thread T1)", leaving out what is unknown. */
static void join_place(char *out, size_t n, const char *what, const char *place,
		       const char *who)
{
	out[0] = '\0';
	appendf(out, n, "%s", what);
	if (place[0])
		appendf(out, n, " at %s", place);
	if (who[0])
		appendf(out, n, " (%s)", who);
}

static void tsan_message(const struct report *r, const char *prefer, char *msg,
			 size_t n)
{
	char place[2][600], part[2][800];

	for (int i = 0; i < 2; i++) {
		frame_place(stack_pick(&r->st[i], prefer, NULL), place[i],
			    sizeof(place[i]));
		join_place(part[i], sizeof(part[i]), r->what[i], place[i],
			   r->who[i]);
	}
	msg[0] = '\0';
	if (!strcmp(r->option, "thread leak") && r->nwhat >= 1) {
		appendf(msg, n, "thread leak: %s created", r->who[0]);
		if (place[0][0])
			appendf(msg, n, " at %s", place[0]);
		appendf(msg, n, " and never joined");
	} else if (!strcmp(r->option, "lock-order-inversion") &&
		   r->nwhat >= 2) {
		appendf(msg, n, "%s: %s, %s", r->option, part[0], part[1]);
	} else if (!strcmp(r->option, "heap-use-after-free") && r->nwhat >= 2) {
		join_place(part[1], sizeof(part[1]), "free", place[1],
			   r->who[1]);
		appendf(msg, n, "%s: %s after %s", r->option, part[0], part[1]);
	} else if (r->nwhat >= 2) {
		appendf(msg, n, "%s: %s and %s", r->option, part[0], part[1]);
	} else if (r->nwhat == 1) {
		appendf(msg, n, "%s: %s", r->option, part[0]);
	} else {
		appendf(msg, n, "%s", r->option);
	}
}

static void asan_message(const struct report *r, const char *prefer, char *msg,
			 size_t n)
{
	const struct frame *at = stack_pick(&r->st[0], prefer, NULL);
	char place[600];

	msg[0] = '\0';
	appendf(msg, n, "%s", r->message);
	if (r->access[0])
		appendf(msg, n, ": %s", r->access);
	if (r->hint[0])
		appendf(msg, n, " (%s)", r->hint);
	/* Where it was freed or allocated: another line than the report's
	 * own when the stack has one (a double free in a helper). */
	frame_place(stack_pick(&r->st[1], prefer, at), place, sizeof(place));
	if (place[0] && r->second_what[0])
		appendf(msg, n, " (%s at %s)", r->second_what, place);
}

static const char *const tool_names[] = {
    [SAN_NONE] = "sanitizer", [SAN_ASAN] = "asan", [SAN_LSAN] = "lsan",
    [SAN_UBSAN] = "ubsan",    [SAN_TSAN] = "tsan",
};

/* Turn the open report into a diag. */
static void report_flush(struct san_parser *sp)
{
	struct report *r = &sp->r;
	const struct frame *f = stack_pick(&r->st[0], sp->prefer, NULL);
	char msg[1024];
	const char *file = NULL, *func = NULL;
	int line = 0, col = 0;

	if (!r->open)
		return;
	r->open = 0;
	if (r->san == SAN_TSAN)
		tsan_message(r, sp->prefer, msg, sizeof(msg));
	else if (r->san == SAN_ASAN)
		asan_message(r, sp->prefer, msg, sizeof(msg));
	else
		snprintf(msg, sizeof(msg), "%s", r->message);
	if (f) {
		file = f->file;
		line = f->line;
		col = f->col;
		func = f->func[0] ? f->func : NULL;
	}
	if (r->san == SAN_UBSAN) {
		file = r->file[0] ? r->file : file;
		line = r->file[0] ? r->line : line;
		col = r->file[0] ? r->col : col;
		func = r->st[0].nframes && r->st[0].first.func[0]
			   ? r->st[0].first.func
			   : NULL;
	}
	if (!msg[0])
		snprintf(msg, sizeof(msg), "%s",
			 r->option[0] ? r->option : "sanitizer report");
	emit(&sp->p, tool_names[r->san], file, line, col,
	     r->option[0] ? r->option : NULL, msg, func);
}

/* "heap-buffer-overflow on address 0x.. at pc .." and friends. */
static void asan_header(struct report *r, const char *h)
{
	static const char *const cuts[] = {
	    " on address ", " at pc ", " (pc ", " in thread ", " on 0x", " (",
	};
	size_t len = strlen(h);

	if (starts(h, "attempting double-free")) {
		snprintf(r->option, sizeof(r->option), "double-free");
		snprintf(r->message, sizeof(r->message),
			 "attempting double-free");
		return;
	}
	if (starts(h, "attempting free on address which was not malloc()-ed")) {
		snprintf(r->option, sizeof(r->option), "bad-free");
		snprintf(r->message, sizeof(r->message),
			 "attempting free on address which was not "
			 "malloc()-ed");
		return;
	}
	copy_str(r->option, sizeof(r->option), h, strcspn(h, " :"));
	if (strstr(h, " on unknown address ")) {
		/* "SEGV on unknown address 0x000000000000 (pc ..." */
		len =
		    strstr(h, " (pc ") ? (size_t)(strstr(h, " (pc ") - h) : len;
	} else {
		for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++)
			if (strstr(h, cuts[i]) &&
			    (size_t)(strstr(h, cuts[i]) - h) < len)
				len = (size_t)(strstr(h, cuts[i]) - h);
	}
	copy_str(r->message, sizeof(r->message), h, len);
}

/* The classes UBSan's messages fall into, by a phrase in the message. */
static const struct {
	const char *phrase, *option;
} ubsan_kinds[] = {
    {"signed integer overflow", "signed-integer-overflow"},
    {"unsigned integer overflow", "unsigned-integer-overflow"},
    {"negation of", "signed-integer-overflow"},
    {"division of", "signed-integer-overflow"},
    {"shift exponent", "shift-exponent"},
    {"left shift of", "shift-base"},
    {"null pointer", "null-pointer"},
    {"misaligned", "misaligned"},
    {"out of bounds", "out-of-bounds index"},
    {"division by zero", "division by zero"},
    {"pointer overflow", "pointer-overflow"},
    {"applying non-zero offset", "pointer-overflow"},
    {"addition of unsigned offset", "pointer-overflow"},
    {"subtraction of unsigned offset", "pointer-overflow"},
    {"not a valid value for type", "invalid-value"},
    {"reached the end of a value-returning function", "missing-return"},
    {"reached an unreachable program point", "unreachable"},
    {"variable length array bound", "vla-bound"},
    {"outside the range of representable values", "float-cast-overflow"},
    {"null pointer passed as argument", "nonnull-attribute"},
};

static void ubsan_line(struct san_parser *sp, const char *line, const char *hit)
{
	struct report *r;
	const char *what = hit + strlen(": runtime error: ");
	char loc[LINE_KEEP];

	report_flush(sp);
	report_start(sp, SAN_UBSAN);
	r = &sp->r;
	copy_str(loc, sizeof(loc), line, (size_t)(hit - line));
	/* The program may have printed text without a newline before. */
	if (strrchr(loc, ' '))
		memmove(loc, strrchr(loc, ' ') + 1,
			strlen(strrchr(loc, ' ') + 1) + 1);
	if (!split_location(loc, r->file, sizeof(r->file), &r->line, &r->col))
		r->file[0] = '\0';
	snprintf(r->option, sizeof(r->option), "undefined-behavior");
	for (size_t i = 0; i < sizeof(ubsan_kinds) / sizeof(ubsan_kinds[0]);
	     i++) {
		if (strstr(what, ubsan_kinds[i].phrase)) {
			snprintf(r->option, sizeof(r->option), "%s",
				 ubsan_kinds[i].option);
			break;
		}
	}
	snprintf(r->message, sizeof(r->message), "%s", what);
}

/* "Direct leak of 64 byte(s) in 1 object(s) allocated from:" */
static void lsan_record(struct san_parser *sp, const char *s)
{
	int indirect = starts(s, "Indirect");
	const char *p = strstr(s, " leak of ") + strlen(" leak of ");
	int bytes = read_int(p, &p), objects = -1;

	report_flush(sp);
	report_start(sp, SAN_LSAN);
	if (starts(p, " byte(s) in "))
		objects = read_int(p + strlen(" byte(s) in "), NULL);
	snprintf(sp->r.option, sizeof(sp->r.option), "memory leak");
	if (bytes < 0 || objects < 0)
		snprintf(sp->r.message, sizeof(sp->r.message), "%s leak",
			 indirect ? "indirect" : "direct");
	else
		snprintf(sp->r.message, sizeof(sp->r.message),
			 "%s leak of %d byte%s in %d object%s",
			 indirect ? "indirect" : "direct", bytes,
			 bytes == 1 ? "" : "s", objects,
			 objects == 1 ? "" : "s");
}

/* ASan lines between the header and the end of the report. */
static void asan_detail(struct report *r, const char *s)
{
	const char *p;

	if (starts(s, "READ of size ") || starts(s, "WRITE of size ")) {
		p = strstr(s, " at ");
		copy_str(r->access, sizeof(r->access), s,
			 p ? (size_t)(p - s) : strlen(s));
	} else if ((p = strstr(s, "The signal is caused by a ")) != NULL) {
		p += strlen("The signal is caused by a ");
		copy_str(r->access, sizeof(r->access), p, strcspn(p, "."));
	} else if ((p = strstr(s, "Hint: address points to the zero page"))) {
		snprintf(r->hint, sizeof(r->hint),
			 "address points to the zero page");
	} else if (starts(s, "freed by thread ")) {
		memset(&r->st[1], 0, sizeof(r->st[1]));
		snprintf(r->second_what, sizeof(r->second_what), "freed");
		r->target = T_SECOND;
	} else if (starts(s, "allocated by thread ") && !r->second_what[0]) {
		snprintf(r->second_what, sizeof(r->second_what), "allocated");
		r->target = T_SECOND;
	} else if (s[0] != '#' && !starts(s, "==")) {
		/* Any other text ends a stack; "==pid==" notes do not. */
		r->target = T_NONE;
	}
}

/* "Write of size 4 at 0x7b04 by thread T1:", "Previous atomic read of size
 * 4 at 0x.. by main thread (mutexes: write M1):" */
static int tsan_access(struct report *r, const char *s)
{
	const char *p = s, *by;
	char what[96];
	int k = r->nwhat;

	if (starts(p, "Previous "))
		p += strlen("Previous ");
	if (!strstr(p, " of size ") || !(by = strstr(p, " by ")))
		return 0;
	copy_str(what, sizeof(what), p, (size_t)(strstr(p, " of size ") - p));
	for (char *c = what; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	if (strcmp(what, "read") && strcmp(what, "write") &&
	    strcmp(what, "atomic read") && strcmp(what, "atomic write"))
		return 0;
	if (k >= 2) {
		r->target = T_NONE;
		return 1;
	}
	snprintf(r->what[k], sizeof(r->what[k]), "%s", what);
	by += 4;
	copy_str(r->who[k], sizeof(r->who[k]), by, strcspn(by, ":("));
	if (r->who[k][0] && r->who[k][strlen(r->who[k]) - 1] == ' ')
		r->who[k][strlen(r->who[k]) - 1] = '\0';
	r->nwhat++;
	r->target = k == 0 ? T_FIRST : T_SECOND;
	return 1;
}

/* "Mutex M1 acquired here while holding mutex M0 in main thread:" */
static int tsan_mutex(struct report *r, const char *s)
{
	char m1[32] = "", m0[32] = "";
	const char *p = strstr(s, " acquired here while holding mutex ");
	const char *in;
	int k = r->nwhat;

	if (!starts(s, "Mutex ") || !p)
		return 0;
	if (k >= 2) {
		r->target = T_NONE;
		return 1;
	}
	copy_str(m1, sizeof(m1), s + 6, strcspn(s + 6, " "));
	p += strlen(" acquired here while holding mutex ");
	copy_str(m0, sizeof(m0), p, strcspn(p, " :"));
	snprintf(r->what[k], sizeof(r->what[k]), "%s locked while holding %s",
		 m1, m0);
	in = strstr(p, " in ");
	if (in)
		copy_str(r->who[k], sizeof(r->who[k]), in + 4,
			 strcspn(in + 4, ":"));
	r->nwhat++;
	r->target = k == 0 ? T_FIRST : T_SECOND;
	return 1;
}

static void tsan_detail(struct report *r, const char *s)
{
	if (tsan_access(r, s) || tsan_mutex(r, s))
		return;
	if (starts(s, "Thread T") && strstr(s, " created by ") &&
	    !strcmp(r->option, "thread leak") && r->nwhat == 0) {
		/* "Thread T1 (tid=4594, finished) created by main thread at:"
		 */
		snprintf(r->who[0], sizeof(r->who[0]), "thread %.*s",
			 (int)strcspn(s + 7, " "), s + 7);
		r->nwhat = 1;
		r->target = T_FIRST;
		return;
	}
	if (s[0] != '#')
		r->target = T_NONE;
}

static void tsan_header(struct san_parser *sp, const char *h)
{
	report_flush(sp);
	report_start(sp, SAN_TSAN);
	/* "data race (pid=1)", "lock-order-inversion (potential deadlock)" */
	copy_str(sp->r.option, sizeof(sp->r.option), h, strcspn(h, "("));
	while (sp->r.option[0] && sp->r.option[strlen(sp->r.option) - 1] == ' ')
		sp->r.option[strlen(sp->r.option) - 1] = '\0';
	sp->r.target = T_NONE; /* the access lines say which stack */
}

static void frame_line(struct san_parser *sp, const char *s)
{
	struct frame f;
	struct report *r = &sp->r;

	if (!r->open || r->target == T_NONE || !parse_frame(s + 1, &f))
		return;
	stack_add(&r->st[r->target == T_FIRST ? 0 : 1], &f);
}

static void summary_line(struct san_parser *sp, const char *s)
{
	const char *k = s + strlen("SUMMARY: AddressSanitizer: ");

	if (sp->r.open && sp->r.san == SAN_ASAN &&
	    starts(s, "SUMMARY: AddressSanitizer: ") && !is_digit(*k))
		copy_str(sp->r.option, sizeof(sp->r.option), k,
			 strcspn(k, " "));
	report_flush(sp);
	sp->mode = SAN_NONE;
}

static void san_line(struct san_parser *sp, const char *line)
{
	const char *s = skip_spaces(line), *hit;
	struct report *r = &sp->r;

	if ((hit = strstr(line, "ERROR: AddressSanitizer: "))) {
		report_flush(sp);
		report_start(sp, SAN_ASAN);
		sp->mode = SAN_ASAN;
		asan_header(r, hit + strlen("ERROR: AddressSanitizer: "));
	} else if (strstr(line, "ERROR: LeakSanitizer: ")) {
		report_flush(sp);
		sp->mode = SAN_LSAN;
	} else if ((hit = strstr(line, "WARNING: ThreadSanitizer: "))) {
		tsan_header(sp, hit + strlen("WARNING: ThreadSanitizer: "));
		sp->mode = SAN_TSAN;
	} else if ((hit = strstr(line, ": runtime error: "))) {
		ubsan_line(sp, line, hit);
	} else if (starts(s, "SUMMARY: ")) {
		summary_line(sp, s);
	} else if (starts(s, "==================")) {
		report_flush(sp); /* the end of a TSan report */
	} else if (sp->mode == SAN_LSAN && (starts(s, "Direct leak of ") ||
					    starts(s, "Indirect leak of "))) {
		lsan_record(sp, s);
	} else if (s[0] == '#' && is_digit(s[1])) {
		frame_line(sp, s);
	} else if (!r->open) {
		return;
	} else if (!s[0]) {
		r->target = T_NONE; /* a blank line ends a stack */
	} else if (r->san == SAN_ASAN) {
		asan_detail(r, s);
	} else if (r->san == SAN_TSAN) {
		tsan_detail(r, s);
	} else if (r->san == SAN_UBSAN) {
		report_flush(sp); /* anything but a frame ends it */
	}
}

int diag_parse_sanitizer(struct diag_list *l, const char *text, size_t len,
			 const char *prefer_file)
{
	struct san_parser sp;
	const char *pos = text, *end = text + len;
	char line[LINE_KEEP];

	if (!text)
		return 0;
	memset(&sp, 0, sizeof(sp));
	sp.p.l = l;
	sp.p.start = l->n;
	sp.prefer =
	    prefer_file && prefer_file[0] ? base_name(prefer_file) : NULL;
	while (next_line(&pos, end, line, sizeof(line)) && !parse_full(&sp.p))
		san_line(&sp, line);
	report_flush(&sp);
	return (int)(l->n - sp.p.start);
}

/* ---- formatting -------------------------------------------------------- */

void diag_format(const struct diag *d, char *out, size_t n)
{
	size_t len = 0;
	int w;

#define ADD(...)                                                               \
	do {                                                                   \
		w = snprintf(out + len, n - len, __VA_ARGS__);                 \
		if (w < 0 || (size_t)w >= n - len)                             \
			return;                                                \
		len += (size_t)w;                                              \
	} while (0)

	if (!out || !n)
		return;
	out[0] = '\0';
	if (d->file && d->line && d->column)
		ADD("%s:%d:%d: ", d->file, d->line, d->column);
	else if (d->file && d->line)
		ADD("%s:%d: ", d->file, d->line);
	else if (d->file)
		ADD("%s: ", d->file);
	ADD("%s: %s", d->severity ? d->severity : "error",
	    d->message ? d->message : "");
	if (d->function && d->tool && strcmp(d->tool, "gcc"))
		ADD(" (in %s)", d->function);
	if (d->option && !(d->message && starts(d->message, d->option)))
		ADD(" [%s]", d->option);
#undef ADD
}
