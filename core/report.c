/* SPDX-License-Identifier: ISC */
/*
 * "peertop report": availability, flaps, redundancy, latency and event
 * counts over a window of a recorded history (see report.h for the
 * definitions): the arithmetic on the tracks and the walk that hands
 * each section to a struct output (output.h), whose text, CSV and JSON
 * back ends write it.  Reading the file is core/store-report.c's
 * (store_report_open(), store_report_run()), beside the writer.
 */
#include <stdlib.h>
#include <string.h>

#include "core/latency.h"
#include "core/output.h"
#include "core/report.h"
#include "core/util.h"

static void	report_select(int32_t *, size_t, size_t);

/*
 * Put the k-th smallest of v[0..n) at v[k], the smaller ones before it
 * and the others after (Hoare's selection, the middle of three as the
 * pivot): linear on average, where sorting a month of a series' samples
 * was most of a report's time.
 */
static void
report_select(int32_t *v, size_t n, size_t k)
{
	long	 lo = 0, hi = (long)n - 1, i, j;
	int32_t	 pivot, a, b, c, tmp;

	while (lo < hi) {
		a = v[lo];
		b = v[lo + (hi - lo) / 2];
		c = v[hi];
		pivot = a < b ? (b < c ? b : a < c ? c : a) :
		    (a < c ? a : b < c ? c : b);
		i = lo;
		j = hi;
		do {
			while (v[i] < pivot)
				i++;
			while (pivot < v[j])
				j--;
			if (i <= j) {
				tmp = v[i];
				v[i++] = v[j];
				v[j--] = tmp;
			}
		} while (i <= j);
		/* v[lo..j] <= pivot <= v[i..hi], the pivot between them. */
		if ((long)k <= j)
			hi = j;
		else if ((long)k >= i)
			lo = i;
		else
			return;
	}
}

/*
 * A series' exact figures from its round trips as read, LATENCY_LOST
 * (any negative) for a loss: what latency_stats() gives for them, the
 * same doubles (the sum is taken in the same order), with the median and
 * the 95th percentile selected instead of sorted.  rtt is reordered.
 */
void
report_lat_exact(struct report_lat *l, int32_t *rtt, size_t n)
{
	double	 sum = 0;
	size_t	 i, got = 0, mid, rank;
	int32_t	 lower;

	l->exact = 1;
	l->from = REPORT_SAMPLES;
	l->sent = (int64_t)n;
	l->received = 0;
	l->loss_pct = 0;
	l->median_us = l->mean_us = 0;
	l->p95_us = -1;
	if (n == 0)
		return;
	for (i = 0; i < n; i++) {
		if (rtt[i] < 0)
			continue;
		sum += (double)rtt[i];
		rtt[got++] = rtt[i];
	}
	l->received = (int64_t)got;
	l->loss_pct = 100.0 * (double)(n - got) / (double)n;
	if (got == 0)
		return;
	l->mean_us = sum / (double)got;
	mid = got / 2;
	report_select(rtt, got, mid);
	if (got % 2)
		l->median_us = (double)rtt[mid];
	else {
		/* The lower middle: the largest of those before mid. */
		for (lower = rtt[0], i = 1; i < mid; i++)
			if (rtt[i] > lower)
				lower = rtt[i];
		l->median_us = ((double)lower + (double)rtt[mid]) / 2;
	}
	/* Nearest rank: ceil(0.95 n) in integers, 1-based; never below mid. */
	rank = (95 * got + 99) / 100;
	if (rank < 1)
		rank = 1;
	if (rank - 1 > mid)
		report_select(rtt + mid + 1, got - mid - 1, rank - 2 - mid);
	l->p95_us = rtt[rank - 1];
}

void
report_tracks_free(struct report_track *t, size_t n)
{
	size_t	 i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < t[i].nstates; j++)
			free(t[i].states[j].state);
		free(t[i].states);
		free(t[i].name);
	}
	free(t);
}

