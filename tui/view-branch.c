/* SPDX-License-Identifier: ISC */
/*
 * Branch detail, opened by Enter on an Overview row (Esc goes back): the
 * branch's place and its edges (nearest by distance, by latency, the
 * routed one) and its partner's redundancy; a SmokePing-style graph
 * (graph.h) of the selected link over the live window, cut from the
 * link's ring of samples, or over 1h, 6h, 24h or 7d from the history
 * (store_latency_buckets(): exact percentiles while raw samples cover
 * the span, per-minute roll-ups after); mtr's table with one row per
 * link (edge and target), the cursor choosing the link graphed; then the
 * partner's sessions, the registered prefixes and the recent events that
 * name the branch, its partner or a session, as much as fits.  At 80x24
 * the graph gets a few rows and the table drops its least needed
 * columns; a bigger terminal gets a taller graph and every column.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/geo.h"
#include "core/latency.h"
#include "core/latency-mon.h"
#include "core/routemon.h"
#include "core/store.h"
#include "core/vrp.h"
#include "tui/canvas.h"
#include "tui/graph.h"
#include "tui/tui.h"

/* Graph spans; the first is the live window, the rest need the store. */
static const struct view_branch_span {
	const char	*name;
	int64_t		 ms;		/* 0: the live window */
} view_branch_spans[] = {
	{ "live", 0 },
	{ "1h", 3600 * 1000LL },
	{ "6h", 6 * 3600 * 1000LL },
	{ "24h", 24 * 3600 * 1000LL },
	{ "7d", 7 * 24 * 3600 * 1000LL },
};

enum {
	BR_EDGE, BR_TARGET, BR_SRC, BR_LOSS, BR_SNT, BR_LAST, BR_AVG,
	BR_BEST, BR_WRST, BR_STDEV, BR_MED, BR_P95, BR_JTTR, BR_FLAGS,
	BR_NCOLS
};

/* mtr's column names, then SmokePing's median and a p95. */
static const struct draw_col branch_cols[BR_NCOLS] = {
	[BR_EDGE] =	{ "Edge", 5, 7, 0, 0 },
	[BR_TARGET] =	{ "Target", 9, 9, 2, DC_ADDR },	/* never cut */
	[BR_SRC] =	{ "Src", 5, 5, 4, 0 },
	[BR_LOSS] =	{ "Loss%", 6, 6, 0, DC_RIGHT },
	[BR_SNT] =	{ "Snt", 5, 6, 1, DC_RIGHT },
	[BR_LAST] =	{ "Last", 6, 7, 1, DC_RIGHT },
	[BR_AVG] =	{ "Avg", 6, 7, 0, DC_RIGHT },
	[BR_BEST] =	{ "Best", 6, 7, 1, DC_RIGHT },
	[BR_WRST] =	{ "Wrst", 6, 7, 1, DC_RIGHT },
	[BR_STDEV] =	{ "StDev", 6, 7, 3, DC_RIGHT },
	[BR_MED] =	{ "Med", 6, 7, 0, DC_RIGHT },
	[BR_P95] =	{ "p95", 6, 7, 3, DC_RIGHT },
	[BR_JTTR] =	{ "Jttr", 6, 7, 3, DC_RIGHT },
	[BR_FLAGS] =	{ "Flags", 5, 20, 0, 0 },
};

#define BR_GRAPH_MIN	7	/* rows: 5 plot rows, loss and times */

/*
 * The last span of history cut into columns.  Keyed by the link's names,
 * not its address: replay frees and allocates the links again on every
 * load, and a new link at a freed one's address would be shown the old
 * one's history.
 */
struct view_branch_cache {
	const void		*src;	/* the store, or the tui asked */
	char			 branch[NAME_MAX_PT];
	char			 edge[EDGE_CODE_MAX];
	char			 target[NAME_MAX_PT];
	int64_t			 span_ms, at_ms;
	int			 pw, ok, exact;
	struct graph_col	*cols;
};

/* Whether Branch detail can show spans of history: the file, or the
 * collector asked through its socket. */
