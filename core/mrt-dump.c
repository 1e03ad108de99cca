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
 *
 * Lines are appended to one large buffer by hand-written formatters (no
 * stdio per field, no allocation per line) and the buffer goes out with
 * one fwrite() when full: a full table is millions of lines, and printf
 * was 85% of the time.  The attribute columns of an UPDATE that announces
 * several prefixes (struct mrt_elem's attrs_id) are formatted once and
 * copied for each prefix, and so are those of a RIB entry whose peer's
 * previous entry had the same attribute bytes (decode-mrt.c keeps that
 * set decoded: struct mrt_memo).
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/decode-mrt.h"
#include "core/mrt-dump.h"
#include "core/vrp.h"

#define MRT_DUMP_BUFSIZE	(256 * 1024)
/* A line without its AS path and communities fits in this. */
#define MRT_DUMP_LINE_FIXED	512

/* The formatted attribute columns of one shared attribute set. */
struct mrt_dump_tail {
	uint64_t	 id;		/* mrt_elem attrs_id */
	char		*text;
	size_t		 len;
	size_t		 cap;
};

/* Where the lines go: a buffer flushed to out, and the VRPs and counts. */
struct mrt_dump_ctx {
	FILE			*out;
	char			*buf;
	size_t			 len;
	size_t			 cap;
	const struct vrp_index	*vrps;
	uint64_t		*rov;

	/* The attribute columns of the last shared set of each slot
	 * (mrt_elem attrs_slot), two per slot: with the IPv4 NEXT_HOP and
	 * with the MP_REACH one. */
	struct mrt_dump_tail	*tails;
	size_t			 ntails;
};

static void	mrt_dump_flush(struct mrt_dump_ctx *);
static char	*mrt_dump_reserve(struct mrt_dump_ctx *, size_t);
static size_t	mrt_dump_tail_max(const struct bgp_attrs *);
static char	*mrt_dump_tail(char *, const struct mrt_elem *, int);
static void	mrt_dump_line(const struct mrt_elem *, struct mrt_dump_ctx *);
static void	mrt_dump_cb(const struct mrt_elem *, void *);

static const char mrt_dump_hex[] = "0123456789abcdef";

/* "00" to "99", two digits at a time. */
static const char mrt_dump_digits[] =
    "0001020304050607080910111213141516171819"
    "2021222324252627282930313233343536373839"
    "4041424344454647484950515253545556575859"
    "6061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

char *
mrt_dump_fmt_u32(char *p, uint32_t v)
{
	char	*end;

	end = p + (v < 10 ? 1 : v < 100 ? 2 : v < 1000 ? 3 : v < 10000 ? 4 :
	    v < 100000 ? 5 : v < 1000000 ? 6 : v < 10000000 ? 7 :
	    v < 100000000 ? 8 : v < 1000000000 ? 9 : 10);
	p = end;
	while (v >= 100) {
		p -= 2;
		memcpy(p, mrt_dump_digits + 2 * (v % 100), 2);
		v /= 100;
	}
	if (v >= 10)
		memcpy(p - 2, mrt_dump_digits + 2 * v, 2);
	else
		p[-1] = (char)('0' + v);
	return (end);
}

/* 0-255 without leading zeros, without branches (octets are random). */
static char *
mrt_dump_u8(char *p, unsigned int v)
{
	p[0] = (char)('0' + v / 100);
	p += v >= 100;
	p[0] = (char)('0' + v / 10 % 10);
	p += v >= 10;
	p[0] = (char)('0' + v % 10);
	return (p + 1);
}

static char *
mrt_dump_v4(char *p, const uint8_t *b)
{
	p = mrt_dump_u8(p, b[0]);
	*p++ = '.';
	p = mrt_dump_u8(p, b[1]);
	*p++ = '.';
	p = mrt_dump_u8(p, b[2]);
	*p++ = '.';
	return (mrt_dump_u8(p, b[3]));
}

/* One IPv6 group in hex without leading zeros. */
static char *
mrt_dump_x16(char *p, unsigned int g)
{
	if (g >= 0x1000)
		*p++ = mrt_dump_hex[g >> 12];
	if (g >= 0x100)
		*p++ = mrt_dump_hex[(g >> 8) & 0xf];
	if (g >= 0x10)
		*p++ = mrt_dump_hex[(g >> 4) & 0xf];
	*p++ = mrt_dump_hex[g & 0xf];
	return (p);
}

/*
 * Addresses as bgpdump prints them: IPv4 dotted, an unset one "-";
 * IPv6 with the longest run of zero groups (the first of equal ones)
 * shortened to "::" even when it is a single group (RFC 5952 4.2.2 says
 * not to; bgpdump does, and we match it line for line), IPv4-mapped ones
 * (RFC 4291 2.5.5.2) as ::ffff:a.b.c.d.  At most ADDR_STRLEN - 1 bytes.
 */
char *
mrt_dump_fmt_addr(char *p, const struct addr *a)
{
	unsigned int	g[8];
	int		i, best = -1, bestlen = 0, run;

	if (a->af == AF_INET)
		return (mrt_dump_v4(p, a->b));
	if (a->af != AF_INET6) {
		*p++ = '-';
		return (p);
	}
	for (i = 0; i < 8; i++)
		g[i] = (unsigned int)a->b[2 * i] << 8 | a->b[2 * i + 1];
	if (g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0 && g[4] == 0 &&
	    g[5] == 0xffff) {
		memcpy(p, "::ffff:", 7);
		return (mrt_dump_v4(p + 7, a->b + 12));
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
			*p++ = ':';
			*p++ = ':';
			i += bestlen - 1;
			continue;
		}
		if (i > 0 && i != best + bestlen)
			*p++ = ':';
		p = mrt_dump_x16(p, g[i]);
	}
	return (p);
}

