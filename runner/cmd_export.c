/*
 * workbook export --student DIR [--git] [--tar FILE] [--github-classroom]:
 * a copy of the course to hand out: lessons/ with every hidden check taken
 * out of lesson.lua (and the files only hidden checks use), exercises/
 * with the pristine starters, no solutions/.  When the course lives in the
 * workbook repository, the program's sources come along (runner/,
 * scripts/, Makefile, README.md, docs/) so students can `make run`;
 * tests/ stays behind.
 *
 * Hidden checks leave lesson.lua by two conventions (docs/instructor-
 * guide.md, "Hidden checks"):
 *   - a line that holds a whole check with `hidden = true` on it
 *       tests { file = "edge_test.c", hidden = true, points = 1 },
 *   - every line from one reading `-- hidden {` to one reading
 *     `-- hidden }`, for a check written over several lines.
 * Anything else that says `hidden = true` is an error.  The copy is then
 * loaded as a course of its own and must hold every visible check and no
 * hidden one, or the export fails and leaves nothing behind.
 */
#include "cmd.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "proc.h"
#include "script.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/path.h"
#include "util/xalloc.h"

#define USAGE	   "export --student DIR [--git] [--tar FILE] [--github-classroom]"
#define LESSON_MAX ((size_t)1 << 20)
#define WORKFLOW   "scripts/github-classroom/workbook.yml"

struct export
{
	struct app *a;
	const char *to; /* absolute destination */
	char **drop;	/* absolute paths of files not to copy */
	size_t ndrop;
	size_t nhidden; /* of which files only hidden checks use */
	regex_t open_re, close_re, hidden_re;
};

/* --- which files stay behind ------------------------------------------- */

static void drop_add(struct export *x, const char *path)
{
	for (size_t i = 0; i < x->ndrop; i++)
		if (!strcmp(x->drop[i], path))
			return;
	x->drop = xrealloc(x->drop, (x->ndrop + 1) * sizeof(*x->drop));
	x->drop[x->ndrop++] = xstrdup(path);
}

static int dropped(const struct export *x, const char *path)
{
	for (size_t i = 0; i < x->ndrop; i++)
		if (!strcmp(x->drop[i], path))
			return 1;
	return 0;
}

/* Calls fn on every file a check of the wanted visibility names. */
static void each_check_file(const struct course *c, int hidden,
			    void (*fn)(struct export *, const char *),
			    struct export *x)
{
	for (size_t i = 0; i < c->nsections; i++)
		for (size_t k = 0; k < c->sections[i].nexercises; k++) {
			const struct exercise *ex =
			    &c->sections[i].exercises[k];
			for (size_t j = 0; j < ex->nchecks; j++) {
				const struct check_spec *s = &ex->checks[j];
				if (!s->hidden != !hidden)
					continue;
				for (size_t p = 0; p < s->nparams; p++) {
					const struct param *pr = &s->params[p];
					if (pr->type == PARAM_FILE && pr->str)
						fn(x, pr->str);
					for (size_t l = 0;
					     pr->type == PARAM_FILES &&
					     l < pr->nlist;
					     l++)
						fn(x, pr->list[l]);
				}
			}
		}
}

static void keep_visible(struct export *x, const char *path)
{
	for (size_t i = 0; i < x->ndrop; i++)
		if (!strcmp(x->drop[i], path)) {
			free(x->drop[i]);
			x->drop[i] = x->drop[--x->ndrop];
			return;
		}
}

/* Files that only hidden checks use (a hidden test file) stay behind. */
static void plan_drops(struct export *x)
{
	each_check_file(&x->a->course, 1, drop_add, x);
	each_check_file(&x->a->course, 0, keep_visible, x);
}

/* --- lesson.lua without its hidden checks ------------------------------- */

