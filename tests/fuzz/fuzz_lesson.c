/*
 * fuzz_lesson: libFuzzer target for the lesson loader (runner/script*.c).
 * Any text is loaded as lessons/fz/lesson.lua into a course whose root is a
 * temporary folder with a reading page, a test file, a starter and a
 * solution, so valid lessons can get far.  Whatever the input, loading must
 * not crash, must stay within its memory cap and instruction budget, and
 * must either fill the section or set its error to "lessons/fz/lesson.lua:
 * ..." (or a message naming the file).  tests/fuzz/run builds it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "course.h"
#include "script.h"
#include "util/err.h"
#include "util/path.h"

static char root[64];

static void put(const char *rel, const char *text)
{
	struct err e;
	char path[256];
	char *dir;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	dir = path_dirname(path);
	path_mkdirs(dir, &e);
	free(dir);
	path_write_file(path, text, strlen(text), 0644, &e);
}

static void setup(void)
{
	snprintf(root, sizeof(root), "/tmp/fuzz_lesson.XXXXXX");
	if (!mkdtemp(root))
		abort();
	put("lessons/fz/reading.md", "# Reading\n\ntext\n");
	put("lessons/fz/x_test.c", "int main(void) { return 0; }\n");
	put("exercises/fz/x.c", "int f(void) { return 0; }\n");
	put("solutions/fz/x.c", "int f(void) { return 1; }\n");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct script *s;
	struct course c;
	struct err e;

	if (!root[0])
		setup();
	if (!s) {
		s = script_new(&e);
		if (!s)
			abort();
		/* Small limits keep each input fast. */
		script_set_limits(s, 16u << 20, 200000);
	}
	course_init(&c, root);
	err_clear(&e);
	int rc = script_load_lesson_text(s, &c, "fz", (const char *)data, size,
					 root, &e);
	struct section *sec = course_find_section(&c, "fz");
	if (!sec)
		abort();
	if (rc < 0 && (!sec->error || !strstr(sec->error, "lesson.lua")))
		abort();
	if (rc == 0 && sec->error)
		abort();
	course_release(&c);
	return 0;
}
