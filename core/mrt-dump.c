/* SPDX-License-Identifier: ISC */
/*
 * The "bgpdump -m" line format (bgpdump's README, "-m: one-line per
 * entry with unix timestamps"):
 *
 *   TABLE_DUMP2|ts|B|peer|peer_as|prefix|as_path|origin|next_hop|
 *       local_pref|med|communities|AG or NAG|aggregator|
 *   BGP4MP|ts|A|... as above
 *   BGP4MP|ts|W|peer|peer_as|prefix
 *   BGP4MP|ts|STATE|peer|peer_as|old_state|new_state
 *
 * ADD-PATH records are labelled TABLE_DUMP2_AP and BGP4MP_AP and carry
 * the path id after the prefix; BGP4MP_ET timestamps have microseconds.
 * With VRPs (peertop mrt --dump --vrp), B and A lines end in one more
 * column, the route's RPKI state: "...|NAG||invalid-origin|".
 * Absent LOCAL_PREF and MED print as 0; AS_SETs in braces; the well-known
 * communities by name as bgpdump prints them.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/decode-mrt.h"
#include "core/mrt-dump.h"
#include "core/vrp.h"

/* A dump with VRPs: where to, against what, and the counts. */
struct mrt_dump_ctx {
	FILE			*out;
	const struct vrp_index	*vrps;
	uint64_t		*rov;
};

static void	mrt_dump_line(const struct mrt_elem *, FILE *,
		    const struct mrt_dump_ctx *);

void
mrt_dump_aspath(FILE *out, const struct bgp_aspath *ap)
{
	const struct bgp_aspath_seg	*s;
	size_t				 i, j;
	char				 open, close, sep;

	for (i = 0; i < ap->nsegs; i++) {
		s = &ap->segs[i];
		switch (s->type) {
		case BGP_AS_SET:
			open = '{'; close = '}'; sep = ',';
			break;
		case BGP_AS_CONFED_SEQUENCE:
			open = '('; close = ')'; sep = ' ';
			break;
		case BGP_AS_CONFED_SET:
			open = '['; close = ']'; sep = ',';
			break;
		default:
			open = close = 0; sep = ' ';
			break;
		}
		if (i > 0)
			putc(' ', out);
		if (open)
			putc(open, out);
		for (j = 0; j < s->count; j++) {
			if (j > 0)
				putc(sep, out);
			fprintf(out, "%u", ap->asns[s->off + j]);
		}
		if (close)
			putc(close, out);
	}
}

static void
mrt_dump_communities(FILE *out, const struct bgp_attrs *a)
{
	size_t		i;
	uint32_t	c;

	for (i = 0; i < a->ncommunities; i++) {
		c = a->communities[i];
		if (i > 0)
			putc(' ', out);
		switch (c) {
		case 0xffffff01:
			fputs("no-export", out);
			break;
		case 0xffffff02:
			fputs("no-advertise", out);
			break;
		case 0xffffff03:
			fputs("local-AS", out);
			break;
		default:
			fprintf(out, "%u:%u", c >> 16, c & 0xffff);
			break;
		}
	}
}

/*
 * Addresses as bgpdump prints them: IPv6 with the longest run of zero
 * groups shortened to "::" even when it is a single group (RFC 5952 4.2.2
 * says not to; bgpdump does, and we match it line for line).
 */
static void
mrt_dump_addr(FILE *out, const struct addr *a)
{
	char		s[ADDR_STRLEN];
	uint16_t	g[8];
	int		i, best = -1, bestlen = 0, run;

	if (a->af != AF_INET6) {
		fputs(addr_fmt(a, s, sizeof s), out);
		return;
	}
	for (i = 0; i < 8; i++)
		g[i] = (uint16_t)(a->b[2 * i] << 8 | a->b[2 * i + 1]);
	if (g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0 && g[4] == 0 &&
	    g[5] == 0xffff) {
		/* IPv4-mapped (RFC 4291 2.5.5.2). */
		fprintf(out, "::ffff:%u.%u.%u.%u", a->b[12], a->b[13],
		    a->b[14], a->b[15]);
		return;
	}
	for (i = 0; i < 8; i += run > 0 ? run : 1) {
		for (run = 0; i + run < 8 && g[i + run] == 0; run++)
			;
		if (run > bestlen) {
			best = i;
			bestlen = run;
		}
	}
	for (i = 0; i < 8; i++) {
		if (i == best) {
			fputs("::", out);
			i += bestlen - 1;
			continue;
		}
		if (i > 0 && i != best + bestlen)
			putc(':', out);
		fprintf(out, "%x", g[i]);
	}
}