static int braces_balance(const char *line, size_t n, int *any)
{
	int depth = 0;

	*any = 0;
	for (size_t i = 0; i < n; i++) {
		if (line[i] == '{') {
			depth++;
			*any = 1;
		} else if (line[i] == '}') {
			depth--;
			*any = 1;
		}
	}
	return depth == 0;
}

static int is_comment(const char *line)
{
	while (*line == ' ' || *line == '\t')
		line++;
	return line[0] == '-' && line[1] == '-';
}

/* The student's lesson.lua into out; -1 with e naming file:line. */
static int strip_hidden(struct export *x, const char *shown, const char *text,
			size_t len, struct buf *out, struct err *e)
{
	int in_block = 0, line_no = 0, block_line = 0;

	for (const char *p = text; p < text + len;) {
		const char *nl = memchr(p, '\n', (size_t)(text + len - p));
		size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(text + len - p);
		char *line = xstrndup(p, n);
		int keep = 1, any;
		line_no++;
		p += n;
		if (in_block) {
			keep = 0;
			if (!regexec(&x->close_re, line, 0, NULL, 0))
				in_block = 0;
		} else if (!regexec(&x->open_re, line, 0, NULL, 0)) {
			keep = 0;
			in_block = 1;
			block_line = line_no;
		} else if (!regexec(&x->close_re, line, 0, NULL, 0)) {
			free(line);
			return err_set(e,
				       "%s:%d: '-- hidden }' without a '-- "
				       "hidden {' before it",
				       shown, line_no);
		} else if (!regexec(&x->hidden_re, line, 0, NULL, 0)) {
			if (!is_comment(line) &&
			    (!braces_balance(line, n, &any) || !any)) {
				free(line);
				return err_set(
				    e,
				    "%s:%d: a hidden check written over "
				    "several lines: put it on one line, or "
				    "between '-- hidden {' and '-- hidden }' "
				    "lines",
				    shown, line_no);
			}
			keep = 0;
		}
		if (keep)
			buf_add(out, line, n);
		free(line);
	}
	if (in_block)
		return err_set(
		    e, "%s:%d: '-- hidden {' is never closed by '-- hidden }'",
		    shown, block_line);
	return 0;
}

static int write_lesson(struct export *x, const char *from, const char *to,
			struct err *e)
{
	size_t len;
	struct buf out;
	char *text = path_read_file(from, LESSON_MAX, &len, e);
	const char *root = x->a->ws.course_root;
	size_t rl = strlen(root);
	const char *shown =
	    !strncmp(from, root, rl) && from[rl] == '/' ? from + rl + 1 : from;
	int rc;

	if (!text)
		return -1;
	buf_init(&out, LESSON_MAX);
	rc = strip_hidden(x, shown, text, len, &out, e);
	if (rc == 0)
		rc = path_write_file(to, buf_cstr(&out), out.len, 0644, e);
	buf_release(&out);
	free(text);
	return rc;
}

/* --- copying -------------------------------------------------------------- */

/* Copy from into to (regular files and folders; links and the rest are
 * not copied).  Dot entries are skipped except at `keep_dots` depth 0. */
static int copy_tree(struct export *x, const char *from, const char *to,
		     int lessons, struct err *e)
{
	DIR *d = opendir(from);
	struct dirent *de;
	int rc = 0;

	if (!d)
		return err_errno(e, "cannot open folder '%s'", from);
	if (path_mkdirs(to, e) < 0) {
		closedir(d);
		return -1;
	}
	while (rc == 0 && (errno = 0, de = readdir(d))) {
		struct stat st;
		if (de->d_name[0] == '.')
			continue;
		char *src = path_join(from, de->d_name);
		char *dst = path_join(to, de->d_name);
		if (lstat(src, &st) < 0)
			rc = err_errno(e, "cannot read '%s'", src);
		else if (dropped(x, src))
			;
		else if (S_ISDIR(st.st_mode))
			rc = copy_tree(x, src, dst, lessons, e);
		else if (S_ISREG(st.st_mode) && lessons &&
			 !strcmp(de->d_name, "lesson.lua"))
			rc = write_lesson(x, src, dst, e);
		else if (S_ISREG(st.st_mode))
			rc = path_copy_file(src, dst, e);
		free(src);
		free(dst);
	}
	closedir(d);
	return rc;
}

