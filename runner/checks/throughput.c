/*
 * throughput { args = { "timeout", "{data}" },
 *              reference = { "grep", "-F", "timeout", "{data}" },
 *              package = "grep", min = 0.5 }
 *
 * The learner's tool against a reference tool on the same generated data:
 * both must print the same bytes and end with the same status, and the
 * learner's speed (bytes per second, best of N interleaved runs) divided
 * by the reference's must reach `min`.
 *
 * The data is made at check time from a fixed seed, so every run and every
 * machine sees the same bytes: `mb` decimal megabytes (quick mode:
 * `quick_mb`) of log lines in plain ASCII, written into the check's build
 * folder and removed afterwards.  "{data}" in args and reference stands
 * for its path.  See docs/checks/throughput.md for the line format and how
 * often each word occurs.
 *
 * The learner's file is built with -O2 for this check: speed is compared
 * with a release build of the reference.  The first run of each is
 * untimed and checks the output; a program far too slow is stopped there,
 * after a time derived from the reference's, so a learner never waits for
 * a hopeless run.  The timed runs are then done by a small timer program
 * (the same as startup's) that runs through check_exec() and forks the two
 * tools itself, interleaved, reading the clock around each run: in a
 * grading run the timer is in the sandbox with them, and what a sandbox
 * costs to set up never enters a figure.  Best of N; a ratio below `min`
 * is measured again before it is reported.
 */
#define _GNU_SOURCE
#include "check.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/path.h"
#include "util/xalloc.h"

static const struct check_field fields[] = {
    {"args", PARAM_LIST, 1,
     "arguments for the learner's program; \"{data}\" is the data file"},
    {"reference", PARAM_LIST, 1,
     "the reference command and its arguments, e.g. { \"grep\", \"-F\", "
     "\"x\", \"{data}\" }"},
    {"package", PARAM_STR, 0,
     "the Debian package of the reference (default: its name)"},
    {"min", PARAM_NUM, 1,
     "the learner's speed over the reference's must reach this"},
    {"mb", PARAM_INT, 0, "megabytes of data (default 32)"},
    {"quick_mb", PARAM_INT, 0, "megabytes in quick mode (default 4)"},
    {"seed", PARAM_INT, 0, "the generator's seed (default 1)"},
    {"exit", PARAM_INT, 0, "the exit status both must end with (default 0)"},
    {"runs", PARAM_INT, 0, "interleaved rounds per measurement (default 5)"},
    {NULL, 0, 0, NULL},
};

#define DEFAULT_MB     32
#define QUICK_MB       4
#define MAX_MB	       256
#define DEFAULT_RUNS   5
#define MAX_RUNS       30
#define REMEASURES     2
#define MAX_SAMPLES    (MAX_RUNS * (REMEASURES + 1))
#define REF_TIMEOUT_MS 60000
#define CAPTURE	       ((size_t)8 << 20) /* outputs compared in full up to this */
/* The learner's run is stopped after GRACE_MS plus this many times the
 * time the reference needed at the threshold's speed. */
#define SLOW_FACTOR 8
/* A ratio below min / HOPELESS after two measurements is not noise. */
#define HOPELESS 4
#define GRACE_MS 1000

static pthread_mutex_t measuring = PTHREAD_MUTEX_INITIALIZER;

/* --- the data ------------------------------------------------------------ */

static uint64_t next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned below(uint64_t *s, unsigned n)
{
	return (unsigned)(next(s) % n);
}

/*
 * One log line, e.g.
 *   2024-05-17 08:14:03 INFO  api-3 GET /v1/items/48213 200 12ms\tuser=u1837
 * with, now and then, a message after the user.
 */
