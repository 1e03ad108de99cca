/*
 * Loading MRT records (RFC 6396) into the RIB.
 *
 * TABLE_DUMP (4.2) and TABLE_DUMP_V2 RIB entries (4.3.2, with the RFC 8050
 * ADD-PATH subtypes) hand their raw attribute bytes straight to the
 * interning of rib.c: an attribute set seen before is found by its bytes
 * and not decoded again, which is what makes loading a full table much
 * faster than decoding it.  The PEER_INDEX_TABLE (4.3.1) is read by
 * decode-mrt.c.  BGP4MP(_ET) messages (4.4, 4.5) go through
 * rib_update(); a state change away from Established flushes the peer.
 * Multicast RIB subtypes are skipped (the RIB is unicast only).
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "decode-mrt.h"
#include "rib.h"

#define BGP_STATE_ESTABLISHED	6	/* RFC 6396 4.4.1 */

static void	rib_mrt_noop_cb(const struct mrt_elem *, void *);
static int	rib_mrt_addr(struct buf *, int, struct addr *);
static int	rib_mrt_td2(struct rib *, struct mrt_decoder *,
		    const struct mrt_record *, struct buf *, int, int,
		    const char **, char **);
static int	rib_mrt_td1(struct rib *, struct mrt_decoder *,
		    const struct mrt_record *, struct buf *, const char **,
		    char **);
static int	rib_mrt_bgp4mp(struct rib *, struct mrt_decoder *,
		    const struct mrt_record *, struct buf *, const char **,
		    char **);

static void
rib_mrt_noop_cb(const struct mrt_elem *e, void *arg)
{
	(void)e;
	(void)arg;
}

static int
rib_mrt_addr(struct buf *b, int af, struct addr *a)
{
	memset(a, 0, sizeof *a);
	a->af = af;
	return (buf_get(b, a->b, af == AF_INET ? 4 : 16));
}

/* RFC 6396 4.3.2 and RFC 8050 4: a unicast RIB record. */
static int
rib_mrt_td2(struct rib *r, struct mrt_decoder *d,
    const struct mrt_record *rec, struct buf *b, int af, int addpath,
    const char **what, char **cause)
{
	struct bgp_decode_opts	 o;
	struct prefix		 pfx;
	struct rib_attr		*a;
	struct buf		 attrs;
	const int		*map;
	uint32_t		 seq, otime, path_id = 0;
	uint16_t		 count, idx, alen, i;
	uint8_t			 plen;
	int			 taw;
	char			*c = NULL;

	memset(&pfx, 0, sizeof pfx);
	if (buf_get_u32(b, &seq) != 0 ||	/* sequence number */
	    buf_get_u8(b, &plen) != 0) {	/* prefix length */
		*what = "truncated RIB entry header";
		return (-1);
	}
	if (plen > (af == AF_INET ? 32 : 128)) {
		*what = "bad prefix length";
		return (-1);
	}
	pfx.addr.af = af;
	pfx.len = plen;
	if (buf_get(b, pfx.addr.b, (plen + 7) / 8) != 0 ||	/* prefix */
	    buf_get_u16(b, &count) != 0) {		/* entry count */
		*what = "truncated RIB entry header";
		return (-1);
	}
	map = rib_mrt_peermap(r, d, 0);
	memset(&o, 0, sizeof o);
	o.as4 = 1;		/* RFC 6396 4.3.4 */
	o.mrt_rib = 1;
	for (i = 0; i < count; i++) {
		if (buf_get_u16(b, &idx) != 0 ||	/* peer index */
		    buf_get_u32(b, &otime) != 0 ||	/* originated time */
		    (addpath && buf_get_u32(b, &path_id) != 0) || /* path id */
		    buf_get_u16(b, &alen) != 0 ||	/* attribute length */
		    buf_sub(b, &attrs, alen) != 0) {	/* attributes */
			*what = "truncated RIB entry";
			return (-1);
		}
		if (idx >= d->npeers) {
			*what = "peer index out of range";
			return (-1);
		}
		d->nelems++;
		a = rib_attr_get(r, buf_ptr(&attrs), buf_left(&attrs), &o,
		    &taw, &c);
		if (a == NULL) {
			if (taw) {	/* RFC 7606: not a usable route */
				free(c);
				c = NULL;
				continue;
			}
			xasprintf(cause, "RIB entry %u: %s", i, c);
			free(c);
			return (-1);
		}
		rib_announce(r, map[idx], &pfx, path_id, a);
		rib_attr_put(r, a);
	}
	(void)rec;
	(void)seq;
	(void)otime;
	return (0);
}

