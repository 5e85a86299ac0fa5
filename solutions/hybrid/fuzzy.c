/*
 * hybrid/fuzzy: a Lua module in C for the hot loop of a fuzzy finder
 * (reference solution).
 *
 * luaL_checklstring does the glue's two jobs at once: it raises the
 * standard "bad argument" error for anything that is not a string (or a
 * number, which Lua converts), and it returns the string's real length,
 * so '\0' bytes inside count like any other byte.  A long row of the table
 * lives in a userdata that Lua's garbage collector owns: if anything raises
 * an error after it is made, nothing leaks.
 */
#include <stddef.h>

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
	size_t la, lb;
	const char *a = luaL_checklstring(L, 1, &la);
	const char *b = luaL_checklstring(L, 2, &lb);
	size_t small[64];
	size_t *row = small;

	/* Short names fit on the stack; a long one gets memory Lua owns. */
	if (lb + 1 > sizeof(small) / sizeof(small[0]))
		row = lua_newuserdatauv(L, (lb + 1) * sizeof(*row), 0);
	lua_pushinteger(L, (lua_Integer)levenshtein(a, la, b, lb, row));
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
