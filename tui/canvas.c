/* SPDX-License-Identifier: ISC */
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

#include "core/util.h"
#include "tui/canvas.h"

/* Block and ASCII modes use 2x2 pixels (canvas_quad_pixel()). */
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

/* Block mode's graph marks: the median in the upper or lower half. */
#define CANVAS_UPPER	"\xe2\x96\x80"	/* U+2580 upper half block */
#define CANVAS_LOWER	"\xe2\x96\x84"	/* U+2584 lower half block */
#define CANVAS_SHADE	"\xe2\x96\x91"	/* U+2591 light shade */

static int	canvas_utf8_len(const unsigned char *);
static uint8_t	canvas_braille_pixel(int, int);
static uint8_t	canvas_quad_pixel(int, int);
static void	canvas_braille_glyph(uint8_t, char *, size_t);
static void	canvas_block_glyph(uint8_t, char *, size_t);
static void	canvas_ascii_glyph(uint8_t, char *, size_t);
static void	canvas_braille_vbar(struct canvas *, int, int, int, int,
		    enum color_role);
static void	canvas_text_vbar(struct canvas *, int, int, int, int,
		    enum color_role, const char *, const char *,
		    const char *);
static void	canvas_block_vbar(struct canvas *, int, int, int, int,
		    enum color_role);
static void	canvas_ascii_vbar(struct canvas *, int, int, int, int,
		    enum color_role);
static void	canvas_braille_solid(struct canvas *, int, int, const char *,
		    enum color_role);
static void	canvas_text_solid(struct canvas *, int, int, const char *,
		    enum color_role);

const struct canvas_mode canvas_modes[CANVAS_NMODES] = {
	[MAP_BRAILLE] = {
		.name = "Braille", .sx = 2, .sy = 4, .fill = 1, .vres = 4,
		.bit = canvas_braille_pixel, .glyph = canvas_braille_glyph,
		.vbar = canvas_braille_vbar, .solid = canvas_braille_solid,
	},
	[MAP_BLOCK] = {
		.name = "block", .sx = 2, .sy = 2, .vres = 2,
		.bit = canvas_quad_pixel, .glyph = canvas_block_glyph,
		.vbar = canvas_block_vbar, .solid = canvas_text_solid,
	},
	[MAP_ASCII] = {
		.name = "ASCII", .sx = 2, .sy = 2, .ascii = 1, .vres = 1,
		.bit = canvas_quad_pixel, .glyph = canvas_ascii_glyph,
		.vbar = canvas_ascii_vbar, .solid = canvas_text_solid,
	},
};

const struct canvas_mode *
canvas_mode(enum map_mode mode)
{
	if ((unsigned)mode >= CANVAS_NMODES)
		mode = MAP_BRAILLE;
	return (&canvas_modes[mode]);
}

static uint8_t
canvas_braille_pixel(int dx, int dy)
{
	return (canvas_braille_bit[dy][dx]);
}

/* Block and ASCII: 2x2 pixels, bit 1 UL, 2 UR, 4 LL, 8 LR. */
static uint8_t
canvas_quad_pixel(int dx, int dy)
{
	return ((uint8_t)(1 << (dy * 2 + dx)));
}

/* U+2800 + bits as UTF-8: E2, A0 | bits >> 6, 80 | low 6. */
static void
canvas_braille_glyph(uint8_t bits, char *buf, size_t len)
{
	unsigned	 cp = 0x2800 + bits;

	buf[0] = (char)(0xe0 | (cp >> 12));
	buf[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
	buf[2] = (char)(0x80 | (cp & 0x3f));
	buf[3] = '\0';
}

static void
canvas_block_glyph(uint8_t bits, char *buf, size_t len)
{
	strlcpy_pt(buf, canvas_blocks[bits & 0xf], len);
}

static void
canvas_ascii_glyph(uint8_t bits, char *buf, size_t len)
{
	buf[0] = canvas_ascii[bits & 0xf];
	buf[1] = '\0';
}

/* Braille: the spread as the left dot column, the mark as both dots. */
static void
canvas_braille_vbar(struct canvas *c, int x, int top, int bot, int mid,
    enum color_role role)
{
	int	 y;

	for (y = top; y <= bot; y++)
		canvas_set(c, x * 2, y, CR_NORMAL);
	canvas_set(c, x * 2, mid, role);
	canvas_set(c, x * 2 + 1, mid, role);
}

/* One glyph per cell: shade for the spread, the mark's cell on top. */
static void
canvas_text_vbar(struct canvas *c, int x, int top, int bot, int mid,
    enum color_role role, const char *shade, const char *upper,
    const char *lower)
{
	int	 res = c->mode->vres, y;

	for (y = top / res; y <= bot / res; y++) {
		if (y != mid / res)
			canvas_text(c, x, y, shade, CR_NORMAL);
	}
	canvas_text(c, x, mid / res, mid % 2 == 0 ? upper : lower, role);
}

static void
canvas_block_vbar(struct canvas *c, int x, int top, int bot, int mid,
    enum color_role role)
{
	canvas_text_vbar(c, x, top, bot, mid, role, CANVAS_SHADE,
	    CANVAS_UPPER, CANVAS_LOWER);
}

static void
canvas_ascii_vbar(struct canvas *c, int x, int top, int bot, int mid,
    enum color_role role)
{
	canvas_text_vbar(c, x, top, bot, mid, role, ":", "*", "*");
}

static void
canvas_braille_solid(struct canvas *c, int x, int y, const char *text,
    enum color_role role)
{
	int	 px;

	for (px = 0; px < c->mode->sx * c->mode->sy; px++)
		canvas_set(c, x * c->mode->sx + px % c->mode->sx,
		    y * c->mode->sy + px / c->mode->sx, role);
}

static void
canvas_text_solid(struct canvas *c, int x, int y, const char *text,
    enum color_role role)
{
	canvas_text(c, x, y, text, role);
}

struct canvas *
canvas_new(int w, int h, enum map_mode mode)
{
	struct canvas	*c;

	if (w < 1)
		w = 1;
	if (h < 1)
		h = 1;
	c = xcalloc(1, sizeof *c);
	c->mode = canvas_mode(mode);
	c->w = w;
	c->h = h;
	c->sx = c->mode->sx;
	c->sy = c->mode->sy;
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
	cell->bits |= c->mode->bit(dx, dy);
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
	return ((cell->bits & c->mode->bit(dx, dy)) != 0);
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
		if (n == 0 || (n > 1 && c->mode->ascii)) {
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
	c->mode->glyph(cell->bits, buf, len);
	return ((enum color_role)cell->role);
}
