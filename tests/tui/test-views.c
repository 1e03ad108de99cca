/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the views that show route monitoring: the Prefixes view
 * (tui/view-prefixes.c), the routed edge in the Overview and the Map, and
 * the source column of the Sessions view.  The model comes from a real
 * configuration (config_parse_buffer) with the route monitor's derived
 * fields set by hand, as core/routemon.c would set them; each view draws
 * on a real curses screen (vt100 on /dev/null) resized to 80x24 or
 * 200x50, and the test reads the cells back.
 */

#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/collector.h"
#include "core/condition.h"
#include "core/config.h"
#include "core/eval.h"
#include "core/latency-mon.h"
#include "core/replay.h"
#include "core/store.h"
#include "core/vrp.h"
#include "tui/tui.h"

static const char views_conf[] =
    "partner \"daisy-net\" as 64496 {\n"
    "  session \"daisy-22\" neighbor 198.51.100.22 router \"r58\" "
    "edge lax role primary\n"
    "  session \"daisy-86\" neighbor 198.51.100.86 router \"r58\" "
    "edge lax role primary\n"
    "  session \"daisy-44\" neighbor 203.0.113.44 router \"r58\" "
    "edge sea role backup\n"
    "}\n"
    "branch \"daisy-hq\" {\n"
    "  partner \"daisy-net\"\n"
    "  address 192.0.2.10\n"
    "  location 47.61 -122.33\n"
    "  prefix 100.105.30.0/24 origin 64496\n"
    "  prefix 100.105.31.0/24 origin 65001\n"
    "  prefix 100.105.99.0/24 origin 64496\n"
    "  prefix 203.0.113.20/30 origin 64496\n"
    "}\n"
    "branch \"quiet-branch\" {\n"
    "  partner \"daisy-net\"\n"
    "  address 192.0.2.20\n"
    "  location 34.05 -118.24\n"
    "  prefix 192.0.2.0/24 origin 64496\n"
    "}\n";

struct fixture {
	struct model	*m;
	struct tui	 t;
	struct collector *c;
	SCREEN		*sp;
	FILE		*out, *in;
	int		 sea, lax;
};

static void
prefix_state(struct branch_prefix *p, unsigned flags, unsigned np,
    unsigned nb, uint32_t best, const char *path, const char *carried,
    const char *problem)
{
	p->seen = 1;
	p->flags = flags;
	p->nprimary = np;
	p->nprimary_total = 2;
	p->nbackup = nb;
	p->nbackup_total = 1;
	p->best_origin = best;
	strlcpy_pt(p->best_path, path, sizeof p->best_path);
	strlcpy_pt(p->carried, carried, sizeof p->carried);
	strlcpy_pt(p->problem, problem, sizeof p->problem);
	p->since_ms = now_wall_ms() - 75 * 1000;
}

static int
setup(void **state)
{
	struct fixture	*f;
	struct edge	 sea = { .code = "sea", .metro = "Seattle",
	    .country = "US", .lat = 47.61, .lon = -122.33 };
	struct edge	 lax = { .code = "lax", .metro = "Los Angeles",
	    .country = "US", .lat = 34.05, .lon = -118.24 };
	struct branch	*b;
	char		*cause = NULL;
	size_t		 i;

	f = xcalloc(1, sizeof *f);
	f->m = model_new();
	f->sea = model_edge_set(f->m, &sea);
	f->lax = model_edge_set(f->m, &lax);
	if (config_parse_buffer(f->m, "views.conf", views_conf,
	    strlen(views_conf), &cause) != 0)
		fail_msg("config: %s", cause);
	assert_int_equal(f->m->nbranches, 2);

	/* As geo_place_branches() and health would leave them. */
	for (i = 0; i < f->m->nbranches; i++) {
		b = f->m->branches[i];
		b->loc = LOC_CONFIG;
		b->lat = b->cfg_lat;
		b->lon = b->cfg_lon;
		b->nearest = i == 0 ? f->sea : f->lax;
		b->nearest_km = 1;
		b->routed = -1;
		b->sessions_up = b->sessions_total = 3;
		assert_non_null(b->partner);
	}
	f->m->partners[0]->red = RED_REDUNDANT;
	/* A BMP collector reports every session. */
	f->c = xcalloc(1, sizeof *f->c);
	f->c->ops = &collector_bmp;
	for (i = 0; i < f->m->nsessions; i++) {
		f->m->sessions[i]->state = BGP_ESTABLISHED;
		f->m->sessions[i]->source = f->c;
		strlcpy_pt(f->m->sessions[i]->proto, "r58",
		    sizeof f->m->sessions[i]->proto);
	}

	/* As the route monitor would leave them. */
	b = f->m->branches[0];
	prefix_state(&b->prefixes[0], PFX_NOBACKUP | PFX_NO8007, 2, 0, 64496,
	    "4226809914 64496", "daisy-22 daisy-86",
	    "not announced on backup daisy-44");
	prefix_state(&b->prefixes[1], PFX_ORIGIN | PFX_NO8007, 2, 0, 64496,
	    "4226809914 64496", "daisy-22 daisy-86",
	    "origin AS64496, registered AS65001");
	b->prefixes[1].bad_origin = 64496;
	prefix_state(&b->prefixes[2], PFX_INVISIBLE, 0, 0, 0, "", "",
	    "not announced on any session");
	prefix_state(&b->prefixes[3], 0, 2, 1, 64496, "4226809914 64496",
	    "daisy-22 daisy-86 daisy-44", "");
	b->prefixes[3].best_session = 0;
	b->routed = f->lax;
	b->suboptimal = 1;

	f->out = fopen("/dev/null", "w");
	f->in = fopen("/dev/null", "r");
	assert_non_null(f->out);
	assert_non_null(f->in);
	f->sp = newterm("vt100", f->out, f->in);
	if (f->sp == NULL) {
		fclose(f->out);
		fclose(f->in);
		model_free(f->m);
		free(f->c);
		free(f);
		return (-1);
	}
	f->t.model = f->m;
	f->t.ascii = 1;
	f->t.view = &view_prefixes;
	*state = f;
	return (0);
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	if (f == NULL)
		return (0);
	tui_views_free(&f->t);
	endwin();
	delscreen(f->sp);
	fclose(f->out);
	fclose(f->in);
	model_free(f->m);
	free(f->c);
	free(f);
	return (0);
}

/* A terminal of w x h, blank. */
static void
size(struct fixture *f, int w, int h)
{
	resizeterm(h, w);
	getmaxyx(stdscr, f->t.sy, f->t.sx);
	assert_int_equal(f->t.sx, w);
	assert_int_equal(f->t.sy, h);
	erase();
}

/* Row y as text, trailing blanks cut; non-ASCII cells read '#'. */
static char *
row(int y, char *buf, size_t len)
{
	int	 x, n = COLS;
	chtype	 c;

	if ((size_t)n >= len)
		n = (int)len - 1;
	for (x = 0; x < n; x++) {
		c = mvinch(y, x) & A_CHARTEXT;
		buf[x] = (c >= 0x20 && c < 0x7f) ? (char)c : '#';
	}
	while (x > 0 && buf[x - 1] == ' ')
		x--;
	buf[x] = '\0';
	return (buf);
}

/* The first row from y0 to y1 containing s, or -1. */
static int
find(int y0, int y1, const char *s)
{
	char	 buf[512];
	int	 y;

	for (y = y0; y < y1; y++) {
		if (strstr(row(y, buf, sizeof buf), s) != NULL)
			return (y);
	}
	return (-1);
}

/* Put view idx's cursor on a row by number, as a cursor key does. */
static void
cursor_to(struct fixture *f, size_t idx, size_t row)
{
	f->t.cursor[idx] = row;
	f->t.selected[idx][0] = '\0';
}

/* TEST_VIEWS_DUMP=1 prints every screen drawn, to look at layouts. */
static void
draw_view(struct fixture *f, const struct view *v)
{
	char	 buf[512];
	int	 y;

	f->t.view = v;
	v->draw(&f->t, 1, f->t.sy - 2, f->t.sx);
	if (getenv("TEST_VIEWS_DUMP") == NULL)
		return;
	fprintf(stderr, "--- %s %dx%d\n", v->name, f->t.sx, f->t.sy);
	for (y = 0; y < f->t.sy; y++)
		fprintf(stderr, "|%s\n", row(y, buf, sizeof buf));
}

static void
test_prefixes_80(void **state)
{
	struct fixture	*f = *state;
	char		 buf[512];
	int		 y;

	size(f, 80, 24);
	draw_view(f, &view_prefixes);
	row(1, buf, sizeof buf);
	assert_non_null(strstr(buf, "Branch"));
	assert_non_null(strstr(buf, "Prefix"));
	assert_null(strstr(buf, "Origin"));
	assert_non_null(strstr(buf, "Pri"));
	assert_non_null(strstr(buf, "Bkp"));
	assert_non_null(strstr(buf, "State"));
	assert_non_null(strstr(buf, "AS path"));
	/* Since and the origins go at 80 (the path has the best one). */
	assert_null(strstr(buf, "Since"));
	assert_null(strstr(buf, "SeenAS"));
	assert_int_equal(view_prefixes.rows(&f->t), 5);

	/* Worst first: two critical problems, one, a warning, unseen, OK. */
	assert_non_null(strstr(row(2, buf, sizeof buf), "100.105.31.0/24"));
	assert_non_null(strstr(buf, "v hijack,no-8007"));
	assert_non_null(strstr(buf, "4226809914 64496"));
	assert_non_null(strstr(row(3, buf, sizeof buf), "100.105.99.0/24"));
	assert_non_null(strstr(buf, "invisible"));
	assert_non_null(strstr(buf, "0/2"));
	assert_non_null(strstr(row(4, buf, sizeof buf), "100.105.30.0/24"));
	assert_non_null(strstr(buf, "! no-backup,no-8007"));
	assert_non_null(strstr(buf, "2/2"));
	assert_non_null(strstr(buf, "0/1"));
	assert_non_null(strstr(row(5, buf, sizeof buf), "quiet-branch"));
	assert_non_null(strstr(buf, "? no data"));
	assert_non_null(strstr(row(6, buf, sizeof buf), "203.0.113.20/30"));
	assert_non_null(strstr(buf, "^ OK"));
	assert_non_null(strstr(buf, "1/1"));

	/* The selected row's problem in words on the last line. */
	row(22, buf, sizeof buf);
	assert_non_null(strstr(buf, "daisy-hq 100.105.31.0/24: origin "
	    "AS64496, registered AS65001"));
	/* Nothing past the body: the status row is untouched. */
	assert_string_equal(row(23, buf, sizeof buf), "");
	/* ASCII mode: nothing but ASCII (row() reads anything else '#'). */
	for (y = 1; y < 23; y++)
		assert_null(strchr(row(y, buf, sizeof buf), '#'));
}

static void
test_prefixes_200(void **state)
{
	struct fixture	*f = *state;
	char		 buf[512];

	size(f, 200, 50);
	draw_view(f, &view_prefixes);
	row(1, buf, sizeof buf);
	assert_non_null(strstr(buf, "Since"));
	assert_non_null(strstr(buf, "Origin"));
	assert_non_null(strstr(buf, "SeenAS"));
	assert_non_null(strstr(row(2, buf, sizeof buf), "65001"));
	/* since_ms is 75 s ago. */
	assert_true(find(2, 8, "1m15s") >= 0 || find(2, 8, "1m16s") >= 0);
}

