#define _GNU_SOURCE
#include "proc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/err.h"
#include "util/xalloc.h"

/*
 * How a run goes: everything the child needs is prepared in the parent
 * (path lookup, pipes, /dev/null, the environment) because after fork() in
 * a program with threads the child may only make async-signal-safe calls.
 * All signals are blocked around fork() so no handler of ours ever runs in
 * the child; the child resets dispositions and then empties its mask just
 * before exec.  A setup failure in the child travels back through a
 * close-on-exec "report" pipe: end of file there means exec succeeded.
 *
 * The parent polls the pipes and a pidfd for the child (or ticks every
 * TICK_MS when pidfds are missing), kills the group at the deadline or on
 * cancel, notices the exit without reaping it (WNOWAIT, so the group id
 * cannot be reused while we kill), kills what is left of the group, reaps
 * with wait4() for the rusage, and drains the pipes for at most GRACE_MS.
 */

enum {
	TICK_MS = 50,	    /* poll tick for cancel() and the no-pidfd case */
	GRACE_MS = 200,	    /* draining after the child is gone */
	KILL_WAIT_MS = 500, /* waiting for the group to empty */
	CHUNK = 65536,	    /* one read or write */
};

/* Which step failed in the child, sent with its errno. */
enum stage { STAGE_FDS = 1, STAGE_CHDIR, STAGE_RLIMIT, STAGE_EXEC };

struct report {
	int stage;
	int err;
};

/* The fds of one run; -1 when closed.  Parent ends first. */
struct fds {
	int in_w, out_r, err_r, chan_r, rep_r, pidfd; /* parent side */
	int in_r, out_w, err_w, chan_w, rep_w;	      /* child side */
};

/* What the child does, computed before fork(). */
struct plan {
	const char *path;
	char *const *argv;
	char *const *env;
	const char *cwd;
	const struct proc_opts *o;
	const struct fds *f;
};

/* One run in the parent. */
struct run {
	const struct proc_opts *o;
	struct proc_result *r;
	struct fds f;
	pid_t pid;
	const char *in_data;
	size_t in_left;
	int got_epipe;
	int pipe_pending_before;
	sigset_t mask_before;
	int exited; /* the child is a zombie (not reaped yet) */
	int killed;
	struct buf rep;
	char *chunk;
};

static char *const empty_env[] = {NULL};

/* ---- time ---- */

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void nap_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* ---- path lookup ---- */

/* 1 if path is an executable regular file; else 0 with *why set. */
static int is_runnable(const char *path, int *why)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		*why = errno == EACCES ? EACCES : ENOENT;
		return 0;
	}
	if (!S_ISREG(st.st_mode) || access(path, X_OK) < 0) {
		*why = EACCES;
		return 0;
	}
	return 1;
}

/* The execvp() rules: an empty entry is the current folder; when nothing
 * runs, the errno is EACCES if something was found but not executable. */
static char *which(const char *name, int *why)
{
	const char *dirs = getenv("PATH");
	char cand[PATH_MAX];
	int saw_eacces = 0;

	*why = ENOENT;
	if (!name || !*name)
		return NULL;
	if (strchr(name, '/'))
		return is_runnable(name, why) ? xstrdup(name) : NULL;
	if (!dirs)
		dirs = "/usr/local/bin:/usr/bin:/bin";
	for (const char *p = dirs;; p++) {
		const char *end = strchrnul(p, ':');
		int len = (int)(end - p);
		int n, e;

		if (len == 0)
			n = snprintf(cand, sizeof(cand), "%s", name);
		else
			n = snprintf(cand, sizeof(cand), "%.*s/%s", len, p,
				     name);
		if (n > 0 && (size_t)n < sizeof(cand)) {
			if (is_runnable(cand, &e))
				return xstrdup(cand);
			saw_eacces |= e == EACCES;
		}
		if (!*end)
			break;
		p = end;
	}
	*why = saw_eacces ? EACCES : ENOENT;
	return NULL;
}

char *proc_which(const char *name)
{
	int why;

	return which(name, &why);
}

/* The child will chdir() first: a relative path found through PATH must
 * be made absolute against our folder. */
static char *absolute_in_parent(char *path, int *why)
{
	char here[PATH_MAX];
	char *abs;

	if (path[0] == '/')
		return path;
	if (!getcwd(here, sizeof(here))) {
		*why = errno;
		free(path);
		return NULL;
	}
	abs = xasprintf("%s/%s", here, path);
	free(path);
	return abs;
}

