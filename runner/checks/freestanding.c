/*
 * freestanding { }
 * freestanding { allow = { "board_delay" }, cflags = { ... } }
 * freestanding { name = "cortex-m", target = "cortex-m3",
 *                board = "board_cm3.c", ldscript = "cm3.ld" }
 *
 * The learner's file builds the way firmware is built: no operating system
 * and no C library (-ffreestanding -nostdlib -Os, no stack protector, no
 * unwind tables, not position independent), and the object needs nothing
 * from outside: `nm -u` lists no symbol, apart from the ones in `allow`
 * (functions a board file would provide).  gcc may call memset, memcpy,
 * memmove and memcmp even in a freestanding build (for large copies and
 * zeroing), and those count too: on a real board nobody provides them
 * unless you do.
 *
 * With `target`, the same is done with arm-none-eabi-gcc for that CPU
 * (-mcpu=TARGET -mthumb).  With `board` as well, the object is linked with
 * the board file (vector table, start-up, a test loop that talks through
 * semihosting) and run on an emulated machine with qemu-system-arm; the
 * run passes when the board exits through semihosting's "application
 * exit".  Each tool that is missing makes the check skip, naming its
 * package: these are optional.
 */
#define _GNU_SOURCE
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/path.h"
#include "util/xalloc.h"

static const struct check_field fields[] = {
    {"allow", PARAM_LIST, 0,
     "symbols that may stay undefined (provided by a board file)"},
    {"cflags", PARAM_LIST, 0, "extra compiler flags"},
    {"target", PARAM_STR, 0,
     "cross-build for this ARM CPU, e.g. \"cortex-m3\" (needs "
     "arm-none-eabi-gcc; skip without)"},
    {"board", PARAM_FILE, 0,
     "with target: a board file to link with and run under "
     "qemu-system-arm (skip without)"},
    {"ldscript", PARAM_FILE, 0, "with board: the linker script"},
    {"machine", PARAM_STR, 0,
     "with board: the qemu machine (default \"lm3s6965evb\")"},
    {NULL, 0, 0, NULL},
};

/* The flags of a freestanding build.  size { artifact = "freestanding" }
 * builds with the same list, so both checks share one cached object. */
static const char *const free_flags[] = {
    "-ffreestanding",
    "-nostdlib",
    "-fno-stack-protector",
    "-fno-asynchronous-unwind-tables",
    "-fno-pie",
    NULL,
};

#define ARM_CC		"arm-none-eabi-gcc"
#define ARM_NM		"arm-none-eabi-nm"
#define QEMU		"qemu-system-arm"
#define QEMU_TIMEOUT_MS 20000
#define TOOL_TIMEOUT_MS 20000
#define LDSCRIPT_MAX	(64 * 1024)

/* Why a symbol is missing, for the common ones. */
static const struct {
	const char *prefix;
	const char *why;
} reasons[] = {
    {"mem", "gcc calls memset/memcpy/memmove/memcmp for big zeroing, "
	    "copies and compares even in freestanding code: write the loop, "
	    "or provide the function yourself"},
    {"str", "the string functions are part of the C library"},
    {"malloc", "there is no heap without a C library: use static storage"},
    {"calloc", "there is no heap without a C library: use static storage"},
    {"realloc", "there is no heap without a C library: use static storage"},
    {"free", "there is no heap without a C library: use static storage"},
    {"printf", "there is no stdio: no console to print to"},
    {"puts", "there is no stdio: no console to print to"},
    {"putchar", "there is no stdio: no console to print to"},
    {"abort", "abort() comes from the C library"},
    {"__stack_chk", "the stack protector needs the C library"},
    {"__aeabi_", "a libgcc helper (this CPU has no instruction for it)"},
    {"__udiv", "a libgcc helper for division"},
    {"__div", "a libgcc helper for division"},
};

static const char *reason_for(const char *sym)
{
	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (!strncmp(sym, reasons[i].prefix, strlen(reasons[i].prefix)))
			return reasons[i].why;
	return NULL;
}

/* The cflags of this check: the fixed ones, the target's, the lesson's.
 * Strings borrowed; free the array. */
static const char **flags_for(const char *target, char **extra, size_t nextra,
			      char *cpu, size_t ncpu)
{
	size_t n = 0, k = 0;

	while (free_flags[n])
		n++;
	const char **f = xcalloc(n + nextra + 3, sizeof(*f));
	for (size_t i = 0; i < n; i++)
		f[k++] = free_flags[i];
	if (target) {
		snprintf(cpu, ncpu, "-mcpu=%s", target);
		f[k++] = cpu;
		f[k++] = "-mthumb";
	}
	for (size_t i = 0; i < nextra; i++)
		f[k++] = extra[i];
	return f;
}

/* Compile one file freestanding; a failure of the learner's file is a
 * verdict, of the lesson's board file our error. */
