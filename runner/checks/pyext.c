/*
 * pyext { module = "pixels", harness = "dither_harness.py", min_speedup = 10 }
 *
 * Builds the learner's file as a CPython extension module (a shared object
 * that defines PyInit_<module>), or with mode = "ctypes" as a plain shared
 * library lib<module>.so, and runs the lesson's Python script on it with
 * the system interpreter:
 *
 *     PYTHONPATH=<dir> python3 HARNESS <dir>/<module>.so ARGS...
 *
 * so that the script imports the extension with import <module> (or loads
 * the library with ctypes.CDLL(sys.argv[1])).  The script checks the
 * results against a pure-Python version and times both; it reports on
 * stdout, one line each, every line starting with "WB1 NONCE " where NONCE
 * is the first line of its stdin (docs/checks/pyext.md): "step TEXT",
 * "fail TEXT", "note TEXT", "time base|native SECONDS [RUNS]", "ok [TEXT]".
 * With min_speedup the check holds the ratio best base time / best native time
 * to its threshold, running the script again before it reports a miss.
 *
 * The interpreter is $WORKBOOK_PYTHON, else /usr/bin/python3 (the one
 * python3-dev's headers belong to), else python3 on PATH; it names its own
 * header folder through sysconfig.
 */
#define _GNU_SOURCE
#include "check.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "build.h"
#include "util/err.h"
#include "util/path.h"
#include "util/xalloc.h"

#define PREFIX_MAX	   64
#define HARNESS_TIMEOUT_MS 120000
#define REMEASURES	   2 /* extra harness runs before a missed ratio fails */

static const struct check_field fields[] = {
    {"module", PARAM_STR, 1,
     "the module's name: import NAME calls PyInit_NAME"},
    {"harness", PARAM_FILE, 1, "the Python script beside lesson.lua"},
    {"mode", PARAM_STR, 0,
     "\"extension\" (default) or \"ctypes\" (a plain shared library)"},
    {"min_speedup", PARAM_NUM, 0,
     "the ratio base time / module time the script must measure"},
    {"baseline", PARAM_STR, 0,
     "what the base time measures (default \"pure Python\")"},
    {"args", PARAM_LIST, 0, "arguments for the script after the module"},
    {"quick_args", PARAM_LIST, 0,
     "the arguments in quick runs (dev check, tests)"},
    {"werror", PARAM_BOOL, 0, "treat warnings as errors"},
    {"cflags", PARAM_LIST, 0, "extra gcc flags (default -O2)"},
    {NULL, 0, 0, NULL},
};

/* What the harness reported over one or more runs. */
struct report {
	int verdict;	     /* 1 ok, -1 fail, 0 none */
	char text[512];	     /* the fail message, or the ok text */
	char step[256];	     /* the last step announced */
	char notes[512];     /* "; "-joined notes of the last run */
	double base, native; /* best times over every run; 0: none */
	long runs;	     /* timed runs behind the best times */
};

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

static void take_time(struct report *r, const char *s)
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

