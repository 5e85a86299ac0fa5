#define _GNU_SOURCE
#include "grade.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "build.h"
#include "check.h"
#include "course.h"
#include "sandbox.h"
#include "util/err.h"
#include "util/path.h"
#include "util/xalloc.h"

#define PROGRESS_MS 250

int grade_name_ok(const char *name)
{
	size_t n = 0;

	if (!name || !name[0] || name[0] == '.')
		return 0;
	for (const char *p = name; *p; p++, n++) {
		char c = *p;
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			 (c >= '0' && c <= '9') || strchr("._@+-", c);
		if (!ok || n >= GRADE_NAME_MAX)
			return 0;
	}
	return 1;
}

/* A folder entry made safe to print: bytes outside printable ASCII
 * become '?', and it is cut at GRADE_NAME_MAX. */
static char *printable(const char *s)
{
	size_t n = strlen(s);
	char *out;

	if (n > GRADE_NAME_MAX)
		n = GRADE_NAME_MAX;
	out = xstrndup(s, n);
	for (char *p = out; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?';
	return out;
}

static void add_skip(struct grade_roster *r, const char *entry,
		     const char *reason)
{
	r->skipped =
	    xrealloc(r->skipped, (r->nskipped + 1) * sizeof(*r->skipped));
	r->skipped[r->nskipped].entry = printable(entry);
	r->skipped[r->nskipped].reason = xstrdup(reason);
	r->nskipped++;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int grade_roster_read(struct grade_roster *r, const char *dir, struct err *e)
{
	size_t cap = 0;
	struct dirent *de;
	DIR *d;
	int fd;

	memset(r, 0, sizeof(*r));
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return err_errno(e, "cannot open the submissions folder '%s'",
				 dir);
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return err_errno(e, "cannot read '%s'", dir);
	}
	r->root = path_absolute(dir);
	while ((errno = 0, de = readdir(d))) {
		struct stat st;
		const char *name = de->d_name;
		if (name[0] == '.')
			continue; /* ., .., .git, .DS_Store: not students */
		if (!grade_name_ok(name)) {
			add_skip(
			    r, name,
			    "the name has characters other than A-Z a-z 0-9 . "
			    "_ @ + - (rename the folder to grade it)");
			continue;
		}
		if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			add_skip(r, name, strerror(errno));
			continue;
		}
		if (S_ISLNK(st.st_mode)) {
			add_skip(r, name, "a symbolic link (never followed)");
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			add_skip(r, name, "not a folder");
			continue;
		}
		r->names = xgrow(r->names, &cap, r->n + 1, sizeof(*r->names));
		r->names[r->n++] = xstrdup(name);
	}
	if (errno) {
		err_errno(e, "cannot read '%s'", dir);
		closedir(d);
		grade_roster_release(r);
		return -1;
	}
	closedir(d);
	if (r->n > 1)
		qsort(r->names, r->n, sizeof(*r->names), by_name);
	return 0;
}

int grade_roster_single(struct grade_roster *r, const char *dir,
			const char *name, struct err *e)
{
	memset(r, 0, sizeof(*r));
	if (!grade_name_ok(name))
		return err_set(
		    e, "'%s' cannot name a student (use A-Z a-z 0-9 . _ @ + -)",
		    name);
	if (!path_is_dir(dir))
		return err_set(e, "'%s' is not a folder", dir);
	r->root = path_absolute(dir);
	r->names = xmalloc(sizeof(*r->names));
	r->names[0] = xstrdup(name);
	r->n = 1;
	r->single = 1;
	return 0;
}

void grade_roster_release(struct grade_roster *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->names[i]);
	free(r->names);
	for (size_t i = 0; i < r->nskipped; i++) {
		free(r->skipped[i].entry);
		free(r->skipped[i].reason);
	}
	free(r->skipped);
	free(r->root);
	memset(r, 0, sizeof(*r));
}

/* --- reading a submission ---------------------------------------------- */

/* Why an entry that exists cannot be opened the way we want. */
static const char *describe_entry(int dirfd, const char *name)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return NULL;
	if (S_ISLNK(st.st_mode))
		return "is a symbolic link (never followed)";
	if (S_ISDIR(st.st_mode))
		return "is a folder";
	if (!S_ISREG(st.st_mode))
		return "is not a regular file";
	return NULL;
}

