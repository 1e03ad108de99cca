/* SPDX-License-Identifier: ISC */
/*
 * The Overview: one row per branch office, worst first, so that the row a
 * NOC engineer needs is at the top.  Each row says where the branch is,
 * which Microsoft edge is nearest and how far, how many of its partner's
 * sessions are up and whether the peering is geo-redundant (word, marker
 * and colour).  Beside the nearest edge, the routed one: the edge whose
 * session carries the best path for the branch's registered prefixes
 * (core/routemon.c), marked when SuboptimalRouting is raised.  The
 * selected row's redundancy reason (and routing, when suboptimal) goes on
 * a detail line at the bottom, so nothing important depends on terminal
 * width.  Latency (issue 4): "Lat" is the edge with the lowest median
 * beside the nearest and routed ones, then mtr's columns for the
 * branch's main link (lat_main) and a trend sparkline of its window;
 * at 80 columns Loss% and Avg stay and the rest give way; a figure over
 * its threshold carries a glyph, for --mono.  Any column re-sorts the
 * table (, . F6 I: tui_sort()).  Enter opens Branch detail
 * (view-branch.c).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/geo.h"
#include "core/health.h"
#include "core/latency-mon.h"
#include "tui/graph.h"
#include "tui/tui.h"

enum {
	OV_BRANCH, OV_HEALTH, OV_LOCATION, OV_NEAREST, OV_METRO, OV_ROUTED, OV_LAT,
	OV_SESS, OV_RED, OV_LOSS, OV_SNT, OV_LASTMS, OV_AVG, OV_BEST,
	OV_WRST, OV_STDEV, OV_TREND, OV_PARTNER, OV_LAST, OV_REASON,
	OV_NCOLS
};

/*
 * At 80 columns: Branch, Health (glyph and word) to Redundancy with Via,
 * Loss% and Avg, the branch whole ("london-office"), the place cut at 11
 * to make room for Health; at
 * 120 Lat, every latency column and the trend; the event, the reason,
 * the metro and the partner from about 130.  The figures are compact
 * (whole milliseconds from 100 ms) to fit.
 */
static const struct draw_col overview_cols[OV_NCOLS] = {
	[OV_BRANCH] =	{ "Branch", 13, 16, 0, DC_NAME },
	/* "X CRIT hijack ...", worst first: the default order. */
	[OV_HEALTH] =	{ "Health", 7, 30, 0, DC_DESC },
	[OV_LOCATION] =	{ "Location", 11, 16, 0, 0 },
	[OV_NEAREST] =	{ "Nearest edge", 12, 12, 0, 0 },
	[OV_METRO] =	{ "Edge metro", 10, 16, 8, 0 },	/* the nearest's */
	[OV_ROUTED] =	{ "Via", 5, 5, 1, 0 },
	[OV_LAT] =	{ "Lat", 5, 5, 2, 0 },	/* lowest median */
	[OV_SESS] =	{ "Sess", 4, 5, 0, DC_RIGHT | DC_DESC },
	[OV_RED] =	{ "Redundancy", 11, 11, 0, DC_DESC },
	[OV_LOSS] =	{ "Loss%", 5, 6, 0, DC_RIGHT | DC_DESC },
	[OV_SNT] =	{ "Snt", 4, 5, 3, DC_RIGHT | DC_DESC },
	[OV_LASTMS] =	{ "Last", 5, 6, 3, DC_RIGHT | DC_DESC },
	[OV_AVG] =	{ "Avg", 4, 6, 0, DC_RIGHT | DC_DESC },
	[OV_BEST] =	{ "Best", 5, 6, 4, DC_RIGHT | DC_DESC },
	[OV_WRST] =	{ "Wrst", 5, 6, 4, DC_RIGHT | DC_DESC },
	[OV_STDEV] =	{ "StDev", 5, 6, 4, DC_RIGHT | DC_DESC },
	[OV_TREND] =	{ "Trend", LAT_TREND_N / 2, LAT_TREND_N, 2, DC_NOSORT },
	[OV_PARTNER] =	{ "Partner", 10, 16, 9, DC_NAME },
	[OV_LAST] =	{ "Last event", 10, 40, 5, DC_DESC },
	[OV_REASON] =	{ "Reason", 20, 200, 6, 0 },
};

