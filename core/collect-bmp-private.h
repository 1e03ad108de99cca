/* SPDX-License-Identifier: ISC */
/*
 * The BMP collector's state, shared by its parts: collect-bmp.c (the
 * routers' streams, the RIB, settling), collect-bmp-listen.c (accepting,
 * refusing and pausing), collect-bmp-limit.c (max-prefix, max-routes)
 * and collect-bmp-info.c (what the views, --once and tests ask).  Only
 * they include it.
 */
#ifndef PEERTOP_COLLECT_BMP_PRIVATE_H
#define PEERTOP_COLLECT_BMP_PRIVATE_H

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <stdint.h>

#include <event2/event.h>

#include "core/collect-bmp.h"
#include "core/decode-bmp.h"
#include "core/rib.h"

#define COLLECT_BMP_PORT		11019
#define COLLECT_BMP_ROUTERS_MAX		64
#define COLLECT_BMP_READ		65536	/* bytes per read */
#define COLLECT_BMP_READS		16	/* reads per callback, */
#define COLLECT_BMP_SLICE_MS		2	/* or this long: the loop's keys */
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
	/* The Peer Up's OPENs, BMP_CAP_* (collect_bmp_caps()). */
	int			 caps_known;
	unsigned		 caps_local, caps_remote;
	/* The monitored router's AS (its sent OPEN), and the Adj-RIB-In
	 * paths that started with it (core/bmp-unprepend.h). */
	uint32_t		 local_as;
	uint64_t		 unprepended;
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
	/* Its BMP prepends its own AS to Adj-RIB-In paths: 1 yes, -1 no
	 * (a pre-policy path showed which), 0 not known yet. */
	int			 prepends;
	uint8_t			*unprepend_buf;	/* an UPDATE without it */
	size_t			 unprepend_size;
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

/* collect-bmp.c */
int	 collect_bmp_nonblock(int);
void	 collect_bmp_read_cb(evutil_socket_t, short, void *);
void	 collect_bmp_arm(struct collect_bmp_router *);
void	 collect_bmp_timer_cb(evutil_socket_t, short, void *);
void	 collect_bmp_router_back(struct collect_bmp_router *);
void	 collect_bmp_rel(const struct collect_bmp_router *,
		    struct event_rel *);
void	 collect_bmp_parts(struct collect_bmp *);
void	 collect_bmp_sockaddr(const struct sockaddr_storage *,
		    struct addr *, uint16_t *);
int	 collect_bmp_router_synced(const struct collect_bmp_router *);
int	 collect_bmp_peer_synced(const struct collect_bmp_peer *);
int	 collect_bmp_peer_table(const struct collect_bmp_peer *);
size_t	 collect_bmp_peer_routes(const struct collect_bmp *,
		    const struct collect_bmp_peer *, int, int);

/* collect-bmp-listen.c */
void	 collect_bmp_accept_cb(evutil_socket_t, short, void *);
void	 collect_bmp_accept_fail(struct collect_bmp *, int);
void	 collect_bmp_accept_ok(struct collect_bmp *);
void	 collect_bmp_resume_cb(evutil_socket_t, short, void *);
void	 collect_bmp_refuse(struct collect_bmp *, const struct addr *,
		    uint16_t, const char *);
void	 collect_bmp_refused_log(struct collect_bmp *);
void	 collect_bmp_refused_cb(evutil_socket_t, short, void *);
int	 collect_bmp_allowed(const struct collect_bmp *,
		    const struct addr *);

/* collect-bmp-limit.c */
const struct max_prefix *collect_bmp_limit(const struct collect_bmp *,
		    const struct collect_bmp_peer *);
void	 collect_bmp_max_prefix(struct collect_bmp_router *,
		    struct collect_bmp_peer *);
void	 collect_bmp_peer_name(const struct collect_bmp_peer *,
		    char *, size_t);
uint32_t	 collect_bmp_routes_limit(const struct collect_bmp *);
void	 collect_bmp_max_routes(struct collect_bmp_router *);

#endif