static void
test_prefixes_filter(void **state)
{
	struct fixture	*f = *state;
	char		 buf[512];

	size(f, 80, 24);
	strlcpy_pt(f->t.filter, "INVISIBLE", sizeof f->t.filter);
	assert_int_equal(view_prefixes.rows(&f->t), 1);
	draw_view(f, &view_prefixes);
	assert_non_null(strstr(row(2, buf, sizeof buf), "100.105.99.0/24"));
	assert_string_equal(row(3, buf, sizeof buf), "");
	/* By session name (carried) and by branch. */
	strlcpy_pt(f->t.filter, "daisy-44", sizeof f->t.filter);
	assert_int_equal(view_prefixes.rows(&f->t), 2);
	strlcpy_pt(f->t.filter, "quiet", sizeof f->t.filter);
	assert_int_equal(view_prefixes.rows(&f->t), 1);
	strlcpy_pt(f->t.filter, "no-such-thing", sizeof f->t.filter);
	assert_int_equal(view_prefixes.rows(&f->t), 0);
	draw_view(f, &view_prefixes);
	assert_non_null(strstr(row(2, buf, sizeof buf),
	    "no prefix matches the filter"));
	/* Enter on nothing opens nothing. */
	assert_int_equal(view_prefixes_drill(&f->t), ACT_NONE);
	assert_int_equal(view_prefixes_paged(&f->t), 0);
	f->t.filter[0] = '\0';
}

/*
 * A prefix some of whose sessions' routes are unknown (their BMP router
 * went away): its own neutral glyph and words, never the OK ones, after
 * the real problems and before OK; the sessions unknown are counted as
 * such, not as missing; the problem names the prefix once.
 */
static void
test_prefixes_unknown(void **state)
{
	struct fixture		*f = *state;
	struct branch_prefix	*bp = &f->m->branches[0]->prefixes[3];
	size_t			 idx = (size_t)tui_view_index(&view_prefixes);
	char			 buf[512];
	int			 y;

	size(f, 80, 24);
	bp->nbackup = 0;
	bp->nunknown = bp->nbackup_unknown = 1;
	strlcpy_pt(bp->carried, "daisy-22 daisy-86", sizeof bp->carried);
	strlcpy_pt(bp->problem, "203.0.113.20/30: routes unknown since "
	    "14:02 (BMP from r58 closed); last seen: no problem",
	    sizeof bp->problem);
	f->m->sessions[2]->routes_lost = 1;
	draw_view(f, &view_prefixes);
	/* After the warning, before "no data" and OK. */
	assert_non_null(strstr(row(4, buf, sizeof buf), "100.105.30.0/24"));
	assert_non_null(strstr(row(5, buf, sizeof buf), "203.0.113.20/30"));
	assert_non_null(strstr(buf, "? unknown: src down"));
	assert_null(strstr(buf, "^"));
	assert_non_null(strstr(buf, "2/2"));
	assert_non_null(strstr(buf, "?/1"));
	assert_non_null(strstr(row(6, buf, sizeof buf), "quiet-branch"));

	/* The detail line: the prefix once, in words. */
	cursor_to(f, idx, 3);
	draw_view(f, &view_prefixes);
	row(22, buf, sizeof buf);
	assert_non_null(strstr(buf, "daisy-hq 203.0.113.20/30: routes "
	    "unknown since 14:02 (BMP from r58 closed)"));
	assert_null(strstr(strstr(buf, "/30") + 1, "203.0.113.20/30"));

	/* Some primaries known, some unknown: "1/2?". */
	bp->nprimary = 1;
	bp->nprimary_unknown = 1;
	bp->nunknown = 2;
	draw_view(f, &view_prefixes);
	assert_non_null(strstr(row(5, buf, sizeof buf), "1/2?"));

	/* The page: the session unknown is not "missing". */
	assert_int_equal(view_prefixes_drill(&f->t), ACT_REDRAW);
	draw_view(f, &view_prefixes);
	assert_true(find(2, 23, "Problem           routes unknown since "
	    "14:02") >= 0);
	assert_true((y = find(2, 23, "daisy-44")) >= 0);
	assert_non_null(strstr(row(y, buf, sizeof buf), "unknown (routes)"));
	assert_true(find(2, 23, "1/2? primary sessions carry it (? routes "
	    "unknown)") >= 0);
	assert_int_equal(view_prefixes_drill(&f->t), ACT_REDRAW);
	cursor_to(f, idx, 0);
	/* The fixture as it was, for the next tests. */
	prefix_state(bp, 0, 2, 1, 64496, "4226809914 64496",
	    "daisy-22 daisy-86 daisy-44", "");
	bp->nunknown = bp->nprimary_unknown = bp->nbackup_unknown = 0;
	f->m->sessions[2]->routes_lost = 0;
}

static void
test_prefixes_page(void **state)
{
	struct fixture	*f = *state;
	size_t		 idx = (size_t)tui_view_index(&view_prefixes);
	char		 buf[512];
	int		 y;

	size(f, 80, 24);
	cursor_to(f, idx, 0);
	assert_int_equal(view_prefixes_drill(&f->t), ACT_REDRAW);
	assert_int_equal(view_prefixes_paged(&f->t), 1);
	draw_view(f, &view_prefixes);
	assert_non_null(strstr(row(1, buf, sizeof buf),
	    "Prefix 100.105.31.0/24 of branch daisy-hq, partner daisy-net"));
	assert_true(find(2, 23, "hijack: announced from another origin AS")
	    >= 0);
	assert_true(find(2, 23, "no-8007: community 8075:8007 is missing")
	    >= 0);
	assert_true(find(2, 23, "Registered origin AS65001") >= 0);
	assert_true(find(2, 23, "Other origin seen AS64496") >= 0);
	assert_true(find(2, 23, "Best AS path      4226809914 64496") >= 0);
	assert_true(find(2, 23, "2/2 primary sessions carry it") >= 0);
	assert_true(find(2, 23, "0/1 backup sessions carry it") >= 0);
	assert_true(find(2, 23, "lax (Los Angeles), nearest sea: "
	    "SuboptimalRouting") >= 0);
	assert_true((y = find(2, 23, "daisy-22")) >= 0);
	assert_non_null(strstr(row(y, buf, sizeof buf), "carries it"));
	assert_true((y = find(2, 23, "daisy-44")) >= 0);
	assert_non_null(strstr(row(y, buf, sizeof buf), "missing"));
	assert_non_null(strstr(row(22, buf, sizeof buf), "Enter/Esc"));

	/* A long problem wraps over lines instead of being cut. */
	strlcpy_pt(f->m->branches[0]->prefixes[1].problem, "100.105.31.0/24 "
	    "on daisy-22: origin AS64496 is not the registered AS65001, and "
	    "the same on daisy-86 since the last announcement at the end",
	    sizeof f->m->branches[0]->prefixes[1].problem);
	draw_view(f, &view_prefixes);
	assert_true((y = find(2, 23, "Problem           100.105.31.0/24 on "
	    "daisy-22")) >= 0);
	assert_non_null(strstr(row(y + 1, buf, sizeof buf),
	    "                  "));
	assert_non_null(strstr(row(y + 1, buf, sizeof buf), "daisy-86"));
	assert_true(find(y + 1, y + 3, "at the end") >= 0);
	strlcpy_pt(f->m->branches[0]->prefixes[1].problem,
	    "origin AS64496, registered AS65001",
	    sizeof f->m->branches[0]->prefixes[1].problem);

	/* j on the page steps to the next prefix. */
	cursor_to(f, idx, 4);
	draw_view(f, &view_prefixes);
	assert_non_null(strstr(row(1, buf, sizeof buf), "203.0.113.20/30"));
	assert_true(find(2, 23, "Best session      daisy-22 (lax primary)")
	    >= 0);
	assert_true(find(2, 23, "^ OK") >= 0);

	/* Enter again: back to the list. */
	assert_int_equal(view_prefixes_drill(&f->t), ACT_REDRAW);
	assert_int_equal(view_prefixes_paged(&f->t), 0);
	erase();
	draw_view(f, &view_prefixes);
	assert_non_null(strstr(row(1, buf, sizeof buf), "AS path"));
	cursor_to(f, idx, 0);
}

/*
 * With VRPs, the first prefix's page gives its RPKI state from its
 * registered origin and the VRPs covering it (AS, maxLength, expiry), the
 * list its rpki-inv word; without, the page has no RPKI line.
 */
static void
test_prefixes_rpki(void **state)
{
	static const char	 json[] = "{\"roas\": [{\"asn\": 64999, "
	    "\"prefix\": \"100.105.0.0/16\", \"maxLength\": 24, \"ta\": \"t\", "
	    "\"expires\": 1900000000}]}";
	struct fixture		*f = *state;
	struct branch_prefix	*bp = &f->m->branches[0]->prefixes[1];
	size_t			 idx = (size_t)tui_view_index(&view_prefixes);
	struct vrp_set		*vs = vrp_set_new();
	struct vrp_index	*ix;
	char			*cause = NULL;
	unsigned		 was = bp->flags;

	size(f, 100, 40);
	cursor_to(f, idx, 0);
	assert_int_equal(view_prefixes_drill(&f->t), ACT_REDRAW);
	draw_view(f, &view_prefixes);
	assert_true(find(2, 39, "RPKI  ") < 0);

	if (vrp_set_load_buf(vs, "t.json", json, strlen(json), &cause) != 0)
		fail_msg("%s", cause);
	ix = vrp_index_new(vs);
	vrp_set_free(vs);
	f->m->vrps = ix;
	bp->flags |= PFX_RPKI_INVALID;
	draw_view(f, &view_prefixes);
	assert_true(find(2, 39, "RPKI              invalid-origin (AS65001)")
	    >= 0);
	assert_true(find(2, 39, "ROAs              100.105.0.0/16 max /24 "
	    "AS64999, expires 2030-") >= 0);
	assert_true(find(2, 39, "rpki-inv: a route for it or a more-specific "
	    "is RPKI invalid") >= 0);
	assert_int_equal(view_prefixes_drill(&f->t), ACT_REDRAW);
	erase();
	draw_view(f, &view_prefixes);
	assert_true(find(2, 39, "rpki-inv") >= 0);

	bp->flags = was;
	f->m->vrps = NULL;
	vrp_index_free(ix);
	cursor_to(f, idx, 0);
}

static void
test_overview_routed(void **state)
{
	struct fixture	*f = *state;
	char		 buf[512];
	int		 y;

	size(f, 80, 24);
	draw_view(f, &view_overview);
	row(1, buf, sizeof buf);
	assert_non_null(strstr(buf, "Nearest edge"));
	assert_non_null(strstr(buf, "Via"));
	assert_true((y = find(2, 22, "daisy-hq")) >= 0);
	assert_non_null(strstr(row(y, buf, sizeof buf), "lax *"));
	assert_true((y = find(2, 22, "quiet-branch")) >= 0);
	/* Routed edge unknown for quiet-branch: its nearest, no "lax *". */
	assert_non_null(strstr(row(y, buf, sizeof buf), "lax 1km"));
	assert_null(strstr(buf, "lax *"));
	/* The selected (first) row's detail line names the problem. */
	cursor_to(f, (size_t)tui_view_index(&view_overview),
	    (size_t)(find(2, 22, "daisy-hq") - 2));
	draw_view(f, &view_overview);
	/* Its hijacked prefix (the fixture's) is worse: said first. */
	assert_non_null(strstr(row(22, buf, sizeof buf),
	    "daisy-hq: X CRITICAL hijack 100.105.31.0/24; SuboptimalRouting"
	    " via lax"));

	/* Routed at the nearest edge: "sea =", nothing on the detail line. */
	f->m->branches[0]->routed = f->sea;
	f->m->branches[0]->suboptimal = 0;
	draw_view(f, &view_overview);
	assert_true((y = find(2, 22, "daisy-hq")) >= 0);
	assert_non_null(strstr(row(y, buf, sizeof buf), "sea ="));
	assert_null(strstr(row(22, buf, sizeof buf), "Suboptimal"));
	/* The filter finds a branch by its routed edge's condition. */
	f->m->branches[0]->routed = f->lax;
	f->m->branches[0]->suboptimal = 1;
	strlcpy_pt(f->t.filter, "suboptimal", sizeof f->t.filter);
	assert_int_equal(view_overview.rows(&f->t), 1);
	f->t.filter[0] = '\0';

	/* Some session's routes unknown: the edge last known, marked. */
	f->m->branches[0]->routed = f->sea;
	f->m->branches[0]->suboptimal = 0;
	f->m->branches[0]->prefixes[0].nunknown = 1;
	draw_view(f, &view_overview);
	assert_true((y = find(2, 22, "daisy-hq")) >= 0);
	assert_non_null(strstr(row(y, buf, sizeof buf), "sea ?"));
	assert_null(strstr(buf, "sea ="));
	f->m->branches[0]->prefixes[0].nunknown = 0;
	f->m->branches[0]->routed = f->lax;
	f->m->branches[0]->suboptimal = 1;
}

