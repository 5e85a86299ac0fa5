/*
 * Tests for sandbox.c: the probe and its layers, each layer's effect seen
 * from inside a box, the isolate-style statuses, stdin/channel/capture,
 * cancellation, concurrent runs, clean-up, and reading box files without
 * following planted links.
 *
 * Checks that need C inside the box re-execute this test program (bound
 * read-only into the box) as "test_sandbox --inside CHECK"; it exits 0 when
 * the check holds and prints why not otherwise.  Everything else runs
 * /bin/sh or coreutils.  When no sandbox is possible here (not root and no
 * user namespaces) every test skips.
 */
#define _GNU_SOURCE
#include "sandbox.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/xalloc.h"

#define UID_BASE 61000

static struct sandbox *sb;	/* probed once, shared by the tests */
static char box[PATH_MAX];	/* a fresh box folder per test */
static char self_exe[PATH_MAX]; /* this program, bound into boxes */
static char probe_error[ERR_MAX];

static char path_env[] = "PATH=/usr/bin:/bin";
static char *const env[] = {path_env, NULL};

/* ---- checks run inside a box ------------------------------------------ */

static int fail_inside(const char *what, const char *how)
{
	printf("%s: %s (%s)\n", what, how, strerror(errno));
	return 1;
}

static int inside_net(void)
{
	struct sockaddr_in a;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return 0; /* seccomp: no socket but AF_UNIX */
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(80);
	a.sin_addr.s_addr = htonl(0x01010101); /* 1.1.1.1 */
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0)
		return fail_inside("1.1.1.1", "connected");
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0)
		return fail_inside("127.0.0.1", "connected");
	return 0;
}

static int inside_unix(void)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return fail_inside("socketpair", "failed");
	return 0;
}

static int inside_escape(void)
{
	if (ptrace(PTRACE_ATTACH, 1, NULL, NULL) == 0)
		return fail_inside("ptrace", "attached to pid 1");
	if (setuid(0) == 0)
		return fail_inside("setuid", "became root");
	if (unshare(CLONE_NEWUSER) == 0)
		return fail_inside("unshare", "made a user namespace");
	if (mount("x", "/tmp", "tmpfs", 0, NULL) == 0)
		return fail_inside("mount", "mounted a tmpfs");
	if (open("/etc/shadow", O_RDONLY) >= 0)
		return fail_inside("/etc/shadow", "readable");
	if (open("/etc/wb-test", O_WRONLY | O_CREAT, 0644) >= 0)
		return fail_inside("/etc", "writable");
	/* Refused (root's keeper), or ignored (pid 1 of a namespace takes
	 * no SIGKILL from inside): either way the box goes on and the run
	 * ends OK; had it worked, the box would end without a report. */
	kill(1, SIGKILL);
	return 0;
}

static int inside_status(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	int caps_zero = 0, nnp = 0, seccomp = 0;

	if (!f)
		return fail_inside("/proc/self/status", "cannot open");
	while (fgets(line, sizeof(line), f)) {
		if (!strcmp(line, "CapEff:\t0000000000000000\n"))
			caps_zero = 1;
		if (!strcmp(line, "NoNewPrivs:\t1\n"))
			nnp = 1;
		if (!strcmp(line, "Seccomp:\t2\n"))
			seccomp = 1;
	}
	fclose(f);
	printf("caps_zero=%d nnp=%d seccomp=%d\n", caps_zero, nnp, seccomp);
	return caps_zero && nnp && seccomp ? 0 : 1;
}

static int inside_main(const char *check)
{
	if (!strcmp(check, "net"))
		return inside_net();
	if (!strcmp(check, "unix"))
		return inside_unix();
	if (!strcmp(check, "escape"))
		return inside_escape();
	if (!strcmp(check, "status"))
		return inside_status();
	printf("unknown check '%s'\n", check);
	return 2;
}

/* ---- helpers ---------------------------------------------------------- */

#define NEED_SANDBOX()                                                         \
	do {                                                                   \
		if (!sb) {                                                     \
			print_message("# no sandbox: %s\n", probe_error);      \
			skip();                                                \
		}                                                              \
	} while (0)

static int box_setup(void **state)
{
	(void)state;
	snprintf(box, sizeof(box), "/tmp/wb-sandbox-test.XXXXXX");
	return mkdtemp(box) ? 0 : -1;
}

static int box_teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", box);
	return system(cmd) == 0 ? 0 : -1;
}

