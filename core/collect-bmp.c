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

#include "core/collect-bmp.h"
#include "core/decode-bmp.h"
#include "core/rib.h"
#include "core/routemon.h"

#define COLLECT_BMP_PORT		11019
#define COLLECT_BMP_ROUTERS_MAX		64
#define COLLECT_BMP_READ		65536	/* bytes per read */
#define COLLECT_BMP_READS		16	/* reads per callback */
#define COLLECT_BMP_STATS		18	/* RFC 7854 4.8, RFC 8671 types kept */
#define COLLECT_BMP_PEERS		1024	/* per router, unless max-peers */
/*
 * max-prefix of a peer without its own (and no bmp max-prefix): a full
 * IPv4 + IPv6 table (about 1.3 M routes in 2026) with half again of
 * headroom, per RIB view; about 160 MB at the RIB's 80 bytes a route.
 */
#define COLLECT_BMP_MAX_PREFIX		2000000
/*
 * max-routes of a router (all views of all its peers together) without
 * one in the bmp block: room for a big legitimate router, e.g. six
 * full-table peers with pre- and post-policy views (6 x 2 x 1.3 M), and
 * a ceiling on what one router can make us hold: about 1.3 GB at the
 * RIB's 80 bytes a route, where max-peers x 5 views x max-prefix alone
 * would allow 10 billion routes.
 */
#define COLLECT_BMP_MAX_ROUTES		16000000
#define COLLECT_BMP_SETTLE_MS		5000	/* --once waits at most */
#define COLLECT_BMP_SETTLE_TICK_MS	250	/* checked this often till then */
#define COLLECT_BMP_QUIET_MS		1000	/* up, no route: synced */
/* Without End-of-RIB (GoBGP sends none), a peer's table is taken as
 * complete after this long without a route, or this long after Peer Up
 * (collect_bmp_peer_table()). */
#define COLLECT_BMP_TABLE_QUIET_MS	3000
#define COLLECT_BMP_TABLE_MAX_MS	30000
#define COLLECT_BMP_KINDS		(RIB_PEER_LOC_RIB + 1)
/* accept() failing for want of descriptors or memory pauses the
 * listener this long, doubling up to the maximum while it fails. */
#define COLLECT_BMP_BACKOFF_MIN_MS	100
#define COLLECT_BMP_BACKOFF_MAX_MS	3200
/* Deadlines (peertop.conf(5) init-timeout, message-timeout): the
 * Initiation after connecting, the rest of a message once begun. */
#define COLLECT_BMP_INIT_MS		10000
/* Refused connections: the first of a spell is logged, the rest summed
 * up once per interval (addresses told apart up to the maximum). */
#define COLLECT_BMP_REFUSED_MS		60000
#define COLLECT_BMP_REFUSED_ADDRS	64
#define COLLECT_BMP_MESSAGE_MS		30000

/* Why a router's timer closes it. */
enum collect_bmp_timeout {
	COLLECT_BMP_TO_INIT,		/* no Initiation in time */
	COLLECT_BMP_TO_MESSAGE,		/* a message not whole in time */
	COLLECT_BMP_TO_HOLD,		/* nothing for the hold time */
	COLLECT_BMP_TO_COUNT
};

/* One monitored peer of one router. */
struct collect_bmp_peer {
	uint8_t			 type;
	uint64_t		 distinguisher;
	struct addr		 addr;
	uint32_t		 as;
	int			 up;
	int			 ever_up;	/* a Peer Up on this connection */
	int			 dirty;		/* counters changed */
	struct session		*s;		/* matched session, or NULL */
	char			 last_error[ERR_MAX];
	/* Route Monitoring, by RIB: pre-policy Adj-RIB-In, post-policy
	 * Adj-RIB-In, Adj-RIB-Out (RFC 8671). */
	uint64_t		 announced[3];
	uint64_t		 withdrawn[3];
	int			 seen[3];
	/* Statistics Report: last value of each counter type. */
	uint64_t		 stats[COLLECT_BMP_STATS];
	uint32_t		 stats_seen;	/* 1 << type: reported once */
	uint64_t		 nreports;
	/* The RIB: one peer per view seen, id + 1 (0: none yet). */
	uint32_t		 hdr_as;	/* per-peer header AS, the key */
	int			 rib_id[COLLECT_BMP_KINDS];
	uint64_t		 updates;	/* Route Monitoring messages */
	uint64_t		 errors;	/* refused by the RIB */
	unsigned int		 need_eor;	/* BMP_EOR_* of the OPENs */
	unsigned int		 sent_afs;	/* routes seen, since Peer Up */
	unsigned int		 got_eor;	/* End-of-RIB seen, since then */
	uint64_t		 up_mono;	/* Peer Up */
	uint64_t		 route_mono;	/* last Route Monitoring */
	/*
	 * max-prefix (collect_bmp_max_prefix()): routes changed since it
	 * looked; MaxPrefixExceeded open; prefixes the RIB dropped (all
	 * views, this connection), as it last looked, and before it opened.
	 */
	int			 mp_check;
	int			 mp_over;
	uint64_t		 mp_dropped;
	uint64_t		 mp_seen;
	uint64_t		 mp_base;
};

