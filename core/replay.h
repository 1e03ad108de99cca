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
 * schema than this peertop writes (3 at least: schemas 1 to 3 are
 * read, a table an older file lacks counts as empty), or held by
 * another program's exclusive lock for a second ("locked").  The
 * statements are prepared here and kept until replay_close().
 */
struct replay	*replay_open(const char *path, char **cause);
void		 replay_close(struct replay *);

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

/*
 * The status bar's timeline: [from_ms, to_ms) cut into n equal cells.
 * level[i]: 0 no event in the cell, else 1 + the worst enum level of
 * its events; data[i]: 1 when a recording run covers some of the cell
 * (run table, schema 3; for older files any transition, event or raw
 * sample in it: the roll-ups have no time index and are not looked
 * at), 0 when peertop was not recording.  0, or -1 (also for n 0 or
 * an empty range).
 */
int	 replay_timeline(struct replay *, int64_t from_ms, int64_t to_ms,
	    size_t n, uint8_t *level, uint8_t *data);

/*
 * Whether a recording run covers t (1), or not (0: "no data").  Files
 * without runs (schema < 3): whether t lies within replay_span().
 */
int	 replay_covered(struct replay *, int64_t t);

/*
 * Set the model's live part as it was at t (inclusive):
 *   - each session's state, since, remote AS, last error and route
 *     counts from its last session_state row at or before t (UNKNOWN
 *     without one; known is the state before an UNKNOWN row);
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
 *     with their stored ids, times and levels; level_counts and each
 *     branch's last event follow from them.
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
