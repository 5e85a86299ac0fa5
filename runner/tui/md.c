#include "tui/md.h"

#include <md4c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/text.h"
#include "util/xalloc.h"

/*
 * The model.  Containers deeper than MD_MAX_DEPTH still style their text
 * but draw no prefix of their own, so memory stays linear in the input.
 */
#define MD_MAX_DEPTH 8
#define STYLE_DEPTH  64
#define TAB_WIDTH    4
#define MD_PAD	     64 /* zero bytes after the input given to md4c */

enum block_kind {
	B_PARA,
	B_HEADING,
	B_CODE,
	B_RULE,
	B_TABLE,
};

enum cont_kind {
	C_QUOTE,
	C_ITEM,
};

struct cont {
	unsigned char kind;
	unsigned char first; /* this block is the item's first: show mark */
	unsigned char level; /* bullet nesting level */
	char delim;	     /* '.' or ')' for ordered items; 0: bullet */
	char task;	     /* 0, 'x' or ' ' */
	unsigned number;
	unsigned id; /* identifies the container across blocks */
};

struct run {
	size_t off, len;
	unsigned style;
};

struct cell {
	size_t row, col;
	size_t off, len; /* in the block's text */
};

struct block {
	enum block_kind kind;
	int level;    /* heading level */
	int implicit; /* a paragraph md4c did not open (tight list) */
	char *text;
	size_t len, cap;
	struct run *runs;
	size_t nruns, capruns;
	struct cont conts[MD_MAX_DEPTH];
	int nconts;
	unsigned list_root; /* 0: not in a list */
	int tight;	    /* innermost list is tight */
	/* Tables. */
	struct cell *cells;
	size_t ncells, capcells;
	size_t ncols, nrows, nhead;
	unsigned char *align; /* per column: MD_ALIGN_* */
};

struct md_doc {
	struct block *blocks;
	size_t n, cap;
	char **links;
	size_t nlinks, caplinks;
};

/* Parser state: the stacks md4c's callbacks walk. */
struct open_cont {
	struct cont c;
	int used; /* a block was emitted inside it */
};

struct open_list {
	int ordered;
	unsigned next;
	char delim;
	int tight;
};

struct open_link {
	size_t start; /* text offset where the link text began */
	char *href;
	int image;
};

struct pstate {
	struct md_doc *d;
	struct block *cur; /* the open leaf, or NULL */
	size_t cur_index;
	unsigned style[STYLE_DEPTH];
	int nstyle; /* logical depth (may exceed STYLE_DEPTH) */
	struct open_cont conts[MD_MAX_DEPTH];
	int nconts;
	struct open_list lists[MD_MAX_DEPTH];
	int nlists;
	struct open_link links[MD_MAX_DEPTH];
	int nlinks;
	unsigned next_id;
	unsigned list_root, root_serial;
	const char *begin, *end; /* the input md4c was given */
	int in_head;		 /* inside a table head */
	int code_col;		 /* column in the current code line (tabs) */
};

/* ---- model building ---------------------------------------------------- */

static unsigned cur_style(const struct pstate *p)
{
	if (p->nstyle == 0)
		return 0;
	return p
	    ->style[(p->nstyle > STYLE_DEPTH ? STYLE_DEPTH : p->nstyle) - 1];
}

static void push_style(struct pstate *p, unsigned add)
{
	unsigned s = cur_style(p) | add;

	if (p->nstyle < STYLE_DEPTH)
		p->style[p->nstyle] = s;
	p->nstyle++;
}

static void pop_style(struct pstate *p)
{
	if (p->nstyle > 0)
		p->nstyle--;
}

/* Append raw bytes (already clean) with a style, merging runs. */
static void block_add(struct block *b, const char *s, size_t n, unsigned style)
{
	struct run *r;

	if (n == 0)
		return;
	b->text = xgrow(b->text, &b->cap, b->len + n + 1, 1);
	memcpy(b->text + b->len, s, n);
	r = b->nruns ? &b->runs[b->nruns - 1] : NULL;
	if (r && r->style == style && r->off + r->len == b->len) {
		r->len += n;
	} else {
		b->runs =
		    xgrow(b->runs, &b->capruns, b->nruns + 1, sizeof(*b->runs));
		b->runs[b->nruns++] = (struct run){b->len, n, style};
	}
	b->len += n;
	b->text[b->len] = '\0';
}

/*
 * Append text, replacing invalid UTF-8 and control characters with U+FFFD.
 * In code blocks '\n' is kept and tabs expand; elsewhere tabs and newlines
 * become spaces.
 */
static void add_clean(struct pstate *p, const char *s, size_t n, int code)
{
	struct block *b = p->cur;
	unsigned style = cur_style(p), cp;
	size_t i = 0, next, start = 0;
	char enc[4];

	while (i < n) {
		next = text_next(s, n, i, &cp);
		if (cp >= 0x20 && cp != 0x7F && !(cp >= 0x80 && cp < 0xA0) &&
		    !(cp == TEXT_REPLACEMENT && next - i == 1)) {
			if (code)
				p->code_col += text_cpwidth(cp);
			i = next;
			continue;
		}
		block_add(b, s + start, i - start, style);
		if (cp == '\n' && code) {
			block_add(b, "\n", 1, style);
			p->code_col = 0;
		} else if (cp == '\t' && code) {
			int k = TAB_WIDTH - p->code_col % TAB_WIDTH;

			block_add(b, "    ", (size_t)k, style);
			p->code_col += k;
		} else if (cp == '\t' || cp == '\n' || cp == '\r') {
			block_add(b, " ", 1, style);
		} else {
			block_add(b, enc, text_encode(TEXT_REPLACEMENT, enc),
				  style);
			p->code_col++;
		}
		i = start = next;
	}
	block_add(b, s + start, n - start, style);
}