struct collect_bmp;

/* One router connection. */
struct collect_bmp_router {
	struct collect_bmp	*cb;
	int			 fd;
	struct event		*ev;
	struct addr		 from;
	uint16_t		 from_port;
	char			 name[NAME_MAX_PT];	/* sysName, or "" */
	char			 descr[128];	/* sysDescr, or "" */
	char			 key[NAME_MAX_PT];	/* RIB: name or address */
	int			 initiated;
	int			 terminated;
	int			 gone;		/* BmpRouterDown raised */
	char			 term_reason[64];
	uint64_t		 errors;	/* UPDATEs the RIB refused */
	char			 last_error[128];
	int64_t			 connected_ms;
	/* The deadlines, monotonic: the timer fires at the nearest
	 * (timer_at, 0 unarmed) and closes the router if one passed. */
	struct event		*ev_timer;
	uint64_t		 timer_at;
	uint64_t		 connected_mono;
	uint64_t		 rx_mono;	/* last bytes read */
	uint64_t		 partial_mono;	/* the pending message began;
						   0 none pending */
	struct bmp_framer	 fr;
	struct bmp_ctx		 ctx;
	struct collect_bmp_peer	*peers;
	size_t			 npeers;
	uint64_t		 peers_skipped;	/* messages: past max-peers */
	/*
	 * max-routes (collect_bmp_max_routes()): the routes of every view
	 * of every peer, counted by the RIB, and the new prefixes it
	 * refused at the limit; MaxRoutesExceeded open; the drops as it
	 * last looked and before it opened.
	 */
	struct rib_quota	 quota;
	int			 mr_over;
	uint64_t		 mr_seen;
	uint64_t		 mr_base;
	uint64_t		 messages;
	TAILQ_ENTRY(collect_bmp_router) entry;
};
TAILQ_HEAD(collect_bmp_routers, collect_bmp_router);

struct collect_bmp {
	struct collector	*c;
	struct model		*m;
	struct event_base	*base;
	int			 fd;
	struct event		*ev;
	struct addr		 addr;
	uint16_t		 port;		/* bound */
	int			 max;
	struct collect_bmp_routers routers;
	size_t			 nrouters;
	uint64_t		 refused;	/* allow list or limit */
	/* Refused since the last line logged about it (ev_refused armed:
	 * a spell is on), from how many addresses, the last and why. */
	struct event		*ev_refused;
	uint64_t		 refused_spell_mono;
	uint64_t		 refused_n;
	struct addr		 refused_from[COLLECT_BMP_REFUSED_ADDRS];
	size_t			 refused_naddrs;
	int			 refused_more;	/* more addresses than that */
	char			 refused_last[ADDR_STRLEN + 80];
	uint64_t		 closed_bad;	/* malformed streams */
	int			 timeout_ms[COLLECT_BMP_TO_COUNT]; /* 0: none */
	uint64_t		 timed_out[COLLECT_BMP_TO_COUNT];
	/* accept() failing (out of descriptors, most likely): the listener
	 * is paused for backoff_ms, and the episode logged once. */
	struct event		*ev_resume;
	int			 paused;
	int			 backoff_ms;
	uint64_t		 accept_fails;	/* this episode, 0 none */
	uint64_t		 accept_mono;	/* its first failure */
	int			 accept_errno;	/* its first error */
	uint64_t		 accept_errors;	/* all episodes */
	uint64_t		 mr_dropped;	/* max-routes, routers gone */
	uint64_t		 start_mono;	/* listening since */
	struct event		*ev_settle;	/* until settled, then freed */
	struct event		*ev_known;	/* routes_back() again */
	int			 settled;	/* collect_bmp_settled() was 1 */
	struct bmp_msg		*msg;		/* decoding space */
	/* Routers that went away (BmpRouterDown) and are not back yet. */
	struct collect_bmp_gone {
		char		 name[NAME_MAX_PT];	/* sysName, or "" */
		struct addr	 from;
	}			*gone;
	size_t			 ngone;
};

static int	 collect_bmp_start(struct collector *, struct model *,
		    struct event_base *, char **);
static void	 collect_bmp_stop(struct collector *);
static void	 collect_bmp_describe(const struct collector *, char *,
		    size_t);

static void	 collect_bmp_accept_cb(evutil_socket_t, short, void *);
static void	 collect_bmp_accept_fail(struct collect_bmp *, int);
static void	 collect_bmp_accept_ok(struct collect_bmp *);
static void	 collect_bmp_resume_cb(evutil_socket_t, short, void *);
static void	 collect_bmp_refuse(struct collect_bmp *, const struct addr *,
		    uint16_t, const char *);
static void	 collect_bmp_refused_log(struct collect_bmp *);
static void	 collect_bmp_refused_cb(evutil_socket_t, short, void *);
static void	 collect_bmp_read_cb(evutil_socket_t, short, void *);
static void	 collect_bmp_settle_cb(evutil_socket_t, short, void *);
static void	 collect_bmp_check_settled(struct collect_bmp *);
static int	 collect_bmp_allowed(const struct collect_bmp *,
		    const struct addr *);
