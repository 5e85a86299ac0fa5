/*
 * harness_script: the lesson's harness script, its report and the verdict
 * (see harness_script.h and docs/checks/script-harness.md).
 */
#define _GNU_SOURCE
#include "harness_script.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "build.h"
#include "check.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/random.h"
#include "util/path.h"
#include "util/xalloc.h"

#define PREFIX_MAX	   64
#define HARNESS_TIMEOUT_MS 120000
#define REMEASURES	   2 /* extra harness runs before a missed ratio fails */

static void copy_line(char *dst, size_t n, const char *s, size_t len)
{
	if (len >= n)
		len = n - 1;
	memcpy(dst, s, len);
	dst[len] = '\0';
}

/* A decimal number such as "0.004821" or "4.8e-3", read the same in every
 * locale (strtod would want the user's decimal comma).  Returns the
 * number, or -1 when s holds none; *end is set past it. */
static double parse_decimal(const char *s, const char **end)
{
	double v = 0, scale = 1;
	int digits = 0;

	for (; *s >= '0' && *s <= '9'; s++, digits++)
		v = v * 10 + (*s - '0');
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++, digits++)
			v += (*s - '0') * (scale /= 10);
	if (digits && (*s == 'e' || *s == 'E')) {
		const char *p = s + 1;
		int neg = *p == '-', x = 0;
		if (*p == '-' || *p == '+')
			p++;
		if (*p >= '0' && *p <= '9') {
			for (; *p >= '0' && *p <= '9' && x < 400; p++)
				x = x * 10 + (*p - '0');
			while (x-- > 0)
				v = neg ? v / 10 : v * 10;
			s = p;
		}
	}
	*end = s;
	return digits ? v : -1;
}

static void take_time(struct harness_script_report *r, const char *s)
{
	int native = !strncmp(s, "native ", 7);
	const char *end;
	double t;

	if (!native && strncmp(s, "base ", 5))
		return;
	s += native ? 7 : 5;
	t = parse_decimal(s, &end);
	if (!(t > 0))
		return;
	double *best = native ? &r->native : &r->base;
	if (*best == 0 || t < *best)
		*best = t;
	if (!native) {
		long runs = strtol(end, NULL, 10);
		r->runs += runs > 0 ? runs : 1;
	}
}


/* The report line in stdout's line p (n bytes), after the prefix, or
 * NULL: a line carries the prefix anywhere, since the learner's code may
 * have left half a line of its own in front of it. */
static const char *report_line(const char *p, size_t n, const char *prefix,
			       size_t *len)
{
	size_t plen = strlen(prefix);
	const char *at = memmem(p, n, prefix, plen);

	if (!at)
		return NULL;
	*len = n - (size_t)(at - p) - plen;
	return at + plen;
}

