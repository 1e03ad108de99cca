/* SPDX-License-Identifier: ISC */
/*
 * What the store family (core/store*.c, the only files that include
 * sqlite3.h) shares and nobody else needs: the SQLite files' identity,
 * the one SQLite helper layer (store-sql.c), the readers' check of a
 * file handed over, and the writer's struct store, split between
 * store.c (open, close, timers), store-schema.c (checks, schema,
 * migrations), store-write.c (the queue, roll-ups, runs, pruning) and
 * store-query.c (what the views ask).  SQLite's types are named by their
 * struct tags so that this header need not include sqlite3.h.
 */
#ifndef PEERTOP_STORE_PRIVATE_H
#define PEERTOP_STORE_PRIVATE_H

#include <sys/stat.h>

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

struct sqlite3;
struct sqlite3_stmt;

/* "peer" in the header's application_id field (offset 68). */
#define STORE_APPLICATION_ID	0x70656572

/* ------------------------------------------------ store-sql.c: SQLite */

/* Who asks decides the advice in a message (store_sql_error()). */
enum store_sql_role {
	STORE_SQL_WRITER,	/* peertop recording: "move it aside" */
	STORE_SQL_REVIEWER,	/* peertop -r, through struct store */
	STORE_SQL_READER,	/* replay and report: read, never written */
};

/*
 * A connection to a path with SQLITE_OPEN_* flags, immutable (no -shm:
 * nobody writes it) or not, extended result codes on: an SQLite code,
 * *db possibly set on failure.
 */
int	 store_sql_open(const char *, int flags, int immutable,
	    struct sqlite3 **);
/*
 * A one-line message for rc (an extended code) while doing something,
 * naming path; db may be NULL.  Allocated: the caller frees it.
 */
char	*store_sql_error(struct sqlite3 *, const char *path, int rc,
	    const char *doing, enum store_sql_role);
/*
 * One or two integers from a query's first row (the second pointer may
 * be NULL), NULL read as -1: SQLITE_OK, the failure's code, or
 * SQLITE_ERROR when there is no row.
 */
int	 store_sql_int(struct sqlite3 *, const char *, int64_t *, int64_t *);
/* A statement kept for the connection's life: an SQLite code. */
int	 store_sql_prepare(struct sqlite3 *, const char *,
	    struct sqlite3_stmt **);
/* Step a statement that returns no rows, reset it: SQLITE_OK or a code. */
int	 store_sql_step(struct sqlite3_stmt *);
/*
 * An event's acknowledgement from a row's columns col (time_ms), col + 1
 * (user) and col + 2 (comment), an event_ack row's or NULLs: 1 and
 * ev->ack_* set, or 0 and them cleared when there is none (a NULL, a
 * time not an integer of 1970..9999).
 */
struct event;
int	 store_sql_ack(struct sqlite3_stmt *, int col, struct event *);

/* ------------------------------------------ store-report-lifecycle.c */

/*
 * The report's problems (report.h) over r's window, in the caller's read
 * transaction: 0, or -1 and *cause.
 */
struct report;
int	 store_report_lifecycle(struct report *, char **);

/* -------------------------------------------------- store-schema.c */

/*
 * Before a reader lets SQLite at a file: 0, or -1 and *cause (one line
 * naming the file) when it is missing, not a regular file, empty, not
 * SQLite, or shorter than its pages.
 */
int	 store_check_history(const char *, char **);

/*
 * A read that failed (rc) only for want of a writable -shm, with no -wal
 * beside the file: it can be read as immutable (store_sql_open()).
 */
int	 store_immutable_ok(const char *, int rc);

/* ------------------------------------------------ the writer's store */

#define STORE_BUSY_MS		2000	/* open and the last flush, not the loop */
#define STORE_QUEUE_MAX		100000
#define STORE_NLEVELS		2	/* roll-ups: minutes, hours */

struct store_row;
struct store_row_latency;
struct store_counts;

struct store {
	char		*path;		/* as given: names the file in messages */
	struct sqlite3	*db;
	int		 readonly;
	int		 anyowner;	/* STORE_ANY_OWNER */
	int		 lock_fd;	/* PATH.lock, held while writing */
	int		 version;
	int		 inspect_rc;	/* SQLite code of a failed inspection */
	const struct model *model;	/* store_attach(): edge codes */
	struct event	*retention;	/* store_retention() timer */
	char		 room[PATH_MAX + 64];	/* store_sink_failing_cb() */
	int64_t		 keep_raw_ms, keep_minute_ms, keep_hour_ms;

