/*
 * ui: the terminal (newterm, colours, signals, suspend, restore), the
 * style table, drawing, the status line, prompts, the editor, and the one
 * event loop.
 */
#define _GNU_SOURCE
#include "tui/ui.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "course.h"
#include "tui/md.h"
#include "tui/text.h"
#include "tui/tui.h"
#include "util/xalloc.h"

#define MIN_COLS 40
#define MIN_ROWS 10

/* ---- signals ------------------------------------------------------------ */

/* Handlers only set these; the event loop acts on them. */
static volatile sig_atomic_t sig_quit, sig_tstp;
/* For fatal signals, which cannot return to the loop: the terminal is put
 * back with async-signal-safe calls only (write, tcsetattr). */
static volatile sig_atomic_t curses_on;
static struct termios saved_tios;
static int saved_tios_ok;
static char restore_seq[256];
static size_t restore_len;

static void on_quit_signal(int sig)
{
	sig_quit = sig;
}

static void on_tstp(int sig)
{
	(void)sig;
	sig_tstp = 1;
}

static void on_fatal(int sig)
{
	if (curses_on) {
		ssize_t r = write(STDOUT_FILENO, restore_seq, restore_len);

		(void)r;
		if (saved_tios_ok)
			tcsetattr(STDIN_FILENO, TCSANOW, &saved_tios);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static const int fatal_signals[] = {SIGSEGV, SIGBUS,  SIGFPE,
				    SIGILL,  SIGABRT, SIGQUIT};

static void set_handler(int sig, void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

/* Installed before newterm, so ncurses leaves these signals to us (it
 * only takes over signals still at their default). */
static void signals_install(void)
{
	size_t i;

	set_handler(SIGINT, on_quit_signal);
	set_handler(SIGTERM, on_quit_signal);
	set_handler(SIGHUP, on_quit_signal);
	set_handler(SIGTSTP, on_tstp);
	for (i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); i++)
		set_handler(fatal_signals[i], on_fatal);
}

static void signals_restore(void)
{
	size_t i;

	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGTSTP, SIG_DFL);
	for (i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); i++)
		signal(fatal_signals[i], SIG_DFL);
}

static void fatal_hook(void)
{
	if (curses_on) {
		endwin();
		curses_on = 0;
	}
}

/* ^Z: give the terminal back, stop, and take it again on fg. */
static void suspend(struct tui *t)
{
	sigset_t set;

	sig_tstp = 0;
	endwin();
	signal(SIGTSTP, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, SIGTSTP);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(SIGTSTP);
	/* Running again. */
	set_handler(SIGTSTP, on_tstp);
	reset_prog_mode();
	clearok(curscr, TRUE);
	t->dirty = 1;
}

/* ---- styles ------------------------------------------------------------- */

/* One table: colour (foreground, background, attributes) and the
 * monochrome attributes used under NO_COLOR or --color=never. */
static const struct style_def {
	short fg, bg;
	attr_t color;
	attr_t mono;
} styles[ST_COUNT] = {
    [ST_TEXT] = {-1, -1, A_NORMAL, A_NORMAL},
    [ST_TITLE] = {COLOR_CYAN, -1, A_BOLD, A_BOLD},
    [ST_DIM] = {-1, -1, A_DIM, A_DIM},
    [ST_PASS] = {COLOR_GREEN, -1, A_BOLD, A_BOLD},
    [ST_FAIL] = {COLOR_RED, -1, A_BOLD, A_BOLD},
    [ST_SKIP] = {COLOR_YELLOW, -1, A_NORMAL, A_DIM},
    [ST_RUN] = {COLOR_CYAN, -1, A_BOLD, A_BOLD},
    [ST_WARN] = {COLOR_YELLOW, -1, A_NORMAL, A_BOLD},
    [ST_ERROR] = {COLOR_RED, -1, A_NORMAL, A_BOLD},
    [ST_NOTE] = {COLOR_CYAN, -1, A_NORMAL, A_NORMAL},
    [ST_CODE] = {COLOR_YELLOW, -1, A_NORMAL, A_NORMAL},
    [ST_KEY] = {COLOR_CYAN, -1, A_BOLD, A_BOLD},
    [ST_SELECT] = {-1, -1, A_REVERSE, A_REVERSE},
    [ST_MATCH] = {COLOR_BLACK, COLOR_YELLOW, A_NORMAL, A_REVERSE | A_UNDERLINE},
    [ST_STATUS] = {-1, -1, A_REVERSE, A_REVERSE},
    [ST_BAR_ON] = {COLOR_GREEN, -1, A_BOLD, A_BOLD},
    [ST_BAR_OFF] = {-1, -1, A_DIM, A_DIM},
    [ST_LINK] = {COLOR_BLUE, -1, A_UNDERLINE, A_UNDERLINE},
};

