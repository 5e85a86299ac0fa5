/*
 * forbid { "malloc", "calloc", "realloc", "free",
 *          reason = "an arena hands out memory it already owns" }
 * forbid { symbols = { "strcpy", "strcat", "sprintf", "gets" } }
 *
 * The learner's object must not reference these symbols.  The file is
 * compiled with -O0 -fno-builtin, so that what the learner wrote is what
 * the object calls (at -O1 gcc turns some strcpy calls into memcpy, and
 * some sprintf calls into strcpy), and its undefined symbols are read with
 * nm.  The fortified and versioned names glibc uses for the same function
 * (__strcpy_chk, __isoc99_sscanf) count as the function.  objdump's line
 * table then says where each forbidden call is.
 */
#define _GNU_SOURCE
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/xalloc.h"

static const struct check_field fields[] = {
    {"symbols", PARAM_LIST, 1,
     "functions (or variables) the learner's object must not reference"},
    {"reason", PARAM_STR, 0, "why, for the message (one short clause)"},
    {NULL, 0, 0, NULL},
};

#define TOOL_TIMEOUT_MS 30000

/* Run a binutils tool on an object; its stdout in out.  0, 1 when the
 * tool is missing, -1 on error. */
static int tool(const char *name, const char *const *args, const char *obj,
		struct buf *out, struct err *e)
{
	static char path[] = "PATH=/usr/local/bin:/usr/bin:/bin";
	static char lc[] = "LC_ALL=C";
	static char *env[] = {path, lc, NULL};
	char *exe = proc_which(name);
	char *argv[8];
	size_t n = 0;
	struct proc_opts po = {.env = env, .timeout_ms = TOOL_TIMEOUT_MS};
	struct proc_result pr;

	if (!exe)
		return 1;
	argv[n++] = exe;
	for (; *args && n < 6; args++)
		argv[n++] = (char *)*args;
	argv[n++] = (char *)obj;
	argv[n] = NULL;
	po.argv = argv;
	if (proc_run(&po, &pr, e) < 0) {
		free(exe);
		return -1;
	}
	free(exe);
	if (!pr.exited || pr.exit_code != 0) {
		err_set(e, "%s failed on '%s': %.200s", name, obj,
			pr.err.len ? buf_cstr(&pr.err) : "no message");
		proc_result_release(&pr);
		return -1;
	}
	buf_add(out, buf_cstr(&pr.out), pr.out.len);
	proc_result_release(&pr);
	return 0;
}

/* The plain name of a symbol as the object spells it: "strcpy@GLIBC_2.2.5"
 * and "__strcpy_chk" are strcpy, "__isoc99_sscanf" is sscanf. */
static void plain_name(const char *sym, size_t len, char *out, size_t n)
{
	static const char *const prefixes[] = {"__isoc99_", "__isoc23_", NULL};
	size_t at = strcspn(sym, "@");

	if (at < len)
		len = at;
	for (size_t i = 0; prefixes[i]; i++) {
		size_t pl = strlen(prefixes[i]);
		if (len > pl && !strncmp(sym, prefixes[i], pl)) {
			sym += pl;
			len -= pl;
		}
	}
	if (len > 6 && !strncmp(sym, "__", 2) &&
	    !strncmp(sym + len - 4, "_chk", 4)) {
		sym += 2;
		len -= 6;
	}
	snprintf(out, n, "%.*s", (int)len, sym);
}

static int listed(char *const *list, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i], name))
			return 1;
	return 0;
}

/* The next line of text in [*p, end), without its newline. */
static int next_line(const char **p, const char *end, const char **line,
		     size_t *len)
{
	const char *nl;

	if (*p >= end)
		return 0;
	nl = memchr(*p, '\n', (size_t)(end - *p));
	*line = *p;
	*len = nl ? (size_t)(nl - *p) : (size_t)(end - *p);
	*p += *len + 1;
	return 1;
}

/* The forbidden names among the undefined symbols (nm -u -P: "name U"
 * per line), each once, into found[]; their number. */
static size_t forbidden_refs(const struct buf *nm, char **forbid, size_t nf,
			     char found[][64], size_t max)
{
	const char *p = buf_cstr(nm), *end = p + nm->len, *line;
	char *seen[16];
	size_t len, n = 0;

	while (next_line(&p, end, &line, &len) && n < max && n < 16) {
		char name[64];
		plain_name(line,
			   strcspn(line, " \n") < len ? strcspn(line, " \n")
						      : len,
			   name, sizeof(name));
		if (listed(forbid, nf, name) && !listed(seen, n, name)) {
			snprintf(found[n], 64, "%s", name);
			seen[n] = found[n];
			n++;
		}
	}
	return n;
}

