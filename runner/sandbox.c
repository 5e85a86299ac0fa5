#define _GNU_SOURCE
#include "sandbox.h"

#include "proc.h"

/*
 * What the probe found on the machine this was written on (Debian 12 in a
 * container, kernel 6.18, glibc 2.36, libseccomp 2.5.4, running as root),
 * and what follows from it:
 *
 * - Namespaces: pid, mount, net, ipc, uts, cgroup and user namespaces can
 *   all be created, by root and (user namespaces first) by other users.
 *   RLIMIT_NPROC is ignored for root, so a fork bomb is contained by the
 *   pids cgroup and by the pid namespace, not by the rlimit.
 * - Cgroups are a v1/v2 hybrid: v1 memory, pids, cpu, cpuacct (and more)
 *   under /sys/fs/cgroup/<ctrl>, writable; the unified v2 hierarchy at
 *   /sys/fs/cgroup/unified offers no controller but hugetlb, yet its
 *   non-root groups have cgroup.kill (kernel >= 5.14).  Our own process sits
 *   in a memory cgroup the session made (/process_api/<id>), so box groups
 *   are nested below our own group in every hierarchy, never beside it: the
 *   boxes stay inside whatever limits we were given.  memory.oom_control
 *   has an oom_kill counter (ML comes from it), memory.max_usage_in_bytes
 *   is the peak, memory.memsw.* exists (swap 0 = memsw limit = limit; the
 *   machine has no swap anyway).
 * - A process that calls setsid() escapes a process-group kill, so the
 *   whole tree is killed by cgroup.kill and by tearing the pid namespace
 *   down (the box's init, our keeper, exiting kills every process in it).
 * - RLIMIT_AS breaks AddressSanitizer (it reserves terabytes of address
 *   space), so memory is limited by the cgroup only.
 * - A seccomp rule denying ptrace breaks LeakSanitizer (its StopTheWorld
 *   attaches to the program's own threads from a cloned tracer).  ptrace
 *   stays allowed: every process the program could attach to is in its own
 *   pid namespace and either its own (same box uid) or the keeper (root,
 *   refused by the kernel).  Yama is not built in.
 * - bubblewrap started as root is no sandbox (its inner root can remount /
 *   read-write), so the box is built here, and the program runs as a
 *   per-box uid with no capabilities and no_new_privs.
 * - The root file system is ext4, which supports idmapped mounts: the box
 *   folder is bound with its owner mapped to the box uid, so the program
 *   can write there and what it writes belongs, outside, to the owner.
 * - /tmp is on the root file system; /dev is a devtmpfs; /bin, /lib, /lib64,
 *   /lib32 and /sbin are merged-/usr symlinks.
 * - Seccomp filters and Landlock are available; Landlock is not used (the
 *   mount namespace already hides everything but the system folders).
 *   Loading a filter normally also turns on the speculative-store-bypass
 *   mitigation for the task, which costs a lot in this VM; the filter is
 *   loaded with SECCOMP_FILTER_FLAG_SPEC_ALLOW (the box runs untrusted
 *   code, not an in-process sandbox that Spectre v4 would break).
 * - Root here lacks CAP_SYS_RESOURCE, so the keeper cannot set its own
 *   oom_score_adj to -1000; the program raises its own to 1000 instead,
 *   which any process may, so the OOM killer takes the program first.
 * - Moving a process into a cgroup takes the cgroup threadgroup lock for
 *   writing, which waits for an RCU grace period (measured: 5-16 ms per
 *   move on this loaded VM, HZ=250, ~40 us for the next moves of a burst).
 *   The v2 group is entered with CLONE_INTO_CGROUP (no move); the v1 groups
 *   cannot be, so each slot has persistent v1 groups with a zygote living
 *   in them that forks the slot's keepers (see "Zygotes").
 * - Creating a network namespace is the costliest part of a box (loopback
 *   device, sysctl tables, an asynchronous teardown): about 1 ms of CPU
 *   per run here.  Each slot keeps one and reuses it (see netns_get()).
 * - Hard lesson: with the pid namespace and the box uid both disabled, a
 *   kill(-1) test case ran as root in the host's pid namespace and killed
 *   every root process of the machine.  That combination is now refused
 *   (host_exposed()), and the mount namespace cannot be disabled at all.
 *
 * How a run goes.  A keeper is cloned (clone3, CLONE_PIDFD, straight into
 * the run's v2 group) by the slot's zygote, or by the calling thread when
 * no v1 group is in use (exit signal 0 then, so nobody's waitpid(-1) can
 * reap it), into fresh pid, mount, ipc and uts namespaces (plus a user
 * namespace when not root, and then a fresh network namespace too).  The
 * keeper enters the slot's network namespace, builds the new root on a
 * tmpfs, pivots into it, then forks the program (pid 2), which sets
 * rlimits, no_new_privs, the seccomp filter, drops to the box uid (one per
 * slot, locked machine-wide) and executes.  The keeper reaps everything
 * and reports the program's wait status over a pipe, then exits, which
 * kills whatever the program left behind.  The parent waits on the
 * keeper's pidfd and the output pipes with poll(), with a timeout computed
 * from the wall and CPU deadlines (CPU time cannot grow faster than the
 * number of CPUs, so no polling loop).
 *
 * Cost (tests/bench/sandbox.sh): about 2.5 ms more than a plain fork+exec
 * of /bin/true when nothing competes for the CPUs (measured with every
 * process under SCHED_FIFO), and 2.7-2.9 ms more CPU time per run at any
 * load; on a loaded machine each of the extra hand-offs (parent, zygote,
 * keeper, program) also waits for a CPU, and the wall-time median grows
 * with the load (8-13 ms at a load average of 5-8 on 2 CPUs).
 *
 * Between clone and exec the child of a (possibly multithreaded) process
 * may only make system calls: no malloc, no stdio, and no glibc set*id()
 * (it would signal threads that exist only in the parent), so everything
 * is prepared in the parent and the child uses raw system calls.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/filter.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/err.h"
#include "util/xalloc.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif
#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif

#define STAGE	     "/tmp" /* where the new root is assembled */
#define DEFAULT_PATH "/usr/local/bin:/usr/bin:/bin"
#define MAX_STEPS    256

/* ------------------------------------------------------------------ */
/* Layers */

static const char *const layer_names[] = {
    "pidns",  "mntns",	    "netns",	   "ipcns",	 "utsns",
    "userns", "cgroup-mem", "cgroup-pids", "cgroup-cpu", "cgroup-kill",
    "uid",    "nnp",	    "seccomp",	   "rlimits",
};
#define NLAYERS (sizeof(layer_names) / sizeof(layer_names[0]))

const char *sandbox_layer_name(unsigned bit)
{
	for (size_t i = 0; i < NLAYERS; i++)
		if (bit == 1u << i)
			return layer_names[i];
	return NULL;
}

void sandbox_layers_format(unsigned layers, char *out, size_t n)
{
	size_t len = 0;

	if (n == 0)
		return;
	out[0] = '\0';
	for (size_t i = 0; i < NLAYERS; i++) {
		if (!(layers & (1u << i)))
			continue;
		int w = snprintf(out + len, n - len, "%s%s", len ? "," : "",
				 layer_names[i]);
		if (w < 0 || (size_t)w >= n - len)
			break;
		len += (size_t)w;
	}
	if (len == 0)
		snprintf(out, n, "none");
}

int sandbox_layers_parse(const char *list, unsigned *out, struct err *e)
{
	unsigned bits = 0;
	const char *p = list;

	while (p && *p) {
		size_t n = strcspn(p, ", ");
		size_t i;

		if (n == 0) {
			p++;
			continue;
		}
		if (n == 6 && !strncmp(p, "strict", n))
			bits |= SANDBOX_LEVEL_STRICT;
		else if (n == 5 && !strncmp(p, "basic", n))
			bits |= SANDBOX_LEVEL_BASIC;
		else if (n == 3 && !strncmp(p, "all", n))
			bits |= SANDBOX_ALL_LAYERS;
		else if (n == 4 && !strncmp(p, "none", n))
			;
		else {
			for (i = 0; i < NLAYERS; i++)
				if (strlen(layer_names[i]) == n &&
				    !strncmp(p, layer_names[i], n))
					break;
			if (i == NLAYERS)
				return err_set(e,
					       "unknown sandbox layer '%.*s'",
					       (int)n, p);
			bits |= 1u << i;
		}
		p += n;
	}
	*out = bits;
	return 0;
}

/* ------------------------------------------------------------------ */
/* The sandbox */

/* One cgroup hierarchy we make box groups in. */
struct cghier {
	char *base; /* <mount><our group>/workbook; NULL: not used */
	int v2;
};

enum { CG_MEM, CG_PIDS, CG_CPU, CG_KILL, CG_N };

/* A cached user namespace that maps a box folder's owner to a box uid,
 * for idmapped mounts. */
struct idmap {
	unsigned slot;
	uid_t owner;
	gid_t group;
	int fd;
};

/* What the keeper does to build the box, in order. */
enum mop {
	M_DIR,	 /* mkdir dst (EEXIST is fine) */
	M_FILE,	 /* create an empty file dst (a mount point) */
	M_LINK,	 /* symlink src at dst */
	M_WRITE, /* a file dst with the bytes src[0..len) */
	M_BIND,	 /* bind the host's src at dst */
	M_TMPFS, /* a tmpfs at dst with options src */
	M_PROC,	 /* a proc at dst */
};

enum {
	B_RO = 1,	 /* read-only */
	B_REC = 2,	 /* with the mounts below it */
	B_DEV = 4,	 /* device nodes allowed */
	B_IDMAP = 8,	 /* owner mapped to the box uid */
	B_OPTIONAL = 16, /* a missing source is skipped */
};

struct mstep {
	enum mop op;
	char *src;
	size_t len;
	char *dst; /* STAGE + the path inside */
	unsigned flags;
	int fd; /* the keeper's clone of src (M_BIND) */
};

struct plan {
	struct mstep *v;
	size_t n, cap;
};

struct sandbox {
	unsigned layers;
	unsigned available; /* before cfg->disable */
	char layers_str[256];
	char missing[2048];
	struct sandbox_limits def;
	int root;
	uid_t uid; /* ours, for the userns maps */
	gid_t gid;
	unsigned uid_base, uid_count;
	long ncpu;
	int idmap_ok;
	struct cghier cg[CG_N];
	struct sock_fprog bpf;
	struct plan sys; /* the system part of every box */
	pthread_mutex_t lock;
	unsigned char *busy; /* slots in use */
	int *lockfd;	     /* per slot: its uid's lock file, or -1 */
	int *netns;	     /* per slot: its network namespace, or -1 */
	int zygotes;	    /* v1 cgroups: keepers come from per-slot zygotes */
	struct zygote *zyg; /* per slot */
	struct idmap *maps;
	size_t nmaps, capmaps;
};

static void missing_add(struct sandbox *sb, unsigned bit, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void missing_add(struct sandbox *sb, unsigned bit, const char *fmt, ...)
{
	size_t len = strlen(sb->missing);
	va_list ap;
	int w;

	sb->available &= ~bit;
	if (len >= sizeof(sb->missing) - 1)
		return;
	w = snprintf(sb->missing + len, sizeof(sb->missing) - len,
		     "%s: ", bit ? sandbox_layer_name(bit) : "box");
	if (w < 0 || (size_t)w >= sizeof(sb->missing) - len)
		return;
	len += (size_t)w;
	va_start(ap, fmt);
	vsnprintf(sb->missing + len, sizeof(sb->missing) - len, fmt, ap);
	va_end(ap);
	len = strlen(sb->missing);
	if (len < sizeof(sb->missing) - 1) {
		sb->missing[len] = '\n';
		sb->missing[len + 1] = '\0';
	}
}

/* ------------------------------------------------------------------ */
/* Small file helpers (parent side only) */

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n;
	int saved;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	saved = errno;
	close(fd);
	errno = saved;
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

static int write_at(const char *dir, const char *name, const char *s)
{
	char path[PATH_MAX];

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return write_file(path, s);
}

/* Read a small file (a cgroup or proc file) into out; -1 on failure. */
static ssize_t read_small(const char *path, char *out, size_t n)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t got;

	if (fd < 0)
		return -1;
	got = read(fd, out, n - 1);
	close(fd);
	if (got < 0)
		return -1;
	out[got] = '\0';
	return got;
}

static int read_at(const char *dir, const char *name, char *out, size_t n)
{
	char path[PATH_MAX];

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path))
		return -1;
	return read_small(path, out, n) < 0 ? -1 : 0;
}

/* The number after "key " in a "key value" file (memory.events, ...). */
static long long keyed_value(const char *text, const char *key)
{
	size_t k = strlen(key);
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, key, k) && p[k] == ' ')
			return strtoll(p + k + 1, NULL, 10);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ------------------------------------------------------------------ */
/* Raw clone (fork semantics when no stack is given) */

struct sb_clone_args {
	uint64_t flags;
	uint64_t pidfd;
	uint64_t child_tid;
	uint64_t parent_tid;
	uint64_t exit_signal;
	uint64_t stack;
	uint64_t stack_size;
	uint64_t tls;
	uint64_t set_tid;
	uint64_t set_tid_size;
	uint64_t cgroup;
};

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

/* clone3 without a stack (fork semantics), optionally straight into the
 * v2 cgroup `cgfd` (no migration: a migration takes the cgroup
 * threadgroup lock for writing, which waits for an RCU grace period). */
static pid_t raw_clone_into(uint64_t flags, int exit_signal, int *pidfd,
			    int cgfd)
{
	struct sb_clone_args a;

	memset(&a, 0, sizeof(a));
	a.flags = flags;
	a.exit_signal = (uint64_t)exit_signal;
	if (pidfd) {
		a.flags |= CLONE_PIDFD;
		a.pidfd = (uint64_t)(uintptr_t)pidfd;
	}
	if (cgfd >= 0) {
		a.flags |= CLONE_INTO_CGROUP;
		a.cgroup = (uint64_t)cgfd;
	}
	return (pid_t)syscall(SYS_clone3, &a, sizeof(a));
}

static pid_t raw_clone(uint64_t flags, int exit_signal, int *pidfd)
{
	return raw_clone_into(flags, exit_signal, pidfd, -1);
}

/* ------------------------------------------------------------------ */
/* Cgroups */

/* Our own group in the hierarchy with `ctrl` ("memory", or "" for v2). */
static char *own_cgroup(const char *ctrl)
{
	char text[4096];
	const char *line;

	if (read_small("/proc/self/cgroup", text, sizeof(text)) < 0)
		return NULL;
	for (line = text; line && *line;) {
		const char *c1 = strchr(line, ':');
		const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		const char *nl = strchr(line, '\n');
		size_t end = nl ? (size_t)(nl - line) : strlen(line);

		if (c1 && c2 && (size_t)(c2 - line) < end) {
			size_t clen = (size_t)(c2 - c1 - 1);
			int hit = 0;

			if (!*ctrl)
				hit = clen == 0;
			else {
				const char *p = c1 + 1;
				size_t k = strlen(ctrl);

				while (p < c2) {
					size_t w = strcspn(p, ",:");
					if (w == k && !strncmp(p, ctrl, k))
						hit = 1;
					p += w + 1;
				}
			}
			if (hit)
				return xstrndup(c2 + 1,
						end - (size_t)(c2 + 1 - line));
		}
		line = nl ? nl + 1 : NULL;
	}
	return NULL;
}

/* The mount point of the hierarchy with `ctrl` ("" for cgroup2), from
 * /proc/self/mountinfo. */
static char *cgroup_mount(const char *ctrl)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];
	char *found = NULL;

	if (!f)
		return NULL;
	while (!found && fgets(line, sizeof(line), f)) {
		char *sep = strstr(line, " - ");
		char mnt[PATH_MAX], type[64], src[256], opts[1024];

		if (!sep)
			continue;
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1)
			continue;
		if (sscanf(sep + 3, "%63s %255s %1023s", type, src, opts) != 3)
			continue;
		if (!*ctrl && !strcmp(type, "cgroup2"))
			found = xstrdup(mnt);
		else if (*ctrl && !strcmp(type, "cgroup")) {
			char *tok, *save = NULL;
			for (tok = strtok_r(opts, ",", &save); tok;
			     tok = strtok_r(NULL, ",", &save))
				if (!strcmp(tok, ctrl))
					found = xstrdup(mnt);
		}
	}
	fclose(f);
	return found;
}

/* A base folder <mount><own>/workbook for one hierarchy, made if needed.
 * Returns NULL with why set. */
