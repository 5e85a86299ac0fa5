/*
 * script.c: the Lua state, its sandbox and the one protected-call wrapper.
 *
 * The sandbox, in the words of Redis's scripting engine and Lua's own
 * linit.c: open only the libraries we want, copy the safe functions into a
 * fresh environment per lesson, load text chunks only, cap memory in the
 * allocator, and count instructions in a hook that re-arms itself after the
 * budget is spent so a pcall inside the lesson cannot swallow the kill.
 */
#include "script.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "course.h"
#include "script_int.h"
#include "util/err.h"
#include "util/path.h"
#include "util/xalloc.h"
#include "verdict.h"

#define HOOK_EVERY 100       /* instructions between hook calls */
#define LESSON_FILE_MAX (1 << 20)

static const char *const safe_base[] = {
	"assert", "error", "ipairs", "next", "pairs", "pcall", "rawequal",
	"rawget", "rawlen", "rawset", "select", "setmetatable",
	"getmetatable", "tonumber", "tostring", "type", "xpcall", NULL,
};
static const char *const safe_libs[] = {"string", "table", "math", "utf8",
					NULL};

struct script *script_of(lua_State *L)
{
	void *ud;

	lua_getallocf(L, &ud);
	return ud;
}

static void *script_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct script *s = ud;

	/* When ptr is NULL, osize encodes the object type, not a size. */
	if (!ptr)
		osize = 0;
	if (nsize == 0) {
		free(ptr);
		s->mem_used -= osize;
		return NULL;
	}
	if (nsize > osize && s->mem_used - osize + nsize > s->mem_max) {
		s->mem_hit = 1;
		return NULL;
	}
	/* Allocation is work too: a loop that allocates and frees under a
	 * pcall must still run out of budget. */
	if (nsize > osize)
		s->left -= (long)((nsize - osize) / 64);
	void *q = realloc(ptr, nsize);
	if (!q)
		return NULL;
	s->mem_used = s->mem_used - osize + nsize;
	return q;
}

static void where_at(lua_State *L, int level, char *out, size_t n)
{
	lua_Debug ar;

	out[0] = '\0';
	if (lua_getstack(L, level, &ar) && lua_getinfo(L, "Sl", &ar) &&
	    ar.currentline > 0)
		snprintf(out, n, "%s:%d", ar.short_src, ar.currentline);
}

/* "20 million" for round budgets, the number otherwise. */
static void budget_words(long budget, char *out, size_t n)
{
	if (budget >= 1000000 && budget % 1000000 == 0)
		snprintf(out, n, "%ld million", budget / 1000000);
	else
		snprintf(out, n, "%ld", budget);
}

static void budget_hook(lua_State *L, lua_Debug *ar)
{
	struct script *s = script_of(L);

	/* Every new line: remember where we are, so a refused allocation
	 * (which raises without a position) can still be named. */
	if (ar->event == LUA_HOOKLINE) {
		if (!s->killed) {
			if (lua_getinfo(L, "S", ar) && ar->currentline > 0)
				snprintf(s->where, sizeof(s->where), "%s:%d",
					 ar->short_src, ar->currentline);
			return;
		}
	} else {
		where_at(L, 0, s->where, sizeof(s->where));
	}
	s->left -= HOOK_EVERY;
	if (s->left > 0 && !s->killed)
		return;
	if (!s->killed) {
		s->killed = 1;
		/* From now on raise at every instruction until C has control
		 * back: a pcall in the lesson cannot catch its way out. */
		lua_sethook(L, budget_hook, LUA_MASKCOUNT, 1);
	}
	char words[32];
	budget_words(s->budget, words, sizeof(words));
	lua_pushfstring(L, "%s: stopped: the script ran too long (more than %s instructions)",
			s->where[0] ? s->where : "?", words);
	lua_error(L);
}

/* Message handler: "file:line: message" plus a traceback. */
static int msghandler(lua_State *L)
{
	const char *msg = lua_tostring(L, 1);

	if (!msg) {
		if (luaL_callmeta(L, 1, "__tostring") &&
		    lua_type(L, -1) == LUA_TSTRING)
			return 1;
		msg = lua_pushfstring(L, "(error object is a %s value)",
				      luaL_typename(L, 1));
	}
	luaL_traceback(L, L, msg, 1);
	return 1;
}

