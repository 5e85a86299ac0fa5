/*
 * startup { max_ms = 5, args = { "x", "/dev/null" }, exit = 1 }
 *
 * How long the learner's program takes from exec to exit when it has
 * (almost) nothing to do: the median over many runs must stay at or under
 * max_ms.  Beside it, in the same interleaved rounds, the check times
 * `/usr/bin/python3 -c pass` (the interpreter starting and doing nothing)
 * so the learner sees both figures measured on the same machine at the
 * same moment.  The Python figure is shown, never judged.
 *
 * The runs are timed by a small timer program (its source is below) that
 * the check builds once and runs through check_exec(): it forks and execs
 * each command and reads the clock around it.  In a grading run the timer
 * itself runs in the sandbox with the programs it times, so a figure never
 * includes what it costs to set a sandbox up, which is several times a
 * C program's whole start-up.
 *
 * The runs are taken in batches; a batch's figure is its median.  When a
 * batch misses max_ms, the check measures another batch before it says
 * fail, and the best batch counts: a busy moment can spoil one batch, not
 * the program's start-up time.  When even the best batch misses it on
 * the clock while python3 -c pass (which never waits for anything) spent
 * far longer on the clock than on the processor, the machine is busy and
 * the clock measures the queue for the processor: the program's own
 * processor time is judged instead, and the message says so.
 */
#define _GNU_SOURCE
#include "check.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/path.h"
#include "util/xalloc.h"

static const struct check_field fields[] = {
    {"max_ms", PARAM_NUM, 1,
     "the median start-up time must be at most this many milliseconds"},
    {"args", PARAM_LIST, 0, "arguments for every run (default: none)"},
    {"stdin", PARAM_STR, 0, "bytes on standard input (default: none)"},
    {"exit", PARAM_INT, 0, "the exit status of a good run (default 0)"},
    {"runs", PARAM_INT, 0, "runs per batch (default 41; 15 in quick mode)"},
    {"compare", PARAM_BOOL, 0,
     "also time /usr/bin/python3 -c pass (default true)"},
    {NULL, 0, 0, NULL},
};

#define PYTHON	     "/usr/bin/python3"
#define DEFAULT_RUNS 41
#define QUICK_RUNS   15
#define MAX_RUNS     81
#define MAX_BATCHES  3
#define MAX_SAMPLES  (MAX_RUNS * MAX_BATCHES)
#define RUN_LIMIT_S  5
/* A first run this many times over the budget: short batches, since the
 * verdict is not in doubt and the learner should not wait for it. */
#define SLOW_FACTOR 20
#define SLOW_RUNS   5
/* python3 -c pass taking this many times its processor time on the
 * clock: the machine is busy (see busy()). */
#define BUSY_RATIO 1.5

/* dev check runs exercises on several threads: measurements of this kind
 * take turns, so two of them never share the cores. */
static pthread_mutex_t measuring = PTHREAD_MUTEX_INITIALIZER;

/* --- the timer (the same program as in throughput.c) ------------------- */

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

/* --- the check ---------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median and best of v[from, to). */
static double median_of(const double *v, size_t from, size_t to, double *best)
{
	double w[MAX_SAMPLES];
	size_t n = to - from;

	*best = 0;
	if (n == 0)
		return 0;
	memcpy(w, v + from, n * sizeof(double));
	qsort(w, n, sizeof(double), cmp_double);
	*best = w[0];
	return n % 2 ? w[n / 2] : (w[n / 2 - 1] + w[n / 2]) / 2;
}

/* The learner's program, linked as io links it (the same cache entry). */
static char *learner_program(struct check_ctx *ctx, struct check_result *out,
			     struct err *e)
{
	char *obj = check_learner_object(ctx, NULL, out, e);
	struct build_result r;
	char *exe;

	if (!obj)
		return NULL;
	const char *srcs[] = {obj, NULL};
	struct build_job j = {.sources = srcs, .link = 1, .opt = "-g"};
	e->msg[0] = '\0';
	exe = build_cached_object(ctx->build, &j, &r, e);
	free(obj);
	if (!exe && !e->msg[0]) {
		out->status = VS_FAIL;
		check_take_build(out, &r);
		check_set_message(
		    out, "the program does not link (is main missing?)");
	}
	build_result_release(&r);
	return exe;
}

/* One batch's figures for one command, in seconds. */
struct figures {
	double wall, best, cpu; /* medians, and the fastest run */
};

struct batch {
	struct figures mine, python;
	size_t runs;
};

struct plan {
	struct series cmd[2]; /* [0] the learner's, [1] python3 */
	size_t ncmd;
	struct batch batch[MAX_BATCHES];
	size_t nbatch, best; /* best: the batch that counts */
	double max_s;
	int limit;
	const char *timer;
};

static void figures_of(const struct series *c, size_t from, struct figures *f)
{
	double ignore;

	f->wall = median_of(c->s, from, c->n, &f->best);
	f->cpu = median_of(c->cpu, from, c->n, &ignore);
}

