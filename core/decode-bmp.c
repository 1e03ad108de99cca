/* SPDX-License-Identifier: ISC */
/*
 * BGP Monitoring Protocol decoder (RFC 7854; Adj-RIB-Out peers, RFC 8671;
 * Loc-RIB peers, RFC 9069).
 *
 * A router opens a TCP connection to the collector and streams messages,
 * each starting with a six-byte common header (version 3, a 32-bit length
 * that includes the header, a type).  The framer reassembles them from
 * whatever chunks the socket gives, rejecting a header before buffering
 * its body, so a bad length never makes us allocate more than
 * BMP_MSG_MAX.  The decoder reads one message through a bounded cursor;
 * every message but Initiation and Termination carries the 42-byte
 * per-peer header.  Route Monitoring wraps a BGP UPDATE whose AS_PATH
 * width and ADD-PATH path identifiers depend on what the peer's two
 * OPENs (carried in its Peer Up) negotiated, so the context keeps a small
 * table of peers keyed by (peer type, distinguisher, address).
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/decode-bmp.h"

#define BMP_PEER_TABLE_MAX	4096	/* peers remembered per router */

static int	 decode_bmp_fail(char **, uint64_t, unsigned int, const char *);
static int	 decode_bmp_peer_hdr(struct buf *, struct bmp_peer *);
static void	 decode_bmp_tlv_string(struct buf *, char *, size_t);
static int	 decode_bmp_init_term(struct buf *, struct bmp_msg *,
		    const char **);
static int	 decode_bmp_stats(struct buf *, struct bmp_msg *,
		    const char **);
static int	 decode_bmp_bgp_msg(struct buf *, uint8_t, struct buf *,
		    const char **);
static void	 decode_bmp_open_extra(struct buf *, struct bmp_open_extra *);
static int	 decode_bmp_open(struct buf *, struct bgp_open *, const char **,
		    char **, struct bmp_open_extra *);
static int	 decode_bmp_notification(struct buf *, struct bmp_peer_down *,
		    const char **);
static int	 decode_bmp_peer_down(struct bmp_ctx *, struct buf *,
		    struct bmp_msg *, const char **);
static int	 decode_bmp_peer_up(struct bmp_ctx *, struct buf *,
		    struct bmp_msg *, const char **, char **);
static unsigned int decode_bmp_afs(const struct bgp_open *);
static unsigned int decode_bmp_eor(const uint8_t *, size_t);
static unsigned int decode_bmp_update_afs(const uint8_t *, size_t);
static int	 decode_bmp_route_mon(struct bmp_ctx *, struct buf *,
		    struct bmp_msg *, const char **, char **);
static struct bmp_peer_state *decode_bmp_ctx_find(const struct bmp_ctx *,
		    const struct bmp_peer *);
static struct bmp_peer_state *decode_bmp_ctx_add(struct bmp_ctx *,
		    const struct bmp_peer *);
static const char	*decode_bmp_type_name(unsigned int);

/* ------------------------------------------------------------ names */

static const char *
decode_bmp_type_name(unsigned int t)
{
	static const char *const names[] = {
		"route monitoring", "statistics report", "peer down",
		"peer up", "initiation", "termination", "route mirroring"
	};

	return (t < BMP_NTYPES ? names[t] : "unknown");
}

const char *
decode_bmp_peer_type_name(unsigned int t)
{
	switch (t) {
	case BMP_PEER_GLOBAL:
		return ("global instance");
	case BMP_PEER_RD:
		return ("RD instance");
	case BMP_PEER_LOCAL:
		return ("local instance");
	case BMP_PEER_LOC_RIB:
		return ("Loc-RIB instance");
	}
	return ("unknown");
}

/* RFC 7854 4.8 and RFC 8671 5: statistics types. */
const char *
decode_bmp_stat_name(unsigned int t)
{
	static const char *const names[] = {
		"prefixes rejected by inbound policy",
		"duplicate prefix advertisements",
		"duplicate withdraws",
		"updates invalidated due to CLUSTER_LIST loop",
		"updates invalidated due to AS_PATH loop",
		"updates invalidated due to ORIGINATOR_ID",
		"updates invalidated due to AS_CONFED loop",
		"routes in Adj-RIBs-In",
		"routes in Loc-RIB",
		"routes in per-AFI/SAFI Adj-RIB-In",
		"routes in per-AFI/SAFI Loc-RIB",
		"updates subjected to treat-as-withdraw",
		"prefixes subjected to treat-as-withdraw",
		"duplicate update messages",
		"routes in pre-policy Adj-RIB-Out",
		"routes in post-policy Adj-RIB-Out",
		"routes in per-AFI/SAFI pre-policy Adj-RIB-Out",
		"routes in per-AFI/SAFI post-policy Adj-RIB-Out"
	};

	return (t < sizeof names / sizeof names[0] ? names[t] : "unknown");
}

