#include "tui/view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/md.h"
#include "tui/text.h"
#include "util/xalloc.h"

void view_init(struct view *v)
{
	memset(v, 0, sizeof(*v));
}

void view_release(struct view *v)
{
	free(v->text);
	free(v->segs);
	free(v->lines);
	view_init(v);
}

void view_clear(struct view *v)
{
	v->len = v->nsegs = v->nlines = 0;
	v->max_width = 0;
}

void view_line(struct view *v, int tag)
{
	if (!v->text) { /* never NULL once there is a line */
		v->text = xgrow(v->text, &v->cap, 1, 1);
		v->text[0] = '\0';
	}
	v->lines =
	    xgrow(v->lines, &v->caplines, v->nlines + 1, sizeof(*v->lines));
	v->lines[v->nlines++] = (struct vline){v->nsegs, 0, 0, tag};
}

static void add_seg(struct view *v, int style, unsigned md, const char *s,
		    size_t n)
{
	struct vline *l;
	struct vseg *last;

	if (n == 0)
		return;
	if (v->nlines == 0)
		view_line(v, 0);
	l = &v->lines[v->nlines - 1];
	v->text = xgrow(v->text, &v->cap, v->len + n + 1, 1);
	memcpy(v->text + v->len, s, n);
	last = l->nseg ? &v->segs[v->nsegs - 1] : NULL;
	if (last && last->style == style && last->md == md &&
	    last->off + last->len == v->len) {
		last->len += n;
	} else {
		v->segs =
		    xgrow(v->segs, &v->capsegs, v->nsegs + 1, sizeof(*v->segs));
		v->segs[v->nsegs++] =
		    (struct vseg){v->len, n, (unsigned char)style, md};
		l->nseg++;
	}
	v->len += n;
	v->text[v->len] = '\0';
	l->width += text_width(s, n);
	if (l->width > v->max_width)
		v->max_width = l->width;
}

/* Text from children and lessons: keep it printable, one line. */
static void add_clean(struct view *v, int style, unsigned md, const char *s,
		      size_t n)
{
	size_t i = 0, start = 0, next;
	unsigned cp;
	char enc[4];

	while (i < n) {
		next = text_next(s, n, i, &cp);
		if (cp >= 0x20 && cp != 0x7F && !(cp >= 0x80 && cp < 0xA0) &&
		    !(cp == TEXT_REPLACEMENT && next - i == 1)) {
			i = next;
			continue;
		}
		add_seg(v, style, md, s + start, i - start);
		if (cp == '\t')
			add_seg(v, style, md, "    ", 4);
		else
			add_seg(v, style, md, enc,
				text_encode(TEXT_REPLACEMENT, enc));
		i = start = next;
	}
	add_seg(v, style, md, s + start, n - start);
}

void view_add(struct view *v, int style, const char *s, size_t n)
{
	add_clean(v, style, 0, s, n);
}

void view_adds(struct view *v, int style, const char *s)
{
	if (s)
		add_clean(v, style, 0, s, strlen(s));
}

void view_addf(struct view *v, int style, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (k < 0)
		return;
	add_clean(v, style, 0, buf,
		  (size_t)k < sizeof(buf) ? (size_t)k : sizeof(buf) - 1);
}

void view_pad_to(struct view *v, int col)
{
	int w = v->nlines ? v->lines[v->nlines - 1].width : 0;

	while (w < col) {
		add_seg(v, ST_TEXT, 0, " ", 1);
		w++;
	}
}

void view_add_layout(struct view *v, int tag, int style, const char *first,
		     int indent, const struct md_layout *l)
{
	size_t i, k;

	for (i = 0; i < l->nlines; i++) {
		const struct md_line *ln = &l->lines[i];

		view_line(v, tag);
		if (i == 0 && first)
			view_adds(v, style, first);
		view_pad_to(v, indent);
		for (k = ln->seg; k < ln->seg + ln->nseg; k++)
			add_seg(v, style, l->segs[k].style,
				l->text + l->segs[k].off, l->segs[k].len);
	}
}

int view_markdown(struct view *v, int tag, int style, const char *first,
		  int indent, int width, const char *md)
{
	struct md_doc *d;
	struct md_layout l;
	struct md_opts o = {width - indent, 0};
	size_t before = v->nlines;

	if (!md)
		return 0;
	d = md_doc_parse(md, strlen(md));
	if (!d) {
		view_line(v, tag);
		if (first)
			view_adds(v, style, first);
		view_pad_to(v, indent);
		view_adds(v, style, md);
		return 1;
	}
	md_layout_init(&l);
	md_layout(&l, d, &o);
	view_add_layout(v, tag, style, first, indent, &l);
	md_layout_release(&l);
	md_doc_free(d);
	return (int)(v->nlines - before);
}