	struct sqlite3_stmt *ins_session;
	struct sqlite3_stmt *ins_redundancy;
	struct sqlite3_stmt *ins_event;
	struct sqlite3_stmt *ins_ack;
	struct sqlite3_stmt *ins_latency;
	struct sqlite3_stmt *ins_prefix;
	struct sqlite3_stmt *ins_route;
	struct sqlite3_stmt *ins_counts;
	struct sqlite3_stmt *ins_run;
	struct sqlite3_stmt *upd_run;
	struct sqlite3_stmt *upd_rollup[STORE_NLEVELS];	/* store_levels[] */
	struct sqlite3_stmt *ins_rollup[STORE_NLEVELS];
	struct sqlite3_stmt *ins_block;	/* a pending block (schema 7) */
	struct sqlite3_stmt *clr_block;	/* a sealed one pending again */
	struct store_block_seen *block_seen;	/* STORE_BLOCK_SEEN slots */
	uint64_t	 block_gen;	/* moves on at a seal or a rollback */

	/* store_run_begin(): the row waits for a flush, then its id. */
	int		 run_pending;
	int64_t		 run_id;	/* 0: none yet */
	int64_t		 run_start_ms;
	char		*run_version;
	char		*run_config_path;
	char		*run_config;	/* NULL: unreadable */
	size_t		 run_config_len;
	uint64_t	 run_beat;	/* monotonic ms of the last heartbeat */
	int		 closing;	/* store_close(): beat whatever */

	struct store_row_latency *lat;	/* queued latency samples */
	size_t		 nlat;
	size_t		 lat_alloc;
	struct store_row_latency **lat_sorted;	/* flush scratch */
	size_t		 lat_sorted_alloc;

	/* The route counts last queued, per session of the model. */
	struct store_counts *counts;
	size_t		 ncounts;

	struct store_row *queue;
	size_t		 nqueue;
	size_t		 queue_alloc;
	size_t		 queue_max;
	uint64_t	 dropped;	/* rows lost while the queue was full */
	int64_t		 dropped_since;	/* wall ms of the first loss */
	uint64_t	 written;	/* rows committed since open */
	int64_t		 flush_ms;	/* wall time of the last commit, 0 */

	char		*failure;	/* why the last flush failed, or NULL */
	char		*error;		/* store_error(), NULL when healthy */
	struct event	*timer;
	struct event	*soon;		/* a flush asked for before the tick */
};

/* store.c: a message for an SQLite failure of s, naming its file. */
char	*store_dberr(struct store *, int rc, const char *);
/* store-schema.c: check, connect, migrate (s->path, s->readonly set). */
int	 store_schema_open(struct store *, char **);
/* store-write.c: the queue's statements, and freeing them and it. */
int	 store_write_prepare(struct store *, char **);
void	 store_write_free(struct store *);

/* Flush now, on the event loop, logging a failure once per kind. */
void	 store_tick(struct store *);

/* ------------------------------------------------- store-block.c */

#define STORE_BLOCK_HOUR_MS	3600000

/*
 * The series' hours a flush has made pending since the blocks last
 * changed otherwise, so that the next flushes of the hour skip the two
 * statements (a cache by hash: a slot lost or shared costs a statement
 * again, or a block row not made, which readers take as not sealed).
 */
#define STORE_BLOCK_SEEN	4096
struct store_block_seen {
	uint64_t	 key;		/* hash of branch, edge, target */
	int64_t		 hour_ms;
	uint64_t	 gen;		/* s->block_gen + 1 when set */
};

/*
 * An hour's replies (each >= 0, sorted in place) as a latency block's
 * bytes, allocated; the length in *len.
 */
unsigned char *store_block_encode(int32_t *, size_t, size_t *len);
/*
 * A block's bytes appended to *out (*n used of *cap, grown as needed):
 * 0, or -1 (nothing appended) unless they are exactly want replies.
 */
int	 store_block_decode(const void *, size_t, size_t want, int32_t **,
	    size_t *n, size_t *cap);
/*
 * The writer's flush, in its transaction: the hour (its start) of the
 * series (branch, edge, target) has new samples, its block is pending.
 * An SQLite code.
 */
int	 store_block_pending(struct store *, int64_t hour_ms, const char *,
	    const char *, const char *);

/*
 * Would someone else be able to have written this file (group or others
 * can write it; as root, another user owns it unless anyowner)?  0, or
 * -1 and *cause saying what to do.
 */
int	 store_trust(const char *, const struct stat *, int, char **);

/* Take PATH.lock for writing: 0, or -1 and *cause (who holds it). */
int	 store_lock(struct store *, char **);

#endif