/* RFC 7854 4.9, RFC 9069 5.4: Peer Down reasons. */
const char *
decode_bmp_down_reason_name(unsigned int r)
{
	switch (r) {
	case 1:
		return ("local system closed with a NOTIFICATION");
	case 2:
		return ("local system closed without a NOTIFICATION");
	case 3:
		return ("remote system closed with a NOTIFICATION");
	case 4:
		return ("remote system closed without data");
	case 5:
		return ("peer de-configured");
	case 6:
		return ("local system closed, TLV data follows");
	case 7:
		return ("reason 7 (not defined by RFC 7854 or 9069)");
	}
	return ("unknown reason");
}

/* RFC 7854 4.5: Termination reasons. */
const char *
decode_bmp_term_reason_name(unsigned int r)
{
	static const char *const names[] = {
		"session administratively closed",
		"unspecified reason",
		"out of resources",
		"redundant connection",
		"session permanently administratively closed"
	};

	return (r < sizeof names / sizeof names[0] ? names[r] : "unknown");
}

/* ------------------------------------------------------------ framer */

void
decode_bmp_framer_init(struct bmp_framer *f)
{
	memset(f, 0, sizeof *f);
}

void
decode_bmp_framer_free(struct bmp_framer *f)
{
	free(f->buf);
	memset(f, 0, sizeof *f);
}

int
decode_bmp_framer_feed(struct bmp_framer *f, const void *data, size_t len,
    char **cause)
{
	size_t	 need;

	if (f->failed) {
		xasprintf(cause, "offset %llu: stream already rejected",
		    (unsigned long long)f->offset);
		return (-1);
	}
	if (len == 0)
		return (0);
	if (f->start > 0) {
		memmove(f->buf, f->buf + f->start, f->len - f->start);
		f->len -= f->start;
		f->start = 0;
	}
	if (len > BMP_BUF_MAX || f->len > BMP_BUF_MAX - len) {
		/* the caller did not drain decode_bmp_framer_next() first */
		f->failed = 1;
		xasprintf(cause, "offset %llu: more than %d bytes buffered",
		    (unsigned long long)f->offset, BMP_BUF_MAX);
		return (-1);
	}
	need = f->len + len;
	if (need > f->cap) {
		if (f->cap < 65536)
			f->cap = 65536;
		while (f->cap < need)
			f->cap *= 2;
		f->buf = xreallocarray(f->buf, 1, f->cap);
	}
	memcpy(f->buf + f->len, data, len);
	f->len += len;
	return (0);
}

/* RFC 7854 4.1: Common Header. */
int
decode_bmp_framer_next(struct bmp_framer *f, const uint8_t **msg, size_t *len,
    uint64_t *offset, char **cause)
{
	struct buf	 b;
	uint8_t		 version, type;
	uint32_t	 mlen;

	if (f->failed) {
		xasprintf(cause, "offset %llu: stream already rejected",
		    (unsigned long long)f->offset);
		return (-1);
	}
	buf_init(&b, f->buf + f->start, f->len - f->start);
	if (buf_left(&b) < BMP_HDR_LEN)
		return (0);
	if (buf_get_u8(&b, &version) ||
	    buf_get_u32(&b, &mlen) ||
	    buf_get_u8(&b, &type))
		return (0);
	if (version != BMP_VERSION) {
		f->failed = 1;
		xasprintf(cause, "offset %llu: BMP version %u, not 3",
		    (unsigned long long)f->offset, version);
		return (-1);
	}
	if (mlen < BMP_HDR_LEN || mlen > BMP_MSG_MAX) {
		f->failed = 1;
		xasprintf(cause, "offset %llu: %s message length %u out of "
		    "range (%d..%d)", (unsigned long long)f->offset,
		    decode_bmp_type_name(type), mlen, BMP_HDR_LEN, BMP_MSG_MAX);
		return (-1);
	}
	if (f->len - f->start < mlen)
		return (0);
	*msg = f->buf + f->start;
	*len = mlen;
	*offset = f->offset;
	f->start += mlen;
	f->offset += mlen;
	return (1);
}