static char *cg_base(const char *ctrl, char *why, size_t n)
{
	char *mnt = cgroup_mount(ctrl);
	char *own, *base;

	if (!mnt) {
		snprintf(why, n, "no %s%s hierarchy mounted", *ctrl ? ctrl : "",
			 *ctrl ? " cgroup" : "cgroup2");
		return NULL;
	}
	own = own_cgroup(ctrl);
	if (!own) {
		snprintf(why, n, "not in a %s cgroup", *ctrl ? ctrl : "v2");
		free(mnt);
		return NULL;
	}
	base = xasprintf("%s%s%sworkbook", mnt, own,
			 own[strlen(own) - 1] == '/' ? "" : "/");
	free(mnt);
	free(own);
	if (mkdir(base, 0755) < 0 && errno != EEXIST) {
		snprintf(why, n, "cannot create '%s': %s", base,
			 strerror(errno));
		free(base);
		return NULL;
	}
	return base;
}

/* Try one box group under base: make it, write `file` = `value`, remove. */
static int cg_try(const char *base, const char *file, const char *value,
		  char *why, size_t n)
{
	char *dir = xasprintf("%s/probe-%ld", base, (long)getpid());
	int rc = 0;

	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		snprintf(why, n, "cannot create '%s': %s", dir,
			 strerror(errno));
		free(dir);
		return -1;
	}
	if (file && write_at(dir, file, value) < 0) {
		snprintf(why, n, "cannot write '%s/%s': %s", dir, file,
			 strerror(errno));
		rc = -1;
	}
	rmdir(dir);
	free(dir);
	return rc;
}

/* v2 needs the controllers switched on for the children of base. */
static int cg2_enable(const char *base, const char *ctrls)
{
	char *parent = xstrdup(base);
	char *slash = strrchr(parent, '/');
	int rc = 0;

	if (slash) {
		*slash = '\0';
		write_at(parent, "cgroup.subtree_control", ctrls);
	}
	free(parent);
	rc = write_at(base, "cgroup.subtree_control", ctrls);
	return rc;
}

static void cg_remove(const char *dir, int v2);

/* Box groups left by a process that died without cleaning up (killed,
 * crashed): "box-<pid>-<slot>" or "probe-<pid>" whose pid is gone. */
static void remove_stale(const char *base, int v2)
{
	DIR *d = opendir(base);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		const char *p = de->d_name;
		long pid;
		char *dir;

		if (!strncmp(p, "box-", 4))
			p += 4;
		else if (!strncmp(p, "slot-", 5))
			p += 5;
		else if (!strncmp(p, "probe-", 6))
			p += 6;
		else
			continue;
		pid = strtol(p, NULL, 10);
		if (pid <= 0 || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		dir = xasprintf("%s/%s", base, de->d_name);
		cg_remove(dir, v2);
		free(dir);
	}
	closedir(d);
}

static void probe_cgroups(struct sandbox *sb)
{
	static const struct {
		int which;
		unsigned bit;
		const char *v1;	     /* v1 controller name */
		const char *v2;	     /* v2 controller name */
		const char *f1, *f2; /* a file to write in a probe group */
		const char *val;
	} want[] = {
	    {CG_MEM, SANDBOX_CGROUP_MEM, "memory", "+memory",
	     "memory.limit_in_bytes", "memory.max", "67108864"},
	    {CG_PIDS, SANDBOX_CGROUP_PIDS, "pids", "+pids", "pids.max",
	     "pids.max", "64"},
	    {CG_CPU, SANDBOX_CGROUP_CPU, "cpuacct", "+cpu", NULL, NULL, NULL},
	};
	char why[512] = "";
	char *v2base = NULL;
	char ctrls[256] = "";

	if (!sb->root && !getenv("WORKBOOK_SANDBOX_CGROUPS")) {
		/* An unprivileged user only has cgroups when they are
		 * delegated; try anyway, quietly. */
	}
	v2base = cg_base("", why, sizeof(why));
	if (v2base)
		read_at(v2base, "../cgroup.controllers", ctrls, sizeof(ctrls));

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		char w1[512] = "";
		char *base = cg_base(want[i].v1, w1, sizeof(w1));
		int v2 = 0;

		if (!base && v2base && strstr(ctrls, want[i].v2 + 1)) {
			cg2_enable(v2base, want[i].v2);
			base = xstrdup(v2base);
			v2 = 1;
		}
		if (!base) {
			missing_add(sb, want[i].bit, "%s", w1);
			continue;
		}
		if (cg_try(base, v2 ? want[i].f2 : want[i].f1, want[i].val, w1,
			   sizeof(w1)) < 0) {
			missing_add(sb, want[i].bit, "%s", w1);
			free(base);
			continue;
		}
		sb->cg[want[i].which].base = base;
		remove_stale(base, v2);
		sb->cg[want[i].which].v2 = v2;
	}

	if (!v2base) {
		missing_add(sb, SANDBOX_CGROUP_KILL, "%s", why);
		return;
	}
	{
		char *probe = xasprintf("%s/probe-%ld", v2base, (long)getpid());
		char *kill = xasprintf("%s/cgroup.kill", probe);

		if (mkdir(probe, 0755) < 0 && errno != EEXIST)
			missing_add(sb, SANDBOX_CGROUP_KILL,
				    "cannot create '%s': %s", probe,
				    strerror(errno));
		else if (access(kill, W_OK) < 0)
			missing_add(sb, SANDBOX_CGROUP_KILL,
				    "no cgroup.kill (kernel before 5.14?)");
		else {
			sb->cg[CG_KILL].base = xstrdup(v2base);
			remove_stale(v2base, 1);
			sb->cg[CG_KILL].v2 = 1;
		}
		rmdir(probe);
		free(kill);
		free(probe);
	}
	free(v2base);
}

/* Box groups of one run: a folder per distinct hierarchy. */
struct boxcg {
	char *dir[CG_N];    /* per role; roles may share a folder (v2) */
	long long mem_base; /* slot groups: usage and OOM kills before */
	long long oom_base;
	int procs_fd[CG_N]; /* cgroup.procs for the keeper to write "0" */
	int into_fd;	    /* the v2 group, for CLONE_INTO_CGROUP */
	int cpu_fd;	    /* cpuacct.usage or cpu.stat */
	int made[CG_N];
};

static void boxcg_init(struct boxcg *c)
{
	memset(c, 0, sizeof(*c));
	for (int i = 0; i < CG_N; i++)
		c->procs_fd[i] = -1;
	c->cpu_fd = -1;
	c->into_fd = -1;
}

static int same_dir_before(const struct boxcg *c, int i)
{
	for (int j = 0; j < i; j++)
		if (c->dir[j] && !strcmp(c->dir[j], c->dir[i]))
			return 1;
	return 0;
}

/* Remove a box group, killing what is left in it first. */
static void cg_remove(const char *dir, int v2)
{
	for (int tries = 0; tries < 200; tries++) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return;
		if (errno != EBUSY)
			return;
		if (v2)
			write_at(dir, "cgroup.kill", "1");
		else {
			char text[4096];
			if (read_at(dir, "cgroup.procs", text, sizeof(text)) ==
			    0)
				for (char *p = text; *p;) {
					long pid = strtol(p, &p, 10);
					if (pid > 0)
						kill((pid_t)pid, SIGKILL);
					while (*p == '\n')
						p++;
					if (pid <= 0)
						break;
				}
		}
		struct timespec ts = {0, 1000000};
		nanosleep(&ts, NULL);
	}
}

/* Make a box group.  A missing base (another sandbox that ended removed
 * it) is made again; a group left by a crashed process that had our pid is
 * emptied and made again. */
static int cg_mkdir(const char *base, const char *dir, int v2)
{
	if (mkdir(dir, 0755) == 0)
		return 0;
	if (errno == ENOENT && (mkdir(base, 0755) == 0 || errno == EEXIST))
		return mkdir(dir, 0755);
	if (errno == EEXIST) {
		cg_remove(dir, v2);
		return mkdir(dir, 0755);
	}
	return -1;
}

static void boxcg_release(struct sandbox *sb, struct boxcg *c)
{
	if (c->cpu_fd >= 0)
		close(c->cpu_fd);
	if (c->into_fd >= 0)
		close(c->into_fd);
	for (int i = 0; i < CG_N; i++) {
		if (c->procs_fd[i] >= 0)
			close(c->procs_fd[i]);
		if (c->made[i])
			cg_remove(c->dir[i], sb->cg[i].v2);
	}
	for (int i = 0; i < CG_N; i++)
		free(c->dir[i]);
	boxcg_init(c);
}

static const unsigned cg_bit[CG_N] = {SANDBOX_CGROUP_MEM, SANDBOX_CGROUP_PIDS,
				      SANDBOX_CGROUP_CPU, SANDBOX_CGROUP_KILL};

/* A role whose v1 group belongs to the slot (made once, with the slot's
 * zygote living in it) rather than to the run. */
static int slot_role(const struct sandbox *sb, int i)
{
	return sb->zygotes && (sb->layers & cg_bit[i]) && sb->cg[i].base &&
	       !sb->cg[i].v2;
}

static char *slot_dir(const struct sandbox *sb, int i, unsigned slot)
{
	return xasprintf("%s/slot-%ld-%u", sb->cg[i].base, (long)getpid(),
			 slot);
}

static long long read_ll(const char *dir, const char *name, const char *key)
{
	char text[2048];

	if (read_at(dir, name, text, sizeof(text)) < 0)
		return -1;
	return key ? keyed_value(text, key) : strtoll(text, NULL, 10);
}

/* A slot group for this run: counters back to zero, baselines kept. */
static void slot_reset(struct boxcg *c)
{
	if (c->dir[CG_MEM]) {
		c->mem_base =
		    read_ll(c->dir[CG_MEM], "memory.usage_in_bytes", NULL);
		c->oom_base =
		    read_ll(c->dir[CG_MEM], "memory.oom_control", "oom_kill");
		write_at(c->dir[CG_MEM], "memory.max_usage_in_bytes", "0");
	}
	if (c->dir[CG_CPU])
		write_at(c->dir[CG_CPU], "cpuacct.usage", "0");
}

static int boxcg_make(struct sandbox *sb, struct boxcg *c, unsigned slot,
		      const struct sandbox_limits *l, char *why, size_t n)
{
	char val[64];

	for (int i = 0; i < CG_N; i++) {
		char path[PATH_MAX];

		if (!(sb->layers & cg_bit[i]) || !sb->cg[i].base)
			continue;
		if (slot_role(sb, i)) {
			c->dir[i] = slot_dir(sb, i, slot);
			continue;
		}
		c->dir[i] = xasprintf("%s/box-%ld-%u", sb->cg[i].base,
				      (long)getpid(), slot);
		if (same_dir_before(c, i))
			continue;
		if (cg_mkdir(sb->cg[i].base, c->dir[i], sb->cg[i].v2) < 0)
			goto fail;
		c->made[i] = 1;
		snprintf(path, sizeof(path), "%s/cgroup.procs", c->dir[i]);
		c->procs_fd[i] = open(path, O_WRONLY | O_CLOEXEC);
		if (c->procs_fd[i] < 0)
			goto fail;
		continue;
	fail:
		snprintf(why, n, "cannot create cgroup '%s': %s", c->dir[i],
			 strerror(errno));
		return -1;
	}
	for (int i = 0; i < CG_N; i++)
		if (c->dir[i] && sb->cg[i].v2 && c->into_fd < 0)
			c->into_fd =
			    open(c->dir[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c->dir[CG_MEM]) {
		const char *d = c->dir[CG_MEM];
		long long m = l->mem_bytes;

		snprintf(val, sizeof(val), "%lld", m);
		if (sb->cg[CG_MEM].v2) {
			if (write_at(d, "memory.max", val) < 0)
				goto fail_mem;
			write_at(d, "memory.swap.max", "0");
		} else {
			/* No swap: memory + swap = memory (memsw is absent
			 * without swap accounting).  memory may never exceed
			 * memory + swap, so a slot group that had a lower
			 * limit before is raised in the other order. */
			if (write_at(d, "memory.limit_in_bytes", val) < 0 &&
			    (errno != EINVAL ||
			     write_at(d, "memory.memsw.limit_in_bytes", val) <
				 0 ||
			     write_at(d, "memory.limit_in_bytes", val) < 0))
				goto fail_mem;
			write_at(d, "memory.memsw.limit_in_bytes", val);
		}
	}
	if (c->dir[CG_PIDS]) {
		/* + the keeper, + the zygote in a slot group */
		snprintf(val, sizeof(val), "%d",
			 l->procs + 1 + slot_role(sb, CG_PIDS));
		if (write_at(c->dir[CG_PIDS], "pids.max", val) < 0) {
			snprintf(why, n, "cannot set pids.max in '%s': %s",
				 c->dir[CG_PIDS], strerror(errno));
			return -1;
		}
	}
	if (c->dir[CG_CPU]) {
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%s/%s", c->dir[CG_CPU],
			 sb->cg[CG_CPU].v2 ? "cpu.stat" : "cpuacct.usage");
		c->cpu_fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (sb->zygotes)
		slot_reset(c);
	return 0;
fail_mem:
	snprintf(why, n, "cannot set the memory limit in '%s': %s",
		 c->dir[CG_MEM], strerror(errno));
	return -1;
}

/* CPU seconds used by the box so far, or -1. */
static double boxcg_cpu(const struct sandbox *sb, const struct boxcg *c)
{
	char text[1024];
	ssize_t n;

	if (c->cpu_fd < 0)
		return -1;
	n = pread(c->cpu_fd, text, sizeof(text) - 1, 0);
	if (n <= 0)
		return -1;
	text[n] = '\0';
	if (sb->cg[CG_CPU].v2) {
		long long us = keyed_value(text, "usage_usec");
		return us < 0 ? -1 : (double)us / 1e6;
	}
	return (double)strtoll(text, NULL, 10) / 1e9;
}

static void boxcg_kill(const struct boxcg *c)
{
	if (c->dir[CG_KILL])
		write_at(c->dir[CG_KILL], "cgroup.kill", "1");
}

/* ------------------------------------------------------------------ */
/* Seccomp: built once, kept as BPF so the child only needs prctl. */

/*
 * What the program creates in the box belongs, outside, to the box's owner
 * (often root): a set-uid bit there would hand the next person who runs the
 * file the owner's rights.  So no mode with S_ISUID or S_ISGID is accepted
 * by the calls that set modes (openat2 hides its mode in memory: it is
 * reported missing, and libc falls back to openat).
 */
static int deny_setid_modes(scmp_filter_ctx ctx)
{
	static const struct {
		const char *name;
		unsigned arg;
	} calls[] = {
	    {"chmod", 1},   {"fchmod", 1}, {"fchmodat", 2}, {"fchmodat2", 2},
	    {"creat", 1},   {"open", 2},   {"openat", 3},   {"mknod", 1},
	    {"mknodat", 2}, {"mkdir", 1},  {"mkdirat", 2},
	};
	static const unsigned bits[] = {S_ISUID, S_ISGID};
	int rc = 0;

	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		int nr = seccomp_syscall_resolve_name(calls[i].name);

#if defined(__x86_64__)
		if (nr == __NR_SCMP_ERROR &&
		    !strcmp(calls[i].name, "fchmodat2"))
			nr = 452; /* Linux 6.6; newer than this libseccomp */
#endif
		if (nr == __NR_SCMP_ERROR)
			continue;
		for (size_t k = 0; rc == 0 && k < 2; k++) {
			struct scmp_arg_cmp cmp = {
			    calls[i].arg, SCMP_CMP_MASKED_EQ, bits[k], bits[k]};
			rc = seccomp_rule_add_array(ctx, SCMP_ACT_ERRNO(EPERM),
						    nr, 1, &cmp);
		}
	}
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS),
				      SCMP_SYS(openat2), 0);
	return rc;
}

/* One rule on one argument (libseccomp's SCMP_A* macros leave fields to
 * the default, which clang's -Wmissing-field-initializers dislikes). */
static int rule_arg(scmp_filter_ctx ctx, uint32_t action, int nr, unsigned arg,
		    enum scmp_compare op, scmp_datum_t a, scmp_datum_t b)
{
	struct scmp_arg_cmp cmp = {arg, op, a, b};

	return seccomp_rule_add_array(ctx, action, nr, 1, &cmp);
}

