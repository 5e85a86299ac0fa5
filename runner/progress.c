#define _GNU_SOURCE
#include "progress.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/path.h"
#include "util/xalloc.h"

#define LINE_MAX_BYTES	4096
#define FILE_MAX_BYTES	((size_t)4 << 20)
#define HEADER_WORD	"workbook-progress"
#define SET_ASIDE_TRIES 1000

/* The record searches and sorts below find a record's name at offset 0. */
_Static_assert(offsetof(struct progress_ex, name) == 0, "name first");
_Static_assert(offsetof(struct progress_quiz, name) == 0, "name first");

enum parse_rc {
	PARSE_OK = 0,
	PARSE_CORRUPT = -1,
	PARSE_NEWER = -2,
};

/* ---- records ---------------------------------------------------------- */

static void ex_free(struct progress_ex *x)
{
	free(x->name);
	free(x->extra);
}

static void quiz_free(struct progress_quiz *q)
{
	free(q->name);
	free(q->extra);
}

/* Drop every record and unknown line; path and notice stay. */
static void clear_records(struct progress *p)
{
	size_t i;

	for (i = 0; i < p->nex; i++)
		ex_free(&p->ex[i]);
	for (i = 0; i < p->nquiz; i++)
		quiz_free(&p->quiz[i]);
	for (i = 0; i < p->nother; i++)
		free(p->other[i]);
	free(p->ex);
	free(p->quiz);
	free(p->other);
	p->ex = NULL;
	p->quiz = NULL;
	p->other = NULL;
	p->nex = p->capex = 0;
	p->nquiz = p->capquiz = 0;
	p->nother = p->capother = 0;
}

void progress_init(struct progress *p, const char *path)
{
	memset(p, 0, sizeof(*p));
	p->path = xstrdup(path);
}

void progress_release(struct progress *p)
{
	clear_records(p);
	free(p->path);
	free(p->notice);
	memset(p, 0, sizeof(*p));
}

/*
 * Binary search in an array sorted by name (the first member of each
 * element).  Returns the index of the match, or where it would go.
 */
static size_t find_slot(const void *base, size_t n, size_t size,
			const char *name, int *found)
{
	size_t lo = 0, hi = n;

	*found = 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *at =
		    *(char *const *)((const char *)base + mid * size);
		int c = strcmp(at, name);
		if (c == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct progress_ex *progress_ex_find(const struct progress *p,
					   const char *name)
{
	int found;
	size_t i = find_slot(p->ex, p->nex, sizeof(*p->ex), name, &found);

	return found ? &p->ex[i] : NULL;
}

const struct progress_quiz *progress_quiz_find(const struct progress *p,
					       const char *name)
{
	int found;
	size_t i = find_slot(p->quiz, p->nquiz, sizeof(*p->quiz), name, &found);

	return found ? &p->quiz[i] : NULL;
}

struct progress_ex *progress_ex_get(struct progress *p, const char *name)
{
	int found;
	size_t i = find_slot(p->ex, p->nex, sizeof(*p->ex), name, &found);

	if (found)
		return &p->ex[i];
	p->ex = xgrow(p->ex, &p->capex, p->nex + 1, sizeof(*p->ex));
	memmove(&p->ex[i + 1], &p->ex[i], (p->nex - i) * sizeof(*p->ex));
	p->nex++;
	memset(&p->ex[i], 0, sizeof(p->ex[i]));
	p->ex[i].name = xstrdup(name);
	p->ex[i].state = EX_NOT_TRIED;
	return &p->ex[i];
}

struct progress_quiz *progress_quiz_get(struct progress *p, const char *name)
{
	int found;
	size_t i = find_slot(p->quiz, p->nquiz, sizeof(*p->quiz), name, &found);

	if (found)
		return &p->quiz[i];
	p->quiz = xgrow(p->quiz, &p->capquiz, p->nquiz + 1, sizeof(*p->quiz));
	memmove(&p->quiz[i + 1], &p->quiz[i],
		(p->nquiz - i) * sizeof(*p->quiz));
	p->nquiz++;
	memset(&p->quiz[i], 0, sizeof(p->quiz[i]));
	p->quiz[i].name = xstrdup(name);
	return &p->quiz[i];
}

void progress_ex_remove(struct progress *p, const char *name)
{
	int found;
	size_t i = find_slot(p->ex, p->nex, sizeof(*p->ex), name, &found);

	if (!found)
		return;
	ex_free(&p->ex[i]);
	memmove(&p->ex[i], &p->ex[i + 1], (p->nex - i - 1) * sizeof(*p->ex));
	p->nex--;
}

/* ---- parsing ---------------------------------------------------------- */

/* A token: a run of bytes between spaces, tabs and carriage returns. */
struct tok {
	const char *s;
	size_t n;
};

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* The next token from *cur (before end); 0 at the end of the line. */
static int next_tok(const char **cur, const char *end, struct tok *t)
{
	const char *s = *cur;

	while (s < end && is_space(*s))
		s++;
	if (s == end) {
		*cur = s;
		return 0;
	}
	t->s = s;
	while (s < end && !is_space(*s))
		s++;
	t->n = (size_t)(s - t->s);
	*cur = s;
	return 1;
}

static int tok_is(struct tok t, const char *word)
{
	return t.n == strlen(word) && memcmp(t.s, word, t.n) == 0;
}

static int name_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '/' ||
	       c == '-';
}

/* Names are [A-Za-z0-9_./-]+; keys the same without '/'. */
static int name_ok(const char *s, size_t n, int slash)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (!name_char((unsigned char)s[i]) || (!slash && s[i] == '/'))
			return 0;
	return 1;
}

