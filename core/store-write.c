/* SPDX-License-Identifier: ISC */
/*
 * The history's write queue.  Rows from the model (through the sinks
 * store_attach() installs) are copied into an in-memory queue and
 * committed in one transaction by store_flush(), which store.c's timer
 * calls every few hundred milliseconds; a failed flush rolls back, keeps
 * the queue and tries again at the next tick, so the file never holds
 * half a batch.  Latency samples (schema version 2) have their own
 * compact queue, flushed in the same transaction, and are summed per
 * series and minute into latency_minute, and per hour into latency_hour
 * (version 3), at each flush; store_latency_prune() deletes what
 * retention no longer keeps.  Version 3 also records each run of peertop
 * (with its configuration's text, secrets redacted, and a heartbeat
 * that every flush moves on), the route monitor's prefix states and each branch's routed edge.
 * Version 4 keeps each session's route counts as they change
 * (session_counts), looked at by every flush, so that a replay shows
 * what the Sessions view showed.  Version 5 records who acknowledged an
 * open problem, and when (event_ack).
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <sqlite3.h>

#include "core/config.h"
#include "core/latency-mon.h"
#include "core/store.h"
#include "core/store-private.h"

/*
 * Round trips above a minute are clamped: no prober waits that long, and
 * the bound keeps a roll-up's sum of squares in 64 bits (see
 * store_insert_latency()).
 */
#define STORE_RTT_MAX_US	(60 * 1000 * 1000LL)
/* The run row: the configuration's text up to this, and the heartbeat. */
#define STORE_RUN_CONFIG_MAX	(1024 * 1024)
#define STORE_BEAT_MS		10000	/* idle: a flush for last_ms alone */
/* A session's route counts: at most a row this often (a table loading). */
#define STORE_COUNTS_MS		10000
/* Someone waits for a commit (an agent for its 200): flush this soon. */
#define STORE_SOON_MS		20

#define STORE_MINUTE_MS		60000LL
#define STORE_HOUR_MS		3600000LL

enum store_kind {
	ROW_SESSION, ROW_REDUNDANCY, ROW_EVENT, ROW_PREFIX, ROW_ROUTE,
	ROW_COUNTS, ROW_ACK
};

struct store_row_session {
	int64_t		 time_ms;
	char		 session[NAME_MAX_PT];
	char		 partner[NAME_MAX_PT];
	char		 router[NAME_MAX_PT];
	char		 neighbor[ADDR_STRLEN];
	char		 edge[EDGE_CODE_MAX];
	const char	*role;		/* static names from model.c */
	const char	*old_state;
	const char	*state;
	uint32_t	 remote_as;	/* 0: unknown, stored as NULL */
	char		 last_error[ERR_MAX];
	uint32_t	 routes_imported;
	uint32_t	 routes_exported;
};

struct store_row_redundancy {
	int64_t		 time_ms;
	char		 partner[NAME_MAX_PT];
	const char	*old_state;
	const char	*state;
	char		 reason[REASON_MAX];
};

/* A registered prefix's state (struct branch_prefix), names resolved. */
#define STORE_BP_LEN(f)	sizeof (((struct branch_prefix *)0)->f)
struct store_row_prefix {
	int64_t		 time_ms;
	char		 branch[NAME_MAX_PT];
	char		 prefix[PREFIX_STRLEN];
	uint32_t	 origin;
	unsigned	 flags;
	unsigned	 primary_up, primary_total;
	unsigned	 backup_up, backup_total;
	uint32_t	 best_origin;	/* 0: NULL */
	char		 best_path[STORE_BP_LEN(best_path)];
	char		 best_session[NAME_MAX_PT];
	char		 carried[STORE_BP_LEN(carried)];
	char		 problem[STORE_BP_LEN(problem)];
};

/*
 * An event's stored columns: the model's event also carries its related
 * names and its lifecycle, which are derived again when it is read back,
 * so the queue (up to STORE_QUEUE_MAX rows) does not hold them.
 */
struct store_row_event {
	int64_t		 id;		/* the model's; 0 or taken: a new one */
	int64_t		 time_ms;
	char		 type[sizeof ((struct event *)0)->type];
	enum level	 level;
	char		 subject[sizeof ((struct event *)0)->subject];
	char		 summary[sizeof ((struct event *)0)->summary];
	char		 details[sizeof ((struct event *)0)->details];
};

/*
 * An acknowledgement, with what finds its event's row: the model's id,
 * and where that was taken the event's time, level and subject.
 */
struct store_row_ack {
	int64_t		 id;
	int64_t		 event_ms;
	enum level	 level;
	char		 subject[sizeof ((struct event *)0)->subject];
	int64_t		 time_ms;
	char		 user[sizeof ((struct event *)0)->ack_user];
	char		 comment[sizeof ((struct event *)0)->ack_comment];
};

/* A branch's routed edge ("": unknown) and SuboptimalRouting. */
struct store_row_route {
	int64_t		 time_ms;
	char		 branch[NAME_MAX_PT];
	char		 edge[EDGE_CODE_MAX];
	int		 suboptimal;
};

/* A session's prefixes received and sent. */
struct store_row_counts {
	int64_t		 time_ms;
	char		 session[NAME_MAX_PT];
	uint32_t	 imported, exported;
};

/* What store_counts_scan() last queued for one session of the model. */
struct store_counts {
	char		 session[NAME_MAX_PT];
	uint32_t	 imported, exported;
	uint64_t	 queued_mono;
	int		 valid;
};

/* Latency samples queue apart: small rows, many of them (issue 4). */
struct store_row_latency {
	int64_t		 time_ms;
	int64_t		 rtt_us;	/* < 0: lost, stored as NULL */
	char		 branch[NAME_MAX_PT];
	char		 edge[NAME_MAX_PT];
	char		 target[NAME_MAX_PT];
	char		 source[NAME_MAX_PT];
};

/*
 * One series' minute or hour, summed from a flush's samples before the
 * upsert into its roll-up table.
 */
struct store_rollup {
	const struct store_row_latency	*key;	/* names of the series */
	int64_t		 start_ms;
	int64_t		 sent, received, min, max, sum, sumsq;
};

/* The roll-up tables, finest first: same columns, another period. */
static const struct store_level {
	const char	*table;
	const char	*column;	/* the period's start */
	int64_t		 period_ms;
} store_levels[] = {
	{ "latency_minute", "minute_ms", STORE_MINUTE_MS },
	{ "latency_hour", "hour_ms", STORE_HOUR_MS },
};
_Static_assert(nitems(store_levels) == STORE_NLEVELS,
    "one pair of roll-up statements per level in struct store");

struct store_row {
	enum store_kind	 kind;
	union {
		struct store_row_session	s;
		struct store_row_redundancy	r;
		struct store_row_event		e;
		struct store_row_prefix		p;
		struct store_row_route		b;
		struct store_row_counts		c;
		struct store_row_ack		a;
	};
};