/* Close the batch that began at these sample indexes. */
static void close_batch(struct plan *p, size_t from, size_t pfrom)
{
	struct batch *b = &p->batch[p->nbatch];

	b->runs = p->cmd[0].n - from;
	figures_of(&p->cmd[0], from, &b->mine);
	if (p->ncmd > 1)
		figures_of(&p->cmd[1], pfrom, &b->python);
	if (p->nbatch == 0 || b->mine.wall < p->batch[p->best].mine.wall)
		p->best = p->nbatch;
	p->nbatch++;
}

/* Measured twice, and the program's own work alone is over the budget:
 * no quieter moment can bring it under. */
static int hopeless(const struct plan *p)
{
	return p->nbatch >= 2 && p->batch[p->best].mine.cpu > p->max_s;
}

/*
 * Batches of `runs` rounds until one meets the budget or MAX_BATCHES were
 * taken.  A single round comes first: a program far over the budget gets
 * short batches.  Returns 0, 1 (out says what went wrong) or -1.
 */
static int measure(struct check_ctx *ctx, struct plan *p, int runs,
		   struct check_result *out, struct err *e)
{
	size_t failed = 0;
	int rc = timed_rounds(ctx, p->timer, p->cmd, p->ncmd, 1, 1, p->limit,
			      out, &failed, e);

	if (rc == 0 && p->cmd[0].s[0] > SLOW_FACTOR * p->max_s &&
	    runs > SLOW_RUNS)
		runs = SLOW_RUNS;
	if (rc == 0)
		rc = timed_rounds(ctx, p->timer, p->cmd, p->ncmd, runs - 1, 0,
				  p->limit, out, &failed, e);
	if (rc == 0)
		close_batch(p, 0, 0);
	while (rc == 0 && p->batch[p->best].mine.wall > p->max_s &&
	       p->nbatch < MAX_BATCHES && !hopeless(p)) {
		size_t from = p->cmd[0].n,
		       pfrom = p->ncmd > 1 ? p->cmd[1].n : 0;
		rc = timed_rounds(ctx, p->timer, p->cmd, p->ncmd, runs, 0,
				  p->limit, out, &failed, e);
		if (rc == 0)
			close_batch(p, from, pfrom);
	}
	if (rc == 1 && failed > 0) /* python3 itself failed: our problem */
		rc = err_set(e, "%s",
			     out->message ? out->message : "python3 failed");
	return rc;
}

static void put_row(struct buf *b, const char *label, const struct figures *f,
		    size_t runs)
{
	buf_printf(b,
		   "  %-22s median %7.2f ms  best %7.2f ms  cpu %7.2f ms  "
		   "(%zu runs)\n",
		   label, f->wall * 1e3, f->best * 1e3, f->cpu * 1e3, runs);
}

/* The machine is busy when python3 -c pass, which never waits for
 * anything, spent much longer on the clock than on the processor. */
static int busy(const struct plan *p, const struct batch *b)
{
	return p->ncmd > 1 && b->python.cpu > 0 &&
	       b->python.wall > BUSY_RATIO * b->python.cpu;
}

/* The figures, the table and the verdict. */
/* The per-batch table, into t. */
static void table(const struct plan *p, const char *name, int python_missing,
		  struct buf *t)
{
	char label[64];

	snprintf(label, sizeof(label), "yours (%s)", name);
	for (size_t i = 0; i < p->nbatch; i++) {
		const struct batch *x = &p->batch[i];
		if (p->nbatch > 1)
			buf_printf(t, "batch %zu%s:\n", i + 1,
				   i == p->best ? " (counts)" : "");
		put_row(t, label, &x->mine, x->runs);
		if (p->ncmd > 1)
			put_row(t, "python3 -c pass", &x->python, x->runs);
	}
	buf_printf(t, "median: half the runs took longer; cpu: time on the "
		      "processor (user + system)\n");
	if (p->ncmd > 1)
		buf_printf(t, "python3 -c pass starts the interpreter and runs "
			      "nothing: no Python tool starts faster.\n");
	else if (python_missing)
		buf_printf(t, "python3 was not found at " PYTHON
			      ": install the python3 package to see the "
			      "comparison.\n");
}

/*
 * The figures and the verdict.  The message puts both start-up times
 * first, where a narrow screen still shows them:
 *   "starts in 1.12 ms, python3 -c pass in 16.1 ms (14x longer);
 *    medians of 41 runs, needs <= 5 ms"
 */
static void judge(struct plan *p, const char *name, int python_missing,
		  struct check_result *out)
{
	const struct batch *b = &p->batch[p->best];
	double ms = b->mine.wall * 1e3, max_ms = p->max_s * 1e3;
	double py_ms = b->python.wall * 1e3;
	struct buf t;
	char py[160] = "", runs[64];

