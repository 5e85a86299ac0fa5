/*
 * workbook sandbox: run any command in the strict sandbox the grader uses
 * (sandbox.c), pass its output through, and write isolate-style meta lines.
 *
 *   workbook sandbox [--time S] [--wall S] [--mem SIZE] [--procs N]
 *                    [--require strict|basic] [--meta FILE] -- CMD ARGS...
 *
 * The box is the current folder (or --box DIR), bound read-write; the rest
 * of the file system is read-only system folders and a private /tmp.
 * Exit status: 0 when the command ended OK, 1 when it failed (RE, SG, TO,
 * OL, ML, FL), 2 for a sandbox error (XX, a probe that cannot meet
 * --require) or bad usage.
 */
#define _GNU_SOURCE
#include "cmd.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sandbox.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/path.h"
#include "util/xalloc.h"

#define USAGE                                                                  \
	"workbook sandbox [--time S] [--wall S] [--mem SIZE] [--procs N]\n"    \
	"                        [--fsize SIZE] [--output SIZE] [--tmp "       \
	"SIZE]\n"                                                              \
	"                        [--box DIR] [--bind DIR] [--bind-rw DIR]\n"   \
	"                        [--env K=V] [--stdin FILE] [--read FILE]\n"   \
	"                        [--require strict|basic|LAYERS]\n"            \
	"                        [--disable LAYERS] [--meta FILE]\n"           \
	"                        [--channel FD [--channel-file FILE]]\n"       \
	"                        [--uid-base N]\n"                             \
	"                        -- CMD ARGS...\n"                             \
	"       workbook sandbox --layers [--require LEVEL] [--disable "       \
	"LAYERS]"

static int usage(const char *why)
{
	if (why)
		fprintf(stderr, "workbook sandbox: %s\n", why);
	fprintf(stderr, "usage: %s\n", USAGE);
	return 2;
}

static int parse_seconds(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v <= 0 || v > 86400)
		return -1;
	*out = v;
	return 0;
}

/* "64M", "512k", "1G", "1000" (bytes). */
static int parse_size(const char *s, long long *out)
{
	char *end;
	double v;
	double mul = 1;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !isfinite(v) || v <= 0)
		return -1;
	switch (*end) {
	case 'k':
	case 'K':
		mul = 1024.0;
		end++;
		break;
	case 'm':
	case 'M':
		mul = 1024.0 * 1024;
		end++;
		break;
	case 'g':
	case 'G':
		mul = 1024.0 * 1024 * 1024;
		end++;
		break;
	default:
		break;
	}
	if (*end == 'i' && mul > 1)
		end++;
	if ((*end == 'B' || *end == 'b') && end[1] == '\0')
		end++;
	if (*end || v * mul > 1e15)
		return -1;
	*out = (long long)(v * mul);
	return 0;
}

static int parse_int(const char *s, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v <= 0 || v > 100000)
		return -1;
	*out = (int)v;
	return 0;
}

struct opts {
	struct sandbox_limits lim;
	const char *box;
	const char *meta;
	const char *require;
	const char *stdin_file;
	const char *read_file;
	const char *channel_file;
	int channel_fd;
	int uid_base;
	unsigned disable;
	int layers_only;
	struct sandbox_bind *binds;
	size_t nbinds, capbinds;
	char **env;
	size_t nenv, capenv;
};

static void env_set(struct opts *o, const char *kv)
{
	size_t klen = strcspn(kv, "=");

	for (size_t i = 0; i < o->nenv; i++)
		if (!strncmp(o->env[i], kv, klen) && o->env[i][klen] == '=') {
			free(o->env[i]);
			o->env[i] = xstrdup(kv);
			return;
		}
	o->env = xgrow(o->env, &o->capenv, o->nenv + 2, sizeof(char *));
	o->env[o->nenv++] = xstrdup(kv);
	o->env[o->nenv] = NULL;
}

static void add_bind(struct opts *o, const char *path, int writable)
{
	o->binds =
	    xgrow(o->binds, &o->capbinds, o->nbinds + 1, sizeof(*o->binds));
	o->binds[o->nbinds].path = path;
	o->binds[o->nbinds].writable = writable;
	o->nbinds++;
}

static void opts_release(struct opts *o)
{
	for (size_t i = 0; i < o->nenv; i++)
		free(o->env[i]);
	free(o->env);
	free(o->binds);
}

enum {
	OPT_TIME = 256,
	OPT_WALL,
	OPT_MEM,
	OPT_PROCS,
	OPT_FSIZE,
	OPT_OUTPUT,
	OPT_TMP,
	OPT_BOX,
	OPT_BIND,
	OPT_BIND_RW,
	OPT_ENV,
	OPT_STDIN,
	OPT_READ,
	OPT_REQUIRE,
	OPT_DISABLE,
	OPT_META,
	OPT_LAYERS,
	OPT_CHANNEL,
	OPT_CHANNEL_FILE,
	OPT_UID_BASE,
};

