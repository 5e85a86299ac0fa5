#!/usr/bin/env bash
# tests/grade/make-class.sh OUT: a generated class for `workbook grade`.
#
# Writes OUT/subs/<student>/... (36 students graded on intro/hello and
# memory/{overflow,uaf,leak}: 7 points) and OUT/expected, one line per
# student and exercise:
#     <student> <exercise> <score> <ERE the exercise's message must match>
# plus OUT/skipped (entries grade must pass over, one a line) and
# OUT/forged.list (files a cheating submission tries to create on the host;
# none may exist after grading) and OUT/gaps (student, exercise, why: known
# holes a fix elsewhere will close; the test reports them as skips).  Deterministic: the same OUT content
# every time (no dates, no random bytes).
#
# Every student's files carry a comment with the student's name, so no
# two students hand in identical bytes (as in a real class: the grader
# compiles each student's file; only the lesson's harness is shared).
set -eu
top=${WB_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
out=$1
subs=$out/subs
rm -rf "$subs"
mkdir -p "$subs"
: > "$out/expected"
: > "$out/skipped"
: > "$out/forged.list"
: > "$out/gaps"

sol=$top/solutions
ex=$top/exercises

# put STUDENT REL SOURCE-FILE: the file with the student's mark on top.
put() {
  mkdir -p "$(dirname "$subs/$1/$2")"
  { echo "/* submitted by $1 */"; cat "$3"; } > "$subs/$1/$2"
}
# put_text STUDENT REL (C source on stdin)
put_text() {
  mkdir -p "$(dirname "$subs/$1/$2")"
  { echo "/* submitted by $1 */"; cat; } > "$subs/$1/$2"
}
expect() { echo "$1 $2 $3 $4" >> "$out/expected"; }

# correct STUDENT [EXERCISES...]: the reference solutions.
correct() {
  local s=$1; shift
  local want=("$@")
  [ ${#want[@]} -eq 0 ] && want=(intro/hello memory/overflow memory/uaf memory/leak)
  for e in "${want[@]}"; do
    put "$s" "$e.c" "$sol/$e.c"
    case $e in intro/hello) p=1 ;; *) p=2 ;; esac
    expect "$s" "$e" "$p" "^all [0-9]+ checks passed"
  done
}

# --- correct work, in every layout a platform produces ---------------------
for i in 01 02 03 04 05 06 07 08; do correct "correct-$i"; done
s=first.last@uni.edu; correct "$s"
s=correct-flat # everything at the top, as a drag-and-drop upload gives
mkdir -p "$subs/$s"
for e in intro/hello memory/overflow memory/uaf memory/leak; do
  put "$s" "$(basename "$e").c" "$sol/$e.c"
  case $e in intro/hello) p=1 ;; *) p=2 ;; esac
  expect "$s" "$e" "$p" "^all [0-9]+ checks passed"
done
s=correct-workspace # the whole workspace handed in
for e in intro/hello memory/overflow memory/uaf memory/leak; do
  put "$s" "exercises/$e.c" "$sol/$e.c"
  case $e in intro/hello) p=1 ;; *) p=2 ;; esac
  expect "$s" "$e" "$p" "^all [0-9]+ checks passed"
done

# --- the starters, untouched ---------------------------------------------
for i in 01 02 03; do
  s=starter-$i
  for e in intro/hello memory/overflow memory/uaf memory/leak; do
    put "$s" "$e.c" "$ex/$e.c"
  done
  expect "$s" intro/hello 0 "^compiles failed"
  expect "$s" memory/overflow 0 "^tests failed"
  expect "$s" memory/uaf 0 "^tests failed"
  expect "$s" memory/leak 0 "^sanitize failed: .*leak"
done

# --- wrong fixes ---------------------------------------------------------
s=wrong-strncpy; correct "$s" intro/hello memory/uaf memory/leak
put_text "$s" memory/overflow.c <<'C'
#include <stddef.h>
#include <string.h>

size_t copy_name(char *dst, size_t size, const char *src)
{
	strncpy(dst, src, size);
	return strlen(src);
}
C
expect "$s" memory/overflow 0 "^tests failed"

s=wrong-uaf-null; correct "$s" intro/hello memory/overflow memory/leak
put_text "$s" memory/uaf.c <<'C'
#include <stdlib.h>

struct node {
	int value;
	struct node *next;
};

struct node *list_remove_all(struct node *head, int value)
{
	struct node *prev = NULL;

	for (struct node *n = head; n != NULL; n = n->next) {
		if (n->value != value) {
			prev = n;
			continue;
		}
		if (prev == NULL)
			head = n->next;
		else
			prev->next = n->next;
		free(n);
		n = NULL;
	}
	return head;
}
C
expect "$s" memory/uaf 0 "^tests failed"

s=wrong-leak-array-only; correct "$s" intro/hello memory/overflow memory/uaf
# free_words frees the array and not the words in it.
awk '/^void free_words/ { print "void free_words(char **words)\n{\n\tfree(words);\n}"; skip = 1; next }
     skip && /^}/ { skip = 0; next }
     !skip' "$sol/memory/leak.c" > "$out/leak-wrong.c"