/* Keep the logical depth beyond the array: count, store what fits. */
static int depth_of(int n)
{
	return n > MD_MAX_DEPTH ? MD_MAX_DEPTH : n;
}

static struct block *open_block(struct pstate *p, enum block_kind kind)
{
	struct md_doc *d = p->d;
	struct block *b;
	int i, k = 0;

	d->blocks = xgrow(d->blocks, &d->cap, d->n + 1, sizeof(*d->blocks));
	b = &d->blocks[d->n];
	memset(b, 0, sizeof(*b));
	b->kind = kind;
	/* Never NULL: b->text + off must be defined for empty blocks. */
	b->text = xgrow(b->text, &b->cap, 1, 1);
	b->text[0] = '\0';
	for (i = 0; i < depth_of(p->nconts); i++) {
		b->conts[k] = p->conts[i].c;
		b->conts[k].first = !p->conts[i].used;
		p->conts[i].used = 1;
		k++;
	}
	b->nconts = k;
	b->list_root = p->nlists ? p->list_root : 0;
	b->tight = p->nlists ? p->lists[depth_of(p->nlists) - 1].tight : 0;
	p->cur = b;
	p->cur_index = d->n++;
	p->code_col = 0;
	return b;
}

static void close_block(struct pstate *p)
{
	struct block *b = p->cur;

	if (!b)
		return;
	p->cur = NULL;
	/* Trailing newlines of code, trailing spaces of prose. */
	while (b->len && (b->text[b->len - 1] == '\n' ||
			  (b->kind != B_CODE && b->text[b->len - 1] == ' '))) {
		b->len--;
		b->text[b->len] = '\0';
		if (b->nruns) {
			struct run *r = &b->runs[b->nruns - 1];

			if (--r->len == 0)
				b->nruns--;
		}
	}
	/* A paragraph that ended up empty (only markup) is dropped. */
	if (b->len == 0 && (b->kind == B_PARA || b->kind == B_CODE) &&
	    p->cur_index + 1 == p->d->n) {
		free(b->text);
		free(b->runs);
		p->d->n--;
	}
}

/* Text arriving outside any leaf (tight list items) opens a paragraph. */
static struct block *need_block(struct pstate *p)
{
	if (!p->cur) {
		open_block(p, B_PARA);
		p->cur->implicit = 1;
	}
	return p->cur;
}

static void close_implicit(struct pstate *p)
{
	if (p->cur && p->cur->implicit)
		close_block(p);
}

static void push_cont(struct pstate *p, const struct cont *c)
{
	if (p->nconts < MD_MAX_DEPTH) {
		p->conts[p->nconts].c = *c;
		p->conts[p->nconts].c.id = ++p->next_id;
		p->conts[p->nconts].used = 0;
	}
	p->nconts++;
}

static void pop_cont(struct pstate *p)
{
	if (p->nconts > 0)
		p->nconts--;
}

static size_t doc_add_link(struct md_doc *d, const char *href, size_t n)
{
	size_t i;

	for (i = 0; i < d->nlinks; i++)
		if (strlen(d->links[i]) == n &&
		    memcmp(d->links[i], href, n) == 0)
			return i + 1;
	d->links =
	    xgrow(d->links, &d->caplinks, d->nlinks + 1, sizeof(*d->links));
	d->links[d->nlinks++] = xstrndup(href, n);
	return d->nlinks;
}

/* An attribute (href, src) as text: entities kept verbatim, invalid UTF-8
 * and control characters replaced. */
static char *attr_text(const MD_ATTRIBUTE *a)
{
	const char *s = a->text ? a->text : "";
	size_t n = a->size, i = 0, j = 0, next;
	char *out = xmalloc(n * 3 + 1);
	unsigned cp;

	while (i < n) {
		next = text_next(s, n, i, &cp);
		if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) ||
		    (cp == TEXT_REPLACEMENT && next - i == 1))
			j += text_encode(TEXT_REPLACEMENT, out + j);
		else {
			memcpy(out + j, s + i, next - i);
			j += next - i;
		}
		i = next;
	}
	out[j] = '\0';
	return out;
}

/* ---- md4c callbacks ---------------------------------------------------- */

static void enter_list(struct pstate *p, int ordered, unsigned start,
		       char delim, int tight)
{
	if (p->nlists == 0)
		p->list_root = ++p->root_serial;
	if (p->nlists < MD_MAX_DEPTH)
		p->lists[p->nlists] =
		    (struct open_list){ordered, start, delim, tight};
	p->nlists++;
}

static void enter_item(struct pstate *p, const MD_BLOCK_LI_DETAIL *li)
{
	struct cont c = {0};

	c.kind = C_ITEM;
	if (p->nlists > 0 && p->nlists <= MD_MAX_DEPTH) {
		struct open_list *l = &p->lists[p->nlists - 1];

		if (l->ordered) {
			c.delim = l->delim ? l->delim : '.';
			c.number = l->next++;
		}
	}
	c.level = (unsigned char)(p->nlists > 0 ? (p->nlists - 1) % 3 : 0);
	if (li && li->is_task)
		c.task = li->task_mark == ' ' ? ' ' : 'x';
	push_cont(p, &c);
}

static void enter_table_cell(struct pstate *p, const MD_BLOCK_TD_DETAIL *td)
{
	struct block *b = p->cur;
	struct cell *c;
	size_t row = b->nrows ? b->nrows - 1 : 0;
	size_t col = 0;

	if (b->ncells && b->cells[b->ncells - 1].row == row)
		col = b->cells[b->ncells - 1].col + 1;
	b->cells =
	    xgrow(b->cells, &b->capcells, b->ncells + 1, sizeof(*b->cells));
	c = &b->cells[b->ncells++];
	*c = (struct cell){row, col, b->len, 0};
	if (col >= b->ncols) {
		size_t cap = b->ncols;

		b->align = xgrow(b->align, &cap, col + 1, 1);
		memset(b->align + b->ncols, 0, col + 1 - b->ncols);
		b->ncols = col + 1;
	}
	if (td && b->nrows == 1)
		b->align[col] = (unsigned char)td->align;
}