static int build_seccomp(struct sandbox *sb, char *why, size_t n)
{
	static const char *const deny[] = {
	    "mount",
	    "umount2",
	    "pivot_root",
	    "chroot",
	    "unshare",
	    "setns",
	    "keyctl",
	    "add_key",
	    "request_key",
	    "bpf",
	    "perf_event_open",
	    "io_uring_setup",
	    "io_uring_enter",
	    "io_uring_register",
	    "userfaultfd",
	    "open_tree",
	    "move_mount",
	    "fsopen",
	    "fsconfig",
	    "fsmount",
	    "fspick",
	    "mount_setattr",
	    "kexec_load",
	    "kexec_file_load",
	    "init_module",
	    "finit_module",
	    "delete_module",
	    "reboot",
	    "swapon",
	    "swapoff",
	    "acct",
	    "quotactl",
	    "lookup_dcookie",
	    "name_to_handle_at",
	    "open_by_handle_at",
	    "syslog",
	    "vhangup",
	    "iopl",
	    "ioperm",
	    "settimeofday",
	    "clock_settime",
	    "clock_adjtime",
	    "adjtimex",
	    "fanotify_init",
	    "nfsservctl",
	    "uselib",
	    "_sysctl",
	};
	static const unsigned long nsflags[] = {
	    CLONE_NEWNS,  CLONE_NEWUSER, CLONE_NEWPID,	  CLONE_NEWNET,
	    CLONE_NEWIPC, CLONE_NEWUTS,	 CLONE_NEWCGROUP,
	};
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	const uint32_t eperm = SCMP_ACT_ERRNO(EPERM);
	int rc = 0, mfd = -1;
	struct stat st;
	const char *what = "";

	if (!ctx) {
		snprintf(why, n, "seccomp_init failed");
		return -1;
	}
	for (size_t i = 0; i < sizeof(deny) / sizeof(deny[0]); i++) {
		int nr = seccomp_syscall_resolve_name(deny[i]);
		if (nr == __NR_SCMP_ERROR)
			continue; /* unknown to this libseccomp or arch */
		what = deny[i];
		rc = seccomp_rule_add(ctx, eperm, nr, 0);
		if (rc < 0)
			goto out;
	}
	what = "socket";
	rc = rule_arg(ctx, eperm, SCMP_SYS(socket), 0, SCMP_CMP_NE, AF_UNIX, 0);
	if (rc == 0)
		rc = rule_arg(ctx, eperm, SCMP_SYS(socketpair), 0, SCMP_CMP_NE,
			      AF_UNIX, 0);
	for (size_t i = 0; rc == 0 && i < sizeof(nsflags) / sizeof(nsflags[0]);
	     i++) {
		what = "clone";
		rc = rule_arg(ctx, eperm, SCMP_SYS(clone), 0,
			      SCMP_CMP_MASKED_EQ, nsflags[i], nsflags[i]);
	}
	/* clone3 passes its flags in memory seccomp cannot read: say it does
	 * not exist, and glibc falls back to clone. */
	if (rc == 0) {
		what = "clone3";
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS),
				      SCMP_SYS(clone3), 0);
	}
	if (rc == 0) {
		what = "ioctl";
		rc = rule_arg(ctx, eperm, SCMP_SYS(ioctl), 1,
			      SCMP_CMP_MASKED_EQ, 0xffffffffu, TIOCSTI);
	}
	if (rc == 0) {
		what = "set-id bits";
		rc = deny_setid_modes(ctx);
	}
	if (rc < 0)
		goto out;
	what = "export";
	mfd = memfd_create("workbook-seccomp", MFD_CLOEXEC);
	if (mfd < 0 || (rc = seccomp_export_bpf(ctx, mfd)) < 0 ||
	    fstat(mfd, &st) < 0 || st.st_size <= 0 ||
	    st.st_size % (off_t)sizeof(struct sock_filter) != 0 ||
	    st.st_size / (off_t)sizeof(struct sock_filter) > 65535) {
		rc = -1;
		goto out;
	}
	sb->bpf.len = (unsigned short)(st.st_size / sizeof(struct sock_filter));
	sb->bpf.filter = xmalloc((size_t)st.st_size);
	if (pread(mfd, sb->bpf.filter, (size_t)st.st_size, 0) != st.st_size) {
		free(sb->bpf.filter);
		sb->bpf.filter = NULL;
		rc = -1;
	}
out:
	if (rc < 0)
		snprintf(why, n, "building the filter failed at '%s': %s", what,
			 strerror(rc < -1 ? -rc : errno));
	if (mfd >= 0)
		close(mfd);
	seccomp_release(ctx);
	return rc < 0 ? -1 : 0;
}

/* ------------------------------------------------------------------ */
/* Mount plans */

static struct mstep *plan_add(struct plan *p, enum mop op, const char *src,
			      const char *inside, unsigned flags)
{
	struct mstep *s;

	p->v = xgrow(p->v, &p->cap, p->n + 1, sizeof(*p->v));
	s = &p->v[p->n++];
	memset(s, 0, sizeof(*s));
	s->op = op;
	s->src = src ? xstrdup(src) : NULL;
	s->len = src ? strlen(src) : 0;
	s->dst = xasprintf("%s%s", STAGE, inside);
	s->flags = flags;
	s->fd = -1;
	return s;
}

static void plan_release(struct plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].src);
		free(p->v[i].dst);
	}
	free(p->v);
	memset(p, 0, sizeof(*p));
}

static void plan_copy(struct plan *to, const struct plan *from)
{
	for (size_t i = 0; i < from->n; i++) {
		struct mstep *s;

		to->v = xgrow(to->v, &to->cap, to->n + 1, sizeof(*to->v));
		s = &to->v[to->n++];
		*s = from->v[i];
		s->src = from->v[i].src ? xstrdup(from->v[i].src) : NULL;
		s->dst = xstrdup(from->v[i].dst);
	}
}

static int plan_has_dir(const struct plan *p, const char *dst)
{
	for (size_t i = 0; i < p->n; i++)
		if ((p->v[i].op == M_DIR || p->v[i].op == M_TMPFS ||
		     p->v[i].op == M_PROC) &&
		    !strcmp(p->v[i].dst + strlen(STAGE), dst))
			return 1;
	return 0;
}

/* mkdir -p of the folders above `inside` (and itself when dir). */
static void plan_parents(struct plan *p, const char *inside, int self)
{
	char buf[PATH_MAX];
	size_t len = strlen(inside);

	if (len >= sizeof(buf))
		return;
	memcpy(buf, inside, len + 1);
	for (size_t i = 1; i <= len; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		if (buf[i] == '\0' && !self)
			break;
		char c = buf[i];
		buf[i] = '\0';
		if (!plan_has_dir(p, buf))
			plan_add(p, M_DIR, NULL, buf, 0);
		buf[i] = c;
	}
}

/* Bind host `path` at the same path inside; a symlink becomes the same
 * symlink (its target must be inside too). */
static void plan_bind(struct plan *p, const char *path, unsigned flags)
{
	struct stat st;
	char target[PATH_MAX];
	ssize_t n;

	if (lstat(path, &st) < 0)
		return;
	if (S_ISLNK(st.st_mode)) {
		n = readlink(path, target, sizeof(target) - 1);
		if (n <= 0)
			return;
		target[n] = '\0';
		plan_parents(p, path, 0);
		plan_add(p, M_LINK, target, path, 0);
		return;
	}
	plan_parents(p, path, S_ISDIR(st.st_mode));
	if (!S_ISDIR(st.st_mode))
		plan_add(p, M_FILE, NULL, path, 0);
	plan_add(p, M_BIND, path, path, flags);
}

/* The part of every box that does not change: system folders, /etc, /dev,
 * /proc. */
static void plan_system(struct plan *p)
{
	static const char *const sys[] = {
	    "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32",
	};
	/* Only what programs and compilers need from /etc; the rest (shadow,
	 * ssh keys, machine-id, ...) is not there at all. */
	static const char *const etc[] = {
	    "/etc/ld.so.cache",	 "/etc/ld.so.conf", "/etc/ld.so.conf.d",
	    "/etc/alternatives", "/etc/localtime",  "/etc/nsswitch.conf",
	    "/etc/host.conf",	 "/etc/gai.conf",   "/etc/locale.alias",
	};
	static const char *const dev[] = {
	    "/dev/null",   "/dev/zero",	   "/dev/full",
	    "/dev/random", "/dev/urandom",
	};
	static const char *const links[][2] = {
	    {"/proc/self/fd", "/dev/fd"},
	    {"/proc/self/fd/0", "/dev/stdin"},
	    {"/proc/self/fd/1", "/dev/stdout"},
	    {"/proc/self/fd/2", "/dev/stderr"},
	    {"/tmp", "/dev/shm"},
	    {"/proc/mounts", "/etc/mtab"},
	};

	for (size_t i = 0; i < sizeof(sys) / sizeof(sys[0]); i++)
		plan_bind(p, sys[i], B_RO | B_REC);
	plan_add(p, M_DIR, NULL, "/etc", 0);
	for (size_t i = 0; i < sizeof(etc) / sizeof(etc[0]); i++)
		plan_bind(p, etc[i], B_RO | B_REC);
	plan_add(p, M_WRITE, "box\n", "/etc/hostname", 0);
	plan_add(p, M_WRITE,
		 "127.0.0.1\tlocalhost box\n::1\tlocalhost ip6-localhost\n",
		 "/etc/hosts", 0);
	plan_add(p, M_DIR, NULL, "/dev", 0);
	for (size_t i = 0; i < sizeof(dev) / sizeof(dev[0]); i++)
		plan_bind(p, dev[i], B_DEV);
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		plan_add(p, M_LINK, links[i][0], links[i][1], 0);
	plan_add(p, M_DIR, NULL, "/proc", 0);
	plan_add(p, M_PROC, NULL, "/proc", 0);
}

/* ------------------------------------------------------------------ */
/* The child side: keeper (box init) and program.  Raw system calls only. */

/* What the keeper tells the parent, in one write. */
struct kmsg {
	int kind; /* KM_* */
	int step; /* ST_* where it failed */
	int err;  /* errno there */
	int idx;  /* the mount step, or -1 */
	int wstatus;
	long maxrss_kb;
	long long cpu_us;
	int idmap_err; /* the box could not be idmapped (errno), or 0 */
};

enum { KM_NONE, KM_SETUP, KM_EXEC, KM_EXITED };

enum {
	ST_CGROUP,
	ST_NETNS,
	ST_OOMADJ,
	ST_FDS,
	ST_USERNS_WAIT,
	ST_PRIVATE,
	ST_HOSTNAME,
	ST_CLONE_TREE,
	ST_IDMAP,
	ST_ATTR,
	ST_STAGE,
	ST_STEP,
	ST_PIVOT,
	ST_ROOT_RO,
	ST_CGROUPNS,
	ST_CHDIR,
	ST_FORK,
	ST_RLIMIT,
	ST_NNP,
	ST_SECCOMP,
	ST_CAPS,
	ST_UID,
	ST_EXEC,
	ST_N
};

static const char *const step_names[ST_N] = {
    [ST_CGROUP] = "moving into the box cgroup",
    [ST_NETNS] = "entering the network namespace",
    [ST_OOMADJ] = "protecting the keeper from the OOM killer",
    [ST_FDS] = "arranging file descriptors",
    [ST_USERNS_WAIT] = "waiting for the user namespace maps",
    [ST_PRIVATE] = "making mounts private",
    [ST_HOSTNAME] = "setting the host name",
    [ST_CLONE_TREE] = "cloning a mount of",
    [ST_IDMAP] = "mapping the box owner (idmapped mount) of",
    [ST_ATTR] = "setting mount attributes of",
    [ST_STAGE] = "mounting the new root tmpfs",
    [ST_STEP] = "building",
    [ST_PIVOT] = "pivot_root",
    [ST_ROOT_RO] = "remounting the root read-only",
    [ST_CGROUPNS] = "entering a cgroup namespace",
    [ST_CHDIR] = "entering the start folder",
    [ST_FORK] = "forking the program",
    [ST_RLIMIT] = "setting rlimits",
    [ST_NNP] = "setting no_new_privs",
    [ST_SECCOMP] = "loading the seccomp filter",
    [ST_CAPS] = "dropping capabilities",
    [ST_UID] = "switching to the box uid",
    [ST_EXEC] = "executing",
};

/* Everything the child needs, prepared by the parent. */
struct job {
	unsigned layers;
	struct sock_fprog bpf; /* the seccomp filter (SANDBOX_SECCOMP) */
	struct plan plan;
	int userns_idmap; /* fd of the idmap user namespace, or -1 */
	uid_t box_uid;
	gid_t box_gid;
	const char *cwd;
	char *const *argv; /* NULL: self-test, stop before exec */
	char *const *env;
	const char *path; /* PATH for the lookup */
	struct sandbox_limits lim;
	int channel_fd;
	int merge;
	/* fds */
	int status_w;
	int in_r, out_w, err_w, ch_w;
	int go_r;      /* userns: the parent's go-ahead; -1 otherwise */
	int netns;     /* the slot's network namespace to enter, or -1 */
	int idmap_err; /* set by the keeper */
	int procs_fd[CG_N];
};

static void kreport(const struct job *j, int kind, int step, int err, int idx)
{
	struct kmsg m;
	ssize_t unused;

	memset(&m, 0, sizeof(m));
	m.kind = kind;
	m.idmap_err = j->idmap_err;
	m.step = step;
	m.err = err;
	m.idx = idx;
	unused = write(j->status_w, &m, sizeof(m));
	(void)unused;
}

static _Noreturn void kfail(const struct job *j, int step, int idx)
{
	kreport(j, KM_SETUP, step, errno, idx);
	_exit(127);
}

/* Close every fd but the listed ones. */
static int keep_only(int *fds, int n)
{
	int sorted[16];
	int m = 0;
	unsigned lo = 3;

	for (int i = 0; i < n; i++)
		if (fds[i] >= 3)
			sorted[m++] = fds[i];
	for (int i = 1; i < m; i++)
		for (int k = i; k > 0 && sorted[k - 1] > sorted[k]; k--) {
			int t = sorted[k];
			sorted[k] = sorted[k - 1];
			sorted[k - 1] = t;
		}
	for (int i = 0; i < m; i++) {
		if ((unsigned)sorted[i] > lo &&
		    close_range(lo, (unsigned)sorted[i] - 1, 0) < 0)
			return -1;
		lo = (unsigned)sorted[i] + 1;
	}
	return close_range(lo, ~0U, 0);
}

static void set_limit(int res, rlim_t soft, rlim_t hard, int *bad)
{
	struct rlimit rl = {soft, hard};

	if (setrlimit(res, &rl) < 0)
		*bad = 1;
}

static rlim_t cpu_rlimit(const struct job *j)
{
	double s = ceil(j->lim.cpu_seconds);

	/* A backstop: the cgroup's CPU count stops the tree first. */
	if (j->layers & SANDBOX_CGROUP_CPU)
		s += 1;
	return s < 1 ? 1 : (rlim_t)s;
}

/* Look argv[0] up in PATH and execute; returns on failure with errno. */
static void exec_lookup(const struct job *j)
{
	const char *name = j->argv[0];
	const char *p = j->path;
	char buf[PATH_MAX];
	int saved = ENOENT;

	if (strchr(name, '/')) {
		execve(name, j->argv, j->env);
		return;
	}
	while (*p) {
		size_t n = strcspn(p, ":");
		size_t k = strlen(name);

		if (n + 1 + k < sizeof(buf)) {
			memcpy(buf, p, n);
			buf[n] = '/';
			memcpy(buf + n + 1, name, k + 1);
			execve(buf, j->argv, j->env);
			if (errno != ENOENT && errno != ENOTDIR)
				saved = errno;
		}
		p += n;
		if (*p == ':')
			p++;
	}
	errno = saved;
}

static _Noreturn void prog_fail(const struct job *j, int ep, int step)
{
	struct kmsg m;
	ssize_t unused;

	memset(&m, 0, sizeof(m));
	m.kind = step == ST_EXEC ? KM_EXEC : KM_SETUP;
	m.step = step;
	m.err = errno;
	m.idx = -1;
	m.idmap_err = j->idmap_err;
	unused = write(ep, &m, sizeof(m));
	(void)unused;
	_exit(127);
}

/* The program: pid 2 of the box.  Never returns.  A failure before exec
 * is reported on the status pipe (ep, close-on-exec) directly: the keeper
 * does not wait for the exec, and its own report comes after ours. */
