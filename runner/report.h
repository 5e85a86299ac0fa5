/*
 * report: renderers of a verdict (DESIGN.md, "Verdicts and reports").
 *
 * One table lists the formats; each lives in report_<fmt>.c and exports one
 * function.  A renderer writes a whole document for one run (one student) to
 * a FILE; class-wide documents (grading) go through report_write_class.
 */
#ifndef WB_REPORT_H
#define WB_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "verdict.h"

struct report_opts {
	int color;        /* text: use colour escapes */
	int verbose;      /* text: show passing checks' details too */
	const char *title; /* the course title, for headers; may be NULL */
};

struct report_format {
	const char *name; /* "text", "json", ... */
	const char *ext;  /* file extension: "txt", "json", "xml", ... */
	/* One run. Returns 0, or -1 on a write error. */
	int (*write)(FILE *f, const struct run_result *r,
		     const struct report_opts *o);
	/* Many runs (a class); NULL when the format has no class form. */
	int (*write_class)(FILE *f, const struct run_result *runs, size_t n,
			   const struct report_opts *o);
};

/* The format called `name`, or NULL. */
const struct report_format *report_find(const char *name);
/* "text, json, ..." for usage messages. Static storage. */
const char *report_names(void);

/* One exercise rendered as plain text (no colour), for formats that carry
 * a human-readable output field; with hide_hidden, hidden checks are left
 * out.  Allocated (NULL when out of memory). */
char *report_exercise_text(const struct exercise_result *x, int hide_hidden);

int report_text_write(FILE *f, const struct run_result *r,
		      const struct report_opts *o);
int report_json_write(FILE *f, const struct run_result *r,
		      const struct report_opts *o);
int report_json_write_class(FILE *f, const struct run_result *runs, size_t n,
			    const struct report_opts *o);

int report_tap_write(FILE *f, const struct run_result *r,
		     const struct report_opts *o);
int report_tap_write_class(FILE *f, const struct run_result *runs, size_t n,
			   const struct report_opts *o);
int report_junit_write(FILE *f, const struct run_result *r,
		       const struct report_opts *o);
int report_junit_write_class(FILE *f, const struct run_result *runs,
			     size_t n, const struct report_opts *o);
int report_csv_write(FILE *f, const struct run_result *r,
		     const struct report_opts *o);
int report_csv_write_class(FILE *f, const struct run_result *runs, size_t n,
			   const struct report_opts *o);
int report_gradescope_write(FILE *f, const struct run_result *r,
			    const struct report_opts *o);

#endif