static void	store_update_error(struct store *);
static struct store_row *store_queue_slot(struct store *);
static struct store_row *store_queue_row(struct store *, enum store_kind);
static int	store_insert(struct store *, const struct store_row *);
static int	store_insert_gap(struct store *);
static int	store_insert_ack(struct store *, const struct store_row_ack *);
static void	store_bind_text(sqlite3_stmt *, int, const char *);
static void	store_bind_known(sqlite3_stmt *, int, uint32_t);
static int	store_insert_latency(struct store *);
static int64_t	store_period_start(int64_t, int64_t);
static int	store_series_cmp(const struct store_row_latency *,
		    const struct store_row_latency *);
static int	store_minute_cmp(const void *, const void *);
static int	store_step_rollup(sqlite3_stmt *, const struct store_rollup *);
static int	store_upsert_rollup(struct store *, size_t,
		    struct store_rollup *);
static int	store_rollup_add(struct store *, size_t, struct store_rollup *,
		    const struct store_row_latency *, int);
static int	store_insert_run(struct store *, int64_t, int64_t *);
static void	store_counts_note(struct store *, const struct session *);
static struct store_counts *store_counts_slot(struct store *, size_t,
		    const struct session *);
static void	store_counts_scan(struct store *);
static char	*store_run_read(const char *, size_t *);
static void	store_sink_prefix_cb(void *, const struct branch *,
		    const struct branch_prefix *, int64_t);
static void	store_sink_route_cb(void *, const struct branch *, int64_t);
static void	store_sink_session_cb(void *, const struct session *,
		    enum bgp_state, int64_t);
static void	store_sink_redundancy_cb(void *, const struct partner *,
		    enum redundancy, int64_t);
static void	store_sink_event_cb(void *, struct event *);
static void	store_sink_ack_cb(void *, const struct event *);

/*
 * store_error(): the last flush failure, if any, with what is waiting and
 * what was lost, so the status line says both "disk full" and "rows
 * dropped" when both are true.
 */
static void
store_update_error(struct store *s)
{
	free(s->error);
	s->error = NULL;
	if (s->failure != NULL && s->dropped != 0)
		xasprintf(&s->error, "%s; %zu rows waiting, %llu dropped",
		    s->failure, s->nqueue + s->nlat,
		    (unsigned long long)s->dropped);
	else if (s->failure != NULL)
		xasprintf(&s->error, "%s; %zu rows waiting", s->failure,
		    s->nqueue + s->nlat);
	else if (s->dropped != 0)
		xasprintf(&s->error, "%s: history queue full, %llu rows "
		    "dropped", s->path, (unsigned long long)s->dropped);
}

/* A free queue slot, or NULL (and a dropped row counted) when full. */
static struct store_row *
store_queue_slot(struct store *s)
{
	if (s->readonly || s->db == NULL)
		return (NULL);
	if (s->nqueue >= s->queue_max) {
		if (s->dropped++ == 0)
			s->dropped_since = now_wall_ms();
		store_update_error(s);
		return (NULL);
	}
	if (s->nqueue == s->queue_alloc) {
		s->queue_alloc = s->queue_alloc == 0 ? 64 :
		    s->queue_alloc * 2;
		if (s->queue_alloc > s->queue_max)
			s->queue_alloc = s->queue_max;
		s->queue = xreallocarray(s->queue, s->queue_alloc,
		    sizeof *s->queue);
	}
	return (&s->queue[s->nqueue++]);
}

/* A cleared row of this kind in the queue, or NULL (see above). */
static struct store_row *
store_queue_row(struct store *s, enum store_kind kind)
{
	struct store_row	*row;

	if ((row = store_queue_slot(s)) != NULL) {
		memset(row, 0, sizeof *row);
		row->kind = kind;
	}
	return (row);
}

int
store_session_state(struct store *s, const struct session *sess,
    enum bgp_state old, int64_t when_ms)
{
	struct store_row		*row;
	struct store_row_session	*r;

	if ((row = store_queue_row(s, ROW_SESSION)) == NULL)
		return (-1);
	r = &row->s;
	r->time_ms = when_ms != 0 ? when_ms : now_wall_ms();
	strlcpy_pt(r->session, sess->name, sizeof r->session);
	if (sess->partner != NULL)
		strlcpy_pt(r->partner, sess->partner->name,
		    sizeof r->partner);
	strlcpy_pt(r->router, sess->router, sizeof r->router);
	if (sess->neighbor.af != 0)
		addr_fmt(&sess->neighbor, r->neighbor, sizeof r->neighbor);
	strlcpy_pt(r->edge, sess->edge, sizeof r->edge);
	r->role = role_name(sess->role);
	r->old_state = bgp_state_name(old);
	r->state = bgp_state_name(sess->state);
	r->remote_as = sess->remote_as;
	strlcpy_pt(r->last_error, sess->last_error, sizeof r->last_error);
	r->routes_imported = sess->routes_imported;
	r->routes_exported = sess->routes_exported;
	store_counts_note(s, sess);
	return (0);
}

/*
 * The counts a transition row carries count as queued: no second row
 * for them.  The slot is found by name (a transition names no index).
 */
static void
store_counts_note(struct store *s, const struct session *sess)
{
	struct store_counts	*c;
	size_t			 i;

	for (i = 0; i < s->ncounts; i++) {
		c = &s->counts[i];
		if (c->valid && strcmp(c->session, sess->name) == 0) {
			c->imported = sess->routes_imported;
			c->exported = sess->routes_exported;
			return;
		}
	}
}

int
store_session_counts(struct store *s, const struct session *sess,
    int64_t when_ms)
{
	struct store_row	*row;
	struct store_row_counts	*r;

	if ((row = store_queue_row(s, ROW_COUNTS)) == NULL)
		return (-1);
	r = &row->c;
	r->time_ms = when_ms != 0 ? when_ms : now_wall_ms();
	strlcpy_pt(r->session, sess->name, sizeof r->session);
	r->imported = sess->routes_imported;
	r->exported = sess->routes_exported;
	return (0);
}

/* Session i's slot, cleared when it held another name (a reload). */
static struct store_counts *
store_counts_slot(struct store *s, size_t i, const struct session *sess)
{
	struct store_counts	*c;

	if (i >= s->ncounts) {
		s->counts = xreallocarray(s->counts, i + 1, sizeof *s->counts);
		memset(s->counts + s->ncounts, 0,
		    (i + 1 - s->ncounts) * sizeof *s->counts);
		s->ncounts = i + 1;
	}
	c = &s->counts[i];
	if (strcmp(c->session, sess->name) != 0) {
		memset(c, 0, sizeof *c);
		strlcpy_pt(c->session, sess->name, sizeof c->session);
	}
	return (c);
}