/* At most 12 bytes an AS number and 3 a segment. */
char *
mrt_dump_fmt_aspath(char *p, const struct bgp_aspath *ap)
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
			*p++ = ' ';
		if (open)
			*p++ = open;
		for (j = 0; j < s->count; j++) {
			if (j > 0)
				*p++ = sep;
			p = mrt_dump_fmt_u32(p, ap->asns[s->off + j]);
		}
		if (close)
			*p++ = close;
	}
	return (p);
}

/* At most 13 bytes a community ("no-advertise ", "65535:65535 "). */
static char *
mrt_dump_communities(char *p, const struct bgp_attrs *a)
{
	size_t		i;
	uint32_t	c;

	for (i = 0; i < a->ncommunities; i++) {
		c = a->communities[i];
		if (i > 0)
			*p++ = ' ';
		switch (c) {
		case 0xffffff01:
			memcpy(p, "no-export", 9);
			p += 9;
			break;
		case 0xffffff02:
			memcpy(p, "no-advertise", 12);
			p += 12;
			break;
		case 0xffffff03:
			memcpy(p, "local-AS", 8);
			p += 8;
			break;
		default:
			p = mrt_dump_fmt_u32(p, c >> 16);
			*p++ = ':';
			p = mrt_dump_fmt_u32(p, c & 0xffff);
			break;
		}
	}
	return (p);
}

/* The next hop: the MP_REACH one for IPv6 and MP routes (mp != 0). */
static char *
mrt_dump_nexthop(char *p, const struct bgp_attrs *a, int mp)
{
	static const struct addr none = {
		.af = AF_INET, .b = { 0xff, 0xff, 0xff, 0xff }
	};

	if (mp && a->mp_nexthop.af != 0)
		return (mrt_dump_fmt_addr(p, &a->mp_nexthop));
	if (a->present & BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP))
		return (mrt_dump_fmt_addr(p, &a->nexthop));
	if (a->mp_nexthop.af != 0)
		return (mrt_dump_fmt_addr(p, &a->mp_nexthop));
	return (mrt_dump_fmt_addr(p, &none));
}

static size_t
mrt_dump_tail_max(const struct bgp_attrs *a)
{
	return (MRT_DUMP_LINE_FIXED + 12 * a->aspath.nasns +
	    3 * a->aspath.nsegs + 13 * a->ncommunities);
}

/*
 * "as_path|origin|next_hop|local_pref|med|communities|AG|aggregator":
 * what depends only on the attributes (and the kind of next hop).
 */