static int color_on;

static attr_t style_attr(int style)
{
	const struct style_def *d = &styles[style];

	if (!color_on)
		return d->mono;
	if (d->fg == -1 && d->bg == -1)
		return d->color;
	return d->color | COLOR_PAIR(style + 1);
}

/* Markdown styles on top of a UI style. */
static attr_t md_attr(int style, unsigned md)
{
	attr_t a = style_attr(style);
	int pal = -1;

	if (md & MD_BOLD)
		a |= A_BOLD;
	if (md & MD_ITALIC)
		a |= A_ITALIC;
	if (md & MD_STRIKE)
		a |= A_DIM;
	if (md & MD_LINK)
		a |= A_UNDERLINE;
	if (md & MD_HEADING) {
		a |= A_BOLD;
		if (MD_HLEVEL(md) >= 3)
			a |= A_UNDERLINE;
		pal = ST_TITLE;
	}
	if ((md & MD_MARK) && (md & MD_QUOTE))
		a |= A_DIM;
	if (md & (MD_CODE | MD_CODEBLOCK))
		pal = ST_CODE;
	if (md & MD_LINK)
		pal = ST_LINK;
	if (md & MD_LINKREF)
		pal = ST_NOTE;
	if (md & MD_MARK && !(md & MD_HEADING))
		pal = ST_NOTE;
	if (color_on && pal >= 0 && style == ST_TEXT)
		a = (a & ~A_COLOR) | COLOR_PAIR(pal + 1);
	return a;
}

static int want_color(void)
{
	const char *opt = app_globals.color;
	const char *no = getenv("NO_COLOR");

	if (opt && strcmp(opt, "never") == 0)
		return 0;
	if (!(opt && strcmp(opt, "always") == 0) && no && *no)
		return 0;
	return has_colors();
}

static void colors_init(struct tui *t)
{
	int i;

	color_on = t->color = want_color();
	if (!color_on)
		return;
	start_color();
	use_default_colors();
	for (i = 0; i < ST_COUNT; i++)
		if (styles[i].fg != -1 || styles[i].bg != -1)
			init_pair((short)(i + 1), styles[i].fg, styles[i].bg);
}

/* ---- glyphs ------------------------------------------------------------- */

const char *ui_glyph(const struct tui *t, enum glyph g)
{
	static const char *const utf8[G_COUNT] = {
	    "\u2713", "\u2717", "\u00b7", "\u2261",
	    "?",      "\u203a", "\u2026", "\u2500",
	};
	static const char *const ascii[G_COUNT] = {
	    "+", "x", ".", "=", "?", ">", "...", "-",
	};

	return t->ascii ? ascii[g] : utf8[g];
}

/* A few common characters have readable ASCII stand-ins. */
static const char *ascii_for(unsigned cp)
{
	switch (cp) {
	case 0x2013:
	case 0x2014:
	case 0x2500:
	case 0x2550:
		return "-";
	case 0x2018:
	case 0x2019:
		return "'";
	case 0x201C:
	case 0x201D:
		return "\"";
	case 0x2022:
	case 0x25e6:
	case 0x25aa:
		return "*";
	case 0x2026:
		return ".";
	case 0x2502:
		return "|";
	case 0x253c:
		return "+";
	case 0x2713:
		return "+";
	case 0x2717:
		return "x";
	case 0x00b7:
		return ".";
	case 0x00a0:
		return " ";
	default:
		return "?";
	}
}

