/*
 * script_int: what script.c and script_api.c share; private to them.
 */
#ifndef WB_SCRIPT_INT_H
#define WB_SCRIPT_INT_H

#include <lua.h>

struct course;
struct section;

struct script {
	lua_State *L;
	size_t mem_used;
	size_t mem_max;
	long budget;         /* instructions per call */
	long left;           /* instructions left in this call */
	int killed;          /* the budget ran out: keep raising */
	int mem_hit;         /* an allocation was refused */
	char where[256];     /* last position seen by the hook */
	/* The loader's state while a chunk runs. */
	struct course *course;
	struct section *section; /* the lesson being loaded, or NULL */
	const char *workspace;
	const char *chunk;   /* "lessons/x/lesson.lua" */
	int course_seen;     /* course{} was called */
	int lesson_seen;     /* lesson{} was called */
};

/* The struct script behind a lua_State. */
struct script *script_of(lua_State *L);

/* Register the DSL constructors into the table at the top of the stack. */
void script_api_open(lua_State *L);

/* Whether the value at idx is a feedback{} object. */
int script_api_is_feedback(lua_State *L, int idx);

/* Names of the hidden registry keys. */
#define SCRIPT_ENV_BASE "wb.env.base"
#define SCRIPT_VERDICT_MT "wb.verdict"

#endif
