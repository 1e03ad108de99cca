/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the latency graph (tui/graph.c): small hand-made columns
 * drawn into a canvas in each mode, and the cells read back.  The rows a
 * value lands on follow graph.c's mapping, worked out here by hand: with
 * ymax the nice bound and ph the plot's pixel rows, v sits on pixel row
 * ph - 1 - floor(v * ph / ymax).
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/latency.h"
#include "tui/graph.h"

/* Cell (x, y) as a string, its role in *role when not NULL. */
static const char *
cell(const struct canvas *c, int x, int y, enum color_role *role)
{
	static char	 buf[CANVAS_CELL_MAX];
	enum color_role	 r;

	r = canvas_cell_string(c, x, y, buf, sizeof buf);
	if (role != NULL)
		*role = r;
	return (buf);
}

/* Row y of an ASCII canvas as text, trailing blanks cut. */
static const char *
line(const struct canvas *c, int y)
{
	static char	 buf[512];
	size_t		 len;
	int		 x;

	len = 0;
	buf[0] = '\0';
	for (x = 0; x < c->w; x++)
		len += strlcpy_pt(buf + len, cell(c, x, y, NULL),
		    sizeof buf - len);
	len = strlen(buf);
	while (len > 0 && buf[len - 1] == ' ')
		buf[--len] = '\0';
	return (buf);
}

static struct graph_col
col(double med, int64_t lo, int64_t hi, uint32_t sent, uint32_t received)
{
	struct graph_col	 g = { med, lo, hi, sent, received };

	return (g);
}

static void
test_scale(void **state)
{
	struct graph_col	 c[2];

	(void)state;
	assert_int_equal(graph_scale_us(NULL, 0), 1000);
	c[0] = col(5000, 2000, 9000, 1, 1);
	assert_int_equal(graph_scale_us(c, 1), 10000);
	c[0] = col(120000, 110000, 140000, 1, 1);
	assert_int_equal(graph_scale_us(c, 1), 200000);
	c[1] = col(180000, 150000, 210000, 1, 1);
	assert_int_equal(graph_scale_us(c, 2), 250000);
	/* Loopback: tenths of a millisecond. */
	c[0] = col(40, 30, 45, 1, 1);
	assert_int_equal(graph_scale_us(c, 1), 50);
	/* A lost column has no value to scale by. */
	c[0] = col(0, 0, 0, 5, 0);
	assert_int_equal(graph_scale_us(c, 1), 1000);
}

static void
test_loss_levels(void **state)
{
	struct graph_col	 c;

	(void)state;
	c = col(0, 0, 0, 0, 0);
	assert_int_equal(graph_loss_level(&c), GRAPH_LOSS_NODATA);
	c = col(1, 1, 1, 20, 20);
	assert_int_equal(graph_loss_level(&c), GRAPH_LOSS_NONE);
	c = col(1, 1, 1, 100, 99);
	assert_int_equal(graph_loss_level(&c), GRAPH_LOSS_LIGHT);
	c = col(1, 1, 1, 100, 95);
	assert_int_equal(graph_loss_level(&c), GRAPH_LOSS_SOME);
	c = col(1, 1, 1, 10, 8);
	assert_int_equal(graph_loss_level(&c), GRAPH_LOSS_HEAVY);
	c = col(0, 0, 0, 3, 0);
	assert_int_equal(graph_loss_level(&c), GRAPH_LOSS_ALL);
	assert_int_equal(graph_loss_role(GRAPH_LOSS_NONE), CR_OK);
	assert_int_equal(graph_loss_role(GRAPH_LOSS_SOME), CR_WARN);
	assert_int_equal(graph_loss_role(GRAPH_LOSS_ALL), CR_CRIT);
	assert_string_equal(graph_loss_glyph(GRAPH_LOSS_ALL, 1), "x");
	assert_string_equal(graph_loss_glyph(GRAPH_LOSS_NODATA, 0), " ");
}

