// WRAP: fork pipe2
/*
 * Tests for proc.c: running a child with captured pipes, stdin, a channel,
 * limits, timeouts, cancellation and group kills.  Small child programs are
 * compiled at test time into a temporary folder (tests that need them skip
 * when gcc is missing); the rest run /bin/sh or coreutils by argv.
 */
#define _GNU_SOURCE
#include "proc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/err.h"
#include "util/xalloc.h"

/* ---- injected failures ----------------------------------------------- */

pid_t __real_fork(void);
pid_t __wrap_fork(void);
int __real_pipe2(int fds[2], int flags);
int __wrap_pipe2(int fds[2], int flags);

static int fork_errno;	  /* nonzero: fork() fails with it */
static int pipe2_fail_at; /* nonzero: that pipe2() call (1-based) fails */
static int pipe2_calls;

pid_t __wrap_fork(void)
{
	if (fork_errno) {
		errno = fork_errno;
		return -1;
	}
	return __real_fork();
}

int __wrap_pipe2(int fds[2], int flags)
{
	if (pipe2_fail_at && ++pipe2_calls == pipe2_fail_at) {
		errno = EMFILE;
		return -1;
	}
	return __real_pipe2(fds, flags);
}

/* ---- fixtures --------------------------------------------------------- */

static char tmp[PATH_MAX]; /* mkdtemp folder for programs and files */
static int have_gcc;

static char path_env[] = "PATH=/usr/bin:/bin";
static char *const sh_env[] = {path_env, NULL};

/* Child programs, compiled once by the group setup. */
static const struct fixture {
	const char *name;
	const char *src;
} fixtures[] = {
    {"segv", "int main(void)\n"
	     "{\n"
	     "	int *volatile p = 0;\n"
	     "	*p = 1;\n"
	     "	return 0;\n"
	     "}\n"},
    /* List our open fds, leaving out the one opendir() holds. */
    {"fds", "#include <dirent.h>\n"
	    "#include <stdio.h>\n"
	    "#include <stdlib.h>\n"
	    "int main(void)\n"
	    "{\n"
	    "	DIR *d = opendir(\"/proc/self/fd\");\n"
	    "	struct dirent *e;\n"
	    "	if (!d)\n"
	    "		return 1;\n"
	    "	while ((e = readdir(d)))\n"
	    "		if (e->d_name[0] != '.' &&\n"
	    "		    strtol(e->d_name, NULL, 10) != dirfd(d))\n"
	    "			printf(\"%s\\n\", e->d_name);\n"
	    "	closedir(d);\n"
	    "	return 0;\n"
	    "}\n"},
    /* Report the group on fd 3, fork argv[1] sleepers, then spin. */
    {"storm", "#include <stdio.h>\n"
	      "#include <stdlib.h>\n"
	      "#include <unistd.h>\n"
	      "int main(int argc, char **argv)\n"
	      "{\n"
	      "	int n = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 1;\n"
	      "	char line[32];\n"
	      "	int len = snprintf(line, sizeof(line), \"%d\\n\",\n"
	      "			   (int)getpgrp());\n"
	      "	if (write(3, line, (size_t)len) != len)\n"
	      "		return 1;\n"
	      "	for (int i = 0; i < n; i++)\n"
	      "		if (fork() == 0)\n"
	      "			for (;;)\n"
	      "				pause();\n"
	      "	for (;;) {\n"
	      "	}\n"
	      "}\n"},
    /* A grandchild that leaves the group with setsid() and keeps our
     * stdout open; the parent exits once the grandchild has said its
     * pid. */
    {"escape", "#include <stdio.h>\n"
	       "#include <unistd.h>\n"
	       "int main(void)\n"
	       "{\n"
	       "	int p[2];\n"
	       "	char c;\n"
	       "	if (pipe(p))\n"
	       "		return 1;\n"
	       "	if (fork() == 0) {\n"
	       "		char line[32];\n"
	       "		int len;\n"
	       "		setsid();\n"
	       "		len = snprintf(line, sizeof(line), \"%d\\n\",\n"
	       "			       (int)getpid());\n"
	       "		if (write(1, line, (size_t)len) != len)\n"
	       "			_exit(1);\n"
	       "		if (write(p[1], \"x\", 1) != 1)\n"
	       "			_exit(1);\n"
	       "		sleep(60);\n"
	       "		_exit(0);\n"
	       "	}\n"
	       "	close(p[1]);\n"
	       "	return read(p[0], &c, 1) == 1 ? 0 : 1;\n"
	       "}\n"},
    {"alloc", "#include <stdio.h>\n"
	      "#include <stdlib.h>\n"
	      "int main(void)\n"
	      "{\n"
	      "	void *p = malloc((size_t)256 << 20);\n"
	      "	puts(p ? \"got\" : \"nomem\");\n"
	      "	free(p);\n"
	      "	return 0;\n"
	      "}\n"},
};

