/*
 * script_api.c: the lesson DSL (DESIGN.md, "The course on disk").
 *
 *   course { title = ..., sections = { ... } }
 *   lesson { id = ..., title = ..., needs = {...}, page "x.md", quiz {...},
 *            exercise {...} }
 *   quiz { id, ask, choices, answer, explain, on_answer }
 *   exercise { id, title, summary, file, solution, points, checks, hints,
 *              on_result }
 *   <check kind> { ... }     one constructor per entry of the check table
 *   feedback { "line", ..., hint = "...", go = "reading.md" }
 *
 * Constructors validate their fields when called, so an error names the
 * line it was made on: "lessons/memory/lesson.lua:14: unknown field
 * 'anwser' in quiz (did you mean 'answer'?)".  Each returns a tagged table
 * (its metatable is private and locked); lesson{} checks what it was given
 * and only then copies it into the C course model, so a raised error never
 * leaves C memory behind.
 */
#include "script_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "check.h"
#include "course.h"
#include "util/err.h"
#include "util/path.h"
#include "util/xalloc.h"

#define TAG_PAGE "wb.page"
#define TAG_QUIZ "wb.quiz"
#define TAG_EXERCISE "wb.exercise"
#define TAG_CHECK "wb.check"
#define TAG_FEEDBACK "wb.feedback"
#define WHERE_KEY "\1where" /* a key no lesson can write by accident */

struct field {
	const char *name;
	int type; /* LUA_TSTRING, LUA_TNUMBER, ... or FIELD_LIST, FIELD_INT */
	int required;
};
#define FIELD_LIST 100 /* a table of strings */
#define FIELD_INT 101  /* an integer number */
#define FIELD_FUNC LUA_TFUNCTION
#define FIELD_TABLE LUA_TTABLE

static const struct field course_fields[] = {
	{"title", LUA_TSTRING, 1},
	{"sections", FIELD_LIST, 1},
	{NULL, 0, 0},
};
static const struct field lesson_fields[] = {
	{"id", LUA_TSTRING, 1},     {"title", LUA_TSTRING, 1},
	{"needs", FIELD_LIST, 0},   {"summary", LUA_TSTRING, 0},
	{NULL, 0, 0},
};
static const struct field quiz_fields[] = {
	{"id", LUA_TSTRING, 1},       {"ask", LUA_TSTRING, 1},
	{"choices", FIELD_LIST, 1},   {"answer", FIELD_INT, 1},
	{"explain", LUA_TSTRING, 0},  {"on_answer", FIELD_FUNC, 0},
	{NULL, 0, 0},
};
static const struct field exercise_fields[] = {
	{"id", LUA_TSTRING, 1},        {"title", LUA_TSTRING, 0},
	{"summary", LUA_TSTRING, 0},   {"file", LUA_TSTRING, 1},
	{"solution", LUA_TSTRING, 1},  {"points", FIELD_INT, 0},
	{"checks", FIELD_TABLE, 1},    {"hints", FIELD_LIST, 1},
	{"on_result", FIELD_FUNC, 0},  {NULL, 0, 0},
};
static const struct field feedback_fields[] = {
	{"hint", LUA_TSTRING, 0},
	{"go", LUA_TSTRING, 0},
	{NULL, 0, 0},
};
/* Fields every check accepts besides its kind's own. */
static const struct check_field common_check_fields[] = {
	{"name", PARAM_STR, 0, "a name for reports (default: the kind)"},
	{"hidden", PARAM_BOOL, 0, "kept out of the student copy"},
	{"optional", PARAM_BOOL, 0,
	 "when its tool is missing the exercise can still pass"},
	{"points", PARAM_NUM, 0, "partial credit for this check"},
	{"timeout", PARAM_NUM, 0, "seconds before the run is killed"},
	{NULL, 0, 0, NULL},
};

/* --- helpers ------------------------------------------------------------ */

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t row[64];

	if (la >= 63 || lb >= 63)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t prev = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cur = row[j];
			size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
			size_t best = prev + cost;
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = cur;
		}
	}
	return row[lb];
}

/* " (did you mean 'x'?)" for the closest name, or "". */
static void suggest(const char *bad, const char *const *names, size_t n,
		    char *out, size_t outn)
{
	size_t best = 99;
	const char *pick = NULL;

	for (size_t i = 0; i < n; i++) {
		size_t d = edit_distance(bad, names[i]);
		if (d < best) {
			best = d;
			pick = names[i];
		}
	}
	out[0] = '\0';
	if (pick && best <= 2 && best < strlen(bad))
		snprintf(out, outn, " (did you mean '%s'?)", pick);
}