size_t
decode_bmp_framer_pending(const struct bmp_framer *f)
{
	return (f->len - f->start);
}

/* ------------------------------------------------------------ context */

void
decode_bmp_ctx_init(struct bmp_ctx *c)
{
	memset(c, 0, sizeof *c);
}

void
decode_bmp_ctx_free(struct bmp_ctx *c)
{
	free(c->peers);
	memset(c, 0, sizeof *c);
}

static struct bmp_peer_state *
decode_bmp_ctx_find(const struct bmp_ctx *c, const struct bmp_peer *p)
{
	size_t	 i;

	for (i = 0; i < c->npeers; i++) {
		if (c->peers[i].type == p->type &&
		    c->peers[i].distinguisher == p->distinguisher &&
		    addr_cmp(&c->peers[i].addr, &p->addr) == 0)
			return (&c->peers[i]);
	}
	return (NULL);
}

const struct bmp_peer_state *
decode_bmp_ctx_peer(const struct bmp_ctx *c, const struct bmp_peer *p)
{
	return (decode_bmp_ctx_find(c, p));
}

static struct bmp_peer_state *
decode_bmp_ctx_add(struct bmp_ctx *c, const struct bmp_peer *p)
{
	struct bmp_peer_state	*s;

	if ((s = decode_bmp_ctx_find(c, p)) != NULL)
		return (s);
	if (c->npeers >= BMP_PEER_TABLE_MAX)
		return (NULL);
	c->peers = xreallocarray(c->peers, c->npeers + 1, sizeof *c->peers);
	s = &c->peers[c->npeers++];
	memset(s, 0, sizeof *s);
	s->type = p->type;
	s->distinguisher = p->distinguisher;
	s->addr = p->addr;
	return (s);
}

/* ------------------------------------------------------------ decoder */

static int
decode_bmp_fail(char **cause, uint64_t offset, unsigned int type,
    const char *what)
{
	xasprintf(cause, "offset %llu: %s message: %s",
	    (unsigned long long)offset, decode_bmp_type_name(type), what);
	return (-1);
}

/* RFC 7854 4.2: Per-Peer Header; RFC 9069 4.1 for Loc-RIB. */
static int
decode_bmp_peer_hdr(struct buf *b, struct bmp_peer *p)
{
	uint8_t		 a[16];

	memset(p, 0, sizeof *p);
	if (buf_get_u8(b, &p->type) ||			/* peer type */
	    buf_get_u8(b, &p->flags) ||			/* peer flags */
	    buf_get_u64(b, &p->distinguisher) ||	/* distinguisher */
	    buf_get(b, a, sizeof a) ||			/* peer address */
	    buf_get_u32(b, &p->as) ||			/* peer AS */
	    buf_get_u32(b, &p->bgp_id) ||		/* peer BGP ID */
	    buf_get_u32(b, &p->ts_sec) ||		/* timestamp (s) */
	    buf_get_u32(b, &p->ts_usec))		/* timestamp (us) */
		return (-1);
	if (p->type == BMP_PEER_LOC_RIB) {
		/* RFC 9069 4.1: the address is zero, no V flag. */
		p->addr.af = 0;
	} else if (p->flags & BMP_PEER_FLAG_V) {
		p->addr.af = AF_INET6;
		memcpy(p->addr.b, a, 16);
	} else {
		p->addr.af = AF_INET;
		memcpy(p->addr.b, a + 12, 4);	/* last four bytes */
	}
	return (0);
}

/* A string TLV value: sanitised, never longer than the destination. */
static void
decode_bmp_tlv_string(struct buf *v, char *dst, size_t dstlen)
{
	sanitize(dst, dstlen, (const char *)buf_ptr(v), buf_left(v));
}

