/* SPDX-License-Identifier: ISC */
/*
 * A viewer attached to a headless collector (peertop-control(7)), like
 * tmux attach: the collector sends its configuration and a snapshot,
 * the replica (core/replica.c) is the model the views draw, and the
 * changes keep it current.  When the collector goes away the last
 * picture stays, greyed, the status bar says since when and why, and
 * the viewer reattaches by itself when the collector is back: the same
 * model refilled from the new snapshot, or a new one when the
 * collector's configuration changed.
 */
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <jansson.h>

#include "core/control-client.h"
#include "core/eval.h"
#include "core/latency.h"
#include "core/proto.h"
#include "core/replay-remote.h"
#include "core/replica.h"
#include "core/store.h"
#include "tui/attach.h"
#include "tui/tui.h"

#define ATTACH_TIMEOUT_MS	10000	/* one frame of the snapshot */
#define ATTACH_RETRY_MIN_MS	500
#define ATTACH_RETRY_MAX_MS	5000
#define ATTACH_PING_MS		5000	/* asked when nothing came */
#define ATTACH_HUNG_MS		15000	/* silent this long: not answering */
#define ATTACH_SLICE_MS		4	/* frames applied per turn, at most */

struct attach {
	char		*path;
	struct ctlc	*c;
	struct ctlc	*q;		/* history queries, its own line */
	struct replica	 rp;
	char		*config;	/* the text the model was made from */
	char		*datadir;
	struct tui	*tui;
	struct event	*ev_read;
	struct event	*ev_retry;
	struct event	*ev_ping;
	uint64_t	 rx_mono;	/* the collector last said anything */
	int		 hung;		/* connected, but it does not answer */
	int		 backlog;	/* read, not yet applied: no fill */
	int		 retry_ms;
	int64_t		 gone_ms;
	char		 why[96];
};

static void	 attach_read_cb(evutil_socket_t, short, void *);
static void	 attach_retry_cb(evutil_socket_t, short, void *);
static void	 attach_gone(struct attach *, const char *);
static void	 attach_redraw(struct attach *);
static void	 attach_status(struct attach *);

/* {"cmd": name} with this terminal, for --who. */
static json_t *
attach_cmd(const char *name)
{
	const char	*tty = ttyname(STDIN_FILENO);

	return (json_pack("{s:s, s:s, s:s}", "cmd", name, "client",
	    "viewer", "tty", tty != NULL ? tty : ""));
}

/*
 * Attach over a fresh connection: hello, the configuration (a model made
 * from it unless it is the text of *mp already), then the snapshot
 * applied.  0, or -1 and *cause.
 */
static int
attach_load(struct attach *a, struct model **mp, char **cause)
{
	json_t		*cmd, *o, *db;
	const char	*t, *text, *from;
	struct model	*m = *mp;
	int		 rc = -1;

	cmd = attach_cmd("hello");
	(void)ctlc_send(a->c, cmd);
	json_decref(cmd);
	cmd = json_pack("{s:s}", "cmd", "attach");
	o = ctlc_request(a->c, cmd, "config", ATTACH_TIMEOUT_MS, cause);
	json_decref(cmd);
	if (o == NULL)
		return (-1);
	text = json_string_value(json_object_get(o, "text"));
	from = json_string_value(json_object_get(o, "path"));
	if (m == NULL || a->config == NULL || text == NULL ||
	    strcmp(text, a->config) != 0) {
		free(a->datadir);
		a->datadir = NULL;
		m = replica_model(text != NULL ? text : "", from != NULL ?
		    from : "", &a->datadir, cause);
		if (m == NULL) {
			json_decref(o);
			return (-1);
		}
		db = json_object_get(o, "database");
		if (json_is_string(db) && *json_string_value(db) != '\0') {
			free(m->database);
			m->database = xstrdup(json_string_value(db));
		}
		free(a->config);
		a->config = xstrdup(text != NULL ? text : "");
	}
	json_decref(o);
	a->rp.m = m;
	replica_reset(&a->rp);
	while ((o = ctlc_read(a->c, ATTACH_TIMEOUT_MS, cause)) != NULL) {
		t = json_string_value(json_object_get(o, "t"));
		if (t != NULL && strcmp(t, "snapshot") == 0 &&
		    strcmp(json_string_value(json_object_get(o, "phase")) ?
		    json_string_value(json_object_get(o, "phase")) : "",
		    "end") == 0) {
			json_decref(o);
			rc = 0;
			break;
		}
		if (replica_apply(&a->rp, o, cause) < 0) {
			json_decref(o);
			break;
		}
		json_decref(o);
	}
	if (rc != 0 && m != *mp)
		model_free(m);
	else
		*mp = m;
	return (rc);
}

