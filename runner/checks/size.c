/*
 * size { section = ".text", max = 256 }
 * size { artifact = "program", max = 65536 }
 *
 * A byte budget on something built from the learner's file:
 *   artifact "freestanding" (default): the object a freestanding build
 *       makes (-ffreestanding -nostdlib -Os, the same flags and the same
 *       cached object as the freestanding check);
 *   artifact "program": the learner's program (its own main), built with
 *       -Os and linked stripped (-s).
 * With `section`, the budget is on that section of the ELF file, counting
 * its subsections too (".text" sums .text, .text.startup, .text.unlikely
 * ...); without, on the whole file.  The report lists every allocated
 * section and, when the file has a symbol table, the functions in the
 * counted section from the largest down: that is where the bytes went.
 */
#define _GNU_SOURCE
#include "check.h"

#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/path.h"
#include "util/xalloc.h"

static const struct check_field fields[] = {
    {"max", PARAM_INT, 1, "the budget in bytes"},
    {"section", PARAM_STR, 0,
     "an ELF section, e.g. \".text\" (default: the whole file)"},
    {"artifact", PARAM_STR, 0, "\"freestanding\" (default) or \"program\""},
    {NULL, 0, 0, NULL},
};

/* Keep in step with free_flags in freestanding.c: the same job is the
 * same cached object. */
static const char *const free_flags[] = {
    "-ffreestanding",
    "-nostdlib",
    "-fno-stack-protector",
    "-fno-asynchronous-unwind-tables",
    "-fno-pie",
    NULL,
};

#define ELF_MAX	  ((size_t)64 << 20)
#define MAX_FUNCS 12

/* --- building --------------------------------------------------------------
 */

static char *build(struct check_ctx *ctx, const struct build_job *j,
		   const char *what, struct check_result *out, struct err *e)
{
	struct build_result r;
	char *obj;

	e->msg[0] = '\0';
	obj = build_cached_object(ctx->build, j, &r, e);
	if (!obj && !e->msg[0]) {
		out->status = VS_FAIL;
		check_take_build(out, &r);
		check_set_message(out, "%s", what);
	}
	build_result_release(&r);
	return obj;
}

static char *artifact(struct check_ctx *ctx, const char *kind,
		      struct check_result *out, struct err *e)
{
	const char *src[] = {ctx->source, NULL};

	if (!strcmp(kind, "freestanding")) {
		struct build_job j = {.sources = src,
				      .std = "c11",
				      .opt = "-Os",
				      .cflags = free_flags};
		return build(ctx, &j,
			     "the file does not compile without a C library "
			     "(-ffreestanding)",
			     out, e);
	}
	struct build_job cj = {.sources = src, .std = "c11", .opt = "-Os"};
	char *obj =
	    build(ctx, &cj, "the file does not compile with -Os", out, e);
	if (!obj)
		return NULL;
	const char *objs[] = {obj, NULL};
	static const char *const strip[] = {"-s", NULL};
	struct build_job lj = {
	    .sources = objs, .link = 1, .opt = "-Os", .ldflags = strip};
	char *exe = build(
	    ctx, &lj, "the program does not link (is main missing?)", out, e);
	free(obj);
	return exe;
}

/* --- reading ELF -----------------------------------------------------------
 */

struct elf {
	const unsigned char *p;
	size_t len;
	int is64;
};

/* A little-endian field of n bytes at off; 0 when out of bounds. */
static uint64_t rd(const struct elf *f, size_t off, size_t n)
{
	uint64_t v = 0;

	if (off > f->len || n > f->len - off)
		return 0;
	for (size_t i = 0; i < n; i++)
		v |= (uint64_t)f->p[off + i] << (8 * i);
	return v;
}

struct shdr {
	uint32_t name, type, link;
	uint64_t flags, offset, size, entsize;
};