/* The line of `file` where `sym` is first referenced, from objdump -dlr
 * output: "/path/x.c:23" lines give the place, relocation lines such as
 * "\t\t\t1f: R_X86_64_PLT32\tstrcpy-0x4" the symbol.  0 when unknown. */
static int first_line(const struct buf *dump, const char *sym, const char *file)
{
	const char *p = buf_cstr(dump), *end = p + dump->len, *line;
	size_t fl = strlen(file), len;
	long at = 0;

	while (next_line(&p, end, &line, &len)) {
		const char *tab;
		char name[64];
		if (len > fl + 1 && !strncmp(line, file, fl) &&
		    line[fl] == ':') {
			at = strtol(line + fl + 1, NULL, 10);
			continue;
		}
		if (!memmem(line, len, ": R_", 4))
			continue;
		tab = memrchr(line, '\t', len);
		if (!tab)
			continue;
		tab++;
		plain_name(tab,
			   strcspn(tab, "-+\n") < (size_t)(line + len - tab)
			       ? strcspn(tab, "-+\n")
			       : (size_t)(line + len - tab),
			   name, sizeof(name));
		if (!strcmp(name, sym) && at > 0 && at < 1000000)
			return (int)at;
	}
	return 0;
}

static int run(struct check_ctx *ctx, const struct check_spec *spec,
	       struct check_result *out, struct err *e)
{
	size_t nf;
	char **forbid = check_param_list(spec, "symbols", &nf);
	const char *reason = check_param_str(spec, "reason", NULL);
	static const char *const cflags[] = {"-fno-builtin", NULL};
	static const char *const nm_args[] = {"-u", "-P", NULL};
	static const char *const od_args[] = {"-dlr", "--no-show-raw-insn",
					      NULL};
	const char *src[] = {ctx->source, NULL};
	struct build_job j = {
	    .sources = src, .std = "c11", .opt = "-O0 -g", .cflags = cflags};
	struct build_result r;
	struct buf nm, dump, list;
	char found[16][64];
	char *obj;
	int rc;

	e->msg[0] = '\0';
	obj = build_cached_object(ctx->build, &j, &r, e);
	if (!obj) {
		if (!e->msg[0]) {
			out->status = VS_FAIL;
			check_take_build(out, &r);
			check_set_message(out, "the file does not compile");
		}
		build_result_release(&r);
		return e->msg[0] ? -1 : 0;
	}
	build_result_release(&r);
	buf_init(&nm, BUF_CAPTURE_MAX);
	buf_init(&dump, BUF_CAPTURE_MAX);
	buf_init(&list, 4096);
	rc = tool("nm", nm_args, obj, &nm, e);
	if (rc == 1) {
		check_set_skip(
		    out, "binutils",
		    "nm not found: cannot list the symbols your file uses");
		rc = 0;
		goto out;
	}
	if (rc < 0)
		goto out;
	size_t n = forbidden_refs(&nm, forbid, nf, found, 16);
	if (n == 0) {
		out->status = VS_PASS;
		for (size_t i = 0; i < nf; i++)
			buf_printf(&list, "%s%s", i ? ", " : "", forbid[i]);
		check_set_message(out, "uses none of %s", buf_cstr(&list));
		goto out;
	}
	/* Where: best effort; without objdump the names are enough. */
	if (tool("objdump", od_args, obj, &dump, e) != 0)
		err_clear(e);
	for (size_t i = 0; i < n; i++) {
		int line = first_line(&dump, found[i], ctx->source);
		char msg[160];
		snprintf(msg, sizeof(msg),
			 "'%s' is not allowed in this exercise%s%s", found[i],
			 reason ? ": " : "", reason ? reason : "");
		diag_list_add(&out->diags, "forbid", "error", ctx->source, line,
			      0, found[i], msg, NULL);
		if (line)
			buf_printf(&list, "%s%s (line %d)", i ? ", " : "",
				   found[i], line);
		else
			buf_printf(&list, "%s%s", i ? ", " : "", found[i]);
	}
	out->status = VS_FAIL;
	check_set_message(out, "uses %s, which %s not allowed here%s%s",
			  buf_cstr(&list), n == 1 ? "is" : "are",
			  reason ? ": " : "", reason ? reason : "");
	rc = 0;
out:
	buf_release(&nm);
	buf_release(&dump);
	buf_release(&list);
	free(obj);
	return rc;
}

const struct check_kind check_forbid = {
    .name = "forbid",
    .stage = STAGE_VERIFY,
    .positional = "symbols",
    .fields = fields,
    .summary = "the learner's object does not reference these symbols (nm)",
    .run = run,
};