/* Keep the first line of a message: the traceback is for --verbose. */
static void first_line(const char *msg, char *out, size_t n)
{
	size_t len = strcspn(msg, "\n");

	if (len >= n)
		len = n - 1;
	memcpy(out, msg, len);
	out[len] = '\0';
}

/*
 * The one protected call: the function and nargs arguments are on the
 * stack.  Returns 0 with nres results pushed, or -1 with e holding
 * "file:line: message" (the stack is left as it was before the function).
 */
static int script_pcall(struct script *s, int nargs, int nres, struct err *e)
{
	lua_State *L = s->L;
	int base = lua_gettop(L) - nargs;
	int status;

	lua_pushcfunction(L, msghandler);
	lua_insert(L, base);
	s->left = s->budget;
	s->killed = 0;
	s->mem_hit = 0;
	s->where[0] = '\0';
	lua_sethook(L, budget_hook, LUA_MASKCOUNT | LUA_MASKLINE, HOOK_EVERY);
	status = lua_pcall(L, nargs, nres, base);
	lua_sethook(L, NULL, 0, 0);
	lua_remove(L, base);
	if (status == LUA_OK)
		return 0;
	if (s->killed) {
		char line[ERR_MAX];
		first_line(lua_tostring(L, -1) ? lua_tostring(L, -1) : "",
			   line, sizeof(line));
		char words[32];
		budget_words(s->budget, words, sizeof(words));
		if (!strstr(line, "stopped: the script ran too long"))
			err_set(e, "%s: stopped: the script ran too long (more than %s instructions)",
				s->where[0] ? s->where : "?", words);
		else
			err_set(e, "%s", line);
	} else if (status == LUA_ERRMEM || s->mem_hit) {
		err_set(e, "%s: stopped: the script used more than %zu MiB of memory",
			s->where[0] ? s->where : (s->chunk ? s->chunk : "?"),
			s->mem_max >> 20);
	} else {
		const char *msg = lua_tostring(L, -1);
		char line[ERR_MAX];
		first_line(msg ? msg : "(no message)", line, sizeof(line));
		err_set(e, "%s", line);
	}
	lua_pop(L, 1);
	lua_gc(L, LUA_GCCOLLECT);
	return -1;
}

/* A shallow copy of the table at idx, pushed. */
static void copy_table(lua_State *L, int idx)
{
	idx = lua_absindex(L, idx);
	lua_newtable(L);
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		lua_pushvalue(L, -2);
		lua_insert(L, -2);
		lua_rawset(L, -4);
	}
}

/* string.rep with a size check, so a bomb is a clean error with a line. */
static int safe_rep(lua_State *L)
{
	struct script *s = script_of(L);
	size_t l, lsep = 0;
	luaL_checklstring(L, 1, &l);
	lua_Integer n = luaL_checkinteger(L, 2);
	luaL_optlstring(L, 3, "", &lsep);
	if (n > 0 && (l + lsep) > 0 &&
	    (lua_Unsigned)n > (lua_Unsigned)(s->mem_max / 2) / (l + lsep))
		return luaL_error(L, "stopped: the script used more than %d MiB of memory",
				  (int)(s->mem_max >> 20));
	lua_getfield(L, lua_upvalueindex(1), "rep");
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, 1);
	return 1;
}

/* Build the template environment once: safe base functions and copies of
 * the safe libraries.  Each lesson gets its own copy of this. */