static const char *type_word(int type)
{
	switch (type) {
	case FIELD_LIST:
		return "a list of strings";
	case FIELD_INT:
		return "a whole number";
	case FIELD_FUNC:
		return "a function";
	case FIELD_TABLE:
		return "a table";
	case LUA_TBOOLEAN:
		return "true or false";
	case LUA_TNUMBER:
		return "a number";
	default:
		return "a string";
	}
}

static int is_string_list(lua_State *L, int idx)
{
	lua_Integer n;

	if (lua_type(L, idx) != LUA_TTABLE)
		return 0;
	n = (lua_Integer)lua_rawlen(L, idx);
	for (lua_Integer i = 1; i <= n; i++) {
		int t = lua_rawgeti(L, idx, i);
		lua_pop(L, 1);
		if (t != LUA_TSTRING)
			return 0;
	}
	/* No holes and no other keys than 1..n besides named ones. */
	return 1;
}

/* Numbers in lessons are small: answers, points, exit codes, seconds,
 * thresholds.  Refusing the rest keeps every later conversion defined
 * (fuzz_lesson found 13333333333333333333 as an answer). */
#define NUMBER_MAX 1e9

static int number_fits(lua_State *L, int idx, int whole)
{
	if (lua_type(L, idx) != LUA_TNUMBER)
		return 0;
	if (whole) {
		int isint;
		lua_Integer v = lua_tointegerx(L, idx, &isint);
		return isint && v >= -(lua_Integer)NUMBER_MAX &&
		       v <= (lua_Integer)NUMBER_MAX;
	}
	lua_Number n = lua_tonumber(L, idx);
	return n >= -NUMBER_MAX && n <= NUMBER_MAX; /* false for NaN */
}

static int value_fits(lua_State *L, int idx, int type)
{
	switch (type) {
	case FIELD_LIST:
		return is_string_list(L, idx);
	case FIELD_INT:
		return number_fits(L, idx, 1);
	default:
		return lua_type(L, idx) == type;
	}
}

/*
 * Check the table at idx: every string key is a known field of the right
 * type, required fields are present; integer keys only when allow_array.
 */
static void validate(lua_State *L, int idx, const char *what,
		     const struct field *fields, int allow_array)
{
	const char *names[32];
	size_t n = 0;

	idx = lua_absindex(L, idx);
	for (const struct field *f = fields; f->name && n < 32; f++)
		names[n++] = f->name;
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		if (lua_type(L, -2) == LUA_TNUMBER && allow_array) {
			lua_pop(L, 1);
			continue;
		}
		if (lua_type(L, -2) != LUA_TSTRING)
			luaL_error(L, "%s takes named fields only, like { id = \"x\" }",
				   what);
		const char *key = lua_tostring(L, -2);
		const struct field *f = fields;
		while (f->name && strcmp(f->name, key))
			f++;
		if (!f->name) {
			char hint[128];
			suggest(key, names, n, hint, sizeof(hint));
			luaL_error(L, "unknown field '%s' in %s%s", key, what,
				   hint);
		}
		if (f->type == FIELD_INT && lua_type(L, -1) == LUA_TNUMBER &&
		    lua_isinteger(L, -1) && !value_fits(L, -1, f->type))
			luaL_error(L, "field '%s' in %s is out of range (a billion at most)",
				   key, what);
		if (!value_fits(L, -1, f->type))
			luaL_error(L, "field '%s' in %s must be %s, not %s",
				   key, what, type_word(f->type),
				   luaL_typename(L, -1));
		lua_pop(L, 1);
	}
	for (const struct field *f = fields; f->name; f++) {
		if (!f->required)
			continue;
		if (lua_getfield(L, idx, f->name) == LUA_TNIL)
			luaL_error(L, "%s needs a field '%s'", what, f->name);
		lua_pop(L, 1);
	}
}

static void check_id(lua_State *L, const char *id, const char *what)
{
	if (!*id)
		luaL_error(L, "%s id must not be empty", what);
	for (const char *p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '_' || *p == '-'))
			luaL_error(L, "%s id '%s' may hold only a-z, 0-9, '_' and '-'",
				   what, id);
}

/* Where the running constructor was called: "file:line". */
static void push_where(lua_State *L)
{
	luaL_where(L, 1);
	size_t len;
	const char *w = lua_tolstring(L, -1, &len);
	if (len >= 2 && w[len - 2] == ':' && w[len - 1] == ' ')
		len -= 2;
	lua_pushlstring(L, w, len);
	lua_remove(L, -2);
}

