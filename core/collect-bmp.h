/* SPDX-License-Identifier: ISC */
/*
 * The bmp collector's API beyond its collector_ops (collect-bmp.c): what
 * the TUI and --once show of its routers and their monitored peers.
 */
#ifndef PEERTOP_COLLECT_BMP_H
#define PEERTOP_COLLECT_BMP_H

#include <stddef.h>
#include <stdint.h>

#include "core/collector.h"

/* The bmp collector's bound port (-1 if not listening), routers
 * connected and connections refused (allow list or limit). */
int		 collect_bmp_port(const struct collector *);
size_t		 collect_bmp_routers(const struct collector *);
uint64_t	 collect_bmp_refused(const struct collector *);
/* Routers closed for a missed deadline (init-timeout, message-timeout,
 * hold-time of peertop.conf(5)). */
uint64_t	 collect_bmp_timeouts(const struct collector *);
/* Last value of a Statistics Report counter of a router's peer (by
 * sysName and address) and the peer's report count; -1 if unknown. */
int		 collect_bmp_stat(const struct collector *, const char *router,
		    const struct addr *, unsigned int type, uint64_t *value,
		    uint64_t *reports);

/*
 * What the bmp collector knows about its i-th connected router (0 <= i <
 * collect_bmp_routers()), for the TUI.  Strings come from the network
 * and are sanitised; counters are since the connection.  Returns 1 and
 * fills *ri, or 0 when there is no such router.
 */
struct bmp_router_info {
	char		 name[64];	/* sysName (RFC 7854 4.4), "" none */
	char		 descr[128];	/* sysDescr, "" none */
	char		 addr[48];	/* the router's source address */
	uint16_t	 port;
	size_t		 peers;		/* monitored peers (Loc-RIB included) */
	size_t		 peers_up;
	uint64_t	 messages;	/* all BMP messages */
	uint64_t	 route_monitoring, statistics, peer_up, peer_down;
	uint64_t	 mirroring;	/* Route Mirroring: skipped */
	uint64_t	 unknown;	/* other types: skipped */
	size_t		 routes;	/* in the RIB now, all its peers */
	uint64_t	 errors;	/* UPDATEs refused (session-reset class) */
	char		 last_error[128];	/* the latest such error */
	uint64_t	 peers_skipped;	/* messages of peers past max-peers */
	uint64_t	 dropped;	/* prefixes past max-prefix drop */
	uint32_t	 max_routes;	/* its max-routes, 0: none */
	int		 max_routes_over;	/* MaxRoutesExceeded open */
	uint64_t	 max_routes_dropped;	/* prefixes refused at it */
	int		 terminated;	/* Termination received */
	char		 term_reason[64];	/* its reason in words */
	int		 synced;	/* End-of-RIB from every up peer */
	/*
	 * Every up peer's first table is in: End-of-RIB, or (a router that
	 * sends none for some peers, like IOS-XR's RD instances or GoBGP)
	 * quiet or up long enough (collect_bmp_peer_table()).  noeor up
	 * peers have sent no End-of-RIB, the longest up for noeor_ms.
	 */
	int		 loaded;
	size_t		 noeor;
	uint64_t	 noeor_ms;
	int64_t		 connected_ms;	/* wall time */
};
int		 collect_bmp_router_info(const struct collector *, size_t i,
		    struct bmp_router_info *);

/*
 * The j-th monitored peer of the i-th router: 1 and *pi, or 0 past the
 * end.  kinds are the RIB views seen (1 << enum rib_peer_kind).
 */
struct bmp_peer_info {
	char		 addr[48];	/* "" for a Loc-RIB peer */
	uint32_t	 asn;
	uint64_t	 distinguisher;
	uint8_t		 type;		/* BMP_PEER_* (RFC 7854 4.2) */
	const char	*type_name;	/* "global instance", ... */
	unsigned int	 kinds;
	int		 up;
	char		 session[64];	/* the configured session, "" none */
	size_t		 routes;	/* in the RIB now, all its views */
	uint64_t	 updates;	/* Route Monitoring messages */
	uint64_t	 errors;
	int		 eor;		/* End-of-RIB for every AF it has */
	int		 table;		/* its first table is in (eor, or
					   collect_bmp_peer_table()) */
	uint64_t	 up_ms;		/* up this long, 0 down */
	char		 last_error[128];	/* Peer Down reason */
	uint64_t	 stat_reports;	/* Statistics Reports received */
	/* Its max-prefix (0: none), drop or warning, MaxPrefixExceeded
	 * open, and the prefixes dropped (all views, since connected). */
	uint32_t	 max_prefix;
	int		 max_prefix_drop;
	int		 max_prefix_over;
	uint64_t	 dropped;
	/*
	 * The capabilities of the Peer Up's OPENs (RFC 7854 4.10), BMP_CAP_*:
	 * local sent by the monitored router, remote by its peer; known 0
	 * before a Peer Up.  Agreed is both.
	 */
	int		 caps_known;
	unsigned	 caps_local, caps_remote;
};
#define BMP_CAP_AS4	0x01	/* RFC 6793 */
#define BMP_CAP_IPV4	0x02	/* RFC 4760: IPv4 unicast */
#define BMP_CAP_IPV6	0x04	/* IPv6 unicast */
#define BMP_CAP_RR	0x08	/* RFC 2918 route refresh */
#define BMP_CAP_ADDPATH	0x10	/* RFC 7911, any AFI/SAFI */
#define BMP_CAP_EXTMSG	0x20	/* RFC 8654 extended message */
#define BMP_CAP_GR	0x40	/* RFC 4724 graceful restart */
/* An OPEN's capabilities as BMP_CAP_*. */
struct bgp_open;
struct bmp_open_extra;
unsigned	 collect_bmp_caps(const struct bgp_open *,
		    const struct bmp_open_extra *);
int		 collect_bmp_peer_info(const struct collector *, size_t i,
		    size_t j, struct bmp_peer_info *);
/* Its k-th reported Statistics Report counter (RFC 7854 4.8, by type;
 * *name is the IANA name) and last value: 1, or 0 past the end. */
int		 collect_bmp_peer_stat(const struct collector *, size_t i,
		    size_t j, size_t k, unsigned int *type, const char **name,
		    uint64_t *value);

/*
 * Where a collector's BMP routers come from when no listener runs in
 * this process: a viewer's replica (core/replica.c) installs these on
 * the collector (collector->bmp_info) and the functions above answer
 * from them.
 */
struct bmp_info_ops {
	size_t	 (*routers)(const struct collector *);
	int	 (*router)(const struct collector *, size_t,
		    struct bmp_router_info *);
	int	 (*peer)(const struct collector *, size_t, size_t,
		    struct bmp_peer_info *);
	int	 (*stat)(const struct collector *, size_t, size_t, size_t,
		    unsigned int *, const char **, uint64_t *);
};

#endif
