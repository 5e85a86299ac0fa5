#define _GNU_SOURCE
#include "build.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exec.h"
#include "proc.h"
#include "util/err.h"
#include "util/path.h"
#include "util/xalloc.h"

#define COMPILE_TIMEOUT_MS 60000
#define SOURCE_MAX ((size_t)4 << 20)

unsigned long long build_hash(unsigned long long h, const void *p, size_t n)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

int build_init(struct build *b, const char *dir, struct err *e)
{
	const char *cc = getenv("WORKBOOK_CC");

	memset(b, 0, sizeof(*b));
	b->dir = xstrdup(dir);
	b->cache_dir = path_join(dir, "cache");
	b->timeout_ms = COMPILE_TIMEOUT_MS;
	b->cc = proc_which(cc && *cc ? cc : "gcc");
	if (!b->cc)
		b->cc = proc_which("cc");
	b->clang = proc_which("clang");
	if (!b->cc) {
		build_release(b);
		return err_set(e, "no C compiler found: install gcc (apt-get install gcc)");
	}
	return 0;
}

void build_release(struct build *b)
{
	free(b->dir);
	free(b->cache_dir);
	free(b->cc);
	free(b->clang);
	memset(b, 0, sizeof(*b));
}

void build_result_release(struct build_result *r)
{
	diag_list_release(&r->diags);
	buf_release(&r->log);
	buf_release(&r->raw);
	free(r->command);
	memset(r, 0, sizeof(*r));
}

static int is_gcc(const char *compiler)
{
	const char *base = path_basename(compiler);

	return strstr(base, "gcc") || !strcmp(base, "cc");
}

struct argv {
	char **v;
	size_t n, cap;
};

static void argv_add(struct argv *a, const char *s)
{
	a->v = xgrow(a->v, &a->cap, a->n + 2, sizeof(*a->v));
	a->v[a->n++] = xstrdup(s);
	a->v[a->n] = NULL;
}

static void argv_add_words(struct argv *a, const char *s)
{
	char *copy = xstrdup(s), *save = NULL;

	for (char *w = strtok_r(copy, " ", &save); w;
	     w = strtok_r(NULL, " ", &save))
		argv_add(a, w);
	free(copy);
}

static void argv_free(struct argv *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
}

/* The sanitizer list as compiler flags. */
static void add_sanitize(struct argv *a, const char *list)
{
	char *flag;

	if (!list || !*list)
		return;
	flag = xasprintf("-fsanitize=%s", list);
	argv_add(a, flag);
	free(flag);
	if (strstr(list, "undefined"))
		argv_add(a, "-fno-sanitize-recover=undefined");
	/* With both, let AddressSanitizer name an overflow (UBSan's
	 * object-size check would report it first, less clearly). */
	if (strstr(list, "undefined") && strstr(list, "address"))
		argv_add(a, "-fno-sanitize=object-size");
	argv_add(a, "-fno-omit-frame-pointer");
}

static void make_argv(struct build *b, const struct build_job *j,
		      struct argv *a)
{
	const char *cc = j->compiler ? j->compiler : b->cc;
	char *std = xasprintf("-std=%s", j->std ? j->std : "c11");

	argv_add(a, cc);
	if (!j->link || j->sources[0] == NULL || strstr(j->sources[0], ".c")) {
		argv_add(a, std);
	}
	free(std);
	if (is_gcc(cc))
		argv_add(a, "-fdiagnostics-format=json");
	else
		argv_add(a, "-fno-color-diagnostics");
	/* Speed: pipes instead of temporary files between the compiler's
	 * passes; no LTO plugin for the linker (nothing here uses LTO). */
	argv_add(a, "-pipe");
	if (j->link && is_gcc(cc))
		argv_add(a, "-fno-use-linker-plugin");
	if (j->warnings)
		argv_add_words(a, "-Wall -Wextra");
	if (j->werror)
		argv_add(a, "-Werror");
	/* Constructor priorities 0-100 belong to the implementation: a
	 * learner's file may not run before the test harness.  (clang 14
	 * does not know the flag; clang builds never link the harness.) */
	if (is_gcc(cc))
		argv_add(a, "-Werror=prio-ctor-dtor");
	argv_add_words(a, j->opt ? j->opt : "-O1 -g");
	add_sanitize(a, j->sanitize);
	if (j->shared)
		argv_add_words(a, "-shared -fPIC");
	for (const char *const *f = j->cflags; f && *f; f++)
		argv_add(a, *f);
	for (const char *const *f = j->defines; f && *f; f++)
		argv_add(a, *f);
	if (!j->link)
		argv_add(a, "-c");
	for (const char *const *s = j->sources; s && *s; s++)
		argv_add(a, *s);
	argv_add(a, "-o");
	argv_add(a, j->output);
	for (const char *const *f = j->ldflags; f && *f; f++)
		argv_add(a, *f);
}