static int
view_branch_has_history(const struct tui *tui)
{
	return (tui->store != NULL || (tui->lat_buckets != NULL &&
	    tui->lat_span != NULL));
}

/* What answers them, for the cache. */
static const void *
view_branch_src(const struct tui *tui)
{
	return (tui->store != NULL ? (const void *)tui->store :
	    (const void *)tui);
}

/* The view's own state (tui_view_data()). */
struct view_branch_state {
	struct branch		*branch;	/* shown, NULL: none yet */
	int			 span;		/* view_branch_spans[] */
	struct view_branch_cache cache;
};

static void	*view_branch_init(struct tui *);
static void	 view_branch_free(void *);
static struct view_branch_state *view_branch_state(struct tui *);
static void	 view_branch_enter(struct tui *);
static void	 view_branch_draw(struct tui *, int, int, int);
static size_t	 view_branch_rows(struct tui *);
static int	 view_branch_spans_usable(struct tui *);
static void	 view_branch_head(struct tui *, const struct branch *, int,
		    int *, int, int);
static int	 view_branch_history(struct tui *, const struct branch *,
		    const struct latlink *, int64_t, int64_t,
		    struct graph_col *, int, int *);
static void	 view_branch_graph(struct tui *, const struct branch *,
		    const struct latlink *, int, int, int);
static void	 view_branch_over(struct tui *, char *, size_t);
static void	 view_branch_table(struct tui *, const struct branch *, int,
		    int *, int, int);
static const char *view_branch_rpki(const struct model *,
		    const struct branch_prefix *, char *, size_t);
static void	 view_branch_lists(struct tui *, const struct branch *, int,
		    int *, int, int);
static int	 view_branch_event_about(const struct branch *,
		    const struct event *);
static const char *view_branch_edge(const struct model *, int);

const struct view view_branch = {
	.name = "branch",
	.title = "Branch",
	.keys = &keys_branch,
	.init = view_branch_init,
	.free = view_branch_free,
	.enter = view_branch_enter,
	.draw = view_branch_draw,
	.rows = view_branch_rows,
};

static const char *
view_branch_edge(const struct model *m, int idx)
{
	if (idx < 0 || (size_t)idx >= m->nedges)
		return (NULL);
	return (m->edges[idx].code);
}

/* The live window only, without a store to read history from. */
static int
view_branch_spans_usable(struct tui *tui)
{
	return (view_branch_has_history(tui) ?
	    (int)nitems(view_branch_spans) : 1);
}

static void *
view_branch_init(struct tui *tui)
{
	return (xcalloc(1, sizeof (struct view_branch_state)));
}

static void
view_branch_free(void *data)
{
	struct view_branch_state	*vs = data;

	free(vs->cache.cols);
	free(vs);
}

static struct view_branch_state *
view_branch_state(struct tui *tui)
{
	return (tui_view_data(tui, &view_branch));
}

struct branch *
view_branch_shown(struct tui *tui)
{
	return (view_branch_state(tui)->branch);
}

const char *
view_branch_span_name(struct tui *tui)
{
	return (view_branch_spans[view_branch_state(tui)->span].name);
}

/*
 * Replay loads the model again and its branches are new objects: find
 * the shown one by name.  Without state yet (the terminal has gone)
 * nothing is shown and nothing is allocated.
 */
struct branch *
view_branch_rebind(struct tui *tui, struct model *m)
{
	struct view_branch_state	*vs;

	vs = tui->view_data[tui_view_index(&view_branch)];
	if (vs == NULL || vs->branch == NULL)
		return (NULL);
	vs->branch = model_branch_find(m, vs->branch->name);
	return (vs->branch);
}

static void
view_branch_enter(struct tui *tui)
{
	struct view_branch_state	*vs = view_branch_state(tui);

	if (vs->span < 0 || vs->span >= view_branch_spans_usable(tui))
		vs->span = 0;
}

static size_t
view_branch_rows(struct tui *tui)
{
	struct branch	*b = view_branch_shown(tui);

	return (b != NULL ? b->nlinks : 0);
}