static int on_enter_block(MD_BLOCKTYPE type, void *detail, void *arg)
{
	struct pstate *p = arg;
	const MD_BLOCK_OL_DETAIL *ol;
	const MD_BLOCK_UL_DETAIL *ul;
	struct cont q = {0};

	if (type != MD_BLOCK_TH && type != MD_BLOCK_TD && type != MD_BLOCK_TR &&
	    type != MD_BLOCK_THEAD && type != MD_BLOCK_TBODY)
		close_implicit(p);
	switch (type) {
	case MD_BLOCK_DOC:
		break;
	case MD_BLOCK_QUOTE:
		q.kind = C_QUOTE;
		push_cont(p, &q);
		push_style(p, MD_QUOTE);
		break;
	case MD_BLOCK_UL:
		ul = detail;
		enter_list(p, 0, 0, 0, ul->is_tight);
		break;
	case MD_BLOCK_OL:
		ol = detail;
		enter_list(p, 1, ol->start, ol->mark_delimiter, ol->is_tight);
		break;
	case MD_BLOCK_LI:
		enter_item(p, detail);
		break;
	case MD_BLOCK_HR:
		close_block(p);
		open_block(p, B_RULE);
		close_block(p);
		break;
	case MD_BLOCK_H:
		close_block(p);
		open_block(p, B_HEADING)->level =
		    (int)((const MD_BLOCK_H_DETAIL *)detail)->level;
		push_style(p, MD_HEADING | MD_BOLD | MD_HSET(p->cur->level));
		break;
	case MD_BLOCK_CODE:
	case MD_BLOCK_HTML:
		close_block(p);
		open_block(p, B_CODE);
		push_style(p, MD_CODEBLOCK);
		break;
	case MD_BLOCK_P:
		close_block(p);
		open_block(p, B_PARA);
		break;
	case MD_BLOCK_TABLE:
		close_block(p);
		open_block(p, B_TABLE);
		break;
	case MD_BLOCK_THEAD:
		p->in_head = 1;
		break;
	case MD_BLOCK_TBODY:
		p->in_head = 0;
		break;
	case MD_BLOCK_TR:
		if (p->cur && p->cur->kind == B_TABLE) {
			p->cur->nrows++;
			if (p->in_head)
				p->cur->nhead = p->cur->nrows;
		}
		break;
	case MD_BLOCK_TH:
	case MD_BLOCK_TD:
		if (p->cur && p->cur->kind == B_TABLE && p->cur->nrows)
			enter_table_cell(p, detail);
		push_style(p, type == MD_BLOCK_TH ? MD_TABLEHEAD | MD_BOLD : 0);
		break;
	}
	return 0;
}

/* An HTML block that is only a comment is not shown. */
static void drop_html_comment(struct pstate *p)
{
	struct block *b = p->cur;
	size_t i = 0;

	if (!b)
		return;
	while (i < b->len && (b->text[i] == ' ' || b->text[i] == '\n'))
		i++;
	if (b->len - i >= 4 && memcmp(b->text + i, "<!--", 4) == 0) {
		b->len = 0;
		b->nruns = 0;
	}
}

static int on_leave_block(MD_BLOCKTYPE type, void *detail, void *arg)
{
	struct pstate *p = arg;

	(void)detail;
	switch (type) {
	case MD_BLOCK_DOC:
		close_block(p);
		break;
	case MD_BLOCK_QUOTE:
		close_block(p);
		pop_cont(p);
		pop_style(p);
		break;
	case MD_BLOCK_UL:
	case MD_BLOCK_OL:
		close_implicit(p);
		if (p->nlists > 0)
			p->nlists--;
		break;
	case MD_BLOCK_LI:
		close_implicit(p);
		pop_cont(p);
		break;
	case MD_BLOCK_HR:
		break;
	case MD_BLOCK_HTML:
		drop_html_comment(p);
		/* fall through */
	case MD_BLOCK_H:
	case MD_BLOCK_CODE:
		pop_style(p);
		close_block(p);
		break;
	case MD_BLOCK_P:
	case MD_BLOCK_TABLE:
		close_block(p);
		break;
	case MD_BLOCK_THEAD:
	case MD_BLOCK_TBODY:
	case MD_BLOCK_TR:
		break;
	case MD_BLOCK_TH:
	case MD_BLOCK_TD:
		if (p->cur && p->cur->kind == B_TABLE && p->cur->ncells) {
			struct cell *c = &p->cur->cells[p->cur->ncells - 1];

			c->len = p->cur->len - c->off;
		}
		pop_style(p);
		break;
	}
	return 0;
}

static int on_enter_span(MD_SPANTYPE type, void *detail, void *arg)
{
	struct pstate *p = arg;
	struct open_link *l;

	switch (type) {
	case MD_SPAN_EM:
		push_style(p, MD_ITALIC);
		break;
	case MD_SPAN_STRONG:
		push_style(p, MD_BOLD);
		break;
	case MD_SPAN_CODE:
		push_style(p, MD_CODE);
		break;
	case MD_SPAN_DEL:
		push_style(p, MD_STRIKE);
		break;
	case MD_SPAN_A:
	case MD_SPAN_IMG:
		need_block(p);
		if (p->nlinks < MD_MAX_DEPTH) {
			l = &p->links[p->nlinks];
			l->image = type == MD_SPAN_IMG;
			l->href = attr_text(
			    l->image ? &((MD_SPAN_IMG_DETAIL *)detail)->src
				     : &((MD_SPAN_A_DETAIL *)detail)->href);
			if (l->image)
				block_add(p->cur, "[image: ", 8,
					  cur_style(p) | MD_MARK);
			l->start = p->cur->len;
		}
		p->nlinks++;
		push_style(p, type == MD_SPAN_A ? MD_LINK : MD_ITALIC);
		break;
	default:
		push_style(p, 0);
		break;
	}
	return 0;
}

