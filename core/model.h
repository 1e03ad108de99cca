/* SPDX-License-Identifier: ISC */
/*
 * The model: everything peertop knows, in one place.  The configuration
 * parser fills the static part (edges, partners and their sessions,
 * branches, collectors); collectors update the live part through the
 * model_*() functions below, which detect transitions, raise events, tell
 * the store, set dirty flags and mark what the judgements (latency,
 * routes, health) must look at; the evaluation pass (eval.h) runs those
 * once per loop turn.  Views only read the model.  Nothing here knows
 * about curses, SQL or sockets.
 */
#ifndef PEERTOP_MODEL_H
#define PEERTOP_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "core/bgp-role.h"
#include "core/util.h"

#define EDGE_CODE_MAX	8
#define NAME_MAX_PT	64	/* partner, session, branch, router names */
#define ERR_MAX		128
#define REASON_MAX	192

/* One Microsoft edge metro (AS8075). */
struct edge {
	char		 code[EDGE_CODE_MAX];	/* lowercase, e.g. "sea" */
	char		 metro[NAME_MAX_PT];	/* "Seattle" */
	char		 country[3];		/* ISO 3166 alpha-2 */
	double		 lat, lon;
	char		 source[16];		/* "ER|PL" or "config" */
};

/* BGP FSM states (RFC 4271 8.2.2) plus "unknown" before any report. */
enum bgp_state {
	BGP_UNKNOWN = 0,
	BGP_IDLE,
	BGP_CONNECT,
	BGP_ACTIVE,
	BGP_OPENSENT,
	BGP_OPENCONFIRM,
	BGP_ESTABLISHED,
	BGP_ADMIN_DOWN,		/* disabled by the operator */
};
const char	*bgp_state_name(enum bgp_state);	/* "Established" */
int		 bgp_state_from_name(const char *);	/* -1 if unknown */

enum role { ROLE_PRIMARY, ROLE_BACKUP };
const char	*role_name(enum role);

struct partner;
struct collector;
struct rib;
struct vrp_index;
struct routemon;
struct bmp_remote;
struct bmp_info_ops;
struct eval;

/*
 * Flap detection: SESSION_FLAP_COUNT drops from Established within
 * SESSION_FLAP_WINDOW_MS raise SessionFlapping; the session counts as
 * stable again after that long Established without a drop.
 */
#define SESSION_FLAP_COUNT	3
#define SESSION_FLAP_WINDOW_MS	(10 * 60 * 1000)
#define SESSION_SOURCES_MAX	4

/*
 * max-prefix N [warning|drop] (peertop.conf(5)): how many routes one
 * monitored peer may have in each RIB view before MaxPrefixExceeded is
 * raised; with drop, prefixes it announces beyond N are not stored.
 */
struct max_prefix {
	uint32_t	 limit;		/* 0: no limit */
	int		 drop;		/* drop the excess, else only warn */
	int		 set;		/* given in the configuration */
};

/*
 * One step of a session's FSM as it was reported (the Turn-up view's
 * timestamps, core/turnup.c): the state, when it began and the error the
 * session had then ("" none).  The last SESSION_STEPS_MAX are kept.
 */
#define SESSION_STEPS_MAX	16
struct session_step {
	int64_t		 ms;		/* wall */
	enum bgp_state	 state;
	char		 error[ERR_MAX];	/* sanitised */
};

/* A BGP session between a partner router and a Microsoft edge. */
struct session {
	/* From the configuration. */
	char		 name[NAME_MAX_PT];
	struct addr	 neighbor;
	char		 router[NAME_MAX_PT];	/* local (partner) router */
	char		 edge[EDGE_CODE_MAX];	/* edge code */
	int		 edge_idx;		/* into model->edges */
	enum role	 role;
	struct partner	*partner;
	struct max_prefix max_prefix;	/* unset: the bmp collector's */
	/*
	 * `relation`: what the neighbor is to the partner's router (RFC
	 * 9234 role names), BGP_ROLE_NONE when not configured (see
	 * bgp_role_effective()).
	 */
	enum bgp_role	 relation;

