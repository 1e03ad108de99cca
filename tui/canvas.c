/*
 * The pixel canvas behind the map (see canvas.h): pixel bits per cell,
 * a colour role per cell and a text overlay, turned into one glyph per
 * cell on request.  No curses calls here, so tests/unit/test-world.c
 * exercises it directly; canvas-draw.c does the output.
 *
 * Braille patterns are U+2800 plus a dot mask (Unicode 15.0, 2.3
 * "Braille Patterns"): dots 1-3 run down the left column (0x01, 0x02,
 * 0x04), dots 4-6 down the right (0x08, 0x10, 0x20), and the bottom row
 * was added later as dots 7 and 8 (0x40 left, 0x80 right).
 */

#include <stdlib.h>
#include <string.h>

#include "../core/util.h"
#include "canvas.h"

/* Block and ASCII modes use 2x2 pixels: bit 1 UL, 2 UR, 4 LL, 8 LR. */
static const char *const canvas_blocks[16] = {
	" ",
	"\xe2\x96\x98",		/* U+2598 upper left */
	"\xe2\x96\x9d",		/* U+259D upper right */
	"\xe2\x96\x80",		/* U+2580 upper half */
	"\xe2\x96\x96",		/* U+2596 lower left */
	"\xe2\x96\x8c",		/* U+258C left half */
	"\xe2\x96\x9e",		/* U+259E upper right and lower left */
	"\xe2\x96\x9b",		/* U+259B all but lower right */
	"\xe2\x96\x97",		/* U+2597 lower right */
	"\xe2\x96\x9a",		/* U+259A upper left and lower right */
	"\xe2\x96\x90",		/* U+2590 right half */
	"\xe2\x96\x9c",		/* U+259C all but lower left */
	"\xe2\x96\x84",		/* U+2584 lower half */
	"\xe2\x96\x99",		/* U+2599 all but upper right */
	"\xe2\x96\x9f",		/* U+259F all but upper left */
	"\xe2\x96\x88",		/* U+2588 full block */
};

/*
 * ASCII stand-ins for the same 16 masks.  No letters or digits: the map
 * uses letters for branches, and a coastline must not look like one.
 */
static const char canvas_ascii[16] = {
	' ', '`', '\'', '"', ',', ':', '/', ':',
	'.', '\\', ':', ':', '_', ':', ':', ':',
};

/* Braille dot bit for pixel (x, y) inside a 2x4 cell. */
static const uint8_t canvas_braille_bit[4][2] = {
	{ 0x01, 0x08 },
	{ 0x02, 0x10 },
	{ 0x04, 0x20 },
	{ 0x40, 0x80 },
};

static int	canvas_utf8_len(const unsigned char *);

struct canvas *
canvas_new(int w, int h, enum map_mode mode)
{
	struct canvas	*c;

	if (w < 1)
		w = 1;
	if (h < 1)
		h = 1;
	c = xcalloc(1, sizeof *c);
	c->mode = mode;
	c->w = w;
	c->h = h;
	if (mode == MAP_BRAILLE) {
		c->sx = 2;
		c->sy = 4;
	} else {
		c->sx = 2;
		c->sy = 2;
	}
	c->pw = w * c->sx;
	c->ph = h * c->sy;
	c->cells = xcalloc((size_t)w * (size_t)h, sizeof *c->cells);
	return (c);
}

void
canvas_free(struct canvas *c)
{
	if (c == NULL)
		return;
	free(c->cells);
	free(c);
}

void
canvas_clear(struct canvas *c)
{
	memset(c->cells, 0, (size_t)c->w * (size_t)c->h * sizeof *c->cells);
}

void
canvas_set(struct canvas *c, int x, int y, enum color_role role)
{
	struct canvas_cell	*cell;
	int			 dx, dy;

	if (x < 0 || y < 0 || x >= c->pw || y >= c->ph)
		return;
	cell = &c->cells[(y / c->sy) * c->w + x / c->sx];
	dx = x % c->sx;
	dy = y % c->sy;
	if (c->mode == MAP_BRAILLE)
		cell->bits |= canvas_braille_bit[dy][dx];
	else
		cell->bits |= 1 << (dy * 2 + dx);
	if (role != CR_LAND || cell->role == CR_NORMAL ||
	    cell->role == CR_LAND)
		cell->role = role;
}

int
canvas_get(const struct canvas *c, int x, int y)
{
	const struct canvas_cell	*cell;
	int				 dx, dy;

	if (x < 0 || y < 0 || x >= c->pw || y >= c->ph)
		return (0);
	cell = &c->cells[(y / c->sy) * c->w + x / c->sx];
	dx = x % c->sx;
	dy = y % c->sy;
	if (c->mode == MAP_BRAILLE)
		return ((cell->bits & canvas_braille_bit[dy][dx]) != 0);
	return ((cell->bits & (1 << (dy * 2 + dx))) != 0);
}

