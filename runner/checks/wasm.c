/*
 * wasm { exports = { "blur" }, harness = "blur_harness.mjs",
 *        max_size = 51200, min_speedup = 3 }
 *
 * Builds the learner's file for WebAssembly with clang (--target=wasm32
 * -nostdlib, no entry point, the named functions exported) and runs the
 * lesson's node harness on the module:
 *
 *     node HARNESS MODULE.wasm ARGS...
 *
 * The harness compares the module's results with its own reference and
 * reports what it found (harness_script.h, docs/checks/script-harness.md).
 * The check then holds the module to its byte budget and, with
 * min_speedup, the measured ratio (best base time / best native time) to
 * its threshold, running the harness again before it reports a miss.
 */
#define _GNU_SOURCE
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "build.h"
#include "harness_script.h"
#include "util/err.h"
#include "util/xalloc.h"

static const struct check_field fields[] = {
    {"exports", PARAM_LIST, 1, "the functions the module exports"},
    {"harness", PARAM_FILE, 1, "the node script beside lesson.lua"},
    {"max_size", PARAM_INT, 0, "the module's byte budget (default: none)"},
    {"min_speedup", PARAM_NUM, 0,
     "the ratio base time / module time the harness must measure"},
    {"baseline", PARAM_STR, 0,
     "what the base time measures (default \"plain JavaScript\")"},
    {"args", PARAM_LIST, 0, "arguments for the harness after the module"},
    {"quick_args", PARAM_LIST, 0,
     "the arguments in quick runs (dev check, tests)"},
    {"werror", PARAM_BOOL, 0, "treat warnings as errors"},
    {"cflags", PARAM_LIST, 0, "extra clang flags (default -O2)"},
    {NULL, 0, 0, NULL},
};

/* Build the module: clang for wasm32, no C library, no entry point. */
static char *build_module(struct check_ctx *ctx, const struct check_spec *spec,
			  struct check_result *out, struct err *e)
{
	size_t nexp, nextra, nf = 0;
	char **exports = check_param_list(spec, "exports", &nexp);
	char **extra = check_param_list(spec, "cflags", &nextra);
	char **flags = xcalloc(nexp + nextra + 9, sizeof(*flags));
	const char *src[] = {ctx->source, NULL};
	struct build_result r;
	char *module;

	flags[nf++] = xstrdup("--target=wasm32");
	flags[nf++] = xstrdup("-nostdlib");
	flags[nf++] = xstrdup("-Wl,--no-entry");
	/* The build's common flags are gcc's; clang may not know them all. */
	flags[nf++] = xstrdup("-Wno-unknown-warning-option");
	/* The harness places its buffers above the module's own data. */
	flags[nf++] = xstrdup("-Wl,--export=__heap_base");
	for (size_t i = 0; i < nexp; i++)
		flags[nf++] = xasprintf("-Wl,--export=%s", exports[i]);
	for (size_t i = 0; i < nextra; i++)
		flags[nf++] = xstrdup(extra[i]);
	struct build_job j = {
	    .compiler = ctx->build->clang,
	    .sources = src,
	    .link = 1,
	    .std = "c11",
	    .warnings = 1,
	    .werror = check_param_bool(spec, "werror", 0),
	    .opt = "-O2",
	    .cflags = (const char *const *)flags,
	};
	e->msg[0] = '\0';
	module = build_cached_object(ctx->build, &j, &r, e);
	if (!module && !e->msg[0]) {
		out->status = VS_FAIL;
		check_take_build(out, &r);
		if (strstr(buf_cstr(&r.log), "No available targets") ||
		    strstr(buf_cstr(&r.log), "unable to create target"))
			check_set_skip(out, "clang",
				       "this clang cannot build for wasm32");
		else if (strstr(buf_cstr(&r.log), "wasm-ld"))
			check_set_message(out, "the module does not link: see "
					       "the linker's message below");
		else
			check_set_message(
			    out, "the file does not compile for wasm32: see "
				 "the compiler's message below");
	}
	build_result_release(&r);
	for (size_t i = 0; i < nf; i++)
		free(flags[i]);
	free(flags);
	return module;
}

/* Skip with the package to install when a tool is missing; 1 if so. */
static int missing_tools(struct check_ctx *ctx, char **node,
			 struct check_result *out)
{
	char *ld = proc_which("wasm-ld");
	int missing = 1;

	*node = NULL;
	if (!ctx->build->clang) {
		check_set_skip(out, "clang",
			       "clang not found: the wasm check builds with "
			       "clang --target=wasm32");
	} else if (!ld) {
		check_set_skip(
		    out, "lld",
		    "wasm-ld not found: clang needs it to link WebAssembly");
	} else if (!(*node = proc_which("node")) &&
		   !(*node = proc_which("nodejs"))) {
		check_set_skip(
		    out, "nodejs",
		    "node not found: the wasm check runs the module in node");
	} else {
		missing = 0;
	}
	free(ld);
	return missing;
}

/* The verdict once the harness said ok: size budget, then speed. */
static void judge(const struct check_spec *spec,
		  const struct harness_script_opts *o,
		  const struct harness_script_report *r, long long size,
		  struct check_result *out)
{
	long long max = check_param_int(spec, "max_size", 0);
	double min = check_param_num(spec, "min_speedup", 0);
	char sizes[128];

	if (max > 0)
		snprintf(sizes, sizeof(sizes),
			 "module %lld bytes (budget %lld)", size, max);
	else
		snprintf(sizes, sizeof(sizes), "module %lld bytes", size);
	if (max > 0 && size > max) {
		out->status = VS_FAIL;
		check_set_value(out, (double)size, "<=", (double)max, "bytes");
		check_set_message(
		    out, "the module is %lld bytes, over its budget of %lld",
		    size, max);
		return;
	}
	if (min <= 0 && max > 0)
		check_set_value(out, (double)size, "<=", (double)max, "bytes");
	harness_script_judge(spec, o, r, sizes, out);
}

static int run(struct check_ctx *ctx, const struct check_spec *spec,
	       struct check_result *out, struct err *e)
{
	struct harness_script_report r = {0};
	struct harness_script_opts o = {
	    .label = "node",
	    .noun = "harness",
	    .shown = check_param_str(spec, "harness", ""),
	    .baseline = "plain JavaScript",
	    .ratio_digits = 2,
	};
	struct stat st;
	char *node, *module;
	int rc;

	if (missing_tools(ctx, &node, out))
		return 0;
	module = build_module(ctx, spec, out, e);
	if (!module) {
		free(node);
		return e->msg[0] ? -1 : 0;
	}
	o.interpreter = node;
	o.module = module;
	if (stat(module, &st) < 0)
		rc = err_errno(e, "cannot read '%s'", module);
	else
		rc = harness_script_measure(ctx, spec, &o, &r, out, e);
	if (rc == 1) {
		judge(spec, &o, &r, (long long)st.st_size, out);
		rc = 0;
	}
	free(module);
	free(node);
	return rc;
}

const struct check_kind check_wasm = {
    .name = "wasm",
    .stage = STAGE_VERIFY,
    .positional = NULL,
    .fields = fields,
    .summary =
	"builds for wasm32 with clang and passes the lesson's node harness",
    .run = run,
};
