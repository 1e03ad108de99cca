/* SPDX-License-Identifier: ISC */
/*
 * BGP Monitoring Protocol (RFC 7854, with the Adj-RIB-Out peers of RFC
 * 8671 and the Loc-RIB peers of RFC 9069): a stream framer that cuts the
 * bytes of one router's TCP connection into messages under a fixed bound,
 * and a decoder that turns one message into a struct bmp_msg.  Pure
 * parsing, no I/O: the collector feeds the framer what it reads and hands
 * every complete message to decode_bmp() with that router's context.
 * Errors are returned with a cause naming the message offset and type;
 * the collector then closes only that router's connection.
 */
#ifndef PEERTOP_DECODE_BMP_H
#define PEERTOP_DECODE_BMP_H

#include <stddef.h>
#include <stdint.h>

#include "core/util.h"
#include "core/decode-bgp.h"

#define BMP_VERSION		3
#define BMP_HDR_LEN		6		/* common header */
#define BMP_PEER_HDR_LEN	42		/* per-peer header */
#define BMP_MSG_MAX		(1024 * 1024)	/* largest message accepted */
#define BMP_BUF_MAX		(4 * 1024 * 1024)	/* framer bound */
#define BMP_STR_MAX		256		/* sanitised TLV strings */

/* RFC 7854 4.1: message types. */
enum bmp_type {
	BMP_ROUTE_MONITORING = 0,
	BMP_STATISTICS = 1,
	BMP_PEER_DOWN = 2,
	BMP_PEER_UP = 3,
	BMP_INITIATION = 4,
	BMP_TERMINATION = 5,
	BMP_ROUTE_MIRRORING = 6,
	BMP_NTYPES
};

/* RFC 7854 4.2, RFC 9069 4.1: peer types. */
#define BMP_PEER_GLOBAL		0
#define BMP_PEER_RD		1
#define BMP_PEER_LOCAL		2
#define BMP_PEER_LOC_RIB	3

/* Per-peer header flags (RFC 7854 4.2, RFC 8671 4, RFC 9069 4.2). */
#define BMP_PEER_FLAG_V		0x80	/* IPv6 peer address */
#define BMP_PEER_FLAG_L		0x40	/* post-policy */
#define BMP_PEER_FLAG_A		0x20	/* legacy 2-byte AS_PATH */
#define BMP_PEER_FLAG_O		0x10	/* Adj-RIB-Out (RFC 8671) */
#define BMP_PEER_FLAG_F		0x80	/* Loc-RIB: filtered (RFC 9069) */

/* ------------------------------------------------------------ framer */

/*
 * Reassembles messages from arbitrary chunks.  The caller drains
 * decode_bmp_framer_next() after every feed, so the buffer holds less than one
 * message (at most BMP_MSG_MAX bytes) plus the chunk being fed; a feed
 * that would buffer more than BMP_BUF_MAX fails.
 */
struct bmp_framer {
	uint8_t		*buf;
	size_t		 len;		/* bytes buffered */
	size_t		 start;		/* first unconsumed byte */
	size_t		 cap;
	uint64_t	 offset;	/* stream offset of buf[start] */
	int		 failed;	/* a header was rejected */
};

void	 decode_bmp_framer_init(struct bmp_framer *);
void	 decode_bmp_framer_free(struct bmp_framer *);
/* Appends a chunk; -1 (with *cause) once the stream has failed or the
 * buffer bound would be exceeded. */
int	 decode_bmp_framer_feed(struct bmp_framer *, const void *, size_t,
	    char **cause);
/*
 * The next complete message: 1 with *msg and *len (valid until the next
 * feed) and *offset (its stream offset), 0 when more bytes are needed,
 * -1 with *cause (allocated) on a bad common header.
 */
int	 decode_bmp_framer_next(struct bmp_framer *, const uint8_t **msg,
	    size_t *len, uint64_t *offset, char **cause);
/* Bytes buffered that do not (yet) make a message: nonzero at EOF means
 * the stream ended inside a message. */
size_t	 decode_bmp_framer_pending(const struct bmp_framer *);

/* ------------------------------------------------------------ decoder */

/* RFC 7854 4.2: the per-peer header. */
struct bmp_peer {
	uint8_t		 type;		/* BMP_PEER_* */
	uint8_t		 flags;		/* BMP_PEER_FLAG_* */
	uint64_t	 distinguisher;	/* RD / local instance id, else 0 */
	struct addr	 addr;		/* af 0 for Loc-RIB */
	uint32_t	 as;
	uint32_t	 bgp_id;	/* host order */
	uint32_t	 ts_sec;
	uint32_t	 ts_usec;
};

/* RFC 7854 4.8: one statistics counter or gauge. */
struct bmp_stat {
	uint16_t	 type;
	uint16_t	 afi;		/* per-AFI/SAFI gauges, else 0 */
	uint8_t		 safi;
	uint64_t	 value;
};
#define BMP_STATS_MAX	64

