/*
 * workbook dev check [-j N] [--format text|json] [EX...]: for lesson
 * authors.  Every lesson loads; every exercise's starter fails and its
 * solution passes, and when the exercise has no sanitize check the
 * solution's tests pass under address,undefined too; every exercise has
 * hints and checks; every quiz's answer is one of its choices; every
 * reading page is UTF-8 that md4c parses, with a heading.  Output is one
 * TAP-style line per item ("ok - memory/overflow: ...", "ok - page
 * memory/reading.md: ..."), so `make test` and CI read it as they are;
 * --format json gives the same as one document (docs/instructor-guide.md).
 *
 * The checks of different exercises run on worker threads (the engine is
 * thread-safe); lesson callbacks run afterwards on this thread, since the
 * Lua state is not.
 */
#include "cmd.h"

#include <getopt.h>
#include <jansson.h>
#include <md4c.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "check.h"
#include "report.h"
#include "sandbox.h"
#include "script.h"
#include "tui/tui.h"
#include "util/err.h"
#include "util/path.h"
#include "util/text.h"
#include "util/xalloc.h"

#define USAGE                                                                  \
	"dev check [-j N] [--verbose] [--no-sandbox] [--format text|json] "    \
	"[EX...] | dev book | dev keys"
#define PAGE_MAX ((size_t)4 << 20)
#define MD_PAD	 64 /* zero bytes after the text given to md4c */

struct job {
	const struct exercise *ex;
	char *starter; /* the pristine starter */
	struct exercise_result starter_x, solution_x;
	/* No sanitize check: the solution's tests again under ASan+UBSan. */
	struct exercise_result sanitized_x;
	int sanitized;
	char error[ERR_MAX];
};

/* Where results go: TAP-style lines, or one JSON document. */
struct dev_out {
	json_t *results; /* NULL: text */
	int total, failed;
};

static json_t *jstr(const char *s)
{
	struct buf b;
	json_t *v;

	if (!s)
		return json_null();
	buf_init(&b, BUF_CAPTURE_MAX);
	text_cleans(&b, s, TEXT_UTF8);
	v = json_stringn(buf_cstr(&b), b.len);
	buf_release(&b);
	if (!v)
		xfatal("out of memory building JSON");
	return v;
}

/* One result: "ok - <what>: <message>" or a JSON entry, which is returned
 * (NULL in text mode) for the caller to add to. */