/* ---- fds ---- */

static void close_fd(int *fd)
{
	if (*fd >= 0) {
		close(*fd); /* no retry on EINTR: Linux frees the fd anyway */
		*fd = -1;
	}
}

static void fds_init(struct fds *f)
{
	int *all = &f->in_w;

	for (size_t i = 0; i < sizeof(*f) / sizeof(int); i++)
		all[i] = -1;
}

static void fds_close_child_side(struct fds *f)
{
	close_fd(&f->in_r);
	close_fd(&f->out_w);
	close_fd(&f->err_w);
	close_fd(&f->chan_w);
	close_fd(&f->rep_w);
}

static void fds_close_all(struct fds *f)
{
	int *all = &f->in_w;

	for (size_t i = 0; i < sizeof(*f) / sizeof(int); i++)
		close_fd(&all[i]);
}

static int make_pipe(int *rd, int *wr, struct err *e)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return err_errno(e, "cannot create a pipe");
	*rd = p[0];
	*wr = p[1];
	return 0;
}

static void set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl >= 0)
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static int fds_open(struct fds *f, const struct proc_opts *o, struct err *e)
{
	if (o->stdin_data) {
		if (make_pipe(&f->in_r, &f->in_w, e) < 0)
			return -1;
		set_nonblock(f->in_w);
	} else {
		f->in_r = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (f->in_r < 0)
			return err_errno(e, "cannot open '/dev/null'");
	}
	if (make_pipe(&f->out_r, &f->out_w, e) < 0)
		return -1;
	if (!o->merge_stderr && make_pipe(&f->err_r, &f->err_w, e) < 0)
		return -1;
	if (o->channel_fd > 0 && make_pipe(&f->chan_r, &f->chan_w, e) < 0)
		return -1;
	if (make_pipe(&f->rep_r, &f->rep_w, e) < 0)
		return -1;
	set_nonblock(f->out_r);
	if (f->err_r >= 0)
		set_nonblock(f->err_r);
	if (f->chan_r >= 0)
		set_nonblock(f->chan_r);
	set_nonblock(f->rep_r);
	return 0;
}

/* ---- the child (async-signal-safe calls only) ---- */

struct linux_dirent64 {
	unsigned long long d_ino;
	long long d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* Close [lo, hi] except keep; falls back as close_range() goes missing. */
static int close_span(unsigned lo, unsigned hi)
{
	if (lo > hi)
		return 0;
#ifdef SYS_close_range
	return (int)syscall(SYS_close_range, lo, hi, 0);
#else
	errno = ENOSYS;
	return -1;
#endif
}

static int parse_fd(const char *s)
{
	int n = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || n > INT_MAX / 10 - 1)
			return -1;
		n = n * 10 + (*s - '0');
	}
	return n;
}

static int keep_fd(int fd, int keep1, int keep2)
{
	return fd < 3 || fd == keep1 || fd == keep2;
}

/* Walk /proc/self/fd with getdents64 (opendir would allocate). */
static int close_listed(int keep1, int keep2)
{
	_Alignas(8) char dbuf[4096];
	int dir = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	long n;

	if (dir < 0)
		return -1;
	while ((n = syscall(SYS_getdents64, dir, dbuf, sizeof(dbuf))) > 0) {
		for (long off = 0; off < n;) {
			struct linux_dirent64 *d = (void *)(dbuf + off);
			int fd = parse_fd(d->d_name);

			if (fd >= 0 && fd != dir && !keep_fd(fd, keep1, keep2))
				close(fd);
			off += d->d_reclen;
		}
	}
	close(dir);
	return n < 0 ? -1 : 0;
}

static void close_others(int keep1, int keep2)
{
	unsigned a = (unsigned)(keep1 < keep2 ? keep1 : keep2);
	unsigned b = (unsigned)(keep1 < keep2 ? keep2 : keep1);
	struct rlimit rl;
	long top;

	/* keep1 and keep2 are >= 3 (they may be the same fd). */
	if (close_span(3, a - 1) == 0 && close_span(a + 1, b - 1) == 0 &&
	    close_span(b + 1, ~0U) == 0)
		return;
	if (close_listed(keep1, keep2) == 0)
		return;
	top = 1 << 20;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < (rlim_t)top)
		top = (long)rl.rlim_cur;
	for (long fd = 3; fd < top; fd++)
		if (!keep_fd((int)fd, keep1, keep2))
			close((int)fd);
}