static void build_base_env(lua_State *L)
{
	lua_newtable(L);
	for (int i = 0; safe_base[i]; i++) {
		lua_getglobal(L, safe_base[i]);
		lua_setfield(L, -2, safe_base[i]);
	}
	lua_pushliteral(L, LUA_VERSION);
	lua_setfield(L, -2, "_VERSION");
	for (int i = 0; safe_libs[i]; i++) {
		lua_getglobal(L, safe_libs[i]);
		copy_table(L, -1);
		lua_remove(L, -2);
		if (!strcmp(safe_libs[i], "string")) {
			lua_pushnil(L);
			lua_setfield(L, -2, "dump");
			lua_getglobal(L, "string");
			lua_pushcclosure(L, safe_rep, 1);
			lua_setfield(L, -2, "rep");
		}
		lua_setfield(L, -2, safe_libs[i]);
	}
	lua_setfield(L, LUA_REGISTRYINDEX, SCRIPT_ENV_BASE);

	/* Strings share one metatable: point its __index at the safe string
	 * table (so ("x"):rep is the checked rep too) and lock it so no lesson
	 * can change what methods on strings mean for the others. */
	lua_getfield(L, LUA_REGISTRYINDEX, SCRIPT_ENV_BASE);
	lua_getfield(L, -1, "string");
	lua_pushliteral(L, "");
	if (lua_getmetatable(L, -1)) {
		lua_pushvalue(L, -3);
		lua_setfield(L, -2, "__index");
		lua_pushboolean(L, 0);
		lua_setfield(L, -2, "__metatable");
		lua_pop(L, 1);
	}
	lua_pop(L, 3);
}

/* The verdict object's methods, written in Lua for the patterns. */
static const char verdict_methods[] =
	"local find, ipairs, type = string.find, ipairs, type\n"
	"local R = {}\n"
	"R.__index = R\n"
	"R.__metatable = false\n"
	"local function get(self, name)\n"
	"  for _, c in ipairs(self.checks) do\n"
	"    if c.name == name then return c end\n"
	"  end\n"
	"  for _, c in ipairs(self.checks) do\n"
	"    if c.kind == name then return c end\n"
	"  end\n"
	"end\n"
	"function R:check(name) return get(self, name) end\n"
	"function R:failed(name)\n"
	"  local c = get(self, name)\n"
	"  return c ~= nil and (c.status == 'fail' or c.status == 'error')\n"
	"end\n"
	"function R:passed_check(name)\n"
	"  local c = get(self, name)\n"
	"  return c ~= nil and c.status == 'pass'\n"
	"end\n"
	"function R:value(name)\n"
	"  local c = get(self, name)\n"
	"  return c and c.value\n"
	"end\n"
	"function R:diag_matches(p)\n"
	"  for _, d in ipairs(self.diags) do\n"
	"    if find(d, p) then return true end\n"
	"  end\n"
	"  return false\n"
	"end\n"
	/* Output of the checks that failed (a passing check's output says
	 * nothing about what went wrong), or of the one check named. */
	"function R:output_matches(p, name)\n"
	"  for _, c in ipairs(self.checks) do\n"
	"    local pick\n"
	"    if name then pick = c.name == name or c.kind == name\n"
	"    else pick = c.status == 'fail' or c.status == 'error' end\n"
	"    if pick and type(c.output) == 'string' and find(c.output, p) then return true end\n"
	"  end\n"
	"  return false\n"
	"end\n"
	"return R\n";

static int open_state(struct script *s, struct err *e)
{
	lua_State *L = s->L;
	static const luaL_Reg libs[] = {
		{LUA_GNAME, luaopen_base},     {LUA_STRLIBNAME, luaopen_string},
		{LUA_TABLIBNAME, luaopen_table}, {LUA_MATHLIBNAME, luaopen_math},
		{LUA_UTF8LIBNAME, luaopen_utf8}, {NULL, NULL},
	};

	for (const luaL_Reg *l = libs; l->func; l++) {
		luaL_requiref(L, l->name, l->func, 1);
		lua_pop(L, 1);
	}
	build_base_env(L);
	if (luaL_loadbufferx(L, verdict_methods, sizeof(verdict_methods) - 1,
			     "=verdict", "t") != LUA_OK ||
	    lua_pcall(L, 0, 1, 0) != LUA_OK) {
		err_set(e, "internal: %s", lua_tostring(L, -1));
		lua_pop(L, 1);
		return -1;
	}
	lua_setfield(L, LUA_REGISTRYINDEX, SCRIPT_VERDICT_MT);
	return 0;
}

struct script *script_new(struct err *e)
{
	struct script *s = xcalloc(1, sizeof(*s));