struct attach *
attach_open(const char *path, const char *config, int *absent,
    char **cause)
{
	struct attach	*a;
	struct model	*m = NULL;

	a = xcalloc(1, sizeof *a);
	a->path = xstrdup(path);
	if ((a->c = ctlc_open(path, ATTACH_TIMEOUT_MS, absent, cause)) ==
	    NULL) {
		attach_free(a);
		return (NULL);
	}
	/* -c another file than the collector's: that one is wanted. */
	if (config != NULL && !ctlc_same_config(a->c, config)) {
		*absent = ATTACH_OTHER_CONFIG;
		xasprintf(cause, "the collector on %s runs another "
		    "configuration", path);
		attach_free(a);
		return (NULL);
	}
	if (attach_load(a, &m, cause) != 0) {
		attach_free(a);
		return (NULL);
	}
	a->rp.m = m;
	return (a);
}

struct attach *
attach_waiting(const char *path, struct model *m, const char *why)
{
	struct attach	*a;

	a = xcalloc(1, sizeof *a);
	a->path = xstrdup(path);
	a->rp.m = m;
	sanitize(a->why, sizeof a->why, why, strlen(why));
	return (a);
}

struct model *
attach_model(struct attach *a)
{
	return (a->rp.m);
}

const char *
attach_datadir(struct attach *a)
{
	return (a->datadir);
}

struct model *
attach_model_new(void *arg, char **cause)
{
	struct attach	*a = arg;
	struct model	*m;

	m = replica_model(a->config != NULL ? a->config : "",
	    a->rp.m != NULL && a->rp.m->config_file != NULL ?
	    a->rp.m->config_file : "", NULL, cause);
	if (m != NULL && a->rp.m != NULL && a->rp.m->database != NULL) {
		free(m->database);
		m->database = xstrdup(a->rp.m->database);
	}
	/* No GeoIP here: the places are the collector's. */
	if (m != NULL && a->rp.m != NULL)
		replica_places(m, a->rp.m);
	return (m);
}

/* The collector's history status, for the status bar. */
static const char *
attach_history(void *arg)
{
	struct attach	*a = arg;

	return (a->rp.history[0] != '\0' ? a->rp.history : NULL);
}

/* z when the history file cannot be read here: the collector's. */
static struct rreplay *
attach_replay_remote(struct tui *tui, char **cause)
{
	struct attach	*a = tui->hook_arg;

	return (rreplay_open(a->path, cause));
}

/* :who: asked on a connection of its own, the stream is the viewer's. */
static char **
attach_who(struct tui *tui, char **cause)
{
	struct attach	*a = tui->hook_arg;

	return (attach_who_lines(a->path, cause));
}

