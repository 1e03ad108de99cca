/* SPDX-License-Identifier: ISC */
/*
 * The BIRD collector: polls a BIRD control socket with "show protocols
 * all" and reports each BGP protocol as the configured session with the
 * same neighbor address (and router, when the collector names one).
 *
 * Everything runs on the libevent loop: the unix socket is non-blocking,
 * connect, greeting, command and reply are steps of a small state machine,
 * and a stall timer bounds every step, so a BIRD that is missing, refuses,
 * hangs or babbles marks this collector down and never holds up the rest of
 * peertop.  The connection stays open between polls; after a failure we
 * retry with exponential backoff (1 s doubling to 60 s, reset by a good
 * poll).  Write interest is armed only while a command is queued.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "core/collector.h"
#include "core/decode-bird.h"

#define COLLECT_BIRD_BACKOFF_MIN	1000	/* ms */
#define COLLECT_BIRD_BACKOFF_MAX	60000
#define COLLECT_BIRD_TIMEOUT_MAX	5000	/* ms for any one step */
#define COLLECT_BIRD_TIMEOUT_MIN	100
#define COLLECT_BIRD_COMMAND		"show protocols all\n"

enum collect_bird_phase {
	CB_IDLE,		/* no socket; ev_timer will connect */
	CB_CONNECTING,		/* connect() in progress */
	CB_GREETING,		/* waiting for "0001 BIRD ... ready." */
	CB_WAITING,		/* command sent, reading the reply */
	CB_READY,		/* between polls, connection open */
};

struct collect_bird {
	struct collector	*c;
	struct model		*m;
	struct event_base	*base;

	int			 fd;
	enum collect_bird_phase	 phase;
	struct event		*ev_read;
	struct event		*ev_write;	/* added only with output queued */
	struct event		*ev_timer;	/* next poll or reconnect */
	struct event		*ev_stall;	/* bounds the current step */

	struct decode_bird_reply reply;
	char			 out[64];
	size_t			 outlen, outoff;

	int			 backoff_ms;
	int			 stall_ms;
};

static int	 collect_bird_start(struct collector *, struct model *,
		    struct event_base *, char **);
static void	 collect_bird_stop(struct collector *);
static void	 collect_bird_describe(const struct collector *, char *,
		    size_t);

static void	 collect_bird_timer_cb(evutil_socket_t, short, void *);
static void	 collect_bird_stall_cb(evutil_socket_t, short, void *);
static void	 collect_bird_read_cb(evutil_socket_t, short, void *);
static void	 collect_bird_write_cb(evutil_socket_t, short, void *);

static void	 collect_bird_connect(struct collect_bird *);
static void	 collect_bird_connected(struct collect_bird *);
static void	 collect_bird_send(struct collect_bird *, const char *);
static void	 collect_bird_reply(struct collect_bird *);
static void	 collect_bird_apply(struct collect_bird *,
		    const struct bird_proto *, size_t);
static int	 collect_bird_owns(const struct collect_bird *,
		    const struct session *);
static void	 collect_bird_close(struct collect_bird *);
static void	 collect_bird_fail(struct collect_bird *, const char *, ...)
		    printflike(2, 3);
static void	 collect_bird_arm(struct event *, int);
static int	 collect_bird_interval(const struct collect_bird *);

const struct collector_ops collector_bird = {
	.name = "bird",
	.start = collect_bird_start,
	.stop = collect_bird_stop,
	.describe = collect_bird_describe,
};

static void
collect_bird_arm(struct event *ev, int ms)
{
	struct timeval	 tv;

	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(ev, &tv);
}

/*
 * The time to the next poll: the collector's interval, or the Turn-up
 * view's faster one while it is open (model->poll_fast_ms).
 */
static int
collect_bird_interval(const struct collect_bird *cb)
{
	int	 ms = cb->c->interval_ms > 0 ? cb->c->interval_ms :
		     COLLECT_BIRD_TIMEOUT_MAX;

	if (cb->m->poll_fast_ms > 0 && cb->m->poll_fast_ms < ms)
		ms = cb->m->poll_fast_ms;
	return (ms);
}

static int
collect_bird_start(struct collector *c, struct model *m,
    struct event_base *base, char **cause)
{
	struct collect_bird	*cb;
	struct sockaddr_un	 sun;

	if (c->path == NULL || *c->path == '\0') {
		*cause = xstrdup("bird: no control socket path");
		return (-1);
	}
	if (strlen(c->path) >= sizeof sun.sun_path) {
		xasprintf(cause, "bird: socket path too long (at most %zu "
		    "bytes): %s", sizeof sun.sun_path - 1, c->path);
		return (-1);
	}