static void opts_init(struct sandbox_run_opts *o, char *const *argv)
{
	memset(o, 0, sizeof(*o));
	o->argv = argv;
	o->env = env;
	o->box = box;
	o->limits.cpu_seconds = 5;
	o->limits.wall_seconds = 20;
}

/* Run argv with default options; assert the run was attempted. */
static void run(char *const *argv, struct sandbox_result *r)
{
	struct sandbox_run_opts o;
	struct err e;

	opts_init(&o, argv);
	assert_int_equal(sandbox_run(sb, &o, r, &e), 0);
}

static void run_sh(const char *script, struct sandbox_result *r)
{
	char *argv[] = {(char *)"/bin/sh", (char *)"-c", (char *)script, NULL};

	run(argv, r);
}

static void expect_status(const struct sandbox_result *r, enum sandbox_status s)
{
	if (r->status != s)
		print_message("# got %s (%s), stdout '%s', stderr '%s'\n",
			      sandbox_status_name(r->status), r->message,
			      buf_cstr(&r->out), buf_cstr(&r->err));
	assert_string_equal(sandbox_status_name(r->status),
			    sandbox_status_name(s));
}

/* Processes on the machine running as `uid`. */
static int processes_of(uid_t uid)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d))) {
		char path[PATH_MAX];
		struct stat st;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s", de->d_name);
		if (stat(path, &st) == 0 && st.st_uid == uid)
			n++;
	}
	closedir(d);
	return n;
}

/* ---- the probe and the layers ----------------------------------------- */

static void test_layers_parse_and_format(void **state)
{
	unsigned bits;
	char out[256];
	struct err e;

	(void)state;
	assert_int_equal(sandbox_layers_parse("seccomp,uid", &bits, &e), 0);
	assert_int_equal(bits, SANDBOX_SECCOMP | SANDBOX_UID);
	sandbox_layers_format(bits, out, sizeof(out));
	assert_string_equal(out, "uid,seccomp");
	assert_int_equal(sandbox_layers_parse("strict", &bits, &e), 0);
	assert_int_equal(bits, SANDBOX_LEVEL_STRICT);
	assert_int_equal(sandbox_layers_parse("basic", &bits, &e), 0);
	assert_int_equal(bits & SANDBOX_UID, 0);
	assert_int_equal(sandbox_layers_parse("pidns,bogus", &bits, &e), -1);
	assert_non_null(strstr(e.msg, "'bogus'"));
	sandbox_layers_format(0, out, sizeof(out));
	assert_string_equal(out, "none");
	assert_string_equal(sandbox_layer_name(SANDBOX_CGROUP_KILL),
			    "cgroup-kill");
	assert_null(sandbox_layer_name(3));
}

static void test_probe_lists_layers(void **state)
{
	const char *layers;
	struct err e;

	(void)state;
	NEED_SANDBOX();
	layers = sandbox_layers(sb);
	print_message("# layers: %s\n# missing: %s\n", layers,
		      sandbox_missing(sb));
	assert_non_null(strstr(layers, "mntns"));
	assert_non_null(strstr(layers, "rlimits"));
	if (geteuid() == 0) {
		/* The machine this runs on gives root every layer; a
		 * machine that does not must say which and why. */
		if (sandbox_level_ok(sb, "strict", &e) < 0) {
			print_message("# %s\n", e.msg);
			assert_true(sandbox_missing(sb)[0] != '\0');
		} else
			assert_string_equal(sandbox_missing(sb), "");
	} else {
		assert_non_null(strstr(layers, "userns"));
		assert_non_null(strstr(sandbox_missing(sb), "uid: "));
	}
}

