/* SPDX-License-Identifier: ISC */
/*
 * The BMP collector (RFC 7854): routers connect to peertop and stream
 * their BGP sessions.  A non-blocking TCP listener (loopback by default)
 * accepts routers whose source address is in the allow list, up to a
 * connection limit; each router gets a framer and a decoder context, so a
 * router that sends garbage, a huge length or half a message is closed on
 * its own (logged and counted) while the others carry on.
 *
 * The Initiation message names the router (its sysName, sanitised by the
 * decoder); Peer Up and Peer Down of each monitored peer become reports
 * about the configured session with that neighbor address on that router,
 * judged by the evaluation pass at the end of the loop turn.
 *
 * Route Monitoring feeds the model's RIB (m->rib, when route monitoring
 * is configured): each (peer, view) pair -- pre/post-policy Adj-RIB-In,
 * RFC 8671 Adj-RIB-Out pre/post, RFC 9069 Loc-RIB -- is one RIB peer whose
 * id is cached here, and the UPDATE goes to rib_update() undecoded (the
 * RIB decodes it once, straight into its trie).  An UPDATE the RIB
 * refuses (a session-reset class error, RFC 7606) is counted and logged
 * for its peer and skipped: the BMP framing around it is intact, and one
 * bad route must not blind us to the router's other peers.  A broken BMP
 * or BGP header still closes the router.  Peer Down flushes the peer's
 * routes, a Termination or a closed connection all of the router's.
 * Without a RIB the announcements minus withdrawals are only counted.
 *
 * For --once, the collector is settled when every connected router's up
 * peers sent End-of-RIB (RFC 4724 2) for each unicast AF they sent routes
 * for, or COLLECT_BMP_SETTLE_MS after it started listening, whichever
 * comes first (collect_bmp_settled()).
 *
 * The listener (collect-bmp-listen.c), the memory ceilings
 * (collect-bmp-limit.c) and the queries of the views and --once
 * (collect-bmp-info.c) are beside this file; collect-bmp-private.h holds
 * the state they share.
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "core/bmp-unprepend.h"
#include "core/collect-bmp-private.h"
#include "core/routemon.h"

static int	 collect_bmp_start(struct collector *, struct model *,
		    struct event_base *, char **);
static void	 collect_bmp_stop(struct collector *);
static void	 collect_bmp_describe(const struct collector *, char *,
		    size_t);
static void	 collect_bmp_settle_cb(evutil_socket_t, short, void *);
static void	 collect_bmp_check_settled(struct collect_bmp *);
static void	 collect_bmp_close(struct collect_bmp_router *, int);
static void	 collect_bmp_fail(struct collect_bmp_router *, const char *);
static void	 collect_bmp_drop(struct collect_bmp_router *, const char *,
		    uint64_t *);
static uint64_t	 collect_bmp_deadline(const struct collect_bmp_router *,
		    enum collect_bmp_timeout *);
static int	 collect_bmp_drain(struct collect_bmp_router *);
static void	 collect_bmp_handle(struct collect_bmp_router *,
		    const struct bmp_msg *);
static struct collect_bmp_peer *collect_bmp_peer(
		    struct collect_bmp_router *, const struct bmp_peer *);
static void	 collect_bmp_report(struct collect_bmp_router *,
		    struct collect_bmp_peer *, enum bgp_state);
static void	 collect_bmp_flush(struct collect_bmp_router *);
static void	 collect_bmp_routes_lost(struct collect_bmp_router *,
		    const char *);
static void	 collect_bmp_routes_back(struct collect_bmp *);
static void	 collect_bmp_known_cb(evutil_socket_t, short, void *);
static int	 collect_bmp_settled(const struct collector *);
static enum rib_peer_kind collect_bmp_kind(const struct bmp_peer *);
static int	 collect_bmp_rib_peer(struct collect_bmp_router *,
		    struct collect_bmp_peer *, enum rib_peer_kind);
static void	 collect_bmp_rib_flush(struct collect_bmp_router *,
		    struct collect_bmp_peer *);
static void	 collect_bmp_route_mon(struct collect_bmp_router *,
		    struct collect_bmp_peer *, const struct bmp_msg *);
static void	 collect_bmp_count(struct collect_bmp_router *,
		    struct collect_bmp_peer *, const struct bmp_msg *);
static void	 collect_bmp_rib_detach(struct collect_bmp_router *);

const struct collector_ops collector_bmp = {
	.name = "bmp",
	.start = collect_bmp_start,
	.stop = collect_bmp_stop,
	.describe = collect_bmp_describe,
	.settled = collect_bmp_settled,
	.routes = 1,
};

int
collect_bmp_nonblock(int fd)
{
	int	 flags;

	if ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) == -1)
		return (-1);
	return (0);
}

void
collect_bmp_sockaddr(const struct sockaddr_storage *ss, struct addr *a,
    uint16_t *port)
{
	const struct sockaddr_in	*sin;
	const struct sockaddr_in6	*sin6;

	memset(a, 0, sizeof *a);
	*port = 0;
	if (ss->ss_family == AF_INET) {
		sin = (const struct sockaddr_in *)ss;
		a->af = AF_INET;
		a->v4 = sin->sin_addr;
		*port = ntohs(sin->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		sin6 = (const struct sockaddr_in6 *)ss;
		/* A v4-mapped source matches IPv4 allow prefixes. */
		if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
			a->af = AF_INET;
			memcpy(&a->v4, &sin6->sin6_addr.s6_addr[12], 4);
		} else {
			a->af = AF_INET6;
			a->v6 = sin6->sin6_addr;
		}
		*port = ntohs(sin6->sin6_port);
	}
}

static int
collect_bmp_start(struct collector *c, struct model *m,
    struct event_base *base, char **cause)
{
	struct collect_bmp	*cb;
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin;
	struct sockaddr_in6	*sin6;
	struct timeval		 tv;
	socklen_t		 sslen;
	char			 a[ADDR_STRLEN];
	int			 fd, on = 1, error;

	cb = xcalloc(1, sizeof *cb);
	cb->c = c;
	cb->m = m;
	cb->base = base;
	cb->fd = -1;
	TAILQ_INIT(&cb->routers);
	cb->max = c->max_routers > 0 ? c->max_routers :
	    COLLECT_BMP_ROUTERS_MAX;
	cb->timeout_ms[COLLECT_BMP_TO_INIT] = c->init_timeout_ms > 0 ?
	    c->init_timeout_ms : COLLECT_BMP_INIT_MS;
	cb->timeout_ms[COLLECT_BMP_TO_MESSAGE] = c->message_timeout_ms > 0 ?
	    c->message_timeout_ms : COLLECT_BMP_MESSAGE_MS;
	cb->timeout_ms[COLLECT_BMP_TO_HOLD] = c->hold_ms;
	if (c->listen.af == 0) {
		cb->addr.af = AF_INET;
		cb->addr.v4.s_addr = htonl(INADDR_LOOPBACK);
	} else
		cb->addr = c->listen;
	cb->port = (uint16_t)c->port;
	addr_fmt(&cb->addr, a, sizeof a);