	buf_init(&t, OUTPUT_EXCERPT_MAX);
	table(p, name, python_missing, &t);
	if (p->ncmd > 1 && b->python.wall > b->mine.wall)
		snprintf(py, sizeof(py),
			 ", python3 -c pass in %.1f ms (%.0fx longer)", py_ms,
			 b->python.wall / b->mine.wall);
	else if (p->ncmd > 1)
		snprintf(py, sizeof(py),
			 ", python3 -c pass in %.1f ms (shorter)", py_ms);
	snprintf(runs, sizeof(runs), "%s of %zu runs%s",
		 p->ncmd > 1 ? "medians" : "median", b->runs,
		 p->nbatch > 1 ? ", best batch" : "");
	check_set_value(out, ms, "<=", max_ms, "ms");
	out->status = ms <= max_ms ? VS_PASS : VS_FAIL;
	if (out->status == VS_FAIL && busy(p, b) && b->mine.cpu <= p->max_s) {
		/* The clock measured the queue for the processor, not the
		 * program: judge what the program itself spent. */
		out->status = VS_PASS;
		check_set_value(out, b->mine.cpu * 1e3, "<=", max_ms, "ms");
		check_set_message(
		    out,
		    "starts in %.2f ms of processor time, "
		    "python3 -c pass in %.1f ms (%.1f and %.1f ms "
		    "on the clock: the machine was busy); %s, "
		    "needs <= %g ms",
		    b->mine.cpu * 1e3, b->python.cpu * 1e3, ms, py_ms, runs,
		    max_ms);
	} else {
		check_set_message(out,
				  "starts in %.2f ms%s; %s, needs <= %g ms%s",
				  ms, py, runs, max_ms,
				  python_missing ? "; no python3 at " PYTHON
						   " for the comparison "
						   "(package python3)"
						 : "");
	}
	check_set_output(out, buf_cstr(&t), t.len, 0);
	buf_release(&t);
}

/* stdin for the runs: a file in the build folder, or "-". */
static char *stdin_file(struct check_ctx *ctx, const char *text, struct err *e)
{
	char *path;

	if (!text)
		return xstrdup("-");
	path = xasprintf("%s/startup-stdin.txt", ctx->workdir);
	if (path_write_file(path, text, strlen(text), 0644, e) < 0) {
		free(path);
		return NULL;
	}
	return path;
}

static int run(struct check_ctx *ctx, const struct check_spec *spec,
	       struct check_result *out, struct err *e)
{
	size_t nargs;
	char **args = check_param_list(spec, "args", &nargs);
	int runs = (int)check_param_int(
	    spec, "runs", ctx->opts->quick ? QUICK_RUNS : DEFAULT_RUNS);
	int compare = check_param_bool(spec, "compare", 1);
	struct plan p = {
	    .max_s = check_param_num(spec, "max_ms", 5) / 1e3,
	    .limit = spec->timeout_ms ? (spec->timeout_ms + 999) / 1000
				      : RUN_LIMIT_S,
	};
	static char py_path[] = PYTHON, py_c[] = "-c", py_pass[] = "pass";
	char *py_argv[] = {py_path, py_c, py_pass, NULL};
	char *exe = NULL, *timer = NULL, *in = NULL, **argv = NULL;
	int python_missing = 0, rc = -1;

	if (ctx->opts->quick && runs > QUICK_RUNS)
		runs = QUICK_RUNS;
	if (runs < 3 || runs > MAX_RUNS)
		return err_set(e,
			       "startup: runs must be 3 to %d (a lesson bug)",
			       MAX_RUNS);
	if (p.max_s <= 0)
		return err_set(
		    e, "startup: max_ms must be above 0 (a lesson bug)");
	exe = learner_program(ctx, out, e);
	if (!exe)
		return e->msg[0] ? -1 : 0;
	timer = timer_program(ctx, e);
	in = timer ? stdin_file(ctx, check_param_str(spec, "stdin", NULL), e)
		   : NULL;
	if (!in)
		goto out;
	argv = xcalloc(nargs + 2, sizeof(*argv));
	argv[0] = exe;
	for (size_t i = 0; i < nargs; i++)
		argv[i + 1] = args[i];
	p.timer = timer;
	p.cmd[0] = (struct series){
	    .label = "your program",
	    .argv = argv,
	    .in = in,
	    .want = (int)check_param_int(spec, "exit", 0),
	};
	p.ncmd = 1;
	if (compare && path_exists(PYTHON)) {
		p.cmd[1] = (struct series){
		    .label = "python3 -c pass", .argv = py_argv, .in = "-"};
		p.ncmd = 2;
	} else if (compare) {
		python_missing = 1;
	}

	pthread_mutex_lock(&measuring);
	int m = measure(ctx, &p, runs, out, e);
	pthread_mutex_unlock(&measuring);
	if (m == 0)
		judge(&p, path_basename(check_shown_name(ctx)), python_missing,
		      out);
	rc = m < 0 ? -1 : 0;
out:
	if (in && strcmp(in, "-"))
		unlink(in);
	free(in);
	free(argv);
	free(timer);
	free(exe);
	return rc;
}

const struct check_kind check_startup = {
    .name = "startup",
    .stage = STAGE_VERIFY,
    .positional = NULL,
    .fields = fields,
    .summary = "the median start-up time of the program, beside "
	       "python3 -c pass",
    .run = run,
};