/* Read the connection's changes from the dashboard's loop. */
static void
attach_follow(struct attach *a)
{
	int	 fd = ctlc_fd(a->c);

	a->rx_mono = now_mono_ms();
	a->hung = 0;
	(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	a->ev_read = event_new(a->tui->base, fd, EV_READ | EV_PERSIST,
	    attach_read_cb, a);
	if (a->ev_read == NULL)
		fatalx("event_new failed");
	event_add(a->ev_read, NULL);
}

/*
 * A history query on the query connection (opened when first needed,
 * again after a failure): the reply, or NULL.  Blocking, briefly: the
 * view caches what it gets for a column's time.
 */
static json_t *
attach_query(struct attach *a, json_t *cmd, const char *want, char **cause)
{
	json_t	*r = NULL;
	char	*why = NULL;
	int	 try;

	/* Once more on a fresh line: the collector closes an idle one. */
	for (try = 0; try < 2 && r == NULL; try++) {
		free(why);
		why = NULL;
		if (a->q == NULL &&
		    (a->q = ctlc_open(a->path, 1000, NULL, &why)) == NULL)
			break;
		if ((r = ctlc_request(a->q, cmd, want, 3000, &why)) != NULL)
			break;
		/* A refusal leaves the line usable, and is the answer. */
		if (why != NULL && strstr(why, "no answer") == NULL &&
		    strstr(why, "connection closed") == NULL &&
		    strstr(why, "cannot send") == NULL)
			break;
		ctlc_close(a->q);
		a->q = NULL;
	}
	json_decref(cmd);
	if (cause != NULL && r == NULL)
		*cause = why != NULL ? why : xstrdup("no answer");
	else
		free(why);
	return (r);
}

/*
 * a/A and :ack: through the collector, as this user, on the query
 * connection: the answer (or the refusal's reason) comes back before
 * the view says anything; the change itself arrives on the stream.
 */
static int
attach_ack(struct tui *tui, int64_t id, const char *comment, char **cause)
{
	struct attach	*a = tui->hook_arg;
	json_t		*r;

	if (a->c == NULL || a->hung) {
		xasprintf(cause, "the collector does not answer: not "
		    "acknowledged");
		return (-1);
	}
	r = attach_query(a, json_pack("{s:s, s:I, s:s, s:s}", "cmd", "ack",
	    "event", (json_int_t)id, "comment", comment != NULL ? comment : "",
	    "client", "query"), "ack", cause);
	if (r == NULL)
		return (-1);
	json_decref(r);
	return (0);
}

static json_t *
attach_series(const char *what, const char *branch, const char *edge,
    const char *target, int64_t from, int64_t to)
{
	return (json_pack("{s:s, s:s, s:s, s:s?, s:I, s:I, s:s}", "cmd", what,
	    "branch", branch, "edge", edge, "target", target, "from_ms",
	    (json_int_t)from, "to_ms", (json_int_t)to, "client", "query"));
}

static int64_t
attach_lat_span(struct tui *tui, const char *branch, const char *edge,
    const char *target, int64_t from, int64_t to, struct latency_stats *ls)
{
	struct attach	*a = tui->hook_arg;
	json_t		*r;
	int64_t		 n;

	r = attach_query(a, attach_series("latency_span", branch, edge,
	    target, from, to), "latency_span", NULL);
	if (r == NULL)
		return (-1);
	memset(ls, 0, sizeof *ls);
	n = json_integer_value(json_object_get(r, "count"));
	ls->sent = (uint32_t)json_integer_value(json_object_get(r, "sent"));
	ls->received = (uint32_t)json_integer_value(json_object_get(r,
	    "received"));
	ls->loss_pct = json_number_value(json_object_get(r, "loss_pct"));
	ls->avg_us = json_number_value(json_object_get(r, "avg_us"));
	ls->best_us = json_integer_value(json_object_get(r, "best_us"));
	ls->worst_us = json_integer_value(json_object_get(r, "worst_us"));
	ls->stdev_us = json_number_value(json_object_get(r, "stdev_us"));
	ls->first_ms = json_integer_value(json_object_get(r, "first_ms"));
	ls->last_ms = json_integer_value(json_object_get(r, "last_ms"));
	ls->last_us = -1;
	json_decref(r);
	return (n);
}

static int
attach_lat_buckets(struct tui *tui, const char *branch, const char *edge,
    const char *target, int64_t from, int64_t to, struct lat_bucket *bk,
    size_t n)
{
	struct attach	*a = tui->hook_arg;
	json_t		*cmd, *r, *list, *e;
	size_t		 i, got;

	cmd = attach_series("latency_buckets", branch, edge, target, from, to);
	json_object_set_new(cmd, "n", json_integer((json_int_t)n));
	if ((r = attach_query(a, cmd, "latency_buckets", NULL)) == NULL)
		return (-1);
	list = json_object_get(r, "buckets");
	got = json_is_array(list) ? json_array_size(list) : 0;
	memset(bk, 0, n * sizeof *bk);
	for (i = 0; i < got && i < n; i++) {
		e = json_array_get(list, i);
		if (!json_is_array(e) || json_array_size(e) != 7)
			continue;
		bk[i].from_ms = json_integer_value(json_array_get(e, 0));
		bk[i].sent = (uint32_t)json_integer_value(json_array_get(e, 1));
		bk[i].received = (uint32_t)json_integer_value(json_array_get(e,
		    2));
		bk[i].median_us = json_number_value(json_array_get(e, 3));
		bk[i].lo_us = json_integer_value(json_array_get(e, 4));
		bk[i].hi_us = json_integer_value(json_array_get(e, 5));
		bk[i].exact = json_is_true(json_array_get(e, 6));
	}
	json_decref(r);
	return ((int)n);
}

/*
 * A collector that stops answering (stopped, wedged) keeps its socket
 * open: ask it every ATTACH_PING_MS when it said nothing, and grey the
 * picture once it has been silent ATTACH_HUNG_MS.
 */
static void
attach_ping_cb(evutil_socket_t fd, short what, void *arg)
{
	struct attach	*a = arg;
	json_t		*ping;
	uint64_t	 now = now_mono_ms();
	char		 when[FMT_TIME_LEN];

	if (a->c == NULL || now - a->rx_mono < ATTACH_PING_MS)
		return;
	ping = json_pack("{s:s}", "cmd", "ping");
	(void)ctlc_send(a->c, ping);
	json_decref(ping);
	if (a->hung || now - a->rx_mono < ATTACH_HUNG_MS || a->tui == NULL)
		return;
	a->hung = 1;
	fmt_time(when, sizeof when, now_wall_ms() - (int64_t)(now -
	    a->rx_mono), FMT_TIME_CLOCK);
	a->tui->detached = 1;
	snprintf(a->tui->attach_status, sizeof a->tui->attach_status,
	    "collector not answering since %s", when);
	model_touch(a->tui->model, DIRTY_ALL);
	attach_redraw(a);
}

void
attach_start(struct attach *a, struct tui *tui)
{
	struct timeval	 tv = { ATTACH_PING_MS / 1000, 0 };

	a->tui = tui;
	tui->attached = 1;
	tui->ack = attach_ack;
	tui->who = attach_who;
	tui->lat_span = attach_lat_span;
	tui->lat_buckets = attach_lat_buckets;
	tui->replay_remote = attach_replay_remote;
	tui->hook_arg = a;
	tui->store_status = attach_history;
	tui->store_status_arg = a;
	a->ev_retry = evtimer_new(tui->base, attach_retry_cb, a);
	a->ev_ping = event_new(tui->base, -1, EV_PERSIST, attach_ping_cb, a);
	if (a->ev_retry == NULL || a->ev_ping == NULL)
		fatalx("evtimer_new failed");
	event_add(a->ev_ping, &tv);
	if (a->c == NULL) {
		/* No collector yet: wait for it, greyed, saying so. */
		tui->detached = 1;
		snprintf(tui->attach_status, sizeof tui->attach_status,
		    "waiting for the collector (%s)", a->why);
		a->retry_ms = ATTACH_RETRY_MIN_MS;
		tv.tv_sec = 0;
		tv.tv_usec = ATTACH_RETRY_MIN_MS * 1000;
		evtimer_add(a->ev_retry, &tv);
		return;
	}
	attach_follow(a);
}

/* Redraw what changed: the pass has nothing to judge in a replica. */
static void
attach_redraw(struct attach *a)
{
	struct model	*m = a->tui != NULL ? a->tui->model : a->rp.m;

	if (m != NULL)
		eval_run(m, now_wall_ms());
	if (m != a->rp.m && a->rp.m != NULL)
		eval_run(a->rp.m, now_wall_ms());
}

/* A reply in the stream: an ack's error goes to the status bar. */
static void
attach_reply(struct attach *a, json_t *o, const char *t)
{
	static char	 note[160];
	json_t		*e = json_object_get(o, "error");

	if (a->tui == NULL)
		return;
	if (strcmp(t, "error") == 0 && json_is_string(e)) {
		snprintf(note, sizeof note, "collector: %s",
		    json_string_value(e));
		sanitize(note, sizeof note, note, strlen(note));
		a->tui->note = note;
	} else if (strcmp(t, "ack") == 0) {
		snprintf(note, sizeof note, "#%lld acknowledged",
		    (long long)json_integer_value(json_object_get(o, "event")));
		a->tui->note = note;
	}
}

static void
attach_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct attach	*a = arg;
	json_t		*o;
	char		*cause = NULL;
	const char	*t;
	uint64_t	 t0;
	int		 gone = 0;

	/*
	 * What was read last turn first: a burst of frames (the snapshot,
	 * five thousand latency results a second) is applied ATTACH_SLICE_MS
	 * at a time, and the loop takes keys between the slices.  The buffer
	 * grows only by frames taken, never by a backlog.
	 */
	if (!a->backlog)
		gone = ctlc_fill(a->c, &cause) != 0;
	a->backlog = 0;
	t0 = a->rx_mono = now_mono_ms();
	if (a->hung && !gone) {
		a->hung = 0;
		if (a->tui != NULL) {
			a->tui->detached = 0;
			a->tui->attach_status[0] = '\0';
			model_touch(a->tui->model, DIRTY_ALL);
		}
	}
	while ((o = ctlc_next(a->c, &cause)) != NULL) {
		if (replica_apply(&a->rp, o, &cause) == 1 &&
		    (t = json_string_value(json_object_get(o, "t"))) != NULL)
			attach_reply(a, o, t);
		json_decref(o);
		if (cause != NULL)
			break;
		if (!gone && now_mono_ms() - t0 >= ATTACH_SLICE_MS) {
			a->backlog = 1;		/* the rest next turn */
			event_active(a->ev_read, EV_READ, 0);
			break;
		}
	}
	attach_redraw(a);
	if (gone || cause != NULL)
		attach_gone(a, cause != NULL ? cause : "connection lost");
	free(cause);
}

