/*
 * io { args = {...}, stdin = "...", stdout = "...", exit = 0 }
 *
 * Runs the learner's program (its own main) and compares what it printed
 * and how it ended.  stdout is compared exactly; `contains` lists strings
 * that must appear instead.  stdin_file / stdout_file name fixtures beside
 * lesson.lua for larger data.
 */
#define _GNU_SOURCE
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build.h"
#include "util/err.h"
#include "util/path.h"
#include "util/xalloc.h"

#define FIXTURE_MAX ((size_t)16 << 20)

static const struct check_field fields[] = {
	{"args", PARAM_LIST, 0, "command-line arguments"},
	{"stdin", PARAM_STR, 0, "bytes on standard input (default: none)"},
	{"stdin_file", PARAM_FILE, 0, "a file beside lesson.lua fed to stdin"},
	{"stdout", PARAM_STR, 0, "the exact expected standard output"},
	{"stdout_file", PARAM_FILE, 0, "a file holding the expected output"},
	{"contains", PARAM_LIST, 0, "strings the output must contain"},
	{"exit", PARAM_INT, 0, "the expected exit status (default 0)"},
	{NULL, 0, 0, NULL},
};

/* Show a string on one line, escaped and shortened. */
static void show(const char *s, size_t len, char *out, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < len && o + 5 < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n') {
			out[o++] = '\\';
			out[o++] = 'n';
		} else if (c == '\t') {
			out[o++] = '\\';
			out[o++] = 't';
		} else if (c < 32 || c == 127) {
			o += (size_t)snprintf(out + o, n - o, "\\x%02x", c);
		} else {
			out[o++] = (char)c;
		}
	}
	if (o + 4 < n && len > 0 && o >= n - 6) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

/* Describe the first difference: "line 2: expected 'x', got 'y'". */
static void first_difference(const char *want, size_t wl, const char *got,
			     size_t gl, char *msg, size_t n)
{
	size_t i = 0, line = 1, start_w = 0, start_g = 0;
	char a[120], b[120];

	while (i < wl && i < gl && want[i] == got[i]) {
		if (want[i] == '\n') {
			line++;
			start_w = start_g = i + 1;
		}
		i++;
	}
	const char *we = memchr(want + start_w, '\n', wl - start_w);
	const char *ge = memchr(got + start_g, '\n', gl - start_g);
	size_t wlen = we ? (size_t)(we - want - start_w) + 1 : wl - start_w;
	size_t glen = ge ? (size_t)(ge - got - start_g) + 1 : gl - start_g;
	show(want + start_w, wlen, a, sizeof(a));
	show(got + start_g, glen, b, sizeof(b));
	if (start_g >= gl)
		snprintf(msg, n, "output ends early: line %zu should be '%s'",
			 line, a);
	else if (start_w >= wl)
		snprintf(msg, n, "unexpected extra output from line %zu: '%s'",
			 line, b);
	else
		snprintf(msg, n, "line %zu: expected '%s', got '%s'", line, a,
			 b);
}

static char *link_program(struct check_ctx *ctx, struct check_result *out,
			  struct err *e)
{
	char *obj = check_learner_object(ctx, NULL, out, e);
	char *exe;
	struct build_result r;

	if (!obj)
		return NULL;
	const char *srcs[] = {obj, NULL};
	struct build_job j = {.sources = srcs, .link = 1, .opt = "-g"};
	e->msg[0] = '\0';
	exe = build_cached_object(ctx->build, &j, &r, e);
	free(obj);
	if (!exe && !e->msg[0]) {
		out->status = VS_FAIL;
		check_take_build(out, &r);
		check_set_message(out, "the program does not link (is main missing?)");
	}
	build_result_release(&r);
	return exe;
}