static int log_line(uint64_t *s, char *out, size_t n)
{
	static const char *const svc[] = {"api",    "auth",   "billing",
					  "search", "upload", "mailer"};
	static const char *const meth[] = {"GET",  "GET", "GET",
					   "POST", "PUT", "DELETE"};
	static const char *const res[] = {"/v1/items",	"/v1/users",
					  "/v1/orders", "/v1/search",
					  "/v1/cart",	"/health"};
	static const unsigned status[] = {200, 200, 200, 200, 201,
					  204, 304, 404, 500};
	unsigned lv = below(s, 100), m = below(s, 1000);
	const char *level = lv < 88   ? "INFO"
			    : lv < 96 ? "WARN"
			    : lv < 99 ? "ERROR"
				      : "DEBUG";
	const char *msg = m < 5	   ? " upstream timeout after 30s"
			  : m == 5 ? " Upstream Timeout in cache"
			  : m < 9  ? " retrying request"
				   : "";

	return snprintf(out, n,
			"2024-05-%02u %02u:%02u:%02u %-5s %s-%u %s %s/%u %u "
			"%ums\tuser=u%04u%s\n",
			1 + below(s, 28), below(s, 24), below(s, 60),
			below(s, 60), level, svc[below(s, 6)], 1 + below(s, 9),
			meth[below(s, 6)], res[below(s, 6)], below(s, 100000),
			status[below(s, 9)], 1 + below(s, 900), below(s, 10000),
			msg);
}

/* Write the data file: whole lines until `bytes` are reached. */
static int make_data(const char *path, long long bytes, uint64_t seed,
		     long long *written, struct err *e)
{
	FILE *f = fopen(path, "w");
	char line[256];
	uint64_t s = seed;
	long long total = 0;

	if (!f)
		return err_errno(e, "cannot create '%s'", path);
	setvbuf(f, NULL, _IOFBF, 1 << 16);
	while (total < bytes) {
		int n = log_line(&s, line, sizeof(line));
		if (n <= 0 || (size_t)n >= sizeof(line) ||
		    fwrite(line, 1, (size_t)n, f) != (size_t)n)
			break;
		total += n;
	}
	if (ferror(f) | fclose(f) || total < bytes) {
		unlink(path);
		return err_errno(e, "cannot write the test data '%s'", path);
	}
	*written = total;
	return 0;
}

/* --- the timer (the same program as in startup.c)  ------------------- */