/* The status bar's line while detached: since when, and why now. */
static void
attach_status(struct attach *a)
{
	char	 when[FMT_TIME_LEN];

	if (a->tui == NULL)
		return;
	if (a->gone_ms == 0) {
		snprintf(a->tui->attach_status, sizeof a->tui->attach_status,
		    "waiting for the collector: %s", a->why);
		return;
	}
	fmt_time(when, sizeof when, a->gone_ms, FMT_TIME_CLOCK);
	snprintf(a->tui->attach_status, sizeof a->tui->attach_status,
	    "collector gone %s, reattaching: %s", when, a->why);
}

/* The collector went away: grey the picture, try again soon. */
static void
attach_gone(struct attach *a, const char *why)
{
	struct timeval	 tv = { 0, ATTACH_RETRY_MIN_MS * 1000 };

	event_free(a->ev_read);
	a->ev_read = NULL;
	a->backlog = 0;
	ctlc_close(a->c);
	a->c = NULL;
	a->gone_ms = now_wall_ms();
	a->retry_ms = ATTACH_RETRY_MIN_MS;
	sanitize(a->why, sizeof a->why, why, strlen(why));
	if (a->tui != NULL) {
		a->tui->detached = 1;
		attach_status(a);
		model_touch(a->tui->model, DIRTY_ALL);
	}
	attach_redraw(a);
	evtimer_add(a->ev_retry, &tv);
}

