/*
 * fuzz { harness = "tlv_fuzz.c", runs = 500000, quick_runs = 50000,
 *        seed = 1, corpus = { "seeds/one.bin", "seeds/two.bin" } }
 *
 * Builds the learner's file and the lesson's libFuzzer harness (a
 * LLVMFuzzerTestOneInput beside lesson.lua) with clang
 * -fsanitize=fuzzer,address and runs the fuzzer for a fixed number of
 * inputs from a fixed seed, starting from the lesson's seed inputs, so a
 * run is repeatable.  A crash, a leak, a timeout or running out of memory
 * fails the check; the message names the sanitizer's finding and the
 * output shows the input that caused it in hex (the first 64 bytes).
 * Without clang, or without clang's fuzzer run-time, the check is skipped
 * and names the package to install.
 */
#define _GNU_SOURCE
#include "check.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/path.h"
#include "util/xalloc.h"

static const struct check_field fields[] = {
    {"harness", PARAM_FILE, 1,
     "the libFuzzer harness (LLVMFuzzerTestOneInput) beside lesson.lua"},
    {"runs", PARAM_INT, 0, "inputs to try (default 200000)"},
    {"quick_runs", PARAM_INT, 0,
     "inputs in quick mode (dev check, make test); default runs / 4"},
    {"seed", PARAM_INT, 0, "the fuzzer's random seed (default 1)"},
    {"max_len", PARAM_INT, 0, "the longest input tried (default 4096)"},
    {"corpus", PARAM_FILES, 0, "seed inputs beside lesson.lua"},
    {NULL, 0, 0, NULL},
};

#define DEFAULT_RUNS	200000
#define DEFAULT_MAX_LEN 4096
#define SHOW_BYTES	64
#define INPUT_TIMEOUT_S 5
#define RUN_TIMEOUT_MS	120000

/* Compile one source with clang for the fuzzer. */
static char *fuzz_object(struct check_ctx *ctx, const char *src,
			 struct build_result *r, struct err *e)
{
	const char *srcs[] = {src, NULL};
	struct build_job j = {
	    .compiler = ctx->build->clang,
	    .sources = srcs,
	    .std = "c11",
	    .sanitize = "fuzzer,address",
	    .opt = "-O1 -g",
	};

	e->msg[0] = '\0';
	return build_cached_object(ctx->build, &j, r, e);
}

/* "libclang-rt-14-dev" for the clang we have (Debian's name for the
 * package holding libclang_rt.fuzzer). */
static void runtime_package(struct check_ctx *ctx, char *out, size_t n)
{
	static char dump[] = "-dumpversion";
	char *argv[] = {ctx->build->clang, dump, NULL};
	struct proc_opts po = {.argv = argv, .timeout_ms = 10000};
	struct proc_result pr;
	struct err e;
	long major = 0;

	snprintf(out, n, "libclang-rt-dev");
	if (proc_run(&po, &pr, &e) < 0)
		return;
	if (pr.exited && pr.exit_code == 0)
		major = strtol(buf_cstr(&pr.out), NULL, 10);
	proc_result_release(&pr);
	if (major > 0)
		snprintf(out, n, "libclang-rt-%ld-dev", major);
}

/* Link the harness and the learner's object.  NULL with out set (fail or
 * skip) or e set. */
static char *link_fuzzer(struct check_ctx *ctx, const char *harness,
			 const char *learner, struct check_result *out,
			 struct err *e)
{
	const char *objs[] = {harness, learner, NULL};
	struct build_job j = {
	    .compiler = ctx->build->clang,
	    .sources = objs,
	    .link = 1,
	    .sanitize = "fuzzer,address",
	    .opt = "-g",
	};
	struct build_result r;
	char *exe;
	char pkg[64];

	e->msg[0] = '\0';
	exe = build_cached_object(ctx->build, &j, &r, e);
	if (!exe && !e->msg[0]) {
		const char *log = buf_cstr(&r.log);
		if (strstr(log, "clang_rt.fuzzer") ||
		    strstr(log, "libFuzzer")) {
			runtime_package(ctx, pkg, sizeof(pkg));
			check_set_skip(out, pkg,
				       "clang's fuzzer run-time "
				       "(libclang_rt.fuzzer) not found");
		} else {
			out->status = VS_FAIL;
			check_take_build(out, &r);
			check_set_message(
			    out,
			    "the fuzz harness does not link with your file (is "
			    "a function missing, or is there a main?)");
		}
	}
	build_result_release(&r);
	return exe;
}

/* A fresh folder (removed first if it exists). */
static int fresh_dir(const char *dir, struct err *e)
{
	if (path_exists(dir) && path_remove_tree(dir, e) < 0)
		return -1;
	return path_mkdirs(dir, e);
}