/* The map's cells (rows 1 .. 1+h) as one string. */
static char *
map_cells(int h)
{
	char	*all = xcalloc((size_t)h, 512);
	int	 y;

	for (y = 0; y < h; y++)
		row(1 + y, all + (size_t)y * 512, 512);
	return (all);
}

static void
test_map_routed(void **state)
{
	struct fixture	*f = *state;
	char		 buf[512], *with, *without;
	int		 y, differ = 0;

	size(f, 80, 24);
	view_map_region(&f->t, "World");
	f->t.map_mode = MAP_ASCII;
	draw_view(f, &view_map);
	/* The legend names the routed edge beside the nearest one. */
	assert_true(find(2, 23, "daisy-hq>sea 1km via lax*") >= 0);
	assert_true(find(2, 23, "quiet-branch>lax 1km ") >= 0);
	/* Zoomed on North America the dashed line to lax shows. */
	view_map_region(&f->t, "NA");
	erase();
	draw_view(f, &view_map);
	with = map_cells(19);
	f->m->branches[0]->routed = f->sea;
	f->m->branches[0]->suboptimal = 0;
	erase();
	draw_view(f, &view_map);
	without = map_cells(19);
	for (y = 0; y < 19; y++)
		differ += strcmp(with + y * 512, without + y * 512) != 0;
	assert_true(differ > 0);
	assert_true(find(2, 23, "daisy-hq>sea 1km ^") >= 0);
	free(with);
	free(without);

	/* Side panel at 200 columns: a Routed column. */
	f->m->branches[0]->routed = f->lax;
	f->m->branches[0]->suboptimal = 1;
	size(f, 200, 50);
	draw_view(f, &view_map);
	assert_true((y = find(1, 49, "Routed Redundancy")) >= 0);
	assert_true((y = find(1, 49, "daisy-hq")) >= 0);
	assert_non_null(strstr(row(y, buf, sizeof buf), "lax*"));
	assert_true(find(1, 49, "dashed: its routed edge") >= 0);
}

/*
 * A session whose BMP router went away: Unknown since then (not
 * "never"), with what was last known and why.
 */
static void
test_sessions_lost(void **state)
{
	struct fixture	*f = *state;
	struct session	*s = f->m->sessions[0];
	char		 buf[512];
	int		 y;

	size(f, 80, 24);
	s->state = BGP_UNKNOWN;
	s->known = BGP_ESTABLISHED;
	s->since_ms = now_wall_ms() - 125 * 1000;
	s->routes_lost = 1;
	strlcpy_pt(s->routes_why, "BMP from r58 closed", sizeof s->routes_why);
	draw_view(f, &view_sessions);
	assert_true((y = find(2, 22, "daisy-22")) >= 0);
	row(y, buf, sizeof buf);
	assert_non_null(strstr(buf, "Unknown"));
	assert_null(strstr(buf, "never"));
	assert_non_null(strstr(buf, "2m"));
	size(f, 200, 50);
	draw_view(f, &view_sessions);
	assert_true((y = find(2, 48, "daisy-22")) >= 0);
	assert_non_null(strstr(row(y, buf, sizeof buf),
	    "was Established; BMP from r58 closed"));
	s->state = BGP_ESTABLISHED;
	s->since_ms = 0;
	s->routes_lost = 0;
}

static void
test_sessions_source(void **state)
{
	struct fixture	*f = *state;
	char		 buf[512];
	int		 y;

	size(f, 200, 50);
	draw_view(f, &view_sessions);
	assert_non_null(strstr(row(1, buf, sizeof buf), "Src"));
	assert_true((y = find(2, 48, "daisy-22")) >= 0);
	assert_non_null(strstr(row(y, buf, sizeof buf), "primary bmp"));
	/* daisy-22 carries 3 of the 4 prefixes seen of its partner. */
	assert_non_null(strstr(row(48, buf, sizeof buf), "from bmp r58, "
	    "carries 3 of 4 registered prefixes"));
	/* The filter matches the source. */
	strlcpy_pt(f->t.filter, "bmp", sizeof f->t.filter);
	assert_int_equal(view_sessions.rows(&f->t), 3);
	f->t.filter[0] = '\0';
	/* RFC 9234 roles from the Peer Up OPENs, a mismatch said. */
	for (y = 0; y < (int)f->m->nsessions; y++)
		f->m->sessions[y]->role_sent =
		    f->m->sessions[y]->role_received = BGP_ROLE_PROVIDER;
	draw_view(f, &view_sessions);
	assert_non_null(strstr(row(48, buf, sizeof buf),
	    ", BGP role provider/provider (MISMATCH), from bmp r58"));
	for (y = 0; y < (int)f->m->nsessions; y++)
		f->m->sessions[y]->role_received = BGP_ROLE_CUSTOMER;
	draw_view(f, &view_sessions);
	assert_non_null(strstr(row(48, buf, sizeof buf),
	    ", BGP role provider/customer, from bmp r58"));
	for (y = 0; y < (int)f->m->nsessions; y++)
		f->m->sessions[y]->role_sent =
		    f->m->sessions[y]->role_received = BGP_ROLE_NONE;
}

/* /daisy-hq in Sessions: the sessions of the partner serving it. */
static void
test_sessions_filter_branch(void **state)
{
	struct fixture	*f = *state;
	size_t		 all;

	size(f, 80, 24);
	tui_set_view(&f->t, &view_sessions);
	tui_set_filter(&f->t, "");
	all = view_sessions.rows(&f->t);
	assert_true(all > 0);
	tui_set_filter(&f->t, "daisy-hq");
	assert_int_equal(view_sessions.rows(&f->t), all);
	tui_set_filter(&f->t, "no-such-branch");
	assert_int_equal(view_sessions.rows(&f->t), 0);
	tui_set_filter(&f->t, "");
	/* At 80 the role in three letters that say it: "bkp", not "bac". */
	draw_view(f, &view_sessions);
	assert_true(find(2, 21, " bkp") >= 0);
	assert_int_equal(find(2, 21, " bac"), -1);
}

/*
 * Enter on a session whose BMP collector knows no such peer (here: no
 * router connected) has no page to open: it goes to the events, and a
 * page left open by a stream that went away falls back to the list.
 */
static void
test_sessions_drill_no_peer(void **state)
{
	struct fixture	*f = *state;

	size(f, 80, 24);
	tui_set_view(&f->t, &view_sessions);
	cursor_to(f, (size_t)tui_view_index(&view_sessions), 0);
	view_sessions_set_page(&f->t, 1);
	draw_view(f, &view_sessions);
	assert_int_equal(view_sessions_paged(&f->t), 0);
	assert_true(find(1, 2, "PfxRcd") >= 0);
	assert_int_equal(view_sessions_drill(&f->t), ACT_REDRAW);
	assert_int_equal(view_sessions_paged(&f->t), 0);
	assert_ptr_equal(f->t.view, &view_events);
	assert_string_equal(f->t.filter, "daisy-22");
	f->t.filter[0] = '\0';
}

static void
test_help_lists_prefixes(void **state)
{
	struct fixture	*f = *state;

	size(f, 80, 24);
	/* The help lines of the key table, first screen at 80x24. */
	f->t.cursor[tui_view_index(&view_help)] = 0;
	draw_view(f, &view_help);
	assert_true(find(1, 23, "Prefixes, worst first") >= 0);
	/* Scrolled to the end: the legend, after the views' own keys. */
	f->t.cursor[tui_view_index(&view_help)] = view_help.rows(&f->t);
	erase();
	draw_view(f, &view_help);
	assert_true(find(1, 23, "Legend: map and text") >= 0);
	/* 80 lines from the end: issue 14's commands and legend and
	 * issue 17's Turn-up view and :turnup after it. */
	f->t.cursor[tui_view_index(&view_help)] = view_help.rows(&f->t) - 81;
	erase();
	draw_view(f, &view_help);
	assert_true(find(1, 23, "Prefixes view") >= 0);
	assert_true(find(1, 23, "prefix details (again: back)") >= 0);
	size(f, 200, 50);
	f->t.cursor[tui_view_index(&view_help)] = 0;
	draw_view(f, &view_help);
}

/*
 * Every binding of every key table shows in the help, under its table's
 * heading: the global keys, replay's, then each view's own under its
 * title, in the order of the tabs.
 */
static void
test_help_lists_tables(void **state)
{
	struct fixture			*f = *state;
	const struct key_table		*kt;
	const struct key_binding	*kb;
	char				 text[64], heading[64];
	size_t				 i, j, shown = 0;

	size(f, 200, 50);
	f->t.cursor[tui_view_index(&view_help)] = 0;
	draw_view(f, &view_help);
	assert_true(find(1, 49, "Global keys") >= 0);
	assert_true(find(1, 49, "Replay keys (-r, z)") >= 0);
	for (i = 0; i < tui_nviews + 2; i++) {
		kt = i == 0 ? &keys_global : i == 1 ? &keys_replay :
		    tui_views[i - 2]->keys;
		if (kt == NULL)
			continue;
		if (i >= 2) {
			snprintf(heading, sizeof heading, "%s view",
			    tui_views[i - 2]->title);
			assert_true(find(1, 49, heading) >= 0);
		}
		for (j = 0; j < kt->n; j++) {
			kb = &kt->bindings[j];
			assert_non_null(kb->action);
			if (kb->help == NULL)
				continue;
			/* Long texts are cut to the column: their start. */
			snprintf(text, sizeof text, " %-8s %.20s", kb->keyname,
			    kb->help);
			if (find(1, 49, text) < 0)
				fail_msg("help lacks \"%s\"", text);
			shown++;
		}
	}
	assert_true(shown > 40);
	/* The views without keys of their own have no heading. */
	assert_true(find(1, 49, "Help view") < 0);
	/* ^L is a binding like any other, shown as such. */
	kb = keys_find(&keys_global, KEY_CTRL('L'));
	assert_non_null(kb);
	assert_true(kb->flags & KB_ANYSIZE);
	assert_int_equal(kb->action(&f->t, kb), ACT_REDRAW | ACT_REPAINT);
}

/*
 * A filter that matches nothing: each table view's first row says so
 * (draw_empty_row()), and the rows under it are blank.
 */
static void
test_tables_filter_empty(void **state)
{
	static const struct {
		const struct view	*v;
		const char		*text;
	} views[] = {
		{ &view_overview, "no branch matches the filter" },
		{ &view_sessions, "no session matches the filter" },
		{ &view_events, "no event matches the filter" },
		{ &view_prefixes, "no prefix matches the filter" },
	};
	struct fixture	*f = *state;
	char		 buf[512];
	size_t		 i;

	size(f, 80, 24);
	strlcpy_pt(f->t.filter, "no-such-thing", sizeof f->t.filter);
	for (i = 0; i < sizeof views / sizeof views[0]; i++) {
		assert_int_equal(views[i].v->rows(&f->t), 0);
		erase();
		draw_view(f, views[i].v);
		assert_string_equal(row(2, buf, sizeof buf), views[i].text);
		assert_string_equal(row(3, buf, sizeof buf), "");
	}
	f->t.filter[0] = '\0';
}

/*
 * Latency (issue 4) through the model's own path: daisy-hq gets ten
 * replies from sea, 10.0 to 19.0 ms (median 14.5), and ten probes to lax
 * of which the 4th and 8th are lost and the rest take 30.0 ms (Loss%
 * 20.0); lax is its routed edge, so lax is the Overview's link.  Ten
 * seconds of samples ending now, inside the 5 minute window.
 */