/* Fill v (NULL-terminated) from the arguments, up to a NULL. */
__attribute__((sentinel)) static void argv_set(char **v, const char *first, ...)
{
	va_list ap;
	int n = 0;

	va_start(ap, first);
	for (const char *a = first; a && n < 15; a = va_arg(ap, const char *))
		v[n++] = (char *)a;
	va_end(ap);
	v[n] = NULL;
}

static char *in_tmp(const char *name)
{
	return xasprintf("%s/%s", tmp, name);
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	size_t len = strlen(text);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
}

/* Run o, failing the test when proc_run() itself fails. */
static void run(const struct proc_opts *o, struct proc_result *r)
{
	struct err e;

	e.msg[0] = '\0';
	if (proc_run(o, r, &e) != 0)
		fail_msg("proc_run failed: %s", e.msg);
}

static int compile(const struct fixture *fx)
{
	char *src = xasprintf("%s/%s.c", tmp, fx->name);
	char *bin = in_tmp(fx->name);
	char *av[16];
	struct proc_opts o = {.argv = av, .env = sh_env, .timeout_ms = 60000};
	struct proc_result r;
	int ok;

	write_file(src, fx->src, 0644);
	argv_set(av, "gcc", "-O0", "-o", bin, src, NULL);
	run(&o, &r);
	ok = r.exited && r.exit_code == 0;
	if (!ok)
		fprintf(stderr, "# gcc %s: %s\n", fx->name, buf_cstr(&r.err));
	proc_result_release(&r);
	free(src);
	free(bin);
	return ok;
}

