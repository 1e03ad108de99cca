/* SPDX-License-Identifier: ISC */
/*
 * The latency graph (see graph.h).  A value v in [0, ymax] maps to a
 * pixel row counted from the top of the plot, ph - 1 - floor(v * ph /
 * ymax) clamped to the plot, where ph is the plot's rows times the
 * mode's pixels per cell (4 for Braille, 2 for the half blocks, 1 for
 * ASCII): the bottom row holds the smallest values and ymax lands on the
 * top row.  The canvas's mode draws a column (canvas_mode's vbar):
 * Braille as pixels (the spread as the left dot column, the median as
 * both dots of its row, so the two stay apart in mono), block and ASCII
 * as one glyph per cell.
 */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/latency.h"
#include "core/util.h"
#include "tui/graph.h"

#define GRAPH_LABEL_GAP	2	/* blanks between two time labels */
#define GRAPH_LABELS_MAX 8	/* time labels, "now" aside */

/* A middle dot (U+00B7), light, medium, dark shade, a full block. */
static const char *const graph_loss_utf8[] = {
	[GRAPH_LOSS_NODATA] =	" ",
	[GRAPH_LOSS_NONE] =	"\xc2\xb7",
	[GRAPH_LOSS_LIGHT] =	"\xe2\x96\x91",
	[GRAPH_LOSS_SOME] =	"\xe2\x96\x92",
	[GRAPH_LOSS_HEAVY] =	"\xe2\x96\x93",
	[GRAPH_LOSS_ALL] =	"\xe2\x96\x88",
};
static const char *const graph_loss_ascii[] = {
	[GRAPH_LOSS_NODATA] =	" ",
	[GRAPH_LOSS_NONE] =	".",
	[GRAPH_LOSS_LIGHT] =	"-",
	[GRAPH_LOSS_SOME] =	"+",
	[GRAPH_LOSS_HEAVY] =	"#",
	[GRAPH_LOSS_ALL] =	"x",
};
static const enum color_role graph_loss_roles[] = {
	[GRAPH_LOSS_NODATA] =	CR_NORMAL,
	[GRAPH_LOSS_NONE] =	CR_OK,
	[GRAPH_LOSS_LIGHT] =	CR_DIM,
	[GRAPH_LOSS_SOME] =	CR_WARN,
	[GRAPH_LOSS_HEAVY] =	CR_CRIT,
	[GRAPH_LOSS_ALL] =	CR_CRIT,
};

/* The axes. */
#define GRAPH_VLINE	"\xe2\x94\x82"	/* U+2502 */
#define GRAPH_CORNER	"\xe2\x94\x94"	/* U+2514 */

/* Sparkline levels. */
static const char *const graph_spark_utf8[] = {
	"\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
	"\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88",
};
static const char graph_spark_ascii[] = "_.-=^";

/* Time label steps, seconds: the first giving labels far enough apart. */
static const int64_t graph_steps[] = {
	10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600,
	43200, 86400, 172800, 345600, 604800,
};

static void	 graph_columns_spread(struct graph_col *, size_t);
static int	graph_row(double, int64_t, int);
static void	graph_ylabel(char *, size_t, int64_t);
static void	graph_tlabel(char *, size_t, int64_t);
static void	graph_column(struct canvas *, int, int,
		    const struct graph_col *, int64_t);
static void	graph_xaxis(struct canvas *, int, int, int64_t);
static int	graph_cmp(const void *, const void *);

int
graph_plot_width(int w)
{
	return (w > GRAPH_YAXIS_W ? w - GRAPH_YAXIS_W : 0);
}

int64_t
graph_scale_us(const struct graph_col *cols, size_t n)
{
	static const int64_t	 nice[] = { 10, 20, 25, 50 };
	int64_t			 top = 0, v, p;
	size_t			 i;

	for (i = 0; i < n; i++) {
		if (cols[i].received == 0)
			continue;
		v = cols[i].hi_us;
		if (cols[i].median_us > (double)v)
			v = (int64_t)ceil(cols[i].median_us);
		if (v > top)
			top = v;
	}
	if (top <= 0)
		return (1000);		/* no data: 1 ms */
	/* From 10 us (0.01 ms, what a label shows) upwards. */
	for (p = 1; p <= INT64_MAX / 100; p *= 10) {
		for (i = 0; i < nitems(nice); i++) {
			if (nice[i] * p >= top)
				return (nice[i] * p);
		}
	}
	return (top);
}

enum graph_loss
graph_loss_level(const struct graph_col *col)
{
	double	 loss;

	if (col->sent == 0)
		return (GRAPH_LOSS_NODATA);
	if (col->received >= col->sent)
		return (GRAPH_LOSS_NONE);
	if (col->received == 0)
		return (GRAPH_LOSS_ALL);
	loss = 100.0 * (col->sent - col->received) / col->sent;
	if (loss >= 20.0)
		return (GRAPH_LOSS_HEAVY);
	if (loss >= 5.0)
		return (GRAPH_LOSS_SOME);
	return (GRAPH_LOSS_LIGHT);
}

