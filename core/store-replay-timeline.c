/* SPDX-License-Identifier: ISC */
/*
 * The replay's moves and its bar (replay.h): the next or previous
 * recorded change, what changed at a time (for t/T's words), the
 * timeline of the span with its long unrecorded gaps squeezed into a
 * cell each, and whether a recording run covers a time.  Read through
 * store-replay.c's connection and statements; what the reader shares is
 * in store-replay-private.h.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "core/replay.h"
#include "core/store-replay-private.h"
#include "core/util.h"

/* A stretch of time [a, b): a recording run, a gap, a segment. */
struct replay_span {
	int64_t		 a, b;
};

static int	 replay_timeline_read(struct replay *, int64_t, int64_t,
		    size_t, uint8_t *, uint8_t *, int64_t *);
static uint64_t	 replay_muldiv(uint64_t, uint64_t, uint64_t);
static int	 replay_tl_runs(struct replay *, int64_t, int64_t,
		    struct replay_span **, size_t *);
static int	 replay_span_cmp(const void *, const void *);
static int	 replay_start_cmp(const void *, const void *);
static size_t	 replay_tl_gaps(const struct replay_span *, size_t, int64_t,
		    int64_t, size_t, struct replay_span **);
static void	 replay_tl_edges(int64_t, int64_t, size_t,
		    const struct replay_span *, size_t, uint8_t *, int64_t *);
static void	 replay_clean(char *, size_t, sqlite3_stmt *, int);

int
replay_step(struct replay *r, int64_t t, int dir, int64_t *out)
{
	sqlite3_stmt	*st = replay_stmt(r, dir > 0 ? RS_NEXT : RS_PREV);
	int		 found = 0;

	sqlite3_bind_int64(st, 1, t);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL) {
		*out = sqlite3_column_int64(st, 0);
		found = 1;
	}
	sqlite3_reset(st);
	return (found ? 0 : -1);
}

/* A text column of the file into a terminal's buffer, sanitised. */
static void
replay_clean(char *dst, size_t len, sqlite3_stmt *st, int col)
{
	const char	*s = replay_text(st, col);

	sanitize(dst, len, s, strlen(s));
}

int
replay_change(struct replay *r, int64_t t, struct replay_change *c)
{
	/* The most telling first: replay_change_kind's order. */
	static const enum replay_stmt which[] = {
		RS_CH_SESSION, RS_CH_REDUNDANCY, RS_CH_EVENT, RS_CH_ROUTE,
		RS_CH_PREFIX
	};
	sqlite3_stmt	*st;
	size_t		 i, n = 0;
	int		 rc;

	memset(c, 0, sizeof *c);
	for (i = 0; i < nitems(which); i++) {
		if ((st = replay_stmt(r, which[i])) == NULL)
			continue;
		sqlite3_bind_int64(st, 1, t);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			if (n++ > 0)
				continue;
			c->kind = (enum replay_change_kind)i;
			replay_clean(c->subject, sizeof c->subject, st, 0);
			replay_clean(c->from, sizeof c->from, st, 1);
			replay_clean(c->to, sizeof c->to, st, 2);
		}
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return (-1);
	}
	if (n == 0)
		return (-1);
	c->more = n - 1;
	return (0);
}

/*
 * The status bar asks on every redraw; over a month the events take a
 * hundred milliseconds or more to look through, so the last answer is
 * kept while the file has not changed.
 */
