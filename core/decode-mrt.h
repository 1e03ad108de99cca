/* SPDX-License-Identifier: ISC */
/*
 * MRT routing information export format (RFC 6396, ADD-PATH of RFC 8050):
 * a record reader over a file (raw, gzip or bzip2, told apart by their
 * magic bytes) or memory, and a record decoder that turns TABLE_DUMP,
 * TABLE_DUMP_V2 and BGP4MP(_ET) records into elements (one route, one
 * withdrawal or one state change each) through the shared BGP decoder.
 *
 * Nothing here prints or exits.  Errors carry a cause located by file
 * name, record number and byte offset in the uncompressed stream.
 */
#ifndef PEERTOP_DECODE_MRT_H
#define PEERTOP_DECODE_MRT_H

#include <stdint.h>
#include <stdio.h>

#include "core/buf.h"
#include "core/decode-bgp.h"

/* RFC 6396 4: types and subtypes. */
#define MRT_TABLE_DUMP		12
#define MRT_TABLE_DUMP_V2	13
#define MRT_BGP4MP		16
#define MRT_BGP4MP_ET		17

#define MRT_TD_AFI_IPV4		1
#define MRT_TD_AFI_IPV6		2

#define MRT_TD2_PEER_INDEX	1
#define MRT_TD2_RIB_IPV4_UNI	2
#define MRT_TD2_RIB_IPV4_MULTI	3
#define MRT_TD2_RIB_IPV6_UNI	4
#define MRT_TD2_RIB_IPV6_MULTI	5
#define MRT_TD2_RIB_GENERIC	6	/* skipped */
#define MRT_TD2_RIB_IPV4_UNI_AP	8	/* RFC 8050 */
#define MRT_TD2_RIB_IPV4_MULTI_AP 9
#define MRT_TD2_RIB_IPV6_UNI_AP	10
#define MRT_TD2_RIB_IPV6_MULTI_AP 11

#define MRT_BGP4MP_STATE	0
#define MRT_BGP4MP_MESSAGE	1
#define MRT_BGP4MP_MESSAGE_AS4	4
#define MRT_BGP4MP_STATE_AS4	5
#define MRT_BGP4MP_MESSAGE_LOCAL 6
#define MRT_BGP4MP_MESSAGE_AS4_LOCAL 7
#define MRT_BGP4MP_MESSAGE_AP	8	/* RFC 8050 */
#define MRT_BGP4MP_MESSAGE_AS4_AP 9
#define MRT_BGP4MP_MESSAGE_LOCAL_AP 10
#define MRT_BGP4MP_MESSAGE_AS4_LOCAL_AP 11

/* Records longer than this are refused as corrupt (a RIB record of a
 * full table with many peers stays well below). */
#define MRT_MAX_RECORD		(16 * 1024 * 1024)

struct mrt_record {
	uint32_t	 ts;		/* seconds */
	uint32_t	 usec;		/* BGP4MP_ET microseconds, else 0 */
	uint16_t	 type;
	uint16_t	 subtype;
	const uint8_t	*body;		/* after the (extended) header; */
	uint32_t	 len;		/* valid until the next read */
	uint64_t	 offset;	/* of the header, uncompressed */
	uint64_t	 recno;		/* 1-based */
};

struct mrt_reader;

/*
 * Open a file (gzip and bzip2 by content), a FILE * (the reader takes it
 * and closes it) or memory (raw MRT only; not copied).  NULL with cause.
 */
struct mrt_reader *decode_mrt_open(const char *path, char **cause);
struct mrt_reader *decode_mrt_mem(const void *, size_t, const char *name);
/*
 * The next record: 1 and *rec filled, 0 at a clean end, -1 on an error
 * with a located cause (a truncated or absurd record, a damaged
 * compressed stream).  After -1 the reader is at its end.
 */
int	 decode_mrt_next(struct mrt_reader *, struct mrt_record *,
	     char **cause);
const char *decode_mrt_name(const struct mrt_reader *);
void	 decode_mrt_close(struct mrt_reader *);