enum color_role
graph_loss_role(enum graph_loss level)
{
	if (level > GRAPH_LOSS_ALL)
		level = GRAPH_LOSS_ALL;
	return (graph_loss_roles[level]);
}

const char *
graph_loss_glyph(enum graph_loss level, int ascii)
{
	if (level > GRAPH_LOSS_ALL)
		level = GRAPH_LOSS_ALL;
	return (ascii ? graph_loss_ascii[level] : graph_loss_utf8[level]);
}

/* The pixel row of v (see the top of the file). */
static int
graph_row(double v, int64_t ymax, int ph)
{
	double	 r;

	if (v < 0.0)
		v = 0.0;
	r = floor(v * ph / (double)ymax);
	if (r > ph - 1)
		r = ph - 1;
	return (ph - 1 - (int)r);
}

/* "150", "2.5", "0.05": milliseconds, no trailing zeros. */
static void
graph_ylabel(char *buf, size_t len, int64_t us)
{
	if (us % 1000 == 0)
		snprintf(buf, len, "%lld", (long long)(us / 1000));
	else if (us % 100 == 0)
		snprintf(buf, len, "%.1f", us / 1000.0);
	else
		snprintf(buf, len, "%.2f", us / 1000.0);
}

/* "-30s", "-5m", "-1m30s", "-2h", "-1d": seconds before the end. */
static void
graph_tlabel(char *buf, size_t len, int64_t s)
{
	if (s % 86400 == 0)
		snprintf(buf, len, "-%lldd", (long long)(s / 86400));
	else if (s % 3600 == 0)
		snprintf(buf, len, "-%lldh", (long long)(s / 3600));
	else if (s % 60 == 0)
		snprintf(buf, len, "-%lldm", (long long)(s / 60));
	else if (s > 60)
		snprintf(buf, len, "-%lldm%llds", (long long)(s / 60),
		    (long long)(s % 60));
	else
		snprintf(buf, len, "-%llds", (long long)s);
}

/* One data column at cell column x of a plot ph pixels tall. */
static void
graph_column(struct canvas *c, int x, int plot_h, const struct graph_col *col,
    int64_t ymax)
{
	enum graph_loss	 level = graph_loss_level(col);
	enum color_role	 role = graph_loss_role(level);
	int		 ph = plot_h * c->mode->vres, top, bot, mid, y;

	if (level == GRAPH_LOSS_NODATA)
		return;
	if (level == GRAPH_LOSS_ALL) {
		/* Nothing came back: the whole height says so. */
		for (y = 0; y < plot_h; y++)
			c->mode->solid(c, x, y, graph_loss_glyph(level,
			    c->mode->ascii), role);
		return;
	}
	top = graph_row((double)col->hi_us, ymax, ph);
	bot = graph_row((double)col->lo_us, ymax, ph);
	mid = graph_row(col->median_us, ymax, ph);
	c->mode->vbar(c, x, top, bot, mid, role);
}

/*
 * The time row: "now" at the right end, then labels at whole steps back
 * from it, each starting at its column, as many as fit without touching.
 */
static void
graph_xaxis(struct canvas *c, int pw, int y, int64_t span_ms)
{
	char	 label[16];
	int64_t	 step = 0, t;
	size_t	 i;
	int	 x0 = GRAPH_YAXIS_W, limit, col, len, max;

	if (pw <= 0 || span_ms <= 0)
		return;
	len = 3;
	if (pw >= len)
		canvas_text(c, x0 + pw - len, y, "now", CR_DIM);
	limit = x0 + pw - len - GRAPH_LABEL_GAP;
	/* A label every 12 columns at most, and 8 labels at most. */
	max = (pw + 11) / 12;
	if (max > GRAPH_LABELS_MAX)
		max = GRAPH_LABELS_MAX;
	for (i = 0; i < nitems(graph_steps); i++) {
		step = graph_steps[i];
		if (span_ms / 1000 / step <= max)
			break;
	}
	if (step <= 0)
		return;
	for (t = step; t * 1000 < span_ms; t += step) {
		/* The column whose start is t seconds before the end. */
		col = x0 + (int)((double)(span_ms - t * 1000) * pw /
		    (double)span_ms);
		graph_tlabel(label, sizeof label, t);
		len = (int)strlen(label);
		if (col < x0)
			break;
		if (col + len > limit)
			continue;
		canvas_text(c, col, y, label, CR_DIM);
		limit = col - GRAPH_LABEL_GAP;
	}
}

