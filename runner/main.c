/*
 * main.c: argv to the command table, and nothing else.
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "cmd.h"
#include "tui/tui.h"

#ifndef WB_VERSION
#define WB_VERSION "0.0.0"
#endif

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *args;
	const char *summary;
};

/* Every subcommand, in the order --help lists them. */
static const struct command commands[] = {
	{"list", cmd_list, "[--format text|json]",
	 "sections and exercises with their marks"},
	{"check", cmd_check, "[--format FMT] EX...",
	 "run an exercise's checks (EX: memory/overflow)"},
	{"next", cmd_next, "", "check the first unfinished exercise"},
	{"hint", cmd_hint, "EX", "show the next hint for an exercise"},
	{"reset", cmd_reset, "EX", "put the starter file back"},
	{"solution", cmd_solution, "EX", "show the solution (once EX passed)"},
	{"doctor", cmd_doctor, "", "which tools are present, what they enable"},
	{"init", cmd_init, "DIR", "make a fresh learner workspace in DIR"},
	{"sandbox", cmd_sandbox, "[OPTIONS] -- CMD [ARGS]",
	 "run any command in the grading sandbox"},
	{"dev", cmd_dev, "check [EX...]",
	 "for lesson authors: starters fail, solutions pass"},
	{"export", cmd_export, "--student DIR [--git] [--tar FILE]",
	 "a copy to hand out: no solutions, no hidden checks"},
	{"new", cmd_new, "lesson NAME",
	 "scaffold a lesson that dev check passes at once"},
	{"grade", cmd_grade, "SUBMISSIONS [--format FMT] [--out DIR]",
	 "grade a class: one folder per student, in parallel"},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void help(FILE *f)
{
	fprintf(f, "usage: workbook [--course DIR] [--plain] [--color=WHEN] [COMMAND [ARGS]]\n\n"
		   "With no command, on a terminal: the interactive workbook.\n\n"
		   "Commands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++) {
		char left[64];
		snprintf(left, sizeof(left), "%s %s", commands[i].name,
			 commands[i].args);
		fprintf(f, "  %-34s %s\n", left, commands[i].summary);
	}
	fprintf(f, "\nOptions:\n"
		   "  --course DIR       use the course in DIR (also $WORKBOOK_COURSE)\n"
		   "  --plain            line mode, no full-screen interface\n"
		   "  --color=WHEN       auto, always or never (NO_COLOR is honoured)\n"
		   "  --help, --version\n"
		   "\nExit status: 0 all passed, 1 something failed, 2 usage or setup error.\n"
		   "See workbook(1).\n");
}

/* Take the global options out of argv wherever they stand. */
static int take_globals(int *argc, char **argv)
{
	int out = 1;

	for (int i = 1; i < *argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--")) {
			while (i < *argc)
				argv[out++] = argv[i++];
			break;
		}
		if (!strcmp(a, "--course") || !strcmp(a, "-C")) {
			if (i + 1 >= *argc) {
				fprintf(stderr, "workbook: %s needs a folder\n", a);
				return -1;
			}
			app_globals.course_dir = argv[++i];
		} else if (!strncmp(a, "--course=", 9)) {
			app_globals.course_dir = a + 9;
		} else if (!strcmp(a, "--plain")) {
			app_globals.plain = 1;
		} else if (!strncmp(a, "--color=", 8) || !strncmp(a, "--colour=", 9)) {
			const char *v = strchr(a, '=') + 1;
			if (strcmp(v, "auto") && strcmp(v, "always") &&
			    strcmp(v, "never")) {
				fprintf(stderr, "workbook: --color takes auto, always or never, not '%s'\n", v);
				return -1;
			}
			app_globals.color = v;
		} else {
			argv[out++] = argv[i];
		}
	}
	*argc = out;
	argv[out] = NULL;
	return 0;
}

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	if (take_globals(&argc, argv) < 0)
		return 2;
	if (argc < 2) {
		if (!app_globals.plain && tui_usable()) {
			struct app a;
			int rc;
			if (app_open(&a) < 0)
				return 2;
			rc = tui_main(&a);
			app_close(&a);
			return rc;
		}
		/* Line mode: where the learner stands, and what to do next. */
		static char list[] = "list";
		char *list_argv[] = {list, NULL};
		int rc = cmd_list(1, list_argv);
		if (rc == 0)
			printf("\nRun 'workbook next' to check the next exercise, "
			       "'workbook --help' for every command.\n");
		return rc;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("workbook %s\n", WB_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		help(stdout);
		return 0;
	}
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	if (argv[1][0] == '-')
		fprintf(stderr, "workbook: unknown option '%s'\n", argv[1]);
	else
		fprintf(stderr, "workbook: unknown command '%s'\n", argv[1]);
	fprintf(stderr, "Try 'workbook --help'.\n");
	return 2;
}
