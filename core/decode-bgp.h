/* SPDX-License-Identifier: ISC */
/*
 * The shared BGP message decoder (RFC 4271) used by the BMP collector and
 * the MRT reader: the message header, UPDATE (with MP_REACH/MP_UNREACH of
 * RFC 4760, 4-octet ASNs of RFC 6793, ADD-PATH of RFC 7911 and the
 * community attributes of RFC 1997, 4360 and 8092), OPEN capabilities and
 * NOTIFICATION codes in words.  Malformed attributes are handled as
 * RFC 7606 says: a session-reset class error is returned as an error,
 * a treat-as-withdraw error sets a flag on the update (the caller then
 * withdraws everything in it), and an attribute-discard error drops the
 * attribute and counts it.
 *
 * The decoder never prints or exits.  Errors return -1 with an allocated
 * cause (the caller frees it).  The update's arrays are allocated and are
 * freed with decode_bgp_update_free(); they do not point into the input.
 */
#ifndef PEERTOP_DECODE_BGP_H
#define PEERTOP_DECODE_BGP_H

#include <stddef.h>
#include <stdint.h>

#include "core/util.h"

/* RFC 4271 4.1: message types. */
#define BGP_HEADER_LEN		19
#define BGP_MAX_MSG_LEN		65535	/* RFC 8654 extended messages */
#define BGP_MSG_OPEN		1
#define BGP_MSG_UPDATE		2
#define BGP_MSG_NOTIFICATION	3
#define BGP_MSG_KEEPALIVE	4
#define BGP_MSG_ROUTE_REFRESH	5

/* Path attribute type codes. */
#define BGP_ATTR_ORIGIN		1
#define BGP_ATTR_AS_PATH	2
#define BGP_ATTR_NEXT_HOP	3
#define BGP_ATTR_MED		4
#define BGP_ATTR_LOCAL_PREF	5
#define BGP_ATTR_ATOMIC_AGGR	6
#define BGP_ATTR_AGGREGATOR	7
#define BGP_ATTR_COMMUNITIES	8
#define BGP_ATTR_MP_REACH	14
#define BGP_ATTR_MP_UNREACH	15
#define BGP_ATTR_EXT_COMMUNITIES 16
#define BGP_ATTR_AS4_PATH	17
#define BGP_ATTR_AS4_AGGREGATOR	18
#define BGP_ATTR_LARGE_COMMUNITIES 32
#define BGP_ATTR_OTC		35	/* RFC 9234 4.2.1: Only to Customer */

/* Bits of bgp_attrs.present, one per attribute type above (1 << type). */
#define BGP_ATTR_BIT(t)		(1ULL << (t))

#define BGP_ORIGIN_IGP		0
#define BGP_ORIGIN_EGP		1
#define BGP_ORIGIN_INCOMPLETE	2

/* RFC 4271 4.3 and RFC 5065 3: AS_PATH segment types. */
#define BGP_AS_SET		1
#define BGP_AS_SEQUENCE		2
#define BGP_AS_CONFED_SEQUENCE	3
#define BGP_AS_CONFED_SET	4

#define BGP_AFI_IPV4		1
#define BGP_AFI_IPV6		2
#define BGP_SAFI_UNICAST	1
#define BGP_SAFI_MULTICAST	2

struct bgp_decode_opts {
	int		as4;		/* AS_PATH carries 4-octet ASNs */
	/*
	 * RFC 6793 4.2.3 applies although as4 is set: the UPDATE crossed a
	 * session without the 4-octet AS capability and a BMP router wrote
	 * AS_PATH in 4 octets (RFC 7854 4.2, A flag clear), keeping
	 * AS4_PATH and AS4_AGGREGATOR.  Without as4 they always apply.
	 */
	int		as4_old_peer;
	int		addpath_v4;	/* IPv4 unicast NLRI carry a path id */
	int		addpath_v6;	/* IPv6 unicast NLRI carry a path id */
	/*
	 * RFC 6396 4.3.4: attributes from a TABLE_DUMP_V2 RIB entry, where
	 * MP_REACH_NLRI holds only the next hop length and next hop.
	 */
	int		mrt_rib;
};

/* One segment of an AS path: count ASNs at asns[off] of the path. */
struct bgp_aspath_seg {
	uint8_t		type;		/* BGP_AS_SET, ... */
	uint8_t		count;
	uint16_t	off;
};

struct bgp_aspath {
	struct bgp_aspath_seg *segs;
	size_t		 nsegs;
	uint32_t	*asns;
	size_t		 nasns;
};

struct bgp_large_community {
	uint32_t	global;
	uint32_t	local1;
	uint32_t	local2;
};

struct bgp_attrs {
	uint64_t	 present;	/* BGP_ATTR_BIT(type) for each seen */
	uint8_t		 origin;
	/* AS_PATH, already merged with AS4_PATH (RFC 6793 4.2.3). */
	struct bgp_aspath aspath;
	struct addr	 nexthop;	/* NEXT_HOP (IPv4) */
	uint32_t	 med;
	uint32_t	 local_pref;
	uint32_t	 aggr_as;	/* AGGREGATOR or AS4_AGGREGATOR */
	struct addr	 aggr_ip;
	uint32_t	*communities;	/* RFC 1997, as (asn << 16 | value) */
	size_t		 ncommunities;
	uint8_t		(*ext_communities)[8];	/* RFC 4360, raw 8 octets */
	size_t		 next_communities;
	struct bgp_large_community *large_communities;	/* RFC 8092 */
	size_t		 nlarge_communities;
	/* MP_REACH_NLRI next hop (RFC 4760 3, RFC 2545 3). */
	struct addr	 mp_nexthop;
	struct addr	 mp_nexthop_ll;	/* IPv6 link-local, af 0 if none */
	uint32_t	 otc;		/* RFC 9234 OTC, if its bit is present */
	unsigned int	 nunknown;	/* unrecognised attributes skipped */
	unsigned int	 ndiscarded;	/* RFC 7606 attribute discard */
};