/* Read one run's report; times accumulate, the rest is this run's. */
void harness_script_parse(struct harness_script_report *r, const char *text,
			  size_t len, const char *prefix)
{
	r->verdict = 0;
	r->text[0] = r->step[0] = r->notes[0] = '\0';
	for (const char *p = text; p < text + len;) {
		const char *nl = memchr(p, '\n', (size_t)(text + len - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(text + len - p);
		size_t ln;
		const char *at = report_line(p, n, prefix, &ln);
		char line[600];
		p += n + 1;
		if (!at)
			continue;
		copy_line(line, sizeof(line), at, ln);
		if (!strncmp(line, "step ", 5)) {
			copy_line(r->step, sizeof(r->step), line + 5,
				  strlen(line + 5));
		} else if (!strncmp(line, "fail", 4) && r->verdict >= 0) {
			r->verdict = -1;
			copy_line(r->text, sizeof(r->text),
				  line + (line[4] ? 5 : 4), strlen(line));
		} else if ((!strcmp(line, "ok") || !strncmp(line, "ok ", 3)) &&
			   r->verdict == 0) {
			r->verdict = 1;
			copy_line(r->text, sizeof(r->text),
				  line + (line[2] ? 3 : 2), strlen(line));
		} else if (!strncmp(line, "note ", 5)) {
			size_t used = strlen(r->notes);
			snprintf(r->notes + used, sizeof(r->notes) - used,
				 "%s%s", used ? "; " : "", line + 5);
		} else if (!strncmp(line, "time ", 5)) {
			take_time(r, line + 5);
		}
	}
}

/* The line of stderr that names what went wrong: the last one mentioning
 * an error, else the first one. */
static void error_line(const struct buf *err, char *out, size_t n)
{
	const char *text = buf_cstr(err), *first = NULL, *pick = NULL;
	size_t first_len = 0, pick_len = 0;

	out[0] = '\0';
	for (const char *p = text; p < text + err->len;) {
		const char *nl = memchr(p, '\n', (size_t)(text + err->len - p));
		size_t len =
		    nl ? (size_t)(nl - p) : (size_t)(text + err->len - p);
		if (len > 0 && p[0] != ' ' && p[0] != '\t') {
			if (!first) {
				first = p;
				first_len = len;
			}
			if (memmem(p, len, "Error", 5) ||
			    memmem(p, len, "error", 5)) {
				pick = p;
				pick_len = len;
			}
		}
		p += len + 1;
	}
	if (!pick) {
		pick = first;
		pick_len = first_len;
	}
	if (pick)
		copy_line(out, n, pick, pick_len);
}

/* The run's output for the learner: stdout without the report lines,
 * then stderr. */
static void keep_output(struct check_result *out, const struct proc_result *pr,
			const char *prefix)
{
	const char *text = buf_cstr(&pr->out);
	struct buf all;

	buf_init(&all, BUF_CAPTURE_MAX);
	for (const char *p = text; p < text + pr->out.len;) {
		const char *nl =
		    memchr(p, '\n', (size_t)(text + pr->out.len - p));
		size_t n =
		    nl ? (size_t)(nl - p) : (size_t)(text + pr->out.len - p);
		size_t ln;
		const char *at = report_line(p, n, prefix, &ln);
		if (!at || at - strlen(prefix) > p) {
			buf_add(&all, p,
				at ? (size_t)(at - strlen(prefix) - p) : n);
			buf_addch(&all, '\n');
		}
		p += n + 1;
	}
	if (pr->err.len) {
		buf_addstr(&all, all.len ? "\n[stderr]\n" : "[stderr]\n");
		buf_add(&all, buf_cstr(&pr->err), pr->err.len);
	}
	if (all.len)
		check_set_output(out, buf_cstr(&all), all.len,
				 pr->out.truncated || pr->err.truncated);
	buf_release(&all);
}

/* The child's environment: check_child_env() plus o->env; NULL when the
 * kind adds nothing (check_exec then uses check_child_env()). */
static char **child_env(const struct harness_script_opts *o)
{
	char *const *base = check_child_env();
	size_t nbase = 0, nextra = 0;
	char **env;

	if (!o->env)
		return NULL;
	while (base[nbase])
		nbase++;
	while (o->env[nextra])
		nextra++;
	env = xcalloc(nbase + nextra + 1, sizeof(*env));
	memcpy(env, base, nbase * sizeof(*env));
	for (size_t i = 0; i < nextra; i++)
		env[nbase + i] = (char *)o->env[i];
	return env;
}

/*
 * Run the harness once and read its report.  Returns 0 when it ended
 * normally (r->verdict says what it found), 1 when it crashed or ended
 * without a verdict (out set to VS_FAIL), -1 with e set for our failure.
 */
static int run_once(struct check_ctx *ctx, const struct check_spec *spec,
		    const struct harness_script_opts *o,
		    struct harness_script_report *r, struct check_result *out,
		    struct err *e)
{
	size_t nargs;
	char **args;
	char nonce[40], prefix[PREFIX_MAX], how[256], why[512];
	struct proc_result pr;

	if (ctx->opts->quick && check_param(spec, "quick_args"))
		args = check_param_list(spec, "quick_args", &nargs);
	else
		args = check_param_list(spec, "args", &nargs);
	char **argv = xcalloc(nargs + 4, sizeof(*argv));
	argv[0] = (char *)o->interpreter;
	argv[1] = (char *)check_param_str(spec, "harness", NULL);
	argv[2] = (char *)o->module;
	for (size_t i = 0; i < nargs; i++)
		argv[3 + i] = args[i];
	char **env = child_env(o);
	/* The nonce travels on stdin, which the script reads before it
	 * loads the learner's code: not in the environment, where that code
	 * could read it. */
	random_hex(nonce, 17);
	snprintf(prefix, sizeof(prefix), "WB1 %s ", nonce);
	nonce[strlen(nonce) + 1] = '\0';
	nonce[strlen(nonce)] = '\n';
	struct proc_opts po = {
	    .argv = argv,
	    .env = env,
	    .stdin_data = nonce,
	    .stdin_len = strlen(nonce),
	    .cwd = o->cwd,
	    .timeout_ms =
		spec->timeout_ms ? spec->timeout_ms : HARNESS_TIMEOUT_MS,
	};
	int rc = check_exec(ctx, &po, &pr, e);
	if (rc < 0)
		goto out;
	if (pr.exec_errno) {
		err_set(e, "cannot run '%s': %s", o->interpreter,
			strerror(pr.exec_errno));
		proc_result_release(&pr);
		rc = -1;
		goto out;
	}
	harness_script_parse(r, buf_cstr(&pr.out), pr.out.len, prefix);
	keep_output(out, &pr, prefix);
	rc = 0;
	if (r->verdict < 0) {
		/* The harness found a wrong result: its message says it. */
	} else if (pr.timed_out || pr.cancelled || pr.signaled ||
		   pr.exit_code != 0) {
		proc_describe(&pr, &po, how, sizeof(how));
		error_line(&pr.err, why, sizeof(why));
		out->status = VS_FAIL;
		check_set_message(out, "%s %s%s%s%s%s",
				  o->label ? o->label
					   : path_basename(o->interpreter),
				  how, r->step[0] ? " while " : "", r->step,
				  why[0] ? ": " : "", why);
		rc = 1;
	} else if (r->verdict == 0) {
		out->status = VS_FAIL;
		check_set_message(out, "the %s ended without a verdict%s%s",
				  o->noun, r->step[0] ? " after " : "",
				  r->step);
		rc = 1;
	}
	proc_result_release(&pr);
out:
	/* proc_describe has read argv: it is freed only now. */
	free(argv);
	free(env);
	return rc;
}

int harness_script_measure(struct check_ctx *ctx, const struct check_spec *spec,
			   const struct harness_script_opts *o,
			   struct harness_script_report *r,
			   struct check_result *out, struct err *e)
{
	double min = check_param_num(spec, "min_speedup", 0);

	for (int attempt = 0; attempt <= REMEASURES; attempt++) {
		int rc = run_once(ctx, spec, o, r, out, e);
		if (rc != 0)
			return rc < 0 ? -1 : 0;
		if (r->verdict < 0) {
			out->status = VS_FAIL;
			check_set_message(out, "%s", r->text);
			return 0;
		}
		if (min <= 0)
			break;
		if (r->base <= 0 || r->native <= 0)
			return err_set(e,
				       "the %s '%s' reported no \"time "
				       "base\" and \"time native\" lines, "
				       "which min_speedup needs (a lesson "
				       "bug)",
				       o->noun,
				       o->shown ? o->shown
						: path_basename(check_param_str(
						      spec, "harness", "")));
		/* A miss is measured again before it is reported. */
		if (r->base / r->native >= min)
			break;
	}
	return 1;
}

void harness_script_judge(const struct check_spec *spec,
			  const struct harness_script_opts *o,
			  const struct harness_script_report *r,
			  const char *extra, struct check_result *out)
{
	double min = check_param_num(spec, "min_speedup", 0);
	const char *what = check_param_str(spec, "baseline", o->baseline);
	const char *head = r->text[0] ? r->text : o->passed ? o->passed : "";

	if (!extra)
		extra = "";
	if (min > 0) {
		double ratio = r->base / r->native;
		check_set_value(out, ratio, ">=", min, "x");
		out->status = ratio >= min ? VS_PASS : VS_FAIL;
		check_set_message(out,
				  "%.*fx as fast as %s (best of %ld "
				  "interleaved runs: %.3g ms against %.3g ms), "
				  "needs >= %gx%s%s%s%s",
				  o->ratio_digits, ratio, what, r->runs,
				  r->native * 1000, r->base * 1000, min,
				  extra[0] ? "; " : "", extra,
				  r->notes[0] ? "; " : "", r->notes);
		return;
	}
	out->status = VS_PASS;
	check_set_message(
	    out, "%s%s%s%s%s", head, head[0] && extra[0] ? "; " : "", extra,
	    (head[0] || extra[0]) && r->notes[0] ? "; " : "", r->notes);
}

int harness_script_check(struct check_ctx *ctx, const struct check_spec *spec,
			 const struct harness_script_opts *o,
			 struct check_result *out, struct err *e)
{
	struct harness_script_report r = {0};
	int rc = harness_script_measure(ctx, spec, o, &r, out, e);

	if (rc == 1)
		harness_script_judge(spec, o, &r, NULL, out);
	return rc < 0 ? -1 : 0;
}

int harness_script_check_name(const struct check_spec *spec, struct err *e)
{
	const char *name = check_param_str(spec, "module", "");
	int ok = *name && !isdigit((unsigned char)*name);

	for (const char *s = name; ok && *s; s++)
		ok = isalnum((unsigned char)*s) || *s == '_';
	if (!ok)
		return err_set(
		    e, "%s: module '%s' is not a C identifier (a lesson bug)",
		    spec->kind, name);
	return 0;
}

/* Build the learner's file as a shared object and copy it to `to`.
 * Returns 0; 1 when it does not compile (out says so); -1 with e set. */
static int build_so(struct check_ctx *ctx, const struct check_spec *spec,
		    const char *include, const char *to,
		    struct check_result *out, struct err *e)
{
	size_t nextra, nf = 0;
	char **extra = check_param_list(spec, "cflags", &nextra);
	const char **flags = xcalloc(nextra + 2, sizeof(*flags));
	const char *src[] = {ctx->source, NULL};
	struct build_result r;
	char *so, *dir;
	int rc = 0;

	if (include)
		flags[nf++] = include;
	for (size_t i = 0; i < nextra; i++)
		flags[nf++] = extra[i];
	struct build_job j = {
	    .sources = src,
	    .link = 1,
	    .shared = 1,
	    .std = "c11",
	    .warnings = 1,
	    .werror = check_param_bool(spec, "werror", 0),
	    .opt = "-O2",
	    .cflags = flags,
	};
	e->msg[0] = '\0';
	so = build_cached_object(ctx->build, &j, &r, e);
	free(flags);
	if (!so) {
		if (e->msg[0]) {
			build_result_release(&r);
			return -1;
		}
		out->status = VS_FAIL;
		check_take_build(out, &r);
		check_set_message(out, "the module does not compile: see "
				       "the compiler's message below");
		build_result_release(&r);
		return 1;
	}
	check_take_build(out, &r);
	build_result_release(&r);
	dir = path_dirname(to);
	if (path_mkdirs(dir, e) < 0 || path_copy_file(so, to, e) < 0)
		rc = -1;
	free(dir);
	free(so);
	return rc;
}

int harness_script_check_so(struct check_ctx *ctx,
			    const struct check_spec *spec, const char *include,
			    const struct harness_script_opts *o,
			    struct check_result *out, struct err *e)
{
	int rc = build_so(ctx, spec, include, o->module, out, e);

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	return harness_script_check(ctx, spec, o, out, e);
}