/*
 * Before each flush: every session's counts, queued when they differ
 * from the last queued (at a run's first flush, all of them: a reader
 * takes a session's counts as unknown before its first row).  A table
 * loading changes them at every update: a session gets a row at most
 * every STORE_COUNTS_MS, the last change waiting for its turn.
 */
static void
store_counts_scan(struct store *s)
{
	const struct model	*m = s->model;
	const struct session	*sess;
	struct store_counts	*c;
	uint64_t		 now = now_mono_ms();
	size_t			 i;

	/*
	 * Not at store_close(): the program's teardown frees the model
	 * first, and the counts were looked at by the last tick anyway.
	 */
	if (m == NULL || s->closing || s->readonly || s->db == NULL ||
	    s->version < 4)
		return;
	for (i = 0; i < m->nsessions; i++) {
		sess = m->sessions[i];
		c = store_counts_slot(s, i, sess);
		if (c->valid && c->imported == sess->routes_imported &&
		    c->exported == sess->routes_exported)
			continue;
		if (c->valid && now - c->queued_mono < STORE_COUNTS_MS)
			continue;
		if (store_session_counts(s, sess, 0) != 0)
			return;
		c->valid = 1;
		c->imported = sess->routes_imported;
		c->exported = sess->routes_exported;
		c->queued_mono = now;
	}
}

int
store_redundancy(struct store *s, const struct partner *p,
    enum redundancy old, int64_t when_ms)
{
	struct store_row		*row;
	struct store_row_redundancy	*r;

	if ((row = store_queue_row(s, ROW_REDUNDANCY)) == NULL)
		return (-1);
	r = &row->r;
	r->time_ms = when_ms != 0 ? when_ms : now_wall_ms();
	strlcpy_pt(r->partner, p->name, sizeof r->partner);
	r->old_state = redundancy_name(old);
	r->state = redundancy_name(p->red);
	strlcpy_pt(r->reason, p->reason, sizeof r->reason);
	return (0);
}

int
store_event(struct store *s, const struct event *ev)
{
	struct store_row	*row;

	if ((row = store_queue_slot(s)) == NULL)
		return (-1);
	row->kind = ROW_EVENT;
	row->e.id = ev->id;
	row->e.time_ms = ev->time_ms;
	strlcpy_pt(row->e.type, ev->type, sizeof row->e.type);
	row->e.level = ev->level;
	strlcpy_pt(row->e.subject, ev->subject, sizeof row->e.subject);
	strlcpy_pt(row->e.summary, ev->summary, sizeof row->e.summary);
	strlcpy_pt(row->e.details, ev->details, sizeof row->e.details);
	if (row->e.time_ms == 0)
		row->e.time_ms = now_wall_ms();
	/* Raised again, it is acknowledged still (condition.c). */
	if (ev->ack_ms != 0 && ev->time_ms != 0)
		store_event_ack(s, ev);
	return (0);
}

int
store_event_ack(struct store *s, const struct event *ev)
{
	struct store_row	*row;
	struct store_row_ack	*a;

	if (ev->ack_ms == 0 || (row = store_queue_row(s, ROW_ACK)) == NULL)
		return (-1);
	a = &row->a;
	a->id = ev->id;
	a->event_ms = ev->time_ms;
	a->level = ev->level;
	strlcpy_pt(a->subject, ev->subject, sizeof a->subject);
	a->time_ms = ev->ack_ms;
	strlcpy_pt(a->user, ev->ack_user, sizeof a->user);
	strlcpy_pt(a->comment, ev->ack_comment, sizeof a->comment);
	return (0);
}

/* A registered prefix's state as the route monitor left it. */
static void
store_sink_prefix_cb(void *arg, const struct branch *b,
    const struct branch_prefix *bp, int64_t when_ms)
{
	struct store		*s = arg;
	struct store_row	*row;
	struct store_row_prefix	*r;
	const struct model	*m = s->model;

	if ((row = store_queue_row(s, ROW_PREFIX)) == NULL)
		return;
	r = &row->p;
	r->time_ms = when_ms != 0 ? when_ms : now_wall_ms();
	strlcpy_pt(r->branch, b->name, sizeof r->branch);
	prefix_fmt(&bp->prefix, r->prefix, sizeof r->prefix);
	r->origin = bp->origin;
	r->flags = bp->flags;
	r->primary_up = bp->nprimary;
	r->primary_total = bp->nprimary_total;
	r->backup_up = bp->nbackup;
	r->backup_total = bp->nbackup_total;
	r->best_origin = bp->best_origin;
	strlcpy_pt(r->best_path, bp->best_path, sizeof r->best_path);
	if (m != NULL && bp->best_session >= 0 &&
	    (size_t)bp->best_session < m->nsessions)
		strlcpy_pt(r->best_session, m->sessions[bp->best_session]->name,
		    sizeof r->best_session);
	strlcpy_pt(r->carried, bp->carried, sizeof r->carried);
	strlcpy_pt(r->problem, bp->problem, sizeof r->problem);
}

/* A branch's routed edge and SuboptimalRouting. */
static void
store_sink_route_cb(void *arg, const struct branch *b, int64_t when_ms)
{
	struct store		*s = arg;
	struct store_row	*row;
	struct store_row_route	*r;
	const struct model	*m = s->model;

	if ((row = store_queue_row(s, ROW_ROUTE)) == NULL)
		return;
	r = &row->b;
	r->time_ms = when_ms != 0 ? when_ms : now_wall_ms();
	strlcpy_pt(r->branch, b->name, sizeof r->branch);
	if (m != NULL && b->routed >= 0 && (size_t)b->routed < m->nedges)
		strlcpy_pt(r->edge, m->edges[b->routed].code, sizeof r->edge);
	r->suboptimal = b->suboptimal != 0;
}

/*
 * The configuration's text for the run row: a regular file of at most
 * STORE_RUN_CONFIG_MAX bytes, else NULL (a partial text would mislead).
 */
static char *
store_run_read(const char *path, size_t *len)
{
	struct stat	 sb;
	char		*buf;
	size_t		 have = 0;
	ssize_t		 n;
	int		 fd;

	*len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1)
		return (NULL);
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return (NULL);
	}
	buf = xmalloc(STORE_RUN_CONFIG_MAX + 1);
	do {
		n = read(fd, buf + have, STORE_RUN_CONFIG_MAX + 1 - have);
		if (n > 0)
			have += n;
	} while ((n > 0 || (n == -1 && errno == EINTR)) &&
	    have <= STORE_RUN_CONFIG_MAX);
	close(fd);
	if (n == -1 || have > STORE_RUN_CONFIG_MAX) {
		if (n != -1)
			log_warnx("%s: larger than %d bytes, not recorded in "
			    "the history", path, STORE_RUN_CONFIG_MAX);
		free(buf);
		return (NULL);
	}
	*len = have;
	return (xreallocarray(buf, have + 1, 1));
}

