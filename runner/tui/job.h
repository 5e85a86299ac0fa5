/*
 * job: one exercise check on a worker thread, so the UI keeps drawing and
 * reading keys while programs compile and run.
 *
 * The worker calls app_check_exercise(), which also records the verdict in
 * progress and runs the lesson's on_result in the Lua state.  Neither the
 * progress nor the Lua state is thread-safe, so from job_start() until
 * job_finish() returns the UI thread must not call app_* or script_*
 * functions, nor read a->progress.  It may read the live check table
 * (job_snapshot, under the job's mutex) and ask to cancel (an atomic
 * flag polled by the child-process loop; the running child's process
 * group is killed).  No curses here.
 */
#ifndef WB_TUI_JOB_H
#define WB_TUI_JOB_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

#include "util/err.h"
#include "verdict.h"

struct app;
struct exercise;

enum job_check_state {
	JC_PENDING,
	JC_RUNNING,
	JC_DONE,
};

/* What the UI shows of one check while the job runs. */
struct job_check {
	char name[64];
	enum job_check_state state;
	enum vstatus status; /* when done */
	double seconds;
};

struct job {
	pthread_t thread;
	int started;	     /* a thread exists (join it) */
	atomic_int cancel;   /* set by the UI, polled by the worker */
	atomic_int finished; /* set by the worker as its last act */
	pthread_mutex_t mu;  /* guards checks[] */
	struct job_check *checks;
	size_t nchecks;
	/* Inputs. */
	struct app *a;
	const struct exercise *ex;
	int wake_fd; /* a byte is written here on progress and end */
	/* Outputs, valid after job_finish(). */
	struct run_result run;
	struct exercise_result *x;
	struct err e;
	int rc;		 /* app_check_exercise's return */
	int cancelled;	 /* the run was cancelled */
	double t0, wall; /* start (monotonic seconds), duration */
};

/* Start checking ex; wake_fd (or -1) is written to when something changes.
 * Returns 0, or -1 with e set (no thread could be started). */
int job_start(struct job *j, struct app *a, const struct exercise *ex,
	      int wake_fd, struct err *e);
/* The worker is done (job_finish will not block). */
int job_done(struct job *j);
/* Ask the running check to stop (kills its process group). */
void job_cancel(struct job *j);
/* Wait for the worker; then the outputs are valid. */
void job_finish(struct job *j);
/* Copy up to n checks' live state; returns how many. */
size_t job_snapshot(struct job *j, struct job_check *out, size_t n);
/* Seconds since job_start. */
double job_elapsed(const struct job *j);
/* Free the outputs (after job_finish). */
void job_release(struct job *j);

/* Monotonic seconds. */
double job_now(void);

#endif