static _Noreturn void program(const struct job *j, int ep)
{
	int hi = (j->channel_fd > 2 ? j->channel_fd : 2) + 1;
	int t_in, t_out, t_err, t_ch = -1, t_ep;
	sigset_t none;
	int step, bad = 0;

	/* fds: copies above every target first, then into place. */
	step = ST_FDS;
	t_in = fcntl(j->in_r, F_DUPFD_CLOEXEC, hi + 1);
	t_out = fcntl(j->out_w, F_DUPFD_CLOEXEC, hi + 1);
	t_err = fcntl(j->merge ? j->out_w : j->err_w, F_DUPFD_CLOEXEC, hi + 1);
	t_ep = fcntl(ep, F_DUPFD_CLOEXEC, hi + 1);
	if (j->channel_fd > 0)
		t_ch = fcntl(j->ch_w, F_DUPFD_CLOEXEC, hi + 1);
	if (t_in < 0 || t_out < 0 || t_err < 0 || t_ep < 0 ||
	    (j->channel_fd > 0 && t_ch < 0))
		goto fail;
	if (dup2(t_in, 0) < 0 || dup2(t_out, 1) < 0 || dup2(t_err, 2) < 0)
		goto fail;
	if (j->channel_fd > 0 && dup2(t_ch, j->channel_fd) < 0)
		goto fail;
	ep = dup3(t_ep, hi, O_CLOEXEC);
	if (ep < 0)
		goto fail;
	if (close_range((unsigned)hi + 1, ~0U, 0) < 0)
		goto fail;
	if (j->channel_fd > 3 &&
	    close_range(3, (unsigned)j->channel_fd - 1, 0) < 0)
		goto fail;
	if (j->channel_fd <= 0 && hi > 3 &&
	    close_range(3, (unsigned)hi - 1, 0) < 0)
		goto fail;

	proc_reset_signals();
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setsid();
	/* A caller running at real-time priority must not hand it on: a
	 * busy loop at SCHED_FIFO would starve the machine. */
	{
		struct sched_param sp = {0};
		sched_setscheduler(0, SCHED_OTHER, &sp);
	}

	/* No address-space randomisation in the box (setarch -R): with the
	 * kernel's wider mmap randomisation ThreadSanitizer cannot map its
	 * shadow ("unexpected memory mapping").  The program attacks nothing
	 * that randomisation would protect; it is the only one in the box. */
	personality(ADDR_NO_RANDOMIZE);

	/* The OOM killer takes the program before the keeper. */
	{
		int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			ssize_t unused = write(fd, "1000", 4);
			(void)unused;
			close(fd);
		}
	}

	step = ST_RLIMIT;
	if (j->layers & SANDBOX_RLIMITS) {
		rlim_t cpu = cpu_rlimit(j);
		rlim_t nofile = (rlim_t)j->lim.nofile;

		set_limit(RLIMIT_CPU, cpu, cpu + 1, &bad);
		set_limit(RLIMIT_FSIZE, (rlim_t)j->lim.fsize_bytes,
			  (rlim_t)j->lim.fsize_bytes, &bad);
		set_limit(RLIMIT_NOFILE, nofile, nofile, &bad);
		set_limit(RLIMIT_CORE, 0, 0, &bad);
		set_limit(RLIMIT_MSGQUEUE, 0, 0, &bad);
		if (j->layers & SANDBOX_UID)
			set_limit(RLIMIT_NPROC, (rlim_t)j->lim.procs + 1,
				  (rlim_t)j->lim.procs + 1, &bad);
		if (bad)
			goto fail;
	}
	step = ST_NNP;
	if ((j->layers & SANDBOX_NNP) &&
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		goto fail;
	/* Loaded while we still have CAP_SYS_ADMIN, so it works even
	 * without no_new_privs; everything after passes through it. */
	step = ST_SECCOMP;
	if ((j->layers & SANDBOX_SECCOMP) &&
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
		    SECCOMP_FILTER_FLAG_SPEC_ALLOW, &j->bpf) < 0)
		goto fail;
	step = ST_CAPS;
	for (int c = 0; c <= 63; c++)
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
			goto fail;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 &&
	    errno != EINVAL)
		goto fail;
	step = ST_UID;
	if (j->layers & SANDBOX_UID) {
		if (syscall(SYS_setgroups, 0, NULL) < 0 ||
		    syscall(SYS_setresgid, j->box_gid, j->box_gid, j->box_gid) <
			0 ||
		    syscall(SYS_setresuid, j->box_uid, j->box_uid, j->box_uid) <
			0)
			goto fail;
	}
	step = ST_CAPS;
	{
		/* Nothing left in the permitted, effective and inheritable
		 * sets (a no-op after the uid switch; needed in a user
		 * namespace, where we stay the namespace's owner). */
		struct {
			uint32_t version;
			int pid;
		} hdr = {0x20080522, 0};
		uint32_t data[6] = {0, 0, 0, 0, 0, 0};
		if (syscall(SYS_capset, &hdr, data) < 0)
			goto fail;
	}
	if (!j->argv)
		_exit(0);
	step = ST_EXEC;
	exec_lookup(j);
fail:
	prog_fail(j, ep, step);
}

static int idmap_attr(const struct job *j, const struct mstep *s)
{
	struct mount_attr a;
	unsigned flags =
	    AT_EMPTY_PATH | ((s->flags & B_REC) ? AT_RECURSIVE : 0);

	memset(&a, 0, sizeof(a));
	a.attr_set = MOUNT_ATTR_NOSUID;
	if (s->flags & B_RO)
		a.attr_set |= MOUNT_ATTR_RDONLY;
	if (!(s->flags & B_DEV))
		a.attr_set |= MOUNT_ATTR_NODEV;
	if (!(s->flags & B_DEV) && !(s->flags & B_RO))
		a.attr_set |= 0; /* the box may hold the program it runs */
	if (s->flags & B_DEV)
		a.attr_set |= MOUNT_ATTR_NOEXEC;
	if (mount_setattr(s->fd, "", flags, &a, sizeof(a)) < 0)
		return ST_ATTR;
	if ((s->flags & B_IDMAP) && j->userns_idmap >= 0) {
		memset(&a, 0, sizeof(a));
		a.attr_set = MOUNT_ATTR_IDMAP;
		a.userns_fd = (uint64_t)j->userns_idmap;
		if (mount_setattr(s->fd, "", AT_EMPTY_PATH, &a, sizeof(a)) < 0)
			return ST_IDMAP;
	}
	return -1;
}

/* Build the new root; returns only on success. */
static void build_root(struct job *j)
{
	struct plan *p = &j->plan;

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		kfail(j, ST_PRIVATE, -1);
	if ((j->layers & SANDBOX_UTSNS) && sethostname("box", 3) < 0)
		kfail(j, ST_HOSTNAME, -1);
	/* Clone every source before the staging tmpfs hides /tmp. */
	for (size_t i = 0; i < p->n; i++) {
		struct mstep *s = &p->v[i];
		int st;

		if (s->op != M_BIND)
			continue;
		s->fd = open_tree(AT_FDCWD, s->src,
				  OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
				      ((s->flags & B_REC) ? AT_RECURSIVE : 0));
		if (s->fd < 0)
			kfail(j, ST_CLONE_TREE, (int)i);
		st = idmap_attr(j, s);
		if (st == ST_IDMAP)
			j->idmap_err = errno; /* go on; said in the result */
		else if (st >= 0)
			kfail(j, st, (int)i);
	}
	if (mount("box", STAGE, "tmpfs", MS_NOSUID | MS_NODEV,
		  "mode=0755,size=4m,nr_inodes=8192") < 0)
		kfail(j, ST_STAGE, -1);
	for (size_t i = 0; i < p->n; i++) {
		struct mstep *s = &p->v[i];
		int fd, rc = 0;

		switch (s->op) {
		case M_DIR:
			if (mkdir(s->dst, 0755) < 0 && errno != EEXIST)
				rc = -1;
			break;
		case M_FILE:
			fd = open(s->dst, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
			if (fd < 0 && errno != EEXIST)
				rc = -1;
			if (fd >= 0)
				close(fd);
			break;
		case M_LINK:
			rc = symlink(s->src, s->dst);
			if (rc < 0 && errno == EEXIST)
				rc = 0;
			break;
		case M_WRITE:
			fd = open(s->dst,
				  O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
				  0644);
			if (fd < 0 ||
			    write(fd, s->src, s->len) != (ssize_t)s->len)
				rc = -1;
			if (fd >= 0)
				close(fd);
			break;
		case M_BIND:
			rc = move_mount(s->fd, "", AT_FDCWD, s->dst,
					MOVE_MOUNT_F_EMPTY_PATH);
			close(s->fd);
			s->fd = -1;
			break;
		case M_TMPFS:
			rc = mount("tmp", s->dst, "tmpfs", MS_NOSUID | MS_NODEV,
				   s->src);
			break;
		case M_PROC:
			rc = mount("proc", s->dst, "proc",
				   MS_NOSUID | MS_NODEV | MS_NOEXEC,
				   "hidepid=invisible");
			if (rc < 0 && errno == EINVAL)
				rc = mount("proc", s->dst, "proc",
					   MS_NOSUID | MS_NODEV | MS_NOEXEC,
					   NULL);
			break;
		}
		if (rc < 0)
			kfail(j, ST_STEP, (int)i);
	}
	if (chdir(STAGE) < 0 || syscall(SYS_pivot_root, ".", ".") < 0 ||
	    umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		kfail(j, ST_PIVOT, -1);
	if (mount(NULL, "/", NULL,
		  MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV,
		  NULL) < 0)
		kfail(j, ST_ROOT_RO, -1);
}

/* The keeper: pid 1 of the box.  Never returns. */
static _Noreturn void keeper(struct job *j)
{
	int keep[16], nkeep = 0;
	pid_t prog;
	char go;

	for (int i = 0; i < CG_N; i++)
		if (j->procs_fd[i] >= 0 && write(j->procs_fd[i], "0", 1) != 1)
			kfail(j, ST_CGROUP, i);
	if (j->netns >= 0) {
		if (setns(j->netns, CLONE_NEWNET) < 0)
			kfail(j, ST_NETNS, -1);
		close(j->netns);
		j->netns = -1;
	}
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		kfail(j, ST_FDS, -1);
	/* Best effort (needs CAP_SYS_RESOURCE, which a container may not
	 * give): the program makes itself the OOM killer's first choice
	 * anyway. */
	{
		int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			ssize_t unused = write(fd, "-1000", 5);
			(void)unused;
			close(fd);
		}
	}
	keep[nkeep++] = j->status_w;
	keep[nkeep++] = j->in_r;
	keep[nkeep++] = j->out_w;
	keep[nkeep++] = j->err_w;
	keep[nkeep++] = j->ch_w;
	keep[nkeep++] = j->go_r;
	keep[nkeep++] = j->userns_idmap;
	if (keep_only(keep, nkeep) < 0)
		kfail(j, ST_FDS, -1);
	if (j->go_r >= 0) {
		if (read(j->go_r, &go, 1) != 1)
			kfail(j, ST_USERNS_WAIT, -1);
		close(j->go_r);
	}
	build_root(j);
	if (j->userns_idmap >= 0)
		close(j->userns_idmap);
	if (unshare(CLONE_NEWCGROUP) < 0 && errno != EINVAL)
		kfail(j, ST_CGROUPNS, -1);
	if (chdir(j->cwd) < 0)
		kfail(j, ST_CHDIR, -1);

	prog = raw_clone(0, SIGCHLD, NULL);
	if (prog < 0)
		kfail(j, ST_FORK, -1);
	if (prog == 0)
		program(j, j->status_w);
	close(j->in_r);
	close(j->out_w);
	close(j->err_w);
	if (j->ch_w >= 0)
		close(j->ch_w);
	for (;;) {
		int st;
		struct rusage ru;
		pid_t w = wait4(-1, &st, __WALL, &ru);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			_exit(126);
		if (w == prog) {
			struct kmsg m;
			ssize_t unused;

			memset(&m, 0, sizeof(m));
			m.kind = KM_EXITED;
			m.idmap_err = j->idmap_err;
			m.wstatus = st;
			m.maxrss_kb = ru.ru_maxrss;
			m.cpu_us = (long long)ru.ru_utime.tv_sec * 1000000 +
				   ru.ru_utime.tv_usec +
				   (long long)ru.ru_stime.tv_sec * 1000000 +
				   ru.ru_stime.tv_usec;
			unused = write(j->status_w, &m, sizeof(m));
			(void)unused;
			/* Leaving kills every process left in the box. */
			_exit(0);
		}
	}
}

/* ------------------------------------------------------------------ */
/* Zygotes */

/*
 * Moving a process into a v1 cgroup waits for an RCU grace period (see the
 * findings above): 5-15 ms here, more than the whole rest of a box.  So
 * when v1 groups are in use, each slot has persistent v1 groups and a
 * zygote: a small process, forked from us once, that moved into them once
 * and then forks every keeper of the slot, which so starts inside them.
 * (The per-run v2 group is entered with CLONE_INTO_CGROUP, which does not
 * wait.)  The zygote gets each job over a socket: the job packed into a
 * memfd (pointers as offsets) and the run's descriptors (SCM_RIGHTS); it
 * sends back the keeper's pidfd.  It reaps its keepers itself (SIGCHLD
 * ignored) and leaves when the socket closes, that is when we do.
 */
struct zygote {
	int sock;  /* -1: none yet */
	int pidfd; /* ours: the zygote is our child */
	int made[CG_N];
};

enum {
	ZF_BLOB,
	ZF_STATUS,
	ZF_IN,
	ZF_OUT,
	ZF_ERR,
	ZF_CH,
	ZF_NETNS,
	ZF_IDMAP,
	ZF_CGROUP,
	ZF_N
};

struct zreq {
	uint64_t flags;	 /* clone flags for the keeper */
	int have[ZF_N];	 /* which descriptors follow, in this order */
	char cgname[48]; /* the run's v2 group under the v2 base, or "" */
};

struct zrep {
	int pid; /* the keeper, or -1 */
	int err;
};

/* A growable blob of bytes addressed by offsets. */
struct blob {
	char *base;
	size_t len, cap;
};

static uintptr_t blob_put(struct blob *b, const void *p, size_t n)
{
	size_t off = (b->len + 15) & ~(size_t)15;

	b->base = xgrow(b->base, &b->cap, off + n + 1, 1);
	memset(b->base + b->len, 0, off - b->len);
	if (p)
		memcpy(b->base + off, p, n);
	else
		memset(b->base + off, 0, n);
	b->len = off + n;
	return off;
}

static uintptr_t blob_str(struct blob *b, const char *s, size_t n)
{
	uintptr_t off;

	if (!s)
		return 0;
	off = blob_put(b, s, n + 1);
	b->base[off + n] = '\0';
	return off;
}

static uintptr_t blob_strv(struct blob *b, char *const *v)
{
	size_t n = 0;
	uintptr_t *offs, off;

	if (!v)
		return 0;
	while (v[n])
		n++;
	offs = xcalloc(n + 1, sizeof(*offs));
	for (size_t i = 0; i < n; i++)
		offs[i] = blob_str(b, v[i], strlen(v[i]));
	off = blob_put(b, offs, (n + 1) * sizeof(*offs));
	free(offs);
	return off;
}

/* The job as one memfd: the struct at offset 0, pointers as offsets. */
static int job_pack(const struct job *j)
{
	struct blob b = {0};
	struct job flat = *j;
	struct mstep *steps = xcalloc(j->plan.n + 1, sizeof(*steps));
	uintptr_t off;
	int fd;

	blob_put(&b, NULL, sizeof(flat));
	for (size_t i = 0; i < j->plan.n; i++) {
		steps[i] = j->plan.v[i];
		steps[i].src =
		    (char *)blob_str(&b, j->plan.v[i].src, j->plan.v[i].len);
		steps[i].dst = (char *)blob_str(&b, j->plan.v[i].dst,
						strlen(j->plan.v[i].dst));
	}
	off = blob_put(&b, steps, j->plan.n * sizeof(*steps));
	free(steps);
	flat.plan.v = (struct mstep *)off;
	flat.plan.cap = flat.plan.n;
	flat.argv = (char *const *)blob_strv(&b, j->argv);
	flat.env = (char *const *)blob_strv(&b, j->env);
	flat.cwd = (const char *)blob_str(&b, j->cwd, strlen(j->cwd));
	flat.path = (const char *)blob_str(&b, j->path, strlen(j->path));
	flat.bpf.filter =
	    (struct sock_filter *)(j->bpf.filter
				       ? blob_put(&b, j->bpf.filter,
						  j->bpf.len *
						      sizeof(*j->bpf.filter))
				       : 0);
	memcpy(b.base, &flat, sizeof(flat));
	fd = memfd_create("workbook-job", MFD_CLOEXEC);
	if (fd >= 0 && write(fd, b.base, b.len) != (ssize_t)b.len) {
		close(fd);
		fd = -1;
	}
	free(b.base);
	return fd;
}

#define REL(base, p) ((p) ? (void *)((base) + (uintptr_t)(p)) : NULL)

/* In the keeper: a private copy of the job, its pointers made real.  No
 * allocation (a child of a multithreaded process). */
static struct job *job_unpack(int fd)
{
	struct stat st;
	char *base;
	struct job *j;
	char **v;

	if (fstat(fd, &st) < 0 || (size_t)st.st_size < sizeof(*j))
		return NULL;
	base = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE, fd, 0);
	if (base == MAP_FAILED)
		return NULL;
	j = (struct job *)base;
	j->plan.v = REL(base, j->plan.v);
	for (size_t i = 0; i < j->plan.n; i++) {
		j->plan.v[i].src = REL(base, j->plan.v[i].src);
		j->plan.v[i].dst = REL(base, j->plan.v[i].dst);
	}
	j->argv = REL(base, j->argv);
	for (v = (char **)j->argv; v && *v; v++)
		*v = REL(base, *v);
	j->env = REL(base, j->env);
	for (v = (char **)j->env; v && *v; v++)
		*v = REL(base, *v);
	j->cwd = REL(base, j->cwd);
	j->path = REL(base, j->path);
	j->bpf.filter = REL(base, j->bpf.filter);
	return j;
}