	memset(&ss, 0, sizeof ss);
	if (cb->addr.af == AF_INET6) {
		sin6 = (struct sockaddr_in6 *)&ss;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = cb->addr.v6;
		sin6->sin6_port = htons(cb->port);
		sslen = sizeof *sin6;
	} else {
		sin = (struct sockaddr_in *)&ss;
		sin->sin_family = AF_INET;
		sin->sin_addr = cb->addr.v4;
		sin->sin_port = htons(cb->port);
		sslen = sizeof *sin;
	}

	if ((fd = socket(cb->addr.af, SOCK_STREAM, 0)) == -1 ||
	    collect_bmp_nonblock(fd) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) == -1 ||
	    bind(fd, (struct sockaddr *)&ss, sslen) == -1 ||
	    listen(fd, 16) == -1 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sslen) == -1) {
		error = errno;
		if (fd != -1)
			close(fd);
		xasprintf(cause, "bmp: cannot listen on %s%s%s:%d: %s",
		    cb->addr.af == AF_INET6 ? "[" : "", a,
		    cb->addr.af == AF_INET6 ? "]" : "", c->port,
		    strerror(error));
		free(cb);
		errno = error;	/* the caller tells a taken port apart */
		return (-1);
	}
	collect_bmp_sockaddr(&ss, &cb->addr, &cb->port);
	cb->fd = fd;
	cb->start_mono = now_mono_ms();
	cb->msg = xmalloc(sizeof *cb->msg);
	cb->ev = event_new(base, fd, EV_READ | EV_PERSIST,
	    collect_bmp_accept_cb, cb);
	if (cb->ev == NULL)
		fatalx("bmp: cannot create listener event");
	event_add(cb->ev, NULL);
	c->priv = cb;
	cb->ev_settle = event_new(base, -1, EV_PERSIST, collect_bmp_settle_cb,
	    cb);
	if (cb->ev_settle == NULL)
		fatalx("bmp: cannot create timer event");
	tv.tv_sec = 0;
	tv.tv_usec = COLLECT_BMP_SETTLE_TICK_MS * 1000;
	event_add(cb->ev_settle, &tv);
	if ((cb->ev_known = evtimer_new(base, collect_bmp_known_cb,
	    cb)) == NULL ||
	    (cb->ev_resume = evtimer_new(base, collect_bmp_resume_cb,
	    cb)) == NULL ||
	    (cb->ev_refused = evtimer_new(base, collect_bmp_refused_cb,
	    cb)) == NULL)
		fatalx("bmp: cannot create timer event");
	log_info("%s: listening on %s port %u", c->name, a, cb->port);
	model_collector_state(m, c, COL_UP, NULL);
	return (0);
}

/* The port the listener is bound to (for a configured port 0). */
int
collect_bmp_port(const struct collector *c)
{
	const struct collect_bmp	*cb = c->priv;

	if (c->ops != &collector_bmp || cb == NULL)
		return (-1);
	return (cb->port);
}

static void
collect_bmp_stop(struct collector *c)
{
	struct collect_bmp		*cb = c->priv;
	struct collect_bmp_router	*r;

	if (cb == NULL)
		return;
	while ((r = TAILQ_FIRST(&cb->routers)) != NULL)
		collect_bmp_close(r, 0);
	if (cb->ev != NULL)
		event_free(cb->ev);
	if (cb->ev_settle != NULL)
		event_free(cb->ev_settle);
	if (cb->ev_known != NULL)
		event_free(cb->ev_known);
	if (cb->ev_resume != NULL)
		event_free(cb->ev_resume);
	if (cb->ev_refused != NULL) {
		collect_bmp_refused_log(cb);	/* the spell's last count */
		event_free(cb->ev_refused);
	}
	if (cb->fd != -1)
		close(cb->fd);
	free(cb->msg);
	free(cb->gone);
	free(cb);
	c->priv = NULL;
}

static void
collect_bmp_describe(const struct collector *c, char *buf, size_t len)
{
	const struct collect_bmp	*cb = c->priv;
	const struct collect_bmp_router	*r;
	char				 a[ADDR_STRLEN], n[48], x[176];
	uint64_t			 timed_out, dropped;
	size_t				 full = 0;

	if (cb == NULL) {
		snprintf(buf, len, "%s down: %s", c->name, c->error);
		return;
	}
	addr_fmt(&cb->addr, a, sizeof a);
	/* "2 routers", or "1/2 routers up" while one is gone. */
	if (cb->ngone > 0)
		snprintf(n, sizeof n, "%zu/%zu routers up", cb->nrouters,
		    cb->nrouters + cb->ngone);
	else
		snprintf(n, sizeof n, "%zu router%s", cb->nrouters,
		    cb->nrouters == 1 ? "" : "s");
	/* Connections refused and routers timed out, when there were. */
	timed_out = collect_bmp_timeouts(c);
	x[0] = '\0';
	if (cb->refused > 0)
		snprintf(x, sizeof x, ", %" PRIu64 " refused", cb->refused);
	if (timed_out > 0)
		snprintf(x + strlen(x), sizeof x - strlen(x), ", %" PRIu64
		    " timed out", timed_out);
	/* max-routes: routers at it now, prefixes dropped since started. */
	dropped = cb->mr_dropped;
	TAILQ_FOREACH(r, &cb->routers, entry) {
		dropped += r->quota.dropped;
		full += r->mr_over;
	}
	if (dropped != 0)
		snprintf(x + strlen(x), sizeof x - strlen(x), ", max-routes: "
		    "%zu router%s full, %" PRIu64 " prefixes dropped", full,
		    full == 1 ? "" : "s", dropped);
	snprintf(buf, len, "bmp %s%s%s:%u %s%s%s%s%s",
	    cb->addr.af == AF_INET6 ? "[" : "", a,
	    cb->addr.af == AF_INET6 ? "]" : "", cb->port, n, x,
	    cb->paused ? ", not accepting (out of descriptors?)" : "",
	    c->error[0] != '\0' ? ", last error: " : "", c->error);
}

/*
 * Close one router.  With report set (not from stop()), the sessions it
 * was reporting are lost: nobody watches them any more.
 */