/* Copy the table at idx into a new tagged table and return it. */
static int make_tagged(lua_State *L, int idx, const char *tag)
{
	idx = lua_absindex(L, idx);
	lua_newtable(L);
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		lua_pushvalue(L, -2);
		lua_insert(L, -2);
		lua_rawset(L, -4);
	}
	push_where(L);
	lua_setfield(L, -2, WHERE_KEY);
	luaL_setmetatable(L, tag);
	return 1;
}

static int is_tagged(lua_State *L, int idx, const char *tag)
{
	int yes;

	if (lua_type(L, idx) != LUA_TTABLE || !lua_getmetatable(L, idx))
		return 0;
	luaL_getmetatable(L, tag);
	yes = lua_rawequal(L, -1, -2);
	lua_pop(L, 2);
	return yes;
}

int script_api_is_feedback(lua_State *L, int idx)
{
	return is_tagged(L, idx, TAG_FEEDBACK);
}

/* The tagged item's "file:line" (borrowed from the Lua stack's table). */
static const char *where_of(lua_State *L, int idx)
{
	const char *w;

	lua_getfield(L, idx, WHERE_KEY);
	w = lua_tostring(L, -1);
	lua_pop(L, 1); /* the table keeps the string alive */
	return w ? w : "?";
}

static char *field_dup(lua_State *L, int idx, const char *key)
{
	char *s = NULL;

	if (lua_getfield(L, idx, key) == LUA_TSTRING)
		s = xstrdup(lua_tostring(L, -1));
	lua_pop(L, 1);
	return s;
}

static char **list_dup(lua_State *L, int idx, const char *key, size_t *n)
{
	char **v = NULL;

	*n = 0;
	if (lua_getfield(L, idx, key) == LUA_TTABLE) {
		size_t len = lua_rawlen(L, -1);
		v = xcalloc(len + 1, sizeof(*v));
		for (size_t i = 0; i < len; i++) {
			lua_rawgeti(L, -1, (lua_Integer)i + 1);
			v[i] = xstrdup(lua_tostring(L, -1));
			lua_pop(L, 1);
		}
		*n = len;
	}
	lua_pop(L, 1);
	return v;
}

/* --- course and simple constructors ------------------------------------ */