static _Noreturn void zygote_keeper(const int fd[ZF_N])
{
	struct job *j = job_unpack(fd[ZF_BLOB]);
	struct sigaction sa;

	if (!j) {
		struct kmsg m;
		ssize_t unused;

		memset(&m, 0, sizeof(m));
		m.kind = KM_SETUP;
		m.step = ST_FDS;
		m.err = errno;
		m.idx = -1;
		unused = write(fd[ZF_STATUS], &m, sizeof(m));
		(void)unused;
		_exit(127);
	}
	close(fd[ZF_BLOB]);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL; /* the zygote ignores SIGCHLD; we reap */
	sigaction(SIGCHLD, &sa, NULL);
	j->status_w = fd[ZF_STATUS];
	j->in_r = fd[ZF_IN];
	j->out_w = fd[ZF_OUT];
	j->err_w = fd[ZF_ERR];
	j->ch_w = fd[ZF_CH];
	j->netns = fd[ZF_NETNS];
	j->userns_idmap = fd[ZF_IDMAP];
	j->go_r = -1;
	for (int i = 0; i < CG_N; i++)
		j->procs_fd[i] = -1;
	if (fd[ZF_CGROUP] >= 0)
		close(fd[ZF_CGROUP]);
	keeper(j);
}

/* Serve one request; returns -1 when the socket is closed.  The pidfd of
 * the last keeper is kept in *last (a pidfd, unlike a pid, cannot name a
 * stranger once the keeper is gone). */
static int zygote_serve(int sock, int *last, char *cgname)
{
	char cbuf[CMSG_SPACE(ZF_N * sizeof(int))];
	struct zreq req;
	struct zrep rep = {-1, 0};
	struct iovec iov = {&req, sizeof(req)};
	struct msghdr mh;
	struct cmsghdr *cm;
	int fd[ZF_N], got[ZF_N], ngot = 0, pidfd = -1;
	ssize_t n;

	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf;
	mh.msg_controllen = sizeof(cbuf);
	n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	if (n <= 0)
		return n < 0 && errno == EINTR ? 0 : -1;
	cm = CMSG_FIRSTHDR(&mh);
	if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
		ngot = (int)((cm->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		memcpy(got, CMSG_DATA(cm), (size_t)ngot * sizeof(int));
	}
	for (int i = 0, k = 0; i < ZF_N; i++)
		fd[i] = req.have[i] && k < ngot ? got[k++] : -1;
	if (n != (ssize_t)sizeof(req) || fd[ZF_BLOB] < 0 || fd[ZF_STATUS] < 0)
		rep.err = EPROTO;
	else {
		memcpy(cgname, req.cgname, sizeof(req.cgname));
		cgname[sizeof(req.cgname) - 1] = '\0';
		pid_t pid =
		    raw_clone_into(req.flags, SIGCHLD, &pidfd, fd[ZF_CGROUP]);
		if (pid == 0) {
			close(sock);
			zygote_keeper(fd);
		}
		rep.pid = pid;
		rep.err = pid < 0 ? errno : 0;
	}
	for (int i = 0; i < ngot; i++)
		close(got[i]);
	memset(&mh, 0, sizeof(mh));
	iov.iov_base = &rep;
	iov.iov_len = sizeof(rep);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (pidfd >= 0) {
		mh.msg_control = cbuf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int));
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &pidfd, sizeof(int));
	}
	n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	if (pidfd >= 0) {
		if (*last >= 0)
			close(*last);
		*last = pidfd;
	}
	return n < 0 ? -1 : 0;
}

/* What a zygote needs to leave its slot groups behind it. */
struct zslot {
	int procs[CG_N]; /* the slot groups' cgroup.procs */
	int out[CG_N];	 /* the cgroup.procs of our own group, to step out */
	char *dir[CG_N]; /* the slot groups */
	int v2base;	 /* the v2 base folder (runs' groups), or -1 */
	char cgname[48]; /* the last run's v2 group there */
};

/* The socket closed (our creator is done, or dead): kill the keeper still
 * running if any, step out of the slot groups and remove them, so that a
 * creator killed without cleaning up leaves nothing behind. */
static _Noreturn void zygote_exit(const struct zslot *z, int last)
{
	if (last >= 0)
		syscall(SYS_pidfd_send_signal, last, SIGKILL, NULL, 0);
	while (wait(NULL) >= 0 || errno == EINTR)
		; /* SIGCHLD ignored: returns once every child is gone */
	for (int i = 0; i < CG_N; i++)
		if (z->out[i] >= 0 && write(z->out[i], "0", 1) == 1)
			rmdir(z->dir[i]);
	if (z->v2base >= 0 && z->cgname[0])
		unlinkat(z->v2base, z->cgname, AT_REMOVEDIR);
	_exit(0);
}

