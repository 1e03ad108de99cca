/* SPDX-License-Identifier: ISC */
/*
 * Tests for the world map loader (core/world.c) and the pixel canvas
 * (tui/canvas.c, which makes no curses calls).  The shipped
 * data/world.map is loaded and checked for sane coordinates, bounding
 * boxes and geography (cities on land, oceans empty); malformed inputs
 * must fail with "name:line: ..." messages; the canvas is checked for
 * the Braille dot layout, block and ASCII glyphs, Bresenham lines and
 * the text overlay.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/util.h"
#include "core/world.h"
#include "tui/canvas.h"

#ifndef TOP_SRCDIR
#define TOP_SRCDIR "."
#endif
#define WORLD_MAP TOP_SRCDIR "/data/world.map"

/* Even-odd test: is (lon, lat) inside the closed ring wl? */
static int
ring_contains(const struct world_line *wl, double lon, double lat)
{
	size_t	i, j;
	int	in = 0;

	if (lon < wl->minlon || lon > wl->maxlon || lat < wl->minlat ||
	    lat > wl->maxlat)
		return (0);
	for (i = 0, j = wl->npts - 1; i < wl->npts; j = i++) {
		double	xi = wl->pts[i].lon, yi = wl->pts[i].lat;
		double	xj = wl->pts[j].lon, yj = wl->pts[j].lat;

		if ((yi > lat) != (yj > lat) &&
		    lon < (xj - xi) * (lat - yi) / (yj - yi) + xi)
			in = !in;
	}
	return (in);
}

static int
on_land(const struct world *w, double lon, double lat)
{
	size_t	i;
	int	in = 0;

	/* Holes (lakes) are rings too: even-odd over all of them. */
	for (i = 0; i < w->nlines; i++)
		in ^= ring_contains(&w->lines[i], lon, lat);
	return (in);
}

static void
test_world_shipped(void **state)
{
	struct world		*w;
	struct world_line	*wl;
	char			*cause = NULL;
	size_t			 i, j, total = 0;

	(void)state;
	w = world_load(WORLD_MAP, &cause);
	if (w == NULL)
		fail_msg("%s", cause);
	assert_null(cause);

	/* Natural Earth 110m land: 127 features, over 5000 points. */
	assert_in_range(w->nlines, 100, 200);
	assert_in_range(w->npoints, 4000, 10000);

	for (i = 0; i < w->nlines; i++) {
		wl = &w->lines[i];
		assert_true(wl->npts >= 2);
		assert_true(wl->minlon <= wl->maxlon);
		assert_true(wl->minlat <= wl->maxlat);
		for (j = 0; j < wl->npts; j++) {
			assert_true(wl->pts[j].lon >= -180.0f &&
			    wl->pts[j].lon <= 180.0f);
			assert_true(wl->pts[j].lat >= -90.0f &&
			    wl->pts[j].lat <= 90.0f);
			assert_true(wl->pts[j].lon >= wl->minlon &&
			    wl->pts[j].lon <= wl->maxlon);
			assert_true(wl->pts[j].lat >= wl->minlat &&
			    wl->pts[j].lat <= wl->maxlat);
		}
		total += wl->npts;
	}
	assert_int_equal(total, w->npoints);

	/* Inland cities on every continent are on land. */
	assert_true(on_land(w, -3.70, 40.42));		/* Madrid */
	assert_true(on_land(w, 36.82, -1.29));		/* Nairobi */
	assert_true(on_land(w, -104.99, 39.74));	/* Denver */
	assert_true(on_land(w, -47.88, -15.79));	/* Brasilia */
	assert_true(on_land(w, 133.88, -23.70));	/* Alice Springs */
	assert_true(on_land(w, 77.21, 28.61));		/* Delhi */
	assert_true(on_land(w, 37.62, 55.76));		/* Moscow */
	assert_true(on_land(w, -1.90, 52.49));		/* Birmingham, GB */
	/* Oceans are not. */
	assert_false(on_land(w, -150.0, 0.0));		/* Pacific */
	assert_false(on_land(w, -35.0, 30.0));		/* Atlantic */
	assert_false(on_land(w, 80.0, -20.0));		/* Indian */
	assert_false(on_land(w, 5.0, 56.0));		/* North Sea */

	world_free(w);
}

static void
test_world_missing(void **state)
{
	char	*cause = NULL;

	(void)state;
	assert_null(world_load(TOP_SRCDIR "/data/no-such.map", &cause));
	assert_non_null(cause);
	assert_non_null(strstr(cause, "no-such.map"));
	assert_non_null(strstr(cause, "No such file"));
	free(cause);
}