/*
 * ASCII, 4 plot rows (ph 4), ymax 10 ms: 9 ms on row 0, 5 ms on row 1,
 * 2 ms and 1 ms on row 3.
 */
static void
test_ascii(void **state)
{
	struct canvas		*c;
	struct graph_col	 g[4];
	enum color_role		 role;
	int			 x0 = GRAPH_YAXIS_W;

	(void)state;
	g[0] = col(0, 0, 0, 0, 0);			/* no data */
	g[1] = col(5000, 2000, 9000, 10, 10);
	g[2] = col(0, 0, 0, 10, 0);			/* all lost */
	g[3] = col(1000, 1000, 1000, 10, 9);		/* 10% lost */
	c = canvas_new(GRAPH_YAXIS_W + 4, 6, MAP_ASCII);
	graph_render(c, g, 4, 60 * 1000);

	assert_string_equal(line(c, 0), "   10| :x");
	assert_string_equal(line(c, 1), "     | *x");
	assert_string_equal(line(c, 2), "     | :x");
	assert_string_equal(line(c, 3), "    0| :x*");
	assert_string_equal(line(c, 4), " loss| .x+");
	assert_string_equal(line(c, 5), "   ms+ now");

	/* The median is coloured by loss, the spread is not. */
	cell(c, x0 + 1, 1, &role);
	assert_int_equal(role, CR_OK);
	cell(c, x0 + 1, 0, &role);
	assert_int_equal(role, CR_NORMAL);
	cell(c, x0 + 2, 2, &role);
	assert_int_equal(role, CR_CRIT);
	cell(c, x0 + 3, 3, &role);
	assert_int_equal(role, CR_WARN);
	/* Columns past the data stay blank, and so does no data at all. */
	graph_render(c, g, 1, 60 * 1000);
	assert_string_equal(line(c, 0), "    1|");
	assert_string_equal(line(c, 4), " loss|");
	canvas_free(c);
}

/*
 * Braille, 2 plot rows (ph 8), ymax 10 ms: 7.5 ms on pixel row 1, 5 ms
 * on row 3, 2.5 ms on row 5.  The spread is the left dot column from row
 * 1 to 5, the median both dots of row 3.
 */
static void
test_braille(void **state)
{
	struct canvas		*c;
	struct graph_col	 g[3];
	enum color_role		 role;
	int			 x0 = GRAPH_YAXIS_W;

	(void)state;
	g[0] = col(5000, 2500, 7500, 10, 10);
	g[1] = col(0, 0, 0, 4, 0);
	g[2] = col(0, 0, 0, 0, 0);
	c = canvas_new(GRAPH_YAXIS_W + 3, 4, MAP_BRAILLE);
	graph_render(c, g, 3, 60 * 1000);
	/* Cell rows 0 (pixels 0-3): left 1, 2, 3 and right 3: 0xc6. */
	assert_string_equal(cell(c, x0, 0, &role), "\xe2\xa3\x86");
	assert_int_equal(role, CR_OK);
	/* Pixels 4-7: left 4 and 5: 0x03, uncoloured spread. */
	assert_string_equal(cell(c, x0, 1, &role), "\xe2\xa0\x83");
	assert_int_equal(role, CR_NORMAL);
	/* All lost: every dot, both rows, critical. */
	assert_string_equal(cell(c, x0 + 1, 0, &role), "\xe2\xa3\xbf");
	assert_int_equal(role, CR_CRIT);
	assert_string_equal(cell(c, x0 + 1, 1, NULL), "\xe2\xa3\xbf");
	assert_string_equal(cell(c, x0 + 2, 0, NULL), " ");
	assert_string_equal(cell(c, x0 + 2, 1, NULL), " ");
	/* The loss row in UTF-8: a middle dot, a full block, nothing. */
	assert_string_equal(cell(c, x0, 2, NULL), "\xc2\xb7");
	assert_string_equal(cell(c, x0 + 1, 2, NULL), "\xe2\x96\x88");
	assert_string_equal(cell(c, x0 + 2, 2, NULL), " ");
	/* The axis: "10" on top, a box-drawing line, "0" at the bottom. */
	assert_string_equal(cell(c, 3, 0, NULL), "1");
	assert_string_equal(cell(c, 4, 0, NULL), "0");
	assert_string_equal(cell(c, 5, 0, NULL), "\xe2\x94\x82");
	assert_string_equal(cell(c, 4, 1, NULL), "0");
	canvas_free(c);
}

