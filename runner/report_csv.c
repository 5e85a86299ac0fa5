/*
 * report_csv: a gradebook (RFC 4180): one row per student, one column per
 * exercise holding its score, then total and max.
 */
#include "report.h"

#include <string.h>

#include "util/buf.h"
#include "util/text.h"

static void put_field(FILE *f, const char *s)
{
	struct buf b;

	buf_init(&b, 4096);
	text_cleans(&b, s ? s : "", TEXT_LINE);
	if (strpbrk(buf_cstr(&b), ",\"\r\n") || (b.len && strchr("=+-@", b.data[0]))) {
		/* Quote, and keep spreadsheet formulas from running. */
		fputc('"', f);
		if (b.len && strchr("=+-@", b.data[0]))
			fputc('\'', f);
		for (size_t i = 0; i < b.len; i++) {
			if (b.data[i] == '"')
				fputc('"', f);
			fputc(b.data[i], f);
		}
		fputc('"', f);
	} else {
		fputs(buf_cstr(&b), f);
	}
	buf_release(&b);
}

int report_csv_write_class(FILE *f, const struct run_result *runs, size_t n,
			   const struct report_opts *o)
{
	const struct run_result *first = n ? &runs[0] : NULL;

	(void)o;
	fputs("student", f);
	for (size_t i = 0; first && i < first->n; i++) {
		fputc(',', f);
		put_field(f, first->exercises[i].name);
	}
	fputs(",total,max\r\n", f);
	for (size_t s = 0; s < n; s++) {
		double score, max;
		put_field(f, runs[s].student ? runs[s].student : "");
		/* Columns follow the first run's exercises by name. */
		for (size_t i = 0; first && i < first->n; i++) {
			double v = 0;
			for (size_t j = 0; j < runs[s].n; j++)
				if (!strcmp(runs[s].exercises[j].name,
					    first->exercises[i].name))
					v = runs[s].exercises[j].score;
			fprintf(f, ",%g", v);
		}
		run_result_totals(&runs[s], &score, &max, NULL, NULL);
		fprintf(f, ",%g,%g\r\n", score, max);
	}
	return ferror(f) ? -1 : 0;
}

int report_csv_write(FILE *f, const struct run_result *r,
		     const struct report_opts *o)
{
	return report_csv_write_class(f, r, 1, o);
}
