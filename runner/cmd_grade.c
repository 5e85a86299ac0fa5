/*
 * workbook grade SUBMISSIONS: grade a class.  SUBMISSIONS holds one folder
 * per student laid out like exercises/ (or, with --single, is one
 * student's submission).  Every student gets a result; the reports go to
 * stdout (one class document) or, with --out DIR, to DIR/<student>/
 * results.<ext> and DIR/class.<ext>.
 *
 * The engine (grade.c) runs the jobs on worker threads; the lessons'
 * on_result callbacks run here afterwards, on this thread and in class
 * order, since the Lua state is not thread-safe.
 */
#define _GNU_SOURCE
#include "cmd.h"

#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <unistd.h>

#include "app.h"
#include "grade.h"
#include "report.h"
#include "sandbox.h"
#include "script.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/path.h"
#include "util/text.h"
#include "util/xalloc.h"

#define USAGE                                                                  \
	"grade SUBMISSIONS [--jobs N] [--format FMT] [--out DIR]\n"            \
	"                      [--require strict|basic|LAYERS] [--only "       \
	"EX[,EX...]]...\n"                                                     \
	"                      [--single] [--verbose]"

struct grade_args {
	const char *dir;
	const char *format;
	const char *out;
	const char *require;
	char **only; /* each may hold a comma-separated list */
	size_t nonly;
	int jobs;
	int single;
	int verbose;
};

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static int poll_interrupted(void *arg)
{
	(void)arg;
	return interrupted;
}

static void progress_line(void *arg, const struct grade_progress *g)
{
	int secs = (int)g->seconds;

	(void)arg;
	fprintf(stderr, "\r%zu/%zu students, %zu running, %02d:%02d\033[K",
		g->students_done, g->students, g->running, secs / 60,
		secs % 60);
	fflush(stderr);
}

/* --- which exercises --------------------------------------------------- */

/* Mark the exercises `item` names (a section or an exercise). */
static int mark_item(struct app *a, const char *item, unsigned char *want)
{
	const struct section *s = course_find_section(&a->course, item);
	size_t k = 0;

	if (s && !course_find_exercise(&a->course, item)) {
		if (s->error) {
			fprintf(stderr, "workbook: broken lesson: %s\n",
				s->error);
			return -1;
		}
		for (size_t i = 0; i < a->course.nsections; i++)
			for (size_t j = 0; j < a->course.sections[i].nexercises;
			     j++, k++)
				if (&a->course.sections[i] == s)
					want[k] = 1;
		return 0;
	}
	const struct exercise *ex = cmd_find_exercise(a, item);
	if (!ex)
		return -1;
	for (size_t i = 0; i < a->course.nsections; i++)
		for (size_t j = 0; j < a->course.sections[i].nexercises;
		     j++, k++)
			if (&a->course.sections[i].exercises[j] == ex)
				want[k] = 1;
	return 0;
}

/* The exercises to grade, in course order; NULL after a message. */
static const struct exercise **targets(struct app *a,
				       const struct grade_args *g, size_t *n)
{
	size_t max = course_count_exercises(&a->course);
	unsigned char *want = xcalloc(max + 1, 1);
	const struct exercise **v = xcalloc(max + 1, sizeof(*v));
	size_t k = 0;

	*n = 0;
	for (size_t i = 0; i < g->nonly; i++) {
		char *list = xstrdup(g->only[i]), *save = NULL;
		for (char *t = strtok_r(list, ",", &save); t;
		     t = strtok_r(NULL, ",", &save)) {
			if (mark_item(a, t, want) < 0) {
				free(list);
				goto fail;
			}
		}
		free(list);
	}
	if (g->nonly == 0) {
		if (app_warn_broken(a, stderr) > 0) {
			fprintf(stderr, "workbook: fix the broken lessons, or "
					"grade the others with --only\n");
			goto fail;
		}
		memset(want, 1, max);
	}
	for (size_t i = 0; i < a->course.nsections; i++)
		for (size_t j = 0; j < a->course.sections[i].nexercises; j++)
			if (want[k++])
				v[(*n)++] = &a->course.sections[i].exercises[j];
	free(want);
	if (*n == 0) {
		fprintf(stderr, "workbook: no exercise to grade\n");
		free(v);
		return NULL;
	}
	return v;
fail:
	free(want);
	free(v);
	return NULL;
}

/* --- reports ------------------------------------------------------------ */