/*
 * Block, 3 plot rows (ph 6), ymax 10 ms: 9 ms on pixel row 0, 5 ms on
 * row 2 (cell 1, upper half), 1 ms on row 5; 10 ms on row 0 (cell 0,
 * upper half); 4 ms on row 3 (cell 1, lower half).
 */
static void
test_block(void **state)
{
	struct canvas		*c;
	struct graph_col	 g[3];
	int			 x0 = GRAPH_YAXIS_W;

	(void)state;
	g[0] = col(5000, 1000, 9000, 10, 10);
	g[1] = col(10000, 10000, 10000, 10, 10);
	g[2] = col(4000, 4000, 4000, 10, 10);
	c = canvas_new(GRAPH_YAXIS_W + 3, 5, MAP_BLOCK);
	graph_render(c, g, 3, 60 * 1000);
	assert_string_equal(cell(c, x0, 0, NULL), "\xe2\x96\x91");
	assert_string_equal(cell(c, x0, 1, NULL), "\xe2\x96\x80");
	assert_string_equal(cell(c, x0, 2, NULL), "\xe2\x96\x91");
	assert_string_equal(cell(c, x0 + 1, 0, NULL), "\xe2\x96\x80");
	assert_string_equal(cell(c, x0 + 1, 1, NULL), " ");
	assert_string_equal(cell(c, x0 + 2, 1, NULL), "\xe2\x96\x84");
	assert_string_equal(cell(c, x0 + 2, 0, NULL), " ");
	assert_string_equal(cell(c, x0 + 2, 2, NULL), " ");
	canvas_free(c);
}

/* Labels: the middle of the axis, times back from "now". */
static void
test_axes(void **state)
{
	struct canvas		*c;
	struct graph_col	 g[60];
	size_t			 i;

	(void)state;
	for (i = 0; i < 60; i++)
		g[i] = col(100000, 90000, 240000, 1, 1);
	c = canvas_new(GRAPH_YAXIS_W + 60, 8, MAP_ASCII);
	graph_render(c, g, 60, 5 * 60 * 1000);
	/* 240 ms rounds up to 250; 125 half way, on row (6 - 1) / 2. */
	assert_string_equal(line(c, 0) + 0, "  250|"
	    "::::::::::::::::::::::::::::::::::::::::::::::::::::::::::::");
	assert_non_null(strstr(line(c, 2), "  125|"));
	/* 100 ms: row 5 - floor(100 * 6 / 250) = 3. */
	assert_non_null(strstr(line(c, 3), "|*****"));
	/* One label a minute, at the column that starts it, then "now". */
	assert_string_equal(line(c, 7), "   ms+            -4m         -3m"
	    "         -2m         -1m      now");
	assert_int_equal(strstr(line(c, 7), "-4m") - line(c, 7), 18);
	assert_int_equal(strstr(line(c, 7), "now") - line(c, 7), 63);
	canvas_free(c);

	/* A day in 40 columns: a label every 6 hours at most 5 times. */
	c = canvas_new(GRAPH_YAXIS_W + 40, 4, MAP_ASCII);
	graph_render(c, g, 40, 24 * 3600 * 1000LL);
	assert_non_null(strstr(line(c, 3), "-6h"));
	assert_non_null(strstr(line(c, 3), "-18h"));
	assert_non_null(strstr(line(c, 3), "now"));
	canvas_free(c);
}

