#include "app.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "proc.h"
#include "script.h"
#include "util/err.h"
#include "util/path.h"
#include "util/xalloc.h"
#include "verdict.h"

struct app_globals app_globals;

static int want_color(void)
{
	const char *c = app_globals.color;
	const char *no = getenv("NO_COLOR");

	if (c && !strcmp(c, "always"))
		return 1;
	if (c && !strcmp(c, "never"))
		return 0;
	if (no && *no)
		return 0;
	return isatty(1);
}

static int same_dir(const char *x, const char *y)
{
	return !strcmp(x, y);
}

/* In a git checkout, the committed version of a file into `to`. */
static int git_head_copy(const char *root, const char *rel, const char *to)
{
	char *git = proc_which("git");
	char *spec = xasprintf("HEAD:%s", rel);
	char *argv[] = {git, (char *)"-C", (char *)root, (char *)"show", spec,
			NULL};
	char *dotgit = path_join(root, ".git");
	struct proc_opts po = {.argv = argv, .timeout_ms = 10000};
	struct proc_result pr;
	struct err e;
	int ok = 0;

	if (git && path_exists(dotgit) && proc_run(&po, &pr, &e) == 0) {
		if (pr.exited && pr.exit_code == 0 && !pr.out.truncated) {
			char *parent = path_dirname(to);
			ok = path_mkdirs(parent, &e) == 0 &&
			     path_write_file(to, buf_cstr(&pr.out), pr.out.len,
					     0644, &e) == 0;
			free(parent);
		}
		proc_result_release(&pr);
	}
	free(dotgit);
	free(spec);
	free(git);
	return ok ? 0 : -1;
}

char *app_starter_path(const struct app *a, const struct exercise *ex)
{
	char *p;

	if (!same_dir(a->ws.root, a->ws.course_root)) {
		p = path_join(a->ws.course_root, ex->file);
	} else {
		/* The course is this checkout: its committed file is the
		 * starter (fresh after a pull); without git, the snapshot
		 * taken the first time workbook saw the file. */
		char *dir = path_join(a->ws.state_dir, "starters");
		p = path_join(dir, ex->file);
		free(dir);
		git_head_copy(a->ws.root, ex->file, p);
	}
	if (path_exists(p))
		return p;
	free(p);
	return NULL;
}

char *app_course_file(const struct app *a, const struct exercise *ex)
{
	char *p = path_join(a->ws.course_root, ex->file);

	if (path_exists(p))
		return p;
	free(p);
	return app_starter_path(a, ex);
}

static int snapshot_one(struct exercise *ex, void *arg)
{
	struct app *a = arg;
	struct err e;
	char *dir = path_join(a->ws.state_dir, "starters");
	char *snap = path_join(dir, ex->file);
	char *src = workspace_path(&a->ws, ex->file);

	if (!path_exists(snap) && path_exists(src)) {
		char *parent = path_dirname(snap);
		if (path_mkdirs(parent, &e) == 0)
			path_copy_file(src, snap, &e);
		free(parent);
	}
	free(src);
	free(snap);
	free(dir);
	return 0;
}

/* In a workspace that is also the course (the repository), keep a copy of
 * each starter before the learner changes it, so reset works without git. */
static void snapshot_starters(struct app *a)
{
	if (!same_dir(a->ws.root, a->ws.course_root))
		return;
	course_each_exercise(&a->course, snapshot_one, a);
}

static int forget_exercise(struct progress *p, void *arg)
{
	progress_ex_remove(p, arg);
	return 0;
}

int app_reset_exercise(struct app *a, const struct exercise *ex,
		       struct err *e)
{
	char *from = app_starter_path(a, ex);
	char *to = workspace_path(&a->ws, ex->file);
	int rc = -1;

	if (!from) {
		err_set(e, "no starter for '%s' to restore", ex->name);
		goto out;
	}
	char *parent = path_dirname(to);
	if (path_mkdirs(parent, e) < 0) {
		free(parent);
		goto out;
	}
	free(parent);
	if (path_copy_file(from, to, e) < 0)
		goto out;
	rc = progress_update(&a->progress, forget_exercise, (void *)ex->name,
			     e);
out:
	free(from);
	free(to);
	return rc;
}

struct wanted {
	char *const *names;
	int n;
};

/* Whether a name on the command line is about section `id`. */
static int wanted(const char *id, void *arg)
{
	const struct wanted *w = arg;
	size_t l = strlen(id);

	for (int i = 0; i < w->n; i++)
		if (!strncmp(w->names[i], id, l) &&
		    (w->names[i][l] == '\0' || w->names[i][l] == '/'))
			return 1;
	return 0;
}

static int open_some(struct app *a, struct wanted *w);

int app_open(struct app *a)
{
	return open_some(a, NULL);
}

int app_open_for(struct app *a, char *const *names, int n)
{
	struct wanted w = {names, n};

	/* A bare exercise id may be in any lesson. */
	for (int i = 0; i < n; i++)
		if (!strchr(names[i], '/'))
			return open_some(a, NULL);
	return open_some(a, &w);
}