static int group_setup(void **state)
{
	char *gcc;

	(void)state;
	snprintf(tmp, sizeof(tmp), "%s/wbproc.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmp))
		return -1;
	gcc = proc_which("gcc");
	have_gcc = gcc != NULL;
	free(gcc);
	for (size_t i = 0; have_gcc && i < sizeof(fixtures) / sizeof(*fixtures);
	     i++)
		if (!compile(&fixtures[i]))
			have_gcc = 0;
	return 0;
}

static int group_teardown(void **state)
{
	char *av[8];
	struct proc_opts o = {.argv = av, .env = sh_env};
	struct proc_result r;

	(void)state;
	argv_set(av, "rm", "-rf", tmp, NULL);
	run(&o, &r);
	proc_result_release(&r);
	return 0;
}

static char *program(const char *name)
{
	if (!have_gcc)
		skip();
	return in_tmp(name);
}

/* State letter and group of a process from /proc; -1 when it is gone. */
static int proc_state(pid_t pid, char *state, pid_t *pgrp)
{
	char path[64], text[1024], *rp;
	FILE *f;
	size_t n;
	int pg, pp;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	rp = strrchr(text, ')');
	if (!rp || sscanf(rp + 1, " %c %d %d", state, &pp, &pg) != 3)
		return -1;
	*pgrp = pg;
	return 0;
}

/* A process counts as alive unless it is gone or a zombie (this test may
 * run where init never reaps orphans). */
static int alive(pid_t pid)
{
	char state;
	pid_t pg;

	if (kill(pid, 0) < 0 && errno == ESRCH)
		return 0;
	if (proc_state(pid, &state, &pg) < 0)
		return 0;
	return state != 'Z' && state != 'X';
}

static int group_alive(pid_t pgid)
{
	DIR *d;
	struct dirent *de;
	int live = 0;

	if (kill(-pgid, 0) < 0 && errno == ESRCH)
		return 0;
	d = opendir("/proc");
	assert_non_null(d);
	while ((de = readdir(d))) {
		long pid = strtol(de->d_name, NULL, 10);
		char state;
		pid_t pg;

		if (pid > 0 && proc_state((pid_t)pid, &state, &pg) == 0 &&
		    pg == pgid && state != 'Z' && state != 'X')
			live = 1;
	}
	closedir(d);
	return live;
}

static pid_t parse_pid(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	assert_true(end != s && *end == '\n' && v > 1);
	return (pid_t)v;
}

static void expect_describe(const struct proc_result *r,
			    const struct proc_opts *o, const char *want)
{
	char text[256];

	proc_describe(r, o, text, sizeof(text));
	assert_string_equal(text, want);
}

/* ---- exit status and streams ------------------------------------------ */

static void test_exit_code(void **state)
{
	char *av[8];
	struct proc_opts o = {.argv = av, .timeout_ms = 10000};
	struct proc_result r;

	(void)state;
	argv_set(av, "sh", "-c", "exit 3", NULL);
	run(&o, &r);
	assert_true(r.exited);
	assert_int_equal(r.exit_code, 3);
	assert_false(r.signaled || r.timed_out || r.cancelled || r.exec_errno);
	expect_describe(&r, &o, "exited with status 3");
	proc_result_release(&r);
}

static void test_stdout_stderr_separated(void **state)
{
	char *av[8];
	struct proc_opts o = {.argv = av, .timeout_ms = 10000};
	struct proc_result r;

	(void)state;
	argv_set(av, "sh", "-c", "echo out; echo err >&2; echo more", NULL);
	run(&o, &r);
	assert_string_equal(buf_cstr(&r.out), "out\nmore\n");
	assert_string_equal(buf_cstr(&r.err), "err\n");
	assert_int_equal(r.channel.len, 0);
	assert_int_equal(r.exit_code, 0);
	proc_result_release(&r);
}

static void test_stderr_merged(void **state)
{
	char *av[8];
	struct proc_opts o = {
	    .argv = av, .timeout_ms = 10000, .merge_stderr = 1};
	struct proc_result r;

	(void)state;
	argv_set(av, "sh", "-c", "echo out; echo err >&2; echo more", NULL);
	run(&o, &r);
	assert_string_equal(buf_cstr(&r.out), "out\nerr\nmore\n");
	assert_int_equal(r.err.len, 0);
	proc_result_release(&r);
}

static void test_stdin_delivered(void **state)
{
	char *av[8];
	struct proc_opts o = {.argv = av,
			      .timeout_ms = 10000,
			      .stdin_data = "line one\nline\0two\n",
			      .stdin_len = 18};
	struct proc_result r;

	(void)state;
	argv_set(av, "cat", NULL);
	run(&o, &r);
	assert_int_equal(r.out.len, 18);
	assert_memory_equal(r.out.data, "line one\nline\0two\n", 18);
	proc_result_release(&r);
}

static void test_stdin_null_by_default(void **state)
{
	char *av[8];
	struct proc_opts o = {.argv = av, .timeout_ms = 10000};
	struct proc_result r;

	(void)state;
	argv_set(av, "sh", "-c", "cat; readlink /proc/self/fd/0", NULL);
	o.env = sh_env;
	run(&o, &r);
	assert_string_equal(buf_cstr(&r.out), "/dev/null\n");
	proc_result_release(&r);
}

/* A child that writes as it reads: more than a pipe buffer both ways at
 * once deadlocks unless the parent writes and reads together. */
static void test_large_stdin_and_output_together(void **state)
{
	size_t len = (size_t)3 << 20;
	char *data = xmalloc(len);
	char *av[8];
	struct proc_opts o = {
	    .argv = av, .timeout_ms = 30000, .capture_max = (size_t)4 << 20};
	struct proc_result r;

	(void)state;
	for (size_t i = 0; i < len; i++)
		data[i] = (char)('a' + (i * 7 + i / 4096) % 26);
	o.stdin_data = data;
	o.stdin_len = len;
	argv_set(av, "cat", NULL);
	run(&o, &r);
	assert_false(r.timed_out);
	assert_int_equal(r.exit_code, 0);
	assert_int_equal(r.out.len, len);
	assert_false(r.out.truncated);
	assert_memory_equal(r.out.data, data, len);
	proc_result_release(&r);
	free(data);
}

/* A child that writes ten bytes per byte it reads: a parent that blocks in
 * a write to stdin while the child blocks writing stdout would hang. */
static void test_amplifying_child_no_deadlock(void **state)
{
	size_t lines = 16384, len = lines * 64;
	char *data = xmalloc(len);
	char *av[8];
	struct proc_opts o = {.argv = av, .timeout_ms = 60000};
	struct proc_result r;

	(void)state;
	for (size_t i = 0; i < len; i++)
		data[i] = i % 64 == 63 ? '\n' : (char)('a' + i % 26);
	o.stdin_data = data;
	o.stdin_len = len;
	argv_set(av, "sed", "s/./&&&&&&&&&&/g", NULL);
	run(&o, &r);
	assert_false(r.timed_out);
	assert_int_equal(r.exit_code, 0);
	assert_int_equal(r.out.total, lines * (63 * 10 + 1));
	assert_int_equal(r.out.len, BUF_CAPTURE_MAX);
	assert_true(r.out.truncated);
	assert_memory_equal(r.out.data, "aaaaaaaaaabbbbbbbbbb", 20);
	proc_result_release(&r);
	free(data);
}

static void test_capture_capped_and_counted(void **state)
{
	char *av[8];
	struct proc_opts o = {.argv = av,
			      .timeout_ms = 10000,
			      .capture_max = 1000,
			      .env = sh_env};
	struct proc_result r;

	(void)state;
	argv_set(av, "sh", "-c",
		 "head -c 10000 /dev/zero; head -c 5000 /dev/zero >&2; "
		 "echo done >&2",
		 NULL);
	run(&o, &r);
	assert_true(r.exited);
	assert_int_equal(r.exit_code, 0); /* kept draining: no SIGPIPE */
	assert_int_equal(r.out.len, 1000);
	assert_int_equal(r.out.total, 10000);
	assert_true(r.out.truncated);
	assert_int_equal(r.err.len, 1000);
	assert_int_equal(r.err.total, 5005);
	assert_true(r.err.truncated);
	proc_result_release(&r);
}

static void test_flood_killed_at_timeout_with_cap(void **state)
{
	char *av[8];
	struct proc_opts o = {
	    .argv = av, .timeout_ms = 500, .capture_max = 4096};
	struct proc_result r;

	(void)state;
	argv_set(av, "yes", NULL);
	run(&o, &r);
	assert_true(r.timed_out);
	assert_true(r.signaled);
	assert_int_equal(r.signal, SIGKILL);
	assert_false(r.exited);
	assert_int_equal(r.out.len, 4096);
	assert_true(r.out.truncated);
	assert_true(r.out.total > 4096);
	expect_describe(&r, &o, "timed out after 0.5 s (killed)");
	proc_result_release(&r);
}

static void test_infinite_loop_killed_at_timeout(void **state)
{
	char *av[8];
	struct proc_opts o = {.argv = av, .timeout_ms = 200};
	struct proc_result r;

	(void)state;
	argv_set(av, "sh", "-c", "while :; do :; done", NULL);
	run(&o, &r);
	assert_true(r.timed_out);
	assert_false(r.cancelled);
	assert_int_equal(r.signal, SIGKILL);
	assert_true(r.wall_seconds > 0);
	proc_result_release(&r);
}

static void test_sigterm_ignored_still_dies(void **state)
{
	char *av[8];
	struct proc_opts o = {.argv = av, .timeout_ms = 200};
	struct proc_result r;

	(void)state;
	argv_set(av, "sh", "-c", "trap '' TERM; while :; do :; done", NULL);
	run(&o, &r);
	assert_true(r.timed_out);
	assert_true(r.signaled);
	assert_int_equal(r.signal, SIGKILL);
	proc_result_release(&r);
}

/* ---- limits and crashes ----------------------------------------------- */

static void test_cpu_limit_gives_sigxcpu(void **state)
{
	char *av[8];
	struct proc_opts o = {
	    .argv = av, .timeout_ms = 20000, .cpu_seconds = 1};
	struct proc_result r;

	(void)state;
	argv_set(av, "sh", "-c", "while :; do :; done", NULL);
	run(&o, &r);
	assert_false(r.timed_out);
	assert_true(r.signaled);
	assert_int_equal(r.signal, SIGXCPU);
	assert_true(r.cpu_seconds > 0.5); /* rusage is wired up */
	expect_describe(&r, &o, "CPU time limit exceeded (SIGXCPU)");
	proc_result_release(&r);
}

static void test_fsize_limit_gives_sigxfsz(void **state)
{
	char *big = in_tmp("big");
	char *av[8];
	struct proc_opts o = {
	    .argv = av, .timeout_ms = 10000, .fsize_max = 4096, .env = sh_env};
	struct proc_result r;
	struct stat st;

	(void)state;
	argv_set(av, "sh", "-c", "exec head -c 100000 /dev/zero > \"$1\"", "sh",
		 big, NULL);
	run(&o, &r);
	assert_true(r.signaled);
	assert_int_equal(r.signal, SIGXFSZ);
	expect_describe(&r, &o, "file size limit exceeded (SIGXFSZ)");
	assert_int_equal(stat(big, &st), 0);
	assert_true(st.st_size <= 4096);
	proc_result_release(&r);
	free(big);
}

static void test_limits_applied(void **state)
{
	char *av[8];
	struct proc_opts o = {.argv = av,
			      .timeout_ms = 10000,
			      .cpu_seconds = 7,
			      .nofile_max = 64,
			      .fsize_max = 51200};
	struct proc_result r;
	const char *preload = getenv("LD_PRELOAD");
	const char *want = "64\n0\n7\n8\n100\n";

	(void)state;
	/* valgrind keeps the fd limit to itself: the exec'd program never
	 * sees it. */
	if (preload && strstr(preload, "vgpreload"))
		want = NULL;
	argv_set(av, "sh", "-c",
		 "ulimit -n; ulimit -c; ulimit -t; ulimit -H -t; ulimit -f",
		 NULL);
	run(&o, &r);
	if (want)
		assert_string_equal(buf_cstr(&r.out), want);
	else
		assert_non_null(strstr(buf_cstr(&r.out), "\n0\n7\n8\n100\n"));
	proc_result_release(&r);
}

static void test_address_space_limit(void **state)
{
	char *prog = program("alloc");
	char *av[8];
	struct proc_opts o = {.argv = av, .timeout_ms = 10000};
	struct proc_result r;

	(void)state;
	argv_set(av, prog, NULL);
	run(&o, &r);
	assert_string_equal(buf_cstr(&r.out), "got\n");
	proc_result_release(&r);
	o.as_max = (long long)64 << 20;
	run(&o, &r);
	assert_string_equal(buf_cstr(&r.out), "nomem\n");
	proc_result_release(&r);
	free(prog);
}

static void test_segfault_named(void **state)
{
	char *prog = program("segv");
	char *av[8];
	struct proc_opts o = {.argv = av, .timeout_ms = 10000};
	struct proc_result r;

	(void)state;
	argv_set(av, prog, NULL);
	run(&o, &r);
	assert_true(r.signaled);
	assert_int_equal(r.signal, SIGSEGV);
	expect_describe(&r, &o, "killed by SIGSEGV (segmentation fault)");
	proc_result_release(&r);
	free(prog);
}

/* ---- exec failures ---------------------------------------------------- */

static void test_exec_failure_enoent(void **state)
{
	char *av[8];
	struct proc_opts o = {.argv = av, .timeout_ms = 10000};
	struct proc_result r;

	(void)state;
	argv_set(av, "/nonexistent/prog", NULL);
	run(&o, &r);
	assert_int_equal(r.exec_errno, ENOENT);
	assert_true(r.exited);
	assert_int_equal(r.exit_code, 127);
	expect_describe(
	    &r, &o,
	    "could not run '/nonexistent/prog': No such file or directory");
	proc_result_release(&r);

	argv_set(av, "no-such-program-for-wb-tests", NULL);
	run(&o, &r);
	assert_int_equal(r.exec_errno, ENOENT);
	assert_int_equal(r.exit_code, 127);
	proc_result_release(&r);
}

static void test_exec_failure_not_executable(void **state)
{
	char *file = in_tmp("plain.txt");
	char *av[8];
	struct proc_opts o = {.argv = av, .timeout_ms = 10000};
	struct proc_result r;

	(void)state;
	write_file(file, "not a program\n", 0644);
	argv_set(av, file, NULL);
	run(&o, &r);
	assert_int_equal(r.exec_errno, EACCES);
	assert_int_equal(r.exit_code, 127);
	proc_result_release(&r);
	free(file);
}

static void test_bad_cwd_is_an_error(void **state)
{
	char *av[8];
	struct proc_opts o = {
	    .argv = av, .timeout_ms = 10000, .cwd = "/nonexistent/folder"};
	struct proc_result r;
	struct err e;

	(void)state;
	e.msg[0] = '\0';
	argv_set(av, "true", NULL);
	assert_int_equal(proc_run(&o, &r, &e), -1);
	assert_non_null(strstr(e.msg, "/nonexistent/folder"));
	assert_non_null(strstr(e.msg, "No such file"));
	assert_int_equal(r.out.len, 0);
	proc_result_release(&r);
}

static void test_runs_in_cwd(void **state)
{
	char *av[8];
	struct proc_opts o = {.argv = av, .timeout_ms = 10000, .cwd = tmp};
	struct proc_result r;
	char *want;

	(void)state;
	argv_set(av, "sh", "-c", "pwd", NULL);
	run(&o, &r);
	want = xasprintf("%s\n", tmp);
	assert_string_equal(buf_cstr(&r.out), want);
	free(want);
	proc_result_release(&r);
}

/* ---- what the child inherits ------------------------------------------ */

static void test_only_std_fds_inherited(void **state)
{
	char *prog = program("fds");
	char *av[8];
	struct proc_opts o = {.argv = av, .timeout_ms = 10000};
	struct proc_result r;
	int leak1 = open("/dev/null", O_RDONLY); /* no O_CLOEXEC, on purpose */
	int leak2 = dup2(leak1, 100);
	int leak3 = dup2(leak1, 7);

	(void)state;
	assert_true(leak1 >= 0 && leak2 == 100 && leak3 == 7);
	argv_set(av, prog, NULL);
	run(&o, &r);
	assert_string_equal(buf_cstr(&r.out), "0\n1\n2\n");
	proc_result_release(&r);

	o.channel_fd = 7; /* also taken in the parent */
	run(&o, &r);
	assert_string_equal(buf_cstr(&r.out), "0\n1\n2\n7\n");
	proc_result_release(&r);
	close(leak1);
	close(leak2);
	close(leak3);
	free(prog);
}

static void test_environment_exact(void **state)
{
	char a[] = "A=1", b[] = "B=two words";
	char *const env[] = {a, b, NULL};
	char *av[8];
	struct proc_opts o = {.argv = av, .timeout_ms = 10000, .env = env};
	struct proc_result r;

	(void)state;
	argv_set(av, "env", NULL);
	run(&o, &r);
	assert_string_equal(buf_cstr(&r.out), "A=1\nB=two words\n");
	proc_result_release(&r);

	o.env = NULL;
	run(&o, &r);
	assert_true(r.exited);
	assert_int_equal(r.exit_code, 0);
	assert_string_equal(buf_cstr(&r.out), "");
	proc_result_release(&r);
}

static unsigned long long status_mask(const char *status, const char *key)
{
	const char *p = strstr(status, key);

	assert_non_null(p);
	return strtoull(p + strlen(key), NULL, 16);
}

static void test_signal_state_clean(void **state)
{
	char *av[8];
	struct proc_opts o = {.argv = av, .timeout_ms = 10000};
	struct proc_result r;
	struct sigaction ign, old_int;
	sigset_t usr1, old_mask;

	(void)state;
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigaction(SIGINT, &ign, &old_int);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &usr1, &old_mask);

	argv_set(av, "cat", "/proc/self/status", NULL);
	run(&o, &r);

	pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
	sigaction(SIGINT, &old_int, NULL);
	assert_int_equal(status_mask(buf_cstr(&r.out), "SigBlk:"), 0);
	assert_int_equal(status_mask(buf_cstr(&r.out), "SigIgn:"), 0);
	proc_result_release(&r);
}