/*
 * Open `rel` below dirfd one component at a time with O_NOFOLLOW.  Returns
 * an fd; -1 with *why NULL when something on the way is missing; -1 with
 * *why set when an entry is there but refused.
 */
static int open_beneath(int dirfd, const char *rel, const char **why)
{
	char comp[256];
	int fd = dirfd, owned = 0;
	const char *p = rel;

	*why = NULL;
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		if (n == 0 || n >= sizeof(comp)) {
			*why = "has an unusable path";
			goto fail;
		}
		memcpy(comp, p, n);
		comp[n] = '\0';
		const char *bad = describe_entry(fd, comp);
		int next;
		if (slash) {
			if (bad && strcmp(bad, "is a folder")) {
				*why = bad;
				goto fail;
			}
			next = openat(fd, comp,
				      O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					  O_CLOEXEC);
		} else {
			if (bad) {
				*why = bad;
				goto fail;
			}
			next = openat(fd, comp,
				      O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
					  O_CLOEXEC);
		}
		if (next < 0) {
			if (errno != ENOENT && errno != ENOTDIR)
				*why =
				    errno == ELOOP
					? "is a symbolic link (never followed)"
					: "cannot be opened";
			goto fail;
		}
		if (owned)
			close(fd);
		fd = next;
		owned = 1;
		if (!slash)
			return fd;
		p = slash + 1;
	}
fail:
	if (owned)
		close(fd);
	return -1;
}

/* Read a whole regular file of at most max bytes from fd. */
static enum grade_found read_capped(int fd, size_t max, char **data,
				    size_t *len, char *whybuf, size_t nwhy)
{
	struct stat st;
	size_t cap, got = 0;
	char *buf;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(whybuf, nwhy, "is not a regular file");
		return GRADE_REFUSED;
	}
	if ((unsigned long long)st.st_size > max) {
		snprintf(whybuf, nwhy,
			 "is %lld bytes, more than the limit of %zu",
			 (long long)st.st_size, max);
		return GRADE_REFUSED;
	}
	cap = (size_t)st.st_size + 1;
	buf = xmalloc(cap + 1);
	for (;;) {
		ssize_t r = read(fd, buf + got, cap - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			snprintf(whybuf, nwhy, "cannot be read: %s",
				 strerror(errno));
			return GRADE_REFUSED;
		}
		if (r == 0)
			break;
		got += (size_t)r;
		if (got > max) {
			free(buf);
			snprintf(whybuf, nwhy,
				 "is more than the limit of %zu bytes", max);
			return GRADE_REFUSED;
		}
		if (got == cap)
			buf = xgrow(buf, &cap, cap + 4096, 1);
	}
	buf = xrealloc(buf, got + 1);
	buf[got] = '\0';
	*data = buf;
	*len = got;
	return GRADE_FOUND;
}

enum grade_found grade_read_submission(int student_dir,
				       const struct exercise *ex, int flat_ok,
				       size_t max, char **data, size_t *len,
				       char *rel, size_t nrel, char *whybuf,
				       size_t nwhy)
{
	static const char prefix[] = "exercises/";
	const char *file = ex->file;
	const char *cand[3];
	size_t nc = 0;

	if (!max)
		max = GRADE_FILE_MAX;
	*data = NULL;
	*len = 0;
	whybuf[0] = '\0';
	if (!strncmp(file, prefix, sizeof(prefix) - 1)) {
		cand[nc++] = file + sizeof(prefix) - 1;
		cand[nc++] = file;
	} else {
		cand[nc++] = file;
	}
	if (flat_ok && strchr(file, '/'))
		cand[nc++] = path_basename(file);
	for (size_t i = 0; i < nc; i++) {
		const char *why;
		int fd = open_beneath(student_dir, cand[i], &why);
		snprintf(rel, nrel, "%s", cand[i]);
		if (fd < 0 && !why)
			continue;
		if (fd < 0) {
			snprintf(whybuf, nwhy, "%s", why);
			return GRADE_REFUSED;
		}
		enum grade_found f =
		    read_capped(fd, max, data, len, whybuf, nwhy);
		close(fd);
		return f;
	}
	snprintf(rel, nrel, "%s", cand[0]);
	return GRADE_MISSING;
}