static void leave_link(struct pstate *p)
{
	struct open_link *l;
	struct block *b = p->cur;
	size_t n, tlen;
	char ref[32];
	int k;

	if (--p->nlinks >= MD_MAX_DEPTH)
		return;
	l = &p->links[p->nlinks];
	tlen = b->len - l->start;
	if (l->image)
		block_add(b, "]", 1, cur_style(p) | MD_MARK);
	/* An autolink shows its target already: no reference. */
	if (l->href[0] && !(tlen == strlen(l->href) &&
			    memcmp(b->text + l->start, l->href, tlen) == 0)) {
		n = doc_add_link(p->d, l->href, strlen(l->href));
		k = snprintf(ref, sizeof(ref), "[%zu]", n);
		if (k > 0 && (size_t)k < sizeof(ref))
			block_add(b, ref, (size_t)k,
				  (cur_style(p) & ~MD_LINK) | MD_LINKREF);
	}
	free(l->href);
	l->href = NULL;
}

static int on_leave_span(MD_SPANTYPE type, void *detail, void *arg)
{
	struct pstate *p = arg;

	(void)detail;
	pop_style(p);
	if ((type == MD_SPAN_A || type == MD_SPAN_IMG) && p->nlinks > 0)
		leave_link(p);
	return 0;
}

/* &amp; &#123; &#x1F600; and a few names; others stay verbatim. */
static void add_entity(struct pstate *p, const char *s, size_t n)
{
	static const struct {
		const char *name;
		unsigned cp;
	} names[] = {
	    {"&amp;", '&'},	  {"&lt;", '<'},       {"&gt;", '>'},
	    {"&quot;", '"'},	  {"&apos;", '\''},    {"&nbsp;", 0xA0},
	    {"&copy;", 0xA9},	  {"&mdash;", 0x2014}, {"&ndash;", 0x2013},
	    {"&hellip;", 0x2026}, {"&times;", 0xD7},   {"&rarr;", 0x2192},
	};
	unsigned long cp = 0;
	size_t i;
	char enc[4];

	if (n >= 4 && s[1] == '#') {
		int hex = s[2] == 'x' || s[2] == 'X';

		for (i = hex ? 3 : 2; i + 1 < n && cp <= 0x10FFFF; i++)
			cp = cp * (hex ? 16 : 10) +
			     (unsigned long)(s[i] <= '9'
						 ? s[i] - '0'
						 : (s[i] | 0x20) - 'a' + 10);
		if (cp == 0 || cp < 0x20 || cp > 0x10FFFF)
			cp = TEXT_REPLACEMENT;
		block_add(p->cur, enc, text_encode((unsigned)cp, enc),
			  cur_style(p));
		return;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i].name) == n &&
		    memcmp(names[i].name, s, n) == 0) {
			block_add(p->cur, enc, text_encode(names[i].cp, enc),
				  cur_style(p));
			return;
		}
	add_clean(p, s, n, 0);
}

static int on_text(MD_TEXTTYPE type, const MD_CHAR *s, MD_SIZE n, void *arg)
{
	struct pstate *p = arg;
	char enc[4];

	if (type == MD_TEXT_HTML && !(p->cur && p->cur->kind == B_CODE))
		return 0; /* inline tags are not shown */
	/* md4c 0.4.8 can hand out text running past the end of the input
	 * after a UTF-8 sequence cut by the end (seen by fuzzing; compare
	 * md4c pull request #167): keep to the input.  (Breaks and a few
	 * others point to md4c's own strings, not into the input.) */
	if (s >= p->begin && s < p->end + MD_PAD) {
		if (s >= p->end)
			return 0;
		if (n > (MD_SIZE)(p->end - s))
			n = (MD_SIZE)(p->end - s);
	}
	need_block(p);
	switch (type) {
	case MD_TEXT_NULLCHAR:
		block_add(p->cur, enc, text_encode(TEXT_REPLACEMENT, enc),
			  cur_style(p));
		break;
	case MD_TEXT_BR:
		block_add(p->cur, "\n", 1, cur_style(p));
		break;
	case MD_TEXT_SOFTBR:
		block_add(p->cur, " ", 1, cur_style(p));
		break;
	case MD_TEXT_ENTITY:
		add_entity(p, s, n);
		break;
	default:
		add_clean(p, s, n, p->cur->kind == B_CODE);
		break;
	}
	return 0;
}

struct md_doc *md_doc_parse(const char *text, size_t len)
{
	struct md_doc *d = xcalloc(1, sizeof(*d));
	struct pstate p = {0};
	MD_PARSER parser = {0};
	char *copy;
	int i, rc;

	parser.flags = MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH |
		       MD_FLAG_TASKLISTS | MD_FLAG_PERMISSIVEURLAUTOLINKS |
		       MD_FLAG_PERMISSIVEWWWAUTOLINKS;
	parser.enter_block = on_enter_block;
	parser.leave_block = on_leave_block;
	parser.enter_span = on_enter_span;
	parser.leave_span = on_leave_span;
	parser.text = on_text;
	p.d = d;
	if (len > MD_MAX_INPUT)
		len = MD_MAX_INPUT;
	/* A copy with zeros after it, so md4c's reads past the end (see
	 * on_text) stay inside our buffer and are the same every time. */
	copy = xmalloc(len + MD_PAD);
	memcpy(copy, text, len);
	memset(copy + len, 0, MD_PAD);
	p.begin = copy;
	p.end = copy + len;
	rc = md_parse(copy, (MD_SIZE)len, &parser, &p);
	free(copy);
	if (rc != 0) {
		for (i = 0; i < depth_of(p.nlinks); i++)
			free(p.links[i].href);
		md_doc_free(d);
		return NULL;
	}
	close_block(&p);
	for (i = 0; i < depth_of(p.nlinks); i++)
		free(p.links[i].href);
	return d;
}