static void test_disabled_layer_is_missing_and_refused(void **state)
{
	struct sandbox_config cfg;
	struct sandbox *weak;
	struct err e;

	(void)state;
	NEED_SANDBOX();
	memset(&cfg, 0, sizeof(cfg));
	cfg.disable = SANDBOX_SECCOMP | SANDBOX_CGROUP_MEM;
	weak = sandbox_new(&cfg, &e);
	assert_non_null(weak);
	assert_null(strstr(sandbox_layers(weak), "seccomp"));
	assert_null(strstr(sandbox_layers(weak), "cgroup-mem"));
	assert_non_null(strstr(sandbox_missing(weak), "seccomp: disabled"));
	assert_int_equal(sandbox_level_ok(weak, "strict", &e), -1);
	assert_non_null(strstr(e.msg, "seccomp"));
	assert_non_null(strstr(e.msg, "cgroup-mem"));
	assert_int_equal(sandbox_level_ok(weak, "pidns,mntns", &e), 0);
	sandbox_free(weak);

	/* Never a box whose program could signal every process of ours. */
	cfg.disable = SANDBOX_PIDNS | SANDBOX_UID;
	assert_null(sandbox_new(&cfg, &e));
	assert_non_null(strstr(e.msg, "refusing"));
	cfg.disable = SANDBOX_MNTNS;
	assert_null(sandbox_new(&cfg, &e));
	cfg.disable = SANDBOX_SECCOMP | SANDBOX_CGROUP_MEM;

	/* Asked for at creation: refused outright. */
	cfg.require = "strict";
	assert_null(sandbox_new(&cfg, &e));
	assert_non_null(strstr(e.msg, "required level 'strict'"));
}

static void test_result_lists_layers(void **state)
{
	struct sandbox_result r;
	char *argv[] = {(char *)"true", NULL};

	(void)state;
	NEED_SANDBOX();
	run(argv, &r);
	expect_status(&r, SB_OK);
	assert_string_equal(r.layers, sandbox_layers(sb));
	sandbox_result_release(&r);
}

/* ---- each layer's effect, seen from inside ---------------------------- */

static void test_program_runs_as_box_uid(void **state)
{
	struct sandbox_result r;
	char *argv[] = {(char *)"id", (char *)"-u", NULL};
	unsigned long uid;

	(void)state;
	NEED_SANDBOX();
	run(argv, &r);
	expect_status(&r, SB_OK);
	uid = strtoul(buf_cstr(&r.out), NULL, 10);
	if (sandbox_layer_bits(sb) & SANDBOX_UID)
		assert_true(uid >= UID_BASE && uid < UID_BASE + 256);
	else
		assert_int_equal(uid, geteuid());
	sandbox_result_release(&r);
}

static void test_proc_shows_only_the_box(void **state)
{
	struct sandbox_result r;
	const char *p;
	int pids = 0;

	(void)state;
	NEED_SANDBOX();
	run_sh("ls /proc", &r);
	expect_status(&r, SB_OK);
	for (p = buf_cstr(&r.out); *p; p = strchr(p, '\n') + 1) {
		if (*p >= '0' && *p <= '9')
			pids++;
		if (!strchr(p, '\n'))
			break;
	}
	/* sh and ls (the keeper, pid 1, is root's and hidden) */
	print_message("# %d pids\n", pids);
	assert_true(pids >= 1 && pids <= 3);
	sandbox_result_release(&r);
}

static void test_inside(const char *check)
{
	struct sandbox_run_opts o;
	struct sandbox_result r;
	struct sandbox_bind bind = {self_exe, 0};
	char *argv[] = {self_exe, (char *)"--inside", (char *)check, NULL};
	struct err e;

	opts_init(&o, argv);
	o.binds = &bind;
	o.nbinds = 1;
	assert_int_equal(sandbox_run(sb, &o, &r, &e), 0);
	expect_status(&r, SB_OK);
	sandbox_result_release(&r);
}

static void test_no_network(void **state)
{
	(void)state;
	NEED_SANDBOX();
	test_inside("net");
	test_inside("unix"); /* AF_UNIX still works */
}

static void test_no_escape_calls(void **state)
{
	(void)state;
	NEED_SANDBOX();
	test_inside("escape");
}

static void test_no_caps_nnp_seccomp(void **state)
{
	(void)state;
	NEED_SANDBOX();
	if ((sandbox_layer_bits(sb) & (SANDBOX_NNP | SANDBOX_SECCOMP)) !=
	    (SANDBOX_NNP | SANDBOX_SECCOMP))
		skip();
	test_inside("status");
}

