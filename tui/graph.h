/* SPDX-License-Identifier: ISC */
/*
 * A SmokePing-style latency graph drawn into a canvas (canvas.h): one
 * data column per cell column, the median as a line, the spread (lo..hi)
 * shaded around it, loss marked by the median's colour, a full-height
 * mark at 100% and, since colour alone is not enough, a row of loss
 * glyphs under the plot; a y axis in milliseconds with a nice upper bound
 * and an x axis with times relative to the end of the span.  Braille
 * (2x4 dots per cell), block (half blocks and shades) or ASCII ('*'
 * median, ':' spread, 'x' loss), as the canvas's mode says.  Plain memory
 * work, so tests/tui/test-graph.c checks cells without a terminal.
 *
 * Layout of a w x h canvas:
 *	columns [0, GRAPH_YAXIS_W)	y labels, then the axis line
 *	rows [0, h - 2)			the plot
 *	row h - 2			loss glyphs (labelled "loss")
 *	row h - 1			time labels (the corner says "ms")
 */
#ifndef PEERTOP_GRAPH_H
#define PEERTOP_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "tui/canvas.h"

#define GRAPH_YAXIS_W	6	/* 5 columns of label and the axis */
#define GRAPH_ROWS_MIN	4	/* 2 plot rows, loss and time rows */

struct latency_series;

/* One column of the graph: sent 0 means no data (drawn blank). */
struct graph_col {
	double		 median_us;
	int64_t		 lo_us, hi_us;	/* the spread around it */
	uint32_t	 sent, received;
};

/* Loss levels of a column, SmokePing's colour steps. */
enum graph_loss {
	GRAPH_LOSS_NODATA = 0,
	GRAPH_LOSS_NONE,	/* 0% */
	GRAPH_LOSS_LIGHT,	/* > 0% */
	GRAPH_LOSS_SOME,	/* >= 5% */
	GRAPH_LOSS_HEAVY,	/* >= 20% */
	GRAPH_LOSS_ALL,		/* 100%: a full-height mark */
};

/* Data columns a graph of w cells has room for (0 when none). */
int		 graph_plot_width(int w);
/* The y axis' upper bound: 1, 2, 2.5 or 5 times a power of ten (us). */
int64_t		 graph_scale_us(const struct graph_col *, size_t);
enum graph_loss	 graph_loss_level(const struct graph_col *);
enum color_role	 graph_loss_role(enum graph_loss);
/* The loss row's glyph for a level, UTF-8 or ASCII. */
const char	*graph_loss_glyph(enum graph_loss, int ascii);

/*
 * Draw n columns into the whole canvas (cleared first); span_ms is the
 * time the columns cover, ending now (x labels "-5m" ... "now").  Extra
 * columns are dropped; missing ones stay blank.
 */
void		 graph_render(struct canvas *, const struct graph_col *,
		    size_t n, int64_t span_ms);

/*
 * Cut a live series into n columns over [from_ms, to_ms): each column's
 * median and its 10th and 90th percentiles (nearest rank) of the replies,
 * the same spread store_latency_buckets() gives for exact history.
 */
void		 graph_columns_series(const struct latency_series *,
		    int64_t from_ms, int64_t to_ms, struct graph_col *,
		    size_t n);

/*
 * mtr's figures of a link as text (milliseconds with one decimal, Loss%
 * as "2.0%"), "-" where nothing was received or sent; compact for narrow
 * columns: whole milliseconds from 100 ms, "100%" for all lost.  And the
 * link's raised conditions as words ("HIGH LOSS SHIFT"), "" when none.
 */
struct graph_figs {
	char		 loss[16], snt[16], last[16], avg[16], best[16];
	char		 wrst[16], stdev[16], med[16], p95[16], jttr[16];
};
void		 graph_figures(const struct latlink *, struct graph_figs *,
		    int compact);
/* "12.3", "-" when us < 0. */
void		 graph_ms(char *, size_t, double us, int compact);
char		*graph_flags(unsigned, char *, size_t);

/*
 * A sparkline of n values (-1: none, a blank; -2 or less: all lost, an
 * 'x', as latency-mon.c leaves latlink.trend[]) into buf: eighth blocks
 * (U+2581..U+2588) or "_.-=^" in ASCII, scaled from the lowest value so
 * that a change of a quarter of the level or more fills the height.
 */
void		 graph_spark(const double *, size_t n, int ascii, char *buf,
		    size_t len);

#endif