/* --- the pool ----------------------------------------------------------- */

struct job {
	size_t student; /* index into the roster; unused for reference */
	size_t ex;	/* index into exs */
	int reference;	/* grade the solution, not a student */
	struct exercise_result *x; /* where the verdict goes (pre-allocated) */
};

struct pool {
	const struct course *course;
	struct build *build;
	const struct exercise *const *exs;
	size_t nexs;
	const struct grade_roster *roster;
	const struct grade_opts *o;
	struct check_options copts;
	unsigned char *flat_ok; /* per exercise: its file name is unique */
	int rootfd;

	struct job *jobs;
	size_t njobs, next, done, running;
	size_t *left; /* per student: jobs not finished */
	size_t students_done;
	int stop;
	pthread_mutex_t lock;
	pthread_cond_t changed;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void set_outcome(struct exercise_result *x, enum vstatus s,
			const struct exercise *ex, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void set_outcome(struct exercise_result *x, enum vstatus s,
			const struct exercise *ex, const char *fmt, ...)
{
	char msg[ERR_MAX + 256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	x->status = s;
	free(x->message);
	x->message = xstrdup(msg);
	free(x->stage);
	x->stage = NULL;
	x->score = 0;
	x->max_score = ex->points;
}

/* Open the student's own folder (never through a link). */
static int open_student(struct pool *p, const char *name)
{
	if (p->roster->single)
		return fcntl(p->rootfd, F_DUPFD_CLOEXEC, 3);
	return openat(p->rootfd, name,
		      O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* Copy the submitted bytes into the build folder, under the path the
 * exercise has in a workspace (so messages name "exercises/x/y.c"). */
static char *stage_source(const char *workdir, const struct exercise *ex,
			  const char *data, size_t len, struct err *e)
{
	char *src = xasprintf("%s/src/%s", workdir, ex->file);
	char *parent = path_dirname(src);
	int rc = path_mkdirs(parent, e);

	free(parent);
	if (rc == 0)
		rc = path_write_file(src, data, len, 0644, e);
	if (rc < 0) {
		free(src);
		return NULL;
	}
	return src;
}

static void grade_student_job(struct pool *p, struct job *j,
			      const char *workdir)
{
	const struct exercise *ex = p->exs[j->ex];
	const char *name = p->roster->names[j->student];
	struct exercise_result *x = j->x;
	char rel[512], why[256];
	char *data = NULL, *src = NULL;
	size_t len;
	struct err e;
	int fd = open_student(p, name);

	if (fd < 0) {
		set_outcome(x, VS_FAIL, ex,
			    "not submitted (cannot open the folder '%s': %s)",
			    name, strerror(errno));
		return;
	}
	enum grade_found f = grade_read_submission(
	    fd, ex, p->flat_ok[j->ex], p->o->max_file, &data, &len, rel,
	    sizeof(rel), why, sizeof(why));
	close(fd);
	free(x->file);
	x->file = xstrdup(rel);
	if (f == GRADE_MISSING) {
		set_outcome(x, VS_FAIL, ex, "not submitted (no %s)", rel);
		return;
	}
	if (f == GRADE_REFUSED) {
		set_outcome(x, VS_FAIL, ex, "not graded: '%s' %s", rel, why);
		return;
	}
	src = stage_source(workdir, ex, data, len, &e);
	free(data);
	if (!src) {
		set_outcome(x, VS_ERROR, ex, "%s", e.msg);
		return;
	}
	if (check_run_exercise(p->course, ex, src, workdir, p->build, &p->copts,
			       x, &e) < 0)
		set_outcome(x, VS_ERROR, ex, "%s", e.msg);
	free(src);
}

static void grade_reference_job(struct pool *p, struct job *j,
				const char *workdir)
{
	const struct exercise *ex = p->exs[j->ex];
	struct err e;

	if (!ex->solution || !path_exists(ex->solution)) {
		set_outcome(j->x, VS_SKIP, ex, "no solution");
		return;
	}
	if (check_run_exercise(p->course, ex, ex->solution, workdir, p->build,
			       &p->copts, j->x, &e) < 0)
		set_outcome(j->x, VS_ERROR, ex, "%s", e.msg);
}

static void run_job(struct pool *p, struct job *j)
{
	const struct exercise *ex = p->exs[j->ex];
	char *workdir;
	struct err e;

	if (j->reference)
		workdir =
		    xasprintf("%s/.reference/%s", p->o->workdir, ex->name);
	else
		workdir = xasprintf("%s/%s/%s", p->o->workdir,
				    p->roster->names[j->student], ex->name);
	/* A fresh folder: nothing left from an earlier run may change the
	 * verdict. */
	if (path_remove_tree(workdir, &e) < 0 || path_mkdirs(workdir, &e) < 0)
		set_outcome(j->x, VS_ERROR, ex, "%s", e.msg);
	else if (j->reference)
		grade_reference_job(p, j, workdir);
	else
		grade_student_job(p, j, workdir);
	free(workdir);
}

static int cancelled(struct pool *p)
{
	return p->o->cancel && p->o->cancel(p->o->cancel_arg);
}

static void *worker(void *arg)
{
	struct pool *p = arg;

	for (;;) {
		pthread_mutex_lock(&p->lock);
		if (p->next >= p->njobs) {
			pthread_mutex_unlock(&p->lock);
			return NULL;
		}
		struct job *j = &p->jobs[p->next++];
		int stop = p->stop;
		p->running++;
		pthread_mutex_unlock(&p->lock);

		if (!stop && cancelled(p))
			stop = 1;
		if (stop)
			set_outcome(j->x, VS_ERROR, p->exs[j->ex],
				    "grading was interrupted");
		else
			run_job(p, j);

		pthread_mutex_lock(&p->lock);
		p->stop |= stop;
		p->running--;
		p->done++;
		if (!j->reference && --p->left[j->student] == 0)
			p->students_done++;
		pthread_cond_broadcast(&p->changed);
		pthread_mutex_unlock(&p->lock);
	}
}

static void report_progress(struct pool *p, double t0)
{
	struct grade_progress g;

	if (!p->o->progress)
		return;
	pthread_mutex_lock(&p->lock);
	g.students = p->roster->n;
	g.students_done = p->students_done;
	g.jobs = p->njobs;
	g.jobs_done = p->done;
	g.running = p->running;
	pthread_mutex_unlock(&p->lock);
	g.seconds = now() - t0;
	p->o->progress(p->o->progress_arg, &g);
}

/* Wait for every job, reporting progress on this thread meanwhile. */
static void wait_all(struct pool *p, double t0)
{
	for (;;) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += PROGRESS_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_mutex_lock(&p->lock);
		if (p->done < p->njobs)
			pthread_cond_timedwait(&p->changed, &p->lock, &until);
		int finished = p->done >= p->njobs;
		pthread_mutex_unlock(&p->lock);
		if (finished)
			return;
		report_progress(p, t0);
	}
}

/* Whether each exercise's file name is unique among exs (a flat
 * submission, every file at the top, can then be matched by name). */
static unsigned char *unique_names(const struct exercise *const *exs, size_t n)
{
	unsigned char *u = xcalloc(n + 1, 1);

	for (size_t i = 0; i < n; i++) {
		u[i] = 1;
		for (size_t k = 0; k < n; k++)
			if (k != i && !strcmp(path_basename(exs[i]->file),
					      path_basename(exs[k]->file)))
				u[i] = 0;
	}
	return u;
}

/* Every run and every exercise slot exists before a thread starts: the
 * workers write into them and nothing is reallocated meanwhile. */
static void make_slots(struct pool *p, struct grade_class *gc)
{
	const char *layers = p->o->sandbox ? sandbox_layers(p->o->sandbox)
					   : "none (practice runs)";
	size_t k = 0;

	gc->n = p->roster->n;
	gc->runs = xcalloc(gc->n + 1, sizeof(*gc->runs));
	gc->nreference = p->o->reference ? p->nexs : 0;
	gc->reference = xcalloc(gc->nreference + 1, sizeof(*gc->reference));
	p->njobs = gc->nreference + gc->n * p->nexs;
	p->jobs = xcalloc(p->njobs + 1, sizeof(*p->jobs));
	p->left = xcalloc(gc->n + 1, sizeof(*p->left));
	for (size_t i = 0; i < gc->nreference; i++) {
		const struct exercise *ex = p->exs[i];
		gc->reference[i].name = xstrdup(ex->name);
		gc->reference[i].title = ex->title ? xstrdup(ex->title) : NULL;
		gc->reference[i].file = xstrdup(ex->file);
		p->jobs[k++] = (struct job){
		    .ex = i, .reference = 1, .x = &gc->reference[i]};
	}
	for (size_t s = 0; s < gc->n; s++) {
		struct run_result *r = &gc->runs[s];
		run_result_init(r);
		r->student = xstrdup(p->roster->names[s]);
		r->sandbox_layers = xstrdup(layers);
		for (size_t i = 0; i < p->nexs; i++)
			run_result_add(r, p->exs[i]->name, p->exs[i]->title,
				       p->exs[i]->file);
		p->left[s] = p->nexs;
	}
	/* Student-major: a student's exercises finish close together. */
	for (size_t s = 0; s < gc->n; s++)
		for (size_t i = 0; i < p->nexs; i++)
			p->jobs[k++] =
			    (struct job){.student = s,
					 .ex = i,
					 .x = &gc->runs[s].exercises[i]};
}

int grade_run(const struct course *c, struct build *b,
	      const struct exercise *const *exs, size_t nexs,
	      const struct grade_roster *roster, const struct grade_opts *o,
	      struct grade_class *gc, struct err *e)
{
	struct pool p = {
	    .course = c,
	    .build = b,
	    .exs = exs,
	    .nexs = nexs,
	    .roster = roster,
	    .o = o,
	};
	double t0 = now();
	int jobs = o->jobs < 1 ? 1 : o->jobs;

	memset(gc, 0, sizeof(*gc));
	if (path_mkdirs(o->workdir, e) < 0)
		return -1;
	p.rootfd = open(roster->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (p.rootfd < 0)
		return err_errno(e, "cannot open '%s'", roster->root);
	p.copts.quick = o->quick;
	p.copts.jobs = jobs;
	p.copts.sandbox = o->sandbox;
	p.copts.cancel = o->cancel;
	p.copts.cancel_arg = o->cancel_arg;
	p.flat_ok = unique_names(exs, nexs);
	make_slots(&p, gc);
	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.changed, NULL);

	pthread_t *threads = xcalloc((size_t)jobs, sizeof(*threads));
	int started = 0;
	for (int t = 0; t < jobs && (size_t)t < p.njobs; t++)
		if (pthread_create(&threads[t], NULL, worker, &p) == 0)
			started++;
	if (started == 0)
		worker(&p);
	else
		wait_all(&p, t0);
	for (int t = 0; t < started; t++)
		pthread_join(threads[t], NULL);
	report_progress(&p, t0);
	free(threads);
	pthread_cond_destroy(&p.changed);
	pthread_mutex_destroy(&p.lock);

	gc->interrupted = p.stop;
	gc->seconds = now() - t0;
	for (size_t s = 0; s < gc->n; s++)
		gc->runs[s].seconds = 0;
	for (size_t s = 0; s < gc->n; s++)
		for (size_t i = 0; i < gc->runs[s].n; i++)
			gc->runs[s].seconds += gc->runs[s].exercises[i].seconds;
	close(p.rootfd);
	free(p.flat_ok);
	free(p.jobs);
	free(p.left);
	return 0;
}

void grade_class_release(struct grade_class *gc)
{
	for (size_t i = 0; i < gc->n; i++)
		run_result_release(&gc->runs[i]);
	free(gc->runs);
	for (size_t i = 0; i < gc->nreference; i++)
		exercise_result_release(&gc->reference[i]);
	free(gc->reference);
	memset(gc, 0, sizeof(*gc));
}