static void test_system_is_read_only(void **state)
{
	struct sandbox_result r;
	char marker[64], script[256];
	int fd;

	(void)state;
	NEED_SANDBOX();
	run_sh("echo x > /etc/wb-test || exit 3; exit 0", &r);
	expect_status(&r, SB_RE);
	assert_int_equal(r.exit_code, 3);
	sandbox_result_release(&r);
	run_sh("touch /usr/wb-test || exit 3; exit 0", &r);
	assert_int_equal(r.exit_code, 3);
	sandbox_result_release(&r);
	/* The private /tmp is writable; the host's is not there. */
	snprintf(marker, sizeof(marker), "/tmp/wb-sandbox-marker-%ld",
		 (long)getpid());
	fd = open(marker, O_WRONLY | O_CREAT | O_EXCL, 0644);
	assert_true(fd >= 0);
	close(fd);
	snprintf(script, sizeof(script),
		 "test ! -e %s && echo x > %s.in && cat %s.in", marker, marker,
		 marker);
	run_sh(script, &r);
	expect_status(&r, SB_OK);
	assert_string_equal(buf_cstr(&r.out), "x\n");
	sandbox_result_release(&r);
	unlink(marker);
	memcpy(marker + strlen(marker), ".in", 4);
	assert_int_equal(access(marker, F_OK), -1);
}

static void test_box_files_belong_to_owner(void **state)
{
	struct sandbox_result r;
	char path[PATH_MAX + 16];
	struct stat st;

	(void)state;
	NEED_SANDBOX();
	run_sh("echo made > made.txt && mkdir sub && echo x > sub/y", &r);
	expect_status(&r, SB_OK);
	sandbox_result_release(&r);
	snprintf(path, sizeof(path), "%s/made.txt", box);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_uid, geteuid());
	assert_int_equal(st.st_mode & 07000, 0);
}

/* ---- statuses --------------------------------------------------------- */

static void test_status_ok_and_re(void **state)
{
	struct sandbox_result r;

	(void)state;
	NEED_SANDBOX();
	run_sh("exit 0", &r);
	expect_status(&r, SB_OK);
	assert_true(r.exited);
	sandbox_result_release(&r);
	run_sh("exit 7", &r);
	expect_status(&r, SB_RE);
	assert_int_equal(r.exit_code, 7);
	assert_non_null(strstr(r.message, "status 7"));
	sandbox_result_release(&r);
}

static void test_status_sg_names_signal(void **state)
{
	struct sandbox_result r;

	(void)state;
	NEED_SANDBOX();
	run_sh("kill -SEGV $$", &r);
	expect_status(&r, SB_SG);
	assert_int_equal(r.signal, SIGSEGV);
	assert_non_null(strstr(r.message, "SIGSEGV"));
	sandbox_result_release(&r);
}

static void test_status_to_cpu(void **state)
{
	struct sandbox_run_opts o;
	struct sandbox_result r;
	char *argv[] = {(char *)"/bin/sh", (char *)"-c",
			(char *)"while :; do :; done", NULL};
	struct err e;

	(void)state;
	NEED_SANDBOX();
	opts_init(&o, argv);
	o.limits.cpu_seconds = 0.3;
	/* generous: a busy machine may give us little CPU */
	o.limits.wall_seconds = 30;
	assert_int_equal(sandbox_run(sb, &o, &r, &e), 0);
	expect_status(&r, SB_TO);
	assert_int_equal(r.timeout, SB_TIMEOUT_CPU);
	assert_true(r.cpu_seconds >= 0.3);
	sandbox_result_release(&r);
}

static void test_status_to_wall_kills_tree(void **state)
{
	struct sandbox_run_opts o;
	struct sandbox_result r;
	char *argv[] = {(char *)"/bin/sh", (char *)"-c",
			/* a grandchild in its own session keeps sleeping */
			(char *)"setsid sleep 1000 & sleep 1000", NULL};
	struct err e;

	(void)state;
	NEED_SANDBOX();
	opts_init(&o, argv);
	o.limits.wall_seconds = 0.3;
	assert_int_equal(sandbox_run(sb, &o, &r, &e), 0);
	expect_status(&r, SB_TO);
	assert_int_equal(r.timeout, SB_TIMEOUT_WALL);
	assert_true(r.killed);
	sandbox_result_release(&r);
	if (sandbox_layer_bits(sb) & SANDBOX_UID)
		for (unsigned u = UID_BASE; u < UID_BASE + 4; u++)
			assert_int_equal(processes_of(u), 0);
}

static void test_leftover_children_die_with_program(void **state)
{
	struct sandbox_result r;

	(void)state;
	NEED_SANDBOX();
	run_sh("setsid sh -c 'while :; do :; done' & exit 0", &r);
	expect_status(&r, SB_OK);
	sandbox_result_release(&r);
	if (sandbox_layer_bits(sb) & SANDBOX_UID)
		for (unsigned u = UID_BASE; u < UID_BASE + 4; u++)
			assert_int_equal(processes_of(u), 0);
}