struct bgp_nlri {
	struct prefix	 prefix;
	uint32_t	 path_id;	/* RFC 7911, 0 without ADD-PATH */
	uint8_t		 mp;		/* from MP_REACH / MP_UNREACH */
	uint8_t		 safi;		/* BGP_SAFI_UNICAST or _MULTICAST */
};

struct bgp_update {
	struct bgp_nlri	*withdrawn;	/* withdrawn routes + MP_UNREACH */
	size_t		 nwithdrawn;
	struct bgp_nlri	*announced;	/* NLRI + MP_REACH */
	/*
	 * MP_REACH/MP_UNREACH are decoded for IPv4 and IPv6, SAFI unicast
	 * and multicast (bgpdump prints both; a RIB keeps nlri.safi ==
	 * BGP_SAFI_UNICAST).  Other AFI/SAFIs count in attrs.nunknown.
	 */
	size_t		 nannounced;
	struct bgp_attrs attrs;
	/*
	 * RFC 7606 2: treat-as-withdraw.  The announced routes must be
	 * handled as withdrawn; reason says which attribute was bad.
	 */
	int		 treat_as_withdraw;
	char		 reason[64];
};

/*
 * RFC 4271 4.1: check the marker and length of the message at p; sets
 * *type and *msglen (the whole message, header included).  0 on success,
 * -1 with a cause.
 */
int	 decode_bgp_header(const uint8_t *p, size_t len, uint8_t *type,
	     uint16_t *msglen, char **cause);

struct buf;

/*
 * RFC 4271 4.3: split an UPDATE body (the bytes after the 19-byte header)
 * into cursors over its withdrawn routes, path attributes and NLRI, no
 * copy.  -1 with a cause when the lengths exceed the body (RFC 7606 4:
 * a session reset).  Shared by decode_bgp_update() and rib_update().
 */
int	 decode_bgp_update_split(const uint8_t *p, size_t len,
	     struct buf *withdrawn, struct buf *attrs, struct buf *nlri,
	     char **cause);

/*
 * RFC 4271 4.3: decode an UPDATE body (the bytes after the 19-byte
 * header).  On success returns 0 and fills out (free it with
 * decode_bgp_update_free()); on a session-reset class error returns -1
 * with a cause and leaves nothing to free.
 */
int	 decode_bgp_update(const uint8_t *p, size_t len,
	     const struct bgp_decode_opts *, struct bgp_update *out,
	     char **cause);
/* Decode path attributes alone (as in a TABLE_DUMP_V2 RIB entry). */
int	 decode_bgp_attrs(const uint8_t *p, size_t len,
	     const struct bgp_decode_opts *, struct bgp_update *out,
	     char **cause);
void	 decode_bgp_update_free(struct bgp_update *);
void	 decode_bgp_attrs_free(struct bgp_attrs *);

/* RFC 5492 capabilities from an OPEN. */
#define BGP_CAP_ROLE		9	/* RFC 9234 4.1 */
#define BGP_OPEN_MAX_AFS	16
struct bgp_open_af {
	uint16_t	afi;
	uint8_t		safi;
	uint8_t		addpath;	/* RFC 7911 4: 1 recv, 2 send, 3 both */
};

struct bgp_open {
	uint8_t		 version;
	uint16_t	 my_as;		/* the 2-octet field (AS_TRANS if 4) */
	uint32_t	 asn;		/* the 4-octet AS capability or my_as */
	uint16_t	 holdtime;
	uint32_t	 bgp_id;	/* host order */
	int		 as4;		/* capability 65 present */
	int		 route_refresh;	/* capability 2 (or 128) */
	int		 extended_message;	/* capability 6 */
	struct bgp_open_af mp[BGP_OPEN_MAX_AFS];	/* capability 1 */
	size_t		 nmp;
	struct bgp_open_af addpath[BGP_OPEN_MAX_AFS];	/* capability 69 */
	size_t		 naddpath;
	/*
	 * RFC 9234 4.1: the BGP Role capability (code 9), as an enum
	 * bgp_role (core/bgp-role.h), 0 when absent.  role_error: its
	 * length was not 1 (role stays 0), or it came twice with different
	 * values (4.2: a Role Mismatch; role is the first).
	 */
	uint8_t		 role;
	uint8_t		 role_error;
	unsigned int	 nunknown;	/* other capabilities */
};

/* RFC 4271 4.2: decode an OPEN body (after the header). 0 or -1+cause. */
int	 decode_bgp_open(const uint8_t *p, size_t len, struct bgp_open *,
	     char **cause);
/*
 * ADD-PATH for AFI/SAFI as negotiated by the two OPENs: 1 if the sender
 * (with OPEN "tx") sends path ids the receiver (OPEN "rx") accepts.
 */
int	 decode_bgp_open_addpath(const struct bgp_open *tx,
	     const struct bgp_open *rx, uint16_t afi, uint8_t safi);

/*
 * RFC 4271 6.x, RFC 4486, RFC 9003: a NOTIFICATION in words, e.g. "Cease,
 * Administrative Shutdown: \"maintenance\"".  data/len are the bytes after
 * code and subcode (may be NULL/0).  Returns an allocated string (the
 * caller frees it); text from the wire is sanitised.
 */
char	*decode_bgp_notification_str(uint8_t code, uint8_t subcode,
	     const uint8_t *data, size_t len);

#endif