int
store_run_begin(struct store *s, const char *version, const char *config_path)
{
	char	*real, *clean;

	if (s->readonly || s->db == NULL)
		return (-1);
	free(s->run_version);
	free(s->run_config_path);
	free(s->run_config);
	s->run_version = version != NULL ? xstrdup(version) : NULL;
	s->run_config_path = NULL;
	s->run_config = NULL;
	s->run_config_len = 0;
	if (config_path != NULL) {
		if ((real = realpath(config_path, NULL)) != NULL) {
			s->run_config_path = xstrdup(real);
			free(real);
		} else
			s->run_config_path = xstrdup(config_path);
		s->run_config = store_run_read(config_path,
		    &s->run_config_len);
	}
	/* Never a secret in the history: the text with them redacted. */
	if (s->run_config != NULL) {
		clean = config_redact(config_path, s->run_config,
		    s->run_config_len, &s->run_config_len);
		if (clean == NULL)
			log_warnx("%s: changed since it was read (it no longer "
			    "reads as a configuration): not recorded in the "
			    "history", config_path);
		free(s->run_config);
		s->run_config = clean;
		if (clean == NULL)
			s->run_config_len = 0;
	}
	s->run_start_ms = now_wall_ms();
	s->run_id = 0;
	s->run_pending = 1;
	return (0);
}

/*
 * In the flush's transaction: the run's row on the first flush after
 * store_run_begin() (*id its rowid, taken once the commit succeeds),
 * its heartbeat on every later one.  An SQLite code.
 */
static int
store_insert_run(struct store *s, int64_t now_ms, int64_t *id)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (s->run_pending) {
		st = s->ins_run;
		sqlite3_bind_int64(st, 1, s->run_start_ms);
		sqlite3_bind_int64(st, 2, now_ms);
		store_bind_text(st, 3, s->run_version);
		store_bind_text(st, 4, s->run_config_path);
		if (s->run_config != NULL)
			sqlite3_bind_text(st, 5, s->run_config,
			    (int)s->run_config_len, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 5);
	} else {
		st = s->upd_run;
		sqlite3_bind_int64(st, 1, s->run_id);
		sqlite3_bind_int64(st, 2, now_ms);
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE && s->run_pending)
		*id = sqlite3_last_insert_rowid(s->db);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return (rc == SQLITE_DONE ? SQLITE_OK : rc);
}

int
store_latency_sample(struct store *s, int64_t time_ms, const char *branch,
    const char *edge, const char *target, const char *source,
    int64_t rtt_us)
{
	struct store_row_latency	*r;

	if (s->readonly || s->db == NULL)
		return (-1);
	/* One bound for both queues: what an outage may hold in memory. */
	if (s->nqueue + s->nlat >= s->queue_max) {
		if (s->dropped++ == 0)
			s->dropped_since = now_wall_ms();
		store_update_error(s);
		return (-1);
	}
	if (s->nlat == s->lat_alloc) {
		s->lat_alloc = s->lat_alloc == 0 ? 256 : s->lat_alloc * 2;
		if (s->lat_alloc > s->queue_max)
			s->lat_alloc = s->queue_max;
		s->lat = xreallocarray(s->lat, s->lat_alloc, sizeof *s->lat);
	}
	r = &s->lat[s->nlat++];
	r->time_ms = time_ms != 0 ? time_ms : now_wall_ms();
	if (rtt_us < 0)
		r->rtt_us = -1;
	else
		r->rtt_us = rtt_us > STORE_RTT_MAX_US ? STORE_RTT_MAX_US :
		    rtt_us;
	/* Names may come from Prometheus labels or agents: sanitise. */
	sanitize(r->branch, sizeof r->branch, branch, strlen(branch));
	sanitize(r->edge, sizeof r->edge, edge, strlen(edge));
	sanitize(r->target, sizeof r->target, target, strlen(target));
	if (source != NULL)
		sanitize(r->source, sizeof r->source, source, strlen(source));
	else
		r->source[0] = '\0';
	return (0);
}

/* The start of the period of period_ms that holds t (floor, also < 0). */
static int64_t
store_period_start(int64_t t, int64_t period_ms)
{
	return (t - (t % period_ms + period_ms) % period_ms);
}

/* Order of series: branch, edge, target. */
static int
store_series_cmp(const struct store_row_latency *x,
    const struct store_row_latency *y)
{
	int	c;

	if ((c = strcmp(x->branch, y->branch)) == 0 &&
	    (c = strcmp(x->edge, y->edge)) == 0)
		c = strcmp(x->target, y->target);
	return (c);
}

/* Order by series, then minute, so that a flush's roll-ups are runs. */
static int
store_minute_cmp(const void *a, const void *b)
{
	const struct store_row_latency	*x = *(const void * const *)a;
	const struct store_row_latency	*y = *(const void * const *)b;
	int64_t				 mx, my;
	int				 c;

	if ((c = store_series_cmp(x, y)) != 0)
		return (c);
	mx = store_period_start(x->time_ms, STORE_MINUTE_MS);
	my = store_period_start(y->time_ms, STORE_MINUTE_MS);
	return (mx < my ? -1 : mx > my);
}

/* Bind a roll-up to the UPDATE or the INSERT, run it; an SQLite code. */
static int
store_step_rollup(sqlite3_stmt *st, const struct store_rollup *ru)
{
	sqlite3_bind_int64(st, 1, ru->start_ms);
	sqlite3_bind_text(st, 2, ru->key->branch, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, ru->key->edge, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, ru->key->target, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, ru->sent);
	sqlite3_bind_int64(st, 6, ru->received);
	if (ru->received != 0) {
		sqlite3_bind_int64(st, 7, ru->min);
		sqlite3_bind_int64(st, 8, ru->max);
	} else {
		sqlite3_bind_null(st, 7);
		sqlite3_bind_null(st, 8);
	}
	sqlite3_bind_int64(st, 9, ru->sum);
	sqlite3_bind_int64(st, 10, ru->sumsq);
	return (store_sql_step(st));
}

/*
 * Add a run to its row of store_levels[level]; the period's first flush
 * makes the row.  The run starts again empty.
 */
static int
store_upsert_rollup(struct store *s, size_t level, struct store_rollup *ru)
{
	int	rc;

	if ((rc = store_step_rollup(s->upd_rollup[level], ru)) == SQLITE_OK &&
	    sqlite3_changes(s->db) == 0)
		rc = store_step_rollup(s->ins_rollup[level], ru);
	/* An hour's samples changed: its latency block is pending. */
	if (rc == SQLITE_OK &&
	    store_levels[level].period_ms == STORE_BLOCK_HOUR_MS)
		rc = store_block_pending(s, ru->start_ms, ru->key->branch,
		    ru->key->edge, ru->key->target);
	memset(ru, 0, sizeof *ru);
	return (rc);
}