static const char timer_src[] =
    "/* The workbook timer: runs commands in interleaved rounds and prints "
    "how\n"
    " * long each run took, measured here, next to the program, so that what "
    "it\n"
    " * costs to start a sandbox is never part of a figure.\n"
    " *\n"
    " *   timer ROUNDS WARM LIMIT_S OUT NCMD  IN WANT ARGC ARG... (NCMD "
    "times)\n"
    " *\n"
    " * IN is a file for stdin (\"-\": /dev/null); stdout and stderr of every "
    "run\n"
    " * go to the file OUT.  WARM untimed rounds come first.  Prints\n"
    " * \"t I WALL CPU\" (seconds) for each timed run of command I; when a run "
    "does\n"
    " * not exit with WANT, it prints \"f I exit N\" or \"f I signal N\" and "
    "stops\n"
    " * with status 3. */\n"
    "#define _GNU_SOURCE\n"
    "#include <errno.h>\n"
    "#include <fcntl.h>\n"
    "#include <stdio.h>\n"
    "#include <stdlib.h>\n"
    "#include <sys/prctl.h>\n"
    "#include <sys/resource.h>\n"
    "#include <sys/wait.h>\n"
    "#include <time.h>\n"
    "#include <unistd.h>\n"
    "\n"
    "#define MAXCMD 8\n"
    "\n"
    "struct cmd {\n"
    "\tint in, want;\n"
    "\tchar **argv;\n"
    "};\n"
    "\n"
    "static double now(void)\n"
    "{\n"
    "\tstruct timespec t;\n"
    "\n"
    "\tclock_gettime(CLOCK_MONOTONIC, &t);\n"
    "\treturn (double)t.tv_sec + (double)t.tv_nsec / 1e9;\n"
    "}\n"
    "\n"
    "static long num(const char *s)\n"
    "{\n"
    "\treturn strtol(s, NULL, 10);\n"
    "}\n"
    "\n"
    "/* One run; its wait status, or -1. */\n"
    "static int once(const struct cmd *c, int out, long limit, double *secs,\n"
    "\t\tdouble *cpu)\n"
    "{\n"
    "\tstruct rusage ru;\n"
    "\tdouble t0;\n"
    "\tpid_t pid;\n"
    "\tint st;\n"
    "\n"
    "\tif (lseek(c->in, 0, SEEK_SET) < 0 && errno != ESPIPE)\n"
    "\t\treturn -1;\n"
    "\tif (ftruncate(out, 0) < 0 || lseek(out, 0, SEEK_SET) < 0)\n"
    "\t\treturn -1;\n"
    "\tt0 = now();\n"
    "\tpid = fork();\n"
    "\tif (pid < 0)\n"
    "\t\treturn -1;\n"
    "\tif (pid == 0) {\n"
    "\t\tif (dup2(c->in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)\n"
    "\t\t\t_exit(126);\n"
    "\t\talarm((unsigned)limit); /* survives exec: a hung run dies */\n"
    "\t\texecv(c->argv[0], c->argv);\n"
    "\t\t_exit(127);\n"
    "\t}\n"
    "\twhile (wait4(pid, &st, 0, &ru) < 0)\n"
    "\t\tif (errno != EINTR)\n"
    "\t\t\treturn -1;\n"
    "\t*secs = now() - t0;\n"
    "\t*cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +\n"
    "\t       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;\n"
    "\treturn st;\n"
    "}\n"
    "\n"
    "int main(int argc, char **argv)\n"
    "{\n"
    "\tstruct cmd c[MAXCMD];\n"
    "\tlong rounds, warm, limit, n, r;\n"
    "\tint out, k = 6;\n"
    "\n"
    "\tif (argc < 6)\n"
    "\t\treturn 2;\n"
    "\trounds = num(argv[1]);\n"
    "\twarm = num(argv[2]);\n"
    "\tlimit = num(argv[3]);\n"
    "\tn = num(argv[5]);\n"
    "\t/* What we run cannot reach our stdout through /proc. */\n"
    "\tprctl(PR_SET_DUMPABLE, 0, 0, 0, 0);\n"
    "\tout = open(argv[4], O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);\n"
    "\tif (out < 0 || n < 1 || n > MAXCMD || limit < 1)\n"
    "\t\treturn 2;\n"
    "\tfor (long i = 0; i < n; i++) {\n"
    "\t\tif (k + 3 > argc)\n"
    "\t\t\treturn 2;\n"
    "\t\tconst char *in = argv[k];\n"
    "\t\tlong m = num(argv[k + 2]);\n"
    "\t\tc[i].in = open(in[0] == '-' && !in[1] ? \"/dev/null\" : in,\n"
    "\t\t\t       O_RDONLY | O_CLOEXEC);\n"
    "\t\tc[i].want = (int)num(argv[k + 1]);\n"
    "\t\tif (c[i].in < 0 || m < 1 || m > argc - k - 3)\n"
    "\t\t\treturn 2;\n"
    "\t\tc[i].argv = calloc((size_t)m + 1, sizeof(char *));\n"
    "\t\tif (!c[i].argv)\n"
    "\t\t\treturn 2;\n"
    "\t\tfor (long j = 0; j < m; j++)\n"
    "\t\t\tc[i].argv[j] = argv[k + 3 + j];\n"
    "\t\tk += 3 + (int)m;\n"
    "\t}\n"
    "\tfor (r = -warm; r < rounds; r++) {\n"
    "\t\tfor (long i = 0; i < n; i++) {\n"
    "\t\t\tdouble secs = 0, cpu = 0;\n"
    "\t\t\tint st = once(&c[i], out, limit, &secs, &cpu);\n"
    "\t\t\tif (st < 0)\n"
    "\t\t\t\treturn 2;\n"
    "\t\t\tif (WIFSIGNALED(st)) {\n"
    "\t\t\t\tprintf(\"f %ld signal %d\\n\", i, WTERMSIG(st));\n"
    "\t\t\t\treturn 3;\n"
    "\t\t\t}\n"
    "\t\t\tif (!WIFEXITED(st) || WEXITSTATUS(st) != c[i].want) {\n"
    "\t\t\t\tprintf(\"f %ld exit %d\\n\", i, WEXITSTATUS(st));\n"
    "\t\t\t\treturn 3;\n"
    "\t\t\t}\n"
    "\t\t\tif (r >= 0)\n"
    "\t\t\t\tprintf(\"t %ld %.9f %.9f\\n\", i, secs, cpu);\n"
    "\t\t}\n"
    "\t}\n"
    "\treturn fflush(stdout) ? 2 : 0;\n"
    "}\n";

