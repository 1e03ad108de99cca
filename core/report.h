/*
 * "peertop report": figures over a window of a recorded history, read
 * through a read-only SQLite connection of its own (the file's bytes are
 * never changed; core/store.c, the writer, is not involved: the reader is
 * core/store-report.c).
 *
 * Every figure is over the half-open window [since, until):
 *   - a session's or partner's state at since is the last transition at
 *     or before since; with none, the time until its first transition is
 *     "no data" (neither up nor down) and reported on its own.  Each
 *     transition changes the state at its time.
 *   - availability is the time Established over the window's length
 *     (Microsoft's SessionAvailability), so no data counts as not up.
 *   - a flap is a transition inside the window from Established (for a
 *     partner, from REDUNDANT) to anything else.
 *   - latency per branch, edge and target over the raw samples in the
 *     window (median and nearest-rank p95 as core/latency.h defines them,
 *     loss = lost / sent); a series with no raw sample left in the window
 *     falls back to the per-minute roll-ups of the minutes starting in it
 *     (since rounded down to a minute): the mean instead of a median, and
 *     no p95.
 *   - events counted by type and level, with the first and last time.
 */
#ifndef PEERTOP_REPORT_H
#define PEERTOP_REPORT_H

#include <stdint.h>
#include <stdio.h>

#define REPORT_SCHEMA_MAX	2	/* the newest user_version read */

enum report_format { REPORT_TEXT, REPORT_CSV, REPORT_JSON };

struct report_state {			/* time in one state */
	char		*state;
	int64_t		 ms;
};

struct report_track {			/* a session or a partner */
	char		*name;
	int64_t		 nodata_ms;	/* before its first transition */
	unsigned	 flaps;
	struct report_state *states;	/* in order of first appearance */
	size_t		 nstates;
};

struct report_lat {
	char		*branch, *edge, *target;
	int		 exact;		/* 1 raw samples, 0 minute roll-ups */
	int64_t		 sent, received;
	double		 loss_pct;
	double		 median_us;	/* exact only */
	double		 mean_us;
	int64_t		 p95_us;	/* exact only; -1 none */
};

struct report_event {
	char		*type, *level;
	int64_t		 count, first_ms, last_ms;
};

struct sqlite3;

struct report {
	char		*path;
	struct sqlite3	*db;
	int		 version;	/* PRAGMA user_version */
	int64_t		 oldest_ms, newest_ms;	/* -1: the file holds no rows */

	int64_t		 since_ms, until_ms;
	struct report_track *sessions;
	size_t		 nsessions;
	struct report_track *partners;
	size_t		 npartners;
	struct report_lat *lat;
	size_t		 nlat;
	struct report_event *events;
	size_t		 nevents;
};

/*
 * A time for --since/--until: "2026-11-25T10:00:00Z", the same without Z
 * or seconds, a space for the T (all UTC), or -15m, -2h, -1d, -30s
 * (relative: *rel set and *ms the negative offset).  0, or -1 if bad.
 */
int	 report_parse_time(const char *, int64_t *ms, int *rel);

/*
 * Opening, reading and freeing a report are core/store-report.c's (it
 * speaks SQL, beside the writer core/store.c): store_report_open(),
 * store_report_run() and store_report_free() in store.h.  These three are for it: time in a
 * state (NULL: no data yet), freeing tracks, dropping a run's figures.
 */
void	 report_track_add(struct report_track *, const char *, int64_t);
void	 report_tracks_free(struct report_track *, size_t);
void	 report_clear(struct report *);

/* Time in one state of a track, 0 when never in it. */
int64_t	 report_state_ms(const struct report_track *, const char *);
/* 100 * time Established / window. */
double	 report_availability(const struct report *,
	    const struct report_track *);

void	 report_print(const struct report *, FILE *, enum report_format);

#endif