	cb = xcalloc(1, sizeof *cb);
	cb->c = c;
	cb->m = m;
	cb->base = base;
	cb->fd = -1;
	cb->phase = CB_IDLE;
	cb->backoff_ms = COLLECT_BIRD_BACKOFF_MIN;
	/* A step may take at most one interval, and never above 5 s. */
	cb->stall_ms = c->interval_ms;
	if (cb->stall_ms > COLLECT_BIRD_TIMEOUT_MAX || cb->stall_ms <= 0)
		cb->stall_ms = COLLECT_BIRD_TIMEOUT_MAX;
	if (cb->stall_ms < COLLECT_BIRD_TIMEOUT_MIN)
		cb->stall_ms = COLLECT_BIRD_TIMEOUT_MIN;
	decode_bird_reply_init(&cb->reply);
	cb->ev_timer = evtimer_new(base, collect_bird_timer_cb, cb);
	cb->ev_stall = evtimer_new(base, collect_bird_stall_cb, cb);
	if (cb->ev_timer == NULL || cb->ev_stall == NULL)
		fatalx("bird: cannot create timers");
	c->priv = cb;
	c->state = COL_STARTING;

	/* Connect from the loop, not from inside start(). */
	collect_bird_arm(cb->ev_timer, 0);
	return (0);
}

static void
collect_bird_stop(struct collector *c)
{
	struct collect_bird	*cb = c->priv;

	if (cb == NULL)
		return;
	collect_bird_close(cb);
	event_free(cb->ev_timer);
	event_free(cb->ev_stall);
	decode_bird_reply_free(&cb->reply);
	free(cb);
	c->priv = NULL;
}

static void
collect_bird_describe(const struct collector *c, char *buf, size_t len)
{
	char		 age[32];
	uint64_t	 now = now_mono_ms(), since;

	switch (c->state) {
	case COL_UP:
		since = c->last_ok_mono != 0 ? c->last_ok_mono : c->state_mono;
		fmt_duration(age, sizeof age,
		    (int64_t)(now > since ? now - since : 0) / 1000);
		snprintf(buf, len, "%s up %s", c->name, age);
		break;
	case COL_DOWN:
		since = c->state_mono;
		fmt_duration(age, sizeof age,
		    (int64_t)(now > since ? now - since : 0) / 1000);
		snprintf(buf, len, "%s down %s: %s", c->name, age, c->error);
		break;
	default:
		snprintf(buf, len, "%s starting", c->name);
		break;
	}
}

/* Close the socket and forget any half-read reply; timers stay. */
static void
collect_bird_close(struct collect_bird *cb)
{
	if (cb->ev_read != NULL) {
		event_free(cb->ev_read);
		cb->ev_read = NULL;
	}
	if (cb->ev_write != NULL) {
		event_free(cb->ev_write);
		cb->ev_write = NULL;
	}
	if (cb->fd != -1) {
		close(cb->fd);
		cb->fd = -1;
	}
	evtimer_del(cb->ev_stall);
	evtimer_del(cb->ev_timer);
	decode_bird_reply_reset(&cb->reply);
	cb->outlen = cb->outoff = 0;
	cb->phase = CB_IDLE;
}

/* Is this session one this collector answers for? */
static int
collect_bird_owns(const struct collect_bird *cb, const struct session *s)
{
	if (cb->c->router[0] != '\0')
		return (strcmp(s->router, cb->c->router) == 0);
	return (s->source == cb->c);
}

static void
collect_bird_fail(struct collect_bird *cb, const char *fmt, ...)
{
	struct model	*m = cb->m;
	va_list		 ap;
	char		*why;
	size_t		 i;

	va_start(ap, fmt);
	xvasprintf(&why, fmt, ap);
	va_end(ap);

	collect_bird_close(cb);
	cb->c->failures++;
	log_debug("%s: %s (retry in %d ms)", cb->c->name, why, cb->backoff_ms);
	/* Health is judged once, on the whole outage, by the pass. */
	model_collector_state(m, cb->c, COL_DOWN, why);
	free(why);
	for (i = 0; i < m->nsessions; i++)
		if (collect_bird_owns(cb, m->sessions[i]))
			model_session_lost_by(m, m->sessions[i], cb->c);

	collect_bird_arm(cb->ev_timer, cb->backoff_ms);
	cb->backoff_ms *= 2;
	if (cb->backoff_ms > COLLECT_BIRD_BACKOFF_MAX)
		cb->backoff_ms = COLLECT_BIRD_BACKOFF_MAX;
}

