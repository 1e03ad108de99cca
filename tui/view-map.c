/* SPDX-License-Identifier: ISC */
/*
 * The map view: Natural Earth land outlines (tui->world) in an
 * equirectangular projection on a pixel canvas, Microsoft edges as
 * glyphs, branches as letters with a line to their nearest edge coloured
 * by their partner's redundancy and, when their routes go elsewhere, a
 * dashed line to the routed edge (the one whose session carries the best
 * path for their registered prefixes; yellow while SuboptimalRouting is
 * raised), and a legend (a line or two at the bottom on small terminals,
 * a side panel on wide ones).  Where latency to the nearest edge is
 * measured, its line is coloured by the link's median and loss against
 * the branch's thresholds instead (green, yellow, red; a "~" or "\u2191" at
 * the middle of the line says the same in mono), and the panel shows the
 * median and loss.  Zoom, pan,
 * region presets and the rendering mode are actions bound in keys.c;
 * they only change the view's state and ask for a redraw.
 *
 * Projection: one "unit" is a cell's width and a cell is two units tall
 * (terminal cells are about 1:2), so a degree of longitude and a degree
 * of latitude get the same number of units and shapes keep their
 * aspect in every mode, whatever the pixels per cell.
 */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/geo.h"
#include "core/latency-mon.h"
#include "core/util.h"
#include "tui/canvas.h"
#include "tui/graph.h"
#include "tui/tui.h"

#define MAP_LAT_TOP	85.0	/* zoom 1 shows this band of latitudes */
#define MAP_LAT_BOTTOM	-60.0
#define MAP_ZOOM_MIN	1.0
#define MAP_ZOOM_MAX	64.0
#define MAP_ZOOM_STEP	1.5
#define MAP_PANEL_MIN_W	150	/* side panel from this width */
#define MAP_PANEL_W	70
#define MAP_DASH	2	/* cells on, then off, of a dashed line */
#define MAP_COORD_MAX	1000000.0	/* clamp projected pixels */
#define MAP_STRETCH	1.35	/* most one axis may outscale the other */

/* Region presets: west, east, south, north. */
struct view_map_preset {
	const char	*name;
	double		 west, east, south, north;
};
static const struct view_map_preset view_map_presets[] = {
	{ "World",	-180.0,	180.0,	MAP_LAT_BOTTOM, MAP_LAT_TOP },
	{ "NA",		-168.0,	-52.0,	7.0,	72.0 },
	{ "SA",		-92.0,	-30.0,	-56.0,	14.0 },
	{ "EU",		-25.0,	45.0,	34.0,	71.0 },
	{ "AF",		-20.0,	55.0,	-36.0,	38.0 },
	{ "ME",		25.0,	65.0,	10.0,	43.0 },
	{ "APAC",	65.0,	180.0,	-48.0,	55.0 },
	{ "OC",		110.0,	180.0,	-48.0,	0.0 },
};

/* The view's own state (tui_view_data()): where it looks. */
struct view_map_state {
	double		 lon, lat;	/* centre */
	double		 zoom;		/* 1 = whole world */
};

/* The window of one draw: degrees to pixels. */
struct view_map_proj {
	double		 lon0, lat0;	/* top-left corner */
	double		 lon1, lat1;	/* bottom-right corner */
	double		 kx, ky;	/* pixels per degree */
};

static void	*view_map_init(struct tui *);
static void	view_map_enter(struct tui *);
static void	view_map_draw(struct tui *, int, int, int);
static struct view_map_state *view_map_check(struct tui *);
static void	view_map_set(struct view_map_state *,
		    const struct view_map_preset *);
static const char *view_map_region_name(struct tui *);
static void	view_map_window(struct tui *, const struct canvas *,
		    struct view_map_proj *);
static void	view_map_project(const struct view_map_proj *, double,
		    double, int *, int *);
static double	view_map_near(const struct view_map_proj *, double);
static void	view_map_fill(struct tui *, struct canvas *,
		    const struct view_map_proj *);
static int	view_map_cmp_double(const void *, const void *);
static void	view_map_land(struct tui *, struct canvas *,
		    const struct view_map_proj *);
static int	view_map_edge_used(struct tui *, size_t);
static void	view_map_edges(struct tui *, struct canvas *,
		    const struct view_map_proj *, int, int);
static void	view_map_branches(struct tui *, struct canvas *,
		    const struct view_map_proj *);
static void	view_map_link(struct canvas *, const struct view_map_proj *,
		    const struct branch *, const struct edge *, int,
		    enum color_role);
static void	view_map_dashed(struct canvas *, int, int, int, int,
		    enum color_role);
static int	view_map_clip(const struct canvas *, int *, int *, int *,
		    int *);
static int	view_map_routed_other(struct tui *, const struct branch *);
static void	view_map_routed_cell(struct tui *, const struct branch *,
		    int, char *, size_t);
static char	view_map_letter(size_t);
static enum color_role view_map_branch_role(const struct branch *);
static const struct latlink *view_map_latlink(const struct branch *, int);
static enum color_role view_map_line_role(struct tui *,
		    const struct branch *, const struct latlink **);
static void	view_map_ends(const struct view_map_proj *,
		    const struct branch *, const struct edge *, int *, int *,
		    int *, int *);
static void	view_map_mark(struct canvas *, const struct view_map_proj *,
		    const struct branch *, const struct edge *,
		    enum color_role, const char *);