/* Show b, its graph on the Overview's link (lat_main) to begin with. */
int
view_branch_open(struct tui *tui, struct branch *b)
{
	size_t	 idx = (size_t)tui_view_index(&view_branch);

	if (b == NULL)
		return (ACT_NONE);
	view_branch_state(tui)->branch = b;
	tui_set_view(tui, &view_branch);
	tui->cursor[idx] = (b->lat_main >= 0 &&
	    (size_t)b->lat_main < b->nlinks) ? (size_t)b->lat_main : 0;
	tui->scroll[idx] = 0;
	return (ACT_REDRAW);
}

/* Enter: the partner's sessions, as the Overview's Enter used to. */
int
view_branch_drill(struct tui *tui)
{
	const struct branch	*b = view_branch_shown(tui);
	char			 name[NAME_MAX_PT];

	if (b == NULL)
		return (ACT_NONE);
	strlcpy_pt(name, b->partner != NULL ? b->partner->name :
	    b->partner_name, sizeof name);
	tui_set_view(tui, &view_sessions);
	tui_set_filter(tui, name[0] != '\0' ? name : NULL);
	return (ACT_REDRAW);
}

int
view_branch_span(struct tui *tui, int dir)
{
	struct view_branch_state	*vs = view_branch_state(tui);
	int				 n = view_branch_spans_usable(tui);

	vs->span = (vs->span + (dir > 0 ? 1 : n - 1)) % n;
	return (ACT_REDRAW);
}

int
view_branch_link(struct tui *tui, int dir)
{
	size_t	 n = view_branch_rows(tui), *cur;

	if (n == 0)
		return (ACT_NONE);
	cur = &tui->cursor[tui_view_index(&view_branch)];
	*cur = (*cur + (dir > 0 ? 1 : n - 1)) % n;
	return (ACT_REDRAW);
}

/*
 * The head: where the branch is, its three edges, its partner's
 * redundancy.  Lines are cut to w; the words carry each state.
 */
static void
view_branch_head(struct tui *tui, const struct branch *b, int y, int *row,
    int h, int w)
{
	struct model	*m = tui->model;
	const char	*near, *lat, *routed;
	char		 line[512], loc[128], ms[16], nearest[64], why[48];
	double		 dkm;
	int		 deliver;
	enum redundancy	 red = b->partner != NULL ? b->partner->red :
			    RED_UNKNOWN;

	if (b->loc == LOC_UNKNOWN)
		snprintf(loc, sizeof loc, "location unknown");
	else if (b->city[0] != '\0')
		snprintf(loc, sizeof loc, "%s, %s (%.2f, %.2f)", b->city,
		    b->country, b->lat, b->lon);
	else
		snprintf(loc, sizeof loc, "%.2f, %.2f", b->lat, b->lon);
	if (*row < h) {
		snprintf(line, sizeof line, "%s  %s%s%s", b->name, loc,
		    b->asn != 0 ? "  " : "", b->asname);
		draw_text_attr(tui, y + (*row)++, 0, w,
		    draw_attr(tui, CR_NORMAL) | A_BOLD, line);
	}

	near = view_branch_edge(m, b->nearest);
	lat = view_branch_edge(m, b->lat_nearest);
	routed = view_branch_edge(m, b->routed);
	graph_ms(ms, sizeof ms, lat != NULL ? b->lat_nearest_us : -1.0, 0);
	/*
	 * Routing is judged against the nearest edge the partner can
	 * deliver at; when the geographic nearest is not one (no session
	 * there, or only down ones), both get a line of their own.
	 */
	deliver = geo_deliverable_edge(m, b, &dkm);
	nearest[0] = '\0';
	if (near != NULL)
		snprintf(nearest, sizeof nearest, "Nearest %s %.0fkm   ",
		    near, b->nearest_km);
	if (near != NULL && deliver != b->nearest && *row < h) {
		geo_edge_why(b, b->nearest, why, sizeof why);
		snprintf(line, sizeof line, "Nearest edge %s %.0fkm (%s); "
		    "nearest deliverable %s", near, b->nearest_km, why,
		    view_branch_edge(m, deliver) != NULL ?
		    view_branch_edge(m, deliver) : "none");
		if (deliver >= 0)
			snprintf(line + strlen(line), sizeof line -
			    strlen(line), " %.0fkm", dkm);
		draw_text(tui, y + (*row)++, 0, w, CR_NORMAL, line);
		nearest[0] = '\0';
	} else if (near == NULL)
		snprintf(nearest, sizeof nearest, "Nearest -   ");
	if (*row < h) {
		snprintf(line, sizeof line, "%sBy latency %s%s%s%s   Routed "
		    "%s%s", nearest, lat != NULL ? lat : "-",
		    lat != NULL ? " " : "", lat != NULL ? ms : "",
		    lat != NULL ? " ms" : "",
		    routed != NULL ? routed : "-", b->suboptimal ||
		    b->lat_suboptimal ? " SuboptimalRouting" : "");
		draw_text(tui, y + (*row)++, 0, w, b->suboptimal ||
		    b->lat_suboptimal ? CR_WARN : CR_NORMAL, line);
	}
	if (*row < h) {
		if (b->partner != NULL)
			snprintf(line, sizeof line, "Partner %s AS%u  %s "
			    "%s%s%s", b->partner->name, b->partner->asn,
			    draw_glyph(tui, draw_red_glyph(red)),
			    redundancy_name(red),
			    b->partner->reason[0] != '\0' ? ": " : "",
			    b->partner->reason);
		else
			snprintf(line, sizeof line, "Partner %s",
			    b->partner_name[0] != '\0' ? b->partner_name :
			    "none configured");
		draw_text(tui, y + (*row)++, 0, w, draw_red_role(red), line);
	}
}