put "$s" memory/leak.c "$out/leak-wrong.c"
rm -f "$out/leak-wrong.c"
expect "$s" memory/leak 0 "^sanitize failed: .*leak"

s=wrong-hello; correct "$s" memory/overflow memory/uaf memory/leak
put_text "$s" intro/hello.c <<'C'
#include <stdio.h>

int main(int argc, char *argv[])
{
	for (int i = 0; i < argc; i++)
		printf("Hello %s\n", argv[i]);
	return 0;
}
C
expect "$s" intro/hello 0 "^greets world failed"

# --- missing work --------------------------------------------------------
s=missing-all
mkdir -p "$subs/$s"
for e in intro/hello memory/overflow memory/uaf memory/leak; do
  expect "$s" "$e" 0 "^not submitted"
done
s=missing-some; correct "$s" intro/hello memory/overflow
expect "$s" memory/uaf 0 "^not submitted"
expect "$s" memory/leak 0 "^not submitted"

# --- work that does not build ---------------------------------------------
s=nocompile-syntax; correct "$s" intro/hello memory/uaf memory/leak
put_text "$s" memory/overflow.c <<'C'
#include <stddef.h>
size_t copy_name(char *dst, size_t size, const char *src)
{
	return size +
}
C
expect "$s" memory/overflow 0 "^compiles failed"

s=nocompile-warning; correct "$s" memory/overflow memory/uaf memory/leak
put_text "$s" intro/hello.c <<'C'
#include <stdio.h>

int main(int argc, char *argv[])
{
	int unused;
	if (argc < 2) {
		puts("Hello, world!");
		return 0;
	}
	for (int i = 1; i < argc; i++)
		printf("Hello, %s!\n", argv[i]);
	return 0;
}
C
expect "$s" intro/hello 0 "^compiles failed"

# --- hostile programs (each in intro/hello: its checks run the program) ---
hostile() { # STUDENT REASON-ERE (program on stdin)
  correct "$1" memory/overflow memory/uaf memory/leak
  put_text "$1" intro/hello.c
  expect "$1" intro/hello 0 "$2"
}
hostile hostile-forkbomb "^greets world failed: .*(time|limit|killed|signal|process)" <<'C'
#define _POSIX_C_SOURCE 200809L
#include <unistd.h>

int main(int argc, char *argv[])
{
	(void)argc;
	(void)argv;
	for (;;)
		fork();
}
C
hostile hostile-loop "^greets world failed: .*(time|limit|killed)" <<'C'
int main(int argc, char *argv[])
{
	volatile unsigned long n = 0;
	(void)argc;
	(void)argv;
	for (;;)
		n++;
}
C
hostile hostile-flood "^greets world failed" <<'C'
#include <stdio.h>

int main(int argc, char *argv[])
{
	(void)argc;
	(void)argv;
	for (;;)
		fputs("Hello, world! Hello, world! Hello, world! Hello!\n", stdout);
}
C
hostile hostile-memory "^greets world failed" <<'C'
#include <stdlib.h>
#include <string.h>

int main(int argc, char *argv[])
{
	(void)argc;
	(void)argv;
	for (;;) {
		char *p = malloc(64 << 20);
		if (p)
			memset(p, 1, 64 << 20);
	}
}
C

# Hostile at compile time: the compiler reads an endless device.  The
# sandboxed compile stops (output and memory limits), not the grader.
correct hostile-compile memory/overflow memory/uaf memory/leak
echo '#include "/dev/zero"' | put_text hostile-compile intro/hello.c
expect hostile-compile intro/hello 0 "^compiles failed"

# --- cheating ------------------------------------------------------------
# Prints what a pass looks like (cmocka's lines, TAP lines, a record in
# the harness's format without its nonce), on stdout and on fd 3.
s=cheat-fakepass; correct "$s" intro/hello memory/uaf memory/leak
put_text "$s" memory/overflow.c <<'C'
#define _POSIX_C_SOURCE 200809L
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

size_t copy_name(char *dst, size_t size, const char *src)
{
	static const char fake[] =
		"[ RUN      ] test_fits\n[       OK ] test_fits\n"
		"[  PASSED  ] 10 test(s).\nok 1 - copy_name\n1..1\n"
		"WB1 0123456789abcdef01234567 end 10 0\n";
	(void)dst;
	(void)size;
	fputs(fake, stdout);
	fflush(stdout);
	if (write(3, fake, strlen(fake)) < 0)
		perror("fd 3");
	return strlen(src);
}
C
expect "$s" memory/overflow 0 "^tests failed"

s=cheat-exit0; correct "$s" intro/hello memory/uaf memory/leak
put_text "$s" memory/overflow.c <<'C'
#include <stddef.h>
#include <stdlib.h>

