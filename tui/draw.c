/* SPDX-License-Identifier: ISC */
/*
 * Drawing primitives shared by every view: the colour theme (named roles
 * mapped to curses attributes, with a monochrome theme for --mono and
 * NO_COLOR), the parallel UTF-8 and ASCII glyph tables, text output by
 * display width with an ellipsis on truncation, and a small column layout
 * helper so each table view only describes its columns: names are cut in
 * the middle (four "msft-..." routers stay four), addresses are never
 * cut, and the header marks the sort column.  Nothing here decides what
 * to show; views do.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "tui/tui.h"

struct theme_entry {
	short	fg, bg;
	attr_t	attr;
};

/*
 * The default theme uses only the 8 basic colours on the terminal's own
 * background (-1 with use_default_colors).  Nothing that carries data is
 * drawn in bright black, which disappears on many palettes.
 */
static const struct theme_entry draw_theme_color[CR_MAX] = {
	[CR_NORMAL] =	{ -1, -1, A_NORMAL },
	[CR_HEADER] =	{ COLOR_CYAN, -1, A_BOLD },
	[CR_TITLE] =	{ COLOR_WHITE, COLOR_BLUE, A_BOLD },
	[CR_STATUS] =	{ COLOR_BLACK, COLOR_WHITE, A_NORMAL },
	[CR_SELECTED] =	{ -1, -1, A_REVERSE },
	[CR_OK] =	{ COLOR_GREEN, -1, A_NORMAL },
	[CR_WARN] =	{ COLOR_YELLOW, -1, A_BOLD },
	[CR_CRIT] =	{ COLOR_RED, -1, A_BOLD },
	[CR_STALE] =	{ COLOR_MAGENTA, -1, A_NORMAL },
	[CR_DIM] =	{ COLOR_CYAN, -1, A_NORMAL },
	[CR_LAND] =	{ -1, -1, A_NORMAL },	/* not green: healthy links are */
	[CR_EDGE] =	{ COLOR_CYAN, -1, A_BOLD },
	[CR_BRANCH] =	{ COLOR_YELLOW, -1, A_BOLD },
	[CR_FILTER] =	{ COLOR_YELLOW, -1, A_BOLD },
};

/* Monochrome: attributes only; every state is also written as a word. */
static const attr_t draw_theme_mono[CR_MAX] = {
	[CR_NORMAL] =	A_NORMAL,
	[CR_HEADER] =	A_BOLD | A_UNDERLINE,
	[CR_TITLE] =	A_REVERSE,
	[CR_STATUS] =	A_REVERSE,
	[CR_SELECTED] =	A_REVERSE,
	[CR_OK] =	A_NORMAL,
	[CR_WARN] =	A_BOLD,
	[CR_CRIT] =	A_BOLD | A_UNDERLINE,
	[CR_STALE] =	A_DIM,
	[CR_DIM] =	A_DIM,
	[CR_LAND] =	A_NORMAL,
	[CR_EDGE] =	A_BOLD,
	[CR_BRANCH] =	A_BOLD,
	[CR_FILTER] =	A_BOLD,
};