/* RFC 7854 4.3 (Initiation), 4.4 (TLVs), 4.5 (Termination). */
static int
decode_bmp_init_term(struct buf *b, struct bmp_msg *m, const char **what)
{
	struct buf	 v;
	uint16_t	 t, l, r;

	while (buf_left(b) > 0) {
		if (buf_get_u16(b, &t) ||		/* information type */
		    buf_get_u16(b, &l))			/* information length */
			goto fail;
		if (buf_sub(b, &v, l) == -1) {
			*what = "information TLV length overruns the message";
			return (-1);
		}
		if (m->type == BMP_TERMINATION && t == 1) {
			if (buf_get_u16(&v, &r) == -1) {	/* reason */
				*what = "termination reason too short";
				return (-1);
			}
			m->term_reason = r;
			continue;
		}
		switch (t) {
		case 0:
			decode_bmp_tlv_string(&v, m->info, sizeof m->info);
			break;
		case 1:
			decode_bmp_tlv_string(&v, m->sys_descr,
			    sizeof m->sys_descr);
			break;
		case 2:
			decode_bmp_tlv_string(&v, m->sys_name,
			    sizeof m->sys_name);
			break;
		default:
			break;		/* unknown TLVs are skipped */
		}
	}
	return (0);
fail:
	*what = "information TLV header cut";
	return (-1);
}

/* RFC 7854 4.8: Statistics Report; RFC 8671 5 adds types 14-17. */
static int
decode_bmp_stats(struct buf *b, struct bmp_msg *m, const char **what)
{
	struct buf	 v;
	struct bmp_stat	 s;
	uint32_t	 i, u32;
	uint16_t	 l;

	if (buf_get_u32(b, &m->stats_count) == -1) {	/* stats count */
		*what = "stats count missing";
		return (-1);
	}
	for (i = 0; i < m->stats_count; i++) {
		memset(&s, 0, sizeof s);
		if (buf_get_u16(b, &s.type) ||		/* stat type */
		    buf_get_u16(b, &l) ||		/* stat length */
		    buf_sub(b, &v, l)) {		/* stat data */
			*what = "statistics TLV overruns the message";
			return (-1);
		}
		switch (s.type) {
		case 9: case 10: case 16: case 17:
			/* AFI, SAFI, 64-bit gauge */
			if (buf_get_u16(&v, &s.afi) ||
			    buf_get_u8(&v, &s.safi) ||
			    buf_get_u64(&v, &s.value) ||
			    buf_left(&v) != 0)
				goto bad;
			break;
		default:
			/* 32-bit counters, 64-bit gauges; unknown types
			 * are kept when they have either width. */
			if (l == 4) {
				if (buf_get_u32(&v, &u32) == -1)
					goto bad;
				s.value = u32;
			} else if (l == 8) {
				if (buf_get_u64(&v, &s.value) == -1)
					goto bad;
			} else if (s.type <= 17)
				goto bad;
			else
				continue;
			break;
		}
		if (m->nstats < BMP_STATS_MAX)
			m->stats[m->nstats++] = s;
	}
	if (buf_left(b) != 0) {
		*what = "bytes after the last statistic";
		return (-1);
	}
	return (0);
bad:
	*what = "statistic of the wrong length";
	return (-1);
}

/*
 * RFC 4271 4.1: one BGP message of the expected type, header checked by
 * decode-bgp; *body is what follows the 19-byte header.
 */
static int
decode_bmp_bgp_msg(struct buf *b, uint8_t want, struct buf *body,
    const char **what)
{
	char		*bgpcause = NULL;
	uint16_t	 len;
	uint8_t		 type;

	if (decode_bgp_header(buf_ptr(b), buf_left(b), &type, &len,
	    &bgpcause) == -1 || len < BGP_HEADER_LEN || len > buf_left(b)) {
		free(bgpcause);
		*what = "BGP message header bad or cut";
		return (-1);
	}
	if (type != want) {
		*what = "unexpected BGP message type";
		return (-1);
	}
	if (buf_skip(b, BGP_HEADER_LEN) ||		/* BGP header */
	    buf_sub(b, body, len - BGP_HEADER_LEN)) {	/* BGP body */
		*what = "BGP message cut";
		return (-1);
	}
	return (0);
}

/* RFC 4271 4.2: one of the two OPENs of a Peer Up. */
static int
decode_bmp_open(struct buf *b, struct bgp_open *o, const char **what,
    char **bgpcause, struct bmp_open_extra *x)
{
	struct buf	 body;

	if (decode_bmp_bgp_msg(b, BGP_MSG_OPEN, &body, what) == -1)
		return (-1);
	if (decode_bgp_open(buf_ptr(&body), buf_left(&body), o,
	    bgpcause) == -1) {
		*what = "BGP OPEN";
		return (-1);
	}
	decode_bmp_open_extra(&body, x);
	return (0);
}