/*
 * One sample into the run of one roll-up level, after writing the run
 * out when the sample is of another series (same 0) or period.  An RTT
 * is at most 3.6e15 us^2 squared: a sum of squares that would pass
 * INT64_MAX (2,562 such samples) is written as it is and the run goes on
 * in a second upsert, which SQLite adds (turning the column REAL only
 * when it overflows there).
 */
static int
store_rollup_add(struct store *s, size_t level, struct store_rollup *ru,
    const struct store_row_latency *r, int same)
{
	int64_t	start, sq;
	int	rc;

	start = store_period_start(r->time_ms, store_levels[level].period_ms);
	sq = r->rtt_us >= 0 ? r->rtt_us * r->rtt_us : 0;
	if (ru->key != NULL && (!same || start != ru->start_ms ||
	    ru->sumsq > INT64_MAX - sq) &&
	    (rc = store_upsert_rollup(s, level, ru)) != SQLITE_OK)
		return (rc);
	ru->key = r;
	ru->start_ms = start;
	ru->sent++;
	if (r->rtt_us < 0)
		return (SQLITE_OK);
	if (ru->received == 0 || r->rtt_us < ru->min)
		ru->min = r->rtt_us;
	if (ru->received == 0 || r->rtt_us > ru->max)
		ru->max = r->rtt_us;
	ru->received++;
	ru->sum += r->rtt_us;
	ru->sumsq += sq;
	return (SQLITE_OK);
}

/*
 * The queued samples into latency_sample, then their sums into each
 * roll-up table: sorted by series and minute (so hours are runs too),
 * each run of a flush is one upsert per table, which adds to what
 * earlier flushes wrote.  A period starts at floor(time_ms / period) *
 * period.
 */
static int
store_insert_latency(struct store *s)
{
	const struct store_row_latency	*r, *prev = NULL;
	struct store_rollup		 ru[STORE_NLEVELS];
	sqlite3_stmt			*st = s->ins_latency;
	size_t				 i, l;
	int				 rc = SQLITE_OK, same;

	if (s->nlat == 0)
		return (SQLITE_OK);
	for (i = 0; rc == SQLITE_OK && i < s->nlat; i++) {
		r = &s->lat[i];
		sqlite3_bind_int64(st, 1, r->time_ms);
		sqlite3_bind_text(st, 2, r->branch, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, r->edge, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, r->target, -1, SQLITE_STATIC);
		store_bind_text(st, 5, r->source);
		if (r->rtt_us >= 0)
			sqlite3_bind_int64(st, 6, r->rtt_us);
		else
			sqlite3_bind_null(st, 6);
		rc = store_sql_step(st);
	}
	if (rc != SQLITE_OK)
		return (rc);

	if (s->lat_sorted_alloc < s->nlat) {
		s->lat_sorted_alloc = s->nlat;
		s->lat_sorted = xreallocarray(s->lat_sorted,
		    s->lat_sorted_alloc, sizeof *s->lat_sorted);
	}
	for (i = 0; i < s->nlat; i++)
		s->lat_sorted[i] = &s->lat[i];
	qsort(s->lat_sorted, s->nlat, sizeof *s->lat_sorted,
	    store_minute_cmp);

	memset(ru, 0, sizeof ru);
	for (i = 0; rc == SQLITE_OK && i < s->nlat; i++) {
		r = s->lat_sorted[i];
		same = prev != NULL && store_series_cmp(prev, r) == 0;
		for (l = 0; rc == SQLITE_OK && l < STORE_NLEVELS; l++)
			rc = store_rollup_add(s, l, &ru[l], r, same);
		prev = r;
	}
	for (l = 0; rc == SQLITE_OK && l < STORE_NLEVELS; l++)
		if (ru[l].key != NULL)
			rc = store_upsert_rollup(s, l, &ru[l]);
	return (rc);
}

/* Empty strings are stored as NULL: "not known", not "known empty". */
static void
store_bind_text(sqlite3_stmt *st, int col, const char *text)
{
	if (text == NULL || *text == '\0')
		sqlite3_bind_null(st, col);
	else
		sqlite3_bind_text(st, col, text, -1, SQLITE_STATIC);
}

/* An AS number, 0 when not known: stored as NULL. */
static void
store_bind_known(sqlite3_stmt *st, int col, uint32_t v)
{
	if (v != 0)
		sqlite3_bind_int64(st, col, v);
	else
		sqlite3_bind_null(st, col);
}

static int
store_insert(struct store *s, const struct store_row *row)
{
	const struct store_row_session		*rs;
	const struct store_row_redundancy	*rr;
	const struct store_row_prefix		*rp;
	const struct store_row_route		*rb;
	const struct store_row_counts		*rn;
	const struct store_row_event		*e;
	sqlite3_stmt				*st;
	int					 rc;

	switch (row->kind) {
	case ROW_SESSION:
		rs = &row->s;
		st = s->ins_session;
		sqlite3_bind_int64(st, 1, rs->time_ms);
		sqlite3_bind_text(st, 2, rs->session, -1, SQLITE_STATIC);
		store_bind_text(st, 3, rs->partner);
		store_bind_text(st, 4, rs->router);
		store_bind_text(st, 5, rs->neighbor);
		store_bind_text(st, 6, rs->edge);
		store_bind_text(st, 7, rs->role);
		store_bind_text(st, 8, rs->old_state);
		sqlite3_bind_text(st, 9, rs->state, -1, SQLITE_STATIC);
		store_bind_known(st, 10, rs->remote_as);
		store_bind_text(st, 11, rs->last_error);
		sqlite3_bind_int64(st, 12, rs->routes_imported);
		sqlite3_bind_int64(st, 13, rs->routes_exported);
		break;
	case ROW_REDUNDANCY:
		rr = &row->r;
		st = s->ins_redundancy;
		sqlite3_bind_int64(st, 1, rr->time_ms);
		sqlite3_bind_text(st, 2, rr->partner, -1, SQLITE_STATIC);
		store_bind_text(st, 3, rr->old_state);
		sqlite3_bind_text(st, 4, rr->state, -1, SQLITE_STATIC);
		store_bind_text(st, 5, rr->reason);
		break;
	case ROW_EVENT:
		e = &row->e;
		st = s->ins_event;
		sqlite3_bind_int64(st, 1, e->time_ms);
		sqlite3_bind_text(st, 2, e->type, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, level_name(e->level), -1,
		    SQLITE_STATIC);
		store_bind_text(st, 4, e->subject);
		store_bind_text(st, 5, e->summary);
		store_bind_text(st, 6, e->details);
		sqlite3_bind_int64(st, 7, e->id);
		break;
	case ROW_PREFIX:
		rp = &row->p;
		st = s->ins_prefix;
		sqlite3_bind_int64(st, 1, rp->time_ms);
		sqlite3_bind_text(st, 2, rp->branch, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, rp->prefix, -1, SQLITE_STATIC);
		store_bind_known(st, 4, rp->origin);
		sqlite3_bind_int64(st, 5, rp->flags);
		sqlite3_bind_int64(st, 6, rp->primary_up);
		sqlite3_bind_int64(st, 7, rp->primary_total);
		sqlite3_bind_int64(st, 8, rp->backup_up);
		sqlite3_bind_int64(st, 9, rp->backup_total);
		store_bind_known(st, 10, rp->best_origin);
		store_bind_text(st, 11, rp->best_path);
		store_bind_text(st, 12, rp->best_session);
		store_bind_text(st, 13, rp->carried);
		store_bind_text(st, 14, rp->problem);
		break;
	case ROW_ROUTE:
		rb = &row->b;
		st = s->ins_route;
		sqlite3_bind_int64(st, 1, rb->time_ms);
		sqlite3_bind_text(st, 2, rb->branch, -1, SQLITE_STATIC);
		store_bind_text(st, 3, rb->edge);
		sqlite3_bind_int(st, 4, rb->suboptimal);
		break;
	case ROW_COUNTS:
		rn = &row->c;
		st = s->ins_counts;
		sqlite3_bind_int64(st, 1, rn->time_ms);
		sqlite3_bind_text(st, 2, rn->session, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, rn->imported);
		sqlite3_bind_int64(st, 4, rn->exported);
		break;
	case ROW_ACK:
		return (store_insert_ack(s, &row->a));
	default:
		fatalx("%s: bad row kind %d", __func__, row->kind);
	}
	rc = store_sql_step(st);
	sqlite3_clear_bindings(st);
	return (rc);
}