static const char *view_map_glyph(struct tui *, enum glyph, int);
static int	view_map_place(struct canvas *, int, int, const char *,
		    enum color_role, int *);
static void	view_map_legend(struct tui *, int, int, int);
static void	view_map_panel(struct tui *, int, int, int, int);
static void	view_map_key(struct tui *, int, int, int, int);

const struct view view_map = {
	.name = "map",
	.title = "Map",
	.keys = &keys_map,
	.init = view_map_init,
	.enter = view_map_enter,
	.draw = view_map_draw,
	.rows = NULL,
};

/* The whole world to begin with. */
static void *
view_map_init(struct tui *tui)
{
	struct view_map_state	*vs;

	vs = xcalloc(1, sizeof *vs);
	view_map_set(vs, &view_map_presets[0]);
	return (vs);
}

/* The view's state, and a canvas mode the terminal can show. */
static struct view_map_state *
view_map_check(struct tui *tui)
{
	if (tui->ascii)
		tui->map_mode = MAP_ASCII;
	if ((unsigned)tui->map_mode >= CANVAS_NMODES)
		tui->map_mode = MAP_BRAILLE;
	return (tui_view_data(tui, &view_map));
}

static void
view_map_enter(struct tui *tui)
{
	view_map_check(tui);
}

/*
 * Centre on a box and zoom until it fits.  The zoom-1 window holds
 * 360 x 145 degrees at least (more on one axis, depending on the
 * terminal's shape), so zoom = min(360 / width, 145 / height) always
 * fits the box whatever the terminal size.
 */
static void
view_map_set(struct view_map_state *vs, const struct view_map_preset *p)
{
	double	zx, zy, z;

	zx = 360.0 / (p->east - p->west);
	zy = (MAP_LAT_TOP - MAP_LAT_BOTTOM) / (p->north - p->south);
	z = zx < zy ? zx : zy;
	if (z < MAP_ZOOM_MIN)
		z = MAP_ZOOM_MIN;
	if (z > MAP_ZOOM_MAX)
		z = MAP_ZOOM_MAX;
	vs->zoom = z;
	vs->lon = (p->west + p->east) / 2.0;
	vs->lat = (p->south + p->north) / 2.0;
}

int
view_map_zoom(struct tui *tui, int dir)
{
	struct view_map_state	*vs = view_map_check(tui);
	double			 z;

	z = vs->zoom;
	z = (dir > 0) ? z * MAP_ZOOM_STEP : z / MAP_ZOOM_STEP;
	if (z < MAP_ZOOM_MIN + 0.01) {
		/* All the way out: the whole world, centred. */
		view_map_set(vs, &view_map_presets[0]);
		return (ACT_REDRAW);
	}
	if (z > MAP_ZOOM_MAX)
		z = MAP_ZOOM_MAX;
	vs->zoom = z;
	return (ACT_REDRAW);
}

/* Move by a quarter of the zoom-1 window per step, scaled by zoom. */
int
view_map_pan(struct tui *tui, int dx, int dy)
{
	struct view_map_state	*vs = view_map_check(tui);

	vs->lon += dx * (360.0 / vs->zoom) / 4.0;
	vs->lat += dy * ((MAP_LAT_TOP - MAP_LAT_BOTTOM) / vs->zoom) / 4.0;
	/* Longitude wraps (the map is drawn around the antimeridian). */
	while (vs->lon > 180.0)
		vs->lon -= 360.0;
	while (vs->lon < -180.0)
		vs->lon += 360.0;
	if (vs->lat > MAP_LAT_TOP)
		vs->lat = MAP_LAT_TOP;
	if (vs->lat < MAP_LAT_BOTTOM)
		vs->lat = MAP_LAT_BOTTOM;
	return (ACT_REDRAW);
}

int
view_map_region(struct tui *tui, const char *name)
{
	struct view_map_state	*vs = view_map_check(tui);
	size_t			 i;

	for (i = 0; i < nitems(view_map_presets); i++) {
		if (strcasecmp(view_map_presets[i].name, name) == 0) {
			view_map_set(vs, &view_map_presets[i]);
			return (ACT_REDRAW);
		}
	}
	return (ACT_NONE);
}

int
view_map_cycle_mode(struct tui *tui)
{
	view_map_check(tui);
	if (tui->ascii)
		return (ACT_NONE);	/* only ASCII may reach the terminal */
	/* Braille, block, ASCII, as canvas_modes[] has them. */
	tui->map_mode = (enum map_mode)((tui->map_mode + 1) % CANVAS_NMODES);
	return (ACT_REDRAW);
}

/* The preset the view is showing, or NULL after a pan or zoom. */
static const char *
view_map_region_name(struct tui *tui)
{
	struct view_map_state	*vs = view_map_check(tui), t;
	size_t			 i;

	for (i = 0; i < nitems(view_map_presets); i++) {
		view_map_set(&t, &view_map_presets[i]);
		if (fabs(t.lon - vs->lon) < 1e-6 &&
		    fabs(t.lat - vs->lat) < 1e-6 &&
		    fabs(t.zoom - vs->zoom) < 1e-6)
			return (view_map_presets[i].name);
	}
	return (NULL);
}

/*
 * The window for a canvas: units per degree on each axis fill the area,
 * but one axis never outscales the other by more than MAP_STRETCH, so
 * continents keep their shapes on any terminal.
 */