/* Parallel glyph tables, indexed by enum glyph.  No emoji. */
static const char *const draw_glyphs_utf8[GL_MAX] = {
	[GL_EDGE] =	"\u25c6",	/* black diamond */
	[GL_BRANCH] =	"\u25cf",	/* black circle */
	[GL_UP] =	"\u25b2",	/* black up-pointing triangle */
	[GL_DOWN] =	"\u25bc",	/* black down-pointing triangle */
	[GL_WARN] =	"!",
	[GL_UNKNOWN] =	"?",
	[GL_HLINE] =	"\u2500",
	[GL_VLINE] =	"\u2502",
	[GL_ARROW] =	"\u2192",
	[GL_ELLIPSIS] =	"\u2026",
	[GL_BAR_FULL] =	"\u2588",
	[GL_BAR_EMPTY] = "\u2591",
	[GL_CRIT] =	"\u2716",	/* heavy multiplication x */
	[GL_DETOUR] =	"\u2260",	/* not equal to: not "sea =" */
	[GL_ADMIN] =	"\u25cb",	/* white circle: off */
	[GL_DEGRADED] =	"\u25b3",	/* white up-pointing triangle */
	[GL_SORT_DESC] = "\u25be",	/* small black down-pointing triangle */
	[GL_SORT_ASC] =	"\u25b4",	/* small black up-pointing triangle */
	[GL_OVER] =	"\u2191",	/* upwards arrow */
};
static const char *const draw_glyphs_ascii[GL_MAX] = {
	[GL_EDGE] =	"#",
	[GL_BRANCH] =	"o",
	[GL_UP] =	"^",
	[GL_DOWN] =	"v",
	[GL_WARN] =	"!",
	[GL_UNKNOWN] =	"?",
	[GL_HLINE] =	"-",
	[GL_VLINE] =	"|",
	[GL_ARROW] =	"->",
	[GL_ELLIPSIS] =	"~",
	[GL_BAR_FULL] =	"#",
	[GL_BAR_EMPTY] = ".",
	[GL_CRIT] =	"X",
	[GL_DETOUR] =	"*",
	[GL_ADMIN] =	"_",
	[GL_DEGRADED] =	"-",	/* between ^ and v */
	[GL_SORT_DESC] = "v",
	[GL_SORT_ASC] =	"^",
	[GL_OVER] =	"+",
};

static size_t	draw_one(struct tui *, const char *, size_t, int *);
static int	draw_col_min(const struct draw_col *);
static size_t	draw_cut(struct tui *, const char *, int, int *);

/* Set up colour pairs once colours are known to work. */
void
draw_init(struct tui *tui)
{
	int	 i;

	if (!tui->colors || tui->mono)
		return;
	for (i = 1; i < CR_MAX; i++)
		init_pair(i, draw_theme_color[i].fg, draw_theme_color[i].bg);
}

short
draw_pair(struct tui *tui, enum color_role role)
{
	if (!tui->colors || tui->mono || role <= CR_NORMAL || role >= CR_MAX)
		return (0);
	return ((short)role);
}

attr_t
draw_attr(struct tui *tui, enum color_role role)
{
	if (role < 0 || role >= CR_MAX)
		role = CR_NORMAL;
	if (!tui->colors || tui->mono)
		return (draw_theme_mono[role] | (tui->detached ? A_DIM : 0));
	/* The collector is gone: the last picture, greyed. */
	if (tui->detached)
		return (draw_theme_mono[role] | A_DIM);
	return (draw_theme_color[role].attr | COLOR_PAIR(draw_pair(tui, role)));
}

const char *
draw_glyph(struct tui *tui, enum glyph g)
{
	if (g < 0 || g >= GL_MAX)
		return ("?");
	return (tui->ascii ? draw_glyphs_ascii[g] : draw_glyphs_utf8[g]);
}

const char *
draw_glyph_ascii(enum glyph g)
{
	if (g < 0 || g >= GL_MAX)
		return ("?");
	return (draw_glyphs_ascii[g]);
}

/*
 * Measure one character of s (at most len bytes): returns the bytes it
 * takes and sets *width to its display width.  Anything not printable in
 * this locale, or not ASCII in ASCII mode, counts as one '?' (width -1
 * tells the caller to substitute).
 */
static size_t
draw_one(struct tui *tui, const char *s, size_t len, int *width)
{
	mbstate_t	 ps;
	wchar_t		 wc;
	size_t		 n, skip;
	int		 w;

	if ((unsigned char)*s < 0x80) {
		*width = (*s >= 0x20 && *s != 0x7f) ? 1 : -1;
		return (1);
	}
	memset(&ps, 0, sizeof ps);
	n = mbrtowc(&wc, s, len, &ps);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		*width = -1;
		return (1);
	}
	/* What sanitize() replaces (C1, bidi, invisible) is a '?' here too. */
	if (tui->ascii || sanitize_len(s, len, &skip) == 0) {
		*width = -1;
		return (n);
	}
	w = wcwidth(wc);
	*width = (w < 0) ? -1 : w;
	return (n);
}