/* Copy the seed inputs into the corpus folder. */
static int fill_corpus(const char *dir, char **files, size_t n, struct err *e)
{
	for (size_t i = 0; i < n; i++) {
		char *to = path_join(dir, path_basename(files[i]));
		int rc = path_copy_file(files[i], to, e);
		free(to);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* The input libFuzzer saved (crash-*, leak-*, timeout-*, oom-*,
 * slow-unit-*) in dir, or NULL. */
static char *find_artifact(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char *found = NULL;

	if (!d)
		return NULL;
	while (!found && (de = readdir(d)))
		if (de->d_name[0] != '.')
			found = path_join(dir, de->d_name);
	closedir(d);
	return found;
}

/* "7 bytes: 01 00 05 41 42 43 44" (the first `max` bytes) */
static void hex_line(const unsigned char *p, size_t len, size_t max,
		     struct buf *b)
{
	if (len == 0) {
		buf_addstr(b, "the empty input");
		return;
	}
	buf_addstr(b, "the input");
	for (size_t i = 0; i < len && i < max; i++)
		buf_printf(b, " %02x", p[i]);
	buf_printf(b, "%s (%zu byte%s, in hex)", len > max ? " ..." : "", len,
		   len == 1 ? "" : "s");
}

/* A hex dump, 16 bytes a line, with the printable characters beside. */
static void hex_dump(const unsigned char *p, size_t len, struct buf *b)
{
	for (size_t off = 0; off < len && off < SHOW_BYTES; off += 16) {
		buf_printf(b, "  %04zx ", off);
		for (size_t i = off; i < off + 16; i++)
			if (i < len && i < SHOW_BYTES)
				buf_printf(b, " %02x", p[i]);
			else
				buf_addstr(b, "   ");
		buf_addstr(b, "  ");
		for (size_t i = off; i < off + 16 && i < len && i < SHOW_BYTES;
		     i++)
			buf_addch(b,
				  p[i] >= 32 && p[i] < 127 ? (char)p[i] : '.');
		buf_addch(b, '\n');
	}
	if (len > SHOW_BYTES)
		buf_printf(b, "  ... (%zu bytes in all)\n", len);
}

/* What kind of finding an artifact's name says. */
static const char *artifact_kind(const char *path)
{
	const char *base = path_basename(path);

	if (!strncmp(base, "leak-", 5))
		return "memory leak";
	if (!strncmp(base, "timeout-", 8))
		return "timeout";
	if (!strncmp(base, "oom-", 4))
		return "out of memory";
	if (!strncmp(base, "slow-unit-", 10))
		return "slow input";
	return "crash";
}

/* The run failed: say what, on which input. */
static void judge_crash(struct check_ctx *ctx, const struct proc_result *pr,
			const char *artifact, struct check_result *out,
			struct err *e)
{
	struct buf msg, text;
	size_t len = 0;
	unsigned char *data = NULL;
	char how[200];
	const char *kind = artifact ? artifact_kind(artifact) : "crash";

	buf_init(&msg, 1024);
	buf_init(&text, OUTPUT_EXCERPT_MAX);
	diag_parse_sanitizer(&out->diags, buf_cstr(&pr->err), pr->err.len,
			     ctx->source);
	if (artifact)
		data =
		    (unsigned char *)path_read_file(artifact, 1 << 20, &len, e);
	if (artifact && !data)
		err_clear(e);
	if (out->diags.n) {
		const struct diag *d = &out->diags.v[0];
		buf_printf(&msg, "%s", d->option ? d->option : kind);
		if (d->file && d->line)
			buf_printf(&msg, " at %s:%d", path_basename(d->file),
				   d->line);
	} else {
		proc_describe(pr, NULL, how, sizeof(how));
		buf_printf(&msg, "%s (the fuzzer %s)", kind, how);
	}
	if (data) {
		buf_addstr(&msg, " on ");
		hex_line(data, len, 32, &msg);
		buf_addstr(&text, "the input that failed, in hex:\n");
		hex_dump(data, len, &text);
		buf_printf(&text, "saved as %s\n\n", artifact);
	}
	buf_add(&text, buf_cstr(&pr->err), pr->err.len);
	out->status = VS_FAIL;
	check_set_message(out, "%s", buf_cstr(&msg));
	check_set_output(out, buf_cstr(&text), text.len, pr->err.truncated);
	free(data);
	buf_release(&msg);
	buf_release(&text);
}

/* "stat::number_of_executed_units: 50000" from -print_final_stats=1 */
static long executed(const struct proc_result *pr)
{
	const char *p =
	    strstr(buf_cstr(&pr->err), "stat::number_of_executed_units:");

	return p ? strtol(p + strlen("stat::number_of_executed_units:"), NULL,
			  10)
		 : -1;
}

/*
 * The children's environment.  In the grading sandbox clang's
 * LeakSanitizer cannot stop the fuzzer's threads to scan them (it fails
 * with "Can't open /proc/N/task"), so leak checking is off there; crashes
 * and every other AddressSanitizer finding still count.
 */
static char *const *fuzz_env(struct check_ctx *ctx, char **env, size_t max)
{
	static char no_leaks[] =
	    "ASAN_OPTIONS=detect_leaks=0:abort_on_error=0:halt_on_error=1:"
	    "exitcode=86:allocator_may_return_null=1:color=never";
	char *const *base = check_child_env();
	size_t n = 0;

	if (!ctx->opts->sandbox)
		return base;
	for (; base[n] && n + 1 < max; n++)
		env[n] =
		    strncmp(base[n], "ASAN_OPTIONS=", 13) ? base[n] : no_leaks;
	env[n] = NULL;
	return env;
}

static int fuzz_run(struct check_ctx *ctx, const struct check_spec *spec,
		    const char *exe, struct check_result *out, struct err *e)
{
	long runs = (long)check_param_int(spec, "runs", DEFAULT_RUNS);
	long seed = (long)check_param_int(spec, "seed", 1);
	long max_len = (long)check_param_int(spec, "max_len", DEFAULT_MAX_LEN);
	size_t ncorpus;
	char **corpus = check_param_list(spec, "corpus", &ncorpus);
	char *corpus_dir = path_join(ctx->workdir, "fuzz-corpus");
	char *crash_dir = path_join(ctx->workdir, "fuzz-crash");
	char a_seed[32], a_runs[32], a_len[32], a_prefix[4200], a_timeout[32];
	struct proc_result pr;
	int rc = -1;

	if (ctx->opts->quick)
		runs = (long)check_param_int(spec, "quick_runs", runs / 4);
	if (runs < 1 || max_len < 1 || seed < 1) {
		err_set(e, "fuzz: runs, max_len and seed must be positive (a "
			   "lesson bug)");
		goto out;
	}
	if (fresh_dir(corpus_dir, e) < 0 || fresh_dir(crash_dir, e) < 0 ||
	    fill_corpus(corpus_dir, corpus, ncorpus, e) < 0)
		goto out;
	snprintf(a_seed, sizeof(a_seed), "-seed=%ld", seed);
	snprintf(a_runs, sizeof(a_runs), "-runs=%ld", runs);
	snprintf(a_len, sizeof(a_len), "-max_len=%ld", max_len);
	snprintf(a_timeout, sizeof(a_timeout), "-timeout=%d", INPUT_TIMEOUT_S);
	snprintf(a_prefix, sizeof(a_prefix), "-artifact_prefix=%s/", crash_dir);
	static char stats[] = "-print_final_stats=1";
	static char rss[] = "-rss_limit_mb=2048";
	char *argv[] = {(char *)exe, a_seed, a_runs, a_len,	 a_timeout,
			a_prefix,    stats,  rss,    corpus_dir, NULL};
	char *env[32];
	struct proc_opts po = {
	    .argv = argv,
	    .env = fuzz_env(ctx, env, 32),
	    .timeout_ms = spec->timeout_ms ? spec->timeout_ms : RUN_TIMEOUT_MS,
	};
	if (check_exec(ctx, &po, &pr, e) < 0)
		goto out;
	char *artifact = find_artifact(crash_dir);
	if (pr.exited && pr.exit_code == 0 && !artifact) {
		long done = executed(&pr);
		out->status = VS_PASS;
		check_set_message(
		    out,
		    "no crash in %ld inputs (seed %ld, inputs up to %ld bytes)",
		    done > 0 ? done : runs, seed, max_len);
		check_set_value(out, (double)(done > 0 ? done : runs),
				">=", (double)runs, "inputs");
	} else {
		judge_crash(ctx, &pr, artifact, out, e);
	}
	free(artifact);
	proc_result_release(&pr);
	rc = 0;
out:
	free(corpus_dir);
	free(crash_dir);
	return rc;
}

static int run(struct check_ctx *ctx, const struct check_spec *spec,
	       struct check_result *out, struct err *e)
{
	struct build_result r;
	char *harness = NULL, *learner = NULL, *exe = NULL;
	int rc = -1;

	if (!ctx->build->clang) {
		check_set_skip(
		    out, "clang",
		    "clang not found: the fuzzer needs clang's libFuzzer");
		return 0;
	}
	harness =
	    fuzz_object(ctx, check_param_str(spec, "harness", NULL), &r, e);
	if (!harness && !e->msg[0]) {
		check_take_build(out, &r);
		err_set(e,
			"the fuzz harness '%s' does not compile with clang (a "
			"lesson bug)",
			path_basename(check_param_str(spec, "harness", "")));
	}
	build_result_release(&r);
	if (!harness)
		goto out;
	learner = fuzz_object(ctx, ctx->source, &r, e);
	if (!learner && !e->msg[0]) {
		out->status = VS_FAIL;
		check_take_build(out, &r);
		check_set_message(
		    out, "clang cannot compile your file for the fuzzer");
		rc = 0;
	}
	build_result_release(&r);
	if (!learner)
		goto out;
	exe = link_fuzzer(ctx, harness, learner, out, e);
	if (!exe) {
		rc = e->msg[0] ? -1 : 0;
		goto out;
	}
	rc = fuzz_run(ctx, spec, exe, out, e);
out:
	free(harness);
	free(learner);
	free(exe);
	return rc;
}

const struct check_kind check_fuzz = {
    .name = "fuzz",
    .stage = STAGE_VERIFY,
    .positional = "harness",
    .fields = fields,
    .summary = "libFuzzer with a fixed seed and run count finds no crash",
    .run = run,
};