void
canvas_line(struct canvas *c, int x0, int y0, int x1, int y1,
    enum color_role role)
{
	int	dx, dy, stepx, stepy, err, e2;

	/* Nothing to do when the line's box misses the canvas. */
	if ((x0 < 0 && x1 < 0) || (y0 < 0 && y1 < 0) ||
	    (x0 >= c->pw && x1 >= c->pw) || (y0 >= c->ph && y1 >= c->ph))
		return;

	dx = abs(x1 - x0);
	dy = -abs(y1 - y0);
	stepx = x0 < x1 ? 1 : -1;
	stepy = y0 < y1 ? 1 : -1;
	err = dx + dy;
	for (;;) {
		canvas_set(c, x0, y0, role);
		if (x0 == x1 && y0 == y1)
			break;
		e2 = 2 * err;
		if (e2 >= dy) {
			err += dy;
			x0 += stepx;
		}
		if (e2 <= dx) {
			err += dx;
			y0 += stepy;
		}
	}
}

/* Length of the UTF-8 sequence at s, 0 if it is not a valid one. */
static int
canvas_utf8_len(const unsigned char *s)
{
	int	n, i;

	if (s[0] < 0x80)
		return (1);
	if ((s[0] & 0xe0) == 0xc0 && s[0] >= 0xc2)
		n = 2;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3;
	else if ((s[0] & 0xf8) == 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return (0);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return (0);	/* also stops at the NUL */
	}
	return (n);
}

int
canvas_text(struct canvas *c, int cx, int cy, const char *s,
    enum color_role role)
{
	const unsigned char	*p = (const unsigned char *)s;
	struct canvas_cell	*cell;
	int			 n, written = 0;

	if (cy < 0 || cy >= c->h)
		return (0);
	for (; *p != '\0'; cx++) {
		n = canvas_utf8_len(p);
		if (cx >= c->w)
			break;
		if (cx < 0) {
			p += n ? n : 1;
			continue;
		}
		cell = &c->cells[cy * c->w + cx];
		if (n == 0 || (n > 1 && c->mode == MAP_ASCII)) {
			/* Invalid, or not 7-bit where only ASCII may go. */
			cell->text[0] = '?';
			cell->text[1] = '\0';
			p += n ? n : 1;
		} else {
			memcpy(cell->text, p, (size_t)n);
			cell->text[n] = '\0';
			p += n;
		}
		cell->role = role;
		written++;
	}
	return (written);
}

int
canvas_text_free(const struct canvas *c, int cx, int cy, int n)
{
	int	i;

	if (cy < 0 || cy >= c->h || cx < 0 || n < 0 || cx + n > c->w)
		return (0);
	for (i = 0; i < n; i++) {
		if (c->cells[cy * c->w + cx + i].text[0] != '\0')
			return (0);
	}
	return (1);
}

void
canvas_emphasise(struct canvas *c, int cx, int cy)
{
	if (cx >= 0 && cy >= 0 && cx < c->w && cy < c->h)
		c->cells[cy * c->w + cx].emph = 1;
}

int
canvas_emphasised(const struct canvas *c, int cx, int cy)
{
	if (cx < 0 || cy < 0 || cx >= c->w || cy >= c->h)
		return (0);
	return (c->cells[cy * c->w + cx].emph);
}

enum color_role
canvas_cell_string(const struct canvas *c, int cx, int cy, char *buf,
    size_t len)
{
	const struct canvas_cell	*cell;
	unsigned			 cp;

	if (len < CANVAS_CELL_MAX)
		fatalx("canvas_cell_string: buffer too small");
	if (cx < 0 || cy < 0 || cx >= c->w || cy >= c->h) {
		strlcpy_pt(buf, " ", len);
		return (CR_NORMAL);
	}
	cell = &c->cells[cy * c->w + cx];
	if (cell->text[0] != '\0') {
		strlcpy_pt(buf, cell->text, len);
		return ((enum color_role)cell->role);
	}
	if (cell->bits == 0) {
		strlcpy_pt(buf, " ", len);
		return (CR_NORMAL);
	}
	switch (c->mode) {
	case MAP_BRAILLE:
		/* U+2800 + bits as UTF-8: E2, A0 | bits >> 6, 80 | low 6. */
		cp = 0x2800 + cell->bits;
		buf[0] = (char)(0xe0 | (cp >> 12));
		buf[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		buf[2] = (char)(0x80 | (cp & 0x3f));
		buf[3] = '\0';
		break;
	case MAP_BLOCK:
		strlcpy_pt(buf, canvas_blocks[cell->bits & 0xf], len);
		break;
	case MAP_ASCII:
	default:
		buf[0] = canvas_ascii[cell->bits & 0xf];
		buf[1] = '\0';
		break;
	}
	return ((enum color_role)cell->role);
}