static void
view_map_window(struct tui *tui, const struct canvas *c,
    struct view_map_proj *pr)
{
	struct view_map_state	*vs = view_map_check(tui);
	double			 bx, by, units_w, units_h, span_w, span_h;

	units_w = c->w;
	units_h = 2.0 * c->h;
	bx = units_w / 360.0;
	by = units_h / (MAP_LAT_TOP - MAP_LAT_BOTTOM);
	if (by > bx * MAP_STRETCH)
		by = bx * MAP_STRETCH;
	if (bx > by * MAP_STRETCH)
		bx = by * MAP_STRETCH;
	bx *= vs->zoom;
	by *= vs->zoom;
	span_w = units_w / bx;
	span_h = units_h / by;
	pr->lon0 = vs->lon - span_w / 2.0;
	pr->lon1 = vs->lon + span_w / 2.0;
	pr->lat0 = vs->lat + span_h / 2.0;
	pr->lat1 = vs->lat - span_h / 2.0;
	/* No rows past a pole while the other side has land to show. */
	if (span_h <= 180.0 && pr->lat0 > 90.0) {
		pr->lat1 -= pr->lat0 - 90.0;
		pr->lat0 = 90.0;
	} else if (span_h <= 180.0 && pr->lat1 < -90.0) {
		pr->lat0 += -90.0 - pr->lat1;
		pr->lat1 = -90.0;
	}
	pr->kx = bx * c->sx;
	pr->ky = by * c->sy / 2.0;
}

static void
view_map_project(const struct view_map_proj *pr, double lon, double lat,
    int *x, int *y)
{
	double	px, py;

	px = floor((lon - pr->lon0) * pr->kx);
	py = floor((pr->lat0 - lat) * pr->ky);
	if (px < -MAP_COORD_MAX)
		px = -MAP_COORD_MAX;
	if (px > MAP_COORD_MAX)
		px = MAP_COORD_MAX;
	if (py < -MAP_COORD_MAX)
		py = -MAP_COORD_MAX;
	if (py > MAP_COORD_MAX)
		py = MAP_COORD_MAX;
	*x = (int)px;
	*y = (int)py;
}

/* The copy of lon (lon - 360, lon, lon + 360) nearest the window. */
static double
view_map_near(const struct view_map_proj *pr, double lon)
{
	double	mid = (pr->lon0 + pr->lon1) / 2.0;

	while (lon - mid > 180.0)
		lon -= 360.0;
	while (mid - lon > 180.0)
		lon += 360.0;
	return (lon);
}

/*
 * Land outlines.  Each polyline is drawn up to three times, shifted by
 * a full turn, so views across the antimeridian (the Pacific) wrap;
 * the bounding boxes skip every copy outside the window.
 */
static void
view_map_land(struct tui *tui, struct canvas *c,
    const struct view_map_proj *pr)
{
	const struct world_line	*wl;
	size_t			 i, j;
	double			 shift;
	int			 k, x0, y0, x1, y1;

	for (i = 0; i < tui->world->nlines; i++) {
		wl = &tui->world->lines[i];
		if (wl->maxlat < pr->lat1 || wl->minlat > pr->lat0)
			continue;
		for (k = -1; k <= 1; k++) {
			shift = 360.0 * k;
			if (wl->maxlon + shift < pr->lon0 ||
			    wl->minlon + shift > pr->lon1)
				continue;
			view_map_project(pr, wl->pts[0].lon + shift,
			    wl->pts[0].lat, &x0, &y0);
			for (j = 1; j < wl->npts; j++) {
				view_map_project(pr, wl->pts[j].lon + shift,
				    wl->pts[j].lat, &x1, &y1);
				canvas_line(c, x0, y0, x1, y1, CR_LAND);
				x0 = x1;
				y0 = y1;
			}
		}
	}
}

/* Crossings of one pixel row with the land rings, for the fill. */
struct view_map_xs {
	double		*x;
	size_t		 n, size;
};

static int
view_map_cmp_double(const void *a, const void *b)
{
	double	da = *(const double *)a, db = *(const double *)b;

	return ((da > db) - (da < db));
}

/*
 * A light fill of the land: an even-odd scanline over every ring at
 * once (lakes are rings too, so they stay empty), setting every
 * fourth pixel of every fourth row (one dot per Braille cell, shifted
 * each row).  Sparse dots read as "land" under the solid coastline
 * without burying markers and lines.
 */