static int run(struct check_ctx *ctx, const struct check_spec *spec,
	       struct check_result *out, struct err *e)
{
	size_t nargs, ncontains;
	char **args = check_param_list(spec, "args", &nargs);
	char **contains = check_param_list(spec, "contains", &ncontains);
	const char *want = check_param_str(spec, "stdout", NULL);
	const char *in = check_param_str(spec, "stdin", NULL);
	char *in_data = NULL, *want_data = NULL;
	size_t in_len = in ? strlen(in) : 0, want_len = want ? strlen(want) : 0;
	int want_exit = (int)check_param_int(spec, "exit", 0);
	char msg[600], how[200];
	int rc = -1;

	e->msg[0] = '\0';
	if (check_param_str(spec, "stdin_file", NULL)) {
		in_data = path_read_file(check_param_str(spec, "stdin_file", NULL),
					 FIXTURE_MAX, &in_len, e);
		if (!in_data)
			return -1;
		in = in_data;
	}
	if (check_param_str(spec, "stdout_file", NULL)) {
		want_data = path_read_file(check_param_str(spec, "stdout_file", NULL),
					   FIXTURE_MAX, &want_len, e);
		if (!want_data)
			goto out;
		want = want_data;
	}
	char *exe = link_program(ctx, out, e);
	if (!exe) {
		rc = e->msg[0] ? -1 : 0;
		goto out;
	}
	char **argv = xcalloc(nargs + 2, sizeof(*argv));
	argv[0] = exe;
	for (size_t i = 0; i < nargs; i++)
		argv[i + 1] = args[i];
	struct proc_opts po = {
		.argv = argv,
		.stdin_data = in,
		.stdin_len = in_len,
		.timeout_ms = spec->timeout_ms ? spec->timeout_ms : 5000,
	};
	struct proc_result pr;
	if (check_exec(ctx, &po, &pr, e) < 0) {
		free(argv);
		free(exe);
		goto out;
	}
	proc_describe(&pr, &po, how, sizeof(how)); /* reads po.argv */
	free(argv);
	free(exe);
	msg[0] = '\0';
	if (pr.out.truncated || !strcmp(pr.sandbox_status, "OL")) {
		snprintf(msg, sizeof(msg),
			 "the program printed more than %zu bytes (output limit)%s%s",
			 pr.out.max, pr.timed_out ? "; " : "",
			 pr.timed_out ? how : "");
	} else if (pr.timed_out || pr.cancelled || pr.signaled) {
		snprintf(msg, sizeof(msg), "the program %s", how);
	} else if (want && (pr.out.len != want_len ||
			    memcmp(buf_cstr(&pr.out), want, want_len))) {
		first_difference(want, want_len, buf_cstr(&pr.out), pr.out.len,
				 msg, sizeof(msg));
	} else {
		for (size_t i = 0; i < ncontains && !msg[0]; i++)
			if (!memmem(buf_cstr(&pr.out), pr.out.len, contains[i],
				    strlen(contains[i])))
				snprintf(msg, sizeof(msg),
					 "the output does not contain '%s'",
					 contains[i]);
	}
	if (!msg[0] && pr.exit_code != want_exit)
		snprintf(msg, sizeof(msg), "exit status %d, expected %d",
			 pr.exit_code, want_exit);
	if (msg[0]) {
		out->status = VS_FAIL;
		check_set_message(out, "%s", msg);
	} else {
		out->status = VS_PASS;
		check_set_message(out, "output and exit status %d as expected",
				  want_exit);
	}
	{
		struct buf all;
		buf_init(&all, BUF_CAPTURE_MAX);
		buf_add(&all, buf_cstr(&pr.out), pr.out.len);
		if (pr.err.len) {
			buf_addstr(&all, all.len ? "\n[stderr]\n" : "[stderr]\n");
			buf_add(&all, buf_cstr(&pr.err), pr.err.len);
		}
		check_set_output(out, buf_cstr(&all), all.len,
				 pr.out.truncated || pr.err.truncated);
		buf_release(&all);
	}
	proc_result_release(&pr);
	rc = 0;
out:
	free(in_data);
	free(want_data);
	return rc;
}

const struct check_kind check_io = {
	.name = "io",
	.stage = STAGE_TEST,
	.positional = NULL,
	.fields = fields,
	.summary = "a run with given arguments and input prints what is expected",
	.run = run,
};