/*
 * An acknowledgement: its event's row found by the statement (see
 * store_write_prepare()); none found, nothing is written, and the batch
 * goes on.  The user and the comment were sanitised by the model.
 */
static int
store_insert_ack(struct store *s, const struct store_row_ack *a)
{
	sqlite3_stmt	*st = s->ins_ack;
	int		 rc;

	sqlite3_bind_int64(st, 1, a->id);
	sqlite3_bind_int64(st, 2, a->time_ms);
	sqlite3_bind_text(st, 3, a->user, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, a->comment, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, a->event_ms);
	sqlite3_bind_text(st, 6, level_name(a->level), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, a->subject, -1, SQLITE_STATIC);
	rc = store_sql_step(st);
	sqlite3_clear_bindings(st);
	return (rc);
}

/* Rows were lost while the queue was full: leave a mark in the history. */
static int
store_insert_gap(struct store *s)
{
	struct store_row	 row;
	struct store_row_event	*e = &row.e;

	memset(&row, 0, sizeof row);
	row.kind = ROW_EVENT;
	e->time_ms = s->dropped_since;
	strlcpy_pt(e->type, "HistoryGap", sizeof e->type);
	e->level = LVL_WARNING;
	strlcpy_pt(e->subject, "history", sizeof e->subject);
	snprintf(e->summary, sizeof e->summary, "%llu rows not recorded "
	    "(history queue full)", (unsigned long long)s->dropped);
	snprintf(e->details, sizeof e->details, "the writes to the history "
	    "file failed for longer than the queue of %zu rows could hold",
	    s->queue_max);
	return (store_insert(s, &row));
}

int
store_flush(struct store *s, char **cause)
{
	const char	*what;
	char		*msg;
	int64_t		 now, run_id = 0;
	size_t		 i;
	int		 rc, beat;

	if (cause != NULL)
		*cause = NULL;
	if (s->readonly || s->db == NULL)
		return (0);
	store_counts_scan(s);
	/* Idle, the run's heartbeat alone is worth a commit now and then. */
	beat = s->run_pending || (s->run_id != 0 && (s->closing ||
	    now_mono_ms() - s->run_beat >= STORE_BEAT_MS));
	if (s->nqueue == 0 && s->nlat == 0 && s->dropped == 0 && !beat) {
		free(s->failure);
		s->failure = NULL;
		store_update_error(s);
		return (0);
	}

	now = now_wall_ms();
	what = "starting a transaction";
	rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	for (i = 0; rc == SQLITE_OK && i < s->nqueue; i++) {
		what = "inserting";
		rc = store_insert(s, &s->queue[i]);
	}
	if (rc == SQLITE_OK) {
		what = "inserting latency samples";
		rc = store_insert_latency(s);
	}
	if (rc == SQLITE_OK && s->dropped != 0)
		rc = store_insert_gap(s);
	if (rc == SQLITE_OK && (s->run_pending || s->run_id != 0)) {
		what = "recording the run";
		rc = store_insert_run(s, now, &run_id);
	}
	if (rc == SQLITE_OK) {
		what = "committing";
		rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	}
	if (rc != SQLITE_OK) {
		msg = store_dberr(s, rc, what);
		/* SQLite may have rolled back already (SQLITE_FULL). */
		if (!sqlite3_get_autocommit(s->db))
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		s->block_gen++;		/* the pending rows went too */
		free(s->failure);
		s->failure = msg;
		store_update_error(s);
		if (cause != NULL)
			*cause = xstrdup(s->error);
		return (-1);
	}

	if (s->run_pending) {
		s->run_pending = 0;
		s->run_id = run_id;
		free(s->run_config);	/* in the file now */
		s->run_config = NULL;
	}
	s->run_beat = now_mono_ms();
	s->flush_ms = now;
	s->written += s->nqueue + s->nlat;
	s->nqueue = 0;
	s->nlat = 0;
	if (s->lat_alloc > 65536) {
		free(s->lat);
		s->lat = NULL;
		s->lat_alloc = 0;
	}
	s->dropped = 0;
	s->dropped_since = 0;
	/* Give back a queue that grew during an outage. */
	if (s->queue_alloc > 1024) {
		free(s->queue);
		s->queue = NULL;
		s->queue_alloc = 0;
	}
	free(s->failure);
	s->failure = NULL;
	store_update_error(s);
	/*
	 * Every row queued so far is in the file: tell who waits for it.
	 * Not at store_close(): the loop is over, nobody waits, and the
	 * teardown has freed the model.
	 */
	if (s->model != NULL && !s->closing &&
	    s->model->sink.committed != NULL)
		s->model->sink.committed(s->model->sink.committed_arg,
		    s->written);
	return (0);
}

void
store_set_queue_max(struct store *s, size_t max)
{
	s->queue_max = max > 0 ? max : 1;
	if (s->queue_alloc > s->queue_max && s->nqueue <= s->queue_max) {
		s->queue_alloc = s->queue_max;
		s->queue = xreallocarray(s->queue, s->queue_alloc,
		    sizeof *s->queue);
	}
}

/*
 * The cut-offs are whole periods of the next coarser table (raw samples
 * go a minute at a time, minutes an hour at a time), so that every
 * minute still in latency_minute has all its samples' sums and a reader
 * can take hours before a series' first minute row and minutes from it
 * on.  Roll-ups go oldest rowid first: their rows are made in time order.
 */