/* RFC 6396 4.2: TABLE_DUMP. */
static int
rib_mrt_td1(struct rib *r, struct mrt_decoder *d,
    const struct mrt_record *rec, struct buf *b, const char **what,
    char **cause)
{
	struct bgp_decode_opts	 o;
	struct rib_peer_key	 k;
	struct prefix		 pfx;
	struct rib_attr		*a;
	uint16_t		 view, seq, as2, alen;
	uint8_t			 status;
	uint32_t		 otime;
	int			 af, taw, id;
	char			*c = NULL;

	af = rec->subtype == MRT_TD_AFI_IPV6 ? AF_INET6 : AF_INET;
	memset(&pfx, 0, sizeof pfx);
	memset(&k, 0, sizeof k);
	if (buf_get_u16(b, &view) != 0 ||			/* view */
	    buf_get_u16(b, &seq) != 0 ||			/* sequence */
	    rib_mrt_addr(b, af, &pfx.addr) != 0 ||		/* prefix */
	    buf_get_u8(b, &pfx.len) != 0 ||			/* length */
	    buf_get_u8(b, &status) != 0 ||			/* status */
	    buf_get_u32(b, &otime) != 0 ||			/* orig. time */
	    rib_mrt_addr(b, af, &k.addr) != 0 ||		/* peer IP */
	    buf_get_u16(b, &as2) != 0 ||			/* peer AS */
	    buf_get_u16(b, &alen) != 0 ||			/* attr len */
	    buf_left(b) < alen) {
		*what = "truncated TABLE_DUMP entry";
		return (-1);
	}
	if (pfx.len > (af == AF_INET ? 32 : 128)) {
		*what = "bad prefix length";
		return (-1);
	}
	d->nelems++;
	memset(&o, 0, sizeof o);
	o.mrt_rib = 1;
	if ((a = rib_attr_get(r, buf_ptr(b), alen, &o, &taw, &c)) == NULL) {
		if (taw) {
			free(c);
			return (0);
		}
		xasprintf(cause, "%s", c);
		free(c);
		return (-1);
	}
	k.asn = as2;
	k.kind = RIB_PEER_MRT;
	id = rib_peer_get(r, &k);
	rib_announce(r, id, &pfx, 0, a);
	rib_attr_put(r, a);
	(void)view;
	(void)seq;
	(void)status;
	(void)otime;
	return (0);
}

/* RFC 6396 4.4: BGP4MP (and 4.5 BGP4MP_ET) with RFC 8050 subtypes. */
static int
rib_mrt_bgp4mp(struct rib *r, struct mrt_decoder *d,
    const struct mrt_record *rec, struct buf *b, const char **what,
    char **cause)
{
	struct bgp_decode_opts	 o;
	struct rib_peer_key	 k;
	struct addr		 local;
	uint32_t		 peer_as, local_as;
	uint16_t		 as2, ifindex, afi, msglen;
	uint16_t		 old_state, new_state;
	uint8_t			 mtype;
	int			 as4, addpath, af, id, state;
	char			*c = NULL;

	switch (rec->subtype) {
	case MRT_BGP4MP_STATE:
	case MRT_BGP4MP_MESSAGE:
	case MRT_BGP4MP_MESSAGE_LOCAL:
	case MRT_BGP4MP_MESSAGE_AP:
	case MRT_BGP4MP_MESSAGE_LOCAL_AP:
		as4 = 0;
		break;
	case MRT_BGP4MP_STATE_AS4:
	case MRT_BGP4MP_MESSAGE_AS4:
	case MRT_BGP4MP_MESSAGE_AS4_LOCAL:
	case MRT_BGP4MP_MESSAGE_AS4_AP:
	case MRT_BGP4MP_MESSAGE_AS4_LOCAL_AP:
		as4 = 1;
		break;
	default:
		d->nskipped++;
		return (0);
	}
	addpath = rec->subtype >= MRT_BGP4MP_MESSAGE_AP;
	state = rec->subtype == MRT_BGP4MP_STATE ||
	    rec->subtype == MRT_BGP4MP_STATE_AS4;
	memset(&k, 0, sizeof k);
	k.kind = RIB_PEER_MRT;
	if (as4) {
		if (buf_get_u32(b, &peer_as) != 0 ||	/* peer AS */
		    buf_get_u32(b, &local_as) != 0)	/* local AS */
			goto trunc;
	} else {
		if (buf_get_u16(b, &as2) != 0)		/* peer AS */
			goto trunc;
		peer_as = as2;
		if (buf_get_u16(b, &as2) != 0)		/* local AS */
			goto trunc;
		local_as = as2;
	}
	k.asn = peer_as;
	if (!as4 && rec->subtype == MRT_BGP4MP_STATE && rec->len == 8) {
		/* Old Zebra state change: no addresses (decode-mrt.c). */
		k.addr.af = AF_INET;
	} else {
		if (buf_get_u16(b, &ifindex) != 0 ||	/* interface index */
		    buf_get_u16(b, &afi) != 0)		/* address family */
			goto trunc;
		if (afi != BGP_AFI_IPV4 && afi != BGP_AFI_IPV6) {
			*what = "bad address family";
			return (-1);
		}
		af = afi == BGP_AFI_IPV4 ? AF_INET : AF_INET6;
		if (rib_mrt_addr(b, af, &k.addr) != 0 ||	/* peer IP */
		    rib_mrt_addr(b, af, &local) != 0)		/* local IP */
			goto trunc;
	}
	if (state) {
		if (buf_get_u16(b, &old_state) != 0 ||	/* old state */
		    buf_get_u16(b, &new_state) != 0)	/* new state */
			goto trunc;
		d->nelems++;
		if ((id = rib_peer_find(r, &k)) != -1 &&
		    new_state != BGP_STATE_ESTABLISHED)
			rib_peer_flush(r, id);
		return (0);
	}

	if (decode_bgp_header(buf_ptr(b), buf_left(b), &mtype, &msglen,
	    &c) != 0) {
		xasprintf(cause, "%s", c);
		free(c);
		return (-1);
	}
	if (msglen > buf_left(b)) {
		*what = "BGP message longer than the record";
		return (-1);
	}
	if (mtype != BGP_MSG_UPDATE)
		return (0);
	memset(&o, 0, sizeof o);
	o.as4 = as4;
	o.addpath_v4 = o.addpath_v6 = addpath;
	id = rib_peer_get(r, &k);
	if (rib_update(r, id, buf_ptr(b) + BGP_HEADER_LEN,
	    msglen - BGP_HEADER_LEN, &o, NULL, &c) == -1) {
		xasprintf(cause, "UPDATE: %s", c);
		free(c);
		return (-1);
	}
	(void)local_as;
	return (0);
trunc:
	*what = "truncated BGP4MP header";
	return (-1);
}

