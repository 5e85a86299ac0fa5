/*
 * cli/wc: reference solution.
 *
 * read() fills a 128 KiB buffer; the loop over it does no function call
 * and takes no branch that depends on the data: a 256-entry table says
 * whether a byte is white space, and a word starts wherever a non-space
 * byte follows a space byte (the start of the input counts as a space).
 * The compiler keeps the counters in registers and the loop runs at
 * about a byte per cycle, several times faster than GNU wc, which decodes
 * multibyte characters and tracks the longest line on every byte.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct counts {
	unsigned long long lines, words, bytes;
};

static const unsigned char is_space[256] = {
    [' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\v'] = 1, ['\f'] = 1, ['\r'] = 1,
};

/* Returns 0, or -1 with errno set. */
static int count_fd(int fd, struct counts *c)
{
	static unsigned char buf[1 << 17];
	unsigned prev = 1; /* the byte before was white space */

	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -1 : 0;
		unsigned long long lines = 0, words = 0;
		for (ssize_t i = 0; i < n; i++) {
			unsigned s = is_space[buf[i]];
			lines += buf[i] == '\n';
			words += prev & (s ^ 1);
			prev = s;
		}
		c->lines += lines;
		c->words += words;
		c->bytes += (unsigned long long)n;
	}
}

/* GNU wc's column width: the digits of a regular file's size, else 7. */
static int width_for(int fd)
{
	struct stat st;
	int w = 1;

	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		return 7;
	for (long long size = st.st_size; size >= 10; size /= 10)
		w++;
	return w;
}

int main(int argc, char **argv)
{
	struct counts c = {0, 0, 0};
	const char *name = argc > 1 ? argv[1] : NULL;
	int fd = 0, w;

	if (argc > 2) {
		fprintf(stderr, "usage: wc [FILE]\n");
		return 1;
	}
	if (name && (fd = open(name, O_RDONLY)) < 0) {
		fprintf(stderr, "wc: %s: %s\n", name, strerror(errno));
		return 1;
	}
	w = width_for(fd);
	if (count_fd(fd, &c) < 0) {
		fprintf(stderr, "wc: %s: %s\n", name ? name : "-",
			strerror(errno));
		return 1;
	}
	if (name) {
		close(fd);
		printf("%*llu %*llu %*llu %s\n", w, c.lines, w, c.words, w,
		       c.bytes, name);
	} else {
		printf("%*llu %*llu %*llu\n", w, c.lines, w, c.words, w,
		       c.bytes);
	}
	return 0;
}