static int parse_one(struct opts *o, int c, const char *arg)
{
	struct err e;

	switch (c) {
	case OPT_TIME:
		return parse_seconds(arg, &o->lim.cpu_seconds);
	case OPT_WALL:
		return parse_seconds(arg, &o->lim.wall_seconds);
	case OPT_MEM:
		return parse_size(arg, &o->lim.mem_bytes);
	case OPT_PROCS:
		return parse_int(arg, &o->lim.procs);
	case OPT_FSIZE:
		return parse_size(arg, &o->lim.fsize_bytes);
	case OPT_OUTPUT:
		return parse_size(arg, &o->lim.output_bytes);
	case OPT_TMP:
		return parse_size(arg, &o->lim.tmp_bytes);
	case OPT_BOX:
		o->box = arg;
		return 0;
	case OPT_BIND:
	case OPT_BIND_RW:
		add_bind(o, arg, c == OPT_BIND_RW);
		return 0;
	case OPT_ENV:
		if (!strchr(arg, '=') || arg[0] == '=')
			return -1;
		env_set(o, arg);
		return 0;
	case OPT_STDIN:
		o->stdin_file = arg;
		return 0;
	case OPT_READ:
		o->read_file = arg;
		return 0;
	case OPT_REQUIRE:
		o->require = arg;
		return sandbox_layers_parse(arg, &(unsigned){0}, &e);
	case OPT_DISABLE:
		return sandbox_layers_parse(arg, &o->disable, &e);
	case OPT_META:
		o->meta = arg;
		return 0;
	case OPT_LAYERS:
		o->layers_only = 1;
		return 0;
	case OPT_CHANNEL:
		if (parse_int(arg, &o->channel_fd) < 0 || o->channel_fd < 3 ||
		    o->channel_fd > 1000)
			return -1;
		return 0;
	case OPT_CHANNEL_FILE:
		o->channel_file = arg;
		return 0;
	case OPT_UID_BASE:
		if (parse_int(arg, &o->uid_base) < 0 || o->uid_base < 1000)
			return -1;
		return 0;
	default:
		return -1;
	}
}

static int parse_args(struct opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"time", required_argument, NULL, OPT_TIME},
	    {"wall", required_argument, NULL, OPT_WALL},
	    {"mem", required_argument, NULL, OPT_MEM},
	    {"procs", required_argument, NULL, OPT_PROCS},
	    {"fsize", required_argument, NULL, OPT_FSIZE},
	    {"output", required_argument, NULL, OPT_OUTPUT},
	    {"tmp", required_argument, NULL, OPT_TMP},
	    {"box", required_argument, NULL, OPT_BOX},
	    {"bind", required_argument, NULL, OPT_BIND},
	    {"bind-rw", required_argument, NULL, OPT_BIND_RW},
	    {"env", required_argument, NULL, OPT_ENV},
	    {"stdin", required_argument, NULL, OPT_STDIN},
	    {"read", required_argument, NULL, OPT_READ},
	    {"require", required_argument, NULL, OPT_REQUIRE},
	    {"disable", required_argument, NULL, OPT_DISABLE},
	    {"meta", required_argument, NULL, OPT_META},
	    {"layers", no_argument, NULL, OPT_LAYERS},
	    {"channel", required_argument, NULL, OPT_CHANNEL},
	    {"channel-file", required_argument, NULL, OPT_CHANNEL_FILE},
	    {"uid-base", required_argument, NULL, OPT_UID_BASE},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c, idx = 0;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", longopts, &idx)) != -1) {
		if (c == 'h') {
			printf("usage: %s\n", USAGE);
			return 1;
		}
		if (c == '?' || c == ':') {
			char why[128];
			snprintf(why, sizeof(why), "bad option '%s'",
				 argv[optind - 1]);
			return usage(why) - 3;
		}
		if (parse_one(o, c, optarg) < 0) {
			char why[256];
			snprintf(why, sizeof(why), "bad value '%s' for '--%s'",
				 optarg, longopts[idx].name);
			return usage(why) - 3;
		}
	}
	return 0;
}

/* Result files (meta, channel) must be outside the box, so the program
 * cannot have planted anything there; they are opened before the run,
 * never following a symbolic link. */