static int l_course(lua_State *L)
{
	struct script *s = script_of(L);
	struct course *c = s->course;

	luaL_checktype(L, 1, LUA_TTABLE);
	if (s->section)
		return luaL_error(L, "course{} belongs in lessons/course.lua");
	if (s->course_seen)
		return luaL_error(L, "course{} given twice");
	validate(L, 1, "course", course_fields, 0);
	lua_getfield(L, 1, "sections");
	size_t n = lua_rawlen(L, -1);
	for (size_t i = 1; i <= n; i++) {
		lua_rawgeti(L, -1, (lua_Integer)i);
		const char *id = lua_tostring(L, -1);
		check_id(L, id, "section");
		for (size_t j = 1; j < i; j++) {
			lua_rawgeti(L, -2, (lua_Integer)j);
			int dup = !strcmp(lua_tostring(L, -1), id);
			lua_pop(L, 1);
			if (dup)
				return luaL_error(L, "section '%s' is listed twice",
						  id);
		}
		lua_pop(L, 1);
	}
	/* Valid: copy into the model (nothing below raises). */
	for (size_t i = 1; i <= n; i++) {
		lua_rawgeti(L, -1, (lua_Integer)i);
		course_add_section(c, lua_tostring(L, -1));
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	free(c->title);
	c->title = field_dup(L, 1, "title");
	s->course_seen = 1;
	return 0;
}

static int l_page(lua_State *L)
{
	struct script *s = script_of(L);
	const char *file = luaL_checkstring(L, 1);

	if (!s->section)
		return luaL_error(L, "page belongs in a lesson.lua");
	if (strstr(file, "..") || file[0] == '/')
		return luaL_error(L, "page '%s' must be a file beside lesson.lua",
				  file);
	lua_pushfstring(L, "%s/%s", s->section->dir, file);
	int exists = path_exists(lua_tostring(L, -1));
	lua_pop(L, 1);
	if (!exists)
		return luaL_error(L, "page '%s' not found in %s", file,
				  s->section->dir);
	lua_newtable(L);
	lua_pushvalue(L, 1);
	lua_setfield(L, -2, "file");
	lua_insert(L, 1);
	lua_settop(L, 1);
	return make_tagged(L, 1, TAG_PAGE);
}

static int l_quiz(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	validate(L, 1, "quiz", quiz_fields, 0);
	lua_getfield(L, 1, "id");
	check_id(L, lua_tostring(L, -1), "quiz");
	lua_pop(L, 1);
	lua_getfield(L, 1, "choices");
	lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
	lua_pop(L, 1);
	if (n < 2)
		return luaL_error(L, "quiz needs at least 2 choices");
	lua_getfield(L, 1, "answer");
	lua_Integer a = (lua_Integer)lua_tonumber(L, -1);
	lua_pop(L, 1);
	if (a < 1 || a > n)
		return luaL_error(L, "quiz answer %d is out of range (choices 1 to %d)",
				  (int)a, (int)n);
	return make_tagged(L, 1, TAG_QUIZ);
}

static int l_feedback(lua_State *L)
{
	if (lua_type(L, 1) == LUA_TSTRING) {
		lua_newtable(L);
		lua_pushvalue(L, 1);
		lua_rawseti(L, -2, 1);
		lua_replace(L, 1);
	}
	luaL_checktype(L, 1, LUA_TTABLE);
	validate(L, 1, "feedback", feedback_fields, 1);
	for (lua_Integer i = 1; i <= (lua_Integer)lua_rawlen(L, 1); i++) {
		int t = lua_rawgeti(L, 1, i);
		lua_pop(L, 1);
		if (t != LUA_TSTRING)
			return luaL_error(L, "feedback lines must be strings");
	}
	return make_tagged(L, 1, TAG_FEEDBACK);
}

/* --- checks ------------------------------------------------------------- */

static const struct check_field *find_field(const struct check_kind *k,
					    const char *name)
{
	for (const struct check_field *f = k->fields; f && f->name; f++)
		if (!strcmp(f->name, name))
			return f;
	for (const struct check_field *f = common_check_fields; f->name; f++)
		if (!strcmp(f->name, name))
			return f;
	return NULL;
}

static int param_fits(lua_State *L, int idx, enum param_type t)
{
	switch (t) {
	case PARAM_STR:
	case PARAM_FILE:
		return lua_type(L, idx) == LUA_TSTRING;
	case PARAM_INT:
		return number_fits(L, idx, 1);
	case PARAM_NUM:
		return number_fits(L, idx, 0);
	case PARAM_BOOL:
		return lua_type(L, idx) == LUA_TBOOLEAN;
	case PARAM_LIST:
	case PARAM_FILES:
		return is_string_list(L, idx);
	}
	return 0;
}

static const char *param_word(enum param_type t)
{
	switch (t) {
	case PARAM_INT:
		return "a whole number";
	case PARAM_NUM:
		return "a number";
	case PARAM_BOOL:
		return "true or false";
	case PARAM_LIST:
	case PARAM_FILES:
		return "a list of strings";
	default:
		return "a string";
	}
}

/* A file named by a check must sit beside lesson.lua. */
static void check_lesson_file(lua_State *L, const char *file, const char *kind)
{
	struct script *s = script_of(L);

	if (!s->section)
		luaL_error(L, "%s belongs in a lesson.lua", kind);
	if (strstr(file, "..") || file[0] == '/')
		luaL_error(L, "%s: '%s' must be a file beside lesson.lua", kind,
			   file);
	lua_pushfstring(L, "%s/%s", s->section->dir, file);
	int exists = path_exists(lua_tostring(L, -1));
	lua_pop(L, 1);
	if (!exists)
		luaL_error(L, "%s: file '%s' not found beside lesson.lua", kind,
			   file);
}

static void validate_check(lua_State *L, int idx, const struct check_kind *k)
{
	const char *names[48];
	size_t n = 0;

	for (const struct check_field *f = k->fields; f && f->name && n < 40;
	     f++)
		names[n++] = f->name;
	for (const struct check_field *f = common_check_fields; f->name; f++)
		names[n++] = f->name;
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		if (lua_type(L, -2) != LUA_TSTRING)
			luaL_error(L, "%s takes named fields, like %s { %s = ... }",
				   k->name, k->name, n ? names[0] : "name");
		const char *key = lua_tostring(L, -2);
		const struct check_field *f = find_field(k, key);
		if (!f) {
			char hint[128];
			suggest(key, names, n, hint, sizeof(hint));
			luaL_error(L, "unknown field '%s' in %s%s", key,
				   k->name, hint);
		}
		if ((f->type == PARAM_INT || f->type == PARAM_NUM) &&
		    lua_type(L, -1) == LUA_TNUMBER && !param_fits(L, -1, f->type) &&
		    (f->type == PARAM_NUM || lua_isinteger(L, -1)))
			luaL_error(L, "field '%s' in %s is out of range (a billion at most)",
				   key, k->name);
		if (!param_fits(L, -1, f->type))
			luaL_error(L, "field '%s' in %s must be %s, not %s",
				   key, k->name, param_word(f->type),
				   luaL_typename(L, -1));
		if (f->type == PARAM_FILE)
			check_lesson_file(L, lua_tostring(L, -1), k->name);
		if (f->type == PARAM_FILES)
			for (lua_Integer i = 1;
			     i <= (lua_Integer)lua_rawlen(L, -1); i++) {
				lua_rawgeti(L, -1, i);
				check_lesson_file(L, lua_tostring(L, -1),
						  k->name);
				lua_pop(L, 1);
			}
		lua_pop(L, 1);
	}
	for (const struct check_field *f = k->fields; f && f->name; f++) {
		if (!f->required)
			continue;
		if (lua_getfield(L, idx, f->name) == LUA_TNIL)
			luaL_error(L, "%s needs a field '%s'", k->name,
				   f->name);
		lua_pop(L, 1);
	}
}