void view_bar(char *out, size_t n, double frac, int cells)
{
	int on, i;
	size_t k = 0;

	if (frac < 0)
		frac = 0;
	if (frac > 1)
		frac = 1;
	on = (int)(frac * cells + 0.5);
	if (n < (size_t)cells + 3) {
		if (n)
			out[0] = '\0';
		return;
	}
	out[k++] = '[';
	for (i = 0; i < cells; i++)
		out[k++] = i < on ? '#' : '-';
	out[k++] = ']';
	out[k] = '\0';
}

double view_value_frac(double value, double threshold, const char *cmp)
{
	double f;

	if (cmp && strcmp(cmp, "<=") == 0) {
		/* Smaller is better: 0 fills the bar, the threshold 2/3,
		 * twice the threshold (or more) nothing. */
		if (threshold <= 0)
			return value <= 0 ? 1 : 0;
		f = 1.0 - value / threshold / 3.0;
		if (value > threshold)
			f = (2.0 - value / threshold) * (2.0 / 3.0);
	} else {
		if (threshold <= 0)
			return value > 0 ? 1 : 0;
		f = value / threshold * (2.0 / 3.0);
	}
	if (f < 0)
		f = 0;
	if (f > 1)
		f = 1;
	return f;
}

void view_duration(char *out, size_t n, double s)
{
	if (s < 0)
		s = 0;
	if (s < 60)
		snprintf(out, n, "%.1fs", s);
	else
		snprintf(out, n, "%dm%02ds", (int)(s / 60), (int)s % 60);
}

const char *view_spinner(unsigned tick, int ascii)
{
	static const char *const dots[] = {
	    "\u280b", "\u2819", "\u2839", "\u2838", "\u283c",
	    "\u2834", "\u2826", "\u2827", "\u2807", "\u280f",
	};
	static const char *const bars[] = {"|", "/", "-", "\\"};

	return ascii ? bars[tick % 4] : dots[tick % 10];
}

static int item_width(const struct strip_item *it)
{
	return text_width(it->key, strlen(it->key)) + 1 +
	       text_width(it->label, strlen(it->label));
}

int view_strip(char *out, size_t n, const struct strip_item *items,
	       size_t nitems, int width)
{
	int total = 0, maxprio = 0, kept = 0;
	size_t i, k = 0;

	if (n == 0)
		return 0;
	for (i = 0; i < nitems; i++)
		if (items[i].prio > maxprio)
			maxprio = items[i].prio;
	/* Drop the least important priority level until the rest fits. */
	for (; maxprio >= 0; maxprio--) {
		total = 0;
		for (i = 0; i < nitems; i++)
			if (items[i].prio <= maxprio)
				total +=
				    (total ? 2 : 0) + item_width(&items[i]);
		if (total <= width || maxprio == 0)
			break;
	}
	out[0] = '\0';
	for (i = 0; i < nitems; i++) {
		int w;

		if (items[i].prio > maxprio)
			continue;
		w = snprintf(out + k, n - k, "%s%s:%s", k ? "  " : "",
			     items[i].key, items[i].label);
		if (w < 0 || (size_t)w >= n - k)
			break;
		if (text_width(out, k + (size_t)w) > width && kept > 0) {
			out[k] = '\0';
			break;
		}
		k += (size_t)w;
		kept++;
	}
	return kept;
}

int view_ellipsize(char *out, size_t n, const char *s, int cols, int ascii)
{
	const char *dots = ascii ? "..." : "\u2026";
	int dw = ascii ? 3 : 1, used;
	size_t len = strlen(s), fit;

	if (n == 0)
		return 0;
	if (cols < 0)
		cols = 0;
	if (text_width(s, len) <= cols) {
		fit = len < n - 1 ? len : n - 1;
		memcpy(out, s, fit);
		out[fit] = '\0';
		return text_width(out, fit);
	}
	if (cols < dw) {
		fit = text_fit(s, len, cols, &used);
		if (fit > n - 1)
			fit = n - 1;
		memcpy(out, s, fit);
		out[fit] = '\0';
		return used;
	}
	fit = text_fit(s, len, cols - dw, &used);
	if (fit + strlen(dots) + 1 > n)
		fit = n > strlen(dots) + 1 ? n - strlen(dots) - 1 : 0;
	memcpy(out, s, fit);
	memcpy(out + fit, dots, strlen(dots) + 1);
	return used + dw;
}
