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
#include "core/proto.h"
#include "core/replica.h"
#include "core/store.h"
#include "tui/attach.h"
#include "tui/tui.h"

#define ATTACH_TIMEOUT_MS	10000	/* one frame of the snapshot */
#define ATTACH_RETRY_MIN_MS	500
#define ATTACH_RETRY_MAX_MS	5000

struct attach {
	char		*path;
	struct ctlc	*c;
	struct replica	 rp;
	char		*config;	/* the text the model was made from */
	char		*datadir;
	struct tui	*tui;
	struct event	*ev_read;
	struct event	*ev_retry;
	int		 retry_ms;
	int64_t		 gone_ms;
	char		 why[96];
};

static void	 attach_read_cb(evutil_socket_t, short, void *);
static void	 attach_retry_cb(evutil_socket_t, short, void *);
static void	 attach_gone(struct attach *, const char *);

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
		if (json_is_string(db) && *json_string_value(db) != '\0')
			m->database = xstrdup(json_string_value(db));
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
		*absent = 1;
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
	return (m);
}

/* The collector's history status, for the status bar. */
static const char *
attach_history(void *arg)
{
	struct attach	*a = arg;

	return (a->rp.history[0] != '\0' ? a->rp.history : NULL);
}

/* a/A and :ack: through the collector, as this user. */
static int
attach_ack(struct tui *tui, int64_t id, const char *comment, char **cause)
{
	struct attach	*a = tui->hook_arg;
	json_t		*cmd;

	if (a->c == NULL) {
		xasprintf(cause, "not attached to the collector: %s", a->why);
		return (-1);
	}
	cmd = json_pack("{s:s, s:I, s:s}", "cmd", "ack", "event",
	    (json_int_t)id, "comment", comment != NULL ? comment : "");
	/* The reply comes in the stream: the read callback applies
	 * whatever precedes it. */
	if (ctlc_send(a->c, cmd) != 0) {
		json_decref(cmd);
		xasprintf(cause, "cannot send to the collector");
		return (-1);
	}
	json_decref(cmd);
	return (0);
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

	(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	a->ev_read = event_new(a->tui->base, fd, EV_READ | EV_PERSIST,
	    attach_read_cb, a);
	if (a->ev_read == NULL)
		fatalx("event_new failed");
	event_add(a->ev_read, NULL);
}

void
attach_start(struct attach *a, struct tui *tui)
{
	a->tui = tui;
	tui->attached = 1;
	tui->ack = attach_ack;
	tui->who = attach_who;
	tui->hook_arg = a;
	tui->store_status = attach_history;
	tui->store_status_arg = a;
	a->ev_retry = evtimer_new(tui->base, attach_retry_cb, a);
	if (a->ev_retry == NULL)
		fatalx("evtimer_new failed");
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
	int		 gone;

	gone = ctlc_fill(a->c, &cause) != 0;
	while ((o = ctlc_next(a->c, &cause)) != NULL) {
		if (replica_apply(&a->rp, o, &cause) == 1 &&
		    (t = json_string_value(json_object_get(o, "t"))) != NULL)
			attach_reply(a, o, t);
		json_decref(o);
		if (cause != NULL)
			break;
	}
	attach_redraw(a);
	if (gone || cause != NULL)
		attach_gone(a, cause != NULL ? cause : "connection lost");
	free(cause);
}

/* The collector went away: grey the picture, try again soon. */
static void
attach_gone(struct attach *a, const char *why)
{
	struct timeval	 tv = { 0, ATTACH_RETRY_MIN_MS * 1000 };
	char		 when[FMT_TIME_LEN];

	event_free(a->ev_read);
	a->ev_read = NULL;
	ctlc_close(a->c);
	a->c = NULL;
	a->gone_ms = now_wall_ms();
	a->retry_ms = ATTACH_RETRY_MIN_MS;
	sanitize(a->why, sizeof a->why, why, strlen(why));
	fmt_time(when, sizeof when, a->gone_ms, FMT_TIME_CLOCK);
	if (a->tui != NULL) {
		a->tui->detached = 1;
		snprintf(a->tui->attach_status, sizeof a->tui->attach_status,
		    "collector gone %s, reattaching: %s", when, a->why);
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
	tui->note = "reattached to the collector";
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
	ctlc_close(a->c);
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
		if (json_is_true(json_object_get(e, "you")))
			continue;	/* this question's own connection */
		fmt_time(when, sizeof when, json_integer_value(json_object_get(
		    e, "since_ms")), FMT_TIME_FULL);
		sanitize(user, sizeof user, json_string_value(json_object_get(e,
		    "user")) ?: "?", strlen(json_string_value(json_object_get(
		    e, "user")) ?: "?"));
		sanitize(tty, sizeof tty, json_string_value(json_object_get(e,
		    "tty")) ?: "", strlen(json_string_value(json_object_get(e,
		    "tty")) ?: ""));
		xasprintf(&lines[n++], "%-12s %-12s %-8s %-11lld %s",
		    user, *tty != '\0' ? tty : "-",
		    json_string_value(json_object_get(e, "client")) ?: "?",
		    (long long)json_integer_value(json_object_get(e, "pid")),
		    when);
	}
	json_decref(o);
	return (lines);
}