	/* Live, from collectors. */
	enum bgp_state	 state;
	enum bgp_state	 known;		/* last state a collector reported */
	int64_t		 since_ms;	/* wall time the state began, 0 unknown */
	uint32_t	 remote_as;
	char		 last_error[ERR_MAX];	/* sanitised */
	uint32_t	 routes_imported;
	uint32_t	 routes_exported;
	char		 proto[NAME_MAX_PT];	/* collector's name, e.g. BIRD's */
	uint32_t	 flaps;		/* Established -> other, since start */
	int		 routes_unrecorded;	/* replay: counts not in the
						   history at that time */
	uint64_t	 drops[SESSION_FLAP_COUNT];	/* monotonic ms, ring */
	int		 flapping;	/* SessionFlapping raised, not cleared */
	struct collector *source;	/* who reported it, NULL if nobody */
	/*
	 * RFC 9234 BGP Role capabilities of the OPENs a BMP Peer Up
	 * carries: the partner's router's (sent) and the neighbor's
	 * (received), BGP_ROLE_NONE when absent; role_error when one was
	 * malformed or given twice with different values.
	 */
	enum bgp_role	 role_sent, role_received;
	int		 role_error;
	/*
	 * Its routes' source (a BMP router) went away: what the session
	 * carries is unknown, not withdrawn, until the source is back and
	 * has sent its table again (model_session_routes()): since when
	 * and why, in words ("BMP from r2 closed").
	 */
	int		 routes_lost;
	int64_t		 routes_lost_ms;	/* wall time */
	char		 routes_why[96];
	/*
	 * Its source is sending its first table (a BMP router's Peer Up on
	 * a new connection): what it announces is the state, not news.
	 * routes_gen counts the times routes became known again.
	 */
	int		 routes_loading;
	unsigned	 routes_gen;
	uint64_t	 updated_mono;	/* last report, monotonic ms */
	/*
	 * Every collector reporting the session (BIRD and BMP may both):
	 * each one's last state.  The effective state is the last
	 * transition any of them reported; sources lists their kinds,
	 * e.g. "bird+bmp" (model.c).
	 */
	struct session_source {
		struct collector *c;
		enum bgp_state	  state;	/* UNKNOWN: lost */
	}		 srcs[SESSION_SOURCES_MAX];
	size_t		 nsrcs;
	char		 sources[32];
	/* Its FSM steps (model_session_step()): a ring of the last
	 * SESSION_STEPS_MAX, nsteps counts them all. */
	struct session_step steps[SESSION_STEPS_MAX];
	size_t		 nsteps;
};

/* SPEC.md "Geo-redundancy" */
enum redundancy {
	RED_UNKNOWN = 0,
	RED_REDUNDANT,
	RED_DEGRADED,
	RED_NOBACKUP,
	RED_DOWN,
};
const char	*redundancy_name(enum redundancy);	/* "REDUNDANT" */

struct partner {
	char		 name[NAME_MAX_PT];
	uint32_t	 asn;
	int		 backup_none;	/* "backup none": Internet failover */
	struct session	**sessions;
	size_t		 nsessions;

	/* Derived by health_update(). */
	enum redundancy	 red;
	enum redundancy	 red_known;	/* last verdict other than UNKNOWN */
	char		 reason[REASON_MAX];
	int64_t		 red_since_ms;
	/*
	 * Being turned up: a session of its is in the turnup block and
	 * none has been Established since peertop started, so DOWN is
	 * where it starts from, a Warning, not a Critical outage.
	 */
	int		 turnup;
};

/*
 * Latency (issue 4).  Samples come from the built-in prober, Prometheus
 * and branch agents; each (branch, edge, target) is one latlink holding a
 * ring of the last samples and the statistics over the live window.
 */
enum lat_source { LAT_PROBE = 0, LAT_PROM, LAT_AGENT };
/* "probe", "prom", "agent" */
const char	*latency_mon_source_name(enum lat_source);

/* One configured probe of a branch: "probe EDGE ADDR [tcp port N] ...". */
struct probe_conf {
	char		 edge[EDGE_CODE_MAX];
	int		 edge_idx;
	char		 target[NAME_MAX_PT];	/* the address as text */
	int		 tcp;		/* 0 ICMP echo, 1 TCP connect */
	struct addr	 addr;
	uint16_t	 port;		/* tcp */
	unsigned	 interval_ms;	/* 0: the global default */
	unsigned	 timeout_ms;
	unsigned	 size;
};

/* Thresholds; a 0 field means "not set here" (branch) or "off" (global). */
struct lat_thresholds {
	int64_t		 high_us;	/* LatencyHigh: window median above */
	double		 loss_pct;	/* LossHigh: window Loss% above */
	int64_t		 shift_us;	/* LatencyShift: recent median moved */
};

/* Raised conditions of a latlink (LAT_F_*). */
#define LAT_F_HIGH	0x01
#define LAT_F_LOSS	0x02
#define LAT_F_SHIFT	0x04

#define LAT_TREND_N	16	/* trend buckets kept per link */

struct latency_series;
struct latlink {
	struct branch	*branch;
	int		 edge_idx;
	char		 target[NAME_MAX_PT];	/* "" when the source has none */
	enum lat_source	 source;	/* of the latest sample */
	struct latency_series *ring;	/* the last samples (latency.h) */
	/* Over the live window, recomputed on every sample: */
	uint32_t	 sent, received;
	double		 loss_pct;
	int64_t		 last_us;	/* -1 none */
	double		 avg_us, stdev_us, median_us, jitter_us;
	int64_t		 best_us, worst_us, p95_us;
	int64_t		 last_ms;	/* newest sample's time */
	int64_t		 trend_ms;	/* when the trend was last cut */
	uint64_t	 total;		/* samples ever */
	uint64_t	 capped;	/* pushed out of the window early:
					   the ring holds at most its size */
	unsigned	 flags;		/* LAT_F_* raised now */
	double		 baseline_us;	/* LatencyShift's: the level before
					   the shift, held while it is open */
	int64_t		 shift_ms;	/* when LatencyShift was last raised
					   or resolved */
	int		 stale;		/* samples added since the last pass,
					   stats not yet recomputed
					   (latency_mon_eval()) */
	/* Trend: median per bucket of the window, oldest first; < 0 none. */
	double		 trend[LAT_TREND_N];
};