static void
view_map_fill(struct tui *tui, struct canvas *c,
    const struct view_map_proj *pr)
{
	const struct world_line	*wl;
	struct view_map_xs	 xs = { NULL, 0, 0 };
	double			 lat, shift, lat1, lat2, lon1, lon2, x;
	size_t			 i, j, k;
	int			 py, px, from, to, copy;

	for (py = 1; py < c->ph; py += 4) {
		lat = pr->lat0 - (py + 0.5) / pr->ky;
		xs.n = 0;
		for (i = 0; i < tui->world->nlines; i++) {
			wl = &tui->world->lines[i];
			if (lat < wl->minlat || lat > wl->maxlat)
				continue;
			for (copy = -1; copy <= 1; copy++) {
				shift = 360.0 * copy;
				if (wl->maxlon + shift < pr->lon0 ||
				    wl->minlon + shift > pr->lon1)
					continue;
				for (j = 0, k = wl->npts - 1; j < wl->npts;
				    k = j++) {
					lat1 = wl->pts[k].lat;
					lat2 = wl->pts[j].lat;
					if ((lat1 > lat) == (lat2 > lat))
						continue;
					lon1 = wl->pts[k].lon + shift;
					lon2 = wl->pts[j].lon + shift;
					x = lon1 + (lat - lat1) *
					    (lon2 - lon1) / (lat2 - lat1);
					if (xs.n == xs.size) {
						xs.size = xs.size ?
						    xs.size * 2 : 64;
						xs.x = xreallocarray(xs.x,
						    xs.size, sizeof *xs.x);
					}
					xs.x[xs.n++] = (x - pr->lon0) * pr->kx;
				}
			}
		}
		if (xs.n > 1)
			qsort(xs.x, xs.n, sizeof *xs.x, view_map_cmp_double);
		for (i = 0; i + 1 < xs.n; i += 2) {
			if (xs.x[i + 1] < 0 || xs.x[i] >= c->pw)
				continue;
			from = xs.x[i] < 0 ? 0 : (int)ceil(xs.x[i]);
			to = xs.x[i + 1] >= c->pw ? c->pw - 1 :
			    (int)floor(xs.x[i + 1]);
			for (px = from; px <= to; px++) {
				if ((px + py / 4) % 4 == 0)
					canvas_set(c, px, py, CR_LAND);
			}
		}
	}
	free(xs.x);
}

/* Does a configured session use edge idx? */
static int
view_map_edge_used(struct tui *tui, size_t idx)
{
	struct model	*m = tui->model;
	size_t		 i;

	for (i = 0; i < m->nsessions; i++) {
		if (m->sessions[i]->edge_idx >= 0 &&
		    (size_t)m->sessions[i]->edge_idx == idx)
			return (1);
	}
	return (0);
}

/*
 * A glyph for the canvas.  In ASCII map mode on a UTF-8 terminal the
 * glyph table still holds UTF-8, so fall back to the ASCII character.
 */
static const char *
view_map_glyph(struct tui *tui, enum glyph g, int ascii)
{
	const char	*s = draw_glyph(tui, g);

	if (ascii && (unsigned char)s[0] >= 0x80)
		return (draw_glyph_ascii(g));
	return (s);
}

/*
 * Put a marker at (cx, cy), or in the nearest free cell around it when
 * something is already there.  Returns the column used (and the row in
 * *rowp when not NULL), -1 if there was no room.
 */
static int
view_map_place(struct canvas *c, int cx, int cy, const char *s,
    enum color_role role, int *rowp)
{
	static const int	 try[][2] = {
		{ 0, 0 }, { 1, 0 }, { -1, 0 }, { 0, -1 }, { 0, 1 },
		{ 2, 0 }, { -2, 0 },
	};
	size_t			 i;
	int			 x, y;

	for (i = 0; i < nitems(try); i++) {
		x = cx + try[i][0];
		y = cy + try[i][1];
		if (canvas_text_free(c, x, y, 1)) {
			canvas_text(c, x, y, s, role);
			if (rowp != NULL)
				*rowp = y;
			return (x);
		}
	}
	return (-1);
}

/*
 * Edges, in passes so that branches can sit between them.  EDGES_DOTS:
 * the catalogue edges no session uses, as a dim dot (a small cross
 * when the view is roomy); as dots they cannot be mistaken for the
 * edge glyph, and 75 glyphs would bury Europe at 80x24.  EDGES_USED:
 * the glyph of each edge a configured session uses.  EDGES_LABELS:
 * their codes, where cells are still free.  EDGES_OTHER: when roomy,
 * the codes of the other edges, dim, wherever there is room left.
 */
enum view_map_pass { EDGES_DOTS, EDGES_USED, EDGES_LABELS, EDGES_OTHER };

static void
view_map_edges(struct tui *tui, struct canvas *c,
    const struct view_map_proj *pr, int pass, int roomy)
{
	struct model	*m = tui->model;
	struct edge	*e;
	size_t		 i;
	enum color_role	 role;
	int		 x, y, cx, cy, len, used, ascii;

	ascii = c->mode->ascii;
	for (i = 0; i < m->nedges; i++) {
		e = &m->edges[i];
		view_map_project(pr, view_map_near(pr, e->lon), e->lat, &x, &y);
		if (x < 0 || y < 0 || x >= c->pw || y >= c->ph)
			continue;
		cx = x / c->sx;
		cy = y / c->sy;
		used = view_map_edge_used(tui, i);
		switch (pass) {
		case EDGES_DOTS:
			if (used)
				break;
			canvas_set(c, x, y, CR_DIM);
			if (roomy) {
				canvas_set(c, x - 1, y, CR_DIM);
				canvas_set(c, x + 1, y, CR_DIM);
				canvas_set(c, x, y - 1, CR_DIM);
				canvas_set(c, x, y + 1, CR_DIM);
			}
			break;
		case EDGES_USED:
			if (used)
				view_map_place(c, cx, cy, view_map_glyph(tui,
				    GL_EDGE, ascii), CR_EDGE, NULL);
			break;
		case EDGES_LABELS:
		case EDGES_OTHER:
			if (used != (pass == EDGES_LABELS) ||
			    (pass == EDGES_OTHER && !roomy))
				break;
			len = (int)strlen(e->code);
			role = used ? CR_EDGE : CR_DIM;
			if (canvas_text_free(c, cx + 1, cy, len + 1))
				canvas_text(c, cx + 1, cy, e->code, role);
			else if (canvas_text_free(c, cx - len - 1, cy,
			    len + 1))
				canvas_text(c, cx - len, cy, e->code, role);
			break;
		}
	}
}

