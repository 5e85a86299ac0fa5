/*
 * sandbox: strict isolation for grading runs (DESIGN.md, "Running learner
 * code").
 *
 * A struct sandbox is probed once (what the machine allows) and then runs
 * many programs, from several threads at once if the caller wants (the
 * grader's --jobs N).  Each run gets its own box: a fresh root file system
 * made of read-only system folders (/usr and the merged-/usr links, a few
 * files of /etc, /dev/null and friends), a private /proc and /tmp, the box
 * folder bound read-write at its own path, and nothing else of the host.
 * Around it the layers are stacked that the probe found working:
 *
 *   pidns mntns netns ipcns utsns    namespaces (plus userns when not root)
 *   cgroup-mem                       memory limit, swap 0, OOM count, peak
 *   cgroup-pids                      process and thread count
 *   cgroup-cpu                       CPU time of the whole tree
 *   cgroup-kill                      one write kills the whole tree
 *   uid                              a per-box unprivileged uid and gid
 *   nnp                              no_new_privs
 *   seccomp                          deny-list: sockets other than AF_UNIX,
 *                                    mount, namespaces, keyctl, bpf, perf,
 *                                    io_uring, module and reboot calls
 *   rlimits                          backstops: CPU, file size, open files,
 *                                    no core (never an address-space limit:
 *                                    AddressSanitizer needs the space)
 *
 * A layer the machine refuses is recorded as missing, never silently
 * dropped: sandbox_layers() lists what is in effect, sandbox_missing() what
 * is not and why, every result carries the list, and sandbox_level_ok()
 * refuses to grade below the level an instructor requires.
 *
 * The learner's program misbehaving is a result (a status on the isolate
 * model, see enum sandbox_status), never an error: sandbox_run() returns -1
 * only when the run could not be attempted at all (bad options, no free
 * slot).  A failure to build the box after the attempt started is status
 * SB_XX with a message.
 */
#ifndef WB_SANDBOX_H
#define WB_SANDBOX_H

#include <stddef.h>

#include "util/buf.h"

struct err;
struct sandbox;

/* The layers, one bit each. */
enum {
	SANDBOX_PIDNS = 1u << 0,
	SANDBOX_MNTNS = 1u << 1,
	SANDBOX_NETNS = 1u << 2,
	SANDBOX_IPCNS = 1u << 3,
	SANDBOX_UTSNS = 1u << 4,
	SANDBOX_USERNS = 1u << 5, /* only when not root (stands in for uid) */
	SANDBOX_CGROUP_MEM = 1u << 6,
	SANDBOX_CGROUP_PIDS = 1u << 7,
	SANDBOX_CGROUP_CPU = 1u << 8,
	SANDBOX_CGROUP_KILL = 1u << 9,
	SANDBOX_UID = 1u << 10,
	SANDBOX_NNP = 1u << 11,
	SANDBOX_SECCOMP = 1u << 12,
	SANDBOX_RLIMITS = 1u << 13,
	SANDBOX_ALL_LAYERS = (1u << 14) - 1,
};

/* Levels for --require.  "strict": every layer but userns (the layers a
 * root grader gets on a machine like ours).  "basic": the namespaces,
 * nnp, seccomp and rlimits (what an unprivileged user namespace gives). */
#define SANDBOX_LEVEL_STRICT (SANDBOX_ALL_LAYERS & ~(unsigned)SANDBOX_USERNS)
#define SANDBOX_LEVEL_BASIC                                                    \
	(SANDBOX_PIDNS | SANDBOX_MNTNS | SANDBOX_NETNS | SANDBOX_IPCNS |       \
	 SANDBOX_UTSNS | SANDBOX_NNP | SANDBOX_SECCOMP | SANDBOX_RLIMITS)

/* "pidns", "cgroup-mem", ... for one bit; NULL for anything else. */
const char *sandbox_layer_name(unsigned bit);
/* Comma-separated names of the bits in `layers`, in table order, into out
 * (size n); "none" when empty. */