enum mrt_elem_type {
	MRT_ELEM_RIB,		/* a TABLE_DUMP(_V2) route */
	MRT_ELEM_ANNOUNCE,	/* from a BGP4MP UPDATE */
	MRT_ELEM_WITHDRAW,
	MRT_ELEM_STATE		/* BGP4MP state change */
};

/* One element; valid only during the callback. */
struct mrt_elem {
	enum mrt_elem_type	 type;
	const struct mrt_record	*rec;
	int			 addpath;	/* record was an ADD-PATH one */
	struct addr		 peer_addr;
	uint32_t		 peer_as;
	uint32_t		 orig_time;	/* RIB entries */
	const struct bgp_nlri	*nlri;		/* RIB, ANNOUNCE, WITHDRAW */
	const struct bgp_attrs	*attrs;		/* RIB, ANNOUNCE */
	/*
	 * Not 0: the same for every element of one shared attribute set
	 * (the prefixes of one UPDATE; the RIB entries of one peer whose
	 * attribute bytes repeat), kept by the decoder in attrs_slot (the
	 * RIB entry's peer index, else 0): a cache of what is derived from
	 * the attributes can keep one set per slot.
	 */
	uint64_t		 attrs_id;
	uint32_t		 attrs_slot;
	int			 treat_as_withdraw;
	uint16_t		 old_state, new_state;	/* STATE */
};

typedef void (*mrt_elem_cb)(const struct mrt_elem *, void *);

struct mrt_peer {
	struct addr	addr;
	uint32_t	asn;
	uint32_t	bgp_id;
};

/*
 * The last attribute set of a TABLE_DUMP_V2 peer, kept decoded: a RIB
 * record lists every peer's route to one prefix, the next record the
 * next prefix, and neighbouring prefixes often share their attributes
 * (half the entries of a RouteViews RIB repeat their peer's previous
 * set byte for byte).
 */
struct mrt_memo {
	uint8_t		*raw;		/* the attribute bytes */
	size_t		 len;
	size_t		 cap;
	struct bgp_update u;		/* decoded when id != 0 */
	uint64_t	 id;		/* mrt_elem attrs_id */
	void		*ref;		/* or what memo_owner made of them */
};

/* Decoder state across records: the TDv2 peer index and counters. */
struct mrt_decoder {
	struct mrt_peer	*peers;
	struct mrt_memo	*memo;		/* one per peer */
	/*
	 * rib-mrt.c keeps the RIB's interned set of each memo, with a
	 * reference that memo_put(memo_owner, ref) gives back when the memo
	 * changes or is freed: free the decoder before that RIB.
	 */
	void		*memo_owner;
	void		(*memo_put)(void *owner, void *ref);
	size_t		 npeers;
	uint64_t	 nrecords;
	uint64_t	 nskipped;	/* types and subtypes not decoded */
	uint64_t	 nerrors;	/* records that failed to decode */
	uint64_t	 nelems;
	uint64_t	 nsets;		/* attribute sets shared by elements */
};

/*
 * What a record holds, by type and subtype; for MRT_KIND_RIB also the
 * family (AF_INET, AF_INET6), the SAFI (multicast too, as bgpdump prints
 * them) and whether the entries carry path ids (RFC 8050).  BGP4MP
 * subtypes are told apart by decode_mrt_bgp4mp_header().
 */
enum mrt_kind {
	MRT_KIND_SKIP,		/* not decoded: counted skipped */
	MRT_KIND_TD1,		/* RFC 6396 4.2 */
	MRT_KIND_PEER_INDEX,	/* RFC 6396 4.3.1 */
	MRT_KIND_RIB,		/* RFC 6396 4.3.2, RFC 8050 4 */
	MRT_KIND_BGP4MP		/* RFC 6396 4.4, 4.5 */
};
enum mrt_kind decode_mrt_kind(const struct mrt_record *, int *af,
	     uint8_t *safi, int *addpath);

