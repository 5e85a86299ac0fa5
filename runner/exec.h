/*
 * exec: the one way the engine runs a program — a practice run (proc.c)
 * or, when a sandbox is given, a grading run in its own box (sandbox.c).
 * Both fill the same struct proc_result, so callers need not care which;
 * a grading run also fills the result's sandbox_* fields.
 */
#ifndef WB_EXEC_H
#define WB_EXEC_H

#include "proc.h"

struct err;
struct sandbox;

/*
 * Run po.  With sb, the program runs in a box: `box` (required) is bound
 * read-write and is where it starts unless po->cwd names a folder inside;
 * each folder in ro_binds (NULL-terminated, may be NULL) is visible
 * read-only at its own path.  po's limits map onto the sandbox's (timeout
 * to wall time, cpu, file size, open files).  Returns like proc_run.
 */
int exec_run(struct sandbox *sb, const char *box,
	     const char *const *ro_binds, const struct proc_opts *po,
	     struct proc_result *pr, struct err *e);

#endif