static void test_status_ol(void **state)
{
	struct sandbox_run_opts o;
	struct sandbox_result r;
	char *argv[] = {(char *)"yes", NULL};
	struct err e;

	(void)state;
	NEED_SANDBOX();
	opts_init(&o, argv);
	o.limits.output_bytes = 100000;
	assert_int_equal(sandbox_run(sb, &o, &r, &e), 0);
	expect_status(&r, SB_OL);
	assert_true(r.out.total > 100000);
	sandbox_result_release(&r);
}

static void test_status_ml(void **state)
{
	struct sandbox_run_opts o;
	struct sandbox_result r;
	char *argv[] = {(char *)"/bin/sh", (char *)"-c",
			(char *)"x=$(head -c 200000000 /dev/zero | tr '\\0' a)",
			NULL};
	struct err e;

	(void)state;
	NEED_SANDBOX();
	if (!(sandbox_layer_bits(sb) & SANDBOX_CGROUP_MEM))
		skip();
	opts_init(&o, argv);
	o.limits.mem_bytes = 32 << 20;
	assert_int_equal(sandbox_run(sb, &o, &r, &e), 0);
	expect_status(&r, SB_ML);
	assert_true(r.oom_killed);
	assert_true(r.cg_mem_peak > 16 << 20);
	sandbox_result_release(&r);
}

static void test_status_fl(void **state)
{
	struct sandbox_run_opts o;
	struct sandbox_result r;
	char *argv[] = {(char *)"/bin/sh", (char *)"-c",
			(char *)"head -c 3000000 /dev/zero > big", NULL};
	struct err e;

	(void)state;
	NEED_SANDBOX();
	opts_init(&o, argv);
	o.limits.fsize_bytes = 1 << 20;
	assert_int_equal(sandbox_run(sb, &o, &r, &e), 0);
	/* head gets SIGXFSZ; sh reports it as its own status */
	if (r.status == SB_RE)
		assert_int_equal(r.exit_code, 128 + SIGXFSZ);
	else
		expect_status(&r, SB_FL);
	sandbox_result_release(&r);

	argv[2] = (char *)"exec head -c 3000000 /dev/zero > big";
	assert_int_equal(sandbox_run(sb, &o, &r, &e), 0);
	expect_status(&r, SB_FL);
	sandbox_result_release(&r);
}

static void test_status_xx_exec(void **state)
{
	struct sandbox_result r;
	char *argv[] = {(char *)"no-such-program-here", NULL};

	(void)state;
	NEED_SANDBOX();
	run(argv, &r);
	expect_status(&r, SB_XX);
	assert_int_equal(r.exec_errno, ENOENT);
	assert_non_null(strstr(r.message, "no-such-program-here"));
	sandbox_result_release(&r);
}

static void test_bad_box_is_an_error(void **state)
{
	struct sandbox_run_opts o;
	struct sandbox_result r;
	char *argv[] = {(char *)"true", NULL};
	struct err e;

	(void)state;
	NEED_SANDBOX();
	opts_init(&o, argv);
	o.box = "/";
	assert_int_equal(sandbox_run(sb, &o, &r, &e), -1);
	assert_non_null(strstr(e.msg, "root"));
	o.box = "/usr/lib";
	assert_int_equal(sandbox_run(sb, &o, &r, &e), -1);
	o.box = "/no/such/box";
	assert_int_equal(sandbox_run(sb, &o, &r, &e), -1);
	o.box = box;
	o.argv = NULL;
	assert_int_equal(sandbox_run(sb, &o, &r, &e), -1);
}

/* ---- plumbing --------------------------------------------------------- */

static void test_stdin_channel_merge(void **state)
{
	struct sandbox_run_opts o;
	struct sandbox_result r;
	char *argv[] = {(char *)"/bin/sh", (char *)"-c",
			(char *)"cat; echo err >&2; echo report >&5", NULL};
	struct err e;

	(void)state;
	NEED_SANDBOX();
	opts_init(&o, argv);
	o.stdin_data = "hello\n";
	o.stdin_len = 6;
	o.channel_fd = 5;
	o.merge_stderr = 1;
	assert_int_equal(sandbox_run(sb, &o, &r, &e), 0);
	expect_status(&r, SB_OK);
	assert_string_equal(buf_cstr(&r.out), "hello\nerr\n");
	assert_string_equal(buf_cstr(&r.channel), "report\n");
	sandbox_result_release(&r);

	/* A program that never reads a large stdin does not hang us. */
	o.merge_stderr = 0;
	o.channel_fd = 0;
	argv[2] = (char *)"exit 0";
	o.stdin_len = 4 << 20;
	o.stdin_data = xcalloc(1, o.stdin_len);
	assert_int_equal(sandbox_run(sb, &o, &r, &e), 0);
	expect_status(&r, SB_OK);
	free((char *)o.stdin_data);
	sandbox_result_release(&r);
}