/* Lower a limit (never raise a hard limit we do not have). */
static int lower_limit(int res, unsigned long long soft,
		       unsigned long long hard)
{
	struct rlimit old, lim;

	if (getrlimit(res, &old) < 0)
		return -1;
	lim.rlim_max =
	    (rlim_t)hard < old.rlim_max ? (rlim_t)hard : old.rlim_max;
	lim.rlim_cur =
	    (rlim_t)soft < lim.rlim_max ? (rlim_t)soft : lim.rlim_max;
	if (setrlimit(res, &lim) == 0)
		return 0;
	/* Lowering a hard limit cannot fail on Linux, but valgrind refuses
	 * any change to the hard fd limit: keep the soft one then. */
	lim.rlim_max = old.rlim_max;
	return setrlimit(res, &lim);
}

/* The limits of proc_opts; a zero means "leave it", except for cores. */
static int child_limits(const struct proc_opts *o)
{
	const struct {
		int res;
		long long soft, hard;
	} lims[] = {
	    {RLIMIT_CPU, o->cpu_seconds, (long long)o->cpu_seconds + 1},
	    {RLIMIT_FSIZE, o->fsize_max, o->fsize_max},
	    {RLIMIT_NOFILE, o->nofile_max, o->nofile_max},
	    {RLIMIT_NPROC, o->nproc_max, o->nproc_max},
	    {RLIMIT_AS, o->as_max, o->as_max},
	};

	if (lower_limit(RLIMIT_CORE, 0, 0) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(lims) / sizeof(*lims); i++)
		if (lims[i].soft > 0 &&
		    lower_limit(lims[i].res, (unsigned long long)lims[i].soft,
				(unsigned long long)lims[i].hard) < 0)
			return -1;
	return 0;
}

void proc_reset_signals(void)
{
	/* The kernel's own sigaction: glibc refuses the two real-time signals
	 * it keeps for itself (32 and 33), yet a parent that ignores them
	 * would hand that on through exec, and a multi-threaded setuid() in
	 * the child would then hang.  Its layout: handler, flags, restorer,
	 * mask (8 bytes on Linux's 64 signals). */
	struct {
		void (*handler)(int);
		unsigned long flags;
		void (*restorer)(void);
		unsigned long mask;
	} k = {SIG_DFL, 0, NULL, 0};

	for (int sig = 1; sig <= 64; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			syscall(SYS_rt_sigaction, sig, &k, NULL, sizeof(k.mask));
}

static _Noreturn void child_fail(int rep, int stage)
{
	struct report m = {stage, errno};

	while (write(rep, &m, sizeof(m)) < 0 && errno == EINTR)
		;
	_exit(127);
}

/* Move an fd above every target so the dup2()s below cannot clobber it. */
static int lift(int fd, int low)
{
	return fd < 0 ? -1 : fcntl(fd, F_DUPFD_CLOEXEC, low);
}

static _Noreturn void child_main(const struct plan *p)
{
	const struct fds *f = p->f;
	int chan = f->chan_w >= 0 ? p->o->channel_fd : -1;
	int low = chan > 2 ? chan + 1 : 3;
	int rep, in, out, errw, ch;
	sigset_t none;

	setpgid(0, 0);
	proc_reset_signals();
	rep = lift(f->rep_w, low);
	if (rep < 0)
		_exit(127); /* nothing to report through */
	in = lift(f->in_r, low);
	out = lift(f->out_w, low);
	errw = f->err_w >= 0 ? lift(f->err_w, low) : out;
	ch = lift(f->chan_w, low);
	if (in < 0 || out < 0 || errw < 0 || (chan >= 0 && ch < 0))
		child_fail(rep, STAGE_FDS);
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(errw, 2) < 0 ||
	    (chan >= 0 && dup2(ch, chan) < 0))
		child_fail(rep, STAGE_FDS);
	close_others(chan >= 0 ? chan : rep, rep);
	if (p->cwd && chdir(p->cwd) < 0)
		child_fail(rep, STAGE_CHDIR);
	if (child_limits(p->o) < 0)
		child_fail(rep, STAGE_RLIMIT);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execve(p->path, p->argv, p->env);
	child_fail(rep, STAGE_EXEC);
}