static void
collect_bmp_close(struct collect_bmp_router *r, int report)
{
	struct collect_bmp	*cb = r->cb;
	size_t			 i;

	/* Limits reached since the last read are raised before ... */
	if (report)
		collect_bmp_max_routes(r);
	/* The router's routes go with it (from stop() too: a RIB that
	 * outlives the collector must not keep routes nobody updates). */
	for (i = 0; i < r->npeers; i++)
		collect_bmp_rib_flush(r, &r->peers[i]);
	collect_bmp_rib_detach(r);
	if (report) {
		/* ... and resolved with its routes gone. */
		for (i = 0; i < r->npeers; i++)
			collect_bmp_max_prefix(r, &r->peers[i]);
		collect_bmp_max_routes(r);
		collect_bmp_routes_lost(r, "closed");
		for (i = 0; i < r->npeers; i++)
			if (r->peers[i].s != NULL)
				model_session_lost_by(cb->m, r->peers[i].s,
				    cb->c);
		model_touch(cb->m, DIRTY_COLLECTORS | DIRTY_ROUTES);
		if (cb->m->routemon != NULL)
			routemon_dirty_all(cb->m->routemon);
	}
	cb->mr_dropped += r->quota.dropped;
	TAILQ_REMOVE(&cb->routers, r, entry);
	cb->nrouters--;
	collect_bmp_parts(cb);
	event_free(r->ev);
	event_free(r->ev_timer);
	close(r->fd);
	decode_bmp_framer_free(&r->fr);
	decode_bmp_ctx_free(&r->ctx);
	free(r->peers);
	free(r->unprepend_buf);
	free(r);
}

/* A malformed stream: close only this router, count and show it. */
static void
collect_bmp_fail(struct collect_bmp_router *r, const char *why)
{
	collect_bmp_drop(r, why, &r->cb->closed_bad);
}

/* Close one router for a reason: logged, counted and shown. */
static void
collect_bmp_drop(struct collect_bmp_router *r, const char *why,
    uint64_t *counter)
{
	struct collect_bmp	*cb = r->cb;
	char			 a[ADDR_STRLEN], *msg;

	addr_fmt(&r->from, a, sizeof a);
	xasprintf(&msg, "router %s (%s): %s", r->name[0] != '\0' ?
	    r->name : "unnamed", a, why);
	log_warnx("%s: %s; closing", cb->c->name, msg);
	cb->c->failures++;
	(*counter)++;
	model_collector_state(cb->m, cb->c, COL_UP, msg);
	free(msg);
	collect_bmp_close(r, 1);
}

/*
 * The nearest deadline of a router (monotonic ms, and which), 0 none:
 *  - RFC 7854 4.3: the Initiation is the first message, so one that has
 *    not come init-timeout after connecting will not: a silent socket or
 *    a stray client, holding a router slot;
 *  - a message begun (the framer holds part of it) must be whole within
 *    message-timeout, or a slow sender (a byte a second, a header of 1 MiB
 *    and no body) would hold its slot and buffer for ever;
 *  - hold-time, when set: BMP has no keepalive (a router with nothing to
 *    report sends nothing), so silence is only a fault where the router
 *    is known to send Statistics Reports more often than that.
 */
static uint64_t
collect_bmp_deadline(const struct collect_bmp_router *r,
    enum collect_bmp_timeout *why)
{
	const int	*to = r->cb->timeout_ms;
	uint64_t	 at = 0, t;

	if (!r->initiated) {
		at = r->connected_mono + (uint64_t)to[COLLECT_BMP_TO_INIT];
		*why = COLLECT_BMP_TO_INIT;
	}
	if (r->partial_mono != 0) {
		t = r->partial_mono + (uint64_t)to[COLLECT_BMP_TO_MESSAGE];
		if (at == 0 || t < at) {
			at = t;
			*why = COLLECT_BMP_TO_MESSAGE;
		}
	}
	if (to[COLLECT_BMP_TO_HOLD] > 0) {
		t = r->rx_mono + (uint64_t)to[COLLECT_BMP_TO_HOLD];
		if (at == 0 || t < at) {
			at = t;
			*why = COLLECT_BMP_TO_HOLD;
		}
	}
	return (at);
}

/*
 * Arm the router's timer for its nearest deadline, unless it is armed
 * sooner already: deadlines that moved later are found when it fires.
 */
void
collect_bmp_arm(struct collect_bmp_router *r)
{
	enum collect_bmp_timeout	 why;
	struct timeval			 tv;
	uint64_t			 at, now, in;

	if ((at = collect_bmp_deadline(r, &why)) == 0 ||
	    (r->timer_at != 0 && r->timer_at <= at))
		return;
	now = now_mono_ms();
	in = at > now ? at - now : 0;
	tv.tv_sec = (time_t)(in / 1000);
	tv.tv_usec = (suseconds_t)(in % 1000) * 1000;
	evtimer_add(r->ev_timer, &tv);
	r->timer_at = at;
}

void
collect_bmp_timer_cb(evutil_socket_t fd, short events, void *arg)
{
	struct collect_bmp_router	*r = arg;
	struct collect_bmp		*cb = r->cb;
	enum collect_bmp_timeout	 why;
	uint64_t			 at;
	char				*cause, d[32];
	int				 ms;

	r->timer_at = 0;
	if ((at = collect_bmp_deadline(r, &why)) == 0)
		return;
	if (at > now_mono_ms()) {
		collect_bmp_arm(r);
		return;
	}
	ms = cb->timeout_ms[why];
	if (ms % 1000 == 0)
		snprintf(d, sizeof d, "%d s", ms / 1000);
	else
		snprintf(d, sizeof d, "%d ms", ms);
	switch (why) {
	case COLLECT_BMP_TO_INIT:
		xasprintf(&cause, "no Initiation message within %s of "
		    "connecting (init-timeout)", d);
		break;
	case COLLECT_BMP_TO_MESSAGE:
		xasprintf(&cause, "a message still incomplete after %s, %zu "
		    "bytes of it received (message-timeout)", d,
		    decode_bmp_framer_pending(&r->fr));
		break;
	default:
		xasprintf(&cause, "nothing received for %s (hold-time)", d);
		break;
	}
	collect_bmp_drop(r, cause, &cb->timed_out[why]);
	free(cause);
}