/* One constructor serves every kind; its upvalue is the kind's name. */
static int l_check(lua_State *L)
{
	const struct check_kind *k =
		check_kind_find(lua_tostring(L, lua_upvalueindex(1)));
	const struct check_field *pos =
		k->positional ? find_field(k, k->positional) : NULL;
	int t = lua_type(L, 1);

	lua_settop(L, 1);
	lua_newtable(L); /* 2: the named fields */
	if (t == LUA_TSTRING && pos &&
	    (pos->type == PARAM_STR || pos->type == PARAM_FILE)) {
		lua_pushvalue(L, 1);
		lua_setfield(L, 2, pos->name);
	} else if (t == LUA_TSTRING && pos &&
		   (pos->type == PARAM_LIST || pos->type == PARAM_FILES)) {
		lua_newtable(L);
		lua_pushvalue(L, 1);
		lua_rawseti(L, -2, 1);
		lua_setfield(L, 2, pos->name);
	} else if (t == LUA_TTABLE) {
		lua_Integer len = (lua_Integer)lua_rawlen(L, 1);
		if (len > 0 && !(pos && (pos->type == PARAM_LIST ||
					 pos->type == PARAM_FILES)))
			return luaL_error(L, "%s takes named fields, like %s { name = \"...\" }",
					  k->name, k->name);
		if (len > 0) {
			lua_newtable(L);
			for (lua_Integer i = 1; i <= len; i++) {
				lua_rawgeti(L, 1, i);
				lua_rawseti(L, -2, i);
			}
			lua_setfield(L, 2, pos->name);
		}
		lua_pushnil(L);
		while (lua_next(L, 1)) {
			if (lua_type(L, -2) == LUA_TNUMBER &&
			    lua_tointeger(L, -2) >= 1 &&
			    lua_tointeger(L, -2) <= len) {
				lua_pop(L, 1);
				continue;
			}
			lua_pushvalue(L, -2);
			lua_insert(L, -2);
			lua_settable(L, 2);
		}
	} else if (t == LUA_TNONE || t == LUA_TNIL) {
		/* compiles() with no argument: all defaults. */
	} else if (pos) {
		return luaL_error(L, "%s takes a %s or a table", k->name,
				  param_word(pos->type));
	} else {
		return luaL_error(L, "%s takes a table, like %s { ... }",
				  k->name, k->name);
	}
	validate_check(L, 2, k);
	lua_pushstring(L, k->name);
	lua_setfield(L, 2, "\1kind");
	return make_tagged(L, 2, TAG_CHECK);
}

/* --- exercise ----------------------------------------------------------- */

