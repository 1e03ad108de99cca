/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for tui/draw.c: the column layout that keeps 80 columns
 * usable, display widths of UTF-8 text, the glyph tables (the ASCII one
 * must be pure ASCII), and draw_text on a real curses screen (opened on
 * /dev/null with the vt100 description): truncation with the ellipsis,
 * padding, clipping at the edge and control characters shown as '?'.
 * Names cut in the middle, address columns never cut, and the header's
 * sort mark (issue 12).
 */

#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>

#include "tui/tui.h"

static const struct draw_col cols[] = {
	{ "Branch", 10, 16, 0, 0 },
	{ "Location", 12, 18, 0, 0 },
	{ "Metro", 10, 16, 3, 0 },
	{ "Sess", 5, 5, 0, 1 },
	{ "Partner", 10, 16, 4, 0 },
	{ "Last", 10, 40, 1, 0 },
	{ "Reason", 20, 200, 2, 0 },
};
#define NCOLS	(sizeof cols / sizeof cols[0])

static int	utf8_ok;

static int
total_width(const int *w, size_t n)
{
	size_t	i;
	int	t = 0;

	for (i = 0; i < n; i++)
		if (w[i] > 0)
			t += (t > 0) + w[i];
	return (t);
}

static void
test_layout_80(void **state)
{
	int	w[NCOLS];

	draw_layout(cols, NCOLS, 80, w);
	assert_int_equal(total_width(w, NCOLS), 80);
	/* Priority 0 columns always stay, at least at their minimum. */
	assert_true(w[0] >= 10);
	assert_true(w[1] >= 12);
	assert_true(w[3] >= 5);
	/* Minimums add up to 83: only the least important (4) goes. */
	assert_int_equal(w[4], 0);
	assert_true(w[2] >= 10);
	assert_true(w[5] >= 10);
	assert_true(w[6] >= 20);

	/* At 70 the next one (3) goes too, and the row still fills. */
	draw_layout(cols, NCOLS, 70, w);
	assert_int_equal(total_width(w, NCOLS), 70);
	assert_int_equal(w[4], 0);
	assert_int_equal(w[2], 0);
	assert_true(w[6] >= 20);
}

static void
test_layout_200(void **state)
{
	size_t	i;
	int	w[NCOLS];

	draw_layout(cols, NCOLS, 200, w);
	for (i = 0; i < NCOLS; i++)
		assert_true(w[i] >= cols[i].min);
	assert_int_equal(total_width(w, NCOLS), 200);
	/* Spare width goes to columns up to their maximum first. */
	assert_int_equal(w[0], 16);
	assert_int_equal(w[1], 18);
}

static void
test_layout_narrow(void **state)
{
	int	w[NCOLS];

	/* Too narrow even for the essentials: keep them, hide the rest. */
	draw_layout(cols, NCOLS, 20, w);
	assert_true(w[0] > 0 && w[1] > 0 && w[3] > 0);
	assert_int_equal(w[2] + w[4] + w[5] + w[6], 0);
}

static void
test_glyphs(void **state)
{
	struct tui	 t;
	const unsigned char *s;
	int		 g;

	memset(&t, 0, sizeof t);
	t.ascii = 1;
	for (g = 0; g < GL_MAX; g++) {
		s = (const unsigned char *)draw_glyph(&t, g);
		assert_non_null(s);
		assert_true(*s != '\0');
		for (; *s != '\0'; s++)
			assert_true(*s >= 0x20 && *s < 0x7f);
	}
	t.ascii = 0;
	for (g = 0; g < GL_MAX; g++) {
		assert_non_null(draw_glyph(&t, g));
		if (utf8_ok && g != GL_ARROW)
			assert_int_equal(draw_width(&t, draw_glyph(&t, g)), 1);
	}
	assert_string_equal(draw_glyph(&t, GL_MAX), "?");
}

/*
 * Issue 12: "!" means Warning only.  The suboptimal Via, AdminDown and a
 * DEGRADED partner have glyphs of their own, in both tables, and the
 * state and redundancy glyphs use them.
 */
static void
test_glyphs_distinct(void **state)
{
	static const enum glyph	 own[] = { GL_DETOUR, GL_ADMIN, GL_DEGRADED };
	struct tui		 t;
	size_t			 i, j;

	(void)state;
	memset(&t, 0, sizeof t);
	for (t.ascii = 0; t.ascii <= 1; t.ascii++)
		for (i = 0; i < nitems(own); i++) {
			assert_string_not_equal(draw_glyph(&t, own[i]),
			    draw_glyph(&t, GL_WARN));
			for (j = 0; j < GL_MAX; j++)
				if (j != own[i] && j != GL_HLINE)
					assert_string_not_equal(
					    draw_glyph(&t, own[i]),
					    draw_glyph(&t, (enum glyph)j));
		}
	assert_int_equal(draw_state_glyph(BGP_ADMIN_DOWN), GL_ADMIN);
	assert_int_equal(draw_red_glyph(RED_DEGRADED), GL_DEGRADED);
	assert_int_equal(draw_red_glyph(RED_NOBACKUP), GL_DEGRADED);
	assert_int_equal(draw_level_glyph(LVL_WARNING), GL_WARN);
	assert_string_equal(draw_glyph_ascii(GL_DETOUR), "*");
}