int
draw_width(struct tui *tui, const char *s)
{
	size_t	 len = strlen(s), n;
	int	 total = 0, w;

	while (len > 0) {
		n = draw_one(tui, s, len, &w);
		total += (w < 0) ? 1 : w;
		s += n;
		len -= n;
	}
	return (total);
}

/*
 * Print s in at most w columns at (y, x), truncated with the ellipsis
 * glyph, then pad with spaces so the whole field is overwritten: views
 * repaint cells rather than clearing the screen.
 */
void
draw_text_attr(struct tui *tui, int y, int x, int w, attr_t attr,
    const char *s)
{
	const char	*ell = draw_glyph(tui, GL_ELLIPSIS);
	size_t		 len, n;
	int		 used = 0, rw, cw, ellw, total;

	if (w <= 0 || y < 0 || x < 0 || y >= tui->sy || x >= tui->sx)
		return;
	if (x + w > tui->sx)
		w = tui->sx - x;
	if (s == NULL)
		s = "";

	total = draw_width(tui, s);
	ellw = draw_width(tui, ell);
	if (ellw > w)
		ellw = w;

	attrset(attr);
	move(y, x);
	len = strlen(s);
	while (len > 0) {
		n = draw_one(tui, s, len, &rw);
		cw = (rw < 0) ? 1 : rw;
		/* Leave room for the ellipsis when the rest will not fit. */
		if (total > w && used + cw > w - ellw)
			break;
		if (used + cw > w)
			break;
		if (rw < 0)
			addch('?');
		else if (n == 1)
			addch((unsigned char)*s);
		else if (rw > 0 || used > 0)
			addnstr(s, (int)n);
		used += cw;
		s += n;
		len -= n;
	}
	if (total > w && used + ellw <= w) {
		addstr(ell);
		used += ellw;
	}
	for (; used < w; used++)
		addch(' ');
	attrset(A_NORMAL);
}

void
draw_text(struct tui *tui, int y, int x, int w, enum color_role role,
    const char *s)
{
	draw_text_attr(tui, y, x, w, draw_attr(tui, role), s);
}

int
draw_field(struct tui *tui, int y, int row, int h, int w, int lw,
    const char *label, enum color_role role, const char *value)
{
	if (row >= h)
		return (row);
	if (lw > w / 2)
		lw = w / 2;
	draw_text_attr(tui, y + row, 0, lw, draw_attr(tui, CR_NORMAL) | A_BOLD,
	    label);
	draw_text(tui, y + row, lw, w - lw, role, value);
	return (row + 1);
}

/*
 * A labelled value broken at spaces (never inside a UTF-8 character)
 * over as many lines as it needs, at most maxlines (0: no limit) and
 * the rows the page has; the last line allowed is cut by draw_field(),
 * with the ellipsis.  An empty value reads "-".  Returns the next row.
 */
int
draw_field_wrap(struct tui *tui, int y, int row, int h, int w, int lw,
    const char *label, enum color_role role, const char *value,
    int maxlines)
{
	char		 line[512];
	const char	*p = value;
	size_t		 len, cut, room;
	int		 n;

	if (*p == '\0')
		return (draw_field(tui, y, row, h, w, lw, label, role, "-"));
	if (lw > w / 2)
		lw = w / 2;
	room = w - lw > 8 ? (size_t)(w - lw) : 8;
	for (n = 0; *p != '\0' && row < h && (maxlines <= 0 || n < maxlines);
	    n++) {
		len = strlen(p);
		cut = len;
		if (len > room && (maxlines <= 0 || n + 1 < maxlines)) {
			for (cut = room; cut > 0 && p[cut] != ' '; cut--)
				;
			if (cut == 0)
				cut = room;
		}
		if (cut >= sizeof line)
			cut = sizeof line - 1;
		while (cut > 1 && cut < len &&
		    ((unsigned char)p[cut] & 0xc0) == 0x80)
			cut--;
		memcpy(line, p, cut);
		line[cut] = '\0';
		row = draw_field(tui, y, row, h, w, lw, p == value ? label : "",
		    role, line);
		p += cut;
		while (*p == ' ')
			p++;
	}
	return (row);
}