/* Drop the figures of a previous run. */
void
report_clear(struct report *r)
{
	size_t	 i;

	report_tracks_free(r->sessions, r->nsessions);
	report_tracks_free(r->partners, r->npartners);
	report_tracks_free(r->routes, r->nroutes);
	for (i = 0; i < r->nprefixes; i++) {
		free(r->prefixes[i].branch);
		free(r->prefixes[i].prefix);
	}
	free(r->prefixes);
	r->prefixes = NULL;
	r->routes = NULL;
	r->nprefixes = r->nroutes = 0;
	for (i = 0; i < r->nlat; i++) {
		free(r->lat[i].branch);
		free(r->lat[i].edge);
		free(r->lat[i].target);
	}
	free(r->lat);
	for (i = 0; i < r->nevents; i++) {
		free(r->events[i].type);
		free(r->events[i].level);
	}
	free(r->events);
	r->sessions = r->partners = NULL;
	r->lat = NULL;
	r->events = NULL;
	r->nsessions = r->npartners = r->nlat = r->nevents = 0;
	free(r->gaps);
	r->gaps = NULL;
	r->ngaps = 0;
	memset(r->problems, 0, sizeof r->problems);
}

/* A string of the file, cleaned in place (sanitize() never lengthens). */
static void
report_clean(char *s)
{
	if (s != NULL)
		sanitize(s, strlen(s) + 1, s, strlen(s));
}

static void
report_clean_tracks(struct report_track *t, size_t n)
{
	size_t	 i, j;

	for (i = 0; i < n; i++) {
		report_clean(t[i].name);
		for (j = 0; j < t[i].nstates; j++)
			report_clean(t[i].states[j].state);
	}
}

/*
 * Every name and state read from the file, made fit for a person
 * (sanitize()) once the figures are computed: grouping and matching ran
 * on the stored bytes, and what is printed can hold no escape, control
 * or bidi character, whoever wrote the file.
 */
void
report_sanitize(struct report *r)
{
	size_t	 i;

	report_clean(r->path);
	report_clean_tracks(r->sessions, r->nsessions);
	report_clean_tracks(r->partners, r->npartners);
	report_clean_tracks(r->routes, r->nroutes);
	for (i = 0; i < r->nprefixes; i++) {
		report_clean(r->prefixes[i].branch);
		report_clean(r->prefixes[i].prefix);
	}
	for (i = 0; i < r->nlat; i++) {
		report_clean(r->lat[i].branch);
		report_clean(r->lat[i].edge);
		report_clean(r->lat[i].target);
	}
	for (i = 0; i < r->nevents; i++) {
		report_clean(r->events[i].type);
		report_clean(r->events[i].level);
	}
}

int64_t
report_state_ms(const struct report_track *t, const char *state)
{
	size_t	 i;

	for (i = 0; i < t->nstates; i++) {
		if (strcmp(t->states[i].state, state) == 0)
			return (t->states[i].ms);
	}
	return (0);
}

/*
 * A session's time with data: not before its first row, not outside the
 * runs, not Unknown.
 */
static int64_t
report_covered_ms(const struct report *r, const struct report_track *t)
{
	return (r->until_ms - r->since_ms - t->nodata_ms -
	    report_state_ms(t, "Unknown"));
}

double
report_availability(const struct report *r, const struct report_track *t)
{
	int64_t	 covered = report_covered_ms(r, t);

	if (covered <= 0)
		return (-1);
	return (100.0 * (double)report_state_ms(t, "Established") /
	    (double)covered);
}

double
report_coverage(const struct report *r, const struct report_track *t)
{
	int64_t	 window = r->until_ms - r->since_ms;

	if (window <= 0)
		return (0);
	return (100.0 * (double)report_covered_ms(r, t) / (double)window);
}