void sandbox_layers_format(unsigned layers, char *out, size_t n);
/* Parse "seccomp,uid" (or "strict", "basic", "all") into bits.  Returns 0,
 * or -1 with e set for an unknown name. */
int sandbox_layers_parse(const char *list, unsigned *out, struct err *e);

/* Limits of one run.  A zero field means "the sandbox's default" (in a
 * config: the built-in default, shown in brackets). */
struct sandbox_limits {
	double cpu_seconds;	/* CPU time of the whole tree [5] */
	double wall_seconds;	/* wall clock [2 * cpu + 1] */
	long long mem_bytes;	/* memory of the tree, swap 0 [512 MiB] */
	int procs;		/* processes and threads [64] */
	long long fsize_bytes;	/* largest file written [64 MiB] */
	long long output_bytes; /* stdout + stderr before OL [8 MiB] */
	int nofile;		/* open files [256] */
	long long tmp_bytes;	/* the private /tmp [64 MiB, counts as mem] */
};

struct sandbox_config {
	/* "strict", "basic", a layer list, or NULL: no requirement.
	 * sandbox_new() fails when the probe cannot meet it. */
	const char *require;
	/* Layers to leave off even when available (tests, debugging); they
	 * are then reported as missing ("disabled"). */
	unsigned disable;
	struct sandbox_limits defaults;
	unsigned uid_base;  /* first box uid and gid [60000] */
	unsigned uid_count; /* how many boxes may run at once [256] */
};

/*
 * Probe the machine and get ready to run.  Never fails for a missing layer
 * (that is recorded), only when no sandbox at all is possible (no mount
 * namespace, no /usr) or when cfg->require is not met.  cfg may be NULL.
 * Returns NULL with e set.  Free with sandbox_free().
 */
struct sandbox *sandbox_new(const struct sandbox_config *cfg, struct err *e);
/* Release: stops the helper processes and removes the cgroup folders this
 * sandbox made.  (A sandbox keeps, per slot it has used, a network
 * namespace and, where v1 cgroups are in use, a small helper process, our
 * child, that forks the boxes; helpers leave on their own, cleaning up,
 * if this process dies without calling this.) */
void sandbox_free(struct sandbox *sb);

/* The layers in effect, as bits and as "pidns,mntns,...".  Valid as long as
 * the sandbox. */
unsigned sandbox_layer_bits(const struct sandbox *sb);
const char *sandbox_layers(const struct sandbox *sb);
/* What is missing and why, one "layer: reason" per line; "" when nothing
 * is.  Valid as long as the sandbox. */
const char *sandbox_missing(const struct sandbox *sb);
/* 0 when the layers in effect meet `required` ("strict", "basic", or a
 * layer list); -1 with e naming the missing layers otherwise. */
int sandbox_level_ok(const struct sandbox *sb, const char *required,
		     struct err *e);

/* An extra folder or file the program may see, at the same path inside.
 * One inside the box is visible already and is skipped. */
struct sandbox_bind {
	const char *path;
	int writable; /* 0: read-only (the usual case) */
};

struct sandbox_run_opts {
	/* argv[0] without a '/' is looked up in the PATH of env inside the
	 * box (default /usr/local/bin:/usr/bin:/bin). */
	char *const *argv;
	char *const *env; /* NULL-terminated "K=V"; NULL: empty */
	/* The box: a folder bound read-write at its own path; the program
	 * starts there.  Files it makes there belong, outside, to the
	 * folder's owner.  Required; never "/" or a system folder. */
	const char *box;
	const char *cwd; /* start folder inside; NULL: the box */
	const struct sandbox_bind *binds; /* extra binds; may be NULL */
	size_t nbinds;
	const char *stdin_data; /* bytes for stdin; NULL: /dev/null */
	size_t stdin_len;
	struct sandbox_limits limits; /* zero fields: the sandbox's default */
	size_t capture_max;	      /* per stream; 0: BUF_CAPTURE_MAX */
	int merge_stderr;	      /* send stderr into the stdout capture */
	/* An extra pipe from the program: it sees the write end as fd
	 * `channel_fd` (>= 3) and the parent reads it into result.channel.
	 * 0: no channel. */
	int channel_fd;
	/* Polled about every 50 ms while the program runs; nonzero cancels
	 * (the whole tree is killed, status TO with cancelled set). */
	int (*cancel)(void *arg);
	void *cancel_arg;
};