static int l_exercise(lua_State *L)
{
	struct script *s = script_of(L);

	luaL_checktype(L, 1, LUA_TTABLE);
	if (!s->section)
		return luaL_error(L, "exercise belongs in a lesson.lua");
	validate(L, 1, "exercise", exercise_fields, 0);
	lua_getfield(L, 1, "id");
	check_id(L, lua_tostring(L, -1), "exercise");
	lua_pop(L, 1);

	/* checks: a non-empty list of check objects with distinct names. */
	lua_getfield(L, 1, "checks");
	lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
	if (n == 0)
		return luaL_error(L, "exercise needs at least one check");
	for (lua_Integer i = 1; i <= n; i++) {
		lua_rawgeti(L, -1, i);
		if (!is_tagged(L, -1, TAG_CHECK))
			return luaL_error(L, "checks[%d] is not a check (use compiles{}, tests \"x_test.c\", ...)",
					  (int)i);
		lua_getfield(L, -1, "name");
		if (lua_isnil(L, -1)) {
			lua_pop(L, 1);
			lua_getfield(L, -1, "\1kind");
		}
		const char *name = lua_tostring(L, -1);
		for (lua_Integer j = 1; j < i; j++) {
			lua_rawgeti(L, -3, j);
			lua_getfield(L, -1, "name");
			if (lua_isnil(L, -1)) {
				lua_pop(L, 1);
				lua_getfield(L, -1, "\1kind");
			}
			int dup = !strcmp(lua_tostring(L, -1), name);
			lua_pop(L, 2);
			if (dup)
				return luaL_error(L, "two checks are named '%s': give one a name = \"...\"",
						  name);
		}
		lua_pop(L, 2);
	}
	lua_pop(L, 1);

	lua_getfield(L, 1, "hints");
	if (lua_rawlen(L, -1) < 2)
		return luaL_error(L, "exercise needs at least 2 hints (has %d)",
				  (int)lua_rawlen(L, -1));
	lua_pop(L, 1);

	/* The starter must exist in the workspace or the course; the
	 * solution in the course (a student copy has no solutions/). */
	lua_getfield(L, 1, "file");
	const char *file = lua_tostring(L, -1);
	if (file[0] == '/' || strstr(file, ".."))
		return luaL_error(L, "exercise file '%s' must be a relative path like exercises/x/y.c",
				  file);
	/* The workspace, the course, or the starter workbook kept when the
	 * learner deleted the file (reset brings it back). */
	lua_pushfstring(L, "%s/%s", s->workspace, file);
	lua_pushfstring(L, "%s/%s", s->course->root, file);
	lua_pushfstring(L, "%s/.workbook/starters/%s", s->workspace, file);
	if (!path_exists(lua_tostring(L, -3)) &&
	    !path_exists(lua_tostring(L, -2)) &&
	    !path_exists(lua_tostring(L, -1)))
		return luaL_error(L, "exercise file '%s' not found", file);
	lua_pop(L, 4);
	lua_getfield(L, 1, "solution");
	const char *sol = lua_tostring(L, -1);
	if (sol[0] == '/' || strstr(sol, ".."))
		return luaL_error(L, "solution '%s' must be a relative path like solutions/x/y.c",
				  sol);
	lua_pushfstring(L, "%s/solutions", s->course->root);
	lua_pushfstring(L, "%s/%s", s->course->root, sol);
	if (path_is_dir(lua_tostring(L, -2)) && !path_exists(lua_tostring(L, -1)))
		return luaL_error(L, "solution '%s' not found", sol);
	lua_pop(L, 3);
	return make_tagged(L, 1, TAG_EXERCISE);
}

/* --- lesson: validate everything, then copy into the model ------------- */

static const char *item_id(lua_State *L, int idx)
{
	const char *id;

	lua_getfield(L, idx, "id");
	id = lua_tostring(L, -1);
	lua_pop(L, 1);
	return id;
}

static void validate_lesson(lua_State *L, struct script *s)
{
	validate(L, 1, "lesson", lesson_fields, 1);
	const char *id = item_id(L, 1);
	if (strcmp(id, s->section->id))
		luaL_error(L, "lesson id '%s' does not match its folder lessons/%s",
			   id, s->section->id);
	if (s->lesson_seen)
		luaL_error(L, "lesson{} given twice");
	lua_Integer n = (lua_Integer)lua_rawlen(L, 1);
	if (n == 0)
		luaL_error(L, "lesson has no pages, quizzes or exercises");
	for (lua_Integer i = 1; i <= n; i++) {
		lua_rawgeti(L, 1, i);
		if (!is_tagged(L, -1, TAG_PAGE) && !is_tagged(L, -1, TAG_QUIZ) &&
		    !is_tagged(L, -1, TAG_EXERCISE))
			luaL_error(L, "lesson item %d is not a page, quiz or exercise",
				   (int)i);
		if (!is_tagged(L, -1, TAG_PAGE)) {
			const char *iid = item_id(L, -1);
			for (lua_Integer j = 1; j < i; j++) {
				lua_rawgeti(L, 1, j);
				int dup = !is_tagged(L, -1, TAG_PAGE) &&
					  !strcmp(item_id(L, -1), iid);
				lua_pop(L, 1);
				if (dup)
					luaL_error(L, "%s: duplicate id '%s' in lesson '%s'",
						   where_of(L, -1), iid,
						   s->section->id);
			}
		}
		lua_pop(L, 1);
	}
}