/* ---- drawing ------------------------------------------------------------- */

struct pen {
	int row, col, end; /* next column, first column past the area */
	int skip;	   /* columns still to skip (sideways scroll) */
};

/* Put s[0..n) with attribute a, clipping on both sides. */
static void put(struct tui *t, struct pen *p, const char *s, size_t n, attr_t a)
{
	size_t i = 0, next;
	unsigned cp;
	int w;

	attrset(a);
	while (i < n && p->col < p->end) {
		next = text_next(s, n, i, &cp);
		w = text_cpwidth(cp);
		if (w == 0) { /* controls and combining marks: not drawn */
			i = next;
			continue;
		}
		if (p->skip > 0) {
			p->skip -= w;
			if (p->skip < 0) { /* half a wide character */
				mvaddch(p->row, p->col, ' ');
				p->col++;
				p->skip = 0;
			}
			i = next;
			continue;
		}
		if (p->col + w > p->end)
			break;
		if (t->ascii && cp > 0x7F)
			mvaddstr(p->row, p->col, ascii_for(cp)), w = 1;
		else
			mvaddnstr(p->row, p->col, s + i, (int)(next - i));
		p->col += w;
		i = next;
	}
}

int ui_draw_text(struct tui *t, int row, int col, int width, int style,
		 const char *s)
{
	struct pen p = {row, col, col + width, 0};

	if (width <= 0 || !s)
		return 0;
	put(t, &p, s, strlen(s), style_attr(style));
	attrset(A_NORMAL);
	return p.col - col;
}

/* Byte ranges of `match` in a line's text, as a bitmap-free walk: is the
 * byte at `at` inside a match? */
static int in_match(const char *line, size_t len, const char *match, size_t at)
{
	size_t m = strlen(match);
	size_t from = at >= m ? at - m + 1 : 0;
	long k;

	while ((k = md_find_ci(line, len, match, from)) >= 0) {
		if ((size_t)k > at)
			return 0;
		if ((size_t)k + m > at)
			return 1;
		from = (size_t)k + 1;
	}
	return 0;
}

static void draw_line(struct tui *t, const struct view *v,
		      const struct vline *ln, int row, int col0, int width,
		      int xoff, int selected, const char *match)
{
	struct pen p = {row, col0, col0 + width, ln->width > width ? xoff : 0};
	const char *base;
	size_t k, len;

	if (ln->nseg == 0) {
		if (selected) {
			attrset(style_attr(ST_SELECT));
			mvhline(row, col0, ' ', width);
		}
		return;
	}
	base = v->text + v->segs[ln->seg].off;
	len = v->segs[ln->seg + ln->nseg - 1].off +
	      v->segs[ln->seg + ln->nseg - 1].len - v->segs[ln->seg].off;
	for (k = ln->seg; k < ln->seg + ln->nseg; k++) {
		const struct vseg *sg = &v->segs[k];
		int style = selected ? ST_SELECT : sg->style;
		size_t i = 0;

		if (!match || !*match) {
			put(t, &p, v->text + sg->off, sg->len,
			    md_attr(style, sg->md));
			continue;
		}
		/* Split the segment where matches start and end. */
		while (i < sg->len) {
			size_t off = sg->off - v->segs[ln->seg].off + i;
			int on = in_match(base, len, match, off);
			size_t j = i + 1;

			while (j < sg->len &&
			       in_match(base, len, match,
					sg->off - v->segs[ln->seg].off + j) ==
				   on)
				j++;
			put(t, &p, v->text + sg->off + i, j - i,
			    on ? style_attr(ST_MATCH) : md_attr(style, sg->md));
			i = j;
		}
	}
	if (selected && p.col < p.end) {
		attrset(style_attr(ST_SELECT));
		mvhline(row, p.col, ' ', p.end - p.col);
	}
}