void
graph_render(struct canvas *c, const struct graph_col *cols, size_t n,
    int64_t span_ms)
{
	const char	*vline;
	char		 label[16];
	int64_t		 ymax;
	int		 pw = graph_plot_width(c->w), plot_h = c->h - 2;
	int		 x, y;
	int		 ascii = c->mode->ascii, len;

	canvas_clear(c);
	if (plot_h < 1 || pw <= 0)
		return;
	if (n > (size_t)pw)
		n = (size_t)pw;
	ymax = graph_scale_us(cols, n);
	vline = ascii ? "|" : GRAPH_VLINE;

	/* The y axis: the bound on top, half way, 0 on the bottom row. */
	for (y = 0; y < plot_h; y++)
		canvas_text(c, GRAPH_YAXIS_W - 1, y, vline, CR_DIM);
	graph_ylabel(label, sizeof label, ymax);
	len = (int)strlen(label);
	canvas_text(c, GRAPH_YAXIS_W - 1 - len, 0, label, CR_DIM);
	if (plot_h >= 5) {
		graph_ylabel(label, sizeof label, ymax / 2);
		len = (int)strlen(label);
		canvas_text(c, GRAPH_YAXIS_W - 1 - len, (plot_h - 1) / 2,
		    label, CR_DIM);
	}
	if (plot_h >= 2)
		canvas_text(c, GRAPH_YAXIS_W - 2, plot_h - 1, "0", CR_DIM);
	canvas_text(c, 0, plot_h, " loss", CR_DIM);
	canvas_text(c, GRAPH_YAXIS_W - 1, plot_h, vline, CR_DIM);
	canvas_text(c, 0, plot_h + 1, "   ms", CR_DIM);
	canvas_text(c, GRAPH_YAXIS_W - 1, plot_h + 1, ascii ? "+" :
	    GRAPH_CORNER, CR_DIM);

	for (x = 0; x < (int)n; x++) {
		graph_column(c, GRAPH_YAXIS_W + x, plot_h, &cols[x], ymax);
		canvas_text(c, GRAPH_YAXIS_W + x, plot_h,
		    graph_loss_glyph(graph_loss_level(&cols[x]), ascii),
		    graph_loss_role(graph_loss_level(&cols[x])));
	}
	graph_xaxis(c, pw, plot_h + 1, span_ms);
}

static int
graph_cmp(const void *a, const void *b)
{
	int64_t	x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x < y ? -1 : x > y);
}

void
graph_columns_series(const struct latency_series *ls, int64_t from_ms,
    int64_t to_ms, struct graph_col *cols, size_t n)
{
	int64_t		 t, rtt, *rtts;
	size_t		*start, *fill, i, j, k, count;
	struct graph_col *col;

	memset(cols, 0, n * sizeof *cols);
	if (n == 0 || to_ms <= from_ms || ls == NULL)
		return;
	count = latency_series_count(ls);
	start = xcalloc(n + 1, sizeof *start);
	fill = xcalloc(n, sizeof *fill);
	rtts = xcalloc(count + 1, sizeof *rtts);

	/* Count per column, then place each reply in its column's run. */
	for (i = 0; i < count; i++) {
		if (latency_sample_get(ls, i, &t, &rtt) != 0 ||
		    t < from_ms || t >= to_ms)
			continue;
		k = (size_t)((double)(t - from_ms) * n / (to_ms - from_ms));
		if (k >= n)
			k = n - 1;
		cols[k].sent++;
		if (rtt >= 0)
			cols[k].received++;
	}
	for (k = 0; k < n; k++)
		start[k + 1] = start[k] + cols[k].received;
	for (i = 0; i < count; i++) {
		if (latency_sample_get(ls, i, &t, &rtt) != 0 ||
		    t < from_ms || t >= to_ms || rtt < 0)
			continue;
		k = (size_t)((double)(t - from_ms) * n / (to_ms - from_ms));
		if (k >= n)
			k = n - 1;
		rtts[start[k] + fill[k]++] = rtt;
	}
	for (k = 0; k < n; k++) {
		col = &cols[k];
		if (col->received == 0)
			continue;
		qsort(rtts + start[k], col->received, sizeof *rtts, graph_cmp);
		j = col->received;
		if (j % 2 == 1)
			col->median_us = (double)rtts[start[k] + j / 2];
		else
			col->median_us = (rtts[start[k] + j / 2 - 1] +
			    rtts[start[k] + j / 2]) / 2.0;
		/* Nearest rank: the ceil(p * n)-th smallest, 1-based. */
		col->lo_us = rtts[start[k] + (size_t)ceil(0.10 * j) - 1];
		col->hi_us = rtts[start[k] + (size_t)ceil(0.90 * j) - 1];
	}
	graph_columns_spread(cols, n);
	free(rtts);
	free(fill);
	free(start);
}