static void	 view_overview_draw(struct tui *, int, int, int);
static void	 view_overview_row(struct tui *, const struct branch *, int,
		    int, const int *, int);
static void	 view_overview_detail(struct tui *, const struct branch *,
		    int, int);
static size_t	 view_overview_rows(struct tui *);
static struct branch **view_overview_list(struct tui *, size_t *);
static int	 view_overview_match(struct tui *, const struct branch *,
		    const struct health *);
static void	 view_overview_key(const void *, size_t, char *, size_t);
static int	 view_overview_cmp(const void *, const void *);
static int	 view_overview_cmp_col(const void *, const void *, int);
static int	 view_overview_ratio(const struct branch *,
		    const struct branch *);
static int	 view_overview_cmp_lat(const struct branch *,
		    const struct branch *, int);
static enum redundancy view_overview_red(const struct branch *);
static void	 view_overview_location(const struct branch *, char *, size_t);
static const struct edge *view_overview_edge(const struct model *, int);
static void	 view_overview_routed(struct tui *, const struct branch *,
		    char *, size_t, enum color_role *);
static const struct latlink *view_overview_link(const struct branch *);
static void	 view_overview_latdetail(struct tui *, const struct branch *,
		    char *, size_t);
static int	 view_overview_latrank(const struct branch *);
static void	 view_overview_over(struct tui *, char *, size_t, double,
		    const char *, int);
static void	 view_overview_latency(struct tui *, const struct branch *,
		    const char **, enum color_role *, const int *,
		    struct graph_figs *, char *, size_t, char *, size_t);

const struct view view_overview = {
	.name = "overview",
	.title = "Overview",
	.keys = &keys_overview,
	.draw = view_overview_draw,
	.rows = view_overview_rows,
	.key = view_overview_key,
	.cols = overview_cols,
	.ncols = OV_NCOLS,
	.sort_default = OV_HEALTH,
	.cmp = view_overview_cmp_col,
};

static enum redundancy
view_overview_red(const struct branch *b)
{
	return (b->partner != NULL ? b->partner->red : RED_UNKNOWN);
}

/* Worst first: DOWN, DEGRADED, NO-BACKUP, UNKNOWN, REDUNDANT. */
static int
view_overview_rank(enum redundancy red)
{
	switch (red) {
	case RED_DOWN:
		return (0);
	case RED_DEGRADED:
		return (1);
	case RED_NOBACKUP:
		return (2);
	case RED_REDUNDANT:
		return (4);
	default:
		return (3);
	}
}

/* The link the Overview shows (lat_main), NULL when none. */
static const struct latlink *
view_overview_link(const struct branch *b)
{
	if (b->lat_main < 0 || (size_t)b->lat_main >= b->nlinks)
		return (NULL);
	return (b->links[b->lat_main]);
}

/*
 * The main link's raised conditions for the detail line, appended to
 * buf: " LossHigh sea 12.0%; LatencyHigh sea 182.3ms;".
 */
static void
view_overview_latdetail(struct tui *tui, const struct branch *b, char *buf,
    size_t len)
{
	const struct latlink	*l = view_overview_link(b);
	const struct edge	*e;
	char			 ms[16], more[96];
	size_t			 used;

	if (l == NULL || l->flags == 0)
		return;
	e = view_overview_edge(tui->model, l->edge_idx);
	graph_ms(ms, sizeof ms, l->received > 0 ? l->median_us : -1.0, 0);
	if (l->flags & LAT_F_LOSS) {
		snprintf(more, sizeof more, " LossHigh %s %.1f%%;",
		    e != NULL ? e->code : "?", l->loss_pct);
		used = strlen(buf);
		strlcpy_pt(buf + used, more, len - used);
	}
	if (l->flags & (LAT_F_HIGH | LAT_F_SHIFT)) {
		snprintf(more, sizeof more, " %s %s median %sms;",
		    l->flags & LAT_F_HIGH ? "LatencyHigh" : "LatencyShift",
		    e != NULL ? e->code : "?", ms);
		used = strlen(buf);
		strlcpy_pt(buf + used, more, len - used);
	}
}