static void
collect_bird_timer_cb(evutil_socket_t fd, short events, void *arg)
{
	struct collect_bird	*cb = arg;

	if (cb->phase == CB_IDLE)
		collect_bird_connect(cb);
	else if (cb->phase == CB_READY)
		collect_bird_send(cb, COLLECT_BIRD_COMMAND);
}

static void
collect_bird_stall_cb(evutil_socket_t fd, short events, void *arg)
{
	struct collect_bird	*cb = arg;

	if (cb->stall_ms % 1000 == 0)
		collect_bird_fail(cb, "no reply within %d s",
		    cb->stall_ms / 1000);
	else
		collect_bird_fail(cb, "no reply within %.1f s",
		    cb->stall_ms / 1000.0);
}

static void
collect_bird_connect(struct collect_bird *cb)
{
	struct sockaddr_un	 sun;
	int			 fd, flags;

	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1) {
		collect_bird_fail(cb, "socket: %s", strerror(errno));
		return;
	}
	if ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) == -1) {
		close(fd);
		collect_bird_fail(cb, "fcntl: %s", strerror(errno));
		return;
	}
	cb->fd = fd;
	cb->ev_read = event_new(cb->base, fd, EV_READ | EV_PERSIST,
	    collect_bird_read_cb, cb);
	cb->ev_write = event_new(cb->base, fd, EV_WRITE | EV_PERSIST,
	    collect_bird_write_cb, cb);
	if (cb->ev_read == NULL || cb->ev_write == NULL)
		fatalx("bird: cannot create socket events");

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	strlcpy_pt(sun.sun_path, cb->c->path, sizeof sun.sun_path);
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) == 0) {
		collect_bird_connected(cb);
		return;
	}
	if (errno == EINPROGRESS || errno == EINTR) {
		/* Writable when the connection is done (or has failed). */
		cb->phase = CB_CONNECTING;
		event_add(cb->ev_write, NULL);
		collect_bird_arm(cb->ev_stall, cb->stall_ms);
		return;
	}
	collect_bird_fail(cb, "cannot connect to %s: %s", cb->c->path,
	    strerror(errno));
}

static void
collect_bird_connected(struct collect_bird *cb)
{
	cb->phase = CB_GREETING;
	decode_bird_reply_reset(&cb->reply);
	event_add(cb->ev_read, NULL);
	collect_bird_arm(cb->ev_stall, cb->stall_ms);
}

/* Queue a command; the write event carries it out. */
static void
collect_bird_send(struct collect_bird *cb, const char *cmd)
{
	cb->outlen = strlcpy_pt(cb->out, cmd, sizeof cb->out);
	cb->outoff = 0;
	cb->phase = CB_WAITING;
	decode_bird_reply_reset(&cb->reply);
	event_add(cb->ev_write, NULL);
	collect_bird_arm(cb->ev_stall, cb->stall_ms);
}

static void
collect_bird_write_cb(evutil_socket_t fd, short events, void *arg)
{
	struct collect_bird	*cb = arg;
	socklen_t		 len;
	ssize_t			 n;
	int			 error;

	if (cb->phase == CB_CONNECTING) {
		len = sizeof error;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) == -1)
			error = errno;
		if (error != 0) {
			collect_bird_fail(cb, "cannot connect to %s: %s",
			    cb->c->path, strerror(error));
			return;
		}
		event_del(cb->ev_write);
		collect_bird_connected(cb);
		return;
	}

	while (cb->outoff < cb->outlen) {
		/* MSG_NOSIGNAL: a BIRD that went away is an error, not SIGPIPE. */
		n = send(fd, cb->out + cb->outoff, cb->outlen - cb->outoff,
		    MSG_NOSIGNAL);
		if (n == -1) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			collect_bird_fail(cb, "write to %s: %s", cb->c->path,
			    strerror(errno));
			return;
		}
		cb->outoff += (size_t)n;
	}
	cb->outlen = cb->outoff = 0;
	event_del(cb->ev_write);
}

static void
collect_bird_read_cb(evutil_socket_t fd, short events, void *arg)
{
	struct collect_bird	*cb = arg;
	char			 buf[16384], *cause = NULL;
	size_t			 off, used;
	ssize_t			 n;
	int			 rv;

	n = read(fd, buf, sizeof buf);
	if (n == -1) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		collect_bird_fail(cb, "read from %s: %s", cb->c->path,
		    strerror(errno));
		return;
	}
	if (n == 0) {
		if (decode_bird_reply_eof(&cb->reply, &cause) != 0) {
			collect_bird_fail(cb, "bad reply: %s", cause);
			free(cause);
		} else
			collect_bird_fail(cb, "connection closed by BIRD");
		return;
	}

	for (off = 0; off < (size_t)n; off += used) {
		rv = decode_bird_reply_feed(&cb->reply, buf + off,
		    (size_t)n - off, &used, &cause);
		if (rv == -1) {
			collect_bird_fail(cb, "bad reply: %s", cause);
			free(cause);
			return;
		}
		if (rv == 1) {
			collect_bird_reply(cb);
			if (cb->fd == -1)
				return;		/* failed and closed */
			decode_bird_reply_reset(&cb->reply);
		}
	}
}