static void test_sigpipe_writing_stdin_is_harmless(void **state)
{
	size_t len = (size_t)1 << 20;
	char *data = xcalloc(len, 1);
	char *av[8];
	struct proc_opts o = {.argv = av, .timeout_ms = 10000};
	struct proc_result r;
	sigset_t pending, mask;

	(void)state;
	o.stdin_data = data;
	o.stdin_len = len;
	argv_set(av, "head", "-c", "1", NULL); /* reads a little, exits */
	run(&o, &r); /* a SIGPIPE escaping here ends the test program */
	assert_true(r.exited);
	assert_int_equal(r.exit_code, 0);
	assert_int_equal(r.out.len, 1);
	sigpending(&pending);
	assert_false(sigismember(&pending, SIGPIPE));
	pthread_sigmask(SIG_SETMASK, NULL, &mask);
	assert_false(sigismember(&mask, SIGPIPE));
	proc_result_release(&r);
	free(data);
}

static void test_channel_data_arrives(void **state)
{
	char *av[8];
	struct proc_opts o = {.argv = av, .timeout_ms = 10000, .channel_fd = 5};
	struct proc_result r;

	(void)state;
	argv_set(av, "sh", "-c", "echo to-channel >&5; echo to-out", NULL);
	run(&o, &r);
	assert_string_equal(buf_cstr(&r.channel), "to-channel\n");
	assert_string_equal(buf_cstr(&r.out), "to-out\n");
	proc_result_release(&r);

	o.channel_fd = 3;
	argv_set(av, "sh", "-c", "printf abc >&3", NULL);
	run(&o, &r);
	assert_string_equal(buf_cstr(&r.channel), "abc");
	proc_result_release(&r);
}