static int open_some(struct app *a, struct wanted *w)
{
	struct err e;

	memset(a, 0, sizeof(*a));
	a->color = want_color();
	if (workspace_find(&a->ws, app_globals.course_dir, &e) < 0) {
		fprintf(stderr, "workbook: %s\n", e.msg);
		return -1;
	}
	course_init(&a->course, a->ws.course_root);
	a->script = script_new(&e);
	if (!a->script) {
		fprintf(stderr, "workbook: %s\n", e.msg);
		app_close(a);
		return -1;
	}
	if (script_load_course_some(a->script, &a->course, a->ws.root,
				    w ? wanted : NULL, w, &e) < 0) {
		fprintf(stderr, "workbook: %s\n", e.msg);
		app_close(a);
		return -1;
	}
	progress_init(&a->progress, a->ws.progress_path);
	if (progress_load(&a->progress, &e) < 0) {
		fprintf(stderr, "workbook: %s\n", e.msg);
		app_close(a);
		return -1;
	}
	if (a->progress.notice)
		fprintf(stderr, "workbook: %s\n", a->progress.notice);
	snapshot_starters(a);
	if (build_init(&a->build, a->ws.build_dir, &e) < 0) {
		fprintf(stderr, "workbook: %s\n", e.msg);
		app_close(a);
		return -1;
	}
	return 0;
}

void app_close(struct app *a)
{
	script_free(a->script);
	a->script = NULL;
	course_release(&a->course);
	progress_release(&a->progress);
	build_release(&a->build);
	workspace_release(&a->ws);
}

int app_warn_broken(const struct app *a, FILE *f)
{
	int n = 0;

	for (size_t i = 0; i < a->course.nsections; i++) {
		if (!a->course.sections[i].error)
			continue;
		fprintf(f, "workbook: broken lesson: %s\n",
			a->course.sections[i].error);
		n++;
	}
	return n;
}

struct verdict_update {
	const char *name;
	int passed;
	int attempts; /* out */
};

static int record_verdict(struct progress *p, void *arg)
{
	struct verdict_update *u = arg;
	struct progress_ex *r = progress_ex_get(p, u->name);

	r->attempts++;
	if (u->passed)
		r->state = EX_DONE;
	else if (r->state != EX_DONE)
		r->state = EX_FAILED;
	r->time = (long long)time(NULL);
	u->attempts = r->attempts;
	return 0;
}

int app_check_exercise(struct app *a, const struct exercise *ex,
		       const struct check_options *o,
		       struct exercise_result *x, struct err *e)
{
	char *source = workspace_path(&a->ws, ex->file);
	char *workdir;
	struct verdict_update u = {.name = ex->name};

	if (!path_exists(source)) {
		err_set(e, "'%s' is missing: 'workbook reset %s' brings the starter back",
			ex->file, ex->name);
		free(source);
		return -1;
	}
	if (workspace_prepare(&a->ws, e) < 0) {
		free(source);
		return -1;
	}
	workdir = xasprintf("%s/%s", a->ws.build_dir, ex->name);
	/* WORKBOOK_QUICK=1: the small workloads dev check uses (tests). */
	struct check_options quick = {0};
	const char *q = getenv("WORKBOOK_QUICK");
	if (!o && q && !strcmp(q, "1")) {
		quick.quick = 1;
		o = &quick;
	}
	if (check_run_exercise(&a->course, ex, source, workdir, &a->build, o,
			       x, e) < 0) {
		free(workdir);
		free(source);
		return -1;
	}
	free(workdir);
	free(source);
	/* A check the learner cancelled says nothing about the code: no
	 * attempt is recorded and the lesson is not asked for feedback. */
	if (o && o->cancel && o->cancel(o->cancel_arg)) {
		free(x->message);
		x->message = xstrdup("cancelled");
		return 0;
	}
	u.passed = x->status == VS_PASS;
	if (progress_update(&a->progress, record_verdict, &u, e) < 0)
		return -1;
	x->attempts = u.attempts;
	script_on_result(a->script, ex, x);
	return 0;
}

struct answer_update {
	const char *name;
	int choice, correct;
};

static int record_answer(struct progress *p, void *arg)
{
	struct answer_update *u = arg;
	struct progress_quiz *q = progress_quiz_get(p, u->name);

	q->tries++;
	if (q->tries == 1)
		q->first = u->correct;
	q->answer = u->choice;
	q->correct = u->correct;
	return 0;
}

int app_answer_quiz(struct app *a, const struct quiz *q, int choice,
		    struct err *e)
{
	struct answer_update u = {q->name, choice, choice == q->answer};

	if (choice < 1 || (size_t)choice > q->nchoices)
		return err_set(e, "choice %d is out of range (1 to %zu)",
			       choice, q->nchoices);
	if (progress_update(&a->progress, record_answer, &u, e) < 0)
		return -1;
	return u.correct;
}

struct hint_update {
	const char *name;
	int max;
	int before, shown; /* out */
};

static int record_hint(struct progress *p, void *arg)
{
	struct hint_update *u = arg;
	struct progress_ex *r = progress_ex_get(p, u->name);

	u->before = r->hints;
	if (r->hints < u->max)
		r->hints++;
	u->shown = r->hints;
	return 0;
}

int app_next_hint(struct app *a, const struct exercise *ex,
		  const char **text, struct err *e)
{
	struct hint_update u = {ex->name, (int)ex->nhints, 0, 0};

	if (ex->nhints == 0) {
		*text = NULL;
		return 0;
	}
	if (progress_update(&a->progress, record_hint, &u, e) < 0)
		return -1;
	*text = ex->hints[u.shown - 1];
	return u.shown > u.before ? u.shown : 0;
}