static char *
mrt_dump_tail(char *p, const struct mrt_elem *e, int mp)
{
	static const char *const origins[] = { "IGP", "EGP", "INCOMPLETE" };
	static const uint8_t	 olen[] = { 3, 3, 10 };
	const struct bgp_attrs	*a = e->attrs;

	p = mrt_dump_fmt_aspath(p, &a->aspath);
	*p++ = '|';
	/* bgpdump prints a missing ORIGIN as INCOMPLETE. */
	if (!(a->present & BGP_ATTR_BIT(BGP_ATTR_ORIGIN))) {
		memcpy(p, "INCOMPLETE", 10);
		p += 10;
	} else if (a->origin < 3) {
		memcpy(p, origins[a->origin], olen[a->origin]);
		p += olen[a->origin];
	} else
		*p++ = '?';
	*p++ = '|';
	p = mrt_dump_nexthop(p, a, mp);
	*p++ = '|';
	p = mrt_dump_fmt_u32(p, a->local_pref);
	*p++ = '|';
	p = mrt_dump_fmt_u32(p, a->med);
	*p++ = '|';
	p = mrt_dump_communities(p, a);
	if (a->present & BGP_ATTR_BIT(BGP_ATTR_ATOMIC_AGGR)) {
		memcpy(p, "|AG|", 4);
		p += 4;
	} else {
		memcpy(p, "|NAG|", 5);
		p += 5;
	}
	if (a->present & BGP_ATTR_BIT(BGP_ATTR_AGGREGATOR)) {
		p = mrt_dump_fmt_u32(p, a->aggr_as);
		*p++ = ' ';
		p = mrt_dump_fmt_addr(p, &a->aggr_ip);
	}
	return (p);
}

static void
mrt_dump_flush(struct mrt_dump_ctx *c)
{
	if (c->len > 0 && c->out != NULL)
		fwrite(c->buf, 1, c->len, c->out);
	c->len = 0;
}

/* Room for need more bytes: the buffer's end to write them at. */
static char *
mrt_dump_reserve(struct mrt_dump_ctx *c, size_t need)
{
	if (c->cap - c->len < need) {
		mrt_dump_flush(c);
		if (c->cap < need) {
			free(c->buf);
			c->cap = need;
			c->buf = xmalloc(c->cap);
		}
	}
	return (c->buf + c->len);
}

/* "LABEL|ts|what|peer|peer_as|" */
static char *
mrt_dump_head(char *p, const struct mrt_elem *e, const char *what,
    size_t whatlen)
{
	const struct mrt_record	*r = e->rec;
	const char		*label;
	size_t			 n;

	switch (r->type) {
	case MRT_TABLE_DUMP:
		label = "TABLE_DUMP|";
		break;
	case MRT_TABLE_DUMP_V2:
		label = e->addpath ? "TABLE_DUMP2_AP|" : "TABLE_DUMP2|";
		break;
	case MRT_BGP4MP_ET:
		label = e->addpath ? "BGP4MP_ET_AP|" : "BGP4MP_ET|";
		break;
	default:
		label = e->addpath ? "BGP4MP_AP|" : "BGP4MP|";
		break;
	}
	n = strlen(label);
	memcpy(p, label, n);
	p = mrt_dump_fmt_u32(p + n, r->ts);
	if (r->type == MRT_BGP4MP_ET) {
		/* %06u: six digits, more only past a second. */
		*p++ = '.';
		if (r->usec < 1000000) {
			p[0] = (char)('0' + r->usec / 100000);
			p[1] = (char)('0' + r->usec / 10000 % 10);
			p[2] = (char)('0' + r->usec / 1000 % 10);
			p[3] = (char)('0' + r->usec / 100 % 10);
			p[4] = (char)('0' + r->usec / 10 % 10);
			p[5] = (char)('0' + r->usec % 10);
			p += 6;
		} else
			p = mrt_dump_fmt_u32(p, r->usec);
	}
	*p++ = '|';
	memcpy(p, what, whatlen);
	p += whatlen;
	*p++ = '|';
	p = mrt_dump_fmt_addr(p, &e->peer_addr);
	*p++ = '|';
	p = mrt_dump_fmt_u32(p, e->peer_as);
	*p++ = '|';
	return (p);
}

