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
 * results against a pure-Python version, times both and reports what it
 * found (harness_script.h, docs/checks/script-harness.md).  With
 * min_speedup the check holds the ratio best base time / best native time
 * to its threshold, running the script again before it reports a miss.
 *
 * The interpreter is $WORKBOOK_PYTHON, else /usr/bin/python3 (the one
 * python3-dev's headers belong to), else python3 on PATH; it names its own
 * header folder through sysconfig.
 */
#define _GNU_SOURCE
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "harness_script.h"
#include "util/err.h"
#include "util/path.h"
#include "util/xalloc.h"

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

/* Build the module where import finds it, and run the script on it. */
static int run_script(struct check_ctx *ctx, const struct check_spec *spec,
		      const char *python, const char *include, int ctypes,
		      struct check_result *out, struct err *e)
{
	char *dir = path_join(ctx->workdir, "pyext");
	char *module = xasprintf(ctypes ? "%s/lib%s.so" : "%s/%s.so", dir,
				 check_param_str(spec, "module", ""));
	char *path = xasprintf("PYTHONPATH=%s", dir);
	const char *env[] = {path, "PYTHONDONTWRITEBYTECODE=1",
			     "PYTHONNOUSERSITE=1", NULL};
	struct harness_script_opts o = {
	    .interpreter = python,
	    .noun = "script",
	    .module = module,
	    .env = env,
	    .cwd = dir,
	    .baseline = "pure Python",
	    .ratio_digits = 1,
	    .passed = "the script passed",
	};
	int rc = harness_script_check_so(ctx, spec, include, &o, out, e);

	free(path);
	free(module);
	free(dir);
	return rc;
}

static int run(struct check_ctx *ctx, const struct check_spec *spec,
	       struct check_result *out, struct err *e)
{
	const char *mode = check_param_str(spec, "mode", "extension");
	int ctypes = !strcmp(mode, "ctypes");
	char *python, *include = NULL;
	int rc = 0;

	if (harness_script_check_name(spec, e) < 0)
		return -1;
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
		if (!include)
			rc = e->msg[0] ? -1 : 0;
	}
	if (ctypes || include)
		rc = run_script(ctx, spec, python, include, ctypes, out, e);
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