static void
attach_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	struct attach	*a = arg;
	struct tui	*tui = a->tui;
	struct model	*m = a->rp.m, *old = a->rp.m;
	struct timeval	 tv;
	char		*cause = NULL;

	if ((a->c = ctlc_open(a->path, 1000, NULL, &cause)) == NULL ||
	    attach_load(a, &m, &cause) != 0) {
		ctlc_close(a->c);
		a->c = NULL;
		a->rp.m = old;
		if (a->retry_ms < ATTACH_RETRY_MAX_MS)
			a->retry_ms *= 2;
		if (a->retry_ms > ATTACH_RETRY_MAX_MS)
			a->retry_ms = ATTACH_RETRY_MAX_MS;
		tv.tv_sec = a->retry_ms / 1000;
		tv.tv_usec = (a->retry_ms % 1000) * 1000;
		evtimer_add(a->ev_retry, &tv);
		/* Why it fails now, not why it went. */
		if (cause != NULL) {
			sanitize(a->why, sizeof a->why, cause, strlen(cause));
			attach_status(a);
			model_touch(tui->model, DIRTY_COLLECTORS);
			attach_redraw(a);
		}
		free(cause);
		return;
	}
	if (m != old) {
		/* Another configuration: the views move to its model. */
		m->on_dirty = old->on_dirty;
		m->on_dirty_arg = old->on_dirty_arg;
		if (tui->model == old) {
			view_branch_rebind(tui, m);
			tui->model = m;
			model_free(old);
		}
		/* A frozen view keeps the old one until z is left. */
	}
	a->rp.m = m;
	tui->detached = 0;
	tui->attach_status[0] = '\0';
	cmdline_message(tui, CR_OK, a->gone_ms != 0 ? "reattached to the "
	    "collector" : "attached to the collector");
	attach_follow(a);
	model_touch(m, DIRTY_ALL);
	attach_redraw(a);
}