int64_t
store_latency_prune(struct store *s, int64_t samples_before_ms,
    int64_t minutes_before_ms, int64_t hours_before_ms, int64_t max_rows,
    char **cause)
{
	static const struct {
		const char	*sql;
		int64_t		 round_ms;
	} del[] = {
		{ "DELETE FROM latency_sample WHERE id IN (SELECT id FROM "
		  "latency_sample WHERE time_ms < ?1 ORDER BY time_ms "
		  "LIMIT ?2)", STORE_MINUTE_MS },
		{ "DELETE FROM latency_minute WHERE rowid IN (SELECT rowid "
		  "FROM latency_minute WHERE minute_ms < ?1 ORDER BY rowid "
		  "LIMIT ?2)", STORE_HOUR_MS },
		{ "DELETE FROM latency_hour WHERE rowid IN (SELECT rowid "
		  "FROM latency_hour WHERE hour_ms < ?1 ORDER BY rowid "
		  "LIMIT ?2)", STORE_HOUR_MS },
		/* Blocks go with the samples: hours before their start. */
		{ "DELETE FROM latency_block WHERE rowid IN (SELECT rowid "
		  "FROM latency_block WHERE hour_ms < ?1 ORDER BY hour_ms "
		  "LIMIT ?2)", STORE_HOUR_MS },
	};
	sqlite3_stmt	*st;
	int64_t		 before[4], n = 0;
	size_t		 i;
	int		 rc = SQLITE_OK;

	*cause = NULL;
	if (s->readonly || s->db == NULL)
		return (0);
	before[0] = samples_before_ms;
	before[1] = minutes_before_ms;
	before[2] = hours_before_ms;
	before[3] = s->version >= 7 ? samples_before_ms : 0;
	for (i = 0; rc == SQLITE_OK && i < nitems(del); i++) {
		if (before[i] == 0)
			continue;
		before[i] = store_period_start(before[i], del[i].round_ms);
		if ((rc = sqlite3_prepare_v2(s->db, del[i].sql, -1, &st,
		    NULL)) != SQLITE_OK)
			break;
		sqlite3_bind_int64(st, 1, before[i]);
		sqlite3_bind_int64(st, 2, max_rows > 0 ? max_rows : -1);
		if ((rc = sqlite3_step(st)) == SQLITE_DONE) {
			rc = SQLITE_OK;
			n += sqlite3_changes(s->db);
		}
		sqlite3_finalize(st);
	}
	if (rc != SQLITE_OK) {
		*cause = store_dberr(s, rc, "pruning latency history");
		return (-1);
	}
	return (n);
}

int
store_write_prepare(struct store *s, char **cause)
{
	const struct {
		const char	 *sql;
		sqlite3_stmt	**stmt;
	} stmts[] = {
		{ "INSERT INTO session_state (time_ms, session, partner, "
		  "router, neighbor, edge, role, old_state, state, remote_as, "
		  "last_error, routes_imported, routes_exported) VALUES "
		  "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", &s->ins_session },
		{ "INSERT INTO redundancy_state (time_ms, partner, old_state, "
		  "state, reason) VALUES (?, ?, ?, ?, ?)", &s->ins_redundancy },
		/*
		 * The event keeps the id the dashboard showed (the model
		 * numbers on from the history's newest, store_last_event_id),
		 * so that #344 live is #344 in a replay; a new one where that
		 * id is taken.
		 */
		{ "INSERT INTO events (id, time_ms, type, level, subject, "
		  "summary, details) VALUES (CASE WHEN ?7 > 0 AND NOT EXISTS "
		  "(SELECT 1 FROM events WHERE id = ?7) THEN ?7 END, "
		  "?1, ?2, ?3, ?4, ?5, ?6)", &s->ins_event },
		/*
		 * An acknowledgement goes to the event of the model's id
		 * (?1) when that row has the event's time (?5); where the id
		 * was taken the event got another, and the newest row of
		 * that time, level and subject is it.  SELECT, not VALUES:
		 * an event the file does not have (the foreign key) skips
		 * the row instead of failing the batch; IGNORE keeps the
		 * first acknowledgement of an event.
		 */
		{ "INSERT OR IGNORE INTO event_ack (event_id, time_ms, user, "
		  "comment) SELECT id, ?2, ?3, ?4 FROM events WHERE "
		  "time_ms = ?5 AND (id = ?1 OR (level = ?6 AND "
		  "coalesce(subject, '') = ?7)) ORDER BY id = ?1 DESC, "
		  "id DESC LIMIT 1", &s->ins_ack },
		{ "INSERT INTO latency_sample (time_ms, branch, edge, target, "
		  "source, rtt_us) VALUES (?, ?, ?, ?, ?, ?)", &s->ins_latency },
		{ "INSERT INTO prefix_state (time_ms, branch, prefix, origin, "
		  "flags, primary_up, primary_total, backup_up, backup_total, "
		  "best_origin, best_path, best_session, carried, problem) "
		  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		  &s->ins_prefix },
		{ "INSERT INTO branch_route (time_ms, branch, routed_edge, "
		  "suboptimal) VALUES (?, ?, ?, ?)", &s->ins_route },
		{ "INSERT INTO session_counts (time_ms, session, "
		  "routes_imported, routes_exported) VALUES (?, ?, ?, ?)",
		  &s->ins_counts },
		{ "INSERT INTO run (start_ms, last_ms, version, config_path, "
		  "config) VALUES (?, ?, ?, ?, ?)", &s->ins_run },
		{ "UPDATE run SET last_ms = ?2 WHERE id = ?1", &s->upd_run },
		/*
		 * Latency blocks (schema 7, store-block.c): the hour of a
		 * series a flush wrote samples of is pending, a sealed one
		 * again; two statements, as for the roll-ups below.
		 */
		{ "UPDATE latency_block SET n = 0, rtts = NULL WHERE "
		  "hour_ms = ?1 AND branch = ?2 AND edge = ?3 AND target = ?4 "
		  "AND rtts IS NOT NULL", &s->clr_block },
		{ "INSERT OR IGNORE INTO latency_block (hour_ms, branch, edge, "
		  "target, n) VALUES (?1, ?2, ?3, ?4, 0)", &s->ins_block },
	};
	const struct store_level	*l;
	char				*sql;
	size_t				 i;
	int				 rc = SQLITE_OK;

	for (i = 0; rc == SQLITE_OK && i < nitems(stmts); i++)
		rc = store_sql_prepare(s->db, stmts[i].sql, stmts[i].stmt);
	/*
	 * A roll-up's "upsert" is an UPDATE, then an INSERT when no row
	 * was there: INSERT ... ON CONFLICT needs SQLite 3.24, configure
	 * accepts 3.22.  Their parameters: ?1 the period's start, ?2-?4
	 * the series, ?5 sent, ?6 received, ?7 min, ?8 max, ?9 sum, ?10 sum
	 * of squares.  min(NULL, x) is NULL in SQL: coalesce keeps the
	 * known side.
	 */
	for (i = 0; rc == SQLITE_OK && i < STORE_NLEVELS; i++) {
		l = &store_levels[i];
		xasprintf(&sql, "UPDATE %s SET sent = sent + ?5, "
		    "received = received + ?6, "
		    "rtt_min_us = min(coalesce(rtt_min_us, ?7), "
		    "coalesce(?7, rtt_min_us)), "
		    "rtt_max_us = max(coalesce(rtt_max_us, ?8), "
		    "coalesce(?8, rtt_max_us)), "
		    "rtt_sum_us = rtt_sum_us + ?9, "
		    "rtt_sumsq_us2 = rtt_sumsq_us2 + ?10 "
		    "WHERE branch = ?2 AND edge = ?3 AND target = ?4 AND "
		    "%s = ?1", l->table, l->column);
		rc = store_sql_prepare(s->db, sql, &s->upd_rollup[i]);
		free(sql);
		if (rc != SQLITE_OK)
			break;
		xasprintf(&sql, "INSERT INTO %s (%s, branch, edge, target, "
		    "sent, received, rtt_min_us, rtt_max_us, rtt_sum_us, "
		    "rtt_sumsq_us2) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
		    "?9, ?10)", l->table, l->column);
		rc = store_sql_prepare(s->db, sql, &s->ins_rollup[i]);
		free(sql);
	}
	if (rc != SQLITE_OK) {
		*cause = store_dberr(s, rc, "preparing statements");
		return (-1);
	}
	return (0);
}