/* Global latency settings: the "latency" block. */
struct lat_conf {
	int64_t		 window_ms;	/* live window; 0: 5 min */
	struct lat_thresholds th;
	int64_t		 shift_ms;	/* recent part for the shift; 0: 1 min */
	int64_t		 margin_us;	/* SuboptimalRouting margin; 0: 10 ms */
	int64_t		 keep_raw_ms;	/* retention of raw samples; 0: 7 d */
	int64_t		 keep_minute_ms;	/* of roll-ups; 0: 90 d */
	int64_t		 keep_hour_ms;	/* of hourly roll-ups; 0: 400 d */
	unsigned	 max_samples;	/* a link's live window holds at most
					   this many; 0: 16384 */
	/* Prober defaults (the "probe" block). */
	unsigned	 interval_ms;	/* 0: 1 s */
	unsigned	 timeout_ms;	/* 0: 2 s */
	unsigned	 size;		/* 0: 56 */
	int		 sockmode;	/* enum probe_sockmode */
	char		 user[NAME_MAX_PT];	/* drop to it; "" none */
	unsigned	 count;		/* --once: probes per target, then stop
					   (0: forever) */
};

/* The HTTP ingest endpoint agents push to: "ingest" line. */
/*
 * TLS on an HTTP listener or client: a "tls { ... }" block (core/tls.h).
 * Listener: certificate and key are its own, ca the CAs that sign client
 * certificates.  Client: ca the CAs to trust ("" the system's), and
 * certificate/key an optional client certificate.
 */
#define TLS_PATH_MAX	512
enum tls_client_certs { TLS_CC_NONE = 0, TLS_CC_OPTIONAL, TLS_CC_REQUIRE };
struct tls_conf {
	int		 enabled;
	char		 certificate[TLS_PATH_MAX];	/* PEM, chain */
	char		 key[TLS_PATH_MAX];		/* PEM */
	char		 ca[TLS_PATH_MAX];		/* PEM bundle */
	enum tls_client_certs client_certs;	/* listener only */
};

struct ingest_conf {
	int		 enabled;
	struct addr	 listen;	/* af 0: 127.0.0.1 */
	int		 port;		/* 0: 8425; -1: any free (tests) */
	char		 token[128];	/* required of agents; "" none */
	size_t		 max_body;	/* 0: 1 MiB */
	unsigned	 request_timeout_ms;	/* whole request; 0: 30 s */
	unsigned	 max_conns;	/* open at once; 0: 256 */
	struct tls_conf	 tls;
};

/* The OpenMetrics endpoint of a headless collector: "metrics" line. */
struct metrics_conf {
	int		 enabled;
	struct addr	 listen;	/* af 0: 127.0.0.1 */
	int		 port;		/* 0: 9425; -1: any free (tests) */
	struct tls_conf	 tls;
};

/* peertop agent: where this agent pushes ("agent" block). */
struct agent_conf {
	int		 enabled;
	char		 name[NAME_MAX_PT];	/* the agent's name */
	char		 host[256];	/* collector address */
	int		 port;		/* 0: 8425 */
	char		 token[128];
	size_t		 buffer;	/* samples kept while unreachable;
					   0: 100000 */
	size_t		 batch;		/* samples per push; 0: 1000 */
	unsigned	 push_ms;	/* push interval; 0: 1 s */
	struct tls_conf	 tls;		/* https to the collector */
};

/* Validation failures of a registered prefix (PFX_*, routemon.c). */
#define PFX_INVISIBLE	0x0001	/* no configured session carries it */
#define PFX_ORIGIN	0x0002	/* exact prefix from another origin */
#define PFX_SUBHIJACK	0x0004	/* more-specific from another origin */
#define PFX_MORESPEC	0x0008	/* more-specific from the origin */
#define PFX_UPSTREAM	0x0010	/* first hop not allowed for the origin */
#define PFX_LEAK	0x0020	/* path leaves and re-enters, or bad AS */
#define PFX_NO8007	0x0040	/* community 8075:8007 missing */
#define PFX_LONGPATH	0x0080	/* AS path longer than 3 */
#define PFX_PRIVATE	0x0100	/* private ASN in the path */
#define PFX_PREPEND	0x0200	/* prepending in the path */
#define PFX_NOBACKUP	0x0400	/* not on every backup session */
#define PFX_NOPRIMARY	0x0800	/* not on every primary session */
#define PFX_OTC		0x1000	/* RFC 9234 5 ingress leak (OTC) */
#define PFX_ASPA	0x2000	/* ASPA verification Invalid */
#define PFX_RPKI_INVALID 0x4000	/* a route at or under it RPKI-invalid */
#define PFX_RPKI_NOTFOUND 0x8000 /* no VRP covers it (VRPs loaded) */
#define PFX_ROA_EXPIRING 0x10000 /* its ROAs expire within roa-expiry */

