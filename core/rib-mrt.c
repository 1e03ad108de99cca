/* SPDX-License-Identifier: ISC */
/*
 * Loading MRT records (RFC 6396) into the RIB.
 *
 * TABLE_DUMP (4.2) and TABLE_DUMP_V2 RIB entries (4.3.2, with the RFC 8050
 * ADD-PATH subtypes) hand their raw attribute bytes straight to the
 * interning of rib.c: an attribute set seen before is found by its bytes
 * and not decoded again, which is what makes loading a full table much
 * faster than decoding it.  The PEER_INDEX_TABLE (4.3.1) and the record
 * layouts are read by decode-mrt.c, the same code its element decoder
 * uses (no allocation, no copy).  BGP4MP(_ET) messages (4.4, 4.5) go through
 * rib_update(); a state change away from Established flushes the peer.
 * Multicast RIB subtypes are skipped (the RIB is unicast only).
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/decode-mrt.h"
#include "core/rib.h"

#define BGP_STATE_ESTABLISHED	6	/* RFC 6396 4.4.1 */

static void	rib_mrt_noop_cb(const struct mrt_elem *, void *);
static void	rib_mrt_memo_put(void *, void *);
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

/* A memo's set given back (struct mrt_decoder's memo_put). */
static void
rib_mrt_memo_put(void *owner, void *ref)
{
	rib_attr_put(owner, ref);
}

/*
 * RFC 6396 4.3.2 and RFC 8050 4: a unicast RIB record.  The record layout
 * is read by decode-mrt.c's decode_mrt_rib_header() and _entry(), which
 * hand back a cursor over each entry's attributes, not a copy.  The set
 * of each peer's last entry is kept in the decoder's memo, with a
 * reference: an entry with the same attribute bytes (half of a RouteViews
 * RIB's) takes it without scanning, hashing and probing them again.
 */
static int
rib_mrt_td2(struct rib *r, struct mrt_decoder *d,
    const struct mrt_record *rec, struct buf *b, int af, int addpath,
    const char **what, char **cause)
{
	struct bgp_decode_opts	 o;
	struct prefix		 pfx;
	struct mrt_rib_entry	 re;
	struct mrt_memo		*m;
	struct rib_attr		*a;
	const int		*map;
	size_t			 len;
	uint16_t		 count, i;
	int			 taw;
	char			*c = NULL;

	if (decode_mrt_rib_header(b, af, &pfx, &count, what) != 0)
		return (-1);
	map = rib_mrt_peermap(r, d, 0);
	if (d->memo_owner != r) {
		/* Another RIB's sets: forgotten, not given back (it may be
		 * gone; at worst they stay interned until it is). */
		if (d->memo_owner != NULL && d->memo != NULL) {
			for (i = 0; i < d->npeers; i++)
				d->memo[i].ref = NULL;
		}
		d->memo_owner = r;
		d->memo_put = rib_mrt_memo_put;
	}
	memset(&o, 0, sizeof o);
	o.as4 = 1;		/* RFC 6396 4.3.4 */
	o.mrt_rib = 1;
	for (i = 0; i < count; i++) {
		if (decode_mrt_rib_entry(d, b, addpath, &re, what) != 0)
			return (-1);
		d->nelems++;
		m = decode_mrt_memo(d, &re);
		len = buf_left(&re.attrs);
		if (m->ref != NULL && m->len == len &&
		    memcmp(m->raw, buf_ptr(&re.attrs), len) == 0) {
			rib_announce(r, map[re.peer], &pfx, re.path_id,
			    m->ref);
			continue;
		}
		a = rib_attr_get(r, buf_ptr(&re.attrs), len, &o, &taw, &c);
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
		rib_announce(r, map[re.peer], &pfx, re.path_id, a);
		decode_mrt_memo_set(d, m, &re.attrs);
		m->ref = a;		/* the reference of rib_attr_get() */
	}
	(void)rec;
	return (0);
}