void ui_draw_view(struct tui *t, const struct view *v, size_t first, int row0,
		  int nrows, int col0, int width, int xoff, long cursor,
		  const char *match)
{
	int r;

	for (r = 0; r < nrows && first + (size_t)r < v->nlines; r++)
		draw_line(t, v, &v->lines[first + (size_t)r], row0 + r, col0,
			  width, xoff, cursor == (long)(first + (size_t)r),
			  match);
	attrset(A_NORMAL);
}

/* ---- the screen stack --------------------------------------------------- */

struct screen *ui_push(struct tui *t, const struct screen_kind *k, void *data)
{
	struct screen *s;

	if (t->depth == UI_MAX_DEPTH) {
		if (k->free)
			k->free(data);
		ui_message(t, ST_ERROR, "too many screens open");
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	s->kind = k;
	s->data = data;
	t->stack[t->depth++] = s;
	t->dirty = 1;
	return s;
}

void ui_pop(struct tui *t)
{
	struct screen *s;

	if (t->depth == 0)
		return;
	s = t->stack[--t->depth];
	if (s->kind->close)
		s->kind->close(t, s);
	if (s->kind->free)
		s->kind->free(s->data);
	free(s);
	t->dirty = 1;
}

struct screen *ui_top(struct tui *t)
{
	return t->depth ? t->stack[t->depth - 1] : NULL;
}

int ui_body_rows(const struct tui *t)
{
	return t->rows > 3 ? t->rows - 2 : 1;
}

/* ---- status line, messages, prompts ---------------------------------------
 */

void ui_message(struct tui *t, int style, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->message, sizeof(t->message), fmt, ap);
	va_end(ap);
	t->message_style = style;
	t->dirty = 1;
}

void ui_prompt(struct tui *t, enum prompt_kind kind, const char *label,
	       prompt_fn done)
{
	t->prompt = kind;
	snprintf(t->prompt_label, sizeof(t->prompt_label), "%s", label);
	t->prompt_buf[0] = '\0';
	t->prompt_len = 0;
	t->prompt_done = done;
	t->dirty = 1;
}

static void prompt_end(struct tui *t, int accepted)
{
	prompt_fn fn = t->prompt_done;
	char text[sizeof(t->prompt_buf)];

	memcpy(text, t->prompt_buf, sizeof(text));
	t->prompt = PROMPT_NONE;
	t->prompt_done = NULL;
	t->dirty = 1;
	curs_set(0);
	if (fn)
		fn(t, ui_top(t), text, accepted);
}

static void prompt_key(struct tui *t, int key)
{
	char enc[4];
	size_t n;

	if (t->prompt == PROMPT_CONFIRM) {
		if (key == 'y' || key == 'Y')
			prompt_end(t, 1);
		else if (key == 'n' || key == 'N' || key == UI_ESC ||
			 key == 'q')
			prompt_end(t, 0);
		return;
	}
	if (key == UI_ENTER) {
		prompt_end(t, 1);
	} else if (key == UI_ESC) {
		t->prompt_len = 0;
		t->prompt_buf[0] = '\0';
		prompt_end(t, 0);
	} else if (key == K_BACKSPACE || key == 127 || key == UI_CTRL('H')) {
		/* Drop the last code point. */
		while (t->prompt_len > 0 &&
		       ((unsigned char)t->prompt_buf[--t->prompt_len] & 0xC0) ==
			   0x80)
			;
		t->prompt_buf[t->prompt_len] = '\0';
	} else if (key == UI_CTRL('U')) {
		t->prompt_len = 0;
		t->prompt_buf[0] = '\0';
	} else if (key >= 0x20 && key < 0x110000 && key != 0x7F) {
		n = text_encode((unsigned)key, enc);
		if (t->prompt_len + n < sizeof(t->prompt_buf)) {
			memcpy(t->prompt_buf + t->prompt_len, enc, n);
			t->prompt_len += n;
			t->prompt_buf[t->prompt_len] = '\0';
		}
	}
	t->dirty = 1;
}