/* Peer Down (RFC 7854 4.9, RFC 9069 5.4) */
struct bmp_peer_down {
	uint8_t		 reason;
	uint16_t	 fsm_event;	/* reason 2 */
	int		 has_notification;
	uint8_t		 notify_code;
	uint8_t		 notify_subcode;
	char		 notification[BMP_STR_MAX];	/* in words */
};

/*
 * What an OPEN has that decode_bgp_open() does not keep, for the Turn-up
 * checklist: graceful restart (RFC 4724 3, capability 64).
 */
struct bmp_open_extra {
	int		 graceful_restart;
};

/* Peer Up (RFC 7854 4.10, RFC 9069 5.3) */
struct bmp_peer_up {
	struct addr	 local_addr;
	uint16_t	 local_port;
	uint16_t	 remote_port;
	struct bgp_open	 sent;		/* by the monitored router */
	struct bgp_open	 received;	/* from the peer */
	struct bmp_open_extra sent_x, received_x;
	char		 table_name[BMP_STR_MAX];	/* TLV 3 */
	char		 info[BMP_STR_MAX];		/* TLV 0 */
};

/*
 * Route Monitoring (RFC 7854 4.6): the BGP UPDATE decoded with the
 * peer's AS4/ADD-PATH state (decode_bmp_msg_free() releases it).  With
 * the context's raw_updates set the UPDATE is not decoded: body/opts say
 * where it is and how to read it (a RIB decodes it once, straight into
 * its trie), and a bad UPDATE is the caller's to judge.
 */
#define BMP_EOR_IPV4	0x01	/* End-of-RIB seen (RFC 4724 2) */
#define BMP_EOR_IPV6	0x02
struct bmp_route_mon {
	int		 as4;		/* how its AS_PATH was read */
	int		 addpath_v4;	/* path ids on IPv4 unicast NLRI */
	int		 addpath_v6;
	int		 decoded;	/* update holds allocations */
	struct bgp_update update;
	const uint8_t	*body;		/* UPDATE after the 19-byte header */
	size_t		 body_len;
	struct bgp_decode_opts opts;
	unsigned int	 eor;		/* BMP_EOR_* if an End-of-RIB */
	unsigned int	 afs;		/* BMP_EOR_* with routes in it */
};

struct bmp_msg {
	uint8_t		 type;		/* enum bmp_type */
	uint32_t	 len;
	uint64_t	 offset;	/* in the stream */
	int		 has_peer;
	struct bmp_peer	 peer;

	/* Initiation / Termination (RFC 7854 4.3, 4.4, 4.5) */
	char		 sys_name[BMP_STR_MAX];
	char		 sys_descr[BMP_STR_MAX];
	char		 info[BMP_STR_MAX];	/* string TLVs, last one */
	int		 term_reason;		/* -1 when absent */

	struct bmp_route_mon	rm;
	struct bmp_peer_down	down;
	struct bmp_peer_up	up;

	struct bmp_stat	 stats[BMP_STATS_MAX];
	size_t		 nstats;		/* kept (up to BMP_STATS_MAX) */
	uint32_t	 stats_count;		/* announced */
};

/* What decode_bmp() remembers per monitored peer. */
struct bmp_peer_state {
	uint8_t		 type;
	uint64_t	 distinguisher;
	struct addr	 addr;
	int		 up;
	int		 as4;		/* both OPENs carried capability 65 */
	uint32_t	 as;		/* from the received OPEN */
	int		 addpath_in_v4;	/* path ids on received UPDATEs */
	int		 addpath_in_v6;
	int		 addpath_out_v4;	/* on sent ones (Adj-RIB-Out) */
	int		 addpath_out_v6;
	unsigned int	 afs;		/* BMP_EOR_* both OPENs carry */
};

/* Per-router decoder context: counters and the peer table. */
struct bmp_ctx {
	struct bmp_peer_state	*peers;
	size_t			 npeers;
	uint64_t		 count[BMP_NTYPES];
	uint64_t		 unknown;	/* messages of other types */
	uint64_t		 mirroring;	/* skipped Route Mirroring */
	char			 sys_name[BMP_STR_MAX];
	char			 sys_descr[BMP_STR_MAX];
	int			 raw_updates;	/* see struct bmp_route_mon */
};

void	 decode_bmp_ctx_init(struct bmp_ctx *);
void	 decode_bmp_ctx_free(struct bmp_ctx *);
const struct bmp_peer_state *decode_bmp_ctx_peer(const struct bmp_ctx *,
	    const struct bmp_peer *);

/*
 * Decodes one complete message (as returned by the framer; offset is for
 * the error text).  0 ok; -1 with *cause (allocated) naming the offset,
 * the message type and the field.
 */
int	 decode_bmp(struct bmp_ctx *, const uint8_t *, size_t, uint64_t offset,
	    struct bmp_msg *, char **cause);
/* Frees what decode_bmp() allocated in a message (safe to call twice). */
void	 decode_bmp_msg_free(struct bmp_msg *);

const char	*decode_bmp_peer_type_name(unsigned int);
const char	*decode_bmp_stat_name(unsigned int);
const char	*decode_bmp_down_reason_name(unsigned int);
const char	*decode_bmp_term_reason_name(unsigned int);

#endif