/* Latency trouble of the main link, worst first: loss, high, shift. */
static int
view_overview_latrank(const struct branch *b)
{
	const struct latlink	*l = view_overview_link(b);

	if (l == NULL)
		return (3);
	if (l->flags & LAT_F_LOSS)
		return (0);
	if (l->flags & LAT_F_HIGH)
		return (1);
	if (l->flags & LAT_F_SHIFT)
		return (2);
	return (3);
}

/* A branch and its health level, for sorting worst first. */
struct overview_sort {
	struct branch	*b;
	enum level	 level;
	int		 ok;
};

/* Two numbers, the larger first; a missing one (< 0) last. */
static int
view_overview_more(double a, double b)
{
	if ((a < 0) != (b < 0))
		return (a < 0 ? 1 : -1);
	return ((a < b) - (a > b));
}

/* The main links' figure of column col, the larger first, none last. */
static int
view_overview_cmp_lat(const struct branch *a, const struct branch *b,
    int col)
{
	const struct latlink	*la = view_overview_link(a);
	const struct latlink	*lb = view_overview_link(b);
	double			 va = -1, vb = -1;

	if (col == OV_LOSS || col == OV_SNT) {
		if (la != NULL && la->sent > 0)
			va = col == OV_LOSS ? la->loss_pct : la->sent;
		if (lb != NULL && lb->sent > 0)
			vb = col == OV_LOSS ? lb->loss_pct : lb->sent;
		return (view_overview_more(va, vb));
	}
	if (col == OV_LASTMS) {
		va = la != NULL ? (double)la->last_us : -1;
		vb = lb != NULL ? (double)lb->last_us : -1;
		return (view_overview_more(va, vb));
	}
	if (la != NULL && la->received > 0)
		va = col == OV_AVG ? la->avg_us : col == OV_BEST ?
		    (double)la->best_us : col == OV_WRST ?
		    (double)la->worst_us : la->stdev_us;
	if (lb != NULL && lb->received > 0)
		vb = col == OV_AVG ? lb->avg_us : col == OV_BEST ?
		    (double)lb->best_us : col == OV_WRST ?
		    (double)lb->worst_us : lb->stdev_us;
	return (view_overview_more(va, vb));
}

/*
 * Two rows by column col, in the column's own order: the worst health
 * first (the default), names and places A first, figures the largest
 * first, the newest event first.
 */
static int
view_overview_cmp_col(const void *a, const void *b, int col)
{
	const struct overview_sort *sa = a, *sb = b;
	const struct branch	*ba = sa->b, *bb = sb->b;
	char			 la[160], lb[160];
	int			 c;

	switch (col) {
	case OV_HEALTH:
		if (sa->level != sb->level)
			return (sa->level > sb->level ? -1 : 1);
		if (sa->ok != sb->ok)
			return (sa->ok - sb->ok);
		return (view_overview_cmp(&sa->b, &sb->b));
	case OV_BRANCH:
		return (strcmp(ba->name, bb->name));
	case OV_LOCATION:
		view_overview_location(ba, la, sizeof la);
		view_overview_location(bb, lb, sizeof lb);
		return (strcmp(la, lb));
	case OV_NEAREST:
	case OV_METRO:
		/* The nearest edge's distance; unknown last. */
		return (-view_overview_more(ba->nearest < 0 ? -1 :
		    ba->nearest_km, bb->nearest < 0 ? -1 : bb->nearest_km));
	case OV_ROUTED:
		return (ba->routed - bb->routed);
	case OV_LAT:
		return (ba->lat_nearest - bb->lat_nearest);
	case OV_SESS:
	case OV_RED:
		/* view_overview_cmp(): the redundancy, then up/total. */
		c = view_overview_rank(view_overview_red(ba)) -
		    view_overview_rank(view_overview_red(bb));
		if (c != 0 && col == OV_RED)
			return (c);
		return (view_overview_ratio(ba, bb));
	case OV_PARTNER:
		return (strcmp(ba->partner != NULL ? ba->partner->name :
		    ba->partner_name, bb->partner != NULL ? bb->partner->name :
		    bb->partner_name));
	case OV_LAST:
		return ((ba->last_event_ms < bb->last_event_ms) -
		    (ba->last_event_ms > bb->last_event_ms));
	case OV_REASON:
		return (strcmp(ba->partner != NULL ? ba->partner->reason : "",
		    bb->partner != NULL ? bb->partner->reason : ""));
	case OV_TREND:
		return (0);
	default:
		return (view_overview_cmp_lat(ba, bb, col));
	}
}