static int copy_entry(struct export *x, const char *name, int lessons,
		      struct err *e)
{
	char *src = path_join(x->a->ws.course_root, name);
	char *dst = path_join(x->to, name);
	struct stat st;
	int rc = 0;

	if (lstat(src, &st) < 0)
		; /* optional */
	else if (S_ISDIR(st.st_mode))
		rc = copy_tree(x, src, dst, lessons, e);
	else if (S_ISREG(st.st_mode))
		rc = path_copy_file(src, dst, e);
	free(src);
	free(dst);
	return rc;
}

static int put_starter(struct exercise *ex, void *arg)
{
	struct export *x = arg;
	struct err e;
	char *from = app_starter_path(x->a, ex);
	char *to = path_join(x->to, ex->file);

	if (from)
		path_copy_file(from, to, &e);
	free(from);
	free(to);
	return 0;
}

/* The course, and the program when the course is the workbook repository. */
static int copy_course(struct export *x, struct err *e)
{
	static const char *const program[] = {
	    "runner",	     "scripts",	   "Makefile", "README.md",
	    ".clang-format", ".gitignore", "LICENSE",  NULL};
	const char *root = x->a->ws.course_root;
	char *runner = path_join(root, "runner");
	char *make = path_join(root, "Makefile");
	int with_program = path_is_dir(runner) && path_exists(make);
	int rc = 0;

	free(runner);
	free(make);
	if (copy_entry(x, "lessons", 1, e) < 0 ||
	    copy_entry(x, "exercises", 0, e) < 0)
		return -1;
	course_each_exercise(&x->a->course, put_starter, x);
	if (with_program) {
		char *built = path_join(root, "docs/build");
		drop_add(x, built);
		free(built);
		for (size_t i = 0; program[i] && rc == 0; i++)
			rc = copy_entry(x, program[i], 0, e);
		if (rc == 0)
			rc = copy_entry(x, "docs", 0, e);
	}
	return rc;
}

/* --- checking the copy ---------------------------------------------------- */

static size_t visible_checks(const struct exercise *ex, size_t *hidden)
{
	size_t n = 0;

	*hidden = 0;
	for (size_t i = 0; i < ex->nchecks; i++) {
		if (ex->checks[i].hidden)
			(*hidden)++;
		else
			n++;
	}
	return n;
}

static int verify_section(const struct section *orig, const struct section *got,
			  struct err *e)
{
	if (got->error)
		return err_set(
		    e, "the student copy of lesson '%s' does not load: %s",
		    orig->id, got->error);
	if (got->nexercises != orig->nexercises)
		return err_set(e,
			       "the student copy of lesson '%s' has %zu "
			       "exercises, not %zu",
			       orig->id, got->nexercises, orig->nexercises);
	for (size_t k = 0; k < orig->nexercises; k++) {
		size_t oh, gh;
		size_t want = visible_checks(&orig->exercises[k], &oh);
		size_t have = visible_checks(&got->exercises[k], &gh);
		const char *name = orig->exercises[k].name;
		if (want == 0)
			return err_set(e,
				       "every check of %s is hidden: students "
				       "could not check their work",
				       name);
		for (size_t j = 0; gh && j < got->exercises[k].nchecks; j++)
			if (got->exercises[k].checks[j].hidden)
				return err_set(
				    e,
				    "%s: a hidden check is still in the "
				    "student copy (%s)",
				    name, got->exercises[k].checks[j].where);
		if (have != want)
			return err_set(e,
				       "%s: the student copy has %zu checks, "
				       "not the %zu visible ones",
				       name, have, want);
	}
	return 0;
}

/* Load the copy as a course of its own: every lesson loads, every visible
 * check is there and no hidden one. */