static void draw_status(struct tui *t)
{
	struct screen *s = ui_top(t);
	char left[320], strip[256];
	int row = t->rows - 1, used, sw;

	attrset(style_attr(ST_STATUS));
	mvhline(row, 0, ' ', t->cols);
	if (t->prompt != PROMPT_NONE) {
		char line[400];

		snprintf(line, sizeof(line), " %s%s%s", t->prompt_label,
			 t->prompt == PROMPT_TEXT ? " " : " [y/n] ",
			 t->prompt == PROMPT_TEXT ? t->prompt_buf : "");
		used = ui_draw_text(t, row, 0, t->cols - 1, ST_STATUS, line);
		move(row, used < t->cols ? used : t->cols - 1);
		curs_set(1);
		return;
	}
	if (t->message[0]) {
		snprintf(left, sizeof(left), " %s", t->message);
	} else if (s && s->kind->status) {
		left[0] = ' ';
		s->kind->status(t, s, left + 1, sizeof(left) - 1);
	} else {
		snprintf(left, sizeof(left), " %s", s ? s->kind->name : "");
	}
	used = ui_draw_text(t, row, 0, t->cols, ST_STATUS, left);
	/* The key strip takes what is left, at least "?:help". */
	help_strip(
	    t, s ? s->kind->keys | KS_ALL | (s->is_step ? KS_STEP : 0) : KS_ALL,
	    t->cols - used - 2, strip, sizeof(strip));
	sw = text_width(strip, strlen(strip));
	if (sw > 0 && sw <= t->cols - used - 1)
		ui_draw_text(t, row, t->cols - sw - 1, sw, ST_STATUS, strip);
	attrset(A_NORMAL);
}

static void draw_title(struct tui *t)
{
	struct screen *s = ui_top(t);

	char pos[64];
	int pw = 0;

	move(0, 0);
	clrtoeol();
	if (!s)
		return;
	/* Steps say where they stand in their lesson. */
	if (s->is_step && s->section) {
		snprintf(pos, sizeof(pos), "step %zu/%zu", s->step + 1,
			 s->section->nsteps);
		pw = (int)strlen(pos);
		if (pw + 10 < t->cols)
			ui_draw_text(t, 0, t->cols - pw - 1, pw, ST_DIM, pos);
		else
			pw = 0;
	}
	ui_draw_text(t, 0, 1, t->cols - 2 - (pw ? pw + 2 : 0), ST_TITLE,
		     s->title);
}

static void draw_too_small(struct tui *t)
{
	char buf[64];
	int r = t->rows / 2;

	erase();
	snprintf(buf, sizeof(buf), "%dx%d", t->cols, t->rows);
	ui_draw_text(t, r > 0 ? r - 1 : 0, 0, t->cols, ST_FAIL,
		     "terminal too small");
	ui_draw_text(t, r, 0, t->cols, ST_TEXT, "need 40x10, have");
	ui_draw_text(t, r + 1 < t->rows ? r + 1 : r, 0, t->cols, ST_TEXT, buf);
}

static void draw(struct tui *t)
{
	struct screen *s = ui_top(t);

	getmaxyx(stdscr, t->rows, t->cols);
	t->dirty = 0;
	if (t->cols < MIN_COLS || t->rows < MIN_ROWS) {
		draw_too_small(t);
		refresh();
		return;
	}
	erase();
	curs_set(0);
	draw_title(t);
	if (s)
		s->kind->draw(t, s);
	if (t->help)
		help_draw(t);
	draw_status(t);
	refresh();
}

/* ---- the editor ------------------------------------------------------------
 */