static int
view_overview_cmp(const void *a, const void *b)
{
	const struct branch	*ba = *(struct branch *const *)a;
	const struct branch	*bb = *(struct branch *const *)b;
	int			 ra, rb;

	ra = view_overview_rank(view_overview_red(ba));
	rb = view_overview_rank(view_overview_red(bb));
	if (ra != rb)
		return (ra - rb);
	/* Within a state, latency trouble first. */
	ra = view_overview_latrank(ba);
	rb = view_overview_latrank(bb);
	if (ra != rb)
		return (ra - rb);
	if ((ra = view_overview_ratio(ba, bb)) != 0)
		return (ra);
	return (strcmp(ba->name, bb->name));
}

/* The lower up/total ratio first; cross-multiplied to stay integers. */
static int
view_overview_ratio(const struct branch *ba, const struct branch *bb)
{
	long	 ua, ub;

	ua = (long)ba->sessions_up * (bb->sessions_total > 0 ?
	    bb->sessions_total : 1);
	ub = (long)bb->sessions_up * (ba->sessions_total > 0 ?
	    ba->sessions_total : 1);
	return ((ua > ub) - (ua < ub));
}

static void
view_overview_location(const struct branch *b, char *buf, size_t len)
{
	if (b->loc == LOC_UNKNOWN)
		snprintf(buf, len, "location unknown");
	else if (b->city[0] != '\0' && b->country[0] != '\0')
		snprintf(buf, len, "%s, %s", b->city, b->country);
	else if (b->city[0] != '\0')
		snprintf(buf, len, "%s", b->city);
	else if (b->country[0] != '\0')
		snprintf(buf, len, "%s (%.1f,%.1f)", b->country, b->lat,
		    b->lon);
	else
		snprintf(buf, len, "%.2f,%.2f", b->lat, b->lon);
}

/* Edge idx of the model, NULL when unknown (-1 or out of range). */
static const struct edge *
view_overview_edge(const struct model *m, int idx)
{
	if (idx < 0 || (size_t)idx >= m->nedges)
		return (NULL);
	return (&m->edges[idx]);
}

/*
 * The routed edge's cell ("Via": the edge the branch's traffic comes in
 * by, five columns so that 80 still fits everything): "lax \u2260"
 * ("lax *" in ASCII) while SuboptimalRouting is raised (the marker
 * carries it in mono), "sea =" when it is the nearest edge the partner
 * can deliver at (which need not be the geographic nearest: the partner
 * may have no session there), the code alone when it differs within the
 * tolerance, "-" when unknown (no registered prefix, or no route seen
 * yet), "sea ?" when some session's routes are unknown (its BMP router
 * went away): the edge last known, judged again once they are back.
 */
static void
view_overview_routed(struct tui *tui, const struct branch *b, char *buf,
    size_t len, enum color_role *role)
{
	const struct edge	*e = view_overview_edge(tui->model, b->routed);
	size_t			 i;

	for (i = 0; e != NULL && i < b->nprefixes; i++)
		if (b->prefixes[i].nunknown > 0)
			break;
	if (e != NULL && i < b->nprefixes) {
		snprintf(buf, len, "%s %s", e->code,
		    draw_glyph(tui, GL_UNKNOWN));
		*role = CR_STALE;
	} else if (e == NULL) {
		snprintf(buf, len, "-");
		*role = CR_STALE;
	} else if (b->suboptimal || b->lat_suboptimal) {
		snprintf(buf, len, "%s %s", e->code,
		    draw_glyph(tui, GL_DETOUR));
		*role = CR_WARN;
	} else if (b->routed == geo_deliverable_edge(tui->model, b, NULL)) {
		snprintf(buf, len, "%s =", e->code);
		*role = CR_OK;
	} else {
		snprintf(buf, len, "%s", e->code);
		*role = CR_NORMAL;
	}
}

