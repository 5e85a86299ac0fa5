/*
 * proc: running a child process for a practice run (DESIGN.md, "Running
 * learner code").
 *
 * The child gets an argv (never a shell), its own process group, stdin from
 * the given bytes or /dev/null, stdout and stderr captured through pipes, no
 * other file descriptor but an optional channel, a clean environment (only
 * what the caller lists), default signal dispositions and an empty signal
 * mask, and rlimits set before exec.  The parent reads without blocking,
 * keeps at most `capture_max` bytes of each stream, enforces a wall-clock
 * timeout by killing the whole process group, and reaps.
 *
 * A learner's program misbehaving is a result, not an error: proc_run()
 * returns 0 and describes what happened in struct proc_result.  It returns
 * -1 only when we could not run the child at all (pipe, fork, a missing
 * executable is reported as exec_errno with status 127).
 */
#ifndef WB_PROC_H
#define WB_PROC_H

#include <stddef.h>
#include <sys/types.h>

#include "util/buf.h"

struct err;

struct proc_opts {
	char *const *argv;    /* argv[0] is looked up in PATH if it has no '/' */
	char *const *env;     /* NULL-terminated "K=V" list; NULL means empty */
	const char *cwd;      /* folder to run in; NULL: ours */
	const char *stdin_data; /* bytes for stdin; NULL: /dev/null */
	size_t stdin_len;
	int timeout_ms;       /* wall clock; 0: none */
	int cpu_seconds;      /* RLIMIT_CPU; 0: none */
	long long fsize_max;  /* RLIMIT_FSIZE in bytes; 0: none */
	int nofile_max;       /* RLIMIT_NOFILE; 0: leave */
	int nproc_max;        /* RLIMIT_NPROC; 0: leave (ignored for root) */
	long long as_max;     /* RLIMIT_AS; 0: none (never with sanitizers) */
	size_t capture_max;   /* per stream; 0: BUF_CAPTURE_MAX */
	int merge_stderr;     /* send stderr into the stdout capture */
	/* An extra pipe from the child: the child sees its write end as fd
	 * `channel_fd` (>= 3) and the parent reads it into result.channel.
	 * 0: no channel. */
	int channel_fd;
	/* Called in the parent every poll tick (about 50 ms) while the child
	 * runs; returning nonzero cancels the run (group kill). */
	int (*cancel)(void *arg);
	void *cancel_arg;
};

struct proc_result {
	int exited;          /* exited normally */
	int exit_code;       /* when exited */
	int signaled;        /* killed by a signal */
	int signal;          /* which one */
	int timed_out;       /* we killed it at the wall-clock limit */
	int cancelled;       /* we killed it because cancel() said so */
	int exec_errno;      /* exec failed with this errno (exit_code 127) */
	double wall_seconds;
	double cpu_seconds;  /* user + system of the child and its reaped kids */
	long max_rss_kb;
	struct buf out;      /* stdout (and stderr when merged) */
	struct buf err;      /* stderr */
	struct buf channel;  /* what arrived on the channel */
	/* Grading runs only (the sandbox fills these through check_exec):
	 * the isolate-style status ("OK", "RE", "SG", "TO", "OL", "ML",
	 * "FL", "XX"), its one-line message, and the layers in effect.
	 * Empty for practice runs. */
	char sandbox_status[4];
	char sandbox_message[512];
	char sandbox_layers[256];
};

/* Run to completion.  The result's bufs are initialised here; release them
 * with proc_result_release().  Returns 0, or -1 with e set. */
int proc_run(const struct proc_opts *o, struct proc_result *r, struct err *e);
void proc_result_release(struct proc_result *r);

/* "killed by SIGSEGV (segmentation fault)" for 11. Static storage. */
const char *proc_signal_describe(int sig);

/* A one-line human summary of how the child ended, e.g.
 * "exited with status 1", "killed by SIGSEGV (segmentation fault)",
 * "timed out after 2.0 s (killed)".  Written into out (size n). */
void proc_describe(const struct proc_result *r, const struct proc_opts *o,
		   char *out, size_t n);

/* Every signal back to its default disposition, including the ones libc
 * reserves.  Async-signal-safe: for a child between fork and exec. */
void proc_reset_signals(void);

/* Look a program up in PATH; returns an allocated path or NULL. */
char *proc_which(const char *name);

#endif