/* ---- groups ----------------------------------------------------------- */

struct cancel_probe {
	const char *file;
	pid_t pgid;
	int calls;
};

/* Cancel once the child has written its group id to the file. */
static int cancel_when_ready(void *arg)
{
	struct cancel_probe *p = arg;
	char text[32];
	FILE *f = fopen(p->file, "re");
	size_t n;

	p->calls++;
	if (!f)
		return 0;
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	if (!strchr(text, '\n'))
		return 0;
	p->pgid = parse_pid(text);
	return 1;
}

static void test_cancel_kills_group(void **state)
{
	char *file = in_tmp("pgid");
	char *av[8];
	struct cancel_probe probe = {file, 0, 0};
	struct proc_opts o = {.argv = av,
			      .timeout_ms = 20000,
			      .env = sh_env,
			      .cancel = cancel_when_ready,
			      .cancel_arg = &probe};
	struct proc_result r;

	(void)state;
	argv_set(av, "sh", "-c", "sleep 30 & echo $$ > \"$1\"; wait", "sh",
		 file, NULL);
	run(&o, &r);
	assert_true(r.cancelled);
	assert_false(r.timed_out);
	assert_true(r.signaled);
	assert_int_equal(r.signal, SIGKILL);
	assert_true(probe.pgid > 1);
	assert_false(group_alive(probe.pgid));
	expect_describe(&r, &o, "cancelled");
	proc_result_release(&r);
	free(file);
}