static char *first_heading(const char *path, const char *fallback)
{
	struct err e;
	size_t len;
	char *text = path_read_file(path, 1 << 20, &len, &e);
	char *title = NULL;

	if (text) {
		for (char *line = text; line && *line;) {
			char *nl = strchr(line, '\n');
			if (line[0] == '#') {
				char *t = line;
				while (*t == '#')
					t++;
				while (*t == ' ')
					t++;
				title = xstrndup(t, nl ? (size_t)(nl - t)
						       : strlen(t));
				break;
			}
			line = nl ? nl + 1 : NULL;
		}
		free(text);
	}
	return title ? title : xstrdup(fallback);
}

static void copy_page(lua_State *L, struct script *s, int idx)
{
	struct page *p = section_add_page(s->section);

	p->rel = field_dup(L, idx, "file");
	p->file = path_join(s->section->dir, p->rel);
	p->title = first_heading(p->file, p->rel);
	p->where = xstrdup(where_of(L, idx));
}

static int ref_field(lua_State *L, int idx, const char *key)
{
	if (lua_getfield(L, idx, key) != LUA_TFUNCTION) {
		lua_pop(L, 1);
		return 0;
	}
	return luaL_ref(L, LUA_REGISTRYINDEX);
}

static void copy_quiz(lua_State *L, struct script *s, int idx)
{
	struct quiz *q = section_add_quiz(s->section);

	q->id = field_dup(L, idx, "id");
	q->name = xasprintf("%s/%s", s->section->id, q->id);
	q->ask = field_dup(L, idx, "ask");
	q->choices = list_dup(L, idx, "choices", &q->nchoices);
	lua_getfield(L, idx, "answer");
	q->answer = (int)lua_tonumber(L, -1);
	lua_pop(L, 1);
	q->explain = field_dup(L, idx, "explain");
	q->where = xstrdup(where_of(L, idx));
	q->on_answer = ref_field(L, idx, "on_answer");
}

static void copy_param(lua_State *L, struct check_spec *c,
		       const struct check_field *f, const char *dir)
{
	struct param *p = check_spec_add_param(c, f->name, f->type);

	switch (f->type) {
	case PARAM_STR:
		p->str = xstrdup(lua_tostring(L, -1));
		break;
	case PARAM_FILE:
		p->str = path_join(dir, lua_tostring(L, -1));
		break;
	case PARAM_INT:
	case PARAM_NUM:
		p->num = lua_tonumber(L, -1);
		p->i = (long long)p->num;
		break;
	case PARAM_BOOL:
		p->i = lua_toboolean(L, -1);
		p->num = (double)p->i;
		break;
	case PARAM_LIST:
	case PARAM_FILES:
		p->nlist = lua_rawlen(L, -1);
		p->list = xcalloc(p->nlist + 1, sizeof(*p->list));
		for (size_t i = 0; i < p->nlist; i++) {
			lua_rawgeti(L, -1, (lua_Integer)i + 1);
			p->list[i] = f->type == PARAM_FILES
					     ? path_join(dir, lua_tostring(L, -1))
					     : xstrdup(lua_tostring(L, -1));
			lua_pop(L, 1);
		}
		break;
	}
}

static void copy_check(lua_State *L, struct check_spec *c, const char *dir)
{
	int idx = lua_gettop(L);
	const struct check_kind *k;

	lua_getfield(L, idx, "\1kind");
	k = check_kind_find(lua_tostring(L, -1));
	c->kind = xstrdup(k->name);
	lua_pop(L, 1);
	c->name = field_dup(L, idx, "name");
	if (!c->name)
		c->name = xstrdup(k->name);
	c->where = xstrdup(where_of(L, idx));
	lua_getfield(L, idx, "hidden");
	c->hidden = lua_toboolean(L, -1);
	lua_pop(L, 1);
	lua_getfield(L, idx, "optional");
	c->optional = lua_toboolean(L, -1);
	lua_pop(L, 1);
	lua_getfield(L, idx, "points");
	c->points = lua_tonumber(L, -1);
	lua_pop(L, 1);
	lua_getfield(L, idx, "timeout");
	/* Validated within a billion seconds; a day is plenty. */
	lua_Number t = lua_tonumber(L, -1);
	c->timeout_ms = t <= 0 ? 0 : t > 86400 ? 86400000 : (int)(t * 1000);
	lua_pop(L, 1);
	for (const struct check_field *f = k->fields; f && f->name; f++) {
		if (lua_getfield(L, idx, f->name) != LUA_TNIL)
			copy_param(L, c, f, dir);
		lua_pop(L, 1);
	}
}