static char *compile(struct check_ctx *ctx, const char *cc, const char *src,
		     const char *const *flags, int ours,
		     struct check_result *out, struct err *e)
{
	const char *srcs[] = {src, NULL};
	struct build_job j = {
	    .compiler = cc,
	    .sources = srcs,
	    .std = "c11",
	    .opt = "-Os",
	    .cflags = flags,
	};
	struct build_result r;
	char *obj;

	e->msg[0] = '\0';
	obj = build_cached_object(ctx->build, &j, &r, e);
	if (!obj && !e->msg[0]) {
		check_take_build(out, &r);
		if (ours) {
			err_set(e, "'%s' does not compile (a lesson bug)",
				path_basename(src));
		} else {
			out->status = VS_FAIL;
			check_set_message(out,
					  "the file does not compile without a "
					  "C library (-ffreestanding)");
		}
	}
	build_result_release(&r);
	return obj;
}

static int allowed(const char *sym, char **allow, size_t nallow)
{
	for (size_t i = 0; i < nallow; i++)
		if (!strcmp(sym, allow[i]))
			return 1;
	return 0;
}

/* nm -u -P: "name U" lines.  The undefined symbols not allowed go into
 * `bad` (one per line); returns how many, or -1 with e set. */
static int undefined(struct check_ctx *ctx, const char *nm, const char *obj,
		     char **allow, size_t nallow, struct buf *bad,
		     struct err *e)
{
	char *argv[] = {(char *)nm, (char *)"-u", (char *)"-P", (char *)obj,
			NULL};
	struct proc_opts po = {.argv = argv, .timeout_ms = TOOL_TIMEOUT_MS};
	struct proc_result pr;
	int n = 0;

	if (check_exec(ctx, &po, &pr, e) < 0)
		return -1;
	if (!pr.exited || pr.exit_code != 0) {
		err_set(e, "%s failed on the object: %.200s", nm,
			buf_cstr(&pr.err));
		proc_result_release(&pr);
		return -1;
	}
	const char *text = buf_cstr(&pr.out);
	for (const char *p = text; *p;) {
		size_t len = strcspn(p, "\n");
		size_t w = strcspn(p, " \n");
		char sym[256];
		if (w > 0 && w < sizeof(sym) && w + 2 <= len &&
		    p[w + 1] == 'U') {
			memcpy(sym, p, w);
			sym[w] = '\0';
			if (!allowed(sym, allow, nallow)) {
				buf_printf(bad, "%s\n", sym);
				n++;
			}
		}
		p += len + (p[len] == '\n');
	}
	proc_result_release(&pr);
	return n;
}

/* The verdict on the undefined symbols. */
static void report_symbols(struct check_result *out, const struct buf *bad,
			   int n, const char *how)
{
	struct buf t, list;

	if (n == 0) {
		out->status = VS_PASS;
		check_set_message(
		    out, "builds %s and needs nothing from a C library", how);
		return;
	}
	buf_init(&t, OUTPUT_EXCERPT_MAX);
	buf_init(&list, 512);
	for (const char *p = buf_cstr(bad); *p;) {
		size_t len = strcspn(p, "\n");
		char sym[256];
		snprintf(sym, sizeof(sym), "%.*s", (int)len, p);
		const char *why = reason_for(sym);
		buf_printf(&t, "  %-20s %s\n", sym, why ? why : "");
		buf_printf(&list, "%s%s", list.len ? ", " : "", sym);
		p += len + (p[len] == '\n');
	}
	out->status = VS_FAIL;
	check_set_message(out,
			  "built %s, the object still needs %s from outside: "
			  "nothing provides %s on a bare board",
			  how, buf_cstr(&list), n == 1 ? "it" : "them");
	check_set_output(out, buf_cstr(&t), t.len, 0);
	buf_release(&t);
	buf_release(&list);
}

/* "-T<copy>": the linker script copied into the build cache under a name
 * made from its bytes.  The compiler sees the cache in every kind of run
 * (in the sandbox, only the folders of a job's inputs and output are
 * visible, and a -T path is neither).  NULL with e set on error. */
static char *script_flag(struct check_ctx *ctx, const char *lds, struct err *e)
{
	size_t len;
	char *text = path_read_file(lds, LDSCRIPT_MAX, &len, e);
	char *copy, *flag = NULL;

	if (!text)
		return NULL;
	copy = xasprintf("%s/ld-%016llx.ld", ctx->build->cache_dir,
			 build_hash(BUILD_HASH_INIT, text, len));
	if (path_exists(copy) ||
	    (path_mkdirs(ctx->build->cache_dir, e) == 0 &&
	     path_write_file(copy, text, len, 0644, e) == 0))
		flag = xasprintf("-T%s", copy);
	free(copy);
	free(text);
	return flag;
}