static void	 collect_bmp_close(struct collect_bmp_router *, int);
static void	 collect_bmp_fail(struct collect_bmp_router *, const char *);
static void	 collect_bmp_drop(struct collect_bmp_router *, const char *,
		    uint64_t *);
static uint64_t	 collect_bmp_deadline(const struct collect_bmp_router *,
		    enum collect_bmp_timeout *);
static void	 collect_bmp_arm(struct collect_bmp_router *);
static void	 collect_bmp_timer_cb(evutil_socket_t, short, void *);
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
static void	 collect_bmp_router_back(struct collect_bmp_router *);
static void	 collect_bmp_rel(const struct collect_bmp_router *,
		    struct event_rel *);
static void	 collect_bmp_parts(struct collect_bmp *);
static void	 collect_bmp_routes_back(struct collect_bmp *);
static void	 collect_bmp_known_cb(evutil_socket_t, short, void *);
static void	 collect_bmp_sockaddr(const struct sockaddr_storage *,
		    struct addr *, uint16_t *);
static int	 collect_bmp_settled(const struct collector *);
static int	 collect_bmp_router_synced(const struct collect_bmp_router *);
static int	 collect_bmp_peer_synced(const struct collect_bmp_peer *);
static int	 collect_bmp_peer_table(const struct collect_bmp_peer *);
static enum rib_peer_kind collect_bmp_kind(const struct bmp_peer *);
static int	 collect_bmp_rib_peer(struct collect_bmp_router *,
		    struct collect_bmp_peer *, enum rib_peer_kind);
static void	 collect_bmp_rib_flush(struct collect_bmp_router *,
		    struct collect_bmp_peer *);
static void	 collect_bmp_route_mon(struct collect_bmp_router *,
		    struct collect_bmp_peer *, const struct bmp_msg *);
static void	 collect_bmp_count(struct collect_bmp_router *,
		    struct collect_bmp_peer *, const struct bmp_msg *);
static size_t	 collect_bmp_peer_routes(const struct collect_bmp *,
		    const struct collect_bmp_peer *, int, int);
static const struct max_prefix *collect_bmp_limit(const struct collect_bmp *,
		    const struct collect_bmp_peer *);
static void	 collect_bmp_max_prefix(struct collect_bmp_router *,
		    struct collect_bmp_peer *);
static void	 collect_bmp_peer_name(const struct collect_bmp_peer *,
		    char *, size_t);
static uint32_t	 collect_bmp_routes_limit(const struct collect_bmp *);
static void	 collect_bmp_max_routes(struct collect_bmp_router *);
static void	 collect_bmp_rib_detach(struct collect_bmp_router *);

const struct collector_ops collector_bmp = {
	.name = "bmp",
	.start = collect_bmp_start,
	.stop = collect_bmp_stop,
	.describe = collect_bmp_describe,
	.settled = collect_bmp_settled,
	.routes = 1,
};

static int
collect_bmp_nonblock(int fd)
{
	int	 flags;

	if ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) == -1)
		return (-1);
	return (0);
}

static void
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

static int
collect_bmp_allowed(const struct collect_bmp *cb, const struct addr *a)
{
	size_t	 i;

	if (cb->c->nallow == 0)
		return (1);
	for (i = 0; i < cb->c->nallow && i < COLLECTOR_ALLOW_MAX; i++)
		if (prefix_contains(&cb->c->allow[i], a))
			return (1);
	return (0);
}

static void
collect_bmp_accept_cb(evutil_socket_t lfd, short events, void *arg)
{
	struct collect_bmp		*cb = arg;
	struct collect_bmp_router	*r;
	struct sockaddr_storage		 ss;
	socklen_t			 sslen = sizeof ss;
	struct addr			 from;
	uint16_t			 port;
	char				 a[ADDR_STRLEN], why[64];
	int				 fd;

	if ((fd = accept(lfd, (struct sockaddr *)&ss, &sslen)) == -1) {
		if (errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != EINTR && errno != ECONNABORTED)
			collect_bmp_accept_fail(cb, errno);
		return;
	}
	if (cb->accept_fails > 0)
		collect_bmp_accept_ok(cb);
	collect_bmp_sockaddr(&ss, &from, &port);
	addr_fmt(&from, a, sizeof a);
	if (!collect_bmp_allowed(cb, &from)) {
		close(fd);
		collect_bmp_refuse(cb, &from, port, "not in the allow list");
		return;
	}
	if (cb->nrouters >= (size_t)cb->max) {
		close(fd);
		snprintf(why, sizeof why, "%d routers connected (max-routers)",
		    cb->max);
		collect_bmp_refuse(cb, &from, port, why);
		return;
	}
	if (collect_bmp_nonblock(fd) == -1) {
		log_warnx("%s: fcntl: %s", cb->c->name, strerror(errno));
		close(fd);
		return;
	}

	r = xcalloc(1, sizeof *r);
	r->cb = cb;
	r->fd = fd;
	r->from = from;
	r->from_port = port;
	r->connected_ms = now_wall_ms();
	r->connected_mono = r->rx_mono = now_mono_ms();
	strlcpy_pt(r->key, a, sizeof r->key);
	decode_bmp_framer_init(&r->fr);
	decode_bmp_ctx_init(&r->ctx);
	/* The RIB decodes UPDATEs itself; so does collect_bmp_count(). */
	r->ctx.raw_updates = 1;
	r->ev = event_new(cb->base, fd, EV_READ | EV_PERSIST,
	    collect_bmp_read_cb, r);
	r->ev_timer = evtimer_new(cb->base, collect_bmp_timer_cb, r);
	if (r->ev == NULL || r->ev_timer == NULL)
		fatalx("bmp: cannot create router event");
	event_add(r->ev, NULL);
	collect_bmp_arm(r);
	TAILQ_INSERT_TAIL(&cb->routers, r, entry);
	cb->nrouters++;
	collect_bmp_parts(cb);
	collect_bmp_router_back(r);
	log_info("%s: router %s port %u connected", cb->c->name, a, port);
	model_touch(cb->m, DIRTY_COLLECTORS);
}