struct branch_prefix {
	/* From the configuration. */
	struct prefix	 prefix;
	uint32_t	 origin;
	uint32_t	*upstreams;	/* allowed first-hop ASes; none: any */
	size_t		 nupstreams;

	/* Derived by the route monitor (routemon.c); seen 0 until a RIB
	 * peer mapped to a session or any route for it was seen. */
	int		 seen;
	unsigned	 flags;		/* PFX_* now */
	unsigned	 nprimary, nbackup;	/* sessions carrying it */
	unsigned	 nprimary_total, nbackup_total;
	uint32_t	 best_origin;	/* origin of the best path, 0 none */
	char		 best_path[96];	/* "65002 65010" */
	int		 best_session;	/* model->sessions index, -1 */
	char		 carried[160];	/* names of the sessions carrying it */
	unsigned	 nunknown;	/* sessions whose routes are unknown
					   (routes_lost): no verdict on them */
	unsigned	 nprimary_unknown, nbackup_unknown;	/* of them */
	uint32_t	 bad_origin;	/* the other origin seen, 0 none */
	char		 problem[160];	/* the worst current problem in words */
	int64_t		 since_ms;	/* flags last changed */
};

enum loc_source { LOC_UNKNOWN = 0, LOC_CONFIG, LOC_GEOIP };

struct branch {
	/* From the configuration. */
	char		 name[NAME_MAX_PT];
	struct addr	*addrs;
	size_t		 naddrs;
	struct branch_prefix *prefixes;
	size_t		 nprefixes;
	int		 has_location;	/* "location LAT LON" given */
	double		 cfg_lat, cfg_lon;
	char		 partner_name[NAME_MAX_PT];	/* optional */
	struct partner	*partner;	/* resolved, may be NULL */

	/* Derived: placement (geo_place_branches()) and health. */
	enum loc_source	 loc;
	double		 lat, lon;
	char		 city[NAME_MAX_PT];	/* sanitised, may be "" */
	char		 country[3];
	uint32_t	 asn;		/* from the ASN database, 0 unknown */
	char		 asname[NAME_MAX_PT];
	int		 nearest;	/* edge index, -1 unknown */
	/* The edge whose session carries the best path for the branch's
	 * registered prefixes (routemon.c), -1 unknown; suboptimal is set
	 * while SuboptimalRouting is raised. */
	int		 routed;
	int		 suboptimal;
	double		 nearest_km;
	int		 sessions_up, sessions_total;
	char		 last_event[128];
	int64_t		 last_event_ms;

	/* Latency (issue 4): probe targets and thresholds from the
	 * configuration, the series seen for the branch and what latency-mon.c
	 * derives from them. */
	struct probe_conf *probes;
	size_t		 nprobes;
	struct lat_thresholds th;	/* 0 fields: the global ones */
	struct latlink	**links;	/* one per (edge, target) seen */
	size_t		 nlinks;
	int		 lat_nearest;	/* edge with the lowest median, -1 */
	double		 lat_nearest_us;
	int		 lat_main;	/* links[] shown in the Overview, -1 */
	int		 lat_suboptimal; /* routed edge slower than margin */
	/* Links took samples since the last pass; the time of the last
	 * one stamps the branch's judgement (latency_mon_eval()). */
	int		 lat_stale;
	int64_t		 lat_stale_ms;
};

/* A configured data source; ops are in collector.h. */
enum collector_state { COL_STARTING = 0, COL_UP, COL_DOWN };
#define COLLECTOR_ALLOW_MAX	32	/* bmp allow prefixes */

struct collector {
	const struct collector_ops *ops;
	char		 name[NAME_MAX_PT];	/* "bird sea-r1" */
	char		*path;		/* socket path */
	char		 router[NAME_MAX_PT];	/* optional router name */
	int		 interval_ms;

	enum collector_state state;
	uint64_t	 state_mono;	/* when state last changed */
	uint64_t	 last_ok_mono;	/* last good poll, 0 never */
	char		 error[ERR_MAX];
	uint64_t	 polls, failures;
	/* Parts it watches (bmp: routers seen, connected now); a collector
	 * up with parts missing is shown as such. */
	size_t		 nparts, nparts_up;
	void		*priv;		/* the collector's own state */

	/* bmp: the listener and who may connect (collect-bmp.c). */
	struct addr	 listen;	/* af 0: 127.0.0.1 */
	int		 port;		/* 0: any free port (tests) */
	struct prefix	 allow[COLLECTOR_ALLOW_MAX];
	size_t		 nallow;	/* 0: any source address */
	int		 max_routers;	/* 0: COLLECT_BMP_ROUTERS_MAX */
	int		 init_timeout_ms;	/* 0: COLLECT_BMP_INIT_MS */
	int		 message_timeout_ms;	/* 0: COLLECT_BMP_MESSAGE_MS */
	int		 hold_ms;	/* silent this long: closed; 0 never */
	int		 max_peers;	/* per router; 0: COLLECT_BMP_PEERS */
	struct max_prefix max_prefix;	/* peers without their own;
					   unset: COLLECT_BMP_MAX_PREFIX */
	uint32_t	 max_routes;	/* per router, all views; 0: none */
	int		 max_routes_set; /* unset: COLLECT_BMP_MAX_ROUTES */