int
replay_timeline(struct replay *r, int64_t from_ms, int64_t to_ms, size_t n,
    uint8_t *level, uint8_t *data, int64_t *edge)
{
	sqlite3_stmt	*st = replay_stmt(r, RS_DATA_VERSION);
	int64_t		 version = -1;

	if (sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (version != -1 && r->tl.level != NULL && r->tl.from_ms == from_ms &&
	    r->tl.to_ms == to_ms && r->tl.n == n && r->tl.version == version) {
		memcpy(level, r->tl.level, n);
		memcpy(data, r->tl.data, n);
		memcpy(edge, r->tl.edge, (n + 1) * sizeof *edge);
		return (0);
	}
	free(r->tl.level);
	free(r->tl.data);
	free(r->tl.edge);
	r->tl.level = r->tl.data = NULL;
	r->tl.edge = NULL;
	if (replay_timeline_read(r, from_ms, to_ms, n, level, data, edge) != 0)
		return (-1);
	r->tl.from_ms = from_ms;
	r->tl.to_ms = to_ms;
	r->tl.n = n;
	r->tl.version = version;
	r->tl.level = xmalloc(n);
	r->tl.data = xmalloc(n);
	r->tl.edge = xreallocarray(NULL, n + 1, sizeof *edge);
	memcpy(r->tl.level, level, n);
	memcpy(r->tl.data, data, n);
	memcpy(r->tl.edge, edge, (n + 1) * sizeof *edge);
	return (0);
}

size_t
replay_cell(const int64_t *edge, size_t n, int64_t t)
{
	size_t	 lo = 0, hi = n, mid;

	/* The last cell starting at or before t. */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (edge[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return (lo);
}

/*
 * a * b / c, rounded down, for a / c * b in 64 bits (a part of a whole
 * times a count of cells): the remainder's product in long double only
 * when it would overflow, for spans beyond 2^55 ms no time has.
 */
static uint64_t
replay_muldiv(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t	 q = a / c, rem = a % c;

	if (b == 0 || rem <= UINT64_MAX / b)
		return (q * b + rem * b / c);
	return (q * b + (uint64_t)((long double)rem * b / c));
}

/* Merge the runs' [start, last] within [from, to) as sorted [a, b). */
static int
replay_tl_runs(struct replay *r, int64_t from, int64_t to,
    struct replay_span **out, size_t *nout)
{
	struct replay_span	*v = NULL, *p;
	sqlite3_stmt		*st;
	int64_t			 a, b;
	size_t			 i, n = 0;
	int			 rc;

	*out = NULL;
	*nout = 0;
	if ((st = replay_stmt(r, RS_TL_RUNS)) == NULL)
		return (0);
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		a = sqlite3_column_int64(st, 0);
		b = sqlite3_column_int64(st, 1);
		/* A run records up to and including its last heartbeat. */
		b = b < to - 1 ? b + 1 : to;
		if (a < from)
			a = from;
		if (a >= b)
			continue;
		v = xreallocarray(v, n + 1, sizeof *v);
		p = &v[n++];
		p->a = a;
		p->b = b;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		free(v);
		return (-1);
	}
	/* A damaged file's times need not come in order: sort, merge. */
	if (n > 1)
		qsort(v, n, sizeof *v, replay_start_cmp);
	for (i = 0, p = v; i < n; i++) {
		if (i > 0 && v[i].a <= p->b) {
			if (v[i].b > p->b)
				p->b = v[i].b;
		} else if (i > 0)
			*++p = v[i];
	}
	*out = v;
	*nout = n > 0 ? (size_t)(p - v) + 1 : 0;
	return (0);
}

static int
replay_span_cmp(const void *a, const void *b)
{
	const struct replay_span	*x = a, *y = b;
	uint64_t			 lx, ly;

	/* Longest first, then the earliest. */
	lx = (uint64_t)x->b - (uint64_t)x->a;
	ly = (uint64_t)y->b - (uint64_t)y->a;
	if (lx != ly)
		return (lx > ly ? -1 : 1);
	return (x->a < y->a ? -1 : x->a > y->a);
}

static int
replay_start_cmp(const void *a, const void *b)
{
	const struct replay_span	*x = a, *y = b;

	return (x->a < y->a ? -1 : x->a > y->a);
}

/*
 * The unrecorded gaps of [from, to) worth squeezing into a cell each:
 * longer than three cells of the even scale, the longest ones, at most
 * a quarter of the cells; sorted by start.  The number of them.
 */
static size_t
replay_tl_gaps(const struct replay_span *runs, size_t nruns, int64_t from,
    int64_t to, size_t n, struct replay_span **out)
{
	struct replay_span	*g;
	uint64_t		 span = (uint64_t)to - (uint64_t)from;
	int64_t			 at = from;
	size_t			 i, ng = 0, keep = n / 4;

	*out = NULL;
	if (keep == 0 || nruns == 0)
		return (0);
	g = xreallocarray(NULL, nruns + 1, sizeof *g);
	for (i = 0; i <= nruns; i++) {
		g[ng].a = at;
		g[ng].b = i < nruns ? runs[i].a : to;
		if (i < nruns && runs[i].b > at)
			at = runs[i].b;
		if (g[ng].b > g[ng].a && ((uint64_t)g[ng].b -
		    (uint64_t)g[ng].a) / 3 > span / n)
			ng++;
	}
	qsort(g, ng, sizeof *g, replay_span_cmp);
	if (ng > keep)
		ng = keep;
	qsort(g, ng, sizeof *g, replay_start_cmp);
	if (ng == 0) {
		free(g);
		return (0);
	}
	*out = g;
	return (ng);
}

/*
 * The cells' edges: each squeezed gap one cell, the time between them
 * (the segments) spread over the others in proportion to its length,
 * every segment with time in it at least one cell.
 */
static void
replay_tl_edges(int64_t from, int64_t to, size_t n,
    const struct replay_span *gaps, size_t ngaps, uint8_t *data,
    int64_t *edge)
{
	struct replay_span	*seg;
	uint64_t		 total = 0, sum = 0, len;
	size_t			*cells, nseg = ngaps + 1, m = n - ngaps;
	size_t			 i, j, k, pos = 0, got = 0, big;

	seg = xreallocarray(NULL, nseg, sizeof *seg);
	cells = xcalloc(nseg, sizeof *cells);
	for (i = 0; i < nseg; i++) {
		seg[i].a = i == 0 ? from : gaps[i - 1].b;
		seg[i].b = i < ngaps ? gaps[i].a : to;
		total += (uint64_t)seg[i].b - (uint64_t)seg[i].a;
	}
	/* Cumulative rounding: the cells add up to m exactly. */
	for (i = 0; i < nseg; i++) {
		sum += (uint64_t)seg[i].b - (uint64_t)seg[i].a;
		k = total == 0 ? (i + 1) * m / nseg :
		    (size_t)replay_muldiv(sum, m, total);
		cells[i] = k - got;
		got = k;
	}
	for (i = 0; i < nseg; i++) {
		if (cells[i] != 0 || seg[i].b == seg[i].a)
			continue;
		for (big = 0, j = 1; j < nseg; j++)
			if (cells[j] > cells[big])
				big = j;
		if (cells[big] < 2)
			break;
		cells[big]--;
		cells[i] = 1;
	}
	for (i = 0; i < nseg; i++) {
		len = (uint64_t)seg[i].b - (uint64_t)seg[i].a;
		for (k = 0; k < cells[i] && pos < n; k++)
			edge[pos++] = (int64_t)((uint64_t)seg[i].a +
			    replay_muldiv(len, k, cells[i]));
		if (i < ngaps && pos < n) {
			data[pos] = REPLAY_CELL_GAP;
			edge[pos++] = gaps[i].a;
		}
	}
	while (pos < n)
		edge[pos++] = to;
	edge[n] = to;
	free(cells);
	free(seg);
}

static int
replay_timeline_read(struct replay *r, int64_t from_ms, int64_t to_ms,
    size_t n, uint8_t *level, uint8_t *data, int64_t *edge)
{
	struct replay_span	*runs = NULL, *gaps = NULL;
	sqlite3_stmt		*st;
	size_t			 i, k, nruns = 0, ngaps = 0;
	int			 rc = SQLITE_DONE;

	if (n == 0 || to_ms <= from_ms)
		return (-1);
	memset(level, 0, n);
	memset(data, 0, n);
	if (replay_tl_runs(r, from_ms, to_ms, &runs, &nruns) != 0)
		return (-1);
	ngaps = replay_tl_gaps(runs, nruns, from_ms, to_ms, n, &gaps);
	replay_tl_edges(from_ms, to_ms, n, gaps, ngaps, data, edge);
	free(gaps);

	if ((st = r->st[RS_TL_EVENTS]) != NULL) {
		for (i = 0; i < n; i++) {
			if (edge[i] >= edge[i + 1])
				continue;
			sqlite3_reset(st);
			sqlite3_bind_int64(st, 1, edge[i]);
			sqlite3_bind_int64(st, 2, edge[i + 1]);
			if ((rc = sqlite3_step(st)) != SQLITE_ROW)
				break;
			if (sqlite3_column_type(st, 0) != SQLITE_NULL)
				level[i] = 1 + (sqlite3_column_int(st, 0) & 3);
		}
		sqlite3_reset(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
			free(runs);
			return (-1);
		}
	}

	if (r->st[RS_TL_RUNS] != NULL) {
		/* Both sorted: a cell has data when a run overlaps it. */
		for (i = k = 0; i < n; i++) {
			if (data[i] == REPLAY_CELL_GAP)
				continue;
			while (k < nruns && runs[k].b <= edge[i])
				k++;
			/* An empty cell (fewer ms than cells): its instant. */
			if (k < nruns && (runs[k].a <= edge[i] ||
			    runs[k].a < edge[i + 1]))
				data[i] = REPLAY_CELL_DATA;
		}
		free(runs);
		return (0);
	}

	/* No runs recorded (schema < 3): cells with any row. */
	st = r->st[RS_TL_ROWS];
	for (i = 0; i < n; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, edge[i]);
		sqlite3_bind_int64(st, 2, edge[i + 1]);
		if ((rc = sqlite3_step(st)) != SQLITE_ROW)
			break;
		data[i] = sqlite3_column_int(st, 0) != 0;
	}
	sqlite3_reset(st);
	return (rc == SQLITE_ROW ? 0 : -1);
}

int
replay_covered(struct replay *r, int64_t t)
{
	sqlite3_stmt	*st;
	int64_t		 lo, hi;
	int		 covered = 0;

	if ((st = replay_stmt(r, RS_COVERED)) == NULL)
		return (replay_span(r, &lo, &hi) == 0 && t >= lo && t <= hi);
	sqlite3_bind_int64(st, 1, t);
	if (sqlite3_step(st) == SQLITE_ROW)
		covered = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return (covered);
}