static char
view_map_letter(size_t i)
{
	if (i < 26)
		return ((char)('A' + i));
	if (i < 52)
		return ((char)('a' + i - 26));
	return ('*');
}

static enum color_role
view_map_branch_role(const struct branch *b)
{
	if (b->partner == NULL)
		return (CR_STALE);
	return (draw_red_role(b->partner->red));
}

/*
 * The colour of a link by its live window: red when nothing came back
 * or a threshold is crossed (the link's LatencyHigh or LossHigh, or its
 * figures over a threshold before the monitor's minimum of samples),
 * yellow for any loss, a median over three quarters of the threshold or
 * a LatencyShift, green otherwise; fallback when there is no data.
 */
enum color_role
view_map_lat_role(const struct lat_thresholds *th, const struct latlink *l,
    enum color_role fallback)
{
	if (l == NULL || l->sent == 0)
		return (fallback);
	if (l->received == 0 || (l->flags & (LAT_F_HIGH | LAT_F_LOSS)) ||
	    (th->high_us > 0 && l->median_us > (double)th->high_us) ||
	    (th->loss_pct > 0 && l->loss_pct > th->loss_pct))
		return (CR_CRIT);
	if (l->loss_pct > 0 || (l->flags & LAT_F_SHIFT) ||
	    (th->high_us > 0 && l->median_us > 0.75 * (double)th->high_us))
		return (CR_WARN);
	return (CR_OK);
}

/* The worst measured link of the branch to edge idx, NULL if none. */
static const struct latlink *
view_map_latlink(const struct branch *b, int idx)
{
	const struct latlink	*l, *worst = NULL;
	size_t			 i;

	for (i = 0; i < b->nlinks; i++) {
		l = b->links[i];
		if (l->edge_idx != idx || l->sent == 0)
			continue;
		if (worst == NULL || l->flags > worst->flags ||
		    (l->flags == worst->flags &&
		    l->loss_pct > worst->loss_pct) ||
		    (l->flags == worst->flags &&
		    l->loss_pct == worst->loss_pct &&
		    l->median_us > worst->median_us))
			worst = l;
	}
	return (worst);
}

/* The line to the nearest edge: by latency when measured, else health. */
static enum color_role
view_map_line_role(struct tui *tui, const struct branch *b,
    const struct latlink **lp)
{
	struct lat_thresholds	 th;
	const struct latlink	*l;

	l = view_map_latlink(b, b->nearest);
	if (lp != NULL)
		*lp = l;
	latency_mon_thresholds(tui->model, b, &th);
	return (view_map_lat_role(&th, l, view_map_branch_role(b)));
}

/*
 * The pixels of a branch and an edge, the edge moved a turn east or west
 * where that makes the line between them the short way round, across the
 * antimeridian.
 */
static void
view_map_ends(const struct view_map_proj *pr, const struct branch *b,
    const struct edge *e, int *bx, int *by, int *ex, int *ey)
{
	double	 blon, elon;

	blon = view_map_near(pr, b->lon);
	elon = e->lon;
	while (elon - blon > 180.0)
		elon -= 360.0;
	while (blon - elon > 180.0)
		elon += 360.0;
	view_map_project(pr, blon, b->lat, bx, by);
	view_map_project(pr, elon, e->lat, ex, ey);
}

/*
 * Mono and colour alike: over (the threshold glyph, red) or "~" (near
 * it, yellow) at the middle of a latency-coloured line, if that cell is
 * free.
 */
static void
view_map_mark(struct canvas *c, const struct view_map_proj *pr,
    const struct branch *b, const struct edge *e, enum color_role role,
    const char *over)
{
	int	 bx, by, ex, ey, cx, cy;

	if (role != CR_CRIT && role != CR_WARN)
		return;
	view_map_ends(pr, b, e, &bx, &by, &ex, &ey);
	cx = (bx + ex) / 2 / c->sx;
	cy = (by + ey) / 2 / c->sy;
	/* Too short a line to hold a mark between its ends. */
	if ((cx == bx / c->sx && cy == by / c->sy) ||
	    (cx == ex / c->sx && cy == ey / c->sy))
		return;
	if (canvas_text_free(c, cx, cy, 1))
		canvas_text(c, cx, cy, role == CR_CRIT ? over : "~", role);
}

/*
 * Does the branch's routed edge differ from its nearest one (so that it
 * gets a dashed line and a mention)?
 */
static int
view_map_routed_other(struct tui *tui, const struct branch *b)
{
	struct model	*m = tui->model;

	return (b->routed >= 0 && (size_t)b->routed < m->nedges &&
	    b->routed != b->nearest);
}

/*
 * A line from a branch to an edge, the short way round even across the
 * antimeridian; dashed for the routed edge.
 */
static void
view_map_link(struct canvas *c, const struct view_map_proj *pr,
    const struct branch *b, const struct edge *e, int dashed,
    enum color_role role)
{
	int	 bx, by, ex, ey;

	view_map_ends(pr, b, e, &bx, &by, &ex, &ey);
	if (dashed)
		view_map_dashed(c, bx, by, ex, ey, role);
	else
		canvas_line(c, bx, by, ex, ey, role);
}