	/* rpki (collect-rpki.c): a VRP file (path) and its SLURM file, or
	 * an RTR cache (rtr_host, port); interval_ms: file check, RTR
	 * refresh. */
	char		*slurm;
	char		*rtr_host;

	/* prometheus (collect-prom.c): the server is listen/port, the
	 * PromQL and how its labels and values map to latency samples. */
	char		*query;
	char		 prom_label[3][NAME_MAX_PT];	/* branch, edge, target */
	double		 prom_scale;	/* value * scale = us; 0: 1e6 */
	int		 prom_nan_loss;

	/* A viewer's replica (core/replica.c): what the collector's own
	 * state says, as the collector sent it; NULL in a live model.
	 * remote_free, when set, frees it with the model. */
	char		*remote_detail;
	struct bmp_remote *remote_bmp;
	const struct bmp_info_ops *bmp_info;	/* collect-bmp.h */
	void		(*remote_free)(struct collector *);
};

/*
 * The control socket of a headless collector (core/control.c): control
 * "PATH" { group NAME mode 0660 max-viewers N }.
 */
#define CONTROL_RUN_DIR		"/run/peertop"
#define CONTROL_PATH_DEFAULT	CONTROL_RUN_DIR "/peertop.sock"
#define CONTROL_MODE_DEFAULT	0660
#define CONTROL_CLIENTS_DEFAULT	64
struct control_conf {
	char		*path;		/* NULL: the default */
	int		 set;		/* given in the configuration */
	char		 group[NAME_MAX_PT];	/* "" the collector's own */
	unsigned	 mode;		/* 0: CONTROL_MODE_DEFAULT */
	unsigned	 max_clients;	/* 0: CONTROL_CLIENTS_DEFAULT */
};

/*
 * The collector's read-only HTTP API (core/api.c): api listen ADDR
 * [port N] [{ token "t" max-connections N request-timeout D }].
 */
#define API_PORT_DEFAULT	8426
#define API_CONNS_DEFAULT	256
#define API_CONNS_MAX		10000
#define API_TIMEOUT_DEFAULT_MS	10000
struct api_conf {
	int		 enabled;
	struct addr	 listen;	/* af 0: 127.0.0.1 */
	int		 port;		/* -1: any free (tests) */
	char		 token[128];	/* asked of clients; "" none */
	unsigned	 max_conns;	/* open at once; 0: the default */
	unsigned	 request_timeout_ms;	/* whole request; 0: default */
	struct tls_conf	 tls;
};

/* Events: SPEC.md "Route events" with Microsoft's level names. */
enum level { LVL_INFO = 0, LVL_WARNING, LVL_ERROR, LVL_CRITICAL };
const char	*level_name(enum level);	/* "Information", "Warning" ... */

/*
 * The names an event is about besides its subject, so that a filter on
 * any of them finds it ("london" finds "prefix 81.2.69.0/24" of branch
 * london-office).  The raiser sets what only it knows (the session of a
 * withdrawal, the BMP router); model_event_add() fills the rest from the
 * subject and the configuration.  branch may name several branches (a
 * partner's), separated by spaces.  Not stored: a replayed event gets
 * them again from its subject.
 */
struct event_rel {
	char		 branch[128];
	char		 partner[NAME_MAX_PT];
	char		 session[NAME_MAX_PT];
	char		 router[NAME_MAX_PT];
	char		 prefix[PREFIX_STRLEN];
};

/*
 * An event's part in a condition's lifecycle (core/condition.c): a
 * problem event opens a condition keyed by its kind, subject and related
 * names; its restoration closes it.
 */
enum event_cond {
	EVC_NONE = 0,		/* a notice: neither opens nor closes */
	EVC_OPENS,		/* raised a condition */
	EVC_CLOSES,		/* restored one */
};
#define EVF_RESOLVED	0x01	/* opener: closed by its restoration */
#define EVF_FOLLOWED	0x02	/* opener: raised again (new level) */
#define EVF_ENDED	0x04	/* opener: its run ended while open */

struct event {
	int64_t		 id;		/* store rowid when stored, else seq */
	int64_t		 time_ms;	/* wall */
	char		 type[40];	/* "SessionDown", "RedundancyDegraded" */
	enum level	 level;
	char		 subject[96];	/* "session sea-r1", "partner x" */
	char		 summary[160];
	char		 details[256];
	struct event_rel rel;