static void
mrt_dump_nexthop(FILE *out, const struct mrt_elem *e)
{
	const struct bgp_attrs	*a = e->attrs;
	struct addr		 none;

	if (e->nlri->prefix.addr.af == AF_INET6 || e->nlri->mp) {
		if (a->mp_nexthop.af != 0) {
			mrt_dump_addr(out, &a->mp_nexthop);
			return;
		}
	}
	if (a->present & BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP)) {
		mrt_dump_addr(out, &a->nexthop);
		return;
	}
	if (a->mp_nexthop.af != 0) {
		mrt_dump_addr(out, &a->mp_nexthop);
		return;
	}
	memset(&none, 0xff, sizeof none);
	none.af = AF_INET;
	mrt_dump_addr(out, &none);
}

static void
mrt_dump_head(FILE *out, const struct mrt_elem *e, const char *what)
{
	const struct mrt_record	*r = e->rec;
	const char		*label;

	switch (r->type) {
	case MRT_TABLE_DUMP:
		label = "TABLE_DUMP";
		break;
	case MRT_TABLE_DUMP_V2:
		label = e->addpath ? "TABLE_DUMP2_AP" : "TABLE_DUMP2";
		break;
	case MRT_BGP4MP_ET:
		label = e->addpath ? "BGP4MP_ET_AP" : "BGP4MP_ET";
		break;
	default:
		label = e->addpath ? "BGP4MP_AP" : "BGP4MP";
		break;
	}
	if (r->type == MRT_BGP4MP_ET)
		fprintf(out, "%s|%u.%06u|%s|", label, r->ts, r->usec, what);
	else
		fprintf(out, "%s|%u|%s|", label, r->ts, what);
	mrt_dump_addr(out, &e->peer_addr);
	fprintf(out, "|%u|", e->peer_as);
}

static void
mrt_dump_prefix(FILE *out, const struct bgp_nlri *n)
{
	mrt_dump_addr(out, &n->prefix.addr);
	fprintf(out, "/%u", n->prefix.len);
}

void
mrt_dump_elem(const struct mrt_elem *e, void *arg)
{
	mrt_dump_line(e, arg, NULL);
}

static void
mrt_dump_vrp_cb(const struct mrt_elem *e, void *arg)
{
	const struct mrt_dump_ctx	*c = arg;

	mrt_dump_line(e, c->out, c);
}

/*
 * RFC 6811 2: the origin AS is the last of a path ending in an
 * AS_SEQUENCE; anything else (an AS_SET, no path) is NONE (0), as the
 * RIB has it (core/rib-attr.c).
 */
static uint32_t
mrt_dump_origin(const struct bgp_aspath *ap)
{
	if (ap->nsegs == 0 || ap->nasns == 0 ||
	    ap->segs[ap->nsegs - 1].type != BGP_AS_SEQUENCE ||
	    ap->segs[ap->nsegs - 1].count == 0)
		return (0);
	return (ap->asns[ap->nasns - 1]);
}