void
report_track_add(struct report_track *t, const char *state, int64_t ms)
{
	size_t	 i;

	if (state == NULL) {
		t->nodata_ms += ms;
		return;
	}
	for (i = 0; i < t->nstates; i++) {
		if (strcmp(t->states[i].state, state) == 0) {
			t->states[i].ms += ms;
			return;
		}
	}
	t->states = xreallocarray(t->states, t->nstates + 1,
	    sizeof *t->states);
	t->states[t->nstates].state = xstrdup(state);
	t->states[t->nstates++].ms = ms;
}


/* ------------------------------------------------------------ output */

/* The redundancy states in their order of severity, then no data. */
const char *const report_redundancy[REPORT_NREDUNDANCY] = {
	"REDUNDANT", "DEGRADED", "NO-BACKUP", "DOWN", "UNKNOWN"
};

/* Their order in struct report's problems: LVL_ERROR on. */
const char *const report_problem_levels[REPORT_NPROBLEM_LEVELS] = {
	"Error", "Critical"
};

const char *const report_prefix_keys[REPORT_PREFIX_NTIMES] = {
	"primary", "backup", "all_primary", "all_backup", "backup_only",
	"none", "no_data"
};

const char *
report_from_name(enum report_from from, int words)
{
	static const char *const text[] = {
		[REPORT_SAMPLES] = "samples",
		[REPORT_MINUTES] = "minutes (mean, not median)",
		[REPORT_HOURS] = "hours and minutes (mean, not median)",
	};
	static const char *const key[] = {
		[REPORT_SAMPLES] = "samples",
		[REPORT_MINUTES] = "minutes",
		[REPORT_HOURS] = "hours",
	};

	if ((size_t)from >= nitems(key))
		return ("?");
	return (words ? text[from] : key[from]);
}

void
report_prefix_times(const struct report_prefix *p, int64_t *ms)
{
	ms[0] = p->primary_ms;
	ms[1] = p->backup_ms;
	ms[2] = p->all_primary_ms;
	ms[3] = p->all_backup_ms;
	ms[4] = p->backup_only_ms;
	ms[5] = p->none_ms;
	ms[6] = p->nodata_ms;
}

double
report_pct(const struct report *r, int64_t ms)
{
	int64_t	 window = r->until_ms - r->since_ms;

	return (window > 0 ? 100.0 * (double)ms / (double)window : 0);
}

/* One section's objects. */
static void
report_walk(struct output_ctx *ctx, const struct output *o,
    const struct report *r, enum report_section sec)
{
	size_t	 i;

	switch (sec) {
	case RS_SESSIONS:
	case RS_SESSION_STATES:
		for (i = 0; i < r->nsessions; i++)
			o->report_track(ctx, r, sec, &r->sessions[i]);
		break;
	case RS_PARTNERS:
		for (i = 0; i < r->npartners; i++)
			o->report_track(ctx, r, sec, &r->partners[i]);
		break;
	case RS_ROUTES:
	case RS_ROUTE_EDGES:
		for (i = 0; i < r->nroutes; i++)
			o->report_track(ctx, r, sec, &r->routes[i]);
		break;
	case RS_LATENCY:
		for (i = 0; i < r->nlat; i++)
			o->report_lat(ctx, r, &r->lat[i]);
		break;
	case RS_PREFIXES:
		for (i = 0; i < r->nprefixes; i++)
			o->report_prefix(ctx, r, &r->prefixes[i]);
		break;
	case RS_EVENTS:
		for (i = 0; i < r->nevents; i++)
			o->report_event(ctx, r, &r->events[i]);
		break;
	default:
		break;
	}
}

void
report_print(const struct report *r, FILE *f, const struct output *o)
{
	struct output_ctx	 ctx;
	enum report_section	 sec;

	output_init(&ctx, f);
	o->report_head(&ctx, r);
	for (sec = 0; sec < RS_MAX; sec++) {
		if (!(o->report_sections & RS_BIT(sec)))
			continue;
		o->report_section(&ctx, r, sec);
		report_walk(&ctx, o, r, sec);
		if (o->report_section_end != NULL)
			o->report_section_end(&ctx, r, sec);
	}
	if (o->report_tail != NULL)
		o->report_tail(&ctx, r);
}