	/* Lifecycle, set by model_event_add(). */
	enum event_cond	 cond;
	unsigned	 cflags;	/* EVF_* (openers) */
	int64_t		 closed_ms;	/* opener: when it stopped being open */
	int64_t		 closed_by;	/* opener: the id that closed it, 0 */
	int64_t		 resolves;	/* closer: the opener's id, 0 none;
					   opener: the one it follows, 0 */
	/* Acknowledged (model_event_ack()): when, by whom (the user the
	 * control socket's SO_PEERCRED names), why; ack_ms 0: not. */
	int64_t		 ack_ms;
	char		 ack_user[32];
	char		 ack_comment[160];
};
/* An opener still open. */
#define EVENT_OPEN(e)	((e)->cond == EVC_OPENS && (e)->closed_ms == 0)
/*
 * Its place in the lifecycle in a word: "notice", "restores", "open",
 * "acknowledged", "resolved", "followed" (raised again), "ended" (its
 * run ended while it was open).
 */
const char	*event_state(const struct event *);

/* An open condition: the event that opened it (still in the ring or not). */
struct condition {
	int		 kind;		/* condition_kinds[] index */
	enum level	 level;		/* its opener's */
	int64_t		 opened_id;
	int64_t		 opened_ms;
	int64_t		 first_ms;	/* of the first opener it follows */
	char		 subject[96];
	char		 branch[128];
	char		 session[NAME_MAX_PT];
	char		 router[NAME_MAX_PT];
	/* Acknowledged, as its opener (model_event_ack()); 0: not. */
	int64_t		 ack_ms;
	char		 ack_user[32];
	char		 ack_comment[160];
};

#define MODEL_EVENTS_MAX 1024	/* recent events kept in memory */

/* Dirty flags: what changed since the last redraw. */
#define DIRTY_SESSIONS	0x01
#define DIRTY_BRANCHES	0x02
#define DIRTY_EVENTS	0x04
#define DIRTY_COLLECTORS 0x08
#define DIRTY_ROUTES	0x10	/* registered prefixes, routed edges */
#define DIRTY_LATENCY	0x20	/* latency samples, nearest by latency */
#define DIRTY_ALL	0xff

/*
 * Where transitions and events go besides the model (the store, in
 * practice).  Any hook may be NULL.
 */
struct model_sink {
	void	*arg;
	void	(*session_state)(void *, const struct session *,
		    enum bgp_state old, int64_t when_ms);
	void	(*redundancy)(void *, const struct partner *,
		    enum redundancy old, int64_t when_ms);
	void	(*event)(void *, struct event *);
	/* One latency sample (rtt_us < 0: lost). */
	void	(*latency)(void *, const struct latlink *, int64_t time_ms,
		    int64_t rtt_us);
	/* A registered prefix's recorded state (flags, the sessions
	 * carrying it, its best path) changed, or was first seen. */
	void	(*prefix)(void *, const struct branch *,
		    const struct branch_prefix *, int64_t when_ms);
	/* A branch's routed edge or its SuboptimalRouting changed. */
	void	(*route)(void *, const struct branch *, int64_t when_ms);
	/* Why rows cannot be taken now (the history failing,
	 * its queue without room for them), or NULL; the ingest endpoint
	 * answers 503 then, so agents keep them. */
	const char *(*failing)(void *, size_t rows);
	/* The history's rows are numbered as they are queued and
	 * committed in that order: the last queued, and in *committed
	 * the last committed.  An agent's 200 waits until its rows are
	 * committed (the ingest endpoint). */
	uint64_t (*seq)(void *, uint64_t *committed);
	/* An open event was acknowledged (its ack_* fields set). */
	void	(*ack)(void *, const struct event *);
	/* Commit what is queued soon rather than at the next tick. */
	void	(*flush_soon)(void *);
	/* Called by the history after each commit with the last row
	 * committed; set by whoever waits (the ingest collector). */
	void	(*committed)(void *, uint64_t);
	void	*committed_arg;
};

/*
 * Who else hears of every event and acknowledgement, after the sink and
 * in the order added (the notifier, core/notify.c): unlike the ring, an
 * observer misses nothing in a storm.  An observer must not add events
 * from inside these calls.  Owned by the caller, kept until removed.
 */
struct model_observer {
	void	(*event)(void *, const struct event *);
	void	(*ack)(void *, const struct event *);
	void	*arg;
	struct model_observer *next;	/* model.c's */
};

struct notify_conf;

struct model {
	char		*config_file;
	char		*database;	/* NULL: no history */
	int		 database_any_owner; /* as root, another's file */
	char		*geoip_city;
	char		*geoip_asn;
	char		*datadir;	/* shipped data (edges, world map) */
	/* What the configuration allows but should not, as
	 * "file:line:column: text" (core/config.c), for -n and start-up. */
	char		**config_warnings;
	size_t		 nconfig_warnings;

	struct edge	*edges;
	size_t		 nedges;
	struct partner	**partners;
	size_t		 npartners;
	struct session	**sessions;	/* all sessions, config order */
	size_t		 nsessions;
	struct branch	**branches;
	size_t		 nbranches;
	/* The turnup block's session names (core/turnup.c), config order. */
	char		**turnup_sessions;
	size_t		 nturnup_sessions;
	struct collector **collectors;
	size_t		 ncollectors;

