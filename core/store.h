/* SPDX-License-Identifier: ISC */
/*
 * The SQLite history (the only file that includes sqlite3.h).  Schema
 * version in PRAGMA user_version with forward migrations, WAL, writes
 * queued in memory and committed in one transaction by store_flush()
 * (called from a short timer, see store_start()).  A file that is not
 * SQLite, has a newer schema or is read-only is refused with a clear
 * message and never modified.
 */
#ifndef PEERTOP_STORE_H
#define PEERTOP_STORE_H

#include <stdio.h>

#include "core/latency.h"
#include "core/model.h"

#define STORE_SCHEMA_VERSION	7

/* Retention of the hourly roll-ups when the configuration says nothing. */
#define STORE_KEEP_HOUR_DEFAULT_MS	((int64_t)400 * 86400 * 1000)

struct store;
struct event_base;

/*
 * Open (creating if needed unless STORE_READONLY) and migrate.  NULL and
 * *cause (malloc'd) on error: "history.db: not an SQLite database",
 * "...: schema version 7 is newer than this peertop (1)", "...:
 * read-only".  For writing, the path must not be a symbolic link
 * (dangling or not: nothing is created through one), nor a file
 * writable by its group or others, nor, as root, one root does not own
 * unless STORE_ANY_OWNER.  A new file is 0600, 0640 in a set-group-ID
 * directory.
 */
#define STORE_READONLY		0x1	/* review: never written */
#define STORE_ANY_OWNER		0x2	/* as root, a file of another owner */
struct store *store_open(const char *path, int flags, char **cause);
void	 store_close(struct store *);	/* flushes first */

/*
 * Record this run of peertop in the run table: its version, the
 * configuration file (the absolute path when it resolves) and that file's
 * text as read now with every secret's value "<redacted>"
 * (config_redact(); NULL when unreadable, not a regular file, larger
 * than 1 MiB or no longer a configuration).  The row is written by the next flush; from then on every
 * flush that writes rows, at least one every 10 s while nothing else is
 * written, and store_close() set its last_ms to the time of that flush.
 * Returns 0, or -1 on a read-only or failed store (nothing recorded).
 */
int	 store_run_begin(struct store *, const char *version,
	    const char *config_path);

/* Arm the batching timer (interval_ms, e.g. 500) on base. */
void	 store_start(struct store *, struct event_base *, int interval_ms);

/* Queue rows (copied).  Return 0, or -1 when the store has failed. */
int	 store_session_state(struct store *, const struct session *,
	    enum bgp_state old, int64_t when_ms);
int	 store_redundancy(struct store *, const struct partner *,
	    enum redundancy old, int64_t when_ms);
/*
 * A session's prefixes received and sent (session_counts, schema 4).
 * store_flush() queues one for every session of the attached model at
 * its first flush and whenever they change, at most one a session every
 * 10 s (the last change waits for its turn); this is for the tests.
 */
int	 store_session_counts(struct store *, const struct session *,
	    int64_t when_ms);
/*
 * An event, and its acknowledgement when it carries one (ack_ms set: a
 * condition raised again keeps the acknowledgement of its opener).
 */
int	 store_event(struct store *, const struct event *);
/*
 * The acknowledgement of an event already queued or stored (event_ack,
 * schema 5): ev's ack_ms, ack_user and ack_comment, for the row of ev's
 * id with ev's time, or where the model's id was taken (store_event()),
 * the newest row with ev's time, level and subject.  An event the file
 * does not have is skipped, and so is a second acknowledgement of one
 * event: the first stands.  0, or -1 when the store has failed, is
 * read-only or ev carries no ack_ms.
 */
int	 store_event_ack(struct store *, const struct event *);

/*
 * Queue one latency sample of a (branch, edge, target) series: rtt_us >= 0
 * a reply, negative a loss (stored as NULL).  source names the collector
 * ("probe", "prom", an agent); the strings are sanitised and truncated to
 * NAME_MAX_PT.  Written at the next flush into latency_sample, and added
 * to the series' per-minute and per-hour roll-ups (latency_minute,
 * latency_hour) in the same transaction.  0, or -1 when the store has
 * failed or the queue is full.
 */
int	 store_latency_sample(struct store *, int64_t time_ms,
	    const char *branch, const char *edge, const char *target,
	    const char *source, int64_t rtt_us);

/*
 * mtr's columns for a span of history from the per-minute roll-ups: the
 * minutes starting in [from_ms, to_ms) (whole minutes: from_ms is rounded
 * down to one) of one branch and edge, one target or all (target NULL).
 * Fills sent, received, loss_pct, avg_us, best_us, worst_us and stdev_us
 * (sample standard deviation), first_ms and last_ms (the first and last
 * minute); a median, p95, jitter and Last cannot be rolled up and are
 * left 0 (-1 for last_us).  Works on a read-only store too.  Returns the
 * samples counted (sent), or -1 on error.
 */
int64_t	 store_latency_span(struct store *, const char *branch,
	    const char *edge, const char *target, int64_t from_ms,
	    int64_t to_ms, struct latency_stats *);

/*
 * A latency graph's columns from history: [from_ms, to_ms) cut into n
 * equal buckets for one branch and edge, one target or all (NULL).  When
 * raw samples cover the span (exact = 1) each bucket has the true median
 * and the 10th and 90th percentiles of its replies; older spans come from
 * the per-minute roll-ups (exact = 0): median_us is then the mean and
 * lo/hi the minimum and maximum.  sent 0: no data in that bucket.
 * Returns n, or -1 on error.  Works on a read-only store.
 */