static _Noreturn void zygote_main(int sock, struct zslot *z)
{
	struct sigaction sa;
	struct zrep ready = {0, 0};
	int keep[CG_N + 2], nkeep = 0, last = -1;

	for (int i = 0; i < CG_N; i++)
		if (z->procs[i] >= 0 && write(z->procs[i], "0", 1) != 1 &&
		    !ready.err)
			ready.err = errno;
	keep[nkeep++] = sock;
	keep[nkeep++] = z->v2base;
	for (int i = 0; i < CG_N; i++)
		keep[nkeep++] = z->out[i];
	if (keep_only(keep, nkeep) < 0 && !ready.err)
		ready.err = errno;
	/* Not our caller's terminal or pipes: a reader of our stdout would
	 * otherwise wait for the zygote too. */
	{
		int null = open("/dev/null", O_RDWR);
		for (int fd = 0; null >= 0 && fd < 3; fd++)
			if (fd != null)
				dup2(null, fd);
		if (null > 2)
			close(null);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN; /* keepers are reaped by the kernel */
	sigaction(SIGCHLD, &sa, NULL);
	if (send(sock, &ready, sizeof(ready), MSG_NOSIGNAL) < 0 || ready.err)
		zygote_exit(z, -1);
	while (zygote_serve(sock, &last, z->cgname) == 0)
		;
	zygote_exit(z, last);
}

static void zygote_stop(struct sandbox *sb, unsigned slot)
{
	struct zygote *z = &sb->zyg[slot];
	siginfo_t si;

	if (z->sock < 0)
		return;
	close(z->sock);
	z->sock = -1;
	if (z->pidfd >= 0) {
		/* Leaves on EOF; a hung one is killed by cg_remove. */
		struct pollfd pf = {z->pidfd, POLLIN, 0};
		if (poll(&pf, 1, 1000) <= 0)
			syscall(SYS_pidfd_send_signal, z->pidfd, SIGKILL, NULL,
				0);
		waitid(P_PIDFD, (id_t)z->pidfd, &si, WEXITED | __WALL);
		close(z->pidfd);
		z->pidfd = -1;
	}
	for (int i = 0; i < CG_N; i++)
		if (z->made[i]) {
			char *dir = slot_dir(sb, i, slot);
			cg_remove(dir, 0);
			free(dir);
			z->made[i] = 0;
		}
	pthread_mutex_lock(&sb->lock);
	if (!sb->busy[slot] && sb->lockfd[slot] >= 0) {
		close(sb->lockfd[slot]);
		sb->lockfd[slot] = -1;
	}
	pthread_mutex_unlock(&sb->lock);
}

/* The slot's zygote, started (in its new slot groups) if need be. */
static int zygote_get(struct sandbox *sb, unsigned slot, char *why, size_t n)
{
	struct zygote *z = &sb->zyg[slot];
	struct zslot zs;
	int sv[2], rc = -1;
	struct zrep ready;
	sigset_t all, old;
	pid_t pid;

	if (z->sock >= 0) {
		struct pollfd pf = {z->pidfd, POLLIN, 0};

		if (poll(&pf, 1, 0) == 0)
			return 0;
		zygote_stop(sb, slot); /* it died (killed?): a new one */
	}
	for (int i = 0; i < CG_N; i++) {
		zs.procs[i] = zs.out[i] = -1;
		zs.dir[i] = NULL;
	}
	zs.cgname[0] = '\0';
	zs.v2base =
	    sb->cg[CG_KILL].base
		? open(sb->cg[CG_KILL].base, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
		: -1;
	for (int i = 0; i < CG_N; i++) {
		char *path, *own;

		if (!slot_role(sb, i))
			continue;
		zs.dir[i] = slot_dir(sb, i, slot);
		path = xasprintf("%s/cgroup.procs", zs.dir[i]);
		if (cg_mkdir(sb->cg[i].base, zs.dir[i], 0) == 0)
			z->made[i] = 1;
		zs.procs[i] = open(path, O_WRONLY | O_CLOEXEC);
		if (zs.procs[i] < 0)
			snprintf(why, n, "cannot create cgroup '%s': %s",
				 zs.dir[i], strerror(errno));
		free(path);
		/* base is <our group>/workbook */
		own = xstrdup(sb->cg[i].base);
		*strrchr(own, '/') = '\0';
		path = xasprintf("%s/cgroup.procs", own);
		zs.out[i] = open(path, O_WRONLY | O_CLOEXEC);
		free(path);
		free(own);
		if (zs.procs[i] < 0)
			goto out;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		snprintf(why, n, "cannot make a socket: %s", strerror(errno));
		goto out;
	}
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pid = raw_clone(0, 0, &z->pidfd);
	if (pid == 0) {
		close(sv[0]);
		zygote_main(sv[1], &zs);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	close(sv[1]);
	z->sock = sv[0];
	if (pid < 0 ||
	    recv(z->sock, &ready, sizeof(ready), 0) != (ssize_t)sizeof(ready) ||
	    ready.err) {
		snprintf(why, n, "cannot start the slot's zygote: %s",
			 strerror(pid < 0     ? errno
				  : ready.err ? ready.err
					      : EPIPE));
		if (pid < 0)
			z->pidfd = -1;
		zygote_stop(sb, slot);
		goto out;
	}
	rc = 0;
out:
	for (int i = 0; i < CG_N; i++) {
		if (zs.procs[i] >= 0)
			close(zs.procs[i]);
		if (zs.out[i] >= 0)
			close(zs.out[i]);
		free(zs.dir[i]);
	}
	if (zs.v2base >= 0)
		close(zs.v2base);
	if (rc < 0)
		zygote_stop(sb, slot);
	return rc;
}

/* Ask the zygote for a keeper; returns its pid with *pidfd set, or -1. */
static pid_t zygote_spawn(struct sandbox *sb, unsigned slot,
			  const struct job *j, uint64_t flags, int cgfd,
			  const char *cgname, int *pidfd)
{
	struct zygote *z = &sb->zyg[slot];
	char cbuf[CMSG_SPACE(ZF_N * sizeof(int))];
	struct zreq req;
	struct zrep rep;
	struct iovec iov = {&req, sizeof(req)};
	struct msghdr mh;
	struct cmsghdr *cm;
	int fds[ZF_N], send_fds[ZF_N], nsend = 0, blob;
	ssize_t got;

	blob = job_pack(j);
	if (blob < 0)
		return -1;
	fds[ZF_BLOB] = blob;
	fds[ZF_STATUS] = j->status_w;
	fds[ZF_IN] = j->in_r;
	fds[ZF_OUT] = j->out_w;
	fds[ZF_ERR] = j->err_w;
	fds[ZF_CH] = j->ch_w;
	fds[ZF_NETNS] = j->netns;
	fds[ZF_IDMAP] = j->userns_idmap;
	fds[ZF_CGROUP] = cgfd;
	memset(&req, 0, sizeof(req));
	req.flags = flags;
	if (cgname)
		snprintf(req.cgname, sizeof(req.cgname), "%s", cgname);
	for (int i = 0; i < ZF_N; i++)
		if (fds[i] >= 0) {
			req.have[i] = 1;
			send_fds[nsend++] = fds[i];
		}
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf;
	mh.msg_controllen = CMSG_SPACE((size_t)nsend * sizeof(int));
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN((size_t)nsend * sizeof(int));
	memcpy(CMSG_DATA(cm), send_fds, (size_t)nsend * sizeof(int));
	got = sendmsg(z->sock, &mh, MSG_NOSIGNAL);
	close(blob);
	if (got < 0)
		return -1;
	memset(&mh, 0, sizeof(mh));
	iov.iov_base = &rep;
	iov.iov_len = sizeof(rep);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf;
	mh.msg_controllen = sizeof(cbuf);
	got = recvmsg(z->sock, &mh, MSG_CMSG_CLOEXEC);
	if (got != (ssize_t)sizeof(rep)) {
		errno = got < 0 ? errno : EPIPE;
		return -1;
	}
	cm = CMSG_FIRSTHDR(&mh);
	if (rep.pid <= 0 || !cm || cm->cmsg_type != SCM_RIGHTS) {
		errno = rep.err ? rep.err : EPROTO;
		return -1;
	}
	memcpy(pidfd, CMSG_DATA(cm), sizeof(int));
	return rep.pid;
}

/* ------------------------------------------------------------------ */
/* Slots and idmaps (shared between threads) */

/*
 * A box uid must not be in use by another box, of this process or of
 * another workbook on the machine: limits such as RLIMIT_NPROC count per
 * uid, and files in shared places would mix.  Within the process a busy
 * flag says so; across processes a lock file per uid under LOCK_DIR,
 * held (flock) while the run lasts and released by the kernel if we die.
 */
#define LOCK_DIR "/run/workbook"

static int uid_lock(const struct sandbox *sb, unsigned slot)
{
	char path[64];
	int fd;

	if (!sb->root || !(sb->layers & SANDBOX_UID))
		return -2; /* nothing to share: no lock needed */
	snprintf(path, sizeof(path), LOCK_DIR "/uid-%u.lock",
		 sb->uid_base + slot);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 && errno == ENOENT && mkdir(LOCK_DIR, 0700) == 0)
		fd =
		    open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -2; /* cannot share: go on without (rare) */
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		close(fd);
		return -1; /* another process has this uid */
	}
	return fd;
}

/* A free slot: first one whose uid we hold already (its zygote is ready),
 * then any whose uid no other process holds. */
static int slot_take(struct sandbox *sb, unsigned *slot)
{
	int rc = -1;

	pthread_mutex_lock(&sb->lock);
	for (unsigned i = 0; rc < 0 && i < sb->uid_count; i++)
		if (!sb->busy[i] && sb->lockfd[i] >= 0) {
			sb->busy[i] = 1;
			*slot = i;
			rc = 0;
		}
	for (unsigned i = 0; rc < 0 && i < sb->uid_count; i++) {
		int fd;

		if (sb->busy[i])
			continue;
		fd = uid_lock(sb, i);
		if (fd == -1)
			continue;
		sb->busy[i] = 1;
		sb->lockfd[i] = fd;
		*slot = i;
		rc = 0;
	}
	pthread_mutex_unlock(&sb->lock);
	return rc;
}

/* The uid stays ours while the slot has a zygote (zygote_stop lets go). */
static void slot_give(struct sandbox *sb, unsigned slot)
{
	pthread_mutex_lock(&sb->lock);
	sb->busy[slot] = 0;
	if (sb->lockfd[slot] >= 0 && sb->zyg[slot].sock < 0) {
		close(sb->lockfd[slot]);
		sb->lockfd[slot] = -1;
	}
	pthread_mutex_unlock(&sb->lock);
}

static int write_map(pid_t pid, const char *file, unsigned inside,
		     unsigned outside)
{
	char path[64], map[64];

	snprintf(path, sizeof(path), "/proc/%ld/%s", (long)pid, file);
	snprintf(map, sizeof(map), "%u %u 1\n", inside, outside);
	return write_file(path, map);
}

/* A user namespace mapping `owner` (inside) to `uid` (outside), for an
 * idmapped mount.  Returns an fd, or -1. */
static int make_userns(uid_t owner, gid_t group, uid_t uid, gid_t gid)
{
	int p[2], pidfd = -1, fd = -1;
	char path[64];
	sigset_t all, old;
	pid_t pid;
	siginfo_t si;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pid = raw_clone(CLONE_NEWUSER, 0, &pidfd);
	if (pid == 0) {
		char c;
		ssize_t unused;
		close(p[1]);
		unused = read(p[0], &c, 1);
		(void)unused;
		_exit(0);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	close(p[0]);
	if (pid > 0 && write_map(pid, "uid_map", owner, uid) == 0 &&
	    write_map(pid, "gid_map", group, gid) == 0) {
		snprintf(path, sizeof(path), "/proc/%ld/ns/user", (long)pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	close(p[1]);
	if (pid > 0) {
		waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED | __WALL);
		close(pidfd);
	}
	return fd;
}

/*
 * One network namespace per slot, made on first use and kept: creating
 * and tearing down a network namespace is the most expensive part of a box
 * (loopback device, sysctl tables, an asynchronous clean-up).  Reuse leaks
 * nothing between runs: a box cannot configure it (no capability over a
 * namespace owned by the initial user namespace), every socket closes
 * when the box's processes die, and the box has no sockets but AF_UNIX.
 * (The IPC namespace is not reused: SysV objects outlive processes.)
 */
static int make_netns(void)
{
	int p[2], pidfd = -1, fd = -1;
	char path[64];
	sigset_t all, old;
	pid_t pid;
	siginfo_t si;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pid = raw_clone(CLONE_NEWNET, 0, &pidfd);
	if (pid == 0) {
		char c;
		ssize_t unused;
		close(p[1]);
		unused = read(p[0], &c, 1);
		(void)unused;
		_exit(0);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	close(p[0]);
	if (pid > 0) {
		snprintf(path, sizeof(path), "/proc/%ld/ns/net", (long)pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	close(p[1]);
	if (pid > 0) {
		waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED | __WALL);
		close(pidfd);
	}
	return fd;
}

static int netns_get(struct sandbox *sb, unsigned slot)
{
	int fd;

	pthread_mutex_lock(&sb->lock);
	if (sb->netns[slot] < 0)
		sb->netns[slot] = make_netns();
	fd = sb->netns[slot] < 0 ? -1 : dup(sb->netns[slot]);
	pthread_mutex_unlock(&sb->lock);
	return fd;
}

static int idmap_get(struct sandbox *sb, unsigned slot, uid_t owner,
		     gid_t group)
{
	int fd = -1;

	pthread_mutex_lock(&sb->lock);
	for (size_t i = 0; i < sb->nmaps; i++)
		if (sb->maps[i].slot == slot && sb->maps[i].owner == owner &&
		    sb->maps[i].group == group)
			fd = sb->maps[i].fd;
	if (fd < 0) {
		fd = make_userns(owner, group, sb->uid_base + slot,
				 sb->uid_base + slot);
		if (fd >= 0) {
			sb->maps = xgrow(sb->maps, &sb->capmaps, sb->nmaps + 1,
					 sizeof(*sb->maps));
			sb->maps[sb->nmaps++] =
			    (struct idmap){slot, owner, group, fd};
		}
	}
	pthread_mutex_unlock(&sb->lock);
	return fd;
}

/* ------------------------------------------------------------------ */
/* Results */

static const char *const status_names[] = {
    [SB_OK] = "OK", [SB_RE] = "RE", [SB_SG] = "SG", [SB_TO] = "TO",
    [SB_OL] = "OL", [SB_ML] = "ML", [SB_FL] = "FL", [SB_XX] = "XX",
};

const char *sandbox_status_name(enum sandbox_status s)
{
	if ((unsigned)s >= sizeof(status_names) / sizeof(status_names[0]))
		return "XX";
	return status_names[s];
}

const char *sandbox_timeout_name(enum sandbox_timeout t)
{
	return t == SB_TIMEOUT_CPU ? "cpu" : t == SB_TIMEOUT_WALL ? "wall" : "";
}

void sandbox_result_release(struct sandbox_result *r)
{
	buf_release(&r->out);
	buf_release(&r->err);
	buf_release(&r->channel);
}

static void describe_signal(int sig, char *out, size_t n)
{
	const char *abbrev = sigabbrev_np(sig);
	const char *descr = sigdescr_np(sig);

	if (abbrev && descr)
		snprintf(out, n, "SIG%s (%c%s)", abbrev,
			 descr[0] >= 'A' && descr[0] <= 'Z' ? descr[0] + 32
							    : descr[0],
			 descr + 1);
	else
		snprintf(out, n, "signal %d", sig);
}

static void human_bytes(long long b, char *out, size_t n)
{
	if (b >= (1LL << 20) && b % (1LL << 20) == 0)
		snprintf(out, n, "%lld MiB", b >> 20);
	else if (b >= 1024 && b % 1024 == 0)
		snprintf(out, n, "%lld KiB", b >> 10);
	else
		snprintf(out, n, "%lld bytes", b);
}

void sandbox_meta_format(const struct sandbox_result *r, struct buf *b)
{
	buf_printf(b, "status:%s\n", sandbox_status_name(r->status));
	buf_printf(b, "time:%.3f\n", r->cpu_seconds);
	buf_printf(b, "time-wall:%.3f\n", r->wall_seconds);
	buf_printf(b, "max-rss:%ld\n", r->max_rss_kb);
	if (r->cg_mem_peak >= 0)
		buf_printf(b, "cg-mem:%lld\n", r->cg_mem_peak / 1024);
	if (r->oom_killed)
		buf_printf(b, "cg-oom-killed:1\n");
	if (r->exited)
		buf_printf(b, "exitcode:%d\n", r->exit_code);
	if (r->signal)
		buf_printf(b, "exitsig:%d\n", r->signal);
	if (r->killed)
		buf_printf(b, "killed:1\n");
	if (r->timeout != SB_TIMEOUT_NONE)
		buf_printf(b, "timeout:%s\n", sandbox_timeout_name(r->timeout));
	if (r->exec_errno)
		buf_printf(b, "exec-errno:%d\n", r->exec_errno);
	buf_printf(b, "layers:%s\n", r->layers);
	if (r->message[0])
		buf_printf(b, "message:%s\n", r->message);
}

/* ------------------------------------------------------------------ */
/* The parent side of a run */

struct run {
	struct sandbox *sb;
	const struct sandbox_run_opts *o;
	struct sandbox_result *r;
	struct sandbox_limits lim;
	struct job job;
	struct boxcg cg;
	unsigned slot;
	int have_slot;
	int pidfd;
	pid_t pid;
	uint64_t flags;	  /* the keeper's clone flags */
	int zygote_child; /* the keeper is the zygote's child, not ours */
	/* parent ends */
	int status_r, in_w, out_r, err_r, ch_r, go_w;
	size_t in_off;
	/* outcome */
	struct kmsg km;
	int got_km;
	int killed_for; /* 0, or SB_TO / SB_OL */
	enum sandbox_timeout timeout;
	char xx[400]; /* our own failure before the keeper ran */
	char *box, *cwd;
	char **binds;
	int *bind_rw;
	size_t nbinds;
	double t0;
};

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void limits_fill(struct sandbox_limits *l,
			const struct sandbox_limits *d)
{
	if (l->cpu_seconds <= 0)
		l->cpu_seconds = d->cpu_seconds;
	if (l->wall_seconds <= 0)
		l->wall_seconds = d->wall_seconds > 0 ? d->wall_seconds
						      : 2 * l->cpu_seconds + 1;
	if (l->mem_bytes <= 0)
		l->mem_bytes = d->mem_bytes;
	if (l->procs <= 0)
		l->procs = d->procs;
	if (l->fsize_bytes <= 0)
		l->fsize_bytes = d->fsize_bytes;
	if (l->output_bytes <= 0)
		l->output_bytes = d->output_bytes;
	if (l->nofile <= 0)
		l->nofile = d->nofile;
	if (l->tmp_bytes <= 0)
		l->tmp_bytes = d->tmp_bytes;
}

static int is_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !strncmp(path, dir, n) && (path[n] == '/' || path[n] == '\0');
}

/* The box folder: absolute, existing, not the root or a system folder. */
static int check_box(struct run *rn, struct err *e)
{
	static const char *const forbidden[] = {"/proc", "/sys", "/dev",
						"/usr",	 "/etc", "/boot"};
	struct stat st;
	char *real;

	if (!rn->o->box)
		return err_set(e, "no box folder given");
	real = realpath(rn->o->box, NULL);
	if (!real)
		return err_errno(e, "cannot use box folder '%s'", rn->o->box);
	if (stat(real, &st) < 0 || !S_ISDIR(st.st_mode)) {
		free(real);
		return err_set(e, "box '%s' is not a folder", rn->o->box);
	}
	if (!strcmp(real, "/")) {
		free(real);
		return err_set(e, "the box cannot be the root folder");
	}
	for (size_t i = 0; i < sizeof(forbidden) / sizeof(forbidden[0]); i++)
		if (is_under(real, forbidden[i])) {
			err_set(e, "the box cannot be inside '%s'",
				forbidden[i]);
			free(real);
			return -1;
		}
	rn->box = real;
	return 0;
}

static int check_binds(struct run *rn, struct err *e)
{
	const struct sandbox_run_opts *o = rn->o;

	rn->binds = xcalloc(o->nbinds + 1, sizeof(char *));
	rn->bind_rw = xcalloc(o->nbinds + 1, sizeof(int));
	for (size_t i = 0; i < o->nbinds; i++) {
		char *real = realpath(o->binds[i].path, NULL);

		if (!real)
			return err_errno(e, "cannot bind '%s'",
					 o->binds[i].path);
		if (is_under(real, rn->box)) {
			free(real); /* inside the box: visible already */
			continue;
		}
		rn->bind_rw[rn->nbinds] = o->binds[i].writable;
		rn->binds[rn->nbinds++] = real;
		if (!strcmp(real, "/") || is_under(real, "/proc") ||
		    is_under(real, "/sys"))
			return err_set(e, "cannot bind '%s' into the box",
				       o->binds[i].path);
	}
	if (o->cwd && o->cwd[0] == '/')
		rn->cwd = xstrdup(o->cwd);
	else if (o->cwd)
		rn->cwd = xasprintf("%s/%s", rn->box, o->cwd);
	else
		rn->cwd = xstrdup(rn->box);
	return 0;
}

struct bindent {
	const char *path;
	unsigned flags;
};

static int bindent_cmp(const void *a, const void *b)
{
	return strcmp(((const struct bindent *)a)->path,
		      ((const struct bindent *)b)->path);
}

/* The per-run part of the plan: users, /tmp, the box and extra binds. */
static void plan_run(struct run *rn)
{
	struct plan *p = &rn->job.plan;
	struct bindent *v = xcalloc(rn->nbinds + 1, sizeof(*v));
	size_t n = 0;
	char *text;

	plan_copy(p, &rn->sb->sys);
	text = xasprintf("root:x:0:0:root:/root:/bin/sh\n"
			 "box:x:%u:%u:box:%s:/bin/sh\n"
			 "nobody:x:65534:65534:nobody:/nonexistent:"
			 "/usr/sbin/nologin\n",
			 (unsigned)rn->job.box_uid, (unsigned)rn->job.box_gid,
			 rn->box);
	plan_add(p, M_WRITE, text, "/etc/passwd", 0);
	free(text);
	text = xasprintf("root:x:0:\nbox:x:%u:\nnogroup:x:65534:\n",
			 (unsigned)rn->job.box_gid);
	plan_add(p, M_WRITE, text, "/etc/group", 0);
	free(text);
	plan_add(p, M_DIR, NULL, "/tmp", 0);
	text =
	    xasprintf("mode=1777,size=%lld,nr_inodes=16384", rn->lim.tmp_bytes);
	plan_add(p, M_TMPFS, text, "/tmp", 0);
	free(text);

	v[n++] = (struct bindent){rn->box, B_IDMAP};
	for (size_t i = 0; i < rn->nbinds; i++)
		v[n++] = (struct bindent){rn->binds[i],
					  B_REC | (rn->bind_rw[i] ? 0 : B_RO)};
	qsort(v, n, sizeof(*v), bindent_cmp);
	for (size_t i = 0; i < n; i++)
		plan_bind(p, v[i].path, v[i].flags);
	free(v);
}

static int set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* A pipe: parent end *mine (non-blocking), child end *theirs. */
static int make_pipe(int *mine, int *theirs, int child_reads)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	*mine = child_reads ? p[1] : p[0];
	*theirs = child_reads ? p[0] : p[1];
	return set_nonblock(*mine);
}

static int run_pipes(struct run *rn, struct err *e)
{
	struct job *j = &rn->job;

	{
		int p[2];
		if (pipe2(p, O_CLOEXEC) < 0)
			return err_errno(e, "cannot make a pipe");
		rn->status_r = p[0];
		j->status_w = p[1];
		set_nonblock(rn->status_r);
	}
	if (make_pipe(&rn->out_r, &j->out_w, 0) < 0)
		return err_errno(e, "cannot make a pipe");
	if (!rn->o->merge_stderr && make_pipe(&rn->err_r, &j->err_w, 0) < 0)
		return err_errno(e, "cannot make a pipe");
	if (rn->o->channel_fd > 0 && make_pipe(&rn->ch_r, &j->ch_w, 0) < 0)
		return err_errno(e, "cannot make a pipe");
	if (rn->o->stdin_data) {
		if (make_pipe(&rn->in_w, &j->in_r, 1) < 0)
			return err_errno(e, "cannot make a pipe");
	} else {
		j->in_r = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (j->in_r < 0)
			return err_errno(e, "cannot open '/dev/null'");
	}
	if (j->layers & SANDBOX_USERNS) {
		int p[2];
		if (pipe2(p, O_CLOEXEC) < 0)
			return err_errno(e, "cannot make a pipe");
		j->go_r = p[0];
		rn->go_w = p[1];
	}
	return 0;
}

static void run_init(struct run *rn, struct sandbox *sb,
		     const struct sandbox_run_opts *o, struct sandbox_result *r)
{
	memset(rn, 0, sizeof(*rn));
	rn->sb = sb;
	rn->o = o;
	rn->r = r;
	rn->pidfd = -1;
	rn->status_r = rn->in_w = rn->out_r = rn->err_r = rn->ch_r = -1;
	rn->go_w = -1;
	boxcg_init(&rn->cg);
	rn->job.bpf = sb->bpf;
	rn->job.layers = sb->layers;
	rn->job.userns_idmap = -1;
	rn->job.status_w = rn->job.in_r = rn->job.out_w = rn->job.err_w = -1;
	rn->job.ch_w = rn->job.go_r = -1;
	rn->job.netns = -1;
	for (int i = 0; i < CG_N; i++)
		rn->job.procs_fd[i] = -1;

	memset(r, 0, sizeof(*r));
	size_t cap = o->capture_max ? o->capture_max : BUF_CAPTURE_MAX;
	buf_init(&r->out, cap);
	buf_init(&r->err, cap);
	buf_init(&r->channel, cap);
	r->cg_mem_peak = -1;
	snprintf(r->layers, sizeof(r->layers), "%s", sb->layers_str);
}

static void close_child_ends(struct run *rn)
{
	struct job *j = &rn->job;

	close_fd(&j->status_w);
	close_fd(&j->in_r);
	close_fd(&j->out_w);
	close_fd(&j->err_w);
	close_fd(&j->ch_w);
	close_fd(&j->go_r);
	close_fd(&j->netns);
	for (int i = 0; i < CG_N; i++)
		j->procs_fd[i] = -1; /* owned by rn->cg */
}

static void run_release(struct run *rn)
{
	close_child_ends(rn);
	close_fd(&rn->status_r);
	close_fd(&rn->in_w);
	close_fd(&rn->out_r);
	close_fd(&rn->err_r);
	close_fd(&rn->ch_r);
	close_fd(&rn->go_w);
	close_fd(&rn->pidfd);
	boxcg_release(rn->sb, &rn->cg);
	if (rn->have_slot)
		slot_give(rn->sb, rn->slot);
	plan_release(&rn->job.plan);
	for (size_t i = 0; i < rn->nbinds; i++)
		free(rn->binds[i]);
	free(rn->binds);
	free(rn->bind_rw);
	free(rn->box);
	free(rn->cwd);
}

/* Everything before the clone.  -1 with e set: the run cannot be tried;
 * rn->xx set: it is tried and ends as XX. */
static int run_prepare(struct run *rn, int selftest, struct err *e)
{
	struct sandbox *sb = rn->sb;
	const struct sandbox_run_opts *o = rn->o;
	struct job *j = &rn->job;
	const char *path = DEFAULT_PATH;
	struct stat st;

	if (!selftest && (!o->argv || !o->argv[0]))
		return err_set(e, "nothing to run");
	if (o->channel_fd < 0 || (o->channel_fd > 0 && o->channel_fd < 3))
		return err_set(e, "the channel fd must be 3 or more");
	if (check_box(rn, e) < 0 || check_binds(rn, e) < 0)
		return -1;
	rn->lim = o->limits;
	limits_fill(&rn->lim, &sb->def);
	if (slot_take(sb, &rn->slot) < 0)
		return err_set(e, "all %u sandbox slots are busy",
			       sb->uid_count);
	rn->have_slot = 1;

	j->lim = rn->lim;
	j->argv = selftest ? NULL : o->argv;
	static char *const no_env[] = {NULL};

	j->env = o->env ? o->env : no_env;
	for (char *const *v = j->env; *v; v++)
		if (!strncmp(*v, "PATH=", 5))
			path = *v + 5;
	j->path = path;
	j->channel_fd = o->channel_fd;
	j->merge = o->merge_stderr;
	j->cwd = rn->cwd;
	if (sb->root) {
		j->box_uid = sb->uid_base + rn->slot;
		j->box_gid = sb->uid_base + rn->slot;
	} else {
		j->box_uid = sb->uid;
		j->box_gid = sb->gid;
	}
	if (sb->root && sb->idmap_ok && (sb->layers & SANDBOX_UID) &&
	    stat(rn->box, &st) == 0) {
		j->userns_idmap = idmap_get(sb, rn->slot, st.st_uid, st.st_gid);
		if (j->userns_idmap < 0)
			snprintf(rn->xx, sizeof(rn->xx),
				 "cannot make the user namespace for the box "
				 "folder's idmapped mount: %s",
				 strerror(errno));
	}
	plan_run(rn);
	if (!rn->xx[0] && sb->zygotes)
		zygote_get(sb, rn->slot, rn->xx, sizeof(rn->xx));
	if (!rn->xx[0] && boxcg_make(sb, &rn->cg, rn->slot, &rn->lim, rn->xx,
				     sizeof(rn->xx)) == 0)
		for (int i = 0; i < CG_N; i++)
			if (rn->cg.into_fd < 0 || !sb->cg[i].v2)
				j->procs_fd[i] = rn->cg.procs_fd[i];
	if (!rn->xx[0] && sb->root && (sb->layers & SANDBOX_NETNS)) {
		j->netns = netns_get(sb, rn->slot);
		if (j->netns < 0)
			snprintf(rn->xx, sizeof(rn->xx),
				 "cannot make a network namespace: %s",
				 strerror(errno));
	}
	return run_pipes(rn, e);
}

static void run_kill(struct run *rn, int why, enum sandbox_timeout t)
{
	if (rn->killed_for)
		return;
	rn->killed_for = why;
	rn->timeout = t;
	boxcg_kill(&rn->cg);
	if (rn->pidfd >= 0)
		syscall(SYS_pidfd_send_signal, rn->pidfd, SIGKILL, NULL, 0);
}

/* The keeper from the slot's zygote (see "Zygotes"); one more try with a
 * new zygote if the old one is gone, and without CLONE_INTO_CGROUP if the
 * kernel refuses it (the pid namespace still takes the tree down). */
static pid_t spawn_via_zygote(struct run *rn)
{
	struct sandbox *sb = rn->sb;
	const char *kill_dir = rn->cg.into_fd >= 0 ? rn->cg.dir[CG_KILL] : NULL;
	const char *name = kill_dir ? strrchr(kill_dir, '/') + 1 : NULL;
	pid_t pid;

	pid = zygote_spawn(sb, rn->slot, &rn->job, rn->flags, rn->cg.into_fd,
			   name, &rn->pidfd);
	if (pid < 0 && rn->cg.into_fd >= 0 && errno != EPIPE &&
	    errno != ECONNRESET)
		pid = zygote_spawn(sb, rn->slot, &rn->job, rn->flags, -1, NULL,
				   &rn->pidfd);
	if (pid < 0 && (errno == EPIPE || errno == ECONNRESET))
		zygote_stop(sb, rn->slot); /* a new one next time */
	return pid;
}

static int run_spawn(struct run *rn, struct err *e)
{
	struct sandbox *sb = rn->sb;
	unsigned l = sb->layers;
	uint64_t flags = CLONE_NEWNS;
	sigset_t all, old;
	pid_t pid;
	int saved;

	if (l & SANDBOX_USERNS)
		flags |= CLONE_NEWUSER;
	if (l & SANDBOX_PIDNS)
		flags |= CLONE_NEWPID;
	if ((l & SANDBOX_NETNS) && rn->job.netns < 0)
		flags |= CLONE_NEWNET;
	if (l & SANDBOX_IPCNS)
		flags |= CLONE_NEWIPC;
	if (l & SANDBOX_UTSNS)
		flags |= CLONE_NEWUTS;
	rn->flags = flags;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rn->t0 = now_seconds();
	if (sb->zygotes && !rn->xx[0]) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		pid = spawn_via_zygote(rn);
		saved = errno;
		close_child_ends(rn);
		if (pid < 0) {
			errno = saved;
			rn->pidfd = -1;
			return err_errno(e,
					 "cannot start the sandbox (zygote)");
		}
		rn->pid = pid;
		rn->zygote_child = 1;
		return 0;
	}
	pid = raw_clone_into(flags, 0, &rn->pidfd, rn->cg.into_fd);
	if (pid < 0 && rn->cg.into_fd >= 0) {
		/* No CLONE_INTO_CGROUP here: the keeper migrates. */
		for (int i = 0; i < CG_N; i++)
			rn->job.procs_fd[i] = rn->cg.procs_fd[i];
		pid = raw_clone(flags, 0, &rn->pidfd);
	}
	if (pid == 0)
		keeper(&rn->job);
	saved = errno;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	close_child_ends(rn);
	if (pid < 0) {
		errno = saved;
		rn->pidfd = -1;
		return err_errno(e, "cannot start the sandbox (clone3)");
	}
	rn->pid = pid;
	if (l & SANDBOX_USERNS) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/%ld/setgroups", (long)pid);
		if (write_file(path, "deny") < 0 ||
		    write_map(pid, "uid_map", sb->uid, sb->uid) < 0 ||
		    write_map(pid, "gid_map", sb->gid, sb->gid) < 0 ||
		    write(rn->go_w, "g", 1) != 1) {
			snprintf(rn->xx, sizeof(rn->xx),
				 "cannot map the user namespace: %s",
				 strerror(errno));
			run_kill(rn, -1, SB_TIMEOUT_NONE);
		}
		close_fd(&rn->go_w);
	}
	return 0;
}

/* Read what is there; returns 0 at end of file, 1 otherwise. */
static int drain(int fd, struct buf *b, size_t *count)
{
	char chunk[65536];

	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n > 0) {
			buf_add(b, chunk, (size_t)n);
			if (count)
				*count += (size_t)n;
			continue;
		}
		if (n == 0)
			return 0;
		if (errno == EINTR)
			continue;
		return errno == EAGAIN ? 1 : 0;
	}
}