/* Does the filter find the branch's row: its words, edges, events. */
static int
view_overview_match(struct tui *tui, const struct branch *b,
    const struct health *h)
{
	struct model		*m = tui->model;
	const struct edge	*routed, *lat;
	const struct latlink	*l;
	char			 text[640], loc[160], words[128];

	view_overview_location(b, loc, sizeof loc);
	routed = view_overview_edge(m, b->routed);
	lat = view_overview_edge(m, b->lat_nearest);
	l = view_overview_link(b);
	health_words(h, words, sizeof words);
	/* The event names find the rows they are about. */
	snprintf(text, sizeof text, "%s %s %s %s %s %s %s%s%s%s%s",
	    b->name, words, loc,
	    b->partner != NULL ? b->partner->name : b->partner_name,
	    b->nearest >= 0 && (size_t)b->nearest < m->nedges ?
	    m->edges[b->nearest].code : "",
	    routed != NULL ? routed->code : "",
	    lat != NULL ? lat->code : "",
	    b->suboptimal || b->lat_suboptimal ? " SuboptimalRouting" : "",
	    l != NULL && (l->flags & LAT_F_HIGH) ? " LatencyHigh" : "",
	    l != NULL && (l->flags & LAT_F_LOSS) ? " LossHigh" : "",
	    l != NULL && (l->flags & LAT_F_SHIFT) ? " LatencyShift" : "");
	return (tui_match(tui, text));
}

/* Branches matching the filter, sorted; caller frees. */
static struct branch **
view_overview_list(struct tui *tui, size_t *np)
{
	struct model	 *m = tui->model;
	struct branch	**list, *b;
	struct overview_sort *sort;
	struct health	  h;
	size_t		  i, n = 0;

	list = xcalloc(m->nbranches + 1, sizeof *list);
	sort = xcalloc(m->nbranches + 1, sizeof *sort);
	for (i = 0; i < m->nbranches; i++) {
		b = m->branches[i];
		health_branch_level(m, b, &h);
		/* No filter, no text to make (500 branches, every frame). */
		if (tui_filter(tui) != NULL && !view_overview_match(tui, b, &h))
			continue;
		sort[n].b = b;
		sort[n].level = h.level;
		sort[n++].ok = h.kind == HK_OK;
	}
	tui_sort(tui, &view_overview, sort, n, sizeof *sort);
	for (i = 0; i < n; i++)
		list[i] = sort[i].b;
	free(sort);
	tui_select(tui, &view_overview, list, n);
	*np = n;
	return (list);
}

/* A row's key: the branch's name. */
static void
view_overview_key(const void *list, size_t i, char *buf, size_t len)
{
	strlcpy_pt(buf, ((struct branch *const *)list)[i]->name, len);
}

static size_t
view_overview_rows(struct tui *tui)
{
	struct branch	**list;
	size_t		  n;

	list = view_overview_list(tui, &n);
	free(list);
	return (n);
}

/* Enter: the selected branch's detail (its Enter: the sessions). */
int
view_overview_drill(struct tui *tui)
{
	struct branch	**list, *b;
	size_t		  n, cur = tui->cursor[tui_view_index(&view_overview)];

	list = view_overview_list(tui, &n);
	b = cur < n ? list[cur] : NULL;
	free(list);
	return (view_branch_open(tui, b));
}

/*
 * The latency cells of a row: the edge with the lowest median ("Lat",
 * "=" beside it when that is the nearest edge too), mtr's figures of the
 * main link and its trend, as many buckets as the column shows, the
 * newest last.  "-" for no data.
 */