static int section_header(const struct elf *f, size_t i, struct shdr *s)
{
	uint64_t shoff = f->is64 ? rd(f, 0x28, 8) : rd(f, 0x20, 4);
	size_t esz = (size_t)rd(f, f->is64 ? 0x3a : 0x2e, 2);
	size_t off;

	if (esz < (f->is64 ? 64u : 40u) || shoff > f->len)
		return -1;
	off = (size_t)shoff + i * esz;
	if (off > f->len || esz > f->len - off)
		return -1;
	s->name = (uint32_t)rd(f, off, 4);
	s->type = (uint32_t)rd(f, off + 4, 4);
	if (f->is64) {
		s->flags = rd(f, off + 8, 8);
		s->offset = rd(f, off + 24, 8);
		s->size = rd(f, off + 32, 8);
		s->link = (uint32_t)rd(f, off + 40, 4);
		s->entsize = rd(f, off + 56, 8);
	} else {
		s->flags = rd(f, off + 8, 4);
		s->offset = rd(f, off + 16, 4);
		s->size = rd(f, off + 20, 4);
		s->link = (uint32_t)rd(f, off + 24, 4);
		s->entsize = rd(f, off + 36, 4);
	}
	return 0;
}

static size_t section_count(const struct elf *f)
{
	return (size_t)rd(f, f->is64 ? 0x3c : 0x30, 2);
}

/* A NUL-terminated name inside string table section `tab`, or "". */
static const char *str_at(const struct elf *f, const struct shdr *tab,
			  uint64_t idx)
{
	if (tab->offset > f->len || idx >= tab->size ||
	    tab->offset + idx >= f->len)
		return "";
	const char *s = (const char *)f->p + tab->offset + idx;
	size_t room = f->len - (size_t)(tab->offset + idx);
	return memchr(s, '\0', room) ? s : "";
}

static const char *section_name(const struct elf *f, size_t i)
{
	struct shdr s, names;
	size_t idx = (size_t)rd(f, f->is64 ? 0x3e : 0x32, 2);

	if (section_header(f, i, &s) < 0 || section_header(f, idx, &names) < 0)
		return "";
	return str_at(f, &names, s.name);
}

static int elf_open(struct elf *f, const char *data, size_t len)
{
	f->p = (const unsigned char *)data;
	f->len = len;
	if (len < 0x40 || memcmp(data, ELFMAG, SELFMAG) ||
	    f->p[EI_DATA] != ELFDATA2LSB)
		return -1;
	f->is64 = f->p[EI_CLASS] == ELFCLASS64;
	return 0;
}

/* ".text" counts .text and .text.anything. */
static int counted(const char *name, const char *section)
{
	size_t n = strlen(section);

	return !strncmp(name, section, n) &&
	       (name[n] == '\0' || name[n] == '.');
}

struct func {
	const char *name;
	uint64_t size;
};

static int by_size(const void *a, const void *b)
{
	const struct func *x = a, *y = b;

	return x->size < y->size   ? 1
	       : x->size > y->size ? -1
				   : strcmp(x->name, y->name);
}

/* The functions in counted sections, largest first, into t and `top`. */
static void functions(const struct elf *f, const char *section, struct buf *t,
		      char *top, size_t ntop)
{
	size_t nsec = section_count(f), nf = 0, cap = 0;
	struct func *v = NULL;
	struct shdr sym, str;

	top[0] = '\0';
	for (size_t i = 0; i < nsec; i++) {
		if (section_header(f, i, &sym) < 0 || sym.type != SHT_SYMTAB ||
		    section_header(f, sym.link, &str) < 0)
			continue;
		size_t esz = f->is64 ? 24 : 16;
		if (sym.offset > f->len)
			continue;
		/* The table's end, never past the file's. */
		uint64_t end = sym.size > f->len - sym.offset
				   ? f->len
				   : sym.offset + sym.size;
		for (uint64_t off = sym.offset; off + esz <= end; off += esz) {
			uint32_t name = (uint32_t)rd(f, (size_t)off, 4);
			unsigned info = (unsigned)rd(
			    f, (size_t)off + (f->is64 ? 4 : 12), 1);
			unsigned shndx = (unsigned)rd(
			    f, (size_t)off + (f->is64 ? 6 : 14), 2);
			uint64_t size = f->is64 ? rd(f, (size_t)off + 16, 8)
						: rd(f, (size_t)off + 8, 4);
			if ((info & 0xf) != STT_FUNC || shndx == SHN_UNDEF ||
			    shndx >= SHN_LORESERVE ||
			    !counted(section_name(f, shndx), section))
				continue;
			v = xgrow(v, &cap, nf + 1, sizeof(*v));
			v[nf].name = str_at(f, &str, name);
			v[nf++].size = size;
		}
	}
	if (nf) {
		qsort(v, nf, sizeof(*v), by_size);
		buf_printf(t, "functions in %s, largest first:\n", section);
	}
	for (size_t i = 0; i < nf && i < MAX_FUNCS; i++) {
		buf_printf(t, "  %-28s %6llu bytes\n", v[i].name,
			   (unsigned long long)v[i].size);
		size_t o = strlen(top);
		if (i < 3 && o + 1 < ntop)
			snprintf(top + o, ntop - o, "%s%s %llu", i ? ", " : "",
				 v[i].name, (unsigned long long)v[i].size);
	}
	free(v);
}