static int open_result(const char *meta, const char *box, struct err *e)
{
	char *abs = path_absolute(meta);
	char *dir = path_dirname(abs);
	char *rdir = realpath(dir, NULL);
	char *rbox = realpath(box, NULL);
	int fd = -1;

	if (!rdir)
		err_errno(e, "cannot write '%s'", meta);
	else if (rbox && !strncmp(rdir, rbox, strlen(rbox)) &&
		 (rdir[strlen(rbox)] == '/' || rdir[strlen(rbox)] == '\0'))
		err_set(e, "'%s' must be outside the box", meta);
	else {
		fd = open(abs,
			  O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
			  0644);
		if (fd < 0)
			err_errno(e, "cannot write '%s'", meta);
	}
	free(abs);
	free(dir);
	free(rdir);
	free(rbox);
	return fd;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int print_layers(struct sandbox *sb)
{
	const char *missing = sandbox_missing(sb);

	printf("layers: %s\n", sandbox_layers(sb));
	if (*missing) {
		printf("missing:\n");
		for (const char *p = missing; *p;) {
			size_t n = strcspn(p, "\n");
			printf("  %.*s\n", (int)n, p);
			p += n;
			if (*p)
				p++;
		}
	}
	return 0;
}

static void base_env(struct opts *o, const char *box)
{
	char *home = xasprintf("HOME=%s", box);
	char **given = o->env;
	size_t n = o->nenv;

	o->env = NULL;
	o->nenv = o->capenv = 0;
	env_set(o, "PATH=/usr/local/bin:/usr/bin:/bin");
	env_set(o, home);
	env_set(o, "TMPDIR=/tmp");
	env_set(o, "LANG=C.UTF-8");
	free(home);
	for (size_t i = 0; i < n; i++) {
		env_set(o, given[i]);
		free(given[i]);
	}
	free(given);
}

static int run_command(struct sandbox *sb, struct opts *o, char **argv)
{
	struct sandbox_run_opts ro;
	struct sandbox_result r;
	struct err e;
	struct buf meta;
	char *box = o->box ? xstrdup(o->box) : getcwd(NULL, 0);
	char *input = NULL;
	size_t input_len = 0;
	int meta_fd = -1, ch_fd = -1, rc = 2;

	err_clear(&e);
	if (!box) {
		fprintf(stderr, "workbook sandbox: cannot get the current "
				"folder\n");
		return 2;
	}
	if (o->meta && (meta_fd = open_result(o->meta, box, &e)) < 0)
		goto out;
	if (o->channel_file &&
	    (ch_fd = open_result(o->channel_file, box, &e)) < 0)
		goto out;
	if (o->stdin_file) {
		input = path_read_file(
		    strcmp(o->stdin_file, "-") ? o->stdin_file : "/dev/stdin",
		    64u << 20, &input_len, &e);
		if (!input)
			goto out;
	}
	base_env(o, box);
	memset(&ro, 0, sizeof(ro));
	ro.argv = argv;
	ro.env = o->env;
	ro.box = box;
	ro.binds = o->binds;
	ro.nbinds = o->nbinds;
	ro.stdin_data = input;
	ro.stdin_len = input_len;
	ro.limits = o->lim;
	ro.channel_fd = o->channel_fd;
	ro.capture_max =
	    o->lim.output_bytes > 0 ? (size_t)o->lim.output_bytes : 8u << 20;
	if (sandbox_run(sb, &ro, &r, &e) < 0)
		goto out;

	write_all(1, r.out.data ? r.out.data : "", r.out.len);
	write_all(2, r.err.data ? r.err.data : "", r.err.len);
	buf_init(&meta, BUF_UNLIMITED);
	sandbox_meta_format(&r, &meta);
	if (o->channel_fd) {
		buf_printf(&meta, "channel-bytes:%zu\n", r.channel.total);
		if (ch_fd >= 0)
			write_all(ch_fd, r.channel.data ? r.channel.data : "",
				  r.channel.len);
	}
	if (o->read_file) {
		size_t len = 0;
		struct err re;
		char *text = sandbox_read_box_file(box, o->read_file,
						   BUF_CAPTURE_MAX, &len, &re);
		if (text)
			write_all(1, text, len);
		else
			buf_printf(&meta, "read-error:%s\n", re.msg);
		free(text);
	}
	if (meta_fd >= 0) {
		if (write_all(meta_fd, meta.data, meta.len) < 0)
			fprintf(stderr, "workbook sandbox: cannot write '%s'\n",
				o->meta);
	} else
		write_all(2, meta.data, meta.len);
	buf_release(&meta);
	rc = r.status == SB_OK ? 0 : r.status == SB_XX ? 2 : 1;
	sandbox_result_release(&r);
out:
	if (e.msg[0])
		fprintf(stderr, "workbook sandbox: %s\n", e.msg);
	if (meta_fd >= 0)
		close(meta_fd);
	if (ch_fd >= 0)
		close(ch_fd);
	free(input);
	free(box);
	return rc;
}

int cmd_sandbox(int argc, char **argv)
{
	struct opts o;
	struct sandbox_config cfg;
	struct sandbox *sb;
	struct err e;
	int rc;

	memset(&o, 0, sizeof(o));
	rc = parse_args(&o, argc, argv);
	if (rc != 0) {
		opts_release(&o);
		return rc < 0 ? 2 : 0;
	}
	if (!o.layers_only && optind >= argc) {
		opts_release(&o);
		return usage("no command given");
	}
	if (o.channel_file && !o.channel_fd) {
		opts_release(&o);
		return usage("--channel-file needs --channel");
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.require = o.require;
	cfg.disable = o.disable;
	cfg.uid_base = (unsigned)o.uid_base;
	err_clear(&e);
	sb = sandbox_new(&cfg, &e);
	if (!sb) {
		fprintf(stderr, "workbook sandbox: %s\n", e.msg);
		opts_release(&o);
		return 2;
	}
	if (o.layers_only)
		rc = print_layers(sb);
	else
		rc = run_command(sb, &o, argv + optind);
	sandbox_free(sb);
	opts_release(&o);
	return rc;
}