/* The timer, built once into the cache. */
static char *timer_program(struct check_ctx *ctx, struct err *e)
{
	unsigned long long h =
	    build_hash(BUILD_HASH_INIT, timer_src, sizeof(timer_src) - 1);
	char *src = xasprintf("%s/timer-%016llx.c", ctx->build->cache_dir, h);
	char *obj = NULL, *exe = NULL;
	struct build_result r;

	if (!path_exists(src) &&
	    (path_mkdirs(ctx->build->cache_dir, e) < 0 ||
	     path_write_file(src, timer_src, sizeof(timer_src) - 1, 0644, e) <
		 0))
		goto out;
	const char *srcs[] = {src, NULL};
	struct build_job cj = {.sources = srcs, .opt = "-O1"};
	e->msg[0] = '\0';
	obj = build_cached_object(ctx->build, &cj, &r, e);
	build_result_release(&r);
	if (!obj) {
		if (!e->msg[0])
			err_set(e,
				"the timer does not compile (a workbook bug)");
		goto out;
	}
	const char *objs[] = {obj, NULL};
	struct build_job lj = {.sources = objs, .link = 1, .opt = "-O1"};
	exe = build_cached_object(ctx->build, &lj, &r, e);
	build_result_release(&r);
	if (!exe && !e->msg[0])
		err_set(e, "the timer does not link (a workbook bug)");
out:
	free(src);
	free(obj);
	return exe;
}

/* One command the timer runs, and what it measured. */
struct series {
	const char *label;
	char **argv;		 /* NULL-terminated */
	const char *in;		 /* a file for stdin, or "-" */
	int want;		 /* the exit status of a good run */
	double s[MAX_SAMPLES];	 /* wall-clock seconds per run */
	double cpu[MAX_SAMPLES]; /* user + system seconds per run */
	size_t n;
};

/* Append argv for one command: IN WANT ARGC ARG... */
static void add_cmd(char ***v, size_t *k, size_t *cap, const struct series *c,
		    char *want, char *argc_buf)
{
	size_t m = 0;

	while (c->argv[m])
		m++;
	*v = xgrow(*v, cap, *k + m + 4, sizeof(**v));
	(*v)[(*k)++] = (char *)c->in;
	(*v)[(*k)++] = want;
	(*v)[(*k)++] = argc_buf;
	for (size_t i = 0; i < m; i++)
		(*v)[(*k)++] = c->argv[i];
	(*v)[*k] = NULL;
}

/* What went wrong in a run, from the timer's "f I exit N" line. */
static void describe_failure(const struct series *c, const char *how, int n,
			     int limit, struct check_result *out)
{
	out->status = VS_FAIL;
	if (!strcmp(how, "signal") && n == SIGALRM)
		check_set_message(out, "%s did not finish within %d s",
				  c->label, limit);
	else if (!strcmp(how, "signal"))
		check_set_message(out, "%s was %s", c->label,
				  proc_signal_describe(n));
	else
		check_set_message(out, "%s exited with status %d, expected %d",
				  c->label, n, c->want);
}

/*
 * `rounds` interleaved rounds of the commands (after `warm` untimed ones),
 * each run stopped after `limit` seconds.  Samples are appended.  Returns
 * 0; 1 when a run went wrong (out says how, `failed` names it); -1 with e
 * set on our own failure.
 */
static int timed_rounds(struct check_ctx *ctx, const char *timer,
			struct series *c, size_t n, int rounds, int warm,
			int limit, struct check_result *out, size_t *failed,
			struct err *e)
{
	char a_rounds[24], a_warm[24], a_limit[24], a_n[24];
	char wants[8][24], argcs[8][24];
	char *outfile = xasprintf("%s/timer-out.tmp", ctx->workdir);
	char **v = NULL;
	size_t k = 0, cap = 0;
	struct proc_result pr;
	int rc = -1;