static void test_capture_is_bounded(void **state)
{
	struct sandbox_run_opts o;
	struct sandbox_result r;
	char *argv[] = {(char *)"/bin/sh", (char *)"-c",
			(char *)"head -c 5000 /dev/zero", NULL};
	struct err e;

	(void)state;
	NEED_SANDBOX();
	opts_init(&o, argv);
	o.capture_max = 1000;
	assert_int_equal(sandbox_run(sb, &o, &r, &e), 0);
	expect_status(&r, SB_OK);
	assert_int_equal(r.out.len, 1000);
	assert_int_equal(r.out.total, 5000);
	assert_true(r.out.truncated);
	sandbox_result_release(&r);
}

static int cancel_now(void *arg)
{
	return ++*(int *)arg >= 2;
}

static void test_cancel(void **state)
{
	struct sandbox_run_opts o;
	struct sandbox_result r;
	char *argv[] = {(char *)"sleep", (char *)"1000", NULL};
	struct err e;
	int calls = 0;

	(void)state;
	NEED_SANDBOX();
	opts_init(&o, argv);
	o.cancel = cancel_now;
	o.cancel_arg = &calls;
	assert_int_equal(sandbox_run(sb, &o, &r, &e), 0);
	expect_status(&r, SB_TO);
	assert_true(r.cancelled);
	assert_string_equal(r.message, "cancelled");
	sandbox_result_release(&r);
}

struct job {
	pthread_t t;
	struct sandbox_result r;
	int rc;
};

static void *concurrent_run(void *arg)
{
	struct job *j = arg;
	struct sandbox_run_opts o;
	char *argv[] = {(char *)"/bin/sh", (char *)"-c",
			(char *)"id -u; sleep 0.2", NULL};
	struct err e;

	opts_init(&o, argv);
	j->rc = sandbox_run(sb, &o, &j->r, &e);
	return NULL;
}

static void test_concurrent_runs_get_own_uids(void **state)
{
	struct job jobs[4];

	(void)state;
	NEED_SANDBOX();
	for (int i = 0; i < 4; i++)
		assert_int_equal(
		    pthread_create(&jobs[i].t, NULL, concurrent_run, &jobs[i]),
		    0);
	for (int i = 0; i < 4; i++)
		pthread_join(jobs[i].t, NULL);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(jobs[i].rc, 0);
		expect_status(&jobs[i].r, SB_OK);
	}
	if (sandbox_layer_bits(sb) & SANDBOX_UID)
		for (int i = 0; i < 4; i++)
			for (int k = i + 1; k < 4; k++)
				assert_string_not_equal(
				    buf_cstr(&jobs[i].r.out),
				    buf_cstr(&jobs[k].r.out));
	for (int i = 0; i < 4; i++)
		sandbox_result_release(&jobs[i].r);
}

/* The box groups of this process under the pids hierarchy. */
static int box_cgroups_left(void)
{
	FILE *f = fopen("/proc/self/cgroup", "r");
	char line[512], dir[PATH_MAX] = "", prefix[64];
	DIR *d;
	struct dirent *de;
	int n = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *p = strstr(line, ":pids:");
		if (p) {
			p[strcspn(p, "\n")] = '\0';
			snprintf(dir, sizeof(dir), "/sys/fs/cgroup/pids%s%s",
				 p + 6, "/workbook");
		}
	}
	fclose(f);
	d = dir[0] ? opendir(dir) : NULL;
	if (!d)
		return 0;
	snprintf(prefix, sizeof(prefix), "box-%ld-", (long)getpid());
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, prefix, strlen(prefix)))
			n++;
	closedir(d);
	return n;
}

static void test_no_cgroups_left(void **state)
{
	struct sandbox_result r;

	(void)state;
	NEED_SANDBOX();
	run_sh("exit 3", &r);
	sandbox_result_release(&r);
	assert_int_equal(box_cgroups_left(), 0);
}