static void put_clean(FILE *f, const char *s)
{
	struct buf b;

	buf_init(&b, 4096);
	text_cleans(&b, s ? s : "", TEXT_LINE);
	fputs(buf_cstr(&b), f);
	buf_release(&b);
}

/* The class as text: a line per student, then a line per exercise that
 * did not pass.  No timings, so two runs compare equal. */
static int write_text_class(FILE *f, const struct grade_class *gc,
			    const struct exercise *const *exs, size_t nexs,
			    const struct report_opts *o)
{
	double sum = 0, max = 0;
	size_t full = 0;

	fprintf(f, "%s\n", o->title ? o->title : "workbook");
	fprintf(f, "graded: %zu student%s on %zu exercise%s:", gc->n,
		gc->n == 1 ? "" : "s", nexs, nexs == 1 ? "" : "s");
	for (size_t i = 0; i < nexs; i++)
		fprintf(f, " %s", exs[i]->name);
	fprintf(f, "\nsandbox: %s\n\n",
		gc->n ? gc->runs[0].sandbox_layers : "-");
	for (size_t s = 0; s < gc->n; s++) {
		const struct run_result *r = &gc->runs[s];
		double score, smax;
		run_result_totals(r, &score, &smax, NULL, NULL);
		sum += score;
		max = smax;
		full += smax > 0 && score >= smax;
		fprintf(f, "%-24s %g/%g\n", r->student, score, smax);
		for (size_t i = 0; i < r->n; i++) {
			const struct exercise_result *x = &r->exercises[i];
			if (x->status == VS_PASS)
				continue;
			fprintf(f, "    %s: %s: ", x->name,
				vstatus_name(x->status));
			put_clean(f, x->message);
			fputc('\n', f);
		}
	}
	if (gc->n)
		fprintf(f,
			"\nclass: %zu student%s, mean %.2f/%g, %zu with full "
			"marks\n",
			gc->n, gc->n == 1 ? "" : "s", sum / (double)gc->n, max,
			full);
	return ferror(f) ? -1 : 0;
}

/* Render with fn into an allocated string. */
static char *render(int (*fn)(FILE *, void *), void *arg, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);

	if (!f)
		xfatal("out of memory rendering a report");
	int rc = fn(f, arg);
	if (fclose(f) != 0 || rc < 0) {
		free(text);
		return NULL;
	}
	return text;
}

struct one_doc {
	const struct report_format *rf;
	const struct run_result *run;
	const struct report_opts *ro;
};

static int render_one(FILE *f, void *arg)
{
	struct one_doc *d = arg;

	return d->rf->write(f, d->run, d->ro);
}

struct class_doc {
	const struct report_format *rf;
	const struct grade_class *gc;
	const struct exercise *const *exs;
	size_t nexs;
	const struct report_opts *ro;
};

static int render_class(FILE *f, void *arg)
{
	struct class_doc *d = arg;

	if (d->rf->write_class)
		return d->rf->write_class(f, d->gc->runs, d->gc->n, d->ro);
	if (!strcmp(d->rf->name, "gradescope"))
		/* Gradescope reads one student a document: the class
		 * summary is ours. */
		return report_json_write_class(f, d->gc->runs, d->gc->n, d->ro);
	return write_text_class(f, d->gc, d->exs, d->nexs, d->ro);
}

static int write_doc(const char *path, int (*fn)(FILE *, void *), void *arg)
{
	struct err e;
	size_t len = 0;
	char *text = render(fn, arg, &len);

	if (!text) {
		fprintf(stderr, "workbook: cannot render '%s'\n", path);
		return -1;
	}
	int rc = path_write_file(path, text, len, 0644, &e);
	if (rc < 0)
		fprintf(stderr, "workbook: %s\n", e.msg);
	free(text);
	return rc;
}

static int write_out_dir(const char *out, struct class_doc *cd)
{
	const char *ext = cd->rf->ext;
	struct err e;
	int rc = 0;

	if (path_mkdirs(out, &e) < 0) {
		fprintf(stderr, "workbook: %s\n", e.msg);
		return -1;
	}
	for (size_t s = 0; s < cd->gc->n; s++) {
		const struct run_result *r = &cd->gc->runs[s];
		struct one_doc d = {cd->rf, r, cd->ro};
		char *dir = path_join(out, r->student);
		char *file = xasprintf("%s/results.%s", dir, ext);
		if (path_mkdirs(dir, &e) < 0) {
			fprintf(stderr, "workbook: %s\n", e.msg);
			rc = -1;
		} else if (write_doc(file, render_one, &d) < 0) {
			rc = -1;
		}
		free(file);
		free(dir);
	}
	char *cls = xasprintf("%s/class.%s", out, ext);
	if (write_doc(cls, render_class, cd) < 0)
		rc = -1;
	free(cls);
	return rc;
}