void
collect_bmp_read_cb(evutil_socket_t fd, short events, void *arg)
{
	struct collect_bmp_router	*r = arg;
	struct collect_bmp		*cb = r->cb;
	uint8_t				 buf[COLLECT_BMP_READ];
	char				*cause = NULL, a[ADDR_STRLEN];
	ssize_t				 n;
	uint64_t			 messages, t0 = now_mono_ms();
	int				 i;

	/*
	 * A bounded slice (bench-load.sh, issue 18): a read of a table
	 * dump decodes into the RIB for a millisecond or more, and ten
	 * routers streaming must leave the loop free for keys and viewers.
	 * What is left in the socket is read on the next turn.
	 */
	for (i = 0; i < COLLECT_BMP_READS; i++) {
		if (i > 0 && now_mono_ms() - t0 >= COLLECT_BMP_SLICE_MS)
			break;
		n = read(fd, buf, sizeof buf);
		if (n == -1) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			xasprintf(&cause, "read: %s", strerror(errno));
			collect_bmp_fail(r, cause);
			free(cause);
			return;
		}
		if (n == 0) {
			if (decode_bmp_framer_pending(&r->fr) != 0) {
				xasprintf(&cause, "connection closed inside "
				    "a message (%zu bytes pending)",
				    decode_bmp_framer_pending(&r->fr));
				collect_bmp_fail(r, cause);
				free(cause);
				return;
			}
			addr_fmt(&r->from, a, sizeof a);
			log_info("%s: router %s (%s) closed the connection",
			    cb->c->name, r->name[0] != '\0' ? r->name :
			    "unnamed", a);
			collect_bmp_close(r, 1);
			return;
		}
		r->rx_mono = now_mono_ms();
		messages = r->messages;
		if (decode_bmp_framer_feed(&r->fr, buf, (size_t)n,
		    &cause) == -1) {
			collect_bmp_fail(r, cause);
			free(cause);
			return;
		}
		if (collect_bmp_drain(r) == -1)
			return;		/* closed */
		/* The message-timeout clock runs from a message's first
		 * bytes: a new one pending restarts it. */
		if (decode_bmp_framer_pending(&r->fr) == 0)
			r->partial_mono = 0;
		else if (r->partial_mono == 0 || r->messages != messages)
			r->partial_mono = r->rx_mono;
	}
	collect_bmp_arm(r);
	collect_bmp_flush(r);
	collect_bmp_routes_back(cb);
	/* The RIB's watch marked the prefixes: the pass judges them once
	 * per loop turn, not per message. */
	collect_bmp_check_settled(cb);
}

/* Decode every complete message buffered; -1 if the router was closed. */
static int
collect_bmp_drain(struct collect_bmp_router *r)
{
	struct bmp_msg	*msg = r->cb->msg;
	const uint8_t	*p;
	size_t		 len;
	uint64_t	 off;
	char		*cause = NULL;
	int		 rv;

	for (;;) {
		rv = decode_bmp_framer_next(&r->fr, &p, &len, &off, &cause);
		if (rv == 0)
			break;
		if (rv == -1 || decode_bmp(&r->ctx, p, len, off, msg,
		    &cause) == -1) {
			collect_bmp_fail(r, cause);
			free(cause);
			return (-1);
		}
		r->messages++;
		collect_bmp_handle(r, msg);
		decode_bmp_msg_free(msg);
	}
	return (0);
}

/* The state kept for the peer of a per-peer header, added if new. */
static struct collect_bmp_peer *
collect_bmp_peer(struct collect_bmp_router *r, const struct bmp_peer *p)
{
	struct collect_bmp_peer	*bp;
	size_t			 i;

	for (i = 0; i < r->npeers; i++) {
		bp = &r->peers[i];
		if (bp->type == p->type &&
		    bp->distinguisher == p->distinguisher &&
		    addr_cmp(&bp->addr, &p->addr) == 0)
			return (bp);
	}
	if (r->npeers >= (size_t)(r->cb->c->max_peers > 0 ?
	    r->cb->c->max_peers : COLLECT_BMP_PEERS)) {
		/* Fake peers must not grow us without bound: skipped. */
		r->peers_skipped++;
		if ((r->peers_skipped & (r->peers_skipped - 1)) == 0)
			log_warnx("%s: router %s: more than %zu peers: "
			    "messages of the others skipped (%llu so far; "
			    "see max-peers)", r->cb->c->name, r->key,
			    r->npeers, (unsigned long long)r->peers_skipped);
		return (NULL);
	}
	r->peers = xreallocarray(r->peers, r->npeers + 1, sizeof *r->peers);
	bp = &r->peers[r->npeers++];
	memset(bp, 0, sizeof *bp);
	bp->type = p->type;
	bp->distinguisher = p->distinguisher;
	bp->addr = p->addr;
	bp->as = p->as;
	bp->hdr_as = p->as;
	return (bp);
}

/* The RIB view of a per-peer header (RFC 7854 4.2, RFC 8671 4,
 * RFC 9069 4.2: the L flag means post-policy, O Adj-RIB-Out). */
static enum rib_peer_kind
collect_bmp_kind(const struct bmp_peer *p)
{
	if (p->type == BMP_PEER_LOC_RIB)
		return (RIB_PEER_LOC_RIB);
	if (p->flags & BMP_PEER_FLAG_O)
		return ((p->flags & BMP_PEER_FLAG_L) ? RIB_PEER_ADJ_OUT_POST :
		    RIB_PEER_ADJ_OUT_PRE);
	return ((p->flags & BMP_PEER_FLAG_L) ? RIB_PEER_ADJ_IN_POST :
	    RIB_PEER_ADJ_IN_PRE);
}

/* The RIB peer id of a peer's view, added on first use. */
static int
collect_bmp_rib_peer(struct collect_bmp_router *r, struct collect_bmp_peer *bp,
    enum rib_peer_kind kind)
{
	struct rib		*rib = r->cb->m->rib;
	struct rib_peer_key	 key;
	struct rib_peer		*rp;
	int			 id;

	if (bp->rib_id[kind] != 0)
		return (bp->rib_id[kind] - 1);
	memset(&key, 0, sizeof key);
	strlcpy_pt(key.router, r->key, sizeof key.router);
	key.addr = bp->addr;
	key.asn = bp->hdr_as;
	key.distinguisher = bp->distinguisher;
	key.kind = kind;
	id = rib_peer_get(rib, &key);
	bp->rib_id[kind] = id + 1;
	rib_peer_quota(rib, id, &r->quota);
	/* Routes before (or without) a Peer Up still map to the session. */
	if (bp->s == NULL && bp->addr.af != 0)
		bp->s = model_session_match(r->cb->m, &bp->addr, r->name);
	if ((rp = rib_peer(rib, id)) != NULL)
		rp->session = bp->s;
	return (id);
}

/* Peer Down, Termination, closed connection: the peer's routes go. */
static void
collect_bmp_rib_flush(struct collect_bmp_router *r,
    struct collect_bmp_peer *bp)
{
	struct rib	*rib = r->cb->m->rib;
	int		 k;