static void test_read_box_file_refuses_links(void **state)
{
	struct sandbox_result r;
	struct err e;
	size_t len;
	char *text;

	(void)state;
	NEED_SANDBOX();
	run_sh("echo 42 > answer.txt; ln -s /etc/passwd planted.txt;"
	       "mkdir d; ln -s / up; mkfifo fifo",
	       &r);
	expect_status(&r, SB_OK);
	sandbox_result_release(&r);
	text = sandbox_read_box_file(box, "answer.txt", 100, &len, &e);
	assert_non_null(text);
	assert_string_equal(text, "42\n");
	free(text);
	assert_null(sandbox_read_box_file(box, "planted.txt", 100, &len, &e));
	assert_non_null(strstr(e.msg, "symbolic link"));
	assert_null(sandbox_read_box_file(box, "up/etc/passwd", 100, &len, &e));
	assert_null(sandbox_read_box_file(box, "../x", 100, &len, &e));
	assert_null(sandbox_read_box_file(box, "/etc/passwd", 100, &len, &e));
	assert_null(sandbox_read_box_file(box, "fifo", 100, &len, &e));
	assert_null(sandbox_read_box_file(box, "d", 100, &len, &e));
	assert_null(sandbox_read_box_file(box, "answer.txt", 2, &len, &e));
}

static void test_meta_lines(void **state)
{
	struct sandbox_result r;
	struct buf b;

	(void)state;
	NEED_SANDBOX();
	run_sh("kill -KILL $$", &r);
	buf_init(&b, BUF_UNLIMITED);
	sandbox_meta_format(&r, &b);
	assert_non_null(strstr(buf_cstr(&b), "status:SG\n"));
	assert_non_null(strstr(buf_cstr(&b), "exitsig:9\n"));
	assert_non_null(strstr(buf_cstr(&b), "time:"));
	assert_non_null(strstr(buf_cstr(&b), "time-wall:"));
	assert_non_null(strstr(buf_cstr(&b), "max-rss:"));
	assert_non_null(strstr(buf_cstr(&b), "layers:"));
	assert_non_null(strstr(buf_cstr(&b), "message:killed by SIGKILL"));
	assert_null(strstr(buf_cstr(&b), "exitcode:"));
	buf_release(&b);
	sandbox_result_release(&r);
}

static int group_setup(void **state)
{
	struct sandbox_config cfg;
	struct err e;
	ssize_t n;

	(void)state;
	n = readlink("/proc/self/exe", self_exe, sizeof(self_exe) - 1);
	if (n <= 0)
		return -1;
	self_exe[n] = '\0';
	memset(&cfg, 0, sizeof(cfg));
	cfg.uid_base = UID_BASE;
	sb = sandbox_new(&cfg, &e);
	if (!sb)
		snprintf(probe_error, sizeof(probe_error), "%s", e.msg);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	sandbox_free(sb);
	return 0;
}

#define T(f) cmocka_unit_test_setup_teardown(f, box_setup, box_teardown)

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    T(test_layers_parse_and_format),
	    T(test_probe_lists_layers),
	    T(test_disabled_layer_is_missing_and_refused),
	    T(test_result_lists_layers),
	    T(test_program_runs_as_box_uid),
	    T(test_proc_shows_only_the_box),
	    T(test_no_network),
	    T(test_no_escape_calls),
	    T(test_no_caps_nnp_seccomp),
	    T(test_system_is_read_only),
	    T(test_box_files_belong_to_owner),
	    T(test_status_ok_and_re),
	    T(test_status_sg_names_signal),
	    T(test_status_to_cpu),
	    T(test_status_to_wall_kills_tree),
	    T(test_leftover_children_die_with_program),
	    T(test_status_ol),
	    T(test_status_ml),
	    T(test_status_fl),
	    T(test_status_xx_exec),
	    T(test_bad_box_is_an_error),
	    T(test_stdin_channel_merge),
	    T(test_capture_is_bounded),
	    T(test_cancel),
	    T(test_concurrent_runs_get_own_uids),
	    T(test_no_cgroups_left),
	    T(test_read_box_file_refuses_links),
	    T(test_meta_lines),
	};

	if (argc == 3 && !strcmp(argv[1], "--inside"))
		return inside_main(argv[2]);
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