/* Too small to draw: nothing, and no crash. */
static void
test_tiny(void **state)
{
	struct canvas		*c;
	struct graph_col	 g = col(1000, 1000, 1000, 1, 1);

	(void)state;
	c = canvas_new(3, 1, MAP_ASCII);
	graph_render(c, &g, 1, 1000);
	assert_string_equal(line(c, 0), "");
	canvas_free(c);
	assert_int_equal(graph_plot_width(GRAPH_YAXIS_W), 0);
	assert_int_equal(graph_plot_width(GRAPH_YAXIS_W + 74), 74);
}

/*
 * A live series cut into columns: [0, 5 s) has 10, 20, 30, 40 ms and a
 * loss, [5 s, 10 s) 50 .. 90 ms; a sample at 10 s is past the span.
 * Nearest rank: p10 of 4 is the 1st, p90 the 4th; of 5, the 1st and 5th.
 */
static void
test_series(void **state)
{
	struct latency_series	*ls;
	struct graph_col	 g[3];
	static const int64_t	 rtt[] = {
		10, 20, 30, 40, -1, 70, 50, 90, 60, 80, 999
	};
	size_t			 i;

	(void)state;
	ls = latency_series_new(0);
	for (i = 0; i < nitems(rtt); i++)
		latency_add(ls, (int64_t)i * 1000, rtt[i] < 0 ? LATENCY_LOST :
		    rtt[i] * 1000);
	graph_columns_series(ls, 0, 10000, g, 2);
	assert_int_equal(g[0].sent, 5);
	assert_int_equal(g[0].received, 4);
	assert_true(g[0].median_us == 25000.0);
	assert_int_equal(g[0].lo_us, 10000);
	assert_int_equal(g[0].hi_us, 40000);
	assert_int_equal(g[1].sent, 5);
	assert_int_equal(g[1].received, 5);
	assert_true(g[1].median_us == 70000.0);
	assert_int_equal(g[1].lo_us, 50000);
	assert_int_equal(g[1].hi_us, 90000);
	/* A span with nothing in it: every column empty. */
	graph_columns_series(ls, 100000, 200000, g, 3);
	for (i = 0; i < 3; i++)
		assert_int_equal(g[i].sent, 0);
	latency_series_free(ls);
}

/*
 * Fewer samples than columns: each sample spreads over the average
 * spacing (a line, not dots), a real gap stays blank.  Samples at 0..4 s
 * and 15..19 s in a 20 s span over 40 columns: 10 of 40 columns hold one,
 * spacing 4 columns (2 s), so 0..4 s fill columns 0-11, 5..14 s (a gap
 * of 10 s) leaves 12-29 blank, 15..19 s fill 30-39.
 */
static void
test_columns_spread(void **state)
{
	struct latency_series	*ls;
	struct graph_col	 g[40];
	size_t			 i;

	(void)state;
	ls = latency_series_new(0);
	for (i = 0; i < 20; i++)
		if (i < 5 || i >= 15)
			latency_add(ls, (int64_t)i * 1000, 10000 + i * 1000);
	graph_columns_series(ls, 0, 20000, g, 40);
	for (i = 0; i < 12; i++)
		assert_true(g[i].sent > 0);
	for (i = 12; i < 30; i++)
		assert_int_equal(g[i].sent, 0);
	for (i = 30; i < 40; i++)
		assert_true(g[i].sent > 0);
	/* A copy repeats its sample's figures. */
	assert_true(g[1].median_us == g[0].median_us);
	assert_true(g[2].median_us == 11000);
	latency_series_free(ls);
}