void
attach_free(struct attach *a)
{
	if (a == NULL)
		return;
	if (a->ev_read != NULL)
		event_free(a->ev_read);
	if (a->ev_retry != NULL)
		event_free(a->ev_retry);
	if (a->ev_ping != NULL)
		event_free(a->ev_ping);
	ctlc_close(a->c);
	ctlc_close(a->q);
	free(a->path);
	free(a->config);
	free(a->datadir);
	free(a);
}

/* --who and :who: one line per client. */
char **
attach_who_lines(const char *path, char **cause)
{
	struct ctlc	*c;
	json_t		*cmd, *o, *list, *e;
	char		**lines, when[FMT_TIME_LEN], user[40], tty[40];
	size_t		 i, n;

	if ((c = ctlc_open(path, 5000, NULL, cause)) == NULL)
		return (NULL);
	cmd = json_pack("{s:s, s:s}", "cmd", "who", "client", "who");
	o = ctlc_request(c, cmd, "who", 5000, cause);
	json_decref(cmd);
	ctlc_close(c);
	if (o == NULL)
		return (NULL);
	list = json_object_get(o, "clients");
	if (!json_is_array(list))
		list = NULL;
	lines = xcalloc(json_array_size(list) + 1, sizeof *lines);
	for (i = n = 0; i < json_array_size(list); i++) {
		e = json_array_get(list, i);
		/* Viewers: not this question, nor a viewer's queries. */
		if (json_is_true(json_object_get(e, "you")) ||
		    !json_is_true(json_object_get(e, "attached")))
			continue;
		fmt_time(when, sizeof when, json_integer_value(json_object_get(
		    e, "since_ms")), FMT_TIME_FULL);
		sanitize(user, sizeof user, json_string_value(json_object_get(e,
		    "user")) ?: "?", strlen(json_string_value(json_object_get(
		    e, "user")) ?: "?"));
		sanitize(tty, sizeof tty, json_string_value(json_object_get(e,
		    "tty")) ?: "", strlen(json_string_value(json_object_get(e,
		    "tty")) ?: ""));
		xasprintf(&lines[n++], "%-12s %-12s %-8s %-11lld %s%s",
		    user, *tty != '\0' ? tty : "-",
		    json_string_value(json_object_get(e, "client")) ?: "?",
		    (long long)json_integer_value(json_object_get(e, "pid")),
		    when, json_integer_value(json_object_get(e, "pid")) ==
		    (json_int_t)getpid() ? " (this one)" : "");
	}
	json_decref(o);
	return (lines);
}
