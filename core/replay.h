/* SPDX-License-Identifier: ISC */
/*
 * Replay (peertop -r FILE, and z in the dashboard): a recorded history
 * read back into a model, as it was at a chosen time.  Its own read-only
 * SQLite connection (SQLITE_OPEN_READONLY, no migrations, no writes):
 * it works while a live peertop writes the same file (WAL), and the
 * file's bytes are never changed.  core/store-replay.c.
 *
 * The static part of the model (edges, partners, sessions, branches,
 * prefixes, probes) comes from the configuration as for a live run;
 * replay_load() sets the live part as of a time from the recorded rows.
 */
#ifndef PEERTOP_REPLAY_H
#define PEERTOP_REPLAY_H

#include <stddef.h>
#include <stdint.h>

struct model;
struct replay;

/*
 * Open a history for replay.  NULL and *cause (malloc'd, one line that
 * names the file) when it is missing, empty, not SQLite, truncated
 * ("damaged"), another program's ("not a peertop history"), of a newer
 * schema than this peertop writes (STORE_SCHEMA_VERSION, 5: schemas 1
 * to 5 are read, a table an older file lacks counts as empty), or held
 * by another program's exclusive lock for a second ("locked").  The
 * statements are prepared here and kept until replay_close().
 */
struct replay	*replay_open(const char *path, char **cause);
void		 replay_close(struct replay *);

/*
 * The times a span may hold: 1970 to the end of 9999 (UTC).  A damaged
 * or crafted file's rows beyond are left out of the span and of t/T's
 * steps, so that stepping and drawing it never overflow.
 */
#define REPLAY_TIME_MIN_MS	0LL
#define REPLAY_TIME_MAX_MS	253402300799999LL

/*
 * The oldest and newest time any table records, re-read on each call
 * (a live writer may have added rows).  0, or -1 when the file holds no
 * rows.
 */
int	 replay_span(struct replay *, int64_t *oldest_ms,
	    int64_t *newest_ms);

/*
 * The next change strictly after t (dir > 0) or the previous one
 * strictly before t (dir < 0): a session or redundancy transition, an
 * event, a routed-edge or prefix change.  0 and *out, or -1 when there
 * is none in that direction.
 */
int	 replay_step(struct replay *, int64_t t, int dir, int64_t *out);

/* What changed at one time, for the status line after t/T. */
enum replay_change_kind {
	REPLAY_CHANGE_SESSION,		/* subject from -> to: BGP states */
	REPLAY_CHANGE_REDUNDANCY,	/* a partner's, likewise */
	REPLAY_CHANGE_EVENT,		/* to: the type, from: the level */
	REPLAY_CHANGE_ROUTE,		/* a branch; to: the routed edge ("",
					   none), from: "suboptimal" or "" */
	REPLAY_CHANGE_PREFIX,		/* subject "branch prefix", to: its
					   problem ("" when none) */
};

struct replay_change {
	enum replay_change_kind	 kind;
	char			 subject[96];
	char			 from[32];
	char			 to[96];
	size_t			 more;	/* other changes at the same time */
};

/*
 * The change recorded at exactly t, the most telling one when there are
 * several (a session's transition, then a partner's redundancy, an
 * event, worst level first, a routed edge, a prefix), the others
 * counted in more.  The names are the file's, sanitised for a terminal.
 * 0 and *c, or -1 when nothing changed at t.
 */
int	 replay_change(struct replay *, int64_t t, struct replay_change *c);

/*
 * The status bar's timeline: [from_ms, to_ms) cut into n cells, cell i
 * being [edge[i], edge[i + 1]) (edge has n + 1 entries, edge[0] from_ms
 * and edge[n] to_ms; a cell may be empty when the span has fewer
 * milliseconds than cells).  The recorded time is spread evenly over
 * the cells, except that an unrecorded gap longer than three cells
 * (no run covers it: a file with runs, schema 3) is squeezed into one
 * cell, the longest gaps first, up to a quarter of the cells: a short
 * incident keeps its width beside a long night without peertop.
 * level[i]: 0 no event in the cell, else 1 + the worst enum level of
 * its events; data[i]: REPLAY_CELL_DATA when a recording run covers
 * some of the cell (for files without runs any transition, event or
 * raw sample in it: the roll-ups have no time index and are not looked
 * at), REPLAY_CELL_GAP for a squeezed gap, 0 when peertop was not
 * recording.  0, or -1 (also for n 0 or an empty range).
 */
#define REPLAY_CELL_DATA	1
#define REPLAY_CELL_GAP		2
int	 replay_timeline(struct replay *, int64_t from_ms, int64_t to_ms,
	    size_t n, uint8_t *level, uint8_t *data, int64_t *edge);

/* The cell of a timeline's edges (n cells) that holds t, clamped. */
size_t	 replay_cell(const int64_t *edge, size_t n, int64_t t);

/*
 * Whether a recording run covers t (1), or not (0: "no data").  Files
 * without runs (schema < 3): whether t lies within replay_span().
 */
int	 replay_covered(struct replay *, int64_t t);

/*
 * Set the model's live part as it was at t (inclusive):
 *   - each session's state, since, remote AS and last error from its
 *     last session_state row at or before t (UNKNOWN without one; known
 *     is the state before an UNKNOWN row); its route counts from that
 *     row or its last session_counts row, whichever is newer, and
 *     routes_unrecorded set without a session_counts row at or before t
 *     (the file did not record them then: not 0, unknown); its flaps
 *     counted as live counts them, since the start of the recording run
 *     t falls in (the file's first row without runs): each drop from
 *     Established to a known other state, a collector's Unknown in
 *     between being no drop; flapping as the live model judges it, three
 *     drops within SESSION_FLAP_WINDOW_MS, until a whole window
 *     Established without one;
 *   - each partner's redundancy, reason and since from redundancy_state,
 *     as recorded (not recomputed); each branch's sessions up/total;
 *   - each branch's routed edge and SuboptimalRouting flag (branch_route)
 *     and each registered prefix's state (prefix_state; since_ms is
 *     when its flags last changed, seen 0 without a row);
 *   - the latency links rebuilt through latency_mon_sample() from the
 *     samples in (t - window, t]: raw samples where the file has them,
 *     the per-minute roll-ups before the oldest raw sample and the
 *     per-hour ones before a series' oldest minute, each roll-up spread
 *     back over its minute or hour as its replies at its mean and its
 *     losses between them;
 *   - the event ring: the last MODEL_EVENTS_MAX events at or before t,
 *     with their stored ids, times and levels, and the acknowledgement
 *     of each (event_ack, schema 5) made at or before t: one made after
 *     t did not exist yet; level_counts and each branch's last event
 *     follow from them.  The open conditions are rebuilt from the ring
 *     as live (what a run before t's left open is not open), each
 *     acknowledged as its opener is at t.
 * All of it in one read transaction: a live writer's commit is either
 * all in or all out.  Nothing is sent to the model's sink (it is
 * cleared during the load and put back after) and no event is raised:
 * the ring holds the recorded events only.  Names the configuration
 * does not have are skipped and counted in *unknown (may be NULL): each
 * session, partner or branch with a row at or before t once, and each
 * latency series in the window whose branch or edge is unknown once.
 * Sets DIRTY_ALL.  0, or -1 and *cause.
 */
int	 replay_load(struct replay *, struct model *, int64_t t,
	    size_t *unknown, char **cause);

/*
 * The configuration the newest recording run read (run table): its text
 * and its path, both malloc'd; NULL when the file has none (schema < 3).
 */
char	*replay_config(struct replay *, char **path);

#endif