static int verify_copy(struct export *x, struct err *e)
{
	struct course c;
	struct script *s = script_new(e);
	int rc = 0;

	if (!s)
		return -1;
	course_init(&c, x->to);
	if (script_load_course(s, &c, x->to, e) < 0) {
		err_prefix(e, "the student copy does not load");
		rc = -1;
	}
	for (size_t i = 0; rc == 0 && i < x->a->course.nsections; i++) {
		const struct section *o = &x->a->course.sections[i];
		const struct section *g = course_find_section(&c, o->id);
		if (!g)
			rc = err_set(
			    e, "lesson '%s' is missing from the student copy",
			    o->id);
		else
			rc = verify_section(o, g, e);
	}
	course_release(&c);
	script_free(s);
	return rc;
}

/* --- packaging ----------------------------------------------------------- */

static int run_tool(const char *const args[], const char *cwd, struct err *e)
{
	extern char **environ;
	size_t n = 0;
	while (args[n])
		n++;
	char **argv = xcalloc(n + 1, sizeof(*argv));
	for (size_t i = 0; i < n; i++)
		argv[i] = xstrdup(args[i]);
	struct proc_opts po = {
	    .argv = argv, .env = environ, .cwd = cwd, .timeout_ms = 120000};
	struct proc_result pr;
	char how[256];
	int ok = 0;

	if (proc_run(&po, &pr, e) == 0) {
		ok = pr.exited && pr.exit_code == 0;
		if (!ok) {
			proc_describe(&pr, &po, how, sizeof(how));
			err_set(e, "%s %s: %s", args[0], args[1], how);
			if (pr.err.len)
				fprintf(stderr, "%s", buf_cstr(&pr.err));
		}
		proc_result_release(&pr);
	}
	for (size_t i = 0; i < n; i++)
		free(argv[i]);
	free(argv);
	return ok ? 0 : -1;
}

static int make_git(const char *dir, const char *title, struct err *e)
{
	char *msg =
	    xasprintf("Student copy of \"%s\"", title ? title : "the course");
	const char *init[] = {"git", "init", "-q", dir, NULL};
	const char *add[] = {"git", "add", "-A", NULL};
	const char *commit[] = {"git",
				"-c",
				"user.name=workbook export",
				"-c",
				"user.email=workbook@localhost",
				"commit",
				"-q",
				"-m",
				msg,
				NULL};
	int rc = run_tool(init, NULL, e);

	if (rc == 0)
		rc = run_tool(add, dir, e);
	if (rc == 0)
		rc = run_tool(commit, dir, e);
	free(msg);
	return rc;
}

/* A reproducible tarball: sorted names, no owners, no dates. */
static int make_tar(const char *dir, const char *file, struct err *e)
{
	char *abs = path_absolute(file);
	char *parent = path_dirname(dir);
	const char *argv[] = {"tar",	   "--sort=name", "--mtime=@0",
			      "--owner=0", "--group=0",	  "--numeric-owner",
			      "-I",	   "gzip -n",	  "--exclude=.git",
			      "-cf",	   abs,		  path_basename(dir),
			      NULL};
	int rc = run_tool(argv, parent, e);

	free(parent);
	free(abs);
	return rc;
}

/* The workflow template beside the course, or beside this program. */
static char *find_workflow(const struct app *a)
{
	char *p = path_join(a->ws.course_root, WORKFLOW);
	char exe[4096];
	ssize_t n;

	if (path_exists(p))
		return p;
	free(p);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	char *bin = path_dirname(exe);
	p = xasprintf("%s/../%s", bin, WORKFLOW);
	free(bin);
	if (path_exists(p))
		return p;
	free(p);
	return NULL;
}

