/* SPDX-License-Identifier: ISC */
/*
 * What the replay reader's two files share (core/store-replay.c: open,
 * statements, loading a model; core/store-replay-timeline.c: steps, the
 * change at a time, the timeline): the prepared statements and the
 * reader's state.  SQLite's types are named by their struct tags, as in
 * store-private.h.
 */
#ifndef PEERTOP_STORE_REPLAY_PRIVATE_H
#define PEERTOP_STORE_REPLAY_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

struct sqlite3;
struct sqlite3_stmt;

/* The prepared statements, each only when its table exists. */
#define REPLAY_MINUTE_MS	60000LL
#define REPLAY_HOUR_MS		3600000LL

/* Tables a file may lack (older schema): bits of replay->tables. */
#define RT_SESSION	0x01
#define RT_REDUNDANCY	0x02
#define RT_EVENTS	0x04
#define RT_SAMPLE	0x08
#define RT_MINUTE	0x10
#define RT_RUN		0x20
#define RT_ROUTE	0x40
#define RT_PREFIX	0x80
#define RT_HOUR		0x100
#define RT_COUNTS	0x200
#define RT_ACK		0x400

enum replay_stmt {
	RS_SESSION,		/* a session's last row at or before t */
	RS_SESSION_NAME,	/* the next session name (skip scan) */
	RS_COUNTS,		/* its last route counts at or before t */
	RS_RUN_START,		/* the start of the run t falls in */
	RS_FLAPS,		/* its transitions since then */
	RS_REDUNDANCY,
	RS_PARTNER_NAME,
	RS_ROUTE,
	RS_ROUTE_NAME,
	RS_PREFIX,
	RS_PREFIX_SINCE,	/* when its flags last changed */
	RS_RAW,			/* samples in (from, to], by series */
	RS_RAW_OLDEST,
	RS_MINUTE_SERIES,	/* the next series of the roll-ups */
	RS_MINUTE_ROWS,
	RS_MINUTE_OLDEST,
	RS_HOUR_SERIES,
	RS_HOUR_ROWS,
	RS_EVENTS,
	RS_NEXT,		/* replay_step() */
	RS_PREV,
	RS_SPAN,
	RS_CH_SESSION,		/* replay_change(): each table's rows at t */
	RS_CH_REDUNDANCY,
	RS_CH_EVENT,
	RS_CH_ROUTE,
	RS_CH_PREFIX,
	RS_TL_EVENTS,		/* replay_timeline() */
	RS_TL_RUNS,
	RS_TL_ROWS,
	RS_COVERED,
	RS_CONFIG,
	RS_DATA_VERSION,	/* changes when another connection commits */
	RS_COUNT
};

struct replay {
	char		*path;
	struct sqlite3	*db;
	int		 version;
	unsigned	 tables;	/* RT_* */
	struct sqlite3_stmt *st[RS_COUNT];

	/* The last timeline, while the file has not changed (data_version). */
	struct {
		int64_t		 from_ms, to_ms, version;
		size_t		 n;
		uint8_t		*level, *data;
		int64_t		*edge;
	}		 tl;
};

/* A prepared statement, reset and unbound; NULL when its table is not. */
struct sqlite3_stmt *replay_stmt(struct replay *, enum replay_stmt);
/* A text column, "" for NULL. */
const char	*replay_text(struct sqlite3_stmt *, int);

/*
 * Skip-scan keys (store-replay.c): the next series (branch, edge,
 * target) of a roll-up table after key, into b, e and tg (NAME_MAX_PT
 * each): 1, 0 at the end, -1 on error; and the keys' values freed.
 */
struct sqlite3_value;
int	 replay_series_next(struct sqlite3_stmt *, struct sqlite3_value *[3],
	    char *, char *, char *);
void	 replay_key_free(struct sqlite3_value **, size_t);

/*
 * store-replay-latency.c: the latency links at t, from the samples and
 * the roll-ups; 0, or -1 (a database error).
 */
struct model;
int	 replay_latency(struct replay *, struct model *, int64_t, size_t *);

#endif