	snprintf(a_rounds, sizeof(a_rounds), "%d", rounds);
	snprintf(a_warm, sizeof(a_warm), "%d", warm);
	snprintf(a_limit, sizeof(a_limit), "%d", limit);
	snprintf(a_n, sizeof(a_n), "%zu", n);
	char *head[] = {(char *)timer, a_rounds, a_warm, a_limit, outfile, a_n};
	v = xgrow(v, &cap, 8, sizeof(*v));
	for (size_t i = 0; i < 6; i++)
		v[k++] = head[i];
	for (size_t i = 0; i < n && i < 8; i++) {
		size_t m = 0;
		while (c[i].argv[m])
			m++;
		snprintf(wants[i], sizeof(wants[i]), "%d", c[i].want);
		snprintf(argcs[i], sizeof(argcs[i]), "%zu", m);
		add_cmd(&v, &k, &cap, &c[i], wants[i], argcs[i]);
	}
	long long total_s = (long long)(rounds + warm) * (long long)n * limit;
	if (total_s > 600)
		total_s = 600;
	struct proc_opts po = {
	    .argv = v,
	    .timeout_ms = (int)(total_s * 1000) + 5000,
	    .cpu_seconds = (int)total_s + 5,
	};
	if (check_exec(ctx, &po, &pr, e) < 0)
		goto done;
	rc = 0;
	for (const char *p = buf_cstr(&pr.out); *p;) {
		size_t len = strcspn(p, "\n");
		char kind, how[16];
		long i;
		double secs, cpu;
		int num;
		if (sscanf(p, "t %ld %lf %lf", &i, &secs, &cpu) == 3 &&
		    i >= 0 && (size_t)i < n && c[i].n < MAX_SAMPLES) {
			c[i].cpu[c[i].n] = cpu;
			c[i].s[c[i].n++] = secs;
		} else if (sscanf(p, "%c %ld %15s %d", &kind, &i, how, &num) ==
			       4 &&
			   kind == 'f' && i >= 0 && (size_t)i < n) {
			*failed = (size_t)i;
			describe_failure(&c[i], how, num, limit, out);
			rc = 1;
		}
		p += len + (p[len] == '\n');
	}
	if (rc == 0 && !(pr.exited && pr.exit_code == 0)) {
		char how[256];
		proc_describe(&pr, &po, how, sizeof(how));
		rc = err_set(e, "the timer %s", how);
	}
	proc_result_release(&pr);
done:
	unlink(outfile);
	free(outfile);
	free(v);
	return rc;
}

/* --- programs ------------------------------------------------------------ */

/* The learner's file built with -O2 and linked. */
static char *learner_program(struct check_ctx *ctx, struct check_result *out,
			     struct err *e)
{
	const char *src[] = {ctx->source, NULL};
	struct build_job cj = {.sources = src, .std = "c11", .opt = "-O2"};
	struct build_result r;
	char *obj, *exe = NULL;

	e->msg[0] = '\0';
	obj = build_cached_object(ctx->build, &cj, &r, e);
	if (!obj && !e->msg[0]) {
		out->status = VS_FAIL;
		check_take_build(out, &r);
		check_set_message(out, "the file does not compile with -O2");
	}
	build_result_release(&r);
	if (!obj)
		return NULL;
	const char *objs[] = {obj, NULL};
	struct build_job lj = {.sources = objs, .link = 1, .opt = "-O2"};
	exe = build_cached_object(ctx->build, &lj, &r, e);
	if (!exe && !e->msg[0]) {
		out->status = VS_FAIL;
		check_take_build(out, &r);
		check_set_message(
		    out, "the program does not link (is main missing?)");
	}
	build_result_release(&r);
	free(obj);
	return exe;
}

/* argv with "{data}" replaced; strings borrowed. */
static char **make_argv(const char *prog, char **args, size_t nargs,
			const char *data)
{
	char **argv = xcalloc(nargs + 2, sizeof(*argv));
	size_t k = 0;

	if (prog)
		argv[k++] = (char *)prog;
	for (size_t i = 0; i < nargs; i++)
		argv[k++] = !strcmp(args[i], "{data}") ? (char *)data : args[i];
	return argv;
}