	s->mem_max = SCRIPT_MEM_MAX;
	s->budget = SCRIPT_LOAD_BUDGET;
	s->L = lua_newstate(script_alloc, s);
	if (!s->L) {
		free(s);
		err_set(e, "cannot start Lua");
		return NULL;
	}
	if (open_state(s, e) < 0) {
		script_free(s);
		return NULL;
	}
	return s;
}

void script_free(struct script *s)
{
	if (!s)
		return;
	if (s->L)
		lua_close(s->L);
	free(s);
}

void script_set_limits(struct script *s, size_t mem_max, long budget)
{
	if (mem_max)
		s->mem_max = mem_max;
	if (budget)
		s->budget = budget;
}

size_t script_memory(const struct script *s)
{
	return s->mem_used;
}

/* Push a fresh lesson environment: the safe base plus the DSL. */
static void push_env(lua_State *L)
{
	lua_getfield(L, LUA_REGISTRYINDEX, SCRIPT_ENV_BASE);
	copy_table(L, -1);
	lua_remove(L, -2);
	/* Library tables are copied again so one lesson cannot change
	 * another's string or table functions. */
	for (int i = 0; safe_libs[i]; i++) {
		lua_getfield(L, -1, safe_libs[i]);
		copy_table(L, -1);
		lua_setfield(L, -3, safe_libs[i]);
		lua_pop(L, 1);
	}
	script_api_open(L);
}

/* Run one text chunk; `rel` names it in messages. */
static int run_text(struct script *s, const char *rel, const char *text,
		    size_t len, struct err *e)
{
	lua_State *L = s->L;
	char *name = xasprintf("@%s", rel);
	int rc = -1;

	if (len >= 4 && !memcmp(text, LUA_SIGNATURE, 4)) {
		err_set(e, "%s: precompiled Lua is not accepted, only text",
			rel);
		goto out;
	}
	s->chunk = rel;
	if (luaL_loadbufferx(L, text, len, name, "t") != LUA_OK) {
		const char *msg = lua_tostring(L, -1);
		/* Syntax errors carry "file:line:"; a refused binary chunk does
		 * not: name the file then (found by fuzz_lesson). */
		if (msg && !strncmp(msg, rel, strlen(rel)))
			err_set(e, "%s", msg);
		else
			err_set(e, "%s: %s", rel, msg ? msg : "cannot load");
		lua_pop(L, 1);
		goto out;
	}
	push_env(L);
	if (!lua_setupvalue(L, -2, 1))
		lua_pop(L, 1);
	rc = script_pcall(s, 0, 0, e);
out:
	s->chunk = NULL;
	free(name);
	return rc;
}

/* Load and run one text chunk from the course (path relative to root). */
static int run_file(struct script *s, const char *rel, struct err *e)
{
	char *path = path_join(s->course->root, rel);
	size_t len;
	char *text = path_read_file(path, LESSON_FILE_MAX, &len, e);
	int rc;

	free(path);
	if (!text)
		return -1;
	rc = run_text(s, rel, text, len, e);
	free(text);
	return rc;
}

/* Prepare the section a lesson fills, then run the lesson through `load`. */
static int load_lesson(struct script *s, struct course *c, const char *id,
		       const char *workspace, const char *text, size_t len,
		       struct err *e)
{
	struct section *sec = course_find_section(c, id);
	char *rel = xasprintf("lessons/%s/lesson.lua", id);
	char *lessons = path_join(c->root, "lessons");
	int rc;

	if (!sec)
		sec = course_add_section(c, id);
	free(sec->dir);
	sec->dir = path_join(lessons, id);
	free(lessons);
	s->course = c;
	s->section = sec;
	s->workspace = workspace;
	s->lesson_seen = 0;
	rc = text ? run_text(s, rel, text, len, e) : run_file(s, rel, e);
	if (rc == 0 && !s->lesson_seen)
		rc = err_set(e, "%s: no lesson { ... } in this file", rel);
	if (rc < 0) {
		section_clear(sec);
		free(sec->error);
		sec->error = xstrdup(e->msg);
	}
	s->section = NULL;
	free(rel);
	return rc;
}