	/* Ring of recent events, oldest first when read via model_event(). */
	struct event	*events;
	size_t		 nevents;	/* valid entries, <= MODEL_EVENTS_MAX */
	size_t		 evhead;	/* index of the oldest */
	int64_t		 evseq;
	unsigned	 level_counts[4];	/* events in the ring by level */
	/* Open conditions (core/condition.c), oldest first, and by level. */
	struct condition *conds;
	size_t		 nconds;
	uint64_t	 conds_gen;	/* condition_changed(); 0: never */
	unsigned	 open_counts[4];
	/*
	 * What an earlier run left open (condition_end()), for a while
	 * after start: the same problem raised again in this run is the
	 * same condition, still acknowledged, open since then.
	 */
	struct condition *ended;
	size_t		 nended;
	int64_t		 ended_ms;	/* when the run began that ended them */

	/* Routes: the RIB the BMP collector feeds and the route monitor
	 * that watches it for the registered prefixes; NULL until made. */
	struct rib	*rib;
	struct routemon	*routemon;
	/*
	 * RPKI: the rpki collector's current VRPs (core/vrp.h), which every
	 * route's state in rib is against; NULL without one or before its
	 * first VRPs.  Owned by the collector, replaced as they change.
	 */
	const struct vrp_index *vrps;
	/* Its tuning, the "routes" block of the configuration (0: default). */
	double		 route_tolerance_km;
	unsigned	 route_max_path;
	char		*route_asrel;	/* routes { asrel "FILE" }, or NULL */
	int64_t		 route_roa_expiry_ms;	/* routes { roa-expiry } */

	/* Latency: the "latency"/"probe" blocks, the ingest endpoint and,
	 * for peertop agent, where to push. */
	struct lat_conf	 lat;
	/* Latency samples the live window could not hold (latency-mon.c):
	 * pushed out early by a link's cap, or of a branch's links over
	 * its limit.  The history has the first, not the second. */
	uint64_t	 lat_capped, lat_nolink;
	struct ingest_conf ingest;
	struct agent_conf agent;
	struct metrics_conf metrics;
	struct control_conf control;
	struct api_conf	 api;
	/* notify blocks (core/notify.h), in configuration order. */
	struct notify_conf **notify;
	size_t		 nnotify;
	/* A viewer's model fed by a collector (core/replica.c): no
	 * collector runs and no judgement raises anything in it. */
	int		 replica;

	struct model_sink sink;
	struct model_observer *observers;
	/* Replay (tui/replay.c): the recorded time the model shows; 0
	 * live.  Ages in the outputs are counted to it. */
	int64_t		 replay_ms;
	unsigned	 dirty;		/* for the views; they clear it */
	/* BIRD's poll interval while the Turn-up view is open (ms), 0:
	 * each collector's own (core/collect-bird.c). */
	int		 poll_fast_ms;
	/*
	 * The evaluation pass (eval.h): what the judgements have to look
	 * at (PENDING_*), the dirty flags set since the last pass (handed
	 * to the sinks), and the coordinator: its state and its hook
	 * that schedules the pass (it only activates an event; NULL
	 * without a loop: whoever feeds the model calls eval_run()).
	 */
	unsigned	 pending;
	unsigned	 changed;
	int		 in_pass;
	struct eval	*eval;
	void		(*schedule)(struct eval *);
	/* The views' sink: called by the pass when something changed
	 * (the TUI schedules a redraw). */
	void		(*on_dirty)(void *);
	void		*on_dirty_arg;
};

struct model	*model_new(void);
void		 model_free(struct model *);

/*
 * What the judgements of the next evaluation pass have to look at: a
 * collector reports into the model and marks it; the pass (eval.c) runs
 * latency, routes and health once per loop turn, on the whole picture.
 */
#define PENDING_LATENCY	0x01	/* links took samples (latency_mon_sample()) */
#define PENDING_ROUTES	0x02	/* the RIB changed under a watch */
#define PENDING_HEALTH	0x04	/* session or collector states changed */
#define PENDING_TIME	0x08	/* the pass's tick: time passed */
void		 model_pending(struct model *, unsigned what);
/* model_pending(PENDING_HEALTH). */
void		 model_health(struct model *);
/* Every collector has answered (or failed) at least once. */
int		 model_settled(const struct model *);
/* Settled, and every collector's settled hook agrees (--once waits). */
int		 model_synced(const struct model *);
/* The same for the collectors that report sessions (health waits). */
int		 model_sessions_synced(const struct model *);

/* Set dirty flags; the pass hands them to the sinks. */
void		 model_touch(struct model *, unsigned flags);

/* Lookups; NULL / -1 when absent. */
int		 model_edge_find(const struct model *, const char *code);
struct partner	*model_partner_find(const struct model *, const char *);
struct branch	*model_branch_find(const struct model *, const char *);
struct session	*model_session_find(const struct model *, const char *);
/* By neighbor and (optional, may be NULL/"") router. */
struct session	*model_session_match(const struct model *,
		    const struct addr *neighbor, const char *router);

/* Add an edge or replace the one with the same code; returns its index. */
int		 model_edge_set(struct model *, const struct edge *);