/* "grep -F timeout DATA": a label for messages. */
static void describe(char **args, size_t nargs, char *out, size_t n)
{
	size_t o = 0;

	out[0] = '\0';
	for (size_t i = 0; i < nargs && o + 1 < n; i++) {
		const char *a = !strcmp(args[i], "{data}") ? "DATA" : args[i];
		int w = snprintf(out + o, n - o, "%s%s", i ? " " : "", a);
		if (w < 0 || (size_t)w >= n - o)
			break;
		o += (size_t)w;
	}
}

/* --- comparing outputs ---------------------------------------------------- */

/* One line of output, escaped and cut to fit. */
static void show(const char *s, size_t len, char *out, size_t n)
{
	size_t o = 0, i = 0;

	for (; i < len && s[i] != '\n' && o + 5 < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\t') {
			out[o++] = '\\';
			out[o++] = 't';
		} else if (c < 32 || c == 127) {
			o += (size_t)snprintf(out + o, n - o, "\\x%02x", c);
		} else {
			out[o++] = (char)c;
		}
	}
	if (i < len && s[i] != '\n' && o + 4 <= n) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

/* "line 12: expected '...', got '...'" for the first line that differs. */
static void first_difference(const struct buf *want, const struct buf *got,
			     char *msg, size_t n)
{
	const char *w = buf_cstr(want), *g = buf_cstr(got);
	size_t i = 0, line = 1, start = 0;
	char a[160], b[160];

	while (i < want->len && i < got->len && w[i] == g[i]) {
		if (w[i] == '\n') {
			line++;
			start = i + 1;
		}
		i++;
	}
	show(w + start, want->len - start, a, sizeof(a));
	show(g + start, got->len - start, b, sizeof(b));
	if (start >= got->len)
		snprintf(msg, n,
			 "your output stops after %zu lines; line %zu should "
			 "be '%s'",
			 line - 1, line, a);
	else if (start >= want->len)
		snprintf(
		    msg, n,
		    "your output goes on after the reference's %zu lines: '%s'",
		    line - 1, b);
	else
		snprintf(msg, n, "line %zu differs: expected '%s', got '%s'",
			 line, a, b);
}

/* --- the check ------------------------------------------------------------ */

struct plan {
	const char *ref_name; /* "grep -F timeout DATA" */
	double min;
	int runs, want_exit, limit;
	long long bytes;
	const char *timer;
	struct series cmd[2]; /* [0] reference, [1] learner's */
	double best[2], median[2];
};

