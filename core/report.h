/* SPDX-License-Identifier: ISC */
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
 *   - a state holds until the next transition or the end of the
 *     recording it was seen in, whichever comes first: the writer records
 *     no Unknown when peertop stops, and the next run starts with every
 *     state unknown (it writes Unknown -> X when it sees X again), so the
 *     time outside every recording run (schema 3, run; see below) and
 *     the time from a run's start to a track's first row in it are no
 *     data.  A row outside every run holds nothing.  Before the first
 *     run, and in a file without runs (schema 1 and 2), the time
 *     without recording cannot be told apart: states hold to the next
 *     transition, as recorded.
 *   - availability is the time Established over the time with data
 *     (Microsoft's SessionAvailability, of what was seen), printed beside
 *     the data coverage, the time with data over the window's length.
 *     No data is the time before the first transition, outside every
 *     run, and in Unknown (the source of the session lost: a collector
 *     or a BMP connection down): a monitoring outage, not a session's.
 *   - a flap is a transition inside the window into a known state other
 *     than Established (for a partner, REDUNDANT) when the last known
 *     state was Established: Established, Unknown, Established is none,
 *     and so is Established, a gap between runs, Established; the last
 *     known state is carried across a gap, so Established, a gap, Idle
 *     is one.
 *   - per registered prefix (schema 3, prefix_state) the time visible on
 *     a primary session, on a backup one, on every primary, on every
 *     backup, on a backup only (no primary), on none, and with no data,
 *     as for sessions; on a primary, on a backup only, on none and no
 *     data add up to the window.
 *   - per branch (schema 3, branch_route) the time routed through each
 *     edge and the time with SuboptimalRouting raised.
 *   - latency per branch, edge and target.  Retention deletes raw samples
 *     in whole minutes and minute roll-ups in whole hours, so the file
 *     holds raw samples from M (the oldest one's minute), minute rows
 *     from the oldest one on and hour rows before.  When nothing in the
 *     window comes from a roll-up (M at or before since, or no sample
 *     before M was ever pruned) the figures are exact, over the samples
 *     (median and nearest-rank p95 as core/latency.h defines them).
 *     Otherwise they are sums over the roll-up chain, each probe once:
 *     whole hours of the window from hour rows, whole minutes from
 *     minute rows, the rest from samples (the writer keeps the three in
 *     step, so this is the chain "hours before the oldest minute row,
 *     minutes before M, samples after" with fewer rows); where finer
 *     rows were pruned, since is rounded down and until up to the
 *     coarser rows' period.  The mean replaces the median, there is no
 *     p95, and "from" says which roll-ups were used.  Loss = lost / sent
 *     is exact from the counts either way.
 *   - events counted by type and level, with the first and last time.
 *   - problems (core/condition.c's pairs of a problem event and its
 *     restoration) per level, Error and Critical: those opened in the
 *     window, each followed through its events from the start of the
 *     recording run since falls in, as the live model follows it: raised
 *     again it goes on, at its worst level so far; its restoration
 *     resolves it; the start of a later run ends it (the run before
 *     left it open, and when it cleared is not known).  Its level is
 *     the worst it reached before until.  Acknowledged: an
 *     acknowledgement (schema 5, event_ack) made before until of one of
 *     its events at that level; the time to acknowledge is from when it
 *     reached the level to the first of them.  The time to resolve is
 *     from its first event to its restoration.  One still open at until,
 *     or ended, has no time to resolve: it is counted as open or ended,
 *     never given one.  Medians of an even count are the mean of the
 *     middle two.
 *   - the recording runs (schema 3, run) in the window and the time in
 *     it, from the first run's start on, outside every run's start to
 *     last heartbeat: no data there, not a quiet network.  A run that
 *     crashed has no end but its last heartbeat, written with each of
 *     its flushes (so after every row it wrote) and every 10 s while
 *     idle: it recorded up to there.  Overlapping runs are merged.
 */
#ifndef PEERTOP_REPORT_H
#define PEERTOP_REPORT_H

#include <stdint.h>
#include <stdio.h>

#define REPORT_SCHEMA_MAX	7	/* the newest user_version read */

struct report_state {			/* time in one state */
	char		*state;
	int64_t		 ms;
};

struct report_track {			/* a session or a partner */
	char		*name;
	int64_t		 nodata_ms;	/* before its first transition, or
					   outside the runs (report.h) */
	unsigned	 flaps;
	struct report_state *states;	/* in order of first appearance */
	size_t		 nstates;
	int64_t		 flag_ms;	/* a branch: time SuboptimalRouting */
};

/* Visibility of a registered prefix: times over the window. */
struct report_prefix {
	char		*branch, *prefix;
	int64_t		 primary_ms;	/* on a primary session at least */
	int64_t		 backup_ms;	/* on a backup session at least */
	int64_t		 all_primary_ms; /* on every primary (one or more) */
	int64_t		 all_backup_ms;	/* on every backup (one or more) */
	int64_t		 backup_only_ms; /* on a backup, on no primary */
	int64_t		 none_ms;	/* known, on no session */
	int64_t		 nodata_ms;	/* before its first row, or outside
					   the runs */
	unsigned	 changes;	/* rows inside the window */
};

/* Where a series' figures come from: the coarsest source used. */
enum report_from { REPORT_SAMPLES, REPORT_MINUTES, REPORT_HOURS };

struct report_lat {
	char		*branch, *edge, *target;
	int		 exact;		/* 1 raw samples only, 0 roll-ups too */
	enum report_from from;
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

/* Problems of one level opened in the window (report_problem_levels). */
struct report_problems {
	int64_t		 opened;	/* = resolved + open + ended */
	int64_t		 acked;
	int64_t		 resolved;
	int64_t		 open;		/* still open at until */
	int64_t		 ended;		/* open when a later run started */
	int64_t		 ack_median_ms, ack_max_ms;	/* -1: none acked */
	int64_t		 resolve_median_ms, resolve_max_ms; /* -1: none */
};
#define REPORT_NPROBLEM_LEVELS	2	/* Error, Critical */

/* A time without recording: [from, to), to INT64_MAX after the last. */
struct report_gap {
	int64_t		 from, to;
};

struct sqlite3;

struct report {
	char		*path;
	struct sqlite3	*db;
	int		 version;	/* PRAGMA user_version */
	int64_t		 oldest_ms, newest_ms;	/* -1: the file holds no rows */
	int64_t		 ignored_rows;	/* timed outside 1970..9999: left out */
	unsigned	 tables;	/* REPORT_T_* present in the file */
#define REPORT_T_SAMPLE	0x01
#define REPORT_T_MINUTE	0x02
#define REPORT_T_HOUR	0x04
#define REPORT_T_PREFIX	0x08
#define REPORT_T_ROUTE	0x10
#define REPORT_T_RUN	0x20
#define REPORT_T_ACK	0x40
#define REPORT_T_BLOCK	0x80	/* latency_block, schema 7 */
	int64_t		 raw_from_ms;	/* M, the oldest sample's minute */
	int64_t		 minute_from_ms; /* the oldest minute row; -1 none */
	int64_t		 minute_to_ms;	/* the newest one's end */
	int64_t		 hour_from_ms;	/* the oldest hour row */
	int		 raw_whole;	/* no sample before M was pruned */

	int64_t		 since_ms, until_ms;
	unsigned	 nruns;		/* runs overlapping the window */
	int64_t		 unrecorded_ms;	/* outside every run; -1 unknown */
	struct report_gap *gaps;	/* all the file's, in time order */
	size_t		 ngaps;
	struct report_track *sessions;
	size_t		 nsessions;
	struct report_track *partners;
	size_t		 npartners;
	struct report_lat *lat;
	size_t		 nlat;
	struct report_prefix *prefixes;
	size_t		 nprefixes;
	struct report_track *routes;	/* per branch: states are edges */
	size_t		 nroutes;
	struct report_event *events;
	size_t		 nevents;
	struct report_problems problems[REPORT_NPROBLEM_LEVELS];
};

/*
 * Opening, reading and freeing a report are core/store-report.c's (it
 * speaks SQL, beside the writer core/store.c): store_report_open(),
 * store_report_run() and store_report_free() in store.h.  These are for
 * it: time in a state (NULL: no data yet), freeing tracks, dropping a
 * run's figures, cleaning its strings.
 */
void	 report_track_add(struct report_track *, const char *, int64_t);
void	 report_tracks_free(struct report_track *, size_t);
void	 report_clear(struct report *);
/* The file's strings made fit for a person, in place, after the run. */
void	 report_sanitize(struct report *);

/* Time in one state of a track, 0 when never in it. */
int64_t	 report_state_ms(const struct report_track *, const char *);
/*
 * A session's availability, 100 * time Established / time with data
 * (-1 when there is no time with data: undefined, printed as null, an
 * empty field or "-"), and its data coverage, 100 * time with data /
 * window (0 when there is none).  Time with data is neither before its
 * first row, nor outside the recording runs, nor Unknown.
 */
double	 report_availability(const struct report *,
	    const struct report_track *);
double	 report_coverage(const struct report *, const struct report_track *);

/* The shared names and figures of every format. */
extern const char *const report_problem_levels[REPORT_NPROBLEM_LEVELS];
#define REPORT_NREDUNDANCY	5
extern const char *const report_redundancy[REPORT_NREDUNDANCY];
#define REPORT_PREFIX_NTIMES	7
extern const char *const report_prefix_keys[REPORT_PREFIX_NTIMES];
/* A prefix's times in the order of report_prefix_keys. */
void	 report_prefix_times(const struct report_prefix *, int64_t *);
/* 100 * ms / window. */
double	 report_pct(const struct report *, int64_t);
/* Where a series comes from, in words ("minutes (mean, ...)") or a key. */
const char *report_from_name(enum report_from, int words);

/*
 * A series' exact figures from its round trips as read (LATENCY_LOST for
 * a loss), as latency_stats() gives them, by selection; rtt is reordered.
 */
void	 report_lat_exact(struct report_lat *, int32_t *rtt, size_t n);

struct output;
/* The report through one output (output_find()): text, CSV or JSON. */
void	 report_print(const struct report *, FILE *, const struct output *);

#endif