	if (rib == NULL)
		return;
	for (k = 0; k < COLLECT_BMP_KINDS; k++) {
		if (bp->rib_id[k] == 0)
			continue;
		rib_peer_flush(rib, bp->rib_id[k] - 1);
		bp->mp_check = 1;
	}
}

/*
 * The router's RIB peers leave its quota before it is freed; one that a
 * newer connection under the same key has taken over stays with it.
 */
static void
collect_bmp_rib_detach(struct collect_bmp_router *r)
{
	struct rib		*rib = r->cb->m->rib;
	struct rib_peer		*rp;
	size_t			 i;
	int			 k;

	if (rib == NULL)
		return;
	for (i = 0; i < r->npeers; i++) {
		for (k = 0; k < COLLECT_BMP_KINDS; k++) {
			if (r->peers[i].rib_id[k] == 0 || (rp = rib_peer(rib,
			    r->peers[i].rib_id[k] - 1)) == NULL ||
			    rp->quota != &r->quota)
				continue;
			rib_peer_quota(rib, r->peers[i].rib_id[k] - 1, NULL);
		}
	}
}

/*
 * Routes the RIB holds for a peer's views: Adj-RIB-In (post-policy when
 * the router sends it, else pre-policy) with out = 0, Adj-RIB-Out alike
 * with out = 1; all views with all set.
 */
size_t
collect_bmp_peer_routes(const struct collect_bmp *cb,
    const struct collect_bmp_peer *bp, int out, int all)
{
	struct rib		*rib = cb->m->rib;
	const struct rib_peer	*rp;
	int			 k, post, pre;
	size_t			 n = 0;

	if (rib == NULL)
		return (0);
	if (all) {
		for (k = 0; k < COLLECT_BMP_KINDS; k++)
			if (bp->rib_id[k] != 0 &&
			    (rp = rib_peer(rib, bp->rib_id[k] - 1)) != NULL)
				n += rp->nroutes;
		return (n);
	}
	post = out ? RIB_PEER_ADJ_OUT_POST : RIB_PEER_ADJ_IN_POST;
	pre = out ? RIB_PEER_ADJ_OUT_PRE : RIB_PEER_ADJ_IN_PRE;
	/*
	 * Post-policy when it holds routes: a router monitoring pre-policy
	 * only may still send post-policy End-of-RIB markers (FRR does),
	 * which make an empty post-policy view.
	 */
	for (k = post; k != -1; k = k == post ? pre : -1) {
		if (bp->rib_id[k] != 0 &&
		    (rp = rib_peer(rib, bp->rib_id[k] - 1)) != NULL &&
		    (n = rp->nroutes) != 0)
			break;
	}
	if (!out && n == 0 && bp->rib_id[RIB_PEER_LOC_RIB] != 0 &&
	    (rp = rib_peer(rib, bp->rib_id[RIB_PEER_LOC_RIB] - 1)) != NULL)
		n = rp->nroutes;
	return (n);
}

/* Report one peer's state to its configured session, if there is one. */
static void
collect_bmp_report(struct collect_bmp_router *r, struct collect_bmp_peer *bp,
    enum bgp_state state)
{
	struct collect_bmp	*cb = r->cb;
	struct session_report	 rep;
	uint64_t		 n;
	int			 i, k;

	if (bp->addr.af == 0)
		return;		/* Loc-RIB: not a session */
	if (bp->s == NULL) {
		bp->s = model_session_match(cb->m, &bp->addr, r->name);
		if (bp->s != NULL && cb->m->rib != NULL)
			for (k = 0; k < COLLECT_BMP_KINDS; k++)
				if (bp->rib_id[k] != 0)
					rib_peer(cb->m->rib,
					    bp->rib_id[k] - 1)->session = bp->s;
	}
	if (bp->s == NULL)
		return;
	memset(&rep, 0, sizeof rep);
	rep.state = state;
	rep.remote_as = bp->as;
	/* "" on Peer Up: the last Peer Down's reason no longer holds. */
	rep.last_error = bp->last_error;
	if (cb->m->rib != NULL) {
		n = collect_bmp_peer_routes(cb, bp, 0, 0);
		rep.routes_imported = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
		n = collect_bmp_peer_routes(cb, bp, 1, 0);
		rep.routes_exported = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
	} else {
		/*
		 * No RIB: announcements minus withdrawals stand in for the
		 * routes imported (post-policy when the router sends it,
		 * else pre-policy) and exported (Adj-RIB-Out).
		 */
		i = bp->seen[1] ? 1 : 0;
		n = bp->announced[i] > bp->withdrawn[i] ?
		    bp->announced[i] - bp->withdrawn[i] : 0;
		rep.routes_imported = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
		n = bp->announced[2] > bp->withdrawn[2] ?
		    bp->announced[2] - bp->withdrawn[2] : 0;
		rep.routes_exported = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
	}
	rep.proto = r->name[0] != '\0' ? r->name : NULL;
	model_session_report(cb->m, bp->s, cb->c, &rep);
	bp->dirty = 0;
}

/* After a read: report route counts that changed on up peers. */
static void
collect_bmp_flush(struct collect_bmp_router *r)
{
	struct collect_bmp_peer	*bp;
	size_t			 i;

	for (i = 0; i < r->npeers; i++) {
		bp = &r->peers[i];
		if (bp->mp_check)
			collect_bmp_max_prefix(r, bp);
		if (!bp->dirty || !bp->up || bp->s == NULL)
			continue;
		collect_bmp_report(r, bp, BGP_ESTABLISHED);
	}
	collect_bmp_max_routes(r);
}

/* The router an event is about (event_rel): its sysName, else address. */
void
collect_bmp_rel(const struct collect_bmp_router *r, struct event_rel *rel)
{
	memset(rel, 0, sizeof *rel);
	if (r->name[0] != '\0')
		strlcpy_pt(rel->router, r->name, sizeof rel->router);
	else
		addr_fmt(&r->from, rel->router, sizeof rel->router);
}

/*
 * The router goes away (it closed, or sent Termination): what its peers'
 * sessions carry is unknown from now on, not withdrawn.
 */