/* ---- the parent ---- */

static void group_kill(pid_t pgid)
{
	kill(-pgid, SIGKILL);
}

/* State letter and process group of pid, from /proc/<pid>/stat. */
static int read_stat(int pid, char *state, int *pgrp)
{
	char path[64], st[1024], *rp;
	int fd, ppid;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	do
		n = read(fd, st, sizeof(st) - 1);
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n <= 0)
		return -1;
	st[n] = '\0';
	rp = strrchr(st, ')'); /* the command name may hold anything */
	if (!rp || sscanf(rp + 1, " %c %d %d", state, &ppid, pgrp) != 3)
		return -1;
	return 0;
}

/* Is any process of group pgid not yet dead?  Killed orphans wait as
 * zombies for init to reap them; an init that never reaps (some
 * containers) would otherwise keep kill(-pgid) succeeding forever. */
static int group_has_live_member(pid_t pgid)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int live = 0;

	if (!d)
		return 1;
	while (!live && (de = readdir(d))) {
		int pid = parse_fd(de->d_name);
		char state;
		int pgrp;

		if (pid > 0 && read_stat(pid, &state, &pgrp) == 0)
			live = pgrp == pgid && state != 'Z' && state != 'X';
	}
	closedir(d);
	return live;
}

/* Kill the group until it is gone (or only zombies remain), bounded. */
static void group_kill_all(pid_t pgid)
{
	long long start = now_ms();

	for (int i = 0;; i++) {
		if (kill(-pgid, SIGKILL) < 0 && errno == ESRCH)
			return;
		if (i >= 2 && !group_has_live_member(pgid))
			return;
		if (now_ms() - start >= KILL_WAIT_MS)
			return;
		nap_ms(i < 4 ? 1L << i : 10);
	}
}

/* Has the child exited?  Leaves it a zombie so its pid stays ours. */
static int child_gone(pid_t pid)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0)
		return errno != EINTR;
	return si.si_pid == pid;
}

static void reap(struct run *u)
{
	struct rusage ru;
	int status = 0;
	pid_t got;

	memset(&ru, 0, sizeof(ru));
	do
		got = wait4(u->pid, &status, 0, &ru);
	while (got < 0 && errno == EINTR);
	if (got != u->pid)
		return;
	if (WIFEXITED(status)) {
		u->r->exited = 1;
		u->r->exit_code = WEXITSTATUS(status);
	} else if (WIFSIGNALED(status)) {
		u->r->signaled = 1;
		u->r->signal = WTERMSIG(status);
	}
	u->r->cpu_seconds =
	    (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	u->r->max_rss_kb = ru.ru_maxrss;
}

/* One read from a pipe into b; closes it at end of file or error. */
static void pull(struct run *u, int *fd, struct buf *b)
{
	ssize_t n = read(*fd, u->chunk, CHUNK);

	if (n > 0)
		buf_add(b, u->chunk, (size_t)n);
	else if (n == 0 || (errno != EINTR && errno != EAGAIN))
		close_fd(fd);
}

static void push(struct run *u)
{
	size_t len = u->in_left < CHUNK ? u->in_left : CHUNK;
	ssize_t n = write(u->f.in_w, u->in_data, len);

	if (n > 0) {
		u->in_data += n;
		u->in_left -= (size_t)n;
	} else if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
		return;
	} else if (n < 0 && errno == EPIPE) {
		u->got_epipe = 1;
		u->in_left = 0;
	}
	if (u->in_left == 0 || n <= 0)
		close_fd(&u->f.in_w); /* the child sees end of file */
}

struct watch {
	struct pollfd pf[6];
	int *fd[6];
	struct buf *dst[6];
	int n;
};

static void watch_add(struct watch *w, int *fd, short events, struct buf *dst)
{
	if (*fd < 0)
		return;
	w->pf[w->n].fd = *fd;
	w->pf[w->n].events = events;
	w->pf[w->n].revents = 0;
	w->fd[w->n] = fd;
	w->dst[w->n++] = dst;
}