/*
 * RFC 4271 4.2, RFC 5492 4, RFC 9072 2: the capabilities of an OPEN
 * decode_bgp_open() has accepted, for the one it does not keep: graceful
 * restart (RFC 4724 3).  What does not parse is simply not there.
 */
static void
decode_bmp_open_extra(struct buf *b, struct bmp_open_extra *x)
{
	struct buf	 params, v;
	uint16_t	 plen;
	uint8_t		 olen, ptype, ext = 0, code, clen, l8;

	x->graceful_restart = 0;
	if (buf_skip(b, 9) ||			/* version, AS, hold, id */
	    buf_get_u8(b, &olen))		/* optional parameters length */
		return;
	plen = olen;
	/* RFC 9072 2: 255 then type 255 says the lengths are 2 bytes. */
	if (olen == 255 && buf_left(b) >= 3 && buf_ptr(b)[0] == 255) {
		if (buf_skip(b, 1) || buf_get_u16(b, &plen))
			return;
		ext = 1;
	}
	if (buf_sub(b, &params, plen))
		return;
	while (buf_left(&params) > 0) {
		if (buf_get_u8(&params, &ptype))		/* type */
			return;
		if (ext) {
			if (buf_get_u16(&params, &plen))	/* length */
				return;
		} else {
			if (buf_get_u8(&params, &l8))		/* length */
				return;
			plen = l8;
		}
		if (buf_sub(&params, &v, plen))		/* value */
			return;
		if (ptype != 2)				/* capabilities */
			continue;
		while (buf_left(&v) >= 2) {
			if (buf_get_u8(&v, &code) ||	/* capability code */
			    buf_get_u8(&v, &clen) ||	/* its length */
			    buf_left(&v) < clen)
				break;
			if (code == 64)
				x->graceful_restart = 1;
			if (buf_skip(&v, clen))
				break;
		}
	}
}

/* RFC 4271 4.5: the NOTIFICATION of a Peer Down, in words. */
static int
decode_bmp_notification(struct buf *b, struct bmp_peer_down *d,
    const char **what)
{
	struct buf	 body;
	char		*s;

	if (decode_bmp_bgp_msg(b, BGP_MSG_NOTIFICATION, &body, what) == -1)
		return (-1);
	if (buf_get_u8(&body, &d->notify_code) ||	/* error code */
	    buf_get_u8(&body, &d->notify_subcode)) {	/* error subcode */
		*what = "NOTIFICATION cut";
		return (-1);
	}
	d->has_notification = 1;
	s = decode_bgp_notification_str(d->notify_code, d->notify_subcode,
	    buf_ptr(&body), buf_left(&body));
	strlcpy_pt(d->notification, s, sizeof d->notification);
	free(s);
	return (0);
}

/* RFC 7854 4.9: Peer Down Notification. */
static int
decode_bmp_peer_down(struct bmp_ctx *c, struct buf *b, struct bmp_msg *m,
    const char **what)
{
	struct bmp_peer_state	*s;
	struct bmp_peer_down	*d = &m->down;

	if (buf_get_u8(b, &d->reason) == -1) {		/* reason */
		*what = "reason missing";
		return (-1);
	}
	switch (d->reason) {
	case 1:
	case 3:
		if (decode_bmp_notification(b, d, what) == -1)
			return (-1);
		break;
	case 2:
		if (buf_get_u16(b, &d->fsm_event) == -1) {	/* FSM event */
			*what = "FSM event code missing";
			return (-1);
		}
		break;
	default:
		/* 4, 5: no data; 6, 7 (RFC 9069): TLVs, not needed here */
		break;
	}
	if ((s = decode_bmp_ctx_find(c, &m->peer)) != NULL)
		s->up = 0;
	return (0);
}

/* RFC 4760 8: unicast AFs an OPEN carries (none listed: IPv4 only). */
static unsigned int
decode_bmp_afs(const struct bgp_open *o)
{
	unsigned int	 afs = 0;
	size_t		 i;

	if (o->nmp == 0)
		return (BMP_EOR_IPV4);
	for (i = 0; i < o->nmp && i < BGP_OPEN_MAX_AFS; i++) {
		if (o->mp[i].safi != BGP_SAFI_UNICAST)
			continue;
		if (o->mp[i].afi == BGP_AFI_IPV4)
			afs |= BMP_EOR_IPV4;
		else if (o->mp[i].afi == BGP_AFI_IPV6)
			afs |= BMP_EOR_IPV6;
	}
	return (afs);
}