static char **split_words(const char *s, const char *last)
{
	char *copy = xstrdup(s), *save = NULL, *w;
	char **argv = xcalloc(strlen(s) / 2 + 3, sizeof(char *));
	size_t n = 0;

	for (w = strtok_r(copy, " \t", &save); w;
	     w = strtok_r(NULL, " \t", &save))
		argv[n++] = xstrdup(w);
	argv[n++] = xstrdup(last);
	argv[n] = NULL;
	free(copy);
	return argv;
}

static void free_words(char **argv)
{
	size_t i;

	for (i = 0; argv[i]; i++)
		free(argv[i]);
	free(argv);
}

int ui_run_editor(struct tui *t, const char *path)
{
	const char *ed = getenv("VISUAL");
	struct sigaction ign, old_int, old_quit, old_tstp;
	char **argv;
	pid_t pid;
	int status = 0;

	if (!ed || !*ed)
		ed = getenv("EDITOR");
	if (!ed || !*ed || strspn(ed, " \t") == strlen(ed))
		ed = "vi";
	argv = split_words(ed, path);
	def_prog_mode();
	endwin();
	/* While the editor has the terminal, ^C and ^\ are its business;
	 * ^Z stops us along with it. */
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	ign.sa_handler = SIG_DFL;
	sigaction(SIGTSTP, &ign, &old_tstp);
	pid = fork();
	if (pid == 0) {
		sigset_t none;

		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		signal(SIGTSTP, SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execvp(argv[0], argv);
		fprintf(stderr, "workbook: cannot run editor '%s': %s\n",
			argv[0], strerror(errno));
		_exit(127);
	}
	if (pid > 0)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	sigaction(SIGTSTP, &old_tstp, NULL);
	reset_prog_mode();
	clearok(curscr, TRUE);
	t->dirty = 1;
	if (pid < 0) {
		ui_message(t, ST_ERROR, "cannot start the editor: %s",
			   strerror(errno));
		free_words(argv);
		return -1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		ui_message(t, ST_ERROR,
			   "cannot run editor '%s': set $VISUAL or $EDITOR",
			   argv[0]);
		free_words(argv);
		return -1;
	}
	free_words(argv);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* ---- wake-ups and tracing -------------------------------------------------
 */

void ui_wake(struct tui *t)
{
	char c = 1;
	ssize_t r = write(t->wake[1], &c, 1);

	(void)r; /* a full pipe is awake already */
}

void ui_trace(struct tui *t, const char *event, double value)
{
	struct timespec ts;

	if (!t->trace)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	fprintf(t->trace, "%s %lld%09ld %.6f\n", event, (long long)ts.tv_sec,
		ts.tv_nsec, value);
	fflush(t->trace);
}

/* ---- keys and the loop
 * ------------------------------------------------------- */

static int translate(int r, wint_t wc)
{
	if (r == OK)
		return wc == '\r' ? UI_ENTER : (int)wc;
	switch (wc) {
	case KEY_UP:
		return K_UP;
	case KEY_DOWN:
		return K_DOWN;
	case KEY_LEFT:
		return K_LEFT;
	case KEY_RIGHT:
		return K_RIGHT;
	case KEY_PPAGE:
		return K_PGUP;
	case KEY_NPAGE:
		return K_PGDN;
	case KEY_HOME:
		return K_HOME;
	case KEY_END:
		return K_END;
	case KEY_BACKSPACE:
		return K_BACKSPACE;
	case KEY_ENTER:
		return UI_ENTER;
	case KEY_RESIZE:
		return K_RESIZE;
	default:
		return K_OTHER;
	}
}

static void handle_key(struct tui *t, int key)
{
	struct screen *s = ui_top(t);

	if (key == K_RESIZE) {
		t->dirty = 1;
		return;
	}
	t->message[0] = '\0';
	t->dirty = 1;
	if (t->prompt != PROMPT_NONE) {
		prompt_key(t, key);
		return;
	}
	if (t->help && help_key(t, key))
		return;
	switch (key) {
	case UI_CTRL('L'):
		clearok(curscr, TRUE);
		return;
	case 'Q':
		t->quit = 1;
		return;
	case '?':
		t->help = 1;
		return;
	}
	if (t->cols < MIN_COLS || t->rows < MIN_ROWS) {
		if (key == 'q')
			t->quit = 1;
		return;
	}
	if (s && s->kind->key(t, s, key))
		return;
	if (key == 'q') {
		if (t->depth <= 1)
			t->quit = 1;
		else
			ui_pop(t);
	}
}

static void wait_input(struct tui *t)
{
	struct pollfd p[3];
	int n = 0, ms = t->poll_ms > 0 ? t->poll_ms : 1000;
	char buf[64];

	p[n++] = (struct pollfd){STDIN_FILENO, POLLIN, 0};
	p[n++] = (struct pollfd){t->wake[0], POLLIN, 0};
	if (t->poll_fd >= 0)
		p[n++] = (struct pollfd){t->poll_fd, POLLIN, 0};
	if (poll(p, (nfds_t)n, ms) > 0 && (p[1].revents & POLLIN))
		while (read(t->wake[0], buf, sizeof(buf)) > 0)
			;
}

static void loop(struct tui *t)
{
	struct screen *s;
	wint_t wc;
	int r, i;

	while (!t->quit) {
		if (sig_quit)
			break;
		if (sig_tstp)
			suspend(t);
		t->poll_fd = -1;
		t->poll_ms = 0;
		/* Every screen on the stack ticks: an exercise under its
		 * output view still notices saves and finished checks. */
		for (i = 0; i < t->depth; i++) {
			s = t->stack[i];
			if (s->kind->tick)
				s->kind->tick(t, s);
		}
		if (t->dirty)
			draw(t);
		if (t->quit)
			break;
		wait_input(t);
		while (!t->quit && (r = wget_wch(stdscr, &wc)) != ERR)
			handle_key(t, translate(r, wc));
	}
}

/* ---- start and end
 * ------------------------------------------------------------- */

static int is_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);

	return cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

static int terminal_start(struct tui *t, SCREEN **scr)
{
	if (tcgetattr(STDIN_FILENO, &saved_tios) == 0)
		saved_tios_ok = 1;
	signals_install();
	*scr = newterm(NULL, stdout, stdin);
	if (!*scr) {
		signals_restore();
		fprintf(stderr,
			"workbook: cannot use terminal '%s'; try --plain\n",
			getenv("TERM") ? getenv("TERM") : "");
		return -1;
	}
	set_term(*scr);
	curses_on = 1;
	xalloc_set_fatal_hook(fatal_hook);
	restore_len = termcap_restore(restore_seq, sizeof(restore_seq));
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	colors_init(t);
	getmaxyx(stdscr, t->rows, t->cols);
	return 0;
}

static void terminal_end(SCREEN *scr)
{
	if (curses_on) {
		curs_set(1);
		endwin();
		curses_on = 0;
	}
	xalloc_set_fatal_hook(NULL);
	delscreen(scr);
	signals_restore();
}

int tui_main(struct app *a)
{
	struct tui t;
	SCREEN *scr;
	const char *trace = getenv("WORKBOOK_TUI_TRACE");
	int rc = 0;

	memset(&t, 0, sizeof(t));
	t.a = a;
	t.ascii = !is_utf8();
	t.poll_fd = -1;
	if (pipe2(t.wake, O_CLOEXEC | O_NONBLOCK) != 0) {
		perror("workbook: pipe");
		return 2;
	}
	if (trace && *trace)
		t.trace = fopen(trace, "a");
	if (terminal_start(&t, &scr) < 0) {
		rc = 2;
		goto out;
	}
	map_open(&t);
	draw(&t);
	ui_trace(&t, "first_paint", 0);
	loop(&t);
	while (t.depth)
		ui_pop(&t);
	terminal_end(scr);
	if (sig_quit)
		rc = 128 + sig_quit;
out:
	sig_quit = 0;
	if (t.trace)
		fclose(t.trace);
	close(t.wake[0]);
	close(t.wake[1]);
	return rc;
}