static void
latency_fill(struct fixture *f)
{
	struct branch	*b = f->m->branches[0];
	int64_t		 now = now_wall_ms();
	int		 i;

	if (b->nlinks > 0)
		return;
	for (i = 0; i < 10; i++) {
		latency_mon_sample(f->m, b, f->sea, "192.0.2.1", LAT_PROBE,
		    now - (10 - i) * 1000, (10 + i) * 1000);
		latency_mon_sample(f->m, b, f->lax, "192.0.2.2", LAT_PROBE,
		    now - (10 - i) * 1000 + 500, i == 3 || i == 7 ? -1 :
		    30000);
	}
	eval_run(f->m, now_wall_ms());
	assert_int_equal(b->nlinks, 2);
	assert_int_equal(b->lat_nearest, f->sea);
	assert_true(b->links[b->lat_main]->edge_idx == f->lax);
}

/* A 5% loss threshold and one more loss: lax raises LossHigh (3 of 11). */
static void
latency_loss(struct fixture *f)
{
	struct branch	*b = f->m->branches[0];

	latency_fill(f);
	if (b->links[b->lat_main]->flags & LAT_F_LOSS)
		return;
	f->m->lat.th.loss_pct = 5;
	latency_mon_sample(f->m, b, f->lax, "192.0.2.2", LAT_PROBE,
	    now_wall_ms(), -1);
	eval_run(f->m, now_wall_ms());
	assert_true(b->links[b->lat_main]->flags & LAT_F_LOSS);
}

static void
test_overview_latency(void **state)
{
	struct fixture	*f = *state;
	char		 buf[512];
	int		 y;

	f->m->branches[0]->routed = f->lax;
	f->m->branches[0]->suboptimal = 0;
	latency_fill(f);

	/* 80 columns: Loss% and Avg stay; Lat, Snt and Best give way. */
	size(f, 80, 24);
	draw_view(f, &view_overview);
	row(1, buf, sizeof buf);
	assert_non_null(strstr(buf, "Redundancy  Loss%  Avg"));
	assert_null(strstr(buf, "Lat"));
	assert_null(strstr(buf, "Best"));
	assert_true((y = find(2, 22, "daisy-hq")) >= 0);
	assert_non_null(strstr(row(y, buf, sizeof buf), "REDUNDANT 20.0% "
	    "30.0"));
	/* quiet-branch has no latency data: dashes. */
	assert_true((y = find(2, 22, "quiet-branch")) >= 0);
	assert_non_null(strstr(row(y, buf, sizeof buf), "REDUNDANT     -"
	    "    -"));

	/* 120 columns: every mtr column but StDev (Health took its room),
	 * and the trend; StDev from 130. */
	size(f, 120, 30);
	draw_view(f, &view_overview);
	row(1, buf, sizeof buf);
	assert_non_null(strstr(buf, "Loss%  Snt  Last  Avg  Best  Wrst "
	    "Trend"));
	size(f, 130, 30);
	draw_view(f, &view_overview);
	row(1, buf, sizeof buf);
	assert_non_null(strstr(buf, "Loss%  Snt  Last  Avg  Best  Wrst "
	    "StDev Trend"));
	assert_true((y = find(2, 28, "daisy-hq")) >= 0);
	row(y, buf, sizeof buf);
	assert_non_null(strstr(buf, "lax * sea = "));
	assert_non_null(strstr(buf, " 20.0%   10  30.0 30.0  30.0  30.0   "
	    "0.0 "));

	/* The trend: ten seconds of a 5 minute window fill its last slice. */
	assert_int_equal(buf[strlen(buf) - 1], '_');
	assert_non_null(strstr(buf, "0.0        _"));

	/* LossHigh from a 5% threshold: first of its state, said below. */
	latency_loss(f);
	cursor_to(f, (size_t)tui_view_index(&view_overview), 0);
	draw_view(f, &view_overview);
	assert_non_null(strstr(row(2, buf, sizeof buf), "daisy-hq"));
	assert_non_null(strstr(row(28, buf, sizeof buf),
	    "LossHigh lax 27.3%;"));
	strlcpy_pt(f->t.filter, "losshigh", sizeof f->t.filter);
	assert_int_equal(view_overview.rows(&f->t), 1);
	f->t.filter[0] = '\0';
}

/* Enter on daisy-hq: the Branch detail with its graph and mtr table. */
/*
 * Issue 12: routing is judged against the edges the partner can deliver
 * at.  The backup's sea session shut (AdminDown, its own glyph, "_" in
 * ASCII): the nearest edge sea cannot take traffic, so lax is the
 * reference: "lax =" in the Overview, not the suboptimal "lax *", and
 * the branch detail names both nearests.
 */
static void
test_branch_deliverable(void **state)
{
	struct fixture	*f = *state;
	struct branch	*b = f->m->branches[0];
	char		 buf[512];
	size_t		 idx = (size_t)tui_view_index(&view_overview);
	int		 y, lat_sub = b->lat_suboptimal;

	model_session_find(f->m, "daisy-44")->state = BGP_ADMIN_DOWN;
	b->suboptimal = b->lat_suboptimal = 0;
	size(f, 80, 24);
	tui_set_view(&f->t, &view_overview);
	draw_view(f, &view_overview);
	assert_true((y = find(2, 22, "daisy-hq")) >= 0);
	assert_non_null(strstr(row(y, buf, sizeof buf), "lax ="));
	assert_null(strstr(buf, "lax *"));
	cursor_to(f, idx, (size_t)(y - 2));
	assert_int_equal(view_overview_drill(&f->t), ACT_REDRAW);
	erase();
	draw_view(f, &view_branch);
	assert_non_null(strstr(row(2, buf, sizeof buf), "Nearest edge sea 1km "
	    "(its sessions there are down); nearest deliverable lax "));
	assert_non_null(strstr(row(3, buf, sizeof buf), "By latency"));
	assert_null(strstr(buf, "SuboptimalRouting"));
	assert_true(find(4, 23, " _ daisy-44       AdminDown") >= 0);
	/* Up again: sea is the reference, the line as before. */
	model_session_find(f->m, "daisy-44")->state = BGP_ESTABLISHED;
	erase();
	draw_view(f, &view_branch);
	assert_non_null(strstr(row(2, buf, sizeof buf), "Nearest sea 1km   "));
	b->suboptimal = 1;
	b->lat_suboptimal = lat_sub;
	tui_set_view(&f->t, &view_overview);
}

/*
 * Branch detail with VRPs: each prefix's row starts with the RPKI state
 * of its registered origin (a ROA of 100.105.0.0/16 up to /24 for
 * AS65001); none without VRPs.
 */
static void
branch_rpki(struct fixture *f)
{
	static const char	 json[] = "{\"roas\": [{\"asn\": 65001, "
	    "\"prefix\": \"100.105.0.0/16\", \"maxLength\": 24, "
	    "\"ta\": \"t\"}]}";
	struct vrp_set		*vs = vrp_set_new();
	struct vrp_index	*ix;
	char			*cause = NULL, buf[512];
	int			 y;

	assert_true((y = find(1, 49, "100.105.31.0/24")) >= 0);
	assert_null(strstr(row(y, buf, sizeof buf), "RPKI"));
	if (vrp_set_load_buf(vs, "t.json", json, strlen(json), &cause) != 0)
		fail_msg("%s", cause);
	ix = vrp_index_new(vs);
	vrp_set_free(vs);
	f->m->vrps = ix;
	draw_view(f, &view_branch);
	assert_true((y = find(1, 49, "100.105.31.0/24")) >= 0);
	assert_non_null(strstr(row(y, buf, sizeof buf), "100.105.31.0/24    "
	    "RPKI valid, "));
	f->m->vrps = NULL;
	vrp_index_free(ix);
}

static void
test_branch_detail(void **state)
{
	struct fixture	*f = *state;
	char		 buf[512];
	size_t		 idx = (size_t)tui_view_index(&view_overview);
	int		 y, g;

	latency_loss(f);
	size(f, 80, 24);
	tui_set_view(&f->t, &view_overview);
	draw_view(f, &view_overview);
	cursor_to(f, idx, (size_t)(find(2, 22, "daisy-hq") - 2));
	assert_int_equal(view_overview_drill(&f->t), ACT_REDRAW);
	assert_ptr_equal(f->t.view, &view_branch);
	assert_ptr_equal(view_branch_shown(&f->t), f->m->branches[0]);
	/* The graph starts on the Overview's link, lax. */
	assert_int_equal(f->t.cursor[tui_view_index(&view_branch)],
	    (size_t)f->m->branches[0]->lat_main);
	erase();
	draw_view(f, &view_branch);

	assert_non_null(strstr(row(1, buf, sizeof buf), "daisy-hq"));
	assert_non_null(strstr(row(2, buf, sizeof buf), "Nearest sea 1km   "
	    "By latency sea 14.5 ms   Routed lax"));
	assert_non_null(strstr(row(3, buf, sizeof buf), "Partner daisy-net "
	    "AS64496"));
	assert_true((g = find(4, 23, "Latency lax 192.0.2.2 probe  [live 5m] "
	    "exact")) >= 0);
	/* ASCII graph: the axis, medians, the loss row with loss marks. */
	assert_true(find(g, 23, "*") > g);
	assert_true((y = find(g, 23, " loss|")) >= 0);
	assert_non_null(strpbrk(row(y, buf, sizeof buf) + 6, "-+#x"));
	assert_true(find(y, 23, "ms+") == y + 1);
	assert_true(find(y, 23, "now") == y + 1);
	/* mtr's table at 80: the core columns, a row per link. */
	assert_true((y = find(g, 23, "Edge")) > g);
	row(y, buf, sizeof buf);
	assert_non_null(strstr(buf, "Loss%"));
	assert_non_null(strstr(buf, "Snt"));
	assert_non_null(strstr(buf, "Med"));
	assert_non_null(strstr(buf, "Flags"));
	assert_true(find(y + 1, y + 3, "sea") >= 0);
	/* The target whole and no wider; a loss over the threshold is
	 * marked ("+" in ASCII), not only coloured. */
	assert_non_null(strstr(row(find(y + 1, y + 3, "sea"), buf,
	    sizeof buf), "192.0.2.1   0.0%     10    19.0   14.5   10.0   "
	    "19.0"));
	assert_non_null(strstr(row(find(y + 1, y + 3, "lax"), buf,
	    sizeof buf), "192.0.2.2 27.3%+     11    30.0   30.0   30.0   "
	    "30.0    0.0   30.0 LOSS"));
	/* Sessions below, with their state in words. */
	assert_true(find(y + 3, 23, "Sessions") >= 0);
	assert_true(find(y + 3, 23, "daisy-22") >= 0);
	assert_true(find(y + 3, 23, "Established") >= 0);

	/* j: the other link is graphed. */
	f->t.cursor[tui_view_index(&view_branch)] = 0;
	assert_int_equal(view_branch_link(&f->t, 1), ACT_REDRAW);
	assert_int_equal(view_branch_link(&f->t, 1), ACT_REDRAW);
	draw_view(f, &view_branch);
	assert_true(find(4, 23, "Latency sea 192.0.2.1 probe") >= 0);
	/* No store: the span stays on the live window. */
	view_branch_span(&f->t, 1);
	assert_string_equal(view_branch_span_name(&f->t), "live");

	/* 160x50: every column, events beside the lists. */
	size(f, 160, 50);
	draw_view(f, &view_branch);
	assert_true((y = find(1, 49, "Src    Loss%")) >= 0);
	row(y, buf, sizeof buf);
	assert_true(strncmp(buf, "Edge    Target", 14) == 0);
	assert_non_null(strstr(buf, "StDev"));
	assert_non_null(strstr(buf, "p95"));
	assert_non_null(strstr(buf, "Jttr"));
	assert_non_null(strstr(buf, "Src"));
	assert_true(find(y, 49, "Recent events") >= 0);
	assert_true(find(y, 49, "LossHigh") >= 0);
	branch_rpki(f);

	/* Enter: the partner's sessions; Esc goes back to the Overview. */
	assert_int_equal(view_branch_drill(&f->t), ACT_REDRAW);
	assert_ptr_equal(f->t.view, &view_sessions);
	assert_string_equal(f->t.filter, "daisy-net");
	f->t.filter[0] = '\0';
	tui_set_view(&f->t, &view_overview);
}