/*
 * A connection refused (closed already): counted, and logged when it is
 * the first in COLLECT_BMP_REFUSED_MS; later ones make one summary line
 * an interval while they go on, so a flood writes a line a minute.
 */
static void
collect_bmp_refuse(struct collect_bmp *cb, const struct addr *from,
    uint16_t port, const char *why)
{
	struct timeval	 tv;
	char		 a[ADDR_STRLEN];
	size_t		 i;

	cb->refused++;
	addr_fmt(from, a, sizeof a);
	if (!evtimer_pending(cb->ev_refused, NULL)) {
		log_warnx("%s: refused %s port %u: %s", cb->c->name, a, port,
		    why);
		cb->refused_spell_mono = now_mono_ms();
		tv.tv_sec = COLLECT_BMP_REFUSED_MS / 1000;
		tv.tv_usec = 0;
		evtimer_add(cb->ev_refused, &tv);
		return;
	}
	cb->refused_n++;
	for (i = 0; i < cb->refused_naddrs; i++)
		if (addr_cmp(&cb->refused_from[i], from) == 0)
			break;
	if (i == cb->refused_naddrs) {
		if (i < COLLECT_BMP_REFUSED_ADDRS)
			cb->refused_from[cb->refused_naddrs++] = *from;
		else
			cb->refused_more = 1;
	}
	snprintf(cb->refused_last, sizeof cb->refused_last, "%s port %u: %s",
	    a, port, why);
}

/* The summary of the connections refused since the last line, if any. */
static void
collect_bmp_refused_log(struct collect_bmp *cb)
{
	if (cb->refused_n == 0)
		return;
	log_warnx("%s: refused %" PRIu64 " connection%s from %s%zu "
	    "address%s in the last %" PRIu64 " s, last from %s", cb->c->name,
	    cb->refused_n, cb->refused_n == 1 ? "" : "s",
	    cb->refused_more ? "over " : "", cb->refused_naddrs,
	    cb->refused_naddrs == 1 && !cb->refused_more ? "" : "es",
	    (now_mono_ms() - cb->refused_spell_mono + 500) / 1000,
	    cb->refused_last);
	cb->refused_n = 0;
	cb->refused_naddrs = 0;
	cb->refused_more = 0;
}

/* An interval is over: sum it up and start another, or end the spell
 * (the next refusal is logged in full) when nothing was refused. */
static void
collect_bmp_refused_cb(evutil_socket_t fd, short events, void *arg)
{
	struct collect_bmp	*cb = arg;
	struct timeval		 tv;

	if (cb->refused_n == 0)
		return;
	collect_bmp_refused_log(cb);
	cb->refused_spell_mono = now_mono_ms();
	tv.tv_sec = COLLECT_BMP_REFUSED_MS / 1000;
	tv.tv_usec = 0;
	evtimer_add(cb->ev_refused, &tv);
}

/*
 * accept() failed other than for a connection gone before we took it:
 * out of descriptors (EMFILE, ENFILE) or kernel memory (ENOBUFS, ENOMEM)
 * most likely.  The connection stays queued, so the listener would fire
 * again at once and spin: stop watching it for a while instead, longer
 * each time it still fails.  One warning per episode; the collector's
 * error says it until accept() works again.
 */
static void
collect_bmp_accept_fail(struct collect_bmp *cb, int error)
{
	struct timeval	 tv;
	char		*msg;

	if (cb->accept_fails++ == 0) {
		cb->accept_mono = now_mono_ms();
		cb->accept_errno = error;
		cb->backoff_ms = COLLECT_BMP_BACKOFF_MIN_MS;
		xasprintf(&msg, "accept: %s; not accepting routers for now",
		    strerror(error));
		log_warnx("%s: %s (retrying after %d ms, then up to %d s)",
		    cb->c->name, msg, COLLECT_BMP_BACKOFF_MIN_MS,
		    COLLECT_BMP_BACKOFF_MAX_MS / 1000);
		model_collector_state(cb->m, cb->c, COL_UP, msg);
		free(msg);
	} else if (cb->backoff_ms < COLLECT_BMP_BACKOFF_MAX_MS) {
		cb->backoff_ms *= 2;
		if (cb->backoff_ms > COLLECT_BMP_BACKOFF_MAX_MS)
			cb->backoff_ms = COLLECT_BMP_BACKOFF_MAX_MS;
	}
	cb->accept_errors++;
	cb->paused = 1;
	event_del(cb->ev);
	tv.tv_sec = cb->backoff_ms / 1000;
	tv.tv_usec = (cb->backoff_ms % 1000) * 1000;
	evtimer_add(cb->ev_resume, &tv);
}