static void
test_spark(void **state)
{
	static const double	 v[] = { 10, 10, 20, -1, 15 };
	static const double	 flat[] = { 100, 101, 100 };
	char			 buf[64];

	(void)state;
	graph_spark(v, 5, 1, buf, sizeof buf);
	assert_string_equal(buf, "__^ -");
	graph_spark(v, 5, 0, buf, sizeof buf);
	assert_string_equal(buf, "\xe2\x96\x81\xe2\x96\x81\xe2\x96\x88 "
	    "\xe2\x96\x85");
	/* latmon's -2: a slice with every probe lost. */
	graph_spark((const double []){ 5, -2, 5 }, 3, 0, buf, sizeof buf);
	assert_string_equal(buf, "\xe2\x96\x81x\xe2\x96\x81");
	/* 1% of noise on a steady link stays at the bottom. */
	graph_spark(flat, 3, 1, buf, sizeof buf);
	assert_string_equal(buf, "___");
	/* A short buffer cuts whole glyphs. */
	graph_spark(v, 5, 0, buf, 7);
	assert_string_equal(buf, "\xe2\x96\x81\xe2\x96\x81");
}

/*
 * The mode table: each mode complete, its pixels distinct bits of a
 * cell, only ASCII held to 7 bits, and a lit cell's glyph as the mode
 * draws it (a Braille pattern, a quadrant block, punctuation).
 */
static void
test_modes(void **state)
{
	const struct canvas_mode	*md;
	struct canvas			*c;
	unsigned			 bits;
	int				 m, dx, dy;
	char				 buf[CANVAS_CELL_MAX];

	for (m = 0; m < CANVAS_NMODES; m++) {
		md = canvas_mode((enum map_mode)m);
		assert_ptr_equal(md, &canvas_modes[m]);
		assert_non_null(md->name);
		assert_non_null(md->glyph);
		assert_non_null(md->vbar);
		assert_non_null(md->solid);
		assert_true(md->vres >= 1 && md->vres <= md->sy);
		bits = 0;
		for (dy = 0; dy < md->sy; dy++) {
			for (dx = 0; dx < md->sx; dx++) {
				assert_int_equal(bits & md->bit(dx, dy), 0);
				bits |= md->bit(dx, dy);
			}
		}
		assert_int_equal(bits, (1u << (md->sx * md->sy)) - 1);
		/* Every pixel lit: the full cell. */
		c = canvas_new(1, 1, (enum map_mode)m);
		for (dy = 0; dy < md->sy; dy++)
			for (dx = 0; dx < md->sx; dx++)
				canvas_set(c, dx, dy, CR_LAND);
		canvas_cell_string(c, 0, 0, buf, sizeof buf);
		assert_int_equal(strlen(buf), md->ascii ? 1 : 3);
		canvas_free(c);
	}
	assert_string_equal(canvas_mode(MAP_BRAILLE)->name, "Braille");
	assert_string_equal(canvas_mode(MAP_BLOCK)->name, "block");
	assert_string_equal(canvas_mode(MAP_ASCII)->name, "ASCII");
	assert_true(canvas_mode(MAP_BRAILLE)->fill);
	assert_false(canvas_mode(MAP_BLOCK)->fill);
	/* Out of range: Braille. */
	assert_ptr_equal(canvas_mode((enum map_mode)7),
	    &canvas_modes[MAP_BRAILLE]);
	c = canvas_new(1, 1, MAP_BRAILLE);
	c->mode->solid(c, 0, 0, "x", CR_CRIT);
	assert_string_equal(cell(c, 0, 0, NULL), "\xe2\xa3\xbf");
	canvas_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scale),
		cmocka_unit_test(test_loss_levels),
		cmocka_unit_test(test_ascii),
		cmocka_unit_test(test_braille),
		cmocka_unit_test(test_block),
		cmocka_unit_test(test_axes),
		cmocka_unit_test(test_tiny),
		cmocka_unit_test(test_series),
		cmocka_unit_test(test_columns_spread),
		cmocka_unit_test(test_spark),
		cmocka_unit_test(test_modes),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