static void
view_overview_latency(struct tui *tui, const struct branch *b,
    const char **cells, enum color_role *roles, const int *widths,
    struct graph_figs *f, char *lat, size_t latlen, char *trend,
    size_t trendlen)
{
	const struct edge	*e = view_overview_edge(tui->model,
				    b->lat_nearest);
	const struct latlink	*l = view_overview_link(b);
	size_t			 n = LAT_TREND_N, i;

	if (e == NULL)
		snprintf(lat, latlen, "-");
	else
		snprintf(lat, latlen, "%s%s", e->code,
		    b->lat_nearest == b->nearest ? " =" : "");
	graph_figures(l, f, 1);
	trend[0] = '\0';
	if (l != NULL && widths[OV_TREND] > 0) {
		if ((size_t)widths[OV_TREND] < n)
			n = (size_t)widths[OV_TREND];
		graph_spark(l->trend + LAT_TREND_N - n, n, tui->ascii, trend,
		    trendlen);
	}
	cells[OV_LAT] = lat;
	cells[OV_LOSS] = f->loss;
	cells[OV_SNT] = f->snt;
	cells[OV_LASTMS] = f->last;
	cells[OV_AVG] = f->avg;
	cells[OV_BEST] = f->best;
	cells[OV_WRST] = f->wrst;
	cells[OV_STDEV] = f->stdev;
	cells[OV_TREND] = l != NULL ? trend : "-";

	for (i = OV_LOSS; i <= OV_TREND; i++)
		roles[i] = (l == NULL || l->received == 0) ? CR_STALE :
		    CR_NORMAL;
	roles[OV_LAT] = e == NULL ? CR_STALE : CR_NORMAL;
	if (l == NULL)
		return;
	/* Over the threshold: a glyph too, not only colour or bold. */
	if (l->flags & LAT_F_LOSS) {
		roles[OV_LOSS] = CR_CRIT;
		view_overview_over(tui, f->loss, sizeof f->loss, l->loss_pct,
		    "%", widths[OV_LOSS]);
	}
	if ((l->flags & LAT_F_HIGH) && l->received > 0) {
		roles[OV_AVG] = roles[OV_LASTMS] = CR_WARN;
		view_overview_over(tui, f->avg, sizeof f->avg,
		    l->avg_us / 1000.0, "", widths[OV_AVG]);
		if (l->last_us >= 0)
			view_overview_over(tui, f->last, sizeof f->last,
			    (double)l->last_us / 1000.0, "", widths[OV_LASTMS]);
	}
	if (l->flags & LAT_F_SHIFT)
		roles[OV_TREND] = CR_WARN;
}

/*
 * A figure over its threshold with the glyph after it ("226\u2191"), in
 * whole units when the column is too narrow for both ("13\u2191").
 */
static void
view_overview_over(struct tui *tui, char *cell, size_t len, double v,
    const char *unit, int width)
{
	const char	*g = draw_glyph(tui, GL_OVER);
	size_t		 used = strlen(cell);

	if (cell[0] == '-')
		return;
	strlcpy_pt(cell + used, g, len - used);
	if (draw_width(tui, cell) > width)
		snprintf(cell, len, "%.0f%s%s", v, unit, g);
}