static char *join_argv(char **v)
{
	struct buf b;

	buf_init(&b, 64 * 1024);
	for (size_t i = 0; v[i]; i++) {
		if (i)
			buf_addch(&b, ' ');
		buf_addstr(&b, v[i]);
	}
	return buf_detach(&b, NULL);
}

/* Split compiler stderr into parsed diagnostics and the other lines. */
static void take_stderr(struct build_result *r, const char *text, size_t len)
{
	diag_parse_gcc_json(&r->diags, text, len);
	for (const char *p = text; p < text + len;) {
		const char *nl = memchr(p, '\n', (size_t)(text + len - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(text + len - p);
		if (n > 0 && p[0] != '[' && p[0] != '{' && p[0] != ']') {
			buf_add(&r->log, p, n);
			buf_addch(&r->log, '\n');
		}
		p += n + 1;
	}
}

static char *const *compile_env(void)
{
	static char path[4096];
	static char lc_all[] = "LC_ALL=C", lang[] = "LANG=C";
	static char tmpdir[] = "TMPDIR=/tmp";
	static char *env[] = {path, lc_all, lang, tmpdir, NULL};
	const char *p = getenv("PATH");

	snprintf(path, sizeof(path), "PATH=%s",
		 p ? p : "/usr/local/bin:/usr/bin:/bin");
	return env;
}

int build_run(struct build *b, const struct build_job *j,
	      struct build_result *r, struct err *e)
{
	struct argv a = {0};
	struct proc_opts po = {0};
	struct proc_result pr;

	memset(r, 0, sizeof(*r));
	diag_list_init(&r->diags);
	buf_init(&r->log, BUF_CAPTURE_MAX);
	buf_init(&r->raw, BUF_CAPTURE_MAX);
	make_argv(b, j, &a);
	r->command = join_argv(a.v);
	po.argv = a.v;
	po.env = compile_env();
	po.timeout_ms = b->timeout_ms;
	po.cpu_seconds = b->timeout_ms / 1000;
	po.capture_max = BUF_CAPTURE_MAX;
	/* In the sandbox the compiler sees the output's folder (read-write)
	 * and the folders of its inputs (read-only), nothing more. */
	char *box = path_dirname(j->output);
	char *dirs[8] = {0};
	size_t nd = 0;
	for (const char *const *s = j->sources; s && *s && nd < 7; s++) {
		char *d = path_dirname(*s);
		int dup = !strcmp(d, box);
		for (size_t i = 0; i < nd && !dup; i++)
			dup = !strcmp(dirs[i], d);
		if (dup)
			free(d);
		else
			dirs[nd++] = d;
	}
	int rc = exec_run(b->sandbox, box, (const char *const *)dirs, &po, &pr,
			  e);
	for (size_t i = 0; i < nd; i++)
		free(dirs[i]);
	free(box);
	if (rc < 0) {
		argv_free(&a);
		return -1;
	}
	argv_free(&a);
	r->seconds = pr.wall_seconds;
	if (pr.exec_errno) {
		err_set(e, "cannot run the compiler: %s",
			strerror(pr.exec_errno));
		proc_result_release(&pr);
		return -1;
	}
	take_stderr(r, buf_cstr(&pr.err), pr.err.len);
	buf_add(&r->raw, pr.err.data ? pr.err.data : "", pr.err.len);
	if (pr.out.len)
		buf_add(&r->log, pr.out.data, pr.out.len);
	r->ok = pr.exited && pr.exit_code == 0;
	if (pr.timed_out)
		buf_printf(&r->log, "the compiler was stopped after %d s\n",
			   b->timeout_ms / 1000);
	else if (pr.signaled)
		buf_printf(&r->log, "the compiler crashed: %s\n",
			   proc_signal_describe(pr.signal));
	proc_result_release(&pr);
	return 0;
}

/* The cache key: compiler identity, every flag, every source's bytes. */
static int job_key(struct build *b, const struct build_job *j,
		   unsigned long long *key, struct err *e)
{
	struct argv a = {0};
	struct build_job k = *j;
	unsigned long long h = BUILD_HASH_INIT;
	struct stat st;
	const char *cc = j->compiler ? j->compiler : b->cc;

	k.output = "-";
	make_argv(b, &k, &a);
	for (size_t i = 0; i < a.n; i++)
		h = build_hash(h, a.v[i], strlen(a.v[i]) + 1);
	argv_free(&a);
	if (stat(cc, &st) == 0) {
		h = build_hash(h, &st.st_mtim, sizeof(st.st_mtim));
		h = build_hash(h, &st.st_size, sizeof(st.st_size));
	}
	for (const char *const *s = j->sources; s && *s; s++) {
		size_t len;
		char *data = path_read_file(*s, SOURCE_MAX, &len, e);
		if (!data)
			return -1;
		h = build_hash(h, data, len);
		free(data);
	}
	*key = h;
	return 0;
}

static int write_text(const char *path, const char *data, size_t len)
{
	struct err e;

	return path_write_file(path, data, len, 0644, &e);
}

char *build_cached_object(struct build *b, const struct build_job *j,
			  struct build_result *r, struct err *e)
{
	unsigned long long key;
	char *obj, *log, *tmp;
	struct build_job k = *j;

	memset(r, 0, sizeof(*r));
	diag_list_init(&r->diags);
	buf_init(&r->log, BUF_CAPTURE_MAX);
	buf_init(&r->raw, BUF_CAPTURE_MAX);
	e->msg[0] = '\0';
	if (job_key(b, j, &key, e) < 0)
		return NULL;
	if (path_mkdirs(b->cache_dir, e) < 0)
		return NULL;
	obj = xasprintf("%s/%016llx%s", b->cache_dir, key,
			j->link ? (j->shared ? ".so" : ".exe") : ".o");
	log = xasprintf("%s/%016llx.log", b->cache_dir, key);
	if (path_exists(obj)) {
		/* A hit: replay the diagnostics the compile printed. */
		size_t len = 0;
		struct err ignore;
		char *text = path_read_file(log, BUF_CAPTURE_MAX, &len, &ignore);
		if (text) {
			take_stderr(r, text, len);
			free(text);
		}
		r->ok = 1;
		r->command = xstrdup("(cached)");
		free(log);
		return obj;
	}
	/* A miss: compile to a private name, then rename into place, so
	 * parallel graders never see half an object. */
	static int counter;
	tmp = xasprintf("%s/%016llx.%ld-%d.tmp", b->cache_dir, key,
			(long)getpid(),
			__atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED));
	k.output = tmp;
	build_result_release(r);
	if (build_run(b, &k, r, e) < 0)
		goto fail;
	if (!r->ok) {
		unlink(tmp);
		goto fail;
	}
	/* Keep the compiler's stderr beside the object for later hits. */
	if (r->raw.len > 0)
		write_text(log, r->raw.data, r->raw.len);
	else
		unlink(log);
	if (rename(tmp, obj) < 0) {
		err_errno(e, "cannot store '%s' in the build cache", obj);
		unlink(tmp);
		goto fail;
	}
	free(tmp);
	free(log);
	return obj;
fail:
	free(tmp);
	free(log);
	free(obj);
	return NULL;
}