/* A token for a message: at most 40 bytes, unprintable bytes as '?'. */
static const char *show(struct tok t, char out[48])
{
	size_t i, n = t.n < 40 ? t.n : 40;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)t.s[i];
		out[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	if (n < t.n) {
		memcpy(out + n, "...", 3);
		n += 3;
	}
	out[n] = '\0';
	return out;
}

/* A decimal number in [0, max]: digits only. */
static int parse_num(struct tok t, long long max, long long *out)
{
	long long v = 0;
	size_t i;

	if (t.n == 0)
		return -1;
	for (i = 0; i < t.n; i++) {
		int d = t.s[i] - '0';
		if (d < 0 || d > 9 || v > (max - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

enum line_kind {
	LINE_SKIP, /* empty, blank or a comment */
	LINE_EXERCISE,
	LINE_QUIZ,
	LINE_OTHER,
};

static enum line_kind line_kind(const char *line, size_t len)
{
	const char *cur = line;
	struct tok t;

	if (!next_tok(&cur, line + len, &t) || t.s[0] == '#')
		return LINE_SKIP;
	if (tok_is(t, "exercise"))
		return LINE_EXERCISE;
	if (tok_is(t, "quiz"))
		return LINE_QUIZ;
	return LINE_OTHER;
}

/* The known keys of a record type, in the order they are written. */
enum key_type { KEY_INT, KEY_BOOL, KEY_TIME, KEY_STATUS };

struct key {
	const char *name;
	enum key_type type;
	size_t off; /* into struct progress_ex or progress_quiz */
};

static const struct key ex_keys[] = {
    {"status", KEY_STATUS, offsetof(struct progress_ex, state)},
    {"attempts", KEY_INT, offsetof(struct progress_ex, attempts)},
    {"hints", KEY_INT, offsetof(struct progress_ex, hints)},
    {"skipped", KEY_BOOL, offsetof(struct progress_ex, skipped)},
    {"time", KEY_TIME, offsetof(struct progress_ex, time)},
    {NULL, KEY_INT, 0},
};

static const struct key quiz_keys[] = {
    {"answer", KEY_INT, offsetof(struct progress_quiz, answer)},
    {"correct", KEY_BOOL, offsetof(struct progress_quiz, correct)},
    {"first", KEY_BOOL, offsetof(struct progress_quiz, first)},
    {"tries", KEY_INT, offsetof(struct progress_quiz, tries)},
    {NULL, KEY_INT, 0},
};

static const char *const status_names[] = {
    [EX_NOT_TRIED] = "not-tried",
    [EX_FAILED] = "failed",
    [EX_DONE] = "done",
};

static int parse_status(struct tok v, enum ex_state *out)
{
	size_t i;

	for (i = 0; i < sizeof(status_names) / sizeof(status_names[0]); i++) {
		if (tok_is(v, status_names[i])) {
			*out = (enum ex_state)i;
			return 0;
		}
	}
	return -1;
}

/* Store value v of key k into the record at rec. */
static int set_key(void *rec, const struct key *k, struct tok v, size_t line,
		   struct err *e)
{
	char *at = (char *)rec + k->off;
	long long n;
	char shown[48];

	switch (k->type) {
	case KEY_STATUS:
		if (parse_status(v, (enum ex_state *)(void *)at) < 0)
			return err_set(e,
				       "line %zu: bad status '%s' (expected "
				       "done, failed or not-tried)",
				       line, show(v, shown));
		return 0;
	case KEY_TIME:
		if (parse_num(v, LLONG_MAX, &n) < 0)
			break;
		*(long long *)(void *)at = n;
		return 0;
	case KEY_BOOL:
	case KEY_INT:
		if (parse_num(v, k->type == KEY_BOOL ? 1 : INT_MAX, &n) < 0)
			break;
		*(int *)(void *)at = (int)n;
		return 0;
	}
	return err_set(e, "line %zu: bad number '%s' for '%s'", line,
		       show(v, shown), k->name);
}

/*
 * The key=value pairs after a record's name: known keys into rec, the
 * rest verbatim into *extra (NULL when there are none).
 */
static int parse_pairs(const char *cur, const char *end, void *rec,
		       const struct key *keys, char **extra, size_t line,
		       struct err *e)
{
	unsigned seen = 0;
	struct buf x;
	struct tok t;
	char shown[48];

	buf_init(&x, BUF_UNLIMITED);
	while (next_tok(&cur, end, &t)) {
		const char *eq = memchr(t.s, '=', t.n);
		struct tok k, v;
		size_t i;

		if (!eq) {
			err_set(e, "line %zu: expected key=value, found '%s'",
				line, show(t, shown));
			goto fail;
		}
		k.s = t.s;
		k.n = (size_t)(eq - t.s);
		v.s = eq + 1;
		v.n = t.n - k.n - 1;
		if (!name_ok(k.s, k.n, 0)) {
			err_set(e, "line %zu: bad key in '%s'", line,
				show(t, shown));
			goto fail;
		}
		for (i = 0; keys[i].name && !tok_is(k, keys[i].name); i++)
			;
		if (!keys[i].name) {
			if (x.len)
				buf_addch(&x, ' ');
			buf_add(&x, t.s, t.n);
			continue;
		}
		if (seen & (1u << i)) {
			err_set(e, "line %zu: '%s' is given twice", line,
				keys[i].name);
			goto fail;
		}
		seen |= 1u << i;
		if (set_key(rec, &keys[i], v, line, e) < 0)
			goto fail;
	}
	*extra = x.len ? buf_detach(&x, NULL) : NULL;
	buf_release(&x);
	return 0;
fail:
	buf_release(&x);
	return -1;
}

/* Line numbers of the records while parsing, to name duplicates. */
struct lines {
	size_t *at;
	size_t n, cap;
};

static void lines_add(struct lines *l, size_t line)
{
	l->at = xgrow(l->at, &l->cap, l->n + 1, sizeof(*l->at));
	l->at[l->n++] = line;
}

static int parse_record(struct progress *p, enum line_kind kind, const char *s,
			size_t len, size_t line, struct lines *exl,
			struct lines *ql, struct err *e)
{
	const char *cur = s, *end = s + len;
	const char *what = kind == LINE_EXERCISE ? "exercise" : "quiz";
	struct tok t, name;
	char shown[48];
	char *nm;

	next_tok(&cur, end, &t); /* the record type */
	if (!next_tok(&cur, end, &name))
		return err_set(e, "line %zu: %s record without a name", line,
			       what);
	if (!name_ok(name.s, name.n, 1))
		return err_set(e, "line %zu: bad %s name '%s'", line, what,
			       show(name, shown));
	nm = xstrndup(name.s, name.n);
	if (kind == LINE_EXERCISE) {
		struct progress_ex x = {.name = nm, .state = EX_NOT_TRIED};
		if (parse_pairs(cur, end, &x, ex_keys, &x.extra, line, e) < 0) {
			free(nm);
			return -1;
		}
		p->ex = xgrow(p->ex, &p->capex, p->nex + 1, sizeof(*p->ex));
		p->ex[p->nex++] = x;
		lines_add(exl, line);
	} else {
		struct progress_quiz q = {.name = nm};
		if (parse_pairs(cur, end, &q, quiz_keys, &q.extra, line, e) <
		    0) {
			free(nm);
			return -1;
		}
		p->quiz =
		    xgrow(p->quiz, &p->capquiz, p->nquiz + 1, sizeof(*p->quiz));
		p->quiz[p->nquiz++] = q;
		lines_add(ql, line);
	}
	return 0;
}

static int parse_header(const char *s, size_t len, long long *version,
			struct err *e)
{
	const char *cur = s, *end = s + len;
	struct tok word, num, more;
	char shown[48];

	if (!next_tok(&cur, end, &word) || !tok_is(word, HEADER_WORD) ||
	    !next_tok(&cur, end, &num) || next_tok(&cur, end, &more))
		return err_set(e, "line 1: expected the header '" HEADER_WORD
				  " <version>'");
	if (parse_num(num, LLONG_MAX, version) < 0 || *version < 1)
		return err_set(e, "line 1: bad version number '%s'",
			       show(num, shown));
	if (*version > PROGRESS_VERSION) {
		err_set(e,
			"line 1: format version %lld is newer than this "
			"workbook reads (%d)",
			*version, PROGRESS_VERSION);
		return PARSE_NEWER;
	}
	return 0;
}

struct order {
	const char *name;
	size_t line;
	size_t idx;
};

static int order_cmp(const void *a, const void *b)
{
	const struct order *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return (x->line > y->line) - (x->line < y->line);
}

/*
 * Sort n records of `size` bytes at base by name, and refuse a name that
 * comes twice (naming both lines).
 */
static int sort_records(void *base, size_t n, size_t size,
			const struct lines *l, const char *what, struct err *e)
{
	struct order *o;
	char *tmp;
	size_t i;

	if (n < 2)
		return 0;
	o = xcalloc(n, sizeof(*o));
	for (i = 0; i < n; i++) {
		o[i].name = *(char **)(void *)((char *)base + i * size);
		o[i].line = l->at[i];
		o[i].idx = i;
	}
	qsort(o, n, sizeof(*o), order_cmp);
	for (i = 1; i < n; i++) {
		if (strcmp(o[i].name, o[i - 1].name) == 0) {
			err_set(e,
				"line %zu: a second %s record for '%.200s' "
				"(the first is on line %zu)",
				o[i].line, what, o[i].name, o[i - 1].line);
			free(o);
			return -1;
		}
	}
	tmp = xmalloc(n * size);
	for (i = 0; i < n; i++)
		memcpy(tmp + i * size, (char *)base + o[i].idx * size, size);
	memcpy(base, tmp, n * size);
	free(tmp);
	free(o);
	return 0;
}

static int parse_line(struct progress *p, const char *s, size_t len,
		      size_t line, struct lines *exl, struct lines *ql,
		      struct err *e)
{
	enum line_kind kind = line_kind(s, len);

	switch (kind) {
	case LINE_SKIP:
		return 0;
	case LINE_EXERCISE:
	case LINE_QUIZ:
		return parse_record(p, kind, s, len, line, exl, ql, e);
	case LINE_OTHER:
		p->other = xgrow(p->other, &p->capother, p->nother + 1,
				 sizeof(*p->other));
		p->other[p->nother++] = xstrndup(s, len);
		return 0;
	}
	return 0;
}

/* Parse text into p (replacing its records); PARSE_OK or an error kind. */
static int parse(struct progress *p, const char *text, size_t len,
		 long long *version, struct err *e)
{
	struct lines exl = {0}, ql = {0};
	size_t start = 0, line = 0;
	int rc = PARSE_CORRUPT;

	clear_records(p);
	*version = 0;
	if (len > FILE_MAX_BYTES) {
		err_set(e, "the file is larger than 4 MiB");
		goto out;
	}
	if (len == 0) {
		err_set(e, "line 1: the file is empty, with no '" HEADER_WORD
			   " <version>' header");
		goto out;
	}
	while (start < len) {
		const char *s = text + start;
		const char *nl = memchr(s, '\n', len - start);
		size_t n = nl ? (size_t)(nl - s) : len - start;

		line++;
		if (n > LINE_MAX_BYTES) {
			err_set(e, "line %zu: longer than %d bytes", line,
				LINE_MAX_BYTES);
			goto out;
		}
		if (memchr(s, '\0', n)) {
			err_set(e, "line %zu: holds a NUL byte", line);
			goto out;
		}
		if (line == 1) {
			int h = parse_header(s, n, version, e);
			if (h < 0) {
				rc = h;
				goto out;
			}
		} else if (parse_line(p, s, n, line, &exl, &ql, e) < 0) {
			goto out;
		}
		start += n + 1;
	}
	if (sort_records(p->ex, p->nex, sizeof(*p->ex), &exl, "exercise", e))
		goto out;
	if (sort_records(p->quiz, p->nquiz, sizeof(*p->quiz), &ql, "quiz", e))
		goto out;
	rc = PARSE_OK;
out:
	if (rc != PARSE_OK)
		clear_records(p);
	free(exl.at);
	free(ql.at);
	return rc;
}

int progress_parse(struct progress *p, const char *text, size_t len,
		   struct err *e)
{
	long long version;

	return parse(p, text, len, &version, e) == PARSE_OK ? 0 : -1;
}

/* ---- formatting ------------------------------------------------------- */

/* Append the known keys of rec that differ from their defaults. */
static void format_keys(struct buf *b, const void *rec, const struct key *keys)
{
	const struct key *k;

	for (k = keys; k->name; k++) {
		const char *at = (const char *)rec + k->off;
		long long v;

		if (k->type == KEY_STATUS) {
			enum ex_state st =
			    *(const enum ex_state *)(const void *)at;
			if (st == EX_FAILED || st == EX_DONE)
				buf_printf(b, " %s=%s", k->name,
					   status_names[st]);
			continue;
		}
		if (k->type == KEY_TIME)
			v = *(const long long *)(const void *)at;
		else
			v = *(const int *)(const void *)at;
		if (v <= 0) /* negative values cannot be read back */
			continue;
		buf_printf(b, " %s=%lld", k->name, k->type == KEY_BOOL ? 1 : v);
	}
}

/*
 * One record line into out, if it can be read back as written: a name
 * outside [A-Za-z0-9_./-]+ (a course id this format cannot hold) or a line
 * over the limit would make the whole file corrupt, so such a record is
 * left out instead.  Parsed records always fit: their line only shrinks.
 */
static void format_record(struct buf *out, const char *what, const void *rec,
			  const struct key *keys, const char *extra)
{
	const char *name = *(char *const *)rec;
	struct buf b;

	if (!name_ok(name, strlen(name), 1))
		return;
	buf_init(&b, BUF_UNLIMITED);
	buf_printf(&b, "%s %s", what, name);
	format_keys(&b, rec, keys);
	if (extra && extra[0] && !strchr(extra, '\n')) {
		buf_addch(&b, ' ');
		buf_addstr(&b, extra);
	}
	if (b.len <= LINE_MAX_BYTES) {
		buf_add(out, b.data, b.len);
		buf_addch(out, '\n');
	}
	buf_release(&b);
}

char *progress_format(const struct progress *p, size_t *len)
{
	struct buf b;
	size_t i;

	buf_init(&b, BUF_UNLIMITED);
	buf_printf(&b, HEADER_WORD " %d\n", PROGRESS_VERSION);
	for (i = 0; i < p->nex; i++)
		format_record(&b, "exercise", &p->ex[i], ex_keys,
			      p->ex[i].extra);
	for (i = 0; i < p->nquiz; i++)
		format_record(&b, "quiz", &p->quiz[i], quiz_keys,
			      p->quiz[i].extra);
	for (i = 0; i < p->nother; i++) {
		const char *o = p->other[i];
		size_t n = strlen(o);
		/* Only what reads back as the same unknown line. */
		if (n > LINE_MAX_BYTES || memchr(o, '\n', n) ||
		    line_kind(o, n) != LINE_OTHER)
			continue;
		buf_add(&b, o, n);
		buf_addch(&b, '\n');
	}
	return buf_detach(&b, len);
}

/* ---- saving ----------------------------------------------------------- */

static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * fsync a folder so a rename in it is durable.  Some file systems cannot
 * fsync a folder (EINVAL, EBADF); that is not a failure to save.
 */
static int fsync_dir(const char *dir, struct err *e)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return err_errno(e, "cannot open folder '%s' to fsync it", dir);
	if (fsync(fd) < 0 && errno != EINVAL && errno != EBADF) {
		err_errno(e, "cannot fsync folder '%s'", dir);
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* Write data to the new file tmp and make it durable. */
static int write_tmp(const char *tmp, const char *data, size_t len,
		     struct err *e)
{
	int fd = open(tmp, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);

	if (fd < 0 && errno == EEXIST) {
		/* Our pid's name: left behind by a killed process whose pid
		 * we now have, since no live process but us can own it. */
		unlink(tmp);
		fd = open(tmp, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
	}
	if (fd < 0)
		return err_errno(e, "cannot create '%s'", tmp);
	if (write_all(fd, data, len) < 0) {
		err_errno(e, "cannot write '%s'", tmp);
		goto fail;
	}
	if (fsync(fd) < 0) {
		err_errno(e, "cannot fsync '%s'", tmp);
		goto fail;
	}
	if (close(fd) < 0)
		return err_errno(e, "cannot close '%s'", tmp);
	return 0;
fail:
	close(fd);
	return -1;
}

int progress_save(const struct progress *p, struct err *e)
{
	char *dir = path_dirname(p->path);
	char *tmp = NULL, *data;
	size_t len;
	int rc = -1;

	data = progress_format(p, &len);
	if (len > FILE_MAX_BYTES) {
		err_set(e, "cannot save '%s': progress is larger than 4 MiB",
			p->path);
		goto out;
	}
	if (!path_is_dir(dir) && path_mkdirs(dir, e) < 0)
		goto out;
	tmp = xasprintf("%s.tmp-%ld", p->path, (long)getpid());
	if (write_tmp(tmp, data, len, e) < 0)
		goto fail;
	if (rename(tmp, p->path) < 0) {
		err_errno(e, "cannot rename '%s' to '%s'", tmp, p->path);
		goto fail;
	}
	/* The new file is in place; only its durability is in question. */
	rc = fsync_dir(dir, e);
	goto out;
fail:
	unlink(tmp);
out:
	free(tmp);
	free(data);
	free(dir);
	return rc;
}

/* ---- loading ---------------------------------------------------------- */

/*
 * Read at most FILE_MAX_BYTES + 1 bytes of path into b (so an oversized
 * file is seen as such without reading all of it).  1: the file is
 * missing; 0: read; -1: error.
 */
static int read_file(const char *path, struct buf *b, struct err *e)
{
	char chunk[65536];
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT)
		return 1;
	if (fd < 0)
		return err_errno(e, "cannot open '%s'", path);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		err_set(e, "'%s' is not a regular file", path);
		close(fd);
		return -1;
	}
	while (b->len <= FILE_MAX_BYTES) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err_errno(e, "cannot read '%s'", path);
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		buf_add(b, chunk, (size_t)n);
	}
	close(fd);
	return 0;
}

/*
 * Move path to <path>.<kind>-<YYYYmmdd-HHMMSS>[-N] without ever replacing
 * a file already there.  Returns the new name, or NULL with e set.
 */
static char *set_aside(const char *path, const char *kind, struct err *e)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	int i;

	if (!localtime_r(&now, &tm) ||
	    !strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm))
		snprintf(stamp, sizeof(stamp), "%lld", (long long)now);
	for (i = 0; i < SET_ASIDE_TRIES; i++) {
		char *to = i ? xasprintf("%s.%s-%s-%d", path, kind, stamp, i)
			     : xasprintf("%s.%s-%s", path, kind, stamp);
		int r =
		    renameat2(AT_FDCWD, path, AT_FDCWD, to, RENAME_NOREPLACE);
		if (r < 0 && (errno == EINVAL || errno == ENOSYS)) {
			/* No RENAME_NOREPLACE here: link() never replaces. */
			r = link(path, to);
			if (r == 0 && unlink(path) < 0) {
				err_errno(e, "cannot remove '%s'", path);
				free(to);
				return NULL;
			}
		}
		if (r == 0)
			return to;
		if (errno != EEXIST) {
			err_errno(e, "cannot move '%s' to '%s'", path, to);
			free(to);
			return NULL;
		}
		free(to);
	}
	err_set(e, "cannot move '%s' aside: too many earlier copies", path);
	return NULL;
}

static int lock_open(const char *path, struct err *e)
{
	char *dir = path_dirname(path);
	char *name = xasprintf("%s.lock", path);
	int fd = -1;

	if (!path_is_dir(dir) && path_mkdirs(dir, e) < 0)
		goto out;
	fd = open(name, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		err_errno(e, "cannot open the lock file '%s'", name);
		goto out;
	}
	while (flock(fd, LOCK_EX) < 0) {
		if (errno == EINTR)
			continue;
		err_errno(e, "cannot lock '%s'", name);
		close(fd);
		fd = -1;
		break;
	}
out:
	free(name);
	free(dir);
	return fd;
}

static void lock_close(int fd)
{
	flock(fd, LOCK_UN);
	close(fd);
}

static void set_notice(struct progress *p, enum parse_rc why, long long version,
		       const char *problem, const char *moved)
{
	free(p->notice);
	if (why == PARSE_NEWER)
		p->notice = xasprintf(
		    "progress file '%s' was written by a newer workbook "
		    "(format %lld; this one reads %d); moved it to '%s' "
		    "and started with empty progress",
		    p->path, version, PROGRESS_VERSION, moved);
	else
		p->notice = xasprintf(
		    "progress file '%s' is corrupt (%s); moved it to '%s' "
		    "and started with empty progress",
		    p->path, problem, moved);
}

/*
 * Read and parse the file.  A bad file is set aside only under the lock:
 * without it, another instance might have replaced the file with a good
 * one between our read and our rename.  `locked` says we hold it.
 */
static int load(struct progress *p, int locked, struct err *e)
{
	struct buf b;
	struct err why;
	long long version;
	char *moved;
	int rc, fd;

	clear_records(p);
	buf_init(&b, FILE_MAX_BYTES + 1);
	rc = read_file(p->path, &b, e);
	if (rc != 0) {
		buf_release(&b);
		return rc < 0 ? -1 : 0;
	}
	err_clear(&why);
	rc = parse(p, buf_cstr(&b), b.len, &version, &why);
	buf_release(&b);
	if (rc == PARSE_OK)
		return 0;
	if (!locked) {
		fd = lock_open(p->path, e);
		if (fd < 0)
			return -1;
		rc = load(p, 1, e);
		lock_close(fd);
		return rc;
	}
	moved = set_aside(p->path, rc == PARSE_NEWER ? "newer" : "corrupt", e);
	if (!moved)
		return err_prefix(e, "'%s' cannot be read (%s)", p->path,
				  why.msg);
	set_notice(p, rc, version, why.msg, moved);
	free(moved);
	return 0;
}

int progress_load(struct progress *p, struct err *e)
{
	return load(p, 0, e);
}

int progress_update(struct progress *p, int (*fn)(struct progress *, void *),
		    void *arg, struct err *e)
{
	int fd = lock_open(p->path, e);
	int rc;

	if (fd < 0)
		return -1;
	rc = load(p, 1, e);
	if (rc == 0) {
		err_clear(e);
		rc = fn(p, arg);
		if (rc == 0) {
			rc = progress_save(p, e);
		} else {
			if (e && !e->msg[0])
				err_set(e, "the change to '%s' was cancelled",
					p->path);
			/* Leave p as it is on disk, not half changed. */
			struct err ignored;
			load(p, 1, &ignored);
			rc = -1;
		}
	}
	lock_close(fd);
	return rc;
}