/* Poll the open fds for up to wait_ms; the pidfd too when asked. */
static void pump(struct run *u, int wait_ms, int with_pidfd)
{
	struct watch w;

	w.n = 0;
	watch_add(&w, &u->f.in_w, POLLOUT, NULL);
	watch_add(&w, &u->f.out_r, POLLIN, &u->r->out);
	watch_add(&w, &u->f.err_r, POLLIN, &u->r->err);
	watch_add(&w, &u->f.chan_r, POLLIN, &u->r->channel);
	watch_add(&w, &u->f.rep_r, POLLIN, &u->rep);
	if (with_pidfd)
		watch_add(&w, &u->f.pidfd, POLLIN, NULL);
	if (w.n == 0) {
		if (wait_ms > 0)
			nap_ms(wait_ms);
		return;
	}
	if (poll(w.pf, (nfds_t)w.n, wait_ms) <= 0)
		return; /* timeout, or EINTR: the caller loops */
	for (int i = 0; i < w.n; i++) {
		if (!w.pf[i].revents)
			continue;
		if (w.fd[i] == &u->f.in_w)
			push(u);
		else if (w.fd[i] == &u->f.pidfd)
			u->exited = child_gone(u->pid);
		else
			pull(u, w.fd[i], w.dst[i]);
	}
}

static void stop(struct run *u, int *why)
{
	if (u->killed)
		return;
	group_kill(u->pid);
	u->killed = 1;
	*why = 1;
}

/* Until the child exits: feed, read, watch the clock and cancel(). */
static void supervise(struct run *u)
{
	const struct proc_opts *o = u->o;
	long long start = now_ms();
	long long deadline = o->timeout_ms > 0 ? start + o->timeout_ms : 0;
	long long next_cancel = start;

	while (!u->exited) {
		long long now = now_ms();
		long long wait_ms = -1;

		if (deadline && now >= deadline)
			stop(u, &u->r->timed_out);
		if (o->cancel && !u->killed && now >= next_cancel) {
			next_cancel = now + TICK_MS;
			if (o->cancel(o->cancel_arg))
				stop(u, &u->r->cancelled);
		}
		if (u->f.pidfd < 0 && (u->exited = child_gone(u->pid)))
			break;
		if (deadline && !u->killed)
			wait_ms = deadline - now;
		if ((o->cancel && !u->killed) || u->f.pidfd < 0)
			if (wait_ms < 0 || wait_ms > TICK_MS)
				wait_ms = TICK_MS;
		pump(u, (int)wait_ms, 1);
	}
}

/* After the exit: what is left of the pipes, for a bounded time. */
static void drain(struct run *u)
{
	long long end = now_ms() + GRACE_MS;
	long long now;

	close_fd(&u->f.in_w);
	while ((u->f.out_r >= 0 || u->f.err_r >= 0 || u->f.chan_r >= 0 ||
		u->f.rep_r >= 0) &&
	       (now = now_ms()) < end)
		pump(u, (int)(end - now), 0);
}

/* Turn the child's report (if any) into exec_errno or an error. */
static int take_report(struct run *u, const char *prog, struct err *e)
{
	struct report m;

	if (u->rep.len < sizeof(m))
		return 0;
	memcpy(&m, u->rep.data, sizeof(m));
	errno = m.err;
	switch (m.stage) {
	case STAGE_EXEC:
		u->r->exec_errno = m.err;
		return 0;
	case STAGE_CHDIR:
		return err_errno(e, "cannot enter '%s' to run '%s'", u->o->cwd,
				 prog);
	case STAGE_RLIMIT:
		return err_errno(e, "cannot set limits to run '%s'", prog);
	default:
		return err_errno(e, "cannot set up files to run '%s'", prog);
	}
}

static void result_init(struct proc_result *r, size_t cap)
{
	memset(r, 0, sizeof(*r));
	buf_init(&r->out, cap);
	buf_init(&r->err, cap);
	buf_init(&r->channel, cap);
}

/* Nothing to run: report like a failed exec, without forking. */
static int not_found(struct proc_result *r, int why)
{
	r->exited = 1;
	r->exit_code = 127;
	r->exec_errno = why;
	return 0;
}

static int start(struct run *u, const struct plan *p, struct err *e)
{
	sigset_t all, during;
	int saved;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &u->mask_before);
	u->pid = fork();
	if (u->pid == 0)
		child_main(p);
	saved = errno;
	during = u->mask_before;
	sigaddset(&during, SIGPIPE);
	pthread_sigmask(SIG_SETMASK, u->pid < 0 ? &u->mask_before : &during,
			NULL);
	if (u->pid < 0) {
		errno = saved;
		return err_errno(e, "cannot start '%s'", p->argv[0]);
	}
	setpgid(u->pid, u->pid); /* also done in the child: no race */
	fds_close_child_side(&u->f);
