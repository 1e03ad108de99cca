/*
 * "peertop report": availability, flaps, redundancy, latency and event
 * counts over a window of a recorded history (see report.h for the
 * definitions): the arithmetic on the tracks, time parsing and the text,
 * CSV and JSON output.  Reading the file is core/store-report.c's
 * (store_report_open(), store_report_run()), beside the writer.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report.h"
#include "util.h"

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
}

/* Seconds, minutes, hours or days after a '-' or digits: ms, or -1. */
static int64_t
report_parse_offset(const char *s)
{
	char		*end;
	long long	 n;
	int64_t		 unit;

	if (!isdigit((unsigned char)*s))
		return (-1);
	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno != 0 || n > 100000 * 24LL)
		return (-1);
	switch (*end) {
	case 's':
		unit = 1000;
		break;
	case 'm':
		unit = 60 * 1000;
		break;
	case 'h':
		unit = 3600 * 1000;
		break;
	case 'd':
		unit = 86400 * 1000;
		break;
	default:
		return (-1);
	}
	if (end[1] != '\0')
		return (-1);
	return ((int64_t)n * unit);
}

int
report_parse_time(const char *s, int64_t *ms, int *rel)
{
	struct tm	 tm;
	const char	*end;
	int64_t		 off;
	time_t		 t;

	*rel = 0;
	if (*s == '-') {
		if ((off = report_parse_offset(s + 1)) < 0)
			return (-1);
		*rel = 1;
		*ms = -off;
		return (0);
	}
	memset(&tm, 0, sizeof tm);
	if ((end = strptime(s, "%Y-%m-%d", &tm)) == NULL ||
	    (*end != 'T' && *end != ' '))
		return (-1);
	end++;
	if ((s = strptime(end, "%H:%M:%S", &tm)) == NULL &&
	    (s = strptime(end, "%H:%M", &tm)) == NULL)
		return (-1);
	if (*s == 'Z')
		s++;
	if (*s != '\0')
		return (-1);
	if ((t = timegm(&tm)) == (time_t)-1)
		return (-1);
	*ms = (int64_t)t * 1000;
	return (0);
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

/* A session's time with data: not before its first row, not Unknown. */
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
		return (0);
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

/* "2026-11-25T10:00:00Z", with milliseconds when there are any. */
static const char *
report_iso(char *buf, size_t len, int64_t ms)
{
	char	 t[32];
	size_t	 i;

	fmt_time(t, sizeof t, ms, 1);
	for (i = 0; t[i] != '\0'; i++) {
		if (t[i] == ' ')
			t[i] = 'T';
	}
	if (ms % 1000 != 0)
		snprintf(buf, len, "%s.%03dZ", t, (int)(((ms % 1000) + 1000) %
		    1000));
	else
		snprintf(buf, len, "%sZ", t);
	return (buf);
}

/* The redundancy states in their order of severity, then no data. */
static const char *const report_redundancy[] = {
	"REDUNDANT", "DEGRADED", "NO-BACKUP", "DOWN", "UNKNOWN"
};

static int
report_width(const struct report_track *t, size_t n, int min)
{
	size_t	 i;
	int	 w = min;

	for (i = 0; i < n; i++) {
		if ((int)strlen(t[i].name) > w)
			w = (int)strlen(t[i].name);
	}
	return (w);
}

static const char *
report_dur(char *buf, size_t len, int64_t ms)
{
	return (fmt_duration(buf, len, ms / 1000));
}

/* What a latency series was read from, in words and as a key. */
static const char *const report_from_text[] = {
	[REPORT_SAMPLES] = "samples",
	[REPORT_MINUTES] = "minutes (mean, not median)",
	[REPORT_HOURS] = "hours and minutes (mean, not median)",
};
static const char *const report_from_key[] = {
	[REPORT_SAMPLES] = "samples",
	[REPORT_MINUTES] = "minutes",
	[REPORT_HOURS] = "hours",
};

/* A prefix's times, in the order of the columns of every format. */
static void
report_prefix_times(const struct report_prefix *p, int64_t *ms)
{
	ms[0] = p->primary_ms;
	ms[1] = p->backup_ms;
	ms[2] = p->all_primary_ms;
	ms[3] = p->all_backup_ms;
	ms[4] = p->none_ms;
	ms[5] = p->nodata_ms;
}

static const char *const report_prefix_keys[] = {
	"primary", "backup", "all_primary", "all_backup", "none", "no_data"
};

static double
report_pct(const struct report *r, int64_t ms)
{
	int64_t	 window = r->until_ms - r->since_ms;

	return (window > 0 ? 100.0 * (double)ms / (double)window : 0);
}

/* Registered prefixes and branch routes (schema 3), as text. */
static void
report_print_text_v3(const struct report *r, FILE *f)
{
	static const char *const hdr[] = {
		"PRIMARY%", "BACKUP%", "ALL-PRI%", "ALL-BAK%", "NONE%",
		"NO-DATA%"
	};
	const struct report_prefix	*p;
	const struct report_track	*t;
	int64_t				 ms[nitems(report_prefix_keys)];
	char				 a[32], b[32];
	size_t				 i, j;
	int				 wb = 6, wp = 6;

	for (i = 0; i < r->nprefixes; i++) {
		if ((int)strlen(r->prefixes[i].branch) > wb)
			wb = (int)strlen(r->prefixes[i].branch);
		if ((int)strlen(r->prefixes[i].prefix) > wp)
			wp = (int)strlen(r->prefixes[i].prefix);
	}
	fprintf(f, "\nPrefixes: %zu\n", r->nprefixes);
	if (r->nprefixes > 0) {
		fprintf(f, "%-*s %-*s", wb, "BRANCH", wp, "PREFIX");
		for (j = 0; j < nitems(hdr); j++)
			fprintf(f, " %8s", hdr[j]);
		fprintf(f, " %7s\n", "CHANGES");
	}
	for (i = 0; i < r->nprefixes; i++) {
		p = &r->prefixes[i];
		report_prefix_times(p, ms);
		fprintf(f, "%-*s %-*s", wb, p->branch, wp, p->prefix);
		for (j = 0; j < nitems(ms); j++)
			fprintf(f, " %8.2f", report_pct(r, ms[j]));
		fprintf(f, " %7u\n", p->changes);
	}

	wb = report_width(r->routes, r->nroutes, 6);
	fprintf(f, "\nRoutes: %zu branches\n", r->nroutes);
	if (r->nroutes > 0)
		fprintf(f, "%-*s %10s %8s  %s\n", wb, "BRANCH", "SUBOPTIMAL",
		    "NO DATA", "ROUTED THROUGH");
	for (i = 0; i < r->nroutes; i++) {
		t = &r->routes[i];
		fprintf(f, "%-*s %10s %8s ", wb, t->name,
		    report_dur(a, sizeof a, t->flag_ms),
		    report_dur(b, sizeof b, t->nodata_ms));
		for (j = 0; j < t->nstates; j++)
			fprintf(f, " %s %s", t->states[j].state,
			    report_dur(a, sizeof a, t->states[j].ms));
		fputc('\n', f);
	}
}

static void
report_print_text(const struct report *r, FILE *f)
{
	const struct report_track	*t;
	const struct report_lat		*l;
	const struct report_event	*e;
	char				 a[32], b[32], d[32];
	size_t				 i, j;
	int				 w, wb = 6, we = 4, wt = 6;

	fprintf(f, "History %s (schema %d)\n", r->path, r->version);
	fprintf(f, "Window  %s - %s (%s)\n",
	    report_iso(a, sizeof a, r->since_ms),
	    report_iso(b, sizeof b, r->until_ms),
	    report_dur(d, sizeof d, r->until_ms - r->since_ms));
	if (r->unrecorded_ms >= 0)
		fprintf(f, "Runs    %u, %s without recording\n", r->nruns,
		    report_dur(a, sizeof a, r->unrecorded_ms));
	fputc('\n', f);

	w = report_width(r->sessions, r->nsessions, 7);
	fprintf(f, "Sessions: %zu\n", r->nsessions);
	if (r->nsessions > 0)
		fprintf(f, "%-*s %8s %8s %5s %11s %8s  %s\n", w, "SESSION",
		    "AVAIL%", "COVER%", "FLAPS", "ESTABLISHED", "NO DATA",
		    "OTHER STATES");
	for (i = 0; i < r->nsessions; i++) {
		t = &r->sessions[i];
		fprintf(f, "%-*s %8.2f %8.2f %5u %11s %8s ", w, t->name,
		    report_availability(r, t), report_coverage(r, t), t->flaps,
		    report_dur(a, sizeof a, report_state_ms(t, "Established")),
		    report_dur(b, sizeof b, t->nodata_ms));
		for (j = 0; j < t->nstates; j++) {
			if (strcmp(t->states[j].state, "Established") != 0)
				fprintf(f, " %s %s", t->states[j].state,
				    report_dur(a, sizeof a, t->states[j].ms));
		}
		fputc('\n', f);
	}

	w = report_width(r->partners, r->npartners, 7);
	fprintf(f, "\nPartners: %zu\n", r->npartners);
	if (r->npartners > 0) {
		fprintf(f, "%-*s", w, "PARTNER");
		for (j = 0; j < nitems(report_redundancy); j++)
			fprintf(f, " %9s", report_redundancy[j]);
		fprintf(f, " %9s\n", "NO DATA");
	}
	for (i = 0; i < r->npartners; i++) {
		t = &r->partners[i];
		fprintf(f, "%-*s", w, t->name);
		for (j = 0; j < nitems(report_redundancy); j++)
			fprintf(f, " %9s", report_dur(a, sizeof a,
			    report_state_ms(t, report_redundancy[j])));
		fprintf(f, " %9s\n", report_dur(a, sizeof a, t->nodata_ms));
	}

	for (i = 0; i < r->nlat; i++) {
		l = &r->lat[i];
		if ((int)strlen(l->branch) > wb)
			wb = (int)strlen(l->branch);
		if ((int)strlen(l->edge) > we)
			we = (int)strlen(l->edge);
		if ((int)strlen(l->target) > wt)
			wt = (int)strlen(l->target);
	}
	fprintf(f, "\nLatency: %zu series\n", r->nlat);
	if (r->nlat > 0)
		fprintf(f, "%-*s %-*s %-*s %8s %6s %9s %9s  %s\n", wb,
		    "BRANCH", we, "EDGE", wt, "TARGET", "SENT", "LOSS%",
		    "MEDIAN", "P95", "FROM");
	for (i = 0; i < r->nlat; i++) {
		l = &r->lat[i];
		if (l->received == 0)
			snprintf(a, sizeof a, "-");
		else
			snprintf(a, sizeof a, "%.2fms", (l->exact ?
			    l->median_us : l->mean_us) / 1000.0);
		if (l->p95_us < 0)
			snprintf(b, sizeof b, "-");
		else
			snprintf(b, sizeof b, "%.2fms", l->p95_us / 1000.0);
		fprintf(f, "%-*s %-*s %-*s %8lld %6.1f %9s %9s  %s\n", wb,
		    l->branch, we, l->edge, wt, l->target,
		    (long long)l->sent, l->loss_pct, a, b,
		    report_from_text[l->from]);
	}
	report_print_text_v3(r, f);

	w = 4;
	for (i = 0; i < r->nevents; i++) {
		if ((int)strlen(r->events[i].type) > w)
			w = (int)strlen(r->events[i].type);
	}
	fprintf(f, "\nEvents: %zu types\n", r->nevents);
	if (r->nevents > 0)
		fprintf(f, "%-*s %-11s %6s  %-20s  %s\n", w, "TYPE", "LEVEL",
		    "COUNT", "FIRST", "LAST");
	for (i = 0; i < r->nevents; i++) {
		e = &r->events[i];
		fprintf(f, "%-*s %-11s %6lld  %-20s  %s\n", w, e->type,
		    e->level, (long long)e->count,
		    report_iso(a, sizeof a, e->first_ms),
		    report_iso(b, sizeof b, e->last_ms));
	}
}

/*
 * A series' median, mean and p95 in milliseconds, each after a comma (and
 * the JSON key when sep is NULL), none for one that is not known.
 */
static void
report_print_ms(FILE *f, const char *sep, const struct report_lat *l,
    const char *none)
{
	static const char *const keys[] = { "median_ms", "mean_ms", "p95_ms" };
	const int	 known[] = { l->exact && l->received > 0,
			    l->received > 0, l->p95_us >= 0 };
	const double	 us[] = { l->median_us, l->mean_us, (double)l->p95_us };
	size_t		 i;

	for (i = 0; i < nitems(keys); i++) {
		if (sep != NULL)
			fputs(sep, f);
		else
			fprintf(f, ",\"%s\":", keys[i]);
		if (known[i])
			fprintf(f, "%.3f", us[i] / 1000.0);
		else
			fputs(none, f);
	}
}

/* A CSV field, quoted when it has to be (RFC 4180). */
static void
report_csv_str(FILE *f, const char *s)
{
	fputc(',', f);
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void
report_print_csv(const struct report *r, FILE *f)
{
	const struct report_track	*t;
	const struct report_lat		*l;
	const struct report_event	*e;
	char				 a[32], b[32];
	size_t				 i, j;

	fprintf(f, "section,file,schema_version,since,until,window_s,runs,"
	    "unrecorded_s\nreport");
	report_csv_str(f, r->path);
	fprintf(f, ",%d,%s,%s,%.3f", r->version,
	    report_iso(a, sizeof a, r->since_ms),
	    report_iso(b, sizeof b, r->until_ms),
	    (r->until_ms - r->since_ms) / 1000.0);
	if (r->unrecorded_ms >= 0)
		fprintf(f, ",%u,%.3f\n", r->nruns, r->unrecorded_ms / 1000.0);
	else
		fputs(",,\n", f);

	fprintf(f, "\nsection,session,availability_pct,coverage_pct,flaps,"
	    "established_s,no_data_s\n");
	for (i = 0; i < r->nsessions; i++) {
		t = &r->sessions[i];
		fputs("session", f);
		report_csv_str(f, t->name);
		fprintf(f, ",%.3f,%.3f,%u,%.3f,%.3f\n",
		    report_availability(r, t), report_coverage(r, t), t->flaps,
		    report_state_ms(t, "Established") / 1000.0,
		    t->nodata_ms / 1000.0);
	}
	fprintf(f, "\nsection,session,state,seconds\n");
	for (i = 0; i < r->nsessions; i++) {
		t = &r->sessions[i];
		for (j = 0; j < t->nstates; j++) {
			fputs("session_state", f);
			report_csv_str(f, t->name);
			report_csv_str(f, t->states[j].state);
			fprintf(f, ",%.3f\n", t->states[j].ms / 1000.0);
		}
	}

	fprintf(f, "\nsection,partner");
	for (j = 0; j < nitems(report_redundancy); j++)
		fprintf(f, ",%s_s", report_redundancy[j]);
	fprintf(f, ",no_data_s\n");
	for (i = 0; i < r->npartners; i++) {
		t = &r->partners[i];
		fputs("partner", f);
		report_csv_str(f, t->name);
		for (j = 0; j < nitems(report_redundancy); j++)
			fprintf(f, ",%.3f", report_state_ms(t,
			    report_redundancy[j]) / 1000.0);
		fprintf(f, ",%.3f\n", t->nodata_ms / 1000.0);
	}

	fprintf(f, "\nsection,branch,edge,target,from,sent,received,"
	    "loss_pct,median_ms,mean_ms,p95_ms\n");
	for (i = 0; i < r->nlat; i++) {
		l = &r->lat[i];
		fputs("latency", f);
		report_csv_str(f, l->branch);
		report_csv_str(f, l->edge);
		report_csv_str(f, l->target);
		fprintf(f, ",%s,%lld,%lld,%.3f", report_from_key[l->from],
		    (long long)l->sent, (long long)l->received, l->loss_pct);
		report_print_ms(f, ",", l, "");
		fputc('\n', f);
	}

	fprintf(f, "\nsection,branch,prefix,primary_pct,backup_pct");
	for (j = 0; j < nitems(report_prefix_keys); j++)
		fprintf(f, ",%s_s", report_prefix_keys[j]);
	fprintf(f, ",changes\n");
	for (i = 0; i < r->nprefixes; i++) {
		int64_t	 ms[nitems(report_prefix_keys)];

		report_prefix_times(&r->prefixes[i], ms);
		fputs("prefix", f);
		report_csv_str(f, r->prefixes[i].branch);
		report_csv_str(f, r->prefixes[i].prefix);
		fprintf(f, ",%.3f,%.3f", report_pct(r, ms[0]),
		    report_pct(r, ms[1]));
		for (j = 0; j < nitems(ms); j++)
			fprintf(f, ",%.3f", ms[j] / 1000.0);
		fprintf(f, ",%u\n", r->prefixes[i].changes);
	}

	fprintf(f, "\nsection,branch,suboptimal_s,no_data_s\n");
	for (i = 0; i < r->nroutes; i++) {
		t = &r->routes[i];
		fputs("route", f);
		report_csv_str(f, t->name);
		fprintf(f, ",%.3f,%.3f\n", t->flag_ms / 1000.0,
		    t->nodata_ms / 1000.0);
	}
	fprintf(f, "\nsection,branch,edge,seconds\n");
	for (i = 0; i < r->nroutes; i++) {
		t = &r->routes[i];
		for (j = 0; j < t->nstates; j++) {
			fputs("route_edge", f);
			report_csv_str(f, t->name);
			report_csv_str(f, t->states[j].state);
			fprintf(f, ",%.3f\n", t->states[j].ms / 1000.0);
		}
	}

	fprintf(f, "\nsection,type,level,count,first,last\n");
	for (i = 0; i < r->nevents; i++) {
		e = &r->events[i];
		fputs("event", f);
		report_csv_str(f, e->type);
		report_csv_str(f, e->level);
		fprintf(f, ",%lld,%s,%s\n", (long long)e->count,
		    report_iso(a, sizeof a, e->first_ms),
		    report_iso(b, sizeof b, e->last_ms));
	}
}

/* "key":"escaped", with a leading comma unless first. */
static void
report_json_str(FILE *f, int first, const char *key, const char *s)
{
	char	 buf[1024];

	fprintf(f, "%s\"%s\":\"%s\"", first ? "" : ",", key,
	    json_escape(buf, sizeof buf, s));
}

static void
report_json_tracks(FILE *f, const char *what, const char *key,
    const struct report_track *t, size_t n, const struct report *r)
{
	size_t	 i, j;

	fprintf(f, ",\"%s\":[", what);
	for (i = 0; i < n; i++) {
		fputs(i == 0 ? "{" : ",{", f);
		report_json_str(f, 1, key, t[i].name);
		if (r != NULL)
			fprintf(f, ",\"availability_pct\":%.3f,"
			    "\"coverage_pct\":%.3f,\"flaps\":%u",
			    report_availability(r, &t[i]),
			    report_coverage(r, &t[i]), t[i].flaps);
		fprintf(f, ",\"no_data_s\":%.3f,\"states_s\":{",
		    t[i].nodata_ms / 1000.0);
		for (j = 0; j < t[i].nstates; j++) {
			char	 buf[256];

			fprintf(f, "%s\"%s\":%.3f", j == 0 ? "" : ",",
			    json_escape(buf, sizeof buf, t[i].states[j].state),
			    t[i].states[j].ms / 1000.0);
		}
		fputs("}}", f);
	}
	fputc(']', f);
}

/* Per branch: time suboptimal, no data and through each edge. */
static void
report_json_routes(FILE *f, const struct report *r)
{
	const struct report_track	*t;
	char				 buf[256];
	size_t				 i, j;

	fputs(",\"routes\":[", f);
	for (i = 0; i < r->nroutes; i++) {
		t = &r->routes[i];
		fputs(i == 0 ? "{" : ",{", f);
		report_json_str(f, 1, "branch", t->name);
		fprintf(f, ",\"suboptimal_s\":%.3f,\"no_data_s\":%.3f,"
		    "\"edges_s\":{", t->flag_ms / 1000.0, t->nodata_ms / 1000.0);
		for (j = 0; j < t->nstates; j++)
			fprintf(f, "%s\"%s\":%.3f", j == 0 ? "" : ",",
			    json_escape(buf, sizeof buf, t->states[j].state),
			    t->states[j].ms / 1000.0);
		fputs("}}", f);
	}
	fputc(']', f);
}

static void
report_print_json(const struct report *r, FILE *f)
{
	const struct report_lat		*l;
	const struct report_event	*e;
	char				 a[32], b[32];
	size_t				 i;

	fputc('{', f);
	report_json_str(f, 1, "file", r->path);
	fprintf(f, ",\"schema_version\":%d,\"since\":\"%s\",\"until\":\"%s\","
	    "\"since_ms\":%lld,\"until_ms\":%lld,\"window_s\":%.3f",
	    r->version, report_iso(a, sizeof a, r->since_ms),
	    report_iso(b, sizeof b, r->until_ms), (long long)r->since_ms,
	    (long long)r->until_ms, (r->until_ms - r->since_ms) / 1000.0);
	if (r->unrecorded_ms >= 0)
		fprintf(f, ",\"runs\":%u,\"unrecorded_s\":%.3f", r->nruns,
		    r->unrecorded_ms / 1000.0);
	else
		fputs(",\"runs\":null,\"unrecorded_s\":null", f);
	report_json_tracks(f, "sessions", "session", r->sessions,
	    r->nsessions, r);
	report_json_tracks(f, "partners", "partner", r->partners,
	    r->npartners, NULL);

	fputs(",\"latency\":[", f);
	for (i = 0; i < r->nlat; i++) {
		l = &r->lat[i];
		fputs(i == 0 ? "{" : ",{", f);
		report_json_str(f, 1, "branch", l->branch);
		report_json_str(f, 0, "edge", l->edge);
		report_json_str(f, 0, "target", l->target);
		fprintf(f, ",\"from\":\"%s\",\"sent\":%lld,\"received\":%lld,"
		    "\"loss_pct\":%.3f", report_from_key[l->from],
		    (long long)l->sent, (long long)l->received, l->loss_pct);
		report_print_ms(f, NULL, l, "null");
		fputc('}', f);
	}
	fputs("],\"prefixes\":[", f);
	for (i = 0; i < r->nprefixes; i++) {
		int64_t	 ms[nitems(report_prefix_keys)];
		size_t	 j;

		report_prefix_times(&r->prefixes[i], ms);
		fputs(i == 0 ? "{" : ",{", f);
		report_json_str(f, 1, "branch", r->prefixes[i].branch);
		report_json_str(f, 0, "prefix", r->prefixes[i].prefix);
		fprintf(f, ",\"primary_pct\":%.3f,\"backup_pct\":%.3f",
		    report_pct(r, ms[0]), report_pct(r, ms[1]));
		for (j = 0; j < nitems(ms); j++)
			fprintf(f, ",\"%s_s\":%.3f", report_prefix_keys[j],
			    ms[j] / 1000.0);
		fprintf(f, ",\"changes\":%u}", r->prefixes[i].changes);
	}
	fputc(']', f);
	report_json_routes(f, r);
	fputs(",\"events\":[", f);
	for (i = 0; i < r->nevents; i++) {
		e = &r->events[i];
		fputs(i == 0 ? "{" : ",{", f);
		report_json_str(f, 1, "type", e->type);
		report_json_str(f, 0, "level", e->level);
		fprintf(f, ",\"count\":%lld,\"first\":\"%s\",\"last\":\"%s\"}",
		    (long long)e->count, report_iso(a, sizeof a, e->first_ms),
		    report_iso(b, sizeof b, e->last_ms));
	}
	fputs("]}\n", f);
}

static void (*const report_printers[])(const struct report *, FILE *) = {
	[REPORT_TEXT] = report_print_text,
	[REPORT_CSV] = report_print_csv,
	[REPORT_JSON] = report_print_json,
};

void
report_print(const struct report *r, FILE *f, enum report_format fmt)
{
	report_printers[fmt](r, f);
}