static double mbps(const struct plan *p, double seconds)
{
	return seconds > 0 ? (double)p->bytes / 1e6 / seconds : 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void summarise(struct plan *p)
{
	double v[MAX_SAMPLES];

	for (int i = 0; i < 2; i++) {
		size_t n = p->cmd[i].n;
		if (n == 0)
			continue;
		memcpy(v, p->cmd[i].s, n * sizeof(double));
		qsort(v, n, sizeof(double), cmp_double);
		p->best[i] = v[0];
		p->median[i] = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	}
}

/*
 * The untimed first runs: the reference must work (else it is the
 * lesson's bug), the learner's must finish in time with the same output
 * and status.  Returns 0 when both agree, 1 when `out` holds a fail, -1
 * on error.  Sets the time limit of the timed runs from the reference's.
 */
static int first_runs(struct check_ctx *ctx, struct plan *p,
		      struct check_result *out, struct err *e)
{
	struct proc_opts ro = {.argv = p->cmd[0].argv,
			       .timeout_ms = REF_TIMEOUT_MS,
			       .capture_max = CAPTURE};
	struct proc_opts lo = {.argv = p->cmd[1].argv, .capture_max = CAPTURE};
	struct proc_result rr, lr;
	char how[256], msg[600];
	int rc = 1;

	if (check_exec(ctx, &ro, &rr, e) < 0)
		return -1;
	if (!rr.exited || rr.exit_code != p->want_exit || rr.out.truncated) {
		proc_describe(&rr, &ro, how, sizeof(how));
		err_set(e, "the reference '%s' %s%s (a lesson bug)",
			p->ref_name, how,
			rr.out.truncated ? " and printed too much to compare"
					 : "");
		proc_result_release(&rr);
		return -1;
	}
	/* At the threshold's speed the learner needs ref / min: allow
	 * SLOW_FACTOR times that, plus start-up grace. */
	double limit = rr.wall_seconds / p->min * SLOW_FACTOR;
	lo.timeout_ms = GRACE_MS + (int)(limit * 1000);
	p->limit = (lo.timeout_ms + 999) / 1000;
	if (check_exec(ctx, &lo, &lr, e) < 0) {
		proc_result_release(&rr);
		return -1;
	}
	proc_describe(&lr, &lo, how, sizeof(how));
	out->status = VS_FAIL;
	if (lr.timed_out) {
		check_set_value(out, 0, ">=", p->min, "x");
		check_set_message(out,
				  "your program did not get through %.0f MB in "
				  "%.1f s; %s took %.0f ms",
				  (double)p->bytes / 1e6,
				  lo.timeout_ms / 1000.0, p->ref_name,
				  rr.wall_seconds * 1e3);
	} else if (lr.cancelled || lr.signaled || !lr.exited) {
		check_set_message(out, "on %.0f MB of data your program %s",
				  (double)p->bytes / 1e6, how);
	} else if (lr.out.len != rr.out.len ||
		   memcmp(buf_cstr(&lr.out), buf_cstr(&rr.out), rr.out.len)) {
		first_difference(&rr.out, &lr.out, msg, sizeof(msg));
		check_set_message(out, "the output differs from %s's: %s",
				  p->ref_name, msg);
	} else if (lr.exit_code != rr.exit_code) {
		check_set_message(out,
				  "the output is right, but your program "
				  "exited with status %d where %s exits with "
				  "%d",
				  lr.exit_code, p->ref_name, rr.exit_code);
	} else {
		out->status = VS_SKIP;
		rc = 0;
	}
	if (rc && lr.err.len)
		check_set_output(out, buf_cstr(&lr.err), lr.err.len,
				 lr.err.truncated);
	proc_result_release(&rr);
	proc_result_release(&lr);
	return rc;
}

static double ratio(const struct plan *p)
{
	return p->best[1] > 0 ? p->best[0] / p->best[1] : 0;
}

/* Timed rounds, and again while the ratio misses.  Returns 0, 1 (out
 * says what went wrong) or -1. */
static int measure(struct check_ctx *ctx, struct plan *p,
		   struct check_result *out, struct err *e)
{
	size_t failed = 0;
	int rc = timed_rounds(ctx, p->timer, p->cmd, 2, p->runs, 1, p->limit,
			      out, &failed, e);

	summarise(p);
	/* Measured twice and still a quarter of the way or less: no quiet
	 * moment will close that gap, and the learner need not wait. */
	for (int again = 0;
	     rc == 0 && again < REMEASURES && ratio(p) < p->min &&
	     !(again > 0 && ratio(p) < p->min / HOPELESS);
	     again++) {
		rc = timed_rounds(ctx, p->timer, p->cmd, 2, p->runs, 0,
				  p->limit, out, &failed, e);
		summarise(p);
	}
	if (rc == 1 && failed == 0) /* the reference failed: the lesson's bug */
		rc = err_set(e, "%s (a lesson bug)",
			     out->message ? out->message
					  : "the reference failed");
	return rc;
}

static void judge(struct plan *p, const char *mine, long long seed,
		  struct check_result *out)
{
	double r = ratio(p);
	struct buf t;

	buf_init(&t, OUTPUT_EXCERPT_MAX);
	buf_printf(&t,
		   "  data: %lld bytes of generated log lines (seed %lld)\n",
		   p->bytes, seed);
	for (int i = 0; i < 2; i++)
		buf_printf(&t,
			   "  %-34s best %8.1f ms  median %8.1f ms  %7.0f MB/s "
			   " (%zu runs)\n",
			   i ? mine : p->ref_name, p->best[i] * 1e3,
			   p->median[i] * 1e3, mbps(p, p->best[i]),
			   p->cmd[i].n);
	buf_printf(&t, "  %-34s %.2fx (needs >= %.2fx)\n",
		   "your speed / reference", r, p->min);
	check_set_output(out, buf_cstr(&t), t.len, 0);
	buf_release(&t);
	check_set_value(out, r, ">=", p->min, "x");
	out->status = r >= p->min ? VS_PASS : VS_FAIL;
	check_set_message(out,
			  "%.0f MB/s against %.0f MB/s for %s on %.0f MB: "
			  "%.2fx (best of %zu), needs >= %.2fx",
			  mbps(p, p->best[1]), mbps(p, p->best[0]), p->ref_name,
			  (double)p->bytes / 1e6, r, p->cmd[1].n, p->min);
}

static int run(struct check_ctx *ctx, const struct check_spec *spec,
	       struct check_result *out, struct err *e)
{
	size_t nargs, nref;
	char **args = check_param_list(spec, "args", &nargs);
	char **ref = check_param_list(spec, "reference", &nref);
	const char *package = check_param_str(spec, "package", NULL);
	long long mb = ctx->opts->quick
			   ? check_param_int(spec, "quick_mb", QUICK_MB)
			   : check_param_int(spec, "mb", DEFAULT_MB);
	long long seed = check_param_int(spec, "seed", 1);
	struct plan p = {
	    .min = check_param_num(spec, "min", 1),
	    .runs = (int)check_param_int(spec, "runs", DEFAULT_RUNS),
	    .want_exit = (int)check_param_int(spec, "exit", 0),
	};
	char ref_name[160], mine[160], *ref_prog = NULL, *exe = NULL;
	char *data = NULL, *timer = NULL, **rargv = NULL, **largv = NULL;
	int rc = -1;

	if (nref == 0 || p.min <= 0 || mb < 1 || mb > MAX_MB || p.runs < 1 ||
	    p.runs > MAX_RUNS)
		return err_set(e,
			       "throughput: needs a reference, min > 0, mb 1 "
			       "to %d and runs 1 to %d (a lesson bug)",
			       MAX_MB, MAX_RUNS);
	describe(ref, nref, ref_name, sizeof(ref_name));
	p.ref_name = ref_name;
	ref_prog = strchr(ref[0], '/')
		       ? (path_exists(ref[0]) ? xstrdup(ref[0]) : NULL)
		       : proc_which(ref[0]);
	if (!ref_prog) {
		const char *pkg = package ? package : ref[0];
		check_set_skip(out, pkg,
			       "%s not found: it is the reference this check "
			       "compares with",
			       ref[0]);
		return 0;
	}
	exe = learner_program(ctx, out, e);
	if (!exe) {
		free(ref_prog);
		return e->msg[0] ? -1 : 0;
	}
	snprintf(mine, sizeof(mine), "yours: %s ",
		 path_basename(check_shown_name(ctx)));
	describe(args, nargs, mine + strlen(mine), sizeof(mine) - strlen(mine));

	data =
	    xasprintf("%s/throughput-%lld-%lldMB.txt", ctx->workdir, seed, mb);
	pthread_mutex_lock(&measuring);
	timer = timer_program(ctx, e);
	if (!timer ||
	    make_data(data, mb * 1000000, (uint64_t)seed, &p.bytes, e) < 0)
		goto out;
	p.timer = timer;
	rargv = make_argv(ref_prog, ref + 1, nref - 1, data);
	largv = make_argv(exe, args, nargs, data);
	for (int i = 0; i < 2; i++)
		p.cmd[i] = (struct series){
		    .label = i ? "your program" : ref_name,
		    .argv = i ? largv : rargv,
		    .in = "-",
		    .want = p.want_exit,
		};
	int m = first_runs(ctx, &p, out, e);
	if (m == 0)
		m = measure(ctx, &p, out, e);
	if (m == 0)
		judge(&p, mine, seed, out);
	rc = m < 0 ? -1 : 0;
out:
	unlink(data);
	pthread_mutex_unlock(&measuring);
	free(rargv);
	free(largv);
	free(data);
	free(timer);
	free(exe);
	free(ref_prog);
	return rc;
}

const struct check_kind check_throughput = {
    .name = "throughput",
    .stage = STAGE_VERIFY,
    .positional = NULL,
    .fields = fields,
    .summary = "the program's speed on generated data against a reference "
	       "tool, with the same output",
    .run = run,
};