static void test_fork_storm_ends_at_timeout(void **state)
{
	char *prog = program("storm");
	char *av[8];
	struct proc_opts o = {.argv = av, .timeout_ms = 500, .channel_fd = 3};
	struct proc_result r;
	pid_t pgid;

	(void)state;
	argv_set(av, prog, "200", NULL);
	run(&o, &r);
	assert_true(r.timed_out);
	pgid = parse_pid(buf_cstr(&r.channel));
	assert_false(group_alive(pgid));
	proc_result_release(&r);
	free(prog);
}

static void test_background_child_in_group_killed(void **state)
{
	char *av[8];
	struct proc_opts o = {.argv = av, .timeout_ms = 20000, .env = sh_env};
	struct proc_result r;
	pid_t bg;

	(void)state;
	argv_set(av, "sh", "-c", "sleep 30 & echo $!", NULL);
	run(&o, &r);
	assert_false(r.timed_out);
	assert_true(r.exited);
	assert_int_equal(r.exit_code, 0);
	bg = parse_pid(buf_cstr(&r.out));
	assert_false(alive(bg));
	proc_result_release(&r);
}

/* The grandchild left the group, so it survives; what matters is that
 * proc_run() returned while it still held stdout open. */
static void test_escaped_grandchild_does_not_hang(void **state)
{
	char *prog = program("escape");
	char *av[8];
	struct proc_opts o = {.argv = av, .timeout_ms = 20000};
	struct proc_result r;
	pid_t gc;

	(void)state;
	argv_set(av, prog, NULL);
	run(&o, &r);
	assert_false(r.timed_out);
	assert_int_equal(r.exit_code, 0);
	gc = parse_pid(buf_cstr(&r.out));
	assert_true(alive(gc));
	kill(gc, SIGKILL);
	proc_result_release(&r);
	free(prog);
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

/* Every way a run can end gives back every fd it opened. */
static void test_no_fd_left_open_in_parent(void **state)
{
	char *av[8];
	struct proc_opts o = {.argv = av, .timeout_ms = 200, .channel_fd = 4};
	struct proc_result r;
	struct err e;
	int before = count_fds();

	(void)state;
	argv_set(av, "sh", "-c", "echo hi; echo there >&2", NULL);
	run(&o, &r);
	proc_result_release(&r);
	argv_set(av, "sh", "-c", "while :; do :; done", NULL);
	run(&o, &r);
	assert_true(r.timed_out);
	proc_result_release(&r);
	argv_set(av, "/nonexistent/prog", NULL);
	run(&o, &r);
	proc_result_release(&r);
	o.cwd = "/nonexistent/folder";
	assert_int_equal(proc_run(&o, &r, &e), -1);
	proc_result_release(&r);
	assert_int_equal(count_fds(), before);
}

static void test_fork_failure_is_an_error(void **state)
{
	char *av[8];
	struct proc_opts o = {
	    .argv = av, .timeout_ms = 1000, .stdin_data = "x", .stdin_len = 1};
	struct proc_result r;
	struct err e;
	int before = count_fds();
	sigset_t mask;

	(void)state;
	argv_set(av, "sh", "-c", "exit 0", NULL);
	fork_errno = EAGAIN;
	assert_int_equal(proc_run(&o, &r, &e), -1);
	fork_errno = 0;
	assert_string_equal(
	    e.msg, "cannot start 'sh': Resource temporarily unavailable");
	assert_int_equal(r.out.len, 0);
	proc_result_release(&r);
	assert_int_equal(count_fds(), before);
	pthread_sigmask(SIG_SETMASK, NULL, &mask);
	assert_false(sigismember(&mask, SIGPIPE));
	assert_false(sigismember(&mask, SIGCHLD));
}

static void test_pipe_failure_is_an_error(void **state)
{
	char *av[8];
	struct proc_opts o = {.argv = av,
			      .timeout_ms = 1000,
			      .channel_fd = 3,
			      .stdin_data = "x",
			      .stdin_len = 1};
	struct proc_result r;
	struct err e;
	int before = count_fds();

	(void)state;
	argv_set(av, "sh", "-c", "exit 0", NULL);
	for (int at = 1; at <= 5; at++) { /* stdin out err channel report */
		pipe2_calls = 0;
		pipe2_fail_at = at;
		assert_int_equal(proc_run(&o, &r, &e), -1);
		pipe2_fail_at = 0;
		assert_non_null(strstr(e.msg, "Too many open files"));
		proc_result_release(&r);
		assert_int_equal(count_fds(), before);
	}
	run(&o, &r); /* and all is well again */
	assert_int_equal(r.exit_code, 0);
	proc_result_release(&r);
}

/* ---- threads ---------------------------------------------------------- */

struct job {
	int id;
	int ok;
};

static void *run_job(void *arg)
{
	struct job *j = arg;
	char id[16], want[24];
	char *av[8];
	struct proc_opts o = {
	    .argv = av, .timeout_ms = 20000, .stdin_data = id};
	struct err e;

	snprintf(id, sizeof(id), "%d", j->id);
	snprintf(want, sizeof(want), "%d-%d\n", j->id, j->id);
	o.stdin_len = strlen(id);
	argv_set(av, "sh", "-c", "read x; echo \"$x-$1\"", "sh", id, NULL);
	j->ok = 1;
	for (int i = 0; i < 10; i++) {
		struct proc_result r;

		if (proc_run(&o, &r, &e) != 0 ||
		    strcmp(buf_cstr(&r.out), want) != 0 || r.exit_code != 0)
			j->ok = 0;
		proc_result_release(&r);
	}
	return NULL;
}

static void test_parallel_runs_from_threads(void **state)
{
	pthread_t t[4];
	struct job jobs[4];

	(void)state;
	for (int i = 0; i < 4; i++) {
		jobs[i] = (struct job){i + 1, 0};
		assert_int_equal(pthread_create(&t[i], NULL, run_job, &jobs[i]),
				 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_true(jobs[i].ok);
	}
}

/* ---- words ------------------------------------------------------------ */

static void test_signal_names(void **state)
{
	static const struct {
		int sig;
		const char *name;
	} names[] = {
	    {SIGSEGV, "SIGSEGV"}, {SIGABRT, "SIGABRT"}, {SIGFPE, "SIGFPE"},
	    {SIGBUS, "SIGBUS"},	  {SIGILL, "SIGILL"},	{SIGKILL, "SIGKILL"},
	    {SIGXCPU, "SIGXCPU"}, {SIGXFSZ, "SIGXFSZ"}, {SIGTERM, "SIGTERM"},
	    {SIGPIPE, "SIGPIPE"}, {SIGSYS, "SIGSYS"},	{SIGINT, "SIGINT"},
	};

	(void)state;
	assert_string_equal(proc_signal_describe(SIGSEGV),
			    "killed by SIGSEGV (segmentation fault)");
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
		const char *d = proc_signal_describe(names[i].sig);
		size_t n = strlen(names[i].name);

		assert_true(strncmp(d, "killed by ", 10) == 0);
		assert_true(strncmp(d + 10, names[i].name, n) == 0);
		assert_true(d[10 + n] == ' ' && d[11 + n] == '(');
	}
	assert_non_null(proc_signal_describe(0));
	assert_non_null(proc_signal_describe(SIGRTMIN + 1));
	assert_non_null(proc_signal_describe(1000));
}

static void test_describe_outcomes(void **state)
{
	char *av[] = {(char *)"x", NULL};
	struct proc_opts o = {.argv = av, .timeout_ms = 2000};
	struct proc_result r;
	char small[8];

	(void)state;
	memset(&r, 0, sizeof(r));
	r.timed_out = 1;
	r.signaled = 1;
	r.signal = SIGKILL;
	expect_describe(&r, &o, "timed out after 2.0 s (killed)");
	r.cancelled = 1;
	expect_describe(&r, &o, "cancelled");

	memset(&r, 0, sizeof(r));
	r.exited = 1;
	r.exit_code = 127;
	r.exec_errno = ENOENT;
	expect_describe(&r, &o, "could not run 'x': No such file or directory");

	memset(&r, 0, sizeof(r));
	r.signaled = 1;
	r.signal = SIGABRT;
	expect_describe(&r, &o, "killed by SIGABRT (aborted)");
	r.signal = SIGRTMIN + 2;
	expect_describe(&r, &o, "killed by SIGRTMIN+2 (real-time signal)");

	memset(&r, 0, sizeof(r));
	r.exited = 1;
	r.exit_code = 3;
	proc_describe(&r, &o, small, sizeof(small));
	assert_string_equal(small, "exited "); /* truncated, terminated */
}

static void test_which(void **state)
{
	char *sh = proc_which("sh");
	char *abs = proc_which("/bin/sh");

	(void)state;
	assert_non_null(sh);
	assert_true(sh[0] == '/');
	assert_non_null(strstr(sh, "/sh"));
	assert_int_equal(access(sh, X_OK), 0);
	assert_string_equal(abs, "/bin/sh");
	assert_null(proc_which("no-such-program-for-wb-tests"));
	assert_null(proc_which(""));
	free(sh);
	free(abs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_exit_code),
	    cmocka_unit_test(test_stdout_stderr_separated),
	    cmocka_unit_test(test_stderr_merged),
	    cmocka_unit_test(test_stdin_delivered),
	    cmocka_unit_test(test_stdin_null_by_default),
	    cmocka_unit_test(test_large_stdin_and_output_together),
	    cmocka_unit_test(test_amplifying_child_no_deadlock),
	    cmocka_unit_test(test_capture_capped_and_counted),
	    cmocka_unit_test(test_flood_killed_at_timeout_with_cap),
	    cmocka_unit_test(test_infinite_loop_killed_at_timeout),
	    cmocka_unit_test(test_sigterm_ignored_still_dies),
	    cmocka_unit_test(test_cpu_limit_gives_sigxcpu),
	    cmocka_unit_test(test_fsize_limit_gives_sigxfsz),
	    cmocka_unit_test(test_limits_applied),
	    cmocka_unit_test(test_address_space_limit),
	    cmocka_unit_test(test_segfault_named),
	    cmocka_unit_test(test_exec_failure_enoent),
	    cmocka_unit_test(test_exec_failure_not_executable),
	    cmocka_unit_test(test_bad_cwd_is_an_error),
	    cmocka_unit_test(test_runs_in_cwd),
	    cmocka_unit_test(test_only_std_fds_inherited),
	    cmocka_unit_test(test_environment_exact),
	    cmocka_unit_test(test_signal_state_clean),
	    cmocka_unit_test(test_sigpipe_writing_stdin_is_harmless),
	    cmocka_unit_test(test_channel_data_arrives),
	    cmocka_unit_test(test_cancel_kills_group),
	    cmocka_unit_test(test_fork_storm_ends_at_timeout),
	    cmocka_unit_test(test_background_child_in_group_killed),
	    cmocka_unit_test(test_escaped_grandchild_does_not_hang),
	    cmocka_unit_test(test_no_fd_left_open_in_parent),
	    cmocka_unit_test(test_fork_failure_is_an_error),
	    cmocka_unit_test(test_pipe_failure_is_an_error),
	    cmocka_unit_test(test_parallel_runs_from_threads),
	    cmocka_unit_test(test_signal_names),
	    cmocka_unit_test(test_describe_outcomes),
	    cmocka_unit_test(test_which),
	};

	/* A deadlock in proc_run() cannot be timed out from inside: end the
	 * whole program instead of hanging the suite. */
	alarm(300);
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