/*
 * A table row past the end of the list (n rows) blanks it; the first row
 * of an empty list says why: nothing matches the filter, or there is
 * nothing at all.
 */
void
draw_empty_row(struct tui *tui, int y, int w, int row, size_t n,
    const char *nomatch, const char *none)
{
	const char	*s = "";

	/* tui_filter()'s test: draw.c stands without tui.c (test-draw). */
	if (n == 0 && row == 0)
		s = tui->filter[0] != '\0' ? nomatch : none;
	draw_text(tui, y, 0, w, CR_NORMAL, s);
}

/* Blank rows [y, y+h) across w columns (cells are overwritten, not cleared). */
void
draw_fill(struct tui *tui, int y, int h, int w, enum color_role role)
{
	int	 i;

	for (i = 0; i < h; i++)
		draw_text(tui, y + i, 0, w, role, "");
}

enum color_role
draw_state_role(enum bgp_state state)
{
	switch (state) {
	case BGP_ESTABLISHED:
		return (CR_OK);
	case BGP_UNKNOWN:
		return (CR_STALE);
	case BGP_ADMIN_DOWN:
		return (CR_WARN);
	default:
		return (CR_CRIT);
	}
}

enum color_role
draw_red_role(enum redundancy red)
{
	switch (red) {
	case RED_REDUNDANT:
		return (CR_OK);
	case RED_DEGRADED:
	case RED_NOBACKUP:
		return (CR_WARN);
	case RED_DOWN:
		return (CR_CRIT);
	default:
		return (CR_STALE);
	}
}

enum color_role
draw_level_role(enum level level)
{
	switch (level) {
	case LVL_CRITICAL:
	case LVL_ERROR:
		return (CR_CRIT);
	case LVL_WARNING:
		return (CR_WARN);
	default:
		return (CR_NORMAL);
	}
}

/* A health level's marker: X Critical and Error, ! Warning, up OK. */
enum glyph
draw_level_glyph(enum level level)
{
	switch (level) {
	case LVL_CRITICAL:
	case LVL_ERROR:
		return (GL_CRIT);
	case LVL_WARNING:
		return (GL_WARN);
	default:
		return (GL_UP);
	}
}

/*
 * A health level in words: short for a table cell, full for the title
 * bar; ok says whether an Information level is all well ("OK").
 */
const char *
draw_level_word(enum level level, int ok, int full)
{
	switch (level) {
	case LVL_CRITICAL:
		return (full ? "CRITICAL" : "CRIT");
	case LVL_ERROR:
		return ("ERROR");
	case LVL_WARNING:
		return (full ? "WARNING" : "WARN");
	default:
		return (ok ? "OK" : "INFO");
	}
}

/* Marker glyphs so that state never depends on colour alone. */
enum glyph
draw_state_glyph(enum bgp_state state)
{
	switch (state) {
	case BGP_ESTABLISHED:
		return (GL_UP);
	case BGP_UNKNOWN:
		return (GL_UNKNOWN);
	case BGP_ADMIN_DOWN:
		return (GL_ADMIN);
	default:
		return (GL_DOWN);
	}
}

enum glyph
draw_red_glyph(enum redundancy red)
{
	switch (red) {
	case RED_REDUNDANT:
		return (GL_UP);
	case RED_DEGRADED:
	case RED_NOBACKUP:
		return (GL_DEGRADED);
	case RED_DOWN:
		return (GL_DOWN);
	default:
		return (GL_UNKNOWN);
	}
}

/* An address column is as wide as its widest address, or hidden. */
static int
draw_col_min(const struct draw_col *c)
{
	return ((c->flags & DC_ADDR) && c->max > c->min ? c->max : c->min);
}

/*
 * Column layout: start from every column's minimum width (an address
 * column's maximum: it is never cut), drop the columns with the highest
 * (least important) priority number until the row fits in w, then hand
 * the spare width out up to each column's maximum, the last visible
 * column taking what is left.  Hidden columns get width 0.  Columns are
 * separated by one space.
 */