static void
test_width(void **state)
{
	struct tui	 t;

	memset(&t, 0, sizeof t);
	assert_int_equal(draw_width(&t, ""), 0);
	assert_int_equal(draw_width(&t, "seattle"), 7);
	/* Control characters count as the one '?' they are shown as. */
	assert_int_equal(draw_width(&t, "\033[2J"), 4);
	if (utf8_ok) {
		assert_int_equal(draw_width(&t, "Link\xc3\xb6ping"), 9);
		/* Wide (CJK) characters take two columns. */
		assert_int_equal(draw_width(&t, "\xe9\x95\xb7\xe6\x98\xa5"), 4);
		/* Invalid UTF-8 is one '?' per byte. */
		assert_int_equal(draw_width(&t, "a\xff" "b"), 3);
	}
	t.ascii = 1;
	assert_int_equal(draw_width(&t, "Link\xc3\xb6ping"), utf8_ok ? 9 : 10);
}

/* Read back n cells of row y as a narrow string ('?' for non-ASCII). */
static void
row_text(int y, int x, int n, char *buf)
{
	int	i;
	chtype	c;

	for (i = 0; i < n; i++) {
		c = mvinch(y, x + i) & A_CHARTEXT;
		buf[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '#';
	}
	buf[n] = '\0';
}

/* A vt100 curses screen on /dev/null (the test is skipped without). */
static SCREEN *
screen_open(FILE **out, FILE **in)
{
	SCREEN	*sp;

	*out = fopen("/dev/null", "w");
	*in = fopen("/dev/null", "r");
	assert_non_null(*out);
	assert_non_null(*in);
	sp = newterm("vt100", *out, *in);
	if (sp == NULL) {
		fclose(*out);
		fclose(*in);
		skip();
	}
	return (sp);
}

static void
screen_close(SCREEN *sp, FILE *out, FILE *in)
{
	endwin();
	delscreen(sp);
	fclose(out);
	fclose(in);
}

/*
 * A bidi override (U+202E, as an ingest target name once carried into
 * the branch view's latency header) or an invisible character is one
 * '?' on the screen, as sanitize() makes it elsewhere, not a zero-width
 * control that turns the rest of the line around.
 */
static void
test_draw_bidi(void **state)
{
	struct tui	 t;
	SCREEN		*sp;
	FILE		*out, *in;
	char		 buf[32];

	if (!utf8_ok)
		skip();
	memset(&t, 0, sizeof t);
	assert_int_equal(draw_width(&t, "a\xe2\x80\xae" "b"), 3);
	assert_int_equal(draw_width(&t, "\xe2\x80\x8b\xe2\x81\xa6\xef\xbb\xbf"), 3);
	/* A C1 control too. */
	assert_int_equal(draw_width(&t, "x\xc2\x9b" "1m"), 4);

	sp = screen_open(&out, &in);
	getmaxyx(stdscr, t.sy, t.sx);
	draw_text(&t, 0, 0, 12, CR_NORMAL, "lat \xe2\x80\xae" "exe.txt");
	row_text(0, 0, 12, buf);
	assert_string_equal(buf, "lat ?exe.txt");
	screen_close(sp, out, in);
}

static void
test_draw_text(void **state)
{
	struct tui	 t;
	SCREEN		*sp;
	FILE		*out, *in;
	char		 buf[128];
	cchar_t		 cc;
	wchar_t		 wc[4];
	attr_t		 a;
	short		 pair;

	sp = screen_open(&out, &in);
	memset(&t, 0, sizeof t);
	getmaxyx(stdscr, t.sy, t.sx);
	assert_true(t.sx >= 40 && t.sy >= 10);

	/* Truncation: ASCII ellipsis in the last column. */
	t.ascii = 1;
	draw_text(&t, 0, 0, 10, CR_NORMAL, "seattle-headquarters");
	row_text(0, 0, 12, buf);
	assert_string_equal(buf, "seattle-h~  ");

	/* Padding overwrites what was there. */
	mvaddstr(1, 0, "XXXXXXXXXXXX");
	draw_text(&t, 1, 0, 10, CR_NORMAL, "ab");
	row_text(1, 0, 12, buf);
	assert_string_equal(buf, "ab        XX");

	/* No escape reaches the terminal. */
	draw_text(&t, 2, 0, 10, CR_NORMAL, "\033[2J\a!");
	row_text(2, 0, 7, buf);
	assert_string_equal(buf, "?[2J?! ");

	/* Clipped at the right edge, ignored off screen. */
	draw_text(&t, 3, t.sx - 3, 10, CR_NORMAL, "abcdef");
	row_text(3, t.sx - 3, 3, buf);
	assert_string_equal(buf, "ab~");
	draw_text(&t, t.sy, 0, 10, CR_NORMAL, "nothing");
	draw_text(&t, -1, 0, 10, CR_NORMAL, "nothing");
	draw_text(&t, 0, t.sx, 10, CR_NORMAL, "nothing");

	/* In ASCII mode a UTF-8 city is shown with '?'. */
	draw_text(&t, 4, 0, 12, CR_NORMAL, "Link\xc3\xb6ping");
	row_text(4, 0, 12, buf);
	assert_string_equal(buf, utf8_ok ? "Link?ping   " : "Link??ping  ");

	/* UTF-8: the real ellipsis, and a wide city name. */
	if (utf8_ok) {
		t.ascii = 0;
		draw_text(&t, 5, 0, 6, CR_NORMAL, "Link\xc3\xb6ping");
		assert_int_equal(mvin_wch(5, 4, &cc), OK);
		assert_int_equal(getcchar(&cc, wc, &a, &pair, NULL), OK);
		assert_int_equal(wc[0], L'\xf6');
		assert_int_equal(mvin_wch(5, 5, &cc), OK);
		assert_int_equal(getcchar(&cc, wc, &a, &pair, NULL), OK);
		assert_int_equal(wc[0], 0x2026);
	}

	/* Monochrome: attributes only, no colour pairs. */
	t.mono = 1;
	assert_int_equal(draw_pair(&t, CR_CRIT), 0);
	assert_true((draw_attr(&t, CR_CRIT) & A_COLOR) == 0);
	assert_true(draw_attr(&t, CR_CRIT) != A_NORMAL);
	assert_true(draw_attr(&t, CR_SELECTED) & A_REVERSE);

	screen_close(sp, out, in);
}

/* Names too long for their column lose their middle, not their end. */
static void
test_elide(void **state)
{
	struct tui	 t;
	char		 buf[64];
	const char	*four[] = { "msft-partner-edge-lon",
	    "msft-partner-edge-ams", "msft-partner-edge-sea",
	    "msft-partner-edge-lax" };
	size_t		 i;

	memset(&t, 0, sizeof t);
	t.ascii = 1;
	/* A third of the room for the start, the rest for the end. */
	assert_string_equal(draw_elide(&t, four[0], 13, buf, sizeof buf),
	    "msft~edge-lon");
	assert_int_equal(draw_width(&t, buf), 13);
	/* The four routers stay four at 10 columns. */
	for (i = 0; i < 4; i++) {
		draw_elide(&t, four[i], 10, buf, sizeof buf);
		assert_int_equal(draw_width(&t, buf), 10);
		assert_non_null(strstr(buf, four[i] + 18));
	}
	/* Fits: as it is; too narrow to cut: as it is (draw_text cuts). */
	assert_string_equal(draw_elide(&t, "lon-r1", 6, buf, sizeof buf),
	    "lon-r1");
	assert_string_equal(draw_elide(&t, "lon-r1", 2, buf, sizeof buf),
	    "lon-r1");
	assert_string_equal(draw_elide(&t, "lon-r1-msft", 5, buf, sizeof buf),
	    "l~sft");
	/* Too small a buffer: the name itself, cut by the copy. */
	assert_string_equal(draw_elide(&t, four[0], 13, buf, 8), "msft-pa");
	if (utf8_ok) {
		t.ascii = 0;
		draw_elide(&t, "Link\xc3\xb6ping-router-r2", 12, buf,
		    sizeof buf);
		assert_string_equal(buf, "Lin\xe2\x80\xa6outer-r2");
		assert_int_equal(draw_width(&t, buf), 12);
		draw_elide(&t, "r-\xc3\xb6\xc3\xb6\xc3\xb6\xc3\xb6-x", 6, buf,
		    sizeof buf);
		assert_int_equal(draw_width(&t, buf), 6);
	}
}

/* An address column is as wide as its address, or hidden: never cut. */
static void
test_layout_addr(void **state)
{
	struct tui	 t;
	struct draw_col	 c[] = {
		{ "Branch", 13, 16, 0, DC_NAME },
		{ "Prefix", 9, 9, 1, DC_ADDR },
		{ "State", 19, 34, 0, 0 },
		{ "AS path", 16, 60, 0, 0 },
	};
	int		 w[4];

	memset(&t, 0, sizeof t);
	draw_fit(&t, &c[1], "198.51.100.0/24");
	draw_fit(&t, &c[1], "10.0.0.0/8");
	assert_int_equal(c[1].max, 15);
	draw_layout(c, 4, 80, w);
	assert_int_equal(w[1], 15);
	assert_int_equal(total_width(w, 4), 80);
	/* A whole IPv6 prefix does not fit beside the rest at 60: hidden,
	 * where a plain column would have been cut to its minimum. */
	draw_fit(&t, &c[1], "2001:db8:1234:5678:9abc:def0:1234:0/112");
	draw_layout(c, 4, 60, w);
	assert_int_equal(w[1], 0);
	draw_layout(c, 4, 200, w);
	assert_int_equal(w[1], 39);
}

/* The header marks the sort column's direction, cutting its title. */
static void
test_header_sort(void **state)
{
	struct tui	 t;
	SCREEN		*sp;
	FILE		*out, *in;
	char		 buf[128];
	const struct draw_col c[] = {
		{ "Branch", 8, 8, 0, 0 },
		{ "Sess", 4, 4, 0, DC_RIGHT | DC_DESC },
		{ "State", 8, 8, 0, 0 },
	};
	int		 w[3];

	sp = screen_open(&out, &in);
	memset(&t, 0, sizeof t);
	t.ascii = 1;
	getmaxyx(stdscr, t.sy, t.sx);
	draw_layout(c, 3, 22, w);
	/* Most first (DC_DESC) is "v"; "Sess" in 4 columns: "Sesv". */
	draw_header_sort(&t, 0, c, 3, w, 1, 0);
	row_text(0, 0, 22, buf);
	assert_string_equal(buf, "Branch   Sesv State   ");
	draw_header_sort(&t, 0, c, 3, w, 1, 1);
	row_text(0, 0, 22, buf);
	assert_string_equal(buf, "Branch   Ses^ State   ");
	/* A name column sorts A first ("^"), reversed Z first ("v"). */
	draw_header_sort(&t, 0, c, 3, w, 0, 0);
	row_text(0, 0, 22, buf);
	assert_string_equal(buf, "Branch^  Sess State   ");
	draw_header_sort(&t, 0, c, 3, w, 2, 1);
	row_text(0, 0, 22, buf);
	assert_string_equal(buf, "Branch   Sess Statev  ");
	/* No sort column: the plain header. */
	draw_header(&t, 0, c, 3, w);
	row_text(0, 0, 22, buf);
	assert_string_equal(buf, "Branch   Sess State   ");

	screen_close(sp, out, in);
}

static void
test_roles(void **state)
{
	/* Every state has a role and a marker; down is never "ok". */
	assert_int_equal(draw_state_role(BGP_ESTABLISHED), CR_OK);
	assert_int_equal(draw_state_role(BGP_ACTIVE), CR_CRIT);
	assert_int_equal(draw_state_role(BGP_UNKNOWN), CR_STALE);
	assert_int_equal(draw_red_role(RED_DOWN), CR_CRIT);
	assert_int_equal(draw_red_role(RED_DEGRADED), CR_WARN);
	assert_int_equal(draw_red_role(RED_NOBACKUP), CR_WARN);
	assert_int_equal(draw_red_role(RED_REDUNDANT), CR_OK);
	assert_int_equal(draw_level_role(LVL_CRITICAL), CR_CRIT);
	assert_int_equal(draw_level_role(LVL_WARNING), CR_WARN);
	assert_int_equal(draw_red_glyph(RED_DOWN), GL_DOWN);
	assert_int_equal(draw_state_glyph(BGP_ESTABLISHED), GL_UP);
}

static void
test_scroll(void **state)
{
	size_t	cur, top;

	cur = 15;
	top = 0;
	draw_scroll(&cur, &top, 20, 10);
	assert_int_equal(cur, 15);
	assert_int_equal(top, 6);
	cur = 50;
	draw_scroll(&cur, &top, 20, 10);
	assert_int_equal(cur, 19);
	assert_int_equal(top, 10);
	cur = 3;
	draw_scroll(&cur, &top, 20, 10);
	assert_int_equal(top, 3);
	draw_scroll(&cur, &top, 0, 10);
	assert_int_equal(cur, 0);
	assert_int_equal(top, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_80),
		cmocka_unit_test(test_layout_200),
		cmocka_unit_test(test_layout_narrow),
		cmocka_unit_test(test_glyphs),
		cmocka_unit_test(test_glyphs_distinct),
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_draw_bidi),
		cmocka_unit_test(test_draw_text),
		cmocka_unit_test(test_elide),
		cmocka_unit_test(test_layout_addr),
		cmocka_unit_test(test_header_sort),
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_scroll),
	};

	utf8_ok = setlocale(LC_ALL, "C.UTF-8") != NULL ||
	    setlocale(LC_ALL, "en_US.UTF-8") != NULL;
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