/* RFC 7854 4.10: Peer Up Notification; RFC 9069 5.3 for the table name. */
static int
decode_bmp_peer_up(struct bmp_ctx *c, struct buf *b, struct bmp_msg *m,
    const char **what, char **bgpcause)
{
	struct bmp_peer_up	*u = &m->up;
	struct bmp_peer_state	*s;
	struct buf		 v;
	uint8_t			 a[16];
	uint16_t		 t, l;

	if (buf_get(b, a, sizeof a) ||			/* local address */
	    buf_get_u16(b, &u->local_port) ||		/* local port */
	    buf_get_u16(b, &u->remote_port)) {		/* remote port */
		*what = "local address or ports cut";
		return (-1);
	}
	if (m->peer.type != BMP_PEER_LOC_RIB &&
	    (m->peer.flags & BMP_PEER_FLAG_V)) {
		u->local_addr.af = AF_INET6;
		memcpy(u->local_addr.b, a, 16);
	} else if (m->peer.type != BMP_PEER_LOC_RIB) {
		u->local_addr.af = AF_INET;
		memcpy(u->local_addr.b, a + 12, 4);
	}
	if (decode_bmp_open(b, &u->sent, what, bgpcause, &u->sent_x) == -1 ||
	    decode_bmp_open(b, &u->received, what, bgpcause,
	    &u->received_x) == -1)
		return (-1);
	while (buf_left(b) > 0) {
		if (buf_get_u16(b, &t) ||		/* information type */
		    buf_get_u16(b, &l) ||		/* information length */
		    buf_sub(b, &v, l)) {		/* information value */
			*what = "information TLV overruns the message";
			return (-1);
		}
		if (t == 0)
			decode_bmp_tlv_string(&v, u->info, sizeof u->info);
		else if (t == 3)
			decode_bmp_tlv_string(&v, u->table_name,
			    sizeof u->table_name);
	}

	if ((s = decode_bmp_ctx_add(c, &m->peer)) == NULL)
		return (0);	/* table full: later UPDATEs use defaults */
	s->up = 1;
	s->as4 = u->sent.as4 && u->received.as4;
	s->as = u->received.asn;
	/* RFC 7911 4: path ids flow from the peer to the router (Adj-RIB-In)
	 * and from the router to the peer (Adj-RIB-Out). */
	s->addpath_in_v4 = decode_bgp_open_addpath(&u->received, &u->sent,
	    BGP_AFI_IPV4, BGP_SAFI_UNICAST);
	s->addpath_in_v6 = decode_bgp_open_addpath(&u->received, &u->sent,
	    BGP_AFI_IPV6, BGP_SAFI_UNICAST);
	s->addpath_out_v4 = decode_bgp_open_addpath(&u->sent, &u->received,
	    BGP_AFI_IPV4, BGP_SAFI_UNICAST);
	s->addpath_out_v6 = decode_bgp_open_addpath(&u->sent, &u->received,
	    BGP_AFI_IPV6, BGP_SAFI_UNICAST);
	s->afs = decode_bmp_afs(&u->sent) & decode_bmp_afs(&u->received);
	return (0);
}

/*
 * RFC 4724 2: an End-of-RIB is an UPDATE with nothing in it (IPv4
 * unicast) or with only an empty MP_UNREACH_NLRI for its AFI/SAFI.
 * Returns BMP_EOR_* for unicast, else 0.
 */
static unsigned int
decode_bmp_eor(const uint8_t *p, size_t len)
{
	struct buf	 b;
	uint16_t	 wlen, alen, afi;
	uint8_t		 flags, type, l8, safi;

	buf_init(&b, p, len);
	if (buf_get_u16(&b, &wlen) ||			/* withdrawn length */
	    buf_get_u16(&b, &alen) ||			/* attributes length */
	    wlen != 0 || alen != buf_left(&b))		/* and no NLRI */
		return (0);
	if (alen == 0)
		return (BMP_EOR_IPV4);
	/* One attribute: an MP_UNREACH of AFI and SAFI alone. */
	if (buf_get_u8(&b, &flags) ||			/* attribute flags */
	    buf_get_u8(&b, &type) ||			/* attribute type */
	    type != BGP_ATTR_MP_UNREACH)
		return (0);
	if (flags & 0x10) {				/* extended length */
		if (buf_get_u16(&b, &alen))
			return (0);
	} else {
		if (buf_get_u8(&b, &l8))		/* length */
			return (0);
		alen = l8;
	}
	if (alen != 3 || buf_left(&b) != 3 ||
	    buf_get_u16(&b, &afi) ||			/* AFI */
	    buf_get_u8(&b, &safi) ||			/* SAFI */
	    safi != BGP_SAFI_UNICAST)
		return (0);
	if (afi == BGP_AFI_IPV4)
		return (BMP_EOR_IPV4);
	if (afi == BGP_AFI_IPV6)
		return (BMP_EOR_IPV6);
	return (0);
}

