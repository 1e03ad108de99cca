/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness for the RIB (core/rib.c): the first input byte picks
 * the options (4-byte ASNs, ADD-PATH per family, the 4-octet AS_PATH of
 * a 2-octet session) and the rest is a run of UPDATE bodies, each
 * preceded by a 2-byte length, applied in turn by rib_update() as two
 * peers alternately; every other input byte pair
 * flushes a peer.  After each step the RIB's counters must agree with a
 * walk over everything it holds, and at the end, after both peers are
 * flushed, nothing may be left (no attribute set, route or node leaks).
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/rib.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int	fuzz_rib_count_cb(const struct rib_route *, void *);
static void	fuzz_rib_hook(void *, int);

/*
 * An interned set decodes (so the in-place check of rib-attr.c never
 * accepts what the decoder refuses) to the path length and origin AS the
 * RIB noted.
 */
static void
fuzz_rib_attr_check(const struct rib_attr *a)
{
	struct bgp_decode_opts	 o;
	struct bgp_update	 u;
	const struct bgp_aspath	*ap;
	uint32_t		 origin = 0;
	char			*cause = NULL;

	memset(&o, 0, sizeof o);
	o.as4 = a->as4 != 0;
	o.as4_old_peer = a->as4 == RIB_AS4_OLD_PEER;
	o.mrt_rib = 1;
	if (decode_bgp_attrs(a->raw, a->len, &o, &u, &cause) != 0)
		abort();
	ap = &u.attrs.aspath;
	if (ap->nsegs > 0 && ap->segs[ap->nsegs - 1].type == BGP_AS_SEQUENCE)
		origin = ap->asns[ap->nasns - 1];
	if (u.treat_as_withdraw || a->origin_as != origin ||
	    a->pathlen != (ap->nasns > 255 ? 255 : ap->nasns))
		abort();
	decode_bgp_update_free(&u);
}

struct fuzz_rib_walk {
	struct rib	*r;
	size_t		 n;
};

/*
 * Every route counts once; an IPv4 route's first address finds, through
 * the longest-match index of rib-lpm.c, a match at least as long that
 * covers it.
 */
static int
fuzz_rib_count_cb(const struct rib_route *rt, void *arg)
{
	struct fuzz_rib_walk	*w = arg;
	struct prefix		 host, m;

	if (rt->attr == NULL || rt->attr->refcnt == 0)
		abort();
	fuzz_rib_attr_check(rt->attr);
	w->n++;
	if (rt->prefix.addr.af == AF_INET) {
		host = rt->prefix;
		host.len = 32;
		if (rib_longest(w->r, &host, &m) != 1 ||
		    m.len < rt->prefix.len || !prefix_contains(&m, &host.addr))
			abort();
	}
	return (0);
}

static void
fuzz_rib_hook(void *arg, int id)
{
	size_t	*n = arg;

	(void)id;
	(*n)++;
}

/* Every route is found by a walk from /0 of both families. */
static void
fuzz_rib_check(struct rib *r)
{
	struct rib_stats	st;
	struct prefix		p;
	struct fuzz_rib_walk	w;
	size_t			n, i, sum = 0;

	w.r = r;
	w.n = 0;
	memset(&p, 0, sizeof p);
	p.addr.af = AF_INET;
	rib_walk(r, &p, 1, fuzz_rib_count_cb, &w);
	p.addr.af = AF_INET6;
	rib_walk(r, &p, 1, fuzz_rib_count_cb, &w);
	n = w.n;
	rib_stats(r, &st);
	for (i = 0; i < rib_npeers(r); i++)
		sum += rib_peer(r, i)->nroutes;
	if (n != st.routes || sum != st.routes ||
	    st.prefixes > st.nodes || (st.routes == 0 && st.attrs != 0))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bgp_decode_opts	 o;
	struct rib_peer_key	 k;
	struct rib_update_stats	 us;
	struct rib_stats	 st;
	struct rib		*r;
	struct rib_attr		*a;
	struct prefix		 w;
	char			*cause = NULL;
	size_t			 len, fired = 0;
	int			 peer[2], turn = 0, taw;

	if (size < 1)
		return (0);
	memset(&o, 0, sizeof o);
	o.as4 = data[0] & 1;
	o.addpath_v4 = (data[0] >> 1) & 1;
	o.addpath_v6 = (data[0] >> 2) & 1;
	o.as4_old_peer = (data[0] >> 3) & 1;
	data++;
	size--;

	r = rib_new();
	memset(&k, 0, sizeof k);
	k.kind = RIB_PEER_ADJ_IN_PRE;
	k.addr.af = AF_INET;
	peer[0] = rib_peer_get(r, &k);
	k.asn = 65001;
	peer[1] = rib_peer_get(r, &k);
	/* Watch 10/8 and ::/0 so the hook paths run too. */
	rib_set_watch_hook(r, fuzz_rib_hook, &fired);
	memset(&w, 0, sizeof w);
	w.addr.af = AF_INET;
	w.addr.b[0] = 10;
	w.len = 8;
	rib_watch(r, &w, 1);
	memset(&w, 0, sizeof w);
	w.addr.af = AF_INET6;
	rib_watch(r, &w, 2);

	while (size >= 2) {
		len = (size_t)data[0] << 8 | data[1];
		data += 2;
		size -= 2;
		if (len == 0xffff) {
			rib_peer_flush(r, peer[turn]);
			fuzz_rib_check(r);
			continue;
		}
		if (len > size)
			len = size;
		/* The same bytes as a RIB entry's attributes. */
		o.mrt_rib = 1;
		a = rib_attr_get(r, data, len, &o, &taw, &cause);
		if (a != NULL) {
			fuzz_rib_attr_check(a);
			rib_attr_put(r, a);
		}
		free(cause);
		cause = NULL;
		o.mrt_rib = 0;
		memset(&us, 0, sizeof us);
		if (rib_update(r, peer[turn], data, len, &o, &us,
		    &cause) == -1) {
			if (cause == NULL)
				abort();
			free(cause);
			cause = NULL;
		}
		fuzz_rib_check(r);
		data += len;
		size -= len;
		turn ^= 1;
	}
	rib_peer_flush(r, peer[0]);
	rib_peer_flush(r, peer[1]);
	rib_stats(r, &st);
	if (st.routes != 0 || st.attrs != 0 || st.prefixes != 0 ||
	    st.attr_bytes != 0)
		abort();
	rib_free(r);
	return (0);
}