/* A random nonce for one run's report lines. */
static void make_nonce(char *out, size_t n)
{
	unsigned char raw[8];
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	ssize_t got = fd >= 0 ? read(fd, raw, sizeof(raw)) : -1;

	if (fd >= 0)
		close(fd);
	if (got != (ssize_t)sizeof(raw)) {
		unsigned long long v =
		    (unsigned long long)getpid() * 2654435761ULL ^
		    (unsigned long long)(size_t)out;
		memcpy(raw, &v, sizeof(raw));
	}
	for (size_t i = 0; i < sizeof(raw) && 2 * i + 2 < n; i++)
		snprintf(out + 2 * i, 3, "%02x", raw[i]);
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
static void parse_report(struct report *r, const char *text, size_t len,
			 const char *prefix)
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

/*
 * Run the script once and read its report.  Returns 0 when it ended
 * normally (r->verdict says what it found), 1 when it crashed or ended
 * without a verdict (out set to VS_FAIL), -1 with e set for our failure.
 */
static int run_harness(struct check_ctx *ctx, const struct check_spec *spec,
		       const char *python, const char *module, struct report *r,
		       struct check_result *out, struct err *e)
{
	size_t nargs, nbase = 0;
	char **args;
	char *const *base = check_child_env();
	char nonce[40], prefix[PREFIX_MAX], how[256], why[512];
	struct proc_result pr;

	if (ctx->opts->quick && check_param(spec, "quick_args"))
		args = check_param_list(spec, "quick_args", &nargs);
	else
		args = check_param_list(spec, "args", &nargs);
	char **argv = xcalloc(nargs + 4, sizeof(*argv));
	argv[0] = (char *)python;
	argv[1] = (char *)check_param_str(spec, "harness", NULL);
	argv[2] = (char *)module;
	for (size_t i = 0; i < nargs; i++)
		argv[3 + i] = args[i];
	while (base[nbase])
		nbase++;
	char **env = xcalloc(nbase + 4, sizeof(*env));
	memcpy(env, base, nbase * sizeof(*env));
	/* The nonce travels on stdin, which the script reads before it
	 * loads the learner's code: not in the environment, where that code
	 * could read it. */
	make_nonce(nonce, sizeof(nonce) - 1);
	snprintf(prefix, sizeof(prefix), "WB1 %s ", nonce);
	nonce[strlen(nonce) + 1] = '\0';
	nonce[strlen(nonce)] = '\n';
	char *dir = path_dirname(module);
	char *cpath = xasprintf("PYTHONPATH=%s", dir);
	env[nbase] = cpath;
	env[nbase + 1] = (char *)"PYTHONDONTWRITEBYTECODE=1";
	env[nbase + 2] = (char *)"PYTHONNOUSERSITE=1";
	struct proc_opts po = {
	    .argv = argv,
	    .env = env,
	    .stdin_data = nonce,
	    .stdin_len = strlen(nonce),
	    .cwd = dir,
	    .timeout_ms =
		spec->timeout_ms ? spec->timeout_ms : HARNESS_TIMEOUT_MS,
	};
	int rc = check_exec(ctx, &po, &pr, e);
	if (rc < 0)
		goto out;
	if (pr.exec_errno) {
		err_set(e, "cannot run '%s': %s", python,
			strerror(pr.exec_errno));
		proc_result_release(&pr);
		rc = -1;
		goto out;
	}
	parse_report(r, buf_cstr(&pr.out), pr.out.len, prefix);
	keep_output(out, &pr, prefix);
	rc = 0;
	if (r->verdict < 0) {
		/* The script found a wrong result: its message says it. */
	} else if (pr.timed_out || pr.cancelled || pr.signaled ||
		   pr.exit_code != 0) {
		proc_describe(&pr, &po, how, sizeof(how));
		error_line(&pr.err, why, sizeof(why));
		out->status = VS_FAIL;
		check_set_message(out, "%s %s%s%s%s%s", path_basename(python),
				  how, r->step[0] ? " while " : "", r->step,
				  why[0] ? ": " : "", why);
		rc = 1;
	} else if (r->verdict == 0) {
		out->status = VS_FAIL;
		check_set_message(out, "the script ended without a verdict%s%s",
				  r->step[0] ? " after " : "", r->step);
		rc = 1;
	}
	proc_result_release(&pr);
out:
	free(argv);
	free(env);
	free(cpath);
	free(dir);
	return rc;
}

/* The interpreter: $WORKBOOK_PYTHON, /usr/bin/python3, python3. */
static char *python_interpreter(void)
{
	const char *env = getenv("WORKBOOK_PYTHON");

	if (env && *env)
		return proc_which(env);
	if (path_exists("/usr/bin/python3"))
		return xstrdup("/usr/bin/python3");
	return proc_which("python3");
}

/* -I for the interpreter's own headers, asked of the interpreter; NULL
 * when they are not installed (out says so) or on our failure (e set). */
static char *python_include(struct check_ctx *ctx, const char *python,
			    struct check_result *out, struct err *e)
{
	char *argv[] = {(char *)python, (char *)"-c",
			(char *)"import sysconfig; "
				"print(sysconfig.get_paths()['include'])",
			NULL};
	struct proc_opts po = {.argv = argv, .timeout_ms = 20000};
	struct proc_result pr;
	char *dir = NULL, *header, *flag = NULL;

	/* A grading run binds the build cache into its box: it must exist
	 * even before the first compile. */
	if (path_mkdirs(ctx->build->cache_dir, e) < 0 ||
	    check_exec(ctx, &po, &pr, e) < 0)
		return NULL;
	if (pr.exited && pr.exit_code == 0 && pr.out.len > 0) {
		dir = xstrdup(buf_cstr(&pr.out));
		dir[strcspn(dir, "\n")] = '\0';
	}
	proc_result_release(&pr);
	header = dir ? path_join(dir, "Python.h") : NULL;
	if (header && path_exists(header))
		flag = xasprintf("-I%s", dir);
	else
		check_set_skip(out, "python3-dev",
			       "Python.h not found for %s: the pyext check "
			       "builds a CPython extension",
			       python);
	free(header);
	free(dir);
	return flag;
}

static int valid_name(const char *s)
{
	if (!*s || isdigit((unsigned char)*s))
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return 0;
	return 1;
}

/* Build the shared object and put it where the script finds it. */
static char *build_module(struct check_ctx *ctx, const struct check_spec *spec,
			  const char *include, int ctypes,
			  struct check_result *out, struct err *e)
{
	size_t nextra;
	char **extra = check_param_list(spec, "cflags", &nextra);
	const char **flags = xcalloc(nextra + 2, sizeof(*flags));
	const char *src[] = {ctx->source, NULL};
	const char *name = check_param_str(spec, "module", "");
	struct build_result r;
	char *so, *dir = NULL, *module = NULL;
	size_t nf = 0;

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
		if (!e->msg[0]) {
			out->status = VS_FAIL;
			check_take_build(out, &r);
			check_set_message(out,
					  "the module does not compile: see "
					  "the compiler's message below");
		}
		build_result_release(&r);
		return NULL;
	}
	check_take_build(out, &r);
	build_result_release(&r);
	dir = path_join(ctx->workdir, "pyext");
	char *file = xasprintf(ctypes ? "lib%s.so" : "%s.so", name);
	module = path_join(dir, file);
	free(file);
	if (path_mkdirs(dir, e) < 0 || path_copy_file(so, module, e) < 0) {
		free(module);
		module = NULL;
	}
	free(dir);
	free(so);
	return module;
}