static void
collect_bmp_routes_lost(struct collect_bmp_router *r, const char *how)
{
	struct collect_bmp	*cb = r->cb;
	struct collect_bmp_gone	*g;
	char			 a[ADDR_STRLEN], why[96], subject[96];
	char			 details[256];
	struct event_rel	 rel;
	size_t			 i, n = 0, len;

	addr_fmt(&r->from, a, sizeof a);
	snprintf(why, sizeof why, "BMP from %s %s", r->name[0] != '\0' ?
	    r->name : a, how);
	details[0] = '\0';
	for (i = 0; i < r->npeers; i++) {
		if (r->peers[i].s == NULL || !r->peers[i].up)
			continue;
		model_session_routes(cb->m, r->peers[i].s, 1, why);
		len = strlen(details);
		snprintf(details + len, sizeof details - len, "%s%s",
		    n++ == 0 ? "routes unknown: " : " ", r->peers[i].s->name);
	}
	if (r->gone)
		return;
	/* Once per connection: a Termination, then the close. */
	r->gone = 1;
	cb->gone = xreallocarray(cb->gone, cb->ngone + 1, sizeof *cb->gone);
	g = &cb->gone[cb->ngone++];
	strlcpy_pt(g->name, r->name, sizeof g->name);
	g->from = r->from;
	collect_bmp_parts(cb);
	snprintf(subject, sizeof subject, "collector %s", cb->c->name);
	collect_bmp_rel(r, &rel);
	model_event_rel(cb->m, 0, "BmpRouterDown", LVL_WARNING, subject,
	    details[0] != '\0' ? details : NULL, &rel, "BMP router %s (%s) %s",
	    r->name[0] != '\0' ? r->name : "unnamed", a, how);
}

/*
 * A router that went away is back (it connected again, from the same
 * address or under the same sysName): BmpRouterUp.  Its sessions' routes
 * stay unknown until it has sent their tables (routes_back()).
 */
void
collect_bmp_router_back(struct collect_bmp_router *r)
{
	struct collect_bmp	*cb = r->cb;
	struct collect_bmp_gone	*g;
	char			 a[ADDR_STRLEN], subject[96];
	struct event_rel	 rel;
	size_t			 i;

	for (i = 0; i < cb->ngone; i++) {
		g = &cb->gone[i];
		if (g->name[0] != '\0' ? strcmp(g->name, r->name) == 0 :
		    addr_cmp(&g->from, &r->from) == 0)
			break;
	}
	if (i == cb->ngone)
		return;
	cb->gone[i] = cb->gone[--cb->ngone];
	collect_bmp_parts(cb);
	addr_fmt(&r->from, a, sizeof a);
	snprintf(subject, sizeof subject, "collector %s", cb->c->name);
	collect_bmp_rel(r, &rel);
	model_event_rel(cb->m, 0, "BmpRouterUp", LVL_INFO, subject, NULL, &rel,
	    "BMP router %s (%s) is back", r->name[0] != '\0' ? r->name :
	    "unnamed", a);
}

/* The routers the collector knows: connected, and gone but not back. */
void
collect_bmp_parts(struct collect_bmp *cb)
{
	cb->c->nparts = cb->nrouters + cb->ngone;
	cb->c->nparts_up = cb->nrouters;
	model_touch(cb->m, DIRTY_COLLECTORS);
}

/*
 * A session whose routes were unknown is known again once a router
 * reports its peer up and has sent that peer's table
 * (collect_bmp_peer_table()); until then, look again a little later.
 */
static void
collect_bmp_routes_back(struct collect_bmp *cb)
{
	struct collect_bmp_router	*r;
	struct collect_bmp_peer		*bp;
	struct timeval			 tv;
	size_t				 i;
	int				 wait = 0;

	TAILQ_FOREACH(r, &cb->routers, entry) {
		for (i = 0; i < r->npeers; i++) {
			bp = &r->peers[i];
			if (!bp->up || bp->s == NULL ||
			    (!bp->s->routes_lost && !bp->s->routes_loading))
				continue;
			if (collect_bmp_peer_table(bp))
				model_session_routes(cb->m, bp->s, 0, NULL);
			else
				wait = 1;
		}
	}
	if (wait && cb->ev_known != NULL &&
	    !evtimer_pending(cb->ev_known, NULL)) {
		tv.tv_sec = 0;
		tv.tv_usec = COLLECT_BMP_SETTLE_TICK_MS * 1000;
		evtimer_add(cb->ev_known, &tv);
	}
}

static void
collect_bmp_known_cb(evutil_socket_t fd, short events, void *arg)
{
	(void)fd;
	(void)events;
	collect_bmp_routes_back(arg);
}

/* No RIB: count announcements and withdrawals per view. */
static void
collect_bmp_count(struct collect_bmp_router *r, struct collect_bmp_peer *bp,
    const struct bmp_msg *msg)
{
	struct bgp_update	 u;
	char			*cause = NULL;
	int			 rib;

	if (decode_bgp_update(msg->rm.body, msg->rm.body_len, &msg->rm.opts,
	    &u, &cause) == -1) {
		bp->errors++;
		r->errors++;
		strlcpy_pt(r->last_error, cause, sizeof r->last_error);
		if ((bp->errors & (bp->errors - 1)) == 0)
			log_warnx("%s: router %s: UPDATE refused (%llu from "
			    "this peer): %s", r->cb->c->name, r->key,
			    (unsigned long long)bp->errors, cause);
		free(cause);
		return;
	}
	if (msg->peer.type != BMP_PEER_LOC_RIB &&
	    (msg->peer.flags & BMP_PEER_FLAG_O))
		rib = 2;
	else if (msg->peer.type != BMP_PEER_LOC_RIB &&
	    (msg->peer.flags & BMP_PEER_FLAG_L))
		rib = 1;
	else
		rib = 0;
	bp->seen[rib] = 1;
	if (u.treat_as_withdraw)
		bp->withdrawn[rib] += u.nannounced + u.nwithdrawn;
	else {
		bp->announced[rib] += u.nannounced;
		bp->withdrawn[rib] += u.nwithdrawn;
	}
	decode_bgp_update_free(&u);
	bp->dirty = 1;
}

/*
 * A pre-policy Adj-RIB-In path from an eBGP neighbor that starts with the
 * monitored router's own AS: the router's BMP put it there
 * (core/bmp-unprepend.h),
 * so the RIB gets the path the neighbor sent.  Said once per peer and
 * router, counted.
 */