void md_doc_free(struct md_doc *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->n; i++) {
		free(d->blocks[i].text);
		free(d->blocks[i].runs);
		free(d->blocks[i].cells);
		free(d->blocks[i].align);
	}
	free(d->blocks);
	for (i = 0; i < d->nlinks; i++)
		free(d->links[i]);
	free(d->links);
	free(d);
}

size_t md_doc_nblocks(const struct md_doc *d)
{
	return d->n;
}

size_t md_doc_nlinks(const struct md_doc *d)
{
	return d->nlinks;
}

const char *md_doc_link(const struct md_doc *d, size_t n)
{
	return n >= 1 && n <= d->nlinks ? d->links[n - 1] : NULL;
}

/* ---- layout ------------------------------------------------------------ */

struct glyphs {
	const char *bar, *bullet[3], *rule, *rule1, *hsep, *vsep, *cross;
};

static const struct glyphs utf8_glyphs = {
    "\u2502 ",	{"\u2022", "\u25e6", "\u25aa"}, "\u2500", "\u2550", "\u2500",
    " \u2502 ", "\u2500\u253c\u2500",
};
static const struct glyphs ascii_glyphs = {
    "| ", {"*", "-", "+"}, "-", "=", "-", " | ", "-+-",
};

struct lctx {
	struct md_layout *l;
	const struct md_doc *d;
	const struct glyphs *g;
	int width;
	struct md_line *line; /* the line being built */
};

static void line_begin(struct lctx *c, size_t block, size_t off, unsigned flags)
{
	struct md_layout *l = c->l;

	l->lines =
	    xgrow(l->lines, &l->caplines, l->nlines + 1, sizeof(*l->lines));
	c->line = &l->lines[l->nlines++];
	*c->line =
	    (struct md_line){l->len, 0, l->nsegs, 0, 0, flags, {block, off}};
}

static void line_add(struct lctx *c, const char *s, size_t n, unsigned style)
{
	struct md_layout *l = c->l;
	struct md_seg *last;

	if (n == 0)
		return;
	l->text = xgrow(l->text, &l->cap, l->len + n + 1, 1);
	memcpy(l->text + l->len, s, n);
	last = c->line->nseg ? &l->segs[l->nsegs - 1] : NULL;
	if (last && last->style == style && last->off + last->len == l->len) {
		last->len += n;
	} else {
		l->segs =
		    xgrow(l->segs, &l->capsegs, l->nsegs + 1, sizeof(*l->segs));
		l->segs[l->nsegs++] = (struct md_seg){l->len, n, style};
		c->line->nseg++;
	}
	l->len += n;
	l->text[l->len] = '\0';
	c->line->len += n;
	c->line->width += text_width(s, n);
}

static void line_pad(struct lctx *c, int n, unsigned style)
{
	static const char spaces[] = "                                ";

	while (n > 0) {
		int k = n > 32 ? 32 : n;

		line_add(c, spaces, (size_t)k, style);
		n -= k;
	}
}

static void line_end(struct lctx *c)
{
	if (c->line->width > c->l->max_width)
		c->l->max_width = c->line->width;
	if (c->line->width > c->width)
		c->line->flags |= MD_LINE_WIDE;
	c->line = NULL;
}

/* The styled bytes b->text[off..off+n) into the current line. */
static void line_add_runs(struct lctx *c, const struct block *b, size_t off,
			  size_t n, unsigned extra)
{
	size_t lo = 0, hi = b->nruns, end = off + n;

	/* The run holding off: binary search. */
	while (lo + 1 < hi) {
		size_t mid = (lo + hi) / 2;

		if (b->runs[mid].off <= off)
			lo = mid;
		else
			hi = mid;
	}
	for (; lo < b->nruns && off < end; lo++) {
		const struct run *r = &b->runs[lo];
		size_t rend = r->off + r->len, k;

		if (rend <= off)
			continue;
		k = (rend < end ? rend : end) - off;
		line_add(c, b->text + off, k, r->style | extra);
		off += k;
	}
}

/* Item mark text, e.g. "1. " or "• [x] ", for container c. */
static int item_mark(const struct lctx *c, const struct cont *k, char *out,
		     size_t n)
{
	int r;

	if (k->delim)
		r = snprintf(out, n, "%u%c ", k->number, k->delim);
	else
		r = snprintf(out, n, "%s ", c->g->bullet[k->level % 3]);
	if (r > 0 && (size_t)r < n && k->task)
		r += snprintf(out + r, n - (size_t)r, "[%c] ", k->task);
	return r > 0 && (size_t)r < n ? r : 0;
}

/* Draw the containers' prefix; `first` selects marks or their indent.
 * Returns the width drawn. */
static int line_prefix(struct lctx *c, const struct block *b, int first,
		       int ncommon)
{
	char mark[48];
	int i, w = 0, start = c->line->width;

	for (i = 0; i < b->nconts && i < ncommon; i++) {
		const struct cont *k = &b->conts[i];
		int n;

		if (k->kind == C_QUOTE) {
			line_add(c, c->g->bar, strlen(c->g->bar),
				 MD_QUOTE | MD_MARK);
			continue;
		}
		n = item_mark(c, k, mark, sizeof(mark));
		if (first && k->first)
			line_add(c, mark, (size_t)n, MD_MARK);
		else
			line_pad(c, text_width(mark, (size_t)n), 0);
	}
	w = c->line->width - start;
	return w;
}

/* Break b->text[off..off+n) into lines of at most `w` columns: calls back
 * with each line's byte range. */
typedef void (*piece_fn)(struct lctx *c, const struct block *b, size_t off,
			 size_t n, int idx, void *arg);