/* A whole reply arrived; what it means depends on what we asked. */
static void
collect_bird_reply(struct collect_bird *cb)
{
	struct bird_proto	*ps;
	size_t			 n;
	char			*cause;
	int			 code = decode_bird_reply_code(&cb->reply);

	switch (cb->phase) {
	case CB_GREETING:
		if (code != BIRD_CODE_WELCOME) {
			collect_bird_fail(cb, "bad reply: greeting has code "
			    "%04d, expected 0001", code);
			return;
		}
		collect_bird_send(cb, COLLECT_BIRD_COMMAND);
		return;
	case CB_WAITING:
		break;
	default:
		return;		/* unsolicited: ignore */
	}

	if (decode_bird_protocols(&cb->reply, now_wall_ms(), &ps, &n,
	    &cause) != 0) {
		collect_bird_fail(cb, "bad reply: %s", cause);
		free(cause);
		return;
	}
	evtimer_del(cb->ev_stall);
	cb->phase = CB_READY;
	cb->backoff_ms = COLLECT_BIRD_BACKOFF_MIN;
	cb->c->polls++;
	/*
	 * The whole poll goes in before the pass: health is judged once on
	 * the full picture, not after each session (or before them, when
	 * this is the last collector to answer for the first time).
	 */
	collect_bird_apply(cb, ps, n);
	model_collector_state(cb->m, cb->c, COL_UP, NULL);
	free(ps);
	collect_bird_arm(cb->ev_timer, collect_bird_interval(cb));
}

/*
 * Which of several BIRD protocols with the session's neighbor speaks for
 * it: an Established one, else one that is enabled and trying (its FSM
 * and its last error are the news), else a disabled one.
 */
static int
collect_bird_rank(const struct bird_proto *p)
{
	switch (p->state_bgp) {
	case BGP_ESTABLISHED:
		return (2);
	case BGP_UNKNOWN:
	case BGP_ADMIN_DOWN:
		return (0);
	default:
		return (1);
	}
}

/*
 * Report every BGP protocol we know; sessions BIRD no longer has are lost.
 * Several protocols may share a neighbor address (a disabled copy kept
 * during a migration, or a second one being tried during a turn-up):
 * each session gets one report per poll, from the best ranked one; among
 * equals the one that reported it last, else the first, so that the
 * session does not flip between their states, raising events, on every
 * poll.
 */
static void
collect_bird_apply(struct collect_bird *cb, const struct bird_proto *ps,
    size_t n)
{
	struct model		*m = cb->m;
	struct session		*s;
	struct session_report	 r;
	const struct bird_proto	*p, **best;
	char			 err[sizeof ps->last_error +
				     sizeof ps->message + 4];
	size_t			 i, j;

	best = xcalloc(m->nsessions + 1, sizeof *best);
	for (i = 0; i < n; i++) {
		p = &ps[i];
		if (!p->is_bgp || p->neighbor.af == 0)
			continue;
		s = model_session_match(m, &p->neighbor, cb->c->router);
		if (s == NULL)
			continue;
		for (j = 0; j < m->nsessions; j++) {
			if (m->sessions[j] != s)
				continue;
			if (best[j] == NULL ||
			    collect_bird_rank(p) > collect_bird_rank(best[j]) ||
			    (collect_bird_rank(p) == collect_bird_rank(best[j]) &&
			    strcmp(p->name, s->proto) == 0))
				best[j] = p;
		}
	}
	for (j = 0; j < m->nsessions; j++) {
		if ((p = best[j]) == NULL) {
			if (collect_bird_owns(cb, m->sessions[j]))
				model_session_lost_by(m, m->sessions[j], cb->c);
			continue;
		}
		memset(&r, 0, sizeof r);
		r.state = p->state_bgp;
		r.since_ms = p->since_ms;
		r.remote_as = p->neighbor_as;
		r.last_error = decode_bird_error(p, err, sizeof err);
		r.routes_imported = p->imported;
		r.routes_exported = p->exported;
		r.proto = p->name;
		model_session_report(m, m->sessions[j], cb->c, &r);
	}
	free(best);
}