/* A branch without latency data says so, in the graph and the table. */
static void
test_branch_nodata(void **state)
{
	struct fixture	*f = *state;

	size(f, 80, 24);
	assert_int_equal(view_branch_open(&f->t, f->m->branches[1]),
	    ACT_REDRAW);
	erase();
	draw_view(f, &view_branch);
	assert_true(find(1, 23, "Latency: no data") >= 0);
	assert_true(find(1, 23, "no latency data") >= 0);
	assert_true(find(1, 23, "By latency -") >= 0);
	/* The plot is empty: no median or loss glyph anywhere. */
	assert_true(find(1, 23, "|*") < 0);
	assert_int_equal(view_branch_link(&f->t, 1), ACT_NONE);
	tui_set_view(&f->t, &view_overview);
}

/* A fresh history file's name (nothing there yet); and its removal. */
static void
temp_db(char *db, size_t len)
{
	const char	*tmp = getenv("TMPDIR");
	char		 path[256];
	int		 fd;

	snprintf(path, sizeof path, "%s/test-views-XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	snprintf(db, len, "%s.db", path);
}

static void
temp_db_remove(const char *db)
{
	char	 side[310];

	unlink(db);
	snprintf(side, sizeof side, "%s-wal", db);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", db);
	unlink(side);
}

/*
 * History: samples in a real store, the graph's 1h span reads them back
 * through store_latency_buckets() (raw samples: exact).
 */
static void
test_branch_history(void **state)
{
	struct fixture	*f = *state;
	struct store	*st;
	struct latlink	*l;
	char		 db[300], *cause = NULL;
	int64_t		 now = now_wall_ms();
	int		 i, g;

	latency_fill(f);
	temp_db(db, sizeof db);
	st = store_open(db, 0, &cause);
	if (st == NULL)
		fail_msg("store: %s", cause);
	for (i = 0; i < 60; i++)
		assert_int_equal(store_latency_sample(st,
		    now - (60 - i) * 60000, "daisy-hq", "lax", "192.0.2.2",
		    "probe", i % 10 == 0 ? -1 : (40 + i % 5) * 1000), 0);
	for (i = 0; i < 60; i++)
		assert_int_equal(store_latency_sample(st,
		    now - (60 - i) * 60000, "daisy-hq", "sea", "192.0.2.1",
		    "probe", (80 + i % 5) * 1000), 0);
	assert_int_equal(store_flush(st, &cause), 0);

	size(f, 80, 24);
	view_branch_open(&f->t, f->m->branches[0]);
	f->t.store = st;
	assert_int_equal(view_branch_span(&f->t, 1), ACT_REDRAW);
	assert_string_equal(view_branch_span_name(&f->t), "1h");
	erase();
	draw_view(f, &view_branch);
	assert_true((g = find(1, 23, "Latency lax 192.0.2.2 probe  [1h] "
	    "exact")) >= 0);
	/* 40 to 44 ms: the axis tops at 50, the medians are drawn. */
	assert_true(find(g, g + 3, "   50|") >= 0);
	assert_true(find(g, 23, "*") >= 0);
	/* No label at the span's start, where the axis begins. */
	assert_true(find(g, 23, "-1h") < 0);
	assert_true(find(g, 23, "-30m") >= 0 || find(g, 23, "-20m") >= 0);
	/*
	 * Replay frees the links and allocates them again on each load: a
	 * link of other names at the graphed one's address (here: the same
	 * link renamed) must get its own history, not the cached columns.
	 */
	l = f->m->branches[0]->links[f->t.cursor[tui_view_index(
	    &view_branch)]];
	assert_int_equal(l->edge_idx, f->lax);
	l->edge_idx = f->sea;
	strlcpy_pt(l->target, "192.0.2.1", sizeof l->target);
	erase();
	draw_view(f, &view_branch);
	assert_true((g = find(1, 23, "Latency sea 192.0.2.1 probe  [1h] "
	    "exact")) >= 0);
	assert_true(find(g, g + 3, "   50|") < 0);
	assert_true(find(g, g + 3, "  100|") >= 0);
	l->edge_idx = f->lax;
	strlcpy_pt(l->target, "192.0.2.2", sizeof l->target);
	/* Back round to live, then S goes the other way to 7d. */
	view_branch_span(&f->t, -1);
	view_branch_span(&f->t, -1);
	assert_string_equal(view_branch_span_name(&f->t), "7d");
	draw_view(f, &view_branch);
	assert_true(find(1, 23, "[7d]") >= 0);
	view_branch_span(&f->t, 1);	/* round to live again */
	assert_string_equal(view_branch_span_name(&f->t), "live");
	f->t.store = NULL;
	store_close(st);
	temp_db_remove(db);
	tui_set_view(&f->t, &view_overview);
}

/* The map's colour for a link against the thresholds. */
static void
test_map_latency(void **state)
{
	struct fixture		*f = *state;
	struct lat_thresholds	 th = { 100000, 5.0, 20000 };
	struct latlink		 l;
	char			 buf[512], *all;
	int			 y, n;

	memset(&l, 0, sizeof l);
	assert_int_equal(view_map_lat_role(&th, NULL, CR_STALE), CR_STALE);
	assert_int_equal(view_map_lat_role(&th, &l, CR_WARN), CR_WARN);
	l.sent = 10;
	assert_int_equal(view_map_lat_role(&th, &l, CR_OK), CR_CRIT);
	l.received = 10;
	l.median_us = 50000;
	assert_int_equal(view_map_lat_role(&th, &l, CR_STALE), CR_OK);
	l.median_us = 80000;		/* over 3/4 of 100 ms */
	assert_int_equal(view_map_lat_role(&th, &l, CR_STALE), CR_WARN);
	l.median_us = 100001;
	assert_int_equal(view_map_lat_role(&th, &l, CR_STALE), CR_CRIT);
	l.median_us = 50000;
	l.received = 9;
	l.loss_pct = 10;
	assert_int_equal(view_map_lat_role(&th, &l, CR_STALE), CR_CRIT);
	l.loss_pct = 2;
	assert_int_equal(view_map_lat_role(&th, &l, CR_STALE), CR_WARN);
	l.loss_pct = 0;
	l.received = 10;
	l.flags = LAT_F_SHIFT;
	assert_int_equal(view_map_lat_role(&th, &l, CR_STALE), CR_WARN);
	l.flags = LAT_F_HIGH;
	assert_int_equal(view_map_lat_role(&th, &l, CR_STALE), CR_CRIT);
	/* Thresholds off: only loss colours the link. */
	memset(&th, 0, sizeof th);
	l.flags = 0;
	l.median_us = 900000;
	assert_int_equal(view_map_lat_role(&th, &l, CR_STALE), CR_OK);

	/* The side panel: the nearest edge's median and loss. */
	latency_fill(f);
	size(f, 200, 50);
	view_map_region(&f->t, "World");
	draw_view(f, &view_map);
	assert_true(find(1, 49, "Redundancy   Median  Loss%") >= 0);
	assert_true((y = find(1, 49, "daisy-hq")) >= 0);
	assert_non_null(strstr(row(y, buf, sizeof buf), "14.5   0.0%"));
	assert_true((y = find(1, 49, "quiet-branch")) >= 0);
	assert_non_null(strstr(row(y, buf, sizeof buf), "-      -"));

	/*
	 * Mono too: a lossy link's line carries the threshold glyph ("+"
	 * in ASCII, the arrow in UTF-8) half way.  daisy-hq's
	 * line to lax (LossHigh) across North America, as if lax were its
	 * nearest edge; with sea (no loss, 1 km away) nothing is marked.
	 */
	latency_loss(f);
	size(f, 80, 24);
	f->t.map_mode = MAP_ASCII;
	view_map_region(&f->t, "NA");
	draw_view(f, &view_map);
	all = map_cells(19);
	for (y = 0; y < 19; y++)
		assert_null(strchr(all + y * 512, '+'));
	free(all);
	f->m->branches[0]->nearest = f->lax;
	erase();
	draw_view(f, &view_map);
	all = map_cells(19);
	for (y = 0, n = 0; y < 19; y++)
		n += strchr(all + y * 512, '+') != NULL;
	assert_int_equal(n, 1);
	free(all);
	f->m->branches[0]->nearest = f->sea;
}

/*
 * A history written by the store (daisy-22 Established at t0, Idle at
 * t0 + 60 s, an event with it) replayed into a second model from the
 * same configuration: the Sessions view and the replay bar at t0 + 30 s
 * and after t, the events ring up to the shown time, Enter on an event.
 */
static void
test_replay_views(void **state)
{
	struct fixture	*f = *state;
	struct store	*st;
	struct replay	*r;
	struct model	*m2;
	struct session	*s, ghost;
	struct event	 ev;
	char		 db[300], buf[512], *cause = NULL;
	int64_t		 t0 = now_wall_ms() - 3600000;
	int		 y;

	setenv("TZ", "UTC", 1);
	tzset();
	temp_db(db, sizeof db);
	if ((st = store_open(db, 0, &cause)) == NULL)
		fail_msg("store: %s", cause);
	s = f->m->sessions[0];
	s->state = BGP_ESTABLISHED;
	assert_int_equal(store_session_state(st, s, BGP_UNKNOWN, t0), 0);
	s->state = BGP_IDLE;
	assert_int_equal(store_session_state(st, s, BGP_ESTABLISHED,
	    t0 + 60000), 0);
	/* A session the configuration does not have (any more). */
	ghost = *s;
	strlcpy_pt(ghost.name, "ghost-1", sizeof ghost.name);
	assert_int_equal(store_session_state(st, &ghost, BGP_UNKNOWN,
	    t0 + 60000), 0);
	memset(&ev, 0, sizeof ev);
	ev.time_ms = t0 + 60000;
	ev.level = LVL_ERROR;
	strlcpy_pt(ev.type, "SessionDown", sizeof ev.type);
	strlcpy_pt(ev.subject, "session daisy-22", sizeof ev.subject);
	strlcpy_pt(ev.summary, "daisy-22 went down", sizeof ev.summary);
	assert_int_equal(store_event(st, &ev), 0);
	assert_int_equal(store_flush(st, &cause), 0);
	store_close(st);
	s->state = BGP_ESTABLISHED;

	if ((r = replay_open(db, &cause)) == NULL)
		fail_msg("replay: %s", cause);
	m2 = model_new();
	for (y = 0; (size_t)y < f->m->nedges; y++)
		model_edge_set(m2, &f->m->edges[y]);
	if (config_parse_buffer(m2, "views.conf", views_conf,
	    strlen(views_conf), &cause) != 0)
		fail_msg("config: %s", cause);
	f->t.model = f->m;
	/* Branch detail follows its branch into the replayed model. */
	view_branch_open(&f->t, f->m->branches[1]);
	assert_int_equal(tui_replay_start(&f->t, r, m2, NULL, db, 0, 0,
	    t0 + 30000), ACT_REDRAW);
	assert_ptr_equal(f->t.model, m2);
	assert_ptr_equal(view_branch_shown(&f->t), m2->branches[1]);
	assert_ptr_equal(f->t.view, &view_branch);
	tui_set_view(&f->t, &view_sessions);
	assert_true(tui_replaying(&f->t));
	assert_int_equal(tui_now(&f->t), t0 + 30000);
	/* Before the first record: clamped to the span. */
	tui_replay_goto(&f->t, t0 - 3600000);
	assert_int_equal(tui_now(&f->t), t0);
	tui_replay_goto(&f->t, t0 + 30000);

	size(f, 80, 24);
	draw_view(f, &view_sessions);
	assert_true((y = find(2, 22, "daisy-22")) >= 0);
	assert_non_null(strstr(row(y, buf, sizeof buf), "Established"));
	tui_replay_draw_status(&f->t, 23);
	assert_non_null(strstr(row(23, buf, sizeof buf), " REPLAY "));
	assert_non_null(strstr(buf, "UTC"));
	assert_int_equal(m2->nevents, 0);

	/* t: the next change is the drop. */
	assert_int_equal(tui_replay_step(&f->t, 1), ACT_REDRAW);
	assert_int_equal(tui_now(&f->t), t0 + 60000);
	erase();
	draw_view(f, &view_sessions);
	assert_true((y = find(2, 22, "daisy-22")) >= 0);
	assert_non_null(strstr(row(y, buf, sizeof buf), "Idle"));
	assert_int_equal(m2->nevents, 1);
	tui_replay_draw_status(&f->t, 23);
	/* An Error event in the last cell of the ASCII timeline. */
	assert_non_null(strstr(row(23, buf, sizeof buf), "]"));
	/* ghost-1's row is counted, not shown. */
	assert_non_null(strstr(buf, " 1 unknown "));
	assert_int_equal(find(2, 22, "ghost-1"), -1);
	assert_non_null(strchr(buf, '['));
	/* No later change: said in the bar. */
	assert_int_equal(tui_replay_step(&f->t, 1), ACT_REDRAW);
	tui_replay_draw_status(&f->t, 23);
	assert_non_null(strstr(row(23, buf, sizeof buf), "no later change"));
	/* T goes back to the first row; ^ is the start too. */
	assert_int_equal(tui_replay_step(&f->t, -1), ACT_REDRAW);
	assert_int_equal(tui_now(&f->t), t0);
	assert_int_equal(m2->nevents, 0);
	/* Enter on the event: its time. */
	tui_replay_move(&f->t, REPLAY_MOVE_END);
	assert_int_equal(tui_now(&f->t), t0 + 60000);
	tui_replay_move(&f->t, REPLAY_MOVE_START);
	assert_int_equal(tui_replay_event(&f->t, &ev), ACT_REDRAW);
	assert_int_equal(tui_now(&f->t), t0 + 60000);
	/* b with a bad time says so and stays. */
	tui_replay_prompt(&f->t);
	tui_replay_key(&f->t, 'x');
	tui_replay_key(&f->t, '\r');
	tui_replay_draw_status(&f->t, 23);
	assert_non_null(strstr(row(23, buf, sizeof buf), "not a time"));
	assert_int_equal(tui_now(&f->t), t0 + 60000);

	tui_replay_stop(&f->t);
	assert_false(tui_replaying(&f->t));
	f->t.model = f->m;
	assert_ptr_equal(view_branch_rebind(&f->t, f->m), f->m->branches[1]);
	model_free(m2);
	temp_db_remove(db);
	tui_set_view(&f->t, &view_overview);
}

/*
 * A session reported only by BIRD's control socket (its state, never its
 * routes): the Prefix page says its routes are not reported by this
 * source, whole at 80 columns, in the neutral colour, never "missing";
 * in an attached viewer too, whose replica knows only the kinds.
 */
static void
test_prefixes_state_only(void **state)
{
	static const struct collector_ops bird = { .name = "bird" };
	struct fixture	*f = *state;
	struct session	*s = f->m->sessions[2];
	size_t		 idx = (size_t)tui_view_index(&view_prefixes);
	struct collector c;
	char		 buf[512];
	int		 y;

	memset(&c, 0, sizeof c);
	c.ops = &bird;
	s->srcs[0].c = &c;
	s->srcs[0].state = BGP_ESTABLISHED;
	s->nsrcs = 1;
	assert_true(session_routes_unreported(s));
	size(f, 80, 24);
	cursor_to(f, idx, 0);
	assert_int_equal(view_prefixes_drill(&f->t), ACT_REDRAW);
	draw_view(f, &view_prefixes);
	assert_true((y = find(2, 23, s->name)) >= 0);
	row(y, buf, sizeof buf);
	assert_non_null(strstr(buf, "not reported by this source"));
	assert_null(strstr(buf, "missing"));
	assert_int_equal(view_prefixes_drill(&f->t), ACT_REDRAW);
	s->nsrcs = 0;
	s->srcs[0].c = NULL;

	/* An attached viewer's replica: no sources, only their kinds. */
	strlcpy_pt(s->sources, "bird", sizeof s->sources);
	assert_true(session_routes_unreported(s));
	assert_int_equal(view_prefixes_drill(&f->t), ACT_REDRAW);
	draw_view(f, &view_prefixes);
	assert_true((y = find(2, 23, s->name)) >= 0);
	row(y, buf, sizeof buf);
	assert_non_null(strstr(buf, "not reported by this source"));
	assert_int_equal(view_prefixes_drill(&f->t), ACT_REDRAW);
	strlcpy_pt(s->sources, "bird+bmp", sizeof s->sources);
	assert_false(session_routes_unreported(s));
	s->sources[0] = '\0';
	assert_false(session_routes_unreported(s));
}

/* The Health cell of row y ("X CRIT"): its column, -1 if absent. */
static int
health_cell(int y, const char *word)
{
	char	 buf[512], *p;

	if ((p = strstr(row(y, buf, sizeof buf), word)) == NULL)
		return (-1);
	return ((int)(p - buf));
}

/* Every branch OK: sessions up, redundant, no prefix or link flag. */
static void
all_well(struct fixture *f)
{
	struct branch	*b;
	size_t		 i, j;

	f->m->partners[0]->red = RED_REDUNDANT;
	for (i = 0; i < f->m->nsessions; i++)
		f->m->sessions[i]->state = BGP_ESTABLISHED;
	for (i = 0; i < f->m->nbranches; i++) {
		b = f->m->branches[i];
		for (j = 0; j < b->nprefixes; j++)
			b->prefixes[j].flags = 0;
		for (j = 0; j < b->nlinks; j++)
			b->links[j]->flags = 0;
		b->suboptimal = b->lat_suboptimal = 0;
		b->sessions_up = b->sessions_total = 3;
	}
	/* Nothing open from the tests before (they count in health). */
	condition_clear(f->m);
}

/*
 * Issue 12: a branch's health (core/health.c) sorts the Overview and
 * heads the title bar.  quiet-branch sorts after daisy-hq by name; with
 * a hijacked prefix it is on top, and its row, the detail line and the
 * title bar say so, at 80 and 200 columns, in colour and in mono (the
 * glyph and word either way, colour only in colour).
 */
static void
test_overview_health(void **state)
{
	struct fixture	*f = *state;
	char		 buf[512], want[64];
	size_t		 idx = (size_t)tui_view_index(&view_overview);
	int		 w, mono, x;
	chtype		 c;

	tui_set_filter(&f->t, "");
	all_well(f);

	/* All well: by name, OK in words, the title bar on redundancy. */
	size(f, 80, 24);
	cursor_to(f, idx, 0);
	draw_view(f, &view_overview);
	tui_draw_title(&f->t);
	assert_non_null(strstr(row(1, buf, sizeof buf), "Branch        "
	    "Healthv Location"));
	assert_non_null(strstr(row(2, buf, sizeof buf), "daisy-hq"));
	assert_non_null(strstr(buf, "^ OK"));
	assert_non_null(strstr(row(3, buf, sizeof buf), "quiet-branch"));
	assert_non_null(strstr(row(0, buf, sizeof buf), "^ REDUNDANT"));

	/* A Warning (routing) on daisy-hq, Critical (hijack) on quiet. */
	f->m->branches[0]->routed = f->lax;
	f->m->branches[0]->suboptimal = 1;
	f->m->branches[1]->prefixes[0].flags = PFX_ORIGIN | PFX_NO8007;
	for (mono = 0; mono <= 1; mono++) {
		f->t.mono = mono;
		f->t.colors = !mono;
		for (w = 80; w <= 200; w += 120) {
			size(f, w, w == 80 ? 24 : 50);
			cursor_to(f, idx, 0);
			draw_view(f, &view_overview);
			tui_draw_title(&f->t);
			assert_non_null(strstr(row(2, buf, sizeof buf),
			    "quiet-branch"));
			assert_non_null(strstr(buf, w == 80 ? "X CRIT " :
			    "X CRIT hijack 192.0.2.0/24"));
			assert_non_null(strstr(row(3, buf, sizeof buf),
			    "daisy-hq"));
			assert_non_null(strstr(buf, "! WARN"));
			/* Redundancy still says REDUNDANT: not the worst. */
			assert_non_null(strstr(buf, "^ REDUNDANT"));
			assert_non_null(strstr(row(w == 80 ? 22 : 48, buf,
			    sizeof buf), "quiet-branch: X CRITICAL hijack "
			    "192.0.2.0/24;"));
			/* At 80 the other tabs give way to what and where. */
			assert_non_null(strstr(row(0, buf, sizeof buf),
			    " X CRITICAL: hijack 192.0.2.0/24 quiet-branch"));
			assert_non_null(strstr(buf, w == 80 ?
			    " 1 Overview  2  3  4  5  ? " : " 5 Prefixes "));
			assert_null(strstr(buf, "REDUNDANT"));

			/* Off the cursor, the cell's own attributes. */
			cursor_to(f, idx, 1);
			draw_view(f, &view_overview);
			assert_true((x = health_cell(2, "X CRIT")) > 0);
			c = mvinch(2, x);
			assert_true(c & A_BOLD);
			if (mono)
				assert_true((c & A_COLOR) == 0);
			else
				assert_true((c & A_COLOR) != 0);
		}
	}
	f->t.mono = 0;
	f->t.colors = 0;

	/*
	 * Words too long for the column: what is wrong without its subject
	 * (the detail line has both), not the level alone.
	 */
	f->m->branches[1]->prefixes[0].flags = PFX_SUBHIJACK;
	size(f, 200, 50);
	cursor_to(f, idx, 0);
	draw_view(f, &view_overview);
	assert_non_null(strstr(row(2, buf, sizeof buf), "quiet-branch"));
	/* 37 columns, the column has at most 30. */
	assert_non_null(strstr(buf, "X CRIT sub-prefix hijack "));
	f->m->branches[1]->prefixes[0].flags = 0;

	/* Over 80 columns the row still fits: nothing past the edge. */
	size(f, 80, 24);
	cursor_to(f, idx, 0);
	draw_view(f, &view_overview);
	assert_true(strlen(row(2, buf, sizeof buf)) <= 80);
	assert_non_null(strstr(buf, "REDUNDANT"));

	/*
	 * An open condition no branch judges (a collector down, Error)
	 * heads the title bar over redundancy, not over a Critical branch,
	 * and leaves it when it closes.
	 */
	f->m->branches[1]->prefixes[0].flags = 0;
	f->m->branches[0]->suboptimal = 0;
	model_eventf(f->m, "CollectorDown", LVL_ERROR, "collector bird t",
	    NULL, "bird t down");
	for (w = 80; w <= 200; w += 120) {
		size(f, w, w == 80 ? 24 : 50);
		draw_view(f, &view_overview);
		tui_draw_title(&f->t);
		assert_non_null(strstr(row(0, buf, sizeof buf),
		    " X ERROR: CollectorDown collector bird t"));
	}
	f->m->branches[1]->prefixes[0].flags = PFX_ORIGIN;
	draw_view(f, &view_overview);
	tui_draw_title(&f->t);
	assert_non_null(strstr(row(0, buf, sizeof buf), "hijack"));
	f->m->branches[1]->prefixes[0].flags = 0;
	model_eventf(f->m, "CollectorUp", LVL_INFO, "collector bird t", NULL,
	    "bird t up");
	draw_view(f, &view_overview);
	tui_draw_title(&f->t);
	assert_non_null(strstr(row(0, buf, sizeof buf), "^ REDUNDANT"));

	/*
	 * A partner DOWN is the worst, nobody has acknowledged it: at 80
	 * columns too the tabs give way so that its state and its name are
	 * on the title bar, beside the count (they were cut to "DOW...").
	 */
	f->m->partners[0]->red = RED_DOWN;
	model_eventf(f->m, "RedundancyDegraded", LVL_CRITICAL, "partner x",
	    NULL, "DOWN");
	for (w = 80; w <= 200; w += 120) {
		size(f, w, w == 80 ? 24 : 50);
		draw_view(f, &view_overview);
		tui_draw_title(&f->t);
		row(0, buf, sizeof buf);
		snprintf(want, sizeof want, " DOWN %s",
		    f->m->partners[0]->name);
		if (strstr(buf, want) == NULL)
			print_message("row 0 at %d: [%s]\n", w, buf);
		assert_non_null(strstr(buf, want));
		assert_non_null(strstr(buf, "unack'd"));
		assert_true(strlen(buf) <= (size_t)w);
	}
	f->m->partners[0]->red = RED_REDUNDANT;
	condition_clear(f->m);
}

/*
 * Issue 12: the selection follows the item.  quiet-branch selected, then
 * a hijack sorts it from the second row to the first: the cursor, the
 * detail line and Enter stay on quiet-branch (by row number they would
 * be daisy-hq).
 */
static void
test_select_follows_branch(void **state)
{
	struct fixture	*f = *state;
	char		 buf[512];
	size_t		 idx = (size_t)tui_view_index(&view_overview);

	tui_set_view(&f->t, &view_overview);
	tui_set_filter(&f->t, "");
	all_well(f);
	size(f, 80, 24);
	draw_view(f, &view_overview);
	assert_non_null(strstr(row(3, buf, sizeof buf), "quiet-branch"));
	cursor_to(f, idx, 1);
	draw_view(f, &view_overview);
	assert_non_null(strstr(row(22, buf, sizeof buf), "quiet-branch"));

	f->m->branches[1]->prefixes[0].flags = PFX_ORIGIN | PFX_NO8007;
	draw_view(f, &view_overview);
	assert_non_null(strstr(row(2, buf, sizeof buf), "quiet-branch"));
	assert_int_equal(f->t.cursor[idx], 0);
	assert_non_null(strstr(row(22, buf, sizeof buf), "quiet-branch:"));
	assert_int_equal(view_overview_drill(&f->t), ACT_REDRAW);
	assert_ptr_equal(view_branch_shown(&f->t), f->m->branches[1]);

	/* Back, and the hijack over: the same branch, now second again. */
	f->m->branches[1]->prefixes[0].flags = 0;
	tui_set_view(&f->t, &view_overview);
	draw_view(f, &view_overview);
	assert_int_equal(f->t.cursor[idx], 1);
	assert_non_null(strstr(row(22, buf, sizeof buf), "quiet-branch"));
}

/*
 * A LossHigh two minutes after the previous one, "follow-N" or
 * "scrolled-NN" (name "f" or "s"): events that far apart are no burst,
 * so each keeps its own row (view-events.c groups bursts).
 */
static void
apart_event(struct model *m, const char *name, int n)
{
	static int64_t	 t = 1700000000000LL;

	t += 120000;
	model_event_at(m, t, "LossHigh", LVL_WARNING, "", "", name[0] == 'f' ?
	    "follow-%d" : "scrolled-%02d", n);
}

/*
 * Issue 12: new events arrive at the top of the Events view; the event
 * selected stays selected (its row index moves down with it) and on the
 * status line.  By row number the cursor would be on a newer event.
 */
static void
test_select_follows_event(void **state)
{
	struct fixture		*f = *state;
	const struct event	*e;
	char			 buf[512];
	size_t			 idx = (size_t)tui_view_index(&view_events);
	int			 i;

	tui_set_view(&f->t, &view_events);
	tui_set_filter(&f->t, "follow-");
	for (i = 1; i <= 5; i++)
		apart_event(f->m, "f", i);
	size(f, 80, 24);
	cursor_to(f, idx, 2);
	draw_view(f, &view_events);
	assert_non_null((e = view_events_selected(&f->t)));
	assert_string_equal(e->summary, "follow-3");

	apart_event(f->m, "f", 6);
	apart_event(f->m, "f", 7);
	draw_view(f, &view_events);
	assert_int_equal(f->t.cursor[idx], 4);
	assert_non_null((e = view_events_selected(&f->t)));
	assert_string_equal(e->summary, "follow-3");
	assert_non_null(strstr(row(22, buf, sizeof buf), "follow-3"));
	/* The cursor row, visible, is follow-3's. */
	assert_non_null(strstr(row(2 + (int)(f->t.cursor[idx] -
	    f->t.scroll[idx]), buf, sizeof buf), "follow-3"));

	/* A key moves the selection: one down is the older follow-2. */
	assert_int_equal(keys_find(&keys_global, 'j')->action(&f->t,
	    keys_find(&keys_global, 'j')) & ACT_REDRAW, ACT_REDRAW);
	apart_event(f->m, "f", 8);
	draw_view(f, &view_events);
	assert_string_equal(view_events_selected(&f->t)->summary,
	    "follow-2");

	/* Scrolled down a long list, the selected row stays on its line
	 * of the screen while newer events arrive above it. */
	tui_set_filter(&f->t, "scrolled-");
	for (i = 1; i <= 30; i++)
		apart_event(f->m, "s", i);
	cursor_to(f, idx, 25);
	draw_view(f, &view_events);
	cursor_to(f, idx, 10);
	draw_view(f, &view_events);
	assert_int_equal(f->t.scroll[idx], 6);
	assert_non_null(strstr(row(2 + 4, buf, sizeof buf), "scrolled-20"));
	apart_event(f->m, "s", 31);
	apart_event(f->m, "s", 32);
	draw_view(f, &view_events);
	assert_int_equal(f->t.cursor[idx], 12);
	assert_non_null(strstr(row(2 + 4, buf, sizeof buf), "scrolled-20"));
	tui_set_filter(&f->t, "");
}

/*
 * Events newest first by their time, not by when they were added (a
 * latency event carries its sample's time); o with the selected event
 * not open goes to the newest row, not to the row number it had.
 */
static void
test_events_by_time(void **state)
{
	struct fixture	*f = *state;
	size_t		 idx = (size_t)tui_view_index(&view_events);
	int64_t		 t = 1810000000000LL;
	int		 late, early;

	size(f, 80, 24);
	tui_set_view(&f->t, &view_events);
	tui_set_filter(&f->t, "order-");
	model_event_at(f->m, t + 2000, "SessionUp", LVL_INFO, "session a",
	    NULL, "order-late");
	model_event_at(f->m, t, "LatencyShift", LVL_WARNING, "branch b",
	    NULL, "order-early");
	model_event_at(f->m, t + 1000, "SessionDown", LVL_ERROR, "session c",
	    NULL, "order-middle");
	model_event_at(f->m, t - 1000, "SessionUp", LVL_INFO, "session d",
	    NULL, "order-oldest");
	draw_view(f, &view_events);
	late = find(2, 22, "order-late");
	early = find(2, 22, "order-early");
	assert_true(late >= 0 && early >= 0);
	assert_true(late < find(2, 22, "order-middle"));
	assert_true(find(2, 22, "order-middle") < early);

	/* The oldest SessionUp (never open) selected, then o. */
	cursor_to(f, idx, 3);
	draw_view(f, &view_events);
	assert_true(find(1, 23, "SessionUp session d: order-oldest") >= 0);
	assert_int_equal(view_events_open_only(&f->t), ACT_REDRAW);
	assert_int_equal(f->t.cursor[idx], 0);
	draw_view(f, &view_events);
	assert_true(find(2, 22, "order-middle") >= 0);
	assert_int_equal(find(2, 22, "order-late"), -1);
	assert_int_equal(view_events_open_only(&f->t), ACT_REDRAW);
	tui_set_filter(&f->t, "");
	condition_clear(f->m);
}

/*
 * Issue 12, parts 3 and 4: a burst of 25 LossHigh is one row, so the
 * Critical before it stays on the second row at 80x24; the selection
 * stays on the burst as it grows; + and - unfold and fold it; o keeps
 * only what is open; Enter opens the event's page; the filter finds the
 * hijack by its branch, which its subject does not name.
 */
static void
test_events_burst(void **state)
{
	struct fixture	*f = *state;
	char		 buf[512];
	size_t		 idx = (size_t)tui_view_index(&view_events);
	int64_t		 t = 1800000000000LL;
	int		 i;

	tui_set_view(&f->t, &view_events);
	tui_set_filter(&f->t, "burst-");
	model_event_at(f->m, t, "PrefixOriginAsChangeEvent", LVL_CRITICAL,
	    "prefix 100.105.30.0/24", NULL, "burst-hijack");
	for (i = 1; i <= 25; i++)
		model_event_at(f->m, t + i * 1000, "LossHigh", LVL_WARNING,
		    "branch quiet-branch edge lax", NULL, "burst-loss-%d", i);
	size(f, 80, 24);
	cursor_to(f, idx, 0);
	draw_view(f, &view_events);
	assert_int_equal(find(2, 22, "LossHigh"), 2);
	assert_int_equal(find(3, 22, "LossHigh"), -1);
	assert_non_null(strstr(row(2, buf, sizeof buf), "25 in 24s"));
	assert_non_null(strstr(row(3, buf, sizeof buf), "CRIT"));
	/* Issue 14: its State (OPEN) between the type and the summary. */
	assert_non_null(strstr(row(3, buf, sizeof buf),
	    "PrefixOriginAsChangeEvent OPEN "));
	assert_non_null(strstr(buf, " burst-hijack"));

	/* The burst grows: its row stays selected. */
	model_event_at(f->m, t + 26000, "LossHigh", LVL_WARNING,
	    "branch quiet-branch edge lax", NULL, "burst-loss-26");
	draw_view(f, &view_events);
	assert_int_equal(f->t.cursor[idx], 0);
	assert_non_null(strstr(row(2, buf, sizeof buf), "26 in 25s"));

	/* + unfolds, - on a member folds and selects the burst again. */
	assert_int_equal(view_events_fold(&f->t, 0), ACT_REDRAW);
	assert_int_equal(view_events.rows(&f->t), 1 + 26 + 1);
	draw_view(f, &view_events);
	assert_non_null(strstr(row(3, buf, sizeof buf), "burst-loss-26"));
	cursor_to(f, idx, 5);
	assert_int_equal(view_events_fold(&f->t, -1), ACT_REDRAW);
	assert_int_equal(f->t.cursor[idx], 0);
	assert_int_equal(view_events.rows(&f->t), 2);

	/* o: the LossHigh still open (the newest: each followed the last)
	 * and the hijack, worst first since issue 14. */
	assert_int_equal(view_events_open_only(&f->t), ACT_REDRAW);
	assert_int_equal(view_events.rows(&f->t), 2);
	draw_view(f, &view_events);
	assert_non_null(strstr(row(2, buf, sizeof buf), "burst-hijack"));
	assert_non_null(strstr(row(3, buf, sizeof buf), "burst-loss-26"));
	assert_int_equal(view_events_open_only(&f->t), ACT_REDRAW);

	/* Enter on the hijack: its page, with the branch of its prefix. */
	cursor_to(f, idx, 1);
	assert_int_equal(view_events_drill(&f->t), ACT_REDRAW);
	assert_true(view_events_paged(&f->t));
	draw_view(f, &view_events);
	assert_true(find(1, 23, "Event #") >= 0);
	assert_true(find(1, 23, "OPEN for") >= 0);
	assert_true(find(1, 23, "daisy-hq") >= 0);
	assert_int_equal(view_events_drill(&f->t), ACT_REDRAW);
	assert_false(view_events_paged(&f->t));

	/* The filter finds it by that branch; the burst is quiet-branch's. */
	tui_set_filter(&f->t, "daisy-hq");
	draw_view(f, &view_events);
	assert_true(find(2, 22, "PrefixOriginAsChangeEvent") >= 0);
	assert_int_equal(find(2, 22, "burst-loss"), -1);
	tui_set_filter(&f->t, "");
}

/*
 * Issue 14: a burst of open problems is OPEN while one of them waits for
 * somebody, and says so once every open one is acknowledged.
 */
static void
test_events_burst_acked(void **state)
{
	struct fixture	*f = *state;
	char		 buf[512], *cause = NULL;
	size_t		 idx = (size_t)tui_view_index(&view_events);
	int64_t		 t = 1800000000000LL, id[3];
	int		 i;

	tui_set_view(&f->t, &view_events);
	tui_set_filter(&f->t, "acked-");
	for (i = 0; i < 3; i++) {
		model_event_at(f->m, t + i * 1000, "SessionDown", LVL_ERROR,
		    i == 0 ? "session a" : i == 1 ? "session b" : "session c",
		    NULL, "acked-%d", i);
		id[i] = model_event(f->m, f->m->nevents - 1)->id;
	}
	size(f, 80, 24);
	cursor_to(f, idx, 0);
	draw_view(f, &view_events);
	assert_non_null(strstr(row(2, buf, sizeof buf), "3 in 2s"));
	assert_non_null(strstr(buf, "OPEN"));
	for (i = 0; i < 2; i++)
		assert_int_equal(model_event_ack(f->m, id[i], "alice", NULL, 0,
		    &cause), 0);
	draw_view(f, &view_events);
	assert_non_null(strstr(row(2, buf, sizeof buf), "OPEN"));
	assert_int_equal(model_event_ack(f->m, id[2], "alice", NULL, 0,
	    &cause), 0);
	draw_view(f, &view_events);
	assert_null(strstr(row(2, buf, sizeof buf), "OPEN"));
	assert_non_null(strstr(buf, "ack'd"));
	tui_set_filter(&f->t, "");
}

/*
 * Issue 12: Enter opens the prefix selected, after an update re-sorted
 * the list under it (by row number it opened another branch's prefix).
 */
static void
test_select_follows_prefix(void **state)
{
	struct fixture		*f = *state;
	struct branch_prefix	*p = &f->m->branches[0]->prefixes[3], saved;
	char			 buf[512];
	size_t			 idx = (size_t)tui_view_index(&view_prefixes);
	size_t			 before;
	int			 y;

	saved = *p;
	tui_set_view(&f->t, &view_prefixes);
	tui_set_filter(&f->t, "");
	size(f, 80, 24);
	draw_view(f, &view_prefixes);
	assert_true((y = find(2, 22, "203.0.113.20/30")) >= 0);
	before = (size_t)(y - 2);
	cursor_to(f, idx, before);
	draw_view(f, &view_prefixes);

	prefix_state(p, PFX_ORIGIN | PFX_NO8007, 2, 0, 64511,
	    "4226809914 64511", "daisy-22 daisy-86",
	    "origin AS64511, registered AS64496");
	draw_view(f, &view_prefixes);
	assert_int_not_equal(f->t.cursor[idx], before);
	assert_non_null(strstr(row(2 + (int)(f->t.cursor[idx] -
	    f->t.scroll[idx]), buf, sizeof buf), "203.0.113.20/30"));
	assert_int_equal(view_prefixes_drill(&f->t), ACT_REDRAW);
	draw_view(f, &view_prefixes);
	assert_non_null(strstr(row(1, buf, sizeof buf),
	    "Prefix 203.0.113.20/30 of branch daisy-hq"));
	assert_int_equal(view_prefixes_drill(&f->t), ACT_REDRAW);
	*p = saved;
}

/* A sort key of the view's table, as pressed (, . F6 I). */
static void
sort_key(struct fixture *f, const struct view *v, int key)
{
	const struct key_binding *kb = keys_find(v->keys, key);

	assert_non_null(kb);
	f->t.view = v;
	assert_int_equal(kb->action(&f->t, kb), ACT_REDRAW);
}

/* The Sessions table's three rows, from the top. */
static void
sessions_order(const char *a, const char *b, const char *c)
{
	assert_int_equal(find(2, 5, a), 2);
	assert_int_equal(find(2, 5, b), 3);
	assert_int_equal(find(2, 5, c), 4);
}

/*
 * Issue 12: Sessions worst first (down, flapping, administratively down,
 * Established; by name within), re-sorted by a column with . and I, the
 * header marking it, the selection on its session throughout; ties in
 * the worst-first order.
 */
static void
test_sessions_sort(void **state)
{
	struct fixture	*f = *state;
	struct session	*s22 = f->m->sessions[0], *s86 = f->m->sessions[1];
	struct session	*s44 = f->m->sessions[2];
	char		 buf[512];
	size_t		 idx = (size_t)tui_view_index(&view_sessions);
	int		 i;

	tui_set_filter(&f->t, "");
	s86->state = BGP_ACTIVE;
	s86->flaps = 1;
	strlcpy_pt(s86->last_error, "Socket: Connection refused",
	    sizeof s86->last_error);
	s44->flapping = 1;
	s44->flaps = 7;
	s22->flaps = 1;
	size(f, 200, 50);
	cursor_to(f, idx, 0);
	draw_view(f, &view_sessions);
	assert_non_null(strstr(row(1, buf, sizeof buf), " Statev "));
	sessions_order("daisy-86", "daisy-44", "daisy-22");
	/* The down session's error first on the detail line. */
	assert_non_null(strstr(row(48, buf, sizeof buf), "daisy-86: Active, "
	    "last error: Socket: Connection refused; neighbor"));

	/* daisy-22 selected; . four times: Up/Down, PfxRcd, PfxSnt, Flaps. */
	cursor_to(f, idx, 2);
	draw_view(f, &view_sessions);
	for (i = 0; i < 4; i++)
		sort_key(f, &view_sessions, '.');
	draw_view(f, &view_sessions);
	assert_non_null(strstr(row(1, buf, sizeof buf), " Flapsv "));
	assert_null(strstr(buf, "Statev"));
	/* Most flaps first; daisy-86 and daisy-22 tie: the worst first. */
	sessions_order("daisy-44", "daisy-86", "daisy-22");
	assert_int_equal(f->t.cursor[idx], 2);
	assert_non_null(strstr(row(48, buf, sizeof buf), "daisy-22:"));
	/* I: fewest first, the tie still worst first. */
	sort_key(f, &view_sessions, 'I');
	draw_view(f, &view_sessions);
	assert_non_null(strstr(row(1, buf, sizeof buf), " Flaps^ "));
	sessions_order("daisy-86", "daisy-22", "daisy-44");
	assert_int_equal(f->t.cursor[idx], 1);
	assert_non_null(strstr(row(48, buf, sizeof buf), "daisy-22:"));
	/* , back to PfxSnt, in its own order again; F6 on to Flaps. */
	sort_key(f, &view_sessions, ',');
	draw_view(f, &view_sessions);
	assert_non_null(strstr(row(1, buf, sizeof buf), " PfxSntv "));
	sort_key(f, &view_sessions, KEY_F(6));
	draw_view(f, &view_sessions);
	assert_non_null(strstr(row(1, buf, sizeof buf), " Flapsv "));
	/* At 80 columns Flaps is not shown: . skips what is hidden. */
	size(f, 80, 24);
	sort_key(f, &view_sessions, '.');
	sort_key(f, &view_sessions, '.');
	draw_view(f, &view_sessions);
	assert_non_null(strstr(row(1, buf, sizeof buf), "Last erro^"));
	sort_key(f, &view_sessions, '.');
	draw_view(f, &view_sessions);
	assert_non_null(strstr(row(1, buf, sizeof buf), "Router^"));

	f->t.sort_col[idx] = f->t.sort_rev[idx] = 0;
	s86->state = BGP_ESTABLISHED;
	s86->last_error[0] = '\0';
	s86->flaps = s44->flaps = s22->flaps = 0;
	s44->flapping = 0;
}

/* Overview by name with . from Health, Z first with I; the rows' keys
 * keep the cursor on its branch. */
static void
test_overview_sort(void **state)
{
	struct fixture	*f = *state;
	char		 buf[512];
	size_t		 idx = (size_t)tui_view_index(&view_overview);

	tui_set_filter(&f->t, "");
	all_well(f);
	f->m->branches[1]->prefixes[0].flags = PFX_ORIGIN;
	size(f, 80, 24);
	cursor_to(f, idx, 0);
	draw_view(f, &view_overview);
	assert_non_null(strstr(row(2, buf, sizeof buf), "quiet-branch"));
	/* From Health (the default), , goes back to Branch: A first. */
	sort_key(f, &view_overview, ',');
	draw_view(f, &view_overview);
	assert_non_null(strstr(row(1, buf, sizeof buf), "Branch^ "));
	assert_non_null(strstr(row(2, buf, sizeof buf), "daisy-hq"));
	assert_non_null(strstr(row(3, buf, sizeof buf), "quiet-branch"));
	assert_int_equal(f->t.cursor[idx], 1);
	sort_key(f, &view_overview, 'I');
	draw_view(f, &view_overview);
	assert_non_null(strstr(row(2, buf, sizeof buf), "quiet-branch"));
	assert_int_equal(f->t.cursor[idx], 0);
	assert_non_null(strstr(row(22, buf, sizeof buf), "quiet-branch:"));

	f->t.sort_col[idx] = f->t.sort_rev[idx] = 0;
	f->m->branches[1]->prefixes[0].flags = 0;
}

/*
 * The Turn-up view at 80x24 in ASCII: the verdict and the worst check
 * above the table, the prefix failing in the Azure portal's words, RPKI
 * not checked, Enter on the prefix opening its page; without a turn-up,
 * how to set one.
 */
static void
test_turnup_view(void **state)
{
	struct fixture	*f = *state;
	size_t		 idx = (size_t)tui_view_index(&view_turnup);
	int		 y;

	size(f, 80, 24);
	f->t.turnup[0] = '\0';
	draw_view(f, &view_turnup);
	assert_true(find(1, 23, "No turn-up: start peertop with --turnup "
	    "PARTNER[/EDGE]") >= 0);

	strlcpy_pt(f->t.turnup, "daisy-net", sizeof f->t.turnup);
	f->t.cursor[idx] = f->t.scroll[idx] = 0;
	f->t.selected[idx][0] = '\0';
	erase();
	draw_view(f, &view_turnup);
	assert_int_equal(find(1, 2, " X daisy-net  failed, elapsed "), 1);
	assert_int_equal(find(2, 3, " worst: X prefix 100.105.30.0/24: Prefix "
	    "wasn't received on daisy-44"), 2);
	assert_int_equal(find(3, 4, "State          Check"), 3);
	assert_true(find(4, 22, "^ green        session daisy-22") >= 0);
	assert_true(find(4, 22, "? not checked  rpki") >= 0);
	assert_true((y = find(4, 22, "X failed       prefix 100.105.30.0/24"))
	    >= 0);
	/* Enter on it: the prefix's page. */
	f->t.cursor[idx] = (size_t)(y - 4);
	f->t.selected[idx][0] = '\0';
	assert_int_equal(view_turnup_drill(&f->t), ACT_REDRAW);
	assert_ptr_equal(f->t.view, &view_prefixes);
	assert_true(view_prefixes_paged(&f->t));
	assert_string_equal(f->t.selected[tui_view_index(&view_prefixes)],
	    "daisy-hq 100.105.30.0/24");
	view_prefixes_drill(&f->t);	/* closes the page */
	f->t.turnup[0] = '\0';
	f->t.view = &view_prefixes;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prefixes_80),
		cmocka_unit_test(test_prefixes_200),
		cmocka_unit_test(test_prefixes_filter),
		cmocka_unit_test(test_prefixes_page),
		cmocka_unit_test(test_prefixes_rpki),
		cmocka_unit_test(test_prefixes_unknown),
		cmocka_unit_test(test_prefixes_state_only),
		cmocka_unit_test(test_overview_routed),
		cmocka_unit_test(test_map_routed),
		cmocka_unit_test(test_sessions_source),
		cmocka_unit_test(test_sessions_lost),
		cmocka_unit_test(test_sessions_filter_branch),
		cmocka_unit_test(test_sessions_drill_no_peer),
		cmocka_unit_test(test_help_lists_prefixes),
		cmocka_unit_test(test_help_lists_tables),
		cmocka_unit_test(test_tables_filter_empty),
		cmocka_unit_test(test_overview_latency),
		cmocka_unit_test(test_branch_deliverable),
		cmocka_unit_test(test_branch_detail),
		cmocka_unit_test(test_branch_nodata),
		cmocka_unit_test(test_branch_history),
		cmocka_unit_test(test_map_latency),
		cmocka_unit_test(test_replay_views),
		cmocka_unit_test(test_overview_health),
		cmocka_unit_test(test_select_follows_branch),
		cmocka_unit_test(test_select_follows_event),
		cmocka_unit_test(test_events_by_time),
		cmocka_unit_test(test_events_burst),
		cmocka_unit_test(test_events_burst_acked),
		cmocka_unit_test(test_select_follows_prefix),
		cmocka_unit_test(test_sessions_sort),
		cmocka_unit_test(test_overview_sort),
		cmocka_unit_test(test_turnup_view),
	};

	setlocale(LC_ALL, "C");
	return (cmocka_run_group_tests(tests, setup, teardown));
}