static void copy_exercise(lua_State *L, struct script *s, int idx)
{
	struct exercise *x = section_add_exercise(s->section);
	char *sol;

	x->id = field_dup(L, idx, "id");
	x->name = xasprintf("%s/%s", s->section->id, x->id);
	x->title = field_dup(L, idx, "title");
	x->file = field_dup(L, idx, "file");
	sol = field_dup(L, idx, "solution");
	x->solution = path_join(s->course->root, sol);
	free(sol);
	x->where = xstrdup(where_of(L, idx));
	lua_getfield(L, idx, "points");
	x->points = lua_isnil(L, -1) ? 1 : (int)lua_tonumber(L, -1);
	lua_pop(L, 1);
	x->hints = list_dup(L, idx, "hints", &x->nhints);
	lua_getfield(L, idx, "checks");
	x->nchecks = lua_rawlen(L, -1);
	x->checks = xcalloc(x->nchecks, sizeof(*x->checks));
	for (size_t i = 0; i < x->nchecks; i++) {
		lua_rawgeti(L, -1, (lua_Integer)i + 1);
		copy_check(L, &x->checks[i], s->section->dir);
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	x->on_result = ref_field(L, idx, "on_result");
}

static int l_lesson(lua_State *L)
{
	struct script *s = script_of(L);
	struct section *sec = s->section;

	luaL_checktype(L, 1, LUA_TTABLE);
	if (!sec)
		return luaL_error(L, "lesson{} belongs in lessons/<id>/lesson.lua");
	validate_lesson(L, s);

	/* Everything is valid: copy.  Nothing below raises. */
	push_where(L);
	free(sec->where);
	sec->where = xstrdup(lua_tostring(L, -1));
	lua_pop(L, 1);
	free(sec->title);
	sec->title = field_dup(L, 1, "title");
	for (size_t i = 0; i < sec->nneeds; i++)
		free(sec->needs[i]);
	free(sec->needs);
	sec->needs = list_dup(L, 1, "needs", &sec->nneeds);
	lua_Integer n = (lua_Integer)lua_rawlen(L, 1);
	for (lua_Integer i = 1; i <= n; i++) {
		lua_rawgeti(L, 1, i);
		int idx = lua_gettop(L);
		if (is_tagged(L, idx, TAG_PAGE))
			copy_page(L, s, idx);
		else if (is_tagged(L, idx, TAG_QUIZ))
			copy_quiz(L, s, idx);
		else
			copy_exercise(L, s, idx);
		lua_pop(L, 1);
	}
	s->lesson_seen = 1;
	return 0;
}

/* --- registration ------------------------------------------------------- */

static void new_tag(lua_State *L, const char *tag, const char *name)
{
	if (luaL_newmetatable(L, tag)) {
		lua_pushstring(L, name);
		lua_setfield(L, -2, "__name");
		lua_pushstring(L, "workbook object");
		lua_setfield(L, -2, "__metatable");
	}
	lua_pop(L, 1);
}

void script_api_open(lua_State *L)
{
	static const luaL_Reg dsl[] = {
		{"course", l_course},     {"lesson", l_lesson},
		{"page", l_page},         {"quiz", l_quiz},
		{"exercise", l_exercise}, {"feedback", l_feedback},
		{NULL, NULL},
	};
	size_t nk;
	const struct check_kind *const *kinds = check_kinds(&nk);

	new_tag(L, TAG_PAGE, "page");
	new_tag(L, TAG_QUIZ, "quiz");
	new_tag(L, TAG_EXERCISE, "exercise");
	new_tag(L, TAG_CHECK, "check");
	new_tag(L, TAG_FEEDBACK, "feedback");
	luaL_setfuncs(L, dsl, 0);
	for (size_t i = 0; i < nk; i++) {
		lua_pushstring(L, kinds[i]->name);
		lua_pushcclosure(L, l_check, 1);
		lua_setfield(L, -2, kinds[i]->name);
	}
}