/*
 * The columns of a span of history: store_latency_buckets() for link l,
 * kept for a column's time (1 to 10 seconds) so that the dashboard does
 * not query SQLite on every redraw (a redraw follows each sample; an
 * hour of samples at 10 a second takes about 12 ms to cut into 154
 * columns); an empty answer is not kept, the samples may be on their
 * way to the disk.  0 when there is no history to show.
 */
static int
view_branch_history(struct tui *tui, const struct branch *b,
    const struct latlink *l, int64_t span_ms, int64_t now,
    struct graph_col *cols, int pw, int *exact)
{
	struct view_branch_cache	*cache = &view_branch_state(tui)->cache;
	struct lat_bucket		*bk;
	const char			*edge = view_branch_edge(tui->model,
					    l->edge_idx);
	int64_t				 keep;
	int				 i, any = 0;

	if (!view_branch_has_history(tui) || edge == NULL || pw <= 0)
		return (0);
	keep = span_ms / pw;
	keep = keep < 1000 ? 1000 : keep > 10000 ? 10000 : keep;
	if (cache->src == view_branch_src(tui) &&
	    strcmp(cache->branch, b->name) == 0 &&
	    strcmp(cache->edge, edge) == 0 &&
	    strcmp(cache->target, l->target) == 0 &&
	    cache->span_ms == span_ms && cache->pw == pw &&
	    now >= cache->at_ms && now - cache->at_ms < keep) {
		memcpy(cols, cache->cols, (size_t)pw * sizeof *cols);
		*exact = cache->exact;
		return (cache->ok);
	}

	bk = xcalloc((size_t)pw, sizeof *bk);
	cache->ok = (tui->store != NULL ? store_latency_buckets(tui->store,
	    b->name, edge, l->target[0] != '\0' ? l->target : NULL,
	    now - span_ms, now, bk, (size_t)pw) : tui->lat_buckets(tui,
	    b->name, edge, l->target[0] != '\0' ? l->target : NULL,
	    now - span_ms, now, bk, (size_t)pw)) >= 0;
	cache->exact = 1;
	for (i = 0; i < pw; i++) {
		memset(&cols[i], 0, sizeof cols[i]);
		if (!cache->ok)
			continue;
		cols[i].median_us = bk[i].median_us;
		cols[i].lo_us = bk[i].lo_us;
		cols[i].hi_us = bk[i].hi_us;
		cols[i].sent = bk[i].sent;
		cols[i].received = bk[i].received;
		if (bk[i].sent > 0 && !bk[i].exact)
			cache->exact = 0;
		any |= bk[i].sent > 0;
	}
	free(bk);
	cache->cols = xreallocarray(cache->cols, (size_t)pw, sizeof *cols);
	memcpy(cache->cols, cols, (size_t)pw * sizeof *cols);
	/* Nothing yet (not flushed, say) is asked again next time. */
	cache->src = any ? view_branch_src(tui) : NULL;
	strlcpy_pt(cache->branch, b->name, sizeof cache->branch);
	strlcpy_pt(cache->edge, edge, sizeof cache->edge);
	strlcpy_pt(cache->target, l->target, sizeof cache->target);
	cache->span_ms = span_ms;
	cache->pw = pw;
	cache->at_ms = now;
	*exact = cache->exact;
	return (cache->ok);
}