/* The statements and the queues, at store_close(). */
void
store_write_free(struct store *s)
{
	size_t	 i;

	sqlite3_finalize(s->ins_session);
	sqlite3_finalize(s->ins_redundancy);
	sqlite3_finalize(s->ins_event);
	sqlite3_finalize(s->ins_ack);
	sqlite3_finalize(s->ins_latency);
	sqlite3_finalize(s->ins_prefix);
	sqlite3_finalize(s->ins_route);
	sqlite3_finalize(s->ins_counts);
	sqlite3_finalize(s->ins_run);
	sqlite3_finalize(s->upd_run);
	sqlite3_finalize(s->clr_block);
	sqlite3_finalize(s->ins_block);
	free(s->block_seen);
	for (i = 0; i < STORE_NLEVELS; i++) {
		sqlite3_finalize(s->upd_rollup[i]);
		sqlite3_finalize(s->ins_rollup[i]);
	}
	free(s->queue);
	if (s->soon != NULL)
		event_free(s->soon);
	free(s->counts);
	free(s->lat);
	free(s->lat_sorted);
	free(s->run_version);
	free(s->run_config_path);
	free(s->run_config);
}

static void
store_sink_session_cb(void *arg, const struct session *sess,
    enum bgp_state old, int64_t when_ms)
{
	store_session_state(arg, sess, old, when_ms);
}

static void
store_sink_redundancy_cb(void *arg, const struct partner *p,
    enum redundancy old, int64_t when_ms)
{
	store_redundancy(arg, p, old, when_ms);
}

static void
store_sink_event_cb(void *arg, struct event *ev)
{
	store_event(arg, ev);
}

static void
store_sink_ack_cb(void *arg, const struct event *ev)
{
	store_event_ack(arg, ev);
}

static void
store_sink_latency_cb(void *arg, const struct latlink *l, int64_t time_ms,
    int64_t rtt_us)
{
	struct store	*s = arg;

	store_latency_sample(s, time_ms, l->branch->name,
	    s->model->edges[l->edge_idx].code, l->target,
	    latency_mon_source_name(l->source), rtt_us);
}

/*
 * The ingest endpoint asks before it answers an agent: a batch that would
 * overflow the queue is refused whole (503, the agent keeps it) rather
 * than accepted and then partly dropped.
 */
static const char *
store_sink_failing_cb(void *arg, size_t rows)
{
	struct store	*s = arg;
	const char	*why;

	if ((why = store_error(s)) != NULL)
		return (why);
	if (s->nqueue + s->nlat + rows > s->queue_max) {
		snprintf(s->room, sizeof s->room, "%s: %zu rows wait for the "
		    "disk, no room for %zu more", s->path, s->nqueue + s->nlat,
		    rows);
		return (s->room);
	}
	return (NULL);
}

/*
 * Rows are numbered in the order they are queued and committed in that
 * order, all of a flush at once: the last one queued is the rows written
 * since the open plus those waiting, the last one committed is those
 * written.  Rows dropped on a full queue are never numbered.
 */
static uint64_t
store_sink_seq_cb(void *arg, uint64_t *committed)
{
	struct store	*s = arg;

	*committed = s->written;
	return (s->written + s->nqueue + s->nlat);
}

static void
store_soon_cb(evutil_socket_t fd, short events, void *arg)
{
	struct store	*s = arg;

	(void)fd;
	(void)events;
	/*
	 * Flushed here, not by activating the tick's persistent timer:
	 * libevent would then schedule its next run an interval after the
	 * one it had planned, so every early flush pushed the regular one
	 * later, for as long as agents kept posting.
	 */
	if (s->timer != NULL)
		store_tick(s);
}

/*
 * The ingest endpoint holds an agent's 200 until its batch is committed:
 * a flush in STORE_SOON_MS instead of at the next tick, so one commit
 * takes every batch that arrived meanwhile and an agent does not wait
 * half a second per batch.
 */
static void
store_sink_flush_soon_cb(void *arg)
{
	struct store	*s = arg;
	struct timeval	 tv;

	if (s->timer == NULL)
		return;
	if (s->soon == NULL && (s->soon = evtimer_new(event_get_base(s->timer),
	    store_soon_cb, s)) == NULL)
		fatalx("evtimer_new");
	if (evtimer_pending(s->soon, NULL))
		return;
	tv.tv_sec = 0;
	tv.tv_usec = STORE_SOON_MS * 1000;
	evtimer_add(s->soon, &tv);
}

void
store_attach(struct store *s, struct model *m)
{
	s->model = m;
	m->sink.arg = s;
	m->sink.session_state = store_sink_session_cb;
	m->sink.redundancy = store_sink_redundancy_cb;
	m->sink.event = store_sink_event_cb;
	m->sink.ack = store_sink_ack_cb;
	m->sink.latency = store_sink_latency_cb;
	m->sink.prefix = store_sink_prefix_cb;
	m->sink.route = store_sink_route_cb;
	m->sink.failing = store_sink_failing_cb;
	m->sink.seq = store_sink_seq_cb;
	m->sink.flush_soon = store_sink_flush_soon_cb;
}
