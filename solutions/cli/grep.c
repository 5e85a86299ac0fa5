/*
 * cli/grep: reference solution.
 *
 * The input is read in large blocks.  Each block is cut after its last
 * newline; the complete lines before the cut are searched as one piece of
 * memory with memmem(), which skips over non-matching text many bytes at a
 * time, and only around a hit do we look for where the line starts and
 * ends.  Per-line work happens only for lines that match (and, with -n, a
 * newline count between hits).  The partial line after the cut moves to
 * the front of the buffer and the next read() appends to it, so lines of
 * any length work: the buffer grows when one line does not fit.
 *
 * With -i, each block is copied once in lower case and searched with a
 * lower-case pattern; lines are printed from the original block.
 */
#define _GNU_SOURCE /* memmem, memrchr */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BLOCK (256 * 1024)

struct grep {
	const char *pattern; /* as searched: lower case with -i */
	size_t plen;
	int ignore_case, number, count;
	int show_names; /* more than one FILE */
	char *lower;	/* -i: the current block in lower case */
	size_t lower_cap;
};

struct input {
	const char *name; /* as printed: the operand, or "(standard input)" */
	long matches;
	long line;	     /* -n: number of the line at `counted` */
	const char *counted; /* -n: newlines before here are counted */
};

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n);

	if (!q) {
		fprintf(stderr, "grep: out of memory\n");
		exit(2);
	}
	return q;
}

static void lower_copy(char *dst, const char *src, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)src[i];
		dst[i] = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
	}
}

/* Newlines in [from, to). */
static long count_lines(const char *from, const char *to)
{
	long n = 0;

	while ((from = memchr(from, '\n', (size_t)(to - from))) != NULL) {
		n++;
		from++;
	}
	return n;
}

static void print_line(const struct grep *g, struct input *in,
		       const char *start, const char *end)
{
	if (g->show_names)
		printf("%s:", in->name);
	if (g->number) {
		in->line += count_lines(in->counted, start);
		in->counted = start;
		printf("%ld:", in->line);
	}
	fwrite(start, 1, (size_t)(end - start) + 1, stdout);
}

/*
 * Search whole lines: [text, text + len) ends with '\n'.  `hay` is the
 * text to search (text itself, or its lower-case copy), at the same
 * offsets.
 */
static void search(const struct grep *g, struct input *in, const char *text,
		   const char *hay, size_t len)
{
	const char *end = hay + len, *p = hay;

	in->counted = text;
	while (p < end) {
		const char *hit =
		    memmem(p, (size_t)(end - p), g->pattern, g->plen);
		if (!hit)
			break;
		const char *ls = memrchr(p, '\n', (size_t)(hit - p));
		const char *le = memchr(hit, '\n', (size_t)(end - hit));
		ls = ls ? ls + 1 : p;
		in->matches++;
		if (!g->count)
			print_line(g, in, text + (ls - hay), text + (le - hay));
		p = le + 1;
	}
	/* The next block starts after these lines. */
	if (g->number)
		in->line += count_lines(in->counted, text + len);
}

static void search_block(struct grep *g, struct input *in, const char *text,
			 size_t len)
{
	if (!g->ignore_case) {
		search(g, in, text, text, len);
		return;
	}
	if (g->lower_cap < len) {
		g->lower = xrealloc(g->lower, len);
		g->lower_cap = len;
	}
	lower_copy(g->lower, text, len);
	search(g, in, text, g->lower, len);
}

/* Returns 0, or -1 after a read error (reported here). */
static int grep_fd(struct grep *g, int fd, struct input *in)
{
	size_t cap = BLOCK + 1, have = 0;
	char *buf = xrealloc(NULL, cap);
	int rc = 0;

	in->line = 1;
	for (;;) {
		if (cap - have < BLOCK / 2) {
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		ssize_t n = read(fd, buf + have, cap - have - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "grep: %s: %s\n", in->name,
				strerror(errno));
			rc = -1;
			break;
		}
		if (n == 0) {
			if (have > 0) { /* a last line without '\n' */
				buf[have++] = '\n';
				search_block(g, in, buf, have);
			}
			break;
		}
		have += (size_t)n;
		char *cut = memrchr(buf, '\n', have);
		if (!cut)
			continue; /* one long line so far: read more */
		size_t whole = (size_t)(cut - buf) + 1;
		search_block(g, in, buf, whole);
		memmove(buf, buf + whole, have - whole);
		have -= whole;
	}
	free(buf);
	if (g->count) {
		if (g->show_names)
			printf("%s:", in->name);
		printf("%ld\n", in->matches);
	}
	return rc;
}

static int usage(void)
{
	fprintf(stderr, "usage: grep [-i] [-n] [-c] PATTERN [FILE...]\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct grep g = {0};
	int opt, error = 0;
	long matches = 0;

	while ((opt = getopt(argc, argv, "+inc")) != -1) {
		switch (opt) {
		case 'i':
			g.ignore_case = 1;
			break;
		case 'n':
			g.number = 1;
			break;
		case 'c':
			g.count = 1;
			break;
		default:
			return usage();
		}
	}
	if (optind >= argc)
		return usage();
	g.plen = strlen(argv[optind]);
	char *pat = xrealloc(NULL, g.plen + 1);
	memcpy(pat, argv[optind], g.plen + 1);
	if (g.ignore_case)
		lower_copy(pat, pat, g.plen);
	g.pattern = pat;
	optind++;
	g.show_names = argc - optind > 1;

	static char out[1 << 16];
	setvbuf(stdout, out, _IOFBF, sizeof(out));
	for (int i = optind; i < argc || i == optind; i++) {
		const char *name = i < argc ? argv[i] : "-";
		struct input in = {.name = name};
		int fd = 0;
		if (!strcmp(name, "-")) {
			in.name = "(standard input)";
		} else if ((fd = open(name, O_RDONLY)) < 0) {
			fprintf(stderr, "grep: %s: %s\n", name,
				strerror(errno));
			error = 1;
			continue;
		}
		if (grep_fd(&g, fd, &in) < 0)
			error = 1;
		matches += in.matches;
		if (fd > 0)
			close(fd);
	}
	free(pat);
	free(g.lower);
	if (fflush(stdout) != 0)
		error = 1;
	return error ? 2 : matches ? 0 : 1;
}