static size_t skip_spaces(const char *s, size_t i, size_t end)
{
	while (i < end && s[i] == ' ')
		i++;
	return i;
}

static size_t trim_end(const char *s, size_t start, size_t i)
{
	while (i > start && s[i - 1] == ' ')
		i--;
	return i;
}

static int wrap(struct lctx *c, const struct block *b, size_t off, size_t n,
		int w, piece_fn fn, void *arg)
{
	const char *s = b->text;
	size_t end = off + n, i = off, start, brk, resume, next;
	int col, idx = 0, cw;
	unsigned cp;

	if (w < 1)
		w = 1;
	while (i < end || idx == 0) {
		start = i;
		col = 0;
		brk = resume = 0;
		while (i < end) {
			if (s[i] == '\n')
				break;
			next = text_next(s, end, i, &cp);
			if (cp == ' ' && (i == start || s[i - 1] != ' ')) {
				brk = i;
				resume = skip_spaces(s, i, end);
			}
			cw = text_cpwidth(cp);
			if (cp != ' ' && col + cw > w && i > start)
				break;
			col += cw;
			i = next;
		}
		if (i < end && s[i] != '\n' && brk > start) {
			fn(c, b, start, trim_end(s, start, brk) - start, idx++,
			   arg);
			i = resume;
		} else {
			fn(c, b, start, trim_end(s, start, i) - start, idx++,
			   arg);
			if (i < end && s[i] == '\n')
				i = skip_spaces(s, i + 1, end);
			else
				i = skip_spaces(s, i, end);
		}
		if (i >= end)
			break;
	}
	return idx;
}

static void para_piece(struct lctx *c, const struct block *b, size_t off,
		       size_t n, int idx, void *arg)
{
	size_t bi = (size_t)(b - c->d->blocks);

	(void)arg;
	line_begin(c, bi, off,
		   b->kind == B_HEADING && idx == 0 ? MD_LINE_HEADING : 0);
	line_prefix(c, b, idx == 0, b->nconts);
	line_add_runs(c, b, off, n, 0);
	line_end(c);
}

static int prefix_width(const struct lctx *c, const struct block *b)
{
	char mark[48];
	int i, w = 0;

	for (i = 0; i < b->nconts; i++) {
		if (b->conts[i].kind == C_QUOTE)
			w += text_width(c->g->bar, strlen(c->g->bar));
		else
			w += text_width(mark,
					(size_t)item_mark(c, &b->conts[i], mark,
							  sizeof(mark)));
	}
	return w;
}

static int content_width(const struct lctx *c, const struct block *b)
{
	int w = c->width - prefix_width(c, b);

	return w < 8 ? (c->width < 8 ? c->width : 8) : w;
}

static void lay_heading(struct lctx *c, const struct block *b, size_t bi)
{
	int before = (int)c->l->nlines, i, w = 0;

	wrap(c, b, 0, b->len, content_width(c, b), para_piece, NULL);
	if (b->level > 2)
		return;
	for (i = before; i < (int)c->l->nlines; i++)
		if (c->l->lines[i].width > w)
			w = c->l->lines[i].width;
	line_begin(c, bi, b->len, 0);
	w -= line_prefix(c, b, 0, b->nconts);
	while (w-- > 0) {
		const char *r = b->level == 1 ? c->g->rule1 : c->g->rule;

		line_add(c, r, strlen(r), MD_MARK | MD_HEADING);
	}
	line_end(c);
}

static void lay_code(struct lctx *c, const struct block *b, size_t bi)
{
	size_t i = 0, eol;

	do {
		eol = i;
		while (eol < b->len && b->text[eol] != '\n')
			eol++;
		line_begin(c, bi, i, MD_LINE_WIDE);
		line_prefix(c, b, i == 0, b->nconts);
		line_add(c, "  ", 2, MD_CODEBLOCK);
		line_add_runs(c, b, i, eol - i, 0);
		line_end(c);
		i = eol + 1;
	} while (eol < b->len);
}

static void lay_rule(struct lctx *c, const struct block *b, size_t bi)
{
	int w;

	line_begin(c, bi, 0, 0);
	w = c->width - line_prefix(c, b, 1, b->nconts);
	if (w > 72)
		w = 72;
	while (w-- > 0)
		line_add(c, c->g->rule, strlen(c->g->rule), MD_MARK);
	line_end(c);
}

/* ---- tables ------------------------------------------------------------ */

struct cell_lines {
	size_t *off, *len; /* wrapped pieces */
	int n, cap;
};

static void cell_piece(struct lctx *c, const struct block *b, size_t off,
		       size_t n, int idx, void *arg)
{
	struct cell_lines *cl = arg;
	size_t cap = (size_t)cl->cap;

	(void)c;
	(void)b;
	(void)idx;
	if (cl->n + 1 > cl->cap) {
		cl->off =
		    xgrow(cl->off, &cap, (size_t)cl->n + 1, sizeof(*cl->off));
		cl->len = xrealloc(cl->len, cap * sizeof(*cl->len));
		cl->cap = (int)cap;
	}
	cl->off[cl->n] = off;
	cl->len[cl->n] = n;
	cl->n++;
}

static const struct cell *table_cell(const struct block *b, size_t row,
				     size_t col)
{
	size_t i;

	/* Cells are stored in order; rows are short. */
	for (i = 0; i < b->ncells; i++)
		if (b->cells[i].row == row && b->cells[i].col == col)
			return &b->cells[i];
		else if (b->cells[i].row > row)
			break;
	return NULL;
}

/* Longest word of a cell: the narrowest it can be without cutting words. */
static int longest_word(const struct block *b, const struct cell *k)
{
	size_t i = k->off, end = k->off + k->len, start;
	int best = 0, w;

	while (i < end) {
		i = skip_spaces(b->text, i, end);
		start = i;
		while (i < end && b->text[i] != ' ')
			i++;
		w = text_width(b->text + start, i - start);
		if (w > best)
			best = w;
	}
	return best;
}