static char *
mrt_dump_prefix(char *p, const struct bgp_nlri *n)
{
	p = mrt_dump_fmt_addr(p, &n->prefix.addr);
	*p++ = '/';
	return (mrt_dump_fmt_u32(p, n->prefix.len));
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

/* The attribute columns of e, from the cache when its set is shared. */
static char *
mrt_dump_tail_cached(char *p, const struct mrt_elem *e,
    struct mrt_dump_ctx *c, int mp)
{
	struct mrt_dump_tail	*t;
	size_t			 i, max;

	if (e->attrs_id == 0)
		return (mrt_dump_tail(p, e, mp));
	i = (size_t)e->attrs_slot * 2 + mp;
	if (i >= c->ntails) {
		c->tails = xreallocarray(c->tails, i + 2, sizeof *c->tails);
		memset(c->tails + c->ntails, 0,
		    (i + 2 - c->ntails) * sizeof *c->tails);
		c->ntails = i + 2;
	}
	t = &c->tails[i];
	if (t->id != e->attrs_id) {
		max = mrt_dump_tail_max(e->attrs);
		if (t->cap < max) {
			free(t->text);
			t->cap = max;
			t->text = xmalloc(max);
		}
		t->len = mrt_dump_tail(t->text, e, mp) - t->text;
		t->id = e->attrs_id;
	}
	memcpy(p, t->text, t->len);
	return (p + t->len);
}

static void
mrt_dump_line(const struct mrt_elem *e, struct mrt_dump_ctx *c)
{
	const struct bgp_attrs	*a = e->attrs;
	const char		*s;
	enum vrp_state		 st;
	char			*p, *start;
	size_t			 n;
	int			 mp;

	if (e->type == MRT_ELEM_STATE || e->type == MRT_ELEM_WITHDRAW) {
		start = p = mrt_dump_reserve(c, MRT_DUMP_LINE_FIXED);
		if (e->type == MRT_ELEM_STATE) {
			p = mrt_dump_head(p, e, "STATE", 5);
			p = mrt_dump_fmt_u32(p, e->old_state);
			*p++ = '|';
			p = mrt_dump_fmt_u32(p, e->new_state);
		} else {
			p = mrt_dump_head(p, e, "W", 1);
			p = mrt_dump_prefix(p, e->nlri);
			if (e->addpath) {
				*p++ = '|';
				p = mrt_dump_fmt_u32(p, e->nlri->path_id);
			}
		}
		*p++ = '\n';
		c->len += p - start;
		return;
	}
	start = p = mrt_dump_reserve(c, MRT_DUMP_LINE_FIXED +
	    mrt_dump_tail_max(a));
	p = mrt_dump_head(p, e, e->type == MRT_ELEM_RIB ? "B" : "A", 1);
	p = mrt_dump_prefix(p, e->nlri);
	*p++ = '|';
	if (e->addpath) {
		p = mrt_dump_fmt_u32(p, e->nlri->path_id);
		*p++ = '|';
	}
	mp = e->nlri->prefix.addr.af == AF_INET6 || e->nlri->mp;
	p = mrt_dump_tail_cached(p, e, c, mp);
	if (c->vrps != NULL) {
		st = vrp_validate(c->vrps, &e->nlri->prefix,
		    mrt_dump_origin(&a->aspath));
		c->rov[st]++;
		s = vrp_state_name(st);
		n = strlen(s);
		*p++ = '|';
		memcpy(p, s, n);
		p += n;
	}
	*p++ = '|';
	*p++ = '\n';
	c->len += p - start;
}

static void
mrt_dump_cb(const struct mrt_elem *e, void *arg)
{
	mrt_dump_line(e, arg);
}

static void
mrt_dump_ctx_init(struct mrt_dump_ctx *c, FILE *out, size_t cap)
{
	memset(c, 0, sizeof *c);
	c->out = out;
	c->cap = cap;
	c->buf = xmalloc(cap);
}

static void
mrt_dump_ctx_free(struct mrt_dump_ctx *c)
{
	size_t	i;

	mrt_dump_flush(c);
	free(c->buf);
	for (i = 0; i < c->ntails; i++)
		free(c->tails[i].text);
	free(c->tails);
}

void
mrt_dump_elem(const struct mrt_elem *e, void *arg)
{
	struct mrt_dump_ctx	c;

	mrt_dump_ctx_init(&c, arg, MRT_DUMP_LINE_FIXED);
	mrt_dump_line(e, &c);
	mrt_dump_ctx_free(&c);
}

void
mrt_dump_aspath(FILE *out, const struct bgp_aspath *ap)
{
	char	*s, *p;

	s = xmalloc(12 * ap->nasns + 3 * ap->nsegs + 1);
	p = mrt_dump_fmt_aspath(s, ap);
	fwrite(s, 1, p - s, out);
	free(s);
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
	mrt_dump_ctx_init(&c, out, MRT_DUMP_BUFSIZE);
	c.vrps = vrps;
	c.rov = st->rov;
	if (out != NULL)
		cb = mrt_dump_cb;
	decode_mrt_init(&d);
	while ((rv = decode_mrt_next(r, &rec, &cause)) == 1) {
		if (decode_mrt_record(&d, &rec, path, cb, &c, &cause) != 0) {
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
	mrt_dump_ctx_free(&c);
	st->records = d.nrecords;
	st->elems = d.nelems;
	st->skipped = d.nskipped;
	decode_mrt_free(&d);
	decode_mrt_close(r);
	return (st->errors ? -1 : 0);
}