int
rib_mrt_record(struct rib *r, struct mrt_decoder *d,
    const struct mrt_record *rec, const char *name, char **cause)
{
	struct buf	 b;
	const char	*what = NULL;
	char		*c = NULL;
	int		 rv = 0, st = rec->subtype;

	if (rec->type == MRT_TABLE_DUMP_V2 && st == MRT_TD2_PEER_INDEX) {
		rv = decode_mrt_record(d, rec, name, rib_mrt_noop_cb, NULL,
		    cause);
		if (rv == 0)
			rib_mrt_peermap(r, d, 1);
		return (rv);
	}
	d->nrecords++;
	buf_init(&b, rec->body, rec->len);
	switch (rec->type) {
	case MRT_TABLE_DUMP:
		if (st != MRT_TD_AFI_IPV4 && st != MRT_TD_AFI_IPV6) {
			d->nskipped++;
			return (0);
		}
		rv = rib_mrt_td1(r, d, rec, &b, &what, &c);
		break;
	case MRT_TABLE_DUMP_V2:
		switch (st) {
		case MRT_TD2_RIB_IPV4_UNI:
		case MRT_TD2_RIB_IPV4_UNI_AP:
			rv = rib_mrt_td2(r, d, rec, &b, AF_INET,
			    st == MRT_TD2_RIB_IPV4_UNI_AP, &what, &c);
			break;
		case MRT_TD2_RIB_IPV6_UNI:
		case MRT_TD2_RIB_IPV6_UNI_AP:
			rv = rib_mrt_td2(r, d, rec, &b, AF_INET6,
			    st == MRT_TD2_RIB_IPV6_UNI_AP, &what, &c);
			break;
		default:
			d->nskipped++;	/* multicast, RIB_GENERIC, ... */
			return (0);
		}
		break;
	case MRT_BGP4MP:
	case MRT_BGP4MP_ET:
		rv = rib_mrt_bgp4mp(r, d, rec, &b, &what, &c);
		break;
	default:
		d->nskipped++;
		return (0);
	}
	if (rv != 0) {
		d->nerrors++;
		xasprintf(cause, "%s: record %llu at offset %llu (type %u/%u): "
		    "%s", name, (unsigned long long)rec->recno,
		    (unsigned long long)rec->offset, rec->type, rec->subtype,
		    what != NULL ? what : (c != NULL ? c : "malformed"));
	}
	free(c);
	return (rv);
}