/* Column widths: natural when they fit, otherwise shared out so narrow
 * columns keep their width and wide ones wrap. */
static void table_widths(const struct block *b, int avail, int *wid)
{
	int *want = xcalloc(b->ncols, sizeof(int));
	int *fixed = xcalloc(b->ncols, sizeof(int));
	size_t i, col, left = b->ncols;
	int total = 0, changed = 1;

	for (i = 0; i < b->ncells; i++) {
		const struct cell *k = &b->cells[i];
		int w = text_width(b->text + k->off, k->len);

		if (w > want[k->col])
			want[k->col] = w;
	}
	for (col = 0; col < b->ncols; col++) {
		if (want[col] < 1)
			want[col] = 1;
		total += want[col];
	}
	if (total <= avail) {
		memcpy(wid, want, b->ncols * sizeof(int));
		goto out;
	}
	while (changed && left > 0) {
		int share = avail / (int)left;

		changed = 0;
		for (col = 0; col < b->ncols; col++)
			if (!fixed[col] && want[col] <= share) {
				wid[col] = want[col];
				fixed[col] = 1;
				avail -= want[col];
				left--;
				changed = 1;
			}
	}
	for (col = 0; col < b->ncols; col++) {
		if (fixed[col])
			continue;
		wid[col] = left ? avail / (int)left : 1;
		for (i = 0; i < b->ncells; i++)
			if (b->cells[i].col == col) {
				int lw = longest_word(b, &b->cells[i]);

				/* Rather too wide (scrolls) than cut a short
				 * word in the middle. */
				if (lw <= 12 && lw > wid[col])
					wid[col] = lw;
			}
		if (wid[col] < 4)
			wid[col] = 4;
	}
out:
	free(want);
	free(fixed);
}

static void table_row(struct lctx *c, const struct block *b, size_t bi,
		      size_t row, const int *wid)
{
	struct cell_lines *cl = xcalloc(b->ncols, sizeof(*cl));
	int height = 1, k;
	size_t col;

	for (col = 0; col < b->ncols; col++) {
		const struct cell *ce = table_cell(b, row, col);

		if (ce && ce->len)
			wrap(c, b, ce->off, ce->len, wid[col], cell_piece,
			     &cl[col]);
		if (cl[col].n > height)
			height = cl[col].n;
	}
	for (k = 0; k < height; k++) {
		line_begin(c, bi, row, 0);
		line_prefix(c, b, row == 0 && k == 0, b->nconts);
		for (col = 0; col < b->ncols; col++) {
			int w = 0, pad;
			unsigned st = row < b->nhead ? MD_TABLEHEAD : 0;

			if (col)
				line_add(c, c->g->vsep, strlen(c->g->vsep),
					 MD_MARK);
			if (k < cl[col].n)
				w = text_width(b->text + cl[col].off[k],
					       cl[col].len[k]);
			pad = wid[col] - w;
			if (pad < 0)
				pad = 0;
			if (b->align[col] == MD_ALIGN_RIGHT)
				line_pad(c, pad, st), pad = 0;
			else if (b->align[col] == MD_ALIGN_CENTER)
				line_pad(c, pad / 2, st), pad -= pad / 2;
			if (k < cl[col].n)
				line_add_runs(c, b, cl[col].off[k],
					      cl[col].len[k], 0);
			if (col + 1 < b->ncols)
				line_pad(c, pad, st);
		}
		line_end(c);
	}
	for (col = 0; col < b->ncols; col++) {
		free(cl[col].off);
		free(cl[col].len);
	}
	free(cl);
}

static void table_rule(struct lctx *c, const struct block *b, size_t bi,
		       const int *wid)
{
	size_t col;
	int k;

	line_begin(c, bi, b->nhead ? b->nhead - 1 : 0, 0);
	line_prefix(c, b, 0, b->nconts);
	for (col = 0; col < b->ncols; col++) {
		if (col)
			line_add(c, c->g->cross, strlen(c->g->cross), MD_MARK);
		for (k = 0; k < wid[col]; k++)
			line_add(c, c->g->hsep, strlen(c->g->hsep), MD_MARK);
	}
	line_end(c);
}

static void lay_table(struct lctx *c, const struct block *b, size_t bi)
{
	int *wid;
	int avail;
	size_t row;

	if (b->ncols == 0)
		return;
	wid = xcalloc(b->ncols, sizeof(int));
	avail =
	    c->width - prefix_width(c, b) -
	    (int)(b->ncols - 1) * text_width(c->g->vsep, strlen(c->g->vsep));
	table_widths(b, avail, wid);
	for (row = 0; row < b->nrows; row++) {
		table_row(c, b, bi, row, wid);
		if (row + 1 == b->nhead)
			table_rule(c, b, bi, wid);
	}
	free(wid);
}

/* ---- document ------------------------------------------------------------ */

/* Containers two consecutive blocks share (the gap between them keeps the
 * shared quote bars). */
static int common_conts(const struct block *a, const struct block *b)
{
	int i = 0;

	while (i < a->nconts && i < b->nconts &&
	       a->conts[i].id == b->conts[i].id)
		i++;
	return i;
}

static int wants_gap(const struct block *prev, const struct block *b)
{
	/* Items of one tight list follow each other without blank lines. */
	return !(b->list_root && b->list_root == prev->list_root && b->tight &&
		 prev->tight);
}