/*
 * A dashed Bresenham line: MAP_DASH cells' worth of pixels on, as many
 * off, measured along the major axis so the dashes look the same in
 * every direction and every mode.  Pixels off the canvas are dropped by
 * canvas_set().
 */
static void
view_map_dashed(struct canvas *c, int x0, int y0, int x1, int y1,
    enum color_role role)
{
	long	 dx, dy, err, e2, step = 0, period;
	int	 sx, sy, x, y;

	/* Zoomed in, an end may be far off: step only over the canvas. */
	if (view_map_clip(c, &x0, &y0, &x1, &y1) != 0)
		return;
	x = x0;
	y = y0;
	dx = labs((long)x1 - x0);
	dy = -labs((long)y1 - y0);
	sx = x0 < x1 ? 1 : -1;
	sy = y0 < y1 ? 1 : -1;
	err = dx + dy;
	period = (long)MAP_DASH * (dx >= -dy ? c->sx : c->sy);
	if (period < 1)
		period = 1;
	for (;;) {
		if ((step++ / period) % 2 == 0)
			canvas_set(c, x, y, role);
		if (x == x1 && y == y1)
			break;
		e2 = 2 * err;
		if (e2 >= dy) {
			err += dy;
			x += sx;
		}
		if (e2 <= dx) {
			err += dx;
			y += sy;
		}
	}
}

/*
 * Clip a segment to the canvas (a pixel of margin) by Liang-Barsky;
 * -1 when none of it is on the canvas.
 */
static int
view_map_clip(const struct canvas *c, int *x0, int *y0, int *x1, int *y1)
{
	double	 t0 = 0.0, t1 = 1.0, dx, dy, p[4], q[4], r;
	int	 i;

	dx = (double)*x1 - *x0;
	dy = (double)*y1 - *y0;
	p[0] = -dx;
	q[0] = *x0 + 1.0;
	p[1] = dx;
	q[1] = (double)c->pw - *x0;
	p[2] = -dy;
	q[2] = *y0 + 1.0;
	p[3] = dy;
	q[3] = (double)c->ph - *y0;
	for (i = 0; i < 4; i++) {
		if (p[i] == 0.0) {
			if (q[i] < 0.0)
				return (-1);
			continue;
		}
		r = q[i] / p[i];
		if (p[i] < 0.0 && r > t0)
			t0 = r;
		else if (p[i] > 0.0 && r < t1)
			t1 = r;
	}
	if (t0 > t1)
		return (-1);
	*x1 = (int)floor(*x0 + t1 * dx + 0.5);
	*y1 = (int)floor(*y0 + t1 * dy + 0.5);
	*x0 = (int)floor(*x0 + t0 * dx + 0.5);
	*y0 = (int)floor(*y0 + t0 * dy + 0.5);
	return (0);
}

/*
 * Lines from each located branch: dashed to its routed edge when that is
 * not the nearest (first, so the solid line wins shared cells), solid to
 * the nearest edge; then the letters.
 */
static void
view_map_branches(struct tui *tui, struct canvas *c,
    const struct view_map_proj *pr)
{
	struct model	*m = tui->model;
	struct branch	*b;
	const struct latlink *l;
	enum color_role	 role;
	size_t		 i, n;
	char		 s[2];
	int		 bx, by, cx, cy;

	for (i = 0; i < m->nbranches; i++) {
		b = m->branches[i];
		if (b->loc == LOC_UNKNOWN || !view_map_routed_other(tui, b))
			continue;
		view_map_link(c, pr, b, &m->edges[b->routed], 1,
		    b->suboptimal ? CR_WARN : CR_EDGE);
	}
	for (i = 0; i < m->nbranches; i++) {
		b = m->branches[i];
		if (b->loc == LOC_UNKNOWN || b->nearest < 0 ||
		    (size_t)b->nearest >= m->nedges)
			continue;
		role = view_map_line_role(tui, b, &l);
		view_map_link(c, pr, b, &m->edges[b->nearest], 0, role);
		if (l != NULL)
			view_map_mark(c, pr, b, &m->edges[b->nearest], role,
			    draw_glyph(tui, GL_OVER));
	}
	for (i = 0, n = 0; i < m->nbranches; i++) {
		b = m->branches[i];
		if (b->loc == LOC_UNKNOWN)
			continue;
		s[0] = view_map_letter(n++);
		s[1] = '\0';
		view_map_project(pr, view_map_near(pr, b->lon), b->lat, &bx,
		    &by);
		if (bx < 0 || by < 0 || bx >= c->pw || by >= c->ph)
			continue;
		cx = view_map_place(c, bx / c->sx, by / c->sy, s,
		    view_map_branch_role(b), &cy);
		if (cx >= 0)
			canvas_emphasise(c, cx, cy);
	}
}

/*
 * The legend under the map: "A seattle-hq>sea 18km ^" entries, as many
 * as fit in h rows of w columns, then "+N more".
 */
