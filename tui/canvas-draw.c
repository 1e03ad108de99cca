/* SPDX-License-Identifier: ISC */
/*
 * The one canvas function that touches the terminal (see canvas.h): it
 * writes every cell with its role's attributes.  It does not erase or
 * refresh; curses compares against what is on screen and sends only the
 * cells that changed.
 */

#include "tui/canvas.h"

void
canvas_draw(const struct canvas *c, struct tui *tui, int y0, int x0)
{
	char		 buf[CANVAS_CELL_MAX];
	enum color_role	 role;
	attr_t		 attr, last = A_NORMAL;
	int		 x, y;

	attrset(last);
	for (y = 0; y < c->h; y++) {
		for (x = 0; x < c->w; x++) {
			role = canvas_cell_string(c, x, y, buf, sizeof buf);
			attr = draw_attr(tui, role);
			if (canvas_emphasised(c, x, y))
				attr |= A_BOLD | A_REVERSE;
			if (attr != last) {
				attrset(attr);
				last = attr;
			}
			mvaddstr(y0 + y, x0 + x, buf);
		}
	}
	attrset(A_NORMAL);
}