static void judge(const struct check_spec *spec, const struct report *r,
		  struct check_result *out)
{
	double min = check_param_num(spec, "min_speedup", 0);
	const char *what = check_param_str(spec, "baseline", "pure Python");

	if (min > 0) {
		double ratio = r->base / r->native;
		check_set_value(out, ratio, ">=", min, "x");
		out->status = ratio >= min ? VS_PASS : VS_FAIL;
		check_set_message(out,
				  "%.1fx as fast as %s (best of %ld "
				  "interleaved runs: %.3g ms against %.3g ms), "
				  "needs >= %gx%s%s",
				  ratio, what, r->runs, r->native * 1000,
				  r->base * 1000, min, r->notes[0] ? "; " : "",
				  r->notes);
		return;
	}
	out->status = VS_PASS;
	check_set_message(out, "%s%s%s",
			  r->text[0] ? r->text : "the script passed",
			  r->notes[0] ? "; " : "", r->notes);
}

static int run(struct check_ctx *ctx, const struct check_spec *spec,
	       struct check_result *out, struct err *e)
{
	double min = check_param_num(spec, "min_speedup", 0);
	const char *mode = check_param_str(spec, "mode", "extension");
	int ctypes = !strcmp(mode, "ctypes");
	struct report r = {0};
	char *python = NULL, *include = NULL, *module = NULL;
	int rc = 0;

	if (!valid_name(check_param_str(spec, "module", "")))
		return err_set(
		    e,
		    "pyext: module '%s' is not a C identifier (a lesson bug)",
		    check_param_str(spec, "module", ""));
	if (!ctypes && strcmp(mode, "extension"))
		return err_set(e,
			       "pyext: mode '%s' is neither \"extension\" nor "
			       "\"ctypes\" (a lesson bug)",
			       mode);
	if (!(python = python_interpreter())) {
		check_set_skip(out, "python3",
			       "python3 not found: the pyext check runs the "
			       "lesson's script with it");
		return 0;
	}
	if (!ctypes) {
		e->msg[0] = '\0';
		include = python_include(ctx, python, out, e);
		if (!include) {
			rc = e->msg[0] ? -1 : 0;
			goto done;
		}
	}
	module = build_module(ctx, spec, include, ctypes, out, e);
	if (!module) {
		rc = e->msg[0] ? -1 : 0;
		goto done;
	}
	for (int attempt = 0; attempt <= REMEASURES; attempt++) {
		rc = run_harness(ctx, spec, python, module, &r, out, e);
		if (rc != 0) {
			rc = rc < 0 ? -1 : 0;
			goto done;
		}
		if (r.verdict < 0) {
			out->status = VS_FAIL;
			check_set_message(out, "%s", r.text);
			goto done;
		}
		if (min <= 0)
			break;
		if (r.base <= 0 || r.native <= 0) {
			rc = err_set(e,
				     "the script '%s' reported no \"time "
				     "base\" and \"time native\" lines, which "
				     "min_speedup needs (a lesson bug)",
				     path_basename(
					 check_param_str(spec, "harness", "")));
			goto done;
		}
		/* A miss is measured again before it is reported. */
		if (r.base / r.native >= min)
			break;
	}
	judge(spec, &r, out);
done:
	free(module);
	free(include);
	free(python);
	return rc;
}

const struct check_kind check_pyext = {
    .name = "pyext",
    .stage = STAGE_VERIFY,
    .positional = NULL,
    .fields = fields,
    .summary = "builds a CPython extension (or a ctypes library) that the "
	       "lesson's script loads, checks and times",
    .run = run,
};