/* Parse text; expect failure with exactly this message. */
static void
expect_error(const char *text, const char *want)
{
	struct world	*w;
	char		*cause = NULL;

	w = world_parse("t.map", text, strlen(text), &cause);
	if (w != NULL)
		fail_msg("parsed, expected \"%s\"", want);
	if (cause == NULL)
		fail_msg("no cause, expected \"%s\"", want);
	if (strcmp(cause, want) != 0)
		fail_msg("got \"%s\", expected \"%s\"", cause, want);
	free(cause);
}

static void
test_world_errors(void **state)
{
	char	 line[300];

	(void)state;
	expect_error("", "t.map:1: no polylines (expected \"L count\")");
	expect_error("# only a comment\n\n",
	    "t.map:2: no polylines (expected \"L count\")");
	expect_error("L 3\n1 2\n3 4\n",
	    "t.map:3: unexpected end of file: the polyline at line 1 needs "
	    "1 more points");
	expect_error("L 2\n1 2\n3 4\nL 5\n0 0\n",
	    "t.map:5: unexpected end of file: the polyline at line 4 needs "
	    "4 more points");
	/* A header that lies about its count must not allocate it. */
	expect_error("L 99999\n1 2\n",
	    "t.map:2: unexpected end of file: the polyline at line 1 needs "
	    "99998 more points");
	expect_error("L 2\n1 2\n1e5 2\n",
	    "t.map:3: expected a longitude (-180 to 180) then a latitude");
	expect_error("L 2\n1 2\n180.01 2\n",
	    "t.map:3: expected a longitude (-180 to 180) then a latitude");
	expect_error("L 2\n1 2\n-1800 2\n",
	    "t.map:3: expected a longitude (-180 to 180) then a latitude");
	expect_error("L 2\n1 2\nx 2\n",
	    "t.map:3: expected a longitude (-180 to 180) then a latitude");
	expect_error("L 2\n1 2\n12. 2\n",
	    "t.map:3: expected a longitude (-180 to 180) then a latitude");
	expect_error("L 2\n1,5 2\n",
	    "t.map:2: expected a longitude (-180 to 180) then a latitude");
	expect_error("L 2\n1 2\n1.1234567 2\n",
	    "t.map:3: expected a longitude (-180 to 180) then a latitude");
	expect_error("L 2\n1 90.5\n",
	    "t.map:2: expected a latitude (-90 to 90) after the longitude");
	expect_error("L 2\n1\n",
	    "t.map:2: expected a latitude (-90 to 90) after the longitude");
	expect_error("L 2\n1 2 3\n",
	    "t.map:2: expected end of line after \"lon lat\"");
	expect_error("L 100001\n",
	    "t.map:1: expected a point count from 2 to 100000");
	expect_error("L 99999999999999999999999\n",
	    "t.map:1: expected a point count from 2 to 100000");
	expect_error("L 1\n0 0\n",
	    "t.map:1: expected a point count from 2 to 100000");
	expect_error("L -2\n", "t.map:1: expected a point count from 2 to "
	    "100000");
	expect_error("L 2 x\n", "t.map:1: expected end of line after the "
	    "point count");
	expect_error("P 2\n", "t.map:1: expected \"L count\"");
	expect_error("L2\n", "t.map:1: expected \"L count\"");
	expect_error("1 2\n", "t.map:1: expected \"L count\"");

	memset(line, '0', sizeof line - 1);
	line[sizeof line - 1] = '\0';
	line[0] = 'L';
	line[1] = ' ';
	expect_error(line, "t.map:1: line longer than 128 bytes");
}

/* NUL inside the buffer: strlen() would stop early, so pass the length. */
static void
test_world_nul(void **state)
{
	static const char	 text[] = "L 2\n0 0\n1 \0 1\n";
	char			*cause = NULL;

	(void)state;
	assert_null(world_parse("t.map", text, sizeof text - 1, &cause));
	assert_string_equal(cause, "t.map:3: NUL byte in text");
	free(cause);
}

static void
test_world_good(void **state)
{
	static const char	 text[] =
	    "# comment\r\n"
	    "\n"
	    "L 3\r\n"
	    "  -180 -90\n"
	    "180.0 90.000000\n"
	    "+1.5\t-0.25\n"
	    "L 2\n"
	    "10 20\n"
	    "-10.5 -20.25\n";
	struct world		*w;
	char			*cause = NULL;

	(void)state;
	w = world_parse("t.map", text, sizeof text - 1, &cause);
	if (w == NULL)
		fail_msg("%s", cause);
	assert_int_equal(w->nlines, 2);
	assert_int_equal(w->npoints, 5);
	assert_int_equal(w->lines[0].npts, 3);
	assert_true(w->lines[0].pts[2].lon == 1.5f);
	assert_true(w->lines[0].pts[2].lat == -0.25f);
	assert_true(w->lines[0].minlon == -180.0f);
	assert_true(w->lines[0].maxlat == 90.0f);
	assert_true(w->lines[1].minlon == -10.5f);
	assert_true(w->lines[1].maxlon == 10.0f);
	assert_true(w->lines[1].minlat == -20.25f);
	assert_true(w->lines[1].maxlat == 20.0f);
	world_free(w);
}

