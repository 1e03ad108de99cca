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

#include "model.h"

#define STORE_SCHEMA_VERSION	1

struct store;
struct event_base;

/*
 * Open (creating if needed unless readonly) and migrate.  NULL and *cause
 * (malloc'd) on error: "history.db: not an SQLite database", "...: schema
 * version 7 is newer than this peertop (1)", "...: read-only".
 */
struct store *store_open(const char *path, int readonly, char **cause);
void	 store_close(struct store *);	/* flushes first */

/* Arm the batching timer (interval_ms, e.g. 500) on base. */
void	 store_start(struct store *, struct event_base *, int interval_ms);

/* Queue rows (copied).  Return 0, or -1 when the store has failed. */
int	 store_session_state(struct store *, const struct session *,
	    enum bgp_state old, int64_t when_ms);
int	 store_redundancy(struct store *, const struct partner *,
	    enum redundancy old, int64_t when_ms);
int	 store_event(struct store *, const struct event *);

/* Commit what is queued. -1 and *cause on error (queue kept). */
int	 store_flush(struct store *, char **cause);

/* Last error (disk full, ...), or NULL when healthy. */
const char *store_error(const struct store *);

/* Load up to max most recent events, oldest first; returns count. */
size_t	 store_recent_events(struct store *, struct event *, size_t max);

/* Hook the store up as the model's sink. */
void	 store_attach(struct store *, struct model *);

/* What the file holds and how the writer is doing (status line, tests). */
struct store_stats {
	int		 schema_version;	/* PRAGMA user_version */
	uint32_t	 application_id;
	int		 readonly;
	int		 wal;		/* journal_mode is WAL */
	int64_t		 session_rows, redundancy_rows, event_rows;
	size_t		 queued;	/* rows waiting for a flush */
	uint64_t	 dropped;	/* rows lost, queue full */
	uint64_t	 written;	/* rows committed since open */
};
int	 store_stats(struct store *, struct store_stats *);	/* 0 or -1 */

/* Queue bound (default 100000 rows); beyond it rows are counted, dropped. */
void	 store_set_queue_max(struct store *, size_t);

#endif
