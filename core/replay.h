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
 * ("damaged"), another program's, of a newer schema, or locked.
 */
struct replay	*replay_open(const char *path, char **cause);
void		 replay_close(struct replay *);

/*
 * The oldest and newest time any table records, re-read on each call
 * (a live writer may have added rows).  0, or -1 when the file holds no
 * rows.
 */
int	 replay_span(struct replay *, int64_t *oldest_ms, int64_t *newest_ms);

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
 * (run table, schema 3; for older files any row in it), 0 when peertop
 * was not recording.  0, or -1.
 */
int	 replay_timeline(struct replay *, int64_t from_ms, int64_t to_ms,
	    size_t n, uint8_t *level, uint8_t *data);

/* Whether a recording run covers t (1), or not (0: "no data"). */
int	 replay_covered(struct replay *, int64_t t);

/*
 * Set the model's live part as it was at t (inclusive):
 *   - each session's state, since, remote AS, last error and route
 *     counts from its last session_state row at or before t (UNKNOWN
 *     without one);
 *   - each partner's redundancy, reason and since from redundancy_state;
 *   - each branch's routed edge and SuboptimalRouting flag (branch_route)
 *     and each registered prefix's state (prefix_state);
 *   - the latency links rebuilt from the samples in (t - window, t]
 *     (the per-minute roll-ups where the raw samples were pruned);
 *   - the event ring: the last MODEL_EVENTS_MAX events at or before t.
 * Nothing is sent to the model's sink (it is left NULL for a replay
 * model) and no event is raised: the ring holds the recorded events
 * only.  Rows naming sessions, partners or branches the configuration
 * does not have are skipped and counted in *unknown (may be NULL).
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