/*
 * The unicast AFs an UPDATE carries routes for (RFC 4271 4.3: withdrawn
 * routes and NLRI are IPv4; RFC 4760 3, 4: MP_REACH / MP_UNREACH name
 * theirs), by walking the attribute headers only.  A malformed UPDATE
 * gives what was found so far (the RIB judges it).
 */
static unsigned int
decode_bmp_update_afs(const uint8_t *p, size_t len)
{
	struct buf	 b, attrs, la;
	uint16_t	 wlen, alen, l16, afi;
	uint8_t		 flags, type, l8, safi;
	unsigned int	 afs = 0;

	buf_init(&b, p, len);
	if (buf_get_u16(&b, &wlen) || buf_skip(&b, wlen))
		return (0);
	if (wlen > 0)
		afs |= BMP_EOR_IPV4;
	if (buf_get_u16(&b, &alen) || buf_sub(&b, &attrs, alen))
		return (afs);
	if (buf_left(&b) > 0)
		afs |= BMP_EOR_IPV4;			/* NLRI */
	while (buf_left(&attrs) > 0) {
		if (buf_get_u8(&attrs, &flags) || buf_get_u8(&attrs, &type))
			break;
		if (flags & 0x10) {			/* extended length */
			if (buf_get_u16(&attrs, &l16))
				break;
		} else {
			if (buf_get_u8(&attrs, &l8))
				break;
			l16 = l8;
		}
		/*
		 * AFI and SAFI read ahead on a copy: the value may run past
		 * the end, and what it names still counts.
		 */
		la = attrs;
		if ((type == 14 || type == 15) && l16 >= 3 &&
		    buf_get_u16(&la, &afi) == 0 &&		/* AFI */
		    buf_get_u8(&la, &safi) == 0) {		/* SAFI */
			/* An MP_UNREACH of 3 bytes is an End-of-RIB. */
			if (safi == BGP_SAFI_UNICAST &&
			    (type == 14 || l16 > 3)) {
				if (afi == BGP_AFI_IPV4)
					afs |= BMP_EOR_IPV4;
				else if (afi == BGP_AFI_IPV6)
					afs |= BMP_EOR_IPV6;
			}
		}
		if (buf_skip(&attrs, l16))
			break;
	}
	return (afs);
}

/* RFC 7854 4.6: Route Monitoring, a BGP UPDATE (RFC 4271 4.3). */
static int
decode_bmp_route_mon(struct bmp_ctx *c, struct buf *b, struct bmp_msg *m,
    const char **what, char **bgpcause)
{
	struct bmp_route_mon	*r = &m->rm;
	struct bmp_peer_state	*s;
	struct buf		 body;
	int			 out;

	if (decode_bmp_bgp_msg(b, BGP_MSG_UPDATE, &body, what) == -1)
		return (-1);
	if (buf_left(b) != 0) {
		/* RFC 7854 4.6: one UPDATE per Route Monitoring. */
		*what = "bytes after the BGP UPDATE";
		return (-1);
	}
	/*
	 * RFC 7854 4.2: the A flag says how this message's AS_PATH is
	 * written (a router may re-encode everything in 4 octets whatever
	 * the OPENs said), so it wins over the Peer Up capabilities.
	 */
	r->as4 = !(m->peer.flags & BMP_PEER_FLAG_A);
	out = m->peer.type != BMP_PEER_LOC_RIB &&
	    (m->peer.flags & BMP_PEER_FLAG_O);
	if ((s = decode_bmp_ctx_find(c, &m->peer)) != NULL) {
		r->addpath_v4 = out ? s->addpath_out_v4 : s->addpath_in_v4;
		r->addpath_v6 = out ? s->addpath_out_v6 : s->addpath_in_v6;
	}
	memset(&r->opts, 0, sizeof r->opts);
	r->opts.as4 = r->as4;
	/*
	 * RFC 6793 4.2.3: a peer whose session lacks the 4-octet AS
	 * capability (Peer Up OPENs) sends AS4_PATH and AS4_AGGREGATOR
	 * beside a 2-octet AS_PATH; they still need merging when the router
	 * re-encoded AS_PATH in 4 octets for BMP.
	 */
	r->opts.as4_old_peer = s != NULL && s->up && !s->as4 &&
	    m->peer.type != BMP_PEER_LOC_RIB;
	r->opts.addpath_v4 = r->addpath_v4;
	r->opts.addpath_v6 = r->addpath_v6;
	r->body = buf_ptr(&body);
	r->body_len = buf_left(&body);
	r->eor = decode_bmp_eor(r->body, r->body_len);
	r->afs = r->eor != 0 ? 0 : decode_bmp_update_afs(r->body,
	    r->body_len);
	if (c->raw_updates)
		return (0);
	if (decode_bgp_update(r->body, r->body_len, &r->opts,
	    &r->update, bgpcause) == -1) {
		memset(&r->update, 0, sizeof r->update);
		*what = "BGP UPDATE";
		return (-1);
	}
	r->decoded = 1;
	return (0);
}