static void
view_map_legend(struct tui *tui, int y, int h, int w)
{
	struct model	*m = tui->model;
	struct branch	*b;
	enum color_role	 role;
	const char	*code;
	char		 entry[160], more[64], routed[16];
	size_t		 i, n = 0, unplaced = 0, shown = 0, located = 0;
	int		 row = 0, x = 0, ew, ascii;

	ascii = tui->ascii || canvas_mode(tui->map_mode)->ascii;
	draw_fill(tui, y, h, w, CR_NORMAL);
	for (i = 0; i < m->nbranches; i++) {
		if (m->branches[i]->loc == LOC_UNKNOWN)
			unplaced++;
		else
			located++;
	}
	if (m->nbranches == 0) {
		draw_text(tui, y, 0, w, CR_DIM, "no branches configured");
		return;
	}
	for (i = 0; i < m->nbranches && row < h; i++) {
		b = m->branches[i];
		if (b->loc == LOC_UNKNOWN)
			continue;
		code = (b->nearest >= 0 && (size_t)b->nearest < m->nedges) ?
		    m->edges[b->nearest].code : "?";
		role = view_map_branch_role(b);
		/* "A seattle-hq>sea 40km via lax! ^" when routed elsewhere. */
		view_map_routed_cell(tui, b, ascii, routed, sizeof routed);
		snprintf(entry, sizeof entry, "%c %s>%s %.0fkm%s%s %s",
		    view_map_letter(n++), b->name, code, b->nearest_km,
		    view_map_routed_other(tui, b) ? " via " : "",
		    view_map_routed_other(tui, b) ? routed : "",
		    view_map_glyph(tui, draw_red_glyph(b->partner ?
		    b->partner->red : RED_UNKNOWN), ascii));
		ew = draw_width(tui, entry);
		if (x > 0 && x + ew > w) {
			if (row + 1 >= h)
				break;
			row++;
			x = 0;
		}
		/* The last row keeps room for the "+N more" note. */
		if (row == h - 1 && x > 0 && x + ew > w - 22 &&
		    i + 1 < m->nbranches)
			break;
		draw_text(tui, y + row, x, ew < w - x ? ew : w - x, role,
		    entry);
		x += ew + 2;
		shown++;
	}
	if (shown < located || unplaced > 0) {
		if (shown < located && unplaced > 0)
			snprintf(more, sizeof more, "+%zu more, %zu unplaced",
			    located - shown, unplaced);
		else if (shown < located)
			snprintf(more, sizeof more, "+%zu more",
			    located - shown);
		else
			snprintf(more, sizeof more, "%zu unplaced", unplaced);
		ew = draw_width(tui, more);
		if (x + ew > w)
			x = w - ew > 0 ? w - ew : 0;
		draw_text(tui, y + row, x, w - x, CR_DIM, more);
	}
}

/*
 * The routed edge of a branch for the legend and panel: "lax\u2260" while
 * SuboptimalRouting is raised, "sea=" when it is the nearest edge the
 * partner can deliver at, the code
 * alone otherwise, "-" when unknown.
 */
static void
view_map_routed_cell(struct tui *tui, const struct branch *b, int ascii,
    char *buf, size_t len)
{
	struct model	*m = tui->model;

	if (b->routed < 0 || (size_t)b->routed >= m->nedges)
		snprintf(buf, len, "-");
	else if (b->suboptimal)
		snprintf(buf, len, "%s%s", m->edges[b->routed].code,
		    view_map_glyph(tui, GL_DETOUR, ascii));
	else if (b->routed == geo_deliverable_edge(m, b, NULL))
		snprintf(buf, len, "%s=", m->edges[b->routed].code);
	else
		snprintf(buf, len, "%s", m->edges[b->routed].code);
}

/*
 * The side panel on wide terminals: one row per branch (letter, name,
 * nearest edge, distance, routed edge, redundancy word), then the edges
 * in use.
 */
static void
view_map_panel(struct tui *tui, int y, int h, int x, int w)
{
	struct model	*m = tui->model;
	struct branch	*b;
	struct edge	*e;
	const struct latlink *l;
	struct graph_figs f;
	enum color_role	 role, lrole;
	const char	*code, *red;
	const char	*glyph;
	char		 line[256], letter, routed[16];
	size_t		 i, n = 0, other = 0;
	int		 row = 0, ascii;

	ascii = tui->ascii || canvas_mode(tui->map_mode)->ascii;
	glyph = view_map_glyph(tui, GL_EDGE, ascii);

	for (row = 0; row < h; row++)
		draw_text(tui, y + row, x, w, CR_NORMAL, "");
	row = 0;
	draw_text(tui, y + row++, x, w, CR_HEADER,
	    "   Branch           Edge   Dist   Routed Redundancy   Median  "
	    "Loss%");
	for (i = 0; i < m->nbranches && row < h; i++) {
		b = m->branches[i];
		letter = (b->loc == LOC_UNKNOWN) ? '-' :
		    view_map_letter(n++);
		code = (b->nearest >= 0 && (size_t)b->nearest < m->nedges) ?
		    m->edges[b->nearest].code : "-";
		red = redundancy_name(b->partner ? b->partner->red :
		    RED_UNKNOWN);
		lrole = view_map_line_role(tui, b, &l);
		graph_figures(l, &f, 0);
		if (b->loc == LOC_UNKNOWN)
			snprintf(line, sizeof line, " %c %-16.16s location "
			    "unknown", letter, b->name);
		else {
			view_map_routed_cell(tui, b, ascii, routed,
			    sizeof routed);
			snprintf(line, sizeof line, " %c %-16.16s %-5s "
			    "%5.0fkm %-6s %s %-9s %8s %6s%s", letter, b->name,
			    code, b->nearest_km, routed, view_map_glyph(tui,
			    draw_red_glyph(b->partner ? b->partner->red :
			    RED_UNKNOWN), ascii), red, f.med, f.loss,
			    l == NULL ? "" : lrole == CR_CRIT ? " !" :
			    lrole == CR_WARN ? " ~" : "");
		}
		/* Suboptimal routing and a slow or lossy link show even on
		 * a healthy peering. */
		role = view_map_branch_role(b);
		if (role == CR_OK && l != NULL)
			role = lrole;
		if (role == CR_OK && (b->suboptimal || b->lat_suboptimal))
			role = CR_WARN;
		draw_text(tui, y + row++, x, w, role, line);
	}
	if (row + 2 >= h)
		return;
	row++;
	draw_text(tui, y + row++, x, w, CR_HEADER, "   Edges in use");
	for (i = 0; i < m->nedges && row < h; i++) {
		if (!view_map_edge_used(tui, i)) {
			other++;
			continue;
		}
		e = &m->edges[i];
		snprintf(line, sizeof line, " %s %-5s %s, %s", glyph,
		    e->code, e->metro, e->country);
		draw_text(tui, y + row++, x, w, CR_EDGE, line);
	}
	if (row < h) {
		snprintf(line, sizeof line, " .  %zu other catalogue edges",
		    other);
		draw_text(tui, y + row++, x, w, CR_DIM, line);
	}

	/* What the marks mean, when there is room for it. */
	if (row + 6 < h)
		view_map_key(tui, y + row + 1, x, w, ascii);
}