/*
 * A collector's report about one session.  Fields are copied; error is
 * sanitised here.  Detects state transitions (counts flaps, raises
 * SessionUp / SessionDown events, calls the sink) and marks health for the
 * next pass.
 */
struct session_report {
	enum bgp_state	 state;
	int64_t		 since_ms;	/* 0: use now */
	uint32_t	 remote_as;
	const char	*last_error;	/* raw from the network, may be NULL */
	uint32_t	 routes_imported;
	uint32_t	 routes_exported;
	const char	*proto;		/* may be NULL */
};
void	 model_session_report(struct model *, struct session *,
	    struct collector *, const struct session_report *);
/*
 * Record a step of the session's FSM: state from ms (0: now) with the
 * error it had then (may be NULL, sanitised by the caller); nothing when
 * the last step recorded is the same state.  Transitions record
 * theirs; a replica or a replayed history, which set the state without a
 * transition, call it after.  The i-th step kept, oldest first (i <
 * model_session_nsteps()).
 */
void	 model_session_step(struct session *, enum bgp_state, int64_t ms,
	    const char *error);
size_t	 model_session_nsteps(const struct session *);
const struct session_step *model_session_step_at(const struct session *,
	    size_t i);
/*
 * The collector lost track of the session (collector down): UNKNOWN.  Not
 * a flap: the next report is compared with the last known state, so a
 * session that really dropped meanwhile still raises SessionDown.
 */
void	 model_session_lost(struct model *, struct session *);
/*
 * One collector lost track of the session: if another source still
 * reports it, the session takes that source's state (no event unless it
 * differs); else as model_session_lost().
 */
void	 model_session_lost_by(struct model *, struct session *,
	    struct collector *);

/*
 * The source of the session's routes went away (lost 1: a BMP router's
 * connection closed) or is back with its table (lost 0).  While lost,
 * the route monitor neither withdraws nor resolves anything for it.
 */
void	 model_session_routes(struct model *, struct session *, int lost,
	    const char *why);
void	 model_session_routes_loading(struct model *, struct session *);
/*
 * 1 when every collector that ever reported the session reports only its
 * state, not its routes (BIRD's control socket): what it carries is "not
 * reported by this source", neither carried nor missing.  0 when some
 * source reports routes (BMP) or nobody has reported the session yet.
 * In a viewer's replica, judged by the kinds reporting it (s->sources).
 */
int	 session_routes_unreported(const struct session *);

/* Collector up/down; raises CollectorDown / CollectorUp events. */
void	 model_collector_state(struct model *, struct collector *,
	    enum collector_state, const char *error);

void	 model_observer_add(struct model *, struct model_observer *);
void	 model_observer_remove(struct model *, struct model_observer *);

/* Append an event (fills id/time if 0), update counts, call the sink
 * and the observers. */
void	 model_event_add(struct model *, struct event *);
/* printf-style convenience. */
void	 model_eventf(struct model *, const char *type, enum level,
	    const char *subject, const char *details, const char *fmt, ...)
	    printflike(6, 7);
/* The same stamped with when_ms (a sample's or a record's time). */
void	 model_event_at(struct model *, int64_t when_ms, const char *type,
	    enum level, const char *subject, const char *details,
	    const char *fmt, ...) printflike(7, 8);
/* The same with the names only the raiser knows (rel may be NULL). */
void	 model_event_rel(struct model *, int64_t when_ms, const char *type,
	    enum level, const char *subject, const char *details,
	    const struct event_rel *, const char *fmt, ...) printflike(8, 9);
/* i-th recent event, 0 = oldest; NULL past the end. */
const struct event *model_event(const struct model *, size_t i);
/* The recent event with this id, NULL when the ring no longer has it. */
const struct event *model_event_find(const struct model *, int64_t id);
/*
 * Acknowledge the open Error or Critical event id (the opener of an open
 * condition): by user at when_ms (0: now), with an optional comment
 * (sanitised here).  Marks the condition and the event in the ring, tells
 * the sink (the history records it) and sets DIRTY_EVENTS.  A condition
 * raised again at a worse level is open and unacknowledged again.  0, or
 * -1 and *cause (malloc'd, one line): no such event, not open, not Error
 * or Critical, already acknowledged.
 */
int	 model_event_ack(struct model *, int64_t id, const char *user,
	    const char *comment, int64_t when_ms, char **cause);
/*
 * A replica's: the event into the ring as it is (id, lifecycle and all),
 * replacing the one with the same id; no condition logic, no sink.
 */
void	 model_event_put(struct model *, const struct event *);
/* Open conditions at level lvl not acknowledged. */
unsigned model_open_unacked(const struct model *, enum level lvl);
/* Forget the recent events and the open conditions (replay reloads). */
void	 model_events_clear(struct model *);

/*
 * Forget every branch's latency links and what was derived from them
 * (nearest edge and main link by latency, SuboptimalRouting by latency):
 * the state before the first sample.  Replay rebuilds the links from
 * the recorded samples of another time.
 */
void		 model_latency_clear(struct model *);

/* Worst level among current conditions (for --once exit status). */
enum level	 model_worst(const struct model *);

#endif