/* On the isolate model. */
enum sandbox_status {
	SB_OK, /* exited with status 0 */
	SB_RE, /* exited with a non-zero status */
	SB_SG, /* killed by a signal (named in the message) */
	SB_TO, /* time limit: CPU or wall (see timeout) */
	SB_OL, /* output limit: stdout + stderr past output_bytes */
	SB_ML, /* memory limit: the cgroup's OOM killer struck */
	SB_FL, /* file size limit (SIGXFSZ) */
	SB_XX, /* sandbox failure: the box could not be built, exec failed */
};

enum sandbox_timeout {
	SB_TIMEOUT_NONE,
	SB_TIMEOUT_CPU,
	SB_TIMEOUT_WALL,
};

struct sandbox_result {
	enum sandbox_status status;
	enum sandbox_timeout timeout;
	int exited; /* the program exited (exit_code valid) */
	int exit_code;
	int signal;	    /* the signal that ended it, or 0 */
	int killed;	    /* we killed it (limit, cancel) */
	int cancelled;	    /* ... because cancel() said so */
	int oom_killed;	    /* the cgroup's OOM killer struck */
	int exec_errno;	    /* execve failed with this errno (status XX) */
	double cpu_seconds; /* the whole tree when cgroup-cpu, else rusage */
	double wall_seconds;
	long max_rss_kb;       /* the program's peak resident set (rusage) */
	long long cg_mem_peak; /* the tree's peak memory, bytes; -1: unknown */
	struct buf out;	       /* stdout (and stderr when merged) */
	struct buf err;	       /* stderr */
	struct buf channel;    /* what arrived on the channel */
	char message[512];     /* one line: "exited with status 1", ... */
	char layers[256];      /* the layers in effect for this run */
};

/*
 * Run argv in a fresh box.  The result's bufs are initialised here; release
 * them with sandbox_result_release().  Returns 0 (see r->status), or -1
 * with e set when the run could not be attempted.  Thread-safe.
 */
int sandbox_run(struct sandbox *sb, const struct sandbox_run_opts *o,
		struct sandbox_result *r, struct err *e);
void sandbox_result_release(struct sandbox_result *r);

/* "OK", "RE", ... */
const char *sandbox_status_name(enum sandbox_status s);
/* "cpu", "wall", or "" */
const char *sandbox_timeout_name(enum sandbox_timeout t);

/*
 * The isolate-style meta lines ("status:TO", "time:1.003", "time-wall:",
 * "max-rss:", "cg-mem:", "cg-oom-killed:", "exitcode:", "exitsig:",
 * "killed:", "timeout:", "layers:", "message:") for r, into b.
 */
void sandbox_meta_format(const struct sandbox_result *r, struct buf *b);

/*
 * Open the file `rel` inside the box folder `box` for reading without
 * following any symbolic link the program could have planted (openat2 with
 * RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS; only a
 * regular file is accepted).  Returns an fd, or -1 with e set.
 */
int sandbox_open_box_file(const char *box, const char *rel, struct err *e);
/* The same, read whole (at most `max` bytes, NUL-terminated) into an
 * allocated string.  Returns NULL with e set. */
char *sandbox_read_box_file(const char *box, const char *rel, size_t max,
			    size_t *len, struct err *e);

#endif
