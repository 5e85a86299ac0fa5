/*
 * hybrid/fuzzy: a Lua module in C for the hot loop of a fuzzy finder
 *
 * An editor scripted in Lua ranks file names by how close they are to what
 * the user typed.  The ranking is Lua; the inner loop, the edit distance
 * between two strings, is too slow in pure Lua for thousands of names per
 * key press.  So it moves into a C module that Lua loads with require:
 *
 *     local fuzzy = require "fuzzy"     -- finds fuzzy.so, calls luaopen_fuzzy
 *     print(fuzzy.distance("kitten", "sitting"))   --> 3
 *
 * fuzzy.distance(a, b) returns the Levenshtein distance between two
 * strings: the fewest single-byte insertions, deletions and substitutions
 * that turn a into b.  The contract:
 *   - a and b are Lua strings, compared byte by byte; a Lua string may
 *     contain any byte, '\0' included;
 *   - anything else (nil, a table, a missing argument) raises the usual Lua
 *     error, "bad argument #1 to 'distance' (string expected, got nil)",
 *     which a Lua caller can catch with pcall;
 *   - the lesson's script checks it against a pure-Lua version and wants it
 *     at least 5 times as fast.
 *
 * The distance itself is right.  The glue between Lua and C is not: read
 * how the starter gets the strings out of Lua.
 *
 * Build it by hand:  gcc -O2 -shared -fPIC -I/usr/include/lua5.4 \
 *                        -o fuzzy.so fuzzy.c
 * Check your work:   workbook check hybrid/fuzzy
 * Stuck?             workbook hint hybrid/fuzzy
 */
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

/* The edit distance, with one row of the usual table kept in `row`. */
static size_t levenshtein(const char *a, size_t la, const char *b, size_t lb,
			  size_t *row)
{
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0]; /* the cell above and to the left */
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

static int distance(lua_State *L)
{
	const char *a = lua_tostring(L, 1);
	const char *b = lua_tostring(L, 2);
	size_t la = strlen(a), lb = strlen(b);
	size_t *row = malloc((lb + 1) * sizeof(*row));

	if (row == NULL)
		return luaL_error(L, "out of memory");
	lua_pushinteger(L, (lua_Integer)levenshtein(a, la, b, lb, row));
	free(row);
	return 1;
}

static const luaL_Reg functions[] = {
    {"distance", distance},
    {NULL, NULL},
};

int luaopen_fuzzy(lua_State *L);

int luaopen_fuzzy(lua_State *L)
{
	luaL_newlib(L, functions);
	return 1;
}