/*
 * The graph of link l: a title line (link, span, exact or roll-up, what
 * the shading means) and the canvas under it, gh rows in all.
 */
static void
view_branch_graph(struct tui *tui, const struct branch *b,
    const struct latlink *l, int y, int gh, int w)
{
	const struct view_branch_span *sp = &view_branch_spans[
					    view_branch_state(tui)->span];
	struct model		*m = tui->model;
	struct canvas		*c;
	struct graph_col	*cols;
	enum map_mode		 mode;
	const char		*edge, *how;
	char			 title[256], span[32];
	int64_t			 now = tui_now(tui), span_ms;
	int			 pw, exact = 1, ok = 1;

	if (gh < 2)
		return;
	mode = tui->ascii ? MAP_ASCII : tui->map_mode;
	pw = graph_plot_width(w);
	cols = xcalloc((size_t)(pw > 0 ? pw : 1), sizeof *cols);
	span_ms = sp->ms != 0 ? sp->ms : latency_mon_window_ms(m);
	if (l == NULL)
		ok = 0;
	else if (sp->ms == 0)
		graph_columns_series(l->ring, now - span_ms, now, cols,
		    (size_t)pw);
	else
		ok = view_branch_history(tui, b, l, span_ms, now, cols, pw,
		    &exact);

	/* In replay the window is the one before the shown time. */
	if (sp->ms == 0 && span_ms % 60000 == 0)
		snprintf(span, sizeof span, "%s %lldm", tui_replaying(tui) ?
		    "window" : "live", (long long)(span_ms / 60000));
	else if (sp->ms == 0)	/* a window of seconds, e.g. the lab's */
		snprintf(span, sizeof span, "%s %llds", tui_replaying(tui) ?
		    "window" : "live", (long long)(span_ms / 1000));
	else
		snprintf(span, sizeof span, "%s", sp->name);
	how = exact ? "exact: median, 10-90% spread" :
	    "roll-up: mean, min-max spread";
	if (l == NULL)
		snprintf(title, sizeof title, "Latency: no data (no probe or "
		    "source reports this branch)");
	else
		snprintf(title, sizeof title, "Latency %s%s%s %s  [%s] %s%s",
		    (edge = view_branch_edge(m, l->edge_idx)) != NULL ? edge :
		    "?", l->target[0] != '\0' ? " " : "", l->target,
		    latency_mon_source_name(l->source), span,
		    ok ? how : "no history",
		    w >= 100 ? "   j/k link  s span  c glyphs" : "");
	draw_text(tui, y, 0, w, CR_HEADER, title);

	c = canvas_new(w, gh - 1, mode);
	graph_render(c, cols, ok ? (size_t)pw : 0, span_ms);
	canvas_draw(c, tui, y + 1, 0);
	canvas_free(c);
	free(cols);
}

/*
 * A link's figures for the table: the live window's, or with a span of
 * history selected, that span's from the per-minute roll-ups
 * (store_latency_span()): Loss% Snt Avg Best Wrst StDev; a median, p95,
 * jitter and Last cannot be rolled up and show "-".
 */