#ifdef SYS_pidfd_open
	u->f.pidfd = (int)syscall(SYS_pidfd_open, u->pid, 0);
#endif
	return 0;
}

/* Restore the signal mask, first dropping the SIGPIPE that our own write
 * to a closed stdin raised (one that was pending before is left alone). */
static void finish_signals(const struct run *u)
{
	sigset_t pipe_only;
	struct timespec zero = {0, 0};

	if (u->got_epipe && !u->pipe_pending_before) {
		sigemptyset(&pipe_only);
		sigaddset(&pipe_only, SIGPIPE);
		while (sigtimedwait(&pipe_only, NULL, &zero) < 0 &&
		       errno == EINTR)
			;
	}
	pthread_sigmask(SIG_SETMASK, &u->mask_before, NULL);
}

/* The program to execve(): argv[0] as given when it names a file, else
 * looked up in our PATH (the child's environment has none). */
static char *resolve(const struct proc_opts *o, int *why)
{
	char *path;

	*why = 0;
	if (strchr(o->argv[0], '/'))
		return xstrdup(o->argv[0]); /* exec reports the exact errno */
	path = which(o->argv[0], why);
	if (path && o->cwd)
		path = absolute_in_parent(path, why);
	return path;
}

int proc_run(const struct proc_opts *o, struct proc_result *r, struct err *e)
{
	struct run u;
	struct plan p;
	sigset_t pending;
	char *path;
	int why, rc;
	double t0;

	result_init(r, o->capture_max ? o->capture_max : BUF_CAPTURE_MAX);
	if (!o->argv || !o->argv[0])
		return err_set(e, "no program to run");
	if (o->channel_fd < 0 || (o->channel_fd > 0 && o->channel_fd < 3))
		return err_set(e, "channel fd %d is not above 2",
			       o->channel_fd);
	path = resolve(o, &why);
	if (!path)
		return not_found(r, why);

	memset(&u, 0, sizeof(u));
	u.o = o;
	u.r = r;
	u.in_data = o->stdin_data;
	u.in_left = o->stdin_data ? o->stdin_len : 0;
	buf_init(&u.rep, sizeof(struct report));
	fds_init(&u.f);
	p = (struct plan){path,	  o->argv, o->env ? o->env : empty_env,
			  o->cwd, o,	   &u.f};
	sigemptyset(&pending);
	sigpending(&pending);
	u.pipe_pending_before = sigismember(&pending, SIGPIPE) == 1;
	t0 = now_seconds();
	if (fds_open(&u.f, o, e) < 0 || start(&u, &p, e) < 0) {
		fds_close_all(&u.f);
		free(path);
		return -1;
	}
	if (u.in_left == 0)
		close_fd(&u.f.in_w);
	u.chunk = xmalloc(CHUNK);

	supervise(&u);
	group_kill(u.pid); /* the pid is still held by the zombie */
	reap(&u);
	r->wall_seconds = now_seconds() - t0;
	group_kill_all(u.pid);
	drain(&u);

	finish_signals(&u);
	fds_close_all(&u.f);
	rc = take_report(&u, o->argv[0], e);
	buf_release(&u.rep);
	free(u.chunk);
	free(path);
	if (rc < 0) {
		size_t cap = r->out.max;

		proc_result_release(r);
		result_init(r, cap);
	}
	return rc;
}

void proc_result_release(struct proc_result *r)
{
	buf_release(&r->out);
	buf_release(&r->err);
	buf_release(&r->channel);
}

/* ---- words ---- */