void
draw_layout(const struct draw_col *cols, size_t n, int w, int *widths)
{
	size_t	 i, worst;
	int	 total, spare, add, last = -1;

	/* widths[i] < 0 marks a hidden column while we decide. */
	for (i = 0; i < n; i++)
		widths[i] = (cols[i].prio < 0) ? -1 : 0;
	for (;;) {
		total = 0;
		for (i = 0; i < n; i++) {
			if (widths[i] < 0)
				continue;
			total += (total > 0) + draw_col_min(&cols[i]);
		}
		if (total <= w)
			break;
		/* Hide the least important column still visible. */
		worst = n;
		for (i = 0; i < n; i++) {
			if (widths[i] < 0 || cols[i].prio == 0)
				continue;
			if (worst == n || cols[i].prio >= cols[worst].prio)
				worst = i;
		}
		if (worst == n)
			break;
		widths[worst] = -1;
	}

	total = 0;
	for (i = 0; i < n; i++) {
		if (widths[i] < 0) {
			widths[i] = 0;
			continue;
		}
		widths[i] = draw_col_min(&cols[i]);
		total += (total > 0) + widths[i];
		last = (int)i;
	}
	spare = w - total;
	for (i = 0; i < n && spare > 0; i++) {
		if (widths[i] == 0 || (int)i == last)
			continue;
		add = cols[i].max - widths[i];
		if (add > spare)
			add = spare;
		if (add > 0) {
			widths[i] += add;
			spare -= add;
		}
	}
	if (last >= 0 && spare > 0)
		widths[last] += spare;
}

/*
 * Draw one table row: cells[i] with roles[i] (NULL roles: role for all),
 * OR'ing A_REVERSE when selected.  Right-aligned columns are padded here,
 * names too long for their column cut in the middle.
 */
void
draw_row(struct tui *tui, int y, const struct draw_col *cols, size_t n,
    const int *widths, const char **cells, const enum color_role *roles,
    enum color_role role, int selected)
{
	char		 pad[256], name[256];
	const char	*cell;
	attr_t		 a;
	size_t		 i;
	int		 x = 0, cw, sep;
	enum color_role	 r;

	for (i = 0; i < n; i++) {
		if (widths[i] <= 0)
			continue;
		r = (roles != NULL) ? roles[i] : role;
		a = draw_attr(tui, r);
		if (selected)
			a |= A_REVERSE;
		sep = (x > 0);
		if (sep) {
			draw_text_attr(tui, y, x, 1, selected ?
			    draw_attr(tui, CR_NORMAL) | A_REVERSE :
			    draw_attr(tui, role), "");
			x++;
		}
		cell = cells[i];
		if ((cols[i].flags & DC_NAME) && cell != NULL)
			cell = draw_elide(tui, cell, widths[i], name,
			    sizeof name);
		if ((cols[i].flags & DC_RIGHT) && cell != NULL &&
		    (cw = draw_width(tui, cell)) < widths[i] &&
		    (size_t)(widths[i] - cw) + strlen(cell) < sizeof pad) {
			memset(pad, ' ', (size_t)(widths[i] - cw));
			strlcpy_pt(pad + (widths[i] - cw), cell,
			    sizeof pad - (size_t)(widths[i] - cw));
			draw_text_attr(tui, y, x, widths[i], a, pad);
		} else
			draw_text_attr(tui, y, x, widths[i], a, cell);
		x += widths[i];
	}
	if (x < tui->sx)
		draw_text_attr(tui, y, x, tui->sx - x, selected ?
		    draw_attr(tui, CR_NORMAL) | A_REVERSE :
		    draw_attr(tui, role), "");
}

/* The header row of a table. */
void
draw_header(struct tui *tui, int y, const struct draw_col *cols, size_t n,
    const int *widths)
{
	draw_header_sort(tui, y, cols, n, widths, -1, 0);
}

/*
 * The header, the sort column's title followed by its direction: the
 * title is cut (without an ellipsis) rather than the marker, so "Sess"
 * in four columns reads "Ses\u25be".
 */