static void
view_branch_figures(struct tui *tui, const struct branch *b,
    const struct latlink *l, const char *edge, struct graph_figs *f)
{
	const struct view_branch_span	*sp = &view_branch_spans[
					    view_branch_state(tui)->span];
	struct latency_stats		 ls;
	struct latlink			 h;
	int64_t				 now = tui_now(tui);

	if (sp->ms == 0 || !view_branch_has_history(tui) || edge == NULL) {
		graph_figures(l, f, 0);
		return;
	}
	memset(&h, 0, sizeof h);
	if ((tui->store != NULL ? store_latency_span(tui->store, b->name, edge,
	    l->target[0] != '\0' ? l->target : NULL, now - sp->ms, now, &ls) :
	    tui->lat_span(tui, b->name, edge, l->target[0] != '\0' ?
	    l->target : NULL, now - sp->ms, now, &ls)) > 0) {
		h.sent = ls.sent;
		h.received = ls.received;
		h.loss_pct = ls.loss_pct;
		h.avg_us = ls.avg_us;
		h.best_us = ls.best_us;
		h.worst_us = ls.worst_us;
		h.stdev_us = ls.stdev_us;
	}
	h.last_us = -1;
	graph_figures(&h, f, 0);
	snprintf(f->med, sizeof f->med, "-");
	snprintf(f->p95, sizeof f->p95, "-");
	snprintf(f->jttr, sizeof f->jttr, "-");
}

/* A figure over its threshold: "354.1\u2191" ("-" stays). */
static void
view_branch_over(struct tui *tui, char *cell, size_t len)
{
	size_t	 used = strlen(cell);

	if (cell[0] != '-')
		strlcpy_pt(cell + used, draw_glyph(tui, GL_OVER), len - used);
}

/* mtr's table: a header and one row per link, the graphed one selected. */
static void
view_branch_table(struct tui *tui, const struct branch *b, int y, int *row,
    int rows, int w)
{
	struct model		*m = tui->model;
	struct latlink		*l;
	struct graph_figs	 f;
	struct draw_col		 cols[BR_NCOLS];
	const char		*cells[BR_NCOLS], *edge;
	enum color_role		 roles[BR_NCOLS];
	char			 flags[32];
	size_t			 idx, i;
	int			 widths[BR_NCOLS], r, k;

	if (rows < 1)
		return;
	idx = (size_t)tui_view_index(&view_branch);
	/* The Target column as wide as the longest target: never cut. */
	memcpy(cols, branch_cols, sizeof cols);
	for (i = 0; i < b->nlinks; i++)
		draw_fit(tui, &cols[BR_TARGET], b->links[i]->target);
	draw_layout(cols, BR_NCOLS, w, widths);
	draw_header(tui, y + (*row)++, cols, BR_NCOLS, widths);
	rows--;
	draw_scroll(&tui->cursor[idx], &tui->scroll[idx], b->nlinks,
	    rows > 0 ? rows : 1);
	for (r = 0; r < rows; r++) {
		i = tui->scroll[idx] + (size_t)r;
		if (i >= b->nlinks) {
			draw_empty_row(tui, y + *row, w, r, b->nlinks, "",
			    "no latency data: no probe, Prometheus series or "
			    "agent for this branch yet");
			(*row)++;
			continue;
		}
		l = b->links[i];
		edge = view_branch_edge(m, l->edge_idx);
		view_branch_figures(tui, b, l, edge, &f);
		cells[BR_EDGE] = edge != NULL ? edge : "?";
		cells[BR_TARGET] = l->target[0] != '\0' ? l->target : "-";
		cells[BR_SRC] = latency_mon_source_name(l->source);
		cells[BR_LOSS] = f.loss;
		cells[BR_SNT] = f.snt;
		cells[BR_LAST] = f.last;
		cells[BR_AVG] = f.avg;
		cells[BR_BEST] = f.best;
		cells[BR_WRST] = f.wrst;
		cells[BR_STDEV] = f.stdev;
		cells[BR_MED] = f.med;
		cells[BR_P95] = f.p95;
		cells[BR_JTTR] = f.jttr;
		cells[BR_FLAGS] = graph_flags(l->flags, flags, sizeof flags);
		for (k = 0; k < BR_NCOLS; k++)
			roles[k] = l->received == 0 ? CR_STALE : CR_NORMAL;
		/* Over the threshold: a glyph too, not only colour. */
		if (l->flags & LAT_F_LOSS) {
			roles[BR_LOSS] = CR_CRIT;
			view_branch_over(tui, f.loss, sizeof f.loss);
		}
		if (l->flags & LAT_F_HIGH) {
			roles[BR_MED] = roles[BR_AVG] = CR_WARN;
			view_branch_over(tui, f.med, sizeof f.med);
			view_branch_over(tui, f.avg, sizeof f.avg);
		}
		roles[BR_FLAGS] = l->flags != 0 ? CR_WARN : CR_NORMAL;
		draw_row(tui, y + (*row)++, cols, BR_NCOLS, widths,
		    cells, roles, CR_NORMAL, i == tui->cursor[idx]);
	}
}