/* One branch's row of the table. */
static void
view_overview_row(struct tui *tui, const struct branch *b, int y, int w,
    const int *widths, int selected)
{
	struct model	 *m = tui->model;
	const struct edge *e;
	size_t		  i;
	char		  loc[160], near[32], sess[24], red[48], last[160];
	char		  age[16], routed[16];
	char		  lat[16], trend[LAT_TREND_N * 4 + 1];
	char		  health[128], words[96];
	struct health	  h;
	struct graph_figs figs;
	const char	 *cells[OV_NCOLS];
	enum color_role	  roles[OV_NCOLS], rrole;
	enum redundancy	  r;

	r = view_overview_red(b);
	rrole = draw_red_role(r);
	e = (b->nearest >= 0 && (size_t)b->nearest < m->nedges) ?
	    &m->edges[b->nearest] : NULL;

	view_overview_location(b, loc, sizeof loc);
	/* At 80 columns the place has 11: the same in fewer words. */
	if (b->loc == LOC_UNKNOWN && widths[OV_LOCATION] <
	    draw_width(tui, loc))
		snprintf(loc, sizeof loc, "no location");
	else if (b->city[0] == '\0' && widths[OV_LOCATION] <
	    draw_width(tui, loc)) {
		/* Coordinates to a tenth of a degree: "47.6,-122.3". */
		if (b->country[0] != '\0')
			snprintf(loc, sizeof loc, "%s", b->country);
		else
			snprintf(loc, sizeof loc, "%.1f,%.1f", b->lat, b->lon);
	}
	if (e != NULL)
		snprintf(near, sizeof near, "%s %.0fkm", e->code,
		    b->nearest_km);
	else
		snprintf(near, sizeof near, "-");
	snprintf(sess, sizeof sess, "%d/%d", b->sessions_up,
	    b->sessions_total);
	snprintf(red, sizeof red, "%s %s",
	    draw_glyph(tui, draw_red_glyph(r)), redundancy_name(r));
	if (b->last_event[0] != '\0' && b->last_event_ms > 0) {
		fmt_duration(age, sizeof age,
		    (tui_now(tui) - b->last_event_ms) / 1000);
		snprintf(last, sizeof last, "%s %s", age, b->last_event);
	} else
		snprintf(last, sizeof last, "%s",
		    b->last_event[0] != '\0' ? b->last_event : "-");

	/*
	 * Glyph and word; what is wrong and what about as far as the
	 * column has room ("X CRIT hijack 81.2.69.0/24", "X CRIT hijack").
	 */
	health_branch_level(m, b, &h);
	snprintf(health, sizeof health, "%s %s %s",
	    draw_glyph(tui, draw_level_glyph(h.level)),
	    draw_level_word(h.level, h.kind == HK_OK, 0),
	    h.kind == HK_OK ? "" : health_words(&h, words, sizeof words));
	if (h.kind != HK_OK && draw_width(tui, health) > widths[OV_HEALTH])
		snprintf(health, sizeof health, "%s %s %s",
		    draw_glyph(tui, draw_level_glyph(h.level)),
		    draw_level_word(h.level, 0, 0), h.what);
	if (h.kind == HK_OK || draw_width(tui, health) > widths[OV_HEALTH])
		snprintf(health, sizeof health, "%s %s",
		    draw_glyph(tui, draw_level_glyph(h.level)),
		    draw_level_word(h.level, h.kind == HK_OK, 0));

	cells[OV_BRANCH] = b->name;
	cells[OV_HEALTH] = health;
	cells[OV_LOCATION] = loc;
	cells[OV_NEAREST] = near;
	view_overview_routed(tui, b, routed, sizeof routed,
	    &roles[OV_ROUTED]);
	cells[OV_ROUTED] = routed;
	cells[OV_METRO] = e != NULL ? e->metro : "-";
	cells[OV_SESS] = sess;
	cells[OV_RED] = red;
	cells[OV_PARTNER] = b->partner != NULL ? b->partner->name :
	    (b->partner_name[0] != '\0' ? b->partner_name : "-");
	cells[OV_LAST] = last;
	cells[OV_REASON] = b->partner != NULL ? b->partner->reason :
	    "no partner for this branch";

	for (i = 0; i < OV_NCOLS; i++) {
		if (i != OV_ROUTED)
			roles[i] = CR_NORMAL;
	}
	view_overview_latency(tui, b, cells, roles, widths, &figs, lat,
	    sizeof lat, trend, sizeof trend);
	if (b->loc == LOC_UNKNOWN)
		roles[OV_LOCATION] = CR_STALE;
	if (e == NULL)
		roles[OV_NEAREST] = CR_STALE;
	if (b->sessions_total == 0)
		roles[OV_SESS] = CR_STALE;
	else if (b->sessions_up == 0)
		roles[OV_SESS] = CR_CRIT;
	else if (b->sessions_up < b->sessions_total)
		roles[OV_SESS] = CR_WARN;
	else
		roles[OV_SESS] = CR_OK;
	roles[OV_RED] = rrole;
	roles[OV_REASON] = rrole;
	roles[OV_HEALTH] = h.kind == HK_OK ? CR_OK : draw_level_role(h.level);

	draw_row(tui, y, overview_cols, OV_NCOLS, widths, cells, roles,
	    CR_NORMAL, selected);
}

/*
 * Detail line: the selected branch's redundancy in words, after its
 * routing when that is suboptimal (the news, and it would be cut off at
 * the end of a long reason at 80 columns).
 */
