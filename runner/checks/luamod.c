/*
 * luamod { module = "fuzzy", harness = "fuzzy_harness.lua", min_speedup = 5 }
 *
 * Builds the learner's file as a Lua 5.4 C module (a shared object that
 * defines luaopen_<module>) and runs the lesson's Lua script on it under
 * the system interpreter, a process of its own (not workbook's sandboxed
 * lesson state):
 *
 *     LUA_CPATH="<dir>/?.so;;" lua5.4 HARNESS <dir>/<module>.so ARGS...
 *
 * so that the script loads the module with require "<module>".  The script
 * checks the module's results against a pure-Lua version, times both and
 * reports what it found (harness_script.h, docs/checks/script-harness.md).
 * With min_speedup the check holds the ratio best base time / best native
 * time to its threshold, running the script again before it reports a
 * miss.
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
     "the module's name: require \"NAME\" calls luaopen_NAME"},
    {"harness", PARAM_FILE, 1, "the Lua script beside lesson.lua"},
    {"min_speedup", PARAM_NUM, 0,
     "the ratio base time / module time the script must measure"},
    {"baseline", PARAM_STR, 0,
     "what the base time measures (default \"pure Lua\")"},
    {"args", PARAM_LIST, 0, "arguments for the script after the module"},
    {"quick_args", PARAM_LIST, 0,
     "the arguments in quick runs (dev check, tests)"},
    {"werror", PARAM_BOOL, 0, "treat warnings as errors"},
    {"cflags", PARAM_LIST, 0, "extra gcc flags (default -O2)"},
    {NULL, 0, 0, NULL},
};

/* -I for the Lua 5.4 headers, or NULL when they are not installed. */
static char *lua_include(void)
{
	static const char *const dirs[] = {
	    "/usr/include/lua5.4",
	    "/usr/local/include/lua5.4",
	    "/usr/local/include",
	    "/usr/include",
	    NULL,
	};

	for (size_t i = 0; dirs[i]; i++) {
		char *h = path_join(dirs[i], "lua.h");
		struct err e;
		size_t len;
		char *text = path_read_file(h, (size_t)1 << 20, &len, &e);
		free(h);
		/* The header of another Lua version would not do. */
		if (text && strstr(text, "LUA_VERSION_MINOR\t\"4\"") &&
		    strstr(text, "LUA_VERSION_MAJOR\t\"5\"")) {
			free(text);
			return xasprintf("-I%s", dirs[i]);
		}
		free(text);
	}
	return NULL;
}

/* The Lua 5.4 interpreter: $WORKBOOK_LUA, else lua5.4 on PATH. */
static char *lua_interpreter(void)
{
	const char *env = getenv("WORKBOOK_LUA");

	if (env && *env)
		return proc_which(env);
	return proc_which("lua5.4");
}

/* Build the module where require finds it, and run the script on it. */
static int run_script(struct check_ctx *ctx, const struct check_spec *spec,
		      const char *lua, const char *include,
		      struct check_result *out, struct err *e)
{
	char *dir = path_join(ctx->workdir, "luamod");
	char *module =
	    xasprintf("%s/%s.so", dir, check_param_str(spec, "module", ""));
	char *cpath = xasprintf("LUA_CPATH=%s/?.so;;", dir);
	const char *env[] = {cpath, NULL};
	struct harness_script_opts o = {
	    .interpreter = lua,
	    .noun = "script",
	    .module = module,
	    .env = env,
	    .cwd = dir,
	    .baseline = "pure Lua",
	    .ratio_digits = 1,
	    .passed = "the script passed",
	};
	int rc = harness_script_check_so(ctx, spec, include, &o, out, e);

	free(cpath);
	free(module);
	free(dir);
	return rc;
}

static int run(struct check_ctx *ctx, const struct check_spec *spec,
	       struct check_result *out, struct err *e)
{
	char *lua, *include;
	int rc = 0;

	if (harness_script_check_name(spec, e) < 0)
		return -1;
	if (!(include = lua_include())) {
		check_set_skip(out, "liblua5.4-dev",
			       "Lua 5.4 headers (lua.h) not found: the luamod "
			       "check builds a Lua C module");
		return 0;
	}
	if (!(lua = lua_interpreter()))
		check_set_skip(out, "lua5.4",
			       "lua5.4 not found: the luamod check runs the "
			       "lesson's script with it");
	else
		rc = run_script(ctx, spec, lua, include, out, e);
	free(include);
	free(lua);
	return rc;
}

const struct check_kind check_luamod = {
    .name = "luamod",
    .stage = STAGE_VERIFY,
    .positional = NULL,
    .fields = fields,
    .summary = "builds a Lua 5.4 C module that the lesson's script loads, "
	       "checks and times",
    .run = run,
};