/* Does an event concern the branch, its partner or one of its sessions? */
static int
view_branch_event_about(const struct branch *b, const struct event *e)
{
	const struct partner	*p = b->partner;
	size_t			 i;

	if (strstr(e->subject, b->name) != NULL ||
	    strstr(e->summary, b->name) != NULL)
		return (1);
	if (p == NULL)
		return (0);
	if (strstr(e->subject, p->name) != NULL)
		return (1);
	for (i = 0; i < p->nsessions; i++) {
		if (strstr(e->subject, p->sessions[i]->name) != NULL)
			return (1);
	}
	return (0);
}

/* With VRPs, "RPKI valid " (the registered origin's state), else "". */
static const char *
view_branch_rpki(const struct model *m, const struct branch_prefix *bp,
    char *buf, size_t len)
{
	int	 st = routemon_rpki_state(m, bp);

	buf[0] = '\0';
	if (st >= 0)
		snprintf(buf, len, "RPKI %s, ", vrp_state_name(
		    (enum vrp_state)st));
	return (buf);
}

/*
 * Sessions, prefixes and recent events: side by side when there is room
 * (sessions and prefixes on the left, events on the right), else one
 * after the other, each cut where the rows run out.
 */
static void
view_branch_lists(struct tui *tui, const struct branch *b, int y, int *row,
    int h, int w)
{
	struct model		*m = tui->model;
	const struct partner	*p = b->partner;
	const struct session	*s;
	const struct branch_prefix *bp;
	const struct event	*e;
	char			 line[512], pfx[64], age[16], when[32];
	char			 rpki[32];
	enum color_role		 role;
	size_t			 i, n;
	int			 lw = w, ex = 0, r, er;

	if (w >= 120) {
		lw = w / 2 - 1;
		ex = w / 2;
	}
	r = *row;
	if (r < h)
		draw_text(tui, y + r++, 0, lw, CR_HEADER, "Sessions");
	if (p == NULL && r < h)
		draw_text(tui, y + r++, 0, lw, CR_STALE, " no partner");
	for (i = 0; p != NULL && i < p->nsessions && r < h; i++) {
		s = p->sessions[i];
		age[0] = '\0';
		if (s->since_ms > 0)
			fmt_duration(age, sizeof age, (tui_now(tui) -
			    s->since_ms) / 1000);
		snprintf(line, sizeof line, " %s %-14s %-11s %-6s %-4s %s",
		    draw_glyph(tui, draw_state_glyph(s->state)), s->name,
		    bgp_state_name(s->state), age, s->edge,
		    role_name(s->role));
		draw_text(tui, y + r++, 0, lw, draw_state_role(s->state),
		    line);
	}
	if (r < h)
		draw_text(tui, y + r++, 0, lw, CR_HEADER, "Prefixes");
	if (b->nprefixes == 0 && r < h)
		draw_text(tui, y + r++, 0, lw, CR_DIM, " none registered");
	for (i = 0; i < b->nprefixes && r < h; i++) {
		bp = &b->prefixes[i];
		prefix_fmt(&bp->prefix, pfx, sizeof pfx);
		if (!bp->seen) {
			role = CR_STALE;
			snprintf(line, sizeof line, " %s %-18s not seen yet",
			    draw_glyph(tui, GL_UNKNOWN), pfx);
		} else if (bp->flags != 0) {
			role = (bp->flags & (PFX_ORIGIN | PFX_SUBHIJACK |
			    PFX_INVISIBLE | PFX_RPKI_INVALID)) ? CR_CRIT :
			    CR_WARN;
			snprintf(line, sizeof line, " %s %-18s %s%s",
			    draw_glyph(tui, role == CR_CRIT ? GL_DOWN :
			    GL_WARN), pfx, view_branch_rpki(m, bp, rpki,
			    sizeof rpki), bp->problem);
		} else {
			role = CR_OK;
			snprintf(line, sizeof line, " %s %-18s ok, %s%u/%u "
			    "primary %u/%u backup", draw_glyph(tui, GL_UP),
			    pfx, view_branch_rpki(m, bp, rpki, sizeof rpki),
			    bp->nprimary, bp->nprimary_total,
			    bp->nbackup, bp->nbackup_total);
		}
		draw_text(tui, y + r++, 0, lw, role, line);
	}

	/* Events: beside the lists when wide, else under them. */
	if (ex > 0) {
		for (er = *row; er < h; er++)
			draw_text(tui, y + er, lw, ex - lw, CR_NORMAL, "");
		er = *row;
	} else
		er = r;
	while (r < h && ex > 0)
		draw_text(tui, y + r++, 0, lw, CR_NORMAL, "");
	if (er < h)
		draw_text(tui, y + er++, ex, w - ex, CR_HEADER,
		    "Recent events");
	n = 0;
	for (i = m->nevents; i > 0 && er < h; i--) {
		e = model_event(m, i - 1);
		if (e == NULL || !view_branch_event_about(b, e))
			continue;
		fmt_time(when, sizeof when, e->time_ms, FMT_TIME_DATE);
		snprintf(line, sizeof line, " %s %-8.8s %s %s", when,
		    level_name(e->level), e->type, e->summary);
		draw_text(tui, y + er++, ex, w - ex, draw_level_role(e->level),
		    line);
		n++;
	}
	if (n == 0 && er < h)
		draw_text(tui, y + er++, ex, w - ex, CR_DIM, " none recorded");
	while (er < h)
		draw_text(tui, y + er++, ex, w - ex, CR_NORMAL, "");
	if (ex == 0)
		r = er;
	*row = r > er ? r : er;
}

