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

#endif