static void
view_overview_detail(struct tui *tui, const struct branch *b, int y, int w)
{
	struct model	 *m = tui->model;
	const struct edge *e, *d;
	enum redundancy	  r = view_overview_red(b);
	enum color_role	  role = draw_red_role(r);
	struct health	  h;
	char		  detail[512], sub[256], words[96], worst[128];
	double		  med;

	/*
	 * The branch's worst condition when the rest of the line does not
	 * say it already (the redundancy, routing, the main link's
	 * latency): first from Error up, else after the routing.
	 */
	sub[0] = worst[0] = '\0';
	health_branch_level(m, b, &h);
	if (h.kind == HK_PREFIX || h.kind == HK_SESSION ||
	    (h.kind == HK_LATENCY && h.level >= LVL_ERROR))
		snprintf(worst, sizeof worst, " %s %s %s;",
		    draw_glyph(tui, draw_level_glyph(h.level)),
		    draw_level_word(h.level, 0, 1),
		    health_words(&h, words, sizeof words));
	if (worst[0] != '\0' && h.level >= LVL_ERROR) {
		strlcpy_pt(sub, worst, sizeof sub);
		worst[0] = '\0';
		role = CR_CRIT;
	}
	/* Judged against the nearest edge the partner has a session at. */
	if (b->suboptimal && (e = view_overview_edge(m, b->routed)) != NULL)
		snprintf(sub + strlen(sub), sizeof sub - strlen(sub),
		    " SuboptimalRouting via %s, nearest %s;", e->code,
		    (d = view_overview_edge(m, geo_deliverable_edge(m, b,
		    NULL))) != NULL ? d->code : "unknown");
	else if (b->lat_suboptimal && (e = view_overview_edge(m,
	    b->routed)) != NULL)
		snprintf(sub + strlen(sub), sizeof sub - strlen(sub),
		    " SuboptimalRouting via %s, fastest %s;", e->code,
		    (d = view_overview_edge(m, latency_mon_fastest(m, b, 1,
		    &med))) != NULL ? d->code : "unknown");
	view_overview_latdetail(tui, b, sub, sizeof sub);
	strlcpy_pt(sub + strlen(sub), worst, sizeof sub - strlen(sub));
	/*
	 * Redundancy lost: why, first, so that it shows at 80 columns
	 * ("DOWN" while 1 of 6 sessions still carries traffic), the partner
	 * last.
	 */
	if (b->partner != NULL && r != RED_REDUNDANT && r != RED_UNKNOWN &&
	    !(r == RED_NOBACKUP && b->partner->backup_none))
		snprintf(detail, sizeof detail, "%s: %s %s, %d/%d up: %s;%s "
		    "%s AS%u", b->name, draw_glyph(tui, draw_red_glyph(r)),
		    redundancy_name(r), b->sessions_up, b->sessions_total,
		    b->partner->reason[0] != '\0' ? b->partner->reason :
		    "no reason given", sub, b->partner->name, b->partner->asn);
	else if (b->partner != NULL)
		snprintf(detail, sizeof detail, "%s:%s %s AS%u %s %s: %s",
		    b->name, sub, b->partner->name, b->partner->asn,
		    draw_glyph(tui, draw_red_glyph(r)),
		    redundancy_name(r), b->partner->reason[0] != '\0' ?
		    b->partner->reason : "no reason given");
	else
		snprintf(detail, sizeof detail,
		    "%s:%s no partner for this branch", b->name, sub);
	draw_text(tui, y, 0, w, sub[0] != '\0' && role == CR_OK ? CR_WARN :
	    role, detail);
}

static void
view_overview_draw(struct tui *tui, int y, int h, int w)
{
	struct branch	**list;
	size_t		  n, i, idx = (size_t)tui_view_index(&view_overview);
	int		  widths[OV_NCOLS], rows, row;

	if (h < 3)
		return;
	draw_layout(overview_cols, OV_NCOLS, w, widths);
	tui_draw_header(tui, &view_overview, y, overview_cols, widths);

	list = view_overview_list(tui, &n);
	rows = h - 2;			/* header and detail line */
	draw_scroll(&tui->cursor[idx], &tui->scroll[idx], n, rows);

	for (row = 0; row < rows; row++) {
		i = tui->scroll[idx] + (size_t)row;
		if (i >= n)
			draw_empty_row(tui, y + 1 + row, w, row, n,
			    "no branch matches the filter",
			    "no branches configured");
		else
			view_overview_row(tui, list[i], y + 1 + row, w,
			    widths, i == tui->cursor[idx]);
	}
	if (tui->cursor[idx] < n)
		view_overview_detail(tui, list[tui->cursor[idx]], y + h - 1,
		    w);
	else
		draw_text(tui, y + h - 1, 0, w, CR_NORMAL, "");
	free(list);
}