static int add_workflow(struct export *x, struct err *e)
{
	char *from = find_workflow(x->a);
	char *dir = path_join(x->to, ".github/workflows");
	char *to = path_join(dir, "classroom.yml");
	int rc;

	if (!from)
		rc = err_set(e, "the workflow template '%s' is not here",
			     WORKFLOW);
	else if ((rc = path_mkdirs(dir, e)) == 0)
		rc = path_copy_file(from, to, e);
	free(from);
	free(dir);
	free(to);
	return rc;
}

/* --- the command ---------------------------------------------------------- */

static int empty_or_missing(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int empty = 1;

	if (!d)
		return errno == ENOENT;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			empty = 0;
	closedir(d);
	return empty;
}

static int export_student(struct app *a, const char *dir, int git,
			  const char *tar, int classroom)
{
	struct export x = {.a = a};
	struct err e;
	int rc = 2;

	if (app_warn_broken(a, stderr) > 0) {
		fprintf(stderr, "workbook: fix the broken lessons before "
				"handing the course out\n");
		return 2;
	}
	if (!empty_or_missing(dir)) {
		fprintf(stderr, "workbook: '%s' exists and is not empty\n",
			dir);
		return 2;
	}
	char *to = path_absolute(dir);
	x.to = to;
	regcomp(&x.open_re, "^[[:space:]]*--[[:space:]]*hidden[[:space:]]*\\{",
		REG_EXTENDED | REG_NOSUB);
	regcomp(&x.close_re, "^[[:space:]]*--[[:space:]]*hidden[[:space:]]*\\}",
		REG_EXTENDED | REG_NOSUB);
	regcomp(&x.hidden_re, "hidden[[:space:]]*=[[:space:]]*true",
		REG_EXTENDED | REG_NOSUB);
	plan_drops(&x);
	x.nhidden = x.ndrop;
	if (path_mkdirs(to, &e) < 0 || copy_course(&x, &e) < 0 ||
	    verify_copy(&x, &e) < 0 ||
	    (classroom && add_workflow(&x, &e) < 0) ||
	    (git && make_git(to, a->course.title, &e) < 0) ||
	    (tar && make_tar(to, tar, &e) < 0)) {
		struct err ignore;
		fprintf(stderr, "workbook: %s\n", e.msg);
		path_remove_tree(to, &ignore);
		goto out;
	}
	printf("The student copy of \"%s\" is in %s%s%s%s.\n",
	       a->course.title ? a->course.title : "the course", dir,
	       git ? " (a git repository)" : "", tar ? ", packed in " : "",
	       tar ? tar : "");
	if (x.nhidden)
		printf("Left out: solutions/, hidden checks and %zu file%s "
		       "only they use.\n",
		       x.nhidden, x.nhidden == 1 ? "" : "s");
	else
		printf("Left out: solutions/ and hidden checks.\n");
	rc = 0;
out:
	regfree(&x.open_re);
	regfree(&x.close_re);
	regfree(&x.hidden_re);
	for (size_t i = 0; i < x.ndrop; i++)
		free(x.drop[i]);
	free(x.drop);
	free(to);
	return rc;
}

int cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"student", required_argument, NULL, 's'},
	    {"git", no_argument, NULL, 'g'},
	    {"tar", required_argument, NULL, 't'},
	    {"github-classroom", no_argument, NULL, 'c'},
	    {NULL, 0, NULL, 0},
	};
	const char *dir = NULL, *tar = NULL;
	int git = 0, classroom = 0, c, rc;
	struct app a;

	optind = 1;
	while ((c = getopt_long(argc, argv, "s:", opts, NULL)) != -1) {
		if (c == 's')
			dir = optarg;
		else if (c == 'g')
			git = 1;
		else if (c == 't')
			tar = optarg;
		else if (c == 'c')
			classroom = 1;
		else
			return cmd_usage(USAGE);
	}
	if (!dir || optind != argc)
		return cmd_usage(USAGE);
	if (app_open(&a) < 0)
		return 2;
	rc = export_student(&a, dir, git, tar, classroom);
	app_close(&a);
	return rc;
}
