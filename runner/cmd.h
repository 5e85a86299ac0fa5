/*
 * cmd: the subcommands.  Each lives in cmd_<name>.c and is one line of the
 * table in main.c.  A command gets its own argv (argv[0] is its name),
 * returns the process exit status (0 success, 1 something failed, 2 usage
 * or setup error), and prints usage errors to stderr.
 */
#ifndef WB_CMD_H
#define WB_CMD_H

#include <stdio.h>

struct app;
struct exercise;

int cmd_list(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_next(int argc, char **argv);
int cmd_hint(int argc, char **argv);
int cmd_reset(int argc, char **argv);
int cmd_solution(int argc, char **argv);
int cmd_doctor(int argc, char **argv);
int cmd_dev(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_sandbox(int argc, char **argv);
int cmd_grade(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_new(int argc, char **argv);

/* workbook dev book: the course as one Markdown document on f. */
int cmd_dev_book(struct app *a, FILE *f);

/* Shared by the commands (cmd_util.c). */

/* The exercise called `name` ("memory/overflow" or a unique "overflow"),
 * or NULL after printing "unknown exercise" with a suggestion. */
struct exercise *cmd_find_exercise(struct app *a, const char *name);

/* Print "usage: workbook <usage>" to stderr; returns 2. */
int cmd_usage(const char *usage);

#endif