static void
collect_bmp_unprepend(struct collect_bmp_router *r,
    struct collect_bmp_peer *bp, const struct bmp_msg *msg,
    const uint8_t **body, size_t *len)
{
	enum rib_peer_kind	 kind = collect_bmp_kind(&msg->peer);
	size_t			 n;
	uint32_t		 first;

	/*
	 * Pre-policy, where it cannot be real, and where a path that does
	 * not start with it shows the router's BMP does not add it.  An
	 * import policy may prepend the router's own AS (to make a path
	 * less preferred), so post-policy one copy is removed unless the
	 * pre-policy paths showed the router does not add it: its BMP
	 * streams are often post-policy only, and a post-policy route may
	 * come before its pre-policy one.  The Loc-RIB is left alone.
	 */
	if (bp->local_as == 0 || bp->as == 0 || bp->as == bp->local_as ||
	    (kind != RIB_PEER_ADJ_IN_PRE && (kind != RIB_PEER_ADJ_IN_POST ||
	    r->prepends < 0)))
		return;
	if (r->unprepend_size < *len) {
		free(r->unprepend_buf);
		r->unprepend_buf = xmalloc(*len);
		r->unprepend_size = *len;
	}
	n = bmp_unprepend(*body, *len, msg->rm.as4, bp->local_as,
	    r->unprepend_buf, &first);
	if (kind == RIB_PEER_ADJ_IN_PRE && r->prepends == 0 && first != 0)
		r->prepends = n != 0 ? 1 : -1;
	if (n == 0)
		return;
	if (bp->unprepended++ == 0) {
		char	 a[ADDR_STRLEN];

		addr_fmt(&bp->addr, a, sizeof a);
		log_info("%s: router %s: the AS_PATHs from peer %s (AS %u) "
		    "start with the router's own AS %u, which its BMP "
		    "prepends (FRR without the fix of FRRouting/frr#21815 "
		    "does): removed", r->cb->c->name,
		    r->key, a, bp->as, bp->local_as);
	}
	*body = r->unprepend_buf;
	*len = n;
}

/*
 * Route Monitoring into the RIB.  A refused UPDATE is counted and logged
 * (the first, then at powers of two) but does not close the router: see
 * the top of the file.
 */
static void
collect_bmp_route_mon(struct collect_bmp_router *r,
    struct collect_bmp_peer *bp, const struct bmp_msg *msg)
{
	struct rib		*rib = r->cb->m->rib;
	struct rib_update_stats	 st;
	struct rib_peer		*rp;
	const struct max_prefix	*mp;
	char			*cause = NULL;
	const uint8_t		*body;
	size_t			 len;
	uint64_t		 dropped = 0;
	int			 id, n;

	bp->updates++;
	bp->route_mono = now_mono_ms();
	bp->got_eor |= msg->rm.eor;
	bp->sent_afs |= msg->rm.afs;
	if (rib == NULL) {
		collect_bmp_count(r, bp, msg);
		return;
	}
	id = collect_bmp_rib_peer(r, bp, collect_bmp_kind(&msg->peer));
	if ((rp = rib_peer(rib, id)) != NULL) {
		rp->up = 1;
		rp->bgp_id = msg->peer.bgp_id;
		mp = collect_bmp_limit(r->cb, bp);
		rp->limit = mp->drop ? mp->limit : 0;
		dropped = rp->dropped;
	}
	r->quota.limit = collect_bmp_routes_limit(r->cb);
	memset(&st, 0, sizeof st);
	body = msg->rm.body;
	len = msg->rm.body_len;
	collect_bmp_unprepend(r, bp, msg, &body, &len);
	n = rib_update(rib, id, body, len, &msg->rm.opts, &st, &cause);
	if (n == -1) {
		bp->errors++;
		r->errors++;
		strlcpy_pt(r->last_error, cause != NULL ? cause : "",
		    sizeof r->last_error);
		if ((bp->errors & (bp->errors - 1)) == 0)
			log_warnx("%s: router %s: UPDATE refused (%llu from "
			    "this peer): %s", r->cb->c->name, r->key,
			    (unsigned long long)bp->errors, r->last_error);
		free(cause);
		return;
	}
	if ((rp = rib_peer(rib, id)) != NULL && rp->dropped != dropped) {
		bp->mp_dropped += rp->dropped - dropped;
		bp->mp_check = 1;
	}
	if (n > 0)
		bp->dirty = bp->mp_check = 1;
}

static void
collect_bmp_handle(struct collect_bmp_router *r, const struct bmp_msg *msg)
{
	struct collect_bmp	*cb = r->cb;
	struct collect_bmp_peer	*bp = NULL;
	const struct bmp_peer_state *ps;
	char			 how[96];
	size_t			 i;
	int			 n;

	if (msg->has_peer)
		bp = collect_bmp_peer(r, &msg->peer);

	switch (msg->type) {
	case BMP_INITIATION:
		/* RFC 7854 4.3: sysName and sysDescr, already sanitised. */
		r->initiated = 1;
		if (msg->sys_name[0] != '\0') {
			strlcpy_pt(r->name, msg->sys_name, sizeof r->name);
			/* Before any route: RIB peers carry the name. */
			if (r->npeers == 0)
				strlcpy_pt(r->key, r->name, sizeof r->key);
		}
		if (msg->sys_descr[0] != '\0')
			strlcpy_pt(r->descr, msg->sys_descr, sizeof r->descr);
		collect_bmp_router_back(r);
		log_info("%s: router %s: %s", cb->c->name, r->key, r->descr);
		model_touch(cb->m, DIRTY_COLLECTORS);
		break;
	case BMP_PEER_UP:
		if (bp == NULL)
			break;
		bp->up = 1;
		if (msg->up.received.asn != 0)
			bp->as = msg->up.received.asn;
		else if (msg->peer.as != 0)
			bp->as = msg->peer.as;
		bp->local_as = msg->up.sent.asn;
		bp->last_error[0] = '\0';
		bp->caps_known = 1;
		bp->caps_local = collect_bmp_caps(&msg->up.sent,
		    &msg->up.sent_x);
		bp->caps_remote = collect_bmp_caps(&msg->up.received,
		    &msg->up.received_x);
		memset(bp->announced, 0, sizeof bp->announced);
		memset(bp->withdrawn, 0, sizeof bp->withdrawn);
		/* A new session: its table starts again, End-of-RIB too. */
		collect_bmp_rib_flush(r, bp);
		ps = decode_bmp_ctx_peer(&r->ctx, &msg->peer);
		bp->need_eor = ps != NULL ? ps->afs : 0;
		bp->got_eor = bp->sent_afs = 0;
		bp->up_mono = now_mono_ms();
		/* RFC 9234 4.1: the roles each side announced. */
		if (bp->s != NULL) {
			bp->s->role_sent = msg->up.sent.role;
			bp->s->role_received = msg->up.received.role;
			bp->s->role_error = msg->up.sent.role_error ||
			    msg->up.received.role_error;
		}
		collect_bmp_report(r, bp, BGP_ESTABLISHED);
		/* The first table of a connection is the state, not news. */
		if (!bp->ever_up && bp->s != NULL)
			model_session_routes_loading(cb->m, bp->s);
		bp->ever_up = 1;
		if (cb->m->routemon != NULL)
			routemon_dirty_all(cb->m->routemon);
		break;
	case BMP_PEER_DOWN:
		if (bp == NULL)
			break;
		bp->up = 0;
		/* RFC 7854 4.9: the reason, and the NOTIFICATION in words. */
		n = snprintf(bp->last_error, sizeof bp->last_error,
		    "BMP Peer Down: %s%s%s",
		    decode_bmp_down_reason_name(msg->down.reason),
		    msg->down.has_notification ? ": " : "",
		    msg->down.has_notification ? msg->down.notification : "");
		if (n < 0)
			bp->last_error[0] = '\0';
		/* The routes went with the session. */
		memset(bp->announced, 0, sizeof bp->announced);
		memset(bp->withdrawn, 0, sizeof bp->withdrawn);
		collect_bmp_rib_flush(r, bp);
		collect_bmp_report(r, bp, BGP_IDLE);
		/* Seen down by its router: no routes, known. */
		if (bp->s != NULL)
			model_session_routes(cb->m, bp->s, 0, NULL);
		model_touch(cb->m, DIRTY_ROUTES);
		if (cb->m->routemon != NULL)
			routemon_dirty_all(cb->m->routemon);
		break;
	case BMP_ROUTE_MONITORING:
		if (bp == NULL)
			break;
		collect_bmp_route_mon(r, bp, msg);
		break;
	case BMP_STATISTICS:
		if (bp == NULL)
			break;
		bp->nreports++;
		for (i = 0; i < msg->nstats; i++)
			if (msg->stats[i].type < COLLECT_BMP_STATS) {
				bp->stats[msg->stats[i].type] =
				    msg->stats[i].value;
				bp->stats_seen |= 1U << msg->stats[i].type;
			}
		break;
	case BMP_TERMINATION:
		/* RFC 7854 4.5: the router closes next; its routes go now. */
		r->terminated = 1;
		strlcpy_pt(r->term_reason, msg->term_reason >= 0 ?
		    decode_bmp_term_reason_name((unsigned)msg->term_reason) :
		    "no reason", sizeof r->term_reason);
		log_info("%s: router %s terminates: %s", cb->c->name,
		    r->key, r->term_reason);
		snprintf(how, sizeof how, "terminated: %s", r->term_reason);
		collect_bmp_routes_lost(r, how);
		for (i = 0; i < r->npeers; i++) {
			collect_bmp_rib_flush(r, &r->peers[i]);
			r->peers[i].up = 0;
		}
		model_touch(cb->m, DIRTY_COLLECTORS | DIRTY_ROUTES);
		break;
	default:
		break;		/* Route Mirroring and unknown: counted, skipped */
	}
}