/* --- the command -------------------------------------------------------- */

static int parse_args(int argc, char **argv, struct grade_args *g)
{
	static const struct option opts[] = {
	    {"jobs", required_argument, NULL, 'j'},
	    {"format", required_argument, NULL, 'f'},
	    {"out", required_argument, NULL, 'o'},
	    {"require", required_argument, NULL, 'r'},
	    {"only", required_argument, NULL, 'O'},
	    {"single", no_argument, NULL, 's'},
	    {"verbose", no_argument, NULL, 'v'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	memset(g, 0, sizeof(*g));
	g->format = "text";
	g->jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
	g->only = xcalloc((size_t)argc + 1, sizeof(*g->only));
	optind = 1;
	while ((c = getopt_long(argc, argv, "j:f:o:v", opts, NULL)) != -1) {
		switch (c) {
		case 'j': {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*end || v < 1 || v > 256)
				return -1;
			g->jobs = (int)v;
			break;
		}
		case 'f':
			g->format = optarg;
			break;
		case 'o':
			g->out = optarg;
			break;
		case 'r':
			g->require = optarg;
			break;
		case 'O':
			g->only[g->nonly++] = optarg;
			break;
		case 's':
			g->single = 1;
			break;
		case 'v':
			g->verbose = 1;
			break;
		default:
			return -1;
		}
	}
	if (optind != argc - 1)
		return -1;
	g->dir = argv[optind];
	if (g->jobs < 1)
		g->jobs = 1;
	return 0;
}

static int read_roster(const struct grade_args *g, struct grade_roster *r)
{
	struct err e;
	int rc;

	if (g->single) {
		char *abs = path_absolute(g->dir);
		const char *base = path_basename(abs);
		rc = grade_roster_single(
		    r, g->dir, grade_name_ok(base) ? base : "submission", &e);
		free(abs);
	} else {
		rc = grade_roster_read(r, g->dir, &e);
	}
	if (rc < 0)
		fprintf(stderr, "workbook: %s\n", e.msg);
	return rc;
}

/* The strict sandbox, or practice runs with a loud warning when none is
 * possible and the instructor did not require one. */
static int open_sandbox(const char *require, struct sandbox **sb)
{
	struct sandbox_config cfg = {.require = require};
	struct err e;

	*sb = sandbox_new(&cfg, &e);
	if (*sb)
		return 0;
	if (require) {
		fprintf(stderr,
			"workbook: cannot grade with --require %s: %s\n",
			require, e.msg);
		return -1;
	}
	fprintf(stderr,
		"workbook: WARNING: no sandbox is possible here (%s).\n"
		"workbook: WARNING: grading with practice runs: students' "
		"programs run with\n"
		"workbook: WARNING: your permissions and can touch your files. "
		"Use\n"
		"workbook: WARNING: --require basic to refuse instead.\n",
		e.msg);
	return 0;
}

static void warn_reference(const struct grade_class *gc)
{
	for (size_t i = 0; i < gc->nreference; i++) {
		const struct exercise_result *x = &gc->reference[i];
		if (x->status == VS_PASS || x->status == VS_SKIP)
			continue;
		fprintf(stderr,
			"workbook: WARNING: the reference solution of %s does "
			"not pass here: ",
			x->name);
		put_clean(stderr, x->message);
		fputs("\nworkbook: WARNING: its grades say more about this "
		      "machine than about the students\n",
		      stderr);
	}
}

static void run_callbacks(struct app *a, struct grade_class *gc,
			  const struct exercise *const *exs)
{
	for (size_t s = 0; s < gc->n; s++)
		for (size_t i = 0; i < gc->runs[s].n; i++)
			/* A file that was not submitted has no checks: there
			 * is nothing for the lesson to explain. */
			if (gc->runs[s].exercises[i].nchecks > 0)
				script_on_result(a->script, exs[i],
						 &gc->runs[s].exercises[i]);
}

static int exit_status(const struct grade_class *gc)
{
	int failed = 0;

	if (gc->interrupted)
		return 2;
	for (size_t s = 0; s < gc->n; s++)
		for (size_t i = 0; i < gc->runs[s].n; i++) {
			const struct exercise_result *x =
			    &gc->runs[s].exercises[i];
			if (x->status == VS_ERROR)
				return 2;
			failed |= x->status != VS_PASS;
		}
	return failed ? 1 : 0;
}

static int grade(struct app *a, const struct grade_args *g,
		 const struct report_format *rf)
{
	struct grade_roster roster;
	struct grade_class gc;
	struct sandbox *sb = NULL;
	struct err e;
	size_t nexs;
	int rc = 2;
	const struct exercise **exs = targets(a, g, &nexs);

	if (!exs)
		return 2;
	if (read_roster(g, &roster) < 0) {
		free(exs);
		return 2;
	}
	for (size_t i = 0; i < roster.nskipped; i++)
		fprintf(stderr, "workbook: skipped '%s': %s\n",
			roster.skipped[i].entry, roster.skipped[i].reason);
	if (!g->out && !rf->write_class && roster.n != 1 &&
	    !strcmp(rf->name, "gradescope")) {
		fprintf(stderr, "workbook: gradescope reads one results.json "
				"per student: use --out DIR or --single\n");
		goto out;
	}
	if (workspace_prepare(&a->ws, &e) < 0) {
		fprintf(stderr, "workbook: %s\n", e.msg);
		goto out;
	}
	/* Children (and the sandbox's helpers, made by sandbox_new)
	 * inherit this: without address randomisation a sanitizer
	 * report (addresses, what an uninitialised buffer held) comes out the
	 * same every time, and so does the grade. */
	int persona = personality(0xffffffff);
	if (persona != -1)
		personality((unsigned long)persona | ADDR_NO_RANDOMIZE);
	if (open_sandbox(g->require, &sb) < 0)
		goto out;
	a->build.sandbox = sb;

	char *workdir = path_join(a->ws.build_dir, "grade");
	struct grade_opts o = {
	    .jobs = g->jobs,
	    .sandbox = sb,
	    .workdir = workdir,
	    .reference = 1,
	    .progress = isatty(2) ? progress_line : NULL,
	    .cancel = poll_interrupted,
	};
	struct sigaction sa = {.sa_handler = on_signal}, old_int, old_term;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	int started =
	    grade_run(&a->course, &a->build, exs, nexs, &roster, &o, &gc, &e);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (o.progress)
		fputs("\r\033[K", stderr);
	free(workdir);
	if (started < 0) {
		fprintf(stderr, "workbook: %s\n", e.msg);
		goto out;
	}
	warn_reference(&gc);
	run_callbacks(a, &gc, exs);

	struct report_opts ro = {.verbose = g->verbose,
				 .title = a->course.title};
	struct class_doc cd = {rf, &gc, exs, nexs, &ro};
	int wrote;
	if (g->out) {
		wrote = write_out_dir(g->out, &cd);
		if (wrote == 0)
			wrote = write_text_class(stdout, &gc, exs, nexs, &ro);
	} else if (!rf->write_class && gc.n == 1 && strcmp(rf->name, "text")) {
		wrote = rf->write(stdout, &gc.runs[0], &ro);
	} else {
		wrote = render_class(stdout, &cd);
	}
	fflush(stdout);
	rc = wrote < 0 ? 2 : exit_status(&gc);
	if (gc.interrupted)
		fprintf(stderr, "workbook: grading was interrupted; unfinished "
				"exercises are marked error\n");
	grade_class_release(&gc);
out:
	a->build.sandbox = NULL;
	sandbox_free(sb);
	grade_roster_release(&roster);
	free(exs);
	return rc;
}

int cmd_grade(int argc, char **argv)
{
	struct grade_args g;
	const struct report_format *rf;
	struct app a;
	int rc;

	if (parse_args(argc, argv, &g) < 0) {
		free(g.only);
		return cmd_usage(USAGE);
	}
	rf = report_find(g.format);
	if (!rf) {
		fprintf(stderr, "workbook: unknown format '%s' (known: %s)\n",
			g.format, report_names());
		free(g.only);
		return 2;
	}
	if (app_open(&a) < 0) {
		free(g.only);
		return 2;
	}
	rc = grade(&a, &g, rf);
	app_close(&a);
	free(g.only);
	return rc;
}
