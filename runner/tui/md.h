/*
 * md: Markdown for the terminal.
 *
 * Two steps, so a resize never re-parses:
 *
 *   struct md_doc *d = md_doc_parse(text, len);   once, with md4c
 *   md_layout(&l, d, &opts);                      for a width; again on resize
 *
 * The document model is a flat list of leaf blocks (paragraphs, headings,
 * code blocks, rules, tables), each with its text, the styles of its bytes
 * and the containers (block quotes, list items) around it.  The layout is a
 * list of lines made of styled segments.  Styles are flags, not colours:
 * the reader maps them to curses attributes, and this file includes no
 * curses, so it is unit-tested without a terminal.
 *
 * Prose wraps at opts.width columns (the reader passes min(screen, 100));
 * fenced and indented code is never wrapped (MD_LINE_WIDE lines may be
 * wider than the width: scroll sideways); links become their text followed
 * by a numbered reference "[1]", and the numbered targets are listed at the
 * end.  Text is sanitised while parsing: invalid UTF-8 and control
 * characters become U+FFFD, tabs in code expand to 4 columns.
 *
 * Positions: every line carries the (block, offset) of its first byte in
 * the document model, so a reader remembers md_layout_pos(top line), lays
 * out again for a new width and finds the same text with md_layout_find().
 */
#ifndef WB_TUI_MD_H
#define WB_TUI_MD_H

#include <stddef.h>

/* Segment styles (flags; a segment may carry several). */
#define MD_BOLD	       0x0001u
#define MD_ITALIC      0x0002u
#define MD_CODE	       0x0004u /* inline code */
#define MD_STRIKE      0x0008u
#define MD_LINK	       0x0010u /* link text (and URLs in the reference list) */
#define MD_LINKREF     0x0020u /* the "[1]" after a link */
#define MD_QUOTE       0x0040u /* inside a block quote (text and bars) */
#define MD_CODEBLOCK   0x0080u /* fenced or indented code */
#define MD_MARK	       0x0100u /* decoration: bullets, numbers, bars, rules */
#define MD_HEADING     0x0200u /* heading text; level in MD_HLEVEL */
#define MD_TABLEHEAD   0x0400u /* table header cells */
#define MD_HLEVEL(s)   (((s) >> 12) & 7u)
#define MD_HSET(level) (((unsigned)(level)&7u) << 12)

/* Line flags. */
#define MD_LINE_WIDE                                                           \
	0x1u		     /* never wrapped (code, wide tables): may be      \
				wider than the layout width */
#define MD_LINE_HEADING 0x2u /* first line of a heading */
#define MD_LINE_BLANK	0x4u /* a gap between blocks */

struct md_doc;

/* A place in the document model: leaf block index and byte offset in its
 * text (for code blocks, tables and the reference list: a line or row). */
struct md_pos {
	size_t block;
	size_t off;
};

struct md_seg {
	size_t off; /* into md_layout.text */
	size_t len;
	unsigned style;
};

struct md_line {
	size_t off, len;  /* the whole line's text in md_layout.text */
	size_t seg, nseg; /* its segments in md_layout.segs */
	int width;	  /* columns */
	unsigned flags;
	struct md_pos pos;
};

struct md_opts {
	int width; /* columns for prose; values below 8 count as 8 */
	int ascii; /* ASCII bullets, bars and rules (non-UTF-8 terminal) */
};

struct md_layout {
	char *text; /* all lines' bytes, each line contiguous */
	size_t len, cap;
	struct md_seg *segs;
	size_t nsegs, capsegs;
	struct md_line *lines;
	size_t nlines, caplines;
	int width;     /* as laid out */
	int max_width; /* the widest line */
};

/*
 * Parse Markdown (CommonMark with tables, strikethrough and task lists).
 * Input longer than MD_MAX_INPUT is cut there.  Returns the model, or NULL
 * when md4c itself failed (out of memory inside the parser).
 */
#define MD_MAX_INPUT ((size_t)4 << 20)
struct md_doc *md_doc_parse(const char *text, size_t len);
void md_doc_free(struct md_doc *d);

/* Number of leaf blocks, and of distinct link targets. */
size_t md_doc_nblocks(const struct md_doc *d);
size_t md_doc_nlinks(const struct md_doc *d);
/* The target of reference n (1-based, as shown "[n]"), or NULL. */
const char *md_doc_link(const struct md_doc *d, size_t n);

/* Lay d out into l (initialised by md_layout_init; any previous contents
 * are replaced). */
void md_layout_init(struct md_layout *l);
void md_layout(struct md_layout *l, const struct md_doc *d,
	       const struct md_opts *o);
void md_layout_release(struct md_layout *l);

/* The position of line i (i < nlines). */
struct md_pos md_layout_pos(const struct md_layout *l, size_t i);
/* The first line showing the text at p: the first line whose position is
 * the greatest one not after p (a blank gap line shares the position of
 * the block after it and is passed over).  0 for an empty layout. */
size_t md_layout_find(const struct md_layout *l, struct md_pos p);

/*
 * Search line texts for `needle` (ASCII case-insensitive), starting at line
 * `from` and going forward (dir > 0) or backward, wrapping around once.
 * Returns the line index, or -1 when no line matches.  *col (may be NULL)
 * gets the byte offset of the match in the line.
 */
long md_layout_search(const struct md_layout *l, const char *needle,
		      size_t from, int dir, size_t *col);
/* Byte offset of needle in s[0..len) (ASCII case-insensitive), or -1. */
long md_find_ci(const char *s, size_t len, const char *needle, size_t from);

#endif
