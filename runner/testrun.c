#define _GNU_SOURCE
#include "testrun.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build.h"
#include "check.h"
#include "util/err.h"
#include "util/random.h"
#include "util/path.h"
#include "util/xalloc.h"

#define CHANNEL_FD 3
#define TEST_TIMEOUT_MS 10000

/* The harness source, written into the cache once so it can be compiled
 * and cached like any other file. */
static char *harness_source(struct build *b, struct err *e)
{
	unsigned long long h = build_hash(BUILD_HASH_INIT, wb_harness_src,
					  wb_harness_src_len);
	char *path = xasprintf("%s/harness-%016llx.c", b->cache_dir, h);

	if (path_exists(path))
		return path;
	if (path_mkdirs(b->cache_dir, e) < 0 ||
	    path_write_file(path, wb_harness_src, wb_harness_src_len, 0644,
			    e) < 0) {
		free(path);
		return NULL;
	}
	return path;
}

/* Compile a fixed input (test file, harness) through the cache. */
static char *cached(struct check_ctx *ctx, const char *src,
		    const char *sanitize, const char *std, const char *define,
		    struct check_result *out, struct err *e)
{
	const char *srcs[] = {src, NULL};
	const char *defs[] = {define, NULL};
	struct build_job j = {
		.sources = srcs,
		.std = std,
		.sanitize = sanitize,
		.opt = "-O0 -g",
		.defines = define ? defs : NULL,
	};
	struct build_result r;
	char *obj;

	obj = build_cached_object(ctx->build, &j, &r, e);
	if (!obj && !e->msg[0]) {
		/* The lesson's own test file is broken: our error, shown with
		 * the compiler's words so the author can fix it. */
		check_take_build(out, &r);
		err_set(e, "the test file '%s' does not compile (a lesson bug)",
			path_basename(src));
	}
	build_result_release(&r);
	return obj;
}

/* Read the harness's records; lines without our nonce are ignored. */
void testrun_read_channel(const char *text, size_t len, const char *nonce,
			  struct check_result *out, struct testrun_channel *ch)
{
	char prefix[96];
	size_t plen;