/* accept() works again: close the episode with one line. */
static void
collect_bmp_accept_ok(struct collect_bmp *cb)
{
	char	*msg;

	xasprintf(&msg, "accept failed %" PRIu64 " time%s in %" PRIu64 " s "
	    "(%s); accepting again", cb->accept_fails,
	    cb->accept_fails == 1 ? "" : "s",
	    (now_mono_ms() - cb->accept_mono + 500) / 1000,
	    strerror(cb->accept_errno));
	log_info("%s: %s", cb->c->name, msg);
	model_collector_state(cb->m, cb->c, COL_UP, msg);
	free(msg);
	cb->accept_fails = 0;
}

/* The pause is over: watch the listener again (it fires at once for a
 * queued connection, and accept() says whether it works now). */
static void
collect_bmp_resume_cb(evutil_socket_t fd, short events, void *arg)
{
	struct collect_bmp	*cb = arg;

	cb->paused = 0;
	event_add(cb->ev, NULL);
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
static void
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

static void
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

static void
collect_bmp_read_cb(evutil_socket_t fd, short events, void *arg)
{
	struct collect_bmp_router	*r = arg;
	struct collect_bmp		*cb = r->cb;
	uint8_t				 buf[COLLECT_BMP_READ];
	char				*cause = NULL, a[ADDR_STRLEN];
	ssize_t				 n;
	uint64_t			 messages;
	int				 i;

	for (i = 0; i < COLLECT_BMP_READS; i++) {
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
static size_t
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
static void
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
static void
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
static void
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
	n = rib_update(rib, id, msg->rm.body, msg->rm.body_len,
	    &msg->rm.opts, &st, &cause);
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

/* A peer's limit: its session's, else the collector's, else ours. */
static const struct max_prefix *
collect_bmp_limit(const struct collect_bmp *cb,
    const struct collect_bmp_peer *bp)
{
	static const struct max_prefix	 dflt = {
		COLLECT_BMP_MAX_PREFIX, 1, 0
	};

	if (bp->s != NULL && bp->s->max_prefix.set)
		return (&bp->s->max_prefix);
	if (cb->c->max_prefix.set)
		return (&cb->c->max_prefix);
	return (&dflt);
}

/* "session s1", else "BMP peer 192.0.2.1 rd 64499:14" or "Loc-RIB". */
static void
collect_bmp_peer_name(const struct collect_bmp_peer *bp, char *buf,
    size_t len)
{
	char		 a[ADDR_STRLEN], rd[48];
	uint64_t	 d = bp->distinguisher;

	if (bp->s != NULL) {
		snprintf(buf, len, "session %s", bp->s->name);
		return;
	}
	rd[0] = '\0';
	/* RFC 4364 4.2: type 0 ASN2:n32, type 1 IPv4:n16, 2 ASN4:n16. */
	if (d != 0 && (d >> 48) == 0)
		snprintf(rd, sizeof rd, " rd %u:%u",
		    (unsigned)(d >> 32 & 0xffff), (unsigned)(d & 0xffffffff));
	else if (d != 0 && (d >> 48) == 1)
		snprintf(rd, sizeof rd, " rd %u.%u.%u.%u:%u",
		    (unsigned)(d >> 40 & 0xff), (unsigned)(d >> 32 & 0xff),
		    (unsigned)(d >> 24 & 0xff), (unsigned)(d >> 16 & 0xff),
		    (unsigned)(d & 0xffff));
	else if (d != 0)
		snprintf(rd, sizeof rd, " rd %u:%u",
		    (unsigned)(d >> 16 & 0xffffffff), (unsigned)(d & 0xffff));
	if (bp->addr.af == 0)
		snprintf(buf, len, "BMP Loc-RIB%s", rd);
	else
		snprintf(buf, len, "BMP peer %s%s", addr_fmt(&bp->addr, a,
		    sizeof a), rd);
}

/*
 * max-prefix, after a peer's routes changed: MaxPrefixExceeded opens when
 * one of its RIB views holds more than the limit (warning) or the RIB
 * refused a new prefix at the limit (drop, an Error), and is resolved
 * once every view is back under 90% of it (withdrawals, Peer Down, the
 * router gone): a peer hovering at the limit must not flood the events.
 * Counted per peer, nothing per route.
 */
static void
collect_bmp_max_prefix(struct collect_bmp_router *r,
    struct collect_bmp_peer *bp)
{
	struct collect_bmp	*cb = r->cb;
	const struct max_prefix	*mp = collect_bmp_limit(cb, bp);
	const struct rib_peer	*rp;
	struct event_rel	 rel;
	char			 who[128], details[160];
	const char		*view = "";
	size_t			 most = 0;
	int			 k;

	bp->mp_check = 0;
	if (cb->m->rib == NULL)
		return;
	for (k = 0; k < COLLECT_BMP_KINDS; k++) {
		if (bp->rib_id[k] == 0 ||
		    (rp = rib_peer(cb->m->rib, bp->rib_id[k] - 1)) == NULL)
			continue;
		if (rp->nroutes > most || view[0] == '\0') {
			most = rp->nroutes;
			view = rib_peer_kind_name((enum rib_peer_kind)k);
		}
	}
	collect_bmp_peer_name(bp, who, sizeof who);
	collect_bmp_rel(r, &rel);
	if (!bp->mp_over) {
		if (mp->limit == 0 || (mp->drop ?
		    bp->mp_dropped == bp->mp_seen : most <= mp->limit)) {
			bp->mp_seen = bp->mp_dropped;
			return;
		}
		bp->mp_over = 1;
		bp->mp_base = bp->mp_seen;
		bp->mp_seen = bp->mp_dropped;
		if (mp->drop) {
			snprintf(details, sizeof details, "%llu prefixes "
			    "dropped so far; withdrawals still apply",
			    (unsigned long long)(bp->mp_dropped -
			    bp->mp_base));
			log_warnx("%s: router %s: %s reached max-prefix %u: "
			    "new prefixes dropped", cb->c->name, r->key, who,
			    mp->limit);
			model_event_rel(cb->m, 0, "MaxPrefixExceeded",
			    LVL_ERROR, who, details, &rel, "%s on BMP "
			    "router %s reached its max-prefix %u (%s): new "
			    "prefixes from it are not stored", who, r->key,
			    mp->limit, view);
		} else {
			log_warnx("%s: router %s: %s has %zu routes, over "
			    "max-prefix %u", cb->c->name, r->key, who, most,
			    mp->limit);
			model_event_rel(cb->m, 0, "MaxPrefixExceeded",
			    LVL_WARNING, who, NULL, &rel, "%s on BMP "
			    "router %s has %zu %s routes, over its max-prefix "
			    "%u", who, r->key, most, view, mp->limit);
		}
		model_touch(cb->m, DIRTY_COLLECTORS);
		return;
	}
	bp->mp_seen = bp->mp_dropped;
	if (mp->limit != 0 && most >= mp->limit - mp->limit / 10)
		return;
	bp->mp_over = 0;
	snprintf(details, sizeof details, "%llu prefixes were dropped while "
	    "over it", (unsigned long long)(bp->mp_dropped - bp->mp_base));
	log_info("%s: router %s: %s back under max-prefix %u (%zu routes)",
	    cb->c->name, r->key, who, mp->limit, most);
	model_event_rel(cb->m, 0, "MaxPrefixExceededResolved", LVL_INFO,
	    who, details, &rel, "%s on BMP router %s is back under its "
	    "max-prefix %u (%zu routes)", who, r->key, mp->limit, most);
	model_touch(cb->m, DIRTY_COLLECTORS);
}

/* max-routes of the collector's routers: the bmp block's, else ours. */
static uint32_t
collect_bmp_routes_limit(const struct collect_bmp *cb)
{
	return (cb->c->max_routes_set ? cb->c->max_routes :
	    COLLECT_BMP_MAX_ROUTES);
}

/*
 * max-routes, after a read: MaxRoutesExceeded (an Error) opens when the
 * RIB refused a new prefix of the router at the limit, and is resolved
 * once it holds less than 90% of it (withdrawals, Peer Down, the router
 * gone), as for max-prefix.  One quota in the RIB counts every view of
 * every peer: nothing per route, nothing summed here.
 */
static void
collect_bmp_max_routes(struct collect_bmp_router *r)
{
	struct collect_bmp	*cb = r->cb;
	uint32_t		 limit = collect_bmp_routes_limit(cb);
	struct event_rel	 rel;
	char			 subject[96], details[160];

	if (!r->mr_over && r->quota.dropped == r->mr_seen)
		return;
	collect_bmp_rel(r, &rel);
	snprintf(subject, sizeof subject, "BMP router %s", rel.router);
	if (!r->mr_over) {
		r->mr_over = 1;
		r->mr_base = r->mr_seen;
		r->mr_seen = r->quota.dropped;
		snprintf(details, sizeof details, "%llu prefixes dropped so "
		    "far; withdrawals still apply",
		    (unsigned long long)(r->quota.dropped - r->mr_base));
		log_warnx("%s: router %s reached max-routes %u: new prefixes "
		    "dropped", cb->c->name, r->key, limit);
		model_event_rel(cb->m, 0, "MaxRoutesExceeded", LVL_ERROR,
		    subject, details, &rel, "BMP router %s holds its "
		    "max-routes %u routes: new prefixes from it are not "
		    "stored", rel.router, limit);
		model_touch(cb->m, DIRTY_COLLECTORS);
		return;
	}
	r->mr_seen = r->quota.dropped;
	if (limit != 0 && r->quota.nroutes >= limit - limit / 10)
		return;
	r->mr_over = 0;
	snprintf(details, sizeof details, "%llu prefixes were dropped while "
	    "over it", (unsigned long long)(r->quota.dropped - r->mr_base));
	log_info("%s: router %s back under max-routes %u (%zu routes)",
	    cb->c->name, r->key, limit, r->quota.nroutes);
	model_event_rel(cb->m, 0, "MaxRoutesExceededResolved", LVL_INFO,
	    subject, details, &rel, "BMP router %s is back under its "
	    "max-routes %u (%zu routes)", rel.router, limit,
	    r->quota.nroutes);
	model_touch(cb->m, DIRTY_COLLECTORS);
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
		bp->last_error[0] = '\0';
		memset(bp->announced, 0, sizeof bp->announced);
		memset(bp->withdrawn, 0, sizeof bp->withdrawn);
		/* A new session: its table starts again, End-of-RIB too. */
		collect_bmp_rib_flush(r, bp);
		ps = decode_bmp_ctx_peer(&r->ctx, &msg->peer);
		bp->need_eor = ps != NULL ? ps->afs : 0;
		bp->got_eor = bp->sent_afs = 0;
		bp->up_mono = now_mono_ms();
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
static int
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
static int
collect_bmp_peer_table(const struct collect_bmp_peer *bp)
{
	uint64_t	 now = now_mono_ms(), last;

	if (collect_bmp_peer_synced(bp))
		return (1);
	last = bp->route_mono > bp->up_mono ? bp->route_mono : bp->up_mono;
	return (now - last >= COLLECT_BMP_TABLE_QUIET_MS ||
	    now - bp->up_mono >= COLLECT_BMP_TABLE_MAX_MS);
}

static int
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

/* Test and display helpers: what the collector knows about a router. */
size_t
collect_bmp_routers(const struct collector *c)
{
	const struct collect_bmp	*cb = c->priv;

	if (c->ops != &collector_bmp || cb == NULL)
		return (0);
	return (cb->nrouters);
}

uint64_t
collect_bmp_refused(const struct collector *c)
{
	const struct collect_bmp	*cb = c->priv;

	if (c->ops != &collector_bmp || cb == NULL)
		return (0);
	return (cb->refused);
}

/* Routers closed by a deadline: init-timeout, message-timeout, hold-time. */
uint64_t
collect_bmp_timeouts(const struct collector *c)
{
	const struct collect_bmp	*cb = c->priv;
	uint64_t			 n = 0;
	int				 i;

	if (c->ops != &collector_bmp || cb == NULL)
		return (0);
	for (i = 0; i < COLLECT_BMP_TO_COUNT; i++)
		n += cb->timed_out[i];
	return (n);
}

/*
 * The last value of Statistics Report counter type (RFC 7854 4.8, types
 * below COLLECT_BMP_STATS) from router's peer, and how many reports that
 * peer sent: 0, or -1 when no such router, peer or type.
 */
int
collect_bmp_stat(const struct collector *c, const char *router,
    const struct addr *peer, unsigned int type, uint64_t *value,
    uint64_t *reports)
{
	const struct collect_bmp	*cb = c->priv;
	const struct collect_bmp_router	*r;
	const struct collect_bmp_peer	*bp;
	size_t				 i;

	if (c->ops != &collector_bmp || cb == NULL ||
	    type >= COLLECT_BMP_STATS)
		return (-1);
	TAILQ_FOREACH(r, &cb->routers, entry) {
		if (strcmp(r->name, router) != 0)
			continue;
		for (i = 0; i < r->npeers; i++) {
			bp = &r->peers[i];
			if (bp->type == BMP_PEER_LOC_RIB ||
			    addr_cmp(&bp->addr, peer) != 0)
				continue;
			*value = bp->stats[type];
			*reports = bp->nreports;
			return (0);
		}
	}
	return (-1);
}

/* The i-th connected router (accept order) and its j-th peer, or NULL. */
static const struct collect_bmp_router *
collect_bmp_router_at(const struct collector *c, size_t i)
{
	const struct collect_bmp	*cb = c->priv;
	const struct collect_bmp_router	*r;

	if (c->ops != &collector_bmp || cb == NULL)
		return (NULL);
	TAILQ_FOREACH(r, &cb->routers, entry)
		if (i-- == 0)
			break;
	return (r);
}

static const struct collect_bmp_peer *
collect_bmp_peer_at(const struct collector *c, size_t i, size_t j)
{
	const struct collect_bmp_router	*r;

	if ((r = collect_bmp_router_at(c, i)) == NULL || j >= r->npeers)
		return (NULL);
	return (&r->peers[j]);
}

int
collect_bmp_router_info(const struct collector *c, size_t i,
    struct bmp_router_info *ri)
{
	const struct collect_bmp	*cb = c->priv;
	const struct collect_bmp_router	*r;
	const struct collect_bmp_peer	*bp;
	size_t				 j;
	uint64_t			 now;

	if ((r = collect_bmp_router_at(c, i)) == NULL)
		return (0);
	memset(ri, 0, sizeof *ri);
	strlcpy_pt(ri->name, r->name, sizeof ri->name);
	strlcpy_pt(ri->descr, r->descr, sizeof ri->descr);
	addr_fmt(&r->from, ri->addr, sizeof ri->addr);
	ri->port = r->from_port;
	ri->peers = r->npeers;
	ri->loaded = 1;
	now = now_mono_ms();
	for (j = 0; j < r->npeers; j++) {
		bp = &r->peers[j];
		ri->routes += collect_bmp_peer_routes(cb, bp, 0, 1);
		ri->dropped += bp->mp_dropped;
		if (!bp->up)
			continue;
		ri->peers_up++;
		if (!collect_bmp_peer_table(bp))
			ri->loaded = 0;
		if (!collect_bmp_peer_synced(bp)) {
			ri->noeor++;
			if (now - bp->up_mono > ri->noeor_ms)
				ri->noeor_ms = now - bp->up_mono;
		}
	}
	ri->messages = r->messages;
	ri->route_monitoring = r->ctx.count[BMP_ROUTE_MONITORING];
	ri->statistics = r->ctx.count[BMP_STATISTICS];
	ri->peer_up = r->ctx.count[BMP_PEER_UP];
	ri->peer_down = r->ctx.count[BMP_PEER_DOWN];
	ri->mirroring = r->ctx.mirroring;
	ri->unknown = r->ctx.unknown;
	ri->errors = r->errors;
	strlcpy_pt(ri->last_error, r->last_error, sizeof ri->last_error);
	ri->peers_skipped = r->peers_skipped;
	ri->max_routes = collect_bmp_routes_limit(cb);
	ri->max_routes_over = r->mr_over;
	ri->max_routes_dropped = r->quota.dropped;
	ri->terminated = r->terminated;
	strlcpy_pt(ri->term_reason, r->term_reason, sizeof ri->term_reason);
	ri->synced = collect_bmp_router_synced(r);
	ri->connected_ms = r->connected_ms;
	return (1);
}

int
collect_bmp_peer_info(const struct collector *c, size_t i, size_t j,
    struct bmp_peer_info *pi)
{
	const struct collect_bmp	*cb = c->priv;
	const struct collect_bmp_peer	*bp;
	const struct max_prefix		*mp;
	int				 k;

	if ((bp = collect_bmp_peer_at(c, i, j)) == NULL)
		return (0);
	memset(pi, 0, sizeof *pi);
	if (bp->addr.af != 0)
		addr_fmt(&bp->addr, pi->addr, sizeof pi->addr);
	pi->asn = bp->as;
	pi->distinguisher = bp->distinguisher;
	pi->type = bp->type;
	pi->type_name = decode_bmp_peer_type_name(bp->type);
	for (k = 0; k < COLLECT_BMP_KINDS; k++)
		if (bp->rib_id[k] != 0)
			pi->kinds |= 1U << k;
	/* Without a RIB: the views counted. */
	if (bp->seen[0])
		pi->kinds |= 1U << RIB_PEER_ADJ_IN_PRE;
	if (bp->seen[1])
		pi->kinds |= 1U << RIB_PEER_ADJ_IN_POST;
	if (bp->seen[2])
		pi->kinds |= 1U << RIB_PEER_ADJ_OUT_PRE;
	pi->up = bp->up;
	if (bp->s != NULL)
		strlcpy_pt(pi->session, bp->s->name, sizeof pi->session);
	pi->routes = collect_bmp_peer_routes(cb, bp, 0, 1);
	pi->updates = bp->updates;
	pi->errors = bp->errors;
	pi->eor = bp->up && collect_bmp_peer_synced(bp);
	pi->table = bp->up && collect_bmp_peer_table(bp);
	pi->up_ms = bp->up ? now_mono_ms() - bp->up_mono : 0;
	pi->stat_reports = bp->nreports;
	mp = collect_bmp_limit(cb, bp);
	pi->max_prefix = mp->limit;
	pi->max_prefix_drop = mp->drop;
	pi->max_prefix_over = bp->mp_over;
	pi->dropped = bp->mp_dropped;
	strlcpy_pt(pi->last_error, bp->last_error, sizeof pi->last_error);
	return (1);
}

/*
 * The k-th Statistics Report counter the j-th peer of the i-th router
 * has reported (in type order) and its last value: 1, or 0 past the
 * end.  Only types ever reported are listed, so a counter at 0 is told
 * apart from one the router does not send.
 */
int
collect_bmp_peer_stat(const struct collector *c, size_t i, size_t j,
    size_t k, unsigned int *type, const char **name, uint64_t *value)
{
	const struct collect_bmp_peer	*bp;
	unsigned int			 t;

	if ((bp = collect_bmp_peer_at(c, i, j)) == NULL)
		return (0);
	for (t = 0; t < COLLECT_BMP_STATS; t++) {
		if ((bp->stats_seen & (1U << t)) == 0 || k-- != 0)
			continue;
		*type = t;
		*name = decode_bmp_stat_name(t);
		*value = bp->stats[t];
		return (1);
	}
	return (0);
}