static enum color_role
cell(const struct canvas *c, int x, int y, char *buf)
{
	return (canvas_cell_string(c, x, y, buf, CANVAS_CELL_MAX));
}

static void
test_canvas_braille(void **state)
{
	struct canvas	*c;
	char		 buf[CANVAS_CELL_MAX];
	int		 x, y;

	(void)state;
	c = canvas_new(3, 2, MAP_BRAILLE);
	assert_int_equal(c->pw, 6);
	assert_int_equal(c->ph, 8);

	assert_int_equal(cell(c, 0, 0, buf), CR_NORMAL);
	assert_string_equal(buf, " ");

	canvas_set(c, 0, 0, CR_LAND);
	assert_int_equal(cell(c, 0, 0, buf), CR_LAND);
	assert_string_equal(buf, "\xe2\xa0\x81");	/* U+2801 dot 1 */

	canvas_clear(c);
	canvas_set(c, 1, 3, CR_LAND);
	assert_string_equal((cell(c, 0, 0, buf), buf),
	    "\xe2\xa2\x80");				/* U+2880 dot 8 */
	canvas_set(c, 0, 3, CR_LAND);
	assert_string_equal((cell(c, 0, 0, buf), buf),
	    "\xe2\xa3\x80");				/* U+28C0 dots 7, 8 */
	canvas_set(c, 1, 0, CR_LAND);
	assert_string_equal((cell(c, 0, 0, buf), buf),
	    "\xe2\xa3\x88");				/* U+28C8 + dot 4 */

	/* All eight dots of cell (2, 1): U+28FF; neighbours untouched. */
	for (y = 4; y < 8; y++)
		for (x = 4; x < 6; x++)
			canvas_set(c, x, y, CR_EDGE);
	assert_int_equal(cell(c, 2, 1, buf), CR_EDGE);
	assert_string_equal(buf, "\xe2\xa3\xbf");
	assert_string_equal((cell(c, 1, 1, buf), buf), " ");
	assert_true(canvas_get(c, 5, 7));
	assert_false(canvas_get(c, 3, 7));

	/* Out of range is ignored, not a crash. */
	canvas_set(c, -1, 0, CR_LAND);
	canvas_set(c, 6, 0, CR_LAND);
	canvas_set(c, 0, 8, CR_LAND);
	assert_false(canvas_get(c, -1, 0));
	assert_false(canvas_get(c, 6, 0));

	canvas_free(c);
}

static void
test_canvas_block_ascii(void **state)
{
	struct canvas	*c;
	char		 buf[CANVAS_CELL_MAX];
	int		 mask, bit;

	(void)state;
	c = canvas_new(2, 1, MAP_BLOCK);
	assert_int_equal(c->ph, 2);
	canvas_set(c, 0, 0, CR_LAND);
	assert_string_equal((cell(c, 0, 0, buf), buf), "\xe2\x96\x98");
	canvas_set(c, 1, 1, CR_LAND);
	assert_string_equal((cell(c, 0, 0, buf), buf), "\xe2\x96\x9a");
	canvas_set(c, 1, 0, CR_LAND);
	canvas_set(c, 0, 1, CR_LAND);
	assert_string_equal((cell(c, 0, 0, buf), buf), "\xe2\x96\x88");
	canvas_free(c);

	/* Every one of the 16 ASCII masks is one printable 7-bit byte. */
	for (mask = 1; mask < 16; mask++) {
		c = canvas_new(1, 1, MAP_ASCII);
		for (bit = 0; bit < 4; bit++) {
			if (mask & (1 << bit))
				canvas_set(c, bit & 1, bit >> 1, CR_LAND);
		}
		cell(c, 0, 0, buf);
		assert_int_equal(strlen(buf), 1);
		assert_true(buf[0] > ' ' && buf[0] < 0x7f);
		/* No letters or digits: those are branch markers. */
		assert_false((buf[0] >= 'A' && buf[0] <= 'Z') ||
		    (buf[0] >= 'a' && buf[0] <= 'z') ||
		    (buf[0] >= '0' && buf[0] <= '9'));
		canvas_free(c);
	}

	/* UTF-8 text in ASCII mode becomes '?', one per character. */
	c = canvas_new(6, 1, MAP_ASCII);
	assert_int_equal(canvas_text(c, 0, 0, "a\xe2\x97\x86" "b\xc3", CR_EDGE),
	    4);
	assert_string_equal((cell(c, 0, 0, buf), buf), "a");
	assert_string_equal((cell(c, 1, 0, buf), buf), "?");
	assert_string_equal((cell(c, 2, 0, buf), buf), "b");
	assert_string_equal((cell(c, 3, 0, buf), buf), "?");
	canvas_free(c);
}

