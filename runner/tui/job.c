#include "tui/job.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "check.h"
#include "util/xalloc.h"

double job_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void wake(struct job *j)
{
	char c = 1;
	ssize_t r;

	if (j->wake_fd < 0)
		return;
	do
		r = write(j->wake_fd, &c, 1);
	while (r < 0 && errno == EINTR);
	/* A full pipe already holds a wake-up: nothing lost. */
}

static int poll_cancel(void *arg)
{
	struct job *j = arg;

	return atomic_load(&j->cancel);
}

/* Called by the pipeline when a check starts and ends. */
static void on_progress(void *arg, const struct check_result *c, int done)
{
	struct job *j = arg;
	size_t i;

	pthread_mutex_lock(&j->mu);
	/* The pipeline adds every check before running the first, so the
	 * result array is stable: find ours by position. */
	i = j->x && c >= j->x->checks && c < j->x->checks + j->x->nchecks
		? (size_t)(c - j->x->checks)
		: j->nchecks;
	if (i < j->nchecks) {
		snprintf(j->checks[i].name, sizeof(j->checks[i].name), "%s",
			 c->name ? c->name : "?");
		j->checks[i].state = done ? JC_DONE : JC_RUNNING;
		j->checks[i].status = c->status;
		j->checks[i].seconds = c->seconds;
	}
	pthread_mutex_unlock(&j->mu);
	wake(j);
}

static void *worker(void *arg)
{
	struct job *j = arg;
	struct check_options o = {0};

	o.cancel = poll_cancel;
	o.cancel_arg = j;
	o.progress = on_progress;
	o.progress_arg = j;
	j->rc = app_check_exercise(j->a, j->ex, &o, j->x, &j->e);
	j->wall = job_now() - j->t0;
	j->cancelled = atomic_load(&j->cancel);
	atomic_store(&j->finished, 1);
	wake(j);
	return NULL;
}

int job_start(struct job *j, struct app *a, const struct exercise *ex,
	      int wake_fd, struct err *e)
{
	sigset_t all, old;
	size_t i;
	int rc;

	memset(j, 0, sizeof(*j));
	j->a = a;
	j->ex = ex;
	j->wake_fd = wake_fd;
	atomic_init(&j->cancel, 0);
	atomic_init(&j->finished, 0);
	pthread_mutex_init(&j->mu, NULL);
	j->nchecks = ex->nchecks;
	j->checks = xcalloc(ex->nchecks + 1, sizeof(*j->checks));
	for (i = 0; i < ex->nchecks; i++)
		snprintf(j->checks[i].name, sizeof(j->checks[i].name), "%s",
			 ex->checks[i].name ? ex->checks[i].name
					    : ex->checks[i].kind);
	run_result_init(&j->run);
	j->x = run_result_add(&j->run, ex->name, ex->title, ex->file);
	j->t0 = job_now();
	/* Signals belong to the UI thread (its handlers set flags that the
	 * event loop reads): the worker blocks them all. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(&j->thread, NULL, worker, j);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		errno = rc;
		err_errno(e, "cannot start a worker thread");
		job_release(j);
		return -1;
	}
	j->started = 1;
	return 0;
}

int job_done(struct job *j)
{
	return !j->started || atomic_load(&j->finished);
}

void job_cancel(struct job *j)
{
	atomic_store(&j->cancel, 1);
}

void job_finish(struct job *j)
{
	if (!j->started)
		return;
	pthread_join(j->thread, NULL);
	j->started = 0;
}

size_t job_snapshot(struct job *j, struct job_check *out, size_t n)
{
	size_t k;

	pthread_mutex_lock(&j->mu);
	k = j->nchecks < n ? j->nchecks : n;
	memcpy(out, j->checks, k * sizeof(*out));
	pthread_mutex_unlock(&j->mu);
	return k;
}

double job_elapsed(const struct job *j)
{
	return job_now() - j->t0;
}

void job_release(struct job *j)
{
	job_finish(j);
	run_result_release(&j->run);
	j->x = NULL;
	free(j->checks);
	j->checks = NULL;
	j->nchecks = 0;
	pthread_mutex_destroy(&j->mu);
}