/* Sum the counted sections and list the allocated ones. */
static uint64_t section_bytes(const struct elf *f, const char *section,
			      struct buf *t, int *found)
{
	size_t nsec = section_count(f);
	uint64_t total = 0;
	struct shdr s;

	*found = 0;
	buf_printf(t, "sections:\n");
	for (size_t i = 1; i < nsec; i++) {
		if (section_header(f, i, &s) < 0)
			continue;
		const char *name = section_name(f, i);
		if ((s.flags & SHF_ALLOC) && s.size)
			buf_printf(t, "  %-28s %6llu bytes\n", name,
				   (unsigned long long)s.size);
		if ((s.flags & SHF_ALLOC) && counted(name, section)) {
			total += s.size;
			*found = 1;
		}
	}
	return total;
}

/* --- the check ---------------------------------------------------------------
 */

static int run(struct check_ctx *ctx, const struct check_spec *spec,
	       struct check_result *out, struct err *e)
{
	const char *kind = check_param_str(spec, "artifact", "freestanding");
	const char *section = check_param_str(spec, "section", NULL);
	long long max = check_param_int(spec, "max", 0);
	char *file, *data;
	char top[200] = "", what[64];
	size_t len;
	struct elf f;
	struct buf t;
	uint64_t got;
	int found = 1;

	if (strcmp(kind, "freestanding") && strcmp(kind, "program"))
		return err_set(e,
			       "size: artifact must be \"freestanding\" or "
			       "\"program\", not '%s' (a lesson bug)",
			       kind);
	if (max <= 0)
		return err_set(e, "size: max must be above 0 (a lesson bug)");
	file = artifact(ctx, kind, out, e);
	if (!file)
		return e->msg[0] ? -1 : 0;
	data = path_read_file(file, ELF_MAX, &len, e);
	free(file);
	if (!data)
		return -1;
	buf_init(&t, OUTPUT_EXCERPT_MAX);
	if (elf_open(&f, data, len) < 0) {
		free(data);
		buf_release(&t);
		return err_set(
		    e, "size: the %s is not a little-endian ELF file", kind);
	}
	if (section) {
		got = section_bytes(&f, section, &t, &found);
		functions(&f, section, &t, top, sizeof(top));
		snprintf(what, sizeof(what), "%s", section);
	} else {
		got = len;
		section_bytes(&f, ".text", &t, &found);
		snprintf(what, sizeof(what), "the %s file", kind);
	}
	check_set_value(out, (double)got, "<=", (double)max, "bytes");
	out->status = got <= (uint64_t)max ? VS_PASS : VS_FAIL;
	if (!found)
		check_set_message(
		    out,
		    "there is no %s section at all (0 bytes), needs <= %lld",
		    section, max);
	else
		check_set_message(out, "%s is %llu bytes, needs <= %lld%s%s%s",
				  what, (unsigned long long)got, max,
				  top[0] ? " (" : "", top, top[0] ? ")" : "");
	check_set_output(out, buf_cstr(&t), t.len, 0);
	buf_release(&t);
	free(data);
	return 0;
}

const struct check_kind check_size = {
    .name = "size",
    .stage = STAGE_VERIFY,
    .positional = NULL,
    .fields = fields,
    .summary = "a section (or the whole file) of the freestanding object "
	       "or the program stays under a byte budget",
    .run = run,
};