struct lat_bucket {
	int64_t		 from_ms;
	uint32_t	 sent, received;
	double		 median_us;
	int64_t		 lo_us, hi_us;
	int		 exact;
};
int	 store_latency_buckets(struct store *, const char *branch,
	    const char *edge, const char *target, int64_t from_ms,
	    int64_t to_ms, struct lat_bucket *, size_t n);

/*
 * Retention: delete raw samples older than samples_before_ms rounded
 * down to a whole minute, minute roll-ups older than minutes_before_ms
 * and hour roll-ups older than hours_before_ms, both rounded down to a
 * whole hour (0: leave that table alone), at most max_rows from each
 * table per call (0: no bound) so the event loop is not held up; call
 * again while it returns > 0.  The rounding keeps the tables' edges on
 * the next coarser period: every minute row left has all its samples'
 * sums, and before a series' oldest minute row its hours hold the rest.
 * Returns the rows deleted, or -1 and *cause.
 */
int64_t	 store_latency_prune(struct store *, int64_t samples_before_ms,
	    int64_t minutes_before_ms, int64_t hours_before_ms,
	    int64_t max_rows, char **cause);

/*
 * Seal at most max pending latency blocks (schema 7, store-block.c) of
 * hours that ended by before_ms, oldest first, in one transaction: how
 * many (call again while it returns max), or -1 and *cause.  The
 * retention timer does it; a benchmark's generated file calls it.
 */
int64_t	 store_block_seal(struct store *, int64_t before_ms, int64_t max,
	    char **cause);

/*
 * Apply the retention limits on the event loop from now on: raw samples
 * older than keep_raw_ms, minute roll-ups older than keep_minute_ms and
 * hour roll-ups older than keep_hour_ms (each <= 0: its default, 7 d,
 * 90 d, 400 d) are deleted in slices (store_latency_prune()), the first
 * pass a few seconds after the start; the same timer seals the latency
 * blocks of the hours that are over (store_block_seal()).  Not on a
 * read-only store.
 */
void	 store_retention(struct store *, struct event_base *,
	    int64_t keep_raw_ms, int64_t keep_minute_ms, int64_t keep_hour_ms);

/*
 * Reports (report.h) over a history: open it read-only and check it
 * (NULL and *cause, one line naming the file, when it is missing, empty,
 * not SQLite, truncated, not a peertop history or of a newer schema; it
 * fills the version and the oldest and newest time recorded), compute
 * every section over [since_ms, until_ms) in one read transaction (0, or
 * -1 and *cause), free.  Its own connection, never the store's queue or
 * migrations: the file may be another one, older, or written by a live
 * peertop at the same moment; nothing is ever written.
 */
struct report;
struct report *store_report_open(const char *path, char **cause);
int	 store_report_run(struct report *, int64_t since_ms, int64_t until_ms,
	    char **cause);
void	 store_report_free(struct report *);

/* Commit what is queued. -1 and *cause on error (queue kept). */
int	 store_flush(struct store *, char **cause);

/* Last error (disk full, ...), or NULL when healthy. */
const char *store_error(const struct store *);

/* The newest stored event's id, 0 when none: the model numbers on. */
int64_t	 store_last_event_id(struct store *);
/*
 * Load up to max most recent events, oldest first, with their
 * acknowledgements (ack_*, schema 5); returns count.
 */
size_t	 store_recent_events(struct store *, struct event *, size_t max);

/*
 * Hook the store up as the model's sink: session and redundancy changes,
 * events and their acknowledgements (event_ack), latency samples, prefix
 * states (prefix_state) and routed edges (branch_route).
 */
void	 store_attach(struct store *, struct model *);

/* What the file holds and how the writer is doing (status line, tests). */
struct store_stats {
	int		 schema_version;	/* PRAGMA user_version */
	uint32_t	 application_id;
	int		 readonly;
	int		 wal;		/* journal_mode is WAL */
	int64_t		 session_rows, redundancy_rows, event_rows;
	int64_t		 latency_rows, latency_minute_rows;	/* v2 */
	int64_t		 latency_hour_rows, prefix_rows, route_rows;	/* v3 */
	int64_t		 run_rows;
	int64_t		 ack_rows;	/* v5 */
	size_t		 queued;	/* rows waiting for a flush */
	uint64_t	 dropped;	/* rows lost, queue full */
	uint64_t	 written;	/* rows committed since open */
};
int	 store_stats(struct store *, struct store_stats *);	/* 0 or -1 */

/*
 * The writer alone, without counting the file's rows: cheap enough for
 * every scrape of /metrics.
 */
struct store_writer {
	size_t		 queued;	/* rows waiting for a flush */
	uint64_t	 written;	/* rows committed since open */
	int64_t		 flush_ms;	/* wall time of the last commit, 0 */
	int		 failing;	/* the last flush failed */
};
void	 store_writer_stats(const struct store *, struct store_writer *);

/*
 * Benchmarks only: every statement of the store's connections opened
 * from now on, with its values, as an SQL script to f (NULL: stop); the
 * rows they returned since the last call.
 */
uint64_t store_trace(FILE *f);

/* Queue bound (default 100000 rows); beyond it rows are counted, dropped. */
void	 store_set_queue_max(struct store *, size_t);

#endif