/*
 * The record layouts both decoders read: decode_mrt_record() here, into
 * elements, and rib_mrt_record() (rib-mrt.c), straight into the RIB: one
 * parser for each layout, so the two cannot drift apart.  Each reads from
 * a cursor over the record body (after any extended timestamp), allocates
 * nothing and returns 0, or -1 with *what naming the fault (a static
 * string).
 */

/* RFC 6396 4.2: a TABLE_DUMP record up to and with its attributes. */
struct mrt_td1_entry {
	struct prefix	 prefix;		/* length checked */
	struct addr	 peer_addr;
	uint32_t	 peer_as;		/* 2-octet in this format */
	uint32_t	 orig_time;
	struct buf	 attrs;			/* path attributes */
};
int	 decode_mrt_td1_entry(const struct mrt_record *, struct buf *,
	     struct mrt_td1_entry *, const char **what);

/*
 * RFC 6396 4.3.2: a TABLE_DUMP_V2 RIB record's header, the prefix (af
 * AF_INET or AF_INET6, its length checked) and the entry count; then
 * RFC 6396 4.3.4 (and RFC 8050 4 with addpath) one RIB entry up to and
 * with its attributes, the peer index checked against the peer table.
 */
struct mrt_rib_entry {
	uint16_t	 peer;			/* index into d->peers */
	uint32_t	 orig_time;
	uint32_t	 path_id;		/* 0 without ADD-PATH */
	struct buf	 attrs;			/* path attributes */
};
int	 decode_mrt_rib_header(struct buf *, int af, struct prefix *,
	     uint16_t *count, const char **what);
int	 decode_mrt_rib_entry(const struct mrt_decoder *, struct buf *,
	     int addpath, struct mrt_rib_entry *, const char **what);

/*
 * RFC 6396 4.4 (4.5 for BGP4MP_ET) with the RFC 8050 subtypes: a BGP4MP
 * record's header, then the state change or the BGP message's header.
 * 1 for a subtype not decoded (counted in d->nskipped); -1 with *what,
 * or with *cause (allocated) for a bad BGP message header.
 */
struct mrt_bgp4mp_hdr {
	uint32_t	 peer_as, local_as;
	struct addr	 peer_addr, local_addr;	/* old Zebra state: AF_INET,
						 * zero, no local */
	uint16_t	 ifindex;
	int		 as4;			/* 4-octet AS numbers */
	int		 addpath;		/* RFC 8050 subtype */
	int		 state;			/* a STATE_CHANGE: */
	uint16_t	 old_state, new_state;
	uint8_t		 msg_type;		/* else a message: BGP_MSG_* */
	const uint8_t	*msg;			/* its body after the header */
	uint16_t	 msg_len;
	struct bgp_decode_opts opts;		/* to decode an UPDATE body */
};
int	 decode_mrt_bgp4mp_header(struct mrt_decoder *,
	     const struct mrt_record *, struct buf *, struct mrt_bgp4mp_hdr *,
	     const char **what, char **cause);
/*
 * A record that failed: counted in d->nerrors, *cause set to "name: record
 * N at offset O (type T/S): " and what, else detail, else "malformed".
 */
void	 decode_mrt_error(struct mrt_decoder *, const struct mrt_record *,
	     const char *name, const char *what, const char *detail,
	     char **cause);

/*
 * The memo of a TABLE_DUMP_V2 RIB entry's peer (allocated with the
 * first); decode_mrt_memo_set() makes it hold the entry's attribute
 * bytes, dropping what it held (the decoded set, the owner's ref).
 */
struct mrt_memo *decode_mrt_memo(struct mrt_decoder *,
	     const struct mrt_rib_entry *);
void	 decode_mrt_memo_set(struct mrt_decoder *, struct mrt_memo *,
	     const struct buf *);

void	 decode_mrt_init(struct mrt_decoder *);
void	 decode_mrt_free(struct mrt_decoder *);
/*
 * Decode one record, calling cb for each element.  0 on success (also for
 * skipped records), -1 with a located cause when the record is malformed
 * (the caller may go on with the next record).
 */
int	 decode_mrt_record(struct mrt_decoder *, const struct mrt_record *,
	     const char *name, mrt_elem_cb cb, void *arg, char **cause);

#endif