/* RFC 6396 4.2: TABLE_DUMP, read by decode_mrt_td1_entry(). */
static int
rib_mrt_td1(struct rib *r, struct mrt_decoder *d,
    const struct mrt_record *rec, struct buf *b, const char **what,
    char **cause)
{
	struct bgp_decode_opts	 o;
	struct mrt_td1_entry	 te;
	struct rib_peer_key	 k;
	struct rib_attr		*a;
	int			 taw, id;
	char			*c = NULL;

	if (decode_mrt_td1_entry(rec, b, &te, what) != 0)
		return (-1);
	d->nelems++;
	memset(&o, 0, sizeof o);
	o.mrt_rib = 1;
	if ((a = rib_attr_get(r, buf_ptr(&te.attrs), buf_left(&te.attrs), &o,
	    &taw, &c)) == NULL) {
		if (taw) {
			free(c);
			return (0);
		}
		xasprintf(cause, "%s", c);
		free(c);
		return (-1);
	}
	memset(&k, 0, sizeof k);
	k.addr = te.peer_addr;
	k.asn = te.peer_as;
	k.kind = RIB_PEER_MRT;
	id = rib_peer_get(r, &k);
	rib_announce(r, id, &te.prefix, 0, a);
	rib_attr_put(r, a);
	return (0);
}

/*
 * RFC 6396 4.4: BGP4MP (and 4.5 BGP4MP_ET), read by
 * decode_mrt_bgp4mp_header(); an UPDATE goes to rib_update(), a state
 * change away from Established flushes the peer.
 */
static int
rib_mrt_bgp4mp(struct rib *r, struct mrt_decoder *d,
    const struct mrt_record *rec, struct buf *b, const char **what,
    char **cause)
{
	struct mrt_bgp4mp_hdr	 h;
	struct rib_peer_key	 k;
	int			 id, rv;
	char			*c = NULL;

	if ((rv = decode_mrt_bgp4mp_header(d, rec, b, &h, what, cause)) != 0)
		return (rv == 1 ? 0 : -1);
	memset(&k, 0, sizeof k);
	k.kind = RIB_PEER_MRT;
	k.asn = h.peer_as;
	k.addr = h.peer_addr;
	if (h.state) {
		d->nelems++;
		if ((id = rib_peer_find(r, &k)) != -1 &&
		    h.new_state != BGP_STATE_ESTABLISHED)
			rib_peer_flush(r, id);
		return (0);
	}
	if (h.msg_type != BGP_MSG_UPDATE)
		return (0);
	id = rib_peer_get(r, &k);
	if (rib_update(r, id, h.msg, h.msg_len, &h.opts, NULL, &c) == -1) {
		xasprintf(cause, "UPDATE: %s", c);
		free(c);
		return (-1);
	}
	return (0);
}

int
rib_mrt_record(struct rib *r, struct mrt_decoder *d,
    const struct mrt_record *rec, const char *name, char **cause)
{
	struct buf	 b;
	const char	*what = NULL;
	char		*c = NULL;
	enum mrt_kind	 kind;
	uint8_t		 safi = 0;
	int		 rv = 0, af = 0, addpath = 0;

	kind = decode_mrt_kind(rec, &af, &safi, &addpath);
	if (kind == MRT_KIND_PEER_INDEX) {
		rv = decode_mrt_record(d, rec, name, rib_mrt_noop_cb, NULL,
		    cause);
		if (rv == 0)
			rib_mrt_peermap(r, d, 1);
		return (rv);
	}
	d->nrecords++;
	buf_init(&b, rec->body, rec->len);
	switch (kind) {
	case MRT_KIND_TD1:
		rv = rib_mrt_td1(r, d, rec, &b, &what, &c);
		break;
	case MRT_KIND_RIB:
		if (safi != BGP_SAFI_UNICAST) {
			d->nskipped++;	/* the RIB is unicast only */
			return (0);
		}
		rv = rib_mrt_td2(r, d, rec, &b, af, addpath, &what, &c);
		break;
	case MRT_KIND_BGP4MP:
		rv = rib_mrt_bgp4mp(r, d, rec, &b, &what, &c);
		break;
	default:
		d->nskipped++;
		return (0);
	}
	if (rv != 0)
		decode_mrt_error(d, rec, name, what, c, cause);
	free(c);
	return (rv);
}