/* Link with the board file and run under qemu. */
static int emulate(struct check_ctx *ctx, const struct check_spec *spec,
		   const char *cc, const char *learner_obj,
		   const char *const *flags, struct check_result *out,
		   struct err *e)
{
	const char *board = check_param_str(spec, "board", NULL);
	const char *lds = check_param_str(spec, "ldscript", NULL);
	const char *machine = check_param_str(spec, "machine", "lm3s6965evb");
	char *qemu = proc_which(QEMU), *board_obj = NULL, *fw = NULL;
	char *tflag = NULL;
	struct build_result r;
	char how[256];
	int rc = -1;

	if (!qemu) {
		check_set_skip(out, QEMU,
			       "%s not found: the run on an emulated Cortex-M "
			       "is optional",
			       QEMU);
		return 0;
	}
	board_obj = compile(ctx, cc, board, flags, 1, out, e);
	if (!board_obj)
		goto out;
	if (lds && !(tflag = script_flag(ctx, lds, e)))
		goto out;
	const char *objs[] = {board_obj, learner_obj, NULL};
	const char *ld[] = {"-nostdlib", "-lgcc", tflag, NULL};
	struct build_job j = {.compiler = cc,
			      .sources = objs,
			      .link = 1,
			      .opt = "-Os",
			      .cflags = flags,
			      .ldflags = ld};
	e->msg[0] = '\0';
	fw = build_cached_object(ctx->build, &j, &r, e);
	if (!fw && !e->msg[0]) {
		check_take_build(out, &r);
		out->status = VS_FAIL;
		check_set_message(out,
				  "the firmware does not link with the board "
				  "file (a function missing or misnamed?)");
		rc = 0;
	}
	build_result_release(&r);
	if (!fw)
		goto out;
	char *argv[] = {qemu,
			(char *)"-M",
			(char *)machine,
			(char *)"-nographic",
			(char *)"-monitor",
			(char *)"none",
			(char *)"-serial",
			(char *)"none",
			(char *)"-semihosting-config",
			(char *)"enable=on,target=native",
			(char *)"-kernel",
			fw,
			NULL};
	struct proc_opts po = {
	    .argv = argv, .timeout_ms = QEMU_TIMEOUT_MS, .merge_stderr = 1};
	struct proc_result pr;
	if (check_exec(ctx, &po, &pr, e) < 0)
		goto out;
	proc_describe(&pr, &po, how, sizeof(how));
	check_set_output(out, buf_cstr(&pr.out), pr.out.len, pr.out.truncated);
	if (pr.exited && pr.exit_code == 0) {
		out->status = VS_PASS;
		check_set_message(
		    out,
		    "runs on an emulated %s (%s) and the board's tests pass",
		    check_param_str(spec, "target", "?"), machine);
	} else {
		out->status = VS_FAIL;
		check_set_message(out,
				  "on the emulated %s the firmware %s: see the "
				  "board's output",
				  machine, how);
	}
	proc_result_release(&pr);
	rc = 0;
out:
	free(qemu);
	free(board_obj);
	free(fw);
	free(tflag);
	return rc;
}

static int run(struct check_ctx *ctx, const struct check_spec *spec,
	       struct check_result *out, struct err *e)
{
	const char *target = check_param_str(spec, "target", NULL);
	size_t nallow, nextra;
	char **allow = check_param_list(spec, "allow", &nallow);
	char **extra = check_param_list(spec, "cflags", &nextra);
	char cpu[64], how[96];
	char *cc = NULL, *obj = NULL;
	const char *nm = "nm";
	const char **flags;
	struct buf bad;
	int n, rc = -1;

	if (target) {
		cc = proc_which(ARM_CC);
		if (!cc) {
			check_set_skip(out, "gcc-arm-none-eabi",
				       "%s not found: the %s build is optional",
				       ARM_CC, target);
			return 0;
		}
		nm = ARM_NM;
	} else {
		char *have = proc_which("nm");
		if (!have) {
			check_set_skip(
			    out, "binutils",
			    "nm not found: it lists the symbols the object "
			    "needs");
			return 0;
		}
		free(have);
	}
	flags = flags_for(target, extra, nextra, cpu, sizeof(cpu));
	obj = compile(ctx, cc, ctx->source, flags, 0, out, e);
	if (!obj) {
		rc = e->msg[0] ? -1 : 0;
		goto out;
	}
	buf_init(&bad, 4096);
	n = undefined(ctx, nm, obj, allow, nallow, &bad, e);
	if (n >= 0) {
		snprintf(how, sizeof(how), "freestanding with -Os%s%s",
			 target ? " for " : "", target ? target : "");
		report_symbols(out, &bad, n, how);
		rc = 0;
		if (n == 0 && target && check_param_str(spec, "board", NULL))
			rc = emulate(ctx, spec, cc, obj, flags, out, e);
	}
	buf_release(&bad);
out:
	free((void *)flags);
	free(cc);
	free(obj);
	return rc;
}

const struct check_kind check_freestanding = {
    .name = "freestanding",
    .stage = STAGE_VERIFY,
    .positional = NULL,
    .fields = fields,
    .summary = "builds with -ffreestanding -nostdlib -Os and needs no "
	       "symbol from a C library",
    .run = run,
};