/*
 * With fewer samples than columns (a 30 s window at one probe a second
 * over 70 columns) most columns hold none, and the line would be
 * dotted.  Each sample stands for the time until the next: a column left
 * empty repeats the one before it, for at most the average spacing of
 * the samples in columns, so a real gap (nothing arrived for longer)
 * still shows as a gap.
 */
static void
graph_columns_spread(struct graph_col *cols, size_t n)
{
	size_t	 k, used = 0, spacing, run = 0;

	for (k = 0; k < n; k++)
		if (cols[k].sent > 0)
			used++;
	if (used == 0 || used * 2 > n)
		return;
	spacing = (n + used - 1) / used;
	for (k = 1; k < n; k++) {
		if (cols[k].sent > 0) {
			run = 0;
			continue;
		}
		if (cols[k - 1].sent > 0 && ++run < spacing)
			cols[k] = cols[k - 1];
		else
			run = spacing;
	}
}

void
graph_spark(const double *v, size_t n, int ascii, char *buf, size_t len)
{
	char		 one[2];
	const char	*s;
	double		 lo = -1.0, hi = -1.0, range;
	size_t		 i, levels, used = 0, l;
	int		 level;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		if (v[i] < 0.0)
			continue;
		if (lo < 0.0 || v[i] < lo)
			lo = v[i];
		if (hi < 0.0 || v[i] > hi)
			hi = v[i];
	}
	levels = ascii ? strlen(graph_spark_ascii) : nitems(graph_spark_utf8);
	/* Noise on a steady link stays low: a quarter of the level at least. */
	range = hi - lo;
	if (range < hi / 4.0)
		range = hi / 4.0;
	if (range <= 0.0)
		range = 1.0;
	for (i = 0; i < n; i++) {
		s = v[i] <= -2.0 ? "x" : " ";
		if (v[i] >= 0.0) {
			level = (int)floor((v[i] - lo) / range * levels);
			if (level > (int)levels - 1)
				level = (int)levels - 1;
			if (level < 0)
				level = 0;
			if (ascii) {
				one[0] = graph_spark_ascii[level];
				one[1] = '\0';
				s = one;
			} else
				s = graph_spark_utf8[level];
		}
		l = strlen(s);
		if (used + l + 1 > len)
			break;
		memcpy(buf + used, s, l + 1);
		used += l;
	}
}

void
graph_ms(char *buf, size_t len, double us, int compact)
{
	if (us < 0.0)
		snprintf(buf, len, "-");
	else if (compact && us >= 99950.0)
		snprintf(buf, len, "%.0f", us / 1000.0);
	else
		snprintf(buf, len, "%.1f", us / 1000.0);
}

void
graph_figures(const struct latlink *l, struct graph_figs *f, int compact)
{
	int	 rx = (l != NULL && l->received > 0);

	if (l == NULL || l->sent == 0) {
		snprintf(f->loss, sizeof f->loss, "-");
		snprintf(f->snt, sizeof f->snt, "-");
	} else if (compact && l->loss_pct >= 99.95) {
		snprintf(f->loss, sizeof f->loss, "100%%");
		snprintf(f->snt, sizeof f->snt, "%u", l->sent);
	} else {
		snprintf(f->loss, sizeof f->loss, "%.1f%%", l->loss_pct);
		snprintf(f->snt, sizeof f->snt, "%u", l->sent);
	}
	graph_ms(f->last, sizeof f->last, l != NULL && l->last_us >= 0 ?
	    (double)l->last_us : -1.0, compact);
	graph_ms(f->avg, sizeof f->avg, rx ? l->avg_us : -1.0, compact);
	graph_ms(f->best, sizeof f->best, rx ? (double)l->best_us : -1.0,
	    compact);
	graph_ms(f->wrst, sizeof f->wrst, rx ? (double)l->worst_us : -1.0,
	    compact);
	graph_ms(f->stdev, sizeof f->stdev, rx ? l->stdev_us : -1.0, compact);
	graph_ms(f->med, sizeof f->med, rx ? l->median_us : -1.0, compact);
	graph_ms(f->p95, sizeof f->p95, rx ? (double)l->p95_us : -1.0,
	    compact);
	graph_ms(f->jttr, sizeof f->jttr, rx ? l->jitter_us : -1.0, compact);
}

char *
graph_flags(unsigned flags, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s%s", flags & LAT_F_HIGH ? "HIGH" : "",
	    (flags & LAT_F_HIGH) && (flags & (LAT_F_LOSS | LAT_F_SHIFT)) ?
	    " " : "", flags & LAT_F_LOSS ? "LOSS" : "",
	    (flags & LAT_F_LOSS) && (flags & LAT_F_SHIFT) ? " " : "",
	    flags & LAT_F_SHIFT ? "SHIFT" : "");
	return (buf);
}