static void
view_branch_draw(struct tui *tui, int y, int h, int w)
{
	const struct branch	*b = view_branch_shown(tui);
	const struct latlink	*l = NULL;
	size_t			 cur;
	int			 row = 0, gh, th;

	if (h <= 0)
		return;
	if (b == NULL) {
		draw_fill(tui, y, h, w, CR_NORMAL);
		draw_text(tui, y, 0, w, CR_DIM,
		    "no branch: Enter on an Overview row opens its detail");
		return;
	}
	view_branch_enter(tui);
	cur = tui->cursor[tui_view_index(&view_branch)];
	if (cur < b->nlinks)
		l = b->links[cur];

	view_branch_head(tui, b, y, &row, h, w);
	/*
	 * The rest: the table (a header and a row per link, at least one),
	 * the graph (a third of the body, BR_GRAPH_MIN rows at least, plus
	 * its title) and the lists below.
	 */
	th = 1 + (b->nlinks > 0 ? (int)b->nlinks : 1);
	if (th > 1 + 6)
		th = 1 + 6;
	gh = (h - row) / 3;
	if (gh < BR_GRAPH_MIN + 1)
		gh = BR_GRAPH_MIN + 1;
	if (gh > h - row - th)
		gh = h - row - th;
	if (gh >= GRAPH_ROWS_MIN + 1) {
		view_branch_graph(tui, b, l, y + row, gh, w);
		row += gh;
	}
	view_branch_table(tui, b, y, &row, th < h - row ? th : h - row, w);
	view_branch_lists(tui, b, y, &row, h, w);
	while (row < h)
		draw_text(tui, y + row++, 0, w, CR_NORMAL, "");
}