void
decode_bmp_msg_free(struct bmp_msg *m)
{
	if (m->rm.decoded) {
		decode_bgp_update_free(&m->rm.update);
		m->rm.decoded = 0;
	}
}

int
decode_bmp(struct bmp_ctx *c, const uint8_t *data, size_t len,
    uint64_t offset, struct bmp_msg *m, char **cause)
{
	struct buf	 b;
	uint8_t		 version;
	const char	*what = NULL;
	char		*bgpcause = NULL;
	int		 rv = 0;

	memset(m, 0, sizeof *m);
	m->offset = offset;
	m->term_reason = -1;
	buf_init(&b, data, len);
	if (buf_get_u8(&b, &version) ||			/* version */
	    buf_get_u32(&b, &m->len) ||			/* message length */
	    buf_get_u8(&b, &m->type))			/* message type */
		return (decode_bmp_fail(cause, offset, 255,
		    "common header cut"));
	if (version != BMP_VERSION)
		return (decode_bmp_fail(cause, offset, m->type,
		    "version is not 3"));
	if (m->len != len)
		return (decode_bmp_fail(cause, offset, m->type,
		    "length does not match the framed message"));

	switch (m->type) {
	case BMP_ROUTE_MONITORING:
	case BMP_STATISTICS:
	case BMP_PEER_DOWN:
	case BMP_PEER_UP:
	case BMP_ROUTE_MIRRORING:
		if (decode_bmp_peer_hdr(&b, &m->peer) == -1)
			return (decode_bmp_fail(cause, offset, m->type,
			    "per-peer header cut"));
		m->has_peer = 1;
		break;
	}

	switch (m->type) {
	case BMP_ROUTE_MONITORING:
		rv = decode_bmp_route_mon(c, &b, m, &what, &bgpcause);
		break;
	case BMP_STATISTICS:
		rv = decode_bmp_stats(&b, m, &what);
		break;
	case BMP_PEER_DOWN:
		rv = decode_bmp_peer_down(c, &b, m, &what);
		break;
	case BMP_PEER_UP:
		rv = decode_bmp_peer_up(c, &b, m, &what, &bgpcause);
		break;
	case BMP_INITIATION:
		rv = decode_bmp_init_term(&b, m, &what);
		if (rv == 0) {
			strlcpy_pt(c->sys_name, m->sys_name,
			    sizeof c->sys_name);
			strlcpy_pt(c->sys_descr, m->sys_descr,
			    sizeof c->sys_descr);
		}
		break;
	case BMP_TERMINATION:
		rv = decode_bmp_init_term(&b, m, &what);
		break;
	case BMP_ROUTE_MIRRORING:
		/* RFC 7854 4.7: not used here; skipped and counted. */
		c->mirroring++;
		break;
	default:
		c->unknown++;
		return (0);
	}
	if (rv == -1) {
		if (bgpcause != NULL) {
			xasprintf(cause, "offset %llu: %s message: %s: %s",
			    (unsigned long long)offset,
			    decode_bmp_type_name(m->type),
			    what, bgpcause);
			free(bgpcause);
			return (-1);
		}
		return (decode_bmp_fail(cause, offset, m->type, what));
	}
	c->count[m->type]++;
	return (0);
}