int script_load_lesson_text(struct script *s, struct course *c,
			    const char *id, const char *text, size_t len,
			    const char *workspace, struct err *e)
{
	return load_lesson(s, c, id, workspace, text, len, e);
}

int script_load_lesson(struct script *s, struct course *c, const char *id,
		       const char *workspace, struct err *e)
{
	return load_lesson(s, c, id, workspace, NULL, 0, e);
}

static void check_needs(struct course *c)
{
	for (size_t i = 0; i < c->nsections; i++) {
		struct section *sec = &c->sections[i];
		for (size_t j = 0; j < sec->nneeds && !sec->error; j++)
			if (!course_find_section(c, sec->needs[j]))
				sec->error = xasprintf(
					"%s: needs unknown section '%s'",
					sec->where ? sec->where : sec->id,
					sec->needs[j]);
	}
}

int script_load_course(struct script *s, struct course *c,
		       const char *workspace, struct err *e)
{
	return script_load_course_some(s, c, workspace, NULL, NULL, e);
}

int script_load_course_some(struct script *s, struct course *c,
			    const char *workspace,
			    int (*want)(const char *id, void *arg), void *arg,
			    struct err *e)
{
	struct err le;

	s->course = c;
	s->section = NULL;
	s->workspace = workspace;
	s->course_seen = 0;
	if (run_file(s, "lessons/course.lua", e) < 0 ||
	    (!s->course_seen &&
	     err_set(e, "lessons/course.lua: no course { ... } in this file"))) {
		free(c->error);
		c->error = xstrdup(e->msg);
		return -1;
	}
	/* course{} created the sections in order; load each lesson. */
	for (size_t i = 0; i < c->nsections; i++) {
		if (want && !want(c->sections[i].id, arg))
			continue;
		char *id = xstrdup(c->sections[i].id);
		err_clear(&le);
		script_load_lesson(s, c, id, workspace, &le);
		free(id);
	}
	check_needs(c);
	return 0;
}

/* --- callbacks ---------------------------------------------------------- */

static void push_str_or_nil(lua_State *L, const char *s)
{
	if (s)
		lua_pushstring(L, s);
	else
		lua_pushnil(L);
}

static void push_check(lua_State *L, const struct check_result *c)
{
	lua_createtable(L, 0, 8);
	lua_pushstring(L, c->name);
	lua_setfield(L, -2, "name");
	lua_pushstring(L, c->kind);
	lua_setfield(L, -2, "kind");
	lua_pushstring(L, vstatus_name(c->status));
	lua_setfield(L, -2, "status");
	push_str_or_nil(L, c->message);
	lua_setfield(L, -2, "message");
	push_str_or_nil(L, c->output);
	lua_setfield(L, -2, "output");
	if (c->has_value) {
		lua_pushnumber(L, c->value);
		lua_setfield(L, -2, "value");
		lua_pushnumber(L, c->threshold);
		lua_setfield(L, -2, "threshold");
	}
}

/* Diagnostics and failing sub-tests as searchable strings. */
static void push_diags(lua_State *L, const struct exercise_result *x)
{
	int n = 0;

	lua_newtable(L);
	for (size_t i = 0; i < x->nchecks; i++) {
		const struct check_result *c = &x->checks[i];
		for (size_t j = 0; j < c->diags.n; j++) {
			const struct diag *d = &c->diags.v[j];
			lua_pushfstring(L, "%s: %s: %s [%s] %s:%d",
					d->tool ? d->tool : "",
					d->severity ? d->severity : "",
					d->message ? d->message : "",
					d->option ? d->option : "",
					d->file ? d->file : "", d->line);
			lua_rawseti(L, -2, ++n);
		}
		for (size_t j = 0; j < c->nsubtests; j++) {
			if (c->subtests[j].passed)
				continue;
			lua_pushfstring(L, "test failed: %s: %s",
					c->subtests[j].name,
					c->subtests[j].message
						? c->subtests[j].message
						: "");
			lua_rawseti(L, -2, ++n);
		}
	}
}