size_t copy_name(char *dst, size_t size, const char *src)
{
	(void)dst;
	(void)size;
	(void)src;
	exit(0);
}
C
expect "$s" memory/overflow 0 "^tests failed: the test program stopped"

# A constructor that runs before the tests and writes a results file where
# a platform would read one: in its folder, and at an absolute host path.
s=cheat-constructor; correct "$s" intro/hello memory/overflow memory/leak
echo "$out/forged/results.json" >> "$out/forged.list"
sed "s|@FORGED@|$out/forged/results.json|" <<'C' | put_text "$s" memory/uaf.c
#include <stdio.h>
#include <stdlib.h>

struct node {
	int value;
	struct node *next;
};

static void forge(const char *path)
{
	FILE *f = fopen(path, "w");
	if (f) {
		fputs("{\"score\": 100, \"tests\": []}\n", f);
		fclose(f);
	}
}

__attribute__((constructor)) static void cheat(void)
{
	forge("results.json");
	forge("../results.json");
	forge("/tmp/results.json");
	forge("@FORGED@");
}

struct node *list_remove_all(struct node *head, int value)
{
	(void)value;
	return head;
}
C
expect "$s" memory/uaf 0 "^tests failed"

# Forges the harness's records: looks for the run's nonce in its own
# start-up environment (/proc/self/environ keeps what unsetenv removed)
# and, if it finds one, writes a complete, passing report to the channel
# and leaves.  The harness reads its nonce from stdin, so there is none.
s=cheat-environ; correct "$s" intro/hello memory/uaf memory/leak
put_text "$s" memory/overflow.c <<'C'
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

size_t copy_name(char *dst, size_t size, const char *src)
{
	char env[16384], nonce[128] = "", line[512];
	int fd = open("/proc/self/environ", O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, env, sizeof(env) - 1) : -1;

	(void)dst;
	(void)size;
	for (ssize_t i = 0; i < n;) {
		const char *v = env + i;
		size_t l = strnlen(v, (size_t)(n - i));
		if (!strncmp(v, "WB_NONCE=", 9) && l - 9 < sizeof(nonce))
			memcpy(nonce, v + 9, l - 9 + 1);
		i += (ssize_t)l + 1;
	}
	if (nonce[0]) {
		int k = snprintf(line, sizeof(line),
				 "WB1 %s pass test_all\nWB1 %s end 10 0\n", nonce,
				 nonce);
		if (write(3, line, (size_t)k) < 0)
			perror("fd 3");
		_exit(0);
	}
	return strlen(src);
}
C
expect "$s" memory/overflow 0 "^(tests|sanitize) failed"

# The solution pulled in by path: the sandboxed compiler cannot see it.
s=cheat-include; correct "$s" intro/hello memory/uaf memory/leak
echo "#include \"$sol/memory/overflow.c\"" | put_text "$s" memory/overflow.c
expect "$s" memory/overflow 0 "^compiles failed"

# The solution handed in as a symbolic link: never followed.
s=cheat-symlink; correct "$s" intro/hello memory/uaf memory/leak
ln -s "$sol/memory/overflow.c" "$subs/$s/memory/overflow.c"
expect "$s" memory/overflow 0 "^not graded: .*symbolic link"

# A folder of links to someone else's work.
s=cheat-linkdir; correct "$s" intro/hello memory/overflow memory/leak
ln -s "$subs/correct-01/memory" "$subs/$s/memory-real"
rm -rf "$subs/$s/memory/uaf.c"
ln -s ../correct-01/memory/uaf.c "$subs/$s/memory/uaf.c"
expect "$s" memory/uaf 0 "^not graded: .*symbolic link"

# Too big to be a solution to anything.
s=huge-file; correct "$s" intro/hello memory/uaf memory/leak
{
  cat "$sol/memory/overflow.c"
  for i in $(seq 1 12000); do echo "/* padding line $i of a file far larger than any exercise */"; done
} > "$out/huge.c"
put "$s" memory/overflow.c "$out/huge.c"
rm -f "$out/huge.c"
expect "$s" memory/overflow 0 "^not graded: .*limit"

# Output no report format may pass through as is.
s=garbage-output; correct "$s" memory/overflow memory/uaf memory/leak
put_text "$s" intro/hello.c <<'C'
#include <stdio.h>

int main(int argc, char *argv[])
{
	(void)argc;
	(void)argv;
	fputs("\xff\xfe\x01\x02\x1b[31m <tag a=\"b\"> & ]]> \xc3\x28 \x7f\n", stdout);
	return 0;
}
C
expect "$s" intro/hello 0 "^greets world failed"

# --- entries that are not students -----------------------------------------
mkdir -p "$subs/bad name/memory"
cp "$sol/memory/overflow.c" "$subs/bad name/memory/"
echo "bad name" >> "$out/skipped"
ln -s correct-01 "$subs/linked-student"
echo "linked-student" >> "$out/skipped"
echo "grades go here" > "$subs/notes.txt"
echo "notes.txt" >> "$out/skipped"
mkdir -p "$subs/.git"
mkdir -p "$out/forged"
