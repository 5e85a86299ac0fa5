/*
 * help: the one key table.  The help overlay draws it, the status line's
 * key strip is cut from it, and tui_keys_markdown() prints it for the man
 * page, so the three never disagree.
 */
#include "tui/tui.h"

#include <curses.h>
#include <string.h>

#include "tui/text.h"
#include "tui/ui.h"

struct key_entry {
	const char *keys; /* as shown in help: "j k Down Up" */
	const char *action;
	unsigned sets; /* KS_*: where the key works */
	/* The status-line strip: short key and label, and how early it is
	 * dropped when the line is narrow (1 stays longest; 0 not shown). */
	const char *strip_key;
	const char *strip_label;
	int prio;
};

static const struct key_entry keys[] = {
    {"?", "show or hide this help", KS_ALL, "?", "help", 1},
    {"q", "back; quit from the course map", KS_ALL, "q", "back", 1},
    {"Q", "quit from anywhere", KS_ALL, NULL, NULL, 0},
    {"^L", "redraw the screen", KS_ALL, NULL, NULL, 0},
    {"^Z", "suspend (fg resumes)", KS_ALL, NULL, NULL, 0},
    {"j k Down Up", "move down / up", KS_MAP | KS_READER | KS_PAGER, "j/k",
     "move", 4},
    {"Space PgDn", "next page", KS_MAP | KS_READER | KS_PAGER | KS_EXERCISE,
     NULL, NULL, 0},
    {"b PgUp", "previous page", KS_MAP | KS_READER | KS_PAGER | KS_EXERCISE,
     NULL, NULL, 0},
    {"g G Home End", "first / last line",
     KS_MAP | KS_READER | KS_PAGER | KS_EXERCISE, NULL, NULL, 0},
    {"Enter", "open the section or step", KS_MAP, "Enter", "open", 2},
    {"/", "filter the map by name", KS_MAP, "/", "filter", 3},
    {"Esc", "clear the filter", KS_MAP, NULL, NULL, 0},
    {"/", "search the text", KS_READER | KS_PAGER, "/", "search", 3},
    {"n N", "next / previous match", KS_READER | KS_PAGER, "n/N", "match", 5},
    {"Esc", "close the output or solution (like q)", KS_PAGER, NULL, NULL, 0},
    {"h l Left Right", "scroll wide code and tables sideways",
     KS_READER | KS_PAGER, NULL, NULL, 0},
    {"Enter", "go on to the next step", KS_READER, "Enter", "next", 2},
    {"] [", "next / previous step of the lesson", KS_STEP, "]", "next", 6},
    {"1-9", "answer with that choice", KS_QUIZ, "1-9", "answer", 2},
    {"j k Down Up", "move between choices", KS_QUIZ, NULL, NULL, 0},
    {"Enter", "answer the chosen; after answering, next step", KS_QUIZ, "Enter",
     "choose", 3},
    {"e", "edit the file in $VISUAL / $EDITOR, check on return", KS_EXERCISE,
     "e", "edit", 2},
    {"Enter", "check now (saving the file also checks)", KS_EXERCISE, "Enter",
     "check", 3},
    {"Esc", "cancel the running check", KS_EXERCISE, "Esc", "cancel", 2},
    {"h", "reveal the next hint", KS_EXERCISE, "h", "hint", 2},
    {"o", "whole output, scrollable", KS_EXERCISE, "o", "output", 4},
    {"x", "reset the file to the starter (asks first)", KS_EXERCISE, "x",
     "reset", 5},
    {"s", "skip: go on without passing", KS_EXERCISE, "s", "skip", 5},
    {"c", "show the solution (once passed)", KS_EXERCISE, "c", "solution", 5},
    {"j k Down Up", "scroll", KS_EXERCISE, NULL, NULL, 0},
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static const char *const set_names[] = {
    "everywhere", "course map",		 "reader",	 "quiz",
    "exercise",	  "output and solution", "lesson steps",
};

static void set_list(unsigned sets, char *out, size_t n)
{
	size_t i, k = 0;

	out[0] = '\0';
	for (i = 0; i < sizeof(set_names) / sizeof(set_names[0]); i++) {
		int w;

		if (!(sets & (1u << i)))
			continue;
		w = snprintf(out + k, n - k, "%s%s", k ? ", " : "",
			     set_names[i]);
		if (w < 0 || (size_t)w >= n - k)
			break;
		k += (size_t)w;
	}
}

void tui_keys_markdown(FILE *f)
{
	char where[128];
	size_t i;

	fputs("| Keys | Where | Action |\n|---|---|---|\n", f);
	for (i = 0; i < NKEYS; i++) {
		set_list(keys[i].sets, where, sizeof(where));
		fprintf(f, "| `%s` | %s | %s |\n", keys[i].keys, where,
			keys[i].action);
	}
}

void help_strip(const struct tui *t, unsigned sets, int width, char *out,
		size_t n)
{
	struct strip_item items[NKEYS];
	size_t i, k = 0;

	(void)t;
	for (i = 0; i < NKEYS; i++) {
		if (!keys[i].strip_key || !(keys[i].sets & sets))
			continue;
		items[k].key = keys[i].strip_key;
		items[k].label = keys[i].strip_label;
		/* "?:help" is the one item that always stays. */
		items[k].prio =
		    strcmp(keys[i].strip_key, "?") == 0 ? 0 : keys[i].prio;
		k++;
	}
	view_strip(out, n, items, k, width);
}

/* The lines of the overlay for the keys that work on the top screen. */
static void build(struct tui *t, struct view *v, unsigned sets)
{
	size_t i;

	view_line(v, 0);
	view_adds(v, ST_TITLE, "Keys");
	view_line(v, 0);
	for (i = 0; i < NKEYS; i++) {
		if (!(keys[i].sets & sets))
			continue;
		view_line(v, 0);
		view_adds(v, ST_KEY, keys[i].keys);
		view_pad_to(v, 16);
		view_adds(v, ST_TEXT, keys[i].action);
	}
	view_line(v, 0);
	view_line(v, 0);
	view_adds(v, ST_DIM,
		  "Saving the exercise file re-checks it; the "
		  "status line says how the file is watched.");
	view_line(v, 0);
	view_adds(v, ST_DIM, "Progress is saved after every check and answer.");
	(void)t;
}

static unsigned top_sets(struct tui *t)
{
	struct screen *s = ui_top(t);
	unsigned sets = KS_ALL;

	if (s) {
		sets |= s->kind->keys;
		if (s->is_step)
			sets |= KS_STEP;
	}
	return sets;
}

void help_draw(struct tui *t)
{
	struct view v;
	int w, h, r0, c0, rows, r;

	view_init(&v);
	build(t, &v, top_sets(t));
	w = v.max_width + 4;
	if (w > t->cols - 2)
		w = t->cols - 2;
	h = (int)v.nlines + 2;
	rows = ui_body_rows(t);
	if (h > rows)
		h = rows;
	r0 = 1 + (rows - h) / 2;
	c0 = (t->cols - w) / 2;
	if (t->help_top > (int)v.nlines - (h - 2))
		t->help_top = (int)v.nlines - (h - 2);
	if (t->help_top < 0)
		t->help_top = 0;
	/* A frame: blank the box, then a border of reverse-video spaces
	 * (no line-drawing glyphs needed), then the text. */
	for (r = 0; r < h; r++) {
		move(r0 + r, c0);
		attrset(A_NORMAL);
		hline(' ', w);
	}
	attrset(A_REVERSE);
	mvhline(r0, c0, ' ', w);
	mvhline(r0 + h - 1, c0, ' ', w);
	mvvline(r0, c0, ' ', h);
	mvvline(r0, c0 + w - 1, ' ', h);
	attrset(A_NORMAL);
	ui_draw_text(t, r0, c0 + 2, w - 4, ST_STATUS, " Help: any key closes ");
	ui_draw_view(t, &v, (size_t)t->help_top, r0 + 1, h - 2, c0 + 2, w - 4,
		     0, -1, NULL);
	view_release(&v);
}

int help_key(struct tui *t, int key)
{
	switch (key) {
	case 'j':
	case K_DOWN:
		t->help_top++;
		return 1;
	case 'k':
	case K_UP:
		if (t->help_top > 0)
			t->help_top--;
		return 1;
	case K_RESIZE:
		return 0;
	default:
		t->help = 0;
		t->help_top = 0;
		return 1;
	}
}