static void push_verdict(lua_State *L, const struct exercise_result *x)
{
	lua_createtable(L, 0, 8);
	lua_pushstring(L, x->name);
	lua_setfield(L, -2, "exercise");
	lua_pushboolean(L, x->status == VS_PASS);
	lua_setfield(L, -2, "passed");
	push_str_or_nil(L, x->stage);
	lua_setfield(L, -2, "stage");
	lua_pushinteger(L, x->attempts);
	lua_setfield(L, -2, "attempts");
	lua_pushnumber(L, x->score);
	lua_setfield(L, -2, "score");
	lua_createtable(L, (int)x->nchecks, 0);
	for (size_t i = 0; i < x->nchecks; i++) {
		push_check(L, &x->checks[i]);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "checks");
	push_diags(L, x);
	lua_setfield(L, -2, "diags");
	lua_getfield(L, LUA_REGISTRYINDEX, SCRIPT_VERDICT_MT);
	lua_setmetatable(L, -2);
}

void script_feedback_release(struct script_feedback *f)
{
	for (size_t i = 0; i < f->nlines; i++)
		free(f->lines[i]);
	free(f->lines);
	free(f->hint);
	free(f->go);
	free(f->error);
	memset(f, 0, sizeof(*f));
}

/* The value on top is a callback's result: copy a feedback{} into f. */
static void take_feedback(lua_State *L, struct script_feedback *f)
{
	if (!script_api_is_feedback(L, -1))
		return;
	for (lua_Integer i = 1;; i++) {
		if (lua_rawgeti(L, -1, i) != LUA_TSTRING) {
			lua_pop(L, 1);
			break;
		}
		f->lines = xrealloc(f->lines,
				    (f->nlines + 1) * sizeof(*f->lines));
		f->lines[f->nlines++] = xstrdup(lua_tostring(L, -1));
		lua_pop(L, 1);
	}
	if (lua_getfield(L, -1, "hint") == LUA_TSTRING)
		f->hint = xstrdup(lua_tostring(L, -1));
	lua_pop(L, 1);
	if (lua_getfield(L, -1, "go") == LUA_TSTRING)
		f->go = xstrdup(lua_tostring(L, -1));
	lua_pop(L, 1);
}

static void call_callback(struct script *s, int ref, int nargs,
			  struct script_feedback *f)
{
	lua_State *L = s->L;
	struct err e;
	long saved = s->budget;

	lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
	lua_insert(L, -1 - nargs);
	s->budget = SCRIPT_CALL_BUDGET < saved ? SCRIPT_CALL_BUDGET : saved;
	if (script_pcall(s, nargs, 1, &e) < 0) {
		s->budget = saved;
		f->error = xstrdup(e.msg);
		return;
	}
	s->budget = saved;
	take_feedback(L, f);
	lua_pop(L, 1);
}

void script_on_result(struct script *s, const struct exercise *ex,
		      struct exercise_result *x)
{
	struct script_feedback f = {0};

	if (!ex->on_result)
		return;
	push_verdict(s->L, x);
	call_callback(s, ex->on_result, 1, &f);
	for (size_t i = 0; i < f.nlines; i++)
		exercise_add_feedback(x, f.lines[i]);
	if (f.hint) {
		free(x->feedback_hint);
		x->feedback_hint = xstrdup(f.hint);
	}
	if (f.error) {
		free(x->feedback_error);
		x->feedback_error = xstrdup(f.error);
	}
	script_feedback_release(&f);
}

void script_on_answer(struct script *s, const struct quiz *q, int choice,
		      int correct, int first, struct script_feedback *f)
{
	lua_State *L = s->L;

	memset(f, 0, sizeof(*f));
	if (!q->on_answer)
		return;
	lua_createtable(L, 0, 4);
	lua_pushinteger(L, choice);
	lua_setfield(L, -2, "choice");
	lua_pushboolean(L, correct);
	lua_setfield(L, -2, "correct");
	lua_pushboolean(L, first);
	lua_setfield(L, -2, "first");
	lua_pushstring(L, q->name);
	lua_setfield(L, -2, "quiz");
	call_callback(s, q->on_answer, 1, f);
}
