/* SPDX-License-Identifier: ISC */
/*
 * A sub-cell pixel canvas for the map (and later latency graphs): pixels
 * are packed into terminal cells as Braille dots (2x4 per cell), quadrant
 * blocks (2x2) or ASCII punctuation (2x2, pure 7-bit), with one colour
 * role per cell and a text overlay for labels and markers.  Everything
 * but canvas_draw() is plain memory work (tui/canvas.c) so the unit tests
 * run it without a terminal; canvas_draw() (tui/canvas-draw.c) is the one
 * function that writes to curses.
 */
#ifndef PEERTOP_CANVAS_H
#define PEERTOP_CANVAS_H

#include <stddef.h>
#include <stdint.h>

#include "tui/tui.h"

#define CANVAS_CELL_MAX	8	/* bytes of one cell's text, with NUL */

struct canvas_cell {
	uint8_t		 bits;		/* pixels set, mode-specific layout */
	uint8_t		 role;		/* enum color_role */
	uint8_t		 emph;		/* marker: drawn bold, reversed */
	char		 text[CANVAS_CELL_MAX];	/* overlay, "" = none */
};

struct canvas;

/*
 * A rendering mode: how pixels pack into a cell and what a cell shows.
 * One table, canvas_modes[] by enum map_mode, serves the canvas, the
 * latency graphs and the map, so no function asks which mode it is in.
 */
struct canvas_mode {
	const char	*name;		/* "Braille", "block", "ASCII" */
	int		 sx, sy;	/* pixels per cell */
	int		 ascii;		/* 7-bit text only */
	int		 fill;		/* a dot is light enough to fill land */
	int		 vres;		/* a graph's steps per cell row */
	/* The bit of pixel (dx, dy) in its cell's bits. */
	uint8_t		(*bit)(int dx, int dy);
	/* The glyph for a cell's pixel bits (not 0), CANVAS_CELL_MAX. */
	void		(*glyph)(uint8_t bits, char *buf, size_t len);
	/*
	 * A graph column at cell column x, rows in vres steps a cell: the
	 * spread from top to bot, the mark at mid in role.
	 */
	void		(*vbar)(struct canvas *, int x, int top, int bot,
			    int mid, enum color_role);
	/* A solid cell: every dot, or text where the mode has no dots. */
	void		(*solid)(struct canvas *, int x, int y,
			    const char *text, enum color_role);
};
#define CANVAS_NMODES	3
extern const struct canvas_mode canvas_modes[CANVAS_NMODES];
/* The mode's entry; Braille for a value out of range. */
const struct canvas_mode *canvas_mode(enum map_mode);

struct canvas {
	const struct canvas_mode *mode;
	int		 w, h;		/* cells */
	int		 sx, sy;	/* pixels per cell */
	int		 pw, ph;	/* pixels: w * sx, h * sy */
	struct canvas_cell *cells;	/* w * h, row-major */
};

/* A canvas of w x h cells (each at least 1); free with canvas_free(). */
struct canvas	*canvas_new(int w, int h, enum map_mode);
void		 canvas_free(struct canvas *);
/* Clear pixels, roles and text. */
void		 canvas_clear(struct canvas *);

/*
 * Set pixel (x, y) with a colour role for its cell: the last writer
 * wins, except that CR_LAND never repaints a cell another role holds,
 * so lines and markers stay visible whatever the drawing order.
 * Pixels outside the canvas are ignored.
 */
void		 canvas_set(struct canvas *, int x, int y, enum color_role);
int		 canvas_get(const struct canvas *, int x, int y);
/* Bresenham line, both endpoints included; clipped to the canvas. */
void		 canvas_line(struct canvas *, int x0, int y0, int x1, int y1,
		    enum color_role);

/*
 * Put text over cells starting at cell (cx, cy), one character (UTF-8
 * sequence) per cell, clipped at the right edge.  Returns the number of
 * cells written.  canvas_text_free() says whether n cells from (cx, cy)
 * are inside the canvas and hold no text yet (for placing labels).
 */
int		 canvas_text(struct canvas *, int cx, int cy, const char *,
		    enum color_role);
int		 canvas_text_free(const struct canvas *, int cx, int cy, int n);
/*
 * Mark a cell as a marker to stand out from the dots around it (a
 * branch letter): canvas_draw() shows it bold and in reverse video, so
 * it shows even where the role's colour is the land's, or in mono.
 */
void		 canvas_emphasise(struct canvas *, int cx, int cy);
int		 canvas_emphasised(const struct canvas *, int cx, int cy);

/*
 * The string to show for cell (cx, cy) into buf (at least
 * CANVAS_CELL_MAX bytes): the text overlay, else the glyph for its
 * pixels, else " ".  Returns the cell's role (CR_NORMAL when empty).
 */
enum color_role	 canvas_cell_string(const struct canvas *, int cx, int cy,
		    char *buf, size_t len);

/* Write the canvas to stdscr with its top-left cell at (y0, x0). */
void		 canvas_draw(const struct canvas *, struct tui *, int y0,
		    int x0);

#endif