static void
mrt_dump_line(const struct mrt_elem *e, FILE *out,
    const struct mrt_dump_ctx *c)
{
	const struct bgp_attrs	*a = e->attrs;
	static const char *const origins[] = { "IGP", "EGP", "INCOMPLETE" };
	enum vrp_state		 st;

	switch (e->type) {
	case MRT_ELEM_STATE:
		mrt_dump_head(out, e, "STATE");
		fprintf(out, "%u|%u\n", e->old_state, e->new_state);
		return;
	case MRT_ELEM_WITHDRAW:
		mrt_dump_head(out, e, "W");
		mrt_dump_prefix(out, e->nlri);
		if (e->addpath)
			fprintf(out, "|%u", e->nlri->path_id);
		putc('\n', out);
		return;
	case MRT_ELEM_RIB:
		mrt_dump_head(out, e, "B");
		break;
	case MRT_ELEM_ANNOUNCE:
		mrt_dump_head(out, e, "A");
		break;
	}
	mrt_dump_prefix(out, e->nlri);
	putc('|', out);
	if (e->addpath)
		fprintf(out, "%u|", e->nlri->path_id);
	mrt_dump_aspath(out, &a->aspath);
	/* bgpdump prints a missing ORIGIN as INCOMPLETE. */
	if (!(a->present & BGP_ATTR_BIT(BGP_ATTR_ORIGIN)))
		fputs("|INCOMPLETE|", out);
	else
		fprintf(out, "|%s|", a->origin < 3 ? origins[a->origin] : "?");
	mrt_dump_nexthop(out, e);
	fprintf(out, "|%u|%u|", a->local_pref, a->med);
	mrt_dump_communities(out, a);
	fprintf(out, "|%s|",
	    (a->present & BGP_ATTR_BIT(BGP_ATTR_ATOMIC_AGGR)) ? "AG" : "NAG");
	if (a->present & BGP_ATTR_BIT(BGP_ATTR_AGGREGATOR)) {
		fprintf(out, "%u ", a->aggr_as);
		mrt_dump_addr(out, &a->aggr_ip);
	}
	if (c != NULL) {
		st = vrp_validate(c->vrps, &e->nlri->prefix,
		    mrt_dump_origin(&a->aspath));
		c->rov[st]++;
		fprintf(out, "|%s", vrp_state_name(st));
	}
	fputs("|\n", out);
}

static void
mrt_dump_null(const struct mrt_elem *e, void *arg)
{
	(void)e;
	(void)arg;
}

int
mrt_dump_file(const char *path, FILE *out, FILE *err,
    struct mrt_dump_stats *st)
{
	return (mrt_dump_file_vrp(path, out, err, NULL, st));
}

int
mrt_dump_file_vrp(const char *path, FILE *out, FILE *err,
    const struct vrp_index *vrps, struct mrt_dump_stats *st)
{
	struct mrt_dump_ctx	 c;
	mrt_elem_cb		 cb = mrt_dump_null;
	void			*arg = out;
	struct mrt_reader	*r;
	struct mrt_decoder	 d;
	struct mrt_record	 rec;
	char			*cause = NULL;
	int			 rv;

	memset(st, 0, sizeof *st);
	if ((r = decode_mrt_open(path, &cause)) == NULL) {
		fprintf(err, "peertop: %s\n", cause);
		free(cause);
		st->errors++;
		return (-1);
	}
	c.out = out;
	c.vrps = vrps;
	c.rov = st->rov;
	if (out != NULL && vrps != NULL) {
		cb = mrt_dump_vrp_cb;
		arg = &c;
	} else if (out != NULL)
		cb = mrt_dump_elem;
	decode_mrt_init(&d);
	while ((rv = decode_mrt_next(r, &rec, &cause)) == 1) {
		if (decode_mrt_record(&d, &rec, path, cb, arg, &cause) != 0) {
			fprintf(err, "peertop: %s\n", cause);
			free(cause);
			cause = NULL;
			st->errors++;
		}
	}
	if (rv == -1) {
		fprintf(err, "peertop: %s\n", cause);
		free(cause);
		st->errors++;
	}
	st->records = d.nrecords;
	st->elems = d.nelems;
	st->skipped = d.nskipped;
	decode_mrt_free(&d);
	decode_mrt_close(r);
	return (st->errors ? -1 : 0);
}