static json_t *emit(struct dev_out *o, int ok, const char *kind,
		    const char *name, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static json_t *emit(struct dev_out *o, int ok, const char *kind,
		    const char *name, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;
	int plain = !strcmp(kind, "exercise");

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	o->total++;
	o->failed += !ok;
	if (!o->results) {
		printf("%s - %s%s%s: %s\n", ok ? "ok" : "not ok",
		       plain ? "" : kind, plain ? "" : " ", name, msg);
		return NULL;
	}
	json_t *r = json_object();
	json_object_set_new(r, "kind", json_string(kind));
	json_object_set_new(r, "name", jstr(name));
	json_object_set_new(r, "ok", json_boolean(ok));
	json_object_set_new(r, "message", jstr(msg));
	json_array_append_new(o->results, r);
	return r;
}

static json_t *run_json(const struct exercise_result *x)
{
	json_t *v = json_object();
	const struct check_result *bad = NULL;

	for (size_t i = 0; i < x->nchecks && !bad; i++)
		if (x->checks[i].status == VS_FAIL ||
		    x->checks[i].status == VS_ERROR)
			bad = &x->checks[i];
	json_object_set_new(v, "status", json_string(vstatus_name(x->status)));
	json_object_set_new(v, "message", jstr(x->message));
	json_object_set_new(v, "failed_check", jstr(bad ? bad->name : NULL));
	return v;
}

struct pool {
	struct app *app;
	struct job *jobs;
	size_t n, next;
	pthread_mutex_t lock;
	struct check_options opts;
};

/* Exercises with a tests check and no sanitize check get their solution's
 * tests run once more under address,undefined. */
static int wants_probe(const struct exercise *ex)
{
	int tests = 0;

	for (size_t i = 0; i < ex->nchecks; i++) {
		if (!strcmp(ex->checks[i].kind, "sanitize"))
			return 0;
		tests |= !strcmp(ex->checks[i].kind, "tests");
	}
	return tests;
}

/* The exercise as if it had sanitize { "address", "undefined" } for its
 * first tests file, run on the solution. */
static void probe_sanitizers(struct pool *p, struct job *j, const char *dir)
{
	static char address[] = "address", undefined[] = "undefined";
	static char kinds_key[] = "kinds", tests_key[] = "tests";
	static char kind[] = "sanitize", name[] = "sanitize (dev check)";
	static char *kinds[] = {address, undefined};
	const struct exercise *ex = j->ex;
	struct exercise probe = *ex;
	struct check_spec spec = {.kind = kind, .name = name};
	struct param params[2] = {
	    {.key = kinds_key, .type = PARAM_LIST, .list = kinds, .nlist = 2},
	    {.key = tests_key, .type = PARAM_FILE},
	};
	struct err e;

	for (size_t i = 0; i < ex->nchecks && !params[1].str; i++)
		if (!strcmp(ex->checks[i].kind, "tests")) {
			params[1].str = (char *)check_param_str(&ex->checks[i],
								"file", NULL);
			spec.where = ex->checks[i].where;
			spec.timeout_ms = ex->checks[i].timeout_ms;
		}
	spec.params = params;
	spec.nparams = 2;
	probe.checks = &spec;
	probe.nchecks = 1;
	j->sanitized_x.name = xstrdup(ex->name);
	if (check_run_exercise(&p->app->course, &probe, ex->solution, dir,
			       &p->app->build, &p->opts, &j->sanitized_x,
			       &e) == 0)
		j->sanitized = 1;
}

static void run_job(struct pool *p, struct job *j)
{
	struct err e;
	char *dir = xasprintf("%s/dev/%s", p->app->ws.build_dir, j->ex->name);
	char *sdir = path_join(dir, "starter");
	char *odir = path_join(dir, "solution");

	j->starter_x.name = xstrdup(j->ex->name);
	j->solution_x.name = xstrdup(j->ex->name);
	if (!j->starter) {
		snprintf(j->error, sizeof(j->error), "no starter file '%s'",
			 j->ex->file);
	} else if (!path_exists(j->ex->solution)) {
		snprintf(j->error, sizeof(j->error), "no solution file '%s'",
			 j->ex->solution);
	} else if (check_run_exercise(&p->app->course, j->ex, j->starter, sdir,
				      &p->app->build, &p->opts, &j->starter_x,
				      &e) < 0 ||
		   check_run_exercise(&p->app->course, j->ex, j->ex->solution,
				      odir, &p->app->build, &p->opts,
				      &j->solution_x, &e) < 0) {
		snprintf(j->error, sizeof(j->error), "%s", e.msg);
	} else if (j->solution_x.status == VS_PASS && wants_probe(j->ex)) {
		char *zdir = path_join(dir, "solution-sanitized");
		probe_sanitizers(p, j, zdir);
		free(zdir);
	}
	free(sdir);
	free(odir);
	free(dir);
}

static void *worker(void *arg)
{
	struct pool *p = arg;

	for (;;) {
		pthread_mutex_lock(&p->lock);
		size_t i = p->next++;
		pthread_mutex_unlock(&p->lock);
		if (i >= p->n)
			return NULL;
		run_job(p, &p->jobs[i]);
	}
}

/* The first check that failed, for the one-line summary. */
static const struct check_result *first_failure(const struct exercise_result *x)
{
	for (size_t i = 0; i < x->nchecks; i++)
		if (x->checks[i].status == VS_FAIL ||
		    x->checks[i].status == VS_ERROR)
			return &x->checks[i];
	return NULL;
}

/* What the sanitizer probe adds to an exercise's line: "" when there was
 * none; sets *bad when the solution fails under the sanitizers. */
static void probe_verdict(const struct job *j, char *out, size_t n, int *bad)
{
	const struct exercise_result *x = &j->sanitized_x;

	*bad = 0;
	out[0] = '\0';
	if (!j->sanitized)
		return;
	if (x->status == VS_PASS) {
		snprintf(out, n,
			 "; its tests pass under address,undefined too");
	} else if (x->status == VS_FAIL) {
		*bad = 1;
		snprintf(out, n,
			 "the solution passes only without sanitizers: under "
			 "address,undefined %s (add a sanitize check, or fix "
			 "the solution)",
			 x->message ? x->message : "its tests fail");
	} else {
		snprintf(out, n,
			 "; the address,undefined run could not finish (%s)",
			 x->message ? x->message : "?");
	}
}

static int report_job(struct app *a, struct job *j, int verbose,
		      struct dev_out *o)
{
	struct report_opts ro = {.color = 0, .verbose = 1};
	struct run_result one;
	const struct check_result *f = first_failure(&j->starter_x);
	int ok = 1, bad_probe;
	char why[1024] = "", probe[768];
	json_t *r;

	if (j->error[0]) {
		emit(o, 0, "exercise", j->ex->name, "%s", j->error);
		return 0;
	}
	/* Run the lesson's callbacks once each way: they must not raise. */
	script_on_result(a->script, j->ex, &j->starter_x);
	script_on_result(a->script, j->ex, &j->solution_x);
	probe_verdict(j, probe, sizeof(probe), &bad_probe);
	if (j->starter_x.status == VS_PASS) {
		ok = 0;
		snprintf(why, sizeof(why), "the starter passes every check");
	} else if (j->starter_x.status == VS_ERROR) {
		ok = 0;
		snprintf(why, sizeof(why), "the starter run failed: %s",
			 j->starter_x.message ? j->starter_x.message : "?");
	} else if (j->solution_x.status != VS_PASS) {
		ok = 0;
		snprintf(why, sizeof(why), "the solution fails: %s",
			 j->solution_x.message ? j->solution_x.message : "?");
	} else if (j->starter_x.feedback_error ||
		   j->solution_x.feedback_error) {
		ok = 0;
		snprintf(why, sizeof(why), "on_result raised: %s",
			 j->starter_x.feedback_error
			     ? j->starter_x.feedback_error
			     : j->solution_x.feedback_error);
	} else if (bad_probe) {
		ok = 0;
		snprintf(why, sizeof(why), "%s", probe);
	}
	if (ok) {
		size_t skipped = 0;
		for (size_t i = 0; i < j->solution_x.nchecks; i++)
			skipped += j->solution_x.checks[i].status == VS_SKIP;
		r = emit(
		    o, 1, "exercise", j->ex->name,
		    "starter fails at %s (%s); solution passes %zu check%s%s%s",
		    f ? f->name : "?", f && f->message ? f->message : "",
		    j->solution_x.nchecks - skipped,
		    j->solution_x.nchecks - skipped == 1 ? "" : "s",
		    skipped ? " (some skipped: see doctor)" : "", probe);
	} else {
		r = emit(o, 0, "exercise", j->ex->name, "%s", why);
	}
	if (r) {
		json_object_set_new(r, "starter", run_json(&j->starter_x));
		json_object_set_new(r, "solution", run_json(&j->solution_x));
		json_object_set_new(r, "sanitized",
				    j->sanitized ? run_json(&j->sanitized_x)
						 : json_null());
		return ok;
	}
	if (!ok || verbose) {
		run_result_init(&one);
		one.exercises = bad_probe ? &j->sanitized_x
				: j->solution_x.status != VS_PASS
				    ? &j->solution_x
				    : &j->starter_x;
		one.n = 1;
		fflush(stdout);
		printf("# %s with the %s:\n", j->ex->name,
		       one.exercises == &j->starter_x ? "starter"
		       : bad_probe ? "solution under address,undefined"
				   : "solution");
		report_text_write(stdout, &one, &ro);
		one.exercises = NULL;
		one.n = 0;
	}
	return ok;
}

/* --- lessons: pages, quizzes, hints and checks ---------------------------- */

static int count_heading(MD_BLOCKTYPE type, void *detail, void *arg)
{
	(void)detail;
	if (type == MD_BLOCK_H)
		(*(int *)arg)++;
	return 0;
}

static int no_block(MD_BLOCKTYPE type, void *detail, void *arg)
{
	(void)type;
	(void)detail;
	(void)arg;
	return 0;
}

static int no_span(MD_SPANTYPE type, void *detail, void *arg)
{
	(void)type;
	(void)detail;
	(void)arg;
	return 0;
}

static int no_text(MD_TEXTTYPE type, const MD_CHAR *text, MD_SIZE size,
		   void *arg)
{
	(void)type;
	(void)text;
	(void)size;
	(void)arg;
	return 0;
}

/* Why the page would not render, or NULL; *headings counted. */
static const char *page_problem(const char *path, int *headings, char *buf,
				size_t n)
{
	MD_PARSER parser = {
	    .flags = MD_DIALECT_GITHUB,
	    .enter_block = count_heading,
	    .leave_block = no_block,
	    .enter_span = no_span,
	    .leave_span = no_span,
	    .text = no_text,
	};
	struct err e;
	size_t len;
	char *text = path_read_file(path, PAGE_MAX, &len, &e);

	*headings = 0;
	if (!text) {
		snprintf(buf, n, "cannot be read: %.900s", e.msg);
		return buf;
	}
	for (size_t i = 0; i < len;) {
		size_t k =
		    text_utf8_seq((const unsigned char *)text + i, len - i);
		if (k == 0) {
			size_t line = 1;
			for (size_t c = 0; c < i; c++)
				line += text[c] == '\n';
			free(text);
			snprintf(buf, n, "is not UTF-8 (line %zu)", line);
			return buf;
		}
		i += k;
	}
	/* md4c may look a little past the end: give it zero bytes there. */
	char *padded = xcalloc(len + MD_PAD, 1);
	memcpy(padded, text, len);
	free(text);
	int rc = md_parse(padded, (MD_SIZE)len, &parser, headings);
	free(padded);
	if (rc != 0) {
		snprintf(buf, n, "md4c cannot parse it (%d)", rc);
		return buf;
	}
	if (*headings == 0) {
		snprintf(
		    buf, n,
		    "has no heading (the map and the book need its title)");
		return buf;
	}
	return NULL;
}
/* Pages render; quizzes' answers are choices; exercises have hints and
 * checks.  The loader refuses most of these; a course model made another
 * way (or a loader bug) is caught here. */
static void lint_section(const struct section *s, struct dev_out *o)
{
	char why[1024];
	int problems = 0;

	for (size_t i = 0; i < s->npages; i++) {
		char *name = xasprintf("%s/%s", s->id, s->pages[i].rel);
		int headings;
		const char *bad =
		    page_problem(s->pages[i].file, &headings, why, sizeof(why));
		if (bad)
			emit(o, 0, "page", name, "%s", bad);
		else
			emit(o, 1, "page", name, "renders (%d heading%s)",
			     headings, headings == 1 ? "" : "s");
		free(name);
	}
	for (size_t i = 0; i < s->nquizzes; i++) {
		const struct quiz *q = &s->quizzes[i];
		if (q->nchoices < 2)
			emit(o, 0, "quiz", q->name,
			     "has %zu choice%s (needs 2 or more)", q->nchoices,
			     q->nchoices == 1 ? "" : "s"),
			    problems++;
		else if (q->answer < 1 || (size_t)q->answer > q->nchoices)
			emit(o, 0, "quiz", q->name,
			     "answer %d is out of range (choices 1 to %zu)",
			     q->answer, q->nchoices),
			    problems++;
	}
	for (size_t i = 0; i < s->nexercises; i++) {
		const struct exercise *ex = &s->exercises[i];
		if (ex->nchecks == 0)
			emit(o, 0, "exercise", ex->name,
			     "has no checks: nothing can tell it is done"),
			    problems++;
		if (ex->nhints == 0)
			emit(o, 0, "exercise", ex->name, "has no hints"),
			    problems++;
	}
	if (!problems)
		emit(o, 1, "lesson", s->id,
		     "%zu quiz%s with answers in range; %zu exercise%s with "
		     "hints and checks",
		     s->nquizzes, s->nquizzes == 1 ? "" : "zes", s->nexercises,
		     s->nexercises == 1 ? "" : "s");
}

static int dev_check(struct app *a, char **names, int nnames, int jobs,
		     int verbose, struct sandbox *sb, struct dev_out *o)
{
	struct pool p = {.app = a};
	size_t max = course_count_exercises(&a->course);

	p.jobs = xcalloc(max + 1, sizeof(*p.jobs));
	p.opts.quick = 1;
	p.opts.jobs = jobs;
	p.opts.sandbox = sb;
	a->build.sandbox = sb;
	for (size_t i = 0; i < a->course.nsections; i++) {
		const struct section *s = &a->course.sections[i];
		int whole = nnames == 0;
		for (int m = 0; m < nnames; m++)
			whole |= !strcmp(names[m], s->id);
		if (s->error && whole)
			emit(o, 0, "lesson", s->id, "%s", s->error);
		else if (!s->error && whole)
			lint_section(s, o);
		for (size_t k = 0; k < s->nexercises; k++) {
			const struct exercise *ex = &s->exercises[k];
			int want = whole;
			for (int m = 0; m < nnames; m++)
				want |= !strcmp(names[m], ex->name);
			if (!want)
				continue;
			p.jobs[p.n].ex = ex;
			p.jobs[p.n].starter = app_course_file(a, ex);
			if (!p.jobs[p.n].starter) {
				char *w = workspace_path(&a->ws, ex->file);
				if (path_exists(w))
					p.jobs[p.n].starter = w;
				else
					free(w);
			}
			p.n++;
		}
	}
	if (nnames && p.n == 0 && o->total == 0) {
		fprintf(stderr, "workbook: no exercise matches\n");
		free(p.jobs);
		return 2;
	}
	struct err e;
	if (workspace_prepare(&a->ws, &e) < 0) {
		fprintf(stderr, "workbook: %s\n", e.msg);
		free(p.jobs);
		return 2;
	}
	pthread_mutex_init(&p.lock, NULL);
	pthread_t *threads = xcalloc((size_t)jobs, sizeof(*threads));
	int started = 0;
	for (int t = 0; t < jobs; t++)
		if (pthread_create(&threads[t], NULL, worker, &p) == 0)
			started++;
	if (started == 0)
		worker(&p);
	for (int t = 0; t < started; t++)
		pthread_join(threads[t], NULL);
	free(threads);
	pthread_mutex_destroy(&p.lock);
	for (size_t i = 0; i < p.n; i++) {
		report_job(a, &p.jobs[i], verbose, o);
		exercise_result_release(&p.jobs[i].starter_x);
		exercise_result_release(&p.jobs[i].solution_x);
		exercise_result_release(&p.jobs[i].sanitized_x);
		free(p.jobs[i].starter);
	}
	free(p.jobs);
	if (!o->results)
		printf("1..%d\n# dev check: %d of %d ok\n", o->total,
		       o->total - o->failed, o->total);
	return o->failed ? 1 : 0;
}

int cmd_dev(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"jobs", required_argument, NULL, 'j'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"no-sandbox", no_argument, NULL, 'S'},
	    {"format", required_argument, NULL, 'f'},
	    {NULL, 0, NULL, 0},
	};
	int jobs = (int)sysconf(_SC_NPROCESSORS_ONLN), verbose = 0, c, rc;
	int use_sandbox = 1;
	struct sandbox *sb = NULL;
	struct dev_out out = {0};
	const char *format = "text";
	struct app a;

	if (argc == 2 && !strcmp(argv[1], "keys")) {
		tui_keys_markdown(stdout);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "book")) {
		if (app_open(&a) < 0)
			return 2;
		rc = cmd_dev_book(&a, stdout);
		app_close(&a);
		return rc;
	}
	if (argc < 2 || strcmp(argv[1], "check"))
		return cmd_usage(USAGE);
	argc--;
	argv++;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+j:v", opts, NULL)) != -1) {
		if (c == 'j') {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*end || v < 1 || v > 64)
				return cmd_usage(USAGE);
			jobs = (int)v;
		} else if (c == 'v') {
			verbose = 1;
		} else if (c == 'S') {
			use_sandbox = 0;
		} else if (c == 'f' && (!strcmp(optarg, "text") ||
					!strcmp(optarg, "json"))) {
			format = optarg;
		} else {
			return cmd_usage(USAGE);
		}
	}
	if (jobs < 1)
		jobs = 1;
	if (app_open(&a) < 0)
		return 2;
	if (!strcmp(format, "json"))
		out.results = json_array();
	/* The same sandbox grading uses, so a lesson that cannot run in it
	 * shows up here first. */
	char why[ERR_MAX] = "disabled (--no-sandbox)";
	if (use_sandbox) {
		struct err e;
		sb = sandbox_new(NULL, &e);
		if (!sb)
			snprintf(why, sizeof(why), "%s", e.msg);
	}
	if (!out.results && sb)
		printf("# sandbox: %s\n", sandbox_layers(sb));
	else if (!out.results)
		printf("# no sandbox here (%s): practice runs\n", why);
	rc = dev_check(&a, argv + optind, argc - optind, jobs, verbose, sb,
		       &out);
	if (out.results && rc != 2) {
		json_t *doc = json_object();
		json_object_set_new(doc, "schema",
				    json_string("workbook-devcheck/1"));
		json_object_set_new(doc, "sandbox",
				    sb ? json_string(sandbox_layers(sb))
				       : json_null());
		json_object_set_new(doc, "total", json_integer(out.total));
		json_object_set_new(doc, "ok",
				    json_integer(out.total - out.failed));
		json_object_set_new(doc, "failed", json_integer(out.failed));
		json_object_set_new(doc, "results", out.results);
		out.results = NULL;
		if (json_dumpf(doc, stdout,
			       JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0)
			rc = 2;
		fputc('\n', stdout);
		json_decref(doc);
	}
	json_decref(out.results);
	a.build.sandbox = NULL;
	sandbox_free(sb);
	app_close(&a);
	return rc;
}