/*
 * --once: every connected router named itself and each of its up peers
 * (at least one) is synced (collect_bmp_peer_synced()); or the grace
 * period is over (a router that never sends End-of-RIB, or no router at
 * all, delays --once by at most COLLECT_BMP_SETTLE_MS).
 */
static int
collect_bmp_settled(const struct collector *c)
{
	const struct collect_bmp	*cb = c->priv;
	const struct collect_bmp_router	*r;
	size_t				 i;

	if (c->ops != &collector_bmp || cb == NULL)
		return (1);
	if (now_mono_ms() - cb->start_mono >= COLLECT_BMP_SETTLE_MS)
		return (1);
	if (cb->nrouters == 0)
		return (0);
	TAILQ_FOREACH(r, &cb->routers, entry)
		if (!collect_bmp_router_synced(r))
			return (0);
	/*
	 * A router that connects a little later than the others would be
	 * missing from the picture without a word: while a configured
	 * session has been reported by nobody, wait (up to the grace).
	 */
	for (i = 0; i < cb->m->nsessions; i++)
		if (cb->m->sessions[i]->source == NULL)
			return (0);
	return (1);
}

/*
 * Health waits for model_synced() (health.c): the first time this
 * collector is settled, judge it, so that a router's table arriving
 * peer by peer raises no start-up events.
 */
static void
collect_bmp_check_settled(struct collect_bmp *cb)
{
	if (cb->settled || !collect_bmp_settled(cb->c))
		return;
	cb->settled = 1;
	if (cb->ev_settle != NULL)
		event_del(cb->ev_settle);
	log_debug("%s: settled after %llu ms", cb->c->name,
	    (unsigned long long)(now_mono_ms() - cb->start_mono));
	model_health(cb->m);
	if (cb->m->routemon != NULL)
		routemon_dirty_all(cb->m->routemon);
}

static void
collect_bmp_settle_cb(evutil_socket_t fd, short events, void *arg)
{
	(void)fd;
	(void)events;
	collect_bmp_check_settled(arg);
}

/*
 * A peer has sent its table when every unicast AF it sent routes for
 * since its Peer Up has had its End-of-RIB (RFC 4724 2).  Routers often
 * monitor only some AFs of a peer, so the OPENs' AFs are not waited for;
 * but a peer that negotiated unicast and sent nothing yet gets
 * COLLECT_BMP_QUIET_MS for its first route.
 */
int
collect_bmp_peer_synced(const struct collect_bmp_peer *bp)
{
	if (bp->sent_afs & ~bp->got_eor)
		return (0);
	return (bp->sent_afs != 0 || bp->got_eor != 0 || bp->need_eor == 0 ||
	    now_mono_ms() - bp->up_mono >= COLLECT_BMP_QUIET_MS);
}

/*
 * Has the peer sent its whole table since Peer Up?  Synced, or, for a
 * router that sends no End-of-RIB, quiet for COLLECT_BMP_TABLE_QUIET_MS
 * (or up for COLLECT_BMP_TABLE_MAX_MS).
 */
int
collect_bmp_peer_table(const struct collect_bmp_peer *bp)
{
	uint64_t	 now = now_mono_ms(), last;

	if (collect_bmp_peer_synced(bp))
		return (1);
	last = bp->route_mono > bp->up_mono ? bp->route_mono : bp->up_mono;
	return (now - last >= COLLECT_BMP_TABLE_QUIET_MS ||
	    now - bp->up_mono >= COLLECT_BMP_TABLE_MAX_MS);
}

int
collect_bmp_router_synced(const struct collect_bmp_router *r)
{
	const struct collect_bmp_peer	*bp;
	size_t				 i, up = 0;

	if (!r->initiated)
		return (0);
	for (i = 0; i < r->npeers; i++) {
		bp = &r->peers[i];
		if (!bp->up)
			continue;
		up++;
		if (!collect_bmp_peer_synced(bp))
			return (0);
	}
	return (up > 0);
}