static const char *const signal_text[] = {
    [SIGHUP] = "killed by SIGHUP (hangup)",
    [SIGINT] = "killed by SIGINT (interrupt)",
    [SIGQUIT] = "killed by SIGQUIT (quit)",
    [SIGILL] = "killed by SIGILL (illegal instruction)",
    [SIGTRAP] = "killed by SIGTRAP (trace or breakpoint trap)",
    [SIGABRT] = "killed by SIGABRT (aborted)",
    [SIGBUS] = "killed by SIGBUS (bus error: bad memory access)",
    [SIGFPE] = "killed by SIGFPE (arithmetic error, e.g. division by zero)",
    [SIGKILL] = "killed by SIGKILL (killed)",
    [SIGUSR1] = "killed by SIGUSR1 (user signal 1)",
    [SIGSEGV] = "killed by SIGSEGV (segmentation fault)",
    [SIGUSR2] = "killed by SIGUSR2 (user signal 2)",
    [SIGPIPE] = "killed by SIGPIPE (broken pipe)",
    [SIGALRM] = "killed by SIGALRM (alarm clock)",
    [SIGTERM] = "killed by SIGTERM (terminated)",
#ifdef SIGSTKFLT
    [SIGSTKFLT] = "killed by SIGSTKFLT (stack fault)",
#endif
    [SIGCHLD] = "killed by SIGCHLD (child status changed)",
    [SIGCONT] = "killed by SIGCONT (continued)",
    [SIGSTOP] = "killed by SIGSTOP (stopped)",
    [SIGTSTP] = "killed by SIGTSTP (stopped at the terminal)",
    [SIGTTIN] = "killed by SIGTTIN (background read from the terminal)",
    [SIGTTOU] = "killed by SIGTTOU (background write to the terminal)",
    [SIGURG] = "killed by SIGURG (urgent data on a socket)",
    [SIGXCPU] = "killed by SIGXCPU (CPU time limit exceeded)",
    [SIGXFSZ] = "killed by SIGXFSZ (file size limit exceeded)",
    [SIGVTALRM] = "killed by SIGVTALRM (virtual timer expired)",
    [SIGPROF] = "killed by SIGPROF (profiling timer expired)",
    [SIGWINCH] = "killed by SIGWINCH (window size changed)",
    [SIGIO] = "killed by SIGIO (I/O possible)",
#ifdef SIGPWR
    [SIGPWR] = "killed by SIGPWR (power failure)",
#endif
    [SIGSYS] = "killed by SIGSYS (bad system call)",
};

const char *proc_signal_describe(int sig)
{
	if (sig > 0 &&
	    (size_t)sig < sizeof(signal_text) / sizeof(*signal_text) &&
	    signal_text[sig])
		return signal_text[sig];
	if (sig >= SIGRTMIN && sig <= SIGRTMAX)
		return "killed by a real-time signal";
	return "killed by an unknown signal";
}

static void describe_signal(int sig, char *out, size_t n)
{
	if (sig == SIGXCPU)
		snprintf(out, n, "CPU time limit exceeded (SIGXCPU)");
	else if (sig == SIGXFSZ)
		snprintf(out, n, "file size limit exceeded (SIGXFSZ)");
	else if (sig > 0 &&
		 (size_t)sig < sizeof(signal_text) / sizeof(*signal_text) &&
		 signal_text[sig])
		snprintf(out, n, "%s", signal_text[sig]);
	else if (sig >= SIGRTMIN && sig <= SIGRTMAX)
		snprintf(out, n, "killed by SIGRTMIN+%d (real-time signal)",
			 sig - SIGRTMIN);
	else
		snprintf(out, n, "killed by signal %d", sig);
}

void proc_describe(const struct proc_result *r, const struct proc_opts *o,
		   char *out, size_t n)
{
	char ebuf[128];
	const char *prog = o && o->argv && o->argv[0] ? o->argv[0] : "program";

	if (!out || n == 0)
		return;
	if (r->sandbox_status[0] && r->sandbox_message[0] &&
	    strcmp(r->sandbox_status, "OK") && strcmp(r->sandbox_status, "RE"))
		snprintf(out, n, "%s (%s)", r->sandbox_message,
			 r->sandbox_status);
	else if (r->cancelled)
		snprintf(out, n, "cancelled");
	else if (r->timed_out)
		snprintf(out, n, "timed out after %.1f s (killed)",
			 o && o->timeout_ms > 0 ? o->timeout_ms / 1000.0
						: r->wall_seconds);
	else if (r->exec_errno)
		snprintf(out, n, "could not run '%s': %s", prog,
			 strerror_r(r->exec_errno, ebuf, sizeof(ebuf)));
	else if (r->signaled)
		describe_signal(r->signal, out, n);
	else if (r->exited)
		snprintf(out, n, "exited with status %d", r->exit_code);
	else
		snprintf(out, n, "did not run");
}