	memset(ch, 0, sizeof(*ch));
	plen = (size_t)snprintf(prefix, sizeof(prefix), "WB1 %s ", nonce);
	for (const char *p = text; p < text + len;) {
		const char *nl = memchr(p, '\n', (size_t)(text + len - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(text + len - p);
		char line[512];
		if (n < sizeof(line) && n > plen && !memcmp(p, prefix, plen)) {
			memcpy(line, p + plen, n - plen);
			line[n - plen] = '\0';
			char *arg = strchr(line, ' ');
			if (arg)
				*arg++ = '\0';
			if (!strcmp(line, "start")) {
				ch->started = 1;
			} else if (!strcmp(line, "run") && arg) {
				snprintf(ch->running, sizeof(ch->running),
					 "%s", arg);
			} else if ((!strcmp(line, "pass") ||
				    !strcmp(line, "fail")) && arg) {
				check_add_subtest(out, arg, line[0] == 'p',
						  NULL);
				ch->running[0] = '\0';
			} else if (!strcmp(line, "end") && arg) {
				ch->ended = sscanf(arg, "%d %d", &ch->total,
						   &ch->failed) == 2;
			}
		}
		p += n + 1;
	}
}

/* Append sep and src to the string in dst (size cap), cutting what does
 * not fit. */
static void append(char *dst, size_t cap, const char *sep, const char *src)
{
	size_t used = strlen(dst);

	for (const char *p = sep; *p && used + 1 < cap; p++)
		dst[used++] = *p;
	for (const char *p = src; *p && used + 1 < cap; p++)
		dst[used++] = *p;
	dst[used] = '\0';
}

/* cmocka prints "[  ERROR   ] --- msg" and "[   LINE   ] --- file:line:
 * error: Failure!" between "[ RUN ] name" and "[ FAILED ] name": attach
 * those to the failing sub-test. */
void testrun_attach_messages(struct check_result *out, const char *text,
			     size_t len)
{
	char current[256] = "";
	char msg[512] = "";

	for (const char *p = text; p < text + len;) {
		const char *nl = memchr(p, '\n', (size_t)(text + len - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(text + len - p);
		char line[600];
		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		memcpy(line, p, n);
		line[n] = '\0';
		p += (nl ? (size_t)(nl - p) : n) + 1;
		if (!strncmp(line, "[ RUN      ] ", 13)) {
			current[0] = msg[0] = '\0';
			append(current, sizeof(current), "", line + 13);
		} else if (current[0] && !strncmp(line, "ERROR: ", 7)) {
			/* fail_msg() prints its own line before the marker. */
			append(msg, sizeof(msg), msg[0] ? "; " : "", line + 7);
		} else if (!strncmp(line, "[  ERROR   ] --- ", 17)) {
			char *said = line + 17;
			/* A message printed without its newline runs into the
			 * LINE marker: keep only the message. */
			char *cut = strstr(said, "[   LINE   ]");
			if (cut)
				*cut = '\0';
			if (*said)
				append(msg, sizeof(msg), msg[0] ? "; " : "",
				       said);
			if (cut) {
				memmove(line + 17, cut + 17, strlen(cut + 17) + 1);
				goto where;
			}
		} else if (!strncmp(line, "[   LINE   ] --- ", 17)) {
		where:;
			/* "/abs/x_test.c:80: error: Failure!" -> "(x_test.c:80)" */
			char *at = line + 17;
			char *end = strstr(at, ": error");
			if (end)
				*end = '\0';
			char *base = strrchr(at, '/');
			append(msg, sizeof(msg), msg[0] ? " (" : "(",
			       base ? base + 1 : at);
			append(msg, sizeof(msg), "", ")");
		} else if (!strncmp(line, "[  FAILED  ] ", 13) && current[0] &&
			   !strcmp(line + 13, current)) {
			for (size_t i = 0; i < out->nsubtests; i++) {
				struct subtest *t = &out->subtests[i];
				if (!t->passed && !t->message &&
				    !strcmp(t->name, current)) {
					t->message = xstrdup(msg[0] ? msg
								: "failed");
					break;
				}
			}
			current[0] = '\0';
		}
	}
}

/* Append line to `to`, with every occurrence of `prefix` dropped (absolute
 * folders make the excerpt hard to read; "lessons/x/y_test.c:80" is
 * enough). */
static void add_line(struct buf *to, const char *p, size_t n,
		     const char *prefix)
{
	size_t pl = prefix ? strlen(prefix) : 0;

	while (n > 0) {
		const char *hit = pl ? memmem(p, n, prefix, pl) : NULL;
		size_t keep = hit ? (size_t)(hit - p) : n;
		buf_add(to, p, keep);
		if (!hit)
			break;
		p += keep + pl;
		n -= keep + pl;
	}
	buf_addch(to, '\n');
}

/* cmocka's per-run banners repeat once per test (we run them one by one),
 * and ASan's shadow-byte map says nothing to a learner: keep the lines
 * that say something about a test. */
static void tidy_output(struct buf *to, const char *text, size_t len,
			const char *prefix)
{
	static const char *const noise[] = {
		"[==========]", "[  PASSED  ]", "[  FAILED  ] 1 test(s), listed",
		"[  FAILED  ] 0 test(s)", " 1 FAILED TEST(S)", NULL};
	int listing = 0; /* inside cmocka's "listed below" summary */
	int shadow = 0;  /* inside ASan's shadow byte map */

	for (const char *p = text; p < text + len;) {
		const char *nl = memchr(p, '\n', (size_t)(text + len - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(text + len - p);
		int drop = n == 0;
		if (n >= 13 && !memcmp(p, "[  FAILED  ] ", 13) && listing)
			drop = 1;
		listing = n >= 30 && !memcmp(p, "[  FAILED  ] 1 test(s), listed", 30);
		if (n >= 13 && !memcmp(p, "[ RUN      ] ", 13))
			listing = 0;
		if (n >= 27 && !memcmp(p, "Shadow bytes around the bug", 27))
			shadow = 1;
		else if (shadow && n >= 2 && p[0] == '=' && p[1] == '=')
			shadow = 0;
		drop |= shadow;
		for (size_t i = 0; noise[i] && !drop; i++)
			drop = n >= strlen(noise[i]) &&
			       !memcmp(p, noise[i], strlen(noise[i]));
		if (!drop)
			add_line(to, p, n, prefix);
		p += n + 1;
	}
}

static char *link_tests(struct check_ctx *ctx, const char *const objs[],
			const char *sanitize, struct check_result *out,
			struct err *e)
{
	static const char *const ld[] = {
		"-Wl,--wrap=main", "-Wl,--wrap=_cmocka_run_group_tests",
		"-lcmocka", NULL};
	struct build_job j = {
		.sources = objs,
		.link = 1,
		.sanitize = sanitize,
		.opt = "-g",
		.ldflags = ld,
	};
	struct build_result r;
	char *exe;

	e->msg[0] = '\0';
	exe = build_cached_object(ctx->build, &j, &r, e);
	if (!exe && !e->msg[0]) {
		out->status = VS_FAIL;
		check_take_build(out, &r);
		check_set_message(out, "the tests do not link with your file (is a function missing or misnamed?)");
	}
	build_result_release(&r);
	return exe;
}

static void judge(struct check_result *out, const struct proc_result *pr,
		  const struct testrun_channel *ch, const struct proc_opts *po,
		  const char *learner_file)
{
	char how[256];
	size_t nfail = 0;

	for (size_t i = 0; i < out->nsubtests; i++)
		if (!out->subtests[i].passed)
			nfail++;
	proc_describe(pr, po, how, sizeof(how));
	/* stderr is merged into out: sanitizer reports are there. */
	diag_parse_sanitizer(&out->diags, buf_cstr(&pr->out), pr->out.len,
			     learner_file);
	if (pr->timed_out) {
		out->status = VS_FAIL;
		check_set_message(out, "%s%s%s", how,
				  ch->running[0] ? " in test " : "",
				  ch->running);
	} else if (pr->cancelled) {
		out->status = VS_FAIL;
		check_set_message(out, "cancelled");
	} else if (out->diags.n > 0) {
		const struct diag *d = &out->diags.v[0];
		out->status = VS_FAIL;
		if (d->file && d->line)
			check_set_message(out, "%s at %s:%d%s%s", d->option,
					  path_basename(d->file), d->line,
					  ch->running[0] ? " in test " : "",
					  ch->running);
		else
			check_set_message(out, "%s%s%s", d->option,
					  ch->running[0] ? " in test " : "",
					  ch->running);
	} else if (!ch->ended) {
		out->status = VS_FAIL;
		if (ch->running[0])
			check_set_message(out, "the test program stopped during test %s: %s",
					  ch->running, how);
		else
			check_set_message(out, "the test program stopped before the tests finished: %s",
					  how);
	} else if (nfail || ch->failed) {
		out->status = VS_FAIL;
		check_set_message(out, "%zu of %d test%s failed", nfail,
				  ch->total, ch->total == 1 ? "" : "s");
	} else if (!pr->exited || pr->exit_code != 0) {
		out->status = VS_FAIL;
		check_set_message(out, "all %d tests passed, but then the program %s",
				  ch->total, how);
	} else if (ch->total == 0) {
		out->status = VS_FAIL;
		check_set_message(out, "the test file ran no test (a lesson bug)");
	} else {
		out->status = VS_PASS;
		check_set_message(out, "%d test%s passed", ch->total,
				  ch->total == 1 ? "" : "s");
	}
}

int testrun(struct check_ctx *ctx, const struct testrun_opts *o,
	    struct check_result *out, struct err *e)
{
	char *harness_src = NULL, *harness = NULL, *test = NULL;
	char *learner = NULL, *exe = NULL;
	char nonce[32];
	int rc = -1;

	e->msg[0] = '\0';
	learner = check_learner_object(ctx, o->sanitize, out, e);
	if (!learner)
		return e->msg[0] ? -1 : 0;
	harness_src = harness_source(ctx->build, e);
	if (!harness_src)
		goto out;
	harness = cached(ctx, harness_src, o->sanitize, "c11", NULL, out, e);
	if (!harness)
		goto out;
	test = cached(ctx, o->test_file, o->sanitize, o->std ? o->std : "c11",
		      "-Dmain=wb_test_main", out, e);
	if (!test)
		goto out;
	const char *objs[] = {harness, test, learner, NULL};
	exe = link_tests(ctx, objs, o->sanitize, out, e);
	if (!exe) {
		rc = e->msg[0] ? -1 : 0;
		goto out;
	}

	/* Run it, with the channel's fd and nonce in the environment. */
	char *const *base = check_child_env();
	size_t nbase = 0;
	while (base[nbase])
		nbase++;
	char **env = xcalloc(nbase + 2, sizeof(*env));
	for (size_t i = 0; i < nbase; i++)
		env[i] = base[i];
	random_hex(nonce, 25);
	char chan_var[32], nonce_line[40];
	snprintf(chan_var, sizeof(chan_var), "WB_CHANNEL_FD=%d", CHANNEL_FD);
	env[nbase] = chan_var;
	/* The nonce goes in on stdin, never in the environment. */
	snprintf(nonce_line, sizeof(nonce_line), "%s\n", nonce);
	char *argv[] = {exe, NULL};
	struct proc_opts po = {
		.argv = argv,
		.env = env,
		.stdin_data = nonce_line,
		.stdin_len = strlen(nonce_line),
		.timeout_ms = o->timeout_ms ? o->timeout_ms : TEST_TIMEOUT_MS,
		.channel_fd = CHANNEL_FD,
		/* One stream keeps cmocka's messages (stderr) beside the
		 * test they belong to (stdout). */
		.merge_stderr = 1,
	};
	struct proc_result pr;
	if (check_exec(ctx, &po, &pr, e) < 0) {
		free(env);
		goto out;
	}
	free(env);
	struct testrun_channel ch;
	testrun_read_channel(buf_cstr(&pr.channel), pr.channel.len, nonce, out, &ch);
	testrun_attach_messages(out, buf_cstr(&pr.out), pr.out.len);
	judge(out, &pr, &ch, &po, ctx->source);
	{
		struct buf all;
		buf_init(&all, BUF_CAPTURE_MAX);
		char *prefix = xasprintf("%s/", ctx->course->root);
		tidy_output(&all, buf_cstr(&pr.out), pr.out.len, prefix);
		free(prefix);
		check_set_output(out, buf_cstr(&all), all.len,
				 pr.out.truncated);
		buf_release(&all);
	}
	proc_result_release(&pr);
	rc = 0;
out:
	free(harness_src);
	free(harness);
	free(test);
	free(learner);
	free(exe);
	return rc;
}