static void
test_canvas_line(void **state)
{
	struct canvas	*c;
	int		 x, y, n;

	(void)state;
	c = canvas_new(8, 2, MAP_BRAILLE);	/* 16 x 8 pixels */

	/* A shallow line: endpoints set, one pixel per column. */
	canvas_line(c, 1, 1, 13, 6, CR_LAND);
	assert_true(canvas_get(c, 1, 1));
	assert_true(canvas_get(c, 13, 6));
	for (x = 1; x <= 13; x++) {
		for (y = 0, n = 0; y < 8; y++)
			n += canvas_get(c, x, y);
		assert_int_equal(n, 1);
	}
	for (y = 0; y < 8; y++) {
		assert_false(canvas_get(c, 0, y));
		assert_false(canvas_get(c, 14, y));
	}

	/* Steep, reversed: one pixel per row, endpoints set. */
	canvas_clear(c);
	canvas_line(c, 10, 7, 8, 0, CR_EDGE);
	assert_true(canvas_get(c, 10, 7));
	assert_true(canvas_get(c, 8, 0));
	for (y = 0; y < 8; y++) {
		for (x = 0, n = 0; x < 16; x++)
			n += canvas_get(c, x, y);
		assert_int_equal(n, 1);
	}

	/* A single point, and lines far outside, clipped without harm. */
	canvas_clear(c);
	canvas_line(c, 3, 3, 3, 3, CR_LAND);
	assert_true(canvas_get(c, 3, 3));
	canvas_line(c, -100000, -5, -50000, 500, CR_LAND);
	canvas_line(c, -20, 4, 40, 4, CR_LAND);
	for (x = 0; x < 16; x++)
		assert_true(canvas_get(c, x, 4));
	canvas_free(c);
}

static void
test_canvas_roles_text(void **state)
{
	struct canvas	*c;
	char		 buf[CANVAS_CELL_MAX];

	(void)state;
	c = canvas_new(5, 1, MAP_BRAILLE);

	/* Land never repaints a cell a line holds; a line repaints land. */
	canvas_set(c, 0, 0, CR_CRIT);
	canvas_set(c, 1, 1, CR_LAND);
	assert_int_equal(cell(c, 0, 0, buf), CR_CRIT);
	canvas_set(c, 2, 0, CR_LAND);
	canvas_set(c, 3, 0, CR_OK);
	assert_int_equal(cell(c, 1, 0, buf), CR_OK);
	canvas_set(c, 2, 1, CR_LAND);
	assert_int_equal(cell(c, 1, 0, buf), CR_OK);

	/* Text wins over dots and is clipped at the right edge. */
	assert_true(canvas_text_free(c, 3, 0, 2));
	assert_false(canvas_text_free(c, 3, 0, 3));
	assert_int_equal(canvas_text(c, 3, 0, "sea", CR_EDGE), 2);
	assert_int_equal(cell(c, 3, 0, buf), CR_EDGE);
	assert_string_equal(buf, "s");
	assert_string_equal((cell(c, 4, 0, buf), buf), "e");
	assert_false(canvas_text_free(c, 2, 0, 2));
	assert_int_equal(canvas_text(c, -1, 0, "xA", CR_BRANCH), 1);
	assert_string_equal((cell(c, 0, 0, buf), buf), "A");
	/* UTF-8 is kept whole in Braille mode. */
	canvas_text(c, 1, 0, "\xe2\x97\x86", CR_EDGE);
	assert_string_equal((cell(c, 1, 0, buf), buf), "\xe2\x97\x86");
	assert_int_equal(canvas_text(c, 0, 1, "x", CR_EDGE), 0);

	/* Emphasis marks one cell, ignores the outside, and is cleared. */
	assert_false(canvas_emphasised(c, 0, 0));
	canvas_emphasise(c, 0, 0);
	canvas_emphasise(c, 5, 0);
	canvas_emphasise(c, 0, -1);
	assert_true(canvas_emphasised(c, 0, 0));
	assert_false(canvas_emphasised(c, 1, 0));
	assert_false(canvas_emphasised(c, 5, 0));

	canvas_clear(c);
	assert_string_equal((cell(c, 0, 0, buf), buf), " ");
	assert_true(canvas_text_free(c, 0, 0, 5));
	assert_false(canvas_emphasised(c, 0, 0));
	canvas_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_world_shipped),
		cmocka_unit_test(test_world_missing),
		cmocka_unit_test(test_world_errors),
		cmocka_unit_test(test_world_nul),
		cmocka_unit_test(test_world_good),
		cmocka_unit_test(test_canvas_braille),
		cmocka_unit_test(test_canvas_block_ascii),
		cmocka_unit_test(test_canvas_line),
		cmocka_unit_test(test_canvas_roles_text),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