void
draw_header_sort(struct tui *tui, int y, const struct draw_col *cols,
    size_t n, const int *widths, int sort, int reverse)
{
	const char	*cells[32], *mark;
	char		 title[64];
	size_t		 i, cut;
	int		 desc, used;

	for (i = 0; i < n && i < nitems(cells); i++)
		cells[i] = cols[i].title;
	if (sort >= 0 && (size_t)sort < i && widths[sort] > 1) {
		desc = (cols[sort].flags & DC_DESC) != 0;
		if (reverse)
			desc = !desc;
		mark = draw_glyph(tui, desc ? GL_SORT_DESC : GL_SORT_ASC);
		cut = draw_cut(tui, cols[sort].title, widths[sort] -
		    draw_width(tui, mark), &used);
		if (cut >= sizeof title - strlen(mark))
			cut = sizeof title - strlen(mark) - 1;
		memcpy(title, cols[sort].title, cut);
		strlcpy_pt(title + cut, mark, sizeof title - cut);
		cells[sort] = title;
	}
	draw_row(tui, y, cols, i, widths, cells, NULL, CR_HEADER, 0);
}

/* The bytes of the longest start of s at most w columns wide, its width
 * in *used. */
static size_t
draw_cut(struct tui *tui, const char *s, int w, int *used)
{
	size_t	 len = strlen(s), off = 0, n;
	int	 cw;

	*used = 0;
	while (off < len) {
		n = draw_one(tui, s + off, len - off, &cw);
		if (cw < 0)
			cw = 1;
		if (*used + cw > w)
			break;
		*used += cw;
		off += n;
	}
	return (off);
}

/*
 * A name too long for w columns, cut in the middle: a third of the room
 * for its start, the rest for its end, which tells names of one family
 * apart ("msft-lon-r2", "msft-ams-r2": "m\u2026lon-r2").  Fits: s itself.
 */
char *
draw_elide(struct tui *tui, const char *s, int w, char *buf, size_t len)
{
	const char	*ell = draw_glyph(tui, GL_ELLIPSIS);
	size_t		 head, tail, slen = strlen(s), n;
	int		 total, ellw, hw, tw, used, cw;

	total = draw_width(tui, s);
	ellw = draw_width(tui, ell);
	if (total <= w || w < ellw + 2 || len == 0) {
		strlcpy_pt(buf, s, len);
		return (buf);
	}
	hw = (w - ellw) / 3;
	if (hw < 1)
		hw = 1;
	head = draw_cut(tui, s, hw, &used);
	/* The end: skip characters until what is left fits. */
	tw = w - ellw - used;
	tail = head;
	while (tail < slen && total - used > tw) {
		n = draw_one(tui, s + tail, slen - tail, &cw);
		used += cw < 0 ? 1 : cw;
		tail += n;
	}
	if (head + strlen(ell) + (slen - tail) >= len) {
		strlcpy_pt(buf, s, len);
		return (buf);
	}
	memcpy(buf, s, head);
	memcpy(buf + head, ell, strlen(ell));
	memcpy(buf + head + strlen(ell), s + tail, slen - tail);
	buf[head + strlen(ell) + slen - tail] = '\0';
	return (buf);
}

/* An address column as wide as the widest address it shows. */
void
draw_fit(struct tui *tui, struct draw_col *c, const char *s)
{
	int	 w = draw_width(tui, s);

	if (w > c->max)
		c->max = w;
}

/* Keep the cursor inside [0, nrows) and visible in a window of h rows. */
void
draw_scroll(size_t *cursor, size_t *scroll, size_t nrows, int h)
{
	if (h < 1)
		h = 1;
	if (nrows == 0) {
		*cursor = 0;
		*scroll = 0;
		return;
	}
	if (*cursor >= nrows)
		*cursor = nrows - 1;
	if (*cursor < *scroll)
		*scroll = *cursor;
	if (*cursor >= *scroll + (size_t)h)
		*scroll = *cursor - (size_t)h + 1;
	if (*scroll + (size_t)h > nrows)
		*scroll = (nrows > (size_t)h) ? nrows - (size_t)h : 0;
}