static void lay_gap(struct lctx *c, const struct block *prev,
		    const struct block *b, size_t bi)
{
	int common = common_conts(prev, b);
	int i, has_quote = 0;

	for (i = 0; i < common; i++)
		has_quote |= b->conts[i].kind == C_QUOTE;
	line_begin(c, bi, 0, MD_LINE_BLANK);
	if (has_quote) {
		/* Keep only up to the innermost shared quote. */
		int last = 0;

		for (i = 0; i < common; i++)
			if (b->conts[i].kind == C_QUOTE)
				last = i + 1;
		line_prefix(c, b, 0, last);
		/* No trailing space after the last bar. */
		while (c->line->len && c->l->text[c->l->len - 1] == ' ') {
			c->l->len--;
			c->line->len--;
			c->line->width--;
			if (--c->l->segs[c->l->nsegs - 1].len == 0) {
				c->l->nsegs--;
				c->line->nseg--;
			}
		}
	}
	line_end(c);
}

/* The numbered link targets, as a pseudo-block after the document; URLs
 * have no spaces, so they break anywhere. */
static void lay_refs(struct lctx *c)
{
	size_t i, off, len, n;
	int k, room;
	char head[32];
	const char *url;

	if (c->d->nlinks == 0)
		return;
	line_begin(c, c->d->n, 0, MD_LINE_BLANK);
	line_end(c);
	line_begin(c, c->d->n, 0, 0);
	for (k = 0; k < 20 && k < c->width; k++)
		line_add(c, c->g->rule, strlen(c->g->rule), MD_MARK);
	line_end(c);
	for (i = 0; i < c->d->nlinks; i++) {
		k = snprintf(head, sizeof(head), "[%zu] ", i + 1);
		if (k < 0 || (size_t)k >= sizeof(head))
			continue;
		url = c->d->links[i];
		len = strlen(url);
		room = c->width - k < 8 ? 8 : c->width - k;
		off = 0;
		do {
			line_begin(c, c->d->n, i + 1, 0);
			if (off == 0)
				line_add(c, head, (size_t)k, MD_LINKREF);
			else
				line_pad(c, k, 0);
			n = text_fit(url + off, len - off, room, NULL);
			if (n == 0 && off < len) {
				unsigned cp;

				n = text_next(url, len, off, &cp) - off;
			}
			line_add(c, url + off, n, MD_LINK);
			line_end(c);
			off += n;
		} while (off < len);
	}
}

void md_layout_init(struct md_layout *l)
{
	memset(l, 0, sizeof(*l));
}

void md_layout_release(struct md_layout *l)
{
	free(l->text);
	free(l->segs);
	free(l->lines);
	md_layout_init(l);
}

void md_layout(struct md_layout *l, const struct md_doc *d,
	       const struct md_opts *o)
{
	struct lctx c = {0};
	size_t i;

	l->len = l->nsegs = l->nlines = 0;
	l->max_width = 0;
	/* The text is never NULL, even when every line is empty, so
	 * l->text + line.off is always a valid pointer. */
	l->text = xgrow(l->text, &l->cap, 1, 1);
	l->text[0] = '\0';
	l->width = o->width < 8 ? 8 : o->width;
	c.l = l;
	c.d = d;
	c.g = o->ascii ? &ascii_glyphs : &utf8_glyphs;
	c.width = l->width;
	for (i = 0; i < d->n; i++) {
		const struct block *b = &d->blocks[i];

		if (i > 0 && wants_gap(&d->blocks[i - 1], b))
			lay_gap(&c, &d->blocks[i - 1], b, i);
		switch (b->kind) {
		case B_PARA:
			wrap(&c, b, 0, b->len, content_width(&c, b), para_piece,
			     NULL);
			break;
		case B_HEADING:
			lay_heading(&c, b, i);
			break;
		case B_CODE:
			lay_code(&c, b, i);
			break;
		case B_RULE:
			lay_rule(&c, b, i);
			break;
		case B_TABLE:
			lay_table(&c, b, i);
			break;
		}
	}
	lay_refs(&c);
}

struct md_pos md_layout_pos(const struct md_layout *l, size_t i)
{
	return l->lines[i].pos;
}

static int pos_cmp(struct md_pos a, struct md_pos b)
{
	if (a.block != b.block)
		return a.block < b.block ? -1 : 1;
	if (a.off != b.off)
		return a.off < b.off ? -1 : 1;
	return 0;
}

size_t md_layout_find(const struct md_layout *l, struct md_pos p)
{
	size_t lo = 0, hi = l->nlines, best;

	if (l->nlines == 0)
		return 0;
	/* Lines are sorted by position: the last line not after p... */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (pos_cmp(l->lines[mid].pos, p) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return 0;
	best = lo - 1;
	/* ...then the first line with that same position, not counting the
	 * blank line before a block, which shares the block's start. */
	while (best > 0 &&
	       pos_cmp(l->lines[best - 1].pos, l->lines[best].pos) == 0 &&
	       !(l->lines[best - 1].flags & MD_LINE_BLANK))
		best--;
	return best;
}

static int lower(int ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch + 32 : ch;
}

long md_find_ci(const char *s, size_t len, const char *needle, size_t from)
{
	size_t n = strlen(needle), i, k;

	if (n == 0 || n > len)
		return -1;
	for (i = from; i + n <= len; i++) {
		for (k = 0; k < n; k++)
			if (lower((unsigned char)s[i + k]) !=
			    lower((unsigned char)needle[k]))
				break;
		if (k == n)
			return (long)i;
	}
	return -1;
}

long md_layout_search(const struct md_layout *l, const char *needle,
		      size_t from, int dir, size_t *col)
{
	size_t k, i;
	long at;

	if (l->nlines == 0 || !needle[0])
		return -1;
	if (from >= l->nlines)
		from = dir > 0 ? 0 : l->nlines - 1;
	for (k = 0; k < l->nlines; k++) {
		if (dir > 0)
			i = (from + k) % l->nlines;
		else
			i = (from + l->nlines - k) % l->nlines;
		at = md_find_ci(l->text + l->lines[i].off, l->lines[i].len,
				needle, 0);
		if (at >= 0) {
			if (col)
				*col = (size_t)at;
			return (long)i;
		}
	}
	return -1;
}