static void feed_stdin(struct run *rn)
{
	const struct sandbox_run_opts *o = rn->o;

	while (rn->in_w >= 0 && rn->in_off < o->stdin_len) {
		ssize_t n = write(rn->in_w, o->stdin_data + rn->in_off,
				  o->stdin_len - rn->in_off);
		if (n > 0)
			rn->in_off += (size_t)n;
		else if (n < 0 && errno == EINTR)
			continue;
		else if (n < 0 && errno == EAGAIN)
			return;
		else
			break; /* EPIPE: the program does not read */
	}
	close_fd(&rn->in_w);
}

static void run_wait(struct run *rn)
{
	const struct sandbox_run_opts *o = rn->o;
	struct sandbox_result *r = rn->r;
	double wall_end = rn->t0 + rn->lim.wall_seconds;
	int cpu_watch = rn->cg.cpu_fd >= 0;
	double cpu_next = rn->t0 + rn->lim.cpu_seconds / (double)rn->sb->ncpu;
	size_t output = 0;

	if (rn->in_w >= 0)
		feed_stdin(rn);
	for (;;) {
		struct pollfd pf[5];
		int *fds[5];
		struct buf *bufs[5];
		int n = 0, ms;
		double now = now_seconds(), next = wall_end;

		pf[n] = (struct pollfd){rn->pidfd, POLLIN, 0};
		fds[n] = NULL, bufs[n++] = NULL;
		if (rn->out_r >= 0) {
			pf[n] = (struct pollfd){rn->out_r, POLLIN, 0};
			fds[n] = &rn->out_r, bufs[n++] = &r->out;
		}
		if (rn->err_r >= 0) {
			pf[n] = (struct pollfd){rn->err_r, POLLIN, 0};
			fds[n] = &rn->err_r, bufs[n++] = &r->err;
		}
		if (rn->ch_r >= 0) {
			pf[n] = (struct pollfd){rn->ch_r, POLLIN, 0};
			fds[n] = &rn->ch_r, bufs[n++] = &r->channel;
		}
		if (rn->in_w >= 0) {
			pf[n] = (struct pollfd){rn->in_w, POLLOUT, 0};
			fds[n] = &rn->in_w, bufs[n++] = NULL;
		}
		if (cpu_watch && cpu_next < next)
			next = cpu_next;
		if (o->cancel && now + 0.05 < next)
			next = now + 0.05;
		if (rn->killed_for)
			next = now + 5;
		ms = next <= now ? 0 : (int)ceil((next - now) * 1000);
		if (poll(pf, (nfds_t)n, ms) < 0 && errno != EINTR)
			break;
		for (int i = 1; i < n; i++) {
			if (!pf[i].revents)
				continue;
			if (fds[i] == &rn->in_w) {
				feed_stdin(rn);
				continue;
			}
			if (!drain(*fds[i], bufs[i],
				   bufs[i] == &r->channel ? NULL : &output))
				close_fd(fds[i]);
		}
		if (!rn->killed_for && output > (size_t)rn->lim.output_bytes)
			run_kill(rn, SB_OL, SB_TIMEOUT_NONE);
		if (pf[0].revents)
			break;
		now = now_seconds();
		if (!rn->killed_for && now >= wall_end)
			run_kill(rn, SB_TO, SB_TIMEOUT_WALL);
		if (!rn->killed_for && cpu_watch && now >= cpu_next) {
			double used = boxcg_cpu(rn->sb, &rn->cg);
			double left = rn->lim.cpu_seconds - used;

			if (used >= 0 && left <= 0)
				run_kill(rn, SB_TO, SB_TIMEOUT_CPU);
			else if (used < 0)
				cpu_watch = 0;
			else
				cpu_next =
				    now +
				    fmax(left / (double)rn->sb->ncpu, 0.002);
		}
		if (!rn->killed_for && o->cancel && o->cancel(o->cancel_arg)) {
			r->cancelled = 1;
			run_kill(rn, SB_TO, SB_TIMEOUT_NONE);
		}
	}
	/* The keeper is gone, and with it every process of the box: what
	 * they wrote is in the pipes. */
	if (!rn->zygote_child) {
		siginfo_t si;
		memset(&si, 0, sizeof(si));
		while (waitid(P_PIDFD, (id_t)rn->pidfd, &si, WEXITED | __WALL) <
			   0 &&
		       errno == EINTR)
			;
	}
	r->wall_seconds = now_seconds() - rn->t0;
	if (rn->out_r >= 0)
		drain(rn->out_r, &r->out, &output);
	if (rn->err_r >= 0)
		drain(rn->err_r, &r->err, &output);
	if (rn->ch_r >= 0)
		drain(rn->ch_r, &r->channel, NULL);
	if (!rn->killed_for && output > (size_t)rn->lim.output_bytes)
		rn->killed_for = SB_OL;
	if (read(rn->status_r, &rn->km, sizeof(rn->km)) ==
	    (ssize_t)sizeof(rn->km))
		rn->got_km = 1;
}

static void run_stats(struct run *rn)
{
	struct sandbox_result *r = rn->r;
	const char *mem = rn->cg.dir[CG_MEM];
	char text[2048];
	double cpu = boxcg_cpu(rn->sb, &rn->cg);

	r->cpu_seconds = cpu >= 0     ? cpu
			 : rn->got_km ? (double)rn->km.cpu_us / 1e6
				      : 0;
	r->max_rss_kb = rn->got_km ? rn->km.maxrss_kb : 0;
	if (!mem)
		return;
	if (rn->sb->cg[CG_MEM].v2) {
		if (read_at(mem, "memory.peak", text, sizeof(text)) == 0)
			r->cg_mem_peak = strtoll(text, NULL, 10);
		if (read_at(mem, "memory.events", text, sizeof(text)) == 0)
			r->oom_killed = keyed_value(text, "oom_kill") > 0;
	} else {
		long long base = rn->cg.mem_base > 0 ? rn->cg.mem_base : 0;

		if (read_at(mem, "memory.max_usage_in_bytes", text,
			    sizeof(text)) == 0)
			r->cg_mem_peak = strtoll(text, NULL, 10) - base;
		if (r->cg_mem_peak < -1)
			r->cg_mem_peak = 0;
		if (read_at(mem, "memory.oom_control", text, sizeof(text)) == 0)
			r->oom_killed =
			    keyed_value(text, "oom_kill") >
			    (rn->cg.oom_base > 0 ? rn->cg.oom_base : 0);
	}
	if (r->max_rss_kb == 0 && r->cg_mem_peak > 0)
		r->max_rss_kb = (long)(r->cg_mem_peak / 1024);
}

static void setup_message(struct run *rn)
{
	const struct kmsg *m = &rn->km;
	const char *what =
	    m->step >= 0 && m->step < ST_N ? step_names[m->step] : "setting up";
	const char *arg = "";

	if (m->idx >= 0 && (size_t)m->idx < rn->job.plan.n &&
	    (m->step == ST_CLONE_TREE || m->step == ST_IDMAP ||
	     m->step == ST_ATTR || m->step == ST_STEP))
		arg = m->step == ST_STEP
			  ? rn->job.plan.v[m->idx].dst + strlen(STAGE)
			  : rn->job.plan.v[m->idx].src;
	else if (m->step == ST_CGROUP && m->idx >= 0 && m->idx < CG_N &&
		 rn->cg.dir[m->idx])
		arg = rn->cg.dir[m->idx];
	snprintf(rn->r->message, sizeof(rn->r->message),
		 "sandbox failure: %s%s%s%s: %s", what, *arg ? " '" : "", arg,
		 *arg ? "'" : "", strerror(m->err));
}

