/*
 * The collector interface: each data source is a const table of
 * operations (tmux's cmd_table style).  A collector runs on the libevent
 * loop, never blocks, and reports through model_session_report() and
 * model_collector_state().
 */
#ifndef PEERTOP_COLLECTOR_H
#define PEERTOP_COLLECTOR_H

#include "model.h"

struct event_base;

struct collector_ops {
	const char	*name;		/* config keyword, e.g. "bird" */
	/* Start polling/listening; -1 and *cause on setup error. */
	int		(*start)(struct collector *, struct model *,
			    struct event_base *, char **cause);
	void		(*stop)(struct collector *);
	/* One line for the status bar / --once, into buf. */
	void		(*describe)(const struct collector *, char *, size_t);
	/*
	 * Has it seen what there is to see (for --once, model_settled())?
	 * NULL: yes once it left COL_STARTING.
	 */
	int		(*settled)(const struct collector *);
	/* A latency source only: health does not wait for it. */
	int		 latency;
};

extern const struct collector_ops collector_bird;
extern const struct collector_ops collector_bmp;

/* The bmp collector's bound port (-1 if not listening), routers
 * connected and connections refused (allow list or limit). */
int		 collect_bmp_port(const struct collector *);
size_t		 collect_bmp_routers(const struct collector *);
uint64_t	 collect_bmp_refused(const struct collector *);
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
	int		 terminated;	/* Termination received */
	char		 term_reason[64];	/* its reason in words */
	int		 synced;	/* End-of-RIB from every up peer */
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
	char		 last_error[128];	/* Peer Down reason */
	uint64_t	 stat_reports;	/* Statistics Reports received */
};
int		 collect_bmp_peer_info(const struct collector *, size_t i,
		    size_t j, struct bmp_peer_info *);
/* Its k-th reported Statistics Report counter (RFC 7854 4.8, by type;
 * *name is the IANA name) and last value: 1, or 0 past the end. */
int		 collect_bmp_peer_stat(const struct collector *, size_t i,
		    size_t j, size_t k, unsigned int *type, const char **name,
		    uint64_t *value);

extern const struct collector_ops collector_probe;
extern const struct collector_ops collector_prom;
extern const struct collector_ops collector_ingest;

/*
 * The prober for every branch's "probe" lines (collect-probe.c).  The
 * "probe" collector wraps one and feeds model_latency_sample(); peertop
 * agent makes its own with a callback that queues for the push.  The ICMP
 * sockets are opened in probe_run_new() (m->lat.sockmode), so call it
 * before dropping privileges.  error is NULL or why the probe was lost.
 */
struct probe_run;
typedef void	(*probe_run_cb)(void *arg, struct branch *,
		    const struct probe_conf *, int64_t time_ms, int64_t rtt_us,
		    const char *error);
struct probe_run *probe_run_new(struct model *, struct event_base *,
		    probe_run_cb, void *arg, char **cause);
void		 probe_run_free(struct probe_run *);
size_t		 probe_run_targets(const struct probe_run *);
/* ICMP targets left out: no ICMP socket for their address family. */
size_t		 probe_run_unprobed(const struct probe_run *);
/* "ICMP datagram", "ICMP raw", "no ICMP socket: ..." */
const char	*probe_run_socket(const struct probe_run *);

/* All collector kinds, NULL-terminated. */
extern const struct collector_ops *collector_table[];
const struct collector_ops *collector_find(const char *name);

#endif