/* The panel's key to the marks: six rows from y. */
static void
view_map_key(struct tui *tui, int y, int x, int w, int ascii)
{
	char	 line[256];
	int	 row = 0;

	draw_text(tui, y + row++, x, w, CR_HEADER, "   Key");
	draw_text(tui, y + row++, x, w, CR_NORMAL,
	    " A  branch, line to its nearest edge");
	snprintf(line, sizeof line, " %s  dashed: its routed edge, %s if "
	    "suboptimal", ascii ? "--" : "\u2504", view_map_glyph(tui,
	    GL_DETOUR, ascii));
	draw_text(tui, y + row++, x, w, CR_NORMAL, line);
	snprintf(line, sizeof line, " %s  redundant  %s  degraded/no backup",
	    view_map_glyph(tui, GL_UP, ascii),
	    view_map_glyph(tui, GL_DEGRADED, ascii));
	draw_text(tui, y + row++, x, w, CR_NORMAL, line);
	snprintf(line, sizeof line, " %s  down       %s  unknown",
	    view_map_glyph(tui, GL_DOWN, ascii),
	    view_map_glyph(tui, GL_UNKNOWN, ascii));
	draw_text(tui, y + row++, x, w, CR_NORMAL, line);
	draw_text(tui, y + row++, x, w, CR_NORMAL,
	    " ~  latency near the threshold or loss  !  over it");
}

static void
view_map_draw(struct tui *tui, int y, int h, int w)
{
	struct view_map_state	*vs;
	struct view_map_proj	 pr;
	struct canvas		*c;
	const char		*region;
	char			 label[64];
	int			 mw, mh, legend = 0, panel = 0, roomy, i;

	if (h <= 0 || w <= 0)
		return;
	vs = view_map_check(tui);

	/* Layout: side panel on wide terminals, else legend rows. */
	mw = w;
	mh = h;
	if (w >= MAP_PANEL_MIN_W) {
		panel = MAP_PANEL_W;
		mw = w - panel - 1;
	} else {
		legend = (h >= 18) ? 2 : 1;
		if (h - legend < 4)
			legend = 0;
		mh = h - legend;
	}

	c = canvas_new(mw, mh, tui->map_mode);
	view_map_window(tui, c, &pr);

	if (tui->world != NULL) {
		/* Fill only where a dot is small enough to stay light. */
		if (c->mode->fill)
			view_map_fill(tui, c, &pr);
		view_map_land(tui, c, &pr);
	}
	/* Roomy: about 3 cells per catalogue edge's share of the width. */
	roomy = (mw * vs->zoom >= 240.0);
	view_map_edges(tui, c, &pr, EDGES_DOTS, roomy);
	view_map_branches(tui, c, &pr);
	view_map_edges(tui, c, &pr, EDGES_USED, roomy);
	view_map_edges(tui, c, &pr, EDGES_LABELS, roomy);
	view_map_edges(tui, c, &pr, EDGES_OTHER, roomy);

	if (tui->world == NULL)
		canvas_text(c, 1, 0, "no map data (world.map not found)",
		    CR_WARN);
	region = view_map_region_name(tui);
	if (region != NULL)
		snprintf(label, sizeof label, "%s %s", region,
		    canvas_mode(tui->map_mode)->name);
	else
		snprintf(label, sizeof label, "%.0f%c %.0f%c x%.1f %s",
		    fabs(vs->lat), vs->lat < 0 ? 'S' : 'N',
		    fabs(vs->lon), vs->lon < 0 ? 'W' : 'E',
		    vs->zoom, canvas_mode(tui->map_mode)->name);
	canvas_text(c, 0, mh - 1, label, CR_DIM);

	canvas_draw(c, tui, y, 0);
	canvas_free(c);

	if (panel) {
		for (i = 0; i < h; i++)
			draw_text(tui, y + i, mw, 1, CR_NORMAL, "");
		view_map_panel(tui, y, h, mw + 1, panel);
	} else if (legend)
		view_map_legend(tui, y + mh, legend, w);
}