static void run_classify(struct run *rn)
{
	struct sandbox_result *r = rn->r;
	const struct sandbox_limits *l = &rn->lim;
	char *msg = r->message;
	size_t n = sizeof(r->message);
	char what[128];

	r->killed = rn->killed_for > 0;
	r->timeout = rn->timeout;
	if (rn->got_km && rn->km.kind == KM_EXITED) {
		int st = rn->km.wstatus;
		if (WIFEXITED(st)) {
			r->exited = 1;
			r->exit_code = WEXITSTATUS(st);
		} else if (WIFSIGNALED(st))
			r->signal = WTERMSIG(st);
	}
	if (rn->xx[0]) {
		r->status = SB_XX;
		snprintf(msg, n, "sandbox failure: %s", rn->xx);
	} else if (rn->got_km && rn->km.kind == KM_SETUP) {
		r->status = SB_XX;
		setup_message(rn);
	} else if (rn->got_km && rn->km.kind == KM_EXEC) {
		r->status = SB_XX;
		r->exec_errno = rn->km.err;
		snprintf(msg, n, "cannot execute '%s': %s",
			 rn->o->argv ? rn->o->argv[0] : "",
			 strerror(rn->km.err));
	} else if (rn->killed_for == SB_TO && r->cancelled) {
		r->status = SB_TO;
		snprintf(msg, n, "cancelled");
	} else if (r->oom_killed) {
		/* Before TO: a program that hangs after losing a process to
		 * the OOM killer ran out of memory first. */
		r->status = SB_ML;
		r->timeout = SB_TIMEOUT_NONE;
		human_bytes(l->mem_bytes, what, sizeof(what));
		snprintf(msg, n, "memory limit exceeded (%s)", what);
	} else if (rn->killed_for == SB_TO) {
		r->status = SB_TO;
		if (r->timeout == SB_TIMEOUT_CPU)
			snprintf(msg, n,
				 "time limit exceeded: %.2f s of CPU (limit "
				 "%.2f s)",
				 r->cpu_seconds, l->cpu_seconds);
		else
			snprintf(msg, n,
				 "wall-clock limit exceeded: %.2f s (limit "
				 "%.2f s)",
				 r->wall_seconds, l->wall_seconds);
	} else if (rn->killed_for == SB_OL) {
		r->status = SB_OL;
		r->killed = 1;
		human_bytes(l->output_bytes, what, sizeof(what));
		snprintf(msg, n,
			 "output limit exceeded: more than %s on stdout and "
			 "stderr",
			 what);
	} else if (!rn->got_km) {
		r->status = SB_XX;
		snprintf(msg, n,
			 "sandbox failure: the box ended without a "
			 "report");
	} else if (r->signal == SIGXCPU || r->cpu_seconds > l->cpu_seconds) {
		r->status = SB_TO;
		r->timeout = SB_TIMEOUT_CPU;
		snprintf(msg, n,
			 "time limit exceeded: %.2f s of CPU (limit "
			 "%.2f s)",
			 r->cpu_seconds, l->cpu_seconds);
	} else if (r->signal == SIGXFSZ) {
		r->status = SB_FL;
		human_bytes(l->fsize_bytes, what, sizeof(what));
		snprintf(msg, n, "file size limit exceeded (%s)", what);
	} else if (r->signal) {
		r->status = SB_SG;
		describe_signal(r->signal, what, sizeof(what));
		snprintf(msg, n, "killed by %s", what);
	} else if (r->exit_code != 0) {
		r->status = SB_RE;
		snprintf(msg, n, "exited with status %d", r->exit_code);
	} else {
		r->status = SB_OK;
		snprintf(msg, n, "exited with status 0");
	}
}

static int run_internal(struct sandbox *sb, const struct sandbox_run_opts *o,
			struct sandbox_result *r, struct kmsg *km,
			struct err *e)
{
	int selftest = km != NULL;
	struct run rn;
	sigset_t pipe_set, old;
	int rc = -1;

	run_init(&rn, sb, o, r);
	/* A program that stops reading its stdin must not kill us. */
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	if (run_prepare(&rn, selftest, e) < 0 || run_spawn(&rn, e) < 0)
		goto out;
	if (rn.xx[0] && !rn.killed_for)
		run_kill(&rn, -1, SB_TIMEOUT_NONE);
	run_wait(&rn);
	run_stats(&rn);
	run_classify(&rn);
	if (rn.got_km && rn.km.idmap_err) {
		size_t len = strlen(r->message);
		snprintf(r->message + len, sizeof(r->message) - len,
			 " (the box folder could not be idmapped: %s; the "
			 "program did not own it)",
			 strerror(rn.km.idmap_err));
	}
	if (km)
		*km = rn.got_km ? rn.km : (struct kmsg){0};
	rc = 0;
out:
	run_release(&rn);
	if (!sigismember(&old, SIGPIPE)) {
		struct timespec zero = {0, 0};
		while (sigtimedwait(&pipe_set, NULL, &zero) == SIGPIPE)
			;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc < 0)
		sandbox_result_release(r);
	return rc;
}

int sandbox_run(struct sandbox *sb, const struct sandbox_run_opts *o,
		struct sandbox_result *r, struct err *e)
{
	return run_internal(sb, o, r, NULL, e);
}

/* ------------------------------------------------------------------ */
/* Probing */

static const struct sandbox_limits builtin_limits = {
    .cpu_seconds = 5,
    .wall_seconds = 0, /* 2 * cpu + 1 */
    .mem_bytes = 512LL << 20,
    .procs = 64,
    .fsize_bytes = 64LL << 20,
    .output_bytes = 8LL << 20,
    .nofile = 256,
    .tmp_bytes = 64LL << 20,
};

static int try_clone(uint64_t flags)
{
	sigset_t all, old;
	int pidfd = -1, saved;
	pid_t pid;
	siginfo_t si;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pid = raw_clone(flags, 0, &pidfd);
	if (pid == 0)
		_exit(0);
	saved = errno;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (pid < 0) {
		errno = saved;
		return -1;
	}
	waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED | __WALL);
	close(pidfd);
	return 0;
}

static int probe_namespaces(struct sandbox *sb, struct err *e)
{
	static const struct {
		uint64_t flag;
		unsigned bit;
	} ns[] = {
	    {CLONE_NEWNS, SANDBOX_MNTNS},  {CLONE_NEWPID, SANDBOX_PIDNS},
	    {CLONE_NEWNET, SANDBOX_NETNS}, {CLONE_NEWIPC, SANDBOX_IPCNS},
	    {CLONE_NEWUTS, SANDBOX_UTSNS},
	};
	uint64_t base = 0;

	if (!sb->root) {
		if (try_clone(CLONE_NEWUSER) < 0)
			return err_errno(e, "no sandbox possible: not root and "
					    "no user namespace");
		base = CLONE_NEWUSER;
	}
	for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++)
		if (try_clone(base | ns[i].flag) < 0)
			missing_add(sb, ns[i].bit, "cannot create: %s",
				    strerror(errno));
	if (!(sb->available & SANDBOX_MNTNS))
		return err_set(e, "no sandbox possible: no mount namespace");
	return 0;
}

/* The layer a failing keeper step belongs to (0: none, fatal). */
static unsigned step_layer(const struct kmsg *m)
{
	static const unsigned cg[CG_N] = {
	    SANDBOX_CGROUP_MEM, SANDBOX_CGROUP_PIDS, SANDBOX_CGROUP_CPU,
	    SANDBOX_CGROUP_KILL};

	switch (m->step) {
	case ST_CGROUP:
		return m->idx >= 0 && m->idx < CG_N ? cg[m->idx] : 0;
	case ST_SECCOMP:
		return SANDBOX_SECCOMP;
	case ST_NNP:
		return SANDBOX_NNP;
	case ST_RLIMIT:
		return SANDBOX_RLIMITS;
	case ST_UID:
		return SANDBOX_UID;
	case ST_HOSTNAME:
		return SANDBOX_UTSNS;
	default:
		return 0;
	}
}

static void update_layers(struct sandbox *sb)
{
	sb->layers = sb->available;
	sandbox_layers_format(sb->layers, sb->layers_str,
			      sizeof(sb->layers_str));
}

/*
 * Some combinations would let a program reach the whole machine, whatever
 * else is in place: running as our own uid (root, or the grader's user)
 * in our pid namespace, kill(-1) reaches every process we own.  (Found the
 * hard way: with pidns and uid both disabled, one hostile case killed
 * every root process of the test machine.)  Refuse to run at all then.
 */
static int host_exposed(const struct sandbox *sb, struct err *e)
{
	if (sb->layers & SANDBOX_PIDNS)
		return 0;
	if (sb->layers & SANDBOX_UID)
		return 0;
	err_set(e, "refusing to sandbox without a pid namespace and without "
		   "a box uid: the program could signal every process of "
		   "yours (missing: pidns, uid)");
	return 1;
}

/* Run the whole box once without executing anything; a failing optional
 * layer is dropped (and recorded), anything else is fatal. */
static int self_test(struct sandbox *sb, struct err *e)
{
	char dir[] = "/tmp/workbook-probe.XXXXXX";
	int rc = -1;

	if (!mkdtemp(dir))
		return err_errno(e, "cannot make a probe folder");
	for (int tries = 0; tries < 8; tries++) {
		struct sandbox_run_opts o;
		struct sandbox_result r;
		struct kmsg m;

		memset(&o, 0, sizeof(o));
		o.box = dir;
		o.limits.cpu_seconds = 5;
		o.limits.wall_seconds = 10;
		if (run_internal(sb, &o, &r, &m, e) < 0)
			break;
		sandbox_result_release(&r);
		if (r.status == SB_OK) {
			if (m.idmap_err)
				missing_add(sb, 0,
					    "no idmapped mount of the box "
					    "folder (%s): the program may not "
					    "write there",
					    strerror(m.idmap_err));
			rc = 0;
			break;
		}
		if (r.status == SB_XX && m.kind == KM_SETUP && step_layer(&m) &&
		    (sb->layers & step_layer(&m))) {
			missing_add(sb, step_layer(&m), "%s", r.message);
			update_layers(sb);
			continue;
		}
		err_set(e, "the sandbox does not work here: %s", r.message);
		break;
	}
	rmdir(dir);
	return rc;
}

struct sandbox *sandbox_new(const struct sandbox_config *cfg, struct err *e)
{
	struct sandbox *sb = xcalloc(1, sizeof(*sb));
	struct sandbox_config none;
	char why[512];
	cpu_set_t cpus;

	if (!cfg) {
		memset(&none, 0, sizeof(none));
		cfg = &none;
	}
	pthread_mutex_init(&sb->lock, NULL);
	sb->def = cfg->defaults;
	limits_fill(&sb->def, &builtin_limits);
	if (cfg->defaults.wall_seconds <= 0)
		sb->def.wall_seconds = 0; /* per run: 2 * cpu + 1 */
	sb->root = geteuid() == 0;
	sb->uid = geteuid();
	sb->gid = getegid();
	sb->uid_base = cfg->uid_base ? cfg->uid_base : 60000;
	sb->uid_count = cfg->uid_count ? cfg->uid_count : 256;
	sb->busy = xcalloc(sb->uid_count, 1);
	sb->lockfd = xcalloc(sb->uid_count, sizeof(int));
	sb->netns = xcalloc(sb->uid_count, sizeof(int));
	sb->zyg = xcalloc(sb->uid_count, sizeof(*sb->zyg));
	for (unsigned i = 0; i < sb->uid_count; i++) {
		sb->lockfd[i] = sb->netns[i] = -1;
		sb->zyg[i].sock = sb->zyg[i].pidfd = -1;
	}
	sb->ncpu = sched_getaffinity(0, sizeof(cpus), &cpus) == 0
		       ? CPU_COUNT(&cpus)
		       : sysconf(_SC_NPROCESSORS_ONLN);
	if (sb->ncpu < 1)
		sb->ncpu = 1;
	sb->available = SANDBOX_ALL_LAYERS;
	sb->idmap_ok = sb->root;
	if (sb->root)
		sb->available &= ~(unsigned)SANDBOX_USERNS;
	else
		missing_add(sb, SANDBOX_UID,
			    "not root: the program keeps your uid, inside a "
			    "user namespace");

	if (access("/usr", R_OK | X_OK) < 0) {
		err_errno(e, "no sandbox possible: '/usr'");
		goto fail;
	}
	if (probe_namespaces(sb, e) < 0)
		goto fail;
	probe_cgroups(sb);
	if (build_seccomp(sb, why, sizeof(why)) < 0)
		missing_add(sb, SANDBOX_SECCOMP, "%s", why);
	if (cfg->disable & SANDBOX_MNTNS) {
		err_set(e, "the mount namespace cannot be disabled: the box is "
			   "built in it");
		goto fail;
	}
	for (size_t i = 0; i < NLAYERS; i++) {
		unsigned bit = 1u << i;
		if ((cfg->disable & bit) && (sb->available & bit))
			missing_add(sb, bit, "disabled");
	}
	update_layers(sb);
	if (host_exposed(sb, e))
		goto fail;
	for (int i = 0; sb->root && i < CG_N; i++)
		if ((sb->layers & cg_bit[i]) && sb->cg[i].base && !sb->cg[i].v2)
			sb->zygotes = 1;
	plan_system(&sb->sys);
	if (self_test(sb, e) < 0 || host_exposed(sb, e))
		goto fail;
	if (cfg->require && sandbox_level_ok(sb, cfg->require, e) < 0)
		goto fail;
	return sb;
fail:
	sandbox_free(sb);
	return NULL;
}

void sandbox_free(struct sandbox *sb)
{
	if (!sb)
		return;
	/* Zygotes first: they live in groups below the bases. */
	for (unsigned i = 0; sb->zyg && i < sb->uid_count; i++)
		zygote_stop(sb, i);
	free(sb->zyg);
	for (size_t i = 0; i < sb->nmaps; i++)
		close(sb->maps[i].fd);
	free(sb->maps);
	for (int i = 0; i < CG_N; i++) {
		int shared = 0;
		for (int k = 0; k < i; k++)
			if (sb->cg[k].base && sb->cg[i].base &&
			    !strcmp(sb->cg[k].base, sb->cg[i].base))
				shared = 1;
		/* Only succeeds when no other process has boxes there. */
		if (sb->cg[i].base && !shared)
			rmdir(sb->cg[i].base);
	}
	for (int i = 0; i < CG_N; i++)
		free(sb->cg[i].base);
	plan_release(&sb->sys);
	free(sb->bpf.filter);
	free(sb->busy);
	for (unsigned i = 0; sb->lockfd && i < sb->uid_count; i++)
		if (sb->lockfd[i] >= 0)
			close(sb->lockfd[i]);
	free(sb->lockfd);
	for (unsigned i = 0; sb->netns && i < sb->uid_count; i++)
		if (sb->netns[i] >= 0)
			close(sb->netns[i]);
	free(sb->netns);
	pthread_mutex_destroy(&sb->lock);
	free(sb);
}

unsigned sandbox_layer_bits(const struct sandbox *sb)
{
	return sb->layers;
}

const char *sandbox_layers(const struct sandbox *sb)
{
	return sb->layers_str;
}

const char *sandbox_missing(const struct sandbox *sb)
{
	return sb->missing;
}

int sandbox_level_ok(const struct sandbox *sb, const char *required,
		     struct err *e)
{
	unsigned want, lack;
	char names[256];

	if (sandbox_layers_parse(required, &want, e) < 0)
		return -1;
	lack = want & ~sb->layers;
	if (!lack)
		return 0;
	sandbox_layers_format(lack, names, sizeof(names));
	return err_set(e,
		       "the sandbox here is below the required level '%s': "
		       "missing %s",
		       required, names);
}

/* ------------------------------------------------------------------ */
/* Reading what the program left in the box */

int sandbox_open_box_file(const char *box, const char *rel, struct err *e)
{
	struct open_how how;
	struct stat st;
	int dfd, fd;

	dfd = open(box, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return err_errno(e, "cannot open box '%s'", box);
	memset(&how, 0, sizeof(how));
	/* O_NONBLOCK: a FIFO planted under the name must not hang us. */
	how.flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY;
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
		      RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV;
	fd = (int)syscall(SYS_openat2, dfd, rel, &how, sizeof(how));
	if (fd < 0 && errno == ENOSYS && !strchr(rel, '/'))
		fd = openat(dfd, rel, (int)how.flags);
	close(dfd);
	if (fd < 0) {
		if (errno == ELOOP || errno == EXDEV)
			return err_set(e,
				       "'%s' in the box is or goes through a "
				       "symbolic link or another file system; "
				       "not followed",
				       rel);
		return err_errno(e, "cannot open '%s' in the box", rel);
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return err_set(e, "'%s' in the box is not a regular file", rel);
	}
	return fd;
}

char *sandbox_read_box_file(const char *box, const char *rel, size_t max,
			    size_t *len, struct err *e)
{
	int fd = sandbox_open_box_file(box, rel, e);
	struct buf b;
	char chunk[65536];
	ssize_t n;

	if (fd < 0)
		return NULL;
	buf_init(&b, max);
	while ((n = read(fd, chunk, sizeof(chunk))) > 0 && !b.truncated)
		buf_add(&b, chunk, (size_t)n);
	close(fd);
	if (n < 0 && errno != EAGAIN) {
		buf_release(&b);
		err_errno(e, "cannot read '%s' in the box", rel);
		return NULL;
	}
	if (b.truncated) {
		buf_release(&b);
		err_set(e, "'%s' in the box is larger than %zu bytes", rel,
			max);
		return NULL;
	}
	if (len)
		*len = b.len;
	if (!b.data)
		return xstrdup("");
	return buf_detach(&b, NULL);
}
